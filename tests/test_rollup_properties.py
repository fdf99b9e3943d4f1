"""Laws of the roll-up engine, each checked on random trees against brute force in plain Python.

The brute force walks the unit records as drawn (a dict of children per code)
and reads the observation records as drawn, so it shares nothing with the
engine's arrays, ancestor tables or ``bincount`` pooling.
"""

from __future__ import annotations

import functools
import math
import operator
import sys
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cchc_indicators import (
    DEFAULT_LEVELS,
    TWO_TIER_LEVELS,
    Hierarchy,
    Indicator,
    Panel,
    PanelError,
    measures,
    rollup,
    rollup_state,
)
from cchc_indicators.core import _wide
from cchc_indicators.core.measures import MEASURE_KINDS
from cchc_indicators.testing import (
    assert_rollup_equal,
    hierarchy_records,
    indicators,
    panel_records,
)

Record = dict[str, Any]
Cell = tuple[str, str]

_COMPARE: dict[str, Callable[[Fraction, Fraction], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


class Tree:
    """Unit records as a plain dict of children, with the units each scope holds."""

    def __init__(self, records: Sequence[Record], levels: tuple[str, ...]) -> None:
        self.levels = levels
        self.level = {r["code"]: r["level"] for r in records}
        self.children: dict[str, list[str]] = defaultdict(list)
        for r in records:
            if r.get("parent"):
                self.children[r["parent"]].append(r["code"])

    def below(self, code: str) -> list[str]:
        out, stack = [], list(self.children[code])
        while stack:
            unit = stack.pop()
            out.append(unit)
            stack.extend(self.children[unit])
        return out

    def scope(self, code: str, scope: str) -> list[str]:
        if scope == "own":
            return [code]
        if scope == "territory":
            return [code, *self.below(code)]
        level = scope.removeprefix("tier:")
        if self.level[code] == level:
            return [code]
        if self.levels.index(self.level[code]) > self.levels.index(level):
            return []
        return [u for u in self.below(code) if self.level[u] == level]


@attrs.frozen
class Case:
    """A tree, an indicator, its observation records and a scope, as drawn."""

    unit_records: list[Record]
    tree: Tree
    hierarchy: Hierarchy
    indicator: Indicator
    records: list[Record]
    scope: str

    def panel(self, records: Sequence[Record] | None = None) -> Panel:
        rows = self.records if records is None else records
        return Panel.from_records(rows, self.hierarchy, indicators=[self.indicator])

    def rollup(self, **kwargs: Any) -> Any:
        kwargs.setdefault("scope", self.scope)
        return rollup(self.panel(), self.indicator, **kwargs)

    @property
    def observations(self) -> dict[Cell, Record]:
        return {(r["unit"], r["period"]): r for r in self.records}

    def cells(self) -> Iterator[tuple[str, str, list[str], list[Record]]]:
        """Each (unit, period) with the units in scope and their observations."""
        obs = self.observations
        for unit in self.tree.level:
            units = self.tree.scope(unit, self.scope)
            for period in sorted({r["period"] for r in self.records}):
                yield unit, period, units, [obs[u, period] for u in units if (u, period) in obs]

    def unit_value(self, rec: Record) -> Fraction | None:
        """A unit's own value, exactly: the value given, or numerator x scale / denominator."""
        if "denominator" not in rec:
            return Fraction(rec["value"])
        if rec["denominator"] == 0:
            return None
        scale = Fraction(self.indicator.measure.scale or 1.0)
        return rec["numerator"] * scale / rec["denominator"]

    def has_data(self, rec: Record) -> bool:
        """Whether the observation counts as a report for the indicator's rule.

        Pooled parts need the parts; a weighted mean needs the weight and a
        value, except that a weight of 0 (nothing to weigh) is a report too;
        other rules need the unit's value.
        """
        rule = self.indicator.rule
        if rule.name == "ratio_of_sums":
            return "denominator" in rec
        by = getattr(rule, "by", None)
        if by is not None:
            return rec.get(by) is not None and (self.unit_value(rec) is not None or rec[by] == 0)
        return self.unit_value(rec) is not None


@st.composite
def cases(
    draw: st.DrawFn,
    kinds: Sequence[str] = MEASURE_KINDS,
    rules: Sequence[str] | None = None,
    scopes: Sequence[str] = ("territory", "tier"),
    parts: bool | None = True,
    integer_values: bool = False,
) -> Case:
    levels = draw(st.sampled_from((DEFAULT_LEVELS, TWO_TIER_LEVELS)))
    unit_records = draw(hierarchy_records(levels))
    h = Hierarchy.from_records(unit_records, levels=levels)
    ind = draw(indicators(kinds, rules=rules))
    records = draw(panel_records(h, ind, parts=parts, min_size=1, integer_values=integer_values))
    kind = draw(st.sampled_from(scopes))
    scope = f"tier:{draw(st.sampled_from(levels))}" if kind == "tier" else kind
    return Case(unit_records, Tree(unit_records, levels), h, ind, records, scope)


def make_case(
    indicator: Indicator, rows: Sequence[tuple[str, int, int]], scope: str, communes: int = 2
) -> Case:
    """A case on province '26' with communes '08700', '08701', ...; rows are (unit, num, den)."""
    units: list[Record] = [{"code": "26", "name": "Vĩnh Phúc", "level": "province"}]
    units += [
        {"code": f"{8700 + i:05d}", "name": "Xã", "level": "commune", "parent": "26"}
        for i in range(communes)
    ]
    records = [
        {"indicator": indicator.code, "unit": u, "period": "2024", "numerator": n, "denominator": d}
        for u, n, d in rows
    ]
    h = Hierarchy.from_records(units, levels=TWO_TIER_LEVELS)
    return Case(units, Tree(units, TWO_TIER_LEVELS), h, indicator, records, scope)


FILES = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
#: One commune reports 5 of 10, the other 0 of 0: both reported.
ZERO_OF_ZERO = make_case(FILES, [("08700", 5, 10), ("08701", 0, 0)], "tier:commune")
#: The only commune reports 57 of 100 (57 %, which 57 / 100 x 100 misses by one ulp).
ONE_COMMUNE = make_case(FILES, [("08700", 57, 100)], "tier:commune", communes=1)
#: 7 of 25 communes report: a coverage of exactly 0.28.
SEVEN_OF_25 = make_case(
    FILES, [(f"{8700 + i:05d}", 1, 2) for i in range(7)], "tier:commune", communes=25
)


def check_cell(r: Any, unit: str, period: str, **expected: Any) -> None:
    """Assert the roll-up's row for one cell has the expected fields (values to 1e-12)."""
    row = r.row(unit, period)
    got = {k: row[k] for k in expected}
    same = all(
        (got[k] is None) == (v is None) and (v is None or math.isclose(got[k], v, rel_tol=1e-12))
        if k == "value"
        else got[k] == v
        for k, v in expected.items()
    )
    assert same, f"unit {unit!r}, period {period!r}, {r!r}: got {got}, expected {expected}"


def _missing_row(units: list[str], reason: str) -> dict[str, Any]:
    if not units:
        return {"value": None, "provenance": "missing", "reason": "not_applicable"}
    return {"value": None, "provenance": "missing", "reason": reason}


class TestRatioOfSums:
    @given(cases(kinds=["ratio"], rules=["ratio_of_sums"]))
    @example(ONE_COMMUNE)
    def test_ratio_rollup_equals_pooled_counts(self, case: Case) -> None:
        """Every unit's territory or tier value is Σ numerator / Σ denominator x scale of its scope."""
        r = case.rollup()
        scale = Fraction(case.indicator.measure.scale or 1.0)
        for unit, period, units, recs in case.cells():
            num = sum(x["numerator"] for x in recs)
            den = sum(x["denominator"] for x in recs)
            if not recs or den == 0:
                row = _missing_row(units, "zero_denominator" if recs else "no_data")
            else:
                single = units == [unit] and len(recs) == 1  # the unit's own observation
                row = {
                    "value": float(num * scale / den),
                    "provenance": "observed" if single else "derived",
                    "reason": None,
                }
            check_cell(r, unit, period, n_with_data=len(recs), n_in_scope=len(units), **row)

    @given(cases(kinds=["ratio"], rules=["ratio_of_sums"]), st.data())
    def test_zero_pooled_denominator_is_missing(self, case: Case, data: st.DataObject) -> None:
        """A scope whose reported denominators add up to 0 has no value, for reason zero_denominator."""
        zeroed = data.draw(st.sets(st.sampled_from(sorted(case.tree.level))))
        records = [
            {**x, "numerator": 0, "denominator": 0} if x["unit"] in zeroed else x
            for x in case.records
        ]
        case = attrs.evolve(case, records=records)
        r = case.rollup()
        for unit, period, units, recs in case.cells():
            if recs and sum(x["denominator"] for x in recs) == 0:
                check_cell(r, unit, period, **_missing_row(units, "zero_denominator"))

    @pytest.mark.parametrize("numerator", [0, 2])
    def test_a_row_over_a_zero_denominator_adds_nothing_to_the_pooled_ratio(
        self, numerator: int
    ) -> None:
        """A row over a denominator of 0 has no rate: it is rejected or leaves the pooled ratio as is."""
        per_1000 = Indicator("dossiers", "Hồ sơ / 1000 dân", measure=measures.ratio(1000))
        case = make_case(per_1000, [("08700", 1, 1), ("08701", numerator, 0)], "tier:commune")
        try:
            panel = case.panel()
        except PanelError:
            return  # rejecting such a row is one way to keep the law
        pooled = rollup(panel, per_1000, scope="tier:commune")
        weighted = rollup(
            panel, per_1000, scope="tier:commune", rule="weighted_mean(by=denominator)"
        )
        assert (pooled.get("26", "2024"), weighted.get("26", "2024")) == (1000.0, 1000.0)


class TestSum:
    @given(cases(kinds=["count", "binary"], rules=["sum"], scopes=["territory"]))
    def test_sum_to_the_top_equals_total_of_leaves(self, case: Case) -> None:
        """With data on the leaves only, each top unit sums its leaves and the tops sum all leaves."""
        leaves = [x for x in case.records if not case.tree.children[x["unit"]]]
        if not leaves:
            return
        r = rollup(case.panel(leaves), case.indicator, scope="territory")
        top = case.hierarchy.levels[0]
        for period in r.periods:
            in_period = [x for x in leaves if x["period"] == period]
            tops = [u.code for u in case.hierarchy.units(top)]
            total = 0.0
            for code in tops:
                below = {code, *case.tree.below(code)}
                mine = [x["value"] for x in in_period if x["unit"] in below]
                value = r.get(code, period)
                assert (math.isnan(value) and not mine) or value == sum(mine), (code, period)
                total += 0.0 if math.isnan(value) else value
            assert total == sum(x["value"] for x in in_period), period


class TestOrder:
    @given(cases(scopes=["own", "territory", "tier"], parts=None), st.data())
    def test_rollup_does_not_depend_on_row_order(self, case: Case, data: st.DataObject) -> None:
        """Shuffling the observation rows gives the same roll-up, exactly."""
        shuffled = data.draw(st.permutations(case.records))
        if case.indicator.rule.needs_parts and case.scope != "own":
            case = attrs.evolve(case, records=[x for x in case.records if "value" not in x])
            shuffled = [x for x in shuffled if "value" not in x]
            if not case.records:
                return
        again = rollup(case.panel(shuffled), case.indicator, scope=case.scope)
        assert_rollup_equal(case.rollup(), again, rtol=0)

    @given(cases(scopes=["own", "territory", "tier"]), st.data())
    def test_rollup_does_not_depend_on_unit_order(self, case: Case, data: st.DataObject) -> None:
        """Building the hierarchy from its unit records in another order gives the same roll-up."""
        shuffled = data.draw(st.permutations(case.unit_records))
        h = Hierarchy.from_records(shuffled, levels=case.hierarchy.levels)
        assert h == case.hierarchy
        panel = Panel.from_records(case.records, h, indicators=[case.indicator])
        again = rollup(panel, case.indicator, scope=case.scope)
        assert_rollup_equal(case.rollup(), again, rtol=0)


def _exact(ind: Indicator) -> bool:
    """Whether the rule's state adds up whole numbers only (so merging is exact)."""
    return not (ind.measure.kind == "ratio" and ind.rule.name in ("mean", "weighted_mean"))


class TestMerge:
    @given(
        cases(scopes=["own", "territory", "tier"], integer_values=True),
        st.data(),
        st.sampled_from([0.0, 0.5, 1.0]),
    )
    def test_merged_states_equal_one_pass(
        self, case: Case, data: st.DataObject, min_coverage: float
    ) -> None:
        """States of any partition of the rows into separate panels merge into the one-pass result."""
        n = len(case.records)
        k = data.draw(st.integers(1, 4))
        label = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
        chunks = [[x for x, c in zip(case.records, label, strict=True) if c == i] for i in range(k)]
        states = [
            rollup_state(case.panel(chunk), case.indicator, scope=case.scope)
            for chunk in chunks
            if chunk
        ]
        merged = functools.reduce(lambda a, b: a.merge(b), states).finalize(min_coverage)
        one_pass = case.rollup(min_coverage=min_coverage)
        assert_rollup_equal(merged, one_pass, rtol=0 if _exact(case.indicator) else 1e-9)


class TestShareMeeting:
    @given(cases(rules=["share_meeting"], scopes=["territory", "tier"], parts=None))
    def test_share_meeting_is_a_percent_equal_to_brute_force_count(self, case: Case) -> None:
        """share_meeting lies in [0, 100] and is 100 x units meeting / units with data (or all units)."""
        rule = case.indicator.rule
        cond = rule.condition  # type: ignore[attr-defined]
        r = case.rollup()
        for unit, period, units, recs in case.cells():
            values = [v for v in map(case.unit_value, recs) if v is not None]
            met = sum(_COMPARE[cond.op](v, Fraction(cond.threshold)) for v in values)
            den = len(values) if rule.denominator == "with_data" else len(units)  # type: ignore[attr-defined]
            if not values:
                check_cell(r, unit, period, n_with_data=0, **_missing_row(units, "no_data"))
                continue
            value = r.get(unit, period)
            assert 0.0 <= value <= 100.0
            check_cell(r, unit, period, value=met / den * 100.0, n_with_data=len(values))

    @given(st.integers(0, 100), st.integers(1, 5))
    @example(57, 1)
    def test_share_meeting_counts_a_rate_equal_to_the_threshold_as_meeting_it(
        self, percent: int, k: int
    ) -> None:
        """A commune with exactly t % (t k of 100 k dossiers) meets 'share_meeting(>= t)'."""
        h = Hierarchy.from_records(
            [
                {"code": "26", "name": "P", "level": "province"},
                {"code": "08707", "name": "C", "level": "commune", "parent": "26"},
            ],
            levels=TWO_TIER_LEVELS,
        )
        ind = Indicator(
            "files", "F", measure=measures.percent(), rule=f"share_meeting(>= {percent})"
        )
        rec = {"indicator": "files", "unit": "08707", "period": "2024"}
        rec |= {"numerator": percent * k, "denominator": 100 * k}
        r = rollup(Panel.from_records([rec], h, indicators=[ind]), ind, scope="tier:commune")
        assert r.get("26", "2024") == 100.0, f"{percent * k}/{100 * k} does not meet >= {percent}"


class TestMeanMinMax:
    @given(cases(rules=["mean"], parts=None), st.integers(1, 5))
    def test_mean_equals_weighted_mean_with_equal_weights(self, case: Case, weight: int) -> None:
        """Giving every row the same weight makes weighted_mean(by=weight) the plain mean."""
        case = attrs.evolve(case, records=[{**x, "weight": weight} for x in case.records])
        mean = case.rollup(rule="mean")
        weighted = case.rollup(rule="weighted_mean(by=weight)")
        assert_rollup_equal(mean, attrs.evolve(weighted, rule=mean.rule), rtol=1e-9, atol=1e-9)

    @given(cases(rules=["mean"], parts=None))
    def test_min_is_at_most_mean_is_at_most_max(self, case: Case) -> None:
        """On every unit and period, min <= mean <= max, and all three are missing together."""
        low, mean, high = (case.rollup(rule=rule) for rule in ("min", "mean", "max"))
        for a, m, b in zip(low.value.flat, mean.value.flat, high.value.flat, strict=True):
            assert math.isnan(a) == math.isnan(m) == math.isnan(b)
            if not math.isnan(m):
                slack = 1e-12 * max(abs(a), abs(b), 1.0)
                assert a - slack <= m <= b + slack, (a, m, b)


class TestMissing:
    @given(cases(scopes=["own", "territory", "tier"], parts=None))
    def test_unit_without_data_below_is_missing_not_zero(self, case: Case) -> None:
        """A unit with no observation anywhere in its scope is missing with reason no_data, never 0."""
        if case.indicator.rule.needs_parts and case.scope != "own":
            case = attrs.evolve(case, records=[x for x in case.records if "value" not in x])
            if not case.records:
                return
        r = case.rollup()
        for unit, period, units, recs in case.cells():
            if not recs:
                check_cell(r, unit, period, n_with_data=0, **_missing_row(units, "no_data"))


class TestWeightedMean:
    @given(cases(kinds=["ratio"], rules=["ratio_of_sums"]))
    def test_weighted_mean_by_denominator_equals_ratio_of_sums(self, case: Case) -> None:
        """Weighting each unit's rate by its denominator gives the pooled ratio, missing where it is."""
        pooled = case.rollup()
        weighted = case.rollup(rule="weighted_mean(by=denominator)")
        for p, w in zip(pooled.value.flat, weighted.value.flat, strict=True):
            assert (math.isnan(p) and math.isnan(w)) or math.isclose(p, w, rel_tol=1e-9), (p, w)

    @given(cases(kinds=["ratio"], rules=["ratio_of_sums"]), st.sampled_from([0.5, 1.0]))
    @example(ZERO_OF_ZERO, 1.0)
    def test_weighted_mean_by_denominator_equals_ratio_of_sums_under_min_coverage(
        self, case: Case, min_coverage: float
    ) -> None:
        """Both rules count the same units as having data, so min_coverage keeps them equal."""
        pooled = case.rollup(min_coverage=min_coverage)
        weighted = case.rollup(rule="weighted_mean(by=denominator)", min_coverage=min_coverage)
        for unit, period, _units, _recs in case.cells():
            p, w = pooled.get(unit, period), weighted.get(unit, period)
            assert (math.isnan(p) and math.isnan(w)) or math.isclose(p, w, rel_tol=1e-9), (
                f"unit {unit!r}, period {period!r}: ratio_of_sums {p} != weighted_mean {w}"
            )


class TestMinCoverage:
    @given(
        cases(scopes=["territory", "tier"]),
        st.sampled_from([0.25, 0.28, 1 / 3, 0.5, 2 / 3, 0.7, 0.75, 1.0]),
    )
    @example(SEVEN_OF_25, 0.28)
    def test_min_coverage_turns_exactly_the_under_covered_values_missing(
        self, case: Case, min_coverage: float
    ) -> None:
        """Values covering less than min_coverage of their scope become missing; nothing else moves."""
        free = case.rollup()
        strict = case.rollup(min_coverage=min_coverage)
        for unit, period, units, recs in case.cells():
            row = free.row(unit, period)
            with_data = [x for x in recs if case.has_data(x)]
            assert row["n_with_data"] == len(with_data)
            short = row["value"] is not None and len(with_data) / len(units) < min_coverage
            if short:
                check_cell(
                    strict,
                    unit,
                    period,
                    value=None,
                    provenance="missing",
                    reason="below_min_coverage",
                    coverage=row["coverage"],
                )
            else:
                same = {k: row[k] for k in ("value", "provenance", "reason", "n_with_data")}
                check_cell(strict, unit, period, **same)


def _factor(draw: st.DrawFn, largest: float) -> float:
    """A scale factor far from 1: tiny (1e-300 .. 1e-250) or huge, keeping ``largest`` x it finite."""
    ceiling = 1.7e308 / max(largest, 1.0)
    huge = st.floats(1e250, ceiling) | st.just(ceiling)
    return draw(st.floats(1e-300, 1e-250) | huge)


def _scaled(case: Case, fields: Sequence[str], factor: float) -> Case:
    records = [{k: v * factor if k in fields else v for k, v in x.items()} for x in case.records]
    return attrs.evolve(case, records=records)


class TestExtremeMagnitudes:
    """Results do not depend on the scale of parts, values or weights, near the float limits too."""

    @given(
        cases(kinds=["ratio"], rules=["ratio_of_sums"], scopes=["own", "territory", "tier"]),
        st.data(),
    )
    def test_pooled_ratio_does_not_depend_on_scale_of_parts(
        self, case: Case, data: st.DataObject
    ) -> None:
        """Multiplying every numerator and denominator by one factor leaves every value as it was."""
        factor = data.draw(
            st.composite(_factor)(max(max(x["numerator"], x["denominator"]) for x in case.records))
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scaled = _scaled(case, ("numerator", "denominator"), factor).rollup()
        assert_rollup_equal(scaled, case.rollup(), rtol=1e-12)

    @given(cases(kinds=["count"], rules=["mean"], parts=None), st.data())
    def test_mean_scales_with_the_values(self, case: Case, data: st.DataObject) -> None:
        """The mean of values times a factor is the mean times the factor, even where sums overflow."""
        factor = data.draw(st.composite(_factor)(max(x["value"] for x in case.records)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scaled = _scaled(case, ("value",), factor).rollup()
        plain = case.rollup()
        assert np.array_equal(scaled.reason, plain.reason)
        assert np.allclose(scaled.value, plain.value * factor, rtol=1e-12, atol=0, equal_nan=True)

    @given(cases(kinds=["count", "score"], rules=["weighted_mean"], parts=None), st.data())
    def test_weighted_mean_does_not_depend_on_scale_of_weights(
        self, case: Case, data: st.DataObject
    ) -> None:
        """Multiplying every weight by one factor, huge or tiny, leaves every value as it was."""
        weights = [x.get("weight") or 0 for x in case.records]
        factor = data.draw(st.composite(_factor)(max(weights)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scaled = _scaled(case, ("weight",), factor).rollup()
        assert_rollup_equal(scaled, case.rollup(), rtol=1e-12)

    @given(
        cases(kinds=["count"], rules=["sum"], parts=None, scopes=["territory", "tier"]), st.data()
    )
    def test_sum_is_the_exact_sum_or_an_overflow(self, case: Case, data: st.DataObject) -> None:
        """A sum is the exact sum of its scope's values, or missing for reason overflow when beyond the range."""
        factor = data.draw(st.composite(_factor)(max(x["value"] for x in case.records)))
        case = _scaled(case, ("value",), factor)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            r = case.rollup()
        largest = Fraction(sys.float_info.max)
        for unit, period, units, recs in case.cells():
            exact = sum((Fraction(x["value"]) for x in recs), Fraction(0))
            if not recs:
                check_cell(r, unit, period, **_missing_row(units, "no_data"))
            elif abs(exact / largest - 1) < Fraction(1, 10**12):
                continue  # within rounding of the largest float: either answer is right
            elif exact > largest:
                check_cell(r, unit, period, value=None, reason="overflow", provenance="missing")
            else:
                check_cell(r, unit, period, value=float(exact), reason=None)


@st.composite
def _wide_cells(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    """Finite floats of any magnitude, from subnormal to the largest, and a group for each."""
    groups = draw(st.integers(1, 4))
    magnitude = st.floats(allow_nan=False, allow_infinity=False)
    values = draw(
        st.lists(magnitude | st.sampled_from([1.7e308, -1.7e308, 5e-324]), min_size=1, max_size=30)
    )
    idx = draw(st.lists(st.integers(0, groups - 1), min_size=len(values), max_size=len(values)))
    return np.array(values), np.array(idx, dtype=np.int64), groups


class TestWideSums:
    """The extended-range sums of the mergeable states (mantissa and binary exponent)."""

    @given(_wide_cells())
    def test_pooled_sum_is_a_float_sum_of_any_magnitude(
        self, cells: tuple[np.ndarray, np.ndarray, int]
    ) -> None:
        """Each group's pooled sum is the exact sum, to the error of float summation, never inf or NaN."""
        values, idx, groups = cells
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m, e = _wide.pool(values, None, idx, groups)
        for g in range(groups):
            mine = [Fraction(float(v)) for v in values[idx == g]]
            exact, size = sum(mine, Fraction(0)), sum((abs(v) for v in mine), Fraction(0))
            got = Fraction(float(m[g])) * Fraction(2) ** int(0 if e is None else e[g])
            assert (
                abs(got - exact) <= size * Fraction(len(values) * 4, 2**53) + Fraction(2) ** -1070
            )

    @given(_wide_cells(), st.data())
    def test_merged_partial_sums_equal_one_pool(
        self, cells: tuple[np.ndarray, np.ndarray, int], data: st.DataObject
    ) -> None:
        """Pooling two parts of the cells and adding the results gives the pool of all of them."""
        values, idx, groups = cells
        part = np.array(
            data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            whole = _scaled_down(_wide.pool(values, None, idx, groups))
            a = _wide.pool(values[part], None, idx[part], groups)
            b = _wide.pool(values[~part], None, idx[~part], groups)
            merged = _scaled_down(_wide.add(*a, *b))
        # compared at 2**-64 of their size, so that sums beyond the float range compare too
        size = np.bincount(idx, weights=np.abs(values) * 2.0**-64, minlength=groups)
        assert (np.abs(merged - whole) <= size * len(values) * 2.0**-50 + 2.0**-1070).all()


def _scaled_down(pooled: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
    """The plain value of an extended-range sum times 2**-64."""
    m, e = pooled
    return _wide.value(m, (np.zeros(m.shape) if e is None else e) - 64)


class TestOwnScope:
    @given(cases(scopes=["own"], parts=None))
    @example(attrs.evolve(ONE_COMMUNE, scope="own"))
    def test_own_scope_returns_exactly_the_observation(self, case: Case) -> None:
        """Scope 'own' gives each unit its own observation and nothing of the units below."""
        r = case.rollup()
        assert r.rule is None
        obs = case.observations
        for unit, period, _units, _recs in case.cells():
            rec = obs.get((unit, period))
            value = None if rec is None else case.unit_value(rec)
            if value is not None:
                expected = {"value": float(value), "provenance": "observed", "reason": None}
            else:
                expected = _missing_row([unit], "no_data" if rec is None else "zero_denominator")
            n = 0 if rec is None else 1
            check_cell(r, unit, period, n_with_data=n, n_in_scope=1, **expected)
            if value is not None and ("value" in rec or value.denominator == 1):
                assert r.get(unit, period) == value, "a given value or a whole rate is exact"


@pytest.mark.parametrize("levels", [DEFAULT_LEVELS, TWO_TIER_LEVELS])
def test_tree_scopes_cover_each_unit_once(levels: tuple[str, ...]) -> None:
    """The brute-force tree puts a leaf in its province's territory and tier scopes exactly once."""
    records = [
        {"code": "01", "name": "P", "level": "province"},
        {"code": "001", "name": "D", "level": levels[1], "parent": "01"},
    ]
    tree = Tree(records, levels)
    assert tree.scope("01", "territory") == ["01", "001"]
    assert tree.scope("01", f"tier:{levels[1]}") == ["001"]
    assert tree.scope("001", "tier:province") == []
