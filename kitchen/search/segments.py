"""Bulk segment writing: Whoosh segments built from whole posting lists, not one posting at a time.

Whoosh's own writer pushes every posting through a sorting pool, a pickled run file and a merge,
~10 µs per posting, and a story has ~1,000 postings. This builder collects the bigram and character
occurrences of a batch of documents as numpy arrays (code, docnum, offset), groups them by one
stable sort, and keeps per-term chunks; Latin words and rjieba words, a few hundred per story, are
appended per term in Python. `finish` writes each term's blocks in one go through the array codec.
The files are ordinary Whoosh segments, which Whoosh reads as usual; kitchen.search.writing
commits, deletes from and merges them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.filedb.filestore import Storage

from kitchen.search import SearchDocument
from kitchen.search.analysis import FIELD_SEPARATOR, bigram_codes, code_text, latin_positions
from kitchen.search.schema import document_sounds, document_words, normalized_fields, per_doc_values
from kitchen.search.whoosh_adapter import ArrayCodec, FieldSink, new_segment

BLOCK_LIMIT = 4096  # postings per block: queries read whole posting lists, so few big blocks
GROUP_DOCS = 500  # documents whose bigram occurrences are sorted and grouped together
STORED_FIELDS = ("source",)

Array = np.ndarray[Any, Any]
Chunk = tuple[Array, Array | None, Array | None]
# (term, docnums, value sizes, value bytes, lengths) of one term of a field
TermRow = tuple[Any, Any, Any, bytes, list[int] | None]


class _Occurrences:
    """(code, docnum, offset) triples of a group of documents, grouped into per-term chunks."""

    def __init__(self, positional: bool) -> None:
        self.positional = positional
        self.parts: list[tuple[Array, Array, Array | None]] = []
        self.chunks: dict[int, list[Chunk]] = {}

    def add(self, codes: Array, docnum: int, offsets: Array | None) -> None:
        """Record one document's occurrences (offsets None for presence-only terms)."""
        self.parts.append((codes, np.full(codes.size, docnum, dtype=np.int32), offsets))

    def group(self) -> None:
        """Sort the pending occurrences by code (stably: docnum and offset order stay) and chunk."""
        if not self.parts:
            return
        codes = np.concatenate([p[0] for p in self.parts])
        if not codes.size:  # a group of documents without a single CJK gram (English only)
            self.parts = []
            return
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        docs = np.concatenate([p[1] for p in self.parts])[order]
        offsets = (
            np.concatenate([p[2] for p in self.parts if p[2] is not None])[order]
            if self.positional
            else None
        )
        self.parts = []
        new_term = np.r_[True, codes[1:] != codes[:-1]]
        post_starts = np.flatnonzero(new_term | np.r_[True, docs[1:] != docs[:-1]])
        post_docs = docs[post_starts]
        post_counts = np.diff(np.r_[post_starts, codes.size]).astype(np.int32)
        term_starts = np.flatnonzero(new_term)
        term_posts = np.searchsorted(post_starts, term_starts)
        bounds = zip(
            codes[term_starts].tolist(),
            term_posts.tolist(),
            np.r_[term_posts[1:], post_starts.size].tolist(),
            term_starts.tolist(),
            np.r_[term_starts[1:], codes.size].tolist(),
            strict=True,
        )
        chunks = self.chunks
        for code, p0, p1, e0, e1 in bounds:
            chunk: Chunk
            if offsets is None:  # presence only: neither counts nor offsets needed
                chunk = (post_docs[p0:p1], None, None)
            else:
                chunk = (post_docs[p0:p1], post_counts[p0:p1], offsets[e0:e1])
            chunks.setdefault(code, []).append(chunk)

    def terms(self) -> Iterator[tuple[str, Array, Array | None, bytes]]:
        """Yield (term, docnums, value sizes, value bytes) in term order."""
        self.group()
        for code in sorted(self.chunks):
            chunks = self.chunks[code]
            docs = np.concatenate([c[0] for c in chunks])
            if not self.positional:
                yield code_text(code), docs, None, b""
                continue
            sizes = np.concatenate([c[1] for c in chunks if c[1] is not None]).astype(np.int64) * 4
            offsets = np.concatenate([c[2] for c in chunks if c[2] is not None]).astype("<u4")
            yield code_text(code), docs, sizes, offsets.tobytes()


class SegmentBuilder:
    """Accumulates documents and writes them as one new Whoosh segment."""

    def __init__(self, storage: Storage, indexname: str, schema: Any, compression: int = 0) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = ArrayCodec(blocklimit=BLOCK_LIMIT, compression=compression)
        self.segment = new_segment(self.codec, storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.doc_count = 0
        self.ids: list[str] = []
        self.word_lengths: list[int] = []
        self.grams = _Occurrences(positional=True)
        self.chars = _Occurrences(positional=False)
        self.latin: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self.pinyin: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self.initials: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self.words: dict[str, tuple[array[int], bytearray]] = {}

    def add(self, doc: SearchDocument) -> None:
        """Analyse and add one document."""
        docnum = self.doc_count
        fields = normalized_fields(doc)
        text = FIELD_SEPARATOR.join(text for _name, text in fields)
        codes, offsets, chars = bigram_codes(text)
        self.grams.add(codes, docnum, offsets)
        self.chars.add(chars.astype(np.int64), docnum, None)
        self._add_positional(self.latin, docnum, latin_positions(text))
        sounds, initials = document_sounds(doc, fields)
        self._add_positional(self.pinyin, docnum, sounds)
        self._add_positional(self.initials, docnum, initials)
        words, length = document_words(fields)
        self._add_words(docnum, words)
        self._add_per_doc(docnum, per_doc_values(doc), length)
        self.ids.append(str(doc.id))
        self.word_lengths.append(length)
        self.doc_count += 1
        if self.doc_count % GROUP_DOCS == 0:
            self.grams.group()
            self.chars.group()

    def _add_per_doc(self, docnum: int, values: dict[str, object], word_count: int) -> None:
        perdoc, schema = self.perdoc, self.schema
        perdoc.start_doc(docnum)
        for name in STORED_FIELDS:
            perdoc.add_field(name, schema[name], values[name], 0)
        perdoc.add_field("words", schema["words"], None, word_count)
        for name, fieldobj in schema.items():
            if fieldobj.column_type is not None:
                perdoc.add_column_value(name, fieldobj.column_type, values[name])
        perdoc.finish_doc()

    @staticmethod
    def _add_positional(
        terms: dict[str, tuple[array[int], array[int], array[int]]],
        docnum: int,
        positions: dict[str, list[int]],
    ) -> None:
        for term, plist in positions.items():
            entry = terms.get(term)
            if entry is None:
                entry = terms[term] = (array("I"), array("I"), array("I"))
            entry[0].append(docnum)
            entry[1].append(4 * len(plist))
            entry[2].extend(plist)

    def _add_words(self, docnum: int, frequencies: dict[str, int]) -> None:
        words = self.words
        for word, frequency in frequencies.items():
            entry = words.get(word)
            if entry is None:
                entry = words[word] = (array("I"), bytearray())
            entry[0].append(docnum)
            entry[1].append(frequency)

    def finish(self) -> Any:
        """Write the postings and per-document files; return the new segment (None if empty)."""
        self.perdoc.close()
        if not self.doc_count:
            return None
        sink = FieldSink(self.codec, self.storage, self.segment, BLOCK_LIMIT)
        for name, terms in self._fields():
            sink.start_field(name, self.schema[name])
            for term, ids, sizes, values, lengths in terms:
                sink.add_term(term, ids, sizes, values, lengths)
            sink.finish_field()
        sink.close()
        self.segment.set_doc_count(self.doc_count)
        return self.segment

    def _fields(self) -> Iterator[tuple[str, Iterator[TermRow]]]:
        """Yield each field's (term, ids, sizes, values, lengths), fields and terms sorted."""
        lengths = self.word_lengths
        ids = sorted((doc_id, array("I", [n])) for n, doc_id in enumerate(self.ids))
        yield "chars", ((t, d, None, b"", None) for t, d, _s, _v in self.chars.terms())
        yield "grams", ((t, d, s, v, None) for t, d, s, v in self.grams.terms())
        yield "id", ((t, d, None, b"", None) for t, d in ids)
        yield "initials", _positional(self.initials)
        yield "latin", _positional(self.latin)
        yield "pinyin", _positional(self.pinyin)
        words = sorted(self.words.items())
        yield "words", ((t, d, None, bytes(f), [lengths[n] for n in d]) for t, (d, f) in words)


def _positional(terms: dict[str, tuple[array[int], array[int], array[int]]]) -> Iterator[TermRow]:
    return ((t, d, s, _little(p), None) for t, (d, s, p) in sorted(terms.items()))


def _little(numbers: array[int]) -> bytes:
    return np.frombuffer(numbers, dtype=np.uint32).astype("<u4").tobytes()
