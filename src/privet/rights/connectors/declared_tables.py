"""Tables a policy declares in `systems: ... tables:`, read and erased through a fideslang dataset.

Each declaration becomes a dataset of one collection per table: its email column is the
`identity: email` field, each declared column a field of its policy data category, and the
table's own primary key (reflected) the key that finds a row. So the walk (`find_rows`) and
the masking (`erase`) are the same code that serves Fides datasets.

On erasure, a column whose category is held under a legal obligation is kept, and so is
every row of a `delete` table that holds one: the row stays and its other columns are
masked. Kept columns enter the erasure's dataset with no category at all, so no masked
category (`erase` masks a category and the ones under it, `contact` and `contact.work`)
can reach them, whatever their names.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, delete

from privet.policy.schema import DeclaredTable
from privet.rights.connectors.erasure import Erasure, KeptField, erase_within
from privet.rights.connectors.fideslang import Collection, Dataset, Field
from privet.rights.connectors.tables import reflect_tables
from privet.rights.connectors.traversal import Row, find_rows


@dataclass(frozen=True)
class DeclaredTables:
    name: str  # the system's name in the policy
    tables: Mapping[str, DeclaredTable]
    source: Path  # the policy file, which problems with the tables point to
    schema: str | None = None


def find_declared(declared: DeclaredTables, engine: Engine, email: str) -> dict[str, list[Row]]:
    """Every declared table's rows whose email column holds `email`, with the declared columns."""
    dataset, _ = _reflected(declared, engine, kept=frozenset())
    return find_rows(dataset, engine, {"email": email})


def erase_declared(
    declared: DeclaredTables, engine: Engine, email: str, kept_categories: Set[str]
) -> Erasure:
    """Delete or mask the rows of `email` as each table says, in one transaction; what was
    kept, and why. Running it again changes nothing."""
    dataset, tables = _reflected(declared, engine, kept=kept_categories)
    found = find_rows(dataset, engine, {"email": email})
    deleting = {
        name
        for name, table in declared.tables.items()
        if table.on_erasure == "delete" and not _kept_columns(table, kept_categories)
    }
    masking = {name: rows for name, rows in found.items() if name not in deleting}
    with engine.begin() as connection:
        masked = erase_within(
            connection, dataset, masking, tuple(_categories(dataset)), tables=tables
        )
        deleting_tables = {name: tables[name] for name in deleting}
        deleted = _delete(connection, deleting_tables, declared, email)
    kept = _kept(declared, masking, kept_categories)
    return Erasure({**masked.changed, **deleted}, (*kept, *masked.kept))


def _reflected(
    declared: DeclaredTables, engine: Engine, kept: Set[str]
) -> tuple[Dataset, dict[str, Table]]:
    """The dataset with each table's primary key, which only the database knows."""
    bare = _dataset(declared, {}, kept)
    tables = reflect_tables(bare, engine, declared.schema)
    keys = {
        name: tuple(column.name for column in table.primary_key) for name, table in tables.items()
    }
    return _dataset(declared, keys, kept), tables


def _dataset(
    declared: DeclaredTables, keys: Mapping[str, tuple[str, ...]], kept: Set[str]
) -> Dataset:
    collections = tuple(
        _collection(name, table, keys.get(name, ()), kept)
        for name, table in declared.tables.items()
    )
    return Dataset(declared.name, collections, declared.source, declared.schema)


def _collection(
    name: str, table: DeclaredTable, key: tuple[str, ...], kept: Set[str]
) -> Collection:
    fields = [
        Field(
            column,
            () if category in kept else (category,),
            identity="email" if column == table.email else None,
            primary_key=column in key,
        )
        for column, category in table.columns.items()
    ]
    # A key column the declaration leaves out still finds the row; it holds no category.
    fields += [Field(column, primary_key=True) for column in key if column not in table.columns]
    return Collection(name, tuple(fields))


def _categories(dataset: Dataset) -> set[str]:
    return {
        category
        for collection in dataset.collections
        for field in collection.fields
        for category in field.data_categories
    }


def _kept_columns(table: DeclaredTable, kept: Set[str]) -> dict[str, str]:
    return {column: category for column, category in table.columns.items() if category in kept}


def _kept(
    declared: DeclaredTables, found: Mapping[str, list[Row]], kept: Set[str]
) -> list[KeptField]:
    """A kept column of a table where the person has rows, with the category that keeps it."""
    reported = []
    for name, rows in found.items():
        table = declared.tables[name]
        if not rows:
            continue
        row_stays = (
            "; the row stays, its other columns erased" if table.on_erasure == "delete" else ""
        )
        for column, category in _kept_columns(table, kept).items():
            reason = f"data category '{category}' is held under a legal obligation{row_stays}"
            reported.append(KeptField(name, column, reason))
    return reported


def _delete(
    connection: Connection, tables: Mapping[str, Table], declared: DeclaredTables, email: str
) -> dict[str, int]:
    deleted = {}
    for name, table in tables.items():
        column = table.c[declared.tables[name].email]
        deleted[name] = connection.execute(delete(table).where(column == email)).rowcount
    return deleted
