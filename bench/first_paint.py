"""Time to first banner paint in headless Chromium: pages from a loopback server, each load
a first visit in a fresh browser context, timed by a probe that runs before the page's scripts.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from banner_pages import Page
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, as the browser tests use
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8"}
# Runs before any script of the page. performance.now() counts from the navigation's start.
# The banner's root is checked after every DOM change (a MutationObserver) and on every
# frame (a stylesheet may show it without one); visible means rendered and not
# visibility:hidden, whatever fade-in follows. A message posted from the next animation
# frame arrives once that frame has painted: that time is the first paint of the banner.
PROBE = """(() => {
  const selector = %s;
  let seen = false;
  const painted = new Promise((resolve) => {
    const check = () => {
      const banner = !seen && document.querySelector(selector);
      if (!banner || !banner.checkVisibility({ visibilityProperty: true })) return;
      seen = true;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true,
                                                    attributes: true });
    const everyFrame = () => { check(); if (!seen) requestAnimationFrame(everyFrame); };
    requestAnimationFrame(everyFrame);
  });
  Object.defineProperty(window, "__bannerPainted", { value: painted });
})();"""
WAIT = f"""() => Promise.race([window.__bannerPainted, new Promise((_, fail) =>
  setTimeout(() => fail(new Error("no banner within {TIMEOUT_MS} ms")), {TIMEOUT_MS}))])"""


def first_paints(pages: Sequence[Page], repeat: int) -> tuple[str, dict[str, list[float]]]:
    """Chromium's version, and each page's times to first banner paint in ms. The pages
    take turns, so a slow moment of the machine slows them all; one round first, untimed."""
    times: dict[str, list[float]] = {page.name: [] for page in pages}
    with serving(pages) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for turn in range(repeat + 1):
                for page in pages:
                    painted = paint_time(browser, f"{url}/{slug(page)}.html", page.selector)
                    if turn:
                        times[page.name].append(painted)
            return browser.version, times
        finally:
            browser.close()


def paint_time(browser: Browser, url: str, selector: str) -> float:
    context = browser.new_context(locale="en-US")  # no cookie, no cache: a first visit
    try:
        tab = context.new_page()
        tab.add_init_script(PROBE % json.dumps(selector))
        tab.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        return float(tab.evaluate(WAIT))
    finally:
        context.close()


def slug(page: Page) -> str:
    return "".join(letter if letter.isalnum() else "-" for letter in page.name.lower())


@contextlib.contextmanager
def serving(pages: Sequence[Page]) -> Iterator[str]:
    """Every page and its files from one loopback server; any POST (privet's receipts and
    page views) gets 204, so no page waits on a backend."""
    files = {f"/{slug(page)}.html": page.html() for page in pages}
    for page in pages:
        files.update(page.files)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(files))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def handler_for(files: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as any real server

        def do_GET(self) -> None:
            body = files.get(self.path)
            if body is None:
                self.answer(404, b"not found", "text/plain")
            else:
                self.answer(200, body, TYPES[Path(self.path).suffix])

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(204)
            self.end_headers()

        def answer(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:  # quiet: the bench prints its own lines
            pass

    return Handler
