"""Opening the store: the key, the engine, migrations to head, and the key check."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from privet.clock import Clock
from privet.config import Settings
from privet.store.crypto import Keyring, SecretKeyError
from privet.store.engine import create_store_engine, session_factory
from privet.store.keys import read_secrets, verify_key
from privet.store.migrate import upgrade


@dataclass
class Store:
    engine: Engine
    sessions: sessionmaker[Session]
    keyring: Keyring

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(settings: Settings, clock: Clock) -> Store:
    secrets, generated = read_secrets(settings)
    keyring = Keyring(*secrets)
    engine = create_store_engine(settings.database_url, keyring)
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            verify_key(session, keyring, clock.now())
    except SecretKeyError:
        engine.dispose()
        if generated:  # a key made just now for a database that already has one: useless
            settings.secret_key_file.unlink()
        raise
    return Store(engine, session_factory(engine), keyring)
