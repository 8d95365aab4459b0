"""Issue 11: usage terms, privacy of originals, credit in the file, expiry, names that travel.

Metadata is read back with exiftool (Debian's libimage-exiftool-perl), not with our writer.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import (
    AuditEvent,
    Item,
    ItemKind,
    ItemStatus,
    Notification,
    Role,
    UsageTerms,
    User,
)
from kitchen.services import rights, selections, tokens, uploads, worker
from kitchen.services.errors import TermsNotAccepted
from tests import factories
from tests.support.live import LiveApp

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")


def exif(data: bytes, tmp_path: Path, name: str = "x.jpg") -> dict[str, object]:
    """What exiftool reads from these bytes (every group, duplicates kept)."""
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(
        [EXIFTOOL, "-j", "-a", "-G", "-struct", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)[0]


def gps_photo() -> bytes:
    """A JPEG as a phone writes it: GPS, a serial number, an owner, orientation, a date."""
    image = Image.new("RGB", (120, 80), "teal")
    meta = Image.Exif()
    meta[0x0112] = 6
    meta[0x010F], meta[0x0110] = "Canon", "EOS R5"
    meta.get_ifd(0x8825).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 30.0)})
    inner = meta.get_ifd(0x8769)
    inner.update({0xA431: "SN-0042", 0xA430: "王家", 0x9003: "2026:09:20 10:00:00"})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=meta, quality=90)
    return buffer.getvalue()


@pytest.fixture
def photo_item(app: Flask) -> Item:
    """An approved photo item, credited, with a GPS-tagged original."""
    item = factories.make_item(
        kind=ItemKind.PHOTO, title="科学之美", credit_line="广东省科协 摄/李四"
    )
    uploads.add_file(item.submitter, item, io.BytesIO(gps_photo()), "科学之美.jpg")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    return item


def _client(app: Flask, role: Role) -> FlaskClient:
    client = app.test_client()
    user = factories.make_user(role)
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    return client


def test_internal_only_is_invisible_to_media_and_visible_to_members(
    app: Flask, photo_item: Item, drain
) -> None:
    photo_item.usage_terms = UsageTerms.INTERNAL_ONLY
    db.session.commit()
    drain()
    media = photo_item.files[0]
    journalist, member = _client(app, Role.JOURNALIST), _client(app, Role.CONTRIBUTOR)
    _token, plain = tokens.create_token(factories.make_user(Role.JOURNALIST), "平台")
    bearer = {"Authorization": f"Bearer {plain}"}
    for client, seen in ((journalist, False), (member, True)):
        page = client.get("/library/?q=科学之美").get_data(as_text=True)
        assert (f"/items/{photo_item.id}" in page) is seen
        assert (client.get(f"/items/{photo_item.id}").status_code == 200) is seen
        for rendition in ("original", "web", "thumb"):
            status = client.get(f"/files/{media.id}/{rendition}").status_code
            assert (status == 200) is seen, (rendition, status)
    api = app.test_client()
    assert api.get(f"/api/v1/items/{photo_item.id}", headers=bearer).status_code == 404
    assert api.get("/api/v1/search?q=科学之美", headers=bearer).get_json()["total"] == 0
    assert api.get(f"/api/v1/files/{media.id}/original", headers=bearer).status_code == 404
    selection = journalist.post(
        "/library/selection", data={"item_id": str(photo_item.id), "action": "add"}
    )
    assert selection.status_code == 404


@needs_exiftool
def test_originals_lose_their_location_outside_the_centre(
    app: Flask, photo_item: Item, tmp_path: Path
) -> None:
    media = photo_item.files[0]
    journalist, curator = _client(app, Role.JOURNALIST), _client(app, Role.CURATOR)
    theirs = journalist.get(f"/files/{media.id}/original?download=1")
    assert theirs.status_code == 200
    tags = exif(theirs.data, tmp_path)
    assert not [k for k in tags if "GPS" in k], tags
    assert "EXIF:SerialNumber" not in tags and "EXIF:OwnerName" not in tags
    assert tags["EXIF:Orientation"] == "Rotate 90 CW" and tags["EXIF:Model"] == "EOS R5"
    assert tags["XMP:Credit"] == "广东省科协 摄/李四"
    # The same pixels: nothing was re-encoded.
    original = gps_photo()
    assert theirs.data.endswith(original[original.index(b"\xff\xda") :])
    centre = curator.get(f"/files/{media.id}/original?download=1")
    assert centre.data == original
    assert exif(centre.data, tmp_path, "c.jpg")["EXIF:GPSLatitudeRef"] == "North"
    page = journalist.get(f"/items/{photo_item.id}").get_data(as_text=True)
    assert "拍摄于" in page and "EOS R5" in page


@needs_exiftool
def test_the_credit_is_in_the_web_size_and_in_zip_entries(
    app: Flask, photo_item: Item, tmp_path: Path
) -> None:
    media = photo_item.files[0]
    journalist = _client(app, Role.JOURNALIST)
    web = journalist.get(f"/files/{media.id}/web")
    tags = exif(web.data, tmp_path)
    assert tags["XMP:Creator"] in ("广东省科协 摄/李四", ["广东省科协 摄/李四"])
    assert tags["XMP:Credit"] == "广东省科协 摄/李四"
    assert tags["IPTC:Credit"] == "广东省科协 摄/李四" and tags["IPTC:ObjectName"] == "科学之美"
    assert "署名" in tags["XMP:UsageTerms"] and tags["XMP:WebStatement"].endswith(
        f"/items/{photo_item.id}"
    )
    journalist.post("/library/selection", data={"item_id": str(photo_item.id), "action": "add"})
    for size in ("original", "web"):
        archive = zipfile.ZipFile(
            io.BytesIO(journalist.get(f"/library/selection.zip?size={size}").data)
        )
        entries = [n for n in archive.namelist() if n != "credits.txt"]
        assert len(entries) == 1
        entry = exif(archive.read(entries[0]), tmp_path, f"{size}.jpg")
        assert entry["XMP:Credit"] == "广东省科协 摄/李四"
        assert not [k for k in entry if "GPS" in k]
        credits = archive.read("credits.txt").decode()
        listed = [
            line.strip()[2:] for line in credits.splitlines() if line.strip().startswith("- ")
        ]
        assert listed == entries
    png = Image.new("RGB", (40, 30), "red")
    buffer = io.BytesIO()
    png.save(buffer, "PNG")
    draft = factories.make_item(kind=ItemKind.PHOTO)
    uploads.add_file(draft.submitter, draft, io.BytesIO(buffer.getvalue()), "图.png")
    draft.status = ItemStatus.APPROVED
    db.session.commit()
    served = journalist.get(f"/files/{draft.files[0].id}/original")
    assert exif(served.data, tmp_path, "p.png")["XMP:Credit"] == draft.credit_line


def test_editorial_only_is_confirmed_for_each_download_of_an_original(
    app: Flask, photo_item: Item
) -> None:
    photo_item.usage_terms = UsageTerms.EDITORIAL_ONLY
    db.session.commit()
    media = photo_item.files[0]
    journalist = _client(app, Role.JOURNALIST)
    page = journalist.get(f"/items/{photo_item.id}").get_data(as_text=True)
    assert "仅限新闻报道使用" in page
    ask = journalist.get(f"/files/{media.id}/original?download=1")
    assert ask.status_code == 409 and "accept-and-download" in ask.get_data(as_text=True)
    assert journalist.get(f"/files/{media.id}/web").status_code == 200  # sizes need no confirm
    done = journalist.get(f"/files/{media.id}/original?download=1&accept=editorial")
    assert done.status_code == 200 and done.mimetype == "image/jpeg"
    journalist.post("/library/selection", data={"item_id": str(photo_item.id), "action": "add"})
    assert "accept-editorial" in journalist.get("/library/selection").get_data(as_text=True)
    refused = journalist.get("/library/selection.zip")
    assert refused.status_code == 302
    zipped = journalist.get("/library/selection.zip?accept=editorial")
    credits = zipfile.ZipFile(io.BytesIO(zipped.data)).read("credits.txt").decode()
    assert "仅限新闻报道使用" in credits
    holder = db.session.scalars(select(User).where(User.role == Role.JOURNALIST)).first()
    with pytest.raises(TermsNotAccepted):  # the service refuses too, whoever calls it
        selections.zip_stream(holder)


def _notes(item: Item, action: str) -> list[Notification]:
    query = select(Notification).where(
        Notification.item_id == item.id, Notification.action == action
    )
    return list(db.session.scalars(query))


def test_the_worker_warns_then_withdraws_at_expiry(app: Flask, photo_item: Item, drain) -> None:
    curator = factories.make_user(Role.CURATOR)
    today = date.today()
    photo_item.rights_until = today + timedelta(days=40)
    photo_item.consent_until = today + timedelta(days=25)  # the earlier one counts
    db.session.commit()
    assert rights.sweep(today) == rights.SweepReport(warned=1, withdrawn=0)  # 25 days: warn once
    assert rights.sweep(today).warned == 0
    warned = {n.user_id for n in _notes(photo_item, "expiry_warning")}
    assert warned == {photo_item.submitter_id, curator.id}
    assert rights.sweep(today + timedelta(days=19)).warned == 1  # 6 days left: the 7-day one
    assert rights.sweep(today + timedelta(days=25)).withdrawn == 0  # valid through its last day
    # The worker's own clock: its periodic work runs the sweep.
    photo_item.consent_until = today - timedelta(days=1)
    db.session.commit()
    assert worker.run_periodic({}) == len(worker.PERIODIC)  # rights, calls, saved searches
    db.session.expire_all()
    item = db.session.get(Item, photo_item.id)
    assert item.status == ItemStatus.WITHDRAWN
    assert [n.user_id for n in _notes(item, "expired")] == [item.submitter_id]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.expire")).one()
    assert event.actor_id is None and "到期" in event.details["reason"]
    drain()
    journalist = _client(app, Role.JOURNALIST)
    assert journalist.get(f"/items/{item.id}").status_code == 404
    assert f"/items/{item.id}" not in journalist.get("/library/?q=科学之美").get_data(as_text=True)
    listing = _client(app, Role.CURATOR).get("/review/expiring").get_data(as_text=True)
    assert "科学之美" in listing


def test_new_dates_start_the_warnings_again(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.STORY)
    item.expiry_notified = 7
    db.session.commit()
    response = client.post(
        f"/submit/{item.id}/edit",
        data={
            "title": item.title,
            "body": item.body,
            "credit_line": item.credit_line,
            "usage_terms": "with_credit",
            "consent_confirmed": "y",
            "rights_until": "2030-01-01",
            "then": "save",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Item, item.id)
    assert saved.rights_until == date(2030, 1, 1) and saved.expiry_notified is None


@pytest.fixture
def live(app: Flask) -> Iterator[LiveApp]:
    server = LiveApp(app)
    yield server
    server.stop()


def test_curl_saves_a_chinese_named_file_under_a_readable_name(
    app: Flask, live: LiveApp, photo_item: Item, tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    _token, plain = tokens.create_token(factories.make_user(Role.JOURNALIST), "脚本")
    media = photo_item.files[0]
    (tmp_path / "downloads").mkdir()
    subprocess.run(
        [
            "curl",
            "-sS",
            "-OJ",
            "-H",
            f"Authorization: Bearer {plain}",
            f"{live.url}/api/v1/files/{media.id}/original",
        ],
        cwd=tmp_path / "downloads",
        check=True,
    )
    saved = [p.name for p in (tmp_path / "downloads").iterdir()]
    assert saved == ["kexuezhimei.jpg"], saved


def test_a_curator_extends_the_dates_and_reinstates(app: Flask, photo_item: Item) -> None:
    from kitchen.api import payloads
    from kitchen.services import curation, workflow

    curator = factories.make_user(Role.CURATOR)
    photo_item.rights_until = date.today() - timedelta(days=2)
    db.session.commit()
    assert rights.sweep().withdrawn == 1
    db.session.expire_all()
    item = db.session.get(Item, photo_item.id)
    data = payloads.corrections({}, item).replace(rights_until=date.today() + timedelta(days=365))
    curation.review(curator, item, data, workflow.Move.REINSTATE)
    db.session.expire_all()
    item = db.session.get(Item, photo_item.id)
    assert item.status == ItemStatus.APPROVED and item.expiry_notified is None
    assert rights.sweep().withdrawn == 0


@needs_exiftool
def test_the_credit_stamp_is_drawn_on_the_web_size_when_asked(
    app: Flask, photo_item: Item, tmp_path: Path
) -> None:
    from kitchen.services import stamping

    media = photo_item.files[0]
    journalist = _client(app, Role.JOURNALIST)
    plain = journalist.get(f"/files/{media.id}/web")
    assert plain.headers["Cache-Control"].count("no-cache") == 1
    photo_item.credit_stamp = True
    db.session.commit()
    stamped = journalist.get(
        f"/files/{media.id}/web", headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert stamped.status_code == 200 and stamped.headers["ETag"] != plain.headers["ETag"]
    before, after = (Image.open(io.BytesIO(r.data)).convert("L") for r in (plain, stamped))
    assert before.size == after.size
    corner = (after.width * 2 // 3, after.height * 9 // 10, after.width, after.height)
    top = (0, 0, after.width, after.height // 3)

    def difference(box: tuple[int, int, int, int]) -> int:
        pairs = zip(before.crop(box).tobytes(), after.crop(box).tobytes(), strict=True)
        return sum(abs(a - b) for a, b in pairs)

    assert difference(corner) > 50 * difference(top) + 1000  # drawn in the corner only
    assert exif(stamped.data, tmp_path)["XMP:Credit"] == "广东省科协 摄/李四"
    # The stamp is kept and reused; a new credit line makes a new one.
    assert len(list((Path(app.config["INSTANCE_DIR"]) / "stamps").glob("*.jpg"))) == 1
    photo_item.credit_line = "广东省科协 摄/王五"
    db.session.commit()
    journalist.get(f"/files/{media.id}/web")
    assert len(list((Path(app.config["INSTANCE_DIR"]) / "stamps").glob("*.jpg"))) == 2
    if stamping.font_path() is None:
        pytest.skip("no CJK font installed: the stamp was drawn without Chinese glyphs")
