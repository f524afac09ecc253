"""The document written out: what the policy says is text, never markup, in either format."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from privet.policy.load import load_policy
from privet.transparency.render import policy_html, policy_markdown

EXAMPLE = ROOT / "examples" / "ntoprog" / "policy.yaml"


def test_markup_in_the_operators_words_is_shown_as_written() -> None:
    words = "# Not a *heading* <script>alert(1)</script> | [link](x)"
    policy = load_policy(EXAMPLE).model_copy(update={"paragraphs": {"sharing.sold": words}})
    markdown, html = policy_markdown(policy, "en"), policy_html(policy, "en")
    assert "\\# Not a \\*heading\\* \\<script\\>alert(1)\\</script\\> \\| \\[link\\](x)" in markdown
    assert "# Not a *heading* &lt;script&gt;alert(1)&lt;/script&gt; | [link](x)" in html
    assert "<script>" not in html


def test_a_link_that_is_not_to_the_web_or_mail_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("https://policies.google.com/privacy", "javascript:alert(1)"))
    policy = load_policy(path)
    markdown, html = policy_markdown(policy, "en"), policy_html(policy, "en")
    assert "Google Analytics (United States, privacy policy)" in markdown
    assert "javascript:" not in markdown and "javascript:" not in html


def test_a_cookie_name_is_code_and_keeps_its_underscores() -> None:
    markdown = policy_markdown(load_policy(EXAMPLE), "en")
    assert "| `_ga_*` | Google Analytics | 13\u00a0months | — |" in markdown
