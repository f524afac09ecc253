"""Settings from the environment, each declared once with its help text.

`docs/configuration.md` lists the same settings; a test keeps the two in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS = {
    "policy": Setting("PRIVET_POLICY", "policy.yaml", "The policy file privet runs."),
    "database_url": Setting(
        "PRIVET_DATABASE_URL",
        "sqlite:///privet.db",
        "Where data is stored: sqlite:///FILE (embedded) or postgresql://USER@HOST/DB.",
    ),
    "secret_key": Setting(
        "PRIVET_SECRET_KEY",
        "",
        "The key that encrypts personal fields and keys the blind indexes (URL-safe "
        "base64 of 32 bytes). Takes precedence over PRIVET_SECRET_KEY_FILE.",
    ),
    "secret_key_file": Setting(
        "PRIVET_SECRET_KEY_FILE",
        "privet.key",
        "File holding the secret key; made with mode 0600 on first run if missing.",
    ),
    "base_url": Setting(
        "PRIVET_BASE_URL",
        "http://127.0.0.1:8000",
        "The address people reach privet at; session cookies are Secure when it is https.",
    ),
    "log_level": Setting("PRIVET_LOG_LEVEL", "info", "debug, info, warning or error."),
    "smtp_url": Setting(
        "PRIVET_SMTP_URL",
        "",
        "Where mail is sent: smtp://USER:PASSWORD@HOST:PORT (add ?starttls=true to upgrade "
        "the connection) or smtps://… for TLS from the start. Empty: mail is written to "
        "PRIVET_OUTBOX_DIR instead.",
    ),
    "mail_from": Setting(
        "PRIVET_MAIL_FROM", "privet@localhost", "The From address of the mail privet sends."
    ),
    "outbox_dir": Setting(
        "PRIVET_OUTBOX_DIR",
        "outbox",
        "Folder that receives each message as an .eml file when PRIVET_SMTP_URL is empty.",
    ),
    "form_rate_limit": Setting(
        "PRIVET_FORM_RATE_LIMIT",
        "10/10m",
        "Submissions of forms accepted from one address: COUNT/WINDOW, the window in "
        "s, m or h (10/10m: ten per ten minutes). 0 or off: no limit.",
    ),
    "operator_email": Setting(
        "PRIVET_OPERATOR_EMAIL",
        "",
        "Who is emailed when a form is sent. Empty: the policy's controller email; off: nobody.",
    ),
    "push_allowed_hosts": Setting(
        "PRIVET_PUSH_ALLOWED_HOSTS",
        "",
        "Hosts on a private network that portability exports may be sent to, comma-"
        "separated. Other recipients must be public https:// addresses.",
    ),
    "push_ca_file": Setting(
        "PRIVET_PUSH_CA_FILE",
        "",
        "A PEM file of extra certificate authorities to trust when sending a portability "
        "export (an intranet's own CA). Empty: the system's.",
    ),
    "backup_dir": Setting(
        "PRIVET_BACKUP_DIR",
        "",
        "Folder that `privet serve` writes an encrypted backup into once a day. Empty: "
        "backups/ beside the key file; off: no scheduled backup.",
    ),
    "backup_keep": Setting(
        "PRIVET_BACKUP_KEEP", "7", "How many daily backups are kept; older ones are deleted."
    ),
    "erasure_ledger": Setting(
        "PRIVET_ERASURE_LEDGER",
        "",
        "File that notes every erasure (a blind index, never an address), so restoring a "
        "backup cannot bring an erased person back. Empty: privet.erasures beside the key file.",
    ),
}

LOG_LEVELS = ("debug", "info", "warning", "error")
BACKUPS_OFF = "off"
RATE_UNITS = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1)}
RATE_FORMAT = re.compile(r"([0-9]+)/([0-9]+)([smh])")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    count: int
    window: timedelta


def parse_rate(text: str) -> Rate | None:
    """PRIVET_FORM_RATE_LIMIT as a Rate, or None for no limit."""
    value = text.strip().lower()
    if value in ("0", "off"):
        return None
    match = RATE_FORMAT.fullmatch(value)
    if match is None:
        raise SettingsError(
            "PRIVET_FORM_RATE_LIMIT must be COUNT/WINDOW with the window in s, m or h "
            f"(e.g. 10/10m), or off; got {text!r}"
        )
    count, length = int(match[1]), int(match[2])
    if count == 0 or not 0 < length <= 1_000_000:
        raise SettingsError(
            "PRIVET_FORM_RATE_LIMIT: the count must be above 0 and the window between 1 and "
            "1000000 units (to have no limit: off)"
        )
    return Rate(count, length * RATE_UNITS[match[3]])


def parse_keep(value: object) -> int:
    """PRIVET_BACKUP_KEEP: at least one copy, or the schedule would delete what it made."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise SettingsError(f"PRIVET_BACKUP_KEEP must be a whole number, 1 or more; got {text!r}")
    return int(text)


@dataclass(frozen=True)
class Settings:
    policy: Path
    database_url: str
    secret_key: str
    secret_key_file: Path
    base_url: str
    log_level: str
    smtp_url: str
    mail_from: str
    outbox_dir: Path
    form_rate_limit: Rate | None
    operator_email: str
    push_allowed_hosts: frozenset[str]
    push_ca_file: Path | None
    backup_dir: Path | None
    backup_keep: int
    erasure_ledger: Path

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: object) -> Settings:
        """Settings from `environ` (default: the process's), overridden by non-None `given`."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            setting = SETTINGS[field.name]
            value = given.get(field.name)
            values[field.name] = (
                value if value is not None else environ.get(setting.env, setting.default)
            )
        values["policy"] = Path(str(values["policy"]))
        values["secret_key_file"] = Path(str(values["secret_key_file"]))
        values["outbox_dir"] = Path(str(values["outbox_dir"]))
        if isinstance(values["form_rate_limit"], str):
            values["form_rate_limit"] = parse_rate(values["form_rate_limit"])
        if isinstance(values["push_allowed_hosts"], str):
            hosts = values["push_allowed_hosts"].split(",")
            values["push_allowed_hosts"] = frozenset(h.strip().lower() for h in hosts if h.strip())
        values["push_ca_file"] = (
            Path(str(values["push_ca_file"])) if values["push_ca_file"] else None
        )
        # The policies promise regular backups: a new install keeps that promise unasked.
        key_folder = Path(str(values["secret_key_file"])).parent
        backups = str(values["backup_dir"]) or str(key_folder / "backups")
        values["backup_dir"] = None if backups == BACKUPS_OFF else Path(backups)
        values["backup_keep"] = parse_keep(values["backup_keep"])
        values["erasure_ledger"] = Path(
            str(values["erasure_ledger"] or key_folder / "privet.erasures")
        )
        if values["log_level"] not in LOG_LEVELS:
            raise SettingsError(f"PRIVET_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return cls(**values)  # type: ignore[arg-type]  # each value was built for its field
