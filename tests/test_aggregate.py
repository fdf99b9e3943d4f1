"""Tests of cchc_indicators.composite.aggregate: every aggregator on hand-computed cases, properties, NaN and errors.

The arithmetic of each hand-computed case is written out beside it. Properties
are named after the law they check.
"""

from __future__ import annotations

import math
import pickle
import re
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cchc_indicators import DefinitionError, InvalidDataError
from cchc_indicators.composite.aggregate import (
    AGGREGATORS,
    Aggregation,
    aggregate,
    arithmetic,
    copeland,
    effective_weights,
    equal_weights,
    generalised,
    geometric,
    harmonic,
    median,
    normalise_weights,
    pca_weights,
)

NAN = math.nan


def same(a: object, b: object) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12)


class TestMeans:
    def test_arithmetic_weighted(self) -> None:
        """The weighted arithmetic mean is sum(w x) / sum(w)."""
        # (2*10 + 1*40) / 3 = 20; (2*0 + 1*30) / 3 = 10
        same(arithmetic([[10.0, 0.0], [40.0, 30.0]], [2, 1]), [20.0, 10.0])

    def test_arithmetic_equal_weights_by_default(self) -> None:
        """Without weights every child counts the same."""
        same(arithmetic([[1.0], [2.0], [6.0]]), [3.0])

    def test_geometric_weighted(self) -> None:
        """The weighted geometric mean is exp(sum(w log x) / sum(w))."""
        # (2^1 * 16^3) ^ (1/4) = (2 * 4096) ^ 0.25 = 8192 ^ 0.25
        same(geometric([[2.0], [16.0]], [1, 3]), [8192**0.25])

    def test_geometric_shift_is_added_and_subtracted(self) -> None:
        """With a shift the mean of x + s is taken and s subtracted again."""
        # sqrt((0 + 2) * (6 + 2)) - 2 = 4 - 2
        same(geometric([[0.0], [6.0]], shift=2), [2.0])

    def test_harmonic_weighted(self) -> None:
        """The weighted harmonic mean is sum(w) / sum(w / x)."""
        # 4 / (1/2 + 3/6) = 4
        same(harmonic([[2.0], [6.0]], [1, 3]), [4.0])

    def test_generalised_quadratic(self) -> None:
        """p = 2 is the root mean square."""
        # sqrt((1*3^2 + 1*4^2... ) with weights (1, 1): sqrt((9 + 16) / 2)
        same(generalised([[3.0], [4.0]], p=2), [math.sqrt(12.5)])

    @pytest.mark.parametrize(("p", "function"), [(1, arithmetic), (0, geometric), (-1, harmonic)])
    def test_generalised_special_cases(self, p: float, function: object) -> None:
        """p = 1, 0 and -1 give the arithmetic, geometric and harmonic means."""
        X = [[1.0, 5.0], [4.0, 2.0], [9.0, 7.0]]
        w = [1, 2, 3]
        same(generalised(X, w, p=p), function(X, w))  # type: ignore[operator]

    def test_generalised_near_zero_approaches_geometric(self) -> None:
        """As p -> 0 the generalised mean tends to the geometric mean."""
        X = [[1.0], [4.0], [9.0]]
        np.testing.assert_allclose(generalised(X, p=1e-7), geometric(X), rtol=1e-5)

    def test_generalised_negative_exponent_refuses_zero(self) -> None:
        """A negative exponent needs values > 0."""
        with pytest.raises(InvalidDataError, match=r"needs values > 0"):
            generalised([[0.0], [1.0]], p=-2)

    def test_generalised_positive_exponent_refuses_negative(self) -> None:
        """A positive exponent other than 1 needs values >= 0."""
        with pytest.raises(InvalidDataError, match=r"needs values >= 0.*first: -1.0"):
            generalised([[-1.0], [1.0]], p=2)

    def test_generalised_exponent_between_0_and_1_accepts_zero(self) -> None:
        """0 < p < 1 needs values >= 0 only: ((0 ** 0.5 + 4 ** 0.5) / 2) ** 2 = (2 / 2) ** 2 = 1."""
        same(generalised([[0.0], [4.0]], p=0.5), [1.0])

    def test_generalised_exponent_between_0_and_1_scales_by_the_largest(self) -> None:
        """1e-300 and 1e300 with p = 0.5: ((1e-150 + 1e150) / 2) ** 2 = 2.5e299, not infinity.

        Scaled by the smallest value, 1e300 / 1e-300 would overflow.
        """
        same(generalised([[1e-300], [1e300]], p=0.5), [2.5e299])

    def test_generalised_refuses_infinite_exponent(self) -> None:
        """The exponent must be finite."""
        with pytest.raises(DefinitionError, match="'p' must be a finite number: inf"):
            generalised([[1.0], [2.0]], p=math.inf)

    def test_replications_on_leading_axes(self) -> None:
        """Leading axes are replications, each with its own weights."""
        X = np.array([[[0.0, 10.0], [10.0, 0.0]]] * 2)  # 2 replications, 2 children, 2 units
        w = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])  # (replications, children, 1)
        same(arithmetic(X, w), [[0.0, 10.0], [10.0, 0.0]])


class TestMedian:
    def test_odd_count(self) -> None:
        """With equal weights and an odd count the middle value is the median."""
        same(median([[3.0], [1.0], [2.0]]), [2.0])

    def test_even_count_averages_the_middle_pair(self) -> None:
        """With equal weights and an even count the two middle values are averaged."""
        same(median([[4.0], [1.0], [3.0], [2.0]]), [2.5])

    def test_weighted(self) -> None:
        """The first value whose cumulative weight reaches one half is the median."""
        # sorted 1, 2, 5 with weights 0.1, 0.2, 0.7 -> cumulative 0.1, 0.3, 1.0
        same(median([[5.0], [1.0], [2.0]], [7, 1, 2]), [5.0])

    def test_zero_weight_child_never_decides(self) -> None:
        """On an exact half the next value with positive weight is used, skipping weight 0."""
        # sorted 1 (w 1), 2 (w 0), 9 (w 1): cumulative 0.5 at 1, next positive is 9
        same(median([[1.0], [2.0], [9.0]], [1, 0, 1]), [5.0])

    def test_missing_children_are_skipped(self) -> None:
        """Missing children take no part; an all-missing unit gets NaN."""
        same(median([[1.0, NAN], [NAN, NAN], [3.0, NAN]]), [2.0, NAN])


class TestUnitsWithoutChildren:
    """Issue 11, mutation testing: a unit whose children are all missing gets NaN, never 0 or 1."""

    @pytest.mark.parametrize(
        ("method", "kwargs"),
        [
            ("arithmetic", {}),
            ("geometric", {}),
            ("geometric", {"shift": 1.0}),
            ("harmonic", {}),
            ("generalised", {"p": 2.0}),
            ("generalised", {"p": -1.5}),
            ("median", {}),
            ("copeland", {}),
        ],
    )
    def test_all_children_missing_gives_nan(self, method: str, kwargs: dict[str, float]) -> None:
        """The second unit has no child: NaN (the geometric mean of nothing would be exp(0) = 1)."""
        X = [[4.0, NAN, 1.0], [9.0, NAN, 2.0]]
        out = AGGREGATORS[method](X, [1.0, 3.0], **kwargs)
        assert math.isnan(out[1])
        assert not np.isnan(out[[0, 2]]).any()


class TestMedianBoundary:
    def test_cumulative_weight_at_the_lower_edge_of_one_half_averages(self) -> None:
        """Weights 0.5 - 1e-9 and 0.5 + 1e-9: the first reaches one half within 1e-9, so the
        median is the mean of the two values, (1 + 3) / 2."""
        same(median([[1.0], [3.0]], [0.5 - 1e-9, 0.5 + 1e-9]), [2.0])

    def test_cumulative_weight_below_the_tolerance_does_not(self) -> None:
        """Weights 0.5 - 1e-8 and 0.5 + 1e-8: the first stays below one half; the median is 3."""
        same(median([[1.0], [3.0]], [0.5 - 1e-8, 0.5 + 1e-8]), [3.0])


class TestCopeland:
    def test_hand_computed(self) -> None:
        """Score = units outranked minus units outranking, from weighted votes."""
        X = [[3.0, 2.0, 1.0], [1.0, 3.0, 2.0], [1.0, 2.0, 3.0]]
        # a-b: child 1 for a, children 2 and 3 for b -> b; a-c: 1 vs 2 -> c; b-c: 2 vs 1 -> b
        same(copeland(X), [-2.0, 2.0, 0.0])

    def test_ties_score_zero(self) -> None:
        """Equal weighted votes give a tie, which counts neither way."""
        same(copeland([[1.0, 2.0], [2.0, 1.0]]), [0.0, 0.0])

    def test_missing_values(self) -> None:
        """Children missing for either unit of a pair do not vote; an all-missing unit gets NaN."""
        X = [[1.0, 2.0, NAN], [NAN, 1.0, NAN]]
        same(copeland(X), [-1.0, 1.0, NAN])

    def test_values_within_the_tolerance_do_not_vote(self) -> None:
        """0.1 + 0.2 (0.30000000000000004) and 0.3 are equal: neither outranks the other."""
        same(copeland([[0.1 + 0.2, 0.3, 0.1]]), [1.0, 1.0, -2.0])

    def test_a_margin_of_rounding_noise_is_a_tie(self) -> None:
        """Weights 0.1 and 0.2 for a against 0.3 for b: 0.1 + 0.2 - 0.3 is 5.6e-17, a tie."""
        X = [[2.0, 1.0], [2.0, 1.0], [1.0, 2.0]]
        same(copeland(X, [0.1, 0.2, 0.3]), [0.0, 0.0])
        same(copeland(X, [0.1, 0.2, 0.29]), [1.0, -1.0])

    def test_the_tie_tolerance_is_relative_to_the_total_weight(self) -> None:
        """Weights 1 and 1 + 1e-9 (total 2): a margin of 1e-9 is within 1e-9 x 2, a tie."""
        same(copeland([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0 + 1e-9]), [0.0, 0.0])
        same(copeland([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0 + 1e-8]), [1.0, -1.0])


class TestAggregate:
    def test_min_share_marks_insufficient_units(self) -> None:
        """A unit with too small a share of children present gets NaN and is marked."""
        X = [[1.0, 2.0, NAN], [3.0, NAN, NAN], [5.0, 6.0, 7.0]]
        r = aggregate("arithmetic", X, min_share=0.6)
        same(r.values, [3.0, 4.0, NAN])
        same(r.share, [1.0, 2 / 3, 1 / 3])
        assert r.insufficient.tolist() == [False, False, True]

    def test_without_min_share_weights_are_renormalised(self) -> None:
        """Without a threshold the children present carry all the weight."""
        # unit 2: child 1 missing, children 2 and 3 count (1, 1) / 2
        r = aggregate("arithmetic", [[10.0, NAN], [2.0, 2.0], [4.0, 4.0]], [2, 1, 1])
        same(r.values, [(20 + 2 + 4) / 4, 3.0])
        assert not r.insufficient.any()

    def test_copeland_leaves_insufficient_units_out(self) -> None:
        """Units below the threshold do not take part in the comparisons."""
        X = [[1.0, 2.0, 3.0], [1.0, 2.0, NAN]]
        r = aggregate("copeland", X, min_share=1.0)
        same(r.values, [-1.0, 1.0, NAN])

    def test_kwargs_pass_through(self) -> None:
        """The aggregator's own arguments are passed on."""
        same(aggregate("generalised", [[3.0], [4.0]], p=2).values, [math.sqrt(12.5)])

    def test_result_is_read_only_and_pickles(self) -> None:
        """The result's arrays are read-only and the result pickles and compares equal."""
        r = aggregate("median", [[1.0, NAN], [2.0, 3.0]])
        assert not r.values.flags.writeable
        assert pickle.loads(pickle.dumps(r)) == r
        assert isinstance(r, Aggregation)

    def test_unknown_method(self) -> None:
        """An unknown method is a DefinitionError listing the known ones."""
        with pytest.raises(DefinitionError, match="the methods are " + ", ".join(AGGREGATORS)):
            aggregate("mean", [[1.0]])

    @pytest.mark.parametrize("bad", [-0.1, 1.5])
    def test_min_share_out_of_range(self, bad: float) -> None:
        """min_share must be from 0 to 1."""
        with pytest.raises(DefinitionError, match=re.escape(f"must be from 0 to 1: {bad}")):
            aggregate("arithmetic", [[1.0]], min_share=bad)

    def test_aggregators_are_sorted(self) -> None:
        """AGGREGATORS lists the names alphabetically."""
        assert list(AGGREGATORS) == sorted(AGGREGATORS)


class TestDataErrors:
    def test_geometric_refuses_zero(self) -> None:
        """A zero is an error for the geometric mean by default."""
        with pytest.raises(InvalidDataError, match=r"geometric mean needs values > 0.*shift="):
            geometric([[0.0], [1.0]])

    def test_harmonic_refuses_negative(self) -> None:
        """A negative value is an error for the harmonic mean."""
        with pytest.raises(InvalidDataError, match=r"harmonic mean needs values > 0.*-2.0"):
            harmonic([[-2.0], [1.0]])

    def test_one_dimensional_data(self) -> None:
        """X needs a children axis and a units axis."""
        with pytest.raises(InvalidDataError, match=r"shape \(\.\.\., children, units\)"):
            arithmetic([1.0, 2.0])

    def test_infinite_values(self) -> None:
        """Infinite values are refused; NaN marks a missing value."""
        with pytest.raises(InvalidDataError, match="1 infinite value"):
            arithmetic([[1.0], [math.inf]])

    def test_not_numeric(self) -> None:
        """Non-numeric data are refused."""
        with pytest.raises(InvalidDataError, match="array of numbers"):
            arithmetic([["a"], ["b"]])


class TestWeightErrors:
    def test_negative_weight(self) -> None:
        """A negative weight is an error naming it."""
        with pytest.raises(DefinitionError, match=re.escape("[-1.0] are negative")):
            arithmetic([[1.0], [2.0]], [2, -1])

    def test_weights_summing_to_zero(self) -> None:
        """Weights that sum to 0 are an error."""
        with pytest.raises(DefinitionError, match="must not sum to 0"):
            median([[1.0], [2.0]], [0, 0])

    def test_non_finite_weight(self) -> None:
        """A NaN weight is an error."""
        with pytest.raises(DefinitionError, match="finite numbers: nan"):
            copeland([[1.0], [2.0]], [1, NAN])

    def test_weights_of_wrong_shape(self) -> None:
        """Weights must broadcast against X with children on axis -2."""
        with pytest.raises(DefinitionError, match=r"do not broadcast against X of shape \(2, 1\)"):
            arithmetic([[1.0], [2.0]], [1, 2, 3])


class TestWeightHelpers:
    def test_equal_weights(self) -> None:
        """equal_weights(n) gives n weights of 1/n."""
        same(equal_weights(3), [1 / 3] * 3)

    @pytest.mark.parametrize("bad", [0, -1, 2.5, True])
    def test_equal_weights_refuses_bad_n(self, bad: object) -> None:
        """n must be a whole number >= 1."""
        with pytest.raises(DefinitionError, match="whole number >= 1"):
            equal_weights(bad)  # type: ignore[arg-type]

    def test_normalise_weights(self) -> None:
        """Weights are scaled to sum to 1 along the last axis."""
        same(normalise_weights([[1, 3], [2, 2]]), [[0.25, 0.75], [0.5, 0.5]])

    def test_normalise_weights_refuses_negative(self) -> None:
        """Negative weights are an error naming the values."""
        with pytest.raises(
            DefinitionError, match=re.escape("[-2.0] are negative (weights [1.0, -2.0])")
        ):
            normalise_weights([1, -2])

    def test_normalise_weights_refuses_all_zero(self) -> None:
        """All-zero weights are an error naming the values."""
        with pytest.raises(DefinitionError, match=re.escape("must not sum to 0: [0.0, 0.0]")):
            normalise_weights([0, 0])

    def test_normalise_weights_bad_axis(self) -> None:
        """An axis the weights do not have is an error."""
        with pytest.raises(DefinitionError, match="axis 3 is not valid"):
            normalise_weights([1, 2], axis=3)

    def test_effective_weights(self) -> None:
        """Effective weights are the products of sibling shares down the tree."""
        tree = {"d1": ("i", 1), "d2": ("i", 3), "a": ("d1", 1), "b": ("d1", 4), "c": ("d2", 2)}
        got = effective_weights(tree)
        assert list(got) == ["i", "d1", "d2", "a", "b", "c"]
        # d1 = 1/4, a = 1/4 * 1/5, b = 1/4 * 4/5, c = 3/4 * 1
        expected = [1.0, 0.25, 0.75, 0.05, 0.2, 0.75]
        same(list(got.values()), expected)

    def test_effective_weights_of_leaves_sum_to_one(self) -> None:
        """Under one root, the effective weights of the leaves sum to 1."""
        tree = {"d1": ("i", 2), "d2": ("i", 1), "a": ("d1", 1), "b": ("d1", 1), "c": ("d2", 5)}
        got = effective_weights(tree)
        assert math.isclose(got["a"] + got["b"] + got["c"], 1.0)

    def test_effective_weights_cycle(self) -> None:
        """A cycle is an error naming it."""
        tree = {"a": ("b", 1), "b": ("c", 1), "c": ("a", 1), "x": ("root", 1)}
        with pytest.raises(DefinitionError, match="cycle: a -> b -> c -> a") as info:
            effective_weights(tree)
        assert info.value.code == "a"

    def test_effective_weights_negative(self) -> None:
        """A negative weight in the tree is an error naming the node."""
        with pytest.raises(DefinitionError, match="weight of 'a' must be a number >= 0: -1"):
            effective_weights({"a": ("r", -1), "b": ("r", 2)})

    def test_effective_weights_siblings_sum_to_zero(self) -> None:
        """Siblings whose weights sum to 0 are an error naming them."""
        with pytest.raises(
            DefinitionError, match=re.escape("children of 'r' sum to 0: ['a', 'b']")
        ):
            effective_weights({"a": ("r", 0), "b": ("r", 0)})

    def test_pca_weights_hand_computed(self) -> None:
        """Two perfectly correlated children share the first component equally."""
        same(pca_weights([[1.0, 2.0, 3.0], [3.0, 5.0, 7.0]]), [0.5, 0.5])

    def test_pca_weights_ignore_the_sign(self) -> None:
        """A child running against the others gets the same weight as if reversed."""
        X = np.array([[1.0, 2.0, 3.0, 5.0], [2.0, 1.0, 4.0, 4.0], [0.0, 3.0, 1.0, 2.0]])
        flipped = X * np.array([[1.0], [-1.0], [1.0]])
        same(pca_weights(X), pca_weights(flipped))
        assert math.isclose(pca_weights(X).sum(), 1.0)

    def test_pca_weights_one_set_per_leading_index(self) -> None:
        """Stacked data give each stack its own weights, each summing to 1."""
        X = np.array(
            [
                [[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [1.0, 1.0, 2.0, 1.0]],
                [[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.5], [1.0, 5.0, 2.0, 1.0]],
            ]
        )
        W = pca_weights(X)
        same(W[0], pca_weights(X[0]))
        same(W[1], pca_weights(X[1]))
        same(W.sum(axis=-1), [1.0, 1.0])

    def test_pca_weights_of_one_child(self) -> None:
        """One child gets the whole weight, with no division by zero on the way."""
        same(pca_weights([[1.0, 2.0, 4.0]]), [1.0])

    def test_pca_weights_need_complete_data(self) -> None:
        """Missing values are an error."""
        with pytest.raises(InvalidDataError, match="needs complete data: 1 value"):
            pca_weights([[1.0, NAN], [1.0, 2.0]])

    def test_pca_weights_need_two_units(self) -> None:
        """One unit has no correlation."""
        with pytest.raises(InvalidDataError, match="at least 2 units"):
            pca_weights([[1.0], [2.0]])

    def test_pca_weights_refuse_constant_child(self) -> None:
        """A constant child has no correlation."""
        with pytest.raises(InvalidDataError, match=re.escape("child(ren) [1] are constant")):
            pca_weights([[1.0, 2.0], [3.0, 3.0]])


positive = st.floats(min_value=0.01, max_value=1e3, allow_nan=False)
weight = st.floats(min_value=0.05, max_value=10.0, allow_nan=False)


@st.composite
def data_and_weights(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    children = draw(st.integers(1, 6))
    units = draw(st.integers(1, 6))
    X = draw(hnp.arrays(np.float64, (children, units), elements=positive))
    w = draw(hnp.arrays(np.float64, (children,), elements=weight))
    return X, w


class TestProperties:
    @given(data_and_weights())
    def test_geometric_is_at_most_arithmetic_for_positive_values(
        self, case: tuple[np.ndarray, np.ndarray]
    ) -> None:
        """For positive values the geometric mean never exceeds the arithmetic mean."""
        X, w = case
        g, a = geometric(X, w), arithmetic(X, w)
        assert (g <= a * (1 + 1e-12)).all()
        assert (harmonic(X, w) <= g * (1 + 1e-12)).all()

    @given(data_and_weights(), st.integers(0, 5), st.floats(1.0, 50.0))
    def test_a_unit_beating_all_others_on_every_indicator_ranks_first_under_every_aggregator(
        self, case: tuple[np.ndarray, np.ndarray], where: int, margin: float
    ) -> None:
        """A unit higher than every other unit on every child gets the strictly highest score."""
        X, w = case
        best = X.max(axis=-1, keepdims=True) + margin
        where = where % (X.shape[-1] + 1)
        X = np.concatenate([X[:, :where], best, X[:, where:]], axis=-1)
        for name in AGGREGATORS:
            kwargs = {"p": 3.0} if name == "generalised" else {}
            scores = aggregate(name, X, w, **kwargs).values
            others = np.delete(scores, where)
            assert (scores[where] > others).all(), name

    @given(st.integers(1, 500))
    def test_equal_weights_sum_to_one(self, n: int) -> None:
        """n equal weights sum to 1."""
        assert math.isclose(equal_weights(n).sum(), 1.0)

    @given(data_and_weights())
    def test_permuting_units_permutes_the_results(
        self, case: tuple[np.ndarray, np.ndarray]
    ) -> None:
        """Aggregating permuted units gives the permuted results."""
        X, w = case
        order = np.arange(X.shape[-1])[::-1]
        for name in AGGREGATORS:
            kwargs = {"p": -2.0} if name == "generalised" else {}
            same(
                aggregate(name, X[:, order], w, **kwargs).values,
                aggregate(name, X, w, **kwargs).values[order],
            )


class TestExtremeWeightsAndValues:
    """Issue 11: huge or subnormal weights and values near the ends of the floats."""

    X: ClassVar[list[list[float]]] = [[1.0, 2.0], [3.0, 4.0]]

    @pytest.mark.parametrize("w", [1e300, 1e308, 1.7e308, 5e-324, 1e-320])
    def test_equal_weights_of_any_size_are_equal_weights(self, w: float) -> None:
        """Two equal weights of 1e308 (sum overflows) or 5e-324 (products underflow) count as 1, 1."""
        expected = {
            "arithmetic": [2.0, 3.0],
            "geometric": [math.sqrt(3), math.sqrt(8)],
            "harmonic": [1.5, 8 / 3],
            "median": [2.0, 3.0],
            "copeland": [-1.0, 1.0],
        }
        for name, want in expected.items():
            same(AGGREGATORS[name](self.X, [w, w]), want)
        same(generalised(self.X, [w, w], p=2), [math.sqrt(5), math.sqrt(10)])

    def test_weights_far_apart(self) -> None:
        """1.7e308 against 5e-324: the second child counts for nothing."""
        same(arithmetic(self.X, [1.7e308, 5e-324]), [1.0, 2.0])

    def test_normalise_and_effective_weights_of_huge_and_subnormal_weights(self) -> None:
        """normalise_weights and effective_weights scale each family before summing it."""
        assert normalise_weights([1e308, 1e308]).tolist() == [0.5, 0.5]
        same(normalise_weights([5e-324, 1e-323]), [1 / 3, 2 / 3])
        got = effective_weights({"a": ("r", 1e308), "b": ("r", 1e308), "c": ("a", 5e-324)})
        assert got == {"r": 1.0, "a": 0.5, "b": 0.5, "c": 0.5}

    def test_means_of_values_near_the_ends_of_the_floats(self) -> None:
        """Means of 1.7e308 or of 5e-324 are those values, not inf or 0.

        A power mean goes through ``x ** p`` and back, so it may be off by the
        rounding of ``pow`` (numpy 2.4 gives 1.7e308 less one unit in the last
        place for p = 3): within 4 ulp, never inf.
        """
        assert arithmetic([[1e308], [1e308]]).tolist() == [1e308]
        assert median([[1.7e308], [1.7e308]]).tolist() == [1.7e308]
        (big,) = generalised([[1.7e308], [1.7e308]], p=3).tolist()
        assert abs(big - 1.7e308) <= 4 * math.ulp(1.7e308)
        (small,) = generalised([[1e-200], [1e-200]], p=-2).tolist()
        assert abs(small - 1e-200) <= 4 * math.ulp(1e-200)
        # 2 / (1 / 5e-324 + 1 / 1) = 1e-323 (the 1 counts for nothing beside 2e323)
        assert harmonic([[5e-324], [1.0]]).tolist() == [1e-323]

    @given(data_and_weights(), st.sampled_from([1e300, 2.0**1000, 1e-300, 2.0**-1000]))
    def test_aggregate_does_not_depend_on_scale_of_weights(
        self, case: tuple[np.ndarray, np.ndarray], factor: float
    ) -> None:
        """Multiplying every weight by 1e300 or 1e-300 changes no aggregate."""
        X, w = case
        for name in AGGREGATORS:
            kwargs = {"p": 2.0} if name == "generalised" else {}
            np.testing.assert_allclose(
                aggregate(name, X, w * factor, **kwargs).values,
                aggregate(name, X, w, **kwargs).values,
                rtol=1e-9,
            )
