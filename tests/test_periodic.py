"""A chore that fails is logged by its type, the database's code and where, never by its
message (a database's message may quote a row); and the loop goes on."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from privet.periodic import Periodic


def test_a_failed_pass_is_logged_without_its_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'chore.db'}")

    def chore() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT * FROM ann_at_example_org"))

    loop = Periodic("privet-test", timedelta(hours=1), chore)
    with caplog.at_level(logging.ERROR, logger="privet.periodic"):
        loop.start()
        loop.stop()  # after the first pass, which runs at start
    engine.dispose()
    [record] = caplog.records
    assert (record.message, record.work, record.error) == (
        "periodic_failed", "privet-test", "OperationalError"
    )  # fmt: skip
    assert record.code == "SQLITE_ERROR"
    assert [place.rsplit(" ", 1)[1] for place in record.where] == ["_one_pass"]
    assert "ann_at_example_org" not in repr(record.__dict__)
