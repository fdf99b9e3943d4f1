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

import textwrap
from collections.abc import Mapping
from typing import Any

from cchc_indicators.core._args import check_type
from cchc_indicators.core.i18n import (
    check_language,
    default_language,
    gettext,
    number,
    status_label,
)
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


def by_unit(evaluation: Evaluation, lang: str | None = None) -> list[dict[str, Any]]:
    """Return one record per unit of the plan's rows: its statuses side by side, best first.

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`. Its plan
        rows (:meth:`~cchc_indicators.evaluation.Evaluation.plan_rows`) are used:
        the plan's unit, or every top-level unit when the plan names none; the
        rows of each unit of a lower tier are left out.
    lang
        The language of ``status_label`` (``"vi"`` or ``"en"``; ``None`` for
        :func:`~cchc_indicators.core.i18n.default_language`). Keys and status
        codes do not change with it.

    Returns
    -------
    list of dict
        Sorted as the module says. Keys: ``unit``, ``unit_name``, the count of
        each status (the keys of :data:`~cchc_indicators.evaluation.STATUSES`),
        ``status_label`` (those counts in words in ``lang``, such as
        ``"Đạt: 1, Không đạt: 1"``), then one key per target holding the
        unit's status: the indicator code, or, for an indicator with several
        targets, the code and the target (``"work_files_online >= 80 % (district tier)"``).

    Raises
    ------
    ArgumentTypeError
        If ``evaluation`` is not an :class:`~cchc_indicators.evaluation.Evaluation`.
    DefinitionError
        If ``lang`` is not ``"vi"`` or ``"en"``.

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
    >>> by_unit(evaluate(plan, panel), "vi")[0]["status_label"]
    'Đạt: 1, Chưa đủ dữ liệu: 1, Không có dữ liệu: 11'
    """
    check_type(evaluation, Evaluation, func="by_unit", parameter="evaluation")
    lang = check_language(default_language() if lang is None else lang, func="by_unit")
    rows = evaluation.plan_rows()
    columns = _columns(rows)
    records: dict[str, dict[str, Any]] = {}
    for r in rows:
        record = records.setdefault(
            r["unit"],
            {
                "unit": r["unit"],
                "unit_name": r["unit_name"],
                **dict.fromkeys(STATUSES, 0),
                "status_label": "",
            },
        )
        record[r["status"]] += 1
        record[columns[(r["indicator"], r["target"], r["scope"])]] = r["status"]
    for record in records.values():
        record["status_label"] = ", ".join(
            f"{status_label(s, lang)}: {number(record[s], lang, 0)}" for s in STATUSES if record[s]
        )
    order = list(records)
    return sorted(
        records.values(),
        key=lambda rec: (*(-rec[s] for s in STATUSES), order.index(rec["unit"])),
    )


def unit_table(evaluation: Evaluation, lang: str | None = None) -> str:
    """Return a plain-text table of :func:`by_unit`: one line per unit, best news first.

    Each line shows the unit's code and name, how many targets it has in each
    status, and then one column per target holding its status as one letter
    of :data:`SYMBOLS`; a key above the table names the indicator and the
    target of each numbered column. A note carried by the evaluation (such as
    a synthetic-data warning) heads and ends the table.

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`.
    lang
        ``"vi"`` or ``"en"`` (``None``: :func:`~cchc_indicators.core.i18n.default_language`):
        the title, the key, the statuses and the names, in that language; the
        one-letter symbols do not change.

    Raises
    ------
    ArgumentTypeError
        If ``evaluation`` is not an :class:`~cchc_indicators.evaluation.Evaluation`.
    DefinitionError
        If ``lang`` is not ``"vi"`` or ``"en"``.

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
    >>> online = Indicator("online", "Trực tuyến", name_en="Online",
    ...                    targets=[at_least(80, deadline="2025")])
    >>> paid = Indicator("paid", "Thanh toán", name_en="Paid", targets=[at_least(80, deadline="2025")])
    >>> plan = Plan("p", title="Kế hoạch", title_en="A plan", indicators=[online, paid],
    ...             baseline="2021", deadline="2025")
    >>> rec = [{"indicator": i, "unit": u, "period": 2025, "numerator": n, "denominator": 100}
    ...        for i, u, n in [("online", "01", 70), ("online", "04", 90), ("paid", "04", 60)]]
    >>> ev = evaluate(plan, Panel.from_records(rec, h, indicators=[online, paid]))
    >>> print(unit_table(ev, "en"))
    A plan — 2025, by unit
    Status: A Achieved, T On track, O Off track, N Not achieved, I Insufficient data, - No data
       1  Online: ≥ 80 %
       2  Paid: ≥ 80 %
    <BLANKLINE>
    unit   name        A    T    O    N    I    -    1  2
    04     Cao Bằng    1    0    0    1    0    0    A  N
    01     Hà Nội      0    0    0    1    0    1    N  -
    02     Hà Giang    0    0    0    0    0    2    -  -
    >>> print(unit_table(ev, "vi").splitlines()[0])
    Kế hoạch — 2025, theo đơn vị
    """
    check_type(evaluation, Evaluation, func="unit_table", parameter="evaluation")
    lang = check_language(default_language() if lang is None else lang, func="unit_table")
    records = by_unit(evaluation, lang)
    title = _title(evaluation, lang)
    note = _note(evaluation.note, lang)
    lines = [f"*** {note} ***", ""] if note else []
    lines.append(
        gettext("{title} — {period}, by unit", lang).format(title=title, period=evaluation.period)
    )
    rows = evaluation.plan_rows()
    columns = _columns(rows)
    words = _words(evaluation, rows, lang)
    targets = list(columns.values())
    legend = ", ".join(f"{v} {status_label(k, lang)}" for k, v in SYMBOLS.items())
    lines.append(gettext("Status: {legend}", lang).format(legend=legend))
    for k, key in enumerate(columns):
        lines += textwrap.wrap(
            words[key], width=100, initial_indent=f"  {k + 1:>2}  ", subsequent_indent=" " * 8
        )
    lines.append("")
    width = max([len(r["unit_name"]) for r in records] + [4])
    counts = "".join(f"{SYMBOLS[s]:>5}" for s in STATUSES)
    numbers = " ".join(f"{k + 1:>2}" for k in range(len(targets)))
    unit, name = gettext("unit", lang), gettext("name", lang)
    lines.append(f"{unit:<6} {name:<{width}}{counts}   {numbers}".rstrip())
    for r in records:
        cells = " ".join(f"{SYMBOLS[r[t]]:>2}" for t in targets)
        shown = "".join(f"{r[s]:>5}" for s in STATUSES)
        lines.append(f"{r['unit']:<6} {r['unit_name']:<{width}}{shown}   {cells}".rstrip())
    if not records:
        lines.append(gettext("(no rows)", lang))
    if note:
        lines += ["", f"*** {note} ***"]
    return "\n".join(lines)


def _title(evaluation: Evaluation, lang: str) -> str:
    from cchc_indicators.evaluation._labels import title_text

    return title_text(evaluation.plan, lang)


def _note(note: str, lang: str) -> str:
    from cchc_indicators.evaluation._labels import note_text

    return note_text(note, lang) if note else ""


def _words(
    evaluation: Evaluation, rows: list[Mapping[str, Any]], lang: str
) -> dict[tuple[str, str, str], str]:
    """Each target column's key line: the indicator's name and the target (and scope) in words."""
    ids = {id(r) for r in rows}
    labelled = [
        (r, lab)
        for r, lab in zip(evaluation.rows, evaluation.to_records(lang), strict=True)
        if id(r) in ids
    ]
    keys: dict[tuple[str, str, str], str] = {}
    for r, lab in labelled:
        key = (r["indicator"], r["target"], r["scope"])
        if key not in keys:
            keys[key] = f"{lab['name_label']}: {lab['target_label']}"
    shown = list(keys.values())
    for key, text in keys.items():
        if shown.count(text) > 1:
            first = next(
                lab for r, lab in labelled if (r["indicator"], r["target"], r["scope"]) == key
            )
            keys[key] = f"{text} [{first['scope_label']}]"
    return keys
