"""privet's banner next to the consent managers sites use today: the size of what the
browser downloads, gzipped, and the time to the banner's first paint in one headless Chromium.

vanilla-cookieconsent, Klaro and Orejime come from the npm registry (`npm pack`, kept in
bench/.cache/npm and never committed); privet's `/privet.js` from a real privet for each
example policy. Not a test: nothing here asserts a time. Run `.venv/bin/python
bench/consent_managers.py`; see bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import banner_pages
import httpx2 as httpx
from banner_pages import Page
from first_paint import first_paints
from load import ROOT, Figure, add_json_option, running_privet, write_figures

from privet.policy.load import load_policy

CACHE = ROOT / "bench" / ".cache" / "npm"
TEMPLATES = ROOT / "src" / "privet" / "policy" / "templates"
POLICIES = {"NTOPROG": "ntoprog", "NT Progress": "nt-progress", "Ntropic": "ntropic"}
# name: (exact version, its browser files in the tarball, the page that embeds them)
PACKAGES: dict[str, tuple[str, tuple[str, ...], Callable[..., Page]]] = {
    "vanilla-cookieconsent": (
        "3.1.0", ("dist/cookieconsent.umd.js", "dist/cookieconsent.css"),
        banner_pages.cookieconsent,
    ),
    "klaro": ("0.7.22", ("dist/klaro.js",), banner_pages.klaro),
    "orejime": (
        "3.2.1", ("dist/orejime-standard-en.js", "dist/orejime-standard.css"),
        banner_pages.orejime,
    ),
}  # fmt: skip
REFERENCE = "privet, NTOPROG"  # the sizes' baseline: the policy with the same three categories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="loads of each page (15)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 loads of each")
    add_json_option(parser)
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        privets, quiet = privet_pages(Path(scratch))
    managers = [build(package, *how) for package, how in PACKAGES.items()]
    pages = privets + managers
    sizes = [sizes_of(page) for page in pages]
    print("sizes, gzip -9 of the bytes served:", *(size.line() for size in sizes), sep="\n")
    painted = [banner_pages.baseline()] + [page for page in pages if page.name not in quiet]
    chromium, times = first_paints(painted, repeat)
    print(f"\nfirst banner paint in Chromium {chromium}, {repeat} first visits each:")
    for name, loads in times.items():
        print(f"  {name:<34} median {statistics.median(loads):6.1f} ms, p90 {p90(loads):6.1f} ms")
    notes = [
        f"Chromium {chromium}; {repeat} loads of each page, each in a fresh browser context",
        "sizes: gzip -9 over the bytes served, each file apart; a page's own inline config is"
        " not counted, privet's is built into its script and counted",
        *(f"{name}: shows no banner (nothing to ask), so no paint" for name in quiet),
    ]
    figures = size_figures(sizes) + paint_figures(times)
    write_figures(args.json, figures, notes, [size_table(sizes)])


def privet_pages(folder: Path) -> tuple[list[Page], list[str]]:
    """`/privet.js` as a real privet serves it for each example policy; and the names of
    those whose banner never shows: a policy with no optional category asks nothing."""
    pages, quiet = [], []
    for label, template in POLICIES.items():
        policy = TEMPLATES / template / "policy.yaml"
        (folder / template).mkdir()
        with running_privet(folder / template, policy=policy) as (url, _pid):
            response = httpx.get(f"{url}/privet.js")
            response.raise_for_status()
        pages.append(banner_pages.privet(label, response.content))
        if all(category.required for category in load_policy(policy).cookies.values()):
            quiet.append(pages[-1].name)
    return pages, quiet


def fetch(package: str, version: str) -> Path:
    """The package's tarball from the npm registry, once; later runs use the cached one."""
    tarball = CACHE / f"{package}-{version}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        command = ["npm", "pack", f"{package}@{version}", "--pack-destination", str(CACHE)]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603  # fixed names and versions, no shell
    return tarball


def build(package: str, version: str, names: tuple[str, ...], page: Callable[..., Page]) -> Page:
    """The page for a package, from the files its tarball holds: read, never unpacked to disk."""
    tarball = fetch(package, version)
    with tarfile.open(tarball) as archive:
        manifest = json.loads(member(archive, "package.json"))
        if manifest["version"] != version:
            raise SystemExit(f"{tarball.name} holds version {manifest['version']}")
        return page(version, *(member(archive, name) for name in names))


def member(archive: tarfile.TarFile, name: str) -> bytes:
    file = archive.extractfile(f"package/{name}")
    if file is None:
        raise SystemExit(f"{name}: not a file in the package")
    return file.read()


@dataclass(frozen=True)
class Sizes:
    """What the browser downloads for one page's consent manager, in bytes."""

    name: str
    js: int
    js_gzipped: int
    css: int
    css_gzipped: int

    @property
    def total(self) -> int:
        return self.js_gzipped + self.css_gzipped

    def line(self) -> str:
        return (f"  {self.name:<34} JS {self.js:>7,} -> {self.js_gzipped:>6,}, CSS {self.css:>6,}"
                f" -> {self.css_gzipped:>5,}; total {self.total:>6,} gzipped")  # fmt: skip


def sizes_of(page: Page) -> Sizes:
    """Each file gzipped apart, as each is its own response; JavaScript and CSS apart."""
    scripts = [body for path, body in page.files.items() if path in page.scripts]
    styles = [body for path, body in page.files.items() if path not in page.scripts]
    return Sizes(page.name,
                 sum(map(len, scripts)), sum(map(gzipped, scripts)),
                 sum(map(len, styles)), sum(map(gzipped, styles)))  # fmt: skip


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=9))


def size_table(sizes: list[Sizes]) -> dict[str, object]:
    columns = ["script", "JS", "JS gzipped", "CSS", "CSS gzipped", "total gzipped"]
    rows = [[s.name, s.js, s.js_gzipped, s.css, s.css_gzipped, s.total] for s in sizes]
    return {"title": "What the browser downloads, in bytes", "columns": columns, "rows": rows}


def size_figures(sizes: list[Sizes]) -> list[Figure]:
    reference = next(s for s in sizes if s.name == REFERENCE)
    return [
        Figure(f"{s.name}: JS + CSS gzipped", s.total, f"{REFERENCE}, gzipped", reference.total,
               "bytes")
        for s in sizes if s is not reference
    ]  # fmt: skip


def paint_figures(times: dict[str, list[float]]) -> list[Figure]:
    """Each banner's median and 90th percentile against those of the static element."""
    base = next(iter(times.values()))
    figures = []
    for name, loads in list(times.items())[1:]:
        figures += [
            Figure(f"{name}: first banner paint, median", statistics.median(loads),
                   "static element, median", statistics.median(base), "ms"),
            Figure(f"{name}: first banner paint, p90", p90(loads), "static element, p90",
                   p90(base), "ms"),
        ]  # fmt: skip
    return figures


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8]


if __name__ == "__main__":
    main()
