"""A/B tests: counts in, auditable numbers and facts out.

One concept per module:

- :mod:`~kpi.abtest.proportions`: two groups (:func:`compare`, :class:`ABResult`: pooled
  z-test or Fisher's exact test, Wilson, Newcombe and Katz intervals);
- :mod:`~kpi.abtest.bayes`: P(B beats A), P(best), expected loss;
- :mod:`~kpi.abtest.many`: several groups against a control (:func:`compare_many`);
- :mod:`~kpi.abtest.multiple`: Holm and Benjamini–Hochberg (:func:`adjust_p_values`);
- :mod:`~kpi.abtest.srm`: sample-ratio mismatch (:func:`srm_p_value`, :func:`srm_check`);
- :mod:`~kpi.abtest.strata`: Cochran–Mantel–Haenszel and Simpson's paradox;
- :mod:`~kpi.abtest.sequential`: always-valid results for those who peek;
- :mod:`~kpi.abtest.welch`: revenue per visitor (Welch's t-test);
- :mod:`~kpi.abtest.verdict`: the verdict and its caveats, as facts;
- :mod:`~kpi.abtest.planning`: sample size, power, minimum detectable effect;
- :mod:`~kpi.abtest.counts`: counts from data, typed or pasted counts, planned split;
- :mod:`~kpi.abtest.assignment`: which column is an A/B assignment;
- :mod:`~kpi.abtest.summary`: an aggregated A/B file read as counts;
- :mod:`~kpi.abtest.settings`: :class:`ABSettings`, the analyst's choices;
- :mod:`~kpi.abtest.analysis`: :class:`ABAnalysis`, everything computed once (:func:`analyse`).

Every sentence is a :class:`kpi.words.Fact` (codes ``ab.*`` of
``kpi/words/catalogue/ab.py``); scipy computes the distributions.
"""

from __future__ import annotations

from kpi.abtest.analysis import ABAnalysis, ABSource, analyse, analyse_with
from kpi.abtest.assignment import (
    MAX_ARMS,
    MAX_ARMS_NAMED,
    Assignment,
    assignment_columns,
    is_assignment,
)
from kpi.abtest.bayes import expected_loss, prob_best, prob_greater
from kpi.abtest.counts import (
    VariantCounts,
    ab_counts,
    count_variants,
    counts_from_table,
    default_control,
    parse_counts_text,
    parse_split,
    variant_counts,
    with_reached_step,
    with_revenue,
)
from kpi.abtest.definitions import DEFINITIONS
from kpi.abtest.many import Arm, ManyResult, VariantComparison, compare_many
from kpi.abtest.multiple import adjust_p_values
from kpi.abtest.planning import (
    Plan,
    PlanRow,
    mde_for_sample,
    plan,
    power_at,
    sample_size,
    sample_size_evan_miller,
    sample_size_relative_delta,
)
from kpi.abtest.proportions import ABResult, compare
from kpi.abtest.sequential import SequentialResult, sequential
from kpi.abtest.settings import ABSettings
from kpi.abtest.srm import SRMCheck, srm_check, srm_p_value
from kpi.abtest.strata import CMHResult, SimpsonCheck, cmh_test, simpson_check
from kpi.abtest.summary import SummaryCounts, summary_counts, summary_from_counts
from kpi.abtest.verdict import Verdict, verdict, with_names
from kpi.abtest.welch import WelchResult, welch, welch_from_sums

__all__ = [
    "DEFINITIONS",
    "MAX_ARMS",
    "MAX_ARMS_NAMED",
    "ABAnalysis",
    "ABResult",
    "ABSettings",
    "ABSource",
    "Arm",
    "Assignment",
    "CMHResult",
    "ManyResult",
    "Plan",
    "PlanRow",
    "SRMCheck",
    "SequentialResult",
    "SimpsonCheck",
    "SummaryCounts",
    "VariantComparison",
    "VariantCounts",
    "Verdict",
    "WelchResult",
    "ab_counts",
    "adjust_p_values",
    "analyse",
    "analyse_with",
    "assignment_columns",
    "cmh_test",
    "compare",
    "compare_many",
    "count_variants",
    "counts_from_table",
    "default_control",
    "expected_loss",
    "is_assignment",
    "mde_for_sample",
    "parse_counts_text",
    "parse_split",
    "plan",
    "power_at",
    "prob_best",
    "prob_greater",
    "sample_size",
    "sample_size_evan_miller",
    "sample_size_relative_delta",
    "sequential",
    "simpson_check",
    "srm_check",
    "srm_p_value",
    "summary_counts",
    "summary_from_counts",
    "variant_counts",
    "verdict",
    "welch",
    "welch_from_sums",
    "with_names",
    "with_reached_step",
    "with_revenue",
]
