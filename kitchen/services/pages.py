"""What the heavy pages show a user: one call per page, every rule answered here (the views
parse, call this and the one service that acts, and render; the templates test booleans)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from kitchen.models import (
    Campaign,
    Collection,
    CollectionEntry,
    Item,
    ItemStatus,
    ItemVersion,
    Organization,
    OrgKind,
    Person,
    Review,
    Revision,
    Role,
    SavedSearch,
    User,
)
from kitchen.services import (
    access,
    accounts,
    alerts,
    calls,
    campaigns,
    curation,
    extraction,
    items,
    library,
    likeness,
    people,
    reviews,
    revisions,
    selections,
    submission,
    uploads,
    uses,
    versions,
    workflow,
)
from kitchen.services.access import Action
from kitchen.services.errors import ValidationError


class _Context:
    """A page's values, handed to its template by name."""

    def context(self) -> dict[str, Any]:
        """The page's values by name, for the template."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass
class ItemPage(_Context):
    """The item page (`/items/<id>`) for one user."""

    item: Item
    history: list[Review]
    duplicates: dict[int, list[int | None]]
    missing: list[str]
    panel: uses.Panel
    pending_revision: Revision | None
    in_selection: bool
    collections: list[Collection]  # other collections it may go into (the button fills the basket)
    may_share: bool  # by a link, for people without an account
    may_edit: bool  # edit and submit: a draft (or an item sent back) of the user's organisation
    may_retract: bool
    may_delete: bool
    may_revise: bool
    may_select: bool  # approved: it may go into the selection (素材篮)
    linked_people: list[tuple[Person, bool]]  # each record, and whether its page is the user's
    version: ItemVersion | None  # the version in another language shown (None: the original)
    pending_versions: list[ItemVersion]  # proposals waiting for a curator (the organisation's view)
    may_add_version: bool
    file_texts: dict[int, extraction.FileText]  # the words read from each file, by file id
    similar: dict[int, list[likeness.Similar]]  # photos elsewhere that look the same, by file id
    may_correct_text: bool


def item_page(
    user: User, item_id: int, interface_language: str = "zh", asked_language: str | None = None
) -> ItemPage:
    """The item page, within the user's scope (NotFound outside it), in the version of the
    language asked for (`?lang=`), else of the interface language, else the original. Reading it
    changes nothing: notifications are read when their list is opened."""
    item = items.get_item(user, item_id)
    in_house = access.sees_review_history(user, item)
    moves = workflow.allowed_moves(user, item)
    return ItemPage(
        item=item,
        history=reviews.history(item) if in_house else [],
        duplicates=uploads.duplicate_counts(user, item) if in_house else {},
        missing=submission.missing_for_submission(item) if item.is_editable else [],
        panel=uses.panel(user, item),
        pending_revision=revisions.pending_for(item) if in_house else None,
        in_selection=selections.contains(user, item.id),
        collections=[c for c in selections.editable(user) if not c.is_default]
        if access.may_select(user, item)
        else [],
        may_share=access.may_share_by_link(user, item),
        may_edit=access.may_edit_now(user, item),
        linked_people=[(p, access.can_see_person(user, p)) for p in item.persons],
        may_retract=workflow.Move.RETRACT in moves,
        may_delete=access.may_delete_draft(user, item),
        may_revise=access.may_propose_revision(user, item),
        may_select=access.may_select(user, item),
        version=versions.shown(item, interface_language, asked_language),
        pending_versions=versions.pending_for(item) if in_house else [],
        may_add_version=access.may_propose_version(user, item),
        file_texts=file_texts(item),
        similar=likeness.similar_photos(user, item) if in_house else {},
        may_correct_text=access.may(user, Action.CURATE_ITEM, item),
    )


def file_texts(item: Item) -> dict[int, extraction.FileText]:
    """The words read from each file of the item that has any to read."""
    found = {media.id: extraction.file_text(media) for media in item.files}
    return {file_id: text for file_id, text in found.items() if text is not None}


@dataclass
class ReviewPage(_Context):
    """The curator's review page (`/review/<id>`)."""

    item: Item
    history: list[Review]
    duplicates: dict[int, list[int | None]]
    claim: str | None  # "mine", "other" (another curator has it), "free"; None: not in review
    moves: list[str]  # the decisions the curator may take now
    file_texts: dict[int, extraction.FileText]
    similar: dict[int, list[likeness.Similar]]
    may_correct_text: bool


def claim_state(user: User, item: Item) -> str | None:
    """Who holds a submitted item: the user ("mine"), another curator ("other"), nobody."""
    if item.status != ItemStatus.SUBMITTED:
        return None
    if item.claimed_by_id is None:
        return "free"
    return "mine" if item.claimed_by_id == user.id else "other"


def reviewed(user: User, item_id: int) -> Item:
    """An item the user reviews (NotFound outside their scope, Forbidden for other roles)."""
    return items.get_item(user, item_id, Action.REVIEW)


def review_choices() -> list[tuple[str, str]]:
    """The campaigns a curator tags with: every one."""
    return [(c.slug, c.name) for c in campaigns.list_campaigns()]


def review_page(user: User, item: Item) -> ReviewPage:
    """The review page of an item the user reviews."""
    access.authorize(user, Action.REVIEW, item)
    return ReviewPage(
        item=item,
        history=reviews.history(item),
        duplicates=uploads.duplicate_counts(user, item),
        claim=claim_state(user, item),
        moves=[move.value for move in workflow.allowed_moves(user, item)],
        file_texts=file_texts(item),
        similar=likeness.similar_photos(user, item),
        may_correct_text=access.may(user, Action.CURATE_ITEM, item),
    )


@dataclass
class EditPage(_Context):
    """The contributor's edit page (`/submit/<id>/edit`) around its form."""

    item: Item
    missing: list[str]
    duplicates: dict[int, list[int | None]]
    similar: dict[int, list[likeness.Similar]]
    accept: str  # the file input's accept attribute
    limits_text: str
    comments: list[Review]


def edit_page(user: User, item: Item) -> EditPage:
    """What the edit page shows besides the form."""
    return EditPage(
        item=item,
        missing=submission.missing_for_submission(item),
        duplicates=uploads.duplicate_counts(user, item),
        similar=likeness.similar_photos(user, item),
        accept=uploads.accept_attribute(item.kind),
        limits_text=uploads.limits_text(item.kind),
        comments=reviews.history(item),
    )


def editable(user: User, item_id: int) -> Item:
    """An item the user edits now (ValidationError unless it is a draft or sent back)."""
    item = items.get_item(user, item_id, Action.EDIT_ITEM)
    submission.require_editable(item)
    return item


@dataclass
class ListPage(_Context):
    """The item list (`/items/`) with its filter choices."""

    page: items.Page
    orgs: list[Organization]
    campaign_list: list[Campaign]
    show_mine: bool


def list_page(user: User, flt: items.ItemFilter, page: int) -> ListPage:
    """Items the user may see, one page, and what the filters offer."""
    return ListPage(
        page=items.list_items(user, flt, page=page),
        orgs=accounts.list_orgs(),
        campaign_list=campaigns.list_campaigns(),
        show_mine=access.has_own_items(user),
    )


@dataclass
class DeskPage(_Context):
    """The contributor's desk (`/submit/`): the organisation's items, comments, counts."""

    page: items.Page
    comments: dict[int, Review]
    editable: set[int]
    counts: dict[str, int]


def desk_page(user: User, flt: items.ItemFilter, page: int) -> DeskPage:
    """The organisation's submissions, one page, with the curators' latest comments."""
    found = items.list_items(user, flt, page=page)
    return DeskPage(
        page=found,
        comments=reviews.latest_comments([i.id for i in found.items]),
        editable=items.editable_ids(user, found.items),
        counts=items.status_counts(user, items.ItemFilter(mine=True)),
    )


@dataclass
class QueuePage(_Context):
    """The review queue (`/review/`) with its counts, flags and filter choices."""

    items: list[Item]
    counts: dict[str, dict[str, int]]
    duplicates: set[int]
    similar: set[int]  # items holding a photo that looks like one of another item
    orgs: list[Organization]
    campaign_list: list[Campaign]
    revision_count: int
    version_count: int  # versions in other languages waiting


def queue_page(user: User, flt: curation.QueueFilter) -> QueuePage:
    """Submitted items, oldest first, and what the queue's side shows."""
    waiting = curation.queue(user, flt)
    return QueuePage(
        items=waiting,
        counts=curation.queue_counts(user),
        duplicates=curation.items_with_duplicates([i.id for i in waiting]),
        similar=likeness.items_with_similar([i.id for i in waiting]),
        orgs=accounts.list_orgs(),
        campaign_list=campaigns.list_campaigns(),
        revision_count=revisions.pending_count(),
        version_count=versions.pending_count(),
    )


@dataclass
class SearchPage(_Context):
    """The library's search page (`/library/`)."""

    results: library.LibraryResults
    show_status: bool
    may_bulk_edit: bool  # curators correct from the results too
    campaign_list: list[Campaign]
    featured: list[items.Card]
    people: list[Person]  # records the words name, offered above the results
    closest: library.Closest  # when nothing is found: names like the words
    date_error: str  # a date range that could not be read (the search ran without it)
    saved: list[SavedSearch]  # the user's saved searches, to run again
    may_save: bool  # something is asked: the search can be saved


def search_page(user: User, text: str, args: Mapping[str, str], page: int) -> SearchPage:
    """A search with the page's query parameters (facets by their names, date range, sort),
    the featured items when nothing is asked yet, and names like the words when nothing is
    found."""
    filters = library.filters_from(args)
    try:
        dates, date_error = library.dates_from(args), ""
    except ValidationError as exc:
        dates, date_error = (None, None), str(exc.message)
    bulk = access.role_may(user, Action.CURATE_ITEM)
    results = library.search(
        user, text, filters=filters, sort=args.get("sort", "relevance"), page=page, dates=dates
    )
    asked = bool(text or filters or any(dates))
    return SearchPage(
        results=results,
        show_status=access.sees_every_state(user),
        may_bulk_edit=bulk,
        campaign_list=campaigns.list_campaigns() if bulk else [],
        featured=items.featured_cards(user, 6) if not asked else [],
        people=people.offered(user, text) if text else [],
        closest=library.closest(user, text) if text and not results.total else library.Closest(),
        date_error=date_error,
        saved=alerts.saved_searches(user),
        may_save=asked,
    )


def home_page(user: User) -> tuple[str, dict[str, Any]]:
    """What each role starts its day with: the template's name and its values."""
    context: dict[str, Any] = {"featured": items.latest_approved(user, 6, featured=True)}
    if user.role == Role.CONTRIBUTOR:
        context["counts"] = items.status_counts(user, items.ItemFilter(mine=True))
        context["recent"] = items.list_items(user, items.ItemFilter(mine=True), per_page=8).items
    elif user.role == Role.CURATOR:
        context["counts"] = items.status_counts(user)
        waiting = items.ItemFilter(status=ItemStatus.SUBMITTED.value)
        context["recent"] = items.list_items(user, waiting, per_page=8).items
    elif user.role == Role.ADMIN:
        context["counts"] = items.status_counts(user)
        context["org_count"] = len(accounts.list_orgs())
        context["user_count"] = len(accounts.list_users())
    elif user.role == Role.JOURNALIST:
        # A search box, the newest material as thumbnails, and the searches being followed.
        context["cards"] = library.search(user, sort="newest", per_page=12).hits
        context["saved"] = alerts.saved_searches(user)
    context["latest"] = items.latest_approved(user, 8)
    return f"main/home_{user.role.value}.html", context


@dataclass
class CampaignPage(_Context):
    """A campaign's page (`/campaigns/<slug>`): its brief, approved items and who answered."""

    campaign: Campaign
    page: items.Page
    answers: list[campaigns.Answer]
    answer_kind: str  # the answers' filters
    answer_region: str
    regions: list[str]  # every region that has an answer row, for the filter
    silent: int  # targeted organisations that have not answered
    may_remind: bool
    call_kinds: list[OrgKind]  # the kinds the call names (none: every member organisation)
    call_regions: list[str]  # the regions it names (none: every region)


def campaign_page(
    user: User, slug: str, page: int, kind: str = "", region: str = ""
) -> CampaignPage:
    """A campaign with its approved items, newest first, one page, and the members' answers
    (narrowed by organisation kind and region)."""
    campaign = campaigns.get_campaign(slug)
    approved = items.ItemFilter(status=ItemStatus.APPROVED.value, campaign=slug)
    every = campaigns.answers(campaign)
    shown = campaigns.answers(campaign, kind, region) if kind or region else every
    return CampaignPage(
        campaign=campaign,
        page=items.list_items(user, approved, page=page),
        answers=shown,
        answer_kind=kind,
        answer_region=region,
        regions=campaigns.answer_regions(every),
        silent=sum(1 for row in every if row.targeted and not row.sent),
        may_remind=campaign.is_open and access.role_may(user, Action.MANAGE_CAMPAIGNS),
        call_kinds=calls.named_kinds(campaign),
        call_regions=calls.target_regions(campaign),
    )


@dataclass
class CollectionPage(_Context):
    """A collection's page (`/library/collections/<id>`)."""

    collection: Collection
    entries: list[CollectionEntry]
    confirm_terms: bool  # downloading originals asks to confirm editorial-only terms
    may_edit: bool  # items, order and notes
    may_manage: bool  # rename, delete, share
    shareable: int  # items a share link would show (internal-only ones never)
    max_days: int


def collection_page(user: User, collection_id: int) -> CollectionPage:
    """A collection the user may read, with what the user may do to it."""
    from kitchen.services import shares

    collection = selections.get_collection(user, collection_id)
    entries = selections.entries(user, collection)
    return CollectionPage(
        collection=collection,
        entries=entries,
        confirm_terms=selections.needs_terms(user, [e.item for e in entries]),
        may_edit=access.may_edit_collection(user, collection),
        may_manage=access.may_manage_collection(user, collection),
        shareable=sum(1 for e in entries if access.may_share_by_link(user, e.item)),
        max_days=shares.MAX_DAYS,
    )
