"""downloads, selections, search backlog

Revision ID: 39de9e1c3d78
Revises: 4f861bfe38de
Create Date: 2026-11-29 13:58:22.303725

"""

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "39de9e1c3d78"
down_revision = "4f861bfe38de"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_backlog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("updated_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_backlog")),
        sa.UniqueConstraint("item_id", name=op.f("uq_search_backlog_item_id")),
    )
    op.create_table(
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

    op.create_table(
        "download_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("rendition", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["media_file.id"],
            name=op.f("fk_download_event_file_id_media_file"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
            name=op.f("fk_download_event_item_id_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_download_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_event")),
    )
    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_download_event_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_download_event_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_download_event_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_download_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_download_event_item_id"))
        batch_op.drop_index(batch_op.f("ix_download_event_created_at"))

    op.drop_table("download_event")
    with op.batch_alter_table("selection_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_entry_user_id"))

    op.drop_table("selection_entry")
    op.drop_table("search_backlog")
