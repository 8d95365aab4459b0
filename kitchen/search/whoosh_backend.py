"""The Whoosh search backend: generations on disk, locked updates, rebuilds, cached searchers.

Module map (all Whoosh specifics live under kitchen.search, none in the facade):
analysis (terms) -> schema (fields) -> segments/bulk (writing) -> query/matching/facets/scoring
(searching) -> highlight; generations (the folder layout, locks, swap and journal).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from kitchen.search import ProgressCallback, SearchDocument, SearchQuery, SearchResults
from kitchen.search.bulk import build_segments, commit, locked_writer, write_documents
from kitchen.search.facets import ViewCache
from kitchen.search.generations import Generations
from kitchen.search.searching import clean_query, empty_results, execute

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0  # seconds an update waits for another process's writer before failing


class WhooshBackend:
    """SearchBackend on a folder of Whoosh index generations."""

    def __init__(self, path: Path, procs: int | None = None, lock_timeout: float = LOCK_TIMEOUT):
        self.generations = Generations(path)
        self.generations.ensure()
        self.procs = procs if procs is not None else min(os.cpu_count() or 1, 4)
        self.lock_timeout = lock_timeout
        self._views = ViewCache()
        self._searcher: Searcher | None = None
        self._searcher_generation: str | None = None
        self._lock = threading.Lock()

    # Updates -------------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (the last one wins for a repeated id)."""
        batch = list({doc.id: doc for doc in docs}.values())
        if not batch:
            return 0
        with self.generations.control():
            ix = self.generations.open(self.generations.ensure())
            write_documents(ix, batch, self.lock_timeout)
            self.generations.journal("index", batch)
        return len(batch)

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        targets = sorted(set(ids))
        if not targets:
            return
        with self.generations.control():
            ix = self.generations.open(self.generations.ensure())
            commit(locked_writer(ix, self.lock_timeout), [], targets)
            self.generations.journal("remove", targets)

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
                commit(locked_writer(ix, self.lock_timeout), segments)
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
                write_documents(ix, payload, self.lock_timeout)
            elif operation == "remove":
                commit(locked_writer(ix, self.lock_timeout), [], payload)

    def clear(self) -> None:
        """Remove every document (by swapping in an empty generation)."""
        self.rebuild([])

    def count(self) -> int:
        """Number of documents in the live generation."""
        searcher = self._current_searcher()
        return searcher.doc_count() if searcher is not None else 0

    def optimize(self) -> None:
        """Merge all segments of the live generation into one (slow; for maintenance)."""
        with self.generations.control():
            ix = self.generations.open(self.generations.ensure())
            writer = locked_writer(ix, self.lock_timeout)
            writer.commit(optimize=True)

    # Searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query; bad input or a missing index gives zero results, never an error."""
        query = clean_query(query)
        with self._lock:
            searcher = self._current_searcher()
            if searcher is None:
                return empty_results(query)
            return execute(searcher, self._views, query)

    def _current_searcher(self) -> Searcher | None:
        """The live generation's searcher, reopened after a swap or a commit."""
        name = self.generations.current_name()
        if name is None:
            return None
        current = self._searcher is not None and self._searcher_generation == name
        if current and self._searcher.up_to_date():
            return self._searcher
        # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps their old
        # deletion sets, which would resurrect replaced documents.
        try:
            searcher = self.generations.open(name).searcher()
        except (EmptyIndexError, FileNotFoundError):
            log.warning("search index generation %s is missing", name)
            return None
        # The old searcher is left to the garbage collector: its files stay readable until the
        # next rebuild removes its generation, so a search still using it finishes normally.
        self._searcher, self._searcher_generation = searcher, name
        return searcher

    def close(self) -> None:
        """Close the cached searcher (tests and shutdown)."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._searcher_generation = None
