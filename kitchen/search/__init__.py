"""Search facade: what the app hands in, what it gets back, and the backend protocol.

Nothing here knows Flask, the database or Whoosh; `open_backend` returns the Whoosh backend, and
`kitchen.search.pg_backend.PostgresBackend` implements the same `SearchBackend` protocol on a
PostgreSQL table (one test suite runs against both).

Visibility (access scoping) is expressed by two SearchQuery fields that combine with OR:

* ``statuses``: items in one of these states are visible (None: no restriction at all);
* ``visible_org_statuses = (organisation, states)``: items of that organisation in one of those
  states are visible as well.

A contributor of organisation X therefore searches with ``statuses={"approved"}`` and
``visible_org_statuses=("X", ALL_STATES)``: all approved items, plus every item of X. The
``status`` field is a user's facet filter and applies on top (AND), like campaign or kind.
``hidden_terms`` takes away what carries those usage terms (a media account never finds an
internal-only item), whatever the other two allow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from kitchen.fields import FACET_NAMES as FACET_NAMES
from kitchen.fields import FILE_TEXTS, VERSION_TEXTS, searched

# The searched texts in the order the index reads them (kitchen.fields): the item's own fields,
# then its versions in other languages, then the words read from its files.
TEXT_ORDER = (*(f.text_name for f in searched()), *VERSION_TEXTS, *FILE_TEXTS)
# The texts also indexed by their pinyin; the organisation's name is too (organization_name).
PINYIN_TEXTS = tuple(f.text_name for f in searched() if f.pinyin)

# In "document_text", pages are apart by PAGE_BREAK and files by FILE_BREAK (a snippet tells its
# page by them).
PAGE_BREAK = "\f"
FILE_BREAK = "\x1d"

SORTS = ("relevance", "newest")  # the first is the default
MAX_PER_PAGE = 100  # results a page at the most (the page, the API and the engine agree)


@dataclass(init=False)
class SearchDocument:
    """The searchable view of one item, built by the app.

    `texts` holds the item's searched fields by name (kitchen.fields gives them and
    their ranking weights), in the order they are indexed; they read as attributes too
    (`doc.title`), and can be given as keywords (`SearchDocument(..., title="…")`).
    """

    id: int
    kind: str
    texts: dict[str, str]
    campaigns: list[str]
    organization: str
    status: str
    event_date: date | None
    approved_at: datetime | None
    created_at: datetime
    featured: bool
    thumb_file_id: int | None
    usage_terms: str
    organization_name: str
    languages: list[str]

    def __init__(
        self,
        id: int,
        kind: str,
        campaigns: list[str],
        organization: str,
        status: str,
        event_date: date | None,
        approved_at: datetime | None,
        created_at: datetime,
        featured: bool = False,
        thumb_file_id: int | None = None,
        usage_terms: str = "with_credit",
        organization_name: str = "",
        languages: list[str] | None = None,
        texts: dict[str, str] | None = None,
        **text_fields: str,
    ) -> None:
        self.id, self.kind, self.campaigns = id, kind, campaigns
        self.organization, self.status = organization, status
        self.event_date, self.approved_at, self.created_at = event_date, approved_at, created_at
        self.featured, self.thumb_file_id, self.usage_terms = featured, thumb_file_id, usage_terms
        self.organization_name = organization_name
        self.languages = languages if languages is not None else ["zh"]
        self.texts = {**(texts or {}), **text_fields}

    def __setattr__(self, name: str, value: Any) -> None:
        texts = self.__dict__.get("texts")
        if texts is not None and name in texts:
            texts[name] = value
        else:
            super().__setattr__(name, value)

    def __getattr__(self, name: str) -> str:
        texts = self.__dict__.get("texts", {})
        if name in texts:
            return str(texts[name])
        raise AttributeError(name)

    @property
    def year(self) -> str:
        """The year it is filed under: its event date, else approval, else creation."""
        return str(self.day.year)

    @property
    def day(self) -> date:
        """The day it is filed under (a search's date range reads it): its event date, else
        the day it was approved, else the day it was made."""
        if self.event_date is not None:
            return self.event_date
        return (self.approved_at or self.created_at).date()


@dataclass
class SearchQuery:
    """What a user asked for: text, facet filters, visibility scope, sort and page.

    `filters` maps facet names (kitchen.fields.FACETS) to the one value wanted; `date_from`
    and `date_to` (inclusive) bound the day each document is filed under (`SearchDocument.day`).
    """

    text: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    statuses: set[str] | None = None
    visible_org_statuses: tuple[str, set[str]] | None = None
    hidden_terms: set[str] | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass
class Hit:
    """One result: the item id, its score, HTML-safe title and snippet with <mark>s, and the
    index's copy of the document (what a result list shows, without asking the database)."""

    id: int
    score: float
    title_html: str
    snippet_html: str
    document: SearchDocument | None = None
    # Where the words were found: the names of the texts holding them (kitchen.fields: title,
    # body…, document_text and image_text for the words read from its files), in index order.
    matched_in: list[str] = field(default_factory=list)
    snippet_from: str = ""  # the text the snippet is cut from
    snippet_page: int | None = None  # …and its page, when that is a document's text


@dataclass
class SearchResults:
    """One page of hits, the total, and facet counts over all matching items.

    `facets_estimated`: the counts were estimated from a sample of the hits (a backend counts
    exactly up to a cap of hits); the total and the hits are exact either way.
    """

    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    facets_estimated: bool = False

    @property
    def pages(self) -> int:
        """Number of pages for the total."""
        return max(1, -(-self.total // self.per_page))


ProgressCallback = Callable[[int], None]


class SearchBackend(Protocol):
    """What any search engine behind the facade provides."""

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents; return how many were written."""
        ...

    def remove(self, ids: Iterable[int]) -> None:
        """Remove documents by id (unknown ids are ignored)."""
        ...

    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query; never raises on user input."""
        ...

    def rebuild(
        self, docs: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Replace the whole index with these documents; return the count."""
        ...

    def count(self) -> int:
        """Number of indexed documents."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def fingerprints(self) -> dict[int, list[int]]:
        """Every indexed id with the fingerprints of its copies (one, unless corrupted)."""
        ...

    def needs_rebuild(self) -> bool:
        """Tell whether the index is missing or in a layout this code no longer reads."""
        ...

    def bulk(self) -> AbstractContextManager[None]:
        """Inside, many large index calls follow (an import): the backend may prepare for it."""
        ...


class SearchService:
    """What the app's services call: one item at a time, or a full rebuild."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend

    def index_item(self, doc: SearchDocument) -> None:
        """Add or replace one item."""
        self.backend.index([doc])

    def remove_item(self, item_id: int) -> None:
        """Remove one item."""
        self.backend.remove([item_id])

    def search(self, query: SearchQuery) -> SearchResults:
        """Search; see SearchQuery for the visibility rules."""
        return self.backend.search(query)

    def rebuild(
        self, docs: Iterable[SearchDocument], progress: ProgressCallback | None = None
    ) -> int:
        """Rebuild the index from all items; searches keep working meanwhile."""
        return self.backend.rebuild(docs, progress)


def document_json(doc: SearchDocument) -> str:
    """A document as compact JSON (dates in ISO form, text fields beside the others): the
    index's copy of it."""
    values = asdict(doc)
    values.update(values.pop("texts"))
    for name in ("event_date", "approved_at", "created_at"):
        if values[name] is not None:
            values[name] = values[name].isoformat()
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def document_from_json(text: str) -> SearchDocument:
    """The document a `document_json` string holds."""
    known = {f.name for f in fields(SearchDocument)}
    stored: dict[str, Any] = json.loads(text)
    values: dict[str, Any] = {k: v for k, v in stored.items() if k in known}
    order = {name: n for n, name in enumerate(TEXT_ORDER)}
    texts = sorted((k for k in stored if k not in known), key=lambda k: (order.get(k, 99), k))
    values["texts"] = {name: stored[name] for name in texts}
    if values.get("event_date"):
        values["event_date"] = date.fromisoformat(values["event_date"])
    for name in ("approved_at", "created_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    return SearchDocument(**values)


def fingerprint(doc: SearchDocument | str) -> int:
    """A 64-bit digest of a document (or its JSON): what `kitchen index check` compares."""
    text = doc if isinstance(doc, str) else document_json(doc)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def stored_codec(name: str, version: int, settings: dict[str, int]) -> object:
    """The codec a stored index names (a stable entry point: index TOCs refer to it by this
    path, so the engine's modules can move without breaking existing indexes)."""
    from kitchen.search.whoosh_adapter import codec_named

    return codec_named(name, version, settings)


def open_backend(path: Path) -> SearchBackend:
    """Open the Whoosh backend in that folder, creating the index if missing."""
    from kitchen.search.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(path))
