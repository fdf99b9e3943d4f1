"""The numeric engine behind :mod:`cchc_indicators.survey`: sufficient statistics and intervals.

Everything here works on whole arrays. Responses are reduced with
:func:`numpy.bincount` to small per-unit states (sums that merge by addition),
the states are pooled up the hierarchy by the roll-up engine's
:func:`~cchc_indicators.engine._state._by_scope`, and intervals are computed from the
pooled sums. Shares are proportions in [0, 1] here; the public module speaks
in percent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import describe
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError
from cchc_indicators.core.scopes import Scope
from cchc_indicators.engine._state import _by_scope
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:
    from cchc_indicators.survey._data import Responses

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
State = dict[str, FloatArray]

#: Respondents x columns entries per bootstrap chunk (bounds the memory used).
_CHUNK_CELLS = 4_000_000
#: Respondents per segment in the bootstrap's batched matrix products.
_SEGMENT = 64


def check_confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
        msg = (
            f"the confidence level is a number between 0 and 1 (0.95 for 95 %), got {confidence!r}"
        )
        raise DefinitionError(msg)
    if not 0.0 < float(confidence) < 1.0:
        msg = f"the confidence level must lie strictly between 0 and 1 (0.95 for 95 %), got {confidence!r}"
        raise DefinitionError(msg)
    return float(confidence)


def numbers(x: object, *, func: str, parameter: str) -> FloatArray:
    """``x`` as a float array, or an ArgumentTypeError saying numbers are expected.

    Examples
    --------
    >>> numbers([1, 2.5], func="f", parameter="x")
    array([1. , 2.5])
    >>> numbers("90", func="f", parameter="x")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.ArgumentTypeError: f: 'x' must be a number or a sequence of numbers, got str '90'
    """
    if not isinstance(x, (str, bytes)):
        try:
            out: FloatArray = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            pass
        else:
            return out
    msg = f"{func}: {parameter!r} must be a number or a sequence of numbers, got {describe(x)}"
    raise ArgumentTypeError(msg, parameter=parameter)


def check_range(
    x: FloatArray,
    func: str,
    parameter: str,
    what: str,
    low: float,
    high: float,
    *,
    nan: bool = True,
) -> None:
    """Raise a DefinitionError naming the first value of ``x`` outside [low, high] or not finite.

    NaN (a missing value) passes when ``nan`` is true.

    Examples
    --------
    >>> check_range(np.array([5.0, -1.0]), "f", "share", "a percent", 0.0, 100.0)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: f: 'share' must be a percent, got -1 (position 1)
    """
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(x) & (x >= low) & (x <= high)
    if nan:
        ok |= np.isnan(x)
    if ok.all():
        return
    i = int(np.flatnonzero(~ok.ravel())[0])
    where = f" (position {i})" if x.ndim else ""
    msg = f"{func}: {parameter!r} must be {what}, got {float(x.ravel()[i]):g}{where}"
    raise DefinitionError(msg)


#: How many binary orders of magnitude design weights may span: scaled to at most 1, the
#: smallest then squares to a normal float (2**-1000), so no variance term is lost.
WEIGHT_SPAN = 500


def check_weight_span(w: FloatArray, source: str) -> None:
    """Refuse weights more than 2**500 (about 3e150) apart: their squares cannot share a scale.

    Examples
    --------
    >>> check_weight_span(np.array([1e-200, 1e-50, 1e100]), "<records>")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: <records>: the design weights range from 1e-200 to 1e+100, more than 2**500 (about 3e150) apart; their squares cannot be taken on one scale in floating point: check the weight column
    """
    if not len(w):
        return
    low, high = float(np.min(w)), float(np.max(w))
    if low > 0 and math.frexp(high)[1] - math.frexp(low)[1] > WEIGHT_SPAN:
        msg = (
            f"{source}: the design weights range from {low:g} to {high:g}, more than 2**500 "
            "(about 3e150) apart; their squares cannot be taken on one scale in floating point: "
            "check the weight column"
        )
        raise DefinitionError(msg)


def unit_weights(w: FloatArray) -> tuple[FloatArray, int]:
    """Weights scaled by a power of two so the largest lies in [0.5, 1), and that power.

    Shares, effective sizes and variances do not depend on the scale of the
    weights, but their squares overflow from about 1e154 and vanish below
    about 1e-162. Scaling by a power of two is exact, so ordinary weights give
    bit for bit the same results; totals are scaled back with ``ldexp``.

    Examples
    --------
    >>> unit_weights(np.array([1e200, 3e200]))[1]
    666
    >>> unit_weights(np.array([1.0, 3.0]))
    (array([0.25, 0.75]), 2)
    """
    top = float(np.max(w)) if len(w) else 0.0
    if not (top > 0 and np.isfinite(top)):
        return w, 0
    k = int(np.frexp(top)[1])
    out: FloatArray = np.ldexp(w, -k)
    return out, k


def bincount(x: IntArray, weights: Any = None, minlength: int = 0) -> FloatArray:
    """:func:`numpy.bincount` as floats (the sums the engine pools)."""
    out: FloatArray = np.bincount(x, weights=weights, minlength=minlength).astype(
        np.float64, copy=False
    )
    return out


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.959964 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson(p: Any, n: Any, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for proportions ``p`` (in [0, 1]) on ``n`` trials (NaN where n <= 0)."""
    p_arr = np.asarray(p, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    ok = (n_arr > 0) & np.isfinite(p_arr)
    n_safe = np.where(ok, n_arr, 1.0)
    p_safe = np.where(ok, np.clip(p_arr, 0.0, 1.0), 0.5)
    z2 = z * z
    denom = 1.0 + z2 / n_safe
    centre = (p_safe + z2 / (2.0 * n_safe)) / denom
    half = z * np.sqrt(p_safe * (1.0 - p_safe) / n_safe + z2 / (4.0 * n_safe * n_safe)) / denom
    # the bounds contain p in exact arithmetic; clip away rounding at p = 0 or 1
    lower = np.where(ok, np.clip(np.minimum(centre - half, p_safe), 0.0, 1.0), np.nan)
    upper = np.where(ok, np.clip(np.maximum(centre + half, p_safe), 0.0, 1.0), np.nan)
    return lower, upper


def ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den, NaN where den is 0 (never inf)."""
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def percent(num: FloatArray, den: FloatArray) -> FloatArray:
    """100 num / den, NaN where den is 0, kept in [0, 100] (num * 100 / num may round above 100)."""
    out: FloatArray = np.minimum(ratio(num * 100.0, den), 100.0)
    return out


def pool(state: State, h: Hierarchy, scope: Scope) -> State:
    """Pool per-unit sums (units x k arrays, any k) into scope sums with the roll-up engine.

    The arrays are laid side by side and pooled in one pass per level (every
    field is a sum, so pooling is addition); the result holds new arrays.
    """
    names = list(state)
    widths = [state[name].shape[1] for name in names]
    matrix = np.concatenate([state[name] for name in names], axis=1)
    if matrix.shape[1]:
        matrix = _by_scope({"x": matrix}, {"x": "add"}, h, scope)["x"]
    out: State = {}
    start = 0
    for name, width in zip(names, widths, strict=True):
        out[name] = matrix[:, start : start + width]
        start += width
    return out


# ---------------------------------------------------------------------- questions


def question_state(
    cell: IntArray,
    key: IntArray,
    weight: FloatArray | None,
    n_cells: int,
    n_levels: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per (unit, question) cell: answer counts, weighted answer counts, sum of squared weights.

    ``cell`` is ``unit * n_questions + question`` for each answer and ``key``
    is ``cell * n_levels + (answer - low)``. Returns the unweighted and
    weighted counts of each answer value, shape (cells, levels), and the sum
    of w**2 per cell (the counts when unweighted): three passes over the answers.
    """
    size = n_cells * n_levels
    counts = bincount(key, minlength=size).reshape(n_cells, n_levels)
    if weight is None:
        return counts, counts, counts.sum(axis=1)
    wcounts = bincount(key, weights=weight, minlength=size).reshape(n_cells, n_levels)
    s2 = bincount(cell, weights=weight * weight, minlength=n_cells)
    return counts, wcounts, s2


# ---------------------------------------------------------------------- elements


def respondent_moments(
    respondent: IntArray,
    element: IntArray,
    satisfied: BoolArray,
    n_respondents: int,
    n_elements: int,
) -> tuple[FloatArray, FloatArray]:
    """Per respondent and element: satisfied answers y and answers m (rows outside elements skipped)."""
    inside = element >= 0
    key = respondent[inside] * n_elements + element[inside]
    size = n_respondents * n_elements
    y = bincount(key, weights=satisfied[inside], minlength=size)
    m = bincount(key, minlength=size)
    return y.reshape(n_respondents, n_elements), m.reshape(n_respondents, n_elements)


def element_columns(y: FloatArray, m: FloatArray, w: FloatArray) -> dict[str, FloatArray]:
    """The per-respondent columns whose sums give element and overall shares and variances.

    For each element e: A = w y, B = w m, and w**2 y**2, w**2 y m, w**2 m**2
    (the linearised variance of A/B), the respondent counts (n, w, w**2 of
    respondents with an answer) and the answers. For the overall index (the
    mean of the element shares) the cross moments w**2 y_e y_f, w**2 y_e m_f
    and w**2 m_e m_f, and the same respondent counts.
    """
    w_col = w[:, None]
    w2 = w_col * w_col
    has = (m > 0).astype(np.float64)
    any_ = (m.sum(axis=1) > 0).astype(np.float64)[:, None]
    r = len(w)
    return {
        "A": w_col * y,
        "B": w_col * m,
        "yy": w2 * y * y,
        "ym": w2 * y * m,
        "mm": w2 * m * m,
        "n": has,
        "s1": w_col * has,
        "s2": w2 * has,
        "answers": m,
        "Cyy": (w2[:, :, None] * y[:, :, None] * y[:, None, :]).reshape(r, -1),
        "Cym": (w2[:, :, None] * y[:, :, None] * m[:, None, :]).reshape(r, -1),
        "Cmm": (w2[:, :, None] * m[:, :, None] * m[:, None, :]).reshape(r, -1),
        "all_n": any_,
        "all_s1": w_col * any_,
        "all_s2": w2 * any_,
        "all_answers": m.sum(axis=1)[:, None],
    }


def sum_by_unit(columns: Mapping[str, FloatArray], unit: IntArray, n_units: int) -> State:
    """Sum the rows of each (respondents x k) column block into units, in one bincount."""
    names = list(columns)
    widths = [columns[c].shape[1] for c in names]
    matrix = np.concatenate([columns[c] for c in names], axis=1)
    total = matrix.shape[1]
    idx = (unit[:, None] * total + np.arange(total)).ravel()
    summed = bincount(idx, weights=matrix.ravel(), minlength=n_units * total)
    summed = summed.reshape(n_units, total)
    out: State = {}
    start = 0
    for name, width in zip(names, widths, strict=True):
        out[name] = summed[:, start : start + width].copy()
        start += width
    return out


#: A variance below this fraction of the sums it is the difference of is rounding: zero.
_CANCELLATION = 1e-12


def design_n_eff(
    p: FloatArray, variance: FloatArray, size: FloatArray, cap: FloatArray, fallback: FloatArray
) -> FloatArray:
    """Effective sample size p(1-p)/v (Korn & Graubard), at most ``cap``.

    ``variance`` is a difference of sums and ``size`` the sum of their
    magnitudes: where the variance is within rounding of zero the answers do
    not vary between respondents, and the size is ``cap`` (the answers, as if
    independent). Where p is 0 or 1, p(1-p)/v is 0/0 and the size is
    ``fallback`` (Kish's size of the respondents).
    """
    spread = p * (1.0 - p)
    positive = variance > _CANCELLATION * size
    out = np.full(np.shape(p), np.nan)
    np.divide(spread, variance, out=out, where=positive)
    out = np.where(positive, np.minimum(out, cap), cap)
    out = np.where(spread > 0, out, np.minimum(fallback, cap))
    result: FloatArray = np.where(np.isnan(p), np.nan, out)
    return result


def element_estimates(
    s: State, n_elements: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Element shares and effective sizes, overall share and effective size, from pooled sums."""
    a, b = s["A"], s["B"]
    share = ratio(a, b)
    r0 = np.nan_to_num(share)
    b2 = np.where(b > 0, b, 1.0) ** 2
    var = (s["yy"] - 2.0 * r0 * s["ym"] + r0 * r0 * s["mm"]) / b2
    size = (s["yy"] + r0 * r0 * s["mm"]) / b2
    kish = ratio(s["s1"] * s["s1"], s["s2"])
    n_eff = design_n_eff(share, var, size, s["answers"], kish)
    # the overall index: the unweighted mean of the element shares
    overall = share.mean(axis=1)  # NaN when an element has no answer in scope
    e = n_elements
    cyy = s["Cyy"].reshape(-1, e, e)
    cym = s["Cym"].reshape(-1, e, e)
    cmm = s["Cmm"].reshape(-1, e, e)
    re, rf = r0[:, :, None], r0[:, None, :]
    b_safe = np.where(b > 0, b, 1.0)
    bb = b_safe[:, :, None] * b_safe[:, None, :]
    cov = (cyy - rf * cym - re * np.swapaxes(cym, 1, 2) + re * rf * cmm) / bb
    magnitude = (np.abs(cyy) + np.abs(re * rf * cmm)) / bb
    var_all = cov.sum(axis=(1, 2)) / (e * e)
    size_all = magnitude.sum(axis=(1, 2)) / (e * e)
    kish_all = ratio(s["all_s1"][:, 0] ** 2, s["all_s2"][:, 0])
    n_eff_all = design_n_eff(overall, var_all, size_all, s["all_answers"][:, 0], kish_all)
    return share, n_eff, overall, n_eff_all


# ---------------------------------------------------------------------- bootstrap


def bootstrap_totals(
    columns: FloatArray,
    cell: IntArray,
    unit_of_cell: IntArray,
    n_units: int,
    replications: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Per unit, replication and column: column totals over respondents resampled within cells.

    Respondents are drawn with replacement within their cell (unit and
    stratum), as many as the cell holds, ``replications`` times. ``columns``
    has one row per respondent; cells must be numbered unit by unit (all
    cells of unit 0 first). Returns shape (units, replications, columns).

    The draws become counts (how often each respondent was drawn); the
    resampled totals are then batched matrix products of counts and columns
    over segments of at most :data:`_SEGMENT` respondents of one unit, added
    up per unit. Replications go in chunks that bound the memory used.
    """
    r, k = columns.shape
    out = np.zeros((n_units, replications, k))
    if r == 0:
        return out
    order = np.argsort(cell, kind="stable")
    cell_sorted = cell[order]
    sizes = np.bincount(cell_sorted, minlength=len(unit_of_cell))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    slot_start = starts[cell_sorted]
    slot_size = sizes[cell_sorted].astype(np.float64)
    unit_sorted = unit_of_cell[cell_sorted]
    # respondents (in cell order, hence unit by unit) cut into segments within a unit
    per_unit = np.bincount(unit_sorted, minlength=n_units)
    unit_start = np.concatenate([[0], np.cumsum(per_unit)[:-1]]).astype(np.int64)
    pos_in_unit = np.arange(r) - unit_start[unit_sorted]
    segs_of_unit = -(-per_unit // _SEGMENT)
    seg_base = np.concatenate([[0], np.cumsum(segs_of_unit)[:-1]]).astype(np.int64)
    n_seg = int(segs_of_unit.sum())
    flat_slot = (
        seg_base[unit_sorted] + pos_in_unit // _SEGMENT
    ) * _SEGMENT + pos_in_unit % _SEGMENT
    flat = np.zeros((n_seg * _SEGMENT, k))
    flat[flat_slot] = columns[order]
    padded = flat.reshape(n_seg, _SEGMENT, k)
    present = np.flatnonzero(per_unit)
    cells_total = n_seg * _SEGMENT
    chunk = max(1, min(replications, _CHUNK_CELLS // max(cells_total, 1)))
    for b0 in range(0, replications, chunk):  # a loop over chunks of replications only
        nb = min(chunk, replications - b0)
        # for each slot, the respondent drawn from the slot's cell (a position in cell order)
        draws = slot_start + np.floor(rng.random((nb, r)) * slot_size).astype(np.int64)
        target = (np.arange(nb)[:, None] * cells_total + flat_slot[draws]).ravel()
        counts = bincount(target, minlength=nb * cells_total)
        counts = counts.reshape(nb, n_seg, _SEGMENT).transpose(1, 0, 2)
        seg_totals = np.matmul(counts, padded)  # segments x replications x columns
        out[present, b0 : b0 + nb, :] = np.add.reduceat(seg_totals, seg_base[present], axis=0)
    return out


def percentile_bounds(replicates: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval over the last axis, ignoring NaN replications (NaN where all are).

    The quantiles interpolate linearly between order statistics, as
    :func:`numpy.nanquantile` does by default, for all rows at once.
    """
    alpha = 1.0 - confidence
    ordered = np.sort(replicates, axis=-1)  # NaN last
    valid = np.sum(~np.isnan(ordered), axis=-1)
    last = np.maximum(valid - 1, 0)

    def at(q: float) -> FloatArray:
        pos = q * last
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, last)
        a = np.take_along_axis(ordered, lo[..., None], axis=-1)[..., 0]
        b = np.take_along_axis(ordered, hi[..., None], axis=-1)[..., 0]
        out: FloatArray = np.where(valid > 0, a + (pos - lo) * (b - a), np.nan)
        return out

    return at(alpha / 2.0), at(1.0 - alpha / 2.0)


def min_n(p1: float, p0: float, confidence: float, power: float) -> float:
    """n for a one-sided score test at level (1 - confidence)/2 with the given power (unrounded)."""
    z_a = z_value(confidence)
    z_b = NormalDist().inv_cdf(power)
    top = z_a * math.sqrt(p0 * (1.0 - p0)) + z_b * math.sqrt(p1 * (1.0 - p1))
    return top * top / ((p1 - p0) ** 2)


# ---------------------------------------------------------------------- answers and replicates


def element_of_answer(
    responses: Responses, groups: tuple[tuple[str, tuple[str, ...]], ...]
) -> IntArray:
    """Each answer's element, as a position in ``groups`` (-1 for a question in none)."""
    q_element = np.full(max(len(responses.questions), 1), -1, dtype=np.int64)
    for e, (_, qs) in enumerate(groups):
        q_element[[responses.questions.index(q) for q in qs]] = e
    out: IntArray = q_element[responses.question]
    return out


def bootstrap(
    responses: Responses,
    groups: tuple[tuple[str, tuple[str, ...]], ...],
    sat_answer: NDArray[np.bool_],
    w_resp: FloatArray,
    scope: Scope,
    replications: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Bootstrap shares, units x items x replications (respondents resampled in unit and stratum)."""
    h = responses.hierarchy
    u, q_n, n_resp = len(h), len(responses.questions), len(responses.respondent_ids)
    w_answer = w_resp[responses.respondent]
    key = responses.respondent * q_n + responses.question
    size = n_resp * q_n
    num_q = bincount(key, weights=w_answer * sat_answer, minlength=size).reshape(n_resp, q_n)
    den_q = bincount(key, weights=w_answer, minlength=size).reshape(n_resp, q_n)
    blocks = [num_q, den_q]
    e_n = len(groups)
    if e_n:
        y, m = respondent_moments(
            responses.respondent, element_of_answer(responses, groups), sat_answer, n_resp, e_n
        )
        blocks += [w_resp[:, None] * y, w_resp[:, None] * m]
    columns = np.concatenate(blocks, axis=1)
    n_strata = max(len(responses.strata), 1)
    cells, cell = np.unique(
        responses.respondent_unit * n_strata + responses.respondent_stratum, return_inverse=True
    )
    totals = bootstrap_totals(
        columns, cell.reshape(-1), cells // n_strata, u, replications, rng
    )  # units x replications x columns
    c = columns.shape[1]
    pooled = pool({"t": totals.reshape(u, replications * c)}, h, scope)["t"]
    pooled = pooled.reshape(u, replications, c)
    shares = [percent(pooled[:, :, :q_n], pooled[:, :, q_n : 2 * q_n])]
    if e_n:
        a = pooled[:, :, 2 * q_n : 2 * q_n + e_n]
        b = pooled[:, :, 2 * q_n + e_n :]
        e_pct = percent(a, b)
        shares += [e_pct, e_pct.mean(axis=2)[:, :, None]]
    out: FloatArray = np.concatenate(shares, axis=2).transpose(0, 2, 1).copy()
    return out
