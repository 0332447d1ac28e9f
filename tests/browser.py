"""Serve the built site on loopback and drive Debian's Chromium with Playwright, blocking every other request."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """An HTTP server for `folder` on 127.0.0.1 and a free port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def is_loopback(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in ("http", "https", "ws", "wss") or (parsed.hostname or "") in LOOPBACK


@dataclass
class Recorder:
    """What a page did that it should not: off-loopback requests (blocked), console errors, failed requests."""

    blocked: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def clear(self) -> None:
        self.blocked.clear()
        self.errors.clear()
        self.failed.clear()

    def problems(self) -> list[str]:
        return ([f"off-loopback request: {u}" for u in self.blocked] + [f"console error: {e}" for e in self.errors]
                + [f"failed request: {f}" for f in self.failed])


@contextlib.contextmanager
def browser_session():
    """A Chromium page whose non-loopback requests are aborted and recorded; yields (page, Recorder)."""
    from playwright.sync_api import sync_playwright

    record = Recorder()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context()

            def route(r):
                if not is_loopback(r.request.url):
                    record.blocked.append(r.request.url)
                    return r.abort()
                return r.continue_()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: record.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: record.errors.append(str(e)))
            page.on("requestfailed", lambda r: record.failed.append(f"{r.url} ({r.failure})")
                    if is_loopback(r.url) else None)
            page.on("response", lambda r: record.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
            yield page, record
        finally:
            browser.close()


@contextlib.contextmanager
def browser_page():
    """A Chromium page whose non-loopback requests are aborted; yields (page, blocked URLs, console errors)."""
    with browser_session() as (page, record):
        yield page, record.blocked, record.errors


def themed_page_problems(page, record: Recorder, axe, url: str, name: str, modes=("light", "dark")) -> list[str]:
    """Load `url` once in the first of `modes`, then for each mode switch to it by the reader's colour-scheme
    setting alone and run axe once every colour transition has ended; returns the load's problems and axe's
    serious or critical violations."""
    page.emulate_media(color_scheme=modes[0])
    record.clear()
    page.goto(url, wait_until="networkidle")
    problems = [f"{name} ({modes[0]}): {p}" for p in record.problems()]
    for mode in modes:
        page.emulate_media(color_scheme=mode)
        try:
            page.wait_for_function(f"document.documentElement.dataset.theme === '{mode}'", timeout=5000)
        except Exception:
            problems.append(f"{name}: the page did not follow the reader's {mode} colour scheme")
        # colours fade between themes: check them once every transition has ended
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
        # axe-core re-reads the style sheets itself and resolves one theme @import against the page, not the
        # sheet (a 404 of the tool's own making); only what it reports, and off-loopback requests, count here.
        record.clear()
        result = axe.run(page)
        problems += [f"{name} ({mode}): axe {v['impact']} {v['id']}: {v['help']} at "
                     + ", ".join(str(n["target"]) for n in v["nodes"][:5])
                     for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        problems += [f"{name}: axe made an off-loopback request: {u}" for u in record.blocked]
    page.emulate_media(color_scheme="light")
    return problems
