"""Normalisation of indicators onto a common scale, for many indicators and replications at once.

Every normaliser takes an array ``X`` of shape ``(..., units)``: the **last axis
is the units** (provinces, districts, ...), and any leading axes are indicators,
periods or Monte Carlo replications. NaN marks a missing value and stays NaN.
Each function works on the whole array in one vectorised numpy pass and
returns a new float array of the shape of ``X``.

Methods
    :func:`minmax` (to any range, default 0–100), :func:`zscore`,
    :func:`goalposts` (fixed bounds, optionally truncated), :func:`distance_to_target`
    (capped at the target), :func:`distance_to_best`, :func:`percentile_rank`,
    :func:`rank` (1 = best) and :func:`none`. :func:`normalise` calls one by its
    name in :data:`NORMALISERS`.

Direction
    ``direction`` is ``+1`` (higher is better, the default) or ``-1`` (lower is
    better), one per indicator row: a scalar, or an array that broadcasts
    against ``X.shape[:-1]`` (so, for ``X`` of shape ``(indicators, units)``,
    an array of shape ``(indicators,)``). It is applied **exactly once**, at the
    entry of each normaliser, by multiplying the values (and, in the same step,
    the parameters, goalposts and targets, which are always given in the raw
    units of the data) by the direction. Every method then scores "higher is
    better", so every result, ranks included, reads "higher score = better",
    except :func:`rank`, where 1 is the best. Do not reverse an indicator
    before normalising it *and* pass ``direction=-1``: that reverses it twice.

Parameters from the data, or fixed
    By default the minimum, maximum, mean and standard deviation are computed
    per row over the units. To make periods comparable, compute them once over
    the whole panel with :func:`fit_params` (e.g. over the period and unit axes)
    and pass them as ``params=``; a :class:`Params` object can also hold fixed,
    published values.

Zero range
    Where an indicator does not vary (maximum = minimum, or a standard deviation
    of 0), no unit is better than another: :func:`minmax` gives every unit the
    **midpoint** of the target range (50 by default) and :func:`zscore` gives the
    target mean (0 by default). The midpoint, not NaN, is chosen so that a
    constant indicator neither drops units from an aggregate nor favours any of
    them; it weighs the same for every unit, so ranks do not change.

Extreme values
    Values anywhere in the range of floats are normalised without overflow:
    ``minmax([-1e308, 0, 1e308])`` is ``[0, 50, 100]`` although the range
    (2e308) is not a float, and the z-scores of 1e300, 2e300, 3e300 are -1,
    0, 1 although their squares are not. A result that is itself beyond the
    largest float (fixed parameters far from the data) is an
    :class:`~cchc_indicators.core.errors.InvalidDataError` of kind ``overflow``,
    never ``inf`` or NaN.

Sources
    * OECD/JRC, *Handbook on Constructing Composite Indicators: Methodology and
      User Guide* (2008), section 1.5 and table 3 (normalisation methods).
    * The JRC's COINr package for R, ``R/normalise.R`` and the normalisation
      vignette, https://bluefoxr.github.io/COINr/articles/normalise.html. Where
      our names coincide with COINr's (``n_minmax``, ``n_zscore``,
      ``n_goalposts``, ``n_dist2targ``, ``n_dist2max``, ``n_prank``, ``n_rank``)
      the definitions match, with the differences noted in each function.

.. versionadded:: 0.1.0

Examples
--------
>>> import numpy as np
>>> from cchc_indicators import normalise as nz
>>> X = np.array([[10.0, 20.0, 30.0],      # higher is better
...               [5.0, 1.0, np.nan]])     # lower is better; third unit missing
>>> nz.minmax(X, direction=[1, -1]).tolist()
[[0.0, 50.0, 100.0], [0.0, 100.0, nan]]
>>> nz.normalise("rank", X, direction=[1, -1]).tolist()
[[3.0, 2.0, 1.0], [2.0, 1.0, nan]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._ties import ascending_counts
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem

__all__ = [
    "NORMALISERS",
    "TIES",
    "Params",
    "distance_to_best",
    "distance_to_target",
    "fit_params",
    "goalposts",
    "minmax",
    "none",
    "normalise",
    "percentile_rank",
    "rank",
    "zscore",
]

FloatArray = NDArray[np.float64]
Ties = Literal["average", "min", "max"]
Data = float | Sequence[Any] | NDArray[Any]  # numbers: a scalar, nested lists or an array

#: The tie rules of :func:`rank` and :func:`percentile_rank`.
TIES: tuple[str, ...] = ("average", "min", "max")


def _optional_array(value: Data | None) -> FloatArray | None:
    if value is None:
        return None
    out = np.array(value, dtype=np.float64)
    out.flags.writeable = False
    return out


def _same(a: FloatArray | None, b: FloatArray | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b, equal_nan=True))


@attrs.frozen
class Params:
    """Normalisation parameters in the raw units of the data, fitted or fixed.

    Each field is an array that broadcasts against the data ``X`` (or ``None``
    when not given); :func:`fit_params` keeps the reduced axes with length 1,
    so its fields broadcast as they are. A normaliser that needs a field that is
    ``None`` raises :class:`~cchc_indicators.core.errors.DefinitionError`.

    Parameters
    ----------
    min, max
        The worst and best raw values for :func:`minmax`,
        :func:`distance_to_target` and :func:`distance_to_best` (for an
        indicator where lower is better, ``max`` is the worst).
    mean, sd
        The mean and standard deviation for :func:`zscore`.

    Examples
    --------
    >>> p = Params(min=[0.0, 10.0], max=[100.0, 20.0])
    >>> p.max.tolist(), p.mean is None
    ([100.0, 20.0], True)
    >>> Params(min=5, max=1)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: Params: 'min' must be <= 'max': 5.0 > 1.0
    """

    min: FloatArray | None = attrs.field(
        default=None, converter=_optional_array, eq=attrs.cmp_using(eq=_same)
    )
    max: FloatArray | None = attrs.field(
        default=None, converter=_optional_array, eq=attrs.cmp_using(eq=_same)
    )
    mean: FloatArray | None = attrs.field(
        default=None, converter=_optional_array, eq=attrs.cmp_using(eq=_same)
    )
    sd: FloatArray | None = attrs.field(
        default=None, converter=_optional_array, eq=attrs.cmp_using(eq=_same)
    )

    def __repr__(self) -> str:
        given = [f for f in ("min", "max", "mean", "sd") if getattr(self, f) is not None]
        shape = next((getattr(self, f).shape for f in given), ())
        return f"Params({', '.join(given) or 'none'}; shape {shape})"

    def __attrs_post_init__(self) -> None:
        if self.min is not None and self.max is not None:
            try:
                lo, hi = np.broadcast_arrays(self.min, self.max)
            except ValueError:
                msg = f"Params: 'min' and 'max' have shapes {self.min.shape} and {self.max.shape}, which do not broadcast"
                raise DefinitionError(msg) from None
            bad = lo > hi
            if bad.any():
                msg = f"Params: 'min' must be <= 'max': {lo[bad].flat[0]} > {hi[bad].flat[0]}"
                raise DefinitionError(msg)
        if self.sd is not None and (self.sd < 0).any():
            msg = f"Params: 'sd' must be >= 0: {self.sd[self.sd < 0].flat[0]}"
            raise DefinitionError(msg)


def _data(X: Data) -> FloatArray:
    """``X`` as a new float array of at least one dimension; infinite values are refused."""
    try:
        out = np.array(X, dtype=np.float64, ndmin=1)
    except (TypeError, ValueError) as err:
        msg = f"X must be an array of numbers: {err}"
        raise InvalidDataError([Problem(msg, kind="not_numeric")], source="<array>") from None
    if np.isinf(out).any():
        msg = f"X holds {int(np.isinf(out).sum())} infinite value(s); use NaN for a missing value"
        raise InvalidDataError([Problem(msg, kind="infinite")], source="<array>")
    return out


def _per_row(value: Data, X: FloatArray, name: str) -> FloatArray:
    """A per-indicator value (scalar, or broadcasting against ``X.shape[:-1]``) as a column."""
    arr = np.asarray(value, dtype=np.float64)
    col = arr[..., np.newaxis]
    try:
        shape = np.broadcast_shapes(col.shape, X.shape)
    except ValueError:
        shape = ()
    if shape != X.shape:
        msg = f"{name!r} of shape {arr.shape} does not broadcast against X.shape[:-1] = {X.shape[:-1]}"
        raise DefinitionError(msg)
    return col


def _direction(direction: Data, X: FloatArray) -> FloatArray:
    d = _per_row(direction, X, "direction")
    if not np.isin(d, (1.0, -1.0)).all():
        bad = d[~np.isin(d, (1.0, -1.0))].flat[0]
        msg = f"'direction' must be +1 (higher is better) or -1 (lower is better): {bad}"
        raise DefinitionError(msg)
    return d


def _param(params: Params, name: str, X: FloatArray) -> FloatArray:
    value: FloatArray | None = getattr(params, name)
    if value is None:
        msg = f"params has no {name!r}; give it, or use fit_params()"
        raise DefinitionError(msg)
    try:
        shape = np.broadcast_shapes(value.shape, X.shape)
    except ValueError:
        shape = ()
    if shape != X.shape:
        msg = (
            f"params.{name} of shape {value.shape} does not broadcast against X of shape {X.shape}"
        )
        raise DefinitionError(msg)
    return value


def _range(X: FloatArray, d: FloatArray, params: Params | None) -> tuple[FloatArray, FloatArray]:
    """The oriented worst and best values: from ``params`` or over the units of each row."""
    if params is None:
        params = fit_params(X)
    lo, hi = _param(params, "min", X), _param(params, "max", X)
    # Orient the raw bounds in the same step as the data: for d = -1, -max is the worst.
    return np.where(d > 0, lo, -hi), np.where(d > 0, hi, -lo)


def _pow2_below(largest: FloatArray) -> FloatArray:
    """A power of two ``s`` with ``largest / s`` in [1, 2) (1 where ``largest`` is 0 or NaN).

    Dividing by a power of two is exact (short of the subnormal range), so a
    computation done on ``X / s`` and scaled back gives the same bits as on
    ``X`` wherever that does not overflow, and a representable result where
    it does.
    """
    ok = np.isfinite(largest) & (largest > 0)
    _, exponent = np.frexp(np.where(ok, largest, 1.0))
    out: FloatArray = np.where(ok, np.ldexp(1.0, exponent - 1), 1.0)
    return out


def _ratio(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray) -> FloatArray:
    """``(a - b) / (c - d)``, without overflow where the result is representable.

    Computed as written; where a difference overflows (``1e308 - -1e308``),
    again from halves (``(a/2 - b/2) / (c/2 - d/2)``), which is the same
    ratio. Halving is exact for such large numbers, and the first form is
    kept everywhere else, so ordinary results are unchanged to the bit.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        top, bottom = a - b, c - d
        out: FloatArray = top / bottom
        redo = (np.isinf(top) | np.isinf(bottom)) & ~np.isnan(top) & ~np.isnan(bottom)
        if redo.any():
            halves = (a * 0.5 - b * 0.5) / (c * 0.5 - d * 0.5)
            out = np.where(redo, halves, out)
    return out


def _representable(out: FloatArray, A: FloatArray, method: str) -> FloatArray:
    """Refuse a result that overflowed (infinite or NaN where the value was a number)."""
    bad = ~np.isfinite(out) & ~np.isnan(np.broadcast_to(A, out.shape))
    if bad.any():
        first = np.broadcast_to(A, out.shape)[bad].flat[0]
        msg = (
            f"{method}: the result for {int(bad.sum())} value(s) (first: {first!r}) is beyond "
            "the largest float (about 1.8e308); rescale the data or the parameters"
        )
        raise InvalidDataError([Problem(msg, kind="overflow")], source="<array>")
    return out


def _moments(
    A: FloatArray, axis: int | tuple[int, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Count, scale ``s`` (a power of two), mean / ``s`` and sd / ``s`` over ``axis`` (NaN left out).

    The sums are taken of ``A / s``, ``s`` the power of two just below the
    largest magnitude, so they cannot overflow (``[1e308, 1e308]`` has mean
    1e308, and the squares of 1e300 do not reach infinity). The mean is
    taken as the smallest value plus the mean of the excesses over it, so
    that a constant row's mean is its value exactly.
    """
    missing = np.isnan(A)
    n = (~missing).sum(axis=axis, keepdims=True)
    largest = np.where(missing, 0.0, np.abs(A)).max(axis=axis, keepdims=True, initial=0.0)
    scale = _pow2_below(largest)
    S = A / scale
    # Summed from the smallest value, so that a constant row has its value as its mean
    # exactly (and a standard deviation of 0), not a mean one rounding away from it.
    low = np.where(missing, np.inf, S).min(axis=axis, keepdims=True, initial=np.inf)
    low = np.where(np.isfinite(low), low, 0.0)
    total = np.where(missing, 0.0, S - low).sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = low + total / n
        squares = np.where(missing, 0.0, (S - mean) ** 2).sum(axis=axis, keepdims=True)
        sd = np.sqrt(squares / (n - 1))
    return n, scale, mean, np.where(n < 2, np.nan, sd)


def fit_params(X: Data, *, axis: int | tuple[int, ...] = -1) -> Params:
    """Compute the minimum, maximum, mean and standard deviation of ``X`` over ``axis``.

    Missing values (NaN) are left out. The reduced axes are kept with length 1,
    so the result broadcasts against ``X``. The standard deviation is the sample
    one (``ddof=1``), as R's ``sd`` and COINr use; with fewer than two values it
    is NaN, and with no values every field is NaN.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``.
    axis
        The axis or axes to reduce: ``-1`` (the default) gives one set of
        parameters per row; ``(0, -1)`` for ``X`` of shape
        ``(periods, indicators, units)`` gives one set per indicator over the
        whole panel, so that normalised values are comparable across periods.

    Returns
    -------
    Params

    Examples
    --------
    >>> import numpy as np
    >>> panel = np.array([[[1.0, 3.0]], [[5.0, np.nan]]])   # 2 periods, 1 indicator, 2 units
    >>> p = fit_params(panel, axis=(0, -1))
    >>> p.min.tolist(), p.max.tolist(), p.mean.tolist(), p.sd.tolist()
    ([[[1.0]]], [[[5.0]]], [[[3.0]]], [[[2.0]]])
    >>> minmax(panel, params=p).tolist()
    [[[0.0, 50.0]], [[100.0, nan]]]
    """
    A = _data(X)
    try:
        n, scale, mean, sd = _moments(A, axis)
    except (np.exceptions.AxisError, ValueError) as err:
        msg = f"axis {axis!r} is not valid for X of shape {A.shape}: {err}"
        raise DefinitionError(msg) from None
    missing = np.isnan(A)
    empty = n == 0
    lo = np.where(missing, np.inf, A).min(axis=axis, keepdims=True, initial=np.inf)
    hi = np.where(missing, -np.inf, A).max(axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(over="ignore"):
        sd = sd * scale
    if np.isinf(sd).any():
        msg = (
            "fit_params: a standard deviation is beyond the largest float (about 1.8e308): "
            f"{int(np.isinf(sd).sum())} row(s) of values spread too wide; rescale the data"
        )
        raise InvalidDataError([Problem(msg, kind="overflow")], source="<array>")
    return Params(
        min=np.where(empty, np.nan, lo),
        max=np.where(empty, np.nan, hi),
        mean=np.where(empty, np.nan, mean * scale),
        sd=sd,
    )


def minmax(
    X: Data,
    *,
    low: float = 0.0,
    high: float = 100.0,
    direction: Data = 1,
    params: Params | None = None,
) -> FloatArray:
    """Rescale each row linearly so that its worst value maps to ``low`` and its best to ``high``.

    ``low + (x - min) / (max - min) * (high - low)``, with ``min`` and ``max``
    over the units of each row, or from ``params``. Matches COINr's
    ``n_minmax(x, l_u = c(low, high))``; COINr has no zero-range rule, here a row
    with ``max == min`` gets the midpoint ``(low + high) / 2`` (see the module
    notes). With fixed ``params``, values outside ``[min, max]`` land outside
    ``[low, high]``.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    low, high
        The target range, ``low < high``.
    direction
        ``+1`` or ``-1`` per row (see the module notes).
    params
        Fixed or panel-wide ``min`` and ``max`` (:func:`fit_params`).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> minmax([2.0, 4.0, 6.0]).tolist()
    [0.0, 50.0, 100.0]
    >>> minmax([2.0, 4.0, 6.0], low=1, high=10, direction=-1).tolist()
    [10.0, 5.5, 1.0]
    >>> minmax([[3.0, 3.0]]).tolist()      # zero range: the midpoint
    [[50.0, 50.0]]
    """
    if not low < high:
        msg = f"minmax: 'low' must be < 'high': {low} >= {high}"
        raise DefinitionError(msg)
    A = _data(X)
    d = _direction(direction, A)
    V = A * d
    worst, best = _range(A, d, params)
    share = _ratio(V, worst, best, worst)
    with np.errstate(over="ignore", invalid="ignore"):
        width = high - low
        out = (
            low + share * width
            if np.isfinite(width)
            else 2 * (low / 2 + share * (high / 2 - low / 2))
        )
        mid = low / 2 + high / 2
    out = np.where((best == worst) & ~np.isnan(V), mid, out)
    return _representable(out, A, "minmax")


def zscore(
    X: Data,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    direction: Data = 1,
    params: Params | None = None,
) -> FloatArray:
    """Standardise each row: ``(x - mean(x)) / sd(x) * sd + mean``.

    The standard deviation is the sample one (``ddof=1``), as in COINr's
    ``n_zscore(x, m_sd = c(mean, sd))``, which this matches. Where the row's
    standard deviation is 0, or undefined (fewer than two values), every value
    present gets ``mean`` (COINr gives NaN there).

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    mean, sd
        The mean and standard deviation of the result, ``sd > 0``.
    direction
        ``+1`` or ``-1`` per row (see the module notes).
    params
        Fixed or panel-wide ``mean`` and ``sd`` (:func:`fit_params`).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> zscore([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    >>> zscore([1.0, 2.0, 3.0], mean=100, sd=10, direction=-1).tolist()
    [110.0, 100.0, 90.0]
    """
    if not sd > 0:
        msg = f"zscore: 'sd' must be > 0: {sd}"
        raise DefinitionError(msg)
    A = _data(X)
    d = _direction(direction, A)
    V = A * d
    if params is None:
        # In units of a power of two of the row's largest magnitude, so that neither the
        # moments nor the differences overflow: the same bits as the plain formula otherwise.
        _, scale, m, s = _moments(A, -1)
        z = _ratio(V / scale, m * d, s, np.zeros_like(s))
    else:
        m = _param(params, "mean", A) * d
        s = _param(params, "sd", A)
        z = _ratio(V, m, s, np.zeros_like(s))
    flat = (s == 0) | np.isnan(s)
    with np.errstate(over="ignore", invalid="ignore"):
        out = z * sd + mean
    return _representable(np.where(flat & ~np.isnan(V), mean, out), A, "zscore")


def goalposts(
    X: Data,
    lower: Data,
    upper: Data,
    *,
    truncate: bool = True,
    scale: float = 100.0,
    direction: Data = 1,
) -> FloatArray:
    """Score each value between two fixed goalposts: ``(x - lower) / (upper - lower) * scale``.

    The goalposts are in the raw units of the data, ``lower < upper``, one pair
    per row (scalars or arrays broadcasting against ``X.shape[:-1]``). Where
    lower is better (``direction=-1``), ``lower`` scores ``scale`` and ``upper``
    scores 0. With ``truncate`` (the default) values beyond a goalpost get 0 or
    ``scale``. This matches COINr's ``n_goalposts(x, gposts = c(lower, upper,
    scale), direction, trunc2posts)``.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    lower, upper
        The goalposts.
    truncate
        Clip the score to ``[0, scale]``.
    scale
        The score of the better goalpost, ``> 0``.
    direction
        ``+1`` or ``-1`` per row (see the module notes).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> goalposts([0.0, 50.0, 80.0, 120.0], 20, 100).tolist()
    [0.0, 37.5, 75.0, 100.0]
    >>> goalposts([0.0, 120.0], 20, 100, truncate=False, scale=1).tolist()
    [-0.25, 1.25]
    >>> goalposts([10.0, 30.0], 10, 50, direction=-1).tolist()
    [100.0, 50.0]
    """
    if not scale > 0:
        msg = f"goalposts: 'scale' must be > 0: {scale}"
        raise DefinitionError(msg)
    A = _data(X)
    d = _direction(direction, A)
    lo = _per_row(lower, A, "lower")
    hi = _per_row(upper, A, "upper")
    bad = ~(np.broadcast_to(lo, A.shape) < np.broadcast_to(hi, A.shape))
    if bad.any():
        msg = f"goalposts: 'lower' must be < 'upper': {np.broadcast_to(lo, A.shape)[bad].flat[0]} >= {np.broadcast_to(hi, A.shape)[bad].flat[0]}"
        raise DefinitionError(msg)
    V = A * d
    worst, best = np.where(d > 0, lo, -hi), np.where(d > 0, hi, -lo)
    out: FloatArray = _ratio(V, worst, best, worst)
    if truncate:
        out = np.clip(out, 0.0, 1.0)
    with np.errstate(over="ignore"):
        return _representable(out * scale, A, "goalposts")


def distance_to_target(
    X: Data,
    target: Data,
    *,
    cap: bool = True,
    direction: Data = 1,
    params: Params | None = None,
) -> FloatArray:
    """Score each value as the share of the way from the worst value to the target.

    ``(x - worst) / (target - worst)``: 0 for the worst unit, 1 at the target;
    with ``cap`` (the default) units beyond the target get 1. The worst value is
    the row's minimum (its maximum where lower is better), from the data or
    ``params``. This matches COINr's ``n_dist2targ(x, targ, direction,
    cap_max)``, except that ``cap`` is on by default here (COINr's
    ``cap_max = FALSE``) and that a target no better than the worst value (which
    every unit meets) gives 1 everywhere instead of negative or infinite scores.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    target
        The target in raw units, a scalar or one per row.
    cap
        Give 1 to units beyond the target.
    direction
        ``+1`` or ``-1`` per row (see the module notes).
    params
        Fixed or panel-wide ``min`` and ``max`` (:func:`fit_params`).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> distance_to_target([10.0, 30.0, 50.0, 70.0], 50).tolist()
    [0.0, 0.5, 1.0, 1.0]
    >>> distance_to_target([10.0, 30.0, 50.0, 70.0], 50, cap=False).tolist()
    [0.0, 0.5, 1.0, 1.5]
    >>> distance_to_target([2.0, 6.0, 10.0], 4, direction=-1).tolist()   # lower is better
    [1.0, 0.6666666666666666, 0.0]
    """
    A = _data(X)
    d = _direction(direction, A)
    t = _per_row(target, A, "target") * d
    V = A * d
    worst, _ = _range(A, d, params)
    out = _ratio(V, worst, t, worst)
    if cap:
        out = np.minimum(out, 1.0)
    out = np.where((t <= worst) & ~np.isnan(V), 1.0, out)
    return _representable(out, A, "distance_to_target")


def distance_to_best(X: Data, *, direction: Data = 1, params: Params | None = None) -> FloatArray:
    """Score each value as ``1 - (best - x) / (best - worst)``: 1 for the best unit, 0 for the worst.

    This is COINr's ``n_dist2max`` (with direction), the same as
    ``minmax(X, low=0, high=1)`` except for a row that does not vary, where
    every unit *is* the best and scores 1 (``minmax`` gives the midpoint). It is
    not the Handbook's "distance to the leader" as a ratio ``x / x_max``
    (COINr's ``n_fracmax``).

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    direction
        ``+1`` or ``-1`` per row (see the module notes).
    params
        Fixed or panel-wide ``min`` and ``max`` (:func:`fit_params`).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> distance_to_best([[0.0, 5.0, 20.0], [7.0, 7.0, 7.0]]).tolist()
    [[0.0, 0.25, 1.0], [1.0, 1.0, 1.0]]
    """
    A = _data(X)
    d = _direction(direction, A)
    V = A * d
    worst, best = _range(A, d, params)
    out = 1.0 - _ratio(best, V, best, worst)
    out = np.where((best == worst) & ~np.isnan(V), 1.0, out)
    return _representable(out, A, "distance_to_best")


def _ascending_ranks(V: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per value: how many values of its row are below its tie group, its group's size, and how many values there are.

    Values within ``1e-9`` of the row's largest magnitude of each other are
    tied (see :mod:`cchc_indicators.core._ties`). NaN values are left out of the
    counts (and get NaN).
    """
    return ascending_counts(V)


def _check_ties(ties: str) -> None:
    if ties not in TIES:
        msg = f"unknown tie rule {ties!r}; the rules are {', '.join(map(repr, TIES))}"
        raise DefinitionError(msg)


def rank(X: Data, *, ties: Ties = "min", direction: Data = 1) -> FloatArray:
    """Rank the units of each row: 1 = best.

    Tied units share a rank: with ``ties="min"`` (the default, "sport"
    ranking, as in COINr and :mod:`cchc_indicators.composite.points`) the best of their
    ranks (1, 2, 2, 4); with ``"max"`` the worst (1, 3, 3, 4); with
    ``"average"`` the mean (1, 2.5, 2.5, 4). Values within ``1e-9`` of the
    row's largest magnitude of each other are tied, so that rounding noise
    (``0.1 + 0.2`` against ``0.3``) never splits a tie. Missing units get
    NaN and are not counted. COINr's ``n_rank`` ranks the other way (the highest value gets the
    highest rank) so that it can serve as a score; here 1 is the best, and
    :func:`percentile_rank` is the score.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    ties
        One of :data:`TIES`.
    direction
        ``+1`` or ``-1`` per row (see the module notes).

    Returns
    -------
    numpy.ndarray
        Float ranks (NaN for a missing unit), the shape of ``X``.

    Examples
    --------
    >>> rank([10.0, 30.0, 20.0, 30.0]).tolist()
    [4.0, 1.0, 3.0, 1.0]
    >>> rank([10.0, 30.0, 20.0, 30.0], ties="average").tolist()
    [4.0, 1.5, 3.0, 1.5]
    >>> rank([10.0, 30.0, float("nan")], direction=-1).tolist()
    [1.0, 2.0, nan]
    """
    _check_ties(ties)
    A = _data(X)
    d = _direction(direction, A)
    below, equal, n = _ascending_ranks(A * d)
    above = n - below - equal  # strictly better units
    if ties == "min":
        return above + 1
    if ties == "max":
        return above + equal
    return above + (equal + 1) / 2


def percentile_rank(
    X: Data, *, ties: Ties = "min", scale: float = 100.0, direction: Data = 1
) -> FloatArray:
    """Score each unit by its percentile rank in its row: 0 for the worst, ``scale`` for the best.

    ``(r - 1) / (n - 1) * scale``, where ``r`` is the unit's rank counted from
    the worst (1 = worst) and ``n`` the number of units with a value. Tied units
    share ``r``: with ``ties="min"`` (the default, as COINr's ``n_prank``, and
    the same as :mod:`cchc_indicators.composite.points`: the share of the other units
    strictly worse) the lowest of their ranks; with ``"max"`` the highest; with
    ``"average"`` the mean; values within ``1e-9`` of the row's largest
    magnitude of each other are tied, as in :func:`rank`. COINr's ``n_prank`` is on a 0–1 scale (``scale=1``)
    and gives NaN for a lone unit; here a lone unit scores ``scale``.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    ties
        One of :data:`TIES`.
    scale
        The score of the best unit, ``> 0``.
    direction
        ``+1`` or ``-1`` per row (see the module notes).

    Returns
    -------
    numpy.ndarray
        The shape of ``X``.

    Examples
    --------
    >>> percentile_rank([10.0, 20.0, 20.0, 40.0, 50.0]).tolist()
    [0.0, 25.0, 25.0, 75.0, 100.0]
    >>> percentile_rank([10.0, 20.0, 20.0, 40.0, 50.0], ties="average", scale=1).tolist()
    [0.0, 0.375, 0.375, 0.75, 1.0]
    """
    _check_ties(ties)
    if not scale > 0:
        msg = f"percentile_rank: 'scale' must be > 0: {scale}"
        raise DefinitionError(msg)
    A = _data(X)
    d = _direction(direction, A)
    below, equal, n = _ascending_ranks(A * d)
    if ties == "min":
        r = below + 1
    elif ties == "max":
        r = below + equal
    else:
        r = below + (equal + 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (r - 1) / (n - 1) * scale
    return np.where((n == 1) & ~np.isnan(A), scale, out)


def none(X: Data, *, direction: Data = 1) -> FloatArray:
    """Leave the values as they are, apart from the direction: ``x * direction``.

    The values keep their scale; where lower is better they change sign, so
    that, as after every other normaliser, a higher score is better.

    Parameters
    ----------
    X
        The data, shape ``(..., units)``; NaN = missing.
    direction
        ``+1`` or ``-1`` per row (see the module notes).

    Returns
    -------
    numpy.ndarray
        A new float array, the shape of ``X``.

    Examples
    --------
    >>> none([[1, 2], [3, 4]], direction=[1, -1]).tolist()
    [[1.0, 2.0], [-3.0, -4.0]]
    """
    A = _data(X)
    return A * _direction(direction, A)


#: The normalisers by name, as :func:`normalise` takes them.
NORMALISERS: Mapping[str, Callable[..., FloatArray]] = MappingProxyType(
    {
        "distance_to_best": distance_to_best,
        "distance_to_target": distance_to_target,
        "goalposts": goalposts,
        "minmax": minmax,
        "none": none,
        "percentile_rank": percentile_rank,
        "rank": rank,
        "zscore": zscore,
    }
)


def normalise(method: str, X: Data, *args: Any, **kwargs: Any) -> FloatArray:
    """Normalise ``X`` with the normaliser named ``method``, passing on the other arguments.

    Parameters
    ----------
    method
        A name in :data:`NORMALISERS`.
    X
        The data, shape ``(..., units)``.
    *args, **kwargs
        The normaliser's own arguments (``lower`` and ``upper`` for
        ``goalposts``, ``target`` for ``distance_to_target``, ``direction``, ...).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    DefinitionError
        For an unknown method; the message lists the known ones.

    Examples
    --------
    >>> normalise("goalposts", [0.0, 5.0, 10.0], 0, 10, scale=1).tolist()
    [0.0, 0.5, 1.0]
    >>> normalise("log", [1.0])
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown normalisation method 'log'; the methods are distance_to_best, distance_to_target, goalposts, minmax, none, percentile_rank, rank, zscore
    """
    try:
        function = NORMALISERS[method]
    except KeyError:
        msg = f"unknown normalisation method {method!r}; the methods are {', '.join(NORMALISERS)}"
        raise DefinitionError(msg) from None
    return function(X, *args, **kwargs)
