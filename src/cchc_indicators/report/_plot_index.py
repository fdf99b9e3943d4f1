"""Plots of composite-index results (scores, contributions), and the helpers all index plots share.

:func:`index_scores` and :func:`index_contributions` draw an
:class:`~cchc_indicators.composite.IndexResult`; the plots of an uncertainty
or sensitivity analysis are in :mod:`cchc_indicators.report._plot_uncertainty`,
which draws its rows of units with the helpers here (unit order and labels,
highlighted units, "no data" marks, figure height). Both modules' functions
are re-exported by :mod:`cchc_indicators.report.plot`, whose own helpers they use
(lazy matplotlib import, fonts with a Vietnamese fallback, the data's note at
the bottom of the figure). Those are imported when a function is called, not
at import time: :mod:`~cchc_indicators.report.plot` imports these modules at its
end, and either may be imported first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core.errors import DefinitionError, UnknownUnitError
from cchc_indicators.report._plot_common import _axes, _fonts, _mark, _matplotlib, _wrap
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cchc_indicators.composite._definition import CompositeIndex
    from cchc_indicators.composite._result import IndexResult

__all__ = ["index_contributions", "index_scores"]

IntArray = NDArray[np.int64]
Names = Mapping[str, str] | Hierarchy

_BAR_COLOR = "#4393c3"
_HIGHLIGHT_COLOR = "#d95f02"
_MISSING_COLOR = "#808080"
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
    >>> from cchc_indicators.report.plot import index_scores
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
    >>> from cchc_indicators.report.plot import index_contributions
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
