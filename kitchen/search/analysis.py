"""Chinese text analysis: CJK bigrams for exact substring recall, rjieba words for ranking.

Every searchable text is normalised (full-width ASCII folded, traditional characters read as
simplified ones, lower case: see folding); a document's fields are joined with newlines into one
*index text*. Four term sets are derived from it:

* grams - every pair of adjacent characters inside a word run (letters, digits, CJK) of which at
  least one is CJK, at its character offset: 科学, 学家, but also 第5, 5届, g网. A CJK word of
  n >= 2 characters occurs in the text exactly when its bigrams occur at offsets p, p+1, ..., so
  a positional match over them is an exact substring search (no word segmentation involved).
* chars - the set of CJK characters, so that a one-character query is one posting list.
* latin - Latin/digit words (lower case, English words stemmed: see english), at word positions,
  for whole-word and phrase matches.
* words - rjieba's search-mode words (科学家 -> 科学/学家/科学家), weighted by field, for ranking.

The bigram and character sets are computed with numpy over code points (see bigram_codes): no
Python work per character, which is what makes bulk indexing fast. Plain-Python reference
versions of the same sets live in the tests (tests/search/reference.py).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from kitchen.search.english import is_stop_word, latin_term
from kitchen.search.folding import script_table

CJK_RANGES = (
    (0x3005, 0x3007),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES)
CJK_RE = re.compile(f"[{CJK_CLASS}]")
CJK_ONLY_RE = re.compile(f"[{CJK_CLASS}]+")
WORD_RUN_RE = re.compile(f"(?:[^\\W_]|[{CJK_CLASS}])+")  # letters, digits and CJK: a "word run"
LATIN_RE = re.compile(f"[^\\W_{CJK_CLASS}]+")
FIELD_SEPARATOR = "\n"  # not CJK and not a word character: no term spans two fields
LATIN_GAP = 2  # word positions skipped at a CJK run or a field boundary: no phrase spans them
CODE_SHIFT = 21  # a bigram's code: first code point << 21 | second (code points fit 21 bits)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Compounds of the association's publicity work that jieba's dictionary lacks (it cuts
# 科技工作者 into 科技/工作者). As words they rank documents that use them as such, and they let a
# query skip the positional check where the words field already proves the substring (see
# matching.unit_mask). Changing this list changes indexing: rebuild the index afterwards.
DOMAIN_WORDS = _split(
    "科技工作者 最美科技工作者 科技工作者日 科学家精神 基层科技人员 科技人物 科普志愿者 "
    "青年科学家 女科学家 老一辈科学家 科技特派员 驻村第一书记 医务工作者 脱贫攻坚 定点扶贫 "
    "精准扶贫 乡村振兴 科技小院 全国科普日 科普日 全民科学素质 中国科协 地方科协 全国学会 "
    "科协年会 双创周 我心向党 决胜全面小康 科学之美 科学也偶像 抗疫一线 疫情防控 "
    "创新驱动发展战略 关键核心技术 科技自立自强 高质量发展 碳达峰 碳中和 党史学习教育 "
    "建党百年 中央厨房 宣传线索 鲜活案例 宣传产品 共建共享 "
)


_segmenter: Any = None
_segmenter_lock = threading.Lock()


def _jieba() -> Any:
    """rjieba's default instance with the domain words, loaded on first use (its dictionary
    takes ~0.1 s and ~30 MB; a second instance would double that in every process).

    One thread teaches it the words while the others wait: `add_word` needs the segmenter to
    itself, and a thread cutting meanwhile would make it fail ("Already borrowed").
    """
    global _segmenter
    found = _segmenter
    if found is None:
        with _segmenter_lock:
            if _segmenter is None:
                import rjieba

                segmenter = rjieba._DEFAULT_JIEBA
                for word in DOMAIN_WORDS:
                    segmenter.add_word(word, None, None)
                _segmenter = segmenter
            found = _segmenter
    return found


# Full-width ASCII (what Chinese input methods type) and the ideographic space fold to ASCII.
# A translation table rather than NFKC: NFKC also rewrites the full-width punctuation of every
# Chinese sentence, costing ten times more for nothing a search needs.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


@functools.cache
def _normal_table() -> dict[int, int]:
    return _FOLD | script_table()


@functools.cache
def _bmp_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point of the basic plane: is it CJK, is it a word character (built once, on
    first use: 65,536 look-ups)."""
    cjk = np.zeros(0x10000, dtype=bool)
    for lo, hi in CJK_RANGES:
        cjk[lo : min(hi, 0xFFFF) + 1] = lo <= 0xFFFF
    word = cjk | np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
    return cjk, word


def fold(text: str) -> str:
    """Fold full-width forms and scripts, character for character (the text keeps its length,
    so an offset in the folded text is one in the original)."""
    return text.translate(_normal_table())


def normalize(text: str) -> str:
    """Fold full-width forms, scripts and case so that ＡＩ, AI and ai are the same term, and
    科學家 and 科学家 the same characters."""
    return text.translate(_normal_table()).lower()


def gram_pairs(run: str) -> list[tuple[str, int]]:
    """The grams of a word run with their offsets: adjacent pairs with at least one CJK char."""
    return [
        (run[i : i + 2], i)
        for i in range(len(run) - 1)
        if CJK_RE.match(run, i) or CJK_RE.match(run, i + 1)
    ]


def bigram_codes(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every gram of an index text: (gram codes, their offsets, distinct CJK code points)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    bmp = np.minimum(points, 0xFFFF)
    bmp_cjk, bmp_word = _bmp_tables()
    cjk = bmp_cjk[bmp] | ((points >= 0x20000) & (points <= 0x3134F))
    word = bmp_word[bmp] | cjk
    offsets = np.flatnonzero(word[:-1] & word[1:] & (cjk[:-1] | cjk[1:]))
    codes = (points[offsets].astype(np.int64) << CODE_SHIFT) | points[offsets + 1]
    return codes, offsets.astype(np.int32), np.unique(points[cjk])


def code_text(code: int) -> str:
    """The bigram (or character) a code stands for."""
    if code >> CODE_SHIFT:
        return chr(code >> CODE_SHIFT) + chr(code & ((1 << CODE_SHIFT) - 1))
    return chr(code)


def latin_positions(text: str) -> dict[str, list[int]]:
    """Map each Latin/digit word of an index text (as its index term) to its word positions.

    Consecutive words get consecutive positions unless CJK text or a field boundary separates
    them, which skips LATIN_GAP positions: "open science" is a phrase, "open 科学 science" not.
    """
    positions: dict[str, list[int]] = {}
    pos, last = 0, 0
    for match in LATIN_RE.finditer(text):
        if last and _breaks_phrase(text[last : match.start()]):
            pos += LATIN_GAP
        positions.setdefault(latin_term(match.group()), []).append(pos)
        pos += 1
        last = match.end()
    return positions


def _breaks_phrase(gap: str) -> bool:
    return FIELD_SEPARATOR in gap or CJK_RE.search(gap) is not None


def word_weights(weighted_texts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Count search-mode words over (text, field weight) pairs, each hit adding its weight
    (a text of weight 0 adds none). English words count by their stems, stop words not at all."""
    weights: Counter[str] = Counter()
    for text, factor in weighted_texts:
        if factor <= 0:
            continue  # found by its letters, never ranked by them
        counts = Counter(_jieba().cut_for_search(text))  # counted in C; filtered per distinct word
        if factor != 1:
            counts = Counter({word: n * factor for word, n in counts.items()})
        weights.update(counts)
    words = {w: n for w, n in weights.items() if w[0].isalnum() and not w.isascii()}
    for word, n in weights.items():  # ASCII words: English ones stemmed, stop words dropped
        if word.isascii() and word[0].isalnum() and not is_stop_word(word):
            term = latin_term(word)
            words[term] = words.get(term, 0) + n
    return words


def query_units(text: str) -> list[str]:
    """Split one query term or phrase into normalised word runs (CJK, Latin or mixed)."""
    return WORD_RUN_RE.findall(normalize(text))


def ranking_words(units: Sequence[str]) -> list[str]:
    """The words documents are scored by: each unit cut the plain way (科学家精神 stays whole,
    科学家的故事 gives 科学家/故事), English words by their stems. The index holds search-mode
    words, a superset of these."""
    words: list[str] = []
    for unit in units:
        if has_cjk(unit):
            words.extend(w for w in _jieba().cut(unit) if w[0].isalnum())
        elif not is_stop_word(unit):
            words.append(latin_term(unit))
    return list(dict.fromkeys(words))


def has_cjk(run: str) -> bool:
    """Tell whether a word run contains CJK characters."""
    return CJK_RE.search(run) is not None


def all_cjk(run: str) -> bool:
    """Tell whether a word run is CJK characters only."""
    return CJK_ONLY_RE.fullmatch(run) is not None
