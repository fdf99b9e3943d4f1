"""The trajectory chart of the HTML report: one indicator's values for the plan's unit, as inline SVG.

One chart per indicator and scope among the plan unit's rows: the unit's
values on that scope in every period of the panel up to the one evaluated
(``<path class="series observed">`` and ``<g class="points">``), each
target that is a level of those values (``class="target"``: a threshold, a
relative target drawn from the baseline value, a tier's share of units, a
rank when the values are ranks), the projection of each row to its deadline
(``class="projection"``, from the last value to the value the evaluation's
method projected) and the deadline (``class="deadline"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cchc_indicators.core._html import escape
from cchc_indicators.core._periods import deadline_on_axis, decimal_year, period_sort_key
from cchc_indicators.core.i18n import gettext, unit_label
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.rules import ShareMeeting
from cchc_indicators.core.scopes import Scope
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine import rollup
from cchc_indicators.report import _svg
from cchc_indicators.report._html_words import (
    Judged,
    indicator_name,
    scope_text,
    target_text,
    value_text,
)
from cchc_indicators.report._plot_plan import _target_line, _ticks


def _level(
    judged: Judged,
    row: Mapping[str, Any],
    plan: Plan,
    scope: Scope,
    values: Any,
    periods: Sequence[str],
) -> float | None:
    """Where the row's target sits on the value axis (``None``: not a level of the values)."""
    if judged is None:
        return None
    target = judged.target  # a row of the plan's unit: never a tier unit's own condition
    ind = plan.indicator(row["indicator"])
    if target.kind == "rank_at_most":
        return target.threshold if ind.measure.kind == "rank" else None
    if target.kind == "no_worse_than_previous":
        return None
    level, _ = _target_line(target, ind, scope, values, periods)
    return level


def _projected_value(row: Mapping[str, Any], judged: Judged) -> float | None:
    """The row's projection as a value of the series (a relative target's change turned back)."""
    p = row.get("projected")
    if p is None or judged is None:
        return None
    target = judged.target
    if target.relative:  # a change from the baseline: projected only when there is a baseline value
        base = float(row["baseline_value"])
        return base + float(p) * abs(base) / 100.0
    return float(p)


def _rule(judged: Judged, scope: Scope) -> Any:
    if judged is None or scope.kind == "own":
        return None
    return judged.target.rule


def trajectory(
    panel: Panel,
    plan: Plan,
    period: str,
    rows: Sequence[tuple[Mapping[str, Any], Judged]],
    lang: str,
) -> str:
    """One ``<figure class="chart">`` for the rows of one indicator and scope of the plan's unit.

    Empty when the unit has no value to draw on that scope (or the panel lacks
    the indicator).
    """
    first, judged_first = rows[0]
    code = str(first["indicator"])
    if code not in panel or code not in plan.codes or plan.unit is None:
        return ""
    ind = plan.indicator(code)
    scope = Scope.parse(str(first["scope"]))
    pos = panel.hierarchy.position(plan.unit)
    values = rollup(panel, ind, scope=scope, rule=_rule(judged_first, scope)).value[pos]
    shown = [
        j
        for j, p in enumerate(panel.periods)
        if period_sort_key(p) <= period_sort_key(period) and not math.isnan(values[j])
    ]
    if not shown:
        return ""
    periods = [panel.periods[j] for j in shown]
    xs = np.array([decimal_year(p) for p in periods])
    ys = values[shown]
    share = (
        scope.kind != "own"
        and judged_first is not None
        and isinstance(judged_first.target.rule, ShareMeeting)
    )
    unit = "%" if share else ("rank" if ind.measure.kind == "rank" else ind.unit)

    targets: list[tuple[float, str]] = []
    projections: list[tuple[float, float]] = []
    deadline: tuple[float, str] | None = None
    for row, judged in rows:
        level = _level(judged, row, plan, scope, values, panel.periods)
        if level is not None and math.isfinite(level):
            targets.append((level, target_text(row, judged, lang)))
        due = row.get("deadline")
        if due is not None and deadline is None:
            deadline = deadline_on_axis(str(due), period)
        end = _projected_value(row, judged)
        if end is not None and due is not None and math.isfinite(end):
            projections.append((deadline_on_axis(str(due), period)[0], end))

    frame = _svg.Frame()
    x_values = [*xs.tolist(), *([deadline[0]] if deadline else [])]
    x = frame.x_scale(x_values, nice=False, pad=0.04 if len(x_values) > 1 else 0.0)
    y = frame.y_scale(
        ys.tolist(),
        include=[t for t, _ in targets] + [p for _, p in projections],
        downwards=unit == "rank",
    )
    tick_labels = [*periods, *([deadline[1]] if deadline else [])]
    ticks = _ticks(tick_labels, x_values)
    titles = [
        f"{p}: {value_text(float(v), unit, lang)}"
        for p, v in zip(periods, ys.tolist(), strict=True)
    ]
    data = {"data-scope": str(scope)}
    body = [
        _svg.y_axis(
            frame,
            y,
            lang,
            label=unit_label(unit, lang) if unit != "rank" else gettext("rank", lang),
        ),
        _svg.x_axis(frame, x, ticks),
    ]
    if deadline is not None:
        body.append(
            _svg.vline(
                deadline[0],
                frame,
                x,
                cls="deadline",
                label=gettext("deadline {period}", lang).format(period=deadline[1]),
            )
        )
    body += [_svg.hline(level, frame, y, cls="target", label=text) for level, text in targets]
    last = (float(xs[-1]), float(ys[-1]))
    body += [_svg.segment(last, end, x, y, cls="projection") for end in projections]
    body.append(_svg.path(xs, ys, x, y, cls="series observed", attributes=data))
    body.append(_svg.points(xs, ys, x, y, cls="points observed", titles=titles))
    legend = [("series observed", gettext("Observed", lang))]
    if projections:
        legend.append(("projection", gettext("Projection", lang)))
    if targets:
        legend.append(("target", gettext("Target", lang)))
    body.append(_svg.legend(frame, legend))
    name = indicator_name(plan, code, lang, str(first.get("name") or ""))
    where = scope_text(first, lang)
    title = f"{name} — {where}"
    chart = _svg.svg(
        frame,
        "".join(body),
        cls="trajectory",
        attributes={"data-indicator": code, "data-scope": str(scope), "data-unit": plan.unit},
        title=title,
    )
    return f'<figure class="chart">{chart}<figcaption>{escape(title)}</figcaption></figure>'
