"""The shortcuts of the Monte Carlo engine agree with the level-by-level path.

* ``collapse_levels``: a tree aggregated by one power mean, without missing
  leaves, is a power mean of its leaves with effective weights; it must equal
  ``run_levels`` up to rounding, for every node, and decline (``None``) when the
  tree does not qualify.
* Replications whose weights do not vary are computed once along the nominal
  path and repeated, so they equal the nominal result exactly.
"""

from __future__ import annotations

from typing import Any

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
from cchc_indicators.composite._engine import collapse_levels, compile_index, run_levels
from cchc_indicators.composite.uncertainty import WeightNoise, uncertainty

UNITS = ["A", "B", "C", "D"]
POWER_MEANS: list[Any] = [
    Method("arithmetic"),
    Method("geometric", shift=1),
    Method("geometric"),
    Method("harmonic"),
    Method("generalised", p=0.5),
    Method("generalised", p=-2),
    Method("generalised", p=0),
    Method("generalised", p=1),
]


def tree(aggregation: object) -> CompositeIndex:
    """i -> d1 (a, b, c), d2 (e), f: unequal widths and a leaf at level 1."""
    return CompositeIndex(
        "i",
        children=[
            Node("d1", children=[Node("a"), Node("b", weight=2), Node("c", direction=-1)]),
            Node("d2", children=[Node("e")], weight=0.5),
            Node("f", weight=1.5),
        ],
        normalisation=Method("minmax", low=1, high=100),
        aggregation=aggregation,
    )


def leaves(index: CompositeIndex, values: dict[str, list[float]]) -> np.ndarray:
    data = Observations.from_values(values, UNITS)
    return compute_index(index, data).normalised


VALUES = {
    "a": [90.0, 70.0, 40.0, 20.0],
    "b": [20.0, 50.0, 70.0, 60.0],
    "c": [5.0, 1.0, 2.0, 7.0],
    "e": [33.0, 80.0, 10.0, 41.0],
    "f": [1.0, 3.0, 8.0, 2.0],
}


def random_weights(compiled: Any, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.2, 3.0, size=(n, compiled.size))
    w[:, 0] = 1.0
    return w


@pytest.mark.parametrize("method", POWER_MEANS, ids=repr)
def test_collapsed_tree_equals_the_levels(method: Method) -> None:
    """Every node's collapsed score equals the level-by-level one to 1e-12 (relative)."""
    idx = tree(method)
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, VALUES)
    w = random_weights(compiled, 40, 1)
    keep = np.arange(compiled.size)
    fast = collapse_levels(compiled, L, w, keep)
    assert fast is not None
    slow = run_levels(compiled, L, w, keep=keep).scores
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_zero_weight_child_counts_for_nothing() -> None:
    """A child of weight 0 contributes nothing, as on the level path."""
    idx = tree("arithmetic")
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, VALUES)
    w = random_weights(compiled, 5, 2)
    w[:, compiled.codes.index("b")] = 0.0
    keep = np.arange(compiled.size)
    np.testing.assert_allclose(
        collapse_levels(compiled, L, w, keep),
        run_levels(compiled, L, w, keep=keep).scores,
        rtol=1e-12,
    )


def test_siblings_weighing_nothing_decline() -> None:
    """Siblings whose weights sum to 0 leave their parent without a value, which the level
    above skips unit by unit: collapsing declines, and the levels give the parent NaN and
    the index the mean of its other children."""
    idx = tree("arithmetic")
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, VALUES)
    w = random_weights(compiled, 3, 3)
    for code in ("a", "b", "c"):
        w[:, compiled.codes.index(code)] = 0.0
    keep = np.array([compiled.codes.index("d1"), 0])
    assert collapse_levels(compiled, L, w, keep) is None
    slow = run_levels(compiled, L, w, keep=keep).scores
    assert np.isnan(slow[:, 0]).all()
    # The index: d2 (= e) and f, with their weights re-normalised.
    d2, f, e = (compiled.codes.index(c) for c in ("d2", "f", "e"))
    L_e, L_f = L[compiled.leaves.tolist().index(e)], L[compiled.leaves.tolist().index(f)]
    expected = (w[:, [d2]] * L_e + w[:, [f]] * L_f) / (w[:, [d2]] + w[:, [f]])
    np.testing.assert_allclose(slow[:, 1], expected, rtol=1e-12)


def test_monte_carlo_with_children_weighing_nothing_matches_the_nominal() -> None:
    """Replications in which a node's children all weigh 0 are scored level by level, every unit."""
    idx = tree("arithmetic")
    data = Observations.from_values(VALUES, UNITS)
    from cchc_indicators.composite.uncertainty import _design

    design = _design(
        idx,
        data,
        weights=0.5,
        base_weights=None,
        normalisation=None,
        aggregation=None,
        imputation=None,
        period=None,
        units=None,
        groups=None,
        nodes=None,
    )
    codes = design.compiled[0].codes
    w = np.broadcast_to(design.base, (4, len(codes))).copy()
    w[1:, [codes.index(c) for c in "abc"]] = 0.0
    w[2:, codes.index("f")] = 3.0
    scores, _ = design.evaluate(w, *(np.zeros(4, dtype=np.int64),) * 3, chunk=2, progress=None)
    levels = run_levels(design.compiled[0], design.leaf_alternatives[0], w).scores
    np.testing.assert_array_equal(scores, levels)
    assert not np.isnan(scores[:, 0]).any()
    assert np.isnan(scores[1:, codes.index("d1")]).all()


@pytest.mark.parametrize(
    "aggregation",
    [
        ["arithmetic", {"name": "geometric", "shift": 1}],  # two methods
        "median",
        "copeland",
    ],
    ids=["mixed", "median", "copeland"],
)
def test_declines_trees_that_do_not_qualify(aggregation: object) -> None:
    """Mixed methods, median and Copeland are not one power mean: None."""
    idx = tree(aggregation)
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, VALUES)
    w = random_weights(compiled, 2, 4)
    assert collapse_levels(compiled, L, w, np.arange(compiled.size)) is None


def test_declines_missing_leaves() -> None:
    """A missing leaf value re-normalises weights per unit: None, the levels handle it."""
    idx = tree("arithmetic")
    compiled = compile_index(idx, idx.aggregation)
    gappy = {**VALUES, "a": [90.0, float("nan"), 40.0, 20.0]}
    L = leaves(idx, gappy)
    w = random_weights(compiled, 2, 5)
    assert collapse_levels(compiled, L, w, np.arange(compiled.size)) is None


def test_node_override_declines() -> None:
    """A node with its own method makes the tree mixed."""
    idx = CompositeIndex(
        "i",
        children=[
            Node("d1", children=[Node("a"), Node("b")], aggregation="harmonic"),
            Node("c"),
        ],
        normalisation=Method("minmax", low=1, high=100),
    )
    compiled = compile_index(idx, idx.aggregation)
    L = compute_index(
        idx, Observations.from_values({k: VALUES[k] for k in "abc"}, UNITS)
    ).normalised
    assert collapse_levels(compiled, L, random_weights(compiled, 2, 6), np.arange(4)) is None


def test_monte_carlo_with_noise_matches_the_loop() -> None:
    """With weight noise, each replication equals compute_index with its weights (1e-12)."""
    idx = load_index("par-style-demo")
    idx = CompositeIndex.from_dict({**idx.to_dict(), "imputation": {"name": "mean"}})
    data = datasets.index_observations()
    u = uncertainty(idx, data, n=12, seed=8, weights=0.3, nodes=[idx.code, "e_government"])
    # Redraw the same weights the engine drew (same generator, same order).
    from cchc_indicators.composite.uncertainty import _design, _draw

    design = _design(
        idx,
        data,
        weights=0.3,
        base_weights=None,
        normalisation=None,
        aggregation=None,
        imputation=None,
        period=None,
        units=None,
        groups=None,
        nodes=[idx.code],
    )
    w, _, _, _ = _draw(design, 12, np.random.default_rng(8))
    codes = design.compiled[0].codes
    for r in range(12):
        one = compute_index(idx, data, weights=dict(zip(codes, w[r].tolist(), strict=True)))
        np.testing.assert_allclose(u.scores[r, 0], one.score(), rtol=1e-12)
        np.testing.assert_allclose(u.scores[r, 1], one.score("e_government"), rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(POWER_MEANS),
    st.lists(st.floats(0.0, 100.0), min_size=20, max_size=20),
    st.integers(0, 2**16),
)
def test_collapse_agrees_with_levels_for_any_data(
    method: Method, flat: list[float], seed: int
) -> None:
    """Law: collapsing a uniform power-mean tree never changes a score beyond rounding."""
    values = {code: flat[4 * i : 4 * i + 4] for i, code in enumerate("abcef")}
    idx = tree(method)
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, values)
    w = random_weights(compiled, 6, seed)
    keep = np.arange(compiled.size)
    np.testing.assert_allclose(
        collapse_levels(compiled, L, w, keep),
        run_levels(compiled, L, w, keep=keep).scores,
        rtol=1e-10,
    )


def test_fixed_weights_repeat_the_nominal_path_exactly() -> None:
    """No weight noise with method alternatives: each replication is a nominal result, bit for bit."""
    idx = tree("arithmetic")
    data = Observations.from_values(VALUES, UNITS)
    u = uncertainty(idx, data, n=30, seed=2, weights=None, aggregation=["arithmetic", "harmonic"])
    expected = [compute_index(idx, data, aggregation=a).scores for a in ("arithmetic", "harmonic")]
    for rep in u.scores:
        assert any(np.array_equal(rep, e) for e in expected)
    assert WeightNoise(0).varies is False


def test_units_split_between_the_paths_match_the_loop() -> None:
    """Complete units take effective weights, units with a missing leaf the levels; both match."""
    idx = CompositeIndex(
        "i",
        children=[
            Node("d1", children=[Node("a"), Node("b", weight=2), Node("c", direction=-1)]),
            Node("d2", children=[Node("e"), Node("f")], weight=0.5),
        ],
        normalisation=Method("minmax", low=1, high=100),
        aggregation=Method("geometric"),
        min_share=0.5,
    )
    gappy = {**VALUES, "a": [90.0, float("nan"), 40.0, 20.0], "e": [33.0, 80.0, float("nan"), 41.0]}
    data = Observations.from_values(gappy, UNITS)
    u = uncertainty(idx, data, n=9, seed=4, weights=0.4, chunk=2)
    from cchc_indicators.composite.uncertainty import _design, _draw

    design = _design(
        idx,
        data,
        weights=0.4,
        base_weights=None,
        normalisation=None,
        aggregation=None,
        imputation=None,
        period=None,
        units=None,
        groups=None,
        nodes=None,
    )
    w, _, _, _ = _draw(design, 9, np.random.default_rng(4))
    codes = design.compiled[0].codes
    for r in range(9):
        one = compute_index(idx, data, weights=dict(zip(codes, w[r].tolist(), strict=True)))
        np.testing.assert_allclose(u.scores[r], one.scores, rtol=1e-12)
    again = uncertainty(idx, data, n=9, seed=4, weights=0.4, chunk=9)
    np.testing.assert_array_equal(again.scores, u.scores)


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(POWER_MEANS),
    st.lists(st.sampled_from([0.0, 25.0, 50.0, 100.0]), min_size=20, max_size=20),
    st.integers(0, 2**16),
)
def test_ranks_do_not_depend_on_the_engine_path(
    method: Method, flat: list[float], seed: int
) -> None:
    """Law: collapsed and level-by-level scores give the same ranks, ties (frequent here) included."""
    from cchc_indicators.composite._engine import ranks

    values = {code: flat[4 * i : 4 * i + 4] for i, code in enumerate("abcef")}
    idx = tree(method)
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, values)
    # Weights on a coarse grid, so that equal scores in exact arithmetic are common.
    w = np.ceil(random_weights(compiled, 6, seed) * 2) / 2
    keep = np.arange(compiled.size)
    fast = collapse_levels(compiled, L, w, keep)
    assert fast is not None
    slow = run_levels(compiled, L, w, keep=keep).scores
    assert (ranks(fast) == ranks(slow)).all()


def test_leaves_per_replication_give_each_replication_its_scores() -> None:
    """Leaves of shape (R, L, U), one set per replication, score as R separate runs."""
    idx = tree("arithmetic")
    compiled = compile_index(idx, idx.aggregation)
    L = leaves(idx, VALUES)
    other = L[:, ::-1].copy()
    other[0, 1] = np.nan  # a missing leaf: the level-by-level path with padding
    stacked = np.stack([L, other])
    w = random_weights(compiled, 2, 4)
    together = run_levels(compiled, stacked, w).scores
    for r in range(2):
        alone = run_levels(compiled, stacked[r], w[r : r + 1]).scores[0]
        np.testing.assert_allclose(together[r], alone, rtol=1e-15)


def test_aggregates_of_unequal_widths_over_aggregates() -> None:
    """i -> g1 (d1 (a, b), d2 (c)), g2 (d3 (e)): g2 has one aggregate child beside g1's two.

    Arithmetic means of the raw values: d1 = (a + b) / 2 = 55, 60, 55, 40; g1 = (d1 + c) / 2
    = 30, 30.5, 28.5, 23.5; g2 = e; i = (g1 + e) / 2 = 31.5, 55.25, 19.25, 32.25.
    """
    idx = CompositeIndex(
        "i",
        children=[
            Node(
                "g1",
                children=[
                    Node("d1", children=[Node("a"), Node("b")]),
                    Node("d2", children=[Node("c")]),
                ],
            ),
            Node("g2", children=[Node("d3", children=[Node("e")])]),
        ],
        normalisation=Method("none"),
    )
    data = Observations.from_values({k: VALUES[k] for k in "abce"}, UNITS)
    r = compute_index(idx, data)
    np.testing.assert_allclose(r.score("g1"), [30.0, 30.5, 28.5, 23.5], rtol=1e-15)
    np.testing.assert_allclose(r.score(), [31.5, 55.25, 19.25, 32.25], rtol=1e-15)
