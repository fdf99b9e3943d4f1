"""Tests of cchc_indicators.survey: microdata validation, shares, intervals, targets met with confidence."""

from __future__ import annotations

import math
import pickle
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    InvalidDataError,
    UnknownLevelError,
    UnknownUnitError,
    at_least,
    at_most,
    evaluate,
    rollup,
)
from cchc_indicators.core.errors import ArgumentTypeError
from cchc_indicators.core.plan import Plan
from cchc_indicators.datasets import SYNTHETIC_NOTE, vinh_phuc_units
from cchc_indicators.survey import (
    CONFIDENCE_STATUSES,
    INTERVAL_METHODS,
    OVERALL,
    RECORD_KEYS,
    Elements,
    Responses,
    Scale,
    SurveyResult,
    confidence_status,
    kish_effective_size,
    min_sample_size,
    satisfaction,
    synthetic_survey,
    wilson_interval,
    with_confidence,
)

Record = dict[str, Any]
Z95 = 1.959963984540054

#: Province P with communes A and B, and commune C under district D (three levels).
UNITS = [
    {"code": "P", "name": "Province", "level": "province"},
    {"code": "D", "name": "District", "level": "district", "parent": "P"},
    {"code": "E", "name": "Other district", "level": "district", "parent": "P"},
    {"code": "A", "name": "Commune A", "level": "commune", "parent": "D"},
    {"code": "B", "name": "Commune B", "level": "commune", "parent": "D"},
    {"code": "C", "name": "Commune C", "level": "commune", "parent": "E"},
]


@pytest.fixture(scope="module")
def h() -> Hierarchy:
    """Three levels: P > D > (A, B) and P > E > C."""
    return Hierarchy.from_records(UNITS)


def answers(unit: str, values: Sequence[int], question: str = "q1", **extra: Any) -> list[Record]:
    """One answer per respondent ``unit-0``, ``unit-1``, ... to ``question``."""
    return [
        {"respondent": f"{unit}-{i}", "unit": unit, "question": question, "answer": a, **extra}
        for i, a in enumerate(values)
    ]


def wilson_by_hand(x: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The textbook formula, in percent, written independently of the module."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


# --------------------------------------------------------------------------- definitions


class TestScale:
    def test_parse_accepts_dash_and_dots(self) -> None:
        """'1-5', '1..5' and ' 0 - 10 ' are scales; a Scale passes through."""
        assert Scale.parse("1-5") == Scale(1, 5)
        assert Scale.parse("1..5") == Scale(1, 5)
        assert Scale.parse(" 0 - 10 ") == Scale(0, 10)
        assert Scale.parse(Scale(1, 7)) is not None

    def test_values_size_and_text(self) -> None:
        """A scale lists its answers, counts them and prints as low-high."""
        s = Scale(1, 5)
        assert (s.values, s.size, str(s)) == ((1, 2, 3, 4, 5), 5, "1-5")

    @pytest.mark.parametrize("text", ["five", "1-", "1,5", "a-b", ""])
    def test_parse_rejects_malformed_text(self, text: str) -> None:
        """Text that is not two whole numbers joined by - or .. is a definition error."""
        with pytest.raises(DefinitionError, match="a scale is written low-high"):
            Scale.parse(text)

    @pytest.mark.parametrize(("low", "high"), [(5, 1), (3, 3)])
    def test_low_must_be_below_high(self, low: int, high: int) -> None:
        """A scale runs upwards."""
        with pytest.raises(DefinitionError, match="from a low end to a higher one"):
            Scale(low, high)

    @pytest.mark.parametrize("end", [1.5, "1", True])
    def test_ends_are_whole_numbers(self, end: Any) -> None:
        """Floats, text and booleans are not scale ends."""
        with pytest.raises(DefinitionError, match="whole numbers"):
            Scale(end, 5)

    def test_pickles(self) -> None:
        """A scale survives pickling."""
        assert pickle.loads(pickle.dumps(Scale(1, 5))) == Scale(1, 5)


class TestElements:
    def test_mapping_and_lookup(self) -> None:
        """Elements keep their order; each question knows its element."""
        e = Elements({"access": ["q1", "q2"], "results": ["q3"]})
        assert e.names == ("access", "results")
        assert e.questions == ("q1", "q2", "q3")
        assert (e.element_of("q2"), e.element_of("q9")) == ("access", None)

    def test_records_round_trip(self) -> None:
        """to_records and from_records are inverse."""
        e = Elements({"access": ["q1", "q2"], "results": ["q3"]})
        assert Elements.from_records(e.to_records()) == e

    def test_csv(self, tmp_path: Path) -> None:
        """A CSV file with element,question columns gives the groups in order."""
        p = tmp_path / "e.csv"
        p.write_text("question,element\nq2,b\nq1,a\nq3,b\n", encoding="utf-8")
        assert Elements.from_csv(p).groups == (("b", ("q2", "q3")), ("a", ("q1",)))

    @pytest.mark.parametrize(
        ("groups", "message"),
        [
            ({}, "at least one element"),
            ({"a": ["q1"], "b": ["q1"]}, "question 'q1' is in elements 'a' and 'b'"),
            ({"a": ["q1", "q1"]}, "question 'q1' is in elements 'a' and 'a'"),
            ({OVERALL: ["q1"]}, "other than '' and 'overall'"),
            ({"": ["q1"]}, "other than '' and 'overall'"),
            ({"a": []}, "needs at least one question"),
            ({"a": ["q1", ""]}, "needs at least one question"),
        ],
    )
    def test_invalid_groups(self, groups: Any, message: str) -> None:
        """Empty, overlapping or reserved groups are definition errors."""
        with pytest.raises(DefinitionError, match=message):
            Elements(groups)

    def test_names_are_distinct(self) -> None:
        """Two groups cannot share a name."""
        with pytest.raises(DefinitionError, match="must be distinct"):
            Elements([("a", ["q1"]), ("a", ["q2"])])

    def test_records_collect_every_problem_by_row(self) -> None:
        """Empty fields, a question twice and the reserved name are reported together."""
        with pytest.raises(InvalidDataError) as info:
            Elements.from_records(
                [
                    {"element": "a", "question": "q1"},
                    {"element": "", "question": "q2"},
                    {"element": "b", "question": None},
                    {"element": "b", "question": "q1"},
                    {"element": "overall", "question": "q4"},
                ],
                first_row=2,
            )
        err = info.value
        assert [(p.row, p.kind) for p in err.problems] == [
            (3, "empty_field"),
            (4, "empty_field"),
            (5, "duplicate_question"),
            (6, "reserved_name"),
        ]
        assert "question 'q1' is already in element 'a' (row 2)" in str(err)

    def test_empty_list_is_refused(self) -> None:
        """A list without any element is invalid data."""
        with pytest.raises(InvalidDataError, match="no element is defined") as info:
            Elements.from_records([])
        assert info.value.kinds == ("empty",)

    def test_csv_missing_column(self, tmp_path: Path) -> None:
        """A file without the question column names the missing column on row 1."""
        p = tmp_path / "e.csv"
        p.write_text("element,item\na,q1\n", encoding="utf-8")
        with pytest.raises(InvalidDataError, match="missing column") as info:
            Elements.from_csv(p)
        assert (info.value.problems[0].row, info.value.kinds) == (1, ("missing_column",))


# --------------------------------------------------------------------------- responses


class TestResponses:
    def test_records_round_trip(self, h: Hierarchy) -> None:
        """from_records(to_records()) gives equal responses, weights and strata included."""
        rec = answers("A", [5, 4], weight=1.5, stratum="online") + answers(
            "B", [2], weight=0.5, stratum="counter"
        )
        r = Responses.from_records(rec, h, scale="1-5")
        assert r.to_records() == rec
        assert Responses.from_records(r.to_records(), h, scale="1-5") == r

    def test_csv_round_trip(self, h: Hierarchy, tmp_path: Path) -> None:
        """to_csv writes what from_csv reads back."""
        r = Responses.from_records(answers("A", [5, 4, 1], stratum="s1"), h, scale="1-5")
        r.to_csv(tmp_path / "r.csv")
        assert Responses.from_csv(tmp_path / "r.csv", h, scale="1-5") == r

    def test_respondent_codes_may_restart_in_each_unit(self, h: Hierarchy) -> None:
        """Respondent '1' of A and respondent '1' of B are two respondents."""
        rec = [
            {"respondent": "1", "unit": "A", "question": "q1", "answer": 4},
            {"respondent": "1", "unit": "B", "question": "q1", "answer": 2},
        ]
        r = Responses.from_records(rec, h, scale="1-5")
        assert len(r.respondent_ids) == 2
        assert r.respondent_unit.tolist() == [h.position("A"), h.position("B")]

    def test_codes_and_answers_as_numbers_or_text(self, h: Hierarchy) -> None:
        """Respondent codes may be numbers; answers may be text with spaces."""
        r = Responses.from_columns(
            h,
            respondent=[1, 2],
            unit=["A", "A"],
            question=["q1", "q1"],
            answer=[" 4", "5 "],
            scale="1-5",
        )
        assert (r.respondent_ids, r.answer.tolist()) == (("1", "2"), [4, 5])

    def test_arrays_are_read_only(self, h: Hierarchy) -> None:
        """Stored arrays cannot be changed in place."""
        r = Responses.from_records(answers("A", [4]), h, scale="1-5")
        with pytest.raises(ValueError, match="read-only"):
            r.answer[0] = 1

    def test_repr_and_len(self, h: Hierarchy) -> None:
        """The repr counts answers, respondents and questions."""
        r = Responses.from_records(
            answers("A", [4, 5]) + answers("A", [3], question="q2"), h, scale="1-5"
        )
        assert len(r) == 3
        assert repr(r) == "Responses(3 answers, 2 respondents, 2 questions, scale 1-5, unweighted)"

    def test_pickles(self, h: Hierarchy) -> None:
        """Responses survive pickling."""
        r = Responses.from_records(answers("A", [4, 5], weight=2.0), h, scale="1-5")
        assert pickle.loads(pickle.dumps(r)) == r

    def test_header_only_file_gives_empty_responses(self, h: Hierarchy, tmp_path: Path) -> None:
        """A file with a header and no rows is valid and holds nothing."""
        p = tmp_path / "r.csv"
        p.write_text("respondent,unit,question,answer\n", encoding="utf-8")
        r = Responses.from_csv(p, h, scale="1-5")
        assert len(r) == 0
        assert satisfaction(r, "4,5").to_records() == []

    def test_constructor_checks_lengths(self, h: Hierarchy) -> None:
        """The constructor refuses arrays of different lengths."""
        with pytest.raises(DefinitionError, match="one length"):
            Responses(
                h, Scale(1, 5), (), ("a",), [0], [1.0], [0], ("",), [0, 0], [0], [4], [2], False
            )

    def test_columns_of_different_lengths(self, h: Hierarchy) -> None:
        """from_columns names the column that differs in length."""
        with pytest.raises(DefinitionError, match="column 'answer' has 1 rows, expected 2"):
            Responses.from_columns(
                h,
                respondent=["a", "b"],
                unit=["A", "A"],
                question=["q", "q"],
                answer=[4],
                scale="1-5",
            )


class TestResponseErrors:
    """Every validation path: the error type, its kind, its row and its message."""

    @staticmethod
    def problems(records: list[Record], h: Hierarchy, **kw: Any) -> list[tuple[int | None, str]]:
        with pytest.raises(InvalidDataError) as info:
            Responses.from_records(records, h, scale="1-5", **kw)
        return [(p.row, p.kind) for p in info.value.problems]

    def test_empty_fields(self, h: Hierarchy) -> None:
        """An empty respondent, unit or question is named by row and field."""
        rec = [
            {"respondent": "", "unit": "A", "question": "q1", "answer": 4},
            {"respondent": "r", "unit": None, "question": "q1", "answer": 4},
            {"respondent": "r", "unit": "A", "question": " ", "answer": 4},
        ]
        with pytest.raises(InvalidDataError) as info:
            Responses.from_records(rec, h, scale="1-5")
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [
            (0, "respondent", "empty_field"),
            (1, "unit", "empty_field"),
            (2, "question", "empty_field"),
        ]

    def test_unknown_unit(self, h: Hierarchy) -> None:
        """A unit code not in the hierarchy is refused with its code."""
        with pytest.raises(InvalidDataError, match="unknown unit 'Z'") as info:
            Responses.from_records(answers("Z", [4]), h, scale="1-5")
        assert info.value.kinds == ("unknown_unit",)

    @pytest.mark.parametrize(
        ("answer", "kind", "message"),
        [
            (6, "answer_outside_scale", "the answer 6 is not a whole number on the scale 1-5"),
            (0, "answer_outside_scale", "the answer 0 is not"),
            (3.5, "answer_outside_scale", "the answer 3.5 is not"),
            ("4,5", "bad_answer", "the answer '4,5' is not a number"),
            ("nan", "bad_answer", "the answer 'nan' is not a number"),
            (True, "bad_answer", "the answer 'True' is not a number"),
            (None, "missing_answer", "the answer is empty"),
            ("", "missing_answer", "leave out the row of a question not answered"),
        ],
    )
    def test_bad_answers(self, h: Hierarchy, answer: Any, kind: str, message: str) -> None:
        """Answers must be whole numbers on the declared scale."""
        rec = [
            *answers("A", [4]),
            {"respondent": "x", "unit": "A", "question": "q1", "answer": answer},
        ]
        with pytest.raises(InvalidDataError, match=message) as info:
            Responses.from_records(rec, h, scale="1-5")
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [(1, "answer", kind)]

    def test_duplicate_respondent_question(self, h: Hierarchy) -> None:
        """A respondent answering a question twice is refused, naming the first row."""
        rec = [
            *answers("A", [4, 5]),
            {"respondent": "A-0", "unit": "A", "question": "q1", "answer": 2},
        ]
        with pytest.raises(InvalidDataError) as info:
            Responses.from_records(rec, h, scale="1-5", first_row=2)
        (p,) = info.value.problems
        assert (p.row, p.kind) == (4, "duplicate_answer")
        assert (
            p.message == "respondent 'A-0' of unit 'A' answers question 'q1' twice; first in row 2"
        )

    @pytest.mark.parametrize(
        ("weight", "kind", "message"),
        [
            (0, "nonpositive_weight", "a design weight must be > 0, got 0"),
            (-1.5, "nonpositive_weight", "a design weight must be > 0, got -1.5"),
            ("heavy", "bad_weight", "the weight 'heavy' is not a number"),
            (None, "missing_weight", "every answer needs its respondent's weight"),
        ],
    )
    def test_bad_weights(self, h: Hierarchy, weight: Any, kind: str, message: str) -> None:
        """With a weight column, each answer carries a positive number."""
        rec = answers("A", [4], weight=1.0) + answers("B", [4], weight=weight)
        with pytest.raises(InvalidDataError, match=message) as info:
            Responses.from_records(rec, h, scale="1-5")
        assert [(p.row, p.field, p.kind) for p in info.value.problems] == [(1, "weight", kind)]

    def test_weight_belongs_to_the_respondent(self, h: Hierarchy) -> None:
        """A respondent's weight may not change between its answers."""
        rec = answers("A", [4], weight=1.0) + answers("A", [4], question="q2", weight=2.0)
        with pytest.raises(InvalidDataError, match="has the weight 2 here but 1 in row 0") as info:
            Responses.from_records(rec, h, scale="1-5")
        assert info.value.kinds == ("weight_differs",)

    def test_stratum_belongs_to_the_respondent(self, h: Hierarchy) -> None:
        """A respondent's stratum may not change between its answers."""
        rec = answers("A", [4], stratum="s1") + answers("A", [4], question="q2", stratum="s2")
        with pytest.raises(
            InvalidDataError, match="is in stratum 's2' here but 's1' in row 0"
        ) as info:
            Responses.from_records(rec, h, scale="1-5")
        assert info.value.kinds == ("stratum_differs",)

    def test_every_problem_is_collected(self, h: Hierarchy) -> None:
        """One error lists all problems, in row order."""
        rec = [
            {"respondent": "r1", "unit": "A", "question": "q1", "answer": 9, "weight": 1},
            {"respondent": "r2", "unit": "Z", "question": "q1", "answer": 4, "weight": 1},
            {"respondent": "r3", "unit": "A", "question": "q1", "answer": 4, "weight": -2},
            {"respondent": "r1", "unit": "A", "question": "q1", "answer": 4, "weight": 1},
        ]
        assert self.problems(rec, h) == [
            (0, "answer_outside_scale"),
            (1, "unknown_unit"),
            (2, "nonpositive_weight"),
            (3, "duplicate_answer"),
        ]

    def test_csv_rows_are_spreadsheet_rows(self, h: Hierarchy, tmp_path: Path) -> None:
        """In a file, the first data row is row 2, and the file is named."""
        p = tmp_path / "r.csv"
        p.write_text("respondent,unit,question,answer\na,A,q1,4\nb,A,q1,7\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            Responses.from_csv(p, h, scale="1-5")
        assert info.value.problems[0].row == 3
        assert info.value.first_line().startswith(f"{p}: row 3, field 'answer'")

    def test_csv_text_that_is_no_number(self, h: Hierarchy, tmp_path: Path) -> None:
        """In a file, an answer or weight that is no number is named with its text."""
        p = tmp_path / "r.csv"
        p.write_text(
            "respondent,unit,question,answer,weight\na,A,q1,five,1\nb,A,q1,4,\nc,A,q1,4,inf\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidDataError) as info:
            Responses.from_csv(p, h, scale="1-5")
        assert [(p.row, p.kind) for p in info.value.problems] == [
            (2, "bad_answer"),
            (3, "missing_weight"),
            (4, "bad_weight"),
        ]
        assert "the answer 'five' is not a number" in str(info.value)
        assert "the weight 'inf' is not a number" in str(info.value)

    @pytest.mark.parametrize("column", ["unit", "answer"])
    def test_columns_must_be_flat(self, h: Hierarchy, column: str) -> None:
        """A two-dimensional column is a definition error."""
        cols: dict[str, Any] = {
            "respondent": ["a"],
            "unit": ["A"],
            "question": ["q1"],
            "answer": [4],
        }
        cols[column] = np.array([cols[column]])
        cols[column] = cols[column].T
        with pytest.raises(DefinitionError, match="a column is a sequence of 1 values"):
            Responses.from_columns(h, **cols, scale="1-5")

    def test_csv_missing_column(self, h: Hierarchy, tmp_path: Path) -> None:
        """A file without an answer column names the missing column on row 1."""
        p = tmp_path / "r.csv"
        p.write_text("respondent,unit,question,score\na,A,q1,4\n", encoding="utf-8")
        with pytest.raises(InvalidDataError, match=r"missing column\(s\) answer") as info:
            Responses.from_csv(p, h, scale="1-5")
        assert (info.value.problems[0].row, info.value.kinds) == (1, ("missing_column",))

    def test_csv_not_utf8(self, h: Hierarchy, tmp_path: Path) -> None:
        """A file that is not UTF-8 is invalid data, not a crash."""
        p = tmp_path / "r.csv"
        p.write_bytes(b"respondent,unit,question,answer\nPh\xf9\xf5ng,A,q1,4\n")
        with pytest.raises(InvalidDataError, match="not UTF-8"):
            Responses.from_csv(p, h, scale="1-5")

    def test_many_problems_are_cut(self, h: Hierarchy) -> None:
        """Beyond the limit, the error says how many problems were not listed."""
        rec = answers("A", [9] * 1005)
        with pytest.raises(InvalidDataError) as info:
            Responses.from_records(rec, h, scale="1-5")
        assert info.value.problems[-1].kind == "truncated"
        assert "5 more problems not listed" in info.value.problems[-1].message

    def test_bad_scale(self, h: Hierarchy) -> None:
        """A malformed scale is a definition error before any data is read."""
        with pytest.raises(DefinitionError, match="a scale is written"):
            Responses.from_records(answers("A", [4]), h, scale="Likert")


# --------------------------------------------------------------------------- intervals


class TestWilsonInterval:
    @pytest.mark.parametrize(
        ("x", "n", "lower", "upper"),
        [  # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score)
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ],
    )
    def test_published_values(self, x: int, n: int, lower: float, upper: float) -> None:
        """The 95 % interval matches Newcombe's (1998) worked examples to four decimals."""
        lo, hi = wilson_interval(100 * x / n, n)
        assert round(float(lo) / 100, 4) == lower
        assert round(float(hi) / 100, 4) == upper

    def test_matches_the_formula_at_other_levels(self) -> None:
        """At 90 % and 99 % the bounds follow the textbook formula."""
        for conf, z in ((0.90, 1.6448536269514722), (0.99, 2.5758293035489004)):
            lo, hi = wilson_interval(100 * 23 / 60, 60, conf)
            assert (float(lo), float(hi)) == pytest.approx(wilson_by_hand(23, 60, z), rel=1e-12)

    def test_no_trials_gives_nan(self) -> None:
        """With n = 0 there is no interval, never 0 or 100."""
        lo, hi = wilson_interval([50.0, 50.0], [0, 10])
        assert np.isnan(lo[0])
        assert np.isnan(hi[0])
        assert not np.isnan(lo[1])

    @pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, True, "0.95", None])
    def test_confidence_level_is_checked(self, confidence: Any) -> None:
        """The confidence level is a number strictly between 0 and 1."""
        with pytest.raises(DefinitionError, match="confidence level"):
            wilson_interval(50, 10, confidence)

    @pytest.mark.parametrize(
        ("share", "n", "message"),
        [
            (-1, 3, "wilson_interval: 'share' must be a percent between 0 and 100, got -1"),
            (150, 10, "wilson_interval: 'share' must be a percent between 0 and 100, got 150"),
            (
                [50, 101],
                10,
                "wilson_interval: 'share' must be a percent between 0 and 100, got 101 (position 1)",
            ),
            (50, -1, "wilson_interval: 'n' must be a number of trials >= 0, got -1"),
            (50, math.inf, "wilson_interval: 'n' must be a number of trials >= 0, got inf"),
        ],
    )
    def test_share_and_n_are_checked(self, share: Any, n: Any, message: str) -> None:
        """A share outside [0, 100] or a negative or infinite n is refused, naming the value."""
        with pytest.raises(DefinitionError) as info:
            wilson_interval(share, n)
        assert str(info.value) == message

    def test_text_is_not_a_share(self) -> None:
        """A share given as text is an ArgumentTypeError (a TypeError) saying numbers are expected."""
        with pytest.raises(ArgumentTypeError) as info:
            wilson_interval("50", 10)
        assert isinstance(info.value, TypeError)
        assert str(info.value) == (
            "wilson_interval: 'share' must be a number or a sequence of numbers, got str '50'"
        )

    def test_missing_share_or_n_gives_nan(self) -> None:
        """NaN (a missing share or size) gives NaN bounds, like n = 0."""
        lo, hi = wilson_interval([np.nan, 50.0], [10, np.nan])
        assert np.isnan(lo).all()
        assert np.isnan(hi).all()

    @given(x=st.integers(0, 500), extra=st.integers(0, 500))
    def test_interval_contains_share_and_lies_in_0_100(self, x: int, extra: int) -> None:
        """Law: 0 <= lower <= share <= upper <= 100."""
        n = x + extra
        if n == 0:
            return
        share = 100 * x / n
        lo, hi = wilson_interval(share, n)
        assert 0.0 <= float(lo) <= share <= float(hi) <= 100.0

    @given(x=st.integers(0, 200), extra=st.integers(1, 200), k=st.integers(2, 20))
    def test_interval_shrinks_as_n_grows(self, x: int, extra: int, k: int) -> None:
        """Law: the same share from k times the respondents gives a strictly narrower interval."""
        n = x + extra
        share = 100 * x / n
        lo1, hi1 = wilson_interval(share, n)
        lo2, hi2 = wilson_interval(share, k * n)
        assert float(hi2 - lo2) < float(hi1 - lo1)


class TestKish:
    def test_equal_weights_give_the_count(self) -> None:
        """Equal weights, whatever their size, give n."""
        assert kish_effective_size([0.3] * 7) == pytest.approx(7.0, rel=1e-12)

    def test_formula(self) -> None:
        """(sum w)^2 / sum w^2."""
        assert kish_effective_size([1, 2, 3]) == pytest.approx(36 / 14)

    def test_no_respondent(self) -> None:
        """No weight gives 0, and so do weights that are all 0."""
        assert kish_effective_size([]) == 0.0
        assert kish_effective_size([0.0, 0.0]) == 0.0

    @pytest.mark.parametrize("weight", [1e200, 1e-300, 5e-324, 0.1, 1.7e308])
    def test_equal_weights_of_any_size_give_the_count_exactly(self, weight: float) -> None:
        """Three equal weights give exactly 3.0, whether 1e200 (whose square overflows) or 5e-324."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert kish_effective_size([weight] * 3) == 3.0

    def test_squared_weights_are_counted(self) -> None:
        """Weights 1, 1, 1, 5: (8 / 5)**2 / (3 / 25 + 1) = 2.56 / 1.12 (kills a cube for the square)."""
        assert kish_effective_size([1.0, 1.0, 1.0, 5.0]) == pytest.approx(2.56 / 1.12, rel=1e-15)

    @given(
        st.lists(st.floats(0.01, 100.0), min_size=1, max_size=20),
        st.floats(1e-300, 1e-200) | st.floats(1e200, 1e300),
    )
    def test_kish_does_not_depend_on_scale_of_weights(
        self, weights: list[float], factor: float
    ) -> None:
        """Law: multiplying every weight by one factor, huge or tiny, keeps the effective size."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            scaled = kish_effective_size([w * factor for w in weights])
        assert scaled == pytest.approx(kish_effective_size(weights), rel=1e-12)

    @pytest.mark.parametrize(
        ("weights", "message"),
        [
            ([1.0, -1.0], "got -1 (position 1)"),
            ([1.0, math.nan], "got nan (position 1)"),
            ([math.inf], "got inf (position 0)"),
        ],
    )
    def test_bad_weights_are_refused(self, weights: list[float], message: str) -> None:
        """A negative, NaN or infinite weight is a DefinitionError naming it."""
        with pytest.raises(DefinitionError) as info:
            kish_effective_size(weights)
        assert (
            str(info.value) == f"kish_effective_size: 'weights' must be finite and >= 0, {message}"
        )


class TestConfidenceStatus:
    def test_at_least(self) -> None:
        """Lower bound meets the threshold: achieved; upper below: not achieved; else inconclusive."""
        got = confidence_status([90.0, 88.0, 85.0, 85.0], [95.0, 93.0, 89.9, 90.0], 90.0)
        assert got.tolist() == ["achieved", "inconclusive", "not_achieved", "inconclusive"]

    def test_at_most(self) -> None:
        """For a maximum the roles of the bounds swap."""
        got = confidence_status(
            [1.0, 2.0, 3.1, 2.0], [3.0, 4.0, 5.0, 3.0], 3.0, higher_is_better=False
        )
        assert got.tolist() == ["achieved", "inconclusive", "not_achieved", "achieved"]

    def test_mixed_directions_broadcast(self) -> None:
        """Thresholds and directions may differ per element."""
        got = confidence_status([91.0, 91.0], [95.0, 95.0], [90.0, 90.0], [True, False])
        assert got.tolist() == ["achieved", "not_achieved"]

    def test_lower_above_upper_is_refused(self) -> None:
        """Bounds in the wrong order are an error, not 'achieved' (95 to 85 against 90)."""
        with pytest.raises(DefinitionError) as info:
            confidence_status(95, 85, 90)
        assert str(info.value) == (
            "confidence_status: a lower bound lies above its upper bound: 95 > 85"
        )
        with pytest.raises(DefinitionError, match=r"upper bound \(position 1\): 95 > 85"):
            confidence_status([80.0, 95.0], [90.0, 85.0], 90)

    def test_mismatched_lengths_are_refused(self) -> None:
        """Three lower bounds and two upper bounds are a DefinitionError saying what is expected."""
        with pytest.raises(DefinitionError) as info:
            confidence_status([85.0, 88.0, 91.0], [95.0, 96.0], 90)
        assert str(info.value) == (
            "confidence_status: lower, upper, threshold and higher_is_better must have one "
            "length (a single value goes with any); got lower length 3, upper length 2, "
            "threshold a single value, higher_is_better a single value"
        )

    def test_text_bounds_are_refused(self) -> None:
        """A bound given as text is an ArgumentTypeError naming the parameter."""
        with pytest.raises(ArgumentTypeError, match="confidence_status: 'upper' must be a number"):
            confidence_status(85.0, "95", 90)

    def test_missing_bounds_give_no_data(self) -> None:
        """A NaN bound or threshold gives no_data."""
        got = confidence_status([np.nan, 91.0], [np.nan, 95.0], [90.0, np.nan])
        assert got.tolist() == ["no_data", "no_data"]
        assert set(got.tolist()) <= set(CONFIDENCE_STATUSES)


class TestMinSampleSize:
    def test_hand_computed(self) -> None:
        """93 % against 90 %: (1.96*0.3 + 0.8416*0.2551)^2 / 0.03^2 = 715.97, so 716."""
        assert min_sample_size(93, 90) == 716

    def test_rates_as_shares(self) -> None:
        """rates='share': 0.95 against 0.9 is (1.96*0.3 + 0.8416*0.2179)^2 / 0.05^2 = 238.03, so 239."""
        assert min_sample_size(0.95, 0.9, rates="share") == 239 == min_sample_size(95, 90)

    def test_two_rates_below_1_percent_are_ambiguous(self) -> None:
        """0.95 and 0.9 could be shares as well as percents (284,602 as percents): refused."""
        with pytest.raises(DefinitionError) as info:
            min_sample_size(0.95, 0.9)
        assert str(info.value) == (
            "true_rate and threshold are percents, and both are below 1 (0.95 and 0.9 read as "
            "0.95 % and 0.9 %): for 95 % and 90 % write 95 and 90, or pass rates='share'"
        )
        assert min_sample_size(0.0095, 0.009, rates="share") == 284_602  # 0.95 % and 0.9 %

    def test_design_effect_multiplies(self) -> None:
        """A design effect of 2 doubles the unrounded size."""
        assert min_sample_size(85, 90, design_effect=2) == math.ceil(2 * 315.7799)

    def test_harder_when_closer(self) -> None:
        """A true rate closer to the threshold needs more respondents; more power too."""
        assert min_sample_size(91, 90) > min_sample_size(93, 90)
        assert min_sample_size(93, 90, power=0.9) > min_sample_size(93, 90)
        assert min_sample_size(93, 90, confidence=0.99) > min_sample_size(93, 90)

    def test_power_is_reached(self) -> None:
        """Simulated surveys of that size are judged achieved about `power` of the time."""
        n = min_sample_size(93, 90, power=0.8)
        x = np.random.default_rng(11).binomial(n, 0.93, size=20_000)
        lo, hi = wilson_interval(100 * x / n, n)
        achieved = np.mean(confidence_status(lo, hi, 90) == "achieved")
        assert 0.77 < achieved < 0.83

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"true_rate": 90, "threshold": 90}, "cannot be told from it"),
            ({"true_rate": 100, "threshold": 90}, "true_rate is a percent strictly between"),
            ({"true_rate": 93, "threshold": 0}, "threshold is a percent strictly between"),
            ({"true_rate": "93", "threshold": 90}, "true_rate is a percent"),
            ({"true_rate": 93, "threshold": 90, "power": 1.0}, "power is a probability"),
            ({"true_rate": 93, "threshold": 90, "power": True}, "power is a probability"),
            ({"true_rate": 93, "threshold": 90, "design_effect": 0}, "design_effect is a positive"),
            ({"true_rate": 93, "threshold": 90, "design_effect": math.inf}, "design_effect"),
            ({"true_rate": 93, "threshold": 90, "confidence": 95}, "confidence level"),
            ({"true_rate": 93, "threshold": 90, "rates": "shares"}, "rates is 'percent'"),
            (
                {"true_rate": 93, "threshold": 0.9, "rates": "share"},
                r"true_rate is a share strictly between 0 and 1 \(rates='share'\), got 93",
            ),
        ],
    )
    def test_invalid_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        """Out-of-range arguments are definition errors."""
        with pytest.raises(DefinitionError, match=message):
            min_sample_size(**kwargs)


# --------------------------------------------------------------------------- measures


class TestSatisfaction:
    def test_hand_computed_question(self, h: Hierarchy) -> None:
        """8 of 10 answers in {4, 5}: share 80, Wilson interval, mean answer, at own scope."""
        r = Responses.from_records(answers("A", [5, 4, 4, 3, 5, 4, 2, 5, 4, 4]), h, scale="1-5")
        row = satisfaction(r, "4,5", scope="own").row("A", "q1")
        lo, hi = wilson_by_hand(8, 10)
        assert row["share"] == 80.0
        assert (row["lower"], row["upper"]) == pytest.approx((lo, hi), rel=1e-12)
        assert (row["n"], row["n_eff"], row["mean"], row["method"]) == (10, 10.0, 4.0, "wilson")
        assert (row["numerator"], row["denominator"], row["kind"], row["element"]) == (
            8.0,
            10.0,
            "question",
            None,
        )

    def test_satisfied_spellings_agree(self, h: Hierarchy) -> None:
        """'4,5', '4-5' and (5, 4) name the same answers."""
        r = Responses.from_records(answers("A", [5, 4, 3, 1]), h, scale="1-5")
        shares = {satisfaction(r, s).get("P", "q1") for s in ("4,5", "4-5", (5, 4), [4, 5, 5])}
        assert shares == {50.0}

    @pytest.mark.parametrize(
        ("satisfied", "message"),
        [
            ("4,6", "must lie on the scale 1-5, got 6"),
            ((0, 5), "got 0"),
            ("", "whole numbers such as"),
            ("four", "whole numbers such as"),
            ((), "at least one satisfied answer"),
            ((4.0, 5), "whole numbers, got 4.0"),
            ((True,), "whole numbers, got True"),
        ],
    )
    def test_satisfied_answers_are_checked(
        self, h: Hierarchy, satisfied: Any, message: str
    ) -> None:
        """Satisfied answers must be whole numbers on the scale."""
        r = Responses.from_records(answers("A", [4]), h, scale="1-5")
        with pytest.raises(DefinitionError, match=message):
            satisfaction(r, satisfied)

    def test_weights_too_far_apart_are_refused(self, h: Hierarchy) -> None:
        """Weights 1e-200 and 1e100 cannot be squared on one scale: a DefinitionError naming them."""
        rec = answers("A", [5, 1], weight=1e-200)[:1] + answers("B", [4], weight=1e100)
        r = Responses.from_records(rec, h, scale="1-5")
        with pytest.raises(DefinitionError) as info:
            satisfaction(r, "4,5")
        assert str(info.value) == (
            "<records>: the design weights range from 1e-200 to 1e+100, more than 2**500 "
            "(about 3e150) apart; their squares cannot be taken on one scale in floating point: "
            "check the weight column"
        )

    def test_weights_far_apart_within_the_span(self, h: Hierarchy) -> None:
        """Weights 1e-140 and 1e5 (1e145 apart) keep their intervals, as weights 1e-145 and 1 do."""

        def result(small: float, large: float) -> SurveyResult:
            rec = answers("A", [5, 1, 4], weight=small) + answers("B", [4, 2], weight=large)
            return satisfaction(
                Responses.from_records(rec, h, scale="1-5"), "4,5", elements={"e": ["q1"]}
            )

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            a, b = result(1e-140, 1e5), result(1e-145, 1.0)
        assert not np.isnan(a.lower[a.hierarchy.position("P")]).any()
        np.testing.assert_allclose(a.lower, b.lower, rtol=1e-12)
        np.testing.assert_allclose(a.n_eff, b.n_eff, rtol=1e-12)

    def test_a_single_number_is_not_a_set_of_answers(self, h: Hierarchy) -> None:
        """satisfied=4 is ambiguous (4 only, or 4 and above?): an ArgumentTypeError saying what to pass."""
        r = Responses.from_records(answers("A", [4]), h, scale="1-5")
        with pytest.raises(ArgumentTypeError) as info:
            satisfaction(r, 4)  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError)
        assert str(info.value) == (
            "satisfaction: 'satisfied' must be the answers counted as satisfied, as text such as "
            "'4,5' or '4-5' or as whole numbers such as (4, 5), got int 4"
        )

    def test_responses_must_be_responses(self) -> None:
        """A file name where the responses belong is an ArgumentTypeError saying how to read them."""
        with pytest.raises(ArgumentTypeError) as info:
            satisfaction("survey.csv", "4,5")  # type: ignore[arg-type]
        assert str(info.value) == (
            "satisfaction: 'responses' must be a Responses (read one with Responses.from_csv or "
            "Responses.from_records), got str 'survey.csv'"
        )

    def test_scopes(self, h: Hierarchy) -> None:
        """own, tier and territory pool the respondents each names."""
        rec = (
            answers("A", [5, 5, 1, 1])
            + answers("B", [5, 1])
            + answers("C", [5])
            + answers("P", [1, 1, 1])
        )
        r = Responses.from_records(rec, h, scale="1-5")
        own = satisfaction(r, "4,5", scope="own")
        assert [own.get(u, "q1") for u in "PABC"] == [0.0, 50.0, 50.0, 100.0]
        assert math.isnan(own.get("D", "q1"))
        tier = satisfaction(r, "4,5", scope="tier:commune")
        assert (tier.get("P", "q1"), tier.get("D", "q1"), tier.get("E", "q1")) == (
            400 / 7,
            50.0,
            100.0,
        )
        assert tier.get("A", "q1") == 50.0
        terr = satisfaction(r, "4,5", scope="territory")
        assert (terr.get("P", "q1"), terr.row("P", "q1")["n"]) == (40.0, 10)
        assert terr.row("P", "q1")["scope"] == "territory"

    def test_tier_below_a_unit_is_empty(self, h: Hierarchy) -> None:
        """With tier:district a commune's scope is empty, and the province pools districts only."""
        r = Responses.from_records(answers("A", [5]) + answers("D", [5, 1]), h, scale="1-5")
        res = satisfaction(r, "4,5", scope="tier:district")
        assert res.row("A", "q1")["n"] == 0
        assert math.isnan(res.get("A", "q1"))
        assert (res.get("P", "q1"), res.get("D", "q1"), res.row("P", "q1")["n"]) == (50.0, 50.0, 2)

    def test_unknown_scope_level(self, h: Hierarchy) -> None:
        """A tier scope on a level the units lack is refused."""
        r = Responses.from_records(answers("A", [5]), h, scale="1-5")
        with pytest.raises(UnknownLevelError):
            satisfaction(r, "4,5", scope="tier:ward")

    def test_weighted_share_and_kish(self, h: Hierarchy) -> None:
        """Weighted share = sum w*sat / sum w; n_eff is Kish's; method wilson_kish."""
        rec = [
            {"respondent": str(i), "unit": "A", "question": "q1", "answer": a, "weight": w}
            for i, (a, w) in enumerate([(5, 1.0), (4, 2.0), (1, 3.0), (2, 4.0)])
        ]
        r = Responses.from_records(rec, h, scale="1-5")
        row = satisfaction(r, "4,5").row("A", "q1")
        n_eff = 100 / 30
        lo, hi = wilson_by_hand(0.3 * n_eff, n_eff)
        assert row["share"] == pytest.approx(30.0)
        assert row["n_eff"] == pytest.approx(n_eff)
        assert (row["lower"], row["upper"]) == pytest.approx((lo, hi))
        assert (row["method"], row["mean"]) == ("wilson_kish", pytest.approx((5 + 8 + 3 + 8) / 10))
        unweighted = satisfaction(r, "4,5", weighted=False).row("A", "q1")
        assert (unweighted["share"], unweighted["method"]) == (50.0, "wilson")

    def test_weighted_needs_weights(self, h: Hierarchy) -> None:
        """weighted=True on unweighted data is a definition error."""
        r = Responses.from_records(answers("A", [5]), h, scale="1-5")
        with pytest.raises(DefinitionError, match="no weight column"):
            satisfaction(r, "4,5", weighted=True)

    @given(
        weight=st.floats(0.01, 1000), values=st.lists(st.integers(1, 5), min_size=1, max_size=30)
    )
    def test_equal_weights_equal_the_unweighted_result(
        self, weight: float, values: list[int]
    ) -> None:
        """Law: when every respondent has the same weight, shares and intervals are the unweighted ones."""
        h = Hierarchy.from_records(UNITS)
        plain = Responses.from_records(answers("A", values), h, scale="1-5")
        weighted = Responses.from_records(answers("A", values, weight=weight), h, scale="1-5")
        a = satisfaction(plain, "4,5")
        b = satisfaction(weighted, "4,5")
        for name in ("share", "lower", "upper", "n_eff", "mean"):
            np.testing.assert_allclose(
                getattr(b, name), getattr(a, name), rtol=1e-9, equal_nan=True
            )

    def test_items_records_and_result_repr(self, h: Hierarchy) -> None:
        """Records carry RECORD_KEYS; the repr names the scope and items; n of 0 is left out."""
        r = Responses.from_records(answers("A", [5, 1]), h, scale="1-5")
        res = satisfaction(r, "4,5", scope="own")
        records = res.to_records()
        assert [tuple(rec) for rec in records] == [RECORD_KEYS]
        assert res.to_records("district") == []
        assert repr(res) == "SurveyResult(scope own, 1 item, unweighted, confidence 0.95, analytic)"
        assert res.interval == "analytic"
        assert res.methods[0] in INTERVAL_METHODS

    def test_unknown_unit_and_item(self, h: Hierarchy) -> None:
        """get() names unknown units and items."""
        res = satisfaction(Responses.from_records(answers("A", [5]), h, scale="1-5"), "4,5")
        with pytest.raises(UnknownUnitError):
            res.get("Z", "q1")
        with pytest.raises(DefinitionError, match="'q9' is not an item"):
            res.get("A", "q9")

    def test_result_arrays_are_read_only(self, h: Hierarchy) -> None:
        """Result arrays cannot be changed in place."""
        res = satisfaction(Responses.from_records(answers("A", [5]), h, scale="1-5"), "4,5")
        with pytest.raises(ValueError, match="read-only"):
            res.share[0, 0] = 1.0

    def test_frame_and_table(self, h: Hierarchy) -> None:
        """to_frame has the record columns; the table has one line per unit and item."""
        res = satisfaction(Responses.from_records(answers("A", [5, 2]), h, scale="1-5"), "4,5")
        df = res.to_frame()
        assert list(df.columns) == list(RECORD_KEYS)
        assert len(df) == 3
        lines = res.table().splitlines()
        assert lines[0].split() == ["unit", "item", "n", "share", "lower", "upper", "method"]
        assert lines[2].startswith("Province (P)")
        assert lines[4].startswith("    Commune A (A)")
        assert len(lines) == 5

    def test_options_are_checked(self, h: Hierarchy) -> None:
        """interval, replications and confidence are checked."""
        r = Responses.from_records(answers("A", [5]), h, scale="1-5")
        with pytest.raises(DefinitionError, match="'analytic' or 'bootstrap'"):
            satisfaction(r, "4,5", interval="exact")  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="replications is a whole number >= 2"):
            satisfaction(r, "4,5", interval="bootstrap", replications=1)
        with pytest.raises(DefinitionError, match="confidence level"):
            satisfaction(r, "4,5", confidence=95)

    def test_at_confidence(self, h: Hierarchy) -> None:
        """A result at another level equals a result computed at that level."""
        r = Responses.from_records(answers("A", [5, 4, 1, 2, 5]), h, scale="1-5")
        a = satisfaction(r, "4,5").at_confidence(0.9)
        b = satisfaction(r, "4,5", confidence=0.9)
        np.testing.assert_allclose(a.lower, b.lower, equal_nan=True)
        assert a.confidence == 0.9


class TestPooling:
    @given(
        a=st.lists(st.tuples(st.integers(1, 5), st.floats(0.1, 10)), min_size=1, max_size=20),
        b=st.lists(st.tuples(st.integers(1, 5), st.floats(0.1, 10)), min_size=1, max_size=20),
        weighted=st.booleans(),
    )
    def test_pooling_two_units_equals_concatenated_responses(
        self, a: list[tuple[int, float]], b: list[tuple[int, float]], weighted: bool
    ) -> None:
        """Law: district D pooling communes A and B equals one unit holding all their respondents."""
        h = Hierarchy.from_records(UNITS)

        def rec(unit: str, rows: list[tuple[int, float]], prefix: str) -> list[Record]:
            return [
                {
                    "respondent": f"{prefix}{i}",
                    "unit": unit,
                    "question": "q1",
                    "answer": x,
                    **({"weight": w} if weighted else {}),
                }
                for i, (x, w) in enumerate(rows)
            ]

        split = Responses.from_records(rec("A", a, "a") + rec("B", b, "b"), h, scale="1-5")
        joined = Responses.from_records(rec("A", a, "a") + rec("A", b, "b"), h, scale="1-5")
        pooled = satisfaction(split, "4,5").row("D", "q1")
        single = satisfaction(joined, "4,5", scope="own").row("A", "q1")
        for key in ("n", "share", "lower", "upper", "n_eff", "mean"):
            assert pooled[key] == pytest.approx(single[key], rel=1e-9), key

    def test_panel_rollup_equals_survey_pooling(self) -> None:
        """Shares turned into ratio observations roll up to the survey's own pooled shares."""
        responses, elements = synthetic_survey(respondents=800, questions=4, elements=2, seed=4)
        own = satisfaction(responses, "4,5", elements=elements, scope="own")
        codes = {"q01": "sat_q01", "access": "sat_access"}
        defs = [Indicator(c, c) for c in codes.values()]
        panel = own.to_panel(2024, codes=codes, indicators=defs)
        for scope in ("territory", "tier:commune", "tier:district"):
            direct = satisfaction(responses, "4,5", elements=elements, scope=scope)
            for item, code in codes.items():
                got = rollup(panel, code, scope=scope).value[:, 0]
                want = direct.share[:, direct.items.index(item)]
                np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)

    def test_to_panel_overall_is_a_bare_value(self) -> None:
        """The overall index goes in as a value; the note comes along."""
        responses, elements = synthetic_survey(respondents=300, questions=2, elements=2, seed=4)
        res = satisfaction(responses, "4,5", elements=elements)
        panel = res.to_panel("2024", codes={OVERALL: "sipas"})
        assert panel.note == SYNTHETIC_NOTE
        d = panel.data_of("sipas")
        i = res.hierarchy.position("26")
        assert d.value[i, 0] == res.get("26", OVERALL)
        assert np.isnan(d.denominator[i, 0])
        assert np.count_nonzero(d.observed) == np.count_nonzero(res.n[:, -1] > 0)

    def test_to_panel_all_items_and_unknown_code(self) -> None:
        """Without codes every item goes in under its name; an unknown item is refused."""
        responses, _ = synthetic_survey(respondents=100, questions=2, elements=1, seed=4)
        res = satisfaction(responses, "4,5", scope="own")
        assert res.to_panel(2024).indicator_codes == ("q01", "q02")
        with pytest.raises(DefinitionError, match="'access' not an item"):
            res.to_panel(2024, codes={"access": "x"})


class TestElementsAndOverall:
    def test_hand_computed(self, h: Hierarchy) -> None:
        """Element share pools answers; overall is the mean of the element shares."""
        rec = (
            answers("A", [5, 1], question="q1")
            + answers("A", [5, 5], question="q2")
            + answers("A", [1, 1, 4, 4], question="q3")
        )
        r = Responses.from_records(rec, h, scale="1-5")
        res = satisfaction(r, "4,5", elements={"e1": ["q1", "q2"], "e2": ["q3"]})
        assert res.items == ("q1", "q2", "q3", "e1", "e2", OVERALL)
        assert res.kinds == ("question",) * 3 + ("element", "element", "overall")
        assert (res.get("A", "e1"), res.get("A", "e2"), res.get("A", OVERALL)) == (75.0, 50.0, 62.5)
        e1 = res.row("A", "e1")
        assert (e1["n"], e1["numerator"], e1["denominator"], e1["method"]) == (
            2,
            3.0,
            4.0,
            "wilson_design",
        )
        assert (e1["element"], e1["question"], e1["mean"]) == ("e1", None, None)
        overall = res.row("A", OVERALL)
        assert (overall["n"], overall["numerator"], overall["kind"]) == (4, None, "overall")

    def test_one_question_element_is_the_question_interval(self, h: Hierarchy) -> None:
        """Unweighted, an element of one question has the question's Wilson interval."""
        r = Responses.from_records(answers("A", [5, 1, 4, 4, 2, 5, 3]), h, scale="1-5")
        res = satisfaction(r, "4,5", elements={"e": ["q1"]})
        q, e = res.row("A", "q1"), res.row("A", "e")
        assert (e["lower"], e["upper"], e["n_eff"]) == pytest.approx(
            (q["lower"], q["upper"], q["n_eff"])
        )

    def test_design_effective_sizes_equal_the_linearised_variance_by_hand(
        self, h: Hierarchy
    ) -> None:
        """n_eff = p(1 - p) / v, v the respondent-clustered linearised variance, written out by hand.

        Six weighted respondents answer q1, q2 (element e1) and q3 (element e2),
        some skipping a question. For element e, R_e = Σ w y_e / Σ w m_e and
        z_e = w (y_e - R_e m_e) / Σ w m_e per respondent; v_e = Σ z_e**2 and the
        overall index (R_1 + R_2) / 2 has v = Σ ((z_1 + z_2) / 2)**2.
        """
        weights = [1.0, 2.0, 0.5, 3.0, 1.5, 1.0]
        sheet = [  # answers to q1, q2, q3 (None: skipped)
            (5, 5, 4),
            (1, 2, None),
            (4, 5, 2),
            (2, None, 5),
            (1, 1, 1),
            (5, 4, 5),
        ]
        rec = [
            {"respondent": f"r{i}", "unit": "A", "question": f"q{q + 1}", "answer": a, "weight": w}
            for i, (row, w) in enumerate(zip(sheet, weights, strict=True))
            for q, a in enumerate(row)
            if a is not None
        ]
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"),
            "4,5",
            elements={"e1": ["q1", "q2"], "e2": ["q3"]},
            scope="own",
        )
        groups = {"e1": (0, 1), "e2": (2,)}
        y = {
            e: [sum(1 for q in qs if row[q] in (4, 5)) for row in sheet] for e, qs in groups.items()
        }
        m = {
            e: [sum(1 for q in qs if row[q] is not None) for row in sheet]
            for e, qs in groups.items()
        }
        big_b = {e: sum(w * k for w, k in zip(weights, m[e], strict=True)) for e in groups}
        share = {
            e: sum(w * k for w, k in zip(weights, y[e], strict=True)) / big_b[e] for e in groups
        }
        z = {
            e: [
                w * (yy - share[e] * mm) / big_b[e]
                for w, yy, mm in zip(weights, y[e], m[e], strict=True)
            ]
            for e in groups
        }
        for e in groups:
            v = sum(x * x for x in z[e])
            assert res.row("A", e)["n_eff"] == pytest.approx(
                share[e] * (1 - share[e]) / v, rel=1e-12
            )
        p = (share["e1"] + share["e2"]) / 2
        v_all = sum(((a + b) / 2) ** 2 for a, b in zip(z["e1"], z["e2"], strict=True))
        overall = res.row("A", OVERALL)
        assert overall["share"] == pytest.approx(100 * p, rel=1e-12)
        assert overall["n_eff"] == pytest.approx(p * (1 - p) / v_all, rel=1e-12)
        assert overall["n_eff"] < 16  # the size is not capped at the 16 answers
        lo, hi = wilson_by_hand(p * overall["n_eff"], overall["n_eff"])
        assert (overall["lower"], overall["upper"]) == pytest.approx((lo, hi), rel=1e-12)

    def test_design_effective_size_of_two_opposite_respondents(self, h: Hierarchy) -> None:
        """Five elements of one question; r0 satisfied with all, r1 with none.

        Each element: share 1/2, z = w (y - R m) / B = +-(1 - 1/2) / 2 = +-0.25, v = 2 x 0.0625
        = 0.125, n_eff = (1/2 x 1/2) / 0.125 = 2. Overall: the mean of the z is +-0.25 again,
        so v = 0.125 and n_eff = 2, well below the 10 answers (the answers move together).
        """
        rec = [
            {"respondent": r, "unit": "A", "question": f"q{k}", "answer": a}
            for r, a in (("r0", 5), ("r1", 1))
            for k in range(5)
        ]
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"),
            "4,5",
            elements={f"e{k}": [f"q{k}"] for k in range(5)},
            scope="own",
        )
        for k in range(5):
            assert res.row("A", f"e{k}")["n_eff"] == pytest.approx(2.0, rel=1e-12)
        overall = res.row("A", OVERALL)
        assert overall["share"] == pytest.approx(50.0, rel=1e-12)
        assert overall["n_eff"] == pytest.approx(2.0, rel=1e-12)

    def test_all_satisfied_weighted_falls_back_to_kish(self, h: Hierarchy) -> None:
        """All satisfied, weights 1, 1, 2, 5: elements and overall use Kish's 9**2 / 31 = 2.6129.

        A fifth respondent (weight 7) answers only q3, which is in no element:
        it counts in no element's or the overall index's size.
        """
        rec = [
            {"respondent": f"r{i}", "unit": "A", "question": q, "answer": 5, "weight": w}
            for i, w in enumerate([1.0, 1.0, 2.0, 5.0])
            for q in ("q1", "q2")
        ] + [{"respondent": "r4", "unit": "A", "question": "q3", "answer": 5, "weight": 7.0}]
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"),
            "4,5",
            elements={"a": ["q1"], "b": ["q2"]},
        )
        for item in ("a", "b", OVERALL):
            assert res.row("A", item)["n_eff"] == pytest.approx(81 / 31, rel=1e-12), item

    def test_all_satisfied_falls_back_to_respondents(self, h: Hierarchy) -> None:
        """With every answer satisfied the design variance is 0: n_eff is the respondent count."""
        rec = answers("A", [5, 5, 5]) + answers("A", [4, 4, 4], question="q2")
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"), "4,5", elements={"e": ["q1", "q2"]}
        )
        row = res.row("A", "e")
        assert (row["share"], row["n_eff"]) == (100.0, 3.0)
        assert row["upper"] == 100.0
        assert row["lower"] == pytest.approx(wilson_by_hand(3, 3)[0])

    def test_overall_needs_every_element(self, h: Hierarchy) -> None:
        """Where an element has no answers in scope, the overall index is missing."""
        rec = answers("A", [5]) + answers("B", [4], question="q2")
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"),
            "4,5",
            elements={"a": ["q1"], "b": ["q2"]},
            scope="own",
        )
        assert math.isnan(res.get("A", OVERALL))
        assert res.row("A", OVERALL)["n"] == 1
        assert (
            satisfaction(
                Responses.from_records(rec, h, scale="1-5"),
                "4,5",
                elements={"a": ["q1"], "b": ["q2"]},
            ).get("D", OVERALL)
            == 100.0
        )

    def test_questions_outside_elements_are_kept(self, h: Hierarchy) -> None:
        """A question in no element has its own row but no part in the overall index."""
        rec = answers("A", [5, 1]) + answers("A", [1, 1], question="q2")
        res = satisfaction(
            Responses.from_records(rec, h, scale="1-5"), "4,5", elements={"e": ["q1"]}
        )
        assert (res.get("A", "q2"), res.get("A", OVERALL)) == (0.0, 50.0)

    def test_element_of_unknown_question(self, h: Hierarchy) -> None:
        """An element naming a question nobody answered is a definition error."""
        r = Responses.from_records(answers("A", [5]), h, scale="1-5")
        with pytest.raises(
            DefinitionError, match=r"names question\(s\) 'q9', which no response answers"
        ):
            satisfaction(r, "4,5", elements={"e": ["q1", "q9"]})

    def test_element_named_like_a_question(self, h: Hierarchy) -> None:
        """Element names and question codes must differ (records would be ambiguous)."""
        r = Responses.from_records(
            answers("A", [5]) + answers("A", [5], question="q2"), h, scale="1-5"
        )
        with pytest.raises(DefinitionError, match="element 'q2' has the name of a question"):
            satisfaction(r, "4,5", elements={"q2": ["q1"]})

    def test_design_interval_is_wider_than_naive(self) -> None:
        """Answers of one respondent move together: n_eff is below the number of answers."""
        responses, elements = synthetic_survey(respondents=1500, questions=8, elements=2, seed=9)
        res = satisfaction(responses, "4,5", elements=elements, weighted=False)
        row = res.row("26", "access")
        assert row["n_eff"] < 4 * row["n"]


class TestBootstrap:
    def test_seeded_and_reproducible(self) -> None:
        """The same seed gives the same bounds; another seed other bounds."""
        responses, elements = synthetic_survey(respondents=300, questions=3, elements=1, seed=2)
        a = satisfaction(
            responses, "4,5", elements=elements, interval="bootstrap", replications=100, seed=5
        )
        b = satisfaction(
            responses, "4,5", elements=elements, interval="bootstrap", replications=100, seed=5
        )
        c = satisfaction(
            responses, "4,5", elements=elements, interval="bootstrap", replications=100, seed=6
        )
        np.testing.assert_array_equal(a.lower, b.lower)
        assert not np.array_equal(a.lower, c.lower, equal_nan=True)
        assert a.interval == "bootstrap"
        assert a.seed == 5
        assert set(a.methods) == {"bootstrap_percentile"}
        assert a.replicates is not None
        assert a.replicates.shape == (
            len(a.hierarchy),
            len(a.items),
            100,
        )

    def test_bounds_are_the_quantiles_of_the_replications(self) -> None:
        """At 90 % the bounds are the 5 % and 95 % quantiles of each row of replications."""
        responses, elements = synthetic_survey(respondents=300, questions=3, elements=1, seed=2)
        res = satisfaction(
            responses,
            "4,5",
            elements=elements,
            interval="bootstrap",
            replications=101,
            seed=5,
            confidence=0.9,
        )
        assert res.replicates is not None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows of units without data
            lo, hi = np.nanquantile(res.replicates, [0.05, 0.95], axis=-1)
        np.testing.assert_allclose(res.lower, lo, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(res.upper, hi, rtol=1e-12, equal_nan=True)

    def test_large_sample_approaches_wilson(self, h: Hierarchy) -> None:
        """With 4,000 respondents the percentile bounds are within 0.4 points of Wilson's."""
        values = np.random.default_rng(3).choice(
            [1, 2, 3, 4, 5], size=4000, p=[0.05, 0.05, 0.1, 0.4, 0.4]
        )
        r = Responses.from_records(answers("A", values.tolist()), h, scale="1-5")
        wilson = satisfaction(r, "4,5").row("A", "q1")
        boot = satisfaction(r, "4,5", interval="bootstrap", replications=2000, seed=1).row(
            "A", "q1"
        )
        assert boot["lower"] == pytest.approx(wilson["lower"], abs=0.4)
        assert boot["upper"] == pytest.approx(wilson["upper"], abs=0.4)

    def test_resamples_within_unit_and_stratum(self, h: Hierarchy) -> None:
        """Cells of identical answers never change: a unit whose strata are each uniform has a fixed share."""
        rec = answers("A", [5, 5, 5], stratum="online") + [
            {
                "respondent": f"x{i}",
                "unit": "A",
                "question": "q1",
                "answer": 1,
                "stratum": "counter",
            }
            for i in range(3)
        ]
        r = Responses.from_records(rec, h, scale="1-5")
        row = satisfaction(r, "4,5", interval="bootstrap", replications=50).row("A", "q1")
        assert row["lower"] == row["upper"] == row["share"] == 50.0

    def test_at_confidence_uses_the_replications(self) -> None:
        """A bootstrap result recomputes its bounds from the stored replications."""
        responses, _ = synthetic_survey(respondents=200, questions=2, elements=1, seed=2)
        res = satisfaction(responses, "4,5", interval="bootstrap", replications=200)
        wide = res.at_confidence(0.99)
        i = res.hierarchy.position("26")
        assert wide.lower[i, 0] <= res.lower[i, 0]
        assert wide.upper[i, 0] >= res.upper[i, 0]

    def test_bootstrap_without_respondents(self, h: Hierarchy) -> None:
        """No responses give no interval (and no crash)."""
        r = Responses.from_records([], h, scale="1-5")
        res = satisfaction(r, "4,5", interval="bootstrap", replications=10)
        assert res.to_records() == []


# --------------------------------------------------------------------------- laws on random surveys

ROW = st.tuples(
    st.sampled_from("ABCP"),  # unit
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3),  # answers to q1..q3
    st.floats(0.2, 5.0),  # weight
    st.sampled_from(["s1", "s2"]),  # stratum
)


def survey_from(rows: list[tuple[str, list[int | None], float, str]], weighted: bool) -> Responses:
    h = Hierarchy.from_records(UNITS)
    rec: list[Record] = []
    for i, (unit, values, w, s) in enumerate(rows):
        for q, a in enumerate(values):
            if a is not None:
                rec.append(
                    {
                        "respondent": str(i),
                        "unit": unit,
                        "question": f"q{q + 1}",
                        "answer": a,
                        "stratum": s,
                        **({"weight": w} if weighted else {}),
                    }
                )
    return Responses.from_records(rec, h, scale="1-5")


class TestEngineKernels:
    """The array kernels behind satisfaction(), on hand-computed inputs."""

    def test_answers_are_keyed_by_respondent_and_element(self) -> None:
        """Three elements: respondent 1's element 1 and respondent 0's element 2 are two cells.

        y (satisfied) and m (answers) per respondent x element: r0 answered e2 satisfied,
        r1 answered e1 not satisfied.
        """
        from cchc_indicators.survey._stats import respondent_moments

        y, m = respondent_moments(np.array([0, 1]), np.array([2, 1]), np.array([True, False]), 2, 3)
        assert y.tolist() == [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
        assert m.tolist() == [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]

    def test_every_replication_resamples_every_respondent(self) -> None:
        """Units of 2 and 3 respondents: each of 3 replications draws 2 and 3 (a column of ones)."""
        from cchc_indicators.survey._stats import bootstrap_totals

        out = bootstrap_totals(
            np.ones((5, 1)),
            np.array([0, 0, 1, 1, 1]),
            np.array([0, 1]),
            2,
            3,
            np.random.default_rng(0),
        )
        assert out[..., 0].tolist() == [[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]

    def test_weight_span_boundary(self) -> None:
        """Weights exactly 2**500 apart are accepted; 2**501 apart are refused."""
        from cchc_indicators.survey._stats import check_weight_span

        check_weight_span(np.array([1.0, 2.0**500]), "<records>")
        with pytest.raises(DefinitionError, match="more than 2\\*\\*500"):
            check_weight_span(np.array([1.0, 2.0**501]), "<records>")


class TestLaws:
    @given(
        rows=st.lists(ROW, min_size=1, max_size=25),
        weighted=st.booleans(),
        scope=st.sampled_from(["own", "territory", "tier:commune"]),
    )
    def test_intervals_contain_share_and_lie_in_0_100(
        self, rows: list[tuple[str, list[int | None], float, str]], weighted: bool, scope: str
    ) -> None:
        """Law: for every unit and item with data, 0 <= lower <= share <= upper <= 100."""
        r = survey_from(rows, weighted)
        if not r.questions:
            return
        elements = {"e1": [q for q in r.questions if q != "q3"] or ["q3"]}
        if set(elements["e1"]) != set(r.questions):
            elements["e2"] = [q for q in r.questions if q not in elements["e1"]]
        res = satisfaction(r, "4,5", elements=elements, scope=scope)
        ok = ~np.isnan(res.share)
        assert np.all(res.n[ok] > 0)
        assert np.all(res.lower[ok] >= 0)
        assert np.all(res.upper[ok] <= 100)
        assert np.all(res.lower[ok] <= res.share[ok] + 1e-9)
        assert np.all(res.share[ok] <= res.upper[ok] + 1e-9)
        assert np.all(np.isnan(res.lower[~ok]))
        assert np.all(np.isnan(res.upper[~ok]))

    @given(rows=st.lists(ROW, min_size=1, max_size=15), weighted=st.booleans())
    def test_bootstrap_intervals_lie_in_0_100(
        self, rows: list[tuple[str, list[int | None], float, str]], weighted: bool
    ) -> None:
        """Law: bootstrap bounds are ordered and lie in [0, 100]."""
        r = survey_from(rows, weighted)
        if not r.questions:
            return
        res = satisfaction(
            r, "4,5", elements={"e": list(r.questions)}, interval="bootstrap", replications=20
        )
        ok = ~np.isnan(res.lower)
        assert np.all(
            (res.lower[ok] >= 0) & (res.upper[ok] <= 100) & (res.lower[ok] <= res.upper[ok])
        )

    @given(
        rows=st.lists(ROW, min_size=1, max_size=15),
        factor=st.sampled_from([1e200, 1e-300]) | st.floats(1e-300, 1e300),
        interval=st.sampled_from(["analytic", "bootstrap"]),
        scope=st.sampled_from(["own", "territory", "tier:commune"]),
    )
    def test_survey_interval_does_not_depend_on_scale_of_weights(
        self,
        rows: list[tuple[str, list[int | None], float, str]],
        factor: float,
        interval: Literal["analytic", "bootstrap"],
        scope: str,
    ) -> None:
        """Law: weights times one factor (1e200, 1e-300, ...) keep shares, intervals and sizes."""
        r1 = survey_from(rows, True)
        if not r1.questions:
            return
        scaled_rows = [(u, v, w * factor, s) for u, v, w, s in rows]
        e = {"e": list(r1.questions)}
        kw: dict[str, Any] = {"elements": e, "interval": interval, "scope": scope}
        kw["replications"] = 20
        a = satisfaction(r1, "4,5", **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's warnings are not the package's
            b = satisfaction(survey_from(scaled_rows, True), "4,5", **kw)
        for field in ("share", "lower", "upper", "n_eff", "mean"):
            np.testing.assert_allclose(
                getattr(b, field), getattr(a, field), rtol=1e-9, err_msg=field
            )
        for field in ("numerator", "denominator"):
            np.testing.assert_allclose(
                getattr(b, field), getattr(a, field) * factor, rtol=1e-9, err_msg=field
            )

    @given(rows=st.lists(ROW, min_size=2, max_size=15), weighted=st.booleans())
    def test_duplicating_respondents_narrows_intervals(
        self, rows: list[tuple[str, list[int | None], float, str]], weighted: bool
    ) -> None:
        """Law: three copies of every respondent keep the shares and never widen an interval."""
        r1 = survey_from(rows, weighted)
        r3 = survey_from(rows * 3, weighted)
        if not r1.questions:
            return
        e = {"e": list(r1.questions)}
        a = satisfaction(r1, "4,5", elements=e)
        b = satisfaction(r3, "4,5", elements=e)
        ok = ~np.isnan(a.share)
        np.testing.assert_allclose(b.share[ok], a.share[ok], rtol=1e-9)
        assert np.all(b.upper[ok] - b.lower[ok] <= a.upper[ok] - a.lower[ok] + 1e-9)


# --------------------------------------------------------------------------- targets with confidence


@pytest.fixture(scope="module")
def demo() -> tuple[SurveyResult, Any]:
    """A synthetic survey of the demo province, its territory result and an evaluation of 90 % targets."""
    responses, elements = synthetic_survey(respondents=1200, questions=4, elements=2, seed=21)
    res = satisfaction(responses, "4,5", elements=elements)
    sipas = Indicator("sipas", "Chỉ số hài lòng (SIPAS)", targets=[at_least(90)])
    q01 = Indicator("q01", "Câu hỏi 1", targets=[at_least(80), at_most(99)])
    plan = Plan("sat", unit="26", indicators=[sipas, q01], deadline="2024")
    panel = res.to_panel(2024, codes={OVERALL: "sipas", "q01": "q01"}, indicators=[sipas, q01])
    return res, evaluate(plan, panel)


class TestWithConfidence:
    def test_adds_interval_beside_status(self, demo: tuple[SurveyResult, Any]) -> None:
        """Rows gain lower, upper, interval_method and confidence_status right after status."""
        res, ev = demo
        rows = with_confidence(ev, res, codes={"sipas": OVERALL, "q01": "q01"})
        assert len(rows) == len(ev.rows)
        for row in rows:
            keys = list(row)
            i = keys.index("status")
            assert keys[i + 1 : i + 5] == ["lower", "upper", "interval_method", "confidence_status"]
        by_ind = {(r["indicator"], r["target"]): r for r in rows}
        sipas = by_ind[("sipas", ">= 90 %")]
        want = res.row("26", OVERALL)
        assert (sipas["lower"], sipas["upper"], sipas["interval_method"]) == (
            want["lower"],
            want["upper"],
            "wilson_design",
        )
        assert sipas["confidence_status"] == str(
            confidence_status(want["lower"], want["upper"], 90)
        )
        q_max = by_ind[("q01", "<= 99 %")]
        assert q_max["confidence_status"] == "achieved"  # the upper bound is below 99

    def test_status_follows_the_bounds(self) -> None:
        """achieved / inconclusive / not_achieved from the interval, whatever the point status."""
        h = vinh_phuc_units()
        rec = answers("26", [5] * 88 + [1] * 12)  # 88 % from 100 respondents
        res = satisfaction(Responses.from_records(rec, h, scale="1-5"), "4,5")
        rows = [
            {
                "indicator": "q1",
                "unit": "26",
                "scope": "own",
                "value": 88.0,
                "threshold": t,
                "target": f">= {t} %",
                "status": "x",
            }
            for t in (70, 85, 95)
        ]
        got = [r["confidence_status"] for r in with_confidence(rows, res)]
        assert got == ["achieved", "inconclusive", "not_achieved"]

    def test_other_rows_get_none(self, demo: tuple[SurveyResult, Any]) -> None:
        """Indicators not from the survey, and relative or rank targets, get None in the four keys."""
        res, _ = demo
        rows = [
            {
                "indicator": "files",
                "unit": "26",
                "value": 70.0,
                "threshold": 80.0,
                "target": ">= 80 %",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "26",
                "value": 5.0,
                "threshold": 10.0,
                "target": ">= 10 % vs 2021",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "26",
                "value": 3.0,
                "threshold": 15.0,
                "target": "rank <= 15 among provinces",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "26",
                "value": 50.0,
                "threshold": 80.0,
                "target": ">= 80 % of districts == 1",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "26",
                "value": 1.0,
                "threshold": 1.0,
                "target": "== 1 (own)",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "26",
                "value": 1.0,
                "threshold": 1.0,
                "target": None,
                "status": "x",
            },
        ]
        for row in with_confidence(rows, res):
            assert [row[k] for k in ("lower", "upper", "interval_method", "confidence_status")] == [
                None
            ] * 4

    def test_no_value_is_no_data(self, demo: tuple[SurveyResult, Any]) -> None:
        """A row without a value gets confidence_status no_data; rows without a status key get the keys last."""
        res, _ = demo
        (row,) = with_confidence(
            [
                {
                    "indicator": "q01",
                    "unit": "26",
                    "value": None,
                    "threshold": 80.0,
                    "target": ">= 80 %",
                }
            ],
            res,
        )
        assert row["confidence_status"] == "no_data"
        assert list(row)[-1] == "confidence_status"

    def test_value_must_be_the_survey_share(self, demo: tuple[SurveyResult, Any]) -> None:
        """A value that is not the survey's share (or a unit without respondents) is refused by row."""
        res, _ = demo
        rows = [
            {
                "indicator": "q01",
                "unit": "26",
                "value": 12.5,
                "threshold": 80.0,
                "target": ">= 80 %",
                "status": "x",
            },
            {
                "indicator": "q01",
                "unit": "ZZ",
                "value": 90.0,
                "threshold": 80.0,
                "target": ">= 80 %",
                "status": "x",
            },
        ]
        with pytest.raises(InvalidDataError) as info:
            with_confidence(rows, res)
        assert [(p.row, p.kind) for p in info.value.problems] == [
            (0, "value_mismatch"),
            (1, "value_mismatch"),
        ]
        assert "the evaluated value 12.5 is not the survey's (the share" in str(info.value)
        assert "(no respondents)" in str(info.value)

    def test_confidence_level_and_scope_choice(self) -> None:
        """Results are recomputed at the asked level; a row takes the result of its own scope."""
        h = vinh_phuc_units()
        rec = answers("26", [5] * 30 + [1] * 5) + answers("08707", [5] * 8 + [1] * 2)
        r = Responses.from_records(rec, h, scale="1-5")
        own, terr = satisfaction(r, "4,5", scope="own"), satisfaction(r, "4,5")
        row = {
            "indicator": "q1",
            "unit": "26",
            "scope": "territory",
            "value": terr.get("26", "q1"),
            "threshold": 80.0,
            "target": ">= 80 %",
            "status": "x",
        }
        (got,) = with_confidence([row], [own, terr], confidence=0.9)
        assert got["lower"] == pytest.approx(
            float(terr.at_confidence(0.9).lower[terr.hierarchy.position("26"), 0])
        )
        with pytest.raises(DefinitionError, match="confidence level"):
            with_confidence([row], terr, confidence=2)


class TestSynthetic:
    def test_shape_and_note(self) -> None:
        """The synthetic survey is seeded, weighted, stratified and labelled synthetic."""
        a, e = synthetic_survey(respondents=500, questions=6, elements=3, seed=8)
        b, _ = synthetic_survey(respondents=500, questions=6, elements=3, seed=8)
        assert a == b
        assert a.note == SYNTHETIC_NOTE
        assert a.weighted
        assert set(a.strata) == {"counter", "online"}
        assert e.groups == (
            ("access", ("q01", "q02")),
            ("procedures", ("q03", "q04")),
            ("civil_servants", ("q05", "q06")),
        )
        assert satisfaction(a, "4,5").note == SYNTHETIC_NOTE

    def test_missing_answers_and_many_elements(self) -> None:
        """Skipped answers thin the data; elements beyond five are numbered; unweighted is possible."""
        r, e = synthetic_survey(
            respondents=200, questions=7, elements=7, weighted=False, missing=0.3, seed=1
        )
        assert 200 <= len(r) < 200 * 7
        assert not r.weighted
        assert e.names[-2:] == ("e6", "e7")

    @pytest.mark.parametrize(
        "kwargs",
        [{"respondents": 0}, {"elements": 0}, {"questions": 2, "elements": 3}, {"missing": 0.9}],
    )
    def test_invalid_arguments(self, kwargs: dict[str, Any]) -> None:
        """Sizes and the missing rate are checked."""
        with pytest.raises(DefinitionError):
            synthetic_survey(**kwargs)

    def test_two_level_units(self) -> None:
        """Any hierarchy works, such as the two-tier structure since 2025."""
        h = Hierarchy.from_records(
            [
                {"code": "P", "name": "P", "level": "province"},
                {"code": "C", "name": "C", "level": "commune", "parent": "P"},
            ],
            levels=("province", "commune"),
        )
        r, _ = synthetic_survey(h, respondents=50, questions=2, elements=1)
        assert set(r.respondent_unit.tolist()) <= {0, 1}


def test_pickle_result() -> None:
    """A result survives pickling (the hierarchy included)."""
    responses, _ = synthetic_survey(respondents=50, questions=2, elements=1, seed=2)
    res = satisfaction(responses, "4,5")
    back = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(back.share, res.share)
    assert attrs.evolve(back, note="x").note == "x"
