"""organisation metadata template

Revision ID: b02e6cf6dbdb
Revises: 48da80272347
Create Date: 2026-12-01 15:43:24.617635

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b02e6cf6dbdb"
down_revision = "48da80272347"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "default_credit_line", sa.String(length=200), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "default_usage_terms",
                sa.Enum(
                    "with_credit",
                    "editorial_only",
                    "internal_only",
                    name="usageterms",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("default_usage_terms")
        batch_op.drop_column("default_credit_line")
