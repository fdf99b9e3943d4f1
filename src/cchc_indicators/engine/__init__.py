"""The roll-up engine: values for every unit, level and period, by an explicit rule and scope.

A roll-up answers "what is this indicator for this unit?" for every unit of
the hierarchy at once. The answer depends on two choices, and every result
says which were made:

* the **rule** (:mod:`cchc_indicators.core.rules`): how the values of several
  units combine (pooled ratio, sum, mean, share meeting a condition, ...);
* the **scope** (:class:`Scope`): which units a value is made of --
  ``own`` (the unit's own observation), ``tier:<level>`` (the pool of the
  unit's descendants on one level, "all communes of this province") or
  ``territory`` (the unit and all its descendants).

The engine works one level at a time: the state of each level is pooled into
the level above with :func:`numpy.bincount` over the hierarchy's precomputed
parent indices. There is no Python loop over units or rows.

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel, rollup
>>> h = Hierarchy.from_records(
...     [
...         {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...         {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
...         {"code": "244", "name": "Phúc Yên", "level": "district", "parent": "26"},
...     ],
...     levels=("province", "district"),
... )
>>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
>>> p = Panel.from_records(
...     [
...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 90, "denominator": 100},
...         {"indicator": "files", "unit": "244", "period": 2024, "numerator": 10, "denominator": 20},
...     ],
...     h,
...     indicators=[files],
... )
>>> r = rollup(p, "files", scope="tier:district")
>>> round(r.get("26", "2024"), 2)  # pooled: 100 / 120, not the mean of 90 % and 50 %
83.33
>>> r.row("26", "2024")["coverage"], r.row("26", "2024")["provenance"]
(1.0, 'derived')
"""

from __future__ import annotations

from cchc_indicators.engine._rollup import PROVENANCE as _PROVENANCE
from cchc_indicators.engine._rollup import (
    Rollup,
    RollupState,
    Scope,
    own,
    rollup,
    rollup_state,
    territory,
    tier,
)

#: Provenance labels, indexed by the codes stored in :attr:`Rollup.provenance`.
PROVENANCE = _PROVENANCE

__all__ = [
    "PROVENANCE",
    "Rollup",
    "RollupState",
    "Scope",
    "own",
    "rollup",
    "rollup_state",
    "territory",
    "tier",
]
