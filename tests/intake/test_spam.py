from __future__ import annotations

from datetime import timedelta

from conftest import NOW
from privet.intake.spam import RateLimit, form_token, token_problem
from privet.store.crypto import Keyring, decode_secret, generate_secret

KEYRING = Keyring(decode_secret(generate_secret()))


def test_a_form_filled_in_by_a_person_passes() -> None:
    token = form_token(KEYRING, "contact", NOW)
    assert token_problem(KEYRING, "contact", token, NOW + timedelta(seconds=20)) is None


def test_a_form_sent_at_once_is_refused() -> None:
    token = form_token(KEYRING, "contact", NOW)
    assert "too quickly" in str(
        token_problem(KEYRING, "contact", token, NOW + timedelta(seconds=1))
    )


def test_a_token_for_another_form_or_forged_is_refused() -> None:
    later = NOW + timedelta(minutes=1)
    token = form_token(KEYRING, "quote", NOW)
    assert "damaged" in str(token_problem(KEYRING, "contact", token, later))
    assert "damaged" in str(token_problem(KEYRING, "contact", "1.abc", later))


def test_an_old_form_has_expired() -> None:
    token = form_token(KEYRING, "contact", NOW)
    assert "expired" in str(token_problem(KEYRING, "contact", token, NOW + timedelta(days=2)))


def test_the_rate_limit_counts_per_address_and_forgets_after_the_window() -> None:
    limit = RateLimit(KEYRING, limit=2, window=timedelta(minutes=10))
    assert limit.allow("192.0.2.1", NOW) and limit.allow("192.0.2.1", NOW)
    assert not limit.allow("192.0.2.1", NOW)
    assert limit.allow("192.0.2.2", NOW)
    assert limit.allow("192.0.2.1", NOW + timedelta(minutes=11))


def test_the_rate_limit_keeps_no_address() -> None:
    limit = RateLimit(KEYRING)
    limit.allow("192.0.2.1", NOW)
    assert "192.0.2.1" not in repr(limit.__dict__)
