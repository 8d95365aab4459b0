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
