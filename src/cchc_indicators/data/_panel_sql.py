"""Long observations from a SQL query, for :meth:`Panel.from_sql <cchc_indicators.data.panel.Panel.from_sql>`.

Any DB-API 2.0 connection (:mod:`sqlite3`, psycopg, DuckDB, ...) or ADBC
connection will do. Where the driver's cursor hands out Arrow data
(``fetch_arrow_table``, as ADBC does, or ``fetchallarrow``) the result set is
read as one Arrow table; otherwise it is fetched with ``fetchmany`` in batches
and turned column by column into arrays (one ``zip(*rows)`` a batch: the only
Python work per row is the driver's own). The columns then go through the
validation of every reader: through pyarrow when it is installed (as
:meth:`~cchc_indicators.data.panel.Panel.from_frame` does), through the
whole-array column reader otherwise. Rows are numbered from 0, the row of the
result set.

The driver's errors (its ``Error`` class, which DB-API modules expose, and
any exception of the driver's package named ``...Error``) become a
:class:`~cchc_indicators.core.errors.PanelError` of kind ``connection_failed``
(opening a cursor) or ``query_failed`` (running the query or fetching its
rows), with the driver's message. The cursor is always closed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core.errors import ArgumentTypeError, PanelError, Problem
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.data._panel_arrow import have_pyarrow
from cchc_indicators.data._panel_read import _period_column, _text_column
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:  # pragma: no cover - imports for annotations only
    from cchc_indicators.data.panel import Panel

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_FUNC = "Panel.from_sql"
_KEY_COLUMNS = ("indicator", "unit", "period")
_NUMBER_COLUMNS = ("value", "numerator", "denominator", "weight")
#: Rows asked of ``fetchmany`` at a time.
BATCH_ROWS = 10_000


def read_sql(
    cls: type[Panel],
    query: str,
    connection: Any,
    hierarchy: Hierarchy,
    *,
    indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
    require_parts: bool,
    params: Sequence[Any] | Mapping[str, Any] | None,
    source: str | None,
) -> Panel:
    """Run ``query`` on ``connection`` and build a panel of its rows (see ``Panel.from_sql``)."""
    check_type(query, str, func=_FUNC, parameter="query")
    check_type(hierarchy, Hierarchy, func=_FUNC, parameter="hierarchy")
    if source is not None:
        check_type(source, str, func=_FUNC, parameter="source")
    if not callable(getattr(connection, "cursor", None)):
        hint = "; open one first, e.g. sqlite3.connect(path)" if isinstance(connection, str) else ""
        msg = (
            f"{_FUNC}: 'connection' must be a DB-API 2.0 connection (sqlite3.connect(...), "
            f"psycopg.connect(...), an ADBC connection), got {describe(connection)}{hint}"
        )
        raise ArgumentTypeError(msg, parameter="connection")
    where = source if source is not None else " ".join(query.split())
    fetched = _fetch(query, connection, params, where)
    if isinstance(fetched, tuple):
        names, columns, n = fetched
        return _from_columns(cls, names, columns, n, hierarchy, indicators, require_parts, where)
    table = fetched
    _check_names(list(table.column_names), where)
    keep = [c for c in (*_KEY_COLUMNS, *_NUMBER_COLUMNS) if c in table.column_names]
    return cls._from_arrow(table.select(keep), hierarchy, indicators, require_parts, where)


def _fetch(
    query: str,
    connection: Any,
    params: Sequence[Any] | Mapping[str, Any] | None,
    where: str,
) -> Any:
    """The result set: an Arrow table, or (names, object columns of the needed names, rows)."""
    driver = _Driver(connection)
    try:
        cursor = connection.cursor()
    except Exception as exc:
        if not driver.raised(exc):
            raise
        raise _failure(exc, where, kind="connection_failed", what="cannot open a cursor") from None
    try:
        try:
            if params is None:
                cursor.execute(query)
            else:
                cursor.execute(query, params)
            if cursor.description is None:
                msg = "the query returns no columns (is it a SELECT?)"
                raise PanelError([Problem(msg, kind="missing_column")], source=where)
            names = [str(d[0]) for d in cursor.description]
            arrow = _arrow_fetcher(cursor)
            if arrow is not None:
                return arrow()
            _check_names(names, where)
            return (names, *_fetch_columns(cursor, names))
        except Exception as exc:
            if not driver.raised(exc):
                raise
            raise _failure(exc, where, kind="query_failed", what="the query failed") from None
    finally:
        try:
            cursor.close()
        except Exception as exc:  # a cursor of a broken connection may refuse to close
            if not driver.raised(exc):
                raise


def _arrow_fetcher(cursor: Any) -> Any:
    """The cursor's method returning the result set as an Arrow table, or None."""
    if not have_pyarrow():  # pragma: no cover - depends on the environment
        return None
    # An ADBC connection (it has ``adbc_get_info``) gives cursors with fetch_arrow_table;
    # turbodbc's have fetchallarrow.
    for name in ("fetch_arrow_table", "fetchallarrow"):
        method = getattr(cursor, name, None)
        if callable(method):
            return method
    return None


def _fetch_columns(cursor: Any, names: list[str]) -> tuple[dict[str, NDArray[Any]], int]:
    """The needed columns of the rest of the result set as object arrays, batch by batch."""
    wanted = {
        name: names.index(name) for name in (*_KEY_COLUMNS, *_NUMBER_COLUMNS) if name in names
    }
    parts: dict[str, list[NDArray[Any]]] = {name: [] for name in wanted}
    n = 0
    while True:
        rows = cursor.fetchmany(BATCH_ROWS)
        if not rows:
            break
        columns = list(zip(*rows, strict=True))
        size = len(rows)
        for name, k in wanted.items():
            parts[name].append(np.fromiter(columns[k], dtype=object, count=size))
        n += size
    out = {
        name: (np.concatenate(p) if p else np.empty(0, dtype=object)) for name, p in parts.items()
    }
    return out, n


def _check_names(names: list[str], where: str) -> None:
    """Refuse a result set without the key columns, a number column, or with a repeated one."""
    given = ", ".join(names) if names else "none"
    missing = [c for c in _KEY_COLUMNS if c not in names]
    if missing:
        msg = f"missing column(s) {', '.join(missing)}; the query gives {given}"
        raise PanelError([Problem(msg, kind="missing_column")], source=where)
    if not {"value", "numerator", "denominator"} & set(names):
        msg = f"missing column(s) value, or numerator and denominator; the query gives {given}"
        raise PanelError([Problem(msg, kind="missing_column")], source=where)
    for name in (*_KEY_COLUMNS, *_NUMBER_COLUMNS):
        if names.count(name) > 1:
            msg = f"column {name!r} is given {names.count(name)} times"
            raise PanelError([Problem(msg, field=name, kind="duplicate_column")], source=where)


def _from_columns(
    cls: type[Panel],
    names: list[str],
    columns: dict[str, NDArray[Any]],
    n: int,
    hierarchy: Hierarchy,
    indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
    require_parts: bool,
    where: str,
) -> Panel:
    """Build the panel from object columns, through pyarrow when it is installed."""
    numbers = {
        name: _numbers(columns[name], name, where) for name in _NUMBER_COLUMNS if name in columns
    }
    if have_pyarrow():
        import pyarrow as pa

        keys = {name: _arrow_keys(columns[name], pa) for name in _KEY_COLUMNS}
        if all(k is not None for k in keys.values()):
            table = pa.table(
                {
                    **keys,
                    **{
                        name: pa.array(values, type=pa.float64(), mask=null)
                        for name, (values, null) in numbers.items()
                    },
                }
            )
            return cls._from_arrow(table, hierarchy, indicators, require_parts, where)
    text_keys = {
        "indicator": _text_column(columns["indicator"]),
        "unit": _text_column(columns["unit"]),
        "period": _period_column(columns["period"]),
    }
    parts: dict[str, tuple[FloatArray, BoolArray, BoolArray]] = {}
    for name in _NUMBER_COLUMNS:
        if name not in numbers:
            parts[name] = (np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool))
            continue
        values, null = numbers[name]
        given = ~null
        with np.errstate(invalid="ignore"):
            parts[name] = (values, given, given & ~np.isfinite(values))
    rows = np.arange(n, dtype=np.int64)
    return cls._build(text_keys, parts, n, hierarchy, indicators, require_parts, where, rows, {})


def _numbers(column: NDArray[Any], name: str, where: str) -> tuple[FloatArray, BoolArray]:
    """A column of the driver's numbers as floats and where it is NULL."""
    null: BoolArray = np.asarray(np.equal(column, np.array(None, dtype=object)), dtype=np.bool_)
    try:
        values: FloatArray = np.where(null, 0.0, column).astype(np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        msg = f"column {name!r} is not numeric ({exc})"
        raise PanelError([Problem(msg, field=name, kind="not_a_number")], source=where) from None
    values[null] = np.nan
    return values, null


def _arrow_keys(column: NDArray[Any], pa: Any) -> Any:
    """A column of codes as a pyarrow array of texts or numbers, or None if its types mix."""
    try:  # texts first: converting with a type given is several times faster than inferring
        return pa.array(column, type=pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    try:
        array = pa.array(column, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    kind = array.type
    if (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_null(kind)
    ):
        return array
    return None  # dates, bytes, decimals: the whole-array reader turns them into text


class _Driver:
    """Which exceptions come from the driver of ``connection``.

    Its ``Error`` classes (the connection's, as PEP 249's extension offers it,
    then those of the modules of its class), and any other exception of the
    driver's package whose class name ends in ``Error``.
    """

    def __init__(self, connection: Any) -> None:
        parts = type(connection).__module__.split(".")
        modules = [sys.modules.get(".".join(parts[:i])) for i in range(len(parts), 0, -1)]
        found: list[type[Exception]] = []
        for err in (getattr(x, "Error", None) for x in (connection, *modules)):
            if isinstance(err, type) and issubclass(err, Exception) and err not in found:
                found.append(err)
        self.errors = tuple(found)
        self.packages = {parts[0]} | {e.__module__.split(".")[0] for e in found}

    def raised(self, exc: Exception) -> bool:
        """Whether the driver raised ``exc`` (this library's own errors are not the driver's)."""
        if isinstance(exc, PanelError):
            return False
        if isinstance(exc, self.errors):
            return True
        kind = type(exc)
        return kind.__module__.split(".")[0] in self.packages and kind.__name__.endswith("Error")


def _failure(exc: Exception, where: str, *, kind: str, what: str) -> PanelError:
    said = " ".join(str(exc).split()) or "no message"
    msg = f"{what}: {type(exc).__name__}: {said}"
    return PanelError([Problem(msg, kind=kind)], source=where)
