"""An evaluation's rows in words, for the HTML report and the notebook display.

The words are the scorecard's and the workbook's
(:mod:`cchc_indicators.evaluation._labels`), so every output says the same.
What each row was judged against comes from the evaluation (one
:class:`~cchc_indicators.evaluation._rows.RowTarget` per row, as
:func:`~cchc_indicators.evaluation.evaluate` records it) or, for an
evaluation built without them, is found in the plan by the row's indicator,
kind and threshold; failing both, the row's own English text is shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cchc_indicators.core.i18n import gettext, percent, scope_label
from cchc_indicators.core.rules import ShareMeeting
from cchc_indicators.evaluation._labels import names, periods_text, reason_text, title_text
from cchc_indicators.evaluation._labels import target_text as _target_text
from cchc_indicators.evaluation._labels import value_text as value_text
from cchc_indicators.evaluation._rows import RowTarget

if TYPE_CHECKING:
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.evaluation import Evaluation

__all__ = [
    "Judged",
    "indicator_name",
    "plan_title",
    "projection_text",
    "remarks",
    "row_targets",
    "scope_text",
    "target_text",
    "value_text",
]

#: What a row was judged against (``None``: unknown).
Judged = RowTarget | None


def indicator_name(plan: Plan, code: str, lang: str, fallback: str = "") -> str:
    """The indicator's name in ``lang`` (the row's own ``name``, then the code, when the plan lacks it)."""
    return names(plan, lang).get(code) or fallback or code


def plan_title(plan: Plan, lang: str) -> str:
    """The plan's title in ``lang``, else in the other language, else its code."""
    return title_text(plan, lang)


def _find(plan: Plan, row: Mapping[str, Any]) -> Judged:
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
            return RowTarget(t)
        if (
            isinstance(t.rule, ShareMeeting)
            and row.get("scope") == "own"
            and t.tier == row.get("level")
            and t.rule.condition.threshold == threshold
        ):
            return RowTarget(t, condition=t.rule.condition)
    return None


def row_targets(evaluation: Evaluation) -> list[Judged]:
    """What each row was judged against, row by row (``None`` when unknown)."""
    given: Sequence[RowTarget] = getattr(evaluation, "_targets", ()) or ()
    if len(given) == len(evaluation.rows):
        return list(given)
    return [_find(evaluation.plan, r) for r in evaluation.rows]


def target_text(row: Mapping[str, Any], judged: Judged, lang: str) -> str:
    """The row's target in words (its English text when what it was judged against is unknown)."""
    return _target_text(judged, row, lang)


def scope_text(row: Mapping[str, Any], lang: str) -> str:
    """The row's scope in words (``toàn tỉnh``, ``các huyện``)."""
    return scope_label(str(row["scope"]), lang, row.get("level"))


def remarks(row: Mapping[str, Any], lang: str) -> str:
    """Why a row has no value or no verdict, the periods it missed, and a partial coverage."""
    parts = [reason_text(row, lang), periods_text(row, lang)]
    coverage = row.get("coverage")
    if coverage is not None and coverage < 1.0 and row.get("value") is not None:
        parts.append(gettext("coverage {share}", lang).format(share=percent(coverage * 100, lang)))
    return "; ".join(p for p in parts if p)


def projection_text(row: Mapping[str, Any], lang: str) -> str:
    """The value projected at the deadline, with the deadline (empty without a projection)."""
    if row.get("projected") is None:
        return ""
    return gettext("{value} by {deadline}", lang).format(
        value=value_text(row["projected"], row["unit_label"], lang), deadline=row["deadline"]
    )
