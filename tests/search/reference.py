"""Reference implementations the tests hold the engine to: plain-Python analysis, Whoosh's own
writer and Whoosh's own queries over the same fields. None of this runs in production."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from whoosh import fields
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer

from kitchen.search import SearchDocument
from kitchen.search.analysis import (
    CJK_RE,
    FIELD_SEPARATOR,
    LATIN_RE,
    WORD_RUN_RE,
    _jieba,
    gram_pairs,
    has_cjk,
    latin_positions,
    normalize,
)
from kitchen.search.english import latin_term
from kitchen.search.pinyin import initial_pairs, splits
from kitchen.search.query import Clause, ParsedQuery
from kitchen.search.schema import (
    build_schema,
    document_sounds,
    document_words,
    encode_positions,
    normalized_fields,
    per_doc_values,
)


def index_text(texts: Iterable[str]) -> str:
    """Join normalised field texts into a document's index text."""
    return FIELD_SEPARATOR.join(normalize(text or "") for text in texts)


def gram_positions(text: str) -> dict[str, list[int]]:
    """Map each gram of an index text to its character offsets."""
    positions: dict[str, list[int]] = {}
    for match in WORD_RUN_RE.finditer(text):
        for gram, offset in gram_pairs(match.group()):
            positions.setdefault(gram, []).append(match.start() + offset)
    return positions


def cjk_chars(text: str) -> set[str]:
    """The set of CJK characters in a text."""
    return set(CJK_RE.findall(text))


def search_words(text: str) -> list[str]:
    """rjieba search-mode words, without spaces and punctuation."""
    return [w for w in _jieba().cut_for_search(text) if w[0].isalnum()]


class _TermTokenizer(Tokenizer):
    """Token plumbing for Whoosh's analyzer protocol."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield (term, position) in position order."""
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, start_pos: int = 0, **kwargs):
        """Yield one Token per term."""
        token = Token(positions=positions, **kwargs)
        for term, pos in self.terms(normalize(value)):
            token.text, token.boost, token.stopped = term, 1.0, False
            if positions:
                token.pos = start_pos + pos
            yield token


def _by_position(positions: dict[str, list[int]]) -> Iterator[tuple[str, int]]:
    pairs = ((t, p) for t, plist in positions.items() for p in plist)
    return iter(sorted(pairs, key=lambda item: item[1]))


class GramTokenizer(_TermTokenizer):
    """Grams at their character offsets."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield bigrams with offsets."""
        return _by_position(gram_positions(text))


class LatinTokenizer(_TermTokenizer):
    """Latin/digit words at word positions."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield words with positions."""
        return _by_position(latin_positions(text))


class CharTokenizer(_TermTokenizer):
    """Single CJK characters."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield every CJK character in order."""
        return ((c, i) for i, c in enumerate(CJK_RE.findall(text)))


class JiebaTokenizer(_TermTokenizer):
    """rjieba search-mode words."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield search-mode words in order."""
        return ((w, i) for i, w in enumerate(search_words(text)))


@dataclass(slots=True)
class AnalysedDoc:
    """One document's terms, computed the slow way."""

    grams: dict[str, list[int]]
    latin: dict[str, list[int]]
    chars: set[str]
    words: dict[str, int]
    word_count: int
    pinyin: dict[str, list[int]]
    initials: dict[str, list[int]]


def analyse(doc: SearchDocument) -> AnalysedDoc:
    """Analyse a document with the reference functions."""
    texts = normalized_fields(doc)
    text = FIELD_SEPARATOR.join(value for _name, value in texts)
    words, count = document_words(texts)
    sounds, initials = document_sounds(doc, texts)
    return AnalysedDoc(
        gram_positions(text), latin_positions(text), cjk_chars(text), words, count, sounds, initials
    )


POSITIONAL = ("grams", "latin", "pinyin", "initials")
ANALYSED = (*POSITIONAL, "chars", "words")


class _WriterField(fields.FieldType):
    """A production field taught Whoosh's writer protocol, reading its part of an AnalysedDoc."""

    def __init__(self, base: fields.FieldType, part: str) -> None:
        self.__dict__.update(vars(base))
        for name in ("indexed", "stored", "unique", "vector", "column_type", "scorable"):
            setattr(self, name, getattr(base, name))
        self.part = part

    def index(self, value: AnalysedDoc, **kwargs: object) -> Iterator[tuple]:
        """UTF-8 term bytes with frequency, weight and value, as Whoosh's writer wants them."""
        if self.part in POSITIONAL:
            for term, plist in getattr(value, self.part).items():
                yield term.encode("utf-8"), len(plist), 1.0, encode_positions(plist)
        elif self.part == "chars":
            for char in value.chars:
                yield char.encode("utf-8"), 1, 1.0, b""
        else:
            for word, freq in value.words.items():
                yield word.encode("utf-8"), freq, 1.0, bytes((freq,))


def writer_schema() -> fields.Schema:
    """The production schema with fields that Whoosh's own writer can fill."""
    schema = build_schema()
    for name in ANALYSED:
        schema._fields[name] = _WriterField(schema[name], name)
    return schema


def writer_fields(doc: SearchDocument, analysed: AnalysedDoc) -> dict[str, object]:
    """Keyword arguments for Whoosh's own `add_document`."""
    analysed_fields = dict.fromkeys(ANALYSED, analysed)
    return {**per_doc_values(doc), "id": str(doc.id), **analysed_fields}


def unit_query(unit: str) -> wq.Query:
    """The Whoosh query for one unit: a character, a bigram, a bigram phrase or a word."""
    if not has_cjk(unit):
        sounds: list[wq.Query] = [wq.Phrase("pinyin", list(s)) for s in splits(unit)]
        if initial_pairs(unit):
            letters = [pair for pair, _ in initial_pairs(unit)]
            sounds.append(
                wq.Phrase("initials", letters)
                if len(letters) > 1
                else wq.Term("initials", letters[0])
            )
        return wq.Or([wq.Term("latin", latin_term(unit)), *sounds])
    if len(unit) == 1:
        return wq.Term("chars", unit)
    pairs = gram_pairs(unit)
    grams = [gram for gram, _ in pairs]
    parts: list[wq.Query] = [wq.Term("latin", latin_term(w)) for w in LATIN_RE.findall(unit)]
    consecutive = [offset for _, offset in pairs] == list(range(pairs[0][1], pairs[-1][1] + 1))
    if len(grams) == 1:
        parts.append(wq.Term("grams", grams[0]))
    elif consecutive:
        parts.append(wq.Phrase("grams", grams))
    else:  # Whoosh phrases cannot skip positions: approximate
        parts.extend(wq.Term("grams", gram) for gram in grams)
    return parts[0] if len(parts) == 1 else wq.And(parts)


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query for a clause: all units, and adjacent Latin words as phrases."""
    parts = [unit_query(u) for u in clause.units]
    parts += [wq.Phrase("latin", [latin_term(w) for w in group]) for group in clause.latin_groups()]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    """The whole query as a Whoosh query."""
    if parsed.unsearchable:
        return wq.NullQuery
    positive = [clause_query(c) for c in parsed.positive]
    base: wq.Query = wq.And(positive) if positive else wq.Every()
    negative = [clause_query(c) for c in parsed.negative]
    return wq.AndNot(base, wq.Or(negative)) if negative else base
