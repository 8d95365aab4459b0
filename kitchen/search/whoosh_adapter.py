"""Whoosh's internals, in one room.

kitchen uses Whoosh as a file format (segments, term index, per-document columns, the TOC) and
does its own analysis, matching, writing and merging on top. Where that needs Whoosh's private
names, they are used here and nowhere else: the array codec (blocks of kitchen.search.blocks
inside W3's files), a bulk term writer, whole posting lists as numpy arrays, the length column,
and reading and writing the TOC. `check_whoosh()` runs when a backend opens and refuses a Whoosh
whose version or private names differ from what this module was written for; the canary test
(tests/search/test_whoosh_adapter.py) exercises every name below on real objects.

Segments pickle their codec into the TOC. `ArrayCodec` pickles as a stable name
(``kitchen.search.stored_codec("array", 1, ...)``), not as its class path, so moving this module
does not break existing indexes; the schema is never unpickled (indexes are opened with ours).
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import whoosh
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
    W3TermInfo,
)
from whoosh.compat import dumps
from whoosh.fields import Schema
from whoosh.filedb.filestore import Storage
from whoosh.index import TOC, FileIndex
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from kitchen.search.blocks import BlockArrays, block_ids, block_weights, decode_block, encode_block

WRITTEN_FOR = (2, 7, 5)
CODEC_NAME, CODEC_VERSION = "array", 1
MIN_COMPRESS = 128  # bytes: zlib's set-up costs more than it saves on tiny blocks
SEGMENT_FILE = re.compile(r"^(?P<segment>[A-Za-z0-9]+_[0-9a-z]+)\.[A-Za-z0-9_.]+$")

# Every private name used below, by the class that defines it (methods and class attributes).
# Instance attributes (set in __init__) are listed by INSTANCE_NAMES and checked by the canary.
PRIVATE_METHODS: dict[type, tuple[str, ...]] = {
    W3PostingsWriter: ("_write_block", "_new_block"),
    W3LeafMatcher: ("_read_data", "_read_ids", "_read_weights", "_read_values", "_goto"),
    TOC: ("_latest_generation", "_pattern"),
    FileIndex: ("_read_toc",),
}
INSTANCE_NAMES: dict[str, tuple[str, ...]] = {
    "W3PostingsWriter": (
        "_postfile",
        "_blocklimit",
        "_compression",
        "_inlinelimit",
        "_blockcount",
        "_format",
        "_terminfo",
        "_ids",
        "_weights",
        "_values",
        "_maxweight",
        "_minlength",
        "_maxlength",
    ),
    "W3LeafMatcher": (
        "_postfile",
        "_data",
        "_dataoffset",
        "_nextoffset",
        "_compression",
        "_fixedsize",
        "_blocklength",
        "_lastblock",
        "_ids",
        "_weights",
        "_values",
    ),
    "W3FieldWriter": ("_postfile", "_fieldmap", "_tindex"),
    "W3TermsReader": ("_codec", "_postfile"),
    "SegmentReader": ("_terms", "_perdoc"),
    "W3Codec": ("_blocklimit", "_compression", "_inlinelimit"),
}


class WhooshMismatch(RuntimeError):
    """The installed Whoosh is not the one kitchen's adapter was written for."""


def check_whoosh() -> None:
    """Refuse to run on a Whoosh whose version or private names differ from ours."""
    if tuple(whoosh.__version__[:3]) != WRITTEN_FOR:
        raise WhooshMismatch(
            f"kitchen's search adapter was written for Whoosh {WRITTEN_FOR}, "
            f"found {whoosh.__version__}; pin Whoosh-Reloaded or update the adapter"
        )
    missing = [
        f"{cls.__name__}.{name}"
        for cls, names in PRIVATE_METHODS.items()
        for name in names
        if not hasattr(cls, name)
    ]
    if missing:
        raise WhooshMismatch("Whoosh lacks what kitchen's adapter uses: " + ", ".join(missing))


# The array codec -------------------------------------------------------------------------------


class ArrayPostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    """W3PostingsWriter writing array blocks; `_block_payload` may be preset by bulk writers."""

    _block_payload: tuple[Any, ...] | None = None

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

    def write_term(
        self, format_: Any, ids: Any, sizes: Any, values: bytes, lengths: Any
    ) -> W3TermInfo:
        """Write every block of one term at once; `sizes` gives variable value sizes."""
        self.start_postings(format_, W3TermInfo())
        count, limit = len(ids), self._blocklimit
        width = format_.fixed_value_size() or 0
        offsets = None if sizes is None else np.r_[0, np.cumsum(sizes)].tolist()
        for start in range(0, count, limit):
            end = min(start + limit, count)
            self._ids = ids[start:end]
            self._weights = _ONES * (end - start)
            if offsets is not None:
                self._block_payload = (sizes[start:end], values[offsets[start] : offsets[end]])
            else:
                self._block_payload = (None, values[start * width : end * width])
            self._maxweight = 1.0
            block_lengths = lengths[start:end] if lengths is not None else None
            self._minlength = min(block_lengths) if block_lengths else None
            self._maxlength = max(block_lengths) if block_lengths else 0
            self._write_block(last=end == count)
        return self.finish_postings()


_ONES = array("f", [1.0])


class ArrayLeafMatcher(W3LeafMatcher):  # type: ignore[misc]
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
        self._ids = tuple(block_ids(self._data))

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


class ArrayCodec(W3Codec):  # type: ignore[misc]
    """Whoosh's W3 codec with array posting blocks (see kitchen.search.blocks)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        """Array blocks for document postings; vectors (byte ids) keep W3's format."""
        if byteids:
            return super().postings_writer(dbfile, byteids)
        return ArrayPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        """Read array blocks (inlined postings, never written here, keep W3's reader)."""
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def settings(self) -> dict[str, int]:
        """What the codec was made with (kept in the TOC under the codec's stable name)."""
        return {
            "blocklimit": self._blocklimit,
            "compression": self._compression,
            "inlinelimit": self._inlinelimit,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        from kitchen.search import stored_codec

        return stored_codec, (CODEC_NAME, CODEC_VERSION, self.settings())


def codec_named(name: str, version: int, settings: dict[str, int]) -> ArrayCodec:
    """The codec a TOC names; an unknown name or version is an index to rebuild."""
    if (name, version) != (CODEC_NAME, CODEC_VERSION):
        raise WhooshMismatch(f"unknown index codec {name}/{version}: run `kitchen reindex`")
    return ArrayCodec(**settings)


# Writing a segment in bulk ---------------------------------------------------------------------


class FieldSink:
    """Writes a new segment's terms field by field, each term's whole posting list at once."""

    def __init__(self, codec: ArrayCodec, storage: Storage, segment: Any, blocklimit: int) -> None:
        self.writer = codec.field_writer(storage, segment)
        self.postings = ArrayPostingsWriter(
            self.writer._postfile, blocklimit, compression=codec._compression
        )
        self.fieldid = b""

    def start_field(self, name: str, fieldobj: Any) -> None:
        """Begin a field (fields must come in the order of their names)."""
        self.writer.start_field(name, fieldobj)
        self.fieldid = pack_ushort(self.writer._fieldmap[name])
        self.format = fieldobj.format

    def add_term(self, term: str, ids: Any, sizes: Any, values: bytes, lengths: Any) -> None:
        """Add a term (terms in order) with its docnums, value sizes, values and lengths."""
        info = self.postings.write_term(self.format, ids, sizes, values, lengths)
        self.writer._tindex.add(self.fieldid + term.encode("utf-8"), info.to_bytes())

    def finish_field(self) -> None:
        """End the current field."""
        self.writer.finish_field()

    def close(self) -> None:
        """Close the segment's term and postings files."""
        self.writer.close()


# Reading ---------------------------------------------------------------------------------------


class Postings(NamedTuple):
    """A term's postings in one segment: docnums, value sizes (variable formats), value bytes."""

    ids: np.ndarray
    sizes: np.ndarray | None
    values: bytes


EMPTY = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), b"")


def read_postings(reader: SegmentReader, field: str, term: str) -> Postings:
    """A term's whole posting list in one segment (deleted documents included: mask them)."""
    terms = reader._terms  # the raw postings, without Whoosh's per-posting deletion filter
    try:
        info = terms.term_info(field, term.encode("utf-8"))
    except TermNotFound:
        return EMPTY
    matcher = terms._codec.postings_reader(terms._postfile, info, reader.schema[field].format)
    if not isinstance(matcher, ArrayLeafMatcher):
        return _read_slowly(matcher)
    blocks = []
    while True:
        blocks.append(matcher.arrays())
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    if len(blocks) == 1:
        return Postings(*blocks[0])
    sizes = None if blocks[0].sizes is None else np.concatenate([b.sizes for b in blocks])
    ids = np.concatenate([b.ids for b in blocks])
    return Postings(ids, sizes, b"".join(b.values for b in blocks))


def _read_slowly(matcher: Any) -> Postings:
    """Generic path for postings in another codec's format (e.g. a plain W3 segment)."""
    ids: list[int] = []
    values: list[bytes] = []
    while matcher.is_active():
        ids.append(matcher.id())
        values.append(matcher.value() or b"")
        matcher.next()
    sizes = np.array([len(v) for v in values], dtype=np.int64)
    return Postings(np.array(ids, dtype=np.int64), sizes, b"".join(values))


def length_bytes(reader: SegmentReader, field: str) -> np.ndarray | None:
    """A field's per-document lengths as Whoosh stores them, one byte each (None if absent)."""
    perdoc = reader._perdoc
    column = f"_{field}_len"
    if not perdoc.has_column(column):
        return None
    return np.array(list(perdoc.column_reader(column, LENGTHS_COLUMN)), dtype=np.int64)


# The TOC and the files of an index -------------------------------------------------------------


def create_index(path: Path, schema: Schema) -> FileIndex:
    """Create an empty index in a folder."""
    return whoosh_index.create_in(str(path), schema)


def open_index(path: Path, schema: Schema) -> FileIndex:
    """Open an index with our schema (the pickled one in its TOC is never loaded)."""
    return whoosh_index.open_dir(str(path), schema=schema)


def read_toc(ix: FileIndex) -> tuple[int, list[Any]]:
    """The latest generation number of an index and its segments (fresh, mutable copies)."""
    toc = ix._read_toc()
    return toc.generation, list(toc.segments)


def write_toc(ix: FileIndex, segments: list[Any], generation: int) -> None:
    """Write generation `generation` of the TOC (atomically, by rename)."""
    TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)


def latest_generation(ix: FileIndex) -> int:
    """The newest TOC generation on disk (-1 if none)."""
    generation: int = TOC._latest_generation(ix.storage, ix.indexname)
    return generation


def toc_generation(ix: FileIndex, filename: str) -> int | None:
    """The generation a TOC file name holds, or None if it is not a TOC of this index."""
    match = TOC._pattern(ix.indexname).match(filename)
    return int(match.group(1)) if match else None


def file_segment(filename: str) -> str | None:
    """The segment id a file belongs to (for example MAIN_ab12cd.trm -> MAIN_ab12cd)."""
    match = SEGMENT_FILE.match(filename)
    return match.group("segment") if match else None


def new_segment(codec: ArrayCodec, storage: Storage, indexname: str) -> Any:
    """A new, empty segment object with a random id."""
    return codec.new_segment(storage, indexname)


def live_mask(segment: Any) -> np.ndarray:
    """Mask of a segment's documents that are not deleted."""
    mask = np.ones(segment.doc_count_all(), dtype=bool)
    deleted = list(segment.deleted_docs())
    if deleted:
        mask[deleted] = False
    return mask


def delete_documents(segment: Any, docnums: Iterable[int]) -> None:
    """Mark documents of a segment (a TOC copy, written afterwards) as deleted."""
    for docnum in docnums:
        segment.delete_document(int(docnum))
