"""segment lock: each parcours segment's plan can be locked on its own

Revision ID: 0002_c12
Revises: 0002_h16b
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_c12"
down_revision = "0002_h16b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("plan_locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_column("plan_locked")
