"""Telling contributors about decisions: in the app always, by e-mail where SMTP is set up."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, url_for
from sqlalchemy import func, select, update

from kitchen.extensions import db
from kitchen.models import Item, Notification, Review, User, utcnow

log = logging.getLogger("kitchen.notifications")

# Transitions the submitter hears about (their own submit/retract are not news to them).
NEWSWORTHY = frozenset({"approve", "request_changes", "reject", "withdraw", "reinstate"})


def notify_decision(item: Item, review: Review) -> Notification | None:
    """Queue a notification for the item's submitter; the caller's commit stores it."""
    if review.action not in NEWSWORTHY or review.actor_id == item.submitter_id:
        return None
    note = Notification(
        user_id=item.submitter_id,
        item_id=item.id,
        action=review.action,
        to_status=review.to_status,
        comment=review.comment,
    )
    db.session.add(note)
    db.session.info.setdefault("kitchen_new_notes", []).append(note)
    return note


def pending_for(item: Item) -> list[Notification]:
    """Notifications about the item created in this request, to e-mail after the commit."""
    return [n for n in db.session.info.pop("kitchen_new_notes", []) if n.item_id == item.id]


def unread_count(user: User) -> int:
    """How many notifications the user has not opened."""
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    """The user's latest notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mark_read(user: User, item_id: int | None = None) -> None:
    """Mark the user's notifications read (all, or those about one item)."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if item_id is not None:
        query = query.where(Notification.item_id == item_id)
    db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()


def send_email(note: Notification) -> bool:
    """E-mail the notification when SMTP is configured; a mail failure never undoes a decision."""
    host = current_app.config.get("SMTP_HOST")
    user = db.session.get(User, note.user_id)
    if not host or user is None:
        return False
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = f"[中央厨房] {note.item.title}"
    link = url_for("items.show", item_id=note.item_id, _external=True)
    message.set_content(f"{note.item.title}\n{note.to_status}\n\n{note.comment}\n\n{link}\n")
    try:
        with smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not e-mail notification %s", note.id)
        return False
    return True
