"""Where the kit finds its data: the shipped files, or the reader's own via environment variables.

``SACRO_KIT_CARD`` points at a reported-statistics card (YAML) and ``SACRO_KIT_COHORT`` at a cohort CSV, so the book
and the checks run unchanged on another study. Relative paths in these variables resolve against the current directory.

>>> default_card_path().name                                   # doctest: +SKIP
'dougherty2014.yaml'
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository's ``data/`` directory (next to the package).
DATA_DIR: Path = Path(__file__).resolve().parents[2] / "data"

CARD_ENV = "SACRO_KIT_CARD"
COHORT_ENV = "SACRO_KIT_COHORT"


def _from_env(variable: str, default: Path) -> Path:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    return Path(value).expanduser().resolve()


def default_card_path() -> Path:
    """The card to load: ``$SACRO_KIT_CARD`` if set, else ``data/reported/dougherty2014.yaml``."""
    return _from_env(CARD_ENV, DATA_DIR / "reported" / "dougherty2014.yaml")


def default_cohort_path() -> Path:
    """The cohort to load: ``$SACRO_KIT_COHORT`` if set, else ``data/cohort_reconstructed.csv``."""
    return _from_env(COHORT_ENV, DATA_DIR / "cohort_reconstructed.csv")
