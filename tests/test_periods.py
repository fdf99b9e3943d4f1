"""Tests of periods and of converting observations to a coarser period by temporal nature.

Hand-computed cases first (the arithmetic is written beside each), then every
error path, then laws checked with Hypothesis against plain Python.
"""

from __future__ import annotations

import math
import pickle
import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    IndicatorData,
    Panel,
    PanelError,
    Plan,
    Temporal,
    UnknownIndicatorError,
    at_least,
    evaluate,
    measures,
    rollup,
    territory,
)
from cchc_indicators.core.errors import CchcError, PeriodError
from cchc_indicators.data.periods import (
    GRANULARITIES,
    Completeness,
    enclosing,
    granularity,
    sub_periods,
    to_granularity,
)

NAN = math.nan

#: a flow ratio (the default for a percent), a flow count, a stock count, a level score
ONLINE = Indicator("online", "Tỷ lệ hồ sơ trực tuyến")
DOSSIERS = Indicator("dossiers", "Số hồ sơ tiếp nhận", measure=measures.count())
STAFF = Indicator("staff", "Số biên chế", measure=measures.count(), temporal="stock")
SCORE = Indicator("score", "Điểm hài lòng", measure=measures.score(0, 10))
#: a percent of units, a stock; a satisfaction share averaged over survey rounds, a level
SHARE_STOCK = Indicator("systems", "Tỷ lệ hệ thống kết nối", temporal="stock")
SHARE_LEVEL = Indicator("satisfied", "Tỷ lệ hài lòng", temporal="level")
DEFS = [ONLINE, DOSSIERS, STAFF, SCORE, SHARE_STOCK, SHARE_LEVEL]
QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")


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


def quarters(*values: Any) -> dict[str, Any]:
    """The values of the quarters of 2024, from Q1 (fewer values leave the last quarters out)."""
    return dict(zip(QUARTERS, values, strict=False))


def obs(indicator: str, unit: str, period: str, **numbers: Any) -> dict[str, Any]:
    """One observation record."""
    return {"indicator": indicator, "unit": unit, "period": period, **numbers}


def series(indicator: str, unit: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Records of one unit: a value, or (numerator, denominator), per period."""
    out = []
    for period, v in values.items():
        if isinstance(v, tuple):
            out.append(obs(indicator, unit, period, numerator=v[0], denominator=v[1]))
        else:
            out.append(obs(indicator, unit, period, value=v))
    return out


def panel(h: Hierarchy, *records: list[dict[str, Any]]) -> Panel:
    """A panel of the records, with the test definitions."""
    return Panel.from_records([r for rs in records for r in rs], h, indicators=DEFS)


def row(p: Panel, code: str, unit: str, field: str = "value") -> list[float]:
    """One unit's row of an array of the panel, as a list."""
    d = p.data_of(code)
    return [float(x) for x in getattr(d, field)[p.hierarchy.position(unit)]]


def same(got: list[float], expected: list[float]) -> bool:
    """Lists equal, NaN equal to NaN."""
    return bool(np.array_equal(np.array(got), np.array(expected), equal_nan=True))


# --------------------------------------------------------------------------- helpers


class TestPeriodHelpers:
    """granularity, enclosing and sub_periods on period labels."""

    @pytest.mark.parametrize(
        ("period", "expected"),
        [
            (2024, "year"),
            ("2024", "year"),
            ("2024q2", "quarter"),
            ("2024-Q2", "quarter"),
            ("2024-06", "month"),
            (2024.0, "year"),
        ],
    )
    def test_granularity(self, period: object, expected: str) -> None:
        """The granularity of a label, normalised first."""
        assert granularity(period) == expected

    @pytest.mark.parametrize(
        ("period", "target", "expected"),
        [
            ("2024-Q1", "year", "2024"),
            ("2024-Q4", "year", "2024"),
            ("2024-12", "year", "2024"),
            ("2024-01", "quarter", "2024-Q1"),
            ("2024-06", "quarter", "2024-Q2"),
            ("2024-07", "quarter", "2024-Q3"),
            ("2024-12", "quarter", "2024-Q4"),
            ("2024-06", "month", "2024-06"),
            ("2024-Q3", "quarter", "2024-Q3"),
            (2024, "year", "2024"),
        ],
    )
    def test_enclosing(self, period: object, target: str, expected: str) -> None:
        """The period of a coarser (or the same) granularity that contains a period."""
        assert enclosing(period, target) == expected

    @pytest.mark.parametrize(
        ("period", "target", "expected"),
        [
            (2024, "year", ("2024",)),
            (2024, "quarter", QUARTERS),
            ("2024", "month", tuple(f"2024-{m:02d}" for m in range(1, 13))),
            ("2024-Q2", "month", ("2024-04", "2024-05", "2024-06")),
            ("2024-Q4", "quarter", ("2024-Q4",)),
            ("2024-06", "month", ("2024-06",)),
        ],
    )
    def test_sub_periods(self, period: object, target: str, expected: tuple[str, ...]) -> None:
        """The periods of a finer (or the same) granularity that make up a period, in order."""
        assert sub_periods(period, target) == expected

    @pytest.mark.parametrize("label", [*QUARTERS, "2024-02", "2024-11"])
    def test_sub_periods_of_the_enclosing_year_hold_the_period(self, label: str) -> None:
        """A period is among the sub-periods, of its own granularity, of the year around it."""
        assert label in sub_periods(enclosing(label, "year"), granularity(label))

    def test_granularities(self) -> None:
        """The three granularities, coarsest first."""
        assert GRANULARITIES == ("year", "quarter", "month")

    @pytest.mark.parametrize(
        "call",
        [
            lambda: granularity("2024-13"),
            lambda: enclosing("2024-Q5", "year"),
            lambda: sub_periods("24", "quarter"),
        ],
        ids=["granularity", "enclosing", "sub_periods"],
    )
    def test_malformed_period(self, call: Any) -> None:
        """A malformed period raises PeriodError, a ValueError, quoting it."""
        with pytest.raises(PeriodError, match=r"^not a period: '(2024-13|2024-Q5|24)' \(expected"):
            call()

    @pytest.mark.parametrize("target", ["week", "Year", "", None])
    def test_unknown_granularity(self, target: object) -> None:
        """An unknown granularity raises PeriodError naming it and the three that exist."""
        with pytest.raises(PeriodError) as info:
            enclosing("2024-Q1", target)  # type: ignore[arg-type]
        assert str(info.value) == (
            f"unknown granularity {target!r}; expected one of 'year', 'quarter', 'month'"
        )
        assert info.value.target == str(target)

    def test_enclosing_a_finer_granularity(self) -> None:
        """A year has no enclosing quarter: PeriodError with both granularities."""
        with pytest.raises(PeriodError) as info:
            enclosing("2024-Q2", "month")
        assert str(info.value) == (
            "'2024-Q2' is a quarter, which cannot be split into months; a conversion only goes "
            "to a coarser granularity"
        )
        assert (info.value.granularity, info.value.target) == ("quarter", "month")

    def test_sub_periods_of_a_coarser_granularity(self) -> None:
        """A month has no sub-periods that are quarters."""
        with pytest.raises(PeriodError, match="'2024-06' is a month; its sub-periods cannot"):
            sub_periods("2024-06", "quarter")


class TestPeriodError:
    """PeriodError is a CchcError and a ValueError, with its attributes, and pickles."""

    def test_bases(self) -> None:
        """It derives from CchcError and ValueError."""
        assert issubclass(PeriodError, CchcError)
        assert issubclass(PeriodError, ValueError)

    def test_pickles(self) -> None:
        """Message and attributes survive pickling."""
        err = PeriodError("m", code="x", granularity="year", target="quarter")
        back = pickle.loads(pickle.dumps(err))
        assert (str(back), back.code, back.granularity, back.target) == (
            "m",
            "x",
            "year",
            "quarter",
        )


# --------------------------------------------------------------------------- flows


class TestFlows:
    """A flow's period is the sum of its sub-periods; a ratio's parts are summed separately."""

    def test_count_quarters_to_a_year(self, h: Hierarchy) -> None:
        """Dossiers of the four quarters add up: 100 + 120 + 90 + 110 = 420."""
        p = panel(h, series("dossiers", "243", quarters(100, 120, 90, 110)))
        y = p.to_granularity("year")
        assert y.periods == ("2024",)
        assert y.value("dossiers", "243", 2024) == 420.0
        assert y.granularity == "year"

    def test_ratio_parts_are_summed_separately(self, h: Hierarchy) -> None:
        """1/2, 3/4, 5/10 and 0/0 make 9/16 = 56.25 %, not the mean of the rates."""
        p = panel(h, series("online", "243", quarters((1, 2), (3, 4), (5, 10), (0, 0))))
        y = p.to_granularity("year")
        assert row(y, "online", "243", "numerator") == [9.0]
        assert row(y, "online", "243", "denominator") == [16.0]
        assert y.value("online", "243", 2024) == 56.25
        assert math.isnan(row(y, "online", "243")[0])  # the value lives in the parts

    def test_months_to_quarters_and_to_a_year(self, h: Hierarchy) -> None:
        """Months 1..12 sum to 6, 15, 24, 33 per quarter and 78 for the year."""
        months = {f"2024-{m:02d}": m for m in range(1, 13)}
        p = panel(h, series("dossiers", "26", months))
        q = p.to_granularity("quarter")
        assert q.periods == QUARTERS
        assert row(q, "dossiers", "26") == [6.0, 15.0, 24.0, 33.0]
        assert row(p.to_granularity("year"), "dossiers", "26") == [78.0]

    def test_two_years(self, h: Hierarchy) -> None:
        """Each year sums its own quarters: 1+2+3+4 = 10 and 10+20+30+40 = 100."""
        values = dict(zip([f"2023-Q{q}" for q in range(1, 5)], [1, 2, 3, 4], strict=True))
        values |= quarters(10, 20, 30, 40)
        y = panel(h, series("dossiers", "244", values)).to_granularity("year")
        assert y.periods == ("2023", "2024")
        assert row(y, "dossiers", "244") == [10.0, 100.0]

    def test_missing_quarter_is_never_zero(self, h: Hierarchy) -> None:
        """With Q3 missing the year has no value by default: 100 + 120 + 110 would count Q3 as 0."""
        p = panel(h, series("dossiers", "243", {"2024-Q1": 100, "2024-Q2": 120, "2024-Q4": 110}))
        y = p.to_granularity("year")
        assert math.isnan(y.value("dossiers", "243", 2024))
        c = y.completeness["dossiers"]
        assert c.present[1].tolist() == [3]
        assert c.expected[1].tolist() == [4]
        assert c.dropped[1].tolist() == [True]
        assert y.data_of("dossiers").row[1].tolist() == [-1]  # no observation is left there

    @pytest.mark.parametrize(
        ("min_complete", "value"), [(0.0, 330.0), (0.75, 330.0), (0.76, NAN), (1.0, NAN)]
    )
    def test_min_complete(self, h: Hierarchy, min_complete: float, value: float) -> None:
        """3 of 4 quarters (share 0.75) are kept from min_complete <= 0.75, as a partial sum."""
        p = panel(h, series("dossiers", "243", {"2024-Q1": 100, "2024-Q2": 120, "2024-Q4": 110}))
        y = p.to_granularity("year", min_complete=min_complete)
        assert same([y.value("dossiers", "243", 2024)], [value])

    def test_unit_giving_the_year_is_kept_beside_units_giving_quarters(self, h: Hierarchy) -> None:
        """A unit that gave the year keeps it (even a bare percent); the quarters of another are summed."""
        p = panel(
            h,
            [obs("online", "26", "2024", value=87.5)],
            series("online", "243", quarters((1, 2), (1, 2), (1, 2), (1, 2))),
        )
        assert p.periods == ("2024", *QUARTERS)
        y = p.to_granularity("year")
        assert y.periods == ("2024",)
        assert y.value("online", "26", 2024) == 87.5
        assert y.value("online", "243", 2024) == 50.0  # 4/8
        c = y.completeness["online"]
        assert c.granularity.tolist() == ["year", "quarter", ""]
        assert c.expected[:, 0].tolist() == [1, 4, 4]
        assert c.complete[:, 0].tolist() == [True, True, False]

    def test_value_beside_parts_is_not_summed(self, h: Hierarchy) -> None:
        """A value given beside its parts is dropped: the parts are summed."""
        recs = [obs("online", "243", q, value=50, numerator=1, denominator=2) for q in QUARTERS]
        y = panel(h, recs).to_granularity("year")
        assert math.isnan(row(y, "online", "243")[0])
        assert row(y, "online", "243", "numerator") == [4.0]

    def test_weight_and_row_are_those_of_the_last_sub_period(self, h: Hierarchy) -> None:
        """The weight is the last quarter's; the row names the last quarter's observation."""
        recs = [
            obs("dossiers", "243", q, value=1, weight=w)
            for q, w in zip(QUARTERS, [10, 20, 30, 40], strict=True)
        ]
        y = Panel.from_records(recs, h, indicators=DEFS, first_row=2).to_granularity("year")
        assert row(y, "dossiers", "243", "weight") == [40.0]
        assert y.data_of("dossiers").row[1].tolist() == [5]


# --------------------------------------------------------------------------- stocks


class TestStocks:
    """A stock's period takes the value of its last sub-period."""

    def test_last_quarter(self, h: Hierarchy) -> None:
        """Staff 50, 49, 49, 47 over the quarters: the year's staff is 47."""
        p = panel(h, series("staff", "243", quarters(50, 49, 49, 47)))
        assert p.to_granularity("year").value("staff", "243", 2024) == 47.0

    def test_ratio_keeps_the_parts_of_the_last_quarter(self, h: Hierarchy) -> None:
        """Systems connected 3/10, 5/10, 6/12, 9/12: the year is 9/12 = 75 %."""
        p = panel(h, series("systems", "244", quarters((3, 10), (5, 10), (6, 12), (9, 12))))
        y = p.to_granularity("year")
        assert row(y, "systems", "244", "numerator") == [9.0]
        assert row(y, "systems", "244", "denominator") == [12.0]
        assert y.value("systems", "244", 2024) == 75.0

    def test_only_the_last_sub_period_is_needed(self, h: Hierarchy) -> None:
        """A stock given only in December is complete for the year: present 1 of 12, at the end."""
        p = panel(h, series("staff", "26", {"2024-12": 61}))
        y = p.to_granularity("year")
        assert y.value("staff", "26", 2024) == 61.0
        c = y.completeness["staff"]
        assert (int(c.present[0, 0]), int(c.expected[0, 0]), bool(c.at_end[0, 0])) == (1, 12, True)
        assert c.share[0].tolist() == [1.0]
        assert c.to_records() == []

    def test_missing_last_quarter(self, h: Hierarchy) -> None:
        """Without Q4 the year's stock is unknown by default; min_complete=0 takes Q3's value."""
        p = panel(h, series("staff", "243", quarters(50, 49, 48)))
        assert math.isnan(p.to_granularity("year").value("staff", "243", 2024))
        y = p.to_granularity("year", min_complete=0)
        assert y.value("staff", "243", 2024) == 48.0
        (rec,) = y.completeness["staff"].to_records()
        assert rec["reason"] == "no value for 2024-Q4, the last quarter of 2024"
        assert rec["kept"] is True

    def test_share_of_a_stock_is_all_or_nothing(self, h: Hierarchy) -> None:
        """3 of 4 quarters without the last: share 0, so min_complete=0.5 leaves it out."""
        p = panel(h, series("staff", "243", quarters(50, 49, 48)))
        y = p.to_granularity("year", min_complete=0.5)
        assert math.isnan(y.value("staff", "243", 2024))
        assert y.completeness["staff"].share[1].tolist() == [0.0]


# --------------------------------------------------------------------------- levels


class TestLevels:
    """A level's period is the mean over its sub-periods with data."""

    def test_mean_of_scores(self, h: Hierarchy) -> None:
        """Scores 6, 7, 8, 9: the year's level is 7.5."""
        p = panel(h, series("score", "243", quarters(6, 7, 8, 9)))
        assert p.to_granularity("year").value("score", "243", 2024) == 7.5

    def test_mean_over_the_sub_periods_with_data(self, h: Hierarchy) -> None:
        """Scores 6, -, 8, 9 with min_complete=0.5: (6 + 8 + 9) / 3 = 23/3; by default none."""
        p = panel(h, series("score", "243", {"2024-Q1": 6, "2024-Q3": 8, "2024-Q4": 9}))
        assert math.isnan(p.to_granularity("year").value("score", "243", 2024))
        y = p.to_granularity("year", min_complete=0.5)
        assert y.value("score", "243", 2024) == pytest.approx(23 / 3)

    def test_ratio_parts_are_averaged(self, h: Hierarchy) -> None:
        """Survey rounds 80/100 and 45/50: parts average to 62.5/75, i.e. 125/150 = 83.33 %."""
        p = panel(h, series("satisfied", "26", {"2024-Q2": (80, 100), "2024-Q4": (45, 50)}))
        y = p.to_granularity("year", min_complete=0)
        assert row(y, "satisfied", "26", "numerator") == [62.5]
        assert row(y, "satisfied", "26", "denominator") == [75.0]
        assert y.value("satisfied", "26", 2024) == pytest.approx(100 * 125 / 150)

    def test_ratio_mixing_values_and_parts_averages_the_values(self, h: Hierarchy) -> None:
        """80/100 (80 %) beside a bare 90 %: the mean of the values, 85 %, without parts."""
        p = panel(
            h,
            [
                obs("satisfied", "26", "2024-Q1", numerator=80, denominator=100),
                obs("satisfied", "26", "2024-Q2", value=90),
            ],
        )
        y = p.to_granularity("year", min_complete=0)
        assert row(y, "satisfied", "26") == [85.0]
        assert same(row(y, "satisfied", "26", "denominator"), [NAN])

    def test_counts_as_a_level(self, h: Hierarchy) -> None:
        """A count declared a level is the mean: staff 10, 20, 30, 40 average 25."""
        avg = Indicator(
            "avg_staff", "Biên chế bình quân", measure=measures.count(), temporal="level"
        )
        p = Panel.from_records(series("avg_staff", "26", quarters(10, 20, 30, 40)), h)
        y = p.with_indicators([avg]).to_granularity("year")
        assert y.value("avg_staff", "26", 2024) == 25.0


# --------------------------------------------------------------------------- year to date


class TestYearToDate:
    """With ytd=True each sub-period holds its value to date within its year (or quarter)."""

    @pytest.fixture
    def p(self, h: Hierarchy) -> Panel:
        """Dossiers 100, 120, 90, 110; staff 50, 49, 49, 47; scores 6, 7, 8, 9; parts per quarter."""
        return panel(
            h,
            series("dossiers", "243", quarters(100, 120, 90, 110)),
            series("staff", "243", quarters(50, 49, 49, 47)),
            series("score", "243", quarters(6, 7, 8, 9)),
            series("online", "243", quarters((1, 2), (3, 4), (5, 10), (0, 0))),
        )

    def test_periods_are_the_sub_periods(self, p: Panel) -> None:
        """The result keeps the quarters, each standing for the year to date."""
        assert p.to_granularity("year", ytd=True).periods == QUARTERS

    def test_flow(self, p: Panel) -> None:
        """100, 100+120, +90, +110: 100, 220, 310, 420; Q2 YTD = Q1 + Q2."""
        y = p.to_granularity("year", ytd=True)
        assert row(y, "dossiers", "243") == [100.0, 220.0, 310.0, 420.0]

    def test_flow_ratio(self, p: Panel) -> None:
        """Parts to date: 1/2, 4/6, 9/16, 9/16."""
        y = p.to_granularity("year", ytd=True)
        assert row(y, "online", "243", "numerator") == [1.0, 4.0, 9.0, 9.0]
        assert row(y, "online", "243", "denominator") == [2.0, 6.0, 16.0, 16.0]

    def test_stock(self, p: Panel) -> None:
        """A stock to date is its latest value: 50, 49, 49, 47."""
        assert row(p.to_granularity("year", ytd=True), "staff", "243") == [50.0, 49.0, 49.0, 47.0]

    def test_level(self, p: Panel) -> None:
        """A level to date is the running mean: 6, 6.5, 7, 7.5."""
        assert row(p.to_granularity("year", ytd=True), "score", "243") == [6.0, 6.5, 7.0, 7.5]

    def test_completeness_counts_the_sub_periods_to_date(self, p: Panel) -> None:
        """Q1..Q4 to date expect 1, 2, 3, 4 quarters."""
        c = p.to_granularity("year", ytd=True).completeness["dossiers"]
        assert c.expected[1].tolist() == [1, 2, 3, 4]
        assert c.present[1].tolist() == [1, 2, 3, 4]
        assert c.ytd is True

    def test_missing_quarter_stops_the_running_sum(self, h: Hierarchy) -> None:
        """Without Q2, Q2..Q4 to date are incomplete: left out by default, partial sums on request."""
        p = panel(h, series("dossiers", "26", {"2024-Q1": 5, "2024-Q3": 7, "2024-Q4": 11}))
        assert same(row(p.to_granularity("year", ytd=True), "dossiers", "26"), [5, NAN, NAN])
        y = p.to_granularity("year", ytd=True, min_complete=0)
        assert y.periods == ("2024-Q1", "2024-Q3", "2024-Q4")  # no one gave Q2
        assert row(y, "dossiers", "26") == [5.0, 12.0, 23.0]
        reasons = [r["reason"] for r in y.completeness["dossiers"].to_records()]
        assert reasons == ["2 of 3 quarters with data", "3 of 4 quarters with data"]

    def test_stock_missing_the_sub_period_itself(self, h: Hierarchy) -> None:
        """A stock to date at a month without data keeps the last value only on request."""
        p = panel(h, series("staff", "26", {"2024-01": 9, "2024-03": 8}))
        y = p.to_granularity("quarter", ytd=True, min_complete=0)
        assert y.periods == ("2024-01", "2024-03")
        assert row(y, "staff", "26") == [9.0, 8.0]
        p2 = panel(h, series("staff", "26", {"2024-01": 9}), series("staff", "243", {"2024-02": 4}))
        y2 = p2.to_granularity("quarter", ytd=True, min_complete=0)
        assert row(y2, "staff", "26") == [9.0, 9.0]
        (rec,) = y2.completeness["staff"].to_records()
        assert (rec["unit"], rec["period"], rec["reason"]) == (
            "26",
            "2024-02",
            "no value for 2024-02 itself",
        )

    def test_quarter_to_date_of_months(self, h: Hierarchy) -> None:
        """Months to date within their quarter: 1, 1+2, 1+2+3, then 4, 4+5, ..."""
        months = {f"2024-{m:02d}": m for m in range(1, 7)}
        y = panel(h, series("dossiers", "26", months)).to_granularity("quarter", ytd=True)
        assert row(y, "dossiers", "26") == [1.0, 3.0, 6.0, 4.0, 9.0, 15.0]


# --------------------------------------------------------------------------- completeness


class TestCompleteness:
    """The converted panel says how complete each value is, and so does its note."""

    def test_records_of_all_values(self, h: Hierarchy) -> None:
        """to_records(incomplete_only=False) lists complete values too, with reason None."""
        p = panel(h, series("dossiers", "243", quarters(1, 2, 3, 4)))
        recs = p.to_granularity("year").completeness["dossiers"].to_records(incomplete_only=False)
        assert recs == [
            {
                "indicator": "dossiers",
                "unit": "243",
                "period": "2024",
                "temporal": "flow",
                "present": 4,
                "expected": 4,
                "at_end": True,
                "kept": True,
                "reason": None,
            }
        ]

    def test_unit_without_data_counts_the_finest_sub_periods(self, h: Hierarchy) -> None:
        """Units without data expect the sub-periods of the indicator's finest granularity."""
        p = panel(
            h,
            series("dossiers", "26", {"2024-01": 1}),
            series("dossiers", "243", {"2024-Q1": 1}),
        )
        c = p.to_granularity("year", min_complete=0).completeness["dossiers"]
        assert c.granularity.tolist() == ["month", "quarter", ""]
        assert c.expected[:, 0].tolist() == [12, 4, 12]
        assert c.present[:, 0].tolist() == [1, 1, 0]
        assert c.dropped[:, 0].tolist() == [False, False, False]

    def test_period_without_any_column_of_a_units_granularity(self, h: Hierarchy) -> None:
        """A year in which no one gave quarters still expects 4 quarters of a unit that gives quarters."""
        p = panel(
            h,
            series("dossiers", "26", {f"2023-{m:02d}": 1 for m in range(1, 13)}),
            series("dossiers", "243", quarters(1, 2, 3, 4)),
        )
        y = p.to_granularity("year")
        assert y.periods == ("2023", "2024")
        c = y.completeness["dossiers"]
        assert c.expected[:2].tolist() == [[12, 12], [4, 4]]
        assert c.present[:2].tolist() == [[12, 0], [0, 4]]
        assert same(row(y, "dossiers", "26"), [12.0, NAN])
        assert same(row(y, "dossiers", "243"), [NAN, 10.0])

    def test_fields(self, h: Hierarchy) -> None:
        """A Completeness names the indicator, nature, target, options, units and periods."""
        p = panel(h, series("staff", "243", quarters(1, 2, 3, 4)))
        c = p.to_granularity("year", min_complete=0.5).completeness["staff"]
        assert isinstance(c, Completeness)
        assert (c.indicator, c.temporal, c.target, c.ytd, c.min_complete) == (
            "staff",
            Temporal.STOCK,
            "year",
            False,
            0.5,
        )
        assert c.periods == ("2024",)
        assert c.hierarchy is h
        assert repr(c) == "Completeness('staff', stock, to year, min_complete 0.5, 1 period 2024)"

    def test_arrays_are_read_only_and_compare_by_value(self, h: Hierarchy) -> None:
        """The arrays cannot be written, and equal conversions give equal Completeness."""
        p = panel(h, series("dossiers", "243", quarters(1, 2, 3, 4)))
        a = p.to_granularity("year").completeness["dossiers"]
        b = p.to_granularity("year").completeness["dossiers"]
        assert a == b
        with pytest.raises(ValueError, match="read-only"):
            a.present[0, 0] = 3
        assert a != p.to_granularity("year", min_complete=0.5).completeness["dossiers"]

    def test_note_says_what_was_converted(self, h: Hierarchy) -> None:
        """The note names the granularities, the rules and how many values are incomplete."""
        p = panel(
            h,
            series("dossiers", "243", {"2024-Q1": 1}),
            series("staff", "243", quarters(1, 2, 3, 4)),
            series("staff", "244", {"2024-Q1": 1}),
        )
        assert p.to_granularity("year").note == (
            "Values of quarters converted to years by each indicator's temporal nature (flows "
            "added up, stocks taken at the period's end, levels averaged); 2 values left out as "
            "incomplete (min_complete=1); see Panel.completeness."
        )
        assert p.to_granularity("year", min_complete=0).note.endswith(
            "levels averaged); 2 values cover only part of their period; see Panel.completeness."
        )

    def test_note_of_year_to_date_and_months(self, h: Hierarchy) -> None:
        """Year to date, one value left out, months and quarters converted."""
        p = panel(
            h,
            series("dossiers", "26", {"2024-01": 1, "2024-03": 1}),
            series("dossiers", "243", {"2024-Q1": 1}),
        )
        assert p.to_granularity("year", ytd=True).note == (
            "Values of quarters and months converted to year to date by each indicator's "
            "temporal nature (flows added up, stocks taken at the period's end, levels averaged); "
            "1 value left out as incomplete (min_complete=1); see Panel.completeness."
        )

    def test_note_is_added_to_the_panel_note(self, h: Hierarchy) -> None:
        """An existing note (synthetic data) is kept in front."""
        p = attrs.evolve(panel(h, series("dossiers", "26", {"2024-Q1": 1})), note="Synthetic.")
        assert p.to_granularity("year", min_complete=0).note.startswith("Synthetic. Values of")

    def test_nothing_to_convert(self, h: Hierarchy) -> None:
        """Data already at the granularity are copied, complete, with no note added."""
        p = panel(h, series("online", "26", {"2023": (1, 2), "2024": 80.0}))
        y = p.to_granularity("year")
        assert y.note == ""
        assert y.periods == ("2023", "2024")
        assert y.data_of("online") == p.data_of("online")
        assert y.completeness["online"].complete[0].tolist() == [True, True]

    def test_identity_without_definitions(self, h: Hierarchy) -> None:
        """Data at the granularity need no definition; their nature is then None."""
        p = Panel.from_records(series("x", "26", {"2024": 3}), h)
        y = p.to_granularity("year")
        assert y.value("x", "26", 2024) == 3.0
        assert y.completeness["x"].temporal is None
        assert y.completeness["x"].to_records(incomplete_only=False)[0]["temporal"] is None

    def test_original_panel_has_no_completeness(self, h: Hierarchy) -> None:
        """A panel that was not converted has an empty completeness mapping."""
        assert panel(h, series("dossiers", "26", {"2024": 1})).completeness == {}

    def test_converted_panel_pickles(self, h: Hierarchy) -> None:
        """The converted panel, with its completeness, pickles."""
        y = panel(h, series("dossiers", "26", quarters(1, 2, 3, 4))).to_granularity("year")
        back = pickle.loads(pickle.dumps(y))
        assert back.completeness == y.completeness
        assert back.data_of("dossiers") == y.data_of("dossiers")

    def test_indicators_option_keeps_only_those(self, h: Hierarchy) -> None:
        """indicators= converts only the named ones (a single code may be given as text)."""
        p = panel(
            h,
            series("dossiers", "26", quarters(1, 2, 3, 4)),
            series("staff", "26", quarters(1, 2, 3, 4)),
        )
        assert p.to_granularity("year", indicators=["staff"]).indicator_codes == ("staff",)
        assert p.to_granularity("year", indicators="staff").indicator_codes == ("staff",)
        assert set(p.to_granularity("year", indicators=["staff"]).indicators) == {"staff"}

    def test_periods_come_from_the_converted_indicators(self, h: Hierarchy) -> None:
        """The result's periods are those holding data of the indicators converted."""
        p = panel(
            h,
            series("score", "26", {"2023": 5, "2024": 6}),
            series("dossiers", "26", quarters(1, 2)),
        )
        ytd = p.to_granularity("year", ytd=True, indicators=["dossiers"], min_complete=0)
        assert ytd.periods == ("2024-Q1", "2024-Q2")
        assert p.to_granularity("year", ytd=True, min_complete=0).periods == (
            "2023",
            "2024",
            "2024-Q1",
            "2024-Q2",
        )

    def test_empty_panel(self, h: Hierarchy) -> None:
        """A panel without observations converts to an empty panel."""
        y = Panel.from_records([], h).to_granularity("year")
        assert (y.periods, y.indicator_codes, len(y), y.note) == ((), (), 0, "")

    def test_function_and_method_agree(self, h: Hierarchy) -> None:
        """Panel.to_granularity is periods.to_granularity."""
        p = panel(h, series("score", "26", quarters(1, 2, 3, 4)))
        a, b = p.to_granularity("year", ytd=True), to_granularity(p, "year", ytd=True)
        assert a.periods == b.periods
        assert a.data_of("score") == b.data_of("score")
        assert a.note == b.note


# --------------------------------------------------------------------------- errors


class TestErrors:
    """Every error path of periods in a panel and of conversion, with its message."""

    def test_malformed_period_names_the_row(self, h: Hierarchy) -> None:
        """A malformed period is a 'bad_period' problem naming the row."""
        with pytest.raises(PanelError) as info:
            Panel.from_records([obs("dossiers", "26", "2024-Q5", value=1)], h, first_row=2)
        (p,) = info.value.problems
        assert (p.row, p.field, p.kind) == (2, "period", "bad_period")
        assert p.message.startswith("not a period: '2024-Q5'")

    def test_mixed_granularity_for_one_indicator_and_unit(self, h: Hierarchy) -> None:
        """A unit's quarter beside its year of the same indicator is 'mixed_periods', naming both rows."""
        with pytest.raises(PanelError) as info:
            Panel.from_records(
                [obs("dossiers", "26", "2024", value=4), obs("dossiers", "26", "2024-Q1", value=1)],
                h,
                first_row=2,
            )
        (p,) = info.value.problems
        assert (p.row, p.field, p.kind) == (3, "period", "mixed_periods")
        assert p.message == (
            "period '2024-Q1' is a quarter, but row 2 gives years of indicator 'dossiers' for "
            "unit '26'; give each indicator and unit in one granularity (years, quarters or months)"
        )

    def test_mixed_granularity_in_a_panel_built_directly(self, h: Hierarchy) -> None:
        """A panel built from arrays holding a unit's year and quarter refuses to convert."""
        value = np.array([[4.0, 1.0], [NAN, NAN], [NAN, NAN]])
        rows = np.array([[7, 8], [-1, -1], [-1, -1]])
        nan = np.full((3, 2), NAN)
        data = IndicatorData(value, nan, nan, nan, rows)
        p = Panel(h, ("2024", "2024-Q1"), {"dossiers": data}, {"dossiers": DOSSIERS}, "arrays")
        with pytest.raises(PanelError) as info:
            p.to_granularity("year")
        assert info.value.source == "arrays"
        (problem,) = info.value.problems
        assert (problem.row, problem.kind) == (7, "mixed_periods")
        assert problem.message == (
            "indicator 'dossiers' holds years and quarters for unit '26'; give each indicator "
            "and unit in one granularity"
        )

    def test_mixed_granularity_past_the_limit_is_counted(self) -> None:
        """1,001 units holding years and quarters: 1,000 named, the last one counted."""
        recs = [{"code": "P", "name": "P", "level": "province"}] + [
            {"code": f"C{i}", "name": f"C{i}", "level": "commune", "parent": "P"}
            for i in range(1001)
        ]
        big = Hierarchy.from_records(recs, levels=("province", "commune"))
        value = np.vstack([np.full((1, 2), NAN), np.ones((1001, 2))])
        rows = np.vstack([[[-1, -1]], np.arange(2002).reshape(1001, 2)])
        nan = np.full((1002, 2), NAN)
        data = IndicatorData(value, nan, nan, nan, rows)
        p = Panel(big, ("2024", "2024-Q1"), {"dossiers": data}, {"dossiers": DOSSIERS}, "arrays")
        with pytest.raises(PanelError) as info:
            p.to_granularity("year")
        problems = info.value.problems
        assert len(problems) == 1001
        assert problems[0].row == 0
        assert {q.kind for q in problems[:1000]} == {"mixed_periods"}
        assert (problems[-1].kind, problems[-1].message) == (
            "truncated",
            "... 1 more problems not listed",
        )

    def test_converting_to_a_finer_granularity(self, h: Hierarchy) -> None:
        """Years cannot become quarters: PeriodError naming indicator, unit, period and row."""
        p = Panel.from_records(
            [obs("dossiers", "243", "2024-Q1", value=1), obs("score", "244", "2024", value=5)],
            h,
            indicators=DEFS,
            first_row=2,
        )
        with pytest.raises(PeriodError) as info:
            p.to_granularity("quarter")
        assert str(info.value) == (
            "indicator 'score' holds years (unit '244', period '2024', row 3), which cannot be "
            "split into quarters; convert to a coarser granularity, or leave the indicator out "
            "with indicators="
        )
        assert (info.value.code, info.value.granularity, info.value.target) == (
            "score",
            "year",
            "quarter",
        )
        assert p.to_granularity("quarter", indicators=["dossiers"]).periods == ("2024-Q1",)

    @pytest.mark.parametrize("target", ["week", "years", None])
    def test_unknown_granularity(self, h: Hierarchy, target: object) -> None:
        """An unknown granularity is a PeriodError."""
        p = panel(h, series("dossiers", "26", {"2024": 1}))
        with pytest.raises(PeriodError, match=re.escape(f"unknown granularity {target!r}")):
            p.to_granularity(target)  # type: ignore[arg-type]

    def test_unknown_temporal(self) -> None:
        """An unknown temporal nature is a DefinitionError naming the indicator."""
        with pytest.raises(DefinitionError, match="indicator 'staff': unknown temporal nature 'x'"):
            Indicator("staff", "Biên chế", measure=measures.count(), temporal="x")  # type: ignore[arg-type]

    def test_no_definition(self, h: Hierarchy) -> None:
        """Quarters of an indicator without a definition cannot be combined: its nature is unknown."""
        p = Panel.from_records(series("x", "26", {"2024-Q1": 1}), h)
        with pytest.raises(UnknownIndicatorError) as info:
            p.to_granularity("year")
        assert str(info.value) == (
            "indicator 'x' has no definition in the panel, so how its periods combine (flow, "
            "stock or level) is unknown; pass indicators= when building the panel, or call "
            "Panel.with_indicators"
        )
        assert info.value.key == "x"

    def test_unknown_indicator_code(self, h: Hierarchy) -> None:
        """A code in indicators= that the panel does not hold is an UnknownIndicatorError."""
        p = panel(h, series("dossiers", "26", {"2024": 1}))
        with pytest.raises(UnknownIndicatorError, match="indicator 'nope' is not in the panel"):
            p.to_granularity("year", indicators=["nope"])

    @pytest.mark.parametrize("value", [-0.1, 1.5, True, "1", None, math.nan])
    def test_bad_min_complete(self, h: Hierarchy, value: object) -> None:
        """min_complete must be a share from 0 to 1."""
        p = panel(h, series("dossiers", "26", {"2024": 1}))
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"min_complete is a share between 0 and 1, got {value!r}"),
        ):
            p.to_granularity("year", min_complete=value)  # type: ignore[arg-type]

    def test_bare_value_of_a_flow_ratio(self, h: Hierarchy) -> None:
        """A flow ratio's quarters given as bare percents cannot be summed: every row is named."""
        p = Panel.from_records(
            [
                obs("online", "243", "2024-Q1", value=50),
                obs("online", "243", "2024-Q2", numerator=1, denominator=2),
                obs("online", "244", "2024-Q2", value=70),
            ],
            h,
            indicators=DEFS,
            source="quarters.csv",
            first_row=2,
        )
        with pytest.raises(PanelError) as info:
            p.to_granularity("year")
        err = info.value
        assert err.source == "quarters.csv"
        assert [(x.row, x.field, x.kind) for x in err.problems] == [
            (2, "value", "bare_value_flow"),
            (4, "value", "bare_value_flow"),
        ]
        assert err.problems[0].message == (
            "indicator 'online' is a flow ratio: its quarters are added up part by part, so give "
            "numerator and denominator, not a bare value"
        )


# --------------------------------------------------------------------------- evaluation


class TestWithEvaluation:
    """A converted panel evaluates like a panel of the same yearly figures."""

    def test_evaluation_of_converted_quarters_equals_evaluation_of_years(
        self, h: Hierarchy
    ) -> None:
        """Quarters converted to years give the same statuses and values as the years themselves."""
        plan = Plan(
            "p",
            unit="26",
            baseline="2023",
            deadline="2024",
            indicators=[attrs.evolve(ONLINE, targets=[at_least(60)])],
        )
        quarters = [
            obs("online", "26", f"{y}-Q{q}", numerator=n, denominator=20)
            for y, ns in ((2023, [8, 10, 12, 10]), (2024, [12, 14, 13, 15]))
            for q, n in enumerate(ns, start=1)
        ]
        years = [
            obs("online", "26", "2023", numerator=40, denominator=80),
            obs("online", "26", "2024", numerator=54, denominator=80),
        ]
        converted = Panel.from_records(quarters, h, indicators=DEFS).to_granularity("year")
        direct = Panel.from_records(years, h, indicators=DEFS)
        a, b = evaluate(plan, converted, period=2024), evaluate(plan, direct, period=2024)
        assert [r["status"] for r in a.rows] == [r["status"] for r in b.rows] == ["achieved"]
        assert a.rows[0]["value"] == b.rows[0]["value"] == 67.5
        assert "converted to years" in a.note


# --------------------------------------------------------------------------- laws

UNITS = ("26", "243", "244")
counts = st.integers(0, 10_000)


@st.composite
def quarterly_parts(draw: st.DrawFn) -> dict[tuple[str, int], tuple[int, int]]:
    """(unit, quarter) -> (numerator, denominator) with numerator <= denominator, some missing."""
    out = {}
    for unit in UNITS:
        for q in range(1, 5):
            if draw(st.booleans()) or draw(st.booleans()):
                den = draw(counts)
                out[unit, q] = (draw(st.integers(0, den)), den)
    return out


def quarter_records(
    code: str, cells: dict[tuple[str, int], Any], *, parts: bool = False
) -> list[dict[str, Any]]:
    """Records of quarterly cells in 2024."""
    if parts:
        return [
            obs(code, u, f"2024-Q{q}", numerator=n, denominator=d)
            for (u, q), (n, d) in cells.items()
        ]
    return [obs(code, u, f"2024-Q{q}", value=v) for (u, q), v in cells.items()]


class TestLaws:
    """Laws of conversion, each against plain Python on random quarters."""

    @given(quarterly_parts())
    def test_quarterly_flows_summed_to_a_year_equal_the_yearly_figure(
        self, h: Hierarchy, cells: dict[tuple[str, int], tuple[int, int]]
    ) -> None:
        """Numerators and denominators of four quarters sum to the year's; incomplete years have none."""
        quarterly = Panel.from_records(
            quarter_records("online", cells, parts=True), h, indicators=DEFS
        )
        if not len(quarterly):
            return
        got = quarterly.to_granularity("year")
        yearly = []
        for unit in UNITS:
            if all((unit, q) in cells for q in range(1, 5)):
                num = sum(cells[unit, q][0] for q in range(1, 5))
                den = sum(cells[unit, q][1] for q in range(1, 5))
                yearly.append(obs("online", unit, "2024", numerator=num, denominator=den))
        expected = Panel.from_records(yearly, h, indicators=DEFS)
        d, e = (
            got.data_of("online"),
            (expected.data_of("online") if yearly else IndicatorData.empty(3, 1)),
        )
        np.testing.assert_array_equal(d.numerator, e.numerator)
        np.testing.assert_array_equal(d.denominator, e.denominator)
        np.testing.assert_array_equal(d.observed, e.observed)

    @given(st.dictionaries(st.tuples(st.sampled_from(UNITS), st.integers(1, 4)), counts))
    def test_partial_flows_are_the_sum_of_the_quarters_with_data(
        self, h: Hierarchy, cells: dict[tuple[str, int], int]
    ) -> None:
        """With min_complete=0 a year's flow is the sum of its quarters with data, and says how many."""
        if not cells:
            return
        y = Panel.from_records(
            quarter_records("dossiers", cells), h, indicators=DEFS
        ).to_granularity("year", min_complete=0)
        c = y.completeness["dossiers"]
        for i, unit in enumerate(UNITS):
            given = [v for (u, _), v in cells.items() if u == unit]
            assert int(c.present[i, 0]) == len(given)
            assert same(row(y, "dossiers", unit), [float(sum(given)) if given else NAN])

    @given(st.dictionaries(st.tuples(st.sampled_from(UNITS), st.integers(1, 4)), counts))
    def test_stock_conversion_takes_the_last_value(
        self, h: Hierarchy, cells: dict[tuple[str, int], int]
    ) -> None:
        """A stock's year is its Q4 value; with min_complete=0, the value of its last quarter with data."""
        if not cells:
            return
        p = Panel.from_records(quarter_records("staff", cells), h, indicators=DEFS)
        strict, loose = p.to_granularity("year"), p.to_granularity("year", min_complete=0)
        for unit in UNITS:
            quarters = sorted(q for (u, q) in cells if u == unit)
            assert same(row(strict, "staff", unit), [cells.get((unit, 4), NAN)])
            assert same(row(loose, "staff", unit), [cells[unit, quarters[-1]] if quarters else NAN])

    @given(
        st.dictionaries(st.tuples(st.sampled_from(UNITS), st.integers(1, 4)), st.integers(0, 10))
    )
    def test_level_conversion_is_the_mean_of_the_quarters_with_data(
        self, h: Hierarchy, cells: dict[tuple[str, int], int]
    ) -> None:
        """A level's year is the mean of its quarters with data (min_complete=0)."""
        if not cells:
            return
        p = Panel.from_records(quarter_records("score", cells), h, indicators=DEFS)
        y = p.to_granularity("year", min_complete=0)
        for unit in UNITS:
            given = [v for (u, _), v in cells.items() if u == unit]
            expected = sum(given) / len(given) if given else NAN
            assert row(y, "score", unit) == pytest.approx([expected], nan_ok=True)

    @given(quarterly_parts(), st.sampled_from(["online", "systems", "satisfied"]))
    def test_year_to_date_at_the_last_quarter_is_the_year(
        self, h: Hierarchy, cells: dict[tuple[str, int], tuple[int, int]], code: str
    ) -> None:
        """For every nature, the value to date at Q4 is the year's value."""
        p = Panel.from_records(quarter_records(code, cells, parts=True), h, indicators=DEFS)
        if "2024-Q4" not in p.periods:
            return
        ytd = p.to_granularity("year", ytd=True, min_complete=0)
        year = p.to_granularity("year", min_complete=0)
        j = ytd.periods.index("2024-Q4")
        for field in ("numerator", "denominator", "value"):
            a = getattr(ytd.data_of(code), field)[:, j]
            b = getattr(year.data_of(code), field)[:, 0]
            np.testing.assert_allclose(a, b, rtol=1e-12)

    @given(quarterly_parts())
    def test_year_to_date_of_a_flow_is_the_running_sum(
        self, h: Hierarchy, cells: dict[tuple[str, int], tuple[int, int]]
    ) -> None:
        """Each quarter to date holds the sums of the quarters up to it, when all of them have data."""
        p = Panel.from_records(quarter_records("online", cells, parts=True), h, indicators=DEFS)
        if not len(p):
            return
        ytd = p.to_granularity("year", ytd=True)
        for i, unit in enumerate(UNITS):
            for j, period in enumerate(ytd.periods):
                q = int(period[-1])
                window = [cells.get((unit, k)) for k in range(1, q + 1)]
                got = ytd.data_of("online").numerator[i, j]
                if all(w is not None for w in window):
                    assert got == sum(w[0] for w in window if w is not None)
                else:
                    assert math.isnan(got)

    @given(
        st.dictionaries(st.integers(1, 12), st.integers(0, 1000), min_size=1),
        st.sampled_from(["dossiers", "staff", "score"]),
    )
    def test_converting_in_two_steps_equals_converting_at_once(
        self, h: Hierarchy, months: dict[int, int], code: str
    ) -> None:
        """Months to quarters to a year gives what months to a year gives, for complete data."""
        full = {m: months.get(m, m) for m in range(1, 13)}
        if code == "score":  # a score lies in [0, 10]
            full = {m: v % 11 for m, v in full.items()}
        p = Panel.from_records(
            [obs(code, "243", f"2024-{m:02d}", value=v) for m, v in full.items()],
            h,
            indicators=DEFS,
        )
        once = p.to_granularity("year")
        twice = p.to_granularity("quarter").to_granularity("year")
        assert row(twice, code, "243") == pytest.approx(row(once, code, "243"))

    @given(quarterly_parts())
    def test_pooling_converted_flows_pools_every_quarter(
        self, h: Hierarchy, cells: dict[tuple[str, int], tuple[int, int]]
    ) -> None:
        """The territory roll-up of converted flows is Σ numerators / Σ denominators of all complete quarters."""
        p = Panel.from_records(quarter_records("online", cells, parts=True), h, indicators=DEFS)
        if not len(p):
            return
        y = p.to_granularity("year")
        complete = [u for u in UNITS if all((u, q) in cells for q in range(1, 5))]
        num = sum(cells[u, q][0] for u in complete for q in range(1, 5))
        den = sum(cells[u, q][1] for u in complete for q in range(1, 5))
        got = rollup(y, ONLINE, scope=territory()).value[0, 0]
        if den:
            assert got == pytest.approx(100 * num / den)
        else:
            assert math.isnan(got)
