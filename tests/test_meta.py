"""Tests for sacro_kit.stats.meta and sacro_kit.plotting.meta_figures against metafor's documented output and statsmodels."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402
from scipy import optimize  # noqa: E402
from statsmodels.stats.meta_analysis import combine_effects  # noqa: E402

from sacro_kit.plotting.meta_figures import forest_plot, funnel_plot  # noqa: E402
from sacro_kit.stats.meta import (  # noqa: E402
    MetaResult,
    correlation_sensitivity,
    egger_test,
    influence,
    leave_one_out,
    mean_change,
    meta_analysis,
    min_k,
    standardized_mean_change,
    subgroup_analysis,
    trim_and_fill,
)

# ---------------------------------------------------------------- dat.bcg (Colditz et al. 1994)
# 2x2 counts as printed by `dat.bcg` in metafor's README (github.com/wviechtb/metafor, README.md, "Example"),
# the same data as metadat's dat.bcg (Colditz GA et al., JAMA 1994;271(9):698-702, doi:10.1001/jama.1994.03510330076038).
BCG = pd.DataFrame(
    {
        "author": [
            "Aronson",
            "Ferguson & Simes",
            "Rosenthal et al",
            "Hart & Sutherland",
            "Frimodt-Moller et al",
            "Stein & Aronson",
            "Vandiviere et al",
            "TPT Madras",
            "Coetzee & Berjak",
            "Rosenthal et al",
            "Comstock et al",
            "Comstock & Webster",
            "Comstock et al",
        ],
        "year": [1948, 1949, 1960, 1977, 1973, 1953, 1973, 1980, 1968, 1961, 1974, 1969, 1976],
        "tpos": [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27],
        "tneg": [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886],
        "cpos": [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29],
        "cneg": [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825],
    }
)
# escalc(measure = "RR") yi and vi as printed in the same README (4 decimals).
BCG_YI = [
    -0.8893,
    -1.5854,
    -1.3481,
    -1.4416,
    -0.2175,
    -0.7861,
    -1.6209,
    0.0120,
    -0.4694,
    -1.3713,
    -0.3394,
    0.4459,
    -0.0173,
]
BCG_VI = [0.3256, 0.1946, 0.4154, 0.0200, 0.0512, 0.0069, 0.2230, 0.0040, 0.0564, 0.0730, 0.0124, 0.5325, 0.0714]


def bcg_log_rr():
    """Log risk ratio and its variance (escalc measure "RR": log(a/n1) - log(c/n2), 1/a - 1/n1 + 1/c - 1/n2)."""
    a, b, c, d = (BCG[k].to_numpy(float) for k in ("tpos", "tneg", "cpos", "cneg"))
    yi = np.log(a / (a + b)) - np.log(c / (c + d))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def close(value, printed, decimals=4):
    """value rounds to the printed figure (half a unit of the last printed decimal)."""
    return abs(value - printed) <= 0.5 * 10**-decimals + 1e-12


def test_bcg_effect_sizes_match_readme():
    yi, vi = bcg_log_rr()
    assert all(close(y, p) for y, p in zip(yi, BCG_YI))
    assert all(close(v, p) for v, p in zip(vi, BCG_VI))


def test_bcg_reml_matches_metafor_output():
    # metafor rma(yi, vi, data = dat) [REML, test = "z"] on dat.bcg, printed in the RoBMA vignette
    # "Bayesian Meta-Analysis" (github.com/FBartos/RoBMA, vignettes): tau^2 0.3132 (SE = 0.1664), tau 0.5597,
    # I^2 92.22%, H^2 12.86, Q(df = 12) = 152.2330; estimate -0.7145, se 0.1798, zval -3.9744,
    # ci.lb -1.0669, ci.ub -0.3622; confint(): I^2 92.2214, H^2 12.8558.
    yi, vi = bcg_log_rr()
    r = meta_analysis(yi, vi)
    assert r.method == "REML" and r.k == 13 and r.df is None
    assert close(r.tau2, 0.3132) and close(r.tau2_se, 0.1664) and close(r.tau, 0.5597)
    assert close(r.i2, 92.2214) and close(r.h2, 12.8558)
    assert close(r.q, 152.2330) and r.q_df == 12
    assert close(r.estimate, -0.7145) and close(r.se, 0.1798) and close(r.statistic, -3.9744)
    assert close(r.ci_low, -1.0669) and close(r.ci_high, -0.3622)
    assert r.pvalue < 1e-4  # printed "<.0001"


def test_bcg_knapp_hartung_matches_metafor_readme():
    # metafor README: rma(yi, vi, data = dat, test = "knha"): estimate -0.7145, se 0.1808, tval -3.9522, df 12,
    # pval 0.0019, ci -1.1084 to -0.3206; predict(res, transf = exp, digits = 2): pi.lb 0.14, pi.ub 1.76.
    yi, vi = bcg_log_rr()
    r = meta_analysis(yi, vi, knapp_hartung=True)
    assert r.df == 12 and r.knapp_hartung
    assert close(r.estimate, -0.7145) and close(r.se, 0.1808) and close(r.statistic, -3.9522)
    assert close(r.pvalue, 0.0019) and close(r.ci_low, -1.1084) and close(r.ci_high, -0.3206)
    assert close(math.exp(r.pi_low), 0.14, 2) and close(math.exp(r.pi_high), 1.76, 2)


def test_bcg_dl_and_fe_match_metafor_tests():
    # metafor tests/testthat/test_metan_vs_rma.uni_with_dat.bcg.r (CRAN metafor, compared with Stata metan):
    # DL: b -0.714, ci -1.064 to -0.364, zval -4.00, tau2 .3088, I2 92.1; FE: b -0.430, ci -0.510 to -0.351,
    # zval -10.62, QE 152.23; predict(transf = exp): DL 0.490 [0.345, 0.695], FE 0.650 [0.601, 0.704].
    yi, vi = bcg_log_rr()
    dl = meta_analysis(yi, vi, method="DL")
    assert close(dl.estimate, -0.714, 3) and close(dl.ci_low, -1.064, 3) and close(dl.ci_high, -0.364, 3)
    assert close(dl.statistic, -4.00, 2) and close(dl.tau2, 0.3088) and close(dl.i2, 92.1, 1)
    assert close(math.exp(dl.estimate), 0.490, 3) and close(math.exp(dl.ci_low), 0.345, 3)
    fe = meta_analysis(yi, vi, method="FE")
    assert close(fe.estimate, -0.430, 3) and close(fe.ci_low, -0.510, 3) and close(fe.ci_high, -0.351, 3)
    assert close(fe.statistic, -10.62, 2) and close(fe.q, 152.23, 2)
    assert close(math.exp(fe.ci_high), 0.704, 3)
    assert fe.tau2 == 0 and fe.pi_low is None and fe.pi_high is None


# ---------------------------------------------------------------- Kacker (2004) example, metafor via statsmodels
# statsmodels/stats/tests/results/results_meta.py: R metafor rma(y, v, method = ..., control = list(tol = 1e-9))
# on the Kacker 2004 data, with full-precision output (exk1_metafor = PM, exk1_dl, exk1_dl_hksj, exk1_fe, exk1_fe_hksj).
KACKER_Y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]


def test_kacker_pm_matches_metafor():
    r = meta_analysis(KACKER_Y, KACKER_V, method="PM")
    assert r.tau2 == pytest.approx(0.705395309224248, rel=1e-7)
    assert r.estimate == pytest.approx(62.4076199113286, rel=1e-9)
    assert r.se == pytest.approx(0.338030602684471, rel=1e-7)
    assert r.ci_low == pytest.approx(61.7450921043947, rel=1e-9)
    assert r.ci_high == pytest.approx(63.0701477182625, rel=1e-9)
    assert r.q == pytest.approx(24.801897741835, rel=1e-10)
    assert r.q_pvalue == pytest.approx(0.00167935146372742, rel=1e-9)
    assert r.i2 == pytest.approx(83.7218626490482, rel=1e-7)
    assert r.h2 == pytest.approx(6.14320900751909, rel=1e-7)
    assert r.tau2_se == pytest.approx(0.51419109758052, rel=1e-6)


def test_kacker_q_and_dl_tau2_are_exact():
    # Exact rational arithmetic (fractions) for Q and the DerSimonian-Laird tau^2: ours agree to ~1e-15, while
    # metafor's printed values (24.801897741835, 0.288049246973751) carry rounding error near the 11th digit;
    # hence the rel = 1e-10 tolerances against metafor above and below.
    from fractions import Fraction

    y = [Fraction(str(x)) for x in KACKER_Y]
    w = [1 / Fraction(str(x)) for x in KACKER_V]
    mu = sum(a * b for a, b in zip(w, y)) / sum(w)
    q = sum(a * (b - mu) ** 2 for a, b in zip(w, y))
    tau2 = (q - 8) / (sum(w) - sum(a * a for a in w) / sum(w))
    dl = meta_analysis(KACKER_Y, KACKER_V, method="DL")
    assert dl.q == pytest.approx(float(q), rel=1e-14)
    assert dl.tau2 == pytest.approx(float(tau2), rel=1e-13)


def test_kacker_dl_and_knha_match_metafor():
    dl = meta_analysis(KACKER_Y, KACKER_V, method="DL")
    assert dl.tau2 == pytest.approx(0.288049246973751, rel=1e-10)
    assert dl.estimate == pytest.approx(62.3901386044504, rel=1e-10)
    assert dl.se == pytest.approx(0.245749668040304, rel=1e-10)
    assert dl.ci_low == pytest.approx(61.9084781058787, rel=1e-10)
    assert dl.i2 == pytest.approx(67.744403741711, rel=1e-10)
    assert dl.h2 == pytest.approx(3.10023721772938, rel=1e-10)
    assert dl.tau2_se == pytest.approx(0.269366223207558, rel=1e-10)
    kh = meta_analysis(KACKER_Y, KACKER_V, method="DL", knapp_hartung=True)
    assert kh.se == pytest.approx(0.29477605699879, rel=1e-10)
    assert kh.statistic == pytest.approx(211.652666908108, rel=1e-10)
    assert kh.pvalue == pytest.approx(2.77938607433693e-16, rel=1e-6)
    assert kh.ci_low == pytest.approx(61.710383798052, rel=1e-10)
    assert kh.ci_high == pytest.approx(63.0698934108488, rel=1e-10)


def test_kacker_fe_matches_metafor():
    fe = meta_analysis(KACKER_Y, KACKER_V, method="FE")
    assert fe.estimate == pytest.approx(62.5833970939982, rel=1e-10)
    assert fe.se == pytest.approx(0.107845705498231, rel=1e-10)
    assert fe.i2 == pytest.approx(67.744403741711, rel=1e-10)  # FE: (Q - df) / Q
    assert fe.h2 == pytest.approx(3.10023721772938, rel=1e-10)
    fe_kh = meta_analysis(KACKER_Y, KACKER_V, method="FE", knapp_hartung=True)
    assert fe_kh.se == pytest.approx(0.189889223522271, rel=1e-10)
    assert fe_kh.pvalue == pytest.approx(8.04326466920145e-18, rel=1e-6)
    assert any("Knapp-Hartung" in w for w in fe_kh.warnings)


# ---------------------------------------------------------------- statsmodels on the same settings


def test_dl_matches_statsmodels_chi2():
    yi, vi = bcg_log_rr()
    sm = combine_effects(yi, vi, method_re="chi2")
    r = meta_analysis(yi, vi, method="DL")
    assert r.tau2 == pytest.approx(sm.tau2, rel=1e-10)
    assert r.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert r.se == pytest.approx(sm.sd_eff_w_re, rel=1e-10)
    assert r.q == pytest.approx(sm.q, rel=1e-10)
    assert r.i2 == pytest.approx(100 * sm.i2, rel=1e-10)
    assert np.allclose(np.array(r.weights) / 100, sm.weights_rel_re, rtol=1e-12)
    kh = meta_analysis(yi, vi, method="DL", knapp_hartung=True)
    assert kh.se == pytest.approx(sm.sd_eff_w_re_hksj, rel=1e-10)  # statsmodels' "random effect wls" (HKSJ) row


def test_pm_matches_statsmodels_iterated():
    yi, vi = bcg_log_rr()
    sm = combine_effects(yi, vi, method_re="iterated", atol=1e-13, maxiter=1000)
    r = meta_analysis(yi, vi, method="PM")
    assert r.tau2 == pytest.approx(sm.tau2, rel=1e-9)
    assert r.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
    assert r.se == pytest.approx(sm.sd_eff_w_re, rel=1e-9)


def test_reml_and_ml_maximise_their_likelihoods():
    # Independent check with scipy: maximise the (restricted) log-likelihood of the random-effects model directly.
    yi, vi = bcg_log_rr()

    def neg_loglik(tau2, restricted):
        w = 1 / (vi + tau2)
        mu = np.sum(w * yi) / w.sum()
        out = 0.5 * np.sum(np.log(vi + tau2)) + 0.5 * np.sum(w * (yi - mu) ** 2)
        return out + (0.5 * math.log(w.sum()) if restricted else 0.0)

    for method, restricted in (("REML", True), ("ML", False)):
        opt = optimize.minimize_scalar(
            neg_loglik, bounds=(0, 5), args=(restricted,), method="bounded", options={"xatol": 1e-12}
        )
        assert meta_analysis(yi, vi, method=method).tau2 == pytest.approx(opt.x, abs=1e-7), method


def test_reml_truncates_at_zero_when_homogeneous():
    r = meta_analysis([0.10, 0.11, 0.09, 0.10], [0.04, 0.05, 0.04, 0.06])
    assert r.tau2 == 0 and r.i2 == 0 and r.h2 == 1
    assert r.pi_low == pytest.approx(r.ci_low) and r.pi_high == pytest.approx(r.ci_high)


# ---------------------------------------------------------------- edge cases and errors


def test_single_study_follows_metafor():
    r = meta_analysis([0.5], [0.04], labels=["only"])
    assert r.k == 1 and r.tau2 == 0 and r.q == 0 and r.q_df == 0 and r.q_pvalue == 1
    assert r.i2 == 0 and r.h2 == 1 and r.estimate == 0.5 and r.se == pytest.approx(0.2)
    assert any("k = 1" in w for w in r.warnings)
    with pytest.raises(ValueError, match="at least 2"):
        meta_analysis([0.5], [0.04], knapp_hartung=True)


def test_two_studies_work_for_every_method():
    for method in ("REML", "ML", "DL", "PM", "FE"):
        r = meta_analysis([0.2, 0.9], [0.01, 0.02], method=method, knapp_hartung=method != "FE")
        assert r.k == 2 and np.isfinite(r.estimate) and np.isfinite(r.ci_low)
        if method != "FE":
            assert r.df == 1 and any("k = 2" in w for w in r.warnings)


@pytest.mark.parametrize(
    "args,kwargs,match",
    [
        (([0.1, 0.2], [0.01]), {}, "differ in length"),
        (([0.1, 0.2], [0.01, 0.0]), {}, "positive"),
        (([0.1, np.nan], [0.01, 0.02]), {}, "missing"),
        (([0.1, 0.2], [0.01, 0.02]), {"method": "GENQ"}, "method"),
        (([0.1, 0.2], [0.01, 0.02]), {"conf_level": 95}, "conf_level"),
        (([0.1, 0.2], [0.01, 0.02]), {"labels": ["a"]}, "labels"),
        (([], []), {}, "empty"),
    ],
)
def test_bad_input_raises(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        meta_analysis(*args, **kwargs)


def test_result_frame_and_text():
    yi, vi = bcg_log_rr()
    labels = [f"{a} {y}" for a, y in zip(BCG.author, BCG.year)]
    r = meta_analysis(yi, vi, labels=labels, conf_level=0.9)
    frame = r.studies()
    assert list(frame.columns) == ["label", "yi", "vi", "se", "ci_low", "ci_high", "weight"]
    summary = r.to_frame()
    assert len(summary) == 1 and summary.loc[0, "estimate"] == r.estimate and summary.loc[0, "k"] == 13
    statistic, pvalue = r
    assert (statistic, pvalue) == (r.statistic, r.pvalue)
    assert frame["weight"].sum() == pytest.approx(100)
    assert frame.loc[0, "ci_high"] - frame.loc[0, "yi"] == pytest.approx(1.6448536269514722 * math.sqrt(vi[0]))
    assert "tau^2 = 0.3132" in str(r) and "Aronson" not in repr(r)
    with pytest.raises(Exception):
        r.tau2 = 0  # frozen


# ---------------------------------------------------------------- effect sizes


def test_mean_change_is_escalc_mc():
    # escalc(measure = "MC"): yi = m1i - m2i, vi = (sd1i^2 + sd2i^2 - 2 ri sd1i sd2i) / ni (metafor R/escalc.r),
    # with m1i = pre so that a decrease is positive; Cochrane Handbook v6 6.5.2.8 SD of the change.
    out = mean_change([7.5, 9.2], [0.8, 1.1], [4.1, 1.9], [1.6, 1.7], [16, 204], r=[0.5, 0.0])
    assert out["yi"].tolist() == pytest.approx([3.4, 7.3])
    assert out["vi"].tolist() == pytest.approx([(0.64 + 2.56 - 1.28) / 16, (1.21 + 2.89) / 204])
    assert out["sd_change"][1] == pytest.approx(math.sqrt(4.10))
    with pytest.raises(ValueError, match="r must"):
        mean_change(7, 1, 3, 1, 10, r=1.5)
    with pytest.raises(ValueError, match="n must"):
        mean_change(7, 1, 3, 1, 0)
    with pytest.raises(ValueError, match="missing"):
        mean_change(7, np.nan, 3, 1, 10)


# metafor tests/testthat/test_analysis_example_morris2008.r (Morris 2008 data): escalc(measure = "SMCR",
# m1i = m_post, m2i = m_pre, sd1i = sd_pre, ni, ri) gives, rounded to 4 decimals,
# treatment yi 0.5056 1.0481 1.8054 1.4181 0.0801, vi 0.0594 0.0254 0.2322 0.1225 0.0802;
# control yi -0.2365 0.0958 0.0000 0.2667 -0.4250, vi 0.0544 0.0173 0.0511 0.0232 0.0864.
# SMCC (sd1i = sd_post, sd2i = sd_pre): treatment yi 0.5417 1.0198 2.6619 1.9088 0.0765, vi 0.0573 0.0304 0.5048
# 0.2822 0.0716.
MORRIS_T = dict(
    m_pre=[30.6, 23.5, 0.5, 53.4, 35.6],
    m_post=[38.5, 26.8, 0.7, 75.9, 36.0],
    sd_pre=[15.0, 3.1, 0.1, 14.5, 4.7],
    sd_post=[11.6, 4.1, 0.1, 4.4, 4.6],
    n=[20, 50, 9, 10, 14],
    r=[0.47, 0.64, 0.77, 0.89, 0.44],
)
MORRIS_C = dict(
    m_pre=[23.1, 24.9, 0.6, 55.7, 34.8],
    m_post=[19.7, 25.3, 0.6, 60.7, 33.4],
    sd_pre=[13.8, 4.1, 0.2, 17.3, 3.1],
    sd_post=[14.8, 3.3, 0.2, 17.9, 6.9],
    n=[20, 42, 9, 11, 14],
    r=[0.47, 0.64, 0.77, 0.89, 0.44],
)


def test_smcr_matches_metafor_morris2008():
    # Our sign convention is pre minus post, the opposite of that test's post minus pre: yi flips, vi does not.
    for data, yi, vi in (
        (MORRIS_T, [0.5056, 1.0481, 1.8054, 1.4181, 0.0801], [0.0594, 0.0254, 0.2322, 0.1225, 0.0802]),
        (MORRIS_C, [-0.2365, 0.0958, 0.0000, 0.2667, -0.4250], [0.0544, 0.0173, 0.0511, 0.0232, 0.0864]),
    ):
        out = standardized_mean_change(data["m_pre"], data["sd_pre"], data["m_post"], None, data["n"], data["r"])
        assert all(close(-a, b) for a, b in zip(out["yi"], yi))
        assert all(close(a, b) for a, b in zip(out["vi"], vi))


def test_smcc_matches_metafor_morris2008():
    # escalc SMCC uses sddi from sd1i = sd_post and sd2i = sd_pre; the formula is symmetric in the two SDs.
    out = standardized_mean_change(
        MORRIS_T["m_pre"],
        MORRIS_T["sd_pre"],
        MORRIS_T["m_post"],
        MORRIS_T["sd_post"],
        MORRIS_T["n"],
        MORRIS_T["r"],
        measure="SMCC",
    )
    assert all(close(-a, b) for a, b in zip(out["yi"], [0.5417, 1.0198, 2.6619, 1.9088, 0.0765]))
    assert all(close(a, b) for a, b in zip(out["vi"], [0.0573, 0.0304, 0.5048, 0.2822, 0.0716]))
    with pytest.raises(ValueError, match="sd_post"):
        standardized_mean_change(7, 1, 3, None, 10, measure="SMCC")
    with pytest.raises(ValueError, match="n >= 3"):
        standardized_mean_change(7, 1, 3, None, 2)


# ---------------------------------------------------------------- correlation sensitivity


def _toy_frame():
    return pd.DataFrame(
        {
            "label": ["A", "B", "C", "D"],
            "mean_pre": [7.5, 9.2, 8.8, 8.0],
            "sd_pre": [0.8, 1.1, 0.7, 1.9],
            "mean_post": [4.1, 1.9, 2.6, 4.0],
            "sd_post": [1.6, 1.7, 0.6, 1.4],
            "n": [16, 204, 25, 19],
            "eligible": [True, True, True, False],
        }
    )


def test_correlation_sensitivity_repeats_the_pooling_for_each_r():
    frame = _toy_frame()
    out = correlation_sensitivity(frame, r_values=(0.0, 0.5, 0.9), knapp_hartung=True)
    assert out["r"].tolist() == [0.0, 0.5, 0.9] and (out["k"] == 3).all()
    used = frame[frame.eligible]
    for _, row in out.iterrows():
        eff = mean_change(used.mean_pre, used.sd_pre, used.mean_post, used.sd_post, used.n, r=row["r"])
        direct = meta_analysis(eff.yi, eff.vi, knapp_hartung=True)
        assert row["estimate"] == pytest.approx(direct.estimate, rel=1e-10)
        assert row["ci_low"] == pytest.approx(direct.ci_low, rel=1e-10)
        assert row["tau2"] == pytest.approx(direct.tau2, rel=1e-10)
    with pytest.raises(ValueError, match="lacks columns"):
        correlation_sensitivity(frame.drop(columns="sd_post"))


# ---------------------------------------------------------------- plots


def test_forest_plot_draws_one_square_per_study_and_the_summary():
    yi, vi = bcg_log_rr()
    labels = [f"{a} {y}" for a, y in zip(BCG.author, BCG.year)]
    r = meta_analysis(yi, vi, labels=labels)
    before = plt.get_fignums()
    fig = forest_plot(r, highlight="Aronson 1948", xlabel="log risk ratio")
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not registered with pyplot, never shown
    ax = fig.axes[0]
    squares = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(squares) == 13
    sizes = np.array([c.get_sizes()[0] for c in squares])
    assert np.argmax(sizes) == int(np.argmax(r.weights))  # the biggest square is the heaviest study
    assert sum(isinstance(p, Polygon) for p in ax.patches) == 1  # pooled diamond
    # header, 13 studies, pooled, prediction interval; each label's last line carries its numbers (narrow figure)
    ticks = [t.get_text().split("\n") for t in ax.get_yticklabels()]
    assert len(ticks) == 16 and ticks[0] == ["Estimate [95% CI], weight"]
    assert [" ".join(" ".join(t[:-1]).split()) for t in ticks[1:14]] == labels  # long labels wrap
    assert "Random-effects" in ticks[14][0] and "prediction interval" in ticks[15][0]
    assert ticks[1][-1].startswith("-0.89 [-2.01, 0.23], ")
    assert ticks[14][-1] == "-0.71 [-1.07, -0.36], 100%"
    assert sum(t[-1].endswith("%") for t in ticks[1:14]) == 13
    assert ax.get_yticklabels()[1].get_fontweight() == "bold"  # highlighted
    fig.canvas.draw()


def test_forest_plot_on_given_axes_and_fixed_effect():
    fig0, ax = plt.subplots()
    try:
        r = meta_analysis([0.2, 0.5, 0.9], [0.04, 0.05, 0.06], method="FE", labels=["A", "B", "C"])
        fig = forest_plot(r, ax=ax, highlight=[0, "C"])
        assert fig is fig0
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert len(ticks) == 5 and "Common-effect" in ticks[-1]  # header, 3 studies, pooled: no PI for FE
        with pytest.raises(ValueError, match="matches no study"):
            forest_plot(r, highlight="Z")
        with pytest.raises(ValueError, match="labels"):
            forest_plot(r, labels=["A"])
    finally:
        plt.close(fig0)


def test_funnel_plot():
    yi, vi = bcg_log_rr()
    r = meta_analysis(yi, vi)
    fig = funnel_plot(r, highlight=0)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 13
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # standard error axis inverted
    assert ax.get_ylabel() == "Standard error"
    fig.canvas.draw()


def test_meta_result_type():
    assert isinstance(meta_analysis([0.1, 0.3], [0.01, 0.02]), MetaResult)


# ---------------------------------------------------------------- new methods: input checks and behaviour
# (their numbers are checked against metafor in tests/test_meta_reference.py)


def test_new_public_names_resolve():
    import sacro_kit as sk

    for name in (
        "leave_one_out",
        "influence",
        "egger_test",
        "trim_and_fill",
        "subgroup_analysis",
        "min_k",
        "MetaRegressionResult",
        "HeterogeneityCI",
    ):
        assert callable(getattr(sk, name)) or isinstance(getattr(sk, name), type), name


def test_mods_must_be_numeric_and_complete():
    yi, vi = bcg_log_rr()
    with pytest.raises(ValueError, match="not numeric"):
        meta_analysis(yi, vi, mods=pd.DataFrame({"alloc": ["random"] * 13}))
    with pytest.raises(ValueError, match="missing at positions \\[2\\]"):
        meta_analysis(yi, vi, mods=[1.0, 2.0, None] + [3.0] * 10)
    with pytest.raises(ValueError, match="collinear"):
        meta_analysis(yi, vi, mods=[1.0] * 13)
    with pytest.raises(ValueError, match="cannot estimate"):
        meta_analysis(yi[:2], vi[:2], mods=[1.0, 2.0])


def test_meta_regression_frame_predict_and_note():
    yi, vi = bcg_log_rr()
    reg = meta_analysis(yi, vi, mods={"year": BCG["year"]}, knapp_hartung=True)
    frame = reg.to_frame()
    assert frame["term"].tolist() == ["intrcpt", "year"] and reg.df == 11
    qm, qm_p = reg
    assert qm == reg.qm and 0 <= qm_p <= 1
    pred = reg.predict([[1960.0]])
    assert pred.loc[0, "pred"] == pytest.approx(reg.coef[0] + 1960 * reg.coef[1])
    assert pred.loc[0, "pi_low"] < pred.loc[0, "ci_low"]
    assert not any("per moderator" in w for w in reg.warnings)  # 13 studies for 1 moderator is enough; 6 is not
    small = meta_analysis(yi[:6], vi[:6], mods=BCG["year"][:6].tolist())
    assert any("fewer than 10 studies per moderator" in w for w in small.warnings)


def test_subgroup_analysis_refuses_missing_groups_and_reports_small_k():
    yi, vi = bcg_log_rr()
    groups = ["a"] * 6 + ["b"] * 7
    with pytest.raises(ValueError, match="missing at positions \\[0\\]"):
        subgroup_analysis(yi, vi, [None] + groups[1:])
    with pytest.raises(ValueError, match="at least 2 subgroups"):
        subgroup_analysis(yi, vi, ["a"] * 13)
    s = subgroup_analysis(yi, vi, groups)
    assert s.to_frame()["k"].tolist() == [6, 7] and s.regression is not None
    one = subgroup_analysis(yi[:4], vi[:4], ["a", "a", "a", "b"])
    assert any("one study" in n for n in one.notes) and any("little power" in n for n in one.notes)


def test_diagnostics_refuse_what_metafor_refuses():
    yi, vi = bcg_log_rr()
    reg = meta_analysis(yi, vi, mods=BCG["year"].tolist())
    with pytest.raises(TypeError):
        leave_one_out(reg)
    with pytest.raises(TypeError):
        trim_and_fill(reg)
    with pytest.raises(ValueError, match="common-effect"):
        meta_analysis(yi, vi, method="FE").confint()
    with pytest.raises(ValueError, match="k = 1"):
        meta_analysis([0.5], [0.04]).confint()
    with pytest.raises(ValueError, match="ni"):
        egger_test(meta_analysis(yi, vi), predictor="ni")
    assert min_k("egger_test") == 10 and min_k("subgroups", 2) == 20
    with pytest.raises(ValueError):
        min_k("funnel")


def test_influence_flags_an_outlier_and_frames():
    r = meta_analysis([0.2, 0.5, 0.9, 0.4, 2.5, 0.3], [0.04, 0.05, 0.06, 0.05, 0.04, 0.05])
    inf = influence(r)
    frame = inf.to_frame()
    assert frame.loc[4, "influential"] and frame["influential"].sum() == 1
    assert frame["weight"].sum() == pytest.approx(100) and "dfbetas_intrcpt" in frame


def test_funnel_plot_shows_filled_studies():
    yi, vi = bcg_log_rr()
    tf = trim_and_fill(meta_analysis(yi, vi, method="FE"))
    assert tf.k0 > 0
    fig = funnel_plot(tf)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("filled by trim-and-fill" in t for t in labels) and any("as observed" in t for t in labels)
    assert tf.to_frame()["filled"].sum() == tf.k0
    plt.close("all")


def test_funnel_plot_says_when_trim_and_fill_filled_nothing():
    r = meta_analysis([0.2, 0.5, 0.9, 0.4, 0.6], [0.04, 0.05, 0.06, 0.05, 0.04])
    tf = trim_and_fill(r, side="left")
    assert tf.k0 == 0 and tf.result is r and tf.filled_yi == ()
    labels = [t.get_text() for t in funnel_plot(tf).axes[0].get_legend().get_texts()]
    assert any("none missing on the left side" in " ".join(t.split()) for t in labels)
    plt.close("all")
