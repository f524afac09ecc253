"""`privet policy render`: the policy text on standard output or in a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from privet.cli import app

runner = CliRunner()
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVET_BASE_URL", "https://privet.ntoprog.example.org")


def render(*arguments: str, example: str = "ntoprog") -> tuple[int, str, str]:
    policy = str(EXAMPLES / example / "policy.yaml")
    result = runner.invoke(app, ["policy", "render", "--policy", policy, *arguments])
    return result.exit_code, result.stdout, result.stderr


def test_it_prints_markdown_in_the_policys_first_language_by_default() -> None:
    code, printed, _ = render()
    assert code == 0
    assert printed.startswith("# Politique de confidentialité — NTOPROG\n")
    assert "| Données de contact que vous nous donnez via nos formulaires | 3\u00a0ans |" in printed


def test_links_to_privets_pages_start_at_its_public_address() -> None:
    _, printed, _ = render("--lang", "en")
    portal = "[our request portal](https://privet.ntoprog.example.org/privacy/requests?lang=en)"
    assert portal in printed


def test_html_is_a_whole_page_written_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "privacy.html"
    code, printed, _ = render(
        "--lang", "ru", "--format", "html", "--output", str(target), example="nt-progress"
    )
    assert (code, printed) == (0, "")
    page = target.read_text(encoding="utf-8")
    assert page.startswith('<!doctype html>\n<html lang="ru">')
    assert "<title>Политика конфиденциальности — NT Progress</title>" in page
    assert "<style>" in page and '<section id="rights">' in page and page.endswith("</html>\n")


def test_a_language_privet_does_not_speak_is_refused() -> None:
    code, printed, error = render("--lang", "de")
    assert (code, printed) == (2, "")
    assert error == "error: --lang: privet has no texts in 'de' (it has: en, fr, ru)\n"


def test_a_format_other_than_html_or_md_is_a_usage_error() -> None:
    code, _, error = render("--format", "pdf")
    assert code == 2
    assert "--format" in error


def test_a_broken_policy_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "policy.yaml"
    text = (EXAMPLES / "ntoprog" / "policy.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("keep: 3 years", "keep: 3 yeers"), encoding="utf-8")
    result = runner.invoke(app, ["policy", "render", "--policy", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:" in result.stderr and "P004" in result.stderr


def test_a_file_that_cannot_be_written_is_one_line_of_error(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "privacy.md"
    code, _, error = render("--output", str(target))
    assert code == 1
    assert error == f"error: --output: cannot write {target}: No such file or directory\n"
