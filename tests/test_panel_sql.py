"""Tests of Panel.from_sql: SQLite, PostgreSQL, an Arrow-giving driver, and every error path."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cchc_indicators import Hierarchy, Indicator, Panel, PanelError, measures
from cchc_indicators.core.errors import ArgumentTypeError
from cchc_indicators.data import _panel_sql

PCT = Indicator("pct", "Tỷ lệ hồ sơ trực tuyến")
CNT = Indicator("cnt", "Số biên chế", measure=measures.count())

#: Rows of the long layout: a value, parts, a weight, integer and text periods, a quarter.
ROWS: list[dict[str, Any]] = [
    {"indicator": "pct", "unit": "26", "period": 2024, "value": 95.0},
    {"indicator": "pct", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
    {
        "indicator": "pct",
        "unit": "244",
        "period": 2024,
        "numerator": 3,
        "denominator": 4,
        "weight": 2.5,
    },
    {"indicator": "pct", "unit": "243", "period": 2023, "value": 80.0},
    {"indicator": "cnt", "unit": "26", "period": "2024-Q1", "value": 12},
    {"indicator": "cnt", "unit": "243", "period": "2024-Q1", "value": 7},
]
COLUMNS = ("indicator", "unit", "period", "value", "numerator", "denominator", "weight")
SELECT = "SELECT indicator, unit, period, value, numerator, denominator, weight FROM obs"


@pytest.fixture(scope="module")
def h() -> Hierarchy:
    """One province '26' with two districts '243' and '244'."""
    return Hierarchy.from_records(
        [
            {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
            {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
            {"code": "244", "name": "Phúc Yên", "level": "district", "parent": "26"},
        ],
        levels=("province", "district"),
    )


@pytest.fixture(params=["arrow", "numpy"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with pyarrow building the columns, and without (the whole-array reader)."""
    if request.param == "numpy":
        monkeypatch.setattr(_panel_sql, "have_pyarrow", lambda: False)
    return str(request.param)


def fill(db: sqlite3.Connection, rows: list[dict[str, Any]]) -> sqlite3.Connection:
    """Create table ``obs`` (untyped columns, as SQLite allows) holding ``rows``."""
    db.execute(f"CREATE TABLE obs ({', '.join(COLUMNS)})")
    db.executemany(
        f"INSERT INTO obs VALUES ({', '.join('?' * len(COLUMNS))})",
        [tuple(r.get(c) for c in COLUMNS) for r in rows],
    )
    db.commit()
    return db


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    """An in-memory SQLite database with ROWS in table ``obs``."""
    conn = fill(sqlite3.connect(":memory:"), ROWS)
    yield conn
    conn.close()


def assert_same(got: Panel, expected: Panel) -> None:
    """The same periods, indicators, arrays and records."""
    assert got.periods == expected.periods
    assert got.indicator_codes == expected.indicator_codes
    assert got.to_records() == expected.to_records()
    for code in expected.indicator_codes:
        a, b = got.data_of(code), expected.data_of(code)
        for name in ("value", "numerator", "denominator", "weight"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def problems(err: pytest.ExceptionInfo[PanelError]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.field, p.kind) for p in err.value.problems]


# ---------------------------------------------------------------- SQLite: happy paths


@pytest.mark.usefixtures("path")
class TestSqlite:
    def test_in_memory_gives_the_panel_of_from_records(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """The same rows through from_sql and from_records give the same panel."""
        got = Panel.from_sql(SELECT, db, h, indicators=[PCT, CNT])
        assert_same(got, Panel.from_records(ROWS, h, indicators=[PCT, CNT]))
        assert got.source == SELECT
        assert got.value("pct", "243", "2024") == 90.0  # 45 / 50 in percent

    def test_a_file_database_gives_the_panel_of_from_records(
        self, tmp_path: Path, h: Hierarchy
    ) -> None:
        """A database in a file, opened again after writing."""
        file = tmp_path / "obs.sqlite"
        fill(sqlite3.connect(file), ROWS).close()
        conn = sqlite3.connect(file)
        try:
            got = Panel.from_sql(SELECT, conn, h, source="obs.sqlite")
        finally:
            conn.close()
        assert_same(got, Panel.from_records(ROWS, h))
        assert got.source == "obs.sqlite"

    def test_batches_give_the_same_panel(
        self, db: sqlite3.Connection, h: Hierarchy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Fetched 4 rows at a time (6 rows: a full batch and a partial one)."""
        monkeypatch.setattr(_panel_sql, "BATCH_ROWS", 4)
        assert_same(Panel.from_sql(SELECT, db, h), Panel.from_records(ROWS, h))

    def test_params_are_passed_to_the_driver(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """A qmark parameter selects the indicator."""
        got = Panel.from_sql("SELECT * FROM obs WHERE indicator = ?", db, h, params=("cnt",))
        assert got.indicator_codes == ("cnt",)
        assert got.to_records() == [
            {"indicator": "cnt", "unit": "26", "period": "2024-Q1", "value": 12.0},
            {"indicator": "cnt", "unit": "243", "period": "2024-Q1", "value": 7.0},
        ]

    def test_aliases_and_other_columns(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """Columns are found by name; others are ignored; value alone is enough."""
        got = Panel.from_sql(
            "SELECT 'x' AS note, period, unit AS unit, indicator, value FROM obs "
            "WHERE value IS NOT NULL",
            db,
            h,
        )
        assert len(got) == 4
        assert got.value("cnt", "243", "2024-Q1") == 7.0

    def test_integer_codes_are_text(self, h: Hierarchy) -> None:
        """Units and periods stored as integers read as their digits."""
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (indicator TEXT, unit INTEGER, period INTEGER, value REAL)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [("a", 26, 2024, 1.5)])
        got = Panel.from_sql("SELECT * FROM t", conn, h)
        assert got.to_records() == [
            {"indicator": "a", "unit": "26", "period": "2024", "value": 1.5}
        ]

    def test_a_column_of_mixed_types_is_read(self, h: Hierarchy) -> None:
        """SQLite lets one column hold integers and texts: both are codes."""
        rows = [
            {"indicator": "a", "unit": 26, "period": 2024, "value": 1},
            {"indicator": "a", "unit": "243", "period": "2024", "value": 2},
        ]
        conn = fill(sqlite3.connect(":memory:"), rows)
        assert_same(Panel.from_sql(SELECT, conn, h), Panel.from_records(rows, h))

    def test_an_empty_result_is_an_empty_panel(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """No rows: a panel without observations."""
        got = Panel.from_sql("SELECT * FROM obs WHERE 0", db, h)
        assert got.to_records() == []
        assert got.periods == ()

    def test_text_numbers_are_numbers(self, h: Hierarchy) -> None:
        """A number stored as text reads as that number (as from_records reads it)."""
        conn = fill(
            sqlite3.connect(":memory:"),
            [{"indicator": "a", "unit": "26", "period": 2024, "value": " 2.5"}],
        )
        assert Panel.from_sql(SELECT, conn, h).value("a", "26", "2024") == 2.5

    def test_the_connection_stays_usable(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """After a read and after a failed query, the connection still answers."""
        Panel.from_sql(SELECT, db, h)
        with pytest.raises(PanelError):
            Panel.from_sql("SELECT * FROM nowhere", db, h)
        assert db.execute("SELECT count(*) FROM obs").fetchone() == (6,)


# ---------------------------------------------------------------- SQLite: bad input


@pytest.mark.usefixtures("path")
class TestSqliteErrors:
    def test_a_missing_key_column_lists_the_columns(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """Without 'period' (and 'unit'): missing_column, naming the query's columns."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT indicator, value FROM obs", db, h)
        assert problems(err) == [(None, None, "missing_column")]
        assert err.value.problems[0].message == (
            "missing column(s) unit, period; the query gives indicator, value"
        )
        assert err.value.source == "SELECT indicator, value FROM obs"

    def test_no_number_column(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """Keys and a weight only: missing_column for value / numerator and denominator."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT indicator, unit, period, weight FROM obs", db, h)
        assert err.value.kinds == ("missing_column",)
        assert err.value.problems[0].message == (
            "missing column(s) value, or numerator and denominator; "
            "the query gives indicator, unit, period, weight"
        )

    def test_a_repeated_column(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """Two columns named 'value': which one is meant is not guessed."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql(
                "SELECT indicator, unit, period, value, numerator AS value FROM obs", db, h
            )
        assert problems(err) == [(None, "value", "duplicate_column")]

    def test_a_statement_without_a_result_set(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """An UPDATE returns no columns at all."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("UPDATE obs SET value = value", db, h)
        assert err.value.kinds == ("missing_column",)
        assert "returns no columns" in str(err.value)

    def test_null_keys_are_empty_fields_with_their_rows(self, h: Hierarchy) -> None:
        """NULL indicator (row 1), unit (row 2) and period (row 0): each reported, by row."""
        rows = [
            {"indicator": "a", "unit": "26", "period": None, "value": 1},
            {"indicator": None, "unit": "26", "period": 2024, "value": 2},
            {"indicator": "a", "unit": None, "period": 2023, "value": 3},
            {"indicator": "a", "unit": "243", "period": 2024, "value": 4},
        ]
        conn = fill(sqlite3.connect(":memory:"), rows)
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, conn, h)
        assert problems(err) == [
            (0, "period", "bad_period"),
            (1, "indicator", "empty_field"),
            (2, "unit", "empty_field"),
        ]
        assert "row 1, field 'indicator': the indicator is empty" in str(err.value)

    def test_invalid_rows_are_numbered_from_0(self, h: Hierarchy) -> None:
        """An unknown unit and a numerator without a denominator, by row of the result set."""
        rows = [
            {"indicator": "a", "unit": "26", "period": 2024, "value": 1},
            {"indicator": "a", "unit": "99", "period": 2024, "value": 2},
            {"indicator": "b", "unit": "26", "period": 2024, "numerator": 3},
        ]
        conn = fill(sqlite3.connect(":memory:"), rows)
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, conn, h, source="reports")
        assert problems(err) == [
            (1, "unit", "unknown_unit"),
            (2, "denominator", "incomplete_parts"),
        ]
        assert err.value.source == "reports"

    def test_a_non_numeric_number_column(self, h: Hierarchy) -> None:
        """Text in 'numerator': not_a_number naming the column and the text."""
        rows = [
            {"indicator": "a", "unit": "26", "period": 2024, "numerator": 1, "denominator": 2},
            {"indicator": "a", "unit": "243", "period": 2024, "numerator": "abc", "denominator": 2},
        ]
        conn = fill(sqlite3.connect(":memory:"), rows)
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, conn, h)
        assert problems(err) == [(None, "numerator", "not_a_number")]
        assert "'abc'" in str(err.value)

    def test_a_sql_error_names_the_query_and_the_driver_message(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """A table that does not exist: query_failed with SQLite's message; source the query."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT *\n  FROM nowhere", db, h)
        assert err.value.kinds == ("query_failed",)
        assert err.value.source == "SELECT * FROM nowhere"
        assert err.value.problems[0].message == (
            "the query failed: OperationalError: no such table: nowhere"
        )

    def test_a_syntax_error_names_source(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """The source given replaces the query in the message."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELEC 1", db, h, source="report query")
        assert err.value.kinds == ("query_failed",)
        assert str(err.value).startswith("report query: 1 problem")
        assert "syntax error" in str(err.value)

    def test_wrong_params(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """A parameter missing for a placeholder is the driver's error, as query_failed."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT * FROM obs WHERE indicator = ?", db, h)
        assert err.value.kinds == ("query_failed",)
        assert "ProgrammingError" in str(err.value)

    def test_a_closed_connection(self, h: Hierarchy) -> None:
        """A closed connection cannot give a cursor: connection_failed."""
        conn = fill(sqlite3.connect(":memory:"), ROWS)
        conn.close()
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, conn, h)
        assert problems(err) == [(None, None, "connection_failed")]
        assert "closed database" in str(err.value)


class TestArguments:
    @pytest.mark.parametrize("connection", ["obs.sqlite", None, 3, sqlite3])
    def test_not_a_connection(self, connection: object, h: Hierarchy) -> None:
        """Anything without a cursor() method is refused before any query runs."""
        with pytest.raises(ArgumentTypeError, match=r"'connection' must be a DB-API 2\.0") as err:
            Panel.from_sql(SELECT, connection, h)
        assert err.value.parameter == "connection"

    def test_a_file_name_gets_a_hint(self, h: Hierarchy) -> None:
        """A path given as the connection: say how to open one."""
        with pytest.raises(ArgumentTypeError, match=r"sqlite3\.connect\(path\)"):
            Panel.from_sql(SELECT, "obs.sqlite", h)

    def test_the_query_must_be_text(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        with pytest.raises(ArgumentTypeError, match="'query' must be a str"):
            Panel.from_sql(b"SELECT 1", db, h)  # type: ignore[arg-type]

    def test_the_hierarchy_is_checked_before_the_query_runs(self, db: sqlite3.Connection) -> None:
        with pytest.raises(ArgumentTypeError, match="'hierarchy' must be a Hierarchy"):
            Panel.from_sql("DELETE FROM obs", db, "vn-2025")  # type: ignore[arg-type]
        assert db.execute("SELECT count(*) FROM obs").fetchone() == (6,)

    def test_the_source_must_be_text(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        with pytest.raises(ArgumentTypeError, match="'source' must be a str"):
            Panel.from_sql(SELECT, db, h, source=Path("x"))  # type: ignore[arg-type]


# ---------------------------------------------------------------- cursors and driver errors


class Spy:
    """A DB-API connection around SQLite that keeps the cursors it gives and can break them."""

    Error = sqlite3.Error

    def __init__(self, conn: sqlite3.Connection, fail: BaseException | None = None) -> None:
        self.conn, self.fail, self.cursors = conn, fail, []

    def cursor(self) -> Any:
        spy = self

        class Cursor:
            def __init__(self) -> None:
                self.inner = spy.conn.cursor()
                self.closed = False

            def __getattr__(self, name: str) -> Any:
                return getattr(self.inner, name)

            def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
                if spy.fail is not None:
                    raise spy.fail
                return self.inner.fetchmany(size)

            def close(self) -> None:
                self.closed = True
                self.inner.close()

        cursor = Cursor()
        self.cursors.append(cursor)
        return cursor


class DriverError(Exception):
    """An error of a driver whose classes do not derive from one Error class."""


class TestCursors:
    def test_the_cursor_is_closed_after_a_read(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        spy = Spy(db)
        Panel.from_sql(SELECT, spy, h)
        assert [c.closed for c in spy.cursors] == [True]

    @pytest.mark.parametrize(
        "query", ["SELECT * FROM nowhere", "SELECT indicator FROM obs", "UPDATE obs SET unit = 1"]
    )
    def test_the_cursor_is_closed_after_an_error(
        self, db: sqlite3.Connection, h: Hierarchy, query: str
    ) -> None:
        spy = Spy(db)
        with pytest.raises(PanelError):
            Panel.from_sql(query, spy, h)
        assert [c.closed for c in spy.cursors] == [True]

    def test_an_error_while_fetching_is_query_failed(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """The driver's error raised by fetchmany (a dropped connection, say)."""
        spy = Spy(db, fail=sqlite3.OperationalError("disk I/O error"))
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, spy, h)
        assert problems(err) == [(None, None, "query_failed")]
        assert err.value.problems[0].message == (
            "the query failed: OperationalError: disk I/O error"
        )
        assert spy.cursors[0].closed

    def test_an_error_named_error_in_the_drivers_module(
        self, db: sqlite3.Connection, h: Hierarchy, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An exception of the driver's package named ...Error, not under its Error class."""
        monkeypatch.setattr(Spy, "__module__", __name__)
        monkeypatch.setattr(Spy, "Error", None)
        spy = Spy(db, fail=DriverError("server closed the connection"))
        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, spy, h)
        assert err.value.kinds == ("query_failed",)
        assert "DriverError: server closed the connection" in str(err.value)

    def test_other_exceptions_are_not_taken_for_driver_errors(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """A bug elsewhere (here a KeyboardInterrupt and a RuntimeError) goes through as is."""
        for fail in (RuntimeError("bug"), KeyboardInterrupt()):
            spy = Spy(db, fail=fail)
            with pytest.raises(type(fail)):
                Panel.from_sql(SELECT, spy, h)
            assert spy.cursors[0].closed

    def test_a_cursor_that_cannot_be_opened(self, h: Hierarchy) -> None:
        class Broken:
            Error = DriverError

            def cursor(self) -> Any:
                msg = "connection refused"
                raise DriverError(msg)

        with pytest.raises(PanelError) as err:
            Panel.from_sql(SELECT, Broken(), h)
        assert problems(err) == [(None, None, "connection_failed")]
        assert err.value.problems[0].message == (
            "cannot open a cursor: DriverError: connection refused"
        )

    def test_other_exceptions_opening_or_closing_a_cursor_go_through(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        """A RuntimeError from cursor() or close() is not the driver's: raised as it is."""

        class NoCursor:
            Error = DriverError

            def cursor(self) -> Any:
                msg = "bug in a wrapper"
                raise RuntimeError(msg)

        with pytest.raises(RuntimeError, match="bug in a wrapper"):
            Panel.from_sql(SELECT, NoCursor(), h)
        spy = Spy(db)
        real = spy.cursor

        def cursor() -> Any:
            c = real()

            def close() -> None:
                msg = "bug on close"
                raise RuntimeError(msg)

            c.close = close
            return c

        spy.cursor = cursor  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="bug on close"):
            Panel.from_sql(SELECT, spy, h)

    def test_a_cursor_that_cannot_be_closed(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        """The driver's error on close is not allowed to hide the panel or the real error."""
        spy = Spy(db)
        real = spy.cursor

        def cursor() -> Any:
            c = real()

            def close() -> None:
                c.closed = True
                msg = "already closed"
                raise sqlite3.ProgrammingError(msg)

            c.close = close
            return c

        spy.cursor = cursor  # type: ignore[method-assign]
        assert len(Panel.from_sql(SELECT, spy, h)) == 6
        with pytest.raises(PanelError, match="no such table"):
            Panel.from_sql("SELECT * FROM nowhere", spy, h)


# ---------------------------------------------------------------- drivers giving Arrow (ADBC)


class ArrowConnection:
    """An ADBC-like connection around SQLite: its cursor gives the result set as Arrow."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.Error = sqlite3.Error
        self.closed: list[bool] = []

    def adbc_get_info(self) -> dict[str, str]:
        return {"vendor_name": "SQLite"}

    def cursor(self) -> Any:
        pa = pytest.importorskip("pyarrow")
        outer = self

        class Cursor:
            def __init__(self) -> None:
                self.inner = outer.conn.cursor()

            def execute(self, query: str, params: Any = ()) -> None:
                self.inner.execute(query, params)

            @property
            def description(self) -> Any:
                return self.inner.description

            def fetchmany(self, size: int) -> Any:  # pragma: no cover - must not be called
                msg = "fetchmany called on an Arrow cursor"
                raise AssertionError(msg)

            def fetch_arrow_table(self) -> Any:
                names = [d[0] for d in self.inner.description]
                rows = self.inner.fetchall()
                columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
                arrays = [  # typed columns, as a driver gives them: codes as text
                    pa.array([None if v is None else str(v) for v in c])
                    if name in ("indicator", "unit", "period")
                    else pa.array(list(c))
                    for name, c in zip(names, columns, strict=True)
                ]
                return pa.Table.from_arrays(arrays, names=names)

            def close(self) -> None:
                outer.closed.append(True)
                self.inner.close()

        return Cursor()


class TestArrowDrivers:
    def test_an_arrow_cursor_gives_the_panel_of_from_records(
        self, db: sqlite3.Connection, h: Hierarchy
    ) -> None:
        pytest.importorskip("pyarrow")
        conn = ArrowConnection(db)
        got = Panel.from_sql(SELECT + " WHERE value IS NULL", conn, h)
        parts = [r for r in ROWS if "value" not in r]
        assert_same(got, Panel.from_records(parts, h))
        assert conn.closed == [True]

    def test_missing_columns(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        pytest.importorskip("pyarrow")
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT unit, period, value FROM obs", ArrowConnection(db), h)
        assert err.value.kinds == ("missing_column",)
        assert "the query gives unit, period, value" in str(err.value)

    def test_a_non_numeric_column(self, h: Hierarchy) -> None:
        pytest.importorskip("pyarrow")
        conn = fill(
            sqlite3.connect(":memory:"),
            [{"indicator": "a", "unit": "26", "period": 2024, "value": "abc"}],
        )
        with pytest.raises(PanelError) as err:
            Panel.from_sql(
                "SELECT indicator, unit, period, value FROM obs", ArrowConnection(conn), h
            )
        assert problems(err) == [(None, "value", "not_a_number")]

    def test_a_sql_error(self, db: sqlite3.Connection, h: Hierarchy) -> None:
        pytest.importorskip("pyarrow")
        conn = ArrowConnection(db)
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT * FROM nowhere", conn, h)
        assert err.value.kinds == ("query_failed",)
        assert conn.closed == [True]


def test_duckdb_through_its_db_api(h: Hierarchy) -> None:
    """DuckDB's DB-API connection: typed columns, NULLs, a catalog error."""
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE obs (indicator VARCHAR, unit VARCHAR, period INTEGER, value DOUBLE, "
        "numerator BIGINT, denominator DECIMAL(10, 2), weight FLOAT)"
    )
    conn.executemany(
        "INSERT INTO obs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [tuple(r.get(c) for c in COLUMNS) for r in ROWS if r["period"] != "2024-Q1"],
    )
    expected = [r for r in ROWS if r["period"] != "2024-Q1"]
    got = Panel.from_sql(SELECT + " ORDER BY unit, period", conn, h, indicators=[PCT])
    assert_same(got, Panel.from_records(expected, h, indicators=[PCT]))
    with pytest.raises(PanelError) as err:
        Panel.from_sql("SELECT * FROM nowhere", conn, h)
    assert err.value.kinds == ("query_failed",)
    assert "CatalogException" in str(err.value)
    conn.close()


@pytest.mark.usefixtures("path")
def test_duckdb_decimal_and_date_codes(h: Hierarchy) -> None:
    """Codes of other SQL types are read as their text: DECIMAL units, DATE periods."""
    duckdb = pytest.importorskip("duckdb")
    conn = duckdb.connect()
    got = Panel.from_sql(
        "SELECT 'a' AS indicator, 243::DECIMAL(5, 0) AS unit, 2024 AS period, 1.5 AS value",
        conn,
        h,
    )
    assert got.to_records() == [{"indicator": "a", "unit": "243", "period": "2024", "value": 1.5}]
    with pytest.raises(PanelError) as err:
        Panel.from_sql(
            "SELECT 'a' AS indicator, '26' AS unit, DATE '2024-06-01' AS period, 1 AS value",
            conn,
            h,
        )
    assert problems(err) == [(0, "period", "bad_period")]
    assert "not a period: '2024-06-01'" in str(err.value)
    conn.close()


# ---------------------------------------------------------------- PostgreSQL (a real server)

POSTGRES = os.environ.get("CCHC_TEST_POSTGRES")
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="set CCHC_TEST_POSTGRES; .ci/run starts a server"
)


@pytest.fixture
def pg() -> Iterator[Any]:
    """A psycopg connection (autocommit) with a temporary table ``obs`` of ROWS, typed."""
    psycopg = pytest.importorskip("psycopg")
    assert POSTGRES is not None
    conn = psycopg.connect(POSTGRES, autocommit=True)
    conn.execute(
        "CREATE TEMP TABLE obs (indicator text, unit text, period text, value double precision, "
        "numerator integer, denominator bigint, weight numeric(6, 2), year integer)"
    )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO obs VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (*(None if r.get(c) is None else r[c] for c in COLUMNS), 2024)
                for r in [{**r, "period": str(r["period"])} for r in ROWS]
            ],
        )
    yield conn
    conn.close()


@needs_postgres
@pytest.mark.usefixtures("path")
class TestPostgres:
    def test_typed_columns_give_the_panel_of_from_records(self, pg: Any, h: Hierarchy) -> None:
        """Text codes, integer parts, float values, numeric weights and NULLs."""
        got = Panel.from_sql(SELECT, pg, h, indicators=[PCT, CNT])
        assert_same(got, Panel.from_records(ROWS, h, indicators=[PCT, CNT]))

    def test_integer_periods_and_params(self, pg: Any, h: Hierarchy) -> None:
        got = Panel.from_sql(
            "SELECT indicator, unit, year AS period, value FROM obs WHERE indicator = %s "
            "AND value IS NOT NULL",
            pg,
            h,
            params=("cnt",),
        )
        assert got.to_records() == [
            {"indicator": "cnt", "unit": "26", "period": "2024", "value": 12.0},
            {"indicator": "cnt", "unit": "243", "period": "2024", "value": 7.0},
        ]

    def test_null_keys(self, pg: Any, h: Hierarchy) -> None:
        """NULL indicator (row 1), unit (row 2) and period (row 3), by row of the result set."""
        pg.execute(
            "CREATE TEMP TABLE bad AS SELECT * FROM (VALUES "
            "(0, 'pct', '26', 2024, 1.0), (1, NULL, '26', 2023, 2.0), "
            "(2, 'pct', NULL, 2024, 3.0), (3, 'pct', '243', NULL, 4.0)"
            ") AS t (k, indicator, unit, period, value)"
        )
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT * FROM bad ORDER BY k", pg, h)
        assert problems(err) == [
            (1, "indicator", "empty_field"),
            (2, "unit", "empty_field"),
            (3, "period", "bad_period"),
        ]

    def test_a_bad_query(self, pg: Any, h: Hierarchy) -> None:
        """PostgreSQL's message, and the connection still usable."""
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT * FROM nowhere", pg, h)
        assert err.value.kinds == ("query_failed",)
        assert 'UndefinedTable: relation "nowhere" does not exist' in str(err.value)
        assert pg.execute("SELECT count(*) FROM obs").fetchone() == (6,)

    def test_the_wrong_columns(self, pg: Any, h: Hierarchy) -> None:
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT indicator AS code, unit, year, value FROM obs", pg, h)
        assert err.value.problems[0].message == (
            "missing column(s) indicator, period; the query gives code, unit, year, value"
        )

    def test_a_text_number_column(self, pg: Any, h: Hierarchy) -> None:
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT indicator, unit, period, unit || 'x' AS value FROM obs", pg, h)
        assert problems(err) == [(None, "value", "not_a_number")]

    def test_a_closed_connection(self, h: Hierarchy) -> None:
        psycopg = pytest.importorskip("psycopg")
        conn = psycopg.connect(POSTGRES)
        conn.close()
        with pytest.raises(PanelError) as err:
            Panel.from_sql("SELECT 1", conn, h)
        assert err.value.kinds == ("connection_failed",)
        assert "closed" in str(err.value)
