"""The app starts, signs in and shows each role's home page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kitchen.models import Role


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_home(client: FlaskClient, login_as, role: Role) -> None:
    login_as(role)
    response = client.get("/home")
    assert response.status_code == 200
    assert 'data-testid="home-heading"' in response.get_data(as_text=True)


def test_each_request_logs_its_user_without_reloading_it(client, login_as, caplog) -> None:
    import logging

    user = login_as("journalist")
    with caplog.at_level(logging.INFO, logger="kitchen.request"):
        client.get("/library/")
        client.get("/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == "kitchen.request"]
    assert f"user={user.id} GET /library/" in lines[0]
    assert "status=200" in lines[0] and "route=library.search" in lines[0]
