"""The notebook display of an :class:`~cchc_indicators.progress.Assessment` (its ``_repr_html_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core.i18n import N_, default_language, gettext, number, status_label

if TYPE_CHECKING:
    from cchc_indicators.progress._assess import Assessment

__all__ = ["assessment_html", "category_label", "year"]

# Each method's categories in words, and the status colour each one is shown on.
_CATEGORIES = {
    "target_achieved": (N_("target achieved"), "achieved"),
    "substantial_progress": (N_("substantial progress"), "on_track"),
    "moderate_progress": (N_("moderate progress"), "off_track"),
    "limited_progress": (N_("limited progress"), "off_track"),
    "deterioration": (N_("deterioration"), "not_achieved"),
    "on_track_or_target_met": (N_("on track or target met"), "on_track"),
    "fair_progress_acceleration_needed": (N_("fair progress, acceleration needed"), "off_track"),
    "stagnation_or_regression": (N_("stagnation or regression"), "not_achieved"),
    "maintain_progress": (N_("maintain progress"), "on_track"),
    "accelerate_progress": (N_("accelerate progress"), "off_track"),
    "reverse_trend": (N_("reverse trend"), "not_achieved"),
}


def category_label(category: str, lang: str) -> tuple[str, str | None]:
    """A category in words and the status whose colour it takes (``None``: not judged).

    Examples
    --------
    >>> category_label("off_track", "vi"), category_label("reverse_trend", "en")
    (('Chậm tiến độ', 'off_track'), ('reverse trend', 'not_achieved'))
    >>> category_label("", "en")
    ('—', None)
    """
    if category in ("on_track", "off_track"):
        return status_label(category, lang), category
    known = _CATEGORIES.get(category)
    if known is None:
        return (category.replace("_", " ") or "—"), None
    return gettext(known[0], lang), known[1]


def year(x: float, lang: str) -> str:
    """A decimal year with one decimal at most and no thousands separator (``2023,5`` in Vietnamese).

    Examples
    --------
    >>> year(2023.0, "en"), year(2023.46, "vi"), year(float("nan"), "en")
    ('2023', '2023,5', '—')
    """
    if x != x:
        return "—"
    text = f"{x:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "vi" else text


def assessment_html(a: Assessment, lang: str | None = None) -> str:
    """The display: the method, the count of series per category, then the first series."""
    lang = lang or default_language()
    counts = a.counts()
    summary = rh.table(
        [gettext("Category", lang), gettext("Series", lang)],
        [[category_label(c, lang), number(k, lang, 0)] for c, k in counts.items()],
        numeric={1},
    )
    n = min(len(a), rh.MAX_ROWS)
    body: list[list[rh.Cell]] = []
    for i in range(n):
        label, status = category_label(str(a.category[i]), lang)
        attainment = float(a.attainment[i])
        body.append(
            [
                number(i + 1, lang, 0),
                (label, status),
                number(float(a.projected[i]), lang),
                number(float(a.score[i]), lang, 2),
                year(attainment, lang),
                str(a.note[i]),
            ]
        )
    head = [
        gettext("Series", lang),
        gettext("Category", lang),
        gettext("Projected", lang),
        gettext("Score", lang),
        gettext("Attainment (year)", lang),
        gettext("Note", lang),
    ]
    series = rh.table(head, body, numeric={0, 2, 3, 4})
    facts = [
        (gettext("Method", lang), a.method),
        (gettext("Series", lang), number(len(a), lang, 0)),
    ]
    footer = [
        gettext("{shown} of {total} series shown.", lang).format(
            shown=number(n, lang, 0), total=number(len(a), lang, 0)
        )
    ]
    title = gettext("Progress assessment ({method})", lang).format(method=a.method)
    return rh.block(
        "assessment", title, lang=lang, facts=facts, body=[summary, series], footer=footer
    )
