"""Card schema 2 and the checks it permits: loading, errors naming file/line/key, and the wrong verdicts of issue 12.

Reference values: the printed figures of the abstracts quoted in data/literature/provenance.md (Gupta 2014:
http://ajnr.org/content/35/11/2202.full) and the seed card; p-values recomputed with scipy.stats (t.sf), which
statcheck (Nuijten et al., https://github.com/MicheleNuijten/statcheck) also uses for its recomputation (R's pt).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scipy import stats

from sacro_kit.io.card import CardError, load_reported
from sacro_kit.io.card_schema import SCHEMA_V1, Card, canonical_test, cohort_view, load_card
from sacro_kit.forensics.checking import check_card

REPO = Path(__file__).resolve().parents[1]
CARDS = REPO / "data" / "literature" / "cards"
V1 = REPO / "tests" / "data" / "dougherty2014_v1.yaml"

HEAD = """schema: sacro_kit.reported-card/2
study: {id: t, citation: Test 2024}
"""


def write(tmp_path: Path, body: str, name: str = "card.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def rows(table, claim=None, check=None):
    keep = table
    if claim is not None:
        keep = keep[keep.claim == claim]
    if check is not None:
        keep = keep[keep.check.str.startswith(check)]
    return keep


# ---------------------------------------------------------------------------------------------------------------------
# Loading


def test_seed_card_is_schema_2_and_its_quotes_are_kept():
    card = load_card()
    assert isinstance(card, Card) and card.converted_from is None
    assert card["activity_pain"].values[1].stats["q3"].text == "6.8"
    assert card.outcomes["opioids"].scale.max is None  # open, and stays open
    view = load_reported()
    assert view.card2 is not None and cohort_view(card) == view


def test_version_1_card_loads_converted():
    card = load_card(V1)
    assert card.converted_from == SCHEMA_V1
    assert [c.key for c in card] == [c.key for c in load_card()]
    assert check_card(card).verdict.tolist() == check_card(load_card()).verdict.tolist()


def test_every_literature_card_loads_and_keeps_its_quotes():
    provenance = (REPO / "data" / "literature" / "provenance.md").read_text(encoding="utf-8")
    squash = lambda text: " ".join(text.split())  # noqa: E731
    pages = squash(provenance)
    gupta_abstract = ("There were statistically significant decreases in the Visual Analog Scale (P < .001), Functional "
                      "Mobility Scale (P < .001), and Analgesic Scale scores (P < .01) in 27 patients")
    paths = sorted(CARDS.glob("*.yaml"))
    assert len(paths) == 9
    for path in paths:
        card = load_card(path)
        for claim in card:
            quote = squash(claim.quote)
            # every quote is verbatim in provenance.md, or (Gupta's long results sentence) starts as G4/G5 do there
            assert quote in pages or quote.startswith(gupta_abstract), (path.name, claim.key)


@pytest.mark.parametrize("body, line, key, fragment", [
    ("claims:\n  a: {kind: count, n: 57, quote: q}\n", 4, "claims.a.n", "quoted string"),
    ("claims:\n  a: {kind: summary, outcome: nope, values: [{mean: '1'}], quote: q}\n", 4, "claims.a.outcome",
     "unknown outcome 'nope'"),
    ("outcomes:\n  x: {scale: {type: integer, min: 0, max: 10}}\nclaims:\n"
     "  a:\n    kind: summary\n    outcome: x\n    values:\n      - {median: '10', q1: '9', q3: '11'}\n    quote: q\n",
     10, "claims.a.values.0.q3", "outside the scale"),
    ("outcomes:\n  x: {scale: {type: real, min: 0, max: 10, step: 1/3}}\nclaims:\n"
     "  a: {kind: summary, outcome: x, values: [{mean: '1', sd: '-1'}], quote: q}\n", 6, "claims.a.values.0.sd",
     "not a positive spread"),
    ("outcomes:\n  x: {scale: {type: integer, step: 1/3}}\nclaims:\n  a: {kind: count, n: '3', quote: q}\n", 4,
     "outcomes.x.scale.step", "whole steps"),
    ("timepoints: {pre: {}, post: {}}\noutcomes:\n  x: {}\nclaims:\n"
     "  a: {kind: summary, outcome: x, tests: [{within: [pre, later], p: '0.01'}], quote: q}\n", 7,
     "claims.a.tests.0.within.1", "unknown time point 'later'"),
    ("claims:\n  a: {kind: proportion, percent: '93%', quote: q}\n", 4, "claims.a", "two of k, n and percent"),
    ("claims:\n  a: {kind: count, n: '3', quote: q, colour: red}\n", 4, "claims.a.colour", "unknown key"),
])
def test_malformed_schema_2_cards_name_file_line_and_key(tmp_path, body, line, key, fragment):
    path = write(tmp_path, body)
    with pytest.raises(CardError) as raised:
        load_card(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: {key}: "), message
    assert fragment in message, message


def test_unknown_schema_says_how_to_fix_it(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("schema: reported-card\nstudy: {id: t, citation: c}\nclaims: {}\n", encoding="utf-8")
    with pytest.raises(CardError, match=r"old\.yaml:1: schema: 'reported-card' is not 'sacro_kit.reported-card/2'.*"
                                        r"start the card with the line 'schema: sacro_kit.reported-card/2'"):
        load_card(path)


def test_a_literature_card_has_no_cohort_view():
    with pytest.raises(CardError, match="cannot be read as a cohort card"):
        load_reported(CARDS / "gupta2014.yaml")


def test_rational_step_and_multi_item_scales(tmp_path):
    path = write(tmp_path, "outcomes:\n  q: {scale: {type: real, min: 0, max: 10, step: 1/3}}\n"
                           "  s: {scale: {type: integer, min: 0, max: 4, items: 3, combine: mean}}\n"
                           "claims:\n  a: {kind: count, n: '3', quote: q}\n")
    card = load_card(path)
    assert str(card.outcomes["q"].scale.granularity) == "1/3"
    assert str(card.outcomes["s"].scale.granularity) == "1/3"


# ---------------------------------------------------------------------------------------------------------------------
# The wrong verdicts of issue 12, each a regression test


def test_precision_is_read_per_value_not_card_wide():
    # Gupta 2014 prints "0.25" beside "5.8": read card-wide, 5.8 would mean 5.795-5.805 and no definition would fit.
    card = load_card(CARDS / "gupta2014.yaml")
    table = check_card(card)
    quartiles = table[table.check.isin(["quartile definition (pre)", "quartile definition (post)"])]
    assert len(quartiles) == 6 and set(quartiles.status) == {"consistent"}
    joint = rows(table, "scores", "quartile definition (pre and")
    assert joint.iloc[0].reason == "fitting all: type 5."
    assert "each value read at its own printed precision" in quartiles.iloc[0].detail
    # the card-wide reading survives only as an explicit sensitivity argument, never as the default verdict
    wide = check_card(card, decimals=2)
    assert (rows(wide, "scores", "quartile definition (post)").status == "inconsistent").any()


@pytest.mark.parametrize("name, expected", [
    ("paired t-test (two-sided significance level 0.05)", "unverifiable: a paired t-test p has no smallest"),
    ("Jonckheere-Terpstra", "unverifiable: unknown test 'Jonckheere-Terpstra'"),
    ("Wilcoxon rank-sum", "unverifiable: the Wilcoxon rank-sum (Mann-Whitney) test compares groups"),
])
def test_the_test_is_matched_whole_never_by_substring(tmp_path, name, expected):
    # With 13 pairs p < 0.0001 is impossible for every signed-rank and sign test; none of these names is one.
    path = write(tmp_path, f"""timepoints: {{pre: {{}}, post: {{}}}}
outcomes:
  pain: {{scale: {{type: integer, min: 0, max: 10}}}}
claims:
  a:
    kind: summary
    outcome: pain
    n: 13
    values:
      - {{at: pre, median: "10", q1: "8.5", q3: "10"}}
      - {{at: post, median: "6", q1: "4", q3: "6.8"}}
    tests:
      - {{name: "{name}", within: [pre, post], p: "<0.0001"}}
    quote: q
""")
    table = check_card(load_card(path))
    p_rows = rows(table, "a", "p-value")
    assert len(p_rows) == 1 and p_rows.iloc[0].verdict.startswith(expected), p_rows.iloc[0].verdict
    assert "inconsistent" not in set(table.status)
    assert canonical_test("Wilcoxon rank-sum") == "rank-sum" and canonical_test("Wilcoxon signed-rank") == "wilcoxon"


def test_an_open_scale_is_never_closed_silently(tmp_path):
    # knee flexion in degrees, goniometer step 5, no maximum printed: 130-140 degrees must not be "impossible"
    path = write(tmp_path, """outcomes:
  knee: {scale: {type: real, min: 0, max: null, step: 5}}
claims:
  a: {kind: summary, outcome: knee, n: 10, values: [{median: "135", q1: "130", q3: "140"}], quote: q}
""")
    row = rows(check_card(load_card(path)), "a", "quartile definition").iloc[0]
    assert row.verdict == "consistent"
    assert "states no maximum: checked with maximum 140" in row.detail
    assert "the verdict holds for any" in row.detail


def test_an_open_scale_verdict_says_whether_the_maximum_matters(tmp_path):
    path = write(tmp_path, """outcomes:
  c: {scale: {type: integer, min: 0, max: null}}
claims:
  a: {kind: summary, outcome: c, n: 3, values: [{median: "1", q1: "0.1", q3: "2"}], quote: q}
  b: {kind: summary, outcome: c, n: 4, values: [{median: "2", q1: "1", q3: "9.6"}], quote: q}
""")
    table = check_card(load_card(path))
    # n = 3: Q1 is x(1) or a mix of x(1), x(2) with weights that never print 0.1 from integers -- for any maximum
    a = rows(table, "a", "quartile definition").iloc[0]
    assert a.status == "inconsistent" and "(open scale: for every maximum)" in a.reason
    assert "no larger maximum can change this" in a.detail
    # n = 4: Q3 = 9.6 needs a large x(4) (type 8: 5/12 x(3) + 7/12 x(4); type 9 gets there with 14): depends on the bound
    b = rows(table, "b", "quartile definition").iloc[0]
    assert b.status == "consistent" and "(open scale: needs a maximum of at least 14)" in b.reason
    assert "so the verdict depends on the bound" in b.detail


def test_range_minimum_must_be_a_scale_value(tmp_path):
    # a table labelled "Min-Max" printing 1.5 cannot hold the minimum of integer scores; on a real scale it can
    body = """outcomes:
  x: {scale: {type: TYPE, min: 0, max: 10}}
claims:
  a: {kind: summary, outcome: x, n: 20, values: [{median: "4", min: "1.5", max: "9"}], quote: q}
"""
    integer = check_card(load_card(write(tmp_path, body.replace("TYPE", "integer"))))
    assert rows(integer, "a", "minimum is a scale value").iloc[0].status == "inconsistent"
    assert rows(integer, "a", "maximum is a scale value").iloc[0].status == "consistent"
    real = check_card(load_card(write(tmp_path, body.replace("TYPE", "real"), "real.yaml")))
    assert set(real.status) <= {"consistent", "unverifiable"}


def test_percentages_with_n_but_no_k_and_k_but_no_n(tmp_path):
    path = write(tmp_path, """claims:
  a: {kind: proportion, n: 45, percent: "93%", quote: q}
  b: {kind: proportion, k: 42, percent: "93%", quote: q}
  c: {kind: proportion, n: 50, percent: "7%", quote: q}
""")
    table = check_card(load_card(path))
    assert rows(table, "a").iloc[0].reason == "93% of 45 fits k = 42."
    assert rows(table, "b").iloc[0].status == "consistent" and "n = 45" in rows(table, "b").iloc[0].detail
    assert rows(table, "c").iloc[0].status == "inconsistent"  # 3/50 = 6 %, 4/50 = 8 %: no k of 50 prints 7 %


def test_p_recomputed_from_a_printed_t_and_df(tmp_path):
    # scipy: 2 * t.sf(2.31, 15) = 0.0356 (the p statcheck recomputes from "t(15) = 2.31")
    assert f"{2 * stats.t.sf(2.31, 15):.3f}" == "0.036"
    body = """timepoints: {pre: {}, post: {}}
outcomes:
  x: {}
claims:
  a: {kind: summary, outcome: x, n: 16, tests: [{name: paired t-test, within: [pre, post], p: "P",
      statistic: {name: t, value: "2.31"}, df: 15}], quote: q}
"""
    good = check_card(load_card(write(tmp_path, body.replace('"P"', '"0.036"'))))
    assert rows(good, "a", "p recomputed").iloc[0].status == "consistent"
    bad = check_card(load_card(write(tmp_path, body.replace('"P"', '"0.01"'), "bad.yaml")))
    row = rows(bad, "a", "p recomputed").iloc[0]
    assert row.status == "inconsistent" and re.search(r"p runs 0\.035\d+ to 0\.035\d+", row.detail)


def test_seed_activity_p_is_flagged_with_its_proof():
    row = rows(check_card(load_card()), "activity_pain", "p-value").iloc[0]
    assert row.verdict == "inconsistent"
    assert "0.000244" in row.reason and "exact Wilcoxon signed-rank 0.000244" in row.detail


def test_the_documented_example_card_loads_and_checks(tmp_path):
    docs = (REPO / "docs" / "cards.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    table = check_card(load_card(path))
    assert set(table.status) == {"consistent"}
    assert rows(table, "scores", "p-value attainable by the named test").iloc[0].status == "consistent"


def test_mean_and_se_are_checked_by_grimmer_and_u_is_recomputed(tmp_path):
    path = write(tmp_path, """groups: {a: {n: 10}, b: {n: 12}}
timepoints: {post: {}}
outcomes:
  x: {scale: {type: integer, min: 0, max: 10}}
claims:
  m: {kind: summary, outcome: x, n: 10, values: [{mean: "5.20", se: "0.42"}], quote: q}
  u:
    kind: summary
    outcome: x
    tests: [{name: Mann-Whitney U, between: [a, b], at: post, p: "0.02", statistic: {name: U, value: "28"}}]
    quote: q
""")
    table = check_card(load_card(path))
    grimmer = rows(table, "m", "GRIMMER").iloc[0]
    assert grimmer.printed == "5.20 ± 0.42 (SE), n = 10" and not grimmer.verdict.startswith("unverifiable")
    recomputed = rows(table, "u", "p recomputed").iloc[0]
    assert recomputed.status in ("consistent", "inconsistent") and "U" in recomputed.detail
    assert rows(table, "u", "p-value attainable by the named test").iloc[0].status == "consistent"


def test_an_unnamed_test_on_means_is_unverifiable_but_says_when_no_rank_test_could_give_it():
    # Klingler 2013: 4 patients, p < 0.001 beside means: a paired t-test could give it, no rank test could
    table = check_card(load_card(CARDS / "klingler2013.yaml"))
    p_rows = rows(table, "vas", "p-value")
    assert set(p_rows.status) == {"unverifiable"}
    assert "no signed-rank or sign test could give it: their smallest p with 4 pairs is 0.0455" in p_rows.iloc[0].reason
