"""PostgreSQL: pg_dump and pg_restore of the server's own major version.

pg_dump reads every table in one repeatable-read transaction, so the dump is the database
as of one moment while the service keeps writing; pg_restore puts it back in a single
transaction, all or nothing. The connection goes to both through libpq's environment
variables: the password never appears on a command line, where any local user can read
it. A tool's own error output may quote a row, so only its first line is ever repeated.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from privet.backup.errors import BackupFailed

BINARIES = Path("/usr/lib/postgresql")  # Debian's: one folder a major version
# Options a database URL may carry, and the libpq variable that says each.
QUERY_ENVIRONMENT = {
    "host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME", "target_session_attrs": "PGTARGETSESSIONATTRS",
    "options": "PGOPTIONS",
}  # fmt: skip
# The objects of the database's own schemas, leaving out any an extension brought.
RELATIONS = """
SELECT c.relkind, format('%I.%I', n.nspname, c.relname) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
"""
FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""
DROP = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW",
        "S": "SEQUENCE"}  # fmt: skip


@contextlib.contextmanager
def dumped(engine: Engine) -> Iterator[IO[bytes]]:
    """pg_dump's output (custom format) as it is written; BackupFailed if it fails."""
    command = [str(_tool("pg_dump", engine)), "--format=custom", "--no-password"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603  # our arguments, no shell
            command, stdout=subprocess.PIPE, stderr=errors, env=environment(engine.url)
        )
        assert process.stdout is not None
        try:
            yield process.stdout
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            process.stdout.close()
        if process.wait() != 0:
            raise BackupFailed(_first_error("pg_dump", process.returncode, errors))


def restore(engine: Engine, dump: Path) -> None:
    """Load a custom-format dump into the (empty) database, in one transaction."""
    command = [
        str(_tool("pg_restore", engine)), "--single-transaction", "--exit-on-error",
        "--no-owner", "--no-privileges", "--no-password",
        f"--dbname={engine.url.database or ''}", str(dump),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        result = subprocess.run(  # noqa: S603  # our arguments, no shell
            command, stdout=subprocess.DEVNULL, stderr=errors, env=environment(engine.url),
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupFailed(_first_error("pg_restore", result.returncode, errors))


def holds_anything(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(text(RELATIONS)).first())


def drop_everything(engine: Engine) -> None:
    """Empty the database again after a restore that failed its checks: it was empty
    before (`holds_anything` said so), so everything in it now is what was restored."""
    with engine.begin() as connection:
        for kind, name in connection.execute(text(RELATIONS)).all():
            connection.execute(text(f"DROP {DROP[kind]} IF EXISTS {name} CASCADE"))
        for function in connection.execute(text(FUNCTIONS)).scalars().all():
            connection.execute(text(f"DROP FUNCTION IF EXISTS {function} CASCADE"))


def environment(url: URL) -> dict[str, str]:
    """libpq's variables for `url`, over the process's own (which libpq would read too)."""
    given = {
        "PGHOST": url.host, "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username, "PGPASSWORD": url.password, "PGDATABASE": url.database,
    }  # fmt: skip
    for name, value in url.query.items():
        if name not in QUERY_ENVIRONMENT:
            raise BackupFailed(f"the database URL's option '{name}' is not one privet can "
                               "pass to pg_dump and pg_restore")  # fmt: skip
        given[QUERY_ENVIRONMENT[name]] = value if isinstance(value, str) else value[-1]
    return os.environ | {name: value for name, value in given.items() if value}


def _tool(name: str, engine: Engine) -> Path:
    """The tool of the server's major version (or a newer one), as pg_dump requires."""
    with engine.connect() as connection:
        major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    installed = {int(path.parent.parent.name): path for path in _installed(name)}
    usable = sorted(version for version in installed if version >= major)
    if usable:
        return installed[major if major in installed else usable[-1]]
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            f"{name} for PostgreSQL {major} is not installed (Debian: apt-get install "
            f"postgresql-client-{major})"
        )
    return Path(found)


def _installed(name: str) -> list[Path]:
    return [path for path in BINARIES.glob(f"*/bin/{name}") if path.parent.parent.name.isdigit()]


def _first_error(tool: str, code: int, errors: IO[bytes]) -> str:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").splitlines()
    said = next((line for line in lines if line.startswith(f"{tool}: error:")), "")
    return f"{tool} failed (exit {code}) {said[:300]}".rstrip()
