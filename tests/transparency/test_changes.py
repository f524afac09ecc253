"""/privacy/changes and each published version, as visitors read them."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import update

from conftest import NOW
from privet.store.open import Store
from privet.transparency import versions
from privet.transparency.diff import text_diff
from privet.transparency.models import PolicyVersion
from transparency.editions import Edition, edition

SECOND = date(2026, 12, 1)


def publish(store: Store, published: Edition, summary: str, days_later: int = 0) -> None:
    with store.transaction() as session:
        when = NOW + timedelta(days=days_later)
        versions.publish(session, published.policy, published.source, summary, when,
                         base_url="https://privacy.example.org")  # fmt: skip


def two_versions(store: Store) -> None:
    publish(store, edition(), "First published version")
    publish(store, edition(version=SECOND, vendor="Matomo"), "Matomo measures <visits>", 8)


def test_the_list_shows_every_version_newest_first(client: TestClient, web_store: Store) -> None:
    two_versions(web_store)
    page = client.get("/privacy/changes?lang=en")
    assert page.status_code == 200
    text = page.text
    assert text.index("2026-12-01") < text.index("2026-04-11")
    assert "Matomo measures &lt;visits&gt;" in text
    assert '<a href="/privacy/versions/2026-12-01?lang=en">2026-12-01</a> (latest)' in text
    assert '<time datetime="2026-12-01">December 1, 2026</time>' in text
    assert (
        '<time datetime="2026-12-01">1 décembre 2026</time>'
        in client.get("/privacy/changes?lang=fr").text
    )


def test_the_list_says_so_when_nothing_was_published(client: TestClient) -> None:
    page = client.get("/privacy/changes?lang=en")
    assert page.status_code == 200
    assert "No version has been published yet." in page.text


def test_a_version_shows_its_summary_the_diff_and_the_text_as_published(
    client: TestClient, web_store: Store
) -> None:
    two_versions(web_store)
    page = client.get("/privacy/versions/2026-12-01?lang=en").text
    with web_store.transaction() as session:
        newer = versions.find_version(session, "2026-12-01")
        assert newer is not None
        older = versions.previous_of(session, newer)
        assert older is not None
        rows = text_diff(older.texts["en"]["md"], newer.texts["en"]["md"])
        assert newer.texts["en"]["html"] in page
    assert "Changes from version 2026-04-11" in page and "Matomo measures &lt;visits&gt;" in page
    assert any(row.kind == "added" for row in rows)
    for row in rows:
        marked = {"added": "<ins>+ {}</ins>", "removed": "<del>- {}</del>"}.get(row.kind, "{}")
        assert marked.format(escape(row.text)) in page
    assert 'lang="fr">Français</a>' in page
    assert "A newer version exists." not in page


def test_an_older_version_reads_exactly_as_it_was_published(
    client: TestClient, web_store: Store
) -> None:
    two_versions(web_store)
    as_published = {"fr": {"md": "# Ancien", "html": "<article><p>Texte d'alors</p></article>"}}
    with web_store.transaction() as session:
        first = PolicyVersion.version == "2026-04-11"
        session.execute(update(PolicyVersion).where(first).values(texts=as_published))
    page = client.get("/privacy/versions/2026-04-11?lang=en")  # published in French only
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert "<article><p>Texte d'alors</p></article>" in page.text
    assert escape("C'est la première version publiée.") in page.text
    assert "Une version plus récente existe." in page.text


def test_an_unknown_version_is_a_404_page(client: TestClient, web_store: Store) -> None:
    two_versions(web_store)
    page = client.get("/privacy/versions/1999-01-01")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert escape("Aucune version de la politique n'a été publiée sous ce nom.") in page.text
    odd = client.get("/privacy/versions/%20%3Cx%3E?lang=en")
    assert odd.status_code == 404
    assert "No version of the policy was published under this name." in odd.text
    assert client.get("/privacy/versions/a%2F..%2Fb").status_code == 404  # never a version
