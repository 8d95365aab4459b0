"""Versions of an item in other languages: 讲好中国科技工作者的故事 abroad.

A version is the item's title, summary, text and caption in one other language, linked to the
Chinese original. Its organisation proposes it (the item may be a draft or approved: the version
waits for a curator either way), or a curator writes it, which is its review. A curator accepts a
proposal, which then replaces the language's approved version, or declines it with a reason; a
newer proposal for the same language replaces a waiting one. Readers see approved versions only:
by the interface language on the item page, in the API, in credits.txt and in search (the index
holds their text and a language facet). Every step is audited and tells the proposer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from kitchen.enums import Language
from kitchen.extensions import db
from kitchen.models import Item, ItemVersion, Notification, User, utcnow
from kitchen.services import audit, notifications, validation
from kitchen.services.access import (
    Action,
    authorize,
    decides_versions_at_once,
    may_propose_version,
)
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

PENDING, APPROVED, DECLINED, REPLACED = "pending", "approved", "declined", "replaced"
# Languages a version may be in: any but the original's.
OTHER_LANGUAGES = tuple(language for language in Language if language is not Language.ZH)
LIMITS = {"title": 200, "summary": 2000, "body": 100_000, "caption": 2000}


@dataclass(frozen=True)
class VersionData:
    """What a user typed for a version."""

    language: str
    title: str = ""
    summary: str = ""
    body: str = ""
    caption: str = ""
    note: str = ""


def require_proposable(user: User, item: Item) -> None:
    """Raise unless the user may add a version of this item (404 outside their scope)."""
    authorize(user, Action.VIEW_ITEM, item)
    if not may_propose_version(user, item):
        raise Forbidden(
            _l("Only the item's organisation or a curator can add a version in another language.")
        )


def clean(data: VersionData) -> dict[str, str]:
    """The version's checked values (ValidationError naming the field otherwise)."""
    language = (data.language or "").strip()
    if language not in {str(code) for code in OTHER_LANGUAGES}:
        raise ValidationError(_l("Please choose the language of this version."), field="language")
    values = {"language": language}
    for name, limit in LIMITS.items():
        values[name] = validation.text(
            getattr(data, name), name, max_len=limit, required=name == "title"
        )
    values["title"] = " ".join(values["title"].split())  # one line, as every title
    values["note"] = validation.text(data.note, "note", max_len=2000)
    return values


def propose(user: User, item: Item, data: VersionData) -> ItemVersion:
    """Propose a version (a curator's is approved at once); commit and return it."""
    require_proposable(user, item)
    values = clean(data)
    note = values.pop("note")
    current = approved(item, values["language"])
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        raise ValidationError(_l("Nothing was changed."), field="title")
    db.session.execute(
        update(ItemVersion)
        .where(
            ItemVersion.item_id == item.id,
            ItemVersion.language == values["language"],
            ItemVersion.status == PENDING,
        )
        .values(status=REPLACED)
    )
    version = ItemVersion(item_id=item.id, proposed_by_id=user.id, note=note, **values)
    db.session.add(version)
    db.session.flush()
    if decides_versions_at_once(user, item):
        with _one_approved():
            _replace_approved(version)
            version.status, version.decided_by_id, version.decided_at = APPROVED, user.id, utcnow()
            db.session.flush()
        db.session.expire(item, ["versions"])
    details = {"version": version.id, "language": version.language, "status": version.status}
    audit.record(user, "item.version_propose", "item", item.id, details)
    _commit()
    return version


def approved(item: Item, language: str) -> ItemVersion | None:
    """The item's approved version in that language, if any."""
    return next((v for v in item.versions if v.language == language), None)


def starting_words(item: Item, language: str) -> dict[str, str]:
    """What a new version in that language starts from: the approved one's words, if any."""
    current = approved(item, language)
    return {name: getattr(current, name) for name in LIMITS} if current is not None else {}


def pending_for(item: Item) -> list[ItemVersion]:
    """The item's proposals waiting for a curator, by language."""
    return list(
        db.session.scalars(
            select(ItemVersion)
            .where(ItemVersion.item_id == item.id, ItemVersion.status == PENDING)
            .order_by(ItemVersion.language, ItemVersion.id)
        )
    )


def shown(item: Item, interface_language: str, asked: str | None) -> ItemVersion | None:
    """The version the item page shows: the one asked for (`?lang=`), else the one in the
    interface language; None for the Chinese original."""
    wanted = asked if asked is not None else interface_language
    return approved(item, wanted) if wanted else None


def pending(user: User) -> list[ItemVersion]:
    """Every proposal waiting for a curator, oldest first."""
    authorize(user, Action.REVIEW)
    return list(
        db.session.scalars(
            select(ItemVersion)
            .where(ItemVersion.status == PENDING)
            .order_by(ItemVersion.created_at, ItemVersion.id)
        )
    )


def pending_count() -> int:
    """How many proposals wait (the review queue's link shows it)."""
    query = select(func.count(ItemVersion.id)).where(ItemVersion.status == PENDING)
    return db.session.scalar(query) or 0


def _get(user: User, version_id: int) -> tuple[ItemVersion, Item]:
    authorize(user, Action.REVIEW)
    version = db.session.get(ItemVersion, version_id)
    if version is None:
        raise NotFound()
    if version.status != PENDING:
        raise Conflict(_l("This proposal has already been decided."))
    item = version.item
    authorize(user, Action.CURATE_ITEM, item)
    return version, item


def accept(user: User, version_id: int, comment: str = "") -> ItemVersion:
    """Approve a proposal: it replaces the language's approved version; tell the proposer."""
    version, item = _get(user, version_id)
    comment = validation.text(comment, "comment", max_len=5000)
    with _one_approved():
        _replace_approved(version)
        _decide(user, version, APPROVED, comment)
        flag_modified(version, "status")  # flushed through the session: its index job goes too
        db.session.flush()
    db.session.expire(item, ["versions"])
    _tell(version, item, APPROVED, comment)
    audit.record(
        user,
        "item.version_accept",
        "item",
        item.id,
        {"version": version.id, "language": version.language},
    )
    _commit()
    return version


def decline(user: User, version_id: int, comment: str) -> ItemVersion:
    """Keep the approved version (if any); the proposer reads why."""
    version, item = _get(user, version_id)
    comment = validation.text(comment, "comment", max_len=5000)
    if not comment:
        raise ValidationError(_l("Please give a reason in the comment."), field="comment")
    _decide(user, version, DECLINED, comment)
    _tell(version, item, DECLINED, comment)
    audit.record(
        user,
        "item.version_decline",
        "item",
        item.id,
        {"version": version.id, "language": version.language},
    )
    db.session.commit()
    return version


def _decide(user: User, version: ItemVersion, status: str, comment: str) -> None:
    """Take the proposal out of the queue, once: a second curator at the same moment learns
    that it is decided."""
    claimed = db.session.execute(
        update(ItemVersion)
        .where(ItemVersion.id == version.id, ItemVersion.status == PENDING)
        .values(status=status, decided_by_id=user.id, decided_at=utcnow(), comment=comment)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(claimed, "rowcount", 0) != 1:
        db.session.rollback()
        raise Conflict(_l("This proposal has already been decided."))


def _replace_approved(version: ItemVersion) -> None:
    """The language's approved version (another one) becomes history."""
    db.session.execute(
        update(ItemVersion)
        .where(
            ItemVersion.item_id == version.item_id,
            ItemVersion.language == version.language,
            ItemVersion.status == APPROVED,
            ItemVersion.id != version.id,
        )
        .values(status=REPLACED)
        .execution_options(synchronize_session="fetch")
    )


@contextmanager
def _one_approved() -> Iterator[None]:
    """Two approvals of one language at the same moment: the second is refused (the unique
    index on approved versions), nothing of it stays."""
    try:
        yield
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("Someone else changed this item a moment ago. Please reload it.")
        ) from exc


def _tell(version: ItemVersion, item: Item, status: str, comment: str) -> None:
    notifications.add(
        Notification(
            user_id=version.proposed_by_id,
            item_id=item.id,
            action=f"version_{status}",
            to_status=item.status.value,
            comment=comment.strip(),
        )
    )


def _commit() -> None:
    """Commit (the unique index may answer only now, on some databases)."""
    with _one_approved():
        db.session.commit()
