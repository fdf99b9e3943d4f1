"""The plain-text scorecard of an evaluation, in Vietnamese or English, at most 100 columns wide.

Written for the people who act on the results: the plan's title, each
indicator's name (its code only when asked), every value with its unit, the
scope, the target and the status in words, why a row has no verdict, how the
units of a tier did ("8/9 huyện đạt (≥ 80 % số huyện)"), and a summary that
counts every status.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cchc_indicators.core import i18n
from cchc_indicators.core.i18n import gettext
from cchc_indicators.core.indicators import Area
from cchc_indicators.core.targets import STATUSES
from cchc_indicators.evaluation import _labels

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.evaluation._evaluate import Evaluation

#: The widest line of a scorecard.
WIDTH = 100
#: Widths of the columns of a detail line: scope (or unit), value, target.
_SCOPE, _VALUE, _TARGET = 24, 12, 34
#: Indents: the indicator's name, its continuation and a row, what follows a row.
_NAME, _MORE, _ROW, _UNDER = 2, 4, 6, 8


def _wrap(text: str, indent: int, more: int | None = None) -> list[str]:
    """``text`` on lines of at most :data:`WIDTH` columns, the first indented ``indent``."""
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2 if more is None else more),
        break_long_words=True,
        break_on_hyphens=False,
    ) or [" " * indent]


def _columns(cells: Sequence[tuple[str, int, str]], last: str, indent: int) -> list[str]:
    """A detail line: cells (text, width, ``<`` or ``>``), then ``last`` in what room is left.

    A text cell (``<``) and ``last`` wrap onto further lines within their columns.
    """
    room = WIDTH - indent - sum(w + 2 for _, w, _ in cells)
    cells = [*cells, (last, room, "<")]
    wrapped = [
        (textwrap.wrap(text, width=width, break_on_hyphens=False) or [""])
        if align == "<"
        else [text]
        for text, width, align in cells
    ]
    lines = []
    for k in range(max(len(w) for w in wrapped)):
        parts = []
        for (_, width, align), w in zip(cells, wrapped, strict=True):
            part = w[k] if k < len(w) else ""
            parts.append(part.rjust(width) if align == ">" else part.ljust(width))
        lines.append((" " * indent + "  ".join(parts)).rstrip())
    return lines


def _counts_text(counts: Mapping[str, int], lang: str, skip: str = "") -> str:
    """``Đạt: 2, Không đạt: 1``: the non-zero counts, in the order of the statuses."""
    return ", ".join(
        f"{i18n.status_label(s, lang)}: {i18n.number(n, lang, 0)}"
        for s, n in counts.items()
        if n and s != skip
    )


def _tier_text(rows: Sequence[Mapping[str, Any]], target: str, lang: str) -> str:
    """How the units of a tier did: ``8/9 huyện đạt (≥ 80 % số huyện); Không đạt: 1``."""
    counts = dict.fromkeys(STATUSES, 0)
    for r in rows:
        counts[r["status"]] += 1
    text = gettext("{met}/{total} {units} met ({target})", lang).format(
        met=i18n.number(counts["achieved"], lang, 0),
        total=i18n.number(len(rows), lang, 0),
        units=i18n.level_label(str(rows[0]["level"]), lang, plural=True),
        target=target,
    )
    rest = _counts_text(counts, lang, skip="achieved")
    return f"{text}; {rest}" if rest else text


class _Writer:
    """Writes one scorecard: the rows' labels in one language, the lines so far."""

    def __init__(self, ev: Evaluation, lang: str, codes: bool) -> None:
        self.ev = ev
        self.lang = lang
        self.codes = codes
        self.labels = _labels.row_labels(ev.plan, ev.rows, ev._targets, lang)
        self.index = {id(r): k for k, r in enumerate(ev.rows)}
        self.lines: list[str] = []
        units = {r["unit"] for r in ev.plan_rows()}
        self.several = len(units) > 1
        self.top = ev.plan_rows()[0]["level"] if units else None

    def label(self, row: Mapping[str, Any]) -> dict[str, str]:
        return self.labels[self.index[id(row)]]

    def name(self, row: Mapping[str, Any]) -> None:
        text = self.label(row)["name_label"]
        if self.codes:
            text += f" [{row['indicator']}]"
        self.lines += _wrap(text, _NAME, _MORE)

    def row(self, row: Mapping[str, Any], first: Mapping[str, Any] | None) -> None:
        """One row: its detail line, then its periods, projection and reason."""
        lab = self.label(row)
        value = (lab["value_label"], _VALUE, ">")
        if self.several:
            if first is None or first["target"] != row["target"] or first["scope"] != row["scope"]:
                head = f"{lab['scope_label']}: {lab['target_label']}"
                self.lines += _wrap(head, _ROW)
            who = (f"{row['unit_name']} ({row['unit']})", _SCOPE + 6, "<")
            status = lab["status_label"]
            if lab["reason_label"]:
                status = f"{status} ({lab['reason_label']})"
            self.lines += _columns([who, value], status, _ROW + 2)
        else:
            scope = (lab["scope_label"], _SCOPE, "<")
            target = (lab["target_label"], _TARGET, "<")
            self.lines += _columns([scope, value, target], lab["status_label"], _ROW)
        under = _UNDER + 2 if self.several else _UNDER
        history = _labels.periods_text(row, self.lang)
        if history:
            self.lines += _wrap(history, under)
        if row.get("projected") is not None and row["status"] in ("on_track", "off_track"):
            projected = _labels.value_text(
                row["projected"], str(row.get("unit_label") or ""), self.lang
            )
            text = gettext("projected for {deadline}: {value}", self.lang).format(
                deadline=row["deadline"], value=projected
            )
            self.lines += _wrap(text, under)
        if lab["reason_label"] and not self.several:
            text = gettext("Why: {reason}", self.lang).format(reason=lab["reason_label"])
            self.lines += _wrap(text, under)

    def area(self, area: str, rows: Sequence[Mapping[str, Any]]) -> None:
        self.lines.append(f"== {i18n.area_label(area, self.lang)}")
        previous: Mapping[str, Any] | None = None
        k = 0
        while k < len(rows):
            r = rows[k]
            if previous is None or previous["indicator"] != r["indicator"]:
                self.name(r)
                previous = None
            self.row(r, previous)
            previous = r
            k += 1
            members = []
            while k < len(rows) and rows[k]["scope"] == "own" and rows[k]["level"] != self.top:
                members.append(rows[k])
                k += 1
            if members:
                self.tiers(r, members)
        for line in self._fields(rows):
            self.lines += _wrap(line, _ROW, _UNDER)
        self.lines.append("")

    def tiers(self, pooled: Mapping[str, Any], members: Sequence[Mapping[str, Any]]) -> None:
        """How the units of each tier below the plan's unit did (a run of their rows)."""
        target = self.label(pooled)["target_label"]
        by_level: dict[str, list[Mapping[str, Any]]] = {}
        for r in members:
            by_level.setdefault(str(r["level"]), []).append(r)
        for rows in by_level.values():
            self.lines += _wrap(_tier_text(rows, target, self.lang), _UNDER)

    def _fields(self, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """For each per-field target: how its fields' rows on the plan's unit(s) did."""
        names = _labels.names(self.ev.plan, self.lang)
        out = []
        for ind in self.ev.plan.indicators:
            for t in ind.targets:
                if not t.fields:
                    continue
                counts = dict.fromkeys(STATUSES, 0)
                for r in rows:
                    if (
                        r["indicator"] in t.fields
                        and r["level"] == self.top
                        and r["target"].endswith(" in each field")
                        and r["threshold"] == t.bound
                    ):
                        counts[r["status"]] += 1
                shown = _counts_text(counts, self.lang)
                if shown:
                    name = names[ind.code] + (f" [{ind.code}]" if self.codes else "")
                    out.append(
                        gettext("{name}, in each field: {counts}", self.lang).format(
                            name=name, counts=shown
                        )
                    )
        return out

    def summary(self) -> None:
        rows = self.ev.plan_rows()
        if not rows:
            return
        counts = self.ev.counts(rows)
        if self.several:
            targets = len({(r["indicator"], r["target"], r["scope"]) for r in rows})
            head = gettext(
                "Summary: {targets} for each of {units} units ({results} results)", self.lang
            )
            head = head.format(
                targets=i18n.targets_count(targets, self.lang),
                units=i18n.number(len({r["unit"] for r in rows}), self.lang, 0),
                results=i18n.number(len(rows), self.lang, 0),
            )
        else:
            head = gettext("Summary: {targets}", self.lang).format(
                targets=i18n.targets_count(len(rows), self.lang)
            )
        self.lines.append(head)
        words = {s: i18n.status_label(s, self.lang) for s in STATUSES}
        width = max(len(w) for w in words.values())
        self.lines += [
            f"  {words[s]:<{width}}  {i18n.number(n, self.lang, 0):>5}" for s, n in counts.items()
        ]


def scorecard(ev: Evaluation, lang: str, codes: bool) -> str:
    """The scorecard of ``ev`` in ``lang`` (see :meth:`Evaluation.scorecard`)."""
    w = _Writer(ev, lang, codes)
    note = _labels.note_text(ev.note, lang) if ev.note else ""
    banner: Callable[[], list[str]] = lambda: _wrap(f"*** {note} ***", 0, 4)  # noqa: E731
    if note:
        w.lines += [*banner(), ""]
    w.lines += _wrap(_labels.title_text(ev.plan, lang), 0)
    rows = ev.plan_rows()
    period = gettext("Period: {period}", lang).format(period=ev.period)
    if rows and not w.several:
        period = f"{rows[0]['unit_name']} ({rows[0]['unit']}) — {period}"
    w.lines += [period, ""]
    for area in [a.value for a in Area]:
        chosen = [r for r in ev.rows if r["area"] == area]
        if chosen:
            w.area(area, chosen)
    w.summary()
    if note:
        w.lines += ["", *banner()]
    return "\n".join(w.lines)
