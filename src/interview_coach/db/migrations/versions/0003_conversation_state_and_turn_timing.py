"""conversation state and turn timing

The spoken interviewer keeps its place in the interview (plan and dialogue state) on the
interview row, so a rejoin or a restart goes on from the same question; each transcript line
gets its end and, for interviewer lines, the reply latency (end of the user's speech to the
first interviewer audio sent).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("interviewer_state", sa.JSON(), nullable=True))
    with op.batch_alter_table("transcript_entries") as batch:
        batch.add_column(sa.Column("end_ms", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reply_latency_ms", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transcript_entries") as batch:
        batch.drop_column("reply_latency_ms")
        batch.drop_column("end_ms")
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("interviewer_state")
