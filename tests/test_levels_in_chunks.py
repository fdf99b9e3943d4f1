"""The level-by-level pass in a power mean's transformed space (``levels_in_chunks``).

With missing leaves and one power mean for the whole tree, the uncertainty
analysis aggregates each level in the mean's transformed space, a block of
replications at a time. It must give ``run_levels``'s scores: the same bits
for the arithmetic mean, to rounding for the others, whatever the chunk,
with mixed leaf and aggregate children, weights of 0 and missing values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators.composite import CompositeIndex, Method, Node
from cchc_indicators.composite._engine import compile_index, levels_in_chunks, run_levels


def tree() -> CompositeIndex:
    """i = (d, c, e); d = (a, b); e = (f, g, h): leaves and aggregates side by side."""
    return CompositeIndex(
        "i",
        children=[
            Node("d", children=[Node("a"), Node("b")]),
            Node("c"),
            Node("e", children=[Node("f"), Node("g"), Node("h")]),
        ],
    )


def test_a_hand_computed_case_with_a_missing_leaf() -> None:
    """Unit 2 has no b: d = a = 20; i = (20 + 60 + e) / 3 with e = (1 + 2 + 3) / 3 = 2."""
    compiled = compile_index(tree(), (Method("arithmetic"),))
    # leaves in compiled order: a, b, c, f, g, h (rows of leaf_scores follow index.leaves())
    leaves = np.array([[10.0, 20.0], [30.0, np.nan], [50.0, 60.0], [1, 1], [2, 2], [3, 3]])
    weights = np.ones((1, len(compiled.codes)))
    scores = levels_in_chunks(compiled, leaves, weights, np.array([0]), chunk=1)
    # unit 1: d = 20, e = 2, i = (20 + 50 + 2) / 3 = 24; unit 2: (20 + 60 + 2) / 3 = 82/3.
    assert scores[0, 0].tolist() == pytest.approx([24.0, 82 / 3], abs=1e-12)


def test_a_child_of_weight_zero_among_missing_values() -> None:
    """b weighs 0 and a is missing for unit 2: d has no value there, i rests on c and e."""
    compiled = compile_index(tree(), (Method("arithmetic"),))
    codes = compiled.codes
    leaves = np.array([[10.0, np.nan], [30.0, 40.0], [50.0, 60.0], [1, 1], [2, 2], [3, 3]])
    weights = np.ones((1, len(codes)))
    weights[0, codes.index("b")] = 0.0
    ours = levels_in_chunks(compiled, leaves, weights, np.arange(len(codes)), chunk=4)
    expected = run_levels(compiled, leaves, weights, keep=np.arange(len(codes))).scores
    assert np.array_equal(ours, expected, equal_nan=True)
    assert np.isnan(ours[0, codes.index("d"), 1])


@given(
    data=st.data(),
    method=st.sampled_from(["arithmetic", "geometric", "harmonic", "generalised"]),
    chunk=st.integers(1, 7),
)
def test_levels_in_chunks_equals_run_levels(data: st.DataObject, method: str, chunk: int) -> None:
    """Any power mean, any chunk, missing values and zero weights: run_levels's scores."""
    m = Method(method, p=0.5) if method == "generalised" else Method(method)
    compiled = compile_index(tree(), (m,))
    R = data.draw(st.integers(1, 9))
    U = data.draw(st.integers(1, 5))
    values = data.draw(
        st.lists(st.one_of(st.just(np.nan), st.floats(0.5, 100)), min_size=6 * U, max_size=6 * U)
    )
    leaves = np.array(values).reshape(6, U)
    w = data.draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(0.1, 10)),
            min_size=R * len(compiled.codes),
            max_size=R * len(compiled.codes),
        )
    )
    weights = np.array(w).reshape(R, len(compiled.codes))
    weights[:, 0] = 1.0
    # Siblings must not all weigh 0 (the definition refuses it): give each family a positive one.
    for parent in set(compiled.parent.tolist()) - {-1}:
        kids = np.flatnonzero(compiled.parent == parent)
        weights[:, kids[0]] = np.maximum(weights[:, kids[0]], 1.0)
    keep = np.arange(len(compiled.codes))
    ours = levels_in_chunks(compiled, leaves, weights, keep, chunk=chunk)
    expected = run_levels(compiled, leaves, weights, keep=keep).scores
    assert np.array_equal(np.isnan(ours), np.isnan(expected))
    if method == "arithmetic":
        assert np.array_equal(ours, expected, equal_nan=True)
    else:
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)
