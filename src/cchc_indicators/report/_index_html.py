"""The building of the composite-index report (:func:`cchc_indicators.report.index_html.index_report`).

The composite results' ``to_report()`` methods call :func:`write` directly:
this module imports nothing from :mod:`cchc_indicators.composite` but the
display helpers, so that the lazy upward import of those methods makes no
import cycle (the public module checks the arguments' types, which needs the
result classes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cchc_indicators.composite._result_html import (
    index_title,
    interval_head,
    interval_rows,
    method_facts,
    ranking_order,
    score,
    structure_text,
    varied_text,
)
from cchc_indicators.core._html import escape
from cchc_indicators.core._repr_html import note_text
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.i18n import (
    check_language,
    default_language,
    gettext,
    number,
    percent,
    status_label,
)
from cchc_indicators.report import _svg
from cchc_indicators.report._html_doc import Html, banner, document, header, table
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:
    from cchc_indicators.composite._result import IndexResult
    from cchc_indicators.composite._uncertainty_result import Uncertainty

__all__ = ["CSS", "write"]

#: What the index report adds to the shared stylesheet: the rank-interval chart, page breaks.
CSS = """
svg.rank-intervals .median { fill: #2166ac; stroke: #fff; stroke-width: 1; }
svg.rank-intervals .nominal { fill: none; stroke: #b2182b; stroke-width: 1.5; }
svg.rank-intervals g.unit text { font-size: 10px; }
svg.rank-intervals g.unit.no-rank text { fill: #888; }
figure.chart svg.rank-intervals { max-width: 760px; }
p.lead { margin: .3rem 0 .8rem; }
table.ranking thead th, table.rank-intervals thead th { white-space: normal;
  vertical-align: bottom; font-size: .8rem; }
table.ranking td:nth-child(2), table.rank-intervals td:nth-child(2) { white-space: nowrap; }
table.ranking td.number { font-size: .88rem; }
@media print {
  section.uncertainty, section.method { break-before: page; }
  figure.chart svg.rank-intervals { max-height: 255mm; width: auto; }
}
"""

_ROW = 14.0  # height of a unit's row in the chart (SVG units)
_STATUSES = ("no_data", "insufficient_data")  # the reasons a unit has no score, as statuses


def _names(names: Mapping[str, str] | Hierarchy | None, units: tuple[str, ...]) -> list[str]:
    """Each unit as ``Name (code)`` when a name is known, else its code."""
    if names is None:
        return list(units)
    if isinstance(names, Hierarchy):
        known = dict(zip(names.codes, names.names, strict=True))
    else:
        known = dict(names)
    return [f"{known[u]} ({u})" if known.get(u) else u for u in units]


def _check_uncertainty(result: IndexResult, u: Uncertainty, func: str) -> None:
    if u.nodes[0] != result.index or tuple(u.units) != tuple(result.units):
        msg = (
            f"{func}: the uncertainty analysis is of index {u.nodes[0]!r} on "
            f"{len(u.units)} units, the result of index {result.index!r} on {len(result.units)} "
            "units; pass the analysis of this result (uncertainty(index, data) with the same "
            "data and period)"
        )
        raise DefinitionError(msg)


def _ranking(result: IndexResult, labels: list[str], lang: str) -> str:
    i = result._row(None)
    kids = [c for c, p in zip(result.nodes, result.parents, strict=True) if p == result.index]
    rows_of = [result.nodes.index(c) for c in kids]
    order = ranking_order(result.ranks[i]).tolist()
    rows: list[list[object]] = []
    attributes = []
    for j in order:
        rank = int(result.ranks[i, j])
        reason = str(result.reason[i, j])
        main = score(float(result.scores[i, j]), lang)
        if rank == 0 and reason:
            main = f"— ({status_label(reason, lang) if reason in _STATUSES else reason})"
        rows.append(
            [
                number(rank or None, lang, 0),
                labels[j],
                main,
                *(score(float(result.scores[k, j]), lang) for k in rows_of),
            ]
        )
        attributes.append({"class": "unit", "data-unit": result.units[j], "data-rank": rank})
    head = [
        gettext("Rank", lang),
        gettext("Unit", lang),
        gettext("Score", lang),
        *(result.names.get(c) or c for c in kids),
    ]
    classes = ["number", "", "number", *(["number"] * len(kids))]
    ranked = int((result.ranks[i] > 0).sum())
    heading = gettext("Ranking", lang)
    lead = gettext("{ranked} of {total} units ranked, best first.", lang)
    return (
        '<section class="ranking">'
        f"<h2>{escape(heading)}</h2>"
        f'<p class="lead">{escape(lead.format(ranked=number(ranked, lang, 0), total=number(len(order), lang, 0)))}</p>'
        + table(head, rows, cls="ranking", row_attributes=attributes, cell_classes=classes)
        + "</section>"
    )


def _chart(u: Uncertainty, labels: list[str], lang: str) -> str:
    """The rank-interval chart: a row per unit, best nominal rank at the top."""
    records = interval_rows(u, lang)
    n = len(u.units)
    position = {code: j for j, code in enumerate(u.units)}
    longest = max((len(labels[position[r["unit"]]]) for r in records), default=4)
    left = min(60.0 + 5.6 * longest, 300.0)
    frame = _svg.Frame(
        width=720.0, height=54.0 + _ROW * n + 36.0, left=left, right=16.0, top=54.0, bottom=36.0
    )
    bottom, top = frame.y_range
    x = _svg.Scale(0.5, n + 0.5, *frame.x_range)
    y = _svg.Scale(-0.5, n - 0.5, top, bottom)
    ticks = [t for t in _svg.Scale(1.0, float(max(n, 1)), 0.0, 1.0, count=8).ticks() if t >= 1]
    if 1.0 not in ticks:
        ticks.insert(0, 1.0)
    parts = [
        '<g class="grid">'
        + "".join(
            f'<line x1="{float(x(t)):.1f}" y1="{top:.1f}" x2="{float(x(t)):.1f}" y2="{bottom:.1f}"/>'
            for t in ticks
        )
        + "</g>",
        _svg.x_axis(
            frame,
            x,
            [(t, number(t, lang, 0)) for t in ticks],
            label=gettext("rank (1 = best)", lang),
        ),
    ]
    if u.rank_target is not None and u.rank_target < n:
        parts.append(
            _svg.vline(
                u.rank_target + 0.5,
                frame,
                x,
                cls="target",
                label=gettext("top {k}", lang).format(k=number(u.rank_target, lang, 0)),
            )
        )
    for row, r in enumerate(records):
        label = labels[position[r["unit"]]]
        py = float(y(row))
        ranked = r["rank_median"] is not None
        attributes = {
            "class": "unit" if ranked else "unit no-rank",
            "data-unit": r["unit"],
            "data-rank": r["rank"] or 0,
            "data-median": r["rank_median"] or 0,
            "data-p05": r["rank_p05"] or 0,
            "data-p95": r["rank_p95"] or 0,
        }
        tip = gettext("{unit}: rank {rank}, median {median}, 5–95 %: {low}–{high}", lang).format(
            unit=label,
            rank=number(r["rank"], lang, 0),
            median=number(r["rank_median"], lang, 0),
            low=number(r["rank_p05"], lang, 0),
            high=number(r["rank_p95"], lang, 0),
        )
        inner = [
            f"<title>{escape(tip)}</title>",
            _svg.text(left - 6, py + 3.5, label, anchor="end"),
        ]
        if ranked:
            inner.append(_svg.hinterval(r["rank_p05"], r["rank_p95"], row, x, y, cls="interval"))
            inner.append(
                f'<circle class="median" cx="{float(x(r["rank_median"])):.1f}" cy="{py:.1f}" r="3.5"/>'
            )
        if r["rank"]:
            inner.append(
                f'<circle class="nominal" cx="{float(x(r["rank"])):.1f}" cy="{py:.1f}" r="5"/>'
            )
        attrs_text = "".join(f' {k}="{escape(v)}"' for k, v in attributes.items())
        parts.append(f"<g{attrs_text}>{''.join(inner)}</g>")
    parts.append(_legend(frame, lang))
    title = gettext("Median rank and 5–95 % rank interval of each unit", lang)
    chart = _svg.svg(
        frame,
        "".join(parts),
        cls="rank-intervals",
        attributes={"data-units": n, "data-replications": u.n},
        title=title,
    )
    caption = gettext(
        "Each line spans the ranks a unit takes in 90 % of the {n} replications; the dot is its "
        "median rank, the ring its rank with the index's own choices.",
        lang,
    ).format(n=number(u.n, lang, 0))
    return f'<figure class="chart">{chart}<figcaption>{escape(caption)}</figcaption></figure>'


def _legend(frame: _svg.Frame, lang: str) -> str:
    left = frame.x_range[0]
    y = 20.0
    items = [
        (
            f'<line class="interval" x1="{left:.1f}" y1="{y - 4:.1f}" x2="{left + 18:.1f}" y2="{y - 4:.1f}"/>',
            gettext("5–95 % interval", lang),
        ),
        (
            f'<circle class="median" cx="{left + 9:.1f}" cy="{y - 4:.1f}" r="3.5"/>',
            gettext("Median rank", lang),
        ),
        (
            f'<circle class="nominal" cx="{left + 9:.1f}" cy="{y - 4:.1f}" r="5"/>',
            gettext("Nominal rank", lang),
        ),
    ]
    parts = ['<g class="legend">']
    px = 0.0
    for sample, label in items:
        parts.append(f'<g transform="translate({px:.1f},0)">{sample}')
        parts.append(_svg.text(left + 24, y, label) + "</g>")
        px += 36.0 + 6.2 * len(label)
    parts.append("</g>")
    return "".join(parts)


def _uncertainty(u: Uncertainty, labels: list[str], lang: str) -> str:
    position = {code: j for j, code in enumerate(u.units)}
    records = interval_rows(u, lang)
    rows = []
    for r in records:
        cells: list[Any] = list(r["cells"])
        cells[1] = labels[position[r["unit"]]]
        rows.append(cells)
    head = interval_head(u, lang)
    classes = ["number", "", "number", "number", "number", "number", "number"][: len(head)]
    lead = gettext("{n} replications (seed {seed}); varied: {varied}.", lang).format(
        n=number(u.n, lang, 0),
        seed="—" if u.seed is None else u.seed,
        varied=varied_text(u.settings, lang) or "—",
    )
    heading = gettext("Uncertainty of the ranks", lang)
    return (
        '<section class="uncertainty">'
        f"<h2>{escape(heading)}</h2>"
        f'<p class="lead">{escape(lead)}</p>'
        + _chart(u, labels, lang)
        + table(
            head,
            rows,
            cls="rank-intervals",
            row_attributes=[{"class": "unit", "data-unit": r["unit"]} for r in records],
            cell_classes=classes,
        )
        + "</section>"
    )


def _method(result: IndexResult, u: Uncertainty | None, lang: str) -> str:
    facts: list[tuple[str, object]] = list(method_facts(result, lang))
    facts.append((gettext("Structure", lang), structure_text(result, lang)))
    if u is not None:
        facts.append((gettext("Varied", lang), varied_text(u.settings, lang) or "—"))
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    kids = [c for c, p in zip(result.nodes, result.parents, strict=True) if p == result.index]
    effective = result.effective_weights
    rows = [
        [
            Html(f'<span class="code">{escape(c)}</span>'),
            result.names.get(c, ""),
            number(result.weights[c], lang, 2),
            percent(100 * effective[c], lang),
        ]
        for c in kids
    ]
    weights = table(
        [
            gettext("Code", lang),
            gettext("Name", lang),
            gettext("Weight", lang),
            gettext("Share of the index", lang),
        ],
        rows,
        cls="weights",
        cell_classes=["", "", "number", "number"],
    )
    heading = gettext("Method", lang)
    subheading = gettext("Weights of the top-level nodes", lang)
    return (
        '<section class="method">'
        f"<h2>{escape(heading)}</h2>"
        f'<dl class="facts">{items}</dl>'
        f"<h3>{escape(subheading)}</h3>" + weights + "</section>"
    )


def write(
    result: IndexResult,
    uncertainty: Uncertainty | None,
    *,
    lang: str | None,
    names: Mapping[str, str] | Hierarchy | None = None,
    func: str = "index_report",
) -> str:
    """The report's document (the arguments' types checked by the caller; the language here)."""
    if uncertainty is not None:
        _check_uncertainty(result, uncertainty, func)
    lang = check_language(default_language() if lang is None else lang, func=func)
    labels = _names(names, result.units)
    title = result.names.get(result.index) or result.index
    facts: list[tuple[str, object]] = [
        (gettext("Index", lang), Html(f'<span class="code">{escape(result.index)}</span>')),
        (gettext("Period", lang), result.period or "—"),
        (gettext("Units", lang), number(len(result.units), lang, 0)),
        (gettext("Structure", lang), structure_text(result, lang)),
    ]
    if uncertainty is not None:
        facts.append((gettext("Replications", lang), number(uncertainty.n, lang, 0)))
    head = header(
        index_title(result),
        facts,
        lang=lang,
        subtitle=gettext("Report of a composite index", lang),
    )
    note = note_text(result.note, lang)
    body = [
        f'<main class="index-report" data-index="{escape(result.index)}">',
        head,
        banner(note, lang),
        _ranking(result, labels, lang),
    ]
    if uncertainty is not None:
        body.append(_uncertainty(uncertainty, labels, lang))
    body.append(_method(result, uncertainty, lang))
    body.append(
        "<footer>"
        + escape(
            gettext("Written by cchc-indicators from the scores of index {index}.", lang).format(
                index=result.index
            )
        )
        + "</footer>"
    )
    body.append("</main>")
    return document("\n".join(body), lang=lang, title=f"{title} — {result.period or '—'}", css=CSS)
