"""The options every ``cchc`` command that prints results shares: ``--lang`` and ``--excel-csv``.

``--lang vi|en`` chooses the language of what the command prints for people
(the scorecard, tables, summaries, messages about results); without it, the
language is :func:`~cchc_indicators.core.i18n.default_language` (``CCHC_LANG``,
else English). Machine outputs (JSON and CSV keys and codes) do not change with
it. ``--excel-csv`` writes a UTF-8 byte-order mark before CSV, so that Excel on
Windows reads Vietnamese letters as UTF-8 rather than as the system's code page.

Building the parser loads nothing beyond :mod:`argparse`: the language is
checked when the command runs, and a bad one is a
:class:`~cchc_indicators.core.errors.DefinitionError` the command line reports
as it reports any error (one line, exit code 2).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cchc_indicators.cli._common import _UsageError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.engine import Rollup
    from cchc_indicators.survey import SurveyResult

__all__ = [
    "BOM",
    "add_codes",
    "add_excel_csv",
    "add_lang",
    "check_excel_csv",
    "language",
    "note_line",
    "numbers_text",
    "rollup_table",
    "survey_table",
]

#: The UTF-8 byte-order mark ``--excel-csv`` writes first, as text.
BOM = "\ufeff"


def add_lang(p: argparse.ArgumentParser) -> None:
    """Add ``--lang``: the language of the text printed for people."""
    p.add_argument(
        "--lang",
        default=None,
        metavar="vi|en",
        help=(
            "language of the text printed for people: vi (Vietnamese, decimal comma) or en "
            "(default: $CCHC_LANG, else en); JSON and CSV keys and codes never change"
        ),
    )


def add_codes(p: argparse.ArgumentParser) -> None:
    """Add ``--codes``: show the indicator codes beside their names in the scorecard."""
    p.add_argument(
        "--codes",
        action="store_true",
        help="show each indicator's code after its name in the scorecard (--format table)",
    )


def add_excel_csv(p: argparse.ArgumentParser) -> None:
    """Add ``--excel-csv``: a UTF-8 byte-order mark before CSV, for Excel on Windows."""
    p.add_argument(
        "--excel-csv",
        action="store_true",
        help=(
            "write a UTF-8 byte-order mark before the CSV, so that Excel on Windows opens "
            "Vietnamese text correctly (with --format csv)"
        ),
    )


def language(args: argparse.Namespace) -> str:
    """The language ``--lang`` asks for, or the default one; check it.

    Raises
    ------
    DefinitionError
        If ``--lang`` is neither ``vi`` nor ``en``.

    Examples
    --------
    >>> import argparse
    >>> language(argparse.Namespace(lang="vi"))
    'vi'
    >>> language(argparse.Namespace(lang="fr"))
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --lang must be 'vi' or 'en', got 'fr'
    """
    from cchc_indicators.core.i18n import check_language, default_language

    lang = getattr(args, "lang", None)
    return check_language(default_language() if lang is None else lang, parameter="--lang")


def check_excel_csv(args: argparse.Namespace, fmt: str | None = None) -> bool:
    """Whether to write a byte-order mark; refuse ``--excel-csv`` with a format other than CSV.

    ``fmt`` is the format written (default: ``--format``).

    Raises
    ------
    _UsageError
        ``--excel-csv`` with another format than ``csv``.
    """
    if not getattr(args, "excel_csv", False):
        return False
    fmt = getattr(args, "format", "csv") if fmt is None else fmt
    if fmt != "csv":
        msg = f"--excel-csv applies to CSV output (--format csv), not --format {fmt}"
        raise _UsageError(msg)
    return True


def note_line(note: str, lang: str) -> str:
    """The data's note (the synthetic-data warning) in ``lang``; other notes as written.

    Examples
    --------
    >>> note_line("SYNTHETIC DATA: made up for demonstration, not official figures", "vi")[:15]
    'DỮ LIỆU GIẢ LẬP'
    """
    from cchc_indicators.evaluation._labels import note_text

    return note_text(note, lang)


def numbers_text(text: str, lang: str, note: str = "") -> str:
    """A table written in English by a result (``cchc index``, ``cchc rebase``), for ``lang``.

    In Vietnamese the decimal points between digits become commas and the
    data's note is translated (see :func:`note_line`); the words of the table
    stay as the result writes them.

    Examples
    --------
    >>> print(numbers_text("score  87.5  TEST", "vi", "TEST"))
    score  87,5  TEST
    >>> numbers_text("87.5", "en")
    '87.5'
    """
    if lang == "en":
        return text
    import re

    out = re.sub(r"(?<=\d)\.(?=\d)", ",", text)
    if note:
        out = out.replace(re.sub(r"(?<=\d)\.(?=\d)", ",", note), note_line(note, lang))
    return out


def _fixed(x: float | None, lang: str, digits: int) -> str:
    """``x`` with ``digits`` decimals, a decimal comma in Vietnamese (no thousands separator)."""
    if x is None:
        return "—"
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def _layout(head: tuple[str, ...], body: list[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(x[c]) for x in [head, *body]) for c in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if j in right else c.ljust(w)
            for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(head), "-" * (sum(widths) + 2 * (len(widths) - 1)), *(line(b) for b in body)]


def rollup_table(result: Rollup, level: str | None, lang: str, digits: int = 1) -> str:
    """A roll-up's table in ``lang``: units as rows, periods as columns, reasons in words.

    In English it is :meth:`Rollup.table <cchc_indicators.engine.Rollup.table>`.

    Examples
    --------
    >>> from cchc_indicators import Indicator, Panel
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> from cchc_indicators.engine import rollup
    >>> p = Panel.from_columns(
    ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
    ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
    ... )
    >>> r = rollup(p, Indicator("files", "Hồ sơ"), scope="tier:commune")
    >>> print(rollup_table(r, "district", "vi"))
    đơn vị                                  2024
    --------------------------------------------
    Thành phố Vĩnh Yên (243)                75,0
    Thành phố Phúc Yên (244)  — không có dữ liệu
    ...
    """
    if lang == "en":
        return result.table(level, digits=digits)
    from cchc_indicators.core.i18n import N_, gettext, reason_label

    def why(reason: str | None) -> str:
        # A cell says it briefly, as the English table does ("— no data").
        return gettext(N_("no data"), lang) if reason == "no_data" else reason_label(reason, lang)

    h = result.hierarchy
    periods = list(result.periods)
    cells: dict[str, dict[str, str]] = {}
    for r in result.to_records(level):
        indent = "  " * h.level_number(r["level"]) if level is None else ""
        value = r["value"]
        text = _fixed(value, lang, digits) if value is not None else "— " + why(r["reason"])
        cells.setdefault(f"{indent}{r['name']} ({r['unit']})", {})[r["period"]] = text
    head = (gettext("unit", lang), *periods)
    body = [(key, *(row.get(p, "") for p in periods)) for key, row in cells.items()]
    return "\n".join(_layout(head, body, set(range(1, len(head)))))


def survey_table(result: SurveyResult, level: str | None, lang: str, digits: int = 1) -> str:
    """Survey shares and their intervals in ``lang`` (in English: ``SurveyResult.table``).

    Examples
    --------
    >>> from cchc_indicators.survey import satisfaction, synthetic_survey
    >>> responses, _ = synthetic_survey(respondents=300, questions=1, elements=1, seed=3)
    >>> print(survey_table(satisfaction(responses, "4,5"), "province", "vi"))
    đơn vị               mục    n  tỷ lệ  cận dưới  cận trên  phương pháp
    ---------------------------------------------------------------------
    Tỉnh Vĩnh Phúc (26)  q01  300   84,1      79,2      88,0  wilson_kish
    DỮ LIỆU GIẢ LẬP...
    """
    if lang == "en":
        return result.table(level, digits=digits)
    from cchc_indicators.core.i18n import N_, gettext

    h = result.hierarchy
    words = (N_("unit"), N_("item"), "n", N_("share"), N_("lower"), N_("upper"), N_("method"))
    head = tuple(w if w == "n" else gettext(w, lang) for w in words)
    body = []
    for r in result.to_records(level):
        indent = "  " * h.level_number(r["level"]) if level is None else ""
        body.append(
            (
                f"{indent}{r['unit_name']} ({r['unit']})",
                str(r["question"] or r["element"]),
                str(r["n"]),
                *(_fixed(r[k], lang, digits) for k in ("share", "lower", "upper")),
                str(r["method"]),
            )
        )
    lines = _layout(head, body, {2, 3, 4, 5})
    if result.note:
        lines.append(note_line(result.note, lang))
    return "\n".join(lines)
