"""People in the API: items link records by `person_ids` on create, update and review; the
people and expert endpoints answer within the caller's scope."""

from __future__ import annotations

from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Person
from kitchen.services import people
from tests.api.conftest import ApiWorld, Call
from tests.api.test_endpoints import STORY


def test_items_link_and_unlink_people(call: Call, world: ApiWorld) -> None:
    person = world.ids["person"]
    made = call("POST", "/items", json={**STORY, "person_ids": [person]})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["person_ids"] == [person] and body["persons"][0]["name"] == "王建国"
    item_id = body["id"]
    again = call("GET", f"/items/{item_id}").get_json()
    assert again["persons"][0]["url"].endswith(f"/api/v1/people/{person}")
    assert call("PATCH", f"/items/{item_id}", json={"title": "新标题"}).get_json()["person_ids"]
    cleared = call("PATCH", f"/items/{item_id}", json={"person_ids": []})
    assert cleared.status_code == 200 and cleared.get_json()["person_ids"] == []
    for wrong in ([999999], ["王建国"], [True], "1"):
        refused = call("PATCH", f"/items/{item_id}", json={"person_ids": wrong})
        assert refused.status_code == 422, wrong
    assert db.session.get(Item, item_id).persons == []


def test_ids_no_record_can_have_are_refused_not_a_server_error(call: Call) -> None:
    """Found by the API fuzzer on PostgreSQL: 10537153826 is past a 32-bit id column."""
    before = db.session.scalar(select(func.count(Item.id)))
    for wrong in ([12674035, 10537153826], [-3], [0], [2**31]):
        refused = call("POST", "/items", json={**STORY, "person_ids": wrong})
        assert refused.status_code == 422, (wrong, refused.get_json())
    assert db.session.scalar(select(func.count(Item.id))) == before


def test_a_curator_links_in_review(call: Call, world: ApiWorld) -> None:
    person = world.ids["private_person"]
    response = call("POST", "/items/{submitted}/review", "curator", json={"person_ids": [person]})
    assert response.status_code == 200, response.get_json()
    item = db.session.get(Item, world.ids["submitted"])
    assert [p.id for p in item.persons] == [person]


def test_the_person_endpoint_lists_visible_items(call: Call, world: ApiWorld) -> None:
    person = db.session.get(Person, world.ids["person"])
    approved = db.session.get(Item, world.ids["approved"])
    draft = db.session.get(Item, world.ids["draft"])
    approved.persons = draft.persons = [person]
    db.session.commit()
    for role in ("journalist", "curator", "contributor"):
        body = call("GET", "/people/{person}", role).get_json()
        assert [i["id"] for i in body["items"]] == [approved.id] and body["item_total"] == 1
    listed = call("GET", "/people?q=wjg", "journalist").get_json()
    assert [p["name"] for p in listed["results"]] == ["王建国"]
    assert "contact" not in listed["results"][0]
    assert call("GET", "/experts", "journalist").get_json()["results"] == []  # no media consent
    person.media_contact_ok = True
    db.session.commit()
    assert call("GET", "/experts", "journalist").get_json()["total"] == 1
    assert call("GET", "/people?field=alchemy", "journalist").status_code == 200


def test_people_suggestions_follow_scope(world: ApiWorld) -> None:
    journalist = world.users["journalist"]
    assert [p.name for p in people.suggest(journalist, "扎")] == []
    assert [p.name for p in people.suggest(world.users["contributor"], "扎")] == ["扎西"]
    assert db.session.scalars(select(Item).where(Item.status == ItemStatus.APPROVED)).all()


def test_bad_links_are_refused_and_change_nothing(
    call: Call,
    world: ApiWorld,
    client,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    too_many = list(range(1, 52))
    refused = call("POST", "/items", json={**STORY, "person_ids": too_many})
    assert refused.status_code == 422
    assert "50" in refused.get_json()["error"]["message"]
    before = db.session.scalars(select(Item)).all()
    login_as(user=world.users["contributor"])
    form = {"title": "标题", "body": "正文", "credit_line": "某科协", "usage_terms": "with_credit"}
    for persons in (["abc"], [str(i) for i in too_many]):
        page = client.post("/submit/new/story", data={**form, "persons": persons})
        assert page.status_code == 400
    assert db.session.scalars(select(Item)).all() == before
