"""Tests of cchc_indicators.progress: trends, attainment and the four progress-to-target methods.

Every method is checked against cases computed by hand from its published
specification; the arithmetic is written out beside each case. Properties are
named after the law they check.
"""

from __future__ import annotations

import math
import pickle
import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cchc_indicators import DefinitionError
from cchc_indicators.core.errors import ArgumentTypeError
from cchc_indicators.progress import (
    CATEGORIES,
    METHODS,
    Assessment,
    assess,
    attainment,
    cagr,
    cagr_fitted,
    linear_fit,
    observed_annual_change,
    project_linear,
    required_annual_change,
    time_weighted_fit,
)
from cchc_indicators.progress import _methods as _progress

NAN = math.nan
LIMIT_BEHIND = (
    "limit ignored: it is not in the desired direction from the base value (Open SDG rule)"
)
NEAR_BOUND = "current value within 1 point of a 0 % or 100 % target: met (UNSD rule)"
#: Three yearly periods, the shape most cases use: base 2021, current 2023, deadline 2025.
X3 = [2021.0, 2022.0, 2023.0]


def one(
    method: str, values: list[float], target: float, *, higher: bool = True, **kw: Any
) -> dict[str, Any]:
    """Assess one series over X3 (now 2023, deadline 2025) and return its row as plain values."""
    a = assess(
        method,
        X3,
        np.array([values], dtype=float),
        x_now=kw.pop("x_now", 2023),
        x_deadline=kw.pop("x_deadline", 2025),
        target=target,
        higher_is_better=higher,
        **kw,
    )
    return {
        "projected": float(a.projected[0]),
        "category": a.category[0],
        "score": float(a.score[0]),
        "attainment": float(a.attainment[0]),
        "note": a.note[0],
        "status_index": float(a.status_index[0]),
    }


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-4, abs=1e-9, nan_ok=True)


# --------------------------------------------------------------------------- trends


class TestLinearFit:
    def test_slope_intercept_and_count_by_hand(self) -> None:
        """The line through 10, 12, 14 at 2020-2022 has slope 2 and passes 20 in 2025."""
        fit = linear_fit([2020.0, 2021.0, 2022.0], np.array([[10.0, 12.0, 14.0]]))
        assert fit.slope.tolist() == [2.0]
        assert fit.n_points.tolist() == [3]
        assert fit.intercept[0] + 2025 * fit.slope[0] == pytest.approx(20.0)

    def test_missing_values_are_skipped(self) -> None:
        """NaN cells are left out; one observation leaves slope and intercept NaN."""
        # 40 at 2021, 58 at 2023: slope (58 - 40) / 2 = 9
        Y = np.array([[40.0, NAN, 58.0], [NAN, 7.0, NAN], [NAN, NAN, NAN]])
        fit = linear_fit(X3, Y)
        assert fit.slope[0] == pytest.approx(9.0)
        assert np.isnan(fit.slope[1:]).all()
        assert np.isnan(fit.intercept[1:]).all()
        assert fit.n_points.tolist() == [2, 1, 0]

    def test_uneven_weights_by_hand(self) -> None:
        """Weights 1, 1, 2 on 40, 50, 58: a hand-computed weighted slope."""
        # sw = 4, mean x = (2021 + 2022 + 2*2023) / 4 = 2022.25,
        # mean y = (40 + 50 + 116) / 4 = 51.5,
        # Sxx = 1.5625 + 0.0625 + 2 * 0.5625 = 2.75,
        # Sxy = (-1.25)(-11.5) + (-0.25)(-1.5) + 2 (0.75)(6.5) = 14.375 + 0.375 + 9.75 = 24.5,
        # slope = 24.5 / 2.75 = 8.909090...
        fit = linear_fit(X3, np.array([[40.0, 50.0, 58.0]]), weights=[1.0, 1.0, 2.0])
        assert fit.slope[0] == pytest.approx(24.5 / 2.75)

    def test_a_zero_weight_leaves_a_point_out(self) -> None:
        """Weight 0 drops a point, and it no longer counts."""
        fit = linear_fit(X3, np.array([[40.0, 99.0, 58.0]]), weights=np.array([[1.0, 0.0, 1.0]]))
        assert fit.slope[0] == pytest.approx(9.0)
        assert fit.n_points.tolist() == [2]

    def test_project_linear_takes_one_year_per_series(self) -> None:
        """``x_at`` may differ per series."""
        Y = np.array([[50.0, 60.0, 70.0], [50.0, 60.0, 70.0]])
        assert project_linear(X3, Y, [2024.0, 2025.0]).tolist() == pytest.approx([80.0, 90.0])

    def test_series_are_cut_into_blocks_invisibly(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Blocks of two series give the same projections as one block."""
        rng = np.random.default_rng(5)
        Y = rng.normal(50, 10, size=(11, 3))
        whole = project_linear(X3, Y, 2025)
        monkeypatch.setattr(_progress, "CHUNK", 2)
        assert project_linear(X3, Y, 2025).tolist() == pytest.approx(whole.tolist())

    @pytest.mark.parametrize(
        ("weights", "message"),
        [
            ([1.0, 1.0], "weights must have shape (3,) or (1, 3), got (2,)"),
            ([1.0, -1.0, 1.0], "weights must be finite and non-negative"),
            ([1.0, NAN, 1.0], "weights must be finite and non-negative"),
        ],
    )
    def test_bad_weights(self, weights: list[float], message: str) -> None:
        """Weights of the wrong shape, negative or NaN are refused."""
        with pytest.raises(DefinitionError, match="^" + re.escape(message) + "$"):
            linear_fit(X3, np.array([[1.0, 2.0, 3.0]]), weights=weights)


class TestTimeWeightedFit:
    def test_weights_one_two_three_four_by_hand(self) -> None:
        """Weights 1..4 on 50, 50, 50, 60 give slope 4 where the plain slope is 3."""
        # w = 1, 2, 3, 4; sw = 10; mean x = 2023, mean y = (50 + 100 + 150 + 240) / 10 = 54
        # Sxx = 1*4 + 2*1 + 3*0 + 4*1 = 10; Sxy = 1(-2)(-4) + 2(-1)(-4) + 0 + 4(1)(6) = 40 -> 4
        # plain: mean y = 52.5, Sxx = 5, Sxy = (-1.5)(-2.5) + (-0.5)(-2.5) + (0.5)(-2.5) + (1.5)(7.5) = 15 -> 3
        x, Y = [2021.0, 2022.0, 2023.0, 2024.0], np.array([[50.0, 50.0, 50.0, 60.0]])
        assert time_weighted_fit(x, Y).slope[0] == pytest.approx(4.0)
        assert linear_fit(x, Y).slope[0] == pytest.approx(3.0)

    def test_weights_count_from_each_series_first_observation(self) -> None:
        """Empty periods before a series' first observation change nothing."""
        Y = np.array([[NAN, NAN, 50.0, 50.0, 50.0, 60.0]])
        late = time_weighted_fit([2019.0, 2020.0, 2021.0, 2022.0, 2023.0, 2024.0], Y)
        assert late.slope[0] == pytest.approx(4.0)

    def test_step_spreads_the_weights(self) -> None:
        """``step=2``: weights 1, 1.5, 2, 2.5, the same as explicit weights."""
        x, Y = [2021.0, 2022.0, 2023.0, 2024.0], np.array([[50.0, 50.0, 50.0, 60.0]])
        explicit = linear_fit(x, Y, weights=[1.0, 1.5, 2.0, 2.5])
        assert time_weighted_fit(x, Y, step=2.0).slope[0] == pytest.approx(explicit.slope[0])

    @pytest.mark.parametrize("step", [0.0, -1.0, NAN])
    def test_step_must_be_positive(self, step: float) -> None:
        """A step that is not a positive number of years is refused."""
        with pytest.raises(DefinitionError, match="step must be a positive number of years"):
            time_weighted_fit(X3, np.array([[1.0, 2.0, 3.0]]), step=step)

    @given(
        st.lists(st.one_of(st.none(), st.floats(-1e3, 1e3)), min_size=2, max_size=8),
        st.sampled_from([0.25, 1.0, 3.0]),
    )
    def test_time_weighted_fit_equals_least_squares_with_explicit_weights(
        self, cells: list[float | None], step: float
    ) -> None:
        """The moment algebra gives the slope of the explicitly weighted least squares."""
        y = np.array([NAN if c is None else c for c in cells])
        x = 2020.0 + np.arange(y.size) / 4
        ok = ~np.isnan(y)
        assume(ok.sum() >= 2)
        w = np.where(ok, 1.0 + (x - x[ok.argmax()]) / step, 0.0)
        got = time_weighted_fit(x, y[None, :], step=step)
        want = linear_fit(x, y[None, :], weights=np.maximum(w, 0.0))
        scale = 1.0 + np.nanmax(np.abs(y))
        assert got.slope[0] == pytest.approx(want.slope[0], rel=1e-7, abs=1e-7 * scale)


class TestCagr:
    @pytest.mark.parametrize(
        ("v0", "v1", "years", "rate", "note"),
        [
            # (121 / 100) ** (1 / 2) - 1 = 1.1 - 1
            (100.0, 121.0, 2.0, 0.1, ""),
            # (81 / 100) ** (1 / 2) - 1 = 0.9 - 1
            (100.0, 81.0, 2.0, -0.1, ""),
            # a quarter: (1.1 / 1) ** (1 / 0.25) - 1 = 1.4641 - 1
            (1.0, 1.1, 0.25, 0.4641, ""),
            # to zero: (0 / 50) ** (1 / 4) - 1 = -1
            (50.0, 0.0, 4.0, -1.0, ""),
            # both negative: (-121 / -100) ** (1 / 2) - 1, the growth of the magnitude
            (-100.0, -121.0, 2.0, 0.1, "negative values: growth of the magnitude"),
            (0.0, 5.0, 2.0, NAN, "zero base value: growth undefined"),
            (10.0, -5.0, 2.0, NAN, "values change sign: growth undefined"),
            (-10.0, 5.0, 2.0, NAN, "values change sign: growth undefined"),
            # over one year (-5 / 10) ** 1 - 1 = -1.5 would be a number: still undefined
            (10.0, -5.0, 1.0, NAN, "values change sign: growth undefined"),
            (10.0, 12.0, 0.0, NAN, "no time between the two values"),
            (10.0, NAN, 2.0, NAN, "missing value"),
        ],
    )
    def test_cases_by_hand(
        self, v0: float, v1: float, years: float, rate: float, note: str
    ) -> None:
        """Defined rates match the arithmetic; undefined ones are NaN and say why."""
        g = cagr(v0, v1, years)
        assert g.rate[0] == approx(rate)
        assert g.note.tolist() == [note]

    def test_arguments_broadcast(self) -> None:
        """One base value against several end values."""
        g = cagr(100.0, [121.0, 144.0], 2.0)
        assert g.rate.tolist() == pytest.approx([0.1, 0.2])
        assert g.note.tolist() == ["", ""]

    def test_infinity_is_refused(self) -> None:
        """An infinite value is an error, not a rate."""
        with pytest.raises(DefinitionError, match=r"^v0, v1 and years must hold finite values"):
            cagr(1.0, math.inf, 1.0)


class TestCagrFitted:
    def test_exact_exponential_series(self) -> None:
        """100, 110, 121, 133.1 grow by exactly 10 % a year."""
        g = cagr_fitted([2020.0, 2021.0, 2022.0, 2023.0], np.array([[100.0, 110.0, 121.0, 133.1]]))
        assert g.rate[0] == pytest.approx(0.1)
        assert g.note.tolist() == [""]

    def test_undefined_series_say_why(self) -> None:
        """Zero, mixed signs and a lone value are NaN with a note; all-negative is the magnitude."""
        Y = np.array(
            [
                [100.0, 0.0, 121.0],
                [-1.0, 2.0, 3.0],
                [NAN, 5.0, NAN],
                [-100.0, -110.0, -121.0],
            ]
        )
        g = cagr_fitted(X3, Y)
        assert np.isnan(g.rate[:3]).all()
        assert g.rate[3] == pytest.approx(0.1)
        assert g.note.tolist() == [
            "zero value: log-linear fit undefined",
            "values change sign: growth undefined",
            "fewer than two observations",
            "negative values: growth of the magnitude",
        ]

    def test_a_series_without_values_is_only_too_short(self) -> None:
        """No observation at all: fewer than two, and nothing said about negative values."""
        g = cagr_fitted(X3, np.array([[NAN, NAN, NAN]]))
        assert np.isnan(g.rate[0])
        assert g.note.tolist() == ["fewer than two observations"]


class TestAttainment:
    def test_linear_paths_by_hand(self) -> None:
        """+10 a year reaches 80 in 2024; +2 a year in 2036; a value already at 80 now."""
        # 70 + 10 (t - 2023) = 80 -> 2024; 54 + 2 (t - 2023) = 80 -> 2036
        Y = np.array([[50.0, 60.0, 70.0], [50.0, 52.0, 54.0], [90.0, 85.0, 80.0]])
        assert attainment(X3, Y, 80, horizon=2040).period.tolist() == [2024.0, 2036.0, 2023.0]
        assert np.isnan(attainment(X3, Y, 80, horizon=2030).period[1])  # not before 2030

    def test_a_path_moving_away_never_attains(self) -> None:
        """Falling values never reach a floor above them."""
        a = attainment(X3, np.array([[60.0, 55.0, 50.0]]), 80, horizon=2100)
        assert np.isnan(a.period).all()

    def test_lower_is_better(self) -> None:
        """A ceiling: 30 falling 5 a year reaches 15 in 2026."""
        a = attainment(X3, np.array([[40.0, 35.0, 30.0]]), 15, False, horizon=2030)
        assert a.period.tolist() == [2026.0]

    def test_a_crossing_at_the_horizon_itself_counts(self) -> None:
        """50, 60, 70 cross 80 at 2024.0 exactly: within a horizon of 2024, not of 2023.9."""
        Y = np.array([[50.0, 60.0, 70.0]])
        assert attainment(X3, Y, 80, horizon=2024).period.tolist() == [2024.0]
        assert np.isnan(attainment(X3, Y, 80, horizon=2023.9).period[0])

    def test_step_rounds_up_to_the_next_period(self) -> None:
        """58 + 9 a year (from mean 49.33 at 2022) crosses 80 at 2025.41; quarters give 2025.5."""
        Y = np.array([[40.0, 50.0, 58.0]])
        exact = attainment(X3, Y, 80, horizon=2030).period[0]
        assert exact == pytest.approx(2022 + (80 - 148 / 3) / 9)
        assert attainment(X3, Y, 80, horizon=2030, step=0.25).period.tolist() == [2025.5]
        assert attainment(X3, Y, 80, horizon=2030, step=1.0).period.tolist() == [2026.0]

    def test_cagr_path_by_hand(self) -> None:
        """100 -> 121 in two years (+10 %) reaches 146.41 two years after 2023."""
        a = attainment(X3, np.array([[100.0, NAN, 121.0]]), 146.41, method="cagr", horizon=2030)
        assert a.period[0] == pytest.approx(2025.0)

    def test_cagr_fitted_and_time_weighted_paths(self) -> None:
        """An exact exponential series and an exact line keep their path under every fit."""
        Y = np.array([[100.0, 110.0, 121.0]])
        a = attainment(X3, Y, 146.41, method="cagr_fitted", horizon=2030)
        assert a.period[0] == pytest.approx(2025.0)
        b = attainment(X3, np.array([[50.0, 60.0, 70.0]]), 90, method="time_weighted", horizon=2030)
        assert b.period[0] == pytest.approx(2025.0)

    def test_a_fitted_growth_path_met_at_x_now_is_attained_then(self) -> None:
        """100, 110, 121 fit 110 * 1.1 ** (t - 2022): 121 in 2023 meets 120 already."""
        # (with the growth reversed, 110 * 0.9 = 99 would not meet it, and the crossing
        # 2022 + ln(120 / 110) / ln 1.1 = 2022.91 lies before x_now: never)
        a = attainment(X3, np.array([[100.0, 110.0, 121.0]]), 120, method="cagr_fitted")
        assert a.period.tolist() == [2023.0]
        assert a.note.tolist() == [""]

    def test_growth_notes_reach_the_result(self) -> None:
        """Zero, sign change, a lone value and a current zero explain a NaN."""
        Y = np.array(
            [
                [0.0, 5.0, 10.0],
                [-5.0, 5.0, 10.0],
                [NAN, NAN, 10.0],
                [10.0, 5.0, 0.0],
                [1.0, 2.0, 4.0],
            ]
        )
        a = attainment(X3, Y, [50, 50, 50, 50, NAN], method="cagr", horizon=2030)
        assert np.isnan(a.period).all()
        assert a.note.tolist() == [
            "zero base value: growth undefined",
            "values change sign: growth undefined",
            "fewer than two observations",
            "current value is zero: an exponential path stays at zero",
            "no target",
        ]

    def test_x_now_moves_the_start(self) -> None:
        """From 2024 on, a target met in 2024 is met at the start."""
        a = attainment(X3, np.array([[50.0, 60.0, 70.0]]), 80, horizon=2030, x_now=2024)
        assert a.period.tolist() == [2024.0]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"method": "spline"},
                "unknown projection method 'spline'; the methods are linear, time_weighted, cagr, cagr_fitted",
            ),
            ({"horizon": 2020}, r"horizon \(2020\) is before x_now \(2023\)"),
            ({"step": 0.0}, "step must be a positive number of years, got 0.0"),
            ({"x_now": "2023"}, "x_now must be a decimal year such as 2025 or 2025.75, got '2023'"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        """Unknown method, horizon in the past, bad step or x_now are refused."""
        args: dict[str, Any] = {"horizon": 2030, **kwargs}
        with pytest.raises(DefinitionError, match=message):
            attainment(X3, np.array([[1.0, 2.0, 3.0]]), 5, **args)


class TestAnnualChanges:
    def test_required_change_by_hand(self) -> None:
        """From 64 in 2023 to 80 in 2025: +8 a year; as growth (81 / 64) ** 0.5 - 1 = 12.5 %."""
        Y = np.array([[50.0, 60.0, 64.0]])
        assert required_annual_change(X3, Y, 80, x_deadline=2025).value.tolist() == [8.0]
        r = required_annual_change(X3, Y, 81, x_deadline=2025, relative=True)
        assert r.value[0] == pytest.approx(0.125)

    def test_required_change_undefined_cases(self) -> None:
        """No observation, no target, no time left, a zero base for growth."""
        Y = np.array([[NAN, NAN, NAN], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
        r = required_annual_change(X3, Y, [5, NAN, 5], x_deadline=2023)
        assert np.isnan(r.value).all()
        assert r.note.tolist() == [
            "missing value",
            "no target; no time between the two values",
            "no time between the two values",
        ]
        g = required_annual_change(X3, Y, [5, NAN, 5], x_deadline=2025, relative=True)
        assert g.note.tolist() == [
            "missing value",
            "no target",
            "zero base value: growth undefined",
        ]

    def test_observed_change_by_hand(self) -> None:
        """50 -> 60.5 over two years: +5.25 a year, or +10 % a year."""
        Y = np.array([[50.0, NAN, 60.5], [NAN, 3.0, NAN]])
        o = observed_annual_change(X3, Y)
        assert o.value[0] == pytest.approx(5.25)
        assert np.isnan(o.value[1])
        assert o.note.tolist() == ["", "fewer than two observations"]
        g = observed_annual_change(X3, Y, relative=True)
        assert g.value[0] == pytest.approx(0.1)
        assert np.isnan(g.value[1])
        assert g.note.tolist() == ["", "fewer than two observations"]


# --------------------------------------------------------------------------- the methods


class TestLinear:
    """A least-squares line to the deadline: on_track / off_track; score = gap at the deadline."""

    @pytest.mark.parametrize(
        ("values", "target", "higher", "projected", "category", "score"),
        [
            # mean x 2022, mean y 49.33, slope ((-1)(-9.33) + (1)(8.67)) / 2 = 9;
            # 2025: 49.33 + 3 * 9 = 76.33 < 80 -> off_track, gap 80 - 76.33 = 3.67
            ([40.0, 50.0, 58.0], 80, True, 76.3333, "off_track", 3.6667),
            # slope 10: 60 + 3 * 10 = 90 >= 80 -> on_track, gap 80 - 90 = -10 (beyond)
            ([50.0, 60.0, 70.0], 80, True, 90.0, "on_track", -10.0),
            # a ceiling: slope -5, 35 - 15 = 20 <= 25 -> on_track, gap 20 - 25 = -5
            ([40.0, 35.0, 30.0], 25, False, 20.0, "on_track", -5.0),
            # negative values need no care: slope 3, -7 + 9 = 2 < 5 -> off_track, gap 3
            ([-10.0, -7.0, -4.0], 5, True, 2.0, "off_track", 3.0),
        ],
    )
    def test_cases_by_hand(
        self,
        values: list[float],
        target: float,
        higher: bool,
        projected: float,
        category: str,
        score: float,
    ) -> None:
        """Projection, category and gap of each case."""
        row = one("linear", values, target, higher=higher)
        assert row["projected"] == approx(projected)
        assert row["category"] == category
        assert row["score"] == approx(score)
        assert row["note"] == ""

    def test_no_target_or_one_value_is_not_judged(self) -> None:
        """No target: projected but not judged; one value: neither."""
        row = one("linear", [50.0, 60.0, 70.0], NAN)
        assert (row["projected"], row["category"], row["note"]) == (90.0, "", "no target")
        row = one("linear", [NAN, NAN, 70.0], 80)
        assert math.isnan(row["projected"])
        assert row["category"] == ""
        assert row["note"] == "fewer than two observations"


class TestOpenSdg:
    """Statistics Canada / Open SDG: R = s d CAGR_o / |CAGR_r| with thresholds 0.95, 0.6, 0."""

    # base 2021, current 2023, deadline 2025: the observed CAGR spans 2 years, the required one 4.
    # Required growth from 40 to 80: (80 / 40) ** (1 / 4) - 1 = 0.189207.
    @pytest.mark.parametrize(
        ("values", "target", "higher", "category", "score"),
        [
            # 40 -> 57.6: (1.44) ** 0.5 - 1 = 0.2; R = 0.2 / 0.189207 = 1.05704
            ([40.0, NAN, 57.6], 80, True, "substantial_progress", 1.05704),
            # 40 -> 52.9: (1.3225) ** 0.5 - 1 = 0.15; R = 0.15 / 0.189207 = 0.79278
            ([40.0, NAN, 52.9], 80, True, "moderate_progress", 0.79278),
            # 40 -> 48.4: (1.21) ** 0.5 - 1 = 0.1; R = 0.1 / 0.189207 = 0.52852
            ([40.0, NAN, 48.4], 80, True, "limited_progress", 0.52852),
            # 40 -> 36.1: (0.9025) ** 0.5 - 1 = -0.05; R = -0.05 / 0.189207 = -0.26426
            ([40.0, NAN, 36.1], 80, True, "deterioration", -0.26426),
            # 40 -> 85 meets 80: target achieved whatever R is; (85/40)**.5 - 1 = 0.457738, R = 2.41925
            ([40.0, NAN, 85.0], 80, True, "target_achieved", 2.41925),
            # a ceiling: 50 -> 40.5, CAGR_o = 0.81 ** 0.5 - 1 = -0.1;
            # CAGR_r = (25 / 50) ** 0.25 - 1 = -0.159104; R = (+1)(-1)(-0.1) / 0.159104 = 0.62852
            ([50.0, NAN, 40.5], 25, False, "moderate_progress", 0.62852),
        ],
    )
    def test_ratio_cases_by_hand(
        self, values: list[float], target: float, higher: bool, category: str, score: float
    ) -> None:
        """The ratio R and its category."""
        row = one("open-sdg", values, target, higher=higher)
        assert row["category"] == category
        assert row["score"] == approx(score)

    def test_projection_continues_the_observed_growth(self) -> None:
        """57.6 growing 20 % a year for two more years: 57.6 * 1.44 = 82.944, reached 80 in 2024.80."""
        row = one("open-sdg", [40.0, NAN, 57.6], 80)
        assert row["projected"] == approx(82.944)
        # 57.6 * 1.2 ** t = 80 -> t = ln(1.38889) / ln(1.2) = 1.80184
        assert row["attainment"] == approx(2023 + math.log(80 / 57.6) / math.log(1.2))

    def test_negative_values_flip_the_direction(self) -> None:
        """-100 -> -81, higher is better, target -50: R = (-1)(+1)(-0.1) / 0.159104 = 0.62852."""
        # CAGR_o = (81 / 100) ** 0.5 - 1 = -0.1; CAGR_r = (50 / 100) ** 0.25 - 1 = -0.159104
        row = one("open-sdg", [-100.0, NAN, -81.0], -50)
        assert row["category"] == "moderate_progress"
        assert row["score"] == approx(0.62852)
        assert row["note"] == "negative values: growth of the magnitude, direction flipped"

    def test_zero_base_is_replaced_by_a_thousandth_and_says_so(self) -> None:
        """0 -> 10: (10 / 0.001) ** 0.5 - 1 = 99; required (80 / 0.001) ** 0.25 - 1 = 15.8179."""
        row = one("open-sdg", [0.0, NAN, 10.0], 80)
        assert row["score"] == approx(99 / (80000**0.25 - 1))
        assert row["category"] == "substantial_progress"
        assert row["note"] == "zero base value replaced by 0.001 (Open SDG rule)"

    def test_zero_target_is_replaced_by_a_thousandth_and_says_so(self) -> None:
        """A ceiling of 0: 20 -> 16.2 is -10 % a year against (0.001 / 20) ** 0.25 - 1 = -0.91591."""
        row = one("open-sdg", [20.0, NAN, 16.2], 0, higher=False)
        assert row["score"] == approx(0.1 / (1 - (0.001 / 20) ** 0.25))  # 0.10918
        assert row["category"] == "limited_progress"
        assert row["note"] == "zero target replaced by 0.001 (Open SDG rule)"

    @pytest.mark.parametrize(
        ("values", "category", "score"),
        [
            # growth 3 % >= 1.5 %
            ([100.0, NAN, 106.09], "substantial_progress", 0.03),
            # 1 %: 0.5 % <= 1 % < 1.5 %
            ([100.0, NAN, 102.01], "moderate_progress", 0.01),
            # 0.2 %: 0 <= 0.2 % < 0.5 %
            ([100.0, NAN, 100.4004], "limited_progress", 0.002),
            # -1 %
            ([100.0, NAN, 98.01], "deterioration", -0.01),
        ],
    )
    def test_growth_thresholds_without_a_target(
        self, values: list[float], category: str, score: float
    ) -> None:
        """Without a target the observed CAGR meets 1.5 % and 0.5 %."""
        row = one("open-sdg", values, NAN)
        assert row["category"] == category
        assert row["score"] == approx(score)

    def test_thresholds_shrink_near_a_natural_limit(self) -> None:
        """90 -> 92 grows 1.105 % a year: moderate, but substantial next to a limit of 100 %."""
        # growth (92 / 90) ** 0.5 - 1 = 0.011050
        # C = 1 - (90 / 100) ** 4.44 = 1 - 0.626378 = 0.373622; thresholds 0.005604 and 0.001868
        assert one("open-sdg", [90.0, NAN, 92.0], NAN)["category"] == "moderate_progress"
        row = one("open-sdg", [90.0, NAN, 92.0], NAN, limit=100)
        assert row["category"] == "substantial_progress"
        assert row["score"] == approx((92 / 90) ** 0.5 - 1)
        # 90 -> 90.5: 0.2774 % a year, at least 0.1868 % but under 0.5604 %
        assert one("open-sdg", [90.0, NAN, 90.5], NAN, limit=100)["category"] == "moderate_progress"

    def test_a_base_at_the_limit_that_holds_is_substantial(self) -> None:
        """C = 1 - (100 / 100) ** 4.44 = 0: every threshold is 0, and holding 100 % is substantial."""
        assert (
            one("open-sdg", [100.0, NAN, 100.0], NAN, limit=100)["category"]
            == "substantial_progress"
        )
        assert one("open-sdg", [100.0, NAN, 99.0], NAN, limit=100)["category"] == "deterioration"

    def test_a_minimum_limit_between_one_and_two_times(self) -> None:
        """A ceiling with a minimum of 10 and base 15: C = 1 - ((20 - 15) / 10) ** 4.44 = 0.95394."""
        # growth 15 -> 14.7: (0.98) ** 0.5 - 1 = -0.010051, direction -1: +1.0051 %;
        # thresholds 1.5 % * 0.95394 = 1.4309 % and 0.47697 % -> moderate
        row = one("open-sdg", [15.0, NAN, 14.7], NAN, higher=False, limit=10)
        assert row["category"] == "moderate_progress"
        assert _progress.limit_coefficient(np.array([15.0]), np.array([10.0]))[0] == approx(
            1 - 0.5**4.44
        )

    def test_limit_notes(self) -> None:
        """A limit is ignored with a target, and one behind the base is ignored and noted."""
        assert (
            one("open-sdg", [40.0, NAN, 48.4], 80, limit=100)["note"]
            == "limit ignored: the series has a target"
        )
        row = one("open-sdg", [105.0, NAN, 106.0], NAN, limit=100)
        assert row["note"] == LIMIT_BEHIND

    def test_a_maximum_limit_of_a_falling_indicator_is_ignored(self) -> None:
        """A ceiling of 100 for a series to lower bounds nothing: the thresholds stay 1.5 % and 0.5 %."""
        # 90 -> 88.2: (0.98) ** 0.5 - 1 = -0.0100505, lower is better: +1.005 %, moderate;
        # applying C = 1 - 0.9 ** 4.44 = 0.373622 would give thresholds 0.5604 % and 0.1868 %
        # and call it substantial
        row = one("open-sdg", [90.0, NAN, 88.2], NAN, higher=False, limit=100)
        assert row["category"] == "moderate_progress"
        assert row["score"] == approx(1 - 0.98**0.5)
        assert row["note"] == LIMIT_BEHIND

    def test_a_limit_below_the_base_of_a_rising_indicator_is_ignored(self) -> None:
        """105 -> 106 with a limit of 100 grows 0.475 % a year: limited, as without a limit."""
        # (106 / 105) ** 0.5 - 1 = 0.0047506 < 0.5 %; with C = 1 - 0.95 ** 4.44 = 0.203647 the
        # thresholds would be 0.3055 % and 0.1018 % (substantial)
        row = one("open-sdg", [105.0, NAN, 106.0], NAN, limit=100)
        assert row["category"] == "limited_progress"
        assert row["category"] == one("open-sdg", [105.0, NAN, 106.0], NAN)["category"]

    def test_a_limit_ahead_of_the_base_still_counts_for_a_falling_indicator(self) -> None:
        """A minimum of 80 ahead of a falling 90: C = 1 - ((160 - 90) / 80) ** 4.44 = 0.447393."""
        # 90 -> 88.2: +1.005 % in the desired direction; thresholds 1.5 % * 0.447393 = 0.6711 %
        row = one("open-sdg", [90.0, NAN, 88.2], NAN, higher=False, limit=80)
        assert row["category"] == "substantial_progress"
        assert row["note"] == ""
        assert _progress.limit_coefficient(np.array([90.0]), np.array([80.0]))[0] == approx(
            1 - (70 / 80) ** 4.44
        )

    def test_a_zero_target_is_replaced_in_the_target_met_check(self) -> None:
        """2 -> 0.0005 meets a ceiling of 0, read as 0.001: target achieved, attained now."""
        # without the replacement 0.0005 > 0 and R = (1 - 0.00025 ** 0.5) / (1 - 0.0005 ** 0.25)
        # = 0.984189 / 0.850465 = 1.15723 would say substantial_progress
        row = one("open-sdg", [2.0, NAN, 0.0005], 0, higher=False)
        assert row["category"] == "target_achieved"
        assert row["attainment"] == 2023.0
        assert row["note"] == "zero target replaced by 0.001 (Open SDG rule)"
        # 0.002 is above 0.001: not met; R = (1 - 0.001 ** 0.5) / (1 - 0.0005 ** 0.25) = 1.13864
        row = one("open-sdg", [2.0, NAN, 0.002], 0, higher=False)
        assert row["category"] == "substantial_progress"
        assert row["score"] == approx((1 - 0.001**0.5) / (1 - 0.0005**0.25))

    def test_a_single_value_meeting_a_zero_target_is_achieved_and_noted(self) -> None:
        """One observation of 0.0005 against a ceiling of 0: achieved, with both notes."""
        row = one("open-sdg", [NAN, NAN, 0.0005], 0, higher=False)
        assert row["category"] == "target_achieved"
        assert row["note"] == (
            "fewer than two observations; zero target replaced by 0.001 (Open SDG rule)"
        )

    def test_a_flat_series_a_rounding_step_below_its_target_is_not_deterioration(self) -> None:
        """Target 0.1 + 0.2 over a base of 0.3: the required growth rounds to 0; no change is no decline."""
        # (0.30000000000000004 / 0.3) ** 0.25 == 1.0: base equals target; growth 0, target missed by
        # one rounding step: unjudged ('' with a note), not deterioration (growth is not negative)
        row = one("open-sdg", [0.3, NAN, 0.3], 0.1 + 0.2)
        assert row["category"] == ""
        assert row["note"] == "base value equals the target"

    @pytest.mark.parametrize(
        ("values", "target", "category", "note"),
        [
            ([10.0, NAN, -5.0], 80, "", "values change sign: growth undefined"),
            ([NAN, NAN, 50.0], 80, "", "fewer than two observations"),
            # one value meeting the target: Open SDG calls it achieved
            ([NAN, NAN, 85.0], 80, "target_achieved", "fewer than two observations"),
            (
                [-10.0, NAN, -5.0],
                20,
                "",
                "target and base value differ in sign: required growth undefined",
            ),
            # base = target: the required growth is 0; falling away from it is deterioration
            ([80.0, NAN, 70.0], 80, "deterioration", "base value equals the target"),
        ],
    )
    def test_undefined_cases_say_why(
        self, values: list[float], target: float, category: str, note: str
    ) -> None:
        """Where R is undefined the score is NaN and the note says why."""
        row = one("open-sdg", values, target)
        assert row["category"] == category
        assert math.isnan(row["score"])
        assert row["note"] == note


def sdg_build_reading(
    years: list[float], values: list[float], target: float, positive: bool, limit: float
) -> tuple[str, float]:
    """One series judged as sdg-build's ``ProgressMeasure.py`` does it, written out per series.

    NaN stands for "none" (no target, no limit, no progress value). Returns the
    status ('' for not available) and the progress value.
    """
    seen = [(t, v) for t, v in zip(years, values, strict=True) if not math.isnan(v)]
    if not seen:
        return "", NAN
    (t0, base), (t1, current) = seen[0], seen[-1]
    has_target = not math.isnan(target)
    if has_target and target == 0:
        target = 0.001  # replaced before anything else, the "target met" check included
    d = 1 if positive else -1
    achieved = has_target and (current >= target if positive else current <= target)
    progress = NAN
    if t1 - t0 >= 1:
        base = 0.001 if base == 0 else base
        sign = -1 if base < 0 else 1
        if base * current >= 0:
            observed = (current / base) ** (1 / (t1 - t0)) - 1
            if has_target:
                required = (target / base) ** (1 / (2025 - t0)) - 1
                progress = sign * d * observed / abs(required)
            else:
                progress = sign * d * observed
    high, med = (0.95, 0.6) if has_target else (0.015, 0.005)
    if not has_target and not math.isnan(limit):
        b, lim = abs(base), abs(limit)
        if b >= 2 * lim:
            c = 1.0
        elif b <= lim:
            c = 1 - (b / lim) ** 4.44
        else:
            c = 1 - ((2 * lim - b) / lim) ** 4.44
        high, med = high * c, med * c
    if achieved:
        return "target_achieved", progress
    if math.isnan(progress):
        return "", progress
    labels = ["substantial_progress", "moderate_progress", "limited_progress", "deterioration"]
    return labels[
        0 if progress >= high else 1 if progress >= med else 2 if progress >= 0 else 3
    ], progress


def forty_series() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Forty series over 2021-2023 (values, targets, directions, limits): every case the rules name.

    Seeded random ones and hand-picked ones: targets and none, both directions, a zero
    base, a zero target, negative values, a natural limit ahead of the base (as the
    methodology reads it), one value, missing values, targets met now.
    """
    rng = np.random.default_rng(20250517)
    rows: list[tuple[list[float], float, bool, float]] = [
        ([0.0, NAN, 10.0], 80.0, True, NAN),  # zero base
        ([20.0, NAN, 16.2], 0.0, False, NAN),  # zero target
        ([2.0, NAN, 0.0005], 0.0, False, NAN),  # zero target met as 0.001
        ([NAN, NAN, 0.0005], 0.0, False, NAN),  # one value meeting it
        ([-100.0, NAN, -81.0], -50.0, True, NAN),  # negative values
        ([-100.0, -95.0, -94.09], NAN, True, NAN),
        ([90.0, 91.0, 92.0], NAN, True, 100.0),  # near a maximum
        ([100.0, NAN, 100.0], NAN, True, 100.0),  # at it
        ([15.0, NAN, 14.7], NAN, False, 10.0),  # a minimum between one and two times
        ([40.0, NAN, 85.0], 80.0, True, NAN),  # met now
        ([NAN, NAN, 50.0], 80.0, True, NAN),  # one value
        ([10.0, NAN, -5.0], 80.0, True, NAN),  # sign change
    ]
    while len(rows) < 40:
        positive = bool(rng.integers(2))
        base = float(np.round(rng.uniform(5, 95), 2))
        values = [base, *np.round(base * rng.uniform(0.8, 1.25, 2), 2).tolist()]
        if rng.random() < 0.2:
            values[1] = NAN
        kind = rng.integers(3)
        target = (
            NAN
            if kind == 0
            else float(
                np.round(base * (rng.uniform(1.05, 1.8) if positive else rng.uniform(0.3, 0.95)), 2)
            )
        )
        # a limit ahead of the base in the desired direction: a maximum above, a minimum below
        limit = (
            NAN
            if kind != 0 or rng.random() < 0.5
            else (100.0 if positive else float(np.round(base * 0.6, 2)))
        )
        rows.append((values, target, positive, limit))
    Y = np.array([r[0] for r in rows])
    return (
        Y,
        np.array([r[1] for r in rows]),
        np.array([r[2] for r in rows]),
        np.array([r[3] for r in rows]),
    )


class TestAgreesWithSdgBuild:
    def test_forty_series_get_sdg_builds_status_and_value(self) -> None:
        """Open SDG's category and progress value agree with a per-series reading of sdg-build."""
        Y, target, positive, limit = forty_series()
        a = assess(
            "open-sdg",
            X3,
            Y,
            x_now=2023,
            x_deadline=2025,
            target=target,
            higher_is_better=positive,
            limit=limit,
        )
        for i in range(len(Y)):
            status, value = sdg_build_reading(
                X3, Y[i].tolist(), target[i], bool(positive[i]), limit[i]
            )
            assert a.category[i] == status, (i, Y[i], target[i])
            assert a.score[i] == approx(value), (i, Y[i], target[i])
        assert len(set(a.category.tolist())) == 6  # every category, and ''


class TestUnsd:
    """UNSD Progress Chart: ratio = (projected - base) / (target - base); 3 / 2 / 1 at 0.95 and 0.10."""

    @pytest.mark.parametrize(
        ("values", "target", "higher", "projected", "score"),
        [
            # CAGR (57.6 / 40) ** 0.5 - 1 = 0.2; 2025: 57.6 * 1.2 ** 2 = 82.944;
            # ratio (82.944 - 40) / (80 - 40) = 1.0736 >= 0.95 -> 3
            ([40.0, NAN, 57.6], 80, True, 82.944, 3),
            # CAGR 0.1; 48.4 * 1.21 = 58.564; ratio 18.564 / 40 = 0.4641 -> 2
            ([40.0, NAN, 48.4], 80, True, 58.564, 2),
            # CAGR 1.01 ** 0.5 - 1; 40.4 * 1.01 = 40.804; ratio 0.804 / 40 = 0.0201 < 0.10 -> 1
            ([40.0, NAN, 40.4], 80, True, 40.804, 1),
            # a ceiling: CAGR 0.81 ** 0.5 - 1 = -0.1; 40.5 * 0.81 = 32.805;
            # ratio (32.805 - 50) / (25 - 50) = 0.6878 -> 2
            ([50.0, NAN, 40.5], 25, False, 32.805, 2),
            # 85 meets 80 now -> 3
            ([40.0, NAN, 85.0], 80, True, 85 * (85 / 40), 3),
        ],
    )
    def test_target_cases_by_hand(
        self, values: list[float], target: float, higher: bool, projected: float, score: int
    ) -> None:
        """Projection and score of each case; the category follows the score."""
        row = one("unsd", values, target, higher=higher)
        assert row["projected"] == approx(projected)
        assert row["score"] == score
        assert row["category"] == CATEGORIES["unsd"][3 - score]

    def test_a_current_value_meeting_the_target_is_noted(self) -> None:
        """Score 3 for a target met now, with a note."""
        assert one("unsd", [40.0, NAN, 85.0], 80)["note"] == "current value meets the target"

    @pytest.mark.parametrize(
        ("values", "higher", "score"),
        [
            ([100.0, NAN, 106.09], True, 3),  # +3 % >= 2 %
            ([100.0, NAN, 102.01], True, 2),  # +1 %: 0.5 % <= 1 % < 2 %
            ([100.0, NAN, 100.4004], True, 1),  # +0.2 % < 0.5 %
            ([100.0, NAN, 94.09], False, 3),  # -3 %, lower is better: 3 % >= 2 %
            ([100.0, NAN, 102.01], False, 1),  # +1 %, lower is better: -1 % < 0.5 %
        ],
    )
    def test_growth_thresholds_without_a_target(
        self, values: list[float], higher: bool, score: int
    ) -> None:
        """Without a target the CAGR in the desired direction meets 2 % and 0.5 %."""
        row = one("unsd", values, NAN, higher=higher)
        assert row["score"] == score

    @pytest.mark.parametrize(
        ("values", "target", "higher", "before"),
        [
            # 1.2 -> 1.0 against a ceiling of 0: CAGR (1 / 1.2) ** 0.5 - 1; 2025: 1.0 / 1.2 = 0.8333;
            # ratio (0.8333 - 1.2) / (0 - 1.2) = 0.3056 would score 2; within 1 point: met, 3
            ([1.2, NAN, 1.0], 0, False, 2),
            # 98.9 -> 99.0 against a floor of 100: 2025: 99 * 99 / 98.9 = 99.1001;
            # ratio 0.2001 / 1.1 = 0.1819 would score 2; within 1 point: met, 3
            ([98.9, NAN, 99.0], 100, True, 2),
        ],
    )
    def test_within_one_point_of_a_0_or_100_percent_target_is_met(
        self, values: list[float], target: float, higher: bool, before: int
    ) -> None:
        """The Progress Chart's rule: a latest value within 1 point of 0 % or 100 % meets the target."""
        row = one("unsd", values, target, higher=higher)
        assert (row["score"], row["category"]) == (3, "on_track_or_target_met")
        assert row["note"] == NEAR_BOUND
        assert row["attainment"] == 2023.0
        # the rule is for percentages: other units are judged on the ratio
        other = one("unsd", values, target, higher=higher, percent=False)
        assert (other["score"], other["note"]) == (before, "")

    @pytest.mark.parametrize(
        ("values", "target", "higher"),
        [
            # ratios (1.0001 ** 2 / 1.5 - 1.5) / -1.5 = 0.5555, 0.18 and 0.334: score 2
            ([1.5, NAN, 1.0001], 0, False),  # 1.0001 is more than 1 point above 0
            ([98.9, NAN, 98.9999], 100, True),
            ([49.4, NAN, 49.5], 50, True),  # 50 is not 0 % or 100 %
        ],
    )
    def test_the_one_point_rule_stops_at_one_point_and_at_0_and_100(
        self, values: list[float], target: float, higher: bool
    ) -> None:
        """Just over 1 point away, or another target: not met, the ratio decides."""
        row = one("unsd", values, target, higher=higher)
        assert (row["score"], row["note"]) == (2, "")

    def test_the_one_point_rule_applies_on_the_projected_path(self) -> None:
        """3 -> 2 towards a ceiling of 0 reaches 1 (met) in 2026.42, where 0 is never reached."""
        # CAGR (2 / 3) ** 0.5 - 1; 2 * (2 / 3) ** (t / 2) = 1 -> t = 2 ln 2 / ln 1.5 = 3.4190
        row = one("unsd", [3.0, NAN, 2.0], 0, higher=False)
        assert row["attainment"] == approx(2023 + 2 * math.log(2) / math.log(1.5))
        assert math.isnan(
            one("unsd", [3.0, NAN, 2.0], 0, higher=False, percent=False)["attainment"]
        )

    @pytest.mark.parametrize(
        ("values", "score"),
        [
            # deadline = now: projected = current; ratio (78 - 40) / (80 - 40) = 0.95 exactly -> 3
            ([40.0, NAN, 78.0], 3),
            # (44 - 40) / 40 = 0.10 exactly -> 2
            ([40.0, NAN, 44.0], 2),
        ],
    )
    def test_a_ratio_on_a_threshold_takes_the_better_score(
        self, values: list[float], score: int
    ) -> None:
        """Ratios of exactly 0.95 and 0.10 belong to the score above (>=)."""
        row = one("unsd", values, 80, x_deadline=2023)
        assert row["projected"] == values[-1]
        assert row["score"] == score

    def test_negative_values_flip_the_direction_without_a_target(self) -> None:
        """-100 -> -94.09: the magnitude falls 3 % a year, a rise of the value: score 3."""
        row = one("unsd", [-100.0, NAN, -94.09], NAN)
        assert row["score"] == 3
        assert row["note"] == "negative values: growth of the magnitude, direction flipped"

    def test_negative_values_with_a_target_use_the_ratio(self) -> None:
        """-100 -> -81 (-10 % in magnitude), target -50: -81 * 0.81 = -65.61, ratio 0.6878 -> 2."""
        row = one("unsd", [-100.0, NAN, -81.0], -50)
        assert row["projected"] == approx(-65.61)
        assert row["score"] == 2
        assert row["note"] == "negative values: growth of the magnitude"

    @pytest.mark.parametrize(
        ("values", "target", "note"),
        [
            # no 0.001 here: UNSD's note defines no replacement
            ([0.0, NAN, 10.0], 80, "zero base value: growth undefined"),
            ([10.0, NAN, -5.0], 80, "values change sign: growth undefined"),
            ([NAN, NAN, 50.0], 80, "fewer than two observations"),
            ([80.0, NAN, 70.0], 80, "base value equals the target"),
        ],
    )
    def test_undefined_cases_say_why(self, values: list[float], target: float, note: str) -> None:
        """No score where the growth or the ratio is undefined."""
        row = one("unsd", values, target)
        assert (row["category"], math.isnan(row["score"]), row["note"]) == ("", True, note)


class TestEscap:
    """ESCAP: time-weighted projection; current status and anticipated progress indices."""

    def test_accelerate_by_hand(self) -> None:
        """40, 50, 58 with weights 1, 2, 3 project 75.8 in 2025: accelerate."""
        # sw = 6, mean x = 2022.333, mean y = (40 + 100 + 174) / 6 = 52.333
        # Sxx = 1.778 + 0.222 + 1.333 = 3.333; Sxy = 16.444 + 1.556 + 11.333 = 29.333; slope 8.8
        # 2025: 52.333 + 8.8 * 2.667 = 75.8 < 80, above the base 40 -> accelerate
        # current status (58 - 40) / (80 - 40) = 0.45; anticipated (75.8 - 40) / 40 = 0.895
        row = one("escap", [40.0, 50.0, 58.0], 80)
        assert row["projected"] == approx(75.8)
        assert row["category"] == "accelerate_progress"
        assert row["status_index"] == approx(0.45)
        assert row["score"] == approx(0.895)

    def test_maintain_by_hand(self) -> None:
        """50, 60, 70: slope 10, 2025 at 90 >= 80: maintain; anticipated (90 - 50) / 30 = 1.3333."""
        row = one("escap", [50.0, 60.0, 70.0], 80)
        assert row["projected"] == approx(90.0)
        assert row["category"] == "maintain_progress"
        assert row["score"] == approx(4 / 3)
        assert row["attainment"] == approx(2024.0)

    def test_reverse_by_hand(self) -> None:
        """50, 48, 45 fall away from 80: reverse; anticipated (38.667 - 50) / 30 = -0.3778."""
        # mean y = (50 + 96 + 135) / 6 = 46.833; Sxy = (-1.333)(3.167) + 2(-0.333)(1.167) + 3(0.667)(-1.833)
        #        = -4.222 - 0.778 - 3.667 = -8.667; slope -2.6; 2025: 46.833 - 2.6 * 2.667 = 39.9
        row = one("escap", [50.0, 48.0, 45.0], 80)
        assert row["projected"] == approx(39.9)
        assert row["category"] == "reverse_trend"
        assert row["score"] == approx((39.9 - 50) / 30)

    def test_small_moves_still_have_a_direction(self) -> None:
        """A line rising 0.2 a year moves towards 80 (accelerate); falling 0.1, away (reverse)."""
        # exact lines: 50 + 0.2 (t - 2021) is 50.8 in 2025, 0.8 above the base;
        # 50 - 0.1 (t - 2021) is 49.6, 0.4 below it
        up = one("escap", [50.0, 50.2, 50.4], 80)
        assert (up["projected"], up["category"]) == (approx(50.8), "accelerate_progress")
        down = one("escap", [50.0, 49.9, 49.8], 80)
        assert (down["projected"], down["category"]) == (approx(49.6), "reverse_trend")

    def test_ceiling(self) -> None:
        """A ceiling: 40, 35, 30 project 20 <= 25: maintain."""
        # weights 1, 2, 3: mean y = (40 + 70 + 90) / 6 = 33.333, slope -5, 2025: 33.333 - 13.333 = 20
        row = one("escap", [40.0, 35.0, 30.0], 25, higher=False)
        assert row["projected"] == approx(20.0)
        assert row["category"] == "maintain_progress"

    def test_without_a_target_or_at_the_target(self) -> None:
        """No target: not judged. Base equals target: indices undefined, category from the projection."""
        row = one("escap", [50.0, 60.0, 70.0], NAN)
        assert (row["category"], row["note"]) == ("", "no target")
        row = one("escap", [80.0, 75.0, 70.0], 80)
        assert row["category"] == "reverse_trend"
        assert math.isnan(row["score"])
        assert math.isnan(row["status_index"])
        assert row["note"] == "base value equals the target"


# --------------------------------------------------------------------------- assess


class TestAssess:
    def test_methods_and_categories(self) -> None:
        """Four methods, each with its categories."""
        assert METHODS == ("linear", "open-sdg", "unsd", "escap")
        assert set(CATEGORIES) == set(METHODS)

    def test_every_method_on_the_docstring_series(self) -> None:
        """40, 50, 58 against 80 by 2025: linear off track, Open SDG substantial, UNSD 3, ESCAP accelerate."""
        got = {m: one(m, [40.0, 50.0, 58.0], 80)["category"] for m in METHODS}
        assert got == {
            "linear": "off_track",
            "open-sdg": "substantial_progress",
            "unsd": "on_track_or_target_met",
            "escap": "accelerate_progress",
        }

    def test_window_from_x_base_to_x_now(self) -> None:
        """Values before x_base and after x_now are not used."""
        x = [2019.0, 2020.0, 2021.0, 2022.0, 2023.0, 2024.0]
        Y = np.array([[0.0, 999.0, 40.0, NAN, 57.6, 0.0]])
        a = assess(
            "open-sdg",
            x,
            Y,
            x_now=2023,
            x_deadline=2025,
            target=80,
            higher_is_better=True,
            x_base=2021,
        )
        assert a.score[0] == approx(0.2 / (2**0.25 - 1))

    def test_per_series_targets_directions_and_limits(self) -> None:
        """Targets, directions and limits are given one per series."""
        Y = np.array([[40.0, NAN, 57.6], [50.0, NAN, 40.5], [90.0, NAN, 92.0]])
        a = assess(
            "open-sdg",
            X3,
            Y,
            x_now=2023,
            x_deadline=2025,
            target=[80, 25, NAN],
            higher_is_better=[True, False, True],
            limit=[NAN, NAN, 100],
        )
        assert a.category.tolist() == [
            "substantial_progress",
            "moderate_progress",
            "substantial_progress",
        ]

    def test_the_default_horizon_is_ten_years_after_the_deadline(self) -> None:
        """+2 a year from 54 reaches 80 in 2036, after 2035: NaN unless the horizon is later."""
        Y = np.array([[50.0, 52.0, 54.0]])
        a = assess("linear", X3, Y, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
        assert np.isnan(a.attainment[0])
        a = assess(
            "linear",
            X3,
            Y,
            x_now=2023,
            x_deadline=2025,
            target=80,
            higher_is_better=True,
            horizon=2040,
        )
        assert a.attainment[0] == pytest.approx(2036.0)

    def test_several_notes_are_joined(self) -> None:
        """Two notes on one series are joined by '; '."""
        row = one("open-sdg", [-10.0, NAN, -8.1], NAN, limit=5)
        assert row["note"] == "negative values: growth of the magnitude, direction flipped"
        row = one("open-sdg", [0.0, NAN, 10.0], 80, limit=100)
        assert (
            row["note"]
            == "zero base value replaced by 0.001 (Open SDG rule); limit ignored: the series has a target"
        )

    def test_no_series_and_no_periods(self) -> None:
        """Zero series, or no period in the window, give empty or unjudged results."""
        a = assess(
            "unsd",
            X3,
            np.empty((0, 3)),
            x_now=2023,
            x_deadline=2025,
            target=80,
            higher_is_better=True,
        )
        assert len(a) == 0
        assert a.counts() == {}
        for m in METHODS:
            b = assess(
                m,
                X3,
                np.array([[1.0, 2.0, 3.0]]),
                x_now=2020,
                x_deadline=2025,
                target=80,
                higher_is_better=True,
            )
            assert b.category.tolist() == [""]
            assert "fewer than two observations" in b.note[0]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"method": "eurostat"},
                "unknown progress method 'eurostat'; the methods are linear, open-sdg, unsd, escap",
            ),
            (
                {"x": [[2021.0, 2022.0, 2023.0]]},
                r"x must be one-dimensional \(one decimal year per period\), got shape \(1, 3\)",
            ),
            (
                {"Y": [1.0, 2.0, 3.0]},
                r"Y must have shape \(series, periods\) with one column per value of x: got shape \(3,\) for 3 periods",
            ),
            (
                {"x": [2021.0, 2023.0, 2022.0]},
                r"x must be strictly increasing, got \[2021.0, 2023.0, 2022.0\]",
            ),
            ({"x": [2021.0, NAN, 2023.0]}, "x must hold finite decimal years"),
            (
                {"x_deadline": 2022},
                r"x_deadline \(2022\) is before x_now \(2023\): a projection looks forward",
            ),
            ({"horizon": 2000}, r"horizon \(2000\) is before x_now \(2023\)"),
            ({"x_now": True}, "x_now must be a decimal year such as 2025 or 2025.75, got True"),
            ({"x_now": math.inf}, "x_now must be finite, got inf"),
            (
                {"target": []},
                r"target must be one number or one per series: got shape \(0,\) for 1 series",
            ),
            (
                {"target": [[80.0]]},
                r"target must be one number or one per series: got shape \(1, 1\) for 1 series",
            ),
            (
                {"target": [80, 90]},
                r"target must be one number or one per series: got shape \(2,\) for 1 series",
            ),
            (
                {"higher_is_better": 1},
                "higher_is_better must be True/False, or one per series, got dtype int64",
            ),
            (
                {"higher_is_better": [True, False]},
                r"higher_is_better must be one value or one per series: got shape \(2,\) for 1 series",
            ),
            (
                {"limit": [1, 2]},
                r"limit must be one number or one per series: got shape \(2,\) for 1 series",
            ),
            (
                {"Y": [[1.0, math.inf, 3.0]]},
                "Y must hold finite values or NaN for a missing value, not infinity",
            ),
        ],
    )
    def test_bad_input(self, kwargs: dict[str, Any], message: str) -> None:
        """Bad input raises DefinitionError (a ValueError) naming the argument and the value."""
        args: dict[str, Any] = {
            "method": "linear",
            "x": X3,
            "Y": [[1.0, 2.0, 3.0]],
            "x_now": 2023,
            "x_deadline": 2025,
            "target": 80,
            "higher_is_better": True,
            **kwargs,
        }
        method, x, Y = args.pop("method"), args.pop("x"), args.pop("Y")
        with pytest.raises(DefinitionError, match=message) as info:
            assess(method, x, Y, **args)
        assert isinstance(info.value, ValueError)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"target": "80"}, "target must hold numbers, got str '80'"),
            ({"target": ["80"]}, "target must hold numbers, got str '80'"),
            ({"limit": "100"}, "limit must hold numbers, got str '100'"),
            ({"target": [None]}, "target must hold numbers, got NoneType None"),
            ({"Y": [["1", "2", "3"]]}, "Y must hold numbers, got str '1'"),
            ({"x": ["2021", "2022", "2023"]}, "x must hold numbers, got str '2021'"),
        ],
    )
    def test_text_is_refused_where_numbers_belong(
        self, kwargs: dict[str, Any], message: str
    ) -> None:
        """A target of "80" is not read as 80: an ArgumentTypeError (a TypeError) names the argument."""
        args: dict[str, Any] = {"x": X3, "Y": [[1.0, 2.0, 3.0]], "target": 80, **kwargs}
        for method in METHODS:
            with pytest.raises(ArgumentTypeError, match=re.escape(message)) as info:
                assess(
                    method,
                    args["x"],
                    args["Y"],
                    x_now=2023,
                    x_deadline=2025,
                    target=args["target"],
                    higher_is_better=True,
                    limit=args.get("limit"),
                )
            assert isinstance(info.value, TypeError)
            assert info.value.parameter == next(iter(kwargs))

    def test_percent_is_one_truth_value_or_one_per_series(self) -> None:
        """percent=1 or a wrong length is a DefinitionError naming it."""
        kw: dict[str, Any] = {
            "x_now": 2023,
            "x_deadline": 2025,
            "target": 0,
            "higher_is_better": False,
        }
        with pytest.raises(
            DefinitionError, match="percent must be True/False, or one per series, got dtype int64"
        ):
            assess("unsd", X3, [[3.0, 2.0, 1.0]], percent=1, **kw)
        with pytest.raises(
            DefinitionError, match=r"percent must be one value or one per series: got shape \(2,\)"
        ):
            assess("unsd", X3, [[3.0, 2.0, 1.0]], percent=[True, False], **kw)
        a = assess("unsd", X3, [[3.0, 2.0, 1.0], [3.0, 2.0, 1.0]], percent=[True, False], **kw)
        assert a.note.tolist() == [NEAR_BOUND, ""]


class TestAssessment:
    def make(self) -> Assessment:
        Y = np.array([[40.0, 50.0, 58.0], [NAN, NAN, 1.0]])
        return assess("escap", X3, Y, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)

    def test_arrays_are_read_only(self) -> None:
        """No field can be changed in place, nor reassigned."""
        a = self.make()
        with pytest.raises(ValueError, match="read-only"):
            a.projected[0] = 1.0
        with pytest.raises(ValueError, match="read-only"):
            a.category[0] = "x"
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            a.method = "linear"  # type: ignore[misc]

    def test_equality_counts_nan_as_equal_and_pickle_round_trips(self) -> None:
        """Two identical assessments are equal (NaN included), also after pickling."""
        a, b = self.make(), self.make()
        assert a == b
        assert pickle.loads(pickle.dumps(a)) == a
        assert a != attrs.evolve(a, method="linear")

    def test_repr_and_counts(self) -> None:
        """The repr counts the categories instead of printing arrays."""
        a = self.make()
        assert (
            repr(a)
            == "Assessment(method='escap', series=2, counts={'accelerate_progress': 1, '': 1})"
        )
        assert len(a) == 2

    def test_constructor_copies_and_freezes_what_it_is_given(self) -> None:
        """A writeable array given to the constructor is copied, so the caller's stays theirs."""
        p = np.array([1.0])
        a = Assessment("linear", p, ["on_track"], [0.0], [NAN], [""], [NAN])
        p[0] = 2.0
        assert a.projected.tolist() == [1.0]
        assert not a.projected.flags.writeable

    def test_read_only_arrays_of_the_right_type_are_kept_without_a_copy(self) -> None:
        """assess hands over read-only arrays it made: the Assessment keeps those very arrays."""
        p = np.array([1.0])
        c = np.array(["on_track"], dtype=object)
        p.flags.writeable = c.flags.writeable = False
        a = Assessment("linear", p, c, [0.0], [NAN], [""], [NAN])
        assert a.projected is p
        assert a.category is c

    def test_bad_construction(self) -> None:
        """An unknown method or arrays of different lengths are refused."""
        with pytest.raises(DefinitionError, match="unknown progress method 'x'"):
            Assessment("x", [1.0], [""], [NAN], [NAN], [""], [NAN])
        with pytest.raises(DefinitionError, match="one-dimensional arrays of one length"):
            Assessment("linear", [1.0, 2.0], [""], [NAN], [NAN], [""], [NAN])


# --------------------------------------------------------------------------- properties

RANK = {m: {c: i for i, c in enumerate(cats)} for m, cats in CATEGORIES.items()}


@st.composite
def rising_series(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    """Positive yearly values 2018-2023 (some missing, the first present), and a target above the base."""
    n = draw(st.integers(3, 6))
    values = draw(st.lists(st.floats(1.0, 100.0), min_size=n, max_size=n))
    keep = [True, *draw(st.lists(st.booleans(), min_size=n - 1, max_size=n - 1))]
    assume(sum(keep) >= 2)
    y = np.array([v if k else NAN for v, k in zip(values, keep, strict=True)])
    x = 2024.0 - n + np.arange(n)
    target = y[0] + draw(st.floats(1.0, 200.0))
    return x, y, target


class TestProperties:
    @given(rising_series(), st.floats(0.0, 20.0), st.sampled_from(METHODS))
    def test_faster_improvement_never_gives_a_worse_category(
        self, series: tuple[np.ndarray, np.ndarray, float], faster: float, method: str
    ) -> None:
        """Adding an improvement that grows with time never moves a series to a worse category."""
        x, y, target = series
        better = y + faster * (x - x[0])  # same base value, every later value higher
        a = assess(
            method,
            x,
            np.stack([y, better]),
            x_now=x[-1],
            x_deadline=x[-1] + 2,
            target=target,
            higher_is_better=True,
        )
        slow, fast = a.category.tolist()
        assume(slow != "" and fast != "")
        assert RANK[method][fast] <= RANK[method][slow]

    @given(
        rising_series(), st.integers(-20, 20), st.sampled_from(["open-sdg", "unsd"]), st.booleans()
    )
    def test_rescaling_by_a_positive_constant_keeps_cagr_categories(
        self, series: tuple[np.ndarray, np.ndarray, float], power: int, method: str, no_target: bool
    ) -> None:
        """Multiplying values, target and limit by 2**k changes no growth, score or category."""
        x, y, target = series
        k = 2.0**power
        target = NAN if no_target else target
        kw = {"x_now": x[-1], "x_deadline": x[-1] + 2, "higher_is_better": True}
        a = assess(method, x, y[None, :], target=target, limit=120.0, **kw)
        b = assess(method, x, k * y[None, :], target=k * target, limit=k * 120.0, **kw)
        assert a.category.tolist() == b.category.tolist()
        assert a.score.tolist() == pytest.approx(b.score.tolist(), nan_ok=True)

    @pytest.mark.parametrize("scale", [0.37, 3.0, 1234.5])
    def test_rescaling_examples_away_from_thresholds(self, scale: float) -> None:
        """Any positive factor keeps the hand-computed categories."""
        for method in ("open-sdg", "unsd"):
            base = one(method, [40.0, NAN, 52.9], 80)
            scaled = one(method, [40.0 * scale, NAN, 52.9 * scale], 80 * scale)
            assert scaled["category"] == base["category"]

    @given(
        st.floats(-1e3, 1e3),
        st.floats(-50.0, 50.0),
        st.lists(st.booleans(), min_size=4, max_size=12),
        st.floats(0.0, 10.0),
    )
    def test_projection_of_a_linear_series_is_exact(
        self, level: float, slope: float, keep: list[bool], ahead: float
    ) -> None:
        """A series on a straight line is projected onto that line, with or without time weights."""
        assume(sum(keep) >= 2)
        x = 2020.0 + np.arange(len(keep)) / 4
        y = np.where(keep, level + slope * (x - 2020.0), NAN)
        at = x[-1] + ahead
        want = level + slope * (at - 2020.0)
        tol = 1e-9 * (1 + abs(level) + abs(slope) * 20)
        assert project_linear(x, y[None, :], at)[0] == pytest.approx(want, abs=tol)
        for method in ("linear", "escap"):
            a = assess(
                method, x, y[None, :], x_now=x[-1], x_deadline=at, target=0.0, higher_is_better=True
            )
            assert a.projected[0] == pytest.approx(want, abs=tol)

    @given(
        st.lists(
            st.lists(st.one_of(st.none(), st.floats(-100.0, 100.0)), min_size=4, max_size=4),
            min_size=1,
            max_size=6,
        ),
        st.sampled_from(METHODS),
        st.floats(-50.0, 150.0),
    )
    def test_each_series_is_judged_alone(
        self, rows: list[list[float | None]], method: str, target: float
    ) -> None:
        """A series gets the same result alone as among others, in any block size."""
        Y = np.array([[NAN if v is None else v for v in r] for r in rows])
        x = [2020.0, 2021.0, 2022.0, 2023.0]
        kw = {"x_now": 2023.0, "x_deadline": 2025.0, "target": target, "higher_is_better": True}
        together = assess(method, x, Y, **kw)
        for i in range(len(rows)):
            alone = assess(method, x, Y[i : i + 1], **kw)
            assert alone.category[0] == together.category[i]
            assert alone.note[0] == together.note[i]
            for field in ("projected", "score", "attainment", "status_index"):
                assert getattr(alone, field)[0] == pytest.approx(
                    getattr(together, field)[i], nan_ok=True
                )

    def test_blocks_are_invisible(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Cutting the series into blocks of three changes nothing (beyond rounding)."""
        rng = np.random.default_rng(7)
        Y = np.round(rng.uniform(-5, 100, size=(25, 4)), 1)
        Y[rng.random(Y.shape) < 0.2] = NAN
        x = [2020.0, 2021.0, 2022.0, 2023.0]
        kw: dict[str, Any] = {
            "x_now": 2023,
            "x_deadline": 2025,
            "target": 60.0,
            "higher_is_better": True,
        }
        whole = {m: assess(m, x, Y, **kw) for m in METHODS}
        monkeypatch.setattr(_progress, "CHUNK", 3)
        for m in METHODS:
            got = assess(m, x, Y, **kw)
            assert got.category.tolist() == whole[m].category.tolist()
            assert got.note.tolist() == whole[m].note.tolist()
            for field in ("projected", "score", "attainment", "status_index"):
                # BLAS may round a row's sums differently in blocks of other sizes
                want = getattr(whole[m], field).tolist()
                assert getattr(got, field).tolist() == pytest.approx(want, rel=1e-12, nan_ok=True)
