"""The HTML report of a composite index: ranking, rank intervals and method, in one self-contained file.

:func:`index_report` writes what a provincial office hands to its leaders
about a composite index (a PAR INDEX-style ranking): one HTML5 document that
opens offline (no external URL, font or script), in Vietnamese or English,
with

* the header: the index's name and code, the period, the units, the structure
  (nodes per level, indicators) and, with an uncertainty analysis, its
  replications;
* the synthetic-data banner when the data carry the note;
* the ranking: rank, unit, score and the score of every top-level aggregate,
  best first (units without a score last, saying why);
* with an :class:`~cchc_indicators.composite.uncertainty.Uncertainty`, a
  rank-interval chart drawn as inline SVG (each unit's median rank and its
  5–95 % interval, its nominal rank, and the rank target if one was given)
  and a table of the intervals;
* the method: normalisation, aggregation, imputation and weights, with each
  top-level node's weight and share of the index, and what the uncertainty
  analysis varied;
* the print stylesheet (A4; the uncertainty and the method each start a page).

:meth:`IndexResult.to_report <cchc_indicators.composite.IndexResult.to_report>`
and :meth:`Uncertainty.to_report <cchc_indicators.composite.uncertainty.Uncertainty.to_report>`
call it.

Classes the browser tests and a stylesheet may rely on: ``main.index-report``
(``data-index``); ``table.ranking`` with one ``tr.unit`` per unit
(``data-unit``, ``data-rank``: ``0`` without a rank); ``svg.rank-intervals``
with one ``g.unit`` per unit (``data-unit``, ``data-median``, ``data-p05``,
``data-p95``, ``data-rank``), holding a ``line.interval``, a ``circle.median``
and a ``circle.nominal``; ``table.rank-intervals`` with one ``tr.unit`` per
unit; ``section.ranking``, ``section.uncertainty``, ``section.method``;
``div.banner.synthetic``.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import datasets
>>> from cchc_indicators.composite import compute_index, load_index
>>> from cchc_indicators.composite.uncertainty import uncertainty
>>> index, data = load_index("par-style-demo"), datasets.index_observations()
>>> result = compute_index(index, data)
>>> page = index_report(result, lang="vi", names=datasets.provinces_2024())
>>> page.startswith("<!DOCTYPE html>"), page.count('<tr class="unit"')
(True, 63)
>>> "DỮ LIỆU GIẢ LẬP" in page, "Xếp hạng" in page
(True, True)
>>> u = uncertainty(index, data, n=100, seed=1, weights=0.5, rank_target=15)
>>> page = index_report(result, uncertainty=u)
>>> page.count('<g class="unit"')
63
"""

from __future__ import annotations

from collections.abc import Mapping

from cchc_indicators.composite._result import IndexResult
from cchc_indicators.composite._uncertainty_result import Uncertainty
from cchc_indicators.core._args import check_type
from cchc_indicators.report._index_html import write
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["index_report"]


def index_report(
    result: IndexResult,
    *,
    uncertainty: Uncertainty | None = None,
    lang: str | None = None,
    names: Mapping[str, str] | Hierarchy | None = None,
) -> str:
    """Write the HTML report of a composite index: one self-contained HTML5 document.

    Parameters
    ----------
    result
        The scores (:func:`~cchc_indicators.composite.compute_index`).
    uncertainty
        An uncertainty analysis of the same index, data and units
        (:func:`~cchc_indicators.composite.uncertainty.uncertainty`): adds the
        rank-interval chart and the table of intervals.
    lang
        ``"vi"`` or ``"en"``; default
        ``cchc_indicators.core.i18n.default_language()``.
    names
        The units' names, ``{code: name}`` or a
        :class:`~cchc_indicators.units.hierarchy.Hierarchy`; without them
        units are shown by their codes.

    Returns
    -------
    str
        The document (write it to a ``.html`` file; it opens offline).

    Raises
    ------
    ArgumentTypeError
        If ``result`` is not an :class:`~cchc_indicators.composite.IndexResult`
        or ``uncertainty`` not an
        :class:`~cchc_indicators.composite.uncertainty.Uncertainty`.
    DefinitionError
        For an unknown language, or an uncertainty analysis of another index
        or other units.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
    >>> idx = CompositeIndex("i", name="Demo index", children=[Node("a", name="Services"), Node("b")])
    >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, 20]}, ["A", "B", "C"]))
    >>> page = index_report(r, lang="en", names={"A": "Province <A>"})
    >>> "<h1>Demo index (i)</h1>" in page, "Province &lt;A&gt; (A)" in page, "http" in page
    (True, True, False)
    >>> index_report(r, lang="fr")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: index_report: lang must be 'vi' or 'en', got 'fr'
    """
    check_type(
        result, IndexResult, func="index_report", parameter="result", expected="an IndexResult"
    )
    if uncertainty is not None:
        check_type(
            uncertainty,
            Uncertainty,
            func="index_report",
            parameter="uncertainty",
            expected="an Uncertainty",
        )
    if names is not None:
        check_type(
            names,
            (Mapping, Hierarchy),
            func="index_report",
            parameter="names",
            expected="a mapping {code: name} or a Hierarchy",
        )
    return write(result, uncertainty, lang=lang, names=names)
