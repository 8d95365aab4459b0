"""Small factories with defaults and overrides; each commits what it makes."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from kitchen.extensions import db
from kitchen.models import (
    Campaign,
    Item,
    ItemKind,
    ItemStatus,
    Organization,
    OrgKind,
    Person,
    Role,
    User,
    utcnow,
)

PASSWORD = "correct-horse-9"
_counter = itertools.count(1)
# A cheap hash keeps the suite fast; production uses werkzeug's default (scrypt).
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def make_org(**overrides: Any) -> Organization:
    """An active provincial association with a unique Chinese name."""
    n = next(_counter)
    values: dict[str, Any] = {
        "name": f"测试省科学技术协会{n}",
        "kind": OrgKind.PROVINCIAL,
        "region": "测试省",
    }
    values.update(overrides)
    org = Organization(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(role: Role | str = Role.CONTRIBUTOR, **overrides: Any) -> User:
    """A user of the role; contributors and journalists get an organisation if none is given."""
    role = Role(role)
    n = next(_counter)
    values: dict[str, Any] = {
        "email": f"{role.value}{n}@test.example.com",
        "display_name": f"测试用户{n}",
        "role": role,
        "password_hash": _HASH,
    }
    if "organization" not in overrides and "organization_id" not in overrides:
        values["organization"] = make_org() if role in (Role.CONTRIBUTOR, Role.JOURNALIST) else None
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_campaign(**overrides: Any) -> Campaign:
    """An open campaign."""
    n = next(_counter)
    values: dict[str, Any] = {
        "slug": f"campaign-{n}",
        "name": f"测试活动{n}",
        "description": "测试用的宣传活动",
        "is_open": True,
    }
    values.update(overrides)
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def make_person(**overrides: Any) -> Person:
    """A confirmed person of the directory who agreed to be featured."""
    n = next(_counter)
    values: dict[str, Any] = {"name": f"测试人{n}", "consent_featured": True}
    values.update(overrides)
    person = Person(**values)
    db.session.add(person)
    db.session.commit()
    return person


def make_expert(curator: User, contact: str = "宣传科 010-6840 0000") -> Person:
    """王建国 of the national meteorological centre, saved by a curator: an expert in the
    directory who agreed to be featured and contacted by the media."""
    from kitchen.services import people

    return people.save_person(
        curator,
        people.PersonData(
            "王建国",
            title="首席预报员",
            affiliation="中国气象局国家气象中心",
            disciplines=["meteorology"],
            region="北京",
            consent_featured=True,
            contact=contact,
            is_expert=True,
            media_contact_ok=True,
        ),
    )


def make_item(submitter: User | None = None, **overrides: Any) -> Item:
    """A story of the submitter's organisation, as a draft unless a status is given."""
    submitter = submitter or make_user(Role.CONTRIBUTOR)
    status = ItemStatus(overrides.pop("status", ItemStatus.DRAFT))
    values: dict[str, Any] = {
        "kind": ItemKind.STORY,
        "title": "科学家精神代代相传",
        "summary": "一位老科学家的故事",
        "body": "他把一生献给了科学事业。",
        "credit_line": "测试科协 文/张三",
        "organization_id": submitter.organization_id,
        "submitter_id": submitter.id,
        "status": status,
        "consent_confirmed": True,
    }
    if status != ItemStatus.DRAFT:
        values["submitted_at"] = values["first_submitted_at"] = utcnow()
    if status == ItemStatus.APPROVED:
        values["approved_at"] = utcnow()
    values.update(overrides)
    item = Item(**values)
    db.session.add(item)
    db.session.commit()
    return item


def upload(client: FlaskClient, item_id: int, name: str, data: bytes) -> TestResponse:
    """Send a file as the page's uploader does: the raw body, its name in X-File-Name."""
    return client.post(
        f"/submit/{item_id}/files",
        data=data,
        headers={
            "X-File-Name": quote(name),
            "Content-Type": "application/octet-stream",
            "X-Requested-With": "XMLHttpRequest",
        },
    )
