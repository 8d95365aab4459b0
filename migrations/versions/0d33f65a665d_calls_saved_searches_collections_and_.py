"""calls, saved searches, collections and share links

Revision ID: 0d33f65a665d
Revises: 40065a7cc587
Create Date: 2026-12-01 22:57:47.046273

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "0d33f65a665d"
down_revision = "40065a7cc587"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "collection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_collection_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_collection_owner_id")),
    )
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collection_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("feed_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notified_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_saved_search_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search")),
        sa.UniqueConstraint("feed_token", name=op.f("uq_saved_search_feed_token")),
    )
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_search_user_id"), ["user_id"], unique=False)

    op.create_table(
        "collection_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("added_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_collection_entry_collection_id_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_collection_entry_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_entry")),
        sa.UniqueConstraint(
            "collection_id", "item_id", name=op.f("uq_collection_entry_collection_id")
        ),
    )
    with op.batch_alter_table("collection_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_entry_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_collection_entry_item_id"), ["item_id"], unique=False)

    op.create_table(
        "collection_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("can_edit", sa.Boolean(), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_collection_grant_collection_id_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_collection_grant_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_grant")),
        sa.UniqueConstraint(
            "collection_id", "user_id", name=op.f("uq_collection_grant_collection_id")
        ),
    )
    with op.batch_alter_table("collection_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collection_grant_user_id"), ["user_id"], unique=False)

    op.create_table(
        "saved_search_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("announced_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_saved_search_hit_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_search_id"],
            ["saved_search.id"],
            name=op.f("fk_saved_search_hit_saved_search_id_saved_search"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search_hit")),
        sa.UniqueConstraint(
            "saved_search_id", "item_id", name=op.f("uq_saved_search_hit_saved_search_id")
        ),
    )
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("originals", sa.Boolean(), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("expires_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collection.id"],
            name=op.f("fk_share_link_collection_id_collection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_share_link_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_share_link_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_link_token_hash")),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "share_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_link_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_share_visit_item_id_item"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["share_link_id"],
            ["share_link.id"],
            name=op.f("fk_share_visit_share_link_id_share_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_visit")),
    )
    with op.batch_alter_table("share_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_visit_share_link_id"), ["share_link_id"], unique=False
        )

    _selections_to_collections()
    with op.batch_alter_table("selection_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_entry_user_id"))

    op.drop_table("selection_entry")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target_kinds", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("target_regions", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("opened_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closed_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reminded_days", sa.Integer(), nullable=True))
    # Calls already running are not announced again; those whose end has passed while still
    # open are closed by the worker's first sweep (with an audit row).
    now = datetime.now(UTC)
    campaign = sa.table(
        "campaign",
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
        sa.column("is_open", sa.Boolean()),
        sa.column("created_at", kitchen.models.base.UTCDateTime()),
        sa.column("opened_at", kitchen.models.base.UTCDateTime()),
        sa.column("closed_at", kitchen.models.base.UTCDateTime()),
    )
    today = now.date()
    op.execute(
        campaign.update()
        .where(sa.or_(campaign.c.is_open.is_(True), campaign.c.starts_on <= today))
        .values(opened_at=campaign.c.created_at)
    )
    op.execute(
        campaign.update()
        .where(campaign.c.is_open.is_(False), campaign.c.ends_on < today)
        .values(closed_at=campaign.c.created_at)
    )

    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_link_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_download_event_share_link_id_share_link"),
            "share_link",
            ["share_link_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("saved_search_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_campaign_id_campaign"),
            "campaign",
            ["campaign_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notification_saved_search_id_saved_search"),
            "saved_search",
            ["saved_search_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notification_saved_search_id_saved_search"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_notification_campaign_id_campaign"), type_="foreignkey"
        )
        batch_op.drop_column("saved_search_id")
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_download_event_share_link_id_share_link"), type_="foreignkey"
        )
        batch_op.drop_column("share_link_id")

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("reminded_days")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("opened_at")
        batch_op.drop_column("target_regions")
        batch_op.drop_column("target_kinds")

    selections = op.create_table(
        "selection_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("added_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_selection_entry_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_selection_entry_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_entry")),
        sa.UniqueConstraint("user_id", "item_id", name=op.f("uq_selection_entry_user_id")),
    )
    with op.batch_alter_table("selection_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_entry_user_id"), ["user_id"], unique=False)
    # The basket's entries go back to the one selection; other collections are lost.
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT c.owner_id, e.item_id, e.added_at FROM collection_entry e "
                "JOIN collection c ON c.id = e.collection_id WHERE c.is_default = :yes"
            ),
            {"yes": True},
        )
        .all()
    )
    if rows:
        op.bulk_insert(
            selections,
            [{"user_id": u, "item_id": i, "added_at": _moment(a)} for u, i, a in rows],
        )

    with op.batch_alter_table("share_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_visit_share_link_id"))

    op.drop_table("share_visit")
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_owner_id"))

    op.drop_table("share_link")
    op.drop_table("saved_search_hit")
    with op.batch_alter_table("collection_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_grant_user_id"))

    op.drop_table("collection_grant")
    with op.batch_alter_table("collection_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_entry_item_id"))
        batch_op.drop_index(batch_op.f("ix_collection_entry_collection_id"))

    op.drop_table("collection_entry")
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_search_user_id"))

    op.drop_table("saved_search")
    with op.batch_alter_table("collection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_owner_id"))

    op.drop_table("collection")


def _moment(value):
    """A stored time as an aware datetime (SQLite hands back text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _selections_to_collections():
    """Each user's selection (素材篮) becomes their basket, the default collection, in the
    order it was filled."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT user_id, item_id, added_at FROM selection_entry ORDER BY user_id, added_at, id"
        )
    ).all()
    collection = sa.table(
        "collection",
        sa.column("id", sa.Integer()),
        sa.column("owner_id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("is_default", sa.Boolean()),
        sa.column("created_at", kitchen.models.base.UTCDateTime()),
        sa.column("updated_at", kitchen.models.base.UTCDateTime()),
    )
    entry = sa.table(
        "collection_entry",
        sa.column("collection_id", sa.Integer()),
        sa.column("item_id", sa.Integer()),
        sa.column("position", sa.Integer()),
        sa.column("note", sa.String()),
        sa.column("added_at", kitchen.models.base.UTCDateTime()),
    )
    now = datetime.now(UTC)
    baskets = {}
    for user_id, item_id, added_at in rows:
        if user_id not in baskets:
            bind.execute(
                collection.insert().values(
                    owner_id=user_id, name="素材篮", is_default=True, created_at=now, updated_at=now
                )
            )
            baskets[user_id] = [
                bind.execute(
                    sa.select(collection.c.id).where(
                        collection.c.owner_id == user_id, collection.c.is_default.is_(True)
                    )
                ).scalar_one(),
                0,
            ]
        basket = baskets[user_id]
        basket[1] += 1
        bind.execute(
            entry.insert().values(
                collection_id=basket[0],
                item_id=item_id,
                position=basket[1],
                note="",
                added_at=_moment(added_at),
            )
        )
