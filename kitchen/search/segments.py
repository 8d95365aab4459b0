"""Bulk segment writing: Whoosh segments built from whole posting lists, not one posting at a time.

Whoosh's own writer pushes every posting through a sorting pool, a pickled run file and a merge,
which costs ~10 µs per posting; a story here has ~1,000 postings. This builder keeps each term's
postings in compact arrays while documents arrive (they arrive in docnum order, so the lists are
already sorted), then writes each term's blocks in one go through Whoosh's own codec classes. The
files are ordinary Whoosh segments: Whoosh reads, merges and deletes from them as usual.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import accumulate

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import Storage
from whoosh.system import pack_ushort

from kitchen.search import SearchDocument
from kitchen.search.codec import ArrayCodec, ArrayPostingsWriter
from kitchen.search.schema import AnalysedDoc, analyse, word_frequency, writer_fields

BLOCK_LIMIT = 512  # postings per block: fewer, larger blocks to write and to read back
STORED_FIELDS = ("id", "title", "summary", "body", "thumb")


class _WholeTermWriter(ArrayPostingsWriter):
    """An array-block postings writer that takes a term's complete posting list at once."""

    def write_term(
        self, format_, ids: array, sizes: array | None, values: bytes, lengths: list | None
    ) -> W3TermInfo:
        """Write every block of one term; values are joined, `sizes` gives variable sizes."""
        self.start_postings(format_, W3TermInfo())
        count, limit = len(ids), self._blocklimit
        width = format_.fixed_value_size() or 0
        offsets = [0, *accumulate(sizes)] if sizes is not None else None
        for start in range(0, count, limit):
            end = min(start + limit, count)
            self._ids = ids[start:end]
            self._weights = _ONES * (end - start)
            if offsets is not None:
                payload = (sizes[start:end], values[offsets[start] : offsets[end]])
            else:
                payload = (None, values[start * width : end * width])
            self._block_payload = payload
            self._maxweight = 1.0
            block_lengths = lengths[start:end] if lengths else None
            self._minlength = min(block_lengths) if block_lengths else None
            self._maxlength = max(block_lengths) if block_lengths else 0
            self._write_block(last=end == count)
        return self.finish_postings()


_ONES = array("f", [1.0])


class SegmentBuilder:
    """Accumulates analysed documents and writes them as one new Whoosh segment."""

    def __init__(
        self, storage: Storage, indexname: str, schema, blocklimit: int = BLOCK_LIMIT, compression: int = 1
    ):
        self.storage = storage
        self.schema = schema
        self.codec = ArrayCodec(blocklimit=blocklimit, compression=compression)
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.doc_count = 0
        self.ids: list[str] = []
        self.word_lengths = array("I")
        self.grams: dict[str, tuple[array, array, array]] = {}
        self.chars: dict[str, array] = {}
        self.words: dict[str, tuple[array, bytearray]] = {}

    def add(self, doc: SearchDocument, analysed: AnalysedDoc | None = None) -> None:
        """Add one document (analysing it unless that was done already)."""
        analysed = analysed or analyse(doc)
        docnum = self.doc_count
        self._add_per_doc(docnum, writer_fields(doc, analysed), analysed.word_count)
        self.ids.append(str(doc.id))
        self.word_lengths.append(analysed.word_count)
        self._add_postings(docnum, analysed)
        self.doc_count += 1

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

    def _add_postings(self, docnum: int, analysed: AnalysedDoc) -> None:
        grams, chars, words = self.grams, self.chars, self.words
        for gram, plist in analysed.grams.items():
            entry = grams.get(gram)
            if entry is None:
                entry = grams[gram] = (array("I"), array("I"), array("I"))
            entry[0].append(docnum)
            entry[1].append(len(plist))
            entry[2].extend(plist)
        for char in analysed.chars:
            entry = chars.get(char)
            if entry is None:
                entry = chars[char] = array("I")
            entry.append(docnum)
        for word, weight in analysed.words.items():
            entry = words.get(word)
            if entry is None:
                entry = words[word] = (array("I"), bytearray())
            entry[0].append(docnum)
            entry[1].append(word_frequency(weight))

    def finish(self):
        """Write the postings and per-document files; return the new segment (None if empty)."""
        self.perdoc.close()
        if not self.doc_count:
            return None
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        writer = _WholeTermWriter(
            fieldwriter._postfile, self.codec._blocklimit, compression=self.codec._compression
        )
        for name, terms in self._fields():
            self._write_field(fieldwriter, writer, name, terms)
        fieldwriter.close()
        self.segment.set_doc_count(self.doc_count)
        return self.segment

    def _fields(self) -> Iterable[tuple[str, Iterable]]:
        """Yield each field's (term, ids, sizes, values, lengths), fields and terms sorted."""
        ids = sorted((doc_id, array("I", [n])) for n, doc_id in enumerate(self.ids))
        yield "chars", ((t, d, None, b"", None) for t, d in _sorted(self.chars))
        yield "grams", (_gram_entry(t, e) for t, e in _sorted(self.grams))
        yield "id", ((t, d, None, b"", None) for t, d in ids)
        lengths = self.word_lengths
        yield "words", ((t, d, None, bytes(f), [lengths[n] for n in d]) for t, (d, f) in _sorted(self.words))

    def _write_field(self, fieldwriter, writer: _WholeTermWriter, name: str, terms) -> None:
        fieldobj = self.schema[name]
        fieldwriter.start_field(name, fieldobj)
        for term, ids, sizes, values, lengths in terms:
            info = writer.write_term(fieldobj.format, ids, sizes, values, lengths)
            key = pack_ushort(fieldwriter._fieldmap[name]) + term.encode("utf-8")
            fieldwriter._tindex.add(key, info.to_bytes())
        fieldwriter.finish_field()


def _sorted(terms: dict) -> list:
    # UTF-8 byte order is code point order, so sorting the str keys sorts the term bytes.
    return sorted(terms.items())


def _gram_entry(term: str, entry: tuple[array, array, array]) -> tuple:
    docs, counts, flat = entry
    sizes = array("I", (4 * c for c in counts))
    return term, docs, sizes, _native_bytes(flat), None


def _native_bytes(numbers: array) -> bytes:
    # GramFormat values are native-endian uint32 positions, as array.tobytes() gives them.
    return numbers.tobytes()
