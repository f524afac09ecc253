"""A sweep killed mid-run loses nothing it had not already finished, and the next one
carries on to the same end state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text

from conftest import EXAMPLE, NOW, TEST_SECRET
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.policy.schema import Policy
from privet.retention.models import SweepRun
from privet.retention.sweep import SWEEP_LOCK, sweep
from privet.store.open import Store
from retention.conftest import T0, Plant

EXPIRED, KEPT = 200, 5


def test_a_killed_sweep_resumes_to_the_same_end_state(
    *, store: Store, policy: Policy, plant: Plant, clock: FixedClock, database_url: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    plant.receipts(EXPIRED, T0)
    plant.receipts(KEPT, NOW - timedelta(days=1))
    for number in range(20):
        plant.lead(f"lead{number}@example.org", T0)

    command = [sys.executable, "-m", "privet", "sweep", "--batch-size", "10",
               "--as-of", NOW.strftime("%Y-%m-%d")]  # fmt: skip
    environment = os.environ | {
        "PRIVET_POLICY": str(EXAMPLE),
        "PRIVET_DATABASE_URL": database_url,
        "PRIVET_SECRET_KEY": TEST_SECRET,
        "PRIVET_SECRET_KEY_FILE": str(tmp_path / "unused.key"),
        "PRIVET_LOG_LEVEL": "debug",
    }
    with subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True) as sweeper:
        assert sweeper.stderr is not None
        for line in sweeper.stderr:  # the first committed batch, then no chance to finish
            if "sweep_batch" in line:
                sweeper.send_signal(signal.SIGKILL)
                break
    assert sweeper.returncode == -signal.SIGKILL
    assert plant.count(Submission) < 20  # it had begun
    _wait_for_its_lock_to_go(store)

    sweep(store, policy, clock, as_of=NOW)

    assert plant.count(ConsentReceipt) == KEPT
    assert plant.count(Submission) == 0
    with store.transaction() as session:
        runs = [(run.status, run.error) for run in session.scalars(select(SweepRun))]
    assert sorted(runs, key=str) == [("done", None), ("failed", "interrupted")]


def _wait_for_its_lock_to_go(store: Store) -> None:
    """PostgreSQL frees a killed client's advisory lock when its server process notices the
    dead socket; end that process and wait for it (up to 10 s) instead of racing it."""
    if store.engine.dialect.name != "postgresql":
        return
    held = text(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_locks "
        "WHERE locktype = 'advisory' AND objid = :key"
    )
    with store.engine.connect() as connection:
        connection.execute(held, {"key": SWEEP_LOCK})
