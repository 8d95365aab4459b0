"""Selections (素材篮): items a user collects, downloaded together as one streamed ZIP."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from kitchen.extensions import db
from kitchen.labels import label
from kitchen.models import DownloadEvent, Item, SelectionEntry, UsageTerms, User
from kitchen.services import filenames, uploads
from kitchen.services.access import Action, authorize, can_see, terms_to_accept
from kitchen.services.errors import NotFound, ValidationError

MAX_ITEMS = 200
CHUNK = 1024 * 1024


def entries(user: User) -> list[Item]:
    """The items in the user's selection that the user may still see, oldest first."""
    rows = db.session.scalars(
        select(SelectionEntry)
        .where(SelectionEntry.user_id == user.id)
        .order_by(SelectionEntry.added_at, SelectionEntry.id)
    )
    return [row.item for row in rows if can_see(user, row.item)]


def needs_terms(user: User, items: list[Item]) -> bool:
    """Whether downloading these originals asks the user to confirm usage terms first."""
    return any(terms_to_accept(user, item, "original") for item in items)


def count(user: User) -> int:
    """How many items the selection holds."""
    query = select(func.count(SelectionEntry.id)).where(SelectionEntry.user_id == user.id)
    return db.session.scalar(query) or 0


def contains(user: User, item_id: int) -> bool:
    """Whether the item is in the user's selection (the item page's button toggles)."""
    found = select(SelectionEntry.id).where(
        SelectionEntry.user_id == user.id, SelectionEntry.item_id == item_id
    )
    return db.session.scalar(found.limit(1)) is not None


def add(user: User, item: Item) -> None:
    """Put an item the user may see into their selection (once)."""
    authorize(user, Action.VIEW_ITEM, item)
    if contains(user, item.id):
        return
    if count(user) >= MAX_ITEMS:
        raise ValidationError(_l("A selection holds at most %(n)d items.", n=MAX_ITEMS))
    db.session.add(SelectionEntry(user_id=user.id, item_id=item.id))
    db.session.commit()


def remove(user: User, item_id: int) -> None:
    """Take an item out of the selection."""
    db.session.execute(
        delete(SelectionEntry).where(
            SelectionEntry.user_id == user.id, SelectionEntry.item_id == item_id
        )
    )
    db.session.commit()


def clear(user: User) -> None:
    """Empty the selection."""
    db.session.execute(delete(SelectionEntry).where(SelectionEntry.user_id == user.id))
    db.session.commit()


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes the ZIP generator hands out as they come."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def credits_text(items: list[Item], paths: dict[int, list[str]]) -> str:
    """credits.txt: every file (its path in the ZIP) with its item's credit line and terms."""
    lines = ["中央厨房素材包 · 署名与使用条款 / Credits and usage terms", ""]
    for item in items:
        lines.append(f"【{item.title}】 #{item.id}")
        lines.append(f"署名 Credit: {item.credit_line}")
        lines.append(f"使用条款 Usage: {label(item.usage_terms)}")
        if item.usage_terms == UsageTerms.EDITORIAL_ONLY:
            lines.append(
                "！仅限新闻报道使用，不得用于广告或商业用途"
                " / Editorial use only, not for advertising"
            )
        lines.append(f"来源 Source: {item.organization.name}")
        for path in paths.get(item.id, []):
            lines.append(f"  - {path}")
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class _Entry:
    """What the ZIP needs of one file, read before streaming starts."""

    item_id: int
    file_id: int
    path_in_zip: str
    served: uploads.Served
    rendition: str


SIZES = ("original", "web")


def zip_stream(user: User, size: str = "original", *, accepted: bool = False) -> Iterator[bytes]:
    """The selection as a ZIP, produced piece by piece in constant memory; downloads logged.

    `size`: "original" files, or the "web" size of pictures (other files are always whole).
    Pictures carry their credit inside; credits.txt lists exactly the entries. Originals
    whose terms a media account must confirm need `accepted` (TermsNotAccepted otherwise).
    """
    items = entries(user)
    if not items:
        raise NotFound(_l("Your selection is empty."))
    files: list[_Entry] = []
    paths: dict[int, list[str]] = {}
    for item in items:
        folder = filenames.portable(f"{item.id}-{item.title}"[:48], fallback=str(item.id))
        chosen = [(m, "web" if size == "web" and m.web_key else "original") for m in item.files]
        served = [
            uploads.open_rendition(user, m, rendition, accepted=accepted) for m, rendition in chosen
        ]
        names = filenames.unique(filenames.portable(s.download_name) for s in served)
        for (media, rendition), one, name in zip(chosen, served, names, strict=True):
            files.append(_Entry(item.id, media.id, f"{folder}/{name}", one, rendition))
            paths.setdefault(item.id, []).append(f"{folder}/{name}")
    credits = credits_text(items, paths).encode("utf-8")
    return _zip_chunks(user.id, credits, files)


def _zip_chunks(user_id: int, credits: bytes, files: list[_Entry]) -> Iterator[bytes]:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("credits.txt", credits)
        yield pipe.drain()
        for entry in files:
            info = zipfile.ZipInfo(entry.path_in_zip)
            with archive.open(info, "w", force_zip64=True) as target:
                for block in entry.served.chunks():
                    target.write(block)
                    yield pipe.drain()
    yield pipe.drain()
    for entry in files:
        db.session.add(
            DownloadEvent(
                user_id=user_id,
                item_id=entry.item_id,
                file_id=entry.file_id,
                rendition=entry.rendition,
                via="zip",
            )
        )
    db.session.commit()
