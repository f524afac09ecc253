"""The paragraphs of the policy text an operator may reword, by their stable ids.

`policy.yaml`'s `paragraphs:` maps these ids to the operator's own words; `privet check`
refuses any other id (P114). Lists and tables are not here: they are made of what the
policy declares, so the policy itself is where they change.
"""

from __future__ import annotations

# id -> when it is shown and what it says (docs/policy.md has the same table).
PARAGRAPHS: dict[str, str] = {
    "intro.scope": "always: what the policy is about and whose it is",
    "intro.version": "always: the version and the date it took effect",
    "controller.identity": "always: who the controller is and where",
    "controller.contact": "always: the controller's email (and phone) for questions",
    "controller.dpo": "with `controller.dpo`: how to reach the data protection officer",
    "data.intro": "always: only the data listed is collected",
    "data.forms": "with `forms`: required fields are marked, the rest is optional",
    "data.analytics": "with `analytics` on: how the audience is measured",
    "data.ip_address": "with `analytics` on: what becomes of the IP address",
    "data.do_not_track": "with cookieless analytics and `respect_do_not_track`",
    "data.outbound_links": "with `website.strip_outbound_identifiers`",
    "purposes.intro": "always: data is used only for the purposes listed",
    "purposes.withdrawal": "when a purpose rests on consent: it can be withdrawn",
    "retention.intro": "always: each kind of data is kept only as long as listed",
    "retention.holds": "with `legal_holds.allowed`: when data is kept longer",
    "rights.intro": "always: the rights offered (followed by their list)",
    "rights.how": "always: the request portal and the rights contact",
    "rights.deadline": "always: the deadline for an answer",
    "rights.extension": "with `rights.extension`: how much longer an answer may take",
    "rights.direct_transfer": "with `rights.direct_transfer`",
    "rights.complaint": "with `rights.supervisory_authority`",
    "cookies.intro": "always: what cookies are; with none declared, that none are used",
    "cookies.preferences": "when a cookie category needs consent: where to change a choice",
    "security.intro": "always: the measures taken (followed by their list)",
    "sharing.sold": "always: whether data is sold (`sharing.sold`)",
    "sharing.processors": "with `processors`: who processes data for the controller",
    "sharing.disclosures": "with `sharing.disclosures`: when data may be disclosed",
    "storage.region": "always: where data is stored (`storage.region`)",
    "storage.strict": "with `storage.strict`: data never leaves the region",
    "transfers.intro": "when data goes outside the storage region: under which safeguards",
    "transfers.more": "when data goes outside the storage region: whom to ask for details",
    "children.age": "with `children`: the minimum age",
    "children.forms": "with `children` and a form that asks for age",
    "children.parents": "with `children.parent_requests`",
    "marketing.consent": "with `marketing`: what marketing email is about, and on what basis",
    "marketing.double_opt_in": "with `marketing.double_opt_in`",
    "marketing.unsubscribe": "with `marketing`: how to unsubscribe",
    "marketing.scope": "with `marketing`: what unsubscribing erases (`opt_out_scope`)",
    "marketing.processor": "with `marketing.processor`",
    "changes.notice": "always: how changes are announced (`policy.change_notice`)",
    "changes.history": "always: the link to earlier versions",
    "changes.evidence": "always: the link to the evidence that the promises are kept",
    "law.applicable": "with `controller.applicable_law`",
}
