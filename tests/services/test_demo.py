"""The demo library: approved photos and a video with real files; loading twice adds nothing."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import (
    Campaign,
    Collection,
    Item,
    ItemKind,
    ItemStatus,
    ItemVersion,
    MediaFile,
    SavedSearch,
)
from kitchen.search import SearchQuery
from kitchen.services import calls, demo, indexing
from kitchen.services.demo_items import ITEMS
from tests.support.files import stored_keys


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _stored(app: Flask) -> set[str]:
    return stored_keys(app)


def _approved(kind: ItemKind) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item).where(Item.kind == kind, Item.status == ItemStatus.APPROVED)
        ).all()
    )


def test_demo_has_approved_media_and_loads_once(app: Flask, drain) -> None:
    lines: list[str] = []
    demo.load_demo(lines.append)
    drain()  # `kitchen demo` does this too: the video's poster, the search index

    photos = _approved(ItemKind.PHOTO)
    assert len(photos) >= 2
    for item in photos:
        assert item.files and item.campaigns and item.consent_confirmed
        for media in item.files:
            assert media.media_type == "image" and media.mime == "image/jpeg"
            assert media.thumb_key and media.web_key and media.caption
            assert media.original_name.endswith(".jpg")
    jingjian = next(i for i in photos if any(c.slug == "jingjian" for c in i.campaigns))
    names = [f.original_name for f in jingjian.files]
    assert 3 <= len(names) <= 4 and "量子实验室-01.jpg" in names
    assert any(c.slug == "kepu-day" for i in photos for c in i.campaigns if i is not jingjian)

    (video,) = _approved(ItemKind.VIDEO)
    assert [c.slug for c in video.campaigns] == ["ouxiang"]
    (clip,) = video.files
    assert clip.original_name == "科学也偶像-航天工程师.mp4"
    assert clip.media_type == "video" and clip.browser_playable and clip.poster_key
    assert clip.duration and 3 < clip.duration < 5

    stories_with_photos = [i for i in _approved(ItemKind.STORY) if i.files]
    assert stories_with_photos
    assert all(f.thumb_key and f.web_key for i in stories_with_photos for f in i.files)

    files = db.session.scalars(select(MediaFile)).all()
    expected = sum(len(spec.get("files", [])) for spec in ITEMS)  # type: ignore[arg-type]
    assert len(files) == expected
    stored = _stored(app)
    for media in files:
        for key in (media.storage_key, media.thumb_key, media.web_key, media.poster_key):
            if key:
                assert key in stored, key
    # One original plus two renditions (thumb and web, or poster and thumb) per file.
    assert len(stored) == 3 * len(files)

    # The journalist's desk: a saved search, and a collection shared with a contributor.
    (saved,) = db.session.scalars(select(SavedSearch)).all()
    assert saved.name == "科学家精神"
    named = db.session.scalars(
        select(Collection).where(Collection.name == "科技工作者日专题")
    ).one()
    assert named.entries and [g.user.email for g in named.grants] == [
        "contributor@kitchen.example.com"
    ]
    # Two stories told abroad: found by English words and by traditional characters.
    service = indexing.service()
    quantum = service.search(SearchQuery(text="quantum laboratory", statuses={"approved"}))
    assert [h.document.title for h in quantum.hits] == [jingjian.title]
    assert service.search(SearchQuery(text="academician")).total == 1
    assert (
        service.search(SearchQuery(text="量子實驗室")).total
        == service.search(SearchQuery(text="量子实验室")).total
        > 0
    )
    # The first sweep closes the calls whose end has passed (最美科技工作者 ended 2026-06-30).
    calls.sweep(date(2026, 12, 1))
    assert (
        db.session.scalars(select(Campaign.is_open).where(Campaign.slug == "zuimei")).one() is False
    )

    counts = (_count(Item), _count(MediaFile), _count(Collection), _count(ItemVersion))
    again: list[str] = []
    demo.load_demo(again.append)
    assert again == []
    assert (_count(Item), _count(MediaFile), _count(Collection), _count(ItemVersion)) == counts
    assert _stored(app) == stored
