"""consent receipts, append-only

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 17:31:43.869651
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_receipts",
        sa.Column("visitor_index", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.JSON(), nullable=False),
        sa.Column("denied", sa.JSON(), nullable=False),
        sa.Column("gpc", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_receipts")),
    )
    with op.batch_alter_table("consent_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_receipts_recorded_at"), ["recorded_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_receipts_visitor_index_recorded_at"),
            ["visitor_index", "recorded_at"],
            unique=False,
        )

    _refuse_updates()


# Receipts are proof: a decision is superseded by a newer receipt, never edited. Deleting
# stays possible (retention sweeps, erasure), and so does re-encrypting the two columns a
# key rotation rewrites (record, visitor_index): what was decided, when, cannot change.
DECISION_COLUMNS = "id, recorded_at, policy_version, method, granted, denied, gpc, country"
SQLITE_TRIGGER = f"""
CREATE TRIGGER consent_receipts_append_only
BEFORE UPDATE OF {DECISION_COLUMNS} ON consent_receipts
BEGIN SELECT RAISE(ABORT, 'consent receipts are append-only'); END
"""
POSTGRESQL_FUNCTION = """
CREATE FUNCTION consent_receipts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'consent receipts are append-only'; END $$
"""
POSTGRESQL_TRIGGER = f"""
CREATE TRIGGER consent_receipts_append_only
BEFORE UPDATE OF {DECISION_COLUMNS} ON consent_receipts
FOR EACH ROW EXECUTE FUNCTION consent_receipts_append_only()
"""


def _refuse_updates() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER consent_receipts_append_only ON consent_receipts")
        op.execute("DROP FUNCTION consent_receipts_append_only()")
    else:
        op.execute("DROP TRIGGER consent_receipts_append_only")
    with op.batch_alter_table("consent_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_receipts_visitor_index_recorded_at"))
        batch_op.drop_index(batch_op.f("ix_consent_receipts_recorded_at"))

    op.drop_table("consent_receipts")
