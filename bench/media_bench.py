"""Benchmark media renditions and streaming uploads; prints a table of medians and peak memory.

Run: .venv/bin/python bench/media_bench.py [--video-mb 1024] [--runs 5]
Peak memory is measured in a fresh child process per operation, as the rise of the kernel's
peak-RSS mark (VmHWM, reset through /proc/self/clear_refs) over the RSS before the call: Linux only.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from kitchen.services.media import inspect_file, make_image_renditions
from kitchen.services.media_samples import ClipSpec, encode_video, generate_demo_photo
from kitchen.services.media_video import make_video_poster
from kitchen.services.storage import LocalStorage

MIB = 1024 * 1024


def naive(path: Path, longest: int) -> None:
    """The obvious way: full decode, convert, resize."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        scale = longest / max(rgb.size)
        rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.LANCZOS)


def naive_both(path: Path) -> None:
    """The obvious way, once for each rendition."""
    naive(path, 400)
    naive(path, 1600)


def stream_upload(path: Path) -> None:
    """Stream a big file through LocalStorage.save into a throwaway root."""
    with tempfile.TemporaryDirectory(dir=path.parent) as root, path.open("rb") as source:
        LocalStorage(root).save(source)


OPERATIONS: dict[str, Callable[[Path], object]] = {
    "naive 400": lambda path: naive(path, 400),
    "naive 1600": lambda path: naive(path, 1600),
    "naive both": naive_both,
    "ours both": make_image_renditions,
    "inspect image": inspect_file,
    "inspect video": inspect_file,
    "video poster": make_video_poster,
    "stream upload": stream_upload,
}


def median_seconds(operation: Callable[[Path], object], path: Path, runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call."""
    operation(path)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        operation(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_delta_mb(name: str, path: Path) -> float:
    """Run one operation in a fresh interpreter and return its peak RSS increase in MB."""
    command = [sys.executable, __file__, "--child", name, str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)["rss_delta_mb"]


def child(name: str, path: Path) -> None:
    """Measure in this process: reset the peak to the current RSS, run once, read the peak."""
    # A child inherits its parent's ru_maxrss across exec, so reset the kernel's high-water mark.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    OPERATIONS[name](path)
    print(json.dumps({"rss_delta_mb": (_status_kib("VmHWM") - before) / 1024}))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} missing from /proc/self/status (this benchmark needs Linux)")


def big_noisy_jpeg(path: Path) -> None:
    """A 6000×4000 photo-like JPEG with noise so it does not compress away (~12 MB)."""
    base = Image.open(io.BytesIO(generate_demo_photo(11, 1500, 1000))).resize((6000, 4000))
    noise = Image.merge("RGB", [Image.effect_noise((6000, 4000), 80) for _ in range(3)])
    Image.blend(base, noise, 0.35).save(path, "JPEG", quality=90)


def big_file(path: Path, megabytes: int) -> None:
    """A file of repeated random 1 MiB blocks."""
    block = os.urandom(MIB)
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(block)


def row(name: str, seconds: float | None, rss: float | None, note: str = "") -> str:
    """One line of the results table."""
    shown = f"{seconds * 1000:8.1f} ms" if seconds is not None else " " * 11
    memory = f"{rss:8.1f} MB" if rss is not None else " " * 11
    return f"{name:<22}{shown}  {memory}  {note}"


def main() -> None:
    """Build the inputs, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video-mb", type=int, default=1024, help="size of the streamed upload")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        photo, video, upload = Path(folder, "big.jpg"), Path(folder, "clip.mp4"), Path(folder, "up")
        big_noisy_jpeg(photo)
        video.write_bytes(encode_video(ClipSpec(seconds=10, width=1280, height=720)))
        big_file(upload, args.video_mb)
        print(f"photo {Image.open(photo).size}, {photo.stat().st_size / MIB:.1f} MiB; ", end="")
        print(f"video 10 s 1280x720 H.264; upload {args.video_mb} MiB; median of {args.runs}")
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(f"{'operation':<22}{'time':>11}  {'peak RSS +':>11}")
        times = {}
        for name in ("naive 400", "naive 1600", "naive both", "ours both", "inspect image"):
            times[name] = median_seconds(OPERATIONS[name], photo, args.runs)
            print(row(name, times[name], peak_rss_delta_mb(name, photo)))
        ratio = times["naive both"] / times["ours both"]
        target = "met" if times["ours both"] <= 0.2 else "MISSED"
        print(f"-> ours is {ratio:.1f}x faster than naive both; target ours <= 200 ms {target}")
        for name in ("inspect video", "video poster"):
            print(row(name, median_seconds(OPERATIONS[name], video, args.runs), None))
        seconds = median_seconds(stream_upload, upload, 1)
        rss = peak_rss_delta_mb("stream upload", upload)
        target = "met" if rss <= 150 else "MISSED"
        note = f"{args.video_mb / seconds:.0f} MiB/s incl. fsync; target <= 150 MB {target}"
        print(row("stream upload", seconds, rss, note))
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
