"""Settings from the environment, each declared once with its help text.

`docs/configuration.md` lists the same settings; a test keeps the two in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
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
        "File holding the secret key; made with mode 0600 on first run if missing. After "
        "`privet key add` it holds several, one a line, newest first: the first encrypts, "
        "the others only read what they wrote.",
    ),
    "old_secret_keys": Setting(
        "PRIVET_OLD_SECRET_KEYS",
        "",
        "Older secret keys, comma-separated, that still read (and match blind indexes of) "
        "what they wrote, but never write: for a key rotation when the key comes from "
        "PRIVET_SECRET_KEY.",
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
    "login_rate_limit": Setting(
        "PRIVET_LOGIN_RATE_LIMIT",
        "5/15m",
        "Failed sign-ins to one staff account before sign-ins to it are refused (429) until "
        "the window has passed: COUNT/WINDOW as for PRIVET_FORM_RATE_LIMIT. Counted in the "
        "database, across processes. off: no limit.",
    ),
    "login_client_rate_limit": Setting(
        "PRIVET_LOGIN_CLIENT_RATE_LIMIT",
        "20/15m",
        "Failed sign-ins from one client address, to any accounts, before its sign-ins are "
        "refused (429): COUNT/WINDOW. off: no limit.",
    ),
    "public_rate_limit": Setting(
        "PRIVET_PUBLIC_RATE_LIMIT",
        "120/1m",
        "Requests to the public endpoints (consents, forms, collect, requests, the portal, "
        "sign-in) from one client: COUNT/WINDOW, a burst of COUNT refilled evenly over the "
        "window. Over it: 429 with Retry-After. Counted in memory by each process. off: no "
        "limit.",
    ),
    "trusted_proxies": Setting(
        "PRIVET_TRUSTED_PROXIES",
        "",
        "Addresses or networks (CIDR) of the reverse proxies in front of privet, comma-"
        "separated. Only a request from one of them may name its client in "
        "X-Forwarded-For. Empty: the connection's address is the client's.",
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
        "File that notes every erasure and every unsubscribe or objection to marketing (a "
        "blind index, never an address), so restoring a backup cannot bring an erased person "
        "back nor mail someone who said no. Empty: privet.erasures beside the key file.",
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


def parse_rate(text: str, env: str = "PRIVET_FORM_RATE_LIMIT") -> Rate | None:
    """A COUNT/WINDOW setting (`env` names it in errors) as a Rate, or None for no limit."""
    value = text.strip().lower()
    if value in ("0", "off"):
        return None
    match = RATE_FORMAT.fullmatch(value)
    if match is None:
        raise SettingsError(
            f"{env} must be COUNT/WINDOW with the window in s, m or h "
            f"(e.g. 10/10m), or off; got {text!r}"
        )
    count, length = int(match[1]), int(match[2])
    if count == 0 or not 0 < length <= 1_000_000:
        raise SettingsError(
            f"{env}: the count must be above 0 and the window between 1 and "
            "1000000 units (to have no limit: off)"
        )
    return Rate(count, length * RATE_UNITS[match[3]])


def parse_networks(text: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """PRIVET_TRUSTED_PROXIES: addresses (a network of one) or CIDR networks."""
    try:
        return tuple(ip_network(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise SettingsError(
            "PRIVET_TRUSTED_PROXIES must be addresses or networks (10.0.0.0/8), "
            f"comma-separated; got {text!r}"
        ) from None


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
    old_secret_keys: str
    base_url: str
    log_level: str
    smtp_url: str
    mail_from: str
    outbox_dir: Path
    form_rate_limit: Rate | None
    login_rate_limit: Rate | None
    login_client_rate_limit: Rate | None
    public_rate_limit: Rate | None
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...]
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
        for name in ("form_rate_limit", "login_rate_limit", "login_client_rate_limit",
                     "public_rate_limit"):  # fmt: skip
            if isinstance(given_value := values[name], str):
                values[name] = parse_rate(given_value, SETTINGS[name].env)
        if isinstance(values["trusted_proxies"], str):
            values["trusted_proxies"] = parse_networks(values["trusted_proxies"])
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
