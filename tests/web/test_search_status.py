"""/admin/search: the queue's depth, its oldest change, and what fails, for the admins."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select, update

from kitchen.extensions import db
from kitchen.models import ItemStatus, Job, Role, utcnow
from tests import factories


def test_the_page_shows_depth_age_and_failures(client: FlaskClient, login_as) -> None:
    items = [factories.make_item(status=ItemStatus.APPROVED) for _ in range(3)]
    an_hour_ago, later = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=1)
    db.session.execute(update(Job).values(created_at=an_hour_ago, run_after=later))
    first = db.session.scalars(select(Job).where(Job.target_id == items[0].id)).one()
    first.attempts, first.last_error = 3, "OSError: disk full"
    first_id = first.id
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get("/admin/search").get_data(as_text=True)
    assert "3 项修改正在等待后台处理" in page
    assert "最早的一项已等待 1小时" in page
    assert 'data-testid="backlog"' in page and "OSError: disk full" in page
    assert f'href="/items/{items[0].id}"' in page
    response = client.post("/admin/search", follow_redirects=True)
    assert "1 项失败的任务将立即重试" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Job, first_id) is None  # due at once: drained by the next request


def test_an_empty_queue_says_so(client: FlaskClient, login_as) -> None:
    factories.make_item(status=ItemStatus.APPROVED)
    login_as(Role.ADMIN)
    page = client.get("/admin/search").get_data(as_text=True)
    assert 'data-testid="no-backlog"' in page
    assert "检索索引中共有 1 条素材" in page
