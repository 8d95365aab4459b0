"""Attaching files: checks, renditions, duplicates; a refused file leaves nothing behind."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, Job, JobKind, MediaFile, Role
from kitchen.services import uploads
from kitchen.services.errors import DomainError, InvalidFile, NotFound, TooLarge, ValidationError
from tests import factories, samples
from tests.support.files import stored_keys


def stored_files(app: Flask) -> list[str]:
    return sorted(stored_keys(app))


def media_count() -> int:
    return db.session.scalar(select(func.count(MediaFile.id))) or 0


@pytest.fixture
def photo_item(app: Flask):
    return factories.make_item(kind=ItemKind.PHOTO)


def test_photo_upload_keeps_the_chinese_name_and_makes_renditions(app: Flask, photo_item) -> None:
    user = photo_item.submitter
    media = uploads.add_file(
        user,
        photo_item,
        io.BytesIO(samples.photo()),
        "科普日/现场 照片.jpg",
        caption="孩子们在体验",
    )
    assert media.original_name == "现场 照片.jpg"
    assert media.mime == "image/jpeg" and media.width == 800 and media.camera
    assert media.thumb_key and media.web_key and media.thumb_key != media.storage_key
    assert "现场" not in media.storage_key
    assert len(stored_files(app)) == 3


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("假图片.jpg", b"<html><script>alert(1)</script></html>"),
        ("头部是JPEG.jpg", b"\xff\xd8\xff\xe0" + b"<html>" * 200),
        ("截断.jpg", samples.photo()[:3000]),
        ("空文件.jpg", b""),
        ("../../etc/passwd", b"root:x:0:0"),
        ("矢量图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("视频.mp4", samples.video()),  # a video is not accepted on a photo item
    ],
)
def test_refused_files_leave_nothing(app: Flask, photo_item, name: str, data: bytes) -> None:
    with pytest.raises(InvalidFile):
        uploads.add_file(photo_item.submitter, photo_item, io.BytesIO(data), name)
    assert stored_files(app) == [] and media_count() == 0


def test_oversize_image_is_refused(app: Flask, photo_item) -> None:
    app.config["MAX_IMAGE_BYTES"] = 10_000
    with pytest.raises(TooLarge):
        uploads.add_file(photo_item.submitter, photo_item, io.BytesIO(samples.photo()), "大.jpg")
    assert stored_files(app) == [] and media_count() == 0


def test_decompression_bomb_is_refused(app: Flask, photo_item) -> None:
    from PIL import Image

    app.config["MAX_IMAGE_PIXELS"] = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (2000, 1000)).save(buffer, "PNG")
    with pytest.raises(InvalidFile):
        uploads.add_file(photo_item.submitter, photo_item, buffer, "炸弹.png")
    assert stored_files(app) == [] and media_count() == 0


def test_a_failed_database_write_removes_the_stored_files(
    app: Flask, photo_item, monkeypatch
) -> None:
    def broken_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        uploads.add_file(photo_item.submitter, photo_item, io.BytesIO(samples.photo()), "a.jpg")
    monkeypatch.undo()
    assert stored_files(app) == [] and media_count() == 0


def _poster_jobs(file_id: int) -> int:
    query = select(func.count(Job.id)).where(
        Job.kind == JobKind.POSTER.value, Job.target_id == file_id
    )
    return db.session.scalar(query) or 0


def test_video_gets_duration_codec_and_its_poster_from_the_worker(app: Flask, drain) -> None:
    item = factories.make_item(kind=ItemKind.VIDEO)
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.video()), "科协宣传片.mp4")
    assert media.browser_playable and media.codec == "h264"
    assert 1.0 <= (media.duration or 0) <= 2.0
    assert media.renditions_pending and media.poster_key is None  # the page says 处理中
    assert _poster_jobs(media.id) == 1
    drain()
    assert not media.renditions_pending and media.poster_key and media.thumb_key
    assert uploads.storage().exists(media.poster_key)
    assert _poster_jobs(media.id) == 0
    drain()  # running it again changes nothing
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_documents_on_products(app: Flask) -> None:
    item = factories.make_item(kind=ItemKind.PRODUCT)
    pdf = uploads.add_file(item.submitter, item, io.BytesIO(samples.pdf()), "海报.pdf")
    docx = uploads.add_file(item.submitter, item, io.BytesIO(samples.docx()), "方案.docx")
    assert (pdf.mime, docx.media_type) == ("application/pdf", "document")
    assert pdf.thumb_key is None


def test_only_editable_items_of_ones_own_organisation_take_files(app: Flask) -> None:
    item = factories.make_item(kind=ItemKind.PHOTO, status=ItemStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "a.jpg")
    draft = factories.make_item(kind=ItemKind.PHOTO)
    with pytest.raises(NotFound):
        uploads.add_file(
            factories.make_user(Role.CONTRIBUTOR), draft, io.BytesIO(samples.photo()), "a.jpg"
        )
    with pytest.raises(DomainError):
        uploads.add_file(
            factories.make_user(Role.CURATOR), draft, io.BytesIO(samples.photo()), "a.jpg"
        )
    assert media_count() == 0


def test_duplicates_are_flagged_with_visibility(app: Flask) -> None:
    first = factories.make_item(kind=ItemKind.PHOTO)
    original = uploads.add_file(first.submitter, first, io.BytesIO(samples.photo(7)), "原图.jpg")
    second = factories.make_item(kind=ItemKind.PHOTO)
    copy = uploads.add_file(second.submitter, second, io.BytesIO(samples.photo(7)), "副本.jpg")
    assert copy.sha256 == original.sha256
    dups = uploads.duplicates_of(second.submitter, copy)
    assert [(d.item_id, d.visible) for d in dups] == [(first.id, False)]
    curator = factories.make_user(Role.CURATOR)
    assert uploads.duplicates_of(curator, copy)[0].visible is True
    assert uploads.duplicate_counts(curator, second) == {copy.id: [first.id]}
    assert uploads.duplicate_counts(second.submitter, second) == {copy.id: [None]}


def test_remove_file_deletes_its_renditions(app: Flask, photo_item) -> None:
    media = uploads.add_file(photo_item.submitter, photo_item, io.BytesIO(samples.photo()), "a.jpg")
    uploads.remove_file(photo_item.submitter, media)
    assert stored_files(app) == [] and media_count() == 0


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\张三\\桌面\\采访.docx", "采访.docx"),
        ("../../secret.txt", "secret.txt"),
        ("\x00\x1f坏名字.jpg", "坏名字.jpg"),
        ("", "file"),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert uploads.clean_name(raw) == clean
