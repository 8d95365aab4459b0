"""Campaign pages: the brief, the period, the approved items, and who answered the call."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.forms.admin import member_kind_choices
from kitchen.inputs import page_number
from kitchen.links import external_url
from kitchen.services import calls, campaigns, feeds, pages
from kitchen.services.access import Action

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.get("/")
@requires(Action.VIEW_ITEM)
def index() -> ResponseReturnValue:
    """Every campaign with its number of approved items."""
    return render_template(
        "campaigns/index.html",
        campaigns=campaigns.list_campaigns(),
        counts=campaigns.approved_counts(),
    )


@bp.get("/<slug>")
@requires(Action.VIEW_ITEM)
def show(slug: str) -> ResponseReturnValue:
    """One campaign: its brief and its approved items, newest first."""
    number = request.args.get("page", 1, type=page_number)
    kind = request.args.get("kind", "").strip()[:32]
    region = request.args.get("region", "").strip()[:80]
    page = pages.campaign_page(current_user, slug, number, kind, region)
    return render_template(
        "campaigns/show.html", **page.context(), kind_options=member_kind_choices()
    )


@bp.post("/<slug>/remind")
@requires(Action.MANAGE_CAMPAIGNS)
def remind(slug: str) -> ResponseReturnValue:
    """Remind the organisations that have not answered the call."""
    reminded = calls.remind_now(current_user, campaigns.get_campaign(slug))
    flash(_("%(n)d organisations were reminded.", n=reminded), "success")
    return redirect(url_for("campaigns.show", slug=slug))


@bp.get("/<slug>/feed.atom")
@requires(Action.VIEW_ITEM)
def feed(slug: str) -> ResponseReturnValue:
    """An Atom feed of the campaign's new approvals."""
    campaign = campaigns.get_campaign(slug)
    body = feeds.atom(
        campaign.name,
        campaign.description,
        campaign.created_at,
        feeds.latest_for(campaign),
        self_url=external_url("campaigns.feed", slug=slug),
        page_url=external_url("campaigns.show", slug=slug),
        item_url=lambda item: external_url("items.show", item_id=item.id),
    )
    return Response(body, mimetype="application/atom+xml")
