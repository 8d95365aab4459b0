"""Facet counts estimated over the cap of hits (the PostgreSQL search backend) read as
approximate: 约 12.3 万 on the page, `facets_estimated` in the API."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kitchen.enums import ItemStatus
from kitchen.labels import approximate_count
from kitchen.models import Role
from tests import factories
from tests.conftest import USE_PG_SEARCH


@pytest.mark.parametrize(
    ("locale", "count", "shown"),
    [
        ("zh_CN", 123_456, "约 12.3 万"),
        ("zh_CN", 10_000, "约 1 万"),
        ("zh_CN", 8_766, "约 8,770"),
        ("en", 123_456, "about 123,000"),
        ("en", 42, "about 42"),
    ],
)
def test_approximate_counts_read_as_people_say_them(app: Flask, locale, count, shown) -> None:
    with app.test_request_context(headers={"Accept-Language": locale.replace("_", "-")}):
        from flask import session

        session["locale"] = locale
        from flask_babel import refresh

        refresh()
        assert approximate_count(count) == shown


@pytest.mark.skipif(not USE_PG_SEARCH, reason="the cap is the PostgreSQL search backend's")
def test_estimated_facets_are_marked_on_the_page_and_in_the_api(
    app: Flask, client: FlaskClient, login_as, monkeypatch
) -> None:
    from kitchen.search import pg_backend

    submitter = factories.make_user(Role.CONTRIBUTOR)
    for number in range(30):
        factories.make_item(submitter, title=f"院士的故事{number}", status=ItemStatus.APPROVED)
    login_as(Role.JOURNALIST)
    exact = client.get("/library/?q=院士").get_data(as_text=True)
    assert '<span class="text-muted">30</span>' in exact
    assert '<span class="text-muted">约' not in exact
    monkeypatch.setattr(pg_backend, "FACET_CAP", 10)  # 30 hits: counted over a third of them
    page = client.get("/library/?q=院士").get_data(as_text=True)
    assert re.search(r'<span class="text-muted">约 \d+</span>', page)
    answer = client.get("/api/v1/search?q=院士").get_json()
    assert answer["total"] == 30 and answer["facets_estimated"] is True
