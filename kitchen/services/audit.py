"""The audit trail: every change is recorded with its actor, in the same transaction."""

from __future__ import annotations

from typing import Any

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
