"""Self-check keys of chapters 1 and 8, computed independently from the abstract's figures."""

import itertools
import math

import numpy as np
import pytest

from booksupport import check_answer


def test_ch1_followed_up_percent(card):
    # abstract: "45 patients with available data" of "57 patients" -> 78.9%
    assert check_answer("ch1-ex1", 78.9, card=card)
    assert not check_answer("ch1-ex1", 82, card=card)


def test_ch8_only_one_count_prints_the_percentage(card):
    # 36/45 = 80.0%, 37/45 = 82.2%, 38/45 = 84.4%: only k = 37 prints as "82%"
    assert check_answer("ch8-ex1", 1, card=card)
    assert not check_answer("ch8-ex1", 2, card=card)


@pytest.mark.slow  # brute force or many cases: `make test`, not `make check`'s inner loop
def test_ch8_sample_count_matches_a_brute_force_count(card):
    # Independent of count_samples: enumerate the six order statistics that type 4 (numpy's
    # "interpolated_inverted_cdf") interpolates for n = 29 (x7, x8; x14, x15; x21, x22), keep those whose quartiles
    # print as 4 / 7 / 8.5, each at its own precision ("4" is 3.5 to 4.5, "8.5" 8.45 to 8.55), and count the sorted fillings of the other 23 positions on 0..10 by
    # stars and bars: C(len + span, len) non-decreasing runs of length len between their neighbours.
    rest = card["rest_pain"]
    assert (rest.n, rest.pre.q1.text, rest.pre.center.text, rest.pre.q3.text) == (29, "4", "7", "8.5")
    total = 0
    for x7, x8, x14, x15, x21, x22 in itertools.combinations_with_replacement(range(11), 6):
        sample = [x7] * 7 + [x8] * 6 + [x14] + [x15] * 6 + [x21] + [x22] * 8
        q1, median, q3 = np.quantile(sample, [0.25, 0.5, 0.75], method="interpolated_inverted_cdf")
        if abs(q1 - 4) <= 0.5 and abs(median - 7) <= 0.5 and abs(q3 - 8.5) <= 0.05:
            total += (math.comb(6 + x7, 6) * math.comb(5 + x14 - x8, 5) * math.comb(5 + x21 - x15, 5)
                      * math.comb(7 + 10 - x22, 7))
    assert total == 210000  # read card-wide ("4" as 4.0, "7" as 7.0) it would be 94752
    assert check_answer("ch8-ex2", total, card=card)
    assert not check_answer("ch8-ex2", total + 1, card=card)


def test_answer_needs_a_number(card):
    result = check_answer("ch1-ex1", None, card=card)
    assert not result and "give a number" in repr(result)


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="no self-check for 'ch0-ex9'"):
        check_answer("ch0-ex9", 1)
