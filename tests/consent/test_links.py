"""What `/privet.js` is told to do to links: the trackers privet knows, and the policy's own."""

from __future__ import annotations

import pytest

from conftest import NOW, ROOT
from privet.consent.script import TRACKING_PARAMETERS, banner_config
from privet.policy.load import load_policy
from privet.policy.schema import Policy, Website

NT_PROGRESS = ROOT / "examples" / "nt-progress" / "policy.yaml"


def test_it_strips_the_known_trackers_and_the_declared_session_ids() -> None:
    links = banner_config(load_policy(NT_PROGRESS), NOW)["links"]
    assert links == {
        "strip": [*TRACKING_PARAMETERS, "sid", "session_id", "PHPSESSID"],
        "referrer": "no-referrer",
    }


def test_it_strips_nothing_without_the_promise(policy: Policy) -> None:
    on_site = policy.model_copy(update={"website": Website(url="https://example.org/")})
    links = banner_config(on_site, NOW)["links"]
    assert links == {"strip": [], "referrer": "strict-origin"}


def test_it_names_each_parameter_once() -> None:
    website = Website(url="https://example.org/", strip_outbound_identifiers=True,
                      link_identifiers=["gclid", "sid"])  # fmt: skip
    policy = load_policy(NT_PROGRESS).model_copy(update={"website": website})
    assert banner_config(policy, NOW)["links"]["strip"] == [*TRACKING_PARAMETERS, "sid"]


def test_it_leaves_links_alone_without_a_website(policy: Policy) -> None:
    assert banner_config(policy.model_copy(update={"website": None}), NOW)["links"] is None


def test_it_refuses_session_ids_that_would_never_be_stripped() -> None:
    with pytest.raises(ValueError, match="strip_outbound_identifiers"):
        Website(url="https://example.org/", link_identifiers=["sid"])
