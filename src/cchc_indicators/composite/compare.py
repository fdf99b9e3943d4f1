"""What if: compare two index results, and remove one element of an index at a time.

:func:`compare` sets two :class:`~cchc_indicators.composite.IndexResult` side
by side (two indices, or two versions of one, on the same units): each unit's
score and rank in both, its rank change, the mean absolute rank shift, the
units that move most and the Spearman correlation of the two rankings.

:func:`remove_elements` recomputes an index without each of its indicators
(or each aggregate of a level) in turn, as COINr's ``remove_elements`` does,
and reports how far the ranks move without each element.

A **rank change** is ``rank in a - rank in b``: positive when a unit climbs
(has a better, smaller rank) in ``b``. Units without a rank in one of the two
have no rank change (NaN) and are left out of the summaries.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import datasets
>>> from cchc_indicators.composite import compute_index, load_index
>>> from cchc_indicators.composite.compare import compare
>>> idx, data = load_index("par-style-demo"), datasets.index_observations()
>>> c = compare(compute_index(idx, data), compute_index(idx, data, weights="equal_domains"))
>>> round(c.mean_abs_shift, 2), round(c.spearman, 3)
(1.24, 0.994)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex
from cchc_indicators.composite._engine import ranks
from cchc_indicators.composite._node import Node
from cchc_indicators.composite._result import IndexResult, compute_index, text_table
from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core._args import check_type
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core.errors import (
    DefinitionError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownUnitError,
)
from cchc_indicators.core.i18n import default_language, gettext, number
from cchc_indicators.data.panel import _pandas

__all__ = [
    "COMPARISON_KEYS",
    "Comparison",
    "Removals",
    "compare",
    "index_without",
    "remove_elements",
    "spearman",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_ARRAY = {"converter": readonly, "eq": ARRAY_EQ}

#: The columns of :meth:`Comparison.to_frame`, in order.
COMPARISON_KEYS = ("unit", "score_a", "score_b", "rank_a", "rank_b", "rank_change")


def _rank_change(rank_a: IntArray, rank_b: IntArray) -> FloatArray:
    """``rank_a - rank_b`` where both ranks exist (> 0), NaN elsewhere; works on the last axis."""
    both = (rank_a > 0) & (rank_b > 0)
    out: FloatArray = np.where(both, (rank_a - rank_b).astype(np.float64), np.nan)
    return out


def _mean_abs(change: FloatArray) -> FloatArray:
    """The mean absolute value of each row over its finite values (NaN for a row with none)."""
    finite = ~np.isnan(change)
    n = finite.sum(axis=-1)
    total = np.where(finite, np.abs(change), 0.0).sum(axis=-1)
    out: FloatArray = np.divide(
        total, n, out=np.full(n.shape, np.nan), where=n > 0, casting="unsafe"
    )
    return out


def _average_ranks(x: FloatArray) -> FloatArray:
    """Ranks 1..n of ``x`` in ascending order, ties given their average rank."""
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    average = np.cumsum(counts) - (counts - 1) / 2.0
    out: FloatArray = average[inverse.reshape(-1)].astype(np.float64)
    return out


def spearman(rank_a: IntArray, rank_b: IntArray) -> float:
    """Spearman's correlation of two rankings over the units ranked in both (NaN if undefined).

    Ties get their average rank, so this is Pearson's correlation of the
    average ranks.

    Examples
    --------
    >>> import numpy as np
    >>> spearman(np.array([1, 2, 3, 4]), np.array([4, 3, 2, 1]))
    -1.0
    >>> spearman(np.array([1, 2, 0]), np.array([1, 2, 3]))  # the third unit is left out
    1.0
    """
    both = (rank_a > 0) & (rank_b > 0)
    if both.sum() < 2:
        return float("nan")
    a = _average_ranks(rank_a[both].astype(np.float64))
    b = _average_ranks(rank_b[both].astype(np.float64))
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float("nan") if den == 0 else float((a * b).sum() / den)


def _mover_positions(change: FloatArray, n: int) -> list[int]:
    """The positions of the ``n`` largest ``|change|``, largest first, ties by position, NaN left out."""
    size = np.where(np.isnan(change), -1.0, np.abs(change))
    order = np.lexsort((np.arange(len(change)), -size))
    out: list[int] = order[size[order] >= 0][:n].tolist()
    return out


def _fmt(x: float, digits: int) -> str:
    return "—" if np.isnan(x) else f"{x:.{digits}f}"


def _signed(x: float) -> str:
    return "—" if np.isnan(x) else f"{int(x):+d}" if x else "0"


@attrs.frozen(repr=False)
class Comparison:
    """Two index results side by side: scores, ranks and rank changes per unit, and summaries.

    Built by :func:`compare`. Arrays have one value per unit, in
    :attr:`units` order (the order of ``a``).

    Attributes
    ----------
    names
        The labels of the two results (``a`` and ``b`` unless given).
    node
        The node compared (``None``: the indices themselves).
    units
        The units.
    score_a, score_b, rank_a, rank_b
        Each unit's score and rank in both (rank 0 = no score).
    rank_change
        ``rank_a - rank_b``: positive when the unit climbs in ``b``; NaN
        where a unit has no rank in one of them.
    note
        The notes of the results' data (such as the synthetic-data warning).

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
    >>> data = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, 3]}, ["A", "B", "C", "D"])
    >>> a = compute_index(CompositeIndex("i", children=[Node("x"), Node("y")]), data)
    >>> b = compute_index(CompositeIndex("i", children=[Node("x"), Node("y", weight=3)]), data)
    >>> c = compare(a, b, names=("equal", "y x3"))
    >>> c.rank_a.tolist(), c.rank_b.tolist(), c.rank_change.tolist()
    ([2, 1, 3, 3], [4, 1, 3, 2], [-2.0, 0.0, 0.0, 1.0])
    >>> c.mean_abs_shift, c.movers(2)
    (0.75, (('A', -2.0), ('D', 1.0)))
    """

    names: tuple[str, str]
    node: str | None
    units: tuple[str, ...]
    score_a: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    score_b: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    rank_a: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    rank_b: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    note: str = ""

    def __repr__(self) -> str:
        return (
            f"Comparison(names={self.names!r}, units={len(self.units)}, "
            f"mean_abs_shift={self.mean_abs_shift:.3g}, spearman={self.spearman:.3g})"
        )

    @property
    def rank_change(self) -> FloatArray:
        """``rank_a - rank_b`` per unit (positive: climbs in ``b``), NaN without both ranks."""
        return _rank_change(self.rank_a, self.rank_b)

    @property
    def mean_abs_shift(self) -> float:
        """The mean absolute rank change over the units ranked in both (NaN if none is)."""
        return float(_mean_abs(self.rank_change))

    @property
    def spearman(self) -> float:
        """Spearman's rank correlation of the two rankings over the units ranked in both."""
        return spearman(self.rank_a, self.rank_b)

    def movers(self, n: int = 5) -> tuple[tuple[str, float], ...]:
        """The ``n`` units whose rank changes most, ``(unit, rank change)``, largest move first.

        Ties keep the units' order; units without a rank change are left out.

        Raises
        ------
        DefinitionError
            For ``n`` that is not a whole number >= 1.

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import compute_index, load_index
        >>> idx, data = load_index("par-style-demo"), datasets.index_observations()
        >>> c = compare(compute_index(idx, data), compute_index(idx, data, weights="equal_domains"))
        >>> len(c.movers(3))
        3
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            msg = f"the number of movers must be a whole number >= 1, got {n!r}"
            raise DefinitionError(msg)
        change = self.rank_change
        return tuple((self.units[j], float(change[j])) for j in _mover_positions(change, n))

    def to_records(self) -> list[dict[str, Any]]:
        """One record per unit with the keys of :data:`COMPARISON_KEYS` (``None`` where missing).

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
        >>> r = compute_index(CompositeIndex("i", children=[Node("x")]), Observations.from_values({"x": [1, 2]}, ["A", "B"]))
        >>> compare(r, r).to_records()[0]
        {'unit': 'A', 'score_a': 0.0, 'score_b': 0.0, 'rank_a': 2, 'rank_b': 2, 'rank_change': 0}
        """
        change = self.rank_change
        return [
            {
                "unit": u,
                "score_a": None if np.isnan(self.score_a[j]) else float(self.score_a[j]),
                "score_b": None if np.isnan(self.score_b[j]) else float(self.score_b[j]),
                "rank_a": int(self.rank_a[j]) or None,
                "rank_b": int(self.rank_b[j]) or None,
                "rank_change": None if np.isnan(change[j]) else int(change[j]),
            }
            for j, u in enumerate(self.units)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import compute_index, load_index
        >>> r = compute_index(load_index("par-style-demo"), datasets.index_observations())
        >>> compare(r, r).to_frame().shape
        (63, 6)
        """
        return _pandas().DataFrame.from_records(self.to_records(), columns=list(COMPARISON_KEYS))

    def table(self, *, digits: int = 1) -> str:
        """A plain-text table, units by their rank in ``b``, then the summaries.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
        >>> data = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, 3]}, ["A", "B", "C", "D"])
        >>> a = compute_index(CompositeIndex("i", children=[Node("x"), Node("y")]), data)
        >>> b = compute_index(CompositeIndex("i", children=[Node("x"), Node("y", weight=3)]), data)
        >>> print(compare(a, b).table())
        unit  score a  rank a  score b  rank b  change
        ----------------------------------------------
        B        83.3       1     91.7       1       0
        D        33.3       3     50.0       2      +1
        C        33.3       3     33.3       3       0
        A        50.0       2     25.0       4      -2
        mean absolute rank shift 0.75; Spearman rank correlation 0.316
        """
        a, b = self.names
        head = ("unit", f"score {a}", f"rank {a}", f"score {b}", f"rank {b}", "change")
        order = np.lexsort(
            (np.arange(len(self.units)), np.where(self.rank_b == 0, 1 << 30, self.rank_b))
        )
        change = self.rank_change
        body = [
            (
                self.units[j],
                _fmt(float(self.score_a[j]), digits),
                str(self.rank_a[j] or "—"),
                _fmt(float(self.score_b[j]), digits),
                str(self.rank_b[j] or "—"),
                _signed(float(change[j])),
            )
            for j in order.tolist()
        ]
        lines = text_table(head, body, {1, 2, 3, 4, 5})
        lines.append(
            f"mean absolute rank shift {self.mean_abs_shift:.3g}; "
            f"Spearman rank correlation {self.spearman:.3g}"
        )
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: the summaries, then the units that move most."""
        return _comparison_html(self)


def _check_names(names: object) -> tuple[str, str]:
    if names is None:
        return ("a", "b")
    if (
        isinstance(names, str)
        or not isinstance(names, Sequence)
        or len(names) != 2
        or not all(isinstance(x, str) for x in names)
    ):
        msg = f"names must be two texts, such as ('2023', '2024'), got {names!r}"
        raise DefinitionError(msg)
    return (names[0], names[1])


def _joined_notes(*notes: str) -> str:
    seen: list[str] = []
    for n in notes:
        if n and n not in seen:
            seen.append(n)
    return " ".join(seen)


def compare(
    a: IndexResult,
    b: IndexResult,
    *,
    names: Sequence[str] | None = None,
    node: str | None = None,
) -> Comparison:
    """Compare two index results on the same units: ranks, rank changes and their summaries.

    Parameters
    ----------
    a, b
        Two results of :func:`~cchc_indicators.composite.compute_index`:
        two indices, or two versions of one, scored on the same units (in
        any order; the comparison keeps the order of ``a``).
    names
        Labels for the two (default ``("a", "b")``).
    node
        A node of both results to compare (default: the indices themselves).

    Returns
    -------
    Comparison

    Raises
    ------
    UnknownUnitError
        When the two results do not hold the same units (naming one unit
        that only one of them has).
    UnknownIndicatorError
        For a ``node`` not in both results.
    DefinitionError
        For ``names`` that are not two texts.

    Examples
    --------
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import compute_index, load_index
    >>> idx, data = load_index("par-style-demo"), datasets.index_observations()
    >>> c = compare(compute_index(idx, data), compute_index(idx, data, weights="equal_domains"),
    ...             names=("nominal", "equal domains"))
    >>> c.names, len(c.units), c.spearman > 0.9
    (('nominal', 'equal domains'), 63, True)
    >>> compare(compute_index(idx, data), compute_index(idx, data, units=data.units[:10]))
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.UnknownUnitError: the two results do not hold the same units: 'b' has 10 units, 'a' has 63 (e.g. ...)
    """
    check_type(a, IndexResult, func="compare", parameter="a")
    check_type(b, IndexResult, func="compare", parameter="b")
    labels = _check_names(names)
    if set(a.units) != set(b.units):
        only = sorted(set(a.units) ^ set(b.units))[0]
        msg = (
            f"the two results do not hold the same units: {labels[1]!r} has {len(b.units)} units, "
            f"{labels[0]!r} has {len(a.units)} (e.g. {only!r} is in only one)"
        )
        raise UnknownUnitError(msg, key=only)
    row_a, row_b = a._row(node), b._row(node)
    units_b = np.array(b.units, dtype=object)
    order = np.argsort(units_b, kind="stable")
    take = order[np.searchsorted(units_b[order], np.array(a.units, dtype=object))]
    return Comparison(
        names=labels,
        node=node,
        units=a.units,
        score_a=a.scores[row_a],
        score_b=b.scores[row_b][take],
        rank_a=a.ranks[row_a],
        rank_b=b.ranks[row_b][take],
        note=_joined_notes(a.note, b.note),
    )


@attrs.frozen(repr=False)
class Removals:
    """How the ranks of an index move when each of its elements is removed in turn.

    Built by :func:`remove_elements`. Arrays are ``(elements, units)``.

    Attributes
    ----------
    index
        The index's code.
    level
        The level whose nodes were removed (``None``: the indicators).
    elements
        The codes removed, one per row.
    units
        The units, in the order of the full result.
    full
        The result of the full index.
    scores, ranks
        The index scores and ranks of each unit without each element.
    note
        The data's note.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> idx = CompositeIndex("i", children=[Node("x"), Node("y"), Node("z")])
    >>> data = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, 3], "z": [1, 2, 3, 4]}, ["A", "B", "C", "D"])
    >>> r = remove_elements(idx, data)
    >>> r.full.rank().tolist()
    [4, 1, 3, 2]
    >>> r.ranks.tolist()  # without x, without y, without z
    [[4, 2, 3, 1], [1, 1, 1, 1], [2, 1, 3, 3]]
    >>> r.mean_abs_shift.tolist()
    [0.5, 1.5, 0.75]
    """

    index: str
    level: int | None
    elements: tuple[str, ...]
    units: tuple[str, ...]
    full: IndexResult = attrs.field(eq=False)
    scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    ranks: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    note: str = ""

    def __repr__(self) -> str:
        return (
            f"Removals(index={self.index!r}, level={self.level!r}, "
            f"elements={len(self.elements)}, units={len(self.units)})"
        )

    @property
    def rank_change(self) -> FloatArray:
        """``full rank - rank without the element`` per element and unit (positive: climbs)."""
        return _rank_change(self.full.ranks[0][np.newaxis, :], self.ranks)

    @property
    def mean_abs_shift(self) -> FloatArray:
        """The mean absolute rank change of the units, one per element removed."""
        return _mean_abs(self.rank_change)

    def comparison(self, element: str) -> Comparison:
        """The full index compared with the index without ``element``.

        Raises
        ------
        UnknownIndicatorError
            For an element that was not removed.

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> r = remove_elements(load_index("par-style-demo"), datasets.index_observations(), level=1)
        >>> r.comparison("public_finance").names
        ('full', 'without public_finance')
        """
        if element not in self.elements:
            msg = f"{element!r} was not removed; the elements are {', '.join(map(repr, self.elements))}"
            raise UnknownIndicatorError(msg, key=element)
        k = self.elements.index(element)
        return Comparison(
            names=("full", f"without {element}"),
            node=None,
            units=self.units,
            score_a=self.full.scores[0],
            score_b=self.scores[k],
            rank_a=self.full.ranks[0],
            rank_b=self.ranks[k],
            note=self.note,
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One record per element and unit: ``element``, ``unit``, ``rank``, ``rank_without``, ``rank_change``.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("x"), Node("y")])
        >>> r = remove_elements(idx, Observations.from_values({"x": [1, 2], "y": [2, 1]}, ["A", "B"]))
        >>> r.to_records()[0]
        {'element': 'x', 'unit': 'A', 'rank': 1, 'rank_without': 1, 'rank_change': 0}
        """
        change = self.rank_change
        full = self.full.ranks[0]
        return [
            {
                "element": e,
                "unit": u,
                "rank": int(full[j]) or None,
                "rank_without": int(self.ranks[k, j]) or None,
                "rank_change": None if np.isnan(change[k, j]) else int(change[k, j]),
            }
            for k, e in enumerate(self.elements)
            for j, u in enumerate(self.units)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> remove_elements(load_index("par-style-demo"), datasets.index_observations(), level=1).to_frame().shape
        (504, 5)
        """
        keys = ["element", "unit", "rank", "rank_without", "rank_change"]
        return _pandas().DataFrame.from_records(self.to_records(), columns=keys)

    def table(self) -> str:
        """A plain-text table: each element removed, its mean absolute rank shift and the largest move.

        Elements in the order of the index.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("x"), Node("y"), Node("z")])
        >>> data = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, 3], "z": [1, 2, 3, 4]}, ["A", "B", "C", "D"])
        >>> print(remove_elements(idx, data).table())
        removed  mean abs. rank shift  largest move
        -------------------------------------------
        x                        0.50  B -1
        y                        1.50  A +3
        z                        0.75  A +2
        index i, without each indicator in turn
        """
        shift = self.mean_abs_shift
        body = []
        for k, e in enumerate(self.elements):
            moves = self.comparison(e).movers(1)
            top = "—" if not moves or moves[0][1] == 0 else f"{moves[0][0]} {_signed(moves[0][1])}"
            body.append((e, _fmt(float(shift[k]), 2), top))
        lines = text_table(("removed", "mean abs. rank shift", "largest move"), body, {1})
        what = "indicator" if self.level is None else f"node of level {self.level}"
        lines.append(f"index {self.index}, without each {what} in turn")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: each element removed and its mean absolute rank shift."""
        return _removals_html(self)


def _without(node: Node, code: str) -> Node | None:
    """``node`` without the descendant ``code``; ``None`` when nothing of it is left."""
    if node.code == code:
        return None
    if node.is_leaf:
        return node
    kids = [k for k in (_without(c, code) for c in node.children) if k is not None]
    if not kids:
        return None
    if len(kids) == len(node.children) and all(
        k is c for k, c in zip(kids, node.children, strict=True)
    ):
        return node
    if sum(k.weight for k in kids) <= 0:
        msg = (
            f"removing {code!r} leaves the children of {node.code!r} with weights summing to 0; "
            "give them weights first"
        )
        raise DefinitionError(msg, code=code)
    return attrs.evolve(node, children=tuple(kids))


def index_without(index: CompositeIndex, code: str) -> CompositeIndex:
    """The index without the node ``code`` (an indicator or an aggregate).

    The remaining siblings keep their weights, which are relative, so they
    are re-normalised among themselves; an aggregate left without children is
    removed too. Weight sets lose the removed nodes; a per-level aggregation
    loses the levels the tree no longer has.

    Raises
    ------
    UnknownIndicatorError
        For a code that is not a node of the index (or is the index itself).
    DefinitionError
        When nothing would be left, or the remaining siblings' weights sum to 0.

    Examples
    --------
    >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x")]), Node("z", weight=3)])
    >>> [n.code for n in index_without(idx, "x").nodes()]
    ['i', 'z']
    >>> index_without(CompositeIndex("i", children=[Node("x")]), "x")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: removing 'x' would leave index 'i' without any indicator
    """
    codes = [n.code for n in index.nodes()[1:]]
    if code not in codes:
        msg = f"{code!r} is not a node of index {index.code!r} that can be removed"
        raise UnknownIndicatorError(msg, key=code)
    root = _without(index.root, code)
    if root is None:
        msg = f"removing {code!r} would leave index {index.code!r} without any indicator"
        raise DefinitionError(msg, code=code)
    kept = {n.code for n in root.walk()}
    sets = {name: {c: w for c, w in changes if c in kept} for name, changes in index.weight_sets}
    probe = CompositeIndex(index.code, children=root.children)
    aggregation = index.aggregation
    if len(aggregation) > 1:
        aggregation = aggregation[: probe.depth]
    return attrs.evolve(index, children=root.children, aggregation=aggregation, weight_sets=sets)


def remove_elements(
    index: CompositeIndex,
    data: Observations,
    *,
    level: int | None = None,
    **options: Any,
) -> Removals:
    """Recompute an index without each of its indicators, or each node of a level, in turn.

    Each element removed, its siblings' weights are re-normalised among
    themselves (weights are relative) and an aggregate left without children
    goes too; the index is then scored again on the same data and its ranks
    compared with the full index's. This is COINr's ``remove_elements``; the
    mean absolute rank shift of an element says how much the ranking rests
    on it.

    Parameters
    ----------
    index, data
        The index and the observations, as for
        :func:`~cchc_indicators.composite.compute_index`.
    level
        ``None`` (default): remove each indicator (leaf) in turn; ``k`` >= 1:
        remove each node of level ``k`` (1 = the top-level aggregates).
    **options
        Passed on to :func:`~cchc_indicators.composite.compute_index`
        (``period``, ``units``, ``weights``, methods, ``groups``); a weights
        mapping loses the removed nodes.

    Returns
    -------
    Removals

    Raises
    ------
    UnknownLevelError
        For a level the index does not have.
    DefinitionError
        When removing an element would leave nothing (an index of one
        indicator), or siblings with weights summing to 0.

    Examples
    --------
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import load_index
    >>> r = remove_elements(load_index("par-style-demo"), datasets.index_observations(), level=1)
    >>> r.elements[:3]
    ('directing_managing_par', 'institutional_reform', 'administrative_procedures')
    >>> bool((r.mean_abs_shift > 0).all())
    True
    """
    check_type(index, CompositeIndex, func="remove_elements", parameter="index")
    check_type(data, Observations, func="remove_elements", parameter="data")
    levels = index.levels()
    if level is None:
        elements = tuple(n.code for n in index.leaves())
    else:
        elements = tuple(c for c, v in levels.items() if v == level and level >= 1)
        if isinstance(level, bool) or not isinstance(level, int) or not elements:
            msg = f"index {index.code!r} has no level {level!r}; its levels are 1 to {index.depth}"
            raise UnknownLevelError(msg, key=str(level))
    full = compute_index(index, data, **options)
    options = {**options, "on_unknown": "ignore"}
    weights = options.get("weights")
    scores = np.empty((len(elements), len(full.units)))
    for k, code in enumerate(elements):
        smaller = index_without(index, code)
        kept = {n.code for n in smaller.nodes()}
        run = dict(options)
        if isinstance(weights, Mapping):
            run["weights"] = {c: w for c, w in weights.items() if c in kept}
        run["units"] = full.units
        scores[k] = compute_index(smaller, data, **run).scores[0]
    return Removals(
        index=index.code,
        level=level,
        elements=elements,
        units=full.units,
        full=full,
        scores=scores,
        ranks=ranks(scores),
        note=data.note,
    )


def _comparison_html(c: Comparison, lang: str | None = None) -> str:
    """The display of a comparison: the summaries, then the units that move most."""
    lang = lang or default_language()
    change = c.rank_change
    shown = _mover_positions(change, rh.MAX_ROWS)
    body = [
        [
            c.units[j],
            number(int(c.rank_a[j]) or None, lang, 0),
            number(int(c.rank_b[j]) or None, lang, 0),
            _signed(float(change[j])),
        ]
        for j in shown
    ]
    a, b = c.names
    head = [
        gettext("Unit", lang),
        gettext("Rank in {name}", lang).format(name=a),
        gettext("Rank in {name}", lang).format(name=b),
        gettext("Rank change", lang),
    ]
    table = rh.table(head, body, numeric={1, 2, 3})
    facts = [
        (gettext("Units", lang), number(len(c.units), lang, 0)),
        (gettext("Mean absolute rank shift", lang), number(c.mean_abs_shift, lang, 2)),
        (gettext("Spearman rank correlation", lang), number(c.spearman, lang, 3)),
    ]
    footer = [
        rh.more_rows(len(body), len(c.units), lang, ".to_frame() / .table()"),
    ]
    title = gettext("Comparison of {a} and {b}: the units that move most", lang).format(a=a, b=b)
    return rh.block(
        "comparison", title, lang=lang, facts=facts, note=c.note, body=[table], footer=footer
    )


def _removals_html(r: Removals, lang: str | None = None) -> str:
    """The display of :func:`remove_elements`: each element removed and its mean absolute rank shift."""
    lang = lang or default_language()
    shift = r.mean_abs_shift
    body = [
        [e, number(None if np.isnan(shift[k]) else float(shift[k]), lang, 2)]
        for k, e in enumerate(r.elements)
    ]
    head = [gettext("Removed", lang), gettext("Mean absolute rank shift", lang)]
    table = rh.table(head, body, numeric={1})
    facts = [
        (gettext("Index", lang), r.index),
        (gettext("Units", lang), number(len(r.units), lang, 0)),
    ]
    footer = [gettext("As data: .to_frame()", lang)]
    title = gettext("The ranks of {index} without each element in turn", lang).format(index=r.index)
    return rh.block(
        "removals", title, lang=lang, facts=facts, note=r.note, body=[table], footer=footer
    )
