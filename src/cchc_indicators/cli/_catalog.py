"""``cchc catalog``: the plans shipped with the package."""

from __future__ import annotations

import argparse
from typing import TextIO

from cchc_indicators.cli._common import _UsageError


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc catalog list|show``; return the exit code."""
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
