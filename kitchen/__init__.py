"""The central kitchen: a publicity-asset library. `create_app` builds the Flask app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config import BASE_DIR, Config, config_for


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error handlers, CLI."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    _configure(app, config)

    from kitchen import cli, database, i18n, inputs, logs, navigation, security
    from kitchen.blueprints import register_blueprints
    from kitchen.blueprints.errors import register_error_handlers
    from kitchen.extensions import bootstrap, csrf, db, migrate
    from kitchen.services import changes, indexing, names

    logs.init_app(app)
    db.init_app(app)
    database.init_app(app)
    changes.init_app(app)
    names.init_app(app)
    indexing.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    inputs.init_app(app)  # before CSRF, which reads the form: limits and cleaning come first
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    cli.init_app(app)
    return app


def _configure(app: Flask, config: Config | dict[str, Any] | None) -> None:
    """Load the settings: a Config object, a dict of overrides, or the environment."""
    if isinstance(config, Config):
        app.config.update(config.as_dict())
    else:
        app.config.update(config_for().as_dict())
        app.config.update(config or {})
    app.instance_path = app.config["INSTANCE_DIR"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
