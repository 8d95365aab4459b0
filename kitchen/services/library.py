"""The journalists' library: search within the user's scope, with facets and item rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, or_, select

from kitchen import search as search_engine
from kitchen.extensions import db
from kitchen.fields import FACETS, Facet, FacetNames, shown_facets
from kitchen.models import Campaign, Item, ItemKind, ItemStatus, Person, UsageTerms, User
from kitchen.search import Hit, SearchDocument, SearchQuery, SearchResults
from kitchen.services import indexing, names, validation
from kitchen.services.access import (
    Action,
    authorize,
    can_see_state,
    hidden_terms,
    search_scope,
    visible_people,
)
from kitchen.services.errors import ValidationError

SORTS = search_engine.SORTS
MAX_PER_PAGE = search_engine.MAX_PER_PAGE
MAX_PAGE = 500


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
    other_titles: dict[str, str]  # its title in other languages (approved versions), by language
    matched_in: list[str]  # where the words were found (MATCH_SOURCES), in index order
    snippet_from: str  # where the snippet comes from (a MATCH_SOURCES value, or "")
    snippet_page: int | None  # the page of a document's text the snippet is on


@dataclass
class LibraryResults:
    """One page of results with facet counts (labels resolved for display)."""

    total: int
    page: int
    per_page: int
    hits: list[LibraryHit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    raw: SearchResults | None = None
    offered: tuple[Facet, ...] = ()  # the facets this user filters by, in the page's order
    estimated: bool = False  # facet counts estimated from a sample of many hits (approximate)

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def offered_facets(user: User) -> tuple[Facet, ...]:
    """The facets this user may filter by and sees counted (staff-only ones for the centre)."""
    statuses, _own = search_scope(user)
    return shown_facets(staff=statuses is None)


def filters_from(args: Mapping[str, str]) -> dict[str, str]:
    """The facet filters of query parameters (the page's and the API's names for them);
    a whole-number facet with another value is left out."""
    found: dict[str, str] = {}
    for facet in FACETS:
        value = (args.get(facet.query_param) or "").strip()
        if value and (
            not facet.numeric or (value.isascii() and value.isdigit() and len(value) < 11)
        ):
            found[facet.name] = value
    return found


DATE_PARAMS = ("from", "to")  # the page's and the API's names for the date range


def dates_from(args: Mapping[str, str]) -> tuple[date | None, date | None]:
    """The date range of query parameters (YYYY-MM-DD, both ends included); a malformed date
    or an end before the start is an error."""
    found: list[date | None] = []
    for name in DATE_PARAMS:
        raw = (args.get(name) or "").strip()
        try:
            found.append(date.fromisoformat(raw) if raw else None)
        except ValueError:
            raise ValidationError(_l("Please enter a date as YYYY-MM-DD."), field=name) from None
    start, end = found
    validation.date_range(start, end, field="to")
    return start, end


def _query(
    user: User,
    text: str,
    filters: Mapping[str, object],
    sort: str,
    page: int,
    per_page: int,
    dates: tuple[date | None, date | None] = (None, None),
) -> SearchQuery:
    """The engine query for this user: their filters inside their scope."""
    statuses, own = search_scope(user)
    offered = {f.name for f in offered_facets(user)}
    return SearchQuery(
        text=(text or "")[:500],
        filters={
            name: str(value)
            for name, value in filters.items()
            if name in offered and value is not None and value != ""
        },
        statuses=statuses,
        visible_org_statuses=(str(own[0]), own[1]) if own else None,
        hidden_terms={t.value for t in hidden_terms(user)} or None,
        date_from=dates[0],
        date_to=dates[1],
        sort=sort if sort in SORTS else SORTS[0],
        page=max(1, min(page, MAX_PAGE)),
        per_page=max(1, min(per_page, MAX_PER_PAGE)),
    )


def search(
    user: User,
    text: str = "",
    *,
    filters: Mapping[str, object] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    dates: tuple[date | None, date | None] = (None, None),
) -> LibraryResults:
    """Search the items the user may see; facets count within the same scope. `filters` maps
    facet names to the value wanted (see `filters_from`); `dates` bounds the event date (else
    the approval date), both ends included."""
    authorize(user, Action.SEARCH)
    query = _query(user, text, filters or {}, sort, page, per_page, dates)
    raw = indexing.service().search(query)
    states = _states([hit.id for hit in raw.hits])
    labels = names.names(org for _status, org, _terms in states.values())
    hits = [
        _row(hit, states[hit.id], labels)
        for hit in raw.hits
        if hit.id in states and can_see_state(user, *states[hit.id])
    ]
    offered = offered_facets(user)
    return LibraryResults(
        total=raw.total,
        page=raw.page,
        per_page=raw.per_page,
        hits=hits,
        facets=_labelled(raw.facets, labels, offered),
        raw=raw,
        offered=offered,
        estimated=raw.facets_estimated,
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
        title=doc.texts.get("title", ""),
        title_html=hit.title_html,
        snippet_html=hit.snippet_html,
        kind=ItemKind(doc.kind),
        status=status,
        organization=labels.org(org_id),
        event_date=doc.event_date,
        campaigns=[CampaignRef(s, labels.campaigns.get(s, s)) for s in doc.campaigns],
        thumb_file_id=doc.thumb_file_id,
        other_titles=_other_titles(doc),
        matched_in=list(dict.fromkeys(match_source(name) for name in hit.matched_in)),
        snippet_from=match_source(hit.snippet_from) if hit.snippet_from else "",
        snippet_page=hit.snippet_page,
    )


# Where a hit's words were found, as the page and the API name it: the field's own name, one
# name for the versions in other languages, "document_text" and "image_text" for its files'.
MATCH_SOURCES = {"version_title": "translation", "version_text": "translation"}


def match_source(text_name: str) -> str:
    """The public name of the index text a hit matched in."""
    return MATCH_SOURCES.get(text_name, text_name)


def _other_titles(doc: SearchDocument) -> dict[str, str]:
    """The versions' titles by language: the index holds them one per line, in the order of
    the document's languages after Chinese (kitchen.services.indexing)."""
    titles = doc.texts.get("version_title", "")
    languages = doc.languages[1:]
    lines = titles.split("\n") if titles else []
    return dict(zip(languages, lines, strict=True)) if len(lines) == len(languages) else {}


def _labelled(
    facets: dict[str, dict[str, int]], labels: names.Names, offered: tuple[Facet, ...]
) -> dict[str, list[tuple[str, str, int]]]:
    """The offered facets' counts as (value, label, count): largest first (whole-number ones
    newest first), names from the database."""
    result: dict[str, list[tuple[str, str, int]]] = {}
    for facet in offered:
        counts = facets.get(facet.name, {})
        if facet.newest_first:
            ordered = sorted(counts.items(), key=lambda kv: int(kv[0]), reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        result[facet.name] = [
            (value, value_label(facet, value, labels), count) for value, count in ordered if count
        ]
    return result


def value_label(facet: Facet, value: str, labels: names.Names) -> str:
    """How a facet value is named on the page."""
    from kitchen.labels import label

    if facet.names is FacetNames.CAMPAIGNS:
        return labels.campaigns.get(value, value)
    if facet.names is FacetNames.ORGANIZATIONS:
        return labels.orgs[value].name if value in labels.orgs else value
    if facet.names is FacetNames.CHOICES and facet.choices is not None:
        known = {choice.value: choice for choice in facet.choices}
        return str(label(known[value])) if value in known else value
    return value


CLOSEST = 5  # names offered when a search finds nothing
CLOSE_ENOUGH = 0.34  # the least similarity (difflib's ratio) of a name offered


@dataclass
class Closest:
    """What a search that found nothing offers instead: campaigns and people of names like
    its words."""

    campaigns: list[Campaign] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


def _similarity(text: str, names: Iterable[str]) -> float:
    folded = text.lower()
    return max(
        (SequenceMatcher(None, folded, name.lower()).ratio() for name in names if name),
        default=0.0,
    )


def closest(user: User, text: str) -> Closest:
    """The campaigns and the people (that the user may see) whose names come closest to the
    text, best first."""
    text = validation.clean(text or "").strip()[:40]
    letters = [c for c in dict.fromkeys(text) if not c.isspace()][:12]
    if not letters:
        return Closest()
    scored_campaigns = [
        (_similarity(text, (c.name, c.slug)), c) for c in db.session.scalars(select(Campaign))
    ]
    sharing = or_(*(Person.name.contains(c, autoescape=True) for c in letters))
    if text.isascii():
        sharing = or_(sharing, Person.name_pinyin.contains(text.lower(), autoescape=True))
    candidates = db.session.scalars(select(Person).where(visible_people(user), sharing).limit(500))
    scored_people = [(_similarity(text, p.all_names), p) for p in candidates]

    def best(scored: list[tuple[float, Any]]) -> list[Any]:
        kept = [pair for pair in scored if pair[0] >= CLOSE_ENOUGH]
        kept.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [thing for _score, thing in kept[:CLOSEST]]

    return Closest(best(scored_campaigns), best(scored_people))


__all__ = ["Hit", "LibraryHit", "LibraryResults", "search"]
