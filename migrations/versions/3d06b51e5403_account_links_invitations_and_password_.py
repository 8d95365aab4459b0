"""account links: invitations and password resets

Revision ID: 3d06b51e5403
Revises: b02e6cf6dbdb
Create Date: 2026-12-01 15:47:29.804659

"""

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "3d06b51e5403"
down_revision = "b02e6cf6dbdb"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_account_link_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_account_link_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_link")),
    )
    with op.batch_alter_table("account_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_link_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("account_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_link_user_id"))

    op.drop_table("account_link")
