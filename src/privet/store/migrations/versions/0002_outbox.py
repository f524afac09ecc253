"""outbox messages

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:25:08.145557
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
        "outbox_messages",
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("recipient", sa.LargeBinary(), nullable=False),
        sa.Column("subject_line", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("html", sa.LargeBinary(), nullable=True),
        sa.Column("headers", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_outbox_messages_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(
        op.f("ix_outbox_messages_send_after"), "outbox_messages", ["send_after"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_messages_subject_id"), "outbox_messages", ["subject_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_messages_subject_id"), table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_send_after"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
