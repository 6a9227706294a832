"""The reported-statistics card: faithful to the abstract, strict about malformed cards.

Reference values are the figures printed in the abstract of Dougherty RW et al., J NeuroIntervent Surg
2014;6(1):57-60, doi:10.1136/neurintsurg-2012-010599, PMID 23345629 (stored copy: ../shared/seed/).
"""

from __future__ import annotations

import dataclasses
import math
import re
import hashlib
from pathlib import Path

import pytest

from sacro_kit.io import resources as config
from sacro_kit.io.card import (
    CardError,
    CountClaim,
    DirectionClaim,
    PairedSummaryClaim,
    Printed,
    ProportionClaim,
    ResponderClaim,
    SummaryClaim,
    check_card_against_cohort,
    load_reported,
)
from sacro_kit.io.cohort import COHORT_COLUMNS, load_cohort

REPO = Path(__file__).resolve().parents[1]
CARD_PATH = REPO / "data" / "reported" / "dougherty2014.yaml"
ABSTRACT_PATH = REPO / "data" / "seed" / "dougherty2014_abstract.txt"  # provenance: data/seed/README.md
ABSTRACT_SHA256 = "dfb626a56c8a4e0e4ca4f37e44fc4d543a54af814c2c4f266eff09eec3e7e3bc"


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def abstract() -> str:
    assert ABSTRACT_PATH.is_file(), (
        f"the abstract {ABSTRACT_PATH} is needed to prove the card faithful (it ships in the repository)")
    assert hashlib.sha256(ABSTRACT_PATH.read_bytes()).hexdigest() == ABSTRACT_SHA256, "the stored abstract was altered"
    text = ABSTRACT_PATH.read_text(encoding="utf-8")
    return _squash(text.split("AB - ", 1)[1])


# ---------------------------------------------------------------------------------------------------------------------
# Printed


@pytest.mark.parametrize("text, value, relation, decimals, is_percent, interval", [
    ("6.8", 6.8, "=", 1, False, (6.75, 6.85)),
    ("10", 10.0, "=", 0, False, (9.5, 10.5)),
    ("0", 0.0, "=", 0, False, (-0.5, 0.5)),
    ("2.50", 2.5, "=", 2, False, (2.495, 2.505)),
    ("<0.0001", 0.0001, "<", 4, False, (0.0, 0.0001)),
    ("≤ 0.05", 0.05, "<=", 2, False, (0.0, 0.05)),
    (">0.05", 0.05, ">", 2, False, (0.05, math.inf)),
    ("82%", 82.0, "=", 0, True, (81.5, 82.5)),
    ("7.5%", 7.5, "=", 1, True, (7.45, 7.55)),
    ("-1.5", -1.5, "=", 1, False, (-1.55, -1.45)),
])
def test_printed_parse(text, value, relation, decimals, is_percent, interval):
    # Rounding to d decimals maps [x - 0.5*10^-d, x + 0.5*10^-d) onto x: the interval is that definition.
    printed = Printed.parse(text)
    assert (printed.value, printed.relation, printed.decimals, printed.is_percent) == (
        value, relation, decimals, is_percent)
    assert printed.interval == interval
    assert str(printed) == text


@pytest.mark.parametrize("garbage", ["", " ", "six", "6,8", "1e-4", "--1", "%", "<", "6.8.1", "p<0.05", "82 %%"])
def test_printed_rejects_garbage(garbage):
    with pytest.raises(ValueError, match="is not a number"):
        Printed.parse(garbage)


def test_printed_rejects_non_strings():
    with pytest.raises(ValueError, match="quote it"):
        Printed.parse(6.8)


# ---------------------------------------------------------------------------------------------------------------------
# The real card is the abstract


# Typed from the abstract (PMID 23345629), independently of the YAML file.
ABSTRACT_FIGURES = {
    ("treated", "n"): "57",
    ("pain_duration", "center"): "3", ("pain_duration", "q1"): "2", ("pain_duration", "q3"): "5",
    ("followed_up", "n"): "45",
    ("followup_time", "center"): "2.5", ("followup_time", "q1"): "1", ("followup_time", "q3"): "5",
    ("pain_decreased", "k"): "37", ("pain_decreased", "percent"): "82%",
    ("activity_pain", "pre.center"): "10", ("activity_pain", "pre.q1"): "8.5", ("activity_pain", "pre.q3"): "10",
    ("activity_pain", "post.center"): "6", ("activity_pain", "post.q1"): "4", ("activity_pain", "post.q3"): "6.8",
    ("activity_pain", "p"): "<0.0001",
    ("rest_pain", "pre.center"): "7", ("rest_pain", "pre.q1"): "4", ("rest_pain", "pre.q3"): "8.5",
    ("rest_pain", "post.center"): "2", ("rest_pain", "post.q1"): "1", ("rest_pain", "post.q3"): "3.5",
    ("rest_pain", "p"): "<0.0001",
    ("rest_responders", "k"): "22", ("rest_responders", "percent"): "76%",
    ("opioids", "pre.center"): "1", ("opioids", "pre.q1"): "1", ("opioids", "pre.q3"): "2",
    ("opioids", "post.center"): "0", ("opioids", "post.q1"): "0", ("opioids", "post.q3"): "1",
    ("opioids", "p"): "<0.0001",
    ("opioid_change", "decreased.k"): "34", ("opioid_change", "decreased.percent"): "60%",
    ("opioid_change", "unchanged.k"): "15", ("opioid_change", "unchanged.percent"): "26%",
    ("opioid_change", "increased.k"): "8", ("opioid_change", "increased.percent"): "14%",
}
# Sample sizes printed in the abstract (opioids: all 57, from "Thirty-four of 57 patients").
ABSTRACT_N = {"followup_time": 45, "pain_decreased": 45, "activity_pain": 13, "rest_pain": 29,
              "rest_responders": 29, "opioids": 57, "opioid_change": 57, "pain_duration": None}


def test_the_v1_card_and_the_schema_2_card_read_the_same(card):
    # the seed card was migrated to schema 2 losslessly: its cohort view equals the version-1 card in every value
    old = load_reported(V1_PATH)
    assert old.to_frame().equals(card.to_frame())
    assert [old[k] for k in old.keys()] == [card[k] for k in card.keys()]
    assert dict(old.scales) == dict(card.scales) and old.study == card.study


def test_card_figures_match_the_abstract(card):
    frame = card.to_frame()
    assert dict(zip(zip(frame["key"], frame["field"]), frame["printed"])) == ABSTRACT_FIGURES
    for key, n in ABSTRACT_N.items():
        assert card[key].n == n, key


def test_card_structure(card):
    assert list(card.keys()) == ["treated", "pain_duration", "followed_up", "followup_time", "pain_decreased",
                                 "activity_pain", "rest_pain", "rest_responders", "opioids", "opioid_change"]
    assert isinstance(card["treated"], CountClaim) and card["followed_up"].of == "treated"
    assert isinstance(card["pain_duration"], SummaryClaim)
    assert card["pain_duration"].summary.center_label == "mean"  # the abstract prints "Mean ... (IQR 2–5)"
    assert card["followup_time"].summary.center_label == "median"
    assert isinstance(card["pain_decreased"], ProportionClaim)
    assert isinstance(card["rest_pain"], PairedSummaryClaim) and card["rest_pain"].test is None
    assert card["rest_pain"].variables == ("rest_pre", "rest_post")
    assert isinstance(card["rest_responders"], ResponderClaim)
    assert (card["rest_responders"].threshold, card["rest_responders"].threshold_kind) == (0.30, "relative")
    assert isinstance(card["opioid_change"], DirectionClaim)
    assert card.study.pmid == "23345629" and card.study.doi == "10.1136/neurintsurg-2012-010599"
    assert (card.study.period_first, card.study.period_last) == (2004, 2011)
    assert card.scale_of("rest_pre").max == 10 and card.scale_of("opioids_post").max is None
    assert card.scale_of("followup_weeks").type == "real"


def test_every_quote_is_verbatim(card, abstract):
    quotes = [claim.quote for claim in card] + [card.study.period_quote]
    quotes += [scale.quote for scale in card.scales.values() if scale.quote]
    for quote in quotes:
        assert _squash(quote) in abstract, quote
        assert len(quote.split()) <= 25, quote


def _iqr(summary) -> str:
    center, q1, q3 = (re.escape(x.text) for x in (summary.center, summary.q1, summary.q3))
    return rf"{center} (?:weeks )?\(IQR {q1}–{q3}\)"


WORDS = {37: "Thirty-seven", 22: "Twenty-two", 34: "Thirty-four"}  # as the abstract spells these counts


def _count_in(k: int, text: str) -> bool:
    return re.search(rf"\b{k}\b", text) is not None or WORDS.get(k, "\0") in text


def test_every_figure_is_in_its_quote(card):
    for claim in card:
        quote = claim.quote
        if isinstance(claim, CountClaim):
            assert f"{claim.n.text} patients" in quote
        elif isinstance(claim, SummaryClaim):
            assert re.search(_iqr(claim.summary), quote)
            assert claim.summary.center_label in quote.lower()
        elif isinstance(claim, PairedSummaryClaim):
            pre, post = re.search(_iqr(claim.pre), quote), re.search(_iqr(claim.post), quote)
            assert pre and post and pre.start() < post.start(), claim.key
            assert f"p{claim.p.text}" in quote and claim.pre.center_label in quote.lower()
            assert _count_in(claim.n, quote) or claim.key == "opioids"
        elif isinstance(claim, (ProportionClaim, ResponderClaim)):
            assert f"({claim.percent.text})" in quote
            assert _count_in(claim.k, quote) and _count_in(claim.n, quote)
        if isinstance(claim, ResponderClaim):
            assert f"at least a {claim.threshold * 100:.0f}% decrease" in quote
        if isinstance(claim, DirectionClaim):
            assert _count_in(claim.n, quote)
            for direction in ("decreased", "unchanged", "increased"):
                count = getattr(claim, direction)
                assert _count_in(count.k, quote) and f"({count.percent.text})" in quote
                assert f"{direction} " in quote
    assert card["opioids"].n == card["opioid_change"].n  # opioids' n is the 57 of the opioid_change sentence
    assert f"between {card.study.period_first} and {card.study.period_last}" in card.study.period_quote
    nrs = card.scales["nrs"]
    assert f"{nrs.max - nrs.min + 1}-point" in nrs.quote


def test_card_misses_no_figure_of_the_abstract(card, abstract):
    printed = {re.search(r"\d+(?:\.\d+)?", row).group() for row in card.to_frame()["printed"]}
    counts = {str(claim.n) for claim in card if isinstance(claim.n, int)}
    other = {str(card.study.period_first), str(card.study.period_last),
             f"{card['rest_responders'].threshold * 100:.0f}",
             str(card.scales["nrs"].max - card.scales["nrs"].min + 1)}
    in_abstract = set(re.findall(r"\d+(?:\.\d+)?", abstract))
    spelled = {str(k) for k, word in WORDS.items() if word in abstract}
    assert spelled == {"37", "22", "34"}
    assert in_abstract == (printed | counts | other) - spelled


def test_card_collections(card):
    assert len(card) == 10 and "rest_pain" in card and "nope" not in card
    assert [c.key for c in card] == list(card.keys())
    assert card.get("nope") is None and card.get("nope", 1) == 1
    with pytest.raises(KeyError, match="no claim 'nope'"):
        card["nope"]
    with pytest.raises(KeyError, match="no scale for variable 'patient_id'"):
        card.scale_of("patient_id")
    with pytest.raises(TypeError):
        card.claims["x"] = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        card["rest_pain"].n = 30
    assert "dougherty2014" in repr(card)


def test_to_frame_has_one_row_per_reported_number(card):
    frame = card.to_frame()
    assert list(frame.columns) == ["key", "kind", "field", "printed", "value", "relation", "decimals", "n", "quote"]
    assert len(frame) == len(ABSTRACT_FIGURES)
    p = frame[(frame["key"] == "activity_pain") & (frame["field"] == "p")].iloc[0]
    assert (p["value"], p["relation"], p["decimals"], p["n"]) == (0.0001, "<", 4, 13)
    assert frame.loc[frame["key"] == "pain_duration", "n"].isna().all()
    assert str(frame["n"].dtype) == "Int64"


# ---------------------------------------------------------------------------------------------------------------------
# Default paths


def test_default_card_path_and_env(monkeypatch, tmp_path):
    monkeypatch.delenv(config.CARD_ENV, raising=False)
    monkeypatch.delenv(config.COHORT_ENV, raising=False)
    assert config.DATA_DIR == REPO / "data"
    assert config.default_card_path() == CARD_PATH
    assert config.default_cohort_path() == REPO / "data" / "cohort_reconstructed.csv"
    assert load_reported().path == CARD_PATH
    (tmp_path / "mine.yaml").write_text(CARD_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(config.CARD_ENV, "mine.yaml")
    monkeypatch.setenv(config.COHORT_ENV, "mine.csv")
    assert load_reported().path == tmp_path / "mine.yaml"
    assert config.default_cohort_path() == tmp_path / "mine.csv"


def test_missing_card_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.yaml"):
        load_reported(tmp_path / "nowhere.yaml")


# ---------------------------------------------------------------------------------------------------------------------
# Malformed cards: each names the file, the line and the key path

# The version-1 card (schema sacro_kit.reported-card/1, as shipped before schema 2): version-1 files still load and
# are validated exactly as before. Schema-2 malformed cards are tested in test_card_schema.py.
V1_PATH = REPO / "tests" / "data" / "dougherty2014_v1.yaml"
REAL = V1_PATH.read_text(encoding="utf-8")


def _line_of(text: str, marker: str, after: str | None = None) -> int:
    start = text.index(after) if after else 0
    return text[: text.index(marker, start)].count("\n") + 1


# (id, [(old, new), ...], key path, message fragment, marker of the expected line, anchor before the marker)
MALFORMED = [
    ("percent_unparseable", [('"82%"', '"8 2%"')], "claims.pain_decreased.percent.printed", "is not a number",
     "8 2%", None),
    ("percent_without_sign", [('"76%"', '"76"')], "claims.rest_responders.percent.printed", "with '%'",
     '"76"', None),
    ("percent_over_100", [('"14%"', '"114%"')], "claims.opioid_change.increased.percent.printed",
     "between 0% and 100%", "114%", None),
    ("decimal_comma", [('"6.8"', '"6,8"')], "claims.activity_pain.post.q3.printed", "decimal comma", "6,8", None),
    ("printed_not_quoted", [('q3: {printed: "3.5"}', "q3: {printed: 3.5}")], "claims.rest_pain.post.q3.printed",
     "quoted string", "printed: 3.5}", None),
    ("printed_not_numeric", [('center: {printed: "2.5"}', 'center: {printed: "two and a half"}')],
     "claims.followup_time.center.printed", "is not a number", "two and a half", None),
    ("n_not_integer", [("n: 13\n", "n: 13.5\n")], "claims.activity_pain.n", "expected an integer", "n: 13.5", None),
    ("n_quoted", [("n: 29\n", 'n: "29"\n')], "claims.rest_pain.n", "expected an integer", 'n: "29"', None),
    ("n_zero", [("n: 57\n", "n: 0\n")], "claims.opioid_change.n", "below 1", "    n: 0\n", None),
    ("count_not_whole", [('n: {printed: "57"}', 'n: {printed: "57.0"}')], "claims.treated.n.printed",
     "head count", "57.0", None),
    ("missing_quote", [('    quote: "Twenty-two (76%) of 29 patients had at least a 30% decrease in rest pain '
                        'scores"\n', "")], "claims.rest_responders.quote", "missing", "  rest_responders:", None),
    ("missing_kind", [("    kind: proportion\n", "")], "claims.pain_decreased.kind", "missing",
     "  pain_decreased:", None),
    ("missing_center", [('      center: {printed: "7"}\n', "")], "claims.rest_pain.pre.center", "missing",
     "    pre:", "  rest_pain:"),
    ("missing_citation", [("  citation:", "  cite:")], "study.citation", "missing", "study:", None),
    ("unknown_study_key", [("  design:", "  designs:")], "study.designs", "unknown key", "designs:", None),
    ("missing_treated", [("  treated:\n", "  everyone:\n")], "claims.treated", "missing", "claims:", None),
    ("k_exceeds_n", [("k: 22", "k: 30")], "claims.rest_responders.k", "k = 30 exceeds n = 29", "k: 30", None),
    ("proportion_k_exceeds_n", [("k: 37", "k: 46")], "claims.pain_decreased.k", "exceeds n = 45", "k: 46", None),
    ("direction_k_exceeds_n", [("k: 34", "k: 58")], "claims.opioid_change.decreased.k", "exceeds n = 57",
     "k: 58", None),
    ("unknown_kind", [("kind: responders", "kind: responder")], "claims.rest_responders.kind",
     "'responder' is not one of", "kind: responder", None),
    ("variable_not_in_schema", [("variable: pain_weeks", "variable: pain_wks")], "claims.pain_duration.variable",
     "not a cohort column", "pain_wks", None),
    ("variables_not_in_schema", [("[rest_pre, rest_post]", "[rest_pre, rest_after]")],
     "claims.rest_pain.variables.1", "'rest_after' is not a cohort column", "rest_after", None),
    ("proportion_of_scores", [("    variable: pain_decreased", "    variable: rest_pre")],
     "claims.pain_decreased.variable", "yes/no", "variable: rest_pre", None),
    ("unknown_scale", [("scale: nrs", "scale: vas")], "claims.activity_pain.scale", "unknown scale 'vas'",
     "scale: vas", None),
    ("unknown_scale_type", [("type: real", "type: float")], "scales.weeks.type", "'float' is not one of",
     "type: float", None),
    ("scale_wider_than_cohort", [("    max: 10\n", "    max: 100\n")], "claims.activity_pain.scale",
     "wider than cohort column 'activity_pre'", "scale: nrs", None),
    ("scale_conflict", [("variable: pain_weeks\n    scale: weeks", "variable: followup_weeks\n    scale: nrs")],
     "claims.followup_time.scale", "on scale 'nrs' in claim 'pain_duration'", "scale: weeks", "  followup_time:"),
    ("value_outside_scale", [('q1: {printed: "8.5"}', 'q1: {printed: "11"}')], "claims.activity_pain.pre.q1.printed",
     "outside scale 'nrs'", '"11"', None),
    ("q3_below_q1", [('q3: {printed: "3.5"}', 'q3: {printed: "0.4"}')], "claims.rest_pain.post.q3.printed",
     "below q1", "0.4", None),
    ("median_outside_iqr", [('center: {printed: "2.5"}', 'center: {printed: "7"}')],
     "claims.followup_time.center.printed", "outside its IQR", 'center: {printed: "7"}', "  followup_time:"),
    ("p_above_one", [('p: {printed: "<0.0001"}', 'p: {printed: "1.5"}')], "claims.activity_pain.p.printed",
     "p-value between 0 and 1", "1.5", None),
    ("unknown_key", [("    test: null", "    tests: null")], "claims.activity_pain.tests", "unknown key",
     "tests: null", None),
    ("duplicate_key", [('    q3: {printed: "5"}\n', '    q3: {printed: "5"}\n    q3: {printed: "6"}\n')],
     "claims.pain_duration.q3", "duplicate key", 'q3: {printed: "6"}', None),
    ("wrong_schema", [("schema: sacro_kit.reported-card/1", "schema: sacro_kit.reported-card/3")], "schema",
     "is not 'sacro_kit.reported-card/2'", "schema:", None),
    ("of_unknown", [("of: treated", "of: everyone")], "claims.followed_up.of", "not a count claim", "of: everyone",
     None),
    ("of_exceeded", [('n: {printed: "45"}', 'n: {printed: "60"}')], "claims.followed_up.n.printed",
     "exceeds the 57 of 'treated'", '"60"', None),
    ("threshold_as_percent", [("threshold: 0.30", "threshold: 30")], "claims.rest_responders.threshold",
     "0.30 for 30%", "threshold: 30", None),
    ("period_reversed", [("first_year: 2004", "first_year: 2012")], "study.period.last_year",
     "before first_year 2012", "last_year", None),
]


@pytest.mark.parametrize("edits, key_path, fragment, marker, after",
                         [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_malformed_card(tmp_path, edits, key_path, fragment, marker, after):
    text = REAL
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "bad_card.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CardError) as raised:
        load_reported(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{_line_of(text, marker, after)}: {key_path}: "), message
    assert fragment in message, message


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(REAL.replace('n: {printed: "57"}', 'n: {printed: "57"', 1), encoding="utf-8")
    with pytest.raises(CardError, match=r"broken\.yaml:\d+: not valid YAML"):
        load_reported(path)


def test_card_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(CardError, match=r"list\.yaml:1: \(top level\): expected a mapping"):
        load_reported(path)


def test_mean_outside_its_iqr_is_allowed(tmp_path):
    # A mean may fall outside the quartiles of skewed data; only a median may not. Not an error.
    path = tmp_path / "mean.yaml"
    path.write_text(REAL.replace('center: {printed: "3"}', 'center: {printed: "6"}', 1), encoding="utf-8")
    assert load_reported(path)["pain_duration"].summary.center.text == "6"


def test_minimal_card_needs_only_treated(tmp_path):
    path = tmp_path / "min.yaml"
    path.write_text("schema: sacro_kit.reported-card/1\nstudy: {id: me, citation: Me 2024}\n"
                    "claims:\n  treated: {kind: count, variable: patient_id, n: {printed: '3'}, quote: three}\n",
                    encoding="utf-8")
    card = load_reported(path)
    assert list(card.keys()) == ["treated"] and card.scales == {}
    assert card.study.doi is None and card.study.period_first is None


# ---------------------------------------------------------------------------------------------------------------------
# Card against a cohort

HEADER = ",".join(COHORT_COLUMNS)


def _cohort_csv(path: Path, *, n=57, followed=45, rest=29, activity=13) -> Path:
    """A cohort with exactly the abstract's sample sizes (values are arbitrary valid placeholders)."""
    lines = [HEADER]
    for i in range(n):
        f = i < followed
        lines.append(",".join([
            f"P{i + 1:02d}", "3", "2.5" if f else "", ("1" if i % 5 else "0") if f else "",
            "7" if i < rest else "", "2" if i < rest else "", "10" if i < activity else "",
            "6" if i < activity else "", "1", "0"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_card_against_a_cohort_that_fits(card, tmp_path):
    table = check_card_against_cohort(card, load_cohort(_cohort_csv(tmp_path / "fits.csv")))
    status = dict(zip(table["key"], table["status"]))
    assert status.pop("pain_duration") == "n not reported"
    assert set(status.values()) == {"equal"}
    assert table.set_index("key").loc["rest_pain", "available_n"] == 29


def test_card_against_a_larger_cohort(card, tmp_path):
    table = check_card_against_cohort(card, load_cohort(_cohort_csv(tmp_path / "more.csv", rest=30)))
    assert table.set_index("key").loc["rest_pain", "status"] == "cohort has more"


def test_card_with_n_larger_than_the_cohort(card, tmp_path):
    path = _cohort_csv(tmp_path / "small.csv", n=50, followed=44)
    with pytest.raises(CardError) as raised:
        check_card_against_cohort(card, load_cohort(path))
    message = str(raised.value)
    assert str(CARD_PATH) in message and str(path) in message
    assert "claims.treated.n: the card reports n = 57 but" in message and "has only 50 rows" in message
    assert "claims.followup_time.n: the card reports n = 45" in message and "44 rows with followup_weeks" in message
    assert "claims.opioids.n" in message and "claims.rest_pain.n" not in message


def test_card_against_a_frame_missing_columns(card, tmp_path):
    cohort = load_cohort(_cohort_csv(tmp_path / "c.csv")).drop(columns=["rest_post"])
    with pytest.raises(CardError, match="missing from .*c.csv: rest_post"):
        check_card_against_cohort(card, cohort)
