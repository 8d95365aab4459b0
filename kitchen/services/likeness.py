"""The same photo at another size: perceptual hashes and the library's near-duplicates.

A photo's hash is imagehash's DCT hash (pHash, 64 bits) of its web size, taken when the upload's
renditions are made. A copy that WeChat resized and recompressed lands within a few bits of the
original (measured on the demo photos: 0-2 bits at half size and JPEG quality 60), unrelated
photos 12 bits and more apart; `NEAR_BITS` sits between. The comparison reads every photo's hash
(8 bytes each) and counts differing bits with numpy: 1.4 ms per million hashes here, once the
rows are read (reading them costs more; an index on hash bands would be the next step).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, MediaFile, UsageTerms, User
from kitchen.services.access import can_see_state

NEAR_BITS = 6  # at most this many of the 64 bits differ: the same picture


def distance(a: int, b: int) -> int:
    """How many bits two hashes differ in."""
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


@dataclass(frozen=True)
class Similar:
    """A photo elsewhere in the library that looks the same. `item_id` is None when the user may
    not open its item (another organisation's work in progress): then only its presence shows."""

    item_id: int | None
    title: str
    credit_line: str
    usage_terms: UsageTerms | None
    bits: int  # how many bits the hashes differ in (0: the same picture at another size)


def _hashes(*where: Any) -> tuple[Sequence[Any], np.ndarray]:
    """Every hashed photo's (hash, item id, sha256), and the hashes as unsigned 64-bit ints."""
    rows = db.session.execute(
        select(MediaFile.phash, MediaFile.item_id, MediaFile.sha256).where(
            MediaFile.phash.is_not(None), *where
        )
    ).all()
    return rows, np.array([r[0] for r in rows], dtype=np.int64).view(np.uint64)


def similar_photos(user: User, item: Item) -> dict[int, list[Similar]]:
    """For each photo of the item, the photos of other items within NEAR_BITS, nearest first,
    one entry per other item; exact copies (the same bytes) are left to the duplicate check."""
    mine = {f.id: f.phash for f in item.files if f.phash is not None}
    sha = {f.id: f.sha256 for f in item.files}
    if not mine:
        return {}
    rows, hashes = _hashes(MediaFile.item_id != item.id)
    if not rows:
        return {}
    found: dict[int, list[tuple[int, int]]] = {}
    for file_id, phash in mine.items():
        bits = np.bitwise_count(hashes ^ np.uint64(phash & 0xFFFF_FFFF_FFFF_FFFF))
        for index in np.flatnonzero(bits <= NEAR_BITS).tolist():
            if rows[index][2] != sha[file_id]:
                found.setdefault(file_id, []).append((int(bits[index]), rows[index][1]))
    if not found:
        return {}
    others = {
        i.id: i
        for i in db.session.scalars(
            select(Item).where(Item.id.in_({o for near in found.values() for _b, o in near}))
        )
    }
    result: dict[int, list[Similar]] = {}
    for file_id, near in found.items():
        seen: set[int | None] = set()
        for bits, other_id in sorted(near):
            other = others[other_id]
            if can_see_state(user, other.status, other.organization_id, other.usage_terms):
                entry = Similar(other.id, other.title, other.credit_line, other.usage_terms, bits)
            else:
                entry = Similar(None, "", "", None, bits)
            if entry.item_id not in seen:
                seen.add(entry.item_id)
                result.setdefault(file_id, []).append(entry)
    return result


def items_with_similar(item_ids: list[int]) -> set[int]:
    """Of these items, the ones holding a photo near a photo of another item (the review
    queue's flag: the curator sees who holds it on the item)."""
    if not item_ids:
        return set()
    rows, hashes = _hashes()
    if len(rows) < 2:
        return set()
    owners = np.array([r[1] for r in rows], dtype=np.int64)
    wanted = set(item_ids)
    flagged: set[int] = set()
    for index, (_phash, item_id, sha) in enumerate(rows):
        if item_id not in wanted or item_id in flagged:
            continue
        bits = np.bitwise_count(hashes ^ hashes[index])
        near = np.flatnonzero((bits <= NEAR_BITS) & (owners != item_id))
        if any(rows[n][2] != sha for n in near.tolist()):
            flagged.add(item_id)
    return flagged


def similar_json(near: Similar) -> dict[str, object]:
    """A similar photo as the API and the upload page describe it (an item the user may not
    open: only that one exists)."""
    if near.item_id is None:
        return {"item_id": None, "bits": near.bits}
    return {
        "item_id": near.item_id,
        "title": near.title,
        "credit": near.credit_line,
        "usage_terms": near.usage_terms.value if near.usage_terms else None,
        "bits": near.bits,
    }
