"""Uploaded media: what a file really is (sniffed, then decoded) and the renditions we derive."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

import filetype
from flask_babel import lazy_gettext as _l

from kitchen.services.errors import InvalidFile
from kitchen.services.media_document import OFFICE_MAIN_PARTS, check_pdf, office_extension
from kitchen.services.media_image import (
    DEFAULT_MAX_PIXELS,
    Rendition,
    inspect_image,
    make_image_renditions,
)
from kitchen.services.media_video import inspect_video, make_video_poster
from kitchen.services.storage import Storage, StoredFile

__all__ = [
    "FORMATS",
    "FileFormat",
    "Inspection",
    "MediaType",
    "Rendition",
    "extension_of",
    "inspect_file",
    "make_image_renditions",
    "make_renditions",
    "make_video_poster",
    "receive_upload",
    "sniff_format",
    "sniff_head",
    "store_upload",
]
# filetype looks at no more than the first 8 KiB.
SNIFF_BYTES = 8192


class MediaType(StrEnum):
    """The three kinds of asset the library keeps."""

    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"


@dataclass(frozen=True)
class FileFormat:
    """An accepted format: its kind, canonical MIME type, stored extension and display label."""

    media_type: MediaType
    mime: str
    extension: str
    label: str


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(MediaType.IMAGE, "image/jpeg", ".jpg", "JPEG"),
    FileFormat(MediaType.IMAGE, "image/png", ".png", "PNG"),
    FileFormat(MediaType.IMAGE, "image/webp", ".webp", "WebP"),
    FileFormat(MediaType.IMAGE, "image/gif", ".gif", "GIF"),
    FileFormat(MediaType.VIDEO, "video/mp4", ".mp4", "MP4"),
    FileFormat(MediaType.VIDEO, "video/quicktime", ".mov", "MOV"),
    FileFormat(MediaType.VIDEO, "video/webm", ".webm", "WebM"),
    FileFormat(MediaType.VIDEO, "video/x-matroska", ".mkv", "MKV"),
    FileFormat(MediaType.DOCUMENT, "application/pdf", ".pdf", "PDF"),
    FileFormat(
        MediaType.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
        "DOCX",
    ),
    FileFormat(
        MediaType.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
        "XLSX",
    ),
    FileFormat(
        MediaType.DOCUMENT,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
        "PPTX",
    ),
)
FORMAT_BY_MIME = {file_format.mime: file_format for file_format in FORMATS}
FORMAT_BY_EXTENSION = {file_format.extension: file_format for file_format in FORMATS}


def extension_of(mime: str) -> str:
    """The stored extension of an accepted MIME type ("" for one we do not know)."""
    file_format = FORMAT_BY_MIME.get(mime)
    return file_format.extension if file_format else ""


# filetype names an animated PNG apart; it is still a PNG to Pillow and to browsers.
SNIFF_ALIASES = {"image/apng": "image/png"}
# filetype reports an Office file as a plain zip when its parts come in an unusual order.
ZIP_MIMES = {"application/zip"} | {f.mime for f in FORMATS if f.extension in OFFICE_MAIN_PARTS}


@dataclass(frozen=True)
class Inspection:
    """What an uploaded file turned out to be, with what we could read from it."""

    media_type: MediaType
    mime: str
    extension: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    codec: str | None = None
    browser_playable: bool = False
    camera: str | None = None
    taken_at: datetime | None = None
    pages: int | None = None


def inspect_file(
    path: Path,
    *,
    allowed: set[MediaType] | None = None,
    max_image_pixels: int = DEFAULT_MAX_PIXELS,
) -> Inspection:
    """Sniff the type against the allow-list, decode the file, and describe it; else InvalidFile.

    `max_image_pixels` bounds a video's frame size too.
    """
    path = Path(path)
    file_format = sniff_format(path, set(MediaType) if allowed is None else allowed)
    kind = file_format.media_type, file_format.mime, file_format.extension
    if file_format.media_type is MediaType.IMAGE:
        image = inspect_image(path, max_image_pixels)
        return Inspection(
            *kind, image.width, image.height, camera=image.camera, taken_at=image.taken_at
        )
    if file_format.media_type is MediaType.VIDEO:
        video = inspect_video(path, file_format.mime, max_image_pixels)
        return Inspection(
            *kind,
            video.width,
            video.height,
            duration=video.duration,
            codec=video.codec,
            browser_playable=video.browser_playable,
        )
    if file_format.extension == ".pdf":
        return Inspection(*kind, pages=check_pdf(path))
    return Inspection(*kind)


@dataclass(frozen=True)
class Received:
    """An upload that passed its checks and is stored, with the renditions made from it."""

    stored: StoredFile
    inspection: Inspection
    renditions: list[Rendition]


def receive_upload(
    storage: Storage,
    stream: IO[bytes],
    *,
    limits: Mapping[MediaType, int] | None = None,
    allowed: set[MediaType] | None = None,
    max_image_pixels: int = DEFAULT_MAX_PIXELS,
    renditions: bool = False,
) -> Received:
    """Receive an upload into scratch space (size limit per media type), check it there and,
    when asked, make a picture's renditions from it; only a file that passed is stored.

    A video's poster is the worker's (it decodes frames), so `renditions` makes none for it.
    """
    allowed = set(MediaType) if allowed is None else allowed
    head = _read_head(stream)
    # Sniffing first refuses an .exe after 8 KiB instead of after writing all of it.
    provisional = sniff_head(head, allowed)
    media_type = provisional.media_type if provisional else MediaType.DOCUMENT
    max_bytes = (limits or {}).get(media_type)
    replay = io.BufferedReader(_Replay(head, stream))
    with storage.receive(replay, max_bytes=max_bytes, suffix=_suffix(provisional)) as incoming:
        inspection = inspect_file(incoming.path, allowed=allowed, max_image_pixels=max_image_pixels)
        made: list[Rendition] = []
        if renditions and inspection.media_type is not MediaType.VIDEO:
            made = make_renditions(incoming.path, inspection, max_image_pixels)
        stored = incoming.keep()
    return Received(stored, inspection, made)


def store_upload(
    storage: Storage,
    stream: IO[bytes],
    *,
    limits: Mapping[MediaType, int] | None = None,
    allowed: set[MediaType] | None = None,
    max_image_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[StoredFile, Inspection]:
    """Check and store an upload (see `receive_upload`); a refused file is never stored."""
    received = receive_upload(
        storage, stream, limits=limits, allowed=allowed, max_image_pixels=max_image_pixels
    )
    return received.stored, received.inspection


def _read_head(stream: IO[bytes]) -> bytes:
    # A network stream may return less than asked for; the sniff needs all it can get.
    head = b""
    while len(head) < SNIFF_BYTES and (chunk := stream.read(SNIFF_BYTES - len(head))):
        head += chunk
    return head


def _suffix(provisional: FileFormat | None) -> str:
    # A zip is only known to be .docx, .xlsx or .pptx once fully read; its key goes without.
    if provisional is None or provisional.extension in OFFICE_MAIN_PARTS:
        return ""
    return provisional.extension


def sniff_format(path: Path, allowed: set[MediaType]) -> FileFormat:
    """Return the accepted format the file's bytes (never its name) show, else InvalidFile."""
    with path.open("rb") as file:
        provisional = sniff_head(file.read(SNIFF_BYTES), allowed)
    if provisional is not None and provisional.extension not in OFFICE_MAIN_PARTS:
        return provisional
    file_format = FORMAT_BY_EXTENSION.get(office_extension(path) or "")
    if file_format is None:
        raise not_accepted(allowed)
    return file_format


def sniff_head(head: bytes, allowed: set[MediaType]) -> FileFormat | None:
    """Judge a file by its first bytes; None means a zip that only its full contents can decide."""
    if not head:
        raise InvalidFile(_l("The file is empty."))
    guess = filetype.guess(head)
    mime = SNIFF_ALIASES.get(guess.mime, guess.mime) if guess else ""
    if mime in ZIP_MIMES and MediaType.DOCUMENT in allowed:
        return FORMAT_BY_MIME.get(mime)
    file_format = FORMAT_BY_MIME.get(mime)
    if file_format is None or file_format.media_type not in allowed:
        raise not_accepted(allowed)
    return file_format


def not_accepted(allowed: set[MediaType]) -> InvalidFile:
    """Return the error naming the formats that would have been accepted."""
    labels = ", ".join(f.label for f in FORMATS if f.media_type in allowed)
    return InvalidFile(
        _l("This file type is not accepted. Accepted types: %(types)s.", types=labels)
    )


def make_renditions(
    path: Path, inspection: Inspection, max_image_pixels: int = DEFAULT_MAX_PIXELS
) -> list[Rendition]:
    """Return the renditions for an inspected file: thumb and web, poster and thumb, or none."""
    if inspection.media_type is MediaType.IMAGE:
        return make_image_renditions(Path(path), max_image_pixels)
    if inspection.media_type is MediaType.VIDEO:
        return make_video_poster(Path(path))
    return []


class _Replay(io.RawIOBase):
    """A stream whose first bytes were already read for sniffing, put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
