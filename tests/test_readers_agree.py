"""Every reader of observations refuses the same bad rows with the same messages (issue 14).

One corpus of bad files, one case per kind of problem the validation knows, is
read by each reader: the CSV file by both engines, and the same rows as
records, a pandas frame, a Parquet file and a SQLite query. Each reader must
report the same problems (field, kind and message) for the same rows; only
the row numbers' origin differs (a CSV file counts the header as row 1, the
others count rows from 0).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cchc_indicators import Hierarchy, Indicator, Panel, measures
from cchc_indicators.core.errors import PanelError

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

UNITS = Hierarchy.from_records(
    [
        {"code": "26", "name": "P", "level": "province"},
        {"code": "243", "name": "D1", "level": "district", "parent": "26"},
        {"code": "244", "name": "D2", "level": "district", "parent": "26"},
    ]
)
DEFS = [
    Indicator("pct", "P", measure=measures.percent()),
    Indicator("cnt", "C", measure=measures.count()),
    Indicator("bin", "B", measure=measures.binary()),
    Indicator("rank", "R", measure=measures.rank()),
]
HEAD = "indicator,unit,period,value,numerator,denominator,weight\n"

#: kind -> the rows of a file with that problem (and sound rows around it)
CASES = {
    "empty_field": "pct,,2024,5,,,\n,243,2024,5,,,\n",
    "unknown_unit": "pct,999,2024,5,,,\npct,243,2024,5,,,\n",
    "unknown_indicator": "zzz,243,2024,5,,,\n",
    "bad_period": "pct,243,2024-13,5,,,\npct,244,x,5,,,\n",
    "mixed_periods": "pct,243,2024,5,,,\npct,243,2024-Q1,5,,,\n",
    "no_value": "pct,243,2024,,,,\n",
    "incomplete_parts": "pct,243,2024,,3,,\npct,244,2024,,,4,\n",
    "negative_parts": "pct,243,2024,,-1,4,\npct,244,2024,,1,-4,\n",
    "positive_over_zero": "pct,243,2024,,3,0,\npct,244,2024,,0,0,\n",
    "negative_weight": "pct,243,2024,5,,,-1\n",
    "duplicate_key": "pct,243,2024,5,,,\npct,244,2024,5,,,\n pct ,243, 2024 ,6,,,\n",
    "parts_for_non_ratio": "cnt,243,2024,,1,2,\n",
    "numerator_exceeds_denominator": "pct,243,2024,,5,4,\n",
    "value_disagrees": "pct,243,2024,50,1,4,\n",
    "negative_count": "cnt,243,2024,-2,,,\n",
    "not_binary": "bin,243,2024,0.5,,,\n",
    "bad_rank": "rank,243,2024,0,,,\nrank,244,2024,1.5,,,\n",
    "out_of_bounds": "pct,243,2024,120,,,\n",
    "not_finite": "pct,243,2024,inf,,,\n",
    "sound": "cnt,243,2024,1,,,\npct,244,2024,,0,0,\npct,243,2024-Q1,,1,2,1.5\n",
    "mixed": "pct,243,2024,,3,,\nzzz,999,20x,-1,,,\npct,244,2024,,2,1,-3\n",
}


ROW = re.compile(r"\brow (\d+)")


def _problems(call: Any) -> Any:
    """(row from 0, field, kind, message) of each problem, or the records when nothing is wrong."""
    try:
        panel = call()
    except PanelError as err:
        return [(p.row, p.field, p.kind, p.message) for p in err.problems]
    return panel.to_records()


def _rows(text: str) -> list[dict[str, Any]]:
    """The rows of a case as records of text (None for an empty cell)."""
    reader = csv.DictReader(io.StringIO(HEAD + text))
    return [{k: (v if v.strip() else None) for k, v in row.items()} for row in reader]


def _numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with numbers as floats (a frame or a table column is numeric)."""
    out = []
    for row in rows:
        new = dict(row)
        for name in ("value", "numerator", "denominator", "weight"):
            new[name] = None if row[name] is None else float(row[name])
        out.append(new)
    return out


def _from_csv(tmp: Path, text: str, engine: str) -> Any:
    path = tmp / f"{engine}.csv"
    path.write_text(HEAD + text, encoding="utf-8")
    found = _problems(lambda: Panel.from_csv(path, UNITS, indicators=DEFS, engine=engine))
    if isinstance(found, list) and found and isinstance(found[0], tuple):
        return [
            (None if r is None else r - 2, f, k, ROW.sub(lambda m: f"row {int(m[1]) - 2}", msg))
            for r, f, k, msg in found
        ]
    return found


def _from_frame(rows: list[dict[str, Any]]) -> Any:
    frame = pd.DataFrame(_numbers(rows), dtype=object).astype(
        dict.fromkeys(("value", "numerator", "denominator", "weight"), "float64")
    )
    return _problems(lambda: Panel.from_frame(frame, UNITS, indicators=DEFS))


def _from_parquet(tmp: Path, rows: list[dict[str, Any]]) -> Any:
    import pyarrow.parquet as pq

    path = tmp / "obs.parquet"
    pq.write_table(pa.Table.from_pylist(_numbers(rows)), str(path))
    return _problems(lambda: Panel.from_parquet(path, UNITS, indicators=DEFS))


def _from_sql(rows: list[dict[str, Any]]) -> Any:
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE TABLE obs (indicator TEXT, unit TEXT, period TEXT, value REAL, "
        "numerator REAL, denominator REAL, weight REAL)"
    )
    con.executemany(
        "INSERT INTO obs VALUES (:indicator, :unit, :period, :value, :numerator, "
        ":denominator, :weight)",
        _numbers(rows),
    )
    try:
        return _problems(lambda: Panel.from_sql("SELECT * FROM obs", con, UNITS, indicators=DEFS))
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_reader_reports_the_same_problems_as_the_csv_reader(
    case: str, tmp_path: Path
) -> None:
    """The CSV reader's problems, row for row, from every engine and every other source."""
    text = CASES[case]
    expected = _from_csv(tmp_path, text, "numpy")
    assert isinstance(expected, list)
    assert expected  # problems, or the records of the sound case
    rows = _rows(text)
    got = {
        "csv (arrow)": _from_csv(tmp_path, text, "arrow"),
        "records": _problems(lambda: Panel.from_records(rows, UNITS, indicators=DEFS)),
        "frame": _from_frame(rows),
        "parquet": _from_parquet(tmp_path, rows),
        "sql": _from_sql(rows),
    }
    for reader, found in got.items():
        assert found == expected, reader
