"""The audit log as people read it: actions, targets and details named in the UI language.

The log keeps codes (`item.request_changes`, `{"from": "submitted"}`) so it can be filtered and
exported exactly; this module turns one page of them into words, with the targets' names looked
up once per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.fields import ITEM_FIELDS
from kitchen.labels import label
from kitchen.models import (
    ApiToken,
    AuditEvent,
    Campaign,
    Item,
    ItemKind,
    ItemStatus,
    Organization,
    OrgKind,
    Person,
    Role,
    UsageTerms,
    User,
)

ACTIONS: dict[str, object] = {
    "item.create": _l("Created an item"),
    "item.update": _l("Edited an item"),
    "item.delete": _l("Deleted a draft"),
    "item.submit": _l("Submitted for review"),
    "item.retract": _l("Took back from review"),
    "item.approve": _l("Adopted"),
    "item.request_changes": _l("Returned for changes"),
    "item.reject": _l("Not adopted"),
    "item.withdraw": _l("Withdrew"),
    "item.reinstate": _l("Reinstated"),
    "item.correct": _l("Corrected in review"),
    "item.propose": _l("Proposed changes"),
    "item.revise": _l("Accepted proposed changes"),
    "item.revision_declined": _l("Declined proposed changes"),
    "item.claim": _l("Took into review"),
    "item.release": _l("Let go of the review"),
    "item.import": _l("Imported items"),
    "item.expire": _l("Withdrawn when rights ended"),
    "item.use": _l("Recorded a publication"),
    "item.use_removed": _l("Removed a publication"),
    "item.handoff": _l("Handed to an outlet"),
    "item.link_person": _l("Linked a name to a person"),
    "person.create": _l("Recorded a person"),
    "person.update": _l("Edited a person"),
    "person.propose": _l("Proposed a person"),
    "person.confirm": _l("Confirmed a person"),
    "person.merge": _l("Merged two records of a person"),
    "expert.ask": _l("Asked for an expert"),
    "expert.forwarded": _l("Forwarded an expert's contact"),
    "expert.declined": _l("Declined a request for an expert"),
    "file.add": _l("Uploaded a file"),
    "file.remove": _l("Removed a file"),
    "campaign.create": _l("Created a campaign"),
    "campaign.update": _l("Edited a campaign"),
    "org.create": _l("Created an organisation"),
    "org.update": _l("Edited an organisation"),
    "org.defaults": _l("Set the default credit line and terms"),
    "user.create": _l("Created an account"),
    "user.update": _l("Edited an account"),
    "user.set_password": _l("Changed a password"),
    "user.invite_link": _l("Invited by link"),
    "user.reset_link": _l("Issued a password link"),
    "user.login": _l("Signed in"),
    "token.create": _l("Created an API token"),
    "token.revoke": _l("Revoked an API token"),
    "report.weights": _l("Changed the index weights"),
}

FIELDS: dict[str, object] = {
    **{f.name: _l(f.label) for f in ITEM_FIELDS},  # an item's fields, as the forms name them
    "from": _l("State before"),
    "to": _l("State after"),
    "comment": _l("Comment"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "slug": _l("Short name"),
    "is_open": _l("Open"),
    "active": _l("Active"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "organization_id": _l("Organisation"),
    "password_set": _l("Password set"),
    "address": _l("Address"),
    "file_id": _l("File"),
    "sha256": "SHA-256",
    "outlet": _l("Outlet"),
    "url": _l("Link"),
    "published_on": _l("Published on"),
    "use": _l("Publication"),
    "handoff": _l("Handoff"),
    "ids": _l("Items"),
    "revision": _l("Proposal"),
    "fields": _l("Fields"),
    "ends": _l("Ends on"),
    "expires": _l("Expires"),
    "reason": _l("Reason"),
    "changes": _l("Changes"),
    "changed": _l("Changes"),
    "campaigns_added": _l("Campaigns added"),
    "credit_line": _l("Credit line"),
    "usage_terms": _l("Usage terms"),
    "people": _l("People"),
    "keywords": _l("Keywords"),
    "summary": _l("Summary"),
    "campaigns": _l("Campaigns"),
    "featured": _l("Featured"),
    "credit_stamp": _l("Credit stamp"),
    "rights_until": _l("Rights valid until"),
    "consent_until": _l("Consent valid until"),
    "persons": _l("People in the directory"),
    "merged": _l("Merged record"),
    "entry": _l("Name as written"),
    "person": _l("Person"),
    "topic": _l("Topic of the interview"),
    "request": _l("Request"),
}
TARGETS: dict[str, object] = {
    "item": _l("Item"),
    "user": _l("Account"),
    "organization": _l("Organisation"),
    "campaign": _l("Campaign"),
    "api_token": _l("API token"),
    "report": _l("Report"),
    "person": _l("Person"),
}
ENUMS = (ItemStatus, ItemKind, UsageTerms, Role, OrgKind)
MAX_LIST = 12  # an import names thousands of ids: the page shows the first ones


@dataclass
class AuditRow:
    """One event in words."""

    event: AuditEvent
    action: str
    target: str
    item_id: int | None
    details: list[tuple[str, str]]


def action_label(code: str) -> str:
    """An action's name in the UI language (the code itself when unknown)."""
    found = ACTIONS.get(code)
    return str(found) if found is not None else code


def present(events: list[AuditEvent]) -> list[AuditRow]:
    """A page of events in words."""
    names = _names(events)
    rows = []
    for event in events:
        kind_name = str(TARGETS.get(event.target_type, event.target_type))
        known = names[event.target_type].get(event.target_id or 0)
        if event.target_id is None:
            target = kind_name
        else:
            target = f"{kind_name}「{known}」" if known else f"{kind_name} {event.target_id}"
        rows.append(
            AuditRow(
                event=event,
                action=action_label(event.action),
                target=target,
                item_id=event.target_id if event.target_type == "item" else None,
                details=[
                    (str(FIELDS.get(k, k)), _value(k, v, names))
                    for k, v in (event.details or {}).items()
                ],
            )
        )
    return rows


def _names(events: list[AuditEvent]) -> dict[str, dict[int, str]]:
    """The names of every target (and of organisations the details mention), one query each."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.target_id is not None:
            wanted[event.target_type].add(event.target_id)
        org = (event.details or {}).get("organization_id")
        if isinstance(org, int):
            wanted["organization"].add(org)
    sources: dict[str, tuple[Any, Any]] = {
        "item": (Item.id, Item.title),
        "user": (User.id, User.display_name),
        "organization": (Organization.id, Organization.name),
        "campaign": (Campaign.id, Campaign.name),
        "api_token": (ApiToken.id, ApiToken.name),
        "person": (Person.id, Person.name),
    }
    names: dict[str, dict[int, str]] = defaultdict(dict)
    for kind, ids in wanted.items():
        if kind in sources and ids:
            key, name = sources[kind]
            names[kind] = dict(
                db.session.execute(select(key, name).where(key.in_(ids))).tuples().all()
            )
    return names


def _value(key: str, value: object, names: dict[str, dict[int, str]], pair: bool = True) -> str:
    """A detail's value in words; a list of two is a change (old → new) unless inside one."""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if value is None or value in ("", "None"):
        return "–"
    if key == "organization_id" and isinstance(value, int):
        return names["organization"].get(value, str(value))
    if isinstance(value, str):
        for enum in ENUMS:
            if value in enum._value2member_map_:
                return label(enum(value))
        return value
    if isinstance(value, list):
        if pair and len(value) == 2 and key not in ("ids", "campaigns_added"):
            old, new = (_value(key, v, names, pair=False) for v in value)
            return f"{old} → {new}"
        shown = "、".join(_value(key, v, names, pair=False) for v in value[:MAX_LIST])
        return shown + (f" …（{len(value)}）" if len(value) > MAX_LIST else "")
    if isinstance(value, dict):
        return "；".join(f"{FIELDS.get(k, k)}：{_value(k, v, names)}" for k, v in value.items())
    return str(value)
