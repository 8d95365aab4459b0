"""Item field values by the spec (kitchen.fields): one check per field type, one way to
read an item's present values, one value holder for the services' input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from kitchen.fields import RELATIONS, FieldType, ItemField, split_list
from kitchen.models import Item, ItemKind
from kitchen.services import validation
from kitchen.services.errors import ValidationError


class FieldValues:
    """Values of some item fields by name (every field of `spec`, unfilled ones empty).

    Read them as attributes (`data.title`); `replace` makes a changed copy.
    """

    spec: tuple[ItemField, ...] = ()

    def __init__(self, **values: Any) -> None:
        names = {f.name for f in self.spec}
        unknown = sorted(set(values) - names)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {unknown[0]}")
        self.values: dict[str, Any] = {f.name: values.get(f.name, f.empty()) for f in self.spec}

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "values" and name in self.__dict__.get("values", {}):
            self.values[name] = value
        else:
            super().__setattr__(name, value)

    def replace(self, **changes: Any) -> Any:
        """A copy with some values changed."""
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.values = dict(self.values)
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


def clean(field: ItemField, value: Any, kind: ItemKind) -> Any:
    """A field's value checked and normalised for an item of this kind (ValidationError naming
    the field otherwise)."""
    required = field.required(kind)
    kind_of = field.type
    if kind_of in (FieldType.TEXT, FieldType.LONG_TEXT):
        return validation.text(
            value, field.name, max_len=field.max_length or 100_000, required=required
        )
    if kind_of is FieldType.URL:
        return validation.web_address(value, field.name, max_len=field.max_length or 500)
    if kind_of is FieldType.LIST:
        entries = list(dict.fromkeys(split_list(validation.clean(value or ""))))
        joined = field.joiner.join(entries)
        return validation.text(
            joined, field.name, max_len=field.max_length or 100_000, required=required
        )
    if kind_of is FieldType.DATE:
        if value is None or isinstance(value, date):
            return value
        raise ValidationError(_l("Please give a date as YYYY-MM-DD."), field=field.name)
    if kind_of is FieldType.FLAG:
        return bool(value)
    if kind_of is FieldType.CHOICE:
        assert field.choices is not None
        if not value and not required and field.default is not None:
            value = field.default
        return validation.choice(value, field.choices, field.name)
    return list(value or [])  # campaign slugs: the services look them up (find_campaigns)


def clean_all(spec: Iterable[ItemField], values: dict[str, Any], kind: ItemKind) -> dict[str, Any]:
    """Every field's value checked, in spec order (the first wrong one raises)."""
    return {f.name: clean(f, values.get(f.name), kind) for f in spec}


def present(item: Item, field: ItemField) -> Any:
    """The item's value of a field as the services take it as input (enums as their values,
    campaigns as slugs)."""
    value = getattr(item, field.name)
    if field.type is FieldType.CAMPAIGNS:
        return [c.slug for c in value]
    if field.type is FieldType.PERSONS:
        return [p.id for p in value]
    if field.type is FieldType.CHOICE:
        return value.value if value is not None else field.empty()
    return value


def present_all(item: Item, spec: Iterable[ItemField]) -> dict[str, Any]:
    """The item's present values of these fields."""
    return {f.name: present(item, f) for f in spec}


def columns(spec: Iterable[ItemField]) -> tuple[ItemField, ...]:
    """The fields that are the item's own columns (campaigns and people are links)."""
    return tuple(f for f in spec if f.type not in RELATIONS)


def from_record(record: dict[str, Any], spec: Iterable[ItemField]) -> dict[str, Any]:
    """The values of a JSON record (an import line, a demo item) named as the API names them,
    read leniently: a list field may be a list or one string, a day ISO text, text anything."""
    values: dict[str, Any] = {}
    for f in spec:
        raw = record.get(f.json_name)
        if raw is None or raw == "":
            continue
        if f.type is FieldType.LIST:
            values[f.name] = f.joiner.join(map(str, raw)) if isinstance(raw, list) else str(raw)
        elif f.type is FieldType.CAMPAIGNS:
            values[f.name] = [str(slug) for slug in raw] if isinstance(raw, list) else [str(raw)]
        elif f.type is FieldType.PERSONS:
            values[f.name] = list(raw) if isinstance(raw, list) else [raw]
        elif f.type is FieldType.DATE:
            values[f.name] = date.fromisoformat(str(raw)) if raw else None
        elif f.type is FieldType.FLAG:
            values[f.name] = bool(raw)
        else:
            values[f.name] = str(raw)
    return values
