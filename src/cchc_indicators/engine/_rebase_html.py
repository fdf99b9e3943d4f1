"""The notebook display of a :class:`~cchc_indicators.engine.rebase.RebaseReport` (its ``_repr_html_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core.i18n import default_language, gettext, level_label, number

if TYPE_CHECKING:
    from cchc_indicators.engine.rebase import RebaseReport

__all__ = ["rebase_html"]


def rebase_html(r: RebaseReport, lang: str | None = None) -> str:
    """The display: editions, crosswalk, levels and units, then each indicator's conserved totals.

    Whether a total was conserved is coloured as a status (achieved / not achieved).
    """
    lang = lang or default_language()
    records = r.to_records()
    shown = records[: rh.MAX_ROWS]
    yes, no = gettext("yes", lang), gettext("no", lang)
    body: list[list[rh.Cell]] = []
    for row in shown:
        if not row["field"]:
            body.append([str(row["indicator"]), str(row["method"]), "—", "—", "—", "—"])
            continue
        conserved = bool(row["conserved"])
        body.append(
            [
                str(row["indicator"]),
                str(row["method"]),
                str(row["field"]),
                number(float(row["before"]), lang, 2),  # type: ignore[arg-type]
                number(float(row["after"]), lang, 2),  # type: ignore[arg-type]
                (yes if conserved else no, "achieved" if conserved else "not_achieved"),
            ]
        )
    head = [
        gettext("Indicator", lang),
        gettext("Method", lang),
        gettext("Column", lang),
        gettext("Total before", lang),
        gettext("Total after", lang),
        gettext("Conserved", lang),
    ]
    table = rh.table(head, body, numeric={3, 4})
    levels = ", ".join(
        f"{level_label(a, lang)} → {level_label(b, lang)}" for a, b in r.levels.items()
    )
    facts = [
        (gettext("Editions", lang), f"{r.old_edition or '—'} → {r.new_edition or '—'}"),
        (gettext("Crosswalk", lang), r.crosswalk or "—"),
        (gettext("Levels", lang), levels or "—"),
        (gettext("Split units with data", lang), number(len(r.splits), lang, 0)),
        (gettext("Unmapped units with data", lang), number(len(r.unmapped), lang, 0)),
        (
            gettext("Units with data going outside the target units", lang),
            number(len(r.outside), lang, 0),
        ),
        (
            gettext("Target units without predecessor", lang),
            number(len(r.without_predecessor), lang, 0),
        ),
    ]
    footer = list(r.notes)
    if len(shown) < len(records):
        footer.append(
            gettext("{shown} of {total} rows shown; all of them: {how}", lang).format(
                shown=number(len(shown), lang, 0),
                total=number(len(records), lang, 0),
                how=".to_records() / .summary()",
            )
        )
    title = gettext("Re-basing report", lang)
    return rh.block("rebase", title, lang=lang, facts=facts, body=[table], footer=footer)
