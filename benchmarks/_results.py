"""Writes one benchmark's section of benchmarks/results.md between its markers, leaving the rest of the file alone."""

from __future__ import annotations

from pathlib import Path


def write_section(results: Path, begin: str, end: str, section: str) -> None:
    """Replace the text between ``begin`` and ``end`` (markers included in ``section``), or append the section."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")
