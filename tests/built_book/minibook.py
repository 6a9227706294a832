"""Build a few chapters of the book into a folder of their own (the bring-your-own-cohort browser test uses it).

A full ``make book`` executes every chapter; a test that needs one chapter built on another cohort builds a small book
instead: the repository's ``_config.yml`` with its own execution cache, a ``_toc.yml`` listing only the chapters
asked for, and a ``book/`` folder of symbolic links to the real chapters, extensions and book-support code. Chapters
run with ``cwd=book/`` as in the real build. Cross-references to chapters left out are unresolved, so this build is
not run with warnings as errors; everything else is the real toolchain. A chapter whose execution fails, or leaves an
error output, is a RuntimeError naming it (so the build is also the test that the chapter runs on that cohort).

Command line (prints the built chapter's path)::

    python tests/built_book/minibook.py book/05_responders --out /tmp/minibook [--cohort my.csv --card my.yaml]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Everything in book/ a chapter may need besides the chapters themselves.
SUPPORT = ("_ext", "references.bib", "booksupport", "_static", "nbval_sanitize.cfg")


def build(chapters: list[str], out: Path, *, env: dict | None = None, timeout: int = 1800) -> tuple[Path, float]:
    """Build ``chapters`` (e.g. ``["book/05_responders"]``) into ``out``; return the HTML folder and the seconds taken."""
    out = Path(out).resolve()
    (out / "book").mkdir(parents=True, exist_ok=True)
    for name in SUPPORT:
        source = ROOT / "book" / name
        link = out / "book" / name
        if source.exists() and not link.exists():
            link.symlink_to(source, target_is_directory=source.is_dir())
    for chapter in chapters:
        source = ROOT / f"{chapter}.ipynb"
        if not source.exists():
            raise FileNotFoundError(f"no chapter {source}")
        link = out / f"{chapter}.ipynb"
        if not link.exists():
            link.symlink_to(source)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(out / "_build" / ".jupyter_cache")
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    # the Vega bundle takes seconds to build: share the real book's cache of it
    sphinx_config["sacro_kit_vendor_cache"] = str(ROOT / "_build" / ".sacro_kit_vendor")
    # the cache stamp hashes the real package and data, not symlinks in this folder
    sphinx_config["sacro_kit_cache_inputs"] = []
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    toc = {"format": "jb-book", "root": chapters[0]}
    if chapters[1:]:
        toc["chapters"] = [{"file": c} for c in chapters[1:]]
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(out), "--path-output", str(out),
               "--keep-going"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=out, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                            timeout=timeout)
    seconds = time.perf_counter() - start
    html = out / "_build" / "html"
    if result.returncode != 0 or not (html / f"{chapters[0]}.html").exists():
        raise RuntimeError(f"mini book build failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
                           f"{result.stderr[-4000:]}")
    log = result.stdout + result.stderr
    if "Executing notebook failed" in log:
        raise RuntimeError(f"a chapter's execution failed in the mini book build:\n{log[-6000:]}")
    for chapter in chapters:
        executed = out / "_build" / "jupyter_execute" / f"{chapter}.ipynb"
        if not executed.is_file():
            raise RuntimeError(f"{chapter}: the build left no executed notebook ({executed})")
        errors = [(index, output.get("ename"), output.get("evalue"))
                  for index, cell in enumerate(nbformat.read(executed, as_version=4).cells)
                  for output in cell.get("outputs", []) if output.get("output_type") == "error"]
        if errors:
            raise RuntimeError(f"{chapter}: error outputs (cell index, error, message): {errors}")
    return html, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cohort")
    parser.add_argument("--card")
    args = parser.parse_args()
    env = {}
    if args.cohort:
        env["SACRO_KIT_COHORT"] = str(Path(args.cohort).resolve())
    if args.card:
        env["SACRO_KIT_CARD"] = str(Path(args.card).resolve())
    html, seconds = build(args.chapters, args.out, env=env)
    print(f"{html / (args.chapters[0] + '.html')} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
