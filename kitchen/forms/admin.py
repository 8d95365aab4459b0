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

from kitchen.models import OrgKind, Role


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
    is_open = BooleanField(_l("Open for submissions"), default=True)
    submit = SubmitField(_l("Save"))
