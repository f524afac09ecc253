from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from conftest import NOW
from privet.intake.models import Submission
from privet.models import Base
from privet.retention.partitions import include_name
from privet.store.migrate import alembic_config
from privet.store.open import Store
from privet.subjects.models import Subject
from privet.subjects.service import get_or_create_subject


def test_the_migrations_match_the_models(store: Store) -> None:
    """Alembic's check: a model changed without a migration fails here, on both databases."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_every_migration_goes_down_and_up_again_without_losing_rows(store: Store) -> None:
    """On SQLite a column change rebuilds the table by dropping it; that must not cascade
    into the rows that point at it."""
    with store.transaction() as session:
        subject = get_or_create_subject(session, "ada@example.org", NOW)
        session.add(Submission(subject_id=subject.id, form="contact", purpose="p",
                               legal_basis="contract", categories="contact",
                               policy_version="1", fields="{}", submitted_at=NOW))  # fmt: skip
    config = alembic_config(store.engine)
    command.downgrade(config, "0003")
    command.upgrade(config, "head")
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Subject)) == 1
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
