"""Every endpoint × every role, the error shapes, and the whole loop by API only."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import DownloadEvent, Item, ItemStatus, Role
from kitchen.services import tokens
from tests import factories, samples
from tests.api.conftest import ApiWorld, Call

WHO = ("none", "revoked", "contributor", "other_contributor", "curator", "journalist", "admin")
STORY = {"kind": "story", "title": "一位老科学家的故事", "body": "他把一生献给了科学事业。"}
STORY |= {"credit": "测试科协 文/张三"}
ANYONE = (401, 401, 200, 200, 200, 200, 200)
CONTRIBUTOR_OWN = (401, 401, 200, 404, 403, 404, 403)
CURATOR_ONLY = (401, 401, 403, 404, 200, 404, 403)
FILE_TEXT = (401, 401, 403, 404, 200, 404, 403)  # curators correct what was read from a file
NOT_FOUND = (401, 401, 404, 404, 404, 404, 404)
SAVED = {"name": "科学家精神", "query": {"q": "科学家精神", "kind": "story"}}
VERSION = {"language": "en", "title": "A scientist's life", "body": "He gave his life to science."}
USE = {"outlet": "人民日报", "published_on": date.today().isoformat(), "channel": "paper"}


def _png() -> dict[str, object]:
    return {"data": {"file": (io.BytesIO(samples.png((30, 160, 90))), "新图.png")}}


# (method, path, request kwargs, expected status per WHO)
MATRIX: list[tuple[str, str, dict[str, object], tuple[int, ...]]] = [
    ("GET", "/me", {}, ANYONE),
    ("GET", "/campaigns", {}, ANYONE),
    ("GET", "/items", {}, ANYONE),
    ("GET", "/items?status=draft&org={org}&campaign={slug}&page=1", {}, ANYONE),
    ("POST", "/items", {"json": STORY}, (401, 401, 201, 201, 403, 403, 403)),
    ("GET", "/items/{draft}", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("GET", "/items/{approved}", {}, ANYONE),
    ("GET", "/items/999999", {}, (401, 401, 404, 404, 404, 404, 404)),
    ("PATCH", "/items/{draft}", {"json": {"title": "新标题"}}, CONTRIBUTOR_OWN),
    ("POST", "/items/{approved}/versions", {"json": VERSION}, (401, 401, 403, 201, 201, 403, 403)),
    ("POST", "/items/{draft}/versions", {"json": VERSION}, (401, 401, 201, 404, 201, 404, 403)),
    ("POST", "/items/{draft}/submit", {}, CONTRIBUTOR_OWN),
    ("POST", "/items/{submitted}/retract", {}, CONTRIBUTOR_OWN),
    ("POST", "/items/{submitted}/review", {"json": {"decision": "approve"}}, CURATOR_ONLY),
    ("POST", "/items/{submitted}/claim", {}, CURATOR_ONLY),
    ("POST", "/items/{submitted}/release", {}, CURATOR_ONLY),
    ("POST", "/items/{photos}/files", {}, (401, 401, 201, 404, 403, 404, 403)),
    ("PATCH", "/items/{photos}/files/{file}", {"json": {"caption": "说明"}}, CONTRIBUTOR_OWN),
    ("PUT", "/items/{photos}/files/{file}/text", {"json": {"text": "科普日"}}, FILE_TEXT),
    ("DELETE", "/items/{photos}/files/{file}", {}, (401, 401, 204, 404, 403, 404, 403)),
    ("GET", "/files/{file}/original", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("GET", "/files/{file}/thumb", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("GET", "/files/{file}/poster", {}, (401, 401, 404, 404, 404, 404, 404)),
    ("GET", "/search?q=科学家", {}, ANYONE),
    ("GET", "/openapi.json", {}, (200,) * len(WHO)),
    ("GET", "/reports?period=2026Q4", {}, (401, 401, 200, 200, 200, 403, 200)),
    ("GET", "/items/{approved}/uses", {}, ANYONE),
    ("GET", "/items/{draft}/uses", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("POST", "/items/{approved}/uses", {"json": USE}, (401, 401, 403, 403, 201, 201, 403)),
    ("POST", "/items/{draft}/uses", {"json": USE}, (401, 401, 403, 404, 409, 404, 403)),
    ("DELETE", "/uses/999999", {}, (401, 401, 404, 404, 404, 404, 404)),
    ("DELETE", "/items/{submitted}", {}, (401, 401, 409, 404, 403, 404, 403)),
    ("DELETE", "/items/{draft}", {}, (401, 401, 204, 404, 403, 404, 403)),
    ("GET", "/people?q=wjg&field=meteorology&page=1", {}, ANYONE),
    ("GET", "/experts", {}, ANYONE),
    ("GET", "/people/{person}", {}, ANYONE),
    ("GET", "/people/{private_person}", {}, (401, 401, 200, 200, 200, 404, 200)),
    ("GET", "/people/999999", {}, (401, 401, 404, 404, 404, 404, 404)),
    ("GET", "/saved-searches", {}, ANYONE),
    ("POST", "/saved-searches", {"json": SAVED}, (401, 401, 201, 201, 201, 201, 201)),
    ("GET", "/collections", {}, ANYONE),
    ("GET", "/collections/{collection}", {}, (401, 401, 200, 404, 404, 200, 404)),
    # An unknown item: 404 for the owner too (test_desk_api covers adding and who may).
    ("POST", "/collections/{collection}/items", {"json": {"item_id": 999999}}, NOT_FOUND),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "statuses"),
    [pytest.param(*row, id=f"{row[0]} {row[1]}") for row in MATRIX],
)
def test_endpoint_role_matrix(
    call: Call, method: str, path: str, kwargs: dict[str, object], statuses: tuple[int, ...]
) -> None:
    """Each role in turn on one world; the ones that succeed go last, so refusals see it intact."""
    wrong = []
    for who, expected in sorted(zip(WHO, statuses, strict=True), key=lambda p: p[1] < 300):
        if path.endswith("/files") and method == "POST":
            kwargs = _png()
        response = call(method, path, who, **kwargs)
        if response.status_code != expected:
            wrong.append((who, expected, response.status_code, response.get_data(as_text=True)))
        elif expected >= 400:
            body = response.get_json()
            assert set(body["error"]) == {"code", "message"} and body["error"]["message"], who
        if expected == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), who
    assert wrong == []


def test_every_api_route_is_in_the_matrix(app: Flask) -> None:
    covered = {(m, p.split("?")[0]) for m, p, _k, _s in MATRIX}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1")
            methods = rule.methods - {"HEAD", "OPTIONS"}
            assert any(m in methods and _same(path, p) for m, p in covered), rule.rule


def _same(rule: str, path: str) -> bool:
    """Whether a matrix path fits a URL rule (placeholders against converters)."""
    rule_parts, path_parts = rule.strip("/").split("/"), path.strip("/").split("/")
    return len(rule_parts) == len(path_parts) and all(
        r == p or r.startswith("<") for r, p in zip(rule_parts, path_parts, strict=True)
    )


def test_the_whole_loop_by_api_only(call: Call, world: ApiWorld) -> None:
    photo = {
        "kind": "photo",
        "title": "镜见创新：显微镜下的雪花",
        "summary": "科学之美摄影作品",
        "people": ["王小明", "李华"],
        "keywords": ["显微", "雪花", "科学之美"],
        "place": "北京",
        "event_date": "2026-05-30",
        "credit": "测试科协 摄/王小明",
        "usage_terms": "editorial_only",
        "consent": True,
        "campaigns": [world.ids["slug"]],
    }
    created = call("POST", "/items", json=photo)
    assert created.status_code == 201, created.get_data(as_text=True)
    item = created.get_json()
    assert item["status"] == "draft" and item["people"] == ["王小明", "李华"]
    assert item["keywords"] == ["显微", "雪花", "科学之美"] and item["event_date"] == "2026-05-30"
    path = f"/items/{item['id']}"
    upload = call(
        "POST", path + "/files", data={"file": (io.BytesIO(samples.photo()), "雪花 显微.jpg")}
    )
    assert upload.status_code == 201, upload.get_data(as_text=True)
    media = upload.get_json()
    assert media["original_name"] == "雪花 显微.jpg" and media["mime"] == "image/jpeg"
    assert media["sha256"] == hashlib.sha256(samples.photo()).hexdigest()
    assert {"original", "web", "thumb"} <= set(media["renditions"]) and media["duplicate_of"] == []
    assert call("POST", path + "/submit").get_json()["status"] == "submitted"
    review = {"decision": "approve", "comment": "很好", "campaigns": [world.ids["slug"]]}
    approved = call("POST", path + "/review", "curator", json=review | {"featured": True})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["status"] == "approved" and approved.get_json()["featured"]
    found = call("GET", "/search?q=雪花&kind=photo", "journalist").get_json()
    assert [hit["id"] for hit in found["results"]] == [item["id"]]
    assert found["facets"]["campaign"] == {world.ids["slug"]: 1}
    assert found["results"][0]["thumb_url"] and "<mark>" in found["results"][0]["title_html"]
    seen = call("GET", path, "journalist").get_json()
    original = seen["files"][0]["renditions"]["original"]
    address = original.removeprefix("http://localhost/api/v1")
    refused = call("GET", address, "journalist")  # editorial use only: confirm first
    assert (
        refused.status_code == 409 and refused.get_json()["error"]["code"] == "terms_not_accepted"
    )
    download = call("GET", address + "?accept_terms=editorial_only", "journalist")
    assert download.status_code == 200
    photo = samples.photo()
    # The same picture (from the start of scan on), with the credit written in before it.
    assert download.data.endswith(photo[photo.index(b"\xff\xda") :])
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('雪花 显微.jpg')}" in disposition


def test_create_reports_bad_input(call: Call) -> None:
    cases = [
        ({"kind": "story"}, 422, "title"),
        ({"kind": "poem", "title": "诗"}, 422, "kind"),
        (STORY | {"title": 5}, 422, "title"),
        (STORY | {"people": "张三"}, 422, "people"),
        (STORY | {"event_date": "2026-02-30"}, 422, "event_date"),
        (STORY | {"consent": "yes"}, 422, "consent"),
        (STORY | {"credit_line": "x"}, 422, "credit_line"),
        (STORY | {"title": "\x00\x01"}, 422, "title"),
        (STORY | {"title": "长" * 201}, 422, "title"),
        (STORY | {"campaigns": ["no-such-campaign"]}, 422, "campaigns"),
    ]
    for body, status, field in cases:
        response = call("POST", "/items", json=body)
        assert response.status_code == status, (body, response.get_data(as_text=True))
        assert response.get_json()["error"]["code"] == "invalid", field
    not_json = call("POST", "/items", data="kind=story")
    assert not_json.status_code == 400 and not_json.get_json()["error"]["code"] == "bad_request"
    assert call("POST", "/items", json=["a list"]).status_code == 400


def test_patch_changes_only_the_fields_sent(call: Call, world: ApiWorld) -> None:
    response = call("PATCH", "/items/{draft}", json={"summary": "新的摘要", "people": ["张三"]})
    assert response.status_code == 200
    item = response.get_json()
    assert item["summary"] == "新的摘要" and item["people"] == ["张三"]
    assert item["title"] == "科学家精神代代相传" and item["kind"] == "story"
    assert call("PATCH", "/items/{draft}", json={"kind": "photo"}).status_code == 422
    assert call("PATCH", "/items/{submitted}", json={"title": "改"}).status_code == 422


def test_review_rules_come_from_the_workflow(call: Call) -> None:
    no_reason = call("POST", "/items/{submitted}/review", "curator", json={"decision": "reject"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["message"] == "请在意见中说明理由。"
    bad = call("POST", "/items/{submitted}/review", "curator", json={"decision": "publish"})
    assert bad.status_code == 422
    approve = {"decision": "approve"}
    assert call("POST", "/items/{submitted}/review", "curator", json=approve).status_code == 200
    again = call("POST", "/items/{submitted}/review", "curator", json=approve)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert call("POST", "/items/{draft}/submit").status_code == 200
    assert call("POST", "/items/{draft}/submit").status_code == 409


def test_a_claimed_item_is_the_claimants(call: Call, world: ApiWorld) -> None:
    rival = factories.make_user(Role.CURATOR)
    world.tokens["rival"] = tokens.create_token(rival, "另一位编辑")[1]
    claimed = call("POST", "/items/{submitted}/claim", "curator").get_json()
    assert claimed["claimed_by"]["id"] == world.users["curator"].id
    assert call("POST", "/items/{submitted}/claim", "rival").status_code == 409
    taken = call("POST", "/items/{submitted}/claim?take_over=true", "rival")
    assert taken.get_json()["claimed_by"]["id"] == rival.id
    assert call("POST", "/items/{submitted}/release", "rival").get_json()["claimed_by"] is None


def test_upload_errors(call: Call, app: Flask) -> None:
    missing = call("POST", "/items/{photos}/files", data={"caption": "无文件"})
    assert missing.status_code == 400
    junk = call(
        "POST", "/items/{photos}/files", data={"file": (io.BytesIO(b"not an image"), "a.jpg")}
    )
    assert junk.status_code == 422 and junk.get_json()["error"]["code"] == "invalid_file"
    app.config["MAX_IMAGE_BYTES"] = 1000
    big = call(
        "POST", "/items/{photos}/files", data={"file": (io.BytesIO(samples.photo()), "大.jpg")}
    )
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "too_large"


def test_duplicates_name_only_visible_items(call: Call, world: ApiWorld) -> None:
    body = {"kind": "photo", "title": "同一张照片", "credit": "本会", "consent": True}
    first = call("POST", "/items", "other_contributor", json=body).get_json()["id"]
    second = call("POST", "/items", "other_contributor", json=body).get_json()["id"]
    for item_id in (first, second):
        data = {"file": (io.BytesIO(samples.png()), "重复.png")}
        dup = call("POST", f"/items/{item_id}/files", "other_contributor", data=data).get_json()
    assert dup["duplicate_of"] == [first]
    mine = call("POST", "/items/{draft}/files", data={"file": (io.BytesIO(samples.png()), "x.png")})
    assert mine.status_code == 201 and mine.get_json()["duplicate_of"] == [world.ids["photos"]]


def test_list_filters_and_pages(call: Call, world: ApiWorld) -> None:
    everything = call("GET", "/items", "curator").get_json()
    assert everything["total"] == 4 and everything["pages"] == 1
    drafts = call("GET", "/items?status=draft", "contributor").get_json()
    assert {i["id"] for i in drafts["results"]} == {world.ids["draft"], world.ids["photos"]}
    public = call("GET", "/items", "journalist").get_json()
    assert [i["id"] for i in public["results"]] == [world.ids["approved"]]
    paged = call("GET", "/items?per_page=1&page=2", "curator").get_json()
    assert paged["page"] == 2 and len(paged["results"]) == 1 and paged["pages"] == 4
    for bad in ("page=0", "page=x", "per_page=101", "org=99999999999"):
        assert call("GET", f"/items?{bad}").status_code == 422, bad


def test_out_of_range_ids_and_unknown_paths(call: Call) -> None:
    assert call("GET", "/items/99999999999999999999").status_code == 404
    unknown = call("GET", "/nothing-here")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    assert call("PUT", "/items/{draft}").status_code == 405


def test_messages_follow_the_accounts_language(call: Call, world: ApiWorld) -> None:
    world.users["journalist"].locale = "en"
    db.session.commit()
    refused = call("POST", "/items", "journalist", json=STORY)
    assert refused.get_json()["error"]["message"] == "You are not allowed to do this."
    assert call("POST", "/items", "curator", json=STORY).get_json()["error"]["message"] == (
        "您没有权限执行此操作。"
    )


def test_downloads_are_recorded(call: Call, world: ApiWorld) -> None:
    assert call("GET", "/files/{file}/original", "curator").status_code == 200
    event = db.session.scalars(select(DownloadEvent)).one()
    assert event.via == "api" and event.file_id == world.ids["file"]


def test_item_json_is_complete(call: Call, world: ApiWorld) -> None:
    item = call("GET", "/items/{photos}").get_json()
    assert item["organization"]["id"] == world.ids["org"]
    assert item["files"][0]["original_name"] == "开放日.png"
    assert item["url"].endswith(f"/api/v1/items/{world.ids['photos']}")
    assert db.session.get(Item, world.ids["photos"]).status == ItemStatus.DRAFT
