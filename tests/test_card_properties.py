"""Property: a card printed from a real cohort is never called inconsistent.

A random integer cohort (pre and post scores on 0-10, a yes/no outcome) is summarised the way papers print it --
medians and quartiles under one Hyndman-Fan definition rounded to one decimal with trailing zeros dropped, percentages
rounded to whole numbers, the p of scipy's Wilcoxon signed-rank test -- and written as a schema-2 card. Every check
of that card must be consistent or unverifiable, and the definition that printed the quartiles must be among those
the check says fit. (A false "inconsistent" is the worst output the kit can produce.)
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from sacro_kit.forensics.checking import check_card
from sacro_kit.io.card_schema import load_card
from sacro_kit.stats.quantiles import QUANTILE_METHODS, quantile


def printed(value: float, decimals: int = 1) -> str:
    text = str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def p_text(p: float) -> str:
    return "<0.001" if p < 0.001 else printed(p, 3)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(n=st.integers(5, 25), method=st.sampled_from(QUANTILE_METHODS), seed=st.integers(0, 10 ** 6))
def test_a_card_printed_from_a_cohort_is_never_inconsistent(tmp_path_factory, n, method, seed):
    rng = np.random.default_rng(seed)
    pre = rng.integers(3, 11, n)
    post = np.clip(pre - rng.integers(-2, 6, n), 0, 10)
    improved = int((post < pre).sum())
    values = []
    for at, x in (("pre", pre), ("post", post)):
        q1, med, q3 = (quantile(x, p, quantile_type=method) for p in (0.25, 0.5, 0.75))
        values.append({"at": at, "median": printed(med), "q1": printed(q1), "q3": printed(q3)})
    claim = {"kind": "summary", "outcome": "pain", "n": n, "values": values, "quote": "q"}
    if (pre != post).any():
        claim["tests"] = [{"within": ["pre", "post"], "p": p_text(stats.wilcoxon(pre, post).pvalue)}]
    card = {
        "schema": "sacro_kit.reported-card/2",
        "study": {"id": "random", "citation": "random cohort"},
        "timepoints": {"pre": {}, "post": {}},
        "outcomes": {"pain": {"scale": {"type": "integer", "min": 0, "max": 10}}, "better": {}},
        "claims": {
            "treated": {"kind": "count", "n": str(n), "quote": "q"},
            "pain": claim,
            "better": {"kind": "proportion", "outcome": "better", "k": improved, "n": n,
                       "percent": f"{printed(100 * improved / n, 0)}%", "quote": "q"},
        },
    }
    path = tmp_path_factory.mktemp("card") / "random.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False), encoding="utf-8")
    table = check_card(load_card(path))
    assert "inconsistent" not in set(table.status), table[table.status == "inconsistent"].detail.tolist()
    label = "Tukey hinges" if method == "tukey" else f"type {method}"
    for row in table[table.check.isin(["quartile definition (pre)", "quartile definition (post)"])].itertuples():
        assert label in row.reason, (label, row.reason)
