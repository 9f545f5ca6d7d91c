"""speech segments and feedback reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:18:22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PENDING", "READY", "FAILED", name="feedback_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("engine", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_feedback_reports_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_reports")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_feedback_reports_interview_id")),
    )
    op.create_table(
        "speech_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.String(length=32), nullable=False),
        sa.Column("start_ms", sa.Integer(), nullable=False),
        sa.Column("end_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_speech_segments_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speech_segments")),
    )
    with op.batch_alter_table("speech_segments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_speech_segments_interview_start", ["interview_id", "start_ms"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("speech_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_speech_segments_interview_start")

    op.drop_table("speech_segments")
    op.drop_table("feedback_reports")
