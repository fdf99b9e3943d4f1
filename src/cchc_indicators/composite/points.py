"""Points trees: the official points-based scoring of PAR INDEX-style indices.

A :class:`Structure` is a tree of :class:`Component` objects (domain →
criterion → sub-criterion), each with a maximum number of points. A leaf
scores points by a rule:

============================ ==================================================
factory                      points of a leaf with maximum ``m``
============================ ==================================================
``bands((lo, hi, f), ...)``  ``f * m`` for the band ``lo <= value < hi``
``linear(low, high)``        ``m`` times the share of the way from low to high
``yes_no()``                 ``m`` for 1 (yes), 0 for 0 (no)
``given_points()``           the value itself, already in points (0 to ``m``)
``from_rank(bands)``         bands over the unit's rank among its peers
``from_percentile(bands)``   bands over its percentile rank among its peers
============================ ==================================================

A component's points are the sum of its children's, **capped** at its own
maximum: children's maxima may sum above the parent's (bonus criteria), and the
parent then keeps at most its maximum (:attr:`PointsResult.capped` says where).
Children's maxima may not sum *below* the parent's, which could never be reached.

Points carry their source **part** (``"self_assessment"``, ``"survey"``, ...),
set on a component and inherited by its subtree; :func:`evaluate_points`
reports each part and the total. A criterion *not applicable* to a unit leaves
its maximum out of the unit's denominator; a *missing* value scores 0 and is
reported; a value given for a criterion declared not applicable is an error.
The index is points / applicable maximum × 100, ranked (1 = best, ties share
the smallest rank) and graded by :class:`Grade` bands. Every ranking here (of
the index, and the rank and percentile rules among peers) ties values closer
than ``1e-9`` times the largest magnitude ranked, the tie rule of every
ranking in the library, so rounding noise in the sums does not split a tie.

Structures of published indices ship with the package: :func:`structures`
lists each with its index, the decision that sets it, the years it is in
force and its source; :func:`structure_for` returns the one in force for a
year of an index, and refuses when none or more than one is. Nothing here
picks a structure by year unless asked.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import points
>>> s = points.Structure(
...     "demo",
...     components=[
...         points.Component("a", maximum=6, rule=points.yes_no()),
...         points.Component("b", maximum=4, rule=points.linear(0, 100), part="survey"),
...     ],
... )
>>> r = points.evaluate_points(s, {"a": [1, 0], "b": [50, 100]}, units=["u1", "u2"])
>>> r.total.tolist(), r.index.tolist(), r.rank.tolist()
([8.0, 4.0], [80.0, 40.0], [1, 2])
>>> r.part("survey").tolist()
[2.0, 4.0]
"""

from __future__ import annotations

from cchc_indicators.composite._points_catalogue import StructureInfo, structure_for, structures
from cchc_indicators.composite._points_def import (
    RULE_KINDS,
    Band,
    Bands,
    Component,
    FromRank,
    GivenPoints,
    Grade,
    Linear,
    Structure,
    YesNo,
    bands,
    from_percentile,
    from_rank,
    given_points,
    linear,
    load_structure,
    rule_from_dict,
    schema,
    structure_names,
    yes_no,
)
from cchc_indicators.composite._points_eval import PointsResult, evaluate_points

__all__ = [
    "RULE_KINDS",
    "Band",
    "Bands",
    "Component",
    "FromRank",
    "GivenPoints",
    "Grade",
    "Linear",
    "PointsResult",
    "Structure",
    "StructureInfo",
    "YesNo",
    "bands",
    "evaluate_points",
    "from_percentile",
    "from_rank",
    "given_points",
    "linear",
    "load_structure",
    "rule_from_dict",
    "schema",
    "structure_for",
    "structure_names",
    "structures",
    "yes_no",
]
