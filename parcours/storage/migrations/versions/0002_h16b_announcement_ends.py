"""announcements end: how long an announcement stays on the screen and the phones

Revision ID: 0002_h16b
Revises: 0002_h12
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_h16b"
down_revision = "0002_h12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("ends_at")
