"""Organisations and users: creating, editing, disabling, and signing in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from kitchen.extensions import db
from kitchen.models import LoginAttempt, Organization, OrgKind, Role, User, utcnow
from kitchen.services import audit, validation
from kitchen.services.errors import Conflict, NotFound, RateLimited, ValidationError

NEEDS_ORGANIZATION = frozenset({Role.CONTRIBUTOR, Role.JOURNALIST})
# A hash to compare against when the account does not exist, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


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
    """Create a user (a password is required), or update one."""
    email, name, role, org_id = _checked_user_fields(data, user)
    created = user is None
    if created or data.password:
        password = validation.password(data.password)
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


def set_password(user: User, new_password: str, actor: User | None) -> None:
    """Set a user's password (an admin reset, or the CLI)."""
    user.password_hash = _hash(validation.password(new_password))
    audit.record(actor, "user.set_password", "user", user.id)
    db.session.commit()


def change_own_password(user: User, current: str, new_password: str) -> None:
    """A user changes their own password, proving they know the current one."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_l("The current password is not correct."), field="current")
    set_password(user, new_password, user)


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
    db.session.commit()


def _recent_failures(column: object, value: str) -> int:
    """Failed sign-ins for this account or address inside the window."""
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    query = select(func.count(LoginAttempt.id)).where(column == value)  # type: ignore[operator]
    return db.session.scalar(query.where(LoginAttempt.created_at >= since)) or 0


def _check_rate(email: str, address: str) -> None:
    """Refuse further attempts once an account or an address has failed too often."""
    cfg = current_app.config
    if (
        _recent_failures(LoginAttempt.email, email) >= cfg["LOGIN_MAX_FAILURES"]
        or _recent_failures(LoginAttempt.address, address) >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        minutes = max(1, cfg["LOGIN_WINDOW_SECONDS"] // 60)
        raise RateLimited(
            _l("Too many failed sign-ins. Please wait %(n)d minutes and try again.", n=minutes)
        )


def authenticate(email: str, password: str, address: str) -> User:
    """Check the credentials, with rate limiting per account and per address."""
    email = (email or "").strip().lower()[:254]
    address = (address or "unknown")[:64]
    _check_rate(email, address)
    user = find_user(email) if email else None
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not valid:
        db.session.add(LoginAttempt(email=email, address=address))
        db.session.commit()
        raise ValidationError(_l("Wrong e-mail address or password."))
    if not user.is_active:
        raise ValidationError(_l("This account is disabled. Please contact an administrator."))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = utcnow()
    audit.record(user, "user.login", "user", user.id, {"address": address})
    db.session.commit()
    return user
