"""The retention rules a sweep applies: the policy's own, and privet's record-keeping.

The policy's rules name a data category. privet also keeps records of its own work that
no category covers (the requests it answered, the mail it sent); they get rules here, with
durations the policy or this module states, so nothing stored escapes a rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from privet.policy.durations import Duration
from privet.policy.schema import Anchor, Policy

# Sent mail is kept this long as the record that it went out (a bounce, a complaint),
# then deleted: the person's data it carries is held in its own records anyway.
SENT_MAIL_KEPT = Duration(90, "days")
REQUESTS_RULE = "privet.requests"
SENT_MAIL_RULE = "privet.sent_mail"

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    name: str
    category: str | None  # None: privet's own records, which no data category covers
    keep: Duration
    after: Anchor | Literal["sent"]
    then: Literal["delete", "anonymise"]

    def cutoff(self, as_of: datetime) -> datetime:
        """Records anchored before this moment are past the rule."""
        return self.keep.before(as_of)

    @property
    def described(self) -> str:
        anchor = self.after.replace("_", " ")
        return f"{self.keep} after {anchor}, then {self.then}"


def rules_of(policy: Policy) -> list[Rule]:
    """Every rule a sweep applies, the policy's first, in the order the policy lists them."""
    declared = [
        Rule(name, rule.category, rule.keep, rule.after, rule.then)
        for name, rule in policy.retention.items()
    ]
    own = [
        Rule(REQUESTS_RULE, None, policy.rights.records_kept, "request_closed", "delete"),
        Rule(SENT_MAIL_RULE, None, SENT_MAIL_KEPT, "sent", "delete"),
    ]
    return declared + own


def length(duration: Duration) -> timedelta:
    """Durations in calendar units compared as spans: "2 years" is longer than "13 months"."""
    return duration.after(_EPOCH) - _EPOCH


def governing(policy: Policy, categories: Iterable[str]) -> str | None:
    """The rule that decides when a record holding these categories goes: the longest of
    theirs, since the record is kept as long as any of its data must be."""
    wanted = set(categories)
    candidates = [
        (name, rule) for name, rule in policy.retention.items() if rule.category in wanted
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda named: length(named[1].keep))[0]
