"""registration cap and switch, organiser sessions, administrators

Revision ID: 0002_h10b
Revises: 0002_h10a
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_h10b"
down_revision = "0002_h10a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_participants", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("registration_open", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "organiser_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organisers.id"],
            name=op.f("fk_organiser_sessions_organiser_id_organisers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organiser_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_organiser_sessions_key_hash")),
    )
    with op.batch_alter_table("organiser_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organiser_sessions_organiser_id"), ["organiser_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("organiser_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organiser_sessions_organiser_id"))
    op.drop_table("organiser_sessions")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("registration_open")
        batch_op.drop_column("max_participants")
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.drop_column("is_admin")
