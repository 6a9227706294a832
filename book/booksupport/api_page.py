"""Write ``book/api.md``, the API reference page: one autodoc entry per public name of ``sacro_kit``.

Run from ``book/``: ``python -m booksupport.api_page`` (``tests/test_api_reference.py`` fails when the committed page
differs from what this writes, so a new public name cannot be left out).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import sacro_kit as sk

PAGE = Path(__file__).resolve().parents[1] / "api.md"
TITLES = {
    "io": ("Reading cards, cohorts and studies", "sacro_kit.io"),
    "stats": ("Statistics", "sacro_kit.stats"),
    "forensics": ("Checking and reconstructing published numbers", "sacro_kit.forensics"),
    "plotting": ("Figures", "sacro_kit.plotting"),
    "widgets": ("Explorers", "sacro_kit.widgets"),
}
INTRO = """# API reference

Every public name of the package, as `import sacro_kit as sk` gives it (`sk.wilcoxon`, `sk.load_cohort`, ...),
grouped by the layer that defines it (`ARCHITECTURE.md` describes the layers). Each entry is the name's own
docstring; its examples run as doctests in `make test`. The page is written by `python -m booksupport.api_page`.
"""


def page_text() -> str:
    """The page as it should be for the installed package."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for name in sk.__all__:
        if name.startswith("__"):
            continue
        module = sk._API[name]
        obj = getattr(sk, name)
        kind = "class" if inspect.isclass(obj) else "function" if callable(obj) else "data"
        groups.setdefault(module.split(".")[0], []).append((name, kind, module))
    lines = INTRO.splitlines() + [""]
    for layer, (title, package) in TITLES.items():
        lines += [f"## {title}", "", f"Defined in `{package}`.", "", "```{eval-rst}"]
        for name, kind, module in sorted(groups.pop(layer, []), key=lambda t: (t[1] != "function", t[0].lower())):
            if kind == "data":  # documented where its ``#:`` comment is
                lines += [f".. autodata:: sacro_kit.{module}.{name}", "   :no-value:", ""]
            else:
                lines += [f".. auto{kind}:: sacro_kit.{name}", ""]
        lines += ["```", ""]
    if groups:
        raise ValueError(f"public names in layers the page does not know: {groups}")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    PAGE.write_text(page_text(), encoding="utf-8")
    print(f"wrote {PAGE}")
