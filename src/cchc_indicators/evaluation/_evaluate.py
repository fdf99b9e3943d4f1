"""The code of :mod:`cchc_indicators.evaluation`, whose public names it defines (see the package)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._csv_numbers import csv_rows
from cchc_indicators.core._periods import normalise_period
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    PeriodError,
    UnknownPeriodError,
)
from cchc_indicators.core.indicators import Area
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import STATUSES
from cchc_indicators.data.panel import Panel, _pandas
from cchc_indicators.evaluation._labels import LABEL_COLUMNS, row_labels
from cchc_indicators.evaluation._rows import _ROUNDING, _Context, _target_rows
from cchc_indicators.progress import METHODS
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["COLUMNS", "LABEL_COLUMNS", "STATUSES", "Evaluation", "evaluate"]

#: The keys of each row, in order. Codes that never change with the language;
#: :meth:`Evaluation.to_records` adds :data:`LABEL_COLUMNS`, the same in words.
COLUMNS = (
    "indicator",
    "name",
    "area",
    "unit",
    "unit_name",
    "level",
    "period",
    "scope",
    "rule",
    "tier",
    "value",
    "indicator_value",
    "unit_label",
    "threshold",
    "target",
    "status",
    "gap",
    "coverage",
    "baseline_period",
    "baseline_value",
    "baseline_rebase",
    "deadline",
    "projected",
    "method",
    "category",
    "attainment_period",
    "reason",
    "source",
    "note",
    "periods_not_met",
    "periods_without_data",
)


def _check_survey_and_rebased(survey: object, rebased: object) -> None:
    """Refuse a ``survey`` that is not survey results, a ``rebased`` that is not a report."""
    from cchc_indicators.engine.rebase import (
        RebaseReport,  # imported when called: rebase imports this module
    )
    from cchc_indicators.survey import SurveyResult

    if survey is not None and not isinstance(survey, SurveyResult):
        items = (
            list(survey)
            if isinstance(survey, Sequence) and not isinstance(survey, (str, bytes))
            else [survey]
        )
        if not items or not all(isinstance(r, SurveyResult) for r in items):
            msg = (
                "evaluate: 'survey' must be a SurveyResult or a list of them (see "
                f"cchc_indicators.survey.satisfaction), got {describe(survey)}"
            )
            raise ArgumentTypeError(msg, parameter="survey")
    check_type(
        rebased,
        (RebaseReport, type(None)),
        func="evaluate",
        parameter="rebased",
        expected="the RebaseReport of rebase_panel, or None",
    )


def evaluate(
    plan: Plan,
    panel: Panel,
    hierarchy: Hierarchy | None = None,
    period: object = None,
    *,
    min_coverage: float = 0.0,
    method: str = "linear",
    survey: Any = None,
    confidence: float = 0.95,
    survey_codes: Mapping[str, str] | None = None,
    tier_map: Mapping[str, str] | None = None,
    rank_k: str | None = None,
    rank_rounding: str = "nearest",
    rebased: Any = None,
) -> Evaluation:
    """Evaluate every target of ``plan`` on ``panel`` in one period.

    Parameters
    ----------
    plan
        The plan; its ``unit`` is the unit evaluated (every top-level unit
        when ``None``); other units of the hierarchy are peers for ranks.
    panel
        The observations.
    hierarchy
        The units; it must be the panel's (default).
    period
        The period evaluated; ``None`` means the latest period in the panel.
    min_coverage
        The smallest share (0 to 1) of the units in a pooled scope (or of the
        peers of a rank) that must have data; below it the row has no value
        (status ``no_data``, reason ``below_min_coverage``) rather than a
        value resting on a few reporting units.
    method
        How interim values are projected to the deadline and judged: ``linear``
        (least squares, the default), ``open-sdg`` (Statistics Canada's ratio of
        observed to required growth), ``unsd`` (the UN Progress Chart) or
        ``escap`` (ESCAP's time-weighted projection); see
        :func:`cchc_indicators.progress.assess`. The status is ``on_track`` when
        the method's projection meets the target; each row also carries the
        method's own ``category`` and the ``attainment_period``.
    survey, confidence, survey_codes
        A :class:`~cchc_indicators.survey.SurveyResult` (or several) behind
        some indicators (an indicator whose code is a survey question or
        element, or as mapped by ``survey_codes``): their rows then also get
        the interval at ``confidence`` (``lower``, ``upper``,
        ``interval_method``) and a ``confidence_status`` beside the point
        status — ``achieved`` only when the lower bound meets the threshold,
        ``not_achieved`` only when the upper bound misses it, otherwise
        ``inconclusive`` (see :func:`cchc_indicators.survey.with_confidence`).
    tier_map
        Targets of a tier the units no longer have, evaluated on another tier
        instead, such as ``{"district": "commune"}`` after the district tier
        was abolished on 1 July 2025; added to (and overriding) the plan's own
        ``tier_map``. Without a mapping such a target is an error that says so.
    rank_k, rank_rounding
        For a rank target set among a number of peers (63 provinces in the
        plan's edition) evaluated among a different number (34 provinces since
        1 July 2025), the choice must be explicit: ``"same"`` keeps ``k``,
        ``"scaled"`` uses ``k x now / then`` rounded ``"nearest"``, ``"down"``
        or ``"up"`` (at least 1); the row's target text says which.
    rebased
        The :class:`~cchc_indicators.engine.rebase.RebaseReport` of data re-based
        onto these units (see :func:`cchc_indicators.engine.rebase.rebase_panel`):
        rows of relative targets then say, in ``baseline_rebase``, how the
        baseline value was re-based.

    Returns
    -------
    Evaluation
        One row per (indicator, target, unit, period, scope).

    Raises
    ------
    UnknownPeriodError
        If ``period`` is not in the panel.
    DefinitionError
        If ``hierarchy`` is not the panel's, the plan's unit is not in it, a
        target's tier is not a level at or below the plan's unit, or a rank
        target's peers are not on the plan unit's level.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets
    >>> plan = catalog.load("vinh-phuc-2021-2025")
    >>> ev = evaluate(plan, datasets.demo_panel(), period=2023, method="open-sdg")
    >>> r = next(x for x in ev.rows if x["indicator"] == "satisfaction_procedures")
    >>> r["value"], r["status"], r["category"], r["attainment_period"]
    (89.0, 'on_track', 'substantial_progress', '2024')
    >>> r = ev.rows[0]  # PAR INDEX in the top 15 every year: judged year by year
    >>> r["indicator"], r["value"], r["status"], r["periods_not_met"]
    ('par_index', 17.0, 'not_achieved', '2021, 2022, 2023')
    """
    check_type(plan, Plan, func="evaluate", parameter="plan")
    check_type(panel, Panel, func="evaluate", parameter="panel")
    check_type(
        hierarchy,
        (Hierarchy, type(None)),
        func="evaluate",
        parameter="hierarchy",
        expected="a Hierarchy or None",
    )
    check_type(
        tier_map,
        (Mapping, type(None)),
        func="evaluate",
        parameter="tier_map",
        expected="a mapping of tier names to levels, or None",
    )
    _check_survey_and_rebased(survey, rebased)
    if hierarchy is not None and hierarchy is not panel.hierarchy and hierarchy != panel.hierarchy:
        msg = "the panel was built on a different hierarchy than the one given"
        raise DefinitionError(msg)
    if not panel.periods:
        msg = f"{panel.source}: the panel holds no observation to evaluate"
        raise DefinitionError(msg)
    if period is None:
        label = panel.periods[-1]
    else:
        try:
            label = normalise_period(period)
        except ValueError as exc:
            raise PeriodError(str(exc)) from None
        if label not in panel.periods:
            msg = f"period {label!r} is not in the panel; it holds {', '.join(panel.periods)}"
            raise UnknownPeriodError(msg, key=label)
    if isinstance(min_coverage, bool) or not (
        isinstance(min_coverage, (int, float)) and 0.0 <= min_coverage <= 1.0
    ):
        msg = f"min_coverage is a share between 0 and 1, got {min_coverage!r}"
        raise DefinitionError(msg)
    if plan.unit is not None and plan.unit not in panel.hierarchy:
        h = panel.hierarchy
        msg = (
            f"plan {plan.code!r} is about unit {plan.unit!r}, which is not in the units "
            f"(edition {h.edition}, {len(h)} units); evaluate it on a unit list that holds it"
        )
        raise DefinitionError(msg)
    if method not in METHODS:
        msg = f"unknown method {method!r}; the methods are {', '.join(METHODS)}"
        raise DefinitionError(msg)
    if rank_k not in (None, "same", "scaled"):
        msg = f"rank_k is 'same' or 'scaled', got {rank_k!r}"
        raise DefinitionError(msg)
    if not isinstance(rank_rounding, str) or rank_rounding not in _ROUNDING:
        msg = f"rank_rounding is one of {', '.join(_ROUNDING)}, got {rank_rounding!r}"
        raise DefinitionError(msg)
    ctx = _Context(plan, panel, label, float(min_coverage), method)
    ctx.tier_map = {**dict(plan.tier_map), **dict(tier_map or {})}
    ctx.rank_k = rank_k
    ctx.rank_rounding = rank_rounding
    ctx.rebased = rebased
    try:
        rows = [
            row for ind in plan.indicators for t in ind.targets for row in _target_rows(ctx, ind, t)
        ]
    except DefinitionError as exc:
        where = f"plan {plan.code!r}"
        raise exc.in_context(where) from None
    result = Evaluation(
        plan=plan, period=label, rows=tuple(rows), note=panel.note, targets=tuple(ctx.row_targets)
    )
    if survey is not None:
        from cchc_indicators.survey import with_confidence

        rows = with_confidence(result, survey, confidence=confidence, codes=survey_codes)
        result = attrs.evolve(result, rows=tuple(rows))
    return result


@attrs.frozen(eq=False)
class Evaluation:
    """The result of :func:`evaluate`: one row per (indicator, target, unit, period, scope).

    Attributes
    ----------
    plan : Plan
        The plan evaluated.
    period : str
        The period evaluated.
    rows : tuple of dict
        The rows; keys are :data:`COLUMNS`.
    note : str
        A note carried from the data into every output (such as a
        synthetic-data warning); empty when there is none.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
    >>> ev.period, len(ev), ev.note == datasets.SYNTHETIC_NOTE
    ('2023', 169, True)
    """

    plan: Plan
    period: str
    rows: tuple[Mapping[str, Any], ...]
    note: str = ""
    #: what each row was judged against (for its words), row by row; empty when unknown
    _targets: tuple[Any, ...] = attrs.field(default=(), repr=False, alias="targets")

    def __repr__(self) -> str:
        counts = self.counts()
        shown = "".join(f", {k}={v}" for k, v in counts.items() if v)
        return f"Evaluation(plan={self.plan.code!r}, period={self.period!r}, rows={len(self.rows)}{shown})"

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys of the rows, :data:`COLUMNS` and then any added (such as survey intervals).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.columns[:4]
        ('indicator', 'name', 'area', 'unit')
        """
        extra: dict[str, None] = {}
        for r in self.rows[:1]:
            extra.update((k, None) for k in r if k not in COLUMNS)
        if not extra:
            return COLUMNS
        first = self.rows[0]
        return tuple(k for k in first if k in COLUMNS or k in extra)

    def counts(self, rows: Sequence[Mapping[str, Any]] | None = None) -> dict[str, int]:
        """Count rows by status (all statuses, in :data:`STATUSES` order).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.counts()["achieved"] > 0
        True
        """
        out = dict.fromkeys(STATUSES, 0)
        for row in self.rows if rows is None else rows:
            out[row["status"]] += 1
        return out

    def plan_rows(self) -> list[Mapping[str, Any]]:
        """The rows of the plan's own unit(s) (not the per-unit rows of a tier).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> {r["unit"] for r in ev.plan_rows()}
        {'26'}
        """
        if self.plan.unit is not None:
            return [r for r in self.rows if r["unit"] == self.plan.unit]
        top = {r["level"] for r in self.rows}
        levels = [r["level"] for r in self.rows]
        first = levels[0] if levels else None
        return [r for r in self.rows if r["level"] == first] if top else []

    def summary(self) -> list[dict[str, Any]]:
        """Per area and overall, on the plan unit's rows: achieved / evaluated / no data.

        ``evaluated`` counts rows with data; each entry also counts every status.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> overall = ev.summary()[-1]
        >>> overall["area"], overall["achieved"], overall["evaluated"], overall["no_data"]
        ('all', 15, 27, 3)
        """
        rows = self.plan_rows()
        out = []
        for area in [a.value for a in Area] + ["all"]:
            chosen = [r for r in rows if area in ("all", r["area"])]
            if not chosen:
                continue
            counts = self.counts(chosen)
            out.append(
                {
                    "area": area,
                    "achieved": counts["achieved"],
                    "evaluated": len(chosen) - counts["no_data"],
                    "no_data": counts["no_data"],
                    **{k: v for k, v in counts.items() if k not in ("achieved", "no_data")},
                }
            )
        return out

    # ------------------------------------------------------------------ outputs

    def to_records(self, lang: str | None = None) -> list[dict[str, Any]]:
        """Return the rows as a list of dicts: :data:`COLUMNS`, then :data:`LABEL_COLUMNS`.

        The codes (``status``, ``scope``, ...) never change with the language;
        the label keys, always present, carry the same in words in ``lang``:
        ``name_label`` (the indicator's name), ``value_label`` (the value with
        its unit), ``scope_label``, ``target_label``, ``status_label`` and
        ``reason_label`` (why a row has no value or no verdict; empty when it
        has both).

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; ``None`` for
            :func:`~cchc_indicators.core.i18n.default_language`.

        Raises
        ------
        DefinitionError
            If ``lang`` is not ``"vi"`` or ``"en"``.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> r = ev.to_records("vi")[0]
        >>> r["indicator"], r["status"], r["status_label"], r["target_label"]
        ('par_index', 'not_achieved', 'Không đạt', 'trong tốp 15 tỉnh, mỗi kỳ')
        >>> r = ev.to_records("en")[0]
        >>> r["status"], r["status_label"], r["scope_label"], r["reason_label"]
        ('not_achieved', 'Not achieved', 'province level (itself)', 'no data for the period')
        """
        from cchc_indicators.core.i18n import check_language, default_language

        lang = check_language(
            default_language() if lang is None else lang, func="Evaluation.to_records"
        )
        labels = row_labels(self.plan, self.rows, self._targets, lang)
        return [{**r, **extra} for r, extra in zip(self.rows, labels, strict=True)]

    def to_json(self, lang: str | None = None) -> str:
        """Return the rows as one JSON array of objects (the keys of :meth:`to_records`).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> import json
        >>> first = json.loads(ev.to_json("vi"))[0]
        >>> first["target"], first["target_label"]
        ('rank <= 15 among provinces, every period', 'trong tốp 15 tỉnh, mỗi kỳ')
        """
        return json.dumps(self.to_records(lang), ensure_ascii=False, indent=2)

    def to_csv(self, lang: str | None = None) -> str:
        """Return the rows as CSV text with a header (empty cells for missing values).

        The columns are :attr:`columns`, then :data:`LABEL_COLUMNS` in ``lang``.
        A number is written as its shortest text when that has at most 12
        significant digits (``91.2``, ``15.0``), else rounded to 12 (a gap of
        90 - 91.2 is ``-1.2``, not ``-1.2000000000000028``); :meth:`to_json`
        keeps every digit.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> text = ev.to_csv("vi")
        >>> text.splitlines()[0].split(",")[:3], text.splitlines()[0].split(",")[-2:]
        (['indicator', 'name', 'area'], ['reason_label', 'note_label'])
        >>> import csv, io
        >>> row = next(r for r in csv.DictReader(io.StringIO(text)) if r["value"] == "91.2")
        >>> row["value"], row["threshold"], row["gap"]  # 90 - 91.2 is -1.2000000000000028
        ('91.2', '90.0', '-1.2')
        """
        buf = io.StringIO()
        columns = [*self.columns, *LABEL_COLUMNS]
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_rows(self.to_records(lang), columns))
        return buf.getvalue()

    def _table(self, lang: str) -> tuple[list[str], list[list[str]], list[str]]:
        """The rows as a table in words in ``lang``: the header, the cells, each row's status."""
        from cchc_indicators.core.i18n import N_, gettext, number
        from cchc_indicators.evaluation._labels import value_text

        words = (
            N_("Indicator"),
            N_("Unit"),
            N_("Scope"),
            N_("Value"),
            N_("Target"),
            N_("Status"),
            N_("Gap"),
            N_("Projected"),
        )
        head = [gettext(w, lang) for w in words]
        body = [
            [
                lab["name_label"],
                f"{r['unit_name']} ({r['unit']})",
                lab["scope_label"],
                lab["value_label"],
                lab["target_label"],
                lab["status_label"],
                number(r["gap"], lang),
                value_text(r["projected"], str(r.get("unit_label") or ""), lang),
            ]
            for r, lab in zip(
                self.rows, row_labels(self.plan, self.rows, self._targets, lang), strict=True
            )
        ]
        return head, body, [str(r["status"]) for r in self.rows]

    def _language(self, lang: str | None, func: str) -> str:
        from cchc_indicators.core.i18n import check_language, default_language

        return check_language(default_language() if lang is None else lang, func=func)

    def to_markdown(self, lang: str | None = None) -> str:
        """Return a Markdown report: title, note, the statuses by area and the rows as a table.

        Everything is written in words in ``lang`` (``None``: the default
        language), numbers with its decimal separator. Text from the data is
        escaped, so a name holding ``<b>`` or ``|`` stays text.

        Raises
        ------
        DefinitionError
            If ``lang`` is not ``"vi"`` or ``"en"``.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> lines = ev.to_markdown("en").splitlines()
        >>> print(lines[2])
        **SYNTHETIC DATA: made up for demonstration, not official figures**
        >>> print(lines[4])
        | Area | Achieved | On track | Off track | Not achieved | Insufficient data | No data |
        >>> print(ev.to_markdown("vi").splitlines()[0])
        # Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc giai đoạn 2021–2025 — Kỳ: 2025
        """
        from cchc_indicators.core.i18n import area_label, gettext, status_label
        from cchc_indicators.evaluation._labels import note_text, title_text

        lang = self._language(lang, "Evaluation.to_markdown")
        head, body, _ = self._table(lang)
        period = gettext("Period: {period}", lang).format(period=self.period)
        lines = [f"# {_md(title_text(self.plan, lang))} — {period}", ""]
        if self.note:
            lines += [f"**{_md(note_text(self.note, lang))}**", ""]
        summary = self.summary()
        if summary:
            top = [gettext("Area", lang), *(status_label(st, lang) for st in STATUSES)]
            lines += ["| " + " | ".join(top) + " |", "|" + "---|" * len(top)]
            lines += [
                f"| {area_label(s['area'], lang)} | "
                + " | ".join(str(s[st]) for st in STATUSES)
                + " |"
                for s in summary
            ]
            lines.append("")
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in body]
        return "\n".join(lines) + "\n"

    def to_html(self, lang: str | None = None) -> str:
        """Return an HTML fragment: the note and every row as a table, in words in ``lang``.

        Each status cell has the class ``status status-<code>`` and the
        colours of ``cchc_indicators.core._html``; the note and all text are escaped.

        Raises
        ------
        DefinitionError
            If ``lang`` is not ``"vi"`` or ``"en"``.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_html("vi").count("<tr>") == len(ev) + 1
        True
        >>> '<td class="status status-achieved">Đạt</td>' in ev.to_html("vi")
        True
        """
        from cchc_indicators.core._html import cell
        from cchc_indicators.evaluation._labels import note_text

        lang = self._language(lang, "Evaluation.to_html")
        head, body, statuses = self._table(lang)
        parts = []
        if self.note:
            parts.append(f"<p><strong>{html.escape(note_text(self.note, lang))}</strong></p>")
        parts.append("<table>")
        parts.append("<thead><tr>" + "".join(cell(h, tag="th") for h in head) + "</tr></thead>")
        parts.append("<tbody>")
        column = 5  # the status
        parts.extend(
            "<tr>"
            + "".join(cell(c, status=status if k == column else None) for k, c in enumerate(row))
            + "</tr>"
            for row, status in zip(body, statuses, strict=True)
        )
        parts.append("</tbody></table>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        """The notebook display: the scorecard of the plan's unit, coloured, in the default language.

        Only the rows of the plan's unit are shown (not those of each district
        or commune), with a note of how to see them all (``ev.to_frame()``,
        ``ev.to_html()``); the language is
        :func:`~cchc_indicators.core.i18n.default_language`.
        """
        from cchc_indicators.report.html import _notebook

        return _notebook(self)

    def to_report(self, *, panel: Panel | None = None, lang: str | None = None) -> str:
        """Return the HTML report: one self-contained document for a People's Committee.

        See :func:`cchc_indicators.report.html.evaluation_report`: the plan's
        header, the scorecard coloured by status, a section per reform area with
        the tiers' units and, given the ``panel``, a trajectory chart per
        indicator; no external URL, font or script, printable on A4.

        .. versionadded:: 0.1.0

        Parameters
        ----------
        panel
            The data evaluated, for the charts (without it: tables only).
        lang
            ``"vi"`` or ``"en"`` (``None``: the default language).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> panel = datasets.demo_panel()
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), panel, period=2023)
        >>> page = ev.to_report(panel=panel, lang="vi")
        >>> page.startswith("<!DOCTYPE html>"), "Đúng tiến độ" in page, "91,5 %" in page
        (True, True, True)
        """
        from cchc_indicators.report.html import evaluation_report

        return evaluation_report(self, panel=panel, lang=lang)

    def to_excel(self, path: Any, *, lang: str | None = None) -> Any:
        """Write an Excel workbook: the scorecard, every row, the plan and the data's provenance.

        Needs the ``excel`` extra (``pip install "cchc-indicators[excel]"``, openpyxl);
        see :func:`cchc_indicators.report.excel.evaluation_workbook`.

        Parameters
        ----------
        path
            The ``.xlsx`` file to write (str or :class:`pathlib.Path`).
        lang
            ``"vi"`` or ``"en"`` (``None``: the default language).

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     written = ev.to_excel(pathlib.Path(tmp) / "vinh-phuc-2023.xlsx", lang="vi")
        ...     print(written.name, written.stat().st_size > 0)
        vinh-phuc-2023.xlsx True
        """
        from cchc_indicators.report.excel import evaluation_workbook

        return evaluation_workbook(self, path, lang=lang)

    def plot(self, kind: str = "heatmap", **options: Any) -> Any:
        """Draw the evaluation with matplotlib (needs the ``plot`` extra); return the Figure.

        Parameters
        ----------
        kind
            ``"heatmap"``: status by indicator x unit
            (:func:`~cchc_indicators.report.plot.scorecard_heatmap`); ``"tiers"``: a
            per-tier target's tiers (:func:`~cchc_indicators.report.plot.tier_chart`,
            give ``indicator=``); ``"trajectory"``: one indicator's values,
            projection, target and deadline for one unit
            (:func:`~cchc_indicators.report.plot.trajectory`, give ``panel=``,
            ``indicator=`` and ``unit=``; the plan and period are this evaluation's).
        **options
            Passed on to the plotting function.

        Raises
        ------
        DefinitionError
            For an unknown ``kind``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
        >>> fig = ev.plot("tiers", indicator="work_files_online")
        >>> len(fig.axes[0].patches)  # a bar for the province, its districts and communes
        3
        """
        from cchc_indicators.report import plot as plots

        if kind == "heatmap":
            return plots.scorecard_heatmap(self, **options)
        if kind == "tiers":
            return plots.tier_chart(self, **options)
        if kind == "trajectory":
            panel = options.pop("panel", None)
            if panel is None:
                msg = "a trajectory needs the data: plot('trajectory', panel=..., indicator=..., unit=...)"
                raise DefinitionError(msg)
            options.setdefault("plan", self.plan)
            options.setdefault("period", self.period)
            return plots.trajectory(panel, options.pop("indicator"), options.pop("unit"), **options)
        msg = f"unknown plot kind {kind!r}; the kinds are 'heatmap', 'tiers', 'trajectory'"
        raise DefinitionError(msg)

    def to_frame(self) -> Any:
        """Return the rows as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> ev.to_frame().shape[0] == len(ev)
        True
        """
        records = [dict(r) for r in self.rows]
        return _pandas().DataFrame.from_records(records, columns=list(self.columns))

    def scorecard(self, lang: str | None = None, *, codes: bool = False) -> str:
        """Return a plain-text scorecard for people, in Vietnamese or English, at most 100 columns.

        The plan's title and unit, then one section per reform area: each
        indicator's name, and for each of its targets the scope, the value
        with its unit, the target and the status in words; below a row, the
        periods an every-period target missed, the projection to the deadline
        (before it) and why a row has no value or no verdict. The units of a
        tier are counted below the tier's row ("8/9 huyện đạt (≥ 80 % số
        huyện)"). A summary counts every status (at mid-term: on track and off
        track too). A note the data carry (the synthetic-data warning) heads
        and ends it. Long names wrap onto indented lines.

        Parameters
        ----------
        lang
            ``"vi"`` or ``"en"``; ``None`` for
            :func:`~cchc_indicators.core.i18n.default_language`. Numbers follow
            the language (``91,4 %`` in Vietnamese, ``91.4 %`` in English).
        codes
            Also show each indicator's code, in brackets after its name.

        Raises
        ------
        DefinitionError
            If ``lang`` is not ``"vi"`` or ``"en"``.

        Examples
        --------
        >>> from cchc_indicators import catalog, datasets
        >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        >>> lines = ev.scorecard("vi").splitlines()
        >>> lines[0].startswith("*** DỮ LIỆU GIẢ LẬP"), lines[-1] == lines[0]
        (True, True)
        >>> print(lines[2]); print(lines[3])
        Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc giai đoạn 2021–2025
        Tỉnh Vĩnh Phúc (26) — Kỳ: 2025
        >>> k = lines.index("== Cải cách thủ tục hành chính")
        >>> for line in lines[k + 1 : k + 4]:
        ...     print(line)
          Tỷ lệ thủ tục hành chính đủ điều kiện được cung cấp dưới hình thức dịch vụ công trực tuyến mức độ
            3, 4
              cấp tỉnh (tự thân)                84 %  ≥ 80 %                              Đạt
        >>> max(len(line) for line in lines) <= 100
        True
        >>> print(ev.scorecard("en", codes=True).splitlines()[6])
          Provincial Public Administration Reform Index (PAR INDEX) [par_index]
        """
        from cchc_indicators.core.i18n import check_language, default_language
        from cchc_indicators.evaluation._scorecard import scorecard

        lang = check_language(
            default_language() if lang is None else lang, func="Evaluation.scorecard"
        )
        return scorecard(self, lang, bool(codes))


def _md(text: str) -> str:
    """Escape text for a Markdown table cell: HTML characters and the cell separator."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
