"""File names as users see them: the extension of what the file is, safe on every system."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

# Other spellings of a stored extension that name the same format.
SAME_FORMAT = {
    ".jpg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    ".mov": {".mov", ".qt"},
}
# Windows refuses these characters in a name; control characters trouble every system.
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
# Windows reserves these names, with or without an extension.
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
MAX_LENGTH = 120


def split(name: str) -> tuple[str, str]:
    """Stem and extension (".jpg", lower-cased; "" when there is none)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension or len(extension) > 8:
        return name, ""
    return stem, "." + extension.lower()


def with_extension(name: str, extension: str) -> str:
    """The name ending in `extension` (or a spelling of the same format), whatever it claimed.

    A JPEG sent as "poly.html" is kept and served as "poly.jpg": the name never says a file
    is something it is not.
    """
    if not extension:
        return name
    stem, current = split(name)
    if current in SAME_FORMAT.get(extension, {extension}):
        return name
    return (stem if current else name) + extension


def portable(name: str, fallback: str = "file", max_length: int = MAX_LENGTH) -> str:
    """A name every system accepts: no reserved characters, no trailing dots or spaces, no
    device names (CON, NUL …), not hidden, and bounded (the extension is kept)."""
    cleaned = UNSAFE.sub("_", name).strip().lstrip(".").rstrip(". ")
    stem, extension = split(cleaned)
    if len(cleaned) > max_length:
        cleaned = stem[: max(1, max_length - len(extension))].rstrip(". ") + extension
    if RESERVED.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned or fallback


def unique(names: Iterable[str]) -> list[str]:
    """The names in order, a later one that clashes (ignoring case, as Windows and macOS do)
    numbered "name (2).jpg"."""
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        candidate, number = name, 1
        while candidate.lower() in taken:
            number += 1
            stem, extension = split(name)
            candidate = f"{stem} ({number}){extension}"
        taken.add(candidate.lower())
        result.append(candidate)
    return result


SAFE_ASCII = re.compile(r"[^A-Za-z0-9._()+-]+")


def ascii_name(name: str, fallback: str) -> str:
    """A readable ASCII version of a name for old clients: Chinese becomes pinyin
    (科学之美.jpg → kexuezhimei.jpg), anything else unsafe a hyphen; `fallback` when nothing
    readable is left."""
    from pypinyin import lazy_pinyin  # loads its dictionary on first use only

    stem, extension = split(name)
    spelled = "".join(lazy_pinyin(stem, errors=lambda chars: chars))
    spelled = SAFE_ASCII.sub("-", spelled).strip("-._")
    if not spelled:
        fallback_stem, fallback_extension = split(fallback)
        return fallback_stem + (extension or fallback_extension)
    return spelled[:MAX_LENGTH] + extension


def content_disposition(name: str, fallback: str, attachment: bool = True) -> str:
    """The Content-Disposition header (RFC 6266): `filename*` keeps the original (RFC 5987),
    `filename` a readable ASCII name for clients that read only that one (curl -OJ)."""
    kind = "attachment" if attachment else "inline"
    plain = ascii_name(portable(name), fallback)
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(portable(name), safe='')}"
