"""Pinyin: titles and names found by what a journalist types on a Latin keyboard.

Titles, people's names and the organisation's name are indexed a second time by sound, from
pypinyin's dictionary: every syllable at its character's position (field `pinyin`: 钱学森 gives
qian, xue, sen) and every pair of adjacent syllables' first letters (field `initials`: qx, xs).
A character with several readings (重: zhong, chong) is indexed by each of them, up to three, so
重庆 is found by chongqing although the dictionary's first reading is zhong.

A Latin query word is cut into syllables every way it can be (xian: xian or xi an) and matches
where those syllables stand side by side; a word of two to eight letters also matches as
initials (kxj: 科学家). Words of one syllable never expand (qian would match every 钱, 前 and 千),
nor does any query that has CJK characters: a Chinese query finds exactly its substring. Pinyin
hits have no word of the query to score them, so they rank below items that contain the word.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from kitchen.search.analysis import CJK_RE

MAX_READINGS = 3  # readings of one character that are indexed
MAX_SPLITS = 8  # ways of cutting one query word into syllables that are tried
MAX_INITIALS = 8  # longest query word also tried as initials
RUN_GAP = 2  # positions skipped between two runs of CJK characters: no match spans them


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _source() -> dict[str, str]:
    """pypinyin's character dictionary (code point → readings with tones), read from its data
    file: importing pypinyin itself would also load its phrase dictionary, ~50 MB per process
    that the index never uses."""
    spec = importlib.util.find_spec("pypinyin")  # finds the package without importing it
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    found: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return found


@functools.cache
def _dictionary() -> dict[int, tuple[str, ...]]:
    known = syllables()
    table: dict[int, tuple[str, ...]] = {}
    for point, heard in _source().items():
        toneless = dict.fromkeys(_toneless(r) for r in heard.split(","))
        kept = tuple(r for r in toneless if r in known)[:MAX_READINGS]
        if kept:
            table[int(point)] = kept
    return table


@functools.cache
def syllables() -> frozenset[str]:
    """Every toneless syllable of Mandarin pinyin (ü typed as v: lv, nv), without the
    interjections that have no vowel (m, n, ng, hm)."""
    found = {_toneless(r) for heard in _source().values() for r in heard.split(",")}
    return frozenset(
        s for s in found if s.isascii() and s.isalpha() and any(v in s for v in "aeiouv")
    )


def readings(char: str) -> tuple[str, ...]:
    """The toneless readings of one character (most common first), none if it has none."""
    return _dictionary().get(ord(char), ())


def pinyin_positions(texts: Iterable[str]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The syllables and the initial pairs of normalised texts, each at its position.

    Consecutive CJK characters get consecutive positions; anything else between them (another
    text, a space, a Latin word, punctuation) skips RUN_GAP positions.
    """
    sounds: dict[str, list[int]] = {}
    initials: dict[str, list[int]] = {}
    pos = 0
    for text in texts:
        last_end = -1
        for match in CJK_RE.finditer(text):
            if match.start() != last_end:
                pos += RUN_GAP
                previous: tuple[str, ...] = ()
            last_end = match.end()
            heard = readings(match.group())
            if not heard:
                pos += RUN_GAP
                previous = ()
                continue
            for syllable in heard:
                sounds.setdefault(syllable, []).append(pos)
            firsts = tuple(dict.fromkeys(s[0] for s in heard))
            for before in previous:
                for after in firsts:
                    entry = initials.setdefault(before + after, [])
                    if not entry or entry[-1] != pos - 1:
                        entry.append(pos - 1)
            previous = firsts
            pos += 1
    return sounds, initials


def splits(word: str) -> list[tuple[str, ...]]:
    """The ways a Latin query word reads as two or more syllables (at most MAX_SPLITS)."""
    if not (2 <= len(word) <= 60 and word.isascii() and word.isalpha()):
        return []
    known = syllables()
    ends: list[list[tuple[str, ...]]] = [[] for _ in range(len(word) + 1)]
    ends[0] = [()]
    for start in range(len(word)):
        if not ends[start]:
            continue
        for size in range(1, 7):
            piece = word[start : start + size]
            if len(piece) == size and piece in known:
                room = MAX_SPLITS - len(ends[start + size])
                ends[start + size].extend((*p, piece) for p in ends[start][:room])
    return [p for p in ends[len(word)] if len(p) >= 2]


def initial_pairs(word: str) -> list[tuple[str, int]]:
    """A Latin query word read as initials: its letter pairs at their offsets (none if it is
    not 2 to MAX_INITIALS letters)."""
    if not (2 <= len(word) <= MAX_INITIALS and word.isascii() and word.isalpha()):
        return []
    return [(word[i : i + 2], i) for i in range(len(word) - 1)]
