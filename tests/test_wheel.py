"""The built wheel installs and works outside the checkout (issue 11: "installs anywhere").

Builds the wheel from a copy of the source tree (so the checkout gets no build/ or egg-info), installs it with
``--no-deps`` into a fresh virtual environment outside the checkout, lends that environment the test environment's
already-installed dependencies through a ``.pth`` file (seconds, no download; the test environment's editable
sacro_kit is *not* visible there, because ``.pth`` files in a lent directory are not executed), and runs
``tests/wheel_smoke.py`` from an empty temporary directory. ``pip install .`` installs the same wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMOKE = Path(__file__).with_name("wheel_smoke.py")
IGNORED = shutil.ignore_patterns(".git", ".venv", "_build", "build", "*.egg-info", "__pycache__", ".pytest_cache",
                                 ".hypothesis", ".jupyter_cache", ".ipynb_checkpoints", "benchmarks")


def _run(*args, cwd, env=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "sacro_kit"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-q",
         "-w", out, source, cwd=out)
    (built,) = out.glob("sacro_kit-*.whl")
    return built


@pytest.mark.slow
@pytest.mark.subprocess
def test_wheel_ships_the_package_data_and_no_book_code(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("sacro_kit/__init__.py", "sacro_kit/py.typed", "sacro_kit/data/__init__.py",
                     "sacro_kit/data/reported/dougherty2014.yaml", "sacro_kit/data/cohort_reconstructed.csv",
                     "sacro_kit/data/literature/studies.csv", "sacro_kit/data/literature/provenance.md"):
        assert required in names, required
    tracked_data = [p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts]
    missing = [p for p in tracked_data if f"sacro_kit/data/{p}" not in names]
    assert not missing, f"data files left out of the wheel: {missing}"
    assert not [n for n in names if n.startswith(("booksupport", "book/", "tests/"))]


@pytest.mark.slow
@pytest.mark.subprocess
def test_wheel_works_in_a_fresh_environment_from_any_directory(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel,
         cwd=tmp_path)
    # Lend the dependencies: every site directory of the test environment, appended after the fresh one's own.
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).stdout.strip())
    lent = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz_lent_dependencies.pth").write_text("\n".join(sorted(lent)) + "\n", encoding="utf-8")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SACRO_KIT_"))}
    env["MPLBACKEND"] = "Agg"
    done = _run(python, "-I", SMOKE, cwd=workdir, env=env)
    assert "smoke ok" in done.stdout, done.stdout
    assert str(venv) in done.stdout  # the package came from the fresh environment
