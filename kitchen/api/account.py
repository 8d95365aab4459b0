"""Who am I, and which campaigns are there."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.api import bp
from kitchen.api.serializers import campaign_json, user_json
from kitchen.services import campaigns


@bp.get("/me")
def me() -> ResponseReturnValue:
    """The caller's account, role and organisation."""
    return jsonify(user_json(current_user))


@bp.get("/campaigns")
def campaign_list() -> ResponseReturnValue:
    """Every campaign, open ones first: the slugs items are tagged with."""
    return jsonify({"results": [campaign_json(c) for c in campaigns.list_campaigns()]})
