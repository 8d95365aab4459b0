"""Every field a contributor sets, as the spec lists it, goes in and comes back out the same way
through the API and through the submission form: the spec, not a hand-kept list, decides."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from kitchen import fields
from kitchen.extensions import db
from kitchen.fields import FieldType, ItemField, Setter
from kitchen.models import Item, Role
from tests import factories
from tests.api.conftest import ApiWorld, Call

SUBMITTED = fields.set_by(Setter.SUBMIT)
BASE = {"kind": "story", "title": "一位老科学家的故事", "credit": "某某科协", "body": "正文。"}


def _json_value(field: ItemField, world: ApiWorld) -> Any:
    """A value of the field's type, as the API takes it (and gives it back)."""
    return {
        FieldType.TEXT: "测试的文字",
        FieldType.LONG_TEXT: "第一段。\n\n第二段。",
        FieldType.LIST: ["钱学森", "邓稼先"],
        FieldType.URL: "https://www.example.cn/h5/科普",
        FieldType.DATE: "2026-11-30",
        FieldType.FLAG: True,
        FieldType.CHOICE: list(field.choices or [])[-1].value if field.choices else "",
        FieldType.CAMPAIGNS: [world.ids["slug"]],
        FieldType.PERSONS: [world.ids["person"]],
    }[field.type]


def _returned(field: ItemField, value: Any) -> Any:
    if field.type is FieldType.CAMPAIGNS:
        return [{"slug": slug} for slug in value]
    return value


@pytest.mark.parametrize("field", SUBMITTED, ids=lambda f: f.name)
def test_each_field_goes_in_and_comes_back_through_the_api(
    call: Call, world: ApiWorld, field: ItemField
) -> None:
    value = _json_value(field, world)
    created = call("POST", "/items", json={**BASE, field.json_name: value})
    assert created.status_code == 201, created.get_json()
    shown = call("GET", f"/items/{created.get_json()['id']}").get_json()[field.json_name]
    if field.type is FieldType.CAMPAIGNS:
        shown = [{"slug": ref["slug"]} for ref in shown]
    assert shown == _returned(field, value)


def _form_value(field: ItemField, slug: str, person: int) -> tuple[Any, Any]:
    """What the form sends for the field, and what the item then holds."""
    return {
        FieldType.TEXT: ("测试的文字", "测试的文字"),
        FieldType.LONG_TEXT: ("第一段。", "第一段。"),
        FieldType.LIST: ("钱学森，邓稼先", field.joiner.join(["钱学森", "邓稼先"])),
        FieldType.URL: ("https://www.example.cn/a", "https://www.example.cn/a"),
        FieldType.DATE: ("2026-11-30", date(2026, 11, 30)),
        FieldType.FLAG: ("y", True),
        FieldType.CHOICE: (
            list(field.choices or [])[-1].value if field.choices else "",
            list(field.choices or [])[-1] if field.choices else "",
        ),
        FieldType.CAMPAIGNS: (slug, [slug]),
        FieldType.PERSONS: (str(person), [person]),
    }[field.type]


@pytest.mark.parametrize("field", SUBMITTED, ids=lambda f: f.name)
def test_each_field_goes_in_through_the_submission_form(
    client: FlaskClient, login_as, field: ItemField
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    campaign = factories.make_campaign()
    person = factories.make_person()
    sent, stored = _form_value(field, campaign.slug, person.id)
    form = {
        "title": "题目",
        "credit_line": "某某科协",
        "body": "正文。",
        "usage_terms": "with_credit",
    }
    form[field.name] = sent
    response = client.post("/submit/new/story", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    item = db.session.scalars(db.select(Item).where(Item.submitter_id == user.id)).one()
    held = getattr(item, field.name)
    if field.type is FieldType.CAMPAIGNS:
        held = [c.slug for c in held]
    if field.type is FieldType.PERSONS:
        held = [p.id for p in held]
    assert held == stored
