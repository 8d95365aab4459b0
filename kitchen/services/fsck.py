"""Stored files against the database: files no row names, upload leftovers, rows without files.

A process killed mid-upload can leave an upload's temp file, or a stored original (and its
renditions) whose database row was never committed. `kitchen fsck` lists them and, with
--delete, removes those old enough that no upload in progress can still own them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import MediaFile
from kitchen.services.storage import StoredEntry
from kitchen.services.uploads import storage

DEFAULT_MIN_AGE_SECONDS = 3600  # an upload, its checks and renditions take far less


@dataclass
class FsckReport:
    """What the check found."""

    orphans: list[StoredEntry] = field(default_factory=list)  # stored, named by no row
    temp_files: list[StoredEntry] = field(default_factory=list)  # stale upload temp files
    missing: list[tuple[int, str]] = field(default_factory=list)  # (file id, key) not on disk
    young: int = 0  # unnamed files too recent to judge (an upload may still own them)

    @property
    def clean(self) -> bool:
        """True when files and rows agree."""
        return not (self.orphans or self.temp_files or self.missing)

    def reclaimable(self) -> int:
        """Bytes that --delete would free."""
        return sum(e.size for e in [*self.orphans, *self.temp_files])


def referenced_keys() -> dict[str, int]:
    """Every storage key a media file row names, with the row's id."""
    rows = db.session.execute(
        select(
            MediaFile.id,
            MediaFile.storage_key,
            MediaFile.thumb_key,
            MediaFile.web_key,
            MediaFile.poster_key,
        )
    )
    keys: dict[str, int] = {}
    for file_id, *names in rows:
        keys.update({name: file_id for name in names if name})
    return keys


def scan(min_age_seconds: float = DEFAULT_MIN_AGE_SECONDS) -> FsckReport:
    """Compare the file store with the database."""
    store = storage()
    report = FsckReport()
    referenced = referenced_keys()
    cutoff = time.time() - min_age_seconds
    on_disk: set[str] = set()
    for entry in store.stored():
        on_disk.add(entry.key)
        if entry.key in referenced:
            continue
        if entry.modified < cutoff:
            report.orphans.append(entry)
        else:
            report.young += 1
    for entry in store.temp_files():
        if entry.modified < cutoff:
            report.temp_files.append(entry)
        else:
            report.young += 1
    report.missing = sorted((fid, key) for key, fid in referenced.items() if key not in on_disk)
    return report


def delete_reclaimable(report: FsckReport) -> int:
    """Delete the orphans and stale temp files of a report; return the bytes freed."""
    freed = 0
    store = storage()
    for entry in [*report.orphans, *report.temp_files]:
        store.discard(entry)
        freed += entry.size
    return freed
