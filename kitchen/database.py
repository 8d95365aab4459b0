"""Database engine settings: SQLite tuned for several worker processes writing at once.

SQLite serialises writers. By default pysqlite opens a transaction at the first statement, so a
request that reads, then writes after another process committed, cannot upgrade its stale read
snapshot and fails at once with "database is locked", whatever the busy timeout; and a rollback
journal makes readers wait for writers. So, on SQLite:

* WAL: readers never wait for the writer, and the writer never waits for readers;
* reads run outside transactions (each statement sees the latest commit, as PostgreSQL's READ
  COMMITTED does), and the first write of a transaction opens it with BEGIN IMMEDIATE, which
  waits its turn (busy_timeout) instead of failing; a transaction therefore holds the write lock
  only from its first write to its commit, which the services keep short.

Optimistic checks (the item version column) still catch concurrent decisions on one item.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kitchen.extensions import db

BUSY_TIMEOUT_MS = 30_000
READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN)\b", re.IGNORECASE)


def init_app(app: Flask) -> None:
    """Tune the app's SQLite engines (PostgreSQL needs nothing here)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite" and not event.contains(
                engine, "connect", _on_connect
            ):
                event.listen(engine, "connect", _on_connect)
                event.listen(engine, "begin", _on_begin)
                event.listen(engine, "before_cursor_execute", _before_execute)


def _on_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we open transactions ourselves, see above
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; WAL stays intact
    cursor.close()


def _on_begin(_connection) -> None:
    """Open nothing yet: reads need no transaction; the first write opens one."""


def _before_execute(connection, cursor, statement, _params, _context, _many) -> None:
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction and not READ_ONLY.match(statement):
        cursor.execute("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine | None = None) -> bool:
    """Tell whether the app's database is SQLite."""
    return (engine or db.engine).dialect.name == "sqlite"
