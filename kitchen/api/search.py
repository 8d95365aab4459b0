"""Search: Chinese full-text search within the caller's scope, with facet counts."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.api import bp, payloads
from kitchen.api.serializers import campaign_ref, file_thumb_url, organization_json
from kitchen.services import library
from kitchen.services.errors import ValidationError

MAX_PER_PAGE = 100
# The engine's facet names, as the API's query parameters name them.
FACETS = {"campaign": "campaign", "kind": "kind", "organization": "org", "year": "year"}


def _hit_json(hit: library.LibraryHit) -> dict[str, Any]:
    """One result: the item's essentials and the highlighted passages."""
    return {
        "id": hit.id,
        "title": hit.title,
        "title_html": hit.title_html,
        "kind": hit.kind.value,
        "status": hit.status.value,
        "org": organization_json(hit.organization),
        "campaigns": [campaign_ref(c) for c in hit.campaigns],
        "snippet": hit.snippet_html,
        "thumb_url": file_thumb_url(hit.thumb_file_id),
    }


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Search the items the caller may see; facets count within the same scope."""
    sort = payloads.query_text("sort") or "relevance"
    if sort not in library.SORTS:
        raise ValidationError(_l("Please choose one of the listed values."), field="sort")
    results = library.search(
        current_user,
        payloads.query_text("q") or "",
        campaign=payloads.query_text("campaign"),
        kind=payloads.query_text("kind"),
        org=payloads.query_int("org"),
        year=payloads.query_int("year", maximum=9999),
        sort=sort,
        page=payloads.query_int("page", 1, maximum=500) or 1,
        per_page=payloads.query_int("per_page", 20, maximum=MAX_PER_PAGE) or 20,
    )
    facets = {
        FACETS[name]: {value: count for value, _label, count in counts}
        for name, counts in results.facets.items()
        if name in FACETS
    }
    return jsonify(
        {
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "results": [_hit_json(hit) for hit in results.hits],
            "facets": {name: facets.get(name, {}) for name in FACETS.values()},
        }
    )
