"""The terms the PostgreSQL backend indexes and asks for: the project's own analysis as lexemes.

PostgreSQL has no Chinese parser here, so a document's `tsvector` is built from lexemes computed
in Python (`array_to_tsvector`), presence only (no positions: a phrase match would re-read the
row's whole vector for every hit). The lexemes of one document:

* every substring of one to GRAM_MAX characters of a word run (letters, digits, CJK) that holds
  a CJK character: 科, 科学, 科学家, 科学家精, 第5届. A query unit of up to GRAM_MAX characters is
  one GIN key; a longer one is the AND of its GRAM_MAX-character pieces, checked exactly by
  `strpos` on the stored index text. A very long document (more than BIG_LEXEMES substrings) keeps
  its single characters only and is marked BIG; every unit of two or more characters is then
  checked by `strpos` on it.
* `l:` + each Latin/digit word (English words by their stems) and `l2:` + each pair of adjacent
  ones (phrases: "open science", COVID-19).
* `p:` + two to SOUND_MAX adjacent syllables of titles and names, and `i:` + their initials
  (kexuejia, kxj: see kitchen.search.pinyin).
* `w:` + each rjieba word of a ranked field, `t:` + each word of a field weighing more than one
  (title, keywords, people): the ranking reads them (see pg_backend).
* one lexeme per facet value (`f:kind=story`) and ALL, present in every row: filters and the
  access scope are GIN keys too, and a query is never purely negative.

The query side (`unit_condition`, `clause_condition`) gives, per clause, a tsquery string and the
`strpos` checks it needs; a clause matches exactly the documents the Whoosh backend finds
(kitchen.search.matching), with two documented approximations: a Latin phrase of three or more
words and a pinyin reading of more than SOUND_MAX syllables match as overlapping pieces.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from kitchen.fields import FACETS
from kitchen.search import PINYIN_TEXTS, SearchDocument
from kitchen.search.analysis import (
    CJK_ONLY_RE,
    CJK_RE,
    FIELD_SEPARATOR,
    LATIN_RE,
    WORD_RUN_RE,
    gram_pairs,
    has_cjk,
    latin_positions,
    normalize,
    word_weights,
)
from kitchen.search.english import latin_term
from kitchen.search.pinyin import initial_pairs, readings, splits
from kitchen.search.schema import WORD_FIELD_WEIGHTS, normalized_fields

GRAM_MAX = 4  # longest substring indexed as one lexeme
SOUND_MAX = 4  # longest run of syllables (or initials) indexed as one lexeme
BIG_LEXEMES = 60_000  # above this many substrings a document keeps single characters only
MAX_LEXEME_CHARS = 500  # longer Latin words are not indexed (a query is cut at 500 characters)
MAX_READING_COMBINATIONS = 81  # sound lexemes of one window at the most
ALL = "~all"
BIG = "~big"
NOTHING = "~none"  # never indexed: a condition that matches nothing


def facet_lexeme(name: str, value: str) -> str:
    """The lexeme of one facet value."""
    return f"f:{name}={value}"


@dataclass
class Analysed:
    """One document as the PostgreSQL table stores it."""

    lexemes: list[str]
    text: str  # the normalised index text (fields joined by FIELD_SEPARATOR), for exact checks
    big: bool


def analyse(doc: SearchDocument) -> Analysed:
    """The lexemes and the index text of a document."""
    fields_ = normalized_fields(doc)
    text = FIELD_SEPARATOR.join(t for _name, t in fields_)
    lexemes: set[str] = substrings(text)
    big = len(lexemes) > BIG_LEXEMES
    if big:
        lexemes = {s for s in lexemes if len(s) == 1}
        lexemes.add(BIG)
    positions = latin_positions(text)
    at: dict[int, str] = {}
    for term, spots in positions.items():
        if len(term) <= MAX_LEXEME_CHARS:
            lexemes.add("l:" + term)
            at.update((p, term) for p in spots)
    lexemes.update(f"l2:{at[p]} {at[p + 1]}" for p in at if p + 1 in at)
    lexemes.update(sound_lexemes(doc, fields_))
    weighted = [(t, WORD_FIELD_WEIGHTS.get(name, 1)) for name, t in fields_]
    lexemes.update("w:" + w for w in word_weights(weighted) if len(w) <= MAX_LEXEME_CHARS)
    titles = [(t, 1) for t, weight in weighted if weight > 1]
    lexemes.update("t:" + w for w in word_weights(titles) if len(w) <= MAX_LEXEME_CHARS)
    for facet in FACETS:
        value = getattr(doc, facet.source)
        for one in value if facet.multi else (value,):
            lexemes.add(facet_lexeme(facet.name, str(one)))
    lexemes.add(ALL)
    return Analysed(sorted(lexemes), text, big)


def substrings(text: str) -> set[str]:
    """Every substring of 1..GRAM_MAX characters of a word run that holds a CJK character."""
    found: set[str] = set()
    mixed: set[str] = set()
    for match in WORD_RUN_RE.finditer(text):
        run = match.group()
        if not has_cjk(run):
            continue
        into = found if CJK_ONLY_RE.fullmatch(run) else mixed  # a mixed run needs the filter
        size = len(run)
        for length in range(1, GRAM_MAX + 1):
            into.update(run[i : i + length] for i in range(size - length + 1))
    if mixed:
        found.update(s for s in mixed - found if CJK_RE.search(s))
    return found


def sound_lexemes(doc: SearchDocument, fields_: list[tuple[str, str]]) -> set[str]:
    """Syllable runs (`p:`) and initials (`i:`) of a document's titles and names."""
    texts = [t for name, t in fields_ if name in PINYIN_TEXTS]
    texts.append(normalize(doc.organization_name))
    found: set[str] = set()
    for text in texts:
        for run in _sounded_runs(text):
            for start in range(len(run)):
                for end in range(start + 2, min(start + SOUND_MAX, len(run)) + 1):
                    window = run[start:end]
                    found.update(_window_lexemes(window))
    return found


def _sounded_runs(text: str) -> Iterable[list[tuple[str, ...]]]:
    """Runs of adjacent CJK characters that have readings, as their reading tuples."""
    run: list[tuple[str, ...]] = []
    last_end = -1
    for match in CJK_RE.finditer(text):
        heard = readings(match.group())
        if match.start() != last_end or not heard:
            if len(run) > 1:
                yield run
            run = []
        last_end = match.end()
        if heard:
            run.append(heard)
    if len(run) > 1:
        yield run


def _window_lexemes(window: list[tuple[str, ...]]) -> set[str]:
    found: set[str] = set()
    for combination in itertools.islice(itertools.product(*window), MAX_READING_COMBINATIONS):
        found.add("p:" + " ".join(combination))
    firsts = [tuple(dict.fromkeys(s[0] for s in heard)) for heard in window]
    for combination in itertools.islice(itertools.product(*firsts), MAX_READING_COMBINATIONS):
        found.add("i:" + "".join(combination))
    return found


# The query side ---------------------------------------------------------------------------------


def quoted(lexeme: str) -> str:
    """A lexeme as a tsquery operand."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def all_of(parts: Iterable[str]) -> str:
    """The AND of tsquery parts (ALL when there are none)."""
    found = [p for p in parts if p]
    if not found:
        return quoted(ALL)
    return found[0] if len(found) == 1 else "(" + " & ".join(found) + ")"


def any_of(parts: Iterable[str]) -> str:
    """The OR of tsquery parts (NOTHING when there are none)."""
    found = [p for p in parts if p]
    if not found:
        return quoted(NOTHING)
    return found[0] if len(found) == 1 else "(" + " | ".join(found) + ")"


@dataclass
class Condition:
    """A tsquery string and the substrings the stored text must also contain.

    `checks` holds (substring, big only): a check for big documents only applies where the
    lexemes cannot tell (BIG documents keep no substrings of two or more characters).
    """

    tsquery: str
    checks: list[tuple[str, bool]] = field(default_factory=list)


def _pieces(span: str) -> list[str]:
    """The GRAM_MAX-character pieces of a long span that hold a CJK character (its cover)."""
    pieces = {span[i : i + GRAM_MAX] for i in range(len(span) - GRAM_MAX + 1)}
    return sorted(p for p in pieces if CJK_RE.search(p))


def unit_condition(unit: str, big: bool = True) -> Condition:
    """The documents containing a query unit (kitchen.search.matching.unit_mask's rules);
    without `big`, for a table holding no BIG document (a cheaper query: no single characters)."""
    if not has_cjk(unit):
        return Condition(any_of([quoted("l:" + latin_term(unit)), sound_query(unit)]))
    words = [quoted("l:" + latin_term(w)) for w in LATIN_RE.findall(unit)] if not _cjk(unit) else []
    # A mixed unit needs its Latin words as words and its CJK-adjacent characters in place: the
    # span from its first gram to its last (2021年: 1年 and the word 2021).
    grams = gram_pairs(unit)
    span = unit if len(unit) == 1 else unit[grams[0][1] : grams[-1][1] + 2]
    chars = sorted({c for c in span if CJK_RE.match(c)})
    big_side = all_of([quoted(BIG), *(quoted(c) for c in chars)])
    if len(span) <= GRAM_MAX:
        whole = quoted(span)
        checks = [(span, True)] if len(span) > 1 else []
    else:
        whole = all_of(quoted(p) for p in _pieces(span))
        checks = [(span, False)]
    if len(span) == 1:
        return Condition(all_of([*words, whole]), checks)
    if not big:
        return Condition(all_of([*words, whole]), [c for c in checks if not c[1]])
    return Condition(all_of([*words, any_of([whole, big_side])]), checks)


def _cjk(unit: str) -> bool:
    return all(CJK_RE.match(c) for c in unit)


def sound_query(word: str) -> str:
    """Titles and names that sound like a Latin word (syllables side by side, or initials)."""
    options = []
    for syllables in splits(word):
        options.append(_windows("p:", syllables, " "))
    letters = initial_pairs(word)
    if letters:
        options.append(_windows("i:", tuple(word), ""))
    return any_of(options) if options else ""


def _windows(prefix: str, parts: tuple[str, ...], joiner: str) -> str:
    """Overlapping SOUND_MAX-long windows of a syllable (or letter) run, all required."""
    if len(parts) <= SOUND_MAX:
        return quoted(prefix + joiner.join(parts))
    return all_of(
        quoted(prefix + joiner.join(parts[i : i + SOUND_MAX]))
        for i in range(len(parts) - SOUND_MAX + 1)
    )


def clause_condition(
    units: tuple[str, ...], latin_groups: list[tuple[str, ...]], big: bool = True
) -> Condition:
    """Every unit of a clause, and its consecutive Latin units side by side."""
    parts: list[str] = []
    checks: list[tuple[str, bool]] = []
    for unit in units:
        condition = unit_condition(unit, big)
        parts.append(condition.tsquery)
        checks.extend(condition.checks)
    for group in latin_groups:
        terms = [latin_term(w) for w in group]
        parts.extend(quoted(f"l2:{a} {b}") for a, b in itertools.pairwise(terms))
    return Condition(all_of(parts), checks)
