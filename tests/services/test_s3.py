"""Files in an S3 bucket (moto's real server over HTTP): uploads checked before they are kept,
Chinese names, credits written into what is read from the bucket, range requests, presigned
redirects, the worker's posters, the consistency check, and flat memory for a 200 MB upload."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, MediaFile, Role
from kitchen.services import uploads
from kitchen.services.storage import TEMP_PREFIX
from kitchen.services.storage_s3 import S3Storage
from tests import factories, samples
from tests.support import s3
from tests.support.files import stored_keys


@pytest.fixture
def bucket(app: Flask, s3_endpoint: str) -> S3Storage:
    """The test's app keeps its files under a prefix of its own in the test bucket."""
    app.config.update(
        STORAGE="s3",
        S3_BUCKET=s3.BUCKET,
        S3_ENDPOINT=s3_endpoint,
        S3_ACCESS_KEY=s3.ACCESS_KEY,
        S3_SECRET_KEY=s3.SECRET_KEY,
        S3_PREFIX=f"{uuid.uuid4().hex}/",
    )
    app.extensions.pop("kitchen_storage", None)
    store = uploads.storage()
    assert isinstance(store, S3Storage)
    return store


def objects(store: S3Storage) -> list[str]:
    """The object names under the test's prefix, straight from the bucket."""
    listing = s3.client(store.settings.endpoint).list_objects_v2(
        Bucket=s3.BUCKET, Prefix=store.prefix
    )
    return sorted(o["Key"] for o in listing.get("Contents", []))


def scratch(app: Flask) -> list[Path]:
    return [p for p in Path(app.config["UPLOADS_DIR"]).rglob("*") if p.is_file()]


def test_a_chinese_named_photo_goes_to_the_bucket_and_comes_back_with_its_credit(
    app: Flask, client: FlaskClient, login_as, bucket: S3Storage
) -> None:
    contributor = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, kind=ItemKind.PHOTO, credit_line="四川省科协 摄/王芳")
    response = factories.upload(client, item.id, "院士风采 第1张.jpg", samples.photo(3))
    assert response.status_code == 201, response.get_data(as_text=True)
    media = db.session.get(MediaFile, response.get_json()["id"])
    assert media is not None and media.original_name == "院士风采 第1张.jpg"
    keys = {media.storage_key, media.thumb_key, media.web_key}
    assert objects(bucket) == sorted(bucket.object_name(k) for k in keys if k)
    assert scratch(app) == []  # the upload was checked in scratch space, then moved on

    # The organisation's own download is the untouched original, named by RFC 5987.
    own = client.get(f"/files/{media.id}/original?download=1")
    assert own.status_code == 200 and own.data == samples.photo(3)
    disposition = own.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('院士风采 第1张.jpg')}" in disposition
    assert own.headers["ETag"]
    assert (
        client.get(
            f"/files/{media.id}/original", headers={"If-None-Match": own.headers["ETag"]}
        ).status_code
        == 304
    )

    # A journalist's copy is read from the bucket with the credit written in.
    item.status = ItemStatus.APPROVED
    db.session.commit()
    client.post("/logout")
    login_as(Role.JOURNALIST)
    theirs = client.get(f"/files/{media.id}/original?download=1")
    assert theirs.status_code == 200 and theirs.data[:2] == b"\xff\xd8"
    assert "四川省科协 摄/王芳".encode() in theirs.data and theirs.data != samples.photo(3)
    web = client.get(f"/files/{media.id}/web")
    assert web.status_code == 200 and "四川省科协".encode() in web.data


def test_a_refused_upload_leaves_nothing_in_the_bucket_or_in_scratch(
    app: Flask, client: FlaskClient, login_as, bucket: S3Storage
) -> None:
    contributor = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, kind=ItemKind.PHOTO)
    broken = samples.photo()[:400]  # a JPEG's head, then nothing: the decode fails
    response = factories.upload(client, item.id, "坏图.jpg", broken)
    assert response.status_code == 422
    assert db.session.query(MediaFile).count() == 0
    assert objects(bucket) == [] and scratch(app) == []


def test_video_ranges_and_the_workers_poster_come_from_the_bucket(
    app: Flask, client: FlaskClient, login_as, bucket: S3Storage, drain
) -> None:
    contributor = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, kind=ItemKind.VIDEO)
    data = samples.video()
    response = factories.upload(client, item.id, "宣传片.mp4", data)
    assert response.status_code == 201
    file_id = response.get_json()["id"]
    drain()  # the worker downloads the video to make its poster, then removes its copy
    media = db.session.get(MediaFile, file_id, populate_existing=True)
    assert media is not None and media.poster_key and media.thumb_key
    assert bucket.exists(media.poster_key) and scratch(app) == []

    partial = client.get(f"/files/{file_id}/original", headers={"Range": "bytes=100-1099"})
    assert partial.status_code == 206 and partial.data == data[100:1100]
    assert partial.headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    tail = client.get(f"/files/{file_id}/original", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == data[-50:]
    assert client.get(f"/files/{file_id}/poster").data[:2] == b"\xff\xd8"


def test_presigned_downloads_redirect_untouched_files_and_stream_credited_ones(
    app: Flask, client: FlaskClient, login_as, bucket: S3Storage, drain
) -> None:
    contributor = login_as(Role.CONTRIBUTOR)
    video = factories.make_item(contributor, kind=ItemKind.VIDEO)
    data = samples.video()
    video_id = factories.upload(client, video.id, "科普日 宣传片.mp4", data).get_json()["id"]
    photo = factories.make_item(contributor, kind=ItemKind.PHOTO)
    photo_id = factories.upload(client, photo.id, "合影.jpg", samples.photo()).get_json()["id"]
    draft = factories.make_item(contributor, kind=ItemKind.VIDEO)
    draft_id = factories.upload(client, draft.id, "草稿.mp4", data).get_json()["id"]
    drain()
    for item in (video, photo):
        item.status = ItemStatus.APPROVED
    db.session.commit()
    app.config["S3_PRESIGNED_SECONDS"] = 120
    app.extensions.pop("kitchen_storage", None)
    client.post("/logout")
    login_as(Role.JOURNALIST)

    redirected = client.get(f"/files/{video_id}/original?download=1")
    assert redirected.status_code == 302 and "no-store" in redirected.headers["Cache-Control"]
    location = redirected.headers["Location"]
    assert location.startswith(bucket.settings.endpoint) and "Signature=" in location
    direct = requests.get(location, timeout=10)
    assert direct.status_code == 200 and direct.content == data
    assert direct.headers["Content-Type"] == "video/mp4"
    assert quote("科普日 宣传片.mp4") in direct.headers["Content-Disposition"]
    ranged = requests.get(location, headers={"Range": "bytes=0-9"}, timeout=10)
    assert ranged.status_code == 206 and ranged.content == data[:10]

    # A picture carries the credit written in by the app: it never leaves by a redirect.
    credited = client.get(f"/files/{photo_id}/original?download=1")
    assert credited.status_code == 200 and b"http://ns.adobe.com/xap/1.0/" in credited.data
    # Nor is an address given to someone who may not see the file.
    assert client.get(f"/files/{draft_id}/original").status_code == 404


def test_fsck_finds_orphans_unfinished_multipart_uploads_and_scratch_files(
    app: Flask, runner: FlaskCliRunner, bucket: S3Storage
) -> None:
    item = factories.make_item(kind=ItemKind.PHOTO)
    kept = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "留下.jpg")
    orphan = bucket.save(io.BytesIO(b"a file no row names"), suffix=".jpg")
    raw = s3.client(bucket.settings.endpoint)
    unfinished_key = uuid.uuid4().hex + ".mp4"
    upload_id = raw.create_multipart_upload(
        Bucket=s3.BUCKET, Key=bucket.object_name(unfinished_key)
    )["UploadId"]
    leftover = Path(app.config["UPLOADS_DIR"]) / f"{TEMP_PREFIX}killed"
    leftover.write_bytes(b"half an upload")

    listed = runner.invoke(args=["kitchen", "fsck", "--older-than", "0"])
    assert listed.exit_code == 1, listed.output
    assert f"orphan    {orphan.key}" in listed.output
    assert f"temp      {unfinished_key}" in listed.output
    assert f"temp      {leftover.name}" in listed.output
    assert kept.storage_key not in listed.output

    deleted = runner.invoke(args=["kitchen", "fsck", "--older-than", "0", "--delete"])
    assert deleted.exit_code == 0, deleted.output
    assert not bucket.exists(orphan.key) and not leftover.exists()
    assert raw.list_multipart_uploads(Bucket=s3.BUCKET, Prefix=bucket.prefix).get("Uploads") in (
        None,
        [],
    )
    assert upload_id
    assert stored_keys(app) == {k for k in (kept.storage_key, kept.thumb_key, kept.web_key) if k}
    assert runner.invoke(args=["kitchen", "fsck", "--older-than", "0"]).exit_code == 0

    raw.delete_object(Bucket=s3.BUCKET, Key=bucket.object_name(kept.web_key or ""))
    missing = runner.invoke(args=["kitchen", "fsck", "--older-than", "0"])
    assert missing.exit_code == 1 and f"missing   {kept.web_key}" in missing.output


def test_health_check_and_init_tell_an_unreachable_bucket(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, bucket: S3Storage
) -> None:
    assert client.get("/healthz").get_json()["checks"]["bucket"] == "ok"
    app.config["S3_BUCKET"] = "no-such-bucket"
    app.extensions.pop("kitchen_storage", None)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["bucket"].startswith(
        "error"
    )
    result = runner.invoke(args=["kitchen", "init"])
    assert result.exit_code != 0 and "no-such-bucket" in result.output


MEMORY_PROBE = textwrap.dedent(
    """
    import io, json, resource, sys
    from kitchen.services.storage_s3 import S3Settings, S3Storage

    class Generated(io.RawIOBase):
        '''200 MB that never sit in memory at once, as a request body streams in.'''

        def __init__(self, size):
            self.left, self.block = size, bytes(range(256)) * 4096

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), self.left, len(self.block))
            buffer[:n] = self.block[:n]
            self.left -= n
            return n

    endpoint, access, secret, prefix, scratch = sys.argv[1:6]
    settings = S3Settings("kitchen-test", endpoint, access_key=access, secret_key=secret,
                          prefix=prefix)
    store = S3Storage(settings, scratch)
    store.save_bytes(b"warm up the client", ".bin")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stored = store.save(io.BufferedReader(Generated(200 * 1024 * 1024)), suffix=".mp4")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    head = store.client.head_object(Bucket="kitchen-test", Key=store.object_name(stored.key))
    print(json.dumps({"before_kb": before, "after_kb": after, "size": stored.size,
                      "stored": head["ContentLength"], "etag": head["ETag"]}))
    """
)


def test_a_200_mb_upload_streams_in_parts_with_flat_memory(
    s3_endpoint: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEMORY_PROBE,
            s3_endpoint,
            s3.ACCESS_KEY,
            s3.SECRET_KEY,
            f"{uuid.uuid4().hex}/",
            str(tmp_path / "scratch"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["size"] == probe["stored"] == 200 * 1024 * 1024
    assert probe["etag"].strip('"').endswith("-25")  # 25 parts of 8 MB: a multipart upload
    grown_mb = (probe["after_kb"] - probe["before_kb"]) / 1024
    assert grown_mb < 64, f"peak memory grew by {grown_mb:.0f} MB for a 200 MB upload"
    assert list((tmp_path / "scratch").iterdir()) == []
    peak = probe["after_kb"] / 1024
    print(
        f"200 MB upload: peak {peak:.0f} MB, +{grown_mb:.1f} MB, {time.monotonic() - started:.1f} s"
    )
