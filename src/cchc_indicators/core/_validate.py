"""Row validation shared by the panel readers: problem collection and column parsing."""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _wide
from cchc_indicators.core._loading import read_text
from cchc_indicators.core._periods import granularity, normalise_period
from cchc_indicators.core.errors import InvalidDataError, PanelError, Problem
from cchc_indicators.core.indicators import Indicator

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Relative tolerance when a row gives both a value and its parts.
VALUE_RTOL = 1e-6
#: Stop collecting problems after this many (the error says how many were cut).
PROBLEM_LIMIT = 1000


class Problems:
    """Collects problems from boolean masks over rows, up to a limit."""

    def __init__(self, rows: IntArray) -> None:
        self.rows = rows  # the row number of each row, as shown in messages
        self.items: list[tuple[int, int, Problem]] = []
        self.cut = 0

    def add(self, mask: BoolArray, kind: str, field: str, message: Any) -> None:
        if not mask.any():  # the common case, several times cheaper than finding no hit
            return
        hits = np.flatnonzero(mask)
        room = max(PROBLEM_LIMIT - len(self.items), 0)
        self.cut += max(len(hits) - room, 0)
        for i in hits[:room].tolist():
            row = int(self.rows[i])
            self.items.append((row, len(self.items), Problem(message(i), row, field, kind)))

    def raise_if_any(self, source: str) -> None:
        if not self.items:
            return
        self.items.sort(key=lambda t: (t[0], t[1]))
        problems = [p for _, _, p in self.items]
        if self.cut:
            problems.append(Problem(f"... {self.cut} more problems not listed", kind="truncated"))
        raise PanelError(problems, source=source)


def read_csv(path: Path) -> tuple[list[str], list[list[str]], IntArray]:
    """Read a UTF-8 CSV file (a byte-order mark is accepted): header, records, row numbers.

    A file that cannot be read (missing, a directory, not UTF-8) is an
    :class:`~cchc_indicators.core.errors.InvalidDataError` naming the path and the
    cause (see :func:`~cchc_indicators.core._loading.read_text`).

    Blank records (an empty line, a trailing newline) are skipped; row numbers
    are those a spreadsheet shows, the header being row 1. A column named twice
    in the header, or a row with more cells than the header has columns, is an
    :class:`~cchc_indicators.core.errors.InvalidDataError` naming the rows: which
    value would be meant is unknowable.
    """
    problems: list[Problem] = []
    text = read_text(path)  # a missing file, a directory, not UTF-8: a typed error naming it
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    numbers: list[int] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        for number, record in enumerate(reader, start=2):
            if any(cell.strip() for cell in record):
                records.append(record)
                numbers.append(number)
                if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
                    problems.append(
                        Problem(
                            f"the row has {len(record)} cells but the header names "
                            f"{len(header)} columns",
                            row=number,
                            kind="extra_cells",
                        )
                    )
    except csv.Error as exc:  # a cell longer than csv.field_size_limit()
        problem = Problem(f"cannot be read as CSV: {exc}", row=reader.line_num, kind="bad_csv")
        raise InvalidDataError([problem], source=str(path)) from None
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        problems.insert(
            0,
            Problem(
                f"column(s) {', '.join(repr(h) for h in twice)} appear more than once in the header",
                row=1,
                kind="duplicate_column",
            ),
        )
    if problems:
        raise InvalidDataError(problems, source=str(path))
    return header, records, np.array(numbers, dtype=np.int64)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_numbers(
    column: list[Any],
) -> tuple[tuple[FloatArray, BoolArray, BoolArray], dict[int, str]]:
    """Turn a column of numbers or text into (floats, given, bad) and the bad texts."""
    n = len(column)
    out = np.full(n, np.nan)
    given = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    bad_text: dict[int, str] = {}
    for i, x in enumerate(column):
        if x is None:
            continue
        if isinstance(x, str):
            s = x.strip()
            if not s:
                continue
            given[i] = True
            try:
                out[i] = float(s)
            except ValueError:
                bad[i] = True
                bad_text[i] = x
                continue
        elif isinstance(x, (int, float, np.integer, np.floating)):
            given[i] = True
            try:
                out[i] = float(x)
            except OverflowError:  # an int beyond 1.8e308 is as far from finite as inf
                out[i] = np.inf if x > 0 else -np.inf
        else:
            given[i] = True
            bad[i] = True
            bad_text[i] = repr(x)
            continue
        if not np.isfinite(out[i]):
            bad[i] = True
    return (out, given, bad), bad_text


def parse_text_numbers(
    texts: NDArray[np.str_],
) -> tuple[tuple[FloatArray, BoolArray, BoolArray], dict[int, str]]:
    """:func:`parse_numbers` for a text array, whole-array: each distinct text is parsed once.

    Examples
    --------
    >>> (values, given, bad), bad_text = parse_text_numbers(np.array([" 1.5", "", "x", "1.5"]))
    >>> values.tolist()[0], given.tolist(), bad.tolist(), bad_text
    (1.5, [True, False, True, True], [False, False, True, False], {2: 'x'})
    """
    n = len(texts)
    stripped = np.char.strip(texts) if n else np.array([], dtype=str)
    given = stripped != ""
    values = np.full(n, np.nan)
    failed = np.zeros(n, dtype=bool)
    if given.any():
        distinct, inverse = factorize(stripped[given])
        parsed = np.empty(len(distinct))
        refused = np.zeros(len(distinct), dtype=bool)
        for k, text in enumerate(distinct.tolist()):  # per distinct text, never per row
            parsed[k], refused[k] = _float_or_refused(text)
        values[given] = parsed[inverse]
        failed[given] = refused[inverse]
    bad = failed | (given & ~np.isfinite(values))
    bad_text = {int(i): str(texts[i]) for i in np.flatnonzero(failed)[:PROBLEM_LIMIT].tolist()}
    return (values, given, bad), bad_text


def _float_or_refused(text: str) -> tuple[float, bool]:
    try:
        return float(text), False
    except ValueError:
        return math.nan, True


def factorize(values: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Return the sorted distinct values and each value's position among them.

    Same result as ``np.unique(values, return_inverse=True)``. Text is not
    sorted row by row: its characters are folded into a 64-bit key per row
    (checked against the row's text, so that two texts never share a key),
    the keys are made unique, and only the distinct texts are sorted, which
    is several times faster for millions of rows.

    Examples
    --------
    >>> factorize(np.array(["b", "a", "b"]))
    (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
    """
    values = np.asarray(values)
    n = len(values)
    if values.dtype.kind in "US" and n and values.dtype.itemsize:
        return _factorize_fixed(values)
    if values.dtype.kind in "iub":
        distinct, inverse = np.unique(values, return_inverse=True)
        return distinct, inverse.reshape(-1).astype(np.int64)
    items = values.tolist()
    ordered = sorted(dict.fromkeys(items))
    where = {v: i for i, v in enumerate(ordered)}
    inverse = np.fromiter(map(where.__getitem__, items), dtype=np.int64, count=len(items))
    return np.array(ordered, dtype=values.dtype), inverse


def _factorize_fixed(values: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """:func:`factorize` for fixed-width text: 64-bit keys, verified, then sorted distinct values."""
    n = len(values)
    unit = 4 if values.dtype.kind == "U" else 1
    width = values.dtype.itemsize // unit
    chars = np.ascontiguousarray(values).view(np.uint32 if unit == 4 else np.uint8)
    chars = chars.reshape(n, width)
    key = np.zeros(n, dtype=np.uint64)
    for j in range(width):  # one pass per character position, never per row
        key = (key * np.uint64(0x100000001B3)) ^ chars[:, j].astype(np.uint64)
    distinct_keys = np.unique(key)
    inverse = np.searchsorted(distinct_keys, key)
    first = np.empty(len(distinct_keys), dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)
    same = first[inverse]
    if not all(np.array_equal(chars[:, j], chars[same, j]) for j in range(width)):
        # two texts share a key: factorise the characters themselves
        _, first, inverse = np.unique(chars, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    distinct = values[first]
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return distinct[order], rank[inverse]


def _period_text(x: object) -> str:
    if isinstance(x, bool):
        return repr(x)  # True is not the year 1
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    return _text(x)


def parse_periods(
    column: Sequence[object] | NDArray[Any],
) -> tuple[NDArray[np.str_], NDArray[np.str_], NDArray[np.str_]]:
    """Normalise period labels, parsing each distinct label once.

    Returns the canonical labels (``""`` where the text is not a period),
    their granularities (``""`` likewise) and the raw texts, for messages.
    """
    if isinstance(column, np.ndarray) and column.dtype.kind in "iuU":
        raw = column.astype(str)  # the fast path for columns of codes
    else:
        raw = np.array([_period_text(x) for x in column], dtype=str)
        if not len(raw):
            raw = np.array([], dtype=str)
    uniq, inverse = factorize(raw)
    labels_u, grains_u = [], []
    for text in uniq.tolist():
        try:
            label = normalise_period(text)
        except ValueError:
            label = ""
        labels_u.append(label)
        grains_u.append(granularity(label) if label else "")
    inverse = inverse.reshape(-1)
    labels = np.array(labels_u, dtype=str)[inverse] if len(uniq) else raw
    grains = np.array(grains_u, dtype=str)[inverse] if len(uniq) else raw
    return labels, grains, raw


class _KindOf:
    """Row ``i``'s measure kind, for messages."""

    def __init__(self, kinds: NDArray[np.str_], index: IntArray) -> None:
        self.kinds = kinds
        self.index = index

    def __getitem__(self, i: int) -> str:
        return str(self.kinds[int(self.index[i])])


def check_measures(
    problems: Problems,
    ind_col: NDArray[np.str_],
    ind_idx: IntArray,
    codes: NDArray[np.str_],
    defs: Mapping[str, Indicator],
    require_parts: bool,
    value: FloatArray,
    num: FloatArray,
    den: FloatArray,
    both: BoolArray,
) -> None:
    """Check each row against its indicator's measure (rows of undefined indicators pass)."""
    if not len(codes):
        return
    measures = [defs[c].measure if c in defs else None for c in codes.tolist()]

    def per_code(fn: Any, default: Any, dtype: Any) -> NDArray[Any]:
        """A property of each code's measure (``default`` without one), then of each row."""
        return np.array([default if m is None else fn(m) for m in measures], dtype=dtype)

    kinds = per_code(lambda m: m.kind, "", object)
    code_kind = np.array([str(k) for k in kinds.tolist()])
    lo_code = per_code(lambda m: m.bounds[0] if m.bounds else -np.inf, -np.inf, float)
    hi_code = per_code(lambda m: m.bounds[1] if m.bounds else np.inf, np.inf, float)
    kind = _KindOf(code_kind, ind_idx)
    defined = (code_kind != "")[ind_idx]
    is_ratio_code = code_kind == "ratio"
    is_ratio = is_ratio_code[ind_idx]
    is_count = (code_kind == "count")[ind_idx]
    is_binary = (code_kind == "binary")[ind_idx]
    is_rank = (code_kind == "rank")[ind_idx]
    is_score = (code_kind == "score")[ind_idx]
    has_value = ~np.isnan(value)
    has_parts = ~np.isnan(den)

    problems.add(
        has_parts & defined & ~is_ratio,
        "parts_for_non_ratio",
        "numerator",
        lambda i: (
            f"indicator {str(ind_col[i])!r} is a {kind[i]!s}, not a ratio: give a value, "
            "not numerator/denominator"
        ),
    )
    if require_parts:
        problems.add(
            has_value & ~has_parts & is_ratio,
            "parts_required",
            "value",
            lambda i: (
                f"indicator {str(ind_col[i])!r} is a ratio: give numerator and denominator, "
                "not a bare value (only parts can be pooled)"
            ),
        )
    bounded_ratio = (is_ratio_code & np.isfinite(hi_code))[ind_idx]
    problems.add(
        has_parts & bounded_ratio & (num > den),
        "numerator_exceeds_denominator",
        "denominator",
        lambda i: f"'denominator' must be >= 'numerator' for a share: {den[i]:g} < {num[i]:g}",
    )
    # the ratio implied by the parts, on the rows that need it only (no memory per row):
    # it can lie beyond the float range only over a denominator below 1, a huge numerator
    # or a huge scale; NaN without parts or over 0; no warnings
    scale_code = per_code(lambda m: m.scale or 1.0, 1.0, float)
    huge_scale = (scale_code > 1e50)[ind_idx]

    def implied(rows: IntArray) -> FloatArray:
        out: FloatArray = _wide.divide(num[rows], den[rows], scale_code[ind_idx[rows]])
        return out

    may_overflow = np.flatnonzero(has_parts & is_ratio & ((den < 1) | (num > 1e250) | huge_scale))
    over = may_overflow[np.isinf(implied(may_overflow))]
    overflow = np.zeros(len(num), dtype=bool)
    overflow[over] = True
    problems.add(
        overflow & ~(bounded_ratio & (num > den)),
        "ratio_overflow",
        "denominator",
        lambda i: (
            f"numerator/denominator x scale ({num[i]:g}/{den[i]:g} x "
            f"{scale_code[ind_idx[i]]:g}) lies beyond the largest number "
            f"({sys.float_info.max:g}); check the numerator and the denominator"
        ),
    )
    compared = np.flatnonzero(both & is_ratio & has_value)
    ratio = implied(compared)
    differs = compared[
        np.isfinite(ratio) & ~np.isclose(value[compared], ratio, rtol=VALUE_RTOL, atol=1e-9)
    ]
    disagree = np.zeros(len(num), dtype=bool)
    disagree[differs] = True
    problems.add(
        disagree,
        "value_disagrees",
        "value",
        lambda i: (
            f"the value {value[i]:g} disagrees with numerator/denominator "
            f"({num[i]:g}/{den[i]:g} x {scale_code[ind_idx[i]]:g} = "
            f"{float(implied(np.array([i]))[0]):g})"
        ),
    )
    checked = has_value & ~both  # rows with parts were checked through their parts
    problems.add(
        checked & is_count & (value < 0),
        "negative_count",
        "value",
        lambda i: f"a count must be >= 0, got {value[i]:g}",
    )
    problems.add(
        checked & is_binary & (value != 0) & (value != 1),
        "not_binary",
        "value",
        lambda i: (
            f"indicator {str(ind_col[i])!r} is binary: the value must be 0 or 1, got {value[i]:g}"
        ),
    )
    problems.add(
        checked & is_rank & ((value < 1) | (value != np.floor(value))),
        "bad_rank",
        "value",
        lambda i: f"a rank must be a whole number >= 1, got {value[i]:g}",
    )
    out_of_bounds = (
        checked & (is_ratio | is_score) & ((value < lo_code[ind_idx]) | (value > hi_code[ind_idx]))
    )
    problems.add(
        out_of_bounds,
        "out_of_bounds",
        "value",
        lambda i: (
            f"a {'percent' if kind[i] == 'ratio' and scale_code[ind_idx[i]] == 100 else kind[i]} must lie "
            f"in [{lo_code[ind_idx[i]]:g}, {hi_code[ind_idx[i]]:g}], got {value[i]:g}"
        ),
    )
