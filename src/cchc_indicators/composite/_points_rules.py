"""Leaf rules of points trees: bands, linear goalposts, yes/no, given points, rank among peers.

Imported and documented in :mod:`cchc_indicators.composite.points`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from cchc_indicators.core._loading import as_float
from cchc_indicators.core._repr import counted
from cchc_indicators.core._ties import ascending_counts
from cchc_indicators.core.errors import DefinitionError

__all__ = [
    "RULE_KINDS",
    "Band",
    "Bands",
    "FromRank",
    "GivenPoints",
    "Linear",
    "Rule",
    "YesNo",
    "bands",
    "from_percentile",
    "from_rank",
    "given_points",
    "linear",
    "number",
    "rule_from_dict",
    "yes_no",
]

#: The kinds of leaf rule, as the ``kind`` key of their JSON spells them.
RULE_KINDS = ("bands", "from_rank", "given_points", "linear", "yes_no")

FloatArray = npt.NDArray[np.float64]


def number(value: object, what: str) -> float:
    # an integer too large for a float is infinite (and refused where a bound must be finite)
    x = as_float(value) if isinstance(value, (int, float)) else math.nan
    if isinstance(value, bool) or math.isnan(x):
        msg = f"{what} must be a number, got {value!r}"
        raise DefinitionError(msg)
    return x


def _bound(value: object, infinity: float, what: str) -> float:
    return infinity if value is None else number(value, what)


def _lower_bound(value: object) -> float:
    return _bound(value, -math.inf, "a band's lower bound")


def _upper_bound(value: object) -> float:
    return _bound(value, math.inf, "a band's upper bound")


def _fraction(value: object) -> float:
    return number(value, "a band's fraction")


def _goalpost(value: object) -> float:
    return number(value, "a goalpost")


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
            out.append(_band_from_mapping(item))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 3:
            out.append(Band(*item))
        else:
            msg = f"a band is a Band, a mapping or (lower, upper, fraction), got {item!r}"
            raise DefinitionError(msg)
    return tuple(sorted(out, key=lambda b: b.lower))


_BAND_KEYS = ("lower", "upper", "fraction")


def _band_from_mapping(item: Mapping[Any, Any]) -> Band:
    extra = [k for k in item if k not in _BAND_KEYS]
    if extra:
        msg = f"a band takes no key {extra[0]!r}; its keys are lower, upper, fraction"
        raise DefinitionError(msg)
    missing = [k for k in _BAND_KEYS if k not in item]
    if missing:
        msg = f"a band needs the key {missing[0]!r} (null for an open end), got {dict(item)!r}"
        raise DefinitionError(msg)
    return Band(item["lower"], item["upper"], item["fraction"])


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

    def __repr__(self) -> str:
        return f"Bands({counted(len(self.bands), 'band')})"

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
    Values closer than ``1e-9`` times the peers' largest magnitude are tied
    (grouped by consecutive gaps, the tie rule of every ranking in the
    library), so ``0.1 + 0.2`` and ``0.3`` share a rank. The rank or
    percentile is then scored by ``bands``.

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

    def __repr__(self) -> str:
        better = "higher" if self.higher_is_better else "lower"
        return f"FromRank({self.basis!r}, {counted(len(self.bands.bands), 'band')}, {better} is better)"

    def positions(self, values: FloatArray) -> FloatArray:
        """Return the rank or percentile of each value among ``values`` (no NaN allowed).

        Examples
        --------
        >>> from_rank(bands((1, None, 1))).positions(np.array([5.0, 9.0, 5.0])).tolist()
        [2.0, 1.0, 2.0]
        >>> from_percentile(bands((0, None, 1))).positions(np.array([5.0, 9.0, 1.0])).tolist()
        [50.0, 100.0, 0.0]
        >>> from_rank(bands((1, None, 1))).positions(np.array([0.1 + 0.2, 0.3, 0.2])).tolist()
        [1.0, 1.0, 3.0]
        """
        key = -values if self.higher_is_better else values
        # Values within 1e-9 of the peers' largest magnitude of each other are tied
        # (the library's one tie rule, see _ties): `better` and `worse` leave ties out.
        better, tied, _ = ascending_counts(key)
        if self.basis == "rank":
            return better + 1.0
        n = len(values)
        worse = n - better - tied
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

# The keys of each rule kind's JSON form.
_RULE_KEYS: Mapping[str, tuple[str, ...]] = {
    "bands": ("kind", "bands"),
    "from_rank": ("kind", "basis", "higher_is_better", "bands"),
    "given_points": ("kind",),
    "linear": ("kind", "low", "high"),
    "yes_no": ("kind",),
}


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
    cchc_indicators.core.errors.DefinitionError: bands overlap: [0, 50) and [40, 100)
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
        If the kind is unknown, a key is missing or one is not a key of the
        kind.

    Examples
    --------
    >>> rule_from_dict({"kind": "linear", "low": 0, "high": 5})
    Linear(low=0.0, high=5.0, kind='linear')
    >>> rule_from_dict({"kind": "linear", "low": 0, "hihg": 5})
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: a linear rule takes no key 'hihg'; its keys are kind, low, high
    >>> rule_from_dict({"kind": "stars"})
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown rule kind 'stars'; the kinds are bands, from_rank, given_points, linear, yes_no
    """
    if not isinstance(data, Mapping):
        msg = f"a rule is a mapping with a 'kind', got {data!r}"
        raise DefinitionError(msg)
    kind = data.get("kind")
    keys = _RULE_KEYS.get(kind) if isinstance(kind, str) else None
    extra = [k for k in data if keys is not None and k not in keys]
    if extra:
        shown = ", ".join(keys or ())
        msg = f"a {kind} rule takes no key {extra[0]!r}; its keys are {shown}"
        raise DefinitionError(msg)
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
