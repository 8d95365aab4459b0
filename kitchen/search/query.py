"""Parse what a journalist types into clauses, and express them as Whoosh queries.

Syntax: words separated by spaces must all match (AND); "a quoted phrase" (ASCII or Chinese
quotes) is one clause; a leading minus excludes a word or phrase (-抗疫, -"新冠 疫情"). Nothing
else is special: AND, OR, brackets and stars are ordinary text, and parsing never raises.

A clause is a sequence of *units*, its word runs (letters, digits, CJK; punctuation and spaces
split them). A CJK unit matches exactly the documents containing it as a substring (see
analysis); a Latin/digit unit matches a whole word, and consecutive Latin units of one clause
must be adjacent (COVID-19, "open science"). A mixed unit (第5届, 5G网络) needs its Latin words as
words and its CJK-adjacent character pairs in place, so "2021年" matches 2021年 but not 12021年.
A clause matches when all its units do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from kitchen.search.analysis import LATIN_RE, gram_pairs, has_cjk, query_units, ranking_words

MAX_QUERY_CHARS = 500  # longer input is cut: nobody types more, and work stays bounded
MAX_CLAUSES = 16
TOKEN_RE = re.compile(r'(-?)(?:["“”「」『』](.*?)(?:["“”「」『』]|$)|([^\s"“”「」『』]+))')


@dataclass(frozen=True)
class Clause:
    """One word or phrase of the query, split into units; `negated` for an exclusion."""

    units: tuple[str, ...]
    negated: bool = False

    def latin_groups(self) -> list[tuple[str, ...]]:
        """Runs of two or more consecutive Latin units, which must occur adjacently."""
        groups: list[tuple[str, ...]] = []
        current: list[str] = []
        for unit in (*self.units, ""):
            if unit and not has_cjk(unit):
                current.append(unit)
                continue
            if len(current) > 1:
                groups.append(tuple(current))
            current = []
        return groups


@dataclass(frozen=True)
class ParsedQuery:
    """The clauses of a query; no clauses means "everything" (browse by facets).

    `unsearchable` marks input that had text but nothing searchable (only emoji, punctuation,
    a lone minus): it matches nothing rather than everything.
    """

    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    unsearchable: bool = False

    @property
    def positive(self) -> list[Clause]:
        """Clauses that must match."""
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self) -> list[Clause]:
        """Clauses that must not match."""
        return [c for c in self.clauses if c.negated]

    def needles(self) -> list[str]:
        """The units of the positive clauses, for highlighting."""
        return list(dict.fromkeys(u for c in self.positive for u in c.units))

    def ranking_words(self) -> list[str]:
        """rjieba search-mode words of the positive clauses, for scoring."""
        return ranking_words(self.needles())


def parse_query(text: str | None) -> ParsedQuery:
    """Parse user input into clauses; never raises, whatever the input."""
    if not isinstance(text, str):
        return ParsedQuery()
    clauses: list[Clause] = []
    for match in TOKEN_RE.finditer(text[:MAX_QUERY_CHARS]):
        minus, quoted, bare = match.groups()
        body = quoted if quoted is not None else bare
        units = tuple(query_units(body or ""))
        if units:
            clause = Clause(units, negated=bool(minus))
            if clause not in clauses:
                clauses.append(clause)
        if len(clauses) >= MAX_CLAUSES:
            break
    unsearchable = not clauses and bool(text.strip())
    return ParsedQuery(tuple(clauses), unsearchable)


def unit_query(unit: str) -> wq.Query:
    """The Whoosh query for one unit: a character, a bigram, a bigram phrase or a word."""
    if not has_cjk(unit):
        return wq.Term("latin", unit)
    if len(unit) == 1:
        return wq.Term("chars", unit)
    pairs = gram_pairs(unit)
    grams = [gram for gram, _ in pairs]
    parts: list[wq.Query] = [wq.Term("latin", word) for word in LATIN_RE.findall(unit)]
    consecutive = [offset for _, offset in pairs] == list(range(pairs[0][1], pairs[-1][1] + 1))
    if len(grams) == 1:
        parts.append(wq.Term("grams", grams[0]))
    elif consecutive:
        parts.append(wq.Phrase("grams", grams))
    else:  # Whoosh phrases cannot skip positions: approximate (the backend checks offsets)
        parts.extend(wq.Term("grams", gram) for gram in grams)
    return parts[0] if len(parts) == 1 else wq.And(parts)


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query for a clause: all units, and adjacent Latin words as phrases."""
    parts = [unit_query(u) for u in clause.units]
    parts += [wq.Phrase("latin", list(group)) for group in clause.latin_groups()]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    """The whole query as a Whoosh query (the backend evaluates clauses itself, faster)."""
    if parsed.unsearchable:
        return wq.NullQuery
    positive = [clause_query(c) for c in parsed.positive]
    base: wq.Query = wq.And(positive) if positive else wq.Every()
    negative = [clause_query(c) for c in parsed.negative]
    return wq.AndNot(base, wq.Or(negative)) if negative else base
