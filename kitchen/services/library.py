"""The journalists' library: search within the user's scope, with facets and item rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kitchen.extensions import db
from kitchen.models import Campaign, Item, ItemStatus, Organization, User
from kitchen.search import Hit, SearchQuery, SearchResults
from kitchen.services import indexing
from kitchen.services.access import Action, authorize, can_see, search_scope

SORTS = ("relevance", "newest")


@dataclass
class LibraryHit:
    """A result with its item row, its highlighted title and snippet."""

    item: Item
    title_html: str
    snippet_html: str


@dataclass
class LibraryResults:
    """One page of results with facet counts (labels resolved for display)."""

    total: int
    page: int
    per_page: int
    hits: list[LibraryHit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    raw: SearchResults | None = None

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def _query(
    user: User, text: str, filters: dict[str, object], sort: str, page: int, per_page: int
) -> SearchQuery:
    """The engine query for this user: their filters inside their scope."""
    statuses, own = search_scope(user)
    org = filters.get("org")
    return SearchQuery(
        text=(text or "")[:500],
        campaign=filters.get("campaign") or None,  # type: ignore[arg-type]
        kind=filters.get("kind") or None,  # type: ignore[arg-type]
        organization=str(org) if org else None,
        year=filters.get("year") or None,  # type: ignore[arg-type]
        status=filters.get("status") if statuses is None else None,  # type: ignore[arg-type]
        statuses=statuses,
        visible_org_statuses=(str(own[0]), own[1]) if own else None,
        sort=sort if sort in SORTS else "relevance",
        page=max(1, min(page, 500)),
        per_page=max(1, min(per_page, 100)),
    )


def search(
    user: User,
    text: str = "",
    *,
    campaign: str | None = None,
    kind: str | None = None,
    org: int | None = None,
    year: int | None = None,
    status: str | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> LibraryResults:
    """Search the items the user may see; facets count within the same scope."""
    authorize(user, Action.SEARCH)
    filters = {"campaign": campaign, "kind": kind, "org": org, "year": year, "status": status}
    raw = indexing.service().search(_query(user, text, filters, sort, page, per_page))
    rows = _load([hit.id for hit in raw.hits])
    hits = [
        LibraryHit(rows[h.id], h.title_html, h.snippet_html)
        for h in raw.hits
        if h.id in rows and can_see(user, rows[h.id])
    ]
    return LibraryResults(
        total=raw.total,
        page=raw.page,
        per_page=raw.per_page,
        hits=hits,
        facets=_labelled(raw.facets),
        raw=raw,
    )


def _load(ids: list[int]) -> dict[int, Item]:
    """The items for a page of hits, with what the result list shows."""
    if not ids:
        return {}
    query = (
        select(Item)
        .where(Item.id.in_(ids))
        .options(selectinload(Item.files), selectinload(Item.campaigns))
    )
    return {item.id: item for item in db.session.scalars(query).unique()}


def _labelled(facets: dict[str, dict[str, int]]) -> dict[str, list[tuple[str, str, int]]]:
    """Facet counts as (value, label, count), largest first; names from the database."""
    from kitchen.labels import label
    from kitchen.models import ItemKind

    campaigns = dict(db.session.execute(select(Campaign.slug, Campaign.name)).all())
    orgs = {str(i): n for i, n in db.session.execute(select(Organization.id, Organization.name))}
    namers = {
        "campaign": lambda v: campaigns.get(v, v),
        "organization": lambda v: orgs.get(v, v),
        "kind": lambda v: label(ItemKind(v)) if v in ItemKind.__members__.values() else v,
        "status": lambda v: label(ItemStatus(v)) if v in ItemStatus.__members__.values() else v,
        "year": lambda v: v,
    }
    result: dict[str, list[tuple[str, str, int]]] = {}
    for name, counts in facets.items():
        namer = namers.get(name, lambda v: v)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if name == "year":
            ordered = sorted(counts.items(), reverse=True)
        result[name] = [(value, str(namer(value)), count) for value, count in ordered if count]
    return result


__all__ = ["Hit", "LibraryHit", "LibraryResults", "search"]
