"""Run a SearchQuery against a Whoosh searcher: match, count facets, rank, page, highlight."""

from __future__ import annotations

from whoosh.searching import Searcher

from kitchen.search import (
    FACET_NAMES,
    MAX_PER_PAGE,
    SORTS,
    Hit,
    SearchQuery,
    SearchResults,
    document_from_json,
)
from kitchen.search.facets import ViewCache
from kitchen.search.highlight import make_hit, needle_pattern
from kitchen.search.matching import match_mask
from kitchen.search.query import ParsedQuery, parse_query
from kitchen.search.scoring import bm25_scores, top_documents, word_stats

MAX_DEPTH = 10_000  # deepest result reachable by paging; deeper pages come back empty


def clean_query(query: SearchQuery) -> SearchQuery:
    """Clamp paging and sort to sane values (a bad URL parameter is not an error)."""
    per_page = max(1, min(_int(query.per_page, 20), MAX_PER_PAGE))
    page = max(1, _int(query.page, 1))
    sort = query.sort if query.sort in SORTS else SORTS[0]
    if (query.page, query.per_page, query.sort) == (page, per_page, sort):
        return query
    return SearchQuery(**{**vars(query), "page": page, "per_page": per_page, "sort": sort})


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return default


def empty_results(query: SearchQuery) -> SearchResults:
    """Zero hits, with every facet present and empty."""
    return SearchResults(0, query.page, query.per_page, [], {name: {} for name in FACET_NAMES})


def execute(searcher: Searcher, views: ViewCache, query: SearchQuery) -> SearchResults:
    """Answer a (cleaned) query on an open searcher."""
    parsed = parse_query(query.text)
    if parsed.unsearchable:
        return empty_results(query)
    depth = query.page * query.per_page
    words = parsed.ranking_words() if query.sort == "relevance" else []
    stats = word_stats(searcher.reader(), words) if words else None
    total, best = 0, []
    facets: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
    # An index without documents has an empty reader with no segment.
    leaves = [(r, o) for r, o in searcher.reader().leaf_readers() if r.segment() is not None]
    if len(views) > 2 * len(leaves) + 8:  # views of merged-away segments: drop them now and then
        views.retain({r.segment().segment_id() for r, _ in leaves})
    for reader, offset in leaves:
        view = views.get(reader)
        base = view.live(reader)
        filters = view.filter_mask(query)
        if filters is not None:
            base &= filters
        mask = match_mask(reader, parsed.positive, parsed.negative, base)
        matched = int(mask.sum())
        if not matched:
            continue
        total += matched
        if query.facets:
            view.count_facets(mask, facets)
        scores = bm25_scores(reader, view, mask, stats) if stats and stats.idf else None
        if depth <= MAX_DEPTH:
            best += [
                (s, r, i, d + offset) for s, r, i, d in top_documents(mask, scores, view, depth)
            ]
    best.sort(key=lambda t: (-t[0], -t[1], -t[2]))
    page = best[depth - query.per_page : depth]
    hits = _hits(searcher, parsed, page)
    return SearchResults(total, query.page, query.per_page, hits, facets)


def _hits(
    searcher: Searcher, parsed: ParsedQuery, page: list[tuple[float, int, int, int]]
) -> list[Hit]:
    pattern = needle_pattern(parsed.needles())
    hits = []
    for score, _recency, _id, docnum in page:
        document = document_from_json(searcher.stored_fields(docnum)["source"])
        hits.append(make_hit(document, score, pattern))
    return hits
