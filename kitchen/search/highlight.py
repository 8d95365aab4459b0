"""Highlighting: HTML-escaped titles and snippets with every query unit wrapped in <mark>.

Matching is by substring, so highlighting is too: each CJK unit is marked wherever it occurs,
Latin words only as whole words (case-insensitive), the same rule the search applies.
"""

from __future__ import annotations

import re
from html import escape

from kitchen.search.analysis import CJK_CLASS, has_cjk

SNIPPET_CHARS = 120
LEAD_CHARS = 30  # context shown before the first match


def needle_pattern(needles: list[str]) -> re.Pattern[str] | None:
    """One regex for all needles, longest first so 科学家精神 wins over 科学家."""
    parts = []
    for needle in sorted(set(needles), key=len, reverse=True):
        if has_cjk(needle):
            parts.append(re.escape(needle))
        else:  # a Latin word, also typed full-width, not glued to other letters or digits
            forms = "|".join(re.escape(f) for f in dict.fromkeys([needle, _full_width(needle)]))
            parts.append(rf"(?<![^\W_{CJK_CLASS}])(?:{forms})(?![^\W_{CJK_CLASS}])")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def mark(text: str, pattern: re.Pattern[str] | None) -> str:
    """Escape text for HTML and wrap each match in <mark>."""
    if pattern is None or not text:
        return escape(text or "")
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def snippet(texts: list[str], pattern: re.Pattern[str] | None) -> str:
    """A window of about SNIPPET_CHARS around the first match in the first text that has one."""
    texts = [t for t in texts if t]
    if not texts:
        return ""
    chosen, start = texts[0], 0
    if pattern is not None:
        for text in texts:
            match = pattern.search(text)
            if match:
                chosen, start = text, max(0, match.start() - LEAD_CHARS)
                break
    end = min(len(chosen), start + SNIPPET_CHARS)
    if end - start < SNIPPET_CHARS:
        start = max(0, end - SNIPPET_CHARS)
    window = mark(chosen[start:end], pattern)
    return ("…" if start else "") + window + ("…" if end < len(chosen) else "")


def _full_width(word: str) -> str:
    """The full-width form of an ASCII word (what a Chinese input method may have typed)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
