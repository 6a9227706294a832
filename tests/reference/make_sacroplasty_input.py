"""Write the sacroplasty effects that make_r_metafor.R reads (run from the repository root).

    .venv/bin/python tests/reference/make_sacroplasty_input.py

The rows are chapter 9's main pooling table (booksupport.synthesis.synthesis_table with the shipped card, first
time point per arm, r = 0.5), eligible rows only, with each row's image-guidance group and follow-up in weeks.
yi and vi are written with 17 significant digits, so R reads exactly the doubles Python pools.
"""

import csv
from pathlib import Path

import sacro_kit as sk
from booksupport.synthesis import synthesis_table

OUT = Path(__file__).with_name("sacroplasty_effects.csv")


def main() -> None:
    table = synthesis_table(sk.load_reported())
    rows = table[table["eligible"]]
    with open(OUT, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["label", "yi", "vi", "n", "weeks", "guidance_group"])
        for _, r in rows.iterrows():
            out.writerow([r["label"], f"{r['yi']:.17g}", f"{r['vi']:.17g}", int(r["n"]),
                          "" if r["timepoint_weeks"] != r["timepoint_weeks"] else f"{r['timepoint_weeks']:.17g}",
                          r["guidance_group"]])


if __name__ == "__main__":
    main()
