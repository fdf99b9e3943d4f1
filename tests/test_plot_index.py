"""Tests of the composite-index plots: the artists each function draws (bars, markers, texts), not pixels.

Every figure is drawn with the Agg backend. The numbers drawn are checked
against hand-computed scores and contributions of small indices, and against
the result objects they come from.
"""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import pytest

pytest.importorskip("matplotlib")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from cchc_indicators import (
    DefinitionError,
    UnknownIndicatorError,
    UnknownUnitError,
    datasets,
    points,
)
from cchc_indicators.composite import (
    CompositeIndex,
    IndexResult,
    Method,
    Node,
    Observations,
    compute_index,
    load_index,
)
from cchc_indicators.composite.uncertainty import (
    Sensitivity,
    Uncertainty,
    WeightNoise,
    points_uncertainty,
    sensitivity,
    uncertainty,
)
from cchc_indicators.datasets import SYNTHETIC_NOTE
from cchc_indicators.report.plot import (
    index_contributions,
    index_scores,
    rank_intervals,
    score_intervals,
    sensitivity_bars,
)

NAN = float("nan")


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every pyplot figure a test opened (the plots themselves do not use pyplot)."""
    yield
    plt.close("all")


#: Two indicators weighted 1 : 3; unit Z has no data.
SMALL = CompositeIndex("i", children=[Node("a", weight=1), Node("b", weight=3)])


@pytest.fixture(scope="module")
def small() -> IndexResult:
    """Four units, one tie and one without data; no note.

    min-max: a = (90, 70, 40) -> (100, 60, 0); b = (20, 60, 70) -> (0, 80, 100).
    Scores (1 a + 3 b) / 4: W (100 + 0) / 4 = 25, X (60 + 240) / 4 = 75,
    Y (0 + 300) / 4 = 75, Z none. Ranks: X 1, Y 1 (tie), W 3, Z 0.
    Contributions a / b: W 25 / 0, X 15 / 60, Y 0 / 75.
    """
    data = Observations.from_values(
        {"a": [90, 70, 40, NAN], "b": [20, 60, 70, NAN]}, ["W", "X", "Y", "Z"]
    )
    return compute_index(SMALL, data)


@pytest.fixture(scope="module")
def par() -> CompositeIndex:
    return load_index("par-style-demo")


@pytest.fixture(scope="module")
def synthetic(par: CompositeIndex) -> IndexResult:
    """The illustrative index on the synthetic observations (63 provinces, noted as synthetic)."""
    return compute_index(par, datasets.index_observations())


@pytest.fixture(scope="module")
def mc() -> Uncertainty:
    """The uncertainty module's own example: weights ±50 % on two indicators, four units.

    Its table gives the nominal ranks X 1, Y 2, W 3, Z 4 and the 5–95 % rank
    intervals X 1–2, Y 1–3, W 1–4, Z 3–4.
    """
    idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    data = Observations.from_values(
        {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", "Y", "Z"]
    )
    return uncertainty(idx, data, n=2000, seed=1, weights=WeightNoise(0.5), rank_target=2)


@pytest.fixture(scope="module")
def sens() -> Sensitivity:
    """Weights and normalisation varying on the four-unit example, with bootstrap intervals."""
    idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    data = Observations.from_values(
        {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", "Y", "Z"]
    )
    return sensitivity(
        idx, data, n=300, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100
    )


def ax_of(fig: Figure) -> Axes:
    """The figure's only axes."""
    assert len(fig.axes) == 1
    return fig.axes[0]


def ticks(ax: Axes, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def note_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == "cchc-note"]


def by_gid(items: Sequence[Any], gid: str) -> list[Any]:
    return [a for a in items if a.get_gid() == gid]


def line(ax: Axes, gid: str) -> Any:
    (found,) = by_gid(ax.lines, gid)
    return found


def render(fig: Figure) -> None:
    """Draw the figure to PNG in memory (where missing glyphs would be reported)."""
    fig.savefig(io.BytesIO(), format="png", dpi=40)


def widths(container: Any) -> list[float]:
    return [float(p.get_width()) for p in container]


# ---------------------------------------------------------------------- scores


class TestIndexScores:
    def test_bars_are_the_scores_in_rank_order(self, small: IndexResult) -> None:
        """One bar per scored unit, best on top; the unit without data comes last, without a bar."""
        ax = ax_of(index_scores(small))
        assert ticks(ax) == ["1. X", "1. Y", "3. W", "Z"]  # the tie keeps the units' order
        (bars,) = ax.containers
        assert isinstance(bars, BarContainer)
        assert widths(bars) == [75.0, 75.0, 25.0]
        assert len(ax.patches) == 3
        assert [float(p.get_y() + p.get_height() / 2) for p in bars] == [0.0, 1.0, 2.0]
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == ["no data"]
        assert ax.get_ylim() == (3.5, -0.5)  # the first row on top

    def test_bar_labels_give_the_scores(self, small: IndexResult) -> None:
        """Each bar is labelled with its score, to ``digits`` decimals."""
        ax = ax_of(index_scores(small, digits=2))
        labels = [t.get_text() for t in ax.texts if t.get_gid() != "no-data"]
        assert labels == ["75.00", "75.00", "25.00"]

    def test_top_limits_the_units(self, small: IndexResult) -> None:
        """top=2 keeps the two best units and says so in the title."""
        ax = ax_of(index_scores(small, top=2))
        assert ticks(ax) == ["1. X", "1. Y"]
        assert len(ax.patches) == 2
        assert not by_gid(ax.texts, "no-data")
        assert ax.get_title().endswith("the best 2 of 4 units")

    def test_top_on_the_synthetic_index_takes_the_best_ranks(self, synthetic: IndexResult) -> None:
        """top=10 of 63 provinces: the ten units ranked 1..10, in that order."""
        ax = ax_of(index_scores(synthetic, top=10))
        order = np.argsort(synthetic.rank(), kind="stable")[:10]
        expected = [f"{synthetic.rank()[j]}. {synthetic.units[j]}" for j in order]
        assert ticks(ax) == expected
        assert widths(ax.containers[0]) == pytest.approx(synthetic.score()[order].tolist())

    def test_a_node_below_the_index(self, synthetic: IndexResult, par: CompositeIndex) -> None:
        """node= draws that node's scores; the definition names it in the title."""
        node = "e_government"
        ax = ax_of(index_scores(synthetic, node=node, index=par))
        scores = synthetic.score(node)
        assert sorted(widths(ax.containers[0]), reverse=True) == widths(ax.containers[0])
        assert len(ax.patches) == int((~np.isnan(scores)).sum())
        assert ax.get_title().startswith(f"{par.node(node).name} ({node})")

    def test_insufficient_data_is_named(self) -> None:
        """A unit below a node's min_share is marked "insufficient data", one with nothing "no data".

        Node d (min_share 1) needs both a and b: W has both, X has only b, Y none.
        """
        idx = CompositeIndex(
            "j", children=[Node("d", children=[Node("a"), Node("b")], min_share=1), Node("c")]
        )
        data = Observations.from_values(
            {"a": [90, NAN, NAN], "b": [20, 60, NAN], "c": [1, 2, 3]}, ["W", "X", "Y"]
        )
        result = compute_index(idx, data)
        ax = ax_of(index_scores(result, node="d"))
        assert ticks(ax) == ["1. W", "X", "Y"]
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == [
            "insufficient data",  # X: share 1/2 < 1
            "no data",  # Y: no child with a value
        ]

    def test_names_and_highlight(self, small: IndexResult) -> None:
        """names= labels units by name (code where none); highlighted units are coloured and bold."""
        fig = index_scores(
            small, names={"X": "Tỉnh Vĩnh Phúc", "W": "Tỉnh Hà Giang"}, highlight="X"
        )
        ax = ax_of(fig)
        assert ticks(ax) == ["1. Tỉnh Vĩnh Phúc", "1. Y", "3. Tỉnh Hà Giang", "Z"]
        colors = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.containers[0]]
        assert colors[0] != colors[1]
        assert colors[1] == colors[2]
        weights = [t.get_fontweight() for t in ax.get_yticklabels()]
        assert weights[0] == "bold"
        assert weights[1] != "bold"

    def test_a_hierarchy_names_the_units(self, synthetic: IndexResult) -> None:
        """A Hierarchy (the 63 provinces) gives the units' Vietnamese names."""
        provinces = datasets.provinces_2024()
        ax = ax_of(index_scores(synthetic, names=provinces))
        vinh_phuc = synthetic.rank()[synthetic.units.index("26")]
        assert f"{vinh_phuc}. Tỉnh Vĩnh Phúc" in ticks(ax)

    def test_a_title_of_your_own(self, small: IndexResult) -> None:
        """title= replaces the default title."""
        assert ax_of(index_scores(small, title="Chỉ số")).get_title() == "Chỉ số"

    def test_unknown_node(self, small: IndexResult) -> None:
        """A node not in the index is named in the error."""
        with pytest.raises(UnknownIndicatorError, match="node 'nope' is not in index 'i'"):
            index_scores(small, node="nope")

    @pytest.mark.parametrize("top", [0, -1, 1.5, True, "3"])
    def test_bad_top(self, small: IndexResult, top: Any) -> None:
        """top must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'top' must be a whole number >= 1"):
            index_scores(small, top=top)

    def test_unknown_highlight(self, small: IndexResult) -> None:
        """Highlighting a unit the result lacks names it."""
        with pytest.raises(UnknownUnitError, match="cannot highlight unit 'Q'"):
            index_scores(small, highlight=["X", "Q"])

    def test_definition_of_another_index(self, small: IndexResult, par: CompositeIndex) -> None:
        """index= must be the definition the result was computed from."""
        with pytest.raises(DefinitionError, match="the result is of index 'i', but 'index' is"):
            index_scores(small, index=par)


# ---------------------------------------------------------------------- contributions


class TestIndexContributions:
    def test_segments_are_the_contributions(self, small: IndexResult) -> None:
        """One container per child; segments in rank order, stacked to the score.

        X: a 15 then b 60 (from 15 to 75); Y: a 0, b 75; W: a 25, b 0.
        """
        ax = ax_of(index_contributions(small))
        assert ticks(ax) == ["1. X", "1. Y", "3. W", "Z"]
        a, b = ax.containers
        assert [p.get_gid() for p in (*a, *b)] == ["a"] * 3 + ["b"] * 3
        assert widths(a) == [15.0, 0.0, 25.0]
        assert widths(b) == [60.0, 75.0, 0.0]
        assert [float(p.get_x()) for p in b] == [15.0, 0.0, 25.0]
        assert len(ax.patches) == 2 * 3  # children x scored units
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == ["no data"]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
        assert not by_gid(ax.lines, "zero")  # no negative part, no zero line

    def test_segments_add_up_to_the_score(self, synthetic: IndexResult) -> None:
        """On the synthetic index, each unit's eight segments add up to its index score."""
        ax = ax_of(index_contributions(synthetic))
        assert len(ax.containers) == 8
        totals = np.sum([widths(c) for c in ax.containers], axis=0)
        scored = np.sort(synthetic.score()[~np.isnan(synthetic.score())])[::-1]
        assert totals == pytest.approx(scored.tolist())

    def test_negative_contributions_stack_left_of_zero(self) -> None:
        """Negative parts go leftwards from 0, positive ones rightwards.

        normalisation none, weights 1 : 1, so each contribution is half the raw value:
        P: a -10 -> -5, b 30 -> 15 (score 10); Q: a 20 -> 10, b 40 -> 20 (30);
        R: a -4 -> -2, b -8 -> -4 (-6). Rank order Q, P, R.
        """
        idx = CompositeIndex("k", children=[Node("a"), Node("b")])
        data = Observations.from_values({"a": [-10, 20, -4], "b": [30, 40, -8]}, ["P", "Q", "R"])
        result = compute_index(idx, data, normalisation="none")
        ax = ax_of(index_contributions(result))
        assert ticks(ax) == ["1. Q", "2. P", "3. R"]
        a, b = ax.containers
        spans = [
            sorted((float(p.get_x()), float(p.get_x() + p.get_width()))) for c in (a, b) for p in c
        ]
        # a: Q [0, 10], P [-5, 0], R [-2, 0]; b: Q [10, 30], P [0, 15], R [-6, -2]
        assert spans == [[0, 10], [-5, 0], [-2, 0], [10, 30], [0, 15], [-6, -2]]
        assert list(line(ax, "zero").get_xdata()) == [0.0, 0.0]  # drawn as parts are negative

    def test_top_and_names(self, synthetic: IndexResult, par: CompositeIndex) -> None:
        """top=5 keeps five rows; index= names the domains in the legend."""
        ax = ax_of(index_contributions(synthetic, top=5, index=par))
        assert len(ax.get_yticklabels()) == 5
        assert len(ax.patches) == 8 * 5
        legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
        assert legend == [c.name for c in par.children]

    def test_a_node_below_the_index(self, synthetic: IndexResult, par: CompositeIndex) -> None:
        """node= shows the criteria of one domain, whose contributions add up to its score."""
        node = "e_government"
        kids = [c.code for c in par.node(node).children]
        ax = ax_of(index_contributions(synthetic, node=node))
        assert [c[0].get_gid() for c in ax.containers] == kids
        totals = np.sum([widths(c) for c in ax.containers], axis=0)
        assert totals[0] == pytest.approx(np.nanmax(synthetic.score(node)))

    def test_geometric_aggregation_has_no_contributions(self) -> None:
        """Under a geometric mean the children have no additive parts: a DefinitionError says so."""
        data = Observations.from_values({"a": [90, 70, 40], "b": [20, 60, 70]}, ["W", "X", "Y"])
        result = compute_index(SMALL, data, aggregation=Method("geometric", shift=1))
        with pytest.raises(DefinitionError, match="node 'i' is not aggregated arithmetically"):
            index_contributions(result)

    def test_a_leaf_has_no_children(self, small: IndexResult) -> None:
        """An indicator has nothing to decompose."""
        with pytest.raises(DefinitionError, match="node 'a' is an indicator"):
            index_contributions(small, node="a")

    def test_a_node_without_any_score(self) -> None:
        """A node where no unit has a score has nothing to plot (min_share 1, a child missing everywhere)."""
        idx = CompositeIndex(
            "j", children=[Node("d", children=[Node("a"), Node("b")], min_share=1), Node("c")]
        )
        data = Observations.from_values({"a": [90, NAN], "b": [NAN, 60], "c": [1, 2]}, ["W", "X"])
        with pytest.raises(DefinitionError, match="no unit has a score at node 'd'"):
            index_contributions(compute_index(idx, data), node="d")

    def test_unknown_node(self, small: IndexResult) -> None:
        """A node not in the index is named in the error."""
        with pytest.raises(UnknownIndicatorError, match="node 'nope' is not in index 'i'"):
            index_contributions(small, node="nope")

    def test_many_children_get_distinct_colours(self) -> None:
        """Twelve children (beyond tab10) still get twelve different colours."""
        codes = [f"x{k}" for k in range(12)]
        idx = CompositeIndex("m", children=[Node(c) for c in codes])
        data = Observations.from_values(
            {c: [1.0 + k, 2.0] for k, c in enumerate(codes)}, ["U", "V"]
        )
        ax = ax_of(index_contributions(compute_index(idx, data)))
        colours = {matplotlib.colors.to_hex(c[0].get_facecolor()) for c in ax.containers}
        assert len(colours) == 12


# ---------------------------------------------------------------------- rank intervals


class TestRankIntervals:
    def test_markers_and_intervals_in_nominal_rank_order(self, mc: Uncertainty) -> None:
        """Rows by nominal rank; nominal and median markers and one interval per unit."""
        ax = ax_of(rank_intervals(mc))
        assert ticks(ax) == ["X", "Y", "W", "Z"]
        nominal = line(ax, "nominal")
        assert nominal.get_xdata().tolist() == [1.0, 2.0, 3.0, 4.0]
        assert nominal.get_ydata().tolist() == [0.0, 1.0, 2.0, 3.0]
        order = [1, 2, 0, 3]  # X, Y, W, Z
        assert line(ax, "median").get_xdata().tolist() == mc.rank_median()[order].tolist()
        (intervals,) = by_gid(ax.collections, "intervals")
        assert isinstance(intervals, LineCollection)
        segments = [seg[:, 0].tolist() for seg in intervals.get_segments()]
        assert segments == [[1, 2], [1, 3], [1, 4], [3, 4]]  # the module's table

    def test_rank_target_line(self, mc: Uncertainty) -> None:
        """The analysis' rank target (2) is a vertical line between ranks 2 and 3, "top 2"."""
        ax = ax_of(rank_intervals(mc))
        target = line(ax, "rank_target")
        assert list(target.get_xdata()) == [2.5, 2.5]
        assert target.get_label() == "top 2"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "5–95 % interval",
            "nominal rank",
            "median rank",
            "top 2",
        ]

    def test_rank_target_of_your_own(self, mc: Uncertainty) -> None:
        """rank_target= overrides the analysis' own."""
        ax = ax_of(rank_intervals(mc, rank_target=3))
        assert line(ax, "rank_target").get_label() == "top 3"

    def test_no_rank_target_no_line(self) -> None:
        """Without any rank target there is no target line."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        data = Observations.from_values({"a": [3, 2, 1], "b": [1, 3, 2]}, ["A", "B", "C"])
        u = uncertainty(idx, data, n=50, seed=1, weights=0.2)
        ax = ax_of(rank_intervals(u))
        assert not by_gid(ax.lines, "rank_target")
        assert [line.get_gid() for line in ax.lines] == ["nominal", "median"]

    def test_coverage_changes_the_interval(self, mc: Uncertainty) -> None:
        """coverage=0.5 draws the 25–75 % interval, as Uncertainty.rank_interval gives it."""
        ax = ax_of(rank_intervals(mc, coverage=0.5))
        lo, hi = mc.rank_interval(coverage=0.5)
        order = [1, 2, 0, 3]
        segments = [seg[:, 0].tolist() for seg in ax.collections[0].get_segments()]
        assert segments == [[lo[j], hi[j]] for j in order]
        assert ax.collections[0].get_label() == "25–75 % interval"

    def test_top_limits_the_units(self, mc: Uncertainty) -> None:
        """top=2 keeps the two best by nominal rank."""
        ax = ax_of(rank_intervals(mc, top=2))
        assert ticks(ax) == ["X", "Y"]
        assert len(line(ax, "nominal").get_xdata()) == 2
        assert len(ax.collections[0].get_segments()) == 2

    def test_a_unit_without_data(self) -> None:
        """A unit never ranked comes last: no interval, NaN markers, a "no data" text."""
        data = Observations.from_values(
            {"a": [90, 70, 40, NAN], "b": [20, 60, 70, NAN]}, ["W", "X", "Y", "Z"]
        )
        u = uncertainty(SMALL, data, n=200, seed=2, weights=WeightNoise(0.5))
        ax = ax_of(rank_intervals(u))
        assert ticks(ax)[-1] == "Z"
        assert len(ax.collections[0].get_segments()) == 3
        assert np.isnan(line(ax, "nominal").get_xdata()[-1])
        assert np.isnan(line(ax, "median").get_xdata()[-1])
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == ["no data"]

    def test_a_kept_node_below_the_index(self, par: CompositeIndex) -> None:
        """node= draws the ranks at a kept node; the title names it."""
        obs = datasets.index_observations()
        u = uncertainty(
            par, obs, n=30, seed=1, weights=0.3, nodes=["par-style-demo", "e_government"]
        )
        ax = ax_of(rank_intervals(u, node="e_government", top=5))
        nominal = u.nominal.rank("e_government")
        assert line(ax, "nominal").get_xdata().tolist() == sorted(nominal[nominal > 0].tolist())[:5]
        assert ax.get_title().startswith("ranks at e_government over 30 replications (seed 1)")

    def test_highlight_and_names(self, mc: Uncertainty) -> None:
        """names= labels the rows; a highlighted unit's label is bold."""
        ax = ax_of(rank_intervals(mc, names={"Y": "Tỉnh Bắc Ninh"}, highlight="Y"))
        assert ticks(ax) == ["X", "Tỉnh Bắc Ninh", "W", "Z"]
        assert [t.get_fontweight() == "bold" for t in ax.get_yticklabels()] == [
            False,
            True,
            False,
            False,
        ]

    def test_points_uncertainty(self) -> None:
        """The rank intervals of a points tree (a PointsResult as nominal) draw the same way."""
        s = points.load_structure("pci-2016")
        vals = {c.code: [c.maximum * f for f in (0.9, 0.5, 0.7)] for c in s.leaves()}
        u = points_uncertainty(s, vals, ["A", "B", "C"], n=200, seed=1)
        fig = rank_intervals(u)
        assert ticks(ax_of(fig)) == ["A", "C", "B"]
        assert note_texts(fig) == []

    def test_no_unit_with_data(self) -> None:
        """With no unit ranked, every row says "no data" and the legend has no interval entry."""
        data = Observations.from_values({"a": [NAN, NAN, NAN], "b": [NAN, NAN, NAN]}, list("ABC"))
        u = uncertainty(SMALL, data, n=20, seed=1, weights=0.3)
        ax = ax_of(rank_intervals(u))
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == ["no data"] * 3
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "nominal rank",
            "median rank",
        ]

    def test_unknown_node(self, mc: Uncertainty) -> None:
        """A node that was not kept is named in the error."""
        with pytest.raises(UnknownIndicatorError, match="node 'nope' was not kept"):
            rank_intervals(mc, node="nope")

    @pytest.mark.parametrize("coverage", [0, 1, 1.5, -0.1])
    def test_bad_coverage(self, mc: Uncertainty, coverage: float) -> None:
        """coverage must be strictly between 0 and 1."""
        with pytest.raises(DefinitionError, match="'coverage' must be between 0 and 1"):
            rank_intervals(mc, coverage=coverage)

    @pytest.mark.parametrize("target", [0, 2.5, True])
    def test_bad_rank_target(self, mc: Uncertainty, target: Any) -> None:
        """rank_target must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'rank_target' must be a whole number >= 1"):
            rank_intervals(mc, rank_target=target)

    def test_bad_top(self, mc: Uncertainty) -> None:
        """top must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'top' must be a whole number >= 1"):
            rank_intervals(mc, top=0)


# ---------------------------------------------------------------------- score intervals


def hand_built() -> Uncertainty:
    """Eleven replications at one node "idx", five units, every number set by hand.

    Scores (np.nanquantile is linear: the q quantile of m values sits at
    position q (m - 1) of the sorted values):

    * A: 10, 20, ..., 110 shuffled; 5 %: position 0.5 -> 15; 95 %: position
      9.5 -> 105; median 60. Nominal 55, rank 2; ranks 1 x3, 2 x5, 3 x3, so
      the 5 % rank is 1 (3 >= 0.55) and the 95 % rank 3 (11 >= 10.45).
    * B: 80 every time, so 80-80, median 80. Nominal 80, rank 1; ranks 1 x8,
      2 x3: 5 % rank 1, 95 % rank 2 (8 < 10.45 <= 11).
    * C: never scored. Nominal none, rank 0.
    * D: 16, 18, ..., 26 in six replications, none in five; 5 %: position
      0.25 -> 16.5; 95 %: position 4.75 -> 25.5; median (20 + 22) / 2 = 21.
      Nominal 28 (outside the interval: the index's own choices need not be
      among the replications), rank 3; rank 3 in all six: "rank 3".
    * E: 40 and 50 in two replications only; 5 %: 40 + 0.05 x 10 = 40.5;
      95 %: 49.5; median 45. No nominal score (rank 0); ranks 2 x1, 3 x1:
      5 % rank 2 (1 >= 0.1), 95 % rank 3 (2 >= 1.9).

    Rows by nominal rank: B, A, D, then E (scored in some replications),
    then C (never scored), though C comes before E among the units.
    """
    scores = np.full((11, 1, 5), NAN)
    scores[:, 0, 0] = [60, 10, 110, 30, 90, 20, 50, 100, 40, 80, 70]
    scores[:, 0, 1] = 80.0
    scores[:6, 0, 3] = [26, 16, 24, 18, 22, 20]
    scores[:2, 0, 4] = [50, 40]
    counts = np.array(
        [
            [
                [0, 3, 5, 3, 0, 0],  # A
                [0, 8, 3, 0, 0, 0],  # B
                [11, 0, 0, 0, 0, 0],  # C
                [5, 0, 0, 6, 0, 0],  # D
                [9, 0, 1, 1, 0, 0],  # E
            ]
        ]
    )
    return Uncertainty(
        nominal=None,
        units=("A", "B", "C", "D", "E"),
        nodes=("idx",),
        nominal_scores=np.array([[55.0, 80.0, NAN, 28.0, NAN]]),
        nominal_ranks=np.array([[2, 1, 0, 3, 0]]),
        scores=scores,
        counts=counts,
        n=11,
        seed=None,
        settings={"weights": "by hand"},
        note="made up",
    )


@pytest.fixture(scope="module")
def hand() -> Uncertainty:
    return hand_built()


def segments(ax: Axes) -> list[list[float]]:
    """The x ends of each interval line, top row first."""
    (intervals,) = by_gid(ax.collections, "intervals")
    assert isinstance(intervals, LineCollection)
    return [seg[:, 0].tolist() for seg in intervals.get_segments()]


def rank_texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in by_gid(ax.texts, "rank")]


class TestScoreIntervals:
    def test_rows_follow_the_nominal_rank(self, hand: Uncertainty) -> None:
        """B (rank 1), A (2), D (3), then E (scored only in replications), then C (never)."""
        ax = ax_of(score_intervals(hand))
        assert ticks(ax) == ["B", "A", "D", "E", "C"]
        assert line(ax, "nominal").get_ydata().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
        bottom, top = ax.get_ylim()
        assert bottom > top  # the first row is drawn at the top

    def test_intervals_are_the_score_quantiles(self, hand: Uncertainty) -> None:
        """One line per unit with a score, from its 5 % to its 95 % score (see hand_built)."""
        ax = ax_of(score_intervals(hand))
        assert segments(ax) == [[80.0, 80.0], [15.0, 105.0], [16.5, 25.5], [40.5, 49.5]]
        (intervals,) = by_gid(ax.collections, "intervals")
        assert [seg[:, 1].tolist() for seg in intervals.get_segments()] == [
            [0.0, 0.0],
            [1.0, 1.0],
            [2.0, 2.0],
            [3.0, 3.0],
        ]

    def test_markers_at_the_nominal_and_median_scores(self, hand: Uncertainty) -> None:
        """One marker of each kind per row, NaN where there is no such score."""
        ax = ax_of(score_intervals(hand))
        nominal = line(ax, "nominal").get_xdata()
        median = line(ax, "median").get_xdata()
        assert len(nominal) == len(median) == 5
        np.testing.assert_array_equal(nominal, [80.0, 55.0, 28.0, NAN, NAN])
        np.testing.assert_array_equal(median, [80.0, 60.0, 21.0, 45.0, NAN])
        assert [ln.get_gid() for ln in ax.lines] == ["nominal", "median"]

    def test_rank_intervals_written_beside_the_lines(self, hand: Uncertainty) -> None:
        """Each scored row says its rank interval, one rank alone when it never moves."""
        ax = ax_of(score_intervals(hand))
        texts = by_gid(ax.texts, "rank")
        assert [t.get_text() for t in texts] == ["rank 1–2", "rank 1–3", "rank 3", "rank 2–3"]
        # at the right end of what the row draws: B 80, A max(105, 55, 60),
        # D max(25.5, 28, 21) (its nominal score beyond the line), E 49.5 (no nominal)
        assert [t.xy for t in texts] == [(80.0, 0.0), (105.0, 1.0), (28.0, 2.0), (49.5, 3.0)]
        assert all(t.xyann[0] > 0 for t in texts)  # right of that end

    def test_never_scored_units_say_no_data(self, hand: Uncertainty) -> None:
        """C, never scored, has no line and no rank text, only "no data" on its (last) row."""
        ax = ax_of(score_intervals(hand))
        (missing,) = by_gid(ax.texts, "no-data")
        assert missing.get_text() == "no data"
        assert missing.get_position()[1] == 4.0

    def test_nobody_scored(self, hand: Uncertainty) -> None:
        """A node where no unit ever has a score: every row says "no data", no line is drawn."""
        empty = attrs.evolve(
            hand,
            nominal_scores=np.full((1, 5), NAN),
            nominal_ranks=np.zeros((1, 5), dtype=np.int64),
            scores=np.full((11, 1, 5), NAN),
            counts=np.pad(np.full((1, 5, 1), 11), ((0, 0), (0, 0), (0, 5))),
        )
        ax = ax_of(score_intervals(empty))
        assert ticks(ax) == ["A", "B", "C", "D", "E"]
        assert segments(ax) == []
        assert [t.get_text() for t in by_gid(ax.texts, "no-data")] == ["no data"] * 5
        assert rank_texts(ax) == []
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["nominal score", "median score"]  # no empty interval entry

    def test_room_for_the_rank_texts(self, hand: Uncertainty) -> None:
        """The x axis reaches past the longest line (105) by 30 % of the drawn span (105 - 15)."""
        ax = ax_of(score_intervals(hand))
        left, right = ax.get_xlim()
        assert left == pytest.approx(15 - 0.05 * 90)
        assert right == pytest.approx(105 + 0.3 * 90)

    def test_top_keeps_the_best(self, hand: Uncertainty) -> None:
        """top=2 keeps B and A: two lines, two markers of each kind, two rank texts, no "no data"."""
        ax = ax_of(score_intervals(hand, top=2))
        assert ticks(ax) == ["B", "A"]
        assert segments(ax) == [[80.0, 80.0], [15.0, 105.0]]
        assert len(line(ax, "nominal").get_xdata()) == len(line(ax, "median").get_xdata()) == 2
        assert rank_texts(ax) == ["rank 1–2", "rank 1–3"]
        assert not by_gid(ax.texts, "no-data")
        assert "the best 2 of 5 units" in ax.get_title()

    def test_coverage_changes_both_intervals(self, hand: Uncertainty) -> None:
        """coverage=0.2 draws the 40–60 % intervals of the scores and of the ranks."""
        ax = ax_of(score_intervals(hand, coverage=0.2, top=2))
        # A's scores: positions 0.4 x 10 = 4 and 0.6 x 10 = 6 of 10, 20, ..., 110 -> 50 and 70
        assert segments(ax) == [[80.0, 80.0], [50.0, 70.0]]
        # B's rank counts 8, 3: 0.4 x 11 = 4.4 and 0.6 x 11 = 6.6 both <= 8 -> rank 1 alone;
        # A's 3, 5, 3: 4.4 and 6.6 both > 3 and <= 8 -> rank 2 alone
        assert rank_texts(ax) == ["rank 1", "rank 2"]
        assert ax.collections[0].get_label() == "40–60 % interval"

    def test_agrees_with_the_analysis(self, mc: Uncertainty) -> None:
        """On a real analysis every drawn number is the Uncertainty's own, in nominal-rank order."""
        ax = ax_of(score_intervals(mc))
        assert ticks(ax) == ["X", "Y", "W", "Z"]
        order = np.argsort(mc.nominal_ranks[0], kind="stable")
        lo, hi = mc.score_interval()
        assert segments(ax) == [[lo[j], hi[j]] for j in order]
        assert line(ax, "nominal").get_xdata().tolist() == mc.nominal_scores[0][order].tolist()
        assert line(ax, "median").get_xdata().tolist() == mc.score_median()[order].tolist()
        # the rank intervals of TestRankIntervals (the module's table)
        assert rank_texts(ax) == ["rank 1–2", "rank 1–3", "rank 1–4", "rank 3–4"]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "5–95 % interval",
            "nominal score",
            "median score",
        ]

    def test_synthetic_rows_are_sorted_by_nominal_rank(self, par: CompositeIndex) -> None:
        """On the 63 provinces the rows' nominal ranks never decrease downwards."""
        u = uncertainty(par, datasets.index_observations(), n=50, seed=1, weights=0.3)
        ax = ax_of(score_intervals(u))
        rank_of = dict(zip(u.units, u.nominal_ranks[0].tolist(), strict=True))
        ranks = [rank_of[code] for code in ticks(ax)]
        assert len(ranks) == 63
        assert ranks == sorted(ranks)
        assert ranks[0] == 1

    def test_synthetic_note_once(self, par: CompositeIndex) -> None:
        """The synthetic data's note is at the bottom once, also after a second plot on the figure."""
        u = uncertainty(par, datasets.index_observations(), n=50, seed=1, weights=0.3)
        fig = score_intervals(u, top=10)
        assert note_texts(fig) == [SYNTHETIC_NOTE]
        assert [t.get_text() for t in fig.texts] == [SYNTHETIC_NOTE]
        both = Figure(layout="constrained")
        left, right = both.subplots(1, 2)
        assert score_intervals(u, ax=left, top=5) is both
        assert rank_intervals(u, ax=right, top=5) is both
        assert note_texts(both) == [SYNTHETIC_NOTE]

    def test_no_note_without_one(self, mc: Uncertainty) -> None:
        """An analysis without a note gives a figure without one."""
        assert score_intervals(mc).texts == []

    def test_hand_built_note(self, hand: Uncertainty) -> None:
        """The analysis' own note is the one written."""
        assert note_texts(score_intervals(hand)) == ["made up"]

    def test_a_kept_node_below_the_index(self, par: CompositeIndex) -> None:
        """node= draws the scores at a kept node; the definition names it in the title."""
        obs = datasets.index_observations()
        u = uncertainty(
            par, obs, n=30, seed=1, weights=0.3, nodes=["par-style-demo", "e_government"]
        )
        ax = ax_of(score_intervals(u, node="e_government", top=5, index=par))
        lo, hi = u.score_interval("e_government")
        order = np.argsort(u.nominal_ranks[1], kind="stable")[:5]
        assert segments(ax) == [[lo[j], hi[j]] for j in order]
        name = par.node("e_government").name
        assert ax.get_title().startswith(f"{name} (e_government)\nscores over 30 replications")
        assert ax.get_xlabel() == "score at e_government"

    def test_names_and_highlight(self, hand: Uncertainty) -> None:
        """names= labels the rows; the highlighted unit's line is orange and its texts bold."""
        provinces = {"A": "Tỉnh Bắc Ninh", "D": "Thành phố Huế"}
        ax = ax_of(score_intervals(hand, names=provinces, highlight="A"))
        assert ticks(ax) == ["B", "Tỉnh Bắc Ninh", "Thành phố Huế", "E", "C"]
        assert [t.get_fontweight() == "bold" for t in ax.get_yticklabels()] == [
            False,
            True,
            False,
            False,
            False,
        ]
        assert [t.get_fontweight() == "bold" for t in by_gid(ax.texts, "rank")] == [
            False,
            True,
            False,
            False,
        ]
        colors = [matplotlib.colors.to_hex(c) for c in ax.collections[0].get_colors()]
        assert colors[1] == "#d95f02"
        assert len(set(colors) - {"#d95f02"}) == 1

    def test_a_hierarchy_names_the_units(self, par: CompositeIndex) -> None:
        """A Hierarchy of provinces names the rows."""
        u = uncertainty(par, datasets.index_observations(), n=20, seed=1, weights=0.3)
        provinces = datasets.provinces_2024()
        ax = ax_of(score_intervals(u, names=provinces, top=3))
        name_of = dict(zip(provinces.codes, provinces.names, strict=True))
        best = [u.units[j] for j in np.argsort(u.nominal_ranks[0], kind="stable")[:3]]
        assert ticks(ax) == [name_of[c] for c in best]

    def test_default_title(self, hand: Uncertainty, mc: Uncertainty) -> None:
        """The title names the node, the replications, the seed when there is one, and what varied."""
        assert ax_of(score_intervals(hand)).get_title() == (
            "idx\nscores over 11 replications\nvaried: weights by hand"
        )
        seeded = ax_of(score_intervals(mc)).get_title()
        assert seeded.startswith("i\nscores over 2000 replications (seed 1)\nvaried: weights")

    def test_a_title_of_your_own(self, hand: Uncertainty) -> None:
        """title= replaces the default."""
        assert ax_of(score_intervals(hand, title="Khoảng điểm")).get_title() == "Khoảng điểm"

    def test_an_existing_axes_is_used(self, hand: Uncertainty) -> None:
        """With ax= the chart goes into that axes and its figure is returned."""
        fig, axes = plt.subplots(1, 2)
        assert score_intervals(hand, ax=axes[1]) is fig
        assert len(segments(axes[1])) == 4
        assert not axes[0].lines

    def test_points_uncertainty(self) -> None:
        """A points tree's analysis (a PointsResult as nominal) draws the same way."""
        s = points.load_structure("pci-2016")
        vals = {c.code: [c.maximum * f for f in (0.9, 0.5, 0.7)] for c in s.leaves()}
        u = points_uncertainty(s, vals, ["A", "C", "B"], n=200, seed=1)
        ax = ax_of(score_intervals(u))
        assert ticks(ax) == ["A", "B", "C"]
        assert len(segments(ax)) == 3

    def test_index_of_the_node_is_accepted(self, hand: Uncertainty) -> None:
        """Without a nominal IndexResult, a definition holding the node names it."""
        idx = CompositeIndex("idx", name="Chỉ số thử", children=[Node("a"), Node("b")])
        ax = ax_of(score_intervals(hand, index=idx))
        assert ax.get_title().startswith("Chỉ số thử (idx)\n")

    def test_definition_of_another_index(self, mc: Uncertainty, par: CompositeIndex) -> None:
        """index= must be the definition the analysis ran on."""
        with pytest.raises(DefinitionError, match="the result is of index 'i', but 'index' is"):
            score_intervals(mc, index=par)

    def test_definition_without_the_node(self, hand: Uncertainty, par: CompositeIndex) -> None:
        """Without a nominal IndexResult, a definition lacking the node is refused."""
        with pytest.raises(
            DefinitionError, match="node 'idx' of the analysis is not a node of index 'par-style"
        ):
            score_intervals(hand, index=par)

    def test_unknown_node(self, hand: Uncertainty) -> None:
        """A node that was not kept is named in the error."""
        with pytest.raises(UnknownIndicatorError, match="node 'nope' was not kept; the kept"):
            score_intervals(hand, node="nope")

    @pytest.mark.parametrize("coverage", [0, 1, 1.5, -0.1])
    def test_bad_coverage(self, hand: Uncertainty, coverage: float) -> None:
        """coverage must be strictly between 0 and 1."""
        with pytest.raises(DefinitionError, match="'coverage' must be between 0 and 1"):
            score_intervals(hand, coverage=coverage)

    @pytest.mark.parametrize("top", [0, 2.5, True])
    def test_bad_top(self, hand: Uncertainty, top: Any) -> None:
        """top must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'top' must be a whole number >= 1"):
            score_intervals(hand, top=top)

    def test_unknown_highlight(self, hand: Uncertainty) -> None:
        """A highlighted unit not in the analysis is named."""
        with pytest.raises(UnknownUnitError, match="cannot highlight unit 'Q'"):
            score_intervals(hand, highlight="Q")

    @pytest.mark.parametrize("font", [None, "cmr10"])
    def test_vietnamese_names_render_without_missing_glyphs(
        self, hand: Uncertainty, par: CompositeIndex, font: str | None
    ) -> None:
        """Province names, the index's name and a Vietnamese title draw without a warning."""
        u = uncertainty(par, datasets.index_observations(), n=20, seed=1, weights=0.3)
        rc = {} if font is None else {"font.family": [font], "axes.formatter.use_mathtext": True}
        names = {"A": "Tỉnh Vĩnh Phúc", "B": "Thành phố Hà Nội", "D": "Tỉnh Đắk Nông"}
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            warnings.simplefilter("error")
            figures = [
                score_intervals(
                    u, names=datasets.provinces_2024(), index=par, highlight="26", top=15
                ),
                score_intervals(hand, names=names, title="Khoảng điểm và thứ hạng"),
            ]
            for fig in figures:
                render(fig)
        assert "Tỉnh Vĩnh Phúc" in ticks(figures[1].axes[0])


# ---------------------------------------------------------------------- sensitivity


class TestSensitivityBars:
    def test_two_bars_per_factor(self, sens: Sensitivity) -> None:
        """First-order and total bars, one per factor, at the estimates."""
        ax = ax_of(sensitivity_bars(sens))
        assert ticks(ax, "x") == ["weights", "normalisation"]
        first, total = (c for c in ax.containers if isinstance(c, BarContainer))
        assert (first.get_label(), total.get_label()) == ("first order", "total")
        assert [p.get_height() for p in first] == sens.first_order.tolist()
        assert [p.get_height() for p in total] == sens.total.tolist()
        assert len(ax.patches) == 4
        # the first-order bar left of the factor's tick, the total bar right of it
        assert [p.get_x() + p.get_width() / 2 for p in first] == pytest.approx([-0.19, 0.81])
        assert [p.get_x() + p.get_width() / 2 for p in total] == pytest.approx([0.19, 1.19])

    def test_error_bars_span_the_bootstrap_intervals(self, sens: Sensitivity) -> None:
        """Each error bar goes from the interval's low end to its high end."""
        ax = ax_of(sensitivity_bars(sens))
        bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(bars) == 2
        for container, interval in zip(
            bars, (sens.first_order_interval, sens.total_interval), strict=True
        ):
            (segments,) = [c.get_segments() for c in container.lines[2]]
            ends = [sorted(seg[:, 1].tolist()) for seg in segments]
            assert np.ravel(ends) == pytest.approx(interval.ravel())
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["first order", "total", "bootstrap 90 % interval"]

    def test_no_bootstrap_no_error_bars(self) -> None:
        """bootstrap=0: bars only."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        data = Observations.from_values({"a": [3, 2, 1], "b": [1, 3, 2]}, ["A", "B", "C"])
        s = sensitivity(idx, data, n=50, seed=1, weights=0.5, bootstrap=0)
        ax = ax_of(sensitivity_bars(s))
        assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(ax.patches) == 2

    def test_title_names_the_output(self, sens: Sensitivity) -> None:
        """The title says whose variance is decomposed, at which node, with how many runs."""
        title = ax_of(sensitivity_bars(sens)).get_title()
        assert sens.output in " ".join(title.splitlines())
        assert title.splitlines()[-1] == "at node 'i'; 1200 runs (n = 300), seed 1"  # 300 x (2 + 2)

    def test_ranks_that_never_move(self) -> None:
        """When the ranks never move there is nothing to decompose, and the plot says so."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        data = Observations.from_values({"a": [90, 50, 10], "b": [90, 50, 10]}, ["A", "B", "C"])
        s = sensitivity(idx, data, n=50, seed=1, weights=0.1)
        assert s.variance == 0.0
        ax = ax_of(sensitivity_bars(s))
        (text,) = by_gid(ax.texts, "no-variance")
        assert text.get_text() == "the ranks never moved: no variance to decompose"
        assert ax.get_ylim() == pytest.approx((-0.02, 1.05))


# ---------------------------------------------------------------------- notes and axes


class TestNoteAndAxes:
    def test_synthetic_note_once(self, synthetic: IndexResult, par: CompositeIndex) -> None:
        """Every plot built on the synthetic data carries the note, exactly once."""
        obs = datasets.index_observations()
        u = uncertainty(par, obs, n=20, seed=1, weights=0.3, rank_target=15)
        s = sensitivity(par, obs, n=20, seed=1, weights=0.3, bootstrap=0)
        figures = [
            index_scores(synthetic),
            index_contributions(synthetic),
            rank_intervals(u),
            sensitivity_bars(s),
        ]
        for fig in figures:
            assert note_texts(fig) == [SYNTHETIC_NOTE]
            assert [t.get_text() for t in fig.texts] == [SYNTHETIC_NOTE]

    def test_no_note_without_one(
        self, small: IndexResult, mc: Uncertainty, sens: Sensitivity
    ) -> None:
        """Data without a note give figures without one."""
        for fig in (
            index_scores(small),
            index_contributions(small),
            rank_intervals(mc),
            sensitivity_bars(sens),
        ):
            assert fig.texts == []

    def test_two_plots_on_one_figure_carry_one_note(self, synthetic: IndexResult) -> None:
        """Drawing twice into one figure writes the note once."""
        fig = Figure(layout="constrained")
        left, right = fig.subplots(1, 2)
        assert index_scores(synthetic, ax=left, top=5) is fig
        assert index_contributions(synthetic, ax=right, top=5) is fig
        assert note_texts(fig) == [SYNTHETIC_NOTE]

    def test_an_existing_axes_is_used(
        self, small: IndexResult, mc: Uncertainty, sens: Sensitivity
    ) -> None:
        """With ax= each function draws into that axes and returns its figure."""
        fig, axes = plt.subplots(2, 2)
        drawn = [
            index_scores(small, ax=axes[0, 0]),
            index_contributions(small, ax=axes[0, 1]),
            rank_intervals(mc, ax=axes[1, 0]),
            sensitivity_bars(sens, ax=axes[1, 1]),
        ]
        assert all(d is fig for d in drawn)
        assert len(fig.axes) == 4
        assert len(axes[0, 0].patches) == 3
        assert len(axes[0, 1].patches) == 6
        assert [line.get_gid() for line in axes[1, 0].lines][:2] == ["nominal", "median"]
        assert len(axes[1, 1].patches) == 4

    def test_titles_of_your_own(
        self, small: IndexResult, mc: Uncertainty, sens: Sensitivity
    ) -> None:
        """title= replaces the default title of every plot."""
        figures = [
            index_contributions(small, title="Đóng góp"),
            rank_intervals(mc, title="Xếp hạng"),
            sensitivity_bars(sens, title="Độ nhạy"),
        ]
        assert [ax_of(f).get_title() for f in figures] == ["Đóng góp", "Xếp hạng", "Độ nhạy"]

    def test_default_titles_without_a_seed(self) -> None:
        """Without a seed given, the titles report the seed drawn for the run."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        data = Observations.from_values({"a": [3, 2, 1], "b": [1, 3, 2]}, ["A", "B", "C"])
        u = uncertainty(idx, data, n=20, weights=0.5)
        s = sensitivity(idx, data, n=20, weights=0.5, bootstrap=0)
        assert (
            ax_of(rank_intervals(u))
            .get_title()
            .startswith(f"ranks at i over 20 replications (seed {u.seed})\n")
        )
        assert (
            ax_of(sensitivity_bars(s))
            .get_title()
            .endswith(f"at node 'i'; 60 runs (n = 20), seed {s.seed}")
        )

    def test_new_figures_grow_with_the_units(
        self, small: IndexResult, synthetic: IndexResult
    ) -> None:
        """A figure of 63 rows is taller than one of 4."""
        assert index_scores(synthetic).get_figheight() > index_scores(small).get_figheight()


# ---------------------------------------------------------------------- result methods


class TestResultPlotMethods:
    def test_index_result_plot_kinds(self, small: IndexResult) -> None:
        """IndexResult.plot draws the scores (default) and the contributions, passing options on."""
        scores = small.plot(top=2)
        assert isinstance(scores, Figure)
        assert ticks(ax_of(scores)) == ["1. X", "1. Y"]
        contributions = small.plot("contributions")
        assert isinstance(contributions, Figure)
        assert len(ax_of(contributions).containers) == 2

    def test_index_result_unknown_kind(self, small: IndexResult) -> None:
        """An unknown kind lists the kinds."""
        with pytest.raises(
            DefinitionError,
            match="unknown plot kind 'nope'; the kinds are 'scores', 'contributions'",
        ):
            small.plot("nope")

    def test_uncertainty_plot(self, mc: Uncertainty) -> None:
        """Uncertainty.plot draws the rank intervals at the node asked for."""
        fig = mc.plot(node="i", top=3)
        assert isinstance(fig, Figure)
        assert ticks(ax_of(fig)) == ["X", "Y", "W"]

    def test_sensitivity_plot(self, sens: Sensitivity) -> None:
        """Sensitivity.plot draws the bars."""
        fig = sens.plot()
        assert isinstance(fig, Figure)
        assert len(ax_of(fig).patches) == 4


# ---------------------------------------------------------------------- Vietnamese text


class TestVietnamese:
    @pytest.mark.parametrize("font", [None, "cmr10"])
    def test_vietnamese_names_render_without_missing_glyphs(
        self, synthetic: IndexResult, par: CompositeIndex, mc: Uncertainty, font: str | None
    ) -> None:
        """Province names, titles and legends in Vietnamese draw without a warning, whatever the font."""
        provinces = datasets.provinces_2024()
        rc = {} if font is None else {"font.family": [font], "axes.formatter.use_mathtext": True}
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            warnings.simplefilter("error")
            figures = [
                index_scores(synthetic, names=provinces, index=par, highlight="26"),
                index_contributions(synthetic, names=provinces, top=10, index=par),
                rank_intervals(
                    mc, names={"W": "Tỉnh Vĩnh Phúc", "X": "Thành phố Hà Nội"}, title="Xếp hạng"
                ),
            ]
            for fig in figures:
                render(fig)
        assert "Tỉnh Vĩnh Phúc" in " ".join(ticks(figures[0].axes[0]))


# ---------------------------------------------------------------------- imports


class TestImports:
    def test_the_private_module_can_be_imported_first(self) -> None:
        """Importing _plot_index before plot works (plot re-exports it at its end), without matplotlib."""
        code = (
            "import sys, cchc_indicators.report._plot_index as p, cchc_indicators.report.plot as q; "
            "print(q.index_scores is p.index_scores, 'matplotlib' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.split() == ["True", "False"]
