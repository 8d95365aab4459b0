"""Share links: a collection or one item for people without an account, until the link expires.

A link is 192 random bits (`secrets.token_urlsafe(24)`); only its SHA-256 is stored, so the
address is shown once, when it is made. It lives 1 to 30 days, may ask for a password, and
downloads the sizes its owner allowed: web sizes of pictures, or originals too. What it shows is
decided when it is opened, as its owner would see it now, and never includes internal-only
material, nor anything withdrawn since. Unknown links and wrong passwords count as failures of
the client (kitchen.services.throttle), so guessing is slowed down; expired and revoked links
answer 410. Every opening and every download is logged (`ShareVisit`), and downloads are also
`DownloadEvent`s of the owner (via "link"), so they count in the reports as the owner's would.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from kitchen.extensions import db
from kitchen.models import (
    Collection,
    Item,
    MediaFile,
    ShareLink,
    ShareVisit,
    UsageTerms,
    User,
    utcnow,
)
from kitchen.services import selections, throttle, uploads, validation
from kitchen.services.access import (
    can_see,
    may_manage_collection,
    may_manage_share_link,
    may_share_by_link,
)
from kitchen.services.errors import (
    Forbidden,
    Gone,
    NotFound,
    TermsNotAccepted,
    ValidationError,
)
from kitchen.services.tokens import hash_token

TOKEN_BYTES = 24  # 192 bits: guessing is infeasible
MIN_DAYS, MAX_DAYS = 1, 30
DEFAULT_DAYS = 7
PASSWORD_CHARS = (4, 128)
LINK_MARKER = "share-link"  # throttle's marker for unknown links (not an e-mail address)
PREVIEWS = ("thumb", "poster")  # shown on the page, not counted as downloads


@dataclass(frozen=True)
class Made:
    """A new link and its token (shown to its owner this once)."""

    link: ShareLink
    token: str


def create(
    user: User,
    *,
    collection: Collection | None = None,
    item: Item | None = None,
    days: int = DEFAULT_DAYS,
    password: str = "",
    originals: bool = False,
) -> Made:
    """A link to one of the user's collections or to one item the user may share."""
    if (collection is None) == (item is None):
        raise ValidationError(_l("Share either a collection or an item."))
    if not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            _l("Choose from %(a)d to %(b)d days.", a=MIN_DAYS, b=MAX_DAYS), field="days"
        )
    secret = validation.clean(password or "")
    if secret and not PASSWORD_CHARS[0] <= len(secret) <= PASSWORD_CHARS[1]:
        raise ValidationError(
            _l(
                "A password has %(a)d to %(b)d characters.",
                a=PASSWORD_CHARS[0],
                b=PASSWORD_CHARS[1],
            ),
            field="password",
        )
    if collection is not None:
        if not may_manage_collection(user, collection):
            raise Forbidden()
        shareable = [i for i in selections.items_of(user, collection) if may_share_by_link(user, i)]
        if not shareable:
            raise ValidationError(_l("Nothing in this collection can be shared by link."))
    elif item is not None:
        if not can_see(user, item):
            raise NotFound()
        if not may_share_by_link(user, item):
            raise ValidationError(
                _l("Only approved material that is not internal-only can be shared by link.")
            )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        token_hash=hash_token(token),
        owner_id=user.id,
        collection_id=collection.id if collection is not None else None,
        item_id=item.id if item is not None else None,
        originals=bool(originals),
        password_hash=generate_password_hash(secret) if secret else None,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.commit()
    return Made(link, token)


@dataclass(frozen=True)
class Listed:
    """A link as its owner's list shows it."""

    link: ShareLink
    visits: int
    downloads: int
    live: bool


def links_of(user: User) -> list[Listed]:
    """The user's links, newest first, with what they were used for."""
    links = list(
        db.session.scalars(
            select(ShareLink)
            .where(ShareLink.owner_id == user.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )
    counts: dict[tuple[int, str], int] = {}
    if links:
        rows = db.session.execute(
            select(ShareVisit.share_link_id, ShareVisit.what, func.count())
            .where(ShareVisit.share_link_id.in_([link.id for link in links]))
            .group_by(ShareVisit.share_link_id, ShareVisit.what)
        )
        counts = {(link_id, what): n for link_id, what, n in rows}
    now = utcnow()
    return [
        Listed(
            link,
            counts.get((link.id, "view"), 0),
            counts.get((link.id, "download"), 0),
            link.live(now),
        )
        for link in links
    ]


def get_own(user: User, link_id: int) -> ShareLink:
    """One of the user's links, or NotFound."""
    link = db.session.get(ShareLink, link_id)
    if link is None or not may_manage_share_link(user, link):
        raise NotFound()
    return link


def revoke(user: User, link: ShareLink) -> None:
    """Stop a link now (it answers 410 from here on)."""
    if not may_manage_share_link(user, link):
        raise NotFound()
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.session.commit()


def resolve(token: str, client: str) -> ShareLink:
    """The link of a token: NotFound for none (counted against the client), Gone when it has
    expired or been revoked, or its owner's account closed."""
    scope = throttle.guessing(LINK_MARKER, client)
    throttle.refuse_while_waiting(scope)
    link = None
    if token and len(token) <= 64:
        link = db.session.scalars(
            select(ShareLink).where(ShareLink.token_hash == hash_token(token))
        ).first()
    if link is None:
        throttle.record_failure(LINK_MARKER, scope.client)
        raise NotFound()
    if not link.live(utcnow()) or not link.owner.active:
        raise Gone()
    return link


def needs_password(link: ShareLink) -> bool:
    """Whether the link asks for a password before it shows anything."""
    return link.password_hash is not None


def unlock(link: ShareLink, password: str, client: str) -> bool:
    """Check a link's password; wrong ones count against the client on this link."""
    if link.password_hash is None:
        return True
    scope = throttle.guessing(f"share:{link.id}", client)
    throttle.refuse_while_waiting(scope)
    if check_password_hash(link.password_hash, (password or "")[: PASSWORD_CHARS[1]]):
        throttle.forget(f"share:{link.id}", scope.client)
        db.session.commit()
        return True
    throttle.record_failure(f"share:{link.id}", scope.client)
    return False


@dataclass(frozen=True)
class Shown:
    """An item as the link's page shows it."""

    item: Item
    note: str  # the collector's
    editorial: bool  # editorial use only: originals ask the visitor to confirm


def page(link: ShareLink) -> list[Shown]:
    """What the link's page lists."""
    return [
        Shown(item, note, item.usage_terms == UsageTerms.EDITORIAL_ONLY)
        for item, note in shown(link)
    ]


def title(link: ShareLink, listed: list[Shown]) -> str:
    """The page's heading: the collection's name, or the item's title while it is shown."""
    if link.collection is not None:
        return link.collection.name
    return listed[0].item.title if listed else str(_l("Shared material"))


def shown(link: ShareLink) -> list[tuple[Item, str]]:
    """What the link shows now, with the collector's note: approved items its owner may see,
    never internal-only ones."""
    owner = link.owner
    if link.item is not None:
        pairs = [(link.item, "")]
    elif link.collection is not None:
        pairs = [(entry.item, entry.note) for entry in selections.entries(owner, link.collection)]
    else:
        pairs = []
    return [(item, note) for item, note in pairs if may_share_by_link(owner, item)]


def record_visit(link: ShareLink, client: str) -> None:
    """Log one opening of the link's page."""
    db.session.add(
        ShareVisit(share_link_id=link.id, what="view", client=throttle.client_key(client))
    )
    db.session.commit()


def renditions(link: ShareLink, media: MediaFile) -> list[str]:
    """What may be downloaded of one file through the link: the web size of a picture, and
    the original where the owner allowed originals."""
    offered = ["web"] if media.web_key else []
    return [*offered, "original"] if link.originals else offered


def _file(link: ShareLink, file_id: int) -> MediaFile:
    for item, _note in shown(link):
        for media in item.files:
            if media.id == file_id:
                return media
    raise NotFound()


def fetch(
    link: ShareLink, file_id: int, rendition: str, *, accepted: bool, client: str
) -> uploads.Served:
    """One file of what the link shows: a preview, or an allowed size (logged as a download).
    An editorial-only original asks the visitor to confirm the terms first."""
    media = _file(link, file_id)
    preview = rendition in PREVIEWS
    if not preview and rendition not in renditions(link, media):
        raise NotFound()
    editorial = media.item.usage_terms == UsageTerms.EDITORIAL_ONLY
    if rendition == "original" and editorial and not accepted:
        raise TermsNotAccepted()
    served = uploads.open_rendition(link.owner, media, rendition, accepted=True, public=True)
    if not preview:
        uploads.record_download(
            link.owner, media, rendition, via="link", share_link_id=link.id, commit=False
        )
        db.session.add(
            ShareVisit(
                share_link_id=link.id,
                what="download",
                item_id=media.item_id,
                client=throttle.client_key(client),
            )
        )
        db.session.commit()
    return served


def zip_stream(link: ShareLink, size: str, *, accepted: bool) -> Iterator[bytes]:
    """Everything the link shows as one ZIP with credits.txt, in a size it allows."""
    pairs = shown(link)
    if not pairs:
        raise NotFound()
    size = "original" if size == "original" and link.originals else "web"
    items = [item for item, _note in pairs]
    if (
        size == "original"
        and not accepted
        and any(item.usage_terms == UsageTerms.EDITORIAL_ONLY for item in items)
    ):
        raise TermsNotAccepted()
    if not link.originals:  # without originals, only what has a web size goes in
        items = [item for item in items if any(m.web_key for m in item.files)]
        if not items:
            raise NotFound()
    notes = {item.id: note for item, note in pairs}
    return selections.zip_of(
        link.owner,
        items,
        size,
        accepted=True,
        notes=notes,
        share_link_id=link.id,
        web_only=not link.originals,
    )
