"""Loading observations from CSV: our readers against pandas, polars and DuckDB.

The workload is the roll-up benchmark's national data written to a CSV file
(``indicator,unit,period,numerator,denominator``; 40 percent indicators x 5
years on the 10,051 communes of the 2024 unit list, about 1.8 M rows; 4
indicators with ``--quick``), synthetic and seeded. Writing the file is set-up,
not timed.

Rows:

* ``from_csv, whole-array reader``: ``Panel.from_csv(engine="numpy")`` (no
  optional package) against pandas' C-engine ``read_csv`` followed by the
  same checks written in pandas (codes stripped and looked up in the
  hierarchy, periods parsed, numbers numeric and finite, parts non-negative,
  numerator <= denominator for a share, duplicates) and the same dense arrays.
  Goal: at most 2x pandas (ratio >= 0.5).
* ``CSV -> roll-up, arrow engine``: ``Panel.from_csv`` with pyarrow, then
  ``ratio_of_sums`` and ``share_meeting(>= 60)`` of every indicator to every
  district and province, against polars and DuckDB doing the same job from the
  same file with the same checks. Goal: at least as fast (ratio >= 1).
* ``peak memory``: the most memory in use while ``Panel.from_csv`` reads the
  file (whole-array reader), over the rows read, from
  :mod:`tracemalloc` in a fresh process; 20 M rows in the full run (the
  national workload repeated over 55 more years), 2 M with ``--quick``. The
  row's "times" are bytes per row, and its baseline is the goal (150 bytes a
  row), so that the ratio is goal / ours (>= 1 meets it); the row's unit is
  ``B/row``.

Every contender's output is checked equal to ours before timing (district and
province values and counts; for the readers, the dense arrays). Run through
``benchmarks/run.py -k load`` or directly: ``python benchmarks/bench_load.py [--quick]``.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import cchc_indicators as cchc
from _timing import Result, fmt_seconds, time_alternating
from _workloads import YEARS
from bench_rollup import DATA, LEVELS, SEED, SHARE_RULE, THRESHOLD, synthetic_columns
from cchc_indicators import Hierarchy, Indicator, Panel, measures

N_INDICATORS = 40
N_INDICATORS_QUICK = 4
SCOPE = "tier:commune"
MEMORY_GOAL = 150.0  # bytes per row
MEMORY_ROWS = 20_000_000
MEMORY_ROWS_QUICK = 2_000_000


# --------------------------------------------------------------------------- data


def write_csv(h: Hierarchy, n_indicators: int, path: Path, repeat_years: int = 1) -> int:
    """Write the seeded national commune observations as a long CSV file; return its rows."""
    import pyarrow as pa
    import pyarrow.csv as pv

    cols = synthetic_columns(h, n_indicators, SEED)
    communes = np.array(h.codes[h.level_slice("commune")])
    codes = np.array([f"chi_tieu_{k:02d}" for k in range(n_indicators)])
    n = 0
    with pv.CSVWriter(
        str(path), _schema(pa), write_options=pv.WriteOptions(quoting_style="none")
    ) as w:
        for r in range(repeat_years):
            table = pa.table(
                {
                    "indicator": codes[cols["indicator"]],
                    "unit": communes[cols["commune"]],
                    "period": (cols["year"] + 5 * r).astype(str),
                    "numerator": cols["num"].astype(np.int64),
                    "denominator": cols["den"].astype(np.int64),
                },
                schema=_schema(pa),
            )
            w.write_table(table)
            n += table.num_rows
    return n


def _schema(pa: Any) -> Any:
    return pa.schema(
        [
            ("indicator", pa.string()),
            ("unit", pa.string()),
            ("period", pa.string()),
            ("numerator", pa.int64()),
            ("denominator", pa.int64()),
        ]
    )


def definitions(n_indicators: int) -> list[Indicator]:
    return [
        Indicator(f"chi_tieu_{k:02d}", f"Chỉ tiêu {k}", measure=measures.percent())
        for k in range(n_indicators)
    ]


# --------------------------------------------------------------------------- readers


def ours_read(path: Path, h: Hierarchy, defs: list[Indicator], engine: str) -> Panel:
    return Panel.from_csv(path, h, indicators=defs, engine=engine)


def pandas_read(path: Path, h: Hierarchy, codes: list[str]) -> dict[str, Any]:
    """pandas' C reader, then the same checks as ours, then the same dense arrays."""
    import pandas as pd

    df = pd.read_csv(
        path,
        dtype={"indicator": str, "unit": str, "period": str},
        keep_default_na=False,
        na_values=[""],
    )
    problems = 0
    for c in ("indicator", "unit", "period"):
        df[c] = df[c].str.strip()
        problems += int((df[c] == "").sum())
    ind = pd.Categorical(df["indicator"], categories=codes)
    problems += int((ind.codes < 0).sum())
    unit_pos = pd.Series(np.arange(len(h)), index=list(h.codes)).reindex(df["unit"]).to_numpy()
    problems += int(np.isnan(unit_pos).sum())
    year = pd.to_numeric(df["period"], errors="coerce")
    problems += int(year.isna().sum())
    num = pd.to_numeric(df["numerator"], errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(df["denominator"], errors="coerce").to_numpy(dtype=float)
    problems += int((~np.isfinite(num)).sum() + (~np.isfinite(den)).sum())
    problems += int(((num < 0) | (den < 0) | (num > den) | ((den == 0) & (num > 0))).sum())
    problems += int(df.duplicated(["indicator", "unit", "period"]).sum())
    if problems:
        msg = f"pandas found {problems} problems"
        raise ValueError(msg)
    periods, p_idx = np.unique(year.to_numpy(dtype=np.int64), return_inverse=True)
    shape = (len(codes), len(h), len(periods))
    out = {}
    for name, arr in (("numerator", num), ("denominator", den)):
        dense = np.full(shape, np.nan)
        dense[ind.codes, unit_pos.astype(np.int64), p_idx] = arr
        out[name] = dense
    return out


# --------------------------------------------------------------------------- CSV -> roll-up


def ours_job(path: Path, h: Hierarchy, defs: list[Indicator]) -> list[list[cchc.Rollup]]:
    panel = Panel.from_csv(path, h, indicators=defs, engine="arrow")
    return [
        [
            cchc.rollup(panel, d.code, scope=SCOPE, rule=rule)
            for rule in ("ratio_of_sums", SHARE_RULE)
        ]
        for d in defs
    ]


def _parents(h: Hierarchy) -> dict[str, np.ndarray[Any, Any]]:
    cs = h.level_slice("commune")
    out = {"unit": np.array(h.codes[cs])}
    for level in LEVELS:
        out[level] = np.array(h.codes[h.level_slice(level)])[h.ancestors("commune", level)]
    return out


def polars_job(path: Path, parents: Any) -> dict[str, Any]:
    """polars: read, check (as ours does), join the parents, group and sum per level."""
    import polars as pl

    df = pl.read_csv(
        path,
        schema_overrides={
            "indicator": pl.String,
            "unit": pl.String,
            "period": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
        },
    ).with_columns(pl.col("indicator", "unit", "period").str.strip_chars())
    df = df.join(parents, on="unit", how="left")
    bad = df.select(
        (
            pl.col("district").is_null()
            | pl.col("period").cast(pl.Int64, strict=False).is_null()
            | (pl.col("numerator") < 0)
            | (pl.col("numerator") > pl.col("denominator"))
            | pl.struct("indicator", "unit", "period").is_duplicated()
        ).sum()
    ).item()
    if bad:
        msg = f"polars found {bad} problems"
        raise ValueError(msg)
    df = df.with_columns(
        met=(pl.col("numerator") / pl.col("denominator") * 100.0 >= THRESHOLD).cast(pl.Int64)
    )
    out = {}
    for level in LEVELS:
        out[level] = (
            df.group_by("indicator", level, "period")
            .agg(
                pl.col("numerator").sum(),
                pl.col("denominator").sum(),
                pl.col("met").sum(),
                pl.len(),
            )
            .with_columns(
                ratio=pl.col("numerator") / pl.col("denominator") * 100.0,
                share=pl.col("met") / pl.col("len") * 100.0,
            )
        )
    return out


def duckdb_job(path: Path, con: Any) -> dict[str, Any]:
    """DuckDB: the same job in SQL over the file."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE obs AS
        SELECT trim(indicator) AS indicator, trim(unit) AS unit, trim(period) AS period,
               numerator, denominator
        FROM read_csv('{path}', header=true, columns={{
            'indicator': 'VARCHAR', 'unit': 'VARCHAR', 'period': 'VARCHAR',
            'numerator': 'DOUBLE', 'denominator': 'DOUBLE'}})
        """
    )
    bad = con.execute(
        """
        SELECT (SELECT count(*) FROM obs LEFT JOIN parents USING (unit)
                WHERE parents.district IS NULL OR try_cast(period AS INTEGER) IS NULL
                   OR numerator < 0 OR numerator > denominator)
             + (SELECT count(*) - count(DISTINCT (indicator, unit, period)) FROM obs)
        """
    ).fetchone()[0]
    if bad:
        msg = f"DuckDB found {bad} problems"
        raise ValueError(msg)
    out = {}
    for level in LEVELS:
        out[level] = con.execute(
            f"""
            SELECT indicator, {level}, period,
                   sum(numerator) / sum(denominator) * 100.0 AS ratio,
                   avg(CASE WHEN numerator / denominator * 100.0 >= {THRESHOLD} THEN 1 ELSE 0 END)
                       * 100.0 AS share,
                   count(*) AS len
            FROM obs JOIN parents USING (unit)
            GROUP BY ALL
            """
        ).fetchnumpy()
    return out


def _check_job(
    h: Hierarchy, mine: list[list[cchc.Rollup]], defs: list[Indicator], got: Any, what: str
) -> None:
    """Raise unless a baseline's district and province ratios, shares and counts equal ours."""
    code_of = {d.code: k for k, d in enumerate(defs)}
    for level in LEVELS:
        s = h.level_slice(level)
        frame = got[level]
        cols = {
            c: np.asarray(frame[c]) for c in ("indicator", level, "period", "ratio", "share", "len")
        }
        k = np.array([code_of[c] for c in cols["indicator"].tolist()])
        u = h.positions(cols[level].astype(str))[0]
        for j, column in ((0, "ratio"), (1, "share")):
            ref = np.stack([r[j].value for r in mine])
            periods = mine[0][j].periods
            p = np.searchsorted(np.array(periods), cols["period"].astype(str))
            if not np.allclose(ref[k, u, p], cols[column].astype(float)):
                msg = f"{what} differs from ours on {column} at the {level} level"
                raise RuntimeError(msg)
            n_ref = np.stack([r[j].n_with_data for r in mine])[k, u, p]
            if not np.array_equal(n_ref, cols["len"].astype(np.int64)):
                msg = f"{what} differs from ours on the counts at the {level} level"
                raise RuntimeError(msg)
            cells = int(np.count_nonzero(np.stack([r[j].n_with_data[s] for r in mine])))
            if cells != len(k):
                msg = f"{what} has {len(k)} {level} cells with data, ours {cells}"
                raise RuntimeError(msg)


# --------------------------------------------------------------------------- peak memory


_MEMORY_SCRIPT = """
import sys, tracemalloc
from pathlib import Path
from cchc_indicators import Hierarchy, Panel
h = Hierarchy.from_csv(Path(sys.argv[1]), edition="2024")
tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
panel = Panel.from_csv(Path(sys.argv[2]), h, engine=sys.argv[3])
peak = tracemalloc.get_traced_memory()[1] - base
print(peak)
"""


def peak_bytes(path: Path, engine: str) -> int:
    """The peak of memory traced while Panel.from_csv reads ``path``, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(DATA), str(path), engine],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1])


# --------------------------------------------------------------------------- the benchmark


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    import duckdb
    import pandas as pd
    import polars as pl

    n_ind = N_INDICATORS_QUICK if quick else N_INDICATORS
    h = Hierarchy.from_csv(DATA, edition="2024")
    defs = definitions(n_ind)
    codes = [d.code for d in defs]
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.csv"
        t0 = time.perf_counter()
        n_rows = write_csv(h, n_ind, path)
        size = path.stat().st_size
        print(
            f"[load] {n_rows:,} rows, {size / 1e6:.1f} MB ({n_ind} indicators x {len(YEARS)} "
            f"years x communes); written in {time.perf_counter() - t0:.1f} s (not timed)"
        )
        print(
            f"[load] python {platform.python_version()}, numpy {np.__version__}, pandas "
            f"{pd.__version__}, polars {pl.__version__}, duckdb {duckdb.__version__}; "
            f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {repeats} repeats, median"
        )

        # ---- the readers
        mine = ours_read(path, h, defs, "numpy")
        theirs = pandas_read(path, h, codes)
        for name, dense in theirs.items():
            got = np.stack([getattr(mine.data_of(c), name) for c in codes])
            if not np.array_equal(got, dense, equal_nan=True):
                msg = f"pandas' {name} differs from ours"
                raise RuntimeError(msg)
        arrow = ours_read(path, h, defs, "arrow")
        if arrow.to_records() != mine.to_records():
            msg = "the arrow engine's panel differs from the whole-array reader's"
            raise RuntimeError(msg)
        t = time_alternating(
            {
                "numpy": partial(ours_read, path, h, defs, "numpy"),
                "arrow": partial(ours_read, path, h, defs, "arrow"),
                "pandas": partial(pandas_read, path, h, codes),
            },
            repeats=repeats,
        )
        print("[load] readers verified (dense arrays identical) and timed")
        job = f"from_csv {n_rows / 1e6:.1f} M rows"
        results.append(
            Result(
                f"{job}, whole-array reader",
                t["numpy"],
                "pandas read_csv + same checks",
                t["pandas"],
                "<= 2x pandas (ratio >= 0.5)",
                0.5,
                (
                    f"{job}: whole-array {fmt_seconds(t['numpy'])}, arrow engine "
                    f"{fmt_seconds(t['arrow'])}, pandas {fmt_seconds(t['pandas'])}",
                ),
            )
        )
        results.append(
            Result(
                f"{job}, arrow engine",
                t["arrow"],
                "pandas read_csv + same checks",
                t["pandas"],
                "(for information)",
                0.0,
            )
        )

        # ---- CSV -> roll-up
        parents = _parents(h)
        parents_pl = pl.DataFrame(parents)
        con = duckdb.connect()
        con.register("parents_frame", pd.DataFrame(parents))
        con.execute("CREATE TEMP TABLE parents AS SELECT * FROM parents_frame")
        done = ours_job(path, h, defs)
        _check_job(
            h,
            done,
            defs,
            {k: v.to_dict(as_series=False) for k, v in polars_job(path, parents_pl).items()},
            "polars",
        )
        _check_job(h, done, defs, duckdb_job(path, con), "DuckDB")
        t = time_alternating(
            {
                "ours": partial(ours_job, path, h, defs),
                "polars": partial(polars_job, path, parents_pl),
                "duckdb": partial(duckdb_job, path, con),
            },
            repeats=repeats,
        )
        print("[load] CSV -> roll-up verified (values and counts identical) and timed")
        job = f"CSV -> roll-up {n_ind}x{len(YEARS)}, arrow engine"
        for other, label in (("polars", "polars"), ("duckdb", "DuckDB")):
            results.append(
                Result(job, t["ours"], label, t[other], "at least as fast (ratio >= 1)", 1.0)
            )

        # ---- peak memory
        rows_goal = MEMORY_ROWS_QUICK if quick else MEMORY_ROWS
        big = Path(tmp) / "big.csv"
        repeat = max(1, round(rows_goal / write_csv(h, 1, Path(tmp) / "one.csv")))
        t0 = time.perf_counter()
        big_rows = write_csv(h, 1, big, repeat_years=repeat) if n_ind else 0
        print(
            f"[load] memory workload: {big_rows:,} rows, {big.stat().st_size / 1e6:.0f} MB, "
            f"written in {time.perf_counter() - t0:.1f} s"
        )
        for engine in ("numpy", "arrow"):
            peak = peak_bytes(big, engine)
            per_row = peak / big_rows
            print(f"[load] peak memory, {engine}: {peak / 1e6:.0f} MB = {per_row:.0f} B/row")
            results.append(
                Result(
                    f"from_csv {big_rows / 1e6:.0f} M rows, {engine}: peak bytes/row",
                    per_row,
                    "goal: 150 bytes/row",
                    MEMORY_GOAL,
                    "<= 150 B/row (ratio >= 1)" if engine == "numpy" else "(for information)",
                    1.0 if engine == "numpy" else 0.0,
                    (
                        f"from_csv peak memory ({engine}): {peak / 1e6:.0f} MB for "
                        f"{big_rows:,} rows = {per_row:.0f} bytes a row",
                    ),
                    unit="B/row",
                )
            )
    return results


if __name__ == "__main__":
    for res in run(quick="--quick" in sys.argv, repeats=3 if "--quick" in sys.argv else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
