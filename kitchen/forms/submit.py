"""The submission form: one form, with the fields each kind needs shown by the template.

Every item field is built from the field spec (kitchen.fields): its type, label, help
line, maximum length and choices; the services check the values again, with the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from kitchen import fields
from kitchen.fields import FieldType, ItemField, Setter


class CheckboxList(SelectMultipleField):
    """Several choices shown as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonPicker(Field):
    """Records of the people directory, chosen by type-ahead: the page posts their ids."""

    def __init__(self, label: Any = None, most: int = 50, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.data: list[int] = []
        self.most = most

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = list(dict.fromkeys(int(v) for v in valuelist if v.strip()))
        except ValueError:
            self.data = []
            raise ValueError(str(_l("Choose people from the directory."))) from None
        if len(self.data) > self.most:
            self.data = []
            raise ValueError(str(_l("At most %(n)d people can be linked.", n=self.most)))

    def process_data(self, value: Any) -> None:
        """Records (an item's `persons`) or their ids."""
        self.data = [getattr(v, "id", v) for v in value or []]


def choices_of(field: ItemField) -> list[tuple[str, str]]:
    """A choice field's values with their labels."""
    from kitchen.labels import label

    assert field.choices is not None
    return [(value.value, label(value)) for value in field.choices]


def usage_choices() -> list[tuple[str, str]]:
    """Usage terms with their labels."""
    return choices_of(fields.BY_NAME["usage_terms"])


def form_field(field: ItemField, label: Any = None) -> UnboundField:
    """The form field of a spec field (labels and help lines translated when shown)."""
    text = label or _l(field.label)
    description = _l(field.description) if field.description else ""
    length = [Length(max=field.max_length)] if field.max_length else []
    kind = field.type
    if kind in (FieldType.TEXT, FieldType.LIST, FieldType.URL):
        return StringField(text, validators=[Optional(), *length], description=description)
    if kind is FieldType.LONG_TEXT:
        return TextAreaField(text, validators=[Optional(), *length], description=description)
    if kind is FieldType.DATE:
        return DateField(text, validators=[Optional()], description=description)
    if kind is FieldType.FLAG:
        return BooleanField(text, description=description)
    if kind is FieldType.CHOICE:
        optional = [] if field.required_for else [Optional()]
        return SelectField(text, choices=[], validators=optional, description=description)
    if kind is FieldType.PERSONS:
        return PersonPicker(text, most=field.max_length or 50, description=description)
    return CheckboxList(text, choices=[], validate_choice=False, description=description)


def add_fields(
    form: type[FlaskForm],
    spec: Iterable[ItemField],
    labels: Mapping[str, Any] | None = None,
    skip: Iterable[str] = (),
) -> type[FlaskForm]:
    """Give a form class a field for each spec field (but those skipped); return the class."""
    left_out = set(skip)
    for field in spec:
        if field.name not in left_out:
            setattr(form, field.name, form_field(field, (labels or {}).get(field.name)))
    return form


def values(form: FlaskForm, spec: Iterable[ItemField]) -> dict[str, Any]:
    """The form's values of the spec's fields as the services take them (empty, not None)."""
    found: dict[str, Any] = {}
    for field in spec:
        bound: Field | None = form._fields.get(field.name)
        if bound is None:
            continue
        data = bound.data
        found[field.name] = field.empty() if data is None or data == "" else data
    return found


class SpecForm(FlaskForm):
    """A form of spec fields: the choices that depend on the language and the campaigns."""

    def fill_choices(self, campaign_choices: list[tuple[str, str]]) -> None:
        """Set each choice field's options (campaign boxes from `campaign_choices`)."""
        for name, bound in self._fields.items():
            field = fields.BY_NAME.get(name)
            if field is None:
                continue
            if field.type is FieldType.CHOICE:
                bound.choices = choices_of(field)
            elif field.type is FieldType.CAMPAIGNS:
                bound.choices = campaign_choices


class ItemForm(SpecForm):
    """Every field a contributor sets; the service checks them again, with the rules."""


add_fields(ItemForm, fields.set_by(Setter.SUBMIT))


class BatchForm(SpecForm):
    """What the photos of one event share; each photo becomes an item with these."""

    title = StringField(
        _l("Title of the event"),
        validators=[Length(max=180)],
        description=_l("Each photo's item is titled with it and its number: 全国科普日（1）…"),
    )


add_fields(BatchForm, fields.set_by(Setter.BATCH), skip={"title"})


class DefaultsForm(FlaskForm):
    """An organisation's metadata template."""

    credit_line = StringField(
        _l("Default credit line"),
        validators=[Length(max=200)],
        description=_l("For example 四川省科协 供图; empty: the organisation's name."),
    )
    usage_terms = SelectField(_l("Default usage terms"), choices=[])


class RevisionForm(SpecForm):
    """The words of an approved item, to propose new ones (a curator accepts them)."""

    note = TextAreaField(_l("Why (for the curator)"), validators=[Optional(), Length(max=2000)])


add_fields(RevisionForm, fields.set_by(Setter.REVISE))


WRITTEN = {"dir": "auto"}  # Arabic reads right to left


class VersionForm(FlaskForm):  # type: ignore[misc]
    """The item in another language (kitchen.services.versions checks it again)."""

    language = SelectField(_l("Language"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[Length(max=200)], render_kw=WRITTEN)
    summary = TextAreaField(
        _l("Summary"), validators=[Optional(), Length(max=2000)], render_kw=WRITTEN
    )
    body = TextAreaField(
        _l("Text"), validators=[Optional(), Length(max=100_000)], render_kw=WRITTEN
    )
    caption = TextAreaField(
        _l("Caption of the pictures"),
        validators=[Optional(), Length(max=2000)],
        render_kw=WRITTEN,
    )
    note = TextAreaField(_l("Note for the curator"), validators=[Optional(), Length(max=2000)])
