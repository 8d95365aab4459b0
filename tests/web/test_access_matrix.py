"""Every route × every role: who gets the page (200), a redirect (302), 403 or 404."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from flask import Flask

from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, Role, UsageTerms
from kitchen.services import alerts, experts, selections, shares, tokens, uploads
from kitchen.services import people as people_service
from tests import factories, samples

ROLES = ["anonymous", "contributor", "other_contributor", "curator", "journalist", "admin"]


@dataclass
class World:
    """Two organisations' people and items, and a campaign."""

    ids: dict[str, object]
    emails: dict[str, str]


@pytest.fixture
def world(app: Flask) -> World:
    org_a, org_b = factories.make_org(), factories.make_org()
    people = {
        "contributor": factories.make_user(Role.CONTRIBUTOR, organization=org_a),
        "other_contributor": factories.make_user(Role.CONTRIBUTOR, organization=org_b),
        "curator": factories.make_user(Role.CURATOR),
        "journalist": factories.make_user(Role.JOURNALIST),
        "admin": factories.make_user(Role.ADMIN),
    }
    draft = factories.make_item(people["contributor"])
    submitted = factories.make_item(people["contributor"], status=ItemStatus.SUBMITTED)
    approved = factories.make_item(people["other_contributor"], status=ItemStatus.APPROVED)
    campaign = factories.make_campaign()
    photos = factories.make_item(people["contributor"], kind=ItemKind.PHOTO)
    media = uploads.add_file(people["contributor"], photos, io.BytesIO(samples.png()), "图.png")
    token, _plain = tokens.create_token(people["contributor"], "合作平台")
    # Usage terms: internal-only material is for the centre and member organisations only.
    internal = factories.make_item(people["other_contributor"], kind=ItemKind.PHOTO)
    internal_file = uploads.add_file(
        people["other_contributor"], internal, io.BytesIO(samples.photo(3)), "内部.jpg"
    )
    internal.status, internal.usage_terms = ItemStatus.APPROVED, UsageTerms.INTERNAL_ONLY
    editorial = factories.make_item(people["other_contributor"], kind=ItemKind.PHOTO)
    editorial_file = uploads.add_file(
        people["other_contributor"], editorial, io.BytesIO(samples.photo(4)), "新闻.jpg"
    )
    editorial.status, editorial.usage_terms = ItemStatus.APPROVED, UsageTerms.EDITORIAL_ONLY
    curator = people["curator"]
    expert = people_service.save_person(
        curator,
        people_service.PersonData(
            "王建国", consent_featured=True, is_expert=True, media_contact_ok=True, contact="秘书"
        ),
    )
    private = people_service.save_person(curator, people_service.PersonData("扎西"))
    request = experts.ask(people["journalist"], expert, "采访", "科技日报", None)
    # A journalist's desk: a collection shared with the contributor to read, a saved search,
    # and a share link of the editorial-only photo.
    desk = selections.create(people["journalist"], "采访素材")
    selections.add(people["journalist"], approved, desk)
    selections.share(people["journalist"], desk, people["contributor"].email, can_edit=False)
    saved = alerts.save(people["journalist"], "科学家", {"q": "科学家"})
    shared = shares.create(people["journalist"], item=editorial, days=3)
    db.session.commit()
    ids = {
        "person": expert.id,
        "private_person": private.id,
        "request": request.id,
        "draft": draft.id,
        "submitted": submitted.id,
        "approved": approved.id,
        "org": org_a.id,
        "user": people["journalist"].id,
        "slug": campaign.slug,
        "photos": photos.id,
        "file": media.id,
        "token": token.id,
        "internal": internal.id,
        "internal_file": internal_file.id,
        "editorial": editorial.id,
        "editorial_file": editorial_file.id,
        "collection": desk.id,
        "saved": saved.id,
        "feed_token": saved.feed_token,
        "link": shared.link.id,
        "share_token": shared.token,
    }
    return World(ids=ids, emails={role: user.email for role, user in people.items()})


# (url, expected status for: anonymous, contributor, other_contributor, curator, journalist, admin)
# 302 for anonymous means "sent to the login page".
MATRIX: list[tuple[str, str, tuple[int, ...]]] = [
    ("main.index", "/", (302, 302, 302, 302, 302, 302)),
    ("main.home", "/home", (302, 200, 200, 200, 200, 200)),
    ("main.healthz", "/healthz", (200, 200, 200, 200, 200, 200)),
    ("main.favicon", "/favicon.ico", (200, 200, 200, 200, 200, 200)),
    ("auth.login", "/login", (200, 302, 302, 302, 302, 302)),
    ("auth.change_password", "/account/password", (302, 200, 200, 200, 200, 200)),
    ("auth.forgot_password", "/password/forgot", (200, 200, 200, 200, 200, 200)),
    ("auth.account_link", "/account/link/1.forged", (404, 404, 404, 404, 404, 404)),
    ("items.index", "/items/", (302, 200, 200, 200, 200, 200)),
    ("items.show", "/items/{draft}", (302, 200, 404, 200, 404, 200)),
    ("items.show", "/items/{submitted}", (302, 200, 404, 200, 404, 200)),
    ("items.show", "/items/{approved}", (302, 200, 200, 200, 200, 200)),
    ("items.show", "/items/999999", (302, 404, 404, 404, 404, 404)),
    ("items.show", "/items/{internal}", (302, 200, 200, 200, 404, 200)),
    ("items.show", "/items/{editorial}", (302, 200, 200, 200, 200, 200)),
    ("admin.orgs", "/admin/orgs", (302, 403, 403, 403, 403, 200)),
    ("admin.org_form", "/admin/orgs/new", (302, 403, 403, 403, 403, 200)),
    ("admin.org_form", "/admin/orgs/{org}", (302, 403, 403, 403, 403, 200)),
    ("admin.users", "/admin/users", (302, 403, 403, 403, 403, 200)),
    ("admin.user_form", "/admin/users/new", (302, 403, 403, 403, 403, 200)),
    ("admin.user_form", "/admin/users/{user}", (302, 403, 403, 403, 403, 200)),
    ("admin.campaign_list", "/admin/campaigns", (302, 403, 403, 200, 403, 200)),
    ("admin.campaign_form", "/admin/campaigns/new", (302, 403, 403, 200, 403, 200)),
    ("admin.campaign_form", "/admin/campaigns/{slug}", (302, 403, 403, 200, 403, 200)),
    ("submit.index", "/submit/", (302, 200, 200, 403, 403, 403)),
    ("submit.new", "/submit/new/story", (302, 200, 200, 403, 403, 403)),
    ("submit.batch", "/submit/batch", (302, 200, 200, 403, 403, 403)),
    ("submit.revise", "/submit/{approved}/revise", (302, 403, 200, 403, 403, 403)),
    ("submit.revise", "/submit/{draft}/revise", (302, 403, 404, 403, 403, 403)),
    ("review.revision_list", "/review/revisions", (302, 403, 403, 200, 403, 403)),
    ("items.version", "/items/{approved}/versions", (302, 403, 200, 200, 403, 403)),
    ("items.version", "/items/{draft}/versions", (302, 200, 404, 200, 404, 403)),
    ("review.version_list", "/review/versions", (302, 403, 403, 200, 403, 403)),
    ("submit.defaults", "/submit/defaults", (302, 200, 200, 403, 403, 403)),
    ("submit.edit", "/submit/{draft}/edit", (302, 200, 404, 403, 403, 403)),
    ("submit.edit", "/submit/{submitted}/edit", (302, 302, 404, 403, 403, 403)),
    ("files.serve", "/files/{file}/thumb", (302, 200, 404, 200, 404, 200)),
    ("files.serve", "/files/{file}/original", (302, 200, 404, 200, 404, 200)),
    ("files.serve", "/files/{internal_file}/web", (302, 200, 200, 200, 404, 200)),
    ("files.serve", "/files/{internal_file}/original", (302, 200, 200, 200, 404, 200)),
    # Editorial use only: a media account confirms the terms first (a page with the form).
    ("files.serve", "/files/{editorial_file}/original", (302, 200, 200, 200, 409, 200)),
    (
        "files.serve",
        "/files/{editorial_file}/original?accept=editorial",
        (302, 200, 200, 200, 200, 200),
    ),
    ("review.queue", "/review/", (302, 403, 403, 200, 403, 403)),
    ("review.expiring", "/review/expiring", (302, 403, 403, 200, 403, 403)),
    ("review.item", "/review/{submitted}", (302, 403, 403, 200, 403, 403)),
    ("review.item", "/review/{draft}", (302, 403, 403, 200, 403, 403)),
    ("review.item", "/review/999999", (302, 403, 403, 404, 403, 403)),
    ("campaigns.index", "/campaigns/", (302, 200, 200, 200, 200, 200)),
    ("campaigns.show", "/campaigns/{slug}", (302, 200, 200, 200, 200, 200)),
    ("campaigns.show", "/campaigns/no-such-campaign", (302, 404, 404, 404, 404, 404)),
    ("campaigns.feed", "/campaigns/{slug}/feed.atom", (302, 200, 200, 200, 200, 200)),
    ("main.notifications_page", "/notifications", (302, 200, 200, 200, 200, 200)),
    ("admin.audit_log", "/admin/audit", (302, 403, 403, 403, 403, 200)),
    ("admin.audit_csv", "/admin/audit.csv", (302, 403, 403, 403, 403, 200)),
    ("tokens.index", "/account/tokens", (302, 200, 200, 200, 200, 200)),
    ("admin.search_status", "/admin/search", (302, 403, 403, 403, 403, 200)),
    ("library.search", "/library/?q=科学家", (302, 200, 200, 200, 200, 200)),
    ("library.selection", "/library/selection", (302, 200, 200, 200, 200, 200)),
    ("library.selection_zip", "/library/selection.zip", (302, 404, 404, 404, 404, 404)),
    # Reports: the centre reads all, a member organisation its own, media none.
    ("reports.index", "/reports/", (302, 302, 302, 200, 403, 200)),
    ("reports.index", "/reports/?period=2026Q9", (302, 422, 422, 422, 403, 422)),
    ("reports.organization", "/reports/org/{org}", (302, 200, 403, 200, 403, 200)),
    ("reports.organization", "/reports/org/999999", (302, 404, 404, 404, 403, 404)),
    ("reports.figure", "/reports/org/{org}/items?figure=approved", (302, 200, 403, 200, 403, 200)),
    ("reports.figure", "/reports/org/{org}/items?figure=nope", (302, 404, 404, 404, 403, 404)),
    ("reports.export", "/reports/export.xlsx", (302, 403, 403, 200, 403, 200)),
    ("reports.weights", "/reports/weights", (302, 403, 403, 403, 403, 200)),
    # 科技人物: every account reads the directory, media within consent; curators keep it.
    ("people.index", "/people/", (302, 200, 200, 200, 200, 200)),
    ("people.index", "/people/?q=wjg&field=meteorology", (302, 200, 200, 200, 200, 200)),
    ("people.experts_index", "/experts/", (302, 200, 200, 200, 200, 200)),
    ("people.show", "/people/{person}", (302, 200, 200, 200, 200, 200)),
    ("people.show", "/people/{private_person}", (302, 200, 200, 200, 404, 200)),
    ("people.show", "/people/999999", (302, 404, 404, 404, 404, 404)),
    ("people.suggest", "/people/suggest?q=王", (302, 200, 200, 200, 200, 200)),
    ("people.edit", "/people/new", (302, 403, 403, 200, 403, 403)),
    ("people.edit", "/people/{person}/edit", (302, 403, 403, 200, 403, 403)),
    ("people.merge", "/people/{person}/merge", (302, 403, 403, 200, 403, 403)),
    ("people.unlinked", "/people/unlinked", (302, 403, 403, 200, 403, 403)),
    ("people.ask", "/experts/{person}/ask", (302, 403, 403, 403, 200, 403)),
    ("people.ask", "/experts/{private_person}/ask", (302, 403, 403, 403, 404, 403)),
    ("people.requests", "/experts/requests", (302, 200, 200, 200, 200, 200)),
    ("people.request", "/experts/requests/{request}", (302, 404, 404, 200, 200, 404)),
    # A journalist's desk: collections (the owner and those it is shared with), saved searches
    # (the owner), share links (the owner lists them; anyone with the link opens it).
    ("library.collections", "/library/collections", (302, 200, 200, 200, 200, 200)),
    ("library.collection", "/library/collections/{collection}", (302, 200, 404, 404, 200, 404)),
    (
        "library.collection_zip",
        "/library/collections/{collection}.zip",
        (302, 200, 404, 404, 200, 404),
    ),
    ("library.saved", "/library/saved", (302, 200, 200, 200, 200, 200)),
    ("library.saved_feed", "/library/feeds/{feed_token}.atom", (200, 200, 200, 200, 200, 200)),
    ("library.saved_feed", "/library/feeds/wrong-token.atom", (404, 404, 404, 404, 404, 404)),
    ("library.links", "/library/links", (302, 200, 200, 200, 200, 200)),
    ("shared.show", "/s/{share_token}", (200, 200, 200, 200, 200, 200)),
    ("shared.show", "/s/wrong-token", (404, 404, 404, 404, 404, 404)),
    (
        "shared.file",
        "/s/{share_token}/files/{editorial_file}/thumb",
        (200, 200, 200, 200, 200, 200),
    ),
    (
        "shared.file",
        "/s/{share_token}/files/{editorial_file}/original",
        (404, 404, 404, 404, 404, 404),
    ),
    ("shared.file", "/s/{share_token}/files/{internal_file}/thumb", (404, 404, 404, 404, 404, 404)),
    ("shared.archive", "/s/{share_token}.zip", (200, 200, 200, 200, 200, 200)),
]

# POST-only routes: (endpoint, url, statuses) with an empty form.
POST_MATRIX: list[tuple[str, str, tuple[int, ...]]] = [
    ("auth.logout", "/logout", (302, 302, 302, 302, 302, 302)),
    ("auth.set_language", "/language/en", (302, 302, 302, 302, 302, 302)),
    ("admin.org_form", "/admin/orgs/new", (302, 403, 403, 403, 403, 400)),
    ("admin.user_form", "/admin/users/new", (302, 403, 403, 403, 403, 400)),
    ("admin.campaign_form", "/admin/campaigns/new", (302, 403, 403, 400, 403, 400)),
    ("submit.new", "/submit/new/story", (302, 400, 400, 403, 403, 403)),
    ("submit.edit", "/submit/{draft}/edit", (302, 302, 404, 403, 403, 403)),
    ("submit.submit", "/submit/{draft}/submit", (302, 302, 404, 403, 403, 403)),
    ("submit.retract", "/submit/{submitted}/retract", (302, 302, 404, 403, 403, 403)),
    ("submit.delete", "/submit/{submitted}/delete", (302, 302, 404, 403, 403, 403)),
    ("submit.batch", "/submit/batch", (302, 400, 400, 403, 403, 403)),
    ("submit.batch_photo", "/submit/batch/photos", (302, 422, 422, 403, 403, 403)),
    ("submit.batch_submit", "/submit/batch/submit", (302, 302, 302, 403, 403, 403)),
    ("submit.defaults", "/submit/defaults", (302, 400, 400, 403, 403, 403)),
    ("submit.revise", "/submit/{approved}/revise", (302, 403, 400, 403, 403, 403)),
    ("review.decide_revision", "/review/revisions/999999", (302, 403, 403, 302, 403, 403)),
    ("items.version", "/items/{approved}/versions", (302, 403, 400, 400, 403, 403)),
    ("review.decide_version", "/review/versions/999999", (302, 403, 403, 302, 403, 403)),
    ("submit.upload", "/submit/{draft}/files", (302, 422, 404, 403, 403, 403)),
    ("submit.caption", "/submit/{photos}/files/{file}/caption", (302, 302, 404, 403, 403, 403)),
    ("submit.delete_file", "/submit/{photos}/files/{file}/delete", (302, 302, 404, 403, 403, 403)),
    ("review.item", "/review/{submitted}", (302, 403, 403, 302, 403, 403)),
    ("review.claim", "/review/{submitted}/claim", (302, 403, 403, 302, 403, 403)),
    ("review.release", "/review/{submitted}/release", (302, 403, 403, 302, 403, 403)),
    ("review.bulk", "/review/bulk", (302, 403, 403, 302, 403, 403)),
    ("tokens.create", "/account/tokens", (302, 400, 400, 400, 400, 400)),
    ("tokens.revoke", "/account/tokens/{token}/revoke", (302, 302, 404, 404, 404, 404)),
    ("library.change_selection", "/library/selection", (302, 302, 302, 302, 302, 302)),
    ("admin.search_status", "/admin/search", (302, 403, 403, 403, 403, 302)),
    ("admin.reset_link", "/admin/users/{user}/reset-link", (302, 403, 403, 403, 403, 200)),
    ("auth.forgot_password", "/password/forgot", (400, 400, 400, 400, 400, 400)),
    ("auth.account_link", "/account/link/1.forged", (404, 404, 404, 404, 404, 404)),
    # 已刊发: media accounts and curators record uses (an empty form: an error, flashed).
    ("items.record_use", "/items/{approved}/uses", (302, 403, 403, 302, 302, 403)),
    ("items.record_use", "/items/{internal}/uses", (302, 403, 403, 302, 404, 403)),
    ("items.record_use", "/items/{draft}/uses", (302, 403, 403, 302, 404, 403)),
    ("items.remove_use", "/items/{approved}/uses/999999/remove", (302, 404, 404, 404, 404, 404)),
    ("items.hand_off", "/items/{approved}/handoffs", (302, 403, 403, 302, 403, 403)),
    # Curators correct the words read from a file; no one else may, nor on a file of another item.
    ("items.correct_text", "/items/{photos}/files/{file}/text", (302, 403, 403, 302, 403, 403)),
    ("items.correct_text", "/items/{draft}/files/{file}/text", (302, 403, 403, 404, 403, 403)),
    ("reports.weights", "/reports/weights", (302, 403, 403, 403, 403, 400)),
    ("people.propose", "/people/propose", (302, 422, 422, 403, 403, 403)),
    ("people.edit", "/people/new", (302, 403, 403, 400, 403, 403)),
    ("people.confirm", "/people/{private_person}/confirm", (302, 403, 403, 302, 403, 403)),
    ("people.merge", "/people/{person}/merge", (302, 403, 403, 400, 403, 403)),
    ("people.link_name", "/people/unlinked", (302, 403, 403, 303, 403, 403)),
    ("people.ask", "/experts/{person}/ask", (302, 403, 403, 403, 400, 403)),
    ("people.answer", "/experts/requests/{request}", (302, 403, 403, 302, 403, 403)),
    ("campaigns.remind", "/campaigns/{slug}/remind", (302, 403, 403, 302, 403, 302)),
    ("library.create_collection", "/library/collections", (302, 422, 422, 422, 422, 422)),
    (
        "library.change_collection",
        "/library/collections/{collection}",
        (302, 422, 404, 404, 422, 404),
    ),
    ("library.save_search", "/library/saved", (302, 422, 422, 422, 422, 422)),
    ("library.change_saved", "/library/saved/{saved}", (302, 404, 404, 404, 422, 404)),
    ("library.create_link", "/library/links", (302, 422, 422, 422, 422, 422)),
    ("library.revoke_link", "/library/links/{link}/revoke", (302, 404, 404, 404, 302, 404)),
    ("shared.unlock", "/s/{share_token}", (200, 200, 200, 200, 200, 200)),
]

CASES = [
    pytest.param(method, url, statuses, id=f"{method} {url}")
    for method, rows in (("GET", MATRIX), ("POST", POST_MATRIX))
    for _endpoint, url, statuses in rows
]


def _refusal(role: str, status: int) -> bool:
    """An answer that changes nothing: any error, and the anonymous visitor's way to sign in."""
    return status >= 400 or role == "anonymous"


@pytest.mark.parametrize(("method", "url", "statuses"), CASES)
def test_route_role_matrix(
    app: Flask, world: World, method: str, url: str, statuses: tuple[int, ...]
) -> None:
    """Every role in turn on one world, each with its own signed-in client; the refusals go
    first, so they see the world intact, then the roles the route serves."""
    wrong = []
    order = sorted(zip(ROLES, statuses, strict=True), key=lambda p: not _refusal(*p))
    for role, expected in order:
        client = app.test_client()
        if role != "anonymous":
            client.post(
                "/login", data={"email": world.emails[role], "password": factories.PASSWORD}
            )
        response = client.open(url.format(**world.ids), method=method, data={})
        response.get_data()  # run streamed bodies to the end
        response.close()
        if response.status_code != expected:
            wrong.append((role, expected, response.status_code))
        elif (
            role == "anonymous" and expected == 302 and url not in ("/", "/logout", "/language/en")
        ):
            assert "/login" in response.headers["Location"]
    assert wrong == []


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    covered = {endpoint for endpoint, _url, _s in MATRIX + POST_MATRIX}
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if not r.endpoint.startswith("api.")}
    endpoints -= {"static", "bootstrap.static"}
    assert endpoints - covered == set()
