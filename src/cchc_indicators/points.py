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
the smallest rank) and graded by :class:`Grade` bands.

Two example structures ship with the package (:func:`structure_names`).

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

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .errors import DefinitionError, UnknownIndicatorError

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
    "YesNo",
    "bands",
    "evaluate_points",
    "from_percentile",
    "from_rank",
    "given_points",
    "linear",
    "load_structure",
    "rule_from_dict",
    "structure_names",
    "yes_no",
]

#: The kinds of leaf rule, as the ``kind`` key of their JSON spells them.
RULE_KINDS = ("bands", "from_rank", "given_points", "linear", "yes_no")

_FOLDER = "structures"
_SUFFIX = ".json"
_TOL = 1e-9
FloatArray = npt.NDArray[np.float64]


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        msg = f"{what} must be a number, got {value!r}"
        raise DefinitionError(msg)
    return float(value)


def _bound(value: object, infinity: float, what: str) -> float:
    return infinity if value is None else _number(value, what)


def _lower_bound(value: object) -> float:
    return _bound(value, -math.inf, "a band's lower bound")


def _upper_bound(value: object) -> float:
    return _bound(value, math.inf, "a band's upper bound")


def _fraction(value: object) -> float:
    return _number(value, "a band's fraction")


def _goalpost(value: object) -> float:
    return _number(value, "a goalpost")


def _json_bound(value: float) -> float | None:
    return None if math.isinf(value) else value


@attrs.frozen
class Band:
    """One band of a :class:`Bands` rule: values ``lower <= v < upper`` score ``fraction`` of the maximum.

    ``None`` for ``lower`` or ``upper`` leaves that end open (minus or plus infinity).

    Examples
    --------
    >>> Band(95, 100, 0.5)
    Band(lower=95.0, upper=100.0, fraction=0.5)
    >>> Band(None, 95, 0).lower
    -inf
    """

    lower: float = attrs.field(converter=_lower_bound)
    upper: float = attrs.field(converter=_upper_bound)
    fraction: float = attrs.field(converter=_fraction)

    def __attrs_post_init__(self) -> None:
        if not self.lower < self.upper:
            msg = f"a band needs lower < upper, got [{self.lower:g}, {self.upper:g})"
            raise DefinitionError(msg)
        if not 0 <= self.fraction <= 1:
            msg = f"a band's fraction of the maximum is between 0 and 1, got {self.fraction:g}"
            raise DefinitionError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the band as JSON-ready data (open ends as ``None``).

        Examples
        --------
        >>> Band(100, None, 1).to_dict()
        {'lower': 100.0, 'upper': None, 'fraction': 1.0}
        """
        return {
            "lower": _json_bound(self.lower),
            "upper": _json_bound(self.upper),
            "fraction": self.fraction,
        }


def _to_bands(value: object) -> tuple[Band, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        msg = f"bands are a sequence of Band or (lower, upper, fraction), got {value!r}"
        raise DefinitionError(msg)
    out = []
    for item in value:
        if isinstance(item, Band):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(Band(item.get("lower"), item.get("upper"), item.get("fraction")))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 3:
            out.append(Band(*item))
        else:
            msg = f"a band is a Band, a mapping or (lower, upper, fraction), got {item!r}"
            raise DefinitionError(msg)
    return tuple(sorted(out, key=lambda b: b.lower))


def _check_contiguous(_instance: object, _attribute: object, value: tuple[Band, ...]) -> None:
    if not value:
        msg = "a bands rule needs at least one band"
        raise DefinitionError(msg)
    for a, b in itertools.pairwise(value):
        if a.upper > b.lower:
            msg = f"bands overlap: [{a.lower:g}, {a.upper:g}) and [{b.lower:g}, {b.upper:g})"
            raise DefinitionError(msg)
        if a.upper < b.lower:
            msg = f"bands leave a gap between {a.upper:g} and {b.lower:g}; bands must be contiguous"
            raise DefinitionError(msg)


@attrs.frozen
class Bands:
    """Score by contiguous, non-overlapping bands; make it with :func:`bands`.

    The bands are kept sorted; together they cover ``[first lower, last upper)``
    and a value outside that range is invalid data.

    Examples
    --------
    >>> rule = bands((100, None, 1), (95, 100, 0.5), (None, 95, 0))
    >>> [b.fraction for b in rule.bands]
    [0.0, 0.5, 1.0]
    >>> rule.fractions(np.array([94.9, 95, 99.9, 100])).tolist()
    [0.0, 0.5, 0.5, 1.0]
    """

    bands: tuple[Band, ...] = attrs.field(converter=_to_bands, validator=_check_contiguous)
    kind: Literal["bands"] = attrs.field(default="bands", init=False)

    def covers(self, values: FloatArray) -> npt.NDArray[np.bool_]:
        """Return whether each value falls in one of the bands.

        Examples
        --------
        >>> bands((0, 10, 1)).covers(np.array([-1.0, 0.0, 10.0])).tolist()
        [False, True, False]
        """
        return (values >= self.bands[0].lower) & (values < self.bands[-1].upper)

    def fractions(self, values: FloatArray) -> FloatArray:
        """Return the fraction of the maximum each value scores (NaN outside the bands).

        Examples
        --------
        >>> bands((0, 50, 0), (50, 100, 1)).fractions(np.array([10.0, 60.0, 200.0])).tolist()
        [0.0, 1.0, nan]
        """
        lowers = np.array([b.lower for b in self.bands])
        fractions = np.array([b.fraction for b in self.bands])
        idx = np.clip(np.searchsorted(lowers, values, side="right") - 1, 0, len(lowers) - 1)
        return np.where(self.covers(values), fractions[idx], np.nan)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as JSON-ready data.

        Examples
        --------
        >>> bands((0, 1, 1)).to_dict()
        {'kind': 'bands', 'bands': [{'lower': 0.0, 'upper': 1.0, 'fraction': 1.0}]}
        """
        return {"kind": "bands", "bands": [b.to_dict() for b in self.bands]}


@attrs.frozen
class Linear:
    """Score linearly between two goalposts; make it with :func:`linear`.

    ``low`` scores 0 and ``high`` the full maximum; values beyond are clipped.
    With ``low > high``, smaller values are better.

    Examples
    --------
    >>> linear(0, 10).fractions(np.array([-1.0, 2.5, 12.0])).tolist()
    [0.0, 0.25, 1.0]
    >>> linear(10, 0).fractions(np.array([2.5])).tolist()
    [0.75]
    """

    low: float = attrs.field(converter=_goalpost)
    high: float = attrs.field(converter=_goalpost)
    kind: Literal["linear"] = attrs.field(default="linear", init=False)

    def __attrs_post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low == self.high:
            msg = f"linear goalposts must be finite and differ, got {self.low:g} and {self.high:g}"
            raise DefinitionError(msg)

    def fractions(self, values: FloatArray) -> FloatArray:
        """Return the fraction of the maximum each value scores.

        Examples
        --------
        >>> linear(50, 100).fractions(np.array([75.0])).tolist()
        [0.5]
        """
        return np.clip((values - self.low) / (self.high - self.low), 0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as JSON-ready data.

        Examples
        --------
        >>> linear(0, 10).to_dict()
        {'kind': 'linear', 'low': 0.0, 'high': 10.0}
        """
        return {"kind": "linear", "low": self.low, "high": self.high}


@attrs.frozen
class YesNo:
    """Full points for 1 (yes), none for 0 (no); make it with :func:`yes_no`.

    Any other value is invalid data.

    Examples
    --------
    >>> yes_no().fractions(np.array([1.0, 0.0])).tolist()
    [1.0, 0.0]
    """

    kind: Literal["yes_no"] = attrs.field(default="yes_no", init=False)

    def fractions(self, values: FloatArray) -> FloatArray:
        """Return 1 for yes, 0 for no and NaN for anything else.

        Examples
        --------
        >>> yes_no().fractions(np.array([0.5])).tolist()
        [nan]
        """
        return np.where((values == 0) | (values == 1), values, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as JSON-ready data.

        Examples
        --------
        >>> yes_no().to_dict()
        {'kind': 'yes_no'}
        """
        return {"kind": "yes_no"}


@attrs.frozen
class GivenPoints:
    """The value is already the points scored (0 to the maximum); make it with :func:`given_points`.

    For components whose points are appraised elsewhere, such as a domain
    whose criteria are not part of the structure.

    Examples
    --------
    >>> given_points().to_dict()
    {'kind': 'given_points'}
    """

    kind: Literal["given_points"] = attrs.field(default="given_points", init=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as JSON-ready data.

        Examples
        --------
        >>> GivenPoints().to_dict()["kind"]
        'given_points'
        """
        return {"kind": "given_points"}


def _check_basis(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("rank", "percentile"):
        msg = f"a peer rule's basis is 'rank' or 'percentile', got {value!r}"
        raise DefinitionError(msg)


def _check_bool(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name!r} is true or false, got {value!r}"
        raise DefinitionError(msg)


@attrs.frozen
class FromRank:
    """Points from a unit's rank or percentile rank among its peers.

    Make it with :func:`from_rank` or :func:`from_percentile`. Among the peers
    with a value, the rank is 1 for the best (ties share the smallest rank);
    the percentile rank is 100 × (number of peers strictly worse) / (number of
    peers − 1), so 100 for the best and 0 for the worst (100 for a lone unit).
    The rank or percentile is then scored by ``bands``.

    Examples
    --------
    >>> rule = from_rank(bands((1, 4, 1), (4, None, 0)))
    >>> rule.basis, rule.higher_is_better
    ('rank', True)
    """

    basis: Literal["rank", "percentile"] = attrs.field(validator=_check_basis)
    bands: Bands = attrs.field(validator=attrs.validators.instance_of(Bands))
    higher_is_better: bool = attrs.field(default=True, validator=_check_bool)
    kind: Literal["from_rank"] = attrs.field(default="from_rank", init=False)

    def positions(self, values: FloatArray) -> FloatArray:
        """Return the rank or percentile of each value among ``values`` (no NaN allowed).

        Examples
        --------
        >>> from_rank(bands((1, None, 1))).positions(np.array([5.0, 9.0, 5.0])).tolist()
        [2.0, 1.0, 2.0]
        >>> from_percentile(bands((0, None, 1))).positions(np.array([5.0, 9.0, 1.0])).tolist()
        [50.0, 100.0, 0.0]
        """
        key = -values if self.higher_is_better else values
        ordered = np.sort(key)
        better = np.searchsorted(ordered, key, side="left")
        if self.basis == "rank":
            return (better + 1).astype(np.float64)
        n = len(values)
        worse = n - np.searchsorted(ordered, key, side="right")
        return np.full(n, 100.0) if n == 1 else 100.0 * worse / (n - 1)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as JSON-ready data.

        Examples
        --------
        >>> from_rank(bands((1, 2, 1)), higher_is_better=False).to_dict()["higher_is_better"]
        False
        """
        return {
            "kind": "from_rank",
            "basis": self.basis,
            "higher_is_better": self.higher_is_better,
            "bands": self.bands.to_dict()["bands"],
        }


Rule = Bands | Linear | YesNo | GivenPoints | FromRank


def bands(*spec: Band | tuple[float | None, float | None, float]) -> Bands:
    """Make a bands rule from ``(lower, upper, fraction)`` triples, ``lower <= v < upper``.

    Raises
    ------
    DefinitionError
        If the bands overlap, leave a gap, or a fraction is outside [0, 1].

    Examples
    --------
    >>> bands((100, None, 1), (95, 100, 0.5), (None, 95, 0)).fractions(np.array([97.0])).tolist()
    [0.5]
    >>> bands((0, 50, 0), (40, 100, 1))
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.DefinitionError: bands overlap: [0, 50) and [40, 100)
    """
    return Bands(spec)


def linear(low: float, high: float) -> Linear:
    """Make a rule scoring linearly from ``low`` (0 points) to ``high`` (full points).

    Examples
    --------
    >>> linear(0, 100)
    Linear(low=0.0, high=100.0, kind='linear')
    """
    return Linear(low, high)


def yes_no() -> YesNo:
    """Make a rule giving full points for 1 (yes) and none for 0 (no).

    Examples
    --------
    >>> yes_no()
    YesNo(kind='yes_no')
    """
    return YesNo()


def given_points() -> GivenPoints:
    """Make a rule taking the value as the points scored (checked to lie in 0 to the maximum).

    Examples
    --------
    >>> given_points()
    GivenPoints(kind='given_points')
    """
    return GivenPoints()


def from_rank(rule: Bands, *, higher_is_better: bool = True) -> FromRank:
    """Make a rule scoring the unit's rank among its peers (1 = best) by ``rule``'s bands.

    Examples
    --------
    >>> from_rank(bands((1, 6, 1), (6, None, 0))).basis
    'rank'
    """
    return FromRank("rank", rule, higher_is_better)


def from_percentile(rule: Bands, *, higher_is_better: bool = True) -> FromRank:
    """Make a rule scoring the unit's percentile rank among its peers (100 = best) by ``rule``'s bands.

    Examples
    --------
    >>> from_percentile(bands((0, 50, 0), (50, None, 1))).basis
    'percentile'
    """
    return FromRank("percentile", rule, higher_is_better)


def rule_from_dict(data: object) -> Rule:
    """Rebuild a leaf rule from the data of its ``to_dict``.

    Raises
    ------
    DefinitionError
        If the kind is unknown or a key is missing.

    Examples
    --------
    >>> rule_from_dict({"kind": "linear", "low": 0, "high": 5})
    Linear(low=0.0, high=5.0, kind='linear')
    >>> rule_from_dict({"kind": "stars"})
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.DefinitionError: unknown rule kind 'stars'; the kinds are bands, from_rank, given_points, linear, yes_no
    """
    if not isinstance(data, Mapping):
        msg = f"a rule is a mapping with a 'kind', got {data!r}"
        raise DefinitionError(msg)
    kind = data.get("kind")
    try:
        if kind == "bands":
            return Bands(data["bands"])
        if kind == "linear":
            return Linear(data["low"], data["high"])
        if kind == "yes_no":
            return YesNo()
        if kind == "given_points":
            return GivenPoints()
        if kind == "from_rank":
            return FromRank(data["basis"], Bands(data["bands"]), data.get("higher_is_better", True))
    except KeyError as exc:
        msg = f"a {kind} rule needs the key {exc.args[0]!r}"
        raise DefinitionError(msg) from None
    msg = f"unknown rule kind {kind!r}; the kinds are {', '.join(RULE_KINDS)}"
    raise DefinitionError(msg)


def _check_code(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"a {attribute.name} is a non-empty string, got {value!r}"
        raise DefinitionError(msg)


def _check_text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name!r} is text, got {value!r}"
        raise DefinitionError(msg)


def _maximum(value: object) -> float:
    if value is None:
        msg = "a component needs a maximum number of points"
        raise DefinitionError(msg)
    x = _number(value, "a component's maximum")
    if not (math.isfinite(x) and x > 0):
        msg = f"a component's maximum must be a positive number of points, got {x:g}"
        raise DefinitionError(msg)
    return x


def _to_components(value: object) -> tuple[Component, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        msg = f"children are a sequence of Component, got {value!r}"
        raise DefinitionError(msg)
    items = tuple(value)
    for item in items:
        if not isinstance(item, Component):
            msg = f"a child is a Component, got {item!r}"
            raise DefinitionError(msg)
    return items


def _check_rule(_instance: object, _attribute: object, value: Any) -> None:
    if value is not None and not isinstance(value, (Bands, Linear, YesNo, GivenPoints, FromRank)):
        msg = f"a leaf rule is made by bands(), linear(), yes_no(), given_points(), from_rank() or from_percentile(), got {value!r}"
        raise DefinitionError(msg)


def _check_part(_instance: object, _attribute: object, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"a part is a non-empty name such as 'survey', got {value!r}"
        raise DefinitionError(msg)


@attrs.frozen
class Component:
    """A node of a points tree: a domain, criterion or sub-criterion.

    Parameters
    ----------
    code
        Unique in the structure; leaves are keyed by it in the values.
    maximum
        The most points the component can score (positive).
    children
        Sub-components; their points sum to this one's, capped at ``maximum``.
        Their maxima may sum above ``maximum`` (the parent caps), not below.
    rule
        For a leaf (no children), how a value becomes points.
    name
        A readable name.
    part
        The source part of the points (``"survey"``...), inherited by the
        subtree; ``None`` inherits from above (the structure's default part).
    source, notes
        Where the component comes from, and remarks.

    Examples
    --------
    >>> leaf = Component("c1", maximum=2, rule=yes_no())
    >>> Component("d1", maximum=3, children=[leaf, Component("c2", maximum=1, rule=yes_no())]).maximum
    3.0
    >>> Component("d1", maximum=3, children=[leaf])
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.DefinitionError: component 'd1': its children's maxima sum to 2, below its maximum 3, which could never be reached
    """

    code: str = attrs.field(validator=_check_code)
    maximum: float = attrs.field(converter=_maximum, kw_only=True)
    children: tuple[Component, ...] = attrs.field(
        default=(), converter=_to_components, kw_only=True
    )
    rule: Rule | None = attrs.field(default=None, validator=_check_rule, kw_only=True)
    name: str = attrs.field(default="", validator=_check_text, kw_only=True)
    part: str | None = attrs.field(default=None, validator=_check_part, kw_only=True)
    source: str = attrs.field(default="", validator=_check_text, kw_only=True)
    notes: str = attrs.field(default="", validator=_check_text, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.children and self.rule is not None:
            msg = f"component {self.code!r} has both children and a rule; only leaves have rules"
            raise DefinitionError(msg, code=self.code)
        if not self.children and self.rule is None:
            msg = f"leaf component {self.code!r} needs a rule (bands, linear, yes_no, ...)"
            raise DefinitionError(msg, code=self.code)
        below = sum(c.maximum for c in self.children)
        if self.children and below < self.maximum - _TOL:
            msg = (
                f"component {self.code!r}: its children's maxima sum to {below:g}, below its "
                f"maximum {self.maximum:g}, which could never be reached"
            )
            raise DefinitionError(msg, code=self.code)

    def walk(self) -> tuple[Component, ...]:
        """Return this component and its descendants, parents before children.

        Examples
        --------
        >>> d = Component("d", maximum=1, children=[Component("c", maximum=1, rule=yes_no())])
        >>> [c.code for c in d.walk()]
        ['d', 'c']
        """
        return (self, *(n for child in self.children for n in child.walk()))

    def to_dict(self) -> dict[str, Any]:
        """Return the component as JSON-ready data (defaults left out).

        Examples
        --------
        >>> Component("c", maximum=2, rule=yes_no()).to_dict()
        {'code': 'c', 'maximum': 2.0, 'rule': {'kind': 'yes_no'}}
        """
        out: dict[str, Any] = {"code": self.code, "maximum": self.maximum}
        for key in ("name", "part", "source", "notes"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.rule is not None:
            out["rule"] = self.rule.to_dict()
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Component:
        """Rebuild a component from the data of :meth:`to_dict`.

        Examples
        --------
        >>> Component.from_dict({"code": "c", "maximum": 2, "rule": {"kind": "yes_no"}}).maximum
        2.0
        """
        if not isinstance(data, Mapping) or "code" not in data:
            msg = f"a component is a mapping with a 'code', got {data!r}"
            raise DefinitionError(msg)
        rule = data.get("rule")
        return cls(
            data["code"],
            maximum=data.get("maximum"),
            children=[cls.from_dict(c) for c in data.get("children", ())],
            rule=None if rule is None else rule_from_dict(rule),
            name=data.get("name", ""),
            part=data.get("part"),
            source=data.get("source", ""),
            notes=data.get("notes", ""),
        )


def _lower(value: object) -> float:
    x = _number(value, "a grade's lower bound")
    if not 0 <= x <= 100:
        msg = f"a grade's lower bound is an index between 0 and 100, got {x:g}"
        raise DefinitionError(msg)
    return x


@attrs.frozen
class Grade:
    """A grade band: units whose index is at least ``lower`` (and below the next grade up).

    Examples
    --------
    >>> Grade("A", 90)
    Grade(label='A', lower=90.0)
    """

    label: str = attrs.field(validator=_check_code)
    lower: float = attrs.field(converter=_lower)


def _to_grades(value: object) -> tuple[Grade, ...]:
    items = value.items() if isinstance(value, Mapping) else value
    if not isinstance(items, Iterable) or isinstance(items, str):
        msg = f"grades are a sequence of Grade or (label, lower), got {value!r}"
        raise DefinitionError(msg)
    out = []
    for item in items:
        if isinstance(item, Grade):
            out.append(item)
        elif isinstance(item, Mapping):
            out.append(Grade(item.get("label"), item.get("lower")))  # type: ignore[arg-type]
        else:
            out.append(Grade(*item))
    return tuple(sorted(out, key=lambda g: -g.lower))


def _check_grades(_instance: object, _attribute: object, value: tuple[Grade, ...]) -> None:
    for a, b in itertools.pairwise(value):
        if a.lower == b.lower:
            msg = f"grades {a.label!r} and {b.label!r} share the lower bound {a.lower:g}"
            raise DefinitionError(msg)
    labels = [g.label for g in value]
    if len(set(labels)) != len(labels):
        msg = f"grade labels must differ, got {labels}"
        raise DefinitionError(msg)


@attrs.frozen
class Structure:
    """A points tree: top-level components whose points add up to the index.

    Parameters
    ----------
    code
        The structure's name (``"par-index-2017"``).
    components
        The top-level components (domains).
    name, source, notes
        A readable name, the document it comes from, and remarks.
    grades
        Grade bands over the index, as :class:`Grade` or ``(label, lower)``
        pairs (a mapping ``{"A": 90, ...}`` works too); an index below the
        lowest bound gets no grade.
    default_part
        The part of points whose components name none.

    Raises
    ------
    DefinitionError
        If two components share a code, or a grade is malformed.

    Examples
    --------
    >>> s = Structure("s", components=[Component("a", maximum=100, rule=yes_no())],
    ...               grades={"A": 90, "B": 80})
    >>> s.maximum, [g.label for g in s.grades]
    (100.0, ['A', 'B'])
    >>> Structure.from_dict(s.to_dict()) == s
    True
    """

    code: str = attrs.field(validator=_check_code)
    components: tuple[Component, ...] = attrs.field(converter=_to_components, kw_only=True)
    name: str = attrs.field(default="", validator=_check_text, kw_only=True)
    source: str = attrs.field(default="", validator=_check_text, kw_only=True)
    notes: str = attrs.field(default="", validator=_check_text, kw_only=True)
    grades: tuple[Grade, ...] = attrs.field(
        default=(), converter=_to_grades, validator=_check_grades, kw_only=True
    )
    default_part: str = attrs.field(default="main", validator=_check_code, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.components:
            msg = f"structure {self.code!r} needs at least one component"
            raise DefinitionError(msg, code=self.code)
        seen: set[str] = set()
        for node in self.nodes():
            if node.code in seen:
                msg = f"structure {self.code!r}: component code {node.code!r} appears twice"
                raise DefinitionError(msg, code=node.code)
            seen.add(node.code)

    @property
    def maximum(self) -> float:
        """The total maximum, the sum of the top-level maxima.

        Examples
        --------
        >>> load_structure("pci-2016").maximum
        100.0
        """
        return float(sum(c.maximum for c in self.components))

    def nodes(self) -> tuple[Component, ...]:
        """Return every component, parents before children.

        Examples
        --------
        >>> len(load_structure("par-index-2017").nodes())
        8
        """
        return tuple(n for c in self.components for n in c.walk())

    def leaves(self) -> tuple[Component, ...]:
        """Return the components that score values (those with a rule).

        Examples
        --------
        >>> [c.code for c in load_structure("pci-2016").leaves()][:2]
        ['entry_costs', 'land_access']
        """
        return tuple(n for n in self.nodes() if n.rule is not None)

    def node(self, code: str) -> Component:
        """Return the component of that code.

        Raises
        ------
        UnknownIndicatorError
            If there is none.

        Examples
        --------
        >>> load_structure("pci-2016").node("transparency").maximum
        20.0
        """
        for n in self.nodes():
            if n.code == code:
                return n
        msg = f"component {code!r} is not in structure {self.code!r}"
        raise UnknownIndicatorError(msg, key=code)

    def to_dict(self) -> dict[str, Any]:
        """Return the structure as JSON-ready data.

        Examples
        --------
        >>> sorted(load_structure("pci-2016").to_dict())
        ['code', 'components', 'default_part', 'grades', 'name', 'notes', 'source']
        """
        return {
            "code": self.code,
            "name": self.name,
            "source": self.source,
            "notes": self.notes,
            "default_part": self.default_part,
            "grades": [{"label": g.label, "lower": g.lower} for g in self.grades],
            "components": [c.to_dict() for c in self.components],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Structure:
        """Rebuild a structure from the data of :meth:`to_dict`.

        Raises
        ------
        DefinitionError
            If the data are not a valid structure.

        Examples
        --------
        >>> Structure.from_dict({"code": "x"})
        Traceback (most recent call last):
        ...
        cchc_indicators.errors.DefinitionError: a structure is a mapping with 'code' and 'components', got {'code': 'x'}
        """
        if not isinstance(data, Mapping) or "code" not in data or "components" not in data:
            msg = f"a structure is a mapping with 'code' and 'components', got {data!r}"
            raise DefinitionError(msg)
        return cls(
            data["code"],
            components=[Component.from_dict(c) for c in data["components"]],
            name=data.get("name", ""),
            source=data.get("source", ""),
            notes=data.get("notes", ""),
            grades=data.get("grades", ()),
            default_part=data.get("default_part", "main"),
        )


def structure_names() -> tuple[str, ...]:
    """Return the names of the structures shipped with the package, sorted.

    Examples
    --------
    >>> structure_names()
    ('par-index-2017', 'pci-2016')
    """
    folder = resources.files("cchc_indicators").joinpath(_FOLDER)
    return tuple(
        sorted(
            item.name[: -len(_SUFFIX)]
            for item in folder.iterdir()
            if item.is_file() and item.name.endswith(_SUFFIX)
        )
    )


def load_structure(name: str) -> Structure:
    """Load a shipped structure by name.

    Raises
    ------
    DefinitionError
        If there is no structure of that name (the message lists the names).

    Examples
    --------
    >>> s = load_structure("par-index-2017")
    >>> [c.maximum for c in s.components]
    [10.0, 10.0, 14.5, 11.0, 16.0, 7.0, 16.0, 15.5]
    >>> load_structure("papi")
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.DefinitionError: unknown structure 'papi'; the structures are 'par-index-2017', 'pci-2016'
    """
    available = structure_names()
    if name not in available:
        shown = ", ".join(repr(n) for n in available)
        msg = f"unknown structure {name!r}; the structures are {shown}"
        raise DefinitionError(msg, code=str(name))
    file = resources.files("cchc_indicators").joinpath(f"{_FOLDER}/{name}{_SUFFIX}")
    return Structure.from_dict(json.loads(file.read_text(encoding="utf-8")))


from ._points_eval import PointsResult, evaluate_points  # noqa: E402
