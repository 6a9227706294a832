"""A chapter opened the way Colab opens it runs (issue 10 §6): no checkout, no kit installed.

Colab cannot be reached from here, so the test builds what a Colab session is: a fresh virtual environment outside
the checkout in which ``import sacro_kit`` fails (the scientific stack is lent from the test environment through a
``.pth`` file, as Colab preinstalls pandas and scipy), and an empty working directory. Chapter 1 is executed there
with the repository URL of its first cell pointed at a local clone of this checkout (Colab would clone GitHub). The
first cell must then clone the repository, ``pip install`` it (a regular, non-editable install: the kit must find its
card, cohort and literature as package data), move into its ``book/`` folder and run the chapter to the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "01_paper.ipynb"
DRIVER = r"""
import sys
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
# after the chapter: where the kernel found the kit and its data
notebook.cells.append(nbformat.v4.new_code_cell(
    "from sacro_kit.io import resources\nprint('KIT', sk.__file__)\nprint('DATA', resources.DATA_DIR)"))
NotebookClient(notebook, timeout=600, kernel_name="python3").execute()  # the kernel runs on this interpreter
print(notebook.cells[-1].outputs[0]["text"])
"""


def _run(*args, cwd, env=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
@pytest.mark.subprocess
def test_a_chapter_installs_the_kit_and_runs_without_a_checkout(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to clone from")
    # the repository Colab would clone: this checkout's committed state
    origin = tmp_path / "origin.git"
    branch = _run("git", "rev-parse", "--abbrev-ref", "HEAD", cwd=ROOT).stdout.strip()
    _run("git", "clone", "--quiet", "--bare", ROOT, origin, cwd=tmp_path)
    venv = tmp_path / "colab"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).stdout.strip())
    # lend the installed dependencies (pip among them); .pth files inside a lent folder are not executed, so the test
    # environment's editable sacro_kit stays invisible
    lent = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    (site / "zz_lent_dependencies.pth").write_text("\n".join(lent) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SACRO_KIT_", "PIP_", "VIRTUAL_ENV"))}
    # no package index: everything the install needs is already there (and no build isolation, which would download
    # setuptools); the environment variables stand for Colab's network
    env.update(MPLBACKEND="Agg", PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    missing = subprocess.run([python, "-c", "import sacro_kit"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert missing.returncode != 0, "sacro_kit must not be importable before the first cell installs it"

    notebook = nbformat.read(CHAPTER, as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    assert "REPOSITORY, BRANCH = " in first.source
    first.source = re.sub(r'REPOSITORY, BRANCH = "[^"]*", "[^"]*"', f"REPOSITORY, BRANCH = {str(origin)!r}, {branch!r}",
                          first.source)
    assert repr(str(origin)) in first.source
    session = tmp_path / "content"  # Colab's working directory: nothing of the repository in it
    session.mkdir()
    chapter = session / CHAPTER.name
    nbformat.write(notebook, chapter)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    done = _run(python, "-I", driver, chapter, cwd=session, env=env)
    found = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines() if line.startswith(("KIT", "DATA")))
    for what in ("KIT", "DATA"):  # the installed package and its package data, not the clone's source tree
        assert Path(found[what]).resolve().is_relative_to(venv.resolve()), (what, found[what], str(venv))
    assert (session / "sacro_kit_repo" / "book").is_dir(), "the first cell did not clone the repository"
