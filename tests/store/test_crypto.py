from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privet.store.crypto import (
    Keyring,
    SecretKeyError,
    decode_secret,
    generate_secret,
    normalise_email,
)


def keyring() -> Keyring:
    return Keyring(decode_secret(generate_secret()))


@given(st.text())
def test_it_round_trips_any_text(plaintext: str) -> None:
    ring = keyring()
    assert ring.decrypt(ring.encrypt(plaintext, "subjects.email"), "subjects.email") == plaintext


def test_it_never_encrypts_the_same_value_to_the_same_bytes() -> None:
    ring = keyring()
    assert ring.encrypt("ann@example.org", "c") != ring.encrypt("ann@example.org", "c")


def test_it_refuses_a_ciphertext_moved_to_another_column() -> None:
    ring = keyring()
    sealed = ring.encrypt("ann@example.org", "subjects.email")
    with pytest.raises(SecretKeyError, match="failed authentication"):
        ring.decrypt(sealed, "subjects.phone")


def test_it_refuses_a_tampered_ciphertext() -> None:
    ring = keyring()
    sealed = bytearray(ring.encrypt("ann@example.org", "c"))
    sealed[-1] ^= 1
    with pytest.raises(SecretKeyError):
        ring.decrypt(bytes(sealed), "c")


def test_it_refuses_data_written_under_another_key() -> None:
    sealed = keyring().encrypt("ann@example.org", "c")
    with pytest.raises(SecretKeyError, match="lacks"):
        keyring().decrypt(sealed, "c")


def test_an_older_key_in_the_ring_still_reads_what_it_wrote() -> None:
    old, new = decode_secret(generate_secret()), decode_secret(generate_secret())
    sealed = Keyring(old).encrypt("ann@example.org", "c")
    assert Keyring(new, old).decrypt(sealed, "c") == "ann@example.org"


def test_the_blind_index_is_stable_per_key_and_differs_across_keys() -> None:
    ring = keyring()
    assert ring.blind_index("ann@example.org") == ring.blind_index("ann@example.org")
    assert ring.blind_index("ann@example.org") != keyring().blind_index("ann@example.org")
    assert "ann" not in ring.blind_index("ann@example.org")


def test_an_address_is_one_person_whatever_its_case_or_spaces() -> None:
    assert normalise_email("  Ann@Example.ORG ") == normalise_email("ann@example.org")


# The last is a key's length of base64 that decodes to 30 bytes, not 32.
@pytest.mark.parametrize("text", ["", "short", "!!!!", "A" * 40], ids=str)
def test_it_refuses_a_malformed_secret(text: str) -> None:
    with pytest.raises(SecretKeyError, match="32 random bytes"):
        decode_secret(text)
