"""Self-check keys of chapters 1 and 8, computed independently from the abstract's figures."""

import pytest

import sacro_kit as sk
from booksupport import check_answer


def test_ch1_followed_up_percent(card):
    # abstract: "45 patients with available data" of "57 patients" -> 78.9%
    assert check_answer("ch1-ex1", 78.9, card=card)
    assert not check_answer("ch1-ex1", 82, card=card)


def test_ch8_only_one_count_prints_the_percentage(card):
    # 36/45 = 80.0%, 37/45 = 82.2%, 38/45 = 84.4%: only k = 37 prints as "82%"
    assert check_answer("ch8-ex1", 1, card=card)
    assert not check_answer("ch8-ex1", 2, card=card)


def test_ch8_sample_count_matches_the_brute_force_definition(card):
    rest = card["rest_pain"]
    expected = sk.count_samples(rest.n, "4", "7", "8.5", method=4, decimals=1)
    assert check_answer("ch8-ex2", expected, card=card)
    assert not check_answer("ch8-ex2", expected + 1, card=card)


def test_answer_needs_a_number(card):
    result = check_answer("ch1-ex1", None, card=card)
    assert not result and "give a number" in repr(result)


def test_unknown_exercise_is_named():
    with pytest.raises(KeyError, match="no self-check for 'ch0-ex9'"):
        check_answer("ch0-ex9", 1)
