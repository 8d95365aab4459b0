"""Two app hosts behind one address: the load benchmark's busy morning spread over hosts A and B,
and host A killed (kill -9 of gunicorn's master, its workers and its kitchen worker) half-way.

    .venv/bin/python bench/hosts_bench.py [--seconds 60] [--no-report]

One throwaway PostgreSQL (database and search, KITCHEN_SEARCH_BACKEND=postgresql), one moto S3
server, two hosts as tests/support/hosts.py starts them (gunicorn 2 workers x 4 threads plus
`kitchen worker` each, their own folders and ports), the demo data. The 32 client threads of
bench/load_bench.py send each request to the next live host, as a balancer does; when A dies
its requests in flight fail (counted as connection errors) and the rest go to B. Afterwards B's
queue is left to drain, `kitchen index check` must be clean and every approval must be found.
Results are printed and, unless --no-report, appended to docs/load-benchmark.md.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import (  # noqa: E402
    Stats,
    _lost_approvals,
    append_report,
    busy_morning,
    pct,
    sign_in,
)

from tests.support.hosts import Host, shared_environment  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402
from tests.support.s3 import s3_server  # noqa: E402


class Balancer:
    """Formats as the next live host's address: the load bench's clients build every request's
    URL with an f-string, so each request goes to the next host, round robin."""

    def __init__(self, hosts: list[Host]) -> None:
        self.hosts = hosts
        self.dead: set[str] = set()
        self._turn = itertools.count()
        self._lock = threading.Lock()

    def __format__(self, spec: str) -> str:
        with self._lock:
            alive = [h for h in self.hosts if h.name not in self.dead]
            return alive[next(self._turn) % len(alive)].url

    def __str__(self) -> str:
        return format(self)


def run(seconds: float, folder: Path) -> dict[str, object]:
    """One run: start both hosts, load them, kill A half-way, check B."""
    with ExitStack() as stack:
        url = stack.enter_context(postgres_server())
        endpoint = stack.enter_context(s3_server())
        shared = shared_environment(url, endpoint, f"bench-{uuid.uuid4().hex}/")
        hosts = []
        for name in ("A", "B"):
            (folder / name).mkdir()
            hosts.append(Host(name, folder / name, shared))
        a, b = hosts
        a.kitchen("init")
        b.kitchen("init")
        a.kitchen("demo", "--if-empty")
        outputs = a.kitchen_many(
            [
                ["token", "create", "--email", f"{role}@kitchen.example.com"]
                for role in ("contributor", "curator", "journalist")
            ]
        )
        roles = ("contributor", "curator", "journalist")
        tokens = {role: out.split()[-1] for role, out in zip(roles, outputs, strict=True)}
        for host in hosts:
            host.start(web_workers=2, threads=4)
            stack.callback(host.stop)
        balancer = Balancer(hosts)
        cookies = sign_in(b.url, "journalist@kitchen.example.com")  # valid on both hosts
        stats, stop = Stats(), threading.Event()
        threads, checker = busy_morning(balancer, tokens, cookies, stats, stop)
        started = time.perf_counter()
        for thread in [*threads, checker]:
            thread.start()
        time.sleep(seconds / 2)
        balancer.dead.add("A")
        a.kill()
        time.sleep(seconds / 2)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        checker.join()
        drained_in = None
        waited = time.perf_counter()
        while time.perf_counter() - waited < 180:
            if b.kitchen("index", "check", check=False).returncode == 0:
                drained_in = time.perf_counter() - waited
                break
            time.sleep(1)
        check = b.kitchen("index", "check", check=False).stdout
        lost = _lost_approvals(b.url, tokens["journalist"], stats.approved)
    total = sum(len(v) for v in stats.times.values())
    writes = stats.times["create"] + stats.times["submit"] + stats.times["approve"]
    searches = stats.times["search api"] + stats.times["search page"]
    return {
        "requests": total,
        "rps": f"{total / elapsed:.1f}",
        "5xx": sum(n for status, n in stats.statuses.items() if status >= 500),
        "connection errors": sum(stats.errors.values()),
        "approved": len(stats.times["approve"]),
        "write p50 / p95": f"{pct(writes, 0.5):.0f} / {pct(writes, 0.95):.0f} ms",
        "search p50 / p95": f"{pct(searches, 0.5):.0f} / {pct(searches, 0.95):.0f} ms",
        "freshness p50 / p95": (
            f"{pct(stats.freshness, 0.5):.0f} / {pct(stats.freshness, 0.95):.0f} ms"
        ),
        "never fresh": stats.unfresh,
        "lost": lost,
        "drained in": "—" if drained_in is None else f"{drained_in:.0f} s",
        "check": (check.strip().splitlines() or ["(no output)"])[-1][:160],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khosts-") as tmp:
        result = run(args.seconds, Path(tmp))
    lines = [
        f"`{' '.join(sys.argv)}`, two hosts on one PostgreSQL and one S3 endpoint, host A "
        f"killed with SIGKILL half-way, {time.strftime('%Y-%m-%d')}",
        "",
        "| | two hosts, A killed half-way |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in result.items()),
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_report:
        append_report(text)


if __name__ == "__main__":
    main()
