"""Index generations: a folder of Whoosh indexes and a CURRENT pointer naming the live one.

Layout of the configured search folder::

    CURRENT              name of the live generation, replaced atomically (os.replace)
    gen-<hex>/           one complete Whoosh index per generation, with a FORMAT file naming
                         the layout it was written in (an older layout is rebuilt, not read)
    BUILDING             name of the generation a rebuild is writing, while it runs
    gen-<hex>.journal    updates made while that generation was being built, to replay
    control.lock         writers hold it shared; a rebuild holds it exclusively to swap
    rebuild.lock         one rebuild at a time

A rebuild writes a fresh generation beside the live one, replays the journal of updates that
arrived meanwhile, and swaps CURRENT, all under the exclusive control lock, so no update is lost.
Searchers open the generation CURRENT names and notice a swap on their next search; the
generation just replaced is kept (a searcher may still be reading it) and removed by the next
rebuild, which is also when any older leftovers go.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.index import FileIndex

from kitchen.search.schema import build_schema
from kitchen.search.whoosh_adapter import create_index, open_index

PREFIX = "gen-"
# The layout of a generation: schema, stored source, codec. Bump it whenever they change;
# `kitchen init` and the worker then rebuild the index from the database.
FORMAT = "kitchen-index 6"
FORMAT_FILE = "FORMAT"


class Generations:
    """The generations of one search folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current_name(self) -> str | None:
        """Name of the live generation, or None when there is no index yet."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name.startswith(PREFIX) else None

    def ensure(self) -> str:
        """Create the folder and an empty first generation if missing; return the live name."""
        name = self.current_name()
        if name is not None:
            return name
        self.root.mkdir(parents=True, exist_ok=True)
        with self.control(exclusive=True):
            name = self.current_name()
            if name is None:
                name = self.create()
                self.point_to(name)
        return name

    def open(self, name: str) -> FileIndex:
        """Open a generation's Whoosh index (with our schema, never the pickled one)."""
        return open_index(self.root / name, build_schema())

    def create(self) -> str:
        """Create an empty generation folder with a new index; return its name."""
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        path = self.root / name
        path.mkdir(parents=True)
        create_index(path, build_schema())
        (path / FORMAT_FILE).write_text(FORMAT, encoding="utf-8")
        return name

    def is_current_format(self, name: str) -> bool:
        """Tell whether a generation was written in the layout this code reads."""
        try:
            return (self.root / name / FORMAT_FILE).read_text(encoding="utf-8") == FORMAT
        except FileNotFoundError:
            return False

    def point_to(self, name: str) -> None:
        """Make `name` the live generation (atomic rename of the pointer file)."""
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex[:8]}"
        tmp.write_text(name, encoding="utf-8")
        os.replace(tmp, self.root / "CURRENT")

    @contextmanager
    def control(self, exclusive: bool = False) -> Iterator[None]:
        """Hold the control lock: shared for updates, exclusive for creating or swapping."""
        with self._flock("control.lock", fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH):
            yield

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        """Hold the rebuild lock, so that only one rebuild runs at a time."""
        with self._flock("rebuild.lock", fcntl.LOCK_EX):
            yield

    @contextmanager
    def _flock(self, filename: str, mode: int) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / filename, "a+b") as handle:
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def building(self) -> str | None:
        """Name of the generation a rebuild is writing, if any."""
        try:
            return (self.root / "BUILDING").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def begin_build(self, name: str) -> None:
        """Announce that `name` is being built: from now on updates are journalled for it."""
        (self.root / "BUILDING").write_text(name, encoding="utf-8")

    def journal(self, operation: str, payload: object) -> None:
        """Record an update for the generation being built (call under the control lock)."""
        name = self.building()
        if name is None:
            return
        if not self._rebuild_running():  # a rebuild that died: nobody will read the journal
            self._drop_build_files(name)
            return
        record = pickle.dumps((operation, payload), protocol=pickle.HIGHEST_PROTOCOL)
        path = self.root / f"{name}.journal"
        with self._flock(f"{name}.journal.lock", fcntl.LOCK_EX), open(path, "ab") as handle:
            handle.write(record)

    def _rebuild_running(self) -> bool:
        """Tell whether a live process holds the rebuild lock (the kernel frees it on death).

        Called under the shared control lock, while a rebuild cannot finish, so a free lock
        with a BUILDING file left means the rebuild was killed."""
        with open(self.root / "rebuild.lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def read_journal(self, name: str) -> list[tuple[str, object]]:
        """The updates journalled for `name`, in order."""
        records = []
        try:
            with open(self.root / f"{name}.journal", "rb") as handle:
                while True:
                    try:
                        records.append(pickle.load(handle))
                    except EOFError:
                        break
        except FileNotFoundError:
            pass
        return records

    def finish_build(self, name: str) -> None:
        """Swap `name` in and stop journalling (call under the exclusive control lock)."""
        self.point_to(name)
        self._drop_build_files(name)

    def abandon(self, name: str) -> None:
        """Give up a failed build: stop journalling and delete its folder."""
        self._drop_build_files(name)
        shutil.rmtree(self.root / name, ignore_errors=True)

    def _drop_build_files(self, name: str) -> None:
        if self.building() == name:
            (self.root / "BUILDING").unlink(missing_ok=True)
        for suffix in (".journal", ".journal.lock"):
            (self.root / f"{name}{suffix}").unlink(missing_ok=True)

    def remove_others(self, keep: set[str]) -> None:
        """Delete generations and stale journals not in keep (after a swap)."""
        building = self.building()
        for entry in self.root.iterdir():
            base = entry.name.split(".", 1)[0]
            if base.startswith(PREFIX) and base not in keep and base != building:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
