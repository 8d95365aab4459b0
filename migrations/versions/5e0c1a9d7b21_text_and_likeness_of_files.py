"""the words read from a file and a photo's perceptual hash

Revision ID: 5e0c1a9d7b21
Revises: 52a3243a7ef0
Create Date: 2026-12-03 13:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e0c1a9d7b21"
down_revision = "52a3243a7ef0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phash", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("text_state", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("text_segments", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("text_note", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("text_corrected", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("media_file", schema=None) as batch_op:
        batch_op.drop_column("text_corrected")
        batch_op.drop_column("text_note")
        batch_op.drop_column("text_segments")
        batch_op.drop_column("text_state")
        batch_op.drop_column("phash")
