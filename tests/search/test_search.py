"""Search behaviour: substring-exact hits, facets, filters, visibility, updates, rebuilds."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest
from whoosh.searching import Searcher

from kitchen.search import FACET_NAMES, SearchBackend, SearchQuery, SearchService, open_backend
from kitchen.search.query import parse_query
from kitchen.search.whoosh_backend import WhooshBackend

from .conftest import commit, contains, document_year, make_corpus, simple_document
from .reference import to_whoosh

WORDS = [
    "党",
    "科",
    "学",
    "精",
    "神",
    "家",
    "科学",
    "学家",
    "工作",
    "作者",
    "家精",
    "技工",
    "科普",
    "院士",
    "青年",
    "创新",
    "抗疫",
    "科学家",
    "工作者",
    "文学家",
    "脱贫攻坚",
    "乡村振兴",
    "科技工作者",
    "科学家精神",
    "科技工作",
    "精神面貌",
    "学家风范",
    "攻坚克难",
    "定点扶贫",
]


def total(backend: SearchBackend, text: str, **filters) -> int:
    """Hit count for a query."""
    return backend.search(SearchQuery(text=text, facets=False, filters=filters)).total


@pytest.mark.parametrize("word", WORDS)
def test_hit_count_equals_substring_count(indexed, corpus, word):
    expected = sum(contains(doc, word) for doc in corpus)
    assert expected > 0
    assert total(indexed, word) == expected


def test_whoosh_query_gives_the_same_hits(whoosh_indexed, indexed):
    searcher: Searcher = whoosh_indexed._current_searcher()
    for text in ["科学家", "党 -抗疫", '"科技 工作者"', "技工 精神面貌", "ai science"]:
        whoosh_hits = len(searcher.search(to_whoosh(parse_query(text)), limit=None))
        assert whoosh_hits == total(indexed, text), text


def test_words_must_all_match(indexed, corpus):
    expected = sum(contains(d, "科普") and contains(d, "院士") for d in corpus)
    assert total(indexed, "科普 院士") == expected


def test_exclusion(indexed, corpus):
    expected = sum(contains(d, "科学家") and not contains(d, "抗疫") for d in corpus)
    assert total(indexed, "科学家 -抗疫") == expected
    assert total(indexed, '-"抗疫"') == sum(not contains(d, "抗疫") for d in corpus)


def test_quoted_phrase_is_one_substring_across_spaces_only_as_written(indexed, corpus):
    assert total(indexed, '"脱贫攻坚"') == sum(contains(d, "脱贫攻坚") for d in corpus)
    assert total(indexed, "“科学家精神”") == sum(contains(d, "科学家精神") for d in corpus)


def test_latin_words_match_whole_words_case_insensitively(indexed, corpus):
    def has_word(doc, word):
        text = " ".join((getattr(doc, f) or "") for f in ("title", "summary", "body"))
        text = text.replace("ＡＩ", "AI")
        return re.search(rf"(?<![A-Za-z0-9]){word}(?![A-Za-z0-9])", text, re.IGNORECASE)

    assert total(indexed, "AI") == sum(bool(has_word(d, "ai")) for d in corpus)
    assert total(indexed, "ＡＩ") == total(indexed, "ai")
    assert total(indexed, "sai") == 0  # no substring matching inside Latin words
    phrase = sum(bool(has_word(d, "open science")) for d in corpus)
    assert total(indexed, '"open science"') == phrase
    assert total(indexed, "COVID-19") == sum(bool(has_word(d, "covid-19")) for d in corpus)


def facet_counts(docs) -> dict[str, dict[str, int]]:
    """Facet counts computed straight from documents."""
    counts = {name: Counter() for name in FACET_NAMES}
    for doc in docs:
        counts["campaign"].update(set(doc.campaigns))
        counts["kind"][doc.kind] += 1
        counts["organization"][doc.organization] += 1
        counts["year"][document_year(doc)] += 1
        counts["status"][doc.status] += 1
        counts["terms"][doc.usage_terms] += 1
        counts["language"].update(set(doc.languages))
    return {name: dict(counter) for name, counter in counts.items()}


@pytest.mark.parametrize("text", ["", "科学家", "党 -精神"])
def test_facet_counts_equal_counts_from_the_corpus(indexed, corpus, text):
    matching = [d for d in corpus if all(contains(d, w) for w in text.split() if w[0] != "-")]
    matching = [
        d for d in matching if not any(contains(d, w[1:]) for w in text.split() if w[0] == "-")
    ]
    results = indexed.search(SearchQuery(text=text, per_page=5))
    assert results.total == len(matching)
    assert results.facets == facet_counts(matching)


def test_filters_narrow_by_campaign_kind_organisation_and_year(indexed, corpus):
    wanted = {"campaign": "kepu-ri", "kind": "story", "organization": "中国化学会"}
    query = SearchQuery(text="科学", filters=wanted)
    expected = [
        d
        for d in corpus
        if contains(d, "科学")
        and "kepu-ri" in d.campaigns
        and d.kind == "story"
        and d.organization == "中国化学会"
    ]
    assert indexed.search(query).total == len(expected)
    year = int(document_year(corpus[0]))
    by_year = [d for d in corpus if document_year(d) == str(year)]
    results = indexed.search(SearchQuery(filters={"year": str(year)}))
    assert results.total == len(by_year)
    assert results.facets["year"] == {str(year): len(by_year)}
    english = [d for d in corpus if "en" in d.languages and contains(d, "科学")]
    results = indexed.search(SearchQuery(text="科学", filters={"language": "en"}))
    assert results.total == len(english) > 0
    assert results.facets["language"]["en"] == len(english)


def test_status_scoping_and_the_contributor_rule(indexed, corpus):
    approved = [d for d in corpus if d.status == "approved"]
    assert indexed.search(SearchQuery(statuses={"approved"})).total == len(approved)
    everything = {"approved", "draft", "submitted", "rejected", "changes_requested"}
    contributor = SearchQuery(
        statuses={"approved"}, visible_org_statuses=("四川省科协", everything)
    )
    visible = [d for d in corpus if d.status == "approved" or d.organization == "四川省科协"]
    results = indexed.search(contributor)
    assert results.total == len(visible)
    assert results.facets["status"] == dict(Counter(d.status for d in visible))
    drafts = SearchQuery(
        filters={"status": "draft"},
        statuses={"approved"},
        visible_org_statuses=("四川省科协", everything),
    )
    own_drafts = [d for d in visible if d.status == "draft"]
    assert indexed.search(drafts).total == len(own_drafts)
    assert all(d.organization == "四川省科协" for d in own_drafts)


def test_hits_are_ranked_word_matches_first_and_paged(indexed, corpus):
    results = indexed.search(SearchQuery(text="科学家", per_page=10))
    assert len(results.hits) == 10
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    page2 = indexed.search(SearchQuery(text="科学家", per_page=10, page=2))
    assert not {h.id for h in results.hits} & {h.id for h in page2.hits}
    assert results.pages == -(-results.total // 10)


def test_ranking_favours_word_matches_and_title_hits(backend):
    backend.index(
        [
            simple_document(1, "他出身于科学家庭", title="故事一"),  # 科学家 only as letters
            simple_document(2, "他是一位科学家", title="故事二"),  # 科学家 as a word
            simple_document(3, "他是一位科学家", title="科学家的故事"),  # ... and in the title
        ]
    )
    results = backend.search(SearchQuery(text="科学家"))
    assert [hit.id for hit in results.hits] == [3, 2, 1]
    assert results.hits[2].score == 0  # found by substring only


def test_newest_sort_orders_by_approval_then_creation(indexed, corpus):
    results = indexed.search(SearchQuery(sort="newest", per_page=30, statuses={"approved"}))
    by_id = {d.id: d for d in corpus}
    stamps = [(by_id[h.id].approved_at, by_id[h.id].created_at) for h in results.hits]
    assert stamps == sorted(stamps, reverse=True)
    newest = max((d.approved_at, d.created_at) for d in corpus if d.status == "approved")
    assert stamps[0] == newest


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "-",
        "--",
        "AND OR",
        "(((",
        "*",
        "?",
        '"unclosed',
        '-""',
        "科学家" * 400,
        "x" * 5000,
        "😀🎉",
        "科学家😀精神",
        "\x00\x1f",
        "NOT",
        "科学家 OR 院士",
        "[]{}:~^",
        "\\",
        "\u3000",
        None,
    ],
)
def test_malformed_queries_never_raise(indexed, text):
    results = indexed.search(SearchQuery(text=text))
    assert results.total >= 0


def test_bad_paging_values_are_clamped(indexed):
    results = indexed.search(SearchQuery(text="科学", page=-3, per_page=100000, sort="bogus"))
    assert results.page == 1
    assert results.per_page == 100
    assert indexed.search(SearchQuery(text="科学", page=10**6)).hits == []


def test_unsearchable_input_matches_nothing(indexed):
    assert total(indexed, "😀") == 0
    assert total(indexed, "-") == 0
    assert total(indexed, "") == 600


def test_highlighting_marks_matches_and_escapes_html(backend):
    backend.index(
        [
            simple_document(
                1, "<b>科学家</b>说：科学家精神 & AI 不是 said", title="<i>科学家</i>的故事"
            )
        ]
    )
    hit = backend.search(SearchQuery(text="科学家 ai")).hits[0]
    assert hit.title_html == "&lt;i&gt;<mark>科学家</mark>&lt;/i&gt;的故事"
    assert "&lt;b&gt;<mark>科学家</mark>&lt;/b&gt;" in hit.snippet_html
    assert "<mark>AI</mark>" in hit.snippet_html
    assert "s<mark>ai</mark>d" not in hit.snippet_html
    assert hit.document is not None and hit.document.thumb_file_id is None


def test_mixed_chinese_and_digits_match_as_written(backend):
    backend.index(
        [
            simple_document(1, "第5届科普日在2021年举行"),
            simple_document(2, "第15届年会，12021年的记录"),
            simple_document(3, "5G网络覆盖乡村，第 5 届"),
        ]
    )
    assert [h.id for h in backend.search(SearchQuery(text="第5届")).hits] == [1]
    assert [h.id for h in backend.search(SearchQuery(text="2021年")).hits] == [1]
    assert [h.id for h in backend.search(SearchQuery(text="5g网络")).hits] == [3]
    assert total(backend, "15届") == 1
    assert "<mark>第5届</mark>" in backend.search(SearchQuery(text="第5届")).hits[0].snippet_html


def test_update_replaces_old_text_and_remove_deletes(backend):
    service = SearchService(backend)
    service.index_item(simple_document(7, "脱贫攻坚的故事"))
    service.index_item(simple_document(8, "科普日活动"))
    assert total(backend, "脱贫攻坚") == 1
    service.index_item(simple_document(7, "乡村振兴的故事"))
    assert total(backend, "脱贫攻坚") == 0
    assert [h.id for h in backend.search(SearchQuery(text="乡村振兴")).hits] == [7]
    assert backend.count() == 2
    service.remove_item(8)
    service.remove_item(999)  # unknown ids are ignored
    assert total(backend, "科普") == 0
    assert backend.count() == 1


def test_many_small_updates_merge_segments(whoosh_backend):
    backend = whoosh_backend
    for number in range(1, 41):
        backend.index([simple_document(number % 10, f"第{number}次更新 科学家")])
    assert backend.count() == 10
    assert total(backend, "科学家") == 10
    searcher = backend._current_searcher()
    assert len(searcher.reader().leaf_readers()) < 15


def test_rebuild_gives_the_same_results_as_incremental_indexing(make_backend, corpus):
    incremental = make_backend("a")
    for start in range(0, 200, 50):
        incremental.index(corpus[start : start + 50])
    rebuilt = make_backend("b")
    progress: list[int] = []
    assert rebuilt.rebuild(corpus[:200], progress.append) == 200
    assert progress and progress[-1] == 200
    for text in ["科学家", "党", "科技工作者 -抗疫", ""]:
        a = incremental.search(SearchQuery(text=text, per_page=200))
        b = rebuilt.search(SearchQuery(text=text, per_page=200))
        assert (a.total, a.facets) == (b.total, b.facets)
        assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits]


def test_parallel_rebuild_matches_in_process_rebuild(tmp_path, monkeypatch):
    from kitchen.search import bulk

    monkeypatch.setattr(bulk, "PARALLEL_MIN_DOCS", 100)
    monkeypatch.setattr(bulk, "BATCH_DOCS", 40)
    docs = make_corpus(300, seed=5)
    parallel = WhooshBackend(tmp_path / "p", procs=2)
    assert parallel.rebuild(iter(docs)) == 300
    serial = WhooshBackend(tmp_path / "s", procs=1)
    serial.rebuild(docs)
    for text in ["科学家", "工作", "院士 青年"]:
        a, b = parallel.search(SearchQuery(text=text)), serial.search(SearchQuery(text=text))
        assert (a.total, a.facets) == (b.total, b.facets)


def test_a_searcher_opened_before_a_rebuild_keeps_working(tmp_path, corpus):
    path = tmp_path / "index"
    reader_side = WhooshBackend(path, procs=1)
    writer_side = WhooshBackend(path, procs=1)
    writer_side.rebuild(corpus[:100])
    before = reader_side._current_searcher()
    old_total = total(reader_side, "科学家")
    writer_side.rebuild(corpus[:50])  # swaps in a new generation
    assert len(before.search(to_whoosh(parse_query("科学家")), limit=None)) == old_total
    assert [hit["docid"] for hit in before.search(to_whoosh(parse_query("科学")), limit=3)]
    assert total(reader_side, "科学家") == sum(contains(d, "科学家") for d in corpus[:50])
    writer_side.rebuild(corpus[:10])  # the generation `before` reads is removed now
    assert len([p for p in path.iterdir() if p.is_dir()]) == 2


def test_updates_during_a_rebuild_are_not_lost(make_backend):
    backend = make_backend()
    other_worker = make_backend()
    backend.index([simple_document(1, "旧的正文")])
    commit(backend)

    def stream():
        yield simple_document(1, "旧的正文")
        yield simple_document(2, "第二篇")
        # Another process updates and removes items while the rebuild is reading the database.
        other_worker.index([simple_document(1, "新的正文 院士"), simple_document(3, "第三篇")])
        other_worker.remove([2])
        commit(other_worker)

    backend.rebuild(stream())
    assert total(backend, "院士") == 1
    assert total(backend, "旧的") == 0
    assert sorted(h.id for h in backend.search(SearchQuery()).hits) == [1, 3]


def test_an_empty_index_returns_zero_results(backend):
    results = backend.search(SearchQuery(text="科学家"))
    assert results.total == 0 and results.hits == []
    assert set(results.facets) == set(FACET_NAMES)
    assert backend.count() == 0 and backend.fingerprints() == {}


def test_missing_or_empty_index_returns_zero_results(tmp_path):
    backend = open_backend(tmp_path / "fresh")
    assert backend.search(SearchQuery(text="科学家")).total == 0
    assert backend.count() == 0
    (tmp_path / "fresh" / "CURRENT").unlink()
    results = backend.search(SearchQuery(text="科学家"))
    assert results.total == 0 and results.hits == []
    assert set(results.facets) == set(FACET_NAMES)


def test_clear_removes_everything(backend):
    backend.index([simple_document(1, "科学家"), simple_document(2, "院士")])
    backend.clear()
    assert backend.count() == 0
    assert total(backend, "科学家") == 0


def test_documents_without_dates_or_campaigns_are_indexed(backend):
    doc = simple_document(
        5, "科学家", event_date=None, approved_at=datetime(2023, 1, 1), campaigns=[]
    )
    backend.index([doc])
    results = backend.search(SearchQuery(text="科学家"))
    assert results.facets["year"] == {"2023": 1}
    assert results.facets["campaign"] == {}


def test_facets_over_the_cap_are_estimated_and_flagged(request, tmp_path, corpus, monkeypatch):
    from kitchen.search import pg_backend

    from .conftest import BackendMaker

    maker = BackendMaker("postgresql", tmp_path, request)
    try:
        backend = maker()
        backend.index(corpus)
        exact = backend.search(SearchQuery(text="党"))
        assert not exact.facets_estimated
        assert exact.facets == facet_counts([d for d in corpus if contains(d, "党")])
        monkeypatch.setattr(pg_backend, "FACET_CAP", 100)
        estimated = backend.search(SearchQuery(text="党"))
        assert estimated.facets_estimated
        assert estimated.total == exact.total  # the total and the hits stay exact
        assert [h.id for h in estimated.hits] == [h.id for h in exact.hits]
        for name in ("kind", "organization", "status"):
            counted = sum(estimated.facets[name].values())
            assert abs(counted - exact.total) <= 0.25 * exact.total, name
        assert set(estimated.facets["kind"]) <= set(exact.facets["kind"])
    finally:
        maker.close()


def test_a_parallel_postgresql_rebuild_matches_an_in_process_one(request, tmp_path, monkeypatch):
    from kitchen.search import pg_backend

    from .conftest import BackendMaker

    monkeypatch.setattr(pg_backend, "PARALLEL_MIN_DOCS", 100)
    docs = make_corpus(300, seed=5)
    maker = BackendMaker("postgresql", tmp_path, request)
    try:
        parallel, serial = maker("parallel"), maker("serial")
        parallel.procs, serial.procs = 2, 1
        assert parallel.rebuild(iter(docs)) == 300
        serial.rebuild(docs)
        assert parallel.fingerprints() == serial.fingerprints()
        for text in ["科学家", "工作", "院士 青年"]:
            a, b = parallel.search(SearchQuery(text=text)), serial.search(SearchQuery(text=text))
            assert (a.total, a.facets) == (b.total, b.facets)
            assert [h.id for h in a.hits] == [h.id for h in b.hits]
    finally:
        maker.close()


def test_big_documents_are_found_by_their_long_and_short_words(request, tmp_path, monkeypatch):
    from kitchen.search import pg_terms

    from .conftest import BackendMaker

    monkeypatch.setattr(pg_terms, "BIG_LEXEMES", 400)  # bodies of a few hundred characters
    docs = make_corpus(40, seed=11)
    maker = BackendMaker("postgresql", tmp_path, request)
    try:
        backend = maker("big")
        small = [simple_document(d.id, d.title) for d in docs]  # titles only: none is big
        backend.index(small)
        commit(backend)
        words = ["科学家", "科技工作者", "青年科学家", "工作", "科"]
        for word in words:  # a table without BIG documents: the short query
            assert total(backend, word) == sum(contains(d, word) for d in small), word
        backend.index(docs)  # now most are big: single characters and checks in the text
        commit(backend)
        assert sum(pg_terms.analyse(d).big for d in docs) > 10
        for word in [*words, "技工", "青年科学"]:
            assert total(backend, word) == sum(contains(d, word) for d in docs), word
    finally:
        maker.close()


def test_a_postgresql_rebuild_into_an_empty_table_builds_its_index_after(
    request, tmp_path, monkeypatch
):
    from sqlalchemy import text as sql

    from kitchen.search import pg_backend

    from .conftest import BackendMaker

    monkeypatch.setattr(pg_backend, "WRITE_BATCH", 20)  # committed as it goes
    monkeypatch.setattr(pg_backend, "PARALLEL_MIN_DOCS", 10)
    docs = make_corpus(120, seed=13)
    maker = BackendMaker("postgresql", tmp_path, request)
    try:
        backend, reader = maker("deferred"), maker("deferred")
        backend.procs = 1
        index_name = f"{backend.table}_terms"

        def has_index() -> bool:
            found = reader.session.execute(sql("SELECT to_regclass(:i)"), {"i": index_name})
            reader.session.commit()
            return found.scalar() is not None

        seen: list[tuple[bool, int]] = []

        def dying():
            for number, doc in enumerate(docs):
                if number == 60:
                    # Half-way: another host searches the half-filled table without its index.
                    seen.append((has_index(), total(reader, "科学")))
                    raise RuntimeError("killed half-way")
                yield doc

        with pytest.raises(RuntimeError):
            backend.rebuild(dying())
        backend.session.rollback()
        assert seen[0][0] is False
        assert seen[0][1] == sum(contains(d, "科学") for d in docs[:60])
        assert not has_index() and backend.needs_rebuild()
        assert total(reader, "科学") > 0  # still found, by scanning the table
        # The next rebuild finds rows already there: it keeps the table as is, builds the
        # missing index at the end and only then calls the layout complete.
        assert backend.rebuild(docs) == 120
        assert has_index() and not backend.needs_rebuild()
        for word in ["科学家", "工作", "科"]:
            assert total(reader, word) == sum(contains(d, word) for d in docs), word
    finally:
        maker.close()


def test_word_counts_for_ranking_are_exact_below_their_cap(request, tmp_path, monkeypatch):
    from sqlalchemy import text as sql

    from kitchen.search import pg_backend
    from kitchen.search.pg_terms import quoted

    from .conftest import BackendMaker

    docs = make_corpus(120, seed=17)
    maker = BackendMaker("postgresql", tmp_path, request)
    try:
        backend = maker()
        backend.index(docs)
        backend.session.commit()
        word = quoted("w:科学")
        counted = backend.session.execute(
            sql(f"SELECT count(*) FROM {backend.table} WHERE terms @@ CAST(:q AS tsquery)"),
            {"q": word},
        ).scalar()
        assert counted > 10
        assert backend._document_count(word) == counted
        monkeypatch.setattr(pg_backend, "COUNT_CAP", 5)
        # Beyond the cap: at least the cap, otherwise the planner's estimate (never analysed
        # here, so only bounded by the table)
        assert 5 <= backend._document_count(word) <= max(counted, backend.count())
        assert backend._document_count(quoted("w:不存在的词")) == 0
        before = backend.session.execute(sql("SHOW work_mem")).scalar()
        found = backend.search(SearchQuery(text="科学", facets=True))
        assert found.total == sum(contains(d, "科学") for d in docs)
        # The search's own memory setting ends with it: the caller's transaction keeps its own.
        assert backend.session.execute(sql("SHOW work_mem")).scalar() == before
    finally:
        maker.close()
