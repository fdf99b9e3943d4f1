"""Tests of panels: reading observations, validating them, storing and giving them back."""

from __future__ import annotations

import math
import pickle
import re
import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    IndicatorData,
    InvalidDataError,
    Panel,
    PanelError,
    UnknownIndicatorError,
    UnknownUnitError,
    measures,
)
from cchc_indicators.core._validate import PROBLEM_LIMIT
from cchc_indicators.data import panel as panel_module

PCT = Indicator("pct", "Tỷ lệ hồ sơ trực tuyến")
CNT = Indicator("cnt", "Số biên chế", measure=measures.count())
BIN = Indicator("bin", "Có hệ thống họp trực tuyến", measure=measures.binary())
SCORE = Indicator("score", "Điểm", measure=measures.score(0, 10))
RANK = Indicator("rank", "Xếp hạng", measure=measures.rank())
PER_1000 = Indicator("per1000", "Hồ sơ / 1.000 dân", measure=measures.ratio(1000))
TENTHS = Indicator("tenths", "Phần mười", measure=measures.ratio(10, bounded=True))
DEFS = [PCT, CNT, BIN, SCORE, RANK, PER_1000, TENTHS]


@pytest.fixture(autouse=True, params=["numpy", "arrow"])
def csv_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test of this module runs with each CSV engine as the default one."""
    engine: str = request.param
    choose = panel_module._csv_engine
    monkeypatch.setattr(panel_module, "_csv_engine", lambda e: choose(engine if e == "auto" else e))
    return engine


@pytest.fixture(scope="module")
def h() -> Hierarchy:
    """One province '26' with two districts '243' and '244' (positions 0, 1, 2)."""
    return Hierarchy.from_records(
        [
            {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
            {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
            {"code": "244", "name": "Phúc Yên", "level": "district", "parent": "26"},
        ],
        levels=("province", "district"),
    )


def rec(**kw: Any) -> dict[str, Any]:
    """An observation of 'pct' for unit '243' in 2024, with the given fields."""
    return {"indicator": "pct", "unit": "243", "period": 2024, **kw}


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 text file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def one_problem(
    h: Hierarchy, records: list[dict[str, Any]], *, defs: list[Indicator] | None = DEFS, **kw: Any
) -> PanelError:
    """Load ``records`` expecting a PanelError with exactly one problem, and return it."""
    with pytest.raises(PanelError) as info:
        Panel.from_records(records, h, indicators=defs, **kw)
    assert len(info.value.problems) == 1, str(info.value)
    return info.value


class TestKeyErrors:
    """Problems with the key (indicator, unit, period) of an observation."""

    def test_unknown_unit(self, h: Hierarchy) -> None:
        """A unit not in the hierarchy is rejected."""
        err = one_problem(h, [rec(unit="99", value=5)])
        (p,) = err.problems
        assert (p.row, p.field, p.kind) == (0, "unit", "unknown_unit")
        assert p.message == "unknown unit '99' (not in the hierarchy, edition None)"

    def test_unit_code_is_not_an_integer(self, h: Hierarchy) -> None:
        """A unit code that differs only by leading zeros is a different, unknown unit."""
        err = one_problem(h, [rec(unit="0243", value=5)])
        assert err.kinds == ("unknown_unit",)

    def test_unknown_indicator_with_definitions(self, h: Hierarchy) -> None:
        """With definitions given, an indicator without one is rejected, listing the known codes."""
        err = one_problem(h, [rec(indicator="zzz", value=5)], defs=[PCT, CNT])
        (p,) = err.problems
        assert (p.row, p.field, p.kind) == (0, "indicator", "unknown_indicator")
        assert p.message == "unknown indicator 'zzz'; the definitions given are 'cnt', 'pct'"

    def test_unknown_indicator_without_definitions_is_accepted(self, h: Hierarchy) -> None:
        """Without definitions, any indicator code is accepted."""
        p = Panel.from_records([rec(indicator="zzz", value=5)], h)
        assert p.indicator_codes == ("zzz",)

    def test_duplicate_key_names_first_row(self, h: Hierarchy) -> None:
        """A second observation of the same key is rejected, naming the first row."""
        records = [rec(value=1), rec(unit="244", value=2), rec(period="2024", value=3)]
        err = one_problem(h, records)
        (p,) = err.problems
        assert (p.row, p.field, p.kind) == (2, "period", "duplicate_key")
        assert p.message == "duplicate observation of ('pct', '243', '2024'); first given in row 0"

    def test_same_unit_in_other_period_or_indicator_is_no_duplicate(self, h: Hierarchy) -> None:
        """The same unit in another period or for another indicator is a different key."""
        p = Panel.from_records(
            [rec(value=1), rec(period=2025, value=2), rec(indicator="cnt", value=3)], h
        )
        assert len(p) == 3

    def test_empty_indicator_and_unit(self, h: Hierarchy) -> None:
        """Empty indicator and unit fields are each reported."""
        with pytest.raises(PanelError) as info:
            Panel.from_records([rec(indicator="", unit=None, value=1)], h)
        assert [(p.field, p.kind, p.message) for p in info.value.problems] == [
            ("indicator", "empty_field", "the indicator is empty"),
            ("unit", "empty_field", "the unit is empty"),
        ]

    @pytest.mark.parametrize("period", ["20x", "2024-13", "2024-Q5", "24", "", None, True, 2024.5])
    def test_bad_period(self, h: Hierarchy, period: object) -> None:
        """Periods that are not a year, a quarter or a month are rejected."""
        err = one_problem(h, [rec(period=period, value=5)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("period", "bad_period")
        assert p.message.startswith("not a period: ")
        assert p.message.endswith(
            "(expected a year such as '2024', a quarter '2024-Q2' or a month '2024-06')"
        )

    def test_bad_period_message(self, h: Hierarchy) -> None:
        """The bad period is quoted in the message."""
        err = one_problem(h, [rec(period="20x", value=5)])
        assert err.problems[0].message.startswith("not a period: '20x' (expected")

    def test_mixed_granularity(self, h: Hierarchy) -> None:
        """A unit giving one indicator in two granularities is refused at the later row."""
        err = one_problem(h, [rec(value=1), rec(period="2024-Q1", value=2)])
        (p,) = err.problems
        assert (p.row, p.field, p.kind) == (1, "period", "mixed_periods")
        assert p.message == (
            "period '2024-Q1' is a quarter, but row 0 gives years of indicator 'pct' for unit "
            "'243'; give each indicator and unit in one granularity (years, quarters or months)"
        )

    def test_mixed_granularity_after_months(self, h: Hierarchy) -> None:
        """The first valid period of an indicator and unit sets its granularity; bad periods are skipped."""
        records = [
            rec(period="bad", value=1),
            rec(period="2024-06", value=1),
            rec(period=2024, value=2),
        ]
        with pytest.raises(PanelError) as info:
            Panel.from_records(records, h)
        problems = info.value.problems
        assert [(p.row, p.kind) for p in problems] == [(0, "bad_period"), (2, "mixed_periods")]
        assert problems[1].message.startswith(
            "period '2024' is a year, but row 1 gives months of indicator 'pct' for unit '243'"
        )

    def test_mixed_granularity_names_every_row_against_the_first(self, h: Hierarchy) -> None:
        """Each row of another granularity than its series' first row is named, with that row."""
        records = [
            rec(period="2024-Q1", value=1),
            rec(period="2024-Q2", value=1),
            rec(period="2024-05", value=1),
            rec(period="2023", value=1),
        ]
        with pytest.raises(PanelError) as info:
            Panel.from_records(records, h, first_row=2)
        assert [(p.row, p.kind) for p in info.value.problems] == [
            (4, "mixed_periods"),
            (5, "mixed_periods"),
        ]
        assert all("but row 2 gives quarters" in p.message for p in info.value.problems)

    def test_granularities_may_differ_between_indicators(self, h: Hierarchy) -> None:
        """Different indicators may be given in different granularities; the axis holds all of them."""
        p = Panel.from_records(
            [
                rec(indicator="score", period=2024, value=7),
                rec(period="2024-Q2", value=40),
                rec(period="2024-Q1", value=30),
                rec(indicator="cnt", period="2024-02", value=3),
            ],
            h,
        )
        assert p.periods == ("2024", "2024-Q1", "2024-02", "2024-Q2")
        assert p.granularity is None
        assert p.granularities == {"cnt": ("month",), "pct": ("quarter",), "score": ("year",)}
        np.testing.assert_array_equal(p.data_of("pct").value[1], [np.nan, 30.0, np.nan, 40.0])

    def test_granularities_may_differ_between_units(self, h: Hierarchy) -> None:
        """Different units of one indicator may use different granularities."""
        p = Panel.from_records(
            [rec(unit="26", period=2024, value=90), rec(period="2024-Q1", value=80)], h
        )
        assert p.periods == ("2024", "2024-Q1")
        assert p.granularities == {"pct": ("year", "quarter")}
        assert p.value("pct", "26", 2024) == 90.0
        assert math.isnan(p.value("pct", "243", 2024))

    def test_single_granularity(self, h: Hierarchy) -> None:
        """A panel of one granularity says which; an empty one says None."""
        assert Panel.from_records([rec(period="2024-Q3", value=1)], h).granularity == "quarter"
        assert Panel.from_records([], h).granularity is None


class TestNumberErrors:
    """Problems with the numbers of an observation, before any definition is known."""

    def test_not_a_number(self, h: Hierarchy) -> None:
        """Text that is not a number is rejected, quoted."""
        err = one_problem(h, [rec(value="abc")], defs=None)
        (p,) = err.problems
        assert (p.row, p.field, p.kind) == (0, "value", "not_a_number")
        assert p.message == "not a number: 'abc'"

    def test_object_that_is_not_a_number(self, h: Hierarchy) -> None:
        """A non-numeric object is rejected with its repr."""
        err = one_problem(h, [rec(value=[1])], defs=None)
        assert err.problems[0].message == "not a number: '[1]'"

    @pytest.mark.parametrize(
        ("field", "bad"),
        [("value", math.nan), ("value", math.inf), ("numerator", -math.inf), ("weight", "nan")],
    )
    def test_not_finite(self, h: Hierarchy, field: str, bad: object) -> None:
        """NaN and infinite numbers are rejected in every number column."""
        fields = {"value": 1.0} if field in ("value", "weight") else {"denominator": 1.0}
        fields[field] = bad
        with pytest.raises(PanelError, match="not a finite number") as info:
            Panel.from_records([rec(**fields)], h)
        first = info.value.problems[0]
        assert (first.field, first.kind) == (field, "not_a_number")

    def test_not_finite_message_shows_plain_value(self, h: Hierarchy) -> None:
        """The message shows the bad number as Python prints it ('nan'), not a numpy repr."""
        err = one_problem(h, [rec(value=math.nan)], defs=None)
        assert err.problems[0].message == "not a finite number: nan"

    def test_no_value(self, h: Hierarchy) -> None:
        """A row without value and without parts is rejected."""
        err = one_problem(h, [rec(value="", weight=1)], defs=None)
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "value",
            "no_value",
            "the row gives no value and no numerator/denominator",
        )

    def test_numerator_without_denominator(self, h: Hierarchy) -> None:
        """A numerator alone is rejected on the denominator field."""
        err = one_problem(h, [rec(numerator=5)], defs=None)
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "denominator",
            "incomplete_parts",
            "a numerator needs a denominator",
        )

    def test_denominator_without_numerator(self, h: Hierarchy) -> None:
        """A denominator alone is rejected on the numerator field."""
        err = one_problem(h, [rec(denominator=5, numerator="")], defs=None)
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "numerator",
            "incomplete_parts",
            "a denominator needs a numerator",
        )

    def test_negative_denominator(self, h: Hierarchy) -> None:
        """A negative denominator is rejected (no definition needed)."""
        err = one_problem(h, [rec(numerator=0, denominator=-2)], defs=None)
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "denominator",
            "negative_denominator",
            "the denominator must be >= 0, got -2",
        )

    def test_negative_numerator(self, h: Hierarchy) -> None:
        """A negative numerator is rejected."""
        err = one_problem(h, [rec(numerator=-1, denominator=2)])
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "numerator",
            "negative_numerator",
            "the numerator must be >= 0, got -1",
        )

    def test_positive_numerator_over_zero_denominator(self, h: Hierarchy) -> None:
        """2 over 0 is rejected even without a definition; 0 over 0 is allowed."""
        err = one_problem(h, [rec(numerator=2, denominator=0)], defs=None)
        (p,) = err.problems
        assert (p.field, p.kind) == ("denominator", "positive_over_zero")
        assert p.message.startswith("a numerator of 2 over a denominator of 0 has no meaning")
        p0 = Panel.from_records([rec(numerator=0, denominator=0)], h)
        assert len(p0) == 1

    def test_negative_weight(self, h: Hierarchy) -> None:
        """A negative weight is rejected."""
        err = one_problem(h, [rec(value=5, weight=-1)])
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "weight",
            "negative_weight",
            "the weight must be >= 0, got -1",
        )


class TestMeasureErrors:
    """Problems found by checking observations against their indicator's measure."""

    def test_negative_count(self, h: Hierarchy) -> None:
        """A negative count is rejected."""
        err = one_problem(h, [rec(indicator="cnt", value=-1)])
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == (
            "value",
            "negative_count",
            "a count must be >= 0, got -1",
        )

    def test_numerator_exceeds_denominator_for_percent(self, h: Hierarchy) -> None:
        """For a bounded percent the numerator cannot exceed the denominator."""
        err = one_problem(h, [rec(numerator=3, denominator=2)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("denominator", "numerator_exceeds_denominator")
        assert p.message == "'denominator' must be >= 'numerator' for a share: 2 < 3"

    def test_numerator_exceeds_denominator_for_bounded_ratio(self, h: Hierarchy) -> None:
        """Any bounded ratio, not only a percent, keeps the numerator at most the denominator."""
        err = one_problem(h, [rec(indicator="tenths", numerator=3, denominator=2)])
        assert err.kinds == ("numerator_exceeds_denominator",)

    def test_unbounded_ratio_may_exceed_one(self, h: Hierarchy) -> None:
        """An unbounded rate (per 1,000) may have a numerator above its denominator."""
        p = Panel.from_records(
            [rec(indicator="per1000", numerator=5, denominator=2)], h, indicators=DEFS
        )
        # 5 / 2 x 1000 = 2500
        assert p.value("per1000", "243", 2024) == 2500.0

    def test_numerator_exceeds_denominator_unchecked_without_definition(self, h: Hierarchy) -> None:
        """Without a definition the bound is unknown, so 3/2 is accepted."""
        assert len(Panel.from_records([rec(numerator=3, denominator=2)], h)) == 1

    def test_value_for_ratio_when_parts_required(self, h: Hierarchy) -> None:
        """With require_parts=True a bare value for a ratio is rejected."""
        err = one_problem(h, [rec(value=50)], require_parts=True)
        (p,) = err.problems
        assert (p.field, p.kind) == ("value", "parts_required")
        assert p.message == (
            "indicator 'pct' is a ratio: give numerator and denominator, not a bare value "
            "(only parts can be pooled)"
        )

    def test_value_for_ratio_accepted_by_default(self, h: Hierarchy) -> None:
        """By default a bare value for a ratio is accepted."""
        p = Panel.from_records([rec(value=50)], h, indicators=DEFS)
        assert p.value("pct", "243", 2024) == 50.0

    def test_require_parts_does_not_apply_to_non_ratios(self, h: Hierarchy) -> None:
        """require_parts leaves counts alone."""
        p = Panel.from_records(
            [rec(indicator="cnt", value=5)], h, indicators=DEFS, require_parts=True
        )
        assert len(p) == 1

    def test_parts_for_non_ratio(self, h: Hierarchy) -> None:
        """A count given as numerator/denominator is rejected."""
        err = one_problem(h, [rec(indicator="cnt", numerator=1, denominator=3)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("numerator", "parts_for_non_ratio")
        assert (
            p.message
            == "indicator 'cnt' is a count, not a ratio: give a value, not numerator/denominator"
        )

    def test_value_disagrees_with_parts(self, h: Hierarchy) -> None:
        """A value given with its parts must equal numerator / denominator x scale."""
        err = one_problem(h, [rec(value=50, numerator=1, denominator=3)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("value", "value_disagrees")
        # 1 / 3 x 100 = 33.3333
        assert (
            p.message == "the value 50 disagrees with numerator/denominator (1/3 x 100 = 33.3333)"
        )

    def test_ratio_beyond_the_float_range(self, h: Hierarchy, tmp_path: Path) -> None:
        """1 over 5e-324, per 1,000, is beyond the largest float: refused, naming the row; no warning."""
        message = (
            "numerator/denominator x scale (1/4.94066e-324 x 1000) lies beyond the largest "
            "number (1.79769e+308); check the numerator and the denominator"
        )
        path = write(
            tmp_path / "obs.csv",
            "indicator,unit,period,numerator,denominator\nper1000,243,2024,1,5e-324\n",
        )
        records = [rec(indicator="per1000", numerator=1, denominator=5e-324)]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's warnings are not the package's
            from_records = one_problem(h, records)
            with pytest.raises(PanelError) as from_csv:
                Panel.from_csv(path, h, indicators=DEFS)
            with pytest.raises(PanelError) as later:
                Panel.from_records(records, h).with_indicators([PER_1000])
        for err in [from_records, from_csv.value, later.value]:
            (p,) = err.problems
            assert (p.field, p.kind, p.message) == ("denominator", "ratio_overflow", message)
        assert from_csv.value.problems[0].row == 2

    def test_tiny_denominator_of_a_percent_gives_no_warning(self, h: Hierarchy) -> None:
        """1 of 5e-324 is a numerator above its denominator, and only that: no numpy warning."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            err = one_problem(h, [rec(numerator=1, denominator=5e-324)])
        assert err.kinds == ("numerator_exceeds_denominator",)

    def test_parts_near_the_float_maximum(self, h: Hierarchy) -> None:
        """1.5e308 of 1.6e308 is 93.75 %, with or without a value given beside it."""
        records = [
            rec(numerator=1.5e308, denominator=1.6e308),
            rec(unit="244", numerator=1.5e308, denominator=1.6e308, value=93.75),
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            p = Panel.from_records(records, h, indicators=DEFS)
            assert (p.value("pct", "243", 2024), p.value("pct", "244", 2024)) == (93.75, 93.75)

    def test_value_agreeing_with_parts_is_stored_as_parts(self, h: Hierarchy) -> None:
        """A value equal to its parts' ratio is accepted; both are kept, the parts are used."""
        p = Panel.from_records([rec(value=25, numerator=1, denominator=4)], h, indicators=DEFS)
        assert p.to_records() == [
            {
                "indicator": "pct",
                "unit": "243",
                "period": "2024",
                "value": 25.0,
                "numerator": 1.0,
                "denominator": 4.0,
            }
        ]
        assert not p.data_of("pct").any_bare_value

    @pytest.mark.parametrize("value", [2, 0.5, -1])
    def test_binary_not_0_or_1(self, h: Hierarchy, value: float) -> None:
        """A binary value other than 0 or 1 is rejected."""
        err = one_problem(h, [rec(indicator="bin", value=value)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("value", "not_binary")
        assert p.message == f"indicator 'bin' is binary: the value must be 0 or 1, got {value:g}"

    @pytest.mark.parametrize(
        ("indicator", "value", "message"),
        [
            ("pct", 101, "a percent must lie in [0, 100], got 101"),
            ("pct", -1, "a percent must lie in [0, 100], got -1"),
            ("score", 11, "a score must lie in [0, 10], got 11"),
            ("score", -0.5, "a score must lie in [0, 10], got -0.5"),
            ("tenths", 10.5, "a ratio must lie in [0, 10], got 10.5"),
        ],
    )
    def test_out_of_bounds(self, h: Hierarchy, indicator: str, value: float, message: str) -> None:
        """Values outside a bounded measure's interval are rejected."""
        err = one_problem(h, [rec(indicator=indicator, value=value)])
        (p,) = err.problems
        assert (p.field, p.kind, p.message) == ("value", "out_of_bounds", message)

    def test_bounds_are_closed(self, h: Hierarchy) -> None:
        """The ends of the interval are allowed: 0 and 100 %, 0 and 10 points."""
        records = [
            rec(value=0),
            rec(unit="244", value=100),
            rec(indicator="score", value=0),
            rec(indicator="score", unit="244", value=10),
        ]
        assert len(Panel.from_records(records, h, indicators=DEFS)) == 4

    @pytest.mark.parametrize("value", [0, 1.5, -3])
    def test_bad_rank(self, h: Hierarchy, value: float) -> None:
        """A rank must be a whole number from 1."""
        err = one_problem(h, [rec(indicator="rank", value=value)])
        (p,) = err.problems
        assert (p.field, p.kind) == ("value", "bad_rank")
        assert p.message == f"a rank must be a whole number >= 1, got {value:g}"

    def test_not_a_definition(self, h: Hierarchy) -> None:
        """indicators= must hold Indicator objects."""
        with pytest.raises(
            DefinitionError, match="indicators must be Indicator objects, got 'pct'"
        ):
            Panel.from_records([rec(value=1)], h, indicators=["pct"])  # type: ignore[list-item]

    def test_conflicting_definitions(self, h: Hierarchy) -> None:
        """Two different definitions of one code are rejected, naming the code."""
        with pytest.raises(
            DefinitionError, match="two different definitions of indicator 'pct'"
        ) as info:
            Panel.from_records(
                [rec(value=1)], h, indicators=[PCT, Indicator("pct", "P", rule="mean")]
            )
        assert info.value.code == "pct"

    def test_repeated_identical_definition(self, h: Hierarchy) -> None:
        """The same definition given twice is accepted."""
        p = Panel.from_records([rec(value=1)], h, indicators=[PCT, PCT])
        assert p.indicator("pct") == PCT


class TestAllProblemsTogether:
    """Every problem is collected, in row order, and nothing is loaded."""

    def test_csv_problems_with_spreadsheet_rows(self, h: Hierarchy, tmp_path: Path) -> None:
        """All problems of a CSV file are reported at once, the header counting as row 1."""
        path = write(
            tmp_path / "obs.csv",
            "indicator,unit,period,value,numerator,denominator\n"
            "pct,243,2024,,45,50\n"  # row 2: fine
            "pct,999,2024,50,,\n"  # row 3: unknown unit
            "pct,243,2024,,1,2\n"  # row 4: duplicate of row 2
            "cnt,243,2024,-1,,\n"  # row 5: negative count
            "pct,244,2024,,3,2\n"  # row 6: numerator above denominator
            "pct,243,2024-Q1,abc,,\n"  # row 7: mixed period (243 gives years) and not a number
            "nope,26,2024,1,,\n",  # row 8: unknown indicator
        )
        with pytest.raises(PanelError) as info:
            Panel.from_csv(path, h, indicators=DEFS)
        err = info.value
        assert err.source == str(path)
        assert [(p.row, p.field, p.kind) for p in err.problems] == [
            (3, "unit", "unknown_unit"),
            (4, "period", "duplicate_key"),
            (5, "value", "negative_count"),
            (6, "denominator", "numerator_exceeds_denominator"),
            (7, "period", "mixed_periods"),
            (7, "value", "not_a_number"),
            (8, "indicator", "unknown_indicator"),
        ]
        assert err.problems[1].message.endswith("first given in row 2")
        assert str(err).startswith(f"{path}: 7 problems\n  row 3, field 'unit': unknown unit '999'")

    def test_problem_limit(self, h: Hierarchy) -> None:
        """Past PROBLEM_LIMIT problems, one last problem says how many were not listed."""
        records = [rec(unit="99", value=1)] * (PROBLEM_LIMIT + 3)
        with pytest.raises(PanelError) as info:
            Panel.from_records(records, h)
        err = info.value
        assert len(err.problems) == PROBLEM_LIMIT + 1
        assert err.problems[-1].message == "... 3 more problems not listed"
        assert err.kinds == ("unknown_unit", "truncated")

    def test_missing_key_column(self, h: Hierarchy, tmp_path: Path) -> None:
        """A CSV file without a key column is rejected at row 1."""
        path = write(tmp_path / "obs.csv", "indicator,unit,value\npct,243,5\n")
        with pytest.raises(
            PanelError, match=re.escape("missing column(s) period; got indicator,unit,value")
        ) as info:
            Panel.from_csv(path, h)
        (p,) = info.value.problems
        assert (p.row, p.kind) == (1, "missing_column")

    def test_missing_number_columns(self, h: Hierarchy, tmp_path: Path) -> None:
        """A CSV file with neither value nor numerator/denominator is rejected."""
        path = write(tmp_path / "obs.csv", "indicator,unit,period,weight\n")
        with pytest.raises(
            PanelError,
            match=re.escape(
                "missing column(s) value (or numerator,denominator); got indicator,unit,period,weight"
            ),
        ):
            Panel.from_csv(path, h)

    def test_empty_file(self, h: Hierarchy, tmp_path: Path) -> None:
        """An empty file is missing every key column."""
        path = write(tmp_path / "obs.csv", "")
        with pytest.raises(
            PanelError,
            match=re.escape("missing column(s) indicator, unit, period; got (empty file)"),
        ):
            Panel.from_csv(path, h)


class TestReading:
    """Panels read from records, CSV files and columns."""

    def test_from_records(self, h: Hierarchy) -> None:
        """Records become dense arrays, NaN where nothing was given."""
        p = Panel.from_records(
            [rec(numerator=45, denominator=50), rec(unit="26", period="2023", value=95.0)],
            h,
            indicators=[PCT],
        )
        assert repr(p) == "Panel(1 indicator, 3 units, 2 periods 2023–2024, 2 observations)"
        d = p.data_of("pct")
        # rows: 26, 243, 244; columns: 2023, 2024
        assert np.array_equal(
            d.value, [[95.0, np.nan], [np.nan, np.nan], [np.nan, np.nan]], equal_nan=True
        )
        assert np.array_equal(
            d.numerator, [[np.nan, np.nan], [np.nan, 45.0], [np.nan, np.nan]], equal_nan=True
        )
        assert d.row.tolist() == [[1, -1], [-1, 0], [-1, -1]]
        assert p.indicator("pct") == PCT
        assert "pct" in p
        assert "cnt" not in p

    def test_numbers_as_text(self, h: Hierarchy) -> None:
        """Numbers may be given as text, with spaces."""
        p = Panel.from_records([rec(numerator=" 45 ", denominator="50")], h, indicators=[PCT])
        # 45 / 50 x 100 = 90
        assert p.value("pct", "243", 2024) == 90.0

    def test_periods_are_normalised_and_sorted(self, h: Hierarchy) -> None:
        """Periods are canonical labels in time order."""
        p = Panel.from_records(
            [
                rec(period="2024q3", value=1),
                rec(period=" 2024-Q1", value=2),
                rec(period="2023Q4", value=3),
            ],
            h,
        )
        assert p.periods == ("2023-Q4", "2024-Q1", "2024-Q3")
        assert p.period_index("2024q1") == 1

    def test_month_periods(self, h: Hierarchy) -> None:
        """Months sort in time order."""
        p = Panel.from_records(
            [
                rec(period="2024-11", value=1),
                rec(period="2024-02", value=2),
                rec(period="2023-12", value=3),
            ],
            h,
        )
        assert p.periods == ("2023-12", "2024-02", "2024-11")

    def test_year_as_float(self, h: Hierarchy) -> None:
        """A whole-number float year is a year."""
        assert Panel.from_records([rec(period=2024.0, value=1)], h).periods == ("2024",)

    def test_year_as_float_beside_text(self, h: Hierarchy) -> None:
        """A float year is a year whatever the type of the other rows' periods."""
        records = [rec(period=2024.0, value=1), rec(period="2025", value=2)]
        assert Panel.from_records(records, h).periods == ("2024", "2025")

    def test_period_lookup_spellings(self, h: Hierarchy) -> None:
        """Lookups accept a period as text, integer or whole float, and reject a bool."""
        p = Panel.from_records([rec(period=2023, value=1), rec(period=2024, value=2)], h)
        assert p.period_index("2024") == p.period_index(2024) == p.period_index(2024.0) == 1
        with pytest.raises(ValueError, match="not a period: True"):
            p.period_index(True)
        with pytest.raises(ValueError, match=re.escape("not a period: 2024.5 (expected a year")):
            p.period_index(2024.5)

    def test_from_columns_float_periods(self, h: Hierarchy) -> None:
        """from_columns reads a float array of whole years."""
        p = Panel.from_columns(
            h,
            indicator=["cnt", "cnt"],
            unit=["26", "26"],
            period=np.array([2025.0, 2024.0]),
            value=[1, 2],
        )
        assert p.periods == ("2024", "2025")
        assert p.data_of("cnt").value[0].tolist() == [2.0, 1.0]

    def test_from_csv_with_bom_mixed_rows_and_weight(self, h: Hierarchy, tmp_path: Path) -> None:
        """A CSV with a byte-order mark mixes value rows and parts rows, with an optional weight."""
        path = tmp_path / "obs.csv"
        path.write_bytes(
            (
                "\ufeffindicator,unit,period,value,numerator,denominator,weight\n"
                "pct,243,2024,,45,50,2\n"
                "pct,244,2024,80,,,\n"
                "cnt,26,2024,12,,,\n"
            ).encode()
        )
        p = Panel.from_csv(path, h, indicators=DEFS)
        assert p.source == str(path)
        assert p.indicator_codes == ("cnt", "pct")
        # 45 / 50 x 100 = 90
        assert p.value("pct", "243", "2024") == 90.0
        assert p.value("pct", "244", "2024") == 80.0
        assert p.value("cnt", "26", "2024") == 12.0
        assert math.isnan(p.value("cnt", "243", "2024"))
        d = p.data_of("pct")
        assert np.array_equal(d.weight[:, 0], [np.nan, 2.0, np.nan], equal_nan=True)
        # CSV rows: header is 1, so 243 is row 2 and 244 row 3
        assert d.row[:, 0].tolist() == [-1, 2, 3]

    def test_from_csv_without_optional_columns(self, h: Hierarchy, tmp_path: Path) -> None:
        """A CSV with only numerator and denominator (no value, no weight) is enough."""
        path = write(
            tmp_path / "obs.csv", "unit,indicator,period,denominator,numerator\n243,pct,2024,4,1\n"
        )
        p = Panel.from_csv(path, h, indicators=[PCT])
        # 1 / 4 x 100 = 25
        assert p.value("pct", "243", 2024) == 25.0

    def test_from_columns(self, h: Hierarchy) -> None:
        """Columns build a panel; NaN in a number column means not given."""
        p = Panel.from_columns(
            h,
            indicator=["pct", "pct", "cnt"],
            unit=np.array(["243", "244", "26"]),
            period=[2024, 2024, 2024],
            value=np.array([np.nan, 80.0, 12.0]),
            numerator=[45.0, np.nan, np.nan],
            denominator=[50.0, np.nan, np.nan],
            weight=[2.0, np.nan, np.nan],
            indicators=DEFS,
        )
        assert p.source == "<columns>"
        assert p.value("pct", "243", 2024) == 90.0
        assert p.value("pct", "244", 2024) == 80.0
        assert p.value("cnt", "26", 2024) == 12.0
        assert p.data_of("pct").weight[1, 0] == 2.0

    def test_from_columns_validates(self, h: Hierarchy) -> None:
        """Columns are validated like records; rows are numbered from 0."""
        with pytest.raises(PanelError) as info:
            Panel.from_columns(
                h,
                indicator=["pct", "pct"],
                unit=["243", "99"],
                period=[2024, 2024],
                value=[1.0, np.inf],
            )
        assert [(p.row, p.kind) for p in info.value.problems] == [
            (1, "unknown_unit"),
            (1, "not_a_number"),
        ]

    def test_from_columns_number_column_length(self, h: Hierarchy) -> None:
        """A number column of the wrong length is rejected."""
        with pytest.raises(ValueError, match="column 'value' has 1 rows, expected 2"):
            Panel.from_columns(
                h, indicator=["pct", "pct"], unit=["243", "244"], period=[2024, 2024], value=[1.0]
            )

    @pytest.mark.parametrize(
        ("column", "keys"),
        [
            ("unit", {"unit": ["243"], "period": [2024, 2024]}),
            ("period", {"unit": ["243", "244"], "period": [2024]}),
        ],
    )
    def test_from_columns_key_column_length(
        self, h: Hierarchy, column: str, keys: dict[str, list[Any]]
    ) -> None:
        """A key column of the wrong length is rejected with a ValueError naming the column."""
        with pytest.raises(ValueError, match=f"column '{column}'"):
            Panel.from_columns(h, indicator=["pct", "pct"], value=[1.0, 2.0], **keys)

    def test_empty_panel(self, h: Hierarchy) -> None:
        """No records give an empty panel."""
        p = Panel.from_records([], h)
        assert (len(p), p.periods, p.indicator_codes) == (0, (), ())


class TestOutput:
    """Panels give their observations back as records and frames."""

    RECORDS: ClassVar[list[dict[str, object]]] = [
        {"indicator": "cnt", "unit": "26", "period": "2024", "value": 12.0},
        {"indicator": "cnt", "unit": "243", "period": "2023", "value": 5.0, "weight": 1.5},
        {
            "indicator": "pct",
            "unit": "243",
            "period": "2024",
            "numerator": 45.0,
            "denominator": 50.0,
        },
        {"indicator": "pct", "unit": "244", "period": "2024", "value": 80.0},
    ]

    def test_records_roundtrip_is_lossless(self, h: Hierarchy) -> None:
        """to_records gives back the records, ordered by indicator, unit, period."""
        shuffled = [self.RECORDS[i] for i in (3, 1, 0, 2)]
        p = Panel.from_records(shuffled, h, indicators=DEFS)
        assert p.to_records() == self.RECORDS
        again = Panel.from_records(p.to_records(), h, indicators=DEFS)
        assert again.to_records() == self.RECORDS
        assert again.periods == p.periods

    def test_to_frame(self, h: Hierarchy) -> None:
        """to_frame gives one row per observation with all columns."""
        pd = pytest.importorskip("pandas")
        frame = Panel.from_records(self.RECORDS, h).to_frame()
        assert isinstance(frame, pd.DataFrame)
        assert frame.columns.tolist() == [
            "indicator",
            "unit",
            "period",
            "value",
            "numerator",
            "denominator",
            "weight",
        ]
        assert frame.shape == (4, 7)
        assert frame["unit"].tolist() == ["26", "243", "243", "244"]
        assert frame.loc[2, "denominator"] == 50.0
        assert math.isnan(frame.loc[2, "value"])

    def test_to_frame_of_empty_panel(self, h: Hierarchy) -> None:
        """An empty panel gives an empty frame with the columns."""
        pytest.importorskip("pandas")
        frame = Panel.from_records([], h).to_frame()
        assert frame.shape == (0, 7)


class TestLookups:
    """Values, data and definitions by key."""

    @pytest.fixture
    def p(self, h: Hierarchy) -> Panel:
        """A panel of 'pct' (parts and value) and 'cnt' in 2023 and 2024."""
        return Panel.from_records(
            [
                rec(numerator=45, denominator=50),
                rec(unit="244", value=80),
                rec(unit="26", numerator=0, denominator=0),
                rec(indicator="cnt", unit="26", period=2023, value=7),
            ],
            h,
            indicators=[PCT, CNT],
        )

    def test_value_from_parts(self, p: Panel) -> None:
        """A ratio given as parts has the value numerator / denominator x scale: 45 / 50 x 100 = 90."""
        assert p.value("pct", "243", 2024) == 90.0

    def test_value_given(self, p: Panel) -> None:
        """A value given directly is returned as it is."""
        assert p.value("pct", "244", "2024") == 80.0

    def test_zero_denominator_has_no_value(self, p: Panel) -> None:
        """0 / 0 gives NaN, never 0 or infinity."""
        assert math.isnan(p.value("pct", "26", 2024))

    def test_missing_observation(self, p: Panel) -> None:
        """A key without an observation gives NaN."""
        assert math.isnan(p.value("cnt", "243", 2023))

    def test_parts_without_definition(self, h: Hierarchy) -> None:
        """Without a definition the scale is unknown, so parts give no value."""
        p = Panel.from_records([rec(numerator=1, denominator=2)], h)
        assert math.isnan(p.value("pct", "243", 2024))

    def test_unknown_unit(self, p: Panel) -> None:
        """An unknown unit raises UnknownUnitError."""
        with pytest.raises(UnknownUnitError, match="unknown unit code '99'"):
            p.value("pct", "99", 2024)

    def test_unknown_period(self, p: Panel) -> None:
        """A period the panel does not hold raises KeyError listing the periods."""
        with pytest.raises(
            KeyError, match="period '2025' is not in the panel; it holds 2023, 2024"
        ):
            p.value("pct", "243", 2025)

    def test_unknown_indicator(self, p: Panel) -> None:
        """An indicator the panel does not hold raises UnknownIndicatorError."""
        with pytest.raises(
            UnknownIndicatorError, match="indicator 'x' is not in the panel; it holds 'cnt', 'pct'"
        ):
            p.value("x", "243", 2024)

    def test_empty_panel_holds_no_indicator(self, h: Hierarchy) -> None:
        """The message of an empty panel says it holds no indicator."""
        with pytest.raises(UnknownIndicatorError, match="it holds no indicator"):
            Panel.from_records([], h).data_of("x")

    def test_len_counts_observations(self, p: Panel) -> None:
        """len() is the number of observations."""
        assert len(p) == 4


class TestWithIndicators:
    """with_indicators checks the data against new definitions and adds them."""

    def test_adds_definitions(self, h: Hierarchy) -> None:
        """Definitions of held indicators are added; others are ignored."""
        p = Panel.from_records([rec(numerator=1, denominator=4)], h)
        q = p.with_indicators([PCT, CNT])
        assert q.indicators == {"pct": PCT}
        # 1 / 4 x 100 = 25
        assert q.value("pct", "243", 2024) == 25.0
        assert p.indicators == {}

    def test_accepts_a_mapping(self, h: Hierarchy) -> None:
        """Definitions may be given as a mapping by code."""
        p = Panel.from_records([rec(value=5)], h).with_indicators({"pct": PCT})
        assert p.indicator("pct") == PCT

    def test_rejects_with_source_rows(self, h: Hierarchy, tmp_path: Path) -> None:
        """Observations that do not fit are reported with their rows in the original file."""
        path = write(
            tmp_path / "obs.csv", "indicator,unit,period,value\npct,243,2024,50\npct,244,2024,120\n"
        )
        p = Panel.from_csv(path, h)
        with pytest.raises(PanelError) as info:
            p.with_indicators([PCT])
        err = info.value
        assert err.source == str(path)
        (problem,) = err.problems
        assert (problem.row, problem.field, problem.kind) == (3, "value", "out_of_bounds")
        assert problem.message == "a percent must lie in [0, 100], got 120"

    def test_require_parts(self, h: Hierarchy) -> None:
        """require_parts=True rejects bare values of ratios already loaded."""
        p = Panel.from_records([rec(numerator=1, denominator=2), rec(unit="244", value=50)], h)
        with pytest.raises(PanelError) as info:
            p.with_indicators([PCT], require_parts=True)
        assert [(q.row, q.kind) for q in info.value.problems] == [(1, "parts_required")]

    def test_parts_for_non_ratio(self, h: Hierarchy) -> None:
        """Parts loaded without a definition are rejected once the indicator is a count."""
        p = Panel.from_records([rec(indicator="cnt", numerator=1, denominator=2)], h)
        with pytest.raises(PanelError) as info:
            p.with_indicators([CNT])
        assert info.value.kinds == ("parts_for_non_ratio",)

    def test_value_disagreeing_with_parts_is_caught_later(self, h: Hierarchy) -> None:
        """A value that disagrees with its parts is rejected whether definitions come first or later."""
        records = [rec(value=50, numerator=1, denominator=3)]
        with pytest.raises(PanelError, match="disagrees"):
            Panel.from_records(records, h, indicators=[PCT])
        with pytest.raises(PanelError, match="disagrees"):
            Panel.from_records(records, h).with_indicators([PCT])


class TestIndicatorData:
    """The dense arrays of one indicator."""

    def test_empty(self) -> None:
        """empty() holds no observation."""
        d = IndicatorData.empty(2, 3)
        assert d.value.shape == (2, 3)
        assert not d.observed.any()
        assert not d.has_parts.any()
        assert (d.row == -1).all()

    def test_values(self) -> None:
        """values(scale) turns parts into values and keeps given values; 0 denominators give NaN."""
        d = IndicatorData(
            value=[[np.nan, 7.0, np.nan]],
            numerator=[[3.0, np.nan, 0.0]],
            denominator=[[4.0, np.nan, 0.0]],
            weight=[[np.nan] * 3],
            row=[[0, 1, 2]],
        )
        # 3 / 4 x 100 = 75; 7 given; 0 / 0 -> NaN
        assert np.array_equal(d.values(100), [[75.0, 7.0, np.nan]], equal_nan=True)
        assert np.array_equal(d.values(None), [[np.nan, 7.0, np.nan]], equal_nan=True)
        assert d.has_parts.tolist() == [[True, False, True]]

    def test_read_only_and_equal(self) -> None:
        """Arrays are read-only and compare with NaN equal to NaN."""
        d = IndicatorData.empty(1, 1)
        with pytest.raises(ValueError, match="read-only"):
            d.value[0, 0] = 1.0
        assert d == IndicatorData.empty(1, 1)

    def test_pickle(self) -> None:
        """IndicatorData pickles to an equal value."""
        d = IndicatorData.empty(2, 2)
        assert pickle.loads(pickle.dumps(d)) == d


class TestCsvShape:
    """Files whose shape hides which value is meant are refused, naming the rows."""

    def test_a_column_named_twice(self, h: Hierarchy, tmp_path: Path) -> None:
        """Two 'numerator' columns: which one is meant cannot be known."""
        f = tmp_path / "d.csv"
        f.write_text(
            "indicator,unit,period,numerator,denominator,numerator\npct,243,2024,50,100,99\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidDataError) as info:
            Panel.from_csv(f, h)
        (p,) = info.value.problems
        assert (p.row, p.kind) == (1, "duplicate_column")
        assert "'numerator' appear more than once" in p.message

    def test_extra_cells_on_a_row(self, h: Hierarchy, tmp_path: Path) -> None:
        """A row with more cells than the header names is refused with its row number."""
        f = tmp_path / "d.csv"
        f.write_text(
            "indicator,unit,period,value\npct,243,2024,50\npct,243,2025,50,extra\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidDataError) as info:
            Panel.from_csv(f, h)
        (p,) = info.value.problems
        assert (p.row, p.kind) == (3, "extra_cells")
        assert p.message == "the row has 5 cells but the header names 4 columns"

    def test_records_must_be_mappings(self, h: Hierarchy) -> None:
        """A tuple instead of a dict is a PanelError naming the record."""
        with pytest.raises(PanelError) as info:
            Panel.from_records([("pct", "243", 2024, 1)], h)  # type: ignore[list-item]
        (p,) = info.value.problems
        assert (p.row, p.kind) == (0, "not_a_record")
        assert "got tuple" in p.message


class TestOnly:
    """Panel.from_csv(only=...) reads and checks the rows of some indicators only."""

    TEXT = (
        "indicator,unit,period,value\n"
        "pct,243,2024,45\n"
        "cnt,99,2024,many\n"  # another indicator: unknown unit, not a number
        "pct,244,2024,60\n"
        "bin,26,2024,1\n"
    )

    def test_other_indicators_are_not_read(self, h: Hierarchy, tmp_path: Path) -> None:
        """Only 'pct' is read; the bad 'cnt' row is not checked."""
        panel = Panel.from_csv(write(tmp_path / "d.csv", self.TEXT), h, only="pct")
        assert panel.indicator_codes == ("pct",)
        assert (panel.value("pct", "243", "2024"), panel.value("pct", "244", "2024")) == (45, 60)

    def test_several_codes_and_the_skipped_counts(self, h: Hierarchy, tmp_path: Path) -> None:
        """Several codes may be given; the rows of the others are counted by code."""
        path = write(tmp_path / "d.csv", self.TEXT + "cnt,26,2025,3\n")
        panel, skipped = Panel._read_csv(path, h, only=["pct", "bin"])
        assert panel.indicator_codes == ("bin", "pct")
        assert skipped == {"cnt": 2}

    def test_rows_keep_their_numbers_in_the_file(self, h: Hierarchy, tmp_path: Path) -> None:
        """A bad row of an indicator read is named by its row in the file (the header is row 1)."""
        path = write(tmp_path / "d.csv", self.TEXT + "pct,26,2024,abc\n")
        with pytest.raises(PanelError) as info:
            Panel.from_csv(path, h, only="pct")
        assert info.value.first_line() == f"{path}: row 6, field 'value': not a number: 'abc'"

    def test_a_row_without_indicator_is_kept_and_refused(
        self, h: Hierarchy, tmp_path: Path
    ) -> None:
        """A row with an empty indicator may belong to the indicators read: it is refused."""
        path = write(tmp_path / "d.csv", self.TEXT + " ,26,2024,5\n")
        with pytest.raises(PanelError) as info:
            Panel.from_csv(path, h, only="pct")
        assert info.value.first_line() == (
            f"{path}: row 6, field 'indicator': the indicator is empty"
        )

    def test_no_row_of_the_indicators(self, h: Hierarchy, tmp_path: Path) -> None:
        """Asking for an indicator the file does not hold gives an empty panel."""
        panel, skipped = Panel._read_csv(write(tmp_path / "d.csv", self.TEXT), h, only="x")
        assert (len(panel), skipped) == (0, {"bin": 1, "cnt": 1, "pct": 2})

    @given(
        cells=st.dictionaries(
            st.tuples(
                st.sampled_from(["a", "b", "c"]),
                st.sampled_from(["26", "243", "244", "99"]),
                st.sampled_from(["2023", "2024"]),
            ),
            st.one_of(st.integers(0, 100).map(str), st.just("n/a")),
            max_size=24,
        ),
        wanted=st.sets(st.sampled_from(["a", "b", "c"]), min_size=1),
    )
    def test_reading_only_some_indicators_equals_reading_a_file_of_them_alone(
        self,
        h: Hierarchy,
        tmp_path_factory: pytest.TempPathFactory,
        cells: dict[Any, str],
        wanted: set[str],
    ) -> None:
        """only= gives the panel (or the error) of a file holding the wanted rows alone, whatever the others hold."""
        folder = tmp_path_factory.mktemp("only")
        lines = [f"{i},{u},{p},{v}\n" for (i, u, p), v in cells.items()]
        header = "indicator,unit,period,value\n"
        full = write(folder / "full.csv", header + "".join(lines))
        alone = write(
            folder / "alone.csv",
            header + "".join(x if x.split(",")[0] in wanted else "\n" for x in lines),
        )  # blank lines keep the row numbers

        def read(path: Path, **kw: Any) -> Any:
            try:
                panel = Panel.from_csv(path, h, **kw)
            except PanelError as err:
                return [(p.row, p.field, p.message) for p in err.problems]
            return panel.to_records()

        assert read(full, only=wanted) == read(alone)


class TestToCsv:
    """Panel.to_csv writes the long CSV that from_csv reads back (issue 14)."""

    def test_the_demo_round_trips(self, tmp_path: Path) -> None:
        """The synthetic demo (1,925 observations of 25 indicators) reads back cell for cell."""
        from cchc_indicators import datasets

        panel = datasets.demo_panel()
        path = tmp_path / "demo.csv"
        assert panel.to_csv(path) is None
        back = Panel.from_csv(path, panel.hierarchy, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()
        assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + len(panel.to_records())

    def test_numbers_are_written_exactly(self) -> None:
        """0.1, 1/3, 1e-300 and 1.7e308 read back to the same floats; missing cells are empty."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        rec = [
            {"indicator": "v", "unit": "26", "period": p, "value": v}
            for p, v in [("2021", 0.1), ("2022", 1 / 3), ("2023", 1e-300), ("2024", 1.7e308)]
        ]
        text = Panel.from_records(rec, h).to_csv()
        assert text is not None
        lines = text.splitlines()
        assert lines[0] == "indicator,unit,period,value,numerator,denominator,weight"
        assert [float(x.split(",")[3]) for x in lines[1:]] == [0.1, 1 / 3, 1e-300, 1.7e308]
        assert lines[1] == "v,26,2021,0.1,,,"

    def test_texts_with_commas_and_quotes_are_quoted(self) -> None:
        """A unit name never appears, but a code with a comma or a quote is quoted as CSV wants."""
        from cchc_indicators.data.panel import _csv_text

        got = _csv_text(np.array(["26", "a,b", 'say "x"'], dtype=object)).tolist()
        assert got == ["26", '"a,b"', '"say ""x"""']
        assert _csv_text(np.array(["x\ny", "xy"], dtype=object)).tolist() == ['"x\ny"', "xy"]

    def test_an_empty_panel_is_a_header(self) -> None:
        """No observation: the header line alone."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        assert Panel.from_records([], h).to_csv() == (
            "indicator,unit,period,value,numerator,denominator,weight\n"
        )

    @given(data=st.data())
    def test_to_csv_then_from_csv_is_the_identity_on_observations(
        self, data: st.DataObject
    ) -> None:
        """Any valid panel reads back from its CSV with the same records."""
        import tempfile

        from cchc_indicators.testing import hierarchies, panels

        h = data.draw(hierarchies(max_units_per_level=3))
        panel = data.draw(panels(h))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "p.csv"
            panel.to_csv(path)
            back = Panel.from_csv(path, h, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()


class TestParquet:
    """Panel.to_parquet and Panel.from_parquet (the arrow extra; issue 14)."""

    @pytest.fixture(autouse=True)
    def _needs_pyarrow(self) -> None:
        pytest.importorskip("pyarrow")

    def test_the_demo_round_trips(self, tmp_path: Path) -> None:
        """The synthetic demo reads back from Parquet cell for cell, as from CSV."""
        from cchc_indicators import datasets

        panel = datasets.demo_panel()
        path = tmp_path / "demo.parquet"
        panel.to_parquet(path)
        back = Panel.from_parquet(path, panel.hierarchy, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()

    @given(data=st.data())
    def test_to_parquet_then_from_parquet_is_the_identity_on_observations(
        self, data: st.DataObject
    ) -> None:
        """Any valid panel reads back from its Parquet file with the same records."""
        import tempfile

        from cchc_indicators.testing import hierarchies, panels

        h = data.draw(hierarchies(max_units_per_level=3))
        panel = data.draw(panels(h))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "p.parquet"
            panel.to_parquet(path)
            back = Panel.from_parquet(path, h, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()

    @staticmethod
    def write(path: Path, columns: dict[str, Any]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(columns), str(path))
        return path

    def test_integer_codes_and_years_and_nulls(self, tmp_path: Path) -> None:
        """Integer units and years are read as text; a null number is a missing one."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        path = self.write(
            tmp_path / "ints.parquet",
            {
                "indicator": ["a", "a"],
                "unit": [26, 26],
                "period": [2023, 2024],
                "value": [1.5, None],
                "numerator": [None, 3],
                "denominator": [None, 4],
            },
        )
        p = Panel.from_parquet(path, h)
        assert p.to_records() == [
            {"indicator": "a", "unit": "26", "period": "2023", "value": 1.5},
            {
                "indicator": "a",
                "unit": "26",
                "period": "2024",
                "numerator": 3.0,
                "denominator": 4.0,
            },
        ]

    def test_bad_rows_are_named_as_by_every_reader(self, tmp_path: Path) -> None:
        """An unknown unit is a PanelError naming the file and the row (from 0)."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        path = self.write(
            tmp_path / "bad.parquet",
            {
                "indicator": ["a", "a"],
                "unit": ["26", "99"],
                "period": ["2024", "2024"],
                "value": [1.0, 2.0],
            },
        )
        with pytest.raises(PanelError, match=r"bad\.parquet: 1 problem") as info:
            Panel.from_parquet(path, h)
        assert info.value.kinds == ("unknown_unit",)
        assert info.value.problems[0].row == 1

    @pytest.mark.parametrize(
        ("make", "kind", "text"),
        [
            (lambda d: d / "none.parquet", "no_file", "no such file"),
            (lambda d: d, "is_directory", "is a directory, not a file"),
        ],
    )
    def test_a_file_that_cannot_be_read(
        self, tmp_path: Path, make: Any, kind: str, text: str
    ) -> None:
        """A missing file or a folder: PanelError of one problem, its kind said."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        with pytest.raises(PanelError) as info:
            Panel.from_parquet(make(tmp_path), h)
        assert info.value.kinds == (kind,)
        assert text in str(info.value)

    def test_not_a_parquet_file(self, tmp_path: Path) -> None:
        """A CSV file given to from_parquet is refused as not Parquet."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        path = tmp_path / "obs.parquet"
        path.write_text("indicator,unit,period,value\na,26,2024,1\n", encoding="utf-8")
        with pytest.raises(PanelError, match="not a Parquet file") as info:
            Panel.from_parquet(path, h)
        assert info.value.kinds == ("not_parquet",)

    def test_missing_and_non_numeric_columns(self, tmp_path: Path) -> None:
        """No period column, or a text 'value' column: each named."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        no_period = self.write(tmp_path / "a.parquet", {"indicator": ["a"], "unit": ["26"]})
        with pytest.raises(
            PanelError, match="missing column\\(s\\) period; the columns are indicator, unit"
        ):
            Panel.from_parquet(no_period, h)
        text_value = self.write(
            tmp_path / "b.parquet",
            {"indicator": ["a"], "unit": ["26"], "period": ["2024"], "value": ["high"]},
        )
        with pytest.raises(PanelError, match="column 'value' is not numeric") as info:
            Panel.from_parquet(text_value, h)
        assert info.value.kinds == ("not_a_number",)

    def test_an_empty_panel_round_trips(self, tmp_path: Path) -> None:
        """No observation: a file with the columns and no row, read back as an empty panel."""
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        path = tmp_path / "empty.parquet"
        Panel.from_records([], h).to_parquet(path)
        assert Panel.from_parquet(path, h).to_records() == []


class TestFrames:
    """Panel.from_frame and Panel.to_arrow: pandas, polars and pyarrow through Arrow (issue 14)."""

    @pytest.fixture(autouse=True)
    def _needs_pyarrow(self) -> None:
        pytest.importorskip("pyarrow")

    @staticmethod
    def demo() -> Panel:
        from cchc_indicators import datasets

        return datasets.demo_panel()

    def test_a_pyarrow_table_round_trips(self) -> None:
        """to_arrow, then from_frame: the demo's records, unchanged."""
        panel = self.demo()
        back = Panel.from_frame(panel.to_arrow(), panel.hierarchy, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()

    def test_a_pandas_frame_round_trips(self) -> None:
        """to_frame (pandas, NaN for missing numbers), then from_frame: the same records."""
        panel = self.demo()
        back = Panel.from_frame(panel.to_frame(), panel.hierarchy, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()

    def test_a_polars_frame_round_trips(self) -> None:
        """to_frame("polars"), then from_frame: the same records; "arrow" is to_arrow."""
        pytest.importorskip("polars")
        panel = self.demo()
        frame = panel.to_frame("polars")
        assert frame.columns == list(panel.to_frame().columns)
        back = Panel.from_frame(frame, panel.hierarchy, indicators=panel.indicators)
        assert back.to_records() == panel.to_records()
        assert panel.to_frame("arrow").equals(panel.to_arrow())

    def test_to_frame_of_another_library_is_a_definition_error(self) -> None:
        """library must be pandas, polars or arrow."""
        with pytest.raises(DefinitionError) as info:
            self.demo().to_frame("spark")
        assert str(info.value) == (
            "Panel.to_frame: library must be 'pandas', 'polars' or 'arrow', got 'spark'"
        )

    def test_codes_that_look_like_numbers_stay_text(self) -> None:
        """A frame whose units and periods are integers reads them as codes ('2024', '26')."""
        pd = pytest.importorskip("pandas")
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        frame = pd.DataFrame(
            {"indicator": ["a", "a"], "unit": [26, 26], "period": [2023.0, 2024.0], "value": [1, 2]}
        )
        panel = Panel.from_frame(frame, h)
        assert panel.periods == ("2023", "2024")
        assert panel.value("a", "26", "2024") == 2.0

    def test_a_polars_frame_is_read_through_the_arrow_stream(self) -> None:
        """A polars frame (integer years) is read like any other; a row of nulls is refused."""
        pl = pytest.importorskip("polars")
        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        columns = {"indicator": ["a", "a"], "unit": ["26", "26"], "period": [2023, 2024]}
        frame = pl.DataFrame({**columns, "value": [1.0, 2.5]})
        assert Panel.from_frame(frame, h).to_records() == [
            {"indicator": "a", "unit": "26", "period": "2023", "value": 1.0},
            {"indicator": "a", "unit": "26", "period": "2024", "value": 2.5},
        ]
        # a null number is a missing one: a row with no number at all, as an empty CSV row
        with pytest.raises(PanelError, match="row 1, field 'value': the row gives no value"):
            Panel.from_frame(pl.DataFrame({**columns, "value": [1.0, None]}), h)

    def test_any_object_with_the_arrow_c_stream_is_a_frame(self) -> None:
        """The protocol alone suffices: an object that only offers ``__arrow_c_stream__``."""
        import pyarrow as pa

        class Stream:
            def __init__(self, table: Any) -> None:
                self.table = table

            def __arrow_c_stream__(self, requested_schema: object = None) -> object:
                return self.table.__arrow_c_stream__(requested_schema)

        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        table = pa.table(
            {"indicator": ["a"], "unit": ["26"], "period": ["2024-Q2"], "value": [3.0]}
        )
        assert Panel.from_frame(Stream(table), h).to_records() == [
            {"indicator": "a", "unit": "26", "period": "2024-Q2", "value": 3.0}
        ]

    def test_bad_rows_name_the_frame_and_the_row(self) -> None:
        """A duplicate observation: PanelError naming the frame's source and row 1."""
        import pandas as pd

        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        frame = pd.DataFrame(
            {
                "indicator": ["a", "a"],
                "unit": ["26", "26"],
                "period": ["2024", "2024"],
                "value": [1.0, 2.0],
            }
        )
        with pytest.raises(PanelError, match="reports: 1 problem") as info:
            Panel.from_frame(frame, h, source="reports")
        assert info.value.kinds == ("duplicate_key",)
        assert info.value.problems[0].row == 1

    def test_a_missing_column_is_named(self) -> None:
        """No unit column: PanelError listing the frame's columns."""
        import pandas as pd

        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        frame = pd.DataFrame({"indicator": ["a"], "period": ["2024"], "value": [1.0]})
        with pytest.raises(PanelError, match="missing column\\(s\\) unit"):
            Panel.from_frame(frame, h)

    def test_not_a_frame_is_a_type_error(self) -> None:
        """Records are not a frame: ArgumentTypeError saying what is expected."""
        from cchc_indicators.core.errors import ArgumentTypeError

        h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        with pytest.raises(ArgumentTypeError, match="'frame' must be a data frame") as info:
            Panel.from_frame([{"indicator": "a"}], h)
        assert info.value.parameter == "frame"
