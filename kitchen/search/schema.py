"""The Whoosh schema: field types that index pre-analysed documents, and the document mapping."""

from __future__ import annotations

import sys
from array import array
from datetime import UTC, date, datetime

from whoosh import columns, fields, formats

from kitchen.fields import FACETS, FILE_TEXTS, VERSION_TEXTS, searched
from kitchen.search import PINYIN_TEXTS, SearchDocument, document_json, fingerprint
from kitchen.search.analysis import normalize, word_weights
from kitchen.search.pinyin import pinyin_positions

MULTI_SEPARATOR = "\x1f"  # joins a multi-valued facet's values (campaigns) in one column value
# Ranking weight of a word by the field it occurs in (the field spec's search weights): a title
# hit outranks a body hit; a field of weight 0 is found but never ranks. A field the spec does
# not know counts once.
WORD_FIELD_WEIGHTS = (
    {f.text_name: f.search_weight or 0 for f in searched()} | VERSION_TEXTS | FILE_TEXTS
)
MAX_WORD_FREQUENCY = 255  # one byte per posting


class GramFormat(formats.Positions):  # type: ignore[misc]
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


class WordFormat(formats.Frequency):  # type: ignore[misc]
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


class _AnalysedField(fields.FieldType):  # type: ignore[misc]
    """A field whose terms kitchen computes itself (segments.SegmentBuilder writes them)."""

    indexed = True
    stored = False
    unique = False
    vector = None
    column_type = None
    analyzer = None
    multitoken_query = "phrase"

    def __init__(self, format_: formats.Format, scorable: bool = False) -> None:
        self.format = format_
        self.scorable = scorable


def build_schema() -> fields.Schema:
    """Return the index schema: search fields, the stored source, facet and sort columns.

    grams: CJK bigrams at character offsets (substring-exact matching); latin: Latin/digit words
    (English ones stemmed) at word positions; chars: single CJK characters, presence only;
    words: rjieba search-mode words with field-weighted frequencies (ranking); pinyin and
    initials: the syllables and initial pairs of titles and names at syllable positions
    (kitchen.search.pinyin). `source` keeps the whole document, so segments can be merged by
    re-analysis and `kitchen index check` can compare it.
    """
    facet_columns = {
        f.name: fields.COLUMN(columns.VarBytesColumn() if f.multi else columns.RefBytesColumn())
        for f in FACETS
    }
    return fields.Schema(
        id=fields.ID(unique=True),
        grams=_AnalysedField(GramFormat()),
        latin=_AnalysedField(GramFormat()),
        chars=_AnalysedField(formats.Existence()),
        words=_AnalysedField(WordFormat(), scorable=True),
        pinyin=_AnalysedField(GramFormat()),
        initials=_AnalysedField(GramFormat()),
        source=fields.STORED(),
        docid=fields.COLUMN(columns.NumericColumn("q", default=0)),
        fingerprint=fields.COLUMN(columns.NumericColumn("Q", default=0)),
        recency=fields.COLUMN(columns.NumericColumn("q", default=0)),
        day=fields.COLUMN(columns.NumericColumn("i", default=0)),
        **facet_columns,
    )


def normalized_fields(doc: SearchDocument) -> list[tuple[str, str]]:
    """The searchable fields of a document by name, normalised, in the document's order."""
    return [(name, normalize(text or "")) for name, text in doc.texts.items()]


def document_sounds(
    doc: SearchDocument, fields_: list[tuple[str, str]]
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The pinyin syllables and initial pairs of a document's titles and names, at positions."""
    texts = [text for name, text in fields_ if name in PINYIN_TEXTS]
    texts.append(normalize(doc.organization_name))
    return pinyin_positions(texts)


def document_words(fields_: list[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """Field-weighted search-mode word frequencies, and the document's words-field length."""
    weighted = [(text, WORD_FIELD_WEIGHTS.get(name, 1)) for name, text in fields_]
    words = word_weights(weighted)
    if max(words.values(), default=0) > MAX_WORD_FREQUENCY:
        words = {w: min(f, MAX_WORD_FREQUENCY) for w, f in words.items()}
    return words, sum(words.values())


def recency_key(doc: SearchDocument) -> int:
    """Sort key for "newest": approval time, then creation time (unapproved items last)."""
    return (_epoch(doc.approved_at) << 32) | _epoch(doc.created_at)


def day_key(day: date) -> int:
    """A day as the whole number YYYYMMDD (ordered as the days are)."""
    return day.year * 10_000 + day.month * 100 + day.day


def _epoch(moment: datetime | None) -> int:
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, min(int(moment.timestamp()), 0xFFFFFFFF))


def facet_values(doc: SearchDocument) -> dict[str, str]:
    """The facet column values of a document (a multi-valued facet's joined by MULTI_SEPARATOR)."""
    values: dict[str, str] = {}
    for facet in FACETS:
        value = getattr(doc, facet.source)
        if facet.multi:
            values[facet.name] = MULTI_SEPARATOR.join(dict.fromkeys(value))
        else:
            values[facet.name] = str(value)
    return values


def per_doc_values(doc: SearchDocument) -> dict[str, object]:
    """Stored fields and column values of a document (everything but the search terms)."""
    source = document_json(doc)
    values: dict[str, object] = {
        "source": source,
        "docid": doc.id,
        "fingerprint": fingerprint(source),
        "recency": recency_key(doc),
        "day": day_key(doc.day),
    }
    values.update({k: v.encode("utf-8") for k, v in facet_values(doc).items()})
    return values
