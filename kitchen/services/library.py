"""The journalists' library: search within the user's scope, with facets and item rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, UsageTerms, User
from kitchen.search import Hit, SearchQuery, SearchResults
from kitchen.services import indexing, names
from kitchen.services.access import Action, authorize, can_see_state, hidden_terms, search_scope

SORTS = ("relevance", "newest")


@dataclass(frozen=True)
class CampaignRef:
    """A campaign as a result row names it."""

    slug: str
    name: str


@dataclass
class LibraryHit:
    """One result row: what the list shows, from the index's copy of the item, with its state
    as the database has it this moment (the access check reads that, not the index)."""

    id: int
    title: str
    title_html: str
    snippet_html: str
    kind: ItemKind
    status: ItemStatus
    organization: names.OrgRef
    event_date: date | None
    campaigns: list[CampaignRef]
    thumb_file_id: int | None


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
        hidden_terms={t.value for t in hidden_terms(user)} or None,
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
    states = _states([hit.id for hit in raw.hits])
    labels = names.names(org for _status, org, _terms in states.values())
    hits = [
        _row(hit, states[hit.id], labels)
        for hit in raw.hits
        if hit.id in states and can_see_state(user, *states[hit.id])
    ]
    return LibraryResults(
        total=raw.total,
        page=raw.page,
        per_page=raw.per_page,
        hits=hits,
        facets=_labelled(raw.facets, labels),
        raw=raw,
    )


_STATES = select(Item.id, Item.status, Item.organization_id, Item.usage_terms).where(
    Item.id.in_(bindparam("ids", expanding=True))
)


State = tuple[ItemStatus, int, UsageTerms]


def _states(ids: list[int]) -> dict[int, State]:
    """The database's state, organisation and usage terms of each hit: what the access check
    reads."""
    if not ids:
        return {}
    rows = db.session.execute(_STATES, {"ids": ids})
    return {item_id: (status, org, terms) for item_id, status, org, terms in rows}


def _row(hit: Hit, state: State, labels: names.Names) -> LibraryHit:
    doc = hit.document
    assert doc is not None
    status, org_id, _terms = state
    return LibraryHit(
        id=hit.id,
        title=doc.title,
        title_html=hit.title_html,
        snippet_html=hit.snippet_html,
        kind=ItemKind(doc.kind),
        status=status,
        organization=labels.org(org_id),
        event_date=doc.event_date,
        campaigns=[CampaignRef(s, labels.campaigns.get(s, s)) for s in doc.campaigns],
        thumb_file_id=doc.thumb_file_id,
    )


def _labelled(
    facets: dict[str, dict[str, int]], labels: names.Names
) -> dict[str, list[tuple[str, str, int]]]:
    """Facet counts as (value, label, count), largest first; names from the database."""
    from kitchen.labels import label

    namers = {
        "campaign": lambda v: labels.campaigns.get(v, v),
        "organization": lambda v: labels.orgs[v].name if v in labels.orgs else v,
        "kind": lambda v: label(ItemKind(v)) if v in ItemKind.__members__.values() else v,
        "status": lambda v: label(ItemStatus(v)) if v in ItemStatus.__members__.values() else v,
        "year": lambda v: v,
        "terms": lambda v: label(UsageTerms(v)) if v in UsageTerms.__members__.values() else v,
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
