"""The engine behind :mod:`cchc_indicators.progress`: fits, growth, attainment and the methods.

Everything works on arrays of many series at once (shape ``(series, periods)``,
NaN = missing); nothing loops over series in Python. Undefined results are NaN
and carry a *note bit* saying why; :func:`notes` turns the bits into texts.
The public functions, their documentation and the sources are in
:mod:`cchc_indicators.progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError

__all__ = [
    "CHUNK",
    "FEW",
    "HORIZON_YEARS",
    "MISSING",
    "NO_TARGET",
    "NO_TIME",
    "PATHS",
    "Ends",
    "Job",
    "Line",
    "Result",
    "attain_exp",
    "attain_line",
    "by_chunks",
    "cagr_core",
    "check_weights",
    "check_xy",
    "direction",
    "endpoints",
    "escap",
    "fit_line",
    "flag",
    "flags_per_series",
    "infinite",
    "linear",
    "log_line",
    "meets",
    "no_infinity",
    "notes",
    "numbers",
    "open_sdg",
    "per_series",
    "unsd",
    "year",
    "zero_missing",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
TextArray = NDArray[Any]  # of str (object dtype)

#: The projection methods of :func:`cchc_indicators.progress.attainment`.
PATHS = ("linear", "time_weighted", "cagr", "cagr_fitted")

# Open SDG (sdg-build, ProgressMeasure.py): thresholds on the ratio R of observed to
# required CAGR, and on the observed CAGR when there is no target; the exponent of the
# natural-limit coefficient; the stand-in for a zero base or target.
OSDG_RATIO = (0.95, 0.6)
OSDG_GROWTH = (0.015, 0.005)
OSDG_LIMIT_EXPONENT = 4.44
OSDG_ZERO = 0.001
# UNSD Progress Chart 2023: thresholds on (projected - base) / (target - base) and, without
# a target, on the observed CAGR in the desired direction.
UNSD_RATIO = (0.95, 0.10)
UNSD_GROWTH = (0.02, 0.005)
# UNSD Progress Chart: a latest value within this many points of a 0 % or 100 % target meets it.
UNSD_BOUNDS = (0.0, 100.0)
UNSD_TOLERANCE = 1.0
#: How many series are worked on together (see :func:`by_chunks`).
CHUNK = 16384
#: How far past the deadline :func:`assess` looks for attainment by default, in years.
HORIZON_YEARS = 10.0

# --------------------------------------------------------------------------- notes

# One bit per note; a series' notes are the texts of its set bits, joined by "; ".
NOTES = (
    "fewer than two observations",
    "zero base value: growth undefined",
    "values change sign: growth undefined",
    "negative values: growth of the magnitude, direction flipped",
    "zero base value replaced by 0.001 (Open SDG rule)",
    "zero target replaced by 0.001 (Open SDG rule)",
    "target and base value differ in sign: required growth undefined",
    "base value equals the target",
    "no target",
    "limit ignored: it is not in the desired direction from the base value (Open SDG rule)",
    "limit ignored: the series has a target",
    "current value meets the target",
    "no time between the two values",
    "zero value: log-linear fit undefined",
    "missing value",
    "negative values: growth of the magnitude",
    "current value is zero: an exponential path stays at zero",
    "current value within 1 point of a 0 % or 100 % target: met (UNSD rule)",
)
(
    FEW,
    ZERO_BASE,
    SIGN,
    FLIPPED,
    OSDG_ZERO_BASE,
    OSDG_ZERO_TARGET,
    TARGET_SIGN,
    BASE_IS_TARGET,
    NO_TARGET,
    LIMIT_BEHIND,
    LIMIT_IGNORED,
    MET_NOW,
    NO_TIME,
    ZERO_VALUE,
    MISSING,
    MAGNITUDE,
    STAYS_ZERO,
    NEAR_BOUND,
) = (1 << i for i in range(len(NOTES)))


def flag(flags: IntArray, where: BoolArray, bit: int) -> None:
    flags[where] |= bit


def notes(flags: IntArray) -> TextArray:
    """The note texts of each series, from its bits (one text per distinct combination)."""
    out: TextArray = np.full(flags.shape, "", dtype=object)
    if not flags.any():
        return out
    present = np.flatnonzero(np.bincount(flags))
    texts = np.array(
        ["; ".join(t for i, t in enumerate(NOTES) if int(u) >> i & 1) for u in present.tolist()],
        dtype=object,
    )
    lookup = np.zeros(int(present[-1]) + 1, dtype=np.int64)
    lookup[present] = np.arange(present.size)
    result: TextArray = texts[lookup[flags]]
    return result


# --------------------------------------------------------------------------- argument checks


def check_xy(x: ArrayLike, Y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    xa = numbers(x, "x")
    Ya = numbers(Y, "Y")
    if xa.ndim != 1:
        msg = f"x must be one-dimensional (one decimal year per period), got shape {xa.shape}"
        raise DefinitionError(msg)
    if Ya.ndim != 2 or Ya.shape[1] != xa.shape[0]:
        msg = (
            f"Y must have shape (series, periods) with one column per value of x: "
            f"got shape {Ya.shape} for {xa.shape[0]} periods"
        )
        raise DefinitionError(msg)
    if not np.isfinite(xa).all():
        msg = f"x must hold finite decimal years, got {xa.tolist()}"
        raise DefinitionError(msg)
    if xa.size > 1 and not (np.diff(xa) > 0).all():
        msg = f"x must be strictly increasing, got {xa.tolist()}"
        raise DefinitionError(msg)
    return xa, Ya


def no_infinity(*derived: FloatArray, what: str = "Y") -> None:
    """Raise if an infinite value reached ``derived`` (values picked from ``Y``, or ``Y`` itself).

    Checking what a computation used, rather than every cell beforehand, costs a
    pass over the series instead of one over all their values.
    """
    if any(np.isinf(a).any() for a in derived):
        raise infinite(what)


def infinite(what: str = "Y") -> DefinitionError:
    """The error for an infinite value where a number or NaN (missing) belongs."""
    return DefinitionError(
        f"{what} must hold finite values or NaN for a missing value, not infinity"
    )


def numbers(value: object, name: str) -> FloatArray:
    """``value`` as a float array; text (``"80"``) and other non-numbers are refused."""
    raw = np.asarray(value)
    if raw.dtype.kind not in "biuf":
        bad = [v for v in raw.ravel().tolist() if not isinstance(v, (int, float))]
        if bad or raw.dtype.kind != "O":
            shown = bad[0] if bad else raw.ravel()[0]
            msg = f"{name} must hold numbers, got {type(shown).__name__} {shown!r}"
            raise ArgumentTypeError(msg, parameter=name)
    out: FloatArray = raw.astype(np.float64, copy=False)
    return out


def per_series(value: ArrayLike, n: int, name: str) -> FloatArray:
    a = numbers(value, name)
    if a.ndim == 0:
        return np.full(n, float(a))
    if a.shape != (n,):
        msg = f"{name} must be one number or one per series: got shape {a.shape} for {n} series"
        raise DefinitionError(msg)
    return a


def flags_per_series(value: ArrayLike, n: int, name: str) -> BoolArray:
    """One truth value per series, from one value or one per series."""
    a = np.asarray(value)
    if a.dtype != np.bool_:
        msg = f"{name} must be True/False, or one per series, got dtype {a.dtype}"
        raise DefinitionError(msg)
    if a.ndim != 0 and a.shape != (n,):
        msg = f"{name} must be one value or one per series: got shape {a.shape} for {n} series"
        raise DefinitionError(msg)
    return np.broadcast_to(a, (n,))


def direction(value: ArrayLike, n: int) -> FloatArray:
    """+1 where higher is better, -1 where lower is."""
    return np.where(flags_per_series(value, n, "higher_is_better"), 1.0, -1.0)


def year(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        msg = f"{name} must be a decimal year such as 2025 or 2025.75, got {value!r}"
        raise DefinitionError(msg)
    out = float(value)
    if not np.isfinite(out):
        msg = f"{name} must be finite, got {out}"
        raise DefinitionError(msg)
    return out


def meets(v: FloatArray, target: FloatArray, d: FloatArray) -> BoolArray:
    """Whether ``v`` is on the good side of ``target`` (False where either is NaN)."""
    with np.errstate(all="ignore"):
        out: BoolArray = d * (v - target) >= 0
    return out


class Line(NamedTuple):
    slope: FloatArray
    xbar: FloatArray  # weighted mean of the fitted years
    ybar: FloatArray  # weighted mean of the fitted values
    n: IntArray

    def at(self, t: float | FloatArray) -> FloatArray:
        out: FloatArray = self.ybar + self.slope * (t - self.xbar)
        return out


def fit_line(
    x: FloatArray, Y: FloatArray, W: FloatArray | None = None, *, step: float | None = None
) -> Line:
    """Weighted least squares per row of ``Y``, NaN skipped.

    Weights: ``W`` (shape of ``Y``), or with ``step`` the time weights
    ``1 + (year - first observed year) / step``, or none. The sums are taken as
    matrix products over years centred on their mean; time weights are affine in
    the year, so their sums follow from the moments of the years up to the third.
    """
    P = Y.shape[1]
    xr = float(x.mean()) if P else 0.0
    # powers 0..3 of the centred years, one contiguous row each; products with one row at
    # a time are matrix-vector products, which BLAS runs without spawning threads
    X = np.ascontiguousarray(np.vander(x - xr, 4, increasing=True).T)
    ok = ~np.isnan(Y)
    Y0 = zero_missing(Y, ok)
    if W is not None:
        Wf = np.where(ok, W, 0.0)
        with np.errstate(all="ignore"):
            WY = Wf * Y0
            swy, swxy = (WY @ X[i] for i in range(2))
        sw, swx, swxx = (Wf @ X[i] for i in range(3))
        n = (Wf > 0).sum(axis=1)
    else:
        okf = ok.astype(np.float64)
        k = 3 if step is None else 4
        A = [okf @ X[i] for i in range(k)]
        with np.errstate(all="ignore"):
            B = [Y0 @ X[i] for i in range(k - 1)]
        n = np.rint(A[0]).astype(np.int64)
        if step is None:
            sw, swx, swxx = A
            swy, swxy = B
        else:
            x0 = x[ok.argmax(axis=1)] if P else np.zeros(Y.shape[0])
            a, b = 1.0 + (xr - x0) / step, 1.0 / step
            sw, swx, swxx = (a * A[i] + b * A[i + 1] for i in range(3))
            swy, swxy = (a * B[i] + b * B[i + 1] for i in range(2))
    if not np.isfinite(swy).all():  # no NaN is left in Y0: an infinite value got in
        raise infinite()
    den = sw * swxx - swx * swx
    with np.errstate(all="ignore"):
        slope = (sw * swxy - swx * swy) / den
        xbar = swx / sw + xr
        ybar = swy / sw
    bad = (n < 2) | ~(den > 0)
    slope[bad] = np.nan
    ybar[bad] = np.nan
    return Line(slope, xbar, ybar, n.astype(np.int64))


def zero_missing(Y: FloatArray, ok: BoolArray) -> FloatArray:
    """``Y`` with 0.0 where ``ok`` is False: the bits ANDed with all ones or all zeros.

    Same result as ``np.where(ok, Y, 0.0)``, a few times faster on large blocks.
    """
    mask = ok.view(np.int8).astype(np.int64)
    np.negative(mask, out=mask)  # True -> -1 (all bits set), False -> 0
    out: FloatArray = (Y.view(np.int64) & mask).view(np.float64)
    return out


def check_weights(x: FloatArray, Y: FloatArray, weights: ArrayLike | None) -> FloatArray | None:
    if weights is None:
        return None
    W = np.asarray(weights, dtype=np.float64)
    if W.shape not in (x.shape, Y.shape):
        msg = f"weights must have shape {x.shape} or {Y.shape}, got {W.shape}"
        raise DefinitionError(msg)
    if not (np.isfinite(W) & (W >= 0)).all():
        msg = "weights must be finite and non-negative"
        raise DefinitionError(msg)
    return np.broadcast_to(W, Y.shape)


def cagr_core(v0: FloatArray, v1: FloatArray, years: FloatArray) -> tuple[FloatArray, IntArray]:
    """Growth from ``v0`` to ``v1`` over ``years``, NaN and a note bit where undefined."""
    flags = np.zeros(np.broadcast(v0, v1, years).shape, dtype=np.int64)
    missing = np.isnan(v0) | np.isnan(v1) | np.isnan(years)
    no_time = ~missing & ~(years > 0)
    zero = ~missing & (v0 == 0)
    sign = ~missing & (v0 * v1 < 0)
    flag(flags, missing, MISSING)
    flag(flags, no_time, NO_TIME)
    flag(flags, zero, ZERO_BASE)
    flag(flags, sign, SIGN)
    flag(flags, ~missing & (v0 < 0) & ~sign, MAGNITUDE)
    with np.errstate(all="ignore"):
        rate = (v1 / v0) ** (1.0 / years) - 1.0
    rate = np.where(missing | no_time | zero | sign, np.nan, rate)
    return rate, flags


def log_line(x: FloatArray, Y: FloatArray) -> tuple[Line, FloatArray, IntArray]:
    """Least squares on log |Y| per series; the sign of the values, and note bits."""
    ok = ~np.isnan(Y)
    n = ok.sum(axis=1)
    pos = (ok & (Y > 0)).sum(axis=1)
    neg = (ok & (Y < 0)).sum(axis=1)
    zero = (ok & (Y == 0)).any(axis=1)
    flags = np.zeros(Y.shape[0], dtype=np.int64)
    flag(flags, n < 2, FEW)
    flag(flags, zero, ZERO_VALUE)
    flag(flags, (pos > 0) & (neg > 0), SIGN)
    flag(flags, (neg > 0) & (pos == 0) & ~zero, MAGNITUDE)
    good = ~zero & ((pos == 0) | (neg == 0))
    with np.errstate(all="ignore"):
        L = np.where(good[:, None], np.log(np.abs(Y)), np.nan)
    sign = np.where(neg > 0, -1.0, 1.0)
    return fit_line(x, L), sign, flags


def finish(
    t_star: FloatArray, met0: BoolArray, t0: float, horizon: float, step: float | None
) -> FloatArray:
    """The attainment period: ``t0`` where met already, else the crossing if ahead and in time."""
    with np.errstate(all="ignore"):
        ahead = t_star > t0
        if step is not None:
            t_star = t0 + np.ceil((t_star - t0) / step - 1e-9) * step
        in_time = ahead & (t_star <= horizon + 1e-9)
    return np.where(met0, t0, np.where(in_time, t_star, np.nan))


def attain_line(
    line: Line, target: FloatArray, d: FloatArray, t0: float, horizon: float, step: float | None
) -> FloatArray:
    met0 = meets(line.at(t0), target, d)
    with np.errstate(all="ignore"):
        t_star = line.xbar + (target - line.ybar) / line.slope
    return finish(t_star, met0, t0, horizon, step)


def attain_exp(
    v_ref: FloatArray,
    x_ref: FloatArray,
    rate: FloatArray,
    target: FloatArray,
    d: FloatArray,
    t0: float,
    horizon: float,
    step: float | None,
) -> tuple[FloatArray, IntArray]:
    """Attainment along ``v_ref * (1 + rate) ** (t - x_ref)``."""
    with np.errstate(all="ignore"):
        # (NaN ** 0 is 1: an undefined rate must not make the path meet the target)
        met0 = meets(v_ref * (1.0 + rate) ** (t0 - x_ref), target, d) & ~np.isnan(rate)
        t_star = x_ref + np.log(target / v_ref) / np.log1p(rate)
    flags = np.zeros(v_ref.shape, dtype=np.int64)
    flag(flags, (v_ref == 0) & ~np.isnan(rate) & ~met0, STAYS_ZERO)
    return finish(t_star, met0, t0, horizon, step), flags


class Ends(NamedTuple):
    """The first and last observation of each series (NaN where there is none)."""

    some: BoolArray  # at least one observation
    enough: BoolArray  # at least two
    x0: FloatArray
    v0: FloatArray
    x1: FloatArray
    v1: FloatArray


def endpoints(x: FloatArray, Y: FloatArray) -> Ends:
    S, P = Y.shape
    if P == 0:
        nan, no = np.full(S, np.nan), np.zeros(S, dtype=np.bool_)
        return Ends(no, no, nan, nan, nan, nan)
    ok = ~np.isnan(Y)
    first = ok.argmax(axis=1)
    last = P - 1 - ok[:, ::-1].argmax(axis=1)
    flat = Y.reshape(-1)
    start = np.arange(S) * P
    v0, v1 = flat[start + first], flat[start + last]
    no_infinity(v0, v1)
    some = ~np.isnan(v0)
    return Ends(
        some,
        some & (last > first),
        np.where(some, x[first], np.nan),
        v0,
        np.where(some, x[last], np.nan),
        v1,
    )


def by_chunks(n: int, fn: Callable[[slice], tuple[NDArray[Any], ...]]) -> tuple[NDArray[Any], ...]:
    """``fn`` applied to consecutive row ranges of ``CHUNK`` rows, results concatenated.

    Working on blocks of rows keeps the temporaries in the processor's cache;
    each block is still one vectorised pass over its series.
    """
    if n <= CHUNK:
        return fn(slice(0, n))
    parts = [fn(slice(i, min(i + CHUNK, n))) for i in range(0, n, CHUNK)]
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


class Result(NamedTuple):
    projected: FloatArray
    code: IntArray  # index into CATEGORIES[method]; len(...) for ''
    score: FloatArray
    status_index: FloatArray
    period: FloatArray
    flags: IntArray


def select(conditions: list[BoolArray], codes: list[int], default: int) -> IntArray:
    out: IntArray = np.select(conditions, codes, default).astype(np.int64)
    return out


def limit_coefficient(base: FloatArray, limit: FloatArray) -> FloatArray:
    """Open SDG's scaling of the no-target thresholds near a natural limit (1 without one)."""
    b, lim, a = np.abs(base), np.abs(limit), OSDG_LIMIT_EXPONENT
    with np.errstate(all="ignore"):
        c = np.where(
            b >= 2 * lim,
            1.0,
            np.where(b <= lim, 1 - (b / lim) ** a, 1 - ((2 * lim - b) / lim) ** a),
        )
    return np.where(np.isnan(limit), 1.0, c)


class Job(NamedTuple):
    x: FloatArray
    Y: FloatArray
    target: FloatArray
    d: FloatArray
    limit: FloatArray
    x_now: float
    x_deadline: float
    horizon: float
    percent: BoolArray  # whether the values are percentages (unsd's 1-point rule)


def open_sdg(j: Job) -> Result:
    """Statistics Canada's progress measure, as Open SDG's ``ProgressMeasure.py`` computes it."""
    e, T, d, xT = endpoints(j.x, j.Y), j.target, j.d, j.x_deadline
    S = T.shape[0]
    has_t = ~np.isnan(T)
    enough = e.enough
    # the specification replaces a zero target by 0.001 everywhere, the "target met" check included
    Tz = np.where(T == 0, OSDG_ZERO, T)
    with np.errstate(all="ignore"):
        achieved = d * (e.v1 - Tz) >= 0  # False where either is NaN
        zero_base = enough & (e.v0 == 0)
        v0 = np.where(zero_base, OSDG_ZERO, e.v0)
        q = e.v1 / v0
        ok = enough & (q >= 0)  # same sign (or a zero current value)
        g = q ** (1.0 / (e.x1 - e.x0)) - 1.0
        g[~ok] = np.nan
        growth = np.where(v0 < 0, -d, d) * g  # the sign flip for negative values
        qt = Tz / v0
        required = qt ** (1.0 / (xT - e.x0)) - 1.0
        progress = np.where(has_t, growth / np.abs(required), growth)
        target_sign = ok & has_t & ~(qt > 0)
        base_is_target = ok & has_t & (required == 0)
        valid = ok & ~target_sign & ~base_is_target
        progress[~valid] = np.nan
        high = np.where(has_t, OSDG_RATIO[0], OSDG_GROWTH[0])
        med = np.where(has_t, OSDG_RATIO[1], OSDG_GROWTH[1])
        # only a limit ahead of the base in the desired direction bounds progress (a maximum
        # for a rising indicator, a minimum for a falling one); the methodology ignores others
        has_limit = ~np.isnan(j.limit)
        behind = ~has_t & has_limit & (d * (v0 - j.limit) > 0)
        near = ~has_t & has_limit & ok & ~behind
        if near.any():
            coef = limit_coefficient(v0[near], j.limit[near])
            high[near] *= coef
            med[near] *= coef
        code = np.where(
            progress >= high, 1, np.where(progress >= med, 2, np.where(progress >= 0, 3, 4))
        )
    code[~valid] = 5
    code[base_is_target & (growth < 0)] = 4
    code[achieved & has_t] = 0
    flags = np.zeros(S, dtype=np.int64)
    flag(flags, ~enough, FEW)
    flag(flags, zero_base, OSDG_ZERO_BASE)
    flag(flags, e.some & (T == 0), OSDG_ZERO_TARGET)
    flag(flags, enough & ~(q >= 0), SIGN)
    flag(flags, valid & (v0 < 0), FLIPPED)
    flag(flags, target_sign, TARGET_SIGN)
    flag(flags, base_is_target, BASE_IS_TARGET)
    flag(flags, has_t & has_limit, LIMIT_IGNORED)
    flag(flags, enough & behind, LIMIT_BEHIND)
    with np.errstate(all="ignore"):
        projected = e.v1 * (1.0 + g) ** (xT - e.x1)
    period, stays = attain_exp(e.v1, e.x1, g, Tz, d, j.x_now, j.horizon, None)
    flags |= stays
    return Result(projected, code.astype(np.int64), progress, np.full(S, np.nan), period, flags)


def unsd(j: Job) -> Result:
    e, T, d, xT = endpoints(j.x, j.Y), j.target, j.d, j.x_deadline
    S = T.shape[0]
    flags = np.zeros(S, dtype=np.int64)
    has_t = ~np.isnan(T)
    enough = e.enough
    # within 1 point of a 0 % or 100 % target counts as met: the target of the "met" checks
    # (now and on the projected path) moves one point towards the value
    near_bound = j.percent & np.isin(T, UNSD_BOUNDS)
    T_met = np.where(near_bound, T - d * UNSD_TOLERANCE, T)
    met_now = has_t & meets(e.v1, T_met, d)
    g, growth_flags = cagr_core(e.v0, e.v1, e.x1 - e.x0)
    ok = enough & ~np.isnan(g)
    with np.errstate(all="ignore"):
        projected = e.v1 * (1.0 + g) ** (xT - e.x1)
        ratio = (projected - e.v0) / (T - e.v0)
    base_is_target = ok & has_t & (e.v0 == T)
    sign = np.where(e.v0 < 0, -1.0, 1.0)
    growth = sign * d * g
    score_t = select([ratio >= UNSD_RATIO[0], ratio >= UNSD_RATIO[1]], [3, 2], 1)
    score_n = select([growth >= UNSD_GROWTH[0], growth >= UNSD_GROWTH[1]], [3, 2], 1)
    score = np.where(
        met_now,
        3.0,
        np.where(
            has_t,
            np.where(ok & ~base_is_target, score_t, np.nan),
            np.where(ok, score_n, np.nan),
        ),
    )
    code = np.where(np.isnan(score), 3, 3 - np.nan_to_num(score)).astype(np.int64)
    flag(flags, ~enough, FEW)
    growth_flags[~enough] = 0
    growth_flags &= ~MAGNITUDE
    flags |= growth_flags
    flag(flags, ok & (e.v0 < 0) & has_t, MAGNITUDE)
    flag(flags, ok & (e.v0 < 0) & ~has_t, FLIPPED)
    flag(flags, base_is_target & ~met_now, BASE_IS_TARGET)
    met_exactly = has_t & meets(e.v1, T, d)
    flag(flags, met_exactly, MET_NOW)
    flag(flags, met_now & ~met_exactly, NEAR_BOUND)
    period, stays = attain_exp(e.v1, e.x1, g, T_met, d, j.x_now, j.horizon, None)
    flags |= stays
    return Result(projected, code, score, np.full(S, np.nan), period, flags)


def linear(j: Job) -> Result:
    return _linear_or_escap(j, weighted=False)


def escap(j: Job) -> Result:
    return _linear_or_escap(j, weighted=True)


def _linear_or_escap(j: Job, weighted: bool) -> Result:
    T, d = j.target, j.d
    S = T.shape[0]
    line = fit_line(j.x, j.Y, step=1.0 if weighted else None)
    projected = line.at(j.x_deadline)
    has_t = ~np.isnan(T)
    judged = has_t & (line.n >= 2)
    flags = np.zeros(S, dtype=np.int64)
    flag(flags, line.n < 2, FEW)
    flag(flags, ~has_t, NO_TARGET)
    period = attain_line(line, T, d, j.x_now, j.horizon, None)
    met = meets(projected, T, d)
    if not weighted:
        code = select([~judged, met], [2, 0], default=1)
        score = np.where(judged, d * (T - projected), np.nan)
        return Result(projected, code, score, np.full(S, np.nan), period, flags)
    e = endpoints(j.x, j.Y)
    base_is_target = judged & (e.v0 == T)
    with np.errstate(all="ignore"):
        current = np.where(judged & ~base_is_target, (e.v1 - e.v0) / (T - e.v0), np.nan)
        anticipated = np.where(judged & ~base_is_target, (projected - e.v0) / (T - e.v0), np.nan)
        better = d * (projected - e.v0) > 0
    code = select([~judged, met, better], [3, 0, 1], default=2)
    flag(flags, base_is_target, BASE_IS_TARGET)
    return Result(projected, code, anticipated, current, period, flags)


# --------------------------------------------------------------------------- public functions
# The work of cchc_indicators.progress's functions, once it has checked their arguments.


def floats(value: float | Sequence[float] | NDArray[Any]) -> FloatArray:
    """A read-only float array (an :class:`~cchc_indicators.progress.Assessment` field)."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64 and not value.flags.writeable:
        return value
    out = np.array(value, dtype=np.float64)
    out.flags.writeable = False
    return out


def texts(value: Sequence[str] | NDArray[Any]) -> TextArray:
    """A read-only object array of str (an :class:`~cchc_indicators.progress.Assessment` field)."""
    if isinstance(value, np.ndarray) and value.dtype == object and not value.flags.writeable:
        return value
    out = np.array(value, dtype=object)
    out.flags.writeable = False
    return out


def same(a: NDArray[Any], b: NDArray[Any]) -> bool:
    """Array equality for attrs, NaN equal to NaN in float arrays."""
    if a.dtype.kind == "f" and b.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def attain(
    method: str,
    xa: FloatArray,
    Ya: FloatArray,
    T: FloatArray,
    d: FloatArray,
    t0: float,
    hz: float,
    step: float | None,
) -> tuple[FloatArray, IntArray]:
    """When each series' projection by ``method`` (one of :data:`PATHS`) meets ``T``, and notes."""
    S = Ya.shape[0]
    flags = np.zeros(S, dtype=np.int64)
    flag(flags, np.isnan(T), NO_TARGET)
    if method in ("linear", "time_weighted"):
        line = fit_line(xa, Ya, step=1.0 if method == "time_weighted" else None)
        flag(flags, line.n < 2, FEW)
        period = attain_line(line, T, d, t0, hz, step)
    else:
        if method == "cagr":
            e = endpoints(xa, Ya)
            rate, more = cagr_core(e.v0, e.v1, e.x1 - e.x0)
            flag(flags, ~e.enough, FEW)
            more[~e.enough] = 0
            v_ref, x_ref = e.v1, e.x1
        else:
            line, sign, more = log_line(xa, Ya)
            rate = np.expm1(line.slope)
            v_ref, x_ref = sign * np.exp(line.ybar), line.xbar
        period, stays = attain_exp(v_ref, x_ref, rate, T, d, t0, hz, step)
        flags |= more | stays
    return period, flags


def required_change(
    xa: FloatArray, Ya: FloatArray, target: ArrayLike, x_deadline: object, relative: bool
) -> tuple[FloatArray, IntArray]:
    """The change per year from each series' last value to ``target`` by ``x_deadline``, and notes."""
    e = endpoints(xa, Ya)
    T = per_series(target, Ya.shape[0], "target")
    years = year(x_deadline, "x_deadline") - e.x1
    if relative:
        value, flags = cagr_core(e.v1, T, years)
        flags[np.isnan(T) & ~np.isnan(e.v1)] = NO_TARGET
    else:
        flags = np.zeros(Ya.shape[0], dtype=np.int64)
        flag(flags, ~e.some, MISSING)
        flag(flags, np.isnan(T), NO_TARGET)
        no_time = e.some & ~(years > 0)
        flag(flags, no_time, NO_TIME)
        with np.errstate(all="ignore"):
            value = np.where(no_time, np.nan, (T - e.v1) / years)
    return value, flags


def observed_change(xa: FloatArray, Ya: FloatArray, relative: bool) -> tuple[FloatArray, IntArray]:
    """The change per year from each series' first to its last value, and notes."""
    e = endpoints(xa, Ya)
    few = ~e.enough
    if relative:
        value, flags = cagr_core(e.v0, e.v1, e.x1 - e.x0)
        flags[few] = FEW
        value[few] = np.nan
    else:
        flags = np.zeros(Ya.shape[0], dtype=np.int64)
        flag(flags, few, FEW)
        with np.errstate(all="ignore"):
            value = np.where(few, np.nan, (e.v1 - e.v0) / (e.x1 - e.x0))
    return value, flags


def assess_fields(
    method: str,
    names: TextArray,
    x: ArrayLike,
    Y: ArrayLike,
    x_now: float,
    x_deadline: float,
    target: ArrayLike,
    higher_is_better: ArrayLike,
    limit: ArrayLike | None,
    horizon: float | None,
    x_base: float | None,
    percent: ArrayLike,
) -> dict[str, NDArray[Any]]:
    """The fields of an :class:`~cchc_indicators.progress.Assessment` by a known ``method``.

    ``names`` are the method's categories, best first, then ``''``.
    """
    xa, Ya = check_xy(x, Y)
    S = Ya.shape[0]
    now = year(x_now, "x_now")
    deadline = year(x_deadline, "x_deadline")
    if deadline < now:
        msg = f"x_deadline ({deadline:g}) is before x_now ({now:g}): a projection looks forward"
        raise DefinitionError(msg)
    hz = deadline + HORIZON_YEARS if horizon is None else year(horizon, "horizon")
    if hz < now:
        msg = f"horizon ({hz:g}) is before x_now ({now:g})"
        raise DefinitionError(msg)
    lo = 0 if x_base is None else int(np.searchsorted(xa, year(x_base, "x_base"), "left"))
    hi = int(np.searchsorted(xa, now, "right"))
    xw, Yw = xa[lo:hi], Ya[:, lo:hi]
    T = per_series(target, S, "target")
    d = direction(higher_is_better, S)
    L = per_series(np.nan if limit is None else limit, S, "limit")
    pct = flags_per_series(percent, S, "percent")
    run = {
        "open-sdg": open_sdg,
        "unsd": unsd,
        "linear": linear,
        "escap": escap,
    }[method]

    def part(rows: slice) -> Result:
        # overflow (a growth rate continued far) gives inf, undefined steps NaN: both expected
        with np.errstate(all="ignore"):
            return run(Job(xw, Yw[rows], T[rows], d[rows], L[rows], now, deadline, hz, pct[rows]))

    r = Result(*by_chunks(S, part))
    fields = {
        "projected": r.projected,
        "category": names[r.code],
        "score": r.score,
        "attainment": r.period,
        "note": notes(r.flags),
        "status_index": r.status_index,
    }
    for array in fields.values():
        array.flags.writeable = False  # ours alone: the Assessment keeps them without a copy
    return fields
