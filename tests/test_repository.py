"""Repository hygiene that the package's users depend on: portable paths and one version."""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections import defaultdict
from pathlib import Path

import sacro_kit

ROOT = Path(__file__).resolve().parents[1]


def _tracked() -> list[str]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [p for p in done.stdout.decode("utf-8").split("\0") if p]


def test_no_two_tracked_paths_differ_only_by_case():
    # macOS and Windows file systems are case-insensitive: such paths overwrite each other in a clone.
    seen: dict[str, set[str]] = defaultdict(set)
    for path in _tracked():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):  # directories collide as well as files
            prefix = "/".join(parts[:depth])
            seen[prefix.casefold()].add(prefix)
    clashes = sorted(sorted(names) for names in seen.values() if len(names) > 1)
    assert not clashes, f"paths that differ only by case: {clashes}"


def test_the_version_is_written_once():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sacro_kit.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", sacro_kit.__version__)
    init = (ROOT / "sacro_kit" / "__init__.py").read_text(encoding="utf-8")
    assert len(re.findall(r"^__version__ = ", init, flags=re.M)) == 1


def test_no_book_code_in_the_library():
    library = [p for p in _tracked() if p.startswith("sacro_kit/")]
    assert not [p for p in library if re.search(r"(answers|exercises|synthesis)", p)], library
    for path in library:
        if path.endswith(".py"):
            text = (ROOT / path).read_text(encoding="utf-8")
            assert not re.search(r"^\s*(import|from)\s+booksupport\b", text, flags=re.M), path


def test_no_private_name_is_imported_across_subpackages():
    # issue 11: a helper two subpackages need is public in the lower one. Reconstruction internals are exempt
    # while they are being split (sacro_kit/forensics/reconstruction/ imports within forensics).
    offenders = []
    for path in _tracked():
        if not (path.startswith("sacro_kit/") and path.endswith(".py")):
            continue
        parts = path.split("/")
        if len(parts) < 3:
            continue  # top-level modules (cli.py) are the package's own front end
        own = parts[1]
        text = (ROOT / path).read_text(encoding="utf-8")
        for match in re.finditer(r"^\s*from sacro_kit\.(\w+)[\w.]* import (\([^)]*\)|[^\n]*)", text, flags=re.M):
            subpackage, names = match.group(1), match.group(2)
            if subpackage == own or subpackage.startswith("_"):
                continue  # within a subpackage, or the package's own private support modules (_results, _compat)
            imported = [n.split(" as ")[0].strip() for n in names.strip("()").replace("\n", " ").split(",")]
            offenders += [f"{path}: {n} from sacro_kit.{subpackage}" for n in imported if n.startswith("_")]
    assert not offenders, offenders


def test_make_test_runs_the_subprocess_tests_outside_the_unit_phase_exactly_once():
    """`make test`'s unit phase leaves out the tests marked ``subprocess`` and its commands phase runs exactly those,
    over the same folders, so each runs once; `make unit` alone (no UNIT_ARGS) still runs them."""
    makefile = (ROOT / "Makefile").read_text()
    unit_args = re.search(r"^test-stream-unit: export UNIT_ARGS := (.*)$", makefile, re.M)
    assert unit_args is not None and '-m "not subprocess"' in unit_args.group(1)
    lab_stream = re.search(r"^test-stream-lab:.*\n\t(.*)$", makefile, re.M)
    assert lab_stream is not None and "$(call PHASE,commands)" in lab_stream.group(1)
    commands = re.search(r"^commands: .*\n\t(.*)$", makefile, re.M)
    assert commands is not None and " -m subprocess tests " in commands.group(1) + " "
    unit = re.search(r"^unit: .*\n\t(.*)$", makefile, re.M)
    assert unit is not None and " tests " in unit.group(1)
    # the marker is declared (pytest would otherwise select nothing silently) and used
    assert "subprocess:" in (ROOT / "pyproject.toml").read_text()
    marked = [p for p in (ROOT / "tests").glob("test_*.py") if "@pytest.mark.subprocess" in p.read_text()]
    assert len(marked) >= 5, marked
