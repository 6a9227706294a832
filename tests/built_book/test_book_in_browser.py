"""The built book as a reader sees it: every page in _toc.yml opened in headless Chromium.

Run by ``make browser`` after ``make book``. Chromium is Debian's package (/usr/bin/chromium), driven by Playwright's
Python API with ``executable_path``; no browser is downloaded. The page is served from _build/html on the loopback
interface. Requests to any other host are blocked, so the test proves the book reads offline; the CDN resources a page
would load online (listed in README.md, "Offline reading") are the only failures tolerated, and any other console error,
page error, failed local request, broken image, image without alt text or figure without a rendered image fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("SACRO_KIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            pages.append(chapter["file"])
            pages.extend(section["file"] for section in chapter.get("sections", []))
    return [str(Path(p).with_suffix("")) for p in pages]


PAGES = _toc_pages()


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML / 'index.html'} is missing: run `make book` first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' package "
                    "(`make browser` does this when run as root) or set SACRO_KIT_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, url: str):
    """Open ``url`` with outside hosts blocked; return the page and the problems seen while loading it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    blocked: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"failed request: {req.url}")
            if urlparse(req.url).hostname in ("127.0.0.1", "localhost") else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    # A blocked CDN request shows up as a console error naming the resource; those are expected offline.
    problems = [p for p in problems if not (p.startswith("console error: Failed to load resource") and blocked)]
    return page, problems, blocked


@pytest.mark.parametrize("page_path", PAGES)
def test_page_reads_cleanly_offline(browser, server, page_path):
    page, problems, blocked = _open(browser, f"{server}/{page_path}.html")
    try:
        assert page.title(), f"{page_path}: no title"
        assert not problems, f"{page_path}: " + "; ".join(problems)
        images = page.eval_on_selector_all(
            "article img", "els => els.map(e => ({src: e.currentSrc, ok: e.complete && e.naturalWidth > 0, alt: e.alt}))")
        broken = [i["src"] for i in images if not i["ok"]]
        assert not broken, f"{page_path}: images not rendered: {broken}"
        no_alt = [i["src"] for i in images if not i["alt"].strip()]
        assert not no_alt, f"{page_path}: images without alt text: {no_alt}"
        figures = page.eval_on_selector_all(
            "article figure", "els => els.map(f => { const i = f.querySelector('img'); "
            "return {ok: !!i && i.complete && i.naturalWidth > 0, caption: !!f.querySelector('figcaption')}; })")
        assert all(f["ok"] for f in figures), f"{page_path}: a figure has no rendered image"
        assert all(f["caption"] for f in figures), f"{page_path}: a figure has no caption"
        allowed = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")
        unexpected = [u for u in blocked if urlparse(u).hostname not in allowed]
        assert not unexpected, f"{page_path}: loads resources from hosts not listed in README: {unexpected}"
    finally:
        page.close()


@pytest.mark.parametrize("name, page_path", [("home", PAGES[0]),
                                             ("responders", next((p for p in PAGES if "responder" in p), PAGES[0]))])
def test_screenshots(browser, server, name, page_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, _, _ = _open(browser, f"{server}/{page_path}.html")
    try:
        target = SHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000, f"{target} looks empty"
    finally:
        page.close()
