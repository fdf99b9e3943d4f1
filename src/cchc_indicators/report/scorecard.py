"""All the units of an evaluation side by side: one row per unit, sorted by status.

A plan about every province, such as the national master programme
``vn-par-2021-2030`` (its ``unit`` is ``None``), evaluates to one row per
province and target: 63 rows per target on the 2024 units, 34 on the 2025
units. :func:`by_unit` turns those rows around: one record per unit, with its
status on each target and how many targets it has in each status, the units
with the best news first. :func:`unit_table` prints the records as a text
table, one line per unit.

Units are ordered by comparing their counts of each status from the best news
to the worst (:data:`~cchc_indicators.evaluation.STATUSES`): more targets
achieved first; among equals, more on track; then more off track, more not
achieved, more with too few values; units that still tie keep the order of the
unit list. Every unit has the same targets, so a unit that ranks higher has
more good news on the first status where two units differ.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import Hierarchy, Indicator, Panel
>>> from cchc_indicators.evaluation import evaluate
>>> from cchc_indicators.core.plan import Plan
>>> from cchc_indicators.core.targets import at_least
>>> h = Hierarchy.from_records(
...     [{"code": c, "name": n, "level": "province"} for c, n in
...      [("01", "Hà Nội"), ("02", "Hà Giang"), ("04", "Cao Bằng")]],
...     levels=("province",),
... )
>>> online = Indicator("online", "Trực tuyến", targets=[at_least(80, deadline="2025")])
>>> plan = Plan("p", indicators=[online], baseline="2021", deadline="2025")
>>> rec = [{"indicator": "online", "unit": u, "period": 2025, "numerator": n, "denominator": 100}
...        for u, n in [("01", 70), ("04", 90)]]
>>> ev = evaluate(plan, Panel.from_records(rec, h, indicators=[online]))
>>> [(r["unit"], r["online"]) for r in by_unit(ev)]
[('04', 'achieved'), ('01', 'not_achieved'), ('02', 'no_data')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cchc_indicators.core._args import check_type
from cchc_indicators.core.targets import STATUSES
from cchc_indicators.evaluation import Evaluation

__all__ = ["SYMBOLS", "by_unit", "unit_table"]

#: The one-letter status each target's column of :func:`unit_table` shows.
SYMBOLS: dict[str, str] = {
    "achieved": "A",
    "on_track": "T",
    "off_track": "O",
    "not_achieved": "N",
    "insufficient_data": "I",
    "no_data": "-",
}


def _columns(rows: list[Mapping[str, Any]]) -> dict[tuple[str, str, str], str]:
    """Name each target once: its indicator, and the target and scope where that is ambiguous."""
    keys = list(dict.fromkeys((r["indicator"], r["target"], r["scope"]) for r in rows))
    out: dict[tuple[str, str, str], str] = {}
    for key in keys:
        indicator, target, scope = key
        if sum(k[0] == indicator for k in keys) == 1:
            out[key] = indicator
        elif sum(k[:2] == key[:2] for k in keys) == 1:
            out[key] = f"{indicator} {target}"
        else:
            out[key] = f"{indicator} {target} [{scope}]"
    return out


def by_unit(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Return one record per unit of the plan's rows: its statuses side by side, best first.

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`. Its plan
        rows (:meth:`~cchc_indicators.evaluation.Evaluation.plan_rows`) are used:
        the plan's unit, or every top-level unit when the plan names none; the
        rows of each unit of a lower tier are left out.

    Returns
    -------
    list of dict
        Sorted as the module says. Keys: ``unit``, ``unit_name``, the count of
        each status (the keys of :data:`~cchc_indicators.evaluation.STATUSES`),
        then one key per target holding the unit's status: the indicator code,
        or, for an indicator with several targets, the code and the target
        (``"work_files_online >= 80 % (district tier)"``).

    Raises
    ------
    ArgumentTypeError
        If ``evaluation`` is not an :class:`~cchc_indicators.evaluation.Evaluation`.

    Examples
    --------
    The national programme on the 63 provinces, with one figure for Hà Nội
    (``01``) and one for Vĩnh Phúc (``26``):

    >>> from cchc_indicators import Panel, catalog, datasets
    >>> from cchc_indicators.evaluation import evaluate
    >>> plan = catalog.load("vn-par-2021-2030")
    >>> rec = [
    ...     {"indicator": "procedures_online", "unit": u, "period": 2025, "numerator": n,
    ...      "denominator": 100} for u, n in [("26", 70), ("01", 85)]
    ... ]
    >>> panel = Panel.from_records(rec, datasets.units("national-2024"), indicators=plan.indicators)
    >>> records = by_unit(evaluate(plan, panel))
    >>> len(records), [(r["unit"], r["procedures_online >= 80 %"]) for r in records[:3]]
    (63, [('01', 'achieved'), ('26', 'not_achieved'), ('02', 'no_data')])

    ``procedures_online`` has two targets (80 % by 2025, 90 % by 2030), so two
    columns; in 2025 one value short of 90 % cannot yet say whether 2030's will
    be met:

    >>> records[0]["procedures_online >= 90 %"]
    'insufficient_data'
    >>> records[0]["achieved"], records[0]["insufficient_data"], records[0]["no_data"]
    (1, 1, 11)
    """
    check_type(evaluation, Evaluation, func="by_unit", parameter="evaluation")
    rows = evaluation.plan_rows()
    columns = _columns(rows)
    records: dict[str, dict[str, Any]] = {}
    for r in rows:
        record = records.setdefault(
            r["unit"],
            {"unit": r["unit"], "unit_name": r["unit_name"], **dict.fromkeys(STATUSES, 0)},
        )
        record[r["status"]] += 1
        record[columns[(r["indicator"], r["target"], r["scope"])]] = r["status"]
    order = list(records)
    return sorted(
        records.values(),
        key=lambda rec: (*(-rec[s] for s in STATUSES), order.index(rec["unit"])),
    )


def unit_table(evaluation: Evaluation) -> str:
    """Return a plain-text table of :func:`by_unit`: one line per unit, best news first.

    Each line shows the unit's code and name, how many targets it has in each
    status, and then one column per target holding its status as one letter
    of :data:`SYMBOLS`; a key above the table names the target of each
    numbered column. A note carried by the evaluation (such as a
    synthetic-data warning) heads and ends the table.

    Raises
    ------
    ArgumentTypeError
        If ``evaluation`` is not an :class:`~cchc_indicators.evaluation.Evaluation`.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel
    >>> from cchc_indicators.evaluation import evaluate
    >>> from cchc_indicators.core.plan import Plan
    >>> from cchc_indicators.core.targets import at_least
    >>> h = Hierarchy.from_records(
    ...     [{"code": c, "name": n, "level": "province"} for c, n in
    ...      [("01", "Hà Nội"), ("02", "Hà Giang"), ("04", "Cao Bằng")]],
    ...     levels=("province",),
    ... )
    >>> online = Indicator("online", "Trực tuyến", targets=[at_least(80, deadline="2025")])
    >>> paid = Indicator("paid", "Thanh toán", targets=[at_least(80, deadline="2025")])
    >>> plan = Plan("p", title_en="A plan", indicators=[online, paid], baseline="2021",
    ...             deadline="2025")
    >>> rec = [{"indicator": i, "unit": u, "period": 2025, "numerator": n, "denominator": 100}
    ...        for i, u, n in [("online", "01", 70), ("online", "04", 90), ("paid", "04", 60)]]
    >>> print(unit_table(evaluate(plan, Panel.from_records(rec, h, indicators=[online, paid]))))
    A plan — 2025, by unit
    Status: A achieved, T on track, O off track, N not achieved, I insufficient data, - no data
       1  online: >= 80 %
       2  paid: >= 80 %
    <BLANKLINE>
    unit   name        A    T    O    N    I    -    1  2
    04     Cao Bằng    1    0    0    1    0    0    A  N
    01     Hà Nội      0    0    0    1    0    1    N  -
    02     Hà Giang    0    0    0    0    0    2    -  -
    """
    check_type(evaluation, Evaluation, func="unit_table", parameter="evaluation")
    records = by_unit(evaluation)
    title = evaluation.plan.title_en or evaluation.plan.title or evaluation.plan.code
    lines = [f"*** {evaluation.note} ***", ""] if evaluation.note else []
    lines.append(f"{title} — {evaluation.period}, by unit")
    columns = _columns(evaluation.plan_rows())
    targets = list(columns.values())
    lines.append("Status: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in SYMBOLS.items()))
    lines += [
        f"  {k + 1:>2}  {name}" + (f": {key[1]}" if name == key[0] else "")
        for k, (key, name) in enumerate(columns.items())
    ]
    lines.append("")
    width = max([len(r["unit_name"]) for r in records] + [4])
    counts = "".join(f"{SYMBOLS[s]:>5}" for s in STATUSES)
    numbers = " ".join(f"{k + 1:>2}" for k in range(len(targets)))
    lines.append(f"{'unit':<6} {'name':<{width}}{counts}   {numbers}".rstrip())
    for r in records:
        cells = " ".join(f"{SYMBOLS[r[t]]:>2}" for t in targets)
        shown = "".join(f"{r[s]:>5}" for s in STATUSES)
        lines.append(f"{r['unit']:<6} {r['unit_name']:<{width}}{shown}   {cells}".rstrip())
    if not records:
        lines.append("(no rows)")
    if evaluation.note:
        lines += ["", f"*** {evaluation.note} ***"]
    return "\n".join(lines)
