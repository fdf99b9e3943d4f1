"""Evaluation of a points tree over units (vectorised): :func:`evaluate_points` and its result."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from cchc_indicators.composite._points_def import Bands, Component, FromRank, GivenPoints, Structure
from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._repr import counted
from cchc_indicators.core._ties import descending_ranks
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    InvalidDataError,
    Problem,
    UnknownIndicatorError,
)

__all__ = ["PointsResult", "evaluate_points"]

_TOL = 1e-9
_FloatArray = npt.NDArray[np.float64]


def _number_or_none(x: object) -> float | None:
    f = float(x)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


@attrs.frozen
class PointsResult:
    """Points of every component for every unit, with the index, ranks and grades.

    Made by :func:`evaluate_points`. Arrays are read-only; their last axis
    follows :attr:`units`, and node arrays' first axis follows :attr:`nodes`
    (parents before children).

    Attributes
    ----------
    structure : str
        The structure's code.
    units, nodes, parts : tuple of str
        The units, the component codes and the parts of points.
    points, applicable, capped : numpy.ndarray
        Per node and unit: points, applicable maximum (0 where not applicable),
        and whether the children's points were capped at the node's maximum.
    part_points : numpy.ndarray
        Per part and unit, the points from that part; a capped node scales its
        children's parts down in proportion, so the parts sum to :attr:`total`.
    total, applicable_maximum, index : numpy.ndarray
        Per unit: points, applicable maximum and ``100 * total / applicable_maximum``
        (NaN when nothing applies).
    rank : numpy.ndarray
        Rank of the index, 1 = best, ties sharing the smallest rank; 0 without an index.
        Indexes closer than ``1e-9`` times the largest are tied (the tie rule
        of every ranking in the library).
    grade : tuple of str or None
        The grade of each unit's index, ``None`` below the lowest grade.
    missing, not_applicable : tuple of (unit, code)
        Leaves without a value (scored 0), and the components declared not applicable.

    Examples
    --------
    >>> from cchc_indicators import points
    >>> s = points.load_structure("pci-2016")
    >>> values = {c.code: [10.0, 5.0] for c in s.leaves()}
    >>> r = points.evaluate_points(s, values, units=["01", "02"])
    >>> r.index.tolist(), r.node_points("transparency").tolist()
    ([100.0, 50.0], [20.0, 10.0])
    """

    structure: str
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    parts: tuple[str, ...]
    grade: tuple[str | None, ...]
    missing: tuple[tuple[str, str], ...]
    not_applicable: tuple[tuple[str, str], ...]
    points: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    applicable: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    capped: npt.NDArray[np.bool_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    part_points: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    total: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    applicable_maximum: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    index: npt.NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    rank: npt.NDArray[np.int64] = attrs.field(converter=readonly, eq=ARRAY_EQ)

    def __repr__(self) -> str:
        return (
            f"PointsResult({self.structure!r}, {counted(len(self.units), 'unit')}, "
            f"{counted(len(self.nodes), 'node')}, {len(self.missing)} missing)"
        )

    def node_points(self, code: str) -> npt.NDArray[np.float64]:
        """Return the points of component ``code`` per unit.

        Raises
        ------
        UnknownIndicatorError
            If the structure has no such component.

        Examples
        --------
        >>> from cchc_indicators import points
        >>> s = points.load_structure("pci-2016")
        >>> r = points.evaluate_points(s, {"entry_costs": [5.0]}, units=["01"])
        >>> r.node_points("entry_costs").tolist()
        [2.5]
        """
        if code not in self.nodes:
            msg = f"component {code!r} is not in structure {self.structure!r}"
            raise UnknownIndicatorError(msg, key=code)
        out: npt.NDArray[np.float64] = self.points[self.nodes.index(code)]
        return out

    def part(self, name: str) -> npt.NDArray[np.float64]:
        """Return the points from part ``name`` per unit.

        Raises
        ------
        UnknownIndicatorError
            If no component has that part.

        Examples
        --------
        >>> from cchc_indicators import points
        >>> s = points.load_structure("pci-2016")
        >>> points.evaluate_points(s, {"entry_costs": [5.0]}, units=["01"]).part("main").tolist()
        [2.5]
        """
        if name not in self.parts:
            shown = ", ".join(repr(p) for p in self.parts)
            msg = f"part {name!r} is not in structure {self.structure!r}; its parts are {shown}"
            raise UnknownIndicatorError(msg, key=name)
        out: npt.NDArray[np.float64] = self.part_points[self.parts.index(name)]
        return out

    def _repr_html_(self) -> str:
        """A notebook's summary: the ranking with index, points and grade."""
        from cchc_indicators.composite._result_html import points_html

        return points_html(self)

    def to_records(self) -> list[dict[str, Any]]:
        """Return one dictionary per unit: totals, parts (``points_<part>``), index, rank, grade.

        ``missing`` and ``not_applicable`` list the unit's codes; a NaN index is ``None``.

        Examples
        --------
        >>> from cchc_indicators import points
        >>> s = points.load_structure("pci-2016")
        >>> rec = points.evaluate_points(s, {"entry_costs": [5.0]}, units=["01"]).to_records()[0]
        >>> rec["unit"], rec["points"], rec["index"], rec["rank"], len(rec["missing"])
        ('01', 2.5, 2.5, 1, 9)
        """
        records = []
        for j, unit in enumerate(self.units):
            rec: dict[str, Any] = {
                "unit": unit,
                "points": float(self.total[j]),
                "applicable_maximum": float(self.applicable_maximum[j]),
                "index": _number_or_none(self.index[j]),
                "rank": int(self.rank[j]) or None,
                "grade": self.grade[j],
            }
            for k, name in enumerate(self.parts):
                rec[f"points_{name}"] = float(self.part_points[k, j])
            rec["missing"] = [c for u, c in self.missing if u == unit]
            rec["not_applicable"] = [c for u, c in self.not_applicable if u == unit]
            records.append(rec)
        return records

    def node_records(self) -> list[dict[str, Any]]:
        """Return one dictionary per unit and component: points, applicable maximum, capped.

        Examples
        --------
        >>> from cchc_indicators import points
        >>> s = points.load_structure("pci-2016")
        >>> points.evaluate_points(s, {"entry_costs": [5.0]}, units=["01"]).node_records()[0]
        {'unit': '01', 'node': 'entry_costs', 'points': 2.5, 'applicable_maximum': 5.0, 'capped': False}
        """
        return [
            {
                "unit": unit,
                "node": node,
                "points": float(self.points[i, j]),
                "applicable_maximum": float(self.applicable[i, j]),
                "capped": bool(self.capped[i, j]),
            }
            for j, unit in enumerate(self.units)
            for i, node in enumerate(self.nodes)
        ]


def _positions_by_group(
    rule: FromRank, v: _FloatArray, usable: npt.NDArray[np.bool_], groups: npt.NDArray[Any]
) -> _FloatArray:
    out = np.full(v.shape, np.nan)
    for g in np.unique(groups[usable]):
        mask = usable & (groups == g)
        out[mask] = rule.positions(v[mask])
    return out


def _check_units(units: Sequence[str]) -> tuple[str, ...]:
    if isinstance(units, str) or not isinstance(units, Sequence):
        problems = [Problem(f"units are a sequence of codes, got {units!r}", kind="bad_units")]
        raise InvalidDataError(problems, source="<units>")
    out = tuple(units)
    seen: set[str] = set()
    problems = []
    for i, u in enumerate(out):
        if not isinstance(u, str) or not u:
            problems.append(Problem(f"unit {u!r} is not a code", row=i, kind="bad_unit"))
        elif u in seen:
            problems.append(Problem(f"unit {u!r} appears twice", row=i, kind="duplicate_unit"))
        seen.add(u)
    if problems:
        raise InvalidDataError(problems, source="<units>")
    return out


def _groups(
    peers: Mapping[str, str] | Sequence[str] | None, units: tuple[str, ...], problems: list[Problem]
) -> npt.NDArray[Any]:
    if peers is None:
        return np.zeros(len(units), dtype=object)
    if isinstance(peers, Mapping):
        absent = [u for u in units if u not in peers]
        if absent:
            msg = f"units without a peer group: {', '.join(map(repr, absent))}"
            problems.append(Problem(msg, kind="no_peer_group"))
        return np.array([str(peers.get(u, "")) for u in units], dtype=object)
    if isinstance(peers, str) or len(peers) != len(units):
        msg = f"peers give one group per unit ({len(units)}), got {peers!r}"
        problems.append(Problem(msg, kind="bad_peers"))
        return np.zeros(len(units), dtype=object)
    return np.array([str(p) for p in peers], dtype=object)


def _declared_na(
    structure: Structure,
    not_applicable: Mapping[str, Collection[str]] | None,
    units: tuple[str, ...],
    problems: list[Problem],
) -> dict[str, npt.NDArray[np.bool_]]:
    out: dict[str, npt.NDArray[np.bool_]] = {}
    position = {u: j for j, u in enumerate(units)}
    for code, given in (not_applicable or {}).items():
        structure.node(code)
        na_units: object = (given,) if isinstance(given, str) else given  # a str: one unit
        if not isinstance(na_units, Collection):
            msg = (
                f"evaluate_points: not_applicable[{code!r}] must be a unit code or a list of "
                f"them, got {describe(na_units)}"
            )
            raise ArgumentTypeError(msg, parameter="not_applicable")
        mask = np.zeros(len(units), dtype=bool)
        for u in na_units:
            if u in position:
                mask[position[u]] = True
            else:
                msg = f"unit {u!r} declared not applicable for {code!r} is not among the units"
                problems.append(Problem(msg, field=code, kind="unknown_unit"))
        out[code] = mask
    return out


def _leaf_values(
    structure: Structure,
    values: Mapping[str, Sequence[float] | npt.NDArray[np.float64]],
    n: int,
    problems: list[Problem],
) -> dict[str, _FloatArray]:
    leaves = {c.code for c in structure.leaves()}
    out: dict[str, _FloatArray] = {}
    for code, raw in values.items():
        if code not in leaves:
            what = "not a leaf of" if code in {c.code for c in structure.nodes()} else "not in"
            msg = f"values are given for {code!r}, which is {what} structure {structure.code!r}"
            raise UnknownIndicatorError(msg, key=code)
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            problems.append(
                Problem(f"values are not numbers: {raw!r}", field=code, kind="not_numeric")
            )
            continue
        if arr.shape != (n,):
            msg = f"expected one value per unit ({n}), got shape {arr.shape}"
            problems.append(Problem(msg, field=code, kind="wrong_length"))
            continue
        out[code] = arr
    return out


def _bad_values(
    code: str, units: tuple[str, ...], v: _FloatArray, bad: npt.NDArray[np.bool_], why: str
) -> list[Problem]:
    shown = ", ".join(f"{units[j]!r}: {v[j]:g}" for j in np.flatnonzero(bad))
    return [Problem(f"{why}: {shown}", field=code, kind="invalid_value")]


def _leaf_fractions(
    node: Component,
    v: _FloatArray,
    usable: npt.NDArray[np.bool_],
    groups: npt.NDArray[Any],
) -> tuple[_FloatArray, str]:
    rule = node.rule
    if isinstance(rule, FromRank):
        return rule.bands.fractions(_positions_by_group(rule, v, usable, groups)), (
            f"the {rule.basis} among peers falls outside the bands"
        )
    if isinstance(rule, GivenPoints):
        frac = np.where((v >= 0) & (v <= node.maximum), v / node.maximum, np.nan)
        return frac, f"points must lie between 0 and the maximum {node.maximum:g}"
    if isinstance(rule, Bands):
        return rule.fractions(v), "values fall outside the bands"
    assert rule is not None  # leaves have rules by construction
    return rule.fractions(v), "values must be 1 (yes) or 0 (no)"


def evaluate_points(
    structure: Structure,
    values: Mapping[str, Sequence[float] | npt.NDArray[np.float64]],
    units: Sequence[str],
    *,
    not_applicable: Mapping[str, Collection[str]] | None = None,
    peers: Mapping[str, str] | Sequence[str] | None = None,
) -> PointsResult:
    """Score every unit on a points tree, vectorised over units.

    Parameters
    ----------
    structure
        The points tree.
    values
        For each leaf code, one value per unit (in the order of ``units``); NaN,
        or a leaf left out, is missing: it scores 0 and is reported.
    units
        The unit codes.
    not_applicable
        For a component code, the units to which it does not apply (a list of
        codes, or one code): its maximum (with its subtree's) leaves their
        denominator. Giving such a unit a value under that component is an
        error.
    peers
        The peer group of each unit (a mapping or one label per unit), for
        the rank and percentile rules; default: all units are peers. The
        index is ranked over all units.

    Returns
    -------
    PointsResult

    Raises
    ------
    UnknownIndicatorError
        If a value or a not-applicable entry names an unknown component, or
        values are given for a component that is not a leaf.
    InvalidDataError
        Listing every problem: duplicate units, values of the wrong length or
        not numbers, values outside a rule's range, values for a
        not-applicable component, unknown units, units without a peer group.
    ArgumentTypeError
        If ``structure``, ``values``, ``not_applicable`` or ``peers`` is not of
        the type described above (``peers=3``, ``not_applicable="x"``).

    Examples
    --------
    >>> from cchc_indicators import points
    >>> s = points.Structure("s", components=[
    ...     points.Component("d", maximum=10, children=[
    ...         points.Component("c1", maximum=6, rule=points.yes_no()),
    ...         points.Component("c2", maximum=6, rule=points.yes_no()),
    ...     ]),
    ...     points.Component("e", maximum=10, rule=points.bands((100, None, 1), (95, 100, .5), (None, 95, 0))),
    ... ], grades={"A": 90, "B": 80})
    >>> r = points.evaluate_points(s, {"c1": [1, 1, 0], "c2": [1, np.nan, np.nan], "e": [97, 100, 100]},
    ...                           units=["x", "y", "z"], not_applicable={"c2": ["z"]})
    >>> r.node_points("d").tolist(), r.capped[0].tolist()
    ([10.0, 6.0, 0.0], [True, False, False])
    >>> r.applicable_maximum.tolist(), r.index.tolist(), r.rank.tolist(), r.grade
    ([20.0, 20.0, 16.0], [75.0, 80.0, 62.5], [2, 1, 3], (None, 'B', None))
    >>> r.missing, r.not_applicable
    ((('y', 'c2'),), (('z', 'c2'),))
    """
    check_type(structure, Structure, func="evaluate_points", parameter="structure")
    check_type(
        values,
        Mapping,
        func="evaluate_points",
        parameter="values",
        expected="a mapping of leaf codes to one value per unit",
    )
    if not_applicable is not None:
        check_type(
            not_applicable,
            Mapping,
            func="evaluate_points",
            parameter="not_applicable",
            expected="a mapping of component codes to the units it does not apply to",
        )
    if peers is not None:
        check_type(
            peers,
            (Mapping, Sequence),
            func="evaluate_points",
            parameter="peers",
            expected="a mapping {unit: peer group} or one peer group per unit",
        )
    unit_codes = _check_units(units)
    n = len(unit_codes)
    problems: list[Problem] = []
    given = _leaf_values(structure, values, n, problems)
    declared = _declared_na(structure, not_applicable, unit_codes, problems)
    groups = _groups(peers, unit_codes, problems)

    nodes = structure.nodes()
    index_of = {c.code: i for i, c in enumerate(nodes)}
    k = len(nodes)
    part_of: list[str] = [structure.default_part] * k
    declared_mask = np.zeros((k, n), dtype=bool)
    for code, mask in declared.items():
        declared_mask[index_of[code]] = mask
    na = declared_mask.copy()
    for c in structure.components:
        part_of[index_of[c.code]] = c.part or structure.default_part
        for node in c.walk():
            i = index_of[node.code]
            for child in node.children:
                ci = index_of[child.code]
                na[ci] |= na[i]
                part_of[ci] = child.part or part_of[i]
    parts = tuple(dict.fromkeys(part_of[index_of[leaf.code]] for leaf in structure.leaves()))

    pts = np.zeros((k, n))
    appl = np.zeros((k, n))
    capped = np.zeros((k, n), dtype=bool)
    by_part = np.zeros((k, len(parts), n))
    missing_mask = np.zeros((k, n), dtype=bool)
    for i in reversed(range(k)):
        node = nodes[i]
        if node.rule is not None:
            v = given.get(node.code, np.full(n, np.nan))
            missing = np.isnan(v) & ~na[i]
            conflict = ~np.isnan(v) & na[i]
            if conflict.any():
                problems += _bad_values(
                    node.code, unit_codes, v, conflict, "values given where declared not applicable"
                )
            usable = ~np.isnan(v) & ~na[i]
            frac, why = _leaf_fractions(node, np.where(usable, v, 0.0), usable, groups)
            invalid = usable & np.isnan(frac)
            if invalid.any():
                problems += _bad_values(node.code, unit_codes, v, invalid, why)
            pts[i] = np.where(usable & ~invalid, frac, 0.0) * node.maximum
            appl[i] = np.where(na[i], 0.0, node.maximum)
            missing_mask[i] = missing
            by_part[i, parts.index(part_of[i])] = pts[i]
            continue
        children = [index_of[c.code] for c in node.children]
        raw = pts[children].sum(axis=0)
        appl[i] = np.minimum(node.maximum, appl[children].sum(axis=0))
        pts[i] = np.minimum(raw, node.maximum)
        capped[i] = raw > node.maximum + _TOL
        scale = np.where(raw > 0, pts[i] / np.where(raw > 0, raw, 1.0), 1.0)
        by_part[i] = by_part[children].sum(axis=0) * scale
    if problems:
        raise InvalidDataError(problems, source="<values>")

    top = [index_of[c.code] for c in structure.components]
    total = pts[top].sum(axis=0)
    appl_total = appl[top].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(appl_total > 0, 100.0 * total / appl_total, np.nan)
    rank = descending_ranks(index)  # the library's tie rule (see _ties), 0 without an index
    lowers = np.array([g.lower for g in structure.grades])
    hits = index[None, :] >= lowers[:, None] - _TOL
    labels = [g.label for g in structure.grades]
    if labels:
        first: list[int] = hits.argmax(axis=0).tolist()
        has: list[bool] = np.asarray(hits.any(axis=0)).tolist()
        grade = tuple(labels[f] if h else None for f, h in zip(first, has, strict=True))
    else:
        grade = (None,) * n

    codes = [c.code for c in nodes]
    missing_pairs = tuple(
        (unit_codes[j], codes[i]) for j, i in zip(*np.nonzero(missing_mask.T), strict=True)
    )
    declared_pairs = tuple(
        (unit_codes[j], codes[i]) for j, i in zip(*np.nonzero(declared_mask.T), strict=True)
    )
    return PointsResult(
        structure=structure.code,
        units=unit_codes,
        nodes=tuple(codes),
        parts=parts,
        points=pts,
        applicable=appl,
        capped=capped,
        part_points=by_part[top].sum(axis=0),
        total=total,
        applicable_maximum=appl_total,
        index=index,
        rank=rank,
        grade=grade,
        missing=missing_pairs,
        not_applicable=declared_pairs,
    )
