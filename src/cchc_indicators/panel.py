"""Panels: observations keyed by (indicator, unit, period), stored as dense arrays.

A :class:`Panel` is read from records, a long CSV file or columns. Each row
gives either a ``value`` or a ``numerator`` and ``denominator`` (both forms may
be mixed in one file), and optionally a ``weight``. Everything is validated
before anything is stored: all problems are collected and reported together
with their row numbers in one :class:`~cchc_indicators.errors.PanelError`.

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
Panel(indicators=1, units=2, periods=('2024',), observations=2)
>>> p.value("files", "243", "2024")
90.0
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ._periods import GRANULARITIES, axis_sort_key, granularity, normalise_period
from ._validate import (
    Problems,
    check_measures,
    factorize,
    parse_numbers,
    parse_periods,
    read_csv,
)
from .errors import DefinitionError, PanelError, Problem, UnknownIndicatorError
from .hierarchy import Hierarchy
from .indicators import Indicator

if TYPE_CHECKING:  # pragma: no cover - imports for annotations only
    from .periods import Completeness

__all__ = ["IndicatorData", "Panel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_KEY_COLUMNS = ("indicator", "unit", "period")
_NUMBER_COLUMNS = ("value", "numerator", "denominator", "weight")


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


def _labels(periods: Iterable[str]) -> tuple[str, ...]:
    return tuple(periods)


def _nan_eq(a: NDArray[Any], b: NDArray[Any]) -> bool:
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


@attrs.frozen
class IndicatorData:
    """The observations of one indicator: dense arrays of shape (units, periods).

    Rows follow :attr:`Hierarchy.codes <cchc_indicators.Hierarchy.codes>`,
    columns :attr:`Panel.periods`. NaN means "not given".

    Parameters
    ----------
    value
        Values given directly.
    numerator, denominator
        Ratio parts, where given.
    weight
        The weight column, where given.
    row
        The source row of each observation (-1 where there is none), so later
        errors can name it.

    Examples
    --------
    >>> d = IndicatorData.empty(2, 1)
    >>> d.observed.tolist()
    [[False], [False]]
    """

    value: FloatArray = attrs.field(converter=_readonly, eq=attrs.cmp_using(eq=_nan_eq))
    numerator: FloatArray = attrs.field(converter=_readonly, eq=attrs.cmp_using(eq=_nan_eq))
    denominator: FloatArray = attrs.field(converter=_readonly, eq=attrs.cmp_using(eq=_nan_eq))
    weight: FloatArray = attrs.field(converter=_readonly, eq=attrs.cmp_using(eq=_nan_eq))
    row: IntArray = attrs.field(converter=_readonly, eq=attrs.cmp_using(eq=_nan_eq))
    any_value: bool = attrs.field(init=False, eq=False, repr=False)
    any_bare_value: bool = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if np.any((self.denominator == 0) & (self.numerator > 0)):
            msg = "a positive numerator over a denominator of 0 has no meaning"
            raise ValueError(msg)
        given = ~np.isnan(self.value)
        object.__setattr__(self, "any_value", bool(given.any()))
        bare = self.any_value and bool((given & np.isnan(self.denominator)).any())
        object.__setattr__(self, "any_bare_value", bare)

    @property
    def bare_value(self) -> BoolArray:
        """Where the observation gave a value without numerator and denominator.

        Such cells cannot be pooled by ``ratio_of_sums``.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.bare_value[:3].tolist()
        [[True], [False], [False]]
        """
        out: BoolArray = ~np.isnan(self.value) & np.isnan(self.denominator)
        return out

    @classmethod
    def empty(cls, n_units: int, n_periods: int) -> IndicatorData:
        """Arrays with no observation.

        Parameters
        ----------
        n_units, n_periods
            The shape of the arrays.

        Returns
        -------
        IndicatorData
            NaN in every number array, -1 in :attr:`row`.

        Examples
        --------
        >>> d = IndicatorData.empty(2, 3)
        >>> d.value.shape, d.row[0].tolist(), bool(d.observed.any())
        ((2, 3), [-1, -1, -1], False)
        """
        nan = np.full((n_units, n_periods), np.nan)
        return cls(nan, nan, nan, nan, np.full((n_units, n_periods), -1, dtype=np.int64))

    @property
    def has_parts(self) -> BoolArray:
        """Where the observation gave a numerator and a denominator.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.has_parts[:3].tolist()
        [[False], [True], [False]]
        """
        out: BoolArray = ~np.isnan(self.denominator)
        return out

    @property
    def observed(self) -> BoolArray:
        """Where there is an observation (a value or parts).

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.observed[:3].tolist(), int(d.observed.sum())
        ([[True], [True], [False]], 2)
        """
        out: BoolArray = self.row >= 0
        return out

    def values(self, scale: float | None) -> FloatArray:
        """Each cell's value: the value given, or numerator / denominator x ``scale``.

        A denominator of 0 gives NaN. ``scale=None`` means the parts are not
        turned into values (cells holding only parts are NaN).

        Examples
        --------
        >>> d = IndicatorData(
        ...     value=[[np.nan, 7.0]], numerator=[[3.0, np.nan]], denominator=[[4.0, np.nan]],
        ...     weight=[[np.nan, np.nan]], row=[[0, 1]],
        ... )
        >>> d.values(100).tolist()
        [[75.0, 7.0]]
        """
        if scale is None:
            return self.value
        # 0 of 0 gives NaN, and a positive numerator over 0 is refused on construction,
        # so plain division is exact here; scaling first keeps 57 of 100 at exactly 57
        num = self.numerator * scale if scale != 1.0 else self.numerator
        with np.errstate(invalid="ignore", divide="ignore"):
            out: FloatArray = num / self.denominator
        if self.any_bare_value:  # where parts were given they win over a value given with them
            out = np.where(np.isnan(self.denominator), self.value, out)
        return out


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
        (:class:`~cchc_indicators.periods.Completeness`); empty otherwise.

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
            f"Panel(indicators={len(self.data)}, units={len(self.hierarchy)}, "
            f"periods={self.periods!r}, observations={len(self)})"
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
        cchc_indicators.errors.UnknownIndicatorError: indicator 'staff' is not in the panel; it holds 'files'
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
        cchc_indicators.errors.UnknownIndicatorError: the panel has no definition of indicator 'files'; pass indicators= when building it, or pass the Indicator itself
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
        cchc_indicators.errors.PanelError: <records>: 1 problem
          row 0, field 'denominator': a numerator needs a denominator
        """
        rows = list(records)
        _check_mappings(rows, source, first_row)
        columns = {c: [r.get(c) for r in rows] for c in _KEY_COLUMNS + _NUMBER_COLUMNS}
        return cls._from_raw(
            columns,
            len(rows),
            hierarchy,
            indicators,
            require_parts,
            source,
            first_row + np.arange(len(rows), dtype=np.int64),
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        *,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
        require_parts: bool = False,
    ) -> Panel:
        """Read a long CSV: ``indicator,unit,period`` then ``value`` and/or ``numerator,denominator``.

        A ``weight`` column is optional. Row numbers in errors count the
        header as row 1, as a spreadsheet shows them. See :meth:`from_records`
        for the parameters.

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
        cchc_indicators.errors.PanelError: .../obs.csv: 1 problem
          row 2, field 'value': not a number: 'abc'
        """
        path = Path(path)
        header, table, row_numbers = read_csv(path)
        missing = [c for c in _KEY_COLUMNS if c not in header]
        if not missing and not ({"value", "numerator", "denominator"} & set(header)):
            missing = ["value (or numerator,denominator)"]
        if missing:
            problem = Problem(
                f"missing column(s) {', '.join(missing)}; got {','.join(header) or '(empty file)'}",
                row=1,
                kind="missing_column",
            )
            raise PanelError([problem], source=str(path))
        columns: dict[str, list[Any]] = {}
        for c in _KEY_COLUMNS + _NUMBER_COLUMNS:
            if c in header:
                j = header.index(c)
                columns[c] = [row[j] if j < len(row) else "" for row in table]
            else:
                columns[c] = [None] * len(table)
        return cls._from_raw(
            columns, len(table), hierarchy, indicators, require_parts, str(path), row_numbers
        )

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
        n = len(indicator)
        lengths = {"unit": len(unit), "period": len(period)}
        for name, length in lengths.items():
            if length != n:
                msg = f"column {name!r} has {length} rows, expected {n} like 'indicator'"
                raise ValueError(msg)
        numbers: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
        for name, col in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
            ("weight", weight),
        ):
            if col is None:
                numbers[name] = (np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool))
                continue
            arr = np.asarray(col, dtype=np.float64)
            if arr.shape != (n,):
                msg = f"column {name!r} has {arr.shape[0] if arr.ndim else 0} rows, expected {n}"
                raise ValueError(msg)
            given = ~np.isnan(arr)
            numbers[name] = (arr, given, given & ~np.isfinite(arr))
        keys = {
            "indicator": np.asarray(indicator, dtype=str),
            "unit": np.asarray(unit, dtype=str),
            "period": period,
        }
        rows = np.arange(n, dtype=np.int64)
        return cls._build(keys, numbers, n, hierarchy, indicators, require_parts, source, rows, {})

    @classmethod
    def _from_raw(
        cls,
        columns: Mapping[str, list[Any]],
        n: int,
        hierarchy: Hierarchy,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
        require_parts: bool,
        source: str,
        row_numbers: IntArray,
    ) -> Panel:
        numbers: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
        bad_text: dict[str, dict[int, str]] = {}
        for name in _NUMBER_COLUMNS:
            numbers[name], bad_text[name] = parse_numbers(columns[name])
        keys = {
            "indicator": np.array([_text(x) for x in columns["indicator"]], dtype=str)
            if n
            else np.array([], dtype=str),
            "unit": np.array([_text(x) for x in columns["unit"]], dtype=str)
            if n
            else np.array([], dtype=str),
            "period": columns["period"],
        }
        return cls._build(
            keys, numbers, n, hierarchy, indicators, require_parts, source, row_numbers, bad_text
        )

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
        defs = _definitions(indicators)
        problems = Problems(row_numbers)
        ind_col: NDArray[np.str_] = keys["indicator"]
        unit_col: NDArray[np.str_] = keys["unit"]

        # ---- keys
        problems.add(ind_col == "", "empty_field", "indicator", lambda i: "the indicator is empty")
        problems.add(unit_col == "", "empty_field", "unit", lambda i: "the unit is empty")
        unit_idx, unit_found = hierarchy.positions(unit_col)
        problems.add(
            ~unit_found & (unit_col != ""),
            "unknown_unit",
            "unit",
            lambda i: (
                f"unknown unit {str(unit_col[i])!r} (not in the hierarchy, edition {hierarchy.edition})"
            ),
        )
        codes, ind_idx = factorize(ind_col)
        if defs is not None:
            known = np.array([c in defs for c in codes.tolist()], dtype=bool)
            held = ", ".join(repr(c) for c in sorted(defs)) or "none"
            problems.add(
                ~known[ind_idx] & (ind_col != "") if n else np.zeros(0, bool),
                "unknown_indicator",
                "indicator",
                lambda i: (
                    f"unknown indicator {str(ind_col[i])!r}; the definitions given are {held}"
                ),
            )
        labels, grains, period_text = parse_periods(keys["period"])
        period_ok = labels != ""
        problems.add(
            ~period_ok,
            "bad_period",
            "period",
            lambda i: (
                f"not a period: {str(period_text[i])!r} (expected a year such as '2024', "
                "a quarter '2024-Q2' or a month '2024-06')"
            ),
        )
        # one granularity per (indicator, unit): the first sound row of each pair sets it
        n_units = len(hierarchy)
        key_ok = unit_found & period_ok & (ind_col != "")
        series = np.where(
            key_ok, ind_idx.astype(np.int64) * n_units + np.maximum(unit_idx, 0), -1 - np.arange(n)
        )
        first_of_series = _first_occurrence(series)
        problems.add(
            key_ok & (grains != grains[first_of_series]),
            "mixed_periods",
            "period",
            lambda i: (
                f"period {str(labels[i])!r} is a {grains[i]!s}, but row "
                f"{int(row_numbers[first_of_series[i]])} gives {grains[first_of_series[i]]!s}s of "
                f"indicator {str(ind_col[i])!r} for unit {str(unit_col[i])!r}; give each "
                "indicator and unit in one granularity (years, quarters or months)"
            ),
        )

        # ---- numbers
        value, v_given, v_bad = numbers["value"]
        num, n_given, n_bad = numbers["numerator"]
        den, d_given, d_bad = numbers["denominator"]
        weight, w_given, w_bad = numbers["weight"]
        for name, bad in (
            ("value", v_bad),
            ("numerator", n_bad),
            ("denominator", d_bad),
            ("weight", w_bad),
        ):
            texts = bad_text.get(name, {})
            problems.add(
                bad,
                "not_a_number",
                name,
                lambda i, t=texts, a=numbers[name][0]: (
                    f"not a number: {t[i]!r}" if i in t else f"not a finite number: {float(a[i])!r}"
                ),
            )
        v_ok, n_ok, d_ok, w_ok = (
            v_given & ~v_bad,
            n_given & ~n_bad,
            d_given & ~d_bad,
            w_given & ~w_bad,
        )
        problems.add(
            ~v_given & ~n_given & ~d_given,
            "no_value",
            "value",
            lambda i: "the row gives no value and no numerator/denominator",
        )
        problems.add(
            n_given & ~d_given,
            "incomplete_parts",
            "denominator",
            lambda i: "a numerator needs a denominator",
        )
        problems.add(
            d_given & ~n_given,
            "incomplete_parts",
            "numerator",
            lambda i: "a denominator needs a numerator",
        )
        parts = n_ok & d_ok
        problems.add(
            d_ok & (den < 0),
            "negative_denominator",
            "denominator",
            lambda i: f"the denominator must be >= 0, got {den[i]:g}",
        )
        problems.add(
            n_ok & (num < 0),
            "negative_numerator",
            "numerator",
            lambda i: f"the numerator must be >= 0, got {num[i]:g}",
        )
        problems.add(
            parts & (den == 0) & (num > 0),
            "positive_over_zero",
            "denominator",
            lambda i: (
                f"a numerator of {num[i]:g} over a denominator of 0 has no meaning; "
                "check the row (0 of 0 is allowed: it reports no activity)"
            ),
        )
        problems.add(
            w_ok & (weight < 0),
            "negative_weight",
            "weight",
            lambda i: f"the weight must be >= 0, got {weight[i]:g}",
        )

        # ---- duplicates among rows whose key is sound
        periods = sorted(set(labels[key_ok].tolist()), key=axis_sort_key)
        column_of = {p: j for j, p in enumerate(periods)}
        per_idx = np.fromiter(
            map(column_of.get, labels.tolist(), itertools.repeat(0)), dtype=np.int64, count=n
        )
        n_periods = max(len(periods), 1)
        flat = (ind_idx.astype(np.int64) * n_units + np.maximum(unit_idx, 0)) * n_periods + per_idx
        flat = np.where(key_ok, flat, -1 - np.arange(n))  # unsound keys never collide
        first_of = _first_occurrence(flat)
        problems.add(
            first_of != np.arange(n),
            "duplicate_key",
            "period",
            lambda i: (
                f"duplicate observation of ({str(ind_col[i])!r}, {str(unit_col[i])!r}, "
                f"{str(labels[i])!r}); first given in row {int(row_numbers[first_of[i]])}"
            ),
        )

        # ---- checks against the measures, where definitions are known
        rows = row_numbers
        check_measures(
            problems,
            ind_col,
            ind_idx,
            codes,
            defs or {},
            require_parts,
            np.where(v_ok, value, np.nan),
            np.where(parts, num, np.nan),
            np.where(parts, den, np.nan),
            v_ok & parts,
        )
        problems.raise_if_any(source)

        # ---- dense arrays: one fancy assignment per field
        shape = (len(codes), n_units, len(periods))
        arrays = {}
        for name, arr, ok in (
            ("value", value, v_ok),
            ("numerator", num, parts),
            ("denominator", den, parts),
            ("weight", weight, w_ok),
        ):
            dense = np.full(shape, np.nan)
            dense[ind_idx, unit_idx, per_idx] = np.where(ok, arr, np.nan)
            arrays[name] = dense
        row_dense = np.full(shape, -1, dtype=np.int64)
        row_dense[ind_idx, unit_idx, per_idx] = rows
        data = {
            code: IndicatorData(
                arrays["value"][k],
                arrays["numerator"][k],
                arrays["denominator"][k],
                arrays["weight"][k],
                row_dense[k],
            )
            for k, code in enumerate(codes.tolist())
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
        cchc_indicators.errors.PanelError: <records>: 1 problem
          row 0, field 'value': a percent must lie in [0, 100], got 120
        """
        defs = _definitions(indicators) or {}
        problems = Problems(np.zeros(0, dtype=np.int64))
        relevant = [c for c in self.data if c in defs]
        for code in relevant:
            d = self.data[code]
            cells = d.observed
            codes = np.array([code])
            n = int(cells.sum())
            problems.rows = d.row[cells]
            check_measures(
                problems,
                np.full(n, code),
                np.zeros(n, dtype=np.int64),
                codes,
                defs,
                require_parts,
                d.value[cells],
                d.numerator[cells],
                d.denominator[cells],
                ~np.isnan(d.value[cells]) & ~np.isnan(d.denominator[cells]),
            )
        problems.raise_if_any(self.source)
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
        :func:`cchc_indicators.periods.to_granularity` for the parameters.

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
        from .periods import to_granularity

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

    def to_frame(self) -> Any:
        """Return the observations as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 1}], h)
        >>> p.to_frame().columns.tolist()
        ['indicator', 'unit', 'period', 'value', 'numerator', 'denominator', 'weight']
        """
        pd = _pandas()
        cols = ["indicator", "unit", "period", "value", "numerator", "denominator", "weight"]
        return pd.DataFrame.from_records(self.to_records(), columns=cols)


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "this needs pandas: pip install 'cchc-indicators[pandas]'"
        raise ImportError(msg) from exc
    return pd


def _first_occurrence(keys: IntArray) -> IntArray:
    """For each row, the first row holding the same key (itself when it is the first)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    run_start = np.ones(len(keys), dtype=bool)
    run_start[1:] = ordered[1:] != ordered[:-1]
    first_in_order = order[np.maximum.accumulate(np.where(run_start, np.arange(len(keys)), 0))]
    out = np.empty(len(keys), dtype=np.int64)
    out[order] = first_in_order
    return out


def _check_mappings(rows: Sequence[object], source: str, first_row: int) -> None:
    bad = [i for i, r in enumerate(rows) if not isinstance(r, Mapping)]
    if bad:
        problems = [
            Problem(
                f"a record is a mapping such as {{'indicator': ..., 'unit': ..., 'period': ...}}, "
                f"got {type(rows[i]).__name__}",
                row=first_row + i,
                kind="not_a_record",
            )
            for i in bad[:20]
        ]
        raise PanelError(problems, source=source)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _definitions(
    indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
) -> dict[str, Indicator] | None:
    if indicators is None:
        return None
    items = list(indicators.values()) if isinstance(indicators, Mapping) else list(indicators)
    out: dict[str, Indicator] = {}
    for ind in items:
        if not isinstance(ind, Indicator):
            msg = f"indicators must be Indicator objects, got {ind!r}"
            raise DefinitionError(msg)
        if ind.code in out and out[ind.code] != ind:
            msg = f"two different definitions of indicator {ind.code!r}"
            raise DefinitionError(msg, code=ind.code)
        out[ind.code] = ind
    return out
