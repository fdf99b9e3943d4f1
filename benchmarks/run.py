"""Run every benchmark module in this folder and print (and optionally save) the ratios.

Each ``bench_*.py`` module beside this file exposes ``run(*, quick, repeats)``
returning a list of :class:`_timing.Result`. For every result the ratio is
baseline time / our time (above 1: we are faster); the goal says what the
ratio should be.

Usage::

    python benchmarks/run.py                    # full sizes, 7 repeats
    python benchmarks/run.py --quick            # small sizes, 3 repeats (smoke run)
    python benchmarks/run.py --json out.json    # also write the results as JSON
    python benchmarks/run.py -k rollup          # only modules whose name contains 'rollup'

These are plain scripts, outside the test suite: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _timing import Result, fmt_value  # noqa: E402


def discover(select: str | None = None) -> list[Path]:
    """The ``bench_*.py`` files beside this script, by name."""
    return [p for p in sorted(HERE.glob("bench_*.py")) if select is None or select in p.stem]


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a file glob found it
        msg = f"cannot load {path}"
        raise ImportError(msg)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def table(results: list[Result]) -> str:
    """A plain-text table: one line per (benchmark, baseline)."""
    head = (
        "benchmark",
        "ours",
        "baseline",
        "baseline time",
        "ratio",
        "ours vs baseline",
        "goal",
        "",
    )
    rows = [head]
    for r in results:
        better, worse = ("faster", "slower") if r.unit == "s" else ("smaller", "larger")
        versus = f"{r.ratio:.2f}x {better}" if r.ratio >= 1 else f"{1 / r.ratio:.2f}x {worse}"
        rows.append(
            (
                r.name,
                fmt_value(r.ours_s, r.unit),
                r.baseline,
                fmt_value(r.baseline_s, r.unit),
                f"{r.ratio:.3f}",
                versus,
                r.goal,
                "met" if r.met else "NOT MET",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    right = {1, 3, 4, 5}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(wd) if i in right else c.ljust(wd)
            for i, (c, wd) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer repeats")
    parser.add_argument("--json", metavar="FILE", help="write the results to FILE as JSON")
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed repeats per candidate (default 7, 3 with --quick)",
    )
    parser.add_argument(
        "-k", dest="select", default=None, help="only modules whose name contains this"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    if repeats < 1:
        parser.error("--repeats must be at least 1")

    paths = discover(args.select)
    if not paths:
        parser.error(f"no benchmark module matches {args.select!r}")
    results: list[Result] = []
    for path in paths:
        print(f"== {path.name}{' (quick)' if args.quick else ''}", flush=True)
        results.extend(load(path).run(quick=args.quick, repeats=repeats))

    print()
    print(table(results))
    notes = [note for r in results for note in r.notes]
    if notes:
        print()
        for note in notes:
            print(f"* {note}")
    print()
    print(
        "ratio = baseline time / our time (above 1: ours is faster); median of", repeats, "repeats."
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps([r.to_json() for r in results], indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {len(results)} results to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
