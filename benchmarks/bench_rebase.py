"""Re-basing a national commune panel from vn-2024 to vn-2025: our engine against pandas.

The workload: 40 percent indicators x 5 years (2020-2024) observed at commune
level on the 2024 unit list (10,051 communes), synthetic and seeded, with
integer numerators and denominators and about 5 % of cells missing (scattered,
and a few whole districts for some indicators). The official crosswalk
(``Crosswalk.official()``: 10,023 communes linked to 3,316 new ones, 440 split
with equal shares, 28 unmapped) is built once, outside the timing.

Timed work: re-base every indicator's numerator and denominator onto the 2025
communes, conserving totals (split communes allocated by weight), count the
observations behind each new cell, and report, per indicator and part, the
totals before and after and the part of unmapped units, and how many new cells
were made from only some of their predecessors.

* ``ours``: one :func:`cchc_indicators.engine.rebase.rebase_panel` call on the whole
  panel (it builds the new panel and the report);
* ``pandas, same outputs``: the long frame of commune observations merged
  (left join, to find the unmapped ones) with the crosswalk frame
  (``unit, new_unit, weight``), numerator and denominator multiplied by the
  weight, one ``groupby(indicator, new_unit, period)`` summing them and
  counting rows; then the report's totals (``groupby(indicator)`` before, after
  and of the unmapped rows) and partial cells (counts below the number of
  links into the new unit). The goal (>= 5x) is against this baseline.
* ``pandas merge + groupby [no report]``: the merge and groupby alone, shown
  for information (it does less than we do).

Each pandas variant is timed with codes as categoricals (pandas' fast path)
and as plain strings (as read from a file). Building the frames and aligning
pandas' result with the hierarchy are not timed.

All are checked to agree (sums to 1e-9 relative, counts exactly, the same
cells, the same totals and partial cells) before anything is timed; a
mismatch raises. Run through
``benchmarks/run.py``, or directly: ``python benchmarks/bench_rebase.py [--quick]``.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import numpy as np

import cchc_indicators as cchc
from _timing import Result, fmt_seconds, time_alternating
from _workloads import YEARS, commune_panel, drop_districts, long_form
from cchc_indicators import Hierarchy, Panel, units
from cchc_indicators.engine.rebase import RebaseReport, rebase_panel
from cchc_indicators.units.crosswalk import Crosswalk

N_INDICATORS = 40
N_INDICATORS_QUICK = 4
SEED = 20250701
GOAL = 5.0

IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Workload:
    """Everything built once, before timing."""

    panel: Panel
    crosswalk: Crosswalk
    codes: tuple[str, ...]
    frames: dict[str, Any]  # "categorical" / "str" -> (observations, crosswalk) frames
    n_rows: int


def synthetic_columns(h: Hierarchy, n_indicators: int, seed: int) -> dict[str, IntArray]:
    """Seeded commune observations in long form: indicator, commune position, year, num, den."""
    rng = np.random.default_rng(seed)
    cs = h.level_slice("commune")
    n_c, n_p = cs.stop - cs.start, len(YEARS)
    nums, dens, keep = [], [], []
    for k in range(n_indicators):
        top = int(rng.choice([8, 40, 300, 3000]))
        den = rng.integers(0, top + 1, size=(n_c, n_p))
        rate = np.clip(rng.beta(3, 2, size=n_c)[:, None] + rng.normal(0, 0.05, (n_c, n_p)), 0, 1)
        nums.append(rng.binomial(den, rate))
        dens.append(den)
        present = rng.random((n_c, n_p)) >= 0.05
        keep.append(drop_districts(rng, h, present, k))
    return long_form(nums, dens, keep)


def build(n_indicators: int, seed: int = SEED) -> Workload:
    """Load the embedded 2024 edition, make the data, build the Panel and the pandas frames."""
    import pandas as pd

    h = units.load("vn-2024")
    cs = h.level_slice("commune")
    codes = tuple(f"ind{k:02d}" for k in range(n_indicators))
    cols = synthetic_columns(h, n_indicators, seed)
    commune_codes = np.array(h.codes[cs])
    panel = commune_panel(h, codes, cols, "Chỉ tiêu ")
    cw = Crosswalk.official()
    links = pd.DataFrame(
        {
            "unit": np.array(cw.old.codes)[cw.old_index],
            "new_unit": np.array(cw.new.codes)[cw.new_index],
            "weight": cw.weight,
        }
    )
    links = links[np.array(cw.old.levels)[cw.old.level_of[cw.old_index]] == "commune"]
    obs = pd.DataFrame(
        {
            "indicator": np.array(codes)[cols["indicator"]],
            "unit": commune_codes[cols["commune"]],
            "period": cols["year"],
            "numerator": cols["num"],
            "denominator": cols["den"],
        }
    )
    as_cat = pd.CategoricalDtype(sorted(set(obs["unit"]) | set(links["unit"])))
    frames = {
        "str": (obs, links.reset_index(drop=True)),
        "categorical": (
            obs.astype({"indicator": "category", "unit": as_cat}),
            links.astype({"unit": as_cat, "new_unit": "category"}).reset_index(drop=True),
        ),
    }
    return Workload(panel, cw, codes, frames, len(obs))


# --------------------------------------------------------------------------- the contenders


def ours(w: Workload) -> tuple[Panel, RebaseReport]:
    """One call: the whole panel re-based, with its report."""
    return rebase_panel(w.panel, w.crosswalk)


PARTS = ["numerator", "denominator"]


def pandas_merge_groupby(w: Workload, codes: str = "categorical") -> Any:
    """Merge the observations with the crosswalk, weight the parts, group by new unit."""
    obs, links = w.frames[codes]
    m = obs.merge(links, on="unit", how="inner")
    m["numerator"] = m["numerator"] * m["weight"]
    m["denominator"] = m["denominator"] * m["weight"]
    g = m.groupby(["indicator", "new_unit", "period"], observed=True, sort=False)
    out = g[PARTS].sum()
    out["n"] = g.size()
    return out


def pandas_same_outputs(w: Workload, codes: str = "categorical") -> dict[str, Any]:
    """The merge and groupby, plus what our report holds: totals before and after, the
    part of unmapped units, and the new cells made from only some of their predecessors."""
    obs, links = w.frames[codes]
    m = obs.merge(links, on="unit", how="left")
    lost = m["new_unit"].isna().to_numpy()
    before = obs.groupby("indicator", observed=True)[PARTS].sum()
    unmapped = m.loc[lost].groupby("indicator", observed=True)[PARTS].sum()
    m = m.loc[~lost]
    m["numerator"] = m["numerator"] * m["weight"]
    m["denominator"] = m["denominator"] * m["weight"]
    g = m.groupby(["indicator", "new_unit", "period"], observed=True, sort=False)
    out = g[PARTS].sum()
    out["n"] = g.size()
    after = out.groupby(level="indicator", observed=True)[PARTS].sum()
    n_in = links.groupby("new_unit", observed=True).size()
    links_in = n_in.reindex(out.index.get_level_values("new_unit")).to_numpy()
    partial = (out["n"].to_numpy() < links_in).astype(np.int64)
    partial_by_indicator = (
        pd_series(partial, out.index.get_level_values("indicator"))
        .groupby(level=0, observed=True)
        .sum()
    )
    return {
        "cells": out,
        "before": before,
        "unmapped": unmapped,
        "after": after,
        "partial": partial_by_indicator,
    }


def pd_series(values: Any, index: Any) -> Any:
    """A pandas Series (pandas is imported lazily, as in the library)."""
    import pandas as pd

    return pd.Series(values, index=index)


# --------------------------------------------------------------------------- same outputs


def check_same(w: Workload, mine: Panel, theirs: Any, what: str) -> None:
    """Raise if pandas' sums or counts differ from ours anywhere."""
    h = mine.hierarchy
    index = theirs.index
    unit = h.positions(np.asarray(index.get_level_values("new_unit").astype(str), dtype=str))[0]
    period = np.searchsorted(YEARS, index.get_level_values("period").to_numpy())
    ind = {c: i for i, c in enumerate(w.codes)}
    k = np.array([ind[c] for c in index.get_level_values("indicator").astype(str)])
    shape = (len(w.codes), len(h), len(YEARS))
    for field in ("numerator", "denominator"):
        expected = np.full(shape, np.nan)
        expected[k, unit, period] = theirs[field].to_numpy()
        got = np.stack([getattr(mine.data_of(c), field) for c in w.codes])
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True):
            bad = int(np.count_nonzero(~np.isclose(got, expected, rtol=1e-9, equal_nan=True)))
            msg = f"{what} differs from our engine on {field}: {bad} cells differ"
            raise RuntimeError(msg)
    observed = np.stack([mine.data_of(c).observed for c in w.codes])
    expected_obs = np.zeros(shape, dtype=bool)
    expected_obs[k, unit, period] = True
    if not np.array_equal(observed, expected_obs):
        msg = f"{what} has data in other cells than our engine"
        raise RuntimeError(msg)


def check_report(w: Workload, report: RebaseReport, theirs: dict[str, Any] | None = None) -> None:
    """Every total is conserved, less the reported unmapped part; pandas' totals agree."""
    if not report.conserved or len(report.unmapped) != 28:
        msg = f"the report is wrong: conserved={report.conserved}, unmapped={len(report.unmapped)}"
        raise RuntimeError(msg)
    if theirs is None:
        return
    for code in w.codes:
        info = report.indicator(code)
        for field in PARTS:
            t = info.totals[field]
            ours_t = (t.before, t.after, t.unmapped)
            pandas_t = tuple(
                float(theirs[k][field].get(code, 0.0)) for k in ("before", "after", "unmapped")
            )
            if not np.allclose(ours_t, pandas_t, rtol=1e-12):
                msg = f"pandas' totals of {code} {field} differ: {pandas_t} != {ours_t}"
                raise RuntimeError(msg)
        if info.partial_cells != int(theirs["partial"].get(code, 0)):
            msg = f"pandas' partial cells of {code} differ"
            raise RuntimeError(msg)


# --------------------------------------------------------------------------- the benchmark


PANDAS = {
    "categorical": "pandas merge + groupby (categorical codes)",
    "str": "pandas merge + groupby (str codes)",
}
SAME = {
    "categorical": "pandas, same outputs (categorical codes)",
    "str": "pandas, same outputs (str codes)",
}


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Build the workload, verify that both implementations agree, then time them."""
    import pandas as pd

    n_ind = N_INDICATORS_QUICK if quick else N_INDICATORS
    t0 = time.perf_counter()
    w = build(n_ind)
    setup = time.perf_counter() - t0
    h = w.panel.hierarchy
    print(
        f"[rebase] {h!r} -> {w.crosswalk.new!r}; {n_ind} indicators x {len(YEARS)} years, "
        f"{w.n_rows:,} commune observations; setup (not timed) {setup:.1f} s"
    )
    print(
        f"[rebase] python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; {repeats} repeats, median; engine from "
        f"{Path(cchc.__file__).parent}"
    )
    mine, report = ours(w)
    check_report(w, report)
    for kind, label in PANDAS.items():
        check_same(w, mine, pandas_merge_groupby(w, kind), label)
    for kind, label in SAME.items():
        theirs = pandas_same_outputs(w, kind)
        check_same(w, mine, theirs["cells"], label)
        check_report(w, report, theirs)
    candidates: dict[str, Callable[[], object]] = {"ours": partial(ours, w)}
    for kind in PANDAS:
        candidates[f"core/{kind}"] = partial(pandas_merge_groupby, w, kind)
        candidates[f"same/{kind}"] = partial(pandas_same_outputs, w, kind)
    t = time_alternating(candidates, repeats=repeats, warmup=1)
    cold = []
    for _ in range(repeats):  # a crosswalk not seen before: its allocation matrix is built
        fresh = attrs.evolve(w.crosswalk)
        t0 = time.perf_counter()
        rebase_panel(w.panel, fresh)
        cold.append(time.perf_counter() - t0)
    name = f"rebase {n_ind}x{len(YEARS)} communes 2024->2025"
    print(f"[rebase] verified (sums, counts, cells and totals identical) and timed: {name}")
    notes = (
        f"{name}: ours {fmt_seconds(t['ours'])} for the whole panel = "
        f"{fmt_seconds(t['ours'] / n_ind)} per indicator, building the new Panel and the "
        "report (totals before and after, unmapped part, splits, partial cells); the "
        "allocation matrix is built on the first call with a crosswalk and kept: a first "
        f"call takes {fmt_seconds(statistics.median(cold))}",
        f"{name}: the goal is against pandas producing the same outputs; the bare merge + "
        "groupby (no report) is shown for information: "
        + ", ".join(f"{PANDAS[k]} {fmt_seconds(t['core/' + k])}" for k in PANDAS),
    )
    results = [
        Result(
            name=name,
            ours_s=t["ours"],
            baseline=label,
            baseline_s=t[f"same/{kind}"],
            goal=f">= {GOAL:g}x",
            min_ratio=GOAL,
            notes=notes if kind == "categorical" else (),
        )
        for kind, label in SAME.items()
    ]
    results.extend(
        Result(
            name=name,
            ours_s=t["ours"],
            baseline=label + " [no report]",
            baseline_s=t[f"core/{kind}"],
            goal="(information)",
            min_ratio=0.0,
        )
        for kind, label in PANDAS.items()
    )
    return results


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
