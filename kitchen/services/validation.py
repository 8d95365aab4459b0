"""Small checks shared by the services; each raises ValidationError naming the field."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from kitchen.services.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


# C0 and C1 control characters but tab, line feed and carriage return; lone surrogates and the
# two non-characters XML refuses. Nobody types them: they come pasted (Word writes \x0b for a
# line break) or forged, PostgreSQL cannot store NUL, and any of them breaks an Atom feed.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# In an address (path, query string, redirect target) not even tab or line breaks belong.
NOT_IN_ADDRESS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Ids are 32-bit integers on PostgreSQL; nothing beyond can exist (and asking for one fails).
MAX_ID = 2**31 - 1
PAGE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def clean(value: str) -> str:
    """Pasted text without control characters: vertical tab and form feed become line breaks."""
    if NOT_TEXT.search(value) is None:
        return value
    return NOT_TEXT.sub("", value.translate(PAGE_BREAKS))


def text(value: str | None, field: str, *, max_len: int, required: bool = False) -> str:
    """Clean and strip a text value and check its length."""
    cleaned = clean(value or "").strip()
    if required and not cleaned:
        raise ValidationError(_l("This field is required."), field=field)
    if len(cleaned) > max_len:
        raise ValidationError(_l("At most %(n)d characters are allowed.", n=max_len), field=field)
    return cleaned


WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def web_address(value: str | None, field: str, *, max_len: int = 500) -> str:
    """An http:// or https:// address, or empty."""
    cleaned = text(value, field, max_len=max_len)
    if cleaned and not WEB_ADDRESS.match(cleaned):
        raise ValidationError(
            _l("Please give a web address starting with http:// or https://."), field=field
        )
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
