"""Generated sample media for the demo data and the tests: landscapes and moving shapes."""

from __future__ import annotations

import array
import io
import math
import random
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFilter
from PIL.ExifTags import IFD, Base

PALETTES = (
    ((255, 183, 94), (237, 100, 120), (74, 56, 110)),
    ((142, 202, 230), (33, 158, 188), (2, 48, 71)),
    ((255, 221, 210), (131, 197, 190), (0, 109, 119)),
    ((244, 241, 222), (224, 122, 95), (61, 64, 91)),
    ((253, 240, 213), (193, 18, 31), (0, 48, 73)),
)

# libvpx's default "good" deadline takes seconds for a short clip; demo data need speed.
ENCODER_SPEED = {
    "libx264": {"preset": "veryfast"},
    "libvpx": {"deadline": "realtime", "cpu-used": "8"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8"},
}


# Debian's fonts-wqy-microhei (what .ci/run installs); Pillow's own font draws no Chinese.
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def generate_demo_poster(lines: tuple[str, ...], footer: str = "") -> bytes:
    """Return a 1,080 x 1,920 JPEG poster (a 新媒体 long image) with the lines in a CJK font
    (boxes without one: then OCR reads nothing)."""
    from PIL import ImageFont

    font_file = next((f for f in CJK_FONTS if Path(f).is_file()), None)

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        return ImageFont.truetype(font_file, size) if font_file else ImageFont.load_default(size)

    image = Image.new("RGB", (1080, 1920), (190, 30, 35))
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((90, 260 + number * 300), line, font=font(72), fill=(255, 244, 214))
    if footer:
        draw.text((90, 1700), footer, font=font(40), fill=(255, 244, 214))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def generate_demo_photo(
    text_seed: int, width: int = 1600, height: int = 1067, *, orientation: int = 1
) -> bytes:
    """Return a JPEG landscape picked by `text_seed`, with camera EXIF and an Orientation tag."""
    rng = random.Random(text_seed)
    sky, glow, ground = PALETTES[text_seed % len(PALETTES)]
    image = _gradient(width, height, sky, glow)
    draw = ImageDraw.Draw(image)
    radius = height // rng.randint(7, 11)
    sun_x, sun_y = rng.randint(radius, width - radius), rng.randint(height // 6, height // 2)
    draw.ellipse((sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=glow)
    for layer in range(3):
        shade = _mix(glow, ground, 0.45 + 0.27 * layer)
        draw.polygon(_ridge(rng, width, height, 0.45 + 0.15 * layer), fill=shade)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, exif=_demo_exif(text_seed, orientation))
    return buffer.getvalue()


def generate_demo_video(seconds: float = 4, width: int = 640, height: int = 360) -> bytes:
    """Return an H.264/yuv420p MP4 with moving shapes, moov atom first so browsers can stream it."""
    return encode_video(ClipSpec(seconds=seconds, width=width, height=height))


@dataclass(frozen=True)
class ClipSpec:
    """The clip encode_video makes: container, codecs, size and display rotation."""

    seconds: float = 4
    width: int = 640
    height: int = 360
    container_format: str = "mp4"
    codec: str = "libx264"
    audio_codec: str | None = None
    rotation: int = 0
    fps: int = 25
    pix_fmt: str = "yuv420p"


def encode_video(spec: ClipSpec = ClipSpec()) -> bytes:
    """Encode a clip of moving shapes with PyAV as `spec` describes."""
    # faststart rewrites the finished file by name, so PyAV cannot write it to a BytesIO.
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clip"
        _write_clip(target, spec)
        return target.read_bytes()


Colour = tuple[int, int, int]


def _write_clip(target: Path, spec: ClipSpec) -> None:
    options = {"movflags": "faststart"} if spec.container_format in ("mp4", "mov") else {}
    with av.open(str(target), mode="w", format=spec.container_format, options=options) as output:
        stream = output.add_stream(spec.codec, rate=spec.fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, spec.pix_fmt
        # A keyframe every second keeps the poster seek short (MEASURED.md: 32 ms vs 56 ms).
        stream.codec_context.gop_size = spec.fps
        stream.codec_context.options = ENCODER_SPEED.get(spec.codec, {})
        if spec.rotation:
            stream.set_display_rotation(spec.rotation)
        sound = output.add_stream(spec.audio_codec, rate=48000) if spec.audio_codec else None
        assert sound is None or isinstance(sound, av.AudioStream)
        for index in range(round(spec.seconds * spec.fps)):
            image = _video_frame(index / spec.fps, spec.width, spec.height)
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
        if sound is not None:
            _encode_tone(output, sound, spec.seconds)


def _gradient(width: int, height: int, top: Colour, bottom: Colour) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, y / 255) for y in range(256)])
    return column.resize((width, height), Image.Resampling.BICUBIC)


def _mix(first: Colour, second: Colour, amount: float) -> Colour:
    red, green, blue = (round(a + (b - a) * amount) for a, b in zip(first, second, strict=True))
    return red, green, blue


def _ridge(rng: random.Random, width: int, height: int, level: float) -> list[tuple[int, int]]:
    points = [(0, height)]
    phase, wave = rng.uniform(0, math.tau), rng.uniform(1.5, 4)
    for step in range(0, width + 40, 40):
        swing = math.sin(phase + wave * step / width * math.tau) * height * 0.06
        points.append((step, round(height * level + swing + rng.uniform(-8, 8))))
    points.append((width, height))
    return points


def _demo_exif(seed: int, orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[Base.Make] = "Kitchen"
    exif[Base.Model] = "Demo Camera"
    exif[Base.Orientation] = orientation
    taken = datetime(2024, 3, 1, 9, 30) + timedelta(days=seed % 300, minutes=seed * 7 % 600)
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    return exif


def _video_frame(moment: float, width: int, height: int) -> Image.Image:
    image = _gradient(width, height, (20, 40, 90), (60, 140, 200))
    draw = ImageDraw.Draw(image)
    size = height // 5
    x = round((width - size) * (0.5 + 0.5 * math.sin(moment * 1.7)))
    y = round((height - size) * (0.5 + 0.5 * math.cos(moment * 1.1)))
    draw.ellipse((x, y, x + size, y + size), fill=(255, 200, 80))
    bar = round(width * (moment % 1))
    draw.rectangle((0, height - 12, bar, height), fill=(240, 240, 240))
    return image


def _encode_tone(
    container: av.container.OutputContainer, stream: av.AudioStream, seconds: float
) -> None:
    rate = stream.codec_context.sample_rate
    samples = stream.codec_context.frame_size or 1024
    for start in range(0, round(seconds * rate), samples):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=samples)
        wave = [0.2 * math.sin(math.tau * 440 * (start + n) / rate) for n in range(samples)]
        frame.planes[0].update(_float_bytes(wave))
        frame.sample_rate, frame.pts = rate, start
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def _float_bytes(values: list[float]) -> bytes:
    return array.array("f", values).tobytes()
