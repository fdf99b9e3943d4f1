"""Reading and validating survey microdata and element lists for :mod:`cchc_indicators.survey`.

Every problem is collected (up to a limit) with its row number and reported in
one :class:`~cchc_indicators.core.errors.InvalidDataError`. The checks are masks
over whole columns; only the messages are written row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._validate import Problems, factorize, parse_numbers
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The name of the overall index; no element may take it.
OVERALL = "overall"
#: Columns of a responses file; ``weight`` and ``stratum`` are optional.
RESPONSE_COLUMNS = ("respondent", "unit", "question", "answer")
OPTIONAL_COLUMNS = ("weight", "stratum")
#: Columns of an elements file.
ELEMENT_COLUMNS = ("element", "question")


def raise_problems(problems: Problems, source: str) -> None:
    """Raise one InvalidDataError listing the collected problems in row order (if any)."""
    if not problems.items:
        return
    problems.items.sort(key=lambda t: (t[0], t[1]))
    found = [p for _, _, p in problems.items]
    if problems.cut:
        found.append(Problem(f"... {problems.cut} more problems not listed", kind="truncated"))
    raise InvalidDataError(found, source=source)


def missing_columns(header: Sequence[str], required: Sequence[str], source: str) -> None:
    """Raise when a CSV header lacks a required column (row 1, kind ``missing_column``)."""
    missing = [c for c in required if c not in header]
    if missing:
        problem = Problem(
            f"missing column(s) {', '.join(missing)}; the header must include "
            f"{','.join(required)}, got {','.join(header) or '(empty file)'}",
            row=1,
            kind="missing_column",
        )
        raise InvalidDataError([problem], source=source)


def _check_shape(arr: NDArray[Any], n: int) -> None:
    if arr.shape != (n,):
        msg = f"a column is a sequence of {n} values, got an array of shape {arr.shape}"
        raise DefinitionError(msg)


def texts(column: Any, n: int) -> NDArray[np.str_]:
    """A column of codes as stripped text (numbers become their digits, None becomes '')."""
    arr = np.asarray(column)
    _check_shape(arr, n)
    if arr.dtype.kind in "iu":
        return arr.astype(str)
    if arr.dtype.kind == "U":
        return np.char.strip(arr) if n else arr
    out = ["" if x is None else str(x).strip() for x in arr.tolist()]
    return np.array(out, dtype=str) if n else np.array([], dtype=str)


def numbers(column: Any, n: int) -> tuple[FloatArray, BoolArray, BoolArray, dict[int, str]]:
    """A column of numbers: values, given, bad, and the bad texts (for messages)."""
    arr = np.asarray(column)
    _check_shape(arr, n)
    if arr.dtype.kind in "iuf":
        values = arr.astype(np.float64)
        given = ~np.isnan(values)
        bad = given & ~np.isfinite(values)
        return values, given, bad, {int(i): f"{values[i]:g}" for i in np.flatnonzero(bad)}
    if arr.dtype.kind == "U" and n:
        try:  # the fast path: every cell is a number
            values = np.char.strip(arr).astype(np.float64)
        except ValueError:
            pass
        else:
            bad = ~np.isfinite(values)
            return (
                values,
                np.ones(n, dtype=bool),
                bad,
                {int(i): str(arr[i]) for i in np.flatnonzero(bad)},
            )
    items = arr.tolist()
    # booleans are not numbers here (True is not an answer of 1)
    items = [repr(x) if isinstance(x, (bool, np.bool_)) else x for x in items]
    (values, given, bad), bad_text = parse_numbers(items)
    for i in np.flatnonzero(bad).tolist():  # 'nan' and 'inf' parse, but are no numbers here
        bad_text.setdefault(i, str(items[i]).strip())
    return values, given, bad, bad_text


@attrs.frozen
class Columns:
    """Validated response columns, in the shape :class:`~cchc_indicators.survey.Responses` stores."""

    questions: tuple[str, ...]
    respondent_ids: tuple[str, ...]
    respondent_unit: IntArray
    respondent_weight: FloatArray
    respondent_stratum: IntArray
    strata: tuple[str, ...]
    respondent: IntArray
    question: IntArray
    answer: IntArray
    row: IntArray
    weighted: bool


def read_responses(
    hierarchy: Hierarchy,
    low: int,
    high: int,
    *,
    respondent: Any,
    unit: Any,
    question: Any,
    answer: Any,
    weight: Any | None,
    stratum: Any | None,
    rows: IntArray,
    source: str,
) -> Columns:
    """Validate the columns of a set of answers; raise one error listing every problem."""
    n = len(rows)
    resp_t = texts(respondent, n)
    unit_t = texts(unit, n)
    q_t = texts(question, n)
    problems = Problems(rows)
    for name, col in (("respondent", resp_t), ("unit", unit_t), ("question", q_t)):
        problems.add(col == "", "empty_field", name, lambda i, name=name: f"the {name} is empty")

    # units: look each distinct code up once
    uniq_u, inv_u = factorize(unit_t) if n else (np.array([], dtype=str), np.zeros(0, np.int64))
    pos_u, found_u = hierarchy.positions(uniq_u)
    unit_pos = pos_u[inv_u] if n else np.zeros(0, dtype=np.int64)
    known = found_u[inv_u] if n else np.zeros(0, dtype=bool)
    where = f"edition {hierarchy.edition}, {len(hierarchy)} units"
    problems.add(
        ~known & (unit_t != ""),
        "unknown_unit",
        "unit",
        lambda i: f"unknown unit {str(unit_t[i])!r}; it is not in the units ({where})",
    )

    # answers: whole numbers on the scale
    a_val, a_given, a_bad, a_text = numbers(answer, n)
    problems.add(
        ~a_given,
        "missing_answer",
        "answer",
        lambda i: "the answer is empty; leave out the row of a question not answered",
    )
    problems.add(
        a_bad,
        "bad_answer",
        "answer",
        lambda i: f"the answer {a_text[i]!r} is not a number",
    )
    with np.errstate(invalid="ignore"):
        off_scale = a_given & ~a_bad & ((a_val < low) | (a_val > high) | (a_val != np.floor(a_val)))
    problems.add(
        off_scale,
        "answer_outside_scale",
        "answer",
        lambda i: f"the answer {a_val[i]:g} is not a whole number on the scale {low}-{high}",
    )

    # weights: optional; when the column is there, every row has a weight > 0
    weighted = weight is not None
    if weighted:
        w_val, w_given, w_bad, w_text = numbers(weight, n)
        problems.add(
            ~w_given,
            "missing_weight",
            "weight",
            lambda i: (
                "the weight is empty; with a weight column every answer needs its respondent's weight"
            ),
        )
        problems.add(
            w_bad,
            "bad_weight",
            "weight",
            lambda i: f"the weight {w_text[i]!r} is not a number",
        )
        problems.add(
            w_given & ~w_bad & (w_val <= 0),
            "nonpositive_weight",
            "weight",
            lambda i: f"a design weight must be > 0, got {w_val[i]:g}",
        )
        w_ok = w_given & ~w_bad & (w_val > 0)
    else:
        w_val, w_ok = np.ones(n), np.ones(n, dtype=bool)
    s_t = texts(stratum, n) if stratum is not None else np.full(n, "", dtype="<U1")

    # respondents: (unit, id); a respondent answers each question once
    ok = known & (resp_t != "") & (q_t != "")
    ids, id_idx = factorize(resp_t) if n else (np.array([], dtype=str), np.zeros(0, np.int64))
    questions, q_idx = factorize(q_t) if n else (np.array([], dtype=str), np.zeros(0, np.int64))
    n_ids, n_q = max(len(ids), 1), max(len(questions), 1)
    composite = unit_pos * n_ids + id_idx
    rows_ok = np.flatnonzero(ok)
    resp_keys, first_pos, resp_inv = np.unique(
        composite[rows_ok], return_index=True, return_inverse=True
    )
    resp_inv = resp_inv.reshape(-1)
    first_row_of_resp = rows_ok[first_pos]  # positions (not row numbers) of first answers
    resp = np.full(n, -1, dtype=np.int64)
    resp[rows_ok] = resp_inv

    def who(i: int) -> str:
        return f"respondent {str(resp_t[i])!r} of unit {str(unit_t[i])!r}"

    pair = resp[rows_ok] * n_q + q_idx[rows_ok]
    _, first_pair, pair_inv = np.unique(pair, return_index=True, return_inverse=True)
    first_of_pair = rows_ok[first_pair[pair_inv.reshape(-1)]] if len(rows_ok) else rows_ok
    dup = np.zeros(n, dtype=bool)
    dup[rows_ok] = first_of_pair != rows_ok
    first_at = np.zeros(n, dtype=np.int64)
    first_at[rows_ok] = first_of_pair
    problems.add(
        dup,
        "duplicate_answer",
        "question",
        lambda i: (
            f"{who(i)} answers question {str(q_t[i])!r} twice; first in row {int(rows[first_at[i]])}"
        ),
    )
    first_of_resp = np.zeros(n, dtype=np.int64)
    first_of_resp[rows_ok] = first_row_of_resp[resp_inv]
    if weighted:
        f = first_of_resp
        differs = ok & w_ok & w_ok[f] & (w_val != w_val[f])
        problems.add(
            differs,
            "weight_differs",
            "weight",
            lambda i: (
                f"{who(i)} has the weight {w_val[i]:g} here but {w_val[first_of_resp[i]]:g} in "
                f"row {int(rows[first_of_resp[i]])}; a design weight belongs to the respondent"
            ),
        )
    if stratum is not None:
        f = first_of_resp
        s_differs = ok & (s_t != s_t[f])
        problems.add(
            s_differs,
            "stratum_differs",
            "stratum",
            lambda i: (
                f"{who(i)} is in stratum {str(s_t[i])!r} here but {str(s_t[first_of_resp[i]])!r} "
                f"in row {int(rows[first_of_resp[i]])}; a respondent belongs to one stratum"
            ),
        )
    raise_problems(problems, source)

    strata, s_idx = factorize(s_t) if n else (np.array([""], dtype=str), np.zeros(0, np.int64))
    return Columns(
        questions=tuple(questions.tolist()),
        respondent_ids=tuple(ids[resp_keys % n_ids].tolist()),
        respondent_unit=(resp_keys // n_ids).astype(np.int64),
        respondent_weight=w_val[first_row_of_resp].astype(np.float64),
        respondent_stratum=s_idx[first_row_of_resp].astype(np.int64),
        strata=tuple(strata.tolist()),
        respondent=resp,
        question=q_idx.astype(np.int64),
        answer=a_val.astype(np.int64),
        row=rows.astype(np.int64),
        weighted=weighted,
    )


def read_elements(
    element: Sequence[str], question: Sequence[str], rows: IntArray, source: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Validate (element, question) pairs; return the groups in order of first appearance."""
    n = len(rows)
    el = np.array([str(x).strip() for x in element], dtype=str) if n else np.array([], dtype=str)
    qu = np.array([str(x).strip() for x in question], dtype=str) if n else np.array([], dtype=str)
    problems = Problems(rows)
    for name, col in (("element", el), ("question", qu)):
        problems.add(col == "", "empty_field", name, lambda i, name=name: f"the {name} is empty")
    problems.add(
        el == OVERALL,
        "reserved_name",
        "element",
        lambda i: (
            f"{OVERALL!r} names the overall index (the mean of the elements); rename the element"
        ),
    )
    first: dict[str, int] = {}
    seen = np.zeros(n, dtype=bool)
    first_at = np.zeros(n, dtype=np.int64)
    for i, q in enumerate(qu.tolist()):  # one pass over a short definition list
        if q and q in first:
            seen[i] = True
            first_at[i] = first[q]
        elif q:
            first[q] = i
    problems.add(
        seen,
        "duplicate_question",
        "question",
        lambda i: (
            f"question {str(qu[i])!r} is already in element {str(el[first_at[i]])!r} "
            f"(row {int(rows[first_at[i]])}); a question belongs to one element"
        ),
    )
    if n == 0:
        problems.items.append((0, 0, Problem("no element is defined", kind="empty")))
    raise_problems(problems, source)
    groups: dict[str, list[str]] = {}
    for e, q in zip(el.tolist(), qu.tolist(), strict=True):
        groups.setdefault(e, []).append(q)
    return tuple((e, tuple(qs)) for e, qs in groups.items())
