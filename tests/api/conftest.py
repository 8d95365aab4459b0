"""API fixtures: people of every role with a token each, their items, and a Bearer helper."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kitchen.models import ItemKind, ItemStatus, Role, User
from kitchen.services import people, selections, tokens, uploads
from tests import factories, samples

ROLES = ("contributor", "other_contributor", "curator", "journalist", "admin")


@dataclass
class ApiWorld:
    """Two organisations' people with tokens, items in several states, a file and a campaign."""

    users: dict[str, User]
    tokens: dict[str, str]
    ids: dict[str, object] = field(default_factory=dict)


def make_world() -> ApiWorld:
    """Build the world in the current app."""
    org_a, org_b = factories.make_org(), factories.make_org()
    users = {
        "contributor": factories.make_user(Role.CONTRIBUTOR, organization=org_a),
        "other_contributor": factories.make_user(Role.CONTRIBUTOR, organization=org_b),
        "curator": factories.make_user(Role.CURATOR),
        "journalist": factories.make_user(Role.JOURNALIST),
        "admin": factories.make_user(Role.ADMIN),
    }
    plain = {role: tokens.create_token(user, f"{role} 的脚本")[1] for role, user in users.items()}
    revoked, plain["revoked"] = tokens.create_token(users["contributor"], "已撤销")
    tokens.revoke_token(users["contributor"], revoked.id)
    campaign = factories.make_campaign()
    photos = factories.make_item(users["contributor"], kind=ItemKind.PHOTO, title="实验室开放日")
    media = uploads.add_file(users["contributor"], photos, io.BytesIO(samples.png()), "开放日.png")
    expert = people.save_person(
        users["curator"], people.PersonData("王建国", consent_featured=True, is_expert=True)
    )
    private = people.save_person(users["curator"], people.PersonData("扎西"))
    approved = factories.make_item(users["other_contributor"], status=ItemStatus.APPROVED)
    desk = selections.create(users["journalist"], "采访素材")
    selections.share(users["journalist"], desk, users["contributor"].email, can_edit=False)
    ids = {
        "collection": desk.id,
        "person": expert.id,
        "private_person": private.id,
        "draft": factories.make_item(users["contributor"]).id,
        "submitted": factories.make_item(users["contributor"], status=ItemStatus.SUBMITTED).id,
        "approved": approved.id,
        "photos": photos.id,
        "file": media.id,
        "org": org_a.id,
        "slug": campaign.slug,
    }
    return ApiWorld(users=users, tokens=plain, ids=ids)


@pytest.fixture
def world(app: Flask) -> ApiWorld:
    """The API world in the test's app."""
    return make_world()


Call = Callable[..., TestResponse]


@pytest.fixture
def call(client: FlaskClient, world: ApiWorld) -> Call:
    """Call the API as a role ("none": no token; "revoked": a revoked token)."""

    def run(method: str, path: str, role: str = "contributor", **kwargs: object) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if role != "none":
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        url = "/api/v1" + path.format(**world.ids)
        response = client.open(url, method=method, headers=headers, **kwargs)  # type: ignore[arg-type]
        response.get_data()
        response.close()
        return response

    return run
