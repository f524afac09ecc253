"""`privet restore`: a backup put back into an empty database, checked, and every erasure
and unsubscribe of the ledger made again.

Nothing reaches the target before the whole file is authenticated: it is decrypted into a
private temporary folder first. SQLite: the restored file is checked, migrated and cleared
of erased people before one rename puts it in place. PostgreSQL: pg_restore in a single
transaction; should a later step fail, what it restored is dropped, and the database is
empty again, as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from privet.backup import postgres, sqlite
from privet.backup.errors import RestoreRefused
from privet.backup.keys import BackupKey, configured_keys
from privet.backup.ledger import Entry, ErasureLedger, Unsubscribe
from privet.backup.sealing import Header, unseal
from privet.clock import Clock
from privet.config import Settings
from privet.marketing.service import reapply_unsubscribe
from privet.policy.schema import Policy
from privet.policy.texts import choose_language
from privet.rights.erase import erase_indexed
from privet.store.engine import normalise_url
from privet.store.migrate import MIGRATIONS, current_revision
from privet.store.open import Store, open_store
from privet.store.rotation import RotationFailed, rotate

Noted = TypeVar("Noted", Entry, Unsubscribe)


@dataclass
class Reapplied:
    """What re-applying the erasure ledger did."""

    erasures: int = 0
    # People the backup still held, erased again (what the law keeps stays, restricted).
    people: int = 0
    unsubscribes: int = 0
    # People whose opt-in the backup still held, withdrawn again.
    subscribers: int = 0
    # Entries made under another secret key: their blind index cannot match here.
    other_key: int = 0


@dataclass(frozen=True)
class Restored:
    header: Header
    revision: str | None
    ledger: Reapplied


def restore_backup(settings: Settings, policy: Policy, source: Path, clock: Clock) -> Restored:
    """Restore the backup at `source` into the empty database of `settings`."""
    keys = configured_keys(settings)
    url = normalise_url(settings.database_url)
    dialect = make_url(url).get_backend_name()
    file = _sqlite_file(url) if dialect == "sqlite" else None
    with _target(url) as engine:
        _refuse_unless_empty(engine, file)
    with tempfile.TemporaryDirectory(dir=file.parent if file else None,
                                     prefix=".privet-restore-") as folder:  # fmt: skip
        plain = Path(folder) / "restored"
        header = _decrypt(source, plain, keys)
        _refuse_unless_fitting(header, dialect)
        if file is not None:
            return _into_sqlite(settings, policy, header, plain, file=file, clock=clock)
        return _into_postgres(settings, policy, header, plain, clock)


def reapply_ledger(store: Store, policy: Policy, ledger: ErasureLedger, clock: Clock) -> Reapplied:
    """Erase again everyone the ledger names, then unsubscribe again everyone it names;
    idempotent (erasing or unsubscribing twice changes nothing).

    An entry matches rows indexed under the key it was made with. A backup taken before a
    key rotation holds rows under the older key, and erasures since are under the new one:
    so the entries are applied, the rows moved to the current key, and the entries applied
    again (docs/security.md#key-rotation)."""
    done, erased, unsubscribed = _reapply(store, policy, ledger, clock)
    if len(store.keyring.keys) > 1:
        try:
            rotate(store)
        except RotationFailed as error:
            message = f"the restored rows cannot move to the current key: {error}"
            raise RestoreRefused(message) from None
        done, erased_too, unsubscribed_too = _reapply(store, policy, ledger, clock)
        erased, unsubscribed = erased | erased_too, unsubscribed | unsubscribed_too
    done.people, done.subscribers = len(erased), len(unsubscribed)
    return done


def _reapply(
    store: Store, policy: Policy, ledger: ErasureLedger, clock: Clock
) -> tuple[Reapplied, set[str], set[str]]:
    """One pass over the ledger, erasures first; the indexes of the people it erased, and
    of those whose opt-in it withdrew."""
    done, erased, unsubscribed = Reapplied(), set[str](), set[str]()
    language = choose_language(policy, None)
    with store.transaction() as session:
        for entry in _matching(ledger.erasures(), store, done):
            erasure = erase_indexed(session, policy, [entry.email_index], language=language,
                                  now=clock.now(), keep_request=entry.request)  # fmt: skip
            done.erasures += 1
            if erasure.deleted or erasure.kept:
                erased.add(entry.email_index)
        for noted in _matching(ledger.unsubscribes(), store, done):
            if reapply_unsubscribe(session, noted.email_index, noted.reason, noted.at):
                unsubscribed.add(noted.email_index)
            done.unsubscribes += 1
    return done, erased, unsubscribed


def _matching(entries: Iterable[Noted], store: Store, done: Reapplied) -> Iterator[Noted]:
    """The entries made under a key of this store; the others are counted, not applied."""
    for entry in entries:
        if entry.key_id in store.keyring.key_ids:
            yield entry
        else:
            done.other_key += 1


def _into_sqlite(
    settings: Settings, policy: Policy, header: Header, plain: Path, *, file: Path, clock: Clock
) -> Restored:
    sqlite.check_integrity(plain)
    here = dataclasses.replace(settings, database_url=f"sqlite:///{plain}")
    restored = _checked(here, policy, header, clock)
    sqlite.checkpoint(plain)
    if sqlite.holds_anything(file):  # someone wrote there meanwhile: theirs stays
        raise RestoreRefused(f"{file} is no longer empty: nothing was restored")
    sqlite.put_in_place(plain, file)
    return restored


def _into_postgres(
    settings: Settings, policy: Policy, header: Header, plain: Path, clock: Clock
) -> Restored:
    with _target(normalise_url(settings.database_url)) as engine:
        postgres.restore(engine, plain)
        try:
            return _checked(settings, policy, header, clock)
        except BaseException:
            postgres.drop_everything(engine)
            raise


def _checked(settings: Settings, policy: Policy, header: Header, clock: Clock) -> Restored:
    """Open the restored store as privet does (migrated to head, the key checked against
    the database's own check value), then erase again whoever the ledger names."""
    store = open_store(settings, clock)
    try:
        ledger = reapply_ledger(store, policy, ErasureLedger(settings.erasure_ledger), clock)
        return Restored(header, current_revision(store.engine), ledger)
    finally:
        store.close()


def _decrypt(source: Path, plain: Path, keys: list[BackupKey]) -> Header:
    descriptor = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as sealed, os.fdopen(descriptor, "wb") as out:
        return unseal(sealed, out, keys)


def _refuse_unless_empty(engine: Engine, file: Path | None) -> None:
    if file is not None and sqlite.holds_anything(file):
        raise RestoreRefused(f"{file} is not empty: restore into a new file (nothing was written)")
    if file is None and postgres.holds_anything(engine):
        raise RestoreRefused(
            f"the database {engine.url.database} is not empty: restore into a new, empty "
            "database (nothing was written)"
        )


def _refuse_unless_fitting(header: Header, dialect: str) -> None:
    if header.dialect != dialect:
        raise RestoreRefused(
            f"this is a backup of a {header.dialect} database; the target is {dialect}"
        )
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if header.revision is not None and header.revision not in known:
        raise RestoreRefused(
            f"the backup is at schema revision {header.revision}, which this privet does not "
            "know: restore it with the privet version that made it, or a newer one"
        )


@contextlib.contextmanager
def _target(url: str) -> Iterator[Engine]:
    # hide_parameters: as the store's own engine, errors never carry a bound value.
    engine = create_engine(url, hide_parameters=True)
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise RestoreRefused("restore into SQLite needs a file: sqlite:///FILE")
    file = Path(database).resolve()
    if not file.parent.is_dir():
        raise RestoreRefused(f"{file.parent} is not a folder: make it first")
    return file
