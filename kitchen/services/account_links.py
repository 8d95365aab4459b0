"""Accounts without passwords typed by hand: invitations and password resets by one-time link.

An admin invites a person (the account exists, without a usable password, until the link is
used) or issues a reset link; a user who forgot their password asks for one by e-mail. A link
works once, until it expires; using it sets the password and ends every session of the account.
Where SMTP is configured the worker mails the link; the admin always sees it to copy.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from config import DEFAULT_BASE_URL
from kitchen.extensions import db
from kitchen.models import AccountLink, JobKind, User, utcnow
from kitchen.services import accounts, audit, jobs, notifications, validation
from kitchen.services.access import Action, authorize
from kitchen.services.errors import NotFound, ValidationError

INVITE, RESET = "invite", "reset"
LIFETIMES = {INVITE: timedelta(days=7), RESET: timedelta(hours=24)}
# A forgotten-password request does not mail again within this time (no mail bombing).
RESEND_AFTER = timedelta(minutes=5)


def _secret(link: AccountLink) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{link.id}:{link.purpose}:{link.nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def token_of(link: AccountLink) -> str:
    """The link's token, as it stands in the address."""
    return f"{link.id}.{_secret(link)}"


def url_of(link: AccountLink) -> str:
    """The link's full address (the configured base address, else the default)."""
    base = current_app.config["BASE_URL"] or DEFAULT_BASE_URL
    with current_app.test_request_context(base_url=base):
        return url_for("auth.account_link", token=token_of(link), _external=True)


def issue(actor: User | None, user: User, purpose: str) -> AccountLink:
    """A new link for the user (earlier unused ones of the same purpose stop working); it is
    mailed by the worker where SMTP is set. The caller's transaction is committed."""
    now = utcnow()
    db.session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    link = AccountLink(
        user_id=user.id,
        purpose=purpose,
        nonce=secrets.token_hex(16),
        created_by_id=actor.id if actor is not None else None,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        actor, f"user.{purpose}_link", "user", user.id, {"expires": link.expires_at.isoformat()}
    )
    if current_app.config.get("SMTP_HOST"):
        jobs.enqueue(JobKind.ACCOUNT_MAIL, link.id)
    db.session.commit()
    return link


def create_account(admin: User, data: accounts.UserData) -> tuple[User, AccountLink | None]:
    """A new account: with the password the admin typed, or, with none, by invitation."""
    if data.password:
        return accounts.save_user(data, admin), None
    return invite(admin, data)


def invite(admin: User, data: accounts.UserData) -> tuple[User, AccountLink]:
    """Create an account without a password and an invitation to set one."""
    authorize(admin, Action.MANAGE_ACCOUNTS)
    data.password = secrets.token_urlsafe(32)  # nobody knows it: the link sets the real one
    user = accounts.save_user(data, admin)
    return user, issue(admin, user, INVITE)


def reset_by_admin(admin: User, user: User) -> AccountLink:
    """An admin issues a reset link for an account (to copy, and mailed where SMTP is set)."""
    authorize(admin, Action.MANAGE_ACCOUNTS)
    return issue(admin, user, RESET)


def request_reset(email: str) -> None:
    """A forgotten password: mail a reset link to an active account with this address.

    Says nothing either way (the page answers the same whether the address exists), and mails
    at most once per five minutes."""
    try:
        address = validation.email(email)
    except ValidationError:
        return
    user = accounts.find_user(address)
    if user is None or not user.is_active or not current_app.config.get("SMTP_HOST"):
        return
    recent = db.session.scalar(
        select(AccountLink.id).where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == RESET,
            AccountLink.created_at > utcnow() - RESEND_AFTER,
        )
    )
    if recent is None:
        issue(None, user, RESET)


def find(token: str) -> AccountLink:
    """A usable link by its token, or NotFound (unknown, forged, used or expired alike)."""
    head, _, secret = (token or "").partition(".")
    link = db.session.get(AccountLink, int(head)) if head.isdigit() and len(head) < 12 else None
    if (
        link is None
        or not hmac.compare_digest(_secret(link), secret)
        or link.used_at is not None
        or link.expires_at <= utcnow()
        or not link.user.active
    ):
        raise NotFound(_l("This link has expired or has been used. Ask for a new one."))
    return link


def redeem(token: str, password: str, confirm: str) -> User:
    """Set the password through a link, once; every session of the account ends."""
    link = find(token)
    if password != confirm:
        raise ValidationError(_l("The two passwords are not the same."), field="confirm")
    validation.password(password)
    claimed = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if (
        getattr(claimed, "rowcount", 0) != 1
    ):  # the same link used twice at once: the second one loses
        db.session.rollback()
        raise NotFound(_l("This link has expired or has been used. Ask for a new one."))
    user = link.user
    accounts.set_password(user, password, user)  # with the claim, in one commit; every session ends
    return user


def email_links(link_ids: list[int]) -> jobs.Outcome:
    """The worker's job: mail each link once (a failure is retried later)."""
    outcome = jobs.Outcome()
    for link_id in link_ids:
        link = db.session.get(AccountLink, link_id, populate_existing=True)
        if link is None or link.emailed_at is not None or link.used_at is not None:
            outcome.done.add(link_id)
            continue
        error = _send(link)
        if error is None:
            link.emailed_at = utcnow()
            outcome.done.add(link_id)
        else:
            outcome.failed[link_id] = error
    return outcome


def _send(link: AccountLink) -> str | None:
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return None
    user = link.user
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if link.purpose == INVITE:
            subject = str(_l("You are invited to the Central Kitchen"))
            intro = str(_l("An account has been made for you. Set your password here:"))
        else:
            subject = str(_l("Set a new password for the Central Kitchen"))
            intro = str(_l("Someone asked to reset your password. Set a new one here:"))
        until = str(
            _l(
                "The link works once, until %(when)s (UTC).",
                when=link.expires_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
        ignore = str(_l("If you did not expect this, ignore this e-mail."))
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = f"[中央厨房] {subject}"
    message.set_content(f"{user.display_name}：\n\n{intro}\n{url_of(link)}\n\n{until}\n{ignore}\n")
    return notifications.deliver(message, f"account link {link.id}")
