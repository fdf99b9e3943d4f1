"""Tests of how result CSVs write numbers (core._csv_numbers) and of the CSV the commands write."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import catalog, datasets, evaluate
from cchc_indicators.cli import main
from cchc_indicators.cli._output import write_result
from cchc_indicators.core._csv_numbers import DIGITS, csv_cell, csv_number, csv_row, csv_rows

# ---------------------------------------------------------------------- hand examples


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (57.138000000000005, "57.138"),  # 17 digits -> 57.1380000000|00005 rounds to 57.138
        (0.1 + 0.2, "0.3"),  # 0.30000000000000004 -> 0.300000000000 -> 0.3
        (91.2 - 90.0, "1.2"),  # 1.2000000000000028 -> 1.20000000000 -> 1.2
        (2 / 3, "0.666666666667"),  # 0.6666666666666666: 12th digit 6 followed by 6 -> up to 7
        (-0.07462686567163956, "-0.0746268656716"),  # 12 digits: 746268656716|3956 -> ...716
        (1e-20, "1e-20"),  # short: kept as repr writes it
        (1e20, "1e+20"),
        (1.5e-7, "1.5e-07"),
        (1.2345678901234567e-7, "1.23456789012e-07"),  # rounded, in repr's scientific style
        (123456789012345.67, "123456789012346.0"),  # >= 1e12: whole units, 345.67 -> 346
        (123456789012345.0, "123456789012345.0"),  # a whole number is never rounded
        (1234567890123.4567, "1234567890123.0"),  # 13 integer digits: .4567 -> 0
        (999999999999.99995, "1000000000000.0"),  # 12 nines then 9995 rounds up a digit
        (123456789012.0, "123456789012.0"),  # 12 digits: short, exact
        (0.123456789012, "0.123456789012"),  # exactly 12 digits: kept
        (0.1234567890123, "0.123456789012"),  # 13 digits: the 3 is dropped
        (15.0, "15.0"),
        (2.0000000000000004, "2.0"),  # rounds to a whole number: written with its point
        (-99.99999999999999, "-100.0"),  # 12 nines round up a digit, to a whole number
        (0.0, "0.0"),
        (-0.0, "0.0"),  # no negative zero in a table
        (float("nan"), ""),  # a missing value is an empty cell
        (float("inf"), "inf"),  # infinities as Python writes them (float() reads them back)
        (float("-inf"), "-inf"),
        (np.float64(57.138000000000005), "57.138"),
        (np.float32(0.1), "0.10000000149"),  # the float32 nearest 0.1, exactly 0.100000001490116...
    ],
)
def test_csv_number_by_hand(x: float, text: str) -> None:
    assert csv_number(x) == text


def test_csv_cell_kinds() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(7) == 7  # a Python int as the csv module writes it
    assert csv_cell(np.int64(-3)) == "-3"
    assert csv_cell(True) is True
    assert csv_cell(np.bool_(False)) == np.bool_(False)
    assert csv_cell("0.30000000000000004") == "0.30000000000000004"  # text is never touched
    assert csv_cell(np.float64(0.1) + np.float64(0.2)) == "0.3"


def test_csv_row_keeps_the_columns_only() -> None:
    record = {"unit": "26", "value": 0.1 + 0.2, "extra": 1.0}
    assert csv_row(record, ["unit", "value", "gap"]) == {"unit": "26", "value": "0.3", "gap": ""}
    assert list(csv_rows([record, {}], ["value"])) == [{"value": "0.3"}, {"value": ""}]


# ---------------------------------------------------------------------- laws


def _significant(text: str) -> int:
    mantissa = text.partition("e")[0].replace("-", "").replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0")) if "." in text.partition("e")[0] else len(mantissa)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_csv_number_reads_back_within_twelve_digits(x: float) -> None:
    """float(text) is x to 12 significant digits (whole units from 1e12), and x itself when repr is short."""
    text = csv_number(x)
    back = float(text)
    if _significant(repr(x)) <= DIGITS:
        assert back == x
        assert text == repr(abs(x) if x == 0 else x)
        return
    if abs(x) >= 1e12:
        assert back == float(round(x))
        return
    exponent = math.floor(math.log10(abs(x)))
    half_unit = 0.5 * 10.0 ** (exponent - DIGITS + 1)  # half a unit in the 12th digit
    assert abs(back - x) <= half_unit * (1 + 1e-9)
    assert _significant(text) <= DIGITS
    assert back == float(f"{x:.{DIGITS - 1}e}")  # the correctly rounded 12-digit decimal
    assert text == repr(back)  # written as Python writes that float


@given(st.floats(allow_nan=False))
def test_csv_number_is_csv_number_of_its_reading(x: float) -> None:
    """Writing what was read back gives the same text: the CSV text is a fixed point."""
    text = csv_number(x)
    assert csv_number(float(text)) == text


# ---------------------------------------------------------------------- the writers


class _Result:
    def __init__(self, records: list[dict[str, object]]) -> None:
        self.records = records

    def table(self, level: str | None = None) -> str:
        return "table"

    def to_records(self, level: str | None = None) -> list[dict[str, object]]:
        return self.records


def test_write_result_csv_rounds_and_json_keeps_every_digit() -> None:
    rows: list[dict[str, object]] = [
        {"unit": "26", "value": 57.138000000000005, "n": 3, "ci": None},
        {"unit": "27", "value": float("nan"), "n": 0, "ci": -0.0},
    ]
    out = io.StringIO()
    write_result(_Result(rows), "csv", None, out)
    assert out.getvalue() == "unit,value,n,ci\n26,57.138,3,\n27,,0,0.0\n"
    out = io.StringIO()
    write_result(_Result(rows[:1]), "json", None, out)
    assert json.loads(out.getvalue())[0]["value"] == 57.138000000000005


def test_evaluation_csv_rounds_its_gaps() -> None:
    ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
    rows = list(csv.DictReader(io.StringIO(ev.to_csv("en"))))
    record = next(r for r in ev.to_records("en") if r["value"] == 91.2)
    assert record["gap"] == 90.0 - 91.2 == -1.2000000000000028
    row = next(r for r in rows if r["value"] == "91.2")
    assert row["gap"] == "-1.2"  # 90 - 91.2, to 12 significant digits
    every = [c for r in rows for c in r.values()]
    assert not [c for c in every if _looks_long(c)]


def _looks_long(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return _significant(cell) > DIGITS


def test_cli_csv_output_has_no_long_floats(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["demo", "--format", "csv"], out=out) == 0
    text = out.getvalue()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["gap"] == "-1.2" for r in rows)
    assert "1.2000000000000028" not in text
    assert not [c for r in rows for c in r.values() if _looks_long(c)]
    # --format json keeps the full float
    out = io.StringIO()
    assert main(["demo", "--format", "json"], out=out) == 0
    assert -1.2000000000000028 in [r["gap"] for r in json.loads(out.getvalue())]
    # the same rule in a file written with --output
    path = tmp_path / "out.csv"
    assert main(["demo", "--format", "csv", "--output", str(path)], out=io.StringIO()) == 0
    assert path.read_text(encoding="utf-8") == text


def test_files_read_back_as_input_keep_every_digit(tmp_path: Path) -> None:
    from cchc_indicators import Hierarchy, Panel
    from cchc_indicators.composite import Observations

    x = 57.138000000000005
    h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
    panel = Panel.from_records([{"indicator": "a", "unit": "26", "period": "2024", "value": x}], h)
    assert f",{x!r}," in (panel.to_csv() or "")
    path = tmp_path / "obs.csv"
    Observations.from_values({"a": [x]}, ["u1"], period="2024").to_csv(path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == f"a,u1,2024,{x!r}"
    assert Observations.from_csv(path).values.tolist() == [[[x]]]
