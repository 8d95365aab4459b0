"""Campaign pages: the brief, the period, the approved items, and who answered the call."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.inputs import page_number
from kitchen.links import external_url
from kitchen.services import campaigns, feeds, pages
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
    page = pages.campaign_page(current_user, slug, number)
    return render_template("campaigns/show.html", **page.context())


@bp.get("/<slug>/feed.atom")
@requires(Action.VIEW_ITEM)
def feed(slug: str) -> ResponseReturnValue:
    """An Atom feed of the campaign's new approvals."""
    campaign = campaigns.get_campaign(slug)
    body = feeds.atom(
        campaign,
        feeds.latest_for(campaign),
        self_url=external_url("campaigns.feed", slug=slug),
        page_url=external_url("campaigns.show", slug=slug),
        item_url=lambda item: external_url("items.show", item_id=item.id),
    )
    return Response(body, mimetype="application/atom+xml")
