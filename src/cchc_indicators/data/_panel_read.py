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

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._csv_columns import TextColumn, read_columns
from cchc_indicators.core._periods import axis_sort_key, granularity, normalise_period
from cchc_indicators.core._validate import (
    Problems,
    check_measures,
    factorize,
    parse_numbers,
)
from cchc_indicators.core.errors import DefinitionError, PanelError, Problem
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.data._panel_arrow import csv_columns
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
#: A number column: the numbers (NaN where not given), where given, where not a finite number.
Numbers = dict[str, tuple[FloatArray, BoolArray, BoolArray]]
#: Per number column, the texts that are not numbers, by row position.
BadText = Mapping[str, Mapping[int, str]]

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


def _csv_columns(
    path: Path, arrow: bool = False
) -> tuple[dict[str, TextColumn], Numbers, int, IntArray, BadText]:
    """The key and number columns of a long CSV file (the header is row 1).

    With ``arrow``, pyarrow reads the file when it is plain (see
    :mod:`~cchc_indicators.data._panel_arrow`); otherwise, or when pyarrow
    declines, the whole-array reader does.
    """
    if arrow:
        got = csv_columns(path)
        if got is not None:
            arrow_keys, arrow_numbers, n_rows = got
            rows = np.arange(2, n_rows + 2, dtype=np.int64)
            stripped = {name: _stripped(column) for name, column in arrow_keys.items()}
            return stripped, arrow_numbers, n_rows, rows, {name: {} for name in _NUMBER_COLUMNS}

    def check_header(header: list[str]) -> None:
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

    table = read_columns(path, _KEY_COLUMNS, _NUMBER_COLUMNS, check_header=check_header)
    n = table.n
    numbers: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
    bad_text: dict[str, dict[int, str]] = {}
    for name in _NUMBER_COLUMNS:
        column = table.numbers.get(name)
        if column is None:  # a column the file lacks: read-only views, no memory per row
            nothing = np.broadcast_to(np.False_, (n,))
            numbers[name] = (np.broadcast_to(np.nan, (n,)), nothing, nothing)
            bad_text[name] = {}
        else:
            numbers[name] = (column.values, column.given, column.bad)
            bad_text[name] = column.bad_text
    keys = {name: _stripped(table.texts[name]) for name in _KEY_COLUMNS}
    return keys, numbers, n, table.rows, bad_text


def _only_rows(
    keys: Mapping[str, TextColumn],
    numbers: Numbers,
    row_numbers: IntArray,
    bad_text: BadText,
    only: str | Iterable[str],
) -> tuple[dict[str, TextColumn], Numbers, int, IntArray, BadText, dict[str, int]]:
    """Keep the rows of the indicators ``only``; count the others, by indicator code.

    A row whose indicator is empty is kept, so that it is reported as an error.
    Returns the columns kept, their length, their row numbers and ``{code: rows skipped}``.
    """
    wanted = {only} if isinstance(only, str) else {str(c) for c in only}
    indicator = keys["indicator"]
    keep_code = np.array([t in wanted or t == "" for t in indicator.texts.tolist()], dtype=bool)
    counts = np.bincount(indicator.index, minlength=len(indicator.texts))
    skipped = {
        str(t): int(c)
        for t, c, k in zip(
            indicator.texts.tolist(), counts.tolist(), keep_code.tolist(), strict=True
        )
        if not k and c
    }
    kept = (
        np.flatnonzero(keep_code[indicator.index])
        if len(indicator.texts)
        else np.zeros(0, np.int64)
    )
    new_keys = {name: TextColumn(col.texts, col.index[kept]) for name, col in keys.items()}
    new_numbers = {name: tuple(a[kept] for a in arrays) for name, arrays in numbers.items()}
    position = np.full(len(row_numbers), -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    new_bad = {
        name: {int(position[i]): t for i, t in texts.items() if position[i] >= 0}
        for name, texts in bad_text.items()
    }
    return (
        new_keys,
        cast(Numbers, new_numbers),
        len(kept),
        row_numbers[kept],
        new_bad,
        skipped,
    )


def _array_columns(
    indicator: Sequence[str] | NDArray[Any],
    unit: Sequence[str] | NDArray[Any],
    period: Sequence[object] | NDArray[Any],
    columns: Mapping[str, Sequence[float] | NDArray[Any] | None],
) -> tuple[dict[str, TextColumn], Numbers, int]:
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
        "indicator": _text_column(indicator),
        "unit": _text_column(unit),
        "period": _period_column(period),
    }
    return keys, numbers, n


def _parse_columns(
    columns: Mapping[str, list[Any]], n: int
) -> tuple[dict[str, TextColumn], Numbers, dict[str, dict[int, str]]]:
    """Keys and numbers from columns of text or numbers, and the texts that are not numbers."""
    numbers: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
    bad_text: dict[str, dict[int, str]] = {}
    for name in _NUMBER_COLUMNS:
        numbers[name], bad_text[name] = parse_numbers(columns[name])
    keys = {
        "indicator": _text_column(columns["indicator"]),
        "unit": _text_column(columns["unit"]),
        "period": _period_column(columns["period"]),
    }
    return keys, numbers, bad_text


def _stripped(column: TextColumn) -> TextColumn:
    """The column with its texts stripped, distinct and sorted (texts made equal are merged)."""
    texts = column.texts
    if not len(texts):
        return column
    stripped = np.char.strip(texts)
    in_order = bool((stripped[1:] > stripped[:-1]).all())  # sorted and distinct
    if in_order and np.array_equal(stripped, texts):
        return column
    distinct, remap = factorize(stripped)
    return TextColumn(distinct, remap[column.index])


def _compact(column: TextColumn) -> TextColumn:
    """The column without the texts no row holds (after rows were left out)."""
    present = np.zeros(len(column.texts), dtype=bool)
    present[column.index] = True
    if present.all():
        return column
    new = np.cumsum(present) - 1
    return TextColumn(column.texts[present], new[column.index])


def _text_column(values: Sequence[object] | NDArray[Any]) -> TextColumn:
    """A column of codes, factorised and stripped (``None`` is empty), whole-array where typed."""
    arr = values if isinstance(values, np.ndarray) else None
    if arr is None or arr.dtype.kind == "O":
        items = arr.tolist() if arr is not None else list(values)
        if all(type(x) is str for x in items):
            arr = np.array(items, dtype=str) if items else _EMPTY
        else:
            arr = np.array([_text(x) for x in items], dtype=str)
    elif arr.dtype.kind not in "US":
        arr = arr.astype(str)
    if not len(arr):
        return TextColumn(_EMPTY, np.zeros(0, np.int64))
    distinct, index = factorize(arr)
    return _stripped(TextColumn(distinct.astype(str), index))


def _period_column(values: Sequence[object] | NDArray[Any]) -> TextColumn:
    """A column of periods (text, whole years, integral floats), factorised on its texts."""
    arr = values if isinstance(values, np.ndarray) else None
    if arr is None or arr.dtype.kind == "O":
        items = arr.tolist() if arr is not None else list(values)
        if all(type(x) is str for x in items):
            arr = np.array(items, dtype=str) if items else _EMPTY
        elif all(type(x) is int for x in items):
            arr = np.array(items, dtype=np.int64)
        else:
            arr = np.array([_period_text(x) for x in items], dtype=str)
    if not len(arr):
        return TextColumn(_EMPTY, np.zeros(0, np.int64))
    distinct, index = factorize(arr)
    texts = np.array([_period_text(x) for x in distinct.tolist()], dtype=str)
    return _stripped(TextColumn(texts, index))


_EMPTY = np.array([], dtype=str)


def _period_text(x: object) -> str:
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))  # True is not the year 1
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return _text(x)


class _Texts:
    """Row ``i``'s text of a factorised column, for messages: ``texts[index[i]]``."""

    __slots__ = ("index", "texts")

    def __init__(self, texts: Sequence[str] | NDArray[Any], index: IntArray) -> None:
        self.texts = texts
        self.index = index

    def __getitem__(self, i: int) -> str:
        return str(self.texts[int(self.index[i])])


def _validate(
    keys: Mapping[str, TextColumn],
    numbers: Mapping[str, tuple[FloatArray, BoolArray, BoolArray]],
    n: int,
    hierarchy: Hierarchy,
    defs: Mapping[str, Indicator] | None,
    require_parts: bool,
    source: str,
    row_numbers: IntArray,
    bad_text: BadText,
) -> tuple[list[str], list[str], dict[str, FloatArray], IntArray]:
    """Check every row; return the indicator codes, the periods and the dense arrays.

    Every check is an array operation over the rows, or runs on the distinct
    codes and periods only. Raises a :class:`~cchc_indicators.core.errors.PanelError`
    listing every problem found. The arrays (``value``, ``numerator``,
    ``denominator``, ``weight`` and the source rows) have shape
    (indicators, units, periods).
    """
    problems = Problems(row_numbers)
    indicator, unit, period = _compact(keys["indicator"]), keys["unit"], keys["period"]
    codes, ind_idx = indicator.texts, indicator.index
    ind_col = _Texts(codes, ind_idx)
    unit_col = _Texts(unit.texts, unit.index)
    ind_empty = (codes == "")[ind_idx] if n else np.zeros(0, bool)
    unit_empty = (unit.texts == "")[unit.index] if n else np.zeros(0, bool)

    # ---- keys
    problems.add(ind_empty, "empty_field", "indicator", lambda i: "the indicator is empty")
    problems.add(unit_empty, "empty_field", "unit", lambda i: "the unit is empty")
    unit_pos, unit_known = hierarchy.positions(unit.texts)
    unit_idx = unit_pos[unit.index] if n else np.zeros(0, np.int64)
    unit_found = unit_known[unit.index] if n else np.zeros(0, bool)
    problems.add(
        ~unit_found & ~unit_empty,
        "unknown_unit",
        "unit",
        lambda i: (
            f"unknown unit {unit_col[i]!r} (not in the hierarchy, edition {hierarchy.edition})"
        ),
    )
    if defs is not None:
        known = np.array([c in defs for c in codes.tolist()], dtype=bool)
        held = ", ".join(repr(c) for c in sorted(defs)) or "none"
        problems.add(
            ~known[ind_idx] & ~ind_empty if n else np.zeros(0, bool),
            "unknown_indicator",
            "indicator",
            lambda i: f"unknown indicator {ind_col[i]!r}; the definitions given are {held}",
        )
    # periods: each distinct text is parsed once
    labels_u, grains_u = [], []
    for text in period.texts.tolist():
        try:
            label = normalise_period(text)
        except ValueError:
            label = ""
        labels_u.append(label)
        grains_u.append(granularity(label) if label else "")
    grain_names = sorted(set(grains_u))
    grain_of = np.array([grain_names.index(g) for g in grains_u], dtype=np.int64)
    label_ok = np.array([bool(lab) for lab in labels_u], dtype=bool)
    p_idx = period.index
    period_ok = label_ok[p_idx] if n else np.zeros(0, bool)
    labels = _Texts(labels_u, p_idx)
    grains = _Texts(grains_u, p_idx)
    period_text = _Texts(period.texts, p_idx)
    problems.add(
        ~period_ok,
        "bad_period",
        "period",
        lambda i: (
            f"not a period: {period_text[i]!r} (expected a year such as '2024', "
            "a quarter '2024-Q2' or a month '2024-06')"
        ),
    )
    # one granularity per (indicator, unit): the first sound row of each pair sets it
    n_units = len(hierarchy)
    key_ok = unit_found & period_ok & ~ind_empty
    if len(np.unique(grain_of[np.unique(p_idx[key_ok])])) > 1:  # only when granularities mix
        series = np.where(
            key_ok, ind_idx.astype(np.int64) * n_units + np.maximum(unit_idx, 0), -1 - np.arange(n)
        )
        first_of_series = _first_occurrence(series)
        grain_row = grain_of[p_idx]
        problems.add(
            key_ok & (grain_row != grain_row[first_of_series]),
            "mixed_periods",
            "period",
            lambda i: (
                f"period {labels[i]!r} is a {grains[i]!s}, but row "
                f"{int(row_numbers[first_of_series[i]])} gives "
                f"{grains[int(first_of_series[i])]!s}s of "
                f"indicator {ind_col[i]!r} for unit {unit_col[i]!r}; give each "
                "indicator and unit in one granularity (years, quarters or months)"
            ),
        )
        del series, grain_row

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

    # ---- duplicates among rows whose key is sound: the first row of each cell, without a sort
    used = np.zeros(len(labels_u), dtype=bool)
    used[p_idx[key_ok]] = True
    periods = sorted({labels_u[k] for k in np.flatnonzero(used).tolist()}, key=axis_sort_key)
    column_of = {p: j for j, p in enumerate(periods)}
    column_u = np.array([column_of.get(lab, 0) for lab in labels_u], dtype=np.int64)
    shape = (len(codes), n_units, len(periods))
    cell = ind_idx.astype(np.int64) * n_units
    cell += np.maximum(unit_idx, 0)
    cell *= len(periods)
    cell += column_u[p_idx] if n else 0
    first_row = np.full(shape, n, dtype=np.int64)  # per cell, the first row giving it
    rows = np.arange(n)
    if key_ok.all():  # the usual case: no copies of the rows through a mask
        np.minimum.at(first_row.reshape(-1), cell, rows)
        first_of = first_row.reshape(-1)[cell]
    else:
        sound = np.flatnonzero(key_ok)
        np.minimum.at(first_row.reshape(-1), cell[sound], sound)
        first_of = rows.copy()
        first_of[sound] = first_row.reshape(-1)[cell[sound]]
    problems.add(
        first_of != rows,
        "duplicate_key",
        "period",
        lambda i, first=first_of: (
            f"duplicate observation of ({ind_col[i]!r}, {unit_col[i]!r}, "
            f"{labels[i]!r}); first given in row {int(row_numbers[first[i]])}"
        ),
    )
    del rows  # the rows' positions are not needed again: memory for the dense arrays
    # ---- checks against the measures, where definitions are known
    given = {
        "value": np.where(v_ok, value, np.nan),
        "numerator": np.where(parts, num, np.nan),
        "denominator": np.where(parts, den, np.nan),
    }
    check_measures(
        problems,
        ind_col,  # type: ignore[arg-type]
        ind_idx,
        codes,
        defs or {},
        require_parts,
        given["value"],
        given["numerator"],
        given["denominator"],
        v_ok & parts,
    )
    problems.raise_if_any(source)

    # ---- dense arrays: one fancy assignment per field, over the cells found above
    del unit_idx, ind_idx, key_ok
    del first_of  # only the message of a duplicate (not given: none found) needed it
    arrays = {}
    for name, ok in (
        ("value", v_ok),
        ("numerator", parts),
        ("denominator", parts),
        ("weight", w_ok),
    ):
        # each checked column goes as soon as its cells are placed: one at a time in memory
        column = given.pop(name) if name in given else np.where(ok, weight, np.nan)
        dense = np.full(shape, np.nan)
        if ok.any():
            dense.reshape(-1)[cell] = column
        del column
        arrays[name] = dense
    # the source row of each cell, -1 where none: one gather (first_row is n where none)
    row_dense = np.append(row_numbers, -1)[first_row]
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
