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

On PostgreSQL the same shape saves a round trip a transaction: psycopg opens every transaction
with a BEGIN of its own, so a page that only reads paid for BEGIN and ROLLBACK around its
queries. Connections run in autocommit; the first write of a transaction, or a SELECT ... FOR
UPDATE, or a streamed read (a server-side cursor), sends BEGIN first; commit and rollback end
what was begun. Reads see what READ COMMITTED
would have shown them (each statement its own snapshot) either way.

Optimistic checks (the item version column) still catch concurrent decisions on one item.
"""

from __future__ import annotations

import re

from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kitchen.extensions import db

BUSY_TIMEOUT_MS = 30_000
READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|SHOW)\b", re.IGNORECASE)
LOCKING = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b", re.IGNORECASE)


def init_app(app: Flask) -> None:
    """Tune the app's engines: SQLite and PostgreSQL each their way (see above)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite" and not event.contains(
                engine, "connect", _on_connect
            ):
                event.listen(engine, "connect", _on_connect)
                event.listen(engine, "begin", _on_begin)
                event.listen(engine, "before_cursor_execute", _before_execute)
            elif engine.dialect.name == "postgresql" and not event.contains(
                engine, "connect", _on_pg_connect
            ):
                event.listen(engine, "connect", _on_pg_connect)
                event.listen(engine, "before_cursor_execute", _before_pg_execute)


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


def _on_pg_connect(dbapi_connection, _record) -> None:
    dbapi_connection.autocommit = True  # we open transactions ourselves, see above


def _before_pg_execute(connection, cursor, statement, _params, context, _many) -> None:
    if context is not None and context.execution_options.get("isolation_level") == "AUTOCOMMIT":
        return  # asked for outright (CREATE DATABASE, say): no transaction at all
    raw = connection.connection.dbapi_connection
    if raw.info.transaction_status != TransactionStatus.IDLE:
        return
    streamed = context is not None and context.execution_options.get("stream_results")
    if streamed or not READ_ONLY.match(statement) or LOCKING.search(statement):
        raw.execute("BEGIN")  # on the connection: `cursor` may be a server-side (named) one


def is_sqlite(engine: Engine | None = None) -> bool:
    """Tell whether the app's database is SQLite."""
    return (engine or db.engine).dialect.name == "sqlite"
