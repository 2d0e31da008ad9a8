"""One computation per view, in an engine: the twin of :class:`kpi.view.View` for a table that
lives in DuckDB, a Parquet folder, Spark or a warehouse.

An :class:`EngineView` holds an :class:`~kpi.engine.frame.EngineTable` (the canonical events
in the engine), the view's filters and analysis settings, and computes each result the first
time it is asked for, once (``memo``): the stage KPIs of the view and of the previous period
(:func:`kpi.engine.stages.stage_kpis`), the funnel and its breakdowns
(:func:`kpi.engine.funnel.funnel_table`), the retention summary
(:func:`kpi.engine.cohorts.cohort_activity` plus the purchase and churn counts here), the A/B
test of the view (visitors per arm from the users' first touch, conversions from the funnel
by arm), the red flags and the data-quality counts (:func:`kpi.engine.quality.quality_counts`).
Only aggregates come back from the engine; the KPI rules, statistics and words are the local
code the uploads use (``kpi.alerts``, ``kpi.abtest``, ``kpi.retention``…).

The workbook reads an EngineView as it reads a View (the accessors of
:mod:`kpi.export.context`): what needs raw rows the engine does not bring back (the Value and
Advocacy sheets, the stage KPIs per segment, a CRM pipeline) is said in the workbook, never
computed from a sample.

User values (segment values, step names, dates) reach the engine only as narwhals literals
and ``is_in`` lists (:mod:`kpi.engine.frame`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import narwhals as nw
import polars as pl

from kpi import alerts, stages
from kpi.engine.frame import EngineTable, collect, first_touch, in_view, period_events
from kpi.errors import InputError, ParcoursError
from kpi.filters import Filters
from kpi.segments import NONE, OTHER
from kpi.settings import FunnelSettings
from kpi.view import checked_steps
from kpi.words import Fact
from kpi.year_before_view import YearBeforeResults

__all__ = ["EngineSource", "EngineView", "engine_error"]


@dataclass(frozen=True)
class EngineSource:
    """One line of the workbook's sources: the engine table as read (never a secret)."""

    name: str
    kind: str
    rows_read: int
    rows_kept: int
    dropped: dict[str, int] = field(default_factory=dict)


def engine_error(exc: Exception) -> ParcoursError:
    """An engine's own exception as a Parcours error for a person: its first line with any
    secret removed (:func:`kpi.engine.source.redact`), and what to do."""
    if isinstance(exc, ParcoursError):
        return exc
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        from kpi.engine.source import redact

        text = redact(text)
    except ImportError:  # pragma: no cover - before kpi.engine.source is merged
        import re

        text = re.sub(r"://[^/@\s]*@", "://***@", text)
    return InputError(
        Fact("engine_view.error.query", kind=type(exc).__name__, text=text[:300]),
        Fact("engine_view.hint.query"),
    )


def _cast_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """Integer sums come back as Decimal from DuckDB: integers again."""
    return frame.with_columns(
        pl.col(c).cast(pl.Int64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal)
    )


@dataclass
class EngineView(YearBeforeResults):
    """The results of one view of an engine table, each computed once when needed.

    Creating an EngineView runs nothing in the engine. Explicit funnel steps or a breakdown
    segment that the table does not have raise :class:`~kpi.errors.InputError` when first
    read (the command line reads them before writing). ``sources``: the lines of the
    workbook's sources (default: the table as counted by the quality counts).
    """

    table: EngineTable
    filters: Filters = field(default_factory=Filters)
    settings: FunnelSettings = field(default_factory=FunnelSettings)
    cohort_grain: Literal["week", "month"] = "month"
    sources_given: tuple[EngineSource, ...] | None = None
    raw: EngineTable | None = None
    """The same table with the rows an upload drops kept (``map_roles(..., keep_invalid=True)``):
    the data-quality counts account for them; None: the quality counts read ``table``."""
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    engine = True  # the workbook's accessors tell the two kinds of view apart by this

    # ------------------------------------------------------------------ the memo
    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` the first time ``key`` is asked for, the kept result afterwards. An
        engine's own exception becomes a :class:`~kpi.errors.ParcoursError` (kept too, so a
        failing query is not run again)."""
        if key not in self._memo:
            try:
                self._memo[key] = fn()
            except ParcoursError as exc:
                self._memo[key] = exc
            except Exception as exc:
                self._memo[key] = engine_error(exc)
        out = self._memo[key]
        if isinstance(out, ParcoursError):
            raise out
        return out

    def _quiet(self, key: str, fn: Callable[[], Any]) -> Any:
        """:meth:`memo`, None when it cannot be computed (as the View's optional results)."""
        try:
            return self.memo(key, fn)
        except ParcoursError:
            return None

    def matches(self, filters: Filters, settings: FunnelSettings, cohort_grain: str) -> bool:
        """True when this view is the one of ``filters`` and ``settings`` (same table)."""
        return (
            self.filters.key() == filters.key()
            and self.settings == settings
            and self.cohort_grain == cohort_grain
        )

    @property
    def label(self) -> str:
        """What the user may read about the table (never a secret)."""
        return self.table.label

    @property
    def segments(self) -> tuple[str, ...]:
        return self.table.segments

    @property
    def has_timestamps(self) -> bool:
        return self.table.has_ts

    # ------------------------------------------------------------------ filters and period
    @property
    def previous_filters(self) -> Filters | None:
        """The filters of the previous period (:meth:`kpi.filters.Filters.previous`)."""
        return self.filters.previous()

    @property
    def previous(self) -> Filters | None:
        """The previous period's filters when it has events in the view's segments, else None
        (a View gives its Dataset; the workbook only asks whether there is one)."""
        p = self.previous_filters
        if p is None:
            return None
        return p if self.size(p)[1] else None

    def _users(self, filters: Filters | None) -> nw.LazyFrame:
        """Every user of the table with its first-touch segments, kept by the segment
        filters (the period does not change a user's segment values)."""
        return in_view(first_touch(self.table), filters)

    def _events(self, filters: Filters | None) -> nw.LazyFrame:
        """The period's events of the users in the segment filters (with a user id)."""
        ev = period_events(self.table, filters).filter(~nw.col("user_id").is_null())
        if filters is not None and filters.active_segments:
            users = self._users(filters).select("user_id")
            ev = ev.join(users, on="user_id", how="semi")
        return ev

    def size(self, filters: Filters | None = None) -> tuple[int, int]:
        """(users, events) of the view (or of ``filters``): the users with an event in the
        period and in the segments, and their events."""
        f = self.filters if filters is None else filters

        def compute() -> tuple[int, int]:
            got = _cast_counts(
                collect(
                    self._events(f).select(
                        nw.col("user_id").n_unique().alias("users"),
                        nw.len().alias("events"),
                    )
                )
            )
            return int(got["users"][0] or 0), int(got["events"][0] or 0)

        return self.memo(f"size|{f.key()}", compute)

    def bounds(self) -> tuple[date, date] | None:
        """First and last day of the table's events (None without dates)."""

        def compute() -> tuple[date, date] | None:
            if not self.has_timestamps:
                return None
            got = collect(
                self.table.events.select(
                    nw.col("ts").min().alias("lo"), nw.col("ts").max().alias("hi")
                )
            )
            lo, hi = got["lo"][0], got["hi"][0]
            if lo is None or hi is None:
                return None
            return lo.date(), hi.date()

        return self.memo("bounds", compute)

    # ------------------------------------------------------------------ steps and segments
    def step_stats(self) -> pl.DataFrame:
        """One row per step of the whole table: step, users, first time (the step choices)."""

        def compute() -> pl.DataFrame:
            ev = self.table.events.filter(~nw.col("step").is_null())
            aggs = [nw.col("user_id").n_unique().alias("_users")]
            if self.has_timestamps:
                aggs.append(nw.col("ts").min().alias("_seen"))
            got = _cast_counts(collect(ev.group_by("step").agg(*aggs)))
            if "_seen" not in got.columns:
                got = got.with_columns(_seen=pl.lit(None, pl.Datetime("us")))
            return got.with_columns(pl.col("step").cast(pl.String), _first=pl.lit(0))

        return self.memo("step_stats", compute)

    @property
    def event_steps(self) -> list[str]:
        """The steps found in the table, in the suggested funnel order."""
        from kpi.funnel.order import order_from_stats

        return self.memo("event_steps", lambda: order_from_stats(self.step_stats()))

    @property
    def steps(self) -> list[str]:
        """The funnel steps: the settings', else the table's suggested order."""

        def compute() -> list[str]:
            return checked_steps(self.settings.steps, self.event_steps, self.event_steps)

        return self.memo("steps", compute)

    @property
    def segment(self) -> str | None:
        """The breakdown segment: the settings', else device, channel, variant, the first."""
        segment = self.settings.segment
        if segment is not None and segment not in self.segments:
            raise InputError(
                Fact("export.error.unknown_segment", segment=segment),
                Fact("export.error.unknown_segment_hint", segments=list(self.segments)),
            )
        if segment is not None:
            return segment
        preferred = [s for s in ("device", "channel", "variant") if s in self.segments]
        others = [s for s in self.segments if s != "cohort"]
        return next(iter(preferred + others), None)

    @property
    def purchase_step(self) -> str | None:
        """The step of the table that is a purchase (None when none is)."""
        found = self.event_steps
        return stages.detect_steps(tuple(found)).get("purchase") if found else None

    def purchase(self) -> str:
        """The purchase step as the Retention page reads it (``purchase`` without one)."""
        from kpi.steps import purchase_step

        return purchase_step(self.event_steps)

    @property
    def window(self) -> timedelta | None:
        """The conversion window (None: no limit, or a table without timestamps)."""
        return self.settings.window if self.has_timestamps else None

    def segment_counts(self, segment: str, *, previous: bool = False) -> pl.DataFrame:
        """Users and events of the view per value of ``segment`` (the users' first touch;
        a missing value is null): ``segment``, ``users``, ``events``."""
        f = self.previous_filters if previous else self.filters
        if segment not in self.segments:
            raise InputError(
                Fact("export.error.unknown_segment", segment=segment),
                Fact("export.error.unknown_segment_hint", segments=list(self.segments)),
            )

        def compute() -> pl.DataFrame:
            users = self._users(f).select("user_id", segment)
            ev = period_events(self.table, f).filter(~nw.col("user_id").is_null())
            joined = ev.select("user_id").join(users, on="user_id", how="inner")
            got = collect(
                joined.group_by(segment).agg(
                    nw.col("user_id").n_unique().alias("users"), nw.len().alias("events")
                )
            )
            return _cast_counts(got).with_columns(pl.col(segment).cast(pl.String))

        key = f"segment_counts|{segment}|{None if f is None else f.key()}"
        return self.memo(key, compute)

    def segment_values(self, segment: str, limit: int = 200) -> list[str]:
        """The values of ``segment`` among the table's users, most users first (filters)."""

        def compute() -> list[str]:
            users = first_touch(self.table, [segment]).select(segment)
            got = collect(
                users.filter(~nw.col(segment).is_null())
                .group_by(segment)
                .agg(nw.len().alias("n"))
                .sort("n", descending=True)
                .head(limit)
            )
            return [str(v) for v in got.sort(["n", segment], descending=[True, False])[segment]]

        return self.memo(f"segment_values|{segment}|{limit}", compute)

    # ------------------------------------------------------------------ stage KPIs
    def kpis(self, *, strict: bool = False) -> list[stages.Kpi]:
        """The stage KPIs of the view (:func:`kpi.engine.stages.stage_kpis`); [] when they
        cannot be computed, or with ``strict`` the error saying why."""
        return self._kpis("kpis", self.filters, strict)

    def previous_kpis(self, *, strict: bool = False) -> list[stages.Kpi] | None:
        """The stage KPIs of the previous period, None without one."""
        p = self.previous
        if p is None:
            return None
        return self._kpis("prev_kpis", p, strict)

    def _kpis(self, key: str, filters: Filters, strict: bool) -> list[stages.Kpi]:
        from kpi.engine.stages import stage_kpis

        try:
            return self.memo(key, lambda: stage_kpis(self.table, filters=filters))
        except ParcoursError:
            if strict:
                raise
            return []

    def kpi(self, code: str) -> stages.Kpi | None:
        """One KPI of the view by code."""
        return next((k for k in self.kpis() if k.code == code), None)

    def kpis_by(self, segment: str) -> pl.DataFrame | None:
        """The stage KPIs per value of ``segment`` (top values + Other), from sums grouped in
        the engine (:func:`kpi.engine.view_stages.kpis_by`); None when they cannot be split."""
        from kpi.engine.view_stages import kpis_by

        try:
            return kpis_by(self, segment)
        except ParcoursError:
            return None

    # ------------------------------------------------------------------ funnel
    def _funnel_args(self) -> dict[str, Any]:
        s, timed = self.settings, self.has_timestamps
        return {
            "window": s.window if timed else None,
            "order": s.order if timed else "sequential",
            "open_funnel": s.open_funnel,
            **self.funnel_rules().kwargs(),
        }

    def funnel_rules(self) -> Any:
        """The exclusions and per-step windows the funnel applies
        (:func:`kpi.funnel.rules.in_effect`), as :meth:`kpi.view.View.funnel_rules`."""
        from kpi.funnel.view_rules import rules_in_view

        return rules_in_view(self.steps, self.settings, has_ts=self.has_timestamps)

    def funnel_excluded(self) -> int | None:
        """How many users of the view an exclusion took out early (None without one in
        effect), counted in the engine."""

        def compute() -> int | None:
            rules = self.funnel_rules()
            if not rules.exclusions or not self.steps:
                return None
            from kpi.engine.funnel import ruled_counts
            from kpi.funnel.prepare import _window_us

            counts = ruled_counts(
                self.table,
                [str(s) for s in self.steps],
                _window_us(self.settings.window),
                self.filters,
                [],
                self.settings.order,
                self.settings.open_funnel,
                rules.exclusions,
                rules.step_windows,
            )
            if counts is None:
                return None
            return int(counts.filter(pl.col("_free") > pl.col("_lvl"))["_n"].sum())

        return self._quiet("funnel_excluded", compute)

    def _funnel_table(self, filters: Filters, by: Sequence[str] = ()) -> pl.DataFrame:
        from kpi.engine.funnel import funnel_table

        return funnel_table(
            self.table, self.steps, filters=filters, by=tuple(by), **self._funnel_args()
        )

    def funnel(self) -> pl.DataFrame | None:
        """The funnel table of the view (:func:`kpi.funnel.funnel_table`'s columns); None
        when there is no funnel (no steps, no events)."""

        def compute() -> pl.DataFrame | None:
            if not self.steps or not self.size()[1]:
                return None
            return self._funnel_table(self.filters)

        return self._quiet("funnel", compute)

    def previous_funnel(self) -> pl.DataFrame | None:
        """The funnel of the previous period, None without one."""
        p = self.previous
        if p is None:
            return None
        return self._quiet("prev_funnel", lambda: self._funnel_table(p) if self.steps else None)

    def funnel_by_raw(self, segment: str, *, previous: bool = False) -> pl.DataFrame | None:
        """The funnel by every value of ``segment`` (the users' first touch; null kept)."""
        f = self.previous if previous else self.filters
        if f is None:
            return None

        def compute() -> pl.DataFrame | None:
            if not self.steps or not self.size(f)[1]:
                return None
            return self._funnel_table(f, (segment,))

        return self._quiet(f"funnel_by_raw|{segment}|{previous}", compute)

    def funnel_by(
        self,
        segment: str,
        *,
        top: int = 8,
        keep: Sequence[str] | None = None,
        previous: bool = False,
        weight: Literal["events", "users"] = "events",
        none: str = NONE,
        other: str = OTHER,
    ) -> pl.DataFrame | None:
        """The funnel of the view (or of its previous period) by ``segment``: its ``top``
        values by ``weight`` (events, as the Funnel page; users, as the workbook) + "Other",
        or the values ``keep`` + "Other"; the same table as :meth:`kpi.view.View.funnel_by`
        (users, conversion, step_conversion; drop-off too). Each user has one value (first
        touch), so a group of values adds up their users."""
        raw = self.funnel_by_raw(segment, previous=previous)
        if raw is None:
            return None
        if keep is None:
            counts = self.segment_counts(segment, previous=previous).with_columns(
                pl.col(segment).fill_null(none)
            )
            ranked = counts.group_by(segment).agg(pl.col(weight).sum().alias("_w"))
            ranked = ranked.sort(["_w", segment], descending=[True, False], nulls_last=True)
            keep = [str(v) for v in ranked[segment].head(top).to_list()]
        return regroup_funnel(raw, segment, list(keep), none=none, other=other)

    # ------------------------------------------------------------------ red flags
    def monthly_duration(self) -> pl.DataFrame | None:
        """Average session duration per month of the session start
        (:func:`kpi.journey.sessions.monthly_session_duration`'s columns), in the engine."""

        def compute() -> pl.DataFrame | None:
            if not self.has_timestamps or "session_id" not in self.table.columns:
                return None
            ev = self._events(self.filters).filter(
                ~nw.col("session_id").is_null() & ~nw.col("ts").is_null()
            )
            sessions = ev.group_by("user_id", "session_id").agg(
                nw.col("ts").min().alias("start"), nw.col("ts").max().alias("end")
            )
            sessions = sessions.with_columns(
                d=epoch_us(nw.col("end")) - epoch_us(nw.col("start")),
                _m=period_index(nw.col("start"), "month"),
            )
            got = collect(
                sessions.group_by("_m").agg(
                    nw.len().alias("sessions"), nw.col("d").mean().alias("_d")
                )
            )
            got = _cast_counts(got).with_columns(pl.col("_m").cast(pl.Int64))
            return got.select(
                pl.date(pl.col("_m") // 12, pl.col("_m") % 12 + 1, 1).alias("month"),
                pl.col("sessions").cast(pl.Int64),
                (pl.col("_d").cast(pl.Float64) / 1e6).alias("avg_session_seconds"),
            ).sort("month")

        return self._quiet("monthly_duration", compute)

    def red_flags(self, thresholds: alerts.Thresholds | None = None) -> list[alerts.RedFlag]:
        """Every red flag of the view (vs the previous period when there is one)."""
        t = thresholds or alerts.Thresholds()
        return self.memo(f"flags|{t!r}", lambda: alerts.view_red_flags(self, t))

    # ------------------------------------------------------------------ retention
    def retention(
        self,
        *,
        cohort_by: str | None = None,
        return_step: str | None = None,
        mode: Literal["on", "on_or_after"] = "on",
        periods: int = 12,
        by: str | None = None,
        trend_period: int = 1,
        inactivity_days: int = 90,
        grain: Literal["day", "week", "month"] | None = None,
        purchase_step: str | None = None,
    ) -> Any:
        """The Retention page's summary (:class:`kpi.retention.RetentionSummary`) with the
        page's defaults; None without dates or events. The cohort table comes from
        :func:`kpi.engine.cohorts.cohort_activity`; repeat purchase, frequency and churn from
        counts made in the engine, with the rules of :mod:`kpi.retention`."""
        from kpi.engine import view_retention as engine_retention

        ps = purchase_step if purchase_step is not None else self.purchase()
        grain_ = grain or self.cohort_grain
        args = (
            cohort_by,
            return_step,
            mode,
            periods,
            by,
            trend_period,
            inactivity_days,
            grain_,
            ps,
        )

        def compute() -> Any:
            if not self.has_timestamps or not self.size()[1]:
                return None
            return engine_retention.retention_summary(
                self,
                cohort_by=cohort_by,
                return_step=return_step,
                mode=mode,
                periods=periods,
                by=by,
                trend_period=trend_period,
                inactivity_days=inactivity_days,
                grain=grain_,
                purchase_step=ps,
            )

        return self._quiet(f"retention|{args!r}", compute)

    # ------------------------------------------------------------------ A/B test
    def assignment(self) -> str | None:
        """The segment that is the A/B assignment, best first
        (:func:`kpi.engine.view_ab.assignments`), None when none is."""
        from kpi.engine import view_ab

        def compute() -> str | None:
            found = view_ab.assignments(self)
            return found[0].column if found else None

        return self._quiet("assignment", compute)

    def ab_analysis(self) -> Any:
        """The A/B analysis of the view with the A/B page's defaults
        (:func:`kpi.export.ab_sheet.headless_analysis`'s rules): visitors = users of the view
        per arm, conversions = those who reached the purchase (else last) step in the
        funnel; None when the table holds no test."""
        from kpi.engine import view_ab as ab_view

        return self._quiet("ab", lambda: ab_view.headless(self))

    # ------------------------------------------------------------------ data quality
    def quality(self) -> Any:
        """The data-quality counts of the table (:func:`kpi.engine.quality.quality_counts`)."""
        from kpi.engine.quality import quality_counts

        return self.memo("quality", lambda: quality_counts(self.raw or self.table))

    def sources(self) -> tuple[EngineSource, ...]:
        """The workbook's sources: the table as read (rows, rows kept, why dropped)."""
        if self.sources_given is not None:
            return self.sources_given

        def compute() -> tuple[EngineSource, ...]:
            q = self._quiet("quality_for_sources", self.quality)
            acc = getattr(q, "accounting", None)
            if isinstance(acc, pl.DataFrame) and acc.height:
                first = acc.row(0, named=True)
                dropped = {
                    str(r["reason"]): int(r["rows_dropped"])
                    for r in acc.iter_rows(named=True)
                    if r.get("reason") and r.get("rows_dropped")
                }
                return (
                    EngineSource(
                        self.label or str(first.get("file") or ""),
                        "events",
                        int(first["rows_read"]),
                        int(first["rows_kept"]),
                        dropped,
                    ),
                )
            n = int(_cast_counts(collect(self.table.events.select(nw.len().alias("n"))))["n"][0])
            kept = self.size(Filters())[1]
            dropped = {"engine_view.rows.no_user": n - kept} if n > kept else {}
            return (EngineSource(self.label, "events", n, kept, dropped),)

        return self.memo("sources", compute)

    def notes(self) -> tuple[Fact, ...]:
        """What the workbook says about the data besides the sources."""
        return (Fact("engine_view.note.computed_in", backend=self.table.backend, table=self.label),)


def epoch_us(ts: nw.Expr) -> nw.Expr:
    """Microseconds since 1970-01-01 of a naive datetime, from its parts (plain integer
    arithmetic every engine runs alike: Spark has no duration in narwhals)."""
    from kpi.engine.cohorts import _days

    seconds = (
        _days(ts) * 86_400
        + ts.dt.hour().cast(nw.Int64) * 3_600
        + ts.dt.minute().cast(nw.Int64) * 60
        + ts.dt.second().cast(nw.Int64)
    )
    return seconds * 1_000_000 + ts.dt.microsecond().cast(nw.Int64)


def period_index(ts: nw.Expr, grain: str) -> nw.Expr:
    """:func:`kpi.engine.cohorts.period_index` (one definition of a period in an engine)."""
    from kpi.engine.cohorts import period_index as index

    return index(ts, grain)  # type: ignore[arg-type]


def regroup_funnel(
    raw: pl.DataFrame,
    segment: str,
    keep: Sequence[str],
    *,
    none: str = NONE,
    other: str = OTHER,
) -> pl.DataFrame:
    """A funnel by every value of ``segment`` as the values ``keep`` + ``other`` (a missing
    value is ``none``): users added up per group (a user has one value), the rates and the
    drop-off again (:func:`kpi.funnel.rates.add_rates`). Groups sorted by name, steps in
    order (as :func:`kpi.export.progress.funnel_by`)."""
    from kpi.funnel.rates import add_rates

    value = pl.col(segment).cast(pl.String).fill_null(none)
    steps = raw.select("step").unique(maintain_order=True)["step"].to_list()
    index = pl.DataFrame(
        {"step": steps, "_j": list(range(len(steps)))},
        schema={"step": pl.String, "_j": pl.Int32},
    )
    grouped = (
        raw.with_columns(
            pl.when(value.is_in(list(keep))).then(value).otherwise(pl.lit(other)).alias(segment)
        )
        .join(index, on="step", how="left")
        .group_by(segment, "_j", "step")
        .agg(pl.col("users").sum().cast(pl.Int64))
        .sort([segment, "_j"], nulls_last=True)
    )
    out = add_rates(grouped, [segment])
    prev = pl.col("users").shift(1).over(segment)
    out = out.with_columns(drop_off=prev - pl.col("users"))
    out = out.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    return out.sort([segment, "_j"], nulls_last=True).select(
        segment, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"
    )
