"""The words in a file, read by the worker: a document's text, a picture's lines by OCR.

An upload of a PDF, a Word or PowerPoint file, or a picture is marked `text_state="pending"` and
queued (JobKind.EXTRACT) in the transaction that records it. The worker's media thread reads it
in a child process (`Reader`) with a time limit per file, so a slow or hostile file never holds
up the index queue nor the worker itself; a picture is read at its web size. What is read is
kept on the file (`text_segments`) and the item is queued for indexing: search finds it by the
words in the file, below its own fields (kitchen.fields.FILE_TEXTS).

A picture's lines count only when the recogniser is sure of them (OCR_MIN_CONFIDENCE), and only
when the picture holds text at all (a poster, a screenshot: OCR_MIN_LINES lines or more): a
photograph's stray shop sign does not clutter search. A curator may correct what was read. A
file that cannot be read (encrypted, damaged, too slow) gets a note, shown on its page, and is
never retried in a loop.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from kitchen.extensions import db
from kitchen.models import Item, JobKind, MediaFile, User
from kitchen.search import FILE_BREAK, PAGE_BREAK
from kitchen.services import audit, jobs, validation
from kitchen.services.access import Action, authorize
from kitchen.services.errors import NotFound, ValidationError
from kitchen.services.text_readers import Segment

log = logging.getLogger("kitchen.extraction")

OCR_MIN_CONFIDENCE = 0.8  # a line the recogniser is less sure of is kept, not searched
OCR_MIN_LINES = 2  # fewer sure lines than this: a photograph, not a poster
OCR_MIN_CHARS = 4  # …or fewer characters in them than this
FILE_TEXT_CHARS = 200_000  # of an item's file texts, search reads this much at the most
CORRECTED_CHARS = 20_000  # a curator's correction of one file's text
DEFAULT_SECONDS = 60.0  # the time limit per file (KITCHEN_EXTRACT_SECONDS)
# The reader's address space: OCR of a 1,080 x 1,920 poster peaks at 1.5 GB of it (600 MB of
# memory actually used); a file that needs more is refused as damaged.
READER_MEMORY = 3 * 2**30
READER_NICENESS = 10
READABLE_MIMES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
# Why a file has no text: the note's code, as the page shows it.
NOTES = {
    "encrypted": _l("The file is protected by a password: its text cannot be read."),
    "damaged": _l("The file is damaged: its text cannot be read."),
    "timeout": _l("Reading the text took too long and was stopped."),
    "missing": _l("The stored file is missing."),
}


def reader_kind(media: MediaFile) -> str | None:
    """Which reader reads this file (text_readers.READERS), or None: nothing to read."""
    if media.media_type == "image":
        return "picture" if current_app.config.get("OCR_PICTURES", True) else None
    return READABLE_MIMES.get(media.mime)


def mark_pending(media: MediaFile) -> bool:
    """Queue a flushed file for reading, in the caller's transaction; False: nothing to read."""
    if reader_kind(media) is None:
        return False
    media.text_state, media.text_note = "pending", ""
    jobs.enqueue(JobKind.EXTRACT, media.id)
    return True


def segments(media: MediaFile) -> list[Segment]:
    """What was read from the file (nothing until the worker has read it)."""
    if not media.text_segments:
        return []
    try:
        found = json.loads(media.text_segments)
    except ValueError:
        return []
    return found if isinstance(found, list) else []


@dataclass(frozen=True)
class FileText:
    """What a page shows of a file's words: each segment with whether search reads it."""

    state: str  # pending, done, failed
    source: str  # "document" or "image"
    segments: list[tuple[Segment, bool]]
    note: str  # why there is none, in the UI language
    corrected: bool
    photograph: bool  # a picture with too little text to search: its lines are not shown
    slides: bool  # its segments are slides, not pages

    @property
    def plain(self) -> str:
        """The words as one text, a segment a line (what a correction starts from)."""
        return "\n".join(segment["text"] for segment, _kept in self.segments)

    @property
    def correctable(self) -> bool:
        """Short enough to correct in a form (a picture's lines always are)."""
        return self.source == "image" or len(self.plain) <= CORRECTED_CHARS

    @property
    def searched(self) -> bool:
        """Whether search finds the item by these words."""
        return any(kept for _segment, kept in self.segments)


def searched_segments(media: MediaFile) -> list[tuple[Segment, bool]]:
    """Each segment, and whether search reads it (a picture's: sure lines of a text picture)."""
    found = segments(media)
    if media.media_type != "image" or media.text_corrected:
        return [(s, True) for s in found]
    sure = [s for s in found if (s.get("confidence") or 0) >= OCR_MIN_CONFIDENCE]
    text_picture = len(sure) >= OCR_MIN_LINES and sum(len(s["text"]) for s in sure) >= (
        OCR_MIN_CHARS
    )
    return [(s, text_picture and (s.get("confidence") or 0) >= OCR_MIN_CONFIDENCE) for s in found]


def file_text(media: MediaFile) -> FileText | None:
    """What the item page shows of a file's words (None: the file has none to read)."""
    if not media.text_state:
        return None
    shown = searched_segments(media)
    photograph = (
        media.media_type == "image" and media.text_state == "done" and not any(k for _s, k in shown)
    )
    return FileText(
        state=media.text_state,
        source="image" if media.media_type == "image" else "document",
        segments=shown,
        note=str(NOTES.get(media.text_note, "")) if media.text_note else "",
        corrected=media.text_corrected,
        photograph=photograph,
        slides=READABLE_MIMES.get(media.mime) == "pptx",
    )


def indexed_texts(item: Item) -> dict[str, str]:
    """The words search reads from the item's files: "document_text" (pages apart by
    PAGE_BREAK, files by FILE_BREAK, so a snippet can tell its page) and "image_text"; empty
    ones left out."""
    documents: list[str] = []
    pictures: list[str] = []
    for media in item.files:
        kept = [s for s, searched in searched_segments(media) if searched]
        if not kept:
            continue
        if media.media_type == "image":
            pictures.append("\n".join(s["text"] for s in kept))
        else:
            documents.append(_paged(kept))
    texts = {
        "document_text": FILE_BREAK.join(documents)[:FILE_TEXT_CHARS],
        "image_text": "\n".join(pictures)[:FILE_TEXT_CHARS],
    }
    return {name: text for name, text in texts.items() if text}


def _paged(kept: list[Segment]) -> str:
    """A document's pages, page n after n - 1 PAGE_BREAKs (blank pages keep their place)."""
    parts: list[str] = []
    page = 1
    for segment in kept:
        number = max(page, int(segment.get("page") or page))
        parts.append(PAGE_BREAK * (number - page) if number > page else ("\n" if parts else ""))
        parts.append(segment["text"])
        page = number
    return "".join(parts)


# The reader process -----------------------------------------------------------------------------


class ReadTimeout(Exception):
    """The reader took longer than the limit (it is stopped and started afresh)."""


def _serve(connection: Connection) -> None:
    """The child: read each file it is sent, answer ("ok", segments) or ("refused", why).
    Its address space is capped (READER_MEMORY): a zip bomb in a Word file fails here, as a
    damaged file, instead of pressing the host. It runs at a lower priority (READER_NICENESS):
    OCR takes both cores when they are free, and yields them to pages and indexing."""
    import resource

    from kitchen.services import text_readers

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > READER_MEMORY:
        resource.setrlimit(resource.RLIMIT_AS, (READER_MEMORY, READER_MEMORY))
    os.nice(READER_NICENESS)  # pages and the index queue go first when the cores are busy

    while True:
        try:
            path, kind = connection.recv()
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", text_readers.read(Path(path), kind))
        except text_readers.Unreadable as refused:
            answer = ("refused", str(refused.args[0]))
        except Exception as error:  # a reader library's own bug on a strange file
            log.warning("reading %s failed: %r", path, error)
            answer = ("refused", "damaged")
        connection.send(answer)


class Reader:
    """One child process that reads files (it keeps the OCR model loaded between files),
    stopped and replaced when a file takes longer than the limit or kills it."""

    def __init__(self) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def read(self, path: Path, kind: str, seconds: float) -> list[Segment]:
        """The file's segments; text_readers.Unreadable or ReadTimeout when there are none."""
        from kitchen.services.text_readers import Unreadable

        with self._lock:
            connection = self._start()
            connection.send((str(path), kind))
            try:
                ready = connection.poll(seconds)
                answer = connection.recv() if ready else None
            except (EOFError, OSError):  # the child died (out of memory, a crash in a library)
                self.stop()
                raise Unreadable("damaged") from None
            if answer is None:
                self.stop()
                raise ReadTimeout()
        status, value = answer
        if status == "refused":
            raise Unreadable(value)
        return list(value)

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection:
            return self._connection
        self.stop()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child,), name="kitchen-reader", daemon=True
        )
        self._process.start()
        child.close()
        self._connection = parent
        return parent

    def stop(self) -> None:
        """End the child process (the next read starts another)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
            self._process = None


_reader = Reader()


def reader() -> Reader:
    """The worker's reader process."""
    return _reader


def read_files(file_ids: list[int]) -> jobs.Outcome:
    """The worker's extract job: read each file's words and queue its item for indexing.

    A file removed meanwhile, or read already, is done. A file that cannot be read is done too,
    with a note (no retry: it would fail the same way); only a store that cannot hand the file
    over (S3 down) is tried again later.
    """
    from kitchen.services.text_readers import Unreadable
    from kitchen.services.uploads import storage

    outcome = jobs.Outcome()
    store = storage()
    seconds = float(current_app.config.get("EXTRACT_SECONDS", DEFAULT_SECONDS))
    for file_id in file_ids:
        media = db.session.get(MediaFile, file_id, populate_existing=True)
        kind = reader_kind(media) if media is not None else None
        if media is None or media.text_state != "pending" or kind is None:
            outcome.done.add(file_id)
            continue
        key = (media.web_key or media.storage_key) if kind == "picture" else media.storage_key
        try:
            with store.local_copy(key) as path:
                found = reader().read(path, kind, seconds)
        except NotFound:
            _settle(media, [], "missing")
        except Unreadable as refused:
            _settle(media, [], str(refused.args[0]))
        except ReadTimeout:
            _settle(media, [], "timeout")
        except Exception as exc:  # the store failed to hand the file over: try again later
            outcome.failed[file_id] = f"{type(exc).__name__}: {exc}"
            continue
        else:
            _settle(media, found, "")
        jobs.enqueue(JobKind.INDEX, media.item_id)
        outcome.done.add(file_id)
    return outcome


def _settle(media: MediaFile, found: list[Segment], note: str) -> None:
    media.text_segments = json.dumps(found, ensure_ascii=False) if found else ""
    media.text_state = "failed" if note else "done"
    media.text_note = note
    media.text_corrected = False


def correct_text(user: User, media: MediaFile, text: str) -> None:
    """A curator's correction of what was read from a file: one line a segment, all searched.
    An empty text leaves the file with no words (a photograph misread as a poster)."""
    authorize(user, Action.CURATE_ITEM, media.item)
    if media.media_type != "image" and media.mime not in READABLE_MIMES:
        raise ValidationError(_l("This file has no text to correct."), field="text")
    from kitchen.services.text_readers import clean

    cleaned = clean(validation.text(text, "text", max_len=CORRECTED_CHARS))
    if media.media_type == "image":
        found = [
            {"page": None, "text": line, "confidence": 1.0}
            for line in cleaned.split("\n")
            if line.strip()
        ]
    else:
        found = [{"page": 1, "text": cleaned, "confidence": None}] if cleaned else []
    media.text_segments = json.dumps(found, ensure_ascii=False) if found else ""
    media.text_state, media.text_note, media.text_corrected = "done", "", True
    audit.record(
        user,
        "file.text",
        "item",
        media.item_id,
        {"file_id": media.id, "chars": len(cleaned)},
    )
    jobs.enqueue(JobKind.INDEX, media.item_id)
    db.session.commit()


def queue_pending(
    progress: Callable[[int, int], None] | None = None, again: bool = False
) -> tuple[int, int]:
    """Files uploaded before the library read them: queue their reading and hash their photos
    (`kitchen extract --pending`). `again` also rereads the failed ones. Returns (queued,
    hashed); commits every 200 files."""
    from kitchen.services.media_image import perceptual_hash, photo_for_hashing
    from kitchen.services.uploads import storage

    states = ["", "failed"] if again else [""]
    query = (
        select(MediaFile.id)
        .where(
            or_(
                MediaFile.text_state.in_(states),
                (MediaFile.media_type == "image") & MediaFile.phash.is_(None),
            )
        )
        .order_by(MediaFile.id)
    )
    ids = list(db.session.scalars(query))
    queued = hashed = 0
    store = storage()
    for number, file_id in enumerate(ids, 1):
        media = db.session.get(MediaFile, file_id)
        if media is None:
            continue
        if media.text_state in states and not media.text_corrected and mark_pending(media):
            queued += 1
        if media.media_type == "image" and media.phash is None and media.web_key:
            try:
                with store.local_copy(media.web_key) as path, photo_for_hashing(path) as image:
                    media.phash = perceptual_hash(image)
                hashed += 1
            except NotFound:
                log.warning("file %s: web size missing, not hashed", file_id)
        if number % 200 == 0:
            db.session.commit()
        if progress is not None:
            progress(number, len(ids))
    db.session.commit()
    return queued, hashed
