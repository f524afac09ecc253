from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from privet.models import Base
from privet.store.open import Store


def test_the_migrations_match_the_models(store: Store) -> None:
    """Alembic's check: a model changed without a migration fails here, on both databases."""
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
