"""Tests of sacro_kit.forensics.reconstruction: exact counts, uniform margins, joint cohorts that pass verification, the CSV."""

from __future__ import annotations

import importlib
import itertools
import subprocess
import sys
import time
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sacro_kit.io.card import load_reported
from sacro_kit.io.cohort import COHORT_COLUMNS, load_cohort
from sacro_kit.io.resources import DATA_DIR
from sacro_kit.forensics.consistency import _constraints, _lattice, _read_triple, quartile_types
from sacro_kit.stats.quantiles import QUANTILE_METHODS
from sacro_kit.stats.responders import responders

R = importlib.import_module("sacro_kit.forensics.reconstruction")  # the package exports a function of the same name
count_samples, reconstruct, verify_cohort = R.count_samples, R.reconstruct, R.verify_cohort


@pytest.fixture(scope="module")
def cohorts(card):
    return reconstruct(card, n_cohorts=40, seed=11)


def _fivenum_hinges(x):
    """R's stats::fivenum hinges: n4 <- floor((n+3)/2)/2; 0.5*(x[floor(d)] + x[ceiling(d)])."""
    x = np.sort(np.asarray(x, dtype=float))
    n = x.size
    n4 = np.floor((n + 3) / 2) / 2
    return [0.5 * (x[int(np.floor(d)) - 1] + x[int(np.ceil(d)) - 1]) for d in (n4, (n + 1) / 2, n + 1 - n4)]


_NUMPY = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation", 4: "interpolated_inverted_cdf",
          5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased", 9: "normal_unbiased"}


def _quartiles(sample, method):
    if method == "tukey":
        return _fivenum_hinges(sample)
    return list(np.quantile(np.asarray(sample, dtype=float), [0.25, 0.5, 0.75], method=_NUMPY[method]))


def _prints(value: float, text: str, decimals: int = 1) -> bool:
    """Whether value rounds (either tie direction) to text read at ``decimals`` places or more."""
    places = max(len(text.split(".")[1]) if "." in text else 0, decimals)
    return abs(value - float(text)) <= 0.5 * 10 ** -places + 1e-9


# ---------------------------------------------------------------------------------------------------------------------
# Exact counting


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_count_samples_equals_brute_force(method):
    # Every sorted sample (itertools.combinations_with_replacement) for small n and scales, quartiles by numpy
    # (R's fivenum for hinges): the DP count equals the number of samples that print as the triple.
    rng = np.random.default_rng(QUANTILE_METHODS.index(method))
    for _ in range(8):
        n, top = int(rng.integers(1, 9)), int(rng.integers(1, 5))
        sample = np.sort(rng.integers(0, top + 1, n))
        triple = [f"{v:.1f}".rstrip("0").rstrip(".") for v in _quartiles(sample, method)]
        brute = sum(all(_prints(v, t) for v, t in zip(_quartiles(s, method), triple))
                    for s in itertools.combinations_with_replacement(range(top + 1), n))
        assert count_samples(n, *triple, quantile_type=method, scale=(0, top), decimals=1) == brute, (n, top, triple)


def test_count_samples_on_a_half_step_lattice():
    # weeks-like lattice 0.5..3 by 0.5, type 4 (interpolated inverse ECDF), n = 6
    values = [x / 2 for x in range(1, 7)]
    triple = ("1", "1.5", "2")
    brute = sum(all(_prints(v, t) for v, t in zip(_quartiles(s, 4), triple))
                for s in itertools.combinations_with_replacement(values, 6))
    assert brute > 0
    assert count_samples(6, *triple, quantile_type=4, scale=(0.5, 3), step=0.5, decimals=1) == brute


def test_count_samples_agrees_with_quartile_types_and_is_fast():
    for n, triple in ((29, ("4", "7", "8.5")), (29, ("1", "2", "3.5")), (13, ("4", "6", "6.8"))):
        fitting = quartile_types(n, *triple, decimals=1)
        for method in QUANTILE_METHODS:
            assert (count_samples(n, *triple, quantile_type=method, decimals=1) > 0) == (method in fitting)
    start = time.perf_counter()
    count = count_samples(29, "4", "7", "8.5", quantile_type=4, decimals=1)
    assert time.perf_counter() - start < 1.0
    assert count > 10_000 and isinstance(count, int)


def test_sampler_is_uniform_over_sorted_samples():
    # 72 admissible sorted samples (Tukey hinges, n = 9, 0..5, Q1 1, median 2, Q3 3); 14,400 draws should be
    # uniform over them: chi-square goodness of fit (scipy) with a fixed seed.
    n, triple = 9, ("1", "2", "3")
    total = count_samples(n, *triple, quantile_type="tukey", scale=(0, 5), decimals=1)
    sampler = R._SortedSampler(n, _lattice((0, 5), 1).values, _constraints(n, _read_triple(*triple, 1), "tukey"),
                               "up_or_down")
    rng = np.random.default_rng(3)
    counts = Counter(tuple(sampler.sample(rng)) for _ in range(200 * total))
    assert len(counts) == total
    assert stats.chisquare(list(counts.values())).pvalue > 0.001
    for sample in counts:
        assert all(_prints(v, t) for v, t in zip(_fivenum_hinges(sample), triple))


def test_sampler_with_a_printed_mean_hits_exactly_the_admissible_samples():
    values = _lattice((Fraction(1, 2), 3), Fraction(1, 2)).values
    constraints = _constraints(6, _read_triple("1", "1.5", "2", 1), 4)
    low, high = Fraction(19, 2), Fraction(11)
    sampler = R._SortedSampler(6, values, constraints, "up_or_down", sum_ok=lambda s: low <= s <= high, sum_max=high)
    rng = np.random.default_rng(5)
    drawn = {tuple(sampler.sample(rng)) for _ in range(3000)}
    brute = {tuple(float(v) for v in s) for s in itertools.combinations_with_replacement(values, 6)
             if low <= sum(s) <= high and all(_prints(v, t) for v, t in zip(_quartiles([float(x) for x in s], 4),
                                                                                 ("1", "1.5", "2")))}
    assert drawn == brute and len(brute) == int(sampler.total)


def test_chain_signed_rank_z_matches_scipy():
    # the swap chain's signed-rank statistic (from the histogram of differences) gives scipy's p exactly:
    # scipy.stats.wilcoxon(d, correction=True, method="asymptotic"), zeros dropped, tie-corrected variance
    rng = np.random.default_rng(8)
    for _ in range(300):
        d = rng.integers(-6, 7, int(rng.integers(2, 60)))
        if not d.any():
            continue
        pos, neg = [0] * 7, [0] * 7
        for x in d:
            if x > 0:
                pos[x] += 1
            elif x < 0:
                neg[-x] += 1
        expected = stats.wilcoxon(d, correction=True, method="asymptotic").pvalue
        assert 2 * stats.norm.sf(R._signed_rank_z(pos, neg)) == pytest.approx(expected, rel=1e-12, abs=1e-300)


# ---------------------------------------------------------------------------------------------------------------------
# Joint cohorts


def test_every_cohort_passes_verification(card, cohorts):
    for cohort in cohorts:
        table = verify_cohort(cohort, card)
        assert bool(table["ok"].all())
        assert table["ok"].notna().sum() > 40
        unattainable = table[table["ok"].isna()]
        # only the activity p-value (no rank test on 13 pairs gives p < 0.0001) and the unstated n
        assert set(unattainable.claim) == {"activity_pain", "pain_duration"}
        assert unattainable.note.str.contains("unattainable|does not state").all()


def test_cohorts_in_loader_schema_and_logically_consistent(card, cohorts):
    for cohort in cohorts:
        assert list(cohort.columns) == list(COHORT_COLUMNS)
        assert [str(t) for t in cohort.dtypes] == [c.dtype for c in COHORT_COLUMNS.values()]
        assert cohort.patient_id.tolist() == [f"R{i:02d}" for i in range(1, 58)]
        followed = cohort.followup_weeks.notna()
        assert followed.sum() == 45 and cohort.pain_decreased.notna().sum() == 45
        assert (cohort.pain_decreased.notna() == followed).all()
        for pre, post, n in (("rest_pre", "rest_post", 29), ("activity_pre", "activity_post", 13)):
            pair = cohort[pre].notna() & cohort[post].notna()
            assert pair.sum() == n and (pair <= followed).all()
        fell = (cohort.rest_post < cohort.rest_pre).fillna(False) | \
               (cohort.activity_post < cohort.activity_pre).fillna(False)
        assert cohort.pain_decreased[fell].all()
        assert not fell[cohort.pain_decreased.eq(False).fillna(False)].any()
        assert cohort.pain_decreased.sum() == 37
        assert cohort.opioids_pre.notna().all() and cohort.opioids_post.notna().all()
        assert (cohort.rest_pre.dropna() >= 1).all()   # relative decrease needs a non-zero baseline
        weeks = cohort.pain_weeks.dropna()
        assert ((weeks * 2) % 1 == 0).all() and weeks.between(0.5, 26).all()


def test_responder_boundary_is_exact():
    # "at least a 30 % decrease": 10 -> 7 is exactly 30 % and counts, 10 -> 8 (20 %) does not
    spec = R._PairSpec("x", ("rest_pre", "rest_post"), 2, "followed", None, None,
                       (Fraction(3, 10), "relative", 1), None, None)
    hit, _ = R._pair_codes(np.array([10, 10]), np.array([7, 8]), spec)
    assert hit.tolist() == [1, 0]
    assert responders([10, 10], [7, 8], 0.30).k == 1


def test_reported_p_values_reproduced_where_attainable(card, cohorts):
    from sacro_kit.stats.paired import sign_test, wilcoxon
    for cohort in cohorts[:10]:
        for pre, post in (("rest_pre", "rest_post"), ("opioids_pre", "opioids_post")):
            both = cohort[[pre, post]].dropna().to_numpy(dtype=float)
            # R wilcox.test default with ties: zeros dropped, normal approximation, continuity correction
            assert wilcoxon(both[:, 0], both[:, 1], method="asymptotic", correction=True).pvalue < 1e-4
            assert stats.wilcoxon(both[:, 0] - both[:, 1], correction=True, method="asymptotic").pvalue < 1e-4
        opioids = cohort[["opioids_pre", "opioids_post"]].to_numpy(dtype=float)
        result = sign_test(opioids[:, 0], opioids[:, 1])
        assert (result.n_decreased, result.n_unchanged, result.n_increased) == (34, 15, 8)


def test_verification_catches_a_broken_cohort(card, cohorts):
    broken = cohorts[0].copy()
    row = broken.index[broken.rest_pre.notna()][0]
    broken.loc[row, "rest_post"] = 10
    broken.loc[broken.index[0], "pain_decreased"] = pd.NA if broken.pain_decreased.iloc[0] is not pd.NA else True
    table = verify_cohort(broken, card)
    assert not bool(table["ok"].all())
    assert (table["ok"] == False).sum() >= 1  # noqa: E712 (nullable boolean)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_default_method_is_the_first_that_fits(card, cohorts):
    assert {c.attrs["quantile_method"] for c in cohorts} == {4}
    assert reconstruct(card, seed=3, quantile_type=5)[0].attrs["quantile_method"] == 5
    with pytest.raises(ValueError, match="cannot print as reported under 6"):
        reconstruct(card, quantile_type=6)
    with pytest.raises(ValueError, match="cannot print as reported under 7"):
        reconstruct(card, quantile_type=7)


@pytest.mark.slow
def test_determinism(card):
    first = reconstruct(card, n_cohorts=3, seed=99)
    again = reconstruct(card, n_cohorts=3, seed=99)
    for a, b in zip(first, again):
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(reconstruct(card, seed=99)[0], first[0])   # cohort i depends on (seed, i) only
    assert not first[0].equals(first[1])
    assert not reconstruct(card, seed=100)[0].equals(first[0])


def test_package_name_is_the_function_even_after_importing_the_module(card):
    import sacro_kit
    import sacro_kit.forensics.reconstruction  # noqa: F401  (the module is named apart from the function it defines)
    assert len(sacro_kit.reconstruct(card, seed=3)[0]) == 57


def test_input_errors(card):
    with pytest.raises(ValueError, match="seed"):
        reconstruct(card, seed=-1)
    with pytest.raises(ValueError, match="n_cohorts"):
        reconstruct(card, n_cohorts=0)
    with pytest.raises(ValueError, match="method"):
        reconstruct(card, quantile_type=10)


# ---------------------------------------------------------------------------------------------------------------------
# Ranges and bands


def test_reconstruction_range_and_responder_band(card):
    spread = R.reconstruction_range(card, lambda c: float(c.rest_post.mean()), n_cohorts=20, seed=4, name="mean")
    assert spread.n_cohorts == 20 and len(spread.values) == 20
    assert spread.min <= spread.quantiles[0.05] <= spread.median <= spread.quantiles[0.95] <= spread.max
    band = R.responder_band(card, n_cohorts=20, seed=4)
    assert list(band.columns) == ["threshold", "min", "p05", "median", "p95", "max"]
    at_30 = band[np.isclose(band.threshold, 0.30)].iloc[0]
    assert at_30["min"] == at_30["max"] == pytest.approx(22 / 29)       # the reported 22 of 29, in every cohort
    for column in ("min", "median", "max"):
        assert (np.diff(band[column]) <= 1e-12).all()                   # responders can only get fewer
    assert ((band["min"] <= band["p05"]) & (band["p05"] <= band["median"]) & (band["median"] <= band["p95"])
            & (band["p95"] <= band["max"])).all()
    with pytest.raises(ValueError, match="statistic must be a function"):
        R.reconstruction_range(card, "mean", n_cohorts=2)


# ---------------------------------------------------------------------------------------------------------------------
# The shipped CSV


@pytest.mark.slow
def test_shipped_csv_is_what_the_command_generates(card, tmp_path, run_main):
    shipped = DATA_DIR / "cohort_reconstructed.csv"
    generated = reconstruct(card, seed=R.DEFAULT_SEED)[0]
    assert shipped.read_text(encoding="utf-8") == R.cohort_csv(generated)
    loaded = load_cohort(shipped)
    pd.testing.assert_frame_equal(loaded, generated)
    assert bool(verify_cohort(loaded, card)["ok"].all())
    out = tmp_path / "cohort.csv"
    status, _, _ = run_main(R.main, ["--seed", "2014", "--out", out], tmp_path)
    assert status == 0 and out.read_bytes() == shipped.read_bytes()


def test_count_samples_refuses_what_it_cannot_do_in_a_minute():
    start = time.perf_counter()
    with pytest.raises(ValueError, match="beyond the .* it can do in about a minute"):
        count_samples(100_000, "200.5", "500.5", "700.5", quantile_type=7, scale=(0, 1000))
    assert time.perf_counter() - start < 0.5   # refused at once, before any work


def test_count_samples_on_a_wide_scale_equals_the_pair_matrix_programme():
    # the O(K) interval step agrees with the O(K^2) pair-matrix table the sampler uses
    for n, triple, method, top in ((40, ("20.5", "50", "70.25"), 7, 100), (23, ("3.5", "9", "12.5"), 4, 30)):
        targets = _read_triple(*triple, None)
        values = _lattice((0, top), 1).values
        unary, pair = R._masks(n, _constraints(n, targets, method), values, "up_or_down")
        table = R._count_table(n, len(values), unary, pair, object)
        assert count_samples(n, *triple, quantile_type=method, scale=(0, top)) == int(sum(table[-1]))


@pytest.mark.slow
@pytest.mark.subprocess
def test_command_line_writes_no_file_unless_asked(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sacro_kit.forensics.reconstruction", "--seed", "2014"], check=True,
                            capture_output=True, text=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert result.stdout == (DATA_DIR / "cohort_reconstructed.csv").read_text(encoding="utf-8")


def test_verified_runs_are_computed_once(card, tmp_path, monkeypatch):
    monkeypatch.setenv(R.CACHE_ENV, str(tmp_path))
    R._MEMORY.clear()
    first = reconstruct(card, n_cohorts=20, seed=5)
    assert len(list(tmp_path.glob("*.pkl"))) == 1
    R._MEMORY.clear()
    calls = []
    monkeypatch.setattr(importlib.import_module("sacro_kit.forensics.reconstruction.drawing"), "_reconstruct",
                        lambda *a, **k: calls.append(1))
    again = reconstruct(card, n_cohorts=20, seed=5)        # read from disk, not recomputed
    assert not calls
    for a, b in zip(first, again):
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs
    assert R._cache_key(card, 20, 5, None, "up_or_down", None, 4) != R._cache_key(card, 20, 6, None, "up_or_down",
                                                                                   None, 4)


@pytest.mark.parametrize("test_name, statistic", [("paired t-test", "p (paired t-test)"),
                                                   ("sign test", "p (sign test, exact binomial)"),
                                                   ("Wilcoxon signed-rank test",
                                                    "p (Wilcoxon signed-rank, R default with ties)"),
                                                   ("Mann-Whitney U test", "p (Mann-Whitney U test)"),
                                                   ("Jonckheere trend test", "p (Jonckheere trend test)")])
def test_verify_cohort_uses_the_named_test_and_says_so(tmp_path, test_name, statistic):
    # issue 12 item 3: a named test is the test verify_cohort recomputes (never a Wilcoxon stand-in), and a test
    # it cannot recompute on paired data is <NA> with the reason
    source = Path(__file__).parent / "data" / "enum_single_pair.yaml"
    cohort = reconstruct(load_reported(source), seed=3, method=7)[0]
    text = source.read_text(encoding="utf-8").replace('    p: {printed: "<0.2"}\n',
                                                      f'    p: {{printed: "<0.2"}}\n    test: "{test_name}"\n')
    named = tmp_path / "named.yaml"
    named.write_text(text, encoding="utf-8")
    card = load_reported(named)
    row = verify_cohort(cohort, card, method=7).set_index("statistic").loc[statistic]
    pre, post = cohort[["rest_pre", "rest_post"]].dropna().to_numpy(float).T
    if test_name == "paired t-test":
        assert row.recomputed == f"{stats.ttest_rel(pre, post).pvalue:.3g}"
        assert bool(row.ok) == (stats.ttest_rel(pre, post).pvalue < 0.2)
    elif test_name == "sign test":
        changed = pre != post
        p = stats.binomtest(int((post[changed] < pre[changed]).sum()), int(changed.sum())).pvalue
        assert row.recomputed == f"{p:.3g}" and bool(row.ok) == (p < 0.2)
    elif test_name.startswith("Wilcoxon"):
        assert bool(row.ok) and "the card names this test" in row.note
    else:
        assert row.ok is pd.NA and "unverifiable" in row.note
    if test_name in ("paired t-test", "sign test"):
        # reproduced under the named test (every cohort verified under it), and verify_cohort says which it used
        drawn = reconstruct(card, n_cohorts=3, seed=3, method=7)
        for cohort in drawn:
            table = verify_cohort(cohort, card, method=7)
            assert table["ok"].all() and statistic in set(table["statistic"])
            assert table.attrs["p_tests"]["rest_pain"].startswith(test_name.split()[0])
    elif not test_name.startswith("Wilcoxon"):
        with pytest.raises(ValueError, match="under the Wilcoxon signed-rank test, the sign test or the paired t-test"):
            reconstruct(card, seed=3, method=7)
