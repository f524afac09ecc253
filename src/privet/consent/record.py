"""A consent receipt's two shapes: the stored ISO/IEC TS 27560 record, and the Kantara view.

ISO/IEC TS 27560:2023 names the elements a consent record holds (the PII principal, the
controller, the notice it was given under, each purpose with its status, the event that
changed it); privet stores them with the element names in snake case, as the W3C DPV
guide to the standard does. The Kantara Initiative Consent Receipt v1.1 is the older,
widely implemented JSON receipt; `kantara_view` derives it from the stored record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from privet.policy.schema import Policy
from privet.policy.texts import text_in

SCHEMA_VERSION = "ISO/IEC TS 27560:2023"
KANTARA_VERSION = "KI-CR-v1.1.0"
# What happened to each optional category in one decision, in 27560's event vocabulary.
GIVEN, REFUSED, NOT_ASKED = "given", "refused", "not_asked"


def consent_record(
    policy: Policy,
    *,
    receipt_id: str,
    visitor_id: str,
    recorded_at: datetime,
    valid_until: datetime,
    method: str,
    granted: list[str],
    denied: list[str],
    gpc: bool,
    language: str,
    country: str | None,
    privacy_url: str,
) -> dict[str, Any]:
    controller = policy.controller
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": receipt_id,
        "pii_principal_id": visitor_id,
        "pii_principal_id_type": "pseudonymous visitor id (first-party cookie)",
        "record_header": {
            "jurisdiction": controller.country,
            "controllers": [
                {
                    "name": controller.legal_name or controller.name,
                    "address": controller.address,
                    "email": controller.email,
                    "url": controller.website,
                }
            ],
            "notice": {
                "url": privacy_url,
                "policy_version": policy.policy.version,
                "language": language,
            },
        },
        "purposes": _purposes(policy, language, granted, denied),
        "event": {
            "time": recorded_at.isoformat(),
            # The choice is asked again after this (the consent cookie's lifetime).
            "valid_until": valid_until.isoformat(),
            "by": "pii_principal",
            "method": method,
            "global_privacy_control": gpc,
            "country": country,
        },
    }


def _purposes(
    policy: Policy, language: str, granted: list[str], denied: list[str]
) -> list[dict[str, Any]]:
    purposes = []
    for name, category in policy.cookies.items():
        if category.required or category.purpose is None:
            continue
        status = GIVEN if name in granted else REFUSED if name in denied else NOT_ASKED
        purpose = policy.purposes[category.purpose]
        purposes.append(
            {
                "cookie_category": name,
                "purpose": category.purpose,
                "description": text_in(purpose.description, language, policy),
                "lawful_basis": purpose.legal_basis,
                "pii_categories": list(purpose.categories),
                "consent_type": "explicit",
                "status": status,
                "third_parties": [vendor.name for vendor in category.vendors],
                "cookies": [cookie.name for cookie in category.cookies],
            }
        )
    return purposes


def kantara_view(record: dict[str, Any]) -> dict[str, Any]:
    """The Kantara Consent Receipt v1.1 JSON of a stored 27560 record."""
    header, event = record["record_header"], record["event"]
    controller = header["controllers"][0]
    return {
        "version": KANTARA_VERSION,
        "jurisdiction": header["jurisdiction"],
        "consentTimestamp": int(datetime.fromisoformat(event["time"]).timestamp()),
        "collectionMethod": event["method"],
        "consentReceiptID": record["record_id"],
        "language": header["notice"]["language"],
        "piiPrincipalId": record["pii_principal_id"],
        "piiControllers": [
            {
                "piiController": controller["name"],
                "contact": controller["email"],
                "address": {"streetAddress": controller["address"]},
                "email": controller["email"],
                "piiControllerUrl": controller["url"],
            }
        ],
        "policyUrl": header["notice"]["url"],
        "services": [
            {
                "service": purpose["cookie_category"],
                "purposes": [_kantara_purpose(purpose, event["valid_until"])],
            }
            for purpose in record["purposes"]
            if purpose["status"] != NOT_ASKED
        ],
        "sensitive": False,
        "spiCat": [],
    }


def _kantara_purpose(purpose: dict[str, Any], valid_until: str) -> dict[str, Any]:
    # Kantara has no "refused": a receipt lists what was consented to, and a refusal is a
    # purpose whose consent ends at once ("termination").
    given = purpose["status"] == GIVEN
    return {
        "purpose": purpose["description"],
        "purposeCategory": [purpose["purpose"]],
        "consentType": "EXPLICIT",
        "piiCategory": purpose["pii_categories"],
        "primaryPurpose": False,
        "termination": f"withdrawal, or {valid_until}" if given else "refused",
        "thirdPartyDisclosure": bool(purpose["third_parties"]) and given,
        "thirdPartyName": ", ".join(purpose["third_parties"]) or None,
    }
