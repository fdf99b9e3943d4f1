"""Tests of evaluate(): status, gap, projection, tiers, shares and ranks, and the Evaluation outputs.

Every scenario is built on a tiny hierarchy and computed by hand; the arithmetic
is written in the comments.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    Panel,
    UnknownPeriodError,
    catalog,
    datasets,
    measures,
)
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import (
    at_least,
    at_most,
    increase_by,
    no_worse_than_previous,
    rank_at_most,
    reduce_by,
)
from cchc_indicators.datasets import SYNTHETIC_NOTE
from cchc_indicators.evaluation import COLUMNS, LABEL_COLUMNS, STATUSES, Evaluation, evaluate

Row = Mapping[str, Any]
Unit = tuple[str, str, str, str | None]

#: The keys every row must have, whatever else it carries.
REQUIRED = {
    "indicator",
    "unit",
    "level",
    "period",
    "scope",
    "value",
    "threshold",
    "target",
    "status",
    "gap",
    "coverage",
}

#: Vĩnh Phúc alone.
PROVINCE: tuple[Unit, ...] = (("26", "Tỉnh Vĩnh Phúc", "province", None),)

#: Vĩnh Phúc, two district-level units and three communes (two in Vĩnh Yên, one in Phúc Yên).
TIERS: tuple[Unit, ...] = (
    ("26", "Tỉnh Vĩnh Phúc", "province", None),
    ("243", "Thành phố Vĩnh Yên", "district", "26"),
    ("244", "Thành phố Phúc Yên", "district", "26"),
    ("08707", "Phường Tích Sơn", "commune", "243"),
    ("08710", "Phường Liên Bảo", "commune", "243"),
    ("09013", "Phường Trưng Trắc", "commune", "244"),
)

#: Vĩnh Phúc and five district-level units.
FIVE_DISTRICTS: tuple[Unit, ...] = (
    ("26", "Tỉnh Vĩnh Phúc", "province", None),
    ("243", "Thành phố Vĩnh Yên", "district", "26"),
    ("244", "Thành phố Phúc Yên", "district", "26"),
    ("246", "Huyện Lập Thạch", "district", "26"),
    ("247", "Huyện Tam Dương", "district", "26"),
    ("248", "Huyện Tam Đảo", "district", "26"),
)


def hierarchy(units: Sequence[Unit], levels: Sequence[str] | None = None) -> Hierarchy:
    """A hierarchy from (code, name, level, parent) tuples, on the levels the units use."""
    if levels is None:
        levels = [
            lv for lv in ("province", "district", "commune") if any(u[2] == lv for u in units)
        ]
    return Hierarchy.from_records(
        [{"code": c, "name": n, "level": lv, "parent": p} for c, n, lv, p in units],
        levels=levels,
    )


def panel(
    h: Hierarchy,
    indicators: Sequence[Indicator],
    rows: Sequence[tuple[Any, ...]],
    note: str = "",
) -> Panel:
    """A panel from (indicator, unit, period, value) or (..., numerator, denominator) tuples."""
    records = []
    for code, unit, period, *numbers in rows:
        record: dict[str, Any] = {"indicator": code, "unit": unit, "period": period}
        if len(numbers) == 1:
            record["value"] = numbers[0]
        else:
            record["numerator"], record["denominator"] = numbers
        records.append(record)
    p = Panel.from_records(records, h, indicators=indicators)
    return attrs.evolve(p, note=note) if note else p


def plan(*indicators: Indicator, unit: str | None = "26", **options: Any) -> Plan:
    """A plan with baseline 2021 and deadline 2025 unless ``options`` say otherwise."""
    options.setdefault("baseline", "2021")
    options.setdefault("deadline", "2025")
    return Plan("test-plan", unit=unit, indicators=list(indicators), **options)


def row(ev: Evaluation, unit: str, scope: str = "own", indicator: str | None = None) -> Row:
    """The one row of ``unit`` on ``scope`` (and ``indicator``, if given)."""
    found = [
        r
        for r in ev.rows
        if r["unit"] == unit and r["scope"] == scope and indicator in (None, r["indicator"])
    ]
    assert len(found) == 1, found
    return found[0]


def score(code: str = "score", *targets: Any, **options: Any) -> Indicator:
    """A score indicator (unbounded unless ``measure`` says otherwise; averaged when pooled)."""
    options.setdefault("measure", measures.score())
    return Indicator(code, code.title(), targets=targets, **options)


def series(code: str, unit: str, values: Mapping[int, float]) -> list[tuple[Any, ...]]:
    """Observation rows (code, unit, year, value)."""
    return [(code, unit, year, v) for year, v in values.items()]


# --------------------------------------------------------------------------- target kinds


class TestThresholdTargets:
    def test_at_least_achieved_has_a_negative_gap(self) -> None:
        """92 against >= 90 is achieved, 2 beyond: gap 90 - 92 = -2."""
        ind = score("score", at_least(90))
        ev = evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], [("score", "26", 2025, 92)]))
        r = row(ev, "26")
        assert (r["value"], r["threshold"], r["status"], r["gap"]) == (92.0, 90.0, "achieved", -2.0)
        assert r["target"] == ">= 90 points"
        assert r["scope"] == "own"
        assert r["level"] == "province"
        assert r["unit_name"] == "Tỉnh Vĩnh Phúc"
        assert r["coverage"] == 1.0

    def test_at_least_exactly_on_the_threshold_is_achieved(self) -> None:
        """80 against >= 80 holds, with gap 0."""
        ind = score("score", at_least(80))
        ev = evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], [("score", "26", 2025, 80)]))
        assert (row(ev, "26")["status"], row(ev, "26")["gap"]) == ("achieved", 0.0)

    def test_at_least_missed_has_a_positive_gap(self) -> None:
        """85 against >= 90 in the deadline year is not achieved, 5 short."""
        ind = score("score", at_least(90))
        ev = evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], [("score", "26", 2025, 85)]))
        assert (row(ev, "26")["status"], row(ev, "26")["gap"]) == ("not_achieved", 5.0)

    def test_at_most_gap_is_value_minus_threshold(self) -> None:
        """Days to settle, <= 3: 2.5 is achieved (gap -0.5), 4 is not (gap 1); every province is a plan unit."""
        days = score("days", at_most(3), direction="lower", unit="days")
        h = hierarchy([("01", "Thành phố Hà Nội", "province", None), *PROVINCE])
        p = panel(h, [days], [("days", "26", 2025, 2.5), ("days", "01", 2025, 4)])
        ev = evaluate(plan(days, unit=None), p)
        assert [r["unit"] for r in ev.rows] == ["01", "26"]
        assert (row(ev, "26")["status"], row(ev, "26")["gap"]) == ("achieved", -0.5)
        assert (row(ev, "01")["status"], row(ev, "01")["gap"]) == ("not_achieved", 1.0)
        assert row(ev, "26")["target"] == "<= 3 days"

    def test_territory_scope_pools_the_unit_and_all_below(self) -> None:
        """Scope territory: (10 + 20 + 30 + 40 + 50 + 60) / (6 x 100) = 35 %, short of 50 by 15."""
        ind = Indicator("dossiers", "Hồ sơ", targets=[at_least(50, scope="territory")])
        rows = [("dossiers", u[0], 2025, 10 * (k + 1), 100) for k, u in enumerate(TIERS)]
        ev = evaluate(plan(ind), panel(hierarchy(TIERS), [ind], rows))
        (r,) = ev.rows
        assert r["scope"] == "territory"
        assert r["rule"] == "ratio_of_sums"
        assert r["value"] == pytest.approx(35.0)
        assert r["gap"] == pytest.approx(15.0)
        assert r["status"] == "not_achieved"


class TestRelativeTargets:
    def test_reduce_by_is_a_change_in_percent_against_the_baseline(self) -> None:
        """640 -> 560 units is (560 - 640) / 640 = -12.5 %: achieved against -10 %, gap -2.5."""
        units = score("units", reduce_by(0.10, baseline=2021), direction="lower")
        p = panel(hierarchy(PROVINCE), [units], series("units", "26", {2021: 640, 2025: 560}))
        r = row(evaluate(plan(units), p), "26")
        assert r["value"] == pytest.approx(-12.5)
        assert r["threshold"] == -10.0
        assert r["gap"] == pytest.approx(-2.5)
        assert r["status"] == "achieved"
        assert r["target"] == "<= -10 % vs 2021"
        assert r["unit_label"] == "%"
        assert (r["indicator_value"], r["baseline_period"], r["baseline_value"]) == (
            560.0,
            "2021",
            640.0,
        )

    def test_reduce_by_too_little_is_not_achieved(self) -> None:
        """640 -> 585 is -8.59375 %: 1.40625 points short of -10 % in the deadline year."""
        units = score("units", reduce_by(0.10, baseline=2021), direction="lower")
        p = panel(hierarchy(PROVINCE), [units], series("units", "26", {2021: 640, 2025: 585}))
        r = row(evaluate(plan(units), p), "26")
        assert r["value"] == pytest.approx(-8.59375)
        assert r["gap"] == pytest.approx(1.40625)
        assert r["status"] == "not_achieved"

    @pytest.mark.parametrize(
        ("now", "change", "status", "gap"),
        [
            (96, 20.0, "not_achieved", 5.0),  # 80 -> 96 is +20 %, 5 short of +25 %
            (100, 25.0, "achieved", 0.0),  # 80 -> 100 is +25 % exactly
            (110, 37.5, "achieved", -12.5),  # 80 -> 110 is +37.5 %, 12.5 beyond
        ],
    )
    def test_increase_by(self, now: float, change: float, status: str, gap: float) -> None:
        """increase_by(0.25) against 80 in 2021."""
        users = score("users", increase_by(0.25, baseline="2021"))
        p = panel(hierarchy(PROVINCE), [users], series("users", "26", {2021: 80, 2025: now}))
        r = row(evaluate(plan(users), p), "26")
        assert r["value"] == pytest.approx(change)
        assert r["threshold"] == 25.0
        assert r["target"] == ">= 25 % vs 2021"
        assert (r["status"], r["gap"]) == (status, pytest.approx(gap))

    def test_a_change_whose_difference_overflows_is_still_found(self) -> None:
        """-1e308 -> 1e308: the difference 2e308 overflows, the change (+200 %) does not."""
        users = score("users", increase_by(0.25, baseline="2021"))
        p = panel(hierarchy(PROVINCE), [users], series("users", "26", {2021: -1e308, 2025: 1e308}))
        r = row(evaluate(plan(users), p), "26")
        assert (r["value"], r["status"], r["reason"]) == (200.0, "achieved", None)

    def test_a_fall_whose_difference_overflows_is_still_found(self) -> None:
        """1e308 -> -1e308: the difference -2e308 overflows, the change (-200 %) does not."""
        users = score("users", increase_by(0.25, baseline="2021"))
        p = panel(hierarchy(PROVINCE), [users], series("users", "26", {2021: 1e308, 2025: -1e308}))
        r = row(evaluate(plan(users), p), "26")
        assert (r["value"], r["status"], r["reason"]) == (-200.0, "not_achieved", None)

    def test_a_change_beyond_the_floats_is_overflow(self) -> None:
        """1 -> 1e308 is a change of 1e310 %, beyond the floats: no value, reason overflow."""
        users = score("users", increase_by(0.25, baseline="2021"))
        p = panel(hierarchy(PROVINCE), [users], series("users", "26", {2021: 1.0, 2025: 1e308}))
        r = row(evaluate(plan(users), p), "26")
        assert (r["value"], r["status"], r["reason"]) == (None, "no_data", "overflow")

    def test_reduction_against_2021_is_projected_mid_term(self) -> None:
        """640, 620, 600 are 0, -3.125, -6.25 %: -3.125 a year reaches -12.5 % in 2025, on track."""
        units = score("units", reduce_by(0.10, baseline=2021), direction="lower")
        rows = series("units", "26", {2021: 640, 2022: 620, 2023: 600})
        r = row(evaluate(plan(units), panel(hierarchy(PROVINCE), [units], rows)), "26")
        assert r["value"] == pytest.approx(-6.25)
        assert r["gap"] == pytest.approx(3.75)  # -6.25 - (-10)
        assert r["projected"] == pytest.approx(-12.5)
        assert r["status"] == "on_track"

    def test_missing_baseline_value_gives_no_data(self) -> None:
        """Phúc Yên has 560 in 2025 but nothing in 2021: no change can be computed."""
        units = score("units", reduce_by(0.10, baseline=2021), direction="lower")
        h = hierarchy(TIERS[:3])
        rows = [
            ("units", "243", 2021, 100),
            ("units", "243", 2025, 80),
            ("units", "244", 2025, 560),
        ]
        r = row(evaluate(plan(units, unit="244"), panel(h, [units], rows)), "244")
        assert r["status"] == "no_data"
        assert r["value"] is None
        assert r["gap"] is None
        assert r["baseline_value"] is None
        assert r["indicator_value"] == 560.0

    def test_baseline_period_absent_from_the_panel_gives_no_data(self) -> None:
        """No observation at all in 2021: the change against 2021 is unknown."""
        units = score("units", reduce_by(0.10, baseline=2021), direction="lower")
        p = panel(hierarchy(PROVINCE), [units], series("units", "26", {2023: 600, 2025: 560}))
        r = row(evaluate(plan(units), p), "26")
        assert (r["status"], r["value"], r["baseline_value"]) == ("no_data", None, None)

    def test_zero_baseline_gives_no_data(self) -> None:
        """A change relative to 0 is undefined: no value, never inf."""
        users = score("users", increase_by(0.25, baseline="2021"))
        p = panel(hierarchy(PROVINCE), [users], series("users", "26", {2021: 0, 2025: 10}))
        r = row(evaluate(plan(users), p), "26")
        assert (r["status"], r["value"], r["baseline_value"]) == ("no_data", None, 0.0)


class TestRankTargets:
    #: Five provinces with complaint counts (lower is better) and one without a value.
    PROVINCES: tuple[Unit, ...] = (
        ("01", "Hà Nội", "province", None),
        ("02", "Hà Giang", "province", None),
        ("04", "Cao Bằng", "province", None),
        ("06", "Bắc Kạn", "province", None),
        ("08", "Tuyên Quang", "province", None),
        ("26", "Vĩnh Phúc", "province", None),
        ("243", "Vĩnh Yên", "district", "26"),
    )
    #: Sorted best first: 08 (1), 02 and 04 tied (3), 01 (5), 06 (7); 26 has none.
    #: District 243's 0 would beat them all, but it is not a province.
    COMPLAINTS: ClassVar[dict[str, int]] = {"01": 5, "02": 3, "04": 3, "06": 7, "08": 1, "243": 0}

    def evaluate_for(self, unit: str) -> Row:
        complaints = Indicator(
            "complaints",
            "Số đơn thư khiếu nại",
            measure=measures.count(),
            direction="lower",
            targets=[rank_at_most(2, among="province")],
        )
        rows = [("complaints", u, 2025, v) for u, v in self.COMPLAINTS.items()]
        p = panel(hierarchy(self.PROVINCES), [complaints], rows)
        return row(evaluate(plan(complaints, unit=unit), p), unit)

    @pytest.mark.parametrize(
        ("unit", "rank", "status", "gap"),
        [
            # nobody has fewer than 1 (26 has no value, 243 is no peer)
            ("08", 1, "achieved", -1.0),
            ("02", 2, "achieved", 0.0),  # only 08 is better; tied with 04, both take rank 2
            ("04", 2, "achieved", 0.0),
            ("01", 4, "not_achieved", 2.0),  # 08, 02, 04 are better: rank 4, 2 past k = 2
            ("06", 5, "not_achieved", 3.0),
        ],
    )
    def test_ranks_of_a_count_lower_is_better_with_ties(
        self, unit: str, rank: int, status: str, gap: float
    ) -> None:
        """Rank = 1 + the number of provinces with a strictly better value; gap = rank - k."""
        r = self.evaluate_for(unit)
        assert r["value"] == rank
        assert r["indicator_value"] == self.COMPLAINTS[unit]
        assert (r["status"], r["gap"]) == (status, gap)
        assert r["unit_label"] == "rank"
        assert r["threshold"] == 2.0
        assert r["target"] == "rank <= 2 among provinces"

    def test_unit_without_a_value_has_no_rank(self) -> None:
        """Vĩnh Phúc reported nothing: no rank, no_data."""
        r = self.evaluate_for("26")
        assert (r["status"], r["value"], r["gap"]) == ("no_data", None, None)

    @staticmethod
    def top_15(raise_one: bool = False) -> tuple[Panel, Indicator, list[str]]:
        """PAR INDEX-like scores for the 63 provinces of 2024.

        14 provinces score 99, 98, ..., 86; Vĩnh Phúc and two others 80 (a
        three-way tie at rank 15 = 14 + 1); 45 provinces 70 (tied at rank
        18 = 14 + 3 + 1); Hà Nội (01) has no score and is no peer.
        """
        h = datasets.provinces_2024()
        codes = [u.code for u in h.units("province")]
        assert len(codes) == 63
        others = [c for c in codes if c not in ("26", "01")]
        scores = {c: 99.0 - k for k, c in enumerate(others[:14])}
        scores |= dict.fromkeys([*others[14:16], "26"], 80.0)
        scores |= dict.fromkeys(others[16:], 70.0)
        if raise_one:
            scores[others[16]] = 85.0  # one more province now beats Vĩnh Phúc
        par = score("par_index", rank_at_most(15, among="province"), measure=measures.score(0, 100))
        rows = [("par_index", c, 2025, v) for c, v in scores.items()]
        return panel(h, [par], rows), par, others

    def test_top_15_among_63_provinces_with_ties(self) -> None:
        """Vĩnh Phúc ties at rank 15: achieved with gap 0; a province on 70 ranks 18 (gap 3)."""
        p, par, others = self.top_15()
        r = row(evaluate(plan(par), p), "26")
        assert (r["value"], r["status"], r["gap"]) == (15.0, "achieved", 0.0)
        last = others[-1]
        r = row(evaluate(plan(par, unit=last), p), last)
        assert (r["value"], r["status"], r["gap"]) == (18.0, "not_achieved", 3.0)
        r = row(evaluate(plan(par, unit="01"), p), "01")
        assert r["status"] == "no_data"

    def test_one_more_province_ahead_pushes_out_of_the_top_15(self) -> None:
        """With a 15th province strictly ahead, Vĩnh Phúc ranks 16: one place short."""
        p, par, _ = self.top_15(raise_one=True)
        r = row(evaluate(plan(par), p), "26")
        assert (r["value"], r["status"], r["gap"]) == (16.0, "not_achieved", 1.0)


# --------------------------------------------------------------------------- tiers and shares


class TestTierTargets:
    @staticmethod
    def work_files() -> Evaluation:
        """Work files online, 90 / 80 / 60 % at province / district / commune tier.

        own files:  26: 95/100   243: 70/100   244: 45/50
                    08707: 30/40   08710: 10/20   09013: 80/100
        """
        wf = Indicator(
            "work_files_online",
            "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng",
            area="digital_government",
            targets=[
                at_least(90, tier="province"),
                at_least(80, tier="district"),
                at_least(60, tier="commune"),
            ],
        )
        parts = {"26": (95, 100), "243": (70, 100), "244": (45, 50)}
        parts |= {"08707": (30, 40), "08710": (10, 20), "09013": (80, 100)}
        rows = [("work_files_online", u, 2025, n, d) for u, (n, d) in parts.items()]
        return evaluate(plan(wf), panel(hierarchy(TIERS), [wf], rows))

    def test_province_tier_is_the_province_own_row(self) -> None:
        """The province tier is the plan unit's own level: 95 / 100 = 95 % >= 90, own scope."""
        r = self.work_files().rows[0]
        assert (r["unit"], r["scope"], r["tier"]) == ("26", "own", "province")
        assert (r["value"], r["status"], r["gap"]) == (95.0, "achieved", -5.0)

    def test_district_tier_pools_numerators_and_denominators(self) -> None:
        """tier:district = (70 + 45) / (100 + 50) = 76.67 %, short of 80 (the mean of rates, 80, would pass)."""
        r = row(self.work_files(), "26", "tier:district")
        assert r["value"] == pytest.approx(115 / 150 * 100)
        assert r["gap"] == pytest.approx(80 - 115 / 150 * 100)
        assert r["status"] == "not_achieved"
        assert (r["rule"], r["tier"], r["coverage"], r["level"]) == (
            "ratio_of_sums",
            "district",
            1.0,
            "province",
        )
        assert r["target"] == ">= 80 %"

    def test_commune_tier_pools_numerators_and_denominators(self) -> None:
        """tier:commune = (30 + 10 + 80) / (40 + 20 + 100) = 120 / 160 = 75 % >= 60."""
        r = row(self.work_files(), "26", "tier:commune")
        assert r["value"] == pytest.approx(75.0)
        assert (r["status"], r["gap"]) == ("achieved", pytest.approx(-15.0))

    def test_each_unit_of_a_tier_gets_its_own_row(self) -> None:
        """Districts against 80: 70 % (gap 10), 90 % (gap -10); communes against 60: 75, 50, 80 %."""
        ev = self.work_files()
        got = {
            (r["unit"], r["scope"]): (r["level"], r["value"], r["status"], r["gap"])
            for r in ev.rows
            if r["unit"] != "26"
        }
        assert got == {
            ("243", "own"): ("district", 70.0, "not_achieved", 10.0),
            ("244", "own"): ("district", 90.0, "achieved", -10.0),
            ("08707", "own"): ("commune", 75.0, "achieved", -15.0),
            ("08710", "own"): ("commune", 50.0, "not_achieved", 10.0),
            ("09013", "own"): ("commune", 80.0, "achieved", -20.0),
        }

    def test_rows_come_pooled_first_then_the_units_of_the_tier(self) -> None:
        """Order: province own; tier:district then its districts; tier:commune then its communes."""
        ev = self.work_files()
        assert [(r["unit"], r["scope"]) for r in ev.rows] == [
            ("26", "own"),
            ("26", "tier:district"),
            ("243", "own"),
            ("244", "own"),
            ("26", "tier:commune"),
            ("08707", "own"),
            ("08710", "own"),
            ("09013", "own"),
        ]

    def test_without_a_plan_unit_every_top_unit_is_pooled(self) -> None:
        """Plan unit None: each province gets its tier:district row (mean of scores: 60 and 40)."""
        x = score("x", at_least(50, tier="district"))
        h = hierarchy(
            [
                ("01", "Hà Nội", "province", None),
                ("02", "Hà Giang", "province", None),
                ("001", "Ba Đình", "district", "01"),
                ("024", "Hà Giang city", "district", "02"),
            ]
        )
        ev = evaluate(
            plan(x, unit=None), panel(h, [x], [("x", "001", 2025, 60), ("x", "024", 2025, 40)])
        )
        assert [(r["unit"], r["scope"], r["value"], r["status"]) for r in ev.rows] == [
            ("01", "tier:district", 60.0, "achieved"),
            ("02", "tier:district", 40.0, "not_achieved"),
            ("001", "own", 60.0, "achieved"),
            ("024", "own", 40.0, "not_achieved"),
        ]
        assert [r["unit"] for r in ev.plan_rows()] == ["01", "02"]


class TestShareOfUnits:
    @staticmethod
    def meetings() -> Indicator:
        return Indicator(
            "meetings_online",
            "UBND tổ chức họp trực tuyến",
            area="digital_government",
            measure=measures.binary(),
            targets=[
                at_least(1, tier="province"),
                at_least(80, tier="district", rule="share_meeting(== 1)"),
            ],
        )

    def evaluate_meetings(self, facts: Mapping[str, float], period: int = 2025) -> Evaluation:
        m = self.meetings()
        rows = [("meetings_online", u, period, v) for u, v in facts.items()]
        return evaluate(plan(m), panel(hierarchy(FIVE_DISTRICTS), [m], rows))

    def test_four_of_five_districts_is_80_percent(self) -> None:
        """4 of 5 district committees meet online: 4 / 5 = 80 % >= 80, achieved with gap 0."""
        ev = self.evaluate_meetings({"26": 1, "243": 1, "244": 1, "246": 0, "247": 1, "248": 1})
        r = row(ev, "26", "tier:district")
        assert (r["value"], r["status"], r["gap"]) == (80.0, "achieved", 0.0)
        assert r["rule"] == "share_meeting(== 1)"
        assert r["threshold"] == 80.0
        assert r["target"] == ">= 80 % of districts == 1"
        assert row(ev, "26")["status"] == "achieved"  # the provincial committee itself: 1 >= 1

    def test_a_share_row_is_labelled_in_percent(self) -> None:
        """The pooled share is a percent of districts, not a yes/no fact."""
        ev = self.evaluate_meetings({"26": 1, "243": 1, "244": 1, "246": 0, "247": 1, "248": 1})
        assert row(ev, "26", "tier:district")["unit_label"] == "%"

    def test_each_district_is_judged_by_the_condition(self) -> None:
        """Own rows test == 1: a 1 is achieved (gap 0), a 0 is not (gap |0 - 1| = 1)."""
        ev = self.evaluate_meetings({"26": 1, "243": 1, "244": 1, "246": 0, "247": 1, "248": 1})
        assert (row(ev, "243")["status"], row(ev, "243")["gap"]) == ("achieved", 0.0)
        assert (row(ev, "246")["status"], row(ev, "246")["gap"]) == ("not_achieved", 1.0)
        assert row(ev, "246")["target"] == "== 1 yes/no (own)"
        assert row(ev, "246")["threshold"] == 1.0

    def test_share_counts_districts_with_data(self) -> None:
        """248 reported nothing: 3 of the 4 that did = 75 %, 5 short; coverage 4 / 5; 248 is no_data."""
        ev = self.evaluate_meetings({"26": 1, "243": 1, "244": 1, "246": 0, "247": 1})
        r = row(ev, "26", "tier:district")
        assert (r["value"], r["status"], r["gap"]) == (75.0, "not_achieved", 5.0)
        assert r["coverage"] == pytest.approx(0.8)
        assert row(ev, "248")["status"] == "no_data"

    def test_share_is_projected_mid_term(self) -> None:
        """1, 2, 3 of 5 in 2021-2023 = 20, 40, 60 %: +20 a year reaches 100 % in 2025, on track."""
        m = self.meetings()
        districts = ["243", "244", "246", "247", "248"]
        rows = [
            ("meetings_online", d, year, 1 if k < year - 2020 else 0)
            for year in (2021, 2022, 2023)
            for k, d in enumerate(districts)
        ]
        ev = evaluate(plan(m), panel(hierarchy(FIVE_DISTRICTS), [m], rows))
        r = row(ev, "26", "tier:district")
        assert r["value"] == pytest.approx(60.0)
        assert r["projected"] == pytest.approx(100.0)
        assert r["status"] == "on_track"
        # district 243 met in every year: achieved; 248 never did: 0, 0, 0 projects 0, off track
        assert row(ev, "243")["status"] == "achieved"
        assert (row(ev, "248")["status"], row(ev, "248")["projected"]) == ("off_track", 0.0)

    def test_each_unit_is_projected_on_its_own_line(self) -> None:
        """Under == 50 (no direction) a straight line per district: 10, 20, 30 and 50, 50, 50 both reach 50."""
        # 243: mean 20 at 2022, slope 10: 2025 -> 50; 244: slope 0 -> 50. Pooling the slopes
        # (20 + 0) / (2 + 2) = 5 would project 35 for 243; a common slope of 10 gives 80 for 244.
        x = score("x", at_least(50, tier="district", rule="share_meeting(== 50)"))
        values = {"243": (10, 20, 30), "244": (50, 50, 50)}
        rows = [("x", u, 2021 + k, v) for u, vs in values.items() for k, v in enumerate(vs)]
        ev = evaluate(plan(x), panel(hierarchy(TIERS[:3]), [x], rows))
        assert row(ev, "243")["projected"] == pytest.approx(50.0)
        assert row(ev, "244")["projected"] == pytest.approx(50.0)
        assert row(ev, "243")["status"] == "on_track"

    @pytest.mark.parametrize(
        ("condition", "gaps", "statuses"),
        [
            (">= 60", (-10.0, 10.0), ("achieved", "not_achieved")),  # 60 - v
            ("> 60", (-10.0, 10.0), ("achieved", "not_achieved")),
            ("<= 60", (10.0, -10.0), ("not_achieved", "achieved")),  # v - 60
            ("< 60", (10.0, -10.0), ("not_achieved", "achieved")),
            ("== 50", (20.0, 0.0), ("not_achieved", "achieved")),  # |v - 50|
        ],
    )
    def test_own_rows_follow_the_condition(
        self, condition: str, gaps: tuple[float, float], statuses: tuple[str, str]
    ) -> None:
        """Districts scoring 70 and 50, judged by the share rule's condition; gap > 0 exactly when it fails."""
        x = score("x", at_least(50, tier="district", rule=f"share_meeting({condition})"))
        h = hierarchy(TIERS[:3])
        ev = evaluate(plan(x), panel(h, [x], [("x", "243", 2025, 70), ("x", "244", 2025, 50)]))
        assert (row(ev, "243")["gap"], row(ev, "244")["gap"]) == gaps
        assert (row(ev, "243")["status"], row(ev, "244")["status"]) == statuses
        assert row(ev, "26", "tier:district")["value"] == 50.0  # one of the two meets it

    def test_not_equal_condition_gap_is_not_positive_when_met(self) -> None:
        """share_meeting(!= 0): a district at 5 is beyond by 5 (gap -5); one at 0 has no defined gap."""
        x = score("x", at_least(50, tier="district", rule="share_meeting(!= 0)"))
        h = hierarchy(TIERS[:3])
        ev = evaluate(plan(x), panel(h, [x], [("x", "243", 2025, 5), ("x", "244", 2025, 0)]))
        met, failed = row(ev, "243"), row(ev, "244")
        assert met["status"] == "achieved"
        assert failed["status"] == "not_achieved"
        assert met["gap"] == -5.0  # negative means beyond the threshold
        assert failed["gap"] is None  # no distance would say how far from "not 0" it is

    def test_a_territory_target_pools_by_its_own_rule_and_own_targets_ignore_theirs(self) -> None:
        """Territory with rule max: 70 of 50, 40, 70; an own target with a rule: its own 50, no rule."""
        h = hierarchy(TIERS[:3])
        facts = [("x", "26", 2025, 50), ("x", "243", 2025, 40), ("x", "244", 2025, 70)]
        got = []
        for t in (at_least(50, scope="territory", rule="max"), at_least(50, rule="max")):
            ind = score("x", t)
            r = evaluate(plan(ind), panel(h, [ind], facts)).rows[0]
            got.append((r["scope"], r["rule"], r["value"]))
        assert got == [("territory", "max", 70.0), ("own", None, 50.0)]

    def test_not_equal_gap_is_the_distance_to_the_threshold(self) -> None:
        """share_meeting(!= 2): a district at 5 is beyond by |5 - 2| = 3, gap -3."""
        x = score("x", at_least(50, tier="district", rule="share_meeting(!= 2)"))
        ev = evaluate(plan(x), panel(hierarchy(TIERS[:3]), [x], [("x", "243", 2025, 5)]))
        assert (row(ev, "243")["status"], row(ev, "243")["gap"]) == ("achieved", -3.0)


# --------------------------------------------------------------------------- status over time


class TestStatusOverTime:
    def evaluate_score(
        self, values: Mapping[int, float], *targets: Any, period: object = None, **options: Any
    ) -> Row:
        ind = score("score", *targets)
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", values))
        return row(evaluate(plan(ind, **options), p, period=period), "26")

    def test_miss_in_the_deadline_year_is_not_achieved(self) -> None:
        """70 in 2025 against >= 80 by 2025: not_achieved, 10 short, no projection."""
        r = self.evaluate_score({2021: 50, 2025: 70}, at_least(80))
        assert (r["status"], r["gap"], r["projected"], r["deadline"]) == (
            "not_achieved",
            10.0,
            None,
            "2025",
        )

    def test_miss_after_the_deadline_is_not_achieved(self) -> None:
        """Periods after the deadline are judged like the deadline year."""
        r = self.evaluate_score({2024: 60, 2026: 70}, at_least(80))
        assert (r["period"], r["status"]) == ("2026", "not_achieved")

    def test_target_deadline_overrides_the_plan_deadline(self) -> None:
        """A target due in 2023 is missed in 2023, though 50, 60, 70 would reach 90 by 2025."""
        r = self.evaluate_score({2021: 50, 2022: 60, 2023: 70}, at_least(80, deadline="2023"))
        assert (r["status"], r["deadline"]) == ("not_achieved", "2023")

    def test_without_any_deadline_a_miss_is_not_achieved(self) -> None:
        """No deadline anywhere: a target that does not hold is simply not achieved."""
        r = self.evaluate_score({2021: 50, 2022: 60}, at_least(80), deadline=None, baseline=None)
        assert (r["status"], r["deadline"], r["projected"]) == ("not_achieved", None, None)

    def test_holding_before_the_deadline_is_achieved(self) -> None:
        """92 in 2023 against >= 90: achieved, not merely on track."""
        r = self.evaluate_score({2022: 85, 2023: 92}, at_least(90))
        assert r["status"] == "achieved"

    def test_on_track_when_the_line_reaches_the_target(self) -> None:
        """2021: 50, 2022: 60, 2023: 70 -> slope 10 a year -> 70 + 2 x 10 = 90 in 2025 >= 90."""
        r = self.evaluate_score({2021: 50, 2022: 60, 2023: 70}, at_least(90))
        assert (r["status"], r["projected"], r["method"], r["gap"]) == (
            "on_track",
            pytest.approx(90.0),
            "linear",
            20.0,
        )

    def test_off_track_when_the_line_falls_short(self) -> None:
        """The same line reaches 90 < 95 in 2025: off track, 25 short today."""
        r = self.evaluate_score({2021: 50, 2022: 60, 2023: 70}, at_least(95))
        assert (r["status"], r["projected"], r["gap"]) == ("off_track", pytest.approx(90.0), 25.0)

    @pytest.mark.parametrize(("threshold", "status"), [(72, "on_track"), (75, "off_track")])
    def test_projection_is_least_squares_not_the_endpoints(
        self, threshold: int, status: str
    ) -> None:
        """50, 60, 56, 70 in 2021-2024: the fitted line gives 73 in 2025 (the endpoints would give 76.7).

        mean x = 2022.5, mean y = 59; dx = -1.5, -0.5, 0.5, 1.5; dy = -9, 1, -3, 11;
        slope = (13.5 - 0.5 - 1.5 + 16.5) / (2.25 + 0.25 + 0.25 + 2.25) = 28 / 5 = 5.6;
        2025: 59 + 5.6 x 2.5 = 73.
        """
        r = self.evaluate_score({2021: 50, 2022: 60, 2023: 56, 2024: 70}, at_least(threshold))
        assert r["projected"] == pytest.approx(73.0)
        assert r["status"] == status

    def test_values_before_the_baseline_are_left_out_of_the_line(self) -> None:
        """2020's 90 is before the 2021 baseline: the line is still 50, 60, 70 -> 90 (with 2020: 50)."""
        r = self.evaluate_score({2020: 90, 2021: 50, 2022: 60, 2023: 70}, at_least(90))
        assert (r["status"], r["projected"]) == ("on_track", pytest.approx(90.0))

    def test_a_missing_year_is_skipped(self) -> None:
        """50 in 2021 and 70 in 2023 (2022 missing): 10 a year -> 90 in 2025."""
        ind = score("score", at_least(90))
        other = score("other")
        rows = [*series("score", "26", {2021: 50, 2023: 70}), ("other", "26", 2022, 1)]
        p = panel(hierarchy(PROVINCE), [ind, other], rows)
        r = row(evaluate(plan(ind, other), p), "26")
        assert p.periods == ("2021", "2022", "2023")
        assert (r["status"], r["projected"]) == ("on_track", pytest.approx(90.0))

    def test_the_line_stops_at_the_evaluated_period(self) -> None:
        """Evaluated in 2022: 50, 60 -> 90 in 2025; the 2023 collapse to 0 is not seen yet."""
        r = self.evaluate_score({2021: 50, 2022: 60, 2023: 0}, at_least(90), period=2022)
        assert (r["status"], r["projected"]) == ("on_track", pytest.approx(90.0))

    def test_one_value_is_insufficient_data(self) -> None:
        """Only 2023's 70 (2021 holds another indicator): no line can be drawn."""
        ind = score("score", at_least(90))
        other = score("other")
        rows = [("score", "26", 2023, 70), ("other", "26", 2021, 1)]
        r = row(evaluate(plan(ind, other), panel(hierarchy(PROVINCE), [ind, other], rows)), "26")
        assert (r["status"], r["value"], r["gap"], r["projected"]) == (
            "insufficient_data",
            70.0,
            20.0,
            None,
        )

    def test_no_value_in_the_period_is_no_data(self) -> None:
        """Values in 2021 and 2022 but none in 2023: no_data, whatever the trend."""
        ind = score("score", at_least(90))
        other = score("other")
        rows = [*series("score", "26", {2021: 50, 2022: 60}), ("other", "26", 2023, 1)]
        r = row(evaluate(plan(ind, other), panel(hierarchy(PROVINCE), [ind, other], rows)), "26")
        assert (r["status"], r["value"], r["gap"], r["indicator_value"]) == (
            "no_data",
            None,
            None,
            None,
        )
        assert r["coverage"] == 0.0


class TestMissingIndicator:
    def test_indicator_absent_from_the_panel_gives_no_data_rows(self) -> None:
        """Every row of an indicator with no observation at all says no_data."""
        present = score("present", at_least(1))
        absent = Indicator(
            "absent",
            "Không có số liệu",
            targets=[at_least(50), at_least(60, tier="district"), at_least(70, tier="commune")],
        )
        rank = score("rank_me", rank_at_most(3, among="province"))
        change = score("change", reduce_by(0.1, baseline=2021))
        p = panel(hierarchy(TIERS), [present], [("present", "26", 2025, 1)])
        ev = evaluate(plan(present, absent, rank, change), p)
        missing = [r for r in ev.rows if r["indicator"] != "present"]
        assert len(missing) == 1 + 1 + 2 + 1 + 3 + 1 + 1
        assert {r["status"] for r in missing} == {"no_data"}
        assert all(r["value"] is None and r["gap"] is None for r in missing)
        # the pooled rows still say which rule would have pooled them
        assert row(ev, "26", "tier:district")["rule"] == "ratio_of_sums"
        assert row(ev, "26", "own", "absent")["rule"] is None
        assert row(ev, "26", "own", "present")["status"] == "achieved"


# --------------------------------------------------------------------------- periods and errors


class TestPeriods:
    @staticmethod
    def plan_and_panel() -> tuple[Plan, Panel]:
        ind = score("score", at_least(90))
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", {2021: 50, 2023: 70, 2025: 95}))
        return plan(ind), p

    def test_none_means_the_latest_period(self) -> None:
        """period=None evaluates 2025, the panel's last period."""
        pl, p = self.plan_and_panel()
        ev = evaluate(pl, p)
        assert ev.period == "2025"
        assert {r["period"] for r in ev.rows} == {"2025"}
        assert ev.rows == evaluate(pl, p, period="2025").rows

    @pytest.mark.parametrize("period", [2023, "2023", 2023.0])
    def test_explicit_period(self, period: object) -> None:
        """An explicit period, as a number or text, evaluates that period."""
        pl, p = self.plan_and_panel()
        ev = evaluate(pl, p, period=period)
        assert ev.period == "2023"
        assert (ev.rows[0]["value"], ev.rows[0]["status"]) == (70.0, "on_track")

    def test_period_not_in_the_panel(self) -> None:
        """A period without observations raises UnknownPeriodError naming it and the periods held."""
        pl, p = self.plan_and_panel()
        with pytest.raises(UnknownPeriodError) as info:
            evaluate(pl, p, period=2022)
        assert str(info.value) == "period '2022' is not in the panel; it holds 2021, 2023, 2025"
        assert info.value.key == "2022"
        assert isinstance(info.value, KeyError)


class TestDefinitionErrors:
    def test_a_different_hierarchy_is_refused(self) -> None:
        """The hierarchy given must be the panel's."""
        ind = score("score", at_least(90))
        p = panel(hierarchy(TIERS), [ind], [("score", "26", 2025, 95)])
        with pytest.raises(DefinitionError, match="built on a different hierarchy"):
            evaluate(plan(ind), p, hierarchy=hierarchy(FIVE_DISTRICTS))

    def test_the_panel_hierarchy_or_an_equal_one_is_accepted(self) -> None:
        """The panel's own hierarchy, or one equal to it, gives the same rows as none."""
        ind = score("score", at_least(90))
        p = panel(hierarchy(TIERS), [ind], [("score", "26", 2025, 95)])
        expected = evaluate(plan(ind), p).rows
        assert evaluate(plan(ind), p, hierarchy=p.hierarchy).rows == expected
        assert evaluate(plan(ind), p, hierarchy=hierarchy(TIERS)).rows == expected

    def test_a_tier_not_in_the_hierarchy(self) -> None:
        """A target naming level 'commune' on a province/district hierarchy names the indicator."""
        ind = score("score", at_least(90, tier="commune"))
        p = panel(hierarchy(FIVE_DISTRICTS), [ind], [("score", "26", 2025, 95)])
        with pytest.raises(DefinitionError) as info:
            evaluate(plan(ind), p)
        assert str(info.value) == (
            "plan 'test-plan': indicator 'score': a target names level 'commune', but the hierarchy's "
            "levels are province, district; evaluate it on another tier with "
            "evaluate(..., tier_map={'commune': ...})"
        )
        assert info.value.code == "score"

    def test_only_a_missing_district_tier_is_explained_by_the_2025_reform(self) -> None:
        """A 'ward' tier on a hierarchy with communes gets the general hint, not the district one."""
        ind = score("score", at_least(90, tier="ward"))
        p = panel(hierarchy(TIERS), [ind], [("score", "26", 2025, 95)])
        with pytest.raises(DefinitionError) as info:
            evaluate(plan(ind), p)
        assert str(info.value) == (
            "plan 'test-plan': indicator 'score': a target names level 'ward', but the hierarchy's "
            "levels are province, district, commune; evaluate it on another tier with "
            "evaluate(..., tier_map={'ward': ...})"
        )

    def test_peers_not_in_the_hierarchy(self) -> None:
        """A rank target among 'region' units fails the same way."""
        ind = score("score", rank_at_most(3, among="region"))
        p = panel(hierarchy(PROVINCE), [ind], [("score", "26", 2025, 95)])
        with pytest.raises(DefinitionError, match="a target names level 'region'"):
            evaluate(plan(ind), p)

    def test_an_empty_panel_is_refused(self) -> None:
        """No observation, no period to evaluate; the message names the data's source."""
        ind = score("score", at_least(90))
        with pytest.raises(DefinitionError, match="<records>: the panel holds no observation"):
            evaluate(plan(ind), Panel.from_records([], hierarchy(PROVINCE)))

    def test_a_tier_above_the_plan_unit_is_refused(self) -> None:
        """A province-tier target in a plan for district 243 names the indicator and the unit."""
        ind = score("score", at_least(90, tier="province"))
        p = panel(hierarchy(TIERS), [ind], [("score", "243", 2025, 95)])
        with pytest.raises(DefinitionError) as info:
            evaluate(plan(ind, unit="243"), p)
        assert str(info.value) == (
            "plan 'test-plan': indicator 'score': a target for tier 'province' is above the plan's unit '243' "
            "on level 'district'"
        )


# --------------------------------------------------------------------------- properties

#: Status from best to worst news, for a unit that has a value.
RANK_OF_STATUS = {
    "achieved": 0,
    "on_track": 1,
    "off_track": 2,
    "insufficient_data": 2,
    "not_achieved": 3,
    "no_data": 4,
}
YEARS = (2021, 2022, 2023, 2024, 2025)
value_or_none = st.none() | st.floats(0, 100, allow_nan=False)


class TestProperties:
    @given(
        values=st.lists(
            st.lists(value_or_none, min_size=len(YEARS), max_size=len(YEARS)),
            min_size=3,
            max_size=3,
        ),
        now=st.floats(0, 100, allow_nan=False),
        rise=st.floats(1e-6, 50, allow_nan=False),
        who=st.integers(0, 2),
        at=st.integers(0, len(YEARS) - 1),
        thresholds=st.tuples(st.floats(0, 100), st.floats(0, 100)),
        deadline=st.sampled_from(["2022", "2023", "2024", "2025", "2026"]),
    )
    def test_raising_a_value_never_worsens_an_at_least_status(
        self,
        values: list[list[float | None]],
        now: float,
        rise: float,
        who: int,
        at: int,
        thresholds: tuple[float, float],
        deadline: str,
    ) -> None:
        """Raising one unit's value in the evaluated period keeps or improves every at_least status."""
        ind = score("x", at_least(thresholds[0]), at_least(thresholds[1], tier="district"))
        h = hierarchy(TIERS[:3])
        codes = ["26", "243", "244"]
        values[who][at] = now

        def statuses(bump: float) -> dict[tuple[str, str], str]:
            rows = [
                ("x", code, year, v + (bump if (k, t) == (who, at) else 0.0))
                for k, code in enumerate(codes)
                for t, (year, v) in enumerate(zip(YEARS, values[k], strict=True))
                if v is not None
            ]
            ev = evaluate(plan(ind, deadline=deadline), panel(h, [ind], rows), period=YEARS[at])
            return {(r["unit"], r["scope"]): r["status"] for r in ev.rows}

        before, after = statuses(0.0), statuses(rise)
        assert before.keys() == after.keys()
        for key, status in before.items():
            assert RANK_OF_STATUS[after[key]] <= RANK_OF_STATUS[status], (key, status, after[key])

    @given(name=st.sampled_from(catalog.names()))
    def test_every_catalogue_survives_a_json_round_trip(self, name: str) -> None:
        """Each shipped plan reads back from its own JSON unchanged."""
        plan_ = catalog.load(name)
        assert Plan.from_json(plan_.to_json()) == plan_


# --------------------------------------------------------------------------- outputs

NOTE = "Số liệu <mô phỏng> & minh họa"


def sample() -> Evaluation:
    """Two areas on TIERS, with a note, an HTML-like unit name and a '|' in another.

    procedures (own):        a 84 >= 80 achieved; b no value -> no_data
    digital_government:      wf 26 own 95 >= 90 achieved; tier:district 70 < 80 not_achieved;
                             243 own 70 not_achieved
    """
    units = [
        ("26", "Tỉnh <b>Vĩnh Phúc</b>", "province", None),
        ("243", "Vĩnh Yên | city", "district", "26"),
    ]
    a = Indicator("a", "A", area="procedures", targets=[at_least(80)])
    b = Indicator("b", "B", area="procedures", targets=[at_least(80)])
    wf = Indicator(
        "wf",
        "WF",
        area="digital_government",
        targets=[at_least(90, tier="province"), at_least(80, tier="district")],
        source="QĐ 2866",
    )
    rows = [("a", "26", 2025, 84, 100), ("wf", "26", 2025, 95, 100), ("wf", "243", 2025, 70, 100)]
    p = panel(hierarchy(units), [a, b, wf], rows, note=NOTE)
    pl = plan(a, b, wf, title="Kế hoạch thử", title_en="A test plan")
    return evaluate(pl, p)


class TestEvaluationOutputs:
    def test_to_records_keys_are_the_columns(self) -> None:
        """Each record has exactly the keys of COLUMNS, in order; records are copies."""
        ev = sample()
        records = ev.to_records()
        assert len(records) == len(ev) == 5
        assert all(tuple(r) == COLUMNS + LABEL_COLUMNS for r in records)
        records[0]["status"] = "changed"
        assert ev.rows[0]["status"] == "achieved"

    def test_every_row_carries_the_note_and_the_source(self) -> None:
        """The panel's note is on every row; a target without a source takes the indicator's."""
        ev = sample()
        assert ev.note == NOTE
        assert {r["note"] for r in ev.rows} == {NOTE}
        assert {r["source"] for r in ev.rows if r["indicator"] == "wf"} == {"QĐ 2866"}

    def test_to_json_is_one_array_of_objects(self) -> None:
        """to_json parses to the records; missing numbers are null, Vietnamese kept readable."""
        ev = sample()
        text = ev.to_json()
        data = json.loads(text)
        assert isinstance(data, list)
        assert all(isinstance(r, dict) and r.keys() >= REQUIRED for r in data)
        assert data == ev.to_records()
        b = next(r for r in data if r["indicator"] == "b")
        assert (b["value"], b["gap"], b["status"]) == (None, None, "no_data")
        assert "Tỉnh <b>Vĩnh Phúc</b>" in text

    def test_to_csv_header_and_a_row(self) -> None:
        """The header is COLUMNS; a missing value is an empty cell."""
        ev = sample()
        text = ev.to_csv()
        assert text.splitlines()[0] == ",".join(COLUMNS + LABEL_COLUMNS)
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 5
        district = next(r for r in rows if r["unit"] == "243")
        assert district["unit_name"] == "Vĩnh Yên | city"
        assert (district["value"], district["status"], district["gap"]) == (
            "70.0",
            "not_achieved",
            "10.0",
        )
        assert district["projected"] == ""
        assert district["note"] == NOTE

    def test_to_markdown_has_title_note_and_table(self) -> None:
        """Markdown: the title and period, the note in bold, a table in words with '|' escaped."""
        text = sample().to_markdown("en")
        lines = text.splitlines()
        assert lines[0] == "# A test plan — Period: 2025"
        assert "**Số liệu" in text
        assert "| Indicator | Unit | Scope | Value | Target | Status | Gap | Projected |" in lines
        assert "| All areas | 2 | 0 | 0 | 1 | 0 | 1 |" in lines
        assert (
            "| WF | Vĩnh Yên \\| city (243) | district level (itself) | 70 % | ≥ 80 % | "
            "Not achieved | 10 | — |"
        ) in lines

    def test_to_markdown_in_vietnamese(self) -> None:
        """Markdown in Vietnamese: the title, the headers, the statuses and the decimal comma."""
        lines = sample().to_markdown("vi").splitlines()
        assert lines[0] == "# Kế hoạch thử — Kỳ: 2025"
        assert "| Tất cả các lĩnh vực | 2 | 0 | 0 | 1 | 0 | 1 |" in lines
        assert any(line.startswith("| A | ") and "| Đạt | -4 |" in line for line in lines)

    def test_to_markdown_escapes_html(self) -> None:
        """Text from the data (unit names, the note) cannot inject HTML into a rendered report."""
        text = sample().to_markdown("en")
        assert "<b>" not in text
        assert "<mô phỏng>" not in text

    def test_to_html_escapes_text_and_marks_statuses(self) -> None:
        """HTML: the note and names are escaped; status cells carry the status classes and words."""
        ev = sample()
        text = ev.to_html("en")
        assert "<p><strong>Số liệu &lt;mô phỏng&gt; &amp; minh họa</strong></p>" in text
        assert "Tỉnh &lt;b&gt;Vĩnh Phúc&lt;/b&gt; (26)" in text
        assert "<b>" not in text
        assert '<td class="status status-not_achieved">Not achieved</td>' in text
        assert "<td>≥ 80 %</td>" in text
        assert text.count("<tr>") == 1 + 5
        assert '<td class="status status-achieved">Đạt</td>' in ev.to_html("vi")

    def test_outputs_without_a_note_have_no_note(self) -> None:
        """Without a note there is no note paragraph and the rows' note is None."""
        ind = score("score", at_least(90))
        ev = evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], [("score", "26", 2025, 95)]))
        assert ev.note == ""
        assert ev.rows[0]["note"] is None
        assert "<p>" not in ev.to_html("en")
        lines = ev.to_markdown("en").splitlines()
        assert lines[:3] == [
            "# test-plan — Period: 2025",
            "",
            "| Area | Achieved | On track | Off track | Not achieved | Insufficient data | No data |",
        ]
        assert "| All areas | 1 | 0 | 0 | 0 | 0 | 0 |" in lines
        assert ev.scorecard("en").splitlines()[0] == "test-plan"

    def test_to_frame_has_the_columns(self) -> None:
        """to_frame gives one DataFrame row per row, with COLUMNS as columns."""
        pytest.importorskip("pandas")
        ev = sample()
        frame = ev.to_frame()
        assert list(frame.columns) == list(COLUMNS)
        assert len(frame) == len(ev)
        assert list(frame["status"]) == [r["status"] for r in ev.rows]

    def test_summary_counts_the_plan_unit_rows_per_area_and_overall(self) -> None:
        """Plan rows: procedures 1 achieved + 1 no_data; digital 1 achieved + 1 not_achieved."""
        zero = {"on_track": 0, "off_track": 0, "insufficient_data": 0}
        assert sample().summary() == [
            {"area": "procedures", "achieved": 1, "evaluated": 1, "no_data": 1, "not_achieved": 0, **zero},
            {"area": "digital_government", "achieved": 1, "evaluated": 2, "no_data": 0, "not_achieved": 1, **zero},
            {"area": "all", "achieved": 2, "evaluated": 3, "no_data": 1, "not_achieved": 1, **zero},
        ]  # fmt: skip

    def test_counts_every_status_in_order(self) -> None:
        """counts() has every status, in STATUSES order; here 2 achieved, 2 not, 1 no data."""
        ev = sample()
        counts = ev.counts()
        assert tuple(counts) == STATUSES
        assert counts == {
            "achieved": 2,
            "on_track": 0,
            "off_track": 0,
            "not_achieved": 2,
            "insufficient_data": 0,
            "no_data": 1,
        }
        assert ev.counts(ev.plan_rows())["not_achieved"] == 1

    def test_plan_rows_leave_out_the_units_of_a_tier(self) -> None:
        """The plan unit's rows are those of unit 26: 4 of the 5."""
        ev = sample()
        assert [(r["indicator"], r["scope"]) for r in ev.plan_rows()] == [
            ("a", "own"),
            ("b", "own"),
            ("wf", "own"),
            ("wf", "tier:district"),
        ]

    def test_plan_rows_without_a_plan_unit_are_the_top_level_rows(self) -> None:
        """Plan unit None: the plan rows are the top-level units' rows."""
        ind = score("x", at_least(50), at_least(50, tier="district"))
        h = hierarchy(
            [
                ("01", "Hà Nội", "province", None),
                ("02", "Hà Giang", "province", None),
                ("001", "Ba Đình", "district", "01"),
            ]
        )
        rows = [("x", "01", 2025, 60), ("x", "02", 2025, 40), ("x", "001", 2025, 70)]
        ev = evaluate(plan(ind, unit=None), panel(h, [ind], rows))
        assert [(r["unit"], r["scope"]) for r in ev.plan_rows()] == [
            ("01", "own"),
            ("02", "own"),
            ("01", "tier:district"),
            ("02", "tier:district"),
        ]
        # 02 has no district: its tier:district row has no data
        assert (ev.summary()[-1]["evaluated"], ev.summary()[-1]["no_data"]) == (3, 1)

    def test_an_empty_plan_has_no_rows(self) -> None:
        """A plan without indicators gives no rows, no plan rows and an empty summary."""
        ind = score("x")
        for unit in ("26", None):
            ev = evaluate(
                plan(unit=unit), panel(hierarchy(PROVINCE), [ind], [("x", "26", 2025, 1)])
            )
            assert (len(ev), ev.plan_rows(), ev.summary()) == (0, [], [])
            assert "Summary" not in ev.scorecard("en")

    def test_repr(self) -> None:
        """The repr names the plan, the period, the row count and the non-zero statuses."""
        assert repr(sample()) == (
            "Evaluation(plan='test-plan', period='2025', rows=5, achieved=2, not_achieved=2, no_data=1)"
        )

    def test_repr_of_an_empty_evaluation(self) -> None:
        """With no rows, the repr ends cleanly after the row count."""
        ind = score("x")
        ev = evaluate(plan(), panel(hierarchy(PROVINCE), [ind], [("x", "26", 2025, 1)]))
        assert repr(ev) == "Evaluation(plan='test-plan', period='2025', rows=0)"

    def test_scorecard_groups_by_area_and_summarises_tiers(self) -> None:
        """Plain text: note, titles, period, areas, the plan rows, a per-tier line, the overall count."""
        lines = sample().scorecard("en").splitlines()
        assert lines == [
            f"*** {NOTE} ***",
            "",
            "A test plan",
            "Tỉnh <b>Vĩnh Phúc</b> (26) — Period: 2025",
            "",
            "== Administrative procedure reform",
            "  A",
            "      province level (itself)           84 %  ≥ 80 %                              Achieved",
            "  B",
            "      province level (itself)              —  ≥ 80 %                              No data",
            "        Why: no data for the period",
            "",
            "== E-government and digital government",
            "  WF",
            "      province level (itself)           95 %  ≥ 90 %                              Achieved",
            "      the districts                     70 %  ≥ 80 %                              Not achieved",
            "        0/1 districts met (≥ 80 %); Not achieved: 1",
            "",
            "Summary: 4 targets",
            "  Achieved               2",
            "  On track               0",
            "  Off track              0",
            "  Not achieved           1",
            "  Insufficient data      0",
            "  No data                1",
            "",
            f"*** {NOTE} ***",
        ]


# --------------------------------------------------------------------------- the demo


class TestDemo:
    @staticmethod
    def demo(period: object = None) -> Evaluation:
        return evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=period)

    @staticmethod
    def kinds(ev: Evaluation, indicator: str) -> dict[str, Row]:
        """The province's rows of ``indicator``, by the start of their target text."""
        return {
            r["target"].split(" ")[0]: r
            for r in ev.rows
            if r["unit"] == "26" and r["indicator"] == indicator
        }

    def test_2025_statuses_are_final_and_say_why_a_row_is_open(self) -> None:
        """In 2025 no plan row is on or off track: each is final, or says what is missing."""
        ev = self.demo()
        assert ev.period == "2025"
        counts = ev.counts(ev.plan_rows())
        assert counts["achieved"] > 0
        assert counts["not_achieved"] > 0
        assert counts["on_track"] == counts["off_track"] == 0
        missing = {r["indicator"] for r in ev.plan_rows() if r["status"] == "no_data"}
        assert missing == {
            "satisfaction_health_education",
            "satisfaction_health",
            "satisfaction_education",
        }
        (open_row,) = [r for r in ev.plan_rows() if r["status"] == "insufficient_data"]
        # SIPAS 2021-2024 rose every year; 2025 has no ranking of Vĩnh Phúc
        assert (open_row["indicator"], open_row["periods_without_data"]) == ("sipas", "2025")
        # 25 indicators, 5 of them fields without targets of their own; PAR INDEX and SIPAS
        # 2 targets each, meetings 2, work files 3, the pooled satisfactions 1 + one per field
        assert len(ev.plan_rows()) == 20 + 1 + 1 + 1 + 2 + 3 + 2

    def test_2025_hand_checked_rows(self) -> None:
        """Public service units 640 -> 585 = -8.59 % (missed); staff 21500 -> 19100 = -11.16 %; 8 of 9 districts meet."""
        ev = self.demo()
        units = row(ev, "26", indicator="public_service_units")
        assert units["value"] == pytest.approx(-8.59375)
        assert units["status"] == "not_achieved"
        staff = row(ev, "26", indicator="public_service_staff")
        assert staff["value"] == pytest.approx((19100 - 21500) / 21500 * 100)
        assert staff["status"] == "achieved"
        share = row(ev, "26", "tier:district", "meetings_online")
        assert share["value"] == pytest.approx(800 / 9)
        assert share["status"] == "achieved"

    def test_2025_top_15_every_year(self) -> None:
        """Demo ranks: PAR INDEX 22, 19, 17, 14 and SIPAS 25, 23, 21, 20 in 2021-2024; none in 2025."""
        ev = self.demo()
        par = self.kinds(ev, "par_index")["rank"]
        assert par["value"] is None  # no 2025 ranking ranks Vĩnh Phúc
        assert par["status"] == "not_achieved"
        assert par["periods_not_met"] == "2021, 2022, 2023"
        assert par["periods_without_data"] == "2025"
        sipas = self.kinds(ev, "sipas")["rank"]
        assert sipas["periods_not_met"] == "2021, 2022, 2023, 2024"

    def test_2025_split_reading_of_pooled_satisfaction(self) -> None:
        """Land 80 %, construction 85 %, investment 89.3 %: pooled 84 % misses, per field land misses.

        Demo answers in 2025: land 400/500, construction 340/400, investment 268/300;
        pooled (400 + 340 + 268) / 1200 = 84 %.
        """
        ev = self.demo()
        pooled = row(ev, "26", indicator="satisfaction_land_construction_investment")
        assert pooled["value"] == pytest.approx(84.0)
        assert pooled["status"] == "not_achieved"
        fields = {
            code: row(ev, "26", indicator=code)
            for code in (
                "satisfaction_land",
                "satisfaction_construction",
                "satisfaction_investment",
            )
        }
        assert fields["satisfaction_land"]["value"] == pytest.approx(80.0)
        assert fields["satisfaction_construction"]["value"] == pytest.approx(85.0)
        assert fields["satisfaction_investment"]["value"] == pytest.approx(268 / 3)
        assert [r["status"] for r in fields.values()] == ["not_achieved", "achieved", "achieved"]
        assert all(r["target"] == ">= 85 % in each field" for r in fields.values())

    def test_scorecard_counts_the_fields_of_a_per_field_target(self) -> None:
        """Land misses 85 % in 2025, construction and investment meet it: counted below the area."""
        lines = self.demo().scorecard("en", codes=True).splitlines()
        assert (
            "      Satisfaction of citizens and businesses with the handling of procedures on land, "
            "construction"
        ) in lines
        k = lines.index(
            "      Satisfaction of citizens and businesses with the handling of procedures on land, "
            "construction"
        )
        assert lines[k + 1] == (
            "        and investment [satisfaction_land_construction_investment], in each field: "
            "Achieved: 2, Not"
        )
        assert lines[k + 2] == "        achieved: 1"
        assert any(
            "[satisfaction_health_education], in each field: No data: 2" in line for line in lines
        )

    def test_2023_mixes_on_track_and_off_track(self) -> None:
        """The mid-term review has rows on and off track; only years already missed are final."""
        ev = self.demo(2023)
        counts = ev.counts(ev.plan_rows())
        assert counts["on_track"] > 0
        assert counts["off_track"] > 0
        final = {
            (r["indicator"], r["target"].split(" ")[0])
            for r in ev.plan_rows()
            if r["status"] == "not_achieved"
        }
        assert final == {("par_index", "rank"), ("par_index", "no"), ("sipas", "rank")}

    def test_scorecard_names_the_years_missed_and_without_data(self) -> None:
        """Below an every-year row, the scorecard says which years missed and which had no data."""
        lines = self.demo().scorecard("en").splitlines()
        k = next(i for i, x in enumerate(lines) if "in the top 15 provinces, every" in x)
        assert lines[k - 1] == "  Provincial Public Administration Reform Index (PAR INDEX)"
        assert lines[k + 2] == "        not met in 2021, 2022, 2023; no data for 2025"
        assert lines[k + 3] == "        Why: no data for the period"

    def test_2023_every_year_targets_are_not_projected(self) -> None:
        """PAR INDEX rank 17 in 2023 (22, 19 before): missed in every year so far, no projection."""
        r = self.kinds(self.demo(2023), "par_index")["rank"]
        assert r["value"] == 17.0
        assert r["projected"] is None
        assert r["method"] is None
        assert r["periods_not_met"] == "2021, 2022, 2023"

    @pytest.mark.parametrize("period", [None, 2023])
    def test_every_row_says_the_data_are_synthetic(self, period: object) -> None:
        """The synthetic note is on the evaluation, on every row, and atop and below the scorecard."""
        ev = self.demo(period)
        assert ev.note == SYNTHETIC_NOTE
        assert {r["note"] for r in ev.rows} == {SYNTHETIC_NOTE}
        lines = ev.scorecard("en").splitlines()
        assert SYNTHETIC_NOTE in lines[0]
        assert SYNTHETIC_NOTE in lines[-1]


# --------------------------------------------------------------------------- every period (issue 12)


class TestEveryPeriod:
    """``each_period``: the target must hold in every period from the baseline to the deadline."""

    def ev(self, values: Mapping[int, float], period: int | None = None, **options: Any) -> Row:
        ind = score("score", at_least(80, each_period=True, **options))
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", values))
        return row(evaluate(plan(ind), p, period=period), "26")

    def test_held_every_year_is_achieved_at_the_deadline(self) -> None:
        """81, 82, 80, 85, 90 against >= 80 in every year 2021-2025: achieved."""
        r = self.ev({2021: 81, 2022: 82, 2023: 80, 2024: 85, 2025: 90})
        assert (r["status"], r["periods_not_met"], r["periods_without_data"]) == (
            "achieved",
            None,
            None,
        )
        assert r["target"] == ">= 80 points, every period"

    def test_held_so_far_is_on_track_before_the_deadline(self) -> None:
        """81, 82, 80 in 2021-2023: every year so far, but 2024 and 2025 are to come."""
        r = self.ev({2021: 81, 2022: 82, 2023: 80})
        assert r["status"] == "on_track"
        assert r["projected"] is None
        assert r["method"] is None

    def test_one_missed_year_is_final(self) -> None:
        """79 in 2022 cannot be made good by 95 in 2025: not achieved, 2022 named."""
        r = self.ev({2021: 81, 2022: 79, 2023: 85, 2024: 85, 2025: 95})
        assert (r["status"], r["periods_not_met"], r["value"]) == ("not_achieved", "2022", 95.0)
        # already final at the mid-term, before the deadline
        mid = self.ev({2021: 81, 2022: 79, 2023: 85})
        assert (mid["status"], mid["periods_not_met"]) == ("not_achieved", "2022")

    def test_a_year_without_data_leaves_it_open(self) -> None:
        """No 2023 figure: held in every year with data, but not shown for 2023."""
        r = self.ev({2021: 81, 2022: 82, 2024: 85, 2025: 90})
        assert (r["status"], r["periods_without_data"]) == ("insufficient_data", "2023")

    def test_a_missed_year_outweighs_a_missing_one(self) -> None:
        """Missed 2022 and no 2023: not achieved (a failure is known), both listed."""
        r = self.ev({2021: 81, 2022: 70, 2024: 85, 2025: 90})
        assert (r["status"], r["periods_not_met"], r["periods_without_data"]) == (
            "not_achieved",
            "2022",
            "2023",
        )

    def test_before_the_baseline_nothing_is_judged_yet(self) -> None:
        """Evaluated in 2020, before the 2021 baseline: insufficient_data, whatever the value."""
        for value in (85, 70):
            r = self.ev({2020: value}, period=2020)
            assert (r["status"], r["periods_not_met"], r["periods_without_data"]) == (
                "insufficient_data",
                None,
                None,
            )

    def test_a_change_is_not_judged_in_the_baseline_year(self) -> None:
        """The change from the year before applies from 2022: in 2021 there is nothing to judge."""
        ind = score("score", no_worse_than_previous())
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", {2020: 90, 2021: 70}))
        r = row(evaluate(plan(ind), p, period=2021), "26")
        assert (r["value"], r["status"], r["periods_not_met"]) == (-20.0, "insufficient_data", None)

    def test_years_after_the_deadline_are_not_judged(self) -> None:
        """Evaluated in 2026 for a 2024 deadline: 2025 and 2026 do not count."""
        r = self.ev({2021: 81, 2022: 82, 2023: 80, 2024: 85, 2025: 10, 2026: 10}, deadline="2024")
        assert (r["status"], r["periods_not_met"]) == ("achieved", None)

    def test_quarters_are_the_periods_of_quarterly_data(self) -> None:
        """Quarterly data: every quarter from 2021-Q1 counts; 2021-Q3 is missing."""
        ind = score("score", at_least(80, each_period=True))
        rows = [("score", "26", q, 90) for q in ("2021-Q1", "2021-Q2", "2021-Q4")]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows)), "26")
        assert (r["status"], r["periods_without_data"]) == ("insufficient_data", "2021-Q3")

    def test_rank_every_year(self) -> None:
        """Ranked 1st of 2 in 2021 and 2nd of 2 in 2022 against top 1 every year: 2022 missed."""
        ind = score("score", rank_at_most(1, among="province", each_period=True))
        h = hierarchy([("01", "Thành phố Hà Nội", "province", None), *PROVINCE])
        data = series("score", "26", {2021: 90, 2022: 80}) + series(
            "score", "01", {2021: 85, 2022: 85}
        )
        r = row(evaluate(plan(ind), panel(h, [ind], data)), "26")
        assert (r["value"], r["status"], r["periods_not_met"]) == (2.0, "not_achieved", "2022")

    def test_per_tier_rows_are_judged_every_year_too(self) -> None:
        """Commune shares >= 60 % every year: the pooled row and each commune's row."""
        ind = Indicator(
            "share",
            "Share",
            targets=[at_least(60, tier="commune", each_period=True)],
        )
        rows = [
            ("share", c, y, n, 10)
            for c, y, n in [
                ("08707", 2021, 7),
                ("08707", 2022, 5),
                ("08710", 2021, 6),
                ("08710", 2022, 8),
                ("09013", 2021, 9),
                ("09013", 2022, 9),
            ]
        ]
        ev = evaluate(plan(ind), panel(hierarchy(TIERS), [ind], rows))
        assert row(ev, "26", "tier:commune")["status"] == "on_track"  # 22/30, 22/30
        assert row(ev, "08707")["periods_not_met"] == "2022"  # 5/10
        assert row(ev, "08710")["status"] == "on_track"


class TestNoWorseThanPrevious:
    """``no_worse_than_previous``: each year after the baseline no worse than the year before."""

    def test_hand_checked_changes(self) -> None:
        """70, 72, 71.5, 73 (2021-2024): 2023 fell by 0.5, so not achieved; value = 2024's +1.5."""
        ind = score("score", no_worse_than_previous())
        p = panel(
            hierarchy(PROVINCE),
            [ind],
            series("score", "26", {2021: 70, 2022: 72, 2023: 71.5, 2024: 73}),
        )
        r = row(evaluate(plan(ind), p), "26")
        assert (r["value"], r["gap"], r["status"], r["periods_not_met"]) == (
            1.5,
            -1.5,
            "not_achieved",
            "2023",
        )
        assert r["unit_label"] == "points"
        assert r["target"] == "no worse than the period before, every period"

    def test_tolerance(self) -> None:
        """A fall of 0.5 is within a tolerance of 1: on track in 2023."""
        ind = score("score", no_worse_than_previous(tolerance=1))
        p = panel(
            hierarchy(PROVINCE), [ind], series("score", "26", {2021: 70, 2022: 72, 2023: 71.5})
        )
        assert row(evaluate(plan(ind), p), "26")["status"] == "on_track"

    def test_the_baseline_year_is_not_compared_with_the_year_before_it(self) -> None:
        """The first change judged is 2022's (from 2021): no 2020 figure is needed."""
        ind = score("score", no_worse_than_previous())
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", {2021: 70, 2022: 72}))
        r = row(evaluate(plan(ind), p), "26")
        assert (r["status"], r["periods_without_data"]) == ("on_track", None)

    def test_lower_is_better_turns_the_sign(self) -> None:
        """Days to settle 5 -> 4 -> 4.5: an improvement of 1, then a worsening of 0.5."""
        days = score("days", no_worse_than_previous(), direction="lower", unit="days")
        p = panel(hierarchy(PROVINCE), [days], series("days", "26", {2021: 5, 2022: 4, 2023: 4.5}))
        ev = evaluate(plan(days), p)
        r = row(ev, "26")
        assert (r["value"], r["status"], r["periods_not_met"]) == (-0.5, "not_achieved", "2023")
        assert row(evaluate(plan(days), p, period=2022), "26")["value"] == 1.0

    def test_a_gap_in_the_years_has_no_previous_value(self) -> None:
        """2021 and 2023 only: 2023 has no 2022 to compare with; 2022 and 2023 are without data."""
        ind = score("score", no_worse_than_previous())
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", {2021: 70, 2023: 75}))
        r = row(evaluate(plan(ind), p), "26")
        assert (r["value"], r["reason"], r["status"]) == (None, "no_previous_value", "no_data")
        assert r["periods_without_data"] == "2022, 2023"

    def test_a_change_beyond_the_floats_is_an_overflow_not_inf(self) -> None:
        """-1e308 -> 1e308 changes by 2e308, beyond the floats: no value, reason overflow."""
        ind = score("score", no_worse_than_previous())
        p = panel(hierarchy(PROVINCE), [ind], series("score", "26", {2021: -1e308, 2022: 1e308}))
        r = row(evaluate(plan(ind), p), "26")
        assert (r["value"], r["reason"]) == (None, "overflow")


class TestPerField:
    """``fields``: a pooled target read as holding in each field."""

    def test_pooled_and_per_field_readings(self) -> None:
        """Land 40/50 = 80 %, investment 45/50 = 90 %: pooled 85/100 = 85 % holds; land misses."""
        pooled = Indicator(
            "lci",
            "Pooled",
            targets=[at_least(85), at_least(85, fields=["land", "inv"])],
        )
        land, inv = Indicator("land", "Land"), Indicator("inv", "Investment")
        rows = [
            ("lci", "26", 2025, 85, 100),
            ("land", "26", 2025, 40, 50),
            ("inv", "26", 2025, 45, 50),
        ]
        ev = evaluate(
            plan(pooled, land, inv), panel(hierarchy(PROVINCE), [pooled, land, inv], rows)
        )
        assert [(r["indicator"], r["value"], r["status"]) for r in ev.rows] == [
            ("lci", 85.0, "achieved"),
            ("land", 80.0, "not_achieved"),
            ("inv", 90.0, "achieved"),
        ]
        assert ev.rows[1]["target"] == ">= 85 % in each field"

    def test_a_field_must_be_an_indicator_of_the_plan(self) -> None:
        """A field the plan does not define is refused when the plan is built."""
        pooled = Indicator("lci", "Pooled", targets=[at_least(85, fields=["land", "inv"])])
        with pytest.raises(DefinitionError, match="'inv', which is not an indicator of the plan"):
            plan(pooled, Indicator("land", "Land"))

    def test_a_field_must_be_measured_as_the_pooled_indicator(self) -> None:
        """A count cannot be a field of a percentage."""
        pooled = Indicator("lci", "Pooled", targets=[at_least(85, fields=["land", "inv"])])
        count = Indicator("inv", "Investment", measure=measures.count())
        with pytest.raises(DefinitionError, match="field 'inv' of indicator 'lci' is not measured"):
            plan(pooled, Indicator("land", "Land"), count)

    def test_a_field_is_not_the_indicator_itself(self) -> None:
        """An indicator cannot be its own field."""
        with pytest.raises(DefinitionError, match="names the indicator itself as a field"):
            Indicator("lci", "Pooled", targets=[at_least(85, fields=["lci", "inv"])])

    def test_pooled_and_per_field_targets_may_coexist(self) -> None:
        """Two at_least targets on one tier are allowed when one is per field."""
        ind = Indicator("lci", "P", targets=[at_least(85), at_least(85, fields=["a", "b"])])
        assert len(ind.targets) == 2


# --------------------------------------------------------------------------- review findings


class TestDeadlineIsTheEndOfItsPeriod:
    """'By 2025' means by the end of 2025, whatever the data's period kind."""

    def test_monthly_data_inside_the_deadline_year_are_interim(self) -> None:
        """2025-02 is before the end of 2025: on track, projected to 2025-12."""
        ind = score("x", at_least(80, deadline="2025"))
        rows = [("x", "26", p, v) for p, v in [("2024-12", 50), ("2025-01", 60), ("2025-02", 70)]]
        ev = evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows))
        r = row(ev, "26")
        # +10 a month from 2025-02 (70) for 10 more months reaches 170 at 2025-12
        assert r["status"] == "on_track"
        assert r["projected"] == pytest.approx(170.0)
        assert r["method"] == "linear"

    def test_quarterly_data_at_the_deadline_quarter_are_final(self) -> None:
        """2025-Q4 ends with 2025: the status is final (not_achieved), with no projection."""
        ind = score("x", at_least(80, deadline="2025"))
        rows = [("x", "26", p, v) for p, v in [("2025-Q3", 50), ("2025-Q4", 60)]]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows)), "26")
        assert (r["status"], r["projected"], r["method"]) == ("not_achieved", None, None)

    def test_attainment_in_quarters_names_the_quarter(self) -> None:
        """50, 55, 60, 65 in 2023's quarters: +20 a year meets 80 at 2024.5, the start of 2024-Q3."""
        ind = score("x", at_least(80, deadline="2025"))
        quarters = [("2023-Q1", 50), ("2023-Q2", 55), ("2023-Q3", 60), ("2023-Q4", 65)]
        rows = [("x", "26", p, v) for p, v in quarters]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows)), "26")
        # 65 at 2023.75 + 20 a year * 0.75 = 80 at 2024.5: the quarter starting then is Q3
        assert r["attainment_period"] == "2024-Q3"
        assert r["status"] == "on_track"

    def test_attainment_in_months_names_the_month(self) -> None:
        """50, 55, 60 in 2025-01..03: +5 a month meets 80 at 2025.5, the start of 2025-07."""
        ind = score("x", at_least(80, deadline="2025-12"))
        rows = [("x", "26", p, v) for p, v in [("2025-01", 50), ("2025-02", 55), ("2025-03", 60)]]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows)), "26")
        assert r["attainment_period"] == "2025-07"

    def test_yearly_data_against_a_quarter_deadline_are_final(self) -> None:
        """Data for the year 2025 end with the deadline 2025-Q4: a final status."""
        ind = score("x", at_least(80, deadline="2025-Q4"))
        rows = [("x", "26", 2024, 50), ("x", "26", 2025, 90)]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows)), "26")
        assert r["status"] == "achieved"


class TestMinimumCoverage:
    """evaluate(min_coverage=...) refuses pooled values resting on a few units."""

    def test_a_thin_tier_pool_is_no_data_with_its_reason(self) -> None:
        """1 of 5 districts reporting (20 %) is below 0.5: no value, reason below_min_coverage."""
        ind = Indicator("wf", "WF", targets=[at_least(80, tier="district")])
        h = hierarchy(FIVE_DISTRICTS)
        p = panel(h, [ind], [("wf", "243", 2025, 90, 100)])
        loose = row(evaluate(plan(ind), p), "26", "tier:district")
        strict = row(evaluate(plan(ind), p, min_coverage=0.5), "26", "tier:district")
        assert (loose["value"], loose["status"], loose["coverage"]) == (90.0, "achieved", 0.2)
        assert (strict["value"], strict["status"], strict["reason"]) == (
            None,
            "no_data",
            "below_min_coverage",
        )
        assert strict["coverage"] == 0.2  # the coverage is kept

    def test_ranks_report_the_share_of_peers_with_data(self) -> None:
        """A rank among 63 provinces with 2 reporting has coverage 2/63; min_coverage refuses it."""
        ind = score("par", rank_at_most(15, among="province"))
        p = panel(
            datasets.provinces_2024(), [ind], [("par", "26", 2025, 80), ("par", "01", 2025, 90)]
        )
        loose = row(evaluate(plan(ind), p), "26")
        assert (loose["value"], loose["coverage"]) == (2.0, pytest.approx(2 / 63))
        strict = row(evaluate(plan(ind), p, min_coverage=0.9), "26")
        assert (strict["status"], strict["reason"]) == ("no_data", "below_min_coverage")

    def test_own_rows_are_not_held_to_the_minimum(self) -> None:
        """A unit's own value rests on itself: a district without one is no_data, not below_min_coverage."""
        ind = Indicator("wf", "WF", targets=[at_least(80, tier="district")])
        p = panel(hierarchy(FIVE_DISTRICTS), [ind], [("wf", "243", 2025, 90, 100)])
        ev = evaluate(plan(ind), p, min_coverage=0.5)
        assert (row(ev, "243")["status"], row(ev, "243")["coverage"]) == ("achieved", 1.0)
        missing = row(ev, "244")
        assert (missing["status"], missing["reason"], missing["coverage"]) == (
            "no_data",
            "no_data",
            0.0,
        )

    @pytest.mark.parametrize("bad", [-0.1, 1.5, True, "0.5"])
    def test_bad_min_coverage(self, bad: object) -> None:
        """min_coverage is a share between 0 and 1."""
        ind = score("x", at_least(80))
        p = panel(hierarchy(PROVINCE), [ind], [("x", "26", 2025, 90)])
        with pytest.raises(DefinitionError, match="min_coverage is a share between 0 and 1"):
            evaluate(plan(ind), p, min_coverage=bad)  # type: ignore[arg-type]


class TestRankSemantics:
    """Ranks rank values among the plan unit's peers, and a rank measure is not re-ranked."""

    def test_a_rank_measure_is_used_as_the_rank(self) -> None:
        """An indicator that already is a rank (40th) is not ranked again (it would be 2nd)."""
        ind = Indicator(
            "r", "R", measure=measures.rank(), targets=[rank_at_most(15, among="province")]
        )
        h = hierarchy((("26", "VP", "province", None), ("01", "HN", "province", None)))
        p = panel(h, [ind], [("r", "26", 2025, 40), ("r", "01", 2025, 3)])
        r = row(evaluate(plan(ind), p), "26")
        assert (r["value"], r["status"], r["gap"]) == (40.0, "not_achieved", 25.0)

    def test_peers_on_another_level_are_refused(self) -> None:
        """A province cannot be ranked among districts."""
        ind = score("s", rank_at_most(1, among="district"))
        p = panel(hierarchy(TIERS), [ind], [("s", "26", 2025, 5), ("s", "243", 2025, 9)])
        with pytest.raises(
            DefinitionError, match="a rank among districts cannot rank the plan's unit '26'"
        ):
            evaluate(plan(ind), p)


class TestReasonsAndMethod:
    """Rows say why a value is missing and name a method only when one was applied."""

    def test_zero_and_missing_baseline_values_have_reasons(self) -> None:
        """A reduction against a baseline of 0 or of no value has no value, with the reason."""
        ind = Indicator(
            "n", "N", measure=measures.count(), targets=[reduce_by(0.1, baseline="2021")]
        )
        zero = panel(hierarchy(PROVINCE), [ind], [("n", "26", 2021, 0), ("n", "26", 2025, 5)])
        none = panel(hierarchy(PROVINCE), [ind], [("n", "26", 2022, 7), ("n", "26", 2025, 5)])
        z, m = row(evaluate(plan(ind), zero), "26"), row(evaluate(plan(ind), none), "26")
        assert (z["status"], z["reason"], z["baseline_value"]) == (
            "no_data",
            "zero_baseline_value",
            0.0,
        )
        assert (m["status"], m["reason"]) == ("no_data", "no_baseline_value")

    def test_a_missing_value_says_no_data(self) -> None:
        """A unit without a value in the period: reason no_data; a row with a value: no reason."""
        ind = score("x", at_least(80))
        h = hierarchy(TIERS)
        p = panel(h, [ind], [("x", "26", 2024, 70), ("x", "243", 2025, 90)])
        r = row(evaluate(plan(ind), p), "26")
        assert (r["status"], r["reason"], r["method"]) == ("no_data", "no_data", None)

    def test_the_plan_unit_must_be_in_the_units(self) -> None:
        """A plan about unit '01' cannot be evaluated on Vĩnh Phúc's units."""
        ind = score("x", at_least(80))
        p = panel(hierarchy(TIERS), [ind], [("x", "26", 2025, 90)])
        with pytest.raises(
            DefinitionError, match="plan 'test-plan' is about unit '01', which is not in the units"
        ):
            evaluate(plan(ind, unit="01"), p)

    def test_scorecard_names_units_when_a_plan_covers_several(self) -> None:
        """With plan.unit None and two provinces, each scorecard line names its unit."""
        ind = score("x", at_least(80))
        h = hierarchy((("26", "VP", "province", None), ("01", "HN", "province", None)))
        p = panel(h, [ind], [("x", "26", 2025, 90), ("x", "01", 2025, 70)])
        lines = evaluate(plan(ind, unit=None), p).scorecard("en").splitlines()
        assert lines[4:8] == [
            "  X",
            "      province level (itself): ≥ 80 points",
            "        HN (01)                            70 points  Not achieved",
            "        VP (26)                            90 points  Achieved",
        ]
        assert "Summary: 1 target for each of 2 units (2 results)" in lines


class TestProgressMethods:
    """evaluate(method=...) projects interim values with the chosen published method."""

    def series(self) -> tuple[Indicator, Panel]:
        ind = score("x", at_least(80))
        rows = [("x", "26", y, v) for y, v in [(2021, 50), (2022, 60), (2023, 70)]]
        return ind, panel(hierarchy(PROVINCE), [ind], rows)

    def test_linear_carries_category_and_attainment(self) -> None:
        """50, 60, 70: +10 a year reaches 80 in 2024; projected 90 in 2025; on_track."""
        ind, p = self.series()
        r = row(evaluate(plan(ind), p, period=2023), "26")
        assert (r["method"], r["category"], r["attainment_period"]) == (
            "linear",
            "on_track",
            "2024",
        )
        assert r["projected"] == pytest.approx(90.0)

    def test_open_sdg_ratio_of_growth_rates(self) -> None:
        """CAGR 50 -> 70 over 2 years = 18.32 %; required 50 -> 80 over 4 years = 12.47 %: R > 0.95."""
        ind, p = self.series()
        r = row(evaluate(plan(ind), p, period=2023, method="open-sdg"), "26")
        # observed (70/50)**(1/2) - 1 = 0.1832; required (80/50)**(1/4) - 1 = 0.1247
        assert r["category"] == "substantial_progress"
        assert r["projected"] == pytest.approx(70 * 1.4 ** (2 / 2))  # 70 x 1.1832**2 = 98.0
        assert r["status"] == "on_track"
        assert r["method"] == "open-sdg"

    def test_unsd_and_escap_name_their_categories(self) -> None:
        """Every method names one of its own categories."""
        from cchc_indicators.progress import CATEGORIES

        ind, p = self.series()
        for method in ("unsd", "escap"):
            r = row(evaluate(plan(ind), p, period=2023, method=method), "26")
            assert r["category"] in CATEGORIES[method]
            assert r["method"] == method

    def test_relative_targets_are_assessed_on_values(self) -> None:
        """640, 620, 600 against 10 % fewer than 640 (576): -20 a year crosses 576 at 2024.2."""
        ind = Indicator(
            "n", "N", measure=measures.count(), direction="lower",
            targets=[reduce_by(0.1, baseline="2021")],
        )  # fmt: skip
        rows = [("n", "26", y, v) for y, v in [(2021, 640), (2022, 620), (2023, 600)]]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows), period=2023), "26")
        # the line reaches 560 in 2025: (560 - 640) / 640 = -12.5 %, beyond -10 %
        assert r["projected"] == pytest.approx(-12.5)
        assert r["status"] == "on_track"
        assert r["attainment_period"] == "2025"  # 576 is crossed at 2024.2: the year 2025

    def test_unsd_one_point_rule_only_for_percentages(self) -> None:
        """1.2, 1.1, 1.0 % against at most 0 %: met by UNSD's 1-point rule; a score is not."""
        # the ratio alone: CAGR (1 / 1.2) ** 0.5 - 1; 2025: 1.0 / 1.2 = 0.8333;
        # (0.8333 - 1.2) / (0 - 1.2) = 0.3056 -> fair progress
        rows = [(2021, 1.2), (2022, 1.1), (2023, 1.0)]
        got = {}
        for measure in (measures.percent(), measures.score()):
            ind = score("x", at_most(0), measure=measure, direction="lower")
            p = panel(hierarchy(PROVINCE), [ind], [("x", "26", y, v) for y, v in rows])
            r = row(evaluate(plan(ind), p, period=2023, method="unsd"), "26")
            got[measure.unit_label] = (r["category"], r["attainment_period"])
        assert got == {
            "%": ("on_track_or_target_met", "2023"),
            "points": ("fair_progress_acceleration_needed", "not before 2035"),
        }

    def test_attainment_is_sought_ten_years_past_the_deadline(self) -> None:
        """50, 51, 52: +1 a year meets 80 in 2051, after 2025 + 10: 'not before 2035'."""
        ind = score("x", at_least(80))
        p = panel(hierarchy(PROVINCE), [ind], [("x", "26", 2021 + k, 50 + k) for k in range(3)])
        r = row(evaluate(plan(ind), p, period=2023), "26")
        assert (r["projected"], r["attainment_period"]) == (54.0, "not before 2035")

    @pytest.mark.parametrize(
        ("values", "projected"),
        [
            # +0.2 a year from 1.0: 1.8 in 2025, (1.8 - 1) / 1 = +80 %
            ((1.0, 1.2, 1.4), 80.0),
            # +1 a year from -10: -6 in 2025, (-6 + 10) / |-10| = +40 %
            ((-10.0, -9.0, -8.0), 40.0),
            # a baseline of 0: no change in % can be projected
            ((0.0, 1.0, 2.0), None),
        ],
    )
    def test_a_relative_projection_is_a_change_from_the_baseline(
        self, values: tuple[float, ...], projected: float | None
    ) -> None:
        """The projected value of a relative target is its change from the baseline, in %."""
        ind = score("x", increase_by(0.5, baseline="2021"))
        rows = [("x", "26", 2021 + k, v) for k, v in enumerate(values)]
        r = row(evaluate(plan(ind), panel(hierarchy(PROVINCE), [ind], rows), period=2023), "26")
        assert r["projected"] == (None if projected is None else pytest.approx(projected))

    def test_no_projection_after_the_deadline(self) -> None:
        """In the deadline year there is no method, category or attainment."""
        ind, p = self.series()
        r = row(evaluate(plan(ind, deadline="2023"), p, period=2023, method="open-sdg"), "26")
        assert (r["method"], r["category"], r["attainment_period"]) == (None, None, None)

    def test_unknown_method(self) -> None:
        """An unknown method names the methods."""
        ind, p = self.series()
        with pytest.raises(DefinitionError, match="unknown method 'magic'; the methods are linear"):
            evaluate(plan(ind), p, method="magic")


class TestSurveyConfidence:
    """evaluate(survey=...) adds the interval and a confidence status beside the point status."""

    def test_achieved_point_but_inconclusive_with_confidence(self) -> None:
        """89.27 % meets 89 %, but the interval 88.0-90.4 % straddles it: inconclusive."""
        from cchc_indicators import survey

        responses, elements = survey.synthetic_survey(
            datasets.vinh_phuc_units(), respondents=3000, questions=4, elements=2, seed=1
        )
        result = survey.satisfaction(responses, "4,5", elements=elements, scope="territory")
        ind = Indicator("q01", "Hài lòng", targets=[at_least(89)])
        p = result.to_panel("2025", codes={"q01": "q01"}, indicators=[ind])
        ev = evaluate(plan(ind), p, survey=result)
        r = row(ev, "26")
        assert r["status"] == "achieved"
        assert r["confidence_status"] == "inconclusive"
        assert r["lower"] < 89 < r["upper"]
        assert r["interval_method"] == "wilson_kish"
        columns = ev.columns
        assert columns.index("confidence_status") == columns.index("status") + 4
        assert "confidence_status" in ev.to_csv().splitlines()[0]
        assert list(ev.to_frame().columns) == list(columns)


class TestAcrossEditions:
    """A 2021-2025 plan stays evaluable after the 1 July 2025 reorganisation."""

    def test_baseline_rebased_onto_the_new_units(self) -> None:
        """Phú Thọ 2025 (25) = old 17 + 25 + 26: 500 + 600 + 640 = 1740 in 2021; 1500 in 2025 is -13.8 %."""
        from cchc_indicators import crosswalk, rebase, units

        old, new = units.load("vn-2024"), units.load("vn-2025")
        ind = Indicator(
            "psu", "Số đơn vị sự nghiệp", measure=measures.count(), direction="lower",
            targets=[reduce_by(0.1, baseline="2021")],
        )  # fmt: skip
        before = Panel.from_records(
            [{"indicator": "psu", "unit": u, "period": 2021, "value": v}
             for u, v in (("17", 500), ("25", 600), ("26", 640))],
            old, indicators=[ind],
        )  # fmt: skip
        rebased, report = rebase.rebase_panel(
            before, crosswalk.Crosswalk.official("vn-2024", "vn-2025")
        )
        after = [{"indicator": "psu", "unit": "25", "period": 2025, "value": 1500}]
        p = Panel.from_records(rebased.to_records() + after, new, indicators=[ind])
        r = row(evaluate(plan(ind, unit="25", edition="2025"), p, rebased=report), "25")
        # (1500 - 1740) / 1740 = -13.79 %, beyond -10 %
        assert r["baseline_value"] == 1740.0
        assert r["value"] == pytest.approx(-13.793103448)
        assert r["status"] == "achieved"
        assert r["baseline_rebase"].startswith("vn-2024 -> vn-2025: psu: sum")

    def test_a_district_tier_target_needs_a_map_after_2025(self) -> None:
        """The district tier no longer exists; tier_map evaluates the target on communes."""
        ind = Indicator("wf", "WF", targets=[at_least(80, tier="district")])
        h = hierarchy(
            (("25", "Phú Thọ", "province", None), ("08707", "Phường Vĩnh Phúc", "commune", "25")),
            levels=("province", "commune"),
        )
        p = panel(h, [ind], [("wf", "08707", 2025, 85, 100)])
        with pytest.raises(
            DefinitionError, match="the district tier no longer exists since 1 July 2025"
        ):
            evaluate(plan(ind, unit="25"), p)
        ev = evaluate(plan(ind, unit="25"), p, tier_map={"district": "commune"})
        assert row(ev, "25", "tier:commune")["status"] == "achieved"

    def test_rank_among_63_evaluated_among_34_is_an_explicit_choice(self) -> None:
        """Top 15 of 63 among 34 provinces: refused without a choice; same k; or 15 x 34/63 = 8.1."""
        from cchc_indicators import units

        h = hierarchy(
            tuple(
                (u.code, u.name, "province", None) for u in units.load("vn-2025").units("province")
            ),
            levels=("province",),
        )
        ind = score("par", rank_at_most(15, among="province"))
        rows = [("par", u.code, 2025, 50 + k) for k, u in enumerate(h.units("province"))]
        p = panel(h, [ind], rows)
        ours = plan(ind, unit="25", edition="2024")
        with pytest.raises(
            DefinitionError, match=r"was set among 63 provinces .* these units have 34"
        ):
            evaluate(ours, p)
        same = row(evaluate(ours, p, rank_k="same"), "25")
        assert same["threshold"] == 15.0
        assert "k kept: 63 provinces then, 34 now" in same["target"]
        scaled = row(evaluate(ours, p, rank_k="scaled"), "25")
        assert scaled["threshold"] == 8.0  # 15 x 34 / 63 = 8.10, nearest
        assert (
            scaled["target"] == "rank <= 8 among provinces (15 of 63 scaled to 34, rounded nearest)"
        )
        assert row(evaluate(ours, p, rank_k="scaled", rank_rounding="up"), "25")["threshold"] == 9.0

    def test_rank_among_34_evaluated_among_63_is_an_explicit_choice_too(self) -> None:
        """More peers than when the target was set is a change as well: 15 x 63/34 = 27.8."""
        from cchc_indicators import units

        h = hierarchy(
            tuple(
                (u.code, u.name, "province", None) for u in units.load("vn-2024").units("province")
            ),
            levels=("province",),
        )
        ind = score("par", rank_at_most(15, among="province"))
        rows = [("par", u.code, 2025, 50 + k) for k, u in enumerate(h.units("province"))]
        with pytest.raises(DefinitionError) as info:
            evaluate(plan(ind, unit="26", edition="2025"), panel(h, [ind], rows))
        assert str(info.value) == (
            "plan 'test-plan': indicator 'par': the target rank <= 15 among provinces was set "
            "among 34 provinces (edition 2025) and these units have 63: choose rank_k='same' "
            "(k = 15) or rank_k='scaled' (k = 15 x 63/34 = 27.8, rounded by rank_rounding)"
        )

    @pytest.mark.parametrize(("key", "bad"), [("rank_k", "half"), ("rank_rounding", "banker")])
    def test_bad_rank_options(self, key: str, bad: str) -> None:
        """rank_k and rank_rounding take their documented values only."""
        ind = score("x", at_least(80))
        p = panel(hierarchy(PROVINCE), [ind], [("x", "26", 2025, 90)])
        with pytest.raises(DefinitionError, match=key):
            evaluate(plan(ind), p, **{key: bad})


def only_old_vinh_phuc_rebased() -> tuple[Indicator, Panel, Any]:
    """Old Vĩnh Phúc (26) alone reported 640 units in 2021, re-based to vn-2025: new Phú Thọ (25)."""
    from cchc_indicators import crosswalk, rebase, units

    ind = Indicator(
        "psu", "Số đơn vị sự nghiệp", measure=measures.count(), direction="lower",
        targets=[reduce_by(0.1, baseline="2021")],
    )  # fmt: skip
    before = Panel.from_records(
        [{"indicator": "psu", "unit": "26", "period": 2021, "value": 640}],
        units.load("vn-2024"), indicators=[ind],
    )  # fmt: skip
    moved, report = rebase.rebase_panel(before, crosswalk.Crosswalk.official("vn-2024", "vn-2025"))
    return ind, moved, report


class TestPartialRebasedBaseline:
    """A baseline re-based from only some predecessors is not compared with a whole unit."""

    def test_baseline_of_one_of_three_predecessors_gives_no_status(self) -> None:
        """Only old Vĩnh Phúc (26) reported in 2021: new Phú Thọ's baseline is partial, no judgement."""
        from cchc_indicators import units

        ind, moved, report = only_old_vinh_phuc_rebased()
        assert ("25", "2021") in report.indicator("psu").partial
        after = [{"indicator": "psu", "unit": "25", "period": 2025, "value": 1500}]
        p = Panel.from_records(moved.to_records() + after, units.load("vn-2025"), indicators=[ind])
        r = row(evaluate(plan(ind, unit="25", edition="2025"), p, rebased=report), "25")
        assert (r["status"], r["reason"], r["baseline_value"]) == (
            "no_data",
            "partial_rebased_baseline",
            640.0,
        )
        # without the report the library cannot know, and compares (the caller's responsibility)
        assert (
            row(evaluate(plan(ind, unit="25", edition="2025"), p), "25")["status"] == "not_achieved"
        )

    def test_a_partial_baseline_without_a_value_now_has_no_data(self) -> None:
        """New Phú Thọ's baseline is partial, and it has no 2025 value: the reason is no_data.

        Evaluated over all 34 new provinces, the others (no baseline) say no_data too.
        """
        from cchc_indicators import units

        ind, moved, report = only_old_vinh_phuc_rebased()
        new_units = units.load("vn-2025")
        elsewhere = [{"indicator": "psu", "unit": "01", "period": 2025, "value": 100}]
        p = Panel.from_records(moved.to_records() + elsewhere, new_units, indicators=[ind])
        r = row(evaluate(plan(ind, unit="25", edition="2025"), p, rebased=report), "25")
        assert r["period"] == "2025"
        assert (r["status"], r["reason"]) == ("no_data", "no_data")
        later = [{"indicator": "psu", "unit": "25", "period": 2025, "value": 1500}]
        q = Panel.from_records(moved.to_records() + later, new_units, indicators=[ind])
        ev = evaluate(plan(ind, unit=None, edition="2025"), q, rebased=report)
        reasons = {r["unit"]: r["reason"] for r in ev.rows if r["scope"] == "own"}
        assert reasons.pop("25") == "partial_rebased_baseline"
        assert set(reasons.values()) == {"no_data"}


class TestPeriodLabels:
    """The label of the first period starting at or after a decimal year."""

    @pytest.mark.parametrize(
        ("x", "kind", "label"),
        [
            (2024.0, "year", "2024"),
            (2024.3, "year", "2025"),
            (2024.0, "quarter", "2024-Q1"),
            (2024.25, "quarter", "2024-Q2"),
            (2024.3, "quarter", "2024-Q3"),
            (2024.75, "quarter", "2024-Q4"),
            (2024.0, "month", "2024-01"),
            (2024 + 1 / 12, "month", "2024-02"),
            (2024.5, "month", "2024-07"),
            (2024.875, "month", "2024-12"),
            (2024.95, "month", "2025-01"),
        ],
    )
    def test_label_at(self, x: float, kind: str, label: str) -> None:
        from cchc_indicators.evaluation._rows import _label_at

        assert _label_at(x, kind) == label


class TestRankCoverage:
    def test_a_rank_of_territories_pools_by_the_target_rule(self) -> None:
        """Ranked by the max over each province's districts: 26 (90, 10) first; by the mean, second."""
        h = hierarchy(
            [
                ("26", "Vĩnh Phúc", "province", None),
                ("27", "Bắc Ninh", "province", None),
                ("243", "A", "district", "26"),
                ("244", "B", "district", "26"),
                ("256", "C", "district", "27"),
                ("257", "D", "district", "27"),
            ]
        )
        facts = [("x", u, 2025, v) for u, v in {"243": 90, "244": 10, "256": 60, "257": 60}.items()]
        by_max = score("x", rank_at_most(1, among="province", scope="territory", rule="max"))
        r = row(evaluate(plan(by_max), panel(h, [by_max], facts)), "26", scope="territory")
        assert (r["value"], r["status"]) == (1.0, "achieved")
        by_mean = score("x", rank_at_most(1, among="province", scope="territory", rule="mean"))
        r = row(evaluate(plan(by_mean), panel(h, [by_mean], facts)), "26", scope="territory")
        assert (r["value"], r["status"]) == (2.0, "not_achieved")

    def test_a_rank_among_many_communes_of_the_same_edition_is_not_rescaled(self) -> None:
        """Ranked among the 3,321 communes of the plan's own edition: no question of rank_k."""
        from cchc_indicators import units

        h = units.load("vn-2025")
        commune = h.codes[h.level_slice("commune")][0]
        x = score("x", rank_at_most(100, among="commune"))
        p = panel(h, [x], [("x", commune, 2025, 80.0)])
        r = row(evaluate(plan(x, unit=commune, edition="2025"), p), commune)
        assert (r["value"], r["status"]) == (1.0, "achieved")

    def test_one_peer_covers_itself(self) -> None:
        """A rank among the one province there is: rank 1, its coverage 1 (1 of 1 with a value)."""
        par = score("par", rank_at_most(1, among="province"), measure=measures.score(0, 100))
        p = panel(hierarchy(PROVINCE), [par], [("par", "26", 2025, 80.0)])
        r = row(evaluate(plan(par), p), "26")
        assert (r["value"], r["status"], r["coverage"]) == (1.0, "achieved", 1.0)


class TestPlanTierMap:
    """evaluate() applies the plan's own tier_map."""

    def test_the_plan_maps_district_to_commune(self) -> None:
        """A plan carrying {'district': 'commune'} evaluates its district target on communes."""
        ind = Indicator("wf", "WF", targets=[at_least(80, tier="district")])
        h = hierarchy(
            (("25", "Phú Thọ", "province", None), ("08707", "Phường Vĩnh Phúc", "commune", "25")),
            levels=("province", "commune"),
        )
        p = panel(h, [ind], [("wf", "08707", 2025, 85, 100)])
        ev = evaluate(plan(ind, unit="25", tier_map={"district": "commune"}), p)
        assert row(ev, "25", "tier:commune")["status"] == "achieved"


#: A yearly series 2021-2025: each year to 2024 a value in [0, 100] or missing; 2025 (the
#: period evaluated, which the panel must hold) a value.
YEARLY = st.tuples(
    st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=4, max_size=4),
    st.floats(0, 100, allow_nan=False),
).map(lambda t: [*t[0], t[1]])


class TestEveryPeriodLaws:
    """Laws of targets judged in every period, on random yearly series."""

    @staticmethod
    def judged(target: Any, values: list[float | None]) -> Row:
        ind = score("score", target)
        data = [("score", "26", 2021 + k, v) for k, v in enumerate(values) if v is not None]
        p = panel(hierarchy(PROVINCE), [ind], data)
        return row(evaluate(plan(ind), p, period=2025), "26")

    @given(values=YEARLY)
    def test_every_period_status_is_the_conjunction_of_the_years(
        self, values: list[float | None]
    ) -> None:
        """not_achieved iff some year with data is below 80; otherwise achieved iff no year lacks data."""
        r = self.judged(at_least(80, each_period=True), values)
        missed = [str(2021 + k) for k, v in enumerate(values) if v is not None and v < 80]
        missing = [str(2021 + k) for k, v in enumerate(values) if v is None]
        assert r["periods_not_met"] == (", ".join(missed) or None)
        assert r["periods_without_data"] == (", ".join(missing) or None)
        if missed:
            assert r["status"] == "not_achieved"
        elif missing:
            assert r["status"] == "insufficient_data"
        else:
            assert r["status"] == "achieved"

    @given(values=YEARLY, tolerance=st.floats(0, 5, allow_nan=False))
    def test_no_worse_than_previous_holds_iff_no_step_falls_beyond_the_tolerance(
        self, values: list[float | None], tolerance: float
    ) -> None:
        """Each year after 2021 is judged on its change from the year before; a gap is no data."""
        r = self.judged(no_worse_than_previous(tolerance=tolerance), values)
        steps = list(itertools.pairwise(values))
        missed = [
            str(2022 + k)
            for k, (a, b) in enumerate(steps)
            if a is not None and b is not None and b - a < -tolerance
        ]
        unknown = [str(2022 + k) for k, (a, b) in enumerate(steps) if a is None or b is None]
        assert r["periods_not_met"] == (", ".join(missed) or None)
        assert r["periods_without_data"] == (", ".join(unknown) or None)
        assert (r["status"] == "not_achieved") == bool(missed)


class TestEditionNote:
    """A relative target on units of another edition than the plan's, with no re-basing report."""

    def test_baseline_on_other_units_is_noted(self) -> None:
        """vn-par-2021-2030 (edition vn-2024) on vn-2025's Phú Thọ: 100 -> 85 is -15 %, and noted."""
        from cchc_indicators import units

        plan_ = catalog.load("vn-par-2021-2030")
        ind = plan_.indicator("public_service_units")
        rec = [
            {"indicator": ind.code, "unit": "25", "period": y, "value": v}
            for y, v in [(2021, 100), (2025, 85)]
        ]
        p = Panel.from_records(rec, units.load("vn-2025"), indicators=[ind])
        ev = evaluate(attrs.evolve(plan_, indicators=[ind]), p)
        r = row(ev, "25")
        assert r["value"] == -15.0
        assert r["baseline_rebase"].startswith(
            "not re-based: the plan is on edition vn-2024 and these units are vn-2025"
        )

    def test_same_edition_has_no_note(self) -> None:
        """The demo (edition 2024 on the 2024 units): no note."""
        ev = TestDemo.demo()
        assert row(ev, "26", indicator="public_service_units")["baseline_rebase"] is None
