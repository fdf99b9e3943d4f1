"""The steps of an index before normalisation: denomination, screening, methods by indicator.

Hand-computed values: each test writes the arithmetic in a comment. The
outlier treatment itself is tested in ``test_treat.py``; here only how the
definition carries it and the order of the steps.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from cchc_indicators.composite import (
    CompositeIndex,
    Method,
    Node,
    Observations,
    compute_index,
    schema,
)
from cchc_indicators.composite._screening import Screening, screen
from cchc_indicators.core.errors import DefinitionError, InvalidDataError

NAN = math.nan


def obs(values: dict[str, list[float]], units: str = "ABCD") -> Observations:
    return Observations.from_values(values, list(units[: len(next(iter(values.values())))]))


# --- denomination ---------------------------------------------------------------------------


class TestDenomination:
    def test_value_per_thousand_of_the_denominator(self) -> None:
        """x / population * 1000: 10/100*1000 = 100, 20/400*1000 = 50, 30/300*1000 = 100."""
        idx = CompositeIndex("i", children=[Node("x", denominator="pop", per=1000)])
        r = compute_index(idx, obs({"x": [10, 20, 30], "pop": [100, 400, 300]}))
        assert r.raw[0].tolist() == [100.0, 50.0, 100.0]
        # minmax over 50..100: A and C are best (100), B worst (0).
        assert r.score().tolist() == [100.0, 0.0, 100.0]
        assert r.method.startswith("denomination x per 1000 pop; normalisation minmax")

    def test_per_below_one_scales_after_dividing(self) -> None:
        """per=0.5: 10 / 4 * 0.5 = 1.25 (the product, whichever way it is computed)."""
        idx = CompositeIndex("i", children=[Node("x", denominator="area", per=0.5), Node("y")])
        r = compute_index(idx, obs({"x": [10, 6], "area": [4, 2], "y": [1, 2]}))
        assert r.raw[0].tolist() == [1.25, 1.5]

    def test_a_missing_denominator_leaves_the_value_missing(self) -> None:
        """Missing is not zero: B's denominator is missing, so B has no value of x."""
        idx = CompositeIndex("i", children=[Node("x", denominator="pop"), Node("y")])
        r = compute_index(idx, obs({"x": [10, 20, 30], "pop": [1, NAN, 2], "y": [1, 2, 3]}))
        assert np.isnan(r.raw[0, 1])
        assert r.raw[0].tolist()[::2] == [10.0, 15.0]

    def test_a_zero_denominator_is_refused_naming_the_unit(self) -> None:
        idx = CompositeIndex("i", children=[Node("x", denominator="pop")])
        with pytest.raises(InvalidDataError) as info:
            compute_index(idx, obs({"x": [10, 20], "pop": [5, 0]}))
        problem = info.value.problems[0]
        assert problem.kind == "zero_denominator"
        # No period in the data: the message names none ("for unit 'B': ...").
        assert problem.message == "indicator 'x' for unit 'B': its denominator 'pop' is 0"

    def test_a_zero_denominator_outside_the_period_or_units_scored_is_no_error(self) -> None:
        """u0's population is 0 in 2023 only: 2024 is scored, and 2023 without u0 too."""
        values = np.array(
            [[[1.0, 2.0, 3.0], [0.0, 1.0, 1.0]], [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]]
        )  # periods x (x, pop) x units
        data = Observations(["x", "pop"], ["u0", "u1", "u2"], ["2023", "2024"], values)
        idx = CompositeIndex("i", children=[Node("x", denominator="pop")])
        assert compute_index(idx, data, period="2024").raw[0].tolist() == [1.0, 2.0, 3.0]
        assert compute_index(idx, data, period="2023", units=["u1", "u2"]).raw[0].tolist() == [
            2.0,
            3.0,
        ]
        screened = CompositeIndex(
            "i", children=[Node("x", denominator="pop")], screening={"exclude": ["u0"]}
        )
        assert compute_index(screened, data, period="2023").units == ("u1", "u2")
        with pytest.raises(InvalidDataError, match="for unit 'u0' in 2023: its denominator"):
            compute_index(idx, data, period="2023")

    def test_a_quotient_too_large_for_a_float_is_refused(self) -> None:
        """1e300 / 1e-300 overflows: refused, not given as inf."""
        idx = CompositeIndex("i", children=[Node("x", denominator="pop")])
        with pytest.raises(InvalidDataError) as info:
            compute_index(idx, obs({"x": [1e300, 1.0], "pop": [1e-300, 1.0]}))
        assert info.value.problems[0].kind == "overflow"

    def test_a_missing_denominator_series_is_named(self) -> None:
        idx = CompositeIndex("i", children=[Node("x", denominator="pop")])
        with pytest.raises(InvalidDataError, match="'pop', which the index needs"):
            compute_index(idx, obs({"x": [10, 20]}))

    def test_the_denominator_is_not_an_unknown_code(self) -> None:
        """The data may hold the denominators the index names; other codes are still refused."""
        idx = CompositeIndex("i", children=[Node("x", denominator="pop")])
        compute_index(idx, obs({"x": [1, 2], "pop": [1, 1]}))
        with pytest.raises(InvalidDataError, match="'area' is not in index"):
            compute_index(idx, obs({"x": [1, 2], "pop": [1, 1], "area": [3, 4]}))

    @pytest.mark.parametrize(
        ("node", "message"),
        [
            (lambda: Node("x", per=10), "'per' scales a denomination; give a 'denominator' too"),
            (lambda: Node("x", denominator="x"), "node 'x' cannot be its own denominator"),
            (lambda: Node("x", denominator="p", per=0), "'per' must be > 0, got 0"),
            (lambda: Node("x", denominator=" p"), "'denominator' must be a code"),
            (
                lambda: Node("d", children=[Node("x")], denominator="p"),
                "node 'd' has children, so 'denominator' (a leaf option) does not apply",
            ),
            (
                lambda: Node("d", children=[Node("x")], per=2),
                "node 'd' has children, so 'per' (a leaf option) does not apply",
            ),
        ],
    )
    def test_bad_denominations_are_refused(self, node: object, message: str) -> None:
        with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
            node()  # type: ignore[operator]

    def test_a_denominator_that_is_a_node_is_refused(self) -> None:
        with pytest.raises(DefinitionError, match="the denominator of 'x', 'y', is a node"):
            CompositeIndex("i", children=[Node("x", denominator="y"), Node("y")])


# --- screening ------------------------------------------------------------------------------


SCREENED: dict[str, list[float]] = {"a": [10, NAN, 40, 100], "b": [1, 2, 3, NAN], "c": [0, 0, 5, 6]}


class TestScreening:
    def test_units_below_the_data_share_are_left_out(self) -> None:
        """Shares of 3 indicators: A 1, B 2/3, C 1, D 2/3; min_share 0.9 leaves out B and D."""
        idx = CompositeIndex(
            "i", children=[Node("a"), Node("b"), Node("c")], screening={"min_share": 0.9}
        )
        r = compute_index(idx, obs(SCREENED))
        assert r.units == ("A", "C")
        assert r.screening.removed == ("B", "D")
        assert r.screening.share.round(4).tolist() == [1.0, 0.6667, 1.0, 0.6667]
        assert r.screening.reason.tolist() == ["", "low_data", "", "low_data"]
        assert "screening min_share 0.9; impute then screen" in r.method

    def test_units_with_few_non_zero_values_are_left_out(self) -> None:
        """Non-zero shares: A 10, 1, 0 → 2/3 and B 2, 0 → 1/2 (both < 0.7); C 3/3, D 2/2."""
        idx = CompositeIndex(
            "i", children=[Node("a"), Node("b"), Node("c")], screening={"min_nonzero": 0.7}
        )
        r = compute_index(idx, obs(SCREENED))
        assert r.units == ("C", "D")
        assert r.screening.nonzero.round(4).tolist() == [0.6667, 0.5, 1.0, 1.0]
        assert r.screening.reason.tolist() == ["few_nonzero", "few_nonzero", "", ""]

    def test_impute_then_screen_counts_imputed_values(self) -> None:
        """COINr's order: the mean fills every gap, so every unit has all 3 values and stays."""
        idx = CompositeIndex(
            "i",
            children=[Node("a"), Node("b"), Node("c")],
            imputation="mean",
            screening={"min_share": 0.9},
        )
        r = compute_index(idx, obs(SCREENED))
        assert r.units == ("A", "B", "C", "D")
        # B's a: mean(10, 40, 100) = 50; D's b: mean(1, 2, 3) = 2.
        assert r.raw[0, 1] == 50.0
        assert r.raw[1, 3] == 2.0

    def test_screen_then_impute_screens_the_observed_data(self) -> None:
        idx = CompositeIndex(
            "i",
            children=[Node("a"), Node("b"), Node("c")],
            imputation="mean",
            screening={"min_share": 0.9, "order": "screen_then_impute"},
        )
        assert compute_index(idx, obs(SCREENED)).units == ("A", "C")

    def test_the_order_decides_whose_values_the_imputation_uses(self) -> None:
        """C forced out. Imputed first, B's a is mean(10, 40, 100) = 50; screened first, mean(10, 100) = 55."""
        children = [Node("a"), Node("b"), Node("c")]
        first = CompositeIndex(
            "i", children=children, imputation="mean", screening={"exclude": ["C"]}
        )
        second = CompositeIndex(
            "i",
            children=children,
            imputation="mean",
            screening={"exclude": ["C"], "order": "screen_then_impute"},
        )
        r1, r2 = compute_index(first, obs(SCREENED)), compute_index(second, obs(SCREENED))
        assert r1.units == r2.units == ("A", "B", "D")
        assert r1.raw[0, 1] == 50.0
        assert r2.raw[0, 1] == 55.0
        assert r1.screening.reason.tolist() == ["", "", "forced_out", ""]

    def test_a_unit_forced_in_stays_whatever_its_data(self) -> None:
        idx = CompositeIndex(
            "i",
            children=[Node("a"), Node("b"), Node("c")],
            screening={"min_share": 0.9, "include": ["D"]},
        )
        r = compute_index(idx, obs(SCREENED))
        assert r.units == ("A", "C", "D")
        assert r.screening.reason.tolist() == ["", "low_data", "", "forced_in"]

    def test_a_forced_unit_must_be_in_the_data(self) -> None:
        idx = CompositeIndex("i", children=[Node("a")], screening={"include": ["Z"]})
        with pytest.raises(InvalidDataError) as info:
            compute_index(idx, obs({"a": [1, 2]}))
        problem = info.value.problems[0]
        assert (problem.kind, problem.field) == ("unknown_unit", "screening.include")
        assert "forces unit 'Z' in, but it has no observations" in problem.message

    def test_screening_that_leaves_no_unit_is_refused(self) -> None:
        idx = CompositeIndex("i", children=[Node("a")], screening={"exclude": ["A", "B"]})
        with pytest.raises(InvalidDataError, match="screening leaves no unit to score"):
            compute_index(idx, obs({"a": [1, 2]}))

    def test_a_unit_without_any_value_fails_a_non_zero_rule_above_zero(self) -> None:
        """B has no value at all: no non-zero share (0/0), so it fails 0.1 but not 0."""
        X = np.array([[1.0, NAN]])
        assert screen(Screening(min_nonzero=0.1), X, ("A", "B")).kept.tolist() == [True, False]
        report = screen(Screening(min_nonzero=0.0), X, ("A", "B"))
        assert report.kept.tolist() == [True, True]
        assert np.isnan(report.nonzero[1])

    def test_a_forced_unit_outside_the_units_scored_is_passed_over(self) -> None:
        """Excluding C while scoring A and B only changes nothing; a code not in the data still fails."""
        idx = CompositeIndex("i", children=[Node("a")], screening={"exclude": ["C"]})
        data = obs({"a": [1, 2, 3]})
        assert compute_index(idx, data, units=["A", "B"]).units == ("A", "B")
        typo = CompositeIndex("i", children=[Node("a")], screening={"exclude": ["Q"]})
        with pytest.raises(InvalidDataError, match="forces unit 'Q' out"):
            compute_index(typo, data, units=["A", "B"])

    @given(
        st.lists(
            st.lists(st.one_of(st.just(NAN), st.floats(-1e6, 1e6)), min_size=3, max_size=3),
            min_size=1,
            max_size=6,
        )
    )
    def test_screening_at_share_zero_keeps_every_unit(self, rows: list[list[float]]) -> None:
        """A data-share threshold of 0 leaves every unit in, whatever its data."""
        X = np.array(rows, dtype=np.float64)
        report = screen(Screening(min_share=0.0), X, ("A", "B", "C"))
        assert report.kept.all()
        assert report.removed == ()

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ({"min_share": 1.5}, "screening 'min_share' must be a share from 0 to 1, got 1.5"),
            ({"min_nonzero": True}, "screening 'min_nonzero' must be a share from 0 to 1"),
            ({"include": "A"}, "screening 'include' must be a list of unit codes"),
            ({"exclude": ["A", "A"]}, "screening 'exclude' lists a unit twice"),
            ({"exclude": [3]}, "screening 'exclude' must hold unit codes"),
            ({"include": ["A"], "exclude": ["A"]}, "unit 'A' is both included and excluded"),
            ({"order": "later"}, "screening 'order' must be one of impute_then_screen"),
            ({"min_shar": 0.5}, "screening: unknown field 'min_shar'"),
            ({"min_shar": 0.5, "orderr": 1}, "screening: unknown field 'min_shar';"),
            ([0.5], "'screening' must be a mapping"),
        ],
    )
    def test_bad_screening_is_refused(self, value: object, message: str) -> None:
        with pytest.raises(DefinitionError, match=message.replace("(", r"\(")):
            CompositeIndex("i", children=[Node("a")], screening=value)

    def test_the_report_as_records_and_table(self) -> None:
        idx = CompositeIndex("i", children=[Node("a"), Node("b")], screening={"min_share": 1})
        r = compute_index(idx, obs({"a": [1, NAN], "b": [2, 3]}))
        assert r.screening.to_records()[1] == {
            "unit": "B",
            "share": 0.5,
            "nonzero": 1.0,
            "kept": False,
            "reason": "low_data",
        }
        assert r.screening.table().splitlines()[-1] == "2 units screened, 1 kept (min_share 1)"
        assert "B            50%            100%  no    low_data" in r.screening.table()

    def test_the_table_without_anything_to_show_is_its_last_line(self) -> None:
        report = screen(Screening(), np.array([[1.0, 2.0]]), ("A", "B"))
        assert report.table() == "2 units screened, 2 kept"

    def test_the_report_as_a_frame(self) -> None:
        pytest.importorskip("pandas")
        report = screen(Screening(min_share=1), np.array([[1.0, NAN]]), ("A", "B"))
        assert report.to_frame()["kept"].tolist() == [True, False]


# --- methods by indicator -------------------------------------------------------------------


class TestMethodsByIndicator:
    def test_an_indicator_normalised_by_its_own_method(self) -> None:
        """a by minmax: 0, 50, 100; b by zscore (sd 1, mean 0): (1-2)/1, 0, 1 with sd of 1,2,3 = 1."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b", normalisation="zscore")])
        r = compute_index(idx, obs({"a": [1, 2, 3], "b": [1, 2, 3]}))
        assert r.normalised[0].tolist() == [0.0, 50.0, 100.0]
        assert r.normalised[1].tolist() == [-1.0, 0.0, 1.0]
        assert "normalisation minmax (by indicator: b zscore)" in r.method

    def test_a_normalisation_given_replaces_every_indicator_s(self) -> None:
        idx = CompositeIndex("i", children=[Node("a"), Node("b", normalisation="zscore")])
        r = compute_index(idx, obs({"a": [1, 2, 3], "b": [1, 2, 3]}), normalisation="minmax")
        assert r.normalised[1].tolist() == [0.0, 50.0, 100.0]
        assert "by indicator" not in r.method

    def test_an_indicator_imputed_by_its_own_method(self) -> None:
        """a: mean of 1 and 3 = 2 for B; b keeps the index's 'none', so B's b stays missing."""
        idx = CompositeIndex("i", children=[Node("a", imputation="mean"), Node("b")])
        r = compute_index(idx, obs({"a": [1, NAN, 3], "b": [1, NAN, 3]}))
        assert r.raw[0, 1] == 2.0
        assert np.isnan(r.raw[1, 1])
        assert r.imputed[:, 1].tolist() == [True, False]
        assert "imputation none (by indicator: a mean)" in r.method

    def test_goalposts_are_needed_only_where_the_method_is_goalposts(self) -> None:
        ok = CompositeIndex(
            "i", children=[Node("a", lower=0, upper=10, normalisation="goalposts"), Node("b")]
        )
        r = compute_index(ok, obs({"a": [5, 10], "b": [1, 2]}))
        assert r.normalised[0].tolist() == [50.0, 100.0]
        with pytest.raises(DefinitionError, match="'b' lacks them"):
            CompositeIndex(
                "i", children=[Node("a", lower=0, upper=10), Node("b", normalisation="goalposts")]
            )

    def test_a_bad_method_of_an_indicator_names_it(self) -> None:
        with pytest.raises(DefinitionError, match="node 'a': unknown treatment method 'trim'"):
            Node("a", treatment="trim")
        with pytest.raises(DefinitionError, match="node 'a': imputation 'mean' takes no option"):
            Node("a", imputation={"name": "mean", "k": 3})

    def test_treatment_with_a_panel_normalisation_is_refused(self) -> None:
        with pytest.raises(DefinitionError, match="normalised with over='panel'"):
            CompositeIndex(
                "i",
                children=[Node("a", treatment="winsorise"), Node("b")],
                normalisation={"name": "minmax", "over": "panel"},
            )

    def test_leaf_methods_of_an_unknown_step_are_refused(self) -> None:
        idx = CompositeIndex("i", children=[Node("a")])
        with pytest.raises(DefinitionError, match="not 'aggregation'"):
            idx.leaf_methods("aggregation")


# --- the definition's JSON form -------------------------------------------------------------


def full_index() -> CompositeIndex:
    return CompositeIndex(
        "i",
        children=[
            Node(
                "d",
                children=[
                    Node(
                        "a",
                        denominator="pop",
                        per=1000,
                        treatment={"name": "winsorise", "winmax": 3},
                    ),
                    Node("b", normalisation="zscore", imputation="median"),
                ],
            ),
            Node("c", treatment={"name": "boxcox", "lambda": 0.5}),
        ],
        imputation="mean",
        treatment="skew_kurtosis",
        screening={"min_share": 0.8, "exclude": ["Z"], "order": "screen_then_impute"},
    )


class TestJson:
    def test_every_new_field_survives_a_round_trip(self) -> None:
        idx = full_index()
        assert CompositeIndex.from_json(idx.to_json()) == idx
        doc = idx.to_dict()
        assert doc["treatment"] == {"name": "skew_kurtosis"}
        assert doc["screening"] == {
            "min_share": 0.8,
            "exclude": ["Z"],
            "order": "screen_then_impute",
        }
        assert doc["children"][0]["children"][0] == {
            "code": "a",
            "denominator": "pop",
            "per": 1000.0,
            "treatment": {"name": "winsorise", "winmax": 3},
        }

    def test_defaults_are_left_out(self) -> None:
        doc = CompositeIndex("i", children=[Node("a")]).to_dict()
        assert "treatment" not in doc
        assert "screening" not in doc

    def test_the_schema_accepts_the_new_fields(self) -> None:
        validator = Draft202012Validator(schema())
        assert list(validator.iter_errors(json.loads(full_index().to_json()))) == []

    @pytest.mark.parametrize(
        "change",
        [
            {"treatment": {"name": "winsorise", "lambda": 1}},
            {"treatment": {"name": "boxcox"}},
            {"treatment": "trim"},
            {"screening": {"min_share": 2}},
            {"screening": {"order": "never"}},
        ],
    )
    def test_the_schema_refuses_what_the_library_refuses(self, change: dict[str, object]) -> None:
        doc = {**CompositeIndex("i", children=[Node("a")]).to_dict(), **change}
        assert list(Draft202012Validator(schema()).iter_errors(doc))
        with pytest.raises(DefinitionError):
            CompositeIndex.from_dict(doc)

    def test_the_schema_refuses_leaf_options_on_an_aggregate(self) -> None:
        doc = {
            "code": "i",
            "children": [{"code": "d", "denominator": "p", "children": [{"code": "x"}]}],
        }
        assert list(Draft202012Validator(schema()).iter_errors(doc))

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"name": "winsorise", "winmax": 0}, "option 'winmax' must be a whole number >= 1"),
            ({"name": "winsorise", "winmax": 2.5}, "option 'winmax' must be a whole number >= 1"),
            ({"name": "skew_kurtosis", "skew": 0}, "option 'skew' must be > 0"),
            ({"name": "skew_kurtosis", "kurtosis": "high"}, "option 'kurtosis' must be a number"),
            ({"name": "boxcox"}, "treatment 'boxcox' needs a number 'lambda'"),
            ({"name": "boxcox", "lambda": 1, "shift": 2}, "option 'shift' must be true or false"),
            (
                {"name": "quantile_cap", "lower": 0.9, "upper": 0.1},
                "needs 0 <= 'lower' < 'upper' <= 1",
            ),
            ({"name": "log", "base": 10}, "treatment 'log' takes no option 'base'"),
        ],
    )
    def test_bad_treatment_options_are_refused(
        self, options: dict[str, object], message: str
    ) -> None:
        with pytest.raises(DefinitionError, match=message.replace("(", r"\(")):
            CompositeIndex("i", children=[Node("a")], treatment=options)


# --- the metadata sheet ---------------------------------------------------------------------


class TestSheet:
    def test_the_sheet_carries_denominators_and_methods_by_indicator(self) -> None:
        rows = [
            {"code": "a", "parent": "i", "denominator": "pop", "per": "1000"},
            {"code": "b", "parent": "i", "normalisation": "zscore", "imputation": "mean"},
            {"code": "c", "parent": "i", "treatment": '{"name": "boxcox", "lambda": 0}'},
        ]
        idx = CompositeIndex.from_records("i", rows, treatment="skew_kurtosis")
        assert (idx.node("a").denominator, idx.node("a").per) == ("pop", 1000.0)
        assert idx.node("b").normalisation == Method("zscore")
        assert idx.node("c").treatment == Method("boxcox", {"lambda": 0})
        assert [m.name for m in idx.leaf_methods("treatment")] == [
            "skew_kurtosis",
            "skew_kurtosis",
            "boxcox",
        ]

    def test_a_bad_method_in_the_sheet_names_row_and_column(self) -> None:
        rows = [{"code": "a", "parent": "i", "treatment": "trim"}]
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value).startswith("index 'i', row 0, column 'treatment'")
        assert "unknown treatment method 'trim'" in str(info.value)

    def test_a_bad_per_in_the_sheet_names_row_and_column(self) -> None:
        rows = [{"code": "a", "parent": "i", "denominator": "pop", "per": "-5"}]
        with pytest.raises(
            DefinitionError, match="row 0, column 'per': node 'a': 'per' must be > 0"
        ):
            CompositeIndex.from_records("i", rows)


# --- the steps in an uncertainty analysis ---------------------------------------------------


def test_uncertainty_keeps_the_methods_of_each_indicator() -> None:
    """Without alternatives, every replication uses b's own zscore: no noise, the nominal result."""
    from cchc_indicators.composite.uncertainty import uncertainty

    idx = CompositeIndex("i", children=[Node("a"), Node("b", normalisation="zscore")])
    data = obs({"a": [1, 2, 3, 4], "b": [4, 1, 3, 2]})
    u = uncertainty(idx, data, n=5, seed=1, weights=None)
    nominal = compute_index(idx, data)
    assert np.array_equal(u.scores[:, 0], np.broadcast_to(nominal.score(), (5, 4)))


def test_uncertainty_scores_the_units_screening_keeps() -> None:
    from cchc_indicators.composite.uncertainty import uncertainty

    idx = CompositeIndex("i", children=[Node("a"), Node("b")], screening={"exclude": ["B"]})
    u = uncertainty(idx, obs({"a": [1, 2, 3, 4], "b": [4, 1, 3, 2]}), n=20, seed=1)
    assert u.nominal.units == ("A", "C", "D")
    assert u.scores.shape[-1] == 3


def test_the_json_of_a_result_carries_its_steps() -> None:
    idx = CompositeIndex(
        "i", children=[Node("a"), Node("b")], screening={"exclude": ["A"]}, treatment="log_ct"
    )
    doc = json.loads(compute_index(idx, obs({"a": [1, 2, 3, 4], "b": [4, 1, 3, 2]})).to_json())
    assert [r["kept"] for r in doc["screening"]] == [False, True, True, True]
    assert [r["applied"] for r in doc["treatment"]] == ["log_ct", "log_ct"]
    plain = json.loads(
        compute_index(CompositeIndex("i", children=[Node("a")]), obs({"a": [1, 2]})).to_json()
    )
    assert plain["screening"] is None
    assert plain["treatment"] is None
