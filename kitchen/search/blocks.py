"""Posting blocks as flat arrays: what the array codec stores in place of pickled tuples.

Whoosh 3's codec pickles each block of postings as a tuple of Python ints and bytes objects, so
reading a block creates two objects per posting: ~0.1 µs each, and a common bigram has tens of
thousands of postings. The array codec (kitchen.search.whoosh_adapter) keeps Whoosh's file layout,
block headers and skipping, and only changes the block payload (before zlib) to:

    uint32 ids (delta-encoded) | float32 weights (if not all 1) | values

where values are nothing (presence-only formats), n fixed-size values back to back, or uint32
byte lengths followed by the concatenated variable-size values (positions). numpy reads that with
`frombuffer`. Nothing here knows Whoosh.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

import numpy as np

HEADER = struct.Struct("<IB")  # posting count, flags
HAS_WEIGHTS = 1
U32 = np.dtype("<u4")
F32 = np.dtype("<f4")


class BlockArrays(NamedTuple):
    """One decoded block: docnums, per-posting value sizes (variable formats) and value bytes."""

    ids: np.ndarray
    sizes: np.ndarray | None
    values: bytes


def encode_block(ids: Any, weights: Any, sizes: Any, values: bytes) -> bytes:
    """Encode a block: ids, weights, sizes are sequences or arrays; values the joined bytes."""
    ids = np.asarray(ids, dtype=np.int64)
    deltas = np.empty(ids.size, dtype=U32)
    deltas[0] = ids[0]
    deltas[1:] = ids[1:] - ids[:-1]
    parts = [b"", deltas.tobytes()]
    flags = 0
    if weights is not None:
        weights = np.asarray(weights, dtype=F32)
        if not (weights == 1.0).all():
            flags = HAS_WEIGHTS
            parts.append(weights.tobytes())
    parts[0] = HEADER.pack(ids.size, flags)
    if sizes is not None:
        parts.append(np.asarray(sizes).astype(U32).tobytes())
    parts.append(values)
    return b"".join(parts)


def decode_block(data: bytes, fixed_size: int | None) -> BlockArrays:
    """Decode a block's payload (fixed_size: value size, 0 for none, None for variable)."""
    count, flags = HEADER.unpack_from(data)
    offset = HEADER.size
    ids = np.cumsum(np.frombuffer(data, U32, count, offset), dtype=np.int64)
    offset += 4 * count
    if flags & HAS_WEIGHTS:
        offset += 4 * count
    sizes = None
    if fixed_size is None:
        sizes = np.frombuffer(data, U32, count, offset).astype(np.int64)
        offset += 4 * count
    return BlockArrays(ids, sizes, data[offset:])


def block_ids(data: bytes) -> list[int]:
    """The docnums of a block as Python ints."""
    count = HEADER.unpack_from(data)[0]
    ids: list[int] = np.cumsum(
        np.frombuffer(data, U32, count, HEADER.size), dtype=np.int64
    ).tolist()
    return ids


def block_weights(data: bytes) -> np.ndarray | None:
    """The weights of a block, or None when they are all 1."""
    count, flags = HEADER.unpack_from(data)
    if not flags & HAS_WEIGHTS:
        return None
    return np.frombuffer(data, F32, count, HEADER.size + 4 * count)
