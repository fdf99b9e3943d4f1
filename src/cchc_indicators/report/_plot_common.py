"""What every plot of :mod:`cchc_indicators.report.plot` shares: matplotlib, fonts, axes, the note.

matplotlib is imported only when a function here is called (:func:`_matplotlib`
says how to install it when it is missing); text is drawn with the current
font and DejaVu Sans as a fallback, so Vietnamese names keep their diacritics.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cchc_indicators.core._periods import normalise_period
from cchc_indicators.core.errors import DefinitionError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The font that draws every Vietnamese letter (matplotlib ships it); used as a fallback.
_FALLBACK_FONT = "DejaVu Sans"
#: The gid of the text that carries a figure's note, so it is added once per figure.
_NOTE_GID = "cchc-note"
_NOTE_COLOR = "#b2182b"
_TARGET_COLOR = "#2b2b2b"
_DEADLINE_COLOR = "#7b3294"
_OBSERVED_COLOR = "#2166ac"
_INSTALL = "pip install 'cchc-indicators[plot]'"


def _matplotlib() -> Any:
    """Import matplotlib, or say how to install it."""
    try:
        import matplotlib
    except ImportError as exc:
        msg = f"plotting needs matplotlib, an optional dependency: {_INSTALL}"
        raise ImportError(msg) from exc
    return matplotlib


def _families() -> list[str]:
    """The current font families, then DejaVu Sans for letters they lack."""
    families = list(_matplotlib().rcParams["font.family"])
    return families if _FALLBACK_FONT in families else [*families, _FALLBACK_FONT]


@contextlib.contextmanager
def _fonts() -> Iterator[list[str]]:
    """Draw text created inside with the current fonts and DejaVu Sans as fallback."""
    families = _families()
    with _matplotlib().rc_context({"font.family": families}):
        yield families


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Axes, Figure]:
    """``ax`` and its (top-level) figure, or a new figure of ``size`` inches with one axes."""
    _matplotlib()
    from matplotlib.figure import Figure

    if ax is None:
        ax = Figure(figsize=size, layout="constrained").add_subplot()
    root: Any = ax.figure
    while not isinstance(root, Figure):  # a SubFigure: its parent, up to the figure
        root = root.figure
    # tick labels are created lazily; make the first ones now, with the fonts in force
    ax.get_xticklabels(which="both")
    ax.get_yticklabels(which="both")
    return ax, root


def _mark(fig: Figure, note: str, families: list[str]) -> None:
    """Write ``note`` (such as the synthetic-data warning) at the bottom of ``fig``, once.

    A constrained layout that fills the figure is told to leave a strip for it.
    """
    if not note or any(t.get_gid() == _NOTE_GID for t in fig.texts):
        return
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine) and tuple(engine.get()["rect"]) == (0, 0, 1, 1):
        strip = min(0.15, 0.3 / fig.get_figheight())  # about 0.3 inch
        engine.set(rect=(0.0, strip, 1.0, 1.0 - strip))
    fig.text(
        0.5,
        0.01,
        note,
        ha="center",
        va="bottom",
        fontsize="small",
        fontweight="bold",
        color=_NOTE_COLOR,
        fontfamily=families,
        gid=_NOTE_GID,
    )


def _wrap(text: str, width: int = 70) -> str:
    return textwrap.fill(text, width=width)


def _fmt(x: float) -> str:
    return f"{x:.1f}" if abs(x - round(x)) > 1e-9 else f"{x:.0f}"


def _with_unit(x: float, unit: str) -> str:
    return f"{_fmt(x)} {unit}".strip()


def _period(value: object, what: str) -> str:
    try:
        return normalise_period(value)
    except ValueError as exc:
        msg = f"{what}: {exc}"
        raise DefinitionError(msg) from None
