"""Measures: what kind of number an indicator holds.

A :class:`Measure` says how an indicator's values are made and bounded:

========== ==================================================================
kind       meaning
========== ==================================================================
``ratio``  numerator / denominator x ``scale``; :func:`percent` is the ratio
           with scale 100 bounded to 0-100 (numerator <= denominator)
``count``  a non-negative number of things (dossiers, staff, units)
``score``  a number on a scale, optionally bounded (an index score)
``binary`` 0 or 1 (done / not done)
``rank``   a position among peers, 1 = first
========== ==================================================================

Examples
--------
>>> from cchc_indicators import measures
>>> measures.percent()
Measure(kind='ratio', scale=100.0, bounded=True)
>>> measures.percent().unit_label
'%'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import attrs

from cchc_indicators.core._loading import as_float, check_nesting
from cchc_indicators.core.errors import DefinitionError

__all__ = ["MEASURE_KINDS", "Measure", "binary", "count", "percent", "rank", "ratio", "score"]

MeasureKind = Literal["ratio", "count", "score", "binary", "rank"]
MEASURE_KINDS: tuple[MeasureKind, ...] = ("ratio", "count", "score", "binary", "rank")


def _check_kind(_instance: object, _attribute: object, value: str) -> None:
    if value not in MEASURE_KINDS:
        msg = f"unknown measure kind {value!r}; expected one of {', '.join(MEASURE_KINDS)}"
        raise DefinitionError(msg)


@attrs.frozen
class Measure:
    """The kind of number an indicator holds.

    Build one with the factories :func:`percent`, :func:`ratio`, :func:`count`,
    :func:`score`, :func:`binary` and :func:`rank` rather than directly.

    Parameters
    ----------
    kind
        One of ``ratio``, ``count``, ``score``, ``binary``, ``rank``.
    scale
        For a ratio, the factor applied to numerator / denominator (100 for a
        percent). ``None`` for other kinds.
    bounded
        For a ratio: the numerator can never exceed the denominator, so values
        lie in ``[0, scale]``. For a score: it lies in ``[minimum, maximum]``.
    minimum, maximum
        For a score, its bounds (both or neither).

    Examples
    --------
    >>> Measure("ratio", scale=1000.0)
    Measure(kind='ratio', scale=1000.0, bounded=False)
    >>> Measure("count", scale=100.0)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: only a ratio has a scale; got scale=100.0 for a count
    """

    kind: MeasureKind = attrs.field(validator=_check_kind)
    scale: float | None = attrs.field(default=None, kw_only=True)
    bounded: bool = attrs.field(default=False, kw_only=True)
    minimum: float | None = attrs.field(default=None, kw_only=True)
    maximum: float | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.kind == "ratio":
            if self.scale is None or not math.isfinite(self.scale) or self.scale <= 0:
                msg = f"a ratio needs a positive, finite scale; got {self.scale!r}"
                raise DefinitionError(msg)
        elif self.scale is not None:
            msg = f"only a ratio has a scale; got scale={self.scale!r} for a {self.kind}"
            raise DefinitionError(msg)
        if (self.minimum is None) != (self.maximum is None):
            msg = "give both minimum and maximum of a score, or neither"
            raise DefinitionError(msg)
        if self.minimum is not None:
            if self.kind != "score":
                msg = f"only a score has minimum and maximum; got them for a {self.kind}"
                raise DefinitionError(msg)
            assert self.maximum is not None
            if not (math.isfinite(self.minimum) and math.isfinite(self.maximum)):
                msg = "score bounds must be finite"
                raise DefinitionError(msg)
            if self.minimum >= self.maximum:
                msg = f"score minimum must be below its maximum: {self.minimum} >= {self.maximum}"
                raise DefinitionError(msg)
        if self.bounded and self.kind not in ("ratio", "score"):
            msg = f"only a ratio or a score can be bounded; got bounded=True for a {self.kind}"
            raise DefinitionError(msg)
        if self.kind == "score" and self.bounded != (self.minimum is not None):
            msg = "a score is bounded exactly when it has a minimum and a maximum"
            raise DefinitionError(msg)

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}"]
        if self.kind == "ratio":
            parts += [f"scale={self.scale!r}", f"bounded={self.bounded!r}"]
        if self.minimum is not None:
            parts += [f"minimum={self.minimum!r}", f"maximum={self.maximum!r}"]
        return f"Measure({', '.join(parts)})"

    @property
    def is_percent(self) -> bool:
        """Whether this is a ratio on a 0-100 percent scale (bounded).

        Examples
        --------
        >>> percent().is_percent, ratio(100).is_percent, ratio(1000).is_percent
        (True, False, False)
        """
        return self.kind == "ratio" and self.scale == 100.0 and self.bounded

    @property
    def has_parts(self) -> bool:
        """Whether values are made of a numerator and a denominator.

        Examples
        --------
        >>> percent().has_parts, ratio(1000).has_parts, score(0, 100).has_parts
        (True, True, False)
        """
        return self.kind == "ratio"

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The closed interval values must lie in, or ``None`` when unbounded above.

        Examples
        --------
        >>> percent().bounds, binary().bounds, count().bounds
        ((0.0, 100.0), (0.0, 1.0), None)
        """
        if self.kind == "ratio" and self.bounded:
            assert self.scale is not None
            return (0.0, self.scale)
        if self.kind == "score" and self.minimum is not None:
            assert self.maximum is not None
            return (self.minimum, self.maximum)
        if self.kind == "binary":
            return (0.0, 1.0)
        return None

    @property
    def unit_label(self) -> str:
        """The default unit label, such as ``%`` for a percent or ``points`` for a score.

        Examples
        --------
        >>> ratio(scale=1000).unit_label, count().unit_label
        ('per 1000', 'count')
        """
        if self.is_percent:
            return "%"
        if self.kind == "ratio":
            assert self.scale is not None
            return f"per {self.scale:g}"
        return {"count": "count", "score": "points", "binary": "yes/no", "rank": "rank"}[self.kind]

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary (inverse of :meth:`from_dict`).

        Examples
        --------
        >>> percent().to_dict()
        {'kind': 'ratio', 'scale': 100.0, 'bounded': True}
        >>> Measure.from_dict(percent().to_dict()) == percent()
        True
        """
        out: dict[str, object] = {"kind": self.kind}
        if self.kind == "ratio":
            out["scale"] = self.scale
            out["bounded"] = self.bounded
        if self.minimum is not None:
            out["minimum"] = self.minimum
            out["maximum"] = self.maximum
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Measure:
        """Build a measure from :meth:`to_dict` output.

        Parameters
        ----------
        data
            A mapping with ``kind`` and, for a ratio, ``scale`` (default 100)
            and ``bounded``; for a score, ``minimum`` and ``maximum``.

        Returns
        -------
        Measure
            The measure.

        Raises
        ------
        DefinitionError
            If the kind is unknown or a number is not a number.

        Examples
        --------
        >>> Measure.from_dict({"kind": "ratio", "scale": 1000})
        Measure(kind='ratio', scale=1000.0, bounded=False)
        >>> Measure.from_dict({"kind": "score", "minimum": 0, "maximum": 100})
        Measure(kind='score', minimum=0.0, maximum=100.0)
        >>> Measure.from_dict({"kind": "percent"})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: unknown measure kind 'percent'; expected one of ratio, count, score, binary, rank
        """
        raw: object = data  # typed as a dict, but read from JSON: anything may come
        if not isinstance(raw, Mapping):
            msg = f"a measure is a mapping with a 'kind', got {raw!r}"
            raise DefinitionError(msg)
        check_nesting(data, "measure")
        kind = data.get("kind")
        if kind not in MEASURE_KINDS:
            msg = f"unknown measure kind {kind!r}; expected one of {', '.join(MEASURE_KINDS)}"
            raise DefinitionError(msg)
        if kind == "ratio":
            return ratio(scale=_num(data.get("scale", 100.0)), bounded=bool(data.get("bounded")))
        if kind == "score":
            lo, hi = data.get("minimum"), data.get("maximum")
            return score(
                minimum=None if lo is None else _num(lo), maximum=None if hi is None else _num(hi)
            )
        return cls(kind)


def _num(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"expected a number, got {value!r}"
        raise DefinitionError(msg)
    return as_float(value)  # an integer too large for a float is infinite, refused later


def percent() -> Measure:
    """A percentage: numerator / denominator x 100, bounded to 0-100.

    Examples
    --------
    >>> percent().is_percent
    True
    """
    return Measure("ratio", scale=100.0, bounded=True)


def ratio(scale: float = 1.0, *, bounded: bool = False) -> Measure:
    """A ratio numerator / denominator x ``scale`` (e.g. dossiers per 1,000 people).

    Examples
    --------
    >>> ratio(1000).scale
    1000.0
    """
    return Measure("ratio", scale=float(scale), bounded=bounded)


def count() -> Measure:
    """A non-negative count (dossiers, staff, public service units).

    Examples
    --------
    >>> count().kind
    'count'
    """
    return Measure("count")


def score(minimum: float | None = None, maximum: float | None = None) -> Measure:
    """A score, bounded when both ``minimum`` and ``maximum`` are given.

    Examples
    --------
    >>> score(0, 100).bounds
    (0.0, 100.0)
    """
    bounded = minimum is not None or maximum is not None
    return Measure(
        "score",
        bounded=bounded,
        minimum=None if minimum is None else float(minimum),
        maximum=None if maximum is None else float(maximum),
    )


def binary() -> Measure:
    """A yes/no fact coded 1 (yes) or 0 (no).

    Examples
    --------
    >>> binary().bounds
    (0.0, 1.0)
    """
    return Measure("binary")


def rank() -> Measure:
    """A rank among peers; 1 is first.

    Examples
    --------
    >>> rank().unit_label
    'rank'
    """
    return Measure("rank")
