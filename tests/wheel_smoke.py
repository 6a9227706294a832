"""Smoke script run by tests/test_wheel.py inside a fresh virtual environment, from a temporary directory.

It must use the *installed* wheel: the package and its data must come from that environment's site-packages,
never from the checkout. Prints one line per step; exits non-zero on the first failure.
"""

import math
import sys
from pathlib import Path

import sacro_kit as sk
from sacro_kit.io import resources

prefix = Path(sys.prefix).resolve()
package = Path(sk.__file__).resolve()
assert prefix in package.parents, f"sacro_kit imported from {package}, not from the fresh environment {prefix}"
assert prefix in resources.DATA_DIR.resolve().parents, f"package data found at {resources.DATA_DIR}, outside {prefix}"
print("package", package.parent)

card = sk.load_reported()
cohort = sk.load_cohort()
print("card", len(list(card)), "claims; cohort", len(cohort), "rows")

report = sk.check_reported(card)
print("check_reported", type(report).__name__)

res = sk.wilcoxon(cohort["rest_pre"], cohort["rest_post"])
statistic, pvalue = res.statistic, res.pvalue
assert 0 < pvalue < 0.05, pvalue
print("wilcoxon", statistic, f"{pvalue:.3g}", res.method)

resp = sk.responders(cohort["rest_pre"], cohort["rest_post"], 0.30)
print("responders", resp.k, "of", resp.n)

studies = sk.load_studies()
# the installed table is what the installed cards give (a study is described once, in its card)
from sacro_kit.io.literature import STUDIES_PATH  # noqa: E402
from sacro_kit.io.literature_cards import studies_csv_text  # noqa: E402

assert studies_csv_text().encode("utf-8") == STUDIES_PATH.read_bytes()
table = sk.pooling_table(studies)
eligible = table[table["eligible"]]
meta = sk.meta_analysis(eligible["yi"], eligible["vi"])
assert math.isfinite(meta.estimate), meta
print("meta_analysis", len(eligible), "rows; estimate", f"{meta.estimate:.3f}")
print("smoke ok")
