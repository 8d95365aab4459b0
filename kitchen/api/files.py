"""Files: upload to an item, caption, remove, and download any rendition by its original name."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.api import bp, payloads
from kitchen.api.serializers import file_json
from kitchen.blueprints.files import send_served
from kitchen.models import MediaFile
from kitchen.services import extraction, items, likeness, uploads
from kitchen.services.access import Action
from kitchen.services.errors import DomainError, NotFound, ValidationError

RENDITIONS = "original,web,thumb,poster"


def _file_of(item_id: int, file_id: int) -> MediaFile:
    """A file the caller may see, which must belong to the item named in the path."""
    media = uploads.get_file(current_user, file_id)
    if media.item_id != item_id:
        raise NotFound()
    return media


@bp.post("/items/<int:item_id>/files")
def upload_file(item_id: int) -> ResponseReturnValue:
    """Attach one file (multipart field `file`); duplicates name the visible items holding it."""
    item = items.get_item(current_user, item_id, Action.EDIT_ITEM)
    upload = request.files.get("file")
    if upload is None:
        raise DomainError(_l('Please send the file in the multipart field "file".'))
    caption = request.form.get("caption", "")
    media = uploads.add_file(current_user, item, upload.stream, upload.filename, caption)
    duplicates = uploads.duplicates_of(current_user, media)
    similar = likeness.similar_photos(current_user, media.item).get(media.id, [])
    body = file_json(media) | {
        "duplicate_of": [d.item_id for d in duplicates if d.visible],
        "similar_to": [likeness.similar_json(near) for near in similar],
    }
    return jsonify(body), 201


@bp.put("/items/<int:item_id>/files/<int:file_id>/text")
def correct_file_text(item_id: int, file_id: int) -> ResponseReturnValue:
    """A curator corrects the words read from a file (one line a segment)."""
    media = _file_of(item_id, file_id)
    data = payloads.json_object(frozenset({"text"}))
    if "text" not in data:
        raise ValidationError(_l("This field is required."), field="text")
    extraction.correct_text(current_user, media, payloads.text(data, "text"))
    return jsonify(file_json(media))


@bp.patch("/items/<int:item_id>/files/<int:file_id>")
def update_file(item_id: int, file_id: int) -> ResponseReturnValue:
    """Change a file's caption while its item can be edited."""
    media = _file_of(item_id, file_id)
    data = payloads.json_object(frozenset({"caption"}))
    if "caption" not in data:
        raise ValidationError(_l("This field is required."), field="caption")
    uploads.set_caption(current_user, media, payloads.text(data, "caption"))
    return jsonify(file_json(media))


@bp.delete("/items/<int:item_id>/files/<int:file_id>")
def delete_file(item_id: int, file_id: int) -> ResponseReturnValue:
    """Remove a file from an editable item."""
    uploads.remove_file(current_user, _file_of(item_id, file_id))
    return "", 204


@bp.get(f"/files/<int:file_id>/<any({RENDITIONS}):rendition>")
def download(file_id: int, rendition: str) -> ResponseReturnValue:
    """The bytes of one rendition, as an attachment named after the original file."""
    media = uploads.get_file(current_user, file_id)
    accepted = request.args.get("accept_terms") == "editorial_only"
    served = uploads.fetch(
        current_user, media, rendition, accepted=accepted, partial=bool(request.range), via="api"
    )
    response = send_served(served, attachment=True)
    response.cache_control.private = True
    return response
