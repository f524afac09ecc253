"""What a demo run needs: its folder, its policy, its admin login."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo.conftest import TEMPLATES, Demo
from privet.admin import service as staff_service
from privet.admin.models import StaffUser
from privet.demo.prepare import ADMIN, demo_policy, demo_settings, reset_admin, site_url
from privet.policy.load import load_policy
from privet.rights.carry_out import needs_review

POLICY = TEMPLATES / "ntoprog" / "policy.yaml"


def test_demo_settings_keep_everything_in_the_folder_whatever_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = {"PRIVET_DATABASE_URL": "postgresql://privet@db.example.org/privet",
            "PRIVET_SMTP_URL": "smtps://relay.example.org", "PRIVET_POLICY": "/etc/policy.yaml",
            "PRIVET_SECRET_KEY_FILE": "/etc/privet.key", "PRIVET_OUTBOX_DIR": "/var/outbox",
            "PRIVET_OPERATOR_EMAIL": "sales@example.org"}  # fmt: skip
    for name, value in real.items():
        monkeypatch.setenv(name, value)
    settings = demo_settings(tmp_path / "demo", POLICY, "http://127.0.0.1:8000")
    folder = (tmp_path / "demo").resolve()
    assert settings.database_url == f"sqlite:///{folder / 'privet.db'}"
    assert (settings.secret_key_file, settings.outbox_dir, settings.erasure_ledger) == (
        folder / "privet.key", folder / "outbox", folder / "privet.erasures")  # fmt: skip
    assert (settings.smtp_url, settings.secret_key, settings.policy) == ("", "", POLICY)
    assert (settings.operator_email, settings.backup_dir) == (ADMIN, None)
    assert folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("template", ["ntoprog"])
def test_the_admin_gets_a_new_password_at_each_start(demo: Demo) -> None:
    second = reset_admin(demo.store, demo.clock.now())
    with demo.store.transaction() as session:
        user = staff_service.authenticate(session, ADMIN, second)
        assert user is not None and user.role == "admin"
        assert staff_service.authenticate(session, ADMIN, demo.password) is None
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 1


@pytest.mark.parametrize("template", ["ntoprog", "nt-progress", "ntropic"])
def test_in_the_demo_erasure_waits_for_an_officer_and_access_does_not(template: str) -> None:
    declared = load_policy(TEMPLATES / template / "policy.yaml")
    demo = demo_policy(declared)
    assert needs_review(demo, "erasure") and not needs_review(declared, "erasure")
    assert not needs_review(demo, "access")
    assert demo.model_copy(update={"rights": declared.rights}) == declared  # nothing else


@pytest.mark.parametrize(
    ("host", "url"),
    [("127.0.0.1", "http://127.0.0.1:8000"), ("0.0.0.0", "http://127.0.0.1:8000"),
     ("::", "http://127.0.0.1:8000"), ("::1", "http://[::1]:8000"),
     ("demo.example.org", "http://demo.example.org:8000")],
    ids=["loopback", "every-ipv4", "every-ipv6", "ipv6-loopback", "name"],
)  # fmt: skip
def test_links_point_where_a_browser_can_go(host: str, url: str) -> None:
    assert site_url(host, 8000) == url
