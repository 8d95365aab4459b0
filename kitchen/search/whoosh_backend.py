"""The Whoosh search backend: generations on disk, locked updates, rebuilds, per-thread searchers.

Module map (all Whoosh specifics live under kitchen.search, none in the facade):
analysis (terms) -> schema (fields) -> segments/bulk (building) -> writing (commits, merges) ->
query/matching/facets/scoring (searching) -> highlight; generations (the folder layout, locks,
swap and journal); whoosh_adapter (every private Whoosh name, in one place).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.index import EmptyIndexError, FileIndex
from whoosh.searching import Searcher

from kitchen.search import ProgressCallback, SearchDocument, SearchQuery, SearchResults
from kitchen.search.bulk import (
    PARALLEL_MIN_DOCS,
    BuildPool,
    build_in_process,
    build_segments,
)
from kitchen.search.facets import ViewCache
from kitchen.search.generations import Generations
from kitchen.search.searching import clean_query, empty_results, execute
from kitchen.search.whoosh_adapter import check_whoosh, live_mask
from kitchen.search.writing import commit, merge_step

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0  # seconds an update waits for another process's commit before failing
RESULTS_KEPT = 64  # answers kept per thread's searcher (popular queries repeat)
_checked = False


class IndexFormatError(RuntimeError):
    """The live index was written in an older layout: `kitchen reindex` rebuilds it."""


class WhooshBackend:
    """SearchBackend on a folder of Whoosh index generations."""

    def __init__(self, path: Path, procs: int | None = None, lock_timeout: float = LOCK_TIMEOUT):
        global _checked
        if not _checked:
            check_whoosh()
            _checked = True
        self.generations = Generations(path)
        self.generations.ensure()
        self.procs = procs if procs is not None else min(os.cpu_count() or 1, 4)
        self.lock_timeout = lock_timeout
        self._views = ViewCache()
        self._local = threading.local()  # a Whoosh searcher reads files by seek+read: one a thread
        self._pool: BuildPool | None = None

    # Updates -------------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (the last one wins for a repeated id)."""
        batch = list({doc.id: doc for doc in docs}.values())
        if not batch:
            return 0
        with self.generations.control():
            ix = self._writable()
            if self._pool is not None and len(batch) >= PARALLEL_MIN_DOCS:
                segments = self._pool.build(ix, batch)
            else:
                segments = build_in_process(ix.storage, ix.indexname, ix.schema, iter(batch))
            commit(ix, segments, {d.id for d in batch}, self.lock_timeout)
            self.generations.journal("index", batch)
            merge_step(ix, self.lock_timeout)
        return len(batch)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Build large batches on every core while inside (an import: many index calls)."""
        if self.procs <= 1 or self._pool is not None:
            yield
            return
        self._pool = BuildPool(self.procs)
        try:
            yield
        finally:
            self._pool.close()
            self._pool = None

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        targets = sorted(set(ids))
        if not targets:
            return
        with self.generations.control():
            commit(self._writable(), [], targets, self.lock_timeout)
            self.generations.journal("remove", targets)

    def _writable(self) -> FileIndex:
        """The live generation's index, refusing one in an older layout."""
        name = self.generations.ensure()
        if not self.generations.is_current_format(name):
            raise IndexFormatError("the search index is in an older layout: run kitchen reindex")
        return self.generations.open(name)

    def rebuild(
        self, docs: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Build a new generation from docs, replay updates made meanwhile, then swap it in."""
        gens = self.generations
        with gens.rebuilding():
            with gens.control(exclusive=True):
                name = gens.create()
                gens.begin_build(name)
            try:
                ix = gens.open(name)
                segments, count = build_segments(ix, docs, self.procs, progress)
                commit(ix, segments, [], self.lock_timeout)
                with gens.control(exclusive=True):
                    self._replay(name)
                    previous = gens.current_name()
                    gens.finish_build(name)
            except BaseException:
                gens.abandon(name)
                raise
            gens.remove_others({name, previous} if previous else {name})
        return count

    def _replay(self, name: str) -> None:
        """Apply updates journalled while `name` was built (the control lock is held)."""
        ix = self.generations.open(name)
        for operation, payload in self.generations.read_journal(name):
            if operation == "index":
                docs = list(payload)  # type: ignore[call-overload]
                segments = build_in_process(ix.storage, ix.indexname, ix.schema, iter(docs))
                commit(ix, segments, {d.id for d in docs}, self.lock_timeout)
            elif operation == "remove":
                commit(ix, [], payload, self.lock_timeout)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Remove every document (by swapping in an empty generation)."""
        self.rebuild([])

    def needs_rebuild(self) -> bool:
        """Tell whether the live generation is in an older layout (or missing)."""
        name = self.generations.current_name()
        return name is None or not self.generations.is_current_format(name)

    # Reading -------------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents in the live generation."""
        searcher = self._current_searcher()
        return searcher.doc_count() if searcher is not None else 0

    def fingerprints(self) -> dict[int, list[int]]:
        """Every live document's id with the fingerprints of its copies."""
        found: dict[int, list[int]] = {}
        searcher = self._current_searcher()
        if searcher is None:
            return found
        for reader, _offset in searcher.reader().leaf_readers():
            if reader.segment() is None:
                continue
            live = live_mask(reader.segment())
            ids = np.array(list(reader.column_reader("docid")), dtype=np.int64)[live]
            prints = np.array(list(reader.column_reader("fingerprint")), dtype=np.uint64)[live]
            for doc_id, value in zip(ids.tolist(), prints.tolist(), strict=True):
                found.setdefault(doc_id, []).append(value)
        return found

    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query; bad input or a missing index gives zero results, never an error.

        Answers are kept per searcher (RESULTS_KEPT of them): a searcher reads one unchanging
        state of the index, so the same question gets the same answer until it is reopened.
        Callers must not change the results they get.
        """
        query = clean_query(query)
        searcher = self._current_searcher()
        if searcher is None:
            return empty_results(query)
        kept: dict[tuple[object, ...], SearchResults] = self._local.answers
        key = _query_key(query)
        found = kept.get(key)
        if found is None:
            found = execute(searcher, self._views, query)
            if RESULTS_KEPT:
                if len(kept) >= RESULTS_KEPT:
                    kept.pop(next(iter(kept)))
                kept[key] = found
        return found

    def _current_searcher(self) -> Searcher | None:
        """This thread's searcher of the live generation, reopened after a swap or a commit."""
        for _attempt in range(3):  # a rebuild may swap and remove a generation meanwhile
            name = self.generations.current_name()
            if name is None or not self.generations.is_current_format(name):
                return None
            held = getattr(self._local, "held", None)
            if held is not None and held[0] == name and held[1].up_to_date():
                return held[1]
            # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps their
            # old deletion sets, which would resurrect replaced documents.
            try:
                searcher = self.generations.open(name).searcher()
            except (EmptyIndexError, FileNotFoundError):
                log.info("search index generation %s went away; reading the new one", name)
                continue
            if held is not None:
                held[1].close()  # this thread's own: nobody else is reading with it
            self._local.held = (name, searcher)
            self._local.answers = {}
            return searcher
        log.warning("no readable search index generation in %s", self.generations.root)
        return None

    def close(self) -> None:
        """Close this thread's searcher (tests and shutdown)."""
        held = getattr(self._local, "held", None)
        if held is not None:
            held[1].close()
        self._local.held = None


def _query_key(query: SearchQuery) -> tuple[object, ...]:
    """A hashable form of a (cleaned) query."""
    values = []
    for name, value in vars(query).items():
        if isinstance(value, set):
            value = frozenset(value)
        elif isinstance(value, dict):
            value = tuple(sorted(value.items()))
        elif isinstance(value, tuple):
            value = tuple(frozenset(v) if isinstance(v, set) else v for v in value)
        values.append((name, value))
    return tuple(values)
