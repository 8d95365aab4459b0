"""Findings 2 and 3: what one request may cost in memory and on disk is bounded.

Memory is measured in a fresh process (peak RSS before and after one upload), so it is the
upload's own cost and not the test run's history.
"""

from __future__ import annotations

import http.client
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import ItemKind, MediaFile, Role
from tests import factories
from tests.support.live import LiveApp

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def big_png(path: Path, side: int) -> Path:
    """A black RGB PNG of side × side pixels that compresses to a few hundred KB (a bomb)."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (3 * side + 1)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    return path


def _probe(path: Path) -> tuple[int, int]:
    """Upload `path` in a fresh process: (HTTP status, peak memory added in MiB)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.memory_probe", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    status, kib = result.stdout.split()[-2:]
    return int(status), int(kib) // 1024


def test_a_9400_pixel_png_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    bomb = big_png(tmp_path / "炸弹.png", 9400)
    assert bomb.stat().st_size < 400_000
    status, grown = _probe(bomb)
    assert status == 422
    assert grown < 100, f"{grown} MiB"


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_a_36_megapixel_picture_holds_less_than_150_mb(tmp_path: Path, kind: str) -> None:
    if kind == "jpeg":  # decoded at a quarter of its size
        photo = tmp_path / "大照片.jpg"
        Image.effect_noise((6000, 6000), 60).convert("RGB").save(photo, quality=70)
    else:  # decoded whole, then reduced before it is resized
        photo = big_png(tmp_path / "大海报.png", 6000)
    status, grown = _probe(photo)
    assert status == 201
    assert grown < 150, f"{grown} MiB"


def test_a_png_that_would_not_fit_the_decode_budget_is_refused(
    client, login_as, tmp_path: Path
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    response = client.post(
        f"/submit/{item.id}/files",
        data=big_png(tmp_path / "b.png", 6300).read_bytes(),  # 39.7 MP, under the pixel limit
        headers={"X-File-Name": "b.png", "X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 422 and "37" in response.get_json()["error"]["message"]


def test_the_pixel_limit_is_a_setting(app: Flask, client, login_as, tmp_path: Path) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    response = client.post(
        f"/submit/{item.id}/files",
        data=big_png(tmp_path / "a.png", 1001).read_bytes(),
        headers={"X-File-Name": "a.png", "X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 422 and "像素" in response.get_json()["error"]["message"]


class _Counted:
    """A request body that counts what the app read of it (sizes passed through as asked)."""

    def __init__(self, stream: Any, server: _Server) -> None:
        self._stream, self._server = stream, server

    def _count(self, data: bytes) -> bytes:
        self._server.body_read += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        return self._count(self._stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._count(self._stream.readline(size))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Server(LiveApp):
    """The live app, counting how much of each request body the app read (it cannot spool
    more than that)."""

    def __init__(self, app: Flask) -> None:
        self.body_read = 0

        def counting(environ: dict[str, Any], start_response: Any) -> Any:
            environ["wsgi.input"] = _Counted(environ["wsgi.input"], self)
            return app(environ, start_response)

        super().__init__(counting)


@pytest.fixture
def served(app: Flask) -> Iterator[_Server]:
    server = _Server(app)
    yield server
    server.stop()


def _free_bytes(folder: str) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def _send_multipart(port: int, path: str, cookie: str, total: int, chunked: bool) -> int:
    """POST a multipart body of `total` bytes of file, streamed; the status the server sent."""
    boundary = "kitchenboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Cookie", cookie)
    if chunked:
        connection.putheader("Transfer-Encoding", "chunked")
    else:
        connection.putheader("Content-Length", str(len(head) + total + len(tail)))
    connection.endheaders()
    block = b"\xff\xd8\xff\xe0" + b"k" * (MB - 4)

    def send(data: bytes) -> None:
        connection.send(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)

    try:
        send(head)
        for _ in range(total // MB):
            send(block)
        send(tail)
        if chunked:
            connection.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server stopped reading: what it answered is what counts
    try:
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_600_mb_to_an_image_item_never_reaches_the_disk(
    app: Flask, served: _Server, tmp_path: Path, chunked: bool
) -> None:
    import tempfile

    user = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    cookie = served.sign_in(user.email)
    spool = tempfile.gettempdir()
    before = _free_bytes(spool)
    limit = app.config["MAX_IMAGE_BYTES"]
    for path in (f"/submit/{item.id}/files", f"/api/v1/items/{item.id}/files"):
        served.body_read = 0
        status = _send_multipart(served.port, path, cookie, 600 * MB, chunked)
        assert status == 413, path
        # Declared too large: nothing read. Chunked: reading stops at the limit.
        assert served.body_read <= (MB if not chunked else limit + 2 * MB), served.body_read
    assert abs(before - _free_bytes(spool)) < 64 * MB  # nothing was left behind in /tmp
    assert db.session.scalars(select(MediaFile)).all() == []


def test_forms_have_a_small_body_limit(client, login_as) -> None:
    login_as(Role.ADMIN)
    response = client.post("/admin/orgs/new", data={"name": "x" * (5 * MB), "kind": "city"})
    assert response.status_code == 413
