"""The ``browser`` fixture: one headless Debian Chromium for every browser test of the built book."""

from __future__ import annotations

import pytest

from browsing import launch


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()
