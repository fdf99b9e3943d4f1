"""An evaluation as an Excel workbook: the scorecard, every row, the plan and where the data come from.

:func:`evaluation_workbook` (and :meth:`Evaluation.to_excel
<cchc_indicators.evaluation.Evaluation.to_excel>`) writes one ``.xlsx`` file with
three sheets, named and written in Vietnamese or English:

1. **the scorecard**: one line per target on the plan's own unit(s), by reform
   area: the indicator's name, the scope, the value with its unit, the target in
   words, the status in words on its colour (the colours of the HTML report and
   the notebook displays), the gap to the target,
   the projection to the deadline and, for a line without a status, why. The
   header stays in view (frozen panes), every column has a filter, long names
   wrap, and the sheet prints on A4 landscape, one page wide;
2. **every row** of the evaluation, with the column names and codes of
   :meth:`~cchc_indicators.evaluation.Evaluation.to_csv` (``not_achieved``,
   ``tier:district``: they never change with the language) and numbers stored as
   numbers;
3. **the plan and the data's provenance**: the plan's code, titles, document,
   period, baseline and deadline, the unit evaluated, the source documents of
   the targets, the note the data carry (the synthetic-data warning, in the
   language), the counts by status, the library's version and the date written.

Values are numbers in the cells: Excel shows them with the reader's own decimal
separator (a comma in a Vietnamese Excel), the unit written by the cell's number
format (``91,4 %``, ``8,5 điểm``). Text is stored as text, never as a formula,
even when it begins with ``=``.

openpyxl is an optional dependency (``pip install "cchc-indicators[excel]"``),
imported when a workbook is written.

Examples
--------
>>> import tempfile, pathlib
>>> import openpyxl
>>> from cchc_indicators import catalog, datasets, evaluate
>>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2023)
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = evaluation_workbook(ev, pathlib.Path(tmp) / "vinh-phuc.xlsx", lang="vi")
...     book = openpyxl.load_workbook(path)
...     print(book.sheetnames)
...     print(book.worksheets[0]["F4"].value)
['Bảng kết quả', 'Tất cả các dòng', 'Kế hoạch và nguồn dữ liệu']
Không đạt
"""

from __future__ import annotations

import datetime
import errno
import math
import os
import pathlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from cchc_indicators.core import i18n
from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._html import STATUS_COLOURS
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.errors import ArgumentTypeError, MissingDependencyError
from cchc_indicators.core.i18n import N_, gettext
from cchc_indicators.core.indicators import Area
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import STATUSES

if TYPE_CHECKING:
    # not imported when run: evaluation imports this module (Evaluation.to_excel)
    from cchc_indicators.evaluation import Evaluation

__all__ = ["INSTALL", "evaluation_workbook", "sheet_name"]

#: How to install what this module needs.
INSTALL = 'pip install "cchc-indicators[excel]"'

#: Characters Excel does not allow in a sheet's name, and its longest name.
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LIMIT = 31
#: Control characters an .xlsx file cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")

_HEADER_FILL = "FFE4E4E4"
_NOTE_COLOUR = "FFB2182B"
_BORDER_COLOUR = "FFBFBFBF"

#: The scorecard's columns: (message, widest, wraps); the unit's column only for several units.
_COLUMNS: dict[str, tuple[str, int, bool]] = {
    "area": (N_("Area"), 26, True),
    "unit": (N_("Unit"), 24, True),
    "name": (N_("Indicator"), 60, True),
    "scope": (N_("Scope"), 22, True),
    "value": (N_("Value"), 14, False),
    "target": (N_("Target"), 32, True),
    "status": (N_("Status"), 18, True),
    "gap": (N_("Gap to target"), 14, False),
    "projected": (N_("Projected at the deadline"), 14, False),
    "reason": (N_("Reason"), 44, True),
    "code": (N_("Code"), 30, False),
}


def _openpyxl() -> Any:
    """Import openpyxl, or say how to install it."""
    try:
        import openpyxl
    except ImportError as exc:
        msg = f"writing an Excel workbook needs openpyxl, an optional dependency: {INSTALL}"
        raise MissingDependencyError(msg, extra="excel", package="openpyxl") from exc
    return openpyxl


def sheet_name(text: str) -> str:
    """``text`` as an Excel sheet name: no ``[ ] : * ? / \\``, no quote at either end, 31 characters.

    Examples
    --------
    >>> sheet_name("Kế hoạch và nguồn dữ liệu")
    'Kế hoạch và nguồn dữ liệu'
    >>> sheet_name("Plan: 2021/2025 [draft]?")
    'Plan- 2021-2025 -draft--'
    >>> len(sheet_name("Bảng tổng hợp kết quả thực hiện các chỉ tiêu"))
    31
    """
    name = _FORBIDDEN.sub("-", text)[:_SHEET_NAME_LIMIT].strip("'").strip()
    return name or "Sheet"


def evaluation_workbook(
    evaluation: Evaluation, path: str | os.PathLike[str], *, lang: str | None = None
) -> pathlib.Path:
    """Write ``evaluation`` as an Excel workbook at ``path``; return the path.

    The workbook has three sheets, named and written in ``lang``: the
    scorecard of the plan's own unit(s), every row of the evaluation (with the
    codes of :meth:`~cchc_indicators.evaluation.Evaluation.to_csv`), and the plan
    with the data's provenance (see :mod:`cchc_indicators.report.excel`).

    Parameters
    ----------
    evaluation
        The result of :func:`~cchc_indicators.evaluation.evaluate`.
    path
        The file to write (``.xlsx``); an existing file is replaced.
    lang
        ``"vi"`` or ``"en"``; ``None`` is
        :func:`~cchc_indicators.core.i18n.default_language`.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ~cchc_indicators.core.errors.MissingDependencyError
        If openpyxl is not installed (``pip install "cchc-indicators[excel]"``).
    ~cchc_indicators.core.errors.ArgumentTypeError
        If ``evaluation`` is not an Evaluation or ``path`` not a path.
    ~cchc_indicators.core.errors.DefinitionError
        If ``lang`` is not ``"vi"`` or ``"en"``.
    OSError
        If the file cannot be written (the message names it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import openpyxl
    >>> from cchc_indicators import catalog, datasets, evaluate
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=2025)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     book = openpyxl.load_workbook(evaluation_workbook(ev, pathlib.Path(tmp) / "r.xlsx", lang="en"))
    ...     sheet = book["Scorecard"]
    ...     print(sheet.freeze_panes, sheet.auto_filter.ref, sheet["B4"].value)
    A4 A3:J33 Provincial Public Administration Reform Index (PAR INDEX)
    """
    needed = ("plan", "period", "rows", "note", "plan_rows", "to_records", "columns", "counts")
    if not all(hasattr(evaluation, name) for name in needed):
        msg = (
            "evaluation_workbook: 'evaluation' must be an Evaluation (the result of evaluate), "
            f"got {describe(evaluation)}"
        )
        raise ArgumentTypeError(msg, parameter="evaluation")
    check_type(
        path,
        (str, os.PathLike),
        func="evaluation_workbook",
        parameter="path",
        expected="a file name (str or pathlib.Path)",
    )
    lang = i18n.default_language() if lang is None else lang
    lang = i18n.check_language(lang, func="evaluation_workbook")
    openpyxl = _openpyxl()
    target = pathlib.Path(os.fspath(path))
    book = openpyxl.Workbook()
    writer = _Writer(openpyxl, lang)
    _scorecard_sheet(writer, book.active, evaluation)
    _rows_sheet(writer, book.create_sheet(), evaluation)
    _plan_sheet(writer, book.create_sheet(), evaluation)
    version = _version()
    book.properties.title = _title(evaluation.plan, lang)
    book.properties.creator = f"cchc-indicators {version}"
    book.properties.language = lang
    try:
        book.save(target)
    except OSError as exc:
        msg = f"evaluation_workbook: cannot write {str(target)!r}: {exc.strerror or exc}"
        raise OSError(exc.errno or errno.EIO, msg) from exc
    return target


# ---------------------------------------------------------------------- cells


@attrs.define
class _Writer:
    """Cell writing shared by the sheets: text kept as text, numbers with their unit, styles."""

    openpyxl: Any
    lang: str

    def text(self, message: str) -> str:
        return gettext(message, self.lang)

    def put(self, sheet: Any, row: int, column: int, value: object, number_format: str = "") -> Any:
        """Write one cell: text as text (never a formula), numbers as numbers, None empty."""
        cell = sheet.cell(row=row, column=column)
        if value is None:
            return cell
        if isinstance(value, str):
            cell.value = _ILLEGAL.sub("", value)
            cell.data_type = "s"  # "=..." stays text: no formula from the data
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value):
                cell.value = value
                if number_format:
                    cell.number_format = number_format
            else:
                cell.value = str(value)
                cell.data_type = "s"
        else:
            cell.value = str(value)
            cell.data_type = "s"
        return cell

    def fill(self, colour: str) -> Any:
        styles = self.openpyxl.styles
        return styles.PatternFill(fill_type="solid", start_color=colour, end_color=colour)

    def status_fill(self, status: str) -> Any:
        return self.fill("FF" + STATUS_COLOURS[status].lstrip("#").upper())

    def header(self, sheet: Any, row: int, names: Sequence[str]) -> None:
        """A bold header on a grey fill, wrapped, at ``row``."""
        styles = self.openpyxl.styles
        bold = styles.Font(bold=True)
        fill = self.fill(_HEADER_FILL)
        align = styles.Alignment(wrap_text=True, vertical="center")
        border = self.border()
        for k, name in enumerate(names, start=1):
            cell = self.put(sheet, row, k, name)
            cell.font, cell.fill, cell.alignment, cell.border = bold, fill, align, border

    def border(self) -> Any:
        styles = self.openpyxl.styles
        side = styles.Side(style="thin", color=_BORDER_COLOUR)
        return styles.Border(left=side, right=side, top=side, bottom=side)

    def note(self, sheet: Any, row: int, text: str) -> None:
        cell = self.put(sheet, row, 1, text)
        cell.font = self.openpyxl.styles.Font(bold=True, color=_NOTE_COLOUR)


def _version() -> str:
    import cchc_indicators

    return str(cchc_indicators.__version__)


def _number_format(unit: str, lang: str, value: float, *, words: bool = True) -> str:
    """The number format of a value in ``unit``: one decimal at most, the unit after (a rank's before).

    Examples
    --------
    >>> _number_format("%", "vi", 91.4), _number_format("points", "vi", 85.0)
    ('#,##0.0" %"', '#,##0" điểm"')
    >>> _number_format("rank", "en", 17.0), _number_format("count", "en", 3.0)
    ('"rank "#,##0', '#,##0')
    >>> _number_format("yes/no", "vi", 1.0)
    '[=1]"có";[=0]"không";#,##0'
    """
    digits = "#,##0" if float(value).is_integer() else "#,##0.0"
    if unit == "yes/no":
        if not words:
            return digits
        yes, no = gettext("yes", lang), gettext("no", lang)
        return f'[=1]"{_quoted(yes)}";[=0]"{_quoted(no)}";{digits}'
    shown = _quoted(i18n.unit_label(unit, lang))
    if not shown:
        return digits
    if unit == "rank":
        return f'"{shown} "{digits}'
    return f'{digits}" {shown}"'


def _quoted(text: str) -> str:
    """``text`` safe inside a quoted part of a number format."""
    return text.replace('"', "").replace("\\", "")


def _fit(sheet: Any, widths: Mapping[int, int]) -> None:
    letter = _column_letter()
    for column, width in widths.items():
        sheet.column_dimensions[letter(column)].width = width


def _column_letter() -> Callable[[int], str]:
    letter: Callable[[int], str] = _openpyxl().utils.get_column_letter
    return letter


def _width(texts: Sequence[str], widest: int, narrowest: int = 8) -> int:
    """A column width (in characters) for ``texts``: the longest line, plus a margin, within bounds."""
    longest = max((len(line) for t in texts for line in t.split("\n")), default=0)
    return max(narrowest, min(widest, longest + 2))


# ---------------------------------------------------------------------- the scorecard


def _title(plan: Plan, lang: str) -> str:
    if lang == "en":
        return plan.title_en or plan.title or plan.code
    return plan.title or plan.title_en or plan.code


def _note_text(note: str, lang: str) -> str:
    """The data's note in ``lang``: the synthetic-data warning is translated, other notes kept."""
    if note == SYNTHETIC_NOTE:
        return gettext(N_("SYNTHETIC DATA: made up for demonstration, not official figures"), lang)
    return note


def _reason_words(row: Mapping[str, Any], lang: str) -> str:
    parts = []
    if row.get("reason"):
        parts.append(i18n.reason_label(str(row["reason"]), lang))
    if row.get("periods_not_met"):
        parts.append(gettext("not met in {periods}", lang).format(periods=row["periods_not_met"]))
    if row.get("periods_without_data"):
        parts.append(
            gettext("no data for {periods}", lang).format(periods=row["periods_without_data"])
        )
    return "; ".join(parts)


def _ordered(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The rows by reform area (the order of :class:`Area`), the plan's order within an area."""
    order = {a.value: k for k, a in enumerate(Area)}
    return sorted(rows, key=lambda r: order.get(str(r["area"]), len(order)))


def _scorecard_sheet(w: _Writer, sheet: Any, ev: Evaluation) -> None:
    lang = w.lang
    styles = w.openpyxl.styles
    sheet.title = sheet_name(w.text(N_("Scorecard")))
    rows = _ordered(ev.plan_rows())
    several = len({r["unit"] for r in rows}) > 1
    keys = [k for k in _COLUMNS if k != "unit" or several]
    title = gettext("{title} — period {period}", lang).format(
        title=_title(ev.plan, lang), period=ev.period
    )
    w.put(sheet, 1, 1, title).font = styles.Font(bold=True, size=13)
    if ev.note:
        w.note(sheet, 2, _note_text(ev.note, lang))
    head = 3
    w.header(sheet, head, [w.text(_COLUMNS[k][0]) for k in keys])
    records = ev.to_records(lang)  # the codes, and the same in words (LABEL_COLUMNS)
    position = {id(r): k for k, r in enumerate(ev.rows)}
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    top = styles.Alignment(vertical="top")
    border = w.border()
    shown: dict[str, list[str]] = {k: [w.text(_COLUMNS[k][0])] for k in keys}
    for n, r in enumerate(rows, start=head + 1):
        unit = str(r.get("unit_label") or "")
        words = records[position[id(r)]]
        cells: dict[str, tuple[object, str]] = {
            "area": (i18n.area_label(str(r["area"]), lang), ""),
            "unit": (f"{r['unit_name']} ({r['unit']})", ""),
            "name": (words["name_label"], ""),
            "scope": (words["scope_label"], ""),
            "value": _valued(r["value"], unit, lang),
            "target": (words["target_label"], ""),
            "status": (words["status_label"], ""),
            "gap": _valued(r["gap"], unit, lang, words=False),
            "projected": _valued(r["projected"], unit, lang),
            "reason": (_reason_words(r, lang), ""),
            "code": (str(r["indicator"]), ""),
        }
        for k, key in enumerate(keys, start=1):
            value, number_format = cells[key]
            cell = w.put(sheet, n, k, value, number_format)
            cell.alignment = wrap if _COLUMNS[key][2] else top
            cell.border = border
            if key == "status":
                cell.fill = w.status_fill(str(r["status"]))
            shown[key].append(
                f"{i18n.number(value, lang)} {i18n.unit_label(unit, lang)}"
                if isinstance(value, float)
                else str(value)
            )
    last = head + len(rows)
    letter = _column_letter()
    sheet.freeze_panes = f"A{head + 1}"
    sheet.auto_filter.ref = f"A{head}:{letter(len(keys))}{max(last, head)}"
    _fit(sheet, {k: _width(shown[key], _COLUMNS[key][1]) for k, key in enumerate(keys, start=1)})
    sheet.print_title_rows = f"{head}:{head}"
    _print_setup(sheet)


def _valued(value: object, unit: str, lang: str, *, words: bool = True) -> tuple[object, str]:
    if value is None or not isinstance(value, (int, float)):
        return value, ""
    return float(value), _number_format(unit, lang, float(value), words=words)


def _print_setup(sheet: Any) -> None:
    """A4 landscape, one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# ---------------------------------------------------------------------- all rows


def _rows_sheet(w: _Writer, sheet: Any, ev: Evaluation) -> None:
    sheet.title = sheet_name(w.text(N_("All rows")))
    records = ev.to_records(w.lang)
    # the codes, then the same in words (the label keys), as to_csv(lang) writes them
    codes = list(ev.columns)
    columns = codes + [k for k in (records[0] if records else ()) if k not in codes]
    w.header(sheet, 1, columns)
    status_column = columns.index("status") + 1 if "status" in columns else None
    fills = {s: w.status_fill(s) for s in STATUSES}
    shown: list[list[str]] = [[c] for c in columns]
    for n, r in enumerate(records, start=2):
        for k, key in enumerate(columns, start=1):
            value = r.get(key)
            cell = w.put(sheet, n, k, value)
            if k == status_column and value in fills:
                cell.fill = fills[str(value)]
            shown[k - 1].append("" if value is None else str(value)[:60])
    letter = _column_letter()
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{letter(len(columns))}{max(len(ev.rows) + 1, 1)}"
    _fit(sheet, {k: _width(texts, 50) for k, texts in enumerate(shown, start=1)})


# ---------------------------------------------------------------------- the plan and provenance


def _sources(plan: Plan) -> list[str]:
    """The documents the plan's indicators and targets cite, each once, in the plan's order."""
    cited = [ind.source for ind in plan.indicators] + [
        t.source for ind in plan.indicators for t in ind.targets
    ]
    return list(dict.fromkeys(s for s in cited if s))


def _plan_sheet(w: _Writer, sheet: Any, ev: Evaluation) -> None:
    lang = w.lang
    styles = w.openpyxl.styles
    plan = ev.plan
    sheet.title = sheet_name(w.text(N_("Plan and sources")))
    rows = ev.plan_rows()
    units = list(dict.fromkeys(f"{r['unit_name']} ({r['unit']})" for r in rows))
    unit = units[0] if plan.unit is not None and units else None
    methods = sorted({str(r["method"]) for r in ev.rows if r.get("method")})
    rebased = list(
        dict.fromkeys(str(r["baseline_rebase"]) for r in rows if r.get("baseline_rebase"))
    )
    counts = ev.counts(rows)
    period = f"{plan.start}–{plan.end}" if plan.start and plan.end else plan.start or plan.end
    t = w.text
    lines: list[tuple[str, object, str | None]] = [
        (t(N_("The plan")), None, "section"),
        (t(N_("Plan code")), plan.code, None),
        (t(N_("Title")), plan.title, None),
        (t(N_("Title in English")), plan.title_en, None),
        (t(N_("Document")), plan.document, None),
        (t(N_("Issued by")), plan.issuer, None),
        (t(N_("Date issued")), plan.date, None),
        (t(N_("Plan period")), period, None),
        (t(N_("Baseline")), plan.baseline, None),
        (t(N_("Deadline")), plan.deadline, None),
        (t(N_("Unit evaluated")), unit or t(N_("every top-level unit")), None),
        (t(N_("Units (edition)")), plan.units or plan.edition, None),
        (t(N_("Number of indicators")), len(plan.indicators), None),
        (t(N_("Notes of the catalogue")), plan.notes, None),
        ("", None, None),
        (t(N_("The evaluation")), None, "section"),
        (t(N_("Period evaluated")), ev.period, None),
        (t(N_("Projection method")), ", ".join(methods), None),
        (t(N_("Rows in the evaluation")), len(ev.rows), None),
        *[(i18n.status_label(s, lang), counts[s], s) for s in STATUSES],
        ("", None, None),
        (t(N_("The data")), None, "section"),
        (t(N_("Note on the data")), _note_text(ev.note, lang) if ev.note else "—", None),
        *[(t(N_("Re-based data")), text, None) for text in rebased],
        *[
            (t(N_("Source documents")) if k == 0 else "", source, None)
            for k, source in enumerate(_sources(plan))
        ],
        ("", None, None),
        (t(N_("This workbook")), None, "section"),
        (t(N_("Written by")), f"cchc-indicators {_version()}", None),
        (
            t(N_("Date written")),
            datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
            None,
        ),
    ]
    bold = styles.Font(bold=True)
    section = styles.Font(bold=True, size=12)
    wrap = styles.Alignment(wrap_text=True, vertical="top")
    for n, (label, value, kind) in enumerate(lines, start=1):
        head = w.put(sheet, n, 1, label)
        head.font = section if kind == "section" else bold
        head.alignment = wrap
        cell = w.put(sheet, n, 2, value, "0" if isinstance(value, int) else "")
        cell.alignment = styles.Alignment(wrap_text=True, vertical="top", horizontal="left")
        if kind in STATUS_COLOURS:
            head.fill = w.status_fill(str(kind))
        if label == t(N_("Note on the data")) and ev.note:
            cell.font = styles.Font(bold=True, color=_NOTE_COLOUR)
    sheet.column_dimensions["A"].width = _width([str(x[0]) for x in lines], 36, 16)
    sheet.column_dimensions["B"].width = 100
    _print_setup(sheet)
