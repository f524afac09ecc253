from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import NOW, PASSWORD
from privet.admin import service
from privet.admin.roles import may
from privet.store.open import Store


def test_it_signs_in_with_the_right_password_only(store: Store) -> None:
    with store.transaction() as session:
        service.create_user(session, "alice@example.org", "admin", PASSWORD, NOW)
    with store.transaction() as session:
        assert service.authenticate(session, "Alice@example.org", PASSWORD) is not None
        assert service.authenticate(session, "alice@example.org", PASSWORD + "!") is None
        assert service.authenticate(session, "nobody@example.org", PASSWORD) is None


def test_it_stores_an_argon2_hash_not_the_password(store: Store) -> None:
    with store.transaction() as session:
        user = service.create_user(session, "alice@example.org", "admin", PASSWORD, NOW)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("role", "password", "reason"),
    [("owner", PASSWORD, "role must be one of"), ("admin", "short", "at least 12")],
)
def test_it_refuses_a_bad_role_or_a_short_password(
    store: Store, role: str, password: str, reason: str
) -> None:
    with store.transaction() as session, pytest.raises(service.StaffError, match=reason):
        service.create_user(session, "alice@example.org", role, password, NOW)


def test_a_session_ends_when_it_expires(store: Store) -> None:
    with store.transaction() as session:
        user = service.create_user(session, "bob@example.org", "officer", PASSWORD, NOW)
        login = service.start_session(session, user, NOW)
    with store.transaction() as session:
        assert service.find_session(session, login.token, NOW + timedelta(hours=1)) is not None
        later = NOW + service.SESSION_LIFETIME
        assert service.find_session(session, login.token, later) is None


def test_a_revoked_token_no_longer_works(store: Store) -> None:
    with store.transaction() as session:
        user = service.create_user(session, "bob@example.org", "officer", PASSWORD, NOW)
        token = service.create_api_token(session, user, "export script", NOW)
    with store.transaction() as session:
        found = service.find_api_token(session, token, NOW)
        assert found is not None and found.last_used_at == NOW
        assert service.revoke_api_token(session, found.id, NOW)
    with store.transaction() as session:
        assert service.find_api_token(session, token, NOW) is None


def test_roles_are_ordered_viewer_officer_admin() -> None:
    assert may("admin", "officer") and may("officer", "officer")
    assert not may("viewer", "officer") and not may("stranger", "viewer")
