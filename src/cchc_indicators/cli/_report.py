"""The ``cchc report`` command: the HTML report of a plan evaluated on data, for a People's Committee.

``cchc report --plan NAME_OR_FILE --data DATA.csv [--units NAME_OR_FILE]
[--period P] [--lang vi|en] [--method M] [--min-coverage S] [--title T]
--output report.html``

The plan is evaluated on the long observation file as ``cchc evaluate`` does
(the plan's embedded units unless ``--units`` names a list or a file), and
the report (:func:`cchc_indicators.report.html.evaluation_report`) is written
to ``--output``: one self-contained HTML file with the charts, in Vietnamese
or English (``--lang``; default: ``CCHC_LANG``, else English).

``--demo`` instead evaluates Vĩnh Phúc's plan on the package's embedded
synthetic data (as ``cchc demo`` does; ``--seed`` changes them), so a report
can be tried without data of one's own; the report then carries the
synthetic-data banner. ``--demo`` takes no ``--data``, and ``--plan``, if
given, must be ``vinh-phuc-2021-2025``.

Bad input raises the library's errors (:class:`~cchc_indicators.core.errors.CchcError`
and its subclasses; ``OutputError`` for an output file that cannot be written);
the ``cchc`` command prints them on one line and exits with status 2.

Examples
--------
>>> import argparse, io, pathlib, tempfile
>>> parser = argparse.ArgumentParser(prog="cchc")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> args = parser.parse_args(
...     ["report", "--demo", "--period", "2023", "--lang", "vi", "--output", str(d / "bc.html")]
... )
>>> out = io.StringIO()
>>> run(args, out)
0
>>> print(out.getvalue(), end="")
đã ghi báo cáo vào .../bc.html (30 chỉ tiêu, kỳ 2023)
>>> (d / "bc.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import _UsageError
from cchc_indicators.cli._lang import add_lang, language

__all__ = ["add_parser", "run"]

#: The plan ``--demo`` evaluates (the synthetic data are made for it).
DEMO_PLAN = "vinh-phuc-2021-2025"
#: The default levels of a ``--units`` file.
_LEVELS = "province,district,commune"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``report`` command to ``subparsers`` (from :meth:`argparse.ArgumentParser.add_subparsers`).

    Parameters
    ----------
    subparsers
        The sub-command action of the ``cchc`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The ``report`` parser; :func:`run` is its command.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["report", "--plan", "p.json", "--data", "d.csv", "-o", "r.html"])
    >>> args.plan, args.data.name, args.output.name, args.lang, args.method, args.demo
    ('p.json', 'd.csv', 'r.html', None, 'linear', False)
    """
    p: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help=HELP["report"],
        description=(
            "Evaluate a plan on a long observation CSV and write the HTML report: one "
            "self-contained file (no external URL, font or script) with the plan's header, "
            "the scorecard coloured by status, a section per reform area with the tiers' "
            "units and a trajectory chart per indicator, printable on A4. --demo uses the "
            "embedded synthetic data instead of --data."
        ),
    )
    p.add_argument("--plan", default=None, help="a catalogue name or a plan JSON file")
    p.add_argument("--data", type=Path, default=None, help="observations CSV (long format)")
    p.add_argument(
        "--demo",
        action="store_true",
        help=f"evaluate {DEMO_PLAN} on the embedded synthetic data (no --data)",
    )
    p.add_argument("--seed", type=int, default=2025, help="seed of the --demo data")
    p.add_argument(
        "--units",
        default=None,
        metavar="NAME_OR_FILE",
        help="an embedded unit list or a units CSV (default: the plan's embedded units)",
    )
    p.add_argument(
        "--levels",
        default=_LEVELS,
        help="level names of a --units file, top first (default: %(default)s)",
    )
    p.add_argument("--period", default=None, help="the period evaluated (default: the latest)")
    add_lang(p)
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
        "--tier-map",
        default=None,
        metavar="FROM=TO[,...]",
        help="evaluate the targets of a tier the units lack on another, such as district=commune",
    )
    p.add_argument(
        "--rank-k",
        choices=("same", "scaled"),
        default=None,
        help="for a rank target set among more or fewer peers than the units have: keep k or scale it",
    )
    p.add_argument(
        "--rank-rounding",
        choices=("nearest", "down", "up"),
        default="nearest",
        help="how a scaled k is rounded (default: %(default)s)",
    )
    p.add_argument("--title", default=None, help="the report's heading (default: the plan's title)")
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="the HTML file to write (required)"
    )
    return p


def _share(text: str) -> float:
    """An argparse type: a share from 0 to 1 (``--min-coverage``)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:
        msg = f"a share between 0 and 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _check_output(path: Path | None) -> Path:
    """Refuse a missing ``--output``, a folder, or a file in a folder that does not exist."""
    if path is None:
        msg = "report: give the HTML file to write with --output, such as --output report.html"
        raise _UsageError(msg)
    if path.is_dir():
        msg = f"--output {path}: is a directory; give the name of an HTML file, such as report.html"
        raise _UsageError(msg)
    if not path.parent.is_dir():
        msg = f"--output {path}: cannot write: no such folder {str(path.parent)!r}"
        raise _UsageError(msg)
    return path


def _inputs(args: argparse.Namespace) -> tuple[Any, Any]:
    """The plan and the panel: from ``--plan`` and ``--data``, or the demo's."""
    from cchc_indicators.cli._evaluate import _load_plan

    if args.demo:
        if args.data is not None:
            msg = "--demo evaluates the embedded synthetic data: give --demo or --data, not both"
            raise _UsageError(msg)
        if args.plan not in (None, DEMO_PLAN):
            msg = f"--demo evaluates the plan {DEMO_PLAN} (the synthetic data are made for it), not {args.plan!r}"
            raise _UsageError(msg)
        from cchc_indicators.core import catalog
        from cchc_indicators.datasets import demo_panel

        return catalog.load(DEMO_PLAN), demo_panel(seed=args.seed)
    if args.plan is None or args.data is None:
        missing = " and ".join(
            o for o, v in (("--plan", args.plan), ("--data", args.data)) if v is None
        )
        msg = f"report: give {missing} (or --demo for the embedded synthetic data)"
        raise _UsageError(msg)
    from cchc_indicators.cli._common import _read_data, units_option
    from cchc_indicators.datasets import units as embedded_units

    plan = _load_plan(args.plan)
    if args.units is not None:
        hierarchy = units_option(args.units, args.levels)
    elif plan.units is not None:
        hierarchy = embedded_units(plan.units)
    else:
        msg = f"plan {plan.code!r} names no embedded units: give --units UNITS.csv"
        raise _UsageError(msg)
    panel, _ = _read_data(args.data, hierarchy, args.units, indicators=plan.indicators)
    return plan, panel


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc report``: evaluate, write the HTML report to ``--output``; return the exit code."""
    from cchc_indicators.cli._evaluate import _period_option, _tier_map
    from cchc_indicators.cli._output import write_file
    from cchc_indicators.core.i18n import gettext, targets_count
    from cchc_indicators.evaluation import evaluate
    from cchc_indicators.report.html import evaluation_report

    path = _check_output(args.output)
    lang = language(args)
    period = _period_option(args.period)
    tier_map = _tier_map(args.tier_map)
    plan, panel = _inputs(args)
    result = evaluate(
        plan,
        panel,
        period=period,
        min_coverage=args.min_coverage,
        method=args.method,
        tier_map=tier_map,
        rank_k=args.rank_k,
        rank_rounding=args.rank_rounding,
    )
    page = evaluation_report(result, panel=panel, lang=lang, title=args.title)
    write_file(lambda fh: fh.write(page), path)
    done = gettext("wrote the report to {path} ({targets}, period {period})", lang)
    out.write(
        done.format(
            path=path, targets=targets_count(len(result.plan_rows()), lang), period=result.period
        )
        + "\n"
    )
    return 0
