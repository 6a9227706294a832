"""Reconstruction of an outcome at several time points (issue 12 item 3): one cohort column per time point, one paired
block per within-patient test (pre vs 1 week, pre vs 6 months), the blocks sharing their baseline column.

The cards are synthetic (tests/data/timepoints_*.yaml, groups_timepoints.yaml). No expected value here comes from the
reconstruction code: the drawn cohorts are checked by ``verify_cohort`` and again by plain scipy/numpy below, and
the sampler's law by exhaustive enumeration of the tiny card's joint cohorts (itertools, numpy's quantiles and
scipy's tests only), compared with the draws by total-variation distance as tests/test_reconstruction_law.py does.
"""

from __future__ import annotations

import itertools
import warnings
from collections import Counter
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import enumeration as E
from sacro_kit import load_card, load_cohort, reconstruct, verify_cohort
from sacro_kit.forensics.reconstruction import _load_card, _plan
from sacro_kit.forensics.reconstruction import chain as _chain
from sacro_kit.io.card import CardError

DATA = Path(__file__).parent / "data"
THREE = DATA / "timepoints_three.yaml"
TINY = DATA / "timepoints_tiny.yaml"
ARMS = DATA / "groups_timepoints.yaml"
LITERATURE = sorted((Path(__file__).parents[1] / "data" / "literature" / "cards").glob("*.yaml"))

#: Allowance over the 99.9th percentile of independent-draw noise for the chain's residual autocorrelation (as in
#: tests/test_reconstruction_law.py).
AUTOCORRELATION_ALLOWANCE = 1.2


def _prints(value: float, printed) -> bool:
    """Whether ``value`` prints as ``printed`` at its own decimals (either rounding of a tie), or meets its bound."""
    if printed.relation == "<":
        return value < printed.value
    quantum = Decimal(1).scaleb(-printed.decimals)
    exact = Decimal(float(value))
    return any(exact.quantize(quantum, rounding=mode) == Decimal(printed.text) for mode in (ROUND_HALF_UP,
                                                                                         ROUND_HALF_DOWN))


def _wilcoxon_r(d: np.ndarray) -> float:
    """R's wilcox.test with ties on differences d: zeros dropped, normal approximation, continuity correction."""
    return 1.0 if not np.any(d) else float(stats.wilcoxon(d, zero_method="wilcox", method="asymptotic",
                                                          correction=True).pvalue)


def _sign(d: np.ndarray) -> float | None:
    nonzero = d[d != 0]
    return None if not nonzero.size else float(stats.binomtest(int((nonzero > 0).sum()), nonzero.size).pvalue)


@pytest.fixture(scope="module")
def three():
    card = load_card(THREE)
    return card, reconstruct(card, n_cohorts=12, seed=5)


def test_every_drawn_cohort_reproduces_every_time_point_and_every_named_test(three):
    card, cohorts = three
    claim = card["pain"]
    pre_w1, pre_m6 = "pain (pre vs w1)", "pain (pre vs m6)"
    for cohort in cohorts:
        assert list(cohort.columns[-3:]) == ["pain_pre", "pain_w1", "pain_m6"]
        assert cohort[["pain_pre", "pain_w1", "pain_m6"]].notna().all().all() and len(cohort) == 8
        table = verify_cohort(cohort, card)
        assert table["ok"].all() and not table["ok"].isna().any()
        # every time point's median and quartiles are rows of the table, and both tests, each under its named test
        for key, points in ((pre_w1, ("pre", "post")), (pre_m6, ("pre", "post"))):
            rows = table.loc[table["claim"] == key, "statistic"].tolist()
            assert all(any(r.startswith(f"{p} {s}") for r in rows) for p in points for s in ("median", "Q1", "Q3"))
        assert table.attrs["p_tests"][pre_w1].startswith("Wilcoxon signed-rank")
        assert table.attrs["p_tests"][pre_m6].startswith("sign test, exact binomial")
        assert "p (sign test, exact binomial)" in set(table.loc[table["claim"] == pre_m6, "statistic"])
        # and once more with scipy alone: the printed medians and both p-values, the responders at six months
        method = table.attrs["method"]
        numpy_method = E._NUMPY[method] if isinstance(method, int) else None
        scores = {at: cohort[f"pain_{at}"].to_numpy(float) for at in ("pre", "w1", "m6")}
        if numpy_method is not None:
            for cell in claim.values:
                q1, median, q3 = np.quantile(scores[cell.at], [0.25, 0.5, 0.75], method=numpy_method)
                assert _prints(median, cell.stats["median"]) and _prints(q1, cell.stats["q1"])
                assert _prints(q3, cell.stats["q3"])
        assert _prints(_wilcoxon_r(scores["pre"] - scores["w1"]), claim.tests[0].p)
        assert _prints(_sign(scores["pre"] - scores["m6"]), claim.tests[1].p)
        assert int(((scores["pre"] - scores["m6"]) * 2 >= scores["pre"]).sum()) == 4
    assert len({tuple(map(tuple, c[["pain_pre", "pain_w1", "pain_m6"]].to_numpy())) for c in cohorts}) > 6


def test_verify_cohort_checks_the_later_time_points_too(three):
    card, cohorts = three
    broken = cohorts[0].copy()
    broken["pain_m6"] = broken["pain_pre"]  # six months exactly as before: the summary and the sign test fail
    table = verify_cohort(broken, card)
    failed = table.loc[table["ok"].eq(False)]
    assert set(failed["claim"]) == {"pain (pre vs m6)", "responders_m6"}
    assert any(s.startswith("post median") for s in failed.loc[failed["claim"] == "pain (pre vs m6)", "statistic"])
    sign = table.loc[table["statistic"] == "p (sign test, exact binomial)", "ok"]
    assert sign.isna().all() and len(sign) == 1  # no non-zero difference left: the sign test cannot be computed
    assert table.loc[table["claim"] == "pain (pre vs w1)", "ok"].all()  # the one-week block is untouched


def _enumerate(card):
    """Every joint cohort (sorted tuple of (pre, w1, m6) rows) the tiny card admits, by brute force: sorted samples
    of each time point whose type-7 quartiles print as the card's, every pairing of them, kept when scipy's
    Wilcoxon (R with ties) and sign tests print both p-values."""
    claim = card["score"]
    n = claim.values[0].n

    def margins(cell):
        out = []
        for sample in itertools.combinations_with_replacement(range(4), n):
            q1, median, q3 = np.quantile(np.array(sample, float), [0.25, 0.5, 0.75], method="linear")
            if _prints(q1, cell.stats["q1"]) and _prints(median, cell.stats["median"]) and _prints(q3, cell.stats["q3"]):
                out.append(sample)
        return out

    pre, w1, m6 = (margins(cell) for cell in claim.values)
    candidates = set()
    for a in pre:
        for b in w1:
            for b_order in set(itertools.permutations(b)):
                for c in m6:
                    for c_order in set(itertools.permutations(c)):
                        candidates.add(tuple(sorted(zip(a, b_order, c_order))))
    support = []
    for key in sorted(candidates):
        rows = np.array(key, float)
        p_sign = _sign(rows[:, 0] - rows[:, 2])
        if _prints(_wilcoxon_r(rows[:, 0] - rows[:, 1]), claim.tests[0].p) and p_sign is not None and _prints(
            p_sign, claim.tests[1].p
        ):
            support.append(key)
    return support


@pytest.mark.slow  # seconds of draws: `make test`, not `make check`'s inner loop
def test_the_sampler_is_uniform_over_the_joint_cohorts_of_several_time_points():
    card = load_card(TINY)
    support = _enumerate(card)
    assert len(support) == 78  # the brute-force count (itertools, numpy, scipy; nothing of the reconstruction)
    plan = _plan(_load_card(card), 7, "up_or_down", None, 4)
    n_draws = 3000
    chain, keys = _chain.multiset_draws(plan, n_draws, seed=1)
    columns = [chain.names.index(f"score_{at}") for at in ("pre", "w1", "m6")]
    draws = Counter(tuple(sorted(tuple(row[c] for c in columns) for row in key)) for key in keys)
    assert set(draws) <= set(support), "the sampler drew a cohort that does not reproduce the card"
    tv = E.total_variation(draws, support)
    noise = E.noise_tv(len(support), n_draws, seed=2, repeats=400)
    bound = AUTOCORRELATION_ALLOWANCE * float(np.quantile(noise, 0.999))
    assert tv <= bound, f"TV {tv:.3f} from uniform exceeds {bound:.3f} (noise mean {noise.mean():.3f})"
    # reconstruct returns such draws, verified
    cohorts = reconstruct(card, n_cohorts=20, seed=3, quantile_type=7)
    keys = {tuple(sorted(map(tuple, c[["score_pre", "score_w1", "score_m6"]].to_numpy().tolist()))) for c in cohorts}
    assert keys <= set(support) and len(keys) > 8


def test_a_grouped_card_with_three_time_points_per_group():
    card = load_card(ARMS)
    cohorts = reconstruct(card, n_cohorts=4, seed=2)
    for cohort in cohorts:
        assert cohort["group"].tolist() == ["a"] * 7 + ["b"] * 6
        table = verify_cohort(cohort, card)
        assert table["ok"].all() and int(table["ok"].isna().sum()) == 1  # the between-arm test: not reproduced
        tests = table.attrs["p_tests"]
        assert tests["a/pain_a (pre vs w1)"].startswith("Wilcoxon") and tests["a/pain_a (pre vs m6)"].startswith(
            "Wilcoxon"
        )
        assert tests["b/pain_b (pre vs w1)"].startswith("sign test") and tests["b/pain_b (pre vs m6)"].startswith(
            "paired t-test"
        )
        arm_b = cohort[cohort["group"] == "b"]
        d = arm_b["pain_pre"].to_numpy(float) - arm_b["pain_m6"].to_numpy(float)
        assert stats.ttest_rel(arm_b["pain_pre"].to_numpy(float), arm_b["pain_m6"].to_numpy(float)).pvalue < 0.05
        assert _prints(_sign(arm_b["pain_pre"].to_numpy(float) - arm_b["pain_w1"].to_numpy(float)),
                       card["pain_b"].tests[0].p) and d.size == 6
    assert cohorts[0].attrs["not_reproduced"] == ["arms_m6: Mann-Whitney U: a vs b at m6"]


def test_a_test_between_two_later_time_points_chains_the_blocks(tmp_path):
    # tests pre vs w1 and w1 vs m6: the second block's baseline is the first block's follow-up column
    text = THREE.read_text(encoding="utf-8").replace("within: [pre, m6]", "within: [w1, m6]")
    text = text.replace('p: "0.07"', 'p: "> 0.05"').replace("from: pre\n    to: m6", "from: w1\n    to: m6")
    text = text.replace("k: 4\n    n: 8\n    percent: \"50%\"", "k: 2\n    n: 8\n    percent: \"25%\"")
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    card = load_card(path)
    for cohort in reconstruct(card, n_cohorts=3, seed=4):
        table = verify_cohort(cohort, card)
        assert table["ok"].all() and {"pain (pre vs w1)", "pain (w1 vs m6)"} <= set(table["claim"])
        d = cohort["pain_w1"].to_numpy(float) - cohort["pain_m6"].to_numpy(float)
        assert _sign(d) > 0.05 and int((d * 2 >= cohort["pain_w1"].to_numpy(float)).sum()) == 2


@pytest.mark.parametrize("old, new, blocks", [
    # the second block's baseline is new and its follow-up drawn: paired backwards (w1 to m6)
    ('      - {name: Wilcoxon signed-rank, within: [pre, w1], p: "0.02"}\n      - {name: sign test, within: [pre, m6], '
     'p: "0.07"}\n', '      - {name: Wilcoxon signed-rank, within: [pre, m6], p: "0.02"}\n      - {name: sign test, '
     'within: [w1, m6], p: "> 0.05"}\n', {"pain (pre vs m6)", "pain (w1 vs m6)"}),
    # three tests forming a cycle of time points: the last block is checked as drawn
    ('p: "0.07"}\n', 'p: "0.07"}\n      - {name: sign test, within: [w1, m6], p: "> 0.05"}\n',
     {"pain (pre vs w1)", "pain (pre vs m6)", "pain (w1 vs m6)"}),
], ids=["backwards", "cycle"])
def test_other_arrangements_of_tests_between_time_points(tmp_path, old, new, blocks):
    text = THREE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "card.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    card = load_card(path)
    for cohort in reconstruct(card, n_cohorts=3, seed=1):
        table = verify_cohort(cohort, card)
        assert table["ok"].all() and not table["ok"].isna().any() and blocks <= set(table["claim"])
        assert _sign(cohort["pain_w1"].to_numpy(float) - cohort["pain_m6"].to_numpy(float)) > 0.05


def test_time_points_of_different_sizes_are_a_clear_error(tmp_path):
    text = THREE.read_text(encoding="utf-8").replace('{at: m6, n: 8,', '{at: m6, n: 7,')
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CardError, match=r"claims\.pain: .*every time point needs the same n"):
        reconstruct(load_card(path), seed=1)


@pytest.mark.slow  # a reconstruction of seconds: `make test`, not `make check`'s inner loop
def test_the_command_line_writes_only_where_asked_and_its_csv_round_trips(tmp_path, run_main):
    from sacro_kit.forensics.reconstruction import main

    work = tmp_path / "work"
    work.mkdir()
    command = ["--card", THREE, "--seed", "3"]
    status, stdout, _ = run_main(main, command, work)
    assert status == 0 and list(work.iterdir()) == []
    assert stdout.splitlines()[0].endswith(",pain_pre,pain_w1,pain_m6")
    out = tmp_path / "three.csv"
    status, _, _ = run_main(main, command + ["--out", out], work)
    assert status == 0 and list(work.iterdir()) == [] and out.read_text(encoding="utf-8") == stdout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # load_cohort keeps the time-point columns as extra text columns, and says so
        loaded = load_cohort(out)
    assert loaded.attrs["extra_columns"] == ["pain_pre", "pain_w1", "pain_m6"]
    table = verify_cohort(loaded, load_card(THREE))
    assert table["ok"].all() and not table["ok"].isna().any()
    drawn = reconstruct(load_card(THREE), n_cohorts=1, seed=3)[0]
    assert (loaded[["pain_pre", "pain_w1", "pain_m6"]].astype(int).to_numpy() ==
            drawn[["pain_pre", "pain_w1", "pain_m6"]].to_numpy()).all()


@pytest.mark.parametrize("path", LITERATURE, ids=[p.stem for p in LITERATURE])
def test_every_literature_card_is_refused_with_its_claim_and_the_reason(path):
    card = load_card(path)
    with pytest.raises(ValueError) as raised:
        reconstruct(card, seed=1)
    message = str(raised.value)
    assert not isinstance(raised.value, NotImplementedError) and "\n" not in message
    claim = message.split("claims.", 1)[1].split(" ", 1)[0].rstrip(":")
    assert claim in card.claims, message
    assert ("real-valued with no step" in message and "lattice" in message) or "maps no cohort column" in message
    if "mean" in message:
        assert "reconstruct draws scores on a lattice from medians and quartiles" in message


def test_a_time_point_column_that_is_not_a_number_is_named_with_its_row(three):
    card, cohorts = three
    broken = cohorts[0].astype({"pain_w1": "string"})
    broken.loc[2, "pain_w1"] = "seven"
    with pytest.raises(ValueError, match=r"cohort column 'pain_w1', data row 3 \(patient .+\): 'seven' is not a number"):
        verify_cohort(broken, card)
