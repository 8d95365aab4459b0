"""Atom feeds of new approvals: per campaign, and per saved search (kitchen.services.alerts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.etree import ElementTree as ET

from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Campaign, Item, ItemStatus, utcnow
from kitchen.services import validation

ATOM = "http://www.w3.org/2005/Atom"


def latest_for(campaign: Campaign, limit: int = 50) -> list[Item]:
    """The campaign's most recently approved items."""
    query = (
        select(Item)
        .where(Item.status == ItemStatus.APPROVED, Item.campaigns.any(Campaign.id == campaign.id))
        .order_by(Item.approved_at.desc(), Item.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = validation.clean(value)  # XML 1.0 has no place for control characters
    return element


def _stamp(moment: datetime | None) -> str:
    return (moment or utcnow()).isoformat(timespec="seconds")


def atom(
    title: str,
    subtitle: str,
    since: datetime,
    items: list[Item],
    self_url: str,
    page_url: str,
    item_url: Callable[[Item], str],
) -> bytes:
    """The Atom document of these approvals (a campaign's, a saved search's), newest first;
    `since` dates a feed with no entries."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _text(feed, "id", self_url)
    _text(feed, "title", title)
    _text(feed, "subtitle", subtitle)
    _text(feed, "updated", _stamp(items[0].approved_at if items else since))
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url})
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = item_url(item)
        _text(entry, "id", url)
        _text(entry, "title", item.title)
        _text(entry, "updated", _stamp(item.approved_at))
        _text(entry, "published", _stamp(item.approved_at))
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", item.organization.name)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": url})
        _text(entry, "summary", item.summary or item.body[:200])
        _text(entry, "rights", item.credit_line)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
