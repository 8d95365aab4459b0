"""Parse what a journalist types into clauses, and express them as Whoosh queries.

Syntax: words separated by spaces must all match (AND); "a quoted phrase" (ASCII or Chinese
quotes) is one clause; a leading minus excludes a word or phrase (-抗疫, -"新冠 疫情"). Nothing
else is special: AND, OR, brackets and stars are ordinary text, and parsing never raises.

A clause is a sequence of *units*, the runs of analysis.runs: CJK runs and Latin/digit words.
A CJK unit matches exactly the documents that contain it as a substring (see analysis); Latin
words match whole words, and consecutive Latin words in one clause must be adjacent (COVID-19,
"open science"). A clause matches when all its units do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from kitchen.search.analysis import is_cjk, query_units, ranking_words, run_grams

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
            if unit and not is_cjk(unit):
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
    if is_cjk(unit) and len(unit) == 1:
        return wq.Term("chars", unit)
    grams = run_grams(unit)
    if len(grams) == 1:
        return wq.Term("grams", grams[0])
    return wq.Phrase("grams", grams)


def clause_query(clause: Clause) -> wq.Query:
    """The Whoosh query for a clause: all units, and adjacent Latin words as phrases."""
    parts = [unit_query(u) for u in clause.units]
    parts += [wq.Phrase("grams", list(group)) for group in clause.latin_groups()]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    """The whole query as a Whoosh query (the backend evaluates clauses itself, faster)."""
    if parsed.unsearchable:
        return wq.NullQuery
    positive = [clause_query(c) for c in parsed.positive]
    base: wq.Query = wq.And(positive) if positive else wq.Every()
    negative = [clause_query(c) for c in parsed.negative]
    return wq.AndNot(base, wq.Or(negative)) if negative else base
