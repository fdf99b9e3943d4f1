"""Inline SVG charts drawn without matplotlib: frames, scales, axes, lines, points, bands.

The HTML reports draw their charts as inline ``<svg>`` so that the default
install (no matplotlib) makes them and the file needs nothing else. The
pieces are small functions returning SVG text; a chart is assembled as::

    frame = Frame()                                   # 640 x 280 user units, margins
    x = frame.x_scale([2021, 2025])                   # data -> pixels, left to right
    y = frame.y_scale(values, include=[80.0])         # data -> pixels, bottom to top, nice
    body = (y_axis(frame, y, "vi") + x_axis(frame, x, [(2021, "2021"), ...])
            + path(xs, ys, x, y, cls="series observed") + points(xs, ys, x, y)
            + hline(80.0, frame, y, cls="target", label="≥ 80 %"))
    svg(frame, body, cls="trajectory", attributes={"data-indicator": "files"})

Conventions every chart keeps (the browser tests rely on them):

* each drawn element carries the class it is called with (``series observed``,
  ``projection``, ``target``, ``deadline``, ``band``, ``interval``), so a
  test or a stylesheet finds it; the classes are styled in
  :data:`cchc_indicators.report._html_doc.CSS`;
* a missing value (NaN) breaks a line (:func:`path`) and draws no point;
* tick labels are written with the language's decimal separator
  (:func:`tick_label`: ``2,5`` in Vietnamese, ``2.5`` in English);
* every text is escaped; coordinates are written with one decimal.

A category axis (units in a ranking) is a :class:`Scale` from ``-0.5`` to
``n - 0.5``; an axis read downwards (ranks, 1 at the top) is a scale whose
``start`` is above its ``end``.

Examples
--------
>>> frame = Frame(width=200, height=100, left=30, right=10, top=10, bottom=20)
>>> x = frame.x_scale([0.0, 10.0], nice=False)
>>> y = frame.y_scale([0.0, 100.0])
>>> x(5.0), y(50.0)
(110.0, 45.0)
>>> print(path([0.0, 5.0, 10.0], [0.0, float("nan"), 100.0], x, y, cls="series observed"))
<path class="series observed" d="M30.0,80.0 M190.0,10.0"/>
>>> y.ticks()
[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
>>> s = Scale(0.0, 1.0, 0.0, 1.0, count=4)
>>> [tick_label(t, s.step(), "vi") for t in s.ticks()]
['0', '0,25', '0,5', '0,75', '1']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np

from cchc_indicators.core._html import escape
from cchc_indicators.core.i18n import number

__all__ = [
    "Frame",
    "Scale",
    "band",
    "hinterval",
    "hline",
    "legend",
    "nice_step",
    "path",
    "points",
    "segment",
    "svg",
    "text",
    "tick_label",
    "vline",
    "x_axis",
    "y_axis",
]


def _c(v: float) -> str:
    """A coordinate as written in the SVG: one decimal."""
    return f"{v:.1f}"


def _attributes(attributes: Mapping[str, object] | None) -> str:
    if not attributes:
        return ""
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in attributes.items())


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``count`` ticks over ``span``.

    Examples
    --------
    >>> nice_step(100.0), nice_step(7.0), nice_step(0.9, 4), nice_step(0.0)
    (20.0, 2.0, 0.25, 1.0)
    """
    if not (span > 0 and math.isfinite(span)):
        return 1.0
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= m * power * (1 + 1e-9):
            return m * power
    return 10.0 * power  # pragma: no cover - the loop always returns


@attrs.frozen
class Scale:
    """A linear map from data values (``lo`` to ``hi``) to SVG coordinates (``start`` to ``end``).

    Calling it maps a number (or an array) to coordinates; ``start > end``
    runs the other way (a y axis, bottom to top, or ranks read downwards).

    Examples
    --------
    >>> s = Scale(0.0, 10.0, 100.0, 0.0)
    >>> s(2.5), s(np.array([0.0, 10.0])).tolist()
    (75.0, [100.0, 0.0])
    >>> Scale(5.0, 5.0, 0.0, 10.0)(5.0)  # a single value sits in the middle
    5.0
    """

    lo: float
    hi: float
    start: float
    end: float
    count: int = 5

    def __call__(self, value: float | np.ndarray) -> float | np.ndarray:
        span = self.hi - self.lo
        if span == 0:
            mid = (self.start + self.end) / 2.0
            if isinstance(value, np.ndarray):
                return np.full(value.shape, mid)
            return mid
        out = self.start + (np.asarray(value, dtype=float) - self.lo) / span * (
            self.end - self.start
        )
        return out if isinstance(value, np.ndarray) else float(out)

    def step(self) -> float:
        """The step between two ticks (:func:`nice_step` of the domain)."""
        return nice_step(self.hi - self.lo, self.count)

    def ticks(self, count: int | None = None) -> list[float]:
        """Round values inside the domain, about ``count`` of them (default: the scale's).

        Examples
        --------
        >>> Scale(-8.6, 3.0, 0, 1).ticks()
        [-7.5, -5.0, -2.5, 0.0, 2.5]
        """
        step = nice_step(self.hi - self.lo, self.count if count is None else count)
        first = math.ceil(self.lo / step - 1e-9)
        last = math.floor(self.hi / step + 1e-9)
        return [round(k * step, 12) + 0.0 for k in range(first, last + 1)]


def tick_label(value: float, step: float, lang: str) -> str:
    """A tick's label: as many decimals as ``step`` needs, the language's separators.

    Examples
    --------
    >>> tick_label(2.5, 0.5, "vi"), tick_label(2.5, 0.5, "en"), tick_label(1000, 200, "vi")
    ('2,5', '2.5', '1.000')
    >>> tick_label(0.25, 0.25, "vi")
    '0,25'
    """
    digits = 0
    while digits < 6 and abs(step * 10**digits - round(step * 10**digits)) > 1e-6:
        digits += 1
    return number(value, lang, digits)


def _domain(values: Iterable[float], include: Iterable[float]) -> tuple[float, float]:
    arr = np.asarray([*values, *include], dtype=float)
    arr = arr[np.isfinite(arr)]
    if not arr.size:
        return 0.0, 1.0
    return float(arr.min()), float(arr.max())


@attrs.frozen
class Frame:
    """A chart's size (SVG user units) and the margins around its plotting area.

    Examples
    --------
    >>> f = Frame()
    >>> f.width, f.height, f.x_range, f.y_range
    (640.0, 280.0, (56.0, 624.0), (244.0, 30.0))
    """

    width: float = 640.0
    height: float = 280.0
    left: float = 56.0
    right: float = 16.0
    top: float = 30.0
    bottom: float = 36.0

    @property
    def x_range(self) -> tuple[float, float]:
        """The plotting area's left and right edges."""
        return float(self.left), float(self.width - self.right)

    @property
    def y_range(self) -> tuple[float, float]:
        """The plotting area's bottom and top edges (the bottom has the larger coordinate)."""
        return float(self.height - self.bottom), float(self.top)

    def x_scale(
        self,
        values: Iterable[float],
        *,
        include: Iterable[float] = (),
        nice: bool = True,
        pad: float = 0.0,
    ) -> Scale:
        """A scale from the finite ``values`` (and ``include``) to the x range.

        ``nice`` widens the domain to round ticks; ``pad`` widens it by that
        share of its span on each side (room for points at the ends).
        """
        return self._scale(values, include, nice, pad, self.x_range)

    def y_scale(
        self,
        values: Iterable[float],
        *,
        include: Iterable[float] = (),
        nice: bool = True,
        pad: float = 0.0,
        downwards: bool = False,
    ) -> Scale:
        """A scale from the finite ``values`` (and ``include``) to the y range, low values at the bottom.

        ``downwards`` puts low values at the top (ranks: 1 is best).

        Examples
        --------
        >>> Frame().y_scale([68.0, 91.5], include=[80.0])
        Scale(lo=65.0, hi=95.0, start=244.0, end=30.0, count=5)
        """
        start, end = self.y_range
        return self._scale(values, include, nice, pad, (end, start) if downwards else (start, end))

    @staticmethod
    def _scale(
        values: Iterable[float],
        include: Iterable[float],
        nice: bool,
        pad: float,
        where: tuple[float, float],
    ) -> Scale:
        lo, hi = _domain(values, include)
        if lo == hi:
            lo, hi = lo - max(abs(lo) * 0.1, 1.0), hi + max(abs(hi) * 0.1, 1.0)
        span = hi - lo
        lo, hi = lo - pad * span, hi + pad * span
        if nice:
            step = nice_step(hi - lo)
            lo, hi = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
        return Scale(float(lo), float(hi), where[0], where[1])


def svg(
    frame: Frame,
    body: str,
    *,
    cls: str,
    attributes: Mapping[str, object] | None = None,
    title: str = "",
) -> str:
    """The ``<svg>`` element of a chart: its size as a viewBox, a class, attributes and a title.

    ``title`` becomes the ``<title>`` (read by screen readers, shown on hover)
    and the ``aria-label``. The element is meant to sit inside an HTML
    document, so it carries no ``xmlns`` (no URL appears in a report).

    Examples
    --------
    >>> print(svg(Frame(width=10, height=5), "", cls="trajectory",
    ...           attributes={"data-indicator": "a&b"}, title="T"))
    <svg viewBox="0 0 10 5" width="10" height="5" class="trajectory" role="img" aria-label="T" data-indicator="a&amp;b"><title>T</title></svg>
    """
    label = f' aria-label="{escape(title)}"' if title else ""
    head = f"<title>{escape(title)}</title>" if title else ""
    w, h = f"{frame.width:g}", f"{frame.height:g}"
    return (
        f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        f'class="{escape(cls)}" role="img"{label}{_attributes(attributes)}>{head}{body}</svg>'
    )


def text(x: float, y: float, content: str, *, cls: str = "", anchor: str = "start") -> str:
    """A text at (``x``, ``y``) in SVG coordinates, escaped; ``anchor``: start, middle or end.

    Examples
    --------
    >>> text(1, 2, "<5", anchor="end")
    '<text x="1.0" y="2.0" text-anchor="end">&lt;5</text>'
    """
    c = f' class="{escape(cls)}"' if cls else ""
    return (
        f'<text x="{_c(x)}" y="{_c(y)}" text-anchor="{escape(anchor)}"{c}>{escape(content)}</text>'
    )


def x_axis(frame: Frame, x: Scale, ticks: Sequence[tuple[float, str]], *, label: str = "") -> str:
    """The x axis: a line along the bottom, a tick and its label at each ``(value, label)``.

    Examples
    --------
    >>> f = Frame(width=100, height=50, left=10, right=10, top=5, bottom=15)
    >>> x_axis(f, f.x_scale([2021, 2025], nice=False), [(2021, "2021")]).count("<text")
    1
    """
    bottom = frame.y_range[0]
    parts = [
        f'<g class="axis x"><line x1="{_c(frame.x_range[0])}" y1="{_c(bottom)}" x2="{_c(frame.x_range[1])}" y2="{_c(bottom)}"/>'
    ]
    for value, tick in ticks:
        px = float(x(float(value)))
        parts.append(f'<line x1="{_c(px)}" y1="{_c(bottom)}" x2="{_c(px)}" y2="{_c(bottom + 4)}"/>')
        parts.append(text(px, bottom + 16, tick, anchor="middle"))
    if label:
        parts.append(
            text(frame.x_range[1], frame.height - 2, label, cls="axis-label", anchor="end")
        )
    parts.append("</g>")
    return "".join(parts)


def y_axis(
    frame: Frame,
    y: Scale,
    lang: str,
    *,
    label: str = "",
    grid: bool = True,
    count: int | None = None,
) -> str:
    """The y axis: a line on the left, round ticks labelled in ``lang``, and light grid lines.

    Examples
    --------
    >>> f = Frame()
    >>> out = y_axis(f, f.y_scale([0.0, 2.5]), "vi", label="%")
    >>> "0,5" in out, out.count('class="grid"')
    (True, 1)
    """
    top, bottom = frame.y_range[1], frame.y_range[0]
    left, right = frame.x_range
    ticks = y.ticks(count)
    step = nice_step(y.hi - y.lo, y.count if count is None else count)
    axis = [
        f'<g class="axis y"><line x1="{_c(left)}" y1="{_c(top)}" x2="{_c(left)}" y2="{_c(bottom)}"/>'
    ]
    lines = ['<g class="grid">'] if grid else []
    for value in ticks:
        py = float(y(value))
        axis.append(f'<line x1="{_c(left - 4)}" y1="{_c(py)}" x2="{_c(left)}" y2="{_c(py)}"/>')
        axis.append(text(left - 6, py + 4, tick_label(value, step, lang), anchor="end"))
        if grid:
            lines.append(f'<line x1="{_c(left)}" y1="{_c(py)}" x2="{_c(right)}" y2="{_c(py)}"/>')
    if label:
        axis.append(text(left - 6, max(top - 10, 10), label, cls="axis-label", anchor="end"))
    axis.append("</g>")
    if grid:
        lines.append("</g>")
    return "".join(lines) + "".join(axis)


def path(
    xs: Sequence[float] | np.ndarray,
    ys: Sequence[float] | np.ndarray,
    x: Scale,
    y: Scale,
    *,
    cls: str,
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A line through the points (``xs``, ``ys``), broken where a value is missing (NaN).

    Examples
    --------
    >>> s = Scale(0, 1, 0, 10)
    >>> path([0, 1], [0, 1], s, s, cls="series observed", attributes={"data-scope": "own"})
    '<path class="series observed" d="M0.0,0.0 L10.0,10.0" data-scope="own"/>'
    """
    px = np.asarray(x(np.asarray(xs, dtype=float)), dtype=float)
    py = np.asarray(y(np.asarray(ys, dtype=float)), dtype=float)
    ok = np.isfinite(px) & np.isfinite(py)
    # a point starts a new piece ("M") when the one before it is missing
    starts = ok & ~np.concatenate([[False], ok[:-1]])
    commands = [
        f"{'M' if s else 'L'}{_c(a)},{_c(b)}"
        for a, b, s in zip(px[ok].tolist(), py[ok].tolist(), starts[ok].tolist(), strict=True)
    ]
    return f'<path class="{escape(cls)}" d="{" ".join(commands)}"{_attributes(attributes)}/>'


def points(
    xs: Sequence[float] | np.ndarray,
    ys: Sequence[float] | np.ndarray,
    x: Scale,
    y: Scale,
    *,
    cls: str = "points",
    radius: float = 3.5,
    titles: Sequence[str] | None = None,
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A group (``<g class=cls>``) of dots at the points with a value; ``titles`` show on hover.

    Examples
    --------
    >>> s = Scale(0, 1, 0, 10)
    >>> points([0, 1], [1, float("nan")], s, s, titles=["2021: 1", "2022: —"])
    '<g class="points"><circle cx="0.0" cy="10.0" r="3.5"><title>2021: 1</title></circle></g>'
    """
    px = np.asarray(x(np.asarray(xs, dtype=float)), dtype=float)
    py = np.asarray(y(np.asarray(ys, dtype=float)), dtype=float)
    ok = (np.isfinite(px) & np.isfinite(py)).tolist()
    names = list(titles) if titles is not None else [""] * len(ok)
    dots = [
        f'<circle cx="{_c(a)}" cy="{_c(b)}" r="{radius:g}">'
        + (f"<title>{escape(t)}</title></circle>" if t else "</circle>")
        for a, b, t, keep in zip(px.tolist(), py.tolist(), names, ok, strict=True)
        if keep
    ]
    return f'<g class="{escape(cls)}"{_attributes(attributes)}>{"".join(dots)}</g>'


def segment(
    start: tuple[float, float],
    end: tuple[float, float],
    x: Scale,
    y: Scale,
    *,
    cls: str,
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A straight line between two data points (a projection from the last value to the deadline).

    Examples
    --------
    >>> s = Scale(0, 1, 0, 10)
    >>> segment((0, 0), (1, 0.5), s, s, cls="projection")
    '<line class="projection" x1="0.0" y1="0.0" x2="10.0" y2="5.0"/>'
    """
    x1, y1 = float(x(float(start[0]))), float(y(float(start[1])))
    x2, y2 = float(x(float(end[0]))), float(y(float(end[1])))
    return (
        f'<line class="{escape(cls)}" x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}"'
        f"{_attributes(attributes)}/>"
    )


def hline(
    value: float,
    frame: Frame,
    y: Scale,
    *,
    cls: str,
    label: str = "",
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A horizontal line across the plotting area at ``value`` (a target), labelled above its left end.

    The label's class is ``label-<first class>`` (``label-target``).

    Examples
    --------
    >>> f = Frame(width=100, height=50, left=10, right=10, top=5, bottom=15)
    >>> print(hline(1.0, f, Scale(0, 2, 35, 5), cls="target", label="≥ 1"))
    <g class="target"><line x1="10.0" y1="20.0" x2="90.0" y2="20.0"/><text x="14.0" y="16.0" text-anchor="start" class="label-target">≥ 1</text></g>
    """
    py = float(y(float(value)))
    left, right = frame.x_range
    name = cls.split()[0] if cls.split() else "line"
    tag = text(left + 4, py - 4, label, cls=f"label-{name}") if label else ""
    return (
        f'<g class="{escape(cls)}"{_attributes(attributes)}>'
        f'<line x1="{_c(left)}" y1="{_c(py)}" x2="{_c(right)}" y2="{_c(py)}"/>{tag}</g>'
    )


def vline(
    value: float,
    frame: Frame,
    x: Scale,
    *,
    cls: str,
    label: str = "",
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A vertical line over the plotting area at ``value`` (a deadline), labelled at its top.

    Examples
    --------
    >>> f = Frame(width=100, height=50, left=10, right=10, top=5, bottom=15)
    >>> vline(2025, f, Scale(2021, 2025, 10, 90), cls="deadline").startswith('<g class="deadline">')
    True
    """
    px = float(x(float(value)))
    bottom, top = frame.y_range
    name = cls.split()[0] if cls.split() else "line"
    tag = text(px - 3, top + 10, label, cls=f"label-{name}", anchor="end") if label else ""
    return (
        f'<g class="{escape(cls)}"{_attributes(attributes)}>'
        f'<line x1="{_c(px)}" y1="{_c(top)}" x2="{_c(px)}" y2="{_c(bottom)}"/>{tag}</g>'
    )


def band(
    xs: Sequence[float] | np.ndarray,
    lo: Sequence[float] | np.ndarray,
    hi: Sequence[float] | np.ndarray,
    x: Scale,
    y: Scale,
    *,
    cls: str = "band",
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A shaded area between ``lo`` and ``hi`` along ``xs`` (an interval over time); NaNs dropped.

    Examples
    --------
    >>> s = Scale(0, 1, 0, 10)
    >>> band([0, 1], [0, 0], [1, 1], s, s)
    '<polygon class="band" points="0.0,10.0 10.0,10.0 10.0,0.0 0.0,0.0"/>'
    """
    xa, la, ha = (np.asarray(v, dtype=float) for v in (xs, lo, hi))
    ok = np.isfinite(xa) & np.isfinite(la) & np.isfinite(ha)
    px = np.asarray(x(xa[ok]), dtype=float)
    top = np.asarray(y(ha[ok]), dtype=float)
    low = np.asarray(y(la[ok]), dtype=float)
    ring = [
        *zip(px.tolist(), top.tolist(), strict=True),
        *zip(px[::-1].tolist(), low[::-1].tolist(), strict=True),
    ]
    coords = " ".join(f"{_c(a)},{_c(b)}" for a, b in ring)
    return f'<polygon class="{escape(cls)}" points="{coords}"{_attributes(attributes)}/>'


def hinterval(
    lo: float,
    hi: float,
    row: float,
    x: Scale,
    y: Scale,
    *,
    cls: str = "interval",
    attributes: Mapping[str, object] | None = None,
) -> str:
    """A horizontal interval from ``lo`` to ``hi`` at category ``row`` (a unit's rank interval).

    Examples
    --------
    >>> hinterval(2, 5, 0, Scale(1, 10, 0, 90), Scale(-0.5, 0.5, 0, 20), attributes={"data-unit": "26"})
    '<line class="interval" x1="10.0" y1="10.0" x2="40.0" y2="10.0" data-unit="26"/>'
    """
    return segment((lo, row), (hi, row), x, y, cls=cls, attributes=attributes)


def legend(frame: Frame, items: Sequence[tuple[str, str]], *, y_offset: float = 0.0) -> str:
    """A legend in the top margin, above the plotting area: a short sample of each class, then its label.

    ``items`` are ``(class, label)`` pairs; a class with ``points`` draws a
    dot, any other a short line. A sample's classes are the item's with
    ``key-`` before each (``key-series key-observed``), so that selecting
    ``.series.observed`` finds the data, never the legend; the stylesheet
    styles both alike.

    Examples
    --------
    >>> legend(Frame(), [("series observed", "Observed"), ("target", "Target")]).count("<text")
    2
    """
    left, right = frame.x_range
    px, py = left + 8.0, max(frame.top - 14.0, 12.0) + y_offset
    parts = ['<g class="legend">']
    for item, label in items:
        cls = " ".join(f"key-{c}" for c in item.split())
        if "points" in item.split():
            parts.append(
                f'<g class="{escape(cls)}"><circle cx="{_c(px + 9)}" cy="{_c(py - 4)}" r="3.5"/></g>'
            )
        else:
            parts.append(
                f'<line class="{escape(cls)}" x1="{_c(px)}" y1="{_c(py - 4)}" x2="{_c(px + 18)}" y2="{_c(py - 4)}"/>'
            )
        parts.append(text(px + 22, py, label))
        px += 30.0 + 6.5 * len(label)
        if px > right - 60:
            px, py = left + 8.0, py + 14.0
    parts.append("</g>")
    return "".join(parts)
