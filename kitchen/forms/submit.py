"""The submission form: one form, with the fields each kind needs shown by the template."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from kitchen.models import Urgency, UsageTerms


class CheckboxList(SelectMultipleField):
    """Several choices shown as check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def usage_choices() -> list[tuple[str, str]]:
    """Usage terms with their labels."""
    from kitchen.labels import label

    return [(t.value, label(t)) for t in UsageTerms]


def urgency_choices() -> list[tuple[str, str]]:
    """Urgency levels with their labels."""
    from kitchen.labels import label

    return [(u.value, label(u)) for u in Urgency]


class ItemForm(FlaskForm):
    """Every field of an item; the service checks them again, with the rules."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=100_000)])
    people = StringField(
        _l("People featured"),
        validators=[Optional(), Length(max=500)],
        description=_l("Names and titles, e.g. 陈立新（中国科学院院士）."),
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    event_date = DateField(_l("Date of the event"), validators=[Optional()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=80)])
    contact_info = StringField(_l("Phone or e-mail"), validators=[Optional(), Length(max=200)])
    angle = TextAreaField(_l("Suggested angle"), validators=[Optional(), Length(max=2000)])
    urgency = SelectField(_l("Urgency"), choices=[], validators=[Optional()])
    link_url = StringField(_l("Link to an online page"), validators=[Optional(), Length(max=500)])
    credit_line = StringField(
        _l("Credit line (author / photographer)"), validators=[Length(max=200)]
    )
    usage_terms = SelectField(_l("Usage terms"), choices=[])
    consent_confirmed = BooleanField(
        _l("People who can be recognised, or are named, agreed to publication")
    )
    credit_stamp = BooleanField(_l("Draw the credit line on the web-size pictures"))
    rights_until = DateField(
        _l("Rights valid until"),
        validators=[Optional()],
        description=_l("Leave empty if the material may be used without a time limit."),
    )
    consent_until = DateField(
        _l("Consent of the people shown valid until"),
        validators=[Optional()],
        description=_l("After that day the item is withdrawn from the library."),
    )
    keywords = StringField(
        _l("Keywords"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separate with commas or 、"),
    )
    campaigns = CheckboxList(_l("Suggested campaigns"), choices=[], validate_choice=False)

    def fill_choices(self, campaign_choices: list[tuple[str, str]]) -> None:
        """Set the choices that depend on the language and on the open campaigns."""
        self.usage_terms.choices = usage_choices()
        self.urgency.choices = urgency_choices()
        self.campaigns.choices = campaign_choices


class BatchForm(FlaskForm):
    """What the photos of one event share; each photo becomes an item with these."""

    title = StringField(
        _l("Title of the event"),
        validators=[Length(max=180)],
        description=_l("Each photo's item is titled with it and its number: 全国科普日（1）…"),
    )
    place = ItemForm.place
    event_date = ItemForm.event_date
    people = ItemForm.people
    credit_line = ItemForm.credit_line
    usage_terms = ItemForm.usage_terms
    consent_confirmed = ItemForm.consent_confirmed
    keywords = ItemForm.keywords
    campaigns = ItemForm.campaigns

    def fill_choices(self, campaign_choices: list[tuple[str, str]]) -> None:
        """Set the choices that depend on the language and on the open campaigns."""
        self.usage_terms.choices = usage_choices()
        self.campaigns.choices = campaign_choices


class DefaultsForm(FlaskForm):
    """An organisation's metadata template."""

    credit_line = StringField(
        _l("Default credit line"),
        validators=[Length(max=200)],
        description=_l("For example 四川省科协 供图; empty: the organisation's name."),
    )
    usage_terms = SelectField(_l("Default usage terms"), choices=[])


class RevisionForm(FlaskForm):
    """The words of an approved item, to propose new ones (a curator accepts them)."""

    title = ItemForm.title
    summary = ItemForm.summary
    body = ItemForm.body
    people = ItemForm.people
    place = ItemForm.place
    event_date = ItemForm.event_date
    credit_line = ItemForm.credit_line
    keywords = ItemForm.keywords
    angle = ItemForm.angle
    link_url = ItemForm.link_url
    note = TextAreaField(_l("Why (for the curator)"), validators=[Optional(), Length(max=2000)])
