"""Telling contributors about decisions: in the app always, by e-mail where SMTP is set up."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

from flask import current_app, url_for
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload

from config import DEFAULT_BASE_URL
from kitchen.extensions import db
from kitchen.models import ExpertRequest, Item, JobKind, Notification, Review, User, utcnow
from kitchen.services import jobs

log = logging.getLogger("kitchen.notifications")

# Transitions the submitter hears about (their own submit/retract are not news to them).
NEWSWORTHY = frozenset({"approve", "request_changes", "reject", "withdraw", "reinstate"})


def notify_decision(item: Item, review: Review) -> Notification | None:
    """Queue a notification for the item's submitter; the caller's commit stores it."""
    if review.action not in NEWSWORTHY or review.actor_id == item.submitter_id:
        return None
    return add(
        Notification(
            user_id=item.submitter_id,
            item_id=item.id,
            action=review.action,
            to_status=review.to_status,
            comment=review.comment,
        )
    )


def add(note: Notification) -> Notification:
    """Queue a notification (and its e-mail where SMTP is set); the caller's commit stores it."""
    db.session.add(note)
    if current_app.config.get("SMTP_HOST"):
        db.session.flush()  # the e-mail job names the notification: it needs its id
        jobs.enqueue(JobKind.MAIL, note.id)
    return note


def add_for(users: Iterable[User], **values: Any) -> None:
    """The same notification for each of these users (queued as `add` does)."""
    for user in users:
        add(Notification(user_id=user.id, **values))


_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user: User) -> int:
    """How many notifications the user has not opened (every page's bell asks)."""
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


LIST_LENGTH = 50


def open_list(user: User) -> list[Notification]:
    """The user's recent notifications, as the list shows them; showing them reads them
    (marked read now, the list still tells which were new)."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(
            selectinload(Notification.item),
            selectinload(Notification.expert_request).selectinload(ExpertRequest.person),
            selectinload(Notification.campaign),
            selectinload(Notification.saved_search),
        )
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(LIST_LENGTH)
    )
    notes = list(db.session.scalars(query))
    for note in notes:
        db.session.expunge(note)  # this showing keeps the unread marks it was read with
    mark_read(user)
    return notes


def mark_read(user: User) -> None:
    """Mark all the user's notifications read."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()


def email_notifications(note_ids: list[int]) -> jobs.Outcome:
    """The worker's e-mail job: send each notification once (a failure is retried later)."""
    outcome = jobs.Outcome()
    for note_id in note_ids:
        note = db.session.get(Notification, note_id, populate_existing=True)
        if note is None or note.emailed_at is not None:
            outcome.done.add(note_id)  # gone, or sent already by an earlier attempt
            continue
        error = _send(note)
        if error is None:
            note.emailed_at = utcnow()
            outcome.done.add(note_id)
        else:
            outcome.failed[note_id] = error
    return outcome


def _send(note: Notification) -> str | None:
    """E-mail one notification; return the error, or None once the server took it."""
    host = current_app.config.get("SMTP_HOST")
    user = db.session.get(User, note.user_id)
    if not host or user is None:
        return None  # nothing to send it with, or nobody to send it to: done
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = f"[中央厨房] {note.subject}"
    with current_app.test_request_context(
        base_url=current_app.config["BASE_URL"] or DEFAULT_BASE_URL
    ):
        link = note_url(note, external=True)
        status = status_text(note.to_status, user, note.action)
    body = f"{note.subject}\n{status}\n\n{note.comment}\n\n{link}\n"
    message.set_content(body)
    return deliver(message, f"notification {note.id}")


def note_url(note: Notification, external: bool = False) -> str:
    """Where a notification leads: its item, the introduction request, the call, or the saved
    search it is about."""
    if note.item_id is None and note.expert_request_id is not None:
        return url_for("people.request", request_id=note.expert_request_id, _external=external)
    if note.item_id is None and note.campaign is not None:
        return url_for("campaigns.show", slug=note.campaign.slug, _external=external)
    if note.item_id is None and note.saved_search is not None:
        from kitchen.services import alerts

        params = alerts.params_of(note.saved_search)
        return url_for("library.search", **params, sort="newest", _external=external)
    return url_for("items.show", item_id=note.item_id, _external=external)


def deliver(message: EmailMessage, what: str) -> str | None:
    """Hand one message to the configured SMTP server (the worker's jobs call this); return
    the error, or None once the server took it (or when no server is configured)."""
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return None
    try:
        with smtplib.SMTP(host, current_app.config["SMTP_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not e-mail %s: %s", what, exc)
        return f"{type(exc).__name__}: {exc}"
    return None


def status_text(status: str, user: User, action: str = "") -> str:
    """The state's name (or a non-decision's headline) in the recipient's interface language."""
    from flask_babel import force_locale

    from kitchen.labels import note_headline
    from kitchen.services.workflow import status_label

    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return note_headline(action) or status_label(status)
