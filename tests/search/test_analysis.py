"""Analysis and writing: the terms each field gets, and the bulk writer matching Whoosh's own."""

from __future__ import annotations

import random

import pytest
from whoosh import index

from kitchen.search.analysis import (
    bigram_codes,
    code_text,
    gram_pairs,
    latin_positions,
    normalize,
    query_units,
)
from kitchen.search.query import parse_query
from kitchen.search.schema import build_schema
from kitchen.search.segments import SegmentBuilder
from kitchen.search.writing import commit

from .conftest import make_corpus
from .reference import (
    CharTokenizer,
    GramTokenizer,
    JiebaTokenizer,
    LatinTokenizer,
    analyse,
    cjk_chars,
    gram_positions,
    index_text,
    search_words,
    writer_fields,
    writer_schema,
)


def test_normalize_folds_full_width_and_case():
    assert normalize("ＡＩ与５Ｇ，Open\u3000Science") == "ai与5g,open science"


def test_query_units_are_word_runs_without_punctuation():
    units = query_units("科学家精神，AI 5G网络！COVID-19")
    assert units == ["科学家精神", "ai", "5g网络", "covid", "19"]


def test_bigrams_sit_at_character_offsets_and_never_cross_fields():
    text = index_text(["科学家精神", "中国科学家"])
    assert gram_positions(text) == {
        "科学": [0, 8],
        "学家": [1, 9],
        "家精": [2],
        "精神": [3],
        "中国": [6],
        "国科": [7],
    }
    assert "神中" not in gram_positions(text)


def test_vectorised_bigrams_equal_the_reference(corpus):
    rng = random.Random(1)
    samples = [index_text([d.title, d.body, d.people]) for d in rng.sample(corpus, 50)]
    samples += ["", "a", "党", "𠀀𠀁x𠀂", "ＡＩ科学"]
    for text in samples:
        codes, offsets, chars = bigram_codes(text)
        found: dict[str, list[int]] = {}
        for code, offset in zip(codes.tolist(), offsets.tolist(), strict=True):
            found.setdefault(code_text(code), []).append(offset)
        assert found == gram_positions(text)
        assert {code_text(c) for c in chars.tolist()} == cjk_chars(text)


def test_latin_words_are_adjacent_only_without_cjk_or_field_breaks():
    positions = latin_positions(index_text(["open science 科学 data", "AI"]))
    assert positions["scienc"][0] - positions["open"][0] == 1  # English words as stems
    assert positions["data"][0] - positions["scienc"][0] > 1
    assert positions["ai"][0] - positions["data"][0] > 1


def test_search_words_are_jieba_search_mode_with_domain_words_without_punctuation():
    assert search_words("科技工作者，弘扬科学家精神") == [
        "科技",
        "技工",
        "工作",
        "作者",
        "工作者",
        "科技工作者",
        "弘扬",
        "科学",
        "学家",
        "精神",
        "科学家",
        "科学家精神",
    ]
    assert search_words("实验室里的化学家") == [
        "实验",
        "实验室",
        "里",
        "的",
        "化学",
        "学家",
        "化学家",
    ]


def test_grams_are_pairs_with_a_cjk_character():
    assert gram_pairs("科学家精神") == [("科学", 0), ("学家", 1), ("家精", 2), ("精神", 3)]
    assert gram_pairs("第5届") == [("第5", 0), ("5届", 1)]
    assert gram_pairs("5g网络") == [("g网", 1), ("网络", 2)]
    assert gram_pairs("党") == []
    assert gram_pairs("science") == []
    assert gram_positions(index_text(["2021年，第5届AI大会"])) == {
        "1年": [3],
        "第5": [6],
        "5届": [7],
        "届a": [8],
        "i大": [10],
        "大会": [11],
    }


@pytest.mark.parametrize(
    "tokenizer, field",
    [(GramTokenizer(), "grams"), (LatinTokenizer(), "latin"), (CharTokenizer(), "chars")],
)
def test_tokenizers_yield_the_indexed_terms(corpus, tokenizer, field):
    doc = corpus[3]
    text = index_text([doc.title, doc.body])
    tokens = {t.text for t in tokenizer(text, positions=True)}
    analysed = analyse(
        doc.__class__(**{**vars(doc), "summary": "", "people": "", "keywords": "", "place": ""})
    )
    expected = {"grams": analysed.grams, "latin": analysed.latin, "chars": analysed.chars}[field]
    assert tokens == set(expected)


def test_gram_tokenizer_positions_are_character_offsets():
    tokens = [(t.text, t.pos) for t in GramTokenizer()("中国，科学家", positions=True)]
    assert tokens == [("中国", 0), ("科学", 3), ("学家", 4)]


def test_jieba_tokenizer_yields_search_words():
    assert [t.text for t in JiebaTokenizer()("科学家精神")] == search_words("科学家精神")


def test_bulk_segments_are_identical_to_whoosh_writer_segments(tmp_path):
    docs = make_corpus(120, seed=9)
    standard = index.create_in(
        str(tmp_path.joinpath("a").mkdir() or tmp_path / "a"), writer_schema()
    )
    writer = standard.writer()
    for doc in docs:
        writer.add_document(**writer_fields(doc, analyse(doc)))
    writer.commit()
    bulk = index.create_in(str(tmp_path.joinpath("b").mkdir() or tmp_path / "b"), build_schema())
    builder = SegmentBuilder(bulk.storage, bulk.indexname, bulk.schema)
    for doc in docs:
        builder.add(doc)
    commit(bulk, [builder.finish()], [], 5.0)
    a, b = standard.reader(), bulk.reader()
    terms = sorted(a.all_terms())
    assert terms == sorted(b.all_terms())
    for field, term in terms:
        assert postings(a, field, term) == postings(b, field, term), (field, term)
    for docnum in range(len(docs)):
        assert a.stored_fields(docnum) == b.stored_fields(docnum)
        assert a.doc_field_length(docnum, "words") == b.doc_field_length(docnum, "words")
    for column in ("campaign", "kind", "organization", "year", "status", "recency", "docid"):
        assert list(a.column_reader(column)) == list(b.column_reader(column))


def postings(reader, field, term):
    """A posting list through Whoosh's generic matcher API."""
    matcher = reader.postings(field, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


@pytest.mark.parametrize(
    "text, clauses",
    [
        ("科学家 脱贫攻坚", [(("科学家",), False), (("脱贫攻坚",), False)]),
        ('"科学家 精神" -抗疫', [(("科学家", "精神"), False), (("抗疫",), True)]),
        ("-“新冠 疫情”", [(("新冠", "疫情"), True)]),
        ("COVID-19 5G网络", [(("covid", "19"), False), (("5g网络",), False)]),
        ("AND OR", [(("and",), False), (("or",), False)]),
        ('"', []),
        ("(((", []),
        ("科学家 科学家", [(("科学家",), False)]),
    ],
)
def test_parse_query(text, clauses):
    parsed = parse_query(text)
    assert [(c.units, c.negated) for c in parsed.clauses] == clauses


def test_parse_query_bounds_work():
    parsed = parse_query(" ".join(f"词{i}" for i in range(100)))
    assert len(parsed.clauses) == 16
    assert parse_query(None).clauses == ()
    assert parse_query("😀").unsearchable
    assert not parse_query("").unsearchable


def test_the_segmenter_loads_once_while_many_threads_search() -> None:
    """First use from many threads at once (a gunicorn worker's first requests): one thread
    teaches rjieba the domain words, the others wait, none fails ("Already borrowed")."""
    import threading

    from kitchen.search import analysis

    analysis._segmenter = None  # as in a new process
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def search() -> None:
        start.wait()
        try:
            for _ in range(50):
                assert "最美科技工作者" in analysis.ranking_words(["最美科技工作者风采"])
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
