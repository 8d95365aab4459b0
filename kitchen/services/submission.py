"""Creating and editing items: the contributor's side of the library."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from kitchen import fields
from kitchen.extensions import db
from kitchen.models import Campaign, Item, ItemKind, Role, UsageTerms, User
from kitchen.services import audit, campaigns, item_fields, people, validation, workflow
from kitchen.services.access import Action, authorize, may_delete_draft
from kitchen.services.errors import Conflict, Forbidden, ValidationError


class ItemData(item_fields.FieldValues):
    """The fields a contributor fills in (the spec's SUBMIT fields) and the item's kind; which
    are required depends on the kind."""

    spec = fields.set_by(fields.Setter.SUBMIT)

    def __init__(self, kind: str, **values: Any) -> None:
        super().__init__(**values)
        self.kind = kind


def current_data(item: Item) -> ItemData:
    """An item's present values, as the services' input (the API's edits, revisions)."""
    return ItemData(item.kind.value, **item_fields.present_all(item, ItemData.spec))


def clean_fields(data: ItemData) -> dict[str, object]:
    """Check every field and return the cleaned values of the item's columns, with its kind."""
    kind = validation.choice(data.kind, ItemKind, "kind")
    spec = item_fields.columns(data.spec)
    return {"kind": kind, **item_fields.clean_all(spec, data.values, kind)}


def campaign_choices(item: Item | None = None) -> list[tuple[str, str]]:
    """The campaigns a contributor may suggest: the open ones, plus any the item already
    carries (so editing keeps them visible)."""
    chosen = {c.slug: c.name for c in item.campaigns} if item else {}
    open_ones = {c.slug: c.name for c in campaigns.list_campaigns(open_only=True)}
    return list({**open_ones, **chosen}.items())


def suggested_campaigns(user: User, slugs: list[str]) -> list[Campaign]:
    """Contributors may only suggest open campaigns; curators may tag with any."""
    found = campaigns.find_campaigns(slugs)
    if user.role != Role.CURATOR and any(not c.is_open for c in found):
        raise ValidationError(_l("Only open campaigns can be suggested."), field="campaigns")
    return found


def create_item(user: User, data: ItemData) -> Item:
    """A new draft of the user's organisation."""
    item = build_item(user, data)
    db.session.commit()
    return item


def build_item(user: User, data: ItemData) -> Item:
    """A new draft in the current transaction (flushed, audited, not committed): the caller
    commits it together with what belongs to it, or rolls both back."""
    authorize(user, Action.CREATE_ITEM)
    if user.organization_id is None:
        raise Forbidden(_l("Your account is not attached to an organisation."))
    values = clean_fields(data)
    item = Item(organization_id=user.organization_id, submitter_id=user.id, **values)
    item.campaigns = suggested_campaigns(user, data.campaigns)
    item.persons = people.chosen(user, data.persons)
    db.session.add(item)
    db.session.flush()
    audit.record(
        user, "item.create", "item", item.id, {"kind": item.kind.value, "title": item.title}
    )
    return item


def defaults_for(user: User) -> tuple[str, str]:
    """The credit line and usage terms a new item of the user's organisation starts with: its
    template where set, else the organisation's name and free use with credit."""
    org = user.organization
    if org is None:
        return "", UsageTerms.WITH_CREDIT.value
    terms = org.default_usage_terms or UsageTerms.WITH_CREDIT
    return org.default_credit_line or org.name, terms.value


def missing_for_submission(item: Item) -> list[str]:
    """What still has to be filled in before the item can go to review (empty when ready)."""
    missing: list[str] = []
    if item.kind in (ItemKind.PHOTO, ItemKind.VIDEO) and not item.files:
        missing.append(str(_l("at least one file")))
    if item.kind == ItemKind.PRODUCT and not item.files and not item.link_url:
        missing.append(str(_l("a file or a link")))
    if item.kind == ItemKind.STORY and not item.body:
        missing.append(str(_l("the text")))
    if item.kind == ItemKind.LEAD and not (item.contact_name and item.contact_info):
        missing.append(str(_l("a contact person with phone or e-mail")))
    needs_consent = item.kind in (ItemKind.PHOTO, ItemKind.VIDEO) or bool(item.people)
    if needs_consent and not item.consent_confirmed:
        missing.append(str(_l("the confirmation that the people shown agreed")))
    return missing


def submit_item(user: User, item: Item) -> Item:
    """Send a draft (or a corrected item) to the curators, once it is complete."""
    workflow.guard(user, item, workflow.Move.SUBMIT, "")
    missing = missing_for_submission(item)
    if missing:
        raise ValidationError(
            _l("Before submitting, please add: %(what)s.", what="、".join(missing))
        )
    workflow.apply(user, item, workflow.Move.SUBMIT)
    return item


def retract_item(user: User, item: Item) -> Item:
    """Take a submitted item back to draft before a curator decides."""
    workflow.apply(user, item, workflow.Move.RETRACT)
    return item


def delete_draft(user: User, item: Item) -> None:
    """Delete a draft of the user's organisation with its files (the audit keeps its title)."""
    from kitchen.models import CollectionEntry, DownloadEvent, Notification, Review
    from kitchen.services.uploads import storage, stored_keys

    authorize(user, Action.EDIT_ITEM, item)
    if not may_delete_draft(user, item):
        raise Conflict(_l("Only drafts can be deleted: take the item back from review first."))
    keys = [key for media in item.files for key in stored_keys(media)]
    # Rows that name the item go with it (SQLite does not cascade by itself).
    for model in (Review, Notification, CollectionEntry, DownloadEvent):
        db.session.execute(delete(model).where(model.item_id == item.id))
    audit.record(
        user, "item.delete", "item", item.id, {"title": item.title, "kind": item.kind.value}
    )
    db.session.delete(item)
    db.session.commit()
    for key in keys:  # after the commit: a failed commit must not lose the files
        storage().delete(key)


def require_editable(item: Item) -> None:
    """Raise unless the item is a draft or sent back for changes: what its organisation edits
    (fields and files)."""
    if not item.is_editable:
        raise ValidationError(_l("Only drafts and items sent back for changes can be edited."))


def update_item(user: User, item: Item, data: ItemData) -> Item:
    """Change a draft or an item sent back for changes; the kind stays as it was."""
    authorize(user, Action.EDIT_ITEM, item)
    require_editable(item)
    data.kind = item.kind.value
    values = clean_fields(data)
    if (values["rights_until"], values["consent_until"]) != (item.rights_until, item.consent_until):
        item.expiry_notified = None  # new dates: the warnings start again
    for name, value in values.items():
        setattr(item, name, value)
    item.campaigns = suggested_campaigns(user, data.campaigns)
    linked = people.relink(item, people.chosen(user, data.persons, item))
    audit.record(user, "item.update", "item", item.id, {"title": item.title, **(linked or {})})
    db.session.commit()
    return item


def save_defaults(user: User, credit_line: str, usage_terms: str) -> None:
    """A contributor sets their organisation's template: the credit line and usage terms its
    new items start with (audited)."""
    authorize(user, Action.CREATE_ITEM)
    org = user.organization
    if org is None:
        raise Forbidden(_l("Your account is not attached to an organisation."))
    credit = validation.text(credit_line, "credit_line", max_len=200)
    terms = validation.choice(usage_terms, UsageTerms, "usage_terms")
    org.default_credit_line, org.default_usage_terms = credit, terms
    audit.record(
        user,
        "org.defaults",
        "organization",
        org.id,
        {"credit_line": credit, "usage_terms": terms.value},
    )
    db.session.commit()
