"""contracts, marketing consent and suppressions, objection, restriction and abuse flags

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:26:08.353038
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "marketing_suppressions",
        sa.Column("email_index", sa.String(length=64), nullable=False),
        sa.Column("suppressed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("email_index", name=op.f("pk_marketing_suppressions")),
    )
    op.create_table(
        "contracts",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.LargeBinary(), nullable=False),
        sa.Column("reference_index", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.Column("legal_basis", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff_users.id"],
            name=op.f("fk_contracts_recorded_by_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_contracts_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint(
            "subject_id", "reference_index", name=op.f("uq_contracts_subject_id_reference_index")
        ),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "marketing_consents",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("form", sa.String(length=100), nullable=True),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("policy_version", sa.String(length=64), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirm_token_hash", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_marketing_consents_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_consents")),
        sa.UniqueConstraint(
            "confirm_token_hash", name=op.f("uq_marketing_consents_confirm_token_hash")
        ),
    )
    with op.batch_alter_table("marketing_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_marketing_consents_subject_id"), ["subject_id"], unique=False
        )

    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objected_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("flagged_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("flag_note", sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_flagged_by_staff_users"),
            "staff_users",
            ["flagged_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_submissions_flagged_by_staff_users"), type_="foreignkey"
        )
        batch_op.drop_column("flag_note")
        batch_op.drop_column("flagged_by")
        batch_op.drop_column("flagged_at")

    with op.batch_alter_table("subjects", schema=None) as batch_op:
        batch_op.drop_column("restricted_at")
        batch_op.drop_column("objected_at")

    with op.batch_alter_table("marketing_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marketing_consents_subject_id"))

    op.drop_table("marketing_consents")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_subject_id"))

    op.drop_table("contracts")
    op.drop_table("marketing_suppressions")
