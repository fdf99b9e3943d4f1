"""The tie rule of every ranking in the library: scores closer than a relative tolerance are equal.

Two scores that are equal in exact arithmetic can differ in their last bits
once computed: ``(a + b) + c`` and ``(b + c) + a`` are not always the same
number, so a unit's score depends on the order in which its children were
added, on the engine path (level by level, or by effective weights) and on
the processor's kernels. Ranking such scores as they are would split a tie
by rounding noise. Every ranking here (nominal ranks of a composite index,
Monte Carlo rank counts, Copeland's pairwise comparisons, the ``rank`` and
``percentile_rank`` normalisations) therefore groups values first:

* sort the values of a row (the units of one node, indicator or
  replication);
* a sorted value joins the group of the one before it when the gap between
  them is at most ``RTOL`` times the row's **scale**, the largest magnitude
  among the row's values (or a larger scale given by the caller);
* the values of a group are tied.

Why gaps rather than pairs: "``|a - b|`` within the tolerance" is not
transitive (``a ~ b`` and ``b ~ c`` without ``a ~ c``), so it does not
define ranks. Grouping by consecutive gaps is the transitive closure of that
relation, so every value belongs to exactly one group. Why not round to a
grid of the tolerance: a value on a grid boundary would be split by one
unit in the last place, which is exactly the noise to be absorbed; a gap
only fails for two values whose true difference is itself within a few
units in the last place of the tolerance, which real data never are.

Why ``RTOL = 1e-9`` of the largest magnitude: rounding errors of the sums
and means of an index are a few units in the last place (``2.2e-16``
relative) per operation, times the number of children and levels, and times
``1 / p`` through a generalised mean's power; ``1e-9`` leaves a margin of a
million units in the last place, and on a 0-100 scale ties scores closer than
``1e-7`` points, far below the precision of any indicator. It is also the
tolerance of :func:`~cchc_indicators.composite.aggregate.median` for "exactly one
half". The scale is the row's largest magnitude, not each pair's, because
the error of a mean grows with the size of the terms added, not of the
result.

Limits: values closer than the tolerance are tied even when they truly
differ (two raw populations of 1,000,000,000 and 1,000,000,001 are tied); a
long chain of values each within the tolerance of the next forms one group
even though its ends are further apart (impossible to reach with fewer than
``1 / RTOL`` values on a bounded scale); and where every score of a row is
near 0 while the values added were large (cancellation), the row's scale
understates the error and ties may still be split.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: Values of a row closer than ``RTOL`` times the row's largest magnitude are tied.
RTOL = 1e-9


def tolerance(values: FloatArray, scale: FloatArray | float | None = None) -> FloatArray:
    """The tie tolerance of each row (last axis) of ``values``, shape ``(..., 1)``.

    ``RTOL`` times the row's largest finite magnitude, or times ``scale``
    when that is larger (a caller may know the magnitude of the terms the
    values were computed from). NaN and infinite values are left out.
    """
    finite = np.isfinite(values)
    largest = np.where(finite, np.abs(values), 0.0).max(axis=-1, keepdims=True, initial=0.0)
    if scale is not None:
        largest = np.maximum(largest, scale)
    out: FloatArray = RTOL * largest
    return out


def group_starts(ordered: FloatArray, tol: FloatArray) -> BoolArray:
    """Where a new tie group begins in rows sorted ascending (NaN last): ``True`` at each start.

    A value starts a group unless its gap to the value before it is at most
    ``tol``; a NaN always starts one (it is tied with nothing).
    """
    starts = np.ones(ordered.shape, dtype=bool)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = ordered[..., 1:] - ordered[..., :-1]
        starts[..., 1:] = ~(gap <= tol)
    return starts


def ascending_counts(values: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per value: how many values of its row are below its tie group, its group's size, the row's count.

    NaN values are left out of the counts and get NaN.

    Examples
    --------
    >>> v = np.array([3.0, 1.0, 3.0 + 4e-16, np.nan, 2.0])
    >>> below, equal, n = ascending_counts(v)
    >>> below.tolist(), equal.tolist(), n.tolist()
    ([2.0, 0.0, 2.0, nan, 1.0], [2.0, 1.0, 2.0, nan, 1.0], [4.0])
    """
    m = values.shape[-1]
    order = np.argsort(values, axis=-1, kind="stable")  # NaN sort last
    ordered = np.take_along_axis(values, order, axis=-1)
    first = group_starts(ordered, tolerance(values))
    last = np.ones(ordered.shape, dtype=bool)
    last[..., :-1] = first[..., 1:]
    position = np.broadcast_to(np.arange(m), ordered.shape)
    start = np.maximum.accumulate(np.where(first, position, 0), axis=-1)
    end = np.minimum.accumulate(np.where(last, position, m - 1)[..., ::-1], axis=-1)[..., ::-1]
    below = np.empty(values.shape, dtype=np.float64)
    equal = np.empty(values.shape, dtype=np.float64)
    np.put_along_axis(below, order, start, axis=-1)
    np.put_along_axis(equal, order, end - start + 1, axis=-1)
    missing = np.isnan(values)
    n = (~missing).sum(axis=-1, keepdims=True).astype(np.float64)
    below[missing] = np.nan
    equal[missing] = np.nan
    return below, equal, n


def dense_groups(values: FloatArray) -> FloatArray:
    """The tie group of each value in its row, numbered from 0 upwards (NaN for a missing value).

    Two values compare by their groups: equal groups are a tie.

    Examples
    --------
    >>> dense_groups(np.array([5.0, 1.0, 5.000000000000001, np.nan])).tolist()
    [1.0, 0.0, 1.0, nan]
    """
    order = np.argsort(values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    starts = group_starts(ordered, tolerance(values))
    groups = np.empty(values.shape, dtype=np.float64)
    np.put_along_axis(groups, order, starts.cumsum(axis=-1) - 1.0, axis=-1)
    groups[np.isnan(values)] = np.nan
    return groups


def descending_ranks(scores: FloatArray, scale: FloatArray | float | None = None) -> IntArray:
    """Rank along the last axis, 1 = highest, a tie group sharing its best rank, 0 = no score.

    Examples
    --------
    >>> descending_ranks(np.array([50.5, 50.49999999999999, 70.0, np.nan])).tolist()
    [2, 2, 1, 0]
    """
    missing = np.isnan(scores)
    key = np.where(missing, np.inf, -scores)
    order = np.argsort(key, axis=-1)
    ordered = np.take_along_axis(key, order, axis=-1)
    n = scores.shape[-1]
    if not n:
        return np.zeros(scores.shape, dtype=np.int64)
    # The row's largest magnitude is at one end of its sorted scores (missing ones last).
    last = np.maximum(n - 1 - missing.sum(axis=-1, keepdims=True), 0)
    ends = np.abs(np.concatenate([ordered[..., :1], np.take_along_axis(ordered, last, -1)], -1))
    largest = np.where(np.isfinite(ends), ends, 0.0).max(axis=-1, keepdims=True)
    if scale is not None:
        largest = np.maximum(largest, scale)
    starts = group_starts(ordered, RTOL * largest)
    position = np.broadcast_to(np.arange(n), ordered.shape)
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=-1)
    rows = scores.size // n
    flat = np.empty(scores.size, dtype=np.int64)
    flat[(np.arange(rows) * n)[:, np.newaxis] + order.reshape(rows, n)] = (first + 1).reshape(
        rows, n
    )
    out = flat.reshape(scores.shape)
    out[missing] = 0
    return out
