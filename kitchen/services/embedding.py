"""Credit and privacy inside the pictures we serve: XMP (and IPTC in JPEG) written in, the
places and people a camera records taken out.

Only metadata is rewritten; the picture's bytes are copied as they are (nothing is re-encoded),
so a journalist's original is still the original. The work is planned from the file's headers
(a JPEG's segments before the scan, a PNG's or WebP's chunks): a plan is a list of pieces,
literal bytes or ranges of the stored file, so its size is known before anything is sent and
serving it streams in constant memory.

Written: dc:title, dc:creator and photoshop:Credit (the credit line), dc:rights,
xmpRights:UsageTerms, xmpRights:WebStatement (the item's address), photoshop:Source (the
organisation); in JPEG the same in IPTC IIM (ObjectName, By-line, Credit, Source,
CopyrightNotice, SpecialInstructions). Removed from originals: GPS, the camera's serial
numbers and owner, maker notes, and any XMP, IPTC or text the file carried (they may hold a
location too). Orientation, colour profile and capture date stay.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.sax.saxutils import escape

from PIL import Image

from kitchen.services.storage import Blob

# Exif tags that say where a picture was taken or whose camera took it.
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
PRIVATE_EXIF_TAGS = (
    0x927C,  # MakerNote: vendor data, serial numbers among it
    0xA430,  # CameraOwnerName
    0xA431,  # BodySerialNumber
    0xA435,  # LensSerialNumber
)
PRIVATE_IFD0_TAGS = (0x013C,)  # HostComputer
JPEG_SEGMENT_MAX = 65533
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Credit:
    """What a served picture says about itself."""

    title: str
    credit_line: str
    usage_terms: str
    url: str
    source: str


@dataclass
class Plan:
    """The bytes to serve: literal pieces and (offset, length) ranges of the stored file."""

    pieces: list[bytes | tuple[int, int]] = field(default_factory=list)

    def add(self, piece: bytes | tuple[int, int]) -> None:
        if isinstance(piece, bytes) and not piece:
            return
        self.pieces.append(piece)

    @property
    def size(self) -> int:
        return sum(len(p) if isinstance(p, bytes) else p[1] for p in self.pieces)

    def chunks(self, blob: Blob) -> Iterator[bytes]:
        """The served bytes, a block at a time."""
        with blob.open() as source:
            for piece in self.pieces:
                if isinstance(piece, bytes):
                    yield piece
                    continue
                offset, length = piece
                source.seek(offset)
                while length > 0 and (block := source.read(min(CHUNK, length))):
                    length -= len(block)
                    yield block

    def read(self, blob: Blob) -> bytes:
        """All of it (for a ZIP entry or a test)."""
        return b"".join(self.chunks(blob))


def plan(blob: Blob, mime: str, credit: Credit | None, private: bool) -> Plan | None:
    """How to serve this picture with `credit` written in and, when `private`, the location
    and owner taken out; None for a format we leave alone (video, documents) or a file whose
    headers we cannot follow (served as stored: the upload check decoded it, so it is sound)."""
    try:
        if mime == "image/jpeg":
            return _jpeg(blob, credit, private)
        if mime == "image/png":
            return _png(blob, credit)
        if mime == "image/webp":
            return _webp(blob, credit)
    except (OSError, ValueError, struct.error, SyntaxError):
        return None
    return None


def xmp_packet(credit: Credit) -> bytes:
    """The XMP packet for a credit (UTF-8)."""

    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    rights = (
        f"{credit.credit_line} · {credit.usage_terms}" if credit.usage_terms else credit.credit_line
    )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        ' xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">'
        f"<dc:title>{alt(credit.title)}</dc:title>"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(credit.credit_line)}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:rights>{alt(rights)}</dc:rights>"
        f"<photoshop:Credit>{escape(credit.credit_line)}</photoshop:Credit>"
        f"<photoshop:Source>{escape(credit.source)}</photoshop:Source>"
        f"<xmpRights:UsageTerms>{alt(credit.usage_terms)}</xmpRights:UsageTerms>"
        f"<xmpRights:WebStatement>{escape(credit.url)}</xmpRights:WebStatement>"
        "<xmpRights:Marked>True</xmpRights:Marked>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    )
    return body.encode("utf-8")


def iptc_block(credit: Credit) -> bytes:
    """IPTC IIM records in UTF-8, each within its standard length, as a Photoshop resource."""

    def record(number: int, dataset: int, value: bytes) -> bytes:
        return struct.pack(">BBBH", 0x1C, number, dataset, len(value)) + value

    def text(value: str, limit: int) -> bytes:
        data = value.encode("utf-8")[:limit]
        return data.decode("utf-8", "ignore").encode("utf-8")  # never cut a character

    iim = b"".join(
        (
            record(1, 90, b"\x1b%G"),  # coded character set: UTF-8
            record(2, 0, b"\x00\x04"),
            record(2, 5, text(credit.title, 64)),
            record(2, 80, text(credit.credit_line, 32)),
            record(2, 110, text(credit.credit_line, 32)),
            record(2, 115, text(credit.source, 32)),
            record(2, 116, text(credit.credit_line, 128)),
            record(2, 40, text(credit.usage_terms, 256)),
        )
    )
    padded = iim + (b"\0" if len(iim) % 2 else b"")
    return b"Photoshop 3.0\0" + b"8BIM" + struct.pack(">HHI", 0x0404, 0, len(iim)) + padded


# --- JPEG ---------------------------------------------------------------------------------


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > JPEG_SEGMENT_MAX:
        raise ValueError("segment too long")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _jpeg(blob: Blob, credit: Credit | None, private: bool) -> Plan:
    result = Plan()
    with blob.open() as file:
        if file.read(2) != b"\xff\xd8":
            raise ValueError("not a JPEG")
        result.add(b"\xff\xd8")
        kept: list[bytes] = []
        exif: bytes | None = None
        while True:
            byte = file.read(1)
            while byte == b"\xff":  # fill bytes, then the marker
                byte = file.read(1)
            if not byte:
                raise ValueError("truncated")
            marker = byte[0]
            start = file.tell() - 2
            if marker == 0xDA:  # start of scan: the picture itself follows, kept as it is
                break
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                continue
            (length,) = struct.unpack(">H", file.read(2))
            payload = file.read(length - 2)
            if marker == 0xE1 and payload.startswith(b"Exif\0\0"):
                exif = payload
                continue
            if marker in (0xE1, 0xED, 0xFE):
                continue  # XMP (and extended XMP), IPTC and comments: replaced by ours
            kept.append(struct.pack(">BBH", 0xFF, marker, length) + payload)
        size = blob.size
    head, rest = _split_jfif(kept)
    result.add(b"".join(head))
    if exif is not None:
        cleaned = _clean_exif(exif) if private else exif
        if cleaned:
            result.add(_segment(0xE1, cleaned))
    if credit is not None:
        result.add(_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp_packet(credit)))
        result.add(_segment(0xED, iptc_block(credit)))
    result.add(b"".join(rest))
    result.add((start, size - start))
    return result


def _split_jfif(segments: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """JFIF (APP0) must stay first; our segments follow it."""
    if segments and segments[0][1] == 0xE0:
        return segments[:1], segments[1:]
    return [], segments


def _clean_exif(payload: bytes) -> bytes | None:
    """The Exif block without GPS, serial numbers, owner or maker notes (orientation kept)."""
    exif = Image.Exif()
    exif.load(payload[6:])
    inner = exif.get_ifd(EXIF_IFD)
    for tag in PRIVATE_EXIF_TAGS:
        inner.pop(tag, None)
    for tag in (GPS_IFD, *PRIVATE_IFD0_TAGS):
        if tag in exif:
            del exif[tag]
    data = _exif_bytes(exif)
    if len(data) > JPEG_SEGMENT_MAX:  # a big embedded preview: keep the orientation alone
        minimal = Image.Exif()
        if 0x0112 in exif:
            minimal[0x0112] = exif[0x0112]
        data = _exif_bytes(minimal)
    return data


def _exif_bytes(exif: Image.Exif) -> bytes:
    data = exif.tobytes()
    return data if data.startswith(b"Exif\0\0") else b"Exif\0\0" + data


# --- PNG ----------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that carry metadata (and perhaps a location): dropped from what we serve.
PNG_METADATA = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(blob: Blob, credit: Credit | None) -> Plan:
    result = Plan()
    size = blob.size
    with blob.open() as file:
        if file.read(8) != PNG_SIGNATURE:
            raise ValueError("not a PNG")
        result.add(PNG_SIGNATURE)
        while file.tell() < size:
            offset = file.tell()
            length, kind = struct.unpack(">I4s", file.read(8))
            file.seek(length + 4, io.SEEK_CUR)
            if kind in PNG_METADATA:
                continue
            result.add((offset, length + 12))
            if kind == b"IHDR" and credit is not None:
                text = b"XML:com.adobe.xmp\0\0\0\0\0" + xmp_packet(credit)
                result.add(_png_chunk(b"iTXt", text))
            if kind == b"IEND":
                break
    return result


# --- WebP ---------------------------------------------------------------------------------

VP8X_XMP, VP8X_EXIF, VP8X_ALPHA = 0x04, 0x08, 0x10


def _webp(blob: Blob, credit: Credit | None) -> Plan:
    with blob.open() as file:
        riff, _size, webp = struct.unpack("<4sI4s", file.read(12))
        if riff != b"RIFF" or webp != b"WEBP":
            raise ValueError("not a WebP")
        chunks: list[tuple[bytes, int, int]] = []  # kind, offset of the payload, its length
        total = blob.size
        while file.tell() + 8 <= total:
            kind, length = struct.unpack("<4sI", file.read(8))
            chunks.append((kind, file.tell(), length))
            file.seek(length + (length & 1), io.SEEK_CUR)
        header = _vp8x_header(file, chunks)
    body = Plan()
    flags, canvas = header
    flags &= ~(VP8X_XMP | VP8X_EXIF)
    if credit is not None:
        flags |= VP8X_XMP
    body.add(b"VP8X" + struct.pack("<I", 10) + bytes([flags, 0, 0, 0]) + canvas)
    for kind, offset, length in chunks:
        if kind in (b"VP8X", b"EXIF", b"XMP "):
            continue
        body.add((offset - 8, 8 + length + (length & 1)))
    if credit is not None:
        packet = xmp_packet(credit)
        body.add(b"XMP " + struct.pack("<I", len(packet)) + packet + b"\0" * (len(packet) & 1))
    result = Plan()
    result.add(b"RIFF" + struct.pack("<I", body.size + 4) + b"WEBP")
    result.pieces.extend(body.pieces)
    return result


def _vp8x_header(file: BinaryIO, chunks: list[tuple[bytes, int, int]]) -> tuple[int, bytes]:
    """The VP8X flags and 6-byte canvas size: the file's own, or worked out from its frame."""
    for kind, offset, _length in chunks:
        if kind == b"VP8X":
            file.seek(offset)
            data = file.read(10)
            return data[0], data[4:10]
    for kind, offset, _length in chunks:
        file.seek(offset)
        data = file.read(10)
        if kind == b"VP8 ":  # lossy: a 10-byte frame header, 14-bit sizes at bytes 6-9
            width, height = struct.unpack("<HH", data[6:10])
            return 0, _canvas(width & 0x3FFF, height & 0x3FFF)
        if kind == b"VP8L":  # lossless: 14-bit sizes minus one, then the alpha bit
            (bits,) = struct.unpack("<I", data[1:5])
            width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            return (VP8X_ALPHA if bits >> 28 & 1 else 0), _canvas(width, height)
    raise ValueError("no frame")


def _canvas(width: int, height: int) -> bytes:
    return (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
