"""Reading the words in files: OCR of a poster, text of a 50-page PDF, and a batch of posters
read by the worker while approvals keep being indexed.

    .venv/bin/python bench/extract_bench.py [--posters 100] [--pages 50] [--no-report]

1. A 1,080 x 1,920 poster (Chinese lines in the CJK font) read by the worker's reader process,
   at its web size (what the worker reads) and at full size: seconds per poster (first read,
   with the model loading, then the median of 5) and the reader process's peak memory (PSS).
2. A 50-page PDF with about 800 Chinese characters a page: seconds and peak memory.
3. A fresh app (SQLite, local files, OCR on) with N posters uploaded, `worker.run` started as
   `kitchen worker` runs it, and an approval every half second: 30 before the posters' reading
   is queued (the baseline), 60 while they are read. How long each approval takes to be found
   by search (the index queue), how long the posters take to be read.
Results are printed and, unless --no-report, written to docs/extract-benchmark.md.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import samples  # noqa: E402

WORDS = "科学家精神科技工作者院士专家科普志愿者创新团队乡村振兴青少年人工智能气象预报"


def pss_mb(pid: int) -> float:
    """A process's proportional set size in MB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (a figure that another load on the machine
    changes far less than wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Peak:
    """Samples a process's PSS every 20 ms while it lives; `peak` is the largest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, pss_mb(self.pid))
            except OSError:
                return
            time.sleep(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def web_size(data: bytes) -> bytes:
    """The poster as the worker reads it: the library's web rendition."""
    from kitchen.services.media_image import make_image_renditions

    with tempfile.NamedTemporaryFile(suffix=".jpg") as file:
        file.write(data)
        file.flush()
        return next(r.data for r in make_image_renditions(Path(file.name)) if r.name == "web")


def timed_reads(kind: str, data: bytes, rounds: int) -> dict[str, float]:
    """First read (the reader starting, the model loading) and the median of the next ones,
    with the reader process's peak memory."""
    from kitchen.services.extraction import Reader

    reader = Reader()
    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(data)
        file.flush()
        started = time.perf_counter()
        reader._start()
        assert reader._process is not None and reader._process.pid is not None
        peak = Peak(reader._process.pid)
        segments = reader.read(Path(file.name), kind, 600)
        first = time.perf_counter() - started
        times = []
        cpu_before = cpu_s(reader._process.pid)
        for _round in range(rounds):
            started = time.perf_counter()
            reader.read(Path(file.name), kind, 600)
            times.append(time.perf_counter() - started)
        cpu = (cpu_s(reader._process.pid) - cpu_before) / max(1, rounds)
        memory = peak.stop()
    reader.stop()
    return {
        "first_s": first,
        "median_s": statistics.median(times) if times else first,
        "cpu_s": cpu,
        "peak_mb": memory,
        "segments": len(segments),
        "chars": sum(len(s["text"]) for s in segments),
    }


def batch(posters: int) -> dict[str, float]:
    """N posters queued for reading, the worker running, an approval every 0.5 s meanwhile."""
    import config
    from kitchen import create_app
    from kitchen.extensions import db
    from kitchen.models import Item, ItemKind, ItemStatus, Job, JobKind, MediaFile, Role, utcnow
    from kitchen.services import jobs, library, uploads, worker
    from tests import factories

    with tempfile.TemporaryDirectory(prefix="extract-bench-") as tmp:
        settings = config.TestConfig()
        settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/kitchen.sqlite"
        for name in ("UPLOADS_DIR", "SEARCH_INDEX_DIR", "INSTANCE_DIR"):
            Path(tmp, name).mkdir()
            setattr(settings, name, str(Path(tmp, name)))
        settings.OCR_PICTURES = True
        app = create_app(settings)
        with app.app_context():
            db.create_all()
            contributor = factories.make_user(Role.CONTRIBUTOR)
            journalist = factories.make_user(Role.JOURNALIST)
            curator = factories.make_user(Role.CURATOR)  # the posters stay drafts
            for number in range(posters):
                lines = (f"第{number}届科普活动", WORDS[number % 20 : number % 20 + 6], "欢迎参加")
                item = factories.make_item(
                    contributor, kind=ItemKind.PRODUCT, title=f"海报{number}"
                )
                uploads.add_file(contributor, item, io.BytesIO(samples.poster(lines)), "海报.jpg")
            waiting = [
                factories.make_item(contributor, title=f"审核通过第{n}号") for n in range(90)
            ]
            reads = db.session.scalars(db.select(Job.target_id).where(Job.kind == "extract")).all()
            db.session.execute(db.delete(Job))  # the reads are queued again after the baseline
            db.session.commit()
            stop = threading.Event()

            def run() -> None:
                with app.app_context():
                    worker.run(stop, poll=0.05)

            def approve(item: Item) -> float:
                item.status, item.approved_at = ItemStatus.APPROVED, utcnow()
                jobs.enqueue(JobKind.INDEX, item.id)
                db.session.commit()
                approved = time.perf_counter()
                while item.id not in [h.id for h in library.search(journalist, item.title).hits]:
                    time.sleep(0.02)
                taken = time.perf_counter() - approved
                time.sleep(max(0.0, 0.5 - (time.perf_counter() - approved)))
                return taken

            thread = threading.Thread(target=run)
            thread.start()
            baseline = [approve(item) for item in waiting[:30]]  # nothing being read
            jobs.enqueue_many(JobKind.EXTRACT, reads)
            db.session.commit()
            started = time.perf_counter()
            latencies = [approve(item) for item in waiting[30:]]
            read_all = None
            while read_all is None:
                pending = db.session.scalar(
                    db.select(db.func.count(MediaFile.id)).where(MediaFile.text_state == "pending")
                )
                if not pending:
                    read_all = time.perf_counter() - started
                else:
                    time.sleep(0.2)
                db.session.rollback()
            while db.session.scalar(db.select(db.func.count(Job.id))):  # the last index jobs
                time.sleep(0.2)
                db.session.rollback()
            stop.set()
            thread.join()
            found = sum(
                1
                for number in range(posters)
                if [h for h in library.search(curator, f"第{number}届科普活动").hits]
            )
            items = db.session.scalar(db.select(db.func.count(Item.id)))
        ordered, quiet = sorted(latencies), sorted(baseline)
        return {
            "baseline_p50_s": statistics.median(quiet),
            "baseline_max_s": quiet[-1],
            "posters": posters,
            "read_s": read_all,
            "per_poster_s": read_all / posters,
            "index_p50_s": statistics.median(ordered),
            "index_max_s": ordered[-1],
            "approvals": len(ordered),
            "found": found,
            "items": items or 0,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=100)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    poster = samples.poster()
    pdf = samples.chinese_pdf(
        [
            f"第{page}页 " + "".join(WORDS[(page + i) % len(WORDS)] for i in range(800))
            for page in range(1, args.pages + 1)
        ]
    )
    rows = {
        "poster, web size (what the worker reads)": timed_reads("picture", web_size(poster), 5),
        "poster, full 1,080 x 1,920": timed_reads("picture", poster, 5),
        f"PDF, {args.pages} pages ({len(pdf) // 1024} KB)": timed_reads("pdf", pdf, 3),
    }
    for name, row in rows.items():
        print(f"{name}: {row}", flush=True)
    queued = batch(args.posters)
    print(f"batch: {queued}", flush=True)
    report = [
        "| file | first read s (reader start + model) | then, median s | CPU s a read "
        "| reader peak MB | segments | characters |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        report.append(
            f"| {name} | {row['first_s']:.2f} | {row['median_s']:.2f} | {row['cpu_s']:.2f} "
            f"| {row['peak_mb']:.0f} "
            f"| {row['segments']:.0f} | {row['chars']:.0f} |"
        )
    text = "\n".join(report)
    batch_text = (
        f"{queued['posters']} posters read by the worker in {queued['read_s']:.0f} s "
        f"({queued['per_poster_s']:.2f} s a poster); meanwhile {queued['approvals']} approvals, "
        f"one every 0.5 s, were found by search after a median {queued['index_p50_s']:.2f} s "
        f"(the longest {queued['index_max_s']:.2f} s), against {queued['baseline_p50_s']:.2f} s "
        f"(the longest {queued['baseline_max_s']:.2f} s) for 30 approvals before the posters "
        f"were queued, in the same run; {queued['found']} of {queued['posters']} posters then "
        "found by a line printed on them."
    )
    print(text)
    print(batch_text)
    if not args.no_report:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        out = ROOT / "docs" / "extract-benchmark.md"
        out.write_text(
            "# Reading the words in files\n\n"
            f"Measured {datetime.now():%Y-%m-%d %H:%M} with `bench/extract_bench.py --posters "
            f"{args.posters} --pages {args.pages}` on a {multiprocessing.cpu_count()}-core "
            f"machine (load average at the end: {load}). The reader is the worker's child "
            "process (RapidOCR with PP-OCRv4 on onnxruntime, pypdf); peak MB is its "
            "proportional set size, sampled every 20 ms.\n\n"
            f"{text}\n\n{batch_text}\n"
        )


if __name__ == "__main__":
    main()
