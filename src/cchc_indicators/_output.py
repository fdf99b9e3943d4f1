"""Writing a result as a table, JSON or CSV: shared by the command-line commands."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, Protocol, TextIO


class Tabular(Protocol):
    """A result that prints as a table and lists its rows (Rollup, SurveyResult)."""

    def table(self, level: str | None = None) -> str: ...

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]: ...


def write_result(
    result: Tabular,
    fmt: str,
    level: str | None,
    out: TextIO,
    *,
    fieldnames: Sequence[str] | None = None,
) -> None:
    """Write ``result`` to ``out`` as ``"table"``, ``"json"`` (one array) or ``"csv"``.

    CSV columns are ``fieldnames``, or the keys of the first row.

    Examples
    --------
    >>> import io
    >>> class Two:
    ...     def table(self, level=None): return "a table"
    ...     def to_records(self, level=None): return [{"unit": "26", "value": 1.5}]
    >>> out = io.StringIO(); write_result(Two(), "csv", None, out); print(out.getvalue(), end="")
    unit,value
    26,1.5
    """
    if fmt == "table":
        out.write(result.table(level) + "\n")
        return
    records = result.to_records(level)
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    columns = (
        list(fieldnames) if fieldnames is not None else list(records[0]) if records else ["unit"]
    )
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
