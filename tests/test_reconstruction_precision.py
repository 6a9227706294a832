"""Every printed value keeps its own precision in the reconstruction too, unless the card declares one (issue 12).

The wrong verdict issue 12 lists: "precision is read card-wide: one printed '0.25' makes every '5.8' mean
5.795-5.805, and a real sacroplasty paper got 7 false 'inconsistent' rows, 'no definition fits' for the paper, and a
refused reconstruction (read per value, every summary is consistent and one quantile definition fits)". The checks
already read per value; these tests hold the reconstruction to the same reading: ``sk.reconstruct(card)`` reads each
printed value at its own precision unless the card declares the reporting precision it assumes
(``reconstruction: {decimals: k, why: ...}``), and ``decimals=k`` is the card-wide reading, kept as a sensitivity.

The synthetic card tests/data/mixed_precision.yaml prints "3 (IQR 1.75-4)" and "1 (IQR 0.75-2)" for 8 patients on a
0-4 score: read per value "3" is 2.5 to 3.5, read card-wide (two decimals, from "1.75") it is 3.00. Its samples are
few enough to list by brute force (itertools), with numpy's quantiles and Python's decimal rounding -- no sacro_kit
code involved in deciding what prints as the card.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

import sacro_kit as sk
from sacro_kit.forensics.reconstruction import _load_card, _plan
from sacro_kit.io.card import CardError

DATA = Path(__file__).parent / "data"
CARD = DATA / "mixed_precision.yaml"
N, SCALE = 8, range(0, 5)
#: numpy's names of the Hyndman-Fan definitions (numpy.quantile's ``method``), written out here on purpose.
NUMPY_METHOD = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation",
                4: "interpolated_inverted_cdf", 5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased",
                9: "normal_unbiased"}
#: The card's printed (Q1, median, Q3) per time point, as text.
PRINTED = {"pre": ("1.75", "3", "4"), "post": ("0.75", "1", "2")}
WIDE = 2  # the card-wide reading: the most decimals any centre or quartile is printed with ("1.75")


def _prints(value: float, text: str, at_least: int = 0) -> bool:
    """Whether ``value`` rounds (half up or half down) to ``text`` at max(its own decimals, ``at_least``) places."""
    places = max(-Decimal(text).as_tuple().exponent, at_least)
    quantum = Decimal(1).scaleb(-places)
    return any(Decimal(value).quantize(quantum, rounding=mode) == Decimal(text)
               for mode in (ROUND_HALF_UP, ROUND_HALF_DOWN))


def _quartiles(values, method: int) -> np.ndarray:
    return np.quantile(np.asarray(values, dtype=float), [0.25, 0.5, 0.75], method=NUMPY_METHOD[method])


def _brute(texts, method: int, at_least: int = 0) -> set[tuple[int, ...]]:
    """Every sorted sample of N scores on the scale whose numpy quartiles print as ``texts``."""
    return {sample for sample in itertools.combinations_with_replacement(SCALE, N)
            if all(_prints(q, t, at_least) for q, t in zip(_quartiles(sample, method), texts))}


def _admitted(sampler) -> set[tuple[int, ...]]:
    """The sorted samples a plan's margin sampler admits: its pinned positions and steps, read off its masks."""
    values = [int(v) for v in sampler.values]
    index = {v: i for i, v in enumerate(values)}
    admitted = set()
    for sample in itertools.combinations_with_replacement(values, N):
        at = [index[v] for v in sample]
        if all(mask[at[j - 1]] for j, mask in sampler.unary.items()) and all(
                sampler.steps[j - 1][at[j - 1], at[j]] for j in range(1, N)):
            admitted.add(sample)
    return admitted


@pytest.fixture(scope="module")
def card():
    return sk.load_card(CARD)


@pytest.fixture(scope="module")
def cohorts(card):
    return sk.reconstruct(card, n_cohorts=40, seed=1)


def _margin(cohort, at: str) -> tuple[int, ...]:
    return tuple(sorted(int(v) for v in cohort[f"rest_{at}"]))


def test_the_default_reconstruction_reads_each_value_at_its_own_precision_and_verifies(card, cohorts):
    # (a) the per-value reading reconstructs the card, and every cohort passes verify_cohort
    assert card.reconstruction_decimals is None
    assert sk.fitting_methods(card) == (7,)
    for cohort in cohorts:
        assert cohort.attrs["decimals"] is None
        assert cohort.attrs["precision"] == "each printed value at its own precision"
        table = sk.verify_cohort(cohort, card)
        assert table["ok"].all() and not table["ok"].isna().any()
        assert table.attrs["decimals"] is None
    bare = cohorts[0].copy()
    bare.attrs.clear()  # a cohort without a reconstruction's attrs: the card (which declares nothing) decides
    assert sk.verify_cohort(bare, card).attrs["precision"] == "each printed value at its own precision"


def test_every_cohort_prints_as_the_card_in_numpy_and_decimal_arithmetic(cohorts):
    # (b) numpy's quartiles under the chosen definition, rounded at each value's own decimals, print as the card
    method = cohorts[0].attrs["quantile_method"]
    assert method == 7
    medians = set()
    for cohort in cohorts:
        for at, texts in PRINTED.items():
            quartiles = _quartiles(cohort[f"rest_{at}"].to_numpy(float), method)
            assert all(_prints(q, t) for q, t in zip(quartiles, texts)), (at, quartiles, texts)
        medians.add(float(_quartiles(cohort["rest_pre"].to_numpy(float), method)[1]))
    # the printed "3" is 2.5 to 3.5: the draws reach medians the card-wide 3.00 would exclude
    assert medians == {2.5, 3.0, 3.5}


def test_the_card_wide_reading_is_narrower_and_refuses_cohorts_the_default_admits(card, cohorts):
    # (c) decimals=2 is the old card-wide reading: "3" is 3.00, so it admits fewer cohorts and refuses some of ours
    narrow = sk.reconstruct(card, n_cohorts=40, seed=1, decimals=WIDE)
    assert narrow[0].attrs["decimals"] == WIDE and "sensitivity" in narrow[0].attrs["precision"]
    assert {float(np.median(c["rest_pre"].to_numpy(float))) for c in narrow} == {3.0}
    refused = [c for c in cohorts if not sk.verify_cohort(c, card, decimals=WIDE)["ok"].all()]
    assert refused, "the card-wide reading should refuse a cohort the per-value reading admits"
    table = sk.verify_cohort(refused[0], card, decimals=WIDE)
    failed = table.loc[table["ok"].eq(False)]
    assert set(failed["reported"]) <= {"3", "1", "2"}  # whole values read at 2 decimals
    assert (failed["note"] == "read at 2 decimal(s)").all()


@pytest.mark.parametrize("at", ["pre", "post"])
def test_the_plan_admits_exactly_the_samples_that_print_as_the_card(card, at):
    # (d) brute force: the margins the per-value plan admits are the samples whose numpy quartiles print as the card;
    # count_samples agrees with the brute-force counts under the per-value and under the card-wide reading
    texts = PRINTED[at]
    per_value, card_wide = _brute(texts, 7), _brute(texts, 7, WIDE)
    assert card_wide < per_value  # strictly narrower, not empty
    plan = _plan(_load_card(card), None, "up_or_down", None, 4)
    assert plan.method == 7 and plan.decimals == 0
    sampler = getattr(plan.pairs[0], at)
    assert _admitted(sampler) == per_value
    assert sampler.total == len(per_value)
    wide_plan = _plan(_load_card(card), None, "up_or_down", WIDE, 4)
    assert _admitted(getattr(wide_plan.pairs[0], at)) == card_wide
    assert sk.count_samples(N, *texts, quantile_type=7, scale=(0, 4)) == len(per_value)
    assert sk.count_samples(N, *texts, quantile_type=7, scale=(0, 4), decimals=WIDE) == len(card_wide)


def test_the_drawn_margins_are_the_brute_force_ones(cohorts):
    # every drawn margin is a brute-force sample, and the draws reach every per-value pre-procedure sample
    assert {_margin(c, "pre") for c in cohorts} == _brute(PRINTED["pre"], 7)
    assert {_margin(c, "post") for c in cohorts} <= _brute(PRINTED["post"], 7)


def _declared(tmp_path, block: str) -> Path:
    path = tmp_path / "declared.yaml"
    path.write_text(CARD.read_text(encoding="utf-8") + block, encoding="utf-8")
    return path


WHY = "the paper prints its quartiles at two decimals"


def test_a_declared_precision_is_the_reconstructions_reading_and_the_attrs_say_so(tmp_path, card):
    # (e) the same card declaring two decimals is reconstructed under them; the checks still read per value
    path = _declared(tmp_path, f"reconstruction:\n  decimals: {WIDE}\n  why: \"{WHY}\"\n")
    declared = sk.load_card(path)
    assert (declared.reconstruction_decimals, declared.reconstruction_why) == (WIDE, WHY)
    view = sk.load_reported(path)
    assert (view.reconstruction_decimals, view.reconstruction_why) == (WIDE, WHY)
    drawn = sk.reconstruct(declared, n_cohorts=40, seed=1)
    assert drawn[0].attrs["decimals"] == WIDE
    assert drawn[0].attrs["precision"] == f"every centre and quartile at {WIDE} decimals, as the card declares: {WHY}"
    assert {_margin(c, "pre") for c in drawn} <= _brute(PRINTED["pre"], 7, WIDE)
    table = sk.verify_cohort(drawn[0], view)
    assert table["ok"].all() and table.attrs["decimals"] == WIDE
    # an explicit decimals= still wins over the declaration (0: each printed value at its own precision)
    assert sk.reconstruct(declared, seed=1, decimals=0)[0].attrs["decimals"] == 0
    # the verdicts of the checks do not depend on what the card declares for its reconstruction
    assert sk.check_card(declared)["verdict"].tolist() == sk.check_card(card)["verdict"].tolist()


@pytest.mark.parametrize("block, offset, key, fragment", [
    ('reconstruction:\n  decimals: one\n  why: "w"\n', 2, "reconstruction.decimals", "expected an integer, got 'one'"),
    ("reconstruction:\n  decimals: -1\n  why: w\n", 2, "reconstruction.decimals", "-1 is below 0"),
    ("reconstruction:\n  decimals: 1\n", 1, "reconstruction.why", "missing (required)"),
    ('reconstruction:\n  decimals: 1\n  why: "  "\n', 3, "reconstruction.why", "expected non-empty text"),
    ("reconstruction:\n  decimals: 1\n  why: w\n  reason: r\n", 4, "reconstruction.reason", "unknown key"),
    ("reconstruction: 1\n", 1, "reconstruction", "expected a mapping"),
])
def test_a_bad_reconstruction_block_is_a_card_error_naming_file_line_and_key(tmp_path, block, offset, key, fragment):
    # (f) every problem names the file, the line and the key, as the loader's other errors do
    path = _declared(tmp_path, block)
    line = len(CARD.read_text(encoding="utf-8").splitlines()) + offset
    with pytest.raises(CardError) as raised:
        sk.load_card(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: {key}: ") and fragment in message, message
    with pytest.raises(CardError, match=key.replace(".", r"\.")):
        sk.load_reported(path)  # the cohort view reads the same block
