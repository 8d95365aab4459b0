"""Names of the enum values in the UI language, for pages and messages."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote_plus, urlencode

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from kitchen.enums import Discipline, Language, RequestStatus
from kitchen.models import (
    Channel,
    ItemKind,
    ItemStatus,
    JobKind,
    OrgKind,
    Role,
    Urgency,
    UsageTerms,
)

LABELS: dict[object, object] = {
    ItemKind.LEAD: _l("Lead"),
    ItemKind.STORY: _l("Story"),
    ItemKind.PHOTO: _l("Photos"),
    ItemKind.VIDEO: _l("Video"),
    ItemKind.PRODUCT: _l("Product"),
    ItemStatus.DRAFT: _l("Draft"),
    ItemStatus.SUBMITTED: _l("Submitted"),
    ItemStatus.CHANGES_REQUESTED: _l("Changes requested"),
    ItemStatus.APPROVED: _l("Approved"),
    ItemStatus.REJECTED: _l("Rejected"),
    ItemStatus.WITHDRAWN: _l("Withdrawn"),
    UsageTerms.WITH_CREDIT: _l("Free for media use with credit"),
    UsageTerms.EDITORIAL_ONLY: _l("Editorial use only"),
    UsageTerms.INTERNAL_ONLY: _l("Internal use only"),
    Urgency.NORMAL: _l("Normal"),
    Urgency.SOON: _l("Within days"),
    Urgency.URGENT: _l("Urgent"),
    Role.CONTRIBUTOR: _l("Contributor"),
    Role.CURATOR: _l("Curator"),
    Role.JOURNALIST: _l("Journalist"),
    Role.ADMIN: _l("Administrator"),
    OrgKind.NATIONAL_SOCIETY: _l("National society"),
    OrgKind.PROVINCIAL: _l("Provincial association"),
    OrgKind.CITY: _l("City association"),
    OrgKind.CENTRE: _l("The centre"),
    OrgKind.MEDIA: _l("Media"),
    JobKind.INDEX: _l("search index"),
    JobKind.MAIL: _l("e-mail"),
    JobKind.POSTER: _l("video posters"),
    JobKind.ACCOUNT_MAIL: _l("invitation and reset e-mail"),
    JobKind.EXTRACT: _l("text in files"),
    Channel.PAPER: _l("Newspaper or magazine"),
    Channel.TV: _l("Television"),
    Channel.RADIO: _l("Radio"),
    Channel.WEBSITE: _l("Website"),
    Channel.NEW_MEDIA: _l("New-media account"),
    Channel.OTHER: _l("Other"),
    Discipline.MATHEMATICS: _l("Mathematics"),
    Discipline.PHYSICS: _l("Physics"),
    Discipline.CHEMISTRY: _l("Chemistry"),
    Discipline.ASTRONOMY: _l("Astronomy"),
    Discipline.EARTH: _l("Earth sciences"),
    Discipline.METEOROLOGY: _l("Meteorology"),
    Discipline.LIFE: _l("Life sciences"),
    Discipline.MEDICINE: _l("Medicine and health"),
    Discipline.AGRICULTURE: _l("Agriculture"),
    Discipline.INFORMATION: _l("Information technology"),
    Discipline.ENGINEERING: _l("Engineering"),
    Discipline.MATERIALS: _l("Materials"),
    Discipline.ENERGY: _l("Energy"),
    Discipline.ENVIRONMENT: _l("Environment"),
    Discipline.AEROSPACE: _l("Aerospace"),
    Discipline.POPULARIZATION: _l("Science popularisation"),
    RequestStatus.OPEN: _l("Waiting for the centre"),
    RequestStatus.FORWARDED: _l("Contact forwarded"),
    RequestStatus.DECLINED: _l("Declined"),
    # Languages by their own names, as language switches show them everywhere.
    Language.ZH: "中文",
    Language.EN: "English",
    Language.FR: "Français",
    Language.ES: "Español",
    Language.RU: "Русский",
    Language.AR: "العربية",
    Language.PT: "Português",
    Language.DE: "Deutsch",
    Language.JA: "日本語",
    Language.KO: "한국어",
}

STATUS_COLOURS = {
    ItemStatus.DRAFT: "secondary",
    ItemStatus.SUBMITTED: "primary",
    ItemStatus.CHANGES_REQUESTED: "warning",
    ItemStatus.APPROVED: "success",
    ItemStatus.REJECTED: "danger",
    ItemStatus.WITHDRAWN: "dark",
    RequestStatus.OPEN: "warning",
    RequestStatus.FORWARDED: "success",
    RequestStatus.DECLINED: "secondary",
}


def label(value: object) -> str:
    """The value's name in the UI language (the raw value if none is known).

    Kept for the rest of the request: a result page names the same kinds dozens of times."""
    if not has_request_context():
        return str(LABELS.get(value, value))
    known: dict[object, str] = g.setdefault("_kitchen_labels", {})
    if value not in known:
        known[value] = str(LABELS.get(value, value))
    return known[value]


# Where a search hit's words were found (kitchen.services.library.MATCH_SOURCES), besides the
# item's own fields, which go by their labels.
MATCH_LABELS: dict[str, object] = {
    "translation": _l("Other languages"),
    "document_text": _l("Text in the file"),
    "image_text": _l("Text in the picture"),
}


def match_label(source: str) -> str:
    """The name of where a hit's words were found, in the UI language."""
    from flask_babel import gettext

    from kitchen.fields import ITEM_FIELDS

    if source in MATCH_LABELS:
        return str(MATCH_LABELS[source])
    field = next((f for f in ITEM_FIELDS if f.text_name == source), None)
    return gettext(field.label) if field is not None else source


def status_colour(status: object) -> str:
    """A Bootstrap colour for a status badge."""
    return STATUS_COLOURS.get(status, "secondary")  # type: ignore[call-overload]


def status_enum(value: str) -> ItemStatus:
    """The status enum for a raw value (templates receive plain strings from URLs)."""
    return ItemStatus(value)


def kind_enum(value: str) -> ItemKind:
    """The kind enum for a raw value."""
    return ItemKind(value)


def with_param(
    args: Mapping[str, str], key: str, value: object, keep_page: bool = False
) -> dict[str, object]:
    """The query parameters with one changed (None removes it); a new filter starts at page 1."""
    params: dict[str, object] = dict(args.items())
    if not keep_page:
        params.pop("page", None)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = value
    return params


def query_string(params: Mapping[str, object]) -> str:
    """Parameters as a URL query string (for links that only change the query)."""
    return urlencode([(k, v) for k, v in params.items() if v is not None and v != ""])


class LinkMaker:
    """Links to one page with one query parameter changed, the rest kept (facets, sort, chips).

    The unchanged part is encoded once per parameter, not once per link."""

    def __init__(self, path: str, args: Mapping[str, str]) -> None:
        self.path, self.args = path, args
        self._prefixes: dict[tuple[str, bool], str] = {}

    def __call__(self, key: str, value: object, keep_page: bool = False) -> str:
        """The link with `key` set to `value` (None removes it); a new filter starts at page 1."""
        prefix = self._prefixes.get((key, keep_page))
        if prefix is None:
            rest = query_string(with_param(self.args, key, None, keep_page))
            prefix = self._prefixes[(key, keep_page)] = f"{self.path}?{rest}{'&' if rest else ''}"
        if value is None or value == "":
            return prefix.rstrip("&?") or self.path
        return f"{prefix}{quote_plus(key)}={quote_plus(str(value))}"


# Notifications that are not about a state change carry a headline of their own.
NOTE_HEADLINES: dict[str, object] = {
    "use": _l("Published by an outlet"),
    "handoff": _l("Handed to your outlet by the centre"),
    "revision_accepted": _l("Your proposed changes were accepted"),
    "revision_declined": _l("Your proposed changes were declined"),
    "version_approved": _l("Your version in another language was approved"),
    "version_declined": _l("Your version in another language was declined"),
    "expert_request": _l("A journalist asks for an expert"),
    "expert_forwarded": _l("The centre answered your request for an expert"),
    "expert_declined": _l("The centre could not arrange an introduction"),
    "call_open": _l("A call for material is open"),
    "call_reminder": _l("Reminder: a call is waiting for your answer"),
    "saved_search": _l("New matches of your saved search"),
}


def note_headline(action: str) -> str | None:
    """The headline of a notification that is not a decision (None: show the state)."""
    found = NOTE_HEADLINES.get(action)
    return str(found) if found is not None else None


def approximate_count(count: int) -> str:
    """An estimated count as people say it: three significant figures, in 万 above 10,000 in
    Chinese (约 12.3 万), with thousands separators in English (about 123,000)."""
    from flask_babel import get_locale
    from flask_babel import gettext as _

    rounded = float(f"{max(int(count), 0):.3g}")
    locale = get_locale()
    if (locale is None or locale.language == "zh") and rounded >= 10_000:
        number = f"{rounded / 10_000:g} 万"
    else:
        number = f"{int(rounded):,}"
    return _("about %(number)s", number=number)
