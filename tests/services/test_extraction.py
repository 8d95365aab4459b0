"""The words in files (documents read, pictures by OCR) and the same photo at another size."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, Job, JobKind, MediaFile, Role, utcnow
from kitchen.services import extraction, jobs, library, likeness, uploads, worker
from kitchen.services.errors import Forbidden
from tests import factories, samples


def approve(item: Item) -> None:
    """Approve an item directly and queue its index entry (the workflow is tested elsewhere)."""
    item.status, item.approved_at = ItemStatus.APPROVED, utcnow()
    jobs.enqueue(JobKind.INDEX, item.id)
    db.session.commit()


def found(user, text: str) -> list[int]:
    return [hit.id for hit in library.search(user, text, per_page=100).hits]


def hit_for(user, text: str, item_id: int) -> library.LibraryHit:
    return next(h for h in library.search(user, text, per_page=100).hits if h.id == item_id)


@pytest.fixture
def ocr(app: Flask) -> Flask:
    app.config["OCR_PICTURES"] = True
    return app


def product(**overrides) -> Item:
    return factories.make_item(
        kind=ItemKind.PRODUCT, title="宣传产品", summary="", body="", **overrides
    )


def test_a_poster_is_found_by_the_words_printed_on_it(ocr: Flask, drain) -> None:
    item = product()
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.poster()), "海报.jpg")
    assert media.text_state == "pending"
    approve(item)
    drain()
    db.session.refresh(media)
    assert media.text_state == "done"
    lines = [s["text"] for s in extraction.segments(media)]
    assert "弘扬科学家精神" in lines and all(
        s["confidence"] > 0.5 for s in extraction.segments(media)
    )
    journalist = factories.make_user(Role.JOURNALIST)
    assert item.id in found(journalist, "科学家精神")
    hit = hit_for(journalist, "科技工作者日", item.id)
    assert hit.snippet_from == "image_text" and "image_text" in hit.matched_in
    assert "<mark>科技工作者日</mark>" in hit.snippet_html
    assert hit.matched_in == ["image_text"]  # not in its title nor its text
    assert "title" in hit_for(journalist, "宣传产品", item.id).matched_in


def test_a_photograph_is_not_cluttered_by_stray_words(ocr: Flask, drain) -> None:
    item = factories.make_item(kind=ItemKind.PHOTO)
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "风景.jpg")
    drain()
    db.session.refresh(media)
    text = extraction.file_text(media)
    assert text is not None and text.state == "done" and text.photograph and not text.searched
    assert extraction.indexed_texts(item) == {}


def test_a_pdf_is_found_by_words_inside_with_the_page(app: Flask, drain) -> None:
    item = product()
    data = samples.chinese_pdf(
        ["第一页：年度科普工作总结。", "第二页：青少年科技创新大赛在杭州举办。", "第三页：附录。"]
    )
    media = uploads.add_file(item.submitter, item, io.BytesIO(data), "科普工作总结.pdf")
    approve(item)
    drain()
    db.session.refresh(media)
    assert [s["page"] for s in extraction.segments(media)] == [1, 2, 3]
    journalist = factories.make_user(Role.JOURNALIST)
    hit = hit_for(journalist, "科技创新大赛", item.id)
    assert hit.snippet_from == "document_text" and hit.snippet_page == 2
    assert hit_for(journalist, "附录", item.id).snippet_page == 3


def test_a_docx_and_a_slide_deck_are_found_with_page_and_slide(app: Flask, drain) -> None:
    item = product()
    word = samples.chinese_docx([["活动方案"], ["第二部分：院士专家进校园"]])
    deck = samples.chinese_pptx(["开场白", "人工智能与气象预报", "谢谢"])
    doc_file = uploads.add_file(item.submitter, item, io.BytesIO(word), "活动方案.docx")
    deck_file = uploads.add_file(item.submitter, item, io.BytesIO(deck), "讲座.pptx")
    approve(item)
    drain()
    db.session.refresh(doc_file)
    db.session.refresh(deck_file)
    assert [s["page"] for s in extraction.segments(doc_file)] == [1, 2]
    assert [s["page"] for s in extraction.segments(deck_file)] == [1, 2, 3]
    journalist = factories.make_user(Role.JOURNALIST)
    assert hit_for(journalist, "院士专家进校园", item.id).snippet_page == 2
    assert hit_for(journalist, "气象预报", item.id).snippet_page == 2  # the deck's slide 2


@pytest.mark.parametrize(
    ("name", "data", "note"),
    [
        ("加密.pdf", lambda: samples.chinese_pdf(["内部资料"], password="秘密"), "encrypted"),
        (
            "损坏.pdf",
            lambda: (
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n"
                + b"\x00\xff" * 300
                + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
            ),
            "damaged",
        ),
    ],
)
def test_an_unreadable_document_gets_a_note_and_no_retry(
    app: Flask, drain, name: str, data: Callable[[], bytes], note: str
) -> None:
    item = product()
    media = uploads.add_file(item.submitter, item, io.BytesIO(data()), name)
    drain()
    db.session.refresh(media)
    assert (media.text_state, media.text_note) == ("failed", note)
    assert db.session.scalar(select(func.count(Job.id))) == 0  # settled: no retry loop
    text = extraction.file_text(media)
    assert text is not None and text.note and not text.searched


def test_a_file_over_the_time_limit_is_stopped_and_the_next_is_read(app: Flask, drain) -> None:
    item = product()
    app.config["EXTRACT_SECONDS"] = 0.001
    slow = uploads.add_file(
        item.submitter, item, io.BytesIO(samples.chinese_pdf(["慢"] * 40)), "慢.pdf"
    )
    drain()
    db.session.refresh(slow)
    assert (slow.text_state, slow.text_note) == ("failed", "timeout")
    app.config["EXTRACT_SECONDS"] = 60
    quick = uploads.add_file(
        item.submitter, item, io.BytesIO(samples.chinese_pdf(["科普大篷车"])), "快.pdf"
    )
    drain()
    db.session.refresh(quick)
    assert quick.text_state == "done" and "科普大篷车" in quick.text_segments


def test_a_drafts_file_text_stays_with_its_organisation(app: Flask, drain) -> None:
    item = product()
    data = samples.chinese_pdf(["未公开的选题：深海探测器研制进展"])
    uploads.add_file(item.submitter, item, io.BytesIO(data), "选题.pdf")
    drain()
    other = factories.make_user(Role.CONTRIBUTOR)
    colleague = factories.make_user(Role.CONTRIBUTOR, organization_id=item.organization_id)
    assert item.id not in found(other, "深海探测器")
    assert item.id not in found(factories.make_user(Role.JOURNALIST), "深海探测器")
    assert item.id in found(colleague, "深海探测器")
    assert item.id in found(factories.make_user(Role.CURATOR), "深海探测器")


def test_a_curator_corrects_the_text_and_search_follows(ocr: Flask, drain) -> None:
    item = product()
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.poster()), "海报.jpg")
    approve(item)
    drain()
    with pytest.raises(Forbidden):
        extraction.correct_text(item.submitter, media, "改写")
    curator = factories.make_user(Role.CURATOR)
    extraction.correct_text(curator, media, "全国科普日\n科学家精神报告会\x07")
    drain()
    db.session.refresh(media)
    assert media.text_corrected and [s["text"] for s in extraction.segments(media)] == [
        "全国科普日",
        "科学家精神报告会",
    ]
    journalist = factories.make_user(Role.JOURNALIST)
    assert item.id in found(journalist, "报告会")
    assert item.id not in found(journalist, "科技工作者日")


def test_the_same_photo_at_another_size_is_flagged_an_unrelated_one_is_not(
    app: Flask, drain
) -> None:
    first = factories.make_item(kind=ItemKind.PHOTO, credit_line="甲科协 摄/李四")
    uploads.add_file(first.submitter, first, io.BytesIO(samples.photo(3)), "原图.jpg")
    approve(first)
    item = factories.make_item(kind=ItemKind.PHOTO)
    copy = uploads.add_file(
        item.submitter, item, io.BytesIO(samples.recompressed(samples.photo(3))), "微信.jpg"
    )
    other = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo(4)), "别的.jpg")
    near = likeness.similar_photos(item.submitter, item)
    assert [(s.item_id, s.credit_line) for s in near[copy.id]] == [(first.id, "甲科协 摄/李四")]
    assert near[copy.id][0].bits <= likeness.NEAR_BITS and other.id not in near
    # Another organisation's draft holding a copy is only said to exist.
    draft = factories.make_item(kind=ItemKind.PHOTO)
    data = samples.recompressed(samples.photo(4), quality=70, scale=0.6)
    uploads.add_file(draft.submitter, draft, io.BytesIO(data), "草稿.jpg")
    hidden = likeness.similar_photos(item.submitter, item)[other.id]
    assert [(s.item_id, s.title, s.credit_line) for s in hidden] == [(None, "", "")]
    assert likeness.items_with_similar([item.id, first.id, draft.id]) == {
        item.id,
        first.id,
        draft.id,
    }


def test_extract_pending_fills_in_what_was_uploaded_before(app: Flask, runner, drain) -> None:
    item = product()
    data = samples.chinese_pdf(["老文件里的科普讲座"])
    media = uploads.add_file(item.submitter, item, io.BytesIO(data), "旧.pdf")
    photo = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo(5)), "旧.jpg")
    db.session.execute(db.delete(Job))
    media.text_state, photo.phash = "", None
    db.session.commit()
    result = runner.invoke(args=["kitchen", "extract", "--pending", "--now"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 files for reading; hashed 1 photos." in result.output
    db.session.expire_all()
    assert db.session.get(MediaFile, media.id).text_state == "done"
    assert db.session.get(MediaFile, photo.id).phash is not None
    assert item.id in found(factories.make_user(Role.CURATOR), "科普讲座")


def test_the_item_page_shows_the_text_with_pages_and_the_curator_corrects_it(
    app: Flask, client: FlaskClient, login_as, drain
) -> None:
    item = product()
    data = samples.chinese_pdf(["封面", "第二页写着科技助力乡村振兴"])
    media = uploads.add_file(item.submitter, item, io.BytesIO(data), "方案.pdf")
    approve(item)
    login_as(Role.JOURNALIST)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "科技助力乡村振兴" in page and "第 2 页" in page
    assert 'data-testid="text-correct"' not in page
    results = client.get("/library/?q=乡村振兴").get_data(as_text=True)
    assert 'data-testid="snippet-source"' in results and "第 2 页" in results
    client.post("/logout")
    login_as(Role.CURATOR)
    assert 'data-testid="text-correct"' in client.get(f"/items/{item.id}").get_data(as_text=True)
    response = client.post(
        f"/items/{item.id}/files/{media.id}/text", data={"text": "科技助力乡村振兴（修订）"}
    )
    assert response.status_code == 302
    db.session.refresh(media)
    assert media.text_corrected and "修订" in media.text_segments
    wrong_item = factories.make_item()
    response = client.post(f"/items/{wrong_item.id}/files/{media.id}/text", data={"text": "x"})
    assert response.status_code == 404


def test_the_api_shows_the_text_and_where_a_hit_came_from(
    app: Flask, client: FlaskClient, login_as, drain
) -> None:
    item = product()
    data = samples.chinese_pdf(["一", "二", "第三页：科学家精神宣讲团"])
    media = uploads.add_file(item.submitter, item, io.BytesIO(data), "宣讲.pdf")
    approve(item)
    drain()
    login_as(Role.CURATOR)
    body = client.get(f"/api/v1/items/{item.id}").get_json()
    text = body["files"][0]["text"]
    assert text["state"] == "done" and text["source"] == "document" and text["searched"]
    assert [s["page"] for s in text["segments"]] == [1, 2, 3]
    hits = client.get("/api/v1/search?q=宣讲团").get_json()["results"]
    hit = next(h for h in hits if h["id"] == item.id)
    assert hit["snippet_from"] == "document_text" and hit["snippet_page"] == 3
    assert hit["matched_in"] == ["document_text"]
    answer = client.put(
        f"/api/v1/items/{item.id}/files/{media.id}/text", json={"text": "宣讲团名单"}
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["text"]["corrected"] is True
    client.post("/logout")
    login_as(user=item.submitter)
    refused = client.put(f"/api/v1/items/{item.id}/files/{media.id}/text", json={"text": "x"})
    assert refused.status_code == 403
    db.session.refresh(media)
    assert json.loads(media.text_segments)[0]["text"] == "宣讲团名单"


def test_index_jobs_never_wait_behind_a_slow_file(app: Flask, monkeypatch) -> None:
    """The worker's media thread reads files; its main loop indexes meanwhile."""
    reading, release = threading.Event(), threading.Event()

    def slow_read(file_ids: list[int]) -> jobs.Outcome:
        reading.set()
        release.wait(30)
        return jobs.Outcome(done=set(file_ids))

    monkeypatch.setitem(
        worker.HANDLERS, JobKind.EXTRACT, worker.Handler(slow_read, batch=1, max_attempts=8)
    )
    jobs.enqueue(JobKind.EXTRACT, 12345)
    db.session.commit()
    stop = threading.Event()

    def run() -> None:
        with app.app_context():
            worker.run(stop, poll=0.05)

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert reading.wait(20)
        item = factories.make_item(status=ItemStatus.APPROVED, title="读文件时照样入索引")
        journalist = factories.make_user(Role.JOURNALIST)
        deadline = time.monotonic() + 20
        while item.id not in found(journalist, "照样入索引") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert item.id in found(journalist, "照样入索引")
        assert not release.is_set()  # the file is still being read
    finally:
        release.set()
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    db.session.expire_all()
    assert JobKind.EXTRACT.value not in db.session.scalars(select(Job.kind)).all()  # settled


def test_a_contributor_is_told_on_upload_and_the_curator_in_review(
    app: Flask, client: FlaskClient, login_as, drain
) -> None:
    first = factories.make_item(kind=ItemKind.PHOTO, credit_line="甲科协 摄/李四")
    uploads.add_file(first.submitter, first, io.BytesIO(samples.photo(6)), "原图.jpg")
    approve(first)
    contributor = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, kind=ItemKind.PHOTO)
    copy = samples.recompressed(samples.photo(6))
    answer = factories.upload(client, item.id, "朋友圈转发.jpg", copy).get_json()
    assert [s["item_id"] for s in answer["similar"]] == [first.id]
    assert answer["similar"][0]["credit"] == "甲科协 摄/李四"
    assert 'data-testid="similar-flag"' in answer["card_html"]
    page = client.get(f"/submit/{item.id}/edit").get_data(as_text=True)
    assert 'data-testid="similar-flag"' in page and "甲科协 摄/李四" in page
    db.session.refresh(item)
    item.status, item.submitted_at = ItemStatus.SUBMITTED, utcnow()
    db.session.commit()
    client.post("/logout")
    login_as(Role.CURATOR)
    queue = client.get("/review/").get_data(as_text=True)
    assert 'data-testid="similar-flag"' in queue
    review = client.get(f"/review/{item.id}").get_data(as_text=True)
    assert 'data-testid="similar-flag"' in review and f"#{first.id}" in review


def test_a_file_full_of_text_is_kept_to_the_cap(app: Flask, drain) -> None:
    from kitchen.services import text_readers

    item = product()
    data = samples.chinese_docx([["科普" * 600_000], ["第二页"]])
    media = uploads.add_file(item.submitter, item, io.BytesIO(data), "很长.docx")
    drain()
    db.session.refresh(media)
    assert media.text_state == "done"
    kept = extraction.segments(media)
    assert sum(len(s["text"]) for s in kept) == text_readers.MAX_CHARS
    assert len(extraction.indexed_texts(item)["document_text"]) == extraction.FILE_TEXT_CHARS
