"""The notebook display of a :class:`~cchc_indicators.survey.SurveyResult` (its ``_repr_html_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core.i18n import (
    default_language,
    gettext,
    level_label,
    ngettext,
    number,
    percent,
    scope_label,
)
from cchc_indicators.engine._rollup_html import shown_levels, units_text

if TYPE_CHECKING:
    from cchc_indicators.survey._result import SurveyResult

__all__ = ["survey_html"]


def _kinds(kinds: tuple[str, ...], lang: str) -> str:
    """``4 questions, 2 elements, 1 overall index`` in ``lang``."""
    q, e, o = (kinds.count(k) for k in ("question", "element", "overall"))
    parts = [
        ngettext("{n} question", "{n} questions", q, lang) if q else "",
        ngettext("{n} element", "{n} elements", e, lang) if e else "",
        ngettext("{n} overall index", "{n} overall indices", o, lang) if o else "",
    ]
    counts = (q, e, o)
    return ", ".join(
        p.format(n=number(c, lang, 0)) for p, c in zip(parts, counts, strict=True) if p
    )


def survey_html(r: SurveyResult, lang: str | None = None) -> str:
    """The display: scope, answers counted, intervals, then the upper levels' shares by item.

    Each cell is the share satisfied and its interval; its tooltip gives the
    respondents and the effective sample size.
    """
    lang = lang or default_language()
    h = r.hierarchy
    sizes = [h.level_size(level) for level in h.levels]
    total = int(sum(sizes[: shown_levels(sizes)]))
    n_rows = min(total, rh.MAX_ROWS)
    items = r.items[: rh.MAX_COLUMNS]
    share = r.share[:n_rows, : len(items)]
    lower = r.lower[:n_rows, : len(items)]
    upper = r.upper[:n_rows, : len(items)]
    n = r.n[:n_rows, : len(items)]
    n_eff = r.n_eff[:n_rows, : len(items)]
    body = []
    for i in range(n_rows):
        cells: list[rh.Cell] = [
            f"{h.names[i]} ({h.codes[i]})",
            level_label(h.levels[int(h.level_of[i])], lang),
        ]
        for k in range(len(items)):
            if n[i, k] == 0 or np.isnan(share[i, k]):
                cells.append(("—", None, gettext("no respondents", lang)))
                continue
            interval = f"{number(lower[i, k], lang)}–{number(upper[i, k], lang)}"
            tip = gettext("{n} respondents, effective sample size {n_eff}", lang).format(
                n=number(int(n[i, k]), lang, 0), n_eff=number(float(n_eff[i, k]), lang)
            )
            cells.append((f"{percent(share[i, k], lang)} ({interval})", None, tip))
        body.append(cells)
    head = [gettext("Unit", lang), gettext("Level", lang), *items]
    caption = gettext("Share satisfied, % ({confidence} interval)", lang).format(
        confidence=percent(100 * r.confidence, lang)
    )
    table = rh.table(head, body, numeric=range(2, len(head)), caption=caption)
    methods = ", ".join(dict.fromkeys(r.methods))
    kinds = _kinds(r.kinds, lang)
    answers = gettext("{answers} on a scale {scale}", lang).format(
        answers=", ".join(str(a) for a in r.satisfied), scale=f"{r.scale.low}–{r.scale.high}"
    )
    facts = [
        (gettext("Scope", lang), f"{scope_label(r.scope, lang, h.levels[0])} ({r.scope})"),
        (gettext("Satisfied answers", lang), answers),
        (gettext("Items", lang), kinds),
        (gettext("Units", lang), units_text(list(zip(h.levels, sizes, strict=True)), lang)),
        (
            gettext("Intervals", lang),
            f"{methods}; {percent(100 * r.confidence, lang)}"
            + ("" if r.seed is None else "; " + gettext("seed {seed}", lang).format(seed=r.seed)),
        ),
        (
            gettext("Design weights", lang),
            gettext("yes", lang) if r.weighted else gettext("no", lang),
        ),
    ]
    footer = [rh.more_rows(n_rows, len(h), lang, ".to_frame() / .table()")]
    if len(items) < len(r.items):
        footer.append(
            gettext("The first {shown} of {total} items shown.", lang).format(
                shown=number(len(items), lang, 0), total=number(len(r.items), lang, 0)
            )
        )
    title = gettext("Satisfaction survey", lang)
    return rh.block(
        "survey", title, lang=lang, facts=facts, note=r.note, body=[table], footer=footer
    )
