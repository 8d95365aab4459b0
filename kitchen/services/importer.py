"""Bulk import from JSON Lines, for moving an existing library in.

One item a line: kind, org (name), status, campaigns (slugs) and the item's fields as the API
names them (title, summary, body, people, keywords, credit, event_date, place, usage_terms …).
Unknown organisations and campaigns are created and reported; a bad line is reported with its
number and skipped, the good lines are kept; approved items are searchable when the import
returns.

The import holds the index's write right throughout and indexes every INDEX_EVERY items in one
go, through the same queue as every other change: whole segments of new items, no merging.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from kitchen.extensions import db
from kitchen.fields import RELATIONS
from kitchen.models import Campaign, Item, ItemStatus, JobKind, Organization, OrgKind, User, utcnow
from kitchen.services import audit, indexing, item_fields, submission, validation, worker
from kitchen.services.errors import DomainError

BATCH = 500  # items a database transaction
INDEX_EVERY = 5000  # items an index commit: whole bulk segments, built on every core
# A line's item fields, named as the API names them (campaigns are looked up on their own).
SPEC = tuple(f for f in submission.ItemData.spec if f.type not in RELATIONS)


@dataclass
class ImportReport:
    """What an import did."""

    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_orgs: list[str] = field(default_factory=list)
    new_campaigns: list[str] = field(default_factory=list)


class _Lookups:
    """Organisations and campaigns by name/slug, created on first sight."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.orgs = {o.name: o for o in db.session.scalars(select(Organization))}
        self.campaigns = {c.slug: c for c in db.session.scalars(select(Campaign))}

    def org(self, name: str) -> Organization:
        name = validation.text(name, "org", max_len=120, required=True)
        if name not in self.orgs:
            self.orgs[name] = Organization(name=name, kind=OrgKind.PROVINCIAL, region="")
            db.session.add(self.orgs[name])
            self.report.new_orgs.append(name)
        return self.orgs[name]

    def campaign(self, slug: str) -> Campaign:
        slug = validation.text(slug, "campaigns", max_len=64, required=True).lower()
        if slug not in self.campaigns:
            self.campaigns[slug] = Campaign(slug=slug, name=slug, is_open=False)
            db.session.add(self.campaigns[slug])
            self.report.new_campaigns.append(slug)
        return self.campaigns[slug]


def _item(record: dict[str, Any], lookups: _Lookups, actor: User) -> Item:
    """Check one record and build its item (not yet committed)."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    defaults = {"usage_terms": "with_credit", "contact_name": "-", "contact_info": "-"}
    data = submission.ItemData(
        str(record.get("kind", "")),
        **{"consent_confirmed": True, **defaults, **item_fields.from_record(record, SPEC)},
    )
    values = submission.clean_fields(data)
    status = validation.choice(str(record.get("status") or "approved"), ItemStatus, "status")
    org = lookups.org(str(record.get("org", "")))
    campaigns = [lookups.campaign(s) for s in record.get("campaigns") or []]
    item = Item(organization=org, submitter_id=actor.id, status=status, **values)
    item.campaigns = campaigns
    if status != ItemStatus.DRAFT:
        item.submitted_at = item.first_submitted_at = utcnow()
    if status == ItemStatus.APPROVED:
        item.approved_at = utcnow()
    return item


def import_lines(
    lines: Iterable[str], actor: User, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Import every good line; report the bad ones by line number."""
    report = ImportReport()
    with indexing.writing(), indexing.service().backend.bulk():
        _import(lines, actor, report, progress)
        worker.drain([JobKind.INDEX])
    return report


def _import(
    lines: Iterable[str],
    actor: User,
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> None:
    lookups = _Lookups(report)
    batch: list[Item] = []
    unindexed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            with db.session.no_autoflush:
                item = _item(json.loads(line), lookups, actor)
        except (ValueError, TypeError, DomainError) as exc:
            message = str(exc.message) if isinstance(exc, DomainError) else str(exc)
            field_name = getattr(exc, "field", None)
            report.errors.append((number, f"{field_name}: {message}" if field_name else message))
            continue
        db.session.add(item)
        batch.append(item)
        if len(batch) >= BATCH:
            unindexed += _flush(batch, actor)
            report.imported += BATCH
            if unindexed >= INDEX_EVERY:
                worker.drain([JobKind.INDEX])
                unindexed = 0
            if progress:
                progress(report.imported)
    report.imported += _flush(batch, actor)
    if progress:
        progress(report.imported)


def _flush(batch: list[Item], actor: User) -> int:
    """Commit a batch (its index jobs go with it) and audit it."""
    if not batch:
        return 0
    db.session.flush()
    audit.record(actor, "item.import", "item", None, {"ids": [i.id for i in batch]})
    db.session.commit()
    count = len(batch)
    for item in batch:  # keep memory flat over a large import
        db.session.expunge(item)
    batch.clear()
    return count
