"""Session fixtures of the browser tests: one headless Debian Chromium (``browser``), one reused tab per window size
(``reader``), and chapter 5 built on the bring-your-own test cohort in the background (``byo_book_build``).

The bring-your-own build is mostly a kernel executing chapter 5, which takes tens of seconds while the browser tests of
the real book wait on Chromium; it is started at the first test, in a thread (the build is a subprocess, see
minibook.py), and only when a selected test needs it, so it overlaps the page tests instead of following them.
"""

from __future__ import annotations

import importlib.util
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
import yaml

from browsing import BYO_CHAPTER, ROOT, Reader, launch

#: The browser tests that open the bring-your-own build (they ask for ``byo_book_build``).
BYO_TESTS = ("test_explorer_agrees_on_a_bring_your_own_cohort",)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def reader(browser):
    """``reader(viewport)``: the one tab of that size (browsing.Reader), made at its first use, closed at the end."""
    tabs: dict[tuple[int, int], Reader] = {}

    def tab(viewport: dict) -> Reader:
        key = (viewport["width"], viewport["height"])
        if key not in tabs:
            tabs[key] = Reader(browser, viewport)
        return tabs[key]

    yield tab
    for opened in tabs.values():
        opened.close()


def _byo_cohort_module():
    spec = importlib.util.spec_from_file_location("byo_cohort_test", ROOT / "tests" / "test_byo_cohort.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build_byo(folder):
    """Write the bring-your-own test cohort and card (tests/test_byo_cohort.py makes them) and build chapter 5 on them;
    returns (chapter HTML, cohort path, card path, seconds the build took)."""
    import minibook

    module = _byo_cohort_module()
    frame = module._cohort()
    cohort_path, card_path = folder / "my_cohort.csv", folder / "my_card.yaml"
    frame.to_csv(cohort_path, index=False, float_format="%g")
    card_path.write_text(yaml.safe_dump(module._card(frame), sort_keys=False, allow_unicode=True), encoding="utf-8")
    start = time.perf_counter()
    html, _ = minibook.build([BYO_CHAPTER], folder / "book",
                             env={"SACRO_KIT_COHORT": str(cohort_path), "SACRO_KIT_CARD": str(card_path)})
    return html / f"{BYO_CHAPTER}.html", cohort_path, card_path, time.perf_counter() - start


@pytest.fixture(scope="session", autouse=True)
def byo_book_build(request, tmp_path_factory):
    """A Future of :func:`_build_byo`'s result, started at the first test; None when no selected test needs it."""
    if not any(item.originalname in BYO_TESTS for item in request.session.items):
        yield None
        return
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byo-book")
    future: Future = executor.submit(_build_byo, tmp_path_factory.mktemp("byo_book"))
    yield future
    executor.shutdown(wait=True)  # the build's own timeout bounds this wait
