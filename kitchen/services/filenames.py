"""File names as users see them: the extension of what the file is, safe on every system."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
