"""One access rule, three forms: `access.can_see` (an item in hand), `access.visible_items` (the
WHERE clause of lists and counts) and `access.search_scope` with `hidden_terms` (what the search
engine filters by) select exactly the same items, for every role, organisation, state and usage
terms. Hypothesis draws the users; the library holds every (state, organisation, terms) item."""

from __future__ import annotations

import itertools
from pathlib import Path

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Role, UsageTerms, User
from kitchen.search.whoosh_backend import WhooshBackend
from kitchen.services import access, indexing, library
from tests import factories


def _world(tmp_path: Path) -> tuple[list[int], list[Item], WhooshBackend]:
    """Three organisations, one item for each state × organisation × usage terms, indexed."""
    submitters = [factories.make_user(Role.CONTRIBUTOR) for _ in range(3)]
    made: list[Item] = []
    for status, submitter, terms in itertools.product(ItemStatus, submitters, UsageTerms):
        made.append(
            factories.make_item(
                submitter, status=status, usage_terms=terms, title=f"{status}{terms}"
            )
        )
    backend = WhooshBackend(tmp_path / "index", procs=1)
    backend.index(indexing.to_document(item) for item in made)
    orgs = [s.organization_id for s in submitters]
    return orgs, made, backend


def _found(backend: WhooshBackend, user: User) -> set[int]:
    query = library._query(user, "", {}, "newest", 1, 100)
    return {hit.id for hit in backend.search(query).hits}


def test_can_see_visible_items_and_search_scope_agree(app: Flask, tmp_path: Path) -> None:
    orgs, made, backend = _world(tmp_path)

    @settings(max_examples=80, deadline=None, database=None)
    @given(
        role=st.sampled_from(list(Role)),
        org=st.sampled_from([None, *orgs, 999_999]),  # none, each, one with no items
        active=st.booleans(),  # a disabled account sees nothing, in all three forms
    )
    def agree(role: Role, org: int | None, active: bool) -> None:
        user = User(role=role, organization_id=org, email="x@example.com", display_name="x")
        user.active = active
        seen = {item.id for item in made if access.can_see(user, item)}
        listed = set(db.session.scalars(select(Item.id).where(access.visible_items(user))))
        assert listed == seen
        assert _found(backend, user) == seen
        # and the rule itself: the centre sees all; everyone approved items within their
        # usage terms (media never internal-only ones); contributors their own work too
        for item in made:
            if not active:
                assert not seen
                break
            expected = role in (Role.CURATOR, Role.ADMIN) or (
                item.status == ItemStatus.APPROVED
                and not (role == Role.JOURNALIST and item.usage_terms == UsageTerms.INTERNAL_ONLY)
            )
            expected = expected or (role == Role.CONTRIBUTOR and item.organization_id == org)
            assert (item.id in seen) == expected, (role, org, item.status, item.usage_terms)

    agree()
