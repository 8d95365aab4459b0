"""Models as JSON: the shapes described in kitchen.api.openapi_schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kitchen import fields
from kitchen.fields import split_list
from kitchen.links import external_url
from kitchen.models import Campaign, Item, ItemVersion, MediaFile, Organization, Person, User
from kitchen.services import extraction
from kitchen.services.items import Page
from kitchen.services.library import CampaignRef
from kitchen.services.names import OrgRef
from kitchen.services.people import disciplines_of

RENDITION_KEYS = {"web": "web_key", "thumb": "thumb_key", "poster": "poster_key"}


def when(value: date | datetime | None) -> str | None:
    """An ISO 8601 date or time, or None."""
    return value.isoformat() if value is not None else None


def organization_json(org: Organization | OrgRef | None) -> dict[str, Any] | None:
    """An organisation's id, name and kind."""
    if org is None:
        return None
    return {"id": org.id, "name": org.name, "kind": org.kind.value}


def user_json(user: User) -> dict[str, Any]:
    """The caller's account."""
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "organization": organization_json(user.organization),
        "locale": user.locale,
    }


def person_ref(user: User | None) -> dict[str, Any] | None:
    """A person named on an item: id and display name only."""
    return {"id": user.id, "display_name": user.display_name} if user is not None else None


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """A campaign with its brief and period."""
    return {
        "slug": campaign.slug,
        "name": campaign.name,
        "description": campaign.description,
        "starts_on": when(campaign.starts_on),
        "ends_on": when(campaign.ends_on),
        "is_open": campaign.is_open,
    }


def campaign_ref(campaign: Campaign | CampaignRef) -> dict[str, str]:
    """A campaign named on an item."""
    return {"slug": campaign.slug, "name": campaign.name}


def directory_ref(person: Person) -> dict[str, object]:
    """A person named on an item."""
    return {
        "id": person.id,
        "name": person.name,
        "url": external_url("api.get_person", person_id=person.id),
    }


def person_json(person: Person, with_contact: bool) -> dict[str, object]:
    """A person's record; the contact details and consent only for the centre."""
    found: dict[str, object] = {
        **directory_ref(person),
        "other_names": split_list(person.other_names),
        "title": person.title,
        "affiliation": person.affiliation,
        "fields": [d.value for d in disciplines_of(person)],
        "keywords": split_list(person.keywords),
        "honours": split_list(person.honours),
        "region": person.region,
        "bio": person.bio,
        "expert": person.listed_expert,
        "page_url": external_url("people.show", person_id=person.id),
    }
    if with_contact:
        found.update(
            contact=person.contact,
            consent_featured=person.consent_featured,
            consent_until=when(person.consent_until),
            confirmed=person.confirmed,
        )
    return found


def rendition_urls(media: MediaFile) -> dict[str, str]:
    """Absolute download URLs of the file's original and of each rendition it has."""
    names = ["original", *(name for name, key in RENDITION_KEYS.items() if getattr(media, key))]
    return {name: external_url("api.download", file_id=media.id, rendition=name) for name in names}


def file_json(media: MediaFile) -> dict[str, Any]:
    """A stored file with its checks' findings and its renditions."""
    return {
        "id": media.id,
        "item_id": media.item_id,
        "original_name": media.original_name,
        "mime": media.mime,
        "media_type": media.media_type,
        "size": media.size,
        "sha256": media.sha256,
        "width": media.width,
        "height": media.height,
        "duration": media.duration,
        "caption": media.caption,
        "processing": media.renditions_pending,
        "renditions": rendition_urls(media),
        "text": file_text_json(media),
    }


def file_text_json(media: MediaFile) -> dict[str, Any] | None:
    """The words read from a file, or None for a file with none to read."""
    text = extraction.file_text(media)
    if text is None:
        return None
    return {
        "state": text.state,
        "source": text.source,
        "note": text.note,
        "corrected": text.corrected,
        "searched": text.searched,
        "segments": [
            {
                "page": segment.get("page"),
                "text": segment["text"],
                "confidence": segment.get("confidence"),
                "searched": searched,
            }
            for segment, searched in text.segments
        ],
    }


def thumb_url(item: Item) -> str | None:
    """The first file's thumbnail, if it has one."""
    return file_thumb_url(next((m.id for m in item.files if m.thumb_key), None))


def file_thumb_url(file_id: int | None) -> str | None:
    """The download URL of a file's thumbnail (None for no file)."""
    if file_id is None:
        return None
    return external_url("api.download", file_id=file_id, rendition="thumb")


def item_summary(item: Item) -> dict[str, Any]:
    """An item as a list shows it."""
    return {
        "id": item.id,
        "kind": item.kind.value,
        "status": item.status.value,
        "title": item.title,
        "summary": item.summary,
        "organization": organization_json(item.organization),
        "campaigns": [campaign_ref(c) for c in item.campaigns],
        "persons": [directory_ref(p) for p in item.persons],
        "featured": item.featured,
        "updated_at": when(item.updated_at),
        "thumb_url": thumb_url(item),
        "url": external_url("api.get_item", item_id=item.id),
    }


def field_json(item: Item, field: fields.ItemField) -> Any:
    """An item's value of a spec field as the API gives it."""
    value = getattr(item, field.name)
    if field.type is fields.FieldType.LIST:
        return split_list(value)
    if field.type is fields.FieldType.DATE:
        return when(value)
    if field.type is fields.FieldType.CHOICE:
        return value.value
    if field.type is fields.FieldType.CAMPAIGNS:
        return [campaign_ref(c) for c in value]
    if field.type is fields.FieldType.PERSONS:
        return [p.id for p in value]
    return value


def item_json(
    item: Item, spec: tuple[fields.ItemField, ...] = fields.ITEM_FIELDS
) -> dict[str, Any]:
    """An item with every field, its state, campaigns and files."""
    summary = item_summary(item)
    return {
        **summary,
        **{f.json_name: field_json(item, f) for f in spec if f.json_name not in summary},
        "created_at": when(item.created_at),
        "submitted_at": when(item.submitted_at),
        "approved_at": when(item.approved_at),
        "claimed_by": person_ref(item.claimed_by),
        "files": [file_json(f) for f in item.files],
        "versions": [version_json(v) for v in item.versions],
    }


def version_json(version: ItemVersion) -> dict[str, Any]:
    """A version of an item in another language."""
    return {
        "id": version.id,
        "language": version.language,
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "caption": version.caption,
        "status": version.status,
        "created_at": when(version.created_at),
        "decided_at": when(version.decided_at),
    }


def page_json(page: Page) -> dict[str, Any]:
    """One page of items."""
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "results": [item_summary(item) for item in page.items],
    }
