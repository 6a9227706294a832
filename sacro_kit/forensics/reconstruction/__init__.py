"""Patient-level cohorts that reproduce every reported statistic jointly -- reconstructed, not real patients.

Only summary statistics of the Dougherty 2014 cohort were published. This package builds plausible
patient-level data sets that print exactly those statistics, so that the book can compute what the paper did
not report (responder curves, other tests) and show how much the answer depends on the unknown data.

The package, one concern per module: ``counting`` (exact counts and uniform draws of sorted samples),
``planning`` (what a card's cohorts must reproduce, the constants and the law), ``pairing`` (a first valid
cohort: margins paired by constrained swaps), ``chain`` (the Metropolis chain and its proof; its steps run
compiled in ``_kernel``), ``verification`` (:func:`verify_cohort`, independent of the drawing code), ``spread``
(ranges, bands, the mixing diagnostic), ``drawing`` (:func:`reconstruct` and its cache), ``groups`` (cards with
groups: one card per group, each on its own patients; :func:`groups.refusal`, why a card cannot be reconstructed) and ``output`` (the CSV and the command line).

**What cannot be reconstructed.** The scores are drawn on a lattice (integers, a scale with a step, or weeks) from
printed medians and quartiles (a mean only beside its IQR). ``reconstruct`` refuses, with one sentence naming the
claim and the reason, a card that prints a mean ± SD (± SE, ± of unstated kind), a median with its range, a change
score, scores on a real-valued scale with no step, or a time point whose outcome maps no cohort column: every card
in ``data/literature/cards/`` is refused so (their VAS means ± SD on scales with no step). The helpers it shares with the consistency checks come from :mod:`sacro_kit.forensics.lattice`.

**Printed precision.** A card may declare the reporting precision its reconstruction assumes, with its evidence
(``reconstruction: {decimals: k, why: ...}``, docs/cards.md): every printed centre and quartile is then read at k
decimals or more. Without a declaration each printed value is read at its own precision ("5.8" is 5.75 to 5.85
whatever else the card prints), as the consistency checks always read it. ``decimals=k`` reads at k decimals or more
instead (a sensitivity reading). Every cohort's ``attrs["decimals"]`` (the int, or None for per value) and
``attrs["precision"]`` (a sentence) say which reading it was drawn under.

**The law.** The reconstructed cohorts are drawn from the uniform law over the distinct joint cohorts (multisets
of patient rows) that reproduce every printed number of the card, under the assumptions listed below (``LAW``);
bands and ranges are quantiles over such draws.

How a cohort is drawn (one plausible cohort of many; :func:`reconstruction_range` shows the spread):

1. **Margins, exactly counted.** A sorted sample of n values on a lattice is a count vector c_0..c_K.
   Every sample quantile is a weighted pair of adjacent order statistics (``order_statistic``), so a printed
   median and IQR pin at most six positions, and the constraint on a pair x_(j), x_(j+1) is a constraint on
   one step of the sorted sequence. A dynamic programme over positions j = 1..n, with the current value
   (and, for a printed mean, the running sum) as state, counts every admissible sorted sample exactly
   (:func:`count_samples`) and draws one uniformly by walking back through the same table.
2. **The joint cohort, by a Metropolis chain** (``chain``). A first valid cohort is built from such
   margins, paired by constrained swaps; from there a chain on labelled cohorts with symmetric moves (swaps of a
   value, a pair or the follow-up block between two patients; one-step and two-patient moves of values;
   margin refreshes dealt out in rank order, with their proposal ratio) accepts only cohorts that reproduce every
   printed number, with the Metropolis correction prod(m_r!) for the number of labellings of a multiset of rows.
   Its stationary law is therefore exactly the uniform law over distinct joint cohorts (proof in
   ``chain``); :func:`chain_diagnostics` reports acceptance rates and autocorrelation times, and
   ``reconstruct`` keeps one cohort every ``THIN_PER_PATIENT * n`` steps after ``BURN_IN_PER_PATIENT * n``.
   Exhaustive enumeration of two small cards checks the law (tests/test_reconstruction_law.py: total-variation
   distance from uniform within sampling noise, against 0.32 and 0.35 for the previous sampler).
   What remains approximate: a chain run for finitely many steps is close to, not exactly at, its stationary
   law, and successive cohorts of one run are correlated (see the diagnostics).
   **Several time points.** An outcome summarised (median and IQR, the same n) at more than two time points, with
   tests within pairs of them (pre vs 1 week, pre vs 6 months), has one cohort column per time point (the outcome's
   ``cohort:`` mapping) and one paired block per test (a time point no test reaches is paired with the first one,
   without a p); each block keeps its own p under its named test. Blocks that share a column (the baseline) share
   its one margin, and every move that changes the column is checked against every block that names it, so the
   stationary law is still exactly the uniform law over the distinct joint cohorts (rows: the patient's score at
   every time point) that reproduce every printed number: ``LAW`` holds unchanged. The chain adds, for such an
   outcome, a swap of the shared column and a two-patient step over all its columns, and keeps cohorts k times as
   many steps apart (k the number of time points, ``chain.thin_steps``), since its moves change one or two columns
   at a time: enumeration of a 78-cohort card (tests/test_reconstruction_timepoints.py) measured a total-variation
   distance of 0.113 at the pre/post thinning and 0.059 at k times it (independent draws: 0.064). The first valid
   cohort pairs each later block's new column to the column already drawn. Not supported (CardError naming the
   claim): time points of different sizes, a test over three or more time points, two tests of one pair.
3. **Rules the chain keeps.** Patients with a rest or activity score decrease are ``pain_decreased``; the
   remaining "decreased" patients of the reported count are among those without a score decrease ("numerical or
   descriptive decrease"); everyone else followed up is ``False``; pain scores are measured at follow-up.

Assumptions for the Dougherty card (each a parameter or a documented constant): quantiles by the first
definition that fits every printed median/IQR (Hyndman-Fan type 4, see ``check_reported``); weeks on a
half-week lattice 0.5..26; opioid counts 0..``count_max`` (4); every printed centre and quartile read at one
decimal, the reporting precision the card declares with its evidence (``reconstruction: {decimals: 1, why: ...}``
in ``data/reported/dougherty2014.yaml``: the abstract prints 8.5, 6.8, 2.5 and 3.5 beside whole values, so a
printed 7 is read as 7.0); pain duration for all 57 patients with a mean that prints as 3 (read as 3.0 under that
declared precision); rest and activity scores among the 45
followed-up patients, their overlap random; no rest baseline of 0 (a relative decrease from 0 is undefined,
and the abstract counts all 29 in "22 of 29"); the reported p-values are reproduced by the Wilcoxon
signed-rank test as R's ``wilcox.test`` computes it with ties (zeros dropped, normal approximation with tie
and continuity correction) wherever that test can reach them at that n -- not for activity pain, where no
rank test can.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
doi:10.1080/00031305.1996.10473566
Diaconis P, Shahshahani M. Generating a random permutation with random transpositions. Z Wahrscheinlichkeitstheorie
verw Gebiete 1981;57:159-179. doi:10.1007/BF00535487
Heathers JAJ, Anaya J, van der Zee T, Brown NJL. Recovering data from summary statistics: Sample Parameter
Reconstruction via Iterative TEchniques (SPRITE). PeerJ Preprints 2018;6:e26968v1.
doi:10.7287/peerj.preprints.26968v1 (the stochastic-search ancestor; this module is exhaustive for margins)
"""

from __future__ import annotations

from sacro_kit.forensics.reconstruction import chain  # noqa: F401,E402
from sacro_kit.forensics.reconstruction.counting import (  # noqa: F401
    COUNT_LIMIT,
    _count_exact,
    _count_table,
    _index_range,
    _intervals,
    _masks,
    _printed_band,
    _SortedSampler,
    count_samples,
)
from sacro_kit.forensics.reconstruction.drawing import (  # noqa: F401
    _MEMORY,
    CACHE_ENV,
    _cache_dir,
    _cache_key,
    _package_digest,
    _reconstruct,
    reconstruct,
)
from sacro_kit.forensics.reconstruction.output import (  # noqa: F401
    cohort_csv,
    main,
)
from sacro_kit.forensics.reconstruction.pairing import (  # noqa: F401
    _codes,
    _draw_cohort,
    _frame,
    _p_value,
    _pair,
    _pair_codes,
    _patient_ids,
    _signed_rank_z,
    _z_window,
    _z_window_of,
)
from sacro_kit.forensics.reconstruction.planning import (  # noqa: F401
    _DESCENT,
    _MAX_ATTEMPTS,
    _MIXING,
    _PAIR_ATTEMPTS,
    _PATIENCE,
    DEFAULT_SEED,
    LAW,
    P_TEST,
    P_TEST_LABEL,
    PAIN_SCORE_PAIRS,
    PER_VALUE,
    RECONSTRUCTION_COUNT_MAX,
    RECONSTRUCTION_LAW,
    WEEKS_LATTICE,
    _build_plan,
    _cached_plan,
    _CardView,
    _check_seed,
    _decimal_prints,
    _load_card,
    _p_floor,
    _p_satisfied,
    _PairSpec,
    _Plan,
    _plan,
    _plan_for,
    _scale_values,
    _summary_sampler,
    _weeks_values,
    reading,
)
from sacro_kit.forensics.reconstruction.spread import (  # noqa: F401
    ReconstructionRange,
    chain_diagnostics,
    reconstruction_range,
    responder_band,
)
from sacro_kit.forensics.reconstruction.verification import (  # noqa: F401
    _column,
    _complete,
    _fmt,
    _logic_rows,
    _method_label,
    _Rows,
    _unreachable_note,
    _unreachable_note_of,
    verify_cohort,
)

__all__ = [
    "CACHE_ENV",
    "COUNT_LIMIT",
    "RECONSTRUCTION_COUNT_MAX",
    "DEFAULT_SEED",
    "LAW",
    "PAIN_SCORE_PAIRS",
    "P_TEST",
    "P_TEST_LABEL",
    "RECONSTRUCTION_LAW",
    "ReconstructionRange",
    "WEEKS_LATTICE",
    "chain_diagnostics",
    "cohort_csv",
    "count_samples",
    "main",
    "reconstruct",
    "reconstruction_range",
    "responder_band",
    "verify_cohort",
]


def __getattr__(name: str):
    if name == "COUNT_MAX":  # renamed in 0.2.0: two modules had one name for two different limits
        import warnings

        warnings.warn(
            "sacro_kit.forensics.reconstruction.COUNT_MAX is deprecated; use RECONSTRUCTION_COUNT_MAX",
            DeprecationWarning,
            stacklevel=2,
        )
        return RECONSTRUCTION_COUNT_MAX
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
