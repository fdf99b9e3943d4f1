"""Periods, and conversion of observations to a coarser period by each indicator's nature.

A period is a year (``"2024"``), a quarter (``"2024-Q2"``) or a month
(``"2024-06"``). Reform plans are monitored by the quarter and judged by the
year, so quarterly (or monthly) observations must be turned into yearly ones.
How depends on what is measured, which each
:class:`~cchc_indicators.Indicator` declares as its
:attr:`~cchc_indicators.Indicator.temporal` nature:

========= ========================================= ==================================
nature    a year's value is                         example
========= ========================================= ==================================
``flow``  the sum of its quarters (for a ratio:     dossiers received, work files
          numerator and denominator each summed)    processed online
``stock`` the value of its last quarter             staff, public service units, the
                                                    share of procedures offered online
``level`` the mean of its quarters with data (for   a satisfaction score
          a ratio given as parts: numerator and
          denominator each averaged)
========= ========================================= ==================================

:func:`to_granularity` (also :meth:`Panel.to_granularity
<cchc_indicators.Panel.to_granularity>`) does the conversion for every unit
and indicator at once, and can give **year-to-date** values instead
(``2024-Q2`` then holds Q1 + Q2 for a flow).

Missing is never zero: a year of which one quarter has no data is not the sum
of the other three. Every converted value carries its completeness (how many of
its sub-periods had data, and for a stock whether its last one did), kept in
:attr:`Panel.completeness <cchc_indicators.Panel.completeness>`; by default
(``min_complete=1``) only complete periods get a value, and the others are
listed with the reason. See :class:`Completeness`.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel, measures
>>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
>>> dossiers = Indicator("dossiers", "Số hồ sơ tiếp nhận", measure=measures.count())
>>> staff = Indicator("staff", "Số biên chế", measure=measures.count(), temporal="stock")
>>> records = [
...     {"indicator": code, "unit": "26", "period": f"2024-Q{q}", "value": v}
...     for code, values in (("dossiers", [100, 120, 90, 110]), ("staff", [50, 49, 49, 47]))
...     for q, v in enumerate(values, start=1)
... ]
>>> quarterly = Panel.from_records(records, h, indicators=[dossiers, staff])
>>> yearly = to_granularity(quarterly, "year")
>>> yearly.periods
('2024',)
>>> yearly.value("dossiers", "26", 2024), yearly.value("staff", "26", 2024)
(420.0, 47.0)
>>> ytd = to_granularity(quarterly, "year", ytd=True)
>>> [ytd.value("dossiers", "26", p) for p in ytd.periods]
[100.0, 220.0, 310.0, 420.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import ARRAY_EQ
from cchc_indicators.core._periods import (
    _RANK,
    GRANULARITIES,
    _enclosing,
    _sub_periods,
    normalise_period,
)
from cchc_indicators.core._periods import granularity as _granularity
from cchc_indicators.core._repr import span
from cchc_indicators.core.errors import DefinitionError, PeriodError
from cchc_indicators.core.indicators import Temporal
from cchc_indicators.data._panel_data import IndicatorData
from cchc_indicators.data._periods_convert import (
    _convert,
    _join,
    _mask,
    _maybe_temporal,
    _note,
    _refuse_bare_flow,
    _scale_or_none,
    _share,
    _temporal_of,
    _unit_granularity,
    _windows,
)

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.data.panel import Panel
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "GRANULARITIES",
    "Completeness",
    "enclosing",
    "granularity",
    "sub_periods",
    "to_granularity",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _label(raw: object) -> str:
    try:
        return normalise_period(raw)
    except ValueError as exc:
        raise PeriodError(str(exc)) from None


def _check_granularity(value: object) -> str:
    if value not in GRANULARITIES:
        msg = f"unknown granularity {value!r}; expected one of 'year', 'quarter', 'month'"
        raise PeriodError(msg, target=str(value))
    return str(value)


def granularity(period: object) -> str:
    """Return the granularity of a period: ``"year"``, ``"quarter"`` or ``"month"``.

    Parameters
    ----------
    period
        A period label (``"2024"``, ``"2024-Q2"``, ``"2024q2"``, ``"2024-06"``) or a year.

    Raises
    ------
    PeriodError
        If ``period`` is not a period.

    Examples
    --------
    >>> granularity(2024), granularity("2024q2"), granularity("2024-06")
    ('year', 'quarter', 'month')
    >>> granularity("2024-13")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.PeriodError: not a period: '2024-13' (expected a year '2024', a quarter '2024-Q2' or a month '2024-06')
    """
    return _granularity(_label(period))


def _too_fine(label: str, grain: str, target: str) -> PeriodError:
    msg = (
        f"{label!r} is a {grain}, which cannot be split into {target}s; a conversion only goes "
        "to a coarser granularity"
    )
    return PeriodError(msg, granularity=grain, target=target)


def enclosing(period: object, target: str) -> str:
    """Return the period of granularity ``target`` that contains ``period``.

    Parameters
    ----------
    period
        A period label or a year.
    target
        ``"year"``, ``"quarter"`` or ``"month"``, no finer than ``period``.

    Raises
    ------
    PeriodError
        If ``period`` is malformed, ``target`` unknown, or finer than ``period``.

    Examples
    --------
    >>> enclosing("2024-Q2", "year"), enclosing("2024-05", "quarter"), enclosing("2024-Q2", "quarter")
    ('2024', '2024-Q2', '2024-Q2')
    """
    label, target = _label(period), _check_granularity(target)
    grain = _granularity(label)
    if _RANK[grain] < _RANK[target]:
        raise _too_fine(label, grain, target)
    return _enclosing(label, target)


def sub_periods(period: object, target: str) -> tuple[str, ...]:
    """Return the periods of granularity ``target`` that make up ``period``, in time order.

    Parameters
    ----------
    period
        A period label or a year.
    target
        ``"year"``, ``"quarter"`` or ``"month"``, no coarser than ``period``.

    Raises
    ------
    PeriodError
        If ``period`` is malformed, ``target`` unknown, or coarser than ``period``.

    Examples
    --------
    >>> sub_periods(2024, "quarter")
    ('2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4')
    >>> sub_periods("2024-Q3", "month")
    ('2024-07', '2024-08', '2024-09')
    >>> sub_periods("2024-Q3", "year")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.PeriodError: '2024-Q3' is a quarter; its sub-periods cannot be years, which are coarser
    """
    label, target = _label(period), _check_granularity(target)
    grain = _granularity(label)
    if _RANK[grain] > _RANK[target]:
        msg = f"{label!r} is a {grain}; its sub-periods cannot be {target}s, which are coarser"
        raise PeriodError(msg, granularity=grain, target=target)
    return _sub_periods(label, grain, target)


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    # Not _arrays.readonly: large converted arrays are made read-only in place, not copied.
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _labels(periods: Iterable[str]) -> tuple[str, ...]:
    return tuple(periods)


def _as_temporal(value: object) -> Temporal | None:
    return None if value is None else Temporal(value)


@attrs.frozen
class Completeness:
    """How complete the converted values of one indicator are (arrays units x periods).

    Made by :func:`to_granularity`; find it in :attr:`Panel.completeness
    <cchc_indicators.Panel.completeness>` under the indicator's code. Rows
    follow the hierarchy's units, columns the converted panel's periods.

    A converted value is **complete** when it rests on everything its period
    needs: for a flow or a level, every sub-period has data; for a stock, the
    period's last sub-period has data (the value at the period's end). Its
    :attr:`share` is the fraction of sub-periods with data (flow, level) or 1
    or 0 (stock); it keeps a value when ``share >= min_complete``.

    Parameters
    ----------
    indicator
        The indicator's code.
    temporal
        Its nature, or ``None`` when no value had to be combined (the data
        were already at the target granularity) and no definition was given.
    target
        The granularity converted to.
    ytd
        Whether values are to date within the target period.
    min_complete
        The share of sub-periods a value needed to be kept.
    hierarchy
        The units (rows).
    periods
        The converted periods (columns).
    granularity
        The granularity each unit reported the indicator in (``""`` for a unit
        without data).
    present
        How many sub-periods had data.
    expected
        How many sub-periods the period (to date, with ``ytd``) has.
    at_end
        Whether the last sub-period (to date, with ``ytd``) had data.
    dropped
        Where there was data but the value was left out as incomplete.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel, measures
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> ind = Indicator("dossiers", "Số hồ sơ", measure=measures.count())
    >>> rec = [{"indicator": "dossiers", "unit": "26", "period": p, "value": 10}
    ...        for p in ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2")]
    >>> yearly = Panel.from_records(rec, h, indicators=[ind]).to_granularity("year")
    >>> c = yearly.completeness["dossiers"]
    >>> c.present.tolist(), c.expected.tolist(), c.dropped.tolist()
    ([[4, 2]], [[4, 4]], [[False, True]])
    >>> yearly.value("dossiers", "26", 2024)
    nan
    >>> c.to_records()
    [{'indicator': 'dossiers', 'unit': '26', 'period': '2024', 'temporal': 'flow', 'present': 2, 'expected': 4, 'at_end': False, 'kept': False, 'reason': '2 of 4 quarters with data'}]
    """

    indicator: str
    temporal: Temporal | None = attrs.field(converter=_as_temporal)
    target: str
    ytd: bool
    min_complete: float
    hierarchy: Hierarchy = attrs.field(repr=False)
    periods: tuple[str, ...] = attrs.field(converter=_labels)
    granularity: NDArray[np.str_] = attrs.field(converter=_readonly, eq=ARRAY_EQ, repr=False)
    present: IntArray = attrs.field(converter=_readonly, eq=ARRAY_EQ, repr=False)
    expected: IntArray = attrs.field(converter=_readonly, eq=ARRAY_EQ, repr=False)
    at_end: BoolArray = attrs.field(converter=_readonly, eq=ARRAY_EQ, repr=False)
    dropped: BoolArray = attrs.field(converter=_readonly, eq=ARRAY_EQ, repr=False)

    def __repr__(self) -> str:
        ytd = ", year to date" if self.ytd else ""
        return (
            f"Completeness({self.indicator!r}, {self.temporal}, to {self.target}{ytd}, "
            f"min_complete {self.min_complete:g}, {span(self.periods)})"
        )

    @property
    def share(self) -> FloatArray:
        """The completeness of each value, from 0 to 1.

        For a flow or a level, the fraction of sub-periods with data; for a
        stock, 1 when the last sub-period had data and 0 otherwise.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy, Indicator, Panel
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> rec = [{"indicator": "a", "unit": "26", "period": "2024-Q1", "numerator": 1, "denominator": 2}]
        >>> p = Panel.from_records(rec, h, indicators=[Indicator("a", "A")])
        >>> p.to_granularity("year", min_complete=0).completeness["a"].share.tolist()
        [[0.25]]
        """
        if self.temporal is Temporal.STOCK:
            out: FloatArray = self.at_end.astype(np.float64)
            return out
        with np.errstate(invalid="ignore", divide="ignore"):
            share: FloatArray = np.where(self.expected > 0, self.present / self.expected, 0.0)
        return share

    @property
    def complete(self) -> BoolArray:
        """Where the value rests on everything its period needs (see the class notes).

        Examples
        --------
        >>> from cchc_indicators import Hierarchy, Indicator, Panel
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> rec = [{"indicator": "a", "unit": "26", "period": "2024-Q1", "numerator": 1, "denominator": 2}]
        >>> p = Panel.from_records(rec, h, indicators=[Indicator("a", "A")])
        >>> p.to_granularity("year").completeness["a"].complete.tolist()
        [[False]]
        """
        out: BoolArray = (self.present > 0) & (self.share >= 1.0)
        return out

    def to_records(self, *, incomplete_only: bool = True) -> list[dict[str, object]]:
        """Return one row per value with data, saying how complete it is and why.

        Parameters
        ----------
        incomplete_only
            List only the values that are not complete (kept or dropped).

        Returns
        -------
        list of dict
            Keys ``indicator``, ``unit``, ``period``, ``temporal``, ``present``,
            ``expected``, ``at_end``, ``kept`` (whether the converted panel
            holds a value) and ``reason`` (``None`` for a complete value).

        Examples
        --------
        >>> from cchc_indicators import Hierarchy, Indicator, Panel, measures
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> staff = Indicator("staff", "Số biên chế", measure=measures.count(), temporal="stock")
        >>> rec = [{"indicator": "staff", "unit": "26", "period": p, "value": v}
        ...        for p, v in (("2024-01", 50), ("2024-02", 49))]
        >>> p = Panel.from_records(rec, h, indicators=[staff]).to_granularity("quarter", min_complete=0)
        >>> [(r["kept"], r["reason"]) for r in p.completeness["staff"].to_records()]
        [(True, 'no value for 2024-03, the last month of 2024-Q1')]
        """
        show = self.present > 0
        if incomplete_only:
            show &= ~self.complete
        complete = self.complete
        out: list[dict[str, object]] = []
        for i, j in zip(*np.nonzero(show), strict=True):
            grain = str(self.granularity[i])
            present, expected = int(self.present[i, j]), int(self.expected[i, j])
            reason = None
            period = self.periods[j]
            if complete[i, j]:
                pass
            elif self.temporal is not Temporal.STOCK:
                reason = f"{present} of {expected} {grain}s with data"
            elif self.ytd:
                reason = f"no value for {period} itself"
            else:
                last = _sub_periods(period, self.target, grain)[-1]
                reason = f"no value for {last}, the last {grain} of {period}"
            out.append(
                {
                    "indicator": self.indicator,
                    "unit": self.hierarchy.codes[i],
                    "period": period,
                    "temporal": None if self.temporal is None else self.temporal.value,
                    "present": present,
                    "expected": expected,
                    "at_end": bool(self.at_end[i, j]),
                    "kept": not bool(self.dropped[i, j]),
                    "reason": reason,
                }
            )
        return out


# --------------------------------------------------------------------------- conversion


def to_granularity(
    panel: Panel,
    granularity: str,
    *,
    ytd: bool = False,
    min_complete: float = 1.0,
    indicators: Iterable[str] | None = None,
) -> Panel:
    """Convert a panel's observations to a coarser period, by each indicator's temporal nature.

    For each indicator and unit, the values of the sub-periods (quarters,
    months) of a period combine as the indicator's
    :attr:`~cchc_indicators.Indicator.temporal` nature says:

    - ``flow``: the sum; for a ratio, numerator and denominator are summed
      separately (a bare value of a ratio cannot be summed and is an error);
    - ``stock``: the value of the last sub-period with data (with its parts);
    - ``level``: the mean over the sub-periods with data; for a ratio given as
      parts, numerator and denominator are averaged separately (so the value
      is the pooled ratio of those sub-periods, and the parts keep their
      weight when units are pooled later), otherwise the values are averaged.

    A weight, where given, is that of the last sub-period with data. Series
    already at ``granularity`` are kept as they are.

    Parameters
    ----------
    panel
        The observations. The indicators to convert must be defined in it
        (``indicators=`` when building it, or :meth:`Panel.with_indicators
        <cchc_indicators.Panel.with_indicators>`), unless their data are
        already at ``granularity``.
    granularity
        ``"year"``, ``"quarter"`` or ``"month"``: the granularity to convert to.
    ytd
        Give values **to date** within each period of ``granularity`` instead:
        the result keeps the sub-periods, and ``2024-Q2`` holds the year to
        date (Q1 + Q2 for a flow, Q2's value for a stock, the mean of Q1 and
        Q2 for a level).
    min_complete
        The share of a period's sub-periods (to date, with ``ytd``) that must
        have data for the period to get a value, from 0 to 1. For a stock the
        share is 1 when the last sub-period has data and 0 otherwise. The
        default, 1, keeps only complete periods, so a missing quarter is never
        counted as zero; ``0`` keeps every period with some data (a partial
        sum for a flow, the last value seen for a stock). Values left out, and
        values kept although incomplete, are listed by
        :meth:`Completeness.to_records`.
    indicators
        The codes of the indicators to convert (default: all); the others are
        left out of the result.

    Returns
    -------
    Panel
        The converted observations, on the same hierarchy, with
        :attr:`~cchc_indicators.Panel.completeness` for each indicator. Its
        periods are those of ``granularity`` (with ``ytd``: the sub-periods).
        When values were combined, its :attr:`~cchc_indicators.Panel.note`
        says so, so that every output built on it does.

    Raises
    ------
    PeriodError
        If ``granularity`` is unknown, or an indicator holds data of a coarser
        granularity (years cannot be split into quarters).
    UnknownIndicatorError
        If an indicator to convert has no definition in the panel, or a code
        in ``indicators`` is not in the panel.
    PanelError
        If a flow ratio gives a bare value where sub-periods are to be summed
        (the rows are listed), or a unit gives one indicator in two
        granularities.
    DefinitionError
        If ``min_complete`` is not a share between 0 and 1.

    Examples
    --------
    A flow ratio sums its parts; a level averages them:

    >>> from cchc_indicators import Hierarchy, Indicator, Panel, measures
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> online = Indicator("online", "Tỷ lệ hồ sơ trực tuyến")
    >>> rec = [
    ...     {"indicator": "online", "unit": "26", "period": "2024-Q1", "numerator": 30, "denominator": 100},
    ...     {"indicator": "online", "unit": "26", "period": "2024-Q2", "numerator": 90, "denominator": 100},
    ... ]
    >>> p = Panel.from_records(rec, h, indicators=[online])
    >>> half = to_granularity(p, "year", min_complete=0.5)
    >>> d = half.data_of("online")
    >>> d.numerator.tolist(), d.denominator.tolist(), half.value("online", "26", 2024)
    ([[120.0]], [[200.0]], 60.0)
    >>> to_granularity(p, "month")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.PeriodError: indicator 'online' holds quarters (unit '26', period '2024-Q1', row 0), which cannot be split into months; convert to a coarser granularity, or leave the indicator out with indicators=
    """
    target = _check_granularity(granularity)
    if isinstance(min_complete, bool) or not (
        isinstance(min_complete, (int, float)) and 0.0 <= min_complete <= 1.0
    ):
        msg = f"min_complete is a share between 0 and 1, got {min_complete!r}"
        raise DefinitionError(msg)
    if isinstance(indicators, str):
        indicators = [indicators]
    codes = list(panel.data) if indicators is None else list(indicators)
    for code in codes:
        panel.data_of(code)  # raises UnknownIndicatorError

    labels = panel.periods
    grains = [_granularity(p) for p in labels]
    held = np.zeros(len(labels), dtype=bool)
    for code in codes:
        held |= panel.data[code].observed.any(axis=0)
    # the periods of the result come from the columns that hold data of these indicators
    usable = [j for j, g in enumerate(grains) if _RANK[g] >= _RANK[target] and held[j]]
    windows = _windows(labels, grains, usable, target, ytd)
    out_labels = tuple(w.label for w in windows)

    data: dict[str, IndicatorData] = {}
    completeness: dict[str, Completeness] = {}
    converted_grains: set[str] = set()
    n_dropped = n_partial = 0
    for code in codes:
        d = panel.data[code]
        unit_grain = _unit_granularity(panel, code, d, labels, grains, target)
        finer = unit_grain != target
        finer &= unit_grain != ""
        temporal = _temporal_of(panel, code) if finer.any() else _maybe_temporal(panel, code)
        converted_grains.update(unit_grain[finer].tolist())
        if temporal is Temporal.FLOW and _scale_or_none(panel, code) is not None:
            _refuse_bare_flow(panel, code, d, [g != target for g in grains])
        result, c = _convert(panel, code, d, temporal, unit_grain, windows, target)
        keep = (c["present"] > 0) & (_share(temporal, c) >= min_complete)
        dropped = (c["present"] > 0) & ~keep
        result = _mask(result, keep)
        data[code] = IndicatorData(**result)
        comp = Completeness(
            code,
            temporal,
            target,
            ytd,
            float(min_complete),
            panel.hierarchy,
            out_labels,
            unit_grain,
            c["present"],
            c["expected"],
            c["at_end"],
            dropped,
        )
        completeness[code] = comp
        n_dropped += int(dropped.sum())
        n_partial += int((keep & ~comp.complete).sum())

    note = panel.note
    if converted_grains:
        note = _join(note, _note(converted_grains, target, ytd, n_dropped, n_partial, min_complete))
    used = {c: panel.indicators[c] for c in codes if c in panel.indicators}
    return type(panel)(  # the Panel class, without importing the module that uses this one
        panel.hierarchy,
        out_labels,
        data,
        used,
        panel.source,
        note,
        completeness,
    )
