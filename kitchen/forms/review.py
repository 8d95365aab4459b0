"""The curator's review form: corrections, campaigns, featured, and the decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from kitchen import fields
from kitchen.forms.submit import SpecForm, add_fields


class ReviewForm(SpecForm):
    """Everything a curator may change on an item (the spec's CORRECT fields), plus the
    decision's comment."""

    comment = TextAreaField(
        _l("Comment to the contributor"), validators=[Optional(), Length(max=5000)]
    )


add_fields(ReviewForm, fields.set_by(fields.Setter.CORRECT), labels={"campaigns": _l("Campaigns")})
