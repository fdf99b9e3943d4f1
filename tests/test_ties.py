"""Tests of the tie rule shared by every ranking (cchc_indicators.core._ties).

Values of a row within ``RTOL = 1e-9`` times the row's largest magnitude of
the value before them (sorted) are tied. Expected values are worked out by
hand beside each case.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators.composite._engine import ranks
from cchc_indicators.core._ties import (
    RTOL,
    ascending_counts,
    dense_groups,
    descending_ranks,
    group_starts,
    tolerance,
)

NAN = math.nan


class TestTolerance:
    def test_is_rtol_times_the_largest_magnitude_of_each_row(self) -> None:
        """Row [-200, 50] has scale 200, row [0, 0] scale 0; NaN is left out."""
        got = tolerance(np.array([[-200.0, 50.0, NAN], [0.0, 0.0, NAN]]))
        assert got.shape == (2, 1)
        assert got[:, 0].tolist() == [200 * RTOL, 0.0]

    def test_a_larger_scale_given_wins(self) -> None:
        """A scale given by the caller replaces a smaller largest magnitude, not a larger one."""
        assert tolerance(np.array([1.0, 2.0]), 100.0).tolist() == [100 * RTOL]
        assert tolerance(np.array([1.0, 2.0]), 0.5).tolist() == [2 * RTOL]

    def test_infinite_values_are_left_out(self) -> None:
        """The engine marks missing scores with inf before sorting: they do not set the scale."""
        assert tolerance(np.array([np.inf, -3.0])).tolist() == [3 * RTOL]


class TestGroupStarts:
    def test_gaps_at_most_the_tolerance_continue_a_group(self) -> None:
        """Sorted 1, 1.5, 3, 3.9, NaN with tolerance 1: groups {1, 1.5}, {3, 3.9}, {NaN}."""
        got = group_starts(np.array([1.0, 1.5, 3.0, 3.9, NAN]), np.array([1.0]))
        assert got.tolist() == [True, False, True, False, True]

    def test_a_gap_equal_to_the_tolerance_is_a_tie(self) -> None:
        """The rule is gap <= tolerance."""
        assert group_starts(np.array([0.0, 0.5]), np.array([0.5])).tolist() == [True, False]

    def test_overflowing_gap_starts_a_group_silently(self) -> None:
        """-1e308 to 1e308 overflows to inf: a new group, and no warning escapes."""
        got = group_starts(np.array([-1e308, 1e308]), np.array([1e299]))
        assert got.tolist() == [True, True]


class TestDescendingRanks:
    def test_one_ulp_apart_is_a_tie(self) -> None:
        """50.5 and 50.49999999999999 (one unit in the last place) share rank 2 behind 70."""
        assert ranks(np.array([50.5, 50.49999999999999, 70.0, NAN])).tolist() == [2, 2, 1, 0]

    def test_within_and_beyond_the_tolerance(self) -> None:
        """Scale 100, tolerance 1e-7: a gap of 5e-8 ties, a further gap of 1.5e-7 does not."""
        got = ranks(np.array([100.0, 100.0 - 5e-8, 100.0 - 2e-7]))
        assert got.tolist() == [1, 1, 3]

    def test_ties_chain_through_consecutive_gaps(self) -> None:
        """Gaps of 8e-8 each tie all three, though the ends are 1.6e-7 apart (transitive closure)."""
        got = ranks(np.array([100.0 - 1.6e-7, 100.0, 100.0 - 8e-8]))
        assert got.tolist() == [1, 1, 1]

    def test_the_scale_is_the_rows_largest_magnitude(self) -> None:
        """1e-12 and 2e-12 tie beside 100 (tolerance 1e-7), not alone (tolerance 2e-21)."""
        assert ranks(np.array([1e-12, 2e-12, 100.0])).tolist() == [2, 2, 1]
        assert ranks(np.array([1e-12, 2e-12])).tolist() == [2, 1]

    def test_negative_scores(self) -> None:
        """Scale 300 (from -300), tolerance 3e-7: -100 and -100 + 5e-8 tie behind -1."""
        got = ranks(np.array([-100.0, -300.0, -1.0, -100.0 + 5e-8]))
        assert got.tolist() == [2, 4, 1, 2]

    def test_each_row_has_its_own_scale(self) -> None:
        """Rows of a (replications, nodes, units) array are ranked independently."""
        scores = np.array([[[1.0, 1.0 + 1e-12, 0.5]], [[1e-9, 2e-9, NAN]]])
        assert ranks(scores).tolist() == [[[1, 1, 3]], [[2, 1, 0]]]

    def test_a_given_scale_widens_the_tolerance(self) -> None:
        """With scale 1e6 (tolerance 1e-3), 1.0 and 1.0005 tie."""
        assert descending_ranks(np.array([1.0, 1.0005]), 1e6).tolist() == [1, 1]

    def test_no_units(self) -> None:
        """An empty row gives no ranks."""
        assert ranks(np.zeros((2, 0))).shape == (2, 0)


class TestAscendingCounts:
    def test_hand_values(self) -> None:
        """3 and 3 + 4e-16 tie: below 2, group of 2; 1 is alone at the bottom; NaN is not counted."""
        below, equal, n = ascending_counts(np.array([3.0, 1.0, 3.0 + 4e-16, NAN, 2.0]))
        assert below.tolist()[:3] == [2.0, 0.0, 2.0]
        assert equal.tolist()[:3] == [2.0, 1.0, 2.0]
        assert math.isnan(below[3])
        assert math.isnan(equal[3])
        assert n.tolist() == [4.0]


class TestDenseGroups:
    def test_hand_values(self) -> None:
        """0.1 + 0.2 and 0.3 are one group; groups count up from the smallest."""
        got = dense_groups(np.array([[0.1 + 0.2, 0.3, 0.2, NAN]]))
        assert got[0, :3].tolist() == [1.0, 1.0, 0.0]
        assert math.isnan(got[0, 3])


# Levels far apart (a gap of 1 on a scale of at most 6), repeated, each copy moved by up
# to 4 units in the last place: the noise of sums taken in another order.
levels = st.lists(st.integers(0, 6), min_size=1, max_size=12)


def nudge(values: np.ndarray, steps: list[int]) -> np.ndarray:
    out = values.copy()
    for j, k in enumerate(steps):
        for _ in range(abs(k)):
            out[j] = np.nextafter(out[j], np.inf if k > 0 else -np.inf)
    return out


class TestProperties:
    @given(levels, st.data())
    def test_ranks_do_not_depend_on_rounding_noise(
        self, lv: list[int], data: st.DataObject
    ) -> None:
        """Moving each score by a few units in the last place never changes a rank."""
        exact = np.array(lv, dtype=np.float64) * 10.0 + 0.1
        steps = data.draw(st.lists(st.integers(-4, 4), min_size=len(lv), max_size=len(lv)))
        noisy = nudge(exact, steps)
        assert (ranks(noisy) == ranks(exact)).all()
        below, equal, _ = ascending_counts(noisy)
        below0, equal0, _ = ascending_counts(exact)
        assert (below == below0).all()
        assert (equal == equal0).all()

    @given(levels)
    def test_ranks_of_distinct_values_follow_their_order(self, lv: list[int]) -> None:
        """Values farther apart than the tolerance rank as exact comparison ranks them."""
        v = np.array(lv, dtype=np.float64)
        expected = [1 + int((v > x).sum()) for x in v]
        assert ranks(v).tolist() == expected

    @given(levels, st.permutations(list(range(12))))
    def test_permuting_units_permutes_ranks(self, lv: list[int], perm: list[int]) -> None:
        """A tie group does not depend on the order the units are listed in."""
        order = [p for p in perm if p < len(lv)]
        v = nudge(np.array(lv, dtype=np.float64) + 0.3, [1] * len(lv))
        assert ranks(v[order]).tolist() == ranks(v)[order].tolist()
