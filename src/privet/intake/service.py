"""Taking in a submission of a declared form: check, attach to its subject, store sealed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from privet.intake.choices import take_choices
from privet.intake.fields import clean_values, form_fields
from privet.intake.models import Submission
from privet.intake.notices import Notices, notify_operator
from privet.marketing.mail import queue_confirmation
from privet.marketing.service import record_opt_in
from privet.policy.schema import Form, Policy
from privet.subjects.service import get_or_create_subject


class UnknownForm(LookupError):
    pass


class SubmissionInvalid(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(f"{len(problems)} field(s) are not valid: {', '.join(sorted(problems))}")
        self.problems = problems


@dataclass(frozen=True)
class Received:
    id: str
    form: str
    submitted_at: datetime
    language: str = "en"
    # A marketing opt-in is waiting for its owner to follow the emailed link.
    confirmation_sent: bool = False


def declared_form(policy: Policy, name: str) -> Form:
    form = policy.forms.get(name)
    if form is None:
        raise UnknownForm(name)
    return form


def submit(
    session: Session,
    policy: Policy,
    form_name: str,
    values: dict[str, Any],
    now: datetime,
    *,
    notices: Notices,
) -> Received:
    """Store one submission; raises SubmissionInvalid naming every field at fault."""
    form = declared_form(policy, form_name)
    values = dict(values)
    choices, problems = take_choices(policy, form, values)
    specs = form_fields(policy, form)
    cleaned, field_problems = clean_values(specs, values, policy.controller.country)
    problems |= field_problems
    if problems:
        raise SubmissionInvalid(problems)
    email = next(cleaned[n] for n, spec in specs.items() if spec.type == "email")
    subject = get_or_create_subject(session, email, now)
    subject.last_contact_at = now  # the anchor of "3 years after last contact"
    submission = Submission(
        subject_id=subject.id,
        form=form_name,
        purpose=form.purpose,
        legal_basis=policy.purposes[form.purpose].legal_basis,
        categories=",".join(sorted({spec.category for spec in specs.values()})),
        policy_version=policy.policy.version,
        fields=json.dumps(cleaned, ensure_ascii=False, sort_keys=True),
        submitted_at=now,
    )
    session.add(submission)
    session.flush()
    confirmation_sent = False
    if choices.marketing:
        opt_in = record_opt_in(session, policy, subject, form=form_name,
                               language=choices.language, method="form", now=now)  # fmt: skip
        if opt_in.confirm_token:
            queue_confirmation(
                session, policy=policy, base_url=notices.base_url, subject=subject,
                token=opt_in.confirm_token, language=choices.language, now=now,
            )  # fmt: skip
            confirmation_sent = True
    notify_operator(session, policy=policy, notices=notices, submission=submission,
                    cleaned=cleaned, now=now)  # fmt: skip
    return Received(str(submission.id), form_name, now, choices.language, confirmation_sent)
