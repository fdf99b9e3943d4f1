"""Survey shares with intervals and confidence status: our engine against pandas groupby.

The workload: 1,000,000 **synthetic** answers (50,000 respondents x 20
questions on a 1-5 scale, with design weights and strata) across Vĩnh Phúc's
131 units (province, 9 districts, 121 communes), made by
:func:`cchc_indicators.survey.synthetic_survey` (seeded). The responses are
built and validated once, outside the timing, as the pandas frame is.

Timed work: for every unit (territory scope: its own respondents and all
below it) and question, the weighted share of answers 4 or 5, Kish's
effective sample size, the 95 % Wilson interval at that size, and the
confidence status against a 90 % target -- ``satisfaction(...)`` followed by
``confidence_status(...)``.

Baseline computing the same: ``pandas groupby`` on the long frame of answers
(unit and question as categoricals, pandas' fast path): one groupby + sum of
w, w * satisfied and w**2 per (unit, question), the per-unit sums rolled up by
concatenating each unit's row under its ancestors and summing again, then
share, Kish size, Wilson bounds and status as column arithmetic.

Both are checked to agree on every cell (n exactly; share, bounds and n_eff
to 1e-9; statuses exactly) before anything is timed; a mismatch raises. The
element and overall indices (design-based intervals) and a 200-replication
bootstrap are timed too, for the record, without a baseline. Run through
``benchmarks/run.py``, or directly: ``python benchmarks/bench_survey.py [--quick]``.
"""

from __future__ import annotations

import platform
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import cchc_indicators as cchc
from _timing import Result, fmt_seconds, time_alternating
from cchc_indicators import Hierarchy
from cchc_indicators.datasets import vinh_phuc_units
from cchc_indicators.survey import (
    Elements,
    Responses,
    SurveyResult,
    confidence_status,
    satisfaction,
    synthetic_survey,
)

RESPONDENTS = 50_000
RESPONDENTS_QUICK = 5_000
QUESTIONS = 20
SATISFIED = (4, 5)
THRESHOLD = 90.0
CONFIDENCE = 0.95
Z = 1.959963984540054  # the two-sided 95 % normal quantile
SEED = 20251
BOOT_REPLICATIONS = 200


@dataclass(frozen=True)
class Workload:
    """Everything built once, before timing."""

    hierarchy: Hierarchy
    responses: Responses
    elements: Elements
    frame: Any  # pandas.DataFrame: unit, question (categoricals), answer, weight
    ancestors: Any  # pandas.DataFrame: unit -> each of its ancestors (and itself)


def build(respondents: int) -> Workload:
    """Make the synthetic survey and the pandas frame of the same answers."""
    import pandas as pd

    h = vinh_phuc_units()
    responses, elements = synthetic_survey(
        h, respondents=respondents, questions=QUESTIONS, elements=5, seed=SEED
    )
    unit = responses.respondent_unit[responses.respondent]
    frame = pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(unit, categories=list(h.codes)),
            "question": pd.Categorical.from_codes(
                responses.question, categories=list(responses.questions)
            ),
            "answer": responses.answer,
            "weight": responses.respondent_weight[responses.respondent],
        }
    )
    # unit -> itself and every ancestor (the territories it belongs to)
    pairs = [(code, code) for code in h.codes]
    for code in h.codes:
        parent = h.parent(code)
        while parent is not None:
            pairs.append((code, parent.code))
            parent = h.parent(parent.code)
    ancestors = pd.DataFrame(pairs, columns=["unit", "territory"])
    return Workload(h, responses, elements, frame, ancestors)


# --------------------------------------------------------------------------- the contenders


def ours(w: Workload) -> tuple[SurveyResult, np.ndarray[Any, Any]]:
    """satisfaction() on territory scope, then confidence_status() against 90 %."""
    res = satisfaction(w.responses, SATISFIED, scope="territory", confidence=CONFIDENCE)
    return res, confidence_status(res.lower, res.upper, THRESHOLD)


def pandas_groupby(w: Workload) -> Any:
    """Idiomatic pandas: groupby-sum per (unit, question), roll up through ancestors, then formulas."""
    df = w.frame
    sat = df["answer"].isin(SATISFIED)
    weight = df["weight"]
    parts = df[["unit", "question"]].assign(w=weight, ws=weight * sat, w2=weight * weight)
    own = parts.groupby(["unit", "question"], observed=True).agg(
        n=("w", "size"), w=("w", "sum"), ws=("ws", "sum"), w2=("w2", "sum")
    )
    own = own.reset_index()
    own["unit"] = own["unit"].astype(str)
    terr = (
        own.merge(w.ancestors, on="unit")
        .groupby(["territory", "question"], observed=True)[["n", "w", "ws", "w2"]]
        .sum()
    )
    p = terr["ws"] / terr["w"]
    n_eff = terr["w"] ** 2 / terr["w2"]
    denom = 1 + Z * Z / n_eff
    centre = (p + Z * Z / (2 * n_eff)) / denom
    half = Z * np.sqrt(p * (1 - p) / n_eff + Z * Z / (4 * n_eff * n_eff)) / denom
    terr["share"] = 100 * p
    terr["n_eff"] = n_eff
    terr["lower"] = 100 * np.maximum(centre - half, 0.0)
    terr["upper"] = 100 * np.minimum(centre + half, 1.0)
    terr["status"] = np.where(
        terr["lower"] >= THRESHOLD,
        "achieved",
        np.where(terr["upper"] < THRESHOLD, "not_achieved", "inconclusive"),
    )
    return terr


# --------------------------------------------------------------------------- same outputs


def check_same(w: Workload, mine: tuple[SurveyResult, Any], theirs: Any) -> int:
    """Raise unless pandas gives our values on every (unit, question) cell; return the cells."""
    res, status = mine
    h = w.hierarchy
    index = theirs.index
    units = h.positions(np.asarray(index.get_level_values("territory").astype(str), dtype=str))[0]
    qs = np.searchsorted(
        np.asarray(res.items), np.asarray(index.get_level_values("question").astype(str))
    )
    if (units < 0).any() or len(theirs) != int(np.count_nonzero(res.n > 0)):
        msg = "pandas and ours disagree on which (unit, question) cells have respondents"
        raise RuntimeError(msg)
    if not np.array_equal(res.n[units, qs], theirs["n"].to_numpy()):
        msg = "pandas differs from ours on n"
        raise RuntimeError(msg)
    for name in ("share", "lower", "upper", "n_eff"):
        got = getattr(res, name)[units, qs]
        if not np.allclose(got, theirs[name].to_numpy(), rtol=1e-9, atol=1e-9):
            bad = int(np.count_nonzero(~np.isclose(got, theirs[name].to_numpy(), rtol=1e-9)))
            msg = f"pandas differs from ours on {name}: {bad} cells"
            raise RuntimeError(msg)
    if not np.array_equal(status[units, qs], theirs["status"].to_numpy().astype(str)):
        msg = "pandas differs from ours on the confidence status"
        raise RuntimeError(msg)
    return len(theirs)


# --------------------------------------------------------------------------- the benchmark


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Build the workload, verify that both implementations agree, then time them."""
    import pandas as pd

    respondents = RESPONDENTS_QUICK if quick else RESPONDENTS
    t0 = time.perf_counter()
    w = build(respondents)
    setup = time.perf_counter() - t0
    n_answers = len(w.responses)
    print(
        f"[survey] {w.hierarchy!r}; {n_answers:,} synthetic answers ({respondents:,} respondents x "
        f"{QUESTIONS} questions), weighted, 2 strata; setup incl. validation (not timed) {setup:.1f} s"
    )
    print(
        f"[survey] python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}; {repeats} repeats, median; engine from "
        f"{Path(cchc.__file__).parent}"
    )
    cells = check_same(w, ours(w), pandas_groupby(w))
    print(f"[survey] verified: {cells} (unit, question) cells identical (n, share, bounds, status)")

    t = time_alternating(
        {"ours": partial(ours, w), "pandas": partial(pandas_groupby, w)}, repeats=repeats, warmup=1
    )
    extra = time_alternating(
        {
            "elements": partial(
                satisfaction, w.responses, SATISFIED, elements=w.elements, scope="territory"
            ),
            "bootstrap": partial(
                satisfaction,
                w.responses,
                SATISFIED,
                elements=w.elements,
                interval="bootstrap",
                replications=BOOT_REPLICATIONS,
                seed=1,
            ),
        },
        repeats=max(1, repeats // 2),
        warmup=0,
    )
    name = f"survey {n_answers:,} answers x 131 units: share + Wilson/Kish + status"
    notes = (
        f"{name}: ours {fmt_seconds(t['ours'])} (goal < 1 s), pandas {fmt_seconds(t['pandas'])}",
        f"survey with 5 elements and the overall index (design-based intervals): "
        f"{fmt_seconds(extra['elements'])}; with a {BOOT_REPLICATIONS}-replication bootstrap "
        f"of respondents within unit and stratum: {fmt_seconds(extra['bootstrap'])}",
    )
    return [
        Result(
            name=name,
            ours_s=t["ours"],
            baseline="pandas groupby (categorical codes)",
            baseline_s=t["pandas"],
            goal=">= 5x",
            min_ratio=5.0,
            notes=notes,
        ),
        Result(
            name=name,
            ours_s=t["ours"],
            baseline="time budget",
            baseline_s=1.0,
            goal="< 1 s",
            min_ratio=1.0,
        ),
    ]


if __name__ == "__main__":
    quick = "--quick" in sys.argv[1:]
    for res in run(quick=quick, repeats=3 if quick else 7):
        print(res.to_json(), *res.notes, sep="\n  ")
