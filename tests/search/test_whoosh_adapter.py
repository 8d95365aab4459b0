"""The canary: every private Whoosh name the adapter uses still exists, on real objects.

When Whoosh moves, this fails first, with the name that moved, before anything subtler breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import whoosh
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher, W3PostingsWriter
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import SegmentReader

from kitchen.search import whoosh_adapter
from kitchen.search.whoosh_adapter import (
    INSTANCE_NAMES,
    PRIVATE_METHODS,
    ArrayCodec,
    WhooshMismatch,
    check_whoosh,
    codec_named,
    read_postings,
)
from kitchen.search.whoosh_backend import WhooshBackend

from .conftest import simple_document


@pytest.fixture
def filled(tmp_path: Path) -> WhooshBackend:
    backend = WhooshBackend(tmp_path / "index", procs=1)
    backend.index([simple_document(1, "科学家精神 open science"), simple_document(2, "院士")])
    return backend


def _has(obj: object, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not hasattr(obj, name)]


def test_the_installed_whoosh_is_the_one_the_adapter_was_written_for() -> None:
    check_whoosh()
    assert tuple(whoosh.__version__[:3]) == whoosh_adapter.WRITTEN_FOR
    for cls, names in PRIVATE_METHODS.items():
        assert _has(cls, names) == [], cls


def test_instance_attributes_exist_on_real_objects(filled: WhooshBackend) -> None:
    searcher = filled._current_searcher()
    (reader, _offset), *_ = searcher.reader().leaf_readers()
    assert isinstance(reader, SegmentReader)
    assert _has(reader, INSTANCE_NAMES["SegmentReader"]) == []
    terms = reader._terms
    assert _has(terms, INSTANCE_NAMES["W3TermsReader"]) == []
    info = terms.term_info("grams", "科学".encode())
    matcher = terms._codec.postings_reader(terms._postfile, info, reader.schema["grams"].format)
    assert isinstance(matcher, W3LeafMatcher)
    matcher.arrays()  # loads the block, so its lazily set attributes exist too
    assert _has(matcher, INSTANCE_NAMES["W3LeafMatcher"]) == []
    codec = ArrayCodec()
    assert isinstance(codec, W3Codec) and _has(codec, INSTANCE_NAMES["W3Codec"]) == []
    postings = codec.postings_writer(BufferFile(b""))
    assert isinstance(postings, W3PostingsWriter)
    postings.start_postings(reader.schema["grams"].format, whoosh_adapter.W3TermInfo())
    assert _has(postings, INSTANCE_NAMES["W3PostingsWriter"]) == []
    ix = filled.generations.open(filled.generations.current_name())
    segment = whoosh_adapter.new_segment(codec, ix.storage, ix.indexname)
    fields = codec.field_writer(ix.storage, segment)
    assert isinstance(fields, W3FieldWriter)
    assert _has(fields, INSTANCE_NAMES["W3FieldWriter"]) == []
    fields.close()


def test_postings_come_back_whole(filled: WhooshBackend) -> None:
    searcher = filled._current_searcher()
    (reader, _offset), *_ = searcher.reader().leaf_readers()
    found = read_postings(reader, "grams", "科学")
    assert found.ids.tolist() == [0] and found.sizes is not None
    assert read_postings(reader, "grams", "没有").ids.size == 0


def test_the_toc_names_the_codec_by_a_stable_name(filled: WhooshBackend) -> None:
    folder = filled.generations.root / filled.generations.current_name()
    toc = max(folder.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))
    data = toc.read_bytes()
    assert b"stored_codec" in data and b"kitchen.search" in data
    assert b"whoosh_adapter" not in data and b"ArrayCodec" not in data


def test_an_unknown_codec_or_whoosh_is_refused(monkeypatch) -> None:
    with pytest.raises(WhooshMismatch, match="reindex"):
        codec_named("array", 99, {})
    monkeypatch.setattr(whoosh, "__version__", (2, 8, 0))
    with pytest.raises(WhooshMismatch, match="2, 7, 5"):
        check_whoosh()
