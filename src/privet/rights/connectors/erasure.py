"""Erasing a person from a database a dataset describes: masking their fields, keeping the keys.

As Fides does, rows are not deleted: their personal fields are overwritten, so the rows of
other people that point at them stay valid. A field is masked when one of its data categories
falls under a given prefix (`user` covers `user` and `user.name`, not `username`). Kept, and
reported with the reason: keys (the dataset's `primary_key` and the table's own primary key)
and both ends of every reference, which hold the graph together; `read_only` fields; every
field of a collection whose rows cannot be told apart (no primary key to find them by, as
Fides skips such collections); and a NOT NULL column that cannot take the mask.

The mask is NULL. A NOT NULL text column gets the fixed text MASKED instead (cut to the
column's length). A NOT NULL column of any other type, or a NOT NULL column under a UNIQUE
constraint (where one fixed text would collide with the next person's), is kept and reported:
it has no neutral value, and an invented one (0, 1970-01-01) would pass for real data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Enum,
    Index,
    String,
    Table,
    UniqueConstraint,
    and_,
    or_,
    update,
)

from privet.rights.connectors.fideslang import Collection, Dataset, Field
from privet.rights.connectors.tables import reflect_tables

MASK_TEXT = "MASKED"


@dataclass(frozen=True)
class KeptField:
    """A field whose categories ask for masking, left as it was, and why."""

    collection: str
    field: str
    reason: str


@dataclass(frozen=True)
class Erasure:
    """Rows changed per collection (0 when nothing was left to mask), and the fields kept."""

    changed: Mapping[str, int]
    kept: tuple[KeptField, ...]


@dataclass(frozen=True)
class _Plan:
    collection: str
    table: Table
    locator: tuple[str, ...]
    masks: dict[str, str | None]
    kept: tuple[KeptField, ...]


def erase(
    dataset: Dataset,
    engine: Engine,
    rows_found: Mapping[str, Sequence[Mapping[str, Any]]],
    masked_categories: Iterable[str],
    *,
    schema: str | None = None,
) -> Erasure:
    """Mask, in one transaction, the fields of `rows_found` (from `find_rows`) in the categories.

    Running it again changes nothing: a row already masked matches no UPDATE, and is not counted.
    """
    prefixes = (
        (masked_categories,) if isinstance(masked_categories, str) else tuple(masked_categories)
    )
    with engine.begin() as connection:
        return erase_within(
            connection,
            dataset,
            rows_found,
            prefixes,
            tables=reflect_tables(dataset, engine, schema),
        )


def erase_within(
    connection: Connection,
    dataset: Dataset,
    rows_found: Mapping[str, Sequence[Mapping[str, Any]]],
    prefixes: tuple[str, ...],
    *,
    tables: Mapping[str, Table],
) -> Erasure:
    """`erase` inside the caller's transaction, so it can be one with the caller's own work."""
    ends = _reference_ends(dataset)
    plans = [
        _plan(collection, tables[collection.name], prefixes, ends)
        for collection in dataset.collections
        if collection.name in tables and rows_found.get(collection.name)
    ]
    changed = {plan.collection: _apply(connection, plan, rows_found) for plan in plans}
    return Erasure(changed, tuple(kept for plan in plans for kept in plan.kept))


def _plan(
    collection: Collection, table: Table, prefixes: tuple[str, ...], ends: set[tuple[str, str]]
) -> _Plan:
    locator = _locator(collection, table)
    masks: dict[str, str | None] = {}
    kept = []
    for field in collection.fields:
        if not _falls_under(field.data_categories, prefixes):
            continue
        column = table.c[field.name]
        reason = _reason_to_keep(collection, field, column, ends, locator)
        if reason is None:
            masks[field.name] = _mask(column)
        else:
            kept.append(KeptField(collection.name, field.name, reason))
    return _Plan(collection.name, table, locator, masks, tuple(kept))


def _reason_to_keep(
    collection: Collection,
    field: Field,
    column: Column[Any],
    ends: set[tuple[str, str]],
    locator: tuple[str, ...],
) -> str | None:
    if field.primary_key or column.primary_key:
        return "primary key"
    if (collection.name, field.name) in ends:
        return "a reference between collections runs through it"
    if field.read_only:
        return "marked read_only in the dataset"
    if not locator:
        return "no primary key to find the row by"
    return _reason_unmaskable(column)


def _reason_unmaskable(column: Column[Any]) -> str | None:
    if column.nullable:
        return None
    if not _is_text(column):
        return "NOT NULL and not text: no neutral value to write"
    if _is_unique(column):
        return "NOT NULL and UNIQUE: one fixed mask would collide with the next"
    return None


def _apply(
    connection: Connection, plan: _Plan, rows_found: Mapping[str, Sequence[Mapping[str, Any]]]
) -> int:
    if not plan.masks:
        return 0
    rows = rows_found[plan.collection]
    table = plan.table
    # Only rows still holding something unmasked match, so a second run updates nothing.
    unmasked = or_(*(table.c[name].is_distinct_from(mask) for name, mask in plan.masks.items()))
    changed = 0
    for row in rows:
        if any(row.get(key) is None for key in plan.locator):
            continue
        this_row = and_(*(table.c[key] == row[key] for key in plan.locator))
        statement = update(table).where(this_row, unmasked).values(plan.masks)
        changed += connection.execute(statement).rowcount
    return changed


def _locator(collection: Collection, table: Table) -> tuple[str, ...]:
    """The fields that find one row: the dataset's primary key, else the table's, if declared."""
    if collection.primary_key:
        return collection.primary_key
    own = tuple(column.name for column in table.primary_key.columns)
    return own if own and set(own) <= set(collection.field_names) else ()


def _reference_ends(dataset: Dataset) -> set[tuple[str, str]]:
    ends = set()
    for collection in dataset.collections:
        for field in collection.fields:
            for reference in field.references:
                ends.add((collection.name, field.name))
                ends.add((reference.collection, reference.field))
    return ends


def _falls_under(categories: Iterable[str], prefixes: tuple[str, ...]) -> bool:
    return any(c == p or c.startswith(f"{p}.") for c in categories for p in prefixes)


def _mask(column: Column[Any]) -> str | None:
    if column.nullable:
        return None
    length = getattr(column.type, "length", None)
    return MASK_TEXT[:length] if length else MASK_TEXT


def _is_text(column: Column[Any]) -> bool:
    return isinstance(column.type, String) and not isinstance(column.type, Enum)


def _is_unique(column: Column[Any]) -> bool:
    table = column.table
    groups: list[UniqueConstraint | Index] = [
        *(c for c in table.constraints if isinstance(c, UniqueConstraint)),
        *(index for index in table.indexes if index.unique),
    ]
    return any(column.name in group.columns for group in groups)
