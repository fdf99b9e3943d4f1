"""Definitions and microdata behind :mod:`cchc_indicators.survey`: scales, elements, responses.

The public names here are re-exported by :mod:`cchc_indicators.survey` and
documented there; validation lives in :mod:`cchc_indicators.survey._read`.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._csv_columns import read_text_columns
from cchc_indicators.core._loading import as_records, check_mappings
from cchc_indicators.core._repr import counted
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.survey._read import (
    ELEMENT_COLUMNS,
    OPTIONAL_COLUMNS,
    OVERALL,
    RESPONSE_COLUMNS,
    missing_columns,
    read_elements,
    read_responses,
)
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["Elements", "Responses", "Scale", "parse_satisfied"]


def _is_text(column: Any) -> bool:
    import pyarrow as pa

    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _ints(a: Any) -> IntArray:
    out: IntArray = readonly(a, np.int64)
    return out


def _floats(a: Any) -> FloatArray:
    out: FloatArray = readonly(a, np.float64)
    return out


# ---------------------------------------------------------------------- definitions


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        msg = f"a scale's ends are whole numbers, got {value!r}"
        raise DefinitionError(msg)
    return int(value)


_SCALE_TEXT = re.compile(r"^\s*(-?\d+)\s*(?:-|\.\.|–)\s*(-?\d+)\s*$")


@attrs.frozen
class Scale:
    """The answers a question allows: the whole numbers from ``low`` to ``high`` (a Likert scale).

    .. versionadded:: 0.1.0

    Parameters
    ----------
    low, high
        The ends of the scale, whole numbers with ``low < high``.

    Examples
    --------
    >>> Scale(1, 5)
    Scale(low=1, high=5)
    >>> Scale.parse("1-5") == Scale(1, 5), str(Scale(0, 10)), Scale(1, 5).values
    (True, '0-10', (1, 2, 3, 4, 5))
    """

    low: int = attrs.field(converter=_whole)
    high: int = attrs.field(converter=_whole)

    def __attrs_post_init__(self) -> None:
        if self.low >= self.high:
            msg = f"a scale runs from a low end to a higher one, got {self.low}-{self.high}"
            raise DefinitionError(msg)

    @classmethod
    def parse(cls, text: str | Scale) -> Scale:
        """Read ``"1-5"`` (also ``"1..5"``, ``"0-10"``); a :class:`Scale` passes through.

        Raises
        ------
        DefinitionError
            If the text is not two whole numbers joined by ``-`` or ``..``.

        Examples
        --------
        >>> Scale.parse("1..7")
        Scale(low=1, high=7)
        >>> Scale.parse("five")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: a scale is written low-high, such as '1-5', got 'five'
        """
        if isinstance(text, Scale):
            return text
        m = _SCALE_TEXT.match(str(text))
        if m is None:
            msg = f"a scale is written low-high, such as '1-5', got {text!r}"
            raise DefinitionError(msg)
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def values(self) -> tuple[int, ...]:
        """Every answer on the scale, in order.

        Examples
        --------
        >>> Scale(0, 3).values
        (0, 1, 2, 3)
        """
        return tuple(range(self.low, self.high + 1))

    @property
    def size(self) -> int:
        """How many answers the scale allows.

        Examples
        --------
        >>> Scale(1, 7).size
        7
        """
        return self.high - self.low + 1

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


def parse_satisfied(spec: str | Iterable[int], scale: Scale) -> tuple[int, ...]:
    """The satisfied answers: ``"4,5"``, ``"4-5"`` or whole numbers, all on the scale."""
    values: list[int] = []
    if isinstance(spec, str):
        for part in (p.strip() for p in spec.split(",")):
            m = _SCALE_TEXT.match(part)
            if m:
                values.extend(range(int(m.group(1)), int(m.group(2)) + 1))
            elif re.fullmatch(r"-?\d+", part):
                values.append(int(part))
            else:
                msg = f"satisfied answers are whole numbers such as '4,5' or '4-5', got {spec!r}"
                raise DefinitionError(msg)
    else:
        for x in spec:
            if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
                msg = f"satisfied answers are whole numbers, got {x!r}"
                raise DefinitionError(msg)
            values.append(int(x))
    if not values:
        msg = "name at least one satisfied answer, such as '4,5'"
        raise DefinitionError(msg)
    off = sorted({v for v in values if not scale.low <= v <= scale.high})
    if off:
        msg = f"satisfied answers must lie on the scale {scale}, got {', '.join(map(str, off))}"
        raise DefinitionError(msg)
    return tuple(sorted(set(values)))


def _groups(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(name), tuple(str(q) for q in qs)) for name, qs in items)


@attrs.frozen
class Elements:
    """Groups of questions ("elements"), each measured by one share; overall is their mean.

    In the SIPAS style a service is judged on a few elements (access,
    procedures, civil servants, results, handling of feedback), each asked
    about in several questions. An element's share pools the satisfied
    answers to its questions; the overall index is the unweighted mean of the
    element shares.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    groups
        ``(element, questions)`` pairs in order, or a mapping from element to
        questions. Each question belongs to one element; the name
        ``"overall"`` is reserved for the overall index.

    Examples
    --------
    >>> e = Elements({"access": ["q1", "q2"], "results": ["q3"]})
    >>> e.names, e.questions, e.element_of("q3")
    (('access', 'results'), ('q1', 'q2', 'q3'), 'results')
    >>> Elements({"a": ["q1"], "b": ["q1"]})
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: question 'q1' is in elements 'a' and 'b'; a question belongs to one element
    """

    groups: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(converter=_groups)

    def __repr__(self) -> str:
        questions = sum(len(q) for _, q in self.groups)
        return f"Elements({counted(len(self.groups), 'element')}, {counted(questions, 'question')})"

    def __attrs_post_init__(self) -> None:
        if not self.groups:
            msg = "name at least one element"
            raise DefinitionError(msg)
        owner: dict[str, str] = {}
        names = [name for name, _ in self.groups]
        if len(set(names)) != len(names):
            msg = f"element names must be distinct, got {', '.join(names)}"
            raise DefinitionError(msg)
        for name, questions in self.groups:
            if not name or name == OVERALL:
                msg = f"an element needs a name other than '' and {OVERALL!r}, got {name!r}"
                raise DefinitionError(msg)
            if not questions or "" in questions:
                msg = f"element {name!r} needs at least one question, and no empty one"
                raise DefinitionError(msg)
            for q in questions:
                if q in owner:
                    msg = (
                        f"question {q!r} is in elements {owner[q]!r} and {name!r}; "
                        "a question belongs to one element"
                    )
                    raise DefinitionError(msg)
                owner[q] = name

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        source: str = "<records>",
        first_row: int = 0,
    ) -> Elements:
        """Build elements from ``{element, question}`` mappings, one per question.

        Raises
        ------
        InvalidDataError
            Listing every problem with its row: an empty field, a question in
            two elements (or twice), an element named ``"overall"``.

        Examples
        --------
        >>> Elements.from_records(
        ...     [{"element": "access", "question": "q1"}, {"element": "access", "question": "q2"}]
        ... ).groups
        (('access', ('q1', 'q2')),)
        >>> Elements.from_records([{"element": "overall", "question": "q1"}])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.InvalidDataError: <records>: 1 problem
          row 0, field 'element': 'overall' names the overall index (the mean of the elements); rename the element
        """
        rows = as_records(records, func="Elements.from_records")
        check_mappings(rows, source=source, first_row=first_row)
        el = ["" if r.get("element") is None else str(r.get("element")) for r in rows]
        qu = ["" if r.get("question") is None else str(r.get("question")) for r in rows]
        numbers = first_row + np.arange(len(rows), dtype=np.int64)
        return cls(read_elements(el, qu, numbers, source))

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> Elements:
        """Read elements from a CSV file with the columns ``element,question``.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "elements.csv"
        >>> _ = p.write_text("element,question\\naccess,q1\\nresults,q2\\n", encoding="utf-8")
        >>> Elements.from_csv(p).names
        ('access', 'results')
        """
        path = Path(path)
        header, records, numbers = read_csv(path)
        missing_columns(header, ELEMENT_COLUMNS, str(path))
        cols = [header.index(c) for c in ELEMENT_COLUMNS]
        el, qu = ([r[i] if i < len(r) else "" for r in records] for i in cols)
        return cls(read_elements(el, qu, numbers, str(path)))

    @property
    def names(self) -> tuple[str, ...]:
        """The element names, in order.

        Examples
        --------
        >>> Elements({"access": ["q1"], "results": ["q2"]}).names
        ('access', 'results')
        """
        return tuple(name for name, _ in self.groups)

    @property
    def questions(self) -> tuple[str, ...]:
        """Every question of every element, element by element.

        Examples
        --------
        >>> Elements({"access": ["q1", "q3"], "results": ["q2"]}).questions
        ('q1', 'q3', 'q2')
        """
        return tuple(q for _, qs in self.groups for q in qs)

    def element_of(self, question: str) -> str | None:
        """Return the element ``question`` belongs to, or ``None``.

        Examples
        --------
        >>> Elements({"access": ["q1"]}).element_of("q9") is None
        True
        """
        for name, qs in self.groups:
            if question in qs:
                return name
        return None

    def to_records(self) -> list[dict[str, str]]:
        """Return one ``{element, question}`` dict per question (the inverse of :meth:`from_records`).

        Examples
        --------
        >>> Elements({"access": ["q1", "q2"]}).to_records()
        [{'element': 'access', 'question': 'q1'}, {'element': 'access', 'question': 'q2'}]
        """
        return [{"element": name, "question": q} for name, qs in self.groups for q in qs]


# ---------------------------------------------------------------------- responses


@attrs.frozen(eq=True)
class Responses:
    """Survey microdata: one answer per respondent and question, on a declared scale.

    A respondent is identified by its unit and its ``respondent`` code (codes
    may restart in each unit); its design weight and stratum belong to it and
    are the same on all its answers. Build one with :meth:`from_csv`,
    :meth:`from_records` or :meth:`from_columns`, which validate everything;
    the constructor takes already-validated arrays.

    .. versionadded:: 0.1.0

    Attributes
    ----------
    hierarchy : Hierarchy
        The units the respondents belong to.
    scale : Scale
        The answers allowed.
    questions : tuple of str
        The distinct question codes, sorted.
    respondent_ids : tuple of str
        Each respondent's code (respondents are sorted by unit, then code).
    respondent_unit : numpy.ndarray
        Each respondent's unit, as a position in the hierarchy.
    respondent_weight : numpy.ndarray
        Each respondent's design weight (1 when the data carry none).
    respondent_stratum : numpy.ndarray
        Each respondent's stratum, as a position in ``strata``.
    strata : tuple of str
        The distinct strata (``("",)`` when the data carry none).
    respondent, question, answer, row : numpy.ndarray
        Per answer: its respondent, question (positions), the answer, and its
        row in the source (for messages).
    weighted : bool
        Whether the data carried a ``weight`` column.
    source : str
        Where the data came from.
    note : str
        A note carried into results (such as a synthetic-data warning).

    Examples
    --------
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> r = Responses.from_records(
    ...     [{"respondent": "1", "unit": "08707", "question": "q1", "answer": 5, "weight": 1.5},
    ...      {"respondent": "1", "unit": "08707", "question": "q2", "answer": 3, "weight": 1.5},
    ...      {"respondent": "1", "unit": "08710", "question": "q1", "answer": 4, "weight": 0.8}],
    ...     vinh_phuc_units(), scale="1-5",
    ... )
    >>> r
    Responses(3 answers, 2 respondents, 2 questions, scale 1-5, weighted)
    >>> r.questions
    ('q1', 'q2')
    >>> r.respondent_weight.tolist()
    [1.5, 0.8]
    """

    hierarchy: Hierarchy = attrs.field(repr=False)
    scale: Scale
    questions: tuple[str, ...] = attrs.field(converter=tuple)
    respondent_ids: tuple[str, ...] = attrs.field(converter=tuple, repr=False)
    respondent_unit: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    respondent_weight: FloatArray = attrs.field(converter=_floats, eq=ARRAY_EQ)
    respondent_stratum: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    strata: tuple[str, ...] = attrs.field(converter=tuple)
    respondent: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    question: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    answer: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    row: IntArray = attrs.field(converter=_ints, eq=False)
    weighted: bool = False
    source: str = attrs.field(default="<records>", eq=False)
    note: str = attrs.field(default="", eq=False)
    # the engine's index arrays, laid out once (the responses never change): each answer's
    # unit, its (unit, question) cell, its (unit, question, answer) key, and its weight
    _answer_unit: IntArray = attrs.field(init=False, eq=False, repr=False)
    _answer_cell: IntArray = attrs.field(init=False, eq=False, repr=False)
    _answer_key: IntArray = attrs.field(init=False, eq=False, repr=False)
    _answer_weight: FloatArray = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        r, n = len(self.respondent_ids), len(self.answer)
        if not (
            len(self.respondent_unit)
            == len(self.respondent_weight)
            == len(self.respondent_stratum)
            == r
            and len(self.respondent) == len(self.question) == len(self.row) == n
        ):
            msg = "respondent arrays and answer arrays must each have one length"
            raise DefinitionError(msg)
        unit = self.respondent_unit[self.respondent] if n else np.zeros(0, dtype=np.int64)
        cell = unit * len(self.questions) + self.question
        key = cell * self.scale.size + (self.answer - self.scale.low)
        weight = self.respondent_weight[self.respondent] if n else np.zeros(0)
        for name, arr in (("unit", unit), ("cell", cell), ("key", key), ("weight", weight)):
            arr.flags.writeable = False
            object.__setattr__(self, f"_answer_{name}", arr)

    def __repr__(self) -> str:
        return (
            f"Responses({counted(len(self), 'answer')}, "
            f"{counted(len(self.respondent_ids), 'respondent')}, "
            f"{counted(len(self.questions), 'question')}, scale {self.scale}, "
            f"{'weighted' if self.weighted else 'unweighted'})"
        )

    def __len__(self) -> int:
        return len(self.answer)

    @property
    def answer_unit(self) -> IntArray:
        """Each answer's unit, as a position in the hierarchy (read-only).

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> r = Responses.from_records(
        ...     [{"respondent": "1", "unit": "08707", "question": q, "answer": 4} for q in ("q1", "q2")],
        ...     h, scale="1-5",
        ... )
        >>> [h.codes[i] for i in r.answer_unit]
        ['08707', '08707']
        """
        return self._answer_unit

    # ------------------------------------------------------------------ building

    @classmethod
    def from_columns(
        cls,
        hierarchy: Hierarchy,
        *,
        respondent: Sequence[object] | NDArray[Any],
        unit: Sequence[object] | NDArray[Any],
        question: Sequence[object] | NDArray[Any],
        answer: Sequence[object] | NDArray[Any],
        scale: Scale | str,
        weight: Sequence[object] | NDArray[Any] | None = None,
        stratum: Sequence[object] | NDArray[Any] | None = None,
        source: str = "<columns>",
        first_row: int = 0,
        note: str = "",
    ) -> Responses:
        """Build responses from equal-length columns (the fast path for programs).

        Parameters
        ----------
        hierarchy
            The units.
        respondent, unit, question
            Codes (text or whole numbers, kept as text).
        answer
            The answers: whole numbers on ``scale`` (numbers or text).
        scale
            The scale, a :class:`Scale` or text such as ``"1-5"``.
        weight
            Design weights (> 0, the same on all answers of a respondent), or
            ``None`` for unweighted data.
        stratum
            Strata (the same on all answers of a respondent), or ``None``.
        source
            Named in error messages.
        first_row
            The number of the first row in messages.
        note
            A note carried into results.

        Raises
        ------
        InvalidDataError
            Listing every problem with its row (see :meth:`from_records`).
        DefinitionError
            If the scale is malformed or the columns differ in length.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> r = Responses.from_columns(
        ...     vinh_phuc_units(), respondent=[1, 2], unit=["08707", "08707"],
        ...     question=["q1", "q1"], answer=np.array([4, 2]), scale="1-5",
        ... )
        >>> len(r), r.respondent_ids
        (2, ('1', '2'))
        """
        the_scale = Scale.parse(scale)
        n = len(respondent)
        columns = {"unit": unit, "question": question, "answer": answer}
        columns.update(
            {k: v for k, v in (("weight", weight), ("stratum", stratum)) if v is not None}
        )
        for name, col in columns.items():
            if len(col) != n:
                msg = f"column {name!r} has {len(col)} rows, expected {n} like 'respondent'"
                raise DefinitionError(msg)
        rows = first_row + np.arange(n, dtype=np.int64)
        cols = read_responses(
            hierarchy,
            the_scale.low,
            the_scale.high,
            respondent=respondent,
            unit=unit,
            question=question,
            answer=answer,
            weight=weight,
            stratum=stratum,
            rows=rows,
            source=source,
        )
        return cls(
            hierarchy, the_scale, source=source, note=note, **attrs.asdict(cols, recurse=False)
        )

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        hierarchy: Hierarchy,
        *,
        scale: Scale | str,
        source: str = "<records>",
        first_row: int = 0,
        note: str = "",
    ) -> Responses:
        """Build responses from mappings with keys ``respondent, unit, question, answer``.

        ``weight`` and ``stratum`` are optional; when any record has one of
        them, every record must. Other keys are ignored.

        Raises
        ------
        InvalidDataError
            Listing every problem with its row: an empty field, an unknown
            unit, a missing or non-numeric answer, an answer off the scale, the
            same respondent answering a question twice, a missing, non-numeric,
            zero or negative weight, a respondent whose weight or stratum
            changes between its answers.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
        >>> Responses.from_records(
        ...     [{"respondent": "a", "unit": "26", "question": "q1", "answer": 6},
        ...      {"respondent": "a", "unit": "27", "question": "q1", "answer": 4}],
        ...     h, scale="1-5",
        ... )
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.InvalidDataError: <records>: 2 problems
          row 0, field 'answer': the answer 6 is not a whole number on the scale 1-5
          row 1, field 'unit': unknown unit '27'; it is not in the units (edition None, 1 units)
        """
        rows = as_records(records, func="Responses.from_records")
        check_mappings(rows, source=source, first_row=first_row)
        keys = set().union(*(r.keys() for r in rows)) if rows else set()

        def column(name: str) -> list[Any]:
            return [r.get(name) for r in rows]

        cols: dict[str, Any] = {c: np.array(column(c), dtype=object) for c in RESPONSE_COLUMNS}
        optional = {c: np.array(column(c), dtype=object) for c in OPTIONAL_COLUMNS if c in keys}
        return cls.from_columns(
            hierarchy,
            **cols,
            **optional,
            scale=scale,
            source=source,
            first_row=first_row,
            note=note,
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        *,
        scale: Scale | str,
        note: str = "",
    ) -> Responses:
        """Read responses from a UTF-8 CSV file with the columns ``respondent,unit,question,answer``.

        Optional columns ``weight`` and ``stratum``; other columns are
        ignored. Row numbers in errors are those a spreadsheet shows (the
        header is row 1).

        Raises
        ------
        InvalidDataError
            A missing column, or every problem of :meth:`from_records`.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "responses.csv"
        >>> _ = p.write_text(
        ...     "respondent,unit,question,answer,weight\\n1,08707,q1,5,1.2\\n2,08707,q1,0,-1\\n",
        ...     encoding="utf-8",
        ... )
        >>> Responses.from_csv(p, vinh_phuc_units(), scale="1-5")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.InvalidDataError: .../responses.csv: 2 problems
          row 3, field 'answer': the answer 0 is not a whole number on the scale 1-5
          row 3, field 'weight': a design weight must be > 0, got -1
        """
        path = Path(path)
        header, columns, numbers = read_text_columns(  # whole-array, as Panel.from_csv reads
            path,
            (*RESPONSE_COLUMNS, *OPTIONAL_COLUMNS),
            check_header=lambda h: missing_columns(h, RESPONSE_COLUMNS, str(path)),
        )
        cols = {c: columns[c] for c in RESPONSE_COLUMNS}
        optional = {c: columns[c] for c in OPTIONAL_COLUMNS if c in header}
        the_scale = Scale.parse(scale)
        data = read_responses(
            hierarchy,
            the_scale.low,
            the_scale.high,
            **cols,
            weight=optional.get("weight"),
            stratum=optional.get("stratum"),
            rows=numbers,
            source=str(path),
        )
        return cls(
            hierarchy, the_scale, source=str(path), note=note, **attrs.asdict(data, recurse=False)
        )

    # ------------------------------------------------------------------ output

    def to_records(self) -> list[dict[str, object]]:
        """Return one dict per answer, in the source order (the inverse of :meth:`from_records`).

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> rec = [{"respondent": "7", "unit": "08707", "question": "q1", "answer": 4}]
        >>> Responses.from_records(rec, vinh_phuc_units(), scale="1-5").to_records() == rec
        True
        """
        codes = self.hierarchy.codes
        out: list[dict[str, object]] = []
        has_strata = self.strata != ("",)
        for r, q, a in zip(
            self.respondent.tolist(), self.question.tolist(), self.answer.tolist(), strict=True
        ):
            rec: dict[str, object] = {
                "respondent": self.respondent_ids[r],
                "unit": codes[int(self.respondent_unit[r])],
                "question": self.questions[q],
                "answer": a,
            }
            if self.weighted:
                rec["weight"] = float(self.respondent_weight[r])
            if has_strata:
                rec["stratum"] = self.strata[int(self.respondent_stratum[r])]
            out.append(rec)
        return out

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        hierarchy: Hierarchy,
        *,
        scale: Scale | str,
        source: str = "<frame>",
        note: str = "",
    ) -> Responses:
        """Read answers from a data frame (pandas, polars, pyarrow, any Arrow C stream).

        Needs the ``arrow`` extra (pyarrow). The columns are those of
        :meth:`from_csv` (``weight`` and ``stratum`` optional); codes that are
        numbers are read as text; a null answer or weight is missing. Rows are
        numbered from 0 in errors.

        .. versionadded:: 0.1.0

        Raises
        ------
        ArgumentTypeError
            If ``frame`` is not a data frame.
        InvalidDataError
            As :meth:`from_records`, and for a missing column.

        Examples
        --------
        >>> import pandas as pd
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> frame = pd.DataFrame(
        ...     {"respondent": [1, 2], "unit": ["08707", "08707"], "question": ["q1", "q1"], "answer": [4, 5]}
        ... )
        >>> Responses.from_frame(frame, vinh_phuc_units(), scale="1-5").answer.tolist()
        [4, 5]
        """
        from cchc_indicators.data._panel_arrow import frame_table, text_array

        table = frame_table(frame, "Responses.from_frame")
        missing_columns(table.column_names, RESPONSE_COLUMNS, source)
        numbers = {"answer", "weight"}
        columns: dict[str, Any] = {}
        for name in (*RESPONSE_COLUMNS, *OPTIONAL_COLUMNS):
            if name in table.column_names:
                column = table.column(name)
                if name in numbers and not _is_text(column):
                    columns[name] = column.to_numpy(zero_copy_only=False)
                else:
                    columns[name] = text_array(column)
        return cls.from_columns(hierarchy, **columns, scale=scale, source=source, note=note)

    def to_frame(self, library: str = "pandas") -> Any:
        """Return :meth:`to_records` as a data frame: pandas (default), polars or a pyarrow table.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> rec = [{"respondent": "7", "unit": "08707", "question": "q1", "answer": 4}]
        >>> Responses.from_records(rec, vinh_phuc_units(), scale="1-5").to_frame().shape
        (1, 4)
        """
        from cchc_indicators.data.panel import _frame_of_records

        columns = list(RESPONSE_COLUMNS)
        columns += ["weight"] if self.weighted else []
        columns += ["stratum"] if self.strata != ("",) else []
        return _frame_of_records(self.to_records(), columns, library, "Responses.to_frame")

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the answers as a CSV file that :meth:`from_csv` reads back.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> rec = [{"respondent": "7", "unit": "08707", "question": "q1", "answer": 4, "weight": 2.0}]
        >>> r = Responses.from_records(rec, h, scale="1-5")
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
        >>> r.to_csv(p)
        >>> p.read_text(encoding="utf-8").splitlines()
        ['respondent,unit,question,answer,weight', '7,08707,q1,4,2.0']
        >>> Responses.from_csv(p, h, scale="1-5") == r
        True
        """
        fields = list(RESPONSE_COLUMNS)
        if self.weighted:
            fields.append("weight")
        if self.strata != ("",):
            fields.append("stratum")
        with Path(path).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(self.to_records())


def element_groups(
    elements: Elements | Mapping[str, Sequence[str]] | None, questions: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if elements is None:
        return ()
    el = elements if isinstance(elements, Elements) else Elements(elements)
    known = set(questions)
    for name, qs in el.groups:
        if name in known:
            msg = f"element {name!r} has the name of a question; give elements their own names"
            raise DefinitionError(msg)
        absent = [q for q in qs if q not in known]
        if absent:
            msg = (
                f"element {name!r} names question(s) {', '.join(map(repr, absent))}, which no "
                "response answers"
            )
            raise DefinitionError(msg)
    return el.groups
