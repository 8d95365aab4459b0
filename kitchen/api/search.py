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
        "snippet_from": hit.snippet_from or None,
        "snippet_page": hit.snippet_page,
        "matched_in": hit.matched_in,
        "thumb_url": file_thumb_url(hit.thumb_file_id),
    }


@bp.get("/search")
def search() -> ResponseReturnValue:
    """Search the items the caller may see; facets count within the same scope."""
    sort = payloads.query_text("sort") or library.SORTS[0]
    if sort not in library.SORTS:
        raise ValidationError(_l("Please choose one of the listed values."), field="sort")
    offered = library.offered_facets(current_user)
    filters: dict[str, object] = {}
    for facet in offered:
        name = facet.query_param
        if facet.numeric:
            filters[facet.name] = payloads.query_int(name, maximum=facet.maximum)
        else:
            filters[facet.name] = payloads.query_text(name)
    dates = library.dates_from(
        {name: payloads.query_text(name) or "" for name in library.DATE_PARAMS}
    )
    results = library.search(
        current_user,
        payloads.query_text("q") or "",
        filters=filters,
        sort=sort,
        page=payloads.query_int("page", 1, maximum=library.MAX_PAGE) or 1,
        per_page=payloads.query_int("per_page", 20, maximum=library.MAX_PER_PAGE) or 20,
        dates=dates,
    )
    return jsonify(
        {
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "results": [_hit_json(hit) for hit in results.hits],
            "facets": {
                facet.query_param: {
                    value: count for value, _label, count in results.facets.get(facet.name, [])
                }
                for facet in offered
            },
            "facets_estimated": results.estimated,
        }
    )
