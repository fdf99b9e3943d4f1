"""Building the rows of an :func:`~cchc_indicators.evaluation.evaluate` call.

For each target of a plan: the roll-ups it is judged on (cached per indicator,
scope and rule), the quantity judged (the value, a change from the baseline
in %, or a rank among peers), the status of every row at once (``achieved``,
``on_track``, ...), the projection to the deadline by the evaluation's
method, and finally one dict per row with the keys of
:data:`~cchc_indicators.evaluation.COLUMNS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._periods import (
    deadline_on_axis,
    decimal_year,
    granularity,
    period_end_key,
    period_sort_key,
    previous_period,
)
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.rules import REASONS, Condition, Rule, ShareMeeting, number_text
from cchc_indicators.core.scopes import Scope
from cchc_indicators.core.targets import Target
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine import Rollup, rollup
from cchc_indicators.progress import assess
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@attrs.frozen
class _Judge:
    """How one row's evaluated quantity is judged (a target, or a share_meeting condition)."""

    text: str
    threshold: float
    holds: Callable[[FloatArray], BoolArray]
    gap: Callable[[FloatArray], FloatArray]
    #: whether a larger quantity is closer to the target (None: no direction, as for ``==``)
    higher_is_better: bool | None = None
    #: the condition a unit of a tier is judged by (a ``share_meeting`` target's own rows)
    condition: Condition | None = None
    #: a rank target's k kept or scaled: (``same``/``scaled``, k set, peers then, peers now)
    rank_note: tuple[str, int, int, int] | None = None


@attrs.frozen
class RowTarget:
    """What one row of an evaluation was judged against, for its text in words.

    ``target`` is the target as applied (tier mapped, rank k scaled);
    ``condition`` is set on the rows of a tier's units judged by a
    ``share_meeting`` condition; ``rank_note`` says how a rank's k was kept or
    scaled (mode, k set, peers then, peers now).
    """

    target: Target
    condition: Condition | None = None
    rank_note: tuple[str, int, int, int] | None = None


def _judge_target(t: Target, unit_label: str) -> _Judge:
    bound = t.bound

    def holds(q: FloatArray) -> BoolArray:
        out: BoolArray = (q >= bound) if t.higher_is_better else (q <= bound)
        return out

    def gap(q: FloatArray) -> FloatArray:
        return (bound - q) if t.higher_is_better else (q - bound)

    # the row's scope already says which tier: the text need not repeat it
    text = t.describe(unit_label, with_tier=False, with_fields=False)
    return _Judge(text, bound, holds, gap, t.higher_is_better)


def _judge_condition(c: Condition, unit_label: str) -> _Judge:
    thr = c.threshold
    suffix = f" {unit_label}" if unit_label else ""

    def gap(q: FloatArray) -> FloatArray:
        if c.op in (">=", ">"):
            return thr - q
        if c.op in ("<=", "<"):
            return q - thr
        if c.op == "==":
            return np.abs(q - thr)  # 0 when met, the distance otherwise
        # "!=": beyond by the distance when met; when not met no distance says how far off
        return np.where(q != thr, -np.abs(q - thr), np.nan)

    direction = True if c.op in (">=", ">") else (False if c.op in ("<=", "<") else None)
    return _Judge(
        f"{c.op} {number_text(thr)}{suffix} (own)", thr, c.test, gap, direction, condition=c
    )


def _x(periods: Sequence[str]) -> FloatArray:
    """Periods as decimal years (2024-Q2 -> 2024.25), for the projection line."""
    return np.array([decimal_year(p) for p in periods])


def _project(q: FloatArray, x: FloatArray, x_end: float) -> tuple[FloatArray, FloatArray]:
    """Least-squares line per row of ``q`` (NaN = missing), evaluated at ``x_end``.

    Returns the projection (NaN with fewer than two points) and the point counts.
    """
    ok = ~np.isnan(q)
    n = ok.sum(axis=1).astype(np.float64)
    xs = np.where(ok, x[None, :], 0.0)
    qs = np.where(ok, q, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = xs.sum(axis=1) / n
        mq = qs.sum(axis=1) / n
        dx = np.where(ok, x[None, :] - mx[:, None], 0.0)
        slope = (dx * np.where(ok, q - mq[:, None], 0.0)).sum(axis=1) / (dx * dx).sum(axis=1)
        projected = mq + slope * (x_end - mx)
    projected = np.where(n >= 2, projected, np.nan)
    return projected, n


def _row_unit_label(t: Target, scope: Scope, ind: Indicator) -> str:
    """The unit of a row's value: a rank, a change in %, a share of units in %, or the indicator's."""
    if t.kind == "rank_at_most":
        return "rank"
    if t.kind == "no_worse_than_previous":
        return ind.unit  # the improvement on the period before, in the indicator's unit
    if t.relative or (isinstance(t.rule, ShareMeeting) and scope.kind != "own"):
        return "%"
    return ind.unit


def _assess(
    ctx: _Context,
    t: Target,
    judge: _Judge,
    q: FloatArray,
    v: FloatArray,
    baseline_value: FloatArray,
    window: BoolArray,
    deadline: str,
    percent: bool,
) -> tuple[FloatArray, FloatArray, NDArray[np.object_], NDArray[np.object_]]:
    """Project every row to the deadline with the evaluation's method, all rows at once.

    A relative target is assessed on the values themselves, against the value
    it asks for (the baseline x (1 - 10 %) for "10 % fewer"), since growth of a
    change that starts at 0 is undefined; its projection is then shown as a change.
    ``percent`` says whether the series assessed are percentages (``unsd``'s 1-point rule).
    """
    x_deadline = deadline_on_axis(deadline, ctx.period)[0]
    x_now = float(ctx.x[ctx.j])
    cols = np.flatnonzero(window)
    if t.relative:
        series = v[:, cols]
        target = baseline_value * (1.0 + judge.threshold / 100.0)
    else:
        series = q[:, cols]
        target = np.full(len(series), judge.threshold)
    assert judge.higher_is_better is not None
    a = assess(
        ctx.method,
        ctx.x[cols],
        series,
        x_now=x_now,
        x_deadline=x_deadline,
        target=target,
        higher_is_better=judge.higher_is_better,
        horizon=x_deadline + _HORIZON_YEARS,
        percent=percent,
    )
    projected = a.projected
    if t.relative:
        projected = _percent_change(projected, baseline_value)
        projected = np.where(np.isinf(projected), np.nan, projected)  # beyond the floats
    points = (~np.isnan(series)).sum(axis=1).astype(np.float64)
    kind = granularity(ctx.period)
    horizon_label = _label_at(x_deadline + _HORIZON_YEARS, kind)
    attained = np.array(
        [
            _label_at(x, kind) if not np.isnan(x) else (f"not before {horizon_label}" if c else "")
            for x, c in zip(a.attainment.tolist(), (~np.isnan(target)).tolist(), strict=True)
        ],
        dtype=object,
    )
    return projected, points, a.category.astype(object), attained


def _partial_baseline(
    ctx: _Context, ind: Indicator, t: Target, units: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Rows whose re-based baseline value rests on only some of the unit's predecessors."""
    out = np.zeros(len(units), dtype=bool)
    if ctx.rebased is None or t.baseline is None:
        return out
    try:
        cells = set(ctx.rebased.indicator(ind.code).partial)
    except KeyError:
        return out
    for i, u in enumerate(units.tolist()):
        out[i] = (ctx.h.codes[u], t.baseline) in cells
    return out


def _edition_note(ctx: _Context) -> str | None:
    """A warning when the plan's edition is not the units' and nothing says the data were re-based."""
    from cchc_indicators.units import editions as units

    plan_edition = units.resolve(ctx.plan.edition)
    here = units.resolve(ctx.h)
    if plan_edition is None or here is None or plan_edition.name == here.name:
        return None
    return (
        f"not re-based: the plan is on edition {plan_edition.name} and these units are "
        f"{here.name}; the baseline is the value reported on these units (a merged unit's "
        "baseline is then not its predecessors'; see rebase_panel)"
    )


def _rebase_text(ctx: _Context, ind: Indicator) -> str | None:
    """How the indicator's data (and so its baseline) were re-based, if they were."""
    if ctx.rebased is None:
        return _edition_note(ctx)
    try:
        provenance = ctx.rebased.indicator(ind.code)
    except KeyError:
        return None
    text: str = provenance.describe()
    return f"{ctx.rebased.old_edition} -> {ctx.rebased.new_edition}: {text}"


#: How far past the deadline a projection is followed to find the year of attainment.
_HORIZON_YEARS = 10.0


def _label_at(x: float, kind: str) -> str:
    """The first period of ``kind`` starting at or after decimal year ``x``."""
    steps = {"year": 1, "quarter": 4, "month": 12}[kind]
    k = math.ceil(round(x * steps, 9))
    year, sub = divmod(k, steps)
    if kind == "year":
        return str(year)
    if kind == "quarter":
        return f"{year}-Q{sub + 1}"
    return f"{year}-{sub + 1:02d}"


def _none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


class _Context:
    """What one evaluation needs: the panel, the period, cached roll-ups."""

    def __init__(
        self,
        plan: Plan,
        panel: Panel,
        period: str,
        min_coverage: float = 0.0,
        method: str = "linear",
    ) -> None:
        self.plan = plan
        self.method = method
        self.tier_map: dict[str, str] = {}
        self.rank_k: str | None = None
        self.rank_rounding = "nearest"
        self.rebased: Any = None
        self.min_coverage = min_coverage
        self.panel = panel
        self.h = panel.hierarchy
        self.period = period
        self.j = panel.periods.index(period)
        self.x = _x(panel.periods)
        self._cache: dict[tuple[str, str, str], Rollup | None] = {}
        #: what each row made so far was judged against, in the order of the rows
        self.row_targets: list[RowTarget] = []
        if plan.unit is not None:
            self.plan_units = np.array([self.h.position(plan.unit)])
        else:
            top = self.h.level_slice(0)
            self.plan_units = np.arange(top.start, top.stop)
        self.nan = np.full((len(self.h), len(panel.periods)), np.nan)

    def rollup(self, ind: Indicator, scope: Scope, rule: Rule | None) -> Rollup | None:
        key = (ind.code, str(scope), rule.to_spec() if rule else "")
        if key not in self._cache:
            if ind.code not in self.panel:
                self._cache[key] = None
            else:
                self._cache[key] = rollup(
                    self.panel,
                    ind,
                    scope=scope,
                    rule=rule,
                    # an own value covers its unit (coverage 0 or 1): the minimum never drops it
                    min_coverage=self.min_coverage,
                )
        return self._cache[key]

    def values(self, r: Rollup | None) -> tuple[FloatArray, FloatArray, NDArray[np.str_]]:
        """Values, coverage and the reason a value is missing (text), for every unit."""
        if r is None:
            return self.nan, self.nan, np.full(self.nan.shape, "no_data")
        return r.value, r.coverage, np.array(REASONS, dtype=str)[r.reason]

    def column_of(self, period: str | None) -> int | None:
        if period is None or period not in self.panel.periods:
            return None
        return self.panel.periods.index(period)


def _target_rows(
    ctx: _Context, ind: Indicator, t: Target, *, field_of: Indicator | None = None
) -> list[dict[str, Any]]:
    if t.fields and field_of is None:
        # the per-field reading: the same target judged on each field's own indicator
        out: list[dict[str, Any]] = []
        for code in t.fields:
            out.extend(_target_rows(ctx, ctx.plan.indicator(code), t, field_of=ind))
        return out
    h = ctx.h
    plan_level = int(h.level_of[ctx.plan_units[0]])
    if t.tier is not None and t.tier in ctx.tier_map:
        t = attrs.evolve(t, tier=ctx.tier_map[t.tier])
    if t.kind == "rank_at_most":
        return _rank_rows(ctx, ind, t)
    tier_level = None if t.tier is None else _level(h, t.tier, ind)
    judge = _judge_target(t, ind.unit)
    if tier_level is not None and tier_level < plan_level:
        msg = (
            f"indicator {ind.code!r}: a target for tier {t.tier!r} is above the plan's unit "
            f"{h.codes[int(ctx.plan_units[0])]!r} on level {h.levels[plan_level]!r}"
        )
        raise DefinitionError(msg, code=ind.code)
    if tier_level is None or tier_level <= plan_level:
        scope = t.scope or Scope("own")
        r = ctx.rollup(ind, scope, t.rule if scope.kind != "own" else None)
        return _rows(ctx, ind, t, judge, ctx.plan_units, scope, r)
    # a tier below the plan's unit: the pooled row, then each unit of the tier
    assert t.tier is not None
    pooled_scope = Scope("tier", t.tier)
    pooled = ctx.rollup(ind, pooled_scope, t.rule)
    out = _rows(ctx, ind, t, judge, ctx.plan_units, pooled_scope, pooled)
    members = np.concatenate(
        [h.descendant_positions(h.codes[int(u)], t.tier) for u in ctx.plan_units]
    )
    own_judge = (
        _judge_condition(t.rule.condition, ind.unit) if isinstance(t.rule, ShareMeeting) else judge
    )
    own = ctx.rollup(ind, Scope("own"), None)
    out.extend(_rows(ctx, ind, t, own_judge, members, Scope("own"), own))
    return out


def _level(h: Hierarchy, level: str, ind: Indicator) -> int:
    if level not in h.levels:
        msg = (
            f"indicator {ind.code!r}: a target names level {level!r}, but the hierarchy's "
            f"levels are {', '.join(h.levels)}"
        )
        if level == "district" and "commune" in h.levels:
            msg += (
                " (the district tier no longer exists since 1 July 2025); evaluate it on "
                "another tier with evaluate(..., tier_map={'district': 'commune'})"
            )
        else:
            msg += f"; evaluate it on another tier with evaluate(..., tier_map={{{level!r}: ...}})"
        raise DefinitionError(msg, code=ind.code, parameter="tier_map")
    return h.levels.index(level)


#: How a scaled rank threshold is rounded.
_ROUNDING: dict[str, Callable[[float], int]] = {
    "nearest": lambda x: math.floor(x + 0.5),
    "down": math.floor,
    "up": math.ceil,
}


def _declared_peers(plan: Plan, among: str) -> int | None:
    """How many units of ``among`` the plan's edition has (None when unknown)."""
    if plan.edition is None:
        return None
    from cchc_indicators.units import editions as units

    try:
        edition = units.resolve(plan.edition)
    except (KeyError, ValueError, DefinitionError):
        return None
    if edition is None or among not in edition.levels:
        return None
    return int(edition.counts[edition.levels.index(among)])


def _rank_target(
    ctx: _Context, ind: Indicator, t: Target, among: int
) -> tuple[Target, str, tuple[str, int, int, int] | None]:
    """The rank target to apply here, its text, and how k was kept or scaled (if it was)."""
    assert t.among is not None
    judge_text = _judge_target(t, ind.unit).text
    then = _declared_peers(ctx.plan, t.among)
    now = ctx.h.level_size(among)
    if then is None or then == now:
        return t, judge_text, None
    k = int(t.threshold)
    if ctx.rank_k is None:
        scaled = k * now / then
        msg = (
            f"indicator {ind.code!r}: the target {judge_text} was set among {then} {t.among}s "
            f"(edition {ctx.plan.edition}) and these units have {now}: choose rank_k='same' "
            f"(k = {k}) or rank_k='scaled' (k = {k} x {now}/{then} = {scaled:.1f}, rounded "
            "by rank_rounding)"
        )
        raise DefinitionError(msg, code=ind.code, parameter="rank_k")
    if ctx.rank_k == "same":
        return (
            t,
            f"{judge_text} (k kept: {then} {t.among}s then, {now} now)",
            ("same", k, then, now),
        )
    new_k = max(1, _ROUNDING[ctx.rank_rounding](k * now / then))
    text = (
        f"rank <= {new_k} among {t.among}s ({k} of {then} scaled to {now}, "
        f"rounded {ctx.rank_rounding})"
    )
    return attrs.evolve(t, threshold=float(new_k)), text, ("scaled", k, then, now)


def _percent_change(v: FloatArray, base: FloatArray) -> FloatArray:
    """``(v - base) / |base| x 100``: NaN where ``base`` is 0 or a value is missing.

    A difference beyond the floats (``1e308 - -1e308``) is taken from halves,
    which is exact for such numbers, so the change (200 %) is still found; a
    change that itself lies beyond the floats is ``±inf``, for the caller to
    report as ``overflow``. No numpy warning escapes.

    Examples
    --------
    >>> _percent_change(np.array([560.0, 1e308, 5.0]), np.array([640.0, -1e308, 0.0])).tolist()
    [-12.5, 200.0, nan]
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        size = np.abs(base)
        change = (v - base) / size
        redo = np.isinf(change) & np.isfinite(v) & np.isfinite(base)  # base 0: NaN below
        if redo.any():
            change = np.where(redo, (v * 0.5 - base * 0.5) / size * 2.0, change)
        out: FloatArray = np.where(base != 0, change * 100.0, np.nan)
    return out


def _rows(
    ctx: _Context,
    ind: Indicator,
    t: Target,
    judge: _Judge,
    units: NDArray[np.int64],
    scope: Scope,
    r: Rollup | None,
) -> list[dict[str, Any]]:
    values, coverage, reasons = ctx.values(r)
    v = values[units]
    reason = reasons[units, ctx.j]
    baseline_value = np.full(len(units), np.nan)
    if t.relative:
        b = ctx.column_of(t.baseline)
        if b is not None:
            baseline_value = v[:, b]
        q = _percent_change(v, baseline_value[:, None])
        beyond = np.isinf(q)
        q = np.where(beyond, np.nan, q)
        has_now = ~np.isnan(v[:, ctx.j])
        reason = np.where(has_now & beyond[:, ctx.j], "overflow", reason)
        reason = np.where(has_now & np.isnan(baseline_value), "no_baseline_value", reason)
        reason = np.where(has_now & (baseline_value == 0), "zero_baseline_value", reason)
        partial = _partial_baseline(ctx, ind, t, units)
        if partial.any():
            # a re-based baseline made from only some predecessors would flatter a reduction
            q = np.where(partial[:, None], np.nan, q)
            reason = np.where(has_now & partial, "partial_rebased_baseline", reason)
    elif t.kind == "no_worse_than_previous":
        q, reason = _improvement(ctx, ind, v, reason)
    else:
        q = v
    rule_text = r.rule.to_spec() if r is not None and r.rule is not None else None
    if r is None and scope.kind != "own":
        rule_text = (t.rule or ind.rule).to_spec()
    return _finish(
        ctx, ind, t, judge, units, scope, rule_text, q, v, coverage[units], baseline_value, reason
    )


def _improvement(
    ctx: _Context, ind: Indicator, v: FloatArray, reason: NDArray[np.str_]
) -> tuple[FloatArray, NDArray[np.str_]]:
    """Each period's improvement on the period just before it, for every row at once.

    The change ``v[t] - v[t-1]``, its sign turned where lower is better; NaN
    where either value is missing or the period before is not in the panel
    (reason ``no_previous_value`` for the period evaluated), and where the
    change lies beyond the floats (reason ``overflow``).
    """
    periods = ctx.panel.periods
    index = {p: k for k, p in enumerate(periods)}
    before = np.array([index.get(previous_period(p), -1) for p in periods], dtype=np.int64)
    has_before = before >= 0
    earlier = np.where(has_before[None, :], v[:, np.where(has_before, before, 0)], np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        q = (v - earlier) * float(ind.direction.sign)
    beyond = np.isinf(q)
    q = np.where(beyond, np.nan, q)
    j = ctx.j
    has_now = ~np.isnan(v[:, j])
    reason = np.where(has_now & np.isnan(earlier[:, j]), "no_previous_value", reason)
    reason = np.where(has_now & beyond[:, j], "overflow", reason)
    return q, reason


def _each_period_window(ctx: _Context, t: Target, deadline: str | None) -> list[str]:
    """The periods an ``each_period`` target is judged in, up to the one evaluated.

    Periods of the evaluated period's granularity from the plan's baseline (for
    a change from the period before: from the first period after the baseline)
    to the deadline, whether or not the panel holds them.
    """
    start = ctx.plan.baseline or ctx.panel.periods[0]
    out: list[str] = []
    p = ctx.period
    while True:
        if t.kind == "no_worse_than_previous":
            inside = period_sort_key(p) > period_end_key(start)
        else:
            inside = period_sort_key(p) >= period_sort_key(start)
        if not inside:
            break
        if deadline is None or period_end_key(p) <= period_end_key(deadline):
            out.append(p)
        p = previous_period(p)
    return out[::-1]


def _each_period_status(
    ctx: _Context, t: Target, judge: _Judge, q: FloatArray, due: bool, deadline: str | None
) -> tuple[NDArray[np.str_], list[str | None], list[str | None], NDArray[np.str_]]:
    """Statuses of an ``each_period`` target, the periods not met and without data, and why.

    A period in which the target did not hold is not made good later
    (``not_achieved``); a period without data leaves it open
    (``insufficient_data``); held in every period: ``achieved`` once due,
    ``on_track`` before. Evaluated before the first period it applies to (the
    baseline; for a change, the period after it), nothing is judged yet:
    ``insufficient_data`` (``no_data`` without a value).

    The last array is the reason of a status without a verdict, for rows whose
    value gives none: ``not_started`` before the first period,
    ``periods_without_data`` when some periods lack a value,
    ``no_data_in_periods`` when all do (empty otherwise).
    """
    window = _each_period_window(ctx, t, deadline)
    if not window:
        # evaluated before the first period the target applies to: nothing to judge yet
        now = q[:, ctx.j]
        early = np.where(np.isnan(now), "no_data", "insufficient_data")
        why = np.full(len(now), "not_started")
        return early, [None] * len(now), [None] * len(now), why
    cols = np.array([ctx.column_of(p) if ctx.column_of(p) is not None else -1 for p in window])
    present = cols >= 0
    qw = np.where(present[None, :], q[:, np.where(present, cols, 0)], np.nan)
    known = ~np.isnan(qw)
    failed = known & ~judge.holds(np.where(known, qw, 0.0))
    missing = ~known
    status = np.where(
        failed.any(axis=1),
        "not_achieved",
        np.where(
            missing.all(axis=1),
            "no_data",
            np.where(missing.any(axis=1), "insufficient_data", "achieved" if due else "on_track"),
        ),
    )
    labels = np.array(window, dtype=object)
    not_met = [", ".join(labels[row].tolist()) or None for row in failed]
    without = [", ".join(labels[row].tolist()) or None for row in missing]
    why = np.where(
        status == "insufficient_data",
        "periods_without_data",
        np.where(status == "no_data", "no_data_in_periods", ""),
    )
    return status, not_met, without, why


def _rank_rows(ctx: _Context, ind: Indicator, t: Target) -> list[dict[str, Any]]:
    h = ctx.h
    assert t.among is not None
    among = _level(h, t.among, ind)
    plan_level = int(h.level_of[ctx.plan_units[0]])
    if among != plan_level:
        msg = (
            f"indicator {ind.code!r}: a rank among {t.among}s cannot rank the plan's unit "
            f"{h.codes[int(ctx.plan_units[0])]!r}, which is a {h.levels[plan_level]}"
        )
        raise DefinitionError(msg, code=ind.code)
    t, rank_text, rank_note = _rank_target(ctx, ind, t, among)
    scope = t.scope or Scope("own")
    r = ctx.rollup(ind, scope, t.rule if scope.kind != "own" else None)
    values, _coverage, reasons = ctx.values(r)
    peers = values[h.level_slice(among)]  # peers x periods
    mine = values[ctx.plan_units]  # units x periods
    if ind.measure.kind == "rank":
        rank = mine  # the value already is the rank: ranking ranks would be wrong
    else:
        if ind.direction.sign > 0:
            better = peers[None, :, :] > mine[:, None, :]
        else:
            better = peers[None, :, :] < mine[:, None, :]
        rank = np.where(np.isnan(mine), np.nan, 1.0 + better.sum(axis=1))
    # coverage of a rank: the share of peers with a value, the same for every unit ranked
    peer_coverage = (~np.isnan(peers)).sum(axis=0) / max(peers.shape[0], 1)
    coverage = np.broadcast_to(peer_coverage, mine.shape)
    reason = reasons[ctx.plan_units, ctx.j]
    if ctx.min_coverage > 0 and peer_coverage[ctx.j] < ctx.min_coverage:
        rank = rank.copy()
        rank[:, ctx.j] = np.nan
        reason = np.full(len(ctx.plan_units), "below_min_coverage")
    judge = attrs.evolve(_judge_target(t, ind.unit), text=rank_text, rank_note=rank_note)
    rule_text = r.rule.to_spec() if r is not None and r.rule is not None else None
    return _finish(
        ctx,
        ind,
        t,
        judge,
        ctx.plan_units,
        scope,
        rule_text,
        rank,
        mine,
        coverage,
        np.full(len(ctx.plan_units), np.nan),
        reason,
    )


def _finish(
    ctx: _Context,
    ind: Indicator,
    t: Target,
    judge: _Judge,
    units: NDArray[np.int64],
    scope: Scope,
    rule_text: str | None,
    q: FloatArray,
    v: FloatArray,
    coverage: FloatArray,
    baseline_value: FloatArray,
    reason: NDArray[np.str_],
) -> list[dict[str, Any]]:
    """Statuses for all rows at once, then one dict per row."""
    j = ctx.j
    now = q[:, j]
    holds = judge.holds(now) & ~np.isnan(now)
    deadline = t.deadline or ctx.plan.deadline
    start = t.baseline or ctx.plan.baseline
    # "by the deadline" means by the end of the deadline period: 2025-Q1 is before "2025"
    due = deadline is None or period_end_key(ctx.period) >= period_end_key(deadline)
    window = np.array(
        [
            (start is None or period_sort_key(p) >= period_sort_key(start))
            and period_sort_key(p) <= period_sort_key(ctx.period)
            for p in ctx.panel.periods
        ]
    )
    n_rows = len(units)
    projected = np.full(n_rows, np.nan)
    points = np.zeros(n_rows)
    category = np.full(n_rows, "", dtype=object)
    attained = np.full(n_rows, "", dtype=object)
    method = ctx.method
    if deadline is not None and not due and not t.each_period:
        if judge.higher_is_better is None:
            # a condition with no direction (== 1): only a straight line can be drawn
            method = "linear"
            series = np.where(window[None, :], q, np.nan)
            projected, points = _project(series, ctx.x, deadline_on_axis(deadline, ctx.period)[0])
        else:
            # the series assessed are percentages: a percent indicator's values, or a share of units
            share = isinstance(t.rule, ShareMeeting) and scope.kind != "own" and not t.relative
            percent = t.kind != "rank_at_most" and (ind.measure.is_percent or share)
            projected, points, category, attained = _assess(
                ctx, t, judge, q, v, baseline_value, window, deadline, percent
            )
    not_met: list[str | None] = [None] * n_rows
    without: list[str | None] = [None] * n_rows
    if t.each_period:
        # judged in every period so far: no projection, a missed period is final
        status, not_met, without, why = _each_period_status(ctx, t, judge, q, due, deadline)
    else:
        on_track = judge.holds(projected) & ~np.isnan(projected)
        status = np.where(
            np.isnan(now),
            "no_data",
            np.where(
                holds,
                "achieved",
                np.where(
                    due,
                    "not_achieved",
                    np.where(
                        points < 2,
                        "insufficient_data",
                        np.where(on_track, "on_track", "off_track"),
                    ),
                ),
            ),
        )
        # before the deadline with one value (or none in the window): no line to project
        why = np.where(status == "insufficient_data", "one_value", "")
    # why a row has no value (the roll-up's reason) or, with a value, no verdict
    row_reason = np.where(np.isnan(now), reason, "")
    unjudged = (status == "no_data") | (status == "insufficient_data")
    row_reason = np.where(unjudged & (row_reason == ""), why, row_reason)
    row_reason = np.where((status == "no_data") & (row_reason == ""), "no_data", row_reason)
    ctx.row_targets.extend([RowTarget(t, judge.condition, judge.rank_note)] * n_rows)
    gap = judge.gap(now)
    h = ctx.h
    rebase_text = _rebase_text(ctx, ind) if t.relative else None
    out = []
    for i, u in enumerate(units.tolist()):
        out.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "area": ind.area.value,
                "unit": h.codes[u],
                "unit_name": h.names[u],
                "level": h.levels[int(h.level_of[u])],
                "period": ctx.period,
                "scope": str(scope),
                "rule": rule_text,
                "tier": t.tier,
                "value": _none(float(now[i])),
                "indicator_value": _none(float(v[i, j])),
                "unit_label": _row_unit_label(t, scope, ind),
                "threshold": judge.threshold,
                "target": judge.text,
                "status": str(status[i]),
                "gap": _none(float(gap[i])),
                "coverage": _none(float(coverage[i, j])),
                "baseline_period": t.baseline,
                "baseline_value": _none(float(baseline_value[i])),
                "baseline_rebase": rebase_text,
                "deadline": deadline,
                "projected": _none(float(projected[i])),
                "method": method if not np.isnan(projected[i]) else None,
                "category": category[i] or None,
                "attainment_period": attained[i] or None,
                "reason": str(row_reason[i]) or None,
                "source": t.source or ind.source,
                "note": ctx.panel.note or None,
                "periods_not_met": not_met[i],
                "periods_without_data": without[i],
            }
        )
    return out
