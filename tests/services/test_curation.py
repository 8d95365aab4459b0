"""Curators' corrections, campaigns, featuring, bulk work and the queue."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemKind, ItemStatus, Review, Role, utcnow
from kitchen.services import curation, uploads
from kitchen.services.curation import Corrections, QueueFilter
from kitchen.services.errors import Forbidden, ValidationError
from kitchen.services.workflow import Move
from tests import factories, samples


def corrections(item: Item, **overrides: object) -> Corrections:
    values: dict[str, object] = {
        "title": item.title,
        "summary": item.summary,
        "credit_line": item.credit_line,
        "usage_terms": item.usage_terms.value,
        "people": item.people,
        "keywords": item.keywords,
        "campaigns": [c.slug for c in item.campaigns],
        "featured": item.featured,
    }
    values.update(overrides)
    return Corrections(**values)  # type: ignore[arg-type]


def test_corrections_and_decision_are_recorded_together(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    closed = factories.make_campaign(is_open=False)
    curator = factories.make_user(Role.CURATOR)
    changes = curation.review(
        curator,
        item,
        corrections(
            item,
            title="更准确的标题",
            credit_line="某科协 文/张三 摄影/李四",
            campaigns=[closed.slug],
            featured=True,
        ),
        Move.APPROVE,
        "",
    )
    assert set(changes) == {"title", "credit_line", "campaigns", "featured"}
    assert item.status == ItemStatus.APPROVED and item.featured
    assert [c.slug for c in item.campaigns] == [closed.slug]  # curators may use closed ones
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.correct")).one()
    assert event.details["changes"]["title"] == ["科学家精神代代相传", "更准确的标题"]


def test_a_refused_decision_keeps_the_corrections_out(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    curator = factories.make_user(Role.CURATOR)
    with pytest.raises(ValidationError):
        curation.review(curator, item, corrections(item, title="不该保存"), Move.REJECT, "")
    db.session.expire_all()
    fresh = db.session.get(Item, item.id)
    assert fresh.title == "科学家精神代代相传" and fresh.status == ItemStatus.SUBMITTED
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_bad_corrections_change_nothing(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    curator = factories.make_user(Role.CURATOR)
    for bad in ({"title": ""}, {"usage_terms": "free-for-all"}, {"campaigns": ["nope"]}):
        with pytest.raises(ValidationError):
            curation.review(curator, item, corrections(item, **bad), None)
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "科学家精神代代相传"


def test_only_curators_correct(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    for role in (Role.CONTRIBUTOR, Role.JOURNALIST, Role.ADMIN):
        with pytest.raises(Forbidden):
            curation.review(factories.make_user(role), item, corrections(item, title="x"), None)


def test_bulk_approve_goes_through_the_guard(app: Flask) -> None:
    waiting = [factories.make_item(status=ItemStatus.SUBMITTED) for _ in range(3)]
    draft = factories.make_item()
    curator = factories.make_user(Role.CURATOR)
    result = curation.bulk_decide(
        curator, [i.id for i in waiting] + [draft.id, 999999], Move.APPROVE
    )
    assert sorted(result.done) == sorted(i.id for i in waiting)
    assert [i for i, _ in result.failed] == [draft.id, 999999]
    assert db.session.scalar(select(func.count(Review.id))) == 3


def test_bulk_tag_adds_campaigns(app: Flask) -> None:
    items = [factories.make_item(status=ItemStatus.SUBMITTED) for _ in range(2)]
    campaign = factories.make_campaign()
    curator = factories.make_user(Role.CURATOR)
    result = curation.bulk_tag(curator, [i.id for i in items], [campaign.slug])
    assert len(result.done) == 2
    db.session.expire_all()
    assert all(
        campaign.slug in [c.slug for c in db.session.get(Item, i.id).campaigns] for i in items
    )
    with pytest.raises(ValidationError):
        curation.bulk_tag(curator, [items[0].id], ["no-such-campaign"])


def test_queue_is_oldest_first_with_filters_counts_and_duplicates(app: Flask) -> None:
    now = utcnow()
    old = factories.make_item(status=ItemStatus.SUBMITTED, submitted_at=now - timedelta(days=3))
    new = factories.make_item(status=ItemStatus.SUBMITTED, submitted_at=now, kind=ItemKind.PHOTO)
    factories.make_item(status=ItemStatus.APPROVED)
    curator = factories.make_user(Role.CURATOR)
    assert [i.id for i in curation.queue(curator, QueueFilter())] == [old.id, new.id]
    assert [i.id for i in curation.queue(curator, QueueFilter(kind="photo"))] == [new.id]
    counts = curation.queue_counts(curator)
    assert counts["kind"] == {"story": 1, "photo": 1}
    owner = factories.make_user(Role.CONTRIBUTOR, organization_id=new.organization_id)
    new.status = ItemStatus.DRAFT
    db.session.commit()
    uploads.add_file(owner, new, io.BytesIO(samples.photo(3)), "a.jpg")
    other = factories.make_item(kind=ItemKind.PHOTO)
    uploads.add_file(other.submitter, other, io.BytesIO(samples.photo(3)), "b.jpg")
    assert curation.items_with_duplicates([new.id, old.id]) == {new.id}
    with pytest.raises(Forbidden):
        curation.queue(factories.make_user(Role.JOURNALIST), QueueFilter())
