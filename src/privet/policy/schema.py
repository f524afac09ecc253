"""The Pydantic model of policy.yaml: every promise a policy can make, as data.

Names here are the names operators write in policy.yaml; the admin pages, the docs and
the code use the same words. Each model forbids unknown keys, so a typo is an error with
a line number rather than a silently ignored promise. References between sections
(a form naming a data category, a retention rule naming one, ...) are checked against the
names declared in the same file, passed in as the validation context by `load.py`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from privet.policy.durations import Duration, DurationError

SUPPORTED_LANGUAGES = ("en", "fr", "ru")

LegalBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "legitimate_interest",
    "vital_interest",
    "public_task",
]
Right = Literal[
    "access", "rectification", "erasure", "portability", "objection", "restriction",
    "withdraw_consent", "complaint",
]  # fmt: skip
Anchor = Literal["collected", "last_contact", "contract_end", "request_closed"]
FieldType = Literal[
    "text", "long_text", "email", "phone", "url", "date", "datetime", "number", "boolean",
    "country", "ip_address", "identifier", "choice",
]  # fmt: skip
# Google Consent Mode v2 signals a cookie category stands for, set from the visitor's choice.
ConsentModeSignal = Literal["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"]
Safeguard = Literal[
    "adequacy_decision", "standard_contractual_clauses", "binding_corporate_rules", "consent",
    "other_appropriate_safeguards", "none_needed",
]  # fmt: skip


def _parse_duration(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except DurationError as error:
            raise PydanticCustomError("bad_duration", str(error)) from None
    if isinstance(value, Duration):
        return value
    raise PydanticCustomError("bad_duration", "a duration is text such as '3 years' or '30 days'")


PolicyDuration = Annotated[
    Duration, BeforeValidator(_parse_duration), PlainSerializer(str, return_type=str)
]

_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Regions that are not ISO 3166 countries but that policies name as storage locations.
REGIONS = {"EU": "European Union", "EEA": "European Economic Area"}


def _check_country(value: str) -> str:
    if not _COUNTRY.match(value) and value not in REGIONS:
        raise PydanticCustomError(
            "bad_country",
            "'{value}' is not a country: use an ISO 3166 two-letter code such as 'RU', "
            "'CD', 'US', or one of EU, EEA",
            {"value": value},
        )
    return value


Country = Annotated[str, AfterValidator(_check_country)]


def _check_language(value: str) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise PydanticCustomError(
            "bad_language",
            "privet has no texts in '{value}' yet (it has: {supported})",
            {"value": value, "supported": ", ".join(SUPPORTED_LANGUAGES)},
        )
    return value


Language = Annotated[str, AfterValidator(_check_language)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError(
            "bad_email", "'{value}' is not an email address", {"value": value}
        )
    return value


Email = Annotated[str, AfterValidator(_check_email)]

# Text shown to people: one string for every language, or one per language code.
Text = str | dict[Language, str]


def _reference(kind: str, context_key: str) -> AfterValidator:
    """A name that must be declared elsewhere in the file (`load.py` supplies the names)."""

    def check(value: str, info: ValidationInfo) -> str:
        declared = (info.context or {}).get(context_key)
        if declared is not None and value not in declared:
            known = ", ".join(sorted(declared)) or "none declared"
            raise PydanticCustomError(
                "unknown_reference",
                "'{value}' is not a declared {kind} (declared: {known})",
                {"value": value, "kind": kind, "known": known},
            )
        return value

    return AfterValidator(check)


CategoryName = Annotated[str, _reference("data category", "data_categories")]
PurposeName = Annotated[str, _reference("purpose", "purposes")]
ProcessorName = Annotated[str, _reference("processor", "processors")]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyInfo(Section):
    version: str
    effective: date
    languages: list[Language] = Field(min_length=1)
    # How people learn of a change: nt-progress changes silently ("none"), others post a
    # notice on the site; "email" also writes to everyone with a relationship.
    change_notice: Literal["none", "notice", "email"] = "notice"


class Contact(Section):
    name: str | None = None
    email: Email
    phone: str | None = None
    address: str | None = None


class Controller(Section):
    name: str
    legal_name: str | None = None
    address: str
    country: Country
    email: Email
    phone: str | None = None
    website: str | None = None
    registration: dict[str, str] = {}
    representative: str | None = None
    dpo: Contact | None = None
    applicable_law: str | None = None


class Website(Section):
    url: str
    # nt-progress 1.3: identifiers in links to external resources are not passed on.
    strip_outbound_identifiers: bool = False
    # NT Progress 1.3: "The Company shall not transfer the identifiers contained in the
    # address links to external resources": the site's own session-id parameters, stripped
    # beside the trackers privet knows. "name*" stands for every name starting with "name".
    link_identifiers: list[str] = []
    # The page's address may carry those identifiers too: the Referer must not repeat it.
    referrer_policy: Literal[
        "no-referrer", "strict-origin", "strict-origin-when-cross-origin", "same-origin"
    ] = "strict-origin"

    @model_validator(mode="after")
    def _identifiers_need_stripping(self) -> Website:
        if self.link_identifiers and not self.strip_outbound_identifiers:
            raise PydanticCustomError(
                "bad_website",
                "link_identifiers are only stripped with strip_outbound_identifiers: true",
            )
        return self


class Storage(Section):
    region: list[Country] = Field(min_length=1)
    # True when the policy promises that data never leaves the region (nt-progress 3.5);
    # `privet check` then flags processors located elsewhere.
    strict: bool = False


class DataField(Section):
    type: FieldType = "text"
    description: Text | None = None
    personal: bool = True


def _field_shorthand(value: Any) -> Any:
    # `email: email` is short for `email: {type: email}`; `company:` for a text field.
    if value is None:
        return {}
    if isinstance(value, str):
        return {"type": value}
    return value


class DataCategory(Section):
    description: Text
    source: Literal["visitor", "automatic", "staff"] = "visitor"
    fields: dict[str, Annotated[DataField, BeforeValidator(_field_shorthand)]] = Field(min_length=1)


class Purpose(Section):
    description: Text
    legal_basis: LegalBasis
    categories: list[CategoryName] = []


class Vendor(Section):
    name: str
    location: Country | None = None
    privacy_url: str | None = None


class Cookie(Section):
    name: str
    lifetime: PolicyDuration | Literal["session"]
    provider: str = "first party"
    description: Text | None = None


class CookieCategory(Section):
    description: Text
    required: bool = False
    purpose: PurposeName | None = None
    vendors: list[Vendor] = []
    cookies: list[Cookie] = []
    # A Global Privacy Control signal opts the visitor out of this category: set it on
    # categories that sell or share data for cross-context advertising (CCPA's "sale").
    gpc_opt_out: bool = False
    google_consent_mode: list[ConsentModeSignal] = []

    @model_validator(mode="after")
    def _optional_needs_purpose(self) -> CookieCategory:
        if not self.required and self.purpose is None:
            raise PydanticCustomError(
                "missing_purpose",
                "a cookie category that needs consent must name the purpose it is asked for",
            )
        return self


class FormField(Section):
    type: FieldType | None = None
    required: bool = False
    category: CategoryName | None = None
    label: Text | None = None
    max_length: int | None = Field(default=None, gt=0)


def _form_field_shorthand(value: Any) -> Any:
    # `email: required` / `phone: optional` are the common cases.
    if value is None or value == "optional":
        return {}
    if value == "required":
        return {"required": True}
    return value


class Form(Section):
    description: Text | None = None
    purpose: PurposeName
    category: CategoryName | None = None
    fields: dict[str, Annotated[FormField, BeforeValidator(_form_field_shorthand)]] = Field(
        min_length=1
    )
    # Unset: asked whenever the policy declares a minimum age (`children`), since a form
    # is how a child's data would arrive; `false` for a form only staff or adults reach.
    age_gate: bool | None = None
    marketing_opt_in: bool = False

    def asks_age(self, policy: Policy) -> bool:
        return self.age_gate if self.age_gate is not None else policy.children is not None


class RetentionRule(Section):
    category: CategoryName
    keep: PolicyDuration
    after: Anchor = "collected"
    then: Literal["delete", "anonymise"] = "delete"
    reason: Text | None = None


class LegalHolds(Section):
    # ntropic §8: kept longer "in the event of a complaint or ... prospect of litigation".
    allowed: bool = True
    reasons: list[str] = []


class Rights(Section):
    offered: list[Right] = Field(min_length=1)
    deadline: PolicyDuration
    extension: PolicyDuration | None = None
    contact: Email
    # ntropic §3: "send this information directly to another provider".
    direct_transfer: bool = False
    supervisory_authority: Text | None = None
    # Kinds an officer approves before privet carries them out; the rest are carried out
    # as soon as the address is proven. Rectification always waits (staff approve the
    # corrected values), and so does a parent's request to erase a child's data.
    review: list[Right] = ["rectification"]
    # How long the record of a closed request (what was asked, what was done) is kept: the
    # proof that rights were answered (GDPR art. 5(2)), swept like any retention rule.
    records_kept: PolicyDuration = Duration(3, "years")

    @field_validator("deadline")
    @classmethod
    def _deadline_in_days_or_months(cls, deadline: Duration) -> Duration:
        if deadline.unit not in ("days", "months"):
            raise PydanticCustomError(
                "bad_deadline", "a response deadline is counted in days or months"
            )
        return deadline


class Processor(Section):
    name: str
    service: Text
    location: Country
    purposes: list[PurposeName] = []
    categories: list[CategoryName] = []
    safeguard: Safeguard = "none_needed"
    privacy_url: str | None = None


class Transfer(Section):
    to: str
    safeguard: Safeguard
    description: Text | None = None


class Sharing(Section):
    sold: bool = False
    disclosures: list[Text] = []


class Children(Section):
    minimum_age: int = Field(gt=0, lt=19)
    parent_requests: bool = True


class Marketing(Section):
    purpose: PurposeName
    requires_consent: bool = True
    unsubscribe: Literal["one_click", "link"] = "one_click"
    processor: ProcessorName | None = None
    # ntropic: opting out "will not apply to personal data provided ... as a result of a
    # product purchase": erasure on opt-out is scoped to the marketing purpose.
    opt_out_scope: Literal["marketing", "everything"] = "marketing"
    # The words next to a form's unticked box; stored with each opt-in as its proof.
    # Unset: privet words it from the marketing purpose's description.
    opt_in_label: Text | None = None
    # Ask the address's owner to confirm by email before the first mailing.
    double_opt_in: bool = False


class Abuse(Section):
    """Where a submission goes when staff flag it as objectionable (ntropic §1)."""

    purpose: PurposeName
    category: CategoryName


class Consent(Section):
    """Where consent receipts are filed, and the cookie that remembers a visitor's choice."""

    # The data category receipts belong to: its retention rule says how long they are kept.
    category: CategoryName
    # Must be declared in a required cookie category: its lifetime is the cookie's max-age.
    cookie: str = "privet_consent"


class Analytics(Section):
    mode: Literal["consent", "cookieless", "off"]
    purpose: PurposeName | None = None
    # The IP address is reduced to a country at ingestion and never stored.
    ip_address: Literal["country", "discard"] = "country"
    respect_do_not_track: bool = True


class Security(Section):
    measures: list[Text] = Field(min_length=1)
    encrypted_backups: bool = True


_ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_environment_name(value: str) -> str:
    # The value is not repeated in the message: it may be the very password meant to stay out.
    if not _ENVIRONMENT_NAME.match(value):
        raise PydanticCustomError(
            "bad_environment_name",
            "write the name of the environment variable that holds it (such as "
            "SHOP_DATABASE_URL), not the URL or secret itself: whoever reads the policy "
            "would read it too",
        )
    return value


EnvironmentName = Annotated[str, AfterValidator(_check_environment_name)]


# Browsers treat these as secure contexts too: plain http to them stays on the machine.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def webhook_url_problem(url: str) -> str | None:
    """Why `url` may not receive calls, or None: https, or http to a loopback host."""
    # urlsplit silently drops tabs and newlines: refuse them, so the URL checked is the one used.
    if any(character <= " " or character == "\x7f" for character in url):
        return "the URL contains spaces or control characters"
    parts = urlsplit(url)
    if "@" in parts.netloc:
        return "a user name or password in the URL would be readable in the policy: use `secret`"
    try:
        parts.port  # noqa: B018  # parsing the port is the check
    except ValueError:
        return "the URL's port is not a valid port number"
    if not parts.hostname:
        return "the URL has no host"
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return None
    return "a webhook URL must be https (http only to 127.0.0.1, localhost or ::1)"


def _check_webhook(value: str) -> str:
    problem = webhook_url_problem(value)
    if problem is not None:
        raise PydanticCustomError("bad_webhook", "{problem}", {"problem": problem})
    return value


class DeclaredTable(Section):
    """A table of another database that holds people's data, found by an email column."""

    email: str
    on_erasure: Literal["delete", "mask"]
    # Column -> data category. The email column is personal data too: it must be listed, so
    # that erasure masks it, or keeps it when its category is held under a legal obligation.
    columns: dict[str, CategoryName]

    @model_validator(mode="after")
    def _email_column_is_declared(self) -> DeclaredTable:
        if self.email not in self.columns:
            raise PydanticCustomError(
                "bad_system",
                "the email column '{column}' must be in columns too, with its data category: "
                "erasure masks or keeps it by that category",
                {"column": self.email},
            )
        return self


# The keys each kind of system takes, by the key that makes it that kind.
_SYSTEM_KEYS = {
    "tables": ("tables", "database", "database_schema", "processor"),
    "dataset": ("dataset", "database", "database_schema", "erase_categories", "processor"),
    "webhook": ("webhook", "secret", "processor"),
}
_REQUIRED_KEYS = {"tables": {"database"}, "dataset": {"database"}, "webhook": {"secret"}}
_WRITTEN = {"database_schema": "schema"}  # a field named `schema` would shadow BaseModel's


class System(Section):
    """Another database or a processor where a person's data is found and erased.

    Variables are named, never given: privet reads them when it carries a request out, so
    `privet check` needs none of them, and no password is written in the policy.
    """

    database: EnvironmentName | None = None  # holds a SQLAlchemy URL
    database_schema: str | None = Field(default=None, alias="schema")
    tables: dict[str, DeclaredTable] | None = Field(default=None, min_length=1)
    dataset: str | None = None  # a fideslang dataset file, relative to the policy file
    erase_categories: list[str] = Field(default=["user"], min_length=1)  # fideslang prefixes
    webhook: Annotated[str, AfterValidator(_check_webhook)] | None = None
    secret: EnvironmentName | None = None  # holds the HMAC secret shared with the processor
    processor: ProcessorName | None = None

    @model_validator(mode="after")
    def _one_way_to_reach_it(self) -> System:
        kinds = [kind for kind in _SYSTEM_KEYS if getattr(self, kind) is not None]
        if len(kinds) != 1:
            raise PydanticCustomError(
                "bad_system",
                "a system has exactly one of `tables` or `dataset` (each with `database`), "
                "or `webhook` (with `secret`)",
            )
        missing = _REQUIRED_KEYS[kinds[0]] - self.model_fields_set
        stray = self.model_fields_set - set(_SYSTEM_KEYS[kinds[0]])
        if missing or stray:
            raise PydanticCustomError(
                "bad_system",
                "a system with `{kind}` {problem}",
                {"kind": kinds[0], "problem": _key_problem(missing, stray)},
            )
        return self

    def dataset_file(self, policy_path: Path) -> Path | None:
        """`dataset` is relative to the policy file, so the two can move together."""
        return None if self.dataset is None else policy_path.parent / self.dataset


def _key_problem(missing: set[str], stray: set[str]) -> str:
    def keys(names: set[str]) -> str:
        return ", ".join(f"`{_WRITTEN.get(name, name)}`" for name in sorted(names))

    if missing:
        return f"needs {keys(missing)}"
    return f"takes no {keys(stray)}"


class Policy(Section):
    privet: Literal[1]
    policy: PolicyInfo
    controller: Controller
    website: Website | None = None
    storage: Storage
    data_categories: dict[str, DataCategory] = Field(min_length=1)
    purposes: dict[str, Purpose] = Field(min_length=1)
    cookies: dict[str, CookieCategory] = {}
    forms: dict[str, Form] = {}
    retention: dict[str, RetentionRule] = {}
    legal_holds: LegalHolds = LegalHolds()
    rights: Rights
    processors: dict[str, Processor] = {}
    transfers: list[Transfer] = []
    sharing: Sharing = Sharing()
    children: Children | None = None
    marketing: Marketing | None = None
    abuse: Abuse | None = None
    consent: Consent | None = None
    analytics: Analytics = Analytics(mode="off")
    security: Security
    systems: dict[str, System] = {}
    # The operator's own words for a paragraph of the rendered policy text, by its id
    # (src/privet/transparency/paragraphs.py); `privet check` refuses unknown ids (P114).
    paragraphs: dict[str, Text] = {}
