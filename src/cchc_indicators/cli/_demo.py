"""``cchc demo``: Vĩnh Phúc's plan on the embedded synthetic data."""

from __future__ import annotations

import argparse
from typing import TextIO

from cchc_indicators.cli._evaluate import (
    _check_format,
    _period_option,
    _plot_format,
    _render,
    _save_plot,
    write_result,
)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc demo``: the plan on the synthetic demo data; return the exit code."""
    from cchc_indicators.core import catalog
    from cchc_indicators.datasets import demo_panel
    from cchc_indicators.evaluation import evaluate

    lang, bom = _check_format(args)
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
    write_result(result, args, out, lang, bom, _render)
    return 0
