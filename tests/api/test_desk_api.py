"""Saved searches and collections over the API: the same services as the pages."""

from __future__ import annotations

from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import CollectionEntry, SavedSearch
from tests.api.conftest import ApiWorld, Call


def test_a_search_is_saved_and_listed_with_its_feed(call: Call, world: ApiWorld) -> None:
    made = call(
        "POST", "/saved-searches", "journalist", json={"name": "量子", "query": {"q": "量子"}}
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["query"] == {"q": "量子"} and "/library/feeds/" in body["feed_url"]
    listed = call("GET", "/saved-searches", "journalist").get_json()["results"]
    assert [s["name"] for s in listed] == ["量子"]
    assert call("GET", "/saved-searches", "contributor").get_json()["results"] == []
    for wrong in (
        {"name": "x", "query": {"nonsense": "1"}},
        {"name": "x", "query": {"from": "2026-02-30"}},
        {"name": "x", "query": []},
        {"name": "", "query": {"q": "a"}},
        {"query": {"q": "a"}},
        {"name": "x", "query": {"q": "a"}, "extra": 1},
    ):
        assert call("POST", "/saved-searches", "journalist", json=wrong).status_code == 422, wrong
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 1


def test_a_collection_is_read_and_filled(call: Call, world: ApiWorld) -> None:
    collection, approved = world.ids["collection"], world.ids["approved"]
    path = f"/collections/{collection}/items"
    added = call("POST", path, "journalist", json={"item_id": approved, "note": "头图"})
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert [(e["item"]["id"], e["note"]) for e in body["items"]] == [(approved, "头图")]
    shared = call("GET", f"/collections/{collection}", "contributor").get_json()
    assert shared["mine"] is False and shared["may_edit"] is False and shared["item_count"] == 1
    mine = call("GET", "/collections", "journalist").get_json()["results"]
    assert mine[0]["is_default"] and [c["name"] for c in mine][1:] == ["采访素材"]
    for wrong in ({"item_id": "1"}, {"item_id": True}, {"item_id": 2**40}, {"note": "x"}):
        assert call("POST", path, "journalist", json=wrong).status_code == 422, wrong
    draft = call("POST", path, "journalist", json={"item_id": world.ids["draft"]})
    assert draft.status_code == 404
    assert call("POST", path, "contributor", json={"item_id": approved}).status_code == 403
    assert db.session.scalar(select(func.count(CollectionEntry.id))) == 1
