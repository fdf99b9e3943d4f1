"""The ``cchc rebase`` command: re-base a long observation file onto another edition of the units.

``cchc rebase --data DATA.csv --from vn-2024 --to vn-2025 [--plan NAME_OR_FILE]
[--weights W.csv] [--district-to province|commune] [--method CODE=METHOD ...]
--output OUT.csv``

The data file is the long observation format (``indicator,unit,period`` then
``value`` and/or ``numerator,denominator``, optional ``weight``) with unit
codes of the ``--from`` edition. Numerator and denominator rows are additive
parts; ``value`` rows are re-based by the method their indicator's definition
in ``--plan`` implies, or by ``--method CODE=METHOD``. ``--weights`` gives the
shares of split units (columns ``old_code,new_code,weight``), and with
``--district-to commune`` those of district-level units. The re-based
observations are written to ``--output`` in the same format, and a summary
(totals before and after, split and unmapped units) is printed.

Bad input raises the library's errors (:class:`~cchc_indicators.core.errors.CchcError`
and its subclasses; ``OutputError`` for an output file that cannot be written);
the ``cchc`` command prints them on one line and exits with status 2.

Examples
--------
>>> import argparse, io, pathlib, tempfile
>>> parser = argparse.ArgumentParser(prog="cchc")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> rows = ["staff,08707,2024,12", "staff,08713,2024,9", "staff,08722,2024,4", "staff,08731,2024,5"]
>>> _ = (d / "staff.csv").write_text(
...     "indicator,unit,period,value\\n" + "\\n".join(rows) + "\\n", encoding="utf-8"
... )
>>> args = parser.parse_args(
...     ["rebase", "--data", str(d / "staff.csv"), "--from", "vn-2024", "--to", "vn-2025",
...      "--method", "staff=sum", "--output", str(d / "out.csv")]
... )
>>> out = io.StringIO()
>>> run(args, out)
0
>>> print(out.getvalue(), end="")
re-based from vn-2024 to vn-2025 (official tables ...)
  levels: commune -> commune
  split units with data: 0
  unmapped units with data: 0
  target units without predecessor: 5 (11948, 19742, 20333, 21548, 26732)
  staff: sum (declared): allocated by weight and added up; value 30 -> 30
  all additive totals conserved
  note: ...
wrote 1 observation to .../out.csv
>>> print((d / "out.csv").read_text(encoding="utf-8"), end="")
indicator,unit,period,value,numerator,denominator
staff,08707,2024,30,,
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any, TextIO

from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import Option, refuse_empty
from cchc_indicators.cli._lang import (
    add_excel_csv,
    add_lang,
    check_excel_csv,
    language,
    numbers_text,
)
from cchc_indicators.cli._output import write_file
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.i18n import ngettext, number
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.rules import number_text
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine.rebase import METHODS, rebase_panel
from cchc_indicators.units import editions as units
from cchc_indicators.units.crosswalk import Crosswalk, CrosswalkError

__all__ = ["OPTIONS", "add_parser", "run"]

_COLUMNS = ["indicator", "unit", "period", "value", "numerator", "denominator"]

#: The keyword arguments of :func:`~cchc_indicators.engine.rebase.rebase_panel` that
#: options set, so that a message asking for one names the option instead.
OPTIONS = {
    "methods": Option("--method", "METHOD"),
    "district_to": Option("--district-to"),
}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``rebase`` command to ``subparsers`` (from :meth:`argparse.ArgumentParser.add_subparsers`).

    Parameters
    ----------
    subparsers
        The sub-command action of the ``cchc`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The ``rebase`` parser; :func:`run` is its command.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> rebase = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(
    ...     ["rebase", "--data", "d.csv", "--from", "vn-2024", "--to", "vn-2025", "--output", "o.csv"]
    ... )
    >>> args.from_edition, args.to_edition, args.district_to, args.method
    ('vn-2024', 'vn-2025', None, [])
    """
    p: argparse.ArgumentParser = subparsers.add_parser(
        "rebase",
        help=HELP["rebase"],
        description=(
            "Re-base observations from one edition of the national unit list to another "
            "(vn-2024 -> vn-2025: the 1 July 2025 reform). Numerators, denominators and "
            "counts are allocated and added up, so totals are conserved; other values "
            "are combined by the method their indicator's definition implies."
        ),
    )
    p.add_argument("--data", required=True, type=Path, help="observations CSV (long format)")
    p.add_argument(
        "--from",
        dest="from_edition",
        required=True,
        help=f"the edition of the data's unit codes ({', '.join(units.names())})",
    )
    p.add_argument("--to", dest="to_edition", required=True, help="the edition to re-base onto")
    p.add_argument(
        "--plan",
        default=None,
        help="a catalogue name or a plan JSON file defining the indicators (how values re-base)",
    )
    p.add_argument(
        "--weights",
        type=Path,
        default=None,
        help="shares of split units: CSV old_code,new_code,weight (each old unit's summing to 1)",
    )
    p.add_argument(
        "--district-to",
        choices=("province", "commune"),
        default=None,
        help="where district-level data go (the new edition has no district tier)",
    )
    p.add_argument(
        "--method",
        action="append",
        default=[],
        metavar="CODE=METHOD",
        help=f"how an indicator's values re-base: {', '.join(METHODS)} (repeatable)",
    )
    p.add_argument("--output", required=True, type=Path, help="the re-based observations CSV")
    add_lang(p)
    add_excel_csv(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc rebase`` with parsed ``args``; print the summary to ``out``; return 0.

    Parameters
    ----------
    args
        Parsed by the parser :func:`add_parser` adds.
    out
        Where the summary goes.

    Returns
    -------
    int
        0 (errors are raised, not returned).

    Raises
    ------
    DefinitionError
        On an unknown edition or pair of editions, a plan that cannot be read,
        a malformed ``--method``.
    InvalidDataError
        On invalid observations (:class:`~cchc_indicators.core.errors.PanelError`)
        or weights (:class:`~cchc_indicators.units.crosswalk.CrosswalkError`).
    RebaseError
        When observations cannot be re-based as asked (see
        :func:`~cchc_indicators.engine.rebase.rebase_panel`).
    InvalidDataError
        Also when a data or weights file holds a header and no row.
    OutputError
        When ``--output`` cannot be written (naming the option, the path and the cause).

    Examples
    --------
    >>> import argparse, io
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(
    ...     ["rebase", "--data", "d.csv", "--from", "vn-2025", "--to", "vn-2024", "--output", "o.csv"]
    ... )
    >>> run(args, io.StringIO())
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: no official crosswalk from vn-2025 to vn-2024; the package holds one from vn-2024 to vn-2025 (build others with Crosswalk.from_records)
    """
    lang = language(args)
    bom = check_excel_csv(args, "csv")
    old = units.edition(args.from_edition)
    new = units.edition(args.to_edition)
    crosswalk = Crosswalk.official(old.name, new.name)
    methods = _methods(args.method)
    definitions = _plan(args.plan).indicators if args.plan is not None else ()
    panel = Panel.from_csv(args.data, units.load(old.name))
    if not len(panel):
        refuse_empty(args.data, "observations")
    panel = panel.with_indicators([i for i in definitions if i.code in panel])
    if args.weights is not None:
        if not len(read_csv(args.weights)[1]):
            refuse_empty(args.weights, "weights", CrosswalkError)
        if args.district_to == "commune" and "district" not in crosswalk.levels:
            crosswalk = crosswalk.derive("district", "commune")
        crosswalk = crosswalk.with_weights(args.weights)
    rebased, report = rebase_panel(panel, crosswalk, methods=methods, district_to=args.district_to)
    n = _write(rebased, args.output, bom=bom)
    out.write(numbers_text(report.summary(), lang) + "\n")
    wrote = ngettext("wrote {n} observation to {path}", "wrote {n} observations to {path}", n, lang)
    out.write(wrote.format(n=number(n, lang, 0), path=args.output) + "\n")
    return 0


def _methods(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        code, eq, method = item.partition("=")
        if not eq or not code.strip() or not method.strip():
            msg = f"--method: write CODE=METHOD, such as 'par_index=mean'; got {item!r}"
            raise DefinitionError(msg)
        out[code.strip()] = method.strip()
    return out


def _plan(text: str) -> Plan:
    from cchc_indicators.core import catalog

    if text in catalog.names():
        return catalog.load(text)
    if Path(text).exists():
        return Plan.from_json(Path(text))
    msg = f"--plan: {text!r} is neither a catalogue ({', '.join(catalog.names())}) nor a file"
    raise DefinitionError(msg)


def _cell(value: object) -> object:
    """A cell of the file written: a whole number without ``.0``, another as in every result CSV.

    Examples
    --------
    >>> _cell(60.0), _cell(57.138000000000005), _cell("26")
    ('60', '57.138', '26')
    """
    from cchc_indicators.core._csv_numbers import csv_cell

    if isinstance(value, float) and value.is_integer():
        return number_text(value)
    return csv_cell(value)


def _write(panel: Panel, path: Path, *, bom: bool = False) -> int:
    records = panel.to_records()
    columns = _COLUMNS + (["weight"] if any("weight" in r for r in records) else [])

    def write(fh: TextIO) -> None:
        writer = csv.DictWriter(fh, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in r.items()} for r in records)

    write_file(write, path, bom=bom)
    return len(records)
