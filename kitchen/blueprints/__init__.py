"""Thin views: parse the request, check access, call one service, render or redirect."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to the app."""
    from kitchen import api
    from kitchen.blueprints import (
        admin,
        auth,
        campaigns,
        files,
        items,
        library,
        main,
        people,
        reports,
        review,
        shared,
        submit,
        tokens,
    )

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(items.bp)
    app.register_blueprint(submit.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(campaigns.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(shared.bp)
    app.register_blueprint(api.bp)
