"""Tests of cchc_indicators.composite.normalise: every normaliser on hand-computed cases, properties, NaN and errors.

The arithmetic of each hand-computed case is written out beside it. Properties
are named after the law they check.
"""

from __future__ import annotations

import math
import pickle
import re

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cchc_indicators import DefinitionError, InvalidDataError
from cchc_indicators.composite.normalise import (
    NORMALISERS,
    TIES,
    Params,
    distance_to_best,
    distance_to_target,
    fit_params,
    goalposts,
    minmax,
    none,
    normalise,
    percentile_rank,
    rank,
    zscore,
)

NAN = math.nan


def same(a: object, b: object) -> None:
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12)


#: Rows of (indicators, units) with some ties; values are small integers so ties are frequent.
matrices = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=st.integers(-20, 20).map(float),
)


class TestMinmax:
    def test_hand_computed(self) -> None:
        """Min 2, max 10: 4 → (4-2)/8 = 25 %, on 0–100 and on 1–5."""
        same(minmax([2.0, 4.0, 10.0]), [0.0, 25.0, 100.0])
        same(minmax([2.0, 4.0, 10.0], low=1, high=5), [1.0, 2.0, 5.0])

    def test_a_constant_row_scores_the_middle_of_the_range(self) -> None:
        """Every unit equal: the middle of [low, high], 0.5 on 0-1 and 3 on 1-5."""
        same(minmax([[3.0, 3.0]], low=0, high=1), [[0.5, 0.5]])
        same(minmax([[3.0, 3.0]], low=1, high=5), [[3.0, 3.0]])

    def test_lower_is_better_turns_the_scale(self) -> None:
        """With direction -1 the minimum scores ``high`` and the maximum ``low``."""
        same(minmax([2.0, 4.0, 10.0], direction=-1), [100.0, 75.0, 0.0])

    def test_direction_per_row(self) -> None:
        """A direction array gives each indicator row its own direction."""
        X = np.array([[0.0, 10.0], [0.0, 10.0]])
        same(minmax(X, direction=[1, -1]), [[0.0, 100.0], [100.0, 0.0]])

    def test_zero_range_gives_the_midpoint(self) -> None:
        """A constant row gets (low + high) / 2 for every unit present; missing stays NaN."""
        same(minmax([[4.0, 4.0, NAN]], low=0, high=10), [[5.0, 5.0, NAN]])

    def test_nan_stays_nan(self) -> None:
        """A missing unit stays NaN and is left out of the minimum and maximum."""
        same(minmax([NAN, 0.0, 5.0, 10.0]), [NAN, 0.0, 50.0, 100.0])

    def test_all_missing_row(self) -> None:
        """A row with no values stays all NaN, without a warning."""
        same(minmax([[NAN, NAN], [1.0, 3.0]]), [[NAN, NAN], [0.0, 100.0]])

    def test_panel_params_make_periods_comparable(self) -> None:
        """Parameters over (period, unit) put both periods on one scale: min 0, max 20."""
        panel = np.array([[[0.0, 10.0]], [[10.0, 20.0]]])  # 2 periods, 1 indicator, 2 units
        p = fit_params(panel, axis=(0, -1))
        same(minmax(panel, params=p), [[[0.0, 50.0]], [[50.0, 100.0]]])
        # each period on its own would give 0 and 100 in both
        same(minmax(panel), [[[0.0, 100.0]], [[0.0, 100.0]]])

    def test_fixed_params_with_lower_is_better(self) -> None:
        """Fixed bounds 0–200 with direction -1: 50 → (200-50)/200 = 75."""
        same(minmax([50.0, 250.0], params=Params(min=0, max=200), direction=-1), [75.0, -25.0])

    def test_replications_axis(self) -> None:
        """A leading replication axis is normalised row by row, in one call."""
        X = np.array([[[1.0, 2.0, 3.0]], [[3.0, 1.0, 2.0]]])
        same(minmax(X), [[[0.0, 50.0, 100.0]], [[100.0, 0.0, 50.0]]])

    def test_low_must_be_below_high(self) -> None:
        """Reversing the range is refused: the direction is the one place to reverse."""
        with pytest.raises(DefinitionError, match=re.escape("'low' must be < 'high': 100 >= 0")):
            minmax([1.0, 2.0], low=100, high=0)

    @given(matrices, st.floats(-50, 50), st.floats(1, 100))
    def test_minmax_lands_in_its_range_and_keeps_order(
        self, X: np.ndarray, low: float, width: float
    ) -> None:
        """Every score lies in [low, high], and a higher value never scores lower."""
        high = low + width
        Y = minmax(X, low=low, high=high)
        assert (low - 1e-9 <= Y).all()
        assert (high + 1e-9 >= Y).all()
        for x, y in zip(X, Y, strict=True):
            order = np.argsort(x, kind="stable")
            assert (np.diff(y[order]) >= -1e-9).all()


class TestZscore:
    def test_hand_computed(self) -> None:
        """Values 2, 4, 6, 8: mean 5, sample sd sqrt(20/3); 8 → 3 / 2.582 = 1.1619."""
        sd = math.sqrt(20 / 3)
        same(zscore([2.0, 4.0, 6.0, 8.0]), [-3 / sd, -1 / sd, 1 / sd, 3 / sd])

    def test_target_mean_and_sd(self) -> None:
        """mean=50, sd=10 and lower is better: 1, 2, 3 → 60, 50, 40."""
        same(zscore([1.0, 2.0, 3.0, NAN], mean=50, sd=10, direction=-1), [60.0, 50.0, 40.0, NAN])

    def test_flat_or_single_value_gives_the_mean(self) -> None:
        """A constant row, or a row with one value, gets the target mean."""
        same(zscore([[3.0, 3.0], [7.0, NAN]], mean=5), [[5.0, 5.0], [5.0, NAN]])

    def test_fixed_params(self) -> None:
        """Fixed mean 10 and sd 2: 14 → 2."""
        same(zscore([14.0, 8.0], params=Params(mean=10, sd=2)), [2.0, -1.0])

    def test_sd_must_be_positive(self) -> None:
        """A target standard deviation of 0 is refused."""
        with pytest.raises(DefinitionError, match="'sd' must be > 0: 0"):
            zscore([1.0, 2.0], sd=0)

    def test_params_without_mean(self) -> None:
        """Params lacking a field the method needs are refused, naming it."""
        with pytest.raises(DefinitionError, match="params has no 'mean'"):
            zscore([1.0, 2.0], params=Params(min=0, max=1))


class TestGoalposts:
    def test_hand_computed(self) -> None:
        """Goalposts 20 and 100: 50 → 30/80 = 37.5; beyond them truncated to 0 and 100."""
        same(goalposts([0.0, 50.0, 100.0, 120.0], 20, 100), [0.0, 37.5, 100.0, 100.0])

    def test_without_truncation(self) -> None:
        """Without truncation 120 → 100/80 = 1.25."""
        same(goalposts([0.0, 120.0], 20, 100, truncate=False, scale=1), [-0.25, 1.25])

    def test_lower_is_better(self) -> None:
        """Direction -1: the lower goalpost scores full marks; 30 in 10–50 → 20/40 = 50."""
        same(goalposts([10.0, 30.0, 60.0, NAN], 10, 50, direction=-1), [100.0, 50.0, 0.0, NAN])

    def test_goalposts_per_row(self) -> None:
        """Each indicator row can have its own goalposts."""
        X = np.array([[5.0, 10.0], [5.0, 10.0]])
        same(goalposts(X, [0, 5], [10, 15], scale=1), [[0.5, 1.0], [0.0, 0.5]])

    def test_lower_must_be_below_upper(self) -> None:
        """Goalposts in the wrong order are refused, with both values."""
        with pytest.raises(
            DefinitionError, match=re.escape("'lower' must be < 'upper': 5.0 >= 5.0")
        ):
            goalposts([1.0], 5, 5)

    def test_scale_must_be_positive(self) -> None:
        """A scale of 0 is refused."""
        with pytest.raises(DefinitionError, match="'scale' must be > 0"):
            goalposts([1.0], 0, 1, scale=0)

    def test_goalposts_shape_must_fit(self) -> None:
        """Goalposts that do not match the indicator rows are refused."""
        with pytest.raises(DefinitionError, match="'lower' of shape \\(3,\\)"):
            goalposts(np.zeros((2, 4)), [0, 0, 0], 1)


class TestDistanceToTarget:
    def test_hand_computed(self) -> None:
        """Min 10, target 50: 30 → 20/40 = 0.5; 70 is capped at 1."""
        same(distance_to_target([10.0, 30.0, 70.0], 50), [0.0, 0.5, 1.0])

    def test_uncapped(self) -> None:
        """Without the cap 70 → 60/40 = 1.5."""
        same(distance_to_target([10.0, 30.0, 70.0], 50, cap=False), [0.0, 0.5, 1.5])

    def test_lower_is_better(self) -> None:
        """Direction -1: worst is the max 10, target 4: 6 → (10-6)/(10-4) = 2/3."""
        same(distance_to_target([2.0, 6.0, 10.0, NAN], 4, direction=-1), [1.0, 2 / 3, 0.0, NAN])

    def test_target_met_by_all(self) -> None:
        """A target at or below the worst value is met by every unit: 1 everywhere."""
        same(distance_to_target([[5.0, 8.0], [5.0, 8.0]], [5, 1]), [[1.0, 1.0], [1.0, 1.0]])

    def test_fixed_params(self) -> None:
        """A fixed worst value 0: 25 with target 50 → 0.5."""
        same(distance_to_target([25.0], 50, params=Params(min=0, max=100)), [0.5])


class TestDistanceToBest:
    def test_hand_computed(self) -> None:
        """Worst 0, best 20: 5 → 1 - 15/20 = 0.25."""
        same(distance_to_best([0.0, 5.0, 20.0]), [0.0, 0.25, 1.0])

    def test_lower_is_better(self) -> None:
        """Direction -1: best is 0, worst 20: 5 → 1 - 5/20 = 0.75."""
        same(distance_to_best([0.0, 5.0, 20.0, NAN], direction=-1), [1.0, 0.75, 0.0, NAN])

    def test_zero_range_every_unit_is_best(self) -> None:
        """In a constant row every unit is at the best: 1."""
        same(distance_to_best([[3.0, 3.0, NAN]]), [[1.0, 1.0, NAN]])

    def test_equals_minmax_to_unit_interval(self) -> None:
        """Away from zero range it is min-max to 0–1."""
        X = np.array([[1.0, 4.0, 9.0], [2.0, 0.0, 1.0]])
        same(distance_to_best(X, direction=[1, -1]), minmax(X, low=0, high=1, direction=[1, -1]))


class TestRank:
    def test_hand_computed_tie_rules(self) -> None:
        """Values 10, 30, 20, 30: the two 30s share ranks 1–2."""
        X = [10.0, 30.0, 20.0, 30.0]
        same(rank(X), [4.0, 1.0, 3.0, 1.0])
        same(rank(X, ties="max"), [4.0, 2.0, 3.0, 2.0])
        same(rank(X, ties="average"), [4.0, 1.5, 3.0, 1.5])

    def test_values_within_the_tolerance_are_tied(self) -> None:
        """0.1 + 0.2 (0.30000000000000004) and 0.3 share rank 1, for every tie rule."""
        X = [0.1 + 0.2, 0.3, 0.1]
        same(rank(X), [1.0, 1.0, 3.0])
        same(rank(X, ties="max"), [2.0, 2.0, 3.0])
        same(percentile_rank(X), [50.0, 50.0, 0.0])

    def test_lower_is_better_and_missing(self) -> None:
        """Direction -1 ranks the smallest first; a missing unit is NaN and not counted."""
        same(rank([NAN, 10.0, 30.0, 20.0], direction=-1), [NAN, 1.0, 3.0, 2.0])

    def test_empty_and_all_missing(self) -> None:
        """No units, or no values, give no ranks."""
        assert rank(np.zeros((2, 0))).shape == (2, 0)
        same(rank([NAN, NAN]), [NAN, NAN])

    def test_unknown_tie_rule(self) -> None:
        """An unknown tie rule is refused, listing the rules."""
        with pytest.raises(
            DefinitionError, match="unknown tie rule 'dense'; the rules are 'average'"
        ):
            rank([1.0], ties="dense")  # type: ignore[arg-type]

    @given(matrices, st.sampled_from(TIES))
    def test_reversing_the_direction_reverses_the_ranks(self, X: np.ndarray, ties: str) -> None:
        """With average ties, rank(-1) = n + 1 - rank(+1); min and max ties swap."""
        n = X.shape[-1]
        up = rank(X, ties=ties)  # type: ignore[arg-type]
        mirror = {"average": "average", "min": "max", "max": "min"}[ties]
        down = rank(X, ties=mirror, direction=-1)  # type: ignore[arg-type]
        same(down, n + 1 - up)

    @given(matrices, st.data())
    def test_permuting_units_permutes_the_results(self, X: np.ndarray, data: st.DataObject) -> None:
        """Every normaliser commutes with a permutation of the units."""
        perm = np.array(data.draw(st.permutations(range(X.shape[-1]))))
        for name, kwargs in [
            ("minmax", {}),
            ("zscore", {}),
            ("goalposts", {"lower": -10, "upper": 10}),
            ("distance_to_target", {"target": 5}),
            ("distance_to_best", {}),
            ("percentile_rank", {"ties": "average"}),
            ("rank", {}),
            ("none", {"direction": -1}),
        ]:
            same(normalise(name, X[..., perm], **kwargs), normalise(name, X, **kwargs)[..., perm])


class TestPercentileRank:
    def test_hand_computed_tie_rules(self) -> None:
        """Values 10, 20, 20, 40, 50 (n = 5): ranks from the worst 1, 2–3, 4, 5 over n-1 = 4."""
        X = [10.0, 20.0, 20.0, 40.0, 50.0]
        same(percentile_rank(X), [0.0, 25.0, 25.0, 75.0, 100.0])
        same(percentile_rank(X, ties="max"), [0.0, 50.0, 50.0, 75.0, 100.0])
        same(percentile_rank(X, ties="average", scale=1), [0.0, 0.375, 0.375, 0.75, 1.0])

    def test_lower_is_better_and_missing(self) -> None:
        """Direction -1: the smallest is the best; NaN is left out (n = 3)."""
        same(percentile_rank([1.0, NAN, 2.0, 3.0], direction=-1), [100.0, NAN, 50.0, 0.0])

    def test_lone_unit_scores_the_top(self) -> None:
        """A unit alone in its row gets ``scale``."""
        same(percentile_rank([[NAN, 4.0]]), [[NAN, 100.0]])

    def test_scale_must_be_positive(self) -> None:
        """A scale of 0 is refused."""
        with pytest.raises(DefinitionError, match="'scale' must be > 0"):
            percentile_rank([1.0], scale=0)

    def test_unknown_tie_rule(self) -> None:
        """An unknown tie rule is refused."""
        with pytest.raises(DefinitionError, match="unknown tie rule"):
            percentile_rank([1.0], ties="first")  # type: ignore[arg-type]


class TestNone:
    def test_keeps_values_and_applies_direction(self) -> None:
        """The values are kept; lower-is-better rows change sign; NaN stays."""
        same(none([[1, 2], [3, NAN]], direction=[1, -1]), [[1.0, 2.0], [-3.0, NAN]])

    def test_returns_a_new_array(self) -> None:
        """The input is not modified or returned."""
        X = np.array([1.0, 2.0])
        out = none(X)
        out[0] = 9
        assert X[0] == 1.0


class TestFitParams:
    def test_hand_computed(self) -> None:
        """Over units, NaN left out: 1, 3, 5 → mean 3, sample sd 2."""
        p = fit_params([[1.0, NAN, 3.0, 5.0]])
        assert (p.min.tolist(), p.max.tolist(), p.mean.tolist(), p.sd.tolist()) == (  # type: ignore[union-attr]
            [[1.0]],
            [[5.0]],
            [[3.0]],
            [[2.0]],
        )

    def test_few_values(self) -> None:
        """One value has no sd; no values gives NaN everywhere."""
        p = fit_params([[2.0, NAN], [NAN, NAN]])
        same(p.min, [[2.0], [NAN]])
        same(p.sd, [[NAN], [NAN]])

    def test_bad_axis(self) -> None:
        """An axis the data do not have is refused."""
        with pytest.raises(DefinitionError, match="axis 3 is not valid for X of shape \\(2,\\)"):
            fit_params([1.0, 2.0], axis=3)


class TestTwoPoints:
    def test_two_values_have_a_standard_deviation(self) -> None:
        """With exactly 2 values, sd = sqrt(((1 - 2)**2 + (3 - 2)**2) / 1) = sqrt(2); z = -+1/sqrt(2)."""
        p = fit_params([1.0, 3.0])
        same(p.sd, [math.sqrt(2)])
        same(zscore([1.0, 3.0]), [-1 / math.sqrt(2), 1 / math.sqrt(2)])

    def test_one_value_has_none(self) -> None:
        """With 1 value the sd is NaN (undefined), and zscore gives the target mean."""
        assert math.isnan(fit_params([[5.0, NAN]]).sd[0, 0])
        same(zscore([[5.0, NAN]], mean=10), [[10.0, NAN]])


class TestParams:
    def test_frozen_equal_and_picklable(self) -> None:
        """Params compare by value (NaN equal to NaN), are read-only and pickle."""
        p = fit_params([[1.0, 2.0], [NAN, NAN]])
        assert p == pickle.loads(pickle.dumps(p))
        assert p != Params(min=0)
        assert Params() == Params()
        assert Params(min=0) != Params()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.min = None  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            p.min[0] = 5  # type: ignore[index]

    def test_min_above_max(self) -> None:
        """A minimum above the maximum is refused, with the values."""
        with pytest.raises(DefinitionError, match=re.escape("'min' must be <= 'max': 5.0 > 1.0")):
            Params(min=[0, 5], max=[1, 1])

    def test_shapes_must_broadcast(self) -> None:
        """A minimum and maximum of incompatible shapes are refused."""
        with pytest.raises(DefinitionError, match="do not broadcast"):
            Params(min=[0, 1], max=[1, 2, 3])

    def test_negative_sd(self) -> None:
        """A negative standard deviation is refused."""
        with pytest.raises(DefinitionError, match=re.escape("'sd' must be >= 0: -1.0")):
            Params(sd=-1)

    def test_params_must_not_widen_the_data(self) -> None:
        """Params broadcasting to a larger shape than the data's are refused too."""
        with pytest.raises(DefinitionError, match=re.escape("params.min of shape (5, 2, 1)")):
            minmax(np.zeros((2, 4)), params=Params(min=np.zeros((5, 2, 1)), max=np.ones((5, 2, 1))))

    def test_params_shape_must_fit_the_data(self) -> None:
        """Params that do not broadcast to the data's shape are refused."""
        with pytest.raises(DefinitionError, match=re.escape("params.min of shape (3, 1)")):
            minmax(np.zeros((2, 4)), params=Params(min=np.zeros((3, 1)), max=np.ones((3, 1))))


class TestDirectionAndData:
    def test_bad_direction_value(self) -> None:
        """A direction other than +1 or -1 is refused, naming the value."""
        with pytest.raises(DefinitionError, match=r"'direction' must be \+1 .* or -1 .*: 0\.0"):
            minmax([1.0, 2.0], direction=0)

    def test_bad_direction_shape(self) -> None:
        """A direction that does not match the indicator rows is refused."""
        with pytest.raises(DefinitionError, match="'direction' of shape \\(3,\\)"):
            rank(np.zeros((2, 4)), direction=[1, 1, -1])

    def test_infinite_values(self) -> None:
        """Infinite values are refused: NaN is the missing value."""
        with pytest.raises(InvalidDataError, match="1 infinite value"):
            minmax([1.0, math.inf])

    def test_not_numbers(self) -> None:
        """Text is refused."""
        with pytest.raises(InvalidDataError, match="must be an array of numbers"):
            zscore(["a", "b"])

    def test_scalar_is_one_unit(self) -> None:
        """A scalar is read as one unit."""
        same(percentile_rank(3.0), [100.0])


class TestDispatcher:
    def test_names(self) -> None:
        """The dispatcher knows the eight methods and calls them."""
        assert sorted(NORMALISERS) == [
            "distance_to_best",
            "distance_to_target",
            "goalposts",
            "minmax",
            "none",
            "percentile_rank",
            "rank",
            "zscore",
        ]
        same(normalise("minmax", [0.0, 2.0], high=1), [0.0, 1.0])
        same(normalise("distance_to_target", [0.0, 2.0], target=4), [0.0, 0.5])

    def test_unknown_method_lists_the_names(self) -> None:
        """An unknown method is refused, listing every method."""
        with pytest.raises(DefinitionError) as info:
            normalise("log", [1.0])
        assert str(info.value) == (
            "unknown normalisation method 'log'; the methods are distance_to_best, "
            "distance_to_target, goalposts, minmax, none, percentile_rank, rank, zscore"
        )


class TestExtremeValues:
    """Issue 11: values near the ends of the floats give the result, not inf, NaN or 0."""

    def test_minmax_of_values_near_the_largest_float(self) -> None:
        """[-1e308, 0, 1e308]: the span 2e308 overflows, the result [0, 50, 100] does not."""
        assert minmax([-1e308, 0.0, 1e308]).tolist() == [0.0, 50.0, 100.0]
        assert minmax([-1e308, 0.0, 1e308], low=-1e308, high=1e308).tolist() == [
            -1e308,
            0.0,
            1e308,
        ]

    def test_minmax_of_subnormal_values(self) -> None:
        """5e-324 steps are exact: 0, 50, 100."""
        assert minmax([5e-324, 1e-323, 1.5e-323]).tolist() == [0.0, 50.0, 100.0]

    def test_zscore_of_subnormal_values(self) -> None:
        """1 and 3 steps of 5e-324 (or 0 and 1, the smallest float the largest): z = -+0.7071."""
        z = 1 / math.sqrt(2)
        np.testing.assert_allclose(zscore([5e-324, 1.5e-323]), [-z, z], rtol=1e-15)
        np.testing.assert_allclose(zscore([0.0, 5e-324]), [-z, z], rtol=1e-15)

    def test_zscore_of_huge_values(self) -> None:
        """1e300, 2e300, 3e300 (squares overflow): z = -1, 0, 1; also across +-1.7e308."""
        assert zscore([1e300, 2e300, 3e300]).tolist() == [-1.0, 0.0, 1.0]
        np.testing.assert_allclose(zscore([-1.7e308, 0.0, 1.7e308]), [-1, 0, 1], atol=1e-12)

    def test_zscore_of_a_constant_row_is_the_mean(self) -> None:
        """1.9, 1.9, 1.9: the mean is 1.9 exactly, sd 0, every z the target mean (was 0.816)."""
        assert zscore([1.9, 1.9, 1.9]).tolist() == [0.0, 0.0, 0.0]
        assert zscore([[0.1, 0.1, 0.1]], mean=50).tolist() == [[50.0, 50.0, 50.0]]
        assert fit_params([0.7, 0.7, 0.7]).mean.tolist() == [0.7]

    def test_fit_params_of_huge_values(self) -> None:
        """The mean of [1e308, 1e308] is 1e308 (their sum overflows); sd of 1e300, 3e300 is sqrt(2)e300."""
        p = fit_params([[1e308, 1e308], [1e300, 3e300]])
        assert p.mean.ravel().tolist() == [1e308, 2e300]
        same(p.sd.ravel(), [0.0, math.sqrt(2) * 1e300])

    def test_fit_params_refuses_an_sd_beyond_the_floats(self) -> None:
        """sd of +-1.7e308 is 2.4e308: not representable, a typed error, not inf."""
        with pytest.raises(
            InvalidDataError, match="standard deviation is beyond the largest float"
        ) as info:
            fit_params([-1.7e308, 1.7e308])
        assert info.value.kinds == ("overflow",)

    def test_goalposts_and_distances_near_the_largest_float(self) -> None:
        """Goalposts +-1.5e308, target 1.5e308, best 1e308: shares computed from halves."""
        same(goalposts([-1e308, 0.0, 1e308], -1.5e308, 1.5e308), [100 / 6, 50.0, 500 / 6])
        same(distance_to_target([-1e308, 0.0, 1e308], 1.5e308), [0.0, 0.4, 0.8])
        same(distance_to_best([-1e308, 0.0, 1e308]), [0.0, 0.5, 1.0])

    def test_a_result_beyond_the_floats_is_refused(self) -> None:
        """Fixed params 0-1e-300 put 1e308 at 1e610 % of the range: a typed error naming the value."""
        with pytest.raises(
            InvalidDataError,
            match=r"minmax: the result for 1 value\(s\) \(first: np.float64\(1e\+308\)\) is beyond the largest float",
        ) as info:
            minmax([0.0, 1e308], params=Params(min=0.0, max=1e-300))
        assert info.value.kinds == ("overflow",)
        for f, kw in (
            (zscore, {"params": Params(mean=0.0, sd=1e-300)}),
            (goalposts, {"lower": 0.0, "upper": 1e-300, "truncate": False}),
        ):
            with pytest.raises(InvalidDataError, match=f"{f.__name__}: the result"):
                f([0.0, 1e308], **kw)  # type: ignore[operator]

    @given(
        hnp.arrays(np.float64, st.integers(2, 6), elements=st.integers(-(10**6), 10**6).map(float)),
        st.sampled_from([1e-300, 2.0**-1000, 1e300, 2.0**1000]),
    )
    def test_minmax_does_not_depend_on_scale_of_data(self, x: np.ndarray, factor: float) -> None:
        """minmax, distance_to_best, zscore and rank of c * x equal those of x, for c up to 1e+-300."""
        for f in (minmax, distance_to_best, zscore, rank, percentile_rank):
            base = f(x)
            got = f(x * factor)
            np.testing.assert_allclose(got, base, rtol=1e-9, atol=1e-9)
