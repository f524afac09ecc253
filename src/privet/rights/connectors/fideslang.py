"""Reading a fideslang dataset file (the YAML Ethyca Fides keeps per database) into plain values.

Kept from the format: collections, fields with their data categories, and from `fides_meta`
the field's `identity`, `primary_key`, `read_only` and `references` (with `direction`), the
collection's `skip_processing` and the dataset's `namespace.schema`. Ignored, because a walk
over the tables of one relational database has no use for them: `data_type` and `length` (the
reflected column type is the authority), nested `fields` and `return_all_elements` (objects
and arrays of document stores), `after` and `erase_after` (ordering between systems; one
database is erased in one transaction), `masking_strategy_override`, `custom_request_field`,
descriptions and retention notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

Direction = Literal["to", "from"]


class DatasetError(Exception):
    """A dataset file privet cannot use; the message names the file and, when known, the line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@dataclass(frozen=True)
class Reference:
    """`direction: to` sends this field's values to `collection.field`; `from` receives them."""

    collection: str
    field: str
    direction: Direction | None
    line: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True)
class Field:
    name: str
    data_categories: tuple[str, ...] = ()
    identity: str | None = None
    primary_key: bool = False
    read_only: bool = False
    references: tuple[Reference, ...] = ()
    line: int = dataclass_field(default=0, compare=False)


@dataclass(frozen=True)
class Collection:
    name: str
    fields: tuple[Field, ...]
    skip_processing: bool = False
    line: int = dataclass_field(default=0, compare=False)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields if field.primary_key)


@dataclass(frozen=True)
class Dataset:
    fides_key: str
    collections: tuple[Collection, ...]
    path: Path = dataclass_field(compare=False)
    schema: str | None = None

    def collection(self, name: str) -> Collection:
        for collection in self.collections:
            if collection.name == name:
                return collection
        raise KeyError(name)


def load_dataset(path: Path) -> Dataset:
    """The one dataset in the fideslang file at `path`; raises DatasetError on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DatasetError(path, None, f"cannot read the file: {error}") from None
    return parse_dataset(text, path)


def parse_dataset(text: str, path: Path) -> Dataset:
    reader = _Reader(path)
    tree = reader.parse_yaml(text)
    if not isinstance(tree, CommentedMap) or not isinstance(tree.get("dataset"), CommentedSeq):
        raise DatasetError(path, 1, "not a fideslang dataset file: no top-level 'dataset:' list")
    datasets, line = tree["dataset"], _key_line(tree, "dataset")
    if len(datasets) != 1:
        message = f"'dataset' holds {len(datasets)} datasets; privet reads one per file"
        raise DatasetError(path, line, message)
    dataset = reader.dataset(datasets[0], _item_line(datasets, 0))
    _check_references(dataset)
    return dataset


class _Reader:
    """Turns ruamel's round-trip nodes into dataclasses; every refusal carries its line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, message: str) -> DatasetError:
        return DatasetError(self.path, line, message)

    def parse_yaml(self, text: str) -> Any:
        try:
            return YAML(typ="rt").load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            message = " ".join(filter(None, [error.context, error.problem])) or "not valid YAML"
            raise DatasetError(self.path, mark.line + 1 if mark else 1, message) from None
        except (YAMLError, ValueError, RecursionError) as error:
            raise DatasetError(self.path, None, f"not valid YAML: {error}") from None

    def dataset(self, node: Any, line: int) -> Dataset:
        node = self.mapping(node, line, "a dataset")
        fides_key = self.text(node, "fides_key", line)
        items = self.sequence(node, "collections", line)
        collections = tuple(
            self.collection(item, _item_line(items, index), fides_key)
            for index, item in enumerate(items)
        )
        self.refuse_duplicates([(c.name, c.line) for c in collections], "collection")
        return Dataset(fides_key, collections, self.path, self.schema(node))

    def schema(self, node: CommentedMap) -> str | None:
        namespace = self.meta(node, int(node.lc.line) + 1, "the dataset").get("namespace")
        schema = namespace.get("schema") if isinstance(namespace, dict) else None
        return str(schema) if isinstance(schema, str) else None

    def collection(self, node: Any, line: int, fides_key: str) -> Collection:
        node = self.mapping(node, line, "a collection")
        name = self.text(node, "name", line)
        items = self.sequence(node, "fields", line, where=f"collection '{name}'")
        fields = tuple(
            self.field(item, _item_line(items, index), name, fides_key)
            for index, item in enumerate(items)
        )
        self.refuse_duplicates([(f"{name}.{f.name}", f.line) for f in fields], "field")
        skip = self.flag(self.meta(node, line, f"collection '{name}'"), "skip_processing", line)
        return Collection(name, fields, skip, line)

    def field(self, node: Any, line: int, collection: str, fides_key: str) -> Field:
        node = self.mapping(node, line, f"a field of collection '{collection}'")
        name = self.text(node, "name", line)
        where = f"field '{collection}.{name}'"
        meta = self.meta(node, line, where)
        identity = meta.get("identity")
        if identity is not None and not isinstance(identity, str):
            raise self.fail(_key_line(meta, "identity"), f"{where}: 'identity' must be a name")
        categories = self.sequence(node, "data_categories", line, where=where, required=False)
        references = self.sequence(meta, "references", line, where=where, required=False)
        return Field(
            name,
            tuple(self.category(item, line, where) for item in categories),
            str(identity) if identity is not None else None,
            self.flag(meta, "primary_key", line),
            self.flag(meta, "read_only", line),
            tuple(
                self.reference(item, _item_line(references, index), where, fides_key)
                for index, item in enumerate(references)
            ),
            line,
        )

    def meta(self, node: CommentedMap, line: int, where: str) -> CommentedMap:
        meta = node.get("fides_meta")
        if meta is None:
            return CommentedMap()
        return self.mapping(meta, _key_line(node, "fides_meta", line), f"'fides_meta' of {where}")

    def reference(self, node: Any, line: int, where: str, fides_key: str) -> Reference:
        node = self.mapping(node, line, f"a reference of {where}")
        target = self.text(node, "field", line)
        dataset = node.get("dataset", fides_key)
        if dataset != fides_key:
            message = f"{where} references dataset '{dataset}'; this file defines '{fides_key}'"
            raise self.fail(line, message)
        direction = node.get("direction")
        if direction not in ("to", "from", None):
            raise self.fail(line, f"{where}: direction must be 'to' or 'from', not '{direction}'")
        collection, dot, field = target.partition(".")
        if not dot or not collection or not field or "." in field:
            raise self.fail(line, f"{where} references '{target}'; write it as collection.field")
        return Reference(collection, field, direction, line)

    def category(self, node: Any, line: int, where: str) -> str:
        if not isinstance(node, str) or not node:
            raise self.fail(line, f"{where}: a data category is a dotted name like user.name")
        return str(node)

    def mapping(self, node: Any, line: int, what: str) -> CommentedMap:
        if not isinstance(node, CommentedMap):
            raise self.fail(line, f"expected {what} as a mapping of keys")
        return node

    def sequence(
        self, node: CommentedMap, key: str, line: int, where: str = "", required: bool = True
    ) -> CommentedSeq:
        value = node.get(key)
        if value is None and not required:
            return CommentedSeq()
        if not isinstance(value, CommentedSeq):
            place = f"{where}: " if where else ""
            raise self.fail(_key_line(node, key, line), f"{place}'{key}' must be a list")
        return value

    def text(self, node: CommentedMap, key: str, line: int) -> str:
        value = node.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(_key_line(node, key, line), f"'{key}' must be a non-empty name")
        return str(value)

    def flag(self, node: CommentedMap, key: str, line: int) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(_key_line(node, key, line), f"'{key}' must be true or false")
        return value

    def refuse_duplicates(self, names: list[tuple[str, int]], what: str) -> None:
        seen: set[str] = set()
        for name, line in names:
            if name in seen:
                raise self.fail(line, f"{what} '{name}' is declared twice")
            seen.add(name)


def _check_references(dataset: Dataset) -> None:
    """Every reference must land on a declared field of another collection of this dataset."""
    for collection in dataset.collections:
        for field in collection.fields:
            for reference in field.references:
                problem = _reference_problem(dataset, collection.name, reference)
                if problem:
                    where = f"field '{collection.name}.{field.name}' references"
                    target = f"'{reference.collection}.{reference.field}'"
                    raise DatasetError(dataset.path, reference.line, f"{where} {target}, {problem}")


def _reference_problem(dataset: Dataset, collection: str, reference: Reference) -> str | None:
    if reference.collection == collection:
        return "its own collection (Fides refuses self-references too)"
    target = next((c for c in dataset.collections if c.name == reference.collection), None)
    if target is None:
        return f"but the dataset has no collection '{reference.collection}'"
    if reference.field not in target.field_names:
        return f"but collection '{target.name}' declares no field '{reference.field}'"
    return None


def _key_line(node: CommentedMap, key: str, default: int = 0) -> int:
    """The 1-based line of `key` in `node`, or `default` when the key is absent."""
    if key in node.lc.data:
        return int(node.lc.key(key)[0]) + 1
    return default or int(node.lc.line) + 1


def _item_line(node: CommentedSeq, index: int) -> int:
    return int(node.lc.item(index)[0]) + 1
