"""The navigation bar of each role: (endpoint, label) pairs, in the order shown."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.models import Role

MENUS: dict[Role, list[tuple[str, object]]] = {
    Role.CONTRIBUTOR: [
        ("main.home", _l("Home")),
        ("submit.index", _l("Our submissions")),
        ("library.search", _l("Library")),
        ("campaigns.index", _l("Campaigns")),
        ("people.index", _l("People")),
        ("reports.index", _l("Our report")),
    ],
    Role.CURATOR: [
        ("main.home", _l("Home")),
        ("review.queue", _l("Review queue")),
        ("review.expiring", _l("Expiring")),
        ("library.search", _l("Library")),
        ("items.index", _l("Items")),
        ("campaigns.index", _l("Campaigns")),
        ("people.index", _l("People")),
        ("people.requests", _l("Expert requests")),
        ("admin.campaign_list", _l("Manage campaigns")),
        ("reports.index", _l("Reports")),
    ],
    Role.JOURNALIST: [
        ("main.home", _l("Home")),
        ("library.search", _l("Library")),
        ("campaigns.index", _l("Campaigns")),
        ("people.index", _l("People")),
        ("people.experts_index", _l("Experts")),
        ("library.selection", _l("My selection")),
        ("library.collections", _l("Collections")),
    ],
    Role.ADMIN: [
        ("main.home", _l("Home")),
        ("library.search", _l("Library")),
        ("items.index", _l("Items")),
        ("admin.orgs", _l("Organisations")),
        ("admin.users", _l("Users")),
        ("admin.campaign_list", _l("Manage campaigns")),
        ("reports.index", _l("Reports")),
        ("admin.audit_log", _l("Audit")),
        ("admin.search_status", _l("Search index")),
    ],
}


def nav_links() -> list[tuple[str, str]]:
    """The signed-in user's menu."""
    if not current_user.is_authenticated:
        return []
    return [(endpoint, str(text)) for endpoint, text in MENUS[current_user.role]]


def unread_notifications() -> int:
    """The badge on the bell: unread notifications of the signed-in user."""
    from kitchen.services import notifications

    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user)


def selection_count() -> int:
    """The badge on 我的素材篮: how many items the signed-in user has collected."""
    from kitchen.services import selections

    if not current_user.is_authenticated:
        return 0
    return selections.count(current_user)


def init_app(app: Flask) -> None:
    """Expose the menu and the notification count to templates."""
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals["unread_notifications"] = unread_notifications
    app.jinja_env.globals["selection_count"] = selection_count
    from kitchen.services.notifications import note_url

    app.jinja_env.globals["note_url"] = note_url
    from kitchen.services.people import named

    app.jinja_env.globals["people_named"] = named
    from kitchen.services.alerts import params_of

    app.jinja_env.globals["saved_params"] = params_of
