"""`flask kitchen worker | reindex | index check | fsck | extract`: the queue, the index, the file
store, the words in files."""

from __future__ import annotations

import fcntl
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kitchen.database import is_sqlite
from kitchen.models import JobKind
from kitchen.services import extraction, fsck, indexing, worker

index_cli = AppGroup("index", help="The search index.")


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar over every item; yields the callback services report counts to."""
    with click.progressbar(length=indexing.item_count(), label=label, show_pos=True) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        yield progress


def rebuild_with_progress() -> int:
    """Rebuild the index from the database with a progress bar; return the count."""
    with _progress("Indexing") as progress:
        return indexing.rebuild(progress)


@click.command("reindex")
@click.option("--pending", is_flag=True, help="Only index the queued changes, now.")
def reindex_command(pending: bool) -> None:
    """Rebuild the search index from the database into a new folder, then swap it in."""
    if pending:
        done = worker.drain([JobKind.INDEX])
        click.echo(f"Indexed {done} queued changes.")
        return
    count = rebuild_with_progress()
    click.echo(f"Indexed {count} items; searches used the old index until the swap.")


@index_cli.command("check")
@click.option("--repair", is_flag=True, help="Queue every difference for the worker to fix.")
def index_check_command(repair: bool) -> None:
    """Compare every item in the database with the index; exit 1 on any difference."""
    with _progress("Checking") as progress:
        report = indexing.check(progress)
    click.echo(
        f"Checked {report.checked} items: {len(report.missing)} missing, "
        f"{len(report.stale)} stale, {len(report.extra)} extra."
    )
    for label, ids in (("missing", report.missing), ("stale", report.stale)):
        if ids:
            click.echo(f"  {label}: " + " ".join(str(i) for i in ids[:50]))
    if report.extra:
        click.echo("  extra: " + " ".join(str(i) for i in report.extra[:50]))
    if repair and not report.clean:
        queued = indexing.repair(report)
        click.echo(f"Queued {queued} items for the worker to index again.")
    if not report.clean:
        raise SystemExit(1)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, then exit.")
def worker_command(once: bool) -> None:
    """Run the background worker: search index, e-mail, video posters (Ctrl-C stops it)."""
    if once:
        click.echo(f"{worker.drain()} jobs done.")
        return
    lock = _single_worker_lock() if is_sqlite() else None
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        if indexing.service().backend.needs_rebuild():
            click.echo("The search index is in an older layout; rebuilding it first.")
            rebuild_with_progress()
        click.echo("Worker running (Ctrl-C to stop).")
        worker.run(stop)
    finally:
        if lock is not None:
            lock.close()


def _single_worker_lock():
    """On SQLite one worker runs: a second one waits here until the first stops."""
    path = Path(current_app.config["INSTANCE_DIR"]) / "worker.lock"
    handle = open(path, "a+b")  # noqa: SIM115 - held for the life of the worker
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        click.echo("Another worker is running on this SQLite database; waiting for it to stop.")
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


@click.command("fsck")
@click.option("--delete", is_flag=True, help="Remove the orphaned and stale files found.")
@click.option(
    "--older-than",
    "minutes",
    default=fsck.DEFAULT_MIN_AGE_SECONDS // 60,
    show_default=True,
    help="Only files untouched this many minutes count (uploads in progress are younger).",
)
def fsck_command(delete: bool, minutes: int) -> None:
    """List stored files no database row names, stale upload temp files, and missing files."""
    report = fsck.scan(min_age_seconds=minutes * 60)
    for entry in report.orphans:
        click.echo(f"orphan    {entry.key}  {entry.size} bytes")
    for entry in report.temp_files:
        click.echo(f"temp      {entry.key}  {entry.size} bytes")
    for file_id, key in report.missing:
        click.echo(f"missing   {key}  (file {file_id})")
    click.echo(
        f"{len(report.orphans)} orphaned files, {len(report.temp_files)} stale temp files, "
        f"{len(report.missing)} missing; {report.reclaimable()} bytes reclaimable"
        + (f"; {report.young} recent files left alone" if report.young else "")
    )
    if delete and (report.orphans or report.temp_files):
        click.echo(f"Deleted; {fsck.delete_reclaimable(report)} bytes freed.")
    if report.missing or (not delete and not report.clean):
        raise SystemExit(1)


@click.command("extract")
@click.option(
    "--pending", is_flag=True, help="Queue every file uploaded before the library read files."
)
@click.option("--again", is_flag=True, help="Also read again the files that could not be read.")
@click.option("--now", is_flag=True, help="Read them here and now instead of by the worker.")
def extract_command(pending: bool, again: bool, now: bool) -> None:
    """Read the words in documents and pictures, and hash the photos (near-duplicates)."""
    if not (pending or again):
        raise click.UsageError("Say which files: --pending (and --again for failed ones).")
    with click.progressbar(length=1, label="Looking at files", show_pos=True) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        queued, hashed = extraction.queue_pending(progress, again=again)
    click.echo(f"Queued {queued} files for reading; hashed {hashed} photos.")
    if now and queued:
        with click.progressbar(length=queued, label="Reading", show_pos=True) as bar:
            while done := worker.run_once([JobKind.EXTRACT]):
                bar.update(done)
        click.echo(f"{worker.drain([JobKind.INDEX])} index jobs done.")
