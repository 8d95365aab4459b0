"""Measure a gunicorn worker's memory while a ~1 GB H.264 video is uploaded over HTTP, end to end.

Run: .venv/bin/python bench/upload_bench.py [--mb 1024] [--clean]

The target (the issue): "Uploading a 1 GB video: peak memory of the server process <= 150 MB above
its idle size". The script makes (or reuses) a real 1280x720 H.264/yuv420p MP4 of about `--mb` MiB,
starts a throwaway instance under gunicorn (1 worker, 4 threads), signs in as the demo
contributor, creates a video draft and streams the file as the page's uploader does (raw body,
X-File-Name, X-CSRFToken). Meanwhile a thread samples the worker's and the master's VmRSS every
50 ms; the worker's kernel peak mark (VmHWM) is reset through /proc/<pid>/clear_refs just before
the upload and read after it. Linux only. Results go to stdout and docs/upload-benchmark.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kitchen.services.media import inspect_file  # noqa: E402

MIB = 1024 * 1024
TARGET_MIB = 150
WIDTH, HEIGHT, FPS = 1280, 720, 25
CLIP_FRAMES = 50  # the encoded clip that is remuxed over and over: 2 s, two GOPs
NOISE_FRAMES = 10  # distinct noise pictures cycled, so no frame predicts the next one
CONTRIBUTOR = ("contributor@kitchen.example.com", "kitchen-demo-2026")
UPLOAD_NAME = "科协宣传片-1GB.mp4"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "kitchen-bench"
DOC = ROOT / "docs" / "upload-benchmark.md"


# --- the video ------------------------------------------------------------------------------


@dataclass
class Video:
    """The file to upload and how it came to be."""

    path: Path
    size: int
    frames: int
    seconds: float
    made_in: float | None  # None: reused from the cache
    encode_seconds: float = 0.0
    remux_seconds: float = 0.0
    check_seconds: float = 0.0


def encode_clip(path: Path, frames: int) -> None:
    """Encode `frames` noise pictures as lossless H.264 (qp=0, ultrafast): ~2.2 MB each."""
    rng = np.random.default_rng(2026)
    pool = [
        rng.integers(0, 256, (HEIGHT * 3 // 2, WIDTH), dtype=np.uint8) for _ in range(NOISE_FRAMES)
    ]
    with av.open(str(path), mode="w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.gop_size = FPS
        stream.codec_context.options = {"preset": "ultrafast", "qp": "0"}
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(pool[index % NOISE_FRAMES], format="yuv420p")
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))


def remux_to_size(clip: Path, target: Path, size: int) -> int:
    """Write the clip's packets again and again, timestamps shifted, until `size` bytes; frames.

    Every pass starts with the clip's IDR frame and the encoder made no B-frames, so the result
    decodes like one long encode; stopping between any two packets leaves a valid stream.
    """
    written = frames = 0
    offset = 0
    with av.open(str(target), mode="w", format="mp4") as output:
        out_stream = None
        while written < size:
            with av.open(str(clip)) as source:
                in_stream = source.streams.video[0]
                if out_stream is None:
                    out_stream = output.add_stream_from_template(in_stream)
                span = round(CLIP_FRAMES / FPS / in_stream.time_base)
                for packet in source.demux(in_stream):
                    if packet.dts is None:  # the demuxer's final empty packet
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    packet.stream = out_stream
                    written += packet.size
                    frames += 1
                    output.mux(packet)
                    if written >= size:
                        break
                offset += span
    return frames


def make_video(cache: Path, megabytes: int) -> Video:
    """Return the cached video of that size, or make it: encode a 2 s clip, then remux it."""
    cache.mkdir(parents=True, exist_ok=True)
    name = "big.mp4" if megabytes == 1024 else f"big-{megabytes}MiB.mp4"
    path = cache / name
    made_in = encode_seconds = remux_seconds = None
    if not path.exists():
        started = time.perf_counter()
        clip = cache / "clip.mp4"
        encode_clip(clip, CLIP_FRAMES)
        encode_seconds = time.perf_counter() - started
        partial = path.with_suffix(".part")
        remux_to_size(clip, partial, megabytes * MIB)
        clip.unlink()
        partial.rename(path)
        made_in = time.perf_counter() - started
        remux_seconds = made_in - encode_seconds
    started = time.perf_counter()
    info = inspect_file(path)  # the app's own check: sniff, decode, complete, playable
    check_seconds = time.perf_counter() - started
    if not (info.codec == "h264" and info.browser_playable and info.mime == "video/mp4"):
        raise SystemExit(f"{path} is not a browser-playable H.264 MP4: {info}")
    with av.open(str(path)) as container:
        frames = container.streams.video[0].frames
    return Video(
        path,
        path.stat().st_size,
        frames,
        info.duration or 0.0,
        made_in,
        encode_seconds or 0.0,
        remux_seconds or 0.0,
        check_seconds,
    )


# --- memory --------------------------------------------------------------------------------


def status_kib(pid: int, name: str) -> int:
    """One field of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{name} missing from /proc/{pid}/status (this benchmark needs Linux)")


def children(pid: int) -> list[int]:
    """The child processes of `pid`."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    if found:
        return found
    for stat in Path("/proc").glob("[0-9]*/stat"):  # kernels without CONFIG_PROC_CHILDREN
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@dataclass
class Sampler:
    """Samples VmRSS (and its anonymous part) of some processes every `interval` seconds."""

    pids: dict[str, int]
    interval: float = 0.05
    samples: list[tuple[float, dict[str, tuple[int, int]]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter()
            reading = {}
            for role, pid in self.pids.items():
                try:
                    reading[role] = (status_kib(pid, "VmRSS"), status_kib(pid, "RssAnon"))
                except (OSError, RuntimeError):
                    continue
            self.samples.append((now, reading))
            self._stop.wait(self.interval)

    def peak(self, role: str, start: float = 0.0, end: float = float("inf")) -> tuple[int, float]:
        """The highest VmRSS (KiB) of `role` between two perf_counter times, and when."""
        best, when = 0, start
        for moment, reading in self.samples:
            if start <= moment <= end and role in reading and reading[role][0] > best:
                best, when = reading[role][0], moment
        return best, when


# --- HTTP ----------------------------------------------------------------------------------


class Tokens(HTMLParser):
    """Collects hidden csrf_token inputs and data-csrf attributes from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.form: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token" and values.get("value"):
            self.form.append(values["value"] or "")
        if values.get("data-csrf"):
            self.data.append(values["data-csrf"] or "")


def tokens(page: bytes) -> Tokens:
    """Parse a page's CSRF tokens."""
    parser = Tokens()
    parser.feed(page.decode("utf-8", "replace"))
    return parser


@dataclass
class Response:
    """What came back."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


class Client:
    """A tiny cookie-keeping HTTP client on http.client (streams file bodies from disk)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.body_sent = 0.0  # perf_counter when the last request's body was fully sent

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.blocksize = MIB  # http.client reads file bodies in blocks of this size
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            self.body_sent = time.perf_counter()
            reply = connection.getresponse()
            response = Response(reply.status, reply.headers, reply.read())
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            key, _, value = pair.strip().partition("=")
            expired = re.search(r"(?i)max-age=0\b|expires=thu, 01 jan 1970", attributes)
            if expired or not value:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = value
        return response

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, urlencode(fields).encode(), headers)


def expect(response: Response, status: int, what: str) -> Response:
    """Stop with the page's start when the status is not the expected one."""
    if response.status != status:
        raise SystemExit(f"{what}: expected {status}, got {response.status}\n{response.body[:800]}")
    return response


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instance_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KITCHEN_INSTANCE=str(folder / "instance"),
        KITCHEN_UPLOADS=str(folder / "uploads"),
        KITCHEN_SEARCH_INDEX=str(folder / "search_index"),
        KITCHEN_LOG_LEVEL="WARNING",
    )
    env.pop("KITCHEN_DATABASE_URL", None)
    env.pop("KITCHEN_ENV", None)
    return env


def prepare_instance(env: dict[str, str]) -> float:
    """`kitchen init` and `kitchen demo`; returns the seconds taken."""
    started = time.perf_counter()
    flask = str(ROOT / ".venv" / "bin" / "flask")
    for command in ("init", "demo"):
        subprocess.run(
            [flask, "--app", "wsgi", "kitchen", command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--timeout",
        "600",
        "wsgi:app",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if Client(port).get("/login").status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the run -------------------------------------------------------------------------------


@dataclass
class Result:
    """Everything the report shows."""

    video: Video
    worker_idle: int = 0  # KiB
    worker_idle_anon: int = 0
    worker_peak: int = 0
    worker_peak_anon: int = 0
    worker_hwm: int = 0
    worker_peak_receiving: int = 0
    worker_peak_after: int = 0
    master_idle: int = 0
    master_peak: int = 0
    master_hwm: int = 0
    samples: int = 0
    send_seconds: float = 0.0
    wall_seconds: float = 0.0
    status: int = 0
    reply: dict = field(default_factory=dict)
    stored_size: int | None = None
    stored_hash_ok: bool | None = None
    setup_seconds: float = 0.0
    worker_restarted: bool = False
    leftovers: list[str] = field(default_factory=list)

    @property
    def delta_mib(self) -> float:
        return (max(self.worker_hwm, self.worker_peak) - self.worker_idle) / 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def sign_in_and_draft(client: Client) -> tuple[str, str]:
    """Log in as the contributor, create a video draft; return its files URL and data-csrf."""
    page = expect(client.get("/login"), 200, "GET /login")
    email, password = CONTRIBUTOR
    fields = {"email": email, "password": password, "csrf_token": tokens(page.body).form[0]}
    expect(client.post_form("/login", fields), 302, "POST /login")
    page = expect(client.get("/submit/new/video"), 200, "GET /submit/new/video")
    draft = {
        "title": "科协宣传片（上传基准测试）",
        "credit_line": "科协宣传部",
        "usage_terms": "with_credit",
        "consent_confirmed": "y",
        "urgency": "normal",
        "csrf_token": tokens(page.body).form[0],
    }
    created = expect(client.post_form("/submit/new/video", draft), 302, "POST the draft")
    edit = created.location()
    if not re.fullmatch(r"/submit/\d+/edit", edit):
        raise SystemExit(f"the draft redirected to {edit!r}")
    page = expect(client.get(edit), 200, f"GET {edit}")
    csrf = tokens(page.body).data
    if not csrf:
        raise SystemExit("the edit page has no data-csrf uploader")
    return edit.removesuffix("/edit") + "/files", csrf[0]


def run(video: Video, folder: Path, interval: float) -> Result:
    result = Result(video)
    env = instance_env(folder)
    result.setup_seconds = prepare_instance(env)
    port = free_port()
    server = start_gunicorn(env, port, folder / "gunicorn.log")
    try:
        master = server.pid
        workers = children(master)
        if len(workers) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]
        client = Client(port)
        files_url, csrf = sign_in_and_draft(client)
        time.sleep(1.0)  # let the last request's garbage go
        result.worker_idle = status_kib(worker, "VmRSS")
        result.worker_idle_anon = status_kib(worker, "RssAnon")
        result.master_idle = status_kib(master, "VmRSS")
        for pid in (worker, master):  # "5" resets the peak-RSS mark to the current RSS
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        sampler = Sampler({"worker": worker, "master": master}, interval)
        sampler.start()
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Length": str(video.size),
            "X-File-Name": quote(UPLOAD_NAME),
            "X-CSRFToken": csrf,
            "X-Requested-With": "XMLHttpRequest",
        }
        started = time.perf_counter()
        with video.path.open("rb") as body:
            reply = client.request("POST", files_url, body, headers, timeout=1200)
        finished = time.perf_counter()
        time.sleep(0.2)
        sampler.stop()
        result.worker_hwm = status_kib(worker, "VmHWM")
        result.master_hwm = status_kib(master, "VmHWM")
        result.worker_restarted = children(master) != [worker]
        result.samples = len(sampler.samples)
        result.worker_peak, _ = sampler.peak("worker")
        result.worker_peak_anon = max(
            (r["worker"][1] for _, r in sampler.samples if "worker" in r), default=0
        )
        result.worker_peak_receiving, _ = sampler.peak("worker", started, client.body_sent)
        result.worker_peak_after, _ = sampler.peak("worker", client.body_sent)
        result.master_peak, _ = sampler.peak("master")
        result.send_seconds = client.body_sent - started
        result.wall_seconds = finished - started
        result.status = reply.status
        try:
            result.reply = json.loads(reply.body)
        except ValueError:
            result.reply = {"raw": reply.body[:500].decode("utf-8", "replace")}
    finally:
        stop_gunicorn(server)
    uploads = folder / "uploads"
    stored = [p for p in uploads.rglob("*") if p.is_file() and p.stat().st_size == video.size]
    result.leftovers = [p.name for p in uploads.rglob(".upload-*")]
    if stored:
        result.stored_size = stored[0].stat().st_size
        result.stored_hash_ok = sha256_of(stored[0]) == sha256_of(video.path)
    return result


# --- the report ----------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def report_rows(result: Result) -> list[tuple[str, str]]:
    video = result.video
    made = (
        f"made in {video.made_in:.1f} s (encode 2 s clip {video.encode_seconds:.1f} s"
        f" + remux {video.remux_seconds:.1f} s)"
        if video.made_in is not None
        else "reused from the cache"
    )
    delta = result.delta_mib
    verdict = "met" if delta <= TARGET_MIB else "MISSED"
    rate = video.size / MIB / result.wall_seconds if result.wall_seconds else 0.0
    stored = (
        "yes, same size and sha256"
        if result.stored_hash_ok
        else f"NO (found {result.stored_size})"
        if result.stored_size
        else "NO"
    )
    if result.status == 201:
        status = f"201 (file id {result.reply.get('id')}, size {result.reply.get('size')})"
    else:
        status = f"{result.status}: {result.reply}"
    return [
        (
            "video",
            f"{video.size / MIB:.1f} MiB, {WIDTH}x{HEIGHT} H.264 yuv420p qp=0, "
            f"{video.frames} frames, {video.seconds:.1f} s; {made}",
        ),
        ("app's inspect_file on it (client side)", f"{video.check_seconds:.2f} s"),
        ("worker RSS idle", f"{mib(result.worker_idle)} (anon {mib(result.worker_idle_anon)})"),
        (
            "worker RSS peak (sampled)",
            f"{mib(result.worker_peak)} (anon peak {mib(result.worker_peak_anon)}; "
            f"{result.samples} samples)",
        ),
        ("  while the body was arriving", mib(result.worker_peak_receiving)),
        ("  after it (checks, poster, DB, index)", mib(result.worker_peak_after)),
        ("worker VmHWM (kernel peak, reset first)", mib(result.worker_hwm)),
        ("worker peak - idle", f"{delta:.1f} MiB (target <= {TARGET_MIB} MB: {verdict})"),
        (
            "master RSS idle / peak / VmHWM",
            f"{mib(result.master_idle)} / {mib(result.master_peak)} / {mib(result.master_hwm)}",
        ),
        (
            "upload wall time",
            f"{result.wall_seconds:.1f} s ({rate:.0f} MiB/s); "
            f"body sent in {result.send_seconds:.1f} s, "
            f"reply {result.wall_seconds - result.send_seconds:.1f} s later",
        ),
        ("HTTP status", status),
        ("stored under KITCHEN_UPLOADS", stored),
        ("temp files left", ", ".join(result.leftovers) or "none"),
        ("worker restarted during the upload", "yes" if result.worker_restarted else "no"),
    ]


def print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def write_markdown(rows: list[tuple[str, str]], argv: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    machine = (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PyAV {av.__version__}"
    )
    lines = [
        "# Upload benchmark: server memory while a 1 GB video is uploaded",
        "",
        'Target (the issue): "Uploading a 1 GB video: peak memory of the server process '
        '≤ 150 MB above its idle size."',
        "",
        f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine} with "
        f"`{' '.join(['.venv/bin/python', 'bench/upload_bench.py', *argv])}`.",
        "",
        "Method: a throwaway instance (`kitchen init`, `kitchen demo`) under "
        "`gunicorn --workers 1 --threads 4`; the demo contributor signs in, creates a video "
        "draft and POSTs the raw file to `/submit/<id>/files` as the page's uploader does "
        "(`application/octet-stream`, `X-File-Name`, `X-CSRFToken`), streamed from disk in 1 MiB "
        "blocks by `http.client`. The worker's VmRSS is sampled every 50 ms; its VmHWM is reset "
        "through `/proc/<pid>/clear_refs` just before the upload and read after the reply. Idle is "
        "the worker's RSS after sign-in and a render of the edit page. MiB = 2^20 bytes.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {name.strip()} | {value} |" for name, value in rows),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="video size in MiB (default 1024)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where big.mp4 is kept")
    parser.add_argument("--clean", action="store_true", help="delete the cached video afterwards")
    parser.add_argument("--interval", type=float, default=0.05, help="sampling interval, seconds")
    parser.add_argument("--output", type=Path, default=DOC, help="the Markdown report")
    args = parser.parse_args()
    video = make_video(args.cache, args.mb)
    if video.made_in is not None:
        print(f"made {video.path} ({video.size / MIB:.1f} MiB) in {video.made_in:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="instance-", dir=args.cache))
    try:
        result = run(video, folder, args.interval)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if args.clean:
            video.path.unlink(missing_ok=True)
    rows = report_rows(result)
    print_table(rows)
    write_markdown(rows, sys.argv[1:], args.output)
    print(f"written to {args.output}")
    if result.status != 201 or not result.stored_hash_ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
