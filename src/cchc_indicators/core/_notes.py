"""Notes that results carry, shared by the layers that make up synthetic data."""

from __future__ import annotations

__all__ = ["SYNTHETIC_NOTE", "note_text"]

#: The label every output built on synthetic data carries.
SYNTHETIC_NOTE = "SYNTHETIC DATA: made up for demonstration, not official figures"


def note_text(note: str, lang: str) -> str:
    """The data's note in ``lang``: the synthetic-data warning is translated, other notes kept.

    Examples
    --------
    >>> note_text("SYNTHETIC DATA: made up for demonstration, not official figures", "vi")[:15]
    'DỮ LIỆU GIẢ LẬP'
    >>> note_text("Provisional figures", "vi")
    'Provisional figures'
    """
    from cchc_indicators.core.i18n import N_, gettext  # i18n reads the catalogues on first use

    if note == SYNTHETIC_NOTE:
        return gettext(N_("SYNTHETIC DATA: made up for demonstration, not official figures"), lang)
    return note
