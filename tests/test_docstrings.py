"""Every public function has a numpydoc docstring: Parameters, Returns and Examples (issue 11 item 4).

A public function is a function in ``sacro_kit._API`` (what ``import sacro_kit as sk`` exports). Its docstring needs
a ``Parameters`` section naming every parameter of its signature (unless it takes none), a ``Returns`` section and
an ``Examples`` section with at least one ``>>>`` line; those examples run as doctests in ``make check`` and
``make test`` (``pytest --doctest-modules sacro_kit``). The functions in ``EXEMPT`` do not have them yet; the list
can only shrink: a documented or vanished function that stays listed fails ``test_exempt_list_only_shrinks``.
"""

from __future__ import annotations

import inspect
import re

import pytest

import sacro_kit as sk

#: Public functions still without the sections. Remove a name once its docstring has them (the test says when).
EXEMPT: frozenset[str] = frozenset()  # empty since 2026-12-02: every public function is documented

REQUIRED = ("Parameters", "Returns", "Examples")


def public_functions() -> list[str]:
    return sorted(name for name in sk._API if inspect.isfunction(getattr(sk, name)))


def sections(doc: str) -> dict[str, list[str]]:
    """numpydoc sections of a (dedented) docstring: a header at the margin underlined with dashes -> its lines."""
    lines = doc.splitlines()
    out: dict[str, list[str]] = {}
    current = None
    for i, line in enumerate(lines):
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if line.strip() and not line[0].isspace() and re.fullmatch(r"-{3,}", underline):
            current = line.strip()
            out[current] = []
        elif current is not None and not re.fullmatch(r"-{3,}", line.strip()):
            out[current].append(line)
    return out


def documented_parameters(lines: list[str]) -> set[str]:
    """Names on the margin lines of a Parameters section ("a, b : float" documents a and b)."""
    names: set[str] = set()
    for line in lines:
        if line.strip() and not line[0].isspace():
            head = line.split(" : ")[0] if " : " in line else line
            names.update(part.strip().lstrip("*") for part in head.split(","))
    return names


def problems(func) -> list[str]:
    """What the docstring of ``func`` lacks (an empty list when it has every section)."""
    doc = inspect.getdoc(func) or ""
    found = sections(doc)
    params = [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    out = [f"no {name} section" for name in REQUIRED if name not in found and (name != "Parameters" or params)]
    if "Parameters" in found:
        missing = [name for name in params if name not in documented_parameters(found["Parameters"])]
        if missing:
            out.append(f"Parameters does not describe {', '.join(missing)}")
    if "Examples" in found and not any(line.lstrip().startswith(">>>") for line in found["Examples"]):
        out.append("Examples has no doctest (>>>)")
    return out


@pytest.mark.parametrize("name", [name for name in public_functions() if name not in EXEMPT])
def test_public_function_has_numpydoc_sections(name):
    assert not problems(getattr(sk, name)), (
        f"sacro_kit.{name} ({sk._API[name]}): {'; '.join(problems(getattr(sk, name)))}"
    )


def test_exempt_list_only_shrinks():
    functions = set(public_functions())
    vanished = sorted(EXEMPT - functions)
    documented = sorted(name for name in EXEMPT & functions if not problems(getattr(sk, name)))
    assert not vanished, f"no longer public functions: remove {vanished} from EXEMPT"
    assert not documented, f"documented now: remove {documented} from EXEMPT"


def test_the_check_can_fail():
    def bare(x, *, y=1):
        """One line only."""

    def partial(x, y):
        """Summary.

        Parameters
        ----------
        x : int
            The only one described.

        Returns
        -------
        int

        Examples
        --------
        Prose, no doctest.
        """

    def full(x, y=2):
        """Summary.

        Parameters
        ----------
        x, y : int
            Two numbers.

        Returns
        -------
        int
            Their sum.

        Examples
        --------
        >>> full(1)
        3
        """

    def no_arguments():
        """Summary.

        Returns
        -------
        int

        Examples
        --------
        >>> no_arguments()
        """

    assert problems(bare) == ["no Parameters section", "no Returns section", "no Examples section"]
    assert problems(partial) == ["Parameters does not describe y", "Examples has no doctest (>>>)"]
    assert problems(full) == [] and problems(no_arguments) == []
