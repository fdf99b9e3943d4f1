"""What the plots of a plan and its evaluation draw, worked out before drawing.

For :func:`~cchc_indicators.report.plot.trajectory`: the indicator, the target that
judges the unit (as :func:`~cchc_indicators.evaluation.evaluate` picks it), the
target's level on the value axis, the points, the projection and the ticks.
For :func:`~cchc_indicators.report.plot.scorecard_heatmap` and
:func:`~cchc_indicators.report.plot.tier_chart`: the columns and the bars, chosen
from the evaluation's rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._periods import (
    deadline_on_axis,
    decimal_year,
    granularity,
    period_end_key,
    period_sort_key,
)
from cchc_indicators.core.errors import (
    DefinitionError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownUnitError,
)
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.rules import ShareMeeting
from cchc_indicators.core.scopes import Scope
from cchc_indicators.core.targets import Target
from cchc_indicators.data.panel import Panel
from cchc_indicators.report._plot_common import _with_unit

if TYPE_CHECKING:
    from cchc_indicators.evaluation import Evaluation

FloatArray = NDArray[np.float64]


def _resolve_indicator(panel: Panel, indicator: Indicator | str, plan: Plan | None) -> Indicator:
    code = indicator.code if isinstance(indicator, Indicator) else indicator
    panel.data_of(code)  # UnknownIndicatorError naming what the panel holds
    if isinstance(indicator, Indicator):
        return indicator
    if plan is not None and code in plan.codes:
        return plan.indicator(code)
    return panel.indicator(code)


def _plan_target(plan: Plan, ind: Indicator, panel: Panel, pos: int, scope: Scope) -> Target | None:
    """The target of ``ind`` that judges unit ``pos`` on ``scope``, as :func:`evaluate` picks it."""
    h = panel.hierarchy
    level = int(h.level_of[pos])
    if plan.unit is not None:
        plan_pos = h.position(plan.unit)
        plan_level, is_plan_unit = int(h.level_of[plan_pos]), pos == plan_pos
    else:  # every top-level unit is a plan unit
        plan_level, is_plan_unit = 0, level == 0
    for t in ind.targets:
        if t.tier is not None and t.tier not in h.levels:
            continue  # a tier this hierarchy does not have judges no unit of it
        tier_level = None if t.tier is None else h.levels.index(t.tier)
        if tier_level is None or tier_level <= plan_level:  # the plan unit itself
            judged = is_plan_unit and scope == (t.scope or Scope("own"))
        else:  # a tier below: pooled on the plan unit, and each unit of the tier on its own
            judged = (is_plan_unit and scope == Scope("tier", str(t.tier))) or (
                scope.kind == "own"
                and level == tier_level
                and (plan.unit is None or pos in h.descendant_positions(plan.unit, t.tier))
            )
        if judged:
            return t
    return None


def _target_line(
    target: Target | float | None,
    ind: Indicator,
    scope: Scope,
    values: Any,
    periods: Sequence[str],
) -> tuple[float | None, str]:
    """The target as a level on the value axis (``None`` when it has none) and its label."""
    if target is None:
        return None, ""
    if not isinstance(target, Target):
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            msg = f"target must be a Target or a number, got {target!r}"
            raise DefinitionError(msg, code=ind.code)
        level = float(target)
        return level, f"target {_with_unit(level, ind.unit)}"
    if isinstance(target.rule, ShareMeeting) and scope.kind == "own":
        c = target.rule.condition
        return c.threshold, f"target {c.op} {_with_unit(c.threshold, ind.unit)} (own)"
    text = f"target {target.describe(ind.unit, with_tier=False)}"
    if target.kind == "rank_at_most":
        return None, f"{text} (a rank: not on this axis)"
    if not target.relative:
        return target.bound, text
    assert target.baseline is not None
    base = values[periods.index(target.baseline)] if target.baseline in periods else math.nan
    if math.isnan(base) or base == 0:
        return None, f"{text} (no baseline value to draw it from)"
    return base + target.bound * abs(base) / 100.0, text


@attrs.frozen
class _Trajectory:
    """What :func:`trajectory` draws: the points, the projection line, the deadline, the ticks."""

    x: FloatArray
    y: FloatArray
    projection: tuple[tuple[float, float], tuple[float, float]] | None
    x_deadline: float | None
    ticks: list[tuple[float, str]]

    @classmethod
    def compute(
        cls,
        periods: Sequence[str],
        values: FloatArray,
        period: str,
        start: str | None,
        deadline: str | None,
    ) -> _Trajectory:
        """The unit's values up to ``period`` and, before ``deadline``, the projection.

        The projection is evaluate()'s: a least-squares line through the values
        from ``start`` to ``period``, evaluated where the deadline sits on the
        data's time axis (the last period of the data's kind in the deadline).
        """
        shown = [
            j
            for j, p in enumerate(periods)
            if period_sort_key(p) <= period_sort_key(period) and not math.isnan(values[j])
        ]
        x = np.array([decimal_year(periods[j]) for j in shown])
        y = values[shown]
        labels = [periods[j] for j in shown]
        if deadline is None:
            return cls(x, y, None, None, _ticks(labels, x.tolist()))
        x_end, end_label = deadline_on_axis(deadline, period)
        ticks = _ticks([*labels, end_label], [*x.tolist(), x_end])
        projection = None
        if period_end_key(period) < period_end_key(deadline):
            fit = [
                k
                for k, j in enumerate(shown)
                if start is None or period_sort_key(periods[j]) >= period_sort_key(start)
            ]
            if len(fit) >= 2:
                slope, intercept = np.polyfit(x[fit], y[fit], 1)
                x0 = decimal_year(start) if start is not None else float(x[fit][0])
                projection = (
                    (x0, x_end),
                    (float(slope * x0 + intercept), float(slope * x_end + intercept)),
                )
        return cls(x, y, projection, x_end, ticks)


def _ticks(labels: Sequence[str], xs: Sequence[float]) -> list[tuple[float, str]]:
    """Ticks at the given periods (every year between, for years), at most about 12."""
    if not labels:
        return []
    if all(granularity(t) == "year" for t in labels):
        years = range(int(min(labels)), int(max(labels)) + 1)
        ticks = [(float(y), str(y)) for y in years]
    else:
        ticks = sorted(dict(zip(xs, labels, strict=True)).items())
    step = math.ceil(len(ticks) / 12)
    return ticks[::step]


def _check_rows(evaluation: Evaluation) -> Sequence[Mapping[str, Any]]:
    if not evaluation.rows:
        msg = (
            f"the evaluation of plan {evaluation.plan.code!r} in {evaluation.period} has no rows "
            "to plot"
        )
        raise DefinitionError(msg, code=evaluation.plan.code)
    return evaluation.rows


def _heatmap_units(
    evaluation: Evaluation, units: str | Sequence[str] | None
) -> tuple[list[str], dict[str, str]]:
    """The unit codes of the columns, and every unit's name."""
    rows = _check_rows(evaluation)
    names = {r["unit"]: r["unit_name"] for r in rows}
    level_of = {r["unit"]: r["level"] for r in rows}
    levels = list(dict.fromkeys(level_of.values()))
    if units is None:
        plan_units = list(dict.fromkeys(r["unit"] for r in evaluation.plan_rows()))
        plan_levels = {r["level"] for r in rows if r["unit"] in plan_units}
        below = [lv for lv in levels if lv not in plan_levels][:1]
        return plan_units + [u for u in names if level_of[u] in below], names
    if isinstance(units, str):
        if units not in levels:
            msg = (
                f"unknown level {units!r}; the evaluation has rows on the levels "
                f"{', '.join(repr(lv) for lv in levels)} (pass unit codes as a list)"
            )
            raise UnknownLevelError(msg, key=units)
        return [u for u in names if level_of[u] == units], names
    chosen = list(dict.fromkeys(units))
    missing = [u for u in chosen if u not in names]
    if missing:
        shown = ", ".join(repr(u) for u in missing)
        msg = f"the evaluation has no rows for unit {shown}; it has rows for {len(names)} units"
        raise UnknownUnitError(msg, key=str(missing[0]))
    if not chosen:
        msg = "no unit to plot: 'units' is empty"
        raise DefinitionError(msg)
    return chosen, names


def _tier_rows(evaluation: Evaluation, indicator: str, unit: str | None) -> list[Mapping[str, Any]]:
    rows = _check_rows(evaluation)
    mine = [r for r in rows if r["indicator"] == indicator]
    if not mine:
        held = ", ".join(dict.fromkeys(r["indicator"] for r in rows))
        msg = f"the evaluation has no rows for indicator {indicator!r}; it has {held}"
        raise UnknownIndicatorError(msg, key=indicator)
    plan_units = list(dict.fromkeys(r["unit"] for r in evaluation.plan_rows()))
    if unit is None:
        candidates = [u for u in plan_units if any(r["unit"] == u for r in mine)]
        if len(candidates) > 1:
            shown = ", ".join(repr(u) for u in candidates[:5])
            msg = (
                f"the plan has several units ({shown}, ...); name the one to chart with "
                "unit='<code>'"
            )
            raise DefinitionError(msg, code=indicator)
        unit = candidates[0] if candidates else plan_units[0]
    elif unit not in plan_units:
        msg = (
            f"unit {unit!r} is not a unit of the plan in this evaluation; its units are "
            f"{', '.join(repr(u) for u in plan_units[:5])}"
        )
        raise UnknownUnitError(msg, key=unit)
    bars = [r for r in mine if r["unit"] == unit and r["tier"] is not None]
    if not any(r["scope"].startswith("tier:") for r in bars):
        per_tier = dict.fromkeys(
            r["indicator"] for r in rows if r["unit"] == unit and r["scope"].startswith("tier:")
        )
        tiers = ", ".join(dict.fromkeys(str(r["tier"]) for r in bars)) or "none"
        msg = (
            f"indicator {indicator!r} has no per-tier target (a tier below unit {unit!r}, pooled); "
            f"its targets' tiers on that unit: {tiers}. Indicators with per-tier targets: "
            f"{', '.join(per_tier) or 'none'}"
        )
        raise DefinitionError(msg, code=indicator)
    return bars


def _bar_label(r: Mapping[str, Any]) -> str:
    scope = str(r["scope"])
    if scope == "own":
        how = "own"
    elif str(r["rule"] or "").startswith("share_meeting"):
        how = "share of units"
    else:
        how = "pooled"
    return f"{r['tier']}\n({how})"
