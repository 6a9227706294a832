"""Renamed public arguments (issue 11): the old keyword works for one release with a DeprecationWarning.

Each row is listed in CHANGELOG.md. The new name gives the same result as the old one.
"""

from __future__ import annotations

import pytest

import sacro_kit as sk
from sacro_kit._moved import MOVED, WARNED

RENAMED = [  # (function, positional args, old keyword, new keyword, value)
    ("quantile", ([1, 2, 3, 4, 5, 6], 0.25), "method", "quantile_type", 6),
    ("describe", ([7, 8, None, 4],), "method", "quantile_type", 6),
    ("order_statistic", (29, 0.75), "method", "quantile_type", 6),
    ("count_samples", (3, "0", "1", "1.5"), "method", "quantile_type", 7),
    ("proportion_ci", (22, 29), "method", "ci_method", "exact"),
]


@pytest.mark.parametrize("name, args, old, new, value", RENAMED, ids=[f"{r[0]}:{r[2]}" for r in RENAMED])
def test_old_keyword_warns_and_means_the_new_one(name, args, old, new, value):
    fn = getattr(sk, name)
    with pytest.warns(DeprecationWarning, match=rf"{name}\({old}=\.\.\.\) is deprecated .* use {new}="):
        via_old = fn(*args, **{old: value})
    assert via_old == fn(*args, **{new: value})
    with pytest.raises(TypeError, match="got both"):
        fn(*args, **{old: value, new: value})


@pytest.mark.parametrize("name, old, new", [("reconstruct", "method", "quantile_type"),
                                            ("verify_cohort", "method", "quantile_type"),
                                            ("slope_plot", "method", "quantile_type"),
                                            ("best_worst_case", "method", "ci_method"),
                                            ("tipping_point", "method", "ci_method"),
                                            ("reconstruction_range", "method", "quantile_type"),
                                            ("responder_band", "method", "quantile_type"),
                                            ("chain_diagnostics", "method", "quantile_type")])
def test_renamed_signatures(name, old, new):
    import inspect
    fn = getattr(sk, name)
    assert fn.__deprecated_arguments__ == {old: new}
    params = inspect.signature(fn).parameters
    assert new in params and old not in params


@pytest.mark.parametrize("name", ["check_answer", "synthesis_table", "conversion_plot"])
def test_book_names_say_where_they_went(name):
    with pytest.raises(AttributeError, match=r"from booksupport(\.synthesis)? import " + name):
        getattr(sk, name)


def test_changelog_lists_every_renamed_argument():
    from pathlib import Path

    changelog = (Path(__file__).resolve().parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    for name in [r[0] for r in RENAMED] + ["reconstruct", "verify_cohort", "slope_plot", "best_worst_case",
                                                "tipping_point", "reconstruction_range", "responder_band",
                                                "chain_diagnostics"]:
        renames = getattr(sk, name).__deprecated_arguments__
        for old, new in renames.items():
            assert f"| `sk.{name}` | `{old}=` | `{new}=` |" in changelog, name


def test_count_samples_accepts_exact_floats():
    # issue 11: count_samples(8, 1.5, 3, 5) was refused although 1.5 is exact; it reads as "1.5"
    assert sk.count_samples(8, 1.5, 3, 5) == sk.count_samples(8, "1.5", "3", "5")


@pytest.mark.parametrize("module, new, value", [("sacro_kit.forensics.consistency", "OPEN_SCALE_CHECK_MAX", 20),
                                                ("sacro_kit.forensics.reconstruction", "RECONSTRUCTION_COUNT_MAX", 4)])
def test_count_max_names_two_limits(module, new, value):
    """COUNT_MAX meant 20 in one module and 4 in another: each limit has its own name; the old one warns."""
    import importlib

    mod = importlib.import_module(module)
    assert getattr(mod, new) == value
    with pytest.warns(DeprecationWarning, match=f"COUNT_MAX is deprecated; use {new}"):
        assert mod.COUNT_MAX == value
    with pytest.raises(AttributeError):
        mod.NO_SUCH_NAME


def test_tipping_point_result_names_its_interval():
    from types import SimpleNamespace

    import pandas as pd

    card = {"better": SimpleNamespace(kind="proportion", variable="better")}
    cohort = pd.DataFrame({"better": pd.array([1] * 12 + [0] * 3 + [None] * 5, dtype="Int64")})
    tp = sk.tipping_point(cohort, card, "better", ci_method="clopper-pearson")
    assert tp.ci_method == "clopper-pearson"
    with pytest.warns(DeprecationWarning, match="use ci_method"):
        assert tp.method == "clopper-pearson"


def test_description_field_is_quantile_type_and_method_warns():
    d = sk.describe([3, 1, 2], quantile_type=6)
    assert d.quantile_type == 6
    assert d.to_dict()["quantile_type"] == 6 and "method" not in d.to_dict()
    with pytest.warns(DeprecationWarning, match="use quantile_type"):
        assert d.method == 6


# ---------------------------------------------------------------------------------------------------------------------
# The 0.1 module paths (sacro_kit/_moved.py; CHANGELOG.md, 0.2.0, "Layout")



def _forget(name):
    import sys

    WARNED.discard(name)
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_imports_with_a_warning_and_forwards_to_the_new_module(old):
    import importlib

    new = MOVED[old]
    _forget(old)
    with pytest.warns(DeprecationWarning, match=rf"{old} moved to {new} in 0\.2\.0") as caught:
        module = importlib.import_module(old)
    assert caught[0].filename == __file__, "the warning points at the import, not at the import machinery"
    target = importlib.import_module(new)
    public = [n for n in dir(target) if not n.startswith("_")]
    assert public and all(getattr(module, n) is getattr(target, n) for n in public)
    _forget(old)


def test_from_an_old_module_import_a_name_is_the_same_object():
    _forget("sacro_kit.quantiles")
    with pytest.warns(DeprecationWarning):
        from sacro_kit.quantiles import quantile
    assert quantile is sk.quantile
    _forget("sacro_kit.quantiles")


def test_python_dash_m_of_the_old_reconstruction_path_still_runs(monkeypatch, capsys):
    import runpy
    import sys

    _forget("sacro_kit.reconstruction")
    monkeypatch.setattr(sys, "argv", ["sacro_kit.reconstruction", "--help"])
    with pytest.warns(DeprecationWarning, match="sacro_kit.reconstruction moved to sacro_kit.forensics.reconstruction"):
        with pytest.raises(SystemExit) as done:
            runpy.run_module("sacro_kit.reconstruction", run_name="__main__", alter_sys=True)
    assert done.value.code == 0
    assert "--seed" in capsys.readouterr().out
    _forget("sacro_kit.reconstruction")


@pytest.mark.parametrize("old", ["sacro_kit.answers", "sacro_kit.exercises", "sacro_kit.synthesis"])
def test_an_old_book_module_says_where_it_went(old):
    with pytest.raises(ModuleNotFoundError, match="booksupport"):
        __import__(old)


def test_a_real_module_is_never_shadowed_and_a_typo_is_still_an_error():
    import sacro_kit.stats.quantiles as real

    assert real.__name__ == "sacro_kit.stats.quantiles" and real.__spec__.name == "sacro_kit.stats.quantiles"
    with pytest.raises(ModuleNotFoundError):
        __import__("sacro_kit.quantile")


def test_the_reconstruction_command_takes_quantile_type_and_the_old_method_flag_warns(run_main, tmp_path):
    from sacro_kit.forensics.reconstruction.output import main

    status, new_out, _ = run_main(main, ["--seed", "3", "--quantile-type", "5"], tmp_path)
    assert status == 0 and new_out.startswith("patient_id,")
    status, old_out, old_err = run_main(main, ["--seed", "3", "--method", "5"], tmp_path)
    assert status == 0 and old_out == new_out
    assert "--method is deprecated" in old_err and "--quantile-type" in old_err
    with pytest.raises(SystemExit):
        run_main(main, ["--method", "7", "--quantile-type", "7"], tmp_path)
