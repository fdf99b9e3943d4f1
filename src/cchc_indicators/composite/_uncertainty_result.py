"""The results of the analyses of :mod:`cchc_indicators.composite.uncertainty`: :class:`Uncertainty`, :class:`Sensitivity`.

Both are frozen value objects holding read-only arrays; they summarise
(intervals, medians, rank probabilities), write records and plain-text
tables, and draw themselves with :mod:`cchc_indicators.report.plot`.
:mod:`cchc_indicators.composite.uncertainty` offers them and documents them there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._result import _ARRAY, decimal_commas, fixed, text_table
from cchc_indicators.core._notes import note_text
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError, UnknownIndicatorError
from cchc_indicators.core.i18n import check_language, default_language, gettext
from cchc_indicators.data.panel import _pandas

__all__ = ["Sensitivity", "Uncertainty"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _check_coverage(coverage: float) -> None:
    if isinstance(coverage, bool) or not isinstance(coverage, (int, float)) or not 0 < coverage < 1:
        msg = f"'coverage' must be between 0 and 1 (exclusive), got {coverage!r}"
        raise DefinitionError(msg)


@attrs.frozen(repr=False)
class Uncertainty:
    """The distribution of scores and ranks over Monte Carlo replications.

    Attributes
    ----------
    nominal
        The result with the index's own choices (an
        :class:`~cchc_indicators.composite.IndexResult`, or a
        :class:`~cchc_indicators.composite.points.PointsResult` for a points tree).
    units, nodes
        The units, and the nodes whose replications are kept.
    scores
        The replicated scores, shape ``(n, nodes, units)``.
    counts
        How many replications gave each rank: shape ``(nodes, units,
        units + 1)``, rank 0 meaning "no score".
    n, seed
        The number of replications and the seed.
    settings
        What varied: ``weights``, ``normalisation``, ``aggregation``,
        ``imputation``, and each :class:`~cchc_indicators.composite.uncertainty.Setting`
        by its name, with its variants' labels (as text: ``{"removed": "all |
        without a | without b"}``).
    note
        The data's note.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> from cchc_indicators.composite.uncertainty import uncertainty
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
    >>> u
    Uncertainty(n=500, seed=1, 4 units, 3 nodes)
    >>> u.varied
    'weights noise ±0.5'
    >>> u.scores.shape, u.counts.shape  # (n, nodes, units); (nodes, units, rank 0..units)
    ((500, 3, 4), (3, 4, 5))
    """

    nominal: Any
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    nominal_scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    nominal_ranks: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    counts: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    n: int
    seed: int | None
    settings: Mapping[str, str] = attrs.field(eq=False)
    rank_target: int | None = None
    note: str = ""

    def __repr__(self) -> str:
        return (
            f"Uncertainty(n={self.n}, seed={self.seed!r}, {counted(len(self.units), 'unit')}, "
            f"{counted(len(self.nodes), 'node')})"
        )

    def describe(self) -> str:
        """Return the run's size, what varied, the nodes kept and the note, one per line.

        The intervals themselves are in :meth:`table`.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators.composite import load_index
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> from cchc_indicators import datasets
        >>> idx = load_index("par-style-demo")
        >>> u = uncertainty(idx, datasets.index_observations(), n=20, seed=1, weights=0.25, nodes=[idx.code])
        >>> u
        Uncertainty(n=20, seed=1, 63 units, 1 node)
        >>> print(u.describe())
        20 replications (seed 1), 63 units, 1 node
        varied: weights noise ±0.25
        nodes: par-style-demo
        note: SYNTHETIC DATA: made up for demonstration, not official figures
        """
        lines = [
            f"{counted(self.n, 'replication')} (seed {self.seed}), "
            f"{counted(len(self.units), 'unit')}, {counted(len(self.nodes), 'node')}",
            f"varied: {self.varied}",
            f"nodes: {', '.join(self.nodes)}",
        ]
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def _row(self, node: str | None) -> int:
        code = self.nodes[0] if node is None else node
        if code not in self.nodes:
            msg = f"node {code!r} was not kept; the kept nodes are {', '.join(self.nodes)}"
            raise UnknownIndicatorError(msg, key=code)
        return self.nodes.index(code)

    def _scores(self, node: str | None) -> tuple[FloatArray, NDArray[np.bool_]]:
        """The replicated scores at ``node`` with NaN where no value, and the units never scored."""
        S = self.scores[:, self._row(node)]
        never: NDArray[np.bool_] = np.asarray(np.isnan(S).all(axis=0))
        filled: FloatArray = np.where(never, 0.0, S)
        return filled, never

    def score_interval(
        self, node: str | None = None, *, coverage: float = 0.9
    ) -> tuple[FloatArray, FloatArray]:
        """Return the central ``coverage`` interval of the scores at ``node`` (default: the index).

        Over the replications where the unit has a score; NaN for a unit that never has one.

        Raises
        ------
        DefinitionError
            For a ``coverage`` not between 0 and 1.
        UnknownIndicatorError
            For a node whose replications were not kept.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> lo, hi = u.score_interval()
        >>> lo.round(1).tolist(), hi.round(1).tolist()
        ([32.2, 63.7, 51.8, 26.0], [67.5, 67.7, 77.0, 54.3])
        """
        _check_coverage(coverage)
        S, never = self._scores(node)
        tail = (1 - coverage) / 2
        q = np.nanquantile(S, [tail, 1 - tail], axis=0)
        return np.where(never, np.nan, q[0]), np.where(never, np.nan, q[1])

    def score_median(self, node: str | None = None) -> FloatArray:
        """Return the median score of each unit at ``node`` (NaN for a unit never scored).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> u.score_median().round(1).tolist(), u.score_median("a").round(1).tolist()  # a leaf: the weights do not move it
        ([49.9, 65.7, 64.4, 40.1], [100.0, 71.4, 28.6, 0.0])
        """
        S, never = self._scores(node)
        out: FloatArray = np.where(never, np.nan, np.nanmedian(S, axis=0))
        return out

    def rank_probabilities(self, node: str | None = None) -> FloatArray:
        """Return P(rank = r) for each unit (rows) and rank r = 1..units (columns).

        A row sums to less than 1 if the unit has no score in some
        replications.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> u.rank_probabilities().round(2).tolist()
        [[0.05, 0.19, 0.47, 0.29], [0.51, 0.49, 0.0, 0.0], [0.44, 0.32, 0.24, 0.0], [0.0, 0.0, 0.29, 0.71]]
        """
        c = self.counts[self._row(node)]
        out: FloatArray = c[:, 1:] / self.n
        return out

    def rank_quantile(self, q: float, node: str | None = None) -> IntArray:
        """Return the ``q`` quantile of each unit's rank (the smallest rank r with P(rank <= r) >= q).

        Ranks are whole numbers, so this is the inverted-CDF quantile; among
        replications where the unit has a rank. 0 where it never has one.

        Raises
        ------
        DefinitionError
            For a ``q`` not from 0 to 1.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> u.rank_quantile(0.1).tolist(), u.rank_quantile(0.9).tolist()
        ([2, 1, 1, 3], [4, 2, 3, 4])
        """
        if not 0 <= q <= 1:
            msg = f"a quantile must be from 0 to 1, got {q!r}"
            raise DefinitionError(msg)
        c = self.counts[self._row(node)][:, 1:]
        total = c.sum(axis=1, keepdims=True)
        cumulative = np.cumsum(c, axis=1)
        # The smallest rank with some probability whose cumulative share reaches q
        # (counts compared as integers scaled by q, so no rounding of shares).
        hit = (cumulative >= q * total - 1e-9) & (c > 0)
        out: IntArray = np.where(total[:, 0] > 0, hit.argmax(axis=1) + 1, 0)
        return out

    def rank_median(self, node: str | None = None) -> IntArray:
        """Return each unit's median rank at ``node``: :meth:`rank_quantile` at 0.5.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> u.rank_median().tolist()
        [3, 1, 2, 4]
        """
        return self.rank_quantile(0.5, node)

    def rank_interval(
        self, node: str | None = None, *, coverage: float = 0.9
    ) -> tuple[IntArray, IntArray]:
        """Return each unit's central ``coverage`` rank interval: the 5 % and 95 % quantiles by default.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> lo, hi = u.rank_interval()
        >>> lo.tolist(), hi.tolist()
        ([2, 1, 1, 3], [4, 2, 3, 4])
        """
        _check_coverage(coverage)
        tail = (1 - coverage) / 2
        return self.rank_quantile(tail, node), self.rank_quantile(1 - tail, node)

    def p_rank_at_most(self, k: int, node: str | None = None) -> FloatArray:
        """Return each unit's probability of a rank of ``k`` or better (e.g. ``k=15``: top 15).

        The share of all replications, so a replication where the unit has no
        score counts as not reaching ``k``; the rank quantiles
        (:meth:`rank_quantile`), by contrast, are taken over the replications
        where the unit has a rank.

        Raises
        ------
        DefinitionError
            For a ``k`` that is not a whole number >= 1.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> u.p_rank_at_most(1).tolist(), u.p_rank_at_most(2).tolist()
        ([0.046, 0.514, 0.44, 0.0], [0.236, 1.0, 0.764, 0.0])
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            msg = f"a rank target must be a whole number >= 1, got {k!r}"
            raise DefinitionError(msg)
        # Whole counts added, then divided once: P(rank <= units) is exactly 1.
        out: FloatArray = self.counts[self._row(node)][:, 1 : k + 1].sum(axis=1) / self.n
        return out

    @property
    def varied(self) -> str:
        """What varied, in one line (``weights noise ±0.25; aggregation arithmetic | median``).

        A setting whose name has several words is followed by a colon
        (``weight of b: 1 | 3``), so that its name and its labels read apart.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import Dirichlet, uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> uncertainty(idx, data, n=100, seed=1, weights=Dirichlet(20), aggregation=["arithmetic", "median"]).varied
        'weights Dirichlet(20); aggregation arithmetic | median'
        """
        # A setting named in several words is followed by a colon: "weight of b: 1 | 3".
        return "; ".join(f"{k}: {v}" if " " in k else f"{k} {v}" for k, v in self.settings.items())

    def to_records(self, node: str | None = None) -> list[dict[str, Any]]:
        """One record per unit and kept node (or for one ``node``).

        Keys: ``unit``, ``node``, the nominal ``score`` and ``rank``,
        ``score_p05``, ``score_median``, ``score_p95``, ``rank_p05``,
        ``rank_median``, ``rank_p95``, ``p_top_K`` with a rank target, then
        ``replications``, ``seed``, ``varied`` and the data's ``note``.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> row = u.to_records()[0]
        >>> row["unit"], row["node"], row["score"], row["rank_p05"], row["rank_p95"], row["p_top_2"]
        ('W', 'i', 50.0, 2, 4, 0.236)
        """
        nodes = self.nodes if node is None else (self.nodes[self._row(node)],)
        out = []
        for node in nodes:
            i = self.nodes.index(node)
            lo, hi = self.score_interval(node)
            med = self.score_median(node)
            r05, r95 = self.rank_interval(node)
            rmed = self.rank_median(node)
            target = (
                None if self.rank_target is None else self.p_rank_at_most(self.rank_target, node)
            )
            for j, unit in enumerate(self.units):
                row: dict[str, Any] = {
                    "unit": unit,
                    "node": node,
                    "score": None
                    if math.isnan(self.nominal_scores[i, j])
                    else float(self.nominal_scores[i, j]),
                    "rank": int(self.nominal_ranks[i, j]) or None,
                    "score_p05": None if math.isnan(lo[j]) else float(lo[j]),
                    "score_median": None if math.isnan(med[j]) else float(med[j]),
                    "score_p95": None if math.isnan(hi[j]) else float(hi[j]),
                    "rank_p05": int(r05[j]) or None,
                    "rank_median": int(rmed[j]) or None,
                    "rank_p95": int(r95[j]) or None,
                }
                if target is not None:
                    row[f"p_top_{self.rank_target}"] = float(target[j])
                row.update(replications=self.n, seed=self.seed, varied=self.varied, note=self.note)
                out.append(row)
        return out

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> frame = u.to_frame()
        >>> frame.shape, list(frame.columns[:4])  # 4 units at 3 nodes
        ((12, 15), ['unit', 'node', 'score', 'rank'])
        """
        return _pandas().DataFrame.from_records(self.to_records())

    def table(self, node: str | None = None, *, digits: int = 1, lang: str | None = None) -> str:
        """Return a plain-text table at ``node`` (default: the index), best nominal rank first.

        ``lang`` (``"vi"`` or ``"en"``; default
        :func:`~cchc_indicators.core.i18n.default_language`) sets the
        headings, the words of the last line and the decimal mark.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> print(u.table())
        rank  unit  score  score 5–95 %  median rank  rank 5–95 %  P(top 2)
        -------------------------------------------------------------------
           1  X      65.7     63.7–67.7            1          1–2      1.00
           2  Y      64.3     51.8–77.0            2          1–3      0.76
           3  W      50.0     32.2–67.5            3          2–4      0.24
           4  Z      40.0     26.0–54.3            4          3–4      0.00
        500 replications, seed 1; varied: weights noise ±0.5
        >>> print(u.table(lang="vi").splitlines()[0])
        hạng  đơn vị  điểm  điểm 5–95 %  hạng trung vị  hạng 5–95 %  Xác suất trong tốp 2
        """
        lang = (
            default_language() if lang is None else check_language(lang, func="Uncertainty.table")
        )
        rows = self.to_records(self.nodes[self._row(node)])
        rows.sort(key=lambda r: (r["rank"] or 1 << 30, r["unit"]))
        target = f"p_top_{self.rank_target}" if self.rank_target is not None else None
        head = (
            gettext("rank", lang),
            gettext("unit", lang),
            gettext("score", lang),
            gettext("score 5–95 %", lang),
            gettext("median rank", lang),
            gettext("rank 5–95 %", lang),
            *((gettext("P(top {k})", lang).format(k=self.rank_target),) if target else ()),
        )

        def num(x: float | None) -> str:
            return fixed(x, digits, lang)

        body = [
            (
                str(r["rank"] or "—"),
                r["unit"],
                num(r["score"]),
                f"{num(r['score_p05'])}–{num(r['score_p95'])}",
                str(r["rank_median"] or "—"),
                f"{r['rank_p05'] or '—'}–{r['rank_p95'] or '—'}",
                *((fixed(r[target], 2, lang),) if target else ()),
            )
            for r in rows
        ]
        lines = text_table(head, body, {0, 2, 3, 4, 5, 6})
        lines.append(
            decimal_commas(
                gettext("{n} replications, seed {seed}; varied: {varied}", lang).format(
                    n=self.n, seed=self.seed, varied=self.varied
                ),
                lang,
            )
        )
        if self.note:
            lines.append(note_text(self.note, lang))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: replications, what varied, and each unit's intervals."""
        from cchc_indicators.composite._result_html import uncertainty_html

        return uncertainty_html(self)

    def to_report(self, *, lang: str | None = None) -> str:
        """Return the HTML report of the index with this analysis: one self-contained HTML5 document.

        The report of :meth:`IndexResult.to_report
        <cchc_indicators.composite.IndexResult.to_report>` for the nominal
        result, with a rank-interval chart (inline SVG: each unit's median
        rank and its 5–95 % interval) and a table of the intervals (see
        :func:`cchc_indicators.report.index_html.index_report`).

        .. versionadded:: 0.1.0

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; default ``cchc_indicators.core.i18n.default_language()``.

        Raises
        ------
        DefinitionError
            For an unknown language, or an analysis of a points structure
            (its nominal result is not an :class:`~cchc_indicators.composite.IndexResult`).

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> u = uncertainty(load_index("par-style-demo"), datasets.index_observations(), n=100, seed=1, weights=0.5)
        >>> page = u.to_report(lang="en")
        >>> page.count('<svg'), page.count('<g class="unit"')
        (1, 63)
        """
        from cchc_indicators.composite._result import IndexResult
        from cchc_indicators.report._index_html import write

        if not isinstance(self.nominal, IndexResult):
            msg = (
                "Uncertainty.to_report: the report is of a composite index computed with "
                f"compute_index; this analysis is of a {type(self.nominal).__name__}"
            )
            raise DefinitionError(msg)
        return write(self.nominal, self, lang=lang, func="Uncertainty.to_report")

    def plot(self, kind: str = "ranks", *, node: str | None = None, **options: Any) -> Any:
        """Draw the result with matplotlib (needs the ``plot`` extra); return the Figure.

        Parameters
        ----------
        kind
            ``"ranks"``: nominal and median ranks with their 5–95 % rank
            intervals (:func:`cchc_indicators.report.plot.rank_intervals`);
            ``"scores"``: scores with their 5–95 % intervals, the rank
            interval written beside (:func:`cchc_indicators.report.plot.score_intervals`).
        node
            The node (default: the first kept, normally the index).
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
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import uncertainty
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> u = uncertainty(CompositeIndex("i", children=[Node("a"), Node("b")]), data, n=500, seed=1, weights=0.5, rank_target=2)
        >>> [t.get_text() for t in u.plot().axes[0].get_yticklabels()]  # by nominal rank
        ['X', 'Y', 'W', 'Z']
        >>> [t.get_text() for t in u.plot("scores").axes[0].texts]
        ['rank 1–2', 'rank 1–3', 'rank 2–4', 'rank 3–4']
        """
        from cchc_indicators.report import plot as plots

        if kind == "ranks":
            return plots.rank_intervals(self, node=node, **options)
        if kind == "scores":
            return plots.score_intervals(self, node=node, **options)
        msg = f"unknown plot kind {kind!r}; the kinds are 'ranks', 'scores'"
        raise DefinitionError(msg)


@attrs.frozen
class Sensitivity:
    """First-order and total sensitivity indices of each uncertain choice.

    Attributes
    ----------
    factors
        The uncertain choices: ``weights``, ``normalisation``,
        ``aggregation``, ``imputation`` (those that vary), then each
        :class:`~cchc_indicators.composite.uncertainty.Setting` with two or
        more variants, by its name.
    first_order, total
        The estimates, one per factor: the share of the output's variance
        due to the factor alone, and including its interactions.
    first_order_interval, total_interval
        Bootstrap 90 % intervals, shape ``(factors, 2)`` (NaN without
        bootstrap).
    variance
        The output's variance; 0 means the ranks never moved (indices NaN).
    n, runs, seed
        The base sample size, the number of model runs ``n * (factors + 2)``
        and the seed.
    node
        The node whose ranks are the output.
    output
        What the indices decompose: the mean absolute rank shift of the units
        from their nominal ranks at ``node``.
    note
        The data's note.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> from cchc_indicators.composite.uncertainty import sensitivity
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100)
    >>> s.factors, s.runs
    (('weights', 'normalisation'), 800)
    >>> s.total.round(2).tolist()  # nearly all the rank shifts come from the weights
    [1.08, 0.03]
    """

    factors: tuple[str, ...]
    first_order: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    total: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    first_order_interval: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    total_interval: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    variance: float
    n: int
    runs: int
    seed: int | None
    node: str
    output: str = "mean absolute rank shift from the nominal ranks"
    note: str = ""

    def __repr__(self) -> str:
        return (
            f"Sensitivity({self.node!r}, {counted(len(self.factors), 'factor')}, n={self.n}, "
            f"runs={self.runs}, seed={self.seed!r})"
        )

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]:
        """One record per factor: ``factor``, ``first_order``, ``total``, their intervals, and context.

        The context keys: ``node``, ``output``, ``n``, ``runs``, ``seed`` and
        the data's ``note``. ``level`` is accepted for the command line's
        writer and ignored.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import sensitivity
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100)
        >>> [(row["factor"], round(row["total_low"], 3), round(row["total_high"], 3)) for row in s.to_records()]
        [('weights', 0.949, 1.183), ('normalisation', 0.014, 0.047)]
        """
        del level

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return [
            {
                "factor": f,
                "first_order": num(self.first_order[i]),
                "first_order_low": num(self.first_order_interval[i, 0]),
                "first_order_high": num(self.first_order_interval[i, 1]),
                "total": num(self.total[i]),
                "total_low": num(self.total_interval[i, 0]),
                "total_high": num(self.total_interval[i, 1]),
                "node": self.node,
                "output": self.output,
                "n": self.n,
                "runs": self.runs,
                "seed": self.seed,
                "note": self.note,
            }
            for i, f in enumerate(self.factors)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import sensitivity
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100)
        >>> frame = s.to_frame()
        >>> frame.shape, list(frame.columns[:3])
        ((2, 13), ['factor', 'first_order', 'first_order_low'])
        """
        return _pandas().DataFrame.from_records(self.to_records())

    def table(self, level: str | None = None) -> str:
        """Return a plain-text table of the indices (``level`` is ignored, as in :meth:`to_records`).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import sensitivity
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100)
        >>> print(s.table())
        factor         first order  90 % interval  total  90 % interval
        ---------------------------------------------------------------
        weights              1.041    0.848–1.297  1.081    0.949–1.183
        normalisation       -0.022   -0.076–0.021  0.026    0.014–0.047
        output: mean absolute rank shift from the nominal ranks at 'i'; 800 runs (n = 200), seed 1
        """
        del level

        def num(x: float | None) -> str:
            return "—" if x is None else f"{x:.3f}"

        body = [
            (
                r["factor"],
                num(r["first_order"]),
                f"{num(r['first_order_low'])}–{num(r['first_order_high'])}",
                num(r["total"]),
                f"{num(r['total_low'])}–{num(r['total_high'])}",
            )
            for r in self.to_records()
        ]
        lines = text_table(
            ("factor", "first order", "90 % interval", "total", "90 % interval"), body, {1, 2, 3, 4}
        )
        lines.append(
            f"output: {self.output} at {self.node!r}; {self.runs} runs (n = {self.n}), seed {self.seed}"
        )
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: one row per uncertain choice, with its indices and intervals."""
        from cchc_indicators.composite._result_html import sensitivity_html

        return sensitivity_html(self)

    def plot(self, **options: Any) -> Any:
        """Draw the indices as bars (needs the ``plot`` extra); return the Figure.

        ``options`` are passed on to :func:`cchc_indicators.report.plot.sensitivity_bars`.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> from cchc_indicators.composite.uncertainty import sensitivity
        >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100)
        >>> ax = s.plot().axes[0]
        >>> [t.get_text() for t in ax.get_xticklabels()], len(ax.patches)  # first order and total per factor
        (['weights', 'normalisation'], 4)
        """
        from cchc_indicators.report import plot as plots

        return plots.sensitivity_bars(self, **options)
