"""``cchc rollup``: one indicator of a long CSV up a unit list."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

import attrs

from cchc_indicators.cli._common import _read_data, _UsageError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.core.measures import Measure

import argparse
import sys

_MEASURES = ("percent", "ratio", "count", "score", "binary", "rank")


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


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc rollup``: roll one indicator up the units; return the exit code."""
    from cchc_indicators.cli._common import load_units, skipped_line
    from cchc_indicators.cli._lang import check_excel_csv, language, rollup_table
    from cchc_indicators.cli._output import write_output, write_result
    from cchc_indicators.core.indicators import Indicator
    from cchc_indicators.engine import rollup

    lang = language(args)
    bom = check_excel_csv(args)
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
    if args.format == "table":
        text = rollup_table(result, args.level, lang)
        write_output(lambda fh: fh.write(text + "\n"), args.output, out)
        return 0
    write_output(
        lambda fh: write_result(result, args.format, args.level, fh), args.output, out, bom=bom
    )
    return 0
