"""Reading observations into a :class:`~cchc_indicators.data.panel.Panel`: columns, checks, arrays.

:meth:`Panel.from_records <cchc_indicators.data.panel.Panel.from_records>`,
:meth:`~cchc_indicators.data.panel.Panel.from_csv` and
:meth:`~cchc_indicators.data.panel.Panel.from_columns` turn their input into the
same key and number columns; :func:`_validate` then checks every row at once
(keys, numbers, duplicates, the measures of the indicators defined), collects
every problem with its row number, and places the sound rows in dense arrays
of shape (indicators, units, periods).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._periods import axis_sort_key
from cchc_indicators.core._validate import (
    Problems,
    check_measures,
    factorize,
    parse_numbers,
    parse_periods,
    read_csv,
)
from cchc_indicators.core.errors import DefinitionError, PanelError, Problem
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
#: A number column: the numbers (NaN where not given), where given, where not a finite number.
Numbers = dict[str, tuple[FloatArray, BoolArray, BoolArray]]

_KEY_COLUMNS = ("indicator", "unit", "period")
_NUMBER_COLUMNS = ("value", "numerator", "denominator", "weight")


def _record_columns(
    records: Iterable[Mapping[str, Any]], source: str, first_row: int
) -> tuple[dict[str, list[Any]], int, IntArray]:
    """The columns of mappings, their number and their row numbers (from ``first_row``)."""
    rows = list(records)
    _check_mappings(rows, source, first_row)
    columns = {c: [r.get(c) for r in rows] for c in _KEY_COLUMNS + _NUMBER_COLUMNS}
    return columns, len(rows), first_row + np.arange(len(rows), dtype=np.int64)


def _csv_columns(path: Path) -> tuple[dict[str, list[Any]], int, IntArray]:
    """The columns of a long CSV file, their length and the rows' numbers (the header is row 1)."""
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
    return columns, len(table), row_numbers


def _only_rows(
    columns: Mapping[str, list[Any]], row_numbers: IntArray, only: str | Iterable[str]
) -> tuple[dict[str, list[Any]], int, IntArray, dict[str, int]]:
    """Keep the rows of the indicators ``only``; count the others, by indicator code.

    A row whose indicator is empty is kept, so that it is reported as an error.
    Returns the columns kept, their length, their row numbers and ``{code: rows skipped}``.
    """
    wanted = np.array(sorted({only} if isinstance(only, str) else set(only)), dtype=str)
    codes = np.char.strip(np.array(columns["indicator"], dtype=str).reshape(-1))
    keep = np.isin(codes, wanted) | (codes == "")
    others, counts = np.unique(codes[~keep], return_counts=True)
    kept = np.flatnonzero(keep)
    out = {name: np.asarray(col, dtype=object)[kept].tolist() for name, col in columns.items()}
    skipped = dict(zip(others.tolist(), counts.tolist(), strict=True))
    return out, len(kept), row_numbers[kept], skipped


def _array_columns(
    indicator: Sequence[str] | NDArray[Any],
    unit: Sequence[str] | NDArray[Any],
    period: Sequence[object] | NDArray[Any],
    columns: Mapping[str, Sequence[float] | NDArray[Any] | None],
) -> tuple[dict[str, Any], Numbers, int]:
    """Keys and number columns from equal-length columns (NaN: not given).

    A column that is not a one-dimensional sequence, a number column that is
    not numbers, or columns of different lengths are a
    :class:`~cchc_indicators.core.errors.PanelError` naming the column.
    """

    def refuse(name: str, message: str) -> PanelError:
        problem = Problem(message, field=name, kind="bad_column")
        return PanelError([problem], source="<columns>")

    keys_in = {"indicator": indicator, "unit": unit, "period": period}
    for name, col in keys_in.items():
        if isinstance(col, (str, bytes, Mapping)) or np.ndim(col) != 1:  # type: ignore[arg-type]
            msg = f"column {name!r} must be a one-dimensional sequence, got {type(col).__name__}"
            raise refuse(name, msg)
    n = len(indicator)
    for name in ("unit", "period"):
        length = len(keys_in[name])
        if length != n:
            msg = f"column {name!r} has {length} rows, expected {n} like 'indicator'"
            raise refuse(name, msg)
    numbers: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
    for name, values in columns.items():
        if values is None:
            numbers[name] = (np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool))
            continue
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            msg = f"column {name!r} must hold numbers (NaN where not given)"
            raise refuse(name, msg) from None
        if arr.shape != (n,):
            msg = f"column {name!r} has {arr.shape[0] if arr.ndim else 0} rows, expected {n}"
            raise refuse(name, msg)
        given = ~np.isnan(arr)
        numbers[name] = (arr, given, given & ~np.isfinite(arr))
    keys = {
        "indicator": np.asarray(indicator, dtype=str),
        "unit": np.asarray(unit, dtype=str),
        "period": period,
    }
    return keys, numbers, n


def _parse_columns(
    columns: Mapping[str, list[Any]], n: int
) -> tuple[dict[str, Any], Numbers, dict[str, dict[int, str]]]:
    """Keys and numbers from columns of text or numbers, and the texts that are not numbers."""
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
    return keys, numbers, bad_text


def _validate(
    keys: Mapping[str, Any],
    numbers: Mapping[str, tuple[FloatArray, BoolArray, BoolArray]],
    n: int,
    hierarchy: Hierarchy,
    defs: Mapping[str, Indicator] | None,
    require_parts: bool,
    source: str,
    row_numbers: IntArray,
    bad_text: Mapping[str, Mapping[int, str]],
) -> tuple[list[str], list[str], dict[str, FloatArray], IntArray]:
    """Check every row; return the indicator codes, the periods and the dense arrays.

    Raises a :class:`~cchc_indicators.core.errors.PanelError` listing every problem
    found. The arrays (``value``, ``numerator``, ``denominator``, ``weight``
    and the source rows) have shape (indicators, units, periods).
    """
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
            lambda i: f"unknown indicator {str(ind_col[i])!r}; the definitions given are {held}",
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
    return codes.tolist(), periods, arrays, row_dense


def _check_definitions(
    data: Mapping[str, Any], defs: Mapping[str, Indicator], require_parts: bool, source: str
) -> list[str]:
    """Check the observations of ``data`` against ``defs``; return the codes checked."""
    problems = Problems(np.zeros(0, dtype=np.int64))
    relevant = [c for c in data if c in defs]
    for code in relevant:
        d = data[code]
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
    problems.raise_if_any(source)
    return relevant


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
    given: object = indicators  # typed, but callers may pass anything
    if isinstance(given, Mapping):
        items = list(given.values())
    elif isinstance(given, Iterable) and not isinstance(given, str):
        items = list(given)
    else:
        msg = f"indicators must be Indicator objects (a list or a mapping), got {indicators!r}"
        raise DefinitionError(msg)
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
