"""A visible credit on the web size: the credit line drawn in the picture's lower right corner.

Drawn in WenQuanYi Micro Hei, Debian's `fonts-wqy-microhei` (installed by `.ci/run`; `make run`
says when it is missing), found through fontconfig. Without a CJK font the stamp is drawn in
Pillow's own font, which has no Chinese glyphs, and a warning is logged once.

A stamped picture is made once per (web size, credit line) and kept in the instance folder, written
to a temporary name and renamed, so concurrent requests and workers never see half a file. A new
credit line makes a new one; the old one is simply no longer asked for.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from kitchen.services.media_image import JPEG_QUALITY
from kitchen.services.storage import Blob

log = logging.getLogger("kitchen.stamping")
FONT_NAME = "WenQuanYi Micro Hei"
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",)
VERSION = "1"  # change when the drawing changes, so kept stamps are made again


@cache
def font_path() -> str | None:
    """The CJK font's file, or None."""
    for path in FONT_PATHS:
        if Path(path).exists():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{FONT_NAME}:lang=zh-cn"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found and "wqy" in found.lower():
            return found
    log.warning("no CJK font (%s) found: credit stamps cannot show Chinese", FONT_NAME)
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def draw(image: Image.Image, text: str) -> Image.Image:
    """The picture with `text` in a dark band in its lower right corner (a copy, in RGB)."""
    stamped = image.convert("RGB")
    size = max(12, stamped.height // 30)
    font = _font(size)
    pen = ImageDraw.Draw(stamped, "RGBA")
    left, top, right, bottom = pen.textbbox((0, 0), text, font=font)
    margin = size // 2
    x = stamped.width - (right - left) - 2 * margin
    y = stamped.height - (bottom - top) - 2 * margin
    pen.rectangle((x - margin // 2, y - margin // 2, stamped.width, stamped.height), (0, 0, 0, 140))
    pen.text((x + margin // 2 - left, y + margin // 2 - top), text, font=font, fill="white")
    return stamped


def stamped(web: Blob, text: str) -> Path:
    """The web size with `text` drawn on it, made once per host and kept (a cache: the stored
    web size and the credit make it again)."""
    digest = hashlib.sha256(f"{VERSION}\0{web.name}\0{text}".encode()).hexdigest()[:32]
    folder = Path(current_app.config["INSTANCE_DIR"]) / "stamps"
    target = folder / f"{digest}.jpg"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with web.open() as source, Image.open(source) as image:
        picture = draw(image, text)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            picture.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
