"""The Whoosh schema: field types that index pre-analysed documents, and the document mapping."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from whoosh import columns, fields, formats

from kitchen.search import SearchDocument
from kitchen.search.analysis import (
    FIELD_SEPARATOR,
    CharTokenizer,
    GramTokenizer,
    JiebaTokenizer,
    LatinTokenizer,
    cjk_chars,
    gram_positions,
    latin_positions,
    normalize,
    word_weights,
)

FACETS = ("campaign", "kind", "organization", "year", "status")
MULTI_SEPARATOR = "\x1f"  # joins a document's campaign slugs in its single column value
TEXT_FIELDS = ("title", "summary", "body", "people", "keywords", "place")
# Ranking weight of a word by the field it occurs in: a title hit outranks a body hit.
WORD_FIELD_WEIGHTS = {"title": 3, "keywords": 2, "people": 2, "summary": 2}
MAX_WORD_FREQUENCY = 255  # one byte per posting


class GramFormat(formats.Positions):
    """Positions stored as a raw little-endian uint32 array: numpy reads them in one call."""

    def encode(self, poslist: list[int]) -> bytes:
        """Encode a position list."""
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Decode a position list."""
        positions = array("I", valuestring)
        if sys.byteorder == "big":
            positions.byteswap()
        return positions.tolist()

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


def encode_positions(positions: list[int]) -> bytes:
    """Positions as little-endian uint32 bytes."""
    encoded = array("I", positions)
    if sys.byteorder == "big":
        encoded.byteswap()
    return encoded.tobytes()


@dataclass(slots=True)
class AnalysedDoc:
    """One document's terms for Whoosh's own writer (the bulk builder computes them vectorised)."""

    grams: dict[str, list[int]]
    latin: dict[str, list[int]]
    chars: set[str]
    words: dict[str, int]
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
    """CJK bigrams at character offsets: the substring-exact search field."""

    scorable = False

    def __init__(self) -> None:
        self.format = GramFormat()
        self.analyzer = GramTokenizer()

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """One posting per bigram with its offsets."""
        for gram, plist in doc.grams.items():
            yield gram, len(plist), 1.0, encode_positions(plist)


class LatinField(_AnalysedField):
    """Latin/digit words at word positions: whole-word and phrase matches."""

    scorable = False

    def __init__(self) -> None:
        self.format = GramFormat()
        self.analyzer = LatinTokenizer()

    def postings(self, doc: AnalysedDoc) -> Iterator[tuple[str, int, float, bytes]]:
        """One posting per word with its positions."""
        for word, plist in doc.latin.items():
            yield word, len(plist), 1.0, encode_positions(plist)


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
        for word, freq in doc.words.items():
            yield word, freq, 1.0, bytes((freq,))


def build_schema() -> fields.Schema:
    """Return the index schema: search fields, stored display text, facet and sort columns."""
    facet_columns = {name: fields.COLUMN(columns.RefBytesColumn()) for name in FACETS}
    facet_columns["campaign"] = fields.COLUMN(columns.VarBytesColumn())
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        grams=GramField(),
        latin=LatinField(),
        chars=CharField(),
        words=WordField(),
        title=fields.STORED(),
        summary=fields.STORED(),
        body=fields.STORED(),
        thumb=fields.STORED(),
        recency=fields.COLUMN(columns.NumericColumn("q", default=0)),
        **facet_columns,
    )


def normalized_fields(doc: SearchDocument) -> list[str]:
    """The searchable fields of a document, normalised, in TEXT_FIELDS order."""
    return [normalize(getattr(doc, name) or "") for name in TEXT_FIELDS]


def document_words(fields_: list[str]) -> tuple[dict[str, int], int]:
    """Field-weighted search-mode word frequencies, and the document's words-field length."""
    names = zip(TEXT_FIELDS, fields_, strict=True)
    weighted = [(text, WORD_FIELD_WEIGHTS.get(name, 1)) for name, text in names]
    words = word_weights(weighted)
    if max(words.values(), default=0) > MAX_WORD_FREQUENCY:
        words = {w: min(f, MAX_WORD_FREQUENCY) for w, f in words.items()}
    return words, sum(words.values())


def analyse(doc: SearchDocument) -> AnalysedDoc:
    """Analyse a document for Whoosh's own writer (reference implementation of every field)."""
    fields_ = normalized_fields(doc)
    text = FIELD_SEPARATOR.join(fields_)
    words, count = document_words(fields_)
    return AnalysedDoc(gram_positions(text), latin_positions(text), cjk_chars(text), words, count)


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


def per_doc_values(doc: SearchDocument) -> dict[str, object]:
    """Stored fields and column values of a document (everything but the search terms)."""
    values: dict[str, object] = {
        "id": str(doc.id),
        "title": doc.title,
        "summary": doc.summary,
        "body": doc.body,
        "thumb": doc.thumb_key,
        "recency": recency_key(doc),
    }
    values.update({k: v.encode("utf-8") for k, v in facet_values(doc).items()})
    return values


def writer_fields(doc: SearchDocument, analysed: AnalysedDoc) -> dict[str, object]:
    """Keyword arguments for Whoosh's own `add_document`."""
    fields_ = dict.fromkeys(("grams", "latin", "chars", "words"), analysed)
    return {**per_doc_values(doc), **fields_}
