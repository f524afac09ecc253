"""`privet policy`: the policy text, rendered and published as versions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    fail,
    out,
    policy_from,
    refuse,
    settings_from,
    store_from,
)
from privet.policy.schema import SUPPORTED_LANGUAGES, Policy
from privet.transparency import versions
from privet.transparency.render import policy_markdown, policy_standalone_html

policy_app = typer.Typer(
    help="The policy text: render it, publish a version.", no_args_is_help=True
)


@policy_app.command()
def render(
    *,
    lang: Annotated[
        str | None, typer.Option(help="en, fr or ru. Default: the policy's first language.")
    ] = None,
    format_: Annotated[
        Literal["html", "md"],
        typer.Option("--format", help="html (a whole page, styles included) or md."),
    ] = "md",
    output: Annotated[
        Path | None, typer.Option(help="Write to this file. Default: standard output.")
    ] = None,
    policy: PolicyOption = None,
) -> None:
    """Print the human-readable policy text, made from the policy: every section, in one
    language. Links to privet's pages start with PRIVET_BASE_URL."""
    if lang is not None and lang not in SUPPORTED_LANGUAGES:
        known = ", ".join(SUPPORTED_LANGUAGES)
        refuse(f"--lang: privet has no texts in '{lang}' (it has: {known})")
    settings = settings_from(policy)
    loaded = policy_from(settings)
    language = lang or loaded.policy.languages[0]
    make = policy_standalone_html if format_ == "html" else policy_markdown
    text = make(loaded, language, base_url=settings.base_url)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"--output: cannot write {output}: {error.strerror}")


@policy_app.command()
def publish(
    summary: Annotated[
        str, typer.Option(help="What changed, in a sentence: on /privacy/changes and in notices.")
    ],
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Publish the policy as a new version: its text kept as published, listed on
    /privacy/changes, and with `change_notice: email` a notice mailed to everyone with a
    relationship. Exit 1, writing nothing, when nothing changed or the version was
    already published."""
    settings = settings_from(policy, db)
    clock = clock_for(as_of)
    loaded = policy_from(settings)
    source = settings.policy.read_text(encoding="utf-8")
    store = store_from(settings, clock)
    try:
        with store.transaction() as session:
            published = versions.publish(
                session, loaded, source, summary, clock.now(), base_url=settings.base_url
            )
            lines = _published_lines(loaded, published)
    except versions.PublishRefused as error:
        fail(str(error))
    finally:
        store.close()
    for line in lines:
        out.print(line, highlight=False)


def _published_lines(policy: Policy, published: versions.Published) -> list[str]:
    stored, news = published.version, published.news
    lines = [f"published version {stored.version} (number {stored.number}), "
             f"in force from {stored.effective}"]  # fmt: skip
    for name in news.categories:
        lines.append(f"new for consent: cookie category {name}: the banner asks again")
    for category, vendor in news.vendors:
        lines.append(f"new for consent: {vendor} in {category}: the banner asks again")
    for name in news.purposes:
        lines.append(f"new for consent: purpose {name} rests on consent")
    if news.empty:
        lines.append("nothing new for consent: nobody is asked again")
    notice = policy.policy.change_notice
    if notice == "email":
        lines.append(f"change notices queued: {stored.notices_queued}")
    else:
        lines.append(f"no change notices mailed: policy.change_notice is {notice}")
    return lines
