"""English words as the index keeps them: stemmed (Snowball's English stemmer), stop words known.

"quantum computers" and "quantum computer" are the same two terms (quantum, comput), so an editor
finds an English version whatever the inflection. Only ASCII words of letters are stemmed; a word
with digits (5g, covid19) or other letters stays as written. Stop words stay in the index, so a
quoted phrase ("Bank of China") still matches word for word; a query drops a stop word that
stands alone (see query.parse_query), and ranking ignores them.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import STOP_WORDS as _WHOOSH_STOP_WORDS
from whoosh.lang.porter2 import stem as _stem

STOP_WORDS = frozenset(_WHOOSH_STOP_WORDS)
_STEMMED = re.compile(r"[a-z]{3,}")


@functools.lru_cache(maxsize=65_536)
def latin_term(word: str) -> str:
    """The index term of a lower-case Latin/digit word: its stem if it is an English word."""
    return _stem(word) if _STEMMED.fullmatch(word) else word


def is_stop_word(word: str) -> bool:
    """Tell whether a lower-case word is an English stop word (the, of, and...)."""
    return word in STOP_WORDS
