"""The shell every HTML report shares: the document, its stylesheet, the banner and the header.

A report is one self-contained HTML5 file: no external URL, font, script or
stylesheet, so it opens offline and can be mailed as it is. The pieces here
are what the evaluation report (:mod:`cchc_indicators.report.html`) and the
composite-index report build on:

* :func:`document` wraps a body into the complete document (``<!DOCTYPE
  html>``, ``<html lang=...>``, ``<meta charset="utf-8">``, ``<title>``, the
  inline stylesheet :data:`CSS` and any extra CSS);
* :func:`banner` is the warning strip of data that carry a note (the
  synthetic-data note, in the report's language: ``class="banner synthetic"``);
* :func:`header` is the report's title and its facts (a ``<dl class="facts">``);
* :func:`table` is a table with a header row, every cell escaped, each body row
  a ``<tr>`` with the classes and attributes given;
* :func:`note_label` is a data note in a language (the synthetic-data note is
  in the catalogues; another note is kept as it is).

Every text passed in is escaped here unless the parameter says it is HTML
already (``body``, ``rows`` given as :class:`Html`).

The stylesheet prints on A4 (``@page { size: A4 }``): each ``section.area``
starts a page, table rows are not split across pages, a table's header repeats
on every page, and a chart is not cut in two. Statuses are coloured by
:data:`~cchc_indicators.core._html.STATUS_CSS` (classes ``status-<code>``).

Examples
--------
>>> page = document(
...     header("Kế hoạch <CCHC>", [("Kỳ", "2023")], lang="vi") + banner("", "vi"),
...     lang="vi",
...     title="Kế hoạch <CCHC>",
... )
>>> page.startswith("<!DOCTYPE html>"), '<html lang="vi">' in page, "&lt;CCHC&gt;" in page
(True, True, True)
>>> print(banner("SYNTHETIC DATA: made up for demonstration, not official figures", "vi"))
<div class="banner synthetic" role="note">DỮ LIỆU GIẢ LẬP: ...</div>
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cchc_indicators.core._html import STATUS_CSS, escape
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.i18n import N_, check_language, gettext

__all__ = ["CSS", "Html", "banner", "document", "header", "note_label", "table"]

# the synthetic-data note, marked for the catalogues (the message id is the note itself)
_NOTES = {SYNTHETIC_NOTE: N_("SYNTHETIC DATA: made up for demonstration, not official figures")}


class Html(str):
    """Text that is HTML already: :func:`table` and :func:`header` insert it without escaping.

    Examples
    --------
    >>> table(["a"], [[Html("<b>x</b>")], ["<b>y</b>"]]).count("<b>")
    1
    """

    __slots__ = ()


#: The stylesheet of every report: screen and print (A4), status colours included.
CSS = (
    """
:root { --ink: #1d1d1d; --muted: #555; --rule: #c8c8c8; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem 2rem 3rem; color: var(--ink);
  font-family: "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, Helvetica, sans-serif;
  line-height: 1.45; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; color: var(--accent);
  border-bottom: 2px solid var(--accent); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p.subtitle { margin: 0 0 .8rem; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .6rem 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
.banner { margin: 1rem 0; padding: .7rem 1rem; font-weight: 700; border-radius: 4px; }
.banner.synthetic { background: #fff1c2; border: 2px solid #b58100; color: #5a3d00; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
thead th { background: #eef2f6; }
td.number, th.number { text-align: right; white-space: nowrap; }
td.status { font-weight: 600; white-space: nowrap; }
td.code, span.code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em;
  color: var(--muted); }
p.note, figcaption, .muted { color: var(--muted); font-size: .9rem; }
ul.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
ul.counts li { padding: .2rem .6rem; border-radius: 3px; border: 1px solid var(--rule); }
div.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr));
  gap: .4rem 1.2rem; }
figure.chart { margin: .6rem 0 1rem; }
figure.chart svg { width: 100%; max-width: 720px; height: auto; display: block; }
td.scope { min-width: 6.5em; }
td.target { min-width: 7em; }
svg text { font-family: inherit; font-size: 12px; fill: var(--ink); stroke: none; }
svg .axis line, svg .axis path { stroke: #777; stroke-width: 1; fill: none; }
svg .grid line { stroke: #e3e3e3; stroke-width: 1; }
svg .series, svg .key-series { fill: none; stroke: #2166ac; stroke-width: 2; }
svg .points circle, svg .key-points circle { fill: #2166ac; stroke: #fff; stroke-width: 1; }
svg .projection, svg .key-projection { fill: none; stroke: #2166ac; stroke-width: 1.6;
  stroke-dasharray: 6 4; }
svg .target, svg .key-target { stroke: #b2182b; stroke-width: 1.5; stroke-dasharray: 2 3;
  fill: none; }
svg .deadline, svg .key-deadline { stroke: #7b3294; stroke-width: 1.2; fill: none; }
svg .band, svg .key-band { fill: #2166ac; fill-opacity: .18; stroke: none; }
svg .interval, svg .key-interval { stroke: #2166ac; stroke-width: 3; fill: none; }
svg text.label-target { fill: #b2182b; }
svg text.label-deadline { fill: #7b3294; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem;
  border-top: 1px solid var(--rule); padding-top: .5rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10.5pt; }
  div.charts { grid-template-columns: 1fr 1fr; }
  body { max-width: none; padding: 0; }
  section.area { break-before: page; }
  tr, td, th { break-inside: avoid; }
  thead { display: table-header-group; }
  figure.chart, .banner, dl.facts { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
    + STATUS_CSS
    + "\n"
)


def note_label(note: str, lang: str) -> str:
    """A note the data carry, in ``lang``: the synthetic-data note is translated, others kept.

    Examples
    --------
    >>> note_label("SYNTHETIC DATA: made up for demonstration, not official figures", "en")
    'SYNTHETIC DATA: made up for demonstration, not official figures'
    >>> note_label("provisional figures", "vi")
    'provisional figures'
    """
    check_language(lang)
    return gettext(_NOTES[note], lang) if note in _NOTES else note


def banner(note: str, lang: str) -> str:
    """The warning strip of data carrying ``note`` (``""`` when there is none).

    Parameters
    ----------
    note
        The data's note (``Evaluation.note``, ``Panel.note``): the synthetic
        data's note is written in ``lang``, another note as it is.
    lang
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        ``<div class="banner synthetic" role="note">…</div>``, or ``""``.

    Examples
    --------
    >>> banner("", "en")
    ''
    >>> banner("a <draft>", "en")
    '<div class="banner synthetic" role="note">a &lt;draft&gt;</div>'
    """
    if not note:
        check_language(lang)
        return ""
    return f'<div class="banner synthetic" role="note">{escape(note_label(note, lang))}</div>'


def _text(value: object) -> str:
    return str(value) if isinstance(value, Html) else escape(value)


def header(
    title: str, facts: Sequence[tuple[str, object]], *, lang: str, subtitle: str = ""
) -> str:
    """The report's title and its facts, as ``<header class="report-header">``.

    Parameters
    ----------
    title
        The heading (``<h1>``).
    facts
        ``(label, value)`` pairs, already in the report's language, written as a
        definition list ``<dl class="facts">`` (a value that is :class:`Html` is
        inserted as it is).
    lang
        ``"vi"`` or ``"en"`` (checked).
    subtitle
        A line under the title (``<p class="subtitle">``), left out when empty.

    Examples
    --------
    >>> print(header("Plan", [("Period", "2023"), ("Unit", "<b>")], lang="en"))
    <header class="report-header"><h1>Plan</h1><dl class="facts"><dt>Period</dt><dd>2023</dd><dt>Unit</dt><dd>&lt;b&gt;</dd></dl></header>
    """
    check_language(lang)
    sub = f'<p class="subtitle">{escape(subtitle)}</p>' if subtitle else ""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{_text(v)}</dd>" for k, v in facts)
    return f'<header class="report-header"><h1>{escape(title)}</h1>{sub}<dl class="facts">{items}</dl></header>'


def _attributes(attributes: Mapping[str, object] | None) -> str:
    if not attributes:
        return ""
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in attributes.items())


def table(
    head: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    cls: str = "",
    row_attributes: Sequence[Mapping[str, object]] | None = None,
    cell_classes: Sequence[str] | None = None,
    caption: str = "",
) -> str:
    """A table: a header row, then one ``<tr>`` per row, every cell escaped (but :class:`Html`).

    Parameters
    ----------
    head
        The column headings.
    rows
        The cells of each row.
    cls
        The table's class.
    row_attributes
        Attributes of each ``<tr>`` (such as ``{"class": "row status-achieved"}``).
    cell_classes
        The class of each column's cells (``"number"`` aligns right, ``""`` none);
        the header cell gets it too.
    caption
        A ``<caption>``, left out when empty.

    Examples
    --------
    >>> print(table(["Unit", "Value"], [["A & B", "91,4 %"]], cell_classes=["", "number"],
    ...             row_attributes=[{"class": "row status-achieved"}]))
    <table><thead><tr><th>Unit</th><th class="number">Value</th></tr></thead><tbody>
    <tr class="row status-achieved"><td>A &amp; B</td><td class="number">91,4 %</td></tr>
    </tbody></table>
    """
    classes = list(cell_classes) if cell_classes is not None else [""] * len(head)

    def cell(tag: str, k: int, value: object) -> str:
        c = classes[k] if k < len(classes) else ""
        return (
            f'<{tag} class="{escape(c)}">{_text(value)}</{tag}>'
            if c
            else f"<{tag}>{_text(value)}</{tag}>"
        )

    table_cls = f' class="{escape(cls)}"' if cls else ""
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    thead = "<thead><tr>" + "".join(cell("th", k, h) for k, h in enumerate(head)) + "</tr></thead>"
    body = [
        f"<tr{_attributes(row_attributes[i] if row_attributes else None)}>"
        + "".join(cell("td", k, v) for k, v in enumerate(row))
        + "</tr>"
        for i, row in enumerate(rows)
    ]
    return f"<table{table_cls}>{cap}{thead}<tbody>\n" + "\n".join(body) + "\n</tbody></table>"


def document(body: str, *, lang: str, title: str, css: str = "") -> str:
    """The complete, self-contained HTML5 document around ``body``.

    Parameters
    ----------
    body
        The HTML of the page's body (inserted as it is).
    lang
        ``"vi"`` or ``"en"``: the ``lang`` attribute of ``<html>``.
    title
        The ``<title>`` (escaped).
    css
        Extra CSS appended after :data:`CSS` in the one inline ``<style>``.

    Returns
    -------
    str
        The document: ``<!DOCTYPE html>``, ``<html lang>``, a ``<head>`` with
        ``<meta charset="utf-8">``, the viewport, the title and the style,
        then ``<body>``. No external resource is referenced. Void elements
        are closed (``<meta .../>``), so that a body written the same way
        makes a document that also parses as XML (after the doctype).

    Raises
    ------
    DefinitionError
        If ``lang`` is not ``"vi"`` or ``"en"``.

    Examples
    --------
    >>> page = document("<p>Xin chào</p>", lang="vi", title="Báo cáo")
    >>> page.splitlines()[:4]
    ['<!DOCTYPE html>', '<html lang="vi">', '<head>', '<meta charset="utf-8"/>']
    >>> page.rstrip().endswith("</html>")
    True
    """
    check_language(lang, func="document")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n'
        "<head>\n"
        '<meta charset="utf-8"/>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{CSS}{css}</style>\n"
        "</head>\n"
        f"<body>\n{body}\n</body>\n"
        "</html>\n"
    )
