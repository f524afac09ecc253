from __future__ import annotations

from datetime import timedelta

import pytest

from privet.config import Rate, Settings, SettingsError


def test_the_form_rate_limit_is_ten_in_ten_minutes_unless_set() -> None:
    assert Settings.from_env({}).form_rate_limit == Rate(10, timedelta(minutes=10))
    given = Settings.from_env({"PRIVET_FORM_RATE_LIMIT": "100/30s"})
    assert given.form_rate_limit == Rate(100, timedelta(seconds=30))
    assert Settings.from_env({"PRIVET_FORM_RATE_LIMIT": "5/2h"}).form_rate_limit == Rate(
        5, timedelta(hours=2)
    )


@pytest.mark.parametrize("off", ["off", "OFF", "0", " off "])
def test_the_form_rate_limit_can_be_off(off: str) -> None:
    assert Settings.from_env({"PRIVET_FORM_RATE_LIMIT": off}).form_rate_limit is None


@pytest.mark.parametrize("wrong", ["10", "10/", "ten/10m", "10/10d", "10/m", "0/10m", "10/0s"])
def test_a_wrong_form_rate_limit_is_refused_naming_the_setting(wrong: str) -> None:
    with pytest.raises(SettingsError, match="PRIVET_FORM_RATE_LIMIT"):
        Settings.from_env({"PRIVET_FORM_RATE_LIMIT": wrong})
