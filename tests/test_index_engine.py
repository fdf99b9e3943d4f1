"""Tests of the composite-index engine: Observations, compute_index and IndexResult.

Expected values are computed by hand on small trees of three or four units;
the arithmetic is written out beside each. Properties are named after the law
they check. The end-to-end tests run the illustrative ``par-style-demo`` index
on the synthetic observations of :mod:`cchc_indicators.datasets`.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cchc_indicators import DefinitionError, InvalidDataError, UnknownIndicatorError, datasets
from cchc_indicators import aggregate as ag
from cchc_indicators.composite import (
    RECORD_KEYS,
    CompositeIndex,
    IndexResult,
    Method,
    Node,
    Observations,
    compute_index,
    load_index,
)

NAN = math.nan
UNITS = ["A", "B", "C", "D"]

# --- shared small fixtures -----------------------------------------------------------------


def same(got: object, expected: object) -> None:
    """Arrays equal to 1e-12 (relative), NaN matching NaN."""
    np.testing.assert_allclose(
        np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=1e-12, atol=1e-12
    )


def one_leaf(**leaf: Any) -> CompositeIndex:
    """An index over a single indicator 'x', so its score is x's normalised value."""
    return CompositeIndex("i", children=[Node("x", **leaf)])


def flat(
    codes: str = "ab", weights: tuple[float, ...] | None = None, **settings: Any
) -> CompositeIndex:
    """A one-level index over the indicators named by the letters of ``codes``."""
    ws = weights or (1.0,) * len(codes)
    return CompositeIndex(
        "i", children=[Node(c, weight=w) for c, w in zip(codes, ws, strict=True)], **settings
    )


def two_level(**settings: Any) -> CompositeIndex:
    """i = (d1 = (a, b weight 2), d2 = (c lower-is-better) weight 3)."""
    return CompositeIndex(
        "i",
        children=[
            Node("d1", children=[Node("a"), Node("b", weight=2)]),
            Node("d2", children=[Node("c", direction=-1)], weight=3),
        ],
        **settings,
    )


def values(data: dict[str, list[float]], units: list[str] | None = None, **kw: Any) -> Observations:
    return Observations.from_values(data, units or UNITS[: len(next(iter(data.values())))], **kw)


def long_records(
    panel: dict[str, dict[str, list[float]]], units: list[str]
) -> list[dict[str, Any]]:
    """Long records from {period: {indicator: one value per unit}}; NaN becomes an empty value."""
    return [
        {"indicator": ind, "unit": u, "period": period, "value": None if math.isnan(v) else v}
        for period, table in panel.items()
        for ind, row in table.items()
        for u, v in zip(units, row, strict=True)
    ]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


#: x = 2, 4, 6, 10 for units A-D: min 2, max 10, range 8.
X = {"x": [2.0, 4.0, 6.0, 10.0]}


# --- Observations ------------------------------------------------------------------------------


class TestObservationsBuild:
    def test_from_records(self) -> None:
        """Records give indicators and units in order of appearance and sorted periods."""
        obs = Observations.from_records(
            [
                {"indicator": "b", "unit": "U2", "period": 2024, "value": 1},
                {"indicator": "a", "unit": "U1", "period": "2023", "value": "2.5"},
                {"indicator": "b", "unit": "U1", "period": 2023, "value": 3},
            ],
            note="n",
        )
        assert obs.indicators == ("b", "a")
        assert obs.units == ("U2", "U1")
        assert obs.periods == ("2023", "2024")
        # (period, indicator, unit): 2023 b U1 = 3; 2023 a U1 = 2.5; 2024 b U2 = 1
        same(obs.values, [[[NAN, 3.0], [NAN, 2.5]], [[1.0, NAN], [NAN, NAN]]])
        assert obs.note == "n"
        assert obs.source == "<records>"

    def test_values_are_read_only(self) -> None:
        """The values array cannot be written to."""
        obs = values(X)
        with pytest.raises(ValueError, match="read-only"):
            obs.values[0, 0, 0] = 1.0

    def test_codes_are_stripped(self) -> None:
        """Surrounding spaces of codes are dropped."""
        obs = Observations.from_records([{"indicator": " a ", "unit": " u", "value": 1}])
        assert (obs.indicators, obs.units) == (("a",), ("u",))

    @pytest.mark.parametrize("empty", ["", "  ", None, float("nan"), np.float64("nan")])
    def test_empty_value_is_missing_not_zero(self, empty: object) -> None:
        """An empty value is NaN, not 0."""
        obs = Observations.from_records(
            [
                {"indicator": "a", "unit": "u", "value": empty},
                {"indicator": "a", "unit": "v", "value": 0},
            ]
        )
        same(obs.values, [[[NAN, 0.0]]])

    def test_bad_period_is_not_also_a_duplicate(self) -> None:
        """Two rows with the same bad period are reported once each, as bad periods only."""
        rows = [{"indicator": "a", "unit": "u", "period": "2024-13", "value": 1}] * 2
        with pytest.raises(InvalidDataError) as info:
            Observations.from_records(rows)
        assert [p.kind for p in info.value.problems] == ["bad_period", "bad_period"]

    def test_without_period(self) -> None:
        """Records without a period make one period ''."""
        obs = Observations.from_records([{"indicator": "a", "unit": "u", "value": 1}])
        assert obs.periods == ("",)
        assert obs.period() == ""

    def test_from_values(self) -> None:
        """from_values makes one period from {indicator: one value per unit}."""
        obs = Observations.from_values(
            {"a": [1, 2], "b": np.array([3.0, NAN])}, ["u", "v"], period="2024", note="n"
        )
        assert obs.periods == ("2024",)
        assert obs.indicators == ("a", "b")
        same(obs.values, [[[1, 2], [3, NAN]]])
        assert obs.source == "<values>"
        assert obs.note == "n"

    def test_from_values_wrong_length(self) -> None:
        """A row of the wrong length is refused, naming the indicator."""
        with pytest.raises(
            InvalidDataError, match="indicator 'b' has 3 value\\(s\\) for 2 unit\\(s\\)"
        ) as info:
            Observations.from_values({"a": [1, 2], "b": [1, 2, 3]}, ["u", "v"])
        assert info.value.problems[0].field == "b"
        assert info.value.kinds == ("bad_shape",)

    def test_from_values_infinite(self) -> None:
        """Infinite values are refused; NaN marks a missing one."""
        with pytest.raises(InvalidDataError, match="values hold infinite numbers; use NaN"):
            Observations.from_values({"a": [1, math.inf]}, ["u", "v"])

    def test_from_values_duplicate_unit(self) -> None:
        """A unit listed twice is refused."""
        with pytest.raises(InvalidDataError, match="unit 'u' is listed twice"):
            Observations.from_values({"a": [1, 2]}, ["u", "u"])

    def test_duplicate_indicator_in_constructor(self) -> None:
        """The constructor refuses an indicator listed twice."""
        with pytest.raises(InvalidDataError, match="indicator 'a' is listed twice"):
            Observations(("a", "a"), ("u",), ("",), np.zeros((1, 2, 1)))

    def test_bad_shape_in_constructor(self) -> None:
        """The constructor checks the shape (periods, indicators, units)."""
        with pytest.raises(
            InvalidDataError, match=r"expected \(periods, indicators, units\) = \(1, 1, 2\)"
        ):
            Observations(("a",), ("u", "v"), ("",), np.zeros((1, 2, 1)))

    def test_equality_treats_nan_alike(self) -> None:
        """Two observations with NaN in the same places are equal."""
        assert values({"a": [1, NAN]}) == values({"a": [1, NAN]})
        assert values({"a": [1, NAN]}) != values({"a": [1, 2]})


class TestObservationsErrors:
    def test_missing_column(self) -> None:
        """A missing column is named."""
        with pytest.raises(InvalidDataError, match="missing column\\(s\\) 'unit', 'value'") as info:
            Observations.from_records([{"indicator": "a"}])
        assert info.value.problems[0].row is None
        assert info.value.kinds == ("missing_column",)

    def test_not_a_mapping(self) -> None:
        """A record that is not a mapping is named by its row."""
        with pytest.raises(
            InvalidDataError, match="row 1: a record is a mapping, got list"
        ) as info:
            Observations.from_records([{"indicator": "a", "unit": "u", "value": 1}, ["a", "u", 1]])
        assert info.value.problems[0].row == 1
        assert info.value.kinds == ("not_a_mapping",)

    def test_no_records(self) -> None:
        """No records are no observations."""
        with pytest.raises(InvalidDataError, match="no observations") as info:
            Observations.from_records([])
        assert info.value.kinds == ("empty",)

    def test_every_row_problem_listed(self) -> None:
        """Empty codes, non-numbers and infinite values are listed with row and field."""
        with pytest.raises(InvalidDataError) as info:
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "u", "value": "abc"},
                    {"indicator": "a", "unit": "v", "value": math.inf},
                    {"indicator": "", "unit": "w", "value": 1},
                    {"indicator": "a", "unit": " ", "value": 1},
                    {"indicator": "a", "unit": "x", "value": "-inf"},
                    {"indicator": "a", "unit": "y", "value": [1]},
                ]
            )
        found = [(p.row, p.field, p.kind) for p in info.value.problems]
        assert found == [
            (0, "value", "not_numeric"),
            (1, "value", "not_numeric"),
            (2, "indicator", "empty"),
            (3, "unit", "empty"),
            (4, "value", "not_numeric"),
            (5, "value", "not_numeric"),
        ]
        text = str(info.value)
        assert "row 0, field 'value': must be a finite number, got 'abc'" in text
        assert "row 1, field 'value': must be a finite number, got 'inf'" in text
        assert "row 2, field 'indicator': 'indicator' is empty" in text
        assert "row 3, field 'unit': 'unit' is empty" in text
        assert "got '[1]'" in text

    def test_bad_period(self) -> None:
        """A period that is not one is named with its row."""
        with pytest.raises(InvalidDataError, match="2024-13") as info:
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "u", "period": "2024", "value": 1},
                    {"indicator": "a", "unit": "u", "period": "2024-13", "value": 1},
                ]
            )
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [
            (1, "period", "bad_period")
        ]
        assert "is not a period (2024, 2024-Q1, 2024-03)" in str(info.value)

    def test_bad_period_message_quotes_plain_text(self) -> None:
        """The bad period is quoted as plain text."""
        with pytest.raises(
            InvalidDataError, match="row 0, field 'period': '2024-13' is not a period"
        ):
            Observations.from_records(
                [{"indicator": "a", "unit": "u", "period": "2024-13", "value": 1}]
            )

    def test_mixed_granularity(self) -> None:
        """Periods of two granularities are refused at the first row of the later kind."""
        with pytest.raises(
            InvalidDataError, match="periods mix granularities \\(quarter, year\\); use one"
        ) as info:
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "u", "period": "2024", "value": 1},
                    {"indicator": "a", "unit": "v", "period": "2023", "value": 1},
                    {"indicator": "a", "unit": "u", "period": "2024-Q1", "value": 1},
                    {"indicator": "a", "unit": "v", "period": "2024-Q2", "value": 1},
                ]
            )
        assert [(p.row, p.kind) for p in info.value.problems] == [(2, "mixed_granularity")]

    def test_duplicate_names_the_first_row(self) -> None:
        """A repeated indicator-unit-period names the row it repeats."""
        with pytest.raises(InvalidDataError, match="repeats row 1") as info:
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "v", "period": 2024, "value": 1},
                    {"indicator": "a", "unit": "u", "period": 2024, "value": 1},
                    {"indicator": "a", "unit": "u", "period": 2023, "value": 1},
                    {"indicator": "a", "unit": "u", "period": "2024", "value": 2},
                ]
            )
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [
            (3, "indicator", "duplicate")
        ]

    def test_duplicate_message_quotes_plain_text(self) -> None:
        """The repeated key is quoted as plain text."""
        with pytest.raises(
            InvalidDataError, match="indicator 'a', unit 'u', period '' repeats row 0"
        ):
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "u", "value": 1},
                    {"indicator": "a", "unit": "u", "value": 2},
                ]
            )

    def test_period_only_in_some_records(self) -> None:
        """When some records carry a period, a record without one has a bad period."""
        with pytest.raises(InvalidDataError) as info:
            Observations.from_records(
                [
                    {"indicator": "a", "unit": "u", "period": 2024, "value": 1},
                    {"indicator": "a", "unit": "v", "value": 1},
                ]
            )
        assert [(p.row, p.kind) for p in info.value.problems] == [(1, "bad_period")]

    def test_errors_are_value_errors(self) -> None:
        """InvalidDataError is a ValueError for callers that know no better."""
        with pytest.raises(ValueError, match="no observations"):
            Observations.from_records([])


class TestObservationsCsv:
    def test_read(self, tmp_path: Path) -> None:
        """A long CSV is read; other columns are ignored; an empty value is missing."""
        path = write(
            tmp_path / "obs.csv",
            "indicator,unit,period,value,comment\n"
            "a,U1,2024,1.5,x\n"
            "a,U2,2024,,missing\n"
            "\n"
            "b,U1,2023,3,\n",
        )
        obs = Observations.from_csv(path, note="synthetic")
        assert obs.indicators == ("a", "b")
        assert obs.units == ("U1", "U2")
        assert obs.periods == ("2023", "2024")
        same(obs.values, [[[NAN, NAN], [3, NAN]], [[1.5, NAN], [NAN, NAN]]])
        assert obs.note == "synthetic"
        assert obs.source == str(path)

    def test_without_period_column(self, tmp_path: Path) -> None:
        """A file without a period column has one period ''."""
        path = write(tmp_path / "p.csv", "unit,indicator,value\nu,a,1\nv,a,2\n")
        obs = Observations.from_csv(str(path))
        assert obs.periods == ("",)
        same(obs.matrix(None, ["a"]), [[1, 2]])

    def test_short_row_is_missing(self, tmp_path: Path) -> None:
        """A row with fewer cells than the header has an empty value."""
        path = write(tmp_path / "short.csv", "indicator,unit,value\na,u,3\na,v\n")
        same(Observations.from_csv(path).values, [[[3, NAN]]])

    def test_row_numbers_as_a_spreadsheet_shows_them(self, tmp_path: Path) -> None:
        """The header is row 1, so the first record is row 2; blank lines still count."""
        path = write(
            tmp_path / "bad.csv",
            "indicator,unit,period,value\n"  # row 1
            "a,u,2024,1\n"  # row 2
            "\n"  # row 3 (blank)
            "a,v,2024,abc\n"  # row 4
            "a,u,2024,5\n"  # row 5: repeats row 2
            ",w,2024,1\n",  # row 6
        )
        with pytest.raises(InvalidDataError) as info:
            Observations.from_csv(path)
        err = info.value
        assert err.source == str(path)
        assert [(p.row, p.field, p.kind) for p in err.problems] == [
            (4, "value", "not_numeric"),
            (5, "indicator", "duplicate"),
            (6, "indicator", "empty"),
        ]
        assert "repeats row 2" in str(err)
        assert str(err).startswith(f"{path}: 3 problems")

    def test_missing_column(self, tmp_path: Path) -> None:
        """A missing column is reported at row 1, the header."""
        path = write(tmp_path / "cols.csv", "indicator,period,value\na,2024,1\n")
        with pytest.raises(InvalidDataError, match="row 1: missing column\\(s\\) 'unit'") as info:
            Observations.from_csv(path)
        assert info.value.problems[0].row == 1
        assert info.value.source == str(path)

    def test_no_file(self, tmp_path: Path) -> None:
        """A file that does not exist is named."""
        path = tmp_path / "absent.csv"
        with pytest.raises(
            InvalidDataError, match=r"absent\.csv: 1 problem\n  no such file"
        ) as info:
            Observations.from_csv(path)
        assert info.value.kinds == ("no_file",)

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty file lacks every column."""
        path = write(tmp_path / "empty.csv", "")
        with pytest.raises(
            InvalidDataError, match="missing column\\(s\\) 'indicator', 'unit', 'value'"
        ):
            Observations.from_csv(path)

    def test_header_only(self, tmp_path: Path) -> None:
        """A file with a header and no rows has no observations."""
        path = write(tmp_path / "head.csv", "indicator,unit,period,value\n")
        with pytest.raises(InvalidDataError, match="no observations"):
            Observations.from_csv(path)

    def test_infinite_value_in_csv(self, tmp_path: Path) -> None:
        """'inf' in a file is not a finite number."""
        path = write(tmp_path / "inf.csv", "indicator,unit,value\na,u,inf\n")
        with pytest.raises(
            InvalidDataError, match="row 2, field 'value': must be a finite number, got 'inf'"
        ):
            Observations.from_csv(path)


class TestObservationsAccess:
    def panel(self) -> Observations:
        return Observations.from_records(
            long_records(
                {"2023": {"a": [1, 2], "b": [3, 4]}, "2024": {"a": [5, 6], "b": [7, NAN]}},
                ["u", "v"],
            )
        )

    def test_period_default_latest(self) -> None:
        """period() defaults to the latest and takes numbers."""
        obs = self.panel()
        assert obs.period() == "2024"
        assert obs.period(2023) == "2023"

    def test_unknown_period(self) -> None:
        """An unknown period is refused, listing the periods."""
        with pytest.raises(
            InvalidDataError, match="no data for period '2022'; the periods are '2023', '2024'"
        ) as info:
            self.panel().period(2022)
        assert info.value.kinds == ("unknown_period",)

    def test_matrix(self) -> None:
        """matrix gives (indicators, units) of a period, in the order asked."""
        same(self.panel().matrix(2023, ["b", "a"]), [[3, 4], [1, 2]])
        same(self.panel().matrix(None, ["b"]), [[7, NAN]])

    def test_panel(self) -> None:
        """panel gives (periods, indicators, units)."""
        same(self.panel().panel(["a"]), [[[1, 2]], [[5, 6]]])

    def test_missing_indicators_all_listed(self) -> None:
        """Every indicator the data lack is named."""
        with pytest.raises(
            InvalidDataError,
            match="no observations of indicator\\(s\\) 'c', 'd', which the index needs",
        ):
            self.panel().panel(["a", "c", "b", "d"])

    def test_matrix_unknown_period(self) -> None:
        """matrix refuses an unknown period."""
        with pytest.raises(InvalidDataError, match="no data for period '1999'"):
            self.panel().matrix("1999", ["a"])


class TestUnknownIndicators:
    """Observations of a code the index does not have (issue 11: a typo was silently dropped)."""

    def typo(self) -> Observations:
        return Observations.from_records(
            [
                {"indicator": "a", "unit": "A", "value": 10},
                {"indicator": "b", "unit": "A", "value": 40},
                {"indicator": "a", "unit": "B", "value": 30},
                {"indicator": "bb", "unit": "B", "value": 20},
                {"indicator": "zz", "unit": "B", "value": 5},
            ]
        )

    def test_refused_by_default_naming_code_row_and_closest_indicator(self) -> None:
        """Every unknown code is named with its first row; a near miss gets a suggestion."""
        with pytest.raises(InvalidDataError) as info:
            compute_index(flat("ab"), self.typo())
        err = info.value
        assert err.source == "<records>"
        assert err.kinds == ("not_in_index",)
        assert [(p.row, p.field) for p in err.problems] == [(3, "indicator"), (4, "indicator")]
        assert err.problems[0].message == (
            "indicator 'bb' is not in index 'i' (did you mean 'b'?); correct the code, "
            "or pass on_unknown='ignore' to leave it out"
        )
        assert err.problems[1].message.startswith("indicator 'zz' is not in index 'i';")

    def test_csv_names_the_file_and_the_spreadsheet_row(self, tmp_path: Path) -> None:
        """Read from a file, the error names it and the row a spreadsheet shows (header = 1)."""
        path = write(tmp_path / "obs.csv", "indicator,unit,value\na,A,1\na,B,2\nonline,A,3\n")
        data = Observations.from_csv(path)
        assert data.first_rows == (2, 4)
        with pytest.raises(InvalidDataError, match="row 4, field 'indicator': indicator 'online'"):
            compute_index(one_leaf(), data, normalisation="none")
        with pytest.raises(InvalidDataError, match=re.escape(str(path))):
            compute_index(one_leaf(), data, normalisation="none")

    def test_an_aggregate_code_is_not_read(self) -> None:
        """Values given for an aggregate are refused: its score is computed from its indicators."""
        data = values({"a": [1.0, 2.0], "b": [3.0, 4.0], "c": [5.0, 6.0], "d1": [9.0, 9.0]})
        with pytest.raises(InvalidDataError) as info:
            compute_index(two_level(), data)
        (problem,) = info.value.problems
        assert problem.row is None
        assert problem.message.startswith(
            "'d1' is an aggregate of index 'i', computed from its indicators, not read from the data"
        )

    def test_ignore_leaves_them_out_and_says_how_many(self) -> None:
        """on_unknown='ignore' scores as without those rows; the note counts codes and values."""
        r = compute_index(flat("ab"), self.typo(), on_unknown="ignore", normalisation="none")
        # A: (10 + 40) / 2 = 25; B: a = 30 only (b missing) = 30.
        same(r.score(), [25.0, 30.0])
        assert (
            r.note
            == "2 indicator(s) of the data not in index 'i' ignored (2 value(s)): 'bb', 'zz'."
        )

    def test_ignore_keeps_the_data_note_first(self) -> None:
        """The data's own note comes first, a full stop after it, then the ignored codes."""
        said = "1 indicator(s) of the data not in index 'i' ignored (1 value(s)): 'x'."
        for note in ("Synthetic.", "Synthetic"):
            data = Observations.from_values({"a": [1.0], "b": [2.0], "x": [3.0]}, ["A"], note=note)
            r = compute_index(flat("ab"), data, on_unknown="ignore")
            assert r.note == f"Synthetic. {said}"

    def test_no_unknown_code_no_note(self) -> None:
        """Nothing ignored, nothing said."""
        assert (
            compute_index(flat("ab"), values({"a": [1.0], "b": [2.0]}), on_unknown="ignore").note
            == ""
        )

    def test_bad_on_unknown(self) -> None:
        """on_unknown is 'raise' or 'ignore'."""
        with pytest.raises(
            DefinitionError, match="on_unknown is 'raise' or 'ignore', not 'drop'"
        ) as info:
            compute_index(flat("ab"), self.typo(), on_unknown="drop")  # type: ignore[arg-type]
        assert info.value.parameter == "on_unknown"


# --- compute_index: normalisation ------------------------------------------------------------


class TestNormalisation:
    @pytest.mark.parametrize(
        ("method", "leaf", "expected"),
        [
            # (x - 2) / 8 * 100
            ("minmax", {}, [0, 25, 50, 100]),
            # 1 + (x - 2) / 8 * 4
            (Method("minmax", low=1, high=5), {}, [1, 2, 3, 5]),
            # (10 - x) / 8 * 100: the direction reverses once
            ("minmax", {"direction": -1}, [100, 75, 50, 0]),
            # (x - 3) / (8 - 3) * 100 = -20, 20, 60, 140, truncated to [0, 100]
            ("goalposts", {"lower": 3, "upper": 8}, [0, 20, 60, 100]),
            (Method("goalposts", truncate=False), {"lower": 3, "upper": 8}, [-20, 20, 60, 140]),
            (Method("goalposts", scale=1), {"lower": 3, "upper": 8}, [0, 0.2, 0.6, 1]),
            # (8 - x) / 5 * 100 = 120, 80, 40, -80, truncated
            ("goalposts", {"lower": 3, "upper": 8, "direction": -1}, [100, 80, 40, 0]),
            # (x - min) / (target - min) = (x - 2) / 4 = 0, .5, 1, 2, capped at 1
            ("distance_to_target", {"target": 6}, [0, 0.5, 1, 1]),
            (Method("distance_to_target", cap=False), {"target": 6}, [0, 0.5, 1, 2]),
            # lower is better: worst = 10, target 4: (10 - x) / (10 - 4) = 8/6, 1, 4/6, 0 -> capped
            ("distance_to_target", {"target": 4, "direction": -1}, [1, 1, 4 / 6, 0]),
            # 1 - (10 - x) / 8
            ("distance_to_best", {}, [0, 0.25, 0.5, 1]),
            ("distance_to_best", {"direction": -1}, [1, 0.75, 0.5, 0]),
            # below + 1 = 1, 2, 3, 4 -> (r - 1) / 3 * 100
            ("percentile_rank", {}, [0, 100 / 3, 200 / 3, 100]),
            ("none", {}, [2, 4, 6, 10]),
            ("none", {"direction": -1}, [-2, -4, -6, -10]),
        ],
    )
    def test_hand_computed(
        self, method: object, leaf: dict[str, Any], expected: list[float]
    ) -> None:
        """Each normalisation of x = 2, 4, 6, 10 gives the hand-computed scores."""
        r = compute_index(one_leaf(**leaf), values(X), normalisation=method)  # type: ignore[arg-type]
        same(r.normalised, [expected])
        same(r.score("x"), expected)
        same(r.score(), expected)  # a single child: the index is its score
        same(r.raw, [X["x"]])
        if isinstance(method, str):  # the name as read from a file: equal, another object
            named = "".join(list(method))
            assert named == method
            r = compute_index(one_leaf(**leaf), values(X), normalisation=named)
            same(r.score(), expected)

    def test_zscore(self) -> None:
        """zscore with mean 100, sd 10: mean of 2, 4, 6 is 4, sample sd is 2."""
        data = values({"x": [2.0, 4.0, 6.0]})
        # (x - 4) / 2 * 10 + 100
        same(
            compute_index(
                one_leaf(), data, normalisation=Method("zscore", mean=100, sd=10)
            ).score(),
            [90, 100, 110],
        )
        # direction -1: (4 - x) / 2 * 10 + 100
        same(
            compute_index(
                one_leaf(direction=-1),
                data,
                normalisation={"name": "zscore", "mean": 100, "sd": 10},
            ).score(),
            [110, 100, 90],
        )
        # defaults mean 0, sd 1
        same(compute_index(one_leaf(), data, normalisation="zscore").score(), [-1, 0, 1])

    @pytest.mark.parametrize(
        ("ties", "expected"),
        [
            # y = 10, 20, 20, 40: ranks from the worst 1, 2|3, 2|3, 4 over n = 4
            ("min", [0, 100 / 3, 100 / 3, 100]),  # r = 1, 2, 2, 4
            ("max", [0, 200 / 3, 200 / 3, 100]),  # r = 1, 3, 3, 4
            ("average", [0, 50, 50, 100]),  # r = 1, 2.5, 2.5, 4
        ],
    )
    def test_percentile_rank_ties(self, ties: str, expected: list[float]) -> None:
        """Tied units share a percentile rank by the tie rule."""
        data = values({"x": [10.0, 20.0, 20.0, 40.0]})
        r = compute_index(one_leaf(), data, normalisation=Method("percentile_rank", ties=ties))
        same(r.score(), expected)

    def test_percentile_rank_scale(self) -> None:
        """scale sets the best score."""
        r = compute_index(one_leaf(), values(X), normalisation=Method("percentile_rank", scale=1))
        same(r.score(), [0, 1 / 3, 2 / 3, 1])

    def panel(self) -> Observations:
        # 2023: x = 0, 5, 10, 20; 2024: x = 2, 4, 6, 10. Panel min 0, max 20.
        return Observations.from_records(
            long_records({"2023": {"x": [0.0, 5.0, 10.0, 20.0]}, "2024": X}, UNITS)
        )

    @pytest.mark.parametrize(
        ("method", "leaf", "expected"),
        [
            # (x - 0) / 20 * 100
            (Method("minmax", over="panel"), {}, [10, 20, 30, 50]),
            # (20 - x) / 20 * 100: direction once, on the panel range
            (Method("minmax", over="panel"), {"direction": -1}, [90, 80, 70, 50]),
            # over the period: (x - 2) / 8 * 100
            (Method("minmax", over="period"), {}, [0, 25, 50, 100]),
            # (x - 0) / (10 - 0), capped
            (Method("distance_to_target", over="panel"), {"target": 10}, [0.2, 0.4, 0.6, 1]),
            # 1 - (20 - x) / 20
            (Method("distance_to_best", over="panel"), {}, [0.1, 0.2, 0.3, 0.5]),
        ],
    )
    def test_over_panel(self, method: Method, leaf: dict[str, Any], expected: list[float]) -> None:
        """over='panel' takes the minimum and maximum from every period of the data."""
        r = compute_index(one_leaf(**leaf), self.panel(), normalisation=method)
        assert r.period == "2024"
        same(r.score(), expected)
        # the same method as read from a plan file: its strings are equal, other objects
        read = Method.parse(json.loads(json.dumps(method.to_dict())))
        same(compute_index(one_leaf(**leaf), self.panel(), normalisation=read).score(), expected)

    def test_zscore_over_panel(self) -> None:
        """zscore over the panel uses the mean and sd of both periods."""
        data = Observations.from_records(
            long_records({"2023": {"x": [1.0, 3.0]}, "2024": {"x": [5.0, 7.0]}}, ["A", "B"])
        )
        # all four: mean 4, deviations -3, -1, 1, 3: sd = sqrt(20 / 3)
        sd = math.sqrt(20 / 3)
        r = compute_index(one_leaf(), data, normalisation=Method("zscore", over="panel"))
        same(r.score(), [1 / sd, 3 / sd])

    def test_constant_indicator_gets_the_midpoint(self) -> None:
        """A constant indicator scores the midpoint under minmax."""
        same(compute_index(one_leaf(), values({"x": [3.0, 3.0, 3.0]})).score(), [50, 50, 50])

    def test_index_normalisation_used_by_default(self) -> None:
        """Without normalisation= the index's own method applies."""
        idx = one_leaf()
        idx = CompositeIndex(
            "i", children=idx.children, normalisation=Method("minmax", low=1, high=5)
        )
        r = compute_index(idx, values(X))
        assert r.normalisation == Method("minmax", low=1, high=5)
        same(r.score(), [1, 2, 3, 5])

    def test_override_checked(self) -> None:
        """An unknown normalisation override is refused with the hint for 'rank'."""
        with pytest.raises(
            DefinitionError,
            match=r"index 'i': unknown normalisation method 'rank'.*percentile_rank",
        ):
            compute_index(one_leaf(), values(X), normalisation="rank")

    def test_override_needing_goalposts(self) -> None:
        """An override to goalposts needs goalposts on the leaves."""
        with pytest.raises(
            DefinitionError, match="'goalposts' needs 'lower' and 'upper' on every indicator; 'x'"
        ):
            compute_index(one_leaf(), values(X), normalisation="goalposts")

    def test_override_needing_targets(self) -> None:
        """An override to distance_to_target needs targets."""
        with pytest.raises(DefinitionError, match="needs a 'target' on every indicator"):
            compute_index(one_leaf(), values(X), normalisation="distance_to_target")


# --- compute_index: aggregation -----------------------------------------------------------------

#: a, b, c for units A-D, aggregated with normalisation 'none' (the values as they are).
ABC = {"a": [1.0, 4.0, 9.0, 2.0], "b": [4.0, 1.0, 9.0, 8.0], "c": [5.0, 0.5, 1.0, 3.0]}


class TestAggregation:
    def score(
        self, method: object, codes: str = "ab", weights: tuple[float, ...] | None = None
    ) -> np.ndarray:
        idx = flat(codes, weights)
        data = values({c: ABC[c] for c in codes})
        return compute_index(idx, data, normalisation="none", aggregation=method).score()

    @pytest.mark.parametrize(
        ("method", "expected"),
        [
            # (a + b) / 2
            ("arithmetic", [2.5, 2.5, 9, 5]),
            # sqrt(a b) = sqrt 4, sqrt 4, sqrt 81, sqrt 16
            ("geometric", [2, 2, 9, 4]),
            # sqrt((a + 1)(b + 1)) - 1 = sqrt(2*5) - 1, sqrt(5*2) - 1, 9, sqrt(3*9) - 1
            (
                Method("geometric", shift=1),
                [math.sqrt(10) - 1, math.sqrt(10) - 1, 9, math.sqrt(27) - 1],
            ),
            # 2 / (1/a + 1/b) = 2 / 1.25, 2 / 1.25, 9, 2 / 0.625
            ("harmonic", [1.6, 1.6, 9, 3.2]),
            # sqrt((a^2 + b^2) / 2) = sqrt(17/2), sqrt(17/2), 9, sqrt(68/2)
            (Method("generalised", p=2), [math.sqrt(8.5), math.sqrt(8.5), 9, math.sqrt(34)]),
            # p = 1 and p = 0 are the arithmetic and geometric means
            (Method("generalised", p=1), [2.5, 2.5, 9, 5]),
            (Method("generalised", p=0), [2, 2, 9, 4]),
            # p = -1 is the harmonic mean
            (Method("generalised", p=-1), [1.6, 1.6, 9, 3.2]),
        ],
    )
    def test_two_children_equal_weights(self, method: object, expected: list[float]) -> None:
        """Each power mean of a = 1, 4, 9, 2 and b = 4, 1, 9, 8 gives the hand-computed value."""
        same(self.score(method), expected)

    def test_weighted_arithmetic(self) -> None:
        """Weights 1 and 3: (a + 3b) / 4."""
        # (1 + 12) / 4, (4 + 3) / 4, (9 + 27) / 4, (2 + 24) / 4
        same(self.score("arithmetic", weights=(1, 3)), [3.25, 1.75, 9, 6.5])

    def test_weighted_geometric(self) -> None:
        """Weights 1 and 3: a^(1/4) b^(3/4)."""
        same(self.score("geometric", weights=(1, 3)), [4**0.75, 4**0.25, 9, 2**0.25 * 8**0.75])

    def test_median_of_three(self) -> None:
        """The median of a, b, c: (1,4,5) -> 4, (4,1,.5) -> 1, (9,9,1) -> 9, (2,8,3) -> 3."""
        same(self.score("median", "abc"), [4, 1, 9, 3])

    def test_copeland_of_three(self) -> None:
        """Copeland scores wins minus losses over the pairwise majority of the children.

        A beats B (b, c vs a) and loses to C and D; B loses to all; C beats
        all (a, b vs c); D beats A (a, b vs c) and B (b, c vs a): A 1-2,
        B 0-3, C 3-0, D 2-1.
        """
        same(self.score("copeland", "abc"), [-1, -3, 3, 1])

    def test_copeland_weighted(self) -> None:
        """Weight 5 on c lets c decide every pair: c = 5, .5, 1, 3 orders A > D > C > B."""
        same(self.score("copeland", "abc", weights=(1, 1, 5)), [3, -3, -1, 1])

    def test_geometric_zero_names_the_node(self) -> None:
        """A zero under the geometric mean without a shift is refused, naming the node."""
        idx = CompositeIndex(
            "i",
            children=[Node("d", children=[Node("a"), Node("b")]), Node("e")],
            aggregation="geometric",
        )
        data = values({"a": [0.0, 1.0, 2.0], "b": [1.0, 2.0, 3.0], "e": [1.0, 1.0, 1.0]})
        with pytest.raises(
            InvalidDataError,
            match="aggregating node\\(s\\) 'd': the geometric mean needs values > 0",
        ) as info:
            compute_index(idx, data, normalisation="none")
        assert info.value.kinds == ("not_positive",)

    def test_geometric_zero_with_missing_names_the_node(self) -> None:
        """The same error when a child is also missing."""
        idx = CompositeIndex(
            "i",
            children=[Node("d", children=[Node("a"), Node("b")]), Node("e")],
            aggregation="geometric",
        )
        data = values({"a": [0.0, 1.0, NAN], "b": [1.0, 2.0, 3.0], "e": [1.0, 1.0, 1.0]})
        with pytest.raises(
            InvalidDataError, match="aggregating node\\(s\\) 'd': the geometric mean"
        ):
            compute_index(idx, data, normalisation="none")

    def test_minmax_zero_needs_shift(self) -> None:
        """After a 0-100 minmax the worst unit scores 0: geometric needs a shift, and works with one."""
        idx = flat("ab", aggregation="geometric")
        data = values({"a": [0.0, 50.0, 100.0], "b": [100.0, 50.0, 0.0]})
        with pytest.raises(InvalidDataError, match=r"aggregating node\(s\) 'i'.*pass shift="):
            compute_index(idx, data)
        # sqrt((0 + 1)(100 + 1)) - 1 = sqrt(101) - 1; sqrt(51 * 51) - 1 = 50
        r = compute_index(idx, data, aggregation=Method("geometric", shift=1))
        same(r.score(), [math.sqrt(101) - 1, 50, math.sqrt(101) - 1])

    def test_harmonic_zero_refused(self) -> None:
        """The harmonic mean refuses a zero."""
        with pytest.raises(InvalidDataError, match="'i': the harmonic mean needs values > 0"):
            compute_index(
                flat("ab"),
                values({"a": [0.0, 1.0], "b": [1.0, 1.0]}),
                normalisation="none",
                aggregation="harmonic",
            )

    def test_generalised_negative_refused(self) -> None:
        """A positive p other than 1 refuses negative values."""
        with pytest.raises(
            InvalidDataError, match=r"the generalised mean with p = 2\.0 needs values >= 0"
        ):
            compute_index(
                flat("ab"),
                values({"a": [-1.0, 1.0], "b": [1.0, 1.0]}),
                normalisation="none",
                aggregation=Method("generalised", p=2),
            )

    def test_per_level_list(self) -> None:
        """One method per level, top first: geometric for the index, arithmetic for the domains."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b")]),
                Node("d2", children=[Node("c")]),
            ],
            aggregation=["geometric", "arithmetic"],
        )
        r = compute_index(idx, values(ABC), normalisation="none")
        # d1 = (a + b) / 2 = 2.5, 2.5, 9, 5; d2 = c = 5, .5, 1, 3
        same(r.score("d1"), [2.5, 2.5, 9, 5])
        # i = sqrt(d1 d2) = sqrt(12.5), sqrt(1.25), sqrt(9), sqrt(15)
        same(r.score(), [math.sqrt(12.5), math.sqrt(1.25), 3, math.sqrt(15)])
        assert r.aggregation == (Method("geometric"), Method("arithmetic"))

    def test_per_level_override_in_compute(self) -> None:
        """aggregation= may also give one method per level, replacing the index's."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b")]),
                Node("d2", children=[Node("c")]),
            ],
        )
        r = compute_index(
            idx, values(ABC), normalisation="none", aggregation=["arithmetic", "geometric"]
        )
        # d1 = sqrt(ab) = 2, 2, 9, 4; i = (d1 + c) / 2 = 3.5, 1.25, 5, 3.5
        same(r.score(), [3.5, 1.25, 5, 3.5])

    def test_per_level_override_wrong_length(self) -> None:
        """An override list must have one method or one per level."""
        with pytest.raises(
            DefinitionError,
            match="an aggregation alternative gives 3 methods; give one, or one per level \\(2\\)",
        ):
            compute_index(
                two_level(),
                values({"a": [1.0], "b": [1.0], "c": [1.0]}),
                aggregation=["arithmetic"] * 3,
            )

    def test_override_unknown(self) -> None:
        """An unknown aggregation override is refused."""
        with pytest.raises(DefinitionError, match="unknown aggregation method 'max'"):
            compute_index(flat("ab"), values({c: ABC[c] for c in "ab"}), aggregation="max")

    def test_node_override(self) -> None:
        """A node's own method wins over its level's: d1 median, d2 level arithmetic, index geometric."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b"), Node("c")], aggregation="median"),
                Node("d2", children=[Node("e"), Node("f")]),
            ],
            aggregation=["geometric", "arithmetic"],
        )
        data = values({**ABC, "e": [1.0, 3.0, 1.0, 4.0], "f": [3.0, 5.0, 9.0, 4.0]})
        r = compute_index(idx, data, normalisation="none")
        # d1 = median(a, b, c) = 4, 1, 9, 3; d2 = (e + f) / 2 = 2, 4, 5, 4
        same(r.score("d1"), [4, 1, 9, 3])
        same(r.score("d2"), [2, 4, 5, 4])
        # i = sqrt(d1 d2) = sqrt 8, 2, sqrt 45, sqrt 12
        same(r.score(), [math.sqrt(8), 2, math.sqrt(45), math.sqrt(12)])

    def test_mixed_leaf_and_aggregate_siblings(self) -> None:
        """A level mixing a leaf and an aggregate aggregates both."""
        idx = CompositeIndex(
            "i", children=[Node("d", children=[Node("a"), Node("b")]), Node("c", weight=3)]
        )
        r = compute_index(idx, values(ABC), normalisation="none")
        # d = 2.5, 2.5, 9, 5; i = (d + 3c) / 4 = (2.5 + 15) / 4, (2.5 + 1.5) / 4, (9 + 3) / 4, (5 + 9) / 4
        same(r.score(), [4.375, 1, 3, 3.5])

    def test_mixed_siblings_under_geometric(self) -> None:
        """The same tree under the geometric mean: d^(1/4) c^(3/4)."""
        idx = CompositeIndex(
            "i",
            children=[Node("d", children=[Node("a"), Node("b")]), Node("c", weight=3)],
            aggregation="geometric",
        )
        r = compute_index(idx, values(ABC), normalisation="none")
        # d = sqrt(ab) = 2, 2, 9, 4
        same(r.score(), [2**0.25 * 5**0.75, 2**0.25 * 0.5**0.75, 9**0.25, 4**0.25 * 3**0.75])


# --- weights ------------------------------------------------------------------------------------


#: For two_level(): a, b, c over units A, B, C (c lower is better).
ABC3 = {"a": [0.0, 50.0, 100.0], "b": [100.0, 0.0, 50.0], "c": [10.0, 30.0, 20.0]}


class TestWeights:
    def test_node_weights(self) -> None:
        """The nodes' own weights: d1 = (a + 2b) / 3, i = (d1 + 3 d2) / 4."""
        r = compute_index(two_level(), values(ABC3))
        # minmax: a = 0, 50, 100; b = 100, 0, 50; c (lower better, 10..30) = 100, 0, 50
        # d1 = (0 + 200) / 3, (50 + 0) / 3, (100 + 100) / 3 = 200/3, 50/3, 200/3
        same(r.score("d1"), [200 / 3, 50 / 3, 200 / 3])
        same(r.score("d2"), [100, 0, 50])
        # i = (d1 + 3 d2) / 4 = (200/3 + 300) / 4, (50/3) / 4, (200/3 + 150) / 4
        same(r.score(), [(200 / 3 + 300) / 4, 50 / 12, (200 / 3 + 150) / 4])
        assert r.weight_set is None
        assert r.weights == {"i": 1.0, "d1": 1.0, "d2": 3.0, "a": 1.0, "b": 2.0, "c": 1.0}

    def test_weight_set(self) -> None:
        """A named set replaces the weights it lists."""
        idx = two_level(weight_sets={"even": {"b": 1, "d2": 1}})
        r = compute_index(idx, values(ABC3), weights="even")
        # d1 = (a + b) / 2 = 50, 25, 75; i = (d1 + d2) / 2 = 75, 12.5, 62.5
        same(r.score(), [75, 12.5, 62.5])
        assert r.weight_set == "even"
        assert r.weights["b"] == 1.0

    def test_mapping(self) -> None:
        """A mapping overrides the weights it names."""
        r = compute_index(two_level(), values(ABC3), weights={"d2": 1})
        # i = (d1 + d2) / 2 = (200/3 + 100) / 2, (50/3) / 2, (200/3 + 50) / 2
        same(r.score(), [(200 / 3 + 100) / 2, 25 / 3, (200 / 3 + 50) / 2])
        assert r.weight_set == "custom"
        assert r.method.endswith("weights custom")

    def test_zero_weight_drops_a_node(self) -> None:
        """A zero weight drops a node from its parent's score, and its contribution is 0."""
        r = compute_index(two_level(), values(ABC3), weights={"d2": 0})
        same(r.score(), r.score("d1"))
        same(r.contributions[r.nodes.index("d2")], [0, 0, 0])

    def test_unknown_weight_set(self) -> None:
        """An unknown set name is refused."""
        with pytest.raises(DefinitionError, match="unknown weight set 'nope'"):
            compute_index(two_level(), values(ABC3), weights="nope")

    def test_mapping_summing_to_zero(self) -> None:
        """A mapping zeroing a group of siblings is refused."""
        with pytest.raises(DefinitionError, match="the weights of the children of 'd1' sum to 0"):
            compute_index(two_level(), values(ABC3), weights={"a": 0, "b": 0})

    def test_pca_one_level(self) -> None:
        """'pca' weights the children by aggregate.pca_weights of their normalised scores."""
        data = values(
            {"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 4.0, 7.0, 8.0], "c": [1.0, 1.0, 2.0, 1.0]}
        )
        r = compute_index(flat("abc"), data, weights="pca")
        expected = ag.pca_weights(r.normalised)
        same([r.weights[c] for c in "abc"], expected)
        same(r.score(), ag.arithmetic(r.normalised, expected))
        assert r.weight_set == "pca"
        assert r.weights["i"] == 1.0

    def test_pca_two_levels(self) -> None:
        """PCA weights the domains by their own scores, one level at a time; a lone child weighs 1."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b")]),
                Node("d2", children=[Node("c")]),
                Node("d3", children=[Node("e"), Node("f")]),
            ],
        )
        data = values(
            {
                "a": [1.0, 2.0, 3.0, 4.0],
                "b": [2.0, 1.0, 4.0, 3.0],
                "c": [3.0, 1.0, 2.0, 5.0],
                "e": [1.0, 5.0, 2.0, 2.5],
                "f": [2.0, 4.0, 1.0, 3.0],
            }
        )
        r = compute_index(idx, data, weights="pca")
        assert r.weights["c"] == 1.0
        same([r.weights["a"], r.weights["b"]], ag.pca_weights(r.normalised[:2]))
        same([r.weights["e"], r.weights["f"]], ag.pca_weights(r.normalised[3:]))
        domains = np.stack([r.score("d1"), r.score("d2"), r.score("d3")])
        same([r.weights[d] for d in ("d1", "d2", "d3")], ag.pca_weights(domains))

    def test_pca_needs_complete_data(self) -> None:
        """PCA weights refuse missing values."""
        data = values({"a": [1.0, 2.0, NAN], "b": [2.0, 4.0, 7.0]})
        with pytest.raises(
            InvalidDataError, match=r"PCA weights of the children of 'i': .*needs complete data"
        ):
            compute_index(flat("ab"), data, weights="pca")

    def test_effective_weights(self) -> None:
        """effective_weights: the product of sibling-normalised weights from the top."""
        r = compute_index(two_level(), values(ABC3))
        ew = r.effective_weights
        # d1 = 1/4, d2 = 3/4; a = 1/4 * 1/3, b = 1/4 * 2/3, c = 3/4
        expected = {"i": 1.0, "d1": 0.25, "d2": 0.75, "a": 1 / 12, "b": 2 / 12, "c": 0.75}
        for code, w in expected.items():
            assert ew[code] == pytest.approx(w)

    def test_effective_weights_keys_are_the_nodes(self) -> None:
        """effective_weights has exactly one entry per node."""
        r = compute_index(two_level(), values(ABC3))
        assert set(r.effective_weights) == set(r.nodes)


# --- missing values, thresholds ------------------------------------------------------------------


class TestMissing:
    def test_missing_child_skipped_weights_renormalised(self) -> None:
        """A missing child is skipped and the others' weights re-normalised."""
        data = values({"a": [1.0, 4.0, 9.0], "b": [4.0, NAN, 9.0], "c": [5.0, 1.0, NAN]})
        r = compute_index(flat("abc", (1, 2, 1)), data, normalisation="none")
        # A: (1 + 8 + 5) / 4 = 3.5; B: (4 + 1) / 2 = 2.5; C: (9 + 18) / 3 = 9
        same(r.score(), [3.5, 2.5, 9])
        # shares: 3/3, 2/3, 2/3
        same(r.share[0], [1, 2 / 3, 2 / 3])
        assert r.reason[0].tolist() == ["", "", ""]
        # a leaf's share is 1 with a value, 0 without
        same(r.share[r.nodes.index("b")], [1, 0, 1])
        assert r.reason[r.nodes.index("b")].tolist() == ["", "no_data", ""]

    def test_missing_under_geometric(self) -> None:
        """The geometric mean also skips a missing child."""
        data = values({"a": [1.0, 4.0], "b": [4.0, NAN]})
        r = compute_index(flat("ab"), data, normalisation="none", aggregation="geometric")
        same(r.score(), [2, 4])

    @pytest.mark.parametrize(
        "method", ["median", "copeland", "harmonic", Method("generalised", p=3)]
    )
    def test_all_children_missing_is_no_data(self, method: object) -> None:
        """A unit without any child value gets no score, whatever the method."""
        data = values({"a": [1.0, 2.0, NAN], "b": [2.0, 1.0, NAN]})
        r = compute_index(flat("ab"), data, normalisation="none", aggregation=method)
        assert math.isnan(r.score()[2])
        assert r.reason[0].tolist()[2] == "no_data"
        assert r.rank().tolist()[2] == 0

    def test_min_share_of_the_index(self) -> None:
        """Below the index's min_share a node has no score, for 'insufficient_data'."""
        idx = CompositeIndex(
            "i",
            children=[Node("d", children=[Node("a"), Node("b"), Node("c")]), Node("e")],
            min_share=0.5,
        )
        data = values(
            {"a": [1.0, 2.0, NAN], "b": [3.0, NAN, NAN], "c": [2.0, 3.0, 4.0], "e": [1.0, 2.0, 3.0]}
        )
        r = compute_index(idx, data, normalisation="none")
        d = r.nodes.index("d")
        # d: shares 3/3, 2/3 (>= .5), 1/3 (< .5)
        same(r.share[d], [1, 2 / 3, 1 / 3])
        same(r.score("d"), [2, 2.5, NAN])
        assert r.reason[d].tolist() == ["", "", "insufficient_data"]
        # C's children contribute nothing to a score d does not have
        kids = [r.nodes.index(c) for c in "abc"]
        assert np.isnan(r.contributions[kids, 2]).all()
        same(np.nansum(r.contributions[kids, :2], axis=0), [2, 2.5])
        # the index: C has e only, 1/2 >= .5: i = e = 3
        same(r.score(), [1.5, 2.25, 3])
        assert r.reason[0].tolist() == ["", "", ""]

    def test_min_share_per_node(self) -> None:
        """A node's own min_share applies to it; another node without one says 'no_data'."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d", children=[Node("a"), Node("b")], min_share=1.0),
                Node("f", children=[Node("g"), Node("h")]),
            ],
        )
        data = values(
            {"a": [1.0, NAN, 3.0], "b": [1.0, 2.0, 3.0], "g": [1.0, NAN, NAN], "h": [5.0, NAN, 1.0]}
        )
        r = compute_index(idx, data, normalisation="none")
        # d needs both children: B has 1 of 2
        assert r.reason[r.nodes.index("d")].tolist() == ["", "insufficient_data", ""]
        # f has no threshold: B has nothing there (no data), C has h only
        assert r.reason[r.nodes.index("f")].tolist() == ["", "no_data", ""]
        same(r.score("f"), [3, NAN, 1])
        # B has neither d nor f: no data at the index
        assert r.reason[0].tolist() == ["", "no_data", ""]
        same(r.score(), [2, NAN, 2])

    def test_min_share_under_median(self) -> None:
        """The threshold also applies to the median: a unit below it gets no score."""
        idx = flat("abc", min_share=0.6, aggregation="median")
        data = values({"a": [1.0, 2.0, NAN], "b": [3.0, 6.0, NAN], "c": [2.0, NAN, 4.0]})
        r = compute_index(idx, data, normalisation="none")
        # A: median(1, 3, 2) = 2; B: 2/3 >= .6, median(2, 6) = 4; C: 1/3 < .6
        same(r.score(), [2, 4, NAN])
        assert r.reason[0].tolist() == ["", "", "insufficient_data"]

    def test_min_share_under_copeland_leaves_the_unit_out(self) -> None:
        """Under Copeland a unit below the threshold is left out of the comparisons."""
        idx = flat("ab", min_share=1.0, aggregation="copeland")
        data = values({"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, NAN]})
        r = compute_index(idx, data, normalisation="none")
        # C is out; B beats A on both children: A -1, B +1
        same(r.score(), [-1, 1, NAN])
        assert r.reason[0].tolist() == ["", "", "insufficient_data"]

    def test_min_share_zero(self) -> None:
        """min_share 0 keeps any unit with a value."""
        idx = flat("ab", min_share=0.0)
        r = compute_index(idx, values({"a": [1.0, NAN], "b": [2.0, NAN]}), normalisation="none")
        same(r.score(), [1.5, NAN])
        assert r.reason[0].tolist() == ["", "no_data"]


# --- imputation -------------------------------------------------------------------------------


class TestImputation:
    def test_none_leaves_gaps(self) -> None:
        """Without imputation a missing value stays missing and nothing is flagged."""
        r = compute_index(one_leaf(), values({"x": [1.0, NAN, 3.0, 8.0]}), normalisation="none")
        same(r.raw, [[1, NAN, 3, 8]])
        assert not r.imputed.any()

    @pytest.mark.parametrize(("method", "fill"), [("mean", 4.0), ("median", 3.0)])
    def test_mean_and_median(self, method: str, fill: float) -> None:
        """mean fills (1 + 3 + 8) / 3 = 4; median fills the middle of 1, 3, 8 = 3."""
        r = compute_index(
            one_leaf(), values({"x": [1.0, NAN, 3.0, 8.0]}), normalisation="none", imputation=method
        )
        same(r.raw, [[1, fill, 3, 8]])
        assert r.imputed.tolist() == [[False, True, False, False]]
        same(r.score(), [1, fill, 3, 8])
        same(r.share[r.nodes.index("x")], [1, 1, 1, 1])
        assert r.imputation == Method(method)

    def test_indicator_with_no_value_stays_missing(self) -> None:
        """An indicator without any value cannot be imputed."""
        r = compute_index(
            flat("ab"),
            values({"a": [NAN, NAN], "b": [1.0, NAN]}),
            normalisation="none",
            imputation="median",
        )
        same(r.raw, [[NAN, NAN], [1, 1]])
        assert r.imputed.tolist() == [[False, False], [False, True]]

    @pytest.mark.parametrize("method", ["mean", "median", "group_mean", "locf"])
    def test_nothing_to_impute_from(self, method: str) -> None:
        """An indicator with no value anywhere stays missing under every method."""
        groups = {"A": "n", "B": "n"}
        r = compute_index(one_leaf(), values({"x": [NAN, NAN]}), imputation=method, groups=groups)
        same(r.raw, [[NAN, NAN]])
        assert not r.imputed.any()
        assert r.reason[0].tolist() == ["no_data", "no_data"]
        assert r.rank().tolist() == [0, 0]

    def test_group_mean(self) -> None:
        """group_mean fills from the units of the same group."""
        groups = {"A": "north", "B": "north", "C": "south", "D": "south"}
        r = compute_index(
            one_leaf(),
            values({"x": [2.0, NAN, 3.0, 7.0]}),
            normalisation="none",
            imputation="group_mean",
            groups=groups,
        )
        # B takes A's 2 (north), not the overall mean 4
        same(r.raw, [[2, 2, 3, 7]])
        assert r.imputed.tolist() == [[False, True, False, False]]
        # the method's name read from a file (an equal string, another object) works alike
        named = compute_index(
            one_leaf(),
            values({"x": [2.0, NAN, 3.0, 7.0]}),
            normalisation="none",
            imputation=json.loads('"group_mean"'),
            groups=groups,
        )
        same(named.raw, [[2, 2, 3, 7]])

    def test_group_mean_several_indicators(self) -> None:
        """Each indicator is filled from its own group means; a group with no value leaves gaps."""
        groups = {"A": "n", "B": "n", "C": "s", "D": "s"}
        r = compute_index(
            flat("ab"),
            values({"a": [NAN, NAN, 3.0, 5.0], "b": [1.0, 3.0, NAN, 6.0]}),
            normalisation="none",
            imputation="group_mean",
            groups=groups,
        )
        same(r.raw, [[NAN, NAN, 3, 5], [1, 3, 6, 6]])
        assert r.imputed.tolist() == [[False, False, False, False], [False, False, True, False]]

    def test_group_mean_more_indicators_than_groups(self) -> None:
        """Three indicators, two groups: each filled from its own group's mean."""
        groups = {"A": "n", "B": "n", "C": "s", "D": "s"}
        r = compute_index(
            flat("abc"),
            values(
                {"a": [NAN, 2.0, 3.0, 5.0], "b": [1.0, 3.0, NAN, 6.0], "c": [4.0, NAN, 8.0, NAN]}
            ),
            normalisation="none",
            imputation="group_mean",
            groups=groups,
        )
        same(r.raw, [[2, 2, 3, 5], [1, 3, 6, 6], [4, 4, 8, 8]])

    def test_group_mean_needs_groups(self) -> None:
        """group_mean without groups is refused."""
        with pytest.raises(
            DefinitionError, match="imputation 'group_mean' needs groups=\\{unit: group\\}"
        ):
            compute_index(one_leaf(), values({"x": [1.0, NAN]}), imputation="group_mean")

    def test_group_mean_unit_without_group(self) -> None:
        """A unit without a group is refused, named."""
        with pytest.raises(
            InvalidDataError, match="groups give no group for unit\\(s\\) 'C'"
        ) as info:
            compute_index(
                one_leaf(),
                values({"x": [1.0, NAN, 2.0]}),
                imputation="group_mean",
                groups={"A": "n", "B": "n"},
            )
        assert info.value.kinds == ("no_group",)

    def test_group_mean_complete_data_needs_no_groups(self) -> None:
        """Complete data need no imputation, so no groups either."""
        r = compute_index(one_leaf(), values(X), imputation="group_mean")
        assert not r.imputed.any()

    def panel(self) -> Observations:
        # x for units A-E over three years; E is never observed
        return Observations.from_records(
            long_records(
                {
                    "2022": {"x": [1.0, 2.0, 3.0, 4.0, NAN]},
                    "2023": {"x": [NAN, 5.0, NAN, 6.0, NAN]},
                    "2024": {"x": [NAN, NAN, 7.0, NAN, NAN]},
                },
                ["A", "B", "C", "D", "E"],
            )
        )

    def test_locf_latest_earlier_period(self) -> None:
        """locf takes the latest earlier value: A from 2022, B and D from 2023."""
        r = compute_index(one_leaf(), self.panel(), normalisation="none", imputation="locf")
        same(r.raw, [[1, 5, 7, 6, NAN]])
        assert r.imputed.tolist() == [[True, True, False, True, False]]
        assert r.reason[0].tolist() == ["", "", "", "", "no_data"]

    def test_locf_for_an_earlier_period(self) -> None:
        """locf for 2023 looks no later than 2023."""
        r = compute_index(
            one_leaf(), self.panel(), period=2023, normalisation="none", imputation="locf"
        )
        same(r.raw, [[1, 5, 3, 6, NAN]])
        assert r.imputed.tolist() == [[True, False, True, False, False]]

    def test_index_imputation_used_by_default(self) -> None:
        """The index's own imputation applies without imputation=."""
        idx = CompositeIndex("i", children=[Node("x")], imputation="locf")
        r = compute_index(idx, self.panel(), normalisation="none")
        same(r.raw, [[1, 5, 7, 6, NAN]])

    def test_unknown_imputation(self) -> None:
        """An unknown imputation override is refused."""
        with pytest.raises(DefinitionError, match="unknown imputation method 'knn'"):
            compute_index(one_leaf(), values(X), imputation="knn")


# --- contributions, ranks, selection ------------------------------------------------------------


class TestResult:
    def test_contributions_sum_to_parent(self) -> None:
        """Under arithmetic aggregation the children's contributions add up to the parent's score."""
        r = compute_index(two_level(), values(ABC3))
        c = r.contributions
        for parent in ("i", "d1", "d2"):
            kids = [j for j, p in enumerate(r.parents) if p == parent]
            same(c[kids].sum(axis=0), r.score(parent))
        # d1's part of i for A: 1/4 * 200/3
        assert c[r.nodes.index("d1"), 0] == pytest.approx(50 / 3)
        assert np.isnan(c[0]).all()

    def test_contributions_with_missing(self) -> None:
        """A missing child contributes nothing (NaN) and the others still add up."""
        data = values({"a": [0.0, 50.0, 100.0], "b": [100.0, NAN, 50.0], "c": [10.0, 30.0, 20.0]})
        r = compute_index(two_level(), data)
        kids = [r.nodes.index("a"), r.nodes.index("b")]
        assert math.isnan(r.contributions[kids[1], 1])
        same(np.nansum(r.contributions[kids], axis=0), r.score("d1"))

    @pytest.mark.parametrize(
        "method", [Method("geometric", shift=1), "median", "copeland", Method("generalised", p=2)]
    )
    def test_contributions_nan_elsewhere(self, method: object) -> None:
        """Contributions are NaN under other methods."""
        r = compute_index(two_level(), values(ABC3), aggregation=method)
        assert np.isnan(r.contributions).all()

    def test_contributions_under_node_arithmetic_override(self) -> None:
        """A node aggregated arithmetically has contributions even when its level is not."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b")], aggregation="arithmetic"),
                Node("d2", children=[Node("c")]),
            ],
            aggregation="median",
        )
        r = compute_index(idx, values(ABC3))
        kids = [r.nodes.index("a"), r.nodes.index("b")]
        same(r.contributions[kids].sum(axis=0), r.score("d1"))
        assert np.isnan(r.contributions[r.nodes.index("d1")]).all()

    def test_ranks_with_ties_and_gaps(self) -> None:
        """Ranks: 1 for the highest, ties share the smallest, 0 for no score."""
        r = compute_index(
            one_leaf(), values({"x": [50.0, 75.0, 50.0, NAN]}, UNITS), normalisation="none"
        )
        assert r.rank().tolist() == [2, 1, 2, 0]
        data = values({"x": [5.0, 5.0, 1.0, 9.0]})
        assert compute_index(one_leaf(), data, normalisation="none").rank().tolist() == [2, 2, 4, 1]

    def test_scores_equal_in_exact_arithmetic_share_a_rank(self) -> None:
        """Percentile ranks whose means are equal, but summed in another order, are tied."""
        # Over 4 units, percentile ranks are 0, 100/3, 200/3, 100. The means of the three:
        #   A: (200/3 + 0 + 100) / 3 = 500/9    B: (100/3 + 200/3 + 0) / 3 = 300/9
        #   C: (100 + 100/3 + 100/3) / 3 = 500/9    D: (0 + 100 + 200/3) / 3 = 500/9
        # A, C and D tie at 55.56 (rank 1); computed, C is one unit in the last place lower.
        data = values(
            {"a": [2.0, 1.0, 3.0, 0.0], "b": [0.0, 2.0, 1.0, 3.0], "c": [3.0, 0.0, 1.0, 2.0]}
        )
        r = compute_index(flat("abc"), data, normalisation="percentile_rank")
        same(r.score(), [500 / 9, 300 / 9, 500 / 9, 500 / 9])
        assert r.rank().tolist() == [1, 4, 1, 1]

    def test_ranks_at_every_node(self) -> None:
        """Every node is ranked."""
        r = compute_index(two_level(), values(ABC3))
        # d2 = 100, 0, 50
        assert r.rank("d2").tolist() == [1, 3, 2]
        assert r.ranks.shape == (6, 3)

    def test_units_subset_and_order(self) -> None:
        """units= scores those units only, in that order, normalising over them."""
        r = compute_index(one_leaf(), values(X), units=["D", "A", "C"])
        assert r.units == ("D", "A", "C")
        # x = 10, 2, 6: (x - 2) / 8 * 100
        same(r.score(), [100, 0, 50])
        assert r.rank().tolist() == [1, 3, 2]

    def test_unknown_unit(self) -> None:
        """An unknown unit is refused, named."""
        with pytest.raises(InvalidDataError, match="unit\\(s\\) 'Z' have no observations") as info:
            compute_index(one_leaf(), values(X), units=["A", "Z"])
        assert info.value.kinds == ("unknown_unit",)

    def test_unit_twice(self) -> None:
        """A unit listed twice is refused."""
        with pytest.raises(InvalidDataError, match="a unit is listed twice in 'units'"):
            compute_index(one_leaf(), values(X), units=["A", "A"])

    def test_indicator_missing_from_data(self) -> None:
        """Every indicator the data lack is named."""
        with pytest.raises(InvalidDataError, match="no observations of indicator\\(s\\) 'b', 'c'"):
            compute_index(two_level(), values({"a": [1.0, 2.0]}))

    def test_period_selection(self) -> None:
        """period= picks the period, as a number or text; the default is the latest."""
        data = Observations.from_records(
            long_records(
                {"2023": {"x": [3.0, 1.0, 2.0]}, "2024": {"x": [1.0, 2.0, 3.0]}}, ["A", "B", "C"]
            )
        )
        assert compute_index(one_leaf(), data).rank().tolist() == [3, 2, 1]
        assert compute_index(one_leaf(), data, period=2023).rank().tolist() == [1, 3, 2]
        r = compute_index(one_leaf(), data, period="2023")
        assert r.period == "2023"
        with pytest.raises(InvalidDataError, match="no data for period '2020'"):
            compute_index(one_leaf(), data, period=2020)

    def test_layout(self) -> None:
        """The result lists nodes breadth first with parents and levels, and the leaves."""
        r = compute_index(two_level(), values(ABC3))
        assert r.index == "i"
        assert r.nodes == ("i", "d1", "d2", "a", "b", "c")
        assert r.parents == (None, "i", "i", "d1", "d1", "d2")
        assert r.levels == (0, 1, 1, 2, 2, 2)
        assert r.leaves == ("a", "b", "c")
        assert r.scores.shape == (6, 3)
        assert r.normalised.shape == (3, 3)

    def test_score_and_rank_of_unknown_node(self) -> None:
        """An unknown node is an UnknownIndicatorError."""
        r = compute_index(two_level(), values(ABC3))
        with pytest.raises(UnknownIndicatorError, match="node 'zz' is not in index 'i'"):
            r.score("zz")
        with pytest.raises(UnknownIndicatorError, match="node 'zz' is not in index 'i'"):
            r.rank("zz")

    def test_arrays_are_read_only(self) -> None:
        """The result's arrays cannot be written to."""
        r = compute_index(two_level(), values(ABC3))
        with pytest.raises(ValueError, match="read-only"):
            r.scores[0, 0] = 1.0

    def test_equal_results(self) -> None:
        """Two computations of the same thing are equal results."""
        assert compute_index(two_level(), values(ABC3)) == compute_index(two_level(), values(ABC3))


class TestOutputs:
    def result(self) -> IndexResult:
        data = Observations.from_records(
            long_records(
                {
                    "2024": {
                        "a": [0.0, 50.0, 100.0],
                        "b": [100.0, NAN, 50.0],
                        "c": [10.0, NAN, 20.0],
                    }
                },
                ["A", "B", "C"],
            ),
            note="SYNTHETIC <test>",
        )
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a"), Node("b", weight=2)]),
                Node("d2", children=[Node("c", direction=-1)], weight=3),
            ],
        )
        return compute_index(idx, data)

    def test_to_records(self) -> None:
        """to_records gives one record per unit and node, keys in RECORD_KEYS order."""
        r = self.result()
        records = r.to_records()
        assert len(records) == 3 * 6
        assert all(tuple(rec) == RECORD_KEYS for rec in records)
        first = records[0]
        # unit A at the index: d1 = (0 + 2*100) / 3 = 200/3; d2 = 100 (c = 10 is the best of 10, 20)
        assert first["unit"] == "A"
        assert first["node"] == "i"
        assert first["level"] == 0
        assert first["parent"] is None
        assert first["score"] == pytest.approx((200 / 3 + 300) / 4)
        assert first["rank"] == 1
        assert first["contribution"] is None
        assert first["share"] == 1.0
        assert first["reason"] == ""
        assert first["period"] == "2024"
        # unit B has no d2 (c missing): score None, rank None, reason no_data
        b_d2 = next(x for x in records if x["unit"] == "B" and x["node"] == "d2")
        assert b_d2["score"] is None
        assert b_d2["rank"] is None
        assert b_d2["reason"] == "no_data"
        assert b_d2["share"] == 0.0
        b_a = next(x for x in records if x["unit"] == "B" and x["node"] == "a")
        assert b_a["parent"] == "d1"
        assert b_a["level"] == 2
        # B's d1 = a alone = 50, all of it from a
        assert b_a["contribution"] == pytest.approx(50)

    def test_to_records_of_one_node(self) -> None:
        """to_records(node) keeps that node's records; an unknown node is refused."""
        r = self.result()
        assert r.to_records("d2") == [x for x in r.to_records() if x["node"] == "d2"]
        assert {x["method"] for x in r.to_records()} == {r.method}
        with pytest.raises(UnknownIndicatorError, match="node 'province' is not in index 'i'"):
            r.to_records("province")

    def test_top(self) -> None:
        """top(k) leaves out units without a score, whose rank is 0."""
        data = values({"x": [NAN, 1.0, 2.0]})
        r = compute_index(one_leaf(), data)
        assert r.rank().tolist() == [0, 2, 1]
        assert r.top(1).tolist() == [False, False, True]
        assert r.top(5).tolist() == [False, True, True]
        with pytest.raises(DefinitionError, match="a rank target must be a whole number >= 1"):
            r.top(0)

    def test_to_json(self) -> None:
        """to_json parses and carries the note, methods and rows."""
        r = self.result()
        doc = json.loads(r.to_json())
        assert doc["index"] == "i"
        assert doc["period"] == "2024"
        assert doc["note"] == "SYNTHETIC <test>"
        assert doc["normalisation"] == {"name": "minmax"}
        assert doc["aggregation"] == [{"name": "arithmetic"}]
        assert doc["imputation"] == {"name": "none"}
        assert doc["weight_set"] is None
        assert len(doc["rows"]) == 18
        assert doc["rows"][0]["score"] == pytest.approx((200 / 3 + 300) / 4)

    def test_to_frame(self) -> None:
        """to_frame gives the records as a DataFrame."""
        pytest.importorskip("pandas")
        frame = self.result().to_frame()
        assert list(frame.columns) == list(RECORD_KEYS)
        assert len(frame) == 18
        assert frame.loc[0, "node"] == "i"

    def test_table(self) -> None:
        """table lists units best first with the top-level scores and ends with the note."""
        r = self.result()
        lines = r.table().splitlines()
        assert lines[0].split() == ["rank", "unit", "score", "d1", "d2"]
        assert set(lines[1]) == {"-"}
        # A: i = (200/3 + 300) / 4 = 91.7; C: d1 = (100 + 100) / 3 = 66.7, d2 = 0, i = 16.7
        assert lines[2].split() == ["1", "A", "91.7", "66.7", "100.0"]
        assert lines[-1] == "SYNTHETIC <test>"
        # B has no d2: shown as a dash
        row_b = next(line for line in lines if " B " in line)
        assert "—" in row_b

    def test_table_of_a_node_and_digits(self) -> None:
        """table(node=...) ranks by that node and shows its children."""
        text = self.result().table(node="d1", digits=2)
        assert text.splitlines()[0].split() == ["rank", "unit", "score", "a", "b"]
        assert "66.67" in text

    def test_table_units_without_score_last(self) -> None:
        """Units without a score come last, with a dash for the rank."""
        data = values({"x": [NAN, 1.0, 2.0]})
        lines = compute_index(one_leaf(), data).table().splitlines()
        assert lines[-2].split()[:2] == ["—", "A"]
        assert lines[-1].startswith("i, period —: normalisation minmax")
        assert "SYNTHETIC" not in "\n".join(lines)

    def test_repr_html(self) -> None:
        """The HTML view shows the note and escapes text."""
        html = self.result()._repr_html_()
        assert "<strong>SYNTHETIC &lt;test&gt;</strong>" in html
        assert '<th style="text-align:right">d2</th>' in html
        assert '<td style="text-align:right">91.7</td>' in html
        assert html.index("<td>A</td>") < html.index("<td>C</td>")
        assert (
            '<th style="text-align:left">Period</th><td style="text-align:left">2024</td>' in html
        )

    def test_repr_html_without_note_or_period(self) -> None:
        """Without a note or period, no note paragraph and a dash for the period."""
        html = compute_index(one_leaf(), values({"x": [NAN, 1.0]}))._repr_html_()
        assert '<th style="text-align:left">Period</th><td style="text-align:left">—</td>' in html
        assert "cchc-note" not in html
        assert '<td style="text-align:right">—</td>' in html


# --- properties -------------------------------------------------------------------------------


@st.composite
def matrices(draw: st.DrawFn, min_units: int = 2) -> np.ndarray:
    """A small (indicators, units) matrix of moderate finite values."""
    n_ind = draw(st.integers(1, 4))
    n_units = draw(st.integers(min_units, 6))
    return draw(
        hnp.arrays(
            np.float64,
            (n_ind, n_units),
            elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
        )
    )


def observations(M: np.ndarray, units: list[str] | None = None) -> Observations:
    names = units or [f"u{j}" for j in range(M.shape[1])]
    return Observations.from_values({f"x{i}": M[i] for i in range(M.shape[0])}, names)


def tree(n: int, directions: list[int] | None = None, **settings: Any) -> CompositeIndex:
    """Two domains over n indicators (the first domain takes the first half, rounded up)."""
    dirs = directions or [1] * n
    leaves = [Node(f"x{i}", direction=dirs[i], weight=1 + i % 2) for i in range(n)]
    half = (n + 1) // 2
    if n == 1:
        return CompositeIndex("i", children=leaves, **settings)
    groups = [Node("d1", children=leaves[:half]), Node("d2", children=leaves[half:], weight=2)]
    return CompositeIndex("i", children=groups, **settings)


class TestProperties:
    @given(M=matrices(), data=st.data())
    @settings(max_examples=50, deadline=None)
    def test_permuting_units_permutes_scores_and_ranks(
        self, M: np.ndarray, data: st.DataObject
    ) -> None:
        """Listing the units in another order reorders their scores and ranks, nothing else."""
        n = M.shape[1]
        order = data.draw(st.permutations(list(range(n))))
        units = [f"u{j}" for j in range(n)]
        idx = tree(M.shape[0])
        base = compute_index(idx, observations(M, units))
        moved = compute_index(idx, observations(M[:, order], [units[j] for j in order]))
        np.testing.assert_allclose(moved.scores, base.scores[:, order], rtol=1e-12, atol=1e-9)
        assert (moved.ranks == base.ranks[:, order]).all()

    @given(M=matrices(min_units=3))
    @settings(max_examples=50, deadline=None)
    def test_reversing_every_direction_reverses_index_ranks(self, M: np.ndarray) -> None:
        """Under arithmetic aggregation of minmax scores, reversing every direction reverses the ranks."""
        L, U = M.shape
        up = compute_index(tree(L, [1] * L), observations(M))
        scores = np.sort(up.score())
        assume(np.all(np.diff(scores) > 1e-6))
        down = compute_index(tree(L, [-1] * L), observations(M))
        assert (down.rank() == U + 1 - up.rank()).all()

    @given(M=matrices(), data=st.data())
    @settings(max_examples=50, deadline=None)
    def test_dominant_unit_ranks_first_under_every_aggregator(
        self, M: np.ndarray, data: st.DataObject
    ) -> None:
        """A unit better than all others on every indicator ranks first, alone, under every aggregator."""
        L = M.shape[0]
        directions = data.draw(st.lists(st.sampled_from([1, -1]), min_size=L, max_size=L))
        d = np.array(directions, dtype=float)
        best = np.where(d > 0, M.max(axis=1) + 1, M.min(axis=1) - 1)
        full = np.concatenate([best[:, np.newaxis], M], axis=1)
        obs = observations(full)
        idx = tree(L, directions)
        norm = Method("minmax", low=1, high=100)
        for method in (
            "arithmetic",
            "geometric",
            "harmonic",
            Method("generalised", p=2),
            Method("generalised", p=-0.5),
            "median",
            "copeland",
        ):
            r = compute_index(idx, obs, normalisation=norm, aggregation=method)
            ranks = r.rank()
            assert ranks[0] == 1, method
            assert (ranks[1:] > 1).all(), method

    @given(
        M=matrices(),
        factor=st.sampled_from([1e300, 2.0**1020, 1e-300, 2.0**-1020]),
        method=st.sampled_from(["arithmetic", "median", "copeland", Method("generalised", p=-0.5)]),
    )
    @settings(max_examples=50, deadline=None)
    def test_index_does_not_depend_on_scale_of_weights(
        self, M: np.ndarray, factor: float, method: object
    ) -> None:
        """Multiplying every weight by 1e300 or 2**-1020 changes no score or rank."""
        idx = tree(M.shape[0])
        obs = observations(M)
        norm = Method("minmax", low=1, high=100)
        base = compute_index(idx, obs, normalisation=norm, aggregation=method)
        scaled = {code: w * factor for code, w in base.weights.items()}
        got = compute_index(idx, obs, normalisation=norm, aggregation=method, weights=scaled)
        np.testing.assert_allclose(got.scores, base.scores, rtol=1e-9)
        assert (got.ranks == base.ranks).all()

    @given(M=matrices())
    @settings(max_examples=50, deadline=None)
    def test_geometric_index_never_exceeds_arithmetic(self, M: np.ndarray) -> None:
        """For positive normalised values the geometric tree scores no more than the arithmetic one."""
        idx = tree(M.shape[0])
        norm = Method("minmax", low=1, high=100)
        geo = compute_index(idx, observations(M), normalisation=norm, aggregation="geometric")
        ari = compute_index(idx, observations(M), normalisation=norm, aggregation="arithmetic")
        assert (geo.scores <= ari.scores + 1e-9 * np.abs(ari.scores)).all()

    @given(M=matrices(), low=st.floats(-50, 50), width=st.floats(0.5, 200))
    @settings(max_examples=50, deadline=None)
    def test_minmax_scores_lie_in_range_and_keep_order(
        self, M: np.ndarray, low: float, width: float
    ) -> None:
        """minmax scores land in [low, high] and never reverse the order of raw values."""
        high = low + width
        r = compute_index(
            tree(M.shape[0]), observations(M), normalisation=Method("minmax", low=low, high=high)
        )
        S = r.normalised
        tol = 1e-9 * max(abs(low), abs(high), 1)
        assert (low - tol <= S).all()
        assert (high + tol >= S).all()
        for i in range(M.shape[0]):
            smaller = M[i][:, np.newaxis] < M[i][np.newaxis, :]
            assert (S[i][:, np.newaxis] <= S[i][np.newaxis, :] + tol)[smaller].all()

    @given(M=matrices(), factor=st.floats(0.01, 100), node=st.sampled_from(["i", "d1", "d2"]))
    @settings(max_examples=50, deadline=None)
    def test_scaling_a_node_s_weights_changes_nothing(
        self, M: np.ndarray, factor: float, node: str
    ) -> None:
        """Multiplying the weights of all children of one node by a constant changes no score."""
        idx = tree(M.shape[0])
        if node not in idx.levels() or idx.node(node).is_leaf:
            node = "i"
        base = compute_index(idx, observations(M))
        w = idx.weights()
        scaled = {c.code: w[c.code] * factor for c in idx.node(node).children}
        again = compute_index(idx, observations(M), weights=scaled)
        np.testing.assert_allclose(again.scores, base.scores, rtol=1e-9, atol=1e-9)


# --- end to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[CompositeIndex, Observations]:
    """The illustrative index and its synthetic observations."""
    return load_index("par-style-demo"), datasets.index_observations()


class TestEndToEnd:
    def test_par_style_demo_ranks_all_provinces(
        self, demo: tuple[CompositeIndex, Observations]
    ) -> None:
        """All 63 provinces get an index score and ranks 1 to 63 without gaps."""
        idx, obs = demo
        r = compute_index(idx, obs)
        assert r.period == "2024"
        assert len(r.units) == 63
        assert not np.isnan(r.score()).any()
        assert sorted(r.rank().tolist()) == list(range(1, 64))
        assert r.note == datasets.SYNTHETIC_NOTE
        assert r.table().splitlines()[-1] == datasets.SYNTHETIC_NOTE
        assert datasets.SYNTHETIC_NOTE in r._repr_html_()
        assert json.loads(r.to_json())["note"] == datasets.SYNTHETIC_NOTE

    def test_par_style_demo_complete_after_imputation(
        self, demo: tuple[CompositeIndex, Observations]
    ) -> None:
        """With mean imputation every leaf has a value and every node a score."""
        idx, obs = demo
        r = compute_index(idx, obs, imputation="mean")
        assert not np.isnan(r.scores).any()
        assert set(r.reason.ravel().tolist()) == {""}
        assert r.imputed.sum() == np.isnan(obs.matrix(None, [n.code for n in idx.leaves()])).sum()
        for c in idx.children:
            assert sorted(r.rank(c.code).tolist())[0] == 1
        # the domains' contributions add up to the index
        top = [r.nodes.index(c.code) for c in idx.children]
        same(r.contributions[top].sum(axis=0), r.score())

    def test_par_style_demo_weight_set(self, demo: tuple[CompositeIndex, Observations]) -> None:
        """The equal_domains set gives each domain an effective weight of 1/8."""
        idx, obs = demo
        r = compute_index(idx, obs, weights="equal_domains", period=2023)
        assert r.period == "2023"
        ew = r.effective_weights
        for c in idx.children:
            assert ew[c.code] == pytest.approx(1 / 8)
        leaves = sum(ew[n.code] for n in idx.leaves())
        assert leaves == pytest.approx(1.0)


class TestRatioPartsRefused:
    """Rows in the ratio form (numerator, denominator) are refused, not silently dropped."""

    def test_csv_row_with_parts(self, tmp_path: Path) -> None:
        """A mixed file names the row and field of every ratio row."""
        path = tmp_path / "mixed.csv"
        path.write_text(
            "indicator,unit,period,value,numerator,denominator\n"
            "a,01,2024,,8,10\n"
            "b,01,2024,50,,\n"
            "a,02,2024,,,4\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidDataError) as info:
            Observations.from_csv(path)
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [
            (2, "numerator", "ratio_parts"),
            (4, "numerator", "ratio_parts"),
        ]
        assert "numerator and denominator are not read" in str(info.value)
        assert str(path) in str(info.value)

    def test_csv_without_value_column(self, tmp_path: Path) -> None:
        """A file in the ratio form only is refused row by row, not for a missing 'value' column."""
        path = tmp_path / "parts.csv"
        path.write_text("indicator,unit,numerator,denominator\na,01,8,10\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            Observations.from_csv(path)
        assert [p.kind for p in info.value.problems] == ["ratio_parts"]

    def test_records_with_empty_parts_are_fine(self) -> None:
        """Empty parts (None, '', NaN) are no problem."""
        obs = Observations.from_records(
            [
                {"indicator": "a", "unit": "u", "value": 1, "numerator": None},
                {"indicator": "a", "unit": "v", "value": 2, "denominator": float("nan")},
                {"indicator": "a", "unit": "w", "value": 3, "numerator": " "},
            ]
        )
        assert obs.values.tolist() == [[[1.0, 2.0, 3.0]]]

    def test_records_with_parts(self) -> None:
        """A record with a numerator is refused even when it also has a value."""
        with pytest.raises(InvalidDataError, match="numerator and denominator are not read"):
            Observations.from_records([{"indicator": "a", "unit": "u", "value": 1, "numerator": 5}])


class TestObservationsOut:
    """Observations write back the long form they read, and show themselves briefly."""

    def test_to_records_leaves_out_missing_values(self) -> None:
        """One record per value present, in period, indicator, unit order."""
        obs = Observations.from_values(
            {"a": [1.5, NAN], "b": [NAN, 2.0]}, ["u1", "u2"], period="2024"
        )
        assert obs.to_records() == [
            {"indicator": "a", "unit": "u1", "period": "2024", "value": 1.5},
            {"indicator": "b", "unit": "u2", "period": "2024", "value": 2.0},
        ]

    def test_csv_round_trip(self, tmp_path: Path) -> None:
        """to_csv then from_csv gives the same values for every indicator, unit and period."""
        obs = datasets.index_observations()
        path = tmp_path / "obs.csv"
        obs.to_csv(path)
        back = Observations.from_csv(path, note=obs.note)
        assert back.periods == obs.periods
        assert sorted(back.units) == sorted(obs.units)
        assert sorted(map(tuple, (r.values() for r in back.to_records()))) == sorted(
            map(tuple, (r.values() for r in obs.to_records()))
        )
        assert path.read_text(encoding="utf-8").splitlines()[0] == "indicator,unit,period,value"

    def test_to_frame(self) -> None:
        """to_frame has the four columns (pandas extra)."""
        pytest.importorskip("pandas")
        frame = Observations.from_values({"a": [1.0, 2.0]}, ["u1", "u2"]).to_frame()
        assert list(frame.columns) == ["indicator", "unit", "period", "value"]
        assert frame["value"].tolist() == [1.0, 2.0]

    def test_reprs_are_short(self) -> None:
        """Observations, results and uncertainty show a one-line summary, not their arrays."""
        obs = datasets.index_observations()
        # 30 indicators x 63 units x 3 periods = 5670 cells, 168 of them missing: 5502 values
        assert (
            repr(obs) == "Observations(30 indicators, 63 units, 3 periods 2022–2024, 5502 values)"
        )
        assert f"note: {datasets.SYNTHETIC_NOTE}" in obs.describe().splitlines()
        r = compute_index(load_index("par-style-demo"), obs)
        assert repr(r) == "IndexResult('par-style-demo', period 2024, 63 units, 54 nodes)"
        assert r.describe().splitlines()[1:] == [
            f"method: {r.method}",
            f"note: {datasets.SYNTHETIC_NOTE}",
        ]
        plain = Observations.from_values({"a": [1.0]}, ["u"])
        assert repr(plain) == "Observations(1 indicator, 1 unit, 1 period '', 1 value)"
        assert "note" not in plain.describe()
        assert (
            "note" not in compute_index(CompositeIndex("i", children=[Node("a")]), plain).describe()
        )


def test_csv_round_trip_without_a_period(tmp_path: Path) -> None:
    """Data without a period are written without the period column and read back the same."""
    obs = Observations.from_values({"a": [1.0, 2.0]}, ["u", "v"])
    path = tmp_path / "obs.csv"
    obs.to_csv(path)
    assert path.read_text(encoding="utf-8") == "indicator,unit,value\na,u,1.0\na,v,2.0\n"
    back = Observations.from_csv(path)
    assert back.periods == ("",)
    assert back.values.tolist() == obs.values.tolist()


class TestMessagesNamingMany:
    """Messages name the first five codes and count the others."""

    def test_an_aggregation_error_names_five_nodes_and_counts_the_rest(self) -> None:
        """Seven domains aggregated together, one with a 0 under a geometric mean."""
        idx = CompositeIndex(
            "i",
            children=[Node(f"d{j}", children=[Node(f"x{j}")]) for j in range(7)],
            aggregation="geometric",
            normalisation=Method("none"),
        )
        data = Observations.from_values(
            {f"x{j}": ([0.0, 1.0] if j == 0 else [1.0, 2.0]) for j in range(7)}, ["A", "B"]
        )
        with pytest.raises(InvalidDataError) as info:
            compute_index(idx, data)
        assert info.value.problems[0].message.startswith(
            "aggregating node(s) 'd0', 'd1', 'd2', 'd3', 'd4' (and 2 more): the geometric mean"
        )

    def test_five_ignored_codes_are_all_named(self) -> None:
        """Five codes not in the index: all five named, no 'and 0 more'."""
        data = Observations.from_values(
            {"x": [1.0, 2.0], **{f"u{j}": [1.0, 2.0] for j in range(5)}}, ["A", "B"]
        )
        r = compute_index(one_leaf(), data, on_unknown="ignore")
        assert r.note == (
            "5 indicator(s) of the data not in index 'i' ignored (10 value(s)): "
            "'u0', 'u1', 'u2', 'u3', 'u4'."
        )

    def test_ignored_codes_name_five_and_count_the_rest(self) -> None:
        """Seven codes not in the index, ignored: five named, 'and 2 more'."""
        data = Observations.from_values(
            {"x": [1.0, 2.0], **{f"u{j}": [1.0, 2.0] for j in range(7)}}, ["A", "B"]
        )
        r = compute_index(one_leaf(), data, on_unknown="ignore")
        assert r.note == (
            "7 indicator(s) of the data not in index 'i' ignored (14 value(s)): "
            "'u0', 'u1', 'u2', 'u3', 'u4' and 2 more."
        )


class TestArgumentTypes:
    """Arguments of the wrong type get a typed error that says what is expected."""

    DATA: ClassVar[dict[str, list[float]]] = {"x": [1.0, 2.0, 3.0]}

    def test_aggregation_that_is_no_method(self) -> None:
        from cchc_indicators.core.errors import ArgumentTypeError

        with pytest.raises(ArgumentTypeError, match=r"'aggregation' must be a method .* got int 3"):
            compute_index(one_leaf(), values(self.DATA), aggregation=3)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("units", "given"), [(3, "int 3"), ("AB", "str 'AB'"), ({}, "dict {}")]
    )
    def test_units_that_are_no_list(self, units: object, given: str) -> None:
        """A str would be read as its letters, a mapping as its keys: both are refused."""
        from cchc_indicators.core.errors import ArgumentTypeError

        with pytest.raises(
            ArgumentTypeError, match=f"'units' must be a list of codes, got {re.escape(given)}"
        ):
            compute_index(one_leaf(), values(self.DATA), units=units)  # type: ignore[arg-type]

    def test_units_empty(self) -> None:
        with pytest.raises(DefinitionError, match="'units' is empty: give at least one code"):
            compute_index(one_leaf(), values(self.DATA), units=[])

    def test_units_any_iterable_of_codes(self) -> None:
        """A numpy array (or a pandas Index) of codes is a list of codes."""
        r = compute_index(one_leaf(), values(self.DATA), units=np.array(["C", "A"]))
        assert r.units == ("C", "A")

    def test_uncertainty_nodes(self) -> None:
        from cchc_indicators.composite.uncertainty import uncertainty
        from cchc_indicators.core.errors import ArgumentTypeError

        with pytest.raises(ArgumentTypeError, match="'nodes' must be a list of codes, got int 3"):
            uncertainty(one_leaf(), values(self.DATA), nodes=3, n=4)  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="'nodes' is empty"):
            uncertainty(one_leaf(), values(self.DATA), nodes=[], n=4)
        with pytest.raises(ArgumentTypeError, match="'units' must be a list of codes, got dict"):
            uncertainty(one_leaf(), values(self.DATA), units={}, n=4)  # type: ignore[arg-type]

    def test_observations_from_values(self) -> None:
        from cchc_indicators.core.errors import ArgumentTypeError

        with pytest.raises(ArgumentTypeError, match=r"'values' must be a mapping .* got None$"):
            Observations.from_values(None, ["A"])  # type: ignore[arg-type]
        with pytest.raises(
            ArgumentTypeError, match="'units' must be a list of unit codes, got str"
        ):
            Observations.from_values({"x": [1.0]}, "A")
        with pytest.raises(
            InvalidDataError, match="indicator 'x': the values must be numbers"
        ) as info:
            Observations.from_values({"x": ["many"]}, ["A"])
        assert info.value.problems[0].kind == "not_a_number"
