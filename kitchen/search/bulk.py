"""Building segments for many documents: in this process, or in worker processes for rebuilds."""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from kitchen.search import SearchDocument
from kitchen.search.schema import build_schema
from kitchen.search.segments import SegmentBuilder
from kitchen.search.whoosh_adapter import open_index

SEGMENT_DOCS = 2500  # documents per bulk segment: bounds a builder's memory (~100 MB)
BATCH_DOCS = 200  # documents per job handed to a worker
PARALLEL_MIN_DOCS = 1000  # below this, starting worker processes costs more than it saves

Segment = Any  # a Whoosh segment (whoosh has no type information)
Progress = Callable[[int], None]


def build_in_process(
    storage: Any,
    indexname: str,
    schema: Any,
    docs: Iterator[SearchDocument],
    progress: Progress | None = None,
) -> list[Segment]:
    """Build segments of up to SEGMENT_DOCS documents here; return them."""
    segments: list[Segment] = []
    done = 0
    while batch := list(islice(docs, SEGMENT_DOCS)):
        builder = SegmentBuilder(storage, indexname, schema)
        for doc in batch:
            builder.add(doc)
        segments.append(builder.finish())
        done += len(batch)
        if progress:
            progress(done)
    return segments


class BuildPool:
    """Worker processes kept for a bulk job (an import), so each batch of documents is built
    by every core without paying for starting processes again."""

    def __init__(self, procs: int) -> None:
        self.procs = procs
        self.executor = ProcessPoolExecutor(
            max_workers=procs - 1, mp_context=multiprocessing.get_context("spawn")
        )

    def build(self, ix: FileIndex, docs: list[SearchDocument]) -> list[Segment]:
        """Segments for docs: a share built here, the others in the pool at the same time.

        Shares are whole bulk segments (SEGMENT_DOCS), which merges leave alone."""
        parts_wanted = max(1, min(self.procs, len(docs) // SEGMENT_DOCS))
        share = -(-len(docs) // parts_wanted)
        parts = [docs[i : i + share] for i in range(0, len(docs), share)]
        folder = ix.storage.folder
        futures = [self.executor.submit(_build_part, folder, ix.indexname, p) for p in parts[1:]]
        local = build_in_process(ix.storage, ix.indexname, ix.schema, iter(parts[0]))
        return local + [segment for future in futures for segment in future.result()]

    def close(self) -> None:
        """Stop the worker processes."""
        self.executor.shutdown(cancel_futures=True)


def _build_part(folder: str, indexname: str, docs: list[SearchDocument]) -> list[Segment]:
    """Pool process: build segments for a share of a batch."""
    ix = open_index(Path(folder), build_schema())
    return build_in_process(ix.storage, indexname, ix.schema, iter(docs))


def build_segments(
    ix: FileIndex,
    docs: Iterable[SearchDocument],
    procs: int,
    progress: Progress | None = None,
) -> tuple[list[Segment], int]:
    """Build segments for all docs, in worker processes when there are many; return them."""
    stream = iter(docs)
    head = list(islice(stream, PARALLEL_MIN_DOCS))
    if procs <= 1 or len(head) < PARALLEL_MIN_DOCS:
        chained = _chain(head, stream)
        counter = _Counter(chained)
        segments = build_in_process(ix.storage, ix.indexname, ix.schema, counter, progress)
        return segments, counter.count
    return _build_in_workers(ix, _chain(head, stream), procs, progress)


def _chain(head: list[SearchDocument], rest: Iterator[SearchDocument]) -> Iterator[SearchDocument]:
    yield from head
    yield from rest


class _Counter:
    """Counts what passes through an iterator."""

    def __init__(self, items: Iterator[SearchDocument]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[SearchDocument]:
        return self

    def __next__(self) -> SearchDocument:
        item = next(self.items)
        self.count += 1
        return item


def _build_in_workers(
    ix: FileIndex, docs: Iterator[SearchDocument], procs: int, progress: Progress | None
) -> tuple[list[Segment], int]:
    """Build with procs processes: this one takes every procs-th batch, workers the rest."""
    # spawn, not fork: the app may have threads and open database connections.
    context = multiprocessing.get_context("spawn")
    jobs: Queue[list[SearchDocument] | None] = context.Queue(
        maxsize=procs * 2
    )  # back-pressure: the reader never runs far ahead
    results: Queue[tuple[str, Any]] = context.Queue()
    path = ix.storage.folder
    workers = [
        context.Process(target=_worker, args=(path, ix.indexname, jobs, results), daemon=True)
        for _ in range(procs - 1)
    ]
    for worker in workers:
        worker.start()
    local = _LocalBuilder(ix)
    count = 0
    try:
        for number, batch in enumerate(iter(lambda: list(islice(docs, BATCH_DOCS)), [])):
            if number % procs == 0:
                local.add(batch)
            else:
                _put(jobs, batch, workers)
            count += len(batch)
            if progress:
                progress(count)
        for _ in workers:
            _put(jobs, None, workers)
        segments = local.finish() + _collect(results, workers)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    return segments, count


class _LocalBuilder:
    """Segment building in the calling process, a segment every SEGMENT_DOCS documents."""

    def __init__(self, ix: FileIndex) -> None:
        self.ix = ix
        self.segments: list[Segment] = []
        self.builder = self._new()

    def _new(self) -> SegmentBuilder:
        return SegmentBuilder(self.ix.storage, self.ix.indexname, self.ix.schema)

    def add(self, batch: list[SearchDocument]) -> None:
        """Add a batch of documents."""
        for doc in batch:
            self.builder.add(doc)
        if self.builder.doc_count >= SEGMENT_DOCS:
            self.segments.append(self.builder.finish())
            self.builder = self._new()

    def finish(self) -> list[Segment]:
        """Write the last segment; return all segments built here."""
        last = self.builder.finish()
        return self.segments + ([last] if last is not None else [])


def _put(
    jobs: Queue[list[SearchDocument] | None],
    item: list[SearchDocument] | None,
    workers: Sequence[BaseProcess],
) -> None:
    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue.Full:
            if not all(w.is_alive() for w in workers):
                raise RuntimeError("a search indexing worker died") from None


def _collect(results: Queue[tuple[str, Any]], workers: Sequence[BaseProcess]) -> list[Segment]:
    segments: list[Segment] = []
    finished = 0
    while finished < len(workers):
        try:
            kind, payload = results.get(timeout=1.0)
        except queue.Empty:
            if not any(w.is_alive() for w in workers) and results.empty():
                raise RuntimeError("search indexing workers exited early") from None
            continue
        if kind == "error":
            raise RuntimeError(f"search indexing worker failed:\n{payload}")
        if kind == "segment":
            segments.append(payload)
        else:
            finished += 1
    return segments


def _worker(
    path: str,
    indexname: str,
    jobs: Queue[list[SearchDocument] | None],
    results: Queue[tuple[str, Any]],
) -> None:
    """Worker process: build segments from batches until told to stop."""
    try:
        ix = open_index(Path(path), build_schema())
        storage, schema = ix.storage, ix.schema
        builder = SegmentBuilder(storage, indexname, schema)
        while (batch := jobs.get()) is not None:
            for doc in batch:
                builder.add(doc)
            if builder.doc_count >= SEGMENT_DOCS:
                results.put(("segment", builder.finish()))
                builder = SegmentBuilder(storage, indexname, schema)
        segment = builder.finish()
        if segment is not None:
            results.put(("segment", segment))
        results.put(("done", os.getpid()))
    except BaseException:
        results.put(("error", traceback.format_exc()))
