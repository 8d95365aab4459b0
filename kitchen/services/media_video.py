"""Video checks and posters with PyAV: read the container, decode a frame or two, never all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
from av.container import InputContainer
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from flask_babel import lazy_gettext as _l
from PIL import Image

from kitchen.services.errors import InvalidFile
from kitchen.services.media_image import (
    THUMB_SIZE,
    WEB_SIZE,
    Rendition,
    encode_jpeg,
    fit_within,
)

POSTER_SECONDS = 1.0
# A file whose packets stop earlier than this before its stated end was cut short.
TAIL_SECONDS = 0.5
PLAYABLE_AUDIO = {"aac", "mp3"}
PLAYABLE_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
DEFAULT_MAX_PIXELS = 100_000_000


@dataclass(frozen=True)
class VideoInfo:
    """What the container and the first frames reveal about a video."""

    width: int
    height: int
    duration: float | None
    codec: str
    browser_playable: bool


def damaged_video() -> InvalidFile:
    """Return the error for a video that does not open or decode."""
    return InvalidFile(_l("The video is damaged or cannot be decoded."))


@contextmanager
def open_video(path: Path) -> Iterator[tuple[InputContainer, VideoStream]]:
    """Open a container and its first video stream; FFmpeg failures become InvalidFile."""
    try:
        with av.open(str(path), mode="r") as container:
            if not container.streams.video:
                raise InvalidFile(_l("The file has no video picture."))
            stream = container.streams.video[0]
            if stream.codec_context is None:
                raise damaged_video()  # FFmpeg has no decoder for the stated codec
            yield container, stream
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise damaged_video() from error


def inspect_video(path: Path, mime: str, max_pixels: int = DEFAULT_MAX_PIXELS) -> VideoInfo:
    """Read size, duration and codecs; decode the first frame and check the file is complete."""
    with open_video(path) as (container, stream):
        context = stream.codec_context
        if context.width * context.height > max_pixels:
            raise InvalidFile(_l("The video picture is too large."))
        first = _first_frame(container, stream)
        duration = _duration(container, stream)
        if duration and duration > 2 * TAIL_SECONDS:
            _require_complete(container, duration)
        # An audio codec FFmpeg cannot decode has no context; browsers will not play it either.
        audio = {a.codec_context.name if a.codec_context else "" for a in container.streams.audio}
        playable = (
            mime == "video/mp4"
            and context.name == "h264"
            and context.format is not None
            and context.format.name in PLAYABLE_PIXEL_FORMATS
            and audio <= PLAYABLE_AUDIO
        )
        width, height = _upright_size(first)
    return VideoInfo(width, height, duration, context.name, playable)


def make_video_poster(path: Path) -> list[Rendition]:
    """Return a "poster" JPEG (≤1600 px) of the frame at 1 s, or the first frame, and a "thumb"."""
    with open_video(path) as (container, stream):
        frame = _frame_at(container, stream, _start(stream) + POSTER_SECONDS)
    if frame is None:
        with open_video(path) as (container, stream):
            frame = _first_frame(container, stream)
    poster = fit_within(_upright_image(frame), WEB_SIZE)
    thumb = fit_within(poster, THUMB_SIZE)
    return [encode_jpeg(poster, "poster"), encode_jpeg(thumb, "thumb")]


def _first_frame(container: InputContainer, stream: VideoStream) -> VideoFrame:
    for frame in container.decode(stream):
        return frame
    raise damaged_video()


def _frame_at(container: InputContainer, stream: VideoStream, seconds: float) -> VideoFrame | None:
    """Seek to the keyframe before `seconds`, then decode forward to it (MEASURED.md)."""
    try:
        container.seek(round(seconds / (stream.time_base or 1)), stream=stream)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds:
                return frame
    except av.FFmpegError:
        return None
    return None


def _require_complete(container: InputContainer, duration: float) -> None:
    """Refuse a file cut short: its packets must reach to near the duration its header states."""
    start = (container.start_time or 0) / av.time_base
    try:
        container.seek(round((start + duration - TAIL_SECONDS) * av.time_base))
    except av.FFmpegError:
        return  # no index to seek with: we cannot tell cheaply, and the file did decode
    end = start
    # Every stream counts: a video track may legitimately stop before its soundtrack does.
    for packet in container.demux():
        if packet.pts is not None and packet.time_base is not None:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    if end - start < duration - TAIL_SECONDS:
        raise damaged_video()


def _duration(container: InputContainer, stream: VideoStream) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _start(stream: VideoStream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def _upright_size(frame: VideoFrame) -> tuple[int, int]:
    if frame.rotation % 180:
        return frame.height, frame.width
    return frame.width, frame.height


def _upright_image(frame: VideoFrame) -> Image.Image:
    # Phones record sideways and store a display rotation (counterclockwise degrees).
    image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
    return image.rotate(frame.rotation, expand=True) if frame.rotation else image
