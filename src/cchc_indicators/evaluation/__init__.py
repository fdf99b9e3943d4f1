"""Evaluating a plan: status, gap and projection for every target, unit and scope.

:func:`evaluate` turns a :class:`~cchc_indicators.core.plan.Plan` and a
:class:`~cchc_indicators.data.panel.Panel` into an :class:`Evaluation`: one row per
(indicator, target, unit, period, scope).

Status, in order of precedence:

``no_data``
    The unit has no value in the period (or, for a relative target, no value
    in the baseline period to compare with).
``achieved``
    The target holds in the period.
``not_achieved``
    It does not hold, and the period is at or after the deadline.
``on_track`` / ``off_track``
    Before the deadline: a least-squares line through the unit's values from
    the baseline period to the evaluated period, extended to the deadline,
    meets / does not meet the target (method ``linear``).
``insufficient_data``
    Before the deadline, with fewer than two values to draw the line.

A target judged in every period (``each_period``, and every
``no_worse_than_previous``) is read differently: ``not_achieved`` as soon as
one period from the baseline on missed it, even before the deadline;
``insufficient_data`` when some period has no value (or the period evaluated
comes before the first one it applies to); ``achieved`` at the deadline and
``on_track`` before it when every period so far met it. The columns
``periods_not_met`` and ``periods_without_data`` name the periods. A
per-field target (``fields``) gives one row per field indicator.

Every row without a value, and every row with the status ``insufficient_data``
or ``no_data``, says why in ``reason``: the roll-up's reason for a missing
value (``no_data``, ``below_min_coverage``, ...), ``one_value`` (one value
before the deadline: no line to project), ``periods_without_data`` (an
every-period target with some periods lacking a value), ``no_data_in_periods``
(all of them) or ``not_started`` (the period comes before the first one the
target applies to); :func:`cchc_indicators.core.i18n.reason_label` writes it
in words.

A per-tier target (``tier="district"``) is evaluated pooled on the plan unit's
row (scope ``tier:district``) and for each unit of the tier on its own row
(scope ``own``). With a ``share_meeting(<condition>)`` rule, each unit of the
tier is judged by the condition.

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel
>>> from cchc_indicators.core.plan import Plan
>>> from cchc_indicators.core.targets import at_least
>>> h = Hierarchy.from_records(
...     [{"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...      {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"}],
...     levels=("province", "district"),
... )
>>> files = Indicator("files", "Hồ sơ", targets=[at_least(80, tier="district")])
>>> plan = Plan("p", unit="26", indicators=[files], baseline="2021", deadline="2025")
>>> rec = [{"indicator": "files", "unit": "243", "period": y, "numerator": n, "denominator": 100}
...        for y, n in [(2021, 50), (2022, 60), (2023, 70)]]
>>> ev = evaluate(plan, Panel.from_records(rec, h, indicators=[files]))
>>> [(r["unit"], r["scope"], r["value"], r["status"]) for r in ev.rows]
[('26', 'tier:district', 70.0, 'on_track'), ('243', 'own', 70.0, 'on_track')]
"""

from __future__ import annotations

from cchc_indicators.evaluation._evaluate import COLUMNS as _COLUMNS
from cchc_indicators.evaluation._evaluate import LABEL_COLUMNS as _LABEL_COLUMNS
from cchc_indicators.evaluation._evaluate import STATUSES as _STATUSES
from cchc_indicators.evaluation._evaluate import (
    Evaluation,
    evaluate,
)

#: The keys of each row, in order.
COLUMNS = _COLUMNS

#: The keys :meth:`Evaluation.to_records` adds to :data:`COLUMNS`: the row in words, in a
#: language (``name_label``, ``value_label``, ``scope_label``, ``target_label``,
#: ``status_label``, ``reason_label``, ``note_label``: the data's note, the synthetic-data
#: warning translated); always present, whatever the language.
LABEL_COLUMNS = _LABEL_COLUMNS

#: Every status, from best to worst news.
STATUSES = _STATUSES

__all__ = [
    "COLUMNS",
    "LABEL_COLUMNS",
    "STATUSES",
    "Evaluation",
    "evaluate",
]
