"""The module paths of 0.1, kept importable for one release (issue 11: old names keep working, with a warning).

0.2.0 organised the package by layer (ARCHITECTURE.md): ``sacro_kit.quantiles`` became
``sacro_kit.stats.quantiles``, ``sacro_kit.reconstruction`` became ``sacro_kit.forensics.reconstruction``, and so on
(CHANGELOG.md, "Layout"). Importing an old path gives a module that forwards every attribute to the new one, with a
DeprecationWarning naming the new path; ``python -m sacro_kit.reconstruction`` still runs. The modules that were book
code (``answers``, ``exercises``, ``synthesis``) left the library: importing them raises a ModuleNotFoundError that
says where they went.

The finder sits at the end of ``sys.meta_path``, so it is asked only about names no real module has.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import warnings

#: old module path -> new module path (CHANGELOG.md, 0.2.0, "Layout")
MOVED = {
    "sacro_kit.card": "sacro_kit.io.card",
    "sacro_kit.cohort": "sacro_kit.io.cohort",
    "sacro_kit.literature": "sacro_kit.io.literature",
    "sacro_kit.config": "sacro_kit.io.resources",
    "sacro_kit.card_schema": "sacro_kit.io.card_schema",
    "sacro_kit.yaml_reader": "sacro_kit.io.yaml_reader",
    "sacro_kit.quantiles": "sacro_kit.stats.quantiles",
    "sacro_kit.paired": "sacro_kit.stats.paired",
    "sacro_kit.missing": "sacro_kit.stats.missing",
    "sacro_kit.meansd": "sacro_kit.stats.meansd",
    "sacro_kit.meta": "sacro_kit.stats.meta",
    "sacro_kit.responder_analysis": "sacro_kit.stats.responders",
    "sacro_kit.consistency": "sacro_kit.forensics.consistency",
    "sacro_kit.checking": "sacro_kit.forensics.checking",
    "sacro_kit.reconstruction": "sacro_kit.forensics.reconstruction",
    "sacro_kit.plots": "sacro_kit.plotting.cohort_figures",
    "sacro_kit.figures": "sacro_kit.plotting.paired_figures",
    "sacro_kit.metaplots": "sacro_kit.plotting.meta_figures",
}

#: old module path -> where the book code went (it is not part of the installed package)
MOVED_TO_BOOK = {
    "sacro_kit.answers": "book/booksupport/answers (from booksupport import check_answer)",
    "sacro_kit.exercises": "book/booksupport/answers (from booksupport import check_answer)",
    "sacro_kit.synthesis": "book/booksupport/synthesis.py (from booksupport.synthesis import ...)",
}


#: old paths already warned about in this process
WARNED: set[str] = set()


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that makes the warning name the ``import`` statement (or ``importlib.import_module`` call).

    ``warnings`` does not count the import machinery's own frames (``importlib._bootstrap``); ``importlib``'s
    ``import_module`` is counted, so it is stepped over here.
    """
    level = 1  # find_spec, which calls warnings.warn
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "importlib" in name and "_bootstrap" in name:  # skipped by warnings, not counted
            frame = frame.f_back
            continue
        level += 1
        if name != importlib.__file__:
            return level
        frame = frame.f_back
    return level


class _Forwarding(importlib.abc.Loader):
    """Makes the old module: every attribute read from the new module (a package keeps the new ``__path__``)."""

    def __init__(self, new: str):
        self.new = new

    def create_module(self, spec):
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        target = importlib.import_module(self.new)
        module.__getattr__ = lambda name: getattr(target, name)  # type: ignore[method-assign]
        module.__dir__ = lambda: dir(target)  # type: ignore[method-assign]
        module.__doc__ = f"Deprecated path of {self.new}: import that instead.\n\n{target.__doc__ or ''}"
        if hasattr(target, "__path__"):  # a package: its submodules (and ``python -m``'s __main__) are found
            module.__path__ = list(target.__path__)

    def get_code(self, fullname):  # ``python -m old.path`` of a plain module
        spec = importlib.util.find_spec(self.new)
        return spec.loader.get_code(self.new) if spec and isinstance(spec.loader, importlib.abc.InspectLoader) else None


class MovedModuleFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED_TO_BOOK:
            raise ModuleNotFoundError(
                f"{fullname} was book code and left the library in 0.2.0: it is {MOVED_TO_BOOK[fullname]}, "
                "importable from a chapter (run from book/)",
                name=fullname,
            )
        new = MOVED.get(fullname)
        if new is None:
            return None
        if fullname not in WARNED:  # once per process (``python -m`` looks a module up twice)
            WARNED.add(fullname)
            warnings.warn(
                f"{fullname} moved to {new} in 0.2.0; the old path will be removed in the next release: import "
                f"{new} (or the name from sacro_kit itself)",
                DeprecationWarning,
                stacklevel=_caller_stacklevel(),
            )
        is_package = importlib.util.find_spec(new).submodule_search_locations is not None  # type: ignore[union-attr]
        return importlib.machinery.ModuleSpec(fullname, _Forwarding(new), is_package=is_package)


def install() -> None:
    """Append the finder to ``sys.meta_path`` once (``import sacro_kit`` does)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())
