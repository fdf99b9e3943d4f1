"""Monte Carlo uncertainty of a 63-province, 30-indicator, three-level composite index.

The index is the shipped ``par-style-demo`` (an illustrative PAR INDEX-style
tree: 30 indicators -> 15 criteria -> 8 domains -> the index, domain weights
the official maxima) on ``datasets.index_observations()`` (synthetic, 63
provinces, 2022-2024, about 3 % of the values missing), scored for 2024.

Each of 10,000 replications draws:

* every weight with uniform noise of +-25 % (COINr's noise factor 0.25);
* the normalisation: min-max to 0-100 or percentile rank;
* the aggregation at every level: arithmetic or geometric (shift 1);

then scores every province and ranks them at the index (the work summarised
into score intervals, median rank, 5-95 % rank interval, rank probabilities
and P(top 15)).

Two workloads:

* ``complete``: the nominal imputation is the indicator's mean over the
  provinces, so the data are complete;
* ``missing``: no imputation; missing indicators are skipped with their
  weights re-normalised, and a criterion with fewer than half its indicators
  gets no value (``min_share=0.5``).

Timed:

* ours: :func:`cchc_indicators.composite.uncertainty.uncertainty`, replications as an
  array axis. On the complete data every drawn tree is one power mean without
  missing leaves, so each replication's index is the power mean of the 30
  transformed indicators with the replication's effective weights (one
  ``einsum`` for all replications of a method pair); with missing values the
  provinces with complete data still take that path, and the others (35 of
  63 in 2024) go level by level in the power mean's transformed space (no
  inverse and transform between levels), a block of replications at a time
  with the replications as the last, contiguous axis, skipping missing
  children with their weights re-normalised per unit: which children are
  present depends on the missing values only, so the weights' sums are taken
  apart only for the criteria and provinces with an indicator missing
  (:func:`cchc_indicators.composite._engine.levels_in_chunks`);
* ``loop``: a per-replication Python loop over the same pipeline, calling the
  public :func:`cchc_indicators.compute_index` with the replication's weights
  and methods and keeping the index scores and ranks (what a user would write
  without the vectorised engine, and what COINr does: regenerate the index
  per replication).

A third workload, ``copeland`` (issue 16): the complete data with the
aggregation drawn from arithmetic and Copeland (at every level), 2,000
replications. Copeland compares every pair of units; ours compares each
child's distinct values once and each distinct vote pattern once per
replication (:func:`cchc_indicators.composite.aggregate._copeland_batched`),
where the loop's ``compute_index`` compares all pairs of every node.

Goals (issue 5): under 1 s for 10,000 replications, and >= 100x faster than
the loop; Copeland (issue 16): >= 10x faster than the loop. Before timing, the loop is run on 60 replications drawn by the same
generator and must give the same scores (to 1e-12 relative) and ranks.

Run through ``benchmarks/run.py`` (``python benchmarks/run.py -k index``) or
directly: ``python benchmarks/bench_index.py [--quick]``.
"""

from __future__ import annotations

import platform
import sys
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import cchc_indicators as cchc  # noqa: E402
from _timing import Result, fmt_seconds, time_alternating  # noqa: E402
from cchc_indicators import datasets  # noqa: E402
from cchc_indicators.composite import (  # noqa: E402
    CompositeIndex,
    Method,
    Observations,
    compute_index,
    load_index,
)
from cchc_indicators.composite.uncertainty import uncertainty  # noqa: E402

REPLICATIONS = 10_000
REPLICATIONS_QUICK = 1_000
CHECKED = 60
SEED = 2026
NORMALISATIONS = (Method("minmax"), Method("percentile_rank"))
AGGREGATIONS = (Method("arithmetic"), Method("geometric", shift=1))
#: The Copeland workload's alternatives (issue 16): replications per run, and its goal.
COPELAND = (Method("arithmetic"), Method("copeland"))
COPELAND_REPLICATIONS = 2_000
COPELAND_REPLICATIONS_QUICK = 200
SETTINGS: dict[str, Any] = {
    "weights": 0.25,
    "normalisation": NORMALISATIONS,
    "aggregation": AGGREGATIONS,
    "rank_target": 15,
    "period": "2024",
}


def workloads() -> dict[str, CompositeIndex]:
    """The two nominal indices: mean-imputed (complete) and with missing values kept."""
    base = load_index("par-style-demo")
    as_dict = base.to_dict()
    complete = CompositeIndex.from_dict({**as_dict, "imputation": {"name": "mean"}})
    return {"complete": complete, "missing": base}


def ours(index: CompositeIndex, data: Observations, n: int, aggregations: Any = None) -> Any:
    settings = {**SETTINGS, "aggregation": aggregations or AGGREGATIONS}
    return uncertainty(index, data, n=n, seed=SEED, nodes=[index.code], **settings)


def draws(
    index: CompositeIndex, data: Observations, n: int, aggregations: Any = None
) -> list[dict[str, Any]]:
    """The replications' parameters, drawn exactly as :func:`uncertainty` draws them."""
    from cchc_indicators.composite.uncertainty import _design, _draw

    design = _design(
        index,
        data,
        weights=SETTINGS["weights"],
        base_weights=None,
        normalisation=NORMALISATIONS,
        aggregation=aggregations or AGGREGATIONS,
        imputation=None,
        period="2024",
        units=None,
        groups=None,
        nodes=[index.code],
    )
    w, norm, agg, _ = _draw(design, n, np.random.default_rng(SEED))
    codes = design.compiled[0].codes
    return [
        {
            "weights": dict(zip(codes, w[r].tolist(), strict=True)),
            "normalisation": NORMALISATIONS[int(norm[r])],
            "aggregation": (aggregations or AGGREGATIONS)[int(agg[r])],
        }
        for r in range(n)
    ]


def loop(index: CompositeIndex, data: Observations, params: list[dict[str, Any]]) -> Any:
    """The per-replication loop: the public pipeline once per replication."""
    scores = np.empty((len(params), len(data.units)))
    ranks = np.empty((len(params), len(data.units)), dtype=np.int64)
    for r, p in enumerate(params):
        result = compute_index(index, data, period="2024", **p)
        scores[r] = result.score()
        ranks[r] = result.rank()
    return scores, ranks


def check_same(index: CompositeIndex, data: Observations, aggregations: Any = None) -> None:
    """Our replications and the loop's agree on the first replications."""
    u = ours(index, data, CHECKED, aggregations)
    scores, ranks = loop(index, data, draws(index, data, CHECKED, aggregations))
    ours_scores = u.scores[:, 0]
    if not np.allclose(ours_scores, scores, rtol=1e-12, atol=0.0, equal_nan=True):
        worst = np.nanmax(np.abs(ours_scores - scores))
        msg = f"ours and the loop disagree on scores (max difference {worst})"
        raise AssertionError(msg)
    from cchc_indicators.composite._engine import ranks as rank_rows

    if not np.array_equal(rank_rows(ours_scores), ranks):
        msg = "ours and the loop disagree on ranks"
        raise AssertionError(msg)


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Verify, then time ours and the loop on both workloads."""
    n = REPLICATIONS_QUICK if quick else REPLICATIONS
    data = datasets.index_observations()
    print(
        f"[index] par-style-demo: 30 indicators -> 15 criteria -> 8 domains -> index; "
        f"{len(data.units)} provinces (synthetic), period 2024; {n:,} replications "
        "(weights +-25 %, minmax|percentile_rank, arithmetic|geometric(shift 1))"
    )
    print(
        f"[index] python {platform.python_version()}, numpy {np.__version__}; "
        f"engine from {Path(cchc.__file__).parent}"
    )
    results = []
    for name, index in workloads().items():
        check_same(index, data)
        print(f"[index:{name}] verified: {CHECKED} replications identical to the loop")
        params = draws(index, data, n)
        loop_repeats = 1 if not quick else max(1, repeats // 2)
        t = time_alternating(
            {"ours": partial(ours, index, data, n), "loop": partial(loop, index, data, params)},
            repeats=loop_repeats,
            warmup=1 if quick else 0,
        )
        more = time_alternating({"ours": partial(ours, index, data, n)}, repeats=repeats, warmup=1)
        ours_s = min(t["ours"], more["ours"])
        label = f"index uncertainty, {name} data: {n:,} replications x 63 provinces"
        u = ours(index, data, n)
        top = u.p_rank_at_most(15)
        notes = (
            f"{label}: ours {fmt_seconds(ours_s)} (goal < 1 s), loop {fmt_seconds(t['loop'])} "
            f"({fmt_seconds(t['loop'] / n)} a replication)",
            f"provinces in the top 15 in >= 95 % of replications: {int((top >= 0.95).sum())}; "
            f"borderline (P between 0.2 and 0.8): {int(((top > 0.2) & (top < 0.8)).sum())}",
        )
        results += [
            Result(
                name=label,
                ours_s=ours_s,
                baseline="per-replication loop over compute_index",
                baseline_s=t["loop"],
                goal=">= 100x",
                min_ratio=100.0,
                notes=notes,
            ),
            Result(
                name=label,
                ours_s=ours_s,
                baseline="time budget",
                baseline_s=1.0,
                goal="< 1 s",
                min_ratio=1.0,
            ),
        ]
    results.append(run_copeland(data, workloads()["complete"], quick=quick, repeats=repeats))
    return results


def run_copeland(data: Observations, index: CompositeIndex, *, quick: bool, repeats: int) -> Result:
    """The complete data with Copeland among the aggregations: ours and the loop."""
    n = COPELAND_REPLICATIONS_QUICK if quick else COPELAND_REPLICATIONS
    check_same(index, data, COPELAND)
    print(f"[index:copeland] verified: {CHECKED} replications identical to the loop")
    params = draws(index, data, n, COPELAND)
    t = time_alternating(
        {
            "ours": partial(ours, index, data, n, COPELAND),
            "loop": partial(loop, index, data, params),
        },
        repeats=1 if not quick else max(1, repeats // 2),
        warmup=1 if quick else 0,
    )
    more = time_alternating(
        {"ours": partial(ours, index, data, n, COPELAND)}, repeats=repeats, warmup=1
    )
    ours_s = min(t["ours"], more["ours"])
    label = (
        f"index uncertainty, complete data, arithmetic|copeland: {n:,} replications x 63 provinces"
    )
    notes = (
        f"{label}: ours {fmt_seconds(ours_s)} ({fmt_seconds(ours_s / n)} a replication), "
        f"loop {fmt_seconds(t['loop'])} ({fmt_seconds(t['loop'] / n)} a replication)",
    )
    return Result(
        name=label,
        ours_s=ours_s,
        baseline="per-replication loop over compute_index",
        baseline_s=t["loop"],
        goal=">= 10x",
        min_ratio=10.0,
        notes=notes,
    )


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
