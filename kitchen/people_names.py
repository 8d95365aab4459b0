"""Reading people's names out of free text, and spelling them in pinyin; no database.

An item's free-text people field reads like "陈立新（中国科学院院士）、扎西（气象观测员）". The
migration that made person records and the curators' list of names not yet linked both read it
with `entries` and `parse_entry`: an entry that is one person's name (two to four Chinese
characters, a name with the middle dot, or a Latin name), with an optional note in brackets,
becomes a person; anything else ("参观的中小学生", "青年科研团队") stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Separators between entries, outside brackets: the list field's (kitchen.fields).
_SEPARATORS = set(",，、;；\n")
_OPEN, _CLOSE = "（(", "）)"
_NOTE = re.compile(r"^(?P<name>[^（(]+?)\s*[（(](?P<note>[^）)]*)[）)]\s*$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_DOTTED_NAME = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:[·•・][\u4e00-\u9fff]{1,8}){1,3}$")
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'\-.]*(?: [A-Z][A-Za-z'\-.]*){1,3}$")
# Words that make a short entry a group, not one person.
_GROUP_ENDINGS = (
    "等",
    "们",
    "团队",
    "小组",
    "代表",
    "师生",
    "学生",
    "人员",
    "群众",
    "全体",
    "志愿者",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class NameEntry:
    """One person named in free text: the name and the note in brackets after it."""

    name: str
    note: str = ""


def entries(text: str) -> list[str]:
    """The entries of a free-text people field; separators inside brackets do not split."""
    found: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text or "":
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if char in _SEPARATORS and depth == 0:
            found.append("".join(current))
            current = []
        else:
            current.append(char)
    found.append("".join(current))
    return [entry.strip() for entry in found if entry.strip()]


def parse_entry(entry: str) -> NameEntry | None:
    """The person an entry names, or None when it is not one person's name."""
    entry = entry.strip()
    match = _NOTE.match(entry)
    name, note = (match["name"].strip(), match["note"].strip()) if match else (entry, "")
    if name.endswith(_GROUP_ENDINGS):
        return None
    if _CJK_NAME.match(name) or _DOTTED_NAME.match(name) or _LATIN_NAME.match(name):
        return NameEntry(name, note)
    return None


def join(entries_: list[str]) -> str:
    """Entries joined back as the people field stores them."""
    return "、".join(entries_)


def pinyin_key(names: list[str]) -> str:
    """Full pinyin and initials of each Chinese name, lower case, space-separated
    (钱学森 → "qianxuesen qxs"), what the people search matches Latin letters against."""
    from pypinyin import lazy_pinyin  # loads its dictionary on first use only

    keys: list[str] = []
    for name in names:
        if not _CJK.search(name):
            continue
        syllables = [s.lower() for s in lazy_pinyin(name) if s.strip() and s.isalpha()]
        if syllables:
            keys += ["".join(syllables), "".join(s[0] for s in syllables)]
    return " ".join(dict.fromkeys(keys))
