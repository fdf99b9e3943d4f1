"""Measures: what kind of number an indicator holds.

A :class:`Measure` says how an indicator's values are made and bounded:

=========== =================================================================
kind        meaning
=========== =================================================================
``percent`` numerator / denominator x 100, bounded to 0-100 (the numerator
            never exceeds the denominator); built by :func:`percent`
``ratio``   numerator / denominator x ``scale`` (dossiers per 1,000 people)
``count``   a non-negative number of things (dossiers, staff, units)
``score``   a number on a scale, optionally bounded (an index score)
``binary``  0 or 1 (done / not done)
``rank``    a position among peers, 1 = first
=========== =================================================================

These are the words of a plan's JSON (``{"kind": "percent"}``), of
``cchc rollup --measure`` and of the factories. In Python a percent is the
ratio with scale 100 that is bounded: its :attr:`Measure.kind` is ``ratio``
and :attr:`Measure.is_percent` is true. Its JSON form is
``{"kind": "percent"}``; the older spelling
``{"kind": "ratio", "scale": 100, "bounded": true}`` is read as the same
measure (:meth:`Measure.from_dict`).

Examples
--------
>>> from cchc_indicators import measures
>>> measures.percent()
Measure(kind='ratio', scale=100.0, bounded=True)
>>> measures.percent().unit_label
'%'
>>> measures.percent().to_dict()
{'kind': 'percent'}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

import attrs

from cchc_indicators.core._loading import as_float, check_nesting
from cchc_indicators.core.errors import DefinitionError

__all__ = [
    "JSON_KINDS",
    "MEASURE_KINDS",
    "Measure",
    "binary",
    "count",
    "percent",
    "rank",
    "ratio",
    "score",
]

MeasureKind = Literal["ratio", "count", "score", "binary", "rank"]
MEASURE_KINDS: tuple[MeasureKind, ...] = ("ratio", "count", "score", "binary", "rank")
# The kinds a measure's JSON form may name: ``percent`` and the measure kinds.
JSON_KINDS: tuple[str, ...] = ("percent", *MEASURE_KINDS)

#: The keys of a measure's JSON form.
_KEYS = ("kind", "scale", "bounded", "minimum", "maximum")


def _check_kind(_instance: object, _attribute: object, value: str) -> None:
    if value == "percent":
        msg = (
            "a percent is the ratio with scale 100, bounded: build it with measures.percent() "
            'or Measure("ratio", scale=100.0, bounded=True)'
        )
        raise DefinitionError(msg)
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

        A percent is written ``{"kind": "percent"}``, the word the command line
        and the documentation use; any other ratio with its ``scale`` and
        ``bounded``, a bounded score with its ``minimum`` and ``maximum``.

        Examples
        --------
        >>> percent().to_dict()
        {'kind': 'percent'}
        >>> ratio(1000).to_dict()
        {'kind': 'ratio', 'scale': 1000.0, 'bounded': False}
        >>> Measure.from_dict(percent().to_dict()) == percent()
        True
        """
        if self.is_percent:
            return {"kind": "percent"}
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
        """Build a measure from :meth:`to_dict` output or a plan's JSON.

        Parameters
        ----------
        data
            A mapping with ``kind``, one of :data:`JSON_KINDS`, and the keys
            that kind takes:

            - ``percent``: nothing else (``scale`` 100 and ``bounded`` true
              may be written; they are what a percent is);
            - ``ratio``: ``scale`` (default 100) and ``bounded`` (default
              false). ``{"kind": "ratio", "scale": 100, "bounded": true}`` is
              a percent, read as ``{"kind": "percent"}``;
            - ``score``: ``minimum`` and ``maximum``, both or neither;
            - ``count``, ``binary``, ``rank``: nothing else.

        Returns
        -------
        Measure
            The measure.

        Raises
        ------
        DefinitionError
            If the kind is unknown, a key is unknown or does not fit the kind,
            or a value is not a number (``scale``, ``minimum``, ``maximum``)
            or not true or false (``bounded``). The message names the key.

        Examples
        --------
        >>> Measure.from_dict({"kind": "percent"})
        Measure(kind='ratio', scale=100.0, bounded=True)
        >>> Measure.from_dict({"kind": "ratio", "scale": 100, "bounded": True}) == percent()
        True
        >>> Measure.from_dict({"kind": "ratio", "scale": 1000})
        Measure(kind='ratio', scale=1000.0, bounded=False)
        >>> Measure.from_dict({"kind": "score", "minimum": 0, "maximum": 100})
        Measure(kind='score', minimum=0.0, maximum=100.0)
        >>> Measure.from_dict({"kind": "percent", "scale": 1000})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: a percent's 'scale' is 100, got 1000; for another scale write {"kind": "ratio", "scale": 1000}
        """
        raw: object = data  # typed as a dict, but read from JSON: anything may come
        if not isinstance(raw, Mapping):
            msg = f"a measure is a mapping with a 'kind', got {raw!r}"
            raise DefinitionError(msg)
        check_nesting(data, "measure")
        kind = data.get("kind")
        if kind not in JSON_KINDS:
            msg = f"unknown measure kind {kind!r}; expected one of {', '.join(JSON_KINDS)}"
            raise DefinitionError(msg)
        unknown = sorted(set(data) - set(_KEYS), key=str)
        if unknown:
            known = ", ".join(repr(k) for k in _KEYS)
            msg = f"unknown keys {unknown} in a measure; its keys are {known}"
            raise DefinitionError(msg)
        scale = _num(data["scale"], "scale") if "scale" in data else None
        bounded = _flag(data["bounded"], "bounded") if "bounded" in data else None
        lo = _num(data["minimum"], "minimum") if "minimum" in data else None
        hi = _num(data["maximum"], "maximum") if "maximum" in data else None
        if kind == "percent":
            _check_percent(data, scale, bounded)
            return percent()
        if kind == "ratio" and scale is None:
            scale = 100.0
        if kind == "score" and bounded is None:
            bounded = lo is not None or hi is not None
        # the constructor refuses a key that does not fit the kind, naming it
        assert kind in MEASURE_KINDS
        return cls(kind, scale=scale, bounded=bool(bounded), minimum=lo, maximum=hi)


def _check_percent(data: Mapping[str, object], scale: float | None, bounded: bool | None) -> None:
    """Refuse a ``percent`` whose other keys say something else than a percent is."""
    if scale is not None and scale != 100.0:
        given = data["scale"]
        msg = (
            f"a percent's 'scale' is 100, got {given!r}; for another scale write "
            f'{{"kind": "ratio", "scale": {given!r}}}'
        )
        raise DefinitionError(msg)
    if bounded is False:
        msg = (
            "a percent is bounded to 0-100, so its 'bounded' is true, got false; for a ratio "
            'per 100 that may exceed 100 write {"kind": "ratio", "scale": 100}'
        )
        raise DefinitionError(msg)
    for key in ("minimum", "maximum"):
        if key in data:
            msg = f"a percent has no {key!r}: it lies in 0-100; for other bounds use a score"
            raise DefinitionError(msg)


def _num(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"a measure's {key!r} must be a number, got {value!r}"
        raise DefinitionError(msg)
    return as_float(value)  # an integer too large for a float is infinite, refused later


def _flag(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        msg = f"a measure's {key!r} must be true or false, got {value!r}"
        raise DefinitionError(msg)
    return value


def percent() -> Measure:
    """A percentage: numerator / denominator x 100, bounded to 0-100.

    In a plan's JSON it is ``{"kind": "percent"}``.

    Examples
    --------
    >>> percent().is_percent, percent().to_dict()
    (True, {'kind': 'percent'})
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
