"""Ranking: BM25 over rjieba words, and top-k selection per segment.

Matching is by substring (grams); ranking is by words. A document where 科学家 was segmented as
the word 科学家 (and its parts 科学/学家) scores higher than one that only contains the letters,
and title, keyword and people hits weigh more (see schema.WORD_FIELD_WEIGHTS). Documents with no
word hit score 0 and follow, newest first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.reading import SegmentReader

from kitchen.search.facets import SegmentView
from kitchen.search.whoosh_adapter import read_postings

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class WordStats:
    """Index-wide statistics for BM25: inverse document frequencies and mean length."""

    idf: dict[str, float]
    mean_length: float


def word_stats(reader: Any, words: list[str]) -> WordStats:
    """Compute idf of the query words over the whole index (all segments)."""
    total = max(reader.doc_count_all(), 1)
    idf = {}
    for word in words:
        df = reader.doc_frequency("words", word)
        if df:
            idf[word] = math.log(1.0 + (total - df + 0.5) / (df + 0.5))
    length = reader.field_length("words") / total if reader.field_length("words") else 1.0
    return WordStats(idf, max(length, 1.0))


def bm25_scores(
    reader: SegmentReader, view: SegmentView, mask: np.ndarray, stats: WordStats
) -> np.ndarray:
    """BM25 score of every document of the segment (0 outside mask)."""
    scores = np.zeros(view.size, dtype=np.float32)
    norm = K1 * (1.0 - B + B * view.word_lengths / stats.mean_length)
    for word, idf in stats.idf.items():
        found = read_postings(reader, "words", word)
        keep = mask[found.ids]
        if not keep.any():
            continue
        docs = found.ids[keep]
        tf = np.frombuffer(found.values, dtype=np.uint8)[keep].astype(np.float32)
        scores[docs] += idf * tf * (K1 + 1.0) / (tf + norm[docs])
    return scores


def top_documents(
    mask: np.ndarray, scores: np.ndarray | None, view: SegmentView, limit: int
) -> list[tuple[float, int, int, int]]:
    """The best `limit` documents in mask as (score, recency, item id, docnum): by score, then
    newest, then the higher item id (so the order never depends on how segments were merged)."""
    docs = np.flatnonzero(mask)
    if not docs.size or limit <= 0:
        return []
    score = scores[docs] if scores is not None else np.zeros(docs.size, dtype=np.float32)
    ages = view.recency[docs]
    keep = _best(score, limit)
    tied = keep & (score == score[keep].min())
    if np.count_nonzero(keep) > limit and np.count_nonzero(tied) > limit:
        # Many documents tie on the lowest kept score (often 0): among those, only the newest.
        tied_keep = np.zeros_like(keep)
        tied_keep[np.flatnonzero(tied)[_best(ages[tied], limit)]] = True
        keep = (keep & ~tied) | tied_keep
    docs, score, ages = docs[keep], score[keep], ages[keep]
    ids = view.docids[docs]
    order = np.lexsort((-ids, -ages, -score))[:limit]
    return [(float(score[i]), int(ages[i]), int(ids[i]), int(docs[i])) for i in order]


def _best(values: np.ndarray, limit: int) -> np.ndarray:
    """Mask of the `limit` largest values, plus any tied with the smallest of those."""
    if values.size <= limit:
        return np.ones(values.size, dtype=bool)
    cut = np.partition(values, values.size - limit)[values.size - limit]
    mask: np.ndarray = values >= cut
    return mask
