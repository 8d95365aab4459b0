"""The curator's review form: corrections, campaigns, featured, and the decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from kitchen.forms.submit import CheckboxList, usage_choices


class ReviewForm(FlaskForm):
    """Everything a curator may change on an item, plus the decision and its comment."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    people = StringField(_l("People featured"), validators=[Optional(), Length(max=500)])
    keywords = StringField(_l("Keywords"), validators=[Optional(), Length(max=500)])
    credit_line = StringField(
        _l("Credit line (author / photographer)"), validators=[Length(max=200)]
    )
    usage_terms = SelectField(_l("Usage terms"), choices=[])
    campaigns = CheckboxList(_l("Campaigns"), choices=[], validate_choice=False)
    featured = BooleanField(_l("Featured (精选)"))
    credit_stamp = BooleanField(_l("Draw the credit line on the web-size pictures"))
    rights_until = DateField(_l("Rights valid until"), validators=[Optional()])
    consent_until = DateField(
        _l("Consent of the people shown valid until"), validators=[Optional()]
    )
    comment = TextAreaField(
        _l("Comment to the contributor"), validators=[Optional(), Length(max=5000)]
    )

    def fill_choices(self, campaign_choices: list[tuple[str, str]]) -> None:
        """Set the choices that depend on the language and the campaigns."""
        self.usage_terms.choices = usage_choices()
        self.campaigns.choices = campaign_choices
