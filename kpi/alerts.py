"""Red flags: journey KPIs past a threshold, and funnel steps that got significantly worse.

Each flag is a :class:`RedFlag` whose ``title`` and ``message`` are facts (a code of
``kpi/words/catalogue/alerts.py`` and the numbers and names it needs), rendered in the reader's
language on the page named in ``page``, in the workbook and on the command line. Thresholds
are configurable through :class:`Thresholds`; :data:`DEFAULT_THRESHOLDS_DOC` lists the
defaults for the README (English docs; the app shows the catalogue's ``alerts.doc.table``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from kpi.errors import InputError, ParcoursError
from kpi.stages import Kpi
from kpi.targets import Targets
from kpi.words import Fact

__all__ = [
    "DEFAULT_THRESHOLDS_DOC",
    "RedFlag",
    "Thresholds",
    "red_flags",
    "step_changes",
    "step_drop_flags",
    "step_test",
    "target_flags",
    "thresholds_table",
    "year_before_flags",
]

_EPS = 1e-12  # a value exactly at a threshold does not fire, whatever the float rounding
P_FLOOR = 0.0001  # p-values below this are written "p < 0.0001"


@dataclass(frozen=True)
class Thresholds:
    """When a red flag fires (rates are fractions: 0.02 is 2 %).

    - ``min_conversion``: conversion rate (purchasers / visitors) below this is an alert.
    - ``max_cart_abandonment``: cart abandonment above this is a warning.
    - ``max_bounce``: bounce rate on landing pages (all sessions when no landing step is
      known) above this is a warning.
    - ``max_session_duration_drop``: average session duration falling by more than this
      fraction from one month to the next (latest month vs the month before) is a warning.
    - ``funnel_alpha``: a funnel step whose step conversion fell vs the previous period with a
      two-proportion test p-value below this is an alert.
    - ``min_step_conversion``: optional floor on every funnel step's step conversion (off when
      None): a step below it is a warning.
    - ``targets``: the user's targets (:class:`kpi.targets.Targets`): a KPI "off" its target
      is a warning (:func:`target_flags`).
    - ``year_before``: the funnel steps are also tested against the same period a year before
      (:func:`year_before_flags`); off with the workbook's year-before columns
      (``--no-year-before``).
    """

    min_conversion: float = 0.02
    max_cart_abandonment: float = 0.70
    max_bounce: float = 0.50
    max_session_duration_drop: float = 0.20
    funnel_alpha: float = 0.05
    min_step_conversion: float | None = None
    targets: Targets = field(default_factory=Targets)
    year_before: bool = True

    def __post_init__(self) -> None:
        for name in ("min_conversion", "max_cart_abandonment", "max_bounce"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(
                    Fact(
                        "alerts.error.rate_range",
                        threshold=Fact(f"alerts.threshold.{name}"),
                        value=float(value),
                    ),
                    Fact("alerts.hint.rate_fraction", example=0.02),
                )
        if not 0.0 < self.max_session_duration_drop < 1.0:
            raise InputError(
                Fact(
                    "alerts.error.duration_drop_range", value=float(self.max_session_duration_drop)
                ),
                Fact("alerts.hint.drop_fraction", example=0.2),
            )
        if not 0.0 < self.funnel_alpha < 1.0:
            raise InputError(
                Fact("alerts.error.alpha_range", value=float(self.funnel_alpha)),
                Fact("alerts.hint.alpha", usual=0.05),
            )
        if self.min_step_conversion is not None and not 0.0 <= self.min_step_conversion <= 1.0:
            raise InputError(
                Fact("alerts.error.step_floor_range", value=float(self.min_step_conversion)),
                Fact("alerts.hint.step_floor"),
            )

    def limits(self) -> dict[str, float]:
        """The thresholds every view is checked against, by name (for the words that list
        them: the README's table, the workbook's note)."""
        return {
            "min_conversion": self.min_conversion,
            "max_cart_abandonment": self.max_cart_abandonment,
            "max_bounce": self.max_bounce,
            "max_session_duration_drop": self.max_session_duration_drop,
            "funnel_alpha": self.funnel_alpha,
        }


DEFAULT_THRESHOLDS_DOC = """\
Red flags and their default thresholds (all configurable):

| flag | level | fires when | default |
|---|---|---|---|
| Low conversion | alert | conversion rate (purchasers / visitors) is below the minimum | 2 % |
| High cart abandonment | warning | cart abandonment (cart users who did not purchase / cart users) is above the maximum | 70 % |
| High bounce rate | warning | bounce rate on landing pages (all sessions if no landing step) is above the maximum | 50 % |
| Session duration drop | warning | average session duration fell by more than this from the previous month to the latest | 20 % |
| Funnel step drop | alert | a step's conversion from the previous step fell vs the previous period, two-proportion test, p Holm-corrected over every step (× segment) compared < alpha | alpha 0.05 |
| Funnel step drop vs a year before | alert | the same test and correction against the same period a year before (its dates said), when the data covers all of it; off with `--no-year-before` | alpha 0.05 |
| Weak funnel step | warning | a step's conversion from the previous step is below a floor (off by default) | off |

A value exactly at a threshold does not fire.
"""


def thresholds_table(thresholds: Thresholds | None = None) -> Fact:
    """The red flags and their thresholds as a fact (``alerts.doc.table``, a Markdown table in
    the reader's language); ``thresholds`` default to :class:`Thresholds`' defaults."""
    t = thresholds or Thresholds()
    floor = (
        Fact("alerts.doc.floor", floor=t.min_step_conversion)
        if t.min_step_conversion is not None
        else Fact("alerts.doc.off")
    )
    return Fact("alerts.doc.table", **t.limits(), floor=floor)


@dataclass(frozen=True)
class RedFlag:
    """One red flag: ``title`` (a short headline) and ``message`` (what fired, with the
    numbers) are facts of the ``alerts.*`` catalogue; ``value`` and ``threshold`` the numbers."""

    code: str
    level: Literal["warning", "alert"]
    title: Fact
    message: Fact
    value: float | None
    threshold: float | None
    page: str  # "funnel", "stages", ...


def _value(kpis: list[Kpi] | None, code: str) -> float | None:
    for k in kpis or ():
        if k.code == code and k.available and k.value is not None:
            return k.value
    return None


def red_flags(
    current_kpis: list[Kpi],
    previous_kpis: list[Kpi] | None = None,
    *,
    funnel_current: pl.DataFrame | None = None,
    funnel_previous: pl.DataFrame | None = None,
    monthly_duration: pl.DataFrame | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[RedFlag]:
    """Every red flag raised by the current KPIs, alerts first.

    ``current_kpis``/``previous_kpis`` come from :func:`kpi.stages.stage_kpis`;
    ``funnel_current``/``funnel_previous`` from :func:`kpi.funnel.funnel` (columns ``step``,
    ``users``, ``conversion``, ``step_conversion``, plus any breakdown columns);
    ``monthly_duration`` from :func:`kpi.stages.monthly_session_duration` (``month``,
    ``avg_session_seconds``). Without ``monthly_duration`` the session-duration flag compares
    the current and previous ``avg_time_on_site`` KPIs.
    """
    t = thresholds
    flags: list[RedFlag] = []

    conversion = _value(current_kpis, "conversion_rate")
    if conversion is not None and conversion < t.min_conversion - _EPS:
        flags.append(
            RedFlag(
                "low_conversion",
                "alert",
                Fact("alerts.low_conversion.title"),
                Fact("alerts.low_conversion", value=conversion, threshold=t.min_conversion),
                conversion,
                t.min_conversion,
                "stages",
            )
        )

    abandonment = _value(current_kpis, "cart_abandonment")
    if abandonment is not None and abandonment > t.max_cart_abandonment + _EPS:
        flags.append(
            RedFlag(
                "high_cart_abandonment",
                "warning",
                Fact("alerts.high_cart_abandonment.title"),
                Fact(
                    "alerts.high_cart_abandonment",
                    value=abandonment,
                    threshold=t.max_cart_abandonment,
                ),
                abandonment,
                t.max_cart_abandonment,
                "stages",
            )
        )

    bounce = _value(current_kpis, "bounce_rate_landing")
    where = "landing"
    if bounce is None:
        bounce, where = _value(current_kpis, "bounce_rate"), "all"
    if bounce is not None and bounce > t.max_bounce + _EPS:
        flags.append(
            RedFlag(
                "high_bounce",
                "warning",
                Fact("alerts.high_bounce.title"),
                Fact(f"alerts.high_bounce.{where}", value=bounce, threshold=t.max_bounce),
                bounce,
                t.max_bounce,
                "stages",
            )
        )

    flags.extend(_duration_drop(current_kpis, previous_kpis, monthly_duration, t))
    if funnel_current is not None:
        flags.extend(_funnel_flags(funnel_current, funnel_previous, t))
    return sorted(flags, key=lambda f: f.level != "alert")  # stable: alerts first


def _duration_drop(
    current: list[Kpi],
    previous: list[Kpi] | None,
    monthly: pl.DataFrame | None,
    t: Thresholds,
) -> list[RedFlag]:
    if monthly is not None and {"month", "avg_session_seconds"} <= set(monthly.columns):
        recent = monthly.drop_nulls("avg_session_seconds").sort("month").tail(2)
        if recent.height < 2:
            return []
        (before, now), (m_before, m_now) = recent["avg_session_seconds"], recent["month"]
        code, months = (
            "alerts.session_duration_drop.months",
            {"from_month": m_before, "to_month": m_now},
        )
    else:
        now, before = _value(current, "avg_time_on_site"), _value(previous, "avg_time_on_site")
        code, months = "alerts.session_duration_drop.previous", {}
        if now is None or before is None:
            return []
    if before is None or now is None or before <= 0:
        return []
    change = now / before - 1
    if change < -t.max_session_duration_drop - _EPS:
        return [
            RedFlag(
                "session_duration_drop",
                "warning",
                Fact("alerts.session_duration_drop.title"),
                Fact(
                    code,
                    drop=-change,
                    before_s=float(before),
                    now_s=float(now),
                    threshold=t.max_session_duration_drop,
                    **months,
                ),
                change,
                -t.max_session_duration_drop,
                "stages",
            )
        ]
    return []


def _funnel_flags(
    current: pl.DataFrame, previous: pl.DataFrame | None, t: Thresholds
) -> list[RedFlag]:
    needed = {"step", "users", "step_conversion"}
    for frame in (current, previous):
        if frame is not None and not needed <= set(frame.columns):
            raise InputError(Fact("alerts.error.funnel_columns"), Fact("funnel.hint.pass_funnel"))
    keys = [
        c for c in current.columns if c not in {"step", "users", "conversion", "step_conversion"}
    ]
    cur = _with_previous_step_users(current, keys)
    flags: list[RedFlag] = []

    if t.min_step_conversion is not None:
        weak = cur.filter(
            pl.col("entered").is_not_null()
            & (pl.col("entered") > 0)
            & (pl.col("step_conversion") < t.min_step_conversion - _EPS)
        )
        for row in weak.iter_rows(named=True):  # one row per flagged step: a handful at most
            flags.append(
                RedFlag(
                    "weak_funnel_step",
                    "warning",
                    Fact("alerts.weak_step.title", step=str(row["step"])),
                    Fact(
                        "alerts.weak_step.by" if keys else "alerts.weak_step",
                        rate=row["step_conversion"],
                        from_step=str(row["from_step"]),
                        step=str(row["step"]),
                        threshold=t.min_step_conversion,
                        **_segments(row, keys),
                    ),
                    row["step_conversion"],
                    t.min_step_conversion,
                    "funnel",
                )
            )

    if previous is None:
        return flags
    return flags + step_drop_flags(step_changes(current, previous, alpha=t.funnel_alpha), t)


_CHANGE_COLUMNS = [
    "from_step",
    "step",
    "entered_previous",
    "users_previous",
    "step_conversion_previous",
    "entered_current",
    "users_current",
    "step_conversion_current",
    "change",
    "p_value",
    "p_adjusted",
    "method",
    "dropped",
]


def step_test(
    xa: int, na: int, xb: int, nb: int, *, alpha: float = 0.05
) -> tuple[float | None, str]:
    """(p-value, method) of :func:`kpi.abtest.compare` for A = ``xa`` of ``na`` and B = ``xb``
    of ``nb``, without the intervals and Bayesian figures the red flags do not read: the
    pooled two-proportion z-test, or Fisher's exact test when the smallest expected cell is
    below 5 (the same rule and formulas; the tests compare both)."""
    import math

    from scipy import stats

    from kpi.abtest.inputs import alpha_level, arm_counts

    xa, na = arm_counts(xa, na, "A")
    xb, nb = arm_counts(xb, nb, "B")
    alpha_level(alpha)
    if na == 0 or nb == 0:
        return None, "none"
    pa, pb = xa / na, xb / nb
    n = na + nb
    pooled = (xa + xb) / n
    smallest = min(
        na * (xa + xb) / n, nb * (xa + xb) / n, na * (n - xa - xb) / n, nb * (n - xa - xb) / n
    )
    if smallest < 5:
        return min(1.0, float(stats.fisher_exact([[xb, nb - xb], [xa, na - xa]]).pvalue)), "fisher"
    se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    return (float(2 * stats.norm.sf(abs((pb - pa) / se))) if se > 0 else None), "z"


def step_changes(
    current: pl.DataFrame, previous: pl.DataFrame, *, alpha: float = 0.05
) -> pl.DataFrame:
    """Step conversion of each funnel step (× segment) now vs the previous period.

    ``current``/``previous`` are :func:`kpi.funnel.funnel` results with the same breakdown
    columns (none, or e.g. ``device``). One row per segment and step from the second step on,
    in the order of ``current``, for segments present in both periods: the breakdown columns,
    ``from_step``, ``step``, ``entered_*`` (users at the previous step), ``users_*`` (users at
    the step) and ``step_conversion_*`` = users ÷ entered for each period, ``change`` =
    step_conversion_current − step_conversion_previous (a fraction: 0.05 is 5 points),
    ``p_value`` (two-proportion test of :func:`kpi.abtest.compare`: pooled z, Fisher exact for
    small counts), ``p_adjusted`` (Holm over every step × segment tested: the family) and
    ``method``; ``dropped`` is True when the step conversion fell and p_adjusted < ``alpha``.
    A step nobody entered in a period is not tested (nulls, ``method`` "none").
    """
    from kpi.abtest import adjust_p_values

    needed = {"step", "users", "step_conversion"}
    for frame in (current, previous):
        if not needed <= set(frame.columns):
            raise InputError(Fact("alerts.error.funnel_columns"), Fact("funnel.hint.pass_funnel"))
    keys = [
        c for c in current.columns if c not in {"step", "users", "conversion", "step_conversion"}
    ]
    missing = [k for k in keys if k not in previous.columns]
    if missing:
        raise InputError(
            Fact("alerts.error.previous_breakdown", columns=missing),
            Fact("alerts.hint.same_breakdown"),
        )

    def numbered(frame: pl.DataFrame) -> pl.DataFrame:
        j = pl.int_range(pl.len(), dtype=pl.Int32)
        out = frame.with_columns(_j=j.over(keys) if keys else j)
        return _with_previous_step_users(out, keys)

    cur = numbered(current).select(
        *keys, "_j", "from_step", "step", pl.col("entered"), pl.col("users")
    )
    prev = numbered(previous).select(
        *keys,
        "_j",
        pl.col("entered").alias("entered_previous"),
        pl.col("users").alias("users_previous"),
    )
    both = cur.join(prev, on=[*keys, "_j"], how="inner", nulls_equal=True, maintain_order="left")
    both = both.rename({"entered": "entered_current", "users": "users_current"})
    p_values: list[float | None] = []
    methods: list[str] = []
    for row in both.iter_rows(named=True):  # one test per step and segment: a handful
        p, method = None, "none"
        if row["entered_current"] and row["entered_previous"]:
            # impossible counts (more users than entered): no test, no false flag
            with contextlib.suppress(ParcoursError):
                p, method = step_test(
                    int(row["users_previous"]),
                    int(row["entered_previous"]),
                    int(row["users_current"]),
                    int(row["entered_current"]),
                    alpha=alpha,
                )
        p_values.append(p)
        methods.append(method if p is not None else "none")
    tested = [p for p in p_values if p is not None]
    # every step (× segment) is a chance of a false alarm: Holm over the whole family
    adjusted = iter(adjust_p_values(tested, "holm") if tested else [])
    p_adjusted = [next(adjusted) if p is not None else None for p in p_values]

    def rate(users: str, entered: str) -> pl.Expr:
        return pl.when(pl.col(entered) > 0).then(pl.col(users) / pl.col(entered)).otherwise(None)

    out = both.with_columns(
        step_conversion_previous=rate("users_previous", "entered_previous"),
        step_conversion_current=rate("users_current", "entered_current"),
        p_value=pl.Series(p_values, dtype=pl.Float64),
        p_adjusted=pl.Series(p_adjusted, dtype=pl.Float64),
        method=pl.Series(methods, dtype=pl.String),
    ).with_columns(
        change=pl.col("step_conversion_current") - pl.col("step_conversion_previous"),
    )
    out = out.with_columns(
        dropped=(
            (pl.col("p_adjusted") < alpha)
            & (pl.col("step_conversion_current") < pl.col("step_conversion_previous"))
        ).fill_null(False)
    )
    return out.select(*keys, *_CHANGE_COLUMNS)


def step_drop_flags(
    changes: pl.DataFrame,
    thresholds: Thresholds = Thresholds(),
    *,
    year_before: Fact | None = None,
) -> list[RedFlag]:
    """One "funnel step dropped" alert per row of :func:`step_changes` marked ``dropped``.

    ``year_before``: the changes are against the same period a year before, whose dates are
    this fact (:func:`kpi.year_before.dates_fact`); the flags then say so (code
    ``funnel_step_drop_year_before``, messages ``alerts.step_drop_year.*``)."""
    keys = [c for c in changes.columns if c not in _CHANGE_COLUMNS]
    code, words, dates = "funnel_step_drop", "alerts.step_drop", {}
    if year_before is not None:
        code, words, dates = (
            "funnel_step_drop_year_before",
            "alerts.step_drop_year",
            {"period": year_before},
        )
    family = int(changes["p_value"].is_not_null().sum())
    flags = []
    for row in changes.filter(pl.col("dropped")).iter_rows(named=True):
        p = row["p_adjusted"]
        tiny = "_tiny" if p is not None and p < P_FLOOR else ""  # "p < 0.0001", not "p = < …"
        test = (
            Fact(f"alerts.test.holm{tiny}", p=p, family=family, alpha=thresholds.funnel_alpha)
            if family > 1
            else Fact(f"alerts.test.single{tiny}", p=p, alpha=thresholds.funnel_alpha)
        )
        before, now = row["step_conversion_previous"], row["step_conversion_current"]
        flags.append(
            RedFlag(
                code,
                "alert",
                Fact(f"{words}.title", step=str(row["step"])),
                Fact(
                    f"{words}.by" if keys else words,
                    from_step=str(row["from_step"]),
                    step=str(row["step"]),
                    before=before,
                    now=now,
                    test=test,
                    **dates,
                    **_segments(row, keys),
                ),
                now,
                before,
                "funnel",
            )
        )
    return flags


def _with_previous_step_users(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Adds ``entered`` (users of the previous step) and ``from_step``; drops the first step."""
    over = keys or None
    shifted = frame.with_columns(
        pl.col("users").shift(1).over(over).alias("entered")
        if over
        else pl.col("users").shift(1).alias("entered"),
        pl.col("step").shift(1).over(over).alias("from_step")
        if over
        else pl.col("step").shift(1).alias("from_step"),
    )
    return shifted.filter(pl.col("entered").is_not_null())


def _segments(row: dict[str, object], keys: list[str]) -> dict[str, list[Fact]]:
    """``segments``: one ``alerts.segment`` fact (column, value as text) per breakdown column."""
    if not keys:
        return {}
    return {
        "segments": [
            Fact("alerts.segment", column=str(k), value="" if row[k] is None else str(row[k]))
            for k in keys
        ]
    }


def view_red_flags(view: Any, thresholds: Thresholds | None = None) -> list[RedFlag]:
    """Every red flag of a view (``kpi.view.View`` or ``kpi.engine.view.EngineView``: its
    KPIs, funnel and monthly durations, vs the previous period when there is one, its funnel
    vs the same period a year before when the data covers it (:func:`year_before_flags`),
    its missed targets), alerts first."""
    t = thresholds or Thresholds()
    cols = ["step", "users", "conversion", "step_conversion"]
    current, prev = view.funnel(), view.previous_funnel()
    flags = red_flags(
        view.kpis(),
        view.previous_kpis(),
        funnel_current=current.select(cols) if current is not None else None,
        funnel_previous=prev.select(cols) if prev is not None else None,
        monthly_duration=view.monthly_duration(),
        thresholds=t,
    )
    return (
        flags[: _alerts_end(flags)]
        + year_before_flags(view, t)  # alerts, after the previous period's
        + flags[_alerts_end(flags) :]
        + target_flags(view, t.targets)
    )


def _alerts_end(flags: list[RedFlag]) -> int:
    """Where the alerts of a list sorted alerts first end."""
    return next((i for i, f in enumerate(flags) if f.level != "alert"), len(flags))


def year_before_flags(view: Any, thresholds: Thresholds | None = None) -> list[RedFlag]:
    """A "funnel step dropped vs a year before" alert for each step whose conversion from the
    previous step fell against the same period a year before, with the previous period's rule
    (:func:`step_changes`: two-proportion test, Holm over the steps compared, p < ``funnel_alpha``).
    None when the data does not cover the year before (``view.year_before_coverage()``, said on
    the pages and in the workbook) or the view has no funnel."""
    from kpi.year_before import dates_fact

    t = thresholds or Thresholds()
    if not t.year_before:
        return []
    try:
        coverage = view.year_before_coverage()
        if not coverage.available or coverage.filters is None:
            return []
        current, before = view.funnel(), view.year_before_funnel()
    except ParcoursError:
        return []
    if current is None or before is None:
        return []
    cols = ["step", "users", "conversion", "step_conversion"]
    try:
        changes = step_changes(current.select(cols), before.select(cols), alpha=t.funnel_alpha)
    except ParcoursError:
        return []
    f = coverage.filters
    return step_drop_flags(changes, t, year_before=dates_fact(f.start, f.end))


def target_flags(view: Any, targets: Targets) -> list[RedFlag]:
    """A warning for each KPI "off" its target (:mod:`kpi.targets`), in the targets' order."""
    from kpi import targets as tg

    if not len(targets):
        return []
    values = tg.values_of(view, [k for k, _ in targets])
    flags: list[RedFlag] = []
    for kpi, a in tg.assess_all(targets, values).items():
        if a is None or a.status != "off":
            continue
        name = tg.label_fact(kpi)
        flags.append(
            RedFlag(
                f"target_{kpi}",
                "warning",
                Fact("targets.flag.title", kpi=name),
                Fact(
                    "targets.flag",
                    kpi=name,
                    value=tg.value_fact(kpi, a.value),
                    target=tg.value_fact(kpi, a.target),
                    gap=tg.gap_fact(a),
                ),
                a.value,
                a.target,
                "stages",
            )
        )
    return flags
