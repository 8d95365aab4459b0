"""The OpenAPI description: valid, complete, and true to the app under fuzzing (Schemathesis)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kitchen.api.openapi import document
from tests.api.conftest import ApiWorld

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that only curators can complete; every other one runs as a contributor.
CURATOR_OPERATIONS = ("reviewItem", "claimItem", "releaseItem", "search")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def test_the_description_is_valid_openapi_3_1(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]


def test_every_api_route_is_described(app: Flask, client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = rule.rule.removeprefix("/api/v1")
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}")
        path = path.replace("<any(original,web,thumb,poster):rendition>", "{rendition}")
        assert path in paths, rule.rule
        described = {m.upper() for m in paths[path] if m != "parameters"}
        assert rule.methods - {"HEAD", "OPTIONS"} <= described, rule.rule


def isolated(app: Flask) -> WsgiApp:
    """The app as a real server runs it: each request in a fresh context, outside the test's."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def run() -> list[bytes]:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()

        return contextvars.Context().run(run)

    return wsgi


# The same document the app serves (test_the_served_description_is_the_document checks that);
# schemathesis.pytest.from_fixture would load it from the app, but relies on a pytest internal
# (Node._nodeid) that pytest 9 no longer has.
schema = schemathesis.openapi.from_dict(document("http://localhost/api/v1"))


def test_the_served_description_is_the_document(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").get_json() == schema.raw_schema


def _point_at_real_rows(case: schemathesis.Case, world: ApiWorld) -> None:
    """Most generated ids are replaced by existing ones, so cases reach past the 404."""
    targets = {
        "item_id": [world.ids[k] for k in ("draft", "submitted", "approved", "photos")],
        "file_id": [world.ids["file"]],
    }
    for name, ids in targets.items():
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int) and value % 4:
            case.path_parameters[name] = ids[value % len(ids)]  # type: ignore[index]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_description(
    app: Flask, world: ApiWorld, case: schemathesis.Case
) -> None:
    operation_id = case.operation.definition.raw.get("operationId")
    role = "curator" if operation_id in CURATOR_OPERATIONS else "contributor"
    _point_at_real_rows(case, world)
    case.call_and_validate(
        app=isolated(app),
        headers={"Authorization": f"Bearer {world.tokens[role]}"},
        checks=CHECKS,
    )
