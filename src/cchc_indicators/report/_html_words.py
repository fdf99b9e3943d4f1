"""An evaluation's rows in words, for the HTML report and the notebook display.

What each row was judged against comes from the evaluation
(``Evaluation._targets``, one per row, when it has them) or, for an
evaluation made without them, is found in the plan by the row's indicator,
kind and threshold; failing both, the row's own English text is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cchc_indicators.core.i18n import (
    gettext,
    number,
    percent,
    reason_label,
    scope_label,
    target_label,
    unit_label,
)
from cchc_indicators.core.rules import Condition, ShareMeeting
from cchc_indicators.core.targets import Target

if TYPE_CHECKING:
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.evaluation import Evaluation

#: What a row was judged against: its target and, for a tier unit's own condition, that condition.
Judged = tuple[Target, Condition | None] | None

_OPS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<"}


def indicator_name(plan: Plan, code: str, lang: str, fallback: str = "") -> str:
    """The indicator's name in ``lang`` (English: ``name_en`` when the plan has one)."""
    if code not in plan.codes:
        return fallback or code
    ind = plan.indicator(code)
    if lang == "en" and ind.name_en:
        return ind.name_en
    return ind.name or fallback or code


def plan_title(plan: Plan, lang: str) -> str:
    """The plan's title in ``lang``, else in the other language, else its code."""
    first, second = (plan.title, plan.title_en) if lang == "vi" else (plan.title_en, plan.title)
    return first or second or plan.code


def value_text(x: float | None, unit: str, lang: str) -> str:
    """A value with its unit: ``68 %``, ``hạng 17``, ``Có``, ``-0,3 điểm``; a dash when missing.

    Examples
    --------
    >>> value_text(91.44, "%", "vi"), value_text(17.0, "rank", "vi"), value_text(1.0, "yes/no", "en")
    ('91,4 %', 'hạng 17', 'Yes')
    """
    if x is None:
        return "—"
    if unit == "rank":
        return gettext("rank {n}", lang).format(n=number(x, lang, 0))
    if unit == "yes/no" and x in (0.0, 1.0):
        return gettext("Yes", lang) if x == 1.0 else gettext("No", lang)
    shown = unit_label(unit, lang)
    if shown == "%":
        return percent(x, lang)
    return f"{number(x, lang)} {shown}".rstrip()


def condition_text(c: Condition, unit: str, lang: str) -> str:
    """A unit's own condition in words: ``= Có, từng đơn vị``."""
    return gettext("{op} {value}, each unit", lang).format(
        op=_OPS.get(c.op, c.op), value=value_text(c.threshold, unit, lang)
    )


def _find(plan: Plan, row: Mapping[str, Any]) -> tuple[Target, Condition | None] | None:
    """The target (and own condition) of ``row`` in the plan, found by indicator, kind and threshold."""
    code = row["indicator"]
    candidates = [
        t
        for ind in plan.indicators
        for t in ind.targets
        if (code in t.fields) or (not t.fields and ind.code == code)
    ]
    threshold = row.get("threshold")
    is_rank = str(row.get("target", "")).startswith("rank")
    for t in candidates:
        if (t.kind == "rank_at_most") != is_rank:
            continue
        if is_rank or t.bound == threshold:
            return t, None
        if (
            isinstance(t.rule, ShareMeeting)
            and row.get("scope") == "own"
            and t.tier == row.get("level")
            and t.rule.condition.threshold == threshold
        ):
            return t, t.rule.condition
    return None


def row_targets(evaluation: Evaluation) -> list[Judged]:
    """What each row was judged against: ``(target, condition)``, or ``None`` when unknown."""
    given: Sequence[Any] = getattr(evaluation, "_targets", ()) or ()
    if len(given) == len(evaluation.rows):
        return [(rt.target, getattr(rt, "condition", None)) for rt in given]
    return [_find(evaluation.plan, r) for r in evaluation.rows]


def target_text(row: Mapping[str, Any], judged: Judged, plan: Plan, lang: str) -> str:
    """The row's target in words (its English text when what it was judged against is unknown)."""
    if judged is None:
        return str(row.get("target") or "")
    target, condition = judged
    code = row["indicator"]
    unit = plan.indicator(code).unit if code in plan.codes else ""
    if condition is not None:
        return condition_text(condition, unit, lang)
    return target_label(target, lang, unit)


def scope_text(row: Mapping[str, Any], lang: str) -> str:
    """The row's scope in words (``toàn tỉnh``, ``các huyện``)."""
    return scope_label(str(row["scope"]), lang, row.get("level"))


def remarks(row: Mapping[str, Any], lang: str) -> str:
    """Why a row has no value or no verdict, the periods it missed, and a partial coverage."""
    parts = []
    if row.get("reason"):
        parts.append(reason_label(row["reason"], lang))
    if row.get("periods_not_met"):
        parts.append(gettext("not met in {periods}", lang).format(periods=row["periods_not_met"]))
    if row.get("periods_without_data"):
        parts.append(
            gettext("no data for {periods}", lang).format(periods=row["periods_without_data"])
        )
    coverage = row.get("coverage")
    if coverage is not None and coverage < 1.0 and row.get("value") is not None:
        parts.append(gettext("coverage {share}", lang).format(share=percent(coverage * 100, lang)))
    return "; ".join(parts)


def projection_text(row: Mapping[str, Any], lang: str) -> str:
    """The value projected at the deadline, with the deadline (empty without a projection)."""
    if row.get("projected") is None:
        return ""
    return gettext("{value} by {deadline}", lang).format(
        value=value_text(row["projected"], row["unit_label"], lang), deadline=row["deadline"]
    )
