"""``cchc demo``: Vĩnh Phúc's plan on the embedded synthetic data."""

from __future__ import annotations

import argparse
from typing import TextIO

from cchc_indicators.cli._evaluate import _period_option, _plot_format, _render, _save_plot


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc demo``: the plan on the synthetic demo data; return the exit code."""
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
