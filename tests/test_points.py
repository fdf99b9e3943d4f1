"""Tests of cchc_indicators.composite.points: points trees, leaf rules, evaluation and shipped structures."""

from __future__ import annotations

import itertools
import json
import math
import pickle
import re
from importlib import resources
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from cchc_indicators.composite.points import (
    RULE_KINDS,
    Band,
    Bands,
    Component,
    FromRank,
    Grade,
    Structure,
    bands,
    evaluate_points,
    from_percentile,
    from_rank,
    given_points,
    linear,
    load_structure,
    rule_from_dict,
    schema,
    structure_names,
    yes_no,
)
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    InvalidDataError,
    UnknownIndicatorError,
)

HALF = bands((100, None, 1), (95, 100, 0.5), (None, 95, 0))


def one_leaf(rule: object, maximum: float = 10) -> Structure:
    return Structure("s", components=[Component("x", maximum=maximum, rule=rule)])  # type: ignore[arg-type]


def score(rule: object, values: list[float], maximum: float = 10, **kw: object) -> list[float]:
    s = one_leaf(rule, maximum)
    units = [f"u{i}" for i in range(len(values))]
    return evaluate_points(s, {"x": values}, units, **kw).node_points("x").tolist()  # type: ignore[arg-type]


class TestLeafRules:
    def test_bands_hand_computed(self) -> None:
        """100 % scores full points, 95 to below 100 half, below 95 nothing."""
        assert score(HALF, [100, 99.9, 95, 94.99, 120, -5]) == [10, 5, 5, 0, 10, 0]

    def test_linear_hand_computed(self) -> None:
        """Linear goalposts interpolate and clip at both ends."""
        assert score(linear(50, 100), [25, 50, 75, 100, 150], maximum=4) == [0, 0, 2, 4, 4]

    def test_linear_reversed_goalposts(self) -> None:
        """With low > high, smaller values score more."""
        assert score(linear(10, 0), [0, 2.5, 10], maximum=8) == [8, 6, 0]

    def test_yes_no_hand_computed(self) -> None:
        """Yes scores full points and no scores nothing."""
        assert score(yes_no(), [1, 0, 1], maximum=2.5) == [2.5, 0, 2.5]

    def test_given_points(self) -> None:
        """Given points are taken as they are."""
        assert score(given_points(), [0, 3.5, 10]) == [0, 3.5, 10]

    def test_rank_rule_with_ties(self) -> None:
        """The top three by rank (ties sharing the smallest rank) get full points."""
        rule = from_rank(bands((1, 4, 1), (4, None, 0)))
        assert score(rule, [9, 8, 8, 7, 8, 1]) == [10, 10, 10, 0, 10, 0]

    def test_rank_rule_lower_is_better(self) -> None:
        """With higher_is_better False, the smallest value ranks first."""
        rule = from_rank(bands((1, 2, 1), (2, None, 0)), higher_is_better=False)
        assert score(rule, [3, 1, 2]) == [0, 10, 0]

    def test_percentile_rule(self) -> None:
        """Percentile rank is 100 x strictly worse peers / (peers - 1)."""
        rule = from_percentile(bands((0, 50, 0), (50, 75, 0.5), (75, None, 1)))
        # values 10, 20, 30, 40, 50: percentiles 0, 25, 50, 75, 100
        assert score(rule, [10, 20, 30, 40, 50]) == [0, 0, 5, 10, 10]

    def test_percentile_of_a_lone_unit_is_100(self) -> None:
        """A unit without peers is at the 100th percentile."""
        rule = from_percentile(bands((0, 100, 0), (100, None, 1)))
        assert score(rule, [3]) == [10]

    def test_rank_rule_ties_values_one_ulp_apart(self) -> None:
        """0.1 + 0.2 and 0.3 (one ulp apart, equal in exact arithmetic) share rank 1."""
        rule = from_rank(bands((1, 2, 1), (2, None, 0)))
        assert 0.1 + 0.2 != 0.3
        assert score(rule, [0.1 + 0.2, 0.3, 0.2]) == [10, 10, 0]
        lower = from_rank(bands((1, 2, 1), (2, None, 0)), higher_is_better=False)
        assert score(lower, [0.3, 0.1 + 0.2, 0.4]) == [10, 10, 0]

    def test_percentile_rule_ties_values_one_ulp_apart(self) -> None:
        """Values one ulp apart are tied: neither counts the other as strictly worse."""
        rule = from_percentile(bands((0, 50, 0), (50, 100, 0.5), (100, None, 1)))
        # 0.3 and 0.1 + 0.2 are tied above 0.2: each has 1 worse peer of 2, 50 % (half
        # points), not 100 % for the one that rounded up; 0.2 has none worse, 0 %.
        assert score(rule, [0.1 + 0.2, 0.3, 0.2]) == [5, 5, 0]
        scaled = [(0.1 + 0.2) * 1e6, 0.3 * 1e6, 0.2 * 1e6]
        assert scaled[0] != scaled[1]
        assert score(rule, scaled) == [5, 5, 0]

    def test_rank_among_peer_groups(self) -> None:
        """Ranks are computed within each peer group, missing values left out."""
        rule = from_rank(bands((1, 2, 1), (2, None, 0)))
        peers = {"u0": "a", "u1": "a", "u2": "b", "u3": "b", "u4": "b"}
        assert score(rule, [1, 2, 5, 3, math.nan], peers=peers) == [0, 10, 10, 0, 0]
        assert score(rule, [1, 2, 5, 3], peers=["a", "a", "b", "b"]) == [0, 10, 10, 0]


class TestBandsDefinition:
    @given(
        edges=st.lists(st.integers(-1000, 1000), min_size=2, max_size=6, unique=True).map(sorted),
        open_low=st.booleans(),
        open_high=st.booleans(),
        data=st.data(),
    )
    def test_contiguous_bands_cover_every_value_exactly_once(
        self, edges: list[int], open_low: bool, open_high: bool, data: st.DataObject
    ) -> None:
        """Every value in the covered range falls in exactly one band; others in none."""
        lows: list[float | None] = list(edges[:-1])
        highs: list[float | None] = list(edges[1:])
        if open_low:
            lows[0] = None
        if open_high:
            highs[-1] = None
        fracs = [i / len(lows) for i in range(len(lows))]
        rule = bands(*zip(lows, highs, fracs, strict=True))
        v = data.draw(st.floats(-2000, 2000, allow_nan=False))
        inside = [b for b in rule.bands if b.lower <= v < b.upper]
        covered = (open_low or v >= edges[0]) and (open_high or v < edges[-1])
        assert len(inside) == (1 if covered else 0)
        got = rule.fractions(np.array([v]))[0]
        if covered:
            assert got == inside[0].fraction
        else:
            assert math.isnan(got)

    def test_bands_are_sorted(self) -> None:
        """Bands given in any order are kept sorted by lower bound."""
        assert [b.lower for b in HALF.bands] == [-math.inf, 95, 100]

    def test_band_from_mapping_and_band(self) -> None:
        """Bands may be given as mappings or Band objects."""
        rule = Bands([{"lower": 0, "upper": 1, "fraction": 1}, Band(1, 2, 0)])
        assert rule.to_dict()["bands"][1] == {"lower": 1.0, "upper": 2.0, "fraction": 0.0}

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            (((0, 50, 0), (40, 100, 1)), "bands overlap: [0, 50) and [40, 100)"),
            (((0, 50, 0), (60, 100, 1)), "bands leave a gap between 50 and 60"),
            ((), "a bands rule needs at least one band"),
            (((5, 5, 1),), "a band needs lower < upper, got [5, 5)"),
            (((0, 1, 1.5),), "a band's fraction of the maximum is between 0 and 1, got 1.5"),
            (((0, 1, "x"),), "a band's fraction must be a number, got 'x'"),
            (((True, 1, 1),), "a band's lower bound must be a number, got True"),
            (((0, 1),), "a band is a Band, a mapping or (lower, upper, fraction)"),
        ],
    )
    def test_bad_bands(self, spec: tuple[object, ...], message: str) -> None:
        """Overlapping, gapped, empty or malformed bands are refused at definition."""
        with pytest.raises(DefinitionError, match="^" + __import__("re").escape(message)):
            bands(*spec)  # type: ignore[arg-type]

    def test_bands_not_a_sequence(self) -> None:
        """Bands must be a sequence."""
        with pytest.raises(DefinitionError, match="bands are a sequence"):
            Bands(5)  # type: ignore[arg-type]


class TestRuleDefinitions:
    def test_linear_goalposts_must_differ(self) -> None:
        """Equal or infinite goalposts are refused."""
        with pytest.raises(DefinitionError, match="must be finite and differ, got 3 and 3"):
            linear(3, 3)
        with pytest.raises(DefinitionError, match="must be finite"):
            linear(0, math.inf)
        with pytest.raises(DefinitionError, match="a goalpost must be a number, got nan"):
            linear(math.nan, 1)

    def test_bad_peer_rules(self) -> None:
        """A peer rule needs a known basis, Bands and a boolean direction."""
        with pytest.raises(DefinitionError, match="basis is 'rank' or 'percentile', got 'top'"):
            FromRank("top", bands((1, 2, 1)))  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            FromRank("rank", "bands")  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="'higher_is_better' is true or false, got 1"):
            FromRank("rank", bands((1, 2, 1)), 1)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "rule",
        [HALF, linear(0, 1), yes_no(), given_points(), from_rank(HALF), from_percentile(HALF)],
    )
    def test_rule_roundtrip(self, rule: object) -> None:
        """Each rule comes back from its dictionary unchanged."""
        assert rule_from_dict(json.loads(json.dumps(rule.to_dict()))) == rule  # type: ignore[attr-defined]

    def test_rule_from_dict_errors(self) -> None:
        """Unknown kinds, missing keys and non-mappings are refused."""
        with pytest.raises(DefinitionError, match="unknown rule kind 'stars'"):
            rule_from_dict({"kind": "stars"})
        with pytest.raises(DefinitionError, match="a linear rule needs the key 'high'"):
            rule_from_dict({"kind": "linear", "low": 0})
        with pytest.raises(DefinitionError, match="a rule is a mapping with a 'kind'"):
            rule_from_dict("linear")


def leaf(code: str, maximum: float, **kw: object) -> Component:
    return Component(code, maximum=maximum, rule=yes_no(), **kw)  # type: ignore[arg-type]


class TestComponentDefinitions:
    @pytest.mark.parametrize(
        ("maximum", "message"),
        [
            (None, "a component needs a maximum number of points"),
            (-1, "must be a positive number of points, got -1"),
            (0, "must be a positive number of points, got 0"),
            (math.inf, "must be a positive number of points, got inf"),
            ("5", "a component's maximum must be a number, got '5'"),
        ],
    )
    def test_bad_maximum(self, maximum: object, message: str) -> None:
        """Missing, negative, zero, infinite or non-numeric maxima are refused."""
        with pytest.raises(DefinitionError, match=message.replace("(", r"\(")):
            Component("c", maximum=maximum, rule=yes_no())  # type: ignore[arg-type]

    def test_children_may_sum_above_but_not_below(self) -> None:
        """Children's maxima may exceed the parent's (it caps) but not fall short."""
        Component("p", maximum=5, children=[leaf("a", 3), leaf("b", 3)])
        with pytest.raises(DefinitionError, match="sum to 3, below its maximum 5") as info:
            Component("p", maximum=5, children=[leaf("a", 3)])
        assert info.value.code == "p"

    def test_leaf_and_node_rules(self) -> None:
        """A leaf needs a rule and a parent may not have one."""
        with pytest.raises(DefinitionError, match="leaf component 'c' needs a rule"):
            Component("c", maximum=1)
        with pytest.raises(DefinitionError, match="has both children and a rule"):
            Component("p", maximum=1, children=[leaf("a", 1)], rule=yes_no())

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"code": ""}, "a code is a non-empty string"),
            ({"name": 3}, "'name' is text, got 3"),
            ({"part": " "}, "a part is a non-empty name"),
            ({"rule": "bands"}, "a leaf rule is made by bands()"),
            ({"children": "ab", "rule": None}, "children are a sequence of Component"),
            ({"children": [1], "rule": None}, "a child is a Component, got 1"),
        ],
    )
    def test_bad_fields(self, kwargs: dict[str, object], message: str) -> None:
        """Malformed codes, names, parts, rules and children are refused."""
        args: dict[str, object] = {"code": "c", "maximum": 1, "rule": yes_no()} | kwargs
        with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
            Component(**args)  # type: ignore[arg-type]

    def test_from_dict_needs_a_mapping_with_code(self) -> None:
        """A component's data must be a mapping with a code."""
        with pytest.raises(DefinitionError, match="a component is a mapping with a 'code'"):
            Component.from_dict({"maximum": 1})


class TestStructureDefinitions:
    def test_duplicate_codes(self) -> None:
        """Two components with one code are refused."""
        with pytest.raises(DefinitionError, match="component code 'a' appears twice"):
            Structure(
                "s", components=[Component("p", maximum=1, children=[leaf("a", 1)]), leaf("a", 1)]
            )

    def test_no_components(self) -> None:
        """A structure needs a component."""
        with pytest.raises(DefinitionError, match="structure 's' needs at least one component"):
            Structure("s", components=[])

    def test_unknown_node(self) -> None:
        """Looking up an unknown component raises UnknownIndicatorError (a KeyError)."""
        with pytest.raises(UnknownIndicatorError, match="component 'z' is not in structure 's'"):
            one_leaf(yes_no()).node("z")

    @pytest.mark.parametrize(
        ("grades", "message"),
        [
            ({"A": 90, "B": 90}, "grades 'A' and 'B' share the lower bound 90"),
            ([("A", 90), ("A", 80)], "grade labels must differ"),
            ({"A": 120}, "a grade's lower bound is an index between 0 and 100, got 120"),
            ({"": 50}, "a label is a non-empty string"),
            (5, "grades are a sequence of Grade"),
        ],
    )
    def test_bad_grades(self, grades: object, message: str) -> None:
        """Grades share no bound or label and lie between 0 and 100."""
        with pytest.raises(DefinitionError, match=message):
            Structure("s", components=[leaf("a", 1)], grades=grades)  # type: ignore[arg-type]

    def test_grades_in_any_form(self) -> None:
        """Grades given as Grade, mapping or pair are sorted from the top."""
        s = Structure(
            "s",
            components=[leaf("a", 1)],
            grades=[Grade("C", 0), {"label": "A", "lower": 90}, ("B", 80)],
        )
        assert [g.label for g in s.grades] == ["A", "B", "C"]

    def test_from_dict_errors(self) -> None:
        """Structure data needs a code and components."""
        with pytest.raises(DefinitionError, match="a structure is a mapping"):
            Structure.from_dict([])  # type: ignore[arg-type]

    @pytest.mark.parametrize("components", [5, None, "abc", {"code": "a"}])
    def test_from_dict_components_must_be_a_list(self, components: object) -> None:
        """Components that are not a list are a DefinitionError naming the structure."""
        with pytest.raises(DefinitionError, match="structure 'x': 'components' must be a list"):
            Structure.from_dict({"code": "x", "components": components})

    def test_structures_pickle(self) -> None:
        """Structures survive pickling."""
        s = load_structure("par-index-2017")
        assert pickle.loads(pickle.dumps(s)) == s


@st.composite
def rules(draw: st.DrawFn) -> object:
    kind = draw(st.sampled_from(["bands", "linear", "yes_no", "given", "rank", "pct"]))
    if kind == "linear":
        lo, hi = draw(st.lists(st.integers(-50, 50), min_size=2, max_size=2, unique=True))
        return linear(lo, hi)
    if kind == "yes_no":
        return yes_no()
    if kind == "given":
        return given_points()
    edges = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=4, unique=True)))
    fr = st.sampled_from([0, 0.25, 0.5, 1])
    b = Bands([(lo, hi, draw(fr)) for lo, hi in itertools.pairwise(edges)])
    if kind == "rank":
        return from_rank(b, higher_is_better=draw(st.booleans()))
    if kind == "pct":
        return from_percentile(b)
    return b


@st.composite
def structures(draw: st.DrawFn) -> Structure:
    codes = iter(f"c{i}" for i in range(100))
    maxima = st.sampled_from([0.5, 1, 2, 5, 10, 14.5])
    parts = st.sampled_from([None, "self_assessment", "survey"])

    def component(depth: int) -> Component:
        code = next(codes)
        if depth > 0 and draw(st.booleans()):
            kids = [component(depth - 1) for _ in range(draw(st.integers(1, 3)))]
            total = sum(k.maximum for k in kids)
            return Component(
                code,
                maximum=draw(st.sampled_from([total, total / 2])),
                children=kids,
                part=draw(parts),
            )
        return Component(
            code,
            maximum=draw(maxima),
            rule=draw(rules()),
            part=draw(parts),
            name=draw(st.text(max_size=5)),
        )

    return Structure(
        "gen",
        components=[component(2) for _ in range(draw(st.integers(1, 3)))],
        grades=draw(st.sampled_from([(), {"A": 90, "B": 80}])),
        source=draw(st.text(max_size=5)),
    )


class TestJson:
    @given(structures())
    def test_json_roundtrip_is_lossless(self, s: Structure) -> None:
        """A structure comes back equal from its JSON text."""
        assert Structure.from_dict(json.loads(json.dumps(s.to_dict()))) == s


class TestEvaluation:
    def tree(self) -> Structure:
        return Structure(
            "t",
            components=[
                Component(
                    "d1",
                    maximum=10,
                    part="self_assessment",
                    children=[leaf("c1", 6), leaf("c2", 6), Component("c3", maximum=4, rule=HALF)],
                ),
                Component("d2", maximum=10, rule=linear(0, 100), part="survey"),
            ],
            grades={"A": 90, "B": 80},
        )

    def test_caps_and_parts(self) -> None:
        """A parent keeps at most its maximum, says so, and the parts sum to the total."""
        r = evaluate_points(
            self.tree(),
            {"c1": [1, 1], "c2": [1, 0], "c3": [100, 96], "d2": [90, 50]},
            ["a", "b"],
        )
        assert r.node_points("d1").tolist() == [10, 8]
        assert r.capped[r.nodes.index("d1")].tolist() == [True, False]
        assert r.total.tolist() == [19, 13]
        assert r.part("self_assessment").tolist() == [10, 8]
        assert r.part("survey").tolist() == [9, 5]
        assert r.grade == ("A", None)
        assert r.parts == ("self_assessment", "survey")

    def test_not_applicable_versus_missing(self) -> None:
        """Not applicable shrinks the denominator; missing scores 0 and is reported."""
        r = evaluate_points(
            self.tree(),
            {"c1": [1, 1], "c2": [math.nan, math.nan], "c3": [100, 100], "d2": [100, 100]},
            ["a", "b"],
            not_applicable={"c2": ["a"]},
        )
        # a: d1 max min(10, 6 + 4) = 10, points 6 + 4 = 10; b: c2 missing, d1 = 10 (6 + 4)
        assert r.applicable[r.nodes.index("c2")].tolist() == [0, 6]
        assert r.missing == (("b", "c2"),)
        assert r.not_applicable == (("a", "c2"),)
        r2 = evaluate_points(
            self.tree(),
            {"c1": [math.nan, 1], "c3": [math.nan, 0], "d2": [100, 100]},
            ["a", "b"],
            not_applicable={"d1": ["a"]},
        )
        assert r2.applicable_maximum.tolist() == [10, 20]
        assert r2.index.tolist() == [100, 80]
        assert r2.missing == (("b", "c2"),)

    def test_nothing_applicable_has_no_index(self) -> None:
        """A unit to which nothing applies has no index, rank or grade."""
        s = one_leaf(yes_no())
        r = evaluate_points(s, {"x": [math.nan, 1]}, ["a", "b"], not_applicable={"x": ["a"]})
        assert math.isnan(r.index[0])
        assert r.rank.tolist() == [0, 1]
        rec = r.to_records()[0]
        assert (rec["index"], rec["rank"], rec["grade"]) == (None, None, None)
        assert rec["not_applicable"] == ["x"]

    def test_ranks_with_ties(self) -> None:
        """Ties share the smallest rank; the next rank skips."""
        r = evaluate_points(one_leaf(given_points()), {"x": [5, 9, 5, 1]}, ["a", "b", "c", "d"])
        assert r.rank.tolist() == [2, 1, 2, 4]

    def test_index_ranks_tie_scores_one_ulp_apart(self) -> None:
        """Indexes equal in exact arithmetic (1.5 and 1.5000000000000002) share rank 1."""
        s = Structure("s", components=[Component(c, maximum=10, rule=given_points()) for c in "ab"])
        r = evaluate_points(s, {"a": [0.1, 0.3, 0.2], "b": [0.2, 0.0, 0.0]}, ["x", "y", "z"])
        # x: 100 (0.1 + 0.2) / 20 = 1.5000000000000002; y: 100 * 0.3 / 20 = 1.5; z: 1.
        assert r.index[0] != r.index[1]
        assert r.rank.tolist() == [1, 1, 3]
        assert [rec["rank"] for rec in r.to_records()] == [1, 1, 3]

    def test_grades_allow_rounding(self) -> None:
        """An index that is 90 up to rounding gets the 90 grade."""
        s = Structure("s", components=[leaf(f"l{i}", 0.1) for i in range(10)], grades={"A": 90})
        values = {f"l{i}": [1 if i < 9 else 0] for i in range(10)}
        assert evaluate_points(s, values, ["a"]).grade == ("A",)

    def test_records(self) -> None:
        """Records give one row per unit and one per unit and node."""
        r = evaluate_points(self.tree(), {"c1": [1], "c2": [0], "c3": [0], "d2": [100]}, ["a"])
        rec = r.to_records()[0]
        assert rec["points_self_assessment"] == 6
        assert rec["points_survey"] == 10
        assert rec["missing"] == []
        assert len(r.node_records()) == 5

    def test_result_is_read_only_and_comparable(self) -> None:
        """Result arrays cannot be written and equal results compare equal."""
        args = (one_leaf(yes_no()), {"x": [1, math.nan]}, ["a", "b"])
        r = evaluate_points(*args)
        with pytest.raises(ValueError, match="read-only"):
            r.total[0] = 3
        assert r == evaluate_points(*args)
        assert r != evaluate_points(one_leaf(yes_no()), {"x": [1]}, ["a"])


FRACTIONS = st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.6, 0.7, 1.0])


class TestTieProperties:
    @given(st.integers(2, 5), st.integers(2, 6), st.data())
    def test_ranks_do_not_depend_on_the_order_of_the_components(
        self, n_components: int, n_units: int, data: st.DataObject
    ) -> None:
        """Reversing the components (so the sums add in another order) keeps every rank."""
        values = {
            f"c{i}": data.draw(st.lists(FRACTIONS, min_size=n_units, max_size=n_units))
            for i in range(n_components)
        }
        comps = [Component(f"c{i}", maximum=1, rule=given_points()) for i in range(n_components)]
        rank_by = Component(
            "r", maximum=1, rule=from_percentile(bands((0, 50, 0), (50, 100, 0.5), (100, None, 1)))
        )
        units = [f"u{j}" for j in range(n_units)]
        forward = Structure("s", components=comps)
        backward = Structure("s", components=comps[::-1])
        one = evaluate_points(forward, values, units)
        other = evaluate_points(backward, values, units)
        assert one.rank.tolist() == other.rank.tolist()
        # The percentile rule over those totals, as they were added in each order.
        leaf = Structure("p", components=[rank_by])
        by_one = evaluate_points(leaf, {"r": one.total}, units).total.tolist()
        assert by_one == evaluate_points(leaf, {"r": other.total}, units).total.tolist()


class TestEvaluationErrors:
    def test_unknown_and_non_leaf_codes(self) -> None:
        """Values for unknown or non-leaf components raise UnknownIndicatorError."""
        s = TestEvaluation().tree()
        with pytest.raises(UnknownIndicatorError, match="'zz', which is not in structure 't'"):
            evaluate_points(s, {"zz": [1]}, ["a"])
        with pytest.raises(UnknownIndicatorError, match="'d1', which is not a leaf of"):
            evaluate_points(s, {"d1": [1]}, ["a"])
        with pytest.raises(UnknownIndicatorError, match="component 'q' is not in"):
            evaluate_points(s, {}, ["a"], not_applicable={"q": ["a"]})

    @pytest.mark.parametrize(
        ("units", "kind"),
        [("ab", "bad_units"), (["a", "a"], "duplicate_unit"), (["a", ""], "bad_unit")],
    )
    def test_bad_units(self, units: object, kind: str) -> None:
        """Units must be a sequence of distinct codes."""
        with pytest.raises(InvalidDataError) as info:
            evaluate_points(one_leaf(yes_no()), {}, units)  # type: ignore[arg-type]
        assert info.value.kinds == (kind,)

    @pytest.mark.parametrize(
        ("rule", "values", "message"),
        [
            (HALF, [50, 100], None),
            (bands((0, 10, 1)), [5, 10], "values fall outside the bands: 'u1': 10"),
            (yes_no(), [1, 0.5], "values must be 1 (yes) or 0 (no): 'u1': 0.5"),
            (given_points(), [-1, 3], "points must lie between 0 and the maximum 10: 'u0': -1"),
            (
                from_rank(bands((1, 2, 1))),
                [1, 2],
                "the rank among peers falls outside the bands: 'u0': 1",
            ),
        ],
    )
    def test_values_outside_a_rule(
        self, rule: object, values: list[float], message: str | None
    ) -> None:
        """Values a rule cannot score are listed in one InvalidDataError."""
        if message is None:
            assert score(rule, values) == [0, 10]
            return
        with pytest.raises(InvalidDataError) as info:
            score(rule, values)
        assert info.value.problems[0].message == message
        assert info.value.problems[0].field == "x"

    def test_problems_are_collected(self) -> None:
        """Every problem is reported at once, with its kind."""
        s = TestEvaluation().tree()
        with pytest.raises(InvalidDataError) as info:
            evaluate_points(
                s,
                {"c1": [1, 2], "c2": "ab", "c3": [1, 2, 3], "d2": [5, 5]},
                ["a", "b"],
                not_applicable={"d2": ["a", "zz"]},
                peers={"a": "g"},
            )
        assert set(info.value.kinds) == {
            "invalid_value",
            "not_numeric",
            "wrong_length",
            "unknown_unit",
            "no_peer_group",
        }
        text = str(info.value)
        assert "values given where declared not applicable: 'a': 5" in text
        assert "unit 'zz' declared not applicable for 'd2' is not among the units" in text

    def test_bad_peers(self) -> None:
        """Peers as a sequence give one group per unit."""
        with pytest.raises(InvalidDataError) as info:
            evaluate_points(one_leaf(yes_no()), {}, ["a", "b"], peers=["g"])
        assert info.value.kinds == ("bad_peers",)
        with pytest.raises(InvalidDataError):
            evaluate_points(one_leaf(yes_no()), {}, ["a"], peers="g")

    def test_unknown_node_and_part_of_a_result(self) -> None:
        """Asking a result for an unknown node or part raises UnknownIndicatorError."""
        r = evaluate_points(one_leaf(yes_no()), {}, ["a"])
        with pytest.raises(UnknownIndicatorError, match="component 'q' is not in"):
            r.node_points("q")
        with pytest.raises(UnknownIndicatorError, match="its parts are 'main'"):
            r.part("survey")


class TestShippedStructures:
    def test_names(self) -> None:
        """Both example structures ship with the package."""
        assert structure_names() == ("par-index-2017", "pci-2016")

    @pytest.mark.parametrize("name", ["par-index-2017", "pci-2016"])
    def test_maxima_sum_to_100_and_evaluate(self, name: str) -> None:
        """Each structure's maxima sum to 100 and it evaluates on synthetic data."""
        s = load_structure(name)
        assert s.maximum == 100
        assert s.source
        assert all(c.source for c in s.components)
        rng = np.random.default_rng(7)
        units = [f"p{i:02d}" for i in range(63)]
        values = {
            c.code: rng.uniform(0, c.maximum if name.startswith("par") else 10, 63)
            for c in s.leaves()
        }
        r = evaluate_points(s, values, units)
        assert np.all((r.index >= 0) & (r.index <= 100))
        assert sorted(r.rank.tolist())[0] == 1
        full = {c.code: [c.maximum if name.startswith("par") else 10.0] for c in s.leaves()}
        assert evaluate_points(s, full, ["x"]).index.tolist() == pytest.approx([100.0])

    def test_par_domains(self) -> None:
        """The PAR INDEX structure has the eight domains of Decision 2948/QĐ-BNV."""
        s = load_structure("par-index-2017")
        assert [c.maximum for c in s.components] == [10, 10, 14.5, 11, 16, 7, 16, 15.5]
        assert "2948/QĐ-BNV" in s.source
        assert "English domain names are our translations" in s.notes

    def test_pci_weights(self) -> None:
        """The PCI 2016 structure holds the ten sub-index weights."""
        s = load_structure("pci-2016")
        weights = {c.code: c.maximum for c in s.components}
        assert (
            weights["transparency"]
            == weights["business_support"]
            == weights["labour_training"]
            == 20
        )
        assert weights["informal_charges"] == 10
        assert len(weights) == 10

    def test_unknown_structure(self) -> None:
        """An unknown name lists the shipped ones."""
        with pytest.raises(DefinitionError, match="unknown structure 'papi'; the structures are"):
            load_structure("papi")


class TestSchema:
    """Shipped structures and round-tripped ones validate against the published schema."""

    def validator(self) -> Any:
        jsonschema = pytest.importorskip("jsonschema")
        from cchc_indicators.composite.points import schema

        return jsonschema.Draft202012Validator(schema())

    @pytest.mark.parametrize("name", structure_names())
    def test_shipped_structures_validate(self, name: str) -> None:
        """Every shipped structure's JSON is valid."""
        self.validator().validate(load_structure(name).to_dict())

    def test_every_rule_kind_validates(self) -> None:
        """A structure using every rule kind, parts and grades validates after to_dict."""
        s = Structure(
            "all",
            components=[
                Component(
                    "d",
                    maximum=10,
                    part="survey",
                    children=[
                        Component("b", maximum=4, rule=bands((100, None, 1), (None, 100, 0))),
                        Component("l", maximum=2, rule=linear(0, 5)),
                        Component("y", maximum=2, rule=yes_no()),
                        Component("r", maximum=1, rule=from_rank(bands((1, 2, 1), (2, None, 0)))),
                        Component(
                            "p",
                            maximum=1,
                            rule=from_percentile(bands((50, None, 1), (None, 50, 0))),
                        ),
                    ],
                ),
                Component("g", maximum=5, rule=given_points()),
            ],
            grades={"A": 90, "B": 80},
        )
        self.validator().validate(s.to_dict())

    @pytest.mark.parametrize(
        "document",
        [
            {"code": "x"},
            {"code": "x", "components": []},
            {"code": "x", "components": [{"code": "a", "maximum": 0, "rule": {"kind": "yes_no"}}]},
            {"code": "x", "components": [{"code": "a", "maximum": 1, "rule": {"kind": "stars"}}]},
            {"code": "x", "components": [{"code": "a", "maximum": 1, "extra": 1}]},
            {"code": "x", "components": [], "colour": "red"},
        ],
    )
    def test_invalid_documents_are_rejected(self, document: dict[str, Any]) -> None:
        """Documents that Structure.from_dict refuses are refused by the schema too."""
        jsonschema = pytest.importorskip("jsonschema")
        with pytest.raises(jsonschema.ValidationError):
            self.validator().validate(document)


# --- errors name the component; unknown keys; grades ----------------------------------------


def doc(*components: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A structure document with these components (a yes/no leaf 'a' if none)."""
    comps = list(components) or [{"code": "a", "maximum": 1, "rule": {"kind": "yes_no"}}]
    return {"code": "s", "components": comps, **fields}


def parent(*children: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Component 'd' (maximum 1) over these children."""
    return {"code": "d", "maximum": 1, "children": list(children), **fields}


def leaf_doc(**fields: Any) -> dict[str, Any]:
    """Leaf 'c' (maximum 1, yes/no) with fields added or replaced."""
    return {"code": "c", "maximum": 1, "rule": {"kind": "yes_no"}, **fields}


OVERLAP = {"kind": "bands", "bands": [{"lower": 0, "upper": 50, "fraction": 0}, {"lower": 40, "upper": None, "fraction": 1}]}  # fmt: skip


class TestComponentNamedInErrors:
    @pytest.mark.parametrize(
        ("component", "message"),
        [
            ({"code": "c", "rule": {"kind": "yes_no"}}, "component 'c': a component needs a maximum number of points"),
            (leaf_doc(rule=OVERLAP), "component 'c': bands overlap: [0, 50) and [40, inf)"),
            (leaf_doc(rule={"kind": "stars"}), "component 'c': unknown rule kind 'stars'; the kinds are"),
            (leaf_doc(rule={"kind": "linear", "low": 0}), "component 'c': a linear rule needs the key 'high'"),
            (leaf_doc(rule={"kind": "linear", "low": 0, "high": 1, "hihg": 2}), "component 'c': a linear rule takes no key 'hihg'; its keys are kind, low, high"),
            (leaf_doc(rule={"kind": "from_rank", "bands": [{"lower": 1, "upper": None, "fraction": 1}]}), "component 'c': a from_rank rule needs the key 'basis'"),
            (leaf_doc(rule="yes_no"), "component 'c': a rule is a mapping with a 'kind'"),
            (leaf_doc(maximum=0), "component 'c': a component's maximum must be a positive number of points, got 0"),
            (leaf_doc(name=None), "component 'c': 'name' is text, got None"),
            (leaf_doc(part=""), "component 'c': a part is a non-empty name"),
        ],
    )  # fmt: skip
    def test_nested_errors_name_the_component(
        self, component: dict[str, Any], message: str
    ) -> None:
        """An error deep in the tree names the component at fault and carries its code."""
        with pytest.raises(DefinitionError) as info:
            Structure.from_dict(doc(parent(component)))
        assert str(info.value).startswith(message)
        assert info.value.code == "c"

    def test_component_named_once(self) -> None:
        """Messages that name the component already are not prefixed again."""
        with pytest.raises(DefinitionError) as info:
            Component.from_dict({"code": "c", "maximum": 1})
        assert str(info.value) == "leaf component 'c' needs a rule (bands, linear, yes_no, ...)"
        with pytest.raises(DefinitionError) as info:
            Component.from_dict(parent(leaf_doc(maximum=0.5), maximum=1))
        assert str(info.value).startswith("component 'd': its children's maxima sum to 0.5")

    def test_bad_code_is_not_used_as_a_name(self) -> None:
        """A code that is not text is refused as such, not used to name the component."""
        with pytest.raises(DefinitionError) as info:
            Component.from_dict({"code": 5, "maximum": 1, "rule": {"kind": "yes_no"}})
        assert str(info.value) == "a code is a non-empty string without surrounding spaces, got 5"

    @pytest.mark.parametrize("children", [5, None, "ab", {"code": "x"}])
    def test_children_must_be_a_list(self, children: object) -> None:
        """Children that are not a list are refused, naming the component."""
        with pytest.raises(
            DefinitionError, match=r"^component 'd': 'children' must be a list of components"
        ):
            Component.from_dict(parent() | {"children": children})

    @pytest.mark.parametrize(
        ("key", "hint"),
        [
            ("prat", " (did you mean 'part'?)"),
            ("maximun", " (did you mean 'maximum'?)"),
            ("colour", ""),
        ],
    )
    def test_unknown_component_key(self, key: str, hint: str) -> None:
        """A misspelt key is not ignored: it is refused, naming the component and the key."""
        with pytest.raises(DefinitionError) as info:
            Structure.from_dict(doc(parent(leaf_doc(**{key: "survey"}))))
        assert str(info.value) == (
            f"component 'c': unknown field {key!r}{hint}; "
            "the fields are code, maximum, name, name_vi, part, source, notes, rule, children"
        )

    def test_unknown_structure_key(self) -> None:
        """A key the structure does not have is refused, naming the structure."""
        with pytest.raises(DefinitionError) as info:
            Structure.from_dict(doc(grade={"A": 90}))
        assert str(info.value).startswith(
            "structure 's': unknown field 'grade' (did you mean 'grades'?); the fields are "
            "schema_version, kind, code,"
        )

    @pytest.mark.parametrize(
        ("band", "message"),
        [
            ({"lower": 0, "upper": None}, "a band needs the key 'fraction' (null for an open end)"),
            ({"upper": 5, "fraction": 1}, "a band needs the key 'lower' (null for an open end)"),
            ({"lower": 0, "upper": 5, "fraction": 1, "width": 5}, "a band takes no key 'width'"),
        ],
    )
    def test_band_keys(self, band: dict[str, Any], message: str) -> None:
        """A band written as a mapping has exactly lower, upper and fraction."""
        with pytest.raises(DefinitionError, match="^" + re.escape(message)):
            Bands([band])


class TestGrades:
    @pytest.mark.parametrize("grade", [["A"], ["A", 90, 1], "AB", 5, None])
    def test_malformed_grade(self, grade: object) -> None:
        """A grade that is not a Grade, a {label, lower} mapping or a pair is a DefinitionError."""
        message = "a grade is a Grade, a mapping with 'label' and 'lower', or a (label, lower) pair"
        with pytest.raises(DefinitionError, match="^" + re.escape(message)):
            Structure("s", components=[leaf("a", 1)], grades=[grade])
        with pytest.raises(DefinitionError, match="^structure 's': " + re.escape(message)):
            Structure.from_dict(doc(grades=[grade]))

    @pytest.mark.parametrize(
        ("grade", "message"),
        [
            ({"label": "A"}, "a grade needs a 'label' and a 'lower' bound, got {'label': 'A'}"),
            ({"label": "A", "lower": 90, "colour": "red"}, "a grade: unknown field 'colour'"),
            ({"label": " ", "lower": 90}, "a label is a non-empty string, got ' '"),
        ],
    )
    def test_grade_mapping_keys(self, grade: dict[str, Any], message: str) -> None:
        """A grade mapping has a label and a lower bound, nothing else."""
        with pytest.raises(DefinitionError, match="^structure 's': " + re.escape(message)):
            Structure.from_dict(doc(grades=[grade]))

    def test_label_with_spaces_is_kept(self) -> None:
        """Labels are names to show, not codes: inner and outer spaces are allowed."""
        assert Grade(" Very good ", 90).label == " Very good "


class TestCodes:
    @pytest.mark.parametrize("code", [" a", "a ", "\ta"])
    def test_codes_without_surrounding_spaces(self, code: str) -> None:
        """Component and structure codes, and the default part, refuse surrounding spaces."""
        message = f"a code is a non-empty string without surrounding spaces, got {code!r}"
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Component(code, maximum=1, rule=yes_no())
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Structure(code, components=[leaf("a", 1)])
        with pytest.raises(DefinitionError, match="a default_part is a non-empty string without"):
            Structure("s", components=[leaf("a", 1)], default_part=code)


class TestVersionAndKind:
    def test_to_dict_writes_version_and_kind_first(self) -> None:
        """to_dict starts with schema_version 1 and kind 'points_structure'."""
        d = one_leaf(yes_no()).to_dict()
        assert list(d)[:3] == ["schema_version", "kind", "code"]
        assert (d["schema_version"], d["kind"]) == (1, "points_structure")

    def test_both_optional_on_reading(self) -> None:
        """A document without them reads as one with them."""
        with_them = Structure.from_dict(doc(schema_version=1, kind="points_structure"))
        assert Structure.from_dict(doc()) == with_them

    @pytest.mark.parametrize("version", [2, 0, "1", True, None])
    def test_schema_version_checked(self, version: object) -> None:
        """Only version 1 is read."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                f"structure 's': unsupported schema_version {version!r}; this version reads 1"
            ),
        ):
            Structure.from_dict(doc(schema_version=version))

    @pytest.mark.parametrize("kind", ["composite_index", "points", None])
    def test_kind_checked(self, kind: object) -> None:
        """A document of another kind is refused."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"structure 's': 'kind' must be 'points_structure', got {kind!r}"),
        ):
            Structure.from_dict(doc(kind=kind))

    @pytest.mark.parametrize("name", structure_names())
    def test_shipped_files_carry_them(self, name: str) -> None:
        """The shipped structure files say their version and kind, and validate as written."""
        file = resources.files("cchc_indicators").joinpath(f"structures/{name}.json")
        raw = json.loads(file.read_text(encoding="utf-8"))
        assert list(raw)[:2] == ["schema_version", "kind"]
        assert (raw["schema_version"], raw["kind"]) == (1, "points_structure")
        Draft202012Validator(schema()).validate(raw)
        assert Structure.from_dict(raw) == load_structure(name)


# --- the JSON Schema and Structure.from_dict agree ---------------------------------------------


BAND_LOW = {"lower": None, "upper": 50, "fraction": 0}
BAND_HIGH = {"lower": 50, "upper": None, "fraction": 1}

#: Documents both the schema and the loader accept.
VALID_STRUCTURES = {
    "minimal": doc(),
    "version and kind": doc(schema_version=1, kind="points_structure"),
    "grades as objects": doc(grades=[{"label": "A", "lower": 90}, {"label": "B", "lower": 0}]),
    "grades as pairs": doc(grades=[["A", 90], ["B", 80.5]]),
    "grades as a mapping": doc(grades={"A": 90, "B": 80}),
    "no grades": doc(grades=[]),
    "part null, rule null on a parent": doc(parent(leaf_doc(part=None), rule=None)),
    "every rule kind": doc(
        leaf_doc(code="b", rule={"kind": "bands", "bands": [BAND_LOW, BAND_HIGH]}),
        leaf_doc(code="l", rule={"kind": "linear", "low": 10, "high": 0}),
        leaf_doc(code="g", rule={"kind": "given_points"}),
        leaf_doc(code="r", rule={"kind": "from_rank", "basis": "rank", "bands": [{"lower": 1, "upper": None, "fraction": 1}]}),
        leaf_doc(code="p", rule={"kind": "from_rank", "basis": "percentile", "higher_is_better": False, "bands": [BAND_LOW, BAND_HIGH]}),
    ),
    "leaf with empty children": doc(leaf_doc(children=[])),
    "texts": doc(leaf_doc(name="Tên", source="s", notes="n", part="survey"), name="N", source="S", notes="", default_part="self"),
    "catalogue fields": doc(leaf_doc(name_vi="Tên"), name_vi="Tên", index="par-index", decision="876/QĐ-BNV", in_force={"from": 2022, "to": 2030}, source_url="https://example.org"),
    "in_force as a pair": doc(in_force=[2016, 2016]),
    "in_force null": doc(in_force=None),
}  # fmt: skip

#: Documents both refuse, with a distinctive part of the loader's message.
INVALID_STRUCTURES = {
    "no components key": ({"code": "s"}, "a structure is a mapping with 'code' and 'components'"),
    "no components": (doc() | {"components": []}, "needs at least one component"),
    "components not a list": (doc() | {"components": {"code": "a"}}, "'components' must be a list"),
    "unknown structure key": (doc(colour="red"), "unknown field 'colour'"),
    "kind": (doc(kind="composite_index"), "'kind' must be 'points_structure'"),
    "schema_version": (doc(schema_version=2), "unsupported schema_version 2"),
    "code spaces": (doc(code="s "), "without surrounding spaces"),
    "name null": (doc(name=None), "'name' is text, got None"),
    "default_part empty": (doc(default_part=""), "a default_part is a non-empty string"),
    "misspelt component key": (doc(leaf_doc(prat="survey")), "unknown field 'prat'"),
    "no maximum": (doc(parent({"code": "c", "rule": {"kind": "yes_no"}})), "needs a maximum number of points"),
    "maximum 0": (doc(leaf_doc(maximum=0)), "must be a positive number of points, got 0"),
    "maximum as text": (doc(leaf_doc(maximum="5")), "a component's maximum must be a number, got '5'"),
    "leaf without rule": (doc(leaf_doc(rule=None)), "leaf component 'c' needs a rule"),
    "parent with rule": (doc(parent(leaf_doc(), rule={"kind": "yes_no"})), "has both children and a rule"),
    "children null": (doc(parent() | {"children": None}), "'children' must be a list of components"),
    "part blank": (doc(leaf_doc(part=" ")), "a part is a non-empty name"),
    "unknown rule kind": (doc(leaf_doc(rule={"kind": "stars"})), "unknown rule kind 'stars'"),
    "rule without kind": (doc(leaf_doc(rule={"low": 0, "high": 1})), "unknown rule kind None"),
    "rule extra key": (doc(leaf_doc(rule={"kind": "yes_no", "maximum": 1})), "a yes_no rule takes no key 'maximum'"),
    "linear missing high": (doc(leaf_doc(rule={"kind": "linear", "low": 0})), "needs the key 'high'"),
    "linear low as text": (doc(leaf_doc(rule={"kind": "linear", "low": "0", "high": 1})), "a goalpost must be a number"),
    "from_rank without basis": (doc(leaf_doc(rule={"kind": "from_rank", "bands": [BAND_HIGH]})), "needs the key 'basis'"),
    "from_rank bad basis": (doc(leaf_doc(rule={"kind": "from_rank", "basis": "top", "bands": [BAND_HIGH]})), "basis is 'rank' or 'percentile'"),
    "from_rank direction as number": (doc(leaf_doc(rule={"kind": "from_rank", "basis": "rank", "higher_is_better": 1, "bands": [BAND_HIGH]})), "'higher_is_better' is true or false"),
    "no bands": (doc(leaf_doc(rule={"kind": "bands", "bands": []})), "a bands rule needs at least one band"),
    "band key missing": (doc(leaf_doc(rule={"kind": "bands", "bands": [{"lower": 0, "fraction": 1}]})), "a band needs the key 'upper'"),
    "band fraction > 1": (doc(leaf_doc(rule={"kind": "bands", "bands": [{"lower": 0, "upper": None, "fraction": 1.5}]})), "between 0 and 1, got 1.5"),
    "band extra key": (doc(leaf_doc(rule={"kind": "bands", "bands": [BAND_HIGH | {"points": 1}]})), "a band takes no key 'points'"),
    "grade not a pair": (doc(grades=[["A"]]), "or a (label, lower) pair, got ['A']"),
    "grade above 100": (doc(grades={"A": 120}), "between 0 and 100, got 120"),
    "grade without lower": (doc(grades=[{"label": "A"}]), "a grade needs a 'label' and a 'lower'"),
    "grade extra key": (doc(grades=[{"label": "A", "lower": 1, "x": 0}]), "a grade: unknown field 'x'"),
    "grades null": (doc(grades=None), "grades are a sequence"),
    "name_vi null": (doc(leaf_doc(name_vi=None)), "'name_vi' is text, got None"),
    "in_force without to": (doc(in_force={"from": 2022}), "'in_force' needs both 'from' and 'to'"),
    "in_force year as text": (doc(in_force=["2022", 2030]), "a whole year such as 2022, got '2022'"),
    "in_force extra key": (doc(in_force={"from": 2022, "to": 2030, "until": 2031}), "unknown field 'until'"),
}  # fmt: skip

#: Documents the schema accepts but the loader refuses: rules across values (see its $comment).
BEYOND_STRUCTURE_SCHEMA = {
    "code twice": (doc(leaf_doc(code="a"), leaf_doc(code="a")), "component code 'a' appears twice"),
    "children below the maximum": (doc(parent(leaf_doc(maximum=0.5))), "its children's maxima sum to 0.5"),
    "bands overlap": (doc(leaf_doc(rule=OVERLAP)), "bands overlap"),
    "bands gap": (doc(leaf_doc(rule={"kind": "bands", "bands": [{"lower": 0, "upper": 1, "fraction": 0}, {"lower": 2, "upper": 3, "fraction": 1}]})), "bands leave a gap"),
    "band lower = upper": (doc(leaf_doc(rule={"kind": "bands", "bands": [{"lower": 1, "upper": 1, "fraction": 0}]})), "a band needs lower < upper"),
    "linear equal goalposts": (doc(leaf_doc(rule={"kind": "linear", "low": 1, "high": 1})), "must be finite and differ"),
    "grades share a bound": (doc(grades=[["A", 90], ["B", 90]]), "share the lower bound 90"),
    "grades share a label": (doc(grades=[["A", 90], ["A", 80]]), "grade labels must differ"),
    "in_force first after last": (doc(in_force={"from": 2030, "to": 2022}), "the first year 2030 is after the last 2022"),
}  # fmt: skip


def structure_validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


class TestSchemaAgreement:
    def test_schema_is_valid_and_lists_the_rule_kinds(self) -> None:
        """The schema is valid draft 2020-12 and names every rule kind."""
        Draft202012Validator.check_schema(schema())
        kinds = schema()["$defs"]["rule"]["properties"]["kind"]["enum"]
        assert sorted(kinds) == sorted(RULE_KINDS)

    @pytest.mark.parametrize(
        "document", list(VALID_STRUCTURES.values()), ids=list(VALID_STRUCTURES)
    )
    def test_valid_documents_accepted_by_both(self, document: dict[str, Any]) -> None:
        """A document the schema accepts, the loader reads; what it writes validates too."""
        structure_validator().validate(document)
        s = Structure.from_dict(document)
        structure_validator().validate(s.to_dict())

    @pytest.mark.parametrize(
        ("document", "message"), list(INVALID_STRUCTURES.values()), ids=list(INVALID_STRUCTURES)
    )
    def test_invalid_documents_refused_by_both(
        self, document: dict[str, Any], message: str
    ) -> None:
        """A document the loader refuses is refused by the schema, and the other way round."""
        assert not structure_validator().is_valid(document)
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Structure.from_dict(document)

    @pytest.mark.parametrize(
        ("document", "message"),
        list(BEYOND_STRUCTURE_SCHEMA.values()),
        ids=list(BEYOND_STRUCTURE_SCHEMA),
    )
    def test_rules_beyond_the_schema(self, document: dict[str, Any], message: str) -> None:
        """Rules across several values are the loader's alone, as the schema's $comment says."""
        assert structure_validator().is_valid(document)
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Structure.from_dict(document)

    @given(structures())
    def test_written_structures_validate(self, s: Structure) -> None:
        """Whatever to_dict writes, the schema accepts."""
        structure_validator().validate(json.loads(json.dumps(s.to_dict())))


class TestEvaluateArgumentTypes:
    """evaluate_points refuses arguments of the wrong type with a typed error."""

    S = Structure(
        "s",
        components=[
            Component("a", maximum=1, rule=linear(0, 100)),
            Component("b", maximum=1, rule=linear(0, 100)),
        ],
    )
    V: ClassVar[dict[str, list[float]]] = {"a": [50.0, 20.0], "b": [10.0, math.nan]}

    def test_not_applicable_must_be_a_mapping(self) -> None:
        with pytest.raises(
            ArgumentTypeError, match=r"'not_applicable' must be a mapping .* got str 'x'"
        ):
            evaluate_points(self.S, self.V, ["X", "Y"], not_applicable="x")  # type: ignore[arg-type]

    def test_not_applicable_units_are_codes(self) -> None:
        with pytest.raises(
            ArgumentTypeError,
            match=re.escape("not_applicable['b'] must be a unit code or a list of them, got int 3"),
        ):
            evaluate_points(self.S, self.V, ["X", "Y"], not_applicable={"b": 3})  # type: ignore[dict-item]

    def test_one_code_is_one_unit(self) -> None:
        """{"b": "Y"} means unit Y, not the letters of "Y": as ["Y"]."""
        one = evaluate_points(self.S, self.V, ["X", "Y"], not_applicable={"b": "Y"})
        listed = evaluate_points(self.S, self.V, ["X", "Y"], not_applicable={"b": ["Y"]})
        assert one.not_applicable == listed.not_applicable == (("Y", "b"),)

    def test_peers_must_be_a_mapping_or_a_list(self) -> None:
        with pytest.raises(ArgumentTypeError, match=r"'peers' must be a mapping .* got int 3"):
            evaluate_points(self.S, self.V, ["X", "Y"], peers=3)  # type: ignore[arg-type]
