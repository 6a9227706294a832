"""sacro_kit: re-analyse a published cohort from its summary statistics, and pool it with the literature.

The public API is flat: ``import sacro_kit as sk`` then ``sk.wilcoxon(...)``, ``sk.load_cohort()``.
Names are loaded on first use so that ``import sacro_kit`` stays fast in a notebook.
"""

from __future__ import annotations

import importlib

__version__ = "0.2.0"

# public name -> module that defines it
_API = {
    # sacro_kit/io/card.py
    "load_reported": "io.card",
    "check_card_against_cohort": "io.card",
    "ReportedCard": "io.card",
    "CardError": "io.card",
    "Printed": "io.card",
    # sacro_kit/io/cohort.py
    "load_cohort": "io.cohort",
    "CohortWarning": "io.cohort",
    "CohortError": "io.cohort",
    "COHORT_COLUMNS": "io.cohort",
    "attrition": "io.cohort",
    # sacro_kit/io/card_schema.py
    "load_card": "io.card_schema",
    "load_card_table": "io.card_table",
    "Card": "io.card_schema",
    # sacro_kit/io/literature.py
    "pooling_table": "io.literature",
    "StudiesError": "io.literature",
    "load_studies": "io.literature",
    # sacro_kit/stats/quantiles.py
    "quantile": "stats.quantiles",
    "describe": "stats.quantiles",
    "order_statistic": "stats.quantiles",
    "QUANTILE_METHODS": "stats.quantiles",
    "METHOD_LABEL": "stats.quantiles",
    "Description": "stats.quantiles",
    # sacro_kit/stats/paired.py
    "wilcoxon": "stats.paired",
    "WilcoxonResult": "stats.paired",
    "sign_test": "stats.paired",
    "SignTestResult": "stats.paired",
    "hodges_lehmann": "stats.paired",
    "HodgesLehmann": "stats.paired",
    "PairedT": "stats.paired",
    "paired_t": "stats.paired",
    "exact_signed_rank_p": "stats.paired",
    # sacro_kit/stats/responders.py
    "proportion_ci": "stats.responders",
    "ProportionCI": "stats.responders",
    "responders": "stats.responders",
    "ResponderResult": "stats.responders",
    "responder_curve": "stats.responders",
    "percent_change": "stats.responders",
    # sacro_kit/stats/meansd.py
    "estimate_mean_sd": "stats.meansd",
    "MeanSD": "stats.meansd",
    # sacro_kit/stats/meta.py
    "meta_analysis": "stats.meta",
    "MetaResult": "stats.meta",
    "mean_change": "stats.meta",
    "correlation_sensitivity": "stats.meta",
    "standardized_mean_change": "stats.meta",
    "MetaRegressionResult": "stats.meta",
    "HeterogeneityCI": "stats.meta",
    "heterogeneity_ci": "stats.meta",
    "leave_one_out": "stats.meta",
    "LeaveOneOut": "stats.meta",
    "influence": "stats.meta",
    "Influence": "stats.meta",
    "egger_test": "stats.meta",
    "EggerTest": "stats.meta",
    "trim_and_fill": "stats.meta",
    "TrimFill": "stats.meta",
    "subgroup_analysis": "stats.meta",
    "SubgroupAnalysis": "stats.meta",
    "min_k": "stats.meta",
    "META_METHODS": "stats.meta",
    # sacro_kit/stats/missing.py
    "best_worst_case": "stats.missing",
    "tipping_point": "stats.missing",
    "TippingPoint": "stats.missing",
    "no_change_sensitivity": "stats.missing",
    "binary_outcome": "stats.missing",
    "BinaryOutcome": "stats.missing",
    # sacro_kit/forensics/checking.py
    "check_card": "forensics.checking",
    # sacro_kit/forensics/consistency.py
    "check_reported": "forensics.consistency",
    "quartile_types": "forensics.consistency",
    "fitting_methods": "forensics.consistency",
    "card_decimals": "forensics.consistency",
    "quartile_type_table": "forensics.consistency",
    # sacro_kit/forensics/summaries.py
    "check_percentage": "forensics.summaries",
    "PercentageCheck": "forensics.summaries",
    "check_median_iqr": "forensics.summaries",
    "MedianIQRCheck": "forensics.summaries",
    "check_median_range": "forensics.summaries",
    "quartile_fits": "forensics.summaries",
    "check_parts": "forensics.summaries",
    "PartsCheck": "forensics.summaries",
    # sacro_kit/forensics/reconstruction.py
    "count_samples": "forensics.reconstruction",
    "reconstruct": "forensics.reconstruction",
    "verify_cohort": "forensics.reconstruction",
    "reconstruction_range": "forensics.reconstruction",
    "chain_diagnostics": "forensics.reconstruction",
    "RECONSTRUCTION_LAW": "forensics.reconstruction",
    "ReconstructionRange": "forensics.reconstruction",
    "responder_band": "forensics.reconstruction",
    # sacro_kit/forensics/granularity.py
    "grim": "forensics.granularity",
    "grimmer": "forensics.granularity",
    "debit": "forensics.granularity",
    "GrimResult": "forensics.granularity",
    "GrimmerResult": "forensics.granularity",
    "DebitResult": "forensics.granularity",
    # sacro_kit/forensics/attainable.py
    "min_attainable_p": "forensics.attainable",
    "max_attainable_p": "forensics.attainable",
    "attainable_p": "forensics.attainable",
    "AttainableP": "forensics.attainable",
    "check_attainable_p": "forensics.attainable",
    "PValueCheck": "forensics.attainable",
    "canonical_test": "forensics.attainable",
    # sacro_kit/forensics/statcheck.py
    "recompute_p": "forensics.statcheck",
    "RecomputedP": "forensics.statcheck",
    # sacro_kit/plotting/meta_figures.py
    "forest_plot": "plotting.meta_figures",
    "funnel_plot": "plotting.meta_figures",
    # sacro_kit/plotting/cohort_figures.py
    "attrition_figure": "plotting.cohort_figures",
    "slope_plot": "plotting.cohort_figures",
    "tipping_point_plot": "plotting.cohort_figures",
    "note_figure": "plotting.cohort_figures",
    # sacro_kit/plotting/paired_figures.py
    "min_p_table": "plotting.paired_figures",
    "min_p_plot": "plotting.paired_figures",
    "wilcoxon_table": "plotting.paired_figures",
    "differences_plot": "plotting.paired_figures",
    "spread_plot": "plotting.paired_figures",
    "responder_plot": "plotting.paired_figures",
    "paired_counts_plot": "plotting.paired_figures",
    "paired_distributions_plot": "plotting.paired_figures",
    # sacro_kit/widgets
    "responder_bands": "widgets",
    "ResponderExplorer": "widgets",
    "responder_explorer": "widgets",
    # sacro_kit/widgets/static.py: the responder explorer without a kernel (HTML book)
    "static_responder_explorer": "widgets.static",
    "StaticExplorer": "widgets.static",
}

__all__ = sorted(_API) + ["__version__"]


# Book-only names that left the library in 0.2.0 (issue 11): they live beside the book in book/booksupport.
_MOVED_TO_BOOK = {
    "check_answer": "booksupport",
    "card_study_row": "booksupport.synthesis",
    "synthesis_table": "booksupport.synthesis",
    "pool_eligible": "booksupport.synthesis",
    "sensitivity_analyses": "booksupport.synthesis",
    "conversion_table": "booksupport.synthesis",
    "conversion_plot": "booksupport.synthesis",
    "correlation_plot": "booksupport.synthesis",
}


def __getattr__(name: str):
    try:
        module = _API[name]
    except KeyError:
        if name in _MOVED_TO_BOOK:
            raise AttributeError(
                f"sacro_kit.{name} is book code and moved out of the library: in a chapter (run from "
                f"book/), use 'from {_MOVED_TO_BOOK[name]} import {name}'"
            ) from None
        raise AttributeError(f"module 'sacro_kit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"sacro_kit.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__


# the 0.1 module paths (sacro_kit.quantiles, sacro_kit.reconstruction, ...) import for one more release, with a warning
from sacro_kit import _moved  # noqa: E402

_moved.install()
