"""The job queue: record work in the current transaction, claim it, settle it, report on it.

The queue is a table of the application's own database rather than a job library: a job must be
committed in the same transaction as the change that causes it (or a kill -9 between the two
loses it), and no maintained library records jobs through our SQLAlchemy session on both SQLite
and PostgreSQL without a server of its own (huey, RQ, Celery, Dramatiq want Redis or their own
connection; procrastinate is PostgreSQL only). Delivery is at least once: a row is deleted only
after its work is done, so handlers are idempotent.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update

from kitchen.database import is_sqlite
from kitchen.extensions import db
from kitchen.models import Job, JobKind, utcnow

MAX_BACKOFF_SECONDS = 600
ERROR_CHARS = 2000


@dataclass
class Outcome:
    """What a handler did with the targets of a batch: done, failed (retry later), gave up."""

    done: set[int] = field(default_factory=set)
    failed: dict[int, str] = field(default_factory=dict)
    gave_up: dict[int, str] = field(default_factory=dict)


@dataclass
class QueueStats:
    """How one kind of job stands: waiting, the oldest waiting, failing and given up."""

    kind: str
    pending: int
    oldest: datetime | None
    failing: int
    gave_up: int

    @property
    def oldest_age(self) -> timedelta | None:
        """How long the oldest waiting job has waited."""
        return None if self.oldest is None else utcnow() - self.oldest


def enqueue(kind: JobKind, target_id: int) -> None:
    """Record a job in the current transaction (committed, or rolled back, with the change)."""
    db.session.add(Job(kind=kind.value, target_id=target_id))


def enqueue_many(kind: JobKind, target_ids: Iterable[int]) -> int:
    """Record one job per target in the current transaction; return how many."""
    rows = [{"kind": kind.value, "target_id": t} for t in dict.fromkeys(target_ids)]
    if rows:
        db.session.execute(insert(Job), rows)
    return len(rows)


@dataclass(frozen=True)
class Claimed:
    """A job taken for a batch: plain values, not a row object, because another drainer may
    delete the row meanwhile (on SQLite two can take the same rows) and that is no error."""

    id: int
    target_id: int
    attempts: int


def claim(kind: JobKind, limit: int) -> list[Claimed]:
    """Due jobs of a kind, oldest first. On PostgreSQL they stay locked (SKIP LOCKED) until the
    transaction ends, so several workers share the queue; on SQLite one worker runs."""
    query = (
        select(Job.id, Job.target_id, Job.attempts)
        .where(Job.kind == kind.value, Job.gave_up.is_(False), Job.run_after <= utcnow())
        .order_by(Job.id)
        .limit(limit)
    )
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    return [Claimed(*row) for row in db.session.execute(query)]


def settle(jobs: list[Claimed], outcome: Outcome) -> None:
    """Delete the jobs whose target is done; reschedule or retire the others (no commit)."""
    done = [j.id for j in jobs if j.target_id in outcome.done]
    if done:
        db.session.execute(delete(Job).where(Job.id.in_(done)))
    for job in jobs:
        if job.target_id in outcome.gave_up:
            _record_failure(job, outcome.gave_up[job.target_id], give_up=True)
        elif job.target_id in outcome.failed:
            _record_failure(job, outcome.failed[job.target_id], give_up=False)


def fail_all(jobs: list[Claimed], error: str) -> None:
    """Reschedule every job of a batch whose handler broke down (no commit)."""
    for job in jobs:
        _record_failure(job, error, give_up=False)


def _record_failure(job: Claimed, error: str, give_up: bool) -> None:
    attempts = job.attempts + 1
    delay = min(2**attempts, MAX_BACKOFF_SECONDS) * (0.75 + random.random() / 2)
    db.session.execute(
        update(Job)
        .where(Job.id == job.id)
        .values(
            attempts=attempts,
            last_error=error[:ERROR_CHARS],
            gave_up=give_up,
            run_after=utcnow() + timedelta(seconds=delay),
        )
        .execution_options(synchronize_session=False)
    )


def stats() -> list[QueueStats]:
    """Queue figures for every kind of job."""
    rows = db.session.execute(
        select(
            Job.kind,
            func.count().filter(Job.gave_up.is_(False)),
            func.min(Job.created_at).filter(Job.gave_up.is_(False)),
            func.count().filter(Job.attempts > 0, Job.gave_up.is_(False)),
            func.count().filter(Job.gave_up.is_(True)),
        ).group_by(Job.kind)
    ).all()
    found = {row[0]: row for row in rows}
    result = []
    for kind in JobKind:
        row = found.get(kind.value)
        pending, oldest, failing, gave_up = row[1:] if row else (0, None, 0, 0)
        result.append(QueueStats(kind.value, pending, _aware(oldest), failing, gave_up))
    return result


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates bypass the column type: SQLite hands back naive UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def failures(limit: int = 200) -> list[Job]:
    """Jobs that failed at least once, the most recent failures first."""
    query = select(Job).where(Job.attempts > 0).order_by(Job.run_after.desc()).limit(limit)
    return list(db.session.scalars(query))


def retry_failed() -> int:
    """Make every failed job due now, the given-up ones included; commit."""
    result = db.session.execute(
        update(Job).where(Job.attempts > 0).values(run_after=utcnow(), gave_up=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
