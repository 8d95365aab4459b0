"""Reading the words in a file: PDF (pypdf), Word (python-docx), PowerPoint (python-pptx) and
pictures (RapidOCR: PP-OCRv4's Chinese detection and recognition models, shipped in its wheel,
run by onnxruntime on the CPU).

These functions run in the reader's child process (kitchen.services.extraction), never in a web
worker: a hostile or huge file can take all the time it likes there, and is stopped at the limit.
Each returns segments, `{"page": n, "text": "…", "confidence": c}`: one per PDF page, Word page
(as Word last laid it out, or at explicit page breaks) or slide; one per line of a picture,
with the recogniser's confidence (page None).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

Segment = dict[str, Any]
MAX_PAGES = 2000  # pages or slides read at the most; a longer file's rest stays unread
# Characters kept of one file (about 500 dense pages): a Word file that is a zip bomb of text
# stops here, or at the reader's time limit, never in the database.
MAX_CHARS = 1_000_000
# Control characters (a PDF's page break among them), lone surrogates and XML's non-characters:
# none of them is text, and PostgreSQL cannot store NUL.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BLANKS = re.compile(r"[ \t\u3000]+")
_LINES = re.compile(r"\n{3,}")


class Unreadable(Exception):
    """The file's words cannot be read; `args[0]` names why (extraction.NOTES)."""


def clean(text: str) -> str:
    """Control characters out (a PDF's page break among them), runs of blanks as one space."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return _LINES.sub("\n\n", "\n".join(lines)).strip()


def read_pdf(path: Path) -> list[Segment]:
    """Each page's text; an encrypted PDF opens only without a password."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(str(path))
        # pypdf raises NotImplementedError for an encryption scheme it cannot open.
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted")
        segments: list[Segment] = []
        total = 0
        for number, page in enumerate(reader.pages, 1):
            if number > MAX_PAGES:
                break
            text = clean(page.extract_text() or "")
            if text:
                segments.append({"page": number, "text": text, "confidence": None})
                total += len(text)
                if total > MAX_CHARS:
                    break
        return segments
    except (FileNotDecryptedError, NotImplementedError) as error:
        raise Unreadable("encrypted") from error
    except (PdfReadError, PyPdfError, KeyError, ValueError, TypeError, AttributeError) as error:
        raise Unreadable("damaged") from error


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> list[Segment]:
    """Paragraphs and tables in document order, paged where Word last broke the pages (or at
    explicit page breaks)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise Unreadable("damaged") from error
    pages: dict[int, list[str]] = {}
    page, total = 1, 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            texts = [cell.text for row in block.rows for cell in row.cells]
            pages.setdefault(page, []).append(" ".join(dict.fromkeys(t for t in texts if t)))
            continue
        breaks = 0
        for element in block._p.iter():
            if element.tag == f"{W}lastRenderedPageBreak" or (
                element.tag == f"{W}br" and element.get(f"{W}type") == "page"
            ):
                breaks += 1
        if breaks and pages.get(page):  # the text so far fills a page: go on to the next
            page += breaks
        if block.text.strip():
            pages.setdefault(page, []).append(block.text)
            total += len(block.text)
            if total > MAX_CHARS:
                break
    return _segments(pages)


def read_pptx(path: Path) -> list[Segment]:
    """Each slide's text boxes, tables and grouped shapes, then its speaker notes."""
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        presentation = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise Unreadable("damaged") from error
    pages: dict[int, list[str]] = {}
    for number, slide in enumerate(presentation.slides, 1):
        if number > MAX_PAGES:
            break
        texts = [t for shape in slide.shapes for t in _shape_texts(shape)]
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            texts.append(slide.notes_slide.notes_text_frame.text)
        pages[number] = [t for t in texts if t.strip()]
    return _segments(pages)


def _shape_texts(shape: Any) -> list[str]:
    if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes"):
        return [t for inner in shape.shapes for t in _shape_texts(inner)]  # a group
    if getattr(shape, "has_table", False):
        return [cell.text for row in shape.table.rows for cell in row.cells]
    if getattr(shape, "has_text_frame", False):
        return [shape.text_frame.text]
    return []


def _segments(pages: dict[int, list[str]]) -> list[Segment]:
    segments = []
    for number in sorted(pages):
        text = clean("\n".join(pages[number]))
        if text:
            segments.append({"page": number, "text": text, "confidence": None})
    return segments


_ocr_engine: Any = None


def read_picture(path: Path) -> list[Segment]:
    """The lines an OCR model finds in a picture, top to bottom, with their confidence."""
    global _ocr_engine
    if _ocr_engine is None:
        from rapidocr_onnxruntime import RapidOCR

        _ocr_engine = RapidOCR()
    try:
        found, _elapsed = _ocr_engine(str(path))
    except (OSError, ValueError) as error:
        raise Unreadable("damaged") from error
    segments = []
    for _box, text, confidence in found or []:
        text = clean(str(text))
        if text:
            segments.append({"page": None, "text": text, "confidence": round(float(confidence), 3)})
    return segments


READERS = {"pdf": read_pdf, "docx": read_docx, "pptx": read_pptx, "picture": read_picture}


def read(path: Path, kind: str) -> list[Segment]:
    """The segments of a file of this kind (READERS), MAX_CHARS of text at the most."""
    kept: list[Segment] = []
    room = MAX_CHARS
    for segment in READERS[kind](Path(path)):
        if room <= 0:
            break
        kept.append({**segment, "text": segment["text"][:room]})
        room -= len(segment["text"])
    return kept
