"""The operator's own words for a paragraph (`paragraphs:` in policy.yaml), the check that
refuses an id the text does not have, and the frame's words in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from privet.policy.load import PolicyError, load_policy
from privet.transparency.paragraphs import PARAGRAPHS
from privet.transparency.render import build_document, policy_html, policy_markdown
from privet.transparency.words import WORDS

EXAMPLE = ROOT / "examples" / "ntoprog" / "policy.yaml"
OVERRIDES = """
paragraphs:
  rights.deadline:
    en: Every request gets an answer within thirty days, see https://ntoprog.example.org/sla
    fr: Chaque demande reçoit une réponse sous trente jours.
  sharing.sold: We do not sell data. Questions to privacy@ntoprog.org please.
"""


def policy_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def test_an_override_replaces_the_generated_words_in_each_language(tmp_path: Path) -> None:
    policy = load_policy(policy_with(tmp_path, OVERRIDES))
    english, french = policy_markdown(policy, "en"), policy_markdown(policy, "fr")
    assert "Every request gets an answer within thirty days" in english
    assert "We answer within" not in english
    assert "Chaque demande reçoit une réponse sous trente jours." in french
    assert "Nous répondons dans un délai" not in french
    assert "We do not sell data." in french  # one text for every language
    assert "We never sell" not in policy_markdown(policy, "en")


def test_addresses_in_an_override_are_links_again(tmp_path: Path) -> None:
    html = policy_html(load_policy(policy_with(tmp_path, OVERRIDES)), "en")
    assert '<p id="sharing.sold">We do not sell data. Questions to <a href="mailto:' in html
    assert '<a href="https://ntoprog.example.org/sla">' in html


def test_an_unknown_paragraph_is_refused_on_its_line(tmp_path: Path) -> None:
    extra = "\nparagraphs:\n  intro.scope: Our own words.\n  rights.deadlines: Thirty days.\n"
    path = policy_with(tmp_path, extra)
    line = path.read_text().splitlines().index("  rights.deadlines: Thirty days.") + 1
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    [problem] = raised.value.problems
    assert (problem.line, problem.code) == (line, "P114")
    assert "no paragraph 'rights.deadlines' (did you mean 'rights.deadline'?)" in problem.message
    assert "intro.scope, intro.version, controller.identity" in problem.message


def test_every_paragraph_id_is_shown_by_an_example_and_documented() -> None:
    shown = set()
    for example in ("ntoprog", "nt-progress", "ntropic"):
        document = build_document(load_policy(ROOT / "examples" / example / "policy.yaml"), "en")
        blocks = [*document.intro, *(b for s in document.sections for b in s.blocks)]
        shown |= {block.id for block in blocks if getattr(block, "id", None)}
    assert shown == set(PARAGRAPHS)
    documented = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    for paragraph_id in PARAGRAPHS:
        assert f"| `{paragraph_id}` |" in documented, paragraph_id


def test_every_language_has_every_word_with_the_same_blanks() -> None:
    english = WORDS["en"]
    for language, said in WORDS.items():
        assert said.keys() == english.keys(), language
        for key, text in said.items():
            blanks = set(re.findall(r"\{(\w+)\}", text))
            assert blanks == set(re.findall(r"\{(\w+)\}", english[key])), (language, key)
