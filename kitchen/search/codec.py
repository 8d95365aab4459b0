"""A Whoosh codec whose posting blocks are flat arrays instead of pickled tuples.

Whoosh 3's codec pickles each block of postings as a tuple of Python ints and bytes objects, so
reading a block creates two objects per posting: ~0.1 µs each, and a common bigram has tens of
thousands of postings. This codec keeps Whoosh's file layout, block headers and skipping, and only
changes the block payload (before zlib) to:

    uint32 ids (delta-encoded) | float32 weights (if not all 1) | values

where values are nothing (presence-only formats), n fixed-size values back to back, or uint32
byte lengths followed by the concatenated variable-size values (positions). numpy reads that with
`frombuffer`; Whoosh's own matcher API still works (merging, Phrase queries), slower.
Segments remember their codec in the index's TOC, so readers pick this up automatically.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from itertools import accumulate
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.compat import dumps
from whoosh.util.numeric import length_to_byte

_HEADER = struct.Struct("<IB")  # posting count, flags
_HAS_WEIGHTS = 1
_U32 = np.dtype("<u4")
_F32 = np.dtype("<f4")
MIN_COMPRESS = 128  # bytes


class BlockArrays(NamedTuple):
    """One decoded block: docnums, per-posting value sizes (variable formats) and value bytes."""

    ids: np.ndarray
    sizes: np.ndarray | None
    values: bytes


def encode_block(ids, weights, sizes, values: bytes) -> bytes:
    """Encode a block: ids, weights, sizes are sequences or arrays; values the joined bytes."""
    ids = np.asarray(ids, dtype=np.int64)
    deltas = np.empty(ids.size, dtype=_U32)
    deltas[0] = ids[0]
    deltas[1:] = ids[1:] - ids[:-1]
    parts = [b"", deltas.tobytes()]
    flags = 0
    if weights is not None:
        weights = np.asarray(weights, dtype=_F32)
        if not (weights == 1.0).all():
            flags = _HAS_WEIGHTS
            parts.append(weights.tobytes())
    parts[0] = _HEADER.pack(ids.size, flags)
    if sizes is not None:
        parts.append(np.asarray(sizes).astype(_U32).tobytes())
    parts.append(values)
    return b"".join(parts)


def decode_block(data: bytes, fixed_size: int | None) -> BlockArrays:
    """Decode a block's payload (fixed_size: value size, 0 for none, None for variable)."""
    count, flags = _HEADER.unpack_from(data)
    offset = _HEADER.size
    ids = np.cumsum(np.frombuffer(data, _U32, count, offset), dtype=np.int64)
    offset += 4 * count
    if flags & _HAS_WEIGHTS:
        offset += 4 * count
    sizes = None
    if fixed_size is None:
        sizes = np.frombuffer(data, _U32, count, offset).astype(np.int64)
        offset += 4 * count
    return BlockArrays(ids, sizes, data[offset:])


def block_weights(data: bytes) -> np.ndarray | None:
    """The weights of a block, or None when they are all 1."""
    count, flags = _HEADER.unpack_from(data)
    if not flags & _HAS_WEIGHTS:
        return None
    return np.frombuffer(data, _F32, count, _HEADER.size + 4 * count)


class ArrayPostingsWriter(W3PostingsWriter):
    """W3PostingsWriter writing array blocks; `_block_payload` may be preset by bulk writers."""

    _block_payload: tuple | None = None

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        weights = self._weights
        if self._block_payload is not None:  # bulk writers: unit weights, values preset
            (sizes, values), weights = self._block_payload, None
        else:
            sizes, values = self._values_payload()
        data = encode_block(self._ids, weights, sizes, values)
        # zlib's set-up costs more than it saves on the tiny blocks of rare terms.
        comp = self._compression if len(data) >= MIN_COMPRESS else 0
        if comp:
            data = zlib.compress(data, comp)
        ids = self._ids
        info = (
            len(ids),
            int(ids[-1]),
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        infobytes = dumps(info, 2)
        size = len(infobytes) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(infobytes)
        self._postfile.write(data)
        self._blockcount += 1
        self._block_payload = None
        self._new_block()

    def _values_payload(self) -> tuple[list[int] | None, bytes]:
        """Sizes and joined bytes of the values added one posting at a time."""
        fixed = self._format.fixed_value_size()
        values = self._values
        if fixed is not None and fixed >= 0:
            return None, b"".join(values) if fixed else b""
        return [len(v) for v in values], b"".join(values)


class ArrayLeafMatcher(W3LeafMatcher):
    """W3LeafMatcher for array blocks, plus `arrays()` for whole-block numpy access."""

    def _read_data(self) -> None:
        raw = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = zlib.decompress(raw) if self._compression else raw

    def arrays(self) -> BlockArrays:
        """The current block as numpy arrays."""
        if self._data is None:
            self._read_data()
        return decode_block(self._data, self._fixedsize)

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        count = _HEADER.unpack_from(self._data)[0]
        deltas = np.frombuffer(self._data, _U32, count, _HEADER.size)
        self._ids = tuple(accumulate(deltas.tolist()))

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        weights = block_weights(self._data)
        count = self._blocklength
        self._weights = array("f", [1.0]) * count if weights is None else array("f", weights)

    def _read_values(self) -> None:
        block = self.arrays()
        values = block.values
        if block.sizes is None:
            size = self._fixedsize or 0
            if not size:
                self._values = (None,) * self._blocklength
            else:
                self._values = tuple(values[i : i + size] for i in range(0, len(values), size))
            return
        ends = list(accumulate(block.sizes.tolist()))
        starts = [0, *ends[:-1]]
        self._values = tuple(values[s:e] for s, e in zip(starts, ends, strict=True))


class ArrayCodec(W3Codec):
    """Whoosh's W3 codec with array posting blocks (see module docstring)."""

    def postings_writer(self, dbfile, byteids: bool = False):
        """Array blocks for document postings; vectors (byte ids) keep W3's format."""
        if byteids:
            return super().postings_writer(dbfile, byteids)
        return ArrayPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        """Read array blocks (inlined postings, never written here, keep W3's reader)."""
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
