"""Publishing versions: what is stored, what is refused, the diff, and what is new for consent."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import undefer
from typer.testing import CliRunner

from conftest import NOW, TEST_SECRET, make_settings
from privet.cli import app
from privet.clock import FixedClock
from privet.policy.schema import CookieCategory, Purpose
from privet.store.open import Store, open_store
from privet.transparency import versions
from privet.transparency.consent_news import ConsentNews, consent_news
from privet.transparency.diff import Row, text_diff
from privet.transparency.models import PolicyVersion
from privet.transparency.render import policy_markdown
from transparency.editions import Edition, edition

BASE_URL = "https://privacy.example.org"
SECOND = date(2026, 12, 1)


def publish(store: Store, published: Edition, summary: str = "A change") -> versions.Published:
    with store.transaction() as session:
        return versions.publish(
            session, published.policy, published.source, summary, NOW, base_url=BASE_URL
        )


def stored(store: Store) -> list[PolicyVersion]:
    with store.transaction() as session:
        query = select(PolicyVersion).options(undefer("*")).order_by(PolicyVersion.number)
        return list(session.scalars(query))


def test_it_stores_a_version_with_its_date_summary_source_and_texts(web_store: Store) -> None:
    first = edition()
    publish(web_store, first, "First published version")
    [row] = stored(web_store)
    assert (row.number, row.version, row.effective) == (1, "2026-04-11", date(2026, 4, 11))
    assert (row.summary, row.published_at, row.published_by) == (
        "First published version", NOW, "privet policy publish",
    )  # fmt: skip
    assert row.source == first.source
    assert list(row.texts) == ["fr", "en"]
    assert row.texts["en"]["md"] == policy_markdown(first.policy, "en")
    assert row.texts["fr"]["html"].startswith("<article")


def test_it_refuses_to_publish_when_nothing_changed(web_store: Store) -> None:
    publish(web_store, edition())
    with pytest.raises(versions.PublishRefused, match="nothing changed since version 2026-04-11"):
        publish(web_store, edition())
    assert len(stored(web_store)) == 1


def test_it_refuses_a_changed_policy_under_a_version_already_published(web_store: Store) -> None:
    publish(web_store, edition())
    with pytest.raises(versions.PublishRefused, match=r"raise policy\.version"):
        publish(web_store, edition(vendor="Matomo"))
    assert len(stored(web_store)) == 1


@pytest.mark.parametrize("summary", ["", "   ", "x" * 1001])
def test_it_refuses_an_empty_or_endless_summary(web_store: Store, summary: str) -> None:
    with pytest.raises(versions.PublishRefused, match="summary"):
        publish(web_store, edition(), summary)
    assert stored(web_store) == []


def test_a_new_version_is_numbered_after_the_last_and_names_the_new_vendor(
    web_store: Store,
) -> None:
    publish(web_store, edition())
    published = publish(web_store, edition(version=SECOND, vendor="Matomo"), "Matomo measures")
    assert (published.version.number, published.version.version) == (2, "2026-12-01")
    assert published.news == ConsentNews(vendors=(("analytics", "Matomo"),))
    assert published.news.asks_again
    assert published.version.notices_queued == 0  # NTOPROG's change_notice is `notice`


def test_the_diff_lists_the_new_vendor_among_the_added_lines(web_store: Store) -> None:
    publish(web_store, edition())
    publish(web_store, edition(version=SECOND, vendor="Matomo"))
    older, newer = stored(web_store)
    for language in ("fr", "en"):
        rows = text_diff(older.texts[language]["md"], newer.texts[language]["md"])
        added = [row.text for row in rows if row.kind == "added"]
        assert any("2026-12-01" in line for line in added)
        # The full renderer lists each cookie category's vendors by name.
        assert any("Matomo" in line for line in added), added


def test_the_diff_folds_unchanged_runs_and_marks_what_changed() -> None:
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 9", "line nine")
    assert text_diff(old, new) == [
        Row("folded", folded=7),
        Row("same", "line 7"),
        Row("same", "line 8"),
        Row("removed", "line 9"),
        Row("added", "line nine"),
        Row("same", "line 10"),
        Row("same", "line 11"),
        Row("folded", folded=8),
    ]
    assert text_diff(old, old) == []


def test_a_new_category_a_new_purpose_for_one_and_a_consent_purpose_are_news() -> None:
    before = edition().policy
    previous = json.loads(versions.policy_content(before))
    video = CookieCategory(description="Videos", purpose="remarketing")
    analytics = before.cookies["analytics"].model_copy(update={"purpose": "remarketing"})
    surveys = Purpose(description="Surveys", legal_basis="consent")
    after = before.model_copy(update={
        "cookies": {**before.cookies, "video": video, "analytics": analytics},
        "purposes": {**before.purposes, "surveys": surveys},
    })  # fmt: skip
    news = consent_news(previous, after)
    assert news == ConsentNews(categories=("analytics", "video"), purposes=("surveys",))
    assert consent_news(previous, before).empty
    assert consent_news(None, after).empty  # the first version asks nobody again


def test_serve_records_the_first_version_then_warns_when_the_policy_is_not_published(
    web_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    first, changed = edition(), edition(version=SECOND)
    with web_store.transaction() as session:
        versions.record_policy_in_force(session, first.policy, first.source, NOW)
    with caplog.at_level(logging.WARNING), web_store.transaction() as session:
        versions.record_policy_in_force(session, first.policy, first.source, NOW)
        assert caplog.records == []
        versions.record_policy_in_force(session, changed.policy, changed.source, NOW)
    [row] = stored(web_store)
    assert (row.summary, row.published_by) == ("Première version publiée", "privet serve")
    [warning] = caplog.records
    assert warning.getMessage() == "policy_not_published"
    assert warning.published_version == "2026-04-11"  # type: ignore[attr-defined]  # extra=


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    (tmp_path / "policy.yaml").write_text(edition().source)
    return tmp_path


def test_the_command_publishes_then_refuses_the_same_policy_again(environment: Path) -> None:
    runner, clock = CliRunner(), FixedClock(NOW)
    as_of = ["--as-of", str((NOW + timedelta(days=1)).date())]
    first = runner.invoke(app, ["policy", "publish", "--summary", "First", *as_of])
    assert first.exit_code == 0, first.output
    assert "published version 2026-04-11 (number 1)" in first.output
    assert "no change notices mailed: policy.change_notice is notice" in first.output
    (environment / "policy.yaml").write_text(edition(version=SECOND, vendor="Matomo").source)
    second = runner.invoke(app, ["policy", "publish", "--summary", "Matomo", *as_of])
    assert "new for consent: Matomo in analytics: the banner asks again" in second.output
    again = runner.invoke(app, ["policy", "publish", "--summary", "Again", *as_of])
    assert again.exit_code == 1
    assert "error: nothing changed since version 2026-12-01 was published" in again.output
    store = open_store(make_settings(environment, f"sqlite:///{environment}/cli.db"), clock)
    assert [row.summary for row in stored(store)] == ["First", "Matomo"]
    store.close()
