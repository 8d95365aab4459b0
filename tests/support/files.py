"""What the file store holds, whichever store the test runs on (a folder or a bucket)."""

from __future__ import annotations

from flask import Flask

from kitchen.services import uploads


def stored_keys(app: Flask) -> set[str]:
    """Every stored file's key and every upload temp file left behind."""
    with app.app_context():
        store = uploads.storage()
        return {e.key for e in store.stored()} | {e.key for e in store.temp_files()}
