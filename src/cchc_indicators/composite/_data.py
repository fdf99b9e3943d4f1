"""Observations for a composite index: long-format ``indicator, unit, period, value`` data."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import describe
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._csv_columns import read_text_columns
from cchc_indicators.core._loading import as_records
from cchc_indicators.core._repr import counted, span
from cchc_indicators.core._validate import (
    Problems,
    parse_numbers,
    parse_periods,
    parse_text_numbers,
)
from cchc_indicators.core.errors import ArgumentTypeError, InvalidDataError, Problem

__all__ = ["Observations"]

FloatArray = NDArray[np.float64]
_REQUIRED = ("indicator", "unit", "value")
_COLUMNS = ("indicator", "unit", "period", "value")
# Columns of the panel's ratio form, refused here rather than silently ignored.
_PARTS = ("numerator", "denominator")


def _blank(x: object) -> bool:
    """An empty cell: None, empty text or NaN."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    return isinstance(x, (float, np.floating)) and math.isnan(x)


def _texts(cells: list[Any] | NDArray[np.str_], n: int) -> NDArray[np.str_]:
    """Codes as stripped text (None is empty): whole-array for a text array."""
    if not n:
        return np.array([], dtype=str)
    if isinstance(cells, np.ndarray) and cells.dtype.kind == "U":
        out: NDArray[np.str_] = np.char.strip(cells)
        return out
    return np.array(["" if x is None else str(x).strip() for x in cells], dtype=str)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rows(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(int(x) for x in value)


def _floats(value: object) -> FloatArray:
    out: FloatArray = readonly(value, np.float64)
    return out


@attrs.frozen(repr=False)
class Observations:
    """Indicator values per period and unit, the input of a composite index.

    Build it with :meth:`from_csv`, :meth:`from_records` or
    :meth:`from_values`. Missing values are NaN; a unit reported on no
    indicator of a period is still a unit (with no data) when it appears in
    another period.

    Parameters
    ----------
    indicators, units, periods
        The codes, in order (periods sorted; ``""`` when the data have no
        period column).
    values
        Shape ``(periods, indicators, units)``.
    note
        A note every result repeats (e.g. that the data are synthetic).
    source
        Where the data came from (a file name), for messages.
    first_rows
        The row at which each indicator first appears in the file or records
        (numbered as messages number them), for messages; empty when the
        observations were not read from rows.

    Examples
    --------
    >>> obs = Observations.from_records([
    ...     {"indicator": "online", "unit": "26", "period": 2024, "value": 71.5},
    ...     {"indicator": "online", "unit": "01", "period": 2024, "value": 88},
    ... ])
    >>> obs.units, obs.periods, obs.matrix("2024", ["online"]).tolist()
    (('26', '01'), ('2024',), [[71.5, 88.0]])
    """

    indicators: tuple[str, ...] = attrs.field(converter=_codes)
    units: tuple[str, ...] = attrs.field(converter=_codes)
    periods: tuple[str, ...] = attrs.field(converter=_codes)
    values: FloatArray = attrs.field(converter=_floats, eq=ARRAY_EQ)
    note: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="<records>", kw_only=True)
    first_rows: tuple[int, ...] = attrs.field(default=(), kw_only=True, eq=False, converter=_rows)

    def __attrs_post_init__(self) -> None:
        shape = (len(self.periods), len(self.indicators), len(self.units))
        if self.values.shape != shape:
            msg = f"values have shape {self.values.shape}; expected (periods, indicators, units) = {shape}"
            raise InvalidDataError([Problem(msg, kind="bad_shape")], source=self.source)
        if np.isinf(self.values).any():
            msg = "values hold infinite numbers; use NaN for a missing value"
            raise InvalidDataError([Problem(msg, kind="infinite")], source=self.source)
        for what, codes in (("indicator", self.indicators), ("unit", self.units)):
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                msg = f"{what} {twice[0]!r} is listed twice"
                raise InvalidDataError([Problem(msg, kind=f"duplicate_{what}")], source=self.source)

    @classmethod
    def from_values(
        cls,
        values: Mapping[str, Sequence[float] | NDArray[Any]],
        units: Sequence[str],
        *,
        period: str = "",
        note: str = "",
    ) -> Observations:
        """Build one period's observations from ``{indicator: one value per unit}``.

        Raises
        ------
        ArgumentTypeError
            If ``values`` is not a mapping, or ``units`` not a list of codes (a
            str would be read as its characters).
        InvalidDataError
            If an indicator's values are not numbers, or not one per unit.

        Examples
        --------
        >>> Observations.from_values({"a": [1, float("nan")]}, ["u1", "u2"]).values.tolist()
        [[[1.0, nan]]]
        """
        given: object = values  # checked at run time: the annotation is not enforced
        if not isinstance(given, Mapping):
            msg = (
                "Observations.from_values: 'values' must be a mapping {indicator: one value per "
                f"unit}}, got {describe(values)}"
            )
            raise ArgumentTypeError(msg, parameter="values")
        if isinstance(units, (str, bytes, Mapping)) or not isinstance(units, Iterable):
            msg = (
                "Observations.from_values: 'units' must be a list of unit codes, got "
                f"{describe(units)}"
            )
            raise ArgumentTypeError(msg, parameter="units")
        units = tuple(str(u) for u in units)
        n = len(units)
        rows = []
        for code, v in values.items():
            try:
                arr = np.asarray(v, dtype=np.float64)
            except (TypeError, ValueError) as err:
                msg = f"indicator {code!r}: the values must be numbers (NaN for missing): {err}"
                raise InvalidDataError(
                    [Problem(msg, field=str(code), kind="not_a_number")], source="<values>"
                ) from None
            if arr.shape != (n,):
                msg = f"indicator {code!r} has {arr.size} value(s) for {n} unit(s)"
                raise InvalidDataError(
                    [Problem(msg, field=code, kind="bad_shape")], source="<values>"
                )
            rows.append(arr)
        data = np.array(rows).reshape(1, len(rows), n)
        return cls(tuple(values), tuple(units), (period,), data, note=note, source="<values>")

    @classmethod
    def from_records(
        cls, records: Iterable[Any], *, note: str = "", source: str = "<records>"
    ) -> Observations:
        """Build from records with ``indicator``, ``unit``, ``value`` and, optionally, ``period``.

        An empty value is missing (not zero). Every problem is listed with its
        row (records counted from 0).

        Raises
        ------
        InvalidDataError
            For a missing field, an empty code, a value that is not a finite
            number, a period that is not one, periods of mixed granularity, or
            a repeated indicator–unit–period (naming the first row).

        Examples
        --------
        >>> obs = Observations.from_records([
        ...     {"indicator": "online", "unit": "26", "period": 2024, "value": "71.5"},
        ...     {"indicator": "online", "unit": "01", "period": 2024, "value": ""},
        ... ])
        >>> obs.values.tolist()  # the empty value is missing
        [[[71.5, nan]]]
        >>> Observations.from_records([{"indicator": "online", "unit": "26", "value": "n/a"}])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: <records>: 1 problem
          row 0, field 'value': must be a finite number, got 'n/a'
        """
        rows = as_records(records, func="Observations.from_records")
        for i, r in enumerate(rows):
            if not isinstance(r, Mapping):
                msg = f"a record is a mapping, got {type(r).__name__}"
                raise InvalidDataError([Problem(msg, row=i, kind="not_a_mapping")], source=source)
        columns = {k: [r.get(k) for r in rows] for k in (*_COLUMNS, *_PARTS)}
        present = set().union(*(r.keys() for r in rows)) if rows else set(_COLUMNS)
        return cls._build(columns, present, np.arange(len(rows)), note=note, source=source)

    @classmethod
    def from_frame(cls, frame: Any, *, note: str = "", source: str = "<frame>") -> Observations:
        """Read observations from a data frame (pandas, polars, pyarrow, any Arrow C stream).

        Needs the ``arrow`` extra (pyarrow). The columns are those of
        :meth:`from_csv` (``period`` optional); a null value is missing, and
        codes that are numbers are read as text (a whole float without its
        ``.0``). Rows are numbered from 0 in errors.

        .. versionadded:: 0.1.0

        Raises
        ------
        ArgumentTypeError
            If ``frame`` is not a data frame.
        InvalidDataError
            As :meth:`from_records`, and for a value column that is not numeric.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"indicator": ["online"], "unit": ["26"], "period": [2024], "value": [71.5]})
        >>> Observations.from_frame(frame).values.tolist()
        [[[71.5]]]
        """
        from cchc_indicators.data._panel_arrow import float_array, frame_table, text_array

        table = frame_table(frame, "Observations.from_frame")
        names = set(table.column_names)
        columns: dict[str, NDArray[Any]] = {}
        for key in (*_COLUMNS, *_PARTS):
            if key not in names:
                continue
            column = table.column(key)
            columns[key] = (
                float_array(column, key, source) if key == "value" else text_array(column)
            )
        return cls._build(columns, names, np.arange(table.num_rows), note=note, source=source)

    @classmethod
    def from_csv(cls, path: str | Path, *, note: str = "") -> Observations:
        """Read a long CSV file: ``indicator,unit,period,value`` (``period`` optional).

        Row numbers in errors are those a spreadsheet shows (the header is
        row 1). Other columns are ignored, except ``numerator`` and
        ``denominator`` (the ratio form of a panel): a row filling them is
        refused, since its value would otherwise be silently missing.

        Raises
        ------
        InvalidDataError
            As :meth:`from_records`, naming the file, row and field; a missing
            file or column is one too.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "obs.csv"
        >>> _ = path.write_text(
        ...     "indicator,unit,period,value,comment\\n"
        ...     "online,26,2023,65,\\nonline,26,2024,71.5,checked\\n",
        ...     encoding="utf-8",
        ... )
        >>> obs = Observations.from_csv(path, note="Synthetic data.")
        >>> obs.periods, obs.values.tolist()
        (('2023', '2024'), [[[65.0]], [[71.5]]])
        """
        p = Path(path)
        # whole-array, as Panel.from_csv reads; a missing file, a folder: named with the cause
        header, columns, numbers = read_text_columns(p, (*_COLUMNS, *_PARTS))
        return cls._build(columns, set(header), numbers, note=note, source=str(p))

    @classmethod
    def _build(
        cls,
        columns: Mapping[str, list[Any] | NDArray[np.str_]],
        present: set[str],
        numbers: NDArray[np.int64],
        *,
        note: str,
        source: str,
    ) -> Observations:
        parts = [c for c in _PARTS if c in present and c in columns]
        missing = [c for c in _REQUIRED if c not in present]
        if missing and parts:
            missing = [c for c in missing if c != "value"]
        if missing:
            msg = f"missing column(s) {', '.join(repr(c) for c in missing)}; the columns are indicator, unit, period (optional), value"
            raise InvalidDataError(
                [Problem(msg, row=1 if source != "<records>" else None, kind="missing_column")],
                source=source,
            )
        n = len(numbers)
        problems = Problems(numbers)
        codes: dict[str, NDArray[np.str_]] = {}
        for key in ("indicator", "unit"):
            text = _texts(columns[key], n)
            problems.add(text == "", "empty", key, lambda i, k=key: f"{k!r} is empty")
            codes[key] = text
        if parts:
            given = np.zeros(n, dtype=bool)
            for key in parts:
                cells = columns[key]
                if isinstance(cells, np.ndarray) and cells.dtype.kind == "U":
                    given |= np.char.strip(cells) != "" if n else given
                else:
                    given |= np.array([not _blank(x) for x in cells], dtype=bool)
            problems.add(
                given,
                "ratio_parts",
                parts[0],
                lambda i: (
                    "numerator and denominator are not read for a composite index (they would "
                    "be dropped): give the row's value in 'value', pooled first where units "
                    "are combined (cchc rollup pools them by ratio_of_sums)"
                ),
            )
        raw = columns.get("value")
        if isinstance(raw, np.ndarray) and raw.dtype.kind == "U":
            (value, _given, bad), bad_text = parse_text_numbers(raw)
        elif isinstance(raw, np.ndarray) and raw.dtype.kind == "f":  # from a data frame
            value, bad_text = raw.astype(np.float64), {}
            bad = ~np.isnan(value) & ~np.isfinite(value)
        else:
            raw_values = list(raw if raw is not None else [None] * n)
            # A NaN (as pandas writes a gap) is a missing value, like an empty cell.
            raw_values = [
                None if isinstance(x, (float, np.floating)) and math.isnan(x) else x
                for x in raw_values
            ]
            (value, _given, bad), bad_text = parse_numbers(raw_values)
        problems.add(
            bad,
            "not_numeric",
            "value",
            lambda i: f"must be a finite number, got {bad_text.get(i, str(value[i]))!r}",
        )
        labels: NDArray[np.str_]
        if "period" in present and "period" in columns:
            labels, grains, raw = parse_periods(columns["period"])
            problems.add(
                labels == "",
                "bad_period",
                "period",
                lambda i: f"{str(raw[i])!r} is not a period (2024, 2024-Q1, 2024-03)",
            )
            kinds = sorted(set(grains[labels != ""].tolist()))
            if len(kinds) > 1:
                first = {g: int(np.flatnonzero(grains == g)[0]) for g in kinds}
                later = max(first.values())
                problems.add(
                    np.arange(n) == later,
                    "mixed_granularity",
                    "period",
                    lambda i: f"periods mix granularities ({', '.join(kinds)}); use one",
                )
        else:
            labels = np.full(n, "", dtype=str) if n else np.array([], dtype=str)
        joined = (
            np.char.add(
                np.char.add(codes["indicator"], "\x1f"),
                np.char.add(codes["unit"], np.char.add("\x1f", labels)),
            )
            if n
            else np.array([], dtype=str)
        )
        _uniq, first_index, inverse = np.unique(joined, return_index=True, return_inverse=True)
        # Rows already refused (an empty code, a bad period) are not also called duplicates.
        valid = (codes["indicator"] != "") & (codes["unit"] != "")
        if "period" in present and "period" in columns:
            valid &= labels != ""
        dup = (first_index[inverse] != np.arange(n)) & valid
        problems.add(
            dup,
            "duplicate",
            "indicator",
            lambda i: (
                f"indicator {str(codes['indicator'][i])!r}, unit {str(codes['unit'][i])!r}, "
                f"period {str(labels[i])!r} repeats row {int(numbers[first_index[inverse[i]]])}"
            ),
        )
        problems.raise_if_any(source)
        if not n:
            msg = "no observations"
            raise InvalidDataError([Problem(msg, kind="empty")], source=source)
        indicators = tuple(dict.fromkeys(codes["indicator"].tolist()))
        names, first_at = np.unique(codes["indicator"], return_index=True)
        first_row = dict(zip(names.tolist(), numbers[first_at].tolist(), strict=True))
        units = tuple(dict.fromkeys(codes["unit"].tolist()))
        periods = tuple(sorted(set(labels.tolist())))
        ii = {c: j for j, c in enumerate(indicators)}
        uu = {c: j for j, c in enumerate(units)}
        pp = {c: j for j, c in enumerate(periods)}
        data = np.full((len(periods), len(indicators), len(units)), np.nan)
        data[
            [pp[x] for x in labels.tolist()],
            [ii[x] for x in codes["indicator"].tolist()],
            [uu[x] for x in codes["unit"].tolist()],
        ] = value
        rows = tuple(first_row[c] for c in indicators)
        return cls(indicators, units, periods, data, note=note, source=source, first_rows=rows)

    def __repr__(self) -> str:
        return (
            f"Observations({counted(len(self.indicators), 'indicator')}, "
            f"{counted(len(self.units), 'unit')}, {span(self.periods)}, "
            f"{counted(int((~np.isnan(self.values)).sum()), 'value')})"
        )

    def describe(self) -> str:
        """Return the counts, the periods, the source and the note, one per line.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> obs = datasets.index_observations()
        >>> obs
        Observations(30 indicators, 63 units, 3 periods 2022–2024, 5502 values)
        >>> print(obs.describe())
        30 indicators, 63 units, 3 periods 2022–2024, 5502 values (168 missing)
        periods: 2022, 2023, 2024
        source: synthetic (datasets.index_observations)
        note: SYNTHETIC DATA: made up for demonstration, not official figures
        """
        have = int((~np.isnan(self.values)).sum())
        lines = [
            f"{counted(len(self.indicators), 'indicator')}, {counted(len(self.units), 'unit')}, "
            f"{span(self.periods)}, {counted(have, 'value')} ({self.values.size - have} missing)",
            f"periods: {', '.join(self.periods)}",
            f"source: {self.source}",
        ]
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """Return one record per value (``indicator``, ``unit``, ``period``, ``value``); missing ones left out.

        The form :meth:`from_records` reads, and :meth:`to_csv` writes.

        Examples
        --------
        >>> Observations.from_values({"a": [1.5, float("nan")]}, ["u1", "u2"], period="2024").to_records()
        [{'indicator': 'a', 'unit': 'u1', 'period': '2024', 'value': 1.5}]
        """
        p, i, u = np.nonzero(~np.isnan(self.values))
        values = self.values[p, i, u].tolist()
        return [
            {
                "indicator": self.indicators[b],
                "unit": self.units[c],
                "period": self.periods[a],
                "value": v,
            }
            for a, b, c, v in zip(p.tolist(), i.tolist(), u.tolist(), values, strict=True)
        ]

    def to_csv(self, path: str | Path) -> None:
        """Write the observations as a long CSV file, ``indicator,unit,period,value`` (UTF-8).

        :meth:`from_csv` reads it back (the note is not written: give it
        again, or use ``cchc index --note``). Data without a period (as
        :meth:`from_values` makes them by default) are written without the
        ``period`` column.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "obs.csv"
        >>> obs = Observations.from_values({"a": [1.5, float("nan")]}, ["u1", "u2"], period="2024")
        >>> obs.to_csv(path)
        >>> print(path.read_text(encoding="utf-8"), end="")
        indicator,unit,period,value
        a,u1,2024,1.5
        >>> Observations.from_csv(path).values.tolist()  # u2, never reported, is not a unit there
        [[[1.5]]]
        """
        import csv

        timeless = self.periods == ("",)
        columns = [c for c in _COLUMNS if not (timeless and c == "period")]
        records = self.to_records()
        if timeless:
            for r in records:
                del r["period"]
        with Path(path).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)

    def to_frame(self, library: str = "pandas") -> Any:
        """Return :meth:`to_records` as a data frame: pandas (default), polars or a pyarrow table.

        Parameters
        ----------
        library
            ``"pandas"`` (the ``pandas`` extra), ``"polars"`` or ``"arrow"``
            (the ``arrow`` extra).

            .. versionadded:: 0.1.0

        Examples
        --------
        >>> obs = Observations.from_values({"a": [1.5, float("nan")], "b": [2, 3]}, ["u1", "u2"], period="2024")
        >>> frame = obs.to_frame()
        >>> frame.shape, list(frame.columns)
        ((3, 4), ['indicator', 'unit', 'period', 'value'])
        >>> obs.to_frame("polars").shape
        (3, 4)
        """
        from cchc_indicators.data.panel import _frame_of_records

        return _frame_of_records(
            self.to_records(), list(_COLUMNS), library, "Observations.to_frame"
        )

    def period(self, period: str | int | None = None) -> str:
        """Return the label of ``period`` (default: the latest).

        Raises
        ------
        InvalidDataError
            If the data have no such period.

        Examples
        --------
        >>> obs = Observations.from_records([
        ...     {"indicator": "a", "unit": "u", "period": p, "value": 1} for p in (2023, 2024)
        ... ])
        >>> obs.period(), obs.period(2023)
        ('2024', '2023')
        >>> obs.period(2022)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.InvalidDataError: <records>: 1 problem
          field 'period': no data for period '2022'; the periods are '2023', '2024'
        """
        if period is None:
            return self.periods[-1]
        label = str(period)
        if label not in self.periods:
            shown = ", ".join(repr(p) for p in self.periods)
            msg = f"no data for period {label!r}; the periods are {shown}"
            raise InvalidDataError(
                [Problem(msg, field="period", kind="unknown_period")], source=self.source
            )
        return label

    def matrix(self, period: str | int | None, indicators: Sequence[str]) -> FloatArray:
        """Return the values of ``indicators`` in ``period``, shape ``(indicators, units)``.

        ``period`` ``None`` is the latest (see :meth:`period`).

        Raises
        ------
        InvalidDataError
            Naming every indicator the data lack, or for an unknown period.

        Examples
        --------
        >>> obs = Observations.from_values({"a": [1, 2], "b": [3, 4]}, ["u1", "u2"], period="2024")
        >>> obs.matrix(2024, ["b", "a"]).tolist()
        [[3.0, 4.0], [1.0, 2.0]]
        >>> obs.matrix(None, ["a", "c", "d"])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.InvalidDataError: <values>: 1 problem
          field 'indicator': no observations of indicator(s) 'c', 'd', which the index needs
        """
        out: FloatArray = self.panel(indicators)[self.periods.index(self.period(period))]
        return out

    def panel(self, indicators: Sequence[str]) -> FloatArray:
        """Return the values of ``indicators`` in every period, shape ``(periods, indicators, units)``.

        Raises
        ------
        InvalidDataError
            Naming every indicator the data lack.

        Examples
        --------
        >>> obs = Observations.from_records([
        ...     {"indicator": "a", "unit": "u", "period": 2023, "value": 1},
        ...     {"indicator": "a", "unit": "u", "period": 2024, "value": 2},
        ...     {"indicator": "b", "unit": "u", "period": 2024, "value": 5},
        ... ])
        >>> obs.panel(["b", "a"]).tolist()  # b was not reported in 2023
        [[[nan], [1.0]], [[5.0], [2.0]]]
        """
        where = {c: j for j, c in enumerate(self.indicators)}
        lacking = [c for c in indicators if c not in where]
        if lacking:
            shown = ", ".join(repr(c) for c in lacking)
            msg = f"no observations of indicator(s) {shown}, which the index needs"
            raise InvalidDataError(
                [Problem(msg, field="indicator", kind="unknown_indicator")], source=self.source
            )
        out: FloatArray = self.values[:, [where[c] for c in indicators], :]
        return out
