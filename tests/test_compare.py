"""Tests of cchc_indicators.composite.compare: compare() and remove_elements().

Expected values are worked out by hand beside each case on a 4-unit example;
properties are named after the law they check.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_indicators import datasets
from cchc_indicators.composite import (
    CompositeIndex,
    Method,
    Node,
    Observations,
    compute_index,
    load_index,
)
from cchc_indicators.composite.compare import (
    Comparison,
    Removals,
    compare,
    index_without,
    remove_elements,
    spearman,
)
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownUnitError,
)

UNITS = ["A", "B", "C", "D"]
# minmax: x -> [100, 66.7, 33.3, 0], y -> [0, 100, 33.3, 66.7], z -> [0, 33.3, 66.7, 100]
DATA = Observations.from_values(
    {"x": [4, 3, 2, 1], "y": [1, 4, 2, 3], "z": [1, 2, 3, 4]}, UNITS, note="demo"
)
XY = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, 3]}, UNITS, note="demo")
FLAT = CompositeIndex("i", children=[Node("x"), Node("y"), Node("z")])


def two() -> tuple[CompositeIndex, CompositeIndex]:
    return (
        CompositeIndex("i", children=[Node("x"), Node("y")]),
        CompositeIndex("i", children=[Node("x"), Node("y", weight=3)]),
    )


class TestCompare:
    def test_hand_computed_rank_changes(self) -> None:
        """Equal weights: A 50, B 83.3, C 33.3, D 33.3; y x3: A 25, B 91.7, C 33.3, D 50."""
        a, b = (compute_index(i, XY) for i in two())
        c = compare(a, b, names=("equal", "y x3"))
        assert c.units == tuple(UNITS)
        assert c.rank_a.tolist() == [2, 1, 3, 3]
        assert c.rank_b.tolist() == [4, 1, 3, 2]
        assert c.rank_change.tolist() == [-2.0, 0.0, 0.0, 1.0]
        assert c.mean_abs_shift == 0.75
        assert c.movers(2) == (("A", -2.0), ("D", 1.0))
        assert c.movers(10) == (("A", -2.0), ("D", 1.0), ("B", 0.0), ("C", 0.0))
        # average ranks a: 2, 1, 3.5, 3.5; b: 4, 1, 3, 2 -> 1.5 / sqrt(4.5 * 5)
        assert c.spearman == pytest.approx(1.5 / math.sqrt(22.5), abs=1e-15)
        assert c.score_b.round(1).tolist() == [25.0, 91.7, 33.3, 50.0]
        assert c.note == "demo"

    def test_units_in_another_order_are_aligned(self) -> None:
        """b scored on the units reversed: compared unit by unit, in a's order."""
        a = compute_index(two()[0], XY)
        b = compute_index(two()[1], XY, units=UNITS[::-1])
        assert compare(a, b).rank_b.tolist() == [4, 1, 3, 2]

    def test_units_without_a_rank_are_left_out(self) -> None:
        """A unit without a score in b has no rank change and does not count in the mean."""
        data = Observations.from_values({"x": [4, 3, 2, 1], "y": [1, 4, 2, math.nan]}, UNITS)
        idx = CompositeIndex("i", children=[Node("x"), Node("y")], min_share=1)
        a = compute_index(CompositeIndex("i", children=[Node("x")]), data, on_unknown="ignore")
        c = compare(a, compute_index(idx, data))
        assert c.rank_b[3] == 0
        assert math.isnan(c.rank_change[3])
        assert c.to_records()[3]["rank_change"] is None
        assert c.to_records()[3]["rank_b"] is None
        # a: 1, 2, 3, 4; b (x, y equal): A 50, B 83.3, C 33.3 -> 2, 1, 3
        assert c.mean_abs_shift == pytest.approx(2 / 3)
        assert [u for u, _ in c.movers(5)] == ["A", "B", "C"]

    def test_table_and_records(self) -> None:
        """The text table: units by their rank in b, then the summaries and the note."""
        a, b = (compute_index(i, XY) for i in two())
        text = compare(a, b).table()
        lines = text.splitlines()
        assert lines[0].split() == [
            "unit",
            "score",
            "a",
            "rank",
            "a",
            "score",
            "b",
            "rank",
            "b",
            "change",
        ]
        assert [line.split()[0] for line in lines[2:6]] == ["B", "D", "C", "A"]
        assert lines[-2] == "mean absolute rank shift 0.75; Spearman rank correlation 0.316"
        assert lines[-1] == "demo"
        frame = compare(a, b).to_frame()
        assert frame["rank_change"].tolist() == [-2, 0, 0, 1]

    def test_html_in_both_languages(self) -> None:
        """The display: the summaries with the language's decimal separator, escaped names."""
        a, b = (compute_index(i, XY) for i in two())
        c = compare(a, b, names=("<a>", "b"))
        from cchc_indicators.composite import compare as module

        vi = module._comparison_html(c, "vi")
        assert "0,75" in vi
        assert "Hệ số tương quan hạng Spearman" in vi
        assert "<a>" not in vi
        assert html.escape("Hạng theo <a>") in vi
        en = module._comparison_html(c, "en")
        assert "0.75" in en
        assert "Rank change" in en
        assert c._repr_html_().startswith('<div class="cchc-repr cchc-comparison"')
        assert (
            repr(c)
            == "Comparison(names=('<a>', 'b'), units=4, mean_abs_shift=0.75, spearman=0.316)"
        )

    def test_a_node_of_both(self) -> None:
        """node= compares the scores of that node."""
        a, b = (compute_index(i, XY) for i in two())
        assert compare(a, b, node="y").rank_change.tolist() == [0.0, 0.0, 0.0, 0.0]

    def test_different_units_are_refused(self) -> None:
        """Results on different units: UnknownUnitError naming a unit only one has."""
        a = compute_index(two()[0], XY)
        b = compute_index(two()[1], XY, units=UNITS[:3])
        with pytest.raises(UnknownUnitError, match="do not hold the same units") as err:
            compare(a, b)
        assert err.value.key == "D"
        with pytest.raises(UnknownUnitError, match="do not hold the same units") as err:
            compare(b, a)  # the extra unit in the second result: named the same way
        assert err.value.key == "D"

    def test_unknown_node_is_refused(self) -> None:
        """A node not in the results: UnknownIndicatorError."""
        a = compute_index(two()[0], XY)
        with pytest.raises(UnknownIndicatorError, match="'w'"):
            compare(a, a, node="w")

    @pytest.mark.parametrize("names", ["ab", ("a",), ("a", 1), 3])
    def test_bad_names_are_refused(self, names: object) -> None:
        """names must be two texts."""
        a = compute_index(two()[0], XY)
        with pytest.raises(DefinitionError, match="two texts"):
            compare(a, a, names=names)  # type: ignore[arg-type]

    def test_not_a_result_is_refused(self) -> None:
        """compare takes IndexResults."""
        with pytest.raises(ArgumentTypeError):
            compare("a", "b")  # type: ignore[arg-type]

    @pytest.mark.parametrize("n", [0, -1, 1.5, True])
    def test_bad_number_of_movers_is_refused(self, n: object) -> None:
        """movers(n) needs a whole number >= 1."""
        a = compute_index(two()[0], XY)
        with pytest.raises(DefinitionError, match="whole number"):
            compare(a, a).movers(n)  # type: ignore[arg-type]

    def test_spearman_needs_two_units_and_spread(self) -> None:
        """Fewer than two common units, or a constant ranking: NaN."""
        assert math.isnan(spearman(np.array([1, 0]), np.array([1, 1])))
        assert math.isnan(spearman(np.array([1, 1, 1]), np.array([1, 2, 3])))
        assert spearman(np.array([1, 2, 3]), np.array([3, 2, 1])) == -1.0


class TestRemoveElements:
    def test_hand_computed_removals(self) -> None:
        """Full: A 33.3, B 66.7, C 44.4, D 55.6 (ranks 4 1 3 2).

        Without x: A 0, B 66.7, C 50, D 83.3 (4 2 3 1); without y: all 50 (1 1 1 1);
        without z: A 50, B 83.3, C 33.3, D 33.3 (2 1 3 3).
        """
        r = remove_elements(FLAT, DATA)
        assert isinstance(r, Removals)
        assert r.elements == ("x", "y", "z")
        assert r.full.rank().tolist() == [4, 1, 3, 2]
        assert r.ranks.tolist() == [[4, 2, 3, 1], [1, 1, 1, 1], [2, 1, 3, 3]]
        assert r.rank_change.tolist() == [[0, -1, 0, 1], [3, 0, 2, 1], [2, 0, 0, -1]]
        assert r.mean_abs_shift.tolist() == [0.5, 1.5, 0.75]
        assert r.scores[1].tolist() == pytest.approx([50.0] * 4)
        assert r.comparison("z").names == ("full", "without z")
        assert r.comparison("z").movers(1) == (("A", 2.0),)
        assert r.note == "demo"
        assert r.to_frame().shape == (12, 5)
        assert r.to_records()[4] == {
            "element": "y",
            "unit": "A",
            "rank": 4,
            "rank_without": 1,
            "rank_change": 3,
        }

    def test_removing_an_aggregate_of_a_level(self) -> None:
        """level=1 removes each top-level node; its siblings' weights re-normalised.

        d = mean(x, y): A 50, B 83.3, C 33.3, D 33.3; z weight 3.
        Without d: z alone (ranks 4 3 2 1); without z: d alone (2 1 3 3).
        """
        idx = CompositeIndex(
            "i", children=[Node("d", children=[Node("x"), Node("y")]), Node("z", weight=3)]
        )
        r = remove_elements(idx, DATA, level=1)
        assert r.elements == ("d", "z")
        assert r.ranks.tolist() == [[4, 3, 2, 1], [2, 1, 3, 3]]
        leaves = remove_elements(idx, DATA)
        assert leaves.elements == ("x", "y", "z")
        assert leaves.level is None

    def test_an_aggregate_left_empty_goes_too(self) -> None:
        """Removing the only child of d removes d; the per-level aggregation loses its level."""
        idx = CompositeIndex(
            "i",
            children=[Node("d", children=[Node("x")]), Node("z")],
            aggregation=["arithmetic", "geometric"],
            weight_sets={"w": {"x": 1, "z": 2}},
        )
        small = index_without(idx, "x")
        assert [n.code for n in small.nodes()] == ["i", "z"]
        assert small.aggregation == (Method("arithmetic"),)
        assert small.weights("w") == {"i": 1.0, "z": 2.0}

    def test_text_and_html(self) -> None:
        """The table names each element, its shift and its largest move; the display translates."""
        r = remove_elements(FLAT, DATA)
        lines = r.table().splitlines()
        assert lines[2].split() == ["x", "0.50", "B", "-1"]
        assert lines[3].split() == ["y", "1.50", "A", "+3"]
        assert lines[-2] == "index i, without each indicator in turn"
        from cchc_indicators.composite import compare as module

        vi = module._removals_html(r, "vi")
        assert "Thành phần bị loại bỏ" in vi
        assert ">1,5<" in vi
        assert "0.75" in module._removals_html(r, "en")
        assert repr(r) == "Removals(index='i', level=None, elements=3, units=4)"
        assert r._repr_html_().startswith('<div class="cchc-repr cchc-removals"')
        plain = Observations.from_values({"x": [1, 2], "y": [2, 1]}, ["A", "B"])
        two_leaves = CompositeIndex("i", children=[Node("x"), Node("y")])
        assert remove_elements(two_leaves, plain).table().splitlines()[-1] == (
            "index i, without each indicator in turn"
        )
        same = compute_index(two_leaves, plain)
        assert compare(same, same).table().splitlines()[-1].startswith("mean absolute")

    def test_options_go_to_compute_index(self) -> None:
        """A weights mapping loses the removed node; the units are the full result's."""
        r = remove_elements(FLAT, DATA, weights={"x": 2}, units=["D", "C", "B", "A"])
        assert r.units == ("D", "C", "B", "A")
        # without y: x weight 2, z 1 -> A 66.7, B 55.6, C 44.4, D 33.3
        assert r.ranks[1].tolist() == [4, 3, 2, 1]

    def test_unknown_element_is_refused(self) -> None:
        """index_without an unknown code, or the index itself: UnknownIndicatorError."""
        for code in ("w", "i"):
            with pytest.raises(UnknownIndicatorError, match="not a node of index 'i'"):
                index_without(FLAT, code)
        with pytest.raises(UnknownIndicatorError, match="was not removed"):
            remove_elements(FLAT, DATA).comparison("w")

    def test_removing_the_only_indicator_is_refused(self) -> None:
        """An index of one indicator has nothing left without it: DefinitionError."""
        idx = CompositeIndex("i", children=[Node("d", children=[Node("x")])])
        with pytest.raises(DefinitionError, match="without any indicator"):
            remove_elements(idx, DATA, on_unknown="ignore")
        with pytest.raises(DefinitionError, match="without any indicator"):
            remove_elements(idx, DATA, level=1, on_unknown="ignore")

    def test_siblings_left_with_zero_weight_are_refused(self) -> None:
        """Removing the only weighted child leaves weights summing to 0: DefinitionError."""
        idx = CompositeIndex("i", children=[Node("x"), Node("y", weight=0), Node("z", weight=0)])
        with pytest.raises(DefinitionError, match="summing to 0"):
            remove_elements(idx, DATA)

    @pytest.mark.parametrize("level", [0, 3, -1, True, "1"])
    def test_unknown_level_is_refused(self, level: object) -> None:
        """A level the index does not have: UnknownLevelError."""
        with pytest.raises(UnknownLevelError, match="has no level"):
            remove_elements(FLAT, DATA, level=level)  # type: ignore[arg-type]

    def test_not_an_index_is_refused(self) -> None:
        """remove_elements takes a CompositeIndex and Observations."""
        with pytest.raises(ArgumentTypeError):
            remove_elements("par-style-demo", DATA)  # type: ignore[arg-type]
        with pytest.raises(ArgumentTypeError):
            remove_elements(FLAT, {"x": [1]})  # type: ignore[arg-type]

    def test_demo_index_by_domain(self) -> None:
        """On the 63 synthetic provinces every domain moves some ranks."""
        r = remove_elements(load_index("par-style-demo"), datasets.index_observations(), level=1)
        assert len(r.elements) == 8
        assert r.ranks.shape == (8, 63)
        assert (r.mean_abs_shift > 0).all()


values = st.lists(st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=5, max_size=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(values, min_size=3, max_size=3), st.integers(0, 2))
def test_removing_an_indicator_with_zero_weight_changes_nothing(
    columns: list[list[float]], zero: int
) -> None:
    """An indicator of weight 0 removed, every unit keeps its rank (complete data)."""
    codes = ["a", "b", "c"]
    data = Observations.from_values(dict(zip(codes, columns, strict=True)), list("PQRST"))
    idx = CompositeIndex(
        "i",
        children=[Node(c, weight=0 if k == zero else 1 + k) for k, c in enumerate(codes)],
    )
    r = remove_elements(idx, data)
    k = r.elements.index(codes[zero])
    assert r.ranks[k].tolist() == r.full.rank().tolist()
    assert r.mean_abs_shift[k] == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(values, min_size=2, max_size=2))
def test_comparing_an_index_with_itself_moves_nothing(columns: list[list[float]]) -> None:
    """compare(r, r): no rank change, mean shift 0, Spearman 1 where the ranks vary."""
    data = Observations.from_values({"a": columns[0], "b": columns[1]}, list("PQRST"))
    r = compute_index(CompositeIndex("i", children=[Node("a"), Node("b")]), data)
    c = compare(r, r)
    assert isinstance(c, Comparison)
    assert np.nan_to_num(c.rank_change).tolist() == [0.0] * 5
    ranked = r.rank()[r.rank() > 0]
    if len(ranked):
        assert c.mean_abs_shift == 0
    if len(set(ranked.tolist())) > 1:
        assert c.spearman == pytest.approx(1.0, abs=1e-12)
