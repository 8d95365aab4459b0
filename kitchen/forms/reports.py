"""Forms of the reports: a recorded use, a handoff to an outlet, and the index weights."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from kitchen.labels import label
from kitchen.models import Channel
from kitchen.services.reports import MAX_WEIGHT, PARTS


class UseForm(FlaskForm):
    """已刊发: where and when an item was published."""

    outlet = StringField(_l("Outlet"), validators=[Optional(), Length(max=120)])
    url = StringField(_l("Link"), validators=[Optional(), Length(max=500)])
    published_on = DateField(_l("Published on"), validators=[InputRequired()], default=date.today)
    channel = SelectField(_l("Channel"), choices=[])

    def fill_choices(self) -> None:
        """Channel names in the interface language."""
        self.channel.choices = [(c.value, label(c)) for c in Channel]


class HandoffForm(FlaskForm):
    """Hand an item to a partner outlet."""

    organization_id = SelectField(_l("Partner outlet"), choices=[], coerce=int)
    note = TextAreaField(_l("Note to the outlet"), validators=[Optional(), Length(max=2000)])


def weights_form(values: dict[str, float]) -> FlaskForm:
    """One number field per part of the index, filled with the weights in force."""

    class WeightsForm(FlaskForm):
        pass

    number_message = _l("Give a number from 0 to %(n)d.", n=int(MAX_WEIGHT))
    for part in PARTS:
        setattr(
            WeightsForm,
            part.key,
            DecimalField(
                part.label,
                places=2,
                validators=[
                    InputRequired(message=number_message),
                    NumberRange(min=0, max=MAX_WEIGHT, message=number_message),
                ],
                default=values[part.key],
            ),
        )
    return WeightsForm()
