"""The statistics of an index: composite.diagnostics (issue 16 point 4)."""

from __future__ import annotations

import math

import attrs
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
from cchc_indicators.composite.diagnostics import (
    Diagnostics,
    cronbach_alpha,
    diagnostics,
    kurtosis,
    skewness,
)
from cchc_indicators.core.errors import DefinitionError, InvalidDataError

matplotlib.use("Agg")

UNITS = ["P", "Q", "R", "S", "T"]
IDX = CompositeIndex(
    "i",
    children=[
        Node("d", children=[Node("a"), Node("b")]),
        Node("c"),
    ],
)
DATA = Observations.from_values(
    {"a": [1, 2, 3, 10, 4], "b": [2, 4, 6, 8, 10], "c": [5, 4, 3, 2, 1]}, UNITS
)


def test_skewness_and_kurtosis_by_hand() -> None:
    # x = 1, 2, 3, 10: mean 4, deviations -3, -2, -1, 6;
    # m2 = 50/4 = 12.5, m3 = 180/4 = 45, m4 = 1394/4 = 348.5.
    g1 = 45 / 12.5**1.5
    g2 = 348.5 / 12.5**2 - 3
    assert float(skewness([1.0, 2.0, 3.0, 10.0])) == pytest.approx(
        g1 * math.sqrt(4 * 3) / 2, rel=1e-12
    )
    assert float(kurtosis([1.0, 2.0, 3.0, 10.0])) == pytest.approx(
        ((5 * g2 + 6) * 3) / (2 * 1), rel=1e-12
    )
    assert float(skewness([1.0, 2.0, 3.0, 10.0])) == pytest.approx(1.763633, abs=1e-6)
    assert float(kurtosis([1.0, 2.0, 3.0, 10.0])) == pytest.approx(3.228, abs=1e-12)


def test_skewness_and_kurtosis_skip_nan_and_need_enough_values() -> None:
    assert float(skewness([1.0, np.nan, 2.0, 3.0, 10.0])) == pytest.approx(1.763633, abs=1e-6)
    assert math.isnan(float(skewness([1.0, 2.0])))
    assert math.isnan(float(kurtosis([1.0, 2.0, 3.0])))
    assert math.isnan(float(kurtosis([2.0, 2.0, 2.0, 2.0])))


def test_cronbach_alpha_by_hand() -> None:
    # Items (1, 2, 3, 4) and (2, 3, 3, 5): variances 5/3 and 19/12, total
    # (3, 5, 6, 9) variance 25/4; alpha = 2 (1 - (5/3 + 19/12) / (25/4)) = 0.96.
    assert cronbach_alpha([[1, 2, 3, 4], [2, 3, 3, 5]]) == pytest.approx(0.96, rel=1e-12)
    # The unit with a missing value is left out of every item.
    assert cronbach_alpha([[1, 2, 3, 4, 7], [2, 3, 3, 5, np.nan]]) == pytest.approx(0.96)
    assert math.isnan(cronbach_alpha([[1, 2, 3]]))
    assert math.isnan(cronbach_alpha([[1, 2], [np.nan, 3]]))
    assert math.isnan(cronbach_alpha([[1, 2], [2, 1]]))  # constant total


def test_statistics_of_the_indicators_are_on_observed_values() -> None:
    d = diagnostics(IDX, DATA)
    a = d.leaves.index("a")
    assert d.n[a] == 5
    assert d.mean[a] == pytest.approx(4.0)
    assert d.sd[a] == pytest.approx(np.std([1, 2, 3, 10, 4], ddof=1))
    assert (d.min[a], d.max[a]) == (1.0, 10.0)
    assert d.skewness[a] == pytest.approx(float(skewness([1, 2, 3, 10, 4])))
    assert not d.outliers.any()
    assert d.effective_weights == {"a": 0.25, "b": 0.25, "c": 0.5}


def test_imputed_values_are_counted_but_left_out_of_the_statistics() -> None:
    data = Observations.from_values(
        {"a": [1, 2, np.nan, 10, 4], "b": [2, 4, 6, 8, 10], "c": [5, 4, 3, 2, 1]}, UNITS
    )
    d = diagnostics(IDX, data, imputation="mean")
    a = d.leaves.index("a")
    assert (d.n[a], d.missing[a], d.imputed[a]) == (4, 1, 1)
    assert d.mean[a] == pytest.approx(17 / 4)


def test_outlier_flag_follows_the_skew_and_kurtosis_rule() -> None:
    values = [1.0] * 9 + [100.0]
    assert float(skewness(values)) >= 2
    assert float(kurtosis(values)) >= 3.5
    idx = CompositeIndex("i", children=[Node("x"), Node("y")])
    units = [f"u{k}" for k in range(10)]
    data = Observations.from_values({"x": values, "y": list(range(10))}, units)
    d = diagnostics(idx, data)
    assert d.outliers.tolist() == [True, False]


def test_correlations_by_hand_and_pairwise_complete() -> None:
    idx = CompositeIndex("i", children=[Node("x"), Node("y"), Node("z")])
    data = Observations.from_values(
        {"x": [1, 2, 3, 4, 5], "y": [1, 4, 9, 16, np.nan], "z": [2, 1, 4, 3, 5]}, UNITS
    )
    d = diagnostics(idx, data)
    x, y, z = (d.nodes.index(c) for c in "xyz")
    # Over the four units both have: Spearman 1 (same order); Pearson of
    # (0, 1/3, 2/3, 1) and (0, 1/5, 8/15, 1) after min-max, the same as of the raw values.
    assert d.spearman[x, y] == pytest.approx(1.0)
    assert d.pearson[x, y] == pytest.approx(np.corrcoef([1, 2, 3, 4], [1, 4, 9, 16])[0, 1])
    # x and z: ranks (1..5) and (2, 1, 4, 3, 5): 1 - 6 * 4 / (5 * 24) = 0.8
    assert d.spearman[x, z] == pytest.approx(0.8)
    assert d.pearson[x, z] == pytest.approx(0.8)
    assert d.pearson[z, x] == d.pearson[x, z]
    assert d.pearson[x, x] == 1.0
    assert d.correlations(level=1).shape == (3, 3)
    assert d.correlations(method="spearman") is d.spearman


def test_spearman_with_ties_uses_mean_ranks() -> None:
    idx = CompositeIndex("i", children=[Node("x"), Node("y")])
    data = Observations.from_values({"x": [1, 2, 2, 3, 4], "y": [1, 2, 3, 4, 5]}, UNITS)
    d = diagnostics(idx, data)
    ranks = [1, 2.5, 2.5, 4, 5]
    assert d.spearman[1, 2] == pytest.approx(np.corrcoef(ranks, [1, 2, 3, 4, 5])[0, 1])


def test_flags_name_collinear_and_negative_siblings() -> None:
    d = diagnostics(IDX, DATA, collinear=0.5, negative=-0.5)
    flags = {(f["a"], f["b"]): f["flag"] for f in d.flags()}
    assert flags[("a", "b")] == "collinear"
    assert flags[("d", "c")] == "negative"
    assert all(f["parent"] in {"i", "d"} for f in d.flags())


def test_alpha_and_first_component_per_aggregate() -> None:
    d = diagnostics(IDX, DATA)
    assert d.aggregates == ("i", "d")
    k = d.aggregates.index("d")
    r = compute_index(IDX, DATA)
    kids = r.scores[[r.nodes.index("a"), r.nodes.index("b")]]
    assert d.alpha[k] == pytest.approx(cronbach_alpha(kids))
    rho = float(np.asarray(np.corrcoef(kids))[0, 1])
    # Two children: the first component explains (1 + r) / 2, loadings 1/sqrt(2).
    assert d.explained[k] == pytest.approx((1 + rho) / 2)
    assert d.loadings["d"]["a"] == pytest.approx(1 / math.sqrt(2))


def test_a_result_can_be_given_instead_of_a_definition() -> None:
    r = compute_index(IDX, DATA)
    assert diagnostics(r) == diagnostics(IDX, DATA)


def test_the_result_is_immutable() -> None:
    d = diagnostics(IDX, DATA)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        d.index = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        d.pearson[0, 0] = 0.0
    with pytest.raises(TypeError):
        d.effective_weights["a"] = 1.0  # type: ignore[index]


def test_outputs_table_frame_html_plot() -> None:
    d = diagnostics(IDX, DATA)
    assert "Diagnostics(index='i'" in repr(d)
    assert d.table().splitlines()[0].startswith("indicator")
    frame = d.to_frame()
    assert frame.shape == (3, 12)
    assert frame.loc[0, "indicator"] == "a"
    html_vi = d._repr_html_()
    assert "Độ lệch chuẩn" in html_vi or "Standard deviation" in html_vi
    from cchc_indicators.composite.diagnostics import _html

    assert "Độ nhọn" in _html(d, "vi")
    assert "Kurtosis" in _html(d, "en")
    fig = d.plot()
    assert len(fig.axes) == 3  # levels 1 and 2, and the colour bar
    assert len(d.plot(level=2, method="spearman").axes) == 2


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(TypeError):
        diagnostics("i", DATA)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        diagnostics(IDX, {"a": [1]})  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="data are needed"):
        diagnostics(IDX)
    with pytest.raises(DefinitionError, match="already computed"):
        diagnostics(compute_index(IDX, DATA), DATA)
    with pytest.raises(DefinitionError, match="collinear must be a correlation"):
        diagnostics(IDX, DATA, collinear=1.5)
    with pytest.raises(DefinitionError, match="negative must be a correlation"):
        diagnostics(IDX, DATA, negative=True)
    d = diagnostics(IDX, DATA)
    with pytest.raises(DefinitionError, match="unknown correlation method"):
        d.correlations(method="kendall")
    with pytest.raises(DefinitionError, match="level 7 is not a level"):
        d.correlations(level=7)
    with pytest.raises(DefinitionError, match="unknown correlation method"):
        d.plot(method="kendall")


def test_too_few_units_are_refused() -> None:
    data = Observations.from_values({"a": [1, 2, 3], "b": [1, 2, 3], "c": [3, 2, 1]}, UNITS[:3])
    with pytest.raises(InvalidDataError, match="at least 4 units: got 3"):
        diagnostics(IDX, data)


def test_demo_index() -> None:
    from cchc_indicators import datasets
    from cchc_indicators.composite import load_index

    d = diagnostics(load_index("par-style-demo"), datasets.index_observations())
    assert len(d.units) == 63
    assert sum(d.effective_weights.values()) == pytest.approx(1.0)
    assert np.all(np.isfinite(d.pearson[np.diag_indices(len(d.nodes))]))


finite = st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, 8, elements=finite), st.integers(2, 5))
def test_alpha_of_identical_indicators_is_one(x: np.ndarray, k: int) -> None:
    """k copies of one indicator have Cronbach's alpha 1."""
    if np.ptp(x) < 1e-2:
        return
    assert cronbach_alpha(np.tile(x, (k, 1))) == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (2, 7), elements=finite))
def test_spearman_is_invariant_under_monotone_transforms(X: np.ndarray) -> None:
    """Spearman correlation does not change under a strictly increasing transform."""
    from cchc_indicators.composite.diagnostics import _pairwise

    before = _pairwise(X, spearman=True)
    after = _pairwise(np.exp(X / 250.0) + X**3, spearman=True)
    np.testing.assert_allclose(before, after, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, 9, elements=finite), st.floats(0.1, 10), st.floats(-50, 50))
def test_skewness_and_kurtosis_are_invariant_under_positive_affine_maps(
    x: np.ndarray, a: float, b: float
) -> None:
    """Skewness and kurtosis do not change when the values are scaled and shifted."""
    if np.ptp(x) < 1:
        return
    assert float(skewness(a * x + b)) == pytest.approx(float(skewness(x)), abs=1e-6)
    assert float(kurtosis(a * x + b)) == pytest.approx(float(kurtosis(x)), abs=1e-6)


def test_diagnostics_type_is_exported() -> None:
    assert isinstance(diagnostics(IDX, DATA), Diagnostics)


def test_an_indicator_without_values_warns_nothing() -> None:
    """An indicator no unit has: its correlations are undefined (NaN), and no warning escapes."""
    import warnings

    from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
    from cchc_indicators.composite.diagnostics import diagnostics

    data = Observations.from_values(
        {"a": [1, 2, 3, 4, 5.0], "b": [float("nan")] * 5, "c": [2, 1, 4, 3, 5.0]},
        ["u1", "u2", "u3", "u4", "u5"],
    )
    idx = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = diagnostics(compute_index(idx, data))
    b = d.nodes.index("b")
    assert np.isnan(d.pearson[b]).all()
