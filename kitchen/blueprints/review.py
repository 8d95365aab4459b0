"""The curators' desk: the queue, the review page, claims, decisions and bulk actions."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import flash_bulk, form_errors, requires
from kitchen.forms.review import ReviewForm
from kitchen.forms.submit import usage_choices
from kitchen.forms.submit import values as form_values
from kitchen.inputs import record_id, record_ids, safe_target
from kitchen.models import ItemKind
from kitchen.services import (
    curation,
    items,
    pages,
    revisions,
    rights,
    versions,
    workflow,
)
from kitchen.services.access import Action
from kitchen.services.errors import DomainError

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.get("/")
@requires(Action.REVIEW)
def queue() -> ResponseReturnValue:
    """Submitted items, oldest first, with counts, filters and duplicate flags."""
    flt = curation.QueueFilter(
        kind=request.args.get("kind") or None,
        organization_id=request.args.get("org", type=record_id),
        campaign=request.args.get("campaign") or None,
        claimed=request.args.get("claimed") or None,
    )
    return render_template(
        "review/queue.html",
        **pages.queue_page(current_user, flt).context(),
        flt=flt,
        kinds=list(ItemKind),
        usage_options=usage_choices(),
    )


@bp.get("/revisions")
@requires(Action.REVIEW)
def revision_list() -> ResponseReturnValue:
    """Changes organisations propose to their approved items, each with old and new words."""
    return render_template(
        "review/revisions.html",
        proposals=revisions.pending(current_user),
        field_labels=revisions.field_labels(),
    )


@bp.post("/revisions/<int:revision_id>")
@requires(Action.REVIEW)
def decide_revision(revision_id: int) -> ResponseReturnValue:
    """Accept a proposal (the item takes it) or decline it with a reason."""
    comment = request.form.get("comment", "")
    try:
        if request.form.get("decision") == "accept":
            revisions.accept(current_user, revision_id, comment)
            flash(_("The item now reads as proposed."), "success")
        else:
            revisions.decline(current_user, revision_id, comment)
            flash(_("The proposal was declined; the approved version stays."), "success")
    except DomainError as exc:
        flash(str(exc.message), "danger")
    return redirect(url_for("review.revision_list"))


@bp.get("/versions")
@requires(Action.REVIEW)
def version_list() -> ResponseReturnValue:
    """Versions in other languages waiting for a curator, each beside its original."""
    return render_template("review/versions.html", proposals=versions.pending(current_user))


@bp.post("/versions/<int:version_id>")
@requires(Action.REVIEW)
def decide_version(version_id: int) -> ResponseReturnValue:
    """Approve a version (readers see it with the item) or decline it with a reason."""
    comment = request.form.get("comment", "")
    try:
        if request.form.get("decision") == "accept":
            versions.accept(current_user, version_id, comment)
            flash(_("The version is published with the item."), "success")
        else:
            versions.decline(current_user, version_id, comment)
            flash(_("The version was declined."), "success")
    except DomainError as exc:
        flash(str(exc.message), "danger")
    return redirect(url_for("review.version_list"))


@bp.get("/expiring")
@requires(Action.REVIEW)
def expiring() -> ResponseReturnValue:
    """即将到期: items whose rights or consent end within 60 days, and those that ended."""
    return render_template("review/expiring.html", rows=rights.upcoming(), today=date.today())


def _corrections(form: ReviewForm) -> curation.Corrections:
    return curation.Corrections(**form_values(form, curation.Corrections.spec))


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@requires(Action.REVIEW)
def item(item_id: int) -> ResponseReturnValue:
    """Preview every file, correct the metadata, tag campaigns, feature, and decide."""
    target = pages.reviewed(current_user, item_id)
    form = ReviewForm(obj=target)
    form.fill_choices(pages.review_choices())
    if request.method == "GET":
        form.campaigns.data = [c.slug for c in target.campaigns]
        form.comment.data = ""
    status = 200
    if form.validate_on_submit():
        move = curation.decision(request.form.get("decision", ""))
        try:
            changes = curation.review(
                current_user, target, _corrections(form), move, form.comment.data or ""
            )
        except DomainError as exc:
            form_errors(form, exc)
            status = exc.status if exc.status != 422 else 400
        else:
            flash(
                _("Decision recorded.")
                if move
                else _("Corrections saved.")
                if changes
                else _("Nothing was changed."),
                "success",
            )
            if move:
                return redirect(url_for("review.queue"))
            return redirect(url_for("review.item", item_id=target.id))
    elif request.method == "POST":
        status = 400
    page = pages.review_page(current_user, target)
    return render_template("review/item.html", **page.context(), form=form), status


@bp.post("/<int:item_id>/claim")
@requires(Action.REVIEW)
def claim(item_id: int) -> ResponseReturnValue:
    """Take the item into my hands (or over from another curator)."""
    target = items.get_item(current_user, item_id, Action.REVIEW)
    try:
        workflow.claim(current_user, target, take_over=request.form.get("take_over") == "1")
    except DomainError as exc:
        flash(str(exc.message), "danger")
    return redirect(
        (request.form.get("back") == "queue" and url_for("review.queue"))
        or url_for("review.item", item_id=item_id)
    )


@bp.post("/<int:item_id>/release")
@requires(Action.REVIEW)
def release(item_id: int) -> ResponseReturnValue:
    """Let go of the item."""
    target = items.get_item(current_user, item_id, Action.REVIEW)
    workflow.release(current_user, target)
    return redirect(url_for("review.item", item_id=item_id))


@bp.post("/bulk")
@requires(Action.REVIEW)
def bulk() -> ResponseReturnValue:
    """Approve, tag or correct several items (queue or search), each through the same guard."""
    ids = record_ids(request.form.getlist("item_id"))
    action = request.form.get("action")
    back = safe_target(request.form.get("next"), url_for("review.queue"))
    try:
        if action == "approve":
            result = curation.bulk_decide(current_user, ids, workflow.Move.APPROVE)
        elif action == "tag":
            result = curation.bulk_tag(current_user, ids, request.form.getlist("campaigns"))
        elif action == "edit":
            changes = curation.BulkChanges(
                credit_line=request.form.get("bulk_credit_line", ""),
                usage_terms=request.form.get("bulk_usage_terms", ""),
                keywords=request.form.get("bulk_keywords", ""),
                campaigns=[s for s in request.form.getlist("bulk_campaigns") if s],
            )
            result = curation.bulk_correct(current_user, ids, changes)
        else:
            raise DomainError(_("Please choose an action."))
    except DomainError as exc:
        flash(str(exc.message), "danger")
        return redirect(back)
    flash_bulk(result, _("Done for %(n)d items.", n=len(result.done)))
    if not ids:
        flash(_("Please select at least one item."), "warning")
    return redirect(back)
