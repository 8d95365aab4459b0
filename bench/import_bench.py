"""Benchmark `kitchen import` end to end: JSON Lines in, database rows and search index out.

    .venv/bin/python bench/import_bench.py --n 50000 [--baseline OLD_CHECKOUT --baseline-n 5000]

Writes N generated Chinese stories (the search benchmark's generator: bodies ~1,400 characters)
as JSON Lines, runs `flask kitchen init` and `flask kitchen import` in a fresh instance folder,
times the import from start to exit (every item committed and indexed), samples the memory of
the import's process tree from /proc, then runs `kitchen index check` (it must be clean). With
--baseline, the same is run on another checkout in the same run, for a side-by-side figure.
Results are printed and written to docs/import-benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import make_document, memory_tree_kb  # noqa: E402


def write_lines(path: Path, count: int, seed: int = 11) -> None:
    """The corpus as import lines (organisations and campaigns are created on first sight)."""
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(1, count + 1):
            doc = make_document(seed, number)
            record = {
                "kind": doc.kind if doc.kind != "lead" else "story",
                "title": doc.title,
                "summary": doc.summary,
                "body": doc.body,
                "people": doc.people,
                "keywords": doc.keywords,
                "campaigns": doc.campaigns,
                "org": doc.organization,
                "credit": f"{doc.organization} 供稿",
                "event_date": doc.event_date.isoformat(),
                "status": "approved" if doc.status == "approved" else "submitted",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_import(checkout: Path, lines: Path, folder: Path) -> dict[str, float]:
    """init, then a timed import with memory sampling, then the index check; in `folder`."""
    env = {
        **os.environ,
        "KITCHEN_INSTANCE": str(folder / "instance"),
        "KITCHEN_UPLOADS": str(folder / "uploads"),
        "KITCHEN_SEARCH_INDEX": str(folder / "search_index"),
        "KITCHEN_LOG_LEVEL": "WARNING",
    }
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "kitchen"]
    subprocess.run([*flask, "init"], cwd=checkout, env=env, check=True, capture_output=True)
    admin = [
        *flask,
        "user",
        "create",
        "--email",
        "importer@bench.example.com",
        "--password",
        "bench-password-1",
        "--role",
        "admin",
    ]
    subprocess.run(admin, cwd=checkout, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [*flask, "import", str(lines)],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(memory_tree_kb(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"import failed in {checkout}:\n{err[-2000:]}")
    imported = int(out.split("Imported ")[1].split()[0])
    checked = subprocess.run(
        [*flask, "index", "check"], cwd=checkout, env=env, capture_output=True, text=True
    )
    index_mb = sum(p.stat().st_size for p in (folder / "search_index").rglob("*") if p.is_file())
    return {
        "items": imported,
        "seconds": elapsed,
        "items_per_s": imported / elapsed,
        "peak_mb": max(samples) / 1024,
        # The process tree's memory at each quarter of the run: flat, or growing with the items.
        "quarters_mb": [max(part) / 1024 for part in _quarters(samples)],
        "index_mb": index_mb / 1024 / 1024,
        "check": _check_result(checked),
    }


def _quarters(samples: list[int]) -> list[list[int]]:
    """The samples cut into four consecutive parts (none empty)."""
    n = len(samples)
    return [samples[n * q // 4 : max(n * (q + 1) // 4, n * q // 4 + 1)] for q in range(4)]


def _check_result(checked: subprocess.CompletedProcess) -> str:
    if checked.returncode == 0:
        return "clean"
    if "No such command" in checked.stderr:
        return "(no `index check` in this checkout)"
    return " ".join(checked.stdout.split())[-200:]


def table(rows: dict[str, dict]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| checkout | items | time | items/s end to end | peak memory by quarter of the run "
        "| index on disk | check |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['items']:,} | {r['seconds']:.0f} s | {r['items_per_s']:.0f} | "
            f"{' / '.join(f'{m:.0f}' for m in r['quarters_mb'])} MB | "
            f"{r['index_mb']:.0f} MB | {r['check']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--baseline-n", type=int, default=5_000)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="kitchen-import-") as tmp:
        base = Path(tmp)
        lines = base / "items.jsonl"
        write_lines(lines, args.n)
        if args.baseline:
            small = base / "baseline.jsonl"
            write_lines(small, args.baseline_n)
            rows[f"baseline ({args.baseline.name})"] = run_import(
                args.baseline, small, base / "baseline"
            )
            print(rows[f"baseline ({args.baseline.name})"], flush=True)
        rows["kitchen"] = run_import(ROOT, lines, base / "ours")
        print(rows["kitchen"], flush=True)
    report = table(rows)
    print(report)
    if not args.no_report:
        (ROOT / "docs" / "import-benchmark.md").write_text(
            "# `kitchen import` benchmark\n\n"
            f"`{' '.join(sys.argv)}` on {os.cpu_count()} cores, SQLite, "
            f"{time.strftime('%Y-%m-%d')}.\n\n{report}\n"
        )


if __name__ == "__main__":
    main()
