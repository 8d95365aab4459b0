"""The PostgreSQL search backend: one table of pre-analysed documents with a GIN index.

For deployments on several servers (KITCHEN_SEARCH_BACKEND=postgresql): every host searches the
same table, and an index write joins the transaction of whoever makes it, so the worker deletes
an index job in the very commit that writes the document (a kill -9 loses neither).

The table (`search_documents_v<LAYOUT>`, owned by this module, not by the app's migrations) holds
per document its lexemes (kitchen.search.pg_terms) as a `tsvector`, its normalised index text
for the exact checks, its facet values as columns for counting, its sort keys and its JSON
source (what a hit shows). A layout change gets a new table name; `needs_rebuild` is true until
a rebuild has filled it, so hosts running the old code keep their own table meanwhile.

A search is one statement: the matching rows (GIN, `enable_seqscan` off: the planner otherwise
unpacks every vector for a common word), the facet counts over them in one GROUPING SETS pass
(exact up to FACET_CAP hits, beyond that counted over a sample chosen by a hash of the id and
scaled, marked estimated), and the page. Ranking approximates the Whoosh backend's BM25 over
rjieba words with presence only: each query word adds its idf once where it is a word of the
document and twice where it is a word of a title-weighted field (title, keywords, people); no
term frequencies, no length normalisation. Ties go to the newest, then the higher id, as there.
"""

from __future__ import annotations

import itertools
import logging
import math
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession

from kitchen.fields import FACETS
from kitchen.search import (
    FACET_NAMES,
    ProgressCallback,
    SearchDocument,
    SearchQuery,
    SearchResults,
    document_from_json,
    document_json,
    fingerprint,
)
from kitchen.search.highlight import make_hit, needle_pattern
from kitchen.search.pg_terms import (
    ALL,
    BIG,
    NOTHING,
    Condition,
    all_of,
    analyse,
    any_of,
    clause_condition,
    facet_lexeme,
    quoted,
)
from kitchen.search.query import ParsedQuery, parse_query
from kitchen.search.schema import day_key, recency_key
from kitchen.search.searching import MAX_DEPTH, clean_query, empty_results

log = logging.getLogger(__name__)

LAYOUT = 2  # bump when the lexemes or the columns change: a rebuild fills the new table
FACET_CAP = 50_000  # hits counted exactly; beyond, facets are estimated from a sample
WRITE_BATCH = 500
TUPLE_TARGET = 4000  # bytes of a row kept in the table before its largest columns go to TOAST
PARALLEL_MIN_DOCS = 2_000  # a rebuild of more documents analyses them on every core
PARALLEL_CHUNK = 500  # documents analysed per round by the pool (their rows are ~0.25 MB each)
IDF_SECONDS = 300.0  # how long a word's document count is reused for ranking
MAX_RANKED_WORDS = 8
LOCK_TIMEOUT = "30s"  # the longest an index write waits for another transaction's row
META_TABLE = "search_layouts"
INDEX_BUILD_MEMORY = "256MB"  # maintenance_work_mem while a rebuild builds the GIN index
# work_mem of a search (raised to, never lowered): with the default 4 MB a query over a few
# hundred thousand hits gets a lossy bitmap, whose rows are rechecked by unpacking each one's
# vector from TOAST (~40 KB), and its hits spill to temporary files.
SEARCH_WORK_MEM = "64MB"
SEPARATOR = "\x1f"  # joins a multi-valued facet's values for counting (never in a value)
COUNT_CAP = 50_000  # a word's documents counted exactly up to this; beyond, the planner's estimate
# Facet columns: name -> (column, multi-valued)
COLUMNS = {f.name: (f"f_{f.name}", f.multi) for f in FACETS}


class Session(Protocol):
    """What the backend needs of a database session (SQLAlchemy's Session or scoped_session)."""

    def connection(self) -> Connection: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def begin_nested(self) -> Any: ...

    def get_bind(self) -> Any: ...


def table_name(prefix: str = "search_documents") -> str:
    """The table of the current layout."""
    return f"{prefix}_v{LAYOUT}"


class PostgresBackend:
    """SearchBackend on a PostgreSQL table; writes join the session's transaction."""

    def __init__(
        self, session: Session, prefix: str = "search_documents", procs: int | None = None
    ) -> None:
        self.session = session
        self.prefix = prefix
        self.procs = procs if procs is not None else min(os.cpu_count() or 1, 4)
        self.table = table_name(prefix)
        self._ready = False
        self._documents: tuple[int, float] | None = None  # (how many, when counted)
        self._frequencies: dict[str, tuple[int, float]] = {}  # word -> (documents, when)

    # Schema ---------------------------------------------------------------------------------

    def _ensure(self) -> None:
        """Create the table, its indexes and the layout register if missing."""
        if self._ready:
            return
        t = self.table
        facet_columns = ", ".join(
            f"{column} text[] NOT NULL" if multi else f"{column} text NOT NULL"
            for column, multi in COLUMNS.values()
        )
        statements = [
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name text PRIMARY KEY, "
            "complete boolean NOT NULL DEFAULT false)",
            f"CREATE TABLE IF NOT EXISTS {t} (id bigint PRIMARY KEY, fingerprint bigint NOT NULL,"
            " terms tsvector NOT NULL, body text NOT NULL, big boolean NOT NULL,"
            " day integer NOT NULL, recency bigint NOT NULL,"
            f" {facet_columns}, source text NOT NULL,"
            " indexed_at timestamptz NOT NULL DEFAULT clock_timestamp())"
            # The text a long word is checked in stays in the row, compressed (MAIN), while
            # the vector and the source go to TOAST: a check then costs ~10 µs, not ~35.
            f" WITH (toast_tuple_target = {TUPLE_TARGET})",
            f"ALTER TABLE {t} ALTER COLUMN body SET STORAGE MAIN",
            self._index_statement(),
            f"CREATE TABLE IF NOT EXISTS {t}_removed (id bigint PRIMARY KEY,"
            " removed_at timestamptz NOT NULL)",
            f"INSERT INTO {META_TABLE} (name) VALUES ('{t}') ON CONFLICT DO NOTHING",
        ]
        # On a connection of its own, committed at once: DDL (even IF NOT EXISTS) locks the
        # table, and a caller's transaction must never keep that lock while it does other work.
        with self.session.get_bind().connect() as connection:
            exists = connection.scalar(
                text("SELECT to_regclass(:t) IS NOT NULL AND to_regclass(:m) IS NOT NULL"),
                {"t": f"{t}_removed", "m": META_TABLE},
            )
            if not exists:
                # Two hosts starting at once must not both create: one waits for the other.
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": t})
                for statement in statements:
                    connection.execute(text(statement))
            connection.commit()
        self._ready = True

    def _execute(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        self._ensure()
        return self.session.connection().execute(text(sql), params or {})

    # Updates -------------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (the last one wins for a repeated id); no commit."""
        batch = list({doc.id: doc for doc in docs}.values())
        if not batch:
            return 0
        self._ensure()
        with self.session.begin_nested():  # a failure leaves the caller's transaction usable
            connection = self.session.connection()
            # A stuck transaction holding one of these rows fails the write after LOCK_TIMEOUT
            # (the job is retried) instead of stalling the worker.
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            for start in range(0, len(batch), WRITE_BATCH):
                self._write([document_row(d) for d in batch[start : start + WRITE_BATCH]])
            connection.execute(text("SET LOCAL lock_timeout = 0"))
        return len(batch)

    def _write(self, rows: list[dict[str, Any]], since: datetime | None = None) -> None:
        """Upsert rows (`document_row`); with `since`, leave rows written after it alone (a
        rebuild's rule)."""
        t = self.table
        names = [column for column, _multi in COLUMNS.values()]
        guard, removed = "", ""
        if since is not None:
            guard = f" WHERE {t}.indexed_at < :since"
            removed = (
                f" WHERE NOT EXISTS (SELECT 1 FROM {t}_removed r WHERE r.id = :id"
                " AND r.removed_at >= :since)"
            )
        else:
            ids = [row["id"] for row in rows]
            self.session.connection().execute(
                text(f"DELETE FROM {t}_removed WHERE id = ANY(:ids)"), {"ids": ids}
            )
        sql = (
            f"INSERT INTO {t} (id, fingerprint, terms, body, big, day, recency, "
            f"{', '.join(names)}, source, indexed_at) SELECT :id, :fingerprint, "
            "array_to_tsvector(CAST(:terms AS text[])), :body, :big, :day, :recency, "
            f"{', '.join(':' + n for n in names)}, :source, clock_timestamp(){removed} "
            "ON CONFLICT (id) DO UPDATE SET "
            + ", ".join(
                f"{c} = excluded.{c}"
                for c in ("fingerprint", "terms", "body", "big", "day", "recency", *names)
            )
            + ", source = excluded.source, indexed_at = excluded.indexed_at"
            + guard
        )
        if since is not None:
            rows = [row | {"since": since} for row in rows]
        self.session.connection().execute(text(sql), rows)

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored; no commit."""
        targets = sorted({int(i) for i in ids if -(2**63) <= int(i) < 2**63})
        if not targets:
            return
        with self.session.begin_nested():
            self._execute(f"DELETE FROM {self.table} WHERE id = ANY(:ids)", {"ids": targets})
            # A tombstone, so that a rebuild running meanwhile does not write the item back.
            self._execute(
                f"INSERT INTO {self.table}_removed (id, removed_at) "
                "SELECT unnest(CAST(:ids AS bigint[])), clock_timestamp() "
                "ON CONFLICT (id) DO UPDATE SET removed_at = excluded.removed_at",
                {"ids": targets},
            )

    def rebuild(
        self, docs: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Write every document, then remove the rows no one wrote since the start.

        Searches keep reading the table meanwhile. Index writes made during the rebuild (the
        worker's) are newer than the rebuild's copy of the same item and win: the rebuild only
        replaces rows written before it began. The rebuild commits as it goes, in a session of
        its own: the caller's unit of work is left alone.
        """
        own = OrmSession(bind=self.session.get_bind())
        try:
            return PostgresBackend(own, self.prefix, self.procs)._rebuild(docs, progress)
        finally:
            own.close()

    def _rebuild(self, docs: Iterable[SearchDocument], progress: ProgressCallback | None) -> int:
        self._ensure()
        since = self._execute("SELECT clock_timestamp()").scalar_one()
        self._defer_index()
        self.session.commit()
        count = 0
        batch: list[dict[str, Any]] = []
        for row in analysed_rows(docs, self.procs):
            batch.append(row)
            if len(batch) >= WRITE_BATCH:
                count += self._flush(batch, since, progress, count)
        count += self._flush(batch, since, progress, count)
        self._execute(f"DELETE FROM {self.table} WHERE indexed_at < :since", {"since": since})
        self._execute(
            f"DELETE FROM {self.table}_removed WHERE removed_at < :since", {"since": since}
        )
        self.session.commit()
        self._build_index()
        self._mark_complete()
        self._drop_old_layouts()
        self.session.commit()
        return count

    def _flush(
        self,
        batch: list[dict[str, Any]],
        since: datetime,
        progress: ProgressCallback | None,
        done: int,
    ) -> int:
        if not batch:
            return 0
        unique = list({row["id"]: row for row in batch}.values())
        self._write(unique, since)
        self.session.commit()
        count = len(batch)
        batch.clear()
        if progress:
            progress(done + count)
        return count

    def _defer_index(self) -> None:
        """Into an empty table, fill first and build the GIN index after (`_build_index`).

        PostgreSQL's GIN tips: inserting ~4,000 lexemes per row into a live GIN index is slow,
        building one over the loaded table is much faster. Only an empty table is filled this
        way, where no one has results to lose; a table with rows keeps its index throughout.
        Meanwhile searches scan the table (correct, slower) and writes go in unhindered.
        """
        t = self.table
        if self._execute(f"SELECT EXISTS (SELECT 1 FROM {t})").scalar():
            return
        try:
            with self.session.begin_nested():
                # A search holding the table would make DROP INDEX wait, and every search
                # behind it: give up after a moment and fill the indexed table instead.
                self._execute("SET LOCAL lock_timeout = '2s'")
                self._execute(f"DROP INDEX IF EXISTS {t}_terms")
                self._execute("SET LOCAL lock_timeout = 0")
        except OperationalError:
            log.info("search index %s kept during the rebuild: the table is in use", t)

    def _index_statement(self) -> str:
        """The one GIN index a search reads (created with the table, or after a deferred fill)."""
        return f"CREATE INDEX IF NOT EXISTS {self.table}_terms ON {self.table} USING gin (terms)"

    def _build_index(self) -> None:
        """Create the GIN index if it is missing (a deferred fill's, or one a killed rebuild
        left out), with room to sort in memory; writes wait meanwhile, searches go on."""
        t = self.table
        if self._execute("SELECT to_regclass(:i)", {"i": f"{t}_terms"}).scalar() is not None:
            return
        started = time.perf_counter()
        self._execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        self._execute(self._index_statement())
        self.session.commit()
        log.info("search index %s built in %.0f s", t, time.perf_counter() - started)

    def _drop_old_layouts(self) -> None:
        """Drop the tables of earlier layouts once this one is complete."""
        old = self._execute(
            f"SELECT name FROM {META_TABLE} WHERE name LIKE :p AND name <> :t",
            {"p": f"{self.prefix}_v%", "t": self.table},
        ).scalars()
        for name in list(old):
            if name.removeprefix(f"{self.prefix}_v").isdigit():
                self._execute(f"DROP TABLE IF EXISTS {name}, {name}_removed")
                self._execute(f"DELETE FROM {META_TABLE} WHERE name = :n", {"n": name})

    def clear(self) -> None:
        """Remove every document (the layout stays complete: an empty index is a built one)."""
        self._execute(f"DELETE FROM {self.table}")
        self._execute(f"DELETE FROM {self.table}_removed")
        self._mark_complete()
        self.session.commit()

    def _mark_complete(self) -> None:
        self._execute(
            f"INSERT INTO {META_TABLE} (name, complete) VALUES (:t, true) "
            "ON CONFLICT (name) DO UPDATE SET complete = true",
            {"t": self.table},
        )

    def needs_rebuild(self) -> bool:
        """Tell whether this layout's table has not been filled by a rebuild yet."""
        complete = self._execute(
            f"SELECT complete FROM {META_TABLE} WHERE name = :t", {"t": self.table}
        ).scalar()
        return not complete

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to prepare: PostgreSQL writes each batch as it comes."""
        yield

    # Reading -------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents."""
        return int(self._execute(f"SELECT count(*) FROM {self.table}").scalar_one())

    def fingerprints(self) -> dict[int, list[int]]:
        """Every document's id with its fingerprint (a primary key holds one copy)."""
        rows = self._execute(f"SELECT id, fingerprint FROM {self.table}")
        return {int(i): [_unsigned(int(f))] for i, f in rows}

    def _idf(self, words: list[str]) -> dict[str, float]:
        """BM25's inverse document frequency of each word that some document has (a word's
        count is kept IDF_SECONDS: it changes slowly, and counting costs a scan of it)."""
        now = time.monotonic()
        if self._documents is None or now - self._documents[1] > IDF_SECONDS:
            estimate = self._execute(
                "SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)",
                {"t": self.table},
            ).scalar()
            if estimate is None or estimate < 1000:  # never analysed, or small: count
                estimate = self.count()
            self._documents = (int(estimate), now)
        total = self._documents[0]
        found: dict[str, float] = {}
        for word in words:
            kept = self._frequencies.get(word)
            if kept is None or now - kept[1] > IDF_SECONDS:
                count = self._document_count(quoted("w:" + word))
                if len(self._frequencies) > 10_000:
                    self._frequencies.clear()
                kept = self._frequencies[word] = (count, now)
            df = kept[0]
            if df:
                found[word] = math.log(1.0 + (max(total, df) - df + 0.5) / (df + 0.5))
        return found

    def _document_count(self, tsquery: str) -> int:
        """How many documents match: exact up to COUNT_CAP, beyond it the planner's estimate
        (from the column's statistics) if larger. Counting a word in most of 500,000 items
        reads every one of their rows; the idf of so common a word barely moves with it."""
        match = f"FROM {self.table} WHERE terms @@ CAST(:q AS tsquery)"
        count = int(
            self._execute(
                f"SELECT count(*) FROM (SELECT 1 {match} LIMIT {COUNT_CAP}) found", {"q": tsquery}
            ).scalar_one()
        )
        if count < COUNT_CAP:
            return count
        # EXPLAIN's JSON, parsed by the driver: the planner's row estimate, no rows read
        plan = self._execute(f"EXPLAIN (FORMAT JSON) SELECT 1 {match}", {"q": tsquery}).scalar()
        return max(count, int(plan[0]["Plan"]["Plan Rows"]))

    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query; bad input gives zero results, never an error."""
        query = clean_query(query)
        parsed = parse_query(query.text)
        if parsed.unsearchable:
            return empty_results(query)
        self._ensure()
        words = parsed.ranking_words()[:MAX_RANKED_WORDS] if query.sort == "relevance" else []
        with self.session.begin_nested():
            connection = self.session.connection()
            # Words are found through the GIN index: above ~80% matching rows the planner
            # would rather unpack every row's vector, which costs seconds, not milliseconds.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            memory = connection.scalar(text("SELECT current_setting('work_mem')"))
            connection.execute(
                text(
                    "SELECT set_config('work_mem', :w, true) WHERE pg_size_bytes(:w) > "
                    "pg_size_bytes(current_setting('work_mem'))"
                ),
                {"w": SEARCH_WORK_MEM},
            )
            # Without a BIG document the words need no single-character alternative: the GIN
            # scans then read a few short posting lists instead of the longest ones.
            big = connection.scalar(
                text(
                    f"SELECT EXISTS (SELECT 1 FROM {self.table} WHERE terms @@ CAST(:b AS tsquery))"
                ),
                {"b": quoted(BIG)},
            )
            plan = _Plan(self.table, parsed, query, self._idf(words), bool(big))
            if not plan.uses_terms:  # browsing: the columns, read in order
                connection.execute(text("SET LOCAL enable_seqscan = on"))
            rows = connection.execute(text(plan.sql()), plan.params).all()
            connection.execute(text("SET LOCAL enable_seqscan = on"))
            connection.execute(text("SELECT set_config('work_mem', :w, true)"), {"w": memory})
            sources = {}
            page = [row for row in rows if row[0] == "hit"]
            if page:
                ids = [int(row[1]) for row in page]
                found = connection.execute(
                    text(f"SELECT id, source FROM {self.table} WHERE id = ANY(:ids)"),
                    {"ids": ids},
                )
                sources = {int(i): s for i, s in found}
        return plan.results(rows, sources)


def document_row(doc: SearchDocument) -> dict[str, Any]:
    """A document as the table's row: analysed (kitchen.search.pg_terms), its facet columns, its
    sort keys and its JSON source."""
    analysed = analyse(doc)
    source = document_json(doc)
    row: dict[str, Any] = {
        "id": doc.id,
        "fingerprint": _signed(fingerprint(source)),
        "terms": analysed.lexemes,
        "body": analysed.text.replace("\x00", ""),
        "big": analysed.big,
        "day": day_key(doc.day),
        "recency": recency_key(doc),
        "source": source,
    }
    for facet in FACETS:
        value = getattr(doc, facet.source)
        column = COLUMNS[facet.name][0]
        row[column] = [str(v) for v in dict.fromkeys(value)] if facet.multi else str(value)
    return row


def analysed_rows(docs: Iterable[SearchDocument], procs: int) -> Iterator[dict[str, Any]]:
    """The rows of a stream of documents, in order: analysed by `procs` processes once the
    stream proves long (PARALLEL_MIN_DOCS), in this one before (a pool costs a second)."""
    stream = iter(docs)
    head = list(itertools.islice(stream, PARALLEL_MIN_DOCS))
    if procs <= 1 or len(head) < PARALLEL_MIN_DOCS:
        yield from (document_row(doc) for doc in itertools.chain(head, stream))
        return
    # The stream is read here, in the caller's thread (a database cursor belongs to it): one
    # chunk is analysed by the pool while the rows of the one before are written.
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        pending = None
        stream = itertools.chain(head, stream)
        chunk = list(itertools.islice(stream, PARALLEL_CHUNK))
        while chunk:
            job = pool.map_async(document_row, chunk, chunksize=16)
            if pending is not None:
                yield from pending.get()
            pending = job
            chunk = list(itertools.islice(stream, PARALLEL_CHUNK))
        if pending is not None:
            yield from pending.get()


def _signed(value: int) -> int:
    return value - 2**64 if value >= 2**63 else value


def _unsigned(value: int) -> int:
    return value + 2**64 if value < 0 else value


class _Plan:
    """The statement answering one query, and how to read its rows back."""

    def __init__(
        self,
        table: str,
        parsed: ParsedQuery,
        query: SearchQuery,
        idf: dict[str, float],
        big: bool = True,
    ) -> None:
        self.table, self.parsed, self.query, self.idf = table, parsed, query, idf
        self.big = big  # whether the table holds BIG documents (see pg_terms)
        self.params: dict[str, Any] = {}
        self.depth = query.page * query.per_page
        self.uses_terms = True
        self.main = ""  # the tsquery every hit matches (none when browsing)
        self.where = self._where()

    def _param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def _check(self, condition: Condition) -> list[str]:
        found = []
        for needle, big_only in condition.checks:
            test = f"strpos(body, {self._param(needle)}) > 0"
            found.append(f"(NOT big OR {test})" if big_only else test)
        return found

    def _where(self) -> str:
        query, parsed = self.query, self.parsed
        parts: list[str] = []  # tsquery parts, ANDed
        sql: list[str] = []  # other conditions, ANDed
        for clause in parsed.positive:
            condition = clause_condition(clause.units, clause.latin_groups(), self.big)
            parts.append(condition.tsquery)
            sql.extend(self._check(condition))
        positive = bool(parts)
        for clause in parsed.negative:
            condition = clause_condition(clause.units, clause.latin_groups(), self.big)
            if condition.checks:
                match = " AND ".join(
                    [
                        f"terms @@ CAST({self._param(condition.tsquery)} AS tsquery)",
                        *self._check(condition),
                    ]
                )
                sql.append(f"NOT ({match})")
            else:
                parts.append("!" + condition.tsquery)
        if parts:  # the filters narrow the GIN scan of the words
            for name, value in query.filters.items():
                known = name in COLUMNS
                parts.append(quoted(facet_lexeme(name, str(value)) if known else NOTHING))
            parts.extend(self._visibility())
        else:  # browsing: the filters read the columns (a GIN scan would visit every row)
            sql.extend(self._column_filters())
        if query.date_from is not None:
            sql.append(f"day >= {self._param(day_key(query.date_from))}")
        if query.date_to is not None:
            sql.append(f"day <= {self._param(day_key(query.date_to))}")
        if not parts:
            self.uses_terms = False
        else:
            if not positive:  # never a purely negative query (every row has ALL)
                parts.insert(0, quoted(ALL))
            self.main = all_of(parts)
            sql.insert(0, f"terms @@ CAST({self._param(self.main)} AS tsquery)")
        return " AND ".join(sql) if sql else "true"

    def _column_filters(self) -> list[str]:
        """The facet filters and the access scope as conditions on the facet columns."""
        query = self.query
        found = []
        for name, value in query.filters.items():
            if name not in COLUMNS:
                found.append("false")
                continue
            column, multi = COLUMNS[name]
            wanted = self._param(str(value))
            found.append(f"{wanted} = ANY({column})" if multi else f"{column} = {wanted}")
        status, org, terms = (COLUMNS[n][0] for n in ("status", "organization", "terms"))
        if query.statuses is not None:
            scope = f"{status} = ANY({self._param(sorted(query.statuses))})"
            if query.visible_org_statuses is not None:
                own, own_states = query.visible_org_statuses
                scope += (
                    f" OR ({org} = {self._param(str(own))} AND "
                    f"{status} = ANY({self._param(sorted(own_states))}))"
                )
            found.append(f"({scope})")
        if query.hidden_terms:
            found.append(f"NOT ({terms} = ANY({self._param(sorted(query.hidden_terms))}))")
        return found

    def _visibility(self) -> list[str]:
        query = self.query
        parts = []
        if query.statuses is not None:
            states = [quoted(facet_lexeme("status", s)) for s in sorted(query.statuses)]
            options = [any_of(states)] if states else []
            if query.visible_org_statuses is not None:
                org, own_states = query.visible_org_statuses
                own = any_of(quoted(facet_lexeme("status", s)) for s in sorted(own_states))
                options.append(all_of([quoted(facet_lexeme("organization", str(org))), own]))
            parts.append(any_of(options))
        for term in sorted(query.hidden_terms or ()):
            parts.append("!" + quoted(facet_lexeme("terms", term)))
        return parts

    def sql(self) -> str:
        """One statement: rows ('hit', id, score, recency), ('total', ...), facet rows."""
        t = self.table
        selected = ", ".join(["id", "recency", *(c for c, _multi in COLUMNS.values())])
        ctes = [f"hits AS MATERIALIZED (SELECT {selected} FROM {t} WHERE {self.where})"]
        score = "0.0"
        if self.idf and self.main:
            scored = []
            for n, (word, idf) in enumerate(self.idf.items()):
                for tier, prefix in (("w", "w:"), ("t", "t:")):
                    # Only the hits with the word: the GIN scan intersects both (cheap), where
                    # the word alone would visit every item that has it.
                    both = self._param(all_of([self.main, quoted(prefix + word)]))
                    ctes.append(
                        f"{tier}{n} AS MATERIALIZED (SELECT id FROM {t} "
                        f"WHERE terms @@ CAST({both} AS tsquery))"
                    )
                scored.append(
                    f"(CASE WHEN h.id IN (SELECT id FROM t{n}) THEN 2 "
                    f"WHEN h.id IN (SELECT id FROM w{n}) THEN 1 ELSE 0 END) * {float(idf)!r}"
                )
            score = " + ".join(scored)
        order = (
            "score DESC, recency DESC, id DESC"
            if self.query.sort == "relevance"
            else "recency DESC, id DESC"
        )
        parts = ["SELECT 'total' AS part, NULL AS key, count(*)::float8 AS n, NULL AS r FROM hits"]
        if self.depth <= MAX_DEPTH:
            offset = self.depth - self.query.per_page
            parts.append(
                f"SELECT 'hit', id::text, score, (row_number() OVER (ORDER BY {order}))::float8 "
                f"FROM (SELECT h.id, h.recency, ({score})::float8 AS score FROM hits h "
                f"ORDER BY {order} LIMIT {self.query.per_page} OFFSET {offset}) page"
            )
        if self.query.facets:
            cap = self._param(FACET_CAP)
            ctes.append(
                f"step AS (SELECT greatest(1, ceil((SELECT count(*) FROM hits)::float8 / {cap}))"
                "::bigint AS k)"
            )
            # A hash of the id, not the id itself: ids given out in a rhythm (an import that
            # cycles through kinds) would make an id-modulo sample lean.
            ctes.append(
                "sample AS MATERIALIZED (SELECT * FROM hits WHERE (SELECT k FROM step) = 1 "
                "OR abs(hashint8(id)::bigint) % (SELECT k FROM step) = 0)"
            )
            # One pass for every facet; a multi-valued column is grouped by its values joined
            # into one string (a few thousand combinations), which `results` splits: unnesting
            # every row's array cost several times as much.
            keys = {
                name: f"array_to_string({c}, '{SEPARATOR}')" if multi else c
                for name, (c, multi) in COLUMNS.items()
            }
            sets = ", ".join(f"({k})" for k in keys.values())
            cases = " ".join(f"WHEN GROUPING({k}) = 0 THEN '{n}'" for n, k in keys.items())
            values = " ".join(f"WHEN GROUPING({k}) = 0 THEN {k}" for k in keys.values())
            parts.append(
                f"SELECT 'facet:' || (CASE {cases} END), (CASE {values} END), "
                f"count(*)::float8 * (SELECT k FROM step), NULL FROM sample "
                f"GROUP BY GROUPING SETS ({sets}) HAVING count(*) > 0 AND "
                f"(CASE {values} END) IS NOT NULL"
            )
            parts.append("SELECT 'step', NULL, (SELECT k FROM step)::float8, NULL")
        return "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(parts)

    def results(self, rows: Sequence[Any], sources: dict[int, str]) -> SearchResults:
        """The SearchResults the statement's rows describe."""
        query = self.query
        total = 0
        facets: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        page: list[tuple[float, int, float]] = []
        estimated = False
        for part, key, n, rank in rows:
            if part == "total":
                total = int(n)
            elif part == "hit":
                page.append((float(rank), int(key), float(n)))
            elif part == "step":
                estimated = int(n) > 1
            elif part.startswith("facet:") and key:
                name = part[6:]
                counts = facets[name]
                if COLUMNS[name][1]:  # an array of values: each of them counts the rows
                    for value in key.split(SEPARATOR):
                        counts[value] = counts.get(value, 0) + int(n)
                else:
                    counts[key] = int(n)
        pattern = needle_pattern(self.parsed.needles())
        hits = []
        for _rank, doc_id, score in sorted(page):
            source = sources.get(doc_id)
            if source is None:
                continue
            hits.append(make_hit(document_from_json(source), score, pattern))
        return SearchResults(total, query.page, query.per_page, hits, facets, estimated)
