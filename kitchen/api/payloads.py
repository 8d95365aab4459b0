"""Reading API input: JSON bodies and query parameters, checked for shape before the services.

Only the shape is checked here (types, known fields); every rule stays in the services.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from kitchen.inputs import MAX_ID
from kitchen.models import Item
from kitchen.services import validation
from kitchen.services.curation import Corrections, current_corrections
from kitchen.services.errors import DomainError, ValidationError
from kitchen.services.submission import ItemData

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# JSON field -> ItemData attribute, for the text fields of an item.
ITEM_TEXTS = {
    "title": "title",
    "summary": "summary",
    "body": "body",
    "place": "place",
    "credit": "credit_line",
    "usage_terms": "usage_terms",
    "contact_name": "contact_name",
    "contact_info": "contact_info",
    "angle": "angle",
    "urgency": "urgency",
    "link_url": "link_url",
}
ITEM_FIELDS = frozenset(
    {*ITEM_TEXTS, "people", "keywords", "campaigns", "event_date", "consent"}
    | {"rights_until", "consent_until", "credit_stamp"}
)
REVIEW_TEXTS = {"title": "title", "summary": "summary", "credit": "credit_line"}
REVIEW_TEXTS |= {"usage_terms": "usage_terms"}
REVIEW_FIELDS = frozenset(
    {*REVIEW_TEXTS, "people", "keywords", "campaigns", "featured", "decision", "comment"}
    | {"rights_until", "consent_until", "credit_stamp"}
)


def json_object(allowed: frozenset[str]) -> dict[str, Any]:
    """The request's JSON object, with no fields beyond the allowed ones."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError(_l("Please send a JSON object with the Content-Type application/json."))
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(_l("Unknown field: %(name)s", name=unknown[0]), field=unknown[0])
    return data


def text(data: dict[str, Any], field: str) -> str:
    """A string field."""
    value = data[field]
    if not isinstance(value, str):
        raise ValidationError(_l("Please give text."), field=field)
    return validation.clean(value)


def texts(data: dict[str, Any], field: str) -> list[str]:
    """A list-of-strings field."""
    value = data[field]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_l("Please give a list of texts."), field=field)
    return [validation.clean(v).strip() for v in value if v.strip()]


def flag(data: dict[str, Any], field: str) -> bool:
    """A boolean field."""
    value = data[field]
    if not isinstance(value, bool):
        raise ValidationError(_l("Please give true or false."), field=field)
    return value


def day(data: dict[str, Any], field: str) -> date | None:
    """An ISO date (YYYY-MM-DD), or null."""
    value = data[field]
    if value is None:
        return None
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(_l("Please give a date as YYYY-MM-DD."), field=field)


def item_data(data: dict[str, Any], base: ItemData) -> ItemData:
    """The item fields of a request laid over `base`; fields not sent keep their value."""
    changes: dict[str, Any] = {ITEM_TEXTS[k]: text(data, k) for k in ITEM_TEXTS if k in data}
    if "kind" in data:
        changes["kind"] = text(data, "kind")
    if "people" in data:
        changes["people"] = "、".join(texts(data, "people"))
    if "keywords" in data:
        changes["keywords"] = ", ".join(texts(data, "keywords"))
    if "campaigns" in data:
        changes["campaigns"] = texts(data, "campaigns")
    for name in ("event_date", "rights_until", "consent_until"):
        if name in data:
            changes[name] = day(data, name)
    if "credit_stamp" in data:
        changes["credit_stamp"] = flag(data, "credit_stamp")
    if "consent" in data:
        changes["consent_confirmed"] = flag(data, "consent")
    return replace(base, **changes)


def corrections(data: dict[str, Any], item: Item) -> Corrections:
    """A curator's corrections laid over the item's present values."""
    values = current_corrections(item)
    changes: dict[str, Any] = {REVIEW_TEXTS[k]: text(data, k) for k in REVIEW_TEXTS if k in data}
    for name in ("rights_until", "consent_until"):
        if name in data:
            changes[name] = day(data, name)
    if "credit_stamp" in data:
        changes["credit_stamp"] = flag(data, "credit_stamp")
    if "people" in data:
        changes["people"] = "、".join(texts(data, "people"))
    if "keywords" in data:
        changes["keywords"] = ", ".join(texts(data, "keywords"))
    if "campaigns" in data:
        changes["campaigns"] = texts(data, "campaigns")
    if "featured" in data:
        changes["featured"] = flag(data, "featured")
    return replace(values, **changes)


def query_text(name: str) -> str | None:
    """A query parameter's text, or None when absent or empty."""
    value = request.args.get(name, "").strip()
    return value[:500] if value else None


def query_int(name: str, default: int | None = None, *, maximum: int = MAX_ID) -> int | None:
    """A positive whole-number query parameter, at most `maximum`."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= maximum):
        raise ValidationError(
            _l("Please give a whole number from 1 to %(n)d.", n=maximum), field=name
        )
    return int(raw)
