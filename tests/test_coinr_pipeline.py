"""COINr's reference pipeline, reproduced: ``build_example_coin()`` on its ASEM data.

``tests/data/coinr_asem.json`` holds COINr's example structure and data (51
countries, 49 indicators, 4 denominators) and the scores COINr 1.1.14
itself gives at every node after its reference steps (run in R by
``tools/coinr_reference.py --asem``): denominate, impute by the mean of the
country's group (Europe or Asia), screen at a data share of 0.9 after
imputing, treat outliers by the default rule (winsorise up to 5 points,
else log), normalise by min-max to 0-100, aggregate by weighted arithmetic
means. The same steps, declared in one :class:`CompositeIndex`, must give
the same scores to 1e-9 at all 60 nodes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cchc_indicators.composite import (
    CompositeIndex,
    IndexResult,
    Node,
    Observations,
    Screening,
    compute_index,
)

DOC: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "coinr_asem.json").read_text(encoding="utf-8")
)


def asem_index(**steps: Any) -> CompositeIndex:
    """COINr's ASEM structure as an index, with the reference pipeline's steps (or ``steps``)."""
    meta = [m for m in DOC["meta"] if m["type"] in ("Indicator", "Aggregate")]
    children: dict[str | None, list[dict[str, Any]]] = {}
    for m in meta:
        children.setdefault(m["parent"], []).append(m)

    def node(m: dict[str, Any]) -> Node:
        if m["type"] == "Indicator":
            return Node(
                m["code"],
                weight=m["weight"],
                direction=int(m["direction"]),
                denominator=m["denominator"],
            )
        return Node(m["code"], weight=m["weight"], children=[node(c) for c in children[m["code"]]])

    (root,) = children[None]
    settings: dict[str, Any] = {
        "imputation": "group_mean",
        "screening": Screening(min_share=0.9),
        "treatment": {"name": "skew_kurtosis", "winmax": 5},
        "normalisation": {"name": "minmax", "low": 0, "high": 100},
        "aggregation": "arithmetic",
        **steps,
    }
    return CompositeIndex(
        root["code"], children=[node(c) for c in children[root["code"]]], **settings
    )


def score(**steps: Any) -> IndexResult:
    data = Observations.from_values(
        {c: [np.nan if v is None else v for v in vs] for c, vs in DOC["data"].items()},
        DOC["units"],
    )
    return compute_index(asem_index(**steps), data, groups=DOC["groups"])


@pytest.fixture(scope="module")
def result() -> IndexResult:
    return score()


def coinr(node: str, units: tuple[str, ...]) -> np.ndarray:
    where = {u: j for j, u in enumerate(DOC["scored_units"])}
    values = DOC["scores"][node]
    return np.array([np.nan if values[where[u]] is None else values[where[u]] for u in units])


def test_the_units_scored_are_coinr_s(result: IndexResult) -> None:
    assert sorted(result.units) == sorted(DOC["scored_units"])
    assert len(result.units) == 51


def test_every_node_scores_as_in_coinr(result: IndexResult) -> None:
    """All 60 nodes (49 indicators, 8 pillars, 2 sub-indices, the index) to 1e-9."""
    assert len(result.nodes) == 60
    for node in result.nodes:
        np.testing.assert_allclose(
            result.score(node), coinr(node, result.units), rtol=1e-9, atol=1e-9, err_msg=node
        )


def test_the_ranks_are_coinr_s(result: IndexResult) -> None:
    theirs = coinr(result.index, result.units)
    order = (-theirs).argsort(kind="stable")
    assert [result.units[j] for j in order] == [
        result.units[j] for j in result.rank().argsort(kind="stable")
    ]


def test_fifteen_indicators_are_winsorised(result: IndexResult) -> None:
    """What the treatment record says of the reference pipeline: 15 indicators winsorised."""
    treated = [
        c
        for c, a in zip(result.treatment.indicators, result.treatment.applied, strict=True)
        if a != "none"
    ]
    assert len(treated) == 15
    assert set(result.treatment.applied) == {"none", "winsorise"}


def test_without_the_treatment_the_index_moves(result: IndexResult) -> None:
    """The step matters: without it the index moves by up to 5.5 points and 36 of 51 ranks change."""
    untreated = score(treatment="none")
    shift = np.abs(untreated.score() - result.score())
    assert shift.max() == pytest.approx(5.514, abs=1e-3)
    assert (untreated.rank() != result.rank()).sum() == 36
