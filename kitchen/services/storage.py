"""File storage behind a small interface; keys are generated, never taken from user input."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
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


class Incoming(Protocol):
    """An upload received into scratch space, to be checked before it is kept."""

    path: Path  # a local file for the checks (Pillow, PyAV, the ZIP reader); gone afterwards
    size: int
    sha256: str

    def keep(self) -> StoredFile:
        """Put the file into storage under a new key."""
        ...


class Storage(Protocol):
    """What the rest of the app needs from a file store: keys in, bytes out, no paths.

    Reads are seekable streams (`open`), so pages serve ranges of a video and the credit
    writer reads a picture's headers, whatever holds the bytes. The one local file the
    interface hands out is scratch: an upload being checked (`receive`) and a copy for a
    decoder (`local_copy`), both gone when their `with` block ends.
    """

    def receive(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> AbstractContextManager[Incoming]:
        """Stream an upload into scratch space (TooLarge past max_bytes, InvalidFile if empty);
        `keep()` stores it, leaving the block without keeping removes it."""
        ...

    def save(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> StoredFile:
        """Stream into storage under a new key; TooLarge past max_bytes, InvalidFile if empty."""
        ...

    def save_bytes(self, data: bytes, suffix: str = "") -> StoredFile:
        """Store bytes already in memory, such as a rendition."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for binary, seekable reading; NotFound if missing."""
        ...

    def delete(self, key: str) -> None:
        """Remove a stored file; a missing key is not an error."""
        ...

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""
        ...

    def size(self, key: str) -> int:
        """The size of a stored file in bytes."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file with the stored bytes, for a decoder that wants a path (PyAV)."""
        ...

    def download_url(self, key: str, *, mime: str, disposition: str) -> str | None:
        """An address the client may fetch the bytes from directly (a presigned URL), or None
        when they go through the app."""
        ...

    def stored(self) -> Iterator[StoredEntry]:
        """Every stored file (for the consistency check)."""
        ...

    def temp_files(self) -> Iterator[StoredEntry]:
        """Unfinished uploads (a process killed mid-upload, or one still growing)."""
        ...

    def discard(self, entry: StoredEntry) -> None:
        """Remove an orphan or an unfinished upload that the consistency check found."""
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

    @contextmanager
    def receive(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> Iterator[Incoming]:
        """Stream into a temp file inside root (so keeping it is an atomic rename)."""
        key = new_key(suffix)
        self.root.mkdir(parents=True, exist_ok=True)
        with _scratch(self.root, stream, max_bytes) as (path, size, digest):
            yield ScratchIncoming(path, size, digest, lambda: self._move(path, key, size, digest))

    def _move(self, path: Path, key: str, size: int, digest: str) -> StoredFile:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        return StoredFile(key=key, size=size, sha256=digest)

    def save(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> StoredFile:
        """Stream `stream` into storage in constant memory and return its key, size and hash."""
        return save_received(self, stream, max_bytes, suffix)

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

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The stored file itself: it is local already (the caller only reads it)."""
        path = self._path(key)
        if not path.is_file():
            raise NotFound()
        yield path

    def download_url(self, key: str, *, mime: str, disposition: str) -> str | None:
        """Local files go through the app."""
        return None

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
        yield from scratch_files(self.root)

    def discard(self, entry: StoredEntry) -> None:
        """Remove an orphan or a temp file."""
        if entry.path is not None:
            entry.path.unlink(missing_ok=True)
        else:
            self.delete(entry.key)

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key[2:4] / key


def save_received(
    store: Storage, stream: IO[bytes], max_bytes: int | None, suffix: str
) -> StoredFile:
    """`save` for every store: receive into scratch space, then keep it unchecked."""
    with store.receive(stream, max_bytes=max_bytes, suffix=suffix) as incoming:
        return incoming.keep()


@dataclass
class ScratchIncoming:
    """An upload in a local scratch file; `keep` is the store's way to take it in."""

    path: Path
    size: int
    sha256: str
    _keep: Callable[[], StoredFile]

    def keep(self) -> StoredFile:
        return self._keep()


@contextmanager
def _scratch(
    folder: Path, stream: IO[bytes], max_bytes: int | None
) -> Iterator[tuple[Path, int, str]]:
    """Copy `stream` into a temp file in `folder` (size limit, hash, fsync); removed on exit
    unless it was moved away."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    path = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            size, digest = _copy_limited(stream, out, max_bytes)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise InvalidFile(_l("The file is empty."))
        yield path, size, digest
    finally:
        path.unlink(missing_ok=True)


def scratch_files(folder: Path) -> Iterator[StoredEntry]:
    """Temp files of unfinished uploads in a folder."""
    if not folder.is_dir():
        return
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        if path.is_file():
            yield _entry(path.name, path)


@dataclass(frozen=True)
class StoredEntry:
    """A stored file or an unfinished upload: its key (or temp name), size and last change;
    where it is a local file, its path; where it is an unfinished multipart upload, its id."""

    key: str
    size: int
    modified: float
    path: Path | None = None
    upload_id: str = ""


def _entry(key: str, path: Path) -> StoredEntry:
    info = path.stat()
    return StoredEntry(key, info.st_size, info.st_mtime, path)


class Blob(Protocol):
    """Bytes a page sends: a stored file, or one this host made from it (a stamped web size)."""

    @property
    def size(self) -> int: ...

    @property
    def name(self) -> str:
        """What tells this blob's bytes apart (for an ETag)."""
        ...

    def open(self) -> BinaryIO: ...

    def download_url(self, *, mime: str, disposition: str) -> str | None: ...


@dataclass
class StoredBlob:
    """A stored file, read by key."""

    store: Storage
    key: str
    _size: int | None = None

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = self.store.size(self.key)
        return self._size

    @property
    def name(self) -> str:
        return self.key

    def open(self) -> BinaryIO:
        return self.store.open(self.key)

    def download_url(self, *, mime: str, disposition: str) -> str | None:
        return self.store.download_url(self.key, mime=mime, disposition=disposition)


@dataclass(frozen=True)
class LocalBlob:
    """A file this host keeps (a cache of something derived from stored files)."""

    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def name(self) -> str:
        return self.path.name

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    def download_url(self, *, mime: str, disposition: str) -> str | None:
        return None


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
