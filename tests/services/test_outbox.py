"""The search outbox: every change that alters what search shows queues its item, in the same
transaction; the worker brings the index to the database's state, whatever the order."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, Job, JobKind, Role, utcnow
from kitchen.services import (
    accounts,
    campaigns,
    curation,
    indexing,
    library,
    submission,
    uploads,
    worker,
    workflow,
)
from kitchen.services.errors import ValidationError
from kitchen.services.workflow import Move
from tests import factories, samples
from tests.services.test_curation import corrections


def index_jobs(item_id: int) -> int:
    """How many index jobs wait for the item."""
    query = select(func.count(Job.id)).where(
        Job.kind == JobKind.INDEX.value, Job.target_id == item_id
    )
    return db.session.scalar(query) or 0


def found(user, text: str, **filters) -> list[int]:
    """Ids a search finds for the user (without draining the queue first)."""
    return [h.id for h in library.search(user, text, per_page=100, filters=filters).hits]


def _data(item: Item, **changes) -> submission.ItemData:
    values = {
        "kind": item.kind.value,
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "credit_line": item.credit_line,
        "consent_confirmed": True,
    }
    values.update(changes)
    return submission.ItemData(**values)


def _curator() -> object:
    return factories.make_user(Role.CURATOR)


# Every service that changes an item: (name, the state it starts in, the change).
CHANGES: list[tuple[str, ItemStatus, Callable[[Item], object]]] = [
    (
        "edit",
        ItemStatus.DRAFT,
        lambda i: submission.update_item(i.submitter, i, _data(i, body="改写后的正文")),
    ),
    ("submit", ItemStatus.DRAFT, lambda i: submission.submit_item(i.submitter, i)),
    ("retract", ItemStatus.SUBMITTED, lambda i: submission.retract_item(i.submitter, i)),
    ("approve", ItemStatus.SUBMITTED, lambda i: workflow.apply(_curator(), i, Move.APPROVE)),
    (
        "request changes",
        ItemStatus.SUBMITTED,
        lambda i: workflow.apply(_curator(), i, Move.REQUEST_CHANGES, "请补充"),
    ),
    ("reject", ItemStatus.SUBMITTED, lambda i: workflow.apply(_curator(), i, Move.REJECT, "重复")),
    ("withdraw", ItemStatus.APPROVED, lambda i: workflow.apply(_curator(), i, Move.WITHDRAW, "撤")),
    (
        "correct",
        ItemStatus.APPROVED,
        lambda i: curation.review(_curator(), i, corrections(i, title="改过的标题"), None),
    ),
    (
        "feature",
        ItemStatus.APPROVED,
        lambda i: curation.review(_curator(), i, corrections(i, featured=True), None),
    ),
    (
        "tag",
        ItemStatus.APPROVED,
        lambda i: curation.bulk_tag(_curator(), [i.id], [factories.make_campaign().slug]),
    ),
    (
        "add file",
        ItemStatus.DRAFT,
        lambda i: uploads.add_file(i.submitter, i, io.BytesIO(samples.photo()), "照片.jpg"),
    ),
]


@pytest.mark.parametrize("name, status, change", CHANGES, ids=[c[0] for c in CHANGES])
def test_every_change_queues_its_item_in_the_same_transaction(
    app: Flask, name: str, status: ItemStatus, change
) -> None:
    item = factories.make_item(status=status)
    worker.drain()
    assert index_jobs(item.id) == 0
    change(item)
    assert index_jobs(item.id) >= 1, name


def test_a_new_item_is_queued_and_found_only_once_the_worker_ran(app: Flask, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = submission.create_item(
        contributor,
        submission.ItemData(
            kind="story", title="青藏高原上的气象站", body="守站三十年", credit_line="某"
        ),
    )
    assert index_jobs(item.id) == 1
    assert found(contributor, "气象站") == []  # the request wrote nothing to the index
    drain()
    assert found(contributor, "气象站") == [item.id]
    assert index_jobs(item.id) == 0


def test_captions_and_removed_files_are_queued(app: Flask, drain) -> None:
    item = factories.make_item(kind=ItemKind.PHOTO)
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "a.jpg")
    drain()
    uploads.set_caption(item.submitter, media, "实验室一角")
    assert index_jobs(item.id) == 1
    drain()
    uploads.remove_file(item.submitter, media)
    assert index_jobs(item.id) == 1


def test_what_search_does_not_show_queues_nothing(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    worker.drain()
    workflow.claim(_curator(), item)
    assert index_jobs(item.id) == 0
    draft = factories.make_item()
    worker.drain()
    submission.update_item(draft.submitter, draft, _data(draft))  # saved without a change
    assert index_jobs(draft.id) == 0


def test_a_refused_change_leaves_no_job(app: Flask) -> None:
    item = factories.make_item()
    worker.drain()
    with pytest.raises(ValidationError):
        submission.update_item(item.submitter, item, _data(item, title=""))
    db.session.rollback()
    assert index_jobs(item.id) == 0


def test_a_renamed_campaign_moves_its_items_to_the_new_slug(app: Flask, drain) -> None:
    campaign = factories.make_campaign(slug="kepu-2026")
    items = [
        factories.make_item(
            status=ItemStatus.APPROVED, title=f"科普日报道{n}", campaigns=[campaign]
        )
        for n in range(3)
    ]
    journalist = factories.make_user(Role.JOURNALIST)
    drain()
    assert sorted(found(journalist, "科普日", campaign="kepu-2026")) == [i.id for i in items]
    data = campaigns.CampaignData(slug="quanguo-kepu-ri", name=campaign.name, is_open=True)
    campaigns.save_campaign(data, factories.make_user(Role.ADMIN), campaign)
    assert sum(index_jobs(i.id) for i in items) == 3  # one statement queued every member
    drain()
    assert found(journalist, "科普日", campaign="kepu-2026") == []
    assert sorted(found(journalist, "科普日", campaign="quanguo-kepu-ri")) == [i.id for i in items]
    results = library.search(journalist, "科普日")
    assert dict((v, n) for v, _label, n in results.facets["campaign"]) == {"quanguo-kepu-ri": 3}


def test_a_renamed_organisation_queues_its_items(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    worker.drain()
    org = item.organization
    data = accounts.OrgData(name="改名后的科协", kind=org.kind.value, region=org.region)
    accounts.save_org(data, factories.make_user(Role.ADMIN), org)
    assert index_jobs(item.id) == 1


def test_an_english_only_story_is_found_by_its_words(app: Flask, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    data = submission.ItemData(
        kind="story",
        title="Open science at the Belt and Road forum",
        body="Quantum computing 2026",
        credit_line="CAST",
    )
    item = submission.create_item(contributor, data)
    digits = submission.create_item(
        contributor, submission.ItemData(kind="story", title="2026", body="12345", credit_line="c")
    )
    drain()
    assert found(contributor, "quantum") == [item.id]
    assert found(contributor, '"open science"') == [item.id]
    assert found(contributor, "12345") == [digits.id]
    assert db.session.scalar(select(func.count(Job.id))) == 0


@pytest.mark.parametrize("first_later", [True, False], ids=["later-first", "earlier-first"])
def test_two_changes_drained_in_either_order_end_in_the_database_state(
    app: Flask, drain, first_later: bool
) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED, title="高铁上的工程师")
    curator, journalist = _curator(), factories.make_user(Role.JOURNALIST)
    drain()
    workflow.apply(curator, item, Move.APPROVE)
    workflow.apply(curator, item, Move.WITHDRAW, "肖像权")
    rows = db.session.scalars(select(Job).where(Job.target_id == item.id).order_by(Job.id)).all()
    approve_row, withdraw_row = rows
    held_back = approve_row if first_later else withdraw_row
    later = utcnow() + timedelta(hours=1)
    db.session.execute(update(Job).where(Job.id == held_back.id).values(run_after=later))
    db.session.commit()
    drain()  # only the other row is due: it is handled first
    db.session.execute(update(Job).where(Job.id == held_back.id).values(run_after=utcnow()))
    db.session.commit()
    drain()
    assert db.session.scalar(select(func.count(Job.id))) == 0
    assert found(journalist, "工程师") == []
    assert found(curator, "工程师", status="withdrawn") == [item.id]
    assert indexing.check().clean


def test_a_failing_item_never_blocks_the_others(app: Flask, drain, monkeypatch) -> None:
    good = factories.make_item(status=ItemStatus.APPROVED, title="好的故事")
    bad = factories.make_item(status=ItemStatus.APPROVED, title="坏的故事")
    backend = indexing.service().backend
    original = backend.index

    def fussy(docs):
        docs = list(docs)
        if any(d.id == bad.id for d in docs):
            raise RuntimeError("cannot index this one")
        return original(docs)

    monkeypatch.setattr(backend, "index", fussy)
    drain()
    journalist = factories.make_user(Role.JOURNALIST)
    assert found(journalist, "好的故事") == [good.id]
    (job,) = db.session.scalars(select(Job)).all()
    assert (job.target_id, job.attempts, job.gave_up) == (bad.id, 1, False)
    assert "cannot index this one" in job.last_error
    assert job.run_after > utcnow()  # backoff: not retried at once
    assert worker.drain() == 0
