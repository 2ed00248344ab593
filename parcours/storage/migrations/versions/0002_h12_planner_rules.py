"""planner rules: station organisation; participant avoid, stay put, absent rounds

Revision ID: 0002_h12
Revises: 0002_h10b
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_h12"
down_revision = "0002_h10b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(
            sa.Column("organisation", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("avoid", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("stay_put", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("absent_rounds", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("absent_rounds")
        batch.drop_column("stay_put")
        batch.drop_column("avoid")
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("organisation")
