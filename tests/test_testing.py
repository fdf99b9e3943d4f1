"""Tests of the public Hypothesis strategies and assertion helpers in ``cchc_indicators.testing``."""

from __future__ import annotations

import math
import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cchc_indicators import (
    DEFAULT_LEVELS,
    TWO_TIER_LEVELS,
    Hierarchy,
    Indicator,
    Panel,
    measures,
    rollup,
)
from cchc_indicators.core.rules import RULE_NAMES
from cchc_indicators.testing import (
    assert_rollup_equal,
    hierarchies,
    hierarchy_records,
    indicators,
    panel_records,
    panels,
)

WIDTHS = {"province": 2, "district": 3, "commune": 5}
FIND = settings(max_examples=2000, database=None, suppress_health_check=list(HealthCheck))


def hierarchy_and_indicator() -> st.SearchStrategy[tuple[Hierarchy, Indicator]]:
    levels = st.sampled_from((DEFAULT_LEVELS, TWO_TIER_LEVELS))
    return st.tuples(levels.flatmap(hierarchies), indicators())


class TestHierarchies:
    @given(
        st.sampled_from((DEFAULT_LEVELS, TWO_TIER_LEVELS)).flatmap(
            lambda levels: st.tuples(st.just(levels), hierarchies(levels, max_units_per_level=4))
        )
    )
    def test_hierarchies_are_valid_trees_with_official_code_widths(
        self, drawn: tuple[tuple[str, ...], Hierarchy]
    ) -> None:
        """Each unit below the top has a parent on the level directly above; codes have the level's width."""
        levels, h = drawn
        assert h.levels == levels
        assert 1 <= h.level_size(levels[0]) <= 4
        for unit in h:
            assert re.fullmatch(rf"\d{{{WIDTHS[unit.level]}}}", unit.code)
            assert h.level_size(unit.level) <= 4
            if unit.level == levels[0]:
                assert unit.parent is None
            else:
                assert unit.parent is not None
                assert levels.index(h.level(unit.parent)) == levels.index(unit.level) - 1

    @given(hierarchy_records(), st.data())
    def test_records_in_any_order_build_the_same_hierarchy(
        self, records: list[dict[str, Any]], data: st.DataObject
    ) -> None:
        """Unit records drawn in any order, shuffled again, give one hierarchy."""
        shuffled = data.draw(st.permutations(records))
        assert Hierarchy.from_records(shuffled) == Hierarchy.from_records(records)

    def test_hierarchies_include_childless_parents_and_leading_zeros(self) -> None:
        """The strategy reaches a district without communes and codes starting with 0."""
        h = find(
            hierarchies(),
            lambda h: (
                any(not h.children(u.code) for u in h.units("district"))
                and any(u.code.startswith("0") for u in h.units("commune"))
            ),
            settings=FIND,
        )
        assert h.level_size("commune") >= 1

    def test_min_top_zero_allows_an_empty_hierarchy(self) -> None:
        """With min_top=0 the strategy can draw a hierarchy with no unit at all."""
        assert len(find(hierarchies(min_top=0), lambda h: len(h) == 0, settings=FIND)) == 0

    def test_other_level_names_get_distinct_wider_codes(self) -> None:
        """Levels outside the official three get codes wider than the level above."""
        h = find(
            hierarchies(("region", "province", "ward")),
            lambda h: h.level_size("ward") > 0,
            settings=FIND,
        )
        assert [len(h.units(x)[0].code) for x in h.levels] == [2, 3, 4]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"levels": ("province", "province")}, "levels must be distinct level names"),
            ({"levels": ()}, "levels must be distinct level names"),
            ({"min_top": 3, "max_units_per_level": 2}, "need 0 <= min_top <= max_units_per_level"),
            ({"min_top": -1}, "need 0 <= min_top"),
        ],
    )
    def test_bad_arguments_raise_invalid_argument(
        self, kwargs: dict[str, Any], message: str
    ) -> None:
        """Arguments that cannot give a hierarchy fail when the strategy is made."""
        with pytest.raises(InvalidArgument, match=re.escape(message)):
            hierarchies(**kwargs)


class TestIndicators:
    @given(indicators())
    def test_indicators_are_valid_and_round_trip(self, ind: Indicator) -> None:
        """Every drawn indicator's rule fits its measure and survives to_dict / from_dict."""
        assert ind.rule.fits(ind.measure)
        assert Indicator.from_dict(ind.to_dict()) == ind

    @given(indicators(["ratio", "binary"], rules=["share_meeting", "all"]))
    def test_measure_kinds_and_rules_are_honoured(self, ind: Indicator) -> None:
        """Only the measure kinds and rules asked for are drawn."""
        assert ind.measure.kind in ("ratio", "binary")
        assert ind.rule.name in ("share_meeting", "all")

    @pytest.mark.parametrize("rule", RULE_NAMES)
    def test_every_rule_can_be_drawn(self, rule: str) -> None:
        """Each rule name gives indicators of a measure it fits."""
        ind = find(indicators(rules=[rule]), lambda ind: True, settings=FIND)
        assert ind.rule.name == rule

    def test_weighting_by_denominator_is_drawn_for_ratios_only(self) -> None:
        """weighted_mean(by=denominator) comes with a ratio measure."""
        ind = find(
            indicators(rules=["weighted_mean"]),
            lambda ind: getattr(ind.rule, "by", "") == "denominator",
            settings=FIND,
        )
        assert ind.measure.kind == "ratio"

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"measure_kinds": ["percent"]}, "measure_kinds must be among"),
            ({"measure_kinds": []}, "measure_kinds must be among"),
            ({"rules": ["median"]}, "rules must be among"),
            ({"measure_kinds": ["count"], "rules": ["ratio_of_sums"]}, "no rule among"),
        ],
    )
    def test_bad_arguments_raise_invalid_argument(
        self, kwargs: dict[str, Any], message: str
    ) -> None:
        """Unknown kinds or rules, or rules fitting none of the kinds, fail at once."""
        with pytest.raises(InvalidArgument, match=re.escape(message)):
            indicators(**kwargs)


def check_record(rec: dict[str, Any], ind: Indicator) -> None:
    """Assert one drawn record fits the indicator's measure."""
    m = ind.measure
    if "denominator" in rec:
        num, den = rec["numerator"], rec["denominator"]
        assert m.kind == "ratio"
        assert isinstance(num, int)
        assert isinstance(den, int)
        assert 0 <= num <= (den if m.bounded else 3 * den)
        return
    value = rec["value"]
    assert math.isfinite(value)
    if m.kind in ("count", "binary", "rank"):
        assert isinstance(value, int)
    lo, hi = m.bounds or (-math.inf, math.inf)
    assert lo <= value <= hi
    assert m.kind != "count" or value >= 0
    assert m.kind != "rank" or value >= 1


class TestPanelRecords:
    @given(hierarchy_and_indicator(), st.data())
    def test_records_fit_the_measure_and_load(
        self, drawn: tuple[Hierarchy, Indicator], data: st.DataObject
    ) -> None:
        """Records fit the measure, name each cell once, and load against the definition."""
        h, ind = drawn
        records = data.draw(panel_records(h, ind, parts=None))
        for rec in records:
            assert rec["indicator"] == ind.code
            assert rec["unit"] in h
            check_record(rec, ind)
            assert rec.get("weight", 0) in range(6)
        cells = [(r["unit"], r["period"]) for r in records]
        assert len(set(cells)) == len(cells)
        if records:
            assert len(Panel.from_records(records, h, indicators=[ind])) == len(records)

    @given(hierarchy_and_indicator(), st.data())
    def test_units_periods_and_min_size_are_honoured(
        self, drawn: tuple[Hierarchy, Indicator], data: st.DataObject
    ) -> None:
        """Only the units and periods asked for are observed, at least min_size times."""
        h, ind = drawn
        units = data.draw(st.lists(st.sampled_from(h.codes), min_size=1, unique=True))
        records = data.draw(
            panel_records(h, ind, units=units, periods=["2024-Q1", "2024-Q2"], min_size=len(units))
        )
        assert len(records) >= len(units)
        assert {r["unit"] for r in records} <= set(units)
        assert {r["period"] for r in records} <= {"2024-Q1", "2024-Q2"}

    @given(hierarchies(), st.data())
    def test_integer_values_and_no_weights(self, h: Hierarchy, data: st.DataObject) -> None:
        """integer_values=True draws whole scores; weights=False leaves the weight out."""
        ind = Indicator("sipas", "SIPAS", measure=measures.score(0, 100))
        records = data.draw(panel_records(h, ind, integer_values=True, weights=False))
        assert all(isinstance(r["value"], int) and "weight" not in r for r in records)

    def test_parts_false_gives_bare_values_and_zero_denominators_occur(self) -> None:
        """A ratio can be drawn as bare values; with parts, denominators of 0 are drawn."""
        h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
        ind = Indicator("online", "Tỷ lệ TTHC trực tuyến")
        bare = find(panel_records(h, ind, parts=False, min_size=1), bool, settings=FIND)
        assert "value" in bare[0]
        assert "denominator" not in bare[0]
        zero = find(
            panel_records(h, ind, min_size=1),
            lambda rs: any(r["denominator"] == 0 for r in rs),
            settings=FIND,
        )
        assert any(r["numerator"] == 0 for r in zero)

    def test_bad_arguments_raise_invalid_argument(self) -> None:
        """Unknown units and a min_size above the units observed fail at once."""
        h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
        ind = Indicator("online", "Tỷ lệ TTHC trực tuyến")
        with pytest.raises(
            InvalidArgument, match=re.escape("units ['1'] are not in the hierarchy")
        ):
            panel_records(h, ind, units=["1"])
        with pytest.raises(InvalidArgument, match="min_size must lie between 0 and the 1 units"):
            panel_records(h, ind, min_size=2)


class TestPanels:
    @given(hierarchies().flatmap(panels))
    def test_panels_hold_every_indicator_and_roll_up(self, panel: Panel) -> None:
        """Each drawn indicator has data and a definition, and rolls up on every scope."""
        assert 1 <= len(panel.indicator_codes) <= 3
        assert set(panel.indicators) == set(panel.indicator_codes)
        for code in panel.indicator_codes:
            assert panel.data_of(code).observed.any()
            for scope in ("own", "territory", *(f"tier:{x}" for x in panel.hierarchy.levels)):
                r = rollup(panel, code, scope=scope)
                assert r.value.shape == (len(panel.hierarchy), len(panel.periods))

    @given(
        hierarchies(TWO_TIER_LEVELS).flatmap(
            lambda h: panels(
                h, st.just([Indicator("a", "A"), Indicator("b", "B")]), periods=["2025"]
            )
        )
    )
    def test_given_indicators_and_periods_are_used(self, panel: Panel) -> None:
        """Indicators passed as a strategy and fixed periods are what the panel holds."""
        assert panel.indicator_codes == ("a", "b")
        assert panel.periods == ("2025",)

    def test_empty_hierarchy_raises_invalid_argument(self) -> None:
        """A hierarchy without units cannot hold observations."""
        with pytest.raises(InvalidArgument, match="at least one unit"):
            panels(Hierarchy.from_records([]))


H = Hierarchy.from_records(
    [
        {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
        {"code": "08707", "name": "Tích Sơn", "level": "commune", "parent": "26"},
        {"code": "08710", "name": "Liên Bảo", "level": "commune", "parent": "26"},
    ],
    levels=TWO_TIER_LEVELS,
)
STAFF = Indicator("staff", "Số biên chế", measure=measures.count())


def staff_rollup(values: dict[str, float], **kwargs: Any) -> Any:
    """Roll up staff counts given by commune code, for 2024 and 2025."""
    records = [
        {"indicator": "staff", "unit": unit, "period": period, "value": v}
        for unit, v in values.items()
        for period in ("2024", "2025")
    ]
    return rollup(Panel.from_records(records, H, indicators=[STAFF]), STAFF, **kwargs)


class TestAssertRollupEqual:
    def test_equal_rollups_with_missing_values_pass(self) -> None:
        """Two roll-ups of the same data are equal, NaN included."""
        assert_rollup_equal(staff_rollup({"08707": 3}), staff_rollup({"08707": 3}), rtol=0)

    def test_value_difference_names_the_first_unit_and_period(self) -> None:
        """A different value fails, naming the cell count, the first unit, its level and period."""
        a, b = staff_rollup({"08707": 3, "08710": 4}), staff_rollup({"08707": 3, "08710": 5})
        msg = (
            "roll-ups of 'staff' (rule 'sum', scope 'territory') differ in 4 of 6 cells; "
            "first at unit '26' (province), period '2024':\n  value: 7.0 != 8.0"
        )
        with pytest.raises(AssertionError, match=f"^{re.escape(msg)}$"):
            assert_rollup_equal(a, b)

    def test_counts_provenance_and_reason_differences_are_listed(self) -> None:
        """A cell missing on one side lists value, unit count, provenance and reason."""
        a, b = staff_rollup({"08707": 3}), staff_rollup({"08710": 3})
        with pytest.raises(AssertionError) as info:
            assert_rollup_equal(a, b)
        assert str(info.value).splitlines()[1:] == [
            "  value: 3.0 != nan",
            "  n_with_data: 1 != 0",
            "  provenance: 'observed' != 'missing'",
            "  reason: '' != 'no_data'",
        ]
        assert "first at unit '08707' (commune), period '2024'" in str(info.value)

    def test_reason_alone_differs_under_min_coverage(self) -> None:
        """min_coverage turning a value missing shows up as a difference."""
        with pytest.raises(AssertionError, match="reason: '' != 'below_min_coverage'"):
            assert_rollup_equal(
                staff_rollup({"08707": 3}), staff_rollup({"08707": 3}, min_coverage=1.0)
            )

    def test_scope_sizes_are_compared(self) -> None:
        """A different count of units in scope is a difference."""
        a = staff_rollup({"08707": 3})
        b = attrs.evolve(a, n_in_scope=a.n_in_scope + np.array([0, 0, 1]))
        with pytest.raises(AssertionError, match=r"unit '08710' .*\n  n_in_scope: 1 != 2"):
            assert_rollup_equal(a, b)

    def test_tolerance_applies_to_values(self) -> None:
        """Values within rtol pass; rtol=0 asks for exact equality."""
        a = staff_rollup({"08707": 3})
        b = attrs.evolve(a, value=a.value * (1 + 1e-12))
        assert_rollup_equal(a, b)
        with pytest.raises(AssertionError, match="differ in 4 of 6 cells"):
            assert_rollup_equal(a, b, rtol=0)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"scope": "tier:commune"}, "differ in their scope: 'territory' != 'tier:commune'"),
            ({"rule": "max"}, "differ in their rule: 'sum' != 'max'"),
            ({"scope": "own"}, "differ in their rule: 'sum' != None"),
        ],
    )
    def test_rule_and_scope_are_compared(self, kwargs: dict[str, Any], message: str) -> None:
        """Roll-ups by another rule or scope differ, whatever their values."""
        with pytest.raises(AssertionError, match=re.escape(message)):
            assert_rollup_equal(staff_rollup({"08707": 3}), staff_rollup({"08707": 3}, **kwargs))

    def test_indicator_units_and_periods_are_compared(self) -> None:
        """Another indicator, hierarchy or set of periods is a difference."""
        a = staff_rollup({"08707": 3})
        other = attrs.evolve(STAFF, code="staff2")
        cases = [
            (attrs.evolve(a, indicator=other), "indicator: 'staff' != 'staff2'"),
            (
                attrs.evolve(a, periods=("2024", "2026")),
                "periods: ('2024', '2025') != ('2024', '2026')",
            ),
            (attrs.evolve(a, hierarchy=H.subtree("26")), None),
        ]
        for b, message in cases:
            if message is None:
                assert_rollup_equal(a, b)  # an equal hierarchy built anew
                continue
            with pytest.raises(AssertionError, match=re.escape(message)):
                assert_rollup_equal(a, b)
