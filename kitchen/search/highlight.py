"""Highlighting: HTML-escaped titles and snippets with every query unit wrapped in <mark>.

Matching is by substring, so highlighting is too: each CJK unit is marked wherever it occurs, in
either script (科学家 marks 科學家: each character of the unit stands for every character that
folds into it), Latin words only as whole words whose stem is the query word's (computer marks
computers), the same rules the search applies. In a title, a
Latin word that found it by pinyin marks the characters it spells (kxj marks 科学家).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from kitchen.search import FILE_BREAK, PAGE_BREAK, Hit, SearchDocument
from kitchen.search.analysis import CJK_CLASS, fold, has_cjk
from kitchen.search.english import latin_term
from kitchen.search.folding import script_table
from kitchen.search.pinyin import initial_pairs, readings, splits

SNIPPET_CHARS = 120
LEAD_CHARS = 30  # context shown before the first match
SOUNDED_CHARS = 500  # texts longer than this are not searched for pinyin spans
_LATIN_WORD = rf"(?<![^\W_{CJK_CLASS}])[^\W_{CJK_CLASS}]+"  # a whole Latin/digit word


@dataclass(frozen=True)
class Needles:
    """What to mark: CJK units as substrings, Latin words by their index terms, and Latin
    words that may spell a title's characters in pinyin."""

    pattern: re.Pattern[str] | None
    terms: frozenset[str]  # the Latin needles' index terms
    sounds: tuple[str, ...]  # Latin needles that read as pinyin or initials

    def spans(self, text: str, sounds: bool = False) -> list[tuple[int, int]]:
        """Where the needles occur in text, in order and without overlaps."""
        found: list[tuple[int, int]] = []
        if self.pattern is not None:
            for match in self.pattern.finditer(text):
                if match.lastgroup == "latin" and self._other_word(match.group()):
                    continue
                found.append(match.span())
        if sounds and self.sounds and len(text) <= SOUNDED_CHARS:
            found.extend(_sound_spans(fold(text), self.sounds))
        return _disjoint(found)

    def _other_word(self, word: str) -> bool:
        return latin_term(fold(word).lower()) not in self.terms


def needle_pattern(needles: list[str]) -> Needles | None:
    """The needles of a query, longest CJK unit first so 科学家精神 wins over 科学家."""
    cjk = sorted({n for n in needles if has_cjk(n)}, key=len, reverse=True)
    latin = [n for n in dict.fromkeys(needles) if not has_cjk(n)]
    parts = ["".join(_either_script(c) for c in n) for n in cjk]
    if latin:  # every whole Latin word is a candidate; its index term decides
        parts.append(f"(?P<latin>{_LATIN_WORD})")
    if not parts:
        return None
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    sounds = tuple(n for n in latin if splits(n) or initial_pairs(n))
    return Needles(pattern, frozenset(latin_term(n) for n in latin), sounds)


def mark(text: str, needles: Needles | None, sounds: bool = False) -> str:
    """Escape text for HTML and wrap each match in <mark> (with `sounds`, pinyin spans too)."""
    if needles is None or not text:
        return escape(text or "")
    out: list[str] = []
    last = 0
    for start, end in needles.spans(text, sounds):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(texts: list[str], needles: Needles | None) -> str:
    """A window of about SNIPPET_CHARS around the first match in the first text that has one."""
    return cut_snippet([("", t) for t in texts], needles)[0]


def cut_snippet(texts: list[tuple[str, str]], needles: Needles | None) -> tuple[str, str, int]:
    """The snippet of named texts (see `snippet`), the name of the text it comes from and
    where in that text its first match is (-1: none matched)."""
    texts = [(name, t) for name, t in texts if t]
    if not texts:
        return "", "", -1
    (name, chosen), start, first_at = texts[0], 0, -1
    if needles is not None:
        for candidate, text in texts:
            first = needles.spans(text)
            if first:
                name, chosen, first_at = candidate, text, first[0][0]
                start = max(0, first_at - LEAD_CHARS)
                break
    end = min(len(chosen), start + SNIPPET_CHARS)
    if end - start < SNIPPET_CHARS:
        start = max(0, end - SNIPPET_CHARS)
    window = mark(_SEPARATORS.sub(" ", chosen[start:end]), needles)
    html = ("…" if start else "") + window + ("…" if end < len(chosen) else "")
    return html, name, first_at


_SEPARATORS = re.compile(r"[\f\x1d]")
# The texts a snippet may come from, in order: the item's text, then the words of its files.
SNIPPET_TEXTS = ("body", "summary", "version_text", "document_text", "image_text")


def make_hit(document: SearchDocument, score: float, needles: Needles | None) -> Hit:
    """A result: its title and snippet marked, where the words were found, the snippet's page."""
    texts = document.texts
    if needles is not None:
        named = [(name, texts.get(name, "")) for name in SNIPPET_TEXTS]
    else:  # with nothing to match, the summary
        named = [("summary", texts.get("summary", "")), ("body", texts.get("body", ""))]
    html, source, first_at = cut_snippet(named, needles)
    matched: list[str] = []
    if needles is not None:
        matched = [
            name
            for name, text in texts.items()
            if text and needles.spans(text, sounds=name == "title")
        ]
    page = None
    if source == "document_text" and first_at >= 0:
        text = texts["document_text"]
        start = text.rfind(FILE_BREAK, 0, first_at) + 1
        page = text.count(PAGE_BREAK, start, first_at) + 1
    return Hit(
        id=document.id,
        score=round(score, 4),
        title_html=mark(texts.get("title", ""), needles, sounds=True),
        snippet_html=html,
        document=document,
        matched_in=matched,
        snippet_from=source if first_at >= 0 else "",
        snippet_page=page,
    )


def _either_script(char: str) -> str:
    """A character as a pattern that also matches each character folding into it."""
    sources = _sources().get(char)
    return f"[{re.escape(char)}{''.join(sources)}]" if sources else re.escape(char)


@functools.cache
def _sources() -> dict[str, str]:
    """Simplified character → the traditional characters and variants that fold into it."""
    found: dict[str, str] = {}
    for source, target in script_table().items():
        found[chr(target)] = found.get(chr(target), "") + chr(source)
    return found


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _sound_spans(text: str, words: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Runs of CJK characters whose pinyin spells one of the words, or whose initials do."""
    for run in re.finditer(f"[{CJK_CLASS}]+", text):
        heard = [readings(c) for c in run.group()]
        for word in words:
            for start in range(len(heard)):
                size = _spelled(heard, start, word)
                if size >= 2:
                    yield run.start() + start, run.start() + start + size


def _spelled(heard: list[tuple[str, ...]], start: int, word: str) -> int:
    """How many characters from `start` spell the word in full syllables or in initials (0:
    they do not)."""
    end = start + len(word)
    if (
        initial_pairs(word)
        and end <= len(heard)
        and all(any(r[0] == letter for r in heard[start + i]) for i, letter in enumerate(word))
    ):
        return len(word)
    for syllables in splits(word):
        end = start + len(syllables)
        if end <= len(heard) and all(s in heard[start + i] for i, s in enumerate(syllables)):
            return len(syllables)
    return 0
