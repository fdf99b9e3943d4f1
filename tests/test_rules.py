"""Tests of aggregation rules: values on hand-computed examples, parsing, fitting, value objects."""

from __future__ import annotations

import pickle
import re

import attrs
import numpy as np
import pytest

from cchc_indicators import Condition, DefinitionError, measures, parse_rule
from cchc_indicators.core.measures import Measure
from cchc_indicators.core.rules import (
    RULE_NAMES,
    AllTrue,
    AnyTrue,
    Cells,
    Max,
    Mean,
    Min,
    RatioOfSums,
    Rule,
    ShareMeeting,
    Sum,
    WeightedMean,
    default_rule,
    rules_for,
)
from cchc_indicators.engine._state import _combine_table, _pool

NAN = np.nan


def cells(
    value: list[float],
    numerator: list[float] | None = None,
    denominator: list[float] | None = None,
    weight: list[float] | None = None,
) -> Cells:
    """Cells for len(value) units and one period (NaN where a column is not given)."""
    n = len(value)

    def col(x: list[float] | None) -> np.ndarray:
        return np.array(x if x is not None else [NAN] * n, dtype=float).reshape(n, 1)

    return Cells(col(value), col(numerator), col(denominator), col(weight))


#: Whether a pooled value is undefined although units have data (reported as zero_denominator).
DEFINED, UNDEFINED = False, True


def pool(rule: Rule, c: Cells, *, n_scope: float | None = None, scale: float = 1.0) -> tuple:
    """Pool all units of ``c`` into one, as the engine does; return (value, undefined, n)."""
    state, has = rule.init(c)
    state["n"] = has.astype(float)
    idx = np.zeros(c.value.shape[0], dtype=np.int64)  # one period: every unit into cell 0
    merged = _pool(state, _combine_table(rule), idx, 1)
    n = merged.pop("n")
    size = np.full_like(n, c.value.shape[0] if n_scope is None else n_scope)
    value = rule.finalize(merged, n, size, scale)
    undefined = rule.undefined(merged, n)
    return float(value[0, 0]), bool(undefined[0, 0]), int(n[0, 0])


# Three units giving a percent by parts: 1/10 = 10 %, 90/100 = 90 %, 5/10 = 50 %.
PCT = cells([10.0, 90.0, 50.0], [1, 90, 5], [10, 100, 10], [1, 2, 1])


class TestRuleValues:
    """Each rule gives the hand-computed value on a tiny example."""

    def test_sum(self) -> None:
        """sum adds the values of the units with data: 3 + 4 = 7, n = 2."""
        assert pool(Sum(), cells([3.0, 4.0, NAN])) == (7.0, DEFINED, 2)

    def test_sum_without_data_is_missing(self) -> None:
        """sum over units without data is NaN, never 0."""
        value, _, n = pool(Sum(), cells([NAN, NAN]))
        assert np.isnan(value)
        assert n == 0

    def test_sum_of_binary_counts_ones(self) -> None:
        """sum of 0/1 facts counts the units with 1: 1 + 0 + 1 = 2."""
        assert pool(Sum(), cells([1.0, 0.0, 1.0]))[0] == 2.0

    def test_ratio_of_sums_pools_parts(self) -> None:
        """ratio_of_sums pools the parts: (1 + 90 + 5) / (10 + 100 + 10) x 100 = 96 / 120 x 100 = 80."""
        assert pool(RatioOfSums(), PCT, scale=100.0) == (80.0, DEFINED, 3)

    def test_ratio_of_sums_zero_denominator(self) -> None:
        """A pooled denominator of 0 gives no value and the reason zero_denominator."""
        value, undefined, n = pool(RatioOfSums(), cells([NAN, NAN], [0, 0], [0, 0]), scale=100.0)
        assert np.isnan(value)
        assert undefined == UNDEFINED
        assert n == 2

    def test_ratio_of_sums_ignores_value_only_units(self) -> None:
        """Units without parts do not enter the pool: 1 / 10 x 100 = 10, n = 1."""
        c = cells([10.0, 70.0], [1, NAN], [10, NAN])
        assert pool(RatioOfSums(), c, scale=100.0) == (10.0, DEFINED, 1)

    def test_mean_averages_rates(self) -> None:
        """mean averages the units' rates: (10 + 90 + 50) / 3 = 50, not the pooled 80."""
        assert pool(Mean(), PCT) == (50.0, DEFINED, 3)

    def test_mean_skips_missing(self) -> None:
        """mean divides by the units with data: (2 + 4) / 2 = 3."""
        assert pool(Mean(), cells([2.0, NAN, 4.0])) == (3.0, DEFINED, 2)

    def test_weighted_mean_by_weight(self) -> None:
        """weighted_mean by weight: (10x1 + 90x2 + 50x1) / (1 + 2 + 1) = 240 / 4 = 60."""
        assert pool(WeightedMean(), PCT) == (60.0, DEFINED, 3)

    def test_weighted_mean_by_denominator_equals_pooled(self) -> None:
        """weighted_mean by denominator: (10x10 + 90x100 + 50x10) / 120 = 9600 / 120 = 80."""
        assert pool(WeightedMean(by="denominator"), PCT) == (80.0, DEFINED, 3)

    def test_weighted_mean_skips_units_without_weight(self) -> None:
        """A unit with a value but no weight counts as no data: 6x3 / 3 = 6, n = 1."""
        c = cells([6.0, 100.0], weight=[3.0, NAN])
        assert pool(WeightedMean(), c) == (6.0, DEFINED, 1)

    def test_weighted_mean_zero_total_weight(self) -> None:
        """A total weight of 0 gives no value and the reason zero_denominator."""
        value, undefined, n = pool(WeightedMean(), cells([6.0, 8.0], weight=[0.0, 0.0]))
        assert np.isnan(value)
        assert undefined == UNDEFINED
        assert n == 2

    def test_sum_of_one_unit(self) -> None:
        """One unit with data is enough for a sum: 3, n = 1."""
        assert pool(Sum(), cells([3.0, NAN])) == (3.0, DEFINED, 1)

    def test_weighted_mean_counts_a_unit_of_weight_zero(self) -> None:
        """Weight 0 and no value (no dossiers at all) has reported: 6x3 / 3 = 6, n = 2."""
        assert pool(WeightedMean(), cells([6.0, NAN], weight=[3.0, 0.0])) == (6.0, DEFINED, 2)

    def test_weighted_mean_skips_units_without_value(self) -> None:
        """A weight without a value is no data: 6x3 / 3 = 6, n = 1 (the 2 is not used)."""
        assert pool(WeightedMean(), cells([6.0, NAN], weight=[3.0, 2.0])) == (6.0, DEFINED, 1)

    def test_weighted_mean_without_data_is_missing_not_undefined(self) -> None:
        """No unit with data: no value, n = 0, and not the reason zero_denominator."""
        value, undefined, n = pool(WeightedMean(), cells([NAN, NAN], weight=[NAN, NAN]))
        assert np.isnan(value)
        assert (undefined, n) == (DEFINED, 0)

    def test_weighted_mean_parsed_from_text(self) -> None:
        """A rule read from text (a plan file) weighs as the one built in code: 60 and 80 on PCT."""
        assert pool(parse_rule("weighted_mean(by=weight)"), PCT) == (60.0, DEFINED, 3)
        by_denominator = parse_rule("weighted_mean(by=denominator)")
        assert pool(by_denominator, PCT) == (80.0, DEFINED, 3)
        assert not by_denominator.fits(measures.count())

    def test_min_and_max_of_one_unit(self) -> None:
        """One unit with data: its value is the min and the max."""
        assert pool(Min(), cells([5.0, NAN])) == (5.0, DEFINED, 1)
        assert pool(Max(), cells([NAN, 5.0])) == (5.0, DEFINED, 1)

    def test_min(self) -> None:
        """min is the smallest value among units with data: min(10, 90, 50) = 10."""
        assert pool(Min(), PCT) == (10.0, DEFINED, 3)

    def test_max(self) -> None:
        """max is the largest value among units with data: max(10, 90, 50) = 90."""
        assert pool(Max(), PCT) == (90.0, DEFINED, 3)

    def test_min_and_max_without_data(self) -> None:
        """min and max over no data are NaN, not +/- infinity."""
        assert np.isnan(pool(Min(), cells([NAN]))[0])
        assert np.isnan(pool(Max(), cells([NAN]))[0])

    def test_share_meeting_with_data(self) -> None:
        """share_meeting(>= 50) among units with data: 2 of {10, 90, 50, -} meet, 2 / 3 x 100."""
        value, undefined, n = pool(ShareMeeting(">= 50"), cells([10.0, 90.0, 50.0, NAN]))
        assert value == pytest.approx(200.0 / 3.0)
        assert (undefined, n) == (DEFINED, 3)

    def test_share_meeting_over_all_units(self) -> None:
        """share_meeting(>= 50, denominator=all): 2 meet among all 4 units, 2 / 4 x 100 = 50."""
        rule = ShareMeeting(">= 50", denominator="all")
        assert pool(rule, cells([10.0, 90.0, 50.0, NAN])) == (50.0, DEFINED, 3)

    def test_share_meeting_all_without_data_is_missing(self) -> None:
        """share_meeting over all units gives no value, not 0 %, when no unit has data."""
        rule = ShareMeeting(">= 50", denominator="all")
        assert np.isnan(pool(rule, cells([NAN, NAN]))[0])

    def test_any(self) -> None:
        """any is 1 when some unit has 1, 0 when none has, NaN without data."""
        assert pool(AnyTrue(), cells([0.0, 1.0, NAN]))[0] == 1.0
        assert pool(AnyTrue(), cells([0.0, 0.0]))[0] == 0.0
        assert np.isnan(pool(AnyTrue(), cells([NAN]))[0])

    def test_all(self) -> None:
        """all is 1 when every unit with data has 1 (missing units do not count), else 0."""
        assert pool(AllTrue(), cells([1.0, 1.0, NAN])) == (1.0, DEFINED, 2)
        assert pool(AllTrue(), cells([1.0, 0.0, 1.0]))[0] == 0.0
        assert np.isnan(pool(AllTrue(), cells([NAN]))[0])


class TestReasons:
    """The reason codes stored in results index their names."""

    def test_codes_name_their_reasons(self) -> None:
        from cchc_indicators import rules

        assert rules.REASON_OK == 0  # a zero-filled array of reasons means no reason
        names = {
            rules.REASON_OK: "",
            rules.REASON_NO_DATA: "no_data",
            rules.REASON_ZERO_DENOMINATOR: "zero_denominator",
            rules.REASON_BELOW_MIN_COVERAGE: "below_min_coverage",
            rules.REASON_NOT_APPLICABLE: "not_applicable",
            rules.REASON_OVERFLOW: "overflow",
        }
        assert {code: rules.REASONS[code] for code in names} == names
        assert len(set(names)) == len(rules.REASONS)


class TestCells:
    """Cells compute the units' values only when a rule asks for them."""

    def test_value_is_computed_lazily_once(self) -> None:
        """A callable value is not called by a rule pooling parts, and called once by a mean."""
        calls = []

        def compute() -> np.ndarray:
            calls.append(1)
            return np.array([[25.0]])

        c = Cells(compute, np.array([[1.0]]), np.array([[4.0]]), np.array([[NAN]]))
        RatioOfSums().init(c)
        assert calls == []
        state, has = Mean().init(c)
        assert c.value.tolist() == [[25.0]]
        assert calls == [1]
        assert state["sum"].tolist() == [[25.0]]
        assert has.tolist() == [[True]]

    def test_value_given_as_array(self) -> None:
        """An array value is used as it is."""
        arr = np.array([[3.0]])
        assert Cells(arr, arr, arr, arr).value is arr


class TestCondition:
    """Conditions parse, test arrays and print."""

    @pytest.mark.parametrize(
        ("text", "op", "threshold"),
        [
            (">= 60", ">=", 60.0),
            (">60", ">", 60.0),
            ("<= -1.5", "<=", -1.5),
            (" < .5 ", "<", 0.5),
            ("== 1", "==", 1.0),
            ("!= 0", "!=", 0.0),
            (">= 1e3", ">=", 1000.0),
        ],
    )
    def test_parse(self, text: str, op: str, threshold: float) -> None:
        """An operator and a number parse into a Condition."""
        c = Condition.parse(text)
        assert (c.op, c.threshold) == (op, threshold)

    def test_parse_passes_condition_through(self) -> None:
        """A Condition given to parse is returned as it is."""
        c = Condition(">=", 1.0)
        assert Condition.parse(c) is c

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (">= 60", [False, True, True, False]),
            ("> 60", [False, False, True, False]),
            ("<= 60", [True, True, False, False]),
            ("< 60", [True, False, False, False]),
            ("== 60", [False, True, False, False]),
            ("!= 60", [True, False, True, False]),
        ],
    )
    def test_test(self, text: str, expected: list[bool]) -> None:
        """Each operator compares as written on [59.9, 60, 61, NaN]; NaN never meets."""
        values = np.array([59.9, 60.0, 61.0, NAN])
        assert Condition.parse(text).test(values).tolist() == expected

    def test_str_and_repr(self) -> None:
        """str() is the spec text, repr() the constructor call."""
        c = Condition.parse(">= 80")
        assert str(c) == ">= 80"
        assert repr(c) == "Condition('>=', 80.0)"

    @pytest.mark.parametrize("text", ["~ 1", ">= ", "60", ">= abc", ">= inf", "=> 60"])
    def test_unreadable(self, text: str) -> None:
        """Text without an operator and a finite number is rejected."""
        with pytest.raises(DefinitionError, match=r"cannot read condition .*such as '>= 60'"):
            Condition.parse(text)

    def test_threshold_must_be_finite(self) -> None:
        """A NaN or infinite threshold is rejected."""
        with pytest.raises(
            DefinitionError, match="a condition's threshold must be finite, got nan"
        ):
            Condition(">=", float("nan"))

    def test_unknown_operator_is_a_definition_error(self) -> None:
        """A Condition built with an unknown operator raises DefinitionError, like every bad definition."""
        with pytest.raises(DefinitionError, match="=>"):
            Condition("=>", 60.0)


class TestParseRule:
    """parse_rule reads every rule and to_spec writes it back."""

    @pytest.mark.parametrize(
        ("spec", "rule"),
        [
            ("sum", Sum()),
            ("ratio_of_sums", RatioOfSums()),
            ("mean", Mean()),
            ("weighted_mean", WeightedMean()),
            ("weighted_mean(by=weight)", WeightedMean(by="weight")),
            ("weighted_mean(by=denominator)", WeightedMean(by="denominator")),
            ("min", Min()),
            ("max", Max()),
            ("share_meeting(>= 80)", ShareMeeting(">= 80")),
            ("share_meeting(< 2.5, denominator=all)", ShareMeeting("< 2.5", denominator="all")),
            ("share_meeting( >=80 , denominator = with_data )", ShareMeeting(">= 80")),
            ("any", AnyTrue()),
            ("all", AllTrue()),
            ("  mean  ", Mean()),
        ],
    )
    def test_parse(self, spec: str, rule: Rule) -> None:
        """Each spec parses to the rule it names."""
        assert parse_rule(spec) == rule

    @pytest.mark.parametrize(
        "rule",
        [
            Sum(),
            RatioOfSums(),
            Mean(),
            WeightedMean(),
            WeightedMean(by="denominator"),
            Min(),
            Max(),
            ShareMeeting(">= 80"),
            ShareMeeting("== 1", denominator="all"),
            ShareMeeting("< -2.5"),
            AnyTrue(),
            AllTrue(),
        ],
        ids=str,
    )
    def test_spec_roundtrip_is_lossless(self, rule: Rule) -> None:
        """parse_rule(rule.to_spec()) == rule for every rule."""
        assert parse_rule(rule.to_spec()) == rule
        assert str(rule) == rule.to_spec()

    @pytest.mark.parametrize("threshold", [1234567.0, 66.666667, 0.1234567])
    def test_spec_roundtrip_keeps_threshold_precision(self, threshold: float) -> None:
        """A threshold with more than six significant digits survives to_spec / parse_rule."""
        rule = ShareMeeting(Condition(">=", threshold))
        assert parse_rule(rule.to_spec()) == rule

    def test_specs(self) -> None:
        """to_spec writes the canonical text of parametrised rules."""
        assert WeightedMean().to_spec() == "weighted_mean(by=weight)"
        assert ShareMeeting(">= 80").to_spec() == "share_meeting(>= 80)"
        assert ShareMeeting("== 1", denominator="all").to_spec() == (
            "share_meeting(== 1, denominator=all)"
        )

    def test_rule_passes_through(self) -> None:
        """A Rule given to parse_rule is returned as it is."""
        rule = Mean()
        assert parse_rule(rule) is rule

    @pytest.mark.parametrize(
        ("spec", "message"),
        [
            ("median", "unknown rule 'median'; the rules are sum, ratio_of_sums, mean"),
            ("", "unknown rule ''"),
            ("Mean", "unknown rule 'Mean'"),
            ("mean(", "unknown rule 'mean('"),
            (None, "unknown rule 'None'"),
            ("sum(1)", "rule 'sum' takes no arguments, got 'sum(1)'"),
            ("all(x)", "rule 'all' takes no arguments"),
            ("weighted_mean(x)", "weighted_mean takes only 'by=weight' or 'by=denominator'"),
            (
                "weighted_mean(by=weight, denominator=all)",
                "weighted_mean takes only 'by=weight' or 'by=denominator'",
            ),
            (
                "weighted_mean(by=people)",
                "weights 'by' the 'weight' column or the 'denominator', not 'people'",
            ),
            ("share_meeting", "share_meeting needs one condition, such as 'share_meeting(>= 60)'"),
            ("share_meeting()", "share_meeting needs one condition"),
            ("share_meeting(>= 1, >= 2)", "share_meeting needs one condition"),
            ("share_meeting(>= 1, by=weight)", "share_meeting needs one condition"),
            (
                "share_meeting(>= 1, denominator=some)",
                "denominator is 'with_data' or 'all', not 'some'",
            ),
            ("share_meeting(~ 1)", "cannot read condition '~ 1'"),
        ],
    )
    def test_bad_spec(self, spec: str, message: str) -> None:
        """Bad rule specs raise DefinitionError explaining what is accepted."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            parse_rule(spec)

    def test_rule_names(self) -> None:
        """Every name in RULE_NAMES is accepted by parse_rule (with a condition where needed)."""
        parsed = [
            parse_rule(n if n != "share_meeting" else "share_meeting(>= 1)") for n in RULE_NAMES
        ]
        assert [r.name for r in parsed] == list(RULE_NAMES)


class TestFits:
    """Rules declare which measures they fit; each measure has a default rule."""

    @pytest.mark.parametrize(
        ("measure", "rule"),
        [
            (measures.percent(), RatioOfSums()),
            (measures.ratio(1000), RatioOfSums()),
            (measures.count(), Sum()),
            (measures.score(0, 100), Mean()),
            (measures.binary(), AllTrue()),
            (measures.rank(), Min()),
        ],
        ids=repr,
    )
    def test_default_rule(self, measure: Measure, rule: Rule) -> None:
        """The default rule of each measure kind is the documented one and fits it."""
        assert default_rule(measure) == rule
        assert rule.fits(measure)

    @pytest.mark.parametrize(
        ("measure", "names"),
        [
            (
                measures.percent(),
                ("ratio_of_sums", "mean", "weighted_mean", "min", "max", "share_meeting"),
            ),
            (measures.count(), ("sum", "mean", "weighted_mean", "min", "max", "share_meeting")),
            (measures.score(), ("mean", "weighted_mean", "min", "max", "share_meeting")),
            (measures.binary(), ("all", "sum", "share_meeting", "any")),
            (measures.rank(), ("min", "max", "share_meeting")),
        ],
        ids=repr,
    )
    def test_rules_for(self, measure: Measure, names: tuple[str, ...]) -> None:
        """rules_for lists the fitting rules, the default first."""
        assert rules_for(measure) == names

    def test_sum_does_not_fit_a_percent(self) -> None:
        """Adding up percentages is not allowed."""
        assert not Sum().fits(measures.percent())

    def test_share_meeting_fits_every_measure(self) -> None:
        """share_meeting tests each unit's own value, so it fits every kind."""
        rule = ShareMeeting(">= 1")
        for m in (
            measures.percent(),
            measures.count(),
            measures.score(),
            measures.binary(),
            measures.rank(),
        ):
            assert rule.fits(m)

    def test_needs_parts(self) -> None:
        """Only pooling rules need numerator and denominator."""
        assert RatioOfSums().needs_parts
        assert WeightedMean(by="denominator").needs_parts
        assert not WeightedMean(by="weight").needs_parts
        assert not Mean().needs_parts

    @pytest.mark.parametrize("measure", [measures.count(), measures.score()], ids=repr)
    def test_weighting_by_denominator_needs_a_ratio(self, measure: Measure) -> None:
        """weighted_mean(by=denominator) does not fit a measure that never has a denominator."""
        assert not WeightedMean(by="denominator").fits(measure)


class TestValueObjects:
    """Rules are frozen, comparable, picklable and have readable reprs."""

    @pytest.mark.parametrize(
        ("rule", "text"),
        [
            (Sum(), "Sum()"),
            (WeightedMean(by="denominator"), "WeightedMean(by='denominator')"),
            (
                ShareMeeting(">= 80"),
                "ShareMeeting(condition=Condition('>=', 80.0), denominator='with_data')",
            ),
        ],
    )
    def test_repr(self, rule: Rule, text: str) -> None:
        """The repr shows the rule's class and parameters."""
        assert repr(rule) == text

    def test_frozen(self) -> None:
        """A rule cannot be changed in place."""
        rule = ShareMeeting(">= 80")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            rule.denominator = "all"  # type: ignore[misc]

    @pytest.mark.parametrize(
        "rule",
        [Sum(), WeightedMean(by="denominator"), ShareMeeting("== 1", denominator="all")],
        ids=str,
    )
    def test_pickle_roundtrip(self, rule: Rule) -> None:
        """A rule pickles to an equal rule."""
        assert pickle.loads(pickle.dumps(rule)) == rule

    def test_different_rules_differ(self) -> None:
        """Rules of different classes, or with different parameters, are not equal."""
        assert Sum() != Mean()
        assert ShareMeeting(">= 1") != ShareMeeting(">= 1", denominator="all")

    def test_bad_denominator(self) -> None:
        """ShareMeeting rejects an unknown denominator."""
        with pytest.raises(
            DefinitionError,
            match="share_meeting's denominator is 'with_data' or 'all', not 'units'",
        ):
            ShareMeeting(">= 1", denominator="units")

    def test_bad_by(self) -> None:
        """WeightedMean rejects an unknown weighting."""
        with pytest.raises(DefinitionError, match="not 'people'"):
            WeightedMean(by="people")
