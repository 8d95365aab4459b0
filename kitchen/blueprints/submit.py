"""The contributor's desk: new items of each kind, drafts, files, submitting for review."""

from __future__ import annotations

from urllib.parse import unquote

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import flash_bulk, form_errors, requires
from kitchen.forms.submit import (
    BatchForm,
    DefaultsForm,
    ItemForm,
    RevisionForm,
    usage_choices,
)
from kitchen.forms.submit import values as form_values
from kitchen.inputs import page_number, record_ids
from kitchen.models import Item, ItemKind, ItemStatus
from kitchen.services import (
    batches,
    items,
    likeness,
    pages,
    revisions,
    submission,
    uploads,
)
from kitchen.services.access import Action
from kitchen.services.errors import DomainError, ValidationError
from kitchen.services.items import ItemFilter

bp = Blueprint("submit", __name__, url_prefix="/submit")


def _data(form: ItemForm, kind: str) -> submission.ItemData:
    """The form's values as the service's input."""
    return submission.ItemData(kind, **form_values(form, submission.ItemData.spec))


@bp.get("/")
@requires(Action.CREATE_ITEM)
def index() -> ResponseReturnValue:
    """My organisation's submissions, with status, filters and the curators' latest comments."""
    flt = ItemFilter(
        status=request.args.get("status") or None, kind=request.args.get("kind") or None, mine=True
    )
    number = request.args.get("page", 1, type=page_number)
    return render_template(
        "submit/index.html",
        **pages.desk_page(current_user, flt, number).context(),
        flt=flt,
        kinds=list(ItemKind),
        statuses=list(ItemStatus),
    )


@bp.route("/new/<kind>", methods=["GET", "POST"])
@requires(Action.CREATE_ITEM)
def new(kind: str) -> ResponseReturnValue:
    """Start a new item of one kind; it is saved as a draft."""
    if kind not in ItemKind.__members__.values():
        abort(404)
    form = ItemForm()
    form.fill_choices(submission.campaign_choices())
    if request.method == "GET":
        form.credit_line.data, form.usage_terms.data = submission.defaults_for(current_user)
    if form.validate_on_submit():
        try:
            item = submission.create_item(current_user, _data(form, kind))
        except DomainError as exc:
            form_errors(form, exc)
        else:
            flash(_("The draft was saved. Add files, then submit it for review."), "success")
            return redirect(url_for("submit.edit", item_id=item.id))
    status = 400 if request.method == "POST" else 200
    return render_template("submit/form.html", form=form, kind=ItemKind(kind), item=None), status


@bp.route("/<int:item_id>/revise", methods=["GET", "POST"])
@requires(Action.EDIT_ITEM)
def revise(item_id: int) -> ResponseReturnValue:
    """Propose new words for an approved item; it stays as it is until a curator accepts."""
    item = items.get_item(current_user, item_id)
    revisions.require_proposable(current_user, item)
    form = RevisionForm(obj=submission.current_data(item))
    status = 200
    if form.validate_on_submit():
        proposed = submission.current_data(item).replace(**form_values(form, revisions.SPEC))
        try:
            revisions.propose(current_user, item, proposed, form.note.data or "")
        except DomainError as exc:
            form_errors(form, exc)
            status = exc.status if exc.status != 422 else 400
        else:
            flash(
                _("Your changes were sent to the curators; the approved version stays until then."),
                "success",
            )
            return redirect(url_for("items.show", item_id=item.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "submit/revise.html",
        form=form,
        item=item,
        kind=item.kind,
        pending=revisions.pending_for(item),
    ), status


@bp.route("/defaults", methods=["GET", "POST"])
@requires(Action.CREATE_ITEM)
def defaults() -> ResponseReturnValue:
    """The organisation's template: the credit line and usage terms new items start with."""
    form = DefaultsForm()
    form.usage_terms.choices = usage_choices()
    if request.method == "GET":
        form.credit_line.data, form.usage_terms.data = submission.defaults_for(current_user)
    status = 200
    if form.validate_on_submit():
        try:
            submission.save_defaults(
                current_user, form.credit_line.data or "", form.usage_terms.data or ""
            )
        except DomainError as exc:
            form_errors(form, exc)
            status = 400
        else:
            flash(_("New items of your organisation will start with these."), "success")
            return redirect(url_for("submit.index"))
    elif request.method == "POST":
        status = 400
    return render_template("submit/defaults.html", form=form), status


@bp.route("/batch", methods=["GET", "POST"])
@requires(Action.CREATE_ITEM)
def batch() -> ResponseReturnValue:
    """Photos of one event: the shared metadata typed once, then a drop of photos."""
    form = BatchForm()
    form.fill_choices(submission.campaign_choices())
    if request.method == "GET":
        form.credit_line.data, form.usage_terms.data = submission.defaults_for(current_user)
    token = None
    if form.validate_on_submit():
        data = batches.shared_data(form_values(form, batches.SHARED))
        try:
            token = batches.start(current_user, data)
        except DomainError as exc:
            form_errors(form, exc)
    status = 400 if request.method == "POST" and token is None else 200
    return render_template(
        "submit/batch.html",
        form=form,
        token=token,
        accept=uploads.accept_attribute(ItemKind.PHOTO),
        limits_text=uploads.limits_text(ItemKind.PHOTO),
    ), status


@bp.post("/batch/photos")
@requires(Action.CREATE_ITEM)
def batch_photo() -> ResponseReturnValue:
    """One photo of a batch (the raw body, its name in X-File-Name): its own new item."""
    try:
        number = int(request.headers.get("X-Batch-Number", "1"))
    except ValueError:
        number = 1
    item = batches.add_photo(
        current_user,
        request.headers.get("X-Batch-Token", ""),
        number,
        request.stream,
        unquote(request.headers.get("X-File-Name", "")),
    )
    return jsonify(
        {
            "item_id": item.id,
            "card_html": render_template("submit/_batch_row.html", item=item),
        }
    ), 201


@bp.post("/batch/submit")
@requires(Action.SUBMIT_ITEM)
def batch_submit() -> ResponseReturnValue:
    """Send the batch's drafts to review together."""
    result = batches.submit_all(current_user, record_ids(request.form.getlist("item_id")))
    flash_bulk(result, _("%(n)d items were sent for review.", n=len(result.done)))
    return redirect(url_for("submit.index"))


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Action.EDIT_ITEM)
def edit(item_id: int) -> ResponseReturnValue:
    """Edit a draft or an item sent back for changes; manage its files."""
    try:
        item = pages.editable(current_user, item_id)
    except ValidationError as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("items.show", item_id=item_id))
    form = ItemForm(obj=item)
    form.fill_choices(submission.campaign_choices(item))
    if request.method == "GET":
        form.campaigns.data = [c.slug for c in item.campaigns]
    if form.validate_on_submit():
        try:
            submission.update_item(current_user, item, _data(form, item.kind.value))
        except DomainError as exc:
            form_errors(form, exc)
        else:
            if request.form.get("then") == "submit":
                return _submit(item)
            flash(_("Your changes were saved."), "success")
            return redirect(url_for("submit.edit", item_id=item.id))
    status = 400 if request.method == "POST" else 200
    page = pages.edit_page(current_user, item)
    context = page.context()
    return render_template("submit/form.html", **context, form=form, kind=item.kind), status


def _submit(item: Item) -> ResponseReturnValue:
    """Send to review, or explain what is missing."""
    try:
        submission.submit_item(current_user, item)
    except DomainError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("submit.edit", item_id=item.id))
    flash(_("Submitted for review. You will be told of the decision here."), "success")
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/<int:item_id>/submit")
@requires(Action.SUBMIT_ITEM)
def submit(item_id: int) -> ResponseReturnValue:
    """Send the item to the curators."""
    return _submit(items.get_item(current_user, item_id, Action.SUBMIT_ITEM))


@bp.post("/<int:item_id>/retract")
@requires(Action.RETRACT_ITEM)
def retract(item_id: int) -> ResponseReturnValue:
    """Take a submitted item back before review."""
    item = items.get_item(current_user, item_id, Action.RETRACT_ITEM)
    try:
        submission.retract_item(current_user, item)
    except DomainError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("items.show", item_id=item.id))
    flash(_("The item is a draft again; edit it and submit it when ready."), "success")
    return redirect(url_for("submit.edit", item_id=item.id))


@bp.post("/<int:item_id>/delete")
@requires(Action.EDIT_ITEM)
def delete(item_id: int) -> ResponseReturnValue:
    """Delete a draft of the organisation, with its files."""
    item = items.get_item(current_user, item_id, Action.EDIT_ITEM)
    title = item.title
    try:
        submission.delete_draft(current_user, item)
    except DomainError as exc:
        flash(str(exc.message), "danger")
        return redirect(url_for("items.show", item_id=item_id))
    flash(_("The draft “%(title)s” was deleted.", title=title), "success")
    return redirect(url_for("submit.index"))


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.is_json


def _missing_text(still: list[str]) -> str:
    """The hint under the form: what the item still needs before it can be submitted."""
    return _("Still needed before submitting: %(what)s.", what="、".join(still)) if still else ""


def _file_json(media) -> dict[str, object]:
    """What the upload page shows for a stored file, with its card rendered as on the page."""
    dups = uploads.duplicates_of(current_user, media)
    item = media.item
    similar = likeness.similar_photos(current_user, item).get(media.id, [])
    still = submission.missing_for_submission(item)
    return {
        "card_html": render_template(
            "submit/_file_card.html",
            media=media,
            item=item,
            duplicates={media.id: uploads.named_duplicates(dups)},
            similar={media.id: similar},
        ),
        "missing": _missing_text(still),
        "id": media.id,
        "original_name": media.original_name,
        "mime": media.mime,
        "size": media.size,
        "media_type": media.media_type,
        "thumb_url": url_for("files.serve", file_id=media.id, rendition="thumb")
        if media.thumb_key
        else None,
        "duplicates": [
            {
                "item_id": d.item_id,
                "title": d.title,
                "url": url_for("items.show", item_id=d.item_id),
            }
            for d in dups
            if d.visible
        ],
        "already_in_library": any(not d.visible for d in dups),
        "similar": [likeness.similar_json(near) for near in similar],
    }


@bp.post("/<int:item_id>/files")
@requires(Action.EDIT_ITEM)
def upload(item_id: int) -> ResponseReturnValue:
    """Add files: one raw body (the page's uploader) or multipart `file` fields (no script)."""
    item = items.get_item(current_user, item_id, Action.EDIT_ITEM)
    if request.files:
        return _upload_multipart(item)
    name = request.headers.get("X-File-Name", "")
    media = uploads.add_file(current_user, item, request.stream, unquote(name))
    return jsonify(_file_json(media)), 201


def _upload_multipart(item: Item) -> ResponseReturnValue:
    """The form fallback: every file in turn, each reported."""
    results, failed = [], False
    for storage_file in request.files.getlist("file"):
        try:
            media = uploads.add_file(current_user, item, storage_file.stream, storage_file.filename)
            results.append(_file_json(media))
            flash(_("Added %(name)s.", name=media.original_name), "success")
        except DomainError as exc:
            failed = True
            flash(f"{storage_file.filename}: {exc.message}", "danger")
    if _wants_json():
        return jsonify({"files": results}), 422 if failed else 201
    return redirect(url_for("submit.edit", item_id=item.id, _anchor="files"))


@bp.post("/<int:item_id>/files/<int:file_id>/delete")
@requires(Action.EDIT_ITEM)
def delete_file(item_id: int, file_id: int) -> ResponseReturnValue:
    """Remove a file from a draft."""
    media = uploads.get_file(current_user, file_id)
    if media.item_id != item_id:
        abort(404)
    item = media.item
    uploads.remove_file(current_user, media)
    if _wants_json():
        still = submission.missing_for_submission(item)
        return jsonify({"deleted": file_id, "missing": _missing_text(still)})
    flash(_("The file was removed."), "success")
    return redirect(url_for("submit.edit", item_id=item_id, _anchor="files"))


@bp.post("/<int:item_id>/files/<int:file_id>/caption")
@requires(Action.EDIT_ITEM)
def caption(item_id: int, file_id: int) -> ResponseReturnValue:
    """Set a file's caption."""
    media = uploads.get_file(current_user, file_id)
    if media.item_id != item_id:
        abort(404)
    uploads.set_caption(current_user, media, request.form.get("caption", ""))
    if _wants_json():
        return jsonify({"id": file_id, "caption": media.caption})
    flash(_("The caption was saved."), "success")
    return redirect(url_for("submit.edit", item_id=item_id, _anchor="files"))
