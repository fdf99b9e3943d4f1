"""Plots of indicators, evaluations and composite indices.

Each function draws one kind of chart with matplotlib and returns the
:class:`!matplotlib.figure.Figure`:

* :func:`trajectory`: an indicator's values for one unit over time, with the
  least-squares projection to the deadline, the target and the deadline;
* :func:`scorecard_heatmap`: the status of every target by indicator and unit
  (an :class:`~cchc_indicators.evaluation.Evaluation`), one colour per status;
* :func:`tier_chart`: a per-tier target (the province's own figure, its
  districts pooled, its communes pooled) as bars with their thresholds;
* :func:`index_scores`: every unit's score on a composite index (an
  :class:`~cchc_indicators.composite.IndexResult`), best first;
* :func:`index_contributions`: what each child of a node (by default each
  top-level domain) adds to every unit's score, as stacked bars;
* :func:`rank_intervals`: each unit's nominal rank, median rank and 5–95 %
  rank interval over Monte Carlo replications (an
  :class:`~cchc_indicators.composite.uncertainty.Uncertainty`);
* :func:`score_intervals`: each unit's nominal and median score with its
  5–95 % score interval over Monte Carlo replications, and its rank
  interval written beside it;
* :func:`sensitivity_bars`: the first-order and total sensitivity index of
  each uncertain choice (a :class:`~cchc_indicators.composite.uncertainty.Sensitivity`).

matplotlib is an optional dependency (``pip install 'cchc-indicators[plot]'``),
imported only when a function is called. Figures are made with
:class:`!matplotlib.figure.Figure` directly, not through ``pyplot``: nothing
is kept open behind your back and no window opens; save them with
``fig.savefig(...)``. To draw into a figure of your own (a ``pyplot`` window,
a grid of panels), pass ``ax=``.

Text is drawn with the current matplotlib font and DejaVu Sans (shipped with
matplotlib) as a fallback, so Vietnamese names render with their diacritics
whatever the font. A figure built on data that carry a ``note`` (the
synthetic demo data do) shows that note at its bottom.

.. versionadded:: 0.1.0

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from cchc_indicators import catalog, datasets, evaluate
>>> from cchc_indicators.report.plot import scorecard_heatmap
>>> plan = catalog.load("vinh-phuc-2021-2025")
>>> ev = evaluate(plan, datasets.demo_panel(), period="2023")
>>> fig = scorecard_heatmap(ev)
>>> [t.get_text() for t in fig.texts] == [ev.note]  # synthetic data stay labelled
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from cchc_indicators.core.errors import UnknownPeriodError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.rules import Rule
from cchc_indicators.core.scopes import Scope
from cchc_indicators.core.targets import STATUSES, Target
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine import rollup
from cchc_indicators.report._plot_common import (
    _DEADLINE_COLOR,
    _OBSERVED_COLOR,
    _TARGET_COLOR,
    _axes,
    _fonts,
    _mark,
    _matplotlib,
    _period,
    _with_unit,
    _wrap,
)
from cchc_indicators.report._plot_diagnostics import correlation_heatmap
from cchc_indicators.report._plot_index import index_contributions, index_scores
from cchc_indicators.report._plot_plan import (
    _bar_label,
    _heatmap_units,
    _plan_target,
    _resolve_indicator,
    _target_line,
    _tier_rows,
    _Trajectory,
)
from cchc_indicators.report._plot_uncertainty import (
    rank_intervals,
    score_intervals,
    sensitivity_bars,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cchc_indicators.evaluation import Evaluation

__all__ = [
    "STATUS_COLORS",
    "correlation_heatmap",
    "index_contributions",
    "index_scores",
    "rank_intervals",
    "score_intervals",
    "scorecard_heatmap",
    "sensitivity_bars",
    "tier_chart",
    "trajectory",
]

#: The colour of each status in the heat-map and the tier chart (greens for good news,
#: orange and red for bad, blue and grey where the data say too little).
STATUS_COLORS: Mapping[str, str] = {
    "achieved": "#1a9641",
    "on_track": "#a6d96a",
    "off_track": "#fdae61",
    "not_achieved": "#d7191c",
    "insufficient_data": "#abd9e9",
    "no_data": "#bababa",
}

# ---------------------------------------------------------------------- trajectory


def trajectory(
    panel: Panel,
    indicator: Indicator | str,
    unit: str,
    *,
    plan: Plan | None = None,
    scope: Scope | str = "own",
    rule: Rule | str | None = None,
    target: Target | float | None = None,
    deadline: object = None,
    period: object = None,
    ax: Axes | None = None,
) -> Figure:
    """Plot an indicator's trajectory for one unit: values, projection, target and deadline.

    The values are the unit's roll-up on ``scope`` (its own figures by
    default), one point per period up to ``period``. When the period is
    before the deadline, a least-squares line through the values from the
    baseline to ``period`` is drawn on to the deadline: the linear projection
    that :func:`~cchc_indicators.evaluation.evaluate` judges ``on_track`` and
    ``off_track`` by (for a relative target, the same line on the value
    axis). The target is a horizontal line, the deadline a vertical one.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    panel
        The observations.
    indicator
        The indicator, or its code (its definition is taken from ``plan``,
        else from the panel).
    unit
        The unit's code.
    plan
        The plan: it gives the target that judges this unit on this scope
        (as :func:`~cchc_indicators.evaluation.evaluate` picks it), the baseline
        and the deadline.
    scope
        ``"own"`` (default), ``"territory"`` or ``"tier:<level>"``.
    rule
        A rule pooling the scope, overriding the target's and the indicator's
        (the ``own`` scope pools nothing and takes none).
    target
        The target to draw (default: the plan's), or a number for a plain
        target line. A rank target is named in the legend but has no line;
        a relative target (``reduce_by``, ``increase_by``) is drawn at the
        value it asks for, from the unit's value in its baseline period.
    deadline
        The deadline (default: the target's, else the plan's).
    period
        The last period drawn and fitted, as the period of an evaluation
        (default: the latest in the panel).
    ax
        The axes to draw on; by default a new figure is made.

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure (the one ``ax`` belongs to, when given). Lines carry the
        labels ``observed``, ``projection``, ``target`` and ``deadline``
        (as their ``gid``), so they can be found again.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If the panel has no data, or no definition, for ``indicator``.
    UnknownUnitError
        If ``unit`` is not in the panel's hierarchy.
    UnknownPeriodError
        If ``period`` is not in the panel.
    DefinitionError
        If ``scope``, ``rule``, ``target``, ``period`` or ``deadline`` is
        malformed (:class:`~cchc_indicators.core.errors.RuleMismatchError` for a
        rule that does not fit the indicator).
    PanelError
        If the rule pools numerators and denominators but observations in
        the scope give only a value (see :func:`~cchc_indicators.engine.rollup`).

    See Also
    --------
    tier_chart : the tiers of a per-tier target side by side.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import catalog, datasets
    >>> plan = catalog.load("vinh-phuc-2021-2025")
    >>> fig = trajectory(
    ...     datasets.demo_panel(), "work_files_online", "26", plan=plan, period="2023"
    ... )
    >>> [line.get_gid() for line in fig.axes[0].lines]
    ['observed', 'projection', 'target', 'deadline']
    >>> fig.axes[0].get_title().splitlines()[-1]
    'Tỉnh Vĩnh Phúc (26), scope own'
    """
    h = panel.hierarchy
    ind = _resolve_indicator(panel, indicator, plan)
    pos = h.position(unit)
    the_scope = Scope.parse(scope)
    label = panel.periods[-1] if period is None and panel.periods else _period(period, "period")
    if label not in panel.periods:
        held = ", ".join(panel.periods) or "no period"
        msg = f"period {label!r} is not in the panel; it holds {held}"
        raise UnknownPeriodError(msg, key=label)
    if target is None and plan is not None:
        target = _plan_target(plan, ind, panel, pos, the_scope)
    the_target = target if isinstance(target, Target) else None
    if rule is None and the_target is not None and the_scope.kind != "own":
        rule = the_target.rule
    values = rollup(panel, ind, scope=the_scope, rule=rule).value[pos]

    due = deadline if deadline is not None else (the_target.deadline if the_target else None)
    if due is None and plan is not None:
        due = plan.deadline
    due_label = None if due is None else _period(due, "deadline")
    start = (the_target.baseline if the_target else None) or (plan.baseline if plan else None)
    line = _Trajectory.compute(panel.periods, values, label, start, due_label)
    level, target_text = _target_line(target, ind, the_scope, values, panel.periods)

    with _fonts() as families:
        ax, fig = _axes(ax, (7.0, 4.5))
        ax.plot(
            line.x,
            line.y,
            marker="o",
            color=_OBSERVED_COLOR,
            label=f"observed ({the_scope})",
            gid="observed",
        )
        if not len(line.x):
            ax.text(
                0.5,
                0.5,
                f"no value for this unit on scope {the_scope}",
                transform=ax.transAxes,
                ha="center",
                va="center",
            )
        if line.projection is not None:
            (x0, x1), (y0, y1) = line.projection
            ax.plot(
                [x0, x1],
                [y0, y1],
                linestyle="--",
                color=_OBSERVED_COLOR,
                alpha=0.7,
                label=f"projection to {due_label}: {_with_unit(y1, ind.unit)}",
                gid="projection",
            )
        if level is not None:
            ax.axhline(level, color=_TARGET_COLOR, linestyle=":", label=target_text, gid="target")
        elif target_text:
            ax.plot([], [], " ", label=target_text, gid="target-text")
        if line.x_deadline is not None:
            ax.axvline(
                line.x_deadline,
                color=_DEADLINE_COLOR,
                linewidth=1,
                label=f"deadline {due_label}",
                gid="deadline",
            )
        ax.set_xticks([x for x, _ in line.ticks], [t for _, t in line.ticks])
        ax.set_xlabel("period")
        ax.set_ylabel(ind.unit)
        ax.set_title(
            f"{_wrap(ind.name)}\n{h.names[pos]} ({h.codes[pos]}), scope {the_scope}",
            fontsize="medium",
        )
        ax.legend(fontsize="small", loc="best")
        _mark(fig, panel.note, families)
    return fig


# ---------------------------------------------------------------------- heat-map


def scorecard_heatmap(
    evaluation: Evaluation,
    *,
    units: str | Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Plot the status of every target by indicator and unit, one colour per status.

    One row per indicator and target (the scope and the target's text say
    which, as ``work_files_online [tier:district] >= 80 %``), one column per
    unit; each cell is coloured by its status (:data:`STATUS_COLORS`) and a
    legend names all six statuses. Cells without a row (no target for that
    unit) are left blank, and rows blank for every chosen unit are left out.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`.
    units
        The units shown as columns: a list of unit codes, or a level name
        (``"commune"``) for every unit of that level with rows. By default,
        the plan's unit(s) and the units of the first tier below them that
        the evaluation has rows for (for a provincial plan with district
        targets, the province and its districts).
    ax
        The axes to draw on; by default a new figure is made, sized to the
        table.

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. The cells are a :class:`!matplotlib.collections.QuadMesh`
        whose array holds each cell's index into
        :data:`~cchc_indicators.evaluation.STATUSES` (masked where blank).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownUnitError
        If a unit in ``units`` has no row in the evaluation.
    UnknownLevelError
        If ``units`` names a level the evaluation has no rows on.
    DefinitionError
        If there is nothing to plot (no rows, or an empty ``units``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import catalog, datasets, evaluate
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period="2023")
    >>> fig = scorecard_heatmap(ev)
    >>> ax = fig.axes[0]
    >>> len(ax.get_xticklabels())  # the province and its 9 districts
    10
    >>> [t.get_text() for t in ax.get_yticklabels()][-5:-1]  # one row per target and scope
    ['work_files_online >= 90 %', 'work_files_online [tier:district] >= 80 %', 'work_files_online >= 80 %', 'work_files_online [tier:commune] >= 60 %']
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:3]
    ['achieved', 'on_track', 'off_track']
    """
    columns, names = _heatmap_units(evaluation, units)
    rows = evaluation.rows
    where = {u: k for k, u in enumerate(columns)}
    keys: dict[tuple[str, str, str], int] = {}  # one row per indicator, scope and target
    cells: dict[tuple[int, int], int] = {}
    for r in rows:
        if r["unit"] in where:
            i = keys.setdefault((r["indicator"], r["scope"], r["target"]), len(keys))
            cells[(i, where[r["unit"]])] = STATUSES.index(r["status"])
    grid = np.full((len(keys), len(columns)), np.nan)  # NaN: blank (matplotlib masks it)
    for (i, k), s in cells.items():
        grid[i, k] = s
    labels = [
        f"{ind}{'' if scope == 'own' else f' [{scope}]'} {target}" for ind, scope, target in keys
    ]

    _matplotlib()
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    width = 4.0 + 0.45 * len(columns) + 0.07 * max(len(s) for s in labels)
    height = 2.0 + 0.28 * len(keys)
    with _fonts() as families:
        ax, fig = _axes(ax, (min(width, 30.0), min(height, 30.0)))
        cmap = ListedColormap([STATUS_COLORS[s] for s in STATUSES], name="cchc_status")
        norm = BoundaryNorm(np.arange(len(STATUSES) + 1) - 0.5, cmap.N)
        ax.pcolormesh(grid, cmap=cmap, norm=norm, edgecolors="white", linewidth=1.0)
        ax.set_xticks(
            np.arange(len(columns)) + 0.5,
            [names[u] for u in columns],
            rotation=45,
            ha="right",
            rotation_mode="anchor",
            fontfamily=families,
        )
        ax.set_yticks(np.arange(len(labels)) + 0.5, labels, fontfamily=families)
        ax.set_xlim(0, len(columns))
        ax.set_ylim(len(labels), 0)  # the first row on top
        ax.tick_params(length=0)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        handles = [Patch(facecolor=STATUS_COLORS[s], label=s) for s in STATUSES]
        ax.legend(handles=handles, title="status", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        plan = evaluation.plan
        title = plan.title or plan.title_en or plan.code
        ax.set_title(f"{_wrap(title, 90)}\nstatus in {evaluation.period}", fontsize="medium")
        _mark(fig, evaluation.note, families)
    return fig


# ---------------------------------------------------------------------- tiers


def tier_chart(
    evaluation: Evaluation,
    indicator: str,
    *,
    unit: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Plot a per-tier target: each tier's value as a bar, with its threshold.

    For an indicator whose targets name tiers (``work_files_online``: 90 %
    for the province's own work files, 80 % for its districts pooled, 60 % for
    its communes pooled), one bar per target on the plan's unit, coloured by
    status (:data:`STATUS_COLORS`) and labelled with its value, a black
    dashed marker at its threshold, a hollow diamond at the value projected
    to the deadline (before the deadline), and, over a pooled tier's bar,
    one dot per unit of the tier (its own value) when it is on the same axis.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`.
    indicator
        The indicator's code.
    unit
        The plan unit whose tiers are shown; needed only when the plan has
        several (``Plan.unit`` is ``None``).
    ax
        The axes to draw on; by default a new figure is made.

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. The bars are the axes' first container; the threshold
        markers a :class:`!matplotlib.collections.LineCollection` with the
        ``gid`` ``"thresholds"``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If the evaluation has no rows for ``indicator``.
    UnknownUnitError
        If ``unit`` is not a plan unit of the evaluation.
    DefinitionError
        If the indicator has no per-tier target (no pooled tier below the
        plan's unit), or the plan has several units and ``unit`` is not given.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import catalog, datasets, evaluate
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period="2023")
    >>> fig = tier_chart(ev, "work_files_online")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['province\\n(own)', 'district\\n(pooled)', 'commune\\n(pooled)']
    >>> [round(float(b.get_height()), 1) for b in ax.containers[0]]
    [84.1, 69.9, 44.3]
    """
    bars = _tier_rows(evaluation, indicator, unit)
    rows = evaluation.rows
    first = bars[0]
    x = np.arange(len(bars), dtype=np.float64)
    heights = [0.0 if r["value"] is None else float(r["value"]) for r in bars]
    colors = [STATUS_COLORS[r["status"]] for r in bars]
    unit_labels = list(dict.fromkeys(str(r["unit_label"]) for r in bars))

    _matplotlib()
    from matplotlib.patches import Patch

    with _fonts() as families:
        ax, fig = _axes(ax, (6.5, 4.8))
        container = ax.bar(x, heights, width=0.6, color=colors, edgecolor="#404040", zorder=2)
        ax.bar_label(
            container,
            labels=[
                "no data" if r["value"] is None else _with_unit(r["value"], str(r["unit_label"]))
                for r in bars
            ],
            padding=3,
            fontsize="small",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
        ax.hlines(
            [float(r["threshold"]) for r in bars],
            x - 0.38,
            x + 0.38,
            colors=_TARGET_COLOR,
            linestyles="--",
            linewidth=2.0,
            zorder=4,
            label="target",
            gid="thresholds",
        )
        projected = [(k, r["projected"]) for k, r in enumerate(bars) if r["projected"] is not None]
        if projected:
            ax.scatter(
                [x[k] for k, _ in projected],
                [p for _, p in projected],
                marker="D",
                facecolors="none",
                edgecolors=_TARGET_COLOR,
                zorder=5,
                label=f"projected to {first['deadline']}",
                gid="projected",
            )
        dots_labelled = False
        for k, r in enumerate(bars):
            if not str(r["scope"]).startswith("tier:"):
                continue
            level = str(r["scope"]).partition(":")[2]
            members = [
                m
                for m in rows
                if m["indicator"] == indicator
                and m["level"] == level
                and m["scope"] == "own"
                and m["tier"] == r["tier"]
                and m["value"] is not None
                and m["unit_label"] == r["unit_label"]
            ]
            if not members:
                continue
            offsets = np.linspace(-0.22, 0.22, len(members)) if len(members) > 1 else [0.0]
            ax.scatter(
                x[k] + np.asarray(offsets),
                [float(m["value"]) for m in members],
                s=9,
                color="#252525",
                alpha=0.55,
                zorder=3,
                label=None if dots_labelled else "units of the tier (own values)",
                gid=f"units-{level}",
            )
            dots_labelled = True
        ax.set_xticks(x, [_bar_label(r) for r in bars])
        ax.set_ylabel(unit_labels[0] if len(unit_labels) == 1 else "value (see each bar)")
        ax.set_ylim(bottom=0)
        ax.margins(y=0.12)
        handles, _ = ax.get_legend_handles_labels()
        seen = list(dict.fromkeys(r["status"] for r in bars))
        handles += [Patch(facecolor=STATUS_COLORS[s], label=s) for s in seen]
        ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_title(
            f"{_wrap(str(first['name']))}\n{first['unit_name']} ({first['unit']}), "
            f"{evaluation.period}",
            fontsize="medium",
        )
        _mark(fig, evaluation.note, families)
    return fig
