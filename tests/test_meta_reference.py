"""sacro_kit.stats.meta against frozen metafor 3.8-1 output (tests/reference/metafor.json).

The JSON is made by ``Rscript tests/reference/make_r_metafor.R`` (R 4.2.2, metafor 3.8-1, metadat), on metafor's own
documented examples, each named in the case's ``source`` field and in the R script:

- dat.bcg with escalc(measure = "RR"): metafor help pages ?rma.uni, ?confint.rma, ?leave1out, ?influence.rma.uni
  (mods = ~ ablat + year), ?trimfill, and ?rma.uni's subgroup example (alloc);
- dat.molloy2014 with escalc(measure = "ZCOR"): metadat's ?dat.molloy2014;
- dat.egger2001 with escalc(measure = "OR", subset = -16): metafor's ?regtest;
- dat.hine1989 with escalc(measure = "RD"): metadat's ?dat.hine1989 (homogeneous, tau^2 = 0: the boundary cases);
- chapter 9's sacroplasty pooling table (tests/reference/sacroplasty_effects.csv).

Every estimator (REML, ML, DL, PM, HE, SJ, EB, HS, FE) with z and Knapp-Hartung tests is compared on rma(),
predict(), confint(), leave1out(), influence(), regtest() (model "rma" and "lm"; predictors sei, vi, ni, ninv,
sqrtninv), trimfill() (L0, R0, Q0, each side), meta-regression and subgroups. R's fits used tight convergence
(threshold 1e-10, tol 1e-12), so agreement is required to a relative 1e-7 (absolute 1e-9 near zero).
``python tests/test_meta_reference.py`` prints the worst difference for each R function.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from sacro_kit.stats.meta import (egger_test, influence, leave_one_out, meta_analysis, subgroup_analysis,
                            trim_and_fill)

REFERENCE = json.loads(Path(__file__).with_name("reference").joinpath("metafor.json").read_text())
CASES = REFERENCE["cases"]
RTOL, ATOL = 1e-7, 1e-9


def _vec(x):
    if x is None:
        return [math.nan]
    if isinstance(x, (list, tuple)):
        return [math.nan if a is None else float(a) for a in x]
    return [float(x)]


def _pairs(ours, theirs):
    a, b = _vec(ours), _vec(theirs)
    assert len(a) == len(b), f"length {len(a)} vs {len(b)}"
    return list(zip(a, b))


def _diff(a, b):
    if math.isnan(b) or (math.isinf(b) and a == b):
        return 0.0 if (math.isnan(a) or a == b) else math.inf
    return abs(a - b) / max(1.0, abs(b))


def _num(values):
    """The inputs are stored as 17-significant-digit strings: exactly the doubles R used."""
    return [float(x) for x in values]


def _labels(case):
    labels = case.get("labels")
    return labels if isinstance(labels, list) and len(labels) == len(case["yi"]) else None


def _fit_key(key):
    method, test = key.split("_")
    return method, test == "knha"


def _intercept_checks(case, key, entry):
    """(R function, quantity, ours, R's) for one intercept-only fit and everything computed from it."""
    method, kh = _fit_key(key)
    r = meta_analysis(_num(case["yi"]), _num(case["vi"]), method=method, knapp_hartung=kh, labels=_labels(case))
    f = entry["fit"]
    out = [("rma", n, a, f[b]) for n, a, b in (
        ("estimate", r.estimate, "beta"), ("se", r.se, "se"), ("statistic", r.statistic, "zval"),
        ("pvalue", r.pvalue, "pval"), ("ci_low", r.ci_low, "ci_lb"), ("ci_high", r.ci_high, "ci_ub"),
        ("tau2", r.tau2, "tau2"), ("i2", r.i2, "I2"), ("h2", r.h2, "H2"), ("q", r.q, "QE"),
        ("q_pvalue", r.q_pvalue, "QEp"))]
    if method != "FE":
        out.append(("rma", "tau2_se", r.tau2_se, f["se_tau2"]))
        out += [("predict", "pi_low", r.pi_low, f["pi_lb"]), ("predict", "pi_high", r.pi_high, f["pi_ub"])]
        ci = r.confint()
        c = entry["confint"]
        for name, ref in (("tau2", "tau2"), ("tau", "tau"), ("i2", "I2"), ("h2", "H2")):
            out += [("confint", f"{name}_{part}", getattr(ci, attr), c[ref][j])
                    for j, (part, attr) in enumerate((("est", name), ("low", f"{name}_low"), ("high", f"{name}_high")))]
        assert ci.lower_note == c["lb_sign"] and ci.upper_note == c["ub_sign"] and ci.ci_null == c["ci_null"]
    loo = leave_one_out(r)
    lo = entry["leave1out"]
    out += [("leave1out", n, getattr(loo, a), lo[b]) for n, a, b in (
        ("estimate", "estimate", "estimate"), ("se", "se", "se"), ("statistic", "statistic", "zval"),
        ("pvalue", "pvalue", "pval"), ("ci_low", "ci_low", "ci_lb"), ("ci_high", "ci_high", "ci_ub"),
        ("q", "q", "Q"), ("q_pvalue", "q_pvalue", "Qp"), ("tau2", "tau2", "tau2"), ("i2", "i2", "I2"),
        ("h2", "h2", "H2"))]
    if "influence" in entry:
        out += _influence_checks(influence(r), entry["influence"])
    for name, kwargs in (("regtest_rma", {}), ("regtest_lm", {"model": "lm"}), ("regtest_vi", {"predictor": "vi"})):
        if name in entry:
            out += _regtest_checks(egger_test(r, **kwargs), entry[name], name)
    for name, kwargs in (("trimfill_L0", {}), ("trimfill_R0", {"estimator": "R0"}), ("trimfill_Q0", {"estimator": "Q0"}),
                         ("trimfill_left", {"side": "left"}), ("trimfill_right", {"side": "right"})):
        if name in entry:
            out += _trimfill_checks(r, kwargs, entry[name])
    return out


def _influence_checks(inf, ref):
    out = [("influence", n, getattr(inf, a), ref[b]) for n, a, b in (
        ("rstudent", "rstudent", "rstudent"), ("dffits", "dffits", "dffits"), ("cook_d", "cook_d", "cook_d"),
        ("cov_r", "cov_r", "cov_r"), ("tau2_del", "tau2_del", "tau2_del"), ("q_del", "q_del", "QE_del"),
        ("hat", "hat", "hat"), ("weight", "weight", "weight"))]
    dfb = ref["dfbetas"]
    dfb = list(dfb.values()) if isinstance(dfb, dict) else dfb
    out += [("influence", f"dfbetas[{j}]", inf.dfbetas[j], col) for j, col in enumerate(dfb)]
    assert list(inf.influential) == [bool(x) for x in _listify(ref["is_infl"])]
    return out


def _listify(x):
    return x if isinstance(x, list) else [x]


def _regtest_checks(t, ref, name):
    out = [(name, "statistic", t.statistic, ref["zval"]), (name, "pvalue", t.pvalue, ref["pval"]),
           (name, "slope", t.slope, ref["slope"])]
    assert (t.df is None) == (ref["ddf"] is None) and (t.df is None or t.df == ref["ddf"])
    if ref["est"] is not None:
        out += [(name, "limit_estimate", t.limit_estimate, ref["est"]),
                (name, "limit_ci_low", t.limit_ci_low, ref["ci_lb"]), (name, "limit_ci_high", t.limit_ci_high, ref["ci_ub"])]
    else:
        assert t.limit_estimate is None
    return out


def _trimfill_checks(r, kwargs, ref):
    if "error" in ref:
        with pytest.raises(ValueError):
            trim_and_fill(r, **kwargs)
        return []
    tf = trim_and_fill(r, **kwargs)
    assert tf.k0 == ref["k0"] and tf.side == ref["side"]
    out = [("trimfill", "se_k0", tf.se_k0, ref["se_k0"]), ("trimfill", "estimate", tf.result.estimate, ref["beta"]),
           ("trimfill", "se", tf.result.se, ref["se"]), ("trimfill", "ci_low", tf.result.ci_low, ref["ci_lb"]),
           ("trimfill", "ci_high", tf.result.ci_high, ref["ci_ub"]), ("trimfill", "tau2", tf.result.tau2, ref["tau2"]),
           ("trimfill", "q", tf.result.q, ref["QE"]), ("trimfill", "i2", tf.result.i2, ref["I2"])]
    if ref["p_k0"] is not None:
        out.append(("trimfill", "p_k0", tf.p_k0, ref["p_k0"]))
    if tf.k0:
        out += [("trimfill", "filled_yi", tf.filled_yi, ref["filled_yi"]),
                ("trimfill", "filled_vi", tf.filled_vi, ref["filled_vi"])]
    return out


def _mods_checks(case, key, entry):
    method, kh = _fit_key(key)
    mods = {name: _num(col) for name, col in zip(_listify(case["mod_names"]), case["mods"])}
    r = meta_analysis(_num(case["yi"]), _num(case["vi"]), method=method, knapp_hartung=kh, labels=_labels(case), mods=mods)
    f = entry["fit"]
    out = [("rma(mods)", n, a, f[b]) for n, a, b in (
        ("coef", r.coef, "beta"), ("se", r.se, "se"), ("statistic", r.statistic, "zval"), ("pvalue", r.pvalue, "pval"),
        ("ci_low", r.ci_low, "ci_lb"), ("ci_high", r.ci_high, "ci_ub"), ("tau2", r.tau2, "tau2"), ("i2", r.i2, "I2"),
        ("h2", r.h2, "H2"), ("q", r.q, "QE"), ("q_pvalue", r.q_pvalue, "QEp"), ("qm", r.qm, "QM"),
        ("qm_pvalue", r.qm_pvalue, "QMp"), ("r2", r.r2, "R2"))]
    if method != "FE":
        out.append(("rma(mods)", "tau2_se", r.tau2_se, f["se_tau2"]))
        ci = r.confint()
        c = entry["confint"]
        out += [("confint", f"tau2_{p}", getattr(ci, a), c["tau2"][j])
                for j, (p, a) in enumerate((("est", "tau2"), ("low", "tau2_low"), ("high", "tau2_high")))]
        out += [("confint", f"i2_{p}", getattr(ci, a), c["I2"][j])
                for j, (p, a) in enumerate((("est", "i2"), ("low", "i2_low"), ("high", "i2_high")))]
    out += _influence_checks(influence(r), entry["influence"])
    return out


def _subgroup_checks(case, key, entry):
    method, kh = _fit_key(key)
    s = subgroup_analysis(_num(case["yi"]), _num(case["vi"]), case["groups"], method=method, knapp_hartung=kh,
                          labels=_labels(case))
    assert s.subgroups["group"].tolist() == _listify(entry["levels"])
    assert s.subgroups["k"].tolist() == _listify(entry["k"])
    out = [("subgroups", n, s.subgroups[a].tolist(), entry[b]) for n, a, b in (
        ("estimate", "estimate", "estimate"), ("se", "se", "se"), ("ci_low", "ci_low", "ci_lb"),
        ("ci_high", "ci_high", "ci_ub"), ("tau2", "tau2", "tau2"), ("q", "q", "QE"))]
    out += [("subgroups", "q_between", s.q_between, entry["Qb"]), ("subgroups", "q_between_p", s.q_between_pvalue, entry["Qb_p"]),
            ("subgroups", "qm", s.qm, entry["QM"]), ("subgroups", "qm_p", s.qm_pvalue, entry["QMp"]),
            ("subgroups", "joint_tau2", s.regression.tau2, entry["joint_tau2"])]
    assert (s.qm_ddf is None) == (entry["QM_ddf"] is None)
    return out


def all_checks(case_name, key):
    case = CASES[case_name]
    entry = case["fits"][key]
    if "groups" in case:
        return _subgroup_checks(case, key, entry)
    if "mods" in case:
        return _mods_checks(case, key, entry)
    return _intercept_checks(case, key, entry)


FITS = [(c, k) for c in CASES for k in CASES[c]["fits"]]


@pytest.mark.parametrize("case_name,key", FITS, ids=[f"{c}-{k}" for c, k in FITS])
def test_matches_metafor(case_name, key):
    bad = []
    for func, name, ours, theirs in all_checks(case_name, key):
        for i, (a, b) in enumerate(_pairs(ours, theirs)):
            if not (_diff(a, b) <= RTOL or abs(a - b) <= ATOL):
                bad.append(f"{func} {name}[{i}]: ours {a!r}, metafor {b!r}")
    assert not bad, f"{len(bad)} disagreements, e.g.\n" + "\n".join(bad[:15])


def test_regtest_sample_size_predictors_match_metafor():
    # metafor ?regtest: regtest(res, model = "lm", predictor = "ni") etc. on dat.egger2001 (subset = -16).
    case = CASES["egger"]
    r = meta_analysis(_num(case["yi"]), _num(case["vi"]))
    for key, kwargs in (("lm_ni", dict(model="lm", predictor="ni")), ("lm_ninv", dict(model="lm", predictor="ninv")),
                        ("rma_ni", dict(predictor="ni")), ("rma_sqrtninv", dict(predictor="sqrtninv"))):
        checks = _regtest_checks(egger_test(r, ni=case["ni"], **kwargs), case["regtest_ni"][key], key)
        for _, name, a, b in checks:
            assert _diff(a, b) <= RTOL, (key, name, a, b)


def test_reference_covers_every_estimator_and_function():
    keys = {k for c in CASES.values() for k in c["fits"]}
    assert {f"{m}_{t}" for m in ("REML", "ML", "DL", "PM", "HE", "SJ", "EB", "HS", "FE") for t in ("z", "knha")} <= keys
    assert REFERENCE["metafor"] == "3.8.1"
    kinds = {"groups" in c and "subgroups" or "mods" in c and "mods" or "intercept" for c in CASES.values()}
    assert kinds == {"subgroups", "mods", "intercept"}


def worst_differences():
    """{R function: (worst relative difference, where)} over every reference check."""
    worst = defaultdict(lambda: (0.0, "", 0))
    for case_name, key in FITS:
        for func, name, ours, theirs in all_checks(case_name, key):
            for a, b in _pairs(ours, theirs):
                d = _diff(a, b)
                w, where, n = worst[func]
                worst[func] = (max(w, d), where if w >= d else f"{case_name} {key} {name}", n + 1)
    return dict(worst)


if __name__ == "__main__":
    for func, (d, where, n) in sorted(worst_differences().items()):
        print(f"{func:14s} {n:6d} values  worst relative difference {d:.2e}  ({where})")
