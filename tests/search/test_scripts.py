"""Telling the story abroad: traditional characters, pinyin and English words find what a
Beijing editor finds with simplified Chinese (folding, pinyin, english)."""

from __future__ import annotations

import random
from dataclasses import replace

import opencc
import pytest

from kitchen.search import SearchBackend, SearchQuery
from kitchen.search.analysis import CJK_ONLY_RE
from kitchen.search.folding import KEPT, fold_script, script_table
from kitchen.search.query import parse_query
from kitchen.search.whoosh_backend import WhooshBackend

from .conftest import BACKENDS, TEXT_FIELDS, BackendMaker, make_corpus, simple_document
from .reference import to_whoosh
from .test_search import WORDS, total

TO_TRADITIONAL = opencc.OpenCC("s2t.json")


@pytest.fixture(scope="module", params=BACKENDS)
def mixed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """400 generated documents, every third one written in traditional characters (OpenCC's
    phrase-aware conversion, as a Hong Kong or Taiwan member would write them)."""
    corpus = make_corpus(400, seed=7)
    for doc in corpus[::3]:
        doc.texts = {k: TO_TRADITIONAL.convert(v) for k, v in doc.texts.items()}
    maker = BackendMaker(request.param, tmp_path_factory.mktemp("scripts"), request)
    backend = maker()
    backend.rebuild(corpus)
    yield backend, corpus
    maker.close()


def _has(doc, *needles: str) -> bool:
    return any(n in (getattr(doc, f) or "").lower() for f in TEXT_FIELDS for n in needles)


def test_the_fold_is_character_for_character_and_leaves_simplified_text_alone():
    assert fold_script("科學家與臺灣、裡面、衞生") == "科学家与台湾、里面、卫生"
    assert fold_script("著名的乾隆，什么") == "著名的乾隆，什么"  # simplified in their own right
    table = script_table()
    assert all(chr(source) not in KEPT for source in table)
    assert all(target not in table for target in table.values())  # one step, straight to the end
    # No character of the generated simplified corpus is folded into another one.
    text = "".join(v for d in make_corpus(300) for v in d.texts.values())
    assert fold_script(text) == text


def test_a_traditional_query_finds_exactly_the_items_with_the_word_in_either_script(mixed):
    backend, corpus = mixed
    for word in ["科学家", "科技工作者", "乡村振兴", "脱贫攻坚", "精神面貌", "党"]:
        traditional = TO_TRADITIONAL.convert(word)
        expected = {d.id for d in corpus if _has(d, word, traditional)}
        found = _ids(backend, traditional)
        assert found == expected == _ids(backend, word), word
        assert any(_has(d, traditional) for d in corpus if d.id in found) or word == traditional


@pytest.mark.parametrize("word", WORDS)
def test_hit_counts_still_equal_substring_counts_in_the_folded_text(mixed, word):
    backend, corpus = mixed
    expected = sum(
        any(word in fold_script(getattr(d, f) or "").lower() for f in TEXT_FIELDS) for d in corpus
    )
    assert total(backend, word) == expected > 0


def test_whoosh_queries_over_the_same_fields_agree_in_both_scripts(mixed, tmp_path):
    backend, corpus = mixed
    reference = WhooshBackend(tmp_path / "reference", procs=1)  # Whoosh's own query engine
    reference.rebuild(corpus)
    searcher = reference._current_searcher()
    for text in ["科學家", "黨 -抗疫", '"科技 工作者"', "kexuejia", "kxj", "open science"]:
        assert len(searcher.search(to_whoosh(parse_query(text)), limit=None)) == total(
            backend, text
        ), text


def test_a_hit_marks_the_original_characters(backend):
    backend.index([simple_document(1, "香港的青年科學家走進實驗室", title="臺灣科學家的故事")])
    hit = backend.search(SearchQuery(text="科学家 台湾")).hits[0]
    assert hit.title_html == "<mark>臺灣</mark><mark>科學家</mark>的故事"
    assert "<mark>科學家</mark>" in hit.snippet_html


def _ids(backend: SearchBackend, text: str) -> set[int]:
    results = backend.search(SearchQuery(text=text, per_page=100, facets=False))
    found = {hit.id for hit in results.hits}
    page = 2
    while len(found) < results.total:
        more = backend.search(SearchQuery(text=text, per_page=100, page=page, facets=False))
        found |= {hit.id for hit in more.hits}
        page += 1
    return found


def _sounds_corpus() -> list:
    return [
        simple_document(1, "讲述航天事业的历程", title="青年科学家走进乡村"),
        simple_document(2, "一位科学家的报告", title="乡村振兴的故事"),  # 科学家 in the body only
        simple_document(3, "回忆", title="怀念恩师", people="钱学森、王淦昌"),
        simple_document(4, "重庆的科普日", title="山城重庆迎来科普日"),
        simple_document(5, "Kexuejia is the word for scientist", title="A word"),
        simple_document(6, "活动", title="活动通知", organization_name="四川省科协"),
    ]


def test_pinyin_finds_titles_and_names_by_full_syllables_and_initials(backend):
    backend.index(_sounds_corpus())
    assert _ids(backend, "kexuejia") == {1, 5}  # the title's 科学家, not the body's
    assert _ids(backend, "KXJ") == {1}
    assert _ids(backend, "qianxuesen") == {3}
    assert _ids(backend, "qxs") == {3}
    assert _ids(backend, "chongqing") == {4}  # 重 read chong, not only zhong
    assert _ids(backend, "sichuanshengkexie") == {6}  # the organisation's name
    assert _ids(backend, "qian") == set()  # one syllable never expands
    assert _ids(backend, "科学家") == {1, 2}  # a Chinese query is not widened by sounds


def test_pinyin_hits_rank_below_the_word_and_mark_the_characters(backend):
    backend.index(_sounds_corpus())
    hits = backend.search(SearchQuery(text="kexuejia")).hits
    assert [h.id for h in hits] == [5, 1]
    assert hits[0].score > 0 and hits[1].score == 0
    assert hits[1].title_html == "青年<mark>科学家</mark>走进乡村"
    hit = backend.search(SearchQuery(text="kxj")).hits[0]
    assert hit.title_html == "青年<mark>科学家</mark>走进乡村"


def test_english_words_are_stemmed_and_lone_stop_words_dropped(backend):
    backend.index(
        [
            simple_document(1, "量子", title="量子计算", version_text="Quantum computers in Hefei"),
            simple_document(2, "人工智能", title="人工智能", version_text="The computing of AI"),
            simple_document(3, "开放科学", title="开放", version_text="Bank of China and science"),
        ]
    )
    assert _ids(backend, "quantum computer") == {1}
    assert _ids(backend, "quantums") == {1}
    assert _ids(backend, "computer") == {1, 2}  # computing, computers: one stem
    assert _ids(backend, "the AI") == {2}  # "the" alone is dropped
    assert _ids(backend, "the") == {2}  # ... unless it is all there is
    assert _ids(backend, '"bank of china"') == {3}  # a phrase keeps it
    assert _ids(backend, '"bank china"') == set()
    hit = backend.search(SearchQuery(text="computer")).hits[0]
    assert "<mark>computers</mark>" in hit.snippet_html or "<mark>computing</mark>" in (
        hit.snippet_html
    )


def test_random_traditional_documents_are_found_by_their_simplified_words(backend):
    rng = random.Random(3)
    corpus = make_corpus(60, seed=11)
    traditional = [
        replace(d, texts={k: TO_TRADITIONAL.convert(v) for k, v in d.texts.items()}) for d in corpus
    ]
    backend.index(traditional)
    for doc in rng.sample(corpus, 10):
        word = max(CJK_ONLY_RE.findall(doc.title), key=len)  # a simplified run of its title
        assert doc.id in _ids(backend, word), word
