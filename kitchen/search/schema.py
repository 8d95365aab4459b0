"""The Whoosh schema: field types that index pre-analysed documents, and the document mapping."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from whoosh import columns, fields, formats

from kitchen.search import SearchDocument
from kitchen.search.analysis import (
    CharTokenizer,
    GramTokenizer,
    JiebaTokenizer,
    cjk_chars,
    gram_positions,
    normalize,
    word_weights,
)

FACETS = ("campaign", "kind", "organization", "year", "status")
MULTI_SEPARATOR = "\x1f"  # joins a document's campaign slugs in its single column value
TEXT_FIELDS = ("title", "summary", "body", "people", "keywords", "place")
# Ranking weight of a word by the field it occurs in: a title hit outranks a body hit.
WORD_FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "people": 2.0, "summary": 1.5}


class GramFormat(formats.Positions):
    """Positions stored as a raw uint32 array: decoding is one C call, not a Python loop."""

    def encode(self, poslist: list[int]) -> bytes:
        """Encode a position list."""
        return array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Decode a position list."""
        return array("I", valuestring).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        """Return how often the term occurs (four bytes per position)."""
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        """Grams are never scored; every posting weighs 1."""
        return 1.0


class WordFormat(formats.Frequency):
    """A field-weighted frequency in one byte per posting (0-255).

    Posting weights stay 1.0 so Whoosh pickles no per-posting floats (nine bytes each); the
    ranking in kitchen.search.scoring reads the frequency from the value instead.
    """

    posting_size = 1

    def decode_frequency(self, valuestring: bytes) -> int:
        """Return the weighted frequency."""
        return valuestring[0]

    def decode_weight(self, valuestring: bytes) -> float:
        """Return the weighted frequency as a float."""
        return float(valuestring[0])

    def combine(self, vs: list[bytes]) -> bytes:
        """Add frequencies (used when Whoosh merges vectors)."""
        return bytes([min(255, sum(v[0] for v in vs))])


@dataclass(slots=True)
class AnalysedDoc:
    """One document's terms, computed once and shared by every writer path."""

    grams: dict[str, list[int]]
    chars: set[str]
    words: dict[str, float]
    word_count: int


class _AnalysedField(fields.FieldType):
    """A field whose value is an AnalysedDoc; index() reads its part without re-tokenising."""

    indexed = True
    stored = False
    unique = False
    vector = None
    column_type = None
    multitoken_query = "phrase"

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """Yield (term, frequency, weight, encoded value) for the document."""
        raise NotImplementedError

    def index(self, value: AnalysedDoc, **kwargs: object) -> Iterator[tuple]:
        """Whoosh's writer protocol: UTF-8 term bytes with frequency, weight and value."""
        for term, freq, weight, vbytes in self.postings(value):
            yield term.encode("utf-8"), freq, weight, vbytes


class GramField(_AnalysedField):
    """CJK bigrams and Latin words with positions: the substring-exact search field."""

    scorable = False

    def __init__(self) -> None:
        self.format = GramFormat()
        self.analyzer = GramTokenizer()

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """One posting per gram with its positions."""
        for gram, plist in doc.grams.items():
            yield gram, len(plist), 1.0, array("I", plist).tobytes()


class CharField(_AnalysedField):
    """Single CJK characters, presence only: answers one-character queries."""

    scorable = False

    def __init__(self) -> None:
        self.format = formats.Existence()
        self.analyzer = CharTokenizer()

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """One posting per distinct character."""
        for char in doc.chars:
            yield char, 1, 1.0, b""


class WordField(_AnalysedField):
    """rjieba search-mode words with field-weighted frequencies: the ranking field."""

    scorable = True

    def __init__(self) -> None:
        self.format = WordFormat()
        self.analyzer = JiebaTokenizer()

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """One posting per word; the value carries the field-weighted frequency."""
        for word, weight in doc.words.items():
            freq = word_frequency(weight)
            yield word, freq, 1.0, bytes((freq,))


def build_schema() -> fields.Schema:
    """Return the index schema: search fields, stored display text, facet and sort columns."""
    facet_columns = {name: fields.COLUMN(columns.RefBytesColumn()) for name in FACETS}
    facet_columns["campaign"] = fields.COLUMN(columns.VarBytesColumn())
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        grams=GramField(),
        chars=CharField(),
        words=WordField(),
        title=fields.STORED(),
        summary=fields.STORED(),
        body=fields.STORED(),
        thumb=fields.STORED(),
        recency=fields.COLUMN(columns.NumericColumn("q", default=0)),
        **facet_columns,
    )


def analyse(doc: SearchDocument) -> AnalysedDoc:
    """Analyse the searchable text of a document once for all three search fields."""
    texts = [normalize(getattr(doc, name) or "") for name in TEXT_FIELDS]
    weighted = [(t, WORD_FIELD_WEIGHTS.get(n, 1.0)) for n, t in zip(TEXT_FIELDS, texts, strict=True)]
    words = word_weights(weighted)
    count = sum(word_frequency(w) for w in words.values())
    return AnalysedDoc(gram_positions(texts), cjk_chars(texts), words, count)


def word_frequency(weight: float) -> int:
    """The whole-number frequency stored for a weighted word (1-255; also its length unit)."""
    return min(255, max(1, round(weight)))


def document_year(doc: SearchDocument) -> int:
    """The year a document is filed under: its event date, else approval, else creation."""
    when = doc.event_date or doc.approved_at or doc.created_at
    return when.year


def recency_key(doc: SearchDocument) -> int:
    """Sort key for "newest": approval time, then creation time (unapproved items last)."""
    return (_epoch(doc.approved_at) << 32) | _epoch(doc.created_at)


def _epoch(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, min(int(moment.timestamp()), 0xFFFFFFFF))


def facet_values(doc: SearchDocument) -> dict[str, str]:
    """The facet column values of a document (campaign slugs joined by MULTI_SEPARATOR)."""
    return {
        "campaign": MULTI_SEPARATOR.join(dict.fromkeys(doc.campaigns)),
        "kind": doc.kind,
        "organization": doc.organization,
        "year": str(document_year(doc)),
        "status": doc.status,
    }


def writer_fields(doc: SearchDocument, analysed: AnalysedDoc) -> dict[str, object]:
    """Keyword arguments for Whoosh's `add_document` (the incremental path)."""
    values: dict[str, object] = {
        "id": str(doc.id),
        "grams": analysed,
        "chars": analysed,
        "words": analysed,
        "title": doc.title,
        "summary": doc.summary,
        "body": doc.body,
        "thumb": doc.thumb_key,
        "recency": recency_key(doc),
    }
    values.update({k: v.encode("utf-8") for k, v in facet_values(doc).items()})
    return values
