"""Campaign and organisation names for result pages, kept per process for a few seconds.

Every search page labels its facets and rows with these names; reading both tables each time
cost a tenth of the page. A rename is seen at once by the process that made it (the change hook
forgets the names) and by every other process within TTL_SECONDS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

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
        """The organisation, or a placeholder for one created a moment ago elsewhere."""
        return self.orgs.get(str(org_id)) or OrgRef(org_id, "", OrgKind.PROVINCIAL)


_CAMPAIGNS = select(Campaign.slug, Campaign.name)
_ORGS = select(Organization.id, Organization.name, Organization.kind)


def names() -> Names:
    """The current names (at most TTL_SECONDS old)."""
    held = current_app.extensions.get("kitchen_names")
    if held is not None and held[0] > time.monotonic():
        return held[1]
    campaigns = dict(db.session.execute(_CAMPAIGNS).all())
    orgs = {str(i): OrgRef(i, name, kind) for i, name, kind in db.session.execute(_ORGS)}
    found = Names(campaigns, orgs)
    with _lock:
        current_app.extensions["kitchen_names"] = (time.monotonic() + TTL_SECONDS, found)
    return found


def forget() -> None:
    """Drop this process's names (a campaign or an organisation is changing)."""
    current_app.extensions.pop("kitchen_names", None)
