"""The records and the plain-text table of a :class:`~cchc_indicators.engine.Rollup`.

:meth:`Rollup.to_records <cchc_indicators.engine.Rollup.to_records>`,
:meth:`~cchc_indicators.engine.Rollup.row` and
:meth:`~cchc_indicators.engine.Rollup.table` write through these.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core.rules import REASONS

if TYPE_CHECKING:
    from cchc_indicators.engine import Rollup

IntArray = NDArray[np.int64]

#: Provenance labels, indexed by the codes stored in :attr:`Rollup.provenance`.
PROVENANCE = ("missing", "observed", "derived")


def _records(r: Rollup, rows: IntArray, cols: Any) -> list[dict[str, Any]]:
    """One dict per unit of ``rows`` (positions) and period of ``cols`` (columns)."""
    h = r.hierarchy
    rule = r.rule.to_spec() if r.rule else None
    scope = str(r.scope)
    coverage = r.coverage
    out = []
    for i in rows.tolist():
        level = h.levels[int(h.level_of[i])]
        for j in cols:
            v = float(r.value[i, j])
            c = float(coverage[i, j])
            out.append(
                {
                    "indicator": r.indicator.code,
                    "unit": h.codes[i],
                    "name": h.names[i],
                    "level": level,
                    "period": r.periods[j],
                    "value": None if math.isnan(v) else v,
                    "unit_label": r.indicator.unit,
                    "rule": rule,
                    "scope": scope,
                    "coverage": None if math.isnan(c) else c,
                    "n_with_data": int(r.n_with_data[i, j]),
                    "n_in_scope": int(r.n_in_scope[i]),
                    "provenance": PROVENANCE[int(r.provenance[i, j])],
                    "reason": REASONS[int(r.reason[i, j])] or None,
                }
            )
    return out


def _table(result: Rollup, level: str | None, digits: int) -> str:
    """The values as text: units as rows (indented by level), periods as columns."""
    h = result.hierarchy
    rows = result.to_records(level)
    by_unit: dict[str, dict[str, str]] = {}
    for r in rows:
        cell = (
            f"{r['value']:.{digits}f}"
            if r["value"] is not None
            else "— " + (r["reason"] or "").replace("_", " ")
        )
        key = f"{'  ' * h.level_number(r['level'])}{r['name']} ({r['unit']})"
        by_unit.setdefault(key, {})[r["period"]] = cell
    width = max([len(k) for k in by_unit] + [4])
    widths = [max([len(p)] + [len(v.get(p, "")) for v in by_unit.values()]) for p in result.periods]
    head = (
        "unit".ljust(width)
        + "  "
        + "  ".join(p.rjust(w) for p, w in zip(result.periods, widths, strict=True))
    )
    lines = [head, "-" * len(head)]
    for key, cells in by_unit.items():
        lines.append(
            key.ljust(width)
            + "  "
            + "  ".join(
                cells.get(p, "").rjust(w) for p, w in zip(result.periods, widths, strict=True)
            )
        )
    return "\n".join(lines)
