"""Sums beyond the float range: a mantissa array and a binary exponent array.

The roll-up states add numbers up (numerators, denominators, values, weighted
values). A sum of numbers near 1e308 passes the largest float and would become
``inf``, although the pooled ratio or the mean made from it is an ordinary
number. A ``wide_add`` field of a state therefore holds each cell as
``m * 2**e``:

* a cell whose magnitude lies within ``2**-960 .. 2**960`` (or is 0) is kept
  *plain*: ``m`` is the number itself and ``e`` is 0, so ordinary data give
  bit for bit the numbers they gave before;
* a cell beyond that range is kept as its :func:`numpy.frexp` mantissa
  (``0.5 <= |m| < 1``) and its binary exponent ``e``.

The exponent array is stored only when some cell needs it (the state's field
``<name>_exp``); without it every exponent is 0. Scaling by powers of two is
exact, so two such sums add exactly as floats add: bring both to the larger
exponent, add the mantissas, and write the result in the same form again.
Adding numbers of magnitude at most ``2**960`` cannot overflow (it would take
``2**63`` of them), so the plain path only has to look at its result.

Nothing here loops in Python over cells; the extended path runs only where a
plain sum left the range, and costs a :func:`numpy.maximum.at` and a few passes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Binary exponent bound of a plain cell: plain cells lie within 2**-960 .. 2**960.
EXP_LIMIT = 960
#: The largest magnitude of a plain cell.
LIMIT = 2.0**EXP_LIMIT
#: The smallest non-zero magnitude of a plain cell made from a product.
TINY = 2.0**-EXP_LIMIT


def exp_key(name: str) -> str:
    """The name of the exponent field of the ``wide_add`` field ``name``.

    Examples
    --------
    >>> exp_key("num")
    'num_exp'
    """
    return f"{name}_exp"


def fits_plain(x: FloatArray) -> bool:
    """Whether every cell is finite and at most :data:`LIMIT` in magnitude (NaN is not).

    Examples
    --------
    >>> fits_plain(np.array([1.0, -1e200])), fits_plain(np.array([1e300, 0.0]))
    (True, False)
    """
    return bool((np.abs(x) <= LIMIT).all())


def normal_form(m: FloatArray, e: FloatArray | None = None) -> tuple[FloatArray, FloatArray | None]:
    """Write ``m * 2**e`` in the stored form: plain within range, mantissa and exponent beyond.

    Returns the mantissas and the exponents, or ``None`` for the exponents
    when every cell is plain. ``inf`` and NaN stay plain (they mark a sum that
    already overflowed, or a missing one).

    Examples
    --------
    >>> m, e = normal_form(np.array([3.0, 1e300]))
    >>> m.tolist(), e.tolist()  # 1e300 = 0.7466... x 2**997
    ([3.0, 0.7466108948025751], [0.0, 997.0])
    >>> float(m[1]) * 2.0**997 == 1e300
    True
    >>> normal_form(np.array([0.75]), np.array([2.0]))
    (array([3.]), None)
    """
    fm, fe = np.frexp(m)
    total = fe if e is None else fe + e
    live = np.isfinite(m) & (m != 0)
    far = live & ((total > EXP_LIMIT) | (total < -EXP_LIMIT))
    if not far.any():
        if e is None:
            return m, None
        with np.errstate(over="ignore", under="ignore"):
            plain: FloatArray = np.where(
                live, np.ldexp(fm, np.where(live, total, 0).astype(np.int64)), m
            )
        return plain, None
    near = np.where(far, 0, total).astype(np.int64)
    with np.errstate(over="ignore", under="ignore"):
        mant: FloatArray = np.where(far, fm, np.where(live, np.ldexp(fm, near), m))
    exp: FloatArray = np.where(far, total, 0).astype(np.float64)
    return mant, exp


def value(m: FloatArray, e: FloatArray | None) -> FloatArray:
    """The cells as plain floats: ``m * 2**e``, ``±inf`` where beyond the float range.

    Examples
    --------
    >>> value(np.array([0.75, 0.75]), np.array([2.0, 1100.0]))
    array([ 3., inf])
    """
    if e is None:
        return m
    with np.errstate(over="ignore", under="ignore"):
        out: FloatArray = np.ldexp(m, e.astype(np.int64))
    return out


def _live_exp(m: FloatArray, e: FloatArray) -> FloatArray:
    """The exponents of the non-zero cells; -inf where the cell is 0 (it sets no scale)."""
    out: FloatArray = np.where(m != 0, e, -np.inf)
    return out


def pool(
    m: FloatArray, e: FloatArray | None, idx: IntArray, size: int
) -> tuple[FloatArray, FloatArray | None]:
    """Add the cells of ``m * 2**e`` into ``size`` groups (``idx`` gives each cell's group).

    Each group is brought to the largest exponent among its non-zero cells
    (:func:`numpy.maximum.at`), its shifted mantissas are added with
    :func:`numpy.bincount`, and the sums are written in :func:`normal_form`.

    Examples
    --------
    >>> m, e = pool(np.array([1.5e308, 1.5e308, 2.0]), None, np.array([0, 0, 1]), 2)
    >>> m.tolist(), e.tolist()  # 3e308 = 0.8344... x 2**1025 (beyond the float range), and 2
    ([0.8344026969402005, 2.0], [1025.0, 0.0])
    >>> float(m[0]) * 2.0**1000 == 1.5e308 * 2.0**-25 * 2
    True
    >>> value(m, e).tolist()
    [inf, 2.0]
    """
    if e is None:
        m, e = normal_form(m)
        if e is None:
            e = np.zeros(m.shape)
    top = np.full(size, -np.inf)
    np.maximum.at(top, idx, _live_exp(m, e))
    top[np.isinf(top)] = 0.0
    with np.errstate(under="ignore"):
        terms = np.ldexp(m, (e - top[idx]).astype(np.int64))
    sums = np.bincount(idx, weights=terms, minlength=size).astype(np.float64, copy=False)
    return normal_form(sums, top)


def add(
    ma: FloatArray, ea: FloatArray | None, mb: FloatArray, eb: FloatArray | None
) -> tuple[FloatArray, FloatArray | None]:
    """Add two arrays of the stored form, cell by cell; a new array is returned.

    Examples
    --------
    >>> m, e = add(np.array([1.5e308]), None, np.array([1.5e308]), None)
    >>> float(m[0]), float(e[0])  # 3e308 = 0.8344... x 2**1025
    (0.8344026969402005, 1025.0)
    >>> add(np.array([2.0]), None, np.array([3.0]), None)
    (array([5.]), None)
    """
    if ea is None and eb is None:
        with np.errstate(over="ignore", invalid="ignore"):
            s: FloatArray = ma + mb
        if fits_plain(s):
            return s, None
    ma, ea = _with_exp(ma, ea)
    mb, eb = _with_exp(mb, eb)
    top = np.maximum(_live_exp(ma, ea), _live_exp(mb, eb))
    top[np.isinf(top)] = 0.0
    with np.errstate(under="ignore"):
        s = np.ldexp(ma, (ea - top).astype(np.int64)) + np.ldexp(mb, (eb - top).astype(np.int64))
    return normal_form(s, top)


def _with_exp(m: FloatArray, e: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    if e is not None:
        return m, e
    m, e = normal_form(m)
    return m, (np.zeros(m.shape) if e is None else e)


def product(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray | None]:
    """``a * b`` cell by cell in the stored form, without overflow or loss to underflow.

    A product within range is the float product itself (the mantissas'
    product is rounded as the plain product is, and scaling is exact).

    Examples
    --------
    >>> m, e = product(np.array([1e200, 3.0]), np.array([1e200, 0.5]))
    >>> m.tolist(), e.tolist()  # 1e400 = 0.8534... x 2**1329; 1.5 is plain
    ([0.8533668389533203, 1.5], [1329.0, 0.0])
    """
    fa, ea = np.frexp(a)
    fb, eb = np.frexp(b)
    return normal_form(fa * fb, (ea + eb).astype(np.float64))


def product_fits_plain(p: FloatArray, a: FloatArray) -> bool:
    """Whether the plain products ``p`` of ``a`` by weights lost nothing to overflow or underflow.

    Examples
    --------
    >>> product_fits_plain(np.array([6.0, 0.0]), np.array([2.0, 0.0]))
    True
    >>> product_fits_plain(np.array([0.0]), np.array([0.5]))  # 0.5 x 5e-324 underflowed
    False
    """
    mag = np.abs(p)
    return bool(((mag <= LIMIT) & ((mag >= TINY) | (a == 0) | np.isnan(a))).all())


def divide(
    num: FloatArray,
    den: FloatArray,
    scale: float | FloatArray,
    num_exp: FloatArray | None = None,
    den_exp: FloatArray | None = None,
) -> FloatArray:
    """``num * 2**num_exp * scale / (den * 2**den_exp)``: NaN where den is not positive.

    ``scale`` is positive: one number, or one per cell.

    Where the plain ``(num x scale) / den`` is exact enough (no exponents, no
    overflow of the product or the quotient, no underflow of the product) it
    is used, so that 57 of 100 is exactly 57 %; elsewhere the mantissas are
    divided and the exponents subtracted. A quotient beyond the float range is
    ``±inf`` (the caller reports it as an overflow). No warnings.

    Examples
    --------
    >>> divide(np.array([57.0, 1.5e308]), np.array([100.0, 1.6e308]), 100.0)
    array([57.  , 93.75])
    >>> divide(np.array([1.0, 1.0]), np.array([5e-324, 0.0]), 1000.0)
    array([inf, nan])
    >>> divide(np.array([1e308, 3.0]), np.array([0.5, 4.0]), np.array([0.001, 100.0])).tolist()
    [2e+305, 75.0]
    """
    plain_scale = np.ndim(scale) == 0 and scale == 1.0
    with np.errstate(all="ignore"):
        scaled = num if plain_scale else num * scale
        out: FloatArray = scaled / den
    if den.size and den.min() < 0:  # a negative denominator (0 of 0 is NaN already)
        out[den < 0] = np.nan
    redo = np.isinf(out)  # the product or the quotient overflowed, or x / 0
    if redo.any():
        zero = redo & (den == 0)
        out[zero] = np.nan
        redo &= ~zero
    if np.any(np.less(scale, 1.0)):  # the product may have lost digits to underflow
        redo |= (np.abs(scaled) < np.finfo(np.float64).tiny) & (num != 0) & (den > 0)
    for exp in (num_exp, den_exp):
        if exp is not None:
            redo |= (exp != 0) & (den > 0)
    if redo.any():
        fn, en = np.frexp(num[redo])
        fd, ed = np.frexp(den[redo])
        fs, es = np.frexp(np.broadcast_to(np.asarray(scale, dtype=np.float64), out.shape)[redo])
        shift = (en - ed + es).astype(np.float64)
        if num_exp is not None:
            shift += num_exp[redo]
        if den_exp is not None:
            shift -= den_exp[redo]
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            out[redo] = np.ldexp(fn / fd * fs, shift.astype(np.int64))
    return out
