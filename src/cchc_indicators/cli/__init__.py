"""The ``cchc`` command line (also ``python -m cchc_indicators``).

Commands
--------
In the order of ``cchc --help``:

``cchc demo [--period YEAR] [--format ...]``
    Evaluate Vĩnh Phúc's 2021–2025 plan on the embedded **synthetic** data and
    print the scorecard (``--period 2023`` for a mid-term review).
``cchc catalog list`` / ``cchc catalog show NAME``
    The plans shipped with the package.
``cchc survey --responses R.csv --scale 1-5 --satisfied 4,5 [...]``
    Shares satisfied with confidence intervals from survey microdata.
``cchc rebase --data DATA.csv --from vn-2024 --to vn-2025 --output OUT.csv [...]``
    Re-base observations from one edition of the unit list to another.
``cchc index --structure NAME_OR_FILE --data DATA.csv [--uncertainty N] [...]``
    Score units on a composite index or a points structure, with ranks and,
    with ``--uncertainty``, Monte Carlo score and rank intervals.
``cchc report --plan NAME_OR_FILE --data DATA.csv --output REPORT.html [...]``
    Write the HTML report of a plan evaluated on data (``--demo`` for the
    embedded synthetic data).
``cchc evaluate --plan NAME_OR_FILE --data DATA.csv [--units NAME_OR_FILE] [--by-unit] [...]``
    Evaluate a plan on a long observation file; ``--units`` names an embedded
    unit list (such as ``national-2024``) or a units CSV file; ``--by-unit``
    prints one line per unit, sorted by status.
``cchc rollup --units U.csv --data D.csv --indicator CODE [...]``
    Roll one indicator of a long observation file up a unit list.

``cchc --version`` prints the version. :func:`build_parser` returns the
parser with every command's options (the CLI reference is generated from it).

Exit codes: 0 on success, 2 on invalid usage or invalid input (with a
one-line message naming the file, row and field, or the option; never a
traceback). A file with a header and no row is refused. A reader that closes
the output early (``cchc index ... | head``) ends the command quietly, with
status 0.

Examples
--------
>>> main(["rollup", "--units", "missing.csv", "--data", "d.csv", "--indicator", "x"])
2
"""

from __future__ import annotations

from cchc_indicators.cli._main import (
    build_parser,
    main,
)

__all__ = [
    "build_parser",
    "main",
]
