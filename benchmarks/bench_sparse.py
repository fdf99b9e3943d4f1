"""Roll-up of a sparse hierarchy: our engine against polars and DuckDB.

The hierarchy: the 2024 national unit list (63 provinces, 696 districts,
10,051 communes) with every commune replicated 10 times under its own
district, with new codes (``<commune code>.<k>`` for k = 0..9): 63 provinces,
696 districts, 100,510 communes. The district and province levels are those of
the national list; only the commune level is ten times larger.

The workload: 40 percent indicators x 5 years (2020-2024). For each indicator
a seeded 10 % of the communes report; each reporting commune gives every year
with probability 0.95. Numerators and denominators are integers with
numerator <= denominator, as in ``bench_rollup``.

Timed work -- exactly the job of ``bench_rollup``: for every indicator,
``ratio_of_sums`` and ``share_meeting(>= 60)`` rolled up with scope
``tier:commune`` (district and province values, and the number of communes
with data behind each).

* ``ours``: one :func:`cchc_indicators.rollup` call per indicator and rule
  (the panel is built once, outside the timing);
* ``polars``: a long frame of the commune rows with their district and
  province codes joined beforehand (outside the timing, as the pandas frame
  of ``bench_rollup``); one ``group_by`` + sums per level for all indicators
  at once;
* ``DuckDB``: the same long table held by DuckDB, the same ``GROUP BY`` in SQL
  per level, results fetched as numpy arrays.

All three are checked to agree (district and province values with NaN equal,
counts exactly, the same cells with data) before anything is timed; a mismatch
raises. Run through ``benchmarks/run.py -k sparse``, or directly:
``python benchmarks/bench_sparse.py [--quick]``.
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
from _workloads import YEARS, commune_panel, long_form
from cchc_indicators import Hierarchy, Panel

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vn_units_2024.csv"
N_INDICATORS = 40
N_INDICATORS_QUICK = 4
REPLICAS = 10
REPORTING = 0.10
THRESHOLD = 60.0
SCOPE = "tier:commune"
RULES = ("ratio_of_sums", f"share_meeting(>= {THRESHOLD:g})")
SEED = 20240702
LEVELS = ("district", "province")


@dataclass(frozen=True)
class Workload:
    """Everything built once, before timing."""

    hierarchy: Hierarchy
    panel: Panel
    codes: tuple[str, ...]
    frame: Any  # polars.DataFrame of commune rows with district and province codes
    con: Any  # a DuckDB connection holding the same rows as table ``obs``
    n_rows: int


# --------------------------------------------------------------------------- data


def sparse_hierarchy() -> Hierarchy:
    """The national list with each commune replicated ``REPLICAS`` times under its district."""
    if not DATA.exists():
        msg = f"the 2024 unit list is not at {DATA} (expected ../shared/data beside the repository)"
        raise SystemExit(msg)
    national = Hierarchy.from_csv(DATA, edition="2024")
    records: list[dict[str, Any]] = []
    for level in ("province", "district"):
        s = national.level_slice(level)
        parents = (
            [None] * (s.stop - s.start)
            if level == "province"
            else national.codes[national.level_slice("province")]
        )
        anc = None if level == "province" else national.ancestors(level, "province")
        for i, code in enumerate(national.codes[s]):
            rec: dict[str, Any] = {"code": code, "name": code, "level": level}
            if anc is not None:
                rec["parent"] = parents[int(anc[i])]
            records.append(rec)
    cs = national.level_slice("commune")
    districts = national.codes[national.level_slice("district")]
    c2d = national.ancestors("commune", "district")
    for i, code in enumerate(national.codes[cs]):
        parent = districts[int(c2d[i])]
        records.extend(
            {"code": f"{code}.{k}", "name": f"{code}.{k}", "level": "commune", "parent": parent}
            for k in range(REPLICAS)
        )
    return Hierarchy.from_records(records, edition="2024x10")


def synthetic_columns(
    h: Hierarchy, n_indicators: int, seed: int
) -> dict[str, np.ndarray[Any, Any]]:
    """Seeded observations of the reporting communes in long form (see the module docstring)."""
    rng = np.random.default_rng(seed)
    cs = h.level_slice("commune")
    n_c, n_p = cs.stop - cs.start, len(YEARS)
    nums, dens, keep = [], [], []
    for _ in range(n_indicators):
        top = int(rng.choice([8, 40, 300, 3000]))
        den = rng.integers(1, top + 1, size=(n_c, n_p))
        base = rng.beta(rng.uniform(2, 6), rng.uniform(1.5, 4), size=n_c)
        rate = np.clip(base[:, None] + rng.normal(0.03, 0.05, size=(n_c, n_p)).cumsum(1), 0, 1)
        num = rng.binomial(den, rate)
        reporting = rng.random(n_c) < REPORTING
        present = reporting[:, None] & (rng.random((n_c, n_p)) < 0.95)
        nums.append(num)
        dens.append(den)
        keep.append(present)
    return long_form(nums, dens, keep)


def build(n_indicators: int, seed: int = SEED) -> Workload:
    """Make the hierarchy and the data; build the Panel, the polars frame and the DuckDB table."""
    import duckdb
    import polars as pl

    h = sparse_hierarchy()
    codes = tuple(f"ind{k:02d}" for k in range(n_indicators))
    cols = synthetic_columns(h, n_indicators, seed)
    panel = commune_panel(h, codes, cols, "Chỉ tiêu thưa ")
    frame_cols: dict[str, Any] = {
        "indicator": np.array(codes)[cols["indicator"]],
        "period": cols["year"].astype(np.int64),
        "num": cols["num"],
        "den": cols["den"],
    }
    for level in LEVELS:
        level_codes = np.array(h.codes[h.level_slice(level)])
        frame_cols[level] = level_codes[h.ancestors("commune", level)[cols["commune"]]]
    frame = pl.DataFrame(frame_cols)
    con = duckdb.connect()
    con.register("obs_frame", frame.to_arrow())
    con.execute("CREATE TABLE obs AS SELECT * FROM obs_frame")
    con.unregister("obs_frame")
    return Workload(h, panel, codes, frame, con, len(frame))


# --------------------------------------------------------------------------- the contenders


def ours(w: Workload) -> list[list[cchc.Rollup]]:
    """Our engine: one ``rollup`` call per indicator and rule."""
    return [[cchc.rollup(w.panel, c, scope=SCOPE, rule=r) for r in RULES] for c in w.codes]


def polars_groupby(w: Workload) -> dict[str, Any]:
    """polars on the long frame: group_by + sums per level, for all indicators at once."""
    import polars as pl

    df = w.frame.with_columns(met=(pl.col("num") / pl.col("den") * 100.0 >= THRESHOLD))
    out = {}
    for level in LEVELS:
        out[level] = (
            df.group_by("indicator", level, "period")
            .agg(pl.col("num").sum(), pl.col("den").sum(), pl.col("met").sum(), pl.len())
            .with_columns(
                ratio=pl.col("num") / pl.col("den") * 100.0,
                share=pl.col("met") / pl.col("len") * 100.0,
            )
            .select("indicator", level, "period", "ratio", "share", "len")
        )
    return out


def duckdb_groupby(w: Workload) -> dict[str, Any]:
    """DuckDB: the same GROUP BY in SQL per level, fetched as numpy arrays."""
    out = {}
    for level in LEVELS:
        out[level] = w.con.execute(
            f"""
            SELECT indicator, {level}, period,
                   sum(num) / sum(den) * 100.0 AS ratio,
                   avg(CASE WHEN num / den * 100.0 >= {THRESHOLD} THEN 1 ELSE 0 END)
                       * 100.0 AS share,
                   count(*) AS len
            FROM obs
            GROUP BY ALL
            """
        ).fetchnumpy()
    return out


# --------------------------------------------------------------------------- same outputs


def check_same(w: Workload, mine: list[list[cchc.Rollup]], got: dict[str, Any], what: str) -> None:
    """Raise unless a baseline's district and province ratios, shares and counts equal ours."""
    h = w.hierarchy
    code_of = {c: k for k, c in enumerate(w.codes)}
    periods = np.array(mine[0][0].periods)
    for level in LEVELS:
        s = h.level_slice(level)
        frame = got[level]
        cols = {
            c: np.asarray(frame[c]) for c in ("indicator", level, "period", "ratio", "share", "len")
        }
        k = np.array([code_of[c] for c in cols["indicator"].tolist()])
        u = h.positions(cols[level].astype(str))[0]
        p = np.searchsorted(periods, cols["period"].astype(str))
        for j, column in enumerate(("ratio", "share")):
            ref = np.stack([r[j].value for r in mine])
            if not np.allclose(ref[k, u, p], cols[column].astype(float), equal_nan=True):
                msg = f"{what} differs from ours on {column} at the {level} level"
                raise RuntimeError(msg)
            n_all = np.stack([r[j].n_with_data for r in mine])
            if not np.array_equal(n_all[k, u, p], cols["len"].astype(np.int64)):
                msg = f"{what} differs from ours on the counts at the {level} level"
                raise RuntimeError(msg)
            cells = int(np.count_nonzero(n_all[:, s]))
            if cells != len(k):
                msg = f"{what} has {len(k)} {level} cells with data, ours {cells}"
                raise RuntimeError(msg)


# --------------------------------------------------------------------------- the benchmark


BASELINES = {"polars": "polars group_by", "duckdb": "DuckDB GROUP BY"}


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Build the workload, verify that all implementations agree, then time them."""
    import duckdb
    import polars as pl

    n_ind = N_INDICATORS_QUICK if quick else N_INDICATORS
    t0 = time.perf_counter()
    w = build(n_ind)
    setup = time.perf_counter() - t0
    h = w.hierarchy
    cells = h.level_size("commune") * len(YEARS) * n_ind
    print(
        f"[sparse] {h!r}; {n_ind} indicators x {len(YEARS)} years, {w.n_rows:,} commune "
        f"observations of {cells:,} cells ({w.n_rows / cells:.1%}); setup (not timed) {setup:.1f} s"
    )
    print(
        f"[sparse] python {platform.python_version()}, numpy {np.__version__}, "
        f"polars {pl.__version__}, duckdb {duckdb.__version__}; {repeats} repeats, median; "
        f"engine from {Path(cchc.__file__).parent}"
    )
    mine = ours(w)
    check_same(w, mine, polars_groupby(w), "polars")
    check_same(w, mine, duckdb_groupby(w), "DuckDB")
    del mine
    candidates: dict[str, Callable[[], object]] = {
        "ours": partial(ours, w),
        "polars": partial(polars_groupby, w),
        "duckdb": partial(duckdb_groupby, w),
    }
    t = time_alternating(candidates, repeats=repeats, warmup=1)
    w.con.close()
    name = f"sparse rollup {n_ind}x{len(YEARS)}: ratio_of_sums + share_meeting"
    print(f"[sparse] verified (values and counts identical) and timed: {name}")
    calls = n_ind * len(RULES)
    notes = (
        f"{name}: ours {fmt_seconds(t['ours'])} for the whole job = "
        f"{fmt_seconds(t['ours'] / n_ind)} per indicator, "
        f"{fmt_seconds(t['ours'] / calls)} per rollup() call ({calls} calls); "
        + ", ".join(f"{BASELINES[k]} {fmt_seconds(t[k])}" for k in BASELINES),
    )
    return [
        Result(
            name=name,
            ours_s=t["ours"],
            baseline=label,
            baseline_s=t[kind],
            goal=">= 1x",
            min_ratio=1.0,
            notes=notes if kind == "polars" else (),
        )
        for kind, label in BASELINES.items()
    ]


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
