"""Roll-up of the national 2024 hierarchy: our engine against a numpy floor and pandas.

The workload: 40 percent indicators x 5 years (2020-2024) observed at commune
level on the 2024 unit list (63 provinces, 696 districts, 10,051 communes),
synthetic and seeded. Numerators and denominators are integers with
numerator <= denominator; some cells are missing (scattered cells, whole
districts for some indicators, a whole province in one year).

Timed work, for every indicator: ``ratio_of_sums`` and ``share_meeting(>= 60)``
rolled up with scope ``tier:commune`` (district and province values, and the
number of communes with data behind each). The panel and the pandas frame are
built once, outside the timing.

Baselines computing the same district and province values and counts:

* ``numpy floor``: one ``np.bincount`` per state field over precomputed
  commune -> district and commune -> province index arrays, per indicator, on
  the panel's own dense arrays -- close to the least work numpy can do;
* ``pandas groupby``: a long frame of commune rows (only the cells with data)
  with their district and province codes; one groupby + sum per level for all
  indicators at once gives the pooled ratio and, summing a met flag, the share.
  Timed twice: with the codes as categoricals (pandas' fast path) and as plain
  strings (as read from a file). Only the groupby work is timed, not building
  the frame nor aligning its result with the hierarchy.

All of them are checked to agree with the engine (values with NaN equal,
counts exactly) before anything is timed; a mismatch raises. Run through ``benchmarks/run.py``, or directly:
``python benchmarks/bench_rollup.py [--quick]``.
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
from _workloads import YEARS, commune_panel, drop_districts, long_form
from cchc_indicators import Hierarchy, Panel

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vn_units_2024.csv"
N_INDICATORS = 40
N_INDICATORS_QUICK = 4
THRESHOLD = 60.0
SCOPE = "tier:commune"
RATIO_RULE = "ratio_of_sums"
SHARE_RULE = f"share_meeting(>= {THRESHOLD:g})"
SEED = 20240701
LEVELS = ("district", "province")

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
Outputs = dict[
    str, np.ndarray[Any, Any]
]  # "<rule>/<level>/<value|n>" -> (indicators, units, periods)


@dataclass(frozen=True)
class Workload:
    """Everything built once, before timing."""

    hierarchy: Hierarchy
    panel: Panel
    codes: tuple[str, ...]
    frames: dict[str, Any]  # "categorical" / "str" codes -> pandas.DataFrame of commune rows
    commune: slice
    idx: dict[str, IntArray]  # level -> flattened (commune, period) -> (unit, period) bins
    sizes: dict[str, int]  # level -> number of units
    n_rows: int


# --------------------------------------------------------------------------- data


def synthetic_columns(
    h: Hierarchy, n_indicators: int, seed: int
) -> dict[str, np.ndarray[Any, Any]]:
    """Seeded commune observations in long form: indicator, commune position, year, num, den."""
    rng = np.random.default_rng(seed)
    cs = h.level_slice("commune")
    n_c, n_p = cs.stop - cs.start, len(YEARS)
    c2p = h.ancestors("commune", "province")
    nums, dens, keep = [], [], []
    for k in range(n_indicators):
        # denominators: dossiers, staff, procedures... from a handful to thousands
        top = int(rng.choice([8, 40, 300, 3000]))
        den = rng.integers(1, top + 1, size=(n_c, n_p))
        # each commune has its own rate, drifting up over the years
        base = rng.beta(rng.uniform(2, 6), rng.uniform(1.5, 4), size=n_c)
        rate = np.clip(base[:, None] + rng.normal(0.03, 0.05, size=(n_c, n_p)).cumsum(1), 0, 1)
        num = rng.binomial(den, rate)
        present = drop_districts(rng, h, rng.random((n_c, n_p)) >= rng.uniform(0.01, 0.15), k)
        if k % 7 == 1:  # a whole province is missing one year
            present[c2p == rng.integers(h.level_size("province")), rng.integers(n_p)] = False
        nums.append(num)
        dens.append(den)
        keep.append(present)
    return long_form(nums, dens, keep)


def build(n_indicators: int, seed: int = SEED) -> Workload:
    """Read the hierarchy, make the data, build the Panel and the pandas frame."""
    import pandas as pd

    if not DATA.exists():
        msg = f"the 2024 unit list is not at {DATA} (expected ../shared/data beside the repository)"
        raise SystemExit(msg)
    h = Hierarchy.from_csv(DATA, edition="2024")
    cs = h.level_slice("commune")
    codes = tuple(f"ind{k:02d}" for k in range(n_indicators))
    cols = synthetic_columns(h, n_indicators, seed)
    commune_codes = np.array(h.codes[cs])
    panel = commune_panel(h, codes, cols, "Chỉ tiêu tổng hợp ")
    idx: dict[str, IntArray] = {}
    sizes: dict[str, int] = {}
    frame_cols: dict[str, Any] = {
        "indicator": pd.Categorical.from_codes(cols["indicator"], categories=list(codes))
    }
    n_p = len(YEARS)
    for level in LEVELS:
        anc = h.ancestors("commune", level)
        sizes[level] = h.level_size(level)
        idx[level] = (anc[:, None] * n_p + np.arange(n_p)).ravel()
        frame_cols[level] = pd.Categorical.from_codes(
            anc[cols["commune"]], categories=list(h.codes[h.level_slice(level)])
        )
    frame_cols["commune"] = commune_codes[cols["commune"]]
    frame_cols["period"] = cols["year"]
    frame_cols["num"] = cols["num"]
    frame_cols["den"] = cols["den"]
    frame = pd.DataFrame(frame_cols)
    as_str = {c: frame[c].astype(str) for c in ("indicator", *LEVELS)}
    frames = {"categorical": frame, "str": frame.assign(**as_str)}
    return Workload(h, panel, codes, frames, cs, idx, sizes, len(frame))


# --------------------------------------------------------------------------- the contenders


def ours(w: Workload, ratio: bool = True, share: bool = True) -> list[list[cchc.Rollup]]:
    """Our engine: one ``rollup`` call per indicator and rule."""
    rules = ([RATIO_RULE] if ratio else []) + ([SHARE_RULE] if share else [])
    return [
        [cchc.rollup(w.panel, code, scope=SCOPE, rule=rule) for rule in rules] for code in w.codes
    ]


def floor(w: Workload, ratio: bool = True, share: bool = True) -> list[Outputs]:
    """Hand-written numpy: bincount each state field into districts and provinces."""
    out = []
    n_p = len(YEARS)
    for code in w.codes:
        d = w.panel.data_of(code)
        num = d.numerator[w.commune]
        den = d.denominator[w.commune]
        ok = ~np.isnan(den)  # the panel keeps numerator and denominator together
        res: Outputs = {}
        if share:
            with np.errstate(invalid="ignore"):
                met = (num / den * 100.0 >= THRESHOLD).ravel()  # NaN never meets
        if ratio:
            num0 = np.where(ok, num, 0.0).ravel()
            den0 = np.where(ok, den, 0.0).ravel()
        okf = ok.ravel()
        for level in LEVELS:
            idx, size = w.idx[level], w.sizes[level] * n_p
            n = np.bincount(idx, weights=okf, minlength=size).reshape(-1, n_p)
            res[f"{level}/n"] = n
            if ratio:
                s_num = np.bincount(idx, weights=num0, minlength=size).reshape(-1, n_p)
                s_den = np.bincount(idx, weights=den0, minlength=size).reshape(-1, n_p)
                pos = s_den > 0
                res[f"{level}/ratio"] = np.where(
                    pos, s_num / np.where(pos, s_den, 1.0) * 100.0, np.nan
                )
            if share:
                s_met = np.bincount(idx, weights=met, minlength=size).reshape(-1, n_p)
                pos = n > 0
                res[f"{level}/share"] = np.where(pos, s_met / np.where(pos, n, 1.0) * 100.0, np.nan)
        out.append(res)
    return out


def pandas_groupby(
    w: Workload, codes: str = "categorical", ratio: bool = True, share: bool = True
) -> dict[str, Any]:
    """Idiomatic pandas on the long frame: groupby + sum per level, for all indicators at once.

    ``codes`` picks the frame: unit and indicator codes as categoricals (the
    fast way) or as plain strings (as read from a file).
    """
    df = w.frames[codes]
    if share:
        df = df.assign(met=(df["num"] / df["den"] * 100.0) >= THRESHOLD)
    fields = (["num", "den"] if ratio else []) + (["met"] if share else [])
    out = {}
    for level in LEVELS:
        g = df.groupby(["indicator", level, "period"], observed=True, sort=False)
        agg = g[fields].sum()
        agg["n"] = g.size()
        if ratio:
            agg["ratio"] = agg["num"] / agg["den"] * 100.0
        if share:
            agg["share"] = agg["met"] / agg["n"] * 100.0
        out[level] = agg
    return out


# --------------------------------------------------------------------------- same outputs


def _blank(w: Workload, level: str, dtype: Any) -> np.ndarray[Any, Any]:
    fill = np.nan if dtype is np.float64 else 0
    return np.full((len(w.codes), w.sizes[level], len(YEARS)), fill, dtype=dtype)


def outputs_of_ours(w: Workload, res: list[list[cchc.Rollup]], rules: list[str]) -> Outputs:
    out: Outputs = {}
    for level in LEVELS:
        s = w.hierarchy.level_slice(level)
        for j, rule in enumerate(rules):
            out[f"{rule}/{level}/value"] = np.stack([r[j].value[s] for r in res])
            out[f"{rule}/{level}/n"] = np.stack([r[j].n_with_data[s] for r in res])
    return out


def outputs_of_floor(w: Workload, res: list[Outputs], rules: list[str]) -> Outputs:
    out: Outputs = {}
    for level in LEVELS:
        for rule in rules:
            out[f"{rule}/{level}/value"] = np.stack([r[f"{level}/{rule}"] for r in res])
            out[f"{rule}/{level}/n"] = np.stack([r[f"{level}/n"] for r in res]).astype(np.int64)
    return out


def outputs_of_pandas(w: Workload, res: dict[str, Any], rules: list[str]) -> Outputs:
    out: Outputs = {}
    h = w.hierarchy
    ind_pos = {c: i for i, c in enumerate(w.codes)}
    for level in LEVELS:
        agg = res[level]
        index = agg.index
        k = np.array([ind_pos[c] for c in index.get_level_values("indicator").astype(str)])
        u_codes = np.asarray(index.get_level_values(level).astype(str), dtype=str)
        u = h.positions(u_codes)[0] - h.level_slice(level).start
        p = np.searchsorted(YEARS, index.get_level_values("period").to_numpy())
        for rule in rules:
            value = _blank(w, level, np.float64)
            value[k, u, p] = agg[rule].to_numpy()
            n = _blank(w, level, np.int64)
            n[k, u, p] = agg["n"].to_numpy()
            out[f"{rule}/{level}/value"] = value
            out[f"{rule}/{level}/n"] = n
    return out


def check_same(reference: Outputs, other: Outputs, what: str) -> None:
    """Raise if ``other`` differs from ``reference`` anywhere (NaN equals NaN)."""
    for key, ref in reference.items():
        got = other[key]
        if key.endswith("/n"):
            same = np.array_equal(ref, got)
            bad = int(np.count_nonzero(ref != got)) if ref.shape == got.shape else -1
        else:
            same = ref.shape == got.shape and bool(np.allclose(ref, got, equal_nan=True))
            bad = -1
            if ref.shape == got.shape:
                bad = int(np.count_nonzero(~np.isclose(ref, got, equal_nan=True)))
        if not same:
            msg = f"{what} differs from our engine on {key}: {bad} cells differ"
            raise RuntimeError(msg)


# --------------------------------------------------------------------------- the benchmark


PANDAS = {"categorical": "pandas groupby (categorical codes)", "str": "pandas groupby (str codes)"}


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Build the workload, verify that all implementations agree, then time them."""
    import pandas as pd

    n_ind = N_INDICATORS_QUICK if quick else N_INDICATORS
    t0 = time.perf_counter()
    w = build(n_ind)
    setup = time.perf_counter() - t0
    h = w.hierarchy
    print(
        f"[rollup] {h!r}; {n_ind} indicators x {len(YEARS)} years, {w.n_rows:,} commune "
        f"observations of {h.level_size('commune') * len(YEARS) * n_ind:,} cells; "
        f"setup (not timed) {setup:.1f} s"
    )
    print(
        f"[rollup] python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; {repeats} repeats, median; engine from "
        f"{Path(cchc.__file__).parent}"
    )

    job = f"rollup {n_ind}x{len(YEARS)}"
    groups: list[tuple[str, bool, bool]] = [
        (f"{job}: ratio_of_sums + share_meeting", True, True),
        (f"{job}: ratio_of_sums only", True, False),
        (f"{job}: share_meeting only", False, True),
    ]
    results: list[Result] = []
    for name, ratio, share in groups:
        rules = (["ratio"] if ratio else []) + (["share"] if share else [])
        mine = outputs_of_ours(w, ours(w, ratio, share), rules)
        check_same(mine, outputs_of_floor(w, floor(w, ratio, share), rules), "numpy floor")
        for kind, label in PANDAS.items():
            got = pandas_groupby(w, kind, ratio, share)
            check_same(mine, outputs_of_pandas(w, got, rules), label)
        candidates: dict[str, Callable[[], object]] = {
            "ours": partial(ours, w, ratio, share),
            "floor": partial(floor, w, ratio, share),
        }
        for kind in PANDAS:
            candidates[kind] = partial(pandas_groupby, w, kind, ratio, share)
        t = time_alternating(candidates, repeats=repeats, warmup=1)
        print(f"[rollup] verified (values and counts identical) and timed: {name}")

        calls = n_ind * len(rules)
        notes = (
            f"{name}: ours {fmt_seconds(t['ours'])} for the whole job = "
            f"{fmt_seconds(t['ours'] / n_ind)} per indicator, "
            f"{fmt_seconds(t['ours'] / calls)} per rollup() call ({calls} calls); "
            f"ours/floor = {t['ours'] / t['floor']:.2f}x slowdown (goal <= 1.5x)",
            f"{name}: per indicator, floor {fmt_seconds(t['floor'] / n_ind)}, "
            + ", ".join(f"{PANDAS[k]} {fmt_seconds(t[k] / n_ind)}" for k in PANDAS)
            + "; ceiling for the pandas goal: the floor itself is "
            + ", ".join(f"{t[k] / t['floor']:.1f}x ({k})" for k in PANDAS)
            + " faster than pandas",
        )
        results.append(
            Result(
                name=name,
                ours_s=t["ours"],
                baseline="numpy floor (bincount)",
                baseline_s=t["floor"],
                goal="<= 1.5x floor",
                min_ratio=1 / 1.5,
                notes=notes,
            )
        )
        results.extend(
            Result(
                name=name,
                ours_s=t["ours"],
                baseline=label,
                baseline_s=t[kind],
                goal=">= 10x",
                min_ratio=10.0,
            )
            for kind, label in PANDAS.items()
        )
    return results


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
