"""Reading policy.yaml into a `Policy`, with every mistake reported as FILE:LINE: message."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from privet.policy.checks import check_datasets, check_policy
from privet.policy.problems import Problem
from privet.policy.schema import Policy

# Stable codes, documented in docs/policy.md; scripts and tests rely on them.
SCHEMA_CODES = {
    "extra_forbidden": "P001",
    "missing": "P002",
    "bad_duration": "P004",
    "unknown_reference": "P005",
    "bad_country": "P006",
    "bad_language": "P006",
    "bad_email": "P007",
    "missing_purpose": "P008",
    "bad_deadline": "P009",
    "bad_system": "P010",
    "bad_environment_name": "P011",
    "bad_webhook": "P012",
}
VALUE_CODE = "P003"
SYNTAX_CODE = "P000"


@dataclass(frozen=True)
class PolicyError(Exception):
    path: Path
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        return "\n".join(problem.format(self.path) for problem in self.problems)


def load_policy(path: Path) -> Policy:
    """The policy in `path`; raises PolicyError listing every problem found."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problem = Problem(1, SYNTAX_CODE, f"cannot read: {error.strerror}")
        raise PolicyError(path, (problem,)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:  # not UTF-8, or a write cut short inside a character
        line = data[: error.start].count(b"\n") + 1
        raise PolicyError(path, (Problem(line, SYNTAX_CODE, "not UTF-8 text"),)) from None
    # Line ends as open() reads them: "\r\n" and a lone "\r" end a line too.
    return parse_policy(text.replace("\r\n", "\n").replace("\r", "\n"), path)


def parse_policy(text: str, path: Path) -> Policy:
    tree = _parse_yaml(text, path)
    if not isinstance(tree, CommentedMap):
        raise PolicyError(path, (Problem(1, SYNTAX_CODE, "a policy is a YAML mapping of keys"),))
    try:
        policy = Policy.model_validate(_plain(tree), context=_declared_names(tree))
    except ValidationError as error:
        problems = _merge_alternatives(_problem(tree, detail) for detail in error.errors())
        raise PolicyError(path, tuple(problems)) from None
    problems = sorted(
        Problem(_line_of(tree, found.location), found.code, found.message)
        for found in [*check_policy(policy), *check_datasets(policy, path)]
    )
    if problems:
        raise PolicyError(path, tuple(problems))
    return policy


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(filter(None, [error.context, error.problem])) or "not valid YAML"
    except ReaderError as error:  # a control character or bad encoding
        line = text[: error.position].count("\n") + 1
        message = f"character {error.character!r} is not allowed in YAML"
    except ValueError as error:  # a timestamp that is no date, e.g. 2026-02-30
        line, message = _line_of_value_error(text), f"not a valid value: {error}"
    except RecursionError:
        line, message = 1, "nested too deeply"
    raise PolicyError(path, (Problem(line, SYNTAX_CODE, message),))


def _line_of_value_error(text: str) -> int:
    """ruamel raises a bare ValueError for an impossible date; find the line it is on."""
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.partition(":")[2].strip()
        try:
            if value[:4].isdigit() and value[4:5] == "-":
                dt.date.fromisoformat(value[:10])
        except ValueError:
            return number
    return 1


def _plain(node: Any) -> Any:
    """ruamel's round-trip nodes as plain Python values, so Pydantic sees ordinary types."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, dt.datetime):  # ruamel's TimeStamp; a policy date has no time
        return node.date() if node.time() == dt.time() else dt.datetime.fromisoformat(str(node))
    if isinstance(node, str):
        return _without_surrogates(str(node))
    for kind in (bool, int, float):
        if isinstance(node, kind):
            return kind(node)
    return node


def _without_surrogates(text: str) -> str:
    """YAML's "\\ud83d\\ude00" escapes give UTF-16 halves: join pairs, mark strays with U+FFFD."""
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _declared_names(tree: CommentedMap) -> dict[str, set[str]]:
    """The names each section declares, for checking references made elsewhere."""
    names = {}
    for section in ("data_categories", "purposes", "processors"):
        value = tree.get(section)
        names[section] = {str(key) for key in value} if isinstance(value, dict) else set()
    return names


def _problem(tree: CommentedMap, detail: ErrorDetails) -> Problem:
    kind = detail["type"]
    location = _in_tree(
        tree, tuple(detail["loc"]), keep_last=kind in ("missing", "extra_forbidden")
    )
    if kind == "extra_forbidden":
        return Problem(_line_of(tree, location), "P001", _unknown_key(tree, location))
    if kind == "missing":
        parent, key = location[:-1], location[-1]
        message = f"missing key '{key}'" + _under(parent)
        return Problem(_line_of(tree, parent), "P002", message)
    message = detail["msg"]
    if location:
        message = f"{_label(location)}: {message}"
    return Problem(_line_of(tree, location), SCHEMA_CODES.get(kind, VALUE_CODE), message)


def _in_tree(tree: Any, location: tuple[Any, ...], keep_last: bool) -> tuple[Any, ...]:
    """The part of Pydantic's error location that names places in the file.

    Pydantic adds steps of its own for alternatives (`literal['session']`,
    `function-before[...]`) and dict keys (`[key]`); they are no place a person can find.
    """
    node, found = tree, 0
    for part in location:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node, found = node[part], found + 1
        else:
            break
    return location[: found + 1] if keep_last and found < len(location) else location[:found]


def _merge_alternatives(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per place: a value that fits none of several forms gets one message."""
    by_place: dict[tuple[int, str], list[Problem]] = {}
    for problem in problems:
        label = problem.message.partition(": ")[0]
        by_place.setdefault((problem.line, label), []).append(problem)
    merged = []
    for group in by_place.values():
        specific = [p for p in group if p.code != VALUE_CODE] or group
        if len(specific) == 1:
            merged.append(specific[0])
        else:
            label = specific[0].message.partition(": ")[0]
            reasons = " or ".join(dict.fromkeys(p.message.partition(": ")[2] for p in specific))
            merged.append(Problem(specific[0].line, specific[0].code, f"{label}: {reasons}"))
    return sorted(merged)


def _label(location: tuple[Any, ...]) -> str:
    """The key at fault as a person reads it: `keep`, `languages[1]`."""
    named = max((i for i, part in enumerate(location) if isinstance(part, str)), default=0)
    return str(location[named]) + "".join(f"[{index}]" for index in location[named + 1 :])


def _under(parent: tuple[Any, ...]) -> str:
    return f" in {'.'.join(map(str, parent))}" if parent else ""


def _unknown_key(tree: CommentedMap, location: tuple[Any, ...]) -> str:
    key = str(location[-1])
    siblings = _node_at(tree, location[:-1])
    message = f"unknown key '{key}'" + _under(location[:-1])
    known = _schema_keys(location[:-1])
    close = difflib.get_close_matches(key, known, n=1) if known else []
    if close and not (isinstance(siblings, dict) and close[0] in siblings):
        message += f" (did you mean '{close[0]}'?)"
    return message


def _schema_keys(location: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at `location`, found by walking the model fields."""
    model: Any = Policy
    for part in location:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            continue  # a user-chosen name (a form, a category ...): stay on the same model
        model = _model_in(field.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _node_at(tree: Any, location: Iterable[Any]) -> Any:
    node = tree
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _line_of(tree: CommentedMap, location: Iterable[Any]) -> int:
    """The 1-based line of the deepest node of `location` that exists in the YAML."""
    line, node = tree.lc.line, tree
    for part in location:
        if isinstance(node, CommentedMap) and part in node:
            line = _key_line(node, part, line)
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0]
        else:
            break
        node = node[part]
    return int(line) + 1


def _key_line(node: CommentedMap, key: Any, default: int) -> int:
    """The 0-based line of `key`, looking into mappings merged in with `<<` too."""
    for mapping in (node, *node.merge):
        if key in mapping.lc.data:
            return int(mapping.lc.data[key][0])
    return default
