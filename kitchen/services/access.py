"""The access policy: the one place that answers "may this user do this (to this item)"."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_, true

from kitchen.models import (
    Collection,
    CollectionGrant,
    ExpertRequest,
    Item,
    ItemStatus,
    Person,
    Role,
    ShareLink,
    UsageTerms,
    User,
)
from kitchen.models.item import PUBLIC_STATUSES
from kitchen.services.errors import Forbidden, NotFound


class Action(StrEnum):
    """Everything the policy rules on."""

    VIEW_ITEM = "view_item"
    CREATE_ITEM = "create_item"
    EDIT_ITEM = "edit_item"
    SUBMIT_ITEM = "submit_item"
    RETRACT_ITEM = "retract_item"
    REVIEW = "review"
    CURATE_ITEM = "curate_item"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_AUDIT = "view_audit"
    SEARCH = "search"
    RECORD_USE = "record_use"
    HAND_OFF = "hand_off"
    VIEW_REPORTS = "view_reports"
    VIEW_OWN_REPORT = "view_own_report"
    MANAGE_REPORT_WEIGHTS = "manage_report_weights"
    VIEW_PEOPLE = "view_people"
    PROPOSE_PERSON = "propose_person"
    MANAGE_PEOPLE = "manage_people"
    ASK_EXPERT = "ask_expert"
    ANSWER_EXPERT_REQUEST = "answer_expert_request"


# Role-level rights: which roles may attempt an action at all.
ROLE_RIGHTS: dict[Action, frozenset[Role]] = {
    Action.VIEW_ITEM: frozenset(Role),
    Action.SEARCH: frozenset(Role),
    Action.CREATE_ITEM: frozenset({Role.CONTRIBUTOR}),
    Action.EDIT_ITEM: frozenset({Role.CONTRIBUTOR}),
    Action.SUBMIT_ITEM: frozenset({Role.CONTRIBUTOR}),
    Action.RETRACT_ITEM: frozenset({Role.CONTRIBUTOR}),
    Action.REVIEW: frozenset({Role.CURATOR}),
    Action.CURATE_ITEM: frozenset({Role.CURATOR}),
    Action.MANAGE_CAMPAIGNS: frozenset({Role.CURATOR, Role.ADMIN}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN}),
    # 已刊发: the outlets that publish, and the centre on their behalf.
    Action.RECORD_USE: frozenset({Role.JOURNALIST, Role.CURATOR}),
    Action.HAND_OFF: frozenset({Role.CURATOR}),
    # Reports: the centre reads every organisation's, a member organisation its own.
    Action.VIEW_REPORTS: frozenset({Role.CURATOR, Role.ADMIN}),
    Action.VIEW_OWN_REPORT: frozenset({Role.CURATOR, Role.ADMIN, Role.CONTRIBUTOR}),
    Action.MANAGE_REPORT_WEIGHTS: frozenset({Role.ADMIN}),
    # 科技人物: every account reads the directory (within consent); contributors propose a
    # person for their item, curators keep the records; media ask the centre for an expert.
    Action.VIEW_PEOPLE: frozenset(Role),
    Action.PROPOSE_PERSON: frozenset({Role.CONTRIBUTOR}),
    Action.MANAGE_PEOPLE: frozenset({Role.CURATOR}),
    Action.ASK_EXPERT: frozenset({Role.JOURNALIST}),
    Action.ANSWER_EXPERT_REQUEST: frozenset({Role.CURATOR}),
}

# Centre staff see work in progress of every organisation.
SEES_EVERYTHING = frozenset({Role.CURATOR, Role.ADMIN})
# Accounts of partner media; internal-only material is not for them.
MEDIA_ROLES = frozenset({Role.JOURNALIST})
INTERNAL_TERMS = frozenset({UsageTerms.INTERNAL_ONLY})


def role_may(user: User | None, action: Action) -> bool:
    """Whether the user's role allows the action at all."""
    return bool(user and user.is_authenticated and user.role in ROLE_RIGHTS[action])


def can_see(user: User | None, item: Item) -> bool:
    """Approved items: every signed-in user within their usage terms; work in progress: its
    organisation and the centre."""
    return can_see_state(user, item.status, item.organization_id, item.usage_terms)


def can_see_state(
    user: User | None,
    status: ItemStatus,
    organization_id: int,
    usage_terms: UsageTerms = UsageTerms.WITH_CREDIT,
) -> bool:
    """`can_see` for an item known by its state, organisation and usage terms (a page of hits)."""
    if user is None or not user.is_authenticated:
        return False
    if user.role in SEES_EVERYTHING:
        return True
    if status in PUBLIC_STATUSES:
        return usage_terms not in hidden_terms(user)
    return user.role == Role.CONTRIBUTOR and user.organization_id == organization_id


def hidden_terms(user: User | None) -> frozenset[UsageTerms]:
    """Usage terms whose approved items this user may not see: media accounts never see
    internal-only material (the centre and member organisations do)."""
    if user is not None and user.is_authenticated and user.role in MEDIA_ROLES:
        return INTERNAL_TERMS
    return frozenset()


def may(user: User | None, action: Action, item: Item | None = None) -> bool:
    """Whether the user may do the action (to the item, when one is given)."""
    if not role_may(user, action):
        return False
    if item is None:
        return True
    assert user is not None
    if not can_see(user, item):
        return False
    if action in (Action.EDIT_ITEM, Action.SUBMIT_ITEM, Action.RETRACT_ITEM):
        return user.organization_id == item.organization_id
    return True


def sees_review_history(user: User | None, item: Item) -> bool:
    """The item's own organisation and the reviewers read its decisions and duplicate flags."""
    return may(user, Action.EDIT_ITEM, item) or role_may(user, Action.REVIEW)


def sees_every_state(user: User | None) -> bool:
    """Centre staff search work in progress of every organisation, with a status facet."""
    return bool(user and user.is_authenticated and user.role in SEES_EVERYTHING)


def authorize(user: User | None, action: Action, item: Item | None = None) -> None:
    """Raise NotFound for an item outside the user's scope, Forbidden for a wrong role."""
    if item is not None and not can_see(user, item):
        raise NotFound()
    if not may(user, action, item):
        raise Forbidden()


def may_delete_draft(user: User | None, item: Item) -> bool:
    """A draft may be deleted by its own organisation (it never reached the library)."""
    return item.status == ItemStatus.DRAFT and may(user, Action.EDIT_ITEM, item)


def may_edit_now(user: User | None, item: Item) -> bool:
    """The item's organisation edits it while it is a draft or sent back for changes."""
    return item.is_editable and may(user, Action.EDIT_ITEM, item)


def may_select(user: User | None, item: Item) -> bool:
    """Approved items the user may see go into collections (素材篮) and their ZIPs."""
    return item.is_public and can_see(user, item)


def _grant(user: User | None, collection: Collection) -> CollectionGrant | None:
    if user is None or not user.is_authenticated:
        return None
    return next((g for g in collection.grants if g.user_id == user.id), None)


def can_see_collection(user: User | None, collection: Collection) -> bool:
    """A collection is read by its owner and the accounts it is shared with."""
    if not _active(user):
        return False
    assert user is not None
    return collection.owner_id == user.id or _grant(user, collection) is not None


def may_edit_collection(user: User | None, collection: Collection) -> bool:
    """Items and notes are changed by the owner and the accounts given the right to edit."""
    if not _active(user):
        return False
    assert user is not None
    grant = _grant(user, collection)
    return collection.owner_id == user.id or (grant is not None and grant.can_edit)


def may_manage_collection(user: User | None, collection: Collection) -> bool:
    """Only the owner renames, deletes and shares a collection."""
    return _active(user) and user is not None and collection.owner_id == user.id


def may_share_by_link(user: User | None, item: Item) -> bool:
    """What the user may collect goes into a share link, except internal-only material, which
    never leaves the library's accounts."""
    return may_select(user, item) and item.usage_terms not in INTERNAL_TERMS


def may_manage_share_link(user: User | None, link: ShareLink) -> bool:
    """A share link is listed and revoked by the account that made it."""
    return _active(user) and user is not None and link.owner_id == user.id


def has_own_items(user: User | None) -> bool:
    """Contributors list their own submissions apart ("only mine")."""
    return bool(user and user.is_authenticated and user.role == Role.CONTRIBUTOR)


def may_propose_revision(user: User | None, item: Item) -> bool:
    """An approved item is revised by its own organisation through a proposal."""
    return item.status == ItemStatus.APPROVED and may(user, Action.EDIT_ITEM, item)


def may_propose_version(user: User | None, item: Item) -> bool:
    """A version in another language is proposed by the item's own organisation, or set by a
    curator, while the item is alive (not rejected or withdrawn)."""
    if item.status in (ItemStatus.REJECTED, ItemStatus.WITHDRAWN):
        return False
    return may(user, Action.EDIT_ITEM, item) or may(user, Action.CURATE_ITEM, item)


def decides_versions_at_once(user: User | None, item: Item) -> bool:
    """A curator's own version needs nobody else's review: it is the review."""
    return may(user, Action.CURATE_ITEM, item)


def may_read_report(user: User | None, organization_id: int) -> bool:
    """The centre reads every organisation's report; a contributor only their own's."""
    if role_may(user, Action.VIEW_REPORTS):
        return True
    return bool(
        role_may(user, Action.VIEW_OWN_REPORT)
        and user is not None
        and user.organization_id == organization_id
    )


def may_record_use(user: User | None, item: Item) -> bool:
    """Uses are recorded on approved items the user may see, by media and the centre."""
    return role_may(user, Action.RECORD_USE) and item.is_public and can_see(user, item)


def may_remove_use(user: User | None, recorded_by_id: int) -> bool:
    """The account that recorded a use, or a curator, may take it back."""
    if user is None or not user.is_authenticated:
        return False
    return user.id == recorded_by_id or user.role == Role.CURATOR


def sees_handoff(user: User | None, organization_id: int) -> bool:
    """A handoff is seen by the centre and by the outlet it was handed to."""
    if user is None or not user.is_authenticated:
        return False
    return user.role in SEES_EVERYTHING or user.organization_id == organization_id


def terms_to_accept(user: User | None, item: Item, rendition: str) -> UsageTerms | None:
    """The usage terms a media account confirms before each download of an original (none for
    the centre, member organisations, or renditions)."""
    if rendition != "original" or user is None or user.role not in MEDIA_ROLES:
        return None
    return item.usage_terms if item.usage_terms == UsageTerms.EDITORIAL_ONLY else None


def gets_untouched_original(user: User | None, item: Item) -> bool:
    """The centre and the item's own organisation get an original exactly as it was sent;
    everyone else gets it without location and owner fields."""
    if user is None or not user.is_authenticated:
        return False
    return user.role in SEES_EVERYTHING or user.organization_id == item.organization_id


def visible_items(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the items this user may see, for lists and counts."""
    if not user.is_authenticated:
        return false()
    if user.role in SEES_EVERYTHING:
        return true()
    public = Item.status == ItemStatus.APPROVED
    hidden = hidden_terms(user)
    if hidden:
        public = and_(public, Item.usage_terms.not_in(hidden))
    if user.role == Role.CONTRIBUTOR and user.organization_id is not None:
        return or_(public, Item.organization_id == user.organization_id)
    return public


ALL_STATUSES = frozenset(s.value for s in ItemStatus)


def search_scope(user: User) -> tuple[set[str] | None, tuple[int, set[str]] | None]:
    """What a user may find in search: (statuses visible to all, (own organisation, statuses)).

    The same rule as `can_see`, in the search engine's terms: None means no restriction (an
    account that cannot sign in finds nothing, as `can_see` and `visible_items` say).
    """
    if not user.is_authenticated:
        return set(), None
    if user.role in SEES_EVERYTHING:
        return None, None
    public = {ItemStatus.APPROVED.value}
    if user.role == Role.CONTRIBUTOR and user.organization_id is not None:
        return public, (user.organization_id, set(ALL_STATUSES))
    return public, None


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_see_person(user: User | None, person: Person, today: date | None = None) -> bool:
    """A person's page: the centre sees every record; member organisations confirmed ones and
    those they proposed; media accounts only people whose consent to be featured holds."""
    if not _active(user):
        return False
    assert user is not None
    if person.merged_into_id is not None:
        return False
    if user.role in SEES_EVERYTHING:
        return True
    if user.role == Role.CONTRIBUTOR:
        return person.confirmed or person.proposed_by_org_id == user.organization_id
    return person.confirmed and consent_holds(person, today)


def consent_holds(person: Person, today: date | None = None) -> bool:
    """Consent to be featured was given and has not ended."""
    ends = person.consent_until
    return person.consent_featured and (ends is None or ends >= (today or date.today()))


def visible_people(user: User, today: date | None = None) -> ColumnElement[bool]:
    """`can_see_person` as a WHERE clause, for the people index, suggestions and counts."""
    if not _active(user):
        return false()
    kept = Person.merged_into_id.is_(None)
    if user.role in SEES_EVERYTHING:
        return kept
    if user.role == Role.CONTRIBUTOR:
        own = Person.proposed_by_org_id == user.organization_id
        return and_(kept, or_(Person.confirmed.is_(True), own))
    holds = or_(Person.consent_until.is_(None), Person.consent_until >= (today or date.today()))
    return and_(kept, Person.confirmed.is_(True), Person.consent_featured.is_(True), holds)


def sees_person_contact(user: User | None) -> bool:
    """Contact details and consent records of people are the centre's alone."""
    return _active(user) and user is not None and user.role in SEES_EVERYTHING


def may_link_person(user: User | None, person: Person) -> bool:
    """Who may link a person to an item: curators any record, contributors the ones they see."""
    if role_may(user, Action.MANAGE_PEOPLE):
        return person.merged_into_id is None
    return role_may(user, Action.EDIT_ITEM) and can_see_person(user, person)


def sees_expert_request(user: User | None, request: ExpertRequest) -> bool:
    """An introduction request is seen by the journalist who asked and by the curators."""
    if not _active(user):
        return False
    assert user is not None
    return user.id == request.requester_id or role_may(user, Action.ANSWER_EXPERT_REQUEST)
