"""Organisations and users: creating, editing, disabling, and signing in."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from kitchen.extensions import db
from kitchen.models import Organization, OrgKind, Role, User, utcnow
from kitchen.services import audit, sessions, throttle, validation
from kitchen.services.errors import Conflict, NotFound, RateLimited, ValidationError

NEEDS_ORGANIZATION = frozenset({Role.CONTRIBUTOR, Role.JOURNALIST})


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash to compare against when the account does not exist, so timing does not tell
    (made on the first sign-in, with the configured method, not at import)."""
    return generate_password_hash("not-a-real-password", method=method)


@dataclass
class OrgData:
    """The editable fields of an organisation."""

    name: str
    kind: str
    region: str = ""
    active: bool = True


@dataclass
class UserData:
    """The editable fields of a user; password only when creating or resetting."""

    email: str
    display_name: str
    role: str
    organization_id: int | None = None
    active: bool = True
    password: str | None = None


def _hash(password: str) -> str:
    """Hash a password with the configured method (scrypt unless configured otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def get_org(org_id: int) -> Organization:
    """An organisation by id, or NotFound."""
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound()
    return org


def find_org(name: str) -> Organization | None:
    """An organisation by exact name."""
    return db.session.scalars(select(Organization).where(Organization.name == name)).first()


def list_orgs(active_only: bool = False) -> list[Organization]:
    """Organisations by name."""
    query = select(Organization).order_by(Organization.name)
    if active_only:
        query = query.where(Organization.active.is_(True))
    return list(db.session.scalars(query))


def save_org(data: OrgData, actor: User | None, org: Organization | None = None) -> Organization:
    """Create an organisation, or update one; names are unique."""
    name = validation.text(data.name, "name", max_len=120, required=True)
    kind = validation.choice(data.kind, OrgKind, "kind")
    region = validation.text(data.region, "region", max_len=80)
    clash = find_org(name)
    if clash is not None and clash is not org:
        raise Conflict(_l("An organisation with this name already exists."), field="name")
    created = org is None
    if org is not None and not data.active:
        for member in db.session.scalars(select(User).where(User.organization_id == org.id)):
            sessions.end_all(member)
    org = org or Organization(name=name, kind=kind)
    org.name, org.kind, org.region, org.active = name, kind, region, data.active
    db.session.add(org)
    db.session.flush()
    audit.record(
        actor,
        "org.create" if created else "org.update",
        "organization",
        org.id,
        {"name": name, "kind": kind.value, "active": data.active},
    )
    db.session.commit()
    return org


def get_user(user_id: int) -> User:
    """A user by id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def find_user(email: str) -> User | None:
    """A user by e-mail address, case-insensitively."""
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()


def list_users() -> list[User]:
    """Users by organisation and name."""
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def _checked_user_fields(data: UserData, user: User | None) -> tuple[str, str, Role, int | None]:
    """Validate the user fields that do not depend on the password."""
    email = validation.email(data.email)
    name = validation.text(data.display_name, "display_name", max_len=80, required=True)
    role = validation.choice(data.role, Role, "role")
    org_id = data.organization_id or None
    if role in NEEDS_ORGANIZATION and org_id is None:
        raise ValidationError(_l("This role needs an organisation."), field="organization_id")
    if org_id is not None:
        get_org(org_id)
    clash = find_user(email)
    if clash is not None and clash is not user:
        raise Conflict(_l("An account with this e-mail address already exists."), field="email")
    return email, name, role, org_id


def save_user(data: UserData, actor: User | None, user: User | None = None) -> User:
    """Create a user (a password is required), or update one.

    A new password, another role or organisation, or disabling the account ends the user's
    sessions.
    """
    email, name, role, org_id = _checked_user_fields(data, user)
    created = user is None
    if created or data.password:
        password = validation.password(data.password)
    if user is not None and (
        data.password or role != user.role or org_id != user.organization_id or not data.active
    ):
        sessions.end_all(user)
    user = user or User(email=email, display_name=name, role=role, password_hash="")
    if created or data.password:
        user.password_hash = _hash(password)
    user.email, user.display_name, user.role = email, name, role
    user.organization_id, user.active = org_id, data.active
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create" if created else "user.update",
        "user",
        user.id,
        {
            "email": email,
            "role": role.value,
            "organization_id": org_id,
            "active": data.active,
            "password_set": bool(data.password),
        },
    )
    db.session.commit()
    return user


def set_password(
    user: User, new_password: str, actor: User | None, keep_session: str | None = None
) -> None:
    """Set a user's password (an admin reset, or the CLI); every other session ends."""
    user.password_hash = _hash(validation.password(new_password))
    sessions.end_all(user, keep=keep_session)
    audit.record(actor, "user.set_password", "user", user.id)
    db.session.commit()


def change_own_password(
    user: User, current: str, new_password: str, keep_session: str | None = None
) -> None:
    """A user changes their own password, proving the current one; their other sessions end."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_l("The current password is not correct."), field="current")
    set_password(user, new_password, user, keep_session)


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
    db.session.commit()


def wait_message(seconds: int) -> object:
    """ "Please wait", in seconds or minutes as suits the wait."""
    if seconds < 120:
        return _l("Too many failed sign-ins. Please wait %(n)d seconds and try again.", n=seconds)
    return _l(
        "Too many failed sign-ins. Please wait %(n)d minutes and try again.", n=(seconds + 59) // 60
    )


def authenticate(email: str, password: str, address: str, device: str | None = None) -> User:
    """Check the credentials; failures slow down this client (see `services.throttle`).

    The client is `device`, the browser's device cookie for this account when it holds one,
    else the address.
    """
    email = (email or "").strip().lower()[:254]
    client = throttle.client_key(device or address)
    cfg = current_app.config
    wait = throttle.longest_wait(
        throttle.Scope(client, cfg["LOGIN_MAX_FAILURES"], email=email),
        throttle.Scope(client, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )
    if wait:
        raise RateLimited(wait_message(wait), retry_after=wait)
    user = find_user(email) if email else None
    valid = check_password_hash(
        user.password_hash if user else _dummy_hash(cfg["PASSWORD_HASH_METHOD"]), password or ""
    )
    if user is None or not valid:
        throttle.record_failure(email, client)
        raise ValidationError(_l("Wrong e-mail address or password."))
    if not user.is_active:
        raise ValidationError(_l("This account is disabled. Please contact an administrator."))
    throttle.forget(email, client)
    user.last_login_at = utcnow()
    audit.record(user, "user.login", "user", user.id, {"address": address[:64]})
    db.session.commit()
    return user
