"""Observations and Responses in and out of data frames: pandas, polars and pyarrow (issue 14 §2)."""

from __future__ import annotations

from typing import Any

import pytest

from cchc_indicators.composite import Observations
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, InvalidDataError
from cchc_indicators.datasets import vinh_phuc_units
from cchc_indicators.survey import Responses

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

LIBRARIES = ["pandas", "polars", "arrow"]

OBS = [
    {"indicator": "online", "unit": "26", "period": "2024", "value": 71.5},
    {"indicator": "online", "unit": "01", "period": "2024", "value": None},
    {"indicator": "staff", "unit": "26", "period": "2024", "value": 3.0},
]
ANSWERS = [
    {"respondent": "1", "unit": "08707", "question": "q1", "answer": 4, "weight": 1.5},
    {"respondent": "1", "unit": "08707", "question": "q2", "answer": 5, "weight": 1.5},
    {"respondent": "2", "unit": "08710", "question": "q1", "answer": 2, "weight": 0.5},
]


class TestObservations:
    """Observations.from_frame reads what to_frame writes, in every library."""

    @pytest.mark.parametrize("library", LIBRARIES)
    def test_to_frame_then_from_frame_is_the_identity(self, library: str) -> None:
        """The same records back, with the missing value still missing."""
        obs = Observations.from_records(OBS)
        back = Observations.from_frame(obs.to_frame(library))
        assert back.to_records() == obs.to_records()

    def test_numbers_as_codes_are_read_as_text(self) -> None:
        """Integer units and float years become the codes '26' and '2024'."""
        frame = pd.DataFrame({"indicator": ["a"], "unit": [26], "period": [2024.0], "value": [1.0]})
        obs = Observations.from_frame(frame)
        assert (obs.units, obs.periods) == (("26",), ("2024",))

    def test_a_text_value_column_is_refused(self) -> None:
        """A value column of text is not numeric: a typed error naming it."""
        frame = pd.DataFrame({"indicator": ["a"], "unit": ["26"], "value": ["x"]})
        with pytest.raises(InvalidDataError) as info:
            Observations.from_frame(frame)
        assert str(info.value).startswith(
            "<frame>: 1 problem\n  field 'value': column 'value' is not numeric ("
        )

    def test_a_missing_column_and_an_empty_code_are_refused(self) -> None:
        """The checks of from_records apply, rows counted from 0."""
        with pytest.raises(InvalidDataError) as info:
            Observations.from_frame(pd.DataFrame({"indicator": ["a"], "value": [1.0]}))
        assert info.value.kinds == ("missing_column",)
        frame = pl.DataFrame({"indicator": ["a", None], "unit": ["26", "26"], "value": [1.0, 2.0]})
        with pytest.raises(InvalidDataError) as info:
            Observations.from_frame(frame)
        assert (
            str(info.value)
            == "<frame>: 1 problem\n  row 1, field 'indicator': 'indicator' is empty"
        )

    @pytest.mark.parametrize("frame", [None, [1, 2], {"indicator": ["a"]}])
    def test_something_else_than_a_frame_is_a_type_error(self, frame: Any) -> None:
        """Lists and dicts are not data frames."""
        with pytest.raises(ArgumentTypeError) as info:
            Observations.from_frame(frame)
        assert str(info.value).startswith("Observations.from_frame: 'frame' must be a data frame")

    def test_to_frame_of_another_library_is_a_definition_error(self) -> None:
        """library must be pandas, polars or arrow."""
        with pytest.raises(DefinitionError) as info:
            Observations.from_records(OBS).to_frame("excel")
        assert str(info.value) == (
            "Observations.to_frame: library must be 'pandas', 'polars' or 'arrow', got 'excel'"
        )


class TestResponses:
    """Responses.from_frame reads what to_frame writes, in every library."""

    @pytest.mark.parametrize("library", LIBRARIES)
    def test_to_frame_then_from_frame_is_the_identity(self, library: str) -> None:
        """The same answers, units, weights back."""
        units = vinh_phuc_units()
        resp = Responses.from_records(ANSWERS, units, scale="1-5")
        back = Responses.from_frame(resp.to_frame(library), units, scale="1-5")
        assert back.to_records() == resp.to_records()

    def test_integer_respondents_and_a_null_answer(self) -> None:
        """Respondent numbers are codes; a null answer is missing, and refused as such."""
        frame = pa.table(
            {
                "respondent": [1, 2],
                "unit": ["08707", "08707"],
                "question": ["q1", "q1"],
                "answer": pa.array([4, None], type=pa.int64()),
            }
        )
        with pytest.raises(InvalidDataError) as info:
            Responses.from_frame(frame, vinh_phuc_units(), scale="1-5")
        assert str(info.value) == (
            "<frame>: 1 problem\n  row 1, field 'answer': the answer is empty; leave out the "
            "row of a question not answered"
        )

    def test_a_missing_column_is_refused(self) -> None:
        """answer is required."""
        frame = pd.DataFrame({"respondent": ["1"], "unit": ["08707"], "question": ["q1"]})
        with pytest.raises(InvalidDataError) as info:
            Responses.from_frame(frame, vinh_phuc_units(), scale="1-5")
        assert info.value.kinds == ("missing_column",)

    def test_something_else_than_a_frame_is_a_type_error(self) -> None:
        """A list of records is not a frame (from_records reads it)."""
        with pytest.raises(ArgumentTypeError):
            Responses.from_frame(ANSWERS, vinh_phuc_units(), scale="1-5")
