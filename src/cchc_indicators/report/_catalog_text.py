"""A plan's definitions as readable text: what ``cchc catalog show`` prints.

Every indicator with its names (and other names), area, measure, definition
and source, and every target with its tier, deadline and source. The Markdown
form is the docs' catalogue pages, so that the pages say exactly what the
shipped files say.
"""

from __future__ import annotations

import textwrap

from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import Target

__all__ = ["plan_markdown", "plan_text"]

_WIDTH = 100


def _wrap(text: str, width: int, **options: str) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces only (codes like NĐ-CP stay whole)."""
    return textwrap.wrap(text, width, break_on_hyphens=False, **options)  # type: ignore[arg-type]


def _measure(ind: Indicator) -> str:
    m = ind.measure
    if m.is_percent:
        return "percent"
    if m.bounds is not None:
        lo, hi = m.bounds
        return f"{m.kind} {lo:g}–{hi:g}"
    return m.kind


def _target(t: Target, ind: Indicator, plan: Plan) -> str:
    due = t.deadline or plan.deadline
    text = t.describe(ind.unit)
    return f"{text}, by {due}" if due else text


def _heading(plan: Plan) -> list[str]:
    lines = [plan.title, plan.title_en]
    issued = ", ".join(x for x in (plan.issuer, plan.date) if x)
    if plan.document:
        lines.append(f"{plan.document} ({issued})" if issued else plan.document)
    span = f"{plan.start}–{plan.end}" if plan.start and plan.end else ""
    lines.append(
        f"period {span or '?'}; baseline {plan.baseline or '-'}; deadline {plan.deadline or '-'}; "
        f"unit {plan.unit or 'every top-level unit'}; units {plan.units or '-'}"
    )
    return [x for x in lines if x]


def plan_text(plan: Plan) -> str:
    """Return the plan's indicators, definitions and targets as text at most 100 columns wide.

    Examples
    --------
    >>> from cchc_indicators import catalog
    >>> text = plan_text(catalog.load("vinh-phuc-2021-2025"))
    >>> print(text.splitlines()[5])
    par_index: Chỉ số cải cách hành chính (PAR INDEX) của tỉnh
    >>> max(len(line) for line in text.splitlines()) <= 100
    True
    """
    out = [line for text in _heading(plan) for line in _wrap(text, _WIDTH)]
    indent = "    "
    for ind in plan.indicators:
        out.append("")
        out.extend(_wrap(f"{ind.code}: {ind.name}", _WIDTH, subsequent_indent=indent))
        if ind.name_en:
            out.extend(_wrap(ind.name_en, _WIDTH, initial_indent=indent, subsequent_indent=indent))
        facts = (
            f"area {ind.area.value}; {_measure(ind)} ({ind.unit}); rule {ind.rule.to_spec()}; "
            f"{ind.temporal.value}; {ind.direction.value} is better"
        )
        out.extend(_wrap(facts, _WIDTH, initial_indent=indent, subsequent_indent=indent))
        for alias in ind.aliases:
            out.extend(
                _wrap(f"also: {alias}", _WIDTH, initial_indent=indent, subsequent_indent=indent * 2)
            )
        if ind.description:
            out.extend(
                _wrap(
                    f"definition: {ind.description}",
                    _WIDTH,
                    initial_indent=indent,
                    subsequent_indent=indent * 2,
                )
            )
        if ind.source:
            out.extend(
                _wrap(
                    f"source: {ind.source}",
                    _WIDTH,
                    initial_indent=indent,
                    subsequent_indent=indent * 2,
                )
            )
        if not ind.targets:
            out.append(f"{indent}targets: none of its own")
        for t in ind.targets:
            line = f"target: {_target(t, ind, plan)}"
            if t.source and t.source != ind.source:
                line += f" (source: {t.source})"
            out.extend(_wrap(line, _WIDTH, initial_indent=indent, subsequent_indent=indent * 2))
    if plan.notes:
        out.append("")
        out.extend(_wrap(f"Notes: {plan.notes}", _WIDTH))
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_markdown(plan: Plan) -> str:
    """Return the plan as a Markdown page: one section per indicator, a table of its targets.

    Examples
    --------
    >>> from cchc_indicators import catalog
    >>> page = plan_markdown(catalog.load("vinh-phuc-2021-2025"))
    >>> page.splitlines()[0]
    '# Catalogue `vinh-phuc-2021-2025`'
    """
    out = [f"# Catalogue `{plan.code}`", ""]
    out.extend(f"{line}  " for line in _heading(plan))
    out.append("")
    out.append(
        "This page is generated from the shipped JSON file (`cchc catalog show "
        f"{plan.code} --format markdown`); a test keeps the two the same."
    )
    if plan.notes:
        out += ["", f"**Notes.** {plan.notes}"]
    for ind in plan.indicators:
        out += ["", f"## `{ind.code}`", "", f"**{ind.name}**"]
        if ind.name_en:
            out += ["", f"*{ind.name_en}*"]
        out += [
            "",
            f"- area: `{ind.area.value}`; measure: {_measure(ind)} ({ind.unit}); "
            f"rule: `{ind.rule.to_spec()}`; temporal: `{ind.temporal.value}`; "
            f"{ind.direction.value} is better",
        ]
        out.extend(f"- also called: {alias}" for alias in ind.aliases)
        if ind.description:
            out.append(f"- definition: {ind.description}")
        if ind.source:
            out.append(f"- source: {ind.source}")
        if not ind.targets:
            out += ["", "No target of its own."]
            continue
        out += ["", "| target | source |", "|---|---|"]
        for t in ind.targets:
            out.append(f"| {_cell(_target(t, ind, plan))} | {_cell(t.source or ind.source)} |")
    return "\n".join(out) + "\n"
