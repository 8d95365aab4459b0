"""Script folding: traditional characters and their variants read as their simplified forms.

A reader in Hong Kong types 科學家 and means 科学家. OpenCC's conversion tables (the `opencc`
package: traditional to simplified, with the Hong Kong and Taiwan variant tables, 臺/台, 裡/里,
衞/卫) give each traditional character its simplified form; the index and the queries both read
text through that map, so either script finds both.

The map is character for character, never a phrase rewrite: a text keeps its length, so bigram
offsets stay exact and a highlight marks the original characters at the same offsets. Mainland
text is never changed by it: a source character that simplified writing uses in its own right
(乾隆, 著名, 什么, 哪吒, 蒜薹) keeps its identity, so a simplified query finds exactly the items
that contain it, as before.
"""

from __future__ import annotations

import functools

# Every block of CJK ideographs OpenCC has entries for: the basic block, extension A, the
# compatibility ideographs and extensions B to F.
_BLOCKS = ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF))
_TABLES = ("t2s.json", "hk2s.json", "tw2s.json")  # the first table's form wins
# Characters of simplified writing that some table folds into another one (乾→干, 著→着): kept.
KEPT = frozenset("乾著么麽吒薹捱")


@functools.cache
def script_table() -> dict[int, int]:
    """Code point → code point of every folded character (built once: about 0.2 s)."""
    import opencc

    chars = [chr(point) for lo, hi in _BLOCKS for point in range(lo, hi + 1)]
    folded: dict[str, str] = {}
    for config in _TABLES:
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # a table that joined or split lines: not usable
            continue
        for source, target in zip(chars, converted, strict=True):
            if len(target) == 1 and target != source and source not in KEPT:
                folded.setdefault(source, target)
    table = {}
    for source, target in folded.items():
        seen = {source}
        while target in folded and target not in seen:  # 縕→緼→缊: straight to the end
            seen.add(target)
            target = folded[target]
        table[ord(source)] = ord(target)
    return table


def fold_script(text: str) -> str:
    """The text with traditional characters and variants in their simplified forms (same
    length, character for character)."""
    return text.translate(script_table())
