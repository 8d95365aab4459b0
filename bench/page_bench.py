"""Page throughput with wrk, signed in as a journalist, under `make run`'s gunicorn settings.

    .venv/bin/python bench/page_bench.py [--baseline /path/to/other/checkout] [--seconds 10]

For each checkout: a fresh instance with the demo data, gunicorn with 3 workers x 4 threads (as
`make run` starts it), a journalist's session cookie, then `wrk -t2 -c16` on /healthz, the search
page for 科学家 and the library's home page, and one item page fetched 50 times in a row on its
own (median). Needs Debian's wrk. Results are printed and written to docs/page-benchmark.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import Instance, sign_in  # noqa: E402

AGENT = requests.utils.default_user_agent()  # the session is bound to it ("strong" protection)
PAGES = {
    "/healthz": "/healthz",
    "search page (科学家)": "/library/?q=" + quote("科学家"),
    "library home": "/library/",
}


def wrk(url: str, cookie: str, seconds: int) -> tuple[float, float]:
    """Requests/s and mean latency (ms) for one URL (as the signed-in session's browser)."""
    headers = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {AGENT}"]
    check = requests.get(
        url, headers={"Cookie": cookie, "User-Agent": AGENT}, allow_redirects=False
    )
    if check.status_code != 200:  # a redirect to the sign-in page would measure nothing
        raise SystemExit(f"{url} answered {check.status_code}, not 200")
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", *headers, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(latency.group(1)), latency.group(2)
    mean_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} failed responses")
    return rps, mean_ms


def measure(checkout: Path, port: int, seconds: int) -> dict[str, object]:
    """All figures for one checkout."""
    with tempfile.TemporaryDirectory(prefix="kpage-") as tmp:
        instance = Instance(checkout, Path(tmp), None, port)
        instance.prepare()
        instance.start(workers=3, threads=4)
        try:
            jar = sign_in(instance.url, "journalist@kitchen.example.com")
            cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
            session = requests.Session()
            session.cookies.update(jar)
            time.sleep(2)  # the worker has indexed the demo
            results: dict[str, object] = {}
            for label, path in PAGES.items():
                wrk(instance.url + path, cookie, 2)  # warm every worker's caches
                results[label] = wrk(instance.url + path, cookie, seconds)
            item = _an_item(session, instance.url)
            times = []
            for _ in range(55):
                started = time.perf_counter()
                response = session.get(f"{instance.url}/items/{item}")
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            results["item page alone"] = statistics.median(times[5:]) * 1000
            return results
        finally:
            instance.stop()


def _an_item(session: requests.Session, base: str) -> int:
    page = session.get(f"{base}/library/?q=" + quote("科学家")).text
    return int(re.search(r'href="/items/(\d+)"', page).group(1))


def table(rows: dict[str, dict]) -> str:
    """Markdown: one column per checkout."""
    names = list(rows)
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label in PAGES:
        cells = []
        for name in names:
            rps, mean = rows[name][label]
            share = rps / rows[name]["/healthz"][0]
            cells.append(f"{rps:.0f} req/s ({share:.0%} of /healthz), mean {mean:.1f} ms")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| item page, alone | "
        + " | ".join(f"{rows[n]['item page alone']:.1f} ms" for n in names)
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    rows = {}
    if args.baseline:
        rows[f"baseline ({args.baseline.name})"] = measure(args.baseline, 5701, args.seconds)
    rows["kitchen"] = measure(ROOT, 5702, args.seconds)
    text = table(rows)
    print(text)
    if not args.no_report:
        (ROOT / "docs" / "page-benchmark.md").write_text(
            "# Page throughput\n\n"
            f"`{' '.join(sys.argv)}`, {os.cpu_count()} cores, wrk -t2 -c16, "
            f"{time.strftime('%Y-%m-%d')}\n\n{text}\n"
        )


if __name__ == "__main__":
    main()
