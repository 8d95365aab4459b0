"""job queue replaces the search backlog

Revision ID: dd0c468be0f5
Revises: a1f6e4d46442
Create Date: 2026-12-01 10:26:46.839146

"""

import sqlalchemy as sa
from alembic import op

import kitchen.models.base

# revision identifiers, used by Alembic.
revision = "dd0c468be0f5"
down_revision = "a1f6e4d46442"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("gave_up", sa.Boolean(), nullable=False),
        sa.Column("run_after", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_due", ["kind", "gave_up", "run_after", "id"], unique=False)

    # Changes that never reached the index become index jobs; the rest is rebuilt by
    # `kitchen init`, since the index layout changed with this release too.
    op.execute(
        "INSERT INTO job (kind, target_id, attempts, last_error, gave_up, run_after, created_at) "
        "SELECT 'index', item_id, 0, '', false, updated_at, updated_at FROM search_backlog"
    )
    op.drop_table("search_backlog")
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("renditions_pending", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("emailed_at", kitchen.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("emailed_at")

    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.drop_column("renditions_pending")

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
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_due")

    op.drop_table("job")
