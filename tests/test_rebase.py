"""Tests of re-basing panels across editions: laws on random crosswalks, hand-computed cases, errors."""

from __future__ import annotations

import gc
import math
import pickle
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    Panel,
    measures,
    units,
)
from cchc_indicators.datasets import demo_panel, sample_panel
from cchc_indicators.engine.rebase import (
    METHODS,
    IndicatorRebase,
    RebaseError,
    RebaseReport,
    Total,
    default_method,
    parse_method,
    rebase_panel,
    rebase_values,
)
from cchc_indicators.units.crosswalk import Crosswalk

TWO = ("province", "commune")
FILES = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
STAFF = Indicator("staff", "Số biên chế", measure=measures.count())
SCORE = Indicator("par", "PAR INDEX", measure=measures.score(0, 100))
MEETS = Indicator("meets", "Họp trực tuyến", measure=measures.binary())


# ---------------------------------------------------------------------- random scenarios


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """Two small two-tier editions, a crosswalk with merges, splits and unmapped units, and data."""
    n_old = draw(st.integers(1, 10))
    n_new = draw(st.integers(1, 5))
    old_records = [{"code": "P", "name": "P", "level": "province"}] + [
        {"code": f"o{i}", "name": f"O{i}", "level": "commune", "parent": "P"} for i in range(n_old)
    ]
    new_records = [{"code": "Q", "name": "Q", "level": "province"}] + [
        {"code": f"n{j}", "name": f"N{j}", "level": "commune", "parent": "Q"} for j in range(n_new)
    ]
    links: list[dict[str, Any]] = [{"old_code": "P", "new_code": "Q"}]
    for i in range(n_old):
        if draw(st.integers(0, 9)) == 0:
            continue  # unmapped
        targets = draw(st.lists(st.integers(0, n_new - 1), min_size=1, max_size=3, unique=True))
        sizes = draw(st.lists(st.integers(1, 9), min_size=len(targets), max_size=len(targets)))
        equal = draw(st.booleans())
        for t, size in zip(targets, sizes, strict=True):
            row: dict[str, Any] = {"old_code": f"o{i}", "new_code": f"n{t}"}
            if not equal:
                row["weight"] = size / sum(sizes)
            links.append(row)
    periods = draw(st.lists(st.sampled_from(["2021", "2022", "2023"]), min_size=1, unique=True))
    observations = []
    for code in [f"o{i}" for i in range(n_old)] + ["P"]:
        for period in periods:
            if draw(st.integers(0, 5)) == 0:
                continue  # missing
            den = draw(st.integers(0, 50))
            num = draw(st.integers(0, den))
            observations.append(
                {
                    "indicator": "files",
                    "unit": code,
                    "period": period,
                    "numerator": num,
                    "denominator": den,
                }
            )
            observations.append(
                {
                    "indicator": "staff",
                    "unit": code,
                    "period": period,
                    "value": draw(st.integers(0, 99)),
                }
            )
    return {"old": old_records, "new": new_records, "links": links, "observations": observations}


def build(s: dict[str, Any]) -> tuple[Panel, Crosswalk]:
    """The panel and crosswalk of a scenario."""
    old = Hierarchy.from_records(s["old"], levels=TWO, edition="old")
    new = Hierarchy.from_records(s["new"], levels=TWO, edition="new")
    cw = Crosswalk.from_records(s["links"], old=old, new=new)
    panel = Panel.from_records(s["observations"], old, indicators=[FILES, STAFF])
    return panel, cw


def shares(cw: Crosswalk) -> dict[str, list[tuple[str, float]]]:
    """Old code -> [(new code, share)], from the crosswalk's own lookups."""
    return {u.code: list(cw.successors(u.code)) for u in cw.old}


class TestLaws:
    @given(scenarios())
    def test_rebasing_conserves_additive_totals_less_the_unmapped(self, s: dict[str, Any]) -> None:
        """Per indicator, field and period, the new total is the old one less the unmapped units' part."""
        panel, cw = build(s)
        new, report = rebase_panel(panel, cw)
        mapped = {code for code, links in shares(cw).items() if links}
        field_of = {"files": ("numerator", "denominator"), "staff": ("value",)}
        for code, fields in field_of.items():
            if code not in panel:
                continue
            for field in fields:
                for j, period in enumerate(panel.periods):
                    old_all = [
                        r[field]
                        for r in s["observations"]
                        if r["indicator"] == code and r["period"] == period
                    ]
                    old_kept = [
                        r[field]
                        for r in s["observations"]
                        if r["indicator"] == code and r["period"] == period and r["unit"] in mapped
                    ]
                    got = float(np.nansum(getattr(new.data_of(code), field)[:, j]))
                    assert math.isclose(got, math.fsum(old_kept), rel_tol=1e-12, abs_tol=1e-9)
                    del old_all
                total = report.indicator(code).totals[field]
                unmapped = math.fsum(
                    r[field]
                    for r in s["observations"]
                    if r["indicator"] == code and r["unit"] not in mapped
                )
                assert math.isclose(total.unmapped, unmapped, abs_tol=1e-9)
                assert total.conserved

    @given(scenarios(), st.data())
    def test_pooled_ratio_of_whole_new_units_equals_pooled_parts_of_predecessors(
        self, s: dict[str, Any], data: Any
    ) -> None:
        """For any set of new units, the pooled ratio equals that of their predecessors' allocated parts."""
        panel, cw = build(s)
        if "files" not in panel:
            return
        new, _ = rebase_panel(panel, cw)
        chosen = data.draw(
            st.sets(st.sampled_from([u.code for u in cw.new.units("commune")]), min_size=1)
        )
        d = new.data_of("files")
        rows = [new.hierarchy.position(c) for c in chosen]
        links = shares(cw)
        for j, period in enumerate(panel.periods):
            num = math.fsum(np.nan_to_num(d.numerator[rows, j]))
            den = math.fsum(np.nan_to_num(d.denominator[rows, j]))
            parts = [
                (r["numerator"] * w, r["denominator"] * w)
                for r in s["observations"]
                if r["indicator"] == "files" and r["period"] == period
                for n, w in links[r["unit"]]
                if n in chosen
            ]
            assert math.isclose(num, math.fsum(p[0] for p in parts), rel_tol=1e-12, abs_tol=1e-9)
            assert math.isclose(den, math.fsum(p[1] for p in parts), rel_tol=1e-12, abs_tol=1e-9)

    @given(scenarios())
    def test_rebasing_to_the_same_edition_is_the_identity(self, s: dict[str, Any]) -> None:
        """With the identity crosswalk, every value, part and weight comes back unchanged."""
        panel, _ = build(s)
        new, report = rebase_panel(panel, Crosswalk.identity(panel.hierarchy))
        assert new.hierarchy is panel.hierarchy
        assert new.periods == panel.periods
        for code, d in panel.data.items():
            e = new.data_of(code)
            for field in ("value", "numerator", "denominator", "weight"):
                assert np.array_equal(getattr(d, field), getattr(e, field), equal_nan=True)
            assert np.array_equal(d.observed, e.observed)
        assert report.splits == report.unmapped == ()
        assert sorted(map(str, new.to_records()), key=str) == sorted(
            map(str, panel.to_records()), key=str
        )

    @given(scenarios())
    def test_merge_only_crosswalks_need_no_weights_and_add_exactly(self, s: dict[str, Any]) -> None:
        """Without splits no weight is needed, and whole numbers add up exactly."""
        merge_only = []
        seen: set[str] = set()
        for row in s["links"]:
            if row["old_code"] not in seen:
                seen.add(row["old_code"])
                merge_only.append({"old_code": row["old_code"], "new_code": row["new_code"]})
        panel, _ = build(s)
        cw = Crosswalk.from_records(merge_only, old=panel.hierarchy, new=build(s)[1].new)
        assert cw.splits() == ()
        assert set(cw.weight.tolist()) <= {1.0}
        new, report = rebase_panel(panel, cw)
        target = {r["old_code"]: r["new_code"] for r in merge_only}
        for code, field in (("staff", "value"), ("files", "denominator")):
            if code not in panel:
                continue
            expected: dict[tuple[str, str], int] = defaultdict(int)
            for r in s["observations"]:
                if r["indicator"] == code and r["unit"] in target:
                    expected[(target[r["unit"]], r["period"])] += r[field]
            for (unit, period), value in expected.items():
                got = getattr(new.data_of(code), field)[
                    new.hierarchy.position(unit), new.period_index(period)
                ]
                assert got == value
            assert report.indicator(code).totals[field].difference == 0.0 or report.unmapped


# ---------------------------------------------------------------------- hand-computed cases


@pytest.fixture(scope="module")
def rebased() -> tuple[Panel, Panel, RebaseReport]:
    """Staff and work files for Vĩnh Phúc's, Phú Thọ's and Hòa Bình's units, re-based onto new Phú Thọ."""
    old = units.load("vn-2024", province=["17", "25", "26"])
    vp = [u.code for u in units.load("vn-2024", province="26").units("commune")]
    records: list[dict[str, Any]] = []
    for i, code in enumerate(vp):
        records.append({"indicator": "staff", "unit": code, "period": 2024, "value": i + 1})
        records.append(
            {
                "indicator": "files",
                "unit": code,
                "period": 2024,
                "numerator": i,
                "denominator": 2 * i + 1,
            }
        )
    for code, staff in (("17", 900), ("25", 1000), ("26", 1100)):
        records.append({"indicator": "staff", "unit": code, "period": 2024, "value": staff})
    panel = Panel.from_records(records, old, indicators=[STAFF, FILES])
    new, report = rebase_panel(panel, Crosswalk.official(), to=units.load("vn-2025", province="25"))
    return panel, new, report


class TestVinhPhucToPhuTho:
    def test_121_communes_become_36_none_split(
        self, rebased: tuple[Panel, Panel, RebaseReport]
    ) -> None:
        """Every Vĩnh Phúc commune lands whole in one of 36 new communes; nothing is lost."""
        _panel, new, report = rebased
        staff = new.data_of("staff")
        communes = new.hierarchy.level_slice("commune")
        assert int(staff.observed[communes].sum()) == 36
        assert report.splits == report.unmapped == report.outside == ()
        assert report.levels == {"province": "province", "commune": "commune"}
        assert report.conserved
        total = report.indicator("staff").totals["value"]
        assert total.before == total.after == sum(range(1, 122)) + 3000

    def test_hand_computed_communes(self, rebased: tuple[Panel, Panel, RebaseReport]) -> None:
        """Phường Vĩnh Yên (08707) is 08707 + 08713 + 08722 + 08731; Phường Vĩnh Phúc (08716) five others."""
        _panel, new, _ = rebased
        vp = [u.code for u in units.load("vn-2024", province="26").units("commune")]
        index = {code: i for i, code in enumerate(vp)}
        assert [index[c] for c in ("08707", "08713", "08722", "08731")] == [0, 2, 5, 8]
        assert new.value("staff", "08707", 2024) == 1 + 3 + 6 + 9
        # numerators i, denominators 2i + 1 of communes 0, 2, 5, 8
        assert new.data_of("files").numerator[new.hierarchy.position("08707"), 0] == 0 + 2 + 5 + 8
        assert (
            new.data_of("files").denominator[new.hierarchy.position("08707"), 0] == 1 + 5 + 11 + 17
        )
        assert new.value("files", "08707", 2024) == pytest.approx(100 * 15 / 34)
        five = [index[c] for c in ("08710", "08716", "08719", "08725", "08728")]
        assert five == [1, 3, 4, 6, 7]
        assert new.value("staff", "08716", 2024) == 2 + 4 + 5 + 7 + 8

    def test_provinces_merge(self, rebased: tuple[Panel, Panel, RebaseReport]) -> None:
        """New Phú Thọ (25) holds the own figures of Hòa Bình, old Phú Thọ and Vĩnh Phúc."""
        _, new, _ = rebased
        assert new.value("staff", "25", 2024) == 900 + 1000 + 1100

    def test_pooled_province_rate_is_kept(self, rebased: tuple[Panel, Panel, RebaseReport]) -> None:
        """The pooled rate over all 36 new communes is Vĩnh Phúc's pooled commune rate."""
        panel, new, _ = rebased
        old_d, new_d = panel.data_of("files"), new.data_of("files")
        assert np.nansum(new_d.numerator) / np.nansum(new_d.denominator) == pytest.approx(
            np.nansum(old_d.numerator) / np.nansum(old_d.denominator), rel=1e-15
        )


class TestSplitCommune:
    def panel(self) -> Panel:
        """Ba Đình (Hà Nội): data for 00016, split between 00004 and 00008, and for 00004."""
        return Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "00016",
                    "period": 2024,
                    "numerator": 30,
                    "denominator": 40,
                },
                {
                    "indicator": "files",
                    "unit": "00004",
                    "period": 2024,
                    "numerator": 10,
                    "denominator": 20,
                },
                {"indicator": "staff", "unit": "00016", "period": 2024, "value": 7},
            ],
            units.load("vn-2024", province="01"),
            indicators=[FILES, STAFF],
        )

    def test_equal_shares(self) -> None:
        """By default each part gets half: 00004 = 10 + 15 of 20 + 20, 00008 = 15 of 20."""
        new, report = rebase_panel(
            self.panel(), Crosswalk.official(), to=units.load("vn-2025", province="01")
        )
        d = new.data_of("files")
        i, j = new.hierarchy.position("00004"), new.hierarchy.position("00008")
        assert (d.numerator[i, 0], d.denominator[i, 0]) == (25.0, 40.0)
        assert (d.numerator[j, 0], d.denominator[j, 0]) == (15.0, 20.0)
        assert new.value("staff", "00004", 2024) == new.value("staff", "00008", 2024) == 3.5
        assert report.splits == ("00016",)
        assert report.indicator("files").partial_cells == 2
        assert (
            "2 cell(s) from only some of their predecessors" in report.indicator("files").describe()
        )

    def test_given_shares(self) -> None:
        """With shares 0.8 / 0.2 (by population, say): 00004 = 10 + 24 of 20 + 32, 00008 = 6 of 8."""
        cw = Crosswalk.official().with_weights({("00016", "00004"): 0.8, ("00016", "00008"): 0.2})
        new, report = rebase_panel(self.panel(), cw, to=units.load("vn-2025", province="01"))
        d = new.data_of("files")
        i, j = new.hierarchy.position("00004"), new.hierarchy.position("00008")
        assert (d.numerator[i, 0], d.denominator[i, 0]) == (34.0, 52.0)
        assert d.numerator[j, 0] == pytest.approx(6.0)
        assert d.denominator[j, 0] == pytest.approx(8.0)
        assert "<weights>" in report.crosswalk

    def test_outside_the_target_units(self) -> None:
        """Data going to units outside the target are reported as outside, and counted."""
        h = units.load("vn-2024", province=["01", "26"])
        panel = Panel.from_records(
            [
                {"indicator": "staff", "unit": "00004", "period": 2024, "value": 5},
                {"indicator": "staff", "unit": "08707", "period": 2024, "value": 2},
            ],
            h,
            indicators=[STAFF],
        )
        _new, report = rebase_panel(
            panel, Crosswalk.official(), to=units.load("vn-2025", province="25")
        )
        total = report.indicator("staff").totals["value"]
        assert (total.before, total.after, total.outside) == (7.0, 2.0, 5.0)
        assert total.conserved
        assert report.outside == ("00004",)
        assert "units with data going outside the target units: 1 (00004)" in report.summary()


# ---------------------------------------------------------------------- methods


def attrs_evolve_rows(d: Any, like: Any) -> Any:
    """``d`` with the row numbers of ``like`` (re-based rows are renumbered)."""
    import attrs

    return attrs.evolve(d, row=like.row)


def small() -> tuple[Hierarchy, Hierarchy]:
    """Old communes a, b, c, d; new A (a + b), B (c split half to B, half to C), C (+ d)."""
    old = Hierarchy.from_records(
        [{"code": "P", "name": "P", "level": "province"}]
        + [{"code": c, "name": c, "level": "commune", "parent": "P"} for c in "abcd"],
        levels=TWO,
        edition="old",
    )
    new = Hierarchy.from_records(
        [{"code": "P", "name": "P", "level": "province"}]
        + [{"code": c, "name": c, "level": "commune", "parent": "P"} for c in "ABC"],
        levels=TWO,
        edition="new",
    )
    return old, new


def small_crosswalk() -> Crosswalk:
    """The links of :func:`small`."""
    old, new = small()
    links = [("P", "P"), ("a", "A"), ("b", "A"), ("c", "B"), ("c", "C"), ("d", "C")]
    return Crosswalk.from_records(
        [{"old_code": o, "new_code": n} for o, n in links], old=old, new=new
    )


def values_panel(
    indicator: Indicator, values: dict[str, float], weights: dict[str, float] | None = None
) -> Panel:
    """One period of values for communes of :func:`small`."""
    old, _ = small()
    rows = [
        {
            "indicator": indicator.code,
            "unit": u,
            "period": 2024,
            "value": v,
            "weight": (weights or {}).get(u),
        }
        for u, v in values.items()
    ]
    return Panel.from_records(rows, old, indicators=[indicator])


def new_values(panel: Panel, code: str, **kw: Any) -> dict[str, float]:
    """The re-based values of ``code`` on A, B, C (NaN kept)."""
    new, _ = rebase_panel(panel, small_crosswalk(), **kw)
    return {u: new.value(code, u, 2024) for u in "ABC"}


class TestOutsideShares:
    def test_the_part_of_a_split_unit_going_outside_counts_by_its_share(self) -> None:
        """c splits half to B, half to C; with only A and B as targets, 0.5 x 10 + d's 4 go outside."""
        _old, new = small()
        to = Hierarchy.from_records(
            [r for r in new.to_records() if r["code"] in ("P", "A", "B")], levels=TWO, edition="new"
        )
        panel = values_panel(STAFF, {"a": 1, "b": 2, "c": 10, "d": 4})
        got, report = rebase_panel(panel, small_crosswalk(), to=to)
        assert {u: got.value("staff", u, 2024) for u in "AB"} == {"A": 3.0, "B": 5.0}
        total = report.indicator("staff").totals["value"]
        # 17 before = 8 after + 9 outside (half of c's 10, all of d's 4)
        assert (total.before, total.after, total.outside, total.unmapped) == (17.0, 8.0, 9.0, 0.0)
        assert total.conserved
        assert report.outside == ("c", "d")
        assert report.splits == ("c",)  # one part inside (B), one outside (C): still split

    def test_every_linked_unit_has_a_predecessor_the_first_one_too(self) -> None:
        """Data on P and its communes: every new unit, P (the first) included, is reached."""
        old, _new = small()
        rows = [
            {"indicator": "staff", "unit": u, "period": 2024, "value": v}
            for u, v in {"P": 9, "a": 1, "b": 2, "c": 4, "d": 2}.items()
        ]
        panel = Panel.from_records(rows, old, indicators=[STAFF])
        got, report = rebase_panel(panel, small_crosswalk())
        assert report.without_predecessor == ()
        assert got.value("staff", "P", 2024) == 9.0

    def test_levels_are_those_with_data(self) -> None:
        """Data on communes only: the report lists the commune level, not the province."""
        _new, report = rebase_panel(values_panel(STAFF, {"a": 1, "c": 2}), small_crosswalk())
        assert report.levels == {"commune": "commune"}


class TestMethods:
    def test_mean_by_allocated_share(self) -> None:
        """A score is averaged; a split unit counts by its share in each part."""
        got = new_values(values_panel(SCORE, {"a": 60, "b": 80, "c": 90, "d": 30}), "par")
        assert got == {"A": 70.0, "B": 90.0, "C": pytest.approx((0.5 * 90 + 30) / 1.5)}

    def test_weighted_mean_by_weight(self) -> None:
        """weighted_mean(by=weight) weights by the weight column (re-allocated too)."""
        score = Indicator("par", "P", measure=measures.score(0, 100), rule="weighted_mean")
        panel = values_panel(score, {"a": 60, "b": 80}, {"a": 1, "b": 3})
        new, report = rebase_panel(panel, small_crosswalk())
        assert new.value("par", "A", 2024) == 75.0
        assert new.data_of("par").weight[new.hierarchy.position("A"), 0] == 4.0
        assert report.indicator("par").method == "weighted_mean(by=weight)"
        assert report.indicator("par").totals["weight"].conserved

    def test_weighted_mean_needs_weights(self) -> None:
        """A value without weight cannot enter a weighted mean."""
        score = Indicator("par", "P", measure=measures.score(0, 100), rule="weighted_mean")
        with pytest.raises(
            RebaseError, match="needs a weight with every value; 1 value\\(s\\) have none"
        ):
            rebase_panel(values_panel(score, {"a": 60, "b": 80}, {"a": 1}), small_crosswalk())

    def test_min_and_max(self) -> None:
        """min and max take the extreme predecessor value."""
        panel = values_panel(SCORE, {"a": 60, "b": 80, "c": 90})
        assert new_values(panel, "par", methods={"par": "min"}) == {"A": 60.0, "B": 90.0, "C": 90.0}
        assert new_values(panel, "par", methods={"par": "max"})["A"] == 80.0

    def test_binary_any_all_majority(self) -> None:
        """Binary facts follow any, all (the default) or majority by allocated share."""
        panel = values_panel(MEETS, {"a": 1, "b": 0, "c": 1, "d": 0})
        assert new_values(panel, "meets") == {"A": 0.0, "B": 1.0, "C": 0.0}
        assert new_values(panel, "meets", methods={"meets": "any"}) == {
            "A": 1.0,
            "B": 1.0,
            "C": 1.0,
        }
        # majority: A has half (1 of 2): not more than half; C has 0.5 of 1.5
        assert new_values(panel, "meets", methods={"meets": "majority"}) == {
            "A": 0.0,
            "B": 1.0,
            "C": 0.0,
        }
        three = values_panel(MEETS, {"a": 1, "b": 1, "d": 0})
        assert new_values(three, "meets", methods={"meets": "majority"})["A"] == 1.0

    def test_counts_are_summed_and_split(self) -> None:
        """Counts are additive: merged units add up, a split unit is shared."""
        got = new_values(values_panel(STAFF, {"a": 2, "b": 3, "c": 10, "d": 1}), "staff")
        assert got == {"A": 5.0, "B": 5.0, "C": 6.0}

    def test_a_count_may_declare_another_method(self) -> None:
        """A count that is not additive (procedures offered everywhere) can be averaged."""
        got = new_values(values_panel(STAFF, {"a": 2, "b": 4}), "staff", methods={"staff": "max"})
        assert got["A"] == 4.0

    def test_bare_ratio_values_need_a_method(self) -> None:
        """Rates given without parts cannot be pooled; a declared method averages them."""
        panel = values_panel(FILES, {"a": 50, "b": 70})
        with pytest.raises(
            RebaseError, match="its rule 'ratio_of_sums' pools numerators and denominators"
        ):
            rebase_panel(panel, small_crosswalk())
        assert new_values(panel, "files", methods={"files": "mean"})["A"] == 60.0

    def test_ratio_mixing_parts_and_bare_values(self) -> None:
        """A new cell whose predecessors mix parts and bare values keeps the parts and says so."""
        old, _ = small()
        panel = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "a",
                    "period": 2024,
                    "numerator": 1,
                    "denominator": 4,
                },
                {"indicator": "files", "unit": "b", "period": 2024, "value": 50},
                {"indicator": "files", "unit": "d", "period": 2024, "value": 40},
            ],
            old,
            indicators=[FILES],
        )
        new, report = rebase_panel(panel, small_crosswalk(), methods={"files": "mean"})
        assert new.value("files", "A", 2024) == 25.0  # the parts of a; b's bare value not counted
        assert new.value("files", "C", 2024) == 40.0
        info = report.indicator("files")
        assert info.mixed_cells == 1
        assert info.basis == "parts; bare values by mean (declared)"
        assert "mixing parts and bare values" in info.describe()
        assert new.data_of("files").row[new.hierarchy.position("B"), 0] == -1
        # A (parts of a, b's bare value left out) and C are observations of the new panel
        observed = new.data_of("files").observed
        assert observed[new.hierarchy.position("A"), 0]
        assert observed[new.hierarchy.position("C"), 0]

    def test_bare_ratio_values_by_the_indicator_rule(self) -> None:
        """A ratio whose rule is a mean: its bare values take that method, and the basis says so."""
        from cchc_indicators.core.rules import Mean

        ind = Indicator("files", "Hồ sơ công việc xử lý trực tuyến", rule=Mean())
        old, _ = small()
        panel = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "a",
                    "period": 2024,
                    "numerator": 1,
                    "denominator": 4,
                },
                {"indicator": "files", "unit": "b", "period": 2024, "value": 50},
            ],
            old,
            indicators=[ind],
        )
        new, report = rebase_panel(panel, small_crosswalk())
        assert new.value("files", "A", 2024) == 25.0
        assert report.indicator("files").basis == "parts; bare values by mean (rule mean)"

    def test_weights_stay_missing_where_no_predecessor_had_one(self) -> None:
        """Weights are added up where they were given: A gets a's 2; C (d, no weight) none, not 0."""
        old, _ = small()
        panel = Panel.from_records(
            [
                {"indicator": "par", "unit": "a", "period": 2024, "value": 50, "weight": 2},
                {"indicator": "par", "unit": "b", "period": 2024, "value": 70},
                {"indicator": "par", "unit": "d", "period": 2024, "value": 30},
            ],
            old,
            indicators=[SCORE],
        )
        new, report = rebase_panel(panel, small_crosswalk())
        d, h = new.data_of("par"), new.hierarchy
        assert new.value("par", "C", 2024) == 30.0
        assert d.weight[h.position("A"), 0] == 2.0
        assert math.isnan(d.weight[h.position("C"), 0])
        assert report.indicator("par").totals["weight"].after == 2.0

    def test_a_method_named_at_run_time(self) -> None:
        """A method read from a file or the command line (a new string, not the literal) works alike."""
        panel = values_panel(STAFF, {"a": 3, "b": 4, "d": 5})
        name = "".join(["s", "um"])  # equal to "sum", another object
        assert new_values(panel, "staff", methods={"staff": name})["A"] == 7.0
        assert new_values(panel, "staff", methods={"staff": "".join(["me", "an"])})["A"] == 3.5

    def test_weighted_mean_by_denominator(self) -> None:
        """weighted_mean(by=denominator) needs parts; with bare values it is refused."""
        panel = values_panel(FILES, {"a": 50})
        with pytest.raises(RebaseError, match="needs a denominator, but 1 value\\(s\\) have none"):
            rebase_panel(
                panel, small_crosswalk(), methods={"files": "weighted_mean(by=denominator)"}
            )
        with pytest.raises(RebaseError, match="does not fit a score measure"):
            rebase_panel(
                values_panel(SCORE, {"a": 50}),
                small_crosswalk(),
                methods={"par": "weighted_mean(by=denominator)"},
            )
        old, _ = small()
        undefined = Panel.from_records(
            [{"indicator": "x", "unit": "a", "period": 2024, "value": 5}], old
        )
        with pytest.raises(RebaseError, match="needs numerator and denominator"):
            rebase_panel(
                undefined, small_crosswalk(), methods={"x": "weighted_mean(by=denominator)"}
            )

    def test_parts_are_pooled_whatever_is_declared(self) -> None:
        """Numerators and denominators are added up; declaring the pooling is allowed, others not."""
        old, _ = small()
        panel = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "a",
                    "period": 2024,
                    "numerator": 1,
                    "denominator": 4,
                },
                {
                    "indicator": "files",
                    "unit": "b",
                    "period": 2024,
                    "numerator": 3,
                    "denominator": 4,
                },
            ],
            old,
            indicators=[FILES],
        )
        new, report = rebase_panel(
            panel, small_crosswalk(), methods={"files": "weighted_mean(by=denominator)"}
        )
        assert new.value("files", "A", 2024) == 50.0
        assert (report.indicator("files").method, report.indicator("files").basis) == (
            "parts",
            "declared",
        )
        with pytest.raises(
            RebaseError, match="a method applies only to values given without them, not 'max'"
        ):
            rebase_panel(panel, small_crosswalk(), methods={"files": "max"})

    def test_extremes_without_splits(self) -> None:
        """min and max also work when no unit is split."""
        old, new = small()
        cw = Crosswalk.from_records(
            [{"old_code": "a", "new_code": "A"}, {"old_code": "b", "new_code": "A"}],
            old=old,
            new=new,
        )
        panel = values_panel(SCORE, {"a": 60, "b": 80})
        got, _ = rebase_panel(panel, cw, methods={"par": "min"})
        assert got.value("par", "A", 2024) == 60.0

    def test_scores_stay_within_bounds(self) -> None:
        """Means of bounded scores stay within the bounds (no rounding past them)."""
        got = new_values(values_panel(SCORE, {"a": 100, "b": 100, "c": 100}), "par")
        assert got["A"] == 100.0

    def test_ranks_have_no_method(self) -> None:
        """Ranks are positions among peers: re-basing them is refused unless declared."""
        rank = Indicator("rank", "Xếp hạng", measure=measures.rank())
        panel = values_panel(rank, {"a": 3, "b": 7})
        with pytest.raises(RebaseError, match="ranks are positions among peers"):
            rebase_panel(panel, small_crosswalk())
        assert new_values(panel, "rank", methods={"rank": "min"})["A"] == 3.0

    def test_binary_summed_has_no_method(self) -> None:
        """A binary fact whose rule is sum says how to declare any, all or majority."""
        summed = Indicator("meets", "M", measure=measures.binary(), rule="sum")
        with pytest.raises(
            RebaseError, match=r"\(its rule 'sum' is not any or all\); pass methods="
        ):
            rebase_panel(values_panel(summed, {"a": 1}), small_crosswalk())

    def test_score_shared_has_no_method(self) -> None:
        """A score whose rule is share_meeting names no method."""
        shared = Indicator("par", "P", measure=measures.score(), rule="share_meeting(>= 50)")
        with pytest.raises(RebaseError, match="names no re-basing method"):
            rebase_panel(values_panel(shared, {"a": 1}), small_crosswalk())

    def test_values_without_definition(self) -> None:
        """Values of an undefined indicator need a declared method; parts do not."""
        old, _ = small()
        panel = Panel.from_records(
            [
                {"indicator": "x", "unit": "a", "period": 2024, "value": 5},
                {"indicator": "y", "unit": "a", "period": 2024, "numerator": 1, "denominator": 2},
            ],
            old,
        )
        with pytest.raises(
            RebaseError, match="indicator 'x' has values and no definition says how"
        ) as info:
            rebase_panel(panel, small_crosswalk())
        assert info.value.code == "x"
        new, report = rebase_panel(panel, small_crosswalk(), methods={"x": "sum"})
        assert new.data_of("x").value[new.hierarchy.position("A"), 0] == 5.0
        assert report.indicator("y").method == "parts"
        assert report.indicator("x").basis == "declared"

    def test_declared_method_must_fit(self) -> None:
        """A method that does not fit the measure is refused, listing those that do."""
        with pytest.raises(
            RebaseError, match="method 'sum' does not fit a score measure; use one of mean"
        ):
            rebase_panel(values_panel(SCORE, {"a": 1}), small_crosswalk(), methods={"par": "sum"})

    def test_unknown_method_and_indicator(self) -> None:
        """Unknown methods are definition errors; methods for absent indicators are refused."""
        with pytest.raises(DefinitionError, match="unknown re-basing method 'median'"):
            rebase_panel(
                values_panel(SCORE, {"a": 1}), small_crosswalk(), methods={"par": "median"}
            )
        with pytest.raises(RebaseError, match="names indicator\\(s\\) not in the panel: zzz"):
            rebase_panel(values_panel(SCORE, {"a": 1}), small_crosswalk(), methods={"zzz": "mean"})

    def test_method_names(self) -> None:
        """Methods are named canonically; rules give the method of their name."""
        from cchc_indicators.core.rules import AllTrue, Mean, RatioOfSums

        assert parse_method("weighted_mean") == "weighted_mean(by=weight)"
        assert parse_method("weighted_mean(by = weight)") == "weighted_mean(by=weight)"
        assert parse_method(Mean()) == "mean"
        assert parse_method(AllTrue()) == "all"
        with pytest.raises(DefinitionError):
            parse_method(RatioOfSums())
        assert set(METHODS) >= {"sum", "majority"}

    def test_default_methods(self) -> None:
        """Defaults follow the measure and the roll-up rule."""
        assert default_method(STAFF) == "sum"
        assert default_method(SCORE) == "mean"
        assert default_method(Indicator("s", "S", measure=measures.score(), rule="max")) == "max"
        assert default_method(MEETS) == "all"
        assert default_method(FILES) is None
        assert default_method(Indicator("r", "R", measure=measures.rank())) is None
        assert default_method(Indicator("f", "F", rule="weighted_mean(by=denominator)")) is None


# ---------------------------------------------------------------------- tiers, editions, errors


class TestDistricts:
    def test_district_data_need_a_destination(self) -> None:
        """District-level data without district_to is an error naming units and indicators."""
        with pytest.raises(
            RebaseError, match="has no district level: 9 district-level units have data"
        ) as info:
            rebase_panel(sample_panel(), Crosswalk.official())
        assert info.value.level == "district"
        assert "district_to='province'" in str(info.value)

    def test_onto_provinces(self) -> None:
        """district_to='province': a district's figures join its new province's."""
        panel = sample_panel()
        new, report = rebase_panel(panel, Crosswalk.official(), district_to="province")
        old_d = panel.data_of("work_files_online")
        h = panel.hierarchy
        province_and_districts = np.nansum(
            old_d.numerator[: h.level_slice("district").stop], axis=0
        )
        got = new.data_of("work_files_online").numerator[new.hierarchy.position("25")]
        assert np.array_equal(got, province_and_districts)
        assert report.levels == {
            "province": "province",
            "district": "province",
            "commune": "commune",
        }
        assert report.conserved
        assert any("district links derived from province links" in n for n in report.notes)

    def test_onto_communes(self) -> None:
        """district_to='commune': a district's figures are shared among its communes' successors."""
        panel = sample_panel()
        new, report = rebase_panel(panel, Crosswalk.official(), district_to="commune")
        assert report.levels["district"] == "commune"
        assert report.conserved
        assert set(report.splits) == {u.code for u in panel.hierarchy.units("district")}
        province = new.data_of("work_files_online").numerator[new.hierarchy.position("25")]
        assert np.array_equal(province, panel.data_of("work_files_online").numerator[0])

    def test_onto_communes_with_weights(self) -> None:
        """Other shares for districts come from weights on the derived links."""
        cw = Crosswalk.official().derive("district", "commune")
        cw = cw.with_weights({("243", "08707"): 1.0, ("243", "08716"): 0.0})
        old = units.load("vn-2024", province="26")
        panel = Panel.from_records(
            [{"indicator": "staff", "unit": "243", "period": 2024, "value": 10}],
            old,
            indicators=[STAFF],
        )
        new, _ = rebase_panel(panel, cw)
        assert new.value("staff", "08707", 2024) == 10.0
        assert new.value("staff", "08716", 2024) == 0.0

    def test_not_a_level(self) -> None:
        """district_to must name a level of the new edition."""
        with pytest.raises(RebaseError, match="district_to='ward' is not a level of vn-2025"):
            rebase_panel(sample_panel(), Crosswalk.official(), district_to="ward")

    def test_demo_panel(self) -> None:
        """The plan's synthetic data re-base with districts onto provinces, every total conserved."""
        new, report = rebase_panel(demo_panel(), Crosswalk.official(), district_to="province")
        assert report.conserved
        assert report.indicator("par_index").method == "mean"
        assert report.indicator("meetings_online").method == "all"
        assert report.indicator("public_service_staff").method == "sum"
        assert new.note == demo_panel().note
        assert new.source.endswith("(re-based from vn-2024 to vn-2025)")


class TestEditionsAndUnits:
    def test_panel_of_another_edition(self) -> None:
        """A panel on the new edition cannot be re-based from the old one."""
        panel = Panel.from_records(
            [{"indicator": "staff", "unit": "25", "period": 2025, "value": 1}],
            units.load("vn-2025", province="25"),
            indicators=[STAFF],
        )
        with pytest.raises(
            RebaseError,
            match="the panel's units are edition vn-2025, but the crosswalk goes from vn-2024",
        ):
            rebase_panel(panel, Crosswalk.official())

    def test_target_of_another_edition(self) -> None:
        """The target units must be of the crosswalk's new edition."""
        with pytest.raises(RebaseError, match="the target units are edition vn-2024"):
            rebase_panel(
                sample_panel(), Crosswalk.official(), to=units.load("vn-2024", province="26")
            )

    def test_unit_not_in_the_old_edition(self) -> None:
        """A unit the crosswalk's old edition lacks is refused, even under the same label."""
        h = Hierarchy.from_records(
            [{"code": "99", "name": "X", "level": "province"}], edition="vn-2024"
        )
        panel = Panel.from_records(
            [{"indicator": "staff", "unit": "99", "period": 2024, "value": 1}],
            h,
            indicators=[STAFF],
        )
        with pytest.raises(
            RebaseError,
            match="1 unit\\(s\\) of the panel are not in the crosswalk's old edition vn-2024: 99",
        ):
            rebase_panel(panel, Crosswalk.official())

    def test_unit_on_another_level(self) -> None:
        """A code on another level than in the edition is refused."""
        h = Hierarchy.from_records(
            [{"code": "243", "name": "X", "level": "province"}], edition="vn-2024"
        )
        panel = Panel.from_records(
            [{"indicator": "staff", "unit": "243", "period": 2024, "value": 1}],
            h,
            indicators=[STAFF],
        )
        with pytest.raises(
            RebaseError, match="unit '243' is a province in the panel but a district"
        ):
            rebase_panel(panel, Crosswalk.official())

    def test_unlabelled_hierarchies_are_accepted(self) -> None:
        """Without edition labels, the codes alone are checked."""
        old, new = small()
        cw = Crosswalk.from_records([{"old_code": "a", "new_code": "A"}], old=old, new=new)
        unlabelled = Hierarchy(old.levels, old.codes, old.names, old.level_of, old.parent_of)
        panel = Panel.from_records(
            [{"indicator": "staff", "unit": "a", "period": 2024, "value": 1}],
            unlabelled,
            indicators=[STAFF],
        )
        new_panel, _ = rebase_panel(panel, cw)
        assert new_panel.value("staff", "A", 2024) == 1.0

    def test_unmapped_units_are_reported(self) -> None:
        """Data of unmapped communes are not carried, and the report says how much."""
        h = units.load("vn-2024", province="04")  # Cao Bằng holds unmapped 01651
        panel = Panel.from_records(
            [
                {"indicator": "staff", "unit": "01651", "period": 2024, "value": 4},
                {"indicator": "staff", "unit": "01654", "period": 2024, "value": 6},
            ],
            h,
            indicators=[STAFF],
        )
        new, report = rebase_panel(panel, Crosswalk.official())
        assert report.unmapped == ("01651",)
        total = report.indicator("staff").totals["value"]
        assert (total.before, total.after, total.unmapped) == (10.0, 6.0, 4.0)
        assert total.conserved
        assert "unmapped units with data: 1 (01651)" in report.summary()
        assert "4 unmapped" in report.indicator("staff").describe()
        assert len(new) == 1

    def test_empty_panel(self) -> None:
        """A panel without observations re-bases to an empty panel."""
        panel = Panel.from_records([], units.load("vn-2024", province="26"))
        new, report = rebase_panel(panel, Crosswalk.official())
        assert len(new) == 0
        assert report.indicators == ()


class TestReport:
    def test_rows_number_the_new_records(self) -> None:
        """New observations are numbered in the order to_records lists them."""
        new, _ = rebase_panel(demo_panel(), Crosswalk.official(), district_to="province")
        rows = np.concatenate([d.row[d.observed] for d in new.data.values()])
        assert sorted(rows.tolist()) == list(range(len(new)))

    def test_records_and_summary(self) -> None:
        """The report lists a row per additive column and summarises per indicator."""
        _, report = rebase_panel(sample_panel(), Crosswalk.official(), district_to="province")
        records = report.to_records()
        assert [r["field"] for r in records] == ["numerator", "denominator"]
        assert all(r["conserved"] for r in records)
        text = report.summary()
        assert text.splitlines()[0].startswith("re-based from vn-2024 to vn-2025 (official tables")
        assert "all additive totals conserved" in text
        with pytest.raises(KeyError, match="the report has no indicator 'x'"):
            report.indicator("x")

    def test_non_additive_indicators_in_records(self) -> None:
        """An indicator without an additive column has one record with an empty field."""
        report = RebaseReport("a", "b", "c", (IndicatorRebase("par", "mean", "rule mean"),))
        assert report.to_records() == [
            {"indicator": "par", "method": "mean", "basis": "rule mean", "field": ""}
        ]

    def test_not_conserved(self) -> None:
        """A report with a total off by more than rounding says so."""
        bad = IndicatorRebase("staff", "sum", "measure count", {"value": Total(10.0, 9.0)})
        report = RebaseReport("a", "b", "c", (bad,))
        assert not report.conserved
        assert "totals NOT conserved: staff" in report.summary()
        assert Total(float("nan"), 1.0).difference != 0.0
        assert (
            "nan"
            in IndicatorRebase("x", "sum", "b", {"value": Total(float("nan"), 1.0)}).describe()
        )

    def test_error_pickles(self) -> None:
        """RebaseError keeps its message and attributes through pickling."""
        err = RebaseError("no method", code="par", level="district")
        again = pickle.loads(pickle.dumps(err))
        assert (str(again), again.code, again.level) == ("no method", "par", "district")

    def test_index_sizes_are_kept_for_a_few(self) -> None:
        """The allocation keeps flat indices for a few block counts, not for every one."""
        from cchc_indicators.engine import _rebase

        old, _ = small()
        cw = small_crosswalk()
        alloc = _rebase.allocation(cw, old, np.arange(len(old)), cw.new, 2)
        for k in range(1, 9):
            single, extra = alloc.index(k)
            assert len(single) == k * len(old) * 2
            assert len(extra) == k * len(alloc.extra_old) * 2
            assert alloc.index(k)[0] is single
        assert sorted(alloc._index) == [7, 8]

    def test_large_indices_are_not_kept(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Flat indices beyond the memory budget are computed each time, not kept."""
        from cchc_indicators.engine import _rebase

        monkeypatch.setattr(_rebase, "_INDEX_BUDGET", 30)
        old, _ = small()
        cw = small_crosswalk()
        alloc = _rebase.allocation(cw, old, np.arange(len(old)), cw.new, 3)
        alloc.index(1)  # 15 cell numbers: kept
        alloc.index(3)  # 45: over the budget, and the others go to make room
        assert alloc._index == {}
        alloc.index(2)
        assert list(alloc._index) == [2]

    def test_values_given_with_parts_survive_a_change_of_code(self) -> None:
        """A ratio cell given with value and parts keeps its value when its unit is only renamed."""
        old, _ = small()
        panel = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "a",
                    "period": 2024,
                    "value": 25,
                    "numerator": 1,
                    "denominator": 4,
                },
                {
                    "indicator": "files",
                    "unit": "d",
                    "period": 2024,
                    "value": 50,
                    "numerator": 1,
                    "denominator": 2,
                },
            ],
            old,
            indicators=[FILES],
        )
        new, _ = rebase_panel(panel, small_crosswalk())
        d = new.data_of("files")
        assert np.isnan(d.value[new.hierarchy.position("A"), 0])  # a and b merge: parts only
        identity, _ = rebase_panel(panel, Crosswalk.identity(old))
        assert identity.data_of("files") == attrs_evolve_rows(
            panel.data_of("files"), identity.data_of("files")
        )

    def test_cache_follows_the_crosswalk(self) -> None:
        """A new crosswalk with other weights is not served the old allocation."""
        panel = values_panel(STAFF, {"c": 10})
        first = small_crosswalk()
        a, _ = rebase_panel(panel, first)
        del first
        gc.collect()
        second = small_crosswalk().with_weights({("c", "B"): 0.9, ("c", "C"): 0.1})
        b, _ = rebase_panel(panel, second)
        assert a.value("staff", "B", 2024) == 5.0
        assert b.value("staff", "B", 2024) == 9.0
        for _ in range(12):  # more crosswalks than the cache holds
            rebase_panel(panel, small_crosswalk())


class TestRebaseValues:
    def test_sum_of_provinces(self) -> None:
        """A baseline per old province, summed onto the new one, with its sources."""
        r = rebase_values(
            {"17": 120.0, "25": 300.0, "26": 180.0, "01": float("nan")}, Crosswalk.official()
        )
        assert r.values == {"25": 600.0}
        assert r.sources == {"25": (("17", 1.0), ("25", 1.0), ("26", 1.0))}
        assert r.describe("25") == "sum of 17, 25, 26 (vn-2024): 600"
        assert r.describe("01") == "sum of nothing (vn-2024): nan"
        assert (r.old_edition, r.new_edition) == ("vn-2024", "vn-2025")

    def test_a_split_commune(self) -> None:
        """A split commune's value is shared, and its share is shown."""
        r = rebase_values({"00016": 10.0}, Crosswalk.official())
        assert r.values == {"00004": 5.0, "00008": 5.0}
        assert r.describe("00008") == "sum of 00016 x 0.5 (vn-2024): 5"

    def test_methods_and_weights(self) -> None:
        """Other methods and weights apply as in rebase_panel."""
        cw = Crosswalk.official()
        assert rebase_values({"17": 80.0, "26": 90.0}, cw, method="max").values == {"25": 90.0}
        r = rebase_values(
            {"17": 80.0, "26": 90.0}, cw, method="weighted_mean", weights={"17": 1, "26": 3}
        )
        assert r.values == {"25": 87.5}
        with pytest.raises(RebaseError, match="a single set of values has no denominator"):
            rebase_values({"17": 1.0}, cw, method="weighted_mean(by=denominator)")

    def test_unmapped_and_unknown(self) -> None:
        """Unmapped units are listed; unknown codes are refused."""
        r = rebase_values({"01651": 4.0, "01654": 6.0}, Crosswalk.official())
        assert r.unmapped == ("01651",)
        assert r.values == {"01654": 6.0} or sum(r.values.values()) == 6.0
        with pytest.raises(RebaseError, match="unit\\(s\\) not in edition vn-2024: 99999"):
            rebase_values({"99999": 1.0}, Crosswalk.official())

    def test_districts(self) -> None:
        """District values go to provinces or communes as asked."""
        r = rebase_values({"243": 9.0}, Crosswalk.official(), district_to="commune")
        assert r.values == pytest.approx({"08707": 4.0, "08716": 5.0})
        assert [o for o, _ in r.sources["08707"]] == ["243"]
        assert rebase_values({"243": 9.0}, Crosswalk.official(), district_to="province").values == {
            "25": 9.0
        }

    def test_onto_some_units(self) -> None:
        """With target units, values going elsewhere are left out of the sources too."""
        r = rebase_values(
            {"00016": 10.0}, Crosswalk.official(), to=units.load("vn-2025", province="01")
        )
        assert r.values == {"00004": 5.0, "00008": 5.0}
        r = rebase_values(
            {"00016": 10.0, "26": 1.0},
            Crosswalk.official(),
            to=units.load("vn-2025", province="25"),
        )
        assert r.values == {"25": 1.0}
        assert r.sources == {"25": (("26", 1.0),)}

    def test_nothing(self) -> None:
        """No values give no values."""
        assert rebase_values({}, Crosswalk.official()).values == {}


def test_reference_data_fixture_is_optional(shared_data: Path) -> None:
    """The re-basing module works from package data; the reference folder only confirms it."""
    assert (shared_data / "vn_units_2025.csv").exists()
    assert len(units.load("vn-2025")) == 3355


class TestPartialCells:
    """Which re-based cells rest on only some of their predecessors."""

    def test_only_same_level_predecessors_count(self) -> None:
        """Old province 26 alone reported: partial for new Phú Thọ (17, 25, 26 merged), not for 26 -> 26."""
        from cchc_indicators import Indicator, Panel, measures
        from cchc_indicators.engine.rebase import rebase_panel
        from cchc_indicators.units.crosswalk import Crosswalk

        ind = Indicator("n", "N", measure=measures.count())
        old = units.load("vn-2024")
        p = Panel.from_records(
            [{"indicator": "n", "unit": "26", "period": 2021, "value": 640}], old, indicators=[ind]
        )
        _, report = rebase_panel(
            p, Crosswalk.official("vn-2024", "vn-2025"), district_to="province"
        )
        assert report.indicator("n").partial == (("25", "2021"),)
        # the districts folded into the province by district_to do not count as silent predecessors
        vp = units.load("vn-2024", province="26")
        own = Crosswalk.from_records(
            [{"old_code": "26", "new_code": "26"}],
            old=vp,
            new=units.load("vn-2024", province="26").subtree("26"),
            on_unknown="ignore",
        )
        q = Panel.from_records(
            [{"indicator": "n", "unit": "26", "period": 2021, "value": 640}], vp, indicators=[ind]
        )
        _, same = rebase_panel(q, own, district_to="province")
        assert same.indicator("n").partial == ()

    def test_predecessors_outside_the_panel_count_as_silent(self) -> None:
        """A panel of old province 26 alone: new Phú Thọ (17, 25, 26) gets only 26's 640, partial.

        Old provinces 17 and 25 are not among the panel's units, so they sent nothing.
        """
        from cchc_indicators import Indicator, Panel, measures
        from cchc_indicators.engine.rebase import rebase_panel
        from cchc_indicators.units.crosswalk import Crosswalk

        ind = Indicator("n", "N", measure=measures.count())
        vp = units.load("vn-2024", province="26")
        assert vp.codes[0] == "26"  # the province is the panel's first row
        q = Panel.from_records(
            [{"indicator": "n", "unit": "26", "period": 2021, "value": 640}], vp, indicators=[ind]
        )
        new, report = rebase_panel(
            q, Crosswalk.official("vn-2024", "vn-2025"), district_to="province"
        )
        assert new.value("n", "25", 2021) == 640.0
        assert report.indicator("n").partial == (("25", "2021"),)
        assert report.indicator("n").partial_cells == 1
