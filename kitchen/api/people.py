"""科技人物 and the expert directory, read-only; items link people by `person_ids`."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.api import bp
from kitchen.api.serializers import item_summary, person_json
from kitchen.inputs import page_number
from kitchen.services import people
from kitchen.services.access import sees_person_contact


def _list(experts_only: bool) -> ResponseReturnValue:
    number = request.args.get("page", 1, type=page_number)
    flt = people.filter_from(request.args, experts_only=experts_only)
    page = people.people_page(current_user, flt, number)
    contact = sees_person_contact(current_user)
    return jsonify(
        {
            "total": page.total,
            "page": page.page,
            "pages": page.pages,
            "results": [person_json(p, contact) for p in page.people],
        }
    )


@bp.get("/people")
def list_people() -> ResponseReturnValue:
    """The people the caller may see, by name, other names or pinyin, field, honour, region."""
    return _list(experts_only=False)


@bp.get("/experts")
def list_experts() -> ResponseReturnValue:
    """Experts who agreed to be contacted by the media (contact only through the centre)."""
    return _list(experts_only=True)


@bp.get("/people/<int:person_id>")
def get_person(person_id: int) -> ResponseReturnValue:
    """One person with the approved items featuring them that the caller may see."""
    number = request.args.get("page", 1, type=page_number)
    view = people.person_view(current_user, person_id, number)
    return jsonify(
        {
            **person_json(view.person, view.sees_contact),
            "items": [item_summary(item) for item in view.items.items],
            "item_total": view.items.total,
        }
    )
