"""Tests of indicator definitions: defaults, validation, rule fitting, serialisation."""

from __future__ import annotations

import pickle
import re

import attrs
import jsonschema
import pytest

from cchc_indicators import (
    Area,
    DefinitionError,
    Direction,
    Indicator,
    RuleMismatchError,
    Temporal,
    measures,
)
from cchc_indicators.core.indicators import TEMPORALS_FOR
from cchc_indicators.core.measures import Measure
from cchc_indicators.core.plan import schema as plan_schema
from cchc_indicators.core.rules import AllTrue, Mean, Min, RatioOfSums, ShareMeeting, Sum


def full_indicator() -> Indicator:
    """An indicator with every field set away from its default."""
    return Indicator(
        "par_index.rank",
        "Xếp hạng Chỉ số CCHC",
        name_en="PAR INDEX rank",
        area="procedures",
        measure=measures.rank(),
        direction="lower",
        rule="share_meeting(<= 15, denominator=all)",
        unit="hạng",
        description="Vị trí của tỉnh trong 63 tỉnh, thành phố",
        source="QĐ 2866/QĐ-UBND, mục II.2",
    )


class TestDefaults:
    """An indicator fills in sensible defaults from its measure."""

    def test_percent_defaults(self) -> None:
        """By default an indicator is a percent in area 'overall', higher better, pooled."""
        ind = Indicator("files", "Hồ sơ")
        assert ind.measure == measures.percent()
        assert ind.area is Area.OVERALL
        assert ind.direction is Direction.HIGHER
        assert ind.rule == RatioOfSums()
        assert ind.unit == "%"
        assert (ind.name_en, ind.description, ind.source) == ("", "", "")

    @pytest.mark.parametrize(
        ("measure", "rule", "unit"),
        [
            (measures.ratio(1000), RatioOfSums(), "per 1000"),
            (measures.count(), Sum(), "count"),
            (measures.score(0, 100), Mean(), "points"),
            (measures.binary(), AllTrue(), "yes/no"),
            (measures.rank(), Min(), "rank"),
        ],
        ids=repr,
    )
    def test_default_rule_and_unit_by_measure(
        self, measure: Measure, rule: object, unit: str
    ) -> None:
        """The default rule and unit label follow the measure."""
        ind = Indicator("x", "X", measure=measure)
        assert ind.rule == rule
        assert ind.unit == unit

    def test_rank_is_lower_better(self) -> None:
        """A rank defaults to 'lower is better' (1 is first)."""
        assert Indicator("r", "R", measure=measures.rank()).direction is Direction.LOWER

    def test_area_and_direction_from_text(self) -> None:
        """Area and direction may be given as their values."""
        ind = Indicator("x", "X", area="civil_service", direction="lower")
        assert ind.area is Area.CIVIL_SERVICE
        assert ind.direction is Direction.LOWER
        assert str(ind.area) == "civil_service"
        assert str(ind.direction) == "lower"

    def test_direction_sign(self) -> None:
        """Direction.sign is +1 for higher-is-better and -1 for lower-is-better."""
        assert (Direction.HIGHER.sign, Direction.LOWER.sign) == (1, -1)

    def test_rule_from_text(self) -> None:
        """A rule may be given as its spec text."""
        ind = Indicator("x", "X", rule="share_meeting(>= 80)")
        assert ind.rule == ShareMeeting(">= 80")

    def test_check_rule_accepts_fitting_rule(self) -> None:
        """check_rule parses a rule that fits the measure."""
        assert Indicator("x", "X").check_rule("mean") == Mean()


class TestCodesAndText:
    """Codes and text fields are validated."""

    @pytest.mark.parametrize("code", ["a", "procedures_online", "par.index-2", "A1"])
    def test_good_codes(self, code: str) -> None:
        """Letters, digits, '_', '.' and '-' after a leading letter make a code."""
        assert Indicator(code, "X").code == code

    @pytest.mark.parametrize("code", ["", "1a", "_a", "a b", "chỉ_số", "a/b", 5, None])
    def test_bad_codes(self, code: object) -> None:
        """Any other code is rejected with a message naming it."""
        with pytest.raises(
            DefinitionError, match=re.escape(f"indicator code {code!r} is not valid")
        ):
            Indicator(code, "X")  # type: ignore[arg-type]

    @pytest.mark.parametrize("field", ["name_en", "unit", "description", "source"])
    def test_text_fields_must_be_text(self, field: str) -> None:
        """Keyword text fields reject non-text values, naming the field."""
        with pytest.raises(DefinitionError, match=f"indicator '{field}' must be text, got 5"):
            Indicator("x", "X", **{field: 5})

    def test_name_must_be_text(self) -> None:
        """The name must be text."""
        with pytest.raises(DefinitionError, match="indicator 'name' must be text, got None"):
            Indicator("x", None)  # type: ignore[arg-type]

    def test_unknown_area(self) -> None:
        """An unknown area is rejected, listing the areas."""
        with pytest.raises(
            DefinitionError,
            match="unknown area 'finance'; expected one of 'overall', 'institutions'",
        ):
            Indicator("x", "X", area="finance")

    def test_unknown_direction(self) -> None:
        """An unknown direction is rejected, listing the directions."""
        with pytest.raises(
            DefinitionError, match="unknown direction 'up'; expected one of 'higher', 'lower'"
        ):
            Indicator("x", "X", direction="up")

    def test_bad_measure_with_explicit_fields(self) -> None:
        """A measure that is not a Measure is rejected, pointing to cchc_indicators.core.measures."""
        with pytest.raises(DefinitionError, match="an indicator's measure must be a Measure"):
            Indicator("x", "X", measure="percent", direction="higher", rule="mean", unit="%")  # type: ignore[arg-type]

    def test_bad_measure_with_defaults(self) -> None:
        """A measure that is not a Measure is a DefinitionError even when other fields take defaults."""
        with pytest.raises(DefinitionError, match="an indicator's measure must be a Measure"):
            Indicator("x", "X", measure="percent")  # type: ignore[arg-type]

    def test_unknown_rule(self) -> None:
        """An unknown rule name is rejected."""
        with pytest.raises(DefinitionError, match="unknown rule 'median'"):
            Indicator("x", "X", rule="median")


class TestRuleMismatch:
    """A rule that does not fit the measure names the indicator and suggests the right rules."""

    def test_sum_of_percent(self) -> None:
        """Summing a percent is rejected with the reason and the fitting rules, default first."""
        with pytest.raises(RuleMismatchError) as info:
            Indicator("files", "Hồ sơ", measure=measures.percent(), rule="sum")
        err = info.value
        assert str(err) == (
            "indicator 'files': rule 'sum' does not fit a ratio measure (adding up rates is "
            "meaningless; pool the parts); use 'ratio_of_sums' (the default), or one of 'mean', "
            "'weighted_mean', 'min', 'max', 'share_meeting'"
        )
        assert (err.code, err.rule) == ("files", "sum")
        assert isinstance(err, DefinitionError)

    @pytest.mark.parametrize(
        ("measure", "rule", "message"),
        [
            (
                measures.count(),
                "ratio_of_sums",
                "indicator 'x': rule 'ratio_of_sums' does not fit a count measure (a count has no "
                "numerator and denominator); use 'sum' (the default)",
            ),
            (
                measures.score(),
                "ratio_of_sums",
                "(a score has no numerator and denominator); use 'mean'",
            ),
            (
                measures.score(),
                "sum",
                "(adding up scores is meaningless); use 'mean' (the default)",
            ),
            (
                measures.binary(),
                "mean",
                "(a mean of 0/1 facts is a share; say so); use 'all' (the default), or one of "
                "'sum', 'share_meeting', 'any'",
            ),
            (
                measures.rank(),
                "mean",
                "(ranks are positions, not quantities); use 'min' (the default), or one of "
                "'max', 'share_meeting'",
            ),
            (
                measures.rank(),
                "sum",
                "rule 'sum' does not fit a rank measure; use 'min' (the default)",
            ),
            (measures.count(), "any", "rule 'any' does not fit a count measure; use 'sum'"),
        ],
    )
    def test_mismatch(self, measure: Measure, rule: str, message: str) -> None:
        """Each misfit is rejected with a hint where one exists and the fitting rules."""
        with pytest.raises(RuleMismatchError, match=re.escape(message)) as info:
            Indicator("x", "X", measure=measure, rule=rule)
        assert (info.value.code, info.value.rule) == ("x", rule)

    def test_check_rule_rejects(self) -> None:
        """check_rule raises RuleMismatchError naming the indicator."""
        with pytest.raises(
            RuleMismatchError, match="indicator 'p': rule 'sum' does not fit"
        ) as info:
            Indicator("p", "P").check_rule("sum")
        assert info.value.code == "p"

    def test_weighting_a_count_by_denominator(self) -> None:
        """A count has no denominator to weight by, so weighted_mean(by=denominator) is a mismatch."""
        with pytest.raises(RuleMismatchError, match="indicator 'c'"):
            Indicator("c", "C", measure=measures.count(), rule="weighted_mean(by=denominator)")


class TestTemporal:
    """An indicator declares how its values over time make a longer period's value."""

    @pytest.mark.parametrize(
        ("measure", "temporal"),
        [
            (measures.percent(), Temporal.FLOW),
            (measures.ratio(1000), Temporal.FLOW),
            (measures.count(), Temporal.FLOW),
            (measures.score(0, 100), Temporal.LEVEL),
            (measures.binary(), Temporal.STOCK),
            (measures.rank(), Temporal.STOCK),
        ],
        ids=["percent", "per1000", "count", "score", "binary", "rank"],
    )
    def test_default_by_measure(self, measure: Measure, temporal: Temporal) -> None:
        """Ratios and counts are flows, scores levels, 0/1 facts and ranks stocks, by default."""
        assert Indicator("x", "X", measure=measure).temporal is temporal

    @pytest.mark.parametrize("value", ["stock", Temporal.STOCK])
    def test_given_as_text_or_member(self, value: object) -> None:
        """The nature may be given as its text or as a Temporal member."""
        ind = Indicator("staff", "Biên chế", measure=measures.count(), temporal=value)  # type: ignore[arg-type]
        assert ind.temporal is Temporal.STOCK
        assert str(ind.temporal) == "stock"

    @pytest.mark.parametrize(
        ("kind", "fitting"),
        [
            ("ratio", ["flow", "stock", "level"]),
            ("count", ["flow", "stock", "level"]),
            ("score", ["level", "stock"]),
            ("binary", ["stock"]),
            ("rank", ["stock"]),
        ],
    )
    def test_natures_fitting_each_measure(self, kind: str, fitting: list[str]) -> None:
        """TEMPORALS_FOR lists the natures that fit each measure kind, the default first."""
        assert [t.value for t in TEMPORALS_FOR[kind]] == fitting

    @pytest.mark.parametrize("value", ["weekly", "Flow", "", None, 1])
    def test_unknown_nature_names_the_indicator(self, value: object) -> None:
        """An unknown nature raises DefinitionError naming the indicator and the natures."""
        with pytest.raises(DefinitionError) as info:
            Indicator("dossiers", "Hồ sơ", temporal=value)  # type: ignore[arg-type]
        assert str(info.value) == (
            f"indicator 'dossiers': unknown temporal nature {value!r}; "
            "expected one of 'flow', 'stock', 'level'"
        )
        assert info.value.code == "dossiers"

    @pytest.mark.parametrize(
        ("measure", "temporal", "message"),
        [
            (
                measures.score(0, 100),
                "flow",
                "indicator 'x': temporal 'flow' does not fit a score measure (adding up scores "
                "over time is meaningless); use 'level' (the default) or 'stock'",
            ),
            (
                measures.binary(),
                "flow",
                "indicator 'x': temporal 'flow' does not fit a binary measure (adding up 0/1 facts "
                "over time is meaningless); use 'stock' (the default)",
            ),
            (
                measures.binary(),
                "level",
                "indicator 'x': temporal 'level' does not fit a binary measure (a mean of 0/1 facts "
                "is a share, not a fact); use 'stock' (the default)",
            ),
            (
                measures.rank(),
                "flow",
                "indicator 'x': temporal 'flow' does not fit a rank measure (adding up ranks over "
                "time is meaningless); use 'stock' (the default)",
            ),
            (
                measures.rank(),
                "level",
                "indicator 'x': temporal 'level' does not fit a rank measure (a mean of ranks is "
                "not a rank); use 'stock' (the default)",
            ),
        ],
        ids=["score-flow", "binary-flow", "binary-level", "rank-flow", "rank-level"],
    )
    def test_nature_must_fit_the_measure(
        self, measure: Measure, temporal: str, message: str
    ) -> None:
        """A nature that does not fit the measure raises DefinitionError naming the indicator."""
        with pytest.raises(DefinitionError) as info:
            Indicator("x", "X", measure=measure, temporal=temporal)  # type: ignore[arg-type]
        assert str(info.value) == message
        assert info.value.code == "x"

    def test_from_dict_reads_the_nature(self) -> None:
        """from_dict reads 'temporal', and without it takes the measure's default."""
        data = {"code": "staff", "name": "Biên chế", "measure": {"kind": "count"}}
        assert Indicator.from_dict(data).temporal is Temporal.FLOW
        assert Indicator.from_dict({**data, "temporal": "stock"}).temporal is Temporal.STOCK

    def test_from_dict_unknown_nature_names_the_indicator(self) -> None:
        """An unknown nature read from a dictionary names the indicator once."""
        with pytest.raises(DefinitionError) as info:
            Indicator.from_dict({"code": "a", "name": "A", "temporal": "yearly"})
        assert str(info.value).startswith("indicator 'a': unknown temporal nature 'yearly'")
        assert info.value.code == "a"

    def test_to_dict_writes_the_nature(self) -> None:
        """to_dict writes the nature as text, and it round-trips."""
        ind = Indicator("staff", "Biên chế", measure=measures.count(), temporal="stock")
        assert ind.to_dict()["temporal"] == "stock"
        assert Indicator.from_dict(ind.to_dict()) == ind

    @pytest.mark.parametrize(
        ("measure", "temporal", "valid"),
        [
            ({"kind": "ratio", "scale": 100.0}, "level", True),
            ({"kind": "count"}, "stock", True),
            ({"kind": "score"}, "stock", True),
            ({"kind": "score"}, "flow", False),
            ({"kind": "binary"}, "level", False),
            ({"kind": "rank"}, "flow", False),
            ({"kind": "rank"}, "stock", True),
            (None, "monthly", False),
        ],
    )
    def test_schema_agrees_with_the_library(
        self, measure: dict[str, object] | None, temporal: str, valid: bool
    ) -> None:
        """The plan JSON Schema accepts exactly the natures the library accepts for a measure."""
        data: dict[str, object] = {"code": "x", "name": "X", "temporal": temporal}
        if measure is not None:
            data["measure"] = measure
        doc = {"schema_version": 1, "code": "p", "indicators": [data]}
        errors = list(jsonschema.Draft202012Validator(plan_schema()).iter_errors(doc))
        assert (errors == []) is valid
        if valid:
            Indicator.from_dict(data)
        else:
            with pytest.raises(DefinitionError, match="indicator 'x'"):
                Indicator.from_dict(data)

    def test_nature_takes_part_in_equality(self) -> None:
        """Two indicators that differ only in nature are different."""
        assert Indicator("p", "P") != Indicator("p", "P", temporal="stock")


class TestSerialisation:
    """to_dict / from_dict round-trip and reject bad input."""

    def test_dict_roundtrip_is_lossless(self) -> None:
        """from_dict(to_dict(ind)) == ind with every field set."""
        ind = full_indicator()
        assert Indicator.from_dict(ind.to_dict()) == ind

    def test_dict_roundtrip_of_defaults(self) -> None:
        """A default indicator round-trips too."""
        ind = Indicator("p", "P")
        assert Indicator.from_dict(ind.to_dict()) == ind

    def test_to_dict(self) -> None:
        """to_dict writes plain JSON-ready values."""
        assert full_indicator().to_dict() == {
            "code": "par_index.rank",
            "name": "Xếp hạng Chỉ số CCHC",
            "name_en": "PAR INDEX rank",
            "area": "procedures",
            "measure": {"kind": "rank"},
            "direction": "lower",
            "rule": "share_meeting(<= 15, denominator=all)",
            "temporal": "stock",
            "unit": "hạng",
            "description": "Vị trí của tỉnh trong 63 tỉnh, thành phố",
            "source": "QĐ 2866/QĐ-UBND, mục II.2",
            "targets": [],
        }

    def test_from_dict_minimal(self) -> None:
        """Missing keys take their defaults."""
        assert Indicator.from_dict({"code": "a", "name": "A"}) == Indicator("a", "A")

    def test_from_dict_measure(self) -> None:
        """The measure is read from its own dictionary and drives the defaults."""
        ind = Indicator.from_dict({"code": "s", "name": "S", "measure": {"kind": "count"}})
        assert ind.measure == measures.count()
        assert ind.rule == Sum()

    @pytest.mark.parametrize(
        "data", [None, {}, {"code": "a"}, {"name": "A"}, ["code", "name"]], ids=repr
    )
    def test_from_dict_needs_code_and_name(self, data: object) -> None:
        """Input without a code and a name is rejected."""
        with pytest.raises(DefinitionError, match="an indicator needs at least 'code' and 'name'"):
            Indicator.from_dict(data)  # type: ignore[arg-type]

    def test_from_dict_unknown_keys(self) -> None:
        """Unknown keys are rejected, sorted, naming the indicator."""
        with pytest.raises(
            DefinitionError, match=re.escape("indicator 'a': unknown keys ['bar', 'foo']")
        ) as info:
            Indicator.from_dict({"code": "a", "name": "A", "foo": 1, "bar": 2})
        assert info.value.code == "a"

    def test_from_dict_measure_not_object(self) -> None:
        """A measure given as its word alone is rejected, naming the indicator and the fix."""
        with pytest.raises(DefinitionError) as info:
            Indicator.from_dict({"code": "a", "name": "A", "measure": "percent"})
        assert str(info.value) == (
            "indicator 'a': 'measure' must be an object, got 'percent'; write {\"kind\": \"percent\"}"
        )
        assert info.value.code == "a"

    def test_from_dict_measure_of_another_type(self) -> None:
        """A measure that is neither an object nor a kind's word gets no hint."""
        with pytest.raises(DefinitionError) as info:
            Indicator.from_dict({"code": "a", "name": "A", "measure": 100})
        assert str(info.value) == "indicator 'a': 'measure' must be an object, got 100"

    @pytest.mark.parametrize(
        "measure",
        [{"kind": "percent"}, {"kind": "ratio", "scale": 100, "bounded": True}],
        ids=["percent", "ratio-100-bounded"],
    )
    def test_from_dict_percent_in_either_spelling(self, measure: dict[str, object]) -> None:
        """Both spellings of a percent give the default indicator, which writes 'percent'."""
        ind = Indicator.from_dict({"code": "a", "name": "A", "measure": measure})
        assert ind == Indicator("a", "A")
        assert ind.to_dict()["measure"] == {"kind": "percent"}

    def test_from_dict_percent_with_another_scale(self) -> None:
        """A percent with scale 1000 is refused naming the indicator and the key."""
        with pytest.raises(DefinitionError) as info:
            Indicator.from_dict(
                {"code": "a", "name": "A", "measure": {"kind": "percent", "scale": 1000}}
            )
        assert str(info.value).startswith("indicator 'a': a percent's 'scale' is 100, got 1000")
        assert info.value.code == "a"

    def test_from_dict_bad_measure(self) -> None:
        """A measure dictionary of an unknown kind is rejected."""
        with pytest.raises(DefinitionError, match="unknown measure kind 'nope'"):
            Indicator.from_dict({"code": "a", "name": "A", "measure": {"kind": "nope"}})

    def test_from_dict_rule_mismatch(self) -> None:
        """A rule that does not fit the measure is rejected on reading too."""
        with pytest.raises(RuleMismatchError, match="indicator 'a': rule 'sum'"):
            Indicator.from_dict({"code": "a", "name": "A", "rule": "sum"})


class TestValueObject:
    """Indicators are frozen, comparable and picklable."""

    def test_frozen(self) -> None:
        """An indicator cannot be changed in place."""
        ind = Indicator("p", "P")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            ind.code = "q"  # type: ignore[misc]

    def test_evolve_revalidates(self) -> None:
        """attrs.evolve makes a changed copy, checked like a new one."""
        ind = Indicator("p", "P", measure=measures.count())
        assert attrs.evolve(ind, rule="mean").rule == Mean()
        with pytest.raises(RuleMismatchError, match="rule 'any' does not fit a count"):
            attrs.evolve(ind, rule="any")

    def test_pickle_roundtrip(self) -> None:
        """An indicator pickles to an equal indicator."""
        ind = full_indicator()
        assert pickle.loads(pickle.dumps(ind)) == ind

    def test_equality(self) -> None:
        """Indicators compare by value."""
        assert Indicator("p", "P") == Indicator("p", "P")
        assert Indicator("p", "P") != Indicator("p", "P", rule="mean")


class TestAliases:
    """Other names of an indicator (issue 12: Decree 42/2022/NĐ-CP's 'toàn trình' / 'một phần')."""

    def test_aliases_round_trip_and_are_left_out_when_empty(self) -> None:
        """Aliases are written only when there are some, and read back equal."""
        ind = Indicator("p", "P", aliases=["dịch vụ công trực tuyến toàn trình", "full online"])
        data = ind.to_dict()
        assert data["aliases"] == ["dịch vụ công trực tuyến toàn trình", "full online"]
        assert Indicator.from_dict(data) == ind
        assert "aliases" not in Indicator("p", "P").to_dict()

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("one name", "aliases are a list of names, got 'one name'"),
            (["ok", ""], "aliases are non-empty names, got ''"),
            (["ok", 3], "aliases are non-empty names, got 3"),
        ],
    )
    def test_bad_aliases_are_refused(self, value: object, message: str) -> None:
        """A bare string, an empty name or a non-text name is a DefinitionError."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Indicator("p", "P", aliases=value)
