"""The mail a form sets off, as a real SMTP server on loopback receives it."""

from __future__ import annotations

from conftest import NOW, ROOT
from notify.conftest import Relay
from privet.clock import FixedClock
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.notify.service import Delivery, deliver_all_due
from privet.policy.load import load_policy
from privet.store.open import Store

NTROPIC = load_policy(ROOT / "examples" / "ntropic" / "policy.yaml")
NOTICES = Notices(base_url="https://privacy.example.org", operator="team@example.org")
INQUIRY = {"name": "Ann Example", "email": "ann@example.org", "inquiry": "A website",
           "privet_age_confirmed": "yes", "privet_marketing": "yes"}  # fmt: skip


def test_a_form_tells_the_operator_and_asks_the_sender_to_confirm(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    with store.transaction() as session:
        submit(session, NTROPIC, "inquiry", INQUIRY, NOW, notices=NOTICES)
    assert deliver_all_due(store.sessions, relay.transport(), clock) == Delivery(sent=2)
    by_recipient = {mail["To"]: mail for mail in relay.received}
    notice = by_recipient["team@example.org"]
    assert notice["Subject"] == "New submission: inquiry"  # no name, no address
    assert "Ann Example" in notice.get_content() and "ann@example.org" in notice.get_content()
    confirmation = by_recipient["ann@example.org"]
    assert confirmation["Subject"] == "Please confirm your subscription"
    assert "https://privacy.example.org/marketing/confirm/" in confirmation.get_content()
