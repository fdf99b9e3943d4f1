"""Columns of observations through pyarrow: its multi-threaded CSV reader, and Arrow tables.

With the ``arrow`` extra, :meth:`Panel.from_csv <cchc_indicators.data.panel.Panel.from_csv>`
reads a file with :func:`pyarrow.csv.read_csv` when the file is plain: no
quote character, no empty line, no lone carriage return, and pyarrow parses
every cell (numbers as Python's :func:`float` reads them, the same set or
fewer). In such a file record *i* is spreadsheet row *i* + 2, so every row
number said in a message is the same as the whole-array reader's. Anything
else (a quote, a blank line, a cell pyarrow refuses, a missing or repeated
column) returns ``None``, and the caller reads the file with the whole-array
reader, which says exactly what is wrong. Both give the same panel.

Key columns are read as dictionaries, so the codes arrive factorised; numbers
as float64 with empty cells null.
"""

from __future__ import annotations

import csv
import io
import mmap
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._csv_columns import TextColumn

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_KEY_COLUMNS = ("indicator", "unit", "period")
_NUMBER_COLUMNS = ("value", "numerator", "denominator", "weight")


def _arrow() -> tuple[Any, Any]:
    """pyarrow and its Parquet module, or an ImportError saying which extra to install."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        msg = "this needs pyarrow: pip install 'cchc-indicators[arrow]'"
        raise ImportError(msg) from exc
    return pa, pq


def have_pyarrow() -> bool:
    """Whether pyarrow (the ``arrow`` extra) can be imported."""
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        return False
    return True


def _plain_header(path: Path) -> tuple[list[str], int] | None:
    """The header of a file pyarrow reads with the same row numbers, and its records; or None.

    The records are counted by their line ends: pyarrow skips an empty line,
    so a table with fewer rows than that had one (and the caller declines).
    """
    try:
        with path.open("rb") as fh:
            if fh.seek(0, 2) == 0:
                return None
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                end = mm.find(b"\n")
                first = mm[: end if end >= 0 else len(mm)]
                body = end + 1 if end >= 0 else len(mm)
                # a quoted header is read by the csv module below; a quote in the body is not
                if mm.find(b'"', body) >= 0 or b"\r" in first.rstrip(b"\r"):
                    return None
                b = np.frombuffer(mm, dtype=np.uint8)
                records = int(np.count_nonzero(b == 10)) - 1 + (b[-1] != 10)
                if mm.find(b"\r") >= 0:
                    cr = np.flatnonzero(b == 13)
                    lone = (cr + 1 >= len(b)) | (b[np.minimum(cr + 1, len(b) - 1)] != 10)
                    if lone.any():
                        del b
                        return None
                del b
    except (OSError, ValueError):
        return None  # the whole-array reader says what is wrong with the file
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    header = [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])]
    if not header or len(set(header)) != len(header):
        return None
    return header, records


def csv_columns(
    path: Path,
) -> tuple[dict[str, TextColumn], dict[str, tuple[FloatArray, BoolArray, BoolArray]], int] | None:
    """The key and number columns of a plain long CSV file through pyarrow, or None.

    None when pyarrow is missing or the file is not plain (see the module's
    docstring): the caller then reads it with the whole-array reader.
    """
    if not have_pyarrow():  # pragma: no cover - depends on the environment
        return None
    import pyarrow as pa
    import pyarrow.csv as pv

    plain = _plain_header(path)
    if plain is None:
        return None
    header, records = plain
    if any(c not in header for c in _KEY_COLUMNS) or not (
        {"value", "numerator", "denominator"} & set(header)
    ):
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    present = [c for c in (*_KEY_COLUMNS, *_NUMBER_COLUMNS) if c in header]
    types = {c: (text if c in _KEY_COLUMNS else pa.float64()) for c in present}
    try:
        table = pv.read_csv(
            str(path),
            parse_options=pv.ParseOptions(newlines_in_values=False),
            convert_options=pv.ConvertOptions(
                column_types=types,
                include_columns=present,
                null_values=[""],
                strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None  # a cell pyarrow refuses: the whole-array reader names it
    if table.num_rows != records:  # pyarrow skipped empty lines: rows would be misnumbered
        return None
    return table_columns(table, _NUMBER_COLUMNS, blank_rows_fall_back=True)


def table_columns(
    table: Any, numbers: tuple[str, ...], *, blank_rows_fall_back: bool = False
) -> tuple[dict[str, TextColumn], dict[str, tuple[FloatArray, BoolArray, BoolArray]], int] | None:
    """Key columns (dictionary-encoded or not) and number columns of a pyarrow table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    keys: dict[str, TextColumn] = {}
    empty = np.ones(n, dtype=bool)
    for name in _KEY_COLUMNS:
        column = keys[name] = _dictionary_column(table.column(name), pa, pc)
        empty &= (column.texts == "")[column.index] if n else empty
    out: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
    for name in numbers:
        if name not in table.column_names:
            out[name] = (np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool))
            continue
        column = table.column(name)
        values = np.asarray(column.to_numpy(), dtype=np.float64)
        given = np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)
        with np.errstate(invalid="ignore"):
            out[name] = (values, given, given & ~np.isfinite(values))
        empty &= ~given
    if blank_rows_fall_back and empty.any():
        return None  # a record of empty cells: the whole-array reader decides if it is blank
    return keys, out, n


def _dictionary_column(column: Any, pa: Any, pc: Any) -> TextColumn:
    """A pyarrow column of codes as distinct texts and indices (nulls are empty text)."""
    if not pa.types.is_dictionary(column.type):
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = _as_text(column, pa, pc)
        column = pc.dictionary_encode(column)
    column = column.unify_dictionaries() if column.num_chunks > 1 else column
    if column.num_chunks == 0:
        return TextColumn(np.array([], dtype=str), np.zeros(0, dtype=np.int64))
    dictionary = column.chunk(0).dictionary
    texts = [("" if t is None else str(t)) for t in dictionary.to_pylist()]
    null = len(texts)
    parts = [
        np.asarray(chunk.indices.fill_null(null).to_numpy(zero_copy_only=False), dtype=np.int64)
        for chunk in column.chunks
    ]
    index = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return TextColumn(np.array([*texts, ""], dtype=str), index)


def _as_text(column: Any, pa: Any, pc: Any) -> Any:
    """Codes of another type as text: whole floats lose their '.0' (2024.0 is the year 2024)."""
    if pa.types.is_floating(column.type):
        whole = pc.equal(column, pc.floor(column))
        as_int = pc.cast(pc.if_else(whole, column, None), pa.int64(), safe=False)
        return pc.if_else(whole, pc.cast(as_int, pa.string()), pc.cast(column, pa.string()))
    if pa.types.is_boolean(column.type):
        return pc.if_else(column, "True", "False")
    return pc.cast(column, pa.string())


def frame_table(frame: Any, func: str) -> Any:
    """``frame`` as a pyarrow table: a pyarrow table, or any object with ``__arrow_c_stream__``.

    pandas (2.2 and later), polars and DuckDB relations offer the Arrow C
    stream; an older pandas frame is converted by pyarrow itself.

    Raises
    ------
    ArgumentTypeError
        If ``frame`` is not a data frame.
    """
    pa, _ = _arrow()
    if isinstance(frame, pa.Table):
        return frame
    if hasattr(frame, "__arrow_c_stream__"):
        return pa.table(frame)
    if type(frame).__module__.startswith("pandas"):  # pragma: no cover - pandas < 2.2
        return pa.Table.from_pandas(frame, preserve_index=False)
    from cchc_indicators.core.errors import ArgumentTypeError

    msg = (
        f"{func}: 'frame' must be a data frame (pandas, polars, a pyarrow table or any "
        f"object with __arrow_c_stream__), got {type(frame).__name__}"
    )
    raise ArgumentTypeError(msg, parameter="frame")


def text_array(column: Any) -> NDArray[np.str_]:
    """A pyarrow column of codes as a text array ('' for a null; whole floats without '.0')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        column = _as_text(column, pa, pc)
    filled = pc.fill_null(column, "")
    out: NDArray[np.str_] = np.asarray(filled.to_numpy(zero_copy_only=False), dtype=str)
    return out if len(out) else np.array([], dtype=str)


def float_array(column: Any, name: str, source: str) -> FloatArray:
    """A pyarrow column of numbers as float64 (NaN for a null); a typed error if not numeric."""
    import pyarrow as pa

    from cchc_indicators.core.errors import PanelError, Problem

    try:
        as_float = column.cast(pa.float64())
    except pa.ArrowException:
        msg = f"column {name!r} is not numeric ({column.type})"
        raise PanelError([Problem(msg, field=name, kind="not_a_number")], source=source) from None
    out: FloatArray = np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)
    return out
