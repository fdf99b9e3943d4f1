"""Scoring units on a composite index: :func:`compute_index` and :class:`IndexResult`."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite import aggregate as ag
from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex, Method, check_method
from cchc_indicators.composite._engine import (
    aggregation_spec,
    check_denominators,
    check_unknown,
    compile_index,
    leaf_stage,
    pca_hook,
    prepare,
    ranks,
    run_levels,
    screening_of,
    weight_vector,
)
from cchc_indicators.core._args import check_type
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._notes import note_text
from cchc_indicators.core._repr import counted
from cchc_indicators.core._text import text_table
from cchc_indicators.core.errors import (
    DefinitionError,
    InvalidDataError,
    Problem,
    UnknownIndicatorError,
)
from cchc_indicators.core.i18n import N_, check_language, default_language, gettext
from cchc_indicators.data.panel import _pandas

__all__ = ["RECORD_KEYS", "IndexResult", "compute_index", "text_table"]

FloatArray = NDArray[np.float64]

#: The keys of :meth:`IndexResult.to_records`, in order.
RECORD_KEYS = (
    "unit",
    "node",
    "level",
    "parent",
    "score",
    "rank",
    "contribution",
    "share",
    "reason",
    "period",
    "method",
    "note",
)


_ARRAY = {"converter": readonly, "eq": ARRAY_EQ}

#: The words of the steps in :meth:`IndexResult.method_text` (translated by the catalogues).
_STEP_WORDS = {
    "denomination": N_("denomination"),
    "normalisation": N_("normalisation"),
    "aggregation": N_("aggregation"),
    "imputation": N_("imputation"),
    "weights": N_("weights"),
    "screening": N_("screening"),
    "treatment": N_("treatment"),
}


def decimal_commas(text: str, lang: str) -> str:
    """In Vietnamese, the decimal points between digits as commas (no thousands separators added)."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text) if lang == "vi" else text


def fixed(x: float | None, digits: int, lang: str) -> str:
    """``x`` with ``digits`` decimals in ``lang`` (a decimal comma in Vietnamese); "—" for none."""
    if x is None or math.isnan(x):
        return "—"
    return decimal_commas(f"{x:.{digits}f}", lang)


def _number(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@attrs.frozen(repr=False)
class IndexResult:
    """Scores, ranks and contributions of every unit at every node of an index.

    Arrays are ``(nodes, units)``, nodes in :attr:`nodes` order (the index
    first, then level by level). Ranks are 1 for the highest score, ties
    share the smallest rank, 0 where there is no score.

    Attributes
    ----------
    index, period, units, nodes, parents, levels
        What was scored: the index code, the period, the units, the node
        codes with their parents (``None`` for the index) and levels.
    scores, ranks
        The score and rank of each unit at each node.
    contributions
        Each node's part of its parent's score: its re-normalised weight
        times its score, so the children's contributions add up to the
        parent's score. Only defined under arithmetic aggregation (NaN
        elsewhere, and for the index itself).
    share
        The share of a node's children with a value (for a leaf: 1 if the
        indicator has a value, after imputation).
    reason
        Why a unit has no score at a node: ``"no_data"`` or
        ``"insufficient_data"`` (below the node's ``min_share``); ``""``
        where it has one.
    raw, imputed, normalised
        The leaves' values after denomination and imputation (before any
        outlier treatment), where they were imputed, and their normalised
        scores, ``(leaves, units)``.
    weights
        The weight of each node used, and :attr:`effective_weights` the
        product of the re-normalised weights down the tree.
    normalisation, aggregation, imputation, weight_set
        The methods used and the weights' origin: a weight set's name,
        ``"pca"``, ``"custom"`` (a mapping) or ``None`` (the nodes' own
        weights); :attr:`method` says all of it in one line.
    note
        The data's note (e.g. that they are synthetic), then, with
        ``on_unknown="ignore"``, how many codes of the data that are not in
        the index were left out.
    names
        The readable names of the index and of the nodes that have one
        (``{code: name}``), for reports.

        .. versionadded:: 0.1.0
    steps
        What :attr:`method` says beyond the index-wide methods, by step:
        ``denomination``, ``screening``, ``treatment``, and the indicators
        with their own ``normalisation`` or ``imputation``.
    treatment
        The outlier treatment's record
        (:class:`~cchc_indicators.composite.treat.Treatment`: the treated
        values, what was changed by indicator and unit, skewness and
        kurtosis before and after), or ``None`` when nothing is treated.
    screening
        The :class:`~cchc_indicators.composite.ScreeningReport` (each unit's
        data shares, whether it was kept, why), or ``None`` without
        screening. :attr:`units` are the units kept.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y", weight=3)]), Node("z")])
    >>> data = Observations.from_values({"x": [90, 60, 30], "y": [5, 10, float("nan")], "z": [70, 90, 80]}, ["A", "B", "C"])
    >>> r = compute_index(idx, data)
    >>> r.nodes, r.parents, r.levels
    (('i', 'd', 'z', 'x', 'y'), (None, 'i', 'i', 'd', 'd'), (0, 1, 1, 2, 2))
    >>> r.scores.round(1).tolist()  # C has no y: its d rests on x alone, and C has no rank at y
    [[12.5, 93.8, 25.0], [25.0, 87.5, 0.0], [0.0, 100.0, 50.0], [100.0, 50.0, 0.0], [0.0, 100.0, nan]]
    >>> r.ranks[r.nodes.index("y")].tolist()
    [2, 1, 0]
    """

    index: str
    period: str
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    parents: tuple[str | None, ...]
    levels: tuple[int, ...]
    leaves: tuple[str, ...]
    scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    ranks: NDArray[np.int64] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    contributions: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    share: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    reason: NDArray[np.str_] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    raw: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    imputed: NDArray[np.bool_] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    normalised: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    weights: Mapping[str, float] = attrs.field(eq=False)
    normalisation: Method
    aggregation: tuple[Method, ...]
    imputation: Method
    weight_set: str | None
    note: str = ""
    names: Mapping[str, str] = attrs.field(factory=dict, eq=False, kw_only=True)
    steps: Mapping[str, str] = attrs.field(factory=dict, eq=False, kw_only=True)
    treatment: Any = attrs.field(default=None, eq=False, kw_only=True)
    screening: Any = attrs.field(default=None, eq=False, kw_only=True)

    def __repr__(self) -> str:
        return (
            f"IndexResult({self.index!r}, period {self.period}, {counted(len(self.units), 'unit')}, "
            f"{counted(len(self.nodes), 'node')})"
        )

    def describe(self) -> str:
        """Return what the result is, in a few lines: index, period, counts, method and note.

        The scores and ranks themselves are in :meth:`table`.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators.composite import load_index
        >>> from cchc_indicators import datasets
        >>> r = compute_index(load_index("par-style-demo"), datasets.index_observations())
        >>> r
        IndexResult('par-style-demo', period 2024, 63 units, 54 nodes)
        >>> print(r.describe())
        index par-style-demo, period 2024: 63 units, 54 nodes, 63 units scored
        method: normalisation minmax(high=100, low=0); aggregation arithmetic; imputation none; weights nominal
        note: SYNTHETIC DATA: made up for demonstration, not official figures
        """
        scored = int((self.ranks[0] > 0).sum()) if len(self.nodes) else 0
        lines = [
            f"index {self.index}, period {self.period}: {counted(len(self.units), 'unit')}, "
            f"{counted(len(self.nodes), 'node')}, {counted(scored, 'unit')} scored",
            f"method: {self.method}",
        ]
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def _row(self, node: str | None) -> int:
        code = self.index if node is None else node
        try:
            return self.nodes.index(code)
        except ValueError:
            msg = f"node {code!r} is not in index {self.index!r}"
            raise UnknownIndicatorError(msg, key=code) from None

    def score(self, node: str | None = None) -> FloatArray:
        """Return the scores at ``node`` (default: the index), one per unit.

        Raises
        ------
        UnknownIndicatorError
            For a node not in the index.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> r.score().tolist(), r.score("b").tolist()
        ([25.0, 87.5, 0.0], [0.0, 100.0, nan])
        """
        out: FloatArray = self.scores[self._row(node)]
        return out

    def rank(self, node: str | None = None) -> NDArray[np.int64]:
        """Return the ranks at ``node`` (default: the index), 1 = best, **0 = no score**.

        A unit without a score has rank 0, so ``rank() <= 15`` would count it
        among the best 15: use :meth:`top` for that question. Tied units
        share the best rank of their group (1, 2, 2, 4); scores within
        ``1e-9`` of the node's largest magnitude of each other are tied, so
        that rounding never splits a tie (see the explanation page,
        "Normalisation and aggregation choices", section "Ties").

        Raises
        ------
        UnknownIndicatorError
            For a node not in the index.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> r.rank().tolist(), r.rank("b").tolist()  # C has no b: rank 0
        ([2, 1, 3], [2, 1, 0])
        """
        out: NDArray[np.int64] = self.ranks[self._row(node)]
        return out

    def top(self, k: int, node: str | None = None) -> NDArray[np.bool_]:
        """Return, per unit, whether it ranks ``k`` or better at ``node`` (units without a score: no).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a")])
        >>> r = compute_index(idx, Observations.from_values({"a": [3, float("nan"), 5]}, ["x", "y", "z"]))
        >>> r.rank().tolist(), r.top(1).tolist()
        ([2, 0, 1], [False, False, True])
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            msg = f"a rank target must be a whole number >= 1, got {k!r}"
            raise DefinitionError(msg)
        r = self.rank(node)
        out: NDArray[np.bool_] = (r > 0) & (r <= k)
        return out

    @property
    def method(self) -> str:
        """One line saying how the scores were made (normalisation, aggregation, imputation, weights).

        Examples
        --------
        >>> from cchc_indicators.composite import load_index
        >>> from cchc_indicators import datasets
        >>> compute_index(load_index("par-style-demo"), datasets.index_observations()).method
        'normalisation minmax(high=100, low=0); aggregation arithmetic; imputation none; weights nominal'
        """

        return self.method_text("en")

    def method_text(self, lang: str | None = None) -> str:
        """:attr:`method` in a language: the steps' names in words, the methods as codes.

        ``"en"`` gives :attr:`method` itself; ``"vi"`` names the steps in
        Vietnamese (chuẩn hoá, phương pháp tổng hợp, ...), with decimal commas. ``None``:
        :func:`~cchc_indicators.core.i18n.default_language`.

        Raises
        ------
        DefinitionError
            For a language other than ``"vi"`` and ``"en"``.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")], screening={"min_share": 0.5})
        >>> r = compute_index(idx, Observations.from_values({"a": [1, 2], "b": [3, 4]}, ["A", "B"]))
        >>> r.method_text("vi")
        'chuẩn hoá minmax; phương pháp tổng hợp arithmetic; bổ khuyết dữ liệu thiếu none; trọng số danh nghĩa; sàng lọc đơn vị min_share 0,5; impute then screen'
        """
        lang = (
            default_language()
            if lang is None
            else check_language(lang, func="IndexResult.method_text")
        )

        def label(m: Method) -> str:
            opts = ", ".join(f"{k}={v}" for k, v in m.options)
            return f"{m.name}({opts})" if opts else m.name

        def word(role: str) -> str:
            return gettext(_STEP_WORDS[role], lang)

        weights = gettext("nominal", lang) if self.weight_set is None else self.weight_set
        steps = self.steps

        def own(role: str) -> str:
            if role not in steps:
                return ""
            return " (" + gettext("by indicator: {methods}", lang).format(methods=steps[role]) + ")"

        head = (
            f"{word('denomination')} {steps['denomination']}; " if "denomination" in steps else ""
        )
        tail = "".join(
            f"; {word(role)} {steps[role]}" for role in ("screening", "treatment") if role in steps
        )
        text = (
            f"{head}{word('normalisation')} {label(self.normalisation)}{own('normalisation')}; "
            f"{word('aggregation')} {' / '.join(label(m) for m in self.aggregation)}; "
            f"{word('imputation')} {label(self.imputation)}{own('imputation')}; "
            f"{word('weights')} {weights}{tail}"
        )
        return decimal_commas(text, lang)

    @property
    def effective_weights(self) -> dict[str, float]:
        """Each node's weight in the index, the product of sibling-normalised weights from the top.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y", weight=3)]), Node("z")])
        >>> data = Observations.from_values({"x": [1, 2], "y": [3, 4], "z": [5, 6]}, ["A", "B"])
        >>> compute_index(idx, data).effective_weights
        {'i': 1.0, 'd': 0.5, 'z': 0.5, 'x': 0.125, 'y': 0.375}
        """
        tree = {
            c: (p or "", self.weights[c]) for c, p in zip(self.nodes, self.parents, strict=True)
        }
        tree[self.index] = ("", 1.0)
        out = ag.effective_weights(tree)
        return {c: out[c] for c in self.nodes}

    def to_records(self, node: str | None = None) -> list[dict[str, Any]]:
        """Return one record per unit and node (the keys of :data:`RECORD_KEYS`), or for one ``node``.

        Every record says how it was made (``method``) and carries the data's
        ``note`` (such as the synthetic-data warning).

        Raises
        ------
        UnknownIndicatorError
            For a node not in the index.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> [(row["unit"], row["score"], row["rank"], row["reason"]) for row in r.to_records("b")]
        [('A', 0.0, 2, ''), ('B', 100.0, 1, ''), ('C', None, None, 'no_data')]
        """
        rows = range(len(self.nodes)) if node is None else [self._row(node)]
        method = self.method
        return [
            {
                "unit": unit,
                "node": self.nodes[i],
                "level": self.levels[i],
                "parent": self.parents[i],
                "score": _number(self.scores[i, j]),
                "rank": int(self.ranks[i, j]) or None,
                "contribution": _number(self.contributions[i, j]),
                "share": _number(self.share[i, j]),
                "reason": str(self.reason[i, j]),
                "period": self.period,
                "method": method,
                "note": self.note,
            }
            for j, unit in enumerate(self.units)
            for i in rows
        ]

    def to_json(self) -> str:
        """Return :meth:`to_records` as JSON text, with the note, methods, screening and treatment.

        ``screening`` is the screening report's records (one per unit) and
        ``treatment`` the treatment's (one per indicator), each ``null``
        when the step was not taken.

        Examples
        --------
        >>> import json
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> doc = json.loads(r.to_json())
        >>> doc["aggregation"], doc["weights"], len(doc["rows"])
        ([{'name': 'arithmetic'}], {'i': 1.0, 'a': 1.0, 'b': 3.0}, 9)
        """
        doc = {
            "index": self.index,
            "period": self.period,
            "note": self.note,
            "normalisation": self.normalisation.to_dict(),
            "aggregation": [m.to_dict() for m in self.aggregation],
            "imputation": self.imputation.to_dict(),
            "weight_set": self.weight_set,
            "weights": dict(self.weights),
            "screening": None if self.screening is None else self.screening.to_records(),
            "treatment": None if self.treatment is None else self.treatment.to_records(),
            "rows": self.to_records(),
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> frame = r.to_frame()
        >>> frame.shape, list(frame.columns[:5])
        ((9, 12), ['unit', 'node', 'level', 'parent', 'score'])
        """
        return _pandas().DataFrame.from_records(self.to_records(), columns=list(RECORD_KEYS))

    def table(self, node: str | None = None, *, digits: int = 1, lang: str | None = None) -> str:
        """Return a plain-text table of the units at ``node`` (default: the index), best first.

        Columns: rank, unit, score and the scores of the node's children;
        then a line with the index, node, period and :attr:`method`, and the
        data's note. ``lang`` (``"vi"`` or ``"en"``; default
        :func:`~cchc_indicators.core.i18n.default_language`) sets the
        headings, the words of the last line (:meth:`method_text`) and the
        decimal mark; codes stay as they are.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> print(r.table())
        rank  unit  score      a      b
        -------------------------------
           1  B      87.5   50.0  100.0
           2  A      25.0  100.0    0.0
           3  C       0.0    0.0      —
        i, period —: normalisation minmax; aggregation arithmetic; imputation none; weights nominal
        >>> print(r.table(lang="vi").splitlines()[0])
        hạng  đơn vị  điểm      a      b
        """
        lang = (
            default_language() if lang is None else check_language(lang, func="IndexResult.table")
        )
        i = self._row(node)
        kids = [c for c, p in zip(self.nodes, self.parents, strict=True) if p == self.nodes[i]]
        head = (gettext("rank", lang), gettext("unit", lang), gettext("score", lang), *kids)
        order = np.lexsort(
            (np.arange(len(self.units)), np.where(self.ranks[i] == 0, 1 << 30, self.ranks[i]))
        )
        body = []
        for j in order.tolist():
            cells = [self.scores[self._row(c), j] for c in kids]
            body.append(
                (
                    str(self.ranks[i, j] or "—"),
                    self.units[j],
                    fixed(self.scores[i, j], digits, lang),
                    *(fixed(x, digits, lang) for x in cells),
                )
            )
        right = {0, *range(2, len(head))}
        lines = text_table(head, body, right)
        where = (
            self.index
            if i == 0
            else gettext("{index}, node {node}", lang).format(index=self.index, node=self.nodes[i])
        )
        lines.append(
            gettext("{where}, period {period}: {method}", lang).format(
                where=where, period=self.period or "—", method=self.method_text(lang)
            )
        )
        if self.note:
            lines.append(note_text(self.note, lang))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: what was scored and how, and the ranking with the top-level scores."""
        from cchc_indicators.composite._result_html import index_html

        return index_html(self)

    def to_report(self, *, lang: str | None = None) -> str:
        """Return the HTML report of the scores: one self-contained HTML5 document.

        The index's header, the synthetic-data banner where the data carry
        it, the ranking with every top-level aggregate's score, the method,
        and a print stylesheet (see :func:`cchc_indicators.report.index_html.index_report`,
        which also takes the units' names and an uncertainty analysis).

        .. versionadded:: 0.1.0

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; default ``cchc_indicators.core.i18n.default_language()``.

        Raises
        ------
        DefinitionError
            For an unknown language.

        Examples
        --------
        >>> from pathlib import Path
        >>> from tempfile import TemporaryDirectory
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> r = compute_index(load_index("par-style-demo"), datasets.index_observations())
        >>> page = r.to_report(lang="vi")
        >>> page.startswith("<!DOCTYPE html>"), "Xếp hạng" in page, 'src="http' in page
        (True, True, False)
        >>> with TemporaryDirectory() as tmp:
        ...     size = Path(tmp, "index.html").write_text(page, encoding="utf-8")
        """
        from cchc_indicators.report._index_html import write

        return write(self, None, lang=lang, func="IndexResult.to_report")

    def plot(self, kind: str = "scores", **options: Any) -> Any:
        """Draw the result with matplotlib (needs the ``plot`` extra); return the Figure.

        Parameters
        ----------
        kind
            ``"scores"``: the index score of every unit, best first;
            ``"contributions"``: each top-level node's contribution stacked
            per unit (arithmetic aggregation only).
        **options
            Passed on to :func:`cchc_indicators.report.plot.index_scores` or
            :func:`cchc_indicators.report.plot.index_contributions`.

        Raises
        ------
        DefinitionError
            For an unknown ``kind``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        >>> r = compute_index(idx, Observations.from_values({"a": [90, 60, 30], "b": [5, 10, float("nan")]}, ["A", "B", "C"]))
        >>> [t.get_text() for t in r.plot().axes[0].get_yticklabels()]  # best first
        ['1. B', '2. A', '3. C']
        >>> len(r.plot("contributions").axes[0].patches)  # a segment per top-level node and unit
        6
        """
        from cchc_indicators.report import plot as plots

        if kind == "scores":
            return plots.index_scores(self, **options)
        if kind == "contributions":
            return plots.index_contributions(self, **options)
        msg = f"unknown plot kind {kind!r}; the kinds are 'scores', 'contributions'"
        raise DefinitionError(msg)


def _normalisation(index: CompositeIndex, value: object) -> Method:
    if value is None:
        return index.normalisation
    return check_method(Method.parse(value), "normalisation", f"index {index.code!r}")


def _imputation(index: CompositeIndex, value: object) -> Method:
    if value is None:
        return index.imputation
    return check_method(Method.parse(value), "imputation", f"index {index.code!r}")


def _joined(note: str, more: str) -> str:
    """The data's note, then a sentence more, as one text (a full stop between them)."""
    if not more:
        return note
    if not note:
        return more
    return f"{note}{'' if note.rstrip().endswith(('.', '!', '?')) else '.'} {more}"


def compute_index(
    index: CompositeIndex,
    data: Observations,
    *,
    period: str | int | None = None,
    units: Sequence[str] | None = None,
    weights: str | Mapping[str, float] | None = None,
    normalisation: str | Method | Mapping[str, Any] | None = None,
    aggregation: object = None,
    imputation: str | Method | Mapping[str, Any] | None = None,
    groups: Mapping[str, str] | None = None,
    on_unknown: Literal["raise", "ignore"] = "raise",
) -> IndexResult:
    """Score every unit on a composite index: impute, normalise, weight, aggregate, rank.

    The steps, in order:

    1. **Imputation** of the period's missing raw values (the index's method
       unless ``imputation=`` is given): ``none``; ``mean`` or ``median`` of
       the indicator over the units with a value; ``group_mean`` over the
       units of the same group (``groups={unit: group}``, e.g. a region);
       ``locf``, the latest earlier period's value. What cannot be imputed
       stays missing; imputed cells are flagged in :attr:`IndexResult.imputed`.
    2. **Normalisation** of each indicator over the units (see
       :mod:`cchc_indicators.composite.normalise`), the indicator's direction applied
       once; with the option ``over="panel"``, minimum, maximum, mean and
       standard deviation come from every period of the data, so that scores
       are comparable across years.
    3. **Aggregation** level by level from the bottom, each node by its
       method, over its children with a value (weights re-normalised over
       those), after refusing a value to units below the node's
       ``min_share`` (the reason is kept).
    4. **Ranks** at every node.

    Parameters
    ----------
    index
        The definition.
    data
        The observations; every indicator of the index must be there.
    period
        The period to score (default: the latest in the data).
    units
        The units to score, in order (default: every unit in the data).
    weights
        ``None`` (the nodes' weights), a weight set's name, a mapping
        ``{node: weight}`` overriding some, or ``"pca"``: each aggregate's
        children weighted by the squared loadings of their first principal
        component (needs complete data).
    normalisation, aggregation, imputation
        Replace the index's methods for this computation (``aggregation``:
        one method or one per level).
    groups
        ``{unit: group}``, for ``group_mean`` imputation.
    on_unknown
        What to do with observations of a code that is not an indicator of
        the index (most often a typo, whose values would otherwise be left
        out unseen): ``"raise"`` (the default) refuses them, naming each
        code (with the closest indicator, and the file and row where the
        data were read from one); ``"ignore"`` leaves them out and says so,
        with how many, in the result's :attr:`IndexResult.note`.

    Returns
    -------
    IndexResult

    Raises
    ------
    DefinitionError
        For an unknown method, option or weight set, or weights summing to 0.
    InvalidDataError
        For an indicator the data lack, a code in the data that the index
        does not have (unless ``on_unknown="ignore"``), an unknown period or
        unit, a unit without a group, or data a method cannot take (a zero
        under geometric aggregation without a shift, incomplete data for
        PCA).

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
    >>> idx = CompositeIndex("i", children=[
    ...     Node("services", children=[Node("online"), Node("days", direction=-1)]),
    ...     Node("satisfaction")])
    >>> data = Observations.from_values(
    ...     {"online": [90, 60, 30], "days": [5, 10, 15], "satisfaction": [70, 90, 80]},
    ...     units=["A", "B", "C"])
    >>> r = compute_index(idx, data)
    >>> r.score("services").tolist(), r.score().tolist(), r.rank().tolist()
    ([100.0, 50.0, 0.0], [50.0, 75.0, 25.0], [2, 1, 3])
    >>> r.contributions[r.nodes.index("satisfaction")].tolist()
    [0.0, 50.0, 25.0]
    >>> typo = Observations.from_records([
    ...     {"indicator": "online", "unit": "A", "value": 90},
    ...     {"indicator": "onlien", "unit": "B", "value": 60},
    ... ])
    >>> compute_index(CompositeIndex("i", children=[Node("online")]), typo)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.InvalidDataError: <records>: 1 problem
      row 1, field 'indicator': indicator 'onlien' is not in index 'i' (did you mean 'online'?); correct the code, or pass on_unknown='ignore' to leave it out
    >>> compute_index(CompositeIndex("i", children=[Node("online")]), typo, on_unknown="ignore").note
    "1 indicator(s) of the data not in index 'i' ignored (1 value(s)): 'onlien'."
    """
    check_type(index, CompositeIndex, func="compute_index", parameter="index")
    check_type(data, Observations, func="compute_index", parameter="data")
    ignored = check_unknown(index, data, on_unknown)
    norm = None if normalisation is None else _normalisation(index, normalisation)
    imp = None if imputation is None else _imputation(index, imputation)
    agg = aggregation_spec(index, aggregation)
    label, chosen, panel, at = prepare(index, data, period=period, units=units, groups=groups)
    compiled = compile_index(index, agg)
    pca = isinstance(weights, str) and weights == "pca"
    used = index.weights(None if pca else weights)
    screening = screening_of(index, panel, at, chosen, groups, data.units)
    stage = leaf_stage(index, panel, at, chosen, norm, imp, groups, screening)
    check_denominators(index, data, label, stage.units)
    normalised, raw, imputed = stage.normalised, stage.raw, stage.imputed
    if not stage.units:
        msg = f"index {index.code!r}: screening leaves no unit to score"
        raise InvalidDataError(
            [Problem(msg, field="screening", kind="no_unit_left")], source=data.source
        )
    w = weight_vector(compiled, used)
    result = run_levels(compiled, normalised, w, detail=True, weight_hook=pca_hook if pca else None)
    if pca:
        used = {
            c: float(x) for c, x in zip(compiled.codes, result.weights[0].tolist(), strict=True)
        }
    assert result.share is not None
    assert result.insufficient is not None
    assert result.contributions is not None
    scores = result.scores[0]
    # No child with a value at all is "no_data", whatever the threshold;
    # some, but fewer than the node's min_share, is "insufficient_data".
    reason = np.where(
        ~np.isnan(scores),
        "",
        np.where(result.insufficient[0] & (result.share[0] > 0), "insufficient_data", "no_data"),
    )
    return IndexResult(
        index=index.code,
        period=label,
        units=stage.units,
        nodes=compiled.codes,
        parents=tuple(None if p < 0 else compiled.codes[p] for p in compiled.parent.tolist()),
        levels=tuple(compiled.level.tolist()),
        leaves=tuple(n.code for n in index.leaves()),
        scores=scores,
        ranks=ranks(scores),
        contributions=result.contributions[0],
        share=result.share[0],
        reason=reason,
        raw=raw,
        imputed=imputed,
        normalised=normalised,
        weights=used,
        normalisation=norm or index.normalisation,
        aggregation=agg,
        imputation=imp or index.imputation,
        weight_set=weights if isinstance(weights, str) else None if weights is None else "custom",
        note=_joined(data.note, ignored),
        names={
            **{n.code: n.name for n in index.nodes()[1:] if n.name},
            **({index.code: index.name} if index.name else {}),
        },
        steps=_steps(index, norm, imp),
        treatment=stage.treatment,
        screening=screening,
    )


def _steps(index: CompositeIndex, norm: Method | None, imp: Method | None) -> Mapping[str, str]:
    """What :attr:`IndexResult.method` adds to its line, by step (only steps with something to say).

    ``normalisation`` and ``imputation``: the indicators whose own method
    differs from the index's; ``treatment``: the index's treatment with the
    indicators' own; ``denomination`` and ``screening``: their rules.
    """
    out: dict[str, str] = {}
    leaves = index.leaves()
    for role, given in (("normalisation", norm), ("imputation", imp), ("treatment", None)):
        methods = index.leaf_methods(role, given)
        default = given or getattr(index, role)
        own = [(n.code, m) for n, m in zip(leaves, methods, strict=True) if m != default]
        if role == "treatment":
            if default.name != "none" or own:
                out[role] = _label(default) + (
                    f" ({', '.join(f'{c} {_label(m)}' for c, m in own)})" if own else ""
                )
        elif own:
            out[role] = ", ".join(f"{c} {_label(m)}" for c, m in own)
    denominated = [n for n in leaves if n.denominator is not None]
    if denominated:
        out["denomination"] = ", ".join(
            f"{n.code} per {n.per:g} {n.denominator}"
            if n.per != 1
            else f"{n.code} per {n.denominator}"
            for n in denominated
        )
    if index.screening is not None:
        rule = index.screening
        parts = [
            f"{k} {getattr(rule, k):g}"
            for k in ("min_share", "min_nonzero")
            if getattr(rule, k) is not None
        ]
        parts += [
            f"{k} {', '.join(getattr(rule, k))}" for k in ("include", "exclude") if getattr(rule, k)
        ]
        out["screening"] = "; ".join([*parts, rule.order.replace("_", " ")])
    return out


def _label(m: Method) -> str:
    opts = ", ".join(f"{k}={v}" for k, v in m.options)
    return f"{m.name}({opts})" if opts else m.name
