"""The HTML report of an evaluation: one self-contained file for a People's Committee.

:func:`evaluation_report` writes an :class:`~cchc_indicators.evaluation.Evaluation`
as one complete HTML5 document in Vietnamese or English. The file needs
nothing else: no external URL, font, script or stylesheet (the charts are
inline SVG drawn without matplotlib), so it opens offline, can be mailed as
it is, and prints on A4 from any browser (each reform area on a new page).

The report holds, in order:

* the plan's header: title, code, the period evaluated, baseline, deadline,
  the unit, the projection method and the data's coverage;
* the synthetic-data banner when the data carry a note;
* the scorecard: one row per target of the plan's unit, coloured by status,
  with the value, the target and the status in words, the projection to the
  deadline and why a row has no value or verdict;
* one section per reform area: its targets in detail, for each target set
  for a tier below the unit (districts, communes) the table of that tier's
  units with their value and status, and, when the data are given, a
  trajectory chart per indicator (values, target, projection, deadline);
* what the data cover and the method used.

The structure is stable, so that tests and style sheets can rely on it:

* ``table#scorecard`` (class ``scorecard``) has one ``tr.row.status-<code>``
  per row of the plan's unit, with ``data-indicator``, ``data-scope``,
  ``data-area`` and ``data-status``;
* ``section.area[data-area=<code>]`` per reform area with rows, holding
  ``table.area-rows`` (``tr.area-row.status-<code>``), a ``div.tier`` per
  tier target (``data-indicator``, ``data-tier``; ``tr.unit-row.status-<code>``
  with ``data-unit``) and ``figure.chart`` per chart;
* ``svg.trajectory[data-indicator][data-scope][data-unit]`` holds
  ``path.series.observed``, ``g.points``, ``g.target`` (one per target drawn),
  ``line.projection`` (when a row has a projection) and ``g.deadline``;
* ``div.banner.synthetic`` when the evaluation has a note;
* ``section.about`` (coverage and method).

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import catalog, datasets, evaluate
>>> panel = datasets.demo_panel()
>>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), panel, period=2023)
>>> page = evaluation_report(ev, panel=panel, lang="vi")
>>> page.startswith("<!DOCTYPE html>"), '<html lang="vi">' in page
(True, True)
>>> page.count('<tr class="row status-'), len(ev.plan_rows())
(30, 30)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._html import escape, status_class
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, UnknownPeriodError
from cchc_indicators.core.i18n import (
    area_label,
    check_language,
    default_language,
    gettext,
    level_label,
    number,
    status_label,
)
from cchc_indicators.core.indicators import Area
from cchc_indicators.core.targets import STATUSES
from cchc_indicators.data.panel import Panel
from cchc_indicators.report._html_doc import Html, banner, document, header, table
from cchc_indicators.report._html_trajectory import trajectory
from cchc_indicators.report._html_words import (
    Judged,
    indicator_name,
    plan_title,
    projection_text,
    remarks,
    row_targets,
    scope_text,
    target_text,
    value_text,
)

if TYPE_CHECKING:
    from cchc_indicators.evaluation import Evaluation

__all__ = ["evaluation_report"]

Row = Mapping[str, Any]


def _method_name(method: str, lang: str) -> str:
    names = {
        "linear": gettext("linear trend (least squares)", lang),
        "open-sdg": gettext("ratio of observed to required growth (Open SDG)", lang),
        "unsd": gettext("UN Progress Chart method (UNSD)", lang),
        "escap": gettext("ESCAP's time-weighted projection", lang),
    }
    return names.get(method, method)


def _counts(rows: Sequence[Row], lang: str) -> str:
    """The statuses of ``rows`` counted, as a list of coloured items (statuses without rows left out)."""
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r["status"]] += 1
    items = "".join(
        f'<li class="{status_class(s)}" data-status="{escape(s)}">'
        f"{escape(status_label(s, lang))}: {number(n, lang, 0)}</li>"
        for s, n in counts.items()
        if n
    )
    return f'<ul class="counts">{items}</ul>'


def _status_cell(status: str, lang: str) -> Html:
    return Html(f'<span class="status-text">{escape(status_label(status, lang))}</span>')


def _name_cell(ev: Evaluation, row: Row, lang: str) -> Html:
    name = indicator_name(ev.plan, str(row["indicator"]), lang, str(row.get("name") or ""))
    return Html(f'{escape(name)}<br/><span class="code">{escape(row["indicator"])}</span>')


def _plan_unit_rows(ev: Evaluation, judged: Sequence[Judged]) -> list[tuple[Row, Judged]]:
    plan_rows = {id(r) for r in ev.plan_rows()}
    return [(r, j) for r, j in zip(ev.rows, judged, strict=True) if id(r) in plan_rows]


def _scorecard(
    ev: Evaluation, rows: Sequence[tuple[Row, Judged]], lang: str, *, table_id: str
) -> str:
    """The scorecard table: one ``tr.row.status-<code>`` per row of the plan's unit(s)."""
    several = len({r["unit"] for r, _ in rows}) > 1
    head = [
        gettext("Indicator", lang),
        *([gettext("Unit", lang)] if several else []),
        gettext("Scope", lang),
        gettext("Value", lang),
        gettext("Target", lang),
        gettext("Status", lang),
        gettext("Projection", lang),
        gettext("Remarks", lang),
    ]
    body = [
        [
            _name_cell(ev, r, lang),
            *([f"{r['unit_name']} ({r['unit']})"] if several else []),
            scope_text(r, lang),
            value_text(r["value"], r["unit_label"], lang),
            target_text(r, j, lang),
            _status_cell(r["status"], lang),
            projection_text(r, lang),
            remarks(r, lang),
        ]
        for r, j in rows
    ]
    attributes = [
        {
            "class": f"row {status_class(r['status'])}",
            "data-indicator": r["indicator"],
            "data-unit": r["unit"],
            "data-scope": r["scope"],
            "data-area": r["area"],
            "data-status": r["status"],
        }
        for r, _ in rows
    ]
    classes = [
        "",
        *([""] if several else []),
        "scope",
        "number",
        "target",
        "status",
        "number",
        "remarks",
    ]
    out = table(head, body, cls="scorecard", row_attributes=attributes, cell_classes=classes)
    return out.replace("<table ", f'<table id="{escape(table_id)}" ', 1)


def _details(ev: Evaluation, rows: Sequence[tuple[Row, Judged]], lang: str) -> str:
    """An area's rows in detail: coverage, method, category and expected attainment too."""
    head = [
        gettext("Indicator", lang),
        gettext("Scope", lang),
        gettext("Value", lang),
        gettext("Target", lang),
        gettext("Status", lang),
        gettext("Coverage", lang),
        gettext("Projection", lang),
        gettext("Expected attainment", lang),
    ]
    body = [
        [
            _name_cell(ev, r, lang),
            scope_text(r, lang),
            value_text(r["value"], r["unit_label"], lang),
            target_text(r, j, lang),
            _status_cell(r["status"], lang),
            "—" if r.get("coverage") is None else value_text(r["coverage"] * 100.0, "%", lang),
            projection_text(r, lang) or "—",
            r.get("attainment_period") or "—",
        ]
        for r, j in rows
    ]
    attributes = [
        {"class": f"area-row {status_class(r['status'])}", "data-indicator": r["indicator"]}
        for r, _ in rows
    ]
    classes = ["", "scope", "number", "target", "status", "number", "number", ""]
    return table(head, body, cls="area-rows", row_attributes=attributes, cell_classes=classes)


def _tier_blocks(ev: Evaluation, judged: Sequence[Judged], area: str, lang: str) -> list[str]:
    """For each target of a tier below the plan's unit in ``area``: its units, value and status.

    The rows of a tier's units follow the pooled row of their target in the
    evaluation; they are gathered from there.
    """
    plan_ids = {id(r) for r in ev.plan_rows()}
    groups: list[tuple[Row, Judged, list[tuple[Row, Judged]]]] = []
    current: tuple[Row, Judged, list[tuple[Row, Judged]]] | None = None
    for r, j in zip(ev.rows, judged, strict=True):
        if id(r) in plan_ids:
            if str(r["scope"]).startswith("tier:") and r["area"] == area:
                if current is None or (current[0]["indicator"], current[0]["scope"]) != (
                    r["indicator"],
                    r["scope"],
                ):
                    current = (r, j, [])
                    groups.append(current)
            else:
                current = None
        elif (
            current is not None
            and r["indicator"] == current[0]["indicator"]
            and r["scope"] == "own"
            and f"tier:{r['level']}" == current[0]["scope"]
        ):
            current[2].append((r, j))
    out = []
    for pooled, pooled_judged, members in groups:
        if not members:
            continue
        units = [u for u, _ in members]
        own_judged = members[0][1] if members[0][1] is not None else pooled_judged
        tier = str(pooled["scope"])[len("tier:") :]
        met = sum(1 for u in units if u["status"] == "achieved")
        name = indicator_name(
            ev.plan, str(pooled["indicator"]), lang, str(pooled.get("name") or "")
        )
        summary = gettext("{met}/{total} {units} meet the target ({target})", lang).format(
            met=number(met, lang, 0),
            total=number(len(units), lang, 0),
            units=level_label(tier, lang, plural=True),
            target=target_text(units[0], own_judged, lang),
        )
        head = [
            gettext("Unit", lang),
            gettext("Value", lang),
            gettext("Status", lang),
            gettext("Remarks", lang),
        ]
        body = [
            [
                f"{u['unit_name']} ({u['unit']})",
                value_text(u["value"], u["unit_label"], lang),
                _status_cell(u["status"], lang),
                remarks(u, lang),
            ]
            for u in units
        ]
        attributes = [
            {
                "class": f"unit-row {status_class(u['status'])}",
                "data-unit": u["unit"],
                "data-status": u["status"],
            }
            for u in units
        ]
        heading = gettext("{indicator}: each {unit}", lang).format(
            indicator=name, unit=level_label(tier, lang)
        )
        out.append(
            f'<div class="tier" data-indicator="{escape(pooled["indicator"])}" data-tier="{escape(tier)}">'
            f"<h3>{escape(heading)}</h3><p>{escape(summary)}</p>{_counts(units, lang)}"
            + table(
                head,
                body,
                cls="tier-units",
                row_attributes=attributes,
                cell_classes=["", "number", "status", ""],
            )
            + "</div>"
        )
    return out


def _charts(
    ev: Evaluation, rows: Sequence[tuple[Row, Judged]], panel: Panel, lang: str
) -> list[str]:
    """A trajectory per indicator and scope among ``rows`` (of the plan's unit)."""
    groups: dict[tuple[str, str], list[tuple[Row, Judged]]] = {}
    for r, j in rows:
        groups.setdefault((str(r["indicator"]), str(r["scope"])), []).append((r, j))
    charts = [trajectory(panel, ev.plan, ev.period, group, lang) for group in groups.values()]
    return [c for c in charts if c]


def _check_panel(ev: Evaluation, panel: Panel | None) -> None:
    check_type(
        panel,
        (Panel, type(None)),
        func="evaluation_report",
        parameter="panel",
        expected="the Panel evaluated (for the charts), or None",
    )
    if panel is None:
        return
    if ev.period not in panel.periods:
        held = ", ".join(panel.periods) or "no period"
        msg = (
            f"evaluation_report: the panel does not hold the period evaluated, {ev.period!r} "
            f"(it holds {held}); pass the panel the evaluation was made on"
        )
        raise UnknownPeriodError(msg, key=ev.period)
    if ev.plan.unit is not None and ev.plan.unit not in panel.hierarchy:
        msg = (
            f"evaluation_report: the panel's units do not hold the plan's unit {ev.plan.unit!r}; "
            "pass the panel the evaluation was made on"
        )
        raise DefinitionError(msg)


def _facts(
    ev: Evaluation, plan_rows: Sequence[Row], panel: Panel | None, lang: str
) -> list[tuple[str, object]]:
    plan = ev.plan
    units = list(dict.fromkeys(f"{r['unit_name']} ({r['unit']})" for r in plan_rows))
    if plan.unit is None or not units:
        unit = ", ".join(units[:5]) + (" …" if len(units) > 5 else "") or "—"
    else:
        unit = units[0]
    methods = list(dict.fromkeys(r["method"] for r in ev.rows if r.get("method")))
    facts: list[tuple[str, object]] = [
        (gettext("Plan", lang), Html(f'<span class="code">{escape(plan.code)}</span>')),
        (gettext("Unit", lang), unit),
        (gettext("Period evaluated", lang), ev.period),
        (gettext("Baseline", lang), plan.baseline or "—"),
        (gettext("Deadline", lang), plan.deadline or "—"),
    ]
    if plan.document:
        facts.append((gettext("Document", lang), plan.document))
    if plan.issuer:
        facts.append((gettext("Issued by", lang), plan.issuer))
    facts.append(
        (
            gettext("Projection method", lang),
            ", ".join(_method_name(m, lang) for m in methods) or gettext("none", lang),
        )
    )
    with_data = sum(1 for r in plan_rows if r["status"] != "no_data")
    facts.append(
        (
            gettext("Targets with data", lang),
            gettext("{n} of {total}", lang).format(
                n=number(with_data, lang, 0), total=number(len(plan_rows), lang, 0)
            ),
        )
    )
    if panel is not None:
        facts.append((gettext("Periods of the data", lang), ", ".join(panel.periods)))
    return facts


def _about(ev: Evaluation, plan_rows: Sequence[Row], panel: Panel | None, lang: str) -> str:
    """What the data cover and the method used."""
    all_with = sum(1 for r in ev.rows if r["status"] != "no_data")
    plan_with = sum(1 for r in plan_rows if r["status"] != "no_data")
    methods = list(dict.fromkeys(r["method"] for r in ev.rows if r.get("method")))
    items = [
        gettext("Targets of the plan's unit with data in {period}: {n} of {total}.", lang).format(
            period=ev.period, n=number(plan_with, lang, 0), total=number(len(plan_rows), lang, 0)
        ),
        gettext(
            "All rows with data, the units of the tiers included: {n} of {total}.", lang
        ).format(n=number(all_with, lang, 0), total=number(len(ev.rows), lang, 0)),
    ]
    if panel is not None:
        items.append(
            gettext("Periods in the data: {periods}; source: {source}.", lang).format(
                periods=", ".join(panel.periods), source=panel.source
            )
        )
    if methods:
        items.append(
            gettext(
                "Values before the deadline are projected to it by {method}; a target is on "
                "track when the projection meets it.",
                lang,
            ).format(method=", ".join(_method_name(m, lang) for m in methods))
        )
    else:
        items.append(
            gettext(
                "No value was projected: every target was due or is judged period by period.", lang
            )
        )
    lis = "".join(f"<li>{escape(t)}</li>" for t in items)
    heading = gettext("The data and the method", lang)
    return f'<section class="about"><h2>{escape(heading)}</h2><ul>{lis}</ul></section>'


def evaluation_report(
    evaluation: Evaluation,
    *,
    panel: Panel | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> str:
    """Write an evaluation as one self-contained HTML report (a complete HTML5 document).

    .. versionadded:: 0.1.0

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`.
    panel
        The data the evaluation was made on: with it, each area has a
        trajectory chart per indicator of the plan's unit (values up to the
        period evaluated, target, projection, deadline); without it, the
        report has the tables only. Charts are drawn for a plan about one
        unit (``plan.unit``).
    lang
        ``"vi"`` or ``"en"``; ``None`` uses the default language
        (``cchc_indicators.core.i18n.default_language()``: ``CCHC_LANG``,
        else English).
    title
        The report's heading (default: the plan's title in ``lang``).

    Returns
    -------
    str
        The document, starting ``<!DOCTYPE html>``; write it to a ``.html``
        file with UTF-8 encoding. The module's description lists its
        structure (classes and ``data-`` attributes).

    Raises
    ------
    ArgumentTypeError
        If ``evaluation`` is not an :class:`~cchc_indicators.evaluation.Evaluation`
        or ``panel`` not a :class:`~cchc_indicators.data.panel.Panel`.
    DefinitionError
        If ``lang`` is not ``"vi"`` or ``"en"``, or the panel's units do not
        hold the plan's unit.
    UnknownPeriodError
        If the panel does not hold the period evaluated.

    See Also
    --------
    cchc_indicators.evaluation.Evaluation.to_report : the same, as a method.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets, evaluate
    >>> panel = datasets.demo_panel()
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), panel, period=2023)
    >>> page = evaluation_report(ev, panel=panel, lang="en")
    >>> page.count('<section class="area"'), page.count('<svg ')
    (5, 28)
    >>> 'class="banner synthetic"' in page, "Off track" in page
    (True, True)
    """
    if not all(hasattr(evaluation, a) for a in ("plan", "period", "rows", "note", "plan_rows")):
        # an Evaluation by what it has, not its class: doctests may load the module twice
        msg = (
            "evaluation_report: 'evaluation' must be an Evaluation (the result of evaluate), "
            f"got {describe(evaluation)}"
        )
        raise ArgumentTypeError(msg, parameter="evaluation")
    lang = check_language(default_language() if lang is None else lang, func="evaluation_report")
    check_type(
        title,
        (str, type(None)),
        func="evaluation_report",
        parameter="title",
        expected="a str or None",
    )
    _check_panel(evaluation, panel)
    ev = evaluation
    judged = row_targets(ev)
    plan_rows = _plan_unit_rows(ev, judged)
    only_rows = [r for r, _ in plan_rows]
    heading = title or plan_title(ev.plan, lang)
    scorecard_heading = gettext("Scorecard", lang)
    charts_heading = gettext("Trajectories", lang)
    footer = gettext("Made with cchc-indicators.", lang)
    parts = [
        header(heading, _facts(ev, only_rows, panel, lang), lang=lang),
        banner(ev.note, lang),
        f'<section class="scorecard"><h2>{escape(scorecard_heading)}</h2>',
        _counts(only_rows, lang),
        _scorecard(ev, plan_rows, lang, table_id="scorecard"),
        "</section>",
    ]
    for area in [a.value for a in Area]:
        rows = [(r, j) for r, j in plan_rows if r["area"] == area]
        if not rows:
            continue
        parts.append(f'<section class="area" data-area="{escape(area)}">')
        parts.append(f"<h2>{escape(area_label(area, lang))}</h2>")
        parts.append(_counts([r for r, _ in rows], lang))
        parts.append(_details(ev, rows, lang))
        parts += _tier_blocks(ev, judged, area, lang)
        if panel is not None and ev.plan.unit is not None:
            charts = _charts(ev, rows, panel, lang)
            if charts:
                parts.append(f"<h3>{escape(charts_heading)}</h3>")
                parts.append('<div class="charts">' + "".join(charts) + "</div>")
        parts.append("</section>")
    parts.append(_about(ev, only_rows, panel, lang))
    if ev.note:
        parts.append(banner(ev.note, lang))
    parts.append(f"<footer>{escape(footer)}</footer>")
    return document("\n".join(parts), lang=lang, title=f"{heading} — {ev.period}")


def _notebook(evaluation: Evaluation, lang: str | None = None) -> str:
    """The notebook display of an evaluation: the scorecard of the plan's unit, and how to see all rows."""
    from cchc_indicators.core._html import STATUS_CSS

    ev = evaluation
    lang = check_language(default_language() if lang is None else lang)
    judged = row_targets(ev)
    rows = _plan_unit_rows(ev, judged)
    note = gettext(
        "The targets of the plan's unit: {shown} of {total} rows. All rows: {how}.", lang
    ).format(
        shown=number(len(rows), lang, 0),
        total=number(len(ev.rows), lang, 0),
        how="ev.to_frame(), ev.to_html()",
    )
    title = f"{plan_title(ev.plan, lang)} — {ev.period}"
    css = STATUS_CSS.replace(".status-", ".cchc-evaluation .status-") + (
        " .cchc-evaluation .banner { background: #fff1c2; border: 2px solid #b58100;"
        " padding: .4em .8em; font-weight: bold; }"
    )
    return (
        f'<div class="cchc-evaluation"><style>{css}</style>'
        f"<p><strong>{escape(title)}</strong></p>"
        + banner(ev.note, lang)
        + _scorecard(ev, rows, lang, table_id="cchc-scorecard")
        + f'<p class="note">{escape(note)}</p></div>'
    )
