"""Every endpoint × every role, the error shapes, and the whole loop by API only."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
from flask import Flask

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus
from tests import samples
from tests.api.conftest import ApiWorld, Call

WHO = ("none", "revoked", "contributor", "other_contributor", "curator", "journalist", "admin")
STORY = {"kind": "story", "title": "一位老科学家的故事", "body": "他把一生献给了科学事业。"}
STORY |= {"credit": "测试科协 文/张三"}
ANYONE = (401, 401, 200, 200, 200, 200, 200)
CONTRIBUTOR_OWN = (401, 401, 200, 404, 403, 404, 403)
CURATOR_ONLY = (401, 401, 403, 404, 200, 404, 403)


def _png() -> dict[str, object]:
    return {"data": {"file": (io.BytesIO(samples.png()), "新图.png")}}


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
    ("POST", "/items/{draft}/submit", {}, CONTRIBUTOR_OWN),
    ("POST", "/items/{submitted}/retract", {}, CONTRIBUTOR_OWN),
    ("POST", "/items/{submitted}/review", {"json": {"decision": "approve"}}, CURATOR_ONLY),
    ("POST", "/items/{submitted}/claim", {}, CURATOR_ONLY),
    ("POST", "/items/{submitted}/release", {}, CURATOR_ONLY),
    ("POST", "/items/{photos}/files", {}, (401, 401, 201, 404, 403, 404, 403)),
    ("PATCH", "/items/{photos}/files/{file}", {"json": {"caption": "说明"}}, CONTRIBUTOR_OWN),
    ("DELETE", "/items/{photos}/files/{file}", {}, (401, 401, 204, 404, 403, 404, 403)),
    ("GET", "/files/{file}/original", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("GET", "/files/{file}/thumb", {}, (401, 401, 200, 404, 200, 404, 200)),
    ("GET", "/files/{file}/poster", {}, (401, 401, 404, 404, 404, 404, 404)),
    ("GET", "/search?q=科学家", {}, ANYONE),
    ("GET", "/openapi.json", {}, (200,) * len(WHO)),
]

CASES = [
    pytest.param(method, path, kwargs, who, statuses[i], id=f"{method} {path} {who}")
    for method, path, kwargs, statuses in MATRIX
    for i, who in enumerate(WHO)
]


@pytest.mark.parametrize(("method", "path", "kwargs", "who", "expected"), CASES)
def test_endpoint_role_matrix(
    call: Call, method: str, path: str, kwargs: dict[str, object], who: str, expected: int
) -> None:
    if path.endswith("/files") and method == "POST":
        kwargs = _png()
    response = call(method, path, who, **kwargs)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected >= 400:
        body = response.get_json()
        assert set(body["error"]) == {"code", "message"} and body["error"]["message"]
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


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
