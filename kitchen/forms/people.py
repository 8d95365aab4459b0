"""Forms of the people directory: a person's record, a merge, an introduction request and its
answer. The services check every value again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from kitchen.enums import Discipline
from kitchen.forms.submit import CheckboxList


def discipline_choices() -> list[tuple[str, str]]:
    """学科领域 with their labels in the UI language."""
    from kitchen.labels import label

    return [(d.value, label(d)) for d in Discipline]


class PersonForm(FlaskForm):
    """A person's record, as the centre keeps it."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    other_names = StringField(
        _l("Other names"),
        validators=[Length(max=300)],
        description=_l("Former names, an English name (Qian Xuesen); separate with 、"),
    )
    title = StringField(_l("Title"), validators=[Length(max=200)])
    affiliation = StringField(_l("Affiliation"), validators=[Length(max=200)])
    disciplines = CheckboxList(_l("Fields"), choices=[], validate_choice=False)
    keywords = StringField(_l("Keywords"), validators=[Length(max=300)])
    honours = StringField(
        _l("Honours"),
        validators=[Length(max=300)],
        description=_l("For example 中国科学院院士、最美科技工作者"),
    )
    region = StringField(_l("Region"), validators=[Length(max=40)])
    bio = TextAreaField(_l("Short biography"), validators=[Length(max=5000)])
    portrait_file_id = IntegerField(
        _l("Portrait (file number of an approved photo)"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("The number in the photo's address: /files/<number>/web"),
    )
    consent_featured = BooleanField(_l("Agreed to be featured"))
    consent_until = DateField(_l("Consent valid until"), validators=[Optional()])
    contact = StringField(
        _l("Contact details (the centre only)"),
        validators=[Length(max=300)],
        description=_l("Never shown to media accounts: they ask the centre for an introduction."),
    )
    is_expert = BooleanField(_l("Expert for science reporting (科技报道专家库)"))
    media_contact_ok = BooleanField(_l("Agreed to be contacted by the media"))
    confirm_new = BooleanField(_l("This is another person with the same name"))
    adopt = HiddenField()  # a free-text name this record is made for (the unlinked list)


class MergeForm(FlaskForm):
    """The record to merge into the one shown."""

    other = IntegerField(
        _l("Number of the record to merge into this one"),
        validators=[DataRequired(), NumberRange(min=1)],
    )


class LinkNameForm(FlaskForm):
    """Link a free-text name to a record."""

    entry = HiddenField(validators=[DataRequired()])
    person = IntegerField(validators=[DataRequired(), NumberRange(min=1)])


class AskExpertForm(FlaskForm):
    """A journalist's request for an introduction."""

    topic = TextAreaField(
        _l("Topic of the interview"), validators=[DataRequired(), Length(max=2000)]
    )
    outlet = StringField(_l("Outlet"), validators=[DataRequired(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])


class AnswerForm(FlaskForm):
    """A curator's answer: the contact forwarded in a message, or a decline."""

    message = TextAreaField(
        _l("Message to the journalist"),
        validators=[Length(max=2000)],
        description=_l("When forwarding: how to reach the expert, as the expert agreed."),
    )
