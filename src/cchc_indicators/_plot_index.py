"""Plots of composite-index results: scores, contributions, rank and score intervals, sensitivity indices.

The five functions are re-exported by :mod:`cchc_indicators.plot`, whose
helpers they share (lazy matplotlib import, fonts with a Vietnamese fallback,
the data's note at the bottom of the figure). Those helpers are imported when
a function is called, not at import time: :mod:`~cchc_indicators.plot`
imports this module at its end, and either may be imported first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .errors import DefinitionError, UnknownUnitError
from .hierarchy import Hierarchy

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._index_def import CompositeIndex
    from ._index_result import IndexResult
    from .uncertainty import Sensitivity, Uncertainty

__all__ = [
    "index_contributions",
    "index_scores",
    "rank_intervals",
    "score_intervals",
    "sensitivity_bars",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Names = Mapping[str, str] | Hierarchy

_BAR_COLOR = "#4393c3"
_HIGHLIGHT_COLOR = "#d95f02"
_MISSING_COLOR = "#808080"
_NOMINAL_COLOR = "#2166ac"
_MEDIAN_COLOR = "#252525"
_INTERVAL_COLOR = "#92c5de"
_TARGET_COLOR = "#7b3294"
_FIRST_ORDER_COLOR = "#92c5de"
_TOTAL_COLOR = "#2166ac"
#: Inches per unit on the vertical axis of the per-unit charts, and their limit.
_ROW_HEIGHT = 0.24
_MAX_HEIGHT = 30.0


# ---------------------------------------------------------------------- helpers


def _check_top(top: object) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        msg = f"'top' must be a whole number >= 1 (the number of units shown), got {top!r}"
        raise DefinitionError(msg)
    return top


def _rank_order(ranks: IntArray, top: int | None) -> IntArray:
    """Positions of the units best first (rank 0, no score, last; ties in their order), cut to ``top``."""
    key = np.where(ranks == 0, np.iinfo(np.int64).max, ranks)
    order: IntArray = np.lexsort((np.arange(len(ranks)), key))
    return order if top is None else order[:top]


def _unit_labels(units: Sequence[str], names: Names | None) -> list[str]:
    """Each unit's name where ``names`` has one, else its code."""
    if names is None:
        return list(units)
    lookup = (
        dict(zip(names.codes, names.names, strict=True)) if isinstance(names, Hierarchy) else names
    )
    return [str(lookup.get(u, u)) for u in units]


def _highlighted(highlight: str | Sequence[str] | None, units: Sequence[str]) -> set[str]:
    if highlight is None:
        return set()
    chosen = [highlight] if isinstance(highlight, str) else list(highlight)
    missing = [u for u in chosen if u not in units]
    if missing:
        shown = ", ".join(repr(u) for u in missing)
        msg = f"cannot highlight unit {shown}: it is not among the {len(units)} units of the result"
        raise UnknownUnitError(msg, key=str(missing[0]))
    return set(chosen)


def _check_index(index: CompositeIndex | None, code: str) -> None:
    if index is not None and index.code != code:
        msg = f"the result is of index {code!r}, but 'index' is the definition of {index.code!r}"
        raise DefinitionError(msg, code=index.code)


def _node_label(index: CompositeIndex | None, code: str) -> str:
    """``Name (code)`` when the definition names the node, else the code."""
    if index is None:
        return code
    name = index.name if code == index.code else index.node(code).name
    return f"{name} ({code})" if name else code


def _rows_height(n: int) -> float:
    return min(1.8 + _ROW_HEIGHT * n, _MAX_HEIGHT)


def _unit_axis(
    ax: Axes,
    labels: Sequence[str],
    bold: Sequence[bool],
    families: list[str],
) -> NDArray[np.float64]:
    """Put one unit per row, the first on top; return the rows' positions."""
    y = np.arange(len(labels), dtype=np.float64)
    ax.set_yticks(y, list(labels), fontfamily=families)
    for tick, strong in zip(ax.get_yticklabels(), bold, strict=True):
        if strong:
            tick.set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.5, -0.5)
    return y


def _missing_text(ax: Axes, y: float, text: str) -> None:
    """Write ``text`` (such as "no data") at the left of row ``y``."""
    ax.text(
        0.01,
        y,
        text,
        transform=ax.get_yaxis_transform(),
        va="center",
        ha="left",
        fontsize="small",
        fontstyle="italic",
        color=_MISSING_COLOR,
        gid="no-data",
    )


def _reason_text(reason: str) -> str:
    return "insufficient data" if reason == "insufficient_data" else "no data"


# ---------------------------------------------------------------------- scores


def index_scores(
    result: IndexResult,
    *,
    node: str | None = None,
    ax: Axes | None = None,
    top: int | None = None,
    names: Names | None = None,
    index: CompositeIndex | None = None,
    highlight: str | Sequence[str] | None = None,
    digits: int = 1,
    title: str | None = None,
) -> Figure:
    """Plot the score of every unit at a node of an index as horizontal bars, best first.

    One row per unit in rank order (the best on top), labelled with its rank
    and name; each bar ends with its score. Units without a score at the
    node come last, marked "no data" (or "insufficient data" when they have
    too few of the node's children, below its ``min_share``).

    Called by :meth:`IndexResult.plot("scores") <cchc_indicators.composite.IndexResult.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    result
        The result of :func:`~cchc_indicators.composite.compute_index`.
    node
        The node whose scores are drawn (default: the index itself).
    ax
        The axes to draw on; by default a new figure is made, sized to the
        number of units.
    top
        Show only the best ``top`` units.
    names
        The units' names, as ``{code: name}`` or a
        :class:`~cchc_indicators.Hierarchy` (such as
        :func:`~cchc_indicators.datasets.provinces_2024`); units without one
        are labelled with their code.
    index
        The index's definition, to name the node in the title.
    highlight
        A unit code, or several, whose bars are drawn in a contrasting colour
        and whose labels are bold (say, your own province among 63).
    digits
        Decimals of the scores written at the bars' ends.
    title
        The axes' title (default: the node, the period and, with ``top``,
        how many units are shown).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure (the one ``ax`` belongs to, when given). The bars are the
        axes' first container, one bar per unit with a score (each with the
        ``gid`` ``"scores"``); the "no data" texts have the ``gid``
        ``"no-data"``.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If ``node`` is not a node of the index.
    UnknownUnitError
        If a unit in ``highlight`` is not in the result.
    DefinitionError
        If ``top`` is not a whole number >= 1, or ``index`` is the
        definition of another index.

    See Also
    --------
    index_contributions : what each child adds to the scores.
    rank_intervals : how far the ranks move under uncertainty.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import compute_index, load_index
    >>> from cchc_indicators.plot import index_scores
    >>> result = compute_index(load_index("par-style-demo"), datasets.index_observations())
    >>> fig = index_scores(result, top=3, names=datasets.provinces_2024())
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1. Tỉnh Bình Dương', '2. Tỉnh Sơn La', '3. Tỉnh Quảng Ngãi']
    >>> [round(float(b.get_width()), 1) for b in ax.containers[0]]
    [89.3, 84.9, 84.4]
    >>> [t.get_text() for t in fig.texts] == [result.note]  # synthetic data stay labelled
    True
    """
    from .plot import _axes, _fonts, _mark, _matplotlib, _wrap

    code = result.index if node is None else node
    scores = result.score(code)  # UnknownIndicatorError for a node not in the index
    ranks = result.rank(code)
    reasons = result.reason[result.nodes.index(code)]
    limit = _check_top(top)
    _check_index(index, result.index)
    strong = _highlighted(highlight, result.units)
    order = _rank_order(ranks, limit)
    units = [result.units[j] for j in order.tolist()]
    labels = [
        f"{ranks[j]}. {name}" if ranks[j] else name
        for j, name in zip(order.tolist(), _unit_labels(units, names), strict=True)
    ]
    has = ~np.isnan(scores[order])

    _matplotlib()
    with _fonts() as families:
        ax, fig = _axes(ax, (7.5, _rows_height(len(units))))
        y = _unit_axis(ax, labels, [u in strong for u in units], families)
        bars = ax.barh(
            y[has],
            scores[order][has],
            height=0.7,
            color=[_HIGHLIGHT_COLOR if u in strong else _BAR_COLOR for u in np.array(units)[has]],
            gid="scores",
        )
        ax.bar_label(
            bars,
            labels=[f"{s:.{digits}f}" for s in scores[order][has]],
            padding=2,
            fontsize="small",
        )
        for k in np.flatnonzero(~has).tolist():
            _missing_text(ax, float(y[k]), _reason_text(str(reasons[order[k]])))
        ax.margins(x=0.08)
        ax.set_xlabel("score")
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title is None:
            shown = "" if limit is None else f"; the best {len(units)} of {len(result.units)} units"
            title = f"{_wrap(_node_label(index, code))}\nscores in {result.period}{shown}"
        ax.set_title(title, fontsize="medium", fontfamily=families)
        _mark(fig, result.note, families)
    return fig


# ---------------------------------------------------------------------- contributions


def _child_colors(mpl: Any, count: int) -> list[Any]:
    """One qualitative colour per child (tab10, or tab20 beyond ten, then round again)."""
    cmap = mpl.colormaps["tab10" if count <= 10 else "tab20"]
    return [cmap(k % cmap.N) for k in range(count)]


def index_contributions(
    result: IndexResult,
    *,
    node: str | None = None,
    ax: Axes | None = None,
    top: int | None = None,
    names: Names | None = None,
    index: CompositeIndex | None = None,
    title: str | None = None,
) -> Figure:
    """Plot what each child of a node adds to every unit's score, as stacked horizontal bars.

    One row per unit in rank order at the node (the best on top); the bar is
    cut into one segment per child of the node, as long as the child's
    contribution (:attr:`IndexResult.contributions
    <cchc_indicators.composite.IndexResult.contributions>`: its
    re-normalised weight times its score), so that the segments add up to the
    unit's score. Negative contributions (possible after ``zscore``
    normalisation) are stacked to the left of zero. A legend names the
    children. Units without a score come last, marked "no data".

    Contributions exist only where the node is aggregated arithmetically:
    a geometric mean, say, has no additive parts.

    Called by :meth:`IndexResult.plot("contributions") <cchc_indicators.composite.IndexResult.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    result
        The result of :func:`~cchc_indicators.composite.compute_index`.
    node
        The node whose children's contributions are drawn (default: the
        index, whose children are the top-level domains).
    ax
        The axes to draw on; by default a new figure is made, sized to the
        number of units.
    top
        Show only the best ``top`` units.
    names
        The units' names, as ``{code: name}`` or a
        :class:`~cchc_indicators.Hierarchy`.
    index
        The index's definition, to name the node and its children (the
        legend shows codes otherwise).
    title
        The axes' title (default: the node and the period).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        The figure. Each child's segments are one bar container, in the
        order of the children, one bar per unit with a score (each with the
        child's code as ``gid``).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    UnknownIndicatorError
        If ``node`` is not a node of the index.
    DefinitionError
        If the node is an indicator (it has no children), if it is not
        aggregated arithmetically (no contributions), if no unit has a score
        at it, if ``top`` is not a whole number >= 1, or if ``index`` is the
        definition of another index.

    See Also
    --------
    index_scores : the scores alone.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import compute_index, load_index
    >>> from cchc_indicators.plot import index_contributions
    >>> index = load_index("par-style-demo")
    >>> result = compute_index(index, datasets.index_observations())
    >>> fig = index_contributions(result, top=5, index=index)
    >>> ax = fig.axes[0]
    >>> len(ax.containers), len(ax.patches)  # 8 domains, 5 units
    (8, 40)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['Directing and managing PAR', 'Institutional reform']
    >>> total = sum(c[0].get_width() for c in ax.containers)  # the best unit's segments
    >>> round(float(total), 1) == round(float(result.score().max()), 1)
    True
    """
    from .plot import _axes, _fonts, _mark, _matplotlib, _wrap

    code = result.index if node is None else node
    scores = result.score(code)  # UnknownIndicatorError for a node not in the index
    ranks = result.rank(code)
    row = result.nodes.index(code)
    limit = _check_top(top)
    _check_index(index, result.index)
    kids = [k for k, parent in enumerate(result.parents) if parent == code]
    if not kids:
        msg = f"node {code!r} is an indicator (a leaf): it has no children to show the contributions of"
        raise DefinitionError(msg, code=code)
    parts = result.contributions[kids]  # (children, units)
    if np.isnan(scores).all():
        msg = f"no unit has a score at node {code!r} in {result.period}: nothing to plot"
        raise DefinitionError(msg, code=code)
    if np.isnan(parts).all():
        msg = (
            f"node {code!r} is not aggregated arithmetically, so its children have no "
            "contributions (they add up to the score only under arithmetic aggregation); "
            "plot the scores instead"
        )
        raise DefinitionError(msg, code=code)
    order = _rank_order(ranks, limit)
    units = [result.units[j] for j in order.tolist()]
    labels = [
        f"{ranks[j]}. {name}" if ranks[j] else name
        for j, name in zip(order.tolist(), _unit_labels(units, names), strict=True)
    ]
    has = ~np.isnan(scores[order])
    shown = np.nan_to_num(parts[:, order[has]])  # a child without a value adds nothing
    # positive parts stack rightwards from 0, negative ones leftwards
    right = np.cumsum(np.where(shown > 0, shown, 0.0), axis=0)
    left = np.cumsum(np.where(shown < 0, shown, 0.0), axis=0)
    starts = np.where(shown >= 0, right - shown, left - shown)
    child_codes = [result.nodes[k] for k in kids]
    child_labels = [
        _wrap(index.node(c).name or c, 32) if index is not None else c for c in child_codes
    ]

    colors = _child_colors(_matplotlib(), len(kids))
    with _fonts() as families:
        ax, fig = _axes(ax, (9.5, _rows_height(len(units))))
        y = _unit_axis(ax, labels, [False] * len(units), families)
        for c, (child, label, color) in enumerate(
            zip(child_codes, child_labels, colors, strict=True)
        ):
            ax.barh(
                y[has],
                shown[c],
                left=starts[c],
                height=0.7,
                color=color,
                edgecolor="white",
                linewidth=0.5,
                label=label,
                gid=child,
            )
        for k in np.flatnonzero(~has).tolist():
            _missing_text(ax, float(y[k]), _reason_text(str(result.reason[row, order[k]])))
        if (shown < 0).any():
            ax.axvline(0.0, color="#404040", linewidth=0.8, gid="zero")
        ax.set_xlabel(f"contribution to the score of {code}")
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), prop={"family": families, "size": "small"}
        )
        if title is None:
            title = (
                f"{_wrap(_node_label(index, code))}\ncontributions of its children in "
                f"{result.period} (they add up to the score)"
            )
        ax.set_title(title, fontsize="medium", fontfamily=families)
        _mark(fig, result.note, families)
    return fig


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

    Called by :meth:`Uncertainty.plot() <cchc_indicators.uncertainty.Uncertainty.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    uncertainty
        The result of :func:`~cchc_indicators.uncertainty.uncertainty` (or
        :func:`~cchc_indicators.uncertainty.points_uncertainty`).
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
    >>> from cchc_indicators.plot import rank_intervals
    >>> from cchc_indicators.uncertainty import WeightNoise, uncertainty
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
    from .plot import _axes, _fonts, _mark, _matplotlib, _wrap

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
    <cchc_indicators.uncertainty.Uncertainty.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    uncertainty
        The result of :func:`~cchc_indicators.uncertainty.uncertainty` (or
        :func:`~cchc_indicators.uncertainty.points_uncertainty`).
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
    >>> from cchc_indicators.plot import score_intervals
    >>> from cchc_indicators.uncertainty import WeightNoise, uncertainty
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
    from .plot import _axes, _fonts, _mark, _matplotlib, _wrap

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

    Called by :meth:`Sensitivity.plot() <cchc_indicators.uncertainty.Sensitivity.plot>`.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    sensitivity
        The result of :func:`~cchc_indicators.uncertainty.sensitivity`.
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
    >>> from cchc_indicators.plot import sensitivity_bars
    >>> from cchc_indicators.uncertainty import sensitivity
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
    from .plot import _axes, _fonts, _mark, _matplotlib, _wrap

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
