"""Batch upload for officers: the metadata of one event typed once, then one photo item per
dropped photo.

The metadata is checked when the batch starts and travels with each upload as a signed token
(no table, nothing to clean up): each photo becomes its item in one transaction with its file,
so a refused file, a failure or a kill -9 leaves no item without its photo.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kitchen import fields
from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, User
from kitchen.services import curation, submission, uploads
from kitchen.services.access import Action, authorize
from kitchen.services.errors import ValidationError

SALT = "kitchen-batch-upload"
MAX_AGE = 24 * 3600  # a batch token serves for a day
MAX_TITLE = 200
# The fields a batch shares (each item's title is made from the batch's and the photo's number).
SHARED = fields.set_by(fields.Setter.BATCH)


def shared_data(values: dict[str, Any]) -> submission.ItemData:
    """The shared fields as a photo item's input."""
    return submission.ItemData(ItemKind.PHOTO.value, **values)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def start(user: User, data: submission.ItemData) -> str:
    """Check the shared metadata as an item would be checked; return the batch's token."""
    authorize(user, Action.CREATE_ITEM)
    data.kind = ItemKind.PHOTO.value
    if not data.title.strip():
        raise ValidationError(_l("This field is required."), field="title")
    submission.clean_fields(data.replace(title=_title(data.title, 999)))
    submission.suggested_campaigns(user, data.campaigns)
    values = {f.name: _portable(getattr(data, f.name)) for f in SHARED}
    return _serializer().dumps({"user": user.id, "data": values})


def _portable(value: Any) -> Any:
    """A value as the token carries it (JSON: days as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def _data(user: User, token: str) -> submission.ItemData:
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature as exc:  # also an expired one (SignatureExpired is a BadSignature)
        raise ValidationError(_l("This batch has expired. Please start it again.")) from exc
    if not isinstance(payload, dict) or payload.get("user") != user.id:
        raise ValidationError(_l("This batch has expired. Please start it again."))
    values = dict(payload["data"])
    for f in SHARED:
        if f.type is fields.FieldType.DATE and values.get(f.name):
            values[f.name] = date.fromisoformat(values[f.name])
    return shared_data(values)


def _title(base: str, number: int) -> str:
    suffix = f"（{number}）"
    return base.strip()[: MAX_TITLE - len(suffix)] + suffix


def add_photo(user: User, token: str, number: int, stream: IO[bytes], filename: str | None) -> Item:
    """One photo of the batch: a new photo draft with the shared metadata and this file,
    committed together, or nothing at all."""
    data = _data(user, token)
    data.title = _title(data.title, max(1, min(number, 9999)))
    try:
        item = submission.build_item(user, data)
        uploads.add_file(user, item, stream, filename)  # commits the item with its file
    except BaseException:
        db.session.rollback()
        raise
    return item


def submit_all(user: User, item_ids: list[int]) -> curation.BulkResult:
    """Send several drafts of the batch to review, each through the usual checks."""

    def send(item: Item) -> None:
        if item.status != ItemStatus.DRAFT:
            raise ValidationError(_l("Only drafts can be submitted from here."))
        authorize(user, Action.SUBMIT_ITEM, item)
        submission.submit_item(user, item)

    return curation.each(item_ids, send)
