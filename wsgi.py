"""The WSGI entry point: gunicorn wsgi:app, flask --app wsgi."""

from kitchen import create_app

app = create_app()
