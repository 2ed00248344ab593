"""personal code of each participant (printed on route card and badge, proves who is at a kiosk)

Revision ID: 0002_h10a
Revises: 0001
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002_h10a"
down_revision = "0001"
branch_labels = None
depends_on = None

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_code", sa.String(length=12), nullable=True))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM participants"))]
    for participant_id in ids:  # every existing participant gets a code of their own
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        conn.execute(
            sa.text("UPDATE participants SET personal_code = :code WHERE id = :id"),
            {"code": code, "id": participant_id},
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_participants_event_id"), ["event_id", "personal_code"]
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_participants_event_id"), type_="unique")
        batch_op.drop_column("personal_code")
