"""Plots of indicators, evaluations and composite indices.

Each function draws one kind of chart with matplotlib and returns the
:class:`!matplotlib.figure.Figure`:

* :func:`trajectory`: an indicator's values for one unit over time, with the
  least-squares projection to the deadline, the target and the deadline;
* :func:`scorecard_heatmap`: the status of every target by indicator and unit
  (an :class:`~cchc_indicators.evaluate.Evaluation`), one colour per status;
* :func:`tier_chart`: a per-tier target (the province's own figure, its
  districts pooled, its communes pooled) as bars with their thresholds;
* :func:`index_scores`: every unit's score on a composite index (an
  :class:`~cchc_indicators.composite.IndexResult`), best first;
* :func:`index_contributions`: what each child of a node (by default each
  top-level domain) adds to every unit's score, as stacked bars;
* :func:`rank_intervals`: each unit's nominal rank, median rank and 5–95 %
  rank interval over Monte Carlo replications (an
  :class:`~cchc_indicators.uncertainty.Uncertainty`);
* :func:`score_intervals`: each unit's nominal and median score with its
  5–95 % score interval over Monte Carlo replications, and its rank
  interval written beside it;
* :func:`sensitivity_bars`: the first-order and total sensitivity index of
  each uncertain choice (a :class:`~cchc_indicators.uncertainty.Sensitivity`).

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
>>> from cchc_indicators.plot import scorecard_heatmap
>>> plan = catalog.load("vinh-phuc-2021-2025")
>>> ev = evaluate(plan, datasets.demo_panel(), period="2023")
>>> fig = scorecard_heatmap(ev)
>>> [t.get_text() for t in fig.texts] == [ev.note]  # synthetic data stay labelled
True
"""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
from .errors import (
    DefinitionError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownPeriodError,
    UnknownUnitError,
)
from .evaluate import STATUSES
from .indicators import Indicator
from .panel import Panel
from .plan import Plan
from .rollup import rollup
from .rules import Rule, ShareMeeting
from .scopes import Scope
from .targets import Target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .evaluate import Evaluation

__all__ = [
    "STATUS_COLORS",
    "index_contributions",
    "index_scores",
    "rank_intervals",
    "score_intervals",
    "scorecard_heatmap",
    "sensitivity_bars",
    "tier_chart",
    "trajectory",
]

FloatArray = NDArray[np.float64]

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

#: The font that draws every Vietnamese letter (matplotlib ships it); used as a fallback.
_FALLBACK_FONT = "DejaVu Sans"
#: The gid of the text that carries a figure's note, so it is added once per figure.
_NOTE_GID = "cchc-note"
_NOTE_COLOR = "#b2182b"
_TARGET_COLOR = "#2b2b2b"
_DEADLINE_COLOR = "#7b3294"
_OBSERVED_COLOR = "#2166ac"
_INSTALL = "pip install 'cchc-indicators[plot]'"


# ---------------------------------------------------------------------- helpers


def _matplotlib() -> Any:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib
    except ImportError as exc:
        msg = f"plotting needs matplotlib, an optional dependency: {_INSTALL}"
        raise ImportError(msg) from exc
    return matplotlib


def _families() -> list[str]:
    """The current font families, then DejaVu Sans for letters they lack."""
    families = list(_matplotlib().rcParams["font.family"])
    return families if _FALLBACK_FONT in families else [*families, _FALLBACK_FONT]


@contextlib.contextmanager
def _fonts() -> Iterator[list[str]]:
    """Draw text created inside with the current fonts and DejaVu Sans as fallback."""
    families = _families()
    with _matplotlib().rc_context({"font.family": families}):
        yield families


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Axes, Figure]:
    """``ax`` and its (top-level) figure, or a new figure of ``size`` inches with one axes."""
    _matplotlib()
    from matplotlib.figure import Figure

    if ax is None:
        ax = Figure(figsize=size, layout="constrained").add_subplot()
    root: Any = ax.figure
    while not isinstance(root, Figure):  # a SubFigure: its parent, up to the figure
        root = root.figure
    # tick labels are created lazily; make the first ones now, with the fonts in force
    ax.get_xticklabels(which="both")
    ax.get_yticklabels(which="both")
    return ax, root


def _mark(fig: Figure, note: str, families: list[str]) -> None:
    """Write ``note`` (such as the synthetic-data warning) at the bottom of ``fig``, once.

    A constrained layout that fills the figure is told to leave a strip for it.
    """
    if not note or any(t.get_gid() == _NOTE_GID for t in fig.texts):
        return
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine) and tuple(engine.get()["rect"]) == (0, 0, 1, 1):
        strip = min(0.15, 0.3 / fig.get_figheight())  # about 0.3 inch
        engine.set(rect=(0.0, strip, 1.0, 1.0 - strip))
    fig.text(
        0.5,
        0.01,
        note,
        ha="center",
        va="bottom",
        fontsize="small",
        fontweight="bold",
        color=_NOTE_COLOR,
        fontfamily=families,
        gid=_NOTE_GID,
    )


def _wrap(text: str, width: int = 70) -> str:
    return textwrap.fill(text, width=width)


def _fmt(x: float) -> str:
    return f"{x:.1f}" if abs(x - round(x)) > 1e-9 else f"{x:.0f}"


def _with_unit(x: float, unit: str) -> str:
    return f"{_fmt(x)} {unit}".strip()


def _period(value: object, what: str) -> str:
    try:
        return normalise_period(value)
    except ValueError as exc:
        msg = f"{what}: {exc}"
        raise DefinitionError(msg) from None


# ---------------------------------------------------------------------- trajectory


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
    that :func:`~cchc_indicators.evaluate.evaluate` judges ``on_track`` and
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
        (as :func:`~cchc_indicators.evaluate.evaluate` picks it), the baseline
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
        malformed (:class:`~cchc_indicators.errors.RuleMismatchError` for a
        rule that does not fit the indicator).
    PanelError
        If the rule pools numerators and denominators but observations in
        the scope give only a value (see :func:`~cchc_indicators.rollup.rollup`).

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
        The result of :func:`~cchc_indicators.evaluate.evaluate`.
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
        :data:`~cchc_indicators.evaluate.STATUSES` (masked where blank).

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
        The result of :func:`~cchc_indicators.evaluate.evaluate`.
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


# ---------------------------------------------------------------------- composite indices

from ._plot_index import (  # noqa: E402  (they use the helpers above, imported when called)
    index_contributions,
    index_scores,
)
from ._plot_uncertainty import (  # noqa: E402  (the same)
    rank_intervals,
    score_intervals,
    sensitivity_bars,
)
