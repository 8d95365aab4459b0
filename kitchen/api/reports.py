"""Reports and recorded uses: the quarterly figures as JSON, and 已刊发 for partner platforms."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.api import bp, payloads
from kitchen.models import ItemUse
from kitchen.services import items, reports, uses


def use_json(use: ItemUse) -> dict[str, object]:
    """A recorded use."""
    return {
        "id": use.id,
        "item_id": use.item_id,
        "outlet": use.outlet,
        "url": use.url,
        "published_on": use.published_on.isoformat(),
        "channel": use.channel.value,
        "recorded_by": {"id": use.recorded_by.id, "display_name": use.recorded_by.display_name},
        "handoff_id": use.handoff_id,
        "created_at": use.created_at.isoformat(),
    }


@bp.get("/reports")
def report() -> ResponseReturnValue:
    """The period's figures: every member organisation for the centre, one's own otherwise."""
    period = reports.parse_period(request.args.get("period"))
    whole, rows = reports.readable_report(current_user, period)
    return jsonify(
        {
            "period": {
                "code": period.code,
                "kind": period.kind,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            "weights": whole.weights,
            "ranked": len(whole.rows),
            "organizations": [reports.as_dict(r) for r in rows],
        }
    )


@bp.get("/items/<int:item_id>/uses")
def list_uses(item_id: int) -> ResponseReturnValue:
    """Where the item was published."""
    item = items.get_item(current_user, item_id)
    return jsonify({"results": [use_json(u) for u in uses.uses_of(item)]})


@bp.post("/items/<int:item_id>/uses")
def record_use(item_id: int) -> ResponseReturnValue:
    """Record a publication of an approved item (media accounts and curators)."""
    item = items.get_item(current_user, item_id)
    data = payloads.json_object(frozenset({"outlet", "url", "published_on", "channel"}))
    published = payloads.day(data, "published_on") if "published_on" in data else None
    use = uses.record(
        current_user,
        item,
        uses.UseData(
            outlet=payloads.text(data, "outlet") if "outlet" in data else "",
            url=payloads.text(data, "url") if "url" in data else "",
            published_on=published if isinstance(published, date) else None,
            channel=payloads.text(data, "channel") if "channel" in data else "new_media",
        ),
    )
    return jsonify(use_json(use)), 201


@bp.delete("/uses/<int:use_id>")
def remove_use(use_id: int) -> ResponseReturnValue:
    """Take back a recorded use (its recorder or a curator)."""
    uses.remove(current_user, use_id)
    return "", 204
