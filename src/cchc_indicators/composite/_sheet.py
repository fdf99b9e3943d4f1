"""Composite indices from flat metadata sheets: one row per node, with its parent.

:meth:`CompositeIndex.from_records <cchc_indicators.composite.CompositeIndex.from_records>`
and :meth:`CompositeIndex.from_csv <cchc_indicators.composite.CompositeIndex.from_csv>`
delegate here. A sheet's cells may come as text, as a spreadsheet or
``csv.DictReader`` gives them: :func:`from_table` reads numbers from text,
methods from names or JSON, blank cells as defaults, checks every cell
(naming the row, the column and the node), links the rows into a tree
(refusing a parent that is not a node, and cycles) and builds the index.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cchc_indicators.composite._methods import Method, check_method
from cchc_indicators.composite._node import (
    Node,
    _about_node,
    _direction,
    _optional_number,
    _per,
    _share,
    _unknown,
    _weight,
)
from cchc_indicators.core._loading import as_float, check_tree_depth
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.composite._definition import CompositeIndex

__all__ = ["from_csv", "from_table"]

#: The columns of a flat table of nodes (:meth:`CompositeIndex.from_records`), in order.
_COLUMNS = (
    "code",
    "parent",
    "name",
    "weight",
    "direction",
    "lower",
    "upper",
    "target",
    "aggregation",
    "min_share",
    "source",
    "denominator",
    "per",
    "normalisation",
    "treatment",
    "imputation",
)

#: The columns that hold a method (a name, or a JSON object with ``name`` and options).
_METHOD_COLUMNS = ("aggregation", "normalisation", "treatment", "imputation")

_FIELD_CHECKS: Mapping[str, Any] = {
    "weight": _weight,
    "direction": _direction,
    "lower": _optional_number,
    "upper": _optional_number,
    "target": _optional_number,
    "min_share": _share,
    "per": _per,
}


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _cell(key: str, value: object) -> object:
    """Read one cell of a flat table: ``None`` for a blank, numbers from text, a method from JSON."""
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Real)):
        return value
    if not isinstance(value, str):
        x = as_float(value)  # an integer too large for a float is infinite, refused by the check
        if math.isnan(x):
            return None  # a blank cell as pandas reads it
        return x if key in _FIELD_CHECKS else value
    text = value.strip()
    if not text:
        return None
    if key in _FIELD_CHECKS:
        if _WHOLE.fullmatch(text) and len(text) < 300:
            return int(text)  # so that errors show "-2", not "-2.0"
        try:
            return float(text)
        except ValueError:
            return text  # the field's check names it
    if key in _METHOD_COLUMNS and text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            msg = f"a method written as JSON is not valid JSON: {err.msg} (column {err.colno})"
            raise DefinitionError(msg) from None
    return text


def _record_fields(record: Mapping[Any, Any], where: str) -> dict[str, Any]:
    """Check and convert the cells of one record; blank cells are left out."""
    code = _cell("code", record.get("code"))
    node = code if isinstance(code, str) else None
    about = "" if node is None else f": node {node!r}"
    fields: dict[str, Any] = {}
    for key, value in record.items():
        if key is None:  # csv.DictReader's key for cells beyond the header
            msg = f"{where}{about}: the row has more cells than the header has columns"
            raise DefinitionError(msg, code=node)
        place = f"{where}, column {key!r}{about}"
        if key not in _COLUMNS:
            msg = f"{place}: unknown column {_unknown(key, _COLUMNS)}; the columns are {', '.join(_COLUMNS)}"
            raise DefinitionError(msg, code=node)
        try:
            cell = _cell(key, value)
            if key in _FIELD_CHECKS and cell is not None:
                cell = _FIELD_CHECKS[key](cell)
            elif key in _METHOD_COLUMNS and cell is not None:
                cell = Method.parse(cell)
            elif not (cell is None or isinstance(cell, str)):
                msg = f"{key!r} must be text, got {cell!r}"
                raise DefinitionError(msg)
        except DefinitionError as err:
            raise err.in_context(place, code=node) from None
        if isinstance(cell, Method):
            try:
                check_method(cell, key, place)
            except DefinitionError as err:
                raise DefinitionError(err.message, code=node) from None
        if cell is not None:
            fields[key] = cell
    return fields


def from_table(
    cls: type[CompositeIndex],
    code: str,
    numbered: Iterable[tuple[int, Any]],
    settings: Mapping[str, Any],
) -> CompositeIndex:
    """Build index ``code`` of class ``cls`` from ``(row number, record)`` pairs.

    ``settings`` go to ``cls``; errors name the row by the number it comes with.
    """
    where = f"index {code!r}"
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    for n, record in numbered:
        if not isinstance(record, Mapping):
            msg = f"{where}, row {n}: a record is a mapping, got {record!r}"
            raise DefinitionError(msg)
        fields = _record_fields(record, f"{where}, row {n}")
        for key in ("code", "parent"):
            if key not in fields:
                msg = f"{where}, row {n}: field {key!r} is required"
                raise DefinitionError(msg)
        c = fields["code"]
        if c in rows or c == code:
            first = f" (first in row {rows[c][0]})" if c in rows else " (the index's code)"
            msg = f"{where}, row {n}: node code {c!r} appears twice{first}"
            raise DefinitionError(msg, code=c)
        rows[c] = (n, fields)
    children_of: dict[str, list[str]] = {}
    for c, (n, fields) in rows.items():
        parent = fields["parent"]
        if parent != code and parent not in rows:
            msg = f"{where}, row {n}: parent {parent!r} of {c!r} is not a node"
            raise DefinitionError(msg, code=c)
        children_of.setdefault(parent, []).append(c)
    reachable = {code}
    todo = [code]
    while todo:
        kids = children_of.get(todo.pop(), [])
        reachable.update(kids)
        todo.extend(kids)
    # The nodes cut off from the index hang below a cycle; name those on it:
    # following parents from them comes back to them.
    cycle = []
    for start in sorted(set(rows) - reachable, key=lambda c: rows[c][0]):
        seen, node = set(), start
        while node in rows and node not in seen:
            seen.add(node)
            node = rows[node][1]["parent"]
        if node == start:
            cycle.append(start)
    if cycle:
        shown = ", ".join(f"{c!r} (row {rows[c][0]})" for c in cycle)
        msg = f"{where}: nodes {shown} form a cycle (each is its own ancestor)"
        raise DefinitionError(msg, code=cycle[0])

    check_tree_depth(children_of.get(code, []), lambda c: children_of.get(c), where=where)

    def build(c: str) -> Node:
        n, fields = rows[c]
        kids = [build(k) for k in children_of.get(c, [])]
        options = {k: v for k, v in fields.items() if k not in ("code", "parent")}
        try:
            return Node(c, children=kids, **options)
        except DefinitionError as err:
            row = f"{where}, row {n}"
            raise _about_node(err, c).in_context(row) from None

    top = [build(c) for c in children_of.get(code, [])]
    return cls(code, children=top, **settings)


def from_csv(
    cls: type[CompositeIndex], code: str, path: str | Path, settings: Mapping[str, Any]
) -> CompositeIndex:
    """Build index ``code`` of class ``cls`` from a metadata sheet saved as CSV.

    Rows are numbered as a spreadsheet shows them (the header is row 1), and
    errors name the file.
    """
    p = Path(path)
    if not p.is_file():
        cause = "is a directory, not a file" if p.is_dir() else "no such file"
        msg = f"{p}: cannot read the index: {cause}"
        raise DefinitionError(msg)
    header, records, row_numbers = read_csv(p)
    missing = [c for c in ("code", "parent") if c not in header]
    if missing:
        shown = ", ".join(repr(c) for c in missing)
        msg = f"{p}: row 1: missing column(s) {shown}; the columns are {', '.join(_COLUMNS)}"
        raise DefinitionError(msg)
    unknown = [h for h in header if h and h not in _COLUMNS]
    if unknown:
        msg = (
            f"{p}: row 1, column {unknown[0]!r}: unknown column "
            f"{_unknown(unknown[0], _COLUMNS)}; the columns are {', '.join(_COLUMNS)}"
        )
        raise DefinitionError(msg)
    # A column without a name (a trailing comma in the header) must be empty.
    rows = []
    for number, record in zip(row_numbers.tolist(), records, strict=True):
        cells = dict(zip(header, record, strict=False))
        if cells.pop("", "").strip():
            msg = f"{p}: row {number}: a value in a column without a name in the header"
            raise DefinitionError(msg)
        rows.append((number, cells))
    try:
        return from_table(cls, code, rows, settings)
    except DefinitionError as err:
        raise err.in_context(str(p)) from None
