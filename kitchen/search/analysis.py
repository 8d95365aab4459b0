"""Chinese text analysis: CJK character bigrams for exact substring recall, rjieba words for ranking.

Every searchable text is normalised (full-width ASCII folded, lower case) and split into *runs*:
maximal stretches of CJK characters, and Latin/digit words. Three term sets are derived from the runs:

* grams - each CJK run of two or more characters gives its overlapping bigrams at consecutive
  positions, a one-character run gives that character; each Latin word gives itself. A CJK word of
  n >= 2 characters occurs in a text exactly when its n - 1 bigrams occur at consecutive positions
  inside one run, so a positional match over the bigrams is an exact substring search.
* chars - the set of CJK characters, so that a one-character query is one posting list.
* words - rjieba's search-mode words (科学家 -> 科学/学家/科学家), weighted by field; they only rank.

The functions here build those sets in a few tight loops (no Token object per term), which is what
makes bulk indexing fast; the Whoosh Tokenizer classes yield the same terms for Whoosh's own tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import rjieba
from whoosh.analysis import Token, Tokenizer

CJK_CLASS = (
    "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
RUN_RE = re.compile(f"[{CJK_CLASS}]+|[^\\W_{CJK_CLASS}]+")
CJK_RE = re.compile(f"[{CJK_CLASS}]")
# Positions left empty after each CJK run and each field. Phrase checks test every other bigram
# of a word (see matching), which is exact within a run; a gap of two keeps bigrams of different
# runs from ever lining up like that.
RUN_GAP = 2


# Full-width ASCII (what Chinese input methods type) and the ideographic space fold to ASCII.
# A translation table rather than NFKC: NFKC also rewrites the full-width punctuation of every
# Chinese sentence, costing ten times more for nothing a search needs.
_FOLD = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    """Fold full-width forms and case so that ＡＩ, AI and ai are the same term."""
    return text.translate(_FOLD).lower()


def is_cjk(run: str) -> bool:
    """Tell whether a run (as found by RUN_RE) is a CJK run rather than a Latin/digit word."""
    return CJK_RE.match(run) is not None


def runs(text: str) -> list[str]:
    """Split normalised text into CJK runs and Latin/digit words, in order."""
    return RUN_RE.findall(text)


def run_grams(run: str) -> list[str]:
    """Return the index terms of one run: bigrams of a CJK run, else the run itself."""
    if len(run) > 1 and is_cjk(run):
        return [run[i : i + 2] for i in range(len(run) - 1)]
    return [run]


def gram_tokens(texts: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Yield (gram, position) for normalised texts: the reference for gram_positions."""
    pos = 0
    for text in texts:
        for run in RUN_RE.findall(text):
            for gram in run_grams(run):
                yield gram, pos
                pos += 1
            if is_cjk(run):
                pos += RUN_GAP
        pos += RUN_GAP


def gram_positions(texts: Iterable[str]) -> dict[str, list[int]]:
    """Map each gram of the texts to its positions (the same as gram_tokens, only faster)."""
    positions: dict[str, list[int]] = {}
    get = positions.get
    pos = 0
    for text in texts:
        for run in RUN_RE.findall(text):
            if len(run) > 1 and is_cjk(run):
                for i in range(len(run) - 1):
                    gram = run[i : i + 2]
                    plist = get(gram)
                    if plist is None:
                        positions[gram] = [pos + i]
                    else:
                        plist.append(pos + i)
                pos += len(run) - 1 + RUN_GAP
                continue
            plist = get(run)
            if plist is None:
                positions[run] = [pos]
            else:
                plist.append(pos)
            pos += 1 + (RUN_GAP if is_cjk(run) else 0)
        pos += RUN_GAP
    return positions


def cjk_chars(texts: Iterable[str]) -> set[str]:
    """Return the set of CJK characters in the texts."""
    # Deduplicate first: a story has ~1,500 characters but only a few hundred distinct ones.
    distinct = set("".join(texts))
    return set(CJK_RE.findall("".join(distinct)))


def search_words(text: str) -> list[str]:
    """Cut normalised text into rjieba search-mode words, dropping spaces and punctuation."""
    return [w for w in rjieba.cut_for_search(text) if w[0].isalnum()]


def word_weights(weighted_texts: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Count search-mode words over (text, field weight) pairs, each hit adding its weight."""
    weights: dict[str, float] = {}
    get = weights.get
    for text, factor in weighted_texts:
        for word in search_words(text):
            weights[word] = get(word, 0.0) + factor
    return weights


class _RunTokenizer(Tokenizer):
    """Shared Token plumbing for the Tokenizers below (Whoosh's analyzer protocol)."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield (term, position) for normalised text."""
        raise NotImplementedError

    def __call__(
        self, value: str, positions: bool = False, start_pos: int = 0, **kwargs: object
    ) -> Iterator[Token]:
        """Yield one Token per term, as Whoosh fields and query parsers expect."""
        token = Token(positions=positions, **kwargs)
        for term, pos in self.terms(normalize(value)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


class GramTokenizer(_RunTokenizer):
    """CJK bigrams plus Latin words, the same terms as `gram_positions` for one text."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield the grams of every run with their positions."""
        return gram_tokens([text])


class CharTokenizer(_RunTokenizer):
    """Single CJK characters (one-character queries search these)."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield every CJK character in order."""
        return ((c, i) for i, c in enumerate(CJK_RE.findall(text)))


class JiebaTokenizer(_RunTokenizer):
    """rjieba search-mode words (科技工作者 -> 科技/工作/作者/工作者/科技工作者 ...)."""

    def terms(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield search-mode words in order."""
        return ((w, i) for i, w in enumerate(search_words(text)))


def query_units(text: str) -> list[str]:
    """Split one query term or phrase into normalised runs (CJK runs and Latin words)."""
    return runs(normalize(text))


def ranking_words(units: Sequence[str]) -> list[str]:
    """Return the search-mode words of query units, used to score documents."""
    words: list[str] = []
    for unit in units:
        words.extend(search_words(unit) if is_cjk(unit) else [unit])
    return list(dict.fromkeys(words))
