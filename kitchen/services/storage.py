"""File storage behind a small interface; keys are generated, never taken from user input."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Protocol

from flask_babel import lazy_gettext as _l

from kitchen.services.errors import InvalidFile, NotFound, TooLarge

CHUNK_SIZE = 1024 * 1024
KEY_PATTERN = re.compile(r"[0-9a-f]{32}(\.[a-z0-9]{1,8})?")
SUFFIX_PATTERN = re.compile(r"(\.[a-z0-9]{1,8})?")
TEMP_PREFIX = ".upload-"


class InvalidKey(NotFound):
    """A storage key that we could not have generated (for example one holding '../')."""

    code = "invalid_key"


@dataclass(frozen=True)
class StoredFile:
    """A file that has been written to storage."""

    key: str
    size: int
    sha256: str


class Storage(Protocol):
    """What the rest of the app needs from a file store."""

    def save(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> StoredFile:
        """Stream into storage under a new key; TooLarge past max_bytes, InvalidFile if empty."""
        ...

    def save_bytes(self, data: bytes, suffix: str = "") -> StoredFile:
        """Store bytes already in memory, such as a rendition."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for binary reading; NotFound if missing."""
        ...

    def delete(self, key: str) -> None:
        """Remove a stored file; a missing key is not an error."""
        ...

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""
        ...

    def local_path(self, key: str) -> Path:
        """A filesystem path for Pillow and PyAV (object storage would download to a temp file)."""
        ...

    def size(self, key: str) -> int:
        """The size of a stored file in bytes."""
        ...


def new_key(suffix: str = "") -> str:
    """Return a fresh random key ending in `suffix` (for example ".jpg")."""
    if not SUFFIX_PATTERN.fullmatch(suffix):
        raise ValueError(f"unsafe storage suffix: {suffix!r}")
    return uuid.uuid4().hex + suffix


def check_key(key: str) -> str:
    """Return `key` unchanged if it has the generated shape, else raise InvalidKey."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise InvalidKey()
    return key


class LocalStorage:
    """Storage in a folder, fanned out as root/ab/cd/abcd….ext to keep folders small."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def save(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> StoredFile:
        """Stream `stream` into storage in constant memory and return its key, size and hash."""
        key = new_key(suffix)
        self.root.mkdir(parents=True, exist_ok=True)
        # The temp file lives inside root so the final os.replace is an atomic rename.
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                size, digest = _copy_limited(stream, out, max_bytes)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise InvalidFile(_l("The file is empty."))
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return StoredFile(key=key, size=size, sha256=digest)

    def save_bytes(self, data: bytes, suffix: str = "") -> StoredFile:
        """Store bytes already in memory, such as a rendition."""
        return self.save(io.BytesIO(data), suffix=suffix)

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for binary reading; the caller closes it."""
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise NotFound() from None

    def delete(self, key: str) -> None:
        """Remove a stored file; deleting a missing key is not an error."""
        # Empty fan-out folders are kept: removing them could race with a concurrent save.
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""
        return self._path(key).is_file()

    def local_path(self, key: str) -> Path:
        """Return a filesystem path for tools such as Pillow and PyAV that need one."""
        path = self._path(key)
        if not path.is_file():
            raise NotFound()
        return path

    def size(self, key: str) -> int:
        """Return the size of a stored file in bytes."""
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise NotFound() from None

    def stored(self) -> Iterator[StoredEntry]:
        """Every stored file (for the consistency check)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if KEY_PATTERN.fullmatch(path.name) and path.is_file():
                yield _entry(path.name, path)

    def temp_files(self) -> Iterator[StoredEntry]:
        """Upload temp files (left behind by a process killed mid-upload, or still growing)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob(f"{TEMP_PREFIX}*"):
            if path.is_file():
                yield _entry(path.name, path)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key


@dataclass(frozen=True)
class StoredEntry:
    """A file on disk: its key (or temp name), path, size and last change."""

    key: str
    path: Path
    size: int
    modified: float


def _entry(key: str, path: Path) -> StoredEntry:
    info = path.stat()
    return StoredEntry(key, path, info.st_size, info.st_mtime)


def _copy_limited(source: IO[bytes], target: IO[bytes], max_bytes: int | None) -> tuple[int, str]:
    """Copy in chunks, hashing as we go; stop and raise TooLarge once past max_bytes."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK_SIZE):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(
                _l(
                    "The file is larger than the limit of %(limit)s MB.",
                    limit=megabytes(max_bytes),
                )
            )
        digest.update(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def megabytes(size: int) -> str:
    """A size in MB as the limits are shown: whole above 10, two digits below."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"
