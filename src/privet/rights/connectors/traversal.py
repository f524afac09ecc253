"""Finding every row of a database that a dataset ties to one person, as Fides's access walk does.

The walk starts at the fields marked `identity` whose kind the request gives (`email`), and
follows `references`: `direction: to` carries this field's values to the referenced field,
`direction: from` brings the referenced field's values here, no direction goes both ways.
Fides runs each collection once, after the collections upstream of it; this walk instead goes
on until no new row turns up. On a dataset without cycles, like Fides's own example, both
give the same rows; on one with cycles nothing reachable is missed, and the walk still ends
because each value is looked up in each field only once.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, select

from privet.rights.connectors.fideslang import Collection, Dataset
from privet.rights.connectors.tables import reflect_tables

Row = dict[str, Any]
# Values per IN list, so a person with many rows never builds a query past the driver's
# limits (SQLite allows 32,766 parameters, PostgreSQL 65,535).
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Edge:
    """Rows of `source` lead to the rows of `target` whose `target_field` holds their value."""

    source: str
    source_field: str
    target: str
    target_field: str


def edges_of(dataset: Dataset) -> tuple[Edge, ...]:
    edges: dict[Edge, None] = {}
    for collection in dataset.collections:
        for field in collection.fields:
            for reference in field.references:
                here = (collection.name, field.name)
                there = (reference.collection, reference.field)
                if reference.direction != "from":
                    edges[Edge(*here, *there)] = None
                if reference.direction != "to":
                    edges[Edge(*there, *here)] = None
    return tuple(edges)


def find_rows(
    dataset: Dataset, engine: Engine, identity: Mapping[str, str], *, schema: str | None = None
) -> dict[str, list[Row]]:
    """Every collection's rows reachable from `identity`, each with its declared fields only.

    `schema` defaults to the dataset's `fides_meta.namespace.schema`, then to the
    connection's default (`public` on PostgreSQL). Rows come in the order they were found.
    """
    walk = _Walk(dataset, reflect_tables(dataset, engine, schema))
    for collection in walk.collections.values():
        for field in collection.fields:
            if field.identity is not None and field.identity in identity:
                walk.ask(collection.name, field.name, [identity[field.identity]])
    with engine.connect() as connection:
        while walk.pending:
            (name, field_name), values = walk.next_search()
            found = _fetch(
                connection, walk.tables[name], walk.collections[name], field_name, values
            )
            walk.add(name, found)
    return {name: list(rows.values()) for name, rows in walk.rows.items()}


class _Walk:
    """What is known so far: rows per collection, and the values each field was searched for."""

    def __init__(self, dataset: Dataset, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.collections = {c.name: c for c in dataset.collections if c.name in tables}
        self.edges = [e for e in edges_of(dataset) if e.source in tables and e.target in tables]
        self.rows: dict[str, dict[tuple[object, ...], Row]] = {name: {} for name in tables}
        self.searched: dict[tuple[str, str], set[object]] = {}
        self.pending: dict[tuple[str, str], list[object]] = {}

    def ask(self, collection: str, field: str, values: Iterable[object]) -> None:
        column = self.tables[collection].c[field]
        searched = self.searched.setdefault((collection, field), set())
        for value in values:
            stored = _as_stored(value, column)
            # NULL matches nothing, and a JSON document cannot be an IN list item.
            if stored is None or not isinstance(stored, Hashable) or stored in searched:
                continue
            searched.add(stored)
            self.pending.setdefault((collection, field), []).append(stored)

    def next_search(self) -> tuple[tuple[str, str], list[object]]:
        """The oldest pending field first: values found meanwhile join the same IN lists."""
        place = next(iter(self.pending))
        return place, self.pending.pop(place)

    def add(self, collection: str, rows: list[Row]) -> None:
        known = self.rows[collection]
        declared = self.collections[collection]
        key_fields = declared.primary_key or declared.field_names
        fresh = []
        for row in rows:
            key = tuple(_hashable(row[name]) for name in key_fields)
            if key not in known:
                known[key] = row
                fresh.append(row)
        for edge in self.edges:
            if edge.source == collection:
                self.ask(edge.target, edge.target_field, (r[edge.source_field] for r in fresh))


def _fetch(
    connection: Connection, table: Table, collection: Collection, field: str, values: list[object]
) -> list[Row]:
    columns = [table.c[name] for name in collection.field_names]
    rows = []
    for start in range(0, len(values), CHUNK_SIZE):
        query = select(*columns).where(table.c[field].in_(values[start : start + CHUNK_SIZE]))
        for row in connection.execute(query):
            rows.append(dict(zip(collection.field_names, row, strict=True)))
    return rows


def _as_stored(value: object, column: Column[Any]) -> object:
    """`value` as `column` holds it: a reference may join an integer to a text key.

    This is what Fides's `data_type` is for; the reflected column type says it without
    trusting the dataset. A text that is no number can never equal an integer key.
    """
    try:
        stored = column.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, stored):
        return value
    if stored is str and isinstance(value, int | uuid.UUID):
        return str(value)
    if stored is int and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return value


def _hashable(value: object) -> object:
    return value if isinstance(value, Hashable) else repr(value)
