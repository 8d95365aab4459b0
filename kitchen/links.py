"""Absolute links to the library's pages and files."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL: under KITCHEN_BASE_URL when it is set, never from a forged Host header."""
    base = current_app.config.get("BASE_URL") or ""
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
