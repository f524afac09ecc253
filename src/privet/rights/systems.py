"""The company's other systems, as the policy's `systems` section declares them: a person's
data read there for an export, and erased there for an erasure.

Each system is reached on its own, with an engine made for the call and disposed after it,
or one signed webhook call. A system that fails is reported with its error and the others go
on; the request then stays open for an officer to carry out again, and every step can run
twice. Errors name the system and what went wrong, never the person: a database driver's
message can quote the values it was given, so only its type is kept.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from privet.policy.schema import Policy, System
from privet.rights.connectors.declared_tables import DeclaredTables, erase_declared, find_declared
from privet.rights.connectors.erasure import Erasure, KeptField, erase
from privet.rights.connectors.fideslang import Dataset, DatasetError, load_dataset
from privet.rights.connectors.traversal import Row, find_rows
from privet.rights.connectors.webhook import (
    Action,
    UnexpectedAnswer,
    WebhookAnswer,
    call_webhook,
    exported_rows,
    reported_erasure,
)

log = logging.getLogger(__name__)
Kind = Literal["database", "webhook"]


@dataclass(frozen=True)
class SystemResult:
    name: str
    kind: Kind
    rows: dict[str, list[Row]] = field(default_factory=dict)  # collection -> rows (export)
    changed: dict[str, int] = field(default_factory=dict)  # collection -> rows (erasure)
    kept: list[KeptField] = field(default_factory=list)  # what erasure left, and why
    error: str | None = None


class SystemUnavailable(Exception):
    """The system cannot be reached as declared; the message says why, naming no person."""


@dataclass(frozen=True)
class _Request:
    policy_path: Path
    email: str
    request_id: str
    now: datetime
    environ: Mapping[str, str]
    kept_categories: Set[str] = frozenset()


def collect_from_systems(
    policy: Policy,
    policy_path: Path,
    email: str,
    *,
    request_id: str,
    now: datetime,
    environ: Mapping[str, str] = os.environ,
) -> list[SystemResult]:
    """The person's rows in every declared system, or the reason a system gave none."""
    request = _Request(policy_path, email, request_id, now, environ)
    return [_run(name, system, request, _collect) for name, system in policy.systems.items()]


def erase_in_systems(
    policy: Policy,
    policy_path: Path,
    email: str,
    *,
    kept_categories: Set[str],
    request_id: str,
    now: datetime,
    environ: Mapping[str, str] = os.environ,
) -> list[SystemResult]:
    """Erase the person in every declared system; `kept_categories` are the policy's data
    categories a legal obligation holds, which declared tables keep (and say so)."""
    request = _Request(policy_path, email, request_id, now, environ, frozenset(kept_categories))
    return [_run(name, system, request, _erase) for name, system in policy.systems.items()]


Step = Callable[[str, System, _Request], SystemResult]


def _run(name: str, system: System, request: _Request, step: Step) -> SystemResult:
    try:
        return step(name, system, request)
    except Exception as error:  # one system failing must not stop the others
        log.warning("system_failed", extra={"system": name, "error": type(error).__name__})
        kind: Kind = "webhook" if system.webhook is not None else "database"
        return SystemResult(name, kind, error=_error_message(error))


def _error_message(error: Exception) -> str:
    if isinstance(error, SystemUnavailable | DatasetError | UnexpectedAnswer):
        return str(error)  # privet's own words, with names of variables, files and tables
    if isinstance(error, SQLAlchemyError):
        return f"the database failed ({type(error).__name__})"
    return f"failed ({type(error).__name__})"


def _collect(name: str, system: System, request: _Request) -> SystemResult:
    if system.webhook is not None:
        answer = _call(system.webhook, system, request, "export")
        return SystemResult(name, "webhook", rows=exported_rows(answer.body))
    with _engine(system, request.environ) as engine:
        if system.tables is not None:
            rows = find_declared(_declared(name, system, request), engine, request.email)
        else:
            dataset = _dataset(system, request)
            rows = find_rows(dataset, engine, _identity(request), schema=system.database_schema)
    return SystemResult(name, "database", rows=rows)


def _erase(name: str, system: System, request: _Request) -> SystemResult:
    if system.webhook is not None:
        answer = _call(system.webhook, system, request, "erase")
        return _erased(name, "webhook", reported_erasure(answer.body, _identity(request)))
    with _engine(system, request.environ) as engine:
        if system.tables is not None:
            declared = _declared(name, system, request)
            erasure = erase_declared(declared, engine, request.email, request.kept_categories)
        else:
            dataset, schema = _dataset(system, request), system.database_schema
            found = find_rows(dataset, engine, _identity(request), schema=schema)
            erasure = erase(dataset, engine, found, system.erase_categories, schema=schema)
    return _erased(name, "database", erasure)


def _erased(name: str, kind: Kind, erasure: Erasure) -> SystemResult:
    return SystemResult(name, kind, changed=dict(erasure.changed), kept=list(erasure.kept))


def _identity(request: _Request) -> dict[str, str]:
    return {"email": request.email}


def _declared(name: str, system: System, request: _Request) -> DeclaredTables:
    tables = system.tables or {}
    return DeclaredTables(name, tables, request.policy_path, system.database_schema)


def _dataset(system: System, request: _Request) -> Dataset:
    path = system.dataset_file(request.policy_path)
    if path is None:
        raise SystemUnavailable("the system declares neither tables nor a dataset")
    return load_dataset(path)


def _call(url: str, system: System, request: _Request, action: Action) -> WebhookAnswer:
    secret = _variable(request.environ, system.secret).encode()
    answer = call_webhook(
        url, secret, action, _identity(request), request.request_id, now=request.now
    )
    if answer.error is not None:
        raise SystemUnavailable(answer.error)
    return answer


@contextmanager
def _engine(system: System, environ: Mapping[str, str]) -> Iterator[Engine]:
    url = _variable(environ, system.database)
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as error:
        # The URL holds a password: the message names the variable, never its value.
        message = f"environment variable {system.database} holds no usable database URL"
        raise SystemUnavailable(f"{message} ({type(error).__name__})") from None
    try:
        yield engine
    finally:
        engine.dispose()


def _variable(environ: Mapping[str, str], name: str | None) -> str:
    value = environ.get(name) if name is not None else None
    if not value:
        raise SystemUnavailable(f"environment variable {name} is not set")
    return value
