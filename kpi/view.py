"""One computation per view: the results of a view, computed lazily once and shared.

A view is the unfiltered Dataset, the filters (segments and period) and the analysis
settings (:class:`kpi.settings.FunnelSettings`, the cohort grain). :class:`View` computes
each result the first time it is asked for and keeps it: the stage KPIs of the view and of the
previous period, the funnel for the view's funnel settings (now and in the previous period),
the monthly session duration, the red flags for a set of thresholds, the retention and value
summaries. The app keeps one View per session and view key (``pages/_ui/compute.py``), so the
page, the Overview, the red flags and the workbook read the same numbers; the command line
builds one for its workbook.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

import polars as pl

from kpi import advocacy, alerts, funnel, retention, stages, value
from kpi.dataset import Dataset
from kpi.errors import InputError, ParcoursError
from kpi.filters import Filters
from kpi.journey.facts import PeriodFacts, Selection
from kpi.settings import FunnelSettings
from kpi.words import Fact
from kpi.year_before_view import YearBeforeResults

__all__ = ["PeriodCache", "View", "preferred_segment"]

_NOT_COVERED = object()  # the period's facts do not cover this data: compute as before
#: events per pass of the period's facts (:meth:`View.period_facts`): above it the users are
#: split into groups (by their row) whose facts are computed one after the other and put
#: together, so that the group-by's working memory (about 100 bytes per event) stays bounded
FACTS_CHUNK_EVENTS = 4_000_000


def preferred_segment(ds: Dataset) -> str | None:
    """The breakdown segment when none is chosen: device, else channel, else variant, else the
    first segment that is not the cohort."""
    preferred = [s for s in ("device", "channel", "variant") if s in ds.segments]
    others = [s for s in ds.segments if s != "cohort"]
    return next(iter(preferred + others), None)


def _event_steps(ds: Dataset) -> list[str]:
    if "step" not in ds.events.columns or ds.events.height == 0:
        return []
    return ds.events["step"].unique(maintain_order=True).drop_nulls().to_list()


def checked_steps(
    requested: Sequence[str] | None, default: Sequence[str], event_steps: Sequence[str]
) -> list[str]:
    """The funnel steps of a view: the ones asked for (each must be an event of the data:
    an explained error names the unknown ones), else ``default``."""
    steps = list(requested or default)
    known = set(event_steps)
    unknown = [x for x in steps if x not in known] if event_steps else []
    if requested and unknown:
        raise InputError(
            Fact("export.error.unknown_steps", steps=unknown),
            Fact("export.error.unknown_steps_hint", steps=[str(x) for x in event_steps[:20]]),
        )
    return steps


class PeriodCache:
    """What the Views of one Dataset share per period: the period's Dataset (dates only), its
    per-user facts (:class:`kpi.journey.facts.PeriodFacts`), its funnel progress per funnel
    setting. Segments are user attributes, so every segment filter and breakdown of a period
    is answered from these without reading the events again.

    Keyed by the data's identity (the ``full`` Dataset object, kept alive by the entry), the
    period and what else the result depends on; the ``max_entries`` most recent are kept, for
    one Dataset at a time (a new one drops the previous one's). One cache per user session (it
    holds that session's data, never share it between sessions): pass the same one to every
    View of the session (``View(..., period_cache=cache)``).
    """

    def __init__(self, max_entries: int = 24, facts_share: float = 0.25) -> None:
        self.max_entries = max_entries
        self.facts_share = facts_share
        """A View builds a period's facts for a segment selection holding at least this share
        of the period's events (a smaller one is computed from its filtered Dataset, cheaper
        than a pass over the whole period); the whole period always builds them."""
        self._entries: OrderedDict[tuple, tuple[Dataset, Any]] = OrderedDict()

    def has(self, full: Dataset, key: Hashable) -> bool:
        """True when (``full``, ``key``) is kept."""
        entry = self._entries.get((id(full), key))
        return entry is not None and entry[0] is full

    def get(self, full: Dataset, key: Hashable, fn: Callable[[], Any]) -> Any:
        """``fn()`` for (``full``, ``key``) the first time, the kept result afterwards. A
        session looks at one Dataset at a time: another ``full`` object than the last one
        drops what was kept for the previous one (it is not held in memory any longer)."""
        k = (id(full), key)
        entry = self._entries.get(k)
        if entry is not None and entry[0] is full:
            self._entries.move_to_end(k)
            return entry[1]
        if self._entries and next(reversed(self._entries.values()))[0] is not full:
            self._entries.clear()
        value = fn()
        self._entries[k] = (full, value)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return value

    def period(self, full: Dataset, filters: Filters) -> Dataset:
        """``Filters(start=, end=)`` of ``filters`` applied to ``full`` (no segment filter)."""
        period = Filters(start=filters.start, end=filters.end)
        return self.get(full, ("period", period.key()), lambda: period.apply(full))

    def user_rows(self, full: Dataset, filters: Filters) -> pl.Series | None:
        """For each event of :meth:`period`, its user's row in the period's users table (null
        for a user missing from it); None when the ids cannot be matched (types differ)."""
        period = self.period(full, filters)

        def compute() -> pl.Series | None:
            ev, users = period.events, period.users
            if "user_id" not in ev.columns or ev.schema["user_id"] != users.schema.get("user_id"):
                return None
            dense = _dense_rows(ev["user_id"], users["user_id"])
            if dense is not None:
                return dense
            index = users.select("user_id").with_row_index("_row")
            return ev.select("user_id").join(index, on="user_id", how="left")["_row"]

        return self.get(full, ("rows", filters.start, filters.end), compute)

    def apply(self, full: Dataset, filters: Filters) -> Dataset:
        """``filters.apply(full)``, the same Dataset, from the period's Dataset and its events'
        user rows: a segment filter is a mask over the users gathered onto the events (no join
        of the events)."""
        if not filters.active_segments:
            return self.period(full, filters)
        rows = self.user_rows(full, filters)
        if rows is None:
            return filters.apply(full)
        period = self.period(full, filters)
        users = period.users
        mask = filters.user_mask(users)
        events = period.events.filter(mask.gather(rows).fill_null(False))

        def segment(table: pl.DataFrame | None, columns: list[str] | None = None) -> Any:
            if table is None:
                return None
            return table.filter(filters._segment_expr(columns or table.columns))

        return period.with_tables(
            events=events,
            users=users.filter(mask),
            survey=segment(period.survey),
            spend=segment(period.spend, ["channel"]),
            counts=segment(period.counts),
        )

    def events_with(
        self, full: Dataset, filters: Filters, columns: list[str] | tuple[str, ...]
    ) -> pl.DataFrame:
        """``filters.apply(full).events_with(columns)``, the users' columns gathered by row
        (no join of the events)."""
        ds = self.apply(full, filters)
        cols = [c for c in columns if c in ds.users.columns and c not in ds.events.columns]
        rows = self.user_rows(full, filters)
        if not cols or rows is None:
            return ds.events_with(cols)
        users = self.period(full, filters).users
        if filters.active_segments:
            mask = filters.user_mask(users)
            rows = rows.filter(mask.gather(rows).fill_null(False))
        schema = users.schema
        return ds.events.with_columns(
            users[c].gather(rows).fill_null("(none)")
            if schema[c] == pl.String
            else users[c].gather(rows)
            for c in cols
        )

    def kept_value(self, full: Dataset, key: Hashable) -> Any:
        """The result kept for (``full``, ``key``), None when there is none (not computed)."""
        entry = self._entries.get((id(full), key))
        return entry[1] if entry is not None and entry[0] is full else None

    def kept(self, full: Dataset) -> list[tuple[Hashable, Any]]:
        """(key, result) of every entry kept for ``full``, the most recent first."""
        try:
            entries = list(self._entries.items())
        except RuntimeError:  # changed meanwhile by another thread (the shared demo cache)
            return []
        return [(k[1], e[1]) for k, e in reversed(entries) if e[0] is full]

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


@dataclass
class View(YearBeforeResults):
    """The results of one view (data + filters + settings), each computed once when needed.

    Creating a View computes nothing: the filtered datasets, the steps and every result are
    computed on first use. ``view_ds`` / ``previous_ds`` may be given when the caller already
    holds the filtered datasets, or ``loader`` (filters -> Dataset) that gives them (the app
    memoises them per session); otherwise they are computed from ``full``. Explicit funnel
    steps or a breakdown segment that the data does not have raise
    :class:`~kpi.errors.InputError` at creation.
    """

    full: Dataset
    filters: Filters
    settings: FunnelSettings = field(default_factory=FunnelSettings)
    cohort_grain: Literal["week", "month"] = "month"
    view_ds: Dataset | None = None
    previous_ds: Dataset | None = None
    loader: Callable[[Filters], Dataset | None] | None = field(
        default=None, repr=False, compare=False
    )
    period_cache: PeriodCache | None = field(default=None, repr=False, compare=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.period_cache is None:
            self.period_cache = PeriodCache()
        if self.settings.steps or self.settings.segment is not None:
            _ = self.steps, self.segment  # what the caller asked for exists, or say so now

    def _load(self, filters: Filters) -> Dataset:
        if self.loader is not None:
            try:
                ds = self.loader(filters)
            except Exception:
                ds = None
            if ds is not None:
                return ds
        assert self.period_cache is not None
        return self.period_cache.apply(self.full, filters)

    # ------------------------------------------------------------------ the view's data
    @property
    def view(self) -> Dataset:
        """The filtered Dataset of the view."""
        given = self.view_ds
        return self.memo("view", lambda: given if given is not None else self._load(self.filters))

    @property
    def previous_filters(self) -> Filters | None:
        """The filters of the previous period (:meth:`kpi.filters.Filters.previous`)."""
        return self.memo("previous_filters", self.filters.previous)

    @property
    def previous(self) -> Dataset | None:
        """The previous period's Dataset; None without a period or without events in it."""

        def compute() -> Dataset | None:
            if self.previous_filters is None:
                return None
            given = self.previous_ds
            prev = given if given is not None else self._load(self.previous_filters)
            return prev if prev.events.height else None  # as the pages say

        return self.memo("previous", compute)

    @property
    def event_steps(self) -> list[str]:
        """The steps found in the events (first appearance order)."""
        return self.memo("event_steps", lambda: _event_steps(self.full))

    @property
    def steps(self) -> list[str]:
        """The funnel steps: the settings', else the data's step order."""

        def compute() -> list[str]:
            event_steps = self.event_steps
            return checked_steps(self.settings.steps, self.full.steps or event_steps, event_steps)

        return self.memo("steps", compute)

    @property
    def segment(self) -> str | None:
        """The breakdown segment: the settings', else :func:`preferred_segment`."""

        def compute() -> str | None:
            segment, full = self.settings.segment, self.full
            if segment is not None and segment not in full.users.columns:
                raise InputError(
                    Fact("export.error.unknown_segment", segment=segment),
                    Fact("export.error.unknown_segment_hint", segments=list(full.segments)),
                )
            return segment if segment is not None else preferred_segment(full)

        return self.memo("segment", compute)

    @property
    def purchase_step(self) -> str | None:
        """The step of the data that is a purchase (None when none is)."""
        return self.memo(
            "purchase_step",
            lambda: (
                stages.detect_steps(tuple(self.event_steps)).get("purchase")
                if self.event_steps
                else None
            ),
        )

    @property
    def first_seen(self) -> pl.DataFrame | None:
        """Each user's first-seen date over the whole data (new users, cohorts)."""
        full = self.full
        return self.memo(
            "first_seen",
            lambda: (
                full.users.select("user_id", "first_seen")
                if "first_seen" in full.users.columns
                else None
            ),
        )

    # ------------------------------------------------------------------ the period's facts
    def period_dataset(self, filters: Filters | None = None) -> Dataset:
        """The Dataset of ``filters``' period (default: the view's), without segment filters,
        shared through the period cache."""
        assert self.period_cache is not None
        return self.period_cache.period(self.full, filters or self.filters)

    def period_facts(self, filters: Filters | None = None) -> PeriodFacts | None:
        """The per-user facts of ``filters``' period (default: the view's), None when the data
        is not covered (:meth:`kpi.journey.facts.PeriodFacts.build`)."""
        f = filters or self.filters

        def build() -> PeriodFacts | None:
            try:
                rows = self.period_cache.user_rows(self.full, f)  # type: ignore[union-attr]
                period = self.period_dataset(f)
                if (
                    rows is None
                    or period.events.height <= FACTS_CHUNK_EVENTS
                    or rows.null_count()
                    or rows.len() != period.events.height
                ):
                    return PeriodFacts.build(period, self.first_seen, rows)
                return _facts_in_groups(period, self.first_seen, rows, FACTS_CHUNK_EVENTS)
            except ParcoursError:
                return None

        return self._shared(("facts", f.start, f.end), build)

    def _shared(self, key: Hashable, fn: Callable[[], Any]) -> Any:
        assert self.period_cache is not None
        return self.period_cache.get(self.full, key, fn)

    def _facts_for(self, which: Literal["view", "previous"]) -> tuple[Filters, PeriodFacts] | None:
        """The filters and facts of the view or of its previous period, when the facts cover
        it (not when the caller gave the filtered Dataset itself)."""
        if which == "view":
            f: Filters | None = self.filters
            given = self.view_ds
        else:
            f, given = self.previous_filters, self.previous_ds
        if f is None or given is not None:
            return None

        def decide() -> tuple[Filters, PeriodFacts] | None:
            assert f is not None and self.period_cache is not None
            cache, key = self.period_cache, ("facts", f.start, f.end)
            if f.active_segments and not cache.has(self.full, key):
                # the period's facts cost about one pass over its events: for a selection
                # much smaller than the period, the filtered Dataset is cheaper (until a
                # larger selection of the period builds them)
                ds = self.view if which == "view" else self.previous
                if ds is None:
                    return None
                period = cache.period(self.full, f)
                if ds.events.height < cache.facts_share * period.events.height:
                    return None
            facts = self.period_facts(f)
            return (f, facts) if facts is not None else None

        return self.memo(f"facts_for|{which}", decide)

    def _segmented(self) -> Dataset:
        """The whole history of the view's segments (no period): cohorts followed past the
        period, new customers judged on their whole history."""
        f = self.filters
        if f.start is None and f.end is None and self.view_ds is None:
            return self.view
        assert self.period_cache is not None
        cache = self.period_cache
        return self.memo("segmented", lambda: cache.apply(self.full, Filters(segments=f.segments)))

    def _cohorts_fast(
        self,
        cohort_by: str,
        return_step: str | None,
        purchase_step: str,
        periods: int | None,
        mode: Literal["on", "on_or_after"],
        grain: Literal["day", "week", "month"],
    ) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(events, cohort table) of :func:`kpi.retention.cohort_view` from every user's
        anchor and returns (:func:`kpi.retention.cohort_activity`, once per data and cohort
        setting); None when it does not apply (the caller computes as before)."""
        got = self.cohort_activity(cohort_by, return_step, purchase_step, grain)
        if got is None:
            return None
        activity, selected, rows = got
        events = self.full.events.filter(selected.gather(rows))
        return events, activity.table(selected, periods=periods, mode=mode)

    def cohort_activity(
        self,
        cohort_by: str,
        return_step: str | None,
        purchase_step: str,
        grain: Literal["day", "week", "month"],
    ) -> tuple[retention.CohortActivity, pl.Series, pl.Series] | None:
        """Every user's cohort anchor and returns (:func:`kpi.retention.cohort_activity`, kept
        once per data and cohort setting), the mask of the users rows of the view's cohorts
        (:meth:`~kpi.retention.CohortActivity.users_in`) and each event's users row; None when
        it does not apply (a signup anchor, ids that cannot be matched, no dates)."""
        if self.view_ds is not None:
            return None
        assert self.period_cache is not None
        cache, full, whole = self.period_cache, self.full, Filters()
        rows = cache.user_rows(full, whole)
        if rows is None or rows.null_count() or "ts" not in full.events.columns:
            return None
        key = ("cohorts", grain, cohort_by, return_step, purchase_step)
        activity = cache.get(
            full,
            key,
            lambda: retention.cohort_activity(
                full.events,
                rows,
                full.users.height,
                grain=grain,
                cohort_by=cohort_by,
                return_step=return_step,
                purchase_step=purchase_step,
            ),
        )
        if activity is None:
            return None
        f = self.filters
        mask = None
        if f.active_segments:
            users = full.users
            mask = f.user_mask(users)
        return activity, activity.users_in(mask, f.start, f.end), rows

    def events_with(self, columns: list[str] | tuple[str, ...]) -> pl.DataFrame:
        """The view's events with the users' ``columns`` (:meth:`Dataset.events_with`)."""
        if self.loader is not None or self.view_ds is not None:
            return self.view.events_with(list(columns))
        assert self.period_cache is not None
        return self.period_cache.events_with(self.full, self.filters, columns)

    def _has_previous(self) -> bool:
        """True when the previous period has events in the view's segments (without loading
        the previous period's filtered Dataset when the facts say it)."""
        if self.previous_filters is None:
            return False
        got = self._facts_for("previous")
        if got is not None and "previous" not in self._memo:
            f, facts = got
            u = facts.select(facts.users, facts.mask(f))
            return bool(u.height and u["n"].sum())
        return self.previous is not None

    # ------------------------------------------------------------------ the memo
    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` the first time ``key`` is asked for, the kept result afterwards."""
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    @property
    def window(self) -> timedelta | None:
        """The conversion window (None: no limit, or data without timestamps)."""
        return self.settings.window if self.full.has_timestamps else None

    # ------------------------------------------------------------------ stage KPIs
    def kpis(self, *, strict: bool = False) -> list[stages.Kpi]:
        """The stage KPIs of the view; [] when they cannot be computed, or with ``strict`` the
        :class:`~kpi.errors.ParcoursError` saying why (the pages show it)."""
        return self._kpis("kpis", "view", strict)

    def previous_kpis(self, *, strict: bool = False) -> list[stages.Kpi] | None:
        """The stage KPIs of the previous period, None without one."""
        if not self._has_previous():
            return None
        return self._kpis("prev_kpis", "previous", strict)

    def _kpis(self, key: str, which: Literal["view", "previous"], strict: bool) -> list[stages.Kpi]:
        def compute() -> list[stages.Kpi] | ParcoursError:
            try:
                got = self._facts_for(which)
                if got is not None:  # the same numbers, read from the period's facts
                    f, facts = got
                    return stages.stage_kpis(
                        facts.period, first_seen=self.first_seen, facts=Selection(facts, f)
                    )
                ds = self.view if which == "view" else self.previous
                assert ds is not None
                return stages.stage_kpis(ds, first_seen=self.first_seen)
            except ParcoursError as exc:
                return exc

        out = self.memo(key, compute)
        if isinstance(out, ParcoursError):
            if strict:
                raise out
            return []
        return out

    def kpis_by(self, segment: str) -> pl.DataFrame | None:
        """The stage KPIs per value of ``segment`` (top values + Other), as the Stage KPIs
        page's tables; None when they cannot be split."""

        def compute() -> pl.DataFrame | None:
            try:
                got = self._facts_for("view")
                table = got[1].stage_kpis_by(got[0], segment) if got is not None else None
                if table is not None:
                    return table
                return stages.stage_kpis_by(self.view, segment, first_seen=self.first_seen)
            except ParcoursError:
                return None

        return self.memo(f"kpis_by|{segment}", compute)

    def kpi(self, code: str) -> stages.Kpi | None:
        """One KPI of the view by code."""
        return next((k for k in self.kpis() if k.code == code), None)

    # ------------------------------------------------------------------ funnel
    def funnel(self, ds: Dataset | None = None) -> pl.DataFrame | None:
        """The funnel table of the view (or of ``ds``: the previous period) for the view's
        funnel settings; None when there is no funnel."""
        if ds is None or ds is self._memo.get("view"):
            return self.memo("funnel", lambda: self._funnel_of("view"))
        return self.memo("prev_funnel", lambda: self._funnel(ds))

    def previous_funnel(self) -> pl.DataFrame | None:
        if not self._has_previous():
            return None
        return self.memo("prev_funnel", lambda: self._funnel_of("previous"))

    def _funnel_of(self, which: Literal["view", "previous"]) -> pl.DataFrame | None:
        fast = self._fast_funnel(which)
        if fast is not _NOT_COVERED:
            return fast  # type: ignore[return-value]
        ds = self.view if which == "view" else self.previous
        if ds is None:
            return None
        whole = self._whole_period(which)
        if whole is not None and len(self.steps) >= 1 and ds.events.height:
            # no segment filter: the view is its period, whose progress the workbook's
            # breakdowns read too (one funnel pass, not two)
            try:
                return self.funnel_progress(whole, timed=ds.has_timestamps).table()
            except ParcoursError:
                return None
        return self._funnel(ds)

    def _whole_period(self, which: Literal["view", "previous"]) -> Filters | None:
        """The filters of the view (or of its previous period) when its Dataset is exactly
        :meth:`period_dataset`'s (no segment filter, computed here from ``full``); else None."""
        if which == "view":
            f, given = self.filters, self.view_ds
        else:
            f, given = self.previous_filters, self.previous_ds
        if f is None or given is not None or self.loader is not None or f.active_segments:
            return None
        return f if getattr(funnel, "funnel_progress", None) is not None else None

    def funnel_progress(self, filters: Filters | None = None, *, timed: bool = True) -> Any:
        """The funnel progress of each user of ``filters``' period (default: the view's) for
        the view's funnel settings (:func:`kpi.funnel.funnel_progress`), shared through the
        period cache; None before kpi.funnel has it."""
        make = getattr(funnel, "funnel_progress", None)
        if make is None:
            return None
        f = filters or self.filters
        period = self.period_dataset(f)
        s = self.settings
        rules = self.funnel_rules(timed)
        key = ("funnel_progress", f.start, f.end, tuple(self.steps), s.window, s.order,
               s.open_funnel, rules.key(), timed)  # fmt: skip

        def build() -> Any:
            ev = period.events if timed else period.events.drop("ts", strict=False)
            base = self.funnel_base(f, timed=timed)
            reused = self._progress_from_previous(key, base, ev)
            if reused is not None:
                return reused
            return make(
                ev,
                self.steps,
                window=s.window if timed else None,  # membership: no window
                order=s.order if timed else "sequential",
                open_funnel=s.open_funnel,
                **({"base": base} if base is not None else {}),
                **(rules.kwargs() if rules.active else {}),
            )

        return self._shared(key, build)

    def funnel_rules(self, timed: bool | None = None) -> Any:
        """The exclusions and per-step windows the view's funnel applies
        (:func:`kpi.funnel.rules.in_effect`: those of the settings that name its steps, when
        it is an in-order closed funnel with times), with the notes on the others."""
        from kpi.funnel.view_rules import rules_in_view

        has_ts = self.view.has_timestamps if timed is None else timed
        return rules_in_view(self.steps, self.settings, has_ts=has_ts)

    def funnel_trend(self, grain: str = "week") -> pl.DataFrame | None:
        """Conversion over time of the view's funnel (:func:`kpi.funnel.conversion_over_time`)
        with its exclusions and per-step windows (the periods' users add up to the table's);
        None without two steps, events or times. Raises what the funnel raises."""
        key = f"funnel_trend|{grain}"
        return self.memo(key, lambda: self._funnel_figure("trend", grain))

    def funnel_time_to_convert(self, bins: int = 12) -> pl.DataFrame | None:
        """The time-to-convert histogram of the view's funnel (:func:`kpi.funnel.time_to_convert`,
        ``bins`` equal-width bins) over the users its exclusions and per-step windows keep at
        the last step; None without two steps, events or times."""
        key = f"funnel_ttc|{bins}"
        return self.memo(key, lambda: self._funnel_figure("ttc", bins))

    def _funnel_figure(self, which: str, arg: Any) -> pl.DataFrame | None:
        ds = self.view
        if len(self.steps) < 2 or ds.events.height == 0 or not ds.has_timestamps:
            return None
        s, kw = self.settings, self.funnel_rules(True).kwargs()
        if which == "trend":
            return funnel.conversion_over_time(
                ds.events, self.steps, grain=arg, window=s.window, order=s.order, **kw
            )
        return funnel.time_to_convert(ds.events, self.steps, window=s.window, bins=arg, **kw)

    def funnel_excluded(self) -> int | None:
        """How many users of the view reach fewer steps because of the exclusions (None
        without exclusions in effect)."""

        def compute() -> int | None:
            rules = self.funnel_rules()
            if not rules.exclusions or len(self.steps) < 1 or self.view.events.height == 0:
                return None
            try:
                progress = self.funnel_progress(self.filters, timed=True)
                if progress is None:
                    return None
                users = (
                    self.view.events.select("user_id").unique()
                    if self.filters.active_segments or self.view_ds is not None
                    else None
                )
                return int(progress.excluded(users))
            except ParcoursError:
                return None

        return self.memo("funnel_excluded", compute)

    def _progress_from_previous(self, key: tuple, base: Any, events: pl.DataFrame) -> Any:
        """The progress of ``key`` (:meth:`funnel_progress`'s) from a kept progress of the
        same period and settings whose steps start the same way (a step added or removed at
        the end: :func:`kpi.funnel.progress_from_previous`), the one sharing the most steps;
        None when none applies."""
        reuse = getattr(funnel, "progress_from_previous", None)
        s = self.settings
        if reuse is None or base is None or s.open_funnel:
            return None
        assert self.period_cache is not None
        steps = key[3]
        best: tuple[int, Any] | None = None
        for other, result in self.period_cache.kept(self.full):
            if not (
                isinstance(other, tuple)
                and len(other) == len(key)
                and other[0] == "funnel_progress"
                and other[:3] == key[:3]
                and other[4:] == key[4:]
                and other[3] != steps
            ):
                continue
            c = 0
            while c < min(len(other[3]), len(steps)) and other[3][c] == steps[c]:
                c += 1
            if c and (best is None or c > best[0]):
                best = (c, result)
        if best is None:
            return None
        try:
            return reuse(
                best[1],
                base,
                events,
                list(steps),
                window=s.window if key[-1] else None,
                order=s.order if key[-1] else "sequential",
                **(self.funnel_rules(key[-1]).kwargs() if key[-2] != ((), ()) else {}),
            )
        except ParcoursError:
            return None

    def funnel_base(self, filters: Filters | None = None, *, timed: bool = True) -> Any:
        """The events of ``filters``' period (default: the view's) encoded and sorted once for
        every funnel over them (:func:`kpi.funnel.funnel_base`: a step change, another window
        or order reads it instead of sorting the events again), shared through the period
        cache; None when it does not apply (or before kpi.funnel has it)."""
        make = getattr(funnel, "funnel_base", None)
        if make is None:
            return None
        f = filters or self.filters
        period = self.period_dataset(f)

        def build() -> Any:
            ev = period.events if timed else period.events.drop("ts", strict=False)
            whole = self.period_cache.kept_value(self.full, ("funnel_base", None, None, timed))  # type: ignore[union-attr]
            if whole is not None and (f.start is not None or f.end is not None):
                # the period as Filters.apply reads it: start <= ts < the day after the end
                lo = None if f.start is None else datetime.combine(f.start, time())
                hi = None if f.end is None else datetime.combine(f.end + timedelta(days=1), time())
                derived = whole.within(lo, hi, ev)
                if derived is not None:
                    return derived
            try:
                return make(ev)
            except ParcoursError:
                return None

        return self._shared(("funnel_base", f.start, f.end, timed), build)

    def funnel_by(
        self,
        segment: str,
        *,
        top: int = 8,
        keep: list[str] | tuple[str, ...] | None = None,
        previous: bool = False,
    ) -> pl.DataFrame | None:
        """The funnel (:func:`kpi.funnel.funnel`) of the view (or of its previous period) by
        ``segment``: its ``top`` values by events + "Other" (``kpi.segments.with_top_values``
        on the events), or the values ``keep`` + "Other" (``funnel_view_data.with_values``:
        the previous period in the current one's segments), as the Funnel page's breakdown.
        None without a funnel (no steps, no events, or the data cannot make one)."""
        which: Literal["view", "previous"] = "previous" if previous else "view"
        key = f"funnel_by|{which}|{segment}|{top}|{None if keep is None else tuple(keep)}"
        return self.memo(key, lambda: self._funnel_by(which, segment, top, keep))

    def _funnel_by(
        self,
        which: Literal["view", "previous"],
        segment: str,
        top: int,
        keep: list[str] | tuple[str, ...] | None,
    ) -> pl.DataFrame | None:
        from kpi import funnel_view_data
        from kpi.segments import NONE, with_top_values

        if which == "previous" and not self._has_previous():
            return None
        got = self._facts_for(which)
        progress_of = getattr(funnel, "funnel_progress", None)
        covered = got is not None and progress_of is not None
        if covered and segment in got[1].period.users.columns and segment not in got[1].period.events.columns:  # type: ignore[union-attr]  # fmt: skip
            f, facts = got  # type: ignore[misc]
            u = facts.select(facts.users, facts.mask(f))
            if len(self.steps) < 1 or u.height == 0 or not u["n"].sum():
                return None
            values = facts.period.users[segment].cast(pl.String).fill_null(NONE)
            frame = pl.DataFrame(
                {
                    "user_id": u["user_id"],
                    segment: values.gather(u["_row"]).fill_null(NONE),
                    "_w": u["n"],
                }
            )
            if keep is None:
                frame = with_top_values(frame, segment, top, weight="_w")
            else:
                frame = funnel_view_data.with_values(frame, segment, keep)
            timed = facts.has_ts and bool(u["n_ts"].sum())
            try:
                return self.funnel_progress(f, timed=timed).funnel(
                    frame.select("user_id", segment), by=[segment]
                )
            except ParcoursError:
                return None
        ds = self.view if which == "view" else self.previous
        if ds is None or len(self.steps) < 1 or ds.events.height == 0:
            return None
        timed = ds.has_timestamps
        ev = self.events_with([segment]) if which == "view" else ds.events_with([segment])
        if segment not in ev.columns:
            return None
        if not timed:
            ev = ev.drop("ts", strict=False)
        ev = (
            with_top_values(ev, segment, top)
            if keep is None
            else funnel_view_data.with_values(ev, segment, keep)
        )
        try:
            return funnel.funnel(
                ev,
                self.steps,
                by=[segment],
                window=self.settings.window if timed else None,
                order=self.settings.order if timed else "sequential",
                open_funnel=self.settings.open_funnel,
                **self.funnel_rules(timed).kwargs(),
            )
        except ParcoursError:
            return None

    def _fast_funnel(self, which: Literal["view", "previous"]) -> object:
        """The funnel from the period's funnel progress and the users of the segment
        filters; ``_NOT_COVERED`` when the facts do not cover the data."""
        got = self._facts_for(which)
        if got is None or getattr(funnel, "funnel_progress", None) is None:
            return _NOT_COVERED
        f, facts = got
        mask = facts.mask(f)
        u = facts.select(facts.users, mask)
        if len(self.steps) < 1 or u.height == 0 or not u["n"].sum():
            return None
        timed = facts.has_ts and bool(u["n_ts"].sum())
        try:
            progress = self.funnel_progress(f, timed=timed)
            users = None if mask is None else facts.period.users.filter(mask).select("user_id")
            return progress.table(users)
        except ParcoursError:
            return None

    def _funnel(self, ds: Dataset) -> pl.DataFrame | None:
        if len(self.steps) < 1 or ds.events.height == 0:
            return None
        timed = ds.has_timestamps
        ev = ds.events if timed else ds.events.drop("ts", strict=False)
        try:
            return funnel.funnel_table(
                ev,
                self.steps,
                window=self.settings.window if timed else None,  # membership: no window
                order=self.settings.order if timed else "sequential",
                open_funnel=self.settings.open_funnel,
                **self.funnel_rules(timed).kwargs(),
            )
        except ParcoursError:
            return None

    # ------------------------------------------------------------------ red flags
    def monthly_duration(self) -> pl.DataFrame | None:

        def compute() -> pl.DataFrame | None:
            try:
                got = self._facts_for("view")
                if got is not None:
                    return got[1].monthly_duration(got[0])
                return stages.monthly_session_duration(self.view.events)
            except ParcoursError:
                return None

        return self.memo("monthly_duration", compute)

    def red_flags(self, thresholds: alerts.Thresholds | None = None) -> list[alerts.RedFlag]:
        """Every red flag of the view (vs the previous period when there is one)."""
        t = thresholds or alerts.Thresholds()
        return self.memo(f"flags|{t!r}", lambda: alerts.view_red_flags(self, t))

    # ------------------------------------------------------------------ after the purchase
    def purchase(self) -> str:
        """The step that is a purchase in the view (as the Retention and Value pages read it)."""
        return self.memo("purchase", lambda: stages.purchase_step(self.view))

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
    ) -> retention.RetentionSummary | None:
        """The Retention page's summary (its defaults: cohorts by first visit, or by first
        purchase for an orders-only file; any event counts as a return; 12 periods; churn
        after 90 days): cohorts that started in the period, followed past it. None without
        dates."""
        ds = self.view
        ps = purchase_step if purchase_step is not None else self.purchase()
        grain_ = grain or self.cohort_grain
        if not ds.has_timestamps or ds.events.height == 0:
            return None
        if cohort_by is None:
            steps = set(ds.steps) | set(ds.events["step"].unique().to_list())
            cohort_by = "first_purchase" if steps == {ps} else "first_event"
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

        def compute() -> retention.RetentionSummary:
            everyone = self._segmented()
            fast = None
            if by is None and mode in ("on", "on_or_after") and (periods is None or periods >= 0):
                fast = self._cohorts_fast(cohort_by, return_step, ps, periods, mode, grain_)  # type: ignore[arg-type]
            if fast is not None:
                events, table = fast
            else:
                cohorts = retention.cohort_view(
                    self.full, self.filters, cohort_by=cohort_by, purchase_step=ps,
                    segmented=everyone,
                )  # fmt: skip
                extra = [c for c in (by, "signup" if cohort_by == "signup" else None) if c]
                events, table = cohorts.events_with(extra), None
            return retention.retention_summary(
                events,
                table=table,
                grain=grain_,
                cohort_by=cohort_by,
                return_step=return_step,
                mode=mode,
                periods=periods,
                by=by,
                trend_period=trend_period,
                inactivity_days=inactivity_days,
                purchase_step=ps,
                churn_events=everyone.events,
                churn_end=self.filters.end,
            )

        return self.memo(f"retention|{args!r}", compute)

    def value(
        self,
        *,
        clv_basis: str = "channel",
        aov: float | None = None,
        purchases_per_year: float | None = None,
        years: float | None = None,
        currency: str | None = None,
        purchase_step: str | None = None,
    ) -> value.ValueSummary | None:
        """The Value page's summary (None without orders with amounts). The CLV factors are
        the data's own unless given (``aov``, ``purchases_per_year``, ``years``: the page's
        editable inputs; ``years`` defaults to the estimate rounded to 2 decimals, as the
        page's input shows it). CAC's new customers: first-ever purchase in the period, on the
        whole history."""
        ds = self.view
        ps = purchase_step if purchase_step is not None else self.purchase()
        args = (clv_basis, aov, purchases_per_year, years, currency, ps)

        def compute() -> value.ValueSummary | None:
            inputs = value.clv_inputs(ds.events, purchase_step=ps)
            if inputs.aov is None:
                return None
            # the channel on every event only for the channel table, which needs spend (at
            # 50M events the gathered text is 1.6 GB)
            spend = ds.spend is not None and ds.spend.height > 0
            with_channel = spend and "channel" in ds.users.columns
            events = self.events_with(["channel"]) if with_channel else ds.events
            return value.value_summary(
                events,
                ds.spend,
                purchase_step=ps,
                aov=aov,
                purchases_per_year=purchases_per_year,
                years=float(round(inputs.years, 2)) if years is None else years,
                clv_basis=clv_basis,
                first_purchases=value.new_customers_in_view(
                    self.full, self.filters, purchase_step=ps, segmented=self._segmented()
                ),
                currency=currency,
            )

        return self.memo(f"value|{args!r}", compute)

    def value_inputs(self) -> value.ClvInputs:
        """The CLV factors estimated from the view's orders."""
        return self.memo(
            "value_inputs",
            lambda: value.clv_inputs(self.view.events, purchase_step=self.purchase()),
        )

    def advocacy(self, *, by: str | None = "", kind: str = "auto") -> advocacy.AdvocacySummary:
        """The Advocacy page's summary: NPS (or CSAT / CES) of the survey, by ``by`` (default:
        device when the survey has it, else its first segment, as the page), and the referral
        rate of the customers."""
        ds, ps = self.view, self.purchase()
        survey = ds.survey
        if by == "":
            options = [s for s in ds.segments if survey is not None and s in survey.columns]
            by = "device" if "device" in options else (options[0] if options else None)

        def compute() -> advocacy.AdvocacySummary:
            buyers = None
            if "step" in ds.events.columns and ds.events.height:
                buys = ds.events.filter(pl.col("step") == ps).select("user_id")
                buyers = buys if buys.height else None
            return advocacy.advocacy_summary(
                survey,
                ds.users,
                kind=kind,
                by=by,
                grain="month",
                customers=buyers,  # type: ignore[arg-type]
            )

        return self.memo(f"advocacy|{by}|{kind}", compute)

    # ------------------------------------------------------------------ A/B test
    def ab_counts(
        self,
        *,
        variant: str,
        flag: str | None = None,
        step: str | None = None,
        window: timedelta | None = None,
        by: str | None = None,
        revenue: bool = False,
        top: int = 8,
    ) -> Any:
        """:func:`kpi.abtest.ab_counts` of the view's users and events (the A/B test page's
        counts, the funnel being the data's steps), each user's progress read from the
        period's funnel progress (its sorted base shared with the Funnel page, no times) and
        the revenue per user from one pass over the period's events (both kept in the
        period cache): a user's progress and revenue depend on their own events only, so
        every segment filter of the period reads them."""
        from kpi import abtest

        ds = self.view
        # not kept on the View (the page keeps its counts): what costs is kept per period
        progress = rev = None
        covered = self.view_ds is None and self.loader is None and ds.events.height > 0
        if covered and step is not None and step in ds.steps:
            got = self._ab_progress(tuple(ds.steps), window)
            progress = None if got is None else got.per_user
        if covered and revenue and "revenue" in ds.events.columns:
            rev = self._revenue_per_user()
        return abtest.ab_counts(
            ds.users,
            ds.events,
            variant=variant,
            flag=flag,
            step=step,
            steps=ds.steps,
            window=window,
            by=by,
            top=top,
            revenue=revenue,
            progress=progress,
            revenue_per_user=rev,
        )

    def _ab_progress(self, steps: tuple[str, ...], window: timedelta | None) -> Any:
        """The period's progress through ``steps`` (sequential, ``window``, no times)."""
        make = getattr(funnel, "funnel_progress", None)
        if make is None:
            return None
        f = self.filters
        period = self.period_dataset(f)

        def build() -> Any:
            try:
                return make(
                    period.events,
                    list(steps),
                    window=window,
                    base=self.funnel_base(f, timed="ts" in period.events.columns),
                    with_times=False,
                )
            except ParcoursError:
                return None

        return self._shared(("ab_progress", f.start, f.end, steps, window), build)

    def _revenue_per_user(self) -> pl.DataFrame:
        """``user_id``, ``revenue_per_user``: Σ revenue of each user's events in the period
        (:func:`kpi.abtest.with_revenue`'s sums), grouped on the users' rows."""
        f = self.filters
        period = self.period_dataset(f)

        def build() -> pl.DataFrame:
            ev = period.events
            amount = pl.col("revenue").cast(pl.Float64).fill_null(0.0)
            rows = self.period_cache.user_rows(self.full, f)  # type: ignore[union-attr]
            if rows is None or rows.null_count() or rows.len() != ev.height:
                return ev.group_by("user_id").agg(amount.sum().alias("revenue_per_user"))
            sums = (
                ev.select(amount, _row=rows)
                .group_by("_row")
                .agg(pl.col("revenue").sum().alias("revenue_per_user"))
            )
            return sums.select(
                period.users.get_column("user_id").gather(sums.get_column("_row")),
                "revenue_per_user",
            )

        return self._shared(("revenue_per_user", f.start, f.end), build)

    def matches(self, filters: Filters, settings: FunnelSettings, cohort_grain: str) -> bool:
        """True when this view is the one of ``filters`` and ``settings`` (same data)."""
        return (
            self.filters.key() == filters.key()
            and self.settings == settings
            and self.cohort_grain == cohort_grain
        )


def _facts_in_groups(
    period: Dataset, first_seen: pl.DataFrame | None, rows: pl.Series, chunk_events: int
) -> PeriodFacts | None:
    """:meth:`PeriodFacts.build` of ``period`` computed for groups of users one after the
    other (each user's events in one group: the same per-user, per-session and per-purchase
    rows, in another order), then put together; None when a group is not covered."""
    import dataclasses

    parts = -(-period.events.height // chunk_events)
    group = (rows % parts).cast(pl.UInt32)
    pieces: list[PeriodFacts] = []
    for i in range(parts):
        mask = group == i
        sub = period.with_tables(events=period.events.filter(mask))
        if sub.events.height == 0:
            continue
        piece = PeriodFacts.build(sub, first_seen, rows.filter(mask))
        if piece is None:
            return None
        pieces.append(piece)
        del sub
    del group
    if not pieces:
        return None

    def joined(name: str) -> pl.DataFrame | None:
        frames = [getattr(p, name) for p in pieces]
        return None if frames[0] is None else pl.concat(frames, rechunk=False)

    return dataclasses.replace(
        pieces[0],
        period=period,
        users=joined("users"),
        sessions=joined("sessions"),
        purchases=joined("purchases"),
    )


def _dense_rows(ids: pl.Series, user_ids: pl.Series) -> pl.Series | None:
    """Each of ``ids``' row in ``user_ids`` (null when absent), as the left join on the ids
    gives it, through a lookup table when the ids are small non-negative integers (the
    streaming route's codes: 0..users-1): one gather instead of a join of every event (at 50M
    events the join's working memory is about 1 GB); None when they are not."""
    if not (ids.dtype.is_integer() and user_ids.dtype.is_integer()) or user_ids.len() == 0:
        return None
    lo = min(ids.min() or 0, user_ids.min())  # type: ignore[type-var]
    hi = max(ids.max() or 0, user_ids.max())  # type: ignore[type-var]
    if lo < 0 or hi >= 4 * user_ids.len() + 1024 or user_ids.null_count():  # type: ignore[operator]
        return None
    if user_ids.n_unique() != user_ids.len():
        return None
    lookup = pl.Series("_row", [None], dtype=pl.UInt32).extend_constant(None, int(hi))  # type: ignore[arg-type]
    lookup = lookup.scatter(user_ids, pl.int_range(user_ids.len(), dtype=pl.UInt32, eager=True))
    return lookup.gather(ids).alias("_row")
