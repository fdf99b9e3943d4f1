"""Tests of measures: the factories, their properties, validation and serialisation."""

from __future__ import annotations

import math
import pickle
import re

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import DefinitionError, measures
from cchc_indicators.core.measures import JSON_KINDS, Measure
from cchc_indicators.core.plan import schema

ALL_MEASURES = [
    measures.percent(),
    measures.ratio(),
    measures.ratio(1000),
    measures.ratio(10, bounded=True),
    measures.count(),
    measures.score(),
    measures.score(0, 100),
    measures.binary(),
    measures.rank(),
]


class TestFactories:
    """The factory functions build the measures they name."""

    def test_percent(self) -> None:
        """percent() is a ratio scaled by 100 and bounded to [0, 100]."""
        m = measures.percent()
        assert (m.kind, m.scale, m.bounded) == ("ratio", 100.0, True)
        assert m.is_percent
        assert m.has_parts
        assert m.bounds == (0.0, 100.0)
        assert m.unit_label == "%"

    def test_ratio(self) -> None:
        """ratio(1000) is an unbounded rate per 1,000, its scale a float."""
        m = measures.ratio(1000)
        assert m.scale == 1000.0
        assert isinstance(m.scale, float)
        assert not m.bounded
        assert not m.is_percent
        assert m.bounds is None
        assert m.unit_label == "per 1000"

    def test_bounded_ratio_that_is_not_a_percent(self) -> None:
        """A bounded ratio on another scale is bounded to [0, scale] but is not a percent."""
        m = measures.ratio(10, bounded=True)
        assert m.bounds == (0.0, 10.0)
        assert not m.is_percent
        assert m.unit_label == "per 10"

    def test_unbounded_ratio_of_100_is_not_a_percent(self) -> None:
        """A ratio on the 100 scale that may exceed 100 is not a percent."""
        assert not measures.ratio(100).is_percent

    def test_count(self) -> None:
        """count() has no parts, no scale and no upper bound."""
        m = measures.count()
        assert (m.kind, m.scale, m.bounds, m.has_parts) == ("count", None, None, False)
        assert m.unit_label == "count"

    def test_unbounded_score(self) -> None:
        """score() without bounds is unbounded."""
        m = measures.score()
        assert (m.bounded, m.minimum, m.maximum, m.bounds) == (False, None, None, None)
        assert m.unit_label == "points"

    def test_bounded_score(self) -> None:
        """score(0, 100) is bounded to [0, 100], bounds as floats."""
        m = measures.score(0, 100)
        assert m.bounded
        assert m.bounds == (0.0, 100.0)
        assert isinstance(m.minimum, float)

    def test_binary(self) -> None:
        """binary() lies in [0, 1]."""
        m = measures.binary()
        assert m.bounds == (0.0, 1.0)
        assert m.unit_label == "yes/no"

    def test_rank(self) -> None:
        """rank() has no bounds and the label 'rank'."""
        m = measures.rank()
        assert m.bounds is None
        assert m.unit_label == "rank"


class TestRepr:
    """A measure's repr shows only the fields that matter for its kind."""

    @pytest.mark.parametrize(
        ("measure", "text"),
        [
            (measures.percent(), "Measure(kind='ratio', scale=100.0, bounded=True)"),
            (measures.count(), "Measure(kind='count')"),
            (measures.score(0, 10), "Measure(kind='score', minimum=0.0, maximum=10.0)"),
        ],
    )
    def test_repr(self, measure: Measure, text: str) -> None:
        """The repr is short and readable."""
        assert repr(measure) == text


class TestValidation:
    """Invalid measures raise DefinitionError naming what is wrong."""

    @pytest.mark.parametrize(
        ("args", "kwargs", "message"),
        [
            (("x",), {}, "unknown measure kind 'x'; expected one of ratio, count, score"),
            (("ratio",), {}, "a ratio needs a positive, finite scale; got None"),
            (("ratio",), {"scale": 0.0}, "a ratio needs a positive, finite scale; got 0.0"),
            (("ratio",), {"scale": -1.0}, "a ratio needs a positive, finite scale; got -1.0"),
            (("ratio",), {"scale": math.inf}, "a ratio needs a positive, finite scale; got inf"),
            (("ratio",), {"scale": math.nan}, "a ratio needs a positive, finite scale; got nan"),
            (("count",), {"scale": 100.0}, "only a ratio has a scale; got scale=100.0 for a count"),
            (("score",), {"minimum": 0.0}, "give both minimum and maximum of a score, or neither"),
            (
                ("count",),
                {"minimum": 0.0, "maximum": 1.0},
                "only a score has minimum and maximum; got them for a count",
            ),
            (
                ("score",),
                {"minimum": 0.0, "maximum": math.inf, "bounded": True},
                "score bounds must be finite",
            ),
            (
                ("score",),
                {"minimum": 1.0, "maximum": 1.0, "bounded": True},
                "score minimum must be below its maximum: 1.0 >= 1.0",
            ),
            (
                ("count",),
                {"bounded": True},
                "only a ratio or a score can be bounded; got bounded=True for a count",
            ),
            (
                ("score",),
                {"bounded": True},
                "a score is bounded exactly when it has a minimum and a maximum",
            ),
            (
                ("score",),
                {"minimum": 0.0, "maximum": 1.0},
                "a score is bounded exactly when it has a minimum and a maximum",
            ),
        ],
    )
    def test_invalid_measure(
        self, args: tuple[str], kwargs: dict[str, object], message: str
    ) -> None:
        """Each inconsistent combination of fields is rejected with its own message."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Measure(*args, **kwargs)  # type: ignore[arg-type]

    def test_score_with_one_bound_from_factory(self) -> None:
        """score() with only a minimum is rejected."""
        with pytest.raises(DefinitionError, match="give both minimum and maximum"):
            measures.score(minimum=0)

    def test_reversed_score_bounds_from_factory(self) -> None:
        """score(10, 0) is rejected: the minimum must be below the maximum."""
        with pytest.raises(
            DefinitionError, match=re.escape("score minimum must be below its maximum: 10.0 >= 0.0")
        ):
            measures.score(10, 0)


class TestSerialisation:
    """to_dict / from_dict round-trip every measure; from_dict rejects bad input."""

    @pytest.mark.parametrize("measure", ALL_MEASURES, ids=repr)
    def test_dict_roundtrip_is_lossless(self, measure: Measure) -> None:
        """from_dict(to_dict(m)) == m for every kind of measure."""
        assert Measure.from_dict(measure.to_dict()) == measure

    def test_to_dict_of_percent(self) -> None:
        """A percent is written with the word the CLI and the docs use, and nothing else."""
        assert measures.percent().to_dict() == {"kind": "percent"}

    def test_to_dict_of_bounded_ratio_of_100(self) -> None:
        """ratio(100, bounded=True) is the percent, so it is written as one."""
        assert measures.ratio(100, bounded=True).to_dict() == {"kind": "percent"}

    @pytest.mark.parametrize(
        ("measure", "written"),
        [
            (measures.ratio(100), {"kind": "ratio", "scale": 100.0, "bounded": False}),
            (measures.ratio(10, bounded=True), {"kind": "ratio", "scale": 10.0, "bounded": True}),
            (measures.ratio(1000), {"kind": "ratio", "scale": 1000.0, "bounded": False}),
        ],
        ids=repr,
    )
    def test_to_dict_of_ratio_that_is_not_a_percent(
        self, measure: Measure, written: dict[str, object]
    ) -> None:
        """Any other ratio, the unbounded one per 100 too, keeps its scale and bound."""
        assert measure.to_dict() == written

    def test_to_dict_of_score(self) -> None:
        """A bounded score serialises its bounds."""
        assert measures.score(0, 10).to_dict() == {"kind": "score", "minimum": 0.0, "maximum": 10.0}

    def test_to_dict_of_count(self) -> None:
        """A count serialises only its kind."""
        assert measures.count().to_dict() == {"kind": "count"}

    def test_ratio_defaults_to_scale_100_unbounded(self) -> None:
        """A ratio without scale reads as scale 100, unbounded."""
        assert Measure.from_dict({"kind": "ratio"}) == measures.ratio(100)

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "percent"},
            {"kind": "ratio", "scale": 100, "bounded": True},
            {"kind": "ratio", "scale": 100.0, "bounded": True},
            {"kind": "percent", "scale": 100},
            {"kind": "percent", "bounded": True},
            {"kind": "percent", "scale": 100.0, "bounded": True},
        ],
        ids=repr,
    )
    def test_percent_and_old_spelling_read_alike(self, data: dict[str, object]) -> None:
        """'percent' and 'ratio' with scale 100, bounded, read as the same measure, percent()."""
        m = Measure.from_dict(data)
        assert m == measures.percent()
        assert m.is_percent
        assert m.to_dict() == {"kind": "percent"}

    @pytest.mark.parametrize("measure", ALL_MEASURES, ids=repr)
    def test_written_form_is_a_fixed_point(self, measure: Measure) -> None:
        """Reading what to_dict wrote and writing it again gives the same dictionary."""
        written = measure.to_dict()
        assert Measure.from_dict(written).to_dict() == written

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"kind": "x"}, "unknown measure kind 'x'; expected one of percent, ratio, count"),
            ({}, "unknown measure kind None"),
            ({"kind": "Percent"}, "unknown measure kind 'Percent'"),
            ({"kind": "ratio", "scale": "100"}, "a measure's 'scale' must be a number, got '100'"),
            ({"kind": "ratio", "scale": True}, "a measure's 'scale' must be a number, got True"),
            ({"kind": "ratio", "scale": -1}, "a ratio needs a positive, finite scale; got -1.0"),
            ({"kind": "ratio", "bounded": "yes"}, "a measure's 'bounded' must be true or false"),
            ({"kind": "ratio", "bounded": 1}, "a measure's 'bounded' must be true or false, got 1"),
            ({"kind": "ratio", "scael": 1000}, "unknown keys ['scael'] in a measure"),
            ({"kind": "count", "unit": "%"}, "unknown keys ['unit'] in a measure"),
            ({"kind": "count", "scale": 1}, "only a ratio has a scale; got scale=1.0 for a count"),
            ({"kind": "rank", "bounded": True}, "only a ratio or a score can be bounded"),
            (
                {"kind": "ratio", "scale": 10, "minimum": 0, "maximum": 10},
                "only a score has minimum and maximum; got them for a ratio",
            ),
            ({"kind": "score", "minimum": 0}, "give both minimum and maximum"),
            (
                {"kind": "score", "minimum": "0", "maximum": 1},
                "'minimum' must be a number, got '0'",
            ),
            (
                {"kind": "score", "scale": 10},
                "only a ratio has a scale; got scale=10.0 for a score",
            ),
            (
                {"kind": "score", "bounded": True},
                "a score is bounded exactly when it has a minimum",
            ),
            (
                {"kind": "score", "minimum": 0, "maximum": 1, "bounded": False},
                "a score is bounded exactly when it has a minimum",
            ),
        ],
    )
    def test_from_dict_rejects(self, data: dict[str, object], message: str) -> None:
        """Bad dictionaries raise DefinitionError naming the bad key or value."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Measure.from_dict(data)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            # scale 1000 is not 100: the message names the key and gives the ratio to write
            (
                {"kind": "percent", "scale": 1000},
                "a percent's 'scale' is 100, got 1000; "
                'for another scale write {"kind": "ratio", "scale": 1000}',
            ),
            (
                {"kind": "percent", "scale": 1.0},
                "a percent's 'scale' is 100, got 1.0; "
                'for another scale write {"kind": "ratio", "scale": 1.0}',
            ),
            (
                {"kind": "percent", "bounded": False},
                "a percent is bounded to 0-100, so its 'bounded' is true, got false; "
                'for a ratio per 100 that may exceed 100 write {"kind": "ratio", "scale": 100}',
            ),
            (
                {"kind": "percent", "minimum": 0, "maximum": 100},
                "a percent has no 'minimum': it lies in 0-100; for other bounds use a score",
            ),
            (
                {"kind": "percent", "maximum": 100},
                "a percent has no 'maximum': it lies in 0-100; for other bounds use a score",
            ),
            (
                {"kind": "percent", "scale": "100"},
                "a measure's 'scale' must be a number, got '100'",
            ),
            (
                {"kind": "percent", "bounded": None},
                "a measure's 'bounded' must be true or false, got None",
            ),
        ],
    )
    def test_percent_with_other_keys_rejected(self, data: dict[str, object], message: str) -> None:
        """A percent whose other keys say something else is refused, naming the key."""
        with pytest.raises(DefinitionError) as info:
            Measure.from_dict(data)
        assert str(info.value) == message

    def test_measure_is_a_mapping(self) -> None:
        """A measure given as text (the CLI's spelling) is refused: JSON needs an object."""
        with pytest.raises(DefinitionError, match="a measure is a mapping with a 'kind'"):
            Measure.from_dict("percent")  # type: ignore[arg-type]

    def test_constructor_points_percent_to_its_factory(self) -> None:
        """Measure('percent') says a percent is built with measures.percent()."""
        with pytest.raises(DefinitionError, match=re.escape("measures.percent()")):
            Measure("percent")  # type: ignore[arg-type]


_VALUES = st.sampled_from([None, 0, 1, 10, 100, 100.0, 1000, -1, True, False, "100"])
_DICTS = st.fixed_dictionaries(
    {"kind": st.sampled_from([*JSON_KINDS, "pct"])},
    optional=dict.fromkeys(("scale", "bounded", "minimum", "maximum"), _VALUES),
)


def _reads(data: dict[str, object]) -> bool:
    try:
        Measure.from_dict(data)
    except DefinitionError:
        return False
    return True


class TestSchema:
    """The plan schema's measure accepts what Measure.from_dict reads, and only that."""

    def _valid(self, data: dict[str, object]) -> bool:
        doc = {
            "schema_version": 1,
            "code": "p",
            "indicators": [{"code": "x", "name": "X", "measure": data}],
        }
        return not list(jsonschema.Draft202012Validator(schema()).iter_errors(doc))

    @pytest.mark.parametrize("measure", ALL_MEASURES, ids=repr)
    def test_what_to_dict_writes_is_valid(self, measure: Measure) -> None:
        """Every measure as to_dict writes it is valid under the plan schema."""
        assert self._valid(measure.to_dict())

    @pytest.mark.parametrize(
        ("data", "valid"),
        [
            ({"kind": "percent"}, True),
            ({"kind": "ratio", "scale": 100, "bounded": True}, True),
            ({"kind": "percent", "scale": 100, "bounded": True}, True),
            ({"kind": "percent", "scale": 1000}, False),
            ({"kind": "percent", "bounded": False}, False),
            ({"kind": "percent", "minimum": 0, "maximum": 100}, False),
            ({"kind": "count", "scale": 1}, False),
            ({"kind": "score", "minimum": 0}, False),
            ({"kind": "ratio", "scael": 100}, False),
        ],
        ids=repr,
    )
    def test_schema_cases(self, data: dict[str, object], valid: bool) -> None:
        """The schema accepts the percent in both spellings and refuses the bad combinations."""
        assert self._valid(data) is valid
        assert _reads(data) is valid

    @given(_DICTS)
    def test_schema_agrees_with_from_dict(self, data: dict[str, object]) -> None:
        """A measure is valid under the schema exactly when from_dict reads it."""
        lo, hi = data.get("minimum"), data.get("maximum")
        both_numbers = all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi)
        )
        if both_numbers and "minimum" in data and "maximum" in data:
            # the one rule a schema cannot say: minimum below maximum
            assert isinstance(lo, (int, float))
            assert isinstance(hi, (int, float))
            if lo >= hi:
                return
        assert self._valid(data) is _reads(data)


class TestValueObject:
    """Measures are frozen, comparable and picklable."""

    def test_frozen(self) -> None:
        """A measure cannot be changed in place."""
        m = measures.percent()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            m.scale = 1.0  # type: ignore[misc]

    @pytest.mark.parametrize("measure", ALL_MEASURES, ids=repr)
    def test_pickle_roundtrip(self, measure: Measure) -> None:
        """A measure pickles to an equal measure."""
        assert pickle.loads(pickle.dumps(measure)) == measure

    def test_equality(self) -> None:
        """Measures compare by value."""
        assert measures.ratio(100, bounded=True) == measures.percent()
        assert measures.ratio(100) != measures.percent()
