"""The backup settings: parsed strictly, the ledger beside the key unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from privet.config import Settings, SettingsError


def test_backups_go_beside_the_key_unless_off_and_keep_seven() -> None:
    settings = Settings.from_env({"PRIVET_SECRET_KEY_FILE": "/etc/privet/privet.key"})
    assert (settings.backup_dir, settings.backup_keep) == (Path("/etc/privet/backups"), 7)
    assert Settings.from_env({"PRIVET_BACKUP_DIR": "off"}).backup_dir is None
    assert settings.erasure_ledger == Path("/etc/privet/privet.erasures")
    given = Settings.from_env({"PRIVET_BACKUP_DIR": "/srv/b", "PRIVET_BACKUP_KEEP": "30",
                               "PRIVET_ERASURE_LEDGER": "/srv/ledger"})  # fmt: skip
    assert (given.backup_dir, given.backup_keep) == (Path("/srv/b"), 30)
    assert given.erasure_ledger == Path("/srv/ledger")


@pytest.mark.parametrize("wrong", ["0", "-1", "seven", "2.5", ""])
def test_a_wrong_number_of_copies_is_refused_naming_the_setting(wrong: str) -> None:
    with pytest.raises(SettingsError, match="PRIVET_BACKUP_KEEP"):
        Settings.from_env({"PRIVET_BACKUP_KEEP": wrong})
