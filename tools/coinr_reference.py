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

With ``--asem`` it runs instead COINr's reference pipeline,
``build_example_coin()``'s steps on COINr's example data (ASEM: 51
countries, 49 indicators, 4 denominators): denominate, impute by group
mean, screen at a data share of 0.9, treat outliers, normalise by min-max
to 0-100, aggregate by weighted arithmetic means. It writes the structure
(``iMeta``), the data (``iData``) and COINr's scores at every node, for
``tests/test_coinr_pipeline.py``. This needs COINr's ``R/`` folder (all of
it: ``new_coin`` checks the data) and its ``data/`` folder.

Usage::

    python tools/coinr_reference.py --coinr PATH/TO/COINr --out tests/data/coinr_treat.json
    python tools/coinr_reference.py --coinr PATH/TO/COINr --asem --out tests/data/coinr_asem.json

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


#: The R program of --asem: COINr's build_example_coin() steps, then every input and output as CSV.
ASEM_PROGRAM = r"""
args <- commandArgs(trailingOnly = TRUE)
for (f in list.files(file.path(args[1], "R"), full.names = TRUE)) source(f)
load(file.path(args[1], "data", "ASEM_iData.rda"))
load(file.path(args[1], "data", "ASEM_iMeta.rda"))
levels <- c("Indicator", "Pillar", "Sub-index", "Index")
coin <- suppressMessages(new_coin(ASEM_iData, ASEM_iMeta, level_names = levels))
coin <- suppressMessages(Denominate(coin, dset = "Raw"))
coin <- suppressMessages(Impute(coin, dset = "Denominated", f_i = "i_mean_grp",
                                use_group = "EurAsia_group"))
coin <- suppressMessages(Screen(coin, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA"))
coin <- suppressMessages(Treat(coin, dset = "Screened",
                               global_specs = list(f1_para = list(winmax = 5))))
coin <- suppressMessages(Normalise(coin, dset = "Treated",
                                   global_specs = list(f_n = "n_minmax",
                                                       f_n_para = list(c(0, 100)))))
coin <- suppressMessages(Aggregate(coin, dset = "Normalised", f_ag = "a_amean"))
num <- function(df) {
  for (n in names(df)) if (is.numeric(df[[n]])) df[[n]] <- sprintf("%.17g", df[[n]])
  df
}
write.csv(num(ASEM_iData), file.path(args[2], "iData.csv"), row.names = FALSE)
write.csv(num(ASEM_iMeta), file.path(args[2], "iMeta.csv"), row.names = FALSE)
write.csv(num(coin$Data$Aggregated), file.path(args[2], "Aggregated.csv"), row.names = FALSE)
"""


def asem(coinr: Path, out: Path) -> None:
    """Run COINr's reference pipeline on its ASEM data; write structure, data and scores."""

    def number(text: str) -> float | None:
        return None if text in ("NA", "") else float(text)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        program = folder / "asem.R"
        program.write_text(ASEM_PROGRAM, encoding="utf-8")
        subprocess.run(["Rscript", str(program), str(coinr), str(folder)], check=True)

        def read(name: str) -> list[dict[str, str]]:
            with (folder / name).open(newline="", encoding="utf-8") as fh:
                return list(csv.DictReader(fh))

        meta = [m for m in read("iMeta.csv") if m["Type"] != "Group"]
        data = read("iData.csv")
        scores = read("Aggregated.csv")
    series = [m["iCode"] for m in meta if m["Type"] in ("Indicator", "Denominator")]
    nodes = [m["iCode"] for m in meta if m["Type"] in ("Indicator", "Aggregate")]
    doc = {
        "source": (
            "COINr 1.1.14 (https://github.com/bluefoxr/COINr): its example data ASEM_iData and "
            "ASEM_iMeta (the ASEM Sustainable Connectivity Portal's indicators, as COINr ships "
            "them), and the scores of its reference pipeline build_example_coin(), run by "
            "tools/coinr_reference.py --asem"
        ),
        "meta": [
            {
                "code": m["iCode"],
                "parent": None if m["Parent"] == "NA" else m["Parent"],
                "type": m["Type"],
                "weight": number(m["Weight"]),
                "direction": number(m["Direction"]),
                "denominator": None if m["Denominator"] == "NA" else m["Denominator"],
            }
            for m in meta
        ],
        "units": [r["uCode"] for r in data],
        "groups": {r["uCode"]: r["EurAsia_group"] for r in data},
        "data": {c: [number(r[c]) for r in data] for c in series},
        "scored_units": [r["uCode"] for r in scores],
        "scores": {c: [number(r[c]) for r in scores] for c in nodes},
    }
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")


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
    parser.add_argument(
        "--asem", action="store_true", help="COINr's reference pipeline on its ASEM data"
    )
    args = parser.parse_args(argv)
    if args.asem:
        asem(args.coinr, args.out)
        print(f"COINr's ASEM pipeline written to {args.out}", file=sys.stderr)
        return 0
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
