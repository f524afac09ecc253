"""Each example policy renders to a text carrying every promise of its seed: each retention
period, each right, each contact, each processor, in English, French and Russian, in the
Markdown and in the HTML alike."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conftest import ROOT
from privet.policy.load import load_policy
from privet.transparency.render import policy_html, policy_markdown

LANGUAGES = ("en", "fr", "ru")

# What the seed promises, as it must read in every language (names, addresses, numbers).
EVERYWHERE = {
    "ntoprog": [
        "NTOPROG", "Kinshasa, Democratic Republic of Congo", "privacy@ntoprog.org",
        "Hosting provider", "Google Analytics", "Technical partners",
        "legal obligation (accounting)", "_ga",
    ],
    "nt-progress": [
        "NT Progress LLC", "19 Leninskaya Sloboda Street, Off. 21YA, Moscow 115280",
        "+7 (499) 682-60-69", "privacy@nt-progress.example.org", "OGRN", "5157746195020",
        "INN", "7702395803", "KPP", "772501001", "V.S. Kashigin, CEO",
        "Hosting provider", "Yandex.Metrica (Yandex LLC)", "rkn.gov.ru",
        'Law of the Russian Federation, including Federal Law No. 152-FZ "On Personal Data"',
    ],
    "ntropic": [
        "Ntropic LLC", "1025 Battery Street, San Francisco, CA 94111", "privacy@ntropic.com",
        "Mailchimp (The Rocket Science Group LLC)", "Web services supplier",
        "Payment processor", "Companies of the Ntropic Group",
    ],
}  # fmt: skip

# What the frame words, per language: periods in the plural the number takes, rights,
# deadlines, places, "never sold", the minimum age, how changes are announced.
IN_LANGUAGE = {
    ("ntoprog", "en"): [
        "3 years", "10 years", "13 months", "5 years", "our last contact with you",
        "the end of the contract", "Right of access", "Right to rectification",
        "Right to erasure", "Right to portability", "Right to object", "within 30 days",
        "We never sell your personal data", "Congo - Kinshasa", "United States",
        "Standard data protection clauses", "Only with your consent",
    ],
    ("ntoprog", "fr"): [
        "3 ans", "10 ans", "13 mois", "5 ans", "notre dernier contact avec vous",
        "la fin du contrat", "Droit d'accès", "Droit de rectification", "Droit à l'effacement",
        "Droit à la portabilité", "Droit d'opposition", "dans un délai de 30 jours",
        "Nous ne vendons jamais vos données personnelles", "Congo-Kinshasa", "États-Unis",
        "Clauses types de protection des données", "Uniquement avec votre consentement",
    ],
    ("ntoprog", "ru"): [
        "3 года", "10 лет", "13 месяцев", "5 лет", "нашего последнего контакта с вами",
        "окончания договора", "Право на доступ", "Право на уточнение", "Право на удаление",
        "Право на переносимость", "Право на возражение", "Срок ответа — 30 дней",
        "Мы никогда не продаём ваши персональные данные", "Конго - Киншаса",
        "Соединенные Штаты", "Только с вашего согласия",
    ],
    ("nt-progress", "en"): [
        "3 years", "13 months", "Right of access", "Right to rectification", "Right to erasure",
        "Right to restriction", "Right to complain", "within 10 days", "up to 5 days more",
        "We never sell your personal data", "Storage location of your data: Russia",
        "processed and stored only there", "without notice", "Roskomnadzor",
    ],
    ("nt-progress", "fr"): [
        "3 ans", "13 mois", "Droit d'accès", "Droit de rectification", "Droit à l'effacement",
        "Droit à la limitation", "Droit d'introduire une réclamation", "10 jours", "5 jours",
        "Nous ne vendons jamais", "Lieu de stockage de vos données : Russie",
        "uniquement à cet endroit", "sans préavis", "Роскомнадзор",
    ],
    ("nt-progress", "ru"): [
        "3 года", "13 месяцев", "Право на доступ", "Право на уточнение", "Право на удаление",
        "Право на блокирование", "Право на обжалование", "Срок ответа — 10 дней",
        "не более чем на 5 дней", "Мы никогда не продаём", "Место хранения ваших данных: Россия",
        "хранятся только там", "без уведомления", "Роскомнадзор",
        "общий срок исковой давности (ст. 196 ГК РФ)",
    ],
    ("ntropic", "en"): [
        "2 years", "7 years", "30 days", "Right of access", "Right to rectification",
        "Right to restriction", "Right to object", "Right to erasure", "Right to portability",
        "Right to complain", "within 1 month", "up to 2 months more",
        "directly to another provider", "We never sell your personal data", "United States",
        "children under 13 years of age", "unsubscribe link that works in one click",
        "where feasible, let you know by email", "complaint and prospect of litigation",
    ],
    ("ntropic", "fr"): [
        "2 ans", "7 ans", "30 jours", "Droit d'accès", "Droit de rectification",
        "Droit à la limitation", "Droit d'opposition", "Droit à l'effacement",
        "Droit à la portabilité", "Droit d'introduire une réclamation", "1 mois", "2 mois",
        "Nous ne vendons jamais vos données personnelles", "États-Unis", "moins de 13 ans",
        "désinscription qui fonctionne en un clic", "vous en informons par courriel",
    ],
    ("ntropic", "ru"): [
        "2 года", "7 лет", "30 дней", "Право на доступ", "Право на уточнение",
        "Право на блокирование", "Право на возражение", "Право на удаление",
        "Право на переносимость", "Право на обжалование", "Срок ответа — 1 месяц",
        "не более чем на 2 месяца", "Мы никогда не продаём", "Соединенные Штаты",
        "не исполнилось 13 лет", "отписаться одним нажатием", "по электронной почте",
    ],
}  # fmt: skip

# Sections a policy does not declare are left out, not filled with defaults.
ABSENT = {"ntoprog": ["children", "marketing", "law"], "nt-progress": ["children", "transfers",
          "marketing"], "ntropic": ["law"]}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def _flat(text: str) -> str:
    # French puts no-break spaces in "13 mois": the same fact, whatever the space.
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str], tuple[str, str]]:
    """(example, language) -> (Markdown, HTML article), each rendered once."""
    texts = {}
    for example in EVERYWHERE:
        policy = load_policy(ROOT / "examples" / example / "policy.yaml")
        for language in LANGUAGES:
            texts[example, language] = (
                policy_markdown(policy, language),
                policy_html(policy, language),
            )
    return texts


@pytest.mark.parametrize(("example", "language"), list(IN_LANGUAGE))
def test_it_carries_every_fact_of_the_seed(
    rendered: dict[tuple[str, str], tuple[str, str]], example: str, language: str
) -> None:
    markdown, html = rendered[example, language]
    for text in (_flat(markdown), _flat(visible_text(html))):
        for fact in [*EVERYWHERE[example], *IN_LANGUAGE[example, language]]:
            assert _flat(fact) in text, f"{example}/{language}: {fact!r} missing"


@pytest.mark.parametrize("example", list(ABSENT))
def test_it_leaves_out_what_the_policy_does_not_declare(
    rendered: dict[tuple[str, str], tuple[str, str]], example: str
) -> None:
    _markdown, html = rendered[example, "en"]
    assert '<section id="rights">' in html
    for section in ABSENT[example]:
        assert f'<section id="{section}">' not in html


def test_the_markdown_and_the_html_have_the_same_sections_in_order(
    rendered: dict[tuple[str, str], tuple[str, str]],
) -> None:
    markdown, html = rendered["ntropic", "fr"]
    headings = [line.removeprefix("## ") for line in markdown.splitlines() if line[:3] == "## "]
    shown = [line[4:-5] for line in html.splitlines() if line.startswith("<h2>")]
    assert headings == shown[1:]  # the HTML's first h2 is its table of contents
    assert headings[0] == "1. Qui est responsable de vos données"
    assert headings[-1] == "14. Informations sur la société"


def test_the_effective_date_reads_as_a_date_in_each_language(
    rendered: dict[tuple[str, str], tuple[str, str]],
) -> None:
    assert "in effect since April 11, 2026" in _flat(rendered["ntoprog", "en"][0])
    assert "en vigueur depuis le 11 avril 2026" in _flat(rendered["ntoprog", "fr"][0])
    assert "действует с 4 февраля 2020 г." in _flat(rendered["nt-progress", "ru"][0])
