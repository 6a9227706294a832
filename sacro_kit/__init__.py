"""sacro_kit: re-analyse a published cohort from its summary statistics, and pool it with the literature.

The public API is flat: ``import sacro_kit as sk`` then ``sk.wilcoxon(...)``, ``sk.load_cohort()``.
Names are loaded on first use so that ``import sacro_kit`` stays fast in a notebook.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_API = {
    # quantiles.py: Hyndman-Fan types 1-9 and Tukey hinges
    "quantile": "quantiles", "describe": "quantiles", "order_statistic": "quantiles",
    "QUANTILE_METHODS": "quantiles", "METHOD_LABEL": "quantiles", "Description": "quantiles",
    # paired.py: paired tests and estimates
    "wilcoxon": "paired", "WilcoxonResult": "paired", "sign_test": "paired", "SignTestResult": "paired",
    "hodges_lehmann": "paired", "HodgesLehmann": "paired", "PairedT": "paired", "paired_t": "paired",
    "exact_signed_rank_p": "paired",
    # responder_analysis.py: proportions and responder analysis
    "proportion_ci": "responder_analysis", "ProportionCI": "responder_analysis", "responders": "responder_analysis",
    "ResponderResult": "responder_analysis", "responder_curve": "responder_analysis", "percent_change": "responder_analysis",
    # card.py: the reported-statistics card
    "load_reported": "card", "check_card_against_cohort": "card", "ReportedCard": "card", "CardError": "card", "Printed": "card",
    # cohort.py: patient-level cohort files
    "load_cohort": "cohort", "CohortWarning": "cohort", "CohortError": "cohort", "COHORT_COLUMNS": "cohort", "attrition": "cohort",
    # card_schema.py: card schema 2 (any paper's outcomes, groups, time points, summaries and tests)
    "load_card": "card_schema",
    "Card": "card_schema",
    # checking.py: every check a card permits, with verdicts and proofs
    "check_card": "checking",
    # consistency.py: checks of reported numbers
    "check_reported": "consistency", "quartile_types": "consistency",
    "check_percentage": "forensics.summaries",
    # reconstruct.py: patient-level reconstructions
    "count_samples": "reconstruction", "reconstruct": "reconstruction", "verify_cohort": "reconstruction",
    "reconstruction_range": "reconstruction",
    # meansd.py and meta.py: literature synthesis
    "estimate_mean_sd": "meansd", "MeanSD": "meansd",
    "meta_analysis": "meta", "MetaResult": "meta", "mean_change": "meta", "correlation_sensitivity": "meta",
    "standardized_mean_change": "meta", "pooling_table": "literature", "StudiesError": "literature",
    "load_studies": "literature", "forest_plot": "metaplots", "funnel_plot": "metaplots",
    "MetaRegressionResult": "meta",
    "HeterogeneityCI": "meta",
    "heterogeneity_ci": "meta",
    "leave_one_out": "meta",
    "LeaveOneOut": "meta",
    "influence": "meta",
    "Influence": "meta",
    "egger_test": "meta",
    "EggerTest": "meta",
    "trim_and_fill": "meta",
    "TrimFill": "meta",
    "subgroup_analysis": "meta",
    "SubgroupAnalysis": "meta",
    "min_k": "meta",
    "META_METHODS": "meta",
    "sd_rule": "synthesis",
    "sd_sensitivity": "synthesis",
    "guidance_group": "synthesis",
    "k_requirements": "synthesis",
    # synthesis.py: the literature chapter's pooling workflow
    "card_study_row": "synthesis", "synthesis_table": "synthesis", "pool_eligible": "synthesis",
    "sensitivity_analyses": "synthesis", "conversion_table": "synthesis", "conversion_plot": "synthesis",
    "correlation_plot": "synthesis",
    # plots.py and missing.py: attrition, slope plots, missing-data sensitivity
    "attrition_figure": "plots", "slope_plot": "plots", "tipping_point_plot": "plots", "note_figure": "plots",
    "best_worst_case": "missing", "tipping_point": "missing", "TippingPoint": "missing",
    "no_change_sensitivity": "missing", "binary_outcome": "missing", "BinaryOutcome": "missing",
    "fitting_methods": "consistency", "card_decimals": "consistency", "quartile_type_table": "consistency",
    "ReconstructionRange": "reconstruction", "responder_band": "reconstruction",
    "PercentageCheck": "forensics.summaries",
    # figures.py: static figures and tables for the paired-test, responder and opioid chapters
    "min_p_table": "figures", "min_p_plot": "figures", "wilcoxon_table": "figures", "differences_plot": "figures",
    "spread_plot": "figures", "responder_plot": "figures", "paired_counts_plot": "figures",
    "paired_distributions_plot": "figures",
    "responder_bands": "widgets", "ResponderExplorer": "widgets",
    # forensics/: consistency checks of printed numbers
    "grim": "forensics.granularity",
    "grimmer": "forensics.granularity",
    "debit": "forensics.granularity",
    "GrimResult": "forensics.granularity",
    "GrimmerResult": "forensics.granularity",
    "DebitResult": "forensics.granularity",
    "min_attainable_p": "forensics.attainable",
    "max_attainable_p": "forensics.attainable",
    "attainable_p": "forensics.attainable",
    "AttainableP": "forensics.attainable",
    "check_attainable_p": "forensics.attainable",
    "PValueCheck": "forensics.attainable",
    "canonical_test": "forensics.attainable",
    "check_median_iqr": "forensics.summaries",
    "MedianIQRCheck": "forensics.summaries",
    "check_median_range": "forensics.summaries",
    "check_parts": "forensics.summaries",
    "PartsCheck": "forensics.summaries",
    "recompute_p": "forensics.statcheck",
    "RecomputedP": "forensics.statcheck",
    # book helpers
    "responder_explorer": "widgets", "check_answer": "exercises",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    try:
        module = _API[name]
    except KeyError:
        raise AttributeError(f"module 'sacro_kit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"sacro_kit.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
