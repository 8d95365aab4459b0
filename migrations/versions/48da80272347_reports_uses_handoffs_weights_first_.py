"""reports: uses, handoffs, weights, first submission

Revision ID: 48da80272347
Revises: 16f8eb65fb5c
Create Date: 2026-12-01 14:41:43.235741

"""

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "48da80272347"
down_revision = "16f8eb65fb5c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_weight",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_report_weight_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_weight")),
    )
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("handed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handed_by_id"], ["user_account.id"], name=op.f("fk_handoff_handed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_handoff_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_handoff_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
    )
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handoff_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "item_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "paper",
                "tv",
                "radio",
                "website",
                "new_media",
                "other",
                name="channel",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
            name=op.f("fk_item_use_handoff_id_handoff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_use_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_item_use_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_item_use_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_use")),
    )
    with op.batch_alter_table("item_use", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_use_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_item_use_published", ["published_on", "item_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_item_use_recorded_by_id"), ["recorded_by_id"], unique=False
        )

    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_download_event_period", ["created_at", "item_id", "user_id"], unique=False
        )

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "first_submitted_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            batch_op.f("ix_item_first_submitted_at"), ["first_submitted_at"], unique=False
        )

    # Items sent before this revision: their first "submit" in the review log, else the time of
    # their latest submission (imported items have no log).
    op.execute(
        "UPDATE item SET first_submitted_at = COALESCE("
        "(SELECT MIN(review.created_at) FROM review"
        " WHERE review.item_id = item.id AND review.action = 'submit'),"
        " submitted_at)"
    )


def downgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_first_submitted_at"))
        batch_op.drop_column("first_submitted_at")

    with op.batch_alter_table("download_event", schema=None) as batch_op:
        batch_op.drop_index("ix_download_event_period")

    with op.batch_alter_table("item_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_use_recorded_by_id"))
        batch_op.drop_index("ix_item_use_published")
        batch_op.drop_index(batch_op.f("ix_item_use_item_id"))

    op.drop_table("item_use")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_organization_id"))
        batch_op.drop_index(batch_op.f("ix_handoff_item_id"))

    op.drop_table("handoff")
    op.drop_table("report_weight")
