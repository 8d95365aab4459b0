"""Findings 6 and 7: control characters and impossible ids through every form and address.

Every form of every page is filled with text holding NUL and a vertical tab (as Word pastes
it) and sent; no answer may be a 5xx, and afterwards no text column of any table holds a
control character. Addresses with control characters answer 400; ids beyond any column 404.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, select

from kitchen.extensions import db
from kitchen.models import Base, ItemKind, ItemStatus, Role
from kitchen.services import submission
from tests import factories

HOSTILE = "测试\x00标题\x0b第二行\x1b[31m\x85"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name → a value to send)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append((attrs.get("action", ""), {}))
        if not self.forms or "name" not in attrs:
            return
        fields = self.forms[-1][1]
        name = attrs["name"]
        if tag == "textarea":
            fields[name] = HOSTILE
        elif tag == "select":
            self._select = name
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("text", "search", "email", "url", "password", "tel"):
                fields[name] = (
                    "x\x00@test.example.com" if kind == "email" else HOSTILE + "-abcdefgh"
                )
            elif kind == "date":
                fields[name] = "2026-12-0\x001"
            elif kind in ("hidden", "checkbox", "radio", "number"):
                fields.setdefault(name, attrs.get("value", "1") + "\x00")
        elif tag == "option" and self._select and self._select not in fields:
            fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _world(app: Flask) -> dict[str, Any]:
    curator = factories.make_user(Role.CURATOR)
    contributor = factories.make_user(Role.CONTRIBUTOR)
    draft = factories.make_item(contributor, kind=ItemKind.STORY)
    waiting = factories.make_item(contributor, kind=ItemKind.STORY)
    submission.submit_item(contributor, waiting)
    campaign = factories.make_campaign()
    return {
        "curator": curator,
        "contributor": contributor,
        "draft": draft,
        "waiting": waiting,
        "campaign": campaign,
        "admin": factories.make_user(Role.ADMIN),
        "journalist": factories.make_user(Role.JOURNALIST),
        "edited": factories.make_user(Role.JOURNALIST),  # the admin's forms change this one
    }


def _pages(world: dict[str, Any]) -> dict[str, list[str]]:
    draft, waiting = world["draft"], world["waiting"]
    campaign = world["campaign"]
    return {
        "contributor": [
            "/submit/new/story",
            "/submit/new/photo",
            f"/submit/{draft.id}/edit",
            "/account/password",
            "/account/tokens",
            f"/items/{draft.id}",
        ],
        "curator": ["/review/", f"/review/{waiting.id}", "/library/", "/items/"],
        "admin": [
            "/admin/orgs/new",
            "/admin/users/new",
            "/admin/campaigns/new",
            f"/admin/campaigns/{campaign.slug}",
            f"/admin/users/{world['edited'].id}",
            f"/admin/orgs/{world['edited'].organization_id}",
            "/admin/search",
        ],
        "journalist": ["/library/", "/library/selection"],
    }


def _text_columns() -> list[Any]:
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
    ]


def test_every_form_takes_control_characters_without_error_or_trace(app: Flask) -> None:
    world = _world(app)
    sent = 0
    for role, pages in _pages(world).items():
        client = app.test_client()
        client.post("/login", data={"email": world[role].email, "password": factories.PASSWORD})
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (role, page, response.headers.get("Location"))
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for action, fields in parser.forms:
                if action.endswith("/logout"):
                    continue
                answer = client.post(action or page, data=fields)
                sent += 1
                assert answer.status_code < 500, (page, action, answer.status_code)
    assert sent >= 20
    for column in _text_columns():
        values = db.session.execute(select(column).where(column.is_not(None))).scalars()
        dirty = [v for v in values if CONTROL.search(v)]
        assert not dirty, f"{column.table.name}.{column.name}: {dirty[:3]!r}"


def test_sign_in_with_nul_in_the_address_is_a_plain_failure(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": "a\x00@b.example", "password": "x" * 8})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "address",
    [
        "/items/?campaign=%00",
        "/library/?q=%E7%A7%91%00",
        "/library/?campaign=a%0bb",
        "/campaigns/a%00b",
        "/admin/audit?action=%00",
        "/admin/audit?actor=a%00",
        "/admin/audit.csv?action=%00",
        "/review/?org=%00",
    ],
)
def test_addresses_with_control_characters_are_refused(
    client: FlaskClient, login_as, address: str
) -> None:
    login_as(Role.ADMIN)
    response = client.get(address)
    assert response.status_code == 400
    assert "控制字符" in response.get_data(as_text=True)


def test_api_addresses_with_control_characters_are_refused(client: FlaskClient, login_as) -> None:
    login_as(Role.CURATOR)
    response = client.get("/api/v1/items?campaign=%00")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == (
        "control_characters"
    )


def _id_routes(app: Flask) -> list[tuple[str, str]]:
    """Every route with an id in its path, with the id given as 10**25, and its method."""
    routes = []
    for rule in app.url_map.iter_rules():
        ids = [
            name
            for name, conv in rule._converters.items()
            if type(conv).__name__.startswith("RecordId")
        ]
        if not ids:
            continue
        values: dict[str, Any] = {name: 1 for name in rule.arguments}
        for name in ids:
            values[name] = 10**25
        for name in rule.arguments - set(ids):
            values[name] = "original" if name == "rendition" else "x"
        path = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        method = (
            "GET"
            if "GET" in (rule.methods or ())
            else sorted((rule.methods or {"POST"}) - {"OPTIONS", "HEAD"})[0]
        )
        routes.append((method, path))
    return routes


def test_ids_beyond_any_column_are_not_found_everywhere(app: Flask) -> None:
    client = app.test_client()
    user = factories.make_user(Role.ADMIN)
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    routes = _id_routes(app)
    assert len(routes) >= 25
    for method, path in routes:
        response = client.open(path, method=method)
        assert response.status_code == 404, (method, path, response.status_code)
        past = path.replace(str(10**25), str(2**31))
        assert client.open(past, method=method).status_code == 404, (method, past)
    assert client.get("/items/²").status_code == 404


def test_ids_in_forms_are_checked(client: FlaskClient, login_as) -> None:
    login_as(Role.CURATOR)
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    for value in ("²", "9999999999999999999999999", "-1", "1e3"):
        bulk = client.post(
            "/review/bulk", data={"item_id": [value, str(item.id)], "action": "claim"}
        )
        assert bulk.status_code < 500, value
        selection = client.post("/library/selection", data={"item_id": value, "action": "add"})
        assert selection.status_code == 302, value


def test_a_pasted_vertical_tab_does_not_break_the_campaign_feed(
    app: Flask, client: FlaskClient, login_as, drain
) -> None:
    login_as(Role.CURATOR)
    campaign = factories.make_campaign()
    item = factories.make_item(status=ItemStatus.APPROVED, campaigns=[campaign])
    item.title = "第一行\x0b第二行"  # as it was stored before the gate
    db.session.commit()
    feed = client.get(f"/campaigns/{campaign.slug}/feed.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "第一行\n第二行" in titles
