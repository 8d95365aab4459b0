"""The journalists' library: search follows the workflow, scopes, facets, selections, imports."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import (
    DownloadEvent,
    Item,
    ItemKind,
    ItemStatus,
    Job,
    Organization,
    Role,
)
from kitchen.services import curation, indexing, library, uploads, workflow
from kitchen.services.workflow import Move
from tests import factories, samples
from tests.conftest import drain_queue


def _ids(user, text: str = "", **filters) -> list[int]:
    drain_queue(current_app)  # what the services queued reaches the index, as the worker does
    return [h.id for h in library.search(user, text, per_page=100, filters=filters).hits]


def _story(**overrides) -> Item:
    return factories.make_item(**overrides)


def test_index_follows_approve_correct_and_withdraw(app: Flask) -> None:
    journalist = factories.make_user(Role.JOURNALIST)
    curator = factories.make_user(Role.CURATOR)
    item = _story(status=ItemStatus.SUBMITTED, title="乡村振兴中的农技专家")
    assert _ids(journalist, "农技专家") == []
    workflow.apply(curator, item, Move.APPROVE)
    assert _ids(journalist, "农技专家") == [item.id]
    correction = curation.Corrections(
        title="高原上的气象观测员",
        summary=item.summary,
        credit_line=item.credit_line,
        usage_terms=item.usage_terms.value,
        people=item.people,
        keywords=item.keywords,
    )
    curation.review(curator, item, correction, None)
    assert _ids(journalist, "农技专家") == [] and _ids(journalist, "气象观测员") == [item.id]
    workflow.apply(curator, item, Move.WITHDRAW, "肖像权问题")
    assert _ids(journalist, "气象观测员") == []
    assert _ids(curator, "气象观测员", status="withdrawn") == [item.id]


def test_scopes_match_the_access_rules(app: Flask) -> None:
    own = factories.make_user(Role.CONTRIBUTOR)
    draft = _story(submitter=own, title="本单位的草稿科学家")
    other_draft = _story(title="别的单位的草稿科学家")
    public = _story(status=ItemStatus.APPROVED, title="已采用的科学家故事")
    assert sorted(_ids(own, "科学家")) == sorted([draft.id, public.id])
    assert _ids(factories.make_user(Role.JOURNALIST), "科学家") == [public.id]
    everything = sorted([draft.id, other_draft.id, public.id])
    assert sorted(_ids(factories.make_user(Role.CURATOR), "科学家")) == everything
    assert sorted(_ids(factories.make_user(Role.ADMIN), "科学家")) == everything


def test_facet_counts_equal_database_counts(app: Flask) -> None:
    campaign = factories.make_campaign()
    for n in range(6):
        _story(
            status=ItemStatus.APPROVED,
            title=f"科普日现场{n}",
            kind=ItemKind.PHOTO if n % 2 else ItemKind.STORY,
            campaigns=[campaign] if n < 4 else [],
        )
    _story(status=ItemStatus.SUBMITTED, title="科普日待审")
    drain_queue(current_app)
    results = library.search(factories.make_user(Role.JOURNALIST), "科普日")
    facets = {
        name: {value: count for value, _label, count in rows}
        for name, rows in results.facets.items()
    }
    approved = Item.status == ItemStatus.APPROVED
    by_kind = dict(
        db.session.execute(
            select(Item.kind, func.count()).where(approved).group_by(Item.kind)
        ).all()
    )
    assert facets["kind"] == {k.value: n for k, n in by_kind.items()}
    assert facets["campaign"] == {campaign.slug: 4}
    assert results.total == 6


def test_search_page_chips_and_malformed_queries(client: FlaskClient, login_as) -> None:
    campaign = factories.make_campaign(name="科学家精神")
    _story(status=ItemStatus.APPROVED, title="院士的一天", campaigns=[campaign])
    _story(status=ItemStatus.APPROVED, title="院士的另一天")
    login_as(Role.JOURNALIST)
    page = client.get("/library/?q=院士").get_data(as_text=True)
    assert "共 2 条结果" in page and "<mark>院士</mark>" in page
    narrowed = client.get(f"/library/?q=院士&campaign={campaign.slug}").get_data(as_text=True)
    assert "共 1 条结果" in narrowed and "宣传活动：科学家精神" in narrowed
    for bad in ['"', "-", "AND OR", "(((", "*", "🔬" * 50, "x" * 5000, "title:", "院士 -"]:
        assert client.get("/library/", query_string={"q": bad}).status_code == 200
    assert client.get("/library/?page=99999&year=abc&org=x").status_code == 200


def test_empty_query_shows_featured_and_latest(client: FlaskClient, login_as) -> None:
    _story(status=ItemStatus.APPROVED, title="精选的故事", featured=True)
    login_as(Role.JOURNALIST)
    page = client.get("/library/").get_data(as_text=True)
    assert 'data-testid="featured"' in page and "精选的故事" in page


def test_selection_zip_has_files_and_credits(client: FlaskClient, login_as, app: Flask) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, kind=ItemKind.PHOTO, credit_line="某科协 摄影/王五")
    media = uploads.add_file(owner, item, io.BytesIO(samples.photo()), "科普日合影.jpg")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    journalist = login_as(Role.JOURNALIST)
    client.post("/library/selection", data={"action": "add", "item_id": item.id})
    response = client.get("/library/selection.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "credits.txt" in names
    photo = next(n for n in names if n.endswith("科普日合影.jpg"))
    entry, original = archive.read(photo), samples.photo()
    # The picture itself (from the start of scan on) is untouched; the credit went in before it.
    assert entry[entry.index(b"\xff\xda") :] == original[original.index(b"\xff\xda") :]
    assert "科普日".encode() in entry[: entry.index(b"\xff\xda")] or b"photoshop" in entry
    credits = archive.read("credits.txt").decode("utf-8")
    assert "某科协 摄影/王五" in credits and "媒体可使用，须署名" in credits
    logged = db.session.scalars(select(DownloadEvent)).all()
    assert [(d.user_id, d.file_id, d.via) for d in logged] == [(journalist.id, media.id, "zip")]


def test_downloads_are_logged(client: FlaskClient, login_as) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, kind=ItemKind.PHOTO)
    media = uploads.add_file(owner, item, io.BytesIO(samples.photo()), "a.jpg")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    user = login_as(Role.JOURNALIST)
    client.get(f"/files/{media.id}/thumb")  # shown in a page: not a download
    client.get(f"/files/{media.id}/web?download=1")
    client.get(f"/files/{media.id}/original?download=1")
    rows = db.session.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
    assert [(r.user_id, r.item_id, r.rendition) for r in rows] == [
        (user.id, item.id, "web"),
        (user.id, item.id, "original"),
    ]


def test_index_failure_keeps_the_change_and_is_retried(
    app: Flask, client: FlaskClient, login_as, monkeypatch
) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED, title="索引失败的故事")
    curator = factories.make_user(Role.CURATOR)
    drain_queue(current_app)

    def broken(docs) -> None:
        raise OSError("disk full")

    workflow.apply(curator, item, Move.APPROVE)
    monkeypatch.setattr(indexing.service().backend, "index", broken)
    drain_queue(current_app)
    monkeypatch.undo()
    item = db.session.get(Item, item.id)
    assert item.status == ItemStatus.APPROVED
    jobs = db.session.scalars(select(Job)).all()
    assert [(j.target_id, j.attempts) for j in jobs] == [(item.id, 1)]
    assert "disk full" in jobs[0].last_error
    login_as(Role.ADMIN)
    page = client.get("/admin/search").get_data(as_text=True)
    assert 'data-testid="backlog"' in page and "disk full" in page
    client.post("/admin/search")  # due again now
    assert _ids(factories.make_user(Role.JOURNALIST), "索引失败") == [item.id]
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_reindex_gives_the_same_results(app: Flask, runner: FlaskCliRunner) -> None:
    for n in range(5):
        _story(status=ItemStatus.APPROVED, title=f"科学家精神第{n}篇")
    journalist = factories.make_user(Role.JOURNALIST)
    before = sorted(_ids(journalist, "科学家精神"))
    result = runner.invoke(args=["kitchen", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 5 items" in result.output
    assert sorted(_ids(journalist, "科学家精神")) == before


def test_import_reports_bad_lines_and_keeps_the_good(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    factories.make_user(Role.ADMIN)
    good = {
        "kind": "story",
        "title": "导入的院士故事",
        "summary": "摘要",
        "body": "正文里有院士。",
        "people": ["张院士"],
        "keywords": ["院士", "科学家精神"],
        "campaigns": ["new-call"],
        "org": "新来的学会",
        "credit": "新来的学会 文/某人",
        "event_date": "2024-05-30",
        "status": "approved",
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        "{not json",
        json.dumps({**good, "title": ""}, ensure_ascii=False),
        json.dumps({**good, "kind": "poem"}, ensure_ascii=False),
        json.dumps({**good, "title": "第二个导入", "status": "submitted"}, ensure_ascii=False),
    ]
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(args=["kitchen", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 items." in result.output
    assert "新来的学会" in result.output and "new-call" in result.output
    for number in (2, 3, 4):
        assert f"Line {number}:" in result.output
    assert db.session.scalar(select(func.count(Organization.id))) == 1
    journalist = factories.make_user(Role.JOURNALIST)
    assert len(_ids(journalist, "院士")) == 1  # approved one searchable at once


@pytest.mark.parametrize("role", [Role.JOURNALIST, Role.CONTRIBUTOR, Role.CURATOR, Role.ADMIN])
def test_every_role_can_search(client: FlaskClient, login_as, role: Role) -> None:
    login_as(role)
    assert client.get("/library/?q=科学家").status_code == 200


def test_campaign_names_are_searched_below_the_items_own_words(app: Flask) -> None:
    journalist = factories.make_user(Role.JOURNALIST)
    fupin = factories.make_campaign(slug="dingdian-fupin", name="定点扶贫")
    kangyi = [factories.make_campaign(name=n) for n in ("抗疫科普行动", "抗疫一线科技工作者")]
    tagged = _story(status=ItemStatus.APPROVED, title="山区的科技特派员", body="种植技术。")
    tagged.campaigns = [fupin]
    own_words = _story(status=ItemStatus.APPROVED, title="科技扶贫的一年", body="扶贫路上。")
    both = [_story(status=ItemStatus.APPROVED, title=f"社区讲座{n}") for n in range(2)]
    for item, campaign in zip(both, kangyi, strict=True):
        item.campaigns = [campaign]
    db.session.commit()
    assert _ids(journalist, "扶贫") == [own_words.id, tagged.id]  # the item's own text first
    assert sorted(_ids(journalist, "抗疫")) == sorted(i.id for i in both)
    assert _ids(journalist, "扶贫", campaign="dingdian-fupin") == [tagged.id]
    # A renamed campaign is found by its new name (its items are indexed again).
    fupin.name = "乡村振兴"
    db.session.commit()
    assert _ids(journalist, "乡村振兴") == [tagged.id] and _ids(journalist, "扶贫") == [
        own_words.id
    ]


def test_a_date_range_filters_on_the_event_date_else_the_approval_date(
    app: Flask, client: FlaskClient, login_as
) -> None:
    from datetime import UTC, date, datetime

    spring = _story(status=ItemStatus.APPROVED, title="春天的科普日", event_date=date(2026, 3, 12))
    autumn = _story(status=ItemStatus.APPROVED, title="秋天的科普日", event_date=date(2026, 9, 20))
    undated = _story(
        status=ItemStatus.APPROVED,
        title="没有日期的科普日",
        approved_at=datetime(2026, 5, 1, 8, tzinfo=UTC),
    )
    journalist = factories.make_user(Role.JOURNALIST)
    drain_queue(current_app)

    def ids(start: date | None, end: date | None) -> list[int]:
        found = library.search(journalist, "科普日", per_page=100, dates=(start, end))
        return sorted(h.id for h in found.hits)

    assert ids(date(2026, 3, 12), date(2026, 5, 1)) == sorted([spring.id, undated.id])
    assert ids(date(2026, 5, 2), None) == [autumn.id]
    assert ids(None, date(2026, 3, 11)) == []
    results = library.search(journalist, "", dates=(date(2026, 1, 1), date(2026, 6, 30)))
    assert results.total == 2
    assert dict((v, n) for v, _label, n in results.facets["kind"]) == {"story": 2}
    login_as(user=journalist)
    page = client.get("/library/?q=科普日&from=2026-09-01&to=2026-09-30").get_data(as_text=True)
    assert "秋天的" in page and "春天的" not in page  # titles carry <mark>科普日</mark>
    bad = client.get("/library/?q=科普日&from=2026-02-30")
    assert bad.status_code == 200 and 'data-testid="date-error"' in bad.get_data(as_text=True)
    api = client.get("/api/v1/search?q=科普日&from=2026-09-01")
    assert api.status_code == 200 and [r["id"] for r in api.get_json()["results"]] == [autumn.id]
    assert client.get("/api/v1/search?from=2026-09-31").status_code == 422


def test_nothing_found_offers_the_closest_campaigns_and_people(
    client: FlaskClient, login_as
) -> None:
    factories.make_campaign(name="全国科普日")
    factories.make_person(name="钱学森")
    factories.make_person(name="钱三强", consent_featured=False)  # not for media accounts
    login_as(Role.JOURNALIST)
    page = client.get("/library/?q=科普周").get_data(as_text=True)
    assert 'data-testid="no-results"' in page and 'data-testid="closest-campaign"' in page
    assert "全国科普日" in page
    people = client.get("/library/?q=钱学").get_data(as_text=True)
    assert "钱学森" in people and "钱三强" not in people


def test_the_journalists_home_has_a_search_box_and_thumbnails(
    client: FlaskClient, login_as, app: Flask
) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, kind=ItemKind.PHOTO, title="首页的缩略图")
    uploads.add_file(owner, item, io.BytesIO(samples.photo()), "a.jpg")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    factories.make_item(
        owner, status=ItemStatus.APPROVED, title="内部的首页条目", usage_terms="internal_only"
    )
    drain_queue(app)
    login_as(Role.JOURNALIST)
    page = client.get("/home").get_data(as_text=True)
    assert 'data-testid="home-search-box"' in page and 'data-testid="home-card"' in page
    assert "首页的缩略图" in page and "/thumb" in page
    assert "内部的首页条目" not in page
