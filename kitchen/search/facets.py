"""Per-segment arrays for filtering, facet counting, sorting and ranking, cached by segment id.

A Whoosh segment never changes once written (deletions aside, which are read fresh on every
search), so its facet columns are decoded once per process into integer codes. Filtering is then
a comparison over an array and counting a facet is one `np.bincount` over the matching documents,
instead of Whoosh's `groupedby`, which walks every hit in Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length

from kitchen.fields import FACETS
from kitchen.search import SearchQuery
from kitchen.search.schema import MULTI_SEPARATOR, day_key
from kitchen.search.whoosh_adapter import length_bytes, live_mask

_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


class FacetColumn:
    """One facet of one segment: value names and, per (document, value) pair, their codes."""

    def __init__(self, raw: list[bytes | None], multi: bool) -> None:
        codes: dict[str, int] = {}
        docs: list[int] = []
        values: list[int] = []
        for docnum, data in enumerate(raw):
            text = data.decode("utf-8") if data else ""
            for value in text.split(MULTI_SEPARATOR) if multi else (text,):
                if value:
                    docs.append(docnum)
                    values.append(codes.setdefault(value, len(codes)))
        self.names = list(codes)
        self.codes = codes
        self.docs = np.array(docs, dtype=np.int64)
        self.values = np.array(values, dtype=np.int64)
        # One value per document, in docnum order (every single-valued facet): index by mask.
        self.dense = self.docs.size == len(raw) and bool((self.docs == np.arange(len(raw))).all())

    def docs_with(self, value: str, size: int) -> np.ndarray:
        """Mask of the documents having that value."""
        mask = np.zeros(size, dtype=bool)
        code = self.codes.get(value)
        if code is not None:
            mask[self.docs[self.values == code]] = True
        return mask

    def docs_with_any(self, values: set[str], size: int) -> np.ndarray:
        """Mask of the documents having one of those values."""
        mask = np.zeros(size, dtype=bool)
        codes = [self.codes[v] for v in values if v in self.codes]
        if codes:
            mask[self.docs[np.isin(self.values, codes)]] = True
        return mask

    def count(self, mask: np.ndarray) -> dict[str, int]:
        """Count values over the documents in mask."""
        chosen = self.values[mask] if self.dense else self.values[mask[self.docs]]
        hits = np.bincount(chosen, minlength=len(self.names))
        names = self.names
        return {names[i]: int(hits[i]) for i in np.flatnonzero(hits).tolist()}


class SegmentView:
    """Decoded per-document data of one segment."""

    def __init__(self, reader: SegmentReader) -> None:
        self.size = reader.doc_count_all()
        self.facets = {f.name: FacetColumn(_column(reader, f.name), f.multi) for f in FACETS}
        self.recency = np.array(_column(reader, "recency"), dtype=np.int64)
        self.days = np.array(_column(reader, "day"), dtype=np.int64)
        self.docids = np.array(_column(reader, "docid"), dtype=np.int64)
        lengths = length_bytes(reader, "words")
        self.word_lengths = (
            np.ones(self.size, dtype=np.float32) if lengths is None else _BYTE_LENGTHS[lengths]
        )

    def live(self, reader: SegmentReader) -> np.ndarray:
        """Mask of the documents not deleted (deletions change without a new segment)."""
        return live_mask(reader.segment())

    def filter_mask(self, query: SearchQuery) -> np.ndarray | None:
        """Mask of documents passing the facet filters, the date range and visibility; None if
        no filter."""
        mask: np.ndarray | None = None
        for name, value in query.filters.items():
            column = self.facets.get(name)  # an unknown facet matches nothing
            none = np.zeros(self.size, dtype=bool)
            part = none if column is None else column.docs_with(str(value), self.size)
            mask = part if mask is None else mask & part
        for bound, inside in ((query.date_from, np.greater_equal), (query.date_to, np.less_equal)):
            if bound is not None:
                part = inside(self.days, day_key(bound))
                mask = part if mask is None else mask & part
        visible = self.visible_mask(query)
        if visible is not None:
            mask = visible if mask is None else mask & visible
        return mask

    def visible_mask(self, query: SearchQuery) -> np.ndarray | None:
        """Mask of documents the asker may see: statuses, OR the organisation rule; minus the
        hidden usage terms."""
        mask: np.ndarray | None = None
        if query.statuses is not None:
            status = self.facets["status"]
            mask = status.docs_with_any(set(query.statuses), self.size)
            if query.visible_org_statuses is not None:
                org, statuses = query.visible_org_statuses
                own = self.facets["organization"].docs_with(org, self.size)
                mask |= own & status.docs_with_any(set(statuses), self.size)
        if query.hidden_terms:
            kept = ~self.facets["terms"].docs_with_any(set(query.hidden_terms), self.size)
            mask = kept if mask is None else mask & kept
        return mask

    def count_facets(self, mask: np.ndarray, totals: dict[str, dict[str, int]]) -> None:
        """Add this segment's facet counts over mask into totals."""
        for name, column in self.facets.items():
            bucket = totals.setdefault(name, {})
            for value, n in column.count(mask).items():
                bucket[value] = bucket.get(value, 0) + n


def _column(reader: SegmentReader, name: str) -> list[Any]:
    return list(reader.column_reader(name, translate=False))


class ViewCache:
    """SegmentViews by segment id, dropping those of segments no longer in the index."""

    def __init__(self) -> None:
        self._views: dict[str, SegmentView] = {}

    def get(self, reader: SegmentReader) -> SegmentView:
        """The view of a segment, built on first use (threads share them: they never change)."""
        segid = reader.segment().segment_id()
        view = self._views.get(segid)
        if view is None:
            view = self._views[segid] = SegmentView(reader)
        return view

    def __len__(self) -> int:
        return len(self._views)

    def retain(self, segment_ids: set[str]) -> None:
        """Forget views of segments not listed (merged away or from an old generation)."""
        for segid in [s for s in list(self._views) if s not in segment_ids]:
            self._views.pop(segid, None)
