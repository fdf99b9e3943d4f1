"""Panels: observations keyed by (indicator, unit, period), stored as dense arrays.

A :class:`Panel` is read from records, a long CSV file or columns. Each row
gives either a ``value`` or a ``numerator`` and ``denominator`` (both forms may
be mixed in one file), and optionally a ``weight``. Everything is validated
before anything is stored: all problems are collected and reported together
with their row numbers in one :class:`~cchc_indicators.core.errors.PanelError`.

Inside, each indicator is a set of dense arrays (units x periods) with NaN for
"no observation"; missing is never stored as 0.

Periods may be years, quarters or months. Each indicator and unit is given in
one granularity (a unit's 2024 cannot sit beside its 2024-Q1 for the same
indicator: rows doing so are refused as ``mixed_periods``), but different
indicators, and different units of one indicator, may use different ones. The
panel then has one period axis holding all of them, in time order (a year
before its first quarter, a quarter before its first month). Roll-ups and
evaluations work column by column, so a year column pools only the units that
gave the year: convert to one granularity first with :meth:`Panel.to_granularity`,
which combines quarters and months by each indicator's temporal nature.
:attr:`Panel.granularity` says whether a panel has a single granularity.

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel
>>> h = Hierarchy.from_records(
...     [
...         {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...         {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
...     ]
... )
>>> p = Panel.from_records(
...     [
...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
...     ],
...     h,
...     indicators=[Indicator("files", "Hồ sơ công việc xử lý trực tuyến")],
... )
>>> p
Panel(1 indicator, 2 units, 1 period 2024, 2 observations)
>>> p.value("files", "243", "2024")
90.0
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._loading import as_records, file_problem
from cchc_indicators.core._periods import GRANULARITIES, granularity, normalise_period
from cchc_indicators.core._repr import counted, span
from cchc_indicators.core.errors import PanelError, Problem, UnknownIndicatorError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.data._panel_arrow import _arrow, have_pyarrow, table_columns
from cchc_indicators.data._panel_data import IndicatorData
from cchc_indicators.data._panel_read import (
    _array_columns,
    _check_definitions,
    _csv_columns,
    _definitions,
    _only_rows,
    _parse_columns,
    _record_columns,
    _stripped,
    _validate,
)
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:  # pragma: no cover - imports for annotations only
    from cchc_indicators.data.periods import Completeness

__all__ = ["IndicatorData", "Panel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _labels(periods: Iterable[str]) -> tuple[str, ...]:
    return tuple(periods)


@attrs.frozen(eq=False)
class Panel:
    """Observations keyed by (indicator, unit, period) on one hierarchy.

    Build a panel with :meth:`from_records`, :meth:`from_csv` or
    :meth:`from_columns`; the constructor takes already-validated arrays.

    Parameters
    ----------
    hierarchy
        The units the observations belong to.
    periods
        Period labels in time order (``"2024"``, ``"2024-Q2"``, ``"2024-06"``);
        where granularities mix, a period comes before the shorter ones it starts.
    data
        One :class:`IndicatorData` per indicator code.
    indicators
        Definitions of (some of) the indicators, by code.
    source
        Where the observations came from (a file name), named in later errors.
    note
        A note carried into every output built on this panel, such as a
        warning that the data are synthetic (set it with ``attrs.evolve(panel, note=...)``).
    completeness
        For a panel made by :meth:`to_granularity`: per indicator code, how
        complete each converted value is
        (:class:`~cchc_indicators.data.periods.Completeness`); empty otherwise.

        .. versionadded:: 0.1.0

    Examples
    --------
    >>> from cchc_indicators import Hierarchy
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": "2023", "value": 5}], h)
    >>> p.periods, p.indicator_codes, len(p)
    (('2023',), ('a',), 1)
    """

    hierarchy: Hierarchy
    periods: tuple[str, ...] = attrs.field(converter=_labels)
    data: Mapping[str, IndicatorData] = attrs.field(repr=False)
    indicators: Mapping[str, Indicator] = attrs.field(factory=dict, repr=False)
    source: str = "<records>"
    note: str = ""
    completeness: Mapping[str, Completeness] = attrs.field(factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"Panel({counted(len(self.data), 'indicator')}, {counted(len(self.hierarchy), 'unit')}, "
            f"{span(self.periods)}, {counted(len(self), 'observation')})"
        )

    def __len__(self) -> int:
        return int(sum(int(d.observed.sum()) for d in self.data.values()))

    def __contains__(self, code: object) -> bool:
        return code in self.data

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """The codes of the indicators with data, in sorted order.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "work_files_online", "unit": "26", "period": 2024, "value": 80},
        ...         {"indicator": "procedures_online", "unit": "26", "period": 2024, "value": 60},
        ...     ],
        ...     h,
        ... )
        >>> p.indicator_codes
        ('procedures_online', 'work_files_online')
        """
        return tuple(self.data)

    @property
    def granularity(self) -> str | None:
        """The granularity of all the periods, or ``None`` when they mix granularities or there are none.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "par_index", "unit": "26", "period": 2024, "value": 85.1},
        ...         {"indicator": "dossiers", "unit": "26", "period": "2024-Q1", "value": 1200},
        ...     ],
        ...     h,
        ... )
        >>> p.periods, p.granularity
        (('2024', '2024-Q1'), None)
        >>> p.granularities
        {'dossiers': ('quarter',), 'par_index': ('year',)}
        """
        grains = {granularity(p) for p in self.periods}
        return grains.pop() if len(grains) == 1 else None

    @property
    def granularities(self) -> dict[str, tuple[str, ...]]:
        """The granularities each indicator's observations are given in, coarsest first.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": "2024-06", "value": 1}], h)
        >>> p.granularities
        {'a': ('month',)}
        """
        grains = np.array([granularity(p) for p in self.periods], dtype=str)
        out = {}
        for code, d in self.data.items():
            held = set(grains[d.observed.any(axis=0)].tolist())
            out[code] = tuple(g for g in GRANULARITIES if g in held)
        return out

    def data_of(self, code: str) -> IndicatorData:
        """Return the arrays of indicator ``code``.

        Parameters
        ----------
        code
            An indicator code.

        Returns
        -------
        IndicatorData
            Its observations, units x periods.

        Raises
        ------
        UnknownIndicatorError
            If the panel has no data for ``code``.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> p = Panel.from_records(
        ...     [{"indicator": "files", "unit": "26", "period": 2024, "numerator": 45, "denominator": 50}],
        ...     h,
        ... )
        >>> d = p.data_of("files")
        >>> d.numerator.tolist(), d.denominator.tolist()
        ([[45.0]], [[50.0]])
        >>> p.data_of("staff")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownIndicatorError: indicator 'staff' is not in the panel; it holds 'files'
        """
        try:
            return self.data[code]
        except KeyError:
            held = ", ".join(repr(c) for c in self.data) or "no indicator"
            msg = f"indicator {code!r} is not in the panel; it holds {held}"
            raise UnknownIndicatorError(msg, key=code) from None

    def indicator(self, code: str) -> Indicator:
        """Return the definition of indicator ``code``.

        Parameters
        ----------
        code
            An indicator code.

        Returns
        -------
        Indicator
            The definition passed with ``indicators=`` when the panel was built.

        Raises
        ------
        UnknownIndicatorError
            If the panel was built without a definition for ``code``.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> rec = [{"indicator": "files", "unit": "26", "period": 2024, "value": 90}]
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> Panel.from_records(rec, h, indicators=[files]).indicator("files").unit
        '%'
        >>> Panel.from_records(rec, h).indicator("files")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownIndicatorError: the panel has no definition of indicator 'files'; pass indicators= when building it, or pass the Indicator itself
        """
        try:
            return self.indicators[code]
        except KeyError:
            msg = (
                f"the panel has no definition of indicator {code!r}; pass indicators= when "
                "building it, or pass the Indicator itself"
            )
            raise UnknownIndicatorError(msg, key=code) from None

    def period_index(self, period: object) -> int:
        """Return the column of ``period`` in the arrays.

        Parameters
        ----------
        period
            A period label or a year (``2024`` and ``"2024"`` are the same period).

        Returns
        -------
        int
            The index into :attr:`periods`.

        Raises
        ------
        KeyError
            If the panel has no such period.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2023, "value": 80},
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 90},
        ...     ],
        ...     h,
        ... )
        >>> p.period_index(2024), p.period_index("2023")
        (1, 0)
        >>> p.period_index(2025)
        Traceback (most recent call last):
        ...
        KeyError: "period '2025' is not in the panel; it holds 2023, 2024"
        """
        label = normalise_period(period)
        try:
            return self.periods.index(label)
        except ValueError:
            msg = f"period {label!r} is not in the panel; it holds {', '.join(self.periods)}"
            raise KeyError(msg) from None

    def value(self, code: str, unit: str, period: object) -> float:
        """Return one observed value (NaN when there is none).

        For a ratio given as parts the value is numerator / denominator x scale,
        using the indicator's definition (which the panel must hold).

        Parameters
        ----------
        code
            An indicator code.
        unit
            A unit code.
        period
            A period label or a year.

        Returns
        -------
        float
            The value, or NaN when the unit has no observation in the period.

        Raises
        ------
        UnknownIndicatorError
            If the panel has no data for ``code``.
        UnknownUnitError
            If ``unit`` is not in the hierarchy.
        KeyError
            If the panel has no such period.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> p = Panel.from_records(
        ...     [{"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50}],
        ...     vinh_phuc_units(),
        ...     indicators=[files],
        ... )
        >>> p.value("files", "243", 2024), p.value("files", "244", 2024)
        (90.0, nan)
        """
        d = self.data_of(code)
        scale = self._scale(code)
        i, j = self.hierarchy.position(unit), self.period_index(period)
        return float(d.values(scale)[i, j])

    def _scale(self, code: str) -> float | None:
        ind = self.indicators.get(code)
        if ind is None:
            return None
        return ind.measure.scale if ind.measure.kind == "ratio" else 1.0

    # ------------------------------------------------------------------ building

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        source: str = "<records>",
        first_row: int = 0,
    ) -> Panel:
        """Build a panel from mappings with keys ``indicator``, ``unit``, ``period`` and numbers.

        Each record gives ``value``, or ``numerator`` and ``denominator``, and
        optionally ``weight``. ``None`` or ``""`` means "not given"; numbers may
        be numbers or text.

        Parameters
        ----------
        records
            The observations.
        hierarchy
            The units they belong to.
        indicators
            Definitions; when given, an indicator code without a definition is
            an error and each observation is checked against its measure
            (bounds, parts, sign).
        require_parts
            Reject a bare ``value`` for a ratio indicator: only parts can be pooled.
        source
            Named in error messages.
        first_row
            The number of the first record in messages.

        Raises
        ------
        PanelError
            Listing every problem found, with row numbers. Nothing is loaded.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> Panel.from_records(
        ...     [{"indicator": "a", "unit": "26", "period": "2024", "numerator": 5}], h
        ... )
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: <records>: 1 problem
          row 0, field 'denominator': a numerator needs a denominator
        """
        rows = as_records(records, func="Panel.from_records")
        columns, n, row_numbers = _record_columns(rows, source, first_row)
        keys, numbers, bad_text = _parse_columns(columns, n)
        return cls._build(
            keys, numbers, n, hierarchy, indicators, require_parts, source, row_numbers, bad_text
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        only: str | Iterable[str] | None = None,
        engine: str = "auto",
    ) -> Panel:
        """Read a long CSV: ``indicator,unit,period`` then ``value`` and/or ``numerator,denominator``.

        A ``weight`` column is optional. Row numbers in errors count the
        header as row 1, as a spreadsheet shows them. See :meth:`from_records`
        for ``indicators`` and ``require_parts``.

        Parameters
        ----------
        path
            The CSV file.
        hierarchy
            The units the observations belong to.
        indicators, require_parts
            As for :meth:`from_records`.
        only
            An indicator code, or several: only the rows of these indicators
            are read and checked; the rows of other indicators are skipped
            unread (a row with an empty indicator is kept, and refused). By
            default every row is read.
        engine
            ``"auto"`` (the default) reads with pyarrow's multi-threaded CSV
            reader when the ``arrow`` extra is installed, and with the
            library's own whole-array reader otherwise; ``"numpy"`` always
            uses the latter; ``"arrow"`` requires pyarrow. Every engine gives
            the same panel and the same errors: a file pyarrow cannot read
            with the same row numbers (one with a quote or an empty line) or
            that holds a problem is read by the whole-array reader, which
            names each problem's row and field.

            .. versionadded:: 0.1.0

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "obs.csv"
        >>> _ = f.write_text("indicator,unit,period,value\\na,26,2024,abc\\n", encoding="utf-8")
        >>> Panel.from_csv(f, h)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: .../obs.csv: 1 problem
          row 2, field 'value': not a number: 'abc'

        With ``only``, the rows of other indicators (here a unit that is not
        in the hierarchy) are not read:

        >>> _ = f.write_text("indicator,unit,period,value\\na,26,2024,7\\nb,99,2024,1\\n", encoding="utf-8")
        >>> Panel.from_csv(f, h, only="a").indicator_codes
        ('a',)
        """
        return cls._read_csv(path, hierarchy, indicators, require_parts, only, engine)[0]

    @classmethod
    def _read_csv(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        only: str | Iterable[str] | None = None,
        engine: str = "auto",
    ) -> tuple[Panel, dict[str, int]]:
        """:meth:`from_csv`, and how many rows of each other indicator ``only`` skipped."""
        path = Path(path)
        keys, numbers, n, row_numbers, bad_text = _csv_columns(path, _csv_engine(engine))
        skipped: dict[str, int] = {}
        if only is not None:
            keys, numbers, n, row_numbers, bad_text, skipped = _only_rows(
                keys, numbers, row_numbers, bad_text, only
            )
        panel = cls._build(
            keys, numbers, n, hierarchy, indicators, require_parts, str(path), row_numbers, bad_text
        )
        return panel, skipped

    @classmethod
    def from_columns(
        cls,
        hierarchy: Hierarchy,
        *,
        indicator: Sequence[str] | NDArray[Any],
        unit: Sequence[str] | NDArray[Any],
        period: Sequence[object] | NDArray[Any],
        value: Sequence[float] | NDArray[Any] | None = None,
        numerator: Sequence[float] | NDArray[Any] | None = None,
        denominator: Sequence[float] | NDArray[Any] | None = None,
        weight: Sequence[float] | NDArray[Any] | None = None,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        source: str = "<columns>",
    ) -> Panel:
        """Build a panel from equal-length columns (the fast path for programs).

        Number columns are float arrays where NaN means "not given"; rows are
        numbered from 0 in errors. See :meth:`from_records` for the rest.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_columns(
        ...     h, indicator=["a", "a"], unit=["26", "26"], period=[2023, 2024],
        ...     value=np.array([1.0, 2.0]),
        ... )
        >>> p.data_of("a").value.tolist()
        [[1.0, 2.0]]
        """
        keys, numbers, n = _array_columns(
            indicator,
            unit,
            period,
            {"value": value, "numerator": numerator, "denominator": denominator, "weight": weight},
        )
        rows = np.arange(n, dtype=np.int64)
        return cls._build(keys, numbers, n, hierarchy, indicators, require_parts, source, rows, {})

    @classmethod
    def _build(
        cls,
        keys: Mapping[str, Any],
        numbers: Mapping[str, tuple[FloatArray, BoolArray, BoolArray]],
        n: int,
        hierarchy: Hierarchy,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
        require_parts: bool,
        source: str,
        row_numbers: IntArray,
        bad_text: Mapping[str, Mapping[int, str]],
    ) -> Panel:
        check_type(hierarchy, Hierarchy, func="Panel", parameter="hierarchy")
        defs = _definitions(indicators)
        codes, periods, arrays, row_dense = _validate(
            keys, numbers, n, hierarchy, defs, require_parts, source, row_numbers, bad_text
        )
        data = {
            code: IndicatorData(
                arrays["value"][k],
                arrays["numerator"][k],
                arrays["denominator"][k],
                arrays["weight"][k],
                row_dense[k],
            )
            for k, code in enumerate(codes)
        }
        used = {c: d for c, d in (defs or {}).items() if c in data}
        return cls(hierarchy, tuple(periods), data, used, source)

    def with_indicators(
        self,
        indicators: Iterable[Indicator] | Mapping[str, Indicator],
        *,
        require_parts: bool = False,
    ) -> Panel:
        """Return a panel that also holds these definitions, after checking the data against them.

        Raises
        ------
        PanelError
            If an observation does not fit its indicator's measure; rows are
            those of the original source.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy, Indicator
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 120}], h)
        >>> p.with_indicators([Indicator("a", "A")])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: <records>: 1 problem
          row 0, field 'value': a percent must lie in [0, 100], got 120
        """
        defs = _definitions(indicators) or {}
        relevant = _check_definitions(self.data, defs, require_parts, self.source)
        merged = dict(self.indicators)
        merged.update({c: defs[c] for c in relevant})
        return attrs.evolve(self, indicators=merged)

    def to_granularity(
        self,
        granularity: str,
        *,
        ytd: bool = False,
        min_complete: float = 1.0,
        indicators: Iterable[str] | None = None,
    ) -> Panel:
        """Return the observations converted to a coarser period by each indicator's temporal nature.

        Flows are summed (a ratio's numerator and denominator separately),
        stocks take the last value in the period, levels the mean over the
        sub-periods with data; with ``ytd=True`` the values are to date within
        each period. Only complete periods get a value unless
        ``min_complete`` says otherwise; the result's :attr:`completeness`
        says how complete each value is. See
        :func:`cchc_indicators.data.periods.to_granularity` for the parameters.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import Hierarchy, Indicator, measures
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"}])
        >>> staff = Indicator("staff", "Số biên chế", measure=measures.count(), temporal="stock")
        >>> monthly = Panel.from_records(
        ...     [{"indicator": "staff", "unit": "26", "period": f"2024-{m:02d}", "value": 60 - m}
        ...      for m in range(1, 13)],
        ...     h,
        ...     indicators=[staff],
        ... )
        >>> quarterly = monthly.to_granularity("quarter")
        >>> quarterly.periods
        ('2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4')
        >>> quarterly.data_of("staff").value.tolist()
        [[57.0, 54.0, 51.0, 48.0]]
        >>> monthly.to_granularity("year").value("staff", "26", 2024)
        48.0
        """
        from cchc_indicators.data.periods import to_granularity

        return to_granularity(
            self, granularity, ytd=ytd, min_complete=min_complete, indicators=indicators
        )

    # ------------------------------------------------------------------ output

    def to_records(self) -> list[dict[str, object]]:
        """Return the observations as long-format rows, the inverse of :meth:`from_records`.

        Rows come by indicator, then unit (hierarchy order), then period.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> rec = [{"indicator": "a", "unit": "26", "period": "2024", "numerator": 1.0,
        ...         "denominator": 2.0}]
        >>> Panel.from_records(rec, h).to_records()
        [{'indicator': 'a', 'unit': '26', 'period': '2024', 'numerator': 1.0, 'denominator': 2.0}]
        """
        out: list[dict[str, object]] = []
        for code, d in self.data.items():
            for i, j in zip(*np.nonzero(d.observed), strict=True):
                rec: dict[str, object] = {
                    "indicator": code,
                    "unit": self.hierarchy.codes[i],
                    "period": self.periods[j],
                }
                if not np.isnan(d.value[i, j]):
                    rec["value"] = float(d.value[i, j])
                if not np.isnan(d.denominator[i, j]):
                    rec["numerator"] = float(d.numerator[i, j])
                    rec["denominator"] = float(d.denominator[i, j])
                if not np.isnan(d.weight[i, j]):
                    rec["weight"] = float(d.weight[i, j])
                out.append(rec)
        return out

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """Write the observations as the long CSV that :meth:`from_csv` reads back.

        Columns ``indicator,unit,period,value,numerator,denominator,weight``,
        one row per observed cell, by indicator, then unit (hierarchy order),
        then period; a missing number is an empty cell. Numbers are written as
        the shortest text that reads back to the same float, so
        ``Panel.from_csv(path, panel.hierarchy, indicators=panel.indicators)``
        gives the same observations. The panel's ``source``, ``note`` and
        ``completeness`` are not part of the file. The text is built column by
        column with NumPy, not row by row.

        .. versionadded:: 0.1.0

        Parameters
        ----------
        path
            The file to write (UTF-8); ``None`` returns the text instead.

        Returns
        -------
        str or None
            The CSV text when ``path`` is ``None``.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> rec = [{"indicator": "a", "unit": "26", "period": "2024", "numerator": 1,
        ...         "denominator": 3}, {"indicator": "b", "unit": "26", "period": "2024-Q1",
        ...         "value": 0.1}]
        >>> print(Panel.from_records(rec, h).to_csv())
        indicator,unit,period,value,numerator,denominator,weight
        a,26,2024,,1.0,3.0,
        b,26,2024-Q1,0.1,,,
        <BLANKLINE>
        """
        header = ",".join(_LONG_COLUMNS)
        blocks = [header]
        for cols in self._long_columns():
            parts = [
                _csv_text(cols["indicator"]),
                _csv_text(cols["unit"]),
                _csv_text(cols["period"]),
                *(_csv_numbers(cols[name]) for name in _LONG_COLUMNS[3:]),
            ]
            line = parts[0]
            for part in parts[1:]:
                line = line + "," + part
            blocks.append("\n".join(line.tolist()))
        text = "\n".join(blocks) + "\n"
        if path is None:
            return text
        Path(path).write_text(text, encoding="utf-8")
        return None

    def _long_columns(self) -> list[dict[str, NDArray[Any]]]:
        """Per indicator with observations, its long columns (object texts, float numbers).

        A numerator is given only with its denominator, as the readers pair them.
        """
        out = []
        codes = np.array(self.hierarchy.codes, dtype=object)
        periods = np.array(self.periods, dtype=object)
        for code, d in self.data.items():
            rows, cols = np.nonzero(d.observed)
            if rows.size == 0:
                continue
            paired = np.where(np.isnan(d.denominator), np.nan, d.numerator)
            out.append(
                {
                    "indicator": np.full(rows.size, code, dtype=object),
                    "unit": codes[rows],
                    "period": periods[cols],
                    "value": d.value[rows, cols],
                    "numerator": paired[rows, cols],
                    "denominator": d.denominator[rows, cols],
                    "weight": d.weight[rows, cols],
                }
            )
        return out

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the observations as a Parquet file in the long layout of :meth:`to_csv`.

        Needs the ``arrow`` extra (pyarrow). Texts are strings, numbers are
        float64 with nulls where a number is missing; the rows are those of
        :meth:`to_csv`, and :meth:`from_parquet` reads them back.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 7}], h)
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "obs.parquet"
        >>> p.to_parquet(f)
        >>> Panel.from_parquet(f, h).to_records() == p.to_records()
        True
        """
        _, pq = _arrow()
        pq.write_table(self.to_arrow(), str(path))

    @classmethod
    def from_parquet(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
    ) -> Panel:
        """Read a Parquet file of long observations, as :meth:`from_csv` reads a CSV file.

        Needs the ``arrow`` extra (pyarrow). Columns ``indicator``, ``unit`` and
        ``period`` are required; ``value``, ``numerator``, ``denominator`` and
        ``weight`` are read where present (a null is a missing number). Codes
        may be strings or integers, periods strings or whole years. The rows go
        through the same validation as every reader, numbered from 0 in errors.

        .. versionadded:: 0.1.0

        Raises
        ------
        PanelError
            If the file cannot be read, is not Parquet, lacks a required
            column, or holds invalid rows (every problem is listed).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> Panel.from_parquet(pathlib.Path(tempfile.mkdtemp()) / "none.parquet", h)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: .../none.parquet: 1 problem
          no such file
        """
        pa, pq = _arrow()
        source = Path(path)
        if not source.is_file():  # pyarrow's own errors carry no errno to say why
            cause = errno.EISDIR if source.is_dir() else errno.ENOENT
            problem = file_problem(source, OSError(cause, os.strerror(cause)))
            raise PanelError([problem], source=str(source))
        try:
            table = pq.read_table(str(source))
        except (OSError, pa.ArrowException) as exc:
            problem = Problem(f"not a Parquet file: {exc}", kind="not_parquet")
            raise PanelError([problem], source=str(source)) from None
        return cls._from_arrow(table, hierarchy, indicators, require_parts, str(source))

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        source: str = "<frame>",
    ) -> Panel:
        """Read long observations from a data frame (pandas, polars, pyarrow, Arrow C stream).

        ``frame`` is a pandas or polars data frame, a pyarrow table, or any
        object that offers the Arrow C stream (``__arrow_c_stream__``). Needs the ``arrow`` extra (pyarrow), through which the frame's columns
        are read (without a copy where the layout allows). The columns are
        those of :meth:`from_parquet`; the rows go through the same validation
        as every reader, numbered from 0 in errors; ``source`` names the frame
        in messages.

        .. versionadded:: 0.1.0

        Raises
        ------
        ArgumentTypeError
            If ``frame`` is not a data frame.
        PanelError
            If a required column is missing or a number column is not numeric,
            or rows are invalid.

        Examples
        --------
        >>> import pandas as pd
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> frame = pd.DataFrame({"indicator": ["a"], "unit": ["26"], "period": [2024], "value": [7.0]})
        >>> Panel.from_frame(frame, h).to_records()
        [{'indicator': 'a', 'unit': '26', 'period': '2024', 'value': 7.0}]
        """
        pa, _ = _arrow()
        if not isinstance(frame, pa.Table) and not hasattr(frame, "__arrow_c_stream__"):
            from cchc_indicators.core.errors import ArgumentTypeError

            msg = (
                "Panel.from_frame: 'frame' must be a data frame (pandas, polars, a pyarrow "
                f"table or any object with __arrow_c_stream__), got {type(frame).__name__}"
            )
            raise ArgumentTypeError(msg, parameter="frame")
        table = frame if isinstance(frame, pa.Table) else pa.table(frame)
        return cls._from_arrow(table, hierarchy, indicators, require_parts, source)

    @classmethod
    def from_sql(
        cls,
        query: str,
        connection: Any,
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
        source: str | None = None,
    ) -> Panel:
        """Read long observations from the result of a SQL query.

        ``connection`` is any DB-API 2.0 connection (``sqlite3.connect``,
        ``psycopg.connect``, DuckDB, ...) or an ADBC connection. The query's
        columns are those of :meth:`from_parquet`: ``indicator``, ``unit`` and
        ``period`` (text or integers), then ``value`` and/or ``numerator`` and
        ``denominator``, and optionally ``weight`` (a NULL is a missing number);
        other columns are ignored, so alias yours (``SELECT code AS unit``).
        Where the driver offers the result set as Arrow data (an ADBC cursor's
        ``fetch_arrow_table``) it is read so; otherwise it is fetched with
        ``fetchmany`` in batches and turned into arrays column by column. The
        rows go through the same validation as every reader, numbered from 0
        (the row of the result set) in errors. The cursor is closed whatever
        happens; the connection stays open, and in the state the driver leaves
        it in (after a failed query, a PostgreSQL transaction must be rolled back).

        .. versionadded:: 0.1.0

        Parameters
        ----------
        query
            The SQL query, run once.
        connection
            An open DB-API 2.0 or ADBC connection.
        hierarchy
            The units the observations belong to.
        indicators, require_parts
            As for :meth:`from_records`.
        params
            The query's parameters, passed to the driver's ``cursor.execute``
            (in the driver's placeholder style: ``?`` for sqlite3, ``%s`` for psycopg).
        source
            Named in error messages; by default the query.

        Raises
        ------
        ArgumentTypeError
            If ``connection`` is not a DB-API connection, or ``query`` not a string.
        PanelError
            If the connection cannot give a cursor (``connection_failed``), the
            driver refuses the query (``query_failed``, with the driver's
            message), the result lacks a required column (``missing_column``,
            listing the query's columns), a number column holds something else
            (``not_a_number``), or rows are invalid (every problem is listed).
            Nothing is loaded.

        Examples
        --------
        >>> import sqlite3
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> db = sqlite3.connect(":memory:")
        >>> _ = db.execute("CREATE TABLE obs (ind TEXT, unit TEXT, year INTEGER, n INTEGER, d INTEGER)")
        >>> _ = db.execute("INSERT INTO obs VALUES ('files', '26', 2024, 45, 50)")
        >>> query = (
        ...     "SELECT ind AS indicator, unit, year AS period, n AS numerator, d AS denominator"
        ...     " FROM obs WHERE year = ?"
        ... )
        >>> Panel.from_sql(query, db, h, params=(2024,)).to_records()
        [{'indicator': 'files', 'unit': '26', 'period': '2024', 'numerator': 45.0, 'denominator': 50.0}]
        >>> Panel.from_sql("SELECT ind AS indicator, unit, year AS period FROM obs", db, h)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: SELECT ind AS indicator, unit, year AS period FROM obs: 1 problem
          missing column(s) value, or numerator and denominator; the query gives indicator, unit, period
        """
        from cchc_indicators.data._panel_sql import read_sql

        return read_sql(
            cls,
            query,
            connection,
            hierarchy,
            indicators=indicators,
            require_parts=require_parts,
            params=params,
            source=source,
        )

    def to_arrow(self) -> Any:
        """Return the observations as a pyarrow table in the layout of :meth:`to_parquet`.

        Needs the ``arrow`` extra. Any Arrow-aware library takes it as it is
        (``polars.from_arrow(table)``, ``table.to_pandas()``, DuckDB).

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 7}], h)
        >>> p.to_arrow().column_names
        ['indicator', 'unit', 'period', 'value', 'numerator', 'denominator', 'weight']
        """
        pa, _ = _arrow()
        parts = self._long_columns()
        columns: dict[str, Any] = {}
        for name in _LONG_COLUMNS:
            texts = name in _LONG_COLUMNS[:3]
            joined = (
                np.concatenate([c[name] for c in parts])
                if parts
                else np.array([], dtype=object if texts else np.float64)
            )
            if texts:  # object arrays of str: pyarrow converts them in C, no list
                columns[name] = pa.array(joined, type=pa.string())
            else:
                columns[name] = pa.array(joined, type=pa.float64(), mask=np.isnan(joined))
        return pa.table(columns)

    @classmethod
    def _from_arrow(
        cls,
        table: Any,
        hierarchy: Hierarchy,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
        require_parts: bool,
        source: str,
    ) -> Panel:
        """Validate and build a panel from a pyarrow table of long observations."""
        pa, _ = _arrow()
        names = set(table.column_names)
        missing = [c for c in _LONG_COLUMNS[:3] if c not in names]
        if missing:
            msg = (
                f"missing column(s) {', '.join(missing)}; the columns are "
                f"{', '.join(table.column_names)}"
            )
            raise PanelError([Problem(msg, kind="missing_column")], source=source)
        numbers: dict[str, Any] = {}
        for name in _LONG_COLUMNS[3:]:
            if name not in names:
                continue
            column = table.column(name)
            try:
                numbers[name] = column.cast(pa.float64())
            except pa.ArrowException:
                msg = f"column {name!r} is not numeric ({column.type})"
                raise PanelError(
                    [Problem(msg, field=name, kind="not_a_number")], source=source
                ) from None
        cast = pa.table({**{name: table.column(name) for name in _LONG_COLUMNS[:3]}, **numbers})
        got = table_columns(cast, _LONG_COLUMNS[3:])
        assert got is not None  # only CSV files fall back
        keys, columns, n = got
        stripped = {name: _stripped(column) for name, column in keys.items()}
        return cls._build(
            stripped,
            columns,
            n,
            hierarchy,
            indicators,
            require_parts,
            source,
            np.arange(n, dtype=np.int64),
            {},
        )

    def to_frame(self, library: str = "pandas") -> Any:
        """Return the observations as a data frame, one row per observation.

        The columns are those of :meth:`to_csv` (NaN or null where a number
        is missing); :meth:`from_frame` reads the frame back.

        Parameters
        ----------
        library
            ``"pandas"`` (the default; the ``pandas`` extra), ``"polars"``
            (polars installed, through the ``arrow`` extra) or ``"arrow"`` (a
            pyarrow table, as :meth:`to_arrow`).

            .. versionadded:: 0.1.0

        Raises
        ------
        DefinitionError
            If ``library`` is none of these.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 1}], h)
        >>> p.to_frame().columns.tolist()
        ['indicator', 'unit', 'period', 'value', 'numerator', 'denominator', 'weight']
        >>> p.to_frame("polars").shape
        (1, 7)
        """
        if library == "arrow":
            return self.to_arrow()
        if library == "polars":
            try:
                import polars as pl
            except ImportError as exc:  # pragma: no cover - depends on the environment
                msg = "Panel.to_frame('polars') needs polars: pip install polars"
                raise ImportError(msg) from exc
            return pl.from_arrow(self.to_arrow())
        if library != "pandas":
            from cchc_indicators.core.errors import DefinitionError

            msg = f"Panel.to_frame: library must be 'pandas', 'polars' or 'arrow', got {library!r}"
            raise DefinitionError(msg)
        pd = _pandas()
        parts = self._long_columns()
        columns = {
            name: (
                np.concatenate([c[name] for c in parts])
                if parts
                else np.array([], dtype=object if name in _LONG_COLUMNS[:3] else np.float64)
            )
            for name in _LONG_COLUMNS
        }
        return pd.DataFrame(columns, columns=list(_LONG_COLUMNS))


def _csv_text(values: NDArray[Any]) -> NDArray[Any]:
    """A column of texts as CSV cells (object array), quoting only where needed, in bulk."""
    texts = values.astype(str)
    special = (
        (np.char.find(texts, ",") >= 0)
        | (np.char.find(texts, '"') >= 0)
        | (np.char.find(texts, "\n") >= 0)
        | (np.char.find(texts, "\r") >= 0)
    )
    if special.any():
        quoted = np.char.add(np.char.add('"', np.char.replace(texts, '"', '""')), '"')
        texts = np.where(special, quoted, texts)
    out: NDArray[Any] = texts.astype(object)
    return out


def _csv_numbers(values: NDArray[np.float64]) -> NDArray[Any]:
    """A column of floats as the shortest text that reads back to each (empty for NaN)."""
    texts = values.astype(str)  # NumPy writes the shortest round-tripping text
    out: NDArray[Any] = np.where(np.isnan(values), "", texts).astype(object)
    return out


#: The columns of the long layout of :meth:`Panel.to_csv` and :meth:`Panel.to_parquet`.
_LONG_COLUMNS = ("indicator", "unit", "period", "value", "numerator", "denominator", "weight")


def _csv_engine(engine: object) -> bool:
    """Whether to try pyarrow's CSV reader first, from ``engine``; a bad value is an error."""
    if engine not in ("auto", "numpy", "arrow"):
        from cchc_indicators.core.errors import DefinitionError

        msg = f"Panel.from_csv: engine must be 'auto', 'numpy' or 'arrow', got {engine!r}"
        raise DefinitionError(msg)
    if engine == "arrow":
        _arrow()
    return engine != "numpy" and have_pyarrow()


def _frame_of_records(
    records: list[dict[str, Any]], columns: list[str], library: str, func: str
) -> Any:
    """Records as a pandas or polars frame or a pyarrow table (small outputs: one row each)."""
    if library == "pandas":
        return _pandas().DataFrame.from_records(records, columns=columns)
    if library in ("polars", "arrow"):
        pa, _ = _arrow()
        table = pa.Table.from_pylist(records) if records else pa.table({c: [] for c in columns})
        table = table.select(columns)
        if library == "arrow":
            return table
        import polars as pl

        return pl.from_arrow(table)
    from cchc_indicators.core.errors import DefinitionError

    msg = f"{func}: library must be 'pandas', 'polars' or 'arrow', got {library!r}"
    raise DefinitionError(msg)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "this needs pandas: pip install 'cchc-indicators[pandas]'"
        raise ImportError(msg) from exc
    return pd
