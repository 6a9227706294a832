"""Shared browser set-up for the tests of the built book (the ``browser`` fixture is in conftest.py).

Chromium is Debian's package (/usr/bin/chromium), driven by Playwright's Python API with ``executable_path``; no
browser is downloaded. Pages are opened the way a reader who saved the book opens them, from ``file://``, and every
request that is not ``file:`` or ``data:`` is blocked and recorded, so a page that needs the network fails.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("SACRO_KIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: The chapter the browser tests also build on the bring-your-own test cohort (conftest.py's ``byo_book_build``).
BYO_CHAPTER = "book/05_responders"


@dataclass
class OfflinePage:
    """A page opened with the network cut off, and what went wrong while it loaded."""

    page: object
    blocked: list = field(default_factory=list)    # requests to anywhere but file:/data: (aborted)
    failed: list = field(default_factory=list)     # local requests that failed (a missing file)
    errors: list = field(default_factory=list)     # page errors and console errors

    def problems(self) -> list[str]:
        return ([f"needs the network: {u}" for u in self.blocked] + [f"failed request: {u}" for u in self.failed]
                + self.errors)


def launch(playwright):
    """Debian's Chromium, headless; fails with a clear message when it is missing."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' package "
                    "(`make browser` does this when run as root) or set SACRO_KIT_CHROMIUM")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class Reader:
    """One browser tab of a given size that goes from page to page, as a reader follows the book's links.

    Opening a page is a navigation in this tab, not a new tab: each new tab costs Chromium a renderer process, and
    the 28 page openings of the page tests took 49 s of CPU in new tabs against 18 s in one tab per width. What each
    opening records (blocked and failed requests, page and console errors) is kept apart in its own OfflinePage.
    """

    def __init__(self, browser, viewport: dict = DESKTOP):
        self.page = browser.new_page(viewport=viewport)
        self.current = OfflinePage(self.page)

        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.current.blocked.append(url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("pageerror", lambda exc: self.current.errors.append(f"page error: {exc}"))
        self.page.on("console", lambda msg: self.current.errors.append(f"console error: {msg.text}")
                     if msg.type == "error" else None)
        self.page.on("requestfailed", lambda req: None if req.url in self.current.blocked
                     else self.current.failed.append(f"{req.url} ({req.failure})"))

    def open(self, path: Path) -> OfflinePage:
        """Go to ``path`` (file://) with every other request blocked; wait for MathJax and explorers to finish."""
        self.current = OfflinePage(self.page)
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load")
        self.page.wait_for_function("() => !window.MathJax || !MathJax.startup || !!MathJax.startup.promise",
                                    timeout=20_000)
        self.page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.sk-explorer')].every(e => e.dataset.ready)", timeout=30_000)
        return self.current

    def close(self) -> None:
        self.page.close()


def open_offline(browser, path: Path, viewport: dict = DESKTOP) -> OfflinePage:
    """Open ``path`` in a tab of its own (closed by the caller: ``opened.page.close()``); see :class:`Reader`."""
    return Reader(browser, viewport).open(path)
