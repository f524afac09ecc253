"""The demo as `privet demo` serves it, in-process: its app on a demo folder of its own."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import ROOT, TEST_SECRET
from privet.clock import FixedClock
from privet.config import Settings
from privet.demo.app import create_demo_app
from privet.demo.prepare import demo_policy, demo_settings, reset_admin
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.store.open import Store, open_store

TEMPLATES = ROOT / "src" / "privet" / "policy" / "templates"
# What each example policy declares: the site must show these forms, and no other.
FORMS = {"ntoprog": ["contact", "quote"], "nt-progress": ["feedback"], "ntropic": ["inquiry"]}


@dataclass(frozen=True)
class Demo:
    settings: Settings
    policy: Policy
    store: Store
    clock: FixedClock
    password: str
    app: FastAPI


def demo_folder(sqlite_template: Path, folder: Path) -> Path:
    """A demo folder as a first start leaves it, without migrating again: the session's
    migrated database, and the tests' key that sealed its key check."""
    folder.mkdir(mode=0o700)
    shutil.copyfile(sqlite_template, folder / "privet.db")
    key = folder / "privet.key"
    key.write_text(TEST_SECRET + "\n")
    key.chmod(0o600)
    return folder


@contextlib.contextmanager
def running_demo(template: str, folder: Path, base_url: str, clock: FixedClock) -> Iterator[Demo]:
    """What `privet demo` does before it serves, with the same functions."""
    settings = demo_settings(folder, TEMPLATES / template / "policy.yaml", base_url)
    policy = demo_policy(load_policy(settings.policy))
    store = open_store(settings, clock)
    try:
        password = reset_admin(store, clock.now())
        app = create_demo_app(settings, policy, store, clock)
        yield Demo(settings, policy, store, clock, password, app)
    finally:
        store.close()


@pytest.fixture(params=list(FORMS))
def template(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def demo(template: str, sqlite_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[Demo]:
    folder = demo_folder(sqlite_template, tmp_path / "demo")
    with running_demo(template, folder, "http://testserver", clock) as running:
        yield running


@pytest.fixture
def visitor(demo: Demo) -> TestClient:
    return TestClient(demo.app)
