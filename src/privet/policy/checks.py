"""Checks that need the whole policy: coverage, consistency and the storage region."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

from privet.policy.problems import Finding
from privet.policy.schema import Policy
from privet.rights.connectors.fideslang import DatasetError, load_dataset
from privet.transparency.paragraphs import PARAGRAPHS

EU_MEMBERS = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()  # noqa: SIM905  # reads as the list it is
)
EEA_MEMBERS = EU_MEMBERS | {"IS", "LI", "NO"}


def check_policy(policy: Policy) -> list[Finding]:
    return [
        *_retention_covers_every_category(policy),
        *_anonymising_keeps_something(policy),
        *_form_fields_are_declared(policy),
        *_forms_know_whose_data_it_is(policy),
        *_consent_cookies_ask_for_consent(policy),
        *_processors_respect_storage(policy),
        *_processors_receive_only_allowed_data(policy),
        *_analytics_has_a_purpose(policy),
        *_marketing_is_declared(policy),
        *_consent_is_recorded(policy),
        *_consent_cookie_is_declared(policy),
        *_paragraphs_exist(policy),
    ]


def _retention_covers_every_category(policy: Policy) -> Iterator[Finding]:
    covered = {rule.category for rule in policy.retention.values()}
    for name in policy.data_categories:
        if name not in covered:
            yield Finding(
                ("data_categories", name),
                "P101",
                f"data category '{name}' has no retention rule: say how long it is kept",
            )


def _anonymising_keeps_something(policy: Policy) -> Iterator[Finding]:
    """`then: anonymise` keeps the category's fields declared `personal: false` and cuts
    the link to the person: a category without such fields would keep nothing, and
    contracts, marketing consents and consent logs are proof about a person, or nothing."""
    proofs = {rule.category for rule in policy.retention.values() if rule.after == "contract_end"}
    if policy.consent:
        proofs.add(policy.consent.category)
    if policy.marketing:
        proofs.update(policy.purposes[policy.marketing.purpose].categories)
    for name, rule in policy.retention.items():
        if rule.then != "anonymise":
            continue
        fields = policy.data_categories[rule.category].fields.values()
        if rule.category in proofs:
            problem = (
                f"'{rule.category}' records prove something about a person: "
                "they can only be deleted"
            )
        elif all(field.personal for field in fields):
            problem = (
                f"no field of '{rule.category}' is declared `personal: false`: anonymising "
                "would keep nothing (write `then: delete`)"
            )
        else:
            continue
        yield Finding(("retention", name, "then"), "P112", problem)


def _form_fields_are_declared(policy: Policy) -> Iterator[Finding]:
    for form_name, form in policy.forms.items():
        for field_name, field in form.fields.items():
            where = ("forms", form_name, "fields", field_name)
            category = field.category or form.category
            if category is None:
                yield Finding(
                    where,
                    "P102",
                    f"field '{field_name}' has no category (set it here or on the form)",
                )
            elif field_name not in policy.data_categories[category].fields:
                yield Finding(
                    where,
                    "P102",
                    f"field '{field_name}' is not declared in data category '{category}': "
                    "only declared data may be collected",
                )


def _forms_know_whose_data_it_is(policy: Policy) -> Iterator[Finding]:
    """Every form needs a required email field: it is how privet finds a person's data
    again for access, export and erasure, and how it answers them."""
    for form_name, form in policy.forms.items():
        emails = [
            name
            for name, field in form.fields.items()
            if field.required and _field_type(policy, form_name, name) == "email"
        ]
        if not emails:
            yield Finding(
                ("forms", form_name, "fields"),
                "P108",
                f"form '{form_name}' needs a required email field: privet finds a person's "
                "data by their address, to answer access and erasure requests",
            )


def _field_type(policy: Policy, form_name: str, field_name: str) -> str | None:
    form = policy.forms[form_name]
    field = form.fields[field_name]
    category = policy.data_categories.get(field.category or form.category or "")
    declared = category.fields.get(field_name) if category else None
    return field.type or (declared.type if declared else None)


def _consent_cookies_ask_for_consent(policy: Policy) -> Iterator[Finding]:
    for name, category in policy.cookies.items():
        if category.required or category.purpose is None:
            continue
        basis = policy.purposes[category.purpose].legal_basis
        if basis != "consent":
            yield Finding(
                ("cookies", name, "purpose"),
                "P103",
                f"cookie category '{name}' needs consent, but purpose '{category.purpose}' "
                f"has legal basis '{basis}'",
            )


def in_region(location: str, region: list[str]) -> bool:
    members = {"EU": EU_MEMBERS, "EEA": EEA_MEMBERS}
    return location in region or any(location in members.get(part, ()) for part in region)


def _processors_respect_storage(policy: Policy) -> Iterator[Finding]:
    region = policy.storage.region
    for name, processor in policy.processors.items():
        if in_region(processor.location, region):
            continue
        where = ("processors", name, "location")
        if policy.storage.strict:
            yield Finding(
                where,
                "P104",
                f"processor '{name}' is in {processor.location}, outside the declared "
                f"storage region ({', '.join(region)}), which the policy promises to keep to",
            )
        elif processor.safeguard == "none_needed":
            yield Finding(
                where,
                "P105",
                f"processor '{name}' receives data outside {', '.join(region)}: "
                "declare the transfer's safeguard",
            )


def _processors_receive_only_allowed_data(policy: Policy) -> Iterator[Finding]:
    """A processor may receive a category only for a purpose that covers it: the ones it
    is named for, or any purpose when it is named for none (a host holds everything)."""
    for name, processor in policy.processors.items():
        named = processor.purposes or list(policy.purposes)
        allowed = {c for purpose in named for c in policy.purposes[purpose].categories}
        for index, category in enumerate(processor.categories):
            if category not in allowed:
                yield Finding(
                    ("processors", name, "categories", index),
                    "P113",
                    f"processor '{name}' receives '{category}', which no purpose it serves "
                    f"({', '.join(named)}) covers: data may go only where a purpose takes it",
                )


def _analytics_has_a_purpose(policy: Policy) -> Iterator[Finding]:
    if policy.analytics.mode != "off" and policy.analytics.purpose is None:
        yield Finding(
            ("analytics",), "P106", "analytics is on: name the purpose it serves (or set mode: off)"
        )


def _marketing_is_declared(policy: Policy) -> Iterator[Finding]:
    if policy.marketing is not None:
        return
    for name, form in policy.forms.items():
        if form.marketing_opt_in:
            yield Finding(
                ("forms", name, "marketing_opt_in"),
                "P107",
                f"form '{name}' offers a marketing opt-in, but the policy has no marketing section",
            )


def _consent_is_recorded(policy: Policy) -> Iterator[Finding]:
    optional = [name for name, category in policy.cookies.items() if not category.required]
    if optional and policy.consent is None:
        yield Finding(
            ("cookies", optional[0]),
            "P109",
            f"cookie category '{optional[0]}' asks for consent, but the policy has no consent "
            "section: add consent: {category: ...} to say where the receipts are filed",
        )


def _consent_cookie_is_declared(policy: Policy) -> Iterator[Finding]:
    """The cookie that remembers a choice is itself a cookie the policy must list."""
    if policy.consent is None:
        return
    name = policy.consent.cookie
    for category in policy.cookies.values():
        for cookie in category.cookies:
            if cookie.name == name and category.required and cookie.lifetime != "session":
                return
    yield Finding(
        ("consent", "cookie"),
        "P110",
        f"declare cookie '{name}' with a lifetime in a required cookie category: it "
        "remembers each visitor's choice, and its lifetime is how long a choice lasts",
    )


def _paragraphs_exist(policy: Policy) -> Iterator[Finding]:
    """An override of a paragraph the text does not have would silently change nothing."""
    for paragraph_id in policy.paragraphs:
        if paragraph_id in PARAGRAPHS:
            continue
        close = difflib.get_close_matches(paragraph_id, PARAGRAPHS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield Finding(
            ("paragraphs", paragraph_id),
            "P114",
            f"the policy text has no paragraph '{paragraph_id}'{hint}; its paragraphs are: "
            + ", ".join(PARAGRAPHS),
        )


def check_datasets(policy: Policy, policy_path: Path) -> list[Finding]:
    """Each system's dataset file is read with the policy, so `privet check` finds a broken
    one before a request needs it."""
    findings = []
    for name, system in policy.systems.items():
        path = system.dataset_file(policy_path)
        problem = _dataset_problem(path) if path is not None else None
        if problem is not None:
            findings.append(Finding(("systems", name, "dataset"), "P111", problem))
    return findings


def _dataset_problem(path: Path) -> str | None:
    if not path.is_file():
        return f"dataset file {path} does not exist"
    try:
        dataset = load_dataset(path)
    except DatasetError as error:
        return f"dataset {error}"
    fields = (field for collection in dataset.collections for field in collection.fields)
    if not any(field.identity == "email" for field in fields):
        return f"dataset {path}: no field has `identity: email`, so no one can be found in it"
    return None
