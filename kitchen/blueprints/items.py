"""Lists of items within the user's scope, and the item page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import form_errors, requires
from kitchen.forms.reports import HandoffForm, UseForm
from kitchen.forms.submit import VersionForm
from kitchen.i18n import interface_language
from kitchen.inputs import page_number, record_id
from kitchen.labels import label
from kitchen.models import ItemKind, ItemStatus
from kitchen.services import extraction, items, pages, uploads, uses, versions
from kitchen.services.access import Action
from kitchen.services.errors import DomainError, NotFound
from kitchen.services.items import ItemFilter

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.get("/")
@requires(Action.VIEW_ITEM)
def index() -> ResponseReturnValue:
    """Items the user may see, filtered by state, kind, organisation and campaign."""
    flt = ItemFilter(
        status=request.args.get("status") or None,
        kind=request.args.get("kind") or None,
        organization_id=request.args.get("org", type=record_id),
        campaign=request.args.get("campaign") or None,
        mine=request.args.get("mine") == "1",
    )
    number = request.args.get("page", 1, type=page_number)
    return render_template(
        "items/index.html",
        **pages.list_page(current_user, flt, number).context(),
        flt=flt,
        statuses=list(ItemStatus),
        kinds=list(ItemKind),
    )


@bp.get("/<int:item_id>")
@requires(Action.VIEW_ITEM)
def show(item_id: int) -> ResponseReturnValue:
    """One item: its text, people, credit line, usage terms and campaigns."""
    page = pages.item_page(
        current_user, item_id, interface_language(), request.args.get("lang") or None
    )
    use_form = _use_form() if page.panel.may_record else None
    handoff_form = HandoffForm() if page.panel.may_hand_off else None
    if handoff_form is not None:
        handoff_form.organization_id.choices = [(o.id, o.name) for o in page.panel.outlets]
    return render_template(
        "items/show.html", **page.context(), use_form=use_form, handoff_form=handoff_form
    )


@bp.route("/<int:item_id>/versions", methods=["GET", "POST"])
@requires(Action.VIEW_ITEM)
def version(item_id: int) -> ResponseReturnValue:
    """Write the item in another language: the organisation proposes, a curator decides."""
    item = items.get_item(current_user, item_id)
    versions.require_proposable(current_user, item)
    form = VersionForm()
    form.language.choices = [(str(code), label(code)) for code in versions.OTHER_LANGUAGES]
    if request.method == "GET":
        form.language.data = request.args.get("lang") or str(versions.OTHER_LANGUAGES[0])
        for name, value in versions.starting_words(item, form.language.data).items():
            getattr(form, name).data = value
    status = 200
    if form.validate_on_submit():
        data = versions.VersionData(**_typed(form))
        try:
            made = versions.propose(current_user, item, data)
        except DomainError as exc:
            form_errors(form, exc)
            status = exc.status if exc.status != 422 else 400
        else:
            if made.status == versions.APPROVED:
                flash(_("The version is published with the item."), "success")
            else:
                flash(
                    _("The version was sent to the curators; readers see it once approved."),
                    "success",
                )
            return redirect(url_for("items.show", item_id=item.id, lang=made.language))
    elif request.method == "POST":
        status = 400
    return render_template(
        "items/version.html", form=form, item=item, pending=versions.pending_for(item)
    ), status


def _typed(form: VersionForm) -> dict[str, str]:
    names = ("language", *versions.LIMITS, "note")
    return {name: getattr(form, name).data or "" for name in names}


def _use_form() -> UseForm:
    form = UseForm()
    form.fill_choices()
    return form


@bp.post("/<int:item_id>/files/<int:file_id>/text")
@requires(Action.CURATE_ITEM)
def correct_text(item_id: int, file_id: int) -> ResponseReturnValue:
    """A curator corrects the words read from a file (OCR makes mistakes)."""
    media = uploads.get_file(current_user, file_id)
    if media.item_id != item_id:
        raise NotFound()
    try:
        extraction.correct_text(current_user, media, request.form.get("text", ""))
    except DomainError as exc:
        flash(str(exc.message), "danger")
    else:
        flash(_("The text was saved; search reads it in a moment."), "success")
    return redirect(url_for("items.show", item_id=item_id, _anchor="media"))


@bp.post("/<int:item_id>/uses")
@requires(Action.RECORD_USE)
def record_use(item_id: int) -> ResponseReturnValue:
    """已刊发: record where and when the item was published."""
    item = items.get_item(current_user, item_id)
    form = _use_form()
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            field = getattr(form, name, None)
            flash(f"{field.label.text if field else name}: {'; '.join(errors)}", "danger")
        return redirect(url_for("items.show", item_id=item.id, _anchor="uses"))
    data = uses.UseData(
        outlet=form.outlet.data or "",
        url=form.url.data or "",
        published_on=form.published_on.data,
        channel=form.channel.data or "",
    )
    try:
        uses.record(current_user, item, data)
    except DomainError as exc:
        field = getattr(form, exc.field or "", None)
        prefix = f"{field.label.text}: " if field is not None else ""
        flash(f"{prefix}{exc.message}", "danger")
    else:
        flash(_("Publication recorded."), "success")
    return redirect(url_for("items.show", item_id=item.id, _anchor="uses"))


@bp.post("/<int:item_id>/uses/<int:use_id>/remove")
@requires(Action.VIEW_ITEM)
def remove_use(item_id: int, use_id: int) -> ResponseReturnValue:
    """Take back a recorded use."""
    item = uses.remove(current_user, use_id)
    flash(_("Publication removed."), "success")
    return redirect(url_for("items.show", item_id=item.id, _anchor="uses"))


@bp.post("/<int:item_id>/handoffs")
@requires(Action.HAND_OFF)
def hand_off(item_id: int) -> ResponseReturnValue:
    """Hand the item to a partner outlet; its journalists are told."""
    item = items.get_item(current_user, item_id)
    form = HandoffForm()
    form.organization_id.choices = [(o.id, o.name) for o in uses.media_outlets()]
    if not form.validate_on_submit():
        flash(_("Choose a partner outlet."), "danger")
        return redirect(url_for("items.show", item_id=item.id, _anchor="uses"))
    try:
        handoff = uses.hand_off(current_user, item, form.organization_id.data, form.note.data or "")
    except DomainError as exc:
        flash(str(exc.message), "danger")
    else:
        flash(_("Handed to %(outlet)s.", outlet=handoff.organization.name), "success")
    return redirect(url_for("items.show", item_id=item.id, _anchor="uses"))
