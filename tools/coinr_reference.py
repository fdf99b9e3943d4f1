"""Make the reference values of COINr's outlier treatment that ``tests/test_treat_coinr.py`` checks.

COINr is the JRC's R package for composite indicators. Its ``Treat()``
function, with its default settings, is the rule that
:func:`cchc_indicators.composite.treat.treat` implements as
``"skew_kurtosis"``. This tool runs COINr itself on data sets it makes up
(heavy tails, ties at the extremes, missing values, negative values,
constant and nearly constant columns, 3 to 80 units), and writes the inputs
and COINr's treated values, treated points and winsorisation counts to a
JSON file. The tests then compare the library with those numbers, without R.

It needs R (``Rscript``) and the R sources of COINr 1.1.14 (a checkout of
https://github.com/bluefoxr/COINr at that version): only its ``R/treat.R``
and ``R/utils.R`` are loaded, by R, at run time. Nothing of COINr is copied
into this repository; the output holds numbers only.

Usage::

    python tools/coinr_reference.py --coinr PATH/TO/COINr --out tests/data/coinr_treat.json

The data sets come from a seeded generator, so a run gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

#: The R program: load COINr's treatment code, treat each data set with the defaults.
R_PROGRAM = r"""
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R", "utils.R"))
source(file.path(args[1], "R", "treat.R"))
files <- list.files(args[2], pattern = "^in_.*\\.csv$", full.names = TRUE)
for (f in files) {
  x <- read.csv(f, colClasses = "numeric")
  out <- suppressWarnings(Treat(x))
  treated <- as.data.frame(lapply(out$x_treat, function(v) sprintf("%.17g", v)))
  names(treated) <- names(x)
  write.csv(treated, sub("in_", "values_", f), row.names = FALSE)
  points <- out$Treated_Points
  if (is.null(points) || length(points) == 0) {
    points <- as.data.frame(lapply(x, function(v) rep("", length(v))))
  }
  points <- as.data.frame(points)
  for (col in names(x)) if (is.null(points[[col]])) points[[col]] <- rep("", nrow(x))
  write.csv(points[names(x)], sub("in_", "points_", f), row.names = FALSE)
  dets <- out$Dets_Table
  nwin <- sapply(names(x), function(col) {
    if (is.null(dets) || !("winsorise.nwin" %in% names(dets))) return(NA)
    row <- dets[dets$iCode == col, "winsorise.nwin"]
    if (length(row) == 0) NA else row
  })
  write.csv(data.frame(iCode = names(x), nwin = nwin), sub("in_", "nwin_", f), row.names = FALSE)
}
"""


def data_sets(seed: int = 20261207, count: int = 60) -> list[np.ndarray]:
    """Made-up data sets, each (units, columns): the cases the rule must get right."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        n = int(rng.choice([3, 4, 5, 6, 8, 10, 15, 25, 40, 63]))
        cols = []
        for kind in ("lognormal", "pareto", "negative", "normal", "ties", "integers", "extreme"):
            if kind == "lognormal":
                x = rng.lognormal(0, rng.uniform(0.5, 2.5), n)
            elif kind == "pareto":
                x = rng.pareto(rng.uniform(0.6, 3.0), n) * 10
            elif kind == "negative":
                x = -rng.lognormal(0, 2, n) + rng.normal(0, 1)
            elif kind == "normal":
                x = rng.normal(50, 10, n)
            elif kind == "ties":
                x = rng.normal(0, 1, n).round(0)
                x[rng.integers(n, size=max(1, n // 10))] = rng.choice([30.0, -30.0])
            elif kind == "integers":
                x = rng.poisson(rng.uniform(0.2, 3), n).astype(float)
                x[rng.integers(n)] = rng.integers(20, 200)
            else:  # a cluster too large for five winsorised points: the logarithm
                x = rng.normal(0, 1, n)
                m = min(n - 2, int(rng.integers(6, 12)))
                x[:m] = rng.choice([1.0, -1.0]) * (50 + 10 * np.arange(m))
            if n > 4 and rng.random() < 0.4:
                x[rng.choice(n, size=int(rng.integers(1, n // 3 + 1)), replace=False)] = np.nan
            cols.append(x)
        if k % 10 == 0:
            cols.append(np.full(n, 7.0))  # constant
        if k % 10 == 5:
            c = np.full(n, 1.0)
            c[0] = 1000.0  # one value apart: winsorised to a constant
            cols.append(c)
        out.append(np.column_stack(cols))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coinr", type=Path, required=True, help="a COINr 1.1.14 checkout")
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    sets = data_sets()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for k, X in enumerate(sets):
            with (folder / f"in_{k:04d}.csv").open("w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([f"c{j}" for j in range(X.shape[1])])
                for row in X:
                    w.writerow(["NA" if np.isnan(v) else repr(float(v)) for v in row])
        program = folder / "treat.R"
        program.write_text(R_PROGRAM, encoding="utf-8")
        subprocess.run(["Rscript", str(program), str(args.coinr), str(folder)], check=True)
        cases = []
        for k, X in enumerate(sets):

            def read(prefix: str, k: int = k) -> list[list[str]]:
                with (folder / f"{prefix}_{k:04d}.csv").open(newline="") as fh:
                    return list(csv.reader(fh))[1:]

            values = [[None if v == "NA" else float(v) for v in row] for row in read("values")]
            points = [[p.strip() for p in row] for row in read("points")]
            nwin = [None if v == "NA" else int(v) for _, v in read("nwin")]
            cases.append(
                {
                    "input": [[None if np.isnan(v) else float(v) for v in col] for col in X.T],
                    "treated": [list(col) for col in zip(*values, strict=True)],
                    "points": [list(col) for col in zip(*points, strict=True)],
                    "nwin": nwin,
                }
            )
    doc = {
        "source": (
            "COINr 1.1.14 (https://github.com/bluefoxr/COINr), Treat() with its default "
            "specifications, run by tools/coinr_reference.py on made-up data"
        ),
        "layout": "each case: input, treated and points are lists of columns (indicators)",
        "cases": cases,
    }
    args.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(cases)} data sets written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
