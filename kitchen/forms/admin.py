"""Forms for organisations, users and campaigns."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from kitchen.forms.submit import CheckboxList
from kitchen.models import MEMBER_KINDS, OrgKind, Role


def org_kind_choices() -> list[tuple[str, str]]:
    """Organisation kinds with their labels in the UI language."""
    labels = {
        OrgKind.NATIONAL_SOCIETY: _l("National society"),
        OrgKind.PROVINCIAL: _l("Provincial association"),
        OrgKind.CITY: _l("City association"),
        OrgKind.CENTRE: _l("The centre"),
        OrgKind.MEDIA: _l("Media"),
    }
    return [(kind.value, str(labels[kind])) for kind in OrgKind]


def member_kind_choices() -> list[tuple[str, str]]:
    """The member organisation kinds a call can be for, with their labels."""
    return [(value, text) for value, text in org_kind_choices() if value in _MEMBER_VALUES]


_MEMBER_VALUES = frozenset(kind.value for kind in MEMBER_KINDS)


def role_choices() -> list[tuple[str, str]]:
    """Roles with their labels in the UI language."""
    labels = {
        Role.CONTRIBUTOR: _l("Contributor"),
        Role.CURATOR: _l("Curator"),
        Role.JOURNALIST: _l("Journalist"),
        Role.ADMIN: _l("Administrator"),
    }
    return [(role.value, str(labels[role])) for role in Role]


class OrgForm(FlaskForm):
    """Create or edit an organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=80)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class UserForm(FlaskForm):
    """Create or edit a user; the password is required only when creating."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=[])
    organization_id = SelectField(_l("Organisation"), choices=[], coerce=int)
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=8, max=128)],
        description=_l("At least 8 characters. Leave empty to keep the current password."),
    )
    submit = SubmitField(_l("Save"))


class CampaignForm(FlaskForm):
    """Create or edit a campaign."""

    slug = StringField(
        _l("Short name (for links)"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lower-case letters, digits and hyphens, e.g. science-day-2026."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Brief"), validators=[Optional(), Length(max=5000)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    is_open = BooleanField(
        _l("Open for submissions"),
        default=True,
        description=_l(
            "With a start date, the call opens by itself on that day and closes after its end "
            "date; the organisations it is for are told, and reminded before the deadline."
        ),
    )
    call_kinds = CheckboxList(
        _l("For these kinds of organisation"),
        choices=[],
        validators=[Optional()],
        description=_l("None ticked: every member organisation."),
    )
    call_regions = StringField(
        _l("For these regions"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separate with commas or 、; empty: every region."),
    )
    submit = SubmitField(_l("Save"))
