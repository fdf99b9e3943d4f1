"""The readable text of an evaluation's rows, in Vietnamese or English.

An :class:`~cchc_indicators.evaluation.Evaluation`'s rows hold codes
(``not_achieved``, ``tier:district``) that never change with the language;
the functions here write them in words for people: the indicator's name, the
value with its unit, the scope, the target, the status and why a row has no
verdict. :meth:`~cchc_indicators.evaluation.Evaluation.to_records` adds them
as the :data:`~cchc_indicators.evaluation.LABEL_COLUMNS`, and the scorecard
is written with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cchc_indicators.core import i18n
from cchc_indicators.core._notes import note_text as note_text  # its home was here
from cchc_indicators.core.i18n import N_, gettext
from cchc_indicators.core.rules import Condition

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.evaluation._rows import RowTarget

#: The label keys :meth:`Evaluation.to_records` adds to every row, in order.
LABEL_COLUMNS = (
    "name_label",
    "value_label",
    "scope_label",
    "target_label",
    "status_label",
    "reason_label",
    "note_label",
)

_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}


def title_text(plan: Plan, lang: str) -> str:
    """The plan's title in ``lang`` (the other language's, then the code, when it has none).

    Examples
    --------
    >>> from cchc_indicators.core.plan import Plan
    >>> plan = Plan("p", title="Kế hoạch", title_en="A plan")
    >>> title_text(plan, "vi"), title_text(plan, "en"), title_text(Plan("p"), "vi")
    ('Kế hoạch', 'A plan', 'p')
    """
    if lang == "en":
        return plan.title_en or plan.title or plan.code
    return plan.title or plan.title_en or plan.code


def names(plan: Plan, lang: str) -> dict[str, str]:
    """Each indicator's name in ``lang`` (``name`` is Vietnamese, ``name_en`` English), by code."""
    return {
        ind.code: ((ind.name_en or ind.name) if lang == "en" else (ind.name or ind.name_en))
        or ind.code
        for ind in plan.indicators
    }


def value_text(x: float | None, unit: str, lang: str) -> str:
    """A row's value with its unit: ``91,4 %``, ``85 điểm``, ``hạng 17``, ``có``; ``—`` when missing.

    Examples
    --------
    >>> value_text(91.44, "%", "vi"), value_text(85.0, "points", "vi"), value_text(17.0, "rank", "en")
    ('91,4 %', '85 điểm', 'rank 17')
    >>> value_text(1.0, "yes/no", "vi"), value_text(0.0, "yes/no", "en"), value_text(None, "%", "en")
    ('có', 'no', '—')
    >>> value_text(0.5, "yes/no", "en"), value_text(12.0, "count", "en")
    ('0.5', '12')
    """
    if x is None:
        return "—"
    if unit == "%":
        return i18n.percent(x, lang)
    if unit == "rank":
        return gettext("rank {n}", lang).format(n=i18n.number(x, lang, 0))
    if unit == "yes/no" and x in (0.0, 1.0):
        return gettext("yes", lang) if x == 1.0 else gettext("no", lang)
    if unit == "yes/no":
        return i18n.number(x, lang)
    return f"{i18n.number(x, lang)} {i18n.unit_label(unit, lang)}".rstrip()


def condition_text(condition: Condition, unit: str, lang: str) -> str:
    """A condition each unit of a tier is judged by, in words: ``≥ 60 %``, ``= có``.

    Examples
    --------
    >>> condition_text(Condition(">=", 60), "%", "vi"), condition_text(Condition("==", 1), "yes/no", "vi")
    ('≥ 60 %', '= có')
    """
    return f"{_SIGNS[condition.op]} {value_text(condition.threshold, unit, lang)}"


def target_text(spec: RowTarget | None, row: Mapping[str, Any], lang: str) -> str:
    """What a row was judged against, in words (the row's own text when that is unknown)."""
    if spec is None:
        return str(row.get("target") or "")
    unit = str(row.get("unit_label") or "")
    if spec.condition is not None:
        return condition_text(spec.condition, unit, lang)
    t = spec.target
    if unit == "yes/no" and t.kind == "at_least" and t.threshold == 1 and t.rule is None:
        text = condition_text(Condition("==", 1), unit, lang)  # "= có" rather than "≥ 1 có/không"
    else:
        text = i18n.target_label(t, lang, unit)
    if spec.rank_note is not None:
        mode, k, then, now = spec.rank_note
        among = i18n.level_label(spec.target.among or "", lang, plural=True)
        message = (
            N_("{target} (k = {k} kept: {then} {units} then, {now} now)")
            if mode == "same"
            else N_("{target} ({k} of {then} {units} scaled to {now})")
        )
        text = gettext(message, lang).format(
            target=text,
            k=i18n.number(k, lang, 0),
            then=i18n.number(then, lang, 0),
            now=i18n.number(now, lang, 0),
            units=among,
        )
    return text


def reason_text(row: Mapping[str, Any], lang: str) -> str:
    """Why a row has no value or no verdict, in words (empty for a row with both)."""
    return i18n.reason_label(row.get("reason"), lang)


def periods_text(row: Mapping[str, Any], lang: str) -> str:
    """For a target judged in every period: the periods it missed and those without data."""
    parts = []
    if row.get("periods_not_met"):
        parts.append(gettext("not met in {periods}", lang).format(periods=row["periods_not_met"]))
    if row.get("periods_without_data"):
        parts.append(
            gettext("no data for {periods}", lang).format(periods=row["periods_without_data"])
        )
    return "; ".join(parts)


def row_labels(
    plan: Plan,
    rows: Sequence[Mapping[str, Any]],
    targets: Sequence[RowTarget],
    lang: str,
) -> list[dict[str, str]]:
    """The :data:`LABEL_COLUMNS` of each row, in ``lang``.

    ``targets`` holds what each row was judged against (as
    :func:`~cchc_indicators.evaluation.evaluate` records it); when it does not
    match the rows, each target is written as the row's own text.
    """
    known = names(plan, lang)
    specs: Sequence[RowTarget | None] = targets if len(targets) == len(rows) else [None] * len(rows)
    return [
        {
            "name_label": known.get(str(r["indicator"])) or str(r.get("name") or r["indicator"]),
            "value_label": value_text(r.get("value"), str(r.get("unit_label") or ""), lang),
            "scope_label": i18n.scope_label(str(r["scope"]), lang, r.get("level")),
            "target_label": target_text(spec, r, lang),
            "status_label": i18n.status_label(str(r["status"]), lang),
            "reason_label": reason_text(r, lang),
            "note_label": note_text(str(r.get("note") or ""), lang),
        }
        for r, spec in zip(rows, specs, strict=True)
    ]
