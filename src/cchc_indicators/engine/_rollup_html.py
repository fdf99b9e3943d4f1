"""The notebook display of a :class:`~cchc_indicators.engine.Rollup` (its ``_repr_html_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core.i18n import (
    default_language,
    gettext,
    level_label,
    number,
    percent,
    reason_label,
    scope_label,
    unit_label,
)
from cchc_indicators.core.rules import REASONS

if TYPE_CHECKING:
    from cchc_indicators.engine._rollup import Rollup

__all__ = ["rollup_html"]


def units_text(sizes: list[tuple[str, int]], lang: str) -> str:
    """``63 provinces, 696 districts`` in ``lang``."""
    return ", ".join(
        f"{number(n, lang, 0)} {level_label(level, lang, plural=n != 1)}" for level, n in sizes
    )


def shown_levels(sizes: list[int]) -> int:
    """How many levels from the top fit in :data:`~cchc_indicators.core._repr_html.MAX_ROWS` rows (at least one)."""
    cumulative = np.cumsum(sizes)
    return max(1, int((cumulative <= rh.MAX_ROWS).sum()))


def rollup_html(r: Rollup, lang: str | None = None) -> str:
    """The display: indicator, rule, scope, units and periods, then the upper levels' values.

    The table shows the top level's units (and the levels below while they fit
    in :data:`~cchc_indicators.core._repr_html.MAX_ROWS` rows) by the latest
    :data:`~cchc_indicators.core._repr_html.MAX_COLUMNS` periods; a missing
    value is a dash whose tooltip says why.
    """
    lang = lang or default_language()
    h = r.hierarchy
    sizes = [h.level_size(level) for level in h.levels]
    top = h.levels[0]
    k = shown_levels(sizes)
    total = int(sum(sizes[:k]))
    n_rows = min(total, rh.MAX_ROWS)
    first_period = max(0, len(r.periods) - rh.MAX_COLUMNS)
    periods = r.periods[first_period:]
    # level by level: on the sparse path only these levels' rows are made
    values = np.concatenate([r.array(level) for level in h.levels[:k]])[:n_rows, first_period:]
    reasons = r.reason[:n_rows, first_period:]
    levels = h.level_of[:n_rows]
    measured = unit_label(r.indicator.unit, lang)
    body = []
    for i in range(n_rows):
        cells: list[rh.Cell] = [
            f"{h.names[i]} ({h.codes[i]})",
            level_label(h.levels[int(levels[i])], lang),
        ]
        for j in range(len(periods)):
            v = float(values[i, j])
            if np.isnan(v):
                cells.append(("—", None, reason_label(REASONS[int(reasons[i, j])], lang)))
            else:
                cells.append(number(v, lang))
        body.append(cells)
    head = [gettext("Unit", lang), gettext("Level", lang), *periods]
    table = rh.table(head, body, numeric=range(2, len(head)))
    rule = r.rule.to_spec() if r.rule is not None else gettext("none (the units' own values)", lang)
    span = r.periods[0] if len(r.periods) == 1 else f"{r.periods[0]} – {r.periods[-1]}"
    facts = [
        (
            gettext("Indicator", lang),
            f"{rh.indicator_name(r.indicator, lang)} ({r.indicator.code})",
        ),
        (gettext("Rule", lang), rule),
        (gettext("Scope", lang), f"{scope_label(r.scope, lang, top)} ({r.scope})"),
        (gettext("Measured in", lang), measured or "—"),
        (gettext("Units", lang), units_text(list(zip(h.levels, sizes, strict=True)), lang)),
        (gettext("Periods", lang), f"{number(len(r.periods), lang, 0)}: {span}"),
    ]
    if r.min_coverage > 0:
        facts.append((gettext("Minimum coverage", lang), percent(100 * r.min_coverage, lang)))
    footer = [rh.more_rows(n_rows, len(h), lang, ".to_frame() / .table()")]
    if first_period:
        footer.append(
            gettext("The latest {shown} of {total} periods shown.", lang).format(
                shown=number(len(periods), lang, 0), total=number(len(r.periods), lang, 0)
            )
        )
    title = gettext("Roll-up of {indicator}", lang).format(indicator=r.indicator.code)
    return rh.block("rollup", title, lang=lang, facts=facts, body=[table], footer=footer)
