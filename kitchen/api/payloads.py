"""Reading API input: JSON bodies and query parameters, checked for shape before the services.

Only the shape is checked here (types, known fields); every rule stays in the services.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from kitchen import fields
from kitchen.inputs import MAX_ID
from kitchen.models import Item
from kitchen.services import validation
from kitchen.services.curation import Corrections, current_corrections
from kitchen.services.errors import DomainError, ValidationError
from kitchen.services.submission import ItemData

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

SUBMITTED = fields.set_by(fields.Setter.SUBMIT)
CORRECTED = fields.set_by(fields.Setter.CORRECT)
ITEM_FIELDS = frozenset(f.json_name for f in SUBMITTED)
REVIEW_FIELDS = frozenset(f.json_name for f in CORRECTED) | {"decision", "comment"}


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


def ids(data: dict[str, Any], field: str) -> list[int]:
    """A list-of-ids field."""
    value = data[field]
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ValidationError(_l("Please give a list of ids."), field=field)
    return list(value)


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


def field_values(data: dict[str, Any], spec: tuple[fields.ItemField, ...]) -> dict[str, Any]:
    """The values of the spec's fields that the request sends, by field name, each checked for
    its JSON type (lists of text are joined as the field stores them)."""
    values: dict[str, Any] = {}
    for f in spec:
        name = f.json_name
        if name not in data:
            continue
        if f.type is fields.FieldType.LIST:
            values[f.name] = f.joiner.join(texts(data, name))
        elif f.type is fields.FieldType.CAMPAIGNS:
            values[f.name] = texts(data, name)
        elif f.type is fields.FieldType.PERSONS:
            values[f.name] = ids(data, name)
        elif f.type is fields.FieldType.DATE:
            values[f.name] = day(data, name)
        elif f.type is fields.FieldType.FLAG:
            values[f.name] = flag(data, name)
        else:
            values[f.name] = text(data, name)
    return values


def item_data(data: dict[str, Any], base: ItemData) -> ItemData:
    """The item fields of a request laid over `base`; fields not sent keep their value."""
    changed: ItemData = base.replace(**field_values(data, SUBMITTED))
    if "kind" in data:
        changed.kind = text(data, "kind")
    return changed


def corrections(data: dict[str, Any], item: Item) -> Corrections:
    """A curator's corrections laid over the item's present values."""
    changed: Corrections = current_corrections(item).replace(**field_values(data, CORRECTED))
    return changed


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
