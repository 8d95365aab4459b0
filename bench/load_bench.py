"""A busy morning: many writers, curators and searchers at once, through the API and the pages.

    .venv/bin/python bench/load_bench.py [--db sqlite|postgresql|both] [--seconds 60] [--kill]
                                         [--checkout PATH] [--no-report]

Starts a fresh instance (SQLite, or a throwaway PostgreSQL from the installed binaries) with the
demo data, gunicorn with 4 workers x 4 threads and `kitchen worker`, then 32 client threads for
the given time: 12 contributors create and submit stories, 6 curators approve them, 13
journalists search (about half through the API, half through the search page, signed in), and
one thread measures freshness: from an approval's response to the item being found (timed
for one approval in eight).
With --kill, one gunicorn worker and the kitchen worker are killed with SIGKILL half-way (the
kitchen worker is started again at once, as systemd would; gunicorn replaces its own worker).
Afterwards the queue is left to drain and `kitchen index check` must come back clean.
Results are printed and, unless --no-report, written to docs/load-benchmark.md.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.hosts import stop_processes, wait_healthy  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402

PASSWORD = "kitchen-demo-2026"
QUERIES = ["科学家", "科技工作者", "院士", "科普", "脱贫攻坚", "创新 团队", "故事", "乡村振兴"]
WORDS = ["青年科学家", "基层科技人员", "科普志愿者", "驻村第一书记", "科技特派员", "女科学家"]


class Stats:
    """Latencies by operation, status counts, errors; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[int, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self.freshness: list[float] = []
        self.unfresh = 0
        self.approved: set[str] = set()

    def record(self, op: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[op].append(seconds)
            self.statuses[status] += 1

    def error(self, op: str, exc: Exception) -> None:
        with self.lock:
            self.errors[f"{op}: {type(exc).__name__}"] += 1


def pct(values: list[float], q: float) -> float:
    """A percentile in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Instance:
    """One kitchen: folders, environment, gunicorn and the worker as child processes."""

    def __init__(self, checkout: Path, folder: Path, database_url: str | None, port: int):
        self.checkout, self.folder, self.port = checkout, folder, port
        self.env = {
            **os.environ,
            "KITCHEN_INSTANCE": str(folder / "instance"),
            "KITCHEN_UPLOADS": str(folder / "uploads"),
            "KITCHEN_SEARCH_INDEX": str(folder / "search_index"),
            "KITCHEN_LOG_LEVEL": "WARNING",
        }
        if database_url:
            self.env["KITCHEN_DATABASE_URL"] = database_url
        self.url = f"http://127.0.0.1:{port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def flask(self, *args: str) -> str:
        command = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "kitchen", *args]
        done = subprocess.run(
            command, cwd=self.checkout, env=self.env, capture_output=True, text=True
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"kitchen {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def prepare(self) -> dict[str, str]:
        """Database, demo data and one API token per demo role."""
        self.flask("init")
        self.flask("demo", "--if-empty")
        tokens = {}
        for role, email in (
            ("contributor", "contributor@kitchen.example.com"),
            ("curator", "curator@kitchen.example.com"),
            ("journalist", "journalist@kitchen.example.com"),
        ):
            tokens[role] = self.flask("token", "create", "--email", email).strip().splitlines()[-1]
        return tokens

    def start(self, workers: int = 4, threads: int = 4) -> None:
        gunicorn = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self.web = subprocess.Popen(gunicorn, cwd=self.checkout, env=self.env)
        self.start_worker()
        if not wait_healthy(self.url, 60):
            raise SystemExit("the server did not come up")

    def start_worker(self) -> None:
        if not (self.checkout / "kitchen" / "services" / "worker.py").exists():
            return  # a checkout from before the worker: requests index for themselves
        command = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "kitchen", "worker"]
        self.worker = subprocess.Popen(
            command, cwd=self.checkout, env=self.env, stdout=subprocess.DEVNULL
        )

    def web_worker_pids(self) -> list[int]:
        assert self.web is not None
        found = subprocess.run(
            ["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in found.split()]

    def stop(self) -> None:
        stop_processes(self.web, self.worker)


def _timed(stats: Stats, op: str, call) -> requests.Response | None:
    started = time.perf_counter()
    try:
        response = call()
    except requests.RequestException as exc:
        stats.error(op, exc)
        return None
    stats.record(op, time.perf_counter() - started, response.status_code)
    return response


def contributor(base: str, token: str, stats: Stats, stop: threading.Event, submitted: queue.Queue):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random()
    while not stop.is_set():
        marker = "kb" + uuid.uuid4().hex[:10]
        probe = " kbprobe" if rng.random() < PROBE_SHARE else ""
        body = {
            "kind": "story",
            "title": f"{rng.choice(WORDS)}的故事 kbfresh{probe} {marker}",
            "body": f"{rng.choice(WORDS)}扎根基层二十年，{rng.choice(QUERIES)}。" * 20,
            "credit": "北京市科协",
        }
        created = _timed(
            stats, "create", lambda b=body: session.post(f"{base}/api/v1/items", json=b)
        )
        if created is None or created.status_code != 201:
            continue
        item_id = created.json()["id"]
        done = _timed(
            stats, "submit", lambda i=item_id: session.post(f"{base}/api/v1/items/{i}/submit")
        )
        if done is not None and done.status_code == 200:
            submitted.put((item_id, marker, bool(probe)))


def curator(base: str, token: str, stats: Stats, stop: threading.Event, submitted, approved):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while not stop.is_set():
        try:
            item_id, marker, probe = submitted.get(timeout=0.5)
        except queue.Empty:
            continue
        answer = _timed(
            stats,
            "approve",
            lambda i=item_id: session.post(f"{base}/api/v1/items/{i}/review", json=DECISION),
        )
        if answer is not None and answer.status_code == 200:
            if probe:
                approved.put((marker, time.perf_counter()))
            with stats.lock:
                stats.approved.add(marker)


def journalist(base: str, token: str, cookies, stats: Stats, stop: threading.Event, page: bool):
    session = requests.Session()
    if page:
        session.cookies.update(cookies)
    else:
        session.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random()
    while not stop.is_set():
        q = rng.choice(QUERIES)
        if page:
            _timed(
                stats, "search page", lambda q=q: session.get(f"{base}/library/", params={"q": q})
            )
        else:
            _timed(
                stats,
                "search api",
                lambda q=q: session.get(f"{base}/api/v1/search", params={"q": q}),
            )


DECISION = {"decision": "approve", "comment": "采用"}
PROBE_SHARE = 0.125  # approvals whose freshness is timed
MARKER = re.compile(r"kb[0-9a-f]{10}")


def freshness(base: str, token: str, stats: Stats, stop: threading.Event, approved: queue.Queue):
    """Poll the newest approved probe items (one in PROBE_SHARE carries the word kbprobe; one
    search shows the newest hundred, several seconds' worth) and time how long after its
    approval each first appears."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    params = {"q": "kbprobe", "sort": "newest", "per_page": 100}
    waiting: dict[str, float] = {}
    while not stop.is_set() or waiting or not approved.empty():
        while not approved.empty():
            marker, approved_at = approved.get()
            waiting[marker] = approved_at
        try:
            found = session.get(f"{base}/api/v1/search", params=params, timeout=10)
            seen = set(MARKER.findall(found.text)) if found.status_code == 200 else set()
        except requests.RequestException:
            seen = set()
        now = time.perf_counter()
        for marker in [m for m in waiting if m in seen]:
            with stats.lock:
                stats.freshness.append(now - waiting.pop(marker))
        # Should one fall out of the newest hundred before this thread looks, ask for the
        # oldest few waiting ones by their own word.
        for marker in sorted(waiting, key=waiting.get)[:3]:
            if now - waiting[marker] < 5.0:
                break
            try:
                alone = session.get(f"{base}/api/v1/search", params={"q": marker}, timeout=10)
                if alone.status_code == 200 and alone.json().get("total"):
                    with stats.lock:
                        stats.freshness.append(time.perf_counter() - waiting.pop(marker))
            except requests.RequestException:
                pass
        for marker in [m for m, t in waiting.items() if now - t > 30]:
            waiting.pop(marker)
            with stats.lock:
                stats.unfresh += 1
        if stop.is_set() and not waiting:
            return
        time.sleep(0.1)


def sign_in(base: str, email: str) -> requests.cookies.RequestsCookieJar:
    """A browser session: the login form with its CSRF token."""
    session = requests.Session()
    form = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or re.search(
        r'name="csrf_token" value="([^"]+)"', form
    )
    data = {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
    response = session.post(f"{base}/login", data=data, allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {response.status_code}")
    return session.cookies


def busy_morning(
    base, tokens: dict[str, str], cookies, stats: Stats, stop: threading.Event
) -> tuple[list[threading.Thread], threading.Thread]:
    """The 31 client threads (12 contributors, 6 curators, 13 journalists, half of them on the
    pages) and the freshness checker, not started; `base` is a URL or anything with `str()`."""
    submitted: queue.Queue = queue.Queue()
    approved: queue.Queue = queue.Queue()
    threads = [
        threading.Thread(
            target=contributor, args=(base, tokens["contributor"], stats, stop, submitted)
        )
        for _ in range(12)
    ]
    threads += [
        threading.Thread(
            target=curator, args=(base, tokens["curator"], stats, stop, submitted, approved)
        )
        for _ in range(6)
    ]
    threads += [
        threading.Thread(
            target=journalist, args=(base, tokens["journalist"], cookies, stats, stop, n % 2 == 0)
        )
        for n in range(13)
    ]
    checker = threading.Thread(
        target=freshness, args=(base, tokens["journalist"], stats, stop, approved)
    )
    return threads, checker


def run(instance: Instance, seconds: float, kill: bool) -> dict[str, object]:
    """One load run on a prepared, started instance."""
    tokens = instance.prepare()
    instance.start()
    cookies = sign_in(instance.url, "journalist@kitchen.example.com")
    stats, stop = Stats(), threading.Event()
    threads, checker = busy_morning(instance.url, tokens, cookies, stats, stop)
    checkers = [checker]
    started = time.perf_counter()
    for thread in threads + checkers:
        thread.start()
    killed = []
    if kill:
        time.sleep(seconds / 2)
        victim = instance.web_worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(f"gunicorn worker {victim}")
        if instance.worker is not None:
            os.kill(instance.worker.pid, signal.SIGKILL)
            killed.append(f"kitchen worker {instance.worker.pid}")
            instance.worker.wait()
            instance.start_worker()
        time.sleep(seconds / 2)
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for thread in checkers:
        thread.join()
    drained_in = _wait_until_clean(instance)
    check = instance.flask("index", "check") if drained_in is not None else "—"
    lost = _lost_approvals(instance.url, tokens["journalist"], stats.approved)
    instance.stop()
    total = sum(len(v) for v in stats.times.values())
    writes = stats.times["create"] + stats.times["submit"] + stats.times["approve"]
    searches = stats.times["search api"] + stats.times["search page"]
    return {
        "requests": total,
        "rps": total / elapsed,
        "5xx": sum(n for status, n in stats.statuses.items() if status >= 500),
        "statuses": dict(sorted(stats.statuses.items())),
        "errors": dict(stats.errors),
        "approved": len(stats.times["approve"]),
        "write p50": pct(writes, 0.5),
        "write p95": pct(writes, 0.95),
        "write max": pct(writes, 1.0),
        "search p50": pct(searches, 0.5),
        "search p95": pct(searches, 0.95),
        "search page p95": pct(stats.times["search page"], 0.95),
        "fresh p50": pct(stats.freshness, 0.5),
        "fresh p95": pct(stats.freshness, 0.95),
        "never fresh": stats.unfresh,
        "killed": killed,
        "drained in": drained_in,
        "lost": lost,
        "check": " ".join(check.replace("Checking", "").split())[-160:],
    }


def _lost_approvals(base: str, token: str, approved: set[str]) -> int:
    """Approved items a journalist cannot find once the run is over (any version can be asked
    this): page through every bench item the search shows and compare."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    seen: set[str] = set()
    for page in range(1, 501):
        params = {"q": "kbfresh", "sort": "newest", "per_page": 100, "page": page}
        answer = session.get(f"{base}/api/v1/search", params=params, timeout=60)
        found = set(MARKER.findall(answer.text))
        if not found:
            break
        seen |= found
    return len(approved - seen)


def _wait_until_clean(instance: Instance, timeout: float = 120) -> float | None:
    """Seconds until `kitchen index check` is clean (the queue drained), or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        command = [
            str(ROOT / ".venv" / "bin" / "flask"),
            "--app",
            "wsgi",
            "kitchen",
            "index",
            "check",
        ]
        done = subprocess.run(command, cwd=instance.checkout, env=instance.env, capture_output=True)
        if done.returncode == 0:
            return time.perf_counter() - started
        if b"No such command" in done.stderr:  # a checkout without the check: give it a moment
            time.sleep(5)
            return None
        time.sleep(1)
    return None


@contextmanager
def database(kind: str):
    """Nothing for SQLite (the instance folder holds it); a throwaway server for PostgreSQL."""
    if kind == "sqlite":
        yield None
    else:
        with postgres_server() as url:
            yield url


def report(results: dict[str, dict], argv: list[str]) -> str:
    """The results as a Markdown table, one column per run."""
    names = list(results)
    keys = [
        ("requests/s", lambda r: f"{r['rps']:.0f}"),
        ("requests", lambda r: f"{r['requests']:,}"),
        ("5xx", lambda r: str(r["5xx"])),
        ("connection errors", lambda r: str(sum(r["errors"].values()))),
        ("approvals", lambda r: str(r["approved"])),
        (
            "write p50 / p95 / max",
            lambda r: f"{r['write p50']:.0f} / {r['write p95']:.0f} / {r['write max']:.0f} ms",
        ),
        ("search p50 / p95", lambda r: f"{r['search p50']:.0f} / {r['search p95']:.0f} ms"),
        ("search page p95", lambda r: f"{r['search page p95']:.0f} ms"),
        ("freshness p50 / p95", lambda r: f"{r['fresh p50']:.0f} / {r['fresh p95']:.0f} ms"),
        ("approved, never found in 30 s", lambda r: str(r["never fresh"])),
        ("approved, not found after the run (lost)", lambda r: str(r["lost"])),
        (
            "queue drained after the run in",
            lambda r: "—" if r["drained in"] is None else f"{r['drained in']:.0f} s",
        ),
        ("`kitchen index check`", lambda r: r["check"] or "—"),
    ]
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, show in keys:
        lines.append(f"| {label} | " + " | ".join(show(results[n]) for n in names) + " |")
    return (
        f"`{' '.join(argv)}`, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n\n"
        + "\n".join(lines)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill", action="store_true", help="also run with a kill -9 half-way")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the kitchen to measure")
    parser.add_argument("--label", default="kitchen")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results: dict[str, dict] = {}
    port = 5600
    for kind in kinds:
        for kill in [False, True] if args.kill else [False]:
            with ExitStack() as stack:
                url = stack.enter_context(database(kind))
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kload-")))
                port += 1
                name = f"{args.label}, {kind}" + (", kill -9" if kill else "")
                results[name] = run(Instance(args.checkout, folder, url, port), args.seconds, kill)
                print(name, results[name], flush=True)
    text = report(results, sys.argv)
    print(text)
    if not args.no_report:
        append_report(text)


def append_report(text: str) -> None:
    """Add a run's table to the end of docs/load-benchmark.md."""
    path = ROOT / "docs" / "load-benchmark.md"
    previous = path.read_text() if path.exists() else "# Load benchmark\n"
    path.write_text(previous.rstrip() + "\n\n" + text + "\n")


if __name__ == "__main__":
    main()
