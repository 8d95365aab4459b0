"""Request logging: a request id, the user, the route, the status and the time taken."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, Response, g, request
from sqlalchemy import inspect

log = logging.getLogger("kitchen.request")


def _user_id() -> str:
    """The signed-in user's id, without loading anything: after a commit the user's columns are
    expired, and reading them again would cost a query per logged request."""
    user = g.get("_login_user")
    if user is None:
        return "-"
    state = inspect(user, raiseerr=False)
    if state is None or state.identity is None:
        return "-"
    return str(state.identity[0])


def init_app(app: Flask) -> None:
    """Log one line per request and hand the request id back in a header."""
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.setLevel(level)

    @app.before_request
    def start_timer() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        user = _user_id()
        log.info(
            "rid=%s user=%s %s %s route=%s status=%s %.1fms",
            g.get("request_id", "-"),
            user,
            request.method,
            request.path,
            request.endpoint or "-",
            response.status_code,
            elapsed_ms,
        )
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response
