"""The methods of a composite index: :class:`Method` and the names and options each role allows.

An index names one normalisation, one aggregation per level (or one for all)
and one imputation; :data:`NORMALISATIONS`, :data:`AGGREGATIONS` and
:data:`IMPUTATIONS` list the valid names with the options each takes, and
:func:`check_method` refuses anything else, naming where the method was given.
The converters at the end turn the values given for a definition's fields
into methods. :mod:`cchc_indicators.composite._definition` imports all of them, and
:mod:`cchc_indicators.composite` offers the public ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from cchc_indicators.core.errors import DefinitionError

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "TREATMENTS",
    "Method",
    "check_method",
]

#: Normalisation methods of an index and the options each takes.
NORMALISATIONS: Mapping[str, frozenset[str]] = {
    "minmax": frozenset({"low", "high", "over"}),
    "zscore": frozenset({"mean", "sd", "over"}),
    "goalposts": frozenset({"truncate", "scale"}),
    "distance_to_target": frozenset({"cap", "over"}),
    "distance_to_best": frozenset({"over"}),
    "percentile_rank": frozenset({"ties", "scale"}),
    "none": frozenset(),
}

#: Aggregation methods and the options each takes.
AGGREGATIONS: Mapping[str, frozenset[str]] = {
    "arithmetic": frozenset(),
    "geometric": frozenset({"shift"}),
    "harmonic": frozenset(),
    "generalised": frozenset({"p"}),
    "median": frozenset(),
    "copeland": frozenset(),
}

#: Imputation methods and the options each takes.
IMPUTATIONS: Mapping[str, frozenset[str]] = {
    "none": frozenset(),
    "mean": frozenset(),
    "median": frozenset(),
    "group_mean": frozenset(),
    "locf": frozenset(),
}

#: Outlier treatments and the options each takes (see
#: :mod:`cchc_indicators.composite.treat`). ``skew_kurtosis`` is COINr's
#: default: winsorise while the indicator fails the skewness and kurtosis test,
#: then, if it still fails, take ``log_ct`` of the original values instead.
TREATMENTS: Mapping[str, frozenset[str]] = {
    "none": frozenset(),
    "skew_kurtosis": frozenset({"winmax", "skew", "kurtosis"}),
    "winsorise": frozenset({"winmax", "skew", "kurtosis"}),
    "log_ct": frozenset(),
    "log": frozenset(),
    "boxcox": frozenset({"lambda", "shift"}),
    "quantile_cap": frozenset({"lower", "upper"}),
}

_ROLES = {
    "normalisation": NORMALISATIONS,
    "aggregation": AGGREGATIONS,
    "imputation": IMPUTATIONS,
    "treatment": TREATMENTS,
}


def _options(value: Mapping[Any, Any]) -> tuple[tuple[str, Any], ...]:
    # Method.__init__ hands over a dict: its options and keywords merged.
    items = list(value.items())
    for key, v in items:
        if not isinstance(key, str):
            msg = f"method option names must be text, got {key!r}"
            raise DefinitionError(msg)
        if not (v is None or isinstance(v, (bool, int, float, str))):
            msg = f"method option {key!r} must be a number, true/false or text, got {v!r}"
            raise DefinitionError(msg)
        if isinstance(v, float) and not math.isfinite(v):
            msg = f"method option {key!r} must be finite, got {v!r}"
            raise DefinitionError(msg)
    return tuple(sorted(items))


@attrs.frozen(repr=False, init=False)
class Method:
    """A method by name with its options, e.g. ``Method("minmax", low=1, high=100)``.

    Which names and options are valid depends on the role (normalisation,
    aggregation or imputation); :class:`CompositeIndex` checks them.

    Parameters
    ----------
    name
        The method's name.
    options
        Its options, as keyword arguments or a mapping.

    Examples
    --------
    >>> m = Method("generalised", p=0.5)
    >>> m, m.kwargs
    (Method(name='generalised', options={'p': 0.5}), {'p': 0.5})
    >>> Method.parse("geometric") == Method("geometric")
    True
    >>> Method.parse({"name": "minmax", "low": 1, "high": 100}).kwargs
    {'high': 100, 'low': 1}
    """

    name: str
    options: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_options)

    def __init__(self, name: str, options: object = None, **kwargs: Any) -> None:
        if not isinstance(name, str) or not name:
            msg = f"a method needs a name, got {name!r}"
            raise DefinitionError(msg)
        if options is not None and not isinstance(options, Mapping):
            msg = f"method options must be a mapping of names to values, got {options!r}"
            raise DefinitionError(msg)
        self.__attrs_init__(name, {**(options or {}), **kwargs})

    @property
    def kwargs(self) -> dict[str, Any]:
        """The options as a dictionary (sorted by name).

        Examples
        --------
        >>> Method("minmax", low=1, high=100).kwargs
        {'high': 100, 'low': 1}
        >>> Method("median").kwargs
        {}
        """
        return dict(self.options)

    def __repr__(self) -> str:
        return f"Method(name={self.name!r}, options={self.kwargs})"

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"name": ..., **options}``, the form :meth:`parse` reads.

        Examples
        --------
        >>> m = Method("generalised", p=0.5)
        >>> m.to_dict(), Method.parse(m.to_dict()) == m
        ({'name': 'generalised', 'p': 0.5}, True)
        """
        return {"name": self.name, **self.kwargs}

    @classmethod
    def parse(cls, value: object) -> Method:
        """Build a method from a name, a mapping with ``name``, or a method.

        Raises
        ------
        DefinitionError
            For anything else.

        Examples
        --------
        >>> Method.parse("median"), Method.parse({"name": "geometric", "shift": 1})
        (Method(name='median', options={}), Method(name='geometric', options={'shift': 1}))
        >>> Method.parse(3)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: a method is a name or a mapping with 'name', got 3
        """
        if isinstance(value, Method):
            return value
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, Mapping) and isinstance(value.get("name"), str):
            return cls(value["name"], {k: v for k, v in value.items() if k != "name"})
        msg = f"a method is a name or a mapping with 'name', got {value!r}"
        raise DefinitionError(msg)


def check_method(method: Method, role: str, where: str) -> Method:
    """Refuse a method or option unknown in ``role``; the message says where."""
    table = _ROLES[role]
    if method.name not in table:
        hint = ""
        if role == "normalisation" and method.name == "rank":
            hint = " ('rank' scores 1 for the best, which would reverse the index; use 'percentile_rank')"
        known = ", ".join(sorted(table))
        msg = f"{where}: unknown {role} method {method.name!r}{hint}; the methods are {known}"
        raise DefinitionError(msg)
    extra = sorted(set(method.kwargs) - table[method.name])
    if extra:
        allowed = ", ".join(sorted(table[method.name])) or "none"
        msg = (
            f"{where}: {role} {method.name!r} takes no option {extra[0]!r} (its options: {allowed})"
        )
        raise DefinitionError(msg)
    opts = method.kwargs
    if "over" in opts and opts["over"] not in ("period", "panel"):
        msg = f"{where}: option 'over' must be 'period' or 'panel', got {opts['over']!r}"
        raise DefinitionError(msg)
    if method.name == "generalised" and not isinstance(opts.get("p"), (int, float)):
        msg = f"{where}: aggregation 'generalised' needs a number 'p'"
        raise DefinitionError(msg)
    for key in ("low", "high", "mean", "sd", "scale", "shift", "p"):
        if key == "shift" and role == "treatment":
            continue  # boxcox's 'shift' is true or false (checked below)
        if key in opts and (isinstance(opts[key], (bool, str)) or opts[key] is None):
            msg = f"{where}: option {key!r} must be a number, got {opts[key]!r}"
            raise DefinitionError(msg)
    for key in ("truncate", "cap"):
        if key in opts and not isinstance(opts[key], bool):
            msg = f"{where}: option {key!r} must be true or false, got {opts[key]!r}"
            raise DefinitionError(msg)
    if "ties" in opts and opts["ties"] not in ("average", "min", "max"):
        msg = f"{where}: option 'ties' must be 'average', 'min' or 'max', got {opts['ties']!r}"
        raise DefinitionError(msg)
    if method.name == "minmax":
        # The defaults of normalise.minmax: the worst unit scores 0, the best 100.
        low, high = opts.get("low", 0), opts.get("high", 100)
        if not low < high:
            msg = f"{where}: normalisation 'minmax' needs 'low' < 'high', got low={low!r}, high={high!r}"
            raise DefinitionError(msg)
    for key in ("sd", "scale"):
        if key in opts and not opts[key] > 0:
            msg = f"{where}: option {key!r} must be > 0, got {opts[key]!r}"
            raise DefinitionError(msg)
    if "shift" in opts and role == "treatment":
        if not isinstance(opts["shift"], bool):
            msg = f"{where}: option 'shift' must be true or false, got {opts['shift']!r}"
            raise DefinitionError(msg)
    elif "shift" in opts and not opts["shift"] >= 0:
        msg = f"{where}: option 'shift' must be >= 0, got {opts['shift']!r}"
        raise DefinitionError(msg)
    if role == "treatment":
        _check_treatment(method, where)
    return method


def _check_treatment(method: Method, where: str) -> None:
    """Refuse treatment options out of range (a count, thresholds, quantiles, lambda)."""
    opts = method.kwargs

    def number(key: str) -> float | None:
        value = opts.get(key)
        if value is None:
            return None
        if isinstance(value, (bool, str)):
            msg = f"{where}: option {key!r} must be a number, got {value!r}"
            raise DefinitionError(msg)
        return float(value)

    winmax = opts.get("winmax")
    if winmax is not None and (
        isinstance(winmax, bool) or not isinstance(winmax, int) or winmax < 1
    ):
        msg = f"{where}: option 'winmax' must be a whole number >= 1, got {winmax!r}"
        raise DefinitionError(msg)
    skew = number("skew")
    if skew is not None and not skew > 0:
        msg = f"{where}: option 'skew' must be > 0, got {opts['skew']!r}"
        raise DefinitionError(msg)
    number("kurtosis")
    if method.name == "boxcox" and number("lambda") is None:
        msg = f"{where}: treatment 'boxcox' needs a number 'lambda'"
        raise DefinitionError(msg)
    lower, upper = number("lower"), number("upper")
    lo = 0.05 if lower is None else lower
    hi = 0.95 if upper is None else upper
    if method.name == "quantile_cap" and not 0 <= lo < hi <= 1:
        msg = f"{where}: treatment 'quantile_cap' needs 0 <= 'lower' < 'upper' <= 1, got lower={lo!r}, upper={hi!r}"
        raise DefinitionError(msg)


def _parse_as(value: object, field: str) -> Method:
    """Parse a method, an error naming the field it is given for."""
    try:
        return Method.parse(value)
    except DefinitionError as err:
        raise err.in_context(repr(field)) from None


def _normalisation(value: object) -> Method:
    return _parse_as(value, "normalisation")


def _imputation(value: object) -> Method:
    return _parse_as(value, "imputation")


def _treatment(value: object) -> Method:
    return _parse_as(value, "treatment")


def _normalisation_or_none(value: object) -> Method | None:
    return None if value is None else _parse_as(value, "normalisation")


def _treatment_or_none(value: object) -> Method | None:
    return None if value is None else _parse_as(value, "treatment")


def _imputation_or_none(value: object) -> Method | None:
    return None if value is None else _parse_as(value, "imputation")


def _method_or_none(value: object) -> Method | None:
    return None if value is None else _parse_as(value, "aggregation")


def _aggregations(value: object) -> tuple[Method, ...]:
    if isinstance(value, (str, Method, Mapping)):
        return (_parse_as(value, "aggregation"),)
    if isinstance(value, Iterable):
        out = tuple(_parse_as(v, "aggregation") for v in value)
        if out:
            return out
    msg = f"'aggregation' must be a method or a sequence of one method per level, got {value!r}"
    raise DefinitionError(msg)
