"""item versions in other languages

Revision ID: 52a3243a7ef0
Revises: 0d33f65a665d
Create Date: 2026-12-02 06:16:33.422726

"""

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "52a3243a7ef0"
down_revision = "0d33f65a665d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "item_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_item_version_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_version_item_id_item"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_item_version_proposed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_version")),
    )
    with op.batch_alter_table("item_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_version_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_version_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_item_version_approved",
            ["item_id", "language"],
            unique=True,
            sqlite_where=sa.text("status = 'approved'"),
            postgresql_where=sa.text("status = 'approved'"),
        )


def downgrade():
    with op.batch_alter_table("item_version", schema=None) as batch_op:
        batch_op.drop_index("uq_item_version_approved")
        batch_op.drop_index(batch_op.f("ix_item_version_status"))
        batch_op.drop_index(batch_op.f("ix_item_version_item_id"))
    op.drop_table("item_version")
