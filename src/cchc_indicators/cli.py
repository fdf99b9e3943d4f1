"""The ``cchc`` command line (also ``python -m cchc_indicators``).

Commands
--------
``cchc demo``
    Roll up the embedded **synthetic** sample for Vĩnh Phúc and print it.
``cchc rollup --units U.csv --data D.csv --indicator CODE [...]``
    Roll one indicator of a long observation file up a unit list.

Exit codes: 0 on success, 2 on invalid usage or invalid input (with a
one-line message naming the file, row and field; never a traceback).

Examples
--------
>>> main(["rollup", "--units", "missing.csv", "--data", "d.csv", "--indicator", "x"])
2
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from . import measures
from .errors import CchcError, InvalidDataError
from .hierarchy import DEFAULT_LEVELS, Hierarchy
from .indicators import Indicator
from .measures import Measure
from .panel import Panel
from .rollup import Rollup, rollup

__all__ = ["main"]

_MEASURES = ("percent", "ratio", "count", "score", "binary", "rank")


class _UsageError(Exception):
    """Invalid command-line usage (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit; we report and return 2
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cchc",
        description="Indicators and roll-ups for monitoring public-administration reform (CCHC).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="roll up the embedded synthetic sample and print it")
    demo.add_argument("--seed", type=int, default=2024, help="seed of the synthetic sample")
    r = sub.add_parser("rollup", help="roll one indicator of a long CSV up a unit list")
    r.add_argument("--units", required=True, type=Path, help="units CSV: code,name,level,parent")
    r.add_argument(
        "--levels",
        default=",".join(DEFAULT_LEVELS),
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
    r.add_argument("--min-coverage", type=float, default=0.0, help="share 0-1 (default 0)")
    r.add_argument("--level", default=None, help="print only the units of this level")
    r.add_argument("--format", choices=("table", "csv", "json"), default="table")
    r.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    return parser


def _measure(text: str) -> Measure:
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


def _write_result(result: Rollup, fmt: str, level: str | None, out: TextIO) -> None:
    if fmt == "table":
        out.write(result.table(level) + "\n")
        return
    records = result.to_records(level)
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(records[0]) if records else ["unit"])
    writer.writeheader()
    writer.writerows(records)
    out.write(buf.getvalue())


def _cmd_rollup(args: argparse.Namespace, out: TextIO) -> int:
    levels = tuple(x.strip() for x in args.levels.split(",") if x.strip())
    units = Hierarchy.from_csv(args.units, levels=levels)
    indicator = Indicator(args.indicator, args.indicator, measure=_measure(args.measure))
    if args.rule is not None:
        indicator = attrs.evolve(indicator, rule=args.rule)
    panel = Panel.from_csv(args.data, units)
    _require_indicator(panel, indicator.code, args.data)
    if args.level is not None:
        units.level_number(args.level)
    result = rollup(
        panel, indicator, scope=args.scope, rule=args.rule, min_coverage=args.min_coverage
    )
    _emit(lambda fh: _write_result(result, args.format, args.level, fh), args.output, out)
    return 0


def _require_indicator(panel: Panel, code: str, path: Path) -> None:
    if code not in panel:
        held = ", ".join(panel.indicator_codes) or "none"
        msg = f"{path}: no observation of indicator {code!r}; the file holds {held}"
        raise _UsageError(msg)


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .datasets import SYNTHETIC_NOTE, WORK_FILES_ONLINE, sample_panel

    panel = sample_panel(seed=args.seed)
    ind = WORK_FILES_ONLINE
    pooled = rollup(panel, ind, scope="tier:commune")
    averaged = rollup(panel, ind, scope="tier:commune", rule="mean")
    own = rollup(panel, ind, scope="own")
    h = panel.hierarchy
    lines = [
        f"*** {SYNTHETIC_NOTE} ***",
        "",
        f"{ind.name_en} ({ind.name}), {ind.unit}",
        f"Units: Vĩnh Phúc, edition {h.edition}: {h.level_size('province')} province, "
        f"{h.level_size('district')} district-level units, {h.level_size('commune')} communes",
        "",
        "1. Each tier's own work files (scope own), province and districts:",
        own.table("province"),
        own.table("district"),
        "",
        "2. All communes of each unit pooled (scope tier:commune, rule ratio_of_sums):",
        pooled.table("province"),
        pooled.table("district"),
        "",
        "3. The same communes, but averaging their rates (rule mean) - not the pooled rate:",
        averaged.table("province"),
        "",
        "Coverage of the province's commune pool (communes with data / communes):",
    ]
    i = h.position("26")
    for j, period in enumerate(panel.periods):
        lines.append(
            f"  {period}: {int(pooled.n_with_data[i, j])}/{int(pooled.n_in_scope[i])}"
            f" ({pooled.coverage[i, j]:.1%})"
        )
    lines += ["", f"*** {SYNTHETIC_NOTE} ***"]
    out.write("\n".join(lines) + "\n")
    return 0


def _emit(write: Any, path: Path | None, out: TextIO) -> None:
    if path is None:
        write(out)
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        write(fh)


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
    try:
        args = _parser().parse_args(args_list)
        if args.command == "demo":
            return _cmd_demo(args, out)
        return _cmd_rollup(args, out)
    except _UsageError as exc:
        print(f"cchc: error: {exc}", file=sys.stderr)
        return 2
    except InvalidDataError as exc:
        print(f"cchc: error: {exc.first_line()}", file=sys.stderr)
        return 2
    except (CchcError, OSError, KeyError, ValueError) as exc:
        print(f"cchc: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {exc.strerror}"
    return str(text).splitlines()[0]
