"""Image checks and renditions with Pillow: decode once, at reduced size, and write no metadata."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import imagehash
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from PIL.ExifTags import IFD, Base

from kitchen.services.errors import InvalidFile

THUMB_SIZE = 400
WEB_SIZE = 1600
# JPEG decodes at 1/2, 1/4 or 1/8 scale. Accepting a web rendition down to 1500 px lets a
# 24-megapixel photo (6000 px) decode at 1/4 straight to 1500 px with no resampling: 180 ms
# instead of 240 ms here, for a picture 6% smaller than the 1600 px limit.
WEB_MIN = 1500
JPEG_QUALITY = 85
DEFAULT_MAX_PIXELS = 40_000_000
# Only JPEG decodes reduced (draft); any other picture is held whole while it is checked and
# resized. Pillow keeps 1 byte a pixel for grey (L) and palette (P, 1) pictures, 2 for 16-bit
# grey, 4 for the rest, and turns a palette or bilevel picture into RGB(A) before resizing
# (4 more). One upload may hold at most this much decoded: a 37-megapixel RGB PNG.
DECODE_BUDGET = 150 * 1000 * 1000
DECODED_BYTES = {"1": 5, "L": 1, "P": 5, "PA": 8, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Modes Image.reduce() takes.
REDUCIBLE_MODES = {"L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "I", "F", "I;16"}
# Decoding at 1/8 scale still reads every byte, so truncation shows, at a fraction of the cost.
CHECK_SIZE = (64, 64)
ROTATED_ORIENTATIONS = {5, 6, 7, 8}
# Pillow may only parse the formats we accept, whatever else it could identify.
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
SIXTEEN_BIT_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
# How Pillow reports damaged data (SyntaxError is its old "broken file" signal).
DECODE_ERRORS = (OSError, SyntaxError, EOFError, ValueError)


@dataclass(frozen=True)
class Rendition:
    """A derived JPEG: "thumb", "web" or "poster"."""

    name: str
    data: bytes
    mime: str
    width: int
    height: int
    phash: int | None = None  # the web size's perceptual hash (kitchen.services.likeness)


@dataclass(frozen=True)
class ImageInfo:
    """What a decoded image reveals: upright size and camera metadata."""

    width: int
    height: int
    camera: str | None
    taken_at: datetime | None


def too_many_pixels(limit: int) -> InvalidFile:
    """Return the error for a picture above the pixel limit (a decompression bomb, perhaps)."""
    return InvalidFile(
        _l(
            "The image has too many pixels (the limit is %(limit)s megapixels).",
            limit=limit // 10**6,
        )
    )


@contextmanager
def open_image(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[Image.Image]:
    """Open an image guarded against decompression bombs; decode failures become InvalidFile."""
    try:
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make the warning refuse.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path, formats=PILLOW_FORMATS)
        with image:
            pixels = image.width * image.height
            if pixels > max_pixels:
                raise too_many_pixels(max_pixels)
            per_pixel = DECODED_BYTES.get(image.mode, 4)
            if image.format != "JPEG" and pixels * per_pixel > DECODE_BUDGET:
                raise too_many_pixels(DECODE_BUDGET // per_pixel)
            yield image
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many_pixels(min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from None
    except DECODE_ERRORS as error:
        raise InvalidFile(_l("The image is damaged or is not really an image.")) from error


def inspect_image(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageInfo:
    """Decode the whole image (reduced where the format allows) and read its size and EXIF."""
    with open_image(path, max_pixels) as image:
        width, height = image.size
        image.draft("RGB", CHECK_SIZE)
        image.load()
        exif = _read_exif(image)
    if exif.get(Base.Orientation) in ROTATED_ORIENTATIONS:
        width, height = height, width
    return ImageInfo(width, height, _camera(exif), _taken_at(exif))


def make_image_renditions(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> list[Rendition]:
    """Return "thumb" (≤400 px) and "web" (≤1600 px) JPEGs, upright, without EXIF or GPS."""
    with open_image(path, max_pixels) as image:
        image.draft("RGB", _fitted(image.size, WEB_MIN))
        image.load()
        factor = max(image.size) // WEB_SIZE
        if factor >= 2 and image.mode in REDUCIBLE_MODES:
            # A box-filtered copy a little above the web size (its info, EXIF included, goes
            # along); the whole picture is let go as soon as the `with` ends.
            image = image.reduce(factor)
        ImageOps.exif_transpose(image, in_place=True)
        icc_profile = image.info.get("icc_profile")
        web = _resizable(image)
    # Converting after the resize keeps a big PNG's RGBA copies and white background small.
    web.thumbnail((WEB_SIZE, WEB_SIZE))
    web = to_rgb(web)
    thumb = fit_within(web, THUMB_SIZE)
    web_rendition = replace(encode_jpeg(web, "web", icc_profile), phash=perceptual_hash(web))
    return [encode_jpeg(thumb, "thumb", icc_profile), web_rendition]


@contextmanager
def photo_for_hashing(path: Path) -> Iterator[Image.Image]:
    """A web size the library made itself, decoded for `perceptual_hash`."""
    with Image.open(path) as image:
        image.load()
        yield image


def perceptual_hash(image: Image.Image) -> int:
    """A picture's 64-bit DCT hash (imagehash's pHash), as the signed integer a BIGINT holds."""
    value = 0
    for bit in imagehash.phash(image).hash.flatten():
        value = value << 1 | bool(bit)
    return value - (1 << 64) if value >> 63 else value


def to_rgb(image: Image.Image) -> Image.Image:
    """Return an RGB version of `image`; transparency is laid over white."""
    if image.mode in SIXTEEN_BIT_MODES:
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _resizable(image: Image.Image) -> Image.Image:
    # Palette and bilevel images resize by nearest neighbour, and a colour key does not survive
    # resampling: turn those into RGB(A) first.
    if image.mode in ("P", "PA", "1") or "transparency" in image.info:
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    return image


def encode_jpeg(image: Image.Image, name: str, icc_profile: bytes | None = None) -> Rendition:
    """Encode a progressive JPEG with no EXIF or comment; keep only an RGB colour profile."""
    buffer = io.BytesIO()
    # An ICC header names its colour space at bytes 16-20; a CMYK or grey profile would be wrong.
    keep_profile = icc_profile if icc_profile and icc_profile[16:20] == b"RGB " else None
    image.save(
        buffer,
        "JPEG",
        quality=JPEG_QUALITY,
        progressive=True,
        optimize=True,
        icc_profile=keep_profile,
        exif=b"",
        comment=b"",
    )
    return Rendition(name, buffer.getvalue(), "image/jpeg", image.width, image.height)


def fit_within(image: Image.Image, longest: int) -> Image.Image:
    """Return `image` scaled down so its long side is at most `longest` (never scaled up)."""
    copy = image.copy()
    copy.thumbnail((longest, longest))
    return copy


def _fitted(size: tuple[int, int], longest: int) -> tuple[int, int]:
    scale = min(1.0, longest / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _read_exif(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:  # bad metadata must not refuse a good picture
        return Image.Exif()


def _camera(exif: Image.Exif) -> str | None:
    make, model = _text(exif.get(Base.Make)), _text(exif.get(Base.Model))
    if make and model and model.lower().startswith(make.lower()):
        return model
    return " ".join(part for part in (make, model) if part) or None


def _taken_at(exif: Image.Exif) -> datetime | None:
    try:
        value = _text(exif.get_ifd(IFD.Exif).get(Base.DateTimeOriginal))
        return datetime.strptime(value, "%Y:%m:%d %H:%M:%S") if value else None
    except (ValueError, TypeError, KeyError, SyntaxError):
        return None


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).strip("\x00 \t\r\n") if value is not None else ""
