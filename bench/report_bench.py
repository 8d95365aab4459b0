"""The quarterly report at scale: 50,000 items and 1,000,000 downloads.

    .venv/bin/python bench/report_bench.py [--db sqlite|postgresql|both] [--items 50000]
        [--downloads 1000000]

For each database: a fresh schema from the migrations, then 60 member organisations, 10 partner
outlets, 900 accounts, 12 campaigns, the items spread over 2025–2026 with their review log
(submission and decision; a tenth returned once), 1,000,000 downloads and 5,000 recorded uses,
written in bulk. Then, signed in as a curator through the test client (the full request: access,
queries, template, charts' options): the report page, one organisation's page and the XLSX for
2026Q4, each the median of 5 runs after one warm-up; and the same again without the two indexes
the report's migration adds (`ix_download_event_period`, `ix_item_first_submitted_at`), as the
baseline. Targets (the issue): page ≤ 1 s, XLSX ≤ 5 s. Written to docs/report-benchmark.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from config import Config  # noqa: E402
from kitchen import create_app  # noqa: E402
from kitchen.extensions import db  # noqa: E402
from kitchen.models import (  # noqa: E402
    Campaign,
    DownloadEvent,
    Item,
    ItemUse,
    Organization,
    Review,
    User,
    item_campaign,
)
from tests.support.postgres import postgres_server  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = datetime(2027, 1, 1, tzinfo=UTC) - START
PASSWORD = "bench-password-1"
CHUNK = 20_000
INDEXES = (
    ("ix_download_event_period", "download_event", "created_at, item_id, user_id"),
    ("ix_item_first_submitted_at", "item", "first_submitted_at"),
)


def moment(rng: random.Random) -> datetime:
    """A random instant in 2025–2026."""
    return START + timedelta(seconds=rng.random() * SPAN.total_seconds())


def bulk(table, rows: Iterator[dict], report: Callable[[int], None] | None = None) -> int:
    """Insert rows in chunks; returns how many."""
    batch: list[dict] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            db.session.execute(insert(table), batch)
            count += len(batch)
            batch.clear()
            if report:
                report(count)
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    db.session.commit()
    return count


def populate(items: int, downloads: int, seed: int = 5) -> dict[str, int]:
    """The library's history, in bulk."""
    rng = random.Random(seed)
    provinces = ["北京", "上海", "四川", "广东", "湖北", "陕西", "甘肃", "云南", "浙江", "江苏"]
    orgs = [
        {"name": f"{p}{n}号科学技术协会", "kind": "provincial" if n % 3 else "city", "region": p}
        for p in provinces
        for n in range(1, 5)
    ] + [
        {"name": f"中国第{n}学会", "kind": "national_society", "region": "全国"} for n in range(20)
    ]
    bulk(Organization.__table__, ({**o, "active": True, "created_at": START} for o in orgs))
    bulk(
        Organization.__table__,
        (
            {
                "name": f"合作媒体{n}",
                "kind": "media",
                "region": "北京",
                "active": True,
                "created_at": START,
            }
            for n in range(10)
        ),
    )
    members = list(db.session.scalars(select(Organization.id).where(Organization.kind != "media")))
    outlets = list(db.session.scalars(select(Organization.id).where(Organization.kind == "media")))
    digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

    def account(n: int, role: str, org: int | None) -> dict:
        return {
            "email": f"{role}{n}@bench.example.com",
            "display_name": f"{role}{n}",
            "password_hash": digest,
            "role": role,
            "organization_id": org,
            "active": True,
            "created_at": START,
        }

    people = [account(n, "contributor", members[n % len(members)]) for n in range(600)]
    people += [account(n, "journalist", outlets[n % len(outlets)]) for n in range(295)]
    people += [account(n, "curator", None) for n in range(5)]
    bulk(User.__table__, iter(people))
    contributors = dict(
        db.session.execute(select(User.id, User.organization_id).where(User.role == "contributor"))
        .tuples()
        .all()
    )
    journalists = list(db.session.scalars(select(User.id).where(User.role == "journalist")))
    curators = list(db.session.scalars(select(User.id).where(User.role == "curator")))
    by_org: dict[int, list[int]] = {}
    for user_id, org_id in contributors.items():
        by_org.setdefault(org_id, []).append(user_id)
    bulk(
        Campaign.__table__,
        (
            {
                "slug": f"call-{n}",
                "name": f"征集活动{n}",
                "description": "",
                "starts_on": date(2025, 1, 1) + timedelta(days=60 * n),
                "ends_on": date(2025, 1, 1) + timedelta(days=60 * n + 75),
                "is_open": n >= 10,
                "created_at": START,
            }
            for n in range(12)
        ),
    )
    campaigns = list(db.session.scalars(select(Campaign.id)))
    kinds = ["story", "photo", "video", "lead", "product"]
    item_rows, review_rows, tag_rows = [], [], []
    approved_ids: list[int] = []
    for number in range(1, items + 1):
        org = members[rng.randrange(len(members))]
        submitter = rng.choice(by_org[org])
        sent = moment(rng)
        fate = rng.random()
        approved_at = sent + timedelta(hours=rng.uniform(1, 96)) if fate < 0.8 else None
        status = "approved" if approved_at else ("rejected" if fate < 0.9 else "submitted")
        item_rows.append(
            {
                "id": number,
                "kind": rng.choice(kinds),
                "title": f"科普素材{number}",
                "summary": "",
                "body": "",
                "people": "",
                "place": "",
                "credit_line": "科协",
                "usage_terms": "with_credit",
                "consent_confirmed": True,
                "credit_stamp": False,
                "keywords": "",
                "contact_name": "",
                "contact_info": "",
                "angle": "",
                "urgency": "normal",
                "link_url": "",
                "status": status,
                "featured": bool(approved_at and rng.random() < 0.1),
                "organization_id": org,
                "submitter_id": submitter,
                "created_at": sent,
                "updated_at": sent,
                "submitted_at": sent,
                "first_submitted_at": sent,
                "approved_at": approved_at,
                "version": 1,
            }
        )
        curator = rng.choice(curators)
        review_rows.append(_review(number, submitter, "submit", "draft", "submitted", sent))
        if rng.random() < 0.1:
            back = sent + timedelta(hours=rng.uniform(1, 24))
            review_rows.append(
                _review(number, curator, "request_changes", "submitted", "changes_requested", back)
            )
            review_rows.append(
                _review(
                    number,
                    submitter,
                    "submit",
                    "changes_requested",
                    "submitted",
                    back + timedelta(hours=2),
                )
            )
        if approved_at:
            review_rows.append(
                _review(number, curator, "approve", "submitted", "approved", approved_at)
            )
            approved_ids.append(number)
        elif status == "rejected":
            review_rows.append(
                _review(
                    number, curator, "reject", "submitted", "rejected", sent + timedelta(hours=30)
                )
            )
        if rng.random() < 0.2:
            tag_rows.append({"item_id": number, "campaign_id": rng.choice(campaigns)})
    bulk(Item.__table__, iter(item_rows))
    bulk(Review.__table__, iter(review_rows))
    bulk(item_campaign, iter(tag_rows))
    downloaders = journalists * 7 + list(contributors) * 2 + curators

    def downloads_rows() -> Iterator[dict]:
        for _ in range(downloads):
            yield {
                "user_id": rng.choice(downloaders),
                "item_id": rng.choice(approved_ids),
                "rendition": "original",
                "via": "web",
                "created_at": moment(rng),
            }

    started = time.perf_counter()
    bulk(
        DownloadEvent.__table__,
        downloads_rows(),
        lambda n: (
            print(f"  … {n} downloads ({time.perf_counter() - started:.0f} s)", flush=True)
            if n % 200_000 == 0
            else None
        ),
    )
    bulk(
        ItemUse.__table__,
        (
            {
                "item_id": rng.choice(approved_ids),
                "outlet": f"合作媒体{rng.randrange(10)}",
                "url": "",
                "published_on": moment(rng).date(),
                "channel": "paper",
                "recorded_by_id": rng.choice(journalists),
                "created_at": START,
            }
            for _ in range(5_000)
        ),
    )
    return {
        "items": db.session.scalar(select(func.count(Item.id))) or 0,
        "downloads": db.session.scalar(select(func.count(DownloadEvent.id))) or 0,
        "reviews": db.session.scalar(select(func.count(Review.id))) or 0,
    }


def _review(item: int, actor: int, action: str, source: str, target: str, when: datetime) -> dict:
    return {
        "item_id": item,
        "actor_id": actor,
        "action": action,
        "from_status": source,
        "to_status": target,
        "comment": "",
        "created_at": when,
    }


def timed(call: Callable[[], object], runs: int) -> float:
    """The median of `runs` timings in ms, after one warm-up run."""
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def measure(app: Flask) -> dict[str, float]:
    """Page, organisation page and XLSX, through the whole request, as a curator."""
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "curator0@bench.example.com", "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    org = db.session.scalar(select(Organization.id).where(Organization.kind == "provincial"))

    def get(url: str) -> Callable[[], object]:
        def run() -> object:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer.data

        return run

    return {
        "report page": timed(get("/reports/?period=2026Q4"), 5),
        "organisation page": timed(get(f"/reports/org/{org}?period=2026Q4"), 5),
        "XLSX": timed(get("/reports/export.xlsx?period=2026Q4"), 5),
        "year page (2026)": timed(get("/reports/?period=2026"), 3),
    }


@contextmanager
def database(kind: str) -> Iterator[str | None]:
    if kind == "sqlite":
        yield None
    else:
        with postgres_server() as url:
            yield url


def run(kind: str, items: int, downloads: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder, database(kind) as url:
        config = Config()
        config.INSTANCE_DIR = folder
        config.UPLOADS_DIR = str(Path(folder) / "uploads")
        config.SEARCH_INDEX_DIR = str(Path(folder) / "index")
        config.SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{folder}/bench.sqlite"
        config.SECRET_KEY = "bench"
        config.WTF_CSRF_ENABLED = False
        config.LOG_LEVEL = "WARNING"
        app = create_app(config)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            counts = populate(items, downloads)
            loaded = time.perf_counter() - started
            db.session.execute(text("ANALYZE"))  # both databases plan from fresh statistics
            db.session.commit()
            with_indexes = measure(app)
            for name, _table, _columns in INDEXES:
                db.session.execute(text(f"DROP INDEX {name}"))
            db.session.commit()
            without = measure(app)
            db.session.remove()
    return {"counts": counts, "loaded_s": loaded, "now": with_indexes, "baseline": without}


def table(results: dict[str, dict]) -> str:
    lines = [
        "| database | view | with the migration's indexes | without them (baseline) | target |",
        "|---|---|---|---|---|",
    ]
    targets = {"report page": "≤ 1,000 ms", "XLSX": "≤ 5,000 ms"}
    for kind, result in results.items():
        for view, ms in result["now"].items():
            lines.append(
                f"| {kind} | {view} | {ms:,.0f} ms | {result['baseline'][view]:,.0f} ms | "
                f"{targets.get(view, '')} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--downloads", type=int, default=1_000_000)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = {}
    for kind in kinds:
        print(f"{kind}: loading {args.items} items and {args.downloads} downloads", flush=True)
        results[kind] = run(kind, args.items, args.downloads)
        counts = results[kind]["counts"]
        print(f"  loaded {counts} in {results[kind]['loaded_s']:.0f} s", flush=True)
    out = table(results)
    print(out)
    argv = " ".join(sys.argv[1:])
    doc = ROOT / "docs" / "report-benchmark.md"
    doc.write_text(
        "# Report benchmark\n\n"
        f"`bench/report_bench.py {argv}` on {date.today().isoformat()}: "
        f"{args.items:,} items, {args.downloads:,} downloads over 2025–2026, 5,000 recorded "
        "uses; medians of 5 runs (the year page: 3) through the whole request as a curator.\n\n"
        f"{out}\n",
        encoding="utf-8",
    )
    print(f"written to {doc}")


if __name__ == "__main__":
    main()
