"""`GET /forms/{form}`: a declared form as an HTML snippet to embed in the operator's site."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from privet.intake import service, spam
from privet.intake.choices import AGE_FIELD, LANGUAGE_FIELD, minimum_age
from privet.intake.fields import form_fields
from privet.intake.wording import words
from privet.marketing.service import OPT_IN_FIELD, opt_in_wording
from privet.policy.schema import Policy, Text
from privet.policy.texts import choose_language, text_in
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

INPUT_TYPES = {"email": "email", "phone": "tel", "url": "url", "number": "number", "date": "date"}


@router.get("/forms/{form}", response_class=HTMLResponse)
def form_snippet(request: Request, form: str, lang: str | None = None) -> HTMLResponse:
    state = request.app.state
    policy = state.policy
    try:
        declared = service.declared_form(policy, form)
    except service.UnknownForm:
        raise ApiError(404, "unknown_form", f"no form named '{form}' in the policy") from None
    language = choose_language(policy, lang)
    fields = [
        {
            "spec": spec,
            "label": _label(policy, declared.fields[name].label, name, language),
            "input_type": INPUT_TYPES.get(spec.type, "text"),
        }
        for name, spec in form_fields(policy, declared).items()
    ]
    purpose = policy.purposes[declared.purpose]
    context = {
        "form": form,
        "action": f"{state.settings.base_url}/api/v1/forms/{form}/submissions",
        "fields": fields,
        "purpose": text_in(purpose.description, language, policy),
        "purpose_name": declared.purpose,
        "privacy_url": f"{state.settings.base_url}/privacy",
        "token": spam.form_token(state.store.keyring, form, state.clock.now()),
        "spam": spam,
        "lang": language,
        "words": words(language),
        "language_field": LANGUAGE_FIELD,
        "age_field": AGE_FIELD if declared.asks_age(policy) else None,
        "minimum_age": minimum_age(policy),
        "opt_in_field": OPT_IN_FIELD if declared.marketing_opt_in else None,
        "opt_in_wording": opt_in_wording(policy, language) if declared.marketing_opt_in else "",
    }
    return templates.TemplateResponse(request, "intake/snippet.html", context)


def _label(policy: Policy, label: Text | None, name: str, language: str) -> str:
    if label is None:
        return name.replace("_", " ").capitalize()
    return text_in(label, language, policy)
