"""Building a :class:`~cchc_indicators.units.hierarchy.Hierarchy`: reading, checking, indexing units.

:meth:`Hierarchy.from_records <cchc_indicators.units.hierarchy.Hierarchy.from_records>`
and :meth:`~cchc_indicators.units.hierarchy.Hierarchy.from_csv` turn their input into
columns of text; :func:`_validate` checks every unit at once (codes, levels,
parents), collects every problem with its row number, and returns the arrays
of the hierarchy in canonical order (by level, then code). Once built, a
hierarchy keeps :func:`_ancestor_tables`: for every pair of levels, each
unit's ancestor, which is what the roll-up engine pools over.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import readonly
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError, HierarchyError, Problem

if TYPE_CHECKING:
    from cchc_indicators.units.hierarchy import Hierarchy

IntArray = NDArray[np.int64]
#: The columns of a file of units, in the order they are written.
_COLUMNS = ("code", "name", "level", "parent")
Columns = tuple[list[str], list[str], list[str], list[str], IntArray]


def _to_tuple(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _record_columns(records: Iterable[Mapping[str, Any]], source: str, first_row: int) -> Columns:
    """Codes, names, levels and parents of mappings, and their row numbers (from ``first_row``)."""
    rows = list(records)
    bad = [i for i, r in enumerate(rows) if not isinstance(r, Mapping)]
    if bad:
        problems = [
            Problem(
                "a unit record is a mapping such as {'code': ..., 'name': ..., 'level': ...}, "
                f"got {type(rows[i]).__name__}",
                row=first_row + i,
                kind="not_a_record",
            )
            for i in bad[:20]
        ]
        raise HierarchyError(problems, source=source)
    codes = [_text(r.get("code")) for r in rows]
    names = [_text(r.get("name")) for r in rows]
    level_names = [_text(r.get("level")) for r in rows]
    parents = [_text(r.get("parent")) for r in rows]
    numbers = first_row + np.arange(len(codes), dtype=np.int64)
    return codes, names, level_names, parents, numbers


def _csv_columns(path: Path) -> Columns:
    """Codes, names, levels and parents read from a CSV file, and the rows' numbers."""
    header, records, row_numbers = read_csv(path)
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        problem = Problem(
            f"missing column(s) {', '.join(missing)}; the header must include "
            f"{','.join(_COLUMNS)}, got {','.join(header) or '(empty file)'}",
            row=1,
            kind="missing_column",
        )
        raise HierarchyError([problem], source=str(path))
    cols = [header.index(c) for c in _COLUMNS]
    table = [[row[i].strip() if i < len(row) else "" for i in cols] for row in records]
    codes, names, level_names, parents = ([t[j] for t in table] for j in range(4))
    return codes, names, level_names, parents, row_numbers


def _validate(
    codes_list: list[str],
    names: list[str],
    level_names: list[str],
    parents_list: list[str],
    levels: tuple[str, ...],
    source: str,
    row_numbers: IntArray,
) -> dict[str, Any]:
    """Check every unit; return the fields of the hierarchy, ordered by level then code.

    Raises a :class:`~cchc_indicators.core.errors.HierarchyError` listing every problem found.
    """
    n = len(codes_list)
    codes = np.array(codes_list, dtype=str) if n else np.array([], dtype="<U1")
    parents = np.array(parents_list, dtype=str) if n else np.array([], dtype="<U1")
    level_pos = {name: i for i, name in enumerate(levels)}
    lvl = np.array([level_pos.get(x, -1) for x in level_names], dtype=np.int64)
    problems: list[tuple[int, Problem]] = []

    def report(mask: NDArray[np.bool_], kind: str, field: str, message: Any) -> None:
        problems.extend(
            (i, Problem(message(i), row=int(row_numbers[i]), field=field, kind=kind))
            for i in np.flatnonzero(mask).tolist()
        )

    empty = codes == ""
    report(empty, "empty_code", "code", lambda i: "the unit code is empty")
    # duplicates: every occurrence after the first of a non-empty code
    uniq, first_idx, inverse = np.unique(codes, return_index=True, return_inverse=True)
    first_of = first_idx[inverse]
    dup = (first_of != np.arange(n)) & ~empty
    report(
        dup,
        "duplicate_code",
        "code",
        lambda i: (
            f"duplicate code {str(codes[i])!r}, first seen in row {int(row_numbers[first_of[i]])}"
        ),
    )
    bad_level = lvl < 0
    shown = ", ".join(repr(x) for x in levels)
    report(
        bad_level,
        "unknown_level",
        "level",
        lambda i: f"unknown level {level_names[i]!r}; the levels are {shown}",
    )
    has_parent = parents != ""
    top_with_parent = (lvl == 0) & has_parent
    report(
        top_with_parent,
        "top_with_parent",
        "parent",
        lambda i: (
            f"a unit on the top level {levels[0]!r} cannot have a parent, got {str(parents[i])!r}"
        ),
    )
    no_parent = (lvl > 0) & ~has_parent
    report(
        no_parent,
        "missing_parent",
        "parent",
        lambda i: (
            f"a unit on level {levels[lvl[i]]!r} needs a parent on level {levels[lvl[i] - 1]!r}"
        ),
    )
    # parent lookup: position of the first row holding each parent code
    pos = np.searchsorted(uniq, parents) if n else np.array([], dtype=np.int64)
    pos_clipped = np.minimum(pos, max(len(uniq) - 1, 0))
    found = has_parent & (uniq[pos_clipped] == parents) if len(uniq) else has_parent & False
    parent_row = np.where(found, first_idx[pos_clipped] if len(uniq) else 0, -1)
    unknown_parent = has_parent & ~found & (lvl != 0)
    report(
        unknown_parent,
        "unknown_parent",
        "parent",
        lambda i: f"parent {str(parents[i])!r} is not a unit in this list",
    )
    wrong_level = (
        found
        & (lvl > 0)
        & (lvl[np.maximum(parent_row, 0)] >= 0)
        & (lvl[np.maximum(parent_row, 0)] != lvl - 1)
    )
    report(
        wrong_level,
        "parent_level",
        "parent",
        lambda i: (
            f"parent {str(parents[i])!r} is on level {levels[lvl[parent_row[i]]]!r}, "
            f"not on {levels[lvl[i] - 1]!r}, the level directly above {levels[lvl[i]]!r}"
        ),
    )
    if problems:
        problems.sort(key=lambda t: t[0])
        raise HierarchyError([p for _, p in problems], source=source)

    order = np.lexsort((codes, lvl))
    new_index = np.empty(n, dtype=np.int64)
    new_index[order] = np.arange(n)
    parent_of = np.where(parent_row[order] >= 0, new_index[np.maximum(parent_row[order], 0)], -1)
    return {
        "levels": levels,
        "codes": tuple(codes[order].tolist()),
        "names": tuple(np.array(names, dtype=object)[order].tolist()) if n else (),
        "level_of": lvl[order],
        "parent_of": parent_of,
    }


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _check_levels(levels: Sequence[str]) -> tuple[str, ...]:
    out = tuple(levels) if isinstance(levels, Iterable) else ()
    if isinstance(levels, str) or not out or not all(isinstance(x, str) and x for x in out):
        msg = f"levels must be a non-empty sequence of level names, top first; got {levels!r}"
        raise DefinitionError(msg)
    if len(set(out)) != len(out):
        msg = f"level names must be distinct; got {out!r}"
        raise DefinitionError(msg)
    return out


def _ancestor_tables(
    level_of: IntArray, parent_of: IntArray, n_levels: int
) -> tuple[IntArray, dict[tuple[int, int], IntArray]]:
    """Where each level starts, and each unit's ancestor on every level at or above its own.

    ``tables[(k, a)]`` gives, for each unit of level ``k``, the position within
    level ``a`` of its ancestor there (all read-only).
    """
    counts = np.bincount(level_of, minlength=n_levels)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    anc: dict[tuple[int, int], IntArray] = {}
    for k in range(n_levels):
        size = int(counts[k])
        anc[(k, k)] = readonly(np.arange(size, dtype=np.int64))
        if k == 0:
            continue
        parent_pos = parent_of[offsets[k] : offsets[k + 1]] - offsets[k - 1]
        for a in range(k):
            above = anc[(k - 1, a)]
            anc[(k, a)] = readonly(above[parent_pos])
    return readonly(offsets), anc


def _subtree_fields(h: Hierarchy, code: str) -> dict[str, Any]:
    """The fields of the hierarchy of ``code`` and its descendants, with ``code`` on top."""
    i = h.position(code)
    k = int(h.level_of[i])
    keep = np.concatenate([[i], h.descendant_positions(code)]).astype(np.int64)
    keep.sort()
    new_index = np.full(len(h), -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    parents = h.parent_of[keep]
    parent_of = np.where(parents >= 0, new_index[np.maximum(parents, 0)], -1)
    return {
        "levels": h.levels[k:],
        "codes": [h.codes[j] for j in keep.tolist()],
        "names": [h.names[j] for j in keep.tolist()],
        "level_of": h.level_of[keep] - k,
        "parent_of": parent_of,
    }


# ---------------------------------------------------------------------- for Hierarchy's methods


def _fields_from_records(
    records: Iterable[Mapping[str, Any]], levels: Sequence[str], source: str, first_row: int
) -> dict[str, Any]:
    """The fields of a :class:`Hierarchy` made of unit records, once all are checked."""
    levels = _check_levels(levels)
    codes, names, level_names, parents, numbers = _record_columns(records, source, first_row)
    return _validate(codes, names, level_names, parents, levels, source, numbers)


def _fields_from_csv(path: Path, levels: Sequence[str]) -> dict[str, Any]:
    """The fields of a :class:`Hierarchy` read from a CSV file, once all are checked."""
    levels = _check_levels(levels)
    codes, names, level_names, parents, row_numbers = _csv_columns(path)
    return _validate(codes, names, level_names, parents, levels, str(path), row_numbers)


def _derived_fields(h: Hierarchy) -> dict[str, Any]:
    """A new hierarchy's private fields (ancestor tables, code index), its arrays checked."""
    n = len(h.codes)
    if not (len(h.names) == n == len(h.level_of) == len(h.parent_of)):
        msg = "codes, names, level_of and parent_of must have the same length"
        raise ValueError(msg)
    if np.any(np.diff(h.level_of) < 0):
        msg = "units must be ordered by level (use Hierarchy.from_records)"
        raise ValueError(msg)
    offsets, ancestors = _ancestor_tables(h.level_of, h.parent_of, len(h.levels))
    return {
        "_offsets": offsets,
        "_ancestors": ancestors,
        "_index": dict(zip(h.codes, range(n), strict=True)),
        "_memo": {},
    }


def _positions(
    index: Mapping[str, int], codes: Sequence[str] | NDArray[Any]
) -> tuple[IntArray, NDArray[np.bool_]]:
    """The positions of ``codes`` in ``index`` (-1 where absent) and where they were found."""
    query = np.asarray(codes, dtype=str)
    if query.size == 0:
        return np.array([], dtype=np.int64), np.array([], dtype=bool)
    items = query.tolist()
    out = np.fromiter(map(index.get, items, itertools.repeat(-1)), dtype=np.int64, count=len(items))
    return out, out >= 0


def _write_csv(path: Path, records: list[dict[str, str]]) -> None:
    """Write unit records as a UTF-8 CSV file with the columns ``code,name,level,parent``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(_COLUMNS))
        writer.writeheader()
        writer.writerows(records)
