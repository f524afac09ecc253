"""The pages the consent-manager side-by-side loads: one per manager, each embedded as its
own documentation says, all asking for the same three categories (necessary, analytics,
marketing) with a banner on the first visit; and the baseline, the same page with a static
banner-like element and no script.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quotes for small websites</title>
{head}
</head>
<body>
<main>
<h1>Quotes for small websites</h1>
<p>We design, build and host websites for small companies. Tell us what you need and we
send a quote within two working days.</p>
<p><a href="/privacy">Privacy policy</a></p>
</main>
{end}
</body>
</html>
"""
CATEGORIES = {  # what each category is for, in every manager's words
    "necessary": "Keeps you signed in and remembers this choice.",
    "analytics": "Counts visits to improve the site.",
    "marketing": "Shows our ads to past visitors on other sites.",
}
TEXTS = {
    "title": "Cookies on this site",
    "intro": "We would like to count visits and show you our ads elsewhere.",
    "accept": "Accept all",
    "reject": "Reject all",
    "choose": "Choose",
    "save": "Save",
}


@dataclass(frozen=True)
class Page:
    name: str
    selector: str  # the banner's root element: the probe waits for it to be visible
    head: str = ""
    end: str = ""  # at the end of <body>
    files: dict[str, bytes] = field(default_factory=dict)  # served path -> bytes
    scripts: tuple[str, ...] = ()  # which files are JavaScript; the rest are CSS

    def html(self) -> bytes:
        return PAGE.format(head=self.head, end=self.end).encode()


def baseline() -> Page:
    """No consent manager: a static element of the same kind, styled in the page."""
    style = (
        "#banner { position: fixed; left: 0; right: 0; bottom: 0; max-width: 42rem;"
        " margin: 0 auto; padding: 1rem; font: 15px/1.5 system-ui, sans-serif;"
        " background: #fff; border: 1px solid #767676; }"
    )
    buttons = "".join(f"<button>{TEXTS[action]}</button>" for action in ("accept", "reject"))
    banner = f'<div id="banner"><h2>{TEXTS["title"]}</h2><p>{TEXTS["intro"]}</p>{buttons}</div>'
    return Page("no consent manager (baseline)", "#banner", f"<style>{style}</style>", banner)


def privet(label: str, script: bytes) -> Page:
    # One tag early in <head>, as docs/consent.md says; its config is built into the script.
    path = f"/privet/{label.lower().replace(' ', '-')}/privet.js"
    tag = f'<script src="{path}"></script>'
    return Page(f"privet, {label}", "#privet-consent", tag, files={path: script}, scripts=(path,))


def cookieconsent(version: str, script: bytes, style: bytes) -> Page:
    # The stylesheet in <head>, the script and its run() at the end of <body>.
    js, css = "/cookieconsent/cookieconsent.umd.js", "/cookieconsent/cookieconsent.css"
    sections = [
        {"title": name.title(), "description": text, "linkedCategory": name}
        for name, text in CATEGORIES.items()
    ]
    buttons = {"acceptAllBtn": TEXTS["accept"], "acceptNecessaryBtn": TEXTS["reject"]}
    english = {
        "consentModal": {"title": TEXTS["title"], "description": TEXTS["intro"], **buttons,
                         "showPreferencesBtn": TEXTS["choose"]},
        "preferencesModal": {"title": TEXTS["title"], **buttons,
                             "savePreferencesBtn": TEXTS["save"], "sections": sections},
    }  # fmt: skip
    categories = {
        "necessary": {"enabled": True, "readOnly": True},
        "analytics": {},
        "marketing": {},
    }
    config = {
        "categories": categories,
        "language": {"default": "en", "translations": {"en": english}},
        # Else it hides itself from the bench's browser, which says it is automated
        # (navigator.webdriver); a visitor's browser does not.
        "hideFromBots": False,
    }
    return Page(
        f"vanilla-cookieconsent {version}",
        "#cc-main .cm",
        f'<link rel="stylesheet" href="{css}">',
        f'<script src="{js}"></script><script>CookieConsent.run({json.dumps(config)});</script>',
        {js: script, css: style},
        (js,),
    )


def klaro(version: str, script: bytes) -> Page:
    # klaro.js carries its CSS (the documentation's first choice); deferred, after its config.
    services = [
        {"name": name, "title": name.title(), "purposes": [name], "required": name == "necessary"}
        for name in CATEGORIES
    ]
    english: dict[str, object] = {name: {"description": text} for name, text in CATEGORIES.items()}
    english |= {
        "purposes": {name: name.title() for name in CATEGORIES},
        "privacyPolicyUrl": "/privacy",
    }
    config = {"version": 1, "elementID": "klaro", "storageMethod": "cookie", "lang": "en",
              "mustConsent": False, "acceptAll": True, "hideDeclineAll": False,
              "translations": {"en": english}, "services": services}  # fmt: skip
    js = "/klaro/klaro.js"
    head = (
        f"<script>var klaroConfig = {json.dumps(config)};</script>"
        f'<script defer src="{js}"></script>'
    )
    return Page(f"Klaro {version}", "#klaro .cookie-notice", head, "", {js: script}, (js,))


def orejime(version: str, script: bytes, style: bytes) -> Page:
    # The config, then the script and its stylesheet, in <head>.
    js, css = "/orejime/orejime-standard-en.js", "/orejime/orejime-standard.css"
    purposes = [
        {"id": name, "title": name.title(), "description": text, "cookies": [],
         "isMandatory": name == "necessary"}
        for name, text in CATEGORIES.items()
    ]  # fmt: skip
    config = {"privacyPolicyUrl": "/privacy", "purposes": purposes}
    head = (
        f"<script>window.orejimeConfig = {json.dumps(config)};</script>"
        f'<script src="{js}"></script><link rel="stylesheet" href="{css}">'
    )
    files = {js: script, css: style}
    return Page(f"Orejime {version}", ".orejime-Banner", head, "", files, (js,))
