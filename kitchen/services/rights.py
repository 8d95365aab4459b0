"""Rights and consent that end: warnings before, withdrawal on the day, a list for curators.

An item's expiry is the earlier of its rights-until and consent-until dates. The worker runs
`sweep` now and then (and `kitchen expire` runs it by hand):

- 30 and 7 days before, the item's contributor and every curator get a notification (and an
  e-mail where SMTP is set);
- on the day, an approved item is withdrawn from the shared library: state `withdrawn`, the
  reason in the audit log (actor: the system) and in the contributor's notification.

Each step is a conditional UPDATE, so two workers sweeping at once do it once: the one whose
UPDATE changed the row notifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select, update

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Role, User
from kitchen.services import audit, notifications

WARNINGS = (30, 7)  # days before the expiry, largest first
UPCOMING_DAYS = 60  # how far ahead the curators' list looks


@dataclass
class SweepReport:
    """What one sweep did."""

    warned: int = 0
    withdrawn: int = 0


def expires_on(item: Item) -> date | None:
    """The day the item's rights or consent end (the earlier), if any."""
    days = [d for d in (item.rights_until, item.consent_until) if d is not None]
    return min(days) if days else None


def _ends_before(day: date) -> ColumnElement[bool]:
    """Items whose rights or consent end before `day`."""
    return or_(Item.rights_until < day, Item.consent_until < day)


def _notify(item: Item, users: list[User], action: str, comment: str) -> None:
    notifications.add_for(
        users, item_id=item.id, action=action, to_status=item.status.value, comment=comment
    )


def _curators() -> list[User]:
    query = select(User).where(User.role == Role.CURATOR, User.active.is_(True))
    return list(db.session.scalars(query))


def sweep(today: date | None = None) -> SweepReport:
    """Warn about what ends soon and withdraw what has ended; safe to run at any time."""
    today = today or date.today()
    report = SweepReport()
    approved = Item.status == ItemStatus.APPROVED
    # Valid until the day named, inclusive: withdrawn from the day after.
    for item in db.session.scalars(select(Item).where(approved, _ends_before(today))):
        ends = expires_on(item)
        if ends is None or ends >= today:
            continue
        changed = db.session.execute(
            update(Item)
            .where(Item.id == item.id, approved, Item.version == item.version)
            .values(status=ItemStatus.WITHDRAWN, version=Item.version + 1)
            .execution_options(synchronize_session=False)
        )
        if not changed.rowcount:  # type: ignore[attr-defined]
            continue
        db.session.expire(item)
        reason = str(_l("Rights or consent ended on %(day)s.", day=ends.isoformat()))
        _notify(item, [item.submitter], "expired", reason)
        audit.record(
            None, "item.expire", "item", item.id, {"ends": ends.isoformat(), "reason": reason}
        )
        report.withdrawn += 1
    for days in WARNINGS:
        horizon = today + timedelta(days=days + 1)
        due = select(Item).where(
            approved,
            _ends_before(horizon),
            or_(Item.expiry_notified.is_(None), Item.expiry_notified > days),
        )
        for item in db.session.scalars(due):
            ends = expires_on(item)
            if ends is None or ends < today or (ends - today).days > days:
                continue
            changed = db.session.execute(
                update(Item)
                .where(
                    Item.id == item.id,
                    or_(Item.expiry_notified.is_(None), Item.expiry_notified > days),
                )
                .values(expiry_notified=days)
                .execution_options(synchronize_session=False)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                continue
            comment = str(
                _l(
                    "Rights or consent end on %(day)s (in %(n)d days); after that the item is "
                    "withdrawn from the library.",
                    day=ends.isoformat(),
                    n=(ends - today).days,
                )
            )
            _notify(item, [item.submitter, *_curators()], "expiry_warning", comment)
            report.warned += 1
    db.session.commit()
    return report


def upcoming(today: date | None = None) -> list[tuple[Item, date]]:
    """Approved items ending within UPCOMING_DAYS, and withdrawn ones that ended, by date."""
    today = today or date.today()
    query = select(Item).where(
        Item.status.in_((ItemStatus.APPROVED, ItemStatus.WITHDRAWN)),
        _ends_before(today + timedelta(days=UPCOMING_DAYS + 1)),
    )
    rows = [(item, expires_on(item)) for item in db.session.scalars(query)]
    return sorted(
        ((item, ends) for item, ends in rows if ends is not None), key=lambda pair: pair[1]
    )
