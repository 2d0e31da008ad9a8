"""The A/B test's KPI definitions (legacy English :data:`DEFINITIONS` for
:func:`kpi.definitions.all_definitions`; the words of both languages are the catalogue's
``def.<code>.label`` / ``def.<code>.formula``, see :data:`CODES`)."""

from __future__ import annotations

from kpi.definitions import Definition

__all__ = ["CODES", "DEFINITIONS"]

DEFINITIONS: dict[str, Definition] = {
    "ab_conversion_rate": Definition(
        "Conversion rate (per group)",
        "Visitors who converted / visitors in the group; 95 % interval by Wilson's score method.",
        "rate",
        "ab",
    ),
    "ab_abs_diff": Definition(
        "Absolute difference",
        "Conversion rate of B − conversion rate of A, in percentage points; interval by "
        "Newcombe's hybrid score method (from the two Wilson intervals).",
        "rate",
        "ab",
    ),
    "ab_rel_lift": Definition(
        "Relative lift",
        "Conversion rate of B / conversion rate of A − 1; interval by Katz's log method "
        "(undefined when a group has no conversions).",
        "ratio",
        "ab",
    ),
    "ab_p_value": Definition(
        "p-value",
        "Chance of a difference at least this large if A and B truly convert equally: pooled "
        "two-proportion z-test, two-sided; Fisher's exact test when an expected cell count is "
        "below 5. Significant when below the chosen level (usually 0.05).",
        "number",
        "ab",
    ),
    "ab_prob_b_beats_a": Definition(
        "Probability B beats A",
        "Posterior probability that B's true rate exceeds A's, with uniform Beta(1, 1) priors "
        "updated by each group's conversions and non-conversions; numerical integral normalised "
        "on the posterior grid, exact to about 1e-15 (checked against the closed form).",
        "rate",
        "ab",
    ),
    "ab_expected_loss": Definition(
        "Expected loss",
        "Average conversion rate given up by choosing a group if the other is truly better: "
        "E[max(rate of other − rate of chosen, 0)] under the Beta(1, 1) posteriors, exact integral.",
        "rate",
        "ab",
    ),
    "ab_srm_p_value": Definition(
        "Sample-ratio mismatch (SRM) p-value",
        "Chi-square goodness-of-fit test of visitors per group against the planned split; "
        "below 0.01 a warning, below 0.001 an alert (broken assignment or tracking).",
        "number",
        "ab",
    ),
    "ab_interval_correction": Definition(
        "Intervals with several comparisons",
        "With Holm-corrected p-values over m comparisons, the intervals of the differences and "
        "lifts are Bonferroni intervals at level 1 − α/m (e.g. 97.5 % for 2 comparisons), so "
        "that they agree with the corrected test (Bonferroni is a little stricter than Holm: "
        "when a Holm-significant difference's interval still includes 0, the verdict says it "
        "is borderline); with Benjamini–Hochberg they stay at 1 − α "
        "and are labelled 'not corrected'. Per-group (Wilson) intervals are never corrected.",
        "rate",
        "ab",
    ),
    "ab_power": Definition(
        "Power (underpowered)",
        "Chance that the test detects a given change: R's power.prop.test, "
        "Φ((|p2 − p1|·√n − z_{1−α/2}·√(2·p̄·q̄)) / √(p1·q1 + p2·q2)) with n the smaller group. "
        "'Underpowered' is said only when the power for the MDE set in the settings (or, "
        "without one, for the observed difference) is below the chosen power, and says which.",
        "rate",
        "ab",
    ),
    "ab_sample_size": Definition(
        "Sample size per group",
        "Visitors needed per group to detect the minimum effect with the chosen power and "
        "significance level, by R's power.prop.test formula (pooled rate, two-sided), rounded up.",
        "count",
        "ab",
    ),
}

#: the codes of the A/B KPIs, in the order the page explains them
CODES: tuple[str, ...] = tuple(DEFINITIONS)
