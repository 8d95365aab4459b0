"""The worker: drains the job queue (search index, e-mail, video posters, file text) in batches.

`kitchen worker` runs `run()` until SIGTERM or Ctrl-C, finishing the batch in hand. Each batch is
claimed, handled and settled in one transaction: rows are deleted only once their work is done,
so a worker killed at any moment leaves them for the next run (at least once, never lost), and
every handler is safe to run twice. A failing target is retried with backoff and shown on
/admin/search; it never holds up the rest of its batch. Tests drain the queue synchronously with
`drain()`.

Media work (video posters, reading the words in files) runs in a thread of its own, so index
and e-mail jobs never wait behind a slow file: the two loops claim different kinds of job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

from kitchen.extensions import db
from kitchen.models import JobKind
from kitchen.services import (
    account_links,
    alerts,
    calls,
    extraction,
    indexing,
    jobs,
    notifications,
    rights,
    uploads,
)

log = logging.getLogger("kitchen.worker")

POLL_SECONDS = 0.25  # how long an idle worker waits before looking again
INDEX_PAUSE_SECONDS = 0.4  # between rounds under load: fewer, larger segments; readers
# reopen their searchers (and lose their kept answers) once a round, not at every change


@dataclass(frozen=True)
class Handler:
    """How to do one kind of job: the function, targets per batch, attempts before giving up."""

    run: Callable[[list[int]], jobs.Outcome]
    batch: int
    max_attempts: int | None  # None: keep retrying (with backoff) until it works


def _index(item_ids: list[int]) -> jobs.Outcome:
    with indexing.writing(timeout=0) as allowed:
        if not allowed:  # an import or another drainer is writing: leave the jobs queued
            return jobs.Outcome()
        return indexing.index_items(item_ids)


HANDLERS: dict[JobKind, Handler] = {
    JobKind.INDEX: Handler(_index, batch=5000, max_attempts=None),
    JobKind.MAIL: Handler(notifications.email_notifications, batch=20, max_attempts=8),
    JobKind.POSTER: Handler(uploads.make_posters, batch=4, max_attempts=5),
    JobKind.ACCOUNT_MAIL: Handler(account_links.email_links, batch=20, max_attempts=8),
    JobKind.EXTRACT: Handler(extraction.read_files, batch=1, max_attempts=8),
}
# Slow work on files, done by the media thread of `run`; the rest by its main loop.
MEDIA_KINDS = (JobKind.POSTER, JobKind.EXTRACT)
QUICK_KINDS = tuple(kind for kind in HANDLERS if kind not in MEDIA_KINDS)


def run_batch(kind: JobKind) -> int:
    """Claim, handle and settle one batch of one kind; return how many jobs were settled."""
    handler = HANDLERS[kind]
    claimed = jobs.claim(kind, handler.batch)
    if not claimed:
        db.session.rollback()
        return 0
    targets = list(dict.fromkeys(job.target_id for job in claimed))
    try:
        outcome = handler.run(targets)
    except Exception as exc:  # the handler broke down: the whole batch waits for a retry
        log.exception("%s jobs failed", kind.value)
        db.session.rollback()
        jobs.fail_all(claimed, f"{type(exc).__name__}: {exc}")
        db.session.commit()
        return 0
    _give_up_on_exhausted(claimed, outcome, handler)
    jobs.settle(claimed, outcome)
    db.session.commit()
    return sum(1 for job in claimed if job.target_id in outcome.done)


def _give_up_on_exhausted(
    claimed: list[jobs.Claimed], outcome: jobs.Outcome, handler: Handler
) -> None:
    """A target that failed its last allowed attempt is given up (and stays listed)."""
    if handler.max_attempts is None:
        return
    for job in claimed:
        error = outcome.failed.get(job.target_id)
        if error is not None and job.attempts + 1 >= handler.max_attempts:
            outcome.gave_up[job.target_id] = error
            del outcome.failed[job.target_id]


def run_once(kinds: Iterable[JobKind] | None = None) -> int:
    """One batch of each kind; return how many jobs were settled in all."""
    done = 0
    for kind in kinds or HANDLERS:
        try:
            done += run_batch(kind)
        except BaseException:
            db.session.rollback()
            raise
    return done


def drain(kinds: Iterable[JobKind] | None = None, max_rounds: int = 10_000) -> int:
    """Run batches until nothing is due (tests, `kitchen demo`, `kitchen import`)."""
    wanted = list(kinds or HANDLERS)
    total = 0
    for _round in range(max_rounds):
        done = run_once(wanted)
        total += done
        if not done:
            break
    return total


# Work by the clock rather than by the queue: (name, what, how often in seconds).
PERIODIC: list[tuple[str, Callable[[], object], float]] = [
    ("rights expiry", lambda: rights.sweep(), 600.0),
    ("calls", lambda: calls.sweep(), 600.0),
    ("saved searches", lambda: alerts.sweep(), 600.0),
]


def run_periodic(last: dict[str, float], now: float | None = None) -> int:
    """Run the periodic work that is due (`last` remembers when each ran); how many ran."""
    now = time.monotonic() if now is None else now
    ran = 0
    for name, work, every in PERIODIC:
        if now - last.get(name, -every) >= every:
            last[name] = now
            try:
                work()
                ran += 1
            except Exception:
                db.session.rollback()
                log.exception("%s failed", name)
    return ran


def run(stop: threading.Event, poll: float = POLL_SECONDS) -> None:
    """Work until `stop` is set: batches while there is work, a short wait when there is none;
    the periodic work (rights expiry, calls, saved searches) when it is due. Media jobs run in
    a second thread meanwhile (MEDIA_KINDS), each in an app context and session of its own."""
    log.info("worker started")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    media = threading.Thread(
        target=_media_loop, args=(app, stop, poll), name="kitchen-media", daemon=True
    )
    media.start()
    last: dict[str, float] = {}
    try:
        _loop(stop, poll, QUICK_KINDS, lambda: run_periodic(last))
    finally:
        stop.set()
        media.join()
        extraction.reader().stop()
    log.info("worker stopped")


def _media_loop(app: Flask, stop: threading.Event, poll: float) -> None:
    with app.app_context():
        _loop(stop, poll, MEDIA_KINDS, lambda: 0)


def _loop(
    stop: threading.Event, poll: float, kinds: tuple[JobKind, ...], periodic: Callable[[], int]
) -> None:
    while not stop.is_set():
        try:
            periodic()
            done = run_once(kinds)
        except Exception:  # the database went away, say: keep the worker alive and retry
            log.exception("worker round failed")
            done = 0
        finally:
            db.session.remove()  # a fresh session each round: nothing cached, memory flat
        if done:
            time.sleep(INDEX_PAUSE_SECONDS if JobKind.INDEX in kinds else 0)
        else:
            stop.wait(poll)
