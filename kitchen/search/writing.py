"""Committing to a live index: new segments in, old versions out, small segments merged.

Whoosh's own writer deletes by running a query, merges through its per-posting pool (minutes at
40,000 items) and removes merged segments' files at once, while readers in other processes may
still be about to open them. Here, instead:

* segments are built outside any lock (kitchen.search.segments); the commit only holds the
  index's write lock to read the TOC, mark older versions of the documents deleted (found by the
  `docid` column, cached per segment), and write the next TOC, which Whoosh renames into place;
* merges re-analyse the merged documents from their stored source into one new segment: faster
  than merging postings for the small segments that updates create, and no Whoosh writer at all.
  They are planned by size tiers and capped at MAX_MERGE_DOCS, so no merge holds up updates for
  long; deletions made while a merge was building are carried over when it commits;
* files of segments that left the TOC are deleted only GRACE_SECONDS later, and superseded TOCs
  TOC_GRACE_SECONDS after their successor, so a searcher never finds a file missing.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import random
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader

from kitchen.search import document_from_json
from kitchen.search.segments import SegmentBuilder
from kitchen.search.whoosh_adapter import (
    delete_documents,
    file_segment,
    live_mask,
    read_toc,
    toc_generation,
    write_toc,
)

MERGE_FACTOR = 10  # segments of one size tier merged together
MAX_MERGE_DOCS = 2500  # no online merge produces a bigger segment (~3 s of analysis)
EXPUNGE_RATIO = 0.3  # a segment with this share deleted is rewritten on its own
EXPUNGE_MIN = 50
MAX_SEGMENTS = 40  # beyond this, the smallest segments are merged whatever their tiers
GRACE_SECONDS = 120.0
TOC_GRACE_SECONDS = 30.0
LOCK_FILE = "WRITE.lock"
MERGE_LOCK_FILE = "MERGE.lock"
RETIRED_FILE = "RETIRED"


class WriteLockTimeout(RuntimeError):
    """Another process held the index's write lock for too long."""


@contextmanager
def write_lock(ix: FileIndex, timeout: float) -> Iterator[None]:
    """Hold the index's write lock (a file lock: released if the process dies)."""
    path = Path(ix.storage.folder) / LOCK_FILE
    deadline = time.monotonic() + timeout
    delay = 0.002
    with open(path, "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteLockTimeout(f"search index {path.parent} is locked") from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _DocIds:
    """The item id of every document, per segment: segments never change, so cache them."""

    def __init__(self) -> None:
        self._ids: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def of(self, ix: FileIndex, segment: Any) -> np.ndarray:
        """Item ids by docnum for one segment."""
        segid = segment.segment_id()
        ids = self._ids.get(segid)
        if ids is None:
            reader = SegmentReader(ix.storage, ix.schema, segment)
            try:
                ids = np.array(list(reader.column_reader("docid")), dtype=np.int64)
            finally:
                reader.close()
            with self._lock:
                self._ids[segid] = ids
        return ids

    def forget(self, keep: set[str]) -> None:
        """Drop the ids of segments no longer in the index."""
        with self._lock:
            for segid in [s for s in self._ids if s not in keep]:
                del self._ids[segid]


DOC_IDS = _DocIds()


def commit(
    ix: FileIndex, new_segments: list[Any], delete_ids: Iterable[int], timeout: float
) -> None:
    """Add built segments and delete older versions of `delete_ids`, in one new TOC."""
    targets = np.array(sorted(set(delete_ids)), dtype=np.int64)
    with write_lock(ix, timeout):
        generation, segments = read_toc(ix)
        if targets.size:
            for segment in segments:
                ids = DOC_IDS.of(ix, segment)
                found = np.flatnonzero(np.isin(ids, targets) & live_mask(segment))
                delete_documents(segment, found.tolist())
        kept = [s for s in segments if s.doc_count_all() > s.deleted_count()]
        _write(ix, kept + [s for s in new_segments if s is not None], segments, generation)


def _write(ix: FileIndex, segments: list[Any], previous: list[Any], generation: int) -> None:
    """Write the next TOC, retire the segments that left it, delete old files (lock held)."""
    write_toc(ix, segments, generation + 1)
    current = {s.segment_id() for s in segments}
    gone = [s.segment_id() for s in previous if s.segment_id() not in current]
    retired = _read_retired(ix)
    now = time.time()
    retired.update(dict.fromkeys(gone, now))
    _clean(ix, current, retired, now)
    DOC_IDS.forget(current)


def plan_merge(segments: list[Any]) -> list[Any]:
    """The segments to merge next (none when the index is in shape)."""
    live = {id(s): s.doc_count_all() - s.deleted_count() for s in segments}
    empty = [s for s in segments if not live[id(s)]]
    if empty:
        return empty
    small = [s for s in segments if live[id(s)] < MAX_MERGE_DOCS]
    tiers: dict[int, list[Any]] = {}
    for segment in small:
        tiers.setdefault(int(math.log10(live[id(segment)])), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FACTOR:
            chosen = _smallest(tiers[tier], live, MERGE_FACTOR)
            if len(chosen) > 1:
                return chosen
    for segment in segments:
        deleted = segment.deleted_count()
        if deleted >= EXPUNGE_MIN and deleted > EXPUNGE_RATIO * segment.doc_count_all():
            return [segment]
    if len(segments) > MAX_SEGMENTS:
        chosen = _smallest(small, live, len(small))
        if len(chosen) > 1:
            return chosen
    return []


def _smallest(candidates: list[Any], live: dict[int, int], limit: int) -> list[Any]:
    """The smallest candidates, at most `limit`, together at most MAX_MERGE_DOCS documents."""
    chosen: list[Any] = []
    total = 0
    for segment in sorted(candidates, key=lambda s: live[id(s)]):
        if len(chosen) >= limit or total + live[id(segment)] > MAX_MERGE_DOCS:
            break
        chosen.append(segment)
        total += live[id(segment)]
    return chosen


def merge_step(ix: FileIndex, timeout: float) -> int:
    """Carry out the next planned merge, if any; return how many segments it replaced.

    One merge runs at a time (a second caller returns at once), so a source segment that left
    the TOC meanwhile was emptied by deletions, not merged elsewhere.
    """
    with _merge_lock(ix) as mine:
        if not mine:
            return 0
        _generation, segments = read_toc(ix)
        chosen = plan_merge(segments)
        if not chosen:
            return 0
        merged, origin = _build_merged(ix, chosen)
        with write_lock(ix, timeout):
            generation, current = read_toc(ix)
            by_id = {s.segment_id(): s for s in current}
            if merged is not None:
                _carry_deletions(chosen, by_id, origin, merged)
            names = {s.segment_id() for s in chosen}
            kept = [s for s in current if s.segment_id() not in names]
            position = next((i for i, s in enumerate(current) if s.segment_id() in names), 0)
            if merged is not None and merged.doc_count_all() > merged.deleted_count():
                kept.insert(min(position, len(kept)), merged)
            _write(ix, kept, current, generation)
        return len(chosen)


@contextmanager
def _merge_lock(ix: FileIndex) -> Iterator[bool]:
    with open(Path(ix.storage.folder) / MERGE_LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_merged(ix: FileIndex, chosen: list[Any]) -> tuple[Any, dict[tuple[int, int], int]]:
    """One new segment with the live documents of `chosen`, re-analysed from their source."""
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    origin: dict[tuple[int, int], int] = {}
    for number, segment in enumerate(chosen):
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            for docnum in np.flatnonzero(live_mask(segment)).tolist():
                origin[(number, docnum)] = builder.doc_count
                builder.add(document_from_json(reader.stored_fields(docnum)["source"]))
        finally:
            reader.close()
    return builder.finish(), origin


def _carry_deletions(
    chosen: list[Any],
    current: dict[str, Any],
    origin: dict[tuple[int, int], int],
    merged: Any,
) -> None:
    """Documents deleted from the sources while the merge was building: delete them too (all
    of a source that left the TOC, emptied by deletions)."""
    for number, snapshot in enumerate(chosen):
        before = set(snapshot.deleted_docs())
        source = current.get(snapshot.segment_id())
        everything = range(snapshot.doc_count_all())
        now = set(everything if source is None else source.deleted_docs())
        delete_documents(
            merged, [origin[(number, d)] for d in now - before if (number, d) in origin]
        )


def _read_retired(ix: FileIndex) -> dict[str, float]:
    try:
        retired: dict[str, float] = json.loads((Path(ix.storage.folder) / RETIRED_FILE).read_text())
        return retired
    except (FileNotFoundError, ValueError):
        return {}


def _clean(ix: FileIndex, current: set[str], retired: dict[str, float], now: float) -> None:
    """Delete files no reader can need any more; remember retirements still in their grace."""
    folder = Path(ix.storage.folder)
    tocs: list[tuple[int, Path]] = []
    present: set[str] = set()
    for path in folder.iterdir():
        generation = toc_generation(ix, path.name)
        if generation is not None:
            tocs.append((generation, path))
            continue
        segment = file_segment(path.name)
        if segment is None or segment in current:
            continue
        present.add(segment)
        since = retired.get(segment)
        if since is None:
            since = _mtime(path)  # never committed: a crashed or abandoned build
        if since < now - GRACE_SECONDS:
            path.unlink(missing_ok=True)
    tocs.sort()
    for (_gen, path), (_next, successor) in pairwise(tocs):
        if _mtime(successor) < now - TOC_GRACE_SECONDS:
            path.unlink(missing_ok=True)
    kept = {s: t for s, t in retired.items() if s in present and t >= now - GRACE_SECONDS}
    temp = folder / f"{RETIRED_FILE}.{os.getpid()}"
    temp.write_text(json.dumps(kept))
    os.replace(temp, folder / RETIRED_FILE)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
