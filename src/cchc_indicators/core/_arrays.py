"""Read-only numpy fields of frozen attrs classes: the converter and the equality they share."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["ARRAY_EQ", "array_eq", "readonly"]


def readonly(value: object, dtype: DTypeLike | None = None) -> NDArray[Any]:
    """Return a new array of ``value`` (of ``dtype`` if given) that cannot be written to.

    Examples
    --------
    >>> a = readonly([1, 2], float)
    >>> a.dtype, a.flags.writeable
    (dtype('float64'), False)
    """
    out: NDArray[Any] = np.array(value, dtype=dtype)
    out.flags.writeable = False
    return out


def array_eq(a: NDArray[Any], b: NDArray[Any]) -> bool:
    """Whether two arrays have the same shape and values, NaN equal to NaN in float arrays.

    Examples
    --------
    >>> array_eq(np.array([1.0, np.nan]), np.array([1.0, np.nan])), array_eq(np.ones(2), np.ones(3))
    (True, False)
    """
    floats = a.dtype.kind == "f" and b.dtype.kind == "f"
    return bool(np.array_equal(a, b, equal_nan=floats))


#: The ``eq=`` of an attrs field holding an array.
ARRAY_EQ = attrs.cmp_using(eq=array_eq)
