"""Start-up cost: how long a fresh interpreter takes to import the app, median of N runs.

    .venv/bin/python bench/import_bench.py [--checkout DIR] [--runs 7]

Measures `import kitchen` with every service and search module (what a gunicorn worker or the
CLI imports before it does anything) and `import wsgi` (the app built as well), each in a new
process. --checkout measures another working tree (a baseline) with this virtualenv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SNIPPETS = {
    "import kitchen + services + search": (
        "import kitchen, kitchen.services.accounts, kitchen.services.indexing, "
        "kitchen.search.analysis, kitchen.search.whoosh_backend"
    ),
    "import wsgi (app created)": "import wsgi",
}


def measure(folder: Path, code: str, runs: int) -> float:
    """Median wall time in milliseconds of running `code` in a new interpreter."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("KITCHEN_INSTANCE", "KITCHEN_SEARCH_INDEX", "KITCHEN_UPLOADS"):
            env[name] = str(Path(tmp) / name.lower())
        subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, check=True)  # warm
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, check=True)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, help="another working tree to measure too")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trees = {"this tree": Path(__file__).resolve().parent.parent}
    if args.checkout:
        trees["baseline"] = args.checkout.resolve()
    print(f"| | {' | '.join(trees)} |")
    print(f"|---|{'---|' * len(trees)}")
    for label, code in SNIPPETS.items():
        cells = [f"{measure(tree, code, args.runs):.0f} ms" for tree in trees.values()]
        print(f"| {label} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
