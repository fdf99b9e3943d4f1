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

import attrs

from cchc_indicators import __version__
from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import Option, in_options
from cchc_indicators.cli._output import OutputError
from cchc_indicators.core.errors import CchcError, InvalidDataError

if TYPE_CHECKING:  # pragma: no cover - for annotations; the commands import what they run
    from cchc_indicators.core.measures import Measure
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.data.panel import Panel
    from cchc_indicators.evaluation import Evaluation
    from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["main"]

_MEASURES = ("percent", "ratio", "count", "score", "binary", "rank")
#: The default levels of a units file (``units.hierarchy.DEFAULT_LEVELS``; a test checks they
#: agree), written here so that building the parser loads no NumPy.
_LEVELS = ("province", "district", "commune")
#: How a scaled rank k is rounded (the evaluation's choices; a test checks they agree).
_ROUNDINGS = ("nearest", "down", "up")
#: The commands whose module (and parser) is loaded only when they run, in the help's order.
_DEFERRED = {
    "survey": "cchc_indicators.cli._survey",
    "rebase": "cchc_indicators.cli._rebase",
    "index": "cchc_indicators.cli._index",
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


class _UsageError(Exception):
    """Invalid command-line usage (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit; we report and return 2
        raise _UsageError(message)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command a list of arguments runs: its first word not starting with ``-``."""
    return next((a for a in argv if not a.startswith("-")), None)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; the options of a deferred command only when it is ``command``.

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
        if name == command:
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
    r.add_argument("--format", choices=("table", "csv", "json"), default="table")
    r.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
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
        "--format", choices=("table", "json", "csv", "markdown", "html"), default="table"
    )
    p.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
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


def _plot_format(path: Path | None) -> str | None:
    """Check ``--plot`` before anything is computed or printed; return the image format.

    A name without a suffix is written as PNG under that very name.
    """
    if path is None:
        return None
    try:
        import matplotlib
    except ImportError:
        msg = "--plot needs matplotlib: pip install 'cchc-indicators[plot]'"
        raise _UsageError(msg) from None
    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if path.is_dir():
        msg = f"--plot {path}: is a directory; give the name of an image file, such as status.png"
        raise _UsageError(msg)
    if not path.parent.is_dir():
        msg = f"--plot {path}: no such folder {str(path.parent)!r}"
        raise _UsageError(msg)
    formats = FigureCanvasAgg.get_supported_filetypes()
    fmt = path.suffix.lstrip(".").lower() or "png"
    if fmt not in formats:
        msg = (
            f"--plot {path}: unknown image format {fmt!r}; use one of {', '.join(sorted(formats))}"
        )
        raise _UsageError(msg)
    return fmt


def _save_plot(result: Evaluation, path: Path | None, fmt: str | None) -> None:
    from cchc_indicators.cli._output import cannot_write

    if path is None:
        return
    fig = result.plot("heatmap")
    try:
        fig.savefig(path, dpi=120, format=fmt)
    except OSError as exc:
        error = cannot_write("--plot", path, exc)
        raise error from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _measure(text: str) -> Measure:
    from cchc_indicators.core import measures

    kind, _, rest = text.partition(":")
    if kind not in _MEASURES:
        msg = f"--measure: unknown measure {text!r}; use one of {', '.join(_MEASURES)}"
        raise _UsageError(msg)
    try:
        if kind == "ratio":
            return measures.ratio(float(rest) if rest else 1.0)
        if kind == "score" and rest:
            lo, _, hi = rest.partition(":")
            return measures.score(float(lo), float(hi))
    except ValueError:
        msg = f"--measure: cannot read {text!r}; write ratio:1000 or score:0:100"
        raise _UsageError(msg) from None
    factory = {
        "percent": measures.percent,
        "count": measures.count,
        "score": measures.score,
        "binary": measures.binary,
        "rank": measures.rank,
    }[kind]
    return factory()


def _cmd_rollup(args: argparse.Namespace, out: TextIO) -> int:
    from cchc_indicators.cli._common import load_units, skipped_line
    from cchc_indicators.cli._output import write_output, write_result
    from cchc_indicators.core.indicators import Indicator
    from cchc_indicators.engine import rollup

    units = load_units(args.units, args.levels)
    indicator = Indicator(args.indicator, args.indicator, measure=_measure(args.measure))
    if args.rule is not None:
        indicator = attrs.evolve(indicator, rule=args.rule)
    panel, skipped = _read_data(args.data, units, args.units, only=indicator.code)
    if indicator.code not in panel:
        held = ", ".join(sorted(skipped)) or "none"
        msg = f"{args.data}: no observation of indicator {indicator.code!r}; the file holds {held}"
        raise _UsageError(msg)
    if skipped:
        print(f"cchc: {skipped_line(args.data, skipped)}", file=sys.stderr)
    if args.level is not None:
        units.level_number(args.level)
    result = rollup(
        panel, indicator, scope=args.scope, rule=args.rule, min_coverage=args.min_coverage
    )
    write_output(lambda fh: write_result(result, args.format, args.level, fh), args.output, out)
    return 0


def _read_data(
    path: Path, units: Hierarchy, units_file: Path | str | None, **options: Any
) -> tuple[Panel, dict[str, int]]:
    """Read ``--data`` (``options`` go to :meth:`Panel.from_csv`); refuse a file without rows.

    Unknown units name the ``--units`` file or list they were looked for in, if any.
    """
    from cchc_indicators.cli._common import refuse_empty
    from cchc_indicators.data.panel import Panel

    try:
        panel, skipped = Panel._read_csv(path, units, **options)
    except InvalidDataError as err:
        if units_file is None or "unknown_unit" not in err.kinds:
            raise
        msg = (
            f"{err.first_line()}; the units are those of --units {units_file} ({len(units)} units)"
        )
        raise _UsageError(msg) from None
    if not len(panel) and not skipped:
        refuse_empty(path, "observations")
    return panel, skipped


def _period_option(text: str | None) -> str | None:
    from cchc_indicators.core._periods import normalise_period

    if text is None:
        return None
    try:
        return normalise_period(text)
    except ValueError as exc:
        msg = f"--period: {exc}"
        raise _UsageError(msg) from None


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from cchc_indicators.cli._output import write_output
    from cchc_indicators.core import catalog
    from cchc_indicators.datasets import demo_panel
    from cchc_indicators.evaluation import evaluate

    plan = catalog.load("vinh-phuc-2021-2025")
    fmt = _plot_format(args.plot)
    result = evaluate(
        plan,
        demo_panel(seed=args.seed),
        period=_period_option(args.period),
        min_coverage=args.min_coverage,
        method=args.method,
    )
    _save_plot(result, args.plot, fmt)
    write_output(lambda fh: fh.write(_render(result, args.format) + "\n"), args.output, out)
    return 0


def _render_by_unit(result: Evaluation, fmt: str) -> str:
    """``--by-unit``: the units side by side (:mod:`cchc_indicators.report.scorecard`)."""
    import csv
    import io
    import json

    from cchc_indicators.report.scorecard import by_unit, unit_table

    if fmt == "table":
        return unit_table(result)
    records = by_unit(result)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    buf = io.StringIO()
    fields = list(records[0]) if records else ["unit"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue().rstrip("\r\n")


def _render(result: Evaluation, fmt: str) -> str:
    if fmt == "table":
        return result.scorecard()
    return {
        "json": result.to_json,
        "csv": result.to_csv,
        "markdown": result.to_markdown,
        "html": result.to_html,
    }[fmt]().rstrip("\n")


def _load_plan(text: str) -> Plan:
    from cchc_indicators.core import catalog

    if text in catalog.names():
        return catalog.load(text)
    if Path(text).exists():
        from cchc_indicators.core.plan import Plan

        return Plan.from_json(Path(text))
    msg = f"--plan: {text!r} is neither a catalogue ({', '.join(catalog.names())}) nor a file"
    raise _UsageError(msg)


def _cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from cchc_indicators.cli._common import units_option
    from cchc_indicators.cli._output import write_output
    from cchc_indicators.datasets import units as embedded_units
    from cchc_indicators.evaluation import evaluate

    if args.by_unit and args.format not in ("table", "csv", "json"):
        msg = f"--by-unit writes --format table, csv or json, not {args.format}"
        raise _UsageError(msg)
    fmt = _plot_format(args.plot)
    tier_map = _tier_map(args.tier_map)
    plan = _load_plan(args.plan)
    if args.units is not None:
        hierarchy = units_option(args.units, args.levels)
    elif plan.units is not None:
        hierarchy = embedded_units(plan.units)
    else:
        msg = f"plan {plan.code!r} names no embedded units: give --units UNITS.csv"
        raise _UsageError(msg)
    panel, _ = _read_data(args.data, hierarchy, args.units, indicators=plan.indicators)
    result = evaluate(
        plan,
        panel,
        period=_period_option(args.period),
        min_coverage=args.min_coverage,
        method=args.method,
        tier_map=tier_map,
        rank_k=args.rank_k,
        rank_rounding=args.rank_rounding,
    )
    _save_plot(result, args.plot, fmt)
    render = _render_by_unit if args.by_unit else _render
    write_output(lambda fh: fh.write(render(result, args.format) + "\n"), args.output, out)
    return 0


def _tier_map(text: str | None) -> dict[str, str]:
    """Read ``--tier-map FROM=TO[,FROM=TO...]``."""
    out: dict[str, str] = {}
    for item in [] if text is None else text.split(","):
        old, eq, new = (x.strip() for x in item.partition("="))
        if not (eq and old and new):
            msg = f"--tier-map: write FROM=TO, such as district=commune; got {text!r}"
            raise _UsageError(msg)
        out[old] = new
    return out


def _cmd_catalog(args: argparse.Namespace, out: TextIO) -> int:
    from cchc_indicators.core import catalog

    if args.catalog_command == "list":
        for name in catalog.names():
            plan = catalog.load(name)
            out.write(f"{name}\t{plan.title_en or plan.title}\n")
        return 0
    if args.name not in catalog.names():
        msg = f"unknown catalogue {args.name!r}; the catalogues are {', '.join(catalog.names())}"
        raise _UsageError(msg)
    plan = catalog.load(args.name)
    if args.format == "json":
        out.write(plan.to_json())
        return 0
    if args.format in ("text", "markdown"):
        from cchc_indicators.report._catalog_text import plan_markdown, plan_text

        out.write(plan_text(plan) if args.format == "text" else plan_markdown(plan))
        return 0
    lines = [plan.title, plan.title_en, f"{plan.document} ({plan.issuer}, {plan.date})", ""]
    for ind in plan.indicators:
        targets = "; ".join(
            t.describe(ind.unit) + (f" [{t.tier}]" if t.tier else "") for t in ind.targets
        )
        lines.append(f"{ind.code:<42} {ind.area.value:<19} {targets}")
    out.write("\n".join(lines) + "\n")
    return 0


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
        commands = {
            "demo": _cmd_demo,
            "catalog": _cmd_catalog,
            "evaluate": _cmd_evaluate,
            "rollup": _cmd_rollup,
        }
        if command in _DEFERRED:
            code = int(importlib.import_module(_DEFERRED[command]).run(args, out))
        else:
            code = commands[command](args, out)
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
