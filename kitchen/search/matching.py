"""Evaluate parsed queries on one segment with numpy: posting lists in, boolean doc masks out.

Whoosh's matchers step through postings one Python call at a time; a query here often matches a
quarter of the index, so this module reads whole posting blocks into numpy arrays and works on
document masks: intersecting, excluding and phrase-checking cost microseconds per block rather
than per posting. Phrase checks build keys docnum << 32 | (position - offset) for each bigram of
the chain and intersect them, so "科学家" matches only where 科学 and 学家 sit side by side.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import SegmentReader

from kitchen.search.analysis import LATIN_RE, all_cjk, gram_pairs, has_cjk
from kitchen.search.english import latin_term
from kitchen.search.pinyin import initial_pairs, splits
from kitchen.search.query import Clause
from kitchen.search.whoosh_adapter import EMPTY, Postings, read_postings

POS_DTYPE = np.dtype("=u4")  # GramFormat stores native uint32 positions


def ids_mask(ids: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask with True at the given docnums."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask


def chain_docs(
    reader: SegmentReader, field: str, pairs: list[tuple[str, int]], candidates: np.ndarray
) -> np.ndarray:
    """Docnums (within candidates) where each (term, offset) occurs at start + offset."""
    postings = []
    for term, offset in pairs:
        found = read_postings(reader, field, term)
        candidates = candidates & ids_mask(found.ids, candidates.size)
        if not candidates.any():
            return EMPTY.ids
        postings.append((offset, found))
    # Start from the term with the fewest positions, so the surviving start set stays small.
    postings.sort(key=lambda item: int(_sizes(item[1])[candidates[item[1].ids]].sum()))
    stride = 1 + max(int(np.frombuffer(f.values, dtype=POS_DTYPE).max()) for _, f in postings)
    starts = _start_keys(postings[0][1], candidates, postings[0][0], stride)
    marks = np.zeros(candidates.size * stride if len(postings) > 1 else 0, dtype=bool)
    for offset, found in postings[1:]:
        keys = _start_keys(found, candidates, offset, stride)
        marks[keys] = True
        starts = starts[marks[starts]]
        marks[keys] = False
        if not starts.size:
            return EMPTY.ids
    result: np.ndarray = starts // stride
    return result


def _sizes(found: Postings) -> np.ndarray:
    """The value sizes of positional postings (always present for the grams field)."""
    assert found.sizes is not None
    return found.sizes


def _cover(grams: list[str]) -> list[tuple[str, int]]:
    """Enough bigrams of a CJK run to pin every character: every other one, and the last."""
    count = len(grams)
    return [(grams[offset], offset) for offset in sorted({*range(0, count, 2), count - 1})]


def _start_keys(found: Postings, candidates: np.ndarray, offset: int, stride: int) -> np.ndarray:
    """Keys docnum * stride + (position - offset) of the candidate documents, ascending.

    Only the positions of candidate postings are gathered: often a handful out of thousands.
    """
    counts = _sizes(found) // 4
    every = np.frombuffer(found.values, dtype=POS_DTYPE)
    keep = candidates[found.ids]
    if keep.all():
        positions, docs = every.astype(np.int64), np.repeat(found.ids, counts)
    else:
        kept = counts[keep]
        total = int(kept.sum())
        first = (np.cumsum(counts) - counts)[keep]  # index of each kept posting's first position
        within = np.arange(total) - np.repeat(np.cumsum(kept) - kept, kept)
        positions = every[np.repeat(first, kept) + within].astype(np.int64)
        docs = np.repeat(found.ids[keep], kept)
    positions -= offset
    valid = positions >= 0
    return docs[valid] * stride + positions[valid]


def unit_mask(reader: SegmentReader, unit: str, candidates: np.ndarray) -> np.ndarray:
    """Documents (among candidates) containing the unit (see query for the rules)."""
    size = candidates.size
    if not has_cjk(unit):
        found = ids_mask(read_postings(reader, "latin", latin_term(unit)).ids, size)
        found |= sound_mask(reader, unit, candidates & ~found)
        return found
    if len(unit) == 1:
        return ids_mask(read_postings(reader, "chars", unit).ids, size)
    if not all_cjk(unit):
        mask = candidates.copy()
        for word in LATIN_RE.findall(unit):
            mask &= ids_mask(read_postings(reader, "latin", latin_term(word)).ids, size)
        return ids_mask(chain_docs(reader, "grams", gram_pairs(unit), mask), size)
    grams = [gram for gram, _ in gram_pairs(unit)]
    if len(grams) == 1:
        return ids_mask(read_postings(reader, "grams", grams[0]).ids, size)
    # Where rjieba indexed the unit as a word, it is there: a word is a substring of its text.
    # Only the other documents need the positional check, usually a handful.
    sure: np.ndarray = ids_mask(read_postings(reader, "words", unit).ids, size) & candidates
    rest = candidates & ~sure
    if not rest.any():
        return sure
    checked: np.ndarray = sure | ids_mask(chain_docs(reader, "grams", _cover(grams), rest), size)
    return checked


def sound_mask(reader: SegmentReader, word: str, candidates: np.ndarray) -> np.ndarray:
    """Documents (among candidates) whose titles or names sound like a Latin word: its
    syllables side by side (kexuejia), or its letters as initials (kxj). See pinyin."""
    found = np.zeros(candidates.size, dtype=bool)
    if not candidates.any():
        return found
    for syllables in splits(word):
        rest = candidates & ~found
        if not rest.any():
            return found
        pairs = [(syllable, offset) for offset, syllable in enumerate(syllables)]
        found[chain_docs(reader, "pinyin", pairs, rest)] = True
    pairs = initial_pairs(word)
    if pairs and (candidates & ~found).any():
        found[chain_docs(reader, "initials", pairs, candidates & ~found)] = True
    return found


def clause_mask(reader: SegmentReader, clause: Clause, candidates: np.ndarray) -> np.ndarray:
    """Documents (among candidates) matching every unit of the clause."""
    mask = candidates.copy()
    for unit in clause.units:
        mask &= unit_mask(reader, unit, mask)
        if not mask.any():
            return mask
    for group in clause.latin_groups():
        pairs = [(latin_term(word), offset) for offset, word in enumerate(group)]
        mask &= ids_mask(chain_docs(reader, "latin", pairs, mask), mask.size)
    return mask


def match_mask(
    reader: SegmentReader, positive: list[Clause], negative: list[Clause], base: np.ndarray
) -> np.ndarray:
    """Apply the clauses to a base mask (live documents passing the filters)."""
    mask = base
    for clause in positive:
        mask = clause_mask(reader, clause, mask)
        if not mask.any():
            return mask
    for clause in negative:
        mask = mask & ~clause_mask(reader, clause, mask)
    return mask
