"""Browser tests: a visitor in Debian's Chromium, driven by Playwright, on loopback servers.

One browser for the whole session. Each test gets its own privet (uvicorn in a thread, a
fresh SQLite file, a FixedClock the test advances instead of sleeping) and the operator's
website: a second loopback server whose contact page includes privet's form server-side.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import make_settings
from privet.clock import FixedClock
from privet.policy.schema import Policy, Website
from privet.store.open import Store
from privet.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, never a browser downloaded by Playwright
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 10
# Short, so a missing element fails the test in seconds rather than after Playwright's 30.
TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class Site:
    privet_url: str
    contact_page: str  # includes the form, and asks privet to send visitors back here
    plain_page: str  # the same form with no way back: privet thanks visitors itself
    clock: FixedClock
    store: Store
    app: FastAPI  # tests that change the policy in force set app.state.policy
    operator: OperatorSite

    def demo_page(self, lang: str = "en") -> str:
        """A page with the banner and an analytics script gated behind consent."""
        return f"{self.operator.url}/demo.html?lang={lang}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests")
        pytest.skip(f"{message}; browser tests skipped")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()  # its own cookies and cache: tests do not share a visitor
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def site(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> Iterator[Site]:
    privet_socket = _loopback_socket()
    privet_url = f"http://127.0.0.1:{privet_socket.getsockname()[1]}"
    operator = OperatorSite(privet_url)
    settings = make_settings(tmp_path, sqlite_url, base_url=privet_url)
    # privet only sends visitors back to the policy's website: here, the operator's server.
    on_site = policy.model_copy(update={"website": Website(url=operator.url + "/")})
    app = create_app(settings, on_site, web_store, clock)
    with _serving(app, privet_socket), _serving_site(operator):
        pages = operator.url + "/contact.html", operator.url + "/plain.html"
        yield Site(privet_url, *pages, clock, web_store, app, operator)


def _loopback_socket() -> socket.socket:
    # Bound before the server starts, so the port is known and no other process can take it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    return listener


@contextlib.contextmanager
def _serving(app: FastAPI, listener: socket.socket) -> Iterator[None]:
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "privet did not start"
            time.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        thread.join(STARTUP_SECONDS)
        listener.close()


@contextlib.contextmanager
def _serving_site(operator: OperatorSite) -> Iterator[None]:
    thread = threading.Thread(target=operator.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield
    finally:
        operator.shutdown()
        operator.server_close()
        thread.join()


class OperatorSite(ThreadingHTTPServer):
    """The operator's own website, which includes privet's form the way a site would."""

    daemon_threads = True

    def __init__(self, privet_url: str) -> None:
        super().__init__(("127.0.0.1", 0), ContactPage)
        self.privet_url = privet_url
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        # How often the gated analytics script was fetched: the browser only fetches it
        # once privet runs it, so zero means it never ran.
        self.analytics_loads = 0


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Contact NTOPROG</title></head>
<body><h1>Contact us</h1>{body}</body></html>"""
SENT = '<p role="status">Thank you: your message was sent.</p>'
DEMO = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>NTOPROG</title>
<script src="{privet}/privet.js"></script>
<script type="text/plain" data-privet-category="analytics" src="/analytics.js"></script>
</head><body><h1>NTOPROG</h1><p>Welcome.</p></body></html>"""
# Links out, with trackers and a session id, and one back to this site with campaign tags.
LINKS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Links</title>
<script src="{privet}/privet.js"></script></head><body>
<a id="out" href="https://elsewhere.example/page?utm_source=x&amp;id=7&amp;gclid=abc#frag">Out</a>
<a id="session" href="https://elsewhere.example/page?q=a%20b+c&amp;sid=s3cret">Search</a>
<a id="home" href="/links.html?utm_source=x&amp;id=7">Home</a>
</body></html>"""
# What Google Analytics would do: set its cookie, and leave a trace the test can see.
ANALYTICS = b"document.cookie = '_ga=GA1.1.42; path=/; max-age=3600'; window.analyticsRan = true;"


class ContactPage(BaseHTTPRequestHandler):
    server: OperatorSite

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/demo.html":
            lang = query.removeprefix("lang=")[:2]
            self._send(DEMO.format(lang=lang, privet=self.server.privet_url).encode())
            return
        if path == "/links.html":
            self._send(LINKS.format(privet=self.server.privet_url).encode())
            return
        if path == "/analytics.js":
            self.server.analytics_loads += 1
            self._send(ANALYTICS, "text/javascript")
            return
        if path not in ("/contact.html", "/plain.html"):
            self.send_error(404)
            return
        if "privet=sent" in query.split("&"):
            body = SENT
        else:
            # A server-side include: fetched when the page is rendered, as a site would.
            body = httpx.get(f"{self.server.privet_url}/forms/contact?lang=en").text
            if path == "/contact.html":
                back = self.server.url + path
                field = f'<input type="hidden" name="privet_return" value="{back}">'
                body = body.replace("</form>", f"{field}</form>")
        self._send(PAGE.format(body=body).encode())

    def _send(self, content: bytes, kind: str = "text/html") -> None:
        self.send_response(200)
        self.send_header("content-type", f"{kind}; charset=utf-8")
        self.send_header("content-length", str(len(content)))
        self.send_header("cache-control", "no-store")  # each load is a new fetch to count
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: pytest shows what failed, not every page load
