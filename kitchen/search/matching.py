"""Evaluate parsed queries on one segment with numpy: posting lists in, boolean doc masks out.

Whoosh's matchers step through postings one Python call at a time; a query here often matches a
quarter of the index, so this module reads whole posting blocks into numpy arrays and works on
document masks: intersecting, excluding and phrase-checking cost microseconds per block rather
than per posting. Phrase checks build keys docnum << 32 | (position - offset) for each bigram of
the chain and intersect them, so "科学家" matches only where 科学 and 学家 sit side by side.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from whoosh.reading import SegmentReader

from kitchen.search.analysis import is_cjk, run_grams
from kitchen.search.codec import ArrayLeafMatcher
from kitchen.search.query import Clause

POS_DTYPE = np.dtype("=u4")  # GramFormat stores native uint32 positions


class Postings(NamedTuple):
    """A term's postings in one segment: docnums, value sizes (variable formats), value bytes."""

    ids: np.ndarray
    sizes: np.ndarray | None
    values: bytes


EMPTY = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), b"")


def read_postings(reader: SegmentReader, field: str, term: str) -> Postings:
    """Read a term's whole posting list (deleted documents included; callers mask them)."""
    key = term.encode("utf-8")
    terms = reader._terms  # the raw postings, without Whoosh's per-posting deletion filter
    if (field, key) not in terms:
        return EMPTY
    matcher = terms.matcher(field, key, reader.schema[field].format)
    if not isinstance(matcher, ArrayLeafMatcher):
        return _read_slowly(matcher)
    blocks = []
    while True:
        blocks.append(matcher.arrays())
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    if len(blocks) == 1:
        return Postings(*blocks[0])
    sizes = None if blocks[0].sizes is None else np.concatenate([b.sizes for b in blocks])
    ids = np.concatenate([b.ids for b in blocks])
    return Postings(ids, sizes, b"".join(b.values for b in blocks))


def _read_slowly(matcher) -> Postings:
    """Generic path for postings in another codec's format (e.g. a plain W3 segment)."""
    ids, values = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        values.append(matcher.value() or b"")
        matcher.next()
    sizes = np.array([len(v) for v in values], dtype=np.int64)
    return Postings(np.array(ids, dtype=np.int64), sizes, b"".join(values))


def ids_mask(ids: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask with True at the given docnums."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask


def chain_docs(reader: SegmentReader, terms: list[str], candidates: np.ndarray) -> np.ndarray:
    """Docnums (within candidates) where terms occur at consecutive positions of the grams field."""
    postings = []
    for offset in _cover(len(terms)):
        found = read_postings(reader, "grams", terms[offset])
        candidates = candidates & ids_mask(found.ids, candidates.size)
        if not candidates.any():
            return EMPTY.ids
        postings.append((offset, found))
    keys = None
    for offset, found in postings:
        term_keys = _position_keys(found, candidates, offset)
        keys = term_keys if keys is None else np.intersect1d(keys, term_keys, assume_unique=True)
        if not keys.size:
            return EMPTY.ids
    return keys >> 32


def _cover(count: int) -> list[int]:
    # Every other bigram plus the last one pins every character of the word (see RUN_GAP).
    return sorted({*range(0, count, 2), count - 1})


def _position_keys(found: Postings, candidates: np.ndarray, offset: int) -> np.ndarray:
    """Keys docnum << 32 | (position - offset) of candidate documents (unique by construction)."""
    counts = found.sizes // 4
    positions = np.frombuffer(found.values, dtype=POS_DTYPE).astype(np.int64)
    docs = np.repeat(found.ids, counts)
    keep = candidates[docs] & (positions >= offset)
    return (docs[keep] << 32) | (positions[keep] - offset)


def unit_mask(reader: SegmentReader, unit: str, candidates: np.ndarray) -> np.ndarray:
    """Documents (among candidates) containing the unit: a CJK substring or a Latin word."""
    size = candidates.size
    if is_cjk(unit) and len(unit) == 1:
        return ids_mask(read_postings(reader, "chars", unit).ids, size)
    grams = run_grams(unit)
    if len(grams) == 1:
        return ids_mask(read_postings(reader, "grams", grams[0]).ids, size)
    return ids_mask(chain_docs(reader, grams, candidates), size)


def clause_mask(reader: SegmentReader, clause: Clause, candidates: np.ndarray) -> np.ndarray:
    """Documents (among candidates) matching every unit of the clause."""
    mask = candidates.copy()
    for unit in clause.units:
        mask &= unit_mask(reader, unit, mask)
        if not mask.any():
            return mask
    for group in clause.latin_groups():
        mask &= ids_mask(chain_docs(reader, list(group), mask), mask.size)
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
