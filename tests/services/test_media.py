"""Media checks and renditions: a refusal corpus, accepted formats, and stored uploads."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import av
import pytest
from PIL import Image
from PIL.ExifTags import IFD, Base

from kitchen.services.errors import InvalidFile, TooLarge
from kitchen.services.media import (
    Inspection,
    MediaType,
    Rendition,
    inspect_file,
    make_image_renditions,
    make_renditions,
    make_video_poster,
    store_upload,
)
from kitchen.services.media_samples import ClipSpec, encode_video, generate_demo_photo
from kitchen.services.storage import LocalStorage

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OFFICE = {
    ".docx": ("word/document.xml", WORD_MAIN),
    ".xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    ".pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


# ---------------------------------------------------------------- corpus builders


def encode_image(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def noisy_png(width: int = 300, height: int = 200) -> bytes:
    return encode_image(
        Image.frombytes("RGB", (width, height), random.Random(width).randbytes(width * height * 3)),
        "PNG",
    )


def photo_with_gps(orientation: int = 1) -> bytes:
    """A demo photo whose EXIF also carries a GPS position."""
    image = Image.open(io.BytesIO(generate_demo_photo(7, 1200, 800, orientation=orientation)))
    exif = image.getexif()
    exif.get_ifd(IFD.GPSInfo).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 5.0)})
    xmp = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="39,54.45N"/></x:xmpmeta>'
    return encode_image(image, "JPEG", exif=exif, xmp=xmp, quality=90)


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size; all-zero rows compress to almost nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = (b"\x00" * (1 + (width + 7) // 8)) * 100
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(rows) for _ in range(height // 100)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def minimal_pdf(pages: int = 2) -> bytes:
    """A small, well-formed PDF with a correct cross-reference table."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    bodies += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


def office_file(
    extension: str = ".docx", *, first: str | None = None, macros: bool = False
) -> bytes:
    """A minimal Office Open XML package; `first` names an entry written before all others."""
    part, main_type = OFFICE[extension]
    if macros:
        main_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        if first:
            package.writestr(first, "<x/>")
        package.writestr("[Content_Types].xml", types)
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(part, "<document/>")
        if macros:
            package.writestr("word/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def audio_only_matroska() -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="matroska") as output:
        stream = output.add_stream("libopus", rate=48000)
        for start in range(0, 48000, 960):
            frame = av.AudioFrame(format="s16", layout="mono", samples=960)
            frame.planes[0].update(bytes(1920))
            frame.sample_rate, frame.pts = 48000, start
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Encode each sample clip once for the whole module."""
    folder = tmp_path_factory.mktemp("videos")
    specs = {
        "h264.mp4": ClipSpec(seconds=3),
        "h264-aac.mp4": ClipSpec(seconds=2, audio_codec="aac"),
        "h264-ac3.mp4": ClipSpec(seconds=2, audio_codec="ac3"),
        "h264-yuv444.mp4": ClipSpec(seconds=2, pix_fmt="yuv444p"),
        "h264.mov": ClipSpec(seconds=2, container_format="mov"),
        "vp8.webm": ClipSpec(seconds=2, container_format="webm", codec="libvpx"),
        "vp9-opus.mkv": ClipSpec(
            seconds=2, container_format="matroska", codec="libvpx-vp9", audio_codec="libopus"
        ),
        "rotated.mp4": ClipSpec(seconds=2, rotation=90),
        "short.mp4": ClipSpec(seconds=0.4),
    }
    paths = {}
    for name, spec in specs.items():
        paths[name] = folder / name
        paths[name].write_bytes(encode_video(spec))
    return paths


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "store")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def by_name(renditions: list[Rendition]) -> dict[str, Rendition]:
    return {rendition.name: rendition for rendition in renditions}


def decode(rendition: Rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    assert image.format == "JPEG" and rendition.mime == "image/jpeg"
    assert image.size == (rendition.width, rendition.height)
    return image


# ---------------------------------------------------------------- refusals


REFUSED = {
    "html named .jpg": ("photo.jpg", HTML),
    "jpeg magic then html": ("photo.jpg", b"\xff\xd8\xff\xe0" + HTML * 20),
    "truncated jpeg": ("photo.jpg", generate_demo_photo(1)[:20_000]),
    "truncated png": ("image.png", noisy_png()[:60_000]),
    "empty file": ("empty.jpg", b""),
    "svg": ("logo.svg", SVG),
    "plain zip": ("archive.zip", plain_zip()),
    "exe": ("setup.exe", b"MZ\x90\x00" + bytes(4096)),
    "text": ("notes.txt", "科协宣传资料\n".encode() * 50),
    "pdf without end marker": ("report.pdf", minimal_pdf()[:-40]),
    "docm with macros": ("report.docx", office_file(macros=True)),
    "zip that claims office": ("report.docx", office_file()[:200]),
    "audio-only matroska": ("clip.mkv", audio_only_matroska()),
}


@pytest.mark.parametrize("name, data", REFUSED.values(), ids=REFUSED.keys())
def test_corpus_is_refused_by_inspection(tmp_path: Path, name: str, data: bytes) -> None:
    with pytest.raises(InvalidFile) as caught:
        inspect_file(write(tmp_path, name, data))
    assert caught.value.status == 422 and caught.value.code == "invalid_file"


@pytest.mark.parametrize("name, data", REFUSED.values(), ids=REFUSED.keys())
def test_refused_upload_leaves_nothing_in_storage(
    storage: LocalStorage, name: str, data: bytes
) -> None:
    with pytest.raises(InvalidFile):
        store_upload(storage, io.BytesIO(data))
    assert files_under(storage.root) == []


def test_truncated_videos_are_refused(tmp_path: Path, videos: dict[str, Path]) -> None:
    for name in ("h264.mp4", "vp8.webm"):
        data = videos[name].read_bytes()
        with pytest.raises(InvalidFile):
            inspect_file(write(tmp_path, "cut-" + name, data[: len(data) // 2]))


def test_unaccepted_type_message_names_the_accepted_ones(tmp_path: Path) -> None:
    with pytest.raises(InvalidFile) as caught:
        inspect_file(write(tmp_path, "logo.svg", SVG))
    message = str(caught.value.message)
    assert all(label in message for label in ("JPEG", "PNG", "MP4", "WebM", "PDF", "DOCX"))
    assert "SVG" not in message


def test_macro_office_files_are_refused_with_their_own_message(tmp_path: Path) -> None:
    with pytest.raises(InvalidFile) as caught:
        inspect_file(write(tmp_path, "report.docm", office_file(macros=True)))
    assert "macros" in str(caught.value.message)


def test_allowed_limits_the_media_types(tmp_path: Path, videos: dict[str, Path]) -> None:
    with pytest.raises(InvalidFile) as caught:
        inspect_file(videos["h264.mp4"], allowed={MediaType.IMAGE})
    assert "JPEG" in str(caught.value.message) and "MP4" not in str(caught.value.message)
    photo = write(tmp_path, "photo.jpg", generate_demo_photo(2))
    assert inspect_file(photo, allowed={MediaType.IMAGE}).media_type is MediaType.IMAGE


@pytest.mark.parametrize(
    "size, max_pixels",
    [
        ((9_000, 9_000), 50_000_000),  # under Pillow's warning: only our limit catches it
        ((10_000, 10_000), 200_000_000),  # Pillow warns: the warning must refuse
        ((20_000, 20_000), 100_000_000),  # over twice Pillow's limit: Pillow raises
    ],
)
def test_decompression_bombs_are_refused(
    tmp_path: Path, size: tuple[int, int], max_pixels: int
) -> None:
    bomb = write(tmp_path, "bomb.png", png_bomb(*size))
    assert bomb.stat().st_size < 200_000
    filters_before = list(warnings.filters)
    with pytest.raises(InvalidFile) as caught:
        inspect_file(bomb, max_image_pixels=max_pixels)
    assert "pixels" in str(caught.value.message)
    assert warnings.filters == filters_before


def test_mutated_files_give_invalid_file_or_success(
    tmp_path: Path, videos: dict[str, Path]
) -> None:
    """Damaged bytes anywhere must never escape as anything but InvalidFile."""
    rng = random.Random(20240601)
    samples = {
        "p.jpg": generate_demo_photo(3, 400, 300),
        "p.png": noisy_png(120, 80),
        "p.gif": encode_image(
            Image.open(io.BytesIO(generate_demo_photo(4, 200, 150))).convert("P"), "GIF"
        ),
        "p.webp": encode_image(Image.open(io.BytesIO(generate_demo_photo(5, 200, 150))), "WEBP"),
        "v.mp4": videos["short.mp4"].read_bytes(),
        "v.webm": videos["vp8.webm"].read_bytes(),
    }
    outcomes: dict[str, set[str]] = {}
    for name, original in samples.items():
        for _ in range(25):
            data = bytearray(original[: rng.randint(1, len(original))])
            for _ in range(rng.randint(0, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            path = write(tmp_path, name, bytes(data))
            try:
                make_renditions(path, inspect_file(path))
            except InvalidFile:
                outcomes.setdefault(name, set()).add("refused")
            else:
                outcomes.setdefault(name, set()).add("accepted")
    assert all("refused" in seen for seen in outcomes.values()), outcomes


# ---------------------------------------------------------------- images


def test_jpeg_orientation_6_comes_out_upright(tmp_path: Path) -> None:
    sideways = Image.new("RGB", (300, 200), "blue")
    sideways.paste((255, 0, 0), (0, 0, 150, 200))  # left half red
    exif = Image.Exif()
    exif[Base.Orientation] = 6  # shown after turning 90° clockwise: the left half goes on top
    path = write(tmp_path, "turned.jpg", encode_image(sideways, "JPEG", exif=exif))
    inspection = inspect_file(path)
    assert (inspection.width, inspection.height) == (200, 300)
    web = decode(by_name(make_image_renditions(path))["web"])
    assert web.size == (200, 300)
    top, bottom = web.getpixel((100, 40)), web.getpixel((100, 260))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_photo_inspection_reads_camera_and_time(tmp_path: Path) -> None:
    path = write(tmp_path, "photo.jpg", photo_with_gps(orientation=6))
    inspection = inspect_file(path)
    assert inspection == Inspection(
        MediaType.IMAGE,
        "image/jpeg",
        ".jpg",
        width=800,
        height=1200,
        camera="Kitchen Demo Camera",
        taken_at=datetime(2024, 3, 8, 10, 19),
    )


def test_renditions_are_sized_and_carry_no_exif_or_gps(tmp_path: Path) -> None:
    original = write(tmp_path, "photo.jpg", photo_with_gps(orientation=6))
    assert Image.open(original).getexif().get_ifd(IFD.GPSInfo)
    assert b"GPSLatitude" in original.read_bytes()
    renditions = by_name(make_image_renditions(original))
    assert set(renditions) == {"thumb", "web"}
    assert (renditions["web"].width, renditions["web"].height) == (800, 1200)
    assert (renditions["thumb"].width, renditions["thumb"].height) == (267, 400)
    for rendition in renditions.values():
        image = decode(rendition)
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and b"Exif\x00\x00" not in rendition.data
        assert b"GPSLatitude" not in rendition.data  # nor in XMP
        assert image.info.get("progressive") == 1


@pytest.mark.parametrize("size", [(6000, 4000), (1000, 3000), (300, 200)])
def test_long_side_limits_and_no_upscaling(tmp_path: Path, size: tuple[int, int]) -> None:
    path = write(tmp_path, "photo.jpg", generate_demo_photo(1, *size))
    renditions = by_name(make_image_renditions(path))
    web_side = max(renditions["web"].width, renditions["web"].height)
    if max(size) <= 1600:
        assert web_side == max(size)
    else:  # a JPEG decoded at 1/2 or 1/4 may land between 1500 and 1600 px: no resampling
        assert 1500 <= web_side <= 1600
    assert max(renditions["thumb"].width, renditions["thumb"].height) == min(400, max(size))


def test_png_with_alpha_is_laid_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (500, 300), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (200, 100, 300, 200))
    path = write(tmp_path, "logo.png", encode_image(image, "PNG"))
    inspection = inspect_file(path)
    assert (inspection.mime, inspection.extension, inspection.width) == ("image/png", ".png", 500)
    web = decode(by_name(make_renditions(path, inspection))["web"])
    assert web.mode == "RGB"
    assert min(web.getpixel((10, 10))) > 245
    assert web.getpixel((250, 150))[0] > 180


def test_gif_with_transparency_is_laid_on_white(tmp_path: Path) -> None:
    image = Image.new("P", (200, 100), 0)
    image.putpalette([0, 0, 0, 0, 160, 0] + [0] * 762)
    image.paste(1, (50, 25, 150, 75))
    path = write(tmp_path, "anim.gif", encode_image(image, "GIF", transparency=0))
    web = decode(by_name(make_renditions(path, inspect_file(path)))["web"])
    assert min(web.getpixel((5, 5))) > 245
    assert web.getpixel((100, 50))[1] > 120


@pytest.mark.parametrize(
    "image, image_format, expected",
    [
        (Image.new("I;16", (64, 64), 32768), "PNG", (128, 128, 128)),
        (Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG", (255, 0, 0)),
        (Image.new("LA", (64, 64), (0, 255)), "PNG", (0, 0, 0)),
        (Image.new("RGB", (64, 64), (0, 0, 255)), "WEBP", (0, 0, 255)),
    ],
    ids=["16-bit grey", "cmyk", "grey with alpha", "webp"],
)
def test_other_modes_become_rgb(
    tmp_path: Path, image: Image.Image, image_format: str, expected: tuple
) -> None:
    path = write(tmp_path, "picture", encode_image(image, image_format))
    web = decode(by_name(make_renditions(path, inspect_file(path)))["web"])
    assert web.mode == "RGB"
    assert all(abs(a - b) < 24 for a, b in zip(web.getpixel((32, 32)), expected, strict=True))


# ---------------------------------------------------------------- videos


def test_h264_mp4_is_playable_with_a_poster_at_one_second(videos: dict[str, Path]) -> None:
    inspection = inspect_file(videos["h264.mp4"])
    assert (inspection.media_type, inspection.mime, inspection.extension) == (
        MediaType.VIDEO,
        "video/mp4",
        ".mp4",
    )
    assert inspection.duration == pytest.approx(3, abs=0.1)
    assert (inspection.width, inspection.height, inspection.codec) == (640, 360, "h264")
    assert inspection.browser_playable is True
    renditions = by_name(make_renditions(videos["h264.mp4"], inspection))
    poster, thumb = decode(renditions["poster"]), decode(renditions["thumb"])
    assert poster.size == (640, 360) and thumb.size == (400, 225)
    # The sample's ball is centred at x≈320 at 0 s and x≈602 at 1 s.
    assert ball_centre_x(poster) == pytest.approx(602, abs=12)


def ball_centre_x(image: Image.Image) -> float:
    xs = [
        x
        for x in range(image.width)
        for y in range(0, image.height, 4)
        if is_ball(image.getpixel((x, y)))
    ]
    return sum(xs) / len(xs)


def is_ball(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 200 and pixel[1] > 150 and pixel[2] < 140


@pytest.mark.parametrize(
    "name, mime, codec, playable",
    [
        ("h264-aac.mp4", "video/mp4", "h264", True),
        ("h264-ac3.mp4", "video/mp4", "h264", False),  # browsers cannot count on AC-3 audio
        ("h264-yuv444.mp4", "video/mp4", "h264", False),  # nor on 4:4:4 H.264
        ("h264.mov", "video/quicktime", "h264", False),
        ("vp8.webm", "video/webm", "vp8", False),
        ("vp9-opus.mkv", "video/x-matroska", "vp9", False),
    ],
)
def test_other_containers_and_codecs(
    videos: dict[str, Path], name: str, mime: str, codec: str, playable: bool
) -> None:
    inspection = inspect_file(videos[name])
    assert (inspection.mime, inspection.codec, inspection.browser_playable) == (
        mime,
        codec,
        playable,
    )
    assert inspection.duration == pytest.approx(2, abs=0.1)
    poster = decode(by_name(make_video_poster(videos[name]))["poster"])
    assert poster.size == (640, 360)


def test_rotated_phone_video_is_reported_and_postered_upright(videos: dict[str, Path]) -> None:
    inspection = inspect_file(videos["rotated.mp4"])
    assert (inspection.width, inspection.height) == (360, 640)
    renditions = by_name(make_video_poster(videos["rotated.mp4"]))
    assert decode(renditions["poster"]).size == (360, 640)
    assert decode(renditions["thumb"]).size == (225, 400)


def test_video_shorter_than_a_second_uses_its_first_frame(videos: dict[str, Path]) -> None:
    assert inspect_file(videos["short.mp4"]).duration == pytest.approx(0.4, abs=0.05)
    poster = decode(by_name(make_video_poster(videos["short.mp4"]))["poster"])
    assert ball_centre_x(poster) == pytest.approx(320, abs=12)


# ---------------------------------------------------------------- documents


def test_minimal_pdf_is_accepted_with_its_page_count(tmp_path: Path) -> None:
    path = write(tmp_path, "report.pdf", minimal_pdf(pages=3))
    inspection = inspect_file(path)
    assert (inspection.media_type, inspection.mime, inspection.extension) == (
        MediaType.DOCUMENT,
        "application/pdf",
        ".pdf",
    )
    assert inspection.pages == 3
    assert make_renditions(path, inspection) == []


@pytest.mark.parametrize("extension", OFFICE)
@pytest.mark.parametrize(
    "first", [None, "customXml/item1.xml"], ids=["usual order", "sniffed as zip"]
)
def test_office_files_are_recognised_by_structure(
    tmp_path: Path, extension: str, first: str | None
) -> None:
    inspection = inspect_file(write(tmp_path, "upload.bin", office_file(extension, first=first)))
    assert inspection.media_type is MediaType.DOCUMENT
    assert inspection.extension == extension
    assert inspection.mime.startswith("application/vnd.openxmlformats-officedocument.")


# ---------------------------------------------------------------- stored uploads


def stored_bytes(storage: LocalStorage, key: str) -> bytes:
    with storage.open(key) as file:
        return file.read()


def test_store_upload_keeps_an_accepted_file_under_a_typed_key(storage: LocalStorage) -> None:
    data = generate_demo_photo(9)
    stored, inspection = store_upload(storage, io.BytesIO(data))
    assert stored.key.endswith(".jpg") and stored.size == len(data)
    assert inspection.media_type is MediaType.IMAGE
    assert stored_bytes(storage, stored.key) == data
    assert [path.name for path in files_under(storage.root)] == [stored.key]


def test_store_upload_gives_office_files_a_key_without_suffix(storage: LocalStorage) -> None:
    stored, inspection = store_upload(storage, io.BytesIO(office_file(".xlsx")))
    assert inspection.extension == ".xlsx" and "." not in stored.key


def test_store_upload_refuses_by_type_after_the_first_bytes(storage: LocalStorage) -> None:
    stream = io.BytesIO(b"MZ" + bytes(50_000_000))
    with pytest.raises(InvalidFile):
        store_upload(storage, stream)
    assert stream.tell() <= 8192
    assert files_under(storage.root) == []


def test_store_upload_applies_the_limit_of_the_sniffed_type(storage: LocalStorage) -> None:
    limits = {MediaType.IMAGE: 10_000, MediaType.VIDEO: 10_000_000}
    with pytest.raises(TooLarge):
        store_upload(storage, io.BytesIO(generate_demo_photo(1)), limits=limits)
    assert files_under(storage.root) == []
    stored, _ = store_upload(storage, io.BytesIO(generate_demo_photo(1, 80, 60)), limits=limits)
    assert stored.size <= 10_000


def test_store_upload_copes_with_a_stream_that_trickles(
    storage: LocalStorage, videos: dict[str, Path]
) -> None:
    class Trickle(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            return super().read(min(size, 1000) if size and size > 0 else 1000)

    data = videos["h264.mp4"].read_bytes()
    stored, inspection = store_upload(storage, Trickle(data))
    assert inspection.codec == "h264" and stored.key.endswith(".mp4")
    assert stored_bytes(storage, stored.key) == data
