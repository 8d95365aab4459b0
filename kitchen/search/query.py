"""Parse what a journalist types into clauses (kitchen.search.matching evaluates them).

Syntax: words separated by spaces must all match (AND); "a quoted phrase" (ASCII or Chinese
quotes) is one clause; a leading minus excludes a word or phrase (-抗疫, -"新冠 疫情"). Nothing
else is special: AND, OR, brackets and stars are ordinary text, and parsing never raises.

A clause is a sequence of *units*, its word runs (letters, digits, CJK; punctuation and spaces
split them). A CJK unit matches exactly the documents containing it as a substring (see
analysis); a Latin/digit unit matches a whole word, and consecutive Latin units of one clause
must be adjacent (COVID-19, "open science"). A mixed unit (第5届, 5G网络) needs its Latin words as
words and its CJK-adjacent character pairs in place, so "2021年" matches 2021年 but not 12021年.
A clause matches when all its units do. English words match by their stems (computers finds
computer); an English stop word typed alone (the, of) is dropped unless nothing else is left, while
a quoted phrase keeps it. A Latin word also finds titles and names by their pinyin (see pinyin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kitchen.search.analysis import has_cjk, query_units, ranking_words
from kitchen.search.english import is_stop_word

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
    stopped: list[Clause] = []  # stop words typed alone
    for match in TOKEN_RE.finditer(text[:MAX_QUERY_CHARS]):
        minus, quoted, bare = match.groups()
        body = quoted if quoted is not None else bare
        units = tuple(query_units(body or ""))
        if units:
            clause = Clause(units, negated=bool(minus))
            if quoted is None and len(units) == 1 and is_stop_word(units[0]):
                stopped.append(clause)
            elif clause not in clauses:
                clauses.append(clause)
        if len(clauses) >= MAX_CLAUSES:
            break
    if not any(not c.negated for c in clauses):  # nothing but stop words: they are the query
        clauses = list(dict.fromkeys([*stopped, *clauses]))[:MAX_CLAUSES]
    unsearchable = not clauses and bool(text.strip())
    return ParsedQuery(tuple(clauses), unsearchable)
