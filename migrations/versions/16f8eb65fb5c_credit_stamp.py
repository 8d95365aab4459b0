"""credit stamp

Revision ID: 16f8eb65fb5c
Revises: 0cc3c2e88675
Create Date: 2026-12-01 14:08:37.924621

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "16f8eb65fb5c"
down_revision = "0cc3c2e88675"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credit_stamp", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("credit_stamp")
