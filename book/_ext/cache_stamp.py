"""A cached build is never stale: re-execute every chapter when the package, the data or the cohort settings change.

jupyter-cache keys a notebook's stored execution on the notebook's own code, and Sphinx re-reads a page only when
its source file changes. Neither notices an edit to ``sacro_kit/``, to ``data/``, to the book-support code, or a
different ``SACRO_KIT_COHORT``/``SACRO_KIT_CARD``, so without this extension the HTML kept outputs computed by
old code. Here a SHA-256 stamp of those inputs is kept twice:

* beside Sphinx's environment, for the pages: when it differs from the stamp of the last successful build, every
  page is re-read;
* inside the execution cache (:func:`execution_cache`), for the executions it holds: when it differs, the cache is
  emptied first, so every page re-read is re-executed.

A warm build with no change finds the same stamps and re-executes nothing. A cache whose stamp matches although the
pages' does not was filled with the current inputs by someone else -- nbval, which ``make test`` runs before the
build (``booksupport/nbval_plugin.py``) -- and its executions are used.

Configuration (``sphinx: config:`` in ``_config.yml``):

``sacro_kit_cache_inputs``
    Paths, relative to the book's root, whose files are hashed (default :data:`DEFAULT_INPUTS`).
``sacro_kit_cache_env``
    Environment variables whose values, and the contents of the files they name, are hashed
    (default :data:`DEFAULT_ENV`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from sphinx.util import logging

DEFAULT_INPUTS = ("sacro_kit", "data", "book/booksupport", "pyproject.toml", "requirements.txt")
DEFAULT_ENV = ("SACRO_KIT_COHORT", "SACRO_KIT_CARD")
STAMP_NAME = "sacro_kit_inputs.sha256"
_SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis"}

logger = logging.getLogger(__name__)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        item for item in path.rglob("*")
        if item.is_file() and not _SKIPPED_PARTS.intersection(item.parts) and item.suffix != ".pyc"
    )


def input_stamp(root: Path, inputs: Iterable[str] = DEFAULT_INPUTS, env_names: Iterable[str] = DEFAULT_ENV,
                environ: Mapping[str, str] | None = None) -> str:
    """SHA-256 over the input files (names and bytes) and the named environment variables.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.py").write_text("x = 1")
    >>> before = input_stamp(root, ["a.py"], [], {})
    >>> _ = (root / "a.py").write_text("x = 2")
    >>> before == input_stamp(root, ["a.py"], [], {})
    False
    """
    environ = os.environ if environ is None else environ
    digest = hashlib.sha256()
    for relative in inputs:
        for file in _files(root / relative):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
            digest.update(b"\0")
    for name in env_names:
        value = environ.get(name)
        digest.update(f"{name}={value!r}\0".encode())
        if value and Path(value).is_file():
            digest.update(Path(value).read_bytes())
    return digest.hexdigest()


def input_stamp_for_book(root: Path) -> str:
    """:func:`input_stamp` with the inputs the book at ``root`` names in its ``_config.yml`` (or the defaults), as
    its build computes it."""
    import yaml

    config_file = root / "_config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
    settings = ((config or {}).get("sphinx") or {}).get("config") or {}
    return input_stamp(
        root, settings.get("sacro_kit_cache_inputs", DEFAULT_INPUTS), settings.get("sacro_kit_cache_env", DEFAULT_ENV)
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no second writer is expected there
        yield
        return
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def claim_execution_cache(path: Path, stamp: str) -> bool:
    """Make the jupyter-cache at ``path`` one for executions with inputs ``stamp``: emptied first when it holds
    executions made with other inputs (or with no stamp). Returns whether it was emptied. Call it under the lock."""
    stamp_file = path / STAMP_NAME
    kept = stamp_file.is_file() and stamp_file.read_text().strip() == stamp
    if not kept and path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(stamp + "\n")
    return not kept


@contextlib.contextmanager
def execution_cache(path: Path, stamp: str):
    """The jupyter-cache at ``path``, locked against other writers and emptied first if its executions were made
    with inputs other than ``stamp`` (:func:`claim_execution_cache`), for storing executions made with ``stamp``."""
    from jupyter_cache import get_cache

    with _locked(path):
        claim_execution_cache(path, stamp)
        yield get_cache(path)


def _stamp_path(app) -> Path:
    return Path(app.doctreedir) / STAMP_NAME


def _current_stamp(app) -> str:
    return input_stamp(Path(app.srcdir), app.config.sacro_kit_cache_inputs, app.config.sacro_kit_cache_env)


def _invalidate_when_inputs_changed(app, env, added, changed, removed):
    stamp = _current_stamp(app)
    app.sacro_kit_input_stamp = stamp
    stamp_file = _stamp_path(app)
    previous = stamp_file.read_text().strip() if stamp_file.is_file() else None
    if previous == stamp:
        return []
    reason = "no stamp from an earlier build" if previous is None else "the package, data or cohort settings changed"
    cache = getattr(getattr(env, "mystnb_config", None), "execution_cache_path", None)
    if cache:
        cache = Path(app.srcdir, cache)
        with _locked(cache):
            emptied = claim_execution_cache(cache, stamp)
        if not emptied:
            logger.info(f"sacro_kit: {reason}; every page is re-read, and the executions the cache already holds "
                        "were made with the current inputs, so they are used")
            return sorted(env.found_docs)
    logger.info(f"sacro_kit: {reason}; the execution cache is cleared and every page is re-read")
    return sorted(env.found_docs)


def _write_stamp(app, exception):
    stamp = getattr(app, "sacro_kit_input_stamp", None)
    if exception is None and stamp is not None:
        _stamp_path(app).parent.mkdir(parents=True, exist_ok=True)
        _stamp_path(app).write_text(stamp + "\n")


def setup(app):
    app.add_config_value("sacro_kit_cache_inputs", list(DEFAULT_INPUTS), "env")
    app.add_config_value("sacro_kit_cache_env", list(DEFAULT_ENV), "env")
    app.connect("env-get-outdated", _invalidate_when_inputs_changed)
    app.connect("build-finished", _write_stamp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
