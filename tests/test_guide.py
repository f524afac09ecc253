"""The user guide (docs/guide/) says what the code does: every key of the policy schema,
every link and image, every path of the app and every `privet` command it names."""

from __future__ import annotations

import functools
import re
import shlex
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from pydantic import BaseModel

from conftest import ROOT
from privet.cli import app
from privet.policy.schema import Policy
from test_docs import FRAMEWORK_ROUTES, _routes

GUIDE = ROOT / "docs" / "guide"
PAGES = sorted(GUIDE.glob("*.md"))
PAGE_IDS = [page.name for page in PAGES]
FENCE = re.compile(r"^\s*(```|~~~)\s*(\S*)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


# --- reading Markdown -----------------------------------------------------------------


def _blocks(text: str) -> Iterator[tuple[str | None, str]]:
    """(language, line) for each line: the fence's language inside code, None outside.
    Fence lines themselves are left out."""
    language: str | None = None
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence:
            language = None if language is not None else fence.group(2)
            continue
        yield language, line


def _prose(text: str) -> list[str]:
    return [line for language, line in _blocks(text) if language is None]


def _headings(text: str) -> list[tuple[int, str]]:
    """(level, title) of every heading outside code blocks."""
    return [
        (len(found.group(1)), found.group(2))
        for line in _prose(text)
        if (found := HEADING.match(line))
    ]


def _sections(text: str) -> dict[str, str]:
    """Heading title -> what follows it up to the next heading (code blocks included)."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for language, line in _blocks(text):
        found = HEADING.match(line) if language is None else None
        if found:
            current = sections.setdefault(found.group(2), [])
        else:
            current.append(line)
    return {title: "\n".join(lines) for title, lines in sections.items()}


def _slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link keeps its text
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for _level, title in _headings(page.read_text()):
        slug = _slug(title)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


# --- (a) every key of the policy schema -----------------------------------------------


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds: `dict[str, Form]`, `Contact | None`, ..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in _models_in(argument)]


def _schema(model: type[BaseModel], path: str = "") -> Iterator[tuple[str, list[str]]]:
    """(dotted path of a section, its keys as written in YAML) for every model, nested too."""
    keys = [field.alias or name for name, field in model.model_fields.items()]
    yield path, keys
    for name, field in model.model_fields.items():
        key = field.alias or name
        for inner in _models_in(field.annotation):
            yield from _schema(inner, f"{path}.{key}" if path else key)


SCHEMA = dict(_schema(Policy))


def _documented_sections() -> dict[str, str]:
    """Section path -> its text, from headings such as "`cookies.*.vendors`"; `.*` (one
    entry of a mapping) is dropped, as the schema's paths have no such step."""
    found = {}
    for title, body in _sections((GUIDE / "policy-yaml.md").read_text()).items():
        written = re.fullmatch(r"`([\w.*]+)`", title)
        if written:
            found[written.group(1).replace(".*", "")] = body
    return found


@pytest.mark.parametrize("path", sorted(SCHEMA), ids=lambda path: path or "top-level")
def test_every_policy_key_is_in_the_guide(path: str) -> None:
    sections = _documented_sections()
    if not path:  # each top-level key is a section of its own
        missing = [key for key in SCHEMA[path] if key not in sections]
        assert not missing, f"policy-yaml.md has no section for top-level keys {missing}"
        return
    assert path in sections, f"policy-yaml.md has no heading `{path}` (with .* for mappings)"
    missing = [key for key in SCHEMA[path] if f"`{key}`" not in sections[path]]
    assert not missing, f"keys of `{path}` not described under its heading: {missing}"


# --- (b) every relative link and image points at a file, and a heading that exists ----

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _links(page: Path) -> list[str]:
    found = []
    for line in _prose(page.read_text()):
        found += LINK.findall(re.sub(r"`[^`]*`", "``", line))
    return [target for target in found if not SCHEME.match(target)]


def _link_problem(page: Path, target: str) -> str | None:
    where, _, anchor = target.partition("#")
    file = (page.parent / where).resolve() if where else page
    if not file.exists():
        return f"{target}: no such file"
    if anchor and file.suffix == ".md" and anchor not in _anchors(file):
        return f"{target}: {file.name} has no heading with anchor #{anchor}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_link_and_image_of_the_guide_exists(page: Path) -> None:
    # Images come from the browser tests (tests/browser), committed with the guide.
    problems = [problem for target in _links(page) if (problem := _link_problem(page, target))]
    assert not problems, f"{page.name}: " + "; ".join(problems)


def test_the_guide_index_links_every_page_and_the_readme_links_the_index() -> None:
    index = set(_links(GUIDE / "README.md"))
    assert not [page.name for page in PAGES if page.name != "README.md" and page.name not in index]
    assert "docs/guide/README.md" in (ROOT / "README.md").read_text()


# --- (c) every path of privet the guide names is a route of the app -------------------

# Written bare, after $PRIVET, or on the hosts the guide uses for privet; not on others
# (https://policies.google.com/privacy is not privet's /privacy).
PATH = re.compile(
    r"(?:\$PRIVET|https?://(?:127\.0\.0\.1:8000|privacy\.example\.org)|(?<![\w.:/-]))"
    r"(/(?:api/v1|admin|privacy|forms|unsubscribe|marketing|healthz|metrics|docs|"
    r"openapi\.json|privet\.js|\.well-known)\b[^\s`'\"<>()\[\]|,;*]*)"
)


def _paths(page: Path) -> set[str]:
    found = set()
    for written in PATH.findall(page.read_text()):
        path = re.split(r"[?#]", written)[0].rstrip(".:")
        found.add(path)
    return found


def _matches(written: str, route: str) -> bool:
    """`/admin/requests/3f2b…/refuse` is `/admin/requests/{request_id}/refuse`. A path that
    ends in `/` or `…` (`/api/v1/forms/…`) names the routes it starts."""
    open_ended = written.endswith(("/", "…"))
    parts = [part for part in written.strip("/").split("/") if part not in ("", "…")]
    routed = route.strip("/").split("/")
    if len(parts) > len(routed) or (not open_ended and len(parts) < len(routed)):
        return False
    return all(
        part == step or (step.startswith("{") and not part.startswith("…"))
        for part, step in zip(parts, routed, strict=False)
    )


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_path_the_guide_names_is_a_route(page: Path, client: TestClient) -> None:
    openapi = list(client.app.openapi()["paths"])  # type: ignore[attr-defined]  # FastAPI
    routes = [path for _method, path in _routes(client.app.routes)]  # type: ignore[attr-defined]
    routes += sorted(FRAMEWORK_ROUTES)
    unknown = []
    for written in sorted(_paths(page)):
        known = openapi if written.startswith("/api/") else routes
        if not any(_matches(written, route) for route in known):
            unknown.append(written)
    assert not unknown, f"{page.name} names paths the app does not serve: {unknown}"


# --- (d) every `privet …` command line names a real command and real options ----------

SHELL = {"sh", "bash", "shell", "console"}


def _command_lines(page: Path) -> list[str]:
    """`privet …` as typed: lines of shell blocks (continuations joined), inline code."""
    lines, pending = [], ""
    for language, line in _blocks(page.read_text()):
        if language is None:
            lines += re.findall(r"`((?:\S*/)?privet [^`]+)`", line)
        elif language in SHELL:
            pending += line.removeprefix("$ ")
            if pending.endswith("\\"):
                pending = pending[:-1] + " "
                continue
            lines.append(pending)
            pending = ""
    return lines


def _invocation(line: str) -> list[str] | None:
    """The words after `privet` when the line runs privet (after VAR=value prefixes)."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    while words and re.fullmatch(r"\w+=.*", words[0]):
        words = words[1:]
    if not words or Path(words[0]).name != "privet":
        return None
    return words[1:]


@functools.cache
def _cli() -> Any:
    return typer.main.get_command(app)  # built once: typer rebuilds it on every call


def _command_problem(arguments: list[str]) -> str | None:
    command: Any = _cli()
    given, named = list(arguments), ["privet"]
    while hasattr(command, "commands"):
        if not given or given[0] not in command.commands:
            return f"`{' '.join(named)}` has no command {given[:1]}"
        named.append(given.pop(0))
        command = command.commands[named[-1]]
    options = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    unknown = [
        word.split("=")[0]
        for word in given
        if word.startswith("--") and word.split("=")[0] not in options | {"--help"}
    ]
    return f"`{command.name}` has no option {unknown}" if unknown else None


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_privet_command_in_the_guide_exists(page: Path) -> None:
    problems = []
    for line in _command_lines(page):
        arguments = _invocation(line)
        if arguments is not None and (problem := _command_problem(arguments)):
            problems.append(f"{line.strip()}: {problem}")
    assert not problems, f"{page.name}: " + "; ".join(problems)
