"""The record of decisions, read back for contributors and curators."""

from __future__ import annotations

from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, Review


def history(item: Item) -> list[Review]:
    """Every transition of the item, newest first."""
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.item_id == item.id)
            .order_by(Review.created_at.desc(), Review.id.desc())
        )
    )


def latest_comments(item_ids: list[int]) -> dict[int, Review]:
    """For each item, its latest transition that carries a comment."""
    if not item_ids:
        return {}
    rows = db.session.scalars(
        select(Review)
        .where(Review.item_id.in_(item_ids), Review.comment != "")
        .order_by(Review.created_at, Review.id)
    )
    return {review.item_id: review for review in rows}
