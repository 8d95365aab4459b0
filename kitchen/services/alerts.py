"""Saved searches that follow a topic: new approved matches announced once, and an Atom feed.

A user saves the search page's query (words, facet filters, date range) under a name. The worker
runs `sweep` now and then: for each saved search not announced within the last day, the newest
matches the owner may see that were approved after it was saved and not announced before become
one notification (with an e-mail where SMTP is set). Each announced item is a row, so nothing is
announced twice, and the claim on the saved search is a conditional UPDATE, so two workers
sweeping at once announce once. The feed (`/library/feeds/<token>.atom`) needs no session: its
private token (192 random bits) is the key, and it shows what the owner would find.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select, update

from kitchen.extensions import db
from kitchen.fields import FACETS
from kitchen.models import Item, ItemStatus, SavedSearch, SavedSearchHit, User, utcnow
from kitchen.services import library, notifications, throttle, validation
from kitchen.services.access import Action, authorize
from kitchen.services.errors import NotFound, ValidationError

MAX_SAVED = 50  # saved searches of one user
NAME_CHARS = 120
EVERY = timedelta(days=1)  # one announcement per saved search at most in this time
DEPTH = 100  # newest matches looked at per check
LISTED = 5  # titles named in a notification
PARAMS = ("q", *(f.query_param for f in FACETS if f.shown), *library.DATE_PARAMS)


def params_from(args: Mapping[str, str]) -> dict[str, str]:
    """What a saved search keeps of a search page's query: the words, filters and dates."""
    kept = {}
    for name in PARAMS:
        value = validation.clean(args.get(name) or "").strip()[:500]
        if value:
            kept[name] = value
    return kept


def params_of(saved: SavedSearch) -> dict[str, str]:
    """The query parameters a saved search runs with (the search page's link to it)."""
    stored = json.loads(saved.params or "{}")
    return {k: str(v) for k, v in stored.items() if k in PARAMS} if isinstance(stored, dict) else {}


def saved_searches(user: User) -> list[SavedSearch]:
    """The user's saved searches, by name."""
    query = select(SavedSearch).where(SavedSearch.user_id == user.id)
    return list(db.session.scalars(query.order_by(SavedSearch.name, SavedSearch.id)))


def save(user: User, name: str, args: Mapping[str, str]) -> SavedSearch:
    """Save the search these query parameters describe under a name (new matches are announced
    from now on)."""
    authorize(user, Action.SEARCH)
    cleaned = validation.text(name, "name", max_len=NAME_CHARS, required=True)
    params = params_from(args)
    library.dates_from(params)  # a malformed date is refused, not saved
    if not params:
        raise ValidationError(_l("Search for something first, then save the search."))
    if len(saved_searches(user)) >= MAX_SAVED:
        raise ValidationError(
            _l("You have %(n)d saved searches, the most there may be.", n=MAX_SAVED)
        )
    saved = SavedSearch(
        user_id=user.id,
        name=cleaned,
        params=json.dumps(params, ensure_ascii=False, sort_keys=True),
        feed_token=secrets.token_urlsafe(24),
    )
    db.session.add(saved)
    db.session.commit()
    return saved


def get_saved(user: User, saved_id: int) -> SavedSearch:
    """One of the user's saved searches, or NotFound (nobody else's)."""
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound()
    return saved


def delete(user: User, saved: SavedSearch) -> None:
    """Forget a saved search (its feed stops)."""
    if saved.user_id != user.id:
        raise NotFound()
    db.session.delete(saved)
    db.session.commit()


def renew_token(user: User, saved: SavedSearch) -> None:
    """A new feed address; the old one stops working."""
    if saved.user_id != user.id:
        raise NotFound()
    saved.feed_token = secrets.token_urlsafe(24)
    db.session.commit()


FEED_MARKER = "saved-search-feed"  # throttle's marker for wrong feed tokens


def feed_search(token: str, client: str) -> SavedSearch:
    """The saved search of a feed token while its owner's account is active, or NotFound;
    wrong tokens count against the client (kitchen.services.throttle)."""
    scope = throttle.guessing(FEED_MARKER, client)
    throttle.refuse_while_waiting(scope)
    saved = None
    if token and len(token) <= 64:
        query = select(SavedSearch).where(SavedSearch.feed_token == token)
        saved = db.session.scalars(query).first()
    if saved is None:
        throttle.record_failure(FEED_MARKER, scope.client)
        raise NotFound()
    if not saved.user.active:
        raise NotFound()
    return saved


def run(saved: SavedSearch, per_page: int = 20) -> library.LibraryResults:
    """The saved search as its owner would run it now, newest approvals first."""
    params = params_of(saved)
    return library.search(
        saved.user,
        params.get("q", ""),
        filters=library.filters_from(params),
        sort="newest",
        per_page=per_page,
        dates=library.dates_from(params),
    )


def latest_items(saved: SavedSearch, limit: int = 50) -> list[Item]:
    """The newest approved matches, as the feed lists them."""
    ids = [hit.id for hit in run(saved, per_page=limit).hits]
    found = {
        item.id: item
        for item in db.session.scalars(
            select(Item).where(Item.id.in_(ids), Item.status == ItemStatus.APPROVED)
        )
    }
    return [found[i] for i in ids if i in found]


def new_matches(saved: SavedSearch) -> list[Item]:
    """Matches approved since the search was saved that it has not announced, newest first."""
    ids = [hit.id for hit in run(saved, per_page=DEPTH).hits]
    if not ids:
        return []
    announced = exists().where(
        SavedSearchHit.saved_search_id == saved.id, SavedSearchHit.item_id == Item.id
    )
    query = select(Item).where(
        Item.id.in_(ids),
        Item.status == ItemStatus.APPROVED,
        Item.approved_at >= saved.created_at,
        ~announced,
    )
    found = {item.id: item for item in db.session.scalars(query)}
    return [found[i] for i in ids if i in found]


def sweep(now: datetime | None = None) -> int:
    """Announce the new matches of every saved search that is due; how many announced."""
    now = now or utcnow()
    cutoff = now - EVERY
    due = or_(SavedSearch.notified_at.is_(None), SavedSearch.notified_at <= cutoff)
    announced = 0
    for saved in db.session.scalars(select(SavedSearch).where(due)).all():
        if not saved.user.active:
            continue
        matches = new_matches(saved)
        if not matches:
            continue
        claimed = db.session.execute(
            update(SavedSearch)
            .where(SavedSearch.id == saved.id, due)
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        for item in matches:
            db.session.add(SavedSearchHit(saved_search_id=saved.id, item_id=item.id))
        titles = "、".join(item.title for item in matches[:LISTED])
        more = "…" if len(matches) > LISTED else ""
        comment = str(_l("%(n)d new items: %(titles)s", n=len(matches), titles=titles + more))
        notifications.add_for(
            [saved.user],
            saved_search_id=saved.id,
            action="saved_search",
            to_status="",
            comment=comment,
        )
        db.session.commit()
        announced += 1
    db.session.commit()
    return announced
