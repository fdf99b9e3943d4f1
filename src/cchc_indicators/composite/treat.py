"""Outlier treatment of indicators: :func:`treat`, its :class:`Treatment`, and the transforms.

An indicator with a few extreme values (one province far above the others)
dominates a normalised scale and, through it, the index. The treatment step
of the OECD/JRC workflow pulls such values in before normalising. The default
is COINr's (its ``Treat()`` default, COINr 1.1.14), ``skew_kurtosis``:

1. **Test.** For the ``n`` observed values of an indicator, with
   ``d = x - mean``, skewness ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with
   ``g1 = sqrt(n) * sum(d**3) / sum(d**2)**1.5`` (needs ``n >= 3``), and
   excess kurtosis ``G2 = ((n + 1) (r - 3) + 6) (n - 1) / ((n - 2)(n - 3))``
   with ``r = n * sum(d**4) / sum(d**2)**2`` (needs ``n >= 4``); both need
   some spread (``e1071`` type 2, Excel's ``SKEW`` and ``KURT``). The
   indicator **passes** when ``|G1| < skew`` **or** ``G2 < kurtosis``
   (defaults 2 and 3.5). When one statistic is undefined and the other does
   not decide the "or", the test is undefined and the indicator is left as
   it is (:attr:`Treatment.reason` says why).
2. **Winsorise.** While it fails and fewer than ``winmax`` (default 5)
   points are winsorised: if the skewness of the current values is ``>= 0``,
   every point equal to the current maximum (ties together) is set to the
   largest value below it; otherwise every point equal to the minimum is set
   to the smallest value above it. The count is the size of the latest set
   of each side (a point winsorised once ties with the next maximum, so the
   latest set holds the earlier ones).
3. **Fall back.** If the winsorised values pass, they are the result. If
   they still fail, the winsorisation is discarded and the result is
   ``log_ct`` of the **original** values, ``log(x - min + 0.01 (max - min))``.

The transforms also run on their own (``TREATMENTS`` lists the methods and
their options): ``winsorise`` (step 2 alone), ``log_ct``, ``log``,
``boxcox`` and ``quantile_cap``. NaN marks a missing value and stays NaN.
:func:`treat` takes a matrix ``(indicators, units)`` and one method for every
row or one per row, and records per indicator what was done and the
statistics before and after; per unit, which points were changed.

Sources: COINr's documentation of ``Treat``, ``winsorise``, ``log_CT``,
``skew`` and ``kurt`` (COINr 1.1.14,
<https://bluefoxr.github.io/COINr/articles/treat.html>); D. N. Joanes and
C. A. Gill (1998), "Comparing measures of sample skewness and kurtosis", *The
Statistician* 47, 183–189; G. E. P. Box and D. R. Cox (1964), "An analysis
of transformations", *JRSS B* 26, 211–252; OECD and JRC (2008), *Handbook on
Constructing Composite Indicators*, step 3.

.. versionadded:: 0.9.0

Examples
--------
>>> import numpy as np
>>> from cchc_indicators.composite.treat import treat
>>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0]], "skew_kurtosis")
>>> t.values.tolist()
[[1.0, 2.0, 3.0, 4.0, 5.0, 5.0], [3.0, 1.0, 4.0, 1.0, 5.0, 9.0]]
>>> t.applied, t.winsorised.tolist(), t.passed_before, t.passed_after
(('winsorise', 'none'), [1, 0], (False, True), (True, True))
>>> t.changed()
[Change(indicator='0', unit=5, before=100.0, after=5.0, flag='winhi')]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._methods import Method, check_method
from cchc_indicators.core._arrays import readonly
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem
from cchc_indicators.core.i18n import N_

__all__ = [
    "POINT_FLAGS",
    "Change",
    "Treatment",
    "boxcox",
    "log_ct",
    "quantile_cap",
    "treat",
    "treatment_statistics",
    "winsorise",
]

FloatArray = NDArray[np.float64]
Data = float | Sequence[Any] | NDArray[Any]  # numbers: nested lists or an array
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

#: The flags of :attr:`Treatment.points`: ``""`` for a point left as it was.
POINT_FLAGS: tuple[str, ...] = ("", "winhi", "winlo", "log_ct", "log", "boxcox", "caphi", "caplo")

#: The default skewness and kurtosis thresholds and the most points winsorised.
_SKEW, _KURTOSIS, _WINMAX = 2.0, 3.5, 5

# Why an indicator was left untreated (marked for the catalogues; table() translates).
_NO_VALUES = N_("no values")
_FEWER_3 = N_("fewer than 3 values")
_FEWER_4 = N_("fewer than 4 values")
_CONSTANT = N_("constant")
_CONSTANT_AFTER = N_("constant after winsorisation")


# --------------------------------------------------------------------------- statistics


def _extremes(x: FloatArray) -> tuple[BoolArray, IntArray, FloatArray, FloatArray]:
    """Present mask, count, minimum and maximum along the last axis (+inf/-inf with no value)."""
    present = ~np.isnan(x)
    n = present.sum(axis=-1)
    lo = np.where(present, x, np.inf).min(axis=-1, initial=np.inf)
    hi = np.where(present, x, -np.inf).max(axis=-1, initial=-np.inf)
    return present, n, lo, hi


def treatment_statistics(x: Data) -> tuple[FloatArray, FloatArray]:
    """Skewness and excess kurtosis along the last axis, as the treatment test uses them.

    COINr's ``skew`` and ``kurt`` (``e1071`` type 2), NaN skipped: with
    ``d = x - mean`` over the ``n`` observed values,
    ``g1 = sqrt(n) * sum(d**3) / sum(d**2)**1.5``,
    ``skewness = g1 * sqrt(n (n - 1)) / (n - 2)``;
    ``r = n * sum(d**4) / sum(d**2)**2``,
    ``kurtosis = ((n + 1)(r - 3) + 6)(n - 1) / ((n - 2)(n - 3))``.
    NaN where undefined: skewness with fewer than 3 values, kurtosis with
    fewer than 4, both when every value is the same (tested exactly, so that
    rounding in the mean cannot make a constant look skewed). The values are
    scaled by a power of two first (exact), so that no power overflows.

    Examples
    --------
    >>> sk, ku = treatment_statistics([[1.0, 2.0, 3.0, 10.0], [5.0, 5.0, 5.0, 5.0]])
    >>> sk.round(6).tolist(), ku.round(6).tolist()
    ([1.763633, nan], [3.228, nan])
    """
    a = np.asarray(x, dtype=np.float64)
    present, n, lo, hi = _extremes(a)
    constant = ~(hi > lo)  # also no value at all
    # A power of two near the largest magnitude: dividing by it is exact.
    _, e = np.frexp(np.where(constant, 1.0, np.maximum(np.abs(lo), np.abs(hi))))
    nf = n.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        z = np.ldexp(np.where(present, a, 0.0), -e[..., None])
        mean = z.sum(axis=-1) / nf
        d = np.where(present, z - mean[..., None], 0.0)
        d2 = d * d
        s2 = d2.sum(axis=-1)
        s3 = (d2 * d).sum(axis=-1)
        s4 = (d2 * d2).sum(axis=-1)
        spread = ~constant & (s2 > 0)
        g1 = np.sqrt(nf) * s3 / s2**1.5
        skew: FloatArray = np.where(
            spread & (n >= 3), g1 * np.sqrt(nf * (nf - 1)) / (nf - 2), np.nan
        )
        r = nf * s4 / s2**2
        kurt: FloatArray = np.where(
            spread & (n >= 4), ((nf + 1) * (r - 3) + 6) * (nf - 1) / ((nf - 2) * (nf - 3)), np.nan
        )
    return skew, kurt


def _test(
    skew: FloatArray, kurt: FloatArray, skew_t: FloatArray | float, kurt_t: FloatArray | float
) -> tuple[BoolArray, BoolArray]:
    """(decided, passed) of ``|skew| < skew_t or kurt < kurt_t``, R's logic for NaN."""
    with np.errstate(invalid="ignore"):
        passed = (np.abs(skew) < skew_t) | (kurt < kurt_t)
    decided = passed | (~np.isnan(skew) & ~np.isnan(kurt))
    return decided, passed


def _undefined_reason(n: IntArray, lo: FloatArray, hi: FloatArray) -> NDArray[np.str_]:
    """Why the test is undefined (used where it is)."""
    return np.where(
        n == 0,
        _NO_VALUES,
        np.where(n < 3, _FEWER_3, np.where(~(hi > lo), _CONSTANT, _FEWER_4)),
    )


# --------------------------------------------------------------------------- inputs


def _matrix(X: Data, func: str, *, one_d: bool) -> FloatArray:
    """``X`` as a new 2-D float array (a 1-D one as one row if ``one_d``); infinities refused."""
    try:
        out = np.array(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        msg = f"{func}: X must be an array of numbers: {err}"
        raise InvalidDataError([Problem(msg, kind="not_numeric")], source="<array>") from None
    if out.ndim == 1 and one_d:
        out = out[np.newaxis, :]
    if out.ndim != 2:
        want = "(units,) or (indicators, units)" if one_d else "(indicators, units)"
        msg = f"{func}: X must have shape {want}; got shape {out.shape}"
        raise InvalidDataError([Problem(msg, kind="bad_shape")], source="<array>")
    if np.isinf(out).any():
        msg = f"{func}: X holds {int(np.isinf(out).sum())} infinite value(s); use NaN for a missing value"
        raise InvalidDataError([Problem(msg, kind="infinite")], source="<array>")
    return out


def _shaped(values: FloatArray, like: Data) -> FloatArray:
    """``values`` (2-D) back in the shape of the input (1-D in, 1-D out)."""
    out: FloatArray = values[0] if np.ndim(like) == 1 else values
    return out


def _row_names(count: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(count))


def _finite(out: FloatArray, X: FloatArray, names: Sequence[str], what: str) -> None:
    """Refuse a result beyond the largest float where the value was not missing."""
    bad = ~np.isfinite(out) & ~np.isnan(X)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=-1))
        problems = [
            Problem(
                f"indicator {names[k]!r}: {what} gives a value beyond the largest float",
                field=names[k],
                kind="overflow",
            )
            for k in rows.tolist()
        ]
        raise InvalidDataError(problems, source="<array>")


# --------------------------------------------------------------------------- transforms


def _log_ct(X: FloatArray, names: Sequence[str]) -> tuple[FloatArray, BoolArray]:
    """log(x - min + 0.01 (max - min)) per row; rows with no spread unchanged (second value False)."""
    _, _, lo, hi = _extremes(X)
    ok = hi > lo
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.log(X - lo[:, None] + 0.01 * (hi - lo)[:, None])
    out = np.where(ok[:, None], out, X)
    _finite(out, X, names, "log_ct")
    return out, ok


def _winsorise(
    X: FloatArray, winmax: int, skew_t: float, kurt_t: float
) -> tuple[FloatArray, BoolArray, BoolArray, IntArray, BoolArray, BoolArray]:
    """Winsorise every failing row at once.

    Returns the values, the latest high and low sets, the count, and the
    re-test (decided, passed) of the values returned.
    """
    cur = X.copy()
    rows, units = X.shape
    hi_set = np.zeros((rows, units), dtype=bool)
    lo_set = np.zeros((rows, units), dtype=bool)
    n_hi = np.zeros(rows, dtype=np.int64)
    n_lo = np.zeros(rows, dtype=np.int64)
    skew, kurt = treatment_statistics(cur)
    decided, passed = _test(skew, kurt, skew_t, kurt_t)
    # Each step adds at least one point to the count (the latest set of a side
    # holds the earlier one and one value more), so winmax steps are enough.
    for _ in range(winmax):
        active = decided & ~passed & (n_hi + n_lo < winmax)
        if not active.any():
            break
        up = (active & (skew >= 0))[:, None]
        down = (active & (skew < 0))[:, None]
        high = np.where(np.isnan(cur), -np.inf, cur)
        top = high.max(axis=1, keepdims=True)
        at_top = up & (high == top)
        below_top = np.where(high < top, high, -np.inf).max(axis=1, keepdims=True)
        low = np.where(np.isnan(cur), np.inf, cur)
        bottom = low.min(axis=1, keepdims=True)
        at_bottom = down & (low == bottom)
        above_bottom = np.where(low > bottom, low, np.inf).min(axis=1, keepdims=True)
        cur = np.where(at_top, below_top, np.where(at_bottom, above_bottom, cur))
        hi_set = np.where(up, at_top, hi_set)
        lo_set = np.where(down, at_bottom, lo_set)
        n_hi = np.where(up[:, 0], at_top.sum(axis=1), n_hi)
        n_lo = np.where(down[:, 0], at_bottom.sum(axis=1), n_lo)
        rows_now = np.flatnonzero(active)
        s, k = treatment_statistics(cur[rows_now])
        skew[rows_now], kurt[rows_now] = s, k
        decided, passed = _test(skew, kurt, skew_t, kurt_t)
    return cur, hi_set, lo_set, n_hi + n_lo, decided, passed


def _winsor_options(winmax: int, skew: float, kurtosis: float, where: str) -> None:
    check_method(
        Method("winsorise", winmax=winmax, skew=skew, kurtosis=kurtosis), "treatment", where
    )


def winsorise(
    x: Data, *, winmax: int = _WINMAX, skew: float = _SKEW, kurtosis: float = _KURTOSIS
) -> FloatArray:
    """Winsorise each row that fails the skewness and kurtosis test (step 2 of the module's rule).

    A row that passes (``|skewness| < skew`` or ``kurtosis < kurtosis``), or
    whose test is undefined, is returned as it is; the others are winsorised
    until they pass or at least ``winmax`` points are winsorised, whether or
    not they pass then.

    Parameters
    ----------
    x
        Values, shape ``(units,)`` or ``(indicators, units)``; NaN is missing.
    winmax
        Stop once this many points are winsorised (ties count each point).
    skew, kurtosis
        The thresholds of the test.

    Returns
    -------
    numpy.ndarray
        A new float array of the shape of ``x``.

    Raises
    ------
    InvalidDataError
        For values that are not numbers, infinite, or of another shape.
    DefinitionError
        For a ``winmax`` that is not a whole number ``>= 1`` or a ``skew`` ``<= 0``.

    Examples
    --------
    >>> winsorise([1.0, 2.0, 3.0, 4.0, 5.0, 100.0]).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 5.0]
    >>> winsorise([1.0, 1.0, 1.0, 1.0, 1.0, 100.0]).tolist()  # one step: then constant
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    _winsor_options(winmax, skew, kurtosis, "winsorise")
    X = _matrix(x, "winsorise", one_d=True)
    out = _winsorise(X, winmax, float(skew), float(kurtosis))[0]
    return _shaped(out, x)


def log_ct(x: Data) -> FloatArray:
    """COINr's ``log_CT``: ``log(x - min + 0.01 (max - min))`` per row, over its observed values.

    The minimum goes to ``log(0.01 (max - min))``, so any value, negative or
    zero, can be transformed. A row without spread (one value, or all equal)
    has no such log (``log 0``) and is returned unchanged.

    Parameters
    ----------
    x
        Values, shape ``(units,)`` or ``(indicators, units)``; NaN is missing.

    Returns
    -------
    numpy.ndarray
        A new float array of the shape of ``x``.

    Raises
    ------
    InvalidDataError
        For values that are not numbers, infinite, of another shape, or so
        far apart that the result is beyond the largest float.

    Examples
    --------
    >>> log_ct([0.0, 1.0, 100.0]).round(4).tolist()   # log(x + 1)
    [0.0, 0.6931, 4.6151]
    >>> log_ct([7.0, 7.0, float("nan")]).tolist()
    [7.0, 7.0, nan]
    """
    X = _matrix(x, "log_ct", one_d=True)
    return _shaped(_log_ct(X, _row_names(X.shape[0]))[0], x)


def _not_positive(X: FloatArray, names: Sequence[str], what: str, hint: str) -> None:
    bad = X <= 0  # NaN compares False
    if bad.any():
        problems = []
        for k in np.flatnonzero(bad.any(axis=1)).tolist():
            row = X[k][bad[k]]
            msg = (
                f"indicator {names[k]!r}: {what} needs values > 0: {row.size} value(s) are not "
                f"(first: {float(row[0])!r}); {hint}"
            )
            problems.append(Problem(msg, field=names[k], kind="not_positive"))
        raise InvalidDataError(problems, source="<array>")


def _boxcox(X: FloatArray, lam: float, shift: bool, names: Sequence[str]) -> FloatArray:
    if shift:
        _, _, lo, _ = _extremes(X)
        with np.errstate(invalid="ignore", over="ignore"):
            X = X - lo[:, None] + 1.0
    else:
        _not_positive(X, names, "boxcox without shift", "use shift=True or 'log_ct'")
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        out = np.log(X) if lam == 0 else (X**lam - 1.0) / lam
    _finite(out, X, names, f"boxcox with lambda={lam!r}")
    return out


def boxcox(x: Data, lam: float, *, shift: bool = True) -> FloatArray:
    """Box-Cox transform per row: ``(x**lam - 1) / lam``, or ``log x`` when ``lam == 0``.

    With ``shift`` (the default) the row is first moved to start at 1,
    ``x - min + 1`` over its observed values, so any value can be
    transformed; without it, values ``<= 0`` are refused.

    Parameters
    ----------
    x
        Values, shape ``(units,)`` or ``(indicators, units)``; NaN is missing.
    lam
        The power λ.
    shift
        Move each row to start at 1 first.

    Returns
    -------
    numpy.ndarray
        A new float array of the shape of ``x``.

    Raises
    ------
    InvalidDataError
        For values that are not numbers, infinite, of another shape, ``<= 0``
        without ``shift`` (kind ``not_positive``), or a result beyond the
        largest float (kind ``overflow``).
    DefinitionError
        For a ``lam`` that is not a number, or a ``shift`` that is not true or false.

    Examples
    --------
    >>> boxcox([1.0, 2.0, 5.0], 0.5).tolist()   # x - 1 + 1 = x; 2 (sqrt(x) - 1)
    [0.0, 0.8284271247461903, 2.4721359549995796]
    >>> boxcox([1.0, 2.0, 5.0], 0, shift=False).round(4).tolist()
    [0.0, 0.6931, 1.6094]
    """
    check_method(Method("boxcox", {"lambda": lam, "shift": shift}), "treatment", "boxcox")
    X = _matrix(x, "boxcox", one_d=True)
    return _shaped(_boxcox(X, float(lam), shift, _row_names(X.shape[0])), x)


def _quantiles(X: FloatArray, p: float) -> FloatArray:
    """numpy's default (linear, R's type 7) quantile of each row's observed values; NaN if none."""
    s = np.sort(X, axis=1)  # NaN last
    n = (~np.isnan(X)).sum(axis=1)
    h = (np.maximum(n, 1) - 1) * p
    j = np.floor(h).astype(np.int64)
    j1 = np.minimum(j + 1, np.maximum(n - 1, 0))
    if s.shape[1] == 0:
        return np.full(X.shape[0], np.nan)
    a = np.take_along_axis(s, j[:, None], axis=1)[:, 0]
    b = np.take_along_axis(s, j1[:, None], axis=1)[:, 0]
    g = h - j
    with np.errstate(invalid="ignore", over="ignore"):
        diff = b - a
        # numpy's lerp: from the nearer end, so that g = 1 gives b exactly
        q = np.where(g >= 0.5, b - diff * (1 - g), a + diff * g)
    out: FloatArray = np.where(n > 0, q, np.nan)
    return out


def _quantile_cap(
    X: FloatArray, lower: float, upper: float
) -> tuple[FloatArray, BoolArray, BoolArray]:
    qlo = _quantiles(X, lower)[:, None]
    qhi = _quantiles(X, upper)[:, None]
    high = qhi < X
    low = qlo > X
    out = np.where(high, qhi, np.where(low, qlo, X))
    return out, high, low


def quantile_cap(x: Data, lower: float = 0.05, upper: float = 0.95) -> FloatArray:
    """Cap each row at its ``lower`` and ``upper`` quantiles (numpy's default, R's type 7).

    Over a row's ``n`` observed values sorted, ``s[0] <= ... <= s[n-1]``, the
    quantile at ``p`` is ``s[j] + (h - j)(s[j+1] - s[j])`` with ``h = p (n - 1)``
    and ``j = floor(h)``. Values above the upper quantile become it, values
    below the lower one become it.

    Parameters
    ----------
    x
        Values, shape ``(units,)`` or ``(indicators, units)``; NaN is missing.
    lower, upper
        The quantile levels, ``0 <= lower < upper <= 1``.

    Returns
    -------
    numpy.ndarray
        A new float array of the shape of ``x``.

    Raises
    ------
    InvalidDataError
        For values that are not numbers, infinite, or of another shape.
    DefinitionError
        For levels out of order or outside ``[0, 1]``.

    Examples
    --------
    >>> quantile_cap([1.0, 2.0, 3.0, 4.0, 100.0], 0.1, 0.9).round(2).tolist()
    [1.4, 2.0, 3.0, 4.0, 61.6]
    """
    check_method(Method("quantile_cap", lower=lower, upper=upper), "treatment", "quantile_cap")
    X = _matrix(x, "quantile_cap", one_d=True)
    return _shaped(_quantile_cap(X, float(lower), float(upper))[0], x)


# --------------------------------------------------------------------------- treat


class Change(NamedTuple):
    """One point a treatment changed (see :meth:`Treatment.changed`)."""

    #: The indicator's name.
    indicator: str
    #: The unit's code (:attr:`Treatment.units`), or its position (column of ``X``) without codes.
    unit: int | str
    #: The value before the treatment.
    before: float
    #: The value after it.
    after: float
    #: Its flag (one of :data:`POINT_FLAGS` but ``""``).
    flag: str


def _fmt(x: float, lang: str) -> str:
    from cchc_indicators.core.i18n import number

    return number(None if math.isnan(x) else float(x), lang, 2)


def _method_text(m: Method) -> str:
    opts = ", ".join(f"{k}={v!r}" for k, v in m.options)
    return f"{m.name}({opts})" if opts else m.name


def _unit_codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(u) for u in value)


@attrs.frozen(eq=False, repr=False)
class Treatment:
    """What :func:`treat` did to each indicator and each point.

    Per-indicator arrays and tuples are in :attr:`indicators` order; the
    matrices are ``(indicators, units)``.

    Attributes
    ----------
    values
        The treated values (NaN where a value is missing).
    points
        Per point, what changed it: ``""`` (nothing), ``"winhi"`` or
        ``"winlo"`` (winsorised from the top or the bottom), ``"log_ct"``,
        ``"log"``, ``"boxcox"`` (transformed), ``"caphi"`` or ``"caplo"``
        (capped at a quantile).
    indicators
        The indicators' names.
    method
        The method asked for each indicator.
    applied
        What produced each indicator's values: ``"none"`` (left as it was),
        ``"winsorise"``, ``"log_ct"``, ``"log"``, ``"boxcox"`` or
        ``"quantile_cap"``. Under ``skew_kurtosis`` an indicator that passes
        the test is ``"none"``, one the winsorisation fixes ``"winsorise"``,
        one it does not fix ``"log_ct"``.
    winsorised
        Points winsorised, where the values are the winsorised ones (0 where
        the winsorisation was discarded for ``log_ct``).
    skew_before, kurtosis_before, skew_after, kurtosis_after
        The statistics of :func:`treatment_statistics`, of the original
        and of the treated values (NaN where undefined).
    passed_before, passed_after
        Whether the values pass the test (with the method's thresholds, or
        the defaults 2 and 3.5 for a method without them); ``None`` where
        the test is undefined.
    reason
        Why the method asked could not be carried out and the indicator was
        left as it was (``"fewer than 4 values"``, ``"constant"``, ...);
        ``""`` otherwise.
    original
        The values given.
    units
        The units' codes, the columns of the matrices, where known (an
        index result's treatment has them); ``()`` otherwise.
    """

    values: FloatArray = attrs.field(converter=readonly)
    points: NDArray[np.str_] = attrs.field(converter=readonly)
    indicators: tuple[str, ...]
    method: tuple[Method, ...]
    applied: tuple[str, ...]
    winsorised: IntArray = attrs.field(converter=readonly)
    skew_before: FloatArray = attrs.field(converter=readonly)
    kurtosis_before: FloatArray = attrs.field(converter=readonly)
    passed_before: tuple[bool | None, ...]
    skew_after: FloatArray = attrs.field(converter=readonly)
    kurtosis_after: FloatArray = attrs.field(converter=readonly)
    passed_after: tuple[bool | None, ...]
    reason: tuple[str, ...]
    original: FloatArray = attrs.field(converter=readonly)
    units: tuple[str, ...] = attrs.field(default=(), converter=_unit_codes, kw_only=True)

    def __repr__(self) -> str:
        treated = sum(a != "none" for a in self.applied)
        return (
            f"Treatment({len(self.indicators)} indicators, {self.values.shape[1]} units, "
            f"{treated} treated, {int(self.winsorised.sum())} point(s) winsorised)"
        )

    def changed(self) -> list[Change]:
        """The points the treatment changed: one :class:`Change` per flagged point, row by row.

        Examples
        --------
        >>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]], "skew_kurtosis", indicators=["a"])
        >>> t.changed()
        [Change(indicator='a', unit=5, before=100.0, after=5.0, flag='winhi')]
        """
        rows, cols = np.nonzero(self.points != "")
        return [
            Change(
                self.indicators[k],
                self.units[u] if self.units else u,
                float(self.original[k, u]),
                float(self.values[k, u]),
                str(self.points[k, u]),
            )
            for k, u in zip(rows.tolist(), cols.tolist(), strict=True)
        ]

    def to_records(self) -> list[dict[str, Any]]:
        """One record per indicator: its method, what was applied, the counts and statistics.

        Statistics that are undefined are ``None``.

        Examples
        --------
        >>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]], "skew_kurtosis", indicators=["a"])
        >>> r = t.to_records()[0]
        >>> r["applied"], r["winsorised"], round(r["skew_after"], 4), r["passed_after"]
        ('winsorise', 1, -0.3827, True)
        """

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return [
            {
                "indicator": code,
                "method": _method_text(self.method[k]),
                "applied": self.applied[k],
                "winsorised": int(self.winsorised[k]),
                "skew_before": num(self.skew_before[k]),
                "kurtosis_before": num(self.kurtosis_before[k]),
                "passed_before": self.passed_before[k],
                "skew_after": num(self.skew_after[k]),
                "kurtosis_after": num(self.kurtosis_after[k]),
                "passed_after": self.passed_after[k],
                "reason": self.reason[k],
            }
            for k, code in enumerate(self.indicators)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]], "skew_kurtosis", indicators=["a"])
        >>> t.to_frame()[["indicator", "applied", "winsorised"]]
          indicator    applied  winsorised
        0         a  winsorise           1
        """
        from cchc_indicators.data.panel import _pandas

        return _pandas().DataFrame.from_records(self.to_records(), columns=list(_KEYS))

    def _rows(self, lang: str) -> tuple[list[str], list[list[str]]]:
        from cchc_indicators.core.i18n import gettext

        def passed(p: bool | None) -> str:
            if p is None:
                return "—"
            return gettext("yes", lang) if p else gettext("no", lang)

        head = [
            gettext("Indicator", lang),
            gettext("Method", lang),
            gettext("Applied", lang),
            gettext("Winsorised", lang),
            gettext("Skewness before", lang),
            gettext("Kurtosis before", lang),
            gettext("Passes before", lang),
            gettext("Skewness after", lang),
            gettext("Kurtosis after", lang),
            gettext("Passes after", lang),
            gettext("Reason", lang),
        ]
        body = [
            [
                code,
                _method_text(self.method[k]),
                self.applied[k],
                str(int(self.winsorised[k])),
                _fmt(float(self.skew_before[k]), lang),
                _fmt(float(self.kurtosis_before[k]), lang),
                passed(self.passed_before[k]),
                _fmt(float(self.skew_after[k]), lang),
                _fmt(float(self.kurtosis_after[k]), lang),
                passed(self.passed_after[k]),
                gettext(self.reason[k], lang) if self.reason[k] else "",
            ]
            for k, code in enumerate(self.indicators)
        ]
        return head, body

    def table(self, lang: str | None = None) -> str:
        """Return a plain-text table, one row per indicator, in ``lang`` (default: the default language).

        Examples
        --------
        >>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]], "skew_kurtosis", indicators=["a", "b"])
        >>> print(t.table("en"))
        Indicator  Method         Applied    Winsorised  Skewness before  Kurtosis before  Passes before  Skewness after  Kurtosis after  Passes after  Reason
        ------------------------------------------------------------------------------------------------------------------------------------------------------
        a          skew_kurtosis  winsorise           1             2.44             5.97  no                      -0.38           -1.48  yes
        b          skew_kurtosis  none                0                0             -1.2  yes                         0            -1.2  yes
        """
        from cchc_indicators.core.i18n import default_language

        head, body = self._rows(lang or default_language())
        widths = [max(len(r[c]) for r in [head, *body]) for c in range(len(head))]
        right = {3, 4, 5, 7, 8}

        def line(cells: Sequence[str]) -> str:
            return "  ".join(
                c.rjust(w) if j in right else c.ljust(w)
                for j, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        return "\n".join([line(head), rule, *(line(b) for b in body)])

    def _repr_html_(self) -> str:
        """A notebook's summary: what was done to each indicator."""
        from cchc_indicators.core import _repr_html as rh
        from cchc_indicators.core.i18n import default_language, gettext, number

        lang = default_language()
        head, body = self._rows(lang)
        facts = [
            (gettext("Indicators", lang), number(len(self.indicators), lang, 0)),
            (gettext("Units", lang), number(self.values.shape[1], lang, 0)),
            (gettext("Points changed", lang), number(int((self.points != "").sum()), lang, 0)),
        ]
        table = rh.table(head, body, numeric={3, 4, 5, 7, 8})
        return rh.block(
            "treatment", gettext("Outlier treatment", lang), lang=lang, facts=facts, body=[table]
        )


#: The keys of :meth:`Treatment.to_records` (the columns of :meth:`Treatment.to_frame`).
_KEYS = (
    "indicator",
    "method",
    "applied",
    "winsorised",
    "skew_before",
    "kurtosis_before",
    "passed_before",
    "skew_after",
    "kurtosis_after",
    "passed_after",
    "reason",
)


def _methods(methods: object, count: int, names: Sequence[str]) -> tuple[Method, ...]:
    """One checked method per row, from one method or a sequence of them."""
    if isinstance(methods, (Method, str, Mapping)):
        m = check_method(Method.parse(methods), "treatment", "treat")
        return (m,) * count
    if not isinstance(methods, Sequence):
        msg = f"treat: 'methods' must be a method or a sequence of one method per row, got {methods!r}"
        raise DefinitionError(msg)
    if len(methods) != count:
        msg = f"treat: {len(methods)} method(s) for {count} indicator row(s); give one, or one per row"
        raise DefinitionError(msg)
    out = []
    for m, name in zip(methods, names, strict=True):
        where = f"treat, indicator {name!r}"
        try:
            parsed = Method.parse(m)
        except DefinitionError as err:
            raise err.in_context(where) from None
        out.append(check_method(parsed, "treatment", where))
    return tuple(out)


def _names(indicators: object, count: int) -> tuple[str, ...]:
    if indicators is None:
        return _row_names(count)
    if isinstance(indicators, str) or not isinstance(indicators, Sequence):
        msg = f"treat: 'indicators' must be a sequence of names, got {indicators!r}"
        raise DefinitionError(msg)
    names = tuple(indicators)
    if not all(isinstance(n, str) for n in names):
        msg = f"treat: 'indicators' must be names (text), got {names!r}"
        raise DefinitionError(msg)
    if len(names) != count:
        msg = f"treat: {len(names)} indicator name(s) for {count} row(s)"
        raise DefinitionError(msg)
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        msg = f"treat: indicator names must differ; {twice[0]!r} is given twice"
        raise DefinitionError(msg)
    return names


def _thresholds(m: Method) -> tuple[int, float, float]:
    o = m.kwargs
    return (
        int(o.get("winmax", _WINMAX)),
        float(o.get("skew", _SKEW)),
        float(o.get("kurtosis", _KURTOSIS)),
    )


class _Part(NamedTuple):
    values: FloatArray
    points: NDArray[np.str_]
    applied: NDArray[np.str_]
    winsorised: IntArray
    reason: NDArray[np.str_]


def _apply(m: Method, X: FloatArray, names: Sequence[str]) -> _Part:
    """Carry out one method on the rows ``X`` (all given the method)."""
    rows, units = X.shape
    present, n, lo, hi = _extremes(X)
    points = np.full((rows, units), "", dtype="<U6")
    applied = np.full(rows, "none", dtype="<U12")
    nwin = np.zeros(rows, dtype=np.int64)
    reason = np.where(n == 0, _NO_VALUES, "").astype("<U32")
    has = (n > 0)[:, None]
    name = m.name
    if name == "none":
        return _Part(X, points, applied, nwin, np.full(rows, "", dtype="<U32"))
    if name in ("skew_kurtosis", "winsorise"):
        winmax, skew_t, kurt_t = _thresholds(m)
        skew, kurt = treatment_statistics(X)
        decided, passed = _test(skew, kurt, skew_t, kurt_t)
        fails = decided & ~passed
        w, hi_set, lo_set, count, decided1, passed1 = _winsorise(X, winmax, skew_t, kurt_t)
        reason = np.where(decided, "", _undefined_reason(n, lo, hi)).astype("<U32")
        if name == "winsorise":
            keep = fails
            use_log = np.zeros(rows, dtype=bool)
        else:
            keep = fails & decided1 & passed1
            use_log = fails & decided1 & ~passed1
            reason = np.where(fails & ~decided1, _CONSTANT_AFTER, reason)
        logged = X.copy()
        if use_log.any():
            at = np.flatnonzero(use_log)
            logged[at] = _log_ct(X[at], [names[k] for k in at.tolist()])[0]
        k2 = keep[:, None]
        values = np.where(k2, w, np.where(use_log[:, None], logged, X))
        points = np.where(k2 & lo_set, "winlo", np.where(k2 & hi_set, "winhi", points))
        points = np.where(use_log[:, None] & present, "log_ct", points)
        applied = np.where(keep, "winsorise", np.where(use_log, "log_ct", applied))
        nwin = np.where(keep, count, 0)
        return _Part(values, points, applied, nwin, reason)
    if name == "log_ct":
        values, ok = _log_ct(X, names)
        reason = np.where(ok | (n == 0), reason, _CONSTANT)
        points = np.where(ok[:, None] & present, "log_ct", points)
        return _Part(values, points, np.where(ok, "log_ct", applied), nwin, reason)
    if name == "log":
        _not_positive(X, names, "log", "use 'log_ct' or 'boxcox' with shift")
        with np.errstate(invalid="ignore"):
            values = np.log(X)
        points = np.where(present, "log", points)
        return _Part(values, points, np.where(n > 0, "log", applied), nwin, reason)
    if name == "boxcox":
        o = m.kwargs
        values = _boxcox(X, float(o["lambda"]), bool(o.get("shift", True)), names)
        points = np.where(present, "boxcox", points)
        return _Part(values, points, np.where(n > 0, "boxcox", applied), nwin, reason)
    # quantile_cap, the last of TREATMENTS
    o = m.kwargs
    values, high, low = _quantile_cap(X, float(o.get("lower", 0.05)), float(o.get("upper", 0.95)))
    points = np.where(high, "caphi", np.where(low, "caplo", points))
    applied = np.where(has[:, 0], "quantile_cap", applied)
    return _Part(values, points, applied, nwin, reason)


def treat(
    X: Data,
    methods: Method | str | Mapping[str, Any] | Sequence[Method | str | Mapping[str, Any]],
    *,
    indicators: Sequence[str] | None = None,
) -> Treatment:
    """Treat the outliers of each indicator (a row of ``X``) by its method.

    Parameters
    ----------
    X
        Values, shape ``(indicators, units)``; NaN is missing and stays so.
    methods
        One treatment (a :class:`~cchc_indicators.composite.Method`, a name
        or a mapping with ``name``) for every row, or a sequence of one per
        row. The names and options are those of ``TREATMENTS``:
        ``none``; ``skew_kurtosis`` and ``winsorise`` (``winmax`` = 5,
        ``skew`` = 2, ``kurtosis`` = 3.5); ``log_ct``; ``log``; ``boxcox``
        (``lambda``, required, and ``shift`` = true); ``quantile_cap``
        (``lower`` = 0.05, ``upper`` = 0.95). Rows with the same method are
        treated together.
    indicators
        The rows' names (default ``"0"``, ``"1"``, ...), used in the result
        and in error messages.

    Returns
    -------
    Treatment
        The treated values and what was done, per indicator and per point.

    Raises
    ------
    InvalidDataError
        For values that are not numbers (kind ``not_numeric``), infinite
        (``infinite``), not a matrix (``bad_shape``), ``<= 0`` under ``log`` or
        ``boxcox`` without shift (``not_positive``, one problem per
        indicator, naming it), or a transform beyond the largest float
        (``overflow``).
    DefinitionError
        For an unknown method or option, an option out of range, a number of
        methods or names other than one per row, or names given twice.

    Examples
    --------
    >>> t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0], [1.0, 2.0, 4.0, 8.0, 16.0, 1024.0]],
    ...           [Method("skew_kurtosis"), Method("boxcox", {"lambda": 0})], indicators=["a", "b"])
    >>> t.applied, t.points[0].tolist()
    (('winsorise', 'boxcox'), ['', '', '', '', '', 'winhi'])
    >>> t.values[1].round(3).tolist()   # log(x - 1 + 1)
    [0.0, 0.693, 1.386, 2.079, 2.773, 6.931]
    """
    A = _matrix(X, "treat", one_d=False)
    rows, units = A.shape
    names = _names(indicators, rows)
    ms = _methods(methods, rows, names)
    values = A.copy()
    points = np.full((rows, units), "", dtype="<U6")
    applied = np.full(rows, "none", dtype="<U12")
    nwin = np.zeros(rows, dtype=np.int64)
    reason = np.full(rows, "", dtype="<U32")
    skew_t = np.full(rows, _SKEW)
    kurt_t = np.full(rows, _KURTOSIS)
    groups: dict[Method, list[int]] = {}
    if len(set(ms)) == 1:
        groups[ms[0]] = list(range(rows))
    else:  # one method per row was given: group the rows by method
        for k, m in enumerate(ms):
            groups.setdefault(m, []).append(k)
    for m, idx in groups.items():
        if m.name in ("skew_kurtosis", "winsorise"):
            _, skew_t[idx], kurt_t[idx] = _thresholds(m)
        part = _apply(m, A[idx], [names[k] for k in idx])
        values[idx], points[idx], applied[idx] = part.values, part.points, part.applied
        nwin[idx], reason[idx] = part.winsorised, part.reason
    sk0, ku0 = treatment_statistics(A)
    sk1, ku1 = treatment_statistics(values)

    def verdict(sk: FloatArray, ku: FloatArray) -> tuple[bool | None, ...]:
        decided, passed = _test(sk, ku, skew_t, kurt_t)
        return tuple(
            bool(p) if d else None for d, p in zip(decided.tolist(), passed.tolist(), strict=True)
        )

    return Treatment(
        values=values,
        points=points,
        indicators=names,
        method=ms,
        applied=tuple(str(a) for a in applied.tolist()),
        winsorised=nwin,
        skew_before=sk0,
        kurtosis_before=ku0,
        passed_before=verdict(sk0, ku0),
        skew_after=sk1,
        kurtosis_after=ku1,
        passed_after=verdict(sk1, ku1),
        reason=tuple(str(r) for r in reason.tolist()),
        original=A,
    )
