"""Weighting and aggregation of normalised indicators, for many units and replications at once.

Every aggregator takes an array ``X`` of shape ``(..., children, units)``: the
**last axis is the units** and the one before it the **children** of the node
being aggregated (indicators, or sub-indices one level down); any leading axes
are replications (Monte Carlo draws, periods). The result has shape
``(..., units)``: the children axis is reduced. Each function works on the
whole array in one vectorised numpy pass.

Methods
    :func:`arithmetic`, :func:`geometric`, :func:`harmonic`,
    :func:`generalised` (exponent ``p``), :func:`median` (weighted) and
    :func:`copeland` (outranking). :func:`aggregate` calls one by its name in
    :data:`AGGREGATORS` and applies a data-availability threshold.

Weights
    One weight per child: an array of shape ``(children,)``, or any array that
    broadcasts against ``X`` with the children on the second-to-last axis, such
    as ``(replications, children, 1)`` for weights drawn per Monte Carlo
    replication. ``None`` means equal weights. Weights are relative: only their
    ratios matter, whatever their scale (weights of 1e308, whose sum
    overflows, or of 5e-324 give the result of weights of 1: they are scaled
    by a power of two, exactly, before anything is summed). A negative or
    non-finite weight, or weights that sum to 0, are a
    :class:`~cchc_indicators.core.errors.DefinitionError`.

Missing values
    NaN marks a missing value. A missing child is **skipped**, and the weights
    of the children present are re-normalised to sum to 1 for that unit: with
    weights ``(2, 1, 1)`` and the first child missing, the other two count
    half each. A unit with no child present (or only children of weight 0)
    gets NaN. Use ``min_share`` of :func:`aggregate` to refuse a value to units
    with too few children present, rather than re-normalising over a handful.

Sources
    * OECD/JRC, *Handbook on Constructing Composite Indicators: Methodology and
      User Guide* (2008), sections 1.6–1.7 (weighting and aggregation).
    * The JRC's COINr package for R, ``R/aggregate.R``. Where our names
      coincide with COINr's (``a_amean``, ``a_gmean``, ``a_hmean``,
      ``a_genmean``, ``a_copeland``), the definitions match, with the
      differences noted in each function.

.. versionadded:: 0.1.0

Examples
--------
>>> import numpy as np
>>> from cchc_indicators import aggregate as ag
>>> X = np.array([[80.0, 50.0, 20.0],      # child 1, three units
...               [40.0, 50.0, np.nan]])   # child 2; the third unit has no value
>>> ag.arithmetic(X, [3, 1]).tolist()      # the third unit: child 1 alone
[70.0, 50.0, 20.0]
>>> r = ag.aggregate("arithmetic", X, [3, 1], min_share=1.0)
>>> r.values.tolist(), r.insufficient.tolist()
([70.0, 50.0, nan], [False, False, True])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._repr import counted
from cchc_indicators.core._ties import RTOL, dense_groups
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem

__all__ = [
    "AGGREGATORS",
    "Aggregation",
    "aggregate",
    "arithmetic",
    "copeland",
    "effective_weights",
    "equal_weights",
    "generalised",
    "geometric",
    "harmonic",
    "median",
    "normalise_weights",
    "pca_weights",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
Data = float | Sequence[Any] | NDArray[Any]  # numbers: a scalar, nested lists or an array

# Relative tolerance for "the cumulative weight is exactly one half" in median(): the
# library's one tolerance for "equal" (see _ties).
_HALF_TOLERANCE = RTOL


def _data(X: Data) -> FloatArray:
    """``X`` as a float array of at least two dimensions; infinite values are refused."""
    try:
        out = np.array(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        msg = f"X must be an array of numbers: {err}"
        raise InvalidDataError([Problem(msg, kind="not_numeric")], source="<array>") from None
    if out.ndim < 2:
        msg = f"X must have shape (..., children, units); got shape {out.shape}"
        raise InvalidDataError([Problem(msg, kind="bad_shape")], source="<array>")
    if np.isinf(out).any():
        msg = f"X holds {int(np.isinf(out).sum())} infinite value(s); use NaN for a missing value"
        raise InvalidDataError([Problem(msg, kind="infinite")], source="<array>")
    return out


def _check_weights(w: FloatArray, name: str = "weights") -> None:
    """Refuse non-finite or negative weights, and weights summing to 0 along the children."""
    if not np.isfinite(w).all():
        msg = f"{name} must be finite numbers: {w[~np.isfinite(w)].flat[0]}"
        raise DefinitionError(msg)
    if (w < 0).any():
        msg = f"{name} must be >= 0: {w[w < 0].tolist()} are negative (weights {w.tolist()})"
        raise DefinitionError(msg)


def _weights(weights: Data | None, X: FloatArray) -> FloatArray:
    """The weights as an array broadcasting against ``X`` (children on axis -2)."""
    if weights is None:
        return np.ones((*X.shape[-2:-1], 1))
    w = np.array(weights, dtype=np.float64)
    if w.ndim == 1:
        w = w[:, np.newaxis]
    try:
        shape = np.broadcast_shapes(w.shape, X.shape)
    except ValueError:
        shape = ()
    if shape != X.shape:
        msg = (
            f"weights of shape {np.shape(weights)} do not broadcast against X of shape "
            f"{X.shape} (children on the second-to-last axis: give shape ({X.shape[-2]},) or "
            f"e.g. (replications, {X.shape[-2]}, 1))"
        )
        raise DefinitionError(msg)
    _check_weights(w)
    if (w.max(axis=-2) == 0).any():
        msg = f"weights must not sum to 0: {w.tolist()}"
        raise DefinitionError(msg)
    return _pow2_scaled(w, w.max(axis=-2, keepdims=True))


def _pow2_scaled(w: FloatArray, largest: FloatArray) -> FloatArray:
    """``w`` times the power of two that brings ``largest`` into [1, 2) (as is where it is 0).

    Weights are relative, so they are scaled so before anything is summed:
    weights of 1e300 (whose sum overflows) or of 5e-324 (whose products
    underflow) then give the same result as weights of 1. Multiplying by a
    power of two is exact, so ordinary weights give the same bits as before.
    """
    ok = np.isfinite(largest) & (largest > 0)
    _, exponent = np.frexp(np.where(ok, largest, 1.0))
    out: FloatArray = np.ldexp(w, np.where(ok, 1 - exponent, 0))
    return out


def _shares(X: FloatArray, weights: Data | None) -> tuple[FloatArray, BoolArray]:
    """Per-child weights re-normalised over the children present, and where a unit has none."""
    w = _weights(weights, X)
    W = np.where(np.isnan(X), 0.0, w)
    total = W.sum(axis=-2, keepdims=True)
    empty = total == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(empty, 0.0, W / total)
    return shares, empty[..., 0, :]


def _require(X: FloatArray, *, strict: bool, method: str, hint: str) -> None:
    """Refuse values <= 0 (``strict``) or < 0 among the values present."""
    bad = X <= 0 if strict else X < 0
    if bad.any():
        rule = "> 0" if strict else ">= 0"
        msg = f"{method} needs values {rule}: {int(bad.sum())} value(s) are not (first: {X[bad].flat[0]}); {hint}"
        raise InvalidDataError([Problem(msg, kind="not_positive")], source="<array>")


def arithmetic(X: Data, weights: Data | None = None) -> FloatArray:
    """Weighted arithmetic mean of the children: ``sum(w * x) / sum(w)``.

    Matches COINr's ``a_amean(x, w)``, which also skips missing children and
    re-normalises the weights over those present.

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child (see the module notes); ``None`` = equal weights.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``.

    Examples
    --------
    >>> arithmetic([[10.0, 0.0], [40.0, 60.0]], [1, 3]).tolist()   # (10 + 120) / 4, (0 + 180) / 4
    [32.5, 45.0]
    """
    A = _data(X)
    shares, empty = _shares(A, weights)
    out = (shares * np.where(np.isnan(A), 0.0, A)).sum(axis=-2)
    return np.where(empty, np.nan, out)


def geometric(X: Data, weights: Data | None = None, *, shift: float = 0.0) -> FloatArray:
    """Weighted geometric mean of the children: ``exp(sum(w * log(x)) / sum(w))``.

    A value of 0 or below has no logarithm, and a single 0 would pull a unit's
    score to 0 whatever its other children, so values ``<= 0`` are an error. With
    ``shift=s`` the mean is taken of ``x + s`` and ``s`` is subtracted again,
    ``exp(sum(w * log(x + s)) / sum(w)) - s``, so that the result stays on the
    scale of ``X`` (a constant row keeps its value); ``x + s`` must be > 0. A
    common choice after a 0–100 min-max is ``shift=1``. The shift changes the
    result (a larger shift brings it closer to the arithmetic mean), so report it.

    Matches COINr's ``a_gmean(x, w)`` (which has no shift and also refuses
    values ``<= 0``).

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.
    shift
        Added to every value before, and subtracted after, taking the mean.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``.

    Raises
    ------
    InvalidDataError
        When a value plus ``shift`` is 0 or below.

    Examples
    --------
    >>> geometric([[1.0, 4.0], [4.0, 4.0]]).tolist()     # sqrt(1 * 4), sqrt(4 * 4)
    [2.0, 4.0]
    >>> geometric([[0.0], [8.0]], shift=1).round(12).tolist()   # sqrt(1 * 9) - 1
    [2.0]
    """
    A = _data(X) + shift
    _require(A, strict=True, method="the geometric mean", hint="pass shift= or normalise to > 0")
    shares, empty = _shares(A, weights)
    logs = np.log(np.where(np.isnan(A), 1.0, A))
    out = np.exp((shares * logs).sum(axis=-2)) - shift
    return np.where(empty, np.nan, out)


def harmonic(X: Data, weights: Data | None = None) -> FloatArray:
    """Weighted harmonic mean of the children: ``sum(w) / sum(w / x)``.

    Values must be > 0. COINr's ``a_hmean(x, w)`` has the same formula and
    refuses zeros; it lets negative values through, which give meaningless
    results, and here they are refused too.

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``.

    Raises
    ------
    InvalidDataError
        When a value is 0 or below.

    Examples
    --------
    >>> harmonic([[1.0], [3.0]]).tolist()             # 2 / (1/1 + 1/3)
    [1.5]
    >>> harmonic([[2.0], [4.0]], [3, 1]).tolist()      # 1 / (0.75/2 + 0.25/4)
    [2.2857142857142856]
    """
    A = _data(X)
    _require(A, strict=True, method="the harmonic mean", hint="normalise to > 0 first")
    shares, empty = _shares(A, weights)
    # The mean is homogeneous: taken of the values over a power of two of each unit's
    # smallest, so that 1 / x cannot overflow (a value of 5e-324); exact, same bits otherwise.
    s = _unit_scale(A, smallest=True)
    with np.errstate(over="ignore"):  # a value far above the smallest counts for 0
        inverse = (shares / np.where(np.isnan(A), 1.0, A / s)).sum(axis=-2)
    with np.errstate(divide="ignore"):
        out = s[..., 0, :] / inverse
    return np.where(empty, np.nan, out)


def _unit_scale(A: FloatArray, *, smallest: bool) -> FloatArray:
    """Per unit, a power of two near its smallest (or largest) value present, shape ``(..., 1, units)``.

    Power means are homogeneous (``M(c x) = c M(x)``): computed on ``A / s``
    and multiplied by ``s``, they keep ``x ** p`` and ``1 / x`` in range for
    values near the ends of the floats. 1 for a unit without values.
    """
    present = ~np.isnan(A)
    if smallest:
        end = np.where(present, np.abs(A), np.inf).min(axis=-2, keepdims=True)
    else:
        end = np.where(present, np.abs(A), 0.0).max(axis=-2, keepdims=True)
    ok = np.isfinite(end) & (end > 0)
    _, exponent = np.frexp(np.where(ok, end, 1.0))
    out: FloatArray = np.ldexp(1.0, np.where(ok, exponent - 1, 0))
    return out


def generalised(X: Data, weights: Data | None = None, *, p: float) -> FloatArray:
    """Weighted generalised (power) mean: ``(sum(w * x**p) / sum(w)) ** (1 / p)``.

    ``p = 1`` is the arithmetic mean, ``p = -1`` the harmonic mean, and the
    limit ``p -> 0`` the geometric mean, which is what ``p = 0`` gives; the
    mean grows with ``p``. For ``p < 0`` (and ``p = 0``) values must be > 0;
    for ``p > 0`` other than 1 they must be >= 0 (a negative number has no
    real power in general).

    Matches COINr's ``a_genmean(x, w, p)``, except that COINr refuses
    ``p = 0`` where this function returns the geometric mean.

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.
    p
        The exponent, a finite number.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``.

    Examples
    --------
    >>> generalised([[1.0], [7.0]], p=2).tolist()      # sqrt((1 + 49) / 2)
    [5.0]
    >>> generalised([[1.0], [4.0]], p=0).tolist()      # the geometric mean
    [2.0]
    """
    if not math.isfinite(p):
        msg = f"generalised: the exponent 'p' must be a finite number: {p}"
        raise DefinitionError(msg)
    if p == 0:
        return geometric(X, weights)
    if p == 1:
        return arithmetic(X, weights)
    A = _data(X)
    _require(
        A,
        strict=p < 0,
        method=f"the generalised mean with p = {p}",
        hint="normalise to a positive range first",
    )
    shares, empty = _shares(A, weights)
    # Homogeneous: over a power of two of each unit's largest value (p > 0) or smallest
    # (p < 0), so that x ** p neither overflows nor underflows to 0 for values near the
    # ends of the floats.
    s = _unit_scale(A, smallest=p < 0)
    with np.errstate(divide="ignore", over="ignore"):
        # A missing child has share 0; 1 in its place keeps 0 ** p (infinite for p < 0) out.
        powers = np.where(np.isnan(A), 1.0, A / s) ** p
        out = (shares * powers).sum(axis=-2) ** (1.0 / p) * s[..., 0, :]
    return np.where(empty, np.nan, out)


def median(X: Data, weights: Data | None = None) -> FloatArray:
    """Weighted median of the children.

    The rule: sort a unit's children present by value and accumulate their
    re-normalised weights. The median is the first value at which the
    cumulative weight reaches one half; when it lands *exactly* on one half
    (within a relative 1e-9), the median is the mean of that value and the next
    one with a positive weight. With equal weights this is the ordinary median
    (the mean of the two middle values for an even number of children), as in
    R's ``median``. Children of weight 0 never decide the median.

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``.

    Examples
    --------
    >>> median([[1.0], [5.0], [2.0], [9.0]]).tolist()   # (2 + 5) / 2
    [3.5]
    >>> median([[1.0], [5.0], [2.0]], [1, 3, 1]).tolist()  # cumulative 0.2, 0.4, 1.0 (sorted 1, 2, 5)
    [5.0]
    """
    A = _data(X)
    shares, empty = _shares(A, weights)
    shares = np.broadcast_to(shares, A.shape)
    order = np.argsort(A, axis=-2)  # NaN (weight 0) sort last
    values = np.take_along_axis(A, order, axis=-2)
    cumulative = np.take_along_axis(shares, order, axis=-2).cumsum(axis=-2)
    low = np.argmax(cumulative >= 0.5 - _HALF_TOLERANCE, axis=-2)[..., np.newaxis, :]
    high = np.argmax(cumulative > 0.5 + _HALF_TOLERANCE, axis=-2)[..., np.newaxis, :]
    lo = np.take_along_axis(values, low, axis=-2)[..., 0, :]
    hi = np.take_along_axis(values, high, axis=-2)[..., 0, :]
    with np.errstate(over="ignore"):
        middle = (lo + hi) / 2
    middle = np.where(np.isinf(middle), lo / 2 + hi / 2, middle)  # two values near 1.8e308
    return np.where(empty, np.nan, middle)


def copeland(X: Data, weights: Data | None = None) -> FloatArray:
    """Copeland score from the weighted pairwise comparison of units: wins minus losses.

    For each pair of units ``a`` and ``b``, the children where both have a value
    vote: ``a`` outranks ``b`` when the total weight of the children on which
    ``a`` is higher exceeds the total weight of those on which ``b`` is higher
    (equal values vote for neither; values within ``1e-9`` of the child's
    largest magnitude of each other are equal, and so are weight totals
    within ``1e-9`` of the children's total weight, so that rounding noise
    never decides a comparison). A unit's score is the number of units it
    outranks minus the number that outrank it, from ``-(units - 1)`` to
    ``units - 1``; higher is better. Only the order of values within each child
    matters, so the method is compensatory only through the weights. A unit with
    no value gets NaN, and its pairs count as ties for the others.

    With complete data this matches COINr's ``a_copeland(X, w)``, whose
    outranking matrix gives ``a`` over ``b`` the weight where ``a`` is higher
    plus half the weight where they are equal, and which scores +1 above one
    half and -1 below. With missing values COINr leaves the pair's missing
    children out of the sum but not of the one-half threshold; here they are
    left out of both sides.

    The pairwise comparison takes memory in ``children × units²`` per
    replication.

    Parameters
    ----------
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., units)``, whole numbers as floats.

    Examples
    --------
    >>> X = [[3.0, 2.0, 1.0],     # child 1: a > b > c
    ...      [1.0, 3.0, 2.0],     # child 2: b > c > a
    ...      [1.0, 2.0, 3.0]]     # child 3: c > b > a
    >>> copeland(X).tolist()      # b beats a and c (2 votes to 1); c beats a
    [-2.0, 2.0, 0.0]
    >>> copeland(X, [3, 1, 1]).tolist()   # child 1 outweighs the other two together
    [2.0, 0.0, -2.0]
    """
    A = _data(X)
    w = np.broadcast_to(_weights(weights, A), A.shape)
    empty = np.isnan(A).all(axis=-2)
    # Each child's values as tie groups, so that values within the tie tolerance are equal.
    G = dense_groups(A)
    # votes[..., k, a, b] = sign(g_ka - g_kb), 0 where either is missing.
    votes = np.sign(G[..., :, :, np.newaxis] - G[..., :, np.newaxis, :])
    votes = np.where(np.isnan(votes), 0.0, votes)
    margin = (w[..., :, :, np.newaxis] * votes).sum(axis=-3)
    # A margin within the tolerance of the total weight is a tie (0.1 + 0.2 - 0.3 is not 0).
    total = w.sum(axis=-2)[..., :, np.newaxis]
    margin = np.where(np.abs(margin) <= RTOL * total, 0.0, margin)
    out = np.sign(margin).sum(axis=-1)
    return np.where(empty, np.nan, out)


def _distinct_rows(keys: IntArray) -> tuple[IntArray, IntArray]:
    """The first row of each distinct row of ``keys`` (whole numbers), and each row's one.

    Rows are told apart by a hash (a product with fixed odd numbers, modulo
    2**64), then checked: if two different rows shared a hash, the rows are
    sorted as they are (slower, the same answer).
    """
    whole = keys
    if len(whole) and whole.shape[1]:
        mixer = np.random.default_rng(0x5EED).integers(1, 2**62, size=whole.shape[1]) * 2 + 1
        hashed = (whole * mixer).sum(axis=1)
        _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        if np.array_equal(whole[first][inverse], whole):
            return first, inverse
    _, first, inverse = np.unique(whole, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


#: Bound on the values held at once by :func:`_copeland_batched` (pairs x children x rows).
_PAIR_CELLS = 1 << 21


def _copeland_batched(X: Data, weights: Data | None = None) -> FloatArray:
    """:func:`copeland` for many rows at once (replications x nodes), the same values, faster.

    ``X`` has shape ``(..., children, units)`` and ``weights`` broadcasts
    against it as for :func:`copeland`. A pair's comparison depends only on
    its *vote pattern* (the sign of the difference on each child) and on the
    weights, and the patterns depend only on the children's tie groups. So:

    * the rows whose tie groups are the same (in an uncertainty analysis,
      every replication of the leaves' level, and most of the level above)
      are compared once, for all pairs of units;
    * each distinct pattern's weighted margin is taken once per row (with the
      same products and additions, in the same order, as :func:`copeland`, so
      it ties and wins exactly as there), and a unit's score is its count of
      pairs of each pattern times the patterns' signs (whole numbers: exact).

    Where the patterns are too many for that to pay (more than ``children
    x units``), each row's margins are summed pair by pair as in
    :func:`copeland`, a bounded block of rows at a time.

    Examples
    --------
    >>> X = [[[3.0, 2.0, 1.0], [1.0, 3.0, 2.0], [1.0, 2.0, 3.0]]] * 2
    >>> _copeland_batched(X, [[[3], [1], [1]], [[1], [1], [1]]]).tolist()
    [[2.0, 0.0, -2.0], [-2.0, 2.0, 0.0]]
    """
    A = _data(X)
    shape = A.shape
    m, U = shape[-2], shape[-1]
    w_full = np.broadcast_to(_weights(weights, A), shape)
    # The children's total weight, by the same reduction as copeland (per row).
    total = w_full.sum(axis=-2)[..., 0].reshape(-1)
    w = np.ascontiguousarray(w_full[..., 0]).reshape(-1, m)
    empty = np.isnan(A).all(axis=-2).reshape(-1, U)
    flat_a = A.reshape(-1, m, U)
    rows = flat_a.shape[0]
    # A child's votes depend only on its values: each child's distinct rows compared once.
    votes, which = [], []
    for j in range(m):
        raw = np.where(np.isnan(flat_a[:, j]), np.nan, flat_a[:, j]) + 0.0  # one NaN, no -0.0
        first, inverse = _distinct_rows(raw.view(np.int64))
        g = dense_groups(raw[first])
        with np.errstate(invalid="ignore"):
            v = np.sign(g[:, :, np.newaxis] - g[:, np.newaxis, :])
        votes.append(np.where(np.isnan(v), 0.0, v))
        which.append(inverse.reshape(-1))
    # The rows whose children are all the same have the same votes.
    stacked = np.stack(which, axis=1)
    first, row_combo = _distinct_rows(stacked)
    combos = stacked[first]
    D = len(combos)
    score = np.empty((rows, U))
    block = max(1, _PAIR_CELLS // (U * U))
    if m <= 39:  # a pattern as a whole number in base 3 (3**39 < 2**63)
        codes = np.empty((D, U, U), dtype=np.int64)
        for start in range(0, D, block):
            some = combos[start : start + block]
            c = votes[0][some[:, 0]].astype(np.int64) + 1
            for j in range(1, m):
                c *= 3
                c += votes[j][some[:, j]].astype(np.int64) + 1
            codes[start : start + block] = c
        if m <= 10:  # at most 3**10 patterns: found by counting, not by sorting
            seen = np.bincount(codes.ravel(), minlength=3**m) > 0
            patterns = np.flatnonzero(seen)
            inverse = (np.cumsum(seen) - 1)[codes]
        else:
            patterns, inverse = np.unique(codes, return_inverse=True)
        Q = len(patterns)
        if m * U >= Q:
            digits = np.empty((Q, m))
            rest = patterns.copy()
            for j in range(m - 1, -1, -1):
                digits[:, j] = rest % 3 - 1
                rest //= 3
            # Each pattern's margin: the same products, added in the same order, as copeland.
            margin = w[:, 0, np.newaxis] * digits[:, 0]
            for j in range(1, m):
                margin += w[:, j, np.newaxis] * digits[:, j]
            margin = np.where(np.abs(margin) <= RTOL * total[:, np.newaxis], 0.0, margin)
            signs = np.sign(margin)
            pattern = inverse.reshape(D, U * U)
            if Q < U:  # a unit's count of pairs of each pattern, times the patterns' signs
                unit = np.repeat(np.arange(U), U)
                flat = (np.arange(D)[:, np.newaxis] * U + unit) * Q + pattern
                counts = np.bincount(flat.ravel(), minlength=D * U * Q).reshape(D, U, Q)
                per = max(1, _PAIR_CELLS // (U * Q))
                for start in range(0, rows, per):
                    part = slice(start, start + per)
                    score[part] = np.einsum("ruq,rq->ru", counts[row_combo[part]], signs[part])
            else:  # each pair's sign looked up by its pattern
                per = max(1, _PAIR_CELLS // (U * U))
                for start in range(0, rows, per):
                    part = slice(start, start + per)
                    looked = np.take_along_axis(signs[part], pattern[row_combo[part]], axis=1)
                    score[part] = looked.reshape(-1, U, U).sum(axis=-1)
            return np.where(empty, np.nan, score).reshape((*shape[:-2], U))
    # Too many patterns: each row's margins pair by pair, a bounded block of rows at a time.
    per = max(1, block // m)
    for start in range(0, rows, per):
        part = slice(start, start + per)
        pick = combos[row_combo[part]]
        margins = w[part, 0, np.newaxis, np.newaxis] * votes[0][pick[:, 0]]
        for j in range(1, m):
            margins += w[part, j, np.newaxis, np.newaxis] * votes[j][pick[:, j]]
        tie = np.abs(margins) <= RTOL * total[part, np.newaxis, np.newaxis]
        score[part] = np.sign(np.where(tie, 0.0, margins)).sum(axis=-1)
    return np.where(empty, np.nan, score).reshape((*shape[:-2], U))


#: The aggregators by name, in alphabetical order.
AGGREGATORS: Mapping[str, Callable[..., FloatArray]] = MappingProxyType(
    {
        "arithmetic": arithmetic,
        "copeland": copeland,
        "generalised": generalised,
        "geometric": geometric,
        "harmonic": harmonic,
        "median": median,
    }
)


@attrs.frozen
class Aggregation:
    """The result of :func:`aggregate`: the values and why some are missing.

    Parameters
    ----------
    method
        The aggregator's name.
    values
        The aggregated values, shape ``(..., units)``; NaN where no value.
    share
        The share of the children with a value, per unit, shape ``(..., units)``.
    insufficient
        ``True`` where the unit got NaN because ``share < min_share``.

    Examples
    --------
    >>> r = aggregate("median", [[1.0, 2.0], [3.0, float("nan")]], min_share=0.75)
    >>> r
    Aggregation('median', 2 values, 1 insufficient)
    >>> r.values.tolist(), r.share.tolist(), r.insufficient.tolist()
    ([2.0, nan], [1.0, 0.5], [False, True])
    """

    method: str
    values: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    share: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    insufficient: BoolArray = attrs.field(converter=readonly, eq=ARRAY_EQ)

    def __repr__(self) -> str:
        return (
            f"Aggregation({self.method!r}, {counted(self.values.size, 'value')}, "
            f"{int(self.insufficient.sum())} insufficient)"
        )


def aggregate(
    method: str,
    X: Data,
    weights: Data | None = None,
    *,
    min_share: float | None = None,
    **kwargs: Any,
) -> Aggregation:
    """Aggregate the children of ``X`` with the aggregator named ``method``, with a data threshold.

    A unit whose share of children with a value (counted, not weighted) is
    below ``min_share`` gets NaN, and :attr:`Aggregation.insufficient` is
    ``True`` for it, so the reason is kept. This is COINr's ``dat_thresh``. The
    other units are aggregated over the children present, with re-normalised
    weights (see the module notes). For ``copeland``, units below the
    threshold also take no part in the comparisons.

    Parameters
    ----------
    method
        A name in :data:`AGGREGATORS`.
    X
        The data, shape ``(..., children, units)``; NaN = missing.
    weights
        One weight per child; ``None`` = equal weights.
    min_share
        The least share of children with a value, from 0 to 1; ``None`` (the
        default) = any unit with at least one child present gets a value.
    **kwargs
        The aggregator's own arguments (``p`` for ``generalised``, ``shift``
        for ``geometric``).

    Returns
    -------
    Aggregation

    Raises
    ------
    DefinitionError
        For an unknown method (the message lists the known ones) or a
        ``min_share`` outside 0–1.

    Examples
    --------
    >>> X = [[4.0, 1.0, float("nan")],
    ...      [9.0, 1.0, float("nan")],
    ...      [1.0, float("nan"), 2.0]]
    >>> r = aggregate("generalised", X, [1, 1, 2], p=0, min_share=0.5)
    >>> r.values.round(6).tolist(), r.share.round(3).tolist(), r.insufficient.tolist()
    ([2.44949, 1.0, nan], [1.0, 0.667, 0.333], [False, False, True])
    >>> aggregate("mean", X)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown aggregation method 'mean'; the methods are arithmetic, copeland, generalised, geometric, harmonic, median
    """
    try:
        function = AGGREGATORS[method]
    except KeyError:
        msg = f"unknown aggregation method {method!r}; the methods are {', '.join(AGGREGATORS)}"
        raise DefinitionError(msg) from None
    if min_share is not None and not 0 <= min_share <= 1:
        msg = f"aggregate: 'min_share' must be from 0 to 1: {min_share}"
        raise DefinitionError(msg)
    A = _data(X)
    share = (~np.isnan(A)).mean(axis=-2)
    insufficient = np.zeros(share.shape, dtype=bool) if min_share is None else share < min_share
    masked = np.where(insufficient[..., np.newaxis, :], np.nan, A)
    values = function(masked, weights, **kwargs)
    return Aggregation(method, values=values, share=share, insufficient=insufficient)


def equal_weights(n: int) -> FloatArray:
    """Return ``n`` equal weights summing to 1.

    Parameters
    ----------
    n
        The number of children, at least 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.

    Examples
    --------
    >>> equal_weights(4).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        msg = f"equal_weights: 'n' must be a whole number >= 1: {n!r}"
        raise DefinitionError(msg)
    return np.full(int(n), 1.0 / n)


def normalise_weights(weights: Data, *, axis: int = -1) -> FloatArray:
    """Scale weights to sum to 1 along ``axis``.

    Parameters
    ----------
    weights
        Relative weights, >= 0 and not all 0 (along ``axis``).
    axis
        The axis of the children; the last by default.

    Returns
    -------
    numpy.ndarray
        The shape of ``weights``.

    Raises
    ------
    DefinitionError
        For a negative or non-finite weight, or weights summing to 0; the
        message names the values.

    Examples
    --------
    >>> normalise_weights([2, 1, 1]).tolist()
    [0.5, 0.25, 0.25]
    >>> normalise_weights([1, -1])
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: weights must be >= 0: [-1.0] are negative (weights [1.0, -1.0])
    """
    w = np.array(weights, dtype=np.float64, ndmin=1)
    _check_weights(w)
    try:
        largest = w.max(axis=axis, keepdims=True, initial=0.0)
    except np.exceptions.AxisError as err:
        msg = f"axis {axis} is not valid for weights of shape {w.shape}: {err}"
        raise DefinitionError(msg) from None
    if (largest == 0).any():
        msg = f"weights must not sum to 0: {w.tolist()}"
        raise DefinitionError(msg)
    # Scaled by a power of two of the largest first, so the sum neither overflows nor
    # underflows: [1e308, 1e308] gives [0.5, 0.5].
    w = _pow2_scaled(w, largest)
    out: FloatArray = w / w.sum(axis=axis, keepdims=True)
    return out


def effective_weights(tree_weights: Mapping[str, tuple[str, float]]) -> dict[str, float]:
    """Effective weight of every node: the product of the weights down the tree from its root.

    At each node the weights of its children are first normalised to sum to 1,
    so a child's effective weight is its share among its siblings times its
    parent's effective weight. A root (a parent that is nobody's child) has
    effective weight 1, and the effective weights of the leaves under a root sum
    to 1. This is the influence each indicator has on the index under the
    arithmetic mean (COINr's ``get_eff_weights``).

    Parameters
    ----------
    tree_weights
        ``child -> (parent, weight)`` for every node but the roots.

    Returns
    -------
    dict
        ``node -> effective weight``, the roots first, then the children in the
        order given.

    Raises
    ------
    DefinitionError
        For a cycle, a node that is its own parent, a negative weight, or
        siblings whose weights sum to 0.

    Examples
    --------
    >>> tree = {"d1": ("index", 2), "d2": ("index", 1),
    ...         "a": ("d1", 1), "b": ("d1", 1), "c": ("d2", 5)}
    >>> {k: round(v, 4) for k, v in effective_weights(tree).items()}
    {'index': 1.0, 'd1': 0.6667, 'd2': 0.3333, 'a': 0.3333, 'b': 0.3333, 'c': 0.3333}
    """
    largest: dict[str, float] = {}
    for child, (parent, weight) in tree_weights.items():
        w = float(weight)
        if not math.isfinite(w) or w < 0:
            msg = f"effective_weights: the weight of {child!r} must be a number >= 0: {weight!r}"
            raise DefinitionError(msg, code=child)
        largest[parent] = max(largest.get(parent, 0.0), w)
    # Each family's weights scaled by a power of two of its largest (exact), so that their
    # sum neither overflows (1e308 + 1e308) nor loses subnormal weights.
    shift = {p: 1 - math.frexp(m)[1] if m > 0 else 0 for p, m in largest.items()}
    scaled = {c: math.ldexp(float(w), shift[p]) for c, (p, w) in tree_weights.items()}
    siblings: dict[str, float] = {}
    for child, (parent, _) in tree_weights.items():
        siblings[parent] = siblings.get(parent, 0.0) + scaled[child]
    for parent, total in siblings.items():
        if total == 0:
            children = [c for c, (p, _) in tree_weights.items() if p == parent]
            msg = (
                f"effective_weights: the weights of the children of {parent!r} sum to 0: {children}"
            )
            raise DefinitionError(msg, code=parent)
    roots = [p for p in siblings if p not in tree_weights]
    out: dict[str, float] = dict.fromkeys(roots, 1.0)

    def resolve(node: str, path: tuple[str, ...]) -> float:
        if node in out:
            return out[node]
        if node in path:
            cycle = " -> ".join((*path[path.index(node) :], node))
            msg = f"effective_weights: the tree has a cycle: {cycle}"
            raise DefinitionError(msg, code=node)
        parent, _ = tree_weights[node]
        value = scaled[node] / siblings[parent] * resolve(parent, (*path, node))
        out[node] = value
        return value

    for node in tree_weights:
        resolve(node, ())
    return {node: out[node] for node in [*roots, *tree_weights]}


#: The kinds of PCA weights :func:`pca_weights` gives.
PCA_KINDS = ("squared", "signed")


def pca_weights(X: Data, *, kind: str = "squared") -> FloatArray:
    """Weights from the first principal component: its squared (or signed) loadings.

    Each child (indicator) is standardised over the units, and the first
    principal component is the eigenvector of the children's correlation
    matrix with the largest eigenvalue. Its loadings squared sum to 1 and are
    the weights. An eigenvector's sign is arbitrary; squaring removes it, so the
    weights do not depend on it. A child that loads *negatively* (runs against
    the others) still gets a positive weight, so apply each indicator's
    direction at normalisation, before this. This is the simplest PCA scheme;
    the OECD/JRC Handbook's variant (several rotated components, scaled by the
    variance they explain) is not implemented.

    ``kind="signed"`` gives the loadings themselves, as COINr's ``get_PCA``
    reports its weights: the unit-length eigenvector, whose squares sum to 1
    and whose entries can be negative. An eigenvector's sign is arbitrary
    (COINr's comes from R's ``prcomp``); here it is fixed so that the
    loadings sum to a non-negative number (a tie at zero is broken by
    making the first non-zero loading positive). Signed loadings cannot be
    used as aggregation weights when one is negative, which is why
    ``weights="pca"`` in :func:`~cchc_indicators.composite.compute_index`
    uses the squared ones.

    Parameters
    ----------
    X
        Complete data, shape ``(..., children, units)``, with at least two
        units; leading axes give one set of weights each.
    kind
        ``"squared"`` (the default: squared loadings, summing to 1) or
        ``"signed"`` (the loadings, their squares summing to 1).

    Returns
    -------
    numpy.ndarray
        Shape ``(..., children)``: each row sums to 1 (``"squared"``) or
        has unit length (``"signed"``).

    Raises
    ------
    DefinitionError
        For an unknown ``kind``.
    InvalidDataError
        When a value is missing (impute first) or a child is constant over the
        units (it has no correlation).

    Examples
    --------
    >>> X = [[1.0, 2.0, 3.0, 4.0],
    ...      [2.0, 4.0, 6.0, 8.0],     # perfectly correlated with the first
    ...      [1.0, 1.0, 2.0, 1.0]]
    >>> pca_weights(X).round(3).tolist()
    [0.452, 0.452, 0.096]
    >>> pca_weights(X, kind="signed").round(3).tolist()
    [0.672, 0.672, 0.31]
    """
    if kind not in PCA_KINDS:
        msg = f"pca_weights: unknown kind {kind!r}; use one of {', '.join(map(repr, PCA_KINDS))}"
        raise DefinitionError(msg, parameter="kind")
    A = _data(X)
    if np.isnan(A).any():
        msg = f"pca_weights needs complete data: {int(np.isnan(A).sum())} value(s) are missing; impute them first"
        raise InvalidDataError([Problem(msg, kind="missing")], source="<array>")
    if A.shape[-1] < 2:
        msg = f"pca_weights needs at least 2 units: got {A.shape[-1]}"
        raise InvalidDataError([Problem(msg, kind="too_few_units")], source="<array>")
    centred = A - A.mean(axis=-1, keepdims=True)
    sd = np.sqrt((centred**2).sum(axis=-1, keepdims=True) / (A.shape[-1] - 1))
    if (sd == 0).any():
        rows = np.argwhere(sd[..., 0] == 0)[:, -1].tolist()
        msg = f"pca_weights: child(ren) {sorted(set(rows))} are constant over the units"
        raise InvalidDataError([Problem(msg, kind="constant")], source="<array>")
    Z = centred / sd
    corr = Z @ np.swapaxes(Z, -1, -2) / (A.shape[-1] - 1)
    _, vectors = np.linalg.eigh(corr)
    first = vectors[..., :, -1]
    if kind == "signed":
        total = first.sum(axis=-1, keepdims=True)
        scale = np.sqrt((first**2).sum(axis=-1, keepdims=True))
        # The sum is 0 only up to rounding when the loadings balance out:
        # then the first clearly non-zero loading decides the sign.
        balanced = np.abs(total) <= 1e-12 * scale
        leading = np.take_along_axis(
            first, np.argmax(np.abs(first) > 1e-12 * scale, axis=-1)[..., None], axis=-1
        )
        sign = np.where(balanced, np.sign(leading), np.sign(total))
        signed: FloatArray = first * np.where(sign == 0, 1.0, sign)
        return signed
    squared: FloatArray = first**2
    weights: FloatArray = squared / squared.sum(axis=-1, keepdims=True)
    return weights
