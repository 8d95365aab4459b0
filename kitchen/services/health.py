"""Health checks for the load balancer and for operators."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from kitchen.extensions import db


def check() -> dict[str, str]:
    """The state of the database and of the data folders: "ok" or what is wrong."""
    results: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        results["database"] = "ok"
    except Exception as exc:  # any driver error means unhealthy
        db.session.rollback()
        results["database"] = f"error: {type(exc).__name__}"
    for name in ("UPLOADS_DIR", "SEARCH_INDEX_DIR"):
        folder = Path(current_app.config[name])
        ok = folder.is_dir() and os.access(folder, os.W_OK)
        results[name.removesuffix("_DIR").lower()] = "ok" if ok else "error: not a writable folder"
    if current_app.config.get("STORAGE") == "s3":
        results["bucket"] = bucket_state()
    return results


def bucket_state() -> str:
    """Whether the configured bucket answers: "ok" or the error's name."""
    from kitchen.services.storage_s3 import S3Storage
    from kitchen.services.uploads import storage

    store = storage()
    assert isinstance(store, S3Storage)
    try:
        store.check()
    except Exception as exc:  # any client or connection error means unhealthy
        return f"error: {type(exc).__name__}"
    return "ok"
