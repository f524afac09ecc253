"""What a demo run needs: settings that keep everything in the demo's folder, the template's
policy as the demo runs it, and an admin login with a new password at each start."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from privet.admin import service as staff_service
from privet.config import BACKUPS_OFF, Settings
from privet.policy.schema import Policy
from privet.store.open import Store

ADMIN = "admin@demo.invalid"
WILDCARD_HOSTS = ("", "0.0.0.0", "::")  # noqa: S104  # names of "every address", not bound here


def demo_settings(folder: Path, policy_file: Path, base_url: str) -> Settings:
    """Everything in `folder`, and nothing read from the environment: neither
    PRIVET_DATABASE_URL nor PRIVET_SMTP_URL can point a demo at a real deployment."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    where = folder.resolve()
    return Settings.from_env(
        {},
        policy=policy_file,
        database_url=f"sqlite:///{where / 'privet.db'}",
        secret_key_file=where / "privet.key",
        outbox_dir=where / "outbox",
        base_url=base_url,
        # What privet mails the operator (a form was sent, a deadline nears) goes to the
        # demo's admin, never to the real company named in the template.
        operator_email=ADMIN,
        # Throw-away data: a daily encrypted copy of it would only fill the folder.
        backup_dir=BACKUPS_OFF,
    )


def demo_policy(policy: Policy) -> Policy:
    """The template's policy, with erasure requests waiting for an officer. `rights.review`
    is the operator's choice, not a promise of the policy; a newcomer gets to carry an
    erasure out at /admin/requests instead of finding it done already."""
    rights = policy.rights
    if "erasure" not in rights.offered or "erasure" in rights.review:
        return policy
    reviewed = rights.model_copy(update={"review": [*rights.review, "erasure"]})
    return policy.model_copy(update={"rights": reviewed})


def reset_admin(store: Store, now: datetime) -> str:
    """Make sure the demo's admin exists, with a new random password: returned to be shown."""
    password = secrets.token_urlsafe(12)
    with store.transaction() as session:
        user = staff_service.find_user(session, ADMIN)
        if user is None:
            staff_service.create_user(session, ADMIN, "admin", password, now)
        else:
            staff_service.set_password(session, user, password, now)
    return password


def site_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the demo: a wildcard address is not a place."""
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
