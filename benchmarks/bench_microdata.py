"""Dossier microdata counted into commune numerators and denominators: ours against a numpy floor.

The workload: 10 M dossiers (1 M with ``--quick``), synthetic and seeded, on
the communes of the national 2024 unit list (10,051 communes), dated over
2020-2024 (``datetime64[D]``), each with ``online`` (bool), ``on_time`` (0/1
as floats, 5 % missing as NaN) and ``channel`` (``portal``/``post``/``counter``
texts, 2 % empty = missing). Three definitions, counted by commune and year::

    online_share    Count("online")                          # share filed online
    on_time_online  Count("on_time", denominator="online")   # on time, among online
    via_portal      Count(("channel", "portal"))             # filed through the portal

Two jobs, each checked (numerators and denominators of every observed cell
identical, and no observation where the baseline counts no dossier) before
anything is timed:

* ``count``: :meth:`Microdata.to_panel` on records already validated and
  factorised (a :class:`Microdata` built once), against the ``numpy bincount
  floor``: hand-written ``np.bincount`` calls over ``commune x year`` on the
  same prepared arrays (unit positions, dates, boolean masks, channel codes),
  including the binning of the dates into years. Goal: ours <= 1.3x the floor.
* ``end to end``: from raw columns (unit code texts, dates, fields) to the
  panel: ``Microdata(...)`` + ``to_panel``, against the floor doing the same
  from the same columns with ``np.unique(..., return_inverse=True)`` for the
  texts; and, for information, pandas ``groupby`` and polars ``group_by`` on a
  frame of the same columns (built outside the timing) computing the same
  sums per (commune, year).

Run through ``benchmarks/run.py -k microdata``, or directly:
``python benchmarks/bench_microdata.py [--quick]``.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import cchc_indicators as cchc
from _timing import Result, fmt_seconds, time_alternating
from cchc_indicators import Hierarchy, Panel
from cchc_indicators.data.microdata import Count, Microdata

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vn_units_2024.csv"
N_ROWS = 10_000_000
N_ROWS_QUICK = 1_000_000
SEED = 20240914
FIRST_YEAR, N_YEARS = 2020, 5
CHANNELS = np.array(["portal", "post", "counter"])
DEFINITIONS = {
    "online_share": Count("online"),
    "on_time_online": Count("on_time", denominator="online"),
    "via_portal": Count(("channel", "portal")),
}
GOAL = 1.3

IntArray = np.ndarray[Any, np.dtype[np.int64]]
Counts = dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]  # code -> (num, den) dense


@dataclass(frozen=True)
class Workload:
    """Everything built once, before timing."""

    hierarchy: Hierarchy
    columns: dict[str, np.ndarray[Any, Any]]  # unit, date, online, on_time, channel
    microdata: Microdata
    prepared: dict[str, np.ndarray[Any, Any]]  # the floor's factorised inputs
    frames: dict[str, Any]  # "pandas" / "polars"
    n_rows: int


# --------------------------------------------------------------------------- data


def build(n_rows: int, seed: int = SEED) -> Workload:
    """Read the hierarchy, draw the dossiers, build the Microdata and the frames."""
    import pandas as pd
    import polars as pl

    if not DATA.exists():
        msg = f"the 2024 unit list is not at {DATA} (expected ../shared/data beside the repository)"
        raise SystemExit(msg)
    h = Hierarchy.from_csv(DATA, edition="2024")
    communes = np.array(h.codes[h.level_slice("commune")])
    rng = np.random.default_rng(seed)
    # communes differ in size: a few handle many dossiers
    weight = rng.lognormal(0.0, 1.0, len(communes))
    which = rng.choice(len(communes), size=n_rows, p=weight / weight.sum())
    start = np.datetime64(f"{FIRST_YEAR}-01-01")
    days = (np.datetime64(f"{FIRST_YEAR + N_YEARS}-01-01") - start).astype(np.int64)
    date = start + rng.integers(0, days, n_rows)
    online = rng.random(n_rows) < rng.uniform(0.3, 0.9, len(communes))[which]
    on_time = (rng.random(n_rows) < 0.8).astype(np.float64)
    on_time[rng.random(n_rows) < 0.05] = np.nan
    channel = CHANNELS[rng.integers(0, 3, n_rows)]
    channel[rng.random(n_rows) < 0.02] = ""
    columns = {
        "unit": communes[which],
        "date": date,
        "online": online,
        "on_time": on_time,
        "channel": channel,
    }
    md = make_microdata(h, columns)
    ch_codes = np.full(n_rows, -1, dtype=np.int8)
    for k, name in enumerate(CHANNELS.tolist()):
        ch_codes[channel == name] = k
    prepared = {
        "unit": h.positions(communes)[0][which],
        "date": date,
        "online": online,
        "on_time_known": ~np.isnan(on_time),
        "on_time_yes": on_time == 1.0,
        "channel": ch_codes,
    }
    pdf = pd.DataFrame(columns)
    frames = {"pandas": pdf, "polars": pl.from_pandas(pdf)}
    return Workload(h, columns, md, prepared, frames, n_rows)


def make_microdata(h: Hierarchy, columns: dict[str, np.ndarray[Any, Any]]) -> Microdata:
    fields = {name: columns[name] for name in ("online", "on_time", "channel")}
    return Microdata(h, unit=columns["unit"], period=columns["date"], fields=fields)


# --------------------------------------------------------------------------- the contenders


def ours_count(w: Workload) -> Panel:
    """Our counting pass on validated, factorised records."""
    return w.microdata.to_panel(DEFINITIONS, granularity="year")


def ours_end_to_end(w: Workload) -> Panel:
    """Validate and factorise the raw columns, then count."""
    return make_microdata(w.hierarchy, w.columns).to_panel(DEFINITIONS, granularity="year")


def _bincounts(
    n_cells: int,
    cell: IntArray,
    online: np.ndarray[Any, Any],
    known: np.ndarray[Any, Any],
    yes: np.ndarray[Any, Any],
    channel_known: np.ndarray[Any, Any],
    portal: np.ndarray[Any, Any],
) -> Counts:
    """The least numpy work: one bincount per numerator and denominator."""
    out: Counts = {}
    out["online_share"] = (
        np.bincount(cell[online], minlength=n_cells),
        np.bincount(cell, minlength=n_cells),
    )
    out["on_time_online"] = (
        np.bincount(cell[online & yes], minlength=n_cells),
        np.bincount(cell[online & known], minlength=n_cells),
    )
    out["via_portal"] = (
        np.bincount(cell[portal], minlength=n_cells),
        np.bincount(cell[channel_known], minlength=n_cells),
    )
    return out


def _years(date: np.ndarray[Any, Any]) -> IntArray:
    year: IntArray = date.astype("M8[Y]").astype(np.int64) - (FIRST_YEAR - 1970)
    return year


def floor_count(w: Workload) -> Counts:
    """Hand-written bincount on the prepared arrays (positions, masks, codes)."""
    p = w.prepared
    n_cells = len(w.hierarchy) * N_YEARS
    cell = p["unit"] * N_YEARS + _years(p["date"])
    return _bincounts(
        n_cells,
        cell,
        p["online"],
        p["on_time_known"],
        p["on_time_yes"],
        p["channel"] >= 0,
        p["channel"] == 0,
    )


def floor_end_to_end(w: Workload) -> Counts:
    """Hand-written numpy from the raw columns: np.unique for the texts, then bincount."""
    c = w.columns
    h = w.hierarchy
    distinct, inverse = np.unique(c["unit"], return_inverse=True)
    pos, found = h.positions(distinct)
    if not found.all():  # the same validation: every unit must be known
        msg = "unknown unit"
        raise ValueError(msg)
    if np.isnat(c["date"]).any():
        msg = "no date"
        raise ValueError(msg)
    cell = pos[inverse.reshape(-1)] * N_YEARS + _years(c["date"])
    values, codes = np.unique(c["channel"], return_inverse=True)
    codes = codes.reshape(-1)
    empty = np.flatnonzero(values == "")
    portal = np.flatnonzero(values == "portal")
    on_time = c["on_time"]
    return _bincounts(
        len(h) * N_YEARS,
        cell,
        c["online"],
        ~np.isnan(on_time),
        on_time == 1.0,
        codes != (empty[0] if empty.size else -1),
        codes == (portal[0] if portal.size else -1),
    )


def pandas_groupby(w: Workload) -> Any:
    """Idiomatic pandas: the condition columns, then one groupby + sum by (unit, year)."""
    import pandas as pd

    df = w.frames["pandas"]
    online = df["online"]
    on_time = df["on_time"]
    known = on_time.notna() & online
    frame = pd.DataFrame(
        {
            "unit": df["unit"],
            "year": df["date"].dt.year,
            "n": np.ones(len(df), dtype=np.int64),
            "online": online,
            "ot_den": known,
            "ot_num": known & (on_time == 1.0),
            "ch_den": df["channel"] != "",
            "ch_num": df["channel"] == "portal",
        }
    )
    return frame.groupby(["unit", "year"], sort=False).sum()


def polars_group_by(w: Workload) -> Any:
    """Idiomatic polars: one group_by by (unit, year) with the sums as expressions."""
    import polars as pl

    known = pl.col("on_time").is_not_nan() & pl.col("online")
    return (
        w.frames["polars"]
        .group_by(pl.col("unit"), pl.col("date").dt.year().alias("year"))
        .agg(
            pl.len().alias("n"),
            pl.col("online").sum(),
            known.sum().alias("ot_den"),
            (known & (pl.col("on_time") == 1.0)).sum().alias("ot_num"),
            (pl.col("channel") != "").sum().alias("ch_den"),
            (pl.col("channel") == "portal").sum().alias("ch_num"),
        )
    )


# --------------------------------------------------------------------------- same outputs


def counts_of_panel(panel: Panel) -> Counts:
    out: Counts = {}
    for code in DEFINITIONS:
        d = panel.data_of(code)
        out[code] = (
            np.nan_to_num(d.numerator).astype(np.int64).ravel(),
            np.nan_to_num(d.denominator).astype(np.int64).ravel(),
        )
    return out


def counts_of_frame(w: Workload, unit: Any, year: Any, sums: dict[str, Any]) -> Counts:
    """Group sums keyed by unit code and year, as dense (unit x year) counts."""
    pos = w.hierarchy.positions(np.asarray(unit, dtype=str))[0]
    cell = pos * N_YEARS + (np.asarray(year, dtype=np.int64) - FIRST_YEAR)
    n_cells = len(w.hierarchy) * N_YEARS

    def dense(name: str) -> np.ndarray[Any, Any]:
        out = np.zeros(n_cells, dtype=np.int64)
        out[cell] = np.asarray(sums[name], dtype=np.int64)
        return out

    return {
        "online_share": (dense("online"), dense("n")),
        "on_time_online": (dense("ot_num"), dense("ot_den")),
        "via_portal": (dense("ch_num"), dense("ch_den")),
    }


def counts_of_pandas(w: Workload, agg: Any) -> Counts:
    sums = {c: agg[c].to_numpy() for c in agg.columns}
    index = agg.index
    return counts_of_frame(w, index.get_level_values("unit"), index.get_level_values("year"), sums)


def counts_of_polars(w: Workload, agg: Any) -> Counts:
    sums = {c: agg[c].to_numpy() for c in agg.columns}
    return counts_of_frame(w, agg["unit"].to_numpy(), agg["year"].to_numpy(), sums)


def check_same(reference: Counts, other: Counts, what: str) -> None:
    """Raise unless numerators and denominators are identical (0 where ours has no observation)."""
    for code, (num, den) in reference.items():
        o_num, o_den = other[code]
        for name, ref, got in (("numerator", num, o_num), ("denominator", den, o_den)):
            if not np.array_equal(ref, np.asarray(got, dtype=np.int64)):
                bad = int(np.count_nonzero(ref != got))
                msg = f"{what} differs from ours on {code} {name}: {bad} cells differ"
                raise RuntimeError(msg)


# --------------------------------------------------------------------------- the benchmark


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Build the workload, verify that all implementations agree, then time them."""
    import pandas as pd
    import polars as pl

    n_rows = N_ROWS_QUICK if quick else N_ROWS
    t0 = time.perf_counter()
    w = build(n_rows)
    setup = time.perf_counter() - t0
    h = w.hierarchy
    print(
        f"[microdata] {h!r}; {n_rows:,} dossiers on {h.level_size('commune'):,} communes, "
        f"{N_YEARS} years, {len(DEFINITIONS)} definitions; setup (not timed) {setup:.1f} s"
    )
    print(
        f"[microdata] python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, polars {pl.__version__}; {repeats} repeats, median; "
        f"library from {Path(cchc.__file__).parent}"
    )

    mine = counts_of_panel(ours_count(w))
    check_same(mine, counts_of_panel(ours_end_to_end(w)), "ours end to end")
    check_same(mine, floor_count(w), "numpy floor (count)")
    check_same(mine, floor_end_to_end(w), "numpy floor (end to end)")
    check_same(mine, counts_of_pandas(w, pandas_groupby(w)), "pandas groupby")
    check_same(mine, counts_of_polars(w, polars_group_by(w)), "polars group_by")
    print("[microdata] verified: every numerator and denominator identical")

    results: list[Result] = []
    name = f"microdata {n_rows // 1_000_000} M dossiers -> commune x year counts"
    t = time_alternating(
        {"ours": partial(ours_count, w), "floor": partial(floor_count, w)},
        repeats=repeats,
        warmup=1,
    )
    results.append(
        Result(
            name=f"{name}: count",
            ours_s=t["ours"],
            baseline="numpy bincount floor",
            baseline_s=t["floor"],
            goal=f"<= {GOAL}x floor",
            min_ratio=1 / GOAL,
            notes=(
                f"{name}: count: ours {fmt_seconds(t['ours'])} "
                f"({fmt_seconds(t['ours'] / n_rows * 1e6)} per million dossiers), floor "
                f"{fmt_seconds(t['floor'])}; ours/floor = {t['ours'] / t['floor']:.2f}x "
                f"(goal <= {GOAL}x)",
            ),
        )
    )
    candidates: dict[str, Callable[[], object]] = {
        "ours": partial(ours_end_to_end, w),
        "floor": partial(floor_end_to_end, w),
        "pandas": partial(pandas_groupby, w),
        "polars": partial(polars_group_by, w),
    }
    t = time_alternating(candidates, repeats=repeats, warmup=1)
    labels = {
        "floor": "numpy floor (np.unique + bincount)",
        "pandas": "pandas groupby",
        "polars": "polars group_by",
    }
    results.append(
        Result(
            name=f"{name}: end to end",
            ours_s=t["ours"],
            baseline=labels["floor"],
            baseline_s=t["floor"],
            goal=f"<= {GOAL}x floor",
            min_ratio=1 / GOAL,
            notes=(
                f"{name}: end to end (validate, factorise, count): ours {fmt_seconds(t['ours'])}, "
                + ", ".join(f"{labels[k]} {fmt_seconds(t[k])}" for k in labels),
            ),
        )
    )
    results.extend(
        Result(
            name=f"{name}: end to end",
            ours_s=t["ours"],
            baseline=labels[k],
            baseline_s=t[k],
            goal="information",
            min_ratio=0.0,
        )
        for k in ("pandas", "polars")
    )
    return results


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
