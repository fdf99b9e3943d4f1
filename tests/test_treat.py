"""Tests of cchc_indicators.composite.treat: outlier treatment, COINr's Treat() default and the transforms."""

from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators.composite._methods import Method
from cchc_indicators.composite.diagnostics import kurtosis, skewness
from cchc_indicators.composite.treat import (
    POINT_FLAGS,
    Change,
    Treatment,
    _quantiles,
    boxcox,
    log_ct,
    quantile_cap,
    treat,
    treatment_statistics,
    winsorise,
)
from cchc_indicators.core.errors import DefinitionError, InvalidDataError

NAN = math.nan


# --------------------------------------------------------------------------- the oracle
# A deliberately simple restatement of the rule (lists and loops, no numpy), to
# check the vectorised code against.


def _py_stats(vals: list[float]) -> tuple[float | None, float | None]:
    n = len(vals)
    if n == 0 or max(vals) == min(vals):
        return None, None
    m = sum(vals) / n
    d = [v - m for v in vals]
    s2 = sum(t**2 for t in d)
    s3 = sum(t**3 for t in d)
    s4 = sum(t**4 for t in d)
    skew = None
    if n >= 3:
        skew = math.sqrt(n) * s3 / s2**1.5 * math.sqrt(n * (n - 1)) / (n - 2)
    kurt = None
    if n >= 4:
        r = n * s4 / s2**2
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def _py_test(vals: list[float], st_: float, kt_: float) -> bool | None:
    skew, kurt = _py_stats(vals)
    if (skew is not None and abs(skew) < st_) or (kurt is not None and kurt < kt_):
        return True
    if skew is None or kurt is None:
        return None
    return False


def _py_skew_kurtosis(
    row: list[float], winmax: int = 5, st_: float = 2.0, kt_: float = 3.5, *, fallback: bool = True
) -> tuple[list[float], list[str], str, int]:
    """One indicator: (values, points, applied, winsorised)."""
    where = [i for i, v in enumerate(row) if not math.isnan(v)]
    cur = list(row)
    flags = [""] * len(row)
    if _py_test([row[i] for i in where], st_, kt_) is not False:
        return cur, flags, "none", 0
    hi: list[int] = []
    lo: list[int] = []
    while _py_test([cur[i] for i in where], st_, kt_) is False and len(hi) + len(lo) < winmax:
        vals = [cur[i] for i in where]
        skew, _ = _py_stats(vals)
        assert skew is not None
        if skew >= 0:
            top = max(vals)
            hi = [i for i in where if cur[i] == top]
            below = max(v for v in vals if v < top)
            for i in hi:
                cur[i] = below
        else:
            bottom = min(vals)
            lo = [i for i in where if cur[i] == bottom]
            above = min(v for v in vals if v > bottom)
            for i in lo:
                cur[i] = above
    after = _py_test([cur[i] for i in where], st_, kt_)
    if fallback and after is None:
        return list(row), flags, "none", 0
    if fallback and after is False:
        vals = [row[i] for i in where]
        mn, mx = min(vals), max(vals)
        out = [v if math.isnan(v) else math.log(v - mn + 0.01 * (mx - mn)) for v in row]
        return out, ["" if math.isnan(v) else "log_ct" for v in row], "log_ct", 0
    for i in hi:
        flags[i] = "winhi"
    for i in lo:
        flags[i] = "winlo"
    return cur, flags, "winsorise", len(hi) + len(lo)


def _check_against_oracle(X: np.ndarray, method: Method) -> None:
    o = method.kwargs
    t = treat(X, method)
    for k, row in enumerate(X.tolist()):
        values, flags, applied, count = _py_skew_kurtosis(
            row,
            o.get("winmax", 5),
            o.get("skew", 2.0),
            o.get("kurtosis", 3.5),
            fallback=method.name == "skew_kurtosis",
        )
        np.testing.assert_allclose(t.values[k], values, rtol=1e-12, atol=1e-12, equal_nan=True)
        assert t.points[k].tolist() == flags
        assert (t.applied[k], int(t.winsorised[k])) == (applied, count)


# Values with ties (small integers), heavy tails (powers of ten) and NaN. The
# floats are rounded to 6 decimals: the oracle's sums of d**4 would underflow
# on values near 1e-80 (the library scales them first).
_value = st.one_of(
    st.integers(-3, 3).map(float),
    st.integers(0, 7).map(lambda e: 10.0**e),
    st.integers(0, 7).map(lambda e: -(10.0**e)),
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 6)),
    st.just(NAN),
)


@st.composite
def _matrices(draw: st.DrawFn, min_units: int = 0) -> np.ndarray:
    units = draw(st.integers(min_units, 14))
    rows = draw(st.integers(1, 4))
    return np.array(
        [draw(st.lists(_value, min_size=units, max_size=units)) for _ in range(rows)], dtype=float
    ).reshape(rows, units)


_options = st.fixed_dictionaries(
    {},
    optional={
        "winmax": st.integers(1, 6),
        "skew": st.sampled_from([0.5, 1.0, 2.0]),
        "kurtosis": st.sampled_from([-1.0, 1.0, 3.5]),
    },
)


class TestOracle:
    @given(X=_matrices(), options=_options)
    def test_skew_kurtosis_equals_the_oracle(self, X: np.ndarray, options: dict[str, Any]) -> None:
        """skew_kurtosis gives the simple restatement's values, flags and counts to 1e-12."""
        _check_against_oracle(X, Method("skew_kurtosis", options))

    @given(X=_matrices(), options=_options)
    def test_winsorise_equals_the_oracle(self, X: np.ndarray, options: dict[str, Any]) -> None:
        """The winsorise treatment is the oracle's loop without the fallback."""
        _check_against_oracle(X, Method("winsorise", options))

    def test_oracle_agrees_on_lognormal_indicators_with_fallbacks(self) -> None:
        """On 300 lognormal indicators of 60 units (with log_ct fallbacks) the oracle agrees."""
        rng = np.random.default_rng(7)
        sigma = rng.uniform(0.3, 3.0, (300, 1))
        X = np.round(np.exp(rng.normal(0, 1, (300, 60)) * sigma))
        X[rng.random(X.shape) < 0.05] = NAN
        t = treat(X, "skew_kurtosis")
        assert {"none", "winsorise", "log_ct"} <= set(t.applied)
        _check_against_oracle(X, Method("skew_kurtosis"))


# --------------------------------------------------------------------------- statistics


class TestStatistics:
    def test_hand_computed_skewness_and_kurtosis(self) -> None:
        """[1, 2, 3, 4, 5, 100]: skewness 2.4425, kurtosis 5.9733, by exact sums."""
        # mean 115/6; 6d = 6x - 115 = -109, -103, -97, -91, -85, 485 (the ratios
        # below do not depend on the scale of d):
        #   S2 = sum (6d)^2 = 11881 + 10609 + 9409 + 8281 + 7225 + 235225 = 282630
        #   S3 = sum (6d)^3 = 114084125 - (1295029 + 1092727 + 912673 + 753571 + 614125) = 109416000
        #   S4 = sum (6d)^4 = 141158161 + 112550881 + 88529281 + 68574961 + 52200625 + 55330800625
        #      = 55793814534
        # g = sqrt(6) S3 / S2^1.5, skew = g sqrt(6 * 5) / 4
        # r = 6 S4 / S2^2, kurt = ((7)(r - 3) + 6)(5) / ((4)(3))
        s2, s3, s4 = 282630, 109416000, 55793814534
        g = math.sqrt(6) * s3 / s2**1.5
        r = 6 * s4 / s2**2
        sk, ku = treatment_statistics([1.0, 2.0, 3.0, 4.0, 5.0, 100.0])
        assert sk == pytest.approx(g * math.sqrt(30) / 4, rel=1e-13)
        assert ku == pytest.approx((7 * (r - 3) + 6) * 5 / 12, rel=1e-13)
        assert round(float(sk), 4) == 2.4425
        assert round(float(ku), 4) == 5.9733

    def test_winsorised_example_passes(self) -> None:
        """[1, 2, 3, 4, 5, 5]: skewness -0.3827, kurtosis -1.48125, by exact sums."""
        # mean 10/3; 3d = -7, -4, -1, 2, 5, 5: S2 = 120, S3 = -150, S4 = 3924
        # skew = sqrt(6) (-150) / 120^1.5 * sqrt(30) / 4 = -0.38273
        # r = 6 * 3924 / 14400 = 1.635; kurt = (7 (1.635 - 3) + 6) * 5 / 12 = -1.48125
        sk, ku = treatment_statistics([1.0, 2.0, 3.0, 4.0, 5.0, 5.0])
        assert sk == pytest.approx(math.sqrt(6) * -150 / 120**1.5 * math.sqrt(30) / 4, rel=1e-13)
        assert ku == pytest.approx(-1.48125, rel=1e-13)

    def test_same_as_the_diagnostics(self) -> None:
        """Where both are defined, the statistics are diagnostics' skewness and kurtosis."""
        rng = np.random.default_rng(3)
        X = np.exp(rng.normal(0, 1.5, (50, 12)))
        X[rng.random(X.shape) < 0.2] = NAN
        sk, ku = treatment_statistics(X)
        np.testing.assert_allclose(sk, skewness(X), rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(ku, kurtosis(X), rtol=1e-12, equal_nan=True)

    def test_undefined_cases(self) -> None:
        """NaN: skewness below 3 values, kurtosis below 4, both for constants and empty rows."""
        X = [
            [1.0, 2.0, NAN, NAN],
            [1.0, 2.0, 4.0, NAN],
            [0.1, 0.1, 0.1, 0.1],
            [NAN, NAN, NAN, NAN],
        ]
        sk, ku = treatment_statistics(X)
        assert np.isnan(sk).tolist() == [True, False, True, True]
        assert np.isnan(ku).all()

    def test_constant_rows_are_undefined_even_when_the_mean_rounds(self) -> None:
        """Seven equal values whose floating mean is not exactly the value are still constant."""
        row = np.full(7, 0.1)
        assert row.sum() / 7 != 0.1  # 0.09999999999999999: the deviations are not all 0
        sk, ku = treatment_statistics(row)
        assert math.isnan(sk)
        assert math.isnan(ku)

    def test_huge_values_do_not_overflow(self) -> None:
        """Values near the largest float give the statistics of the same values scaled down."""
        row = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 100.0])
        big = treatment_statistics(row * 1e300)
        small = treatment_statistics(row)
        np.testing.assert_allclose(big, small, rtol=1e-12)


# --------------------------------------------------------------------------- skew_kurtosis


class TestSkewKurtosis:
    def test_one_high_point_winsorised(self) -> None:
        """[1, 2, 3, 4, 5, 100] fails (2.44, 5.97); 100 becomes 5 and the row passes."""
        t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]], "skew_kurtosis", indicators=["a"])
        assert t.values.tolist() == [[1.0, 2.0, 3.0, 4.0, 5.0, 5.0]]
        assert t.points.tolist() == [["", "", "", "", "", "winhi"]]
        assert t.applied == ("winsorise",)
        assert t.winsorised.tolist() == [1]
        assert (t.passed_before, t.passed_after) == ((False,), (True,))
        assert t.reason == ("",)
        assert t.skew_after[0] == pytest.approx(-0.38273, abs=1e-5)

    def test_tied_maxima_are_winsorised_together(self) -> None:
        """[1..12, 100, 100] fails (2.25, 3.66); both 100s go to 12 in one step: 2 points."""
        row = [*range(1, 13), 100, 100]
        t = treat([row], "skew_kurtosis")
        assert t.values[0].tolist() == [*range(1, 13), 12, 12]
        assert t.points[0].tolist() == [""] * 12 + ["winhi", "winhi"]
        assert t.winsorised.tolist() == [2]
        assert t.passed_after == (True,)

    def test_negative_skew_winsorises_the_low_side(self) -> None:
        """[-100, -5, -4, -3, -2, -1], the mirror of the first case: -100 becomes -5, flagged winlo."""
        t = treat([[-100.0, -5.0, -4.0, -3.0, -2.0, -1.0]], "skew_kurtosis")
        assert t.values.tolist() == [[-5.0, -5.0, -4.0, -3.0, -2.0, -1.0]]
        assert t.points.tolist() == [["winlo", "", "", "", "", ""]]
        assert t.skew_before[0] == pytest.approx(-2.4425, abs=1e-4)

    def test_latest_set_is_cumulative(self) -> None:
        """[1..12, 1e4, 1e6]: 1e6 to 1e4 (1 point), then both to 12 (the latest set: 2 points)."""
        row = [*range(1, 13), 1e4, 1e6]
        t = treat([row], "skew_kurtosis")
        assert t.values[0].tolist() == [*range(1, 13), 12, 12]
        assert t.winsorised.tolist() == [2]
        assert t.points[0, 12:].tolist() == ["winhi", "winhi"]

    def test_ties_may_take_the_count_beyond_winmax(self) -> None:
        """With winmax 1, the two tied maxima of [1..12, 100, 100] still go together: 2 points."""
        t = treat([[*range(1, 13), 100, 100]], Method("skew_kurtosis", winmax=1))
        assert t.values[0, -2:].tolist() == [12.0, 12.0]
        assert t.winsorised.tolist() == [2]
        assert t.applied == ("winsorise",)

    def test_log_fallback_when_winmax_is_not_enough(self) -> None:
        """With winmax 1, [1..12, 1e4, 1e6] still fails after one step: log_ct of the originals."""
        row = np.array([*range(1, 13), 1e4, 1e6])
        t = treat([row], Method("skew_kurtosis", winmax=1))
        # log(x - 1 + 0.01 (1e6 - 1)) = log(x + 9998.99)
        np.testing.assert_allclose(t.values[0], np.log(row + 9998.99), rtol=1e-14)
        assert t.applied == ("log_ct",)
        assert t.winsorised.tolist() == [0]
        assert set(t.points[0].tolist()) == {"log_ct"}
        assert t.passed_before == (False,)
        assert t.passed_after == (False,)  # log_ct is the result even so

    def test_fewer_than_four_values_undecided(self) -> None:
        """Three values and |skew| above the threshold: kurtosis cannot decide, left as is."""
        # [1, 2, 10]: skew 1.652 >= 1 fails, kurtosis needs 4 values: undefined.
        t = treat([[1.0, 2.0, 10.0, NAN]], Method("skew_kurtosis", skew=1.0))
        assert t.values[0, :3].tolist() == [1.0, 2.0, 10.0]
        assert np.isnan(t.values[0, 3])
        assert t.applied == ("none",)
        assert t.passed_before == (None,)
        assert t.reason == ("fewer than 4 values",)

    def test_three_values_pass_by_skewness(self) -> None:
        """With the default threshold 2, three values always pass (|skew| <= sqrt 3)."""
        t = treat([[1.0, 2.0, 1000.0]], "skew_kurtosis")
        assert t.passed_before == (True,)
        assert t.reason == ("",)

    def test_two_values_and_no_values_untreated(self) -> None:
        """Two values: fewer than 3; no value at all: no values."""
        t = treat([[1.0, 50.0, NAN], [NAN, NAN, NAN]], "skew_kurtosis")
        assert t.reason == ("fewer than 3 values", "no values")
        assert t.applied == ("none", "none")
        assert (t.passed_before, t.passed_after) == ((None, None), (None, None))

    def test_constant_untreated(self) -> None:
        """A constant indicator is left as it is, reason constant."""
        t = treat([[4.0, 4.0, 4.0, 4.0, 4.0]], "skew_kurtosis")
        assert t.values.tolist() == [[4.0] * 5]
        assert t.reason == ("constant",)

    def test_constant_after_winsorisation_untreated(self) -> None:
        """[1, 1, 1, 1, 1, 100]: one step makes it constant, the re-test is undefined: untreated."""
        t = treat([[1.0, 1, 1, 1, 1, 100]], "skew_kurtosis")
        assert t.values.tolist() == [[1.0, 1, 1, 1, 1, 100]]
        assert t.applied == ("none",)
        assert t.reason == ("constant after winsorisation",)
        assert t.points.tolist() == [[""] * 6]

    def test_winsorise_keeps_a_constant_result(self) -> None:
        """The winsorise treatment alone keeps its values, constant or not."""
        t = treat([[1.0, 1, 1, 1, 1, 100]], "winsorise")
        assert t.values.tolist() == [[1.0] * 6]
        assert t.applied == ("winsorise",)
        assert t.passed_after == (None,)

    def test_missing_values_stay_missing(self) -> None:
        """NaN is skipped by the test and the winsorisation and stays NaN in every treatment."""
        X = np.array([[1.0, NAN, 2.0, 3.0, 4.0, 5.0, 100.0, NAN]])
        for m in ("skew_kurtosis", "winsorise", "log_ct", "log", "quantile_cap"):
            out = treat(X, m).values
            assert np.isnan(out).tolist() == np.isnan(X).tolist(), m
        out = treat(X, Method("boxcox", {"lambda": 0.5})).values
        assert np.isnan(out).tolist() == np.isnan(X).tolist()
        sk = treat(X, "skew_kurtosis")
        assert sk.values[0, [0, 2, 3, 4, 5, 6]].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 5.0]


# --------------------------------------------------------------------------- laws


@given(X=_matrices(), options=_options)
def test_winsorisation_stays_within_the_data_range(X: np.ndarray, options: dict[str, Any]) -> None:
    """Winsorised values lie between the row's original minimum and maximum; NaN stays NaN."""
    out = winsorise(X, **options)
    assert np.isnan(out).tolist() == np.isnan(X).tolist()
    with np.errstate(invalid="ignore"):
        lo = np.fmin.reduce(X, axis=1, initial=np.inf)[:, None]
        hi = np.fmax.reduce(X, axis=1, initial=-np.inf)[:, None]
    present = ~np.isnan(X)
    assert (out[present] >= np.broadcast_to(lo, X.shape)[present]).all()
    assert (out[present] <= np.broadcast_to(hi, X.shape)[present]).all()


@given(X=_matrices(), options=_options)
def test_winsorisation_preserves_order(X: np.ndarray, options: dict[str, Any]) -> None:
    """If x_i <= x_j before winsorising, then also after."""
    out = winsorise(X, **options)
    before = X[:, :, None] <= X[:, None, :]
    after = out[:, :, None] <= out[:, None, :]
    assert not (before & ~after).any()


@given(X=_matrices(), options=_options)
def test_winsorisation_is_symmetric_under_negation(X: np.ndarray, options: dict[str, Any]) -> None:
    """Winsorising -x gives exactly minus the winsorised x (the low side mirrors the high)."""
    np.testing.assert_array_equal(winsorise(-X, **options), -winsorise(X, **options))


@given(X=_matrices())
def test_passing_indicators_are_unchanged(X: np.ndarray) -> None:
    """An indicator that passes the test (or cannot be tested) keeps every value and no flag."""
    t = treat(X, "skew_kurtosis")
    for k, passed in enumerate(t.passed_before):
        if passed is not False:
            np.testing.assert_array_equal(t.values[k], X[k])
            assert set(t.points[k].tolist()) <= {""}
            assert t.applied[k] == "none"


# --------------------------------------------------------------------------- transforms


class TestTransforms:
    def test_log_ct_hand_computed(self) -> None:
        """[0, 1, 100]: log(x - 0 + 0.01 * 100) = log(x + 1)."""
        assert log_ct([0.0, 1.0, 100.0]).tolist() == pytest.approx(
            [0.0, math.log(2), math.log(101)]
        )

    def test_log_ct_on_negative_values(self) -> None:
        """[-5, 5]: log(x + 5 + 0.1): the minimum goes to log 0.1."""
        assert log_ct([-5.0, 5.0]).tolist() == pytest.approx([math.log(0.1), math.log(10.1)])

    def test_log_ct_constant_untreated(self) -> None:
        """A constant indicator has no log_ct (log 0): left as is, reason constant."""
        t = treat([[3.0, 3.0, NAN], [NAN, NAN, NAN]], "log_ct")
        assert t.values[0, :2].tolist() == [3.0, 3.0]
        assert t.applied == ("none", "none")
        assert t.reason == ("constant", "no values")
        assert (t.points == "").all()

    def test_log(self) -> None:
        """log is the natural log of every value, flagged log."""
        t = treat([[1.0, math.e, NAN]], "log")
        assert t.values[0, :2].tolist() == [0.0, 1.0]
        assert t.points.tolist() == [["log", "log", ""]]
        assert t.applied == ("log",)

    def test_log_refuses_values_not_positive(self) -> None:
        """Each indicator with a value <= 0 is named in its own problem, kind not_positive."""
        with pytest.raises(InvalidDataError) as info:
            treat([[1.0, 0.0], [2.0, 3.0], [-1.0, -2.0]], "log", indicators=["a", "b", "c"])
        err = info.value
        assert err.kinds == ("not_positive",)
        assert [p.field for p in err.problems] == ["a", "c"]
        assert "indicator 'c': log needs values > 0: 2 value(s) are not (first: -1.0)" in str(err)

    def test_boxcox_lambda_zero_is_log_of_the_shifted_values(self) -> None:
        """λ = 0 with shift: log(x - 2 + 1) for [2, 3, 6] is [0, log 2, log 5]."""
        assert boxcox([2.0, 3.0, 6.0], 0).tolist() == pytest.approx([0.0, math.log(2), math.log(5)])

    def test_boxcox_lambda_half(self) -> None:
        """λ = 0.5 without shift: (sqrt(x) - 1) / 0.5 for [1, 4, 9] is [0, 2, 4]."""
        assert boxcox([1.0, 4.0, 9.0], 0.5, shift=False).tolist() == [0.0, 2.0, 4.0]
        # with shift: x - 1 + 1 = x, the same here
        assert boxcox([1.0, 4.0, 9.0], 0.5).tolist() == [0.0, 2.0, 4.0]

    def test_boxcox_through_treat(self) -> None:
        """treat reads lambda and shift from the method and flags every value boxcox."""
        t = treat([[0.0, 3.0, 8.0]], Method("boxcox", {"lambda": 0.5}))
        # shift: x + 1 = 1, 4, 9; (sqrt - 1) / 0.5 = 0, 2, 4
        assert t.values.tolist() == [[0.0, 2.0, 4.0]]
        assert t.points.tolist() == [["boxcox"] * 3]
        with pytest.raises(InvalidDataError, match="boxcox without shift needs values > 0"):
            treat([[0.0, 3.0, 8.0]], Method("boxcox", {"lambda": 0.5, "shift": False}))

    def test_boxcox_overflow(self) -> None:
        """A result beyond the largest float is refused, kind overflow."""
        with pytest.raises(InvalidDataError) as info:
            boxcox([1.0, 1e200], 2.0)
        assert info.value.kinds == ("overflow",)

    def test_quantile_cap_hand_computed(self) -> None:
        """[1, 2, 3, 4, 100] at 0.1 and 0.9: h = 0.4 gives 1.4; h = 3.6 gives 4 + 0.6 * 96 = 61.6."""
        assert quantile_cap([1.0, 2.0, 3.0, 4.0, 100.0], 0.1, 0.9).tolist() == pytest.approx(
            [1.4, 2.0, 3.0, 4.0, 61.6]
        )
        t = treat([[1.0, 2.0, 3.0, 4.0, 100.0]], Method("quantile_cap", lower=0.1, upper=0.9))
        assert t.points.tolist() == [["caplo", "", "", "", "caphi"]]
        assert t.applied == ("quantile_cap",)

    def test_quantiles_are_numpys(self) -> None:
        """The quantiles are numpy's default (linear) over the observed values."""
        rng = np.random.default_rng(5)
        X = rng.normal(size=(40, 9))
        X[rng.random(X.shape) < 0.3] = NAN
        X[0] = NAN
        for p in (0.0, 0.05, 0.5, 0.95, 1.0):
            got = _quantiles(X, p)
            want = [np.quantile(r[~np.isnan(r)], p) if (~np.isnan(r)).any() else NAN for r in X]
            np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15, equal_nan=True)

    def test_transforms_keep_the_shape(self) -> None:
        """1-D in, 1-D out; 2-D in, 2-D out."""
        x = [1.0, 2.0, 3.0, 50.0]
        assert winsorise(x).shape == log_ct(x).shape == boxcox(x, 1).shape == (4,)
        assert quantile_cap([x, x]).shape == (2, 4)

    def test_none_changes_nothing(self) -> None:
        """The method none returns the values as given, no flag."""
        X = [[1.0, 2.0, 300.0, 4.0, 5.0, 6.0]]
        t = treat(X, "none")
        assert t.values.tolist() == X
        assert t.applied == ("none",)
        assert t.changed() == []


# --------------------------------------------------------------------------- per-row methods


class TestPerRow:
    def test_each_row_gets_its_method(self) -> None:
        """A method per row gives each row what it gets alone."""
        rows = [
            [1.0, 2.0, 3.0, 4.0, 5.0, 100.0],
            [1.0, 2.0, 3.0, 4.0, 5.0, 100.0],
            [2.0, 3.0, 6.0, 1.0, 1.0, 1.0],
            [1.0, 2.0, 3.0, 4.0, 5.0, 100.0],
        ]
        methods = [
            Method("skew_kurtosis"),
            Method("log_ct"),
            Method("boxcox", {"lambda": 0}),
            Method("skew_kurtosis"),
        ]
        t = treat(rows, methods, indicators=["a", "b", "c", "d"])
        for k, (row, m) in enumerate(zip(rows, methods, strict=True)):
            alone = treat([row], m)
            np.testing.assert_array_equal(t.values[k], alone.values[0])
            assert t.applied[k] == alone.applied[0]
        assert t.applied == ("winsorise", "log_ct", "boxcox", "winsorise")
        assert t.method == tuple(methods)

    def test_thresholds_of_each_row_are_used_for_the_verdicts(self) -> None:
        """passed_before uses the row's own thresholds."""
        row = [1.0, 2.0, 3.0, 4.0, 5.0, 100.0]  # skew 2.44, kurtosis 5.97
        t = treat([row, row], [Method("skew_kurtosis"), Method("skew_kurtosis", skew=3.0)])
        assert t.passed_before == (False, True)
        assert t.applied == ("winsorise", "none")

    def test_names_and_mappings_are_methods(self) -> None:
        """A name or a mapping with 'name' is read as a method."""
        t = treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]] * 2, ["skew_kurtosis", {"name": "log_ct"}])
        assert t.applied == ("winsorise", "log_ct")
        assert t.indicators == ("0", "1")


# --------------------------------------------------------------------------- the result


class TestTreatment:
    def _t(self) -> Treatment:
        return treat(
            [[1.0, 2.0, 3.0, 4.0, 5.0, 100.0], [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]],
            "skew_kurtosis",
            indicators=["a", "b"],
        )

    def test_changed(self) -> None:
        """changed() lists every flagged point with its values before and after."""
        assert self._t().changed() == [Change("a", 5, 100.0, 5.0, "winhi")]

    def test_table(self) -> None:
        """One line per indicator, with the reason of an untreated one."""
        lines = self._t().table("en").splitlines()
        assert lines[0].split()[:3] == ["Indicator", "Method", "Applied"]
        assert len(lines) == 4
        assert lines[3].split()[0] == "b"
        assert lines[3].endswith("constant")

    def test_table_in_vietnamese(self) -> None:
        """The table's labels and reasons follow the language."""
        text = self._t().table("vi")
        assert text.startswith("Chỉ tiêu")
        assert "hằng số" in text

    def test_records_and_frame(self) -> None:
        """to_records has one record per indicator; undefined statistics are None."""
        recs = self._t().to_records()
        assert [r["indicator"] for r in recs] == ["a", "b"]
        assert recs[1]["skew_before"] is None
        assert recs[1]["passed_before"] is None
        assert recs[0]["method"] == "skew_kurtosis"
        pytest.importorskip("pandas")
        frame = self._t().to_frame()
        assert frame.shape == (2, 11)
        assert frame["winsorised"].tolist() == [1, 0]

    def test_method_text_shows_options(self) -> None:
        """A method with options is written with them."""
        t = treat([[1.0, 2.0]], Method("quantile_cap", lower=0.1))
        assert t.to_records()[0]["method"] == "quantile_cap(lower=0.1)"

    def test_html(self) -> None:
        """The notebook display names the indicators and escapes them."""
        html = treat([[1.0, 2.0, 3.0]], "none", indicators=["<a>"])._repr_html_()
        assert "&lt;a&gt;" in html
        assert "<a>" not in html
        assert "cchc-treatment" in html

    def test_repr(self) -> None:
        """The repr counts indicators, units and points."""
        assert (
            repr(self._t()) == "Treatment(2 indicators, 6 units, 1 treated, 1 point(s) winsorised)"
        )

    def test_frozen_and_read_only(self) -> None:
        """A treatment cannot be changed: fields frozen, arrays read-only."""
        t = self._t()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            t.values = t.values  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            t.values[0, 0] = 1.0
        assert set(t.points.ravel().tolist()) <= set(POINT_FLAGS)

    def test_pickles(self) -> None:
        """A treatment pickles and comes back with the same values."""
        t = self._t()
        back = pickle.loads(pickle.dumps(t))
        np.testing.assert_array_equal(back.values, t.values)
        assert back.method == t.method

    def test_empty(self) -> None:
        """No rows, or no units, is no work."""
        assert treat(np.zeros((0, 3)), "skew_kurtosis").values.shape == (0, 3)
        t = treat(np.zeros((2, 0)), "quantile_cap")
        assert t.reason == ("no values", "no values")


# --------------------------------------------------------------------------- errors


class TestErrors:
    def test_non_numeric(self) -> None:
        """Values that are not numbers: InvalidDataError, kind not_numeric."""
        with pytest.raises(InvalidDataError) as info:
            treat([["a", "b"]], "log_ct")
        assert info.value.kinds == ("not_numeric",)
        with pytest.raises(InvalidDataError, match="log_ct: X must be an array of numbers"):
            log_ct(["x"])

    def test_bad_shapes(self) -> None:
        """treat needs a matrix; the transforms one or two dimensions."""
        with pytest.raises(
            InvalidDataError, match=r"treat: X must have shape \(indicators, units\)"
        ):
            treat([1.0, 2.0], "log_ct")
        with pytest.raises(InvalidDataError) as info:
            winsorise(np.zeros((2, 2, 2)))
        assert info.value.kinds == ("bad_shape",)
        with pytest.raises(
            InvalidDataError,
            match=r"quantile_cap: X must have shape \(units,\) or \(indicators, units\)",
        ):
            quantile_cap(3.0)

    def test_infinite(self) -> None:
        """An infinite value is refused; NaN is the missing value."""
        with pytest.raises(InvalidDataError, match="1 infinite value"):
            treat([[1.0, math.inf]], "none")

    def test_method_count(self) -> None:
        """A sequence of methods must have one per row."""
        with pytest.raises(DefinitionError, match="2 method\\(s\\) for 3 indicator row\\(s\\)"):
            treat(np.ones((3, 4)), ["log_ct", "log_ct"])

    def test_methods_not_a_sequence(self) -> None:
        """Something that is neither a method nor a sequence is refused."""
        with pytest.raises(DefinitionError, match="'methods' must be a method"):
            treat(np.ones((1, 4)), 3)  # type: ignore[arg-type]

    def test_bad_method_in_a_row_names_the_row(self) -> None:
        """An unknown method, or a bad one, names the indicator."""
        with pytest.raises(DefinitionError, match="indicator 'b': unknown treatment method 'trim'"):
            treat(np.ones((2, 4)), ["log_ct", "trim"], indicators=["a", "b"])
        with pytest.raises(DefinitionError, match="indicator 'a'"):
            treat(np.ones((1, 4)), [3], indicators=["a"])  # type: ignore[list-item]

    def test_bad_options(self) -> None:
        """Options out of range are refused before any work."""
        with pytest.raises(DefinitionError, match="'winmax' must be a whole number >= 1"):
            treat(np.ones((1, 4)), Method("skew_kurtosis", winmax=0))
        with pytest.raises(DefinitionError, match="'winmax' must be a whole number >= 1"):
            winsorise([1.0, 2.0], winmax=0)
        with pytest.raises(DefinitionError, match="needs a number 'lambda'"):
            treat(np.ones((1, 4)), "boxcox")
        with pytest.raises(DefinitionError, match="'shift' must be true or false"):
            boxcox([1.0, 2.0], 1.0, shift=2)  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="0 <= 'lower' < 'upper' <= 1"):
            quantile_cap([1.0, 2.0], 0.9, 0.1)
        with pytest.raises(DefinitionError, match="takes no option 'winmax'"):
            treat(np.ones((1, 4)), Method("log_ct", winmax=2))

    def test_bad_indicator_names(self) -> None:
        """Names: a sequence of text, one per row, all different."""
        with pytest.raises(DefinitionError, match="1 indicator name\\(s\\) for 2 row\\(s\\)"):
            treat(np.ones((2, 4)), "none", indicators=["a"])
        with pytest.raises(DefinitionError, match="'a' is given twice"):
            treat(np.ones((2, 4)), "none", indicators=["a", "a"])
        with pytest.raises(DefinitionError, match="must be names"):
            treat(np.ones((1, 4)), "none", indicators=[1])  # type: ignore[list-item]
        with pytest.raises(DefinitionError, match="must be a sequence of names"):
            treat(np.ones((1, 4)), "none", indicators="a")

    def test_log_ct_overflow(self) -> None:
        """A range beyond the largest float is refused, kind overflow, naming the indicator."""
        with pytest.raises(InvalidDataError) as info:
            treat([[-1e308, 1e308]], "log_ct", indicators=["wide"])
        assert info.value.kinds == ("overflow",)
        assert info.value.problems[0].field == "wide"


def test_an_index_result_s_changes_name_their_units() -> None:
    """In compute_index the treatment knows the units kept: a change names its unit's code."""
    from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index

    data = Observations.from_values(
        {"a": [50.0, 1, 2, 3, 4, 5, 100], "b": [1.0, 2, 3, 4, 5, 6, 7]},
        ["Z", "A", "B", "C", "D", "E", "F"],
    )
    idx = CompositeIndex(
        "i",
        children=[Node("a"), Node("b")],
        treatment="skew_kurtosis",
        screening={"exclude": ["Z"]},
    )
    r = compute_index(idx, data)
    assert r.treatment.units == ("A", "B", "C", "D", "E", "F")
    # a without Z: 1..5 and 100, one step sets 100 to 5.
    assert r.treatment.changed() == [Change("a", "F", 100.0, 5.0, "winhi")]
