"""Where the kit finds its data: the shipped package data, or the reader's own files via environment variables.

The repository's top-level ``data/`` folder is installed as the package ``sacro_kit.data`` (``pyproject.toml`` maps
it with ``package-dir``), so the same files are found with :mod:`importlib.resources` in a checkout (editable
install), from a wheel, or after ``pip install .``, whatever the current directory.

``SACRO_KIT_CARD`` points at a reported-statistics card (YAML) and ``SACRO_KIT_COHORT`` at a cohort CSV, so the book
and the checks run unchanged on another study. Relative paths in these variables resolve against the current directory.

>>> default_card_path().name
'dougherty2014.yaml'
>>> data_path("literature", "studies.csv").is_file()
True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["DATA_DIR", "CARD_ENV", "COHORT_ENV", "data_path", "default_card_path", "default_cohort_path"]

DATA_PACKAGE = "sacro_kit.data"


def _data_dir() -> Path:
    try:
        root = resources.files(DATA_PACKAGE)
    except ModuleNotFoundError:
        # An editable install made before data/ became sacro_kit.data (`make install` refreshes it): use the checkout's.
        checkout = Path(__file__).resolve().parents[2] / "data"
        if (checkout / "__init__.py").is_file():
            return checkout
        raise
    # An installed wheel or an editable install both give a real directory; a zipped install is not supported.
    path = Path(str(root))
    if not path.is_dir():  # pragma: no cover - only a zip import would get here
        raise RuntimeError(f"sacro_kit's package data is not a directory on disk: {root!r}")
    return path


#: The shipped data directory: the repository's ``data/`` in a checkout, ``site-packages/sacro_kit/data`` when installed.
DATA_DIR: Path = _data_dir()

CARD_ENV = "SACRO_KIT_CARD"
COHORT_ENV = "SACRO_KIT_COHORT"


def data_path(*parts: str) -> Path:
    """The path of a shipped data file, e.g. ``data_path("literature", "studies.csv")``; it must exist."""
    path = DATA_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"sacro_kit ships no data file {'/'.join(parts)!r} (looked in {DATA_DIR})")
    return path


def _from_env(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    return Path(value).expanduser().resolve()


def default_card_path() -> Path:
    """The card to load: ``$SACRO_KIT_CARD`` if set, else the shipped ``data/reported/dougherty2014.yaml``."""
    return _from_env(CARD_ENV, DATA_DIR / "reported" / "dougherty2014.yaml")


def default_cohort_path() -> Path:
    """The cohort to load: ``$SACRO_KIT_COHORT`` if set, else the shipped ``data/cohort_reconstructed.csv``."""
    return _from_env(COHORT_ENV, DATA_DIR / "cohort_reconstructed.csv")
