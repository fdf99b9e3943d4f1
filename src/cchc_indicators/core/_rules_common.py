"""Small pieces the rules of :mod:`cchc_indicators.core.rules` are built from.

Comparison operators and the pattern of a condition's text, division that
leaves NaN rather than warnings, the validators of rule fields, the splitting
of a rule's text into name and arguments, and :func:`number_text`, which
writes thresholds and weights back as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _wide
from cchc_indicators.core.errors import DefinitionError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The comparisons a :class:`~cchc_indicators.core.rules.Condition` may use.
OPS: dict[str, Callable[[FloatArray, float], BoolArray]] = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
    "==": np.equal,
    "!=": np.not_equal,
}
CONDITION = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$")


def number_text(x: float) -> str:
    """Write a number as short text that reads back exactly (``60``, ``66.666667``).

    Examples
    --------
    >>> number_text(60.0), number_text(66.666667), number_text(1234567.0)
    ('60', '66.666667', '1234567')
    """
    if x.is_integer() and abs(x) < 2**53:
        return str(int(x))
    return repr(float(x))


def divide(num: FloatArray, den: FloatArray, scale: float) -> FloatArray:
    """(num x scale) / den, NaN where den is not positive; few passes, no warnings.

    Scaling the numerator first keeps exact cases exact: 57 of 100 is 57 %,
    not 57.00000000000001 %, so a rate equal to a threshold meets it. Where
    that product or the quotient would overflow, the quotient is taken first
    (see :func:`cchc_indicators.core._wide.divide`): 1.5e308 of 1.6e308 is 93.75 %.

    Examples
    --------
    >>> divide(np.array([57.0, 1.5e308, 1.0]), np.array([100.0, 1.6e308, 0.0]), 100.0)
    array([57.  , 93.75,   nan])
    """
    return _wide.divide(num, den, scale)


def valid(cells_value: FloatArray) -> BoolArray:
    return ~np.isnan(cells_value)


def check_op(_instance: object, _attribute: object, value: str) -> None:
    if value not in OPS:
        msg = f"unknown comparison {value!r}; use one of {', '.join(OPS)}"
        raise DefinitionError(msg)


def check_by(_instance: object, _attribute: object, value: str) -> None:
    if value not in ("weight", "denominator"):
        msg = f"weighted_mean weights 'by' the 'weight' column or the 'denominator', not {value!r}"
        raise DefinitionError(msg)


def check_denominator(_instance: object, _attribute: object, value: str) -> None:
    if value not in ("with_data", "all"):
        msg = f"share_meeting's denominator is 'with_data' or 'all', not {value!r}"
        raise DefinitionError(msg)


def split_spec(spec: object, names: Sequence[str]) -> tuple[str, list[str], dict[str, str]]:
    """A rule's name, its positional arguments and its ``by=``/``denominator=`` arguments.

    Raises :class:`~cchc_indicators.core.errors.DefinitionError` if the name is not one of ``names``.
    """
    m = _SPEC.match(str(spec))
    name = m.group(1) if m else str(spec)
    if not m or name not in names:
        msg = f"unknown rule {name!r}; the rules are {', '.join(names)}"
        raise DefinitionError(msg)
    args = [a.strip() for a in (m.group(2) or "").split(",") if a.strip()]
    kwargs = {}
    positional = []
    for arg in args:
        key, eq, val = arg.partition("=")
        if eq and key.strip() in ("by", "denominator"):
            kwargs[key.strip()] = val.strip()
        else:
            positional.append(arg)
    return name, positional, kwargs
