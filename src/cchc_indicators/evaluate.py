"""Evaluating a plan: status, gap and projection for every target, unit and scope.

:func:`evaluate` turns a :class:`~cchc_indicators.plan.Plan` and a
:class:`~cchc_indicators.panel.Panel` into an :class:`Evaluation`: one row per
(indicator, target, unit, period, scope).

Status, in order of precedence:

``no_data``
    The unit has no value in the period (or, for a relative target, no value
    in the baseline period to compare with).
``achieved``
    The target holds in the period.
``not_achieved``
    It does not hold, and the period is at or after the deadline.
``on_track`` / ``off_track``
    Before the deadline: a least-squares line through the unit's values from
    the baseline period to the evaluated period, extended to the deadline,
    meets / does not meet the target (method ``linear``).
``insufficient_data``
    Before the deadline, with fewer than two values to draw the line.

A per-tier target (``tier="district"``) is evaluated pooled on the plan unit's
row (scope ``tier:district``) and for each unit of the tier on its own row
(scope ``own``). With a ``share_meeting(<condition>)`` rule, each unit of the
tier is judged by the condition.

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel
>>> from cchc_indicators.plan import Plan
>>> from cchc_indicators.targets import at_least
>>> h = Hierarchy.from_records(
...     [{"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...      {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"}],
...     levels=("province", "district"),
... )
>>> files = Indicator("files", "Hồ sơ", targets=[at_least(80, tier="district")])
>>> plan = Plan("p", unit="26", indicators=[files], baseline="2021", deadline="2025")
>>> rec = [{"indicator": "files", "unit": "243", "period": y, "numerator": n, "denominator": 100}
...        for y, n in [(2021, 50), (2022, 60), (2023, 70)]]
>>> ev = evaluate(plan, Panel.from_records(rec, h, indicators=[files]))
>>> [(r["unit"], r["scope"], r["value"], r["status"]) for r in ev.rows]
[('26', 'tier:district', 70.0, 'on_track'), ('243', 'own', 70.0, 'on_track')]
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ._periods import (
    deadline_on_axis,
    decimal_year,
    granularity,
    normalise_period,
    period_end_key,
    period_sort_key,
)
from .errors import DefinitionError, UnknownPeriodError
from .hierarchy import Hierarchy
from .indicators import Area, Indicator
from .panel import Panel, _pandas
from .plan import Plan
from .progress import METHODS, assess
from .rollup import Rollup, rollup
from .rules import REASONS, Condition, Rule, ShareMeeting, number_text
from .scopes import Scope
from .targets import Target

__all__ = ["COLUMNS", "STATUSES", "Evaluation", "evaluate"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Every status, from best to worst news.
STATUSES = ("achieved", "on_track", "off_track", "not_achieved", "insufficient_data", "no_data")
#: The keys of each row, in order.
COLUMNS = (
    "indicator",
    "name",
    "area",
    "unit",
    "unit_name",
    "level",
    "period",
    "scope",
    "rule",
    "tier",
    "value",
    "indicator_value",
    "unit_label",
    "threshold",
    "target",
    "status",
    "gap",
    "coverage",
    "baseline_period",
    "baseline_value",
    "baseline_rebase",
    "deadline",
    "projected",
    "method",
    "category",
    "attainment_period",
    "reason",
    "source",
    "note",
)


@attrs.frozen
class _Judge:
    """How one row's evaluated quantity is judged (a target, or a share_meeting condition)."""

    text: str
    threshold: float
    holds: Callable[[FloatArray], BoolArray]
    gap: Callable[[FloatArray], FloatArray]
    #: whether a larger quantity is closer to the target (None: no direction, as for ``==``)
    higher_is_better: bool | None = None


def _judge_target(t: Target, unit_label: str) -> _Judge:
    bound = t.bound

    def holds(q: FloatArray) -> BoolArray:
        out: BoolArray = (q >= bound) if t.higher_is_better else (q <= bound)
        return out

    def gap(q: FloatArray) -> FloatArray:
        return (bound - q) if t.higher_is_better else (q - bound)

    # the row's scope already says which tier: the text need not repeat it
    return _Judge(t.describe(unit_label, with_tier=False), bound, holds, gap, t.higher_is_better)


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
    return _Judge(f"{c.op} {number_text(thr)}{suffix} (own)", thr, c.test, gap, direction)


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
) -> tuple[FloatArray, FloatArray, NDArray[np.object_], NDArray[np.object_]]:
    """Project every row to the deadline with the evaluation's method, all rows at once.

    A relative target is assessed on the values themselves, against the value
    it asks for (the baseline x (1 - 10 %) for "10 % fewer"), since growth of a
    change that starts at 0 is undefined; its projection is then shown as a change.
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
    )
    projected = a.projected
    if t.relative:
        with np.errstate(invalid="ignore", divide="ignore"):
            projected = np.where(
                baseline_value != 0,
                (projected - baseline_value) / np.abs(baseline_value) * 100.0,
                np.nan,
            )
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


def _rebase_text(ctx: _Context, ind: Indicator) -> str | None:
    """How the indicator's data (and so its baseline) were re-based, if they were."""
    if ctx.rebased is None:
        return None
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
                    min_coverage=self.min_coverage if scope.kind != "own" else 0.0,
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


def evaluate(
    plan: Plan,
    panel: Panel,
    hierarchy: Hierarchy | None = None,
    period: object = None,
    *,
    min_coverage: float = 0.0,
    method: str = "linear",
    survey: Any = None,
    confidence: float = 0.95,
    survey_codes: Mapping[str, str] | None = None,
    tier_map: Mapping[str, str] | None = None,
    rank_k: str | None = None,
    rank_rounding: str = "nearest",
    rebased: Any = None,
) -> Evaluation:
    """Evaluate every target of ``plan`` on ``panel`` in one period.

    Parameters
    ----------
    plan
        The plan; its ``unit`` is the unit evaluated (every top-level unit
        when ``None``); other units of the hierarchy are peers for ranks.
    panel
        The observations.
    hierarchy
        The units; it must be the panel's (default).
    period
        The period evaluated; ``None`` means the latest period in the panel.
    min_coverage
        The smallest share (0 to 1) of the units in a pooled scope (or of the
        peers of a rank) that must have data; below it the row has no value
        (status ``no_data``, reason ``below_min_coverage``) rather than a
        value resting on a few reporting units.
    method
        How interim values are projected to the deadline and judged: ``linear``
        (least squares, the default), ``open-sdg`` (Statistics Canada's ratio of
        observed to required growth), ``unsd`` (the UN Progress Chart) or
        ``escap`` (ESCAP's time-weighted projection); see
        :func:`cchc_indicators.progress.assess`. The status is ``on_track`` when
        the method's projection meets the target; each row also carries the
        method's own ``category`` and the ``attainment_period``.
    survey, confidence, survey_codes
        A :class:`~cchc_indicators.survey.SurveyResult` (or several) behind
        some indicators (an indicator whose code is a survey question or
        element, or as mapped by ``survey_codes``): their rows then also get
        the interval at ``confidence`` (``lower``, ``upper``,
        ``interval_method``) and a ``confidence_status`` beside the point
        status — ``achieved`` only when the lower bound meets the threshold,
        ``not_achieved`` only when the upper bound misses it, otherwise
        ``inconclusive`` (see :func:`cchc_indicators.survey.with_confidence`).
    tier_map
        Targets of a tier the units no longer have, evaluated on another tier
        instead, such as ``{"district": "commune"}`` after the district tier
        was abolished on 1 July 2025; added to (and overriding) the plan's own
        ``tier_map``. Without a mapping such a target is an error that says so.
    rank_k, rank_rounding
        For a rank target set among a number of peers (63 provinces in the
        plan's edition) evaluated among a different number (34 provinces since
        1 July 2025), the choice must be explicit: ``"same"`` keeps ``k``,
        ``"scaled"`` uses ``k x now / then`` rounded ``"nearest"``, ``"down"``
        or ``"up"`` (at least 1); the row's target text says which.
    rebased
        The :class:`~cchc_indicators.rebase.RebaseReport` of data re-based
        onto these units (see :func:`cchc_indicators.rebase.rebase_panel`):
        rows of relative targets then say, in ``baseline_rebase``, how the
        baseline value was re-based.

    Returns
    -------
    Evaluation
        One row per (indicator, target, unit, period, scope).

    Raises
    ------
    UnknownPeriodError
        If ``period`` is not in the panel.
    DefinitionError
        If ``hierarchy`` is not the panel's, the plan's unit is not in it, a
        target's tier is not a level at or below the plan's unit, or a rank
        target's peers are not on the plan unit's level.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets
    >>> plan = catalog.load("vinh-phuc-2021-2025")
    >>> ev = evaluate(plan, datasets.demo_panel(), period=2023, method="open-sdg")
    >>> r = ev.rows[1]
    >>> r["indicator"], r["value"], r["status"], r["category"], r["attainment_period"]
    ('sipas', 21.0, 'off_track', 'moderate_progress', '2027')
    """
    if hierarchy is not None and hierarchy is not panel.hierarchy and hierarchy != panel.hierarchy:
        msg = "the panel was built on a different hierarchy than the one given"
        raise DefinitionError(msg)
    if not panel.periods:
        msg = f"{panel.source}: the panel holds no observation to evaluate"
        raise DefinitionError(msg)
    if period is None:
        label = panel.periods[-1]
    else:
        label = normalise_period(period)
        if label not in panel.periods:
            msg = f"period {label!r} is not in the panel; it holds {', '.join(panel.periods)}"
            raise UnknownPeriodError(msg, key=label)
    if isinstance(min_coverage, bool) or not (
        isinstance(min_coverage, (int, float)) and 0.0 <= min_coverage <= 1.0
    ):
        msg = f"min_coverage is a share between 0 and 1, got {min_coverage!r}"
        raise DefinitionError(msg)
    if plan.unit is not None and plan.unit not in panel.hierarchy:
        h = panel.hierarchy
        msg = (
            f"plan {plan.code!r} is about unit {plan.unit!r}, which is not in the units "
            f"(edition {h.edition}, {len(h)} units); evaluate it on a unit list that holds it"
        )
        raise DefinitionError(msg)
    if method not in METHODS:
        msg = f"unknown method {method!r}; the methods are {', '.join(METHODS)}"
        raise DefinitionError(msg)
    if rank_k not in (None, "same", "scaled"):
        msg = f"rank_k is 'same' or 'scaled', got {rank_k!r}"
        raise DefinitionError(msg)
    if rank_rounding not in _ROUNDING:
        msg = f"rank_rounding is one of {', '.join(_ROUNDING)}, got {rank_rounding!r}"
        raise DefinitionError(msg)
    ctx = _Context(plan, panel, label, float(min_coverage), method)
    ctx.tier_map = {**dict(plan.tier_map), **dict(tier_map or {})}
    ctx.rank_k = rank_k
    ctx.rank_rounding = rank_rounding
    ctx.rebased = rebased
    try:
        rows = [
            row for ind in plan.indicators for t in ind.targets for row in _target_rows(ctx, ind, t)
        ]
    except DefinitionError as exc:
        where = f"plan {plan.code!r}"
        raise exc.in_context(where) from None
    result = Evaluation(plan=plan, period=label, rows=tuple(rows), note=panel.note)
    if survey is not None:
        from .survey import with_confidence

        rows = with_confidence(result, survey, confidence=confidence, codes=survey_codes)
        result = attrs.evolve(result, rows=tuple(rows))
    return result


def _target_rows(ctx: _Context, ind: Indicator, t: Target) -> list[dict[str, Any]]:
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
        raise DefinitionError(msg, code=ind.code)
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
    from . import units

    try:
        edition = units.resolve(plan.edition)
    except (KeyError, ValueError, DefinitionError):
        return None
    if edition is None or among not in edition.levels:
        return None
    return int(edition.counts[edition.levels.index(among)])


def _rank_target(ctx: _Context, ind: Indicator, t: Target, among: int) -> tuple[Target, str]:
    """The rank target to apply here, and its text (k scaled when the peers changed, if asked)."""
    assert t.among is not None
    judge_text = _judge_target(t, ind.unit).text
    then = _declared_peers(ctx.plan, t.among)
    now = ctx.h.level_size(among)
    if then is None or then == now:
        return t, judge_text
    k = int(t.threshold)
    if ctx.rank_k is None:
        scaled = k * now / then
        msg = (
            f"indicator {ind.code!r}: the target {judge_text} was set among {then} {t.among}s "
            f"(edition {ctx.plan.edition}) and these units have {now}: choose rank_k='same' "
            f"(k = {k}) or rank_k='scaled' (k = {k} x {now}/{then} = {scaled:.1f}, rounded "
            "by rank_rounding)"
        )
        raise DefinitionError(msg, code=ind.code)
    if ctx.rank_k == "same":
        return t, f"{judge_text} (k kept: {then} {t.among}s then, {now} now)"
    new_k = max(1, _ROUNDING[ctx.rank_rounding](k * now / then))
    text = (
        f"rank <= {new_k} among {t.among}s ({k} of {then} scaled to {now}, "
        f"rounded {ctx.rank_rounding})"
    )
    return attrs.evolve(t, threshold=float(new_k)), text


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
        with np.errstate(invalid="ignore", divide="ignore"):
            base = baseline_value[:, None]
            q = np.where(base != 0, (v - base) / np.abs(base) * 100.0, np.nan)
        has_now = ~np.isnan(v[:, ctx.j])
        reason = np.where(has_now & np.isnan(baseline_value), "no_baseline_value", reason)
        reason = np.where(has_now & (baseline_value == 0), "zero_baseline_value", reason)
        partial = _partial_baseline(ctx, ind, t, units)
        if partial.any():
            # a re-based baseline made from only some predecessors would flatter a reduction
            q = np.where(partial[:, None], np.nan, q)
            reason = np.where(has_now & partial, "partial_rebased_baseline", reason)
    else:
        q = v
    rule_text = r.rule.to_spec() if r is not None and r.rule is not None else None
    if r is None and scope.kind != "own":
        rule_text = (t.rule or ind.rule).to_spec()
    return _finish(
        ctx, ind, t, judge, units, scope, rule_text, q, v, coverage[units], baseline_value, reason
    )


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
    t, rank_text = _rank_target(ctx, ind, t, among)
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
    judge = attrs.evolve(_judge_target(t, ind.unit), text=rank_text)
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
    if deadline is not None and not due:
        if judge.higher_is_better is None:
            # a condition with no direction (== 1): only a straight line can be drawn
            method = "linear"
            series = np.where(window[None, :], q, np.nan)
            projected, points = _project(series, ctx.x, deadline_on_axis(deadline, ctx.period)[0])
        else:
            projected, points, category, attained = _assess(
                ctx, t, judge, q, v, baseline_value, window, deadline
            )
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
                    points < 2, "insufficient_data", np.where(on_track, "on_track", "off_track")
                ),
            ),
        ),
    )
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
                "reason": (str(reason[i]) or None) if np.isnan(now[i]) else None,
                "source": t.source or ind.source,
                "note": ctx.panel.note or None,
            }
        )
    return out


@attrs.frozen(eq=False)
class Evaluation:
    """The result of :func:`evaluate`: one row per (indicator, target, unit, period, scope).

    Attributes
    ----------
    plan : Plan
        The plan evaluated.
    period : str
        The period evaluated.
    rows : tuple of dict
        The rows; keys are :data:`COLUMNS`.
    note : str
        A note carried from the data into every output (such as a
        synthetic-data warning); empty when there is none.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
    >>> ev.period, len(ev), ev.note == datasets.SYNTHETIC_NOTE
    ('2023', 162, True)
    """

    plan: Plan
    period: str
    rows: tuple[Mapping[str, Any], ...]
    note: str = ""

    def __repr__(self) -> str:
        counts = self.counts()
        shown = "".join(f", {k}={v}" for k, v in counts.items() if v)
        return f"Evaluation(plan={self.plan.code!r}, period={self.period!r}, rows={len(self.rows)}{shown})"

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys of the rows, :data:`COLUMNS` and then any added (such as survey intervals).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.columns[:4]
        ('indicator', 'name', 'area', 'unit')
        """
        extra: dict[str, None] = {}
        for r in self.rows[:1]:
            extra.update((k, None) for k in r if k not in COLUMNS)
        if not extra:
            return COLUMNS
        first = self.rows[0]
        return tuple(k for k in first if k in COLUMNS or k in extra)

    def counts(self, rows: Sequence[Mapping[str, Any]] | None = None) -> dict[str, int]:
        """Count rows by status (all statuses, in :data:`STATUSES` order).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.counts()["achieved"] > 0
        True
        """
        out = dict.fromkeys(STATUSES, 0)
        for row in self.rows if rows is None else rows:
            out[row["status"]] += 1
        return out

    def plan_rows(self) -> list[Mapping[str, Any]]:
        """The rows of the plan's own unit(s) (not the per-unit rows of a tier).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> {r["unit"] for r in ev.plan_rows()}
        {'26'}
        """
        if self.plan.unit is not None:
            return [r for r in self.rows if r["unit"] == self.plan.unit]
        top = {r["level"] for r in self.rows}
        levels = [r["level"] for r in self.rows]
        first = levels[0] if levels else None
        return [r for r in self.rows if r["level"] == first] if top else []

    def summary(self) -> list[dict[str, Any]]:
        """Per area and overall, on the plan unit's rows: achieved / evaluated / no data.

        ``evaluated`` counts rows with data; each entry also counts every status.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> overall = ev.summary()[-1]
        >>> overall["area"], overall["achieved"], overall["evaluated"], overall["no_data"]
        ('all', 14, 22, 1)
        """
        rows = self.plan_rows()
        out = []
        for area in [a.value for a in Area] + ["all"]:
            chosen = [r for r in rows if area in ("all", r["area"])]
            if not chosen:
                continue
            counts = self.counts(chosen)
            out.append(
                {
                    "area": area,
                    "achieved": counts["achieved"],
                    "evaluated": len(chosen) - counts["no_data"],
                    "no_data": counts["no_data"],
                    **{k: v for k, v in counts.items() if k not in ("achieved", "no_data")},
                }
            )
        return out

    # ------------------------------------------------------------------ outputs

    def to_records(self) -> list[dict[str, Any]]:
        """Return the rows as a list of dicts (keys :data:`COLUMNS`).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_records()[0]["indicator"], ev.to_records()[0]["status"]
        ('par_index', 'achieved')
        """
        return [dict(r) for r in self.rows]

    def to_json(self) -> str:
        """Return the rows as one JSON array of objects.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> import json
        >>> json.loads(ev.to_json())[0]["target"]
        'rank <= 15 among provinces'
        """
        return json.dumps(self.to_records(), ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        """Return the rows as CSV text with a header (empty cells for missing values).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_csv().splitlines()[0].split(",")[:3]
        ['indicator', 'name', 'area']
        """
        buf = io.StringIO()
        columns = self.columns
        writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for r in self.rows:
            writer.writerow({k: "" if r.get(k) is None else r[k] for k in columns})
        return buf.getvalue()

    def _table(self) -> tuple[list[str], list[list[str]]]:
        head = ["indicator", "unit", "scope", "value", "target", "status", "gap", "projected"]
        body = [
            [
                r["indicator"],
                f"{r['unit_name']} ({r['unit']})",
                r["scope"],
                _fmt(r["value"]),
                r["target"],
                r["status"],
                _fmt(r["gap"]),
                _fmt(r["projected"]),
            ]
            for r in self.rows
        ]
        return head, body

    def to_markdown(self) -> str:
        """Return a Markdown report: title, note, summary by area and the rows as a table.

        Text from the data is escaped, so a name holding ``<b>`` or ``|`` stays text.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> print(ev.to_markdown().splitlines()[2])
        **SYNTHETIC DATA: made up for demonstration, not official figures**
        """
        head, body = self._table()
        title = self.plan.title_en or self.plan.title or self.plan.code
        lines = [f"# {_md(title)} — {self.period}", ""]
        if self.note:
            lines += [f"**{_md(self.note)}**", ""]
        summary = self.summary()
        if summary:
            lines += ["| area | achieved | evaluated | no data |", "|---|---|---|---|"]
            lines += [
                f"| {s['area']} | {s['achieved']} | {s['evaluated']} | {s['no_data']} |"
                for s in summary
            ]
            lines.append("")
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in body]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        """Return an HTML fragment: the note and the rows as a table.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_html().count("<tr>") == len(ev) + 1
        True
        """
        head, body = self._table()
        parts = []
        if self.note:
            parts.append(f"<p><strong>{html.escape(self.note)}</strong></p>")
        parts.append("<table>")
        parts.append(
            "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>"
        )
        parts.append("<tbody>")
        status_column = head.index("status")
        parts.extend(
            "<tr>"
            + "".join(
                f'<td class="status-{html.escape(c)}">{html.escape(c)}</td>'
                if k == status_column
                else f"<td>{html.escape(c)}</td>"
                for k, c in enumerate(row)
            )
            + "</tr>"
            for row in body
        )
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def plot(self, kind: str = "heatmap", **options: Any) -> Any:
        """Draw the evaluation with matplotlib (needs the ``plot`` extra); return the Figure.

        Parameters
        ----------
        kind
            ``"heatmap"``: status by indicator x unit
            (:func:`~cchc_indicators.plot.scorecard_heatmap`); ``"tiers"``: a
            per-tier target's tiers (:func:`~cchc_indicators.plot.tier_chart`,
            give ``indicator=``); ``"trajectory"``: one indicator's values,
            projection, target and deadline for one unit
            (:func:`~cchc_indicators.plot.trajectory`, give ``panel=``,
            ``indicator=`` and ``unit=``; the plan and period are this evaluation's).
        **options
            Passed on to the plotting function.

        Raises
        ------
        DefinitionError
            For an unknown ``kind``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
        >>> fig = ev.plot("tiers", indicator="work_files_online")
        >>> len(fig.axes[0].patches)  # a bar for the province, its districts and communes
        3
        """
        from . import plot as plots

        if kind == "heatmap":
            return plots.scorecard_heatmap(self, **options)
        if kind == "tiers":
            return plots.tier_chart(self, **options)
        if kind == "trajectory":
            panel = options.pop("panel", None)
            if panel is None:
                msg = "a trajectory needs the data: plot('trajectory', panel=..., indicator=..., unit=...)"
                raise DefinitionError(msg)
            options.setdefault("plan", self.plan)
            options.setdefault("period", self.period)
            return plots.trajectory(panel, options.pop("indicator"), options.pop("unit"), **options)
        msg = f"unknown plot kind {kind!r}; the kinds are 'heatmap', 'tiers', 'trajectory'"
        raise DefinitionError(msg)

    def to_frame(self) -> Any:
        """Return the rows as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_frame().shape[0] == len(ev)
        True
        """
        return _pandas().DataFrame.from_records(self.to_records(), columns=list(self.columns))

    def scorecard(self) -> str:
        """Return a plain-text scorecard grouped by area, then by tier.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> print(ev.scorecard().splitlines()[0])
        *** SYNTHETIC DATA: made up for demonstration, not official figures ***
        """
        lines = []
        title = self.plan.title_en or self.plan.code
        if self.note:
            lines += [f"*** {self.note} ***", ""]
        lines += [
            f"{title}",
            f"{self.plan.title}" if self.plan.title else "",
            f"Period: {self.period}",
            "",
        ]
        for area in [a.value for a in Area]:
            rows = [r for r in self.rows if r["area"] == area]
            if not rows:
                continue
            lines.append(f"== {area.replace('_', ' ')}")
            several = len({r["unit"] for r in self.plan_rows()}) > 1
            for r in rows:
                if r["scope"] == "own" and r["level"] != rows[0]["level"]:
                    continue  # per-unit rows are summarised below
                who = f" {r['unit']:<6}" if several else ""
                lines.append(
                    f"  {r['indicator']:<42}{who} {r['scope']:<14} {_fmt(r['value']):>8}  "
                    f"{r['target']:<28} {r['status']}"
                )
            tiers = _tier_summary(rows)
            lines += [f"  {t}" for t in tiers]
            lines.append("")
        s = self.summary()
        if s:
            total = s[-1]
            lines.append(
                f"Overall: {total['achieved']} of {total['evaluated']} targets with data achieved, "
                f"{total['no_data']} without data."
            )
        if self.note:
            lines += ["", f"*** {self.note} ***"]
        return "\n".join(lines)


def _tier_summary(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    groups: dict[tuple[str, str], dict[str, int]] = {}
    if not rows:
        return []
    top = rows[0]["level"]
    for r in rows:
        if r["scope"] == "own" and r["level"] != top:
            key = (r["indicator"], r["level"])
            groups.setdefault(key, dict.fromkeys(STATUSES, 0))[r["status"]] += 1
    out = []
    for (code, level), counts in groups.items():
        shown = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        out.append(f"    {code} by {level}: {shown}")
    return out


def _md(text: str) -> str:
    """Escape text for a Markdown table cell: HTML characters and the cell separator."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.1f}" if abs(x - round(x)) > 1e-9 else f"{x:.0f}"
