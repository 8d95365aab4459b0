"""Campaign and organisation names for result pages, kept per process for a few seconds.

Every search page labels its facets and rows with these names; reading both tables each time
cost a tenth of the page. A rename is seen at once by the process that made it (a flush that
touches a campaign or an organisation forgets the names), by every other process within
TTL_SECONDS, and an organisation the kept names do not know yet makes them be read again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from kitchen.extensions import db
from kitchen.models import Campaign, Organization, OrgKind

TTL_SECONDS = 10.0
_lock = threading.Lock()


@dataclass(frozen=True)
class OrgRef:
    """An organisation as a result row names it."""

    id: int
    name: str
    kind: OrgKind


@dataclass(frozen=True)
class Names:
    """Campaign names by slug, organisations by id (as text, the index's facet value)."""

    campaigns: dict[str, str]
    orgs: dict[str, OrgRef]

    def org(self, org_id: int) -> OrgRef:
        """The organisation with this id."""
        return self.orgs[str(org_id)]


_CAMPAIGNS = select(Campaign.slug, Campaign.name)
_ORGS = select(Organization.id, Organization.name, Organization.kind)


def names(org_ids: Iterable[int] = ()) -> Names:
    """The current names (at most TTL_SECONDS old), knowing at least these organisations."""
    held = current_app.extensions.get("kitchen_names")
    if (
        held is not None
        and held[0] > time.monotonic()
        and all(str(i) in held[1].orgs for i in org_ids)
    ):
        cached: Names = held[1]
        return cached
    campaigns: dict[str, str] = {slug: name for slug, name in db.session.execute(_CAMPAIGNS)}
    orgs = {str(i): OrgRef(i, name, kind) for i, name, kind in db.session.execute(_ORGS)}
    found = Names(campaigns, orgs)
    with _lock:
        current_app.extensions["kitchen_names"] = (time.monotonic() + TTL_SECONDS, found)
    return found


def init_app(app: Flask) -> None:
    """Forget the names whenever a flush touches a campaign or an organisation."""
    if not event.contains(db.session, "after_flush", _forget_on_change):
        event.listen(db.session, "after_flush", _forget_on_change)


def _forget_on_change(session: Session, _flush_context: object) -> None:
    changed = chain(session.new, session.dirty, session.deleted)
    if any(isinstance(obj, Campaign | Organization) for obj in changed):
        current_app.extensions.pop("kitchen_names", None)
