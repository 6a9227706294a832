"""The API reference page (book/api.md) lists every public name and is what its generator writes."""

from __future__ import annotations

import sacro_kit as sk
from booksupport.api_page import PAGE, page_text


def test_api_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == page_text(), (
        "book/api.md is stale: run `cd book && python -m booksupport.api_page` and commit it")


def test_every_public_name_is_on_the_page():
    text = PAGE.read_text(encoding="utf-8")
    missing = [name for name in sk.__all__ if not name.startswith("__")
               and f"sacro_kit.{name}\n" not in text and f".{name}\n" not in text]
    assert not missing, missing
