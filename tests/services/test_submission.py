"""Creating, editing, submitting and retracting items, through the service."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemKind, ItemStatus, Review, Role
from kitchen.services import submission, uploads
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError
from kitchen.services.submission import ItemData
from tests import factories, samples


def story(**overrides: object) -> ItemData:
    values: dict[str, object] = {
        "kind": "story",
        "title": "扎根大山的乡村教师",
        "summary": "二十年坚守",
        "body": "第一段。\n\n第二段。",
        "credit_line": "某省科协 文/王五",
        "keywords": "乡村，教育、科普",
        "event_date": date(2026, 5, 30),
    }
    values.update(overrides)
    return ItemData(**values)  # type: ignore[arg-type]


def test_create_a_draft_with_chinese_fields(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    campaign = factories.make_campaign()
    item = submission.create_item(user, story(campaigns=[campaign.slug]))
    assert item.status == ItemStatus.DRAFT and item.organization_id == user.organization_id
    assert item.keywords == "乡村, 教育, 科普"
    assert [c.slug for c in item.campaigns] == [campaign.slug]
    assert db.session.scalars(select(AuditEvent.action)).all() == ["item.create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"credit_line": ""}, "credit_line"),
        ({"body": ""}, "body"),
        ({"kind": "poem"}, "kind"),
        ({"usage_terms": "anything"}, "usage_terms"),
        ({"link_url": "javascript:alert(1)"}, "link_url"),
        ({"campaigns": ["no-such-campaign"]}, "campaigns"),
    ],
)
def test_bad_input_creates_nothing(app: Flask, overrides: dict, field: str) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    with pytest.raises(ValidationError) as caught:
        submission.create_item(user, story(**overrides))
    assert caught.value.field == field
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_lead_needs_a_contact(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    with pytest.raises(ValidationError):
        submission.create_item(user, ItemData(kind="lead", title="线索", credit_line="科协"))
    lead = submission.create_item(
        user,
        ItemData(
            kind="lead",
            title="线索",
            credit_line="科协",
            contact_name="赵六",
            contact_info="010-1234",
        ),
    )
    assert lead.kind == ItemKind.LEAD


def test_contributors_only_suggest_open_campaigns(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    closed = factories.make_campaign(is_open=False)
    with pytest.raises(ValidationError):
        submission.create_item(user, story(campaigns=[closed.slug]))


def test_only_contributors_create(app: Flask) -> None:
    for role in (Role.CURATOR, Role.JOURNALIST, Role.ADMIN):
        with pytest.raises(Forbidden):
            submission.create_item(factories.make_user(role), story())


def test_other_organisations_cannot_edit(app: Flask) -> None:
    item = factories.make_item()
    stranger = factories.make_user(Role.CONTRIBUTOR)
    with pytest.raises(NotFound):
        submission.update_item(stranger, item, story())
    colleague = factories.make_user(Role.CONTRIBUTOR, organization_id=item.organization_id)
    submission.update_item(colleague, item, story(title="同事改过的标题"))
    assert item.title == "同事改过的标题"


def test_submit_retract_and_resubmit(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    item = submission.create_item(user, story())
    submission.submit_item(user, item)
    assert item.status == ItemStatus.SUBMITTED and item.submitted_at is not None
    with pytest.raises(ValidationError):
        submission.update_item(user, item, story(title="审核中不能改"))
    submission.retract_item(user, item)
    assert item.status == ItemStatus.DRAFT
    with pytest.raises(Conflict):
        submission.retract_item(user, item)
    moves = db.session.scalars(select(Review.action).order_by(Review.id)).all()
    assert moves == ["submit", "retract"]


def test_photo_needs_files_and_consent_before_submitting(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    item = submission.create_item(
        user, ItemData(kind="photo", title="科普日现场", credit_line="摄影/李四")
    )
    with pytest.raises(ValidationError) as caught:
        submission.submit_item(user, item)
    assert item.status == ItemStatus.DRAFT
    assert "至少一个文件" in str(caught.value.message)
    uploads.add_file(user, item, io.BytesIO(samples.photo()), "现场.jpg")
    item.consent_confirmed = True
    db.session.commit()
    submission.submit_item(user, item)
    assert item.status == ItemStatus.SUBMITTED
