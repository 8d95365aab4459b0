"""Collections (素材篮 and named ones): approved items a user collects, in an order, with a
note each, shared with other accounts to read or edit, downloaded together as one streamed ZIP.

Every user has a basket (the default collection, which the item page's button fills) and up to
MAX_COLLECTIONS of their own; the owner alone renames, deletes and shares one.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from kitchen.extensions import db
from kitchen.labels import label
from kitchen.models import (
    Collection,
    CollectionEntry,
    CollectionGrant,
    DownloadEvent,
    Item,
    ShareLink,
    ShareVisit,
    UsageTerms,
    User,
    utcnow,
)
from kitchen.services import filenames, uploads, validation
from kitchen.services.access import (
    Action,
    authorize,
    can_see,
    can_see_collection,
    may_edit_collection,
    may_manage_collection,
    may_select,
    terms_to_accept,
)
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

MAX_ITEMS = 200  # in one collection
MAX_COLLECTIONS = 50  # of one owner
NAME_CHARS = 120
NOTE_CHARS = 500
CHUNK = 1024 * 1024


def default_name() -> str:
    """The name of the collection every user starts with."""
    return str(_l("My selection"))


def _own(user: User) -> Select[tuple[Collection]]:
    return select(Collection).where(Collection.owner_id == user.id)


def default_collection(user: User, create: bool = True) -> Collection | None:
    """The user's own basket (素材篮), which the item page's button fills; made on first use
    (two requests making it at once end with one)."""
    found = db.session.scalars(_own(user).where(Collection.is_default.is_(True))).first()
    if found is not None or not create:
        return found
    made = Collection(owner_id=user.id, name=_free_name(user, default_name()), is_default=True)
    db.session.add(made)
    try:
        db.session.commit()  # called before anything else changes: nothing else is committed
    except IntegrityError:  # made by a request of the same user a moment ago
        db.session.rollback()
        return db.session.scalars(_own(user).where(Collection.is_default.is_(True))).one()
    return made


def basket(user: User) -> Collection:
    """The user's basket, made on first use."""
    found = default_collection(user)
    assert found is not None  # create=True always finds or makes one
    return found


def _free_name(user: User, name: str) -> str:
    """The name, or the name with a number where the user has a collection of that name."""
    taken = set(db.session.scalars(select(Collection.name).where(Collection.owner_id == user.id)))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate


@dataclass(frozen=True)
class Listed:
    """A collection as the user's list shows it."""

    collection: Collection
    count: int
    mine: bool
    may_edit: bool


def collections_of(user: User) -> list[Listed]:
    """The user's own collections (the basket first, then by name) and those shared with them."""
    default_collection(user)
    rows = db.session.execute(
        select(CollectionEntry.collection_id, func.count()).group_by(CollectionEntry.collection_id)
    )
    counts: dict[int, int] = {collection_id: n for collection_id, n in rows}
    own = db.session.scalars(
        _own(user).order_by(Collection.is_default.desc(), Collection.name, Collection.id)
    )
    shared = db.session.scalars(
        select(Collection)
        .join(CollectionGrant, CollectionGrant.collection_id == Collection.id)
        .where(CollectionGrant.user_id == user.id)
        .order_by(Collection.name, Collection.id)
    )
    return [
        Listed(c, counts.get(c.id, 0), c.owner_id == user.id, may_edit_collection(user, c))
        for c in [*own, *shared]
    ]


def editable(user: User) -> list[Collection]:
    """The collections the user may add to (the item page's menu), the basket first."""
    return [row.collection for row in collections_of(user) if row.may_edit]


def get_collection(user: User, collection_id: int) -> Collection:
    """A collection the user may read, or NotFound."""
    collection = db.session.get(Collection, collection_id)
    if collection is None or not can_see_collection(user, collection):
        raise NotFound()
    return collection


def _editing(user: User, collection: Collection) -> None:
    if not may_edit_collection(user, collection):
        raise Forbidden()


def _managing(user: User, collection: Collection) -> None:
    if not may_manage_collection(user, collection):
        raise Forbidden()


def _name(name: str, user: User, collection: Collection | None = None) -> str:
    cleaned = validation.text(name, "name", max_len=NAME_CHARS, required=True)
    clash = db.session.scalars(_own(user).where(Collection.name == cleaned)).first()
    if clash is not None and clash is not collection:
        raise Conflict(_l("You have a collection of that name already."), field="name")
    return cleaned


def create(user: User, name: str) -> Collection:
    """A new, empty collection of the user's."""
    authorize(user, Action.SEARCH)
    cleaned = _name(name, user)
    mine = db.session.scalar(
        select(func.count(Collection.id)).where(Collection.owner_id == user.id)
    )
    if (mine or 0) >= MAX_COLLECTIONS:
        raise ValidationError(
            _l("You have %(n)d collections, the most there may be.", n=MAX_COLLECTIONS)
        )
    made = Collection(owner_id=user.id, name=cleaned)
    db.session.add(made)
    _commit()
    return made


def rename(user: User, collection: Collection, name: str) -> None:
    """Give a collection another name."""
    _managing(user, collection)
    collection.name = _name(name, user, collection)
    _commit()


def delete_collection(user: User, collection: Collection) -> None:
    """Delete a collection (not the basket), its entries, grants and share links."""
    _managing(user, collection)
    if collection.is_default:
        raise ValidationError(_l("Your selection cannot be deleted; empty it instead."))
    # Its links go with it (as PostgreSQL's cascade would; SQLite does not cascade by itself);
    # the downloads made through them stay counted.
    links = select(ShareLink.id).where(ShareLink.collection_id == collection.id)
    db.session.execute(delete(ShareVisit).where(ShareVisit.share_link_id.in_(links)))
    db.session.execute(
        update(DownloadEvent)
        .where(DownloadEvent.share_link_id.in_(links))
        .values(share_link_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ShareLink).where(ShareLink.collection_id == collection.id))
    db.session.delete(collection)
    db.session.commit()


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same name or entry made a moment ago by another request
        db.session.rollback()
        raise Conflict(_l("This was changed a moment ago; please try again.")) from None


def entries(user: User, collection: Collection | None = None) -> list[CollectionEntry]:
    """The entries of a collection (the user's basket by default) whose items the user may
    still see, in their order."""
    collection = collection or basket(user)
    if not can_see_collection(user, collection):
        raise NotFound()
    rows = db.session.scalars(
        select(CollectionEntry)
        .where(CollectionEntry.collection_id == collection.id)
        .options(selectinload(CollectionEntry.item))
        .order_by(CollectionEntry.position, CollectionEntry.id)
    )
    return [row for row in rows if can_see(user, row.item)]


def items_of(user: User, collection: Collection | None = None) -> list[Item]:
    """The items of `entries`."""
    return [entry.item for entry in entries(user, collection)]


def needs_terms(user: User, items: list[Item]) -> bool:
    """Whether downloading these originals asks the user to confirm usage terms first."""
    return any(terms_to_accept(user, item, "original") for item in items)


def count(user: User) -> int:
    """How many items the user's basket holds (the navigation shows it)."""
    basket = default_collection(user, create=False)
    if basket is None:
        return 0
    query = select(func.count(CollectionEntry.id)).where(CollectionEntry.collection_id == basket.id)
    return db.session.scalar(query) or 0


def contains(user: User, item_id: int, collection: Collection | None = None) -> bool:
    """Whether the item is in the collection (the basket by default: the item page toggles)."""
    collection = collection or default_collection(user, create=False)
    if collection is None:
        return False
    found = select(CollectionEntry.id).where(
        CollectionEntry.collection_id == collection.id, CollectionEntry.item_id == item_id
    )
    return db.session.scalar(found.limit(1)) is not None


def add(user: User, item: Item, collection: Collection | None = None, note: str = "") -> None:
    """Put an approved item the user may see into a collection (once), at its end."""
    authorize(user, Action.VIEW_ITEM, item)
    if not may_select(user, item):
        raise ValidationError(_l("Only approved items can be collected."))
    collection = collection or basket(user)
    _editing(user, collection)
    cleaned = validation.text(note, "note", max_len=NOTE_CHARS)
    if contains(user, item.id, collection):
        return
    size, last = db.session.execute(
        select(func.count(CollectionEntry.id), func.max(CollectionEntry.position)).where(
            CollectionEntry.collection_id == collection.id
        )
    ).one()
    if size >= MAX_ITEMS:
        raise ValidationError(_l("A selection holds at most %(n)d items.", n=MAX_ITEMS))
    db.session.add(
        CollectionEntry(
            collection_id=collection.id,
            item_id=item.id,
            position=(last or 0) + 1,
            note=cleaned,
        )
    )
    _touch(collection)
    try:
        db.session.commit()
    except IntegrityError:  # added by another request a moment ago: it is there
        db.session.rollback()


def _touch(collection: Collection) -> None:
    collection.updated_at = utcnow()


def _entry(collection: Collection, item_id: int) -> CollectionEntry:
    found = db.session.scalars(
        select(CollectionEntry).where(
            CollectionEntry.collection_id == collection.id, CollectionEntry.item_id == item_id
        )
    ).first()
    if found is None:
        raise NotFound()
    return found


def remove(user: User, item_id: int, collection: Collection | None = None) -> None:
    """Take an item out of a collection (the basket by default)."""
    collection = collection or basket(user)
    _editing(user, collection)
    db.session.execute(
        delete(CollectionEntry).where(
            CollectionEntry.collection_id == collection.id, CollectionEntry.item_id == item_id
        )
    )
    _touch(collection)
    db.session.commit()


def clear(user: User, collection: Collection | None = None) -> None:
    """Empty a collection (the basket by default)."""
    collection = collection or basket(user)
    _editing(user, collection)
    db.session.execute(
        delete(CollectionEntry).where(CollectionEntry.collection_id == collection.id)
    )
    _touch(collection)
    db.session.commit()


def set_note(user: User, collection: Collection, item_id: int, note: str) -> None:
    """The collector's note on one item of the collection."""
    _editing(user, collection)
    entry = _entry(collection, item_id)
    entry.note = validation.text(note, "note", max_len=NOTE_CHARS)
    _touch(collection)
    db.session.commit()


MOVES = ("up", "down", "top")


def move(user: User, collection: Collection, item_id: int, where: str) -> None:
    """Move an item one place up or down, or to the top; positions are renumbered 1…n."""
    _editing(user, collection)
    if where not in MOVES:
        raise ValidationError(_l("Please choose one of the listed values."), field="move")
    order = list(
        db.session.scalars(
            select(CollectionEntry)
            .where(CollectionEntry.collection_id == collection.id)
            .order_by(CollectionEntry.position, CollectionEntry.id)
            .with_for_update()
        )
    )
    index = next((n for n, e in enumerate(order) if e.item_id == item_id), None)
    if index is None:
        raise NotFound()
    entry = order.pop(index)
    target = {"up": max(0, index - 1), "down": min(len(order), index + 1), "top": 0}[where]
    order.insert(target, entry)
    for position, row in enumerate(order, start=1):
        row.position = position
    _touch(collection)
    db.session.commit()


def share(user: User, collection: Collection, email: str, can_edit: bool) -> CollectionGrant:
    """Let another active account read (or also edit) the collection; again: change the right."""
    _managing(user, collection)
    address = validation.text(email, "email", max_len=254, required=True).lower()
    grantee = db.session.scalars(
        select(User).where(func.lower(User.email) == address, User.active.is_(True))
    ).first()
    if grantee is None:
        raise ValidationError(_l("No active account has this e-mail address."), field="email")
    if grantee.id == user.id:
        raise ValidationError(_l("This is your own collection."), field="email")
    grant = next((g for g in collection.grants if g.user_id == grantee.id), None)
    if grant is None:
        grant = CollectionGrant(collection_id=collection.id, user_id=grantee.id)
        collection.grants.append(grant)
    grant.can_edit = can_edit
    _commit()
    return grant


def unshare(user: User, collection: Collection, user_id: int) -> None:
    """Take an account's access away."""
    _managing(user, collection)
    collection.grants[:] = [g for g in collection.grants if g.user_id != user_id]
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


def credits_text(
    items: list[Item], paths: dict[int, list[str]], notes: dict[int, str] | None = None
) -> str:
    """credits.txt: every file (its path in the ZIP) with its item's credit line and terms,
    the collector's note, and the item's title and caption in its other languages."""
    lines = ["中央厨房素材包 · 署名与使用条款 / Credits and usage terms", ""]
    for item in items:
        lines.append(f"【{item.title}】 #{item.id}")
        for version in item.versions:
            lines.append(f"  {version.language}: {version.title}")
            if version.caption:
                lines.append(f"  {version.language} caption: {version.caption}")
        if notes and notes.get(item.id):
            lines.append(f"备注 Note: {notes[item.id]}")
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


def zip_stream(
    user: User,
    size: str = "original",
    *,
    accepted: bool = False,
    collection: Collection | None = None,
) -> Iterator[bytes]:
    """A collection (the basket by default) as a ZIP, produced piece by piece in constant
    memory; downloads logged.

    `size`: "original" files, or the "web" size of pictures (other files are always whole).
    Pictures carry their credit inside; credits.txt lists exactly the entries. Originals
    whose terms a media account must confirm need `accepted` (TermsNotAccepted otherwise).
    """
    rows = entries(user, collection)
    if not rows:
        raise NotFound(_l("Your selection is empty."))
    return zip_of(
        user,
        [row.item for row in rows],
        size,
        accepted=accepted,
        notes={row.item_id: row.note for row in rows},
    )


def zip_of(
    user: User,
    items: list[Item],
    size: str,
    *,
    accepted: bool,
    notes: dict[int, str] | None = None,
    share_link_id: int | None = None,
    web_only: bool = False,
) -> Iterator[bytes]:
    """These items as a streamed ZIP with credits.txt, as `user` may download them; through a
    share link (`share_link_id`) cleaned as for anyone outside, and logged as the link's.
    `web_only`: the web sizes of pictures and nothing else."""
    files: list[_Entry] = []
    paths: dict[int, list[str]] = {}
    public = share_link_id is not None
    for item in items:
        folder = filenames.portable(f"{item.id}-{item.title}"[:48], fallback=str(item.id))
        chosen = [
            (m, "web" if size == "web" and m.web_key else "original")
            for m in item.files
            if m.web_key or not web_only
        ]
        served = [
            uploads.open_rendition(user, m, rendition, accepted=accepted, public=public)
            for m, rendition in chosen
        ]
        names = filenames.unique(filenames.portable(s.download_name) for s in served)
        for (media, rendition), one, name in zip(chosen, served, names, strict=True):
            files.append(_Entry(item.id, media.id, f"{folder}/{name}", one, rendition))
            paths.setdefault(item.id, []).append(f"{folder}/{name}")
    credits = credits_text(items, paths, notes).encode("utf-8")
    return _zip_chunks(user.id, credits, files, share_link_id)


def _zip_chunks(
    user_id: int, credits: bytes, files: list[_Entry], share_link_id: int | None
) -> Iterator[bytes]:
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
                via="zip" if share_link_id is None else "link",
                share_link_id=share_link_id,
            )
        )
    if share_link_id is not None:
        for item_id in dict.fromkeys(entry.item_id for entry in files):
            db.session.add(
                ShareVisit(share_link_id=share_link_id, what="download", item_id=item_id)
            )
    db.session.commit()
