"""The pieces of the notebook displays (``_repr_html_``) of the result objects.

A result shows itself in a notebook as a compact summary: a title, a few
facts (what was computed, how), the data's note as a banner, one table of at
most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` value columns, and a line
saying how to see everything. The text is in ``cchc_indicators.core.i18n.default_language()``,
escaped; statuses carry their colour (:data:`~cchc_indicators.core._html.STATUS_COLOURS`)
inline, so the colour survives where a notebook viewer drops ``<style>``.

Examples
--------
>>> print(table(["Unit", "2024"], [["A & B", number(91.44, "vi")]], numeric={1}))
<table class="cchc-table"><thead><tr><th>Unit</th><th style="text-align:right">2024</th></tr></thead><tbody>
<tr><td>A &amp; B</td><td style="text-align:right">91,4</td></tr>
</tbody></table>
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cchc_indicators.core._html import STATUS_COLOURS, escape, status_class
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.i18n import N_, gettext, number

if TYPE_CHECKING:
    from cchc_indicators.core.indicators import Indicator

__all__ = [
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Cell",
    "block",
    "indicator_name",
    "more_rows",
    "note_text",
    "span",
    "table",
]

#: The most rows a display's table shows (the rest: a line saying how to see them).
MAX_ROWS = 30
#: The most value columns (periods, items, nodes) a display's table shows.
MAX_COLUMNS = 10

#: A cell: its text, or its text and a status code (coloured), or text, status and a tooltip.
Cell = str | tuple[str, str | None] | tuple[str, str | None, str]

# The same words as SYNTHETIC_NOTE (a test keeps them equal), marked for the catalogues.
_SYNTHETIC = N_("SYNTHETIC DATA: made up for demonstration, not official figures")


def note_text(note: str, lang: str) -> str:
    """The data's note in ``lang``: the synthetic-data warning translated, the rest as written.

    Examples
    --------
    >>> note_text(SYNTHETIC_NOTE + ". More.", "vi")
    'DỮ LIỆU GIẢ LẬP: tạo ra để minh họa, không phải số liệu chính thức. More.'
    """
    return note.replace(SYNTHETIC_NOTE, gettext(_SYNTHETIC, lang))


def indicator_name(indicator: Indicator, lang: str) -> str:
    """An indicator's name in ``lang`` (the Vietnamese name when there is no English one).

    Examples
    --------
    >>> from cchc_indicators.core.indicators import Indicator
    >>> i = Indicator("files", "Hồ sơ trực tuyến", name_en="Files online")
    >>> indicator_name(i, "vi"), indicator_name(i, "en")
    ('Hồ sơ trực tuyến', 'Files online')
    """
    if lang == "en" and indicator.name_en:
        return indicator.name_en
    return indicator.name


def _cell(value: Cell, right: bool) -> str:
    if isinstance(value, str):
        text, status, tip = value, None, ""
    elif len(value) == 2:
        text, status, tip = value[0], value[1], ""
    else:
        text, status, tip = value
    attrs = ""
    styles = []
    if status:
        attrs += f' class="status {status_class(status)}"'
        colour = STATUS_COLOURS.get(status)
        if colour:
            styles.append(f"background:{colour};color:#1a1a1a")
    if right:
        styles.append("text-align:right")
    if styles:
        attrs += f' style="{";".join(styles)}"'
    if tip:
        attrs += f' title="{escape(tip)}"'
    return f"<td{attrs}>{escape(text)}</td>"


def table(
    head: Sequence[str],
    body: Iterable[Sequence[Cell]],
    *,
    numeric: Iterable[int] = (),
    caption: str = "",
) -> str:
    """An escaped HTML table: ``head`` and ``body`` rows, the ``numeric`` columns aligned right."""
    right = set(numeric)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    ths = "".join(
        f'<th style="text-align:right">{escape(h)}</th>' if k in right else f"<th>{escape(h)}</th>"
        for k, h in enumerate(head)
    )
    rows = [
        "<tr>" + "".join(_cell(c, k in right) for k, c in enumerate(row)) + "</tr>" for row in body
    ]
    return "\n".join(
        [
            f'<table class="cchc-table">{cap}<thead><tr>{ths}</tr></thead><tbody>',
            *rows,
            "</tbody></table>",
        ]
    )


def span(text: str, cls: str) -> str:
    """``text`` escaped in a ``<span>`` of class ``cls``."""
    return f'<span class="{escape(cls)}">{escape(text)}</span>'


def more_rows(shown: int, total: int, lang: str, how: str) -> str:
    """The line under a table of units: how many it shows of how many, and the call giving all.

    Examples
    --------
    >>> more_rows(30, 63, "vi", ".to_frame()")
    'Hiển thị 30 trên 63 đơn vị; xem tất cả: .to_frame()'
    >>> more_rows(4, 4, "en", ".to_frame()")
    'All 4 units shown; as data: .to_frame()'
    """
    if shown >= total:
        return gettext("All {total} units shown; as data: {how}", lang).format(
            total=number(total, lang, 0), how=how
        )
    return gettext("{shown} of {total} units shown; all of them: {how}", lang).format(
        shown=number(shown, lang, 0), total=number(total, lang, 0), how=how
    )


def block(
    kind: str,
    title: str,
    *,
    lang: str,
    facts: Sequence[tuple[str, str]] = (),
    note: str = "",
    body: Sequence[str] = (),
    footer: Sequence[str] = (),
) -> str:
    """A whole display: ``<div class="cchc-repr cchc-<kind>">`` with a title, the note, facts, body, footer.

    ``title``, the facts and the footer are text (escaped here); ``body`` is
    HTML already escaped (tables). The note, translated by :func:`note_text`,
    is a banner.
    """
    parts = [
        f'<div class="cchc-repr cchc-{escape(kind)}" lang="{escape(lang)}">',
        f"<p><strong>{escape(title)}</strong></p>",
    ]
    if note:
        parts.append(
            '<p class="cchc-note" style="background:#fff3cd;color:#1a1a1a;padding:0.3em 0.5em">'
            f"<strong>{escape(note_text(note, lang))}</strong></p>"
        )
    if facts:
        parts.append(
            '<table class="cchc-facts"><tbody>'
            + "".join(
                f'<tr><th style="text-align:left">{escape(k)}</th><td style="text-align:left">'
                f"{escape(v)}</td></tr>"
                for k, v in facts
            )
            + "</tbody></table>"
        )
    parts.extend(body)
    parts.extend(f'<p class="cchc-footer"><small>{escape(line)}</small></p>' for line in footer)
    parts.append("</div>")
    return "\n".join(parts)
