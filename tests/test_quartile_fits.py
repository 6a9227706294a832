"""sk.quartile_fits: the quantile definitions that fit each median (IQR) of a card, against brute force.

The reference enumerates every sorted sample on the card's scale (synthetic cards of n = 6 on 0-4: 210 samples), computes its quartiles with numpy's Hyndman-Fan methods and R's fivenum hinges (written from R's
source), and asks whether they print as the card's text: each value at its own precision (the verdict, issue 12),
and every value at the card's most decimals (the sensitivity column).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import sacro_kit as sk

DATA = Path(__file__).parent / "data"
NUMPY = {1: "inverted_cdf", 2: "averaged_inverted_cdf", 3: "closest_observation", 4: "interpolated_inverted_cdf",
         5: "hazen", 6: "weibull", 7: "linear", 8: "median_unbiased", 9: "normal_unbiased"}
METHODS = (1, 2, 3, 4, 5, 6, 7, 8, 9, "tukey")


def _quartiles(sample, method) -> list[Fraction]:
    if method == "tukey":  # R's stats::fivenum: n4 = floor((n + 3) / 2) / 2
        n = len(sample)
        n4 = math.floor((n + 3) / 2) / 2
        return [Fraction(sample[math.floor(d) - 1] + sample[math.ceil(d) - 1], 2) for d in (n4, (n + 1) / 2, n + 1 - n4)]
    values = np.quantile(np.asarray(sample, dtype=float), [0.25, 0.5, 0.75], method=NUMPY[method])
    return [Fraction(float(v)).limit_denominator(10_000) for v in values]


def _prints(value: Fraction, text: str, decimals: int) -> bool:
    """``value`` rounds to ``text`` at ``decimals`` places, a tie either way (the kit's default "up_or_down")."""
    return abs(value - Fraction(text)) <= Fraction(1, 2 * 10**decimals)


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _brute_fits(n, texts, top, decimals=None):
    fits = []
    for method in METHODS:
        for sample in itertools.combinations_with_replacement(range(top + 1), n):
            quartiles = _quartiles(sample, method)
            if all(_prints(q, t, _places(t) if decimals is None else max(decimals, _places(t)))
                   for q, t in zip(quartiles, texts)):
                fits.append(method)
                break
    return tuple(fits)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["enum_single_pair", "quartile_fits_mixed"])
def test_each_row_is_what_brute_force_finds_per_value_and_card_wide(name):
    card = sk.load_reported(DATA / f"{name}.yaml")
    table = sk.quartile_fits(card)
    claim = card["rest_pain"]
    assert table[["claim", "time_point"]].values.tolist() == [["rest_pain", "pre"], ["rest_pain", "post"]]
    wide = max(_places(v.text) for s in (claim.pre, claim.post) for v in (s.q1, s.center, s.q3))
    for row, summary in zip(table.itertuples(), (claim.pre, claim.post)):
        texts = (summary.q1.text, summary.center.text, summary.q3.text)
        assert row.n == 6
        assert row.fits == _brute_fits(6, texts, 4), row
        assert row.fits_card_wide == _brute_fits(6, texts, 4, decimals=wide), row
        assert row.verdict == ("consistent" if row.fits else "inconsistent")


def test_the_card_wide_reading_is_only_a_sensitivity_column():
    table = sk.quartile_fits(DATA / "quartile_fits_mixed.yaml")
    assert table["fits"].tolist() == [(6, 8), (6,)]  # brute force, above
    assert table["verdict"].tolist() == ["consistent", "consistent"]
    assert table["fits_card_wide"].tolist() == [(), (6,)], "read card-wide, no definition fits the first summary"


def test_seed_card_rows_and_their_intersection_is_the_checks_verdict():
    table = sk.quartile_fits()
    card = sk.load_reported()
    expected = [(c.key, t) for c in card if c.kind == "paired_summary" and c.pre.center_label == "median"
                for t in ("pre", "post")]
    assert list(zip(table["claim"], table["time_point"])) == expected
    common = tuple(m for m in sk.QUANTILE_METHODS if all(m in f for f in table["fits"]))
    checks = sk.check_reported(card)
    (row,) = checks[checks["check"] == "one quartile definition for every integer-scale summary"].itertuples()
    assert row.printed == ", ".join(f"type {m}" if m != "tukey" else "Tukey hinges" for m in common)
