"""Tests of cchc_indicators.composite.uncertainty: weight noise, Monte Carlo uncertainty, sensitivity, points trees.

Expected values are worked out by hand beside each case. Monte Carlo
estimates are checked against their exact value within a tolerance derived
from their standard error; everything that must hold exactly (the nominal
result without noise, the same seed, the chunk size) is compared with ``==``.
Properties are named after the law they check.
"""

from __future__ import annotations

import html
import importlib
import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_indicators import datasets, points
from cchc_indicators.composite import (
    CompositeIndex,
    Method,
    Node,
    Observations,
    compute_index,
    load_index,
)
from cchc_indicators.composite.uncertainty import (
    Dirichlet,
    Sensitivity,
    Uncertainty,
    WeightNoise,
    draw_weights,
    points_uncertainty,
    sensitivity,
    uncertainty,
)
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, UnknownIndicatorError

unc_module = importlib.import_module("cchc_indicators.composite.uncertainty")

NAN = math.nan

# --- shared cases --------------------------------------------------------------------------

UNITS = ("U1", "U2", "U3", "U4", "U5", "U6")
COMPLETE = {
    "a": [90.0, 70.0, 40.0, 20.0, 55.0, 63.0],
    "b": [20.0, 50.0, 70.0, 60.0, 45.0, 38.0],
    "c": [5.0, 9.0, 2.0, 7.0, 4.0, 6.0],
    "e": [33.0, 80.0, 10.0, 50.0, 60.0, 71.0],
    "f": [1.0, 3.0, 8.0, 2.0, 6.0, 4.0],
}
# U2 lacks 'a' and 'c' (1 of 3 children of d1 present), U4 lacks 'e', U6 lacks 'f'.
GAPPY = {
    "a": [90.0, NAN, 40.0, 20.0, 55.0, 63.0],
    "b": [20.0, 50.0, 70.0, 60.0, 45.0, 38.0],
    "c": [5.0, NAN, 2.0, 7.0, 4.0, 6.0],
    "e": [33.0, 80.0, 10.0, NAN, 60.0, 71.0],
    "f": [1.0, 3.0, 8.0, 2.0, 6.0, NAN],
}

AGGREGATIONS: list[Any] = [
    "arithmetic",
    {"name": "geometric", "shift": 1},
    "harmonic",
    {"name": "generalised", "p": 0.5},
    "median",
    "copeland",
]


def two_level(
    aggregation: object = "arithmetic",
    *,
    min_share: float | None = None,
    normalisation: object = None,
    imputation: object = "none",
) -> CompositeIndex:
    """i -> d1 (a, b (weight 2), c (lower is better)) weight 3, d2 (e, f (weight 0.5))."""
    return CompositeIndex(
        "i",
        children=[
            Node(
                "d1",
                children=[Node("a"), Node("b", weight=2), Node("c", direction=-1)],
                weight=3,
            ),
            Node("d2", children=[Node("e"), Node("f", weight=0.5)]),
        ],
        normalisation=normalisation or Method("minmax", low=1, high=100),
        aggregation=aggregation,
        min_share=min_share,
        imputation=imputation,
        weight_sets={"flat": {"d1": 1, "b": 1}},
    )


def observations(values: Mapping[str, Sequence[float]] = COMPLETE) -> Observations:
    return Observations.from_values(values, UNITS)


def assert_exactly(replicated: np.ndarray, nominal: np.ndarray) -> None:
    """Every replication equals ``nominal`` bit for bit, NaN where it is NaN."""
    full = np.broadcast_to(nominal, replicated.shape)
    missing = np.isnan(full)
    assert (np.isnan(replicated) == missing).all()
    assert (replicated[~missing] == full[~missing]).all()


def assert_ranks_nominal(u: Uncertainty) -> None:
    """Every replication gave every unit its nominal rank at every kept node."""
    node, unit = np.indices(u.nominal_ranks.shape)
    assert (u.counts[node, unit, u.nominal_ranks] == u.n).all()


# Three units with two leaves, no normalisation:
#   X: a = 10, b = 10   arithmetic 10, geometric 10
#   Y: a = 1,  b = 21   arithmetic 11, geometric sqrt(21) = 4.58
#   Z: a = 2,  b = 2    arithmetic 2,  geometric 2
# so arithmetic ranks Y, X, Z and geometric ranks X, Y, Z.
SWAP_INDEX = CompositeIndex("i", children=[Node("a"), Node("b")], normalisation="none")
SWAP_DATA = Observations.from_values({"a": [10, 1, 2], "b": [10, 21, 2]}, ["X", "Y", "Z"])


# --- 1. WeightNoise and Dirichlet ----------------------------------------------------------


class TestWeightSpecs:
    @pytest.mark.parametrize("factor", [-0.1, 1.5, math.nan, True, "0.2", None])
    def test_noise_factor_outside_0_to_1_refused(self, factor: object) -> None:
        """A noise factor must be a number from 0 to 1 (not a bool)."""
        with pytest.raises(DefinitionError, match="a weight noise factor must be from 0 to 1"):
            WeightNoise(factor)  # type: ignore[arg-type]

    @pytest.mark.parametrize("factor", [0, 0.25, 1])
    def test_noise_factor_bounds_accepted(self, factor: float) -> None:
        """0 and 1 are allowed and stored as floats."""
        assert WeightNoise(factor).factor == float(factor)

    @pytest.mark.parametrize("concentration", [0, -1.0, math.nan, True, "5"])
    def test_concentration_must_be_positive(self, concentration: object) -> None:
        """A Dirichlet concentration must be a number > 0 (not a bool)."""
        with pytest.raises(DefinitionError, match="a Dirichlet concentration must be > 0"):
            Dirichlet(concentration)  # type: ignore[arg-type]

    @pytest.mark.parametrize("levels", [0, -1, [1, 0], [1, True], True, [], "1", 1.5, [2.0]])
    def test_levels_must_be_whole_numbers_from_1(self, levels: object) -> None:
        """Levels are whole numbers >= 1; bools, floats, text and empty lists are refused."""
        with pytest.raises(DefinitionError, match="'levels' must be whole numbers >= 1"):
            WeightNoise(0.1, levels=levels)  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="'levels' must be whole numbers >= 1"):
            Dirichlet(10, levels=levels)  # type: ignore[arg-type]

    def test_levels_sorted_and_deduplicated(self) -> None:
        """One level becomes a 1-tuple; several are sorted without repeats."""
        assert WeightNoise(0.1, levels=2).levels == (2,)
        assert Dirichlet(5, levels=[3, 1, 3]).levels == (1, 3)
        assert WeightNoise(0.1).levels is None

    def test_varies(self) -> None:
        """Noise varies unless the factor is 0 or the concentration infinite."""
        assert WeightNoise(0.1).varies
        assert not WeightNoise(0).varies
        assert Dirichlet(50).varies
        assert not Dirichlet(math.inf).varies

    @pytest.mark.parametrize("weights", ["0.2", True, [0.1]])
    def test_bad_weights_argument_refused(self, weights: object) -> None:
        """uncertainty(weights=) takes a factor, WeightNoise, Dirichlet or None only."""
        with pytest.raises(DefinitionError, match="'weights' must be a noise factor"):
            uncertainty(two_level(), observations(), n=2, weights=weights)  # type: ignore[arg-type]


# --- 2. draw_weights -----------------------------------------------------------------------

# root(0) -> A(1), B(2); A -> a1(3), a2(4), a3(5, weight 0); B -> b1(6), b2(7); a2 -> only(8)
PARENT = np.array([-1, 0, 0, 1, 1, 1, 2, 2, 4], dtype=np.int64)
LEVEL = np.array([0, 1, 1, 2, 2, 2, 2, 2, 3], dtype=np.int64)
BASE = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 0.0, 5.0, 5.0, 4.0])


class TestDrawWeights:
    def test_noise_stays_within_factor(self) -> None:
        """Each noisy weight lies in w (1 - f) .. w (1 + f) and uses most of that range."""
        w = draw_weights(WeightNoise(0.25), BASE, PARENT, LEVEL, 5000, np.random.default_rng(1))
        assert w.shape == (5000, 9)
        assert (w >= BASE * 0.75).all()
        assert (w <= BASE * 1.25).all()
        ratio = w[:, 1:5] / BASE[1:5]
        # Uniform on [0.75, 1.25]: in 5000 draws the extremes come within 0.01 of the ends.
        assert ratio.min() < 0.76
        assert ratio.max() > 1.24
        assert w[:, 0].tolist() == [1.0] * 5000  # the root is never varied
        assert (w[:, 5] == 0).all()  # 0 (1 + f u) = 0

    def test_noise_levels_restrict_the_nodes(self) -> None:
        """With levels=2 only the level-2 nodes vary; the others keep their weights exactly."""
        w = draw_weights(
            WeightNoise(0.5, levels=2), BASE, PARENT, LEVEL, 200, np.random.default_rng(2)
        )
        for col in (0, 1, 2, 8):
            assert (w[:, col] == BASE[col]).all()
        for col in (3, 4, 6, 7):
            assert np.unique(w[:, col]).size > 100

    def test_dirichlet_keeps_each_sibling_total(self) -> None:
        """Dirichlet shares move, but each sibling group still sums to its nominal total."""
        w = draw_weights(Dirichlet(20), BASE, PARENT, LEVEL, 1000, np.random.default_rng(3))
        np.testing.assert_allclose(w[:, 3:6].sum(axis=1), 3.0, rtol=1e-12)  # 1 + 2 + 0
        np.testing.assert_allclose(w[:, 6] + w[:, 7], 10.0, rtol=1e-12)  # 5 + 5
        assert (w[:, 0] == 1.0).all()
        assert np.unique(w[:, 3]).size == 1000

    def test_dirichlet_keeps_the_top_level_total(self) -> None:
        """The index's children (level 1) also keep their nominal total, 2 + 3 = 5."""
        w = draw_weights(Dirichlet(20), BASE, PARENT, LEVEL, 1000, np.random.default_rng(3))
        np.testing.assert_allclose(w[:, 1] + w[:, 2], 5.0, rtol=1e-12)

    def test_dirichlet_zero_weight_and_only_child_stay_nominal(self) -> None:
        """A zero-weight sibling stays 0; an only child keeps its weight (g / g = 1)."""
        w = draw_weights(Dirichlet(5), BASE, PARENT, LEVEL, 300, np.random.default_rng(4))
        assert (w[:, 5] == 0.0).all()
        assert (w[:, 8] == 4.0).all()

    def test_dirichlet_mean_is_the_nominal_share(self) -> None:
        """The mean drawn share is the nominal one, within 5 standard errors of the Dirichlet."""
        n, c = 20000, 20.0
        w = draw_weights(Dirichlet(c), BASE, PARENT, LEVEL, n, np.random.default_rng(5))
        # Group A: shares 1/3, 2/3, 0; group B: 1/2, 1/2; level 1: 2/5, 3/5.
        # Shares are taken within each drawn sibling group.
        group = {1: [1, 2], 3: [3, 4, 5], 4: [3, 4, 5], 6: [6, 7]}
        cases = [(3, 1 / 3), (4, 2 / 3), (6, 0.5), (1, 0.4)]
        for col, share in cases:
            drawn = w[:, col] / w[:, group[col]].sum(axis=1)
            # Var(share) = s (1 - s) / (c + 1); the mean of n draws has variance Var / n.
            se = math.sqrt(share * (1 - share) / (c + 1) / n)
            assert abs(drawn.mean() - share) < 5 * se
            # The variance itself matches s (1 - s) / (c + 1) within 10 %.
            assert drawn.var() == pytest.approx(share * (1 - share) / (c + 1), rel=0.1)

    def test_dirichlet_levels_restrict_the_nodes(self) -> None:
        """Dirichlet(levels=1) varies the top-level shares only."""
        w = draw_weights(
            Dirichlet(10, levels=1), BASE, PARENT, LEVEL, 100, np.random.default_rng(6)
        )
        assert (w[:, 3:] == BASE[3:]).all()
        assert np.unique(w[:, 1]).size == 100

    def test_dirichlet_tiny_concentration_gives_no_nan(self) -> None:
        """Dirichlet(0.001) on two equal siblings: every gamma draw may underflow, no weight is NaN.

        Each sibling's shape is 0.001 x 1/2 = 0.0005, and P(Gamma(0.0005) < 1e-308) =
        about exp(0.0005 ln 1e-308) = 0.70, so about half the draws used to underflow
        both siblings to 0 and give 0 / 0 (rows 3, 5, 7 and 9 with seed 0).
        """
        base = np.array([1.0, 1.0, 1.0])
        parent = np.array([-1, 0, 0], dtype=np.int64)
        level = np.array([0, 1, 1], dtype=np.int64)
        w = draw_weights(Dirichlet(1e-3), base, parent, level, 10, np.random.default_rng(0))
        assert np.isfinite(w).all()
        np.testing.assert_allclose(w[:, 1] + w[:, 2], 2.0, rtol=1e-15)
        assert ((w[:, 1:] >= 0) & (w[:, 1:] <= 2)).all()
        assert (w[:, 0] == 1.0).all()

    def test_dirichlet_vanishing_concentration_gives_one_sibling_everything(self) -> None:
        """As the concentration goes to 0, one sibling takes the whole total, with P = its share.

        Dirichlet(5e-324) (the smallest float): shapes 1.25e-324 and 3.75e-324 are
        subnormal, far below any gamma draw's resolution. Sibling 1 (share 1/4) wins
        a draw with probability 1/4: in 4000 draws, 1000 +- 5 sqrt(4000 x 3/16) = 1000 +- 137.
        """
        base = np.array([1.0, 1.0, 3.0])
        parent = np.array([-1, 0, 0], dtype=np.int64)
        level = np.array([0, 1, 1], dtype=np.int64)
        w = draw_weights(Dirichlet(5e-324), base, parent, level, 4000, np.random.default_rng(1))
        assert np.isfinite(w).all()
        assert set(map(tuple, w[:, 1:].tolist())) == {(4.0, 0.0), (0.0, 4.0)}
        assert abs((w[:, 1] == 4.0).sum() - 1000) < 137

    @pytest.mark.parametrize("c", [1e-3, 0.5])
    def test_dirichlet_mean_is_the_nominal_share_for_small_concentrations(self, c: float) -> None:
        """Shapes below 1 (drawn as Gamma(a + 1) U^(1/a)) still average to the nominal shares."""
        base = np.array([1.0, 0.1, 0.3, 0.6])
        parent = np.array([-1, 0, 0, 0], dtype=np.int64)
        level = np.array([0, 1, 1, 1], dtype=np.int64)
        n = 20000
        w = draw_weights(Dirichlet(c), base, parent, level, n, np.random.default_rng(9))
        assert np.isfinite(w).all()
        for col, share in [(1, 0.1), (2, 0.3), (3, 0.6)]:
            # Var(share) = s (1 - s) / (c + 1); the mean of n draws has variance Var / n.
            var = share * (1 - share) / (c + 1)
            assert abs(w[:, col].mean() - share) < 5 * math.sqrt(var / n)
            assert w[:, col].var() == pytest.approx(var, rel=0.1)

    def test_dirichlet_on_a_root_alone_keeps_its_weight(self) -> None:
        """A tree of the root alone has no siblings to share with: its weight stays."""
        root = np.array([2.0])
        top = np.array([-1], dtype=np.int64)
        w = draw_weights(Dirichlet(0.5), root, top, np.array([0]), 3, np.random.default_rng(0))
        assert w.tolist() == [[2.0], [2.0], [2.0]]

    def test_dirichlet_huge_concentration_stays_at_the_nominal_shares(self) -> None:
        """Dirichlet(1e308): gamma draws near 1e308 whose sum overflows; the shares are nominal."""
        w = draw_weights(Dirichlet(1e308), BASE, PARENT, LEVEL, 50, np.random.default_rng(2))
        np.testing.assert_allclose(w, np.broadcast_to(BASE, w.shape), rtol=1e-9)

    def test_dirichlet_tiny_concentration_index_has_no_nan_score(self) -> None:
        """uncertainty() with Dirichlet(0.001): a unit with every value has a score in every run."""
        u = uncertainty(SWAP_INDEX, SWAP_DATA, n=40, seed=0, weights=Dirichlet(1e-3))
        assert np.isfinite(u.scores).all()
        # X (10, 10) scores 10 whatever the weights; Y and Z lie between their two values.
        np.testing.assert_allclose(u.scores[:, 0, 0], 10.0, rtol=1e-12)
        assert ((u.scores[:, 0, 1] >= 1 - 1e-9) & (u.scores[:, 0, 1] <= 21 + 1e-9)).all()

    @pytest.mark.parametrize("spec", [None, WeightNoise(0), Dirichlet(math.inf)])
    def test_no_noise_gives_nominal_weights_exactly(self, spec: object) -> None:
        """No spec, factor 0 and infinite concentration repeat the nominal weights exactly."""
        w = draw_weights(spec, BASE, PARENT, LEVEL, 4, np.random.default_rng(7))  # type: ignore[arg-type]
        assert w.shape == (4, 9)
        assert (w == BASE).all()
        w[0, 0] = 99.0  # a writeable copy, not a view of BASE
        assert BASE[0] == 1.0


# --- 3. uncertainty() ----------------------------------------------------------------------


class TestNominalReproduced:
    @pytest.mark.parametrize("aggregation", AGGREGATIONS)
    @pytest.mark.parametrize("values", [COMPLETE, GAPPY], ids=["complete", "gappy"])
    @pytest.mark.parametrize("min_share", [None, 0.6])
    def test_zero_noise_equals_nominal_exactly(
        self, aggregation: object, values: Mapping[str, Sequence[float]], min_share: float | None
    ) -> None:
        """Without noise or alternatives every replication is the nominal result, bit for bit."""
        idx = two_level(aggregation, min_share=min_share)
        data = observations(values)
        u = uncertainty(idx, data, n=9, seed=4, chunk=4, weights=None)
        assert u.nominal == compute_index(idx, data)
        assert_exactly(u.scores, u.nominal.scores)
        assert_ranks_nominal(u)
        if values is COMPLETE:
            assert (u.scores == u.nominal.scores).all()

    def test_gappy_case_has_missing_scores(self) -> None:
        """The gappy case really has units without a score under min_share (U2 at d1 and i)."""
        # U2 has 1 of 3 children of d1 (share 1/3 < 0.6), so d1 is missing, and then
        # only d2 of the index's 2 children (share 1/2 < 0.6).
        r = compute_index(two_level(min_share=0.6), observations(GAPPY))
        assert math.isnan(r.score("d1")[1])
        assert math.isnan(r.score()[1])
        assert r.reason[0, 1] == "insufficient_data"

    @pytest.mark.parametrize("weights", [0, 0.0, WeightNoise(0), Dirichlet(math.inf), None])
    def test_every_form_of_no_noise(self, weights: object) -> None:
        """A zero factor, WeightNoise(0) and Dirichlet(inf) all keep the nominal weights."""
        u = uncertainty(two_level(), observations(), n=5, seed=1, weights=weights)  # type: ignore[arg-type]
        assert (u.scores == u.nominal.scores).all()
        assert u.settings == {"nothing": "(nominal only)"}

    def test_per_level_aggregation_nominal(self) -> None:
        """An index with one method per level is also reproduced exactly."""
        idx = two_level(["copeland", {"name": "geometric", "shift": 1}])
        u = uncertainty(idx, observations(GAPPY), n=6, seed=2, weights=None)
        assert_exactly(u.scores, u.nominal.scores)

    @pytest.mark.parametrize("base_weights", ["flat", {"d1": 2, "f": 1}, "pca"])
    def test_base_weights(self, base_weights: object) -> None:
        """The nominal result uses base_weights (a set, a mapping or PCA) and is reproduced."""
        idx, data = two_level(), observations()
        u = uncertainty(idx, data, n=4, seed=0, weights=None, base_weights=base_weights)  # type: ignore[arg-type]
        assert u.nominal == compute_index(idx, data, weights=base_weights)  # type: ignore[arg-type]
        assert (u.scores == u.nominal.scores).all()
        if base_weights == "flat":
            assert u.nominal.weights["d1"] == 1.0
            assert u.nominal.weights["b"] == 1.0
        elif base_weights == "pca":
            assert u.nominal.weight_set == "pca"
            assert u.nominal.weights["a"] != 1.0

    def test_noise_is_drawn_around_the_base_weights(self) -> None:
        """Noise multiplies the base weights: a base weight of 0 for d2 stays 0, so i = d1."""
        idx, data = two_level(), observations()
        u = uncertainty(idx, data, n=40, seed=6, weights=0.5, base_weights={"d2": 0})
        d1 = u.nominal.nodes.index("d1")
        np.testing.assert_allclose(u.scores[:, 0], u.scores[:, d1], rtol=1e-12)
        assert u.scores[:, d1].std(axis=0).max() > 0  # the leaves' weights did vary


class TestReproducible:
    def test_same_seed_same_result(self) -> None:
        """The same seed gives an equal Uncertainty; another seed different scores."""
        kw: dict[str, Any] = {
            "n": 60,
            "weights": 0.3,
            "normalisation": ["minmax", "zscore"],
            "aggregation": ["arithmetic", "median"],
        }
        one = uncertainty(two_level(), observations(), seed=11, **kw)
        two = uncertainty(two_level(), observations(), seed=11, **kw)
        other = uncertainty(two_level(), observations(), seed=12, **kw)
        assert one == two
        assert (one.scores == two.scores).all()
        assert (one.counts == two.counts).all()
        assert not np.array_equal(one.scores, other.scores)

    @pytest.mark.parametrize("weights", [WeightNoise(0.4), Dirichlet(8)])
    def test_chunk_size_does_not_change_the_result(self, weights: object) -> None:
        """Chunks of 1, 7, n and the default give identical scores and counts."""
        kw: dict[str, Any] = {
            "n": 23,
            "seed": 5,
            "weights": weights,
            "normalisation": ["minmax", "percentile_rank"],
            "aggregation": ["arithmetic", {"name": "geometric", "shift": 1}, "copeland"],
            "imputation": ["none", "mean"],
        }
        idx, data = two_level(min_share=0.6), observations(GAPPY)
        runs = [uncertainty(idx, data, chunk=c, **kw) for c in (1, 7, 23, None)]
        for other in runs[1:]:
            assert_exactly(other.scores, runs[0].scores)
            assert (other.counts == runs[0].counts).all()

    def test_scores_tied_in_exact_arithmetic_share_rank_1_in_every_chunking(self) -> None:
        """Issue 11: every unit scores 50.5 exactly, so every unit ranks 1 in every replication."""
        # d0 = (x00), d1 = (x10, x11). One value per indicator: min-max to 1-100 gives the
        # midpoint 50.5 to it. U0 has d0 = 50.5 and d1 = 50.5 (x10 alone); U1-U3 have d1 =
        # 50.5 (x11 alone) and no d0. The index is 50.5 for all four whatever the weights,
        # but w * 50.5 / w is computed one unit in the last place off in some replications.
        idx = CompositeIndex(
            "i",
            children=[
                Node("d0", children=[Node("x00")]),
                Node("d1", children=[Node("x10"), Node("x11")]),
            ],
            normalisation=Method("minmax", low=1, high=100),
        )
        data = Observations.from_values(
            {"x00": [0, NAN, NAN, NAN], "x10": [0, NAN, NAN, NAN], "x11": [NAN, 0, 0, 0]},
            ["U0", "U1", "U2", "U3"],
        )
        kw: dict[str, Any] = {"n": 25, "seed": 0, "weights": WeightNoise(1.0)}
        runs = [uncertainty(idx, data, chunk=c, **kw) for c in (1, 4, None)]
        for u in runs:
            np.testing.assert_allclose(u.scores[:, 0], 50.5, rtol=1e-14)
            assert (u.counts[0, :, 1] == 25).all()
            assert u.nominal.rank().tolist() == [1, 1, 1, 1]
        for other in runs[1:]:
            assert_exactly(other.scores, runs[0].scores)
            assert (other.counts == runs[0].counts).all()

    def test_progress_reports_each_chunk(self) -> None:
        """progress(done, n) is called after each chunk, increasing, ending at n."""
        calls: list[tuple[int, int]] = []
        uncertainty(
            two_level(),
            observations(),
            n=20,
            seed=1,
            weights=0.2,
            chunk=7,
            progress=lambda done, n: calls.append((done, n)),
        )
        assert calls == [(7, 20), (14, 20), (20, 20)]

    def test_progress_with_alternatives_ends_at_n(self) -> None:
        """With alternatives too, done only grows, the total is always n, and the last call is n."""
        calls: list[tuple[int, int]] = []
        uncertainty(
            two_level(),
            observations(),
            n=50,
            seed=1,
            weights=0.2,
            aggregation=["arithmetic", "median", "copeland"],
            normalisation=["minmax", "zscore"],
            chunk=4,
            progress=lambda done, n: calls.append((done, n)),
        )
        done = [d for d, _ in calls]
        assert all(a < b for a, b in itertools.pairwise(done))
        assert {t for _, t in calls} == {50}
        assert calls[-1] == (50, 50)
        assert len(calls) >= 50 // 4


class TestRankStatistics:
    def test_two_alternatives_split_the_ranks(self) -> None:
        """Arithmetic or geometric, drawn evenly: X and Y share ranks 1 and 2 about half each."""
        n = 4000
        u = uncertainty(
            SWAP_INDEX,
            SWAP_DATA,
            n=n,
            seed=3,
            weights=None,
            aggregation=["arithmetic", "geometric"],
        )
        p = u.rank_probabilities()
        # P(X first) is binomial(n, 1/2) / n: standard error sqrt(0.25 / n) = 0.0079.
        assert abs(p[0, 0] - 0.5) < 4 * math.sqrt(0.25 / n)
        # Exactly the replications where X is first are those where Y is second.
        assert p[0, 0] == p[1, 1]
        assert p[0, 1] == p[1, 0]
        assert u.counts[0, 0, 1] + u.counts[0, 0, 2] == n
        assert p[2].tolist() == [0.0, 0.0, 1.0]
        assert u.counts[0, :, 0].tolist() == [0, 0, 0]
        lo, hi = u.rank_interval()
        assert lo.tolist() == [1, 1, 3]
        assert hi.tolist() == [2, 2, 3]
        assert u.p_rank_at_most(2).tolist() == [1.0, 1.0, 0.0]
        assert u.p_rank_at_most(3).tolist() == [1.0, 1.0, 1.0]
        # Nominal (the index's own arithmetic): Y 11, X 10, Z 2.
        assert u.nominal.rank().tolist() == [2, 1, 3]

    def test_single_alternative_gives_one_ranking(self) -> None:
        """aggregation=["geometric"] always ranks X, Y, Z: probabilities 0/1 and exact quantiles."""
        u = uncertainty(
            SWAP_INDEX, SWAP_DATA, n=50, seed=0, weights=None, aggregation=["geometric"]
        )
        # geometric: X sqrt(10 * 10) = 10, Y sqrt(1 * 21) = 4.583, Z sqrt(2 * 2) = 2
        np.testing.assert_allclose(u.scores[:, 0], [[10.0, math.sqrt(21), 2.0]] * 50, rtol=1e-12)
        assert u.rank_probabilities().tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        for q in (0.0, 0.05, 0.5, 0.95, 1.0):
            assert u.rank_quantile(q).tolist() == [1, 2, 3]
        assert u.rank_median().tolist() == [1, 2, 3]
        assert u.p_rank_at_most(1).tolist() == [1.0, 0.0, 0.0]
        assert u.p_rank_at_most(2).tolist() == [1.0, 1.0, 0.0]
        assert u.p_rank_at_most(7).tolist() == [1.0, 1.0, 1.0]
        assert u.nominal.rank().tolist() == [2, 1, 3]
        assert u.settings == {"aggregation": "geometric"}


def constructed(rank_target: int | None = 2) -> Uncertainty:
    """A 10-replication Uncertainty with hand-set counts and scores, one node, four units."""
    counts = np.array(
        [
            [
                [0, 1, 3, 0, 6],  # A: rank 1 once, 2 three times, 4 six times
                [5, 0, 0, 5, 0],  # B: no score 5 times, rank 3 five times
                [10, 0, 0, 0, 0],  # C: never a score
                [0, 4, 4, 2, 0],  # D: rank 1 four times, 2 four times, 3 twice
            ]
        ]
    )
    scores = np.empty((10, 1, 4))
    scores[:, 0, 0] = [9, 1, 7, 2, 5, 4, 3, 6, 1, 9]  # sorted: 1 1 2 3 4 5 6 7 9 9
    scores[:, 0, 1] = [10, 20, 30, 40, 50, NAN, NAN, NAN, NAN, NAN]
    scores[:, 0, 2] = NAN
    scores[:, 0, 3] = 7.0
    return Uncertainty(
        nominal=None,
        units=("A", "B", "C", "D"),
        nodes=("idx",),
        nominal_scores=np.array([[4.5, 30.0, NAN, 7.0]]),
        nominal_ranks=np.array([[2, 1, 0, 3]]),
        scores=scores,
        counts=counts,
        n=10,
        seed=None,
        settings={"weights": "by hand"},
        rank_target=rank_target,
        note="made up",
    )


class TestConstructed:
    def test_rank_probabilities(self) -> None:
        """P(rank = r) is the count over n; 'no score' is left out, so rows may sum below 1."""
        assert constructed().rank_probabilities().tolist() == [
            [0.1, 0.3, 0.0, 0.6],
            [0.0, 0.0, 0.5, 0.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.4, 0.4, 0.2, 0.0],
        ]

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            # A's CDF over ranks 1..4: 0.1, 0.4, 0.4, 1.0; D's: 0.4, 0.8, 1.0, 1.0.
            # B has rank 3 whenever it has one; C never has one (0).
            (0.0, [1, 3, 0, 1]),
            (0.1, [1, 3, 0, 1]),  # A: 0.1 >= 0.1 at rank 1
            (0.2, [2, 3, 0, 1]),
            (0.4, [2, 3, 0, 1]),  # A: 0.4 >= 0.4 at rank 2
            (0.41, [4, 3, 0, 2]),  # A skips rank 3 (no mass)
            (0.5, [4, 3, 0, 2]),
            (0.8, [4, 3, 0, 2]),  # D: 0.8 >= 0.8 at rank 2
            (0.9, [4, 3, 0, 3]),
            (1.0, [4, 3, 0, 3]),
        ],
    )
    def test_rank_quantile_is_the_inverted_cdf(self, q: float, expected: list[int]) -> None:
        """The q quantile is the smallest rank r with P(rank <= r | ranked) >= q."""
        assert constructed().rank_quantile(q).tolist() == expected

    def test_median_and_intervals(self) -> None:
        """The median is the 0.5 quantile; the interval the (1 -+ coverage) / 2 quantiles."""
        u = constructed()
        assert u.rank_median().tolist() == [4, 3, 0, 2]
        lo, hi = u.rank_interval()
        assert lo.tolist() == [1, 3, 0, 1]  # q = 0.05
        assert hi.tolist() == [4, 3, 0, 3]  # q = 0.95
        lo, hi = u.rank_interval(coverage=0.5)
        assert lo.tolist() == [2, 3, 0, 1]  # q = 0.25
        assert hi.tolist() == [4, 3, 0, 2]  # q = 0.75

    def test_p_rank_at_most(self) -> None:
        """P(rank <= k) adds the probabilities of ranks 1..k."""
        u = constructed()
        assert u.p_rank_at_most(1).tolist() == [0.1, 0.0, 0.0, 0.4]
        np.testing.assert_allclose(u.p_rank_at_most(2), [0.4, 0.0, 0.0, 0.8])
        np.testing.assert_allclose(u.p_rank_at_most(4), [1.0, 0.5, 0.0, 1.0])
        np.testing.assert_allclose(u.p_rank_at_most(10), [1.0, 0.5, 0.0, 1.0])

    @pytest.mark.parametrize("q", [-0.01, 1.01, math.nan])
    def test_quantile_out_of_range(self, q: float) -> None:
        """A quantile outside 0..1 is refused."""
        with pytest.raises(DefinitionError, match="a quantile must be from 0 to 1"):
            constructed().rank_quantile(q)

    @pytest.mark.parametrize("k", [0, -3, True, 1.5, "2"])
    def test_p_rank_at_most_needs_a_whole_number(self, k: object) -> None:
        """k must be a whole number >= 1, not a bool."""
        with pytest.raises(DefinitionError, match="a rank target must be a whole number >= 1"):
            constructed().p_rank_at_most(k)  # type: ignore[arg-type]

    @pytest.mark.parametrize("coverage", [1.5, 2.0])
    def test_rank_interval_coverage_above_1(self, coverage: float) -> None:
        """A coverage above 1 is refused, naming the coverage."""
        with pytest.raises(DefinitionError, match="'coverage' must be between 0 and 1"):
            constructed().rank_interval(coverage=coverage)

    def test_rank_interval_negative_coverage_refused(self) -> None:
        """A negative coverage is refused like score_interval's (it would give lo > hi)."""
        with pytest.raises(DefinitionError, match="'coverage' must be between 0 and 1"):
            constructed().rank_interval(coverage=-0.5)

    @pytest.mark.parametrize("coverage", [0, 1, -0.2, 1.2])
    def test_score_interval_coverage_refused(self, coverage: float) -> None:
        """score_interval needs 0 < coverage < 1."""
        with pytest.raises(DefinitionError, match="'coverage' must be between 0 and 1"):
            constructed().score_interval(coverage=coverage)

    def test_score_interval_and_median_with_nan(self) -> None:
        """NaN scores are left out; a unit that never has a score gets NaN."""
        u = constructed()
        lo, hi = u.score_interval(coverage=0.8)
        # Linear quantiles at 0.1 and 0.9. A (10 values): positions 0.9 and 8.1 of
        # 1 1 2 3 4 5 6 7 9 9, between equal values: 1 and 9. B (5 values, NaN left
        # out): positions 0.4 and 3.6 of 10 20 30 40 50: 14 and 46.
        np.testing.assert_allclose(lo[[0, 1, 3]], [1.0, 14.0, 7.0])
        np.testing.assert_allclose(hi[[0, 1, 3]], [9.0, 46.0, 7.0])
        assert math.isnan(lo[2])
        assert math.isnan(hi[2])
        med = u.score_median()
        assert med[[0, 1, 3]].tolist() == [4.5, 30.0, 7.0]
        assert math.isnan(med[2])

    def test_scores_without_nan_use_plain_quantiles(self) -> None:
        """Complete scores: the interval and median are the ordinary ones."""
        u = uncertainty(SWAP_INDEX, SWAP_DATA, n=3, seed=0, weights=None, aggregation=["geometric"])
        lo, hi = u.score_interval()
        assert (lo == hi).all()
        assert u.score_median().tolist() == lo.tolist()

    def test_no_warning_for_a_unit_without_data(self) -> None:
        """A unit with no score gives NaN quietly (errors-on-warnings would otherwise fail)."""
        u = constructed()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            u.score_median()
            u.score_interval()

    def test_unknown_kept_node(self) -> None:
        """Asking for a node that was not kept names the kept nodes."""
        u = constructed()
        for call in (
            lambda: u.rank_median("other"),
            lambda: u.score_interval("other"),
            lambda: u.table(node="other"),
        ):
            with pytest.raises(
                UnknownIndicatorError, match="node 'other' was not kept; the kept nodes are idx"
            ):
                call()

    def test_to_records(self) -> None:
        """Records carry nominal and interval values, None where there is none, and P(top K)."""
        rows = constructed().to_records()
        assert list(rows[0]) == [
            "unit",
            "node",
            "score",
            "rank",
            "score_p05",
            "score_median",
            "score_p95",
            "rank_p05",
            "rank_median",
            "rank_p95",
            "p_top_2",
            "replications",
            "seed",
            "varied",
            "note",
        ]
        a, b, c, d = rows
        assert a["score"] == 4.5
        assert a["rank"] == 2
        assert (a["rank_p05"], a["rank_median"], a["rank_p95"]) == (1, 4, 4)
        assert a["p_top_2"] == pytest.approx(0.4)
        assert c == {
            "unit": "C",
            "node": "idx",
            "score": None,
            "rank": None,
            "score_p05": None,
            "score_median": None,
            "score_p95": None,
            "rank_p05": None,
            "rank_median": None,
            "rank_p95": None,
            "p_top_2": 0.0,
            "replications": 10,
            "seed": None,
            "varied": "weights by hand",
            "note": "made up",
        }
        assert b["score_median"] == 30.0
        assert d["p_top_2"] == pytest.approx(0.8)
        assert "p_top_2" not in constructed(None).to_records()[0]

    def test_table(self) -> None:
        """The table lists units by nominal rank (none last), then the settings and the note."""
        lines = constructed().table().splitlines()
        assert lines[0].split() == [
            "rank",
            "unit",
            "score",
            "score",
            "5–95",
            "%",
            "median",
            "rank",
            "rank",
            "5–95",
            "%",
            "P(top",
            "2)",
        ]
        assert [line.split()[1] for line in lines[2:6]] == ["B", "A", "D", "C"]
        # C: no rank, no score, no interval.
        assert lines[5].split() == ["—", "C", "—", "—–—", "—", "—–—", "0.00"]
        # A: rank 2, score 4.5, scores 1–9 (5 % and 95 % fall between the two 1s and
        # the two 9s), median rank 4, ranks 1–4, P(top 2) = 0.1 + 0.3 = 0.40.
        assert lines[3].split() == ["2", "A", "4.5", "1.0–9.0", "4", "1–4", "0.40"]
        assert lines[-2] == "10 replications, seed None; varied: weights by hand"
        assert lines[-1] == "made up"
        assert "P(top" not in constructed(None).table()


class TestUncertaintyOptions:
    def test_nodes_subset(self) -> None:
        """nodes= keeps those nodes in that order; the first is the summaries' default."""
        idx, data = two_level(), observations()
        u = uncertainty(idx, data, n=30, seed=1, weights=0.3, nodes=["d2", "i"])
        assert u.nodes == ("d2", "i")
        assert u.scores.shape == (30, 2, 6)
        assert u.nominal_scores.tolist() == [
            u.nominal.score("d2").tolist(),
            u.nominal.score().tolist(),
        ]
        assert u.rank_median().tolist() == u.rank_median("d2").tolist()
        assert u.counts.shape == (2, 6, 7)
        assert {r["node"] for r in u.to_records()} == {"d2", "i"}
        with pytest.raises(UnknownIndicatorError, match="was not kept"):
            u.rank_median("d1")

    def test_unknown_node(self) -> None:
        """A node not in the index is refused before any replication."""
        with pytest.raises(UnknownIndicatorError, match="node 'zz' is not in index 'i'"):
            uncertainty(two_level(), observations(), n=2, nodes=["i", "zz"])

    def test_by_default_the_weights_vary_as_in_the_cli(self) -> None:
        """Issue 11: the default varies the weights by ±25 %, as cchc index --uncertainty does."""
        from cchc_indicators.cli._index_options import DEFAULT_NOISE as CLI_NOISE

        assert unc_module.DEFAULT_NOISE == CLI_NOISE == 0.25
        idx, data = two_level(), observations()
        u = uncertainty(idx, data, n=200, seed=3)
        assert u.settings == {"weights": "noise ±0.25"}
        assert u == uncertainty(idx, data, n=200, seed=3, weights=WeightNoise(0.25))
        lo, hi = u.score_interval()
        assert (hi - lo > 0).all()
        assert u.scores[:, 0].std(axis=0).min() > 0
        s = sensitivity(idx, data, n=50, seed=3, bootstrap=0)
        assert s.factors == ("weights",)

    @pytest.mark.parametrize("factor", [1e300, 1.7e308 / 3, 5e-324, 1e-300])
    @pytest.mark.parametrize("noise", [WeightNoise(0.3), Dirichlet(20)])
    def test_monte_carlo_does_not_depend_on_scale_of_weights(
        self, factor: float, noise: object
    ) -> None:
        """Every weight times 1e300, 5.7e307 (sums overflow) or 5e-324 (no noise survives in a
        subnormal weight): the same replications, as each family is scaled by a power of two."""
        idx, data = two_level(), observations(GAPPY)
        kw: dict[str, Any] = {"n": 30, "seed": 4, "weights": noise}
        plain = uncertainty(idx, data, **kw)
        base = dict.fromkeys(plain.nominal.weights, factor)
        scaled = uncertainty(idx, data, base_weights=base, **kw)
        ones = uncertainty(idx, data, base_weights=dict.fromkeys(base, 1.0), **kw)
        np.testing.assert_allclose(scaled.scores, ones.scores, rtol=1e-12)
        assert (scaled.counts == ones.counts).all()

    @pytest.mark.parametrize("noise", [WeightNoise(0.3), Dirichlet(20)])
    def test_each_family_is_scaled_by_its_own_largest_weight(self, noise: object) -> None:
        """d1's children weigh 1e300 times their nominal weights, d2's 1e-300 times, the domains
        1e150 times: the replications of weights of those families at scale 1."""
        idx, data = two_level(), observations(GAPPY)
        kw: dict[str, Any] = {"n": 30, "seed": 4, "weights": noise}
        plain = uncertainty(idx, data, **kw)
        factor = {"a": 1e300, "b": 1e300, "c": 1e300, "e": 1e-300, "f": 1e-300}
        base = {k: w * factor.get(k, 1e150) for k, w in plain.nominal.weights.items()}
        mixed = uncertainty(idx, data, base_weights=base, **kw)
        ones = uncertainty(idx, data, base_weights=dict(plain.nominal.weights), **kw)
        np.testing.assert_allclose(mixed.scores, ones.scores, rtol=1e-12)
        assert (mixed.counts == ones.counts).all()

    def test_a_family_is_scaled_by_its_largest_weight_wherever_it_stands(self) -> None:
        """f (the last node) weighs 1e300 beside e's 1e-300: d2 is f's score, as with e at 0.

        Scaling d2's family by e's weight instead of the largest would overflow f's.
        """
        idx, data = two_level(), observations(GAPPY)
        kw: dict[str, Any] = {"n": 30, "seed": 4, "weights": WeightNoise(0.3)}
        nominal = uncertainty(idx, data, **kw).nominal.weights
        apart = uncertainty(idx, data, base_weights={**nominal, "e": 1e-300, "f": 1e300}, **kw)
        alone = uncertainty(idx, data, base_weights={**nominal, "e": 0.0, "f": 1.0}, **kw)
        np.testing.assert_allclose(apart.scores, alone.scores, rtol=1e-12)

    def test_an_indicator_not_in_the_index_is_refused(self) -> None:
        """An observed code the index lacks (a typo) is an error, in uncertainty and sensitivity."""
        data = observations({**COMPLETE, "ee": [1.0] * 6})
        for analysis in (uncertainty, sensitivity):
            with pytest.raises(
                InvalidDataError, match=r"indicator 'ee' is not in index 'i' \(did you mean 'e'\?\)"
            ):
                analysis(two_level(), data, n=2, seed=1, weights=0.2)

    def test_ignored_indicators_are_counted_in_the_note(self) -> None:
        """With on_unknown='ignore' the result is that of the index's own indicators, and says so."""
        data = observations({**COMPLETE, "ee": [1.0] * 6})
        u = uncertainty(two_level(), data, n=20, seed=1, weights=0.2, on_unknown="ignore")
        plain = uncertainty(two_level(), observations(), n=20, seed=1, weights=0.2)
        assert_exactly(u.scores, plain.scores)
        assert u.note == "1 indicator(s) of the data not in index 'i' ignored (6 value(s)): 'ee'."
        s = sensitivity(
            two_level(), data, n=20, seed=1, weights=0.2, bootstrap=0, on_unknown="ignore"
        )
        assert s.note == u.note

    def test_memory_limit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Keeping too many replicated scores is refused, pointing at nodes=."""
        # all 8 nodes: 100 * 8 * 6 * 8 bytes = 38400; the index alone: 100 * 1 * 6 * 8 = 4800.
        monkeypatch.setattr(unc_module, "MEMORY_LIMIT", 5000)
        with pytest.raises(
            DefinitionError,
            match=r"keeping 100 replications of 8 nodes for 6 units needs 0\.0 GiB; pass nodes=",
        ):
            uncertainty(two_level(), observations(), n=100)
        u = uncertainty(two_level(), observations(), n=100, nodes=["i"])
        assert u.scores.shape == (100, 1, 6)

    @pytest.mark.parametrize("n", [0, -1, True, 2.0, "5"])
    def test_bad_n(self, n: object) -> None:
        """n must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'n' must be a whole number >= 1"):
            uncertainty(two_level(), observations(), n=n)  # type: ignore[arg-type]

    @pytest.mark.parametrize("chunk", [0, -2, True, 1.5])
    def test_bad_chunk(self, chunk: object) -> None:
        """chunk must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'chunk' must be a whole number >= 1"):
            uncertainty(two_level(), observations(), n=3, chunk=chunk)  # type: ignore[arg-type]

    @pytest.mark.parametrize("target", [0, True, 2.5])
    def test_bad_rank_target(self, target: object) -> None:
        """rank_target must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'rank_target' must be a whole number >= 1"):
            uncertainty(two_level(), observations(), n=3, rank_target=target)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("role", "value", "message"),
        [
            (
                "normalisation",
                ["minmax", "bogus"],
                "normalisation alternative: unknown normalisation method 'bogus'",
            ),
            ("aggregation", ["bogus"], "unknown aggregation method 'bogus'"),
            (
                "imputation",
                ["mean", "bogus"],
                "imputation alternative: unknown imputation method 'bogus'",
            ),
            ("normalisation", [], "the normalisation alternatives are empty"),
            ("aggregation", (), "the aggregation alternatives are empty"),
            ("normalisation", [{"name": "minmax", "bogus": 1}], "takes no option 'bogus'"),
            ("imputation", 5, "a method is a name or a mapping with 'name'"),
        ],
    )
    def test_bad_alternatives(self, role: str, value: object, message: str) -> None:
        """Unknown methods or options and empty lists of alternatives are refused."""
        with pytest.raises(DefinitionError, match=message):
            uncertainty(two_level(), observations(), n=2, **{role: value})

    def test_rank_normalisation_refused_with_hint(self) -> None:
        """'rank' normalisation would reverse the index; the message points to percentile_rank."""
        with pytest.raises(DefinitionError, match="use 'percentile_rank'"):
            uncertainty(two_level(), observations(), n=2, normalisation=["minmax", "rank"])

    def test_aggregation_alternative_needs_one_or_per_level(self) -> None:
        """An aggregation alternative gives one method, or one per level (2 here)."""
        with pytest.raises(
            DefinitionError,
            match="an aggregation alternative gives 3 methods; give one, or one per level",
        ):
            uncertainty(two_level(), observations(), n=2, aggregation=[["arithmetic"] * 3])

    @pytest.mark.parametrize(
        ("role", "alternatives"),
        [
            (
                "normalisation",
                ["minmax", {"name": "zscore", "mean": 50, "sd": 10}, "percentile_rank"],
            ),
            (
                "aggregation",
                ["arithmetic", ["median", {"name": "geometric", "shift": 1}], "copeland"],
            ),
            ("imputation", ["none", "mean", "median"]),
        ],
    )
    def test_each_replication_is_one_alternative(self, role: str, alternatives: list[Any]) -> None:
        """Every replication equals compute_index with one of the alternatives, and each occurs."""
        idx, data = two_level(), observations(GAPPY)
        u = uncertainty(idx, data, n=60, seed=9, weights=None, **{role: alternatives})
        expected = [compute_index(idx, data, **{role: a}).scores for a in alternatives]
        seen = set()
        for rep in u.scores:
            hits = [j for j, e in enumerate(expected) if np.array_equal(rep, e, equal_nan=True)]
            assert hits, "a replication matches none of the alternatives"
            seen.add(hits[0])
        assert seen == set(range(len(alternatives)))
        labels = {
            "normalisation": "minmax | zscore(mean=50, sd=10) | percentile_rank",
            "aggregation": "arithmetic | median / geometric(shift=1) | copeland",
            "imputation": "none | mean | median",
        }
        assert u.settings == {role: labels[role]}

    def test_one_alternative_given_as_a_single_method(self) -> None:
        """A lone method name or mapping is one alternative, not a list of characters."""
        idx, data = two_level(), observations()
        u = uncertainty(
            idx, data, n=3, seed=0, weights=None, aggregation={"name": "generalised", "p": 2}
        )
        expected = compute_index(idx, data, aggregation={"name": "generalised", "p": 2})
        assert (u.scores == expected.scores).all()
        u = uncertainty(idx, data, n=3, seed=0, weights=None, normalisation=Method("zscore"))
        assert (u.scores == compute_index(idx, data, normalisation="zscore").scores).all()

    def test_group_mean_needs_groups(self) -> None:
        """group_mean imputation needs groups=; with them its replications match compute_index."""
        idx, data = two_level(), observations(GAPPY)
        with pytest.raises(DefinitionError, match="imputation 'group_mean' needs groups"):
            uncertainty(idx, data, n=2, imputation=["mean", "group_mean"])
        groups = dict(zip(UNITS, "NNNSSS", strict=True))
        u = uncertainty(
            idx, data, n=40, seed=2, weights=None, imputation=["mean", "group_mean"], groups=groups
        )
        want = compute_index(idx, data, imputation="group_mean", groups=groups).scores
        assert any(np.array_equal(rep, want, equal_nan=True) for rep in u.scores)

    def test_units_and_period(self) -> None:
        """units= and period= select what is scored, as in compute_index."""
        rows = [
            {"indicator": k, "unit": u, "period": p, "value": v + (p - 2023) * 5}
            for p in (2023, 2024)
            for k, vals in COMPLETE.items()
            for u, v in zip(UNITS, vals, strict=True)
        ]
        data = Observations.from_records(rows)
        u = uncertainty(two_level(), data, n=5, seed=0, units=["U3", "U1", "U2"], period=2023)
        assert u.units == ("U3", "U1", "U2")
        assert u.nominal.period == "2023"
        assert u.nominal == compute_index(two_level(), data, units=["U3", "U1", "U2"], period=2023)

    def test_weight_noise_moves_scores_and_ranks(self) -> None:
        """With noise the scores spread around the nominal ones and some ranks change."""
        u = uncertainty(two_level(), observations(), n=400, seed=3, weights=0.5)
        assert (u.scores[:, 0].std(axis=0) > 0).all()
        assert (u.rank_probabilities().max(axis=1) < 1).any()
        lo, hi = u.score_interval()
        nominal = u.nominal.score()
        assert (lo <= nominal + 1e-9).all()
        assert (hi >= nominal - 1e-9).all()

    def test_weight_noise_at_one_level_leaves_the_other(self) -> None:
        """Noise at level 1 only: d1 and d2 keep their nominal scores (up to rounding).

        The tree is one power mean without missing values, so the replications
        take the effective-weights path, which sums in another order than the
        nominal level-by-level path.
        """
        u = uncertainty(
            two_level(), observations(), n=50, seed=3, weights=WeightNoise(0.5, levels=1)
        )
        rows = [u.nominal.nodes.index(c) for c in ("d1", "d2")]
        np.testing.assert_allclose(
            u.scores[:, rows],
            np.broadcast_to(u.nominal.scores[rows], u.scores[:, rows].shape),
            rtol=1e-13,
        )
        assert u.scores[:, 0].std(axis=0).max() > 0

    @pytest.mark.parametrize(
        ("weights", "text"),
        [
            (WeightNoise(0.25), "weights noise ±0.25"),
            (WeightNoise(0.3, levels=2), "weights noise ±0.3 at levels [2]"),
            (Dirichlet(40), "weights Dirichlet(40)"),
            (Dirichlet(12.5, levels=[1, 2]), "weights Dirichlet(12.5) at levels [1, 2]"),
        ],
    )
    def test_settings_describe_the_noise(self, weights: object, text: str) -> None:
        """The table's last line says what varied."""
        u = uncertainty(
            two_level(), observations(), n=5, seed=0, weights=weights, imputation=["none"]
        )  # type: ignore[arg-type]
        assert u.table().splitlines()[-1] == (
            f"5 replications, seed 0; varied: {text}; imputation none"
        )

    def test_synthetic_note_and_html(self) -> None:
        """On the synthetic demo data the table carries the note; the HTML escapes the table."""
        obs = datasets.index_observations()
        u = uncertainty(
            load_index("par-style-demo"), obs, n=20, seed=0, weights=0.1, nodes=["par-style-demo"]
        )
        assert u.note == datasets.SYNTHETIC_NOTE
        assert u.table().splitlines()[-1] == datasets.SYNTHETIC_NOTE
        page = u._repr_html_()
        assert f"<strong>{html.escape(datasets.SYNTHETIC_NOTE)}</strong>" in page
        data = Observations.from_values({"a": [1, 2], "b": [2, 1]}, ["A&B", "C<D"])
        page = uncertainty(SWAP_INDEX, data, n=2, seed=0)._repr_html_()
        assert "A&amp;B" in page
        assert "C&lt;D" in page

    def test_to_frame(self) -> None:
        """to_frame has the records' columns, one row per unit and kept node."""
        pd = pytest.importorskip("pandas")
        u = uncertainty(
            two_level(), observations(), n=20, seed=1, weights=0.2, rank_target=3, nodes=["i", "d1"]
        )
        frame = u.to_frame()
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == list(u.to_records()[0])
        assert "p_top_3" in frame.columns
        assert len(frame) == 12

    def test_uncertainty_is_read_only(self) -> None:
        """The arrays of a result cannot be changed in place."""
        u = uncertainty(two_level(), observations(), n=3, seed=0)
        with pytest.raises(ValueError, match="read-only"):
            u.scores[0, 0, 0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            u.counts[0, 0, 0] = 1


# --- 4. sensitivity() ----------------------------------------------------------------------

MOVING = Observations.from_values(
    {"a": [90, 70, 40, 20, 55], "b": [20, 50, 70, 60, 45], "c": [33, 80, 10, 50, 60]},
    ["V", "W", "X", "Y", "Z"],
)
FLAT = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])


class TestSensitivity:
    def test_nothing_varies(self) -> None:
        """Without noise or two alternatives there is nothing to analyse."""
        for kw in ({"weights": None}, {"weights": 0}, {"weights": 0, "normalisation": ["minmax"]}):
            with pytest.raises(
                DefinitionError,
                match="nothing varies: give weight noise or at least two alternatives",
            ):
                sensitivity(FLAT, MOVING, n=10, **kw)  # type: ignore[arg-type]

    def test_identical_alternatives_have_zero_indices(self) -> None:
        """Two identical normalisations: first order and total exactly 0; the weights' total > 0."""
        s = sensitivity(
            FLAT, MOVING, n=500, seed=1, weights=0.5, normalisation=["minmax", "minmax"]
        )
        assert s.factors == ("weights", "normalisation")
        # A with the normalisation taken from B is A itself: f(A_B) - f(A) = 0 in every row.
        assert s.first_order[1] == 0.0
        assert s.total[1] == 0.0
        assert s.total[0] > 0.5
        assert s.variance > 0

    def test_a_single_factor_explains_everything(self) -> None:
        """When only the weights vary, their first-order and total indices are about 1."""
        s = sensitivity(FLAT, MOVING, n=2000, seed=0, weights=0.5, bootstrap=200)
        assert s.factors == ("weights",)
        # A with the weights of B is B, so both estimators compare var(f(A) - f(B)) / 2
        # and cov-like terms with V; at n = 2000 their Monte Carlo error is about 0.05.
        assert s.total[0] == pytest.approx(1.0, abs=0.1)
        assert s.first_order[0] == pytest.approx(1.0, abs=0.15)
        lo, hi = s.total_interval[0]
        assert lo <= s.total[0] <= hi
        lo, hi = s.first_order_interval[0]
        assert lo <= s.first_order[0] <= hi

    def test_output_that_never_moves(self) -> None:
        """Ranks that never change: variance 0, indices and intervals NaN, None in records."""
        # minmax makes a and b identical (100, 50, 0), so any weights give the same ranks.
        data = Observations.from_values({"a": [90, 60, 30], "b": [80, 50, 20]}, ["P", "Q", "R"])
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        s = sensitivity(idx, data, n=50, seed=1, weights=0.9, bootstrap=20)
        assert s.variance == 0.0
        assert np.isnan(s.first_order).all()
        assert np.isnan(s.total).all()
        assert np.isnan(s.first_order_interval).all()
        assert np.isnan(s.total_interval).all()
        assert s.to_records() == [
            {
                "factor": "weights",
                "first_order": None,
                "first_order_low": None,
                "first_order_high": None,
                "total": None,
                "total_low": None,
                "total_high": None,
                "node": "i",
                "output": "mean absolute rank shift from the nominal ranks",
                "n": 50,
                "runs": 150,
                "seed": 1,
                "note": "",
            }
        ]
        assert s.table().splitlines()[2].split() == ["weights", "—", "—–—", "—", "—–—"]

    def test_runs_and_factors(self) -> None:
        """All four factors in their order; runs = n (factors + 2)."""
        s = sensitivity(
            two_level(),
            observations(GAPPY),
            n=30,
            seed=2,
            weights=Dirichlet(20),
            normalisation=["minmax", "zscore"],
            aggregation=["arithmetic", "median"],
            imputation=["none", "mean"],
            bootstrap=10,
        )
        assert s.factors == ("weights", "normalisation", "aggregation", "imputation")
        assert s.runs == 30 * 6
        assert s.n == 30
        assert s.first_order.shape == (4,)
        assert s.total_interval.shape == (4, 2)
        assert s.node == "i"

    def test_bootstrap_zero_gives_nan_intervals(self) -> None:
        """Without bootstrap the intervals are NaN but the indices are estimated."""
        s = sensitivity(FLAT, MOVING, n=100, seed=1, weights=0.5, bootstrap=0)
        assert np.isnan(s.first_order_interval).all()
        assert np.isnan(s.total_interval).all()
        assert np.isfinite(s.total).all()

    @pytest.mark.parametrize("bootstrap", [-1, True, 2.5])
    def test_bad_bootstrap(self, bootstrap: object) -> None:
        """bootstrap must be a whole number >= 0."""
        with pytest.raises(DefinitionError, match="'bootstrap' must be a whole number >= 0"):
            sensitivity(FLAT, MOVING, n=10, weights=0.5, bootstrap=bootstrap)  # type: ignore[arg-type]

    def test_bad_n(self) -> None:
        """n must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="'n' must be a whole number >= 1"):
            sensitivity(FLAT, MOVING, n=0, weights=0.5)

    def test_same_seed_same_result(self) -> None:
        """The same seed gives equal results; another seed other estimates."""
        kw: dict[str, Any] = {
            "n": 200,
            "weights": 0.5,
            "normalisation": ["minmax", "zscore"],
            "bootstrap": 50,
        }
        one = sensitivity(FLAT, MOVING, seed=4, **kw)
        assert one == sensitivity(FLAT, MOVING, seed=4, **kw)
        assert one != sensitivity(FLAT, MOVING, seed=5, **kw)

    def test_chunk_does_not_change_the_estimates(self) -> None:
        """Chunked evaluation gives the same indices."""
        kw: dict[str, Any] = {
            "n": 40,
            "seed": 3,
            "weights": 0.5,
            "aggregation": ["arithmetic", "median"],
        }
        assert sensitivity(FLAT, MOVING, chunk=3, **kw) == sensitivity(FLAT, MOVING, **kw)

    def test_node_and_unknown_node(self) -> None:
        """node= picks the node whose ranks are the output; an unknown one is refused."""
        s = sensitivity(two_level(), observations(), n=30, seed=0, weights=0.5, node="d1")
        assert s.node == "d1"
        with pytest.raises(UnknownIndicatorError, match="node 'zz' is not in index 'i'"):
            sensitivity(two_level(), observations(), n=30, weights=0.5, node="zz")

    def test_progress(self) -> None:
        """progress sees every run: n (factors + 2) in all."""
        calls: list[tuple[int, int]] = []
        sensitivity(
            FLAT,
            MOVING,
            n=10,
            seed=0,
            weights=0.5,
            chunk=100,
            progress=lambda d, t: calls.append((d, t)),
        )
        assert calls == [(30, 30)]

    def test_records_table_frame(self) -> None:
        """Records per factor, a table with the output and note, and a DataFrame."""
        s = sensitivity(
            load_index("par-style-demo"),
            datasets.index_observations(),
            n=30,
            seed=1,
            weights=0.25,
            aggregation=["arithmetic", "median"],
            bootstrap=20,
        )
        rows = s.to_records()
        assert [r["factor"] for r in rows] == ["weights", "aggregation"]
        assert list(rows[0]) == [
            "factor",
            "first_order",
            "first_order_low",
            "first_order_high",
            "total",
            "total_low",
            "total_high",
            "node",
            "output",
            "n",
            "runs",
            "seed",
            "note",
        ]
        assert all(isinstance(r["total"], float) for r in rows)
        lines = s.table().splitlines()
        assert lines[0].split()[:3] == ["factor", "first", "order"]
        assert lines[2].split()[0] == "weights"
        assert lines[2].split()[1] == f"{rows[0]['first_order']:.3f}"
        assert lines[-2] == (
            "output: mean absolute rank shift from the nominal ranks at 'par-style-demo'; "
            "120 runs (n = 30), seed 1"
        )
        assert lines[-1] == datasets.SYNTHETIC_NOTE
        pd = pytest.importorskip("pandas")
        frame = s.to_frame()
        assert isinstance(frame, pd.DataFrame)
        assert frame["factor"].tolist() == ["weights", "aggregation"]

    def test_table_without_note(self) -> None:
        """Without a data note the table ends with the output line."""
        s = sensitivity(FLAT, MOVING, n=20, seed=0, weights=0.5, bootstrap=0)
        assert s.table().splitlines()[-1].startswith("output: mean absolute rank shift")
        assert isinstance(s, Sensitivity)


# --- 5. points_uncertainty() ---------------------------------------------------------------


def points_values(structure: points.Structure, fractions: np.ndarray) -> dict[str, np.ndarray]:
    """Leaf values giving each unit the fraction ``fractions[leaf, unit]`` of each maximum."""
    out = {}
    for leaf, frac in zip(structure.leaves(), fractions, strict=True):
        rule = leaf.rule
        if isinstance(rule, points.Linear):
            out[leaf.code] = rule.low + frac * (rule.high - rule.low)
        else:  # given points
            out[leaf.code] = frac * leaf.maximum
    return out


class TestPointsUncertainty:
    @pytest.mark.parametrize("name", ["pci-2016", "par-index-2017"])
    def test_shipped_structures(self, name: str) -> None:
        """Both shipped structures: maxima sum to 100; zero noise reproduces the index exactly."""
        s = points.load_structure(name)
        assert sum(c.maximum for c in s.components) == 100.0
        rng = np.random.default_rng(0)
        units = [f"P{j:02d}" for j in range(15)]
        values = points_values(s, rng.uniform(0, 1, (len(s.leaves()), 15)))
        nominal = points.evaluate_points(s, values, units)
        u = points_uncertainty(s, values, units, n=25, seed=1, weights=0)
        assert u.nodes == (s.code,)
        assert u.nominal == nominal
        assert (u.scores[:, 0] == nominal.index).all()
        assert (u.nominal_ranks[0] == nominal.rank).all()
        assert_ranks_nominal(u)
        noisy = points_uncertainty(s, values, units, n=200, seed=1, weights=0.5)
        assert noisy.scores[:, 0].std(axis=0).min() > 0

    def test_nominal_ranks_and_rank_counts_share_the_tie_rule(self) -> None:
        """Indexes one ulp apart are tied in the nominal ranks and in every replication alike."""
        s = points.Structure(
            "s",
            components=[points.Component(c, maximum=10, rule=points.given_points()) for c in "ab"],
        )
        values = {"a": [0.1, 0.3, 0.2], "b": [0.2, 0.0, 0.0]}
        u = points_uncertainty(s, values, ["x", "y", "z"], n=5, seed=0, weights=0)
        # x: 100 (0.1 + 0.2) / 20 = 1.5000000000000002 and y: 1.5 share rank 1; z: 1, rank 3.
        assert u.nominal_scores[0, 0] != u.nominal_scores[0, 1]
        assert u.nominal_ranks.tolist() == [[1, 1, 3]]
        assert_ranks_nominal(u)
        assert u.rank_median().tolist() == [1, 1, 3]

    @pytest.mark.parametrize("weights", [WeightNoise(0.8), Dirichlet(3)])
    def test_index_is_a_weighted_mean_of_domain_shares(self, weights: object) -> None:
        """Every replication's index lies between a unit's lowest and highest domain share (x 100)."""
        s = points.load_structure("pci-2016")
        fractions = np.random.default_rng(2).uniform(0, 1, (10, 8))
        fractions[:, 0] = 0.3  # a unit at 30 % in every domain scores 30 whatever the weights
        units = [f"u{j}" for j in range(8)]
        u = points_uncertainty(
            s, points_values(s, fractions), units, n=300, seed=3, weights=weights
        )  # type: ignore[arg-type]
        index = u.scores[:, 0]
        assert (index >= 100 * fractions.min(axis=0) - 1e-9).all()
        assert (index <= 100 * fractions.max(axis=0) + 1e-9).all()
        np.testing.assert_allclose(index[:, 0], 30.0, rtol=1e-12)
        kind = "noise ±0.8" if isinstance(weights, WeightNoise) else "Dirichlet(3)"
        assert u.settings == {"weights": f"{kind} on the domain maxima"}

    def test_not_applicable_domain(self) -> None:
        """A domain not applicable to a unit leaves its weight out of that unit's denominator."""
        s = points.load_structure("pci-2016")
        fractions = np.full((10, 3), 0.5)
        fractions[:, 0] = np.linspace(0.1, 1.0, 10)
        fractions[2, 1] = 1.0  # B is perfect on 'transparency' ...
        values = points_values(s, fractions)
        values["transparency"][1] = NAN  # ... but it does not apply to B
        u = points_uncertainty(
            s,
            values,
            ["A", "B", "C"],
            n=100,
            seed=4,
            not_applicable={"transparency": ["B"]},
            rank_target=1,
        )
        # B: 50 % of every applicable domain, whatever their weights: 50 exactly.
        assert u.nominal.applicable_maximum[1] == 80.0
        np.testing.assert_allclose(u.scores[:, 0, 1], 50.0, rtol=1e-12)
        assert u.nominal.index[1] == 50.0
        assert (u.counts[0, :, 0] == 0).all()
        assert u.to_records()[1]["score"] == 50.0
        assert "p_top_1" in u.to_records()[0]

    def test_ranks_only_at_the_structure_code(self) -> None:
        """Only the structure's code is kept; asking for a domain is an error."""
        s = points.load_structure("pci-2016")
        values = points_values(s, np.random.default_rng(5).uniform(0, 1, (10, 4)))
        u = points_uncertainty(s, values, ["A", "B", "C", "D"], n=50, seed=0)
        assert u.nodes == ("pci-2016",)
        assert u.scores.shape == (50, 1, 4)
        assert u.counts.shape == (1, 4, 5)
        assert u.counts.sum(axis=2).tolist() == [[50, 50, 50, 50]]
        with pytest.raises(UnknownIndicatorError, match="node 'transparency' was not kept"):
            u.rank_median("transparency")

    def test_bad_arguments(self) -> None:
        """Bad n or weights are refused."""
        s = points.load_structure("pci-2016")
        values = {c.code: [5.0] for c in s.leaves()}
        with pytest.raises(DefinitionError, match="'n' must be a whole number >= 1"):
            points_uncertainty(s, values, ["A"], n=0)
        with pytest.raises(DefinitionError, match="'weights' must be a noise factor"):
            points_uncertainty(s, values, ["A"], weights="x")  # type: ignore[arg-type]

    def test_same_seed_same_result(self) -> None:
        """Points Monte Carlo is seeded too."""
        s = points.load_structure("par-index-2017")
        values = points_values(s, np.random.default_rng(6).uniform(0, 1, (8, 5)))
        units = list("ABCDE")
        one = points_uncertainty(s, values, units, n=40, seed=8)
        assert (one.scores == points_uncertainty(s, values, units, n=40, seed=8).scores).all()
        assert not np.array_equal(
            one.scores, points_uncertainty(s, values, units, n=40, seed=9).scores
        )


# --- 6. properties -------------------------------------------------------------------------

METHODS = [
    "arithmetic",
    {"name": "geometric", "shift": 1},
    "harmonic",
    {"name": "generalised", "p": -1},
    {"name": "generalised", "p": 2},
    "median",
    "copeland",
]


SIGNED = ["arithmetic", "median", "copeland"]


@st.composite
def index_cases(draw: st.DrawFn, *, complete: bool = False) -> tuple[CompositeIndex, Observations]:
    """A two-level index (1-3 domains of 1-3 indicators) with data for 2-6 units."""
    n_units = draw(st.integers(2, 6))
    weight = st.floats(0.1, 5.0)
    value = st.floats(0.0, 100.0, allow_nan=False)
    if not complete:
        value = st.one_of(value, st.just(NAN))
    domains, values = [], {}
    for d in range(draw(st.integers(1, 3))):
        kids = []
        for k in range(draw(st.integers(1, 3))):
            code = f"x{d}{k}"
            kids.append(Node(code, weight=draw(weight), direction=draw(st.sampled_from([1, -1]))))
            values[code] = draw(st.lists(value, min_size=n_units, max_size=n_units))
        domains.append(Node(f"d{d}", children=kids, weight=draw(weight)))
    lower = draw(st.sampled_from(METHODS))
    # Copeland scores run from -(units - 1) to units - 1: only methods that take any
    # sign may aggregate them.
    upper = draw(st.sampled_from(METHODS if lower != "copeland" else SIGNED))
    aggregation = [upper, lower] if draw(st.booleans()) else lower
    idx = CompositeIndex(
        "i",
        children=domains,
        normalisation=Method("minmax", low=1, high=100),
        aggregation=aggregation,
        min_share=draw(st.sampled_from([None, 0.5])),
    )
    return idx, Observations.from_values(values, [f"u{j}" for j in range(n_units)])


@st.composite
def tied_cases(draw: st.DrawFn) -> tuple[CompositeIndex, Observations]:
    """Like index_cases, with values from 0, 25, 50 and 100 only, so that many scores tie."""
    n_units = draw(st.integers(2, 6))
    value = st.sampled_from([0.0, 25.0, 50.0, 100.0, NAN])
    domains, values = [], {}
    for d in range(draw(st.integers(1, 3))):
        kids = []
        for k in range(draw(st.integers(1, 3))):
            code = f"x{d}{k}"
            kids.append(Node(code, weight=draw(st.sampled_from([0.1, 0.2, 0.3, 1.0]))))
            values[code] = draw(st.lists(value, min_size=n_units, max_size=n_units))
        domains.append(Node(f"d{d}", children=kids, weight=draw(st.sampled_from([0.1, 0.7, 1.0]))))
    idx = CompositeIndex("i", children=domains, normalisation=Method("minmax", low=1, high=100))
    return idx, Observations.from_values(values, [f"u{j}" for j in range(n_units)])


@st.composite
def families(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A root with 1 to 3 families of 1 to 4 siblings, some of weight 0: base, parent, level."""
    base, parent, level = [1.0], [-1], [0]
    weight = st.one_of(st.just(0.0), st.floats(1e-3, 1e3))
    for _ in range(draw(st.integers(1, 3))):
        top = len(base)
        base.append(draw(st.floats(0.1, 10.0)))
        parent.append(0)
        level.append(1)
        for _ in range(draw(st.integers(1, 4))):
            base.append(draw(weight))
            parent.append(top)
            level.append(2)
    return np.array(base), np.array(parent, dtype=np.int64), np.array(level, dtype=np.int64)


NOISE = st.one_of(
    st.floats(0.05, 1.0).map(WeightNoise),
    st.floats(1.0, 100.0).map(Dirichlet),
)


class TestProperties:
    @given(
        families(),
        st.one_of(st.floats(5e-324, 1e-300), st.floats(1e-300, 1e308)),
        st.integers(0, 2**32 - 1),
    )
    def test_dirichlet_weights_are_finite_and_sum_to_one(
        self, tree: tuple[np.ndarray, np.ndarray, np.ndarray], c: float, seed: int
    ) -> None:
        """Any concentration: each family's drawn shares are finite, >= 0 and sum to 1."""
        base, parent, level = tree
        w = draw_weights(Dirichlet(c), base, parent, level, 20, np.random.default_rng(seed))
        assert np.isfinite(w).all()
        assert (w >= 0).all()
        assert (w[:, base == 0] == 0).all()  # a zero weight stays 0
        for node in np.unique(parent[parent >= 0]):
            kids = parent == node
            total = base[kids].sum()
            if total == 0:
                assert (w[:, kids] == 0).all()
                continue
            shares = w[:, kids] / total
            np.testing.assert_allclose(shares.sum(axis=1), 1.0, rtol=1e-12)

    @settings(max_examples=30, deadline=None)
    @given(index_cases(), st.integers(0, 2**32 - 1))
    def test_zero_noise_monte_carlo_equals_nominal(
        self, case: tuple[CompositeIndex, Observations], seed: int
    ) -> None:
        """With no noise and no alternatives, each replication is the nominal result exactly."""
        idx, data = case
        u = uncertainty(idx, data, n=3, seed=seed, weights=0, chunk=2)
        assert_exactly(u.scores, u.nominal.scores)
        assert_ranks_nominal(u)

    @settings(max_examples=30, deadline=None)
    @given(index_cases(), NOISE, st.integers(1, 12), st.integers(0, 2**32 - 1))
    def test_chunk_size_does_not_change_the_result(
        self, case: tuple[CompositeIndex, Observations], noise: object, chunk: int, seed: int
    ) -> None:
        """Any chunk size gives the scores and rank counts of the default chunking, exactly."""
        idx, data = case
        kw: dict[str, Any] = {
            "n": 25,
            "seed": seed,
            "weights": noise,
            "normalisation": [Method("minmax", low=1, high=100), Method("minmax", low=10, high=50)],
        }
        one = uncertainty(idx, data, chunk=chunk, **kw)
        other = uncertainty(idx, data, **kw)
        assert_exactly(one.scores, other.scores)
        assert (one.counts == other.counts).all()

    @settings(max_examples=30, deadline=None)
    @given(tied_cases(), NOISE, st.data(), st.integers(0, 2**32 - 1))
    def test_rank_counts_do_not_depend_on_chunk_size(
        self,
        case: tuple[CompositeIndex, Observations],
        noise: object,
        data: st.DataObject,
        seed: int,
    ) -> None:
        """Chunks of random sizes give the rank counts of one chunk, with ties everywhere."""
        idx, obs = case
        n = 24
        kw: dict[str, Any] = {
            "n": n,
            "seed": seed,
            "weights": noise,
            "normalisation": ["percentile_rank", Method("minmax", low=1, high=100)],
            "aggregation": ["arithmetic", {"name": "geometric", "shift": 1}, "copeland"],
        }
        chunk = data.draw(st.integers(1, n), label="chunk")
        one = uncertainty(idx, obs, chunk=n, **kw)
        other = uncertainty(idx, obs, chunk=chunk, **kw)
        assert (one.counts == other.counts).all()
        assert_exactly(other.scores, one.scores)

    @settings(max_examples=30, deadline=None)
    @given(index_cases(complete=True), NOISE, st.integers(0, 2**32 - 1))
    def test_rank_probabilities_sum_to_one_when_always_scored(
        self, case: tuple[CompositeIndex, Observations], noise: object, seed: int
    ) -> None:
        """A unit scored in every replication has rank probabilities summing to 1 at every node."""
        idx, data = case
        u = uncertainty(
            idx, data, n=40, seed=seed, weights=noise, aggregation=["arithmetic", "median"]
        )  # type: ignore[arg-type]
        assert (u.counts[..., 0] == 0).all()
        assert (u.counts.sum(axis=-1) == 40).all()
        for node in u.nodes:
            np.testing.assert_allclose(u.rank_probabilities(node).sum(axis=1), 1.0, rtol=1e-12)

    @settings(max_examples=30, deadline=None)
    @given(index_cases(), NOISE, st.integers(0, 2**32 - 1))
    def test_rank_interval_brackets_the_median(
        self, case: tuple[CompositeIndex, Observations], noise: object, seed: int
    ) -> None:
        """rank_p05 <= rank_median <= rank_p95 for every unit and node."""
        idx, data = case
        u = uncertainty(idx, data, n=40, seed=seed, weights=noise)  # type: ignore[arg-type]
        for node in u.nodes:
            lo, hi = u.rank_interval(node)
            med = u.rank_median(node)
            assert (lo <= med).all()
            assert (med <= hi).all()

    @settings(max_examples=30, deadline=None)
    @given(index_cases(), NOISE, st.integers(0, 2**32 - 1))
    def test_p_rank_at_most_is_a_distribution_function(
        self, case: tuple[CompositeIndex, Observations], noise: object, seed: int
    ) -> None:
        """P(rank <= k) never falls as k grows and reaches P(scored) (1 if always) at k = units."""
        idx, data = case
        u = uncertainty(idx, data, n=40, seed=seed, weights=noise)  # type: ignore[arg-type]
        units = len(u.units)
        for node in u.nodes:
            cdf = np.stack([u.p_rank_at_most(k, node) for k in range(1, units + 1)])
            assert (np.diff(cdf, axis=0) >= -1e-12).all()
            scored = 1 - u.counts[u.nodes.index(node), :, 0] / 40
            np.testing.assert_allclose(cdf[-1], scored, rtol=1e-12, atol=1e-12)
            always = u.counts[u.nodes.index(node), :, 0] == 0
            np.testing.assert_allclose(cdf[-1][always], 1.0, rtol=1e-12)


# --- 7. end to end -------------------------------------------------------------------------


class TestMessagesAndNotes:
    """Errors name the alternative that failed; probabilities and notes are exact."""

    def test_failing_alternative_is_named(self) -> None:
        """A harmonic alternative on scores with zeros names the methods of that replication."""
        with pytest.raises(InvalidDataError) as info:
            uncertainty(
                load_index("par-style-demo"),
                datasets.index_observations(),
                n=20,
                seed=1,
                aggregation=["arithmetic", "harmonic"],
            )
        message = str(info.value)
        assert (
            "with normalisation minmax(high=100, low=0), aggregation harmonic, imputation none:"
            in message
        )
        assert "the harmonic mean needs values > 0" in message

    def test_top_k_of_all_units_is_exactly_one(self) -> None:
        """P(rank <= number of units) is exactly 1 for a unit always scored."""
        idx = load_index("par-style-demo")
        u = uncertainty(
            idx, datasets.index_observations(), n=30, seed=1, weights=0.25, nodes=[idx.code]
        )
        assert (u.p_rank_at_most(63) == 1.0).all()

    def test_points_uncertainty_carries_the_note(self) -> None:
        """points_uncertainty repeats the note it is given in its table."""
        s = points.load_structure("pci-2016")
        values = {c.code: [c.maximum * f for f in (0.9, 0.5)] for c in s.leaves()}
        u = points_uncertainty(s, values, ["A", "B"], n=10, seed=1, note=datasets.SYNTHETIC_NOTE)
        assert u.note == datasets.SYNTHETIC_NOTE
        assert u.table().splitlines()[-1] == datasets.SYNTHETIC_NOTE


class TestEndToEnd:
    # Leaves with a missing value have no score in any replication (no warning:
    # see test_no_warning_for_a_unit_without_data).
    def test_par_style_demo(self) -> None:
        """The demo index on the synthetic provinces: nominal result, probabilities, intervals."""
        idx = load_index("par-style-demo")
        obs = datasets.index_observations()
        u = uncertainty(
            idx,
            obs,
            n=500,
            seed=2024,
            weights=0.25,
            aggregation=["arithmetic", {"name": "geometric", "shift": 1}],
            rank_target=15,
        )
        assert u.nominal == compute_index(idx, obs)
        assert u.scores.shape == (500, len(u.nominal.nodes), 63)
        p = u.p_rank_at_most(15)
        assert ((p >= 0) & (p <= 1)).all()
        # 15 places among 63 provinces: the probabilities add up to 15 (every replication
        # ranks every province, ties aside).
        assert p.sum() == pytest.approx(15.0, abs=0.5)
        lo, hi = u.rank_interval()
        med = u.rank_median()
        assert ((lo <= med) & (med <= hi)).all()
        rows = [r for r in u.to_records() if r["node"] == idx.code]
        assert len(rows) == 63
        assert all(r["rank_p05"] <= r["rank_median"] <= r["rank_p95"] for r in rows)
        assert all(0.0 <= r["p_top_15"] <= 1.0 for r in rows)
        text = u.table()
        assert "P(top 15)" in text.splitlines()[0]
        assert text.splitlines()[-1] == datasets.SYNTHETIC_NOTE
        assert text.splitlines()[-2] == (
            "500 replications, seed 2024; varied: weights noise ±0.25; "
            "aggregation arithmetic | geometric(shift=1)"
        )


def test_uncertainty_repr_is_one_line() -> None:
    """An Uncertainty shows its size, seed and counts in one line; describe() says what varied."""
    u = uncertainty(two_level(), observations(), n=5, seed=2, weights=0.1, nodes=["i"])
    assert repr(u) == "Uncertainty(n=5, seed=2, 6 units, 1 node)"
    assert "varied: weights noise ±0.1" in u.describe().splitlines()


def test_without_a_seed_one_is_drawn_and_reported() -> None:
    """seed=None draws a seed, reports it, and that seed repeats the run exactly."""
    first = uncertainty(two_level(), observations(), n=30, weights=0.3)
    assert isinstance(first.seed, int)
    assert first.seed >= 0
    again = uncertainty(two_level(), observations(), n=30, weights=0.3, seed=first.seed)
    np.testing.assert_array_equal(again.scores, first.scores)
    assert f"seed {first.seed};" in first.table()
