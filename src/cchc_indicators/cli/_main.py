"""The code of :mod:`cchc_indicators.cli`, whose public names it defines (see the package)."""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cchc_indicators import __version__
from cchc_indicators.cli import _lang
from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import Option, _UsageError, in_options
from cchc_indicators.cli._output import OutputError
from cchc_indicators.core.errors import CchcError, InvalidDataError

if TYPE_CHECKING:  # pragma: no cover - for annotations; the commands import what they run
    pass

__all__ = ["build_parser", "main"]

#: The default levels of a units file (``units.hierarchy.DEFAULT_LEVELS``; a test checks they
#: agree), written here so that building the parser loads no NumPy.
_LEVELS = ("province", "district", "commune")
#: How a scaled rank k is rounded (the evaluation's choices; a test checks they agree).
_ROUNDINGS = ("nearest", "down", "up")
#: Each command's module (its ``run(args, out)``), loaded only when the command runs.
_COMMANDS = {
    "demo": "cchc_indicators.cli._demo",
    "catalog": "cchc_indicators.cli._catalog",
    "evaluate": "cchc_indicators.cli._evaluate",
    "rollup": "cchc_indicators.cli._rollup",
    "survey": "cchc_indicators.cli._survey",
    "rebase": "cchc_indicators.cli._rebase",
    "index": "cchc_indicators.cli._index",
    "report": "cchc_indicators.cli._report",
}
#: The commands whose parser, too, is loaded only when they run, in the help's order.
_DEFERRED = {
    "survey": "cchc_indicators.cli._survey",
    "rebase": "cchc_indicators.cli._rebase",
    "index": "cchc_indicators.cli._index",
    "report": "cchc_indicators.cli._report",
}

#: The options of ``cchc evaluate`` that set keyword arguments of
#: :func:`~cchc_indicators.evaluation.evaluate` a message may ask for.
_EVALUATE_OPTIONS = {
    "rank_k": Option("--rank-k"),
    "rank_rounding": Option("--rank-rounding"),
    "tier_map": Option("--tier-map", "TIER"),
}


def _options_of(command: str | None) -> Mapping[str, Option]:
    """The keyword arguments a command's options set (see :func:`in_options`)."""
    if command == "evaluate":
        return _EVALUATE_OPTIONS
    if command == "rebase":
        from cchc_indicators.cli._rebase import OPTIONS

        return OPTIONS
    return {}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit; we report and return 2
        raise _UsageError(message)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command a list of arguments runs: its first word not starting with ``-``."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``cchc`` command, with the options of every command.

    The command itself loads the options of ``survey``, ``rebase``, ``index``
    and ``report`` only when it runs that command; this parser has them all,
    for the documentation (the CLI reference is generated from it) and for
    tests. Its commands are in the order of ``cchc --help``.

    Returns
    -------
    argparse.ArgumentParser
        The parser ``cchc`` uses, with every command's options. Its
        ``error`` raises rather than exits.

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.prog
    'cchc'
    >>> args = parser.parse_args(["index", "--structure", "pci-2016", "--data", "d.csv"])
    >>> args.command, args.format
    ('index', 'table')
    """
    return _parser(every=True)


def _parser(command: str | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The parser; the options of a deferred command only when it is ``command`` (or ``every``).

    ``cchc --help`` lists every command with its one-line help without loading
    the modules of ``survey``, ``rebase`` and ``index``; ``cchc index --help``
    loads that one.
    """
    parser = _Parser(
        prog="cchc",
        description="Indicators and roll-ups for monitoring public-administration reform (CCHC).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="evaluate Vĩnh Phúc's plan on the embedded synthetic data")
    demo.add_argument("--seed", type=int, default=2025, help="seed of the synthetic data")
    _add_output_options(demo)
    cat = sub.add_parser("catalog", help="the plans shipped with the package")
    cat_sub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    cat_sub.add_parser("list", help="list the catalogue names")
    show = cat_sub.add_parser(
        "show", help="print a catalogue's indicators, their definitions and sources, and targets"
    )
    show.add_argument("name", help="a catalogue name (see 'cchc catalog list')")
    show.add_argument(
        "--format",
        choices=("text", "table", "markdown", "json"),
        default="text",
        help="text: every definition, target and source (default); table: one line per "
        "indicator; markdown: the docs' catalogue page; json: the plan file",
    )
    for name, module in _DEFERRED.items():
        if every or name == command:
            importlib.import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=HELP[name])
    ev = sub.add_parser("evaluate", help="evaluate a plan on a long observation CSV")
    ev.add_argument("--plan", required=True, help="a catalogue name or a plan JSON file")
    ev.add_argument("--data", required=True, type=Path, help="observations CSV (long format)")
    ev.add_argument(
        "--units",
        default=None,
        metavar="NAME_OR_FILE",
        help=(
            "an embedded unit list (national-2024, national-2025, ...) or a units CSV "
            "(default: the plan's embedded units)"
        ),
    )
    ev.add_argument(
        "--levels",
        default=",".join(_LEVELS),
        help="level names of a --units file, top first (default: %(default)s)",
    )
    ev.add_argument(
        "--rank-k",
        choices=("same", "scaled"),
        default=None,
        help=(
            "for a rank target (top k) set among more or fewer peers than the units have "
            "(63 provinces before 1 July 2025, 34 after): keep k (same), or scale it to "
            "k x peers now / peers then (scaled)"
        ),
    )
    ev.add_argument(
        "--rank-rounding",
        choices=_ROUNDINGS,
        default="nearest",
        help="how a scaled k is rounded, to at least 1 (default: %(default)s)",
    )
    ev.add_argument(
        "--tier-map",
        default=None,
        metavar="FROM=TO[,...]",
        help=(
            "evaluate the targets of a tier the units lack on another tier, such as "
            "district=commune since the district tier was abolished"
        ),
    )
    ev.add_argument(
        "--by-unit",
        action="store_true",
        help=(
            "one line per unit with its status on each target, best news first "
            "(--format table, csv or json); for plans about every province"
        ),
    )
    _add_output_options(ev)
    r = sub.add_parser("rollup", help="roll one indicator of a long CSV up a unit list")
    r.add_argument("--units", required=True, type=Path, help="units CSV: code,name,level,parent")
    r.add_argument(
        "--levels",
        default=",".join(_LEVELS),
        help="level names, top first, comma-separated (default: %(default)s)",
    )
    r.add_argument("--data", required=True, type=Path, help="observations CSV (long format)")
    r.add_argument("--indicator", required=True, help="the indicator code to roll up")
    r.add_argument(
        "--measure",
        default="percent",
        help="percent (default), ratio[:SCALE], count, score[:MIN:MAX], binary or rank",
    )
    r.add_argument("--rule", default=None, help="aggregation rule (default: by measure)")
    r.add_argument("--scope", default="territory", help="own, territory or tier:<level>")
    r.add_argument("--min-coverage", type=_share, default=0.0, help="share 0-1 (default 0)")
    r.add_argument("--level", default=None, help="print only the units of this level")
    r.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table: one line per unit, one column per period (default); csv: one row per "
        "unit and period, long numbers rounded to 12 significant digits; json: an array of the "
        "same records, every digit",
    )
    r.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    _lang.add_lang(r)
    _lang.add_excel_csv(r)
    return parser


def _add_output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", default=None, help="the period evaluated (default: the latest)")
    p.add_argument(
        "--method",
        choices=("linear", "open-sdg", "unsd", "escap"),
        default="linear",
        help="how interim values are projected and judged (default: %(default)s)",
    )
    p.add_argument(
        "--min-coverage",
        type=_share,
        default=0.0,
        help="share 0-1 of units (or rank peers) that must report for a pooled value",
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "csv", "markdown", "html", "html-fragment", "xlsx"),
        default="table",
        help="table: the scorecard (default); json: every digit; csv: long numbers rounded to 12 "
        "significant digits; html: a complete HTML5 page (UTF-8); html-fragment: the table alone, "
        "to embed in a page of one's own; xlsx: an Excel workbook (needs --output and the 'excel' "
        "extra)",
    )
    p.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    _lang.add_lang(p)
    _lang.add_codes(p)
    _lang.add_excel_csv(p)
    p.add_argument(
        "--plot",
        type=Path,
        default=None,
        help="also draw the status heat-map to this PNG file (needs the 'plot' extra)",
    )


def _share(text: str) -> float:
    """An argparse type: a share from 0 to 1 (``--min-coverage``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        msg = f"a share between 0 and 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``). No arguments runs ``demo``.
    out
        Where results go (default: standard output). Errors go to standard error.

    Returns
    -------
    int
        0 on success, 2 on invalid usage or invalid input; the error is
        printed as one line naming the file, row and field.

    Examples
    --------
    >>> import contextlib, io, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "units.csv").write_text(
    ...     "code,name,level,parent\\n"
    ...     "26,Tỉnh Vĩnh Phúc,province,\\n"
    ...     "243,Thành phố Vĩnh Yên,district,26\\n"
    ...     "08707,Phường Tích Sơn,commune,243\\n"
    ...     "08710,Phường Liên Bảo,commune,243\\n",
    ...     encoding="utf-8",
    ... )
    >>> _ = (d / "obs.csv").write_text(
    ...     "indicator,unit,period,numerator,denominator\\n"
    ...     "files,08707,2024,45,50\\n"
    ...     "files,08710,2024,30,50\\n",
    ...     encoding="utf-8",
    ... )
    >>> files = ["--units", str(d / "units.csv"), "--data", str(d / "obs.csv")]
    >>> main(["rollup", *files, "--indicator", "files", "--scope", "tier:commune"])
    unit                         2024
    ---------------------------------
    Tỉnh Vĩnh Phúc (26)          75.0
      Thành phố Vĩnh Yên (243)   75.0
        Phường Tích Sơn (08707)  90.0
        Phường Liên Bảo (08710)  60.0
    0
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     main(["rollup", *files, "--indicator", "staff"])
    2
    >>> print(err.getvalue())
    cchc: error: .../obs.csv: no observation of indicator 'staff'; the file holds files
    """
    out = out or sys.stdout
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        args_list = ["demo"]
    command = None
    try:
        args = _parser(_command_of(args_list)).parse_args(args_list)
        command = args.command
        if args.version:
            out.write(f"cchc {__version__}\n")
            return 0
        code = int(importlib.import_module(_COMMANDS[command]).run(args, out))
        out.flush()  # so that a closed pipe shows here rather than at exit
        return code
    except BrokenPipeError:
        _drop_output(out)
        return 0
    except (_UsageError, OutputError) as exc:
        print(f"cchc: error: {exc}", file=sys.stderr)
        return 2
    except InvalidDataError as exc:
        print(f"cchc: error: {exc.first_line()}", file=sys.stderr)
        return 2
    except (CchcError, OSError, KeyError, ValueError) as exc:
        text = _one_line(exc)
        options = _options_of(command)
        if getattr(exc, "parameter", None) in options:
            text = in_options(text, options)
        print(f"cchc: error: {text}", file=sys.stderr)
        return 2


def _drop_output(out: TextIO) -> None:
    """Send what is left of ``out`` to the null device: its reader has gone (``cchc ... | head``).

    As Python's documentation advises (the note on SIGPIPE in :mod:`signal`),
    the file descriptor is pointed at :data:`os.devnull`, so that the flush at
    exit does not fail again. We chose to exit quietly with status 0: the
    reader stopping early is its choice, not an error of the command.
    """
    try:
        fd = out.fileno()
    except (OSError, ValueError):  # not a file (io.StringIO): nothing is flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _one_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {exc.strerror}"
    return str(text).splitlines()[0]
