"""The command line: init, org, user, demo; running twice duplicates nothing."""

from __future__ import annotations

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Campaign, Item, Organization, User
from kitchen.services.demo_data import CAMPAIGNS, ORGS, USERS
from kitchen.services.demo_items import ITEMS


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_org_and_user_create_are_idempotent(runner: FlaskCliRunner) -> None:
    for _ in range(2):
        result = runner.invoke(
            args=["kitchen", "org", "create", "--name", "上海市科协", "--kind", "provincial"]
        )
        assert result.exit_code == 0, result.output
        result = runner.invoke(
            args=[
                "kitchen",
                "user",
                "create",
                "--email",
                "a@test.example.com",
                "--password",
                "long-enough-1",
                "--role",
                "contributor",
                "--org",
                "上海市科协",
            ]
        )
        assert result.exit_code == 0, result.output
    assert _count(Organization) == 1 and _count(User) == 1
    assert "already exists" in result.output


def test_user_create_reports_bad_input(runner: FlaskCliRunner) -> None:
    missing_org = runner.invoke(
        args=[
            "kitchen",
            "user",
            "create",
            "--email",
            "b@test.example.com",
            "--password",
            "long-enough-1",
            "--role",
            "contributor",
        ]
    )
    assert missing_org.exit_code != 0 and "该角色必须属于一个单位" in missing_org.output
    short = runner.invoke(
        args=[
            "kitchen",
            "user",
            "create",
            "--email",
            "c@test.example.com",
            "--password",
            "short",
            "--role",
            "curator",
        ]
    )
    assert short.exit_code != 0
    bad_kind = runner.invoke(args=["kitchen", "org", "create", "--name", "x", "--kind", "moon"])
    assert bad_kind.exit_code != 0
    assert _count(User) == 0 and _count(Organization) == 0


def test_set_password(runner: FlaskCliRunner, client) -> None:
    runner.invoke(
        args=[
            "kitchen",
            "user",
            "create",
            "--email",
            "d@test.example.com",
            "--password",
            "long-enough-1",
            "--role",
            "curator",
        ]
    )
    result = runner.invoke(
        args=[
            "kitchen",
            "user",
            "set-password",
            "--email",
            "d@test.example.com",
            "--password",
            "another-one-2",
        ]
    )
    assert result.exit_code == 0
    assert (
        client.post(
            "/login", data={"email": "d@test.example.com", "password": "another-one-2"}
        ).status_code
        == 302
    )
    unknown = runner.invoke(
        args=[
            "kitchen",
            "user",
            "set-password",
            "--email",
            "nobody@test.example.com",
            "--password",
            "another-one-2",
        ]
    )
    assert unknown.exit_code != 0


def test_demo_loads_once(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["kitchen", "demo"])
    assert first.exit_code == 0, first.output
    counts = (_count(Organization), _count(User), _count(Campaign), _count(Item))
    assert counts == (len(ORGS), len(USERS), len(CAMPAIGNS), len(ITEMS))
    second = runner.invoke(args=["kitchen", "demo"])
    assert second.exit_code == 0
    assert (_count(Organization), _count(User), _count(Campaign), _count(Item)) == counts
    assert "curator@kitchen.example.com" in second.output
    skipped = runner.invoke(args=["kitchen", "demo", "--if-empty"])
    assert "already has items" in skipped.output
