"""Document checks: PDF structure and page count, Office Open XML package structure."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from kitchen.services.errors import InvalidFile

# The PDF reference lets readers look for %%EOF within the last 1024 bytes.
PDF_TAIL_BYTES = 1024
# Counting pages means reading the whole file; above this size we leave the count unknown.
PDF_COUNT_LIMIT = 32 * 1024 * 1024
PDF_PAGE_TOKENS = re.compile(rb"(\d+)\s+\d+\s+obj\b|/Type\s*/Page(?![A-Za-z])")
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_LIMIT = 1024 * 1024
# Content types (lower-cased) that carry code: macro-enabled main parts, VBA projects and their
# signatures, ActiveX controls.
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"vbasignature", b"activex")
# Extension → (folder of the main part, content type of the main part).
OFFICE_MAIN_PARTS = {
    ".docx": ("word/", b"officedocument.wordprocessingml.document.main+xml"),
    ".xlsx": ("xl/", b"officedocument.spreadsheetml.sheet.main+xml"),
    ".pptx": ("ppt/", b"officedocument.presentationml.presentation.main+xml"),
}


def check_pdf(path: Path) -> int | None:
    """Refuse a PDF without its header or end marker; return its page count when cheap."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = file.read(PDF_TAIL_BYTES)
        file.seek(max(0, size - PDF_TAIL_BYTES))
        tail = file.read()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise InvalidFile(_l("The PDF file is damaged or incomplete."))
    return count_pdf_pages(path) if size <= PDF_COUNT_LIMIT else None


def count_pdf_pages(path: Path) -> int | None:
    """Count distinct page objects; None when they hide in compressed object streams."""
    pages: set[bytes] = set()
    current = b""
    for match in PDF_PAGE_TOKENS.finditer(path.read_bytes()):
        if match.group(1) is not None:
            current = match.group(1)
        else:
            # Keyed by object number: an incremental update rewrites a page under the same one.
            pages.add(current)
    return len(pages) or None


def _has_macros(content_types: bytes, names: list[str]) -> bool:
    """Macros show in the content types (a macro-enabled main part, a VBA project or ActiveX
    part under any name); the usual part name is checked too, in any case."""
    declared = content_types.lower()
    if any(marker in declared for marker in MACRO_CONTENT_TYPES):
        return True
    return any(name.lower().rsplit("/", 1)[-1].startswith("vbaproject") for name in names)


def office_extension(path: Path) -> str | None:
    """Return ".docx", ".xlsx" or ".pptx" for a genuine Office Open XML package, else None."""
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            if CONTENT_TYPES not in names:
                return None
            with package.open(CONTENT_TYPES) as member:
                content_types = member.read(CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise InvalidFile(_l("The document is damaged or incomplete.")) from error
    if _has_macros(content_types, names):
        raise InvalidFile(
            _l("Office files with macros are not accepted; save as .docx, .xlsx or .pptx.")
        )
    for extension, (folder, main_type) in OFFICE_MAIN_PARTS.items():
        if main_type in content_types and any(name.startswith(folder) for name in names):
            return extension
    return None
