"""Small checks shared by the services; each raises ValidationError naming the field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from kitchen.services.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


def text(value: str | None, field: str, *, max_len: int, required: bool = False) -> str:
    """Strip a text value and check its length."""
    cleaned = (value or "").strip()
    if "\x00" in cleaned:  # PostgreSQL cannot store it; nobody types it
        raise ValidationError(_l("The text contains characters that are not allowed."), field=field)
    if required and not cleaned:
        raise ValidationError(_l("This field is required."), field=field)
    if len(cleaned) > max_len:
        raise ValidationError(_l("At most %(n)d characters are allowed.", n=max_len), field=field)
    return cleaned


def email(value: str | None, field: str = "email") -> str:
    """A syntactically valid e-mail address, lower-cased (no DNS look-up)."""
    raw = text(value, field, max_len=254, required=True)
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(_l("This is not a valid e-mail address."), field=field) from exc


def password(value: str | None, field: str = "password") -> str:
    """A password of 8 to 128 characters."""
    raw = value or ""
    if len(raw) < 8:
        raise ValidationError(_l("The password needs at least 8 characters."), field=field)
    if len(raw) > 128:
        raise ValidationError(_l("At most %(n)d characters are allowed.", n=128), field=field)
    return raw


def choice(value: str | None, options: type[E], field: str) -> E:
    """One of an enum's values."""
    try:
        return options(value or "")
    except ValueError as exc:
        raise ValidationError(_l("Please choose one of the listed values."), field=field) from exc


def date_range(start: date | None, end: date | None, field: str = "ends_on") -> None:
    """The end of a period is not before its start."""
    if start and end and end < start:
        raise ValidationError(_l("The end date is before the start date."), field=field)
