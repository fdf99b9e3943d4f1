"""The sparse path of the roll-up engine: the same results, bit for bit, as the dense path.

When few cells of an indicator hold data (below ``_state.SPARSE_DENSITY`` of
units x periods), the engine rolls up from those cells alone. These tests force
each path by setting the threshold (0: always dense; above 1: always sparse).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import (
    DEFAULT_LEVELS,
    TWO_TIER_LEVELS,
    Hierarchy,
    Indicator,
    Panel,
    PanelError,
    measures,
    rollup,
    rollup_state,
)
from cchc_indicators.data.panel import IndicatorData
from cchc_indicators.engine import _state
from cchc_indicators.testing import hierarchy_records, indicators, panel_records

DENSE, SPARSE = 0.0, 1.1


@contextmanager
def path(density: float) -> Iterator[None]:
    """Force the dense (0.0) or the sparse (1.1) path inside the block."""
    old = _state.SPARSE_DENSITY
    _state.SPARSE_DENSITY = density
    try:
        yield
    finally:
        _state.SPARSE_DENSITY = old


def _bits(a: Any) -> tuple[str, tuple[int, ...], bytes] | None:
    if a is None:
        return None
    a = np.asarray(a)
    return (a.dtype.str, a.shape, a.tobytes())


def signature(r: Any) -> dict[str, Any]:
    """Everything a roll-up gives, as exact bytes."""
    out = {
        name: _bits(getattr(r, name))
        for name in (
            "value",
            "n_with_data",
            "n_in_scope",
            "coverage",
            "reason",
            "provenance",
            "overflow",
        )
    }
    out["state"] = {k: _bits(v) for k, v in r.state.items()}
    out["records"] = repr(r.to_records())
    return out


H = Hierarchy.from_records(
    [
        {"code": "P", "name": "P", "level": "province"},
        {"code": "D1", "name": "D1", "level": "district", "parent": "P"},
        {"code": "D2", "name": "D2", "level": "district", "parent": "P"},
        *(
            {"code": f"C{i}", "name": f"C{i}", "level": "commune", "parent": f"D{1 + i // 5}"}
            for i in range(10)
        ),
    ]
)
FILES = Indicator("files", "Hồ sơ trực tuyến")


def _panel(rows: list[tuple[str, float, float]]) -> Panel:
    n = len(rows)
    return Panel.from_columns(
        H,
        indicator=["files"] * n,
        unit=[u for u, _, _ in rows],
        period=[2024] * n,
        numerator=[x for _, x, _ in rows],
        denominator=[d for _, _, d in rows],
        indicators=[FILES],
    )


# ---------------------------------------------------------------------- hand-computed cases


def test_sparse_path_pools_the_reporting_communes() -> None:
    """Two of ten communes report: 45 of 50 in D1 and 30 of 60 in D2; P pools 75 of 110."""
    p = _panel([("C0", 45, 50), ("C7", 30, 60)])
    with path(SPARSE):
        state = rollup_state(p, "files", scope="tier:commune")
        assert isinstance(state.fields, _state.SparseState)  # the sparse path was taken
        r = state.finalize()
    assert r.get("D1", 2024) == 90.0
    assert r.get("D2", 2024) == 50.0
    assert r.get("P", 2024) == 75 * 100 / 110
    assert r.get("C0", 2024) == 90.0
    assert np.isnan(r.get("C1", 2024))
    assert r.row("D1", 2024)["n_with_data"] == 1
    assert r.row("P", 2024)["n_with_data"] == 2
    assert r.row("C1", 2024)["reason"] == "no_data"
    assert r.row("C0", 2024)["provenance"] == "observed"


def test_dense_threshold_takes_the_dense_path() -> None:
    """With the threshold at 0 no state is sparse."""
    with path(DENSE):
        assert not isinstance(
            rollup_state(_panel([("C0", 1, 2)]), "files").fields, _state.SparseState
        )


def test_share_meeting_on_the_sparse_path() -> None:
    """Communes at 90 % and 50 %: half of the reporting communes meet >= 60 in P."""
    p = _panel([("C0", 45, 50), ("C7", 30, 60)])
    with path(SPARSE):
        r = rollup(p, "files", scope="tier:commune", rule="share_meeting(>= 60)")
    assert (r.get("D1", 2024), r.get("D2", 2024), r.get("P", 2024)) == (100.0, 0.0, 50.0)


def test_sums_beyond_the_float_range_agree() -> None:
    """Two communes of 1.5e308 of 1.6e308 pool past the float range: 93.75 % on both paths."""
    p = _panel([("C0", 1.5e308, 1.6e308), ("C1", 1.5e308, 1.6e308), ("C7", 1, 2)])
    got = {}
    for density in (DENSE, SPARSE):
        with path(density):
            got[density] = rollup(p, "files", scope="territory")
    assert got[SPARSE].get("D1", 2024) == 93.75
    assert "num_exp" in got[SPARSE].state
    assert signature(got[DENSE]) == signature(got[SPARSE])


def test_overflowing_value_is_reported_on_the_sparse_path() -> None:
    """A sum of two counts of 1e308 overflows on both paths, with the reason ``overflow``."""
    count = Indicator("staff", "Biên chế", measure=measures.count())
    p = Panel.from_columns(
        H, indicator=["staff"] * 2, unit=["C0", "C1"], period=[2024] * 2, value=[1e308, 1e308],
        indicators=[count],
    )  # fmt: skip
    got = {}
    for density in (DENSE, SPARSE):
        with path(density):
            got[density] = rollup(p, "staff", scope="tier:commune", rule="sum")
    assert got[SPARSE].row("D1", 2024)["reason"] == "overflow"
    assert signature(got[DENSE]) == signature(got[SPARSE])


def test_value_without_parts_is_refused_on_the_sparse_path() -> None:
    """ratio_of_sums refuses a bare value in scope, as the dense path does."""
    p = Panel.from_records(
        [{"indicator": "files", "unit": "C0", "period": 2024, "value": 80.0}], H, indicators=[FILES]
    )
    with path(SPARSE), pytest.raises(PanelError, match="gives only a value"):
        rollup(p, "files", scope="tier:commune")


def test_a_state_with_other_fields_is_finalised_densely() -> None:
    """A sparse state evolved with other fields (as ``cchc_indicators.dask`` does) ignores its hint."""
    with path(SPARSE):
        a = rollup_state(_panel([("C0", 45, 50)]), "files", scope="tier:commune")
        b = rollup_state(_panel([("C7", 30, 60)]), "files", scope="tier:commune")
    with path(DENSE):
        both = rollup(_panel([("C0", 45, 50), ("C7", 30, 60)]), "files", scope="tier:commune")
    moved = attrs.evolve(a, fields=dict(b.fields))
    assert moved.finalize().get("D2", 2024) == 50.0
    assert signature(a.merge(b).finalize()) == signature(both)


def test_support_counts_cells_with_numbers_but_no_source_row() -> None:
    """A cell with a number but no source row (-1) is in the support."""
    nan = np.nan
    d = IndicatorData(
        value=[[nan, nan], [nan, nan]],
        numerator=[[nan, 1.0], [nan, nan]],
        denominator=[[nan, 2.0], [nan, nan]],
        weight=[[nan, nan], [3.0, nan]],
        row=[[0, -1], [-1, -1]],
    )
    assert d.support.tolist() == [0, 1, 2]
    assert np.array_equal(d.gathered().denominator, [[nan], [2.0], [nan]], equal_nan=True)
    assert d.gathered().row.tolist() == [[0], [-1], [-1]]
    assert d.gathered() is d.gathered()  # cached


# ---------------------------------------------------------------------- the law


@st.composite
def cases(draw: st.DrawFn) -> tuple[Panel, Indicator, str, float]:
    levels = draw(st.sampled_from((DEFAULT_LEVELS, TWO_TIER_LEVELS)))
    h = Hierarchy.from_records(draw(hierarchy_records(levels)), levels=levels)
    ind = draw(indicators())
    parts = draw(st.sampled_from([True, None]))
    records = draw(panel_records(h, ind, parts=parts, min_size=1))
    panel = Panel.from_records(records, h, indicators=[ind])
    kind = draw(st.sampled_from(("own", "territory", "tier")))
    scope = f"tier:{draw(st.sampled_from(levels))}" if kind == "tier" else kind
    min_coverage = draw(st.sampled_from([0.0, 0.5, 1.0]))
    return panel, ind, scope, min_coverage


def _outcome(panel: Panel, ind: Indicator, scope: str, min_coverage: float) -> Any:
    try:
        return signature(rollup(panel, ind, scope=scope, min_coverage=min_coverage))
    except PanelError as exc:
        return ("error", str(exc))


@given(cases())
def test_sparse_and_dense_paths_agree(case: tuple[Panel, Indicator, str, float]) -> None:
    """Both paths give the same values, counts, reasons, provenance and states, bit for bit."""
    panel, ind, scope, min_coverage = case
    with path(DENSE):
        dense = _outcome(panel, ind, scope, min_coverage)
    with path(SPARSE):
        sparse = _outcome(panel, ind, scope, min_coverage)
    assert sparse == dense


def test_a_sparse_state_cannot_be_changed_in_place() -> None:
    """The arrays a sparse state's finalize trusts are read-only: editing one is an error."""
    import numpy as np
    import pytest

    from cchc_indicators import Hierarchy, Indicator, Panel, rollup_state

    h = Hierarchy.from_records(
        [{"code": "P", "name": "P", "level": "province"}]
        + [
            {"code": f"C{k}", "name": f"C{k}", "level": "commune", "parent": "P"} for k in range(20)
        ],
        levels=("province", "commune"),
    )
    rec = [{"indicator": "x", "unit": "C0", "period": 2024, "numerator": 1, "denominator": 4}]
    state = rollup_state(Panel.from_records(rec, h), Indicator("x", "X"), scope="tier:commune")
    assert isinstance(state.fields, _state.SparseState)
    for arrays in (state.fields.top, state.fields.own, state.fields):
        with pytest.raises(ValueError, match="read-only"):
            next(iter(arrays.values()))[0] = np.float64(1.0)
    with pytest.raises(ValueError, match="read-only"):
        state.fields.cells[0] = 0


def test_a_sparse_state_builds_dense_arrays_only_when_read() -> None:
    """Rolling up reads the top rows and the reporting cells; the dense state is built on demand.

    C0 (45 of 50) and C7 (30 of 60) report: the dense ``num`` has those two
    commune cells, D1 = 45, D2 = 30 and P = 75 above, 0 elsewhere.
    """
    with path(SPARSE):
        state = rollup_state(
            _panel([("C0", 45, 50), ("C7", 30, 60)]), "files", scope="tier:commune"
        )
    fields = state.fields
    assert isinstance(fields, _state.SparseState)
    r = state.finalize()
    assert r.get("P", 2024) == 75 * 100 / 110
    assert fields._dense == {}  # finalize needed no dense array
    assert sorted(fields) == ["den", "n", "num"]
    assert len(fields) == 3
    num = fields["num"]
    assert num.shape == (13, 1) == fields.shape
    expected = np.zeros(13)
    expected[[H.codes.index(c) for c in ("P", "D1", "D2", "C0", "C7")]] = [75, 45, 30, 45, 30]
    assert num[:, 0].tolist() == expected.tolist()
    assert fields["num"] is num  # built once, then kept
    assert r.n_with_data[H.codes.index("P"), 0] == 2  # read from the dense ``n``
    with pytest.raises(KeyError):
        fields["weight"]


def test_values_of_a_sparse_rollup_are_built_per_level() -> None:
    """``array(level)`` builds that level's rows alone; ``value`` builds them all, once.

    C0 reports 45 of 50 and C7 30 of 60: D1 90 %, D2 50 %, the other communes NaN.
    """
    p = _panel([("C0", 45, 50), ("C7", 30, 60)])
    with path(SPARSE):
        r = rollup(p, "files", scope="tier:commune")
    with path(DENSE):
        dense = rollup(p, "files", scope="tier:commune")
    assert isinstance(r._values, _state.SparseValues)
    assert r.array("district")[:, 0].tolist() == [90.0, 50.0]
    communes = r.array("commune")[:, 0]
    assert communes[0] == 90.0
    assert communes[7] == 50.0
    assert np.isnan(np.delete(communes, [0, 7])).all()
    assert "value" not in r._derived  # no dense array so far
    assert r.value.tobytes() == dense.value.tobytes()
    assert r.value is r.value  # built once
    assert r.array("commune").tobytes() == dense.array("commune").tobytes()


def test_sparse_values_rows_across_the_top_and_the_cells() -> None:
    """Rows that start in the top block and end among the cells, by hand."""
    values = _state.SparseValues(
        top=np.array([[1.0, 2.0], [3.0, 4.0]]),
        cells=np.array([5, 8]),  # unit 2 period 1, unit 4 period 0
        got=np.array([7.0, 9.0]),
        empty=np.nan,
        shape=(5, 2),
    )
    rows = values.rows(1, 5)
    assert rows.shape == (4, 2)
    assert rows[0].tolist() == [3.0, 4.0]
    assert np.isnan(rows[1, 0])
    assert rows[1, 1] == 7.0
    assert np.isnan(rows[2]).all()
    assert rows[3, 0] == 9.0
    assert np.isnan(rows[3, 1])
    assert values.dense()[:2].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_no_overflow_is_none_on_both_paths() -> None:
    """A roll-up where nothing overflows says so with ``overflow`` None, dense or sparse."""
    p = _panel([("C0", 45, 50)])
    for density in (DENSE, SPARSE):
        with path(density):
            assert rollup(p, "files", scope="tier:commune").overflow is None
