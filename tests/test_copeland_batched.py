"""Tests of the batched Copeland aggregation used by the Monte Carlo uncertainty.

``_copeland_batched`` compares each distinct child's values once and each
distinct vote pattern once per row; it must give exactly what
:func:`~cchc_indicators.composite.aggregate.copeland` gives row by row.
Expected values are worked out by hand beside each case.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cchc_indicators.composite import CompositeIndex, Method, Node, Observations, compute_index
from cchc_indicators.composite import aggregate as ag
from cchc_indicators.composite.uncertainty import _design, _draw, uncertainty

NAN = float("nan")


def per_row(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """copeland on each row (replication, node) alone."""
    R, P, _, U = X.shape
    out = np.empty((R, P, U))
    for r in range(R):
        for p in range(P):
            out[r, p] = ag.copeland(X[r, p], w[r, p])
    return out


def test_hand_computed_two_replications() -> None:
    # Child 1: a > b > c; child 2: b > c > a; child 3: c > b > a.
    # Weights 3, 1, 1: child 1 outweighs the others, so a > b > c: scores 2, 0, -2.
    # Equal weights: b beats a (2 to 1) and c (2 to 1); c beats a: -2, 2, 0.
    X = np.array([[[3.0, 2.0, 1.0], [1.0, 3.0, 2.0], [1.0, 2.0, 3.0]]] * 2)
    w = np.array([[[3.0], [1.0], [1.0]], [[1.0], [1.0], [1.0]]])
    assert ag._copeland_batched(X, w).tolist() == [[2.0, 0.0, -2.0], [-2.0, 2.0, 0.0]]


def test_hand_computed_missing_and_ties() -> None:
    # Units a, b, c, d. Child 1: a = b > c, d missing; child 2: d > c > b > a.
    # Weights 2, 1: a-b: child 1 ties, child 2 says b (margin -1): b outranks a.
    # a-c: child 1 says a (+2), child 2 says c (-1): a outranks c. b-c: +2 - 1: b.
    # Pairs with d: only child 2 votes: d outranks a, b, c.
    # a: +1 (c) -1 (b) -1 (d) = -1; b: +1 +1 -1 = 1; c: -1 -1 -1 = -3; d: 3.
    # Second row, all of d missing in both children: d NaN, its pairs are ties.
    # a: +1 -1 = 0; b: 2; c: -2.
    X = np.array(
        [
            [[5.0, 5.0, 1.0, NAN], [1.0, 2.0, 3.0, 4.0]],
            [[5.0, 5.0, 1.0, NAN], [1.0, 2.0, 3.0, NAN]],
        ]
    )
    w = np.array([[2.0], [1.0]])
    got = ag._copeland_batched(X, w)
    np.testing.assert_array_equal(got, [[-1.0, 1.0, -3.0, 3.0], [0.0, 2.0, -2.0, NAN]])


def test_many_children_compared_pair_by_pair() -> None:
    # 41 children: too many for a pattern as a whole number; the pairs are summed directly.
    rng = np.random.default_rng(5)
    X = rng.integers(0, 4, size=(3, 2, 41, 6)).astype(float)
    w = rng.uniform(0.5, 1.5, size=(3, 2, 41, 1))
    np.testing.assert_array_equal(ag._copeland_batched(X, w), per_row(X, w))


def test_rows_sharing_a_hash_are_told_apart() -> None:
    # Two different rows built to have the same hash: the rows are then sorted as they are.
    mixer = np.random.default_rng(0x5EED).integers(1, 2**62, size=2) * 2 + 1
    keys = np.array([[mixer[1], 0], [0, mixer[0]], [mixer[1], 0]], dtype=np.int64)
    first, inverse = ag._distinct_rows(keys)
    assert inverse.tolist()[0] == inverse.tolist()[2] != inverse.tolist()[1]
    np.testing.assert_array_equal(keys[first][inverse], keys)


@st.composite
def batches(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    R = draw(st.integers(1, 6))
    P = draw(st.integers(1, 3))
    m = draw(st.integers(1, 12))
    U = draw(st.integers(1, 7))
    # Few distinct values (ties), some missing; rows repeated so that they are shared.
    cell = st.one_of(st.sampled_from([0.0, 1.0, 2.0, 0.1 + 0.2, 0.3]), st.just(NAN))
    base = draw(hnp.arrays(np.float64, (P, m, U), elements=cell))
    X = np.stack(
        [
            base if draw(st.booleans()) else draw(hnp.arrays(np.float64, (P, m, U), elements=cell))
            for _ in range(R)
        ]
    )
    weight = st.sampled_from([0.0, 0.1, 0.2, 0.3, 1.0, 1.0 + 1e-12, 2.0])
    w = draw(hnp.arrays(np.float64, (R, P, m, 1), elements=weight))
    w[..., 0, 0] = np.where(w.max(axis=-2)[..., 0] == 0, 1.0, w[..., 0, 0])
    return X, w


@settings(max_examples=300, deadline=None)
@given(batches())
def test_batched_copeland_equals_per_replication(case: tuple[np.ndarray, np.ndarray]) -> None:
    """Copeland over many replications at once equals copeland replication by replication."""
    X, w = case
    np.testing.assert_array_equal(ag._copeland_batched(X, w), per_row(X, w))


def test_uncertainty_with_copeland_equals_the_loop() -> None:
    # A two-level tree with a missing value: every replication equals compute_index with
    # the replication's weights and aggregation (Copeland exactly; both kinds are drawn).
    idx = CompositeIndex(
        "i",
        children=[Node("p", children=[Node("a"), Node("b")]), Node("q", children=[Node("c")])],
    )
    data = Observations.from_values(
        {"a": [90, 70, NAN, 20, 55], "b": [20, 50, 70, 60, 40], "c": [1, 5, 3, 3, 2]},
        ["V", "W", "X", "Y", "Z"],
    )
    aggs = (Method("arithmetic"), Method("copeland"))
    kw = {"weights": 0.5, "aggregation": aggs, "nodes": ["i"]}
    u = uncertainty(idx, data, n=80, seed=4, chunk=7, **kw)
    design = _design(
        idx,
        data,
        weights=0.5,
        base_weights=None,
        normalisation=None,
        aggregation=aggs,
        imputation=None,
        period=None,
        units=None,
        groups=None,
        nodes=["i"],
    )
    w, _, agg, _ = _draw(design, 80, np.random.default_rng(4))
    codes = design.compiled[0].codes
    assert 0 < agg.sum() < 80
    for r in range(80):
        one = compute_index(
            idx,
            data,
            weights=dict(zip(codes, w[r].tolist(), strict=True)),
            aggregation=aggs[int(agg[r])],
        )
        if agg[r] == 1:  # Copeland: the same numbers
            np.testing.assert_array_equal(u.scores[r, 0], one.score())
        else:  # the arithmetic mean by effective weights: the same up to rounding
            np.testing.assert_allclose(u.scores[r, 0], one.score(), rtol=1e-12)
