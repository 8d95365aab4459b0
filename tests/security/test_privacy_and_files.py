"""Findings 4, 8 and 9: unpublished work stays private, redirects stay on the site, and the
files, names and pages we send cannot be turned against their readers."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, MediaFile, Role
from kitchen.services import filenames, selections, tokens, uploads
from kitchen.services.errors import InvalidFile
from kitchen.services.media_document import office_extension
from tests import factories, samples


def test_a_duplicate_in_another_organisations_draft_is_not_named(
    client: FlaskClient, login_as
) -> None:
    other = factories.make_item(kind=ItemKind.PHOTO)  # another organisation's draft
    uploads.add_file(other.submitter, other, io.BytesIO(samples.photo(5)), "草稿.jpg")
    user = login_as(Role.CONTRIBUTOR)
    mine = factories.make_item(user, kind=ItemKind.PHOTO)
    answer = factories.upload(client, mine.id, "我的.jpg", samples.photo(5))
    assert answer.status_code == 201
    body = answer.get_json()
    assert body["duplicates"] == [] and body["already_in_library"] is True
    assert f"素材 {other.id}" not in body["card_html"] and "已在素材库中" in body["card_html"]
    page = client.get(f"/submit/{mine.id}/edit").get_data(as_text=True)
    assert f"/items/{other.id}" not in page and f"素材 {other.id}" not in page
    assert "此文件已在素材库中" in page


def test_a_duplicate_the_uploader_may_see_is_named(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    published = factories.make_item(kind=ItemKind.PHOTO)
    uploads.add_file(published.submitter, published, io.BytesIO(samples.photo(6)), "a.jpg")
    published.status = ItemStatus.APPROVED
    db.session.commit()
    mine = factories.make_item(user, kind=ItemKind.PHOTO)
    body = factories.upload(client, mine.id, "b.jpg", samples.photo(6)).get_json()
    assert [d["item_id"] for d in body["duplicates"]] == [published.id]
    assert body["already_in_library"] is False


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
    ],
)
def test_no_redirect_leaves_the_site(client: FlaskClient, login_as, target: str) -> None:
    login_as(Role.JOURNALIST)
    item = factories.make_item(status=ItemStatus.APPROVED)
    for path, data in (
        ("/library/selection", {"item_id": str(item.id), "action": "add", "next": target}),
        ("/language/en", {"next": target}),
    ):
        location = client.post(path, data=data).headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), (path, location)
        assert "evil" not in location
    client.post("/logout")
    user = factories.make_user(Role.JOURNALIST)
    response = client.post(
        f"/login?next={quote(target)}", data={"email": user.email, "password": factories.PASSWORD}
    )
    if response.status_code == 400:  # a control character in the address: refused outright
        return
    assert "evil" not in response.headers["Location"]


def test_a_jpeg_named_html_is_kept_and_served_as_jpg(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    polyglot = samples.photo() + b"<html><script>alert(1)</script></html>"
    assert factories.upload(client, item.id, "poly.html", polyglot).status_code == 201
    media = db.session.scalars(select(MediaFile)).one()
    assert media.original_name == "poly.jpg"
    download = client.get(f"/files/{media.id}/original?download=1")
    assert download.status_code == 200 and download.mimetype == "image/jpeg"
    assert "poly.jpg" in download.headers["Content-Disposition"]
    assert ".html" not in download.headers["Content-Disposition"]


def test_zip_entry_names_are_portable_and_unique(client: FlaskClient, login_as) -> None:
    journalist = login_as(Role.JOURNALIST)
    item = factories.make_item(kind=ItemKind.PHOTO, title='会议: "开幕" <现场>|?*')
    names = ('a"b<c>.jpg', 'A"B<C>.JPG', "con.jpg", "notes. ", "photo.jpg")
    for seed, name in enumerate(names, start=40):
        media = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo(seed)), name)
        media.original_name = name  # as stored before names were made portable
    item.status = ItemStatus.APPROVED
    db.session.commit()
    selections.add(journalist, item)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/library/selection.zip").data))
    names = [n for n in archive.namelist() if n != "credits.txt"]
    assert len(names) == 5 and len({n.lower() for n in names}) == 5
    for path in names:
        for part in path.split("/"):
            assert not set(part) & set('<>:"\\|?*'), path
            assert part == part.rstrip(". ") and not part.startswith(".")
            assert not filenames.RESERVED.match(part), path
    credits = archive.read("credits.txt").decode()
    assert all(name in credits for name in names)


def test_portable_names() -> None:
    assert filenames.portable("CON.txt") == "_CON.txt"
    assert filenames.portable("  .hidden  ") == "hidden"
    assert filenames.portable("报告：终稿?.pdf") == "报告：终稿_.pdf"  # full-width colon is fine
    assert filenames.unique(["a.jpg", "A.jpg", "a.jpg"]) == ["a.jpg", "A (2).jpg", "a (3).jpg"]
    assert filenames.with_extension("photo.JPEG", ".jpg") == "photo.JPEG"
    assert filenames.with_extension("poly.html", ".jpg") == "poly.jpg"
    assert filenames.with_extension("no-extension", ".png") == "no-extension.png"


def test_every_page_has_a_strict_content_security_policy(app: Flask) -> None:
    pages = {
        Role.CONTRIBUTOR: ["/submit/", "/submit/new/story", "/account/tokens", "/campaigns/"],
        Role.CURATOR: ["/review/", "/items/", "/library/", "/library/?q=科学"],
        Role.ADMIN: ["/admin/users", "/admin/orgs", "/admin/audit", "/admin/search"],
        Role.JOURNALIST: ["/library/selection", "/notifications"],
    }
    anonymous = app.test_client()
    for path in ("/login", "/no-such-page"):
        policy = anonymous.get(path).headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
    for role, paths in pages.items():
        client = app.test_client()
        user = factories.make_user(role)
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            policy = response.headers.get("Content-Security-Policy", "")
            assert "default-src 'self'" in policy and "unsafe-inline" not in policy, path
            html = response.get_data(as_text=True)
            assert " onclick=" not in html and " onfocus=" not in html, path
            assert "<script>" not in html, path


def test_api_links_come_from_the_configured_base_url(
    app: Flask, client: FlaskClient, login_as
) -> None:
    app.config["BASE_URL"] = "https://kitchen.example.org"
    _token, plain = tokens.create_token(factories.make_user(Role.JOURNALIST), "脚本")
    item = factories.make_item(status=ItemStatus.APPROVED)
    response = client.get(
        f"/api/v1/items/{item.id}",
        headers={"Host": "evil.example", "Authorization": f"Bearer {plain}"},
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["url"] == f"https://kitchen.example.org/api/v1/items/{item.id}"


def _docx_with(extra: dict[str, bytes], content_type_override: str = "") -> bytes:
    buffer = io.BytesIO()
    types = samples.CONTENT_TYPES.replace("</Types>", content_type_override + "</Types>")
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "extra,override",
    [
        ({"word/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0"}, ""),
        (
            {"word/harmless.dat": b"\xd0\xcf\x11\xe0"},
            '<Override PartName="/word/harmless.dat" '
            'ContentType="application/vnd.ms-office.vbaProject"/>',
        ),
        (
            {"word/x.dat": b"\xd0\xcf\x11\xe0"},
            '<Default Extension="dat" ContentType="application/vnd.ms-office.VBAPROJECT"/>',
        ),
    ],
    ids=["upper-case name", "renamed part", "by default extension"],
)
def test_a_renamed_macro_part_is_refused(tmp_path, extra, override) -> None:
    path = tmp_path / "宏.docx"
    path.write_bytes(_docx_with(extra, override))
    with pytest.raises(InvalidFile, match="macro"):
        office_extension(path)
