"""The correlation heat-map of an index's statistics.

Re-exported by :mod:`cchc_indicators.report.plot` and drawn by
:meth:`cchc_indicators.composite.diagnostics.Diagnostics.plot`, which imports
it when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cchc_indicators.core.i18n import default_language, gettext
from cchc_indicators.report._plot_common import _fonts, _mark, _matplotlib

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cchc_indicators.composite.diagnostics import Diagnostics

__all__ = ["correlation_heatmap"]


def correlation_heatmap(
    d: Diagnostics,
    *,
    method: str = "pearson",
    level: int | None = None,
    annotate: bool | None = None,
    lang: str | None = None,
) -> Figure:
    """Draw the correlations of the nodes of each level (or of one ``level``), a panel each; return the Figure.

    Parameters
    ----------
    d
        The statistics (:func:`cchc_indicators.composite.diagnostics.diagnostics`).
    method
        ``"pearson"`` or ``"spearman"``.
    level
        One level of the tree (default: every level below the index).
    annotate
        Write each correlation in its cell (default: when the level has at
        most 12 nodes).
    lang
        The titles' language (default: ``default_language()``).

    Returns
    -------
    :class:`!matplotlib.figure.Figure`
        One panel per level.

    Raises
    ------
    DefinitionError
        For an unknown method or level (see
        :meth:`~cchc_indicators.composite.diagnostics.Diagnostics.correlations`).

    Notes
    -----
    Colours run from blue (−1) through white (0) to red (+1); a cell is
    annotated with its value when the panel has at most 12 nodes (or as
    ``annotate`` says). The data's note is written at the bottom.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import load_index
    >>> from cchc_indicators.composite.diagnostics import diagnostics
    >>> d = diagnostics(load_index("par-style-demo"), datasets.index_observations())
    >>> [ax.get_title() for ax in correlation_heatmap(d, level=1, lang="en").axes[:1]]
    ['Level 1: Pearson correlations']
    """
    lang = lang or default_language()
    d.correlations(method=method, level=level)  # checks the method and the level
    levels = [level] if level is not None else sorted({v for v in d.levels if v > 0}) or [0]
    _matplotlib()
    from matplotlib.figure import Figure

    with _fonts() as families:
        fig = Figure(figsize=(5.5 * len(levels), 5.0), layout="constrained")
        axes = fig.subplots(1, len(levels), squeeze=False)[0]
        image: Any = None
        for ax, lv in zip(axes, levels, strict=True):
            matrix = d.correlations(method=method, level=lv)
            codes = [c for c, v in zip(d.nodes, d.levels, strict=True) if v == lv]
            image = ax.imshow(np.ma.masked_invalid(matrix), cmap="RdBu_r", vmin=-1.0, vmax=1.0)
            ax.set_xticks(range(len(codes)), codes, rotation=90, fontsize=7)
            ax.set_yticks(range(len(codes)), codes, fontsize=7)
            ax.set_title(
                gettext("Level {level}: {method} correlations", lang).format(
                    level=lv, method=method.capitalize()
                )
            )
            show = annotate if annotate is not None else len(codes) <= 12
            if show:
                rows, cols = np.nonzero(~np.isnan(matrix))
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                    ax.text(c, r, f"{matrix[r, c]:.2f}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=list(axes), shrink=0.8)
        _mark(fig, d.note, families)
    return fig
