"""The audit trail: every change is recorded with its actor, in the same transaction."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller's commit stores it."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    db.session.add(event)
    return event


@dataclass
class AuditFilter:
    """What the audit list is narrowed by."""

    actor: str | None = None  # e-mail address, or part of one
    item_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None


def _filtered(flt: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent).outerjoin(AuditEvent.actor)
    if flt.actor:
        query = query.where(User.email.contains(flt.actor.strip().lower()))
    if flt.item_id:
        query = query.where(AuditEvent.target_type == "item", AuditEvent.target_id == flt.item_id)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(flt.since, time(), UTC))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.created_at < end)
    return query


def list_events(
    flt: AuditFilter, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, and the total."""
    query = _filtered(flt)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(rows), total


def actions() -> list[str]:
    """Every action name recorded so far, for the filter."""
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def export_csv(flt: AuditFilter) -> Iterator[str]:
    """The filtered events as CSV lines (UTF-8 with BOM so spreadsheet programs read Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(["time", "actor", "action", "target_type", "target_id", "details"])
    query = _filtered(flt).order_by(AuditEvent.created_at, AuditEvent.id)
    for event in db.session.scalars(query.execution_options(yield_per=500)):
        writer.writerow(
            [
                event.created_at.isoformat(),
                event.actor.email if event.actor else "",
                event.action,
                event.target_type,
                event.target_id or "",
                json.dumps(event.details, ensure_ascii=False),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
