"""The tables a dataset describes, reflected from the database and checked against it."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, Table

from privet.rights.connectors.fideslang import Dataset, DatasetError


def reflect_tables(dataset: Dataset, engine: Engine, schema: str | None) -> dict[str, Table]:
    """One reflected table per collection the walk uses; a declared column must exist.

    Collections marked `skip_processing` are left out, as Fides leaves them out. Tables the
    dataset does not declare are never looked at.
    """
    schema = schema or dataset.schema
    wanted = {c.name: c for c in dataset.collections if not c.skip_processing}
    metadata = MetaData()
    # One reflect call for all tables: SQLAlchemy then asks PostgreSQL once per kind of
    # detail rather than once per table, several times faster than Table(autoload_with=...).
    metadata.reflect(engine, schema, only=lambda name, _: name in wanted, resolve_fks=False)
    tables = {}
    for name, collection in wanted.items():
        table = metadata.tables.get(f"{schema}.{name}" if schema else name)
        if table is None:
            place = f"{schema}.{name}" if schema else name
            message = f"collection '{name}' has no table {place} in the database"
            raise DatasetError(dataset.path, collection.line, message)
        for field in collection.fields:
            if field.name not in table.c:
                message = f"field '{name}.{field.name}' has no column in the table"
                raise DatasetError(dataset.path, field.line, message)
        tables[name] = table
    return tables
