"""Error pages in both languages, JSON errors, and no 500 for the unexpected."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kitchen.models import Role


def test_404_page_in_chinese_and_english(client: FlaskClient, login_as) -> None:
    login_as(Role.JOURNALIST)
    zh = client.get("/no-such-page")
    assert zh.status_code == 404 and "找不到页面" in zh.get_data(as_text=True)
    client.post("/language/en")
    en = client.get("/no-such-page")
    assert en.status_code == 404 and "Page not found" in en.get_data(as_text=True)


def test_403_page(client: FlaskClient, login_as) -> None:
    login_as(Role.JOURNALIST)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_413_page(client: FlaskClient, app: Flask, login_as) -> None:
    login_as(Role.ADMIN)
    app.config["MAX_FORM_BYTES"] = 1000
    response = client.post("/admin/orgs/new", data={"name": "x" * 5000, "kind": "city"})
    assert response.status_code == 413 and "太大" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500(client: FlaskClient, app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "系统出现错误" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-Id"]


def test_healthz_reports_database_and_folders(client: FlaskClient, app: Flask) -> None:
    body = client.get("/healthz").get_json()
    checks = {"database": "ok", "uploads": "ok", "search_index": "ok"}
    if app.config["STORAGE"] == "s3":
        checks["bucket"] = "ok"
    assert body == {"status": "ok", "checks": checks}
    app.config["UPLOADS_DIR"] = "/nonexistent/folder"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["uploads"] != "ok"
