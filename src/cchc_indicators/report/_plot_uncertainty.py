"""Plots of uncertainty and sensitivity analyses: rank and score intervals, sensitivity indices.

:func:`rank_intervals` and :func:`score_intervals` draw an
:class:`~cchc_indicators.composite.uncertainty.Uncertainty`, :func:`sensitivity_bars` a
:class:`~cchc_indicators.composite.uncertainty.Sensitivity`. They are re-exported by
:mod:`cchc_indicators.report.plot`; they draw their rows of units with the helpers
of :mod:`cchc_indicators.report._plot_index` and, like the plots there, import those
of :mod:`~cchc_indicators.report.plot` only when called.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.report._plot_common import _axes, _fonts, _mark, _matplotlib, _wrap
from cchc_indicators.report._plot_index import (
    _HIGHLIGHT_COLOR,
    _MISSING_COLOR,
    Names,
    _check_index,
    _check_top,
    _highlighted,
    _missing_text,
    _node_label,
    _rank_order,
    _rows_height,
    _unit_axis,
    _unit_labels,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cchc_indicators.composite._definition import CompositeIndex
    from cchc_indicators.composite.uncertainty import Sensitivity, Uncertainty

__all__ = ["rank_intervals", "score_intervals", "sensitivity_bars"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_NOMINAL_COLOR = "#2166ac"
_MEDIAN_COLOR = "#252525"
_INTERVAL_COLOR = "#92c5de"
_TARGET_COLOR = "#7b3294"
_FIRST_ORDER_COLOR = "#92c5de"
_TOTAL_COLOR = "#2166ac"


# ---------------------------------------------------------------------- rank intervals


def _percent(x: float) -> str:
    return f"{100 * x:.4g}"


def rank_intervals(
    uncertainty: Uncertainty,
    *,
    node: str | None = None,
    ax: Axes | None = None,
    top: int | None = None,
    rank_target: int | None = None,
    coverage: float = 0.9,
    names: Names | None = None,
    highlight: str | Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Plot each unit's nominal rank, median rank and rank interval over the replications.

    The uncertainty plot of composite indicators: one row per unit, sorted
    by nominal rank (the best on top); a dot at the nominal rank (the index's
    own choices), a hollow diamond at the median rank over the Monte Carlo
    replications, and a line over the central ``coverage`` interval of the
    ranks (5–95 % by default). A long line means the unit's place depends
    on the choices made in building the index. A dashed vertical line
    between ranks ``K`` and ``K + 1`` marks a rank target ("top K").

    Called by :meth:`Uncertainty.plot() <cchc_indicators.composite.uncertainty.Uncertainty.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    uncertainty
        The result of :func:`~cchc_indicators.composite.uncertainty.uncertainty` (or
        :func:`~cchc_indicators.composite.uncertainty.points_uncertainty`).
    node
        The node whose ranks are drawn (default: the first kept, normally
        the index).
    ax
        The axes to draw on; by default a new figure is made, sized to the
        number of units.
    top
        Show only the ``top`` best units by nominal rank.
    rank_target
        The rank target K marked by the line "top K" (default: the analysis'
        own ``rank_target``; none when both are ``None``).
    coverage
        The probability covered by the interval lines (0.9: from the 5 % to
        the 95 % quantile).
    names
        The units' names, as ``{code: name}`` or a
        :class:`~cchc_indicators.Hierarchy`.
    highlight
        A unit code, or several, drawn in a contrasting colour with a bold
        label.
    title
        The axes' title (default: the node, the number of replications and
        what varied).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. Its lines have the ``gid`` ``"nominal"`` and
        ``"median"`` (one point per unit shown, NaN where there is no rank)
        and ``"rank_target"``; the intervals are a
        :class:`!matplotlib.collections.LineCollection` with the ``gid``
        ``"intervals"``, one segment per unit with a rank.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If ``node`` is not among the kept nodes.
    UnknownUnitError
        If a unit in ``highlight`` is not in the analysis.
    DefinitionError
        If ``top`` or ``rank_target`` is not a whole number >= 1, or
        ``coverage`` is not between 0 and 1.

    See Also
    --------
    sensitivity_bars : which choices move the ranks most.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> from cchc_indicators.report.plot import rank_intervals
    >>> from cchc_indicators.composite.uncertainty import WeightNoise, uncertainty
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> u = uncertainty(idx, data, n=2000, seed=1, weights=WeightNoise(0.5), rank_target=2)
    >>> ax = rank_intervals(u).axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]  # by nominal rank
    ['X', 'Y', 'W', 'Z']
    >>> [seg[:, 0].tolist() for seg in ax.collections[0].get_segments()]  # 5–95 % intervals
    [[1.0, 2.0], [1.0, 3.0], [1.0, 4.0], [3.0, 4.0]]
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['5–95 % interval', 'nominal rank', 'median rank', 'top 2']
    """

    if not 0 < coverage < 1:
        msg = f"'coverage' must be between 0 and 1, got {coverage!r}"
        raise DefinitionError(msg)
    lo, hi = uncertainty.rank_interval(node, coverage=coverage)  # UnknownIndicatorError
    median = uncertainty.rank_median(node)
    code = uncertainty.nodes[0] if node is None else node
    nominal = uncertainty.nominal_ranks[uncertainty.nodes.index(code)]
    limit = _check_top(top)
    target = uncertainty.rank_target if rank_target is None else rank_target
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, int) or target < 1
    ):
        msg = f"'rank_target' must be a whole number >= 1, got {target!r}"
        raise DefinitionError(msg)
    strong = _highlighted(highlight, uncertainty.units)
    order = _rank_order(nominal, limit)
    units = [uncertainty.units[j] for j in order.tolist()]
    labels = _unit_labels(units, names)
    ranked = lo[order] > 0

    def points(r: IntArray) -> FloatArray:
        out: FloatArray = np.where(r[order] > 0, r[order], np.nan).astype(np.float64)
        return out

    tail = (1 - coverage) / 2
    _matplotlib()
    from matplotlib.ticker import MaxNLocator

    with _fonts() as families:
        ax, fig = _axes(ax, (7.5, _rows_height(len(units))))
        y = _unit_axis(ax, labels, [u in strong for u in units], families)
        colors = [_HIGHLIGHT_COLOR if u in strong else _INTERVAL_COLOR for u in units]
        lines = ax.hlines(
            y[ranked],
            lo[order][ranked],
            hi[order][ranked],
            colors=[c for c, ok in zip(colors, ranked.tolist(), strict=True) if ok],
            linewidth=3.0,
            label=f"{_percent(tail)}–{_percent(1 - tail)} % interval",
            gid="intervals",
            zorder=2,
        )
        (nominal_marks,) = ax.plot(
            points(nominal),
            y,
            linestyle="none",
            marker="o",
            color=_NOMINAL_COLOR,
            label="nominal rank",
            gid="nominal",
            zorder=3,
        )
        (median_marks,) = ax.plot(
            points(median),
            y,
            linestyle="none",
            marker="D",
            markersize=5,
            markerfacecolor="none",
            markeredgecolor=_MEDIAN_COLOR,
            label="median rank",
            gid="median",
            zorder=4,
        )
        for k in np.flatnonzero(~ranked).tolist():
            _missing_text(ax, float(y[k]), "no data")
        handles: list[Any] = [lines] if ranked.any() else []
        handles += [nominal_marks, median_marks]
        if target is not None:
            handles.append(
                ax.axvline(
                    target + 0.5,
                    color=_TARGET_COLOR,
                    linestyle="--",
                    linewidth=1.2,
                    label=f"top {target}",
                    gid="rank_target",
                )
            )
        highest = max(int(hi.max(initial=0)), int(nominal.max(initial=0)), 1)
        ax.set_xlim(0.5, max(highest, target or 0) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("rank (1 = best)")
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        # an empty collection (no unit with a rank) cannot be drawn in a legend
        ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        if title is None:
            varied = "; ".join(f"{k} {v}" for k, v in uncertainty.settings.items())
            title = (
                f"ranks at {code} over {uncertainty.n} replications"
                + ("" if uncertainty.seed is None else f" (seed {uncertainty.seed})")
                + f"\n{_wrap('varied: ' + varied)}"
            )
        ax.set_title(title, fontsize="medium", fontfamily=families)
        _mark(fig, uncertainty.note, families)
    return fig


# ---------------------------------------------------------------------- score intervals


def _rank_text(lo: int, hi: int) -> str:
    """``rank 3–7``, or ``rank 4`` when the interval is a single rank."""
    return f"rank {lo}" if lo == hi else f"rank {lo}–{hi}"


def _check_node_of(index: CompositeIndex | None, uncertainty: Uncertainty, code: str) -> None:
    """Refuse an ``index`` that is not the definition the analysis was run on."""
    known = getattr(uncertainty.nominal, "index", None)
    if isinstance(known, str):  # the nominal result of a composite index names it
        _check_index(index, known)
    elif index is not None and code != index.code and all(n.code != code for n in index.nodes()):
        msg = (
            f"node {code!r} of the analysis is not a node of index {index.code!r}, given as 'index'"
        )
        raise DefinitionError(msg, code=index.code)


def score_intervals(
    uncertainty: Uncertainty,
    *,
    node: str | None = None,
    ax: Axes | None = None,
    top: int | None = None,
    coverage: float = 0.9,
    names: Names | None = None,
    index: CompositeIndex | None = None,
    highlight: str | Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Plot each unit's score interval over the replications, with its rank interval beside it.

    One row per unit, sorted by nominal rank (the best on top): a line over
    the central ``coverage`` interval of the unit's scores over the Monte
    Carlo replications (5–95 % by default), a dot at its nominal score (the
    index's own choices) and a hollow diamond at its median score. Beside
    each line, the unit's rank interval at the same coverage is written out
    ("rank 3–7", or "rank 4" when it never leaves one rank), so the spread
    of the scores can be read against what it does to the ranking. Units
    never scored in any replication come last, marked "no data".

    Called by :meth:`Uncertainty.plot(kind="scores")
    <cchc_indicators.composite.uncertainty.Uncertainty.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    uncertainty
        The result of :func:`~cchc_indicators.composite.uncertainty.uncertainty` (or
        :func:`~cchc_indicators.composite.uncertainty.points_uncertainty`).
    node
        The node whose scores are drawn (default: the first kept, normally
        the index).
    ax
        The axes to draw on; by default a new figure is made, sized to the
        number of units.
    top
        Show only the ``top`` best units by nominal rank.
    coverage
        The probability covered by the score and rank intervals (0.9: from
        the 5 % to the 95 % quantile).
    names
        The units' names, as ``{code: name}`` or a
        :class:`~cchc_indicators.Hierarchy`.
    index
        The index's definition, to name the node in the title.
    highlight
        A unit code, or several, whose intervals are drawn in a contrasting
        colour and whose labels and rank texts are bold.
    title
        The axes' title (default: the node, the number of replications and
        what varied).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. The intervals are a
        :class:`!matplotlib.collections.LineCollection` with the ``gid``
        ``"intervals"``, one segment per unit with a score; the markers are
        lines with the ``gid`` ``"nominal"`` and ``"median"`` (one point per
        unit shown, NaN where there is no score); the rank texts have the
        ``gid`` ``"rank"`` and the "no data" texts ``"no-data"``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If ``node`` is not among the kept nodes.
    UnknownUnitError
        If a unit in ``highlight`` is not in the analysis.
    DefinitionError
        If ``top`` is not a whole number >= 1, ``coverage`` is not between
        0 and 1, or ``index`` is not the definition the analysis was run on.

    See Also
    --------
    rank_intervals : the ranks themselves, with a rank target.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> from cchc_indicators.report.plot import score_intervals
    >>> from cchc_indicators.composite.uncertainty import WeightNoise, uncertainty
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> u = uncertainty(idx, data, n=2000, seed=1, weights=WeightNoise(0.5))
    >>> ax = score_intervals(u).axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]  # by nominal rank
    ['X', 'Y', 'W', 'Z']
    >>> [t.get_text() for t in ax.texts]  # the 5–95 % rank intervals
    ['rank 1–2', 'rank 1–3', 'rank 1–4', 'rank 3–4']
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['5–95 % interval', 'nominal score', 'median score']
    """

    lo, hi = uncertainty.score_interval(node, coverage=coverage)  # UnknownIndicatorError
    median = uncertainty.score_median(node)
    rank_lo, rank_hi = uncertainty.rank_interval(node, coverage=coverage)
    code = uncertainty.nodes[0] if node is None else node
    row = uncertainty.nodes.index(code)
    nominal = uncertainty.nominal_scores[row]
    limit = _check_top(top)
    _check_node_of(index, uncertainty, code)
    strong = _highlighted(highlight, uncertainty.units)
    scored = ~np.isnan(lo)
    # nominal rank first; then units scored only in some replications; never scored last
    count = len(uncertainty.units)
    ranks = np.where(
        uncertainty.nominal_ranks[row] > 0,
        uncertainty.nominal_ranks[row],
        np.where(scored, count + 1, 0),
    )
    order = _rank_order(ranks, limit)
    units = [uncertainty.units[j] for j in order.tolist()]
    labels = _unit_labels(units, names)
    has = scored[order]
    tail = (1 - coverage) / 2
    drawn = np.concatenate([lo[order], hi[order], nominal[order], median[order]])
    drawn = drawn[~np.isnan(drawn)]

    _matplotlib()
    with _fonts() as families:
        ax, fig = _axes(ax, (7.5, _rows_height(len(units))))
        bold = [u in strong for u in units]
        y = _unit_axis(ax, labels, bold, families)
        intervals = ax.hlines(
            y[has],
            lo[order][has],
            hi[order][has],
            colors=[
                _HIGHLIGHT_COLOR if u in strong else _INTERVAL_COLOR
                for u, ok in zip(units, has.tolist(), strict=True)
                if ok
            ],
            linewidth=3.0,
            label=f"{_percent(tail)}–{_percent(1 - tail)} % interval",
            gid="intervals",
            zorder=2,
        )
        (nominal_marks,) = ax.plot(
            nominal[order],
            y,
            linestyle="none",
            marker="o",
            color=_NOMINAL_COLOR,
            label="nominal score",
            gid="nominal",
            zorder=3,
        )
        (median_marks,) = ax.plot(
            median[order],
            y,
            linestyle="none",
            marker="D",
            markersize=5,
            markerfacecolor="none",
            markeredgecolor=_MEDIAN_COLOR,
            label="median score",
            gid="median",
            zorder=4,
        )
        for k, j in enumerate(order.tolist()):
            if not has[k]:
                _missing_text(ax, float(y[k]), "no data")
                continue
            end = float(np.nanmax([hi[j], nominal[j], median[j]]))  # hi is there: has[k]
            ax.annotate(
                _rank_text(int(rank_lo[j]), int(rank_hi[j])),
                (end, float(y[k])),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize="small",
                fontweight="bold" if bold[k] else "normal",
                color="#404040",
                gid="rank",
            )
        if drawn.size:
            low, high = float(drawn.min()), float(drawn.max())
            span = high - low or max(abs(high), 1.0)
            # room on the right for the rank texts written beside the longest lines
            ax.set_xlim(low - 0.05 * span, high + 0.3 * span)
        ax.set_xlabel(f"score at {code}")
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        # an empty collection (no unit with a score) cannot be drawn in a legend
        handles = [intervals] if has.any() else []
        ax.legend(
            handles=[*handles, nominal_marks, median_marks],
            fontsize="small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
        )
        if title is None:
            varied = "; ".join(f"{k} {v}" for k, v in uncertainty.settings.items())
            shown = "" if limit is None else f"; the best {len(units)} of {count} units"
            title = (
                f"{_wrap(_node_label(index, code))}\nscores over {uncertainty.n} replications"
                + ("" if uncertainty.seed is None else f" (seed {uncertainty.seed})")
                + f"{shown}\n{_wrap('varied: ' + varied)}"
            )
        ax.set_title(title, fontsize="medium", fontfamily=families)
        _mark(fig, uncertainty.note, families)
    return fig


# ---------------------------------------------------------------------- sensitivity


def sensitivity_bars(
    sensitivity: Sensitivity,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Plot the first-order and total sensitivity index of each uncertain choice as grouped bars.

    Two bars per factor (the weights, the normalisation, the aggregation,
    the imputation: those that varied): its first-order index, the share of
    the output's variance it causes alone, and its total index, including
    its interactions with the others. A vertical line over each bar spans
    its bootstrap 90 % interval, when the analysis made one. The title
    says which output's variance is decomposed (by default the mean
    absolute shift of the units' ranks from their nominal ranks).

    Called by :meth:`Sensitivity.plot() <cchc_indicators.composite.uncertainty.Sensitivity.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    sensitivity
        The result of :func:`~cchc_indicators.composite.uncertainty.sensitivity`.
    ax
        The axes to draw on; by default a new figure is made.
    title
        The axes' title (default: the output, the node and the runs).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. The bars are two containers labelled ``"first order"``
        and ``"total"``, one bar per factor (each with the ``gid``
        ``"first_order"`` or ``"total"``); the intervals are error-bar
        containers after them, centred on each interval's midpoint.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    rank_intervals : how far each unit's rank moves.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> from cchc_indicators.report.plot import sensitivity_bars
    >>> from cchc_indicators.composite.uncertainty import sensitivity
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> s = sensitivity(idx, data, n=500, seed=1, weights=0.5, normalisation=["minmax", "zscore"])
    >>> ax = sensitivity_bars(s).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['weights', 'normalisation']
    >>> [b.get_height() for b in ax.containers[1]] == s.total.tolist()
    True
    >>> print(ax.get_title())
    sensitivity of the mean absolute rank shift from
    the nominal ranks
    at node 'i'; 2000 runs (n = 500), seed 1
    """

    factors = list(sensitivity.factors)
    x = np.arange(len(factors), dtype=np.float64)
    width = 0.38
    series = (
        ("first order", "first_order", sensitivity.first_order, sensitivity.first_order_interval),
        ("total", "total", sensitivity.total, sensitivity.total_interval),
    )
    drawn = [
        float(v)
        for _, _, values, interval in series
        for v in (*values.tolist(), *interval.ravel().tolist())
        if not math.isnan(v)
    ]

    _matplotlib()
    with _fonts() as families:
        ax, fig = _axes(ax, (max(5.0, 2.6 + 1.4 * len(factors)), 4.5))
        for k, (label, gid, values, _) in enumerate(series):
            ax.bar(
                x + (k - 0.5) * width,
                values,
                width,
                color=(_FIRST_ORDER_COLOR, _TOTAL_COLOR)[k],
                label=label,
                gid=gid,
                zorder=2,
            )
        labelled = False
        for k, (_, gid, _, interval) in enumerate(series):
            ok = ~np.isnan(interval).any(axis=1)
            if not ok.any():
                continue
            low, high = interval[ok, 0], interval[ok, 1]
            ax.errorbar(
                x[ok] + (k - 0.5) * width,
                (low + high) / 2,
                yerr=(high - low) / 2,
                fmt="none",
                ecolor="#252525",
                elinewidth=1.2,
                capsize=4,
                label=None if labelled else "bootstrap 90 % interval",
                gid=f"{gid}_interval",
                zorder=3,
            )
            labelled = True
        if not drawn:
            ax.text(
                0.5,
                0.5,
                "the ranks never moved: no variance to decompose",
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=_MISSING_COLOR,
                gid="no-variance",
            )
        ax.axhline(0.0, color="#404040", linewidth=0.8)
        ax.set_ylim(min([0.0, *drawn]) - 0.02, max([1.0, *drawn]) + 0.05)
        ax.set_xticks(x, factors, fontfamily=families)
        ax.set_ylabel("share of the output's variance")
        ax.set_xlim(-0.7, len(factors) - 0.3)
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title is None:
            title = (
                f"{_wrap('sensitivity of the ' + sensitivity.output, 48)}\nat node {sensitivity.node!r}; "
                f"{sensitivity.runs} runs (n = {sensitivity.n})"
                + ("" if sensitivity.seed is None else f", seed {sensitivity.seed}")
            )
        ax.set_title(title, fontsize="medium", fontfamily=families)
        _mark(fig, sensitivity.note, families)
    return fig
