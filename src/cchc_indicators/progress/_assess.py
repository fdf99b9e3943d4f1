"""The code of :mod:`cchc_indicators.progress`, whose public names it defines (see the package)."""

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.progress import _methods as _p

__all__ = [
    "CATEGORIES",
    "METHODS",
    "Assessment",
    "Attainment",
    "Change",
    "Fit",
    "Growth",
    "assess",
    "attainment",
    "cagr",
    "cagr_fitted",
    "linear_fit",
    "observed_annual_change",
    "project_linear",
    "required_annual_change",
    "time_weighted_fit",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
TextArray = NDArray[Any]  # of str (object dtype)
# What the functions accept (anything numpy turns into arrays of the right shape), spelled out
# so that the documentation shows it plainly.
Periods = Sequence[float] | NDArray[Any]  # x: one decimal year per period
Table = Sequence[Sequence[float]] | NDArray[Any]  # Y: (series, periods)
Numbers = float | Sequence[float] | NDArray[Any]  # one number, or one per series
Flags = bool | Sequence[bool] | NDArray[Any]  # one truth value, or one per series

#: The progress-to-target methods :func:`assess` knows, by name.
METHODS = ("linear", "open-sdg", "unsd", "escap")

#: Each method's categories, best first. A series the method cannot judge gets ``''``.
CATEGORIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "linear": ("on_track", "off_track"),
        "open-sdg": (
            "target_achieved",
            "substantial_progress",
            "moderate_progress",
            "limited_progress",
            "deterioration",
        ),
        "unsd": (
            "on_track_or_target_met",
            "fair_progress_acceleration_needed",
            "stagnation_or_regression",
        ),
        "escap": ("maintain_progress", "accelerate_progress", "reverse_trend"),
    }
)

# --------------------------------------------------------------------------- trends


class Fit(NamedTuple):
    """A straight line per series: ``value = intercept + slope * year``.

    ``slope`` and ``intercept`` are NaN where fewer than two observations (of
    positive weight) were fitted; ``n_points`` counts them.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> import numpy as np
    >>> slope, intercept, n = linear_fit([2021.0, 2022.0], np.array([[1.0, 3.0]]))
    >>> slope.tolist(), n.tolist()
    ([2.0], [2])
    """

    slope: FloatArray
    intercept: FloatArray
    n_points: IntArray

    def __repr__(self) -> str:
        return f"Fit({counted(int(np.size(self.slope)), 'series', 'series')})"


class Growth(NamedTuple):
    """A compound annual growth rate per series (0.05 = +5 % a year), with a note.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> cagr(100.0, 121.0, 2.0).rate.round(10).tolist()
    [0.1]
    """

    rate: FloatArray
    note: TextArray

    def __repr__(self) -> str:
        return f"Growth({counted(int(np.size(self.rate)), 'series', 'series')})"


class Attainment(NamedTuple):
    """The period (decimal year) when each projection meets its target, with a note.

    ``period`` is NaN where the target is not met before the horizon.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> import numpy as np
    >>> attainment([2021.0, 2022.0], np.array([[50.0, 60.0]]), 80, horizon=2030).period.tolist()
    [2024.0]
    """

    period: FloatArray
    note: TextArray

    def __repr__(self) -> str:
        return f"Attainment({counted(int(np.size(self.period)), 'series', 'series')})"


class Change(NamedTuple):
    """A change per year for each series, with a note.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> import numpy as np
    >>> observed_annual_change([2021.0, 2023.0], np.array([[50.0, 60.0]])).value.tolist()
    [5.0]
    """

    value: FloatArray
    note: TextArray

    def __repr__(self) -> str:
        return f"Change({counted(int(np.size(self.value)), 'series', 'series')})"


def _fit(line: _p.Line) -> Fit:
    return Fit(line.slope, line.ybar - line.slope * line.xbar, line.n)


def linear_fit(x: Periods, Y: Table, weights: Periods | Table | None = None) -> Fit:
    """Fit a straight line to each series by (weighted) least squares, skipping NaN.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x
        Decimal years, shape ``(periods,)``, strictly increasing.
    Y
        Values, shape ``(series, periods)``; NaN = missing.
    weights
        Optional non-negative weights, shape ``(periods,)`` or ``(series, periods)``.
        A point of weight 0 is left out.

    Returns
    -------
    Fit
        ``(slope, intercept, n_points)`` per series; the slope is in units per year.
        Slope and intercept are NaN where fewer than two points were fitted.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[10.0, 12.0, 14.0], [5.0, np.nan, 5.0], [7.0, np.nan, np.nan]])
    >>> fit = linear_fit([2020.0, 2021.0, 2022.0], Y)
    >>> fit.slope.tolist(), fit.n_points.tolist()
    ([2.0, 0.0, nan], [3, 2, 1])
    >>> float(fit.intercept[0] + fit.slope[0] * 2025)
    20.0
    """
    xa, Ya = _p.check_xy(x, Y)
    return _fit(_p.fit_line(xa, Ya, _p.check_weights(xa, Ya, weights)))


def time_weighted_fit(x: Periods, Y: Table, *, step: float = 1.0) -> Fit:
    """Fit a straight line in which recent observations weigh more (the ESCAP approach).

    ESCAP's anticipated progress index projects each indicator with a
    *time-weighted* linear regression that "gives more importance to more recent
    data" (ESCAP, Asia and the Pacific SDG Progress Report, technical notes;
    UNECE, https://w3.unece.org/sdg2023/technical-notes.html). The weights used
    here rise linearly with time: a series' first observation weighs 1 and an
    observation made ``k`` years later weighs ``1 + k / step``. With the default
    ``step=1`` a yearly series observed 2021-2024 is fitted with weights 1, 2, 3, 4.
    The weights count from each series' own first observation, so adding empty
    periods in front changes nothing.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y
        As for :func:`linear_fit`.
    step
        The number of years over which an observation gains one unit of weight.

    Returns
    -------
    Fit
        As for :func:`linear_fit`.

    Examples
    --------
    Four years of data with a late jump: the weighted slope follows the recent
    years more than the plain one does.

    >>> import numpy as np
    >>> x, Y = [2021.0, 2022.0, 2023.0, 2024.0], np.array([[50.0, 50.0, 50.0, 60.0]])
    >>> round(float(linear_fit(x, Y).slope[0]), 4), round(float(time_weighted_fit(x, Y).slope[0]), 4)
    (3.0, 4.0)
    """
    xa, Ya = _p.check_xy(x, Y)
    if not step > 0:
        msg = f"step must be a positive number of years, got {step!r}"
        raise DefinitionError(msg)
    return _fit(_p.fit_line(xa, Ya, step=float(step)))


def project_linear(
    x: Periods, Y: Table, x_at: Numbers, weights: Periods | Table | None = None
) -> FloatArray:
    """Extend each series' least-squares line to ``x_at``.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y, weights
        As for :func:`linear_fit`.
    x_at
        The decimal year to project to: one number, or one per series.

    Returns
    -------
    numpy.ndarray
        The projected value per series; NaN with fewer than two observations.

    Examples
    --------
    >>> import numpy as np
    >>> project_linear([2021.0, 2022.0, 2023.0], np.array([[50.0, 60.0, 70.0]]), 2025).tolist()
    [90.0]
    """
    xa, Ya = _p.check_xy(x, Y)
    at = _p.per_series(x_at, Ya.shape[0], "x_at")
    W = _p.check_weights(xa, Ya, weights)

    def part(rows: slice) -> tuple[FloatArray]:
        return (_p.fit_line(xa, Ya[rows], None if W is None else W[rows]).at(at[rows]),)

    return _p.by_chunks(Ya.shape[0], part)[0]


def cagr(v0: Numbers, v1: Numbers, years: Numbers) -> Growth:
    """Compound annual growth rate between two values: ``(v1 / v0) ** (1 / years) - 1``.

    The arguments broadcast together (numbers, or one per series).

    .. versionadded:: 0.1.0

    Parameters
    ----------
    v0
        The earlier (base) value.
    v1
        The later value.
    years
        The time between them, in years (a quarter is 0.25).

    Returns
    -------
    Growth
        ``rate`` (0.05 = +5 % a year) and ``note``. The rate is NaN, and the
        note says why, when a value is missing, ``years <= 0``, the base value
        is zero (``'zero base value: growth undefined'``) or the two values
        differ in sign. Two negative values give the growth of the magnitude
        (``(-121 / -100) ** 0.5 - 1 = +10 %``), noted. A zero end value gives
        -100 %.

    Examples
    --------
    >>> g = cagr([100.0, 0.0, 10.0, -100.0], [121.0, 5.0, -5.0, -121.0], 2.0)
    >>> g.rate.round(6).tolist()
    [0.1, nan, nan, 0.1]
    >>> g.note.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['', 'zero base value: growth undefined', 'values change sign: growth undefined',
     'negative values: growth of the magnitude']
    """
    a0, a1, t = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (v0, v1, years))
    )
    _p.no_infinity(a0, a1, t, what="v0, v1 and years")
    rate, flags = _p.cagr_core(a0, a1, t)
    return Growth(rate, _p.notes(flags.ravel()).reshape(flags.shape))


def cagr_fitted(x: Periods, Y: Table) -> Growth:
    """Compound annual growth rate fitted to all observations (log-linear least squares).

    Fits ``log |y| = a + b * year`` and returns ``exp(b) - 1``.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y
        As for :func:`linear_fit`.

    Returns
    -------
    Growth
        NaN, with a note, for a series with fewer than two observations, a zero
        value (``'zero value: log-linear fit undefined'``) or values of both
        signs. All-negative values give the growth of the magnitude, noted.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[100.0, 110.0, 121.0], [100.0, 0.0, 121.0]])
    >>> g = cagr_fitted([2020.0, 2021.0, 2022.0], Y)
    >>> g.rate.round(6).tolist(), g.note.tolist()
    ([0.1, nan], ['', 'zero value: log-linear fit undefined'])
    """
    xa, Ya = _p.check_xy(x, Y)
    line, _sign, flags = _p.log_line(xa, Ya)
    return Growth(np.expm1(line.slope), _p.notes(flags))


def attainment(
    x: Periods,
    Y: Table,
    target: Numbers,
    higher_is_better: Flags = True,
    method: str = "linear",
    horizon: float | None = None,
    *,
    x_now: float | None = None,
    step: float | None = None,
) -> Attainment:
    """The first period when each series' projection meets its target.

    The projection starts at ``x_now``; if it already meets the target there,
    that is the answer. Otherwise it is the time the projected path crosses the
    target, if the path moves towards it and crosses no later than ``horizon``;
    NaN means "not before ``horizon``".

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y
        As for :func:`linear_fit`.
    target
        The target value: one number, or one per series (NaN = no target).
    higher_is_better
        Whether the target is a floor (True) or a ceiling (False): one value, or one per series.
    method
        The projected path: ``'linear'`` (least-squares line), ``'time_weighted'``
        (:func:`time_weighted_fit`), ``'cagr'`` (the growth between the first and
        last observations, continued from the last one) or ``'cagr_fitted'``
        (:func:`cagr_fitted`).
    horizon
        The last decimal year to look at (default: ten years after ``x_now``).
    x_now
        Where the projection starts (default: the last value of ``x``).
    step
        If given, round the crossing up to the next period ``x_now + k * step``
        (0.25 for quarters, 1 for years); otherwise return the exact decimal year.

    Returns
    -------
    Attainment
        ``period`` and ``note`` per series; growth paths carry the notes of
        :func:`cagr` (zero, negative, sign-changing values).

    Examples
    --------
    >>> import numpy as np
    >>> x = [2021.0, 2022.0, 2023.0]
    >>> Y = np.array([[50.0, 60.0, 70.0], [50.0, 52.0, 54.0], [90.0, 85.0, 80.0]])
    >>> attainment(x, Y, 80, horizon=2030).period.tolist()
    [2024.0, nan, 2023.0]
    >>> attainment(x, Y, 80, horizon=2040).period.tolist()
    [2024.0, 2036.0, 2023.0]
    >>> attainment(x, Y[:1], 75, horizon=2030, step=1.0).period.tolist()
    [2024.0]

    As compound growth (+18.3 % a year from 50 to 70), positionally, with the
    default horizon (2033, ten years on):

    >>> attainment(x, Y, 80, True, "cagr").period.round(2).tolist()
    [2023.79, nan, 2023.0]
    """
    xa, Ya = _p.check_xy(x, Y)
    if method not in _p.PATHS:
        msg = f"unknown projection method {method!r}; the methods are {', '.join(_p.PATHS)}"
        raise DefinitionError(msg)
    S = Ya.shape[0]
    T = _p.per_series(target, S, "target")
    d = _p.direction(higher_is_better, S)
    t0 = _p.year(xa[-1] if x_now is None and xa.size else x_now, "x_now")
    hz = t0 + _p.HORIZON_YEARS if horizon is None else _p.year(horizon, "horizon")
    if hz < t0:
        msg = f"horizon ({hz:g}) is before x_now ({t0:g})"
        raise DefinitionError(msg)
    if step is not None and not step > 0:
        msg = f"step must be a positive number of years, got {step!r}"
        raise DefinitionError(msg)
    period, flags = _p.attain(method, xa, Ya, T, d, t0, hz, step)
    return Attainment(period, _p.notes(flags))


def required_annual_change(
    x: Periods,
    Y: Table,
    target: Numbers,
    *,
    x_deadline: float,
    relative: bool = False,
) -> Change:
    """The change per year each series needs, from its last observation, to reach the target.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y
        As for :func:`linear_fit`.
    target
        One number, or one per series (NaN = no target).
    x_deadline
        The decimal year by which the target is due.
    relative
        False: in the indicator's units per year, ``(target - last) / years``.
        True: as a growth rate, :func:`cagr` from the last value to the target
        (with its notes on zero and negative values).

    Returns
    -------
    Change
        ``value`` and ``note`` per series; NaN where there is no observation, no
        target, or no time left before the deadline.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[50.0, 60.0, 64.0], [0.0, 0.0, 0.0]])
    >>> required_annual_change([2021.0, 2022.0, 2023.0], Y, 80, x_deadline=2025).value.tolist()
    [8.0, 40.0]
    >>> r = required_annual_change([2021.0, 2022.0, 2023.0], Y, 81, x_deadline=2025, relative=True)
    >>> r.value.round(4).tolist(), r.note.tolist()
    ([0.125, nan], ['', 'zero base value: growth undefined'])
    """
    xa, Ya = _p.check_xy(x, Y)
    value, flags = _p.required_change(xa, Ya, target, x_deadline, relative)
    return Change(value, _p.notes(flags))


def observed_annual_change(x: Periods, Y: Table, *, relative: bool = False) -> Change:
    """The change per year between each series' first and last observations.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    x, Y
        As for :func:`linear_fit`.
    relative
        False: in the indicator's units per year, ``(last - first) / years``.
        True: as a growth rate, :func:`cagr` (with its notes on zero and negative values).

    Returns
    -------
    Change
        ``value`` and ``note`` per series; NaN with fewer than two observations.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[50.0, np.nan, 60.5], [-2.0, 1.0, 3.0]])
    >>> observed_annual_change([2021.0, 2022.0, 2023.0], Y).value.tolist()
    [5.25, 2.5]
    >>> o = observed_annual_change([2021.0, 2022.0, 2023.0], Y, relative=True)
    >>> o.value.round(4).tolist(), o.note.tolist()
    ([0.1, nan], ['', 'values change sign: growth undefined'])
    """
    xa, Ya = _p.check_xy(x, Y)
    value, flags = _p.observed_change(xa, Ya, relative)
    return Change(value, _p.notes(flags))


# --------------------------------------------------------------------------- assessment


def _check_method(_instance: object, _attribute: object, value: str) -> None:
    if value not in METHODS:
        msg = f"unknown progress method {value!r}; the methods are {', '.join(METHODS)}"
        raise DefinitionError(msg)


@attrs.frozen(repr=False)
class Assessment:
    """Progress towards a target for many series, by one method (see :func:`assess`).

    Every field but ``method`` is a read-only array with one entry per series.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    method
        One of :data:`METHODS`.
    projected
        The value projected to the deadline; NaN where the method cannot project.
    category
        The method's own category (one of ``CATEGORIES[method]``); ``''`` where
        the method cannot judge the series (the note says why).
    score
        The method's number behind the category: the ratio of observed to
        required growth (``open-sdg``; the observed growth without a target),
        the score 3 / 2 / 1 (``unsd``), the anticipated progress index
        (``escap``), or the gap to the target at the deadline, positive when
        short (``linear``). NaN where undefined.
    attainment
        The decimal year when the projection meets the target, NaN for "not
        before the horizon" (or no target).
    note
        Short texts saying why a value is missing or how it was obtained, ``''``
        when there is nothing to say.
    status_index
        ESCAP's current status index, the progress made since the base as a
        share of the progress required; NaN for the other methods.

    Examples
    --------
    >>> import numpy as np
    >>> a = assess("escap", [2021.0, 2022.0, 2023.0], np.array([[50.0, 60.0, 70.0]]),
    ...            x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
    >>> a
    Assessment(method='escap', series=1, counts={'maintain_progress': 1})
    >>> len(a), a.status_index.tolist()
    (1, [0.6666666666666666])
    """

    method: str = attrs.field(validator=_check_method)
    projected: FloatArray = attrs.field(converter=_p.floats, eq=attrs.cmp_using(eq=_p.same))
    category: TextArray = attrs.field(converter=_p.texts, eq=attrs.cmp_using(eq=_p.same))
    score: FloatArray = attrs.field(converter=_p.floats, eq=attrs.cmp_using(eq=_p.same))
    attainment: FloatArray = attrs.field(converter=_p.floats, eq=attrs.cmp_using(eq=_p.same))
    note: TextArray = attrs.field(converter=_p.texts, eq=attrs.cmp_using(eq=_p.same))
    status_index: FloatArray = attrs.field(converter=_p.floats, eq=attrs.cmp_using(eq=_p.same))

    def __attrs_post_init__(self) -> None:
        arrays = {f.name: getattr(self, f.name) for f in attrs.fields(Assessment)[1:]}
        shapes = {name: a.shape for name, a in arrays.items()}
        if len(set(shapes.values())) != 1 or self.projected.ndim != 1:
            msg = f"an Assessment holds one-dimensional arrays of one length, got shapes {shapes}"
            raise DefinitionError(msg)

    def __len__(self) -> int:
        return int(self.projected.shape[0])

    def counts(self) -> dict[str, int]:
        """Return how many series fall in each category, in the method's order (``''`` last).

        Categories no series falls in are left out.

        Examples
        --------
        >>> import numpy as np
        >>> a = assess("linear", [2021.0, 2022.0], np.array([[1.0, 2.0], [2.0, 1.0], [1.0, np.nan]]),
        ...            x_now=2022, x_deadline=2024, target=3, higher_is_better=True)
        >>> a.counts()
        {'on_track': 1, 'off_track': 1, '': 1}
        """
        out = {}
        for c in (*CATEGORIES[self.method], ""):
            k = int((self.category == c).sum())
            if k:
                out[c] = k
        return out

    def __repr__(self) -> str:
        return f"Assessment(method={self.method!r}, series={len(self)}, counts={self.counts()})"

    def _repr_html_(self) -> str:
        """A notebook's summary: the series per category, then the first series (coloured)."""
        from cchc_indicators.progress._assess_html import assessment_html

        return assessment_html(self)


def assess(
    method: str,
    x: Periods,
    Y: Table,
    *,
    x_now: float,
    x_deadline: float,
    target: Numbers,
    higher_is_better: Flags,
    limit: Numbers | None = None,
    horizon: float | None = None,
    x_base: float | None = None,
    percent: Flags = True,
) -> Assessment:
    """Judge every series' progress towards its target with one published method.

    Only observations from ``x_base`` (default: the first period) to ``x_now``
    are used. In each series the *base* is its first observation in that window
    and the *current* value its last one.

    ``linear``
        The least-squares line through the observations, extended to the
        deadline (the default interim status of :func:`~cchc_indicators.evaluation.evaluate`):
        ``on_track`` if the projection meets the target, else ``off_track``.
        Score: the gap at the deadline, ``target - projected`` for a floor and
        ``projected - target`` for a ceiling (positive when short).
    ``open-sdg``
        Statistics Canada's measure, as in Open SDG (``sdg/ProgressMeasure.py``
        of https://github.com/open-sdg/sdg-build;
        https://open-sdg.readthedocs.io/en/latest/progress-methodology/).
        ``target_achieved`` if the current value meets the target. Otherwise the
        score is ``R = s * d * CAGR_observed / |CAGR_required|``, where
        ``CAGR_observed`` runs from the base to the current value,
        ``CAGR_required`` from the base to the target at the deadline, ``d`` is
        +1 (higher is better) or -1, and ``s`` is -1 for a negative base:
        ``substantial_progress`` (R >= 0.95), ``moderate_progress`` (0.6 <= R <
        0.95), ``limited_progress`` (0 <= R < 0.6), ``deterioration`` (R < 0).
        Without a target the score is ``s * d * CAGR_observed``, with thresholds
        0.015 and 0.005 multiplied by ``C = 1 - (|base| / |limit|) ** 4.44``
        (``1 - ((2|limit| - |base|) / |limit|) ** 4.44`` between one and two
        times the limit, 1 beyond) when a natural ``limit`` such as 100 % lies
        ahead of the base in the desired direction; a limit behind the base (a
        maximum of 100 for a falling indicator) is ignored, as the methodology
        says, and noted. As the specification says, a zero base or target is
        replaced by 0.001, the "target met" check included (2 falling to 0.0005
        meets a ceiling of 0), and the note says so. Projected: the observed
        CAGR continued to the deadline (Open SDG itself does not project).
    ``unsd``
        The UN Statistics Division's Progress Chart (Technical Note 2023,
        https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf).
        The observed CAGR from the base to the current value is continued to the
        deadline: ``projected = current * (1 + CAGR) ** (deadline - now)``. With a
        target, ``ratio = (projected - base) / (target - base)`` gives score 3
        (``on_track_or_target_met``, ratio >= 0.95), 2
        (``fair_progress_acceleration_needed``, 0.10 <= ratio < 0.95) or 1
        (``stagnation_or_regression``); a current value that meets the target
        scores 3, and so does one within 1 point of a target of 0 % or 100 %
        (the Progress Chart's rule, for ``percent`` series). Without a target the
        CAGR in the desired direction scores 3 from +2 % a year, 2 from +0.5 %,
        1 below. A zero base leaves the series unjudged (no replacement).
    ``escap``
        UN ESCAP's indices (Asia and the Pacific SDG Progress Report, technical
        notes). The value at the deadline is projected with
        :func:`time_weighted_fit`. ``status_index`` (current status index) is
        ``(current - base) / (target - base)``; the score (anticipated progress
        index) is ``(projected - base) / (target - base)``. Category:
        ``maintain_progress`` if the projection meets the target,
        ``accelerate_progress`` if it moves from the base towards the target
        without reaching it, ``reverse_trend`` otherwise. Series without a
        target are not judged.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    method
        One of :data:`METHODS`.
    x, Y
        Decimal years ``(periods,)`` and values ``(series, periods)``, NaN = missing.
    x_now
        The evaluated period (decimal year); later observations are ignored.
    x_deadline
        The decimal year the targets are due (not before ``x_now``).
    target
        One number, or one per series; NaN = no target.
    higher_is_better
        True where the target is a floor, False where it is a ceiling: one
        value, or one per series.
    limit
        A natural limit per series (100 for a percentage that cannot pass 100 %),
        NaN or None for none. Only ``open-sdg`` uses it, for series without a target.
    horizon
        The last decimal year to look for attainment (default: ten years after
        the deadline).
    x_base
        The first decimal year to use (default: the first period of ``x``).
    percent
        Whether the values are percentages: one value, or one per series. Only
        ``unsd`` uses it, for its 1-point rule at targets of 0 % and 100 %; pass
        False for counts and other units, where 0 and 100 are ordinary targets.

    Returns
    -------
    Assessment
        Projected value, category, score, attainment and note per series.

    Raises
    ------
    DefinitionError
        For an unknown method (the message lists :data:`METHODS`), arrays of the
        wrong shape, ``x`` not increasing, or a deadline before ``x_now``.
    ~cchc_indicators.core.errors.ArgumentTypeError
        For text where numbers belong (a target of ``"80"``).

    Examples
    --------
    One series, 40 % in 2021 rising to 58 % in 2023, judged against 80 % by 2025
    with each method:

    >>> import numpy as np
    >>> x, Y = [2021.0, 2022.0, 2023.0], np.array([[40.0, 50.0, 58.0]])
    >>> for m in METHODS:
    ...     a = assess(m, x, Y, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
    ...     print(f"{m:9} {a.projected[0]:6.2f} {a.category[0]:34} {a.score[0]:6.3f} {a.attainment[0]:.2f}")
    linear     76.33 off_track                           3.667 2025.41
    open-sdg   84.10 substantial_progress                1.079 2024.73
    unsd       84.10 on_track_or_target_met              3.000 2024.73
    escap      75.80 accelerate_progress                 0.895 2025.48

    A zero base value: Open SDG replaces it by 0.001 and says so; UNSD cannot judge.

    >>> Y0 = np.array([[0.0, 20.0, 40.0]])
    >>> a = assess("open-sdg", x, Y0, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
    >>> a.category.tolist(), a.note.tolist()
    (['substantial_progress'], ['zero base value replaced by 0.001 (Open SDG rule)'])
    >>> a = assess("unsd", x, Y0, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
    >>> a.category.tolist(), a.note.tolist()
    ([''], ['zero base value: growth undefined'])
    """
    _check_method(None, None, method)
    names = np.array([*CATEGORIES[method], ""], dtype=object)
    args = (x, Y, x_now, x_deadline, target, higher_is_better, limit, horizon, x_base, percent)
    return Assessment(method, **_p.assess_fields(method, names, *args))
