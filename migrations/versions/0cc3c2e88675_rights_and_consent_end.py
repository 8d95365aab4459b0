"""rights and consent end

Revision ID: 0cc3c2e88675
Revises: 0ddb3761a054
Create Date: 2026-12-01 13:41:22.706237

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0cc3c2e88675"
down_revision = "0ddb3761a054"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rights_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("consent_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("expiry_notified", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_item_consent_until"), ["consent_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_rights_until"), ["rights_until"], unique=False)


def downgrade():
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_rights_until"))
        batch_op.drop_index(batch_op.f("ix_item_consent_until"))
        batch_op.drop_column("expiry_notified")
        batch_op.drop_column("consent_until")
        batch_op.drop_column("rights_until")
