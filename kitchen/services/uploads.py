"""Attaching files to items: store, check, derive renditions, record; undo all on failure."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.links import external_url
from kitchen.models import Item, ItemKind, JobKind, MediaFile, UsageTerms, User
from kitchen.services import (
    audit,
    embedding,
    extraction,
    filenames,
    jobs,
    stamping,
    submission,
)
from kitchen.services.access import (
    Action,
    authorize,
    can_see,
    can_see_state,
    gets_untouched_original,
    terms_to_accept,
)
from kitchen.services.errors import (
    Conflict,
    InvalidFile,
    NotFound,
    TermsNotAccepted,
    ValidationError,
)
from kitchen.services.media import (
    MediaType,
    Rendition,
    extension_of,
    make_video_poster,
    receive_upload,
)
from kitchen.services.storage import Blob, LocalBlob, LocalStorage, Storage, StoredBlob

# Which files each kind of item takes.
ACCEPTS: dict[ItemKind, set[MediaType]] = {
    ItemKind.LEAD: {MediaType.IMAGE, MediaType.DOCUMENT},
    ItemKind.STORY: {MediaType.IMAGE},
    ItemKind.PHOTO: {MediaType.IMAGE},
    ItemKind.VIDEO: {MediaType.VIDEO},
    ItemKind.PRODUCT: {MediaType.IMAGE, MediaType.DOCUMENT},
}
MAX_FILES_PER_ITEM = 60
# A multipart upload carries a caption and the part headers around the file.
FORM_ALLOWANCE = 64 * 1024


@dataclass
class Duplicate:
    """Another file with the same bytes; `visible` tells whether the user may open its item."""

    item_id: int
    title: str
    visible: bool


def storage() -> Storage:
    """The configured file store: a folder (`local`) or a bucket (`s3`), one per app."""
    store: Storage | None = current_app.extensions.get("kitchen_storage")
    if store is None:
        store = current_app.extensions["kitchen_storage"] = configured_storage(current_app.config)
    return store


def configured_storage(config: Mapping[str, Any]) -> Storage:
    """The store the settings describe."""
    if config.get("STORAGE", "local") != "s3":
        return LocalStorage(config["UPLOADS_DIR"])
    from kitchen.services.storage_s3 import S3Settings, S3Storage

    settings = S3Settings(
        bucket=config["S3_BUCKET"],
        endpoint=config["S3_ENDPOINT"],
        region=config["S3_REGION"] or "us-east-1",
        access_key=config["S3_ACCESS_KEY"],
        secret_key=config["S3_SECRET_KEY"],
        prefix=config["S3_PREFIX"],
        presigned_seconds=int(config["S3_PRESIGNED_SECONDS"]),
    )
    return S3Storage(settings, config["UPLOADS_DIR"])


def limits() -> dict[MediaType, int]:
    """The configured size limit per media type."""
    cfg = current_app.config
    return {
        MediaType.IMAGE: cfg["MAX_IMAGE_BYTES"],
        MediaType.VIDEO: cfg["MAX_VIDEO_BYTES"],
        MediaType.DOCUMENT: cfg["MAX_DOCUMENT_BYTES"],
    }


def body_limit(item_id: int | None) -> int:
    """The most an upload to this item may send: its kind's largest file, plus the form around it.

    The limit holds while the body streams, so a larger body stops before it reaches the disk.
    An item that does not exist gets the smallest limit (its upload answers 404 anyway).
    """
    sizes = limits()
    kind = db.session.scalar(select(Item.kind).where(Item.id == item_id)) if item_id else None
    allowed = ACCEPTS.get(kind, set()) if kind is not None else set()
    largest = max((sizes[t] for t in allowed), default=min(sizes.values()))
    return largest + FORM_ALLOWANCE


def clean_name(name: str | None) -> str:
    """The original file name for display: no folders, no control characters, bounded length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[-200:] or "file"


def add_file(
    user: User, item: Item, stream: IO[bytes], filename: str | None, caption: str = ""
) -> MediaFile:
    """Store and check an upload, make its renditions and attach it; nothing stays on failure."""
    authorize(user, Action.EDIT_ITEM, item)
    submission.require_editable(item)
    if len(item.files) >= MAX_FILES_PER_ITEM:
        raise ValidationError(_l("An item can have at most %(n)d files.", n=MAX_FILES_PER_ITEM))
    store = storage()
    max_pixels = current_app.config["MAX_IMAGE_PIXELS"]
    received = receive_upload(
        store,
        stream,
        limits=limits(),
        allowed=ACCEPTS[item.kind],
        max_image_pixels=max_pixels,
        renditions=True,
    )
    stored, info = received.stored, received.inspection
    keys = [stored.key]
    try:
        twin = next((f for f in item.files if f.sha256 == stored.sha256), None)
        if twin is not None:
            raise Conflict(
                _l(
                    "This file is already attached to this item (%(name)s).",
                    name=twin.original_name,
                ),
                field="file",
            )
        media = MediaFile(
            item_id=item.id,
            position=_next_position(item),
            original_name=filenames.with_extension(clean_name(filename), info.extension),
            storage_key=stored.key,
            media_type=info.media_type.value,
            mime=info.mime,
            size=stored.size,
            sha256=stored.sha256,
            width=info.width,
            height=info.height,
            duration=info.duration,
            codec=info.codec,
            browser_playable=info.browser_playable,
            camera=info.camera,
            taken_at=info.taken_at,
            caption=caption.strip()[:2000],
        )
        if info.media_type is MediaType.VIDEO:
            media.renditions_pending = True  # the worker makes the poster: see make_posters
        else:
            keys += _attach_renditions(store, media, received.renditions)
            media.phash = next((r.phash for r in received.renditions if r.phash is not None), None)
        db.session.add(media)
        db.session.flush()
        if media.renditions_pending:
            jobs.enqueue(JobKind.POSTER, media.id)
        extraction.mark_pending(media)  # the worker reads its words (documents, pictures)
        audit.record(
            user,
            "file.add",
            "item",
            item.id,
            {"file_id": media.id, "name": media.original_name, "sha256": stored.sha256},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for key in keys:
            store.delete(key)
        raise
    return media


def _attach_renditions(store: Storage, media: MediaFile, renditions: list[Rendition]) -> list[str]:
    """Store renditions and point the file's keys at them; return the new keys."""
    keys = []
    for rendition in renditions:
        key = store.save_bytes(rendition.data, ".jpg").key
        keys.append(key)
        setattr(media, f"{rendition.name}_key", key)
    return keys


def make_posters(file_ids: list[int]) -> jobs.Outcome:
    """The worker's poster job: a video's poster and thumbnail, made once, after the upload.

    A file removed meanwhile, or one that has its poster already, is done; a video whose frames
    cannot be turned into a picture gives up at once (the page then shows no poster).
    """
    outcome = jobs.Outcome()
    store = storage()
    for file_id in file_ids:
        media = db.session.get(MediaFile, file_id, populate_existing=True)
        if media is None or not media.renditions_pending:
            outcome.done.add(file_id)
            continue
        try:
            with store.local_copy(media.storage_key) as path:
                renditions = make_video_poster(path)
        except (InvalidFile, NotFound) as exc:
            media.renditions_pending = False
            outcome.gave_up[file_id] = f"{type(exc).__name__}: {exc.message}"
            continue
        except Exception as exc:  # an unexpected decoder failure: try again later
            outcome.failed[file_id] = f"{type(exc).__name__}: {exc}"
            continue
        _attach_renditions(store, media, renditions)
        media.renditions_pending = False
        outcome.done.add(file_id)
    return outcome


def _next_position(item: Item) -> int:
    """After the item's last file; ties from simultaneous uploads are ordered by id."""
    query = select(func.max(MediaFile.position)).where(MediaFile.item_id == item.id)
    last = db.session.scalar(query)
    return 0 if last is None else last + 1


def get_file(user: User, file_id: int) -> MediaFile:
    """A file whose item the user may see (404 otherwise)."""
    media = db.session.get(MediaFile, file_id)
    if media is None or not can_see(user, media.item):
        raise NotFound()
    return media


def remove_file(user: User, media: MediaFile) -> None:
    """Detach and delete a file of an editable item."""
    item = media.item
    authorize(user, Action.EDIT_ITEM, item)
    submission.require_editable(item)
    keys = stored_keys(media)
    audit.record(
        user, "file.remove", "item", item.id, {"file_id": media.id, "name": media.original_name}
    )
    db.session.delete(media)
    db.session.commit()
    for key in keys:  # after the commit: a failed commit must not lose the files
        storage().delete(key)


def stored_keys(media: MediaFile) -> list[str]:
    """Every stored key of a file: the original and its renditions."""
    return [k for k in (media.storage_key, media.thumb_key, media.web_key, media.poster_key) if k]


def set_caption(user: User, media: MediaFile, caption: str) -> None:
    """Change a file's caption while its item can still be edited."""
    authorize(user, Action.EDIT_ITEM, media.item)
    submission.require_editable(media.item)
    if len(caption) > 2000:
        raise ValidationError(_l("At most %(n)d characters are allowed.", n=2000), field="caption")
    media.caption = caption.strip()
    db.session.commit()


def duplicates_of(user: User, media: MediaFile) -> list[Duplicate]:
    """Other items holding a file with the same bytes."""
    rows = db.session.scalars(
        select(MediaFile).where(
            MediaFile.sha256 == media.sha256,
            MediaFile.id != media.id,
            MediaFile.item_id != media.item_id,
        )
    ).all()
    seen: dict[int, Duplicate] = {}
    for row in rows:
        seen.setdefault(
            row.item_id, Duplicate(row.item_id, row.item.title, can_see(user, row.item))
        )
    return list(seen.values())


def named_duplicates(dups: list[Duplicate]) -> list[int | None]:
    """Visible duplicates by id; any the user may not see, once, as None."""
    named: list[int | None] = [d.item_id for d in dups if d.visible]
    return named + ([None] if any(not d.visible for d in dups) else [])


def duplicate_counts(user: User, item: Item) -> dict[int, list[int | None]]:
    """For each file of the item, the other items holding the same bytes.

    Items the user may not open are not named: they appear once, as None ("already in the
    library"), so unpublished work of another organisation stays private.
    """
    hashes = {f.sha256: f.id for f in item.files}
    if not hashes:
        return {}
    rows = db.session.execute(
        select(
            MediaFile.sha256, MediaFile.item_id, Item.status, Item.organization_id, Item.usage_terms
        )
        .join(Item, Item.id == MediaFile.item_id)
        .where(MediaFile.sha256.in_(hashes), MediaFile.item_id != item.id)
        .group_by(
            MediaFile.sha256, MediaFile.item_id, Item.status, Item.organization_id, Item.usage_terms
        )
        .order_by(MediaFile.item_id)
    ).all()
    found: dict[int, list[int | None]] = {}
    for sha, other, status, org_id, terms in rows:
        shown = other if can_see_state(user, status, org_id, terms) else None
        others = found.setdefault(hashes[sha], [])
        if shown not in others:
            others.append(shown)
    return found


@dataclass
class Served:
    """How to send one rendition of a file: as stored, or by a plan that writes the credit in
    (and takes location and owner out of an original)."""

    blob: Blob
    mime: str
    download_name: str
    attachment: bool
    fallback_name: str
    plan: embedding.Plan | None = None
    etag: str = ""

    @property
    def size(self) -> int:
        return self.plan.size if self.plan is not None else self.blob.size

    def chunks(self) -> Iterator[bytes]:
        """The bytes to send, a block at a time."""
        if self.plan is not None:
            yield from self.plan.chunks(self.blob)
            return
        with self.blob.open() as source:
            while block := source.read(1024 * 1024):
                yield block


# What a served picture says of its usage terms, in both languages (it travels abroad too).
TERMS_TEXT = {
    UsageTerms.WITH_CREDIT: "使用时请署名 / Use with credit",
    UsageTerms.EDITORIAL_ONLY: "仅限新闻报道使用 / Editorial use only",
    UsageTerms.INTERNAL_ONLY: "仅供内部使用 / Internal use only",
}
FALLBACK_KIND = {"image": "photo", "video": "video", "document": "document"}


def credit_of(item: Item) -> embedding.Credit:
    """What the files of an item say about it."""
    return embedding.Credit(
        title=item.title,
        credit_line=item.credit_line,
        usage_terms=TERMS_TEXT.get(item.usage_terms, ""),
        url=external_url("items.show", item_id=item.id),
        source=item.organization.name,
    )


def open_rendition(
    user: User, media: MediaFile, rendition: str, *, accepted: bool = False, public: bool = False
) -> Served:
    """A rendition to send. Pictures carry the item's credit in their metadata; originals
    downloaded outside the centre and the item's organisation lose their location and owner
    fields (those two get the untouched file). Names: the original's, and a readable ASCII fallback.

    An original with terms to confirm (`access.terms_to_accept`) needs `accepted`. `public`:
    it goes to someone without an account (a share link of `user`'s), so it is cleaned as for
    anyone outside.
    """
    if not can_see(user, media.item):
        raise NotFound()
    if terms_to_accept(user, media.item, rendition) and not accepted:
        raise TermsNotAccepted()
    stem, _extension = filenames.split(media.original_name)
    if rendition == "original":
        # Playable video and images may show in the page; anything else downloads.
        inline = media.media_type in ("image", "video")
        name = filenames.with_extension(media.original_name, extension_of(media.mime))
        blob: Blob = StoredBlob(storage(), media.storage_key, media.size)
        mime = media.mime
        untouched = gets_untouched_original(user, media.item) and not public
    else:
        key = {"web": media.web_key, "thumb": media.thumb_key, "poster": media.poster_key}.get(
            rendition
        )
        if not key:
            raise NotFound()
        inline, name = True, f"{stem}-{rendition}.jpg"
        blob, mime, untouched = StoredBlob(storage(), key), "image/jpeg", rendition != "web"
        if rendition == "web" and media.item.credit_stamp and media.media_type == "image":
            blob = LocalBlob(stamping.stamped(blob, media.item.credit_line))
    fallback = f"item-{media.item_id}-{FALLBACK_KIND.get(media.media_type, 'file')}-{media.id}"
    fallback += filenames.split(name)[1]
    # A stored key is never reused for other bytes, so it is the ETag of what is sent as stored.
    served = Served(blob, mime, name, not inline, fallback, etag=blob.name.partition(".")[0])
    if not untouched:
        credit = credit_of(media.item)
        served.plan = embedding.plan(blob, mime, credit, private=rendition == "original")
        digest = hashlib.sha256(f"{credit!r}{blob.name}".encode()).hexdigest()[:12]
        served.etag = f"{media.sha256[:16]}-{rendition}-{digest}"
    return served


ACCEPT_ATTRIBUTE = {
    MediaType.IMAGE: "image/jpeg,image/png,image/webp,image/gif",
    MediaType.VIDEO: "video/mp4,video/quicktime,video/webm,video/x-matroska,.mkv",
    MediaType.DOCUMENT: ".pdf,.docx,.xlsx,.pptx",
}


def accept_attribute(kind: ItemKind) -> str:
    """The file chooser's accept= list for this kind of item."""
    return ",".join(ACCEPT_ATTRIBUTE[m] for m in sorted(ACCEPTS[kind]))


def limits_text(kind: ItemKind) -> str:
    """The accepted file types and size limits, in the UI language."""
    names = {
        MediaType.IMAGE: _l("images (JPEG, PNG, WebP, GIF) up to %(mb)d MB"),
        MediaType.VIDEO: _l("videos (MP4, MOV, WebM, MKV) up to %(mb)d MB"),
        MediaType.DOCUMENT: _l("documents (PDF, Word, Excel, PowerPoint) up to %(mb)d MB"),
    }
    sizes = limits()
    return "；".join(
        str(names[m]) % {"mb": sizes[m] // (1024 * 1024)} for m in sorted(ACCEPTS[kind])
    )


def is_download(rendition: str, *, asked: bool, partial: bool) -> bool:
    """What the download log counts: an asked-for download, or a whole original (not the
    thumbnails a page shows, nor a player's range requests)."""
    return asked or (rendition == "original" and not partial)


def fetch(
    user: User,
    media: MediaFile,
    rendition: str,
    *,
    accepted: bool,
    asked: bool = False,
    partial: bool = False,
    via: str = "web",
) -> Served:
    """A rendition to send (see `open_rendition`), logged when it counts as a download
    (`is_download`): the one rule for the page's and the API's downloads."""
    served = open_rendition(user, media, rendition, accepted=accepted)
    if is_download(rendition, asked=asked, partial=partial):
        record_download(user, media, rendition, via=via)
    return served


def record_download(
    user: User,
    media: MediaFile,
    rendition: str,
    via: str = "web",
    share_link_id: int | None = None,
    commit: bool = True,
) -> None:
    """Log a download: who (or whose share link), which item, which file, which rendition,
    when."""
    from kitchen.models import DownloadEvent

    db.session.add(
        DownloadEvent(
            user_id=user.id,
            item_id=media.item_id,
            file_id=media.id,
            rendition=rendition,
            via=via,
            share_link_id=share_link_id,
        )
    )
    if commit:
        db.session.commit()
