"""What every HTML output shares: the status colours and a few escaping helpers.

The HTML report, the notebook displays (``_repr_html_``) and the Excel
workbook colour a status the same way, from :data:`STATUS_COLOURS`. The
colours pass WCAG AA contrast (4.5:1) for dark text on their background, and
each status also carries its words, so nothing rests on colour alone.

Examples
--------
>>> STATUS_COLOURS["achieved"]
'#cdebd3'
>>> status_class("not_achieved")
'status-not_achieved'
>>> print(cell("Đạt & <b>", status="achieved"))
<td class="status status-achieved">Đạt &amp; &lt;b&gt;</td>
"""

from __future__ import annotations

import html

__all__ = ["STATUS_COLOURS", "STATUS_CSS", "cell", "escape", "status_class"]

#: Background colour of each status (hex RGB), dark text on top.
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#cdebd3",
    "on_track": "#dcebf7",
    "off_track": "#fde7c8",
    "not_achieved": "#f7d0cd",
    "insufficient_data": "#ececec",
    "no_data": "#f5f5f5",
}

#: CSS rules giving each ``status-<code>`` class its colour.
STATUS_CSS = "\n".join(
    f".status-{code} {{ background: {colour}; }}" for code, colour in STATUS_COLOURS.items()
)


def escape(text: object) -> str:
    """``text`` as HTML text, quotes escaped too (safe inside attributes)."""
    return html.escape(str(text), quote=True)


def status_class(status: str) -> str:
    """The CSS class of a status code."""
    return f"status-{escape(status)}"


def cell(text: object, *, status: str | None = None, tag: str = "td") -> str:
    """One table cell, escaped; coloured when ``status`` is given."""
    cls = f' class="status {status_class(status)}"' if status else ""
    return f"<{tag}{cls}>{escape(text)}</{tag}>"
