"""Sample files for upload tests, generated once per run."""

from __future__ import annotations

import functools
import io
import zipfile

from PIL import Image

from kitchen.services.media_samples import (
    generate_demo_photo,
    generate_demo_poster,
    generate_demo_video,
)


@functools.cache
def photo(seed: int = 1) -> bytes:
    """A small generated JPEG with EXIF."""
    return generate_demo_photo(seed, width=800, height=533)


@functools.cache
def video() -> bytes:
    """A short H.264 MP4."""
    return generate_demo_video(seconds=1.5, width=320, height=180)


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small PNG (another colour: other bytes)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    """A minimal valid one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx() -> bytes:
    """A minimal Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # fonts-wqy-microhei (.ci/run)


POSTER_LINES = ("全国科普日", "弘扬科学家精神", "科技工作者日主题活动")


@functools.cache
def poster(lines: tuple[str, ...] = POSTER_LINES) -> bytes:
    """A 1,080 × 1,920 poster (a 新媒体 long image) with Chinese lines drawn in the CJK font."""
    return generate_demo_poster(lines, "中国科协 主办 · 2026年9月")


def chinese_pdf(pages: list[str], password: str = "") -> bytes:
    """A PDF with one Chinese text per page (the CJK font embedded); `password` encrypts it."""
    from fpdf import FPDF

    document = FPDF()
    document.add_font("wqy", fname=CJK_FONT, collection_font_number=0)
    document.set_font("wqy", size=14)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 10, text)
    data = bytes(document.output())
    if not password:
        return data
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def chinese_docx(pages: list[list[str]]) -> bytes:
    """A Word document: the paragraphs of each page, a page break between pages."""
    import docx

    document = docx.Document()
    for number, paragraphs in enumerate(pages):
        if number:
            document.add_page_break()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chinese_pptx(slides: list[str]) -> bytes:
    """A slide deck, one title and text a slide."""
    from pptx import Presentation

    deck = Presentation()
    for text in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = "科普讲座"
        slide.placeholders[1].text = text
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def recompressed(data: bytes, quality: int = 60, scale: float = 0.5) -> bytes:
    """The picture as WeChat hands it back: smaller, and JPEG-compressed again."""
    with Image.open(io.BytesIO(data)) as image:
        smaller = image.convert("RGB").resize((int(image.width * scale), int(image.height * scale)))
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
