"""Microdata: dossier records counted into numerators and denominators (issue 14 §4).

Hand-computed counts on three communes, a law checked against a plain loop over
the dossiers, every error path, and the roll-up of the counted panel.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import Hierarchy, Indicator, rollup
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, PanelError
from cchc_indicators.data.microdata import Count, Microdata, _factorize_text

UNITS = [
    {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
    {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
    {"code": "244", "name": "Phúc Yên", "level": "district", "parent": "26"},
    {"code": "08707", "name": "Tích Sơn", "level": "commune", "parent": "243"},
    {"code": "08710", "name": "Liên Bảo", "level": "commune", "parent": "243"},
    {"code": "08800", "name": "Xuân Hòa", "level": "commune", "parent": "244"},
]
COMMUNES = ["08707", "08710", "08800"]
DISTRICT_OF = {"08707": "243", "08710": "243", "08800": "244"}


@pytest.fixture(scope="module")
def h() -> Hierarchy:
    return Hierarchy.from_records(UNITS)


#: Seven dossiers, hand-counted below.
ROWS: dict[str, list[Any]] = {
    "unit": ["08707", "08707", "08707", "08710", "08710", "08800", "08800"],
    "date": [
        "2024-01-10",
        "2024-05-02",
        "2024-11-30",
        "2024-03-03",
        "2025-02-01",
        "2024-07-07",
        "2025-08-08",
    ],
    "online": [True, False, True, True, None, False, True],
    "on_time": [1.0, 0.0, math.nan, 1.0, 1.0, 1.0, 0.0],
    "channel": ["portal", "counter", "portal", "post", "portal", None, "counter"],
}
DEFS = {
    "online_share": Count("online"),
    "on_time_online": Count("on_time", denominator="online"),
    "via_portal": Count(("channel", "portal")),
}


def small(h: Hierarchy, **kw: Any) -> Microdata:
    return Microdata(
        h,
        unit=ROWS["unit"],
        period=np.array(ROWS["date"], dtype="M8[D]"),
        fields={k: ROWS[k] for k in ("online", "on_time", "channel")},
        **kw,
    )


def cells(panel: Any, code: str) -> dict[tuple[str, str], tuple[float, float]]:
    """The observed (unit, period) -> (numerator, denominator) of one indicator."""
    d = panel.data_of(code)
    out = {}
    for i, j in zip(*np.nonzero(d.observed), strict=True):
        out[(panel.hierarchy.codes[i], panel.periods[j])] = (
            float(d.numerator[i, j]),
            float(d.denominator[i, j]),
        )
    return out


# --------------------------------------------------------------------------- hand-computed


def test_hand_counted_shares_with_missing_fields(h: Hierarchy) -> None:
    panel = small(h).to_panel(DEFS, granularity="year")
    assert panel.periods == ("2024", "2025")
    # row 4 (online missing) is in no online count; 08710 has no other dossier in 2025
    assert cells(panel, "online_share") == {
        ("08707", "2024"): (2.0, 3.0),
        ("08710", "2024"): (1.0, 1.0),
        ("08800", "2024"): (0.0, 1.0),
        ("08800", "2025"): (1.0, 1.0),
    }
    # among online dossiers: row 2 (on_time missing) and row 4 (online missing) left out
    assert cells(panel, "on_time_online") == {
        ("08707", "2024"): (1.0, 1.0),
        ("08710", "2024"): (1.0, 1.0),
        ("08800", "2025"): (0.0, 1.0),
    }
    # row 5 has no channel: 08800 has no observation in 2024
    assert cells(panel, "via_portal") == {
        ("08707", "2024"): (2.0, 3.0),
        ("08710", "2024"): (0.0, 1.0),
        ("08710", "2025"): (1.0, 1.0),
        ("08800", "2025"): (0.0, 1.0),
    }
    assert "missing is not zero" in panel.note
    assert "'online_share' 1, 'on_time_online' 2, 'via_portal' 1" in panel.note


def test_observations_name_their_first_dossier(h: Hierarchy) -> None:
    d = small(h).to_panel(DEFS, granularity="year").data_of("online_share")
    assert d.row[h.position("08707"), 0] == 0
    assert d.row[h.position("08800"), 1] == 6
    assert d.row[h.position("26"), 0] == -1


def test_quarters_and_months(h: Hierarchy) -> None:
    md = small(h)
    q = md.to_panel({"n": Count("online")}, granularity="quarter")
    assert q.periods == ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q3")
    assert cells(q, "n")[("08707", "2024-Q4")] == (1.0, 1.0)
    m = md.to_panel({"n": Count("online")}, granularity="month")
    assert m.periods[0] == "2024-01"
    assert m.periods[-1] == "2025-08"
    assert len(m.periods) == 7  # 2025-02 is there, its only dossier missing 'online'


def test_zeros_gives_every_commune_every_period(h: Hierarchy) -> None:
    panel = small(h).to_panel(DEFS, granularity="year", zeros=True)
    got = cells(panel, "on_time_online")
    assert len(got) == 3 * 2  # communes only: the dossiers are all at commune level
    assert got[("08800", "2024")] == (0.0, 0.0)
    assert got[("08710", "2025")] == (0.0, 0.0)


def test_no_dossiers_no_observation_without_zeros(h: Hierarchy) -> None:
    panel = small(h).to_panel(DEFS, granularity="year")
    d = panel.data_of("on_time_online")
    assert np.isnan(d.denominator[h.position("08800"), 0])  # not 0 of 0


def test_value_of_a_categorical_and_a_set_of_values(h: Hierarchy) -> None:
    md = small(h)
    panel = md.to_panel(
        {
            "counter_or_post": Count(("channel", ("counter", "post"))),
            "offline_portal": Count(("channel", "portal"), denominator=("online", False)),
            "never": Count(("channel", "fax")),
        },
        granularity="year",
    )
    assert cells(panel, "counter_or_post")[("08707", "2024")] == (1.0, 3.0)
    assert cells(panel, "offline_portal") == {("08707", "2024"): (0.0, 1.0)}
    assert cells(panel, "never")[("08707", "2024")] == (0.0, 3.0)
    assert md.categories("channel") == ("counter", "portal", "post")
    assert md.categories("online") == (False, True)


def test_period_labels_and_dates_in_other_forms(h: Hierarchy) -> None:
    labels = ["2024-Q1", "2024-Q2", "2024-Q2"]
    md = Microdata(h, unit=["08707"] * 3, period=labels, fields={"ok": [1, 0, 1]})
    p = md.to_panel({"ok": Count("ok")})
    assert p.periods == ("2024-Q1", "2024-Q2")
    assert md.to_panel({"ok": Count("ok")}, granularity="year").periods == ("2024",)
    dates = [datetime.date(2024, 1, 5), datetime.datetime(2024, 9, 1, 8, 30), "2024-12-31T23:59"]
    md = Microdata(h, unit=["08707"] * 3, period=dates, fields={"ok": [1, 0, 1]})
    assert cells(md.to_panel({"ok": Count("ok")}, granularity="quarter"), "ok") == {
        ("08707", "2024-Q1"): (1.0, 1.0),
        ("08707", "2024-Q3"): (0.0, 1.0),
        ("08707", "2024-Q4"): (1.0, 1.0),
    }
    years = Microdata(h, unit=["08707"] * 2, period=np.array([2024, 2025]), fields={"ok": [1, 0]})
    assert years.to_panel({"ok": Count("ok")}).periods == ("2024", "2025")


def test_masked_and_integer_fields(h: Hierarchy) -> None:
    online = np.ma.MaskedArray([True, False, True], mask=[False, False, True])
    kind = np.array([3, 7, 3])
    md = Microdata(
        h, unit=["08707"] * 3, period=[2024] * 3, fields={"online": online, "kind": kind}
    )
    p = md.to_panel({"o": Count("online"), "k": Count(("kind", 3))})
    assert cells(p, "o") == {("08707", "2024"): (1.0, 2.0)}
    assert cells(p, "k") == {("08707", "2024"): (2.0, 3.0)}


def test_indicators_are_checked_and_kept(h: Hierarchy) -> None:
    ind = Indicator("online_share", "Tỷ lệ hồ sơ trực tuyến")
    panel = small(h).to_panel(DEFS, granularity="year", indicators=[ind])
    assert panel.indicator("online_share") is ind
    assert panel.value("online_share", "08707", "2024") == pytest.approx(200 / 3)


def test_repr_and_fields(h: Hierarchy) -> None:
    md = small(h)
    assert repr(md) == "Microdata(7 dossiers, 3 units, 3 fields)"
    assert len(md) == 7
    assert md.field_names == ("online", "on_time", "channel")


# --------------------------------------------------------------------------- a law


def _period(date: datetime.date, granularity: str) -> str:
    if granularity == "year":
        return f"{date.year}"
    if granularity == "quarter":
        return f"{date.year}-Q{(date.month - 1) // 3 + 1}"
    return f"{date.year}-{date.month:02d}"


def _holds(value: Any, condition: Any) -> bool | None:
    """Whether one dossier's value meets a condition; None when the value is missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(condition, str):
        return bool(value)
    wanted = condition[1]
    return value in wanted if isinstance(wanted, frozenset) else value == wanted


_DAYS = st.dates(datetime.date(2023, 11, 1), datetime.date(2025, 2, 28))
_DOSSIER = st.tuples(
    st.sampled_from(COMMUNES),
    _DAYS,
    st.sampled_from([True, False, None]),
    st.sampled_from([1.0, 0.0, math.nan]),
    st.sampled_from(["a", "b", "c", None]),
)
_LAW_DEFS = {
    "online": Count("online"),
    "on_time_online": Count("on_time", denominator="online"),
    "a": Count(("channel", "a")),
    "ab_offline": Count(("channel", frozenset({"a", "b"})), denominator=("online", False)),
    "on_time_b": Count("on_time", denominator=("channel", "b")),
}


@given(
    rows=st.lists(_DOSSIER, min_size=1, max_size=40),
    granularity=st.sampled_from(["year", "quarter", "month"]),
)
def test_counts_equal_a_plain_loop_over_dossiers(
    rows: list[tuple[str, datetime.date, Any, float, Any]], granularity: str
) -> None:
    """Every definition's numerator and denominator per unit and period equal a loop over the rows."""
    h = Hierarchy.from_records(UNITS)
    unit, day, online, on_time, channel = (list(c) for c in zip(*rows, strict=True))
    md = Microdata(
        h,
        unit=unit,
        period=[d.isoformat() for d in day],
        fields={"online": online, "on_time": on_time, "channel": channel},
    )
    panel = md.to_panel(_LAW_DEFS, granularity=granularity)
    assert panel.periods == tuple(sorted({_period(d, granularity) for d in day}))
    for code, definition in _LAW_DEFS.items():
        expected: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for u, d, o, t, c in rows:
            values = {"online": o, "on_time": t, "channel": c}
            num = _holds(values[definition.fields[0]], definition.numerator)
            den = (
                True
                if definition.denominator is None
                else _holds(values[definition.fields[-1]], definition.denominator)
            )
            if num is None or den is None or not den:
                continue
            cell = expected[(u, _period(d, granularity))]
            cell[1] += 1
            cell[0] += num
        assert cells(panel, code) == {k: (v[0], v[1]) for k, v in expected.items()}, code


@given(st.lists(st.integers(0, 60_000), min_size=1, max_size=300))
def test_text_factoriser_equals_numpy_unique(codes: list[int]) -> None:
    """Hashing the texts gives np.unique's distinct values and inverse."""
    values = np.array([f"{c:05d}" for c in codes])
    got = _factorize_text(values)
    assert got is not None
    distinct, inverse = np.unique(values, return_inverse=True)
    assert np.array_equal(got[0], distinct)
    assert np.array_equal(got[1], inverse)


def test_text_factoriser_resolves_hash_collisions() -> None:
    # 30,000 distinct codes in 4 M slots collide about a hundred times: several rounds
    values = np.array([f"x{c:06d}" for c in range(30_000)] * 2)
    got = _factorize_text(values)
    assert got is not None
    assert np.array_equal(got[0][got[1]], values)
    assert len(got[0]) == 30_000
    assert _factorize_text(np.array(["a" * 17])) is None  # longer texts: the sorting factoriser
    # a sample of one text before 50,000 others: the table grows round by round
    skewed = np.concatenate(
        [np.full(70_000, "aaaa"), np.array([f"{c:07d}" for c in range(50_000)])]
    )
    got = _factorize_text(skewed)
    assert got is not None
    assert np.array_equal(got[0][got[1]], skewed)
    assert len(got[0]) == 50_001


# --------------------------------------------------------------------------- rolls up


def test_rolled_up_panel_equals_counting_by_district() -> None:
    h = Hierarchy.from_records(UNITS)
    rng = np.random.default_rng(7)
    n = 500
    unit = np.array(COMMUNES)[rng.integers(0, 3, n)]
    dates = np.datetime64("2023-01-01") + rng.integers(0, 730, n)
    online = np.where(rng.random(n) < 0.1, np.nan, rng.random(n) < 0.6)
    on_time = np.ma.MaskedArray(rng.random(n) < 0.7, mask=rng.random(n) < 0.1)
    fields = {"online": online, "on_time": on_time}
    defs = {"online": Count("online"), "on_time_online": Count("on_time", denominator="online")}
    inds = [Indicator(c, c) for c in defs]
    communes = Microdata(h, unit=unit, period=dates, fields=fields)
    districts = Microdata(
        h, unit=[DISTRICT_OF[u] for u in unit.tolist()], period=dates, fields=fields
    )
    by_commune = communes.to_panel(defs, granularity="year", indicators=inds)
    by_district = districts.to_panel(defs, granularity="year", indicators=inds)
    for code in defs:
        r = rollup(by_commune, code, scope="tier:commune", rule="ratio_of_sums")
        direct = by_district.data_of(code).values(100.0)
        for district in ("243", "244"):
            i = h.position(district)
            np.testing.assert_allclose(r.value[i], direct[i], rtol=1e-12)


# --------------------------------------------------------------------------- errors


def test_unknown_units_are_named_by_row(h: Hierarchy) -> None:
    with pytest.raises(PanelError) as err:
        Microdata(h, unit=["08707", "99999", "", "99999"], period=[2024] * 4, fields={})
    assert err.value.kinds == ("unknown_unit",)
    assert [p.row for p in err.value.problems] == [1, 2, 3]
    assert err.value.problems[0].message == "unit '99999' is not in the hierarchy"
    assert err.value.problems[1].message == "no unit code"


def test_bad_dates_are_named_by_row(h: Hierarchy) -> None:
    with pytest.raises(PanelError) as err:
        Microdata(h, unit=["08707"] * 3, period=["2024-02-30", "2024-01-01", None], fields={})
    assert [(p.row, p.field, p.kind) for p in err.value.problems] == [
        (0, "period", "bad_period"),
        (2, "period", "bad_period"),
    ]
    assert err.value.problems[0].message == "not a date or period: '2024-02-30'"
    nat = np.array(["2024-01-01", "NaT"], dtype="M8[D]")
    with pytest.raises(PanelError, match="row 1, field 'period': no date"):
        Microdata(h, unit=["08707"] * 2, period=nat, fields={})


def test_unit_and_date_problems_together(h: Hierarchy) -> None:
    with pytest.raises(PanelError) as err:
        Microdata(h, unit=["1", "08707"], period=["2024", "soon"], fields={"x": [1, 0]})
    assert [(p.row, p.field) for p in err.value.problems] == [(0, "unit"), (1, "period")]


def test_fields_of_different_lengths(h: Hierarchy) -> None:
    with pytest.raises(PanelError) as err:
        Microdata(h, unit=["08707"] * 2, period=[2024] * 3, fields={"a": [1, 0], "b": [1]})
    assert err.value.kinds == ("length_mismatch",)
    assert [p.field for p in err.value.problems] == ["period", "b"]


def test_an_undefined_field_in_a_definition(h: Hierarchy) -> None:
    with pytest.raises(DefinitionError, match="definition 'x': no field 'onlin' in the microdata"):
        small(h).to_panel({"x": Count("onlin")}, granularity="year")
    with pytest.raises(DefinitionError, match="no field 'nope'"):
        small(h).to_panel({"x": Count("online", denominator="nope")}, granularity="year")
    with pytest.raises(DefinitionError, match="no field 'nope'"):
        small(h).categories("nope")


def test_a_non_boolean_field_used_as_a_condition(h: Hierarchy) -> None:
    with pytest.raises(DefinitionError, match="field 'channel' is not boolean") as err:
        small(h).to_panel({"x": Count("channel")}, granularity="year")
    assert err.value.code == "x"
    with pytest.raises(DefinitionError, match="field 'k' is not boolean"):
        Microdata(h, unit=["08707"], period=[2024], fields={"k": [2]}).to_panel({"k": Count("k")})


@pytest.mark.parametrize("bad", ["", 3, ("channel",), ("", "x"), ("channel", None)])
def test_a_malformed_count(bad: Any) -> None:
    with pytest.raises(DefinitionError, match="Count: numerator must be"):
        Count(bad)
    with pytest.raises(DefinitionError, match="Count: denominator must be"):
        Count("online", denominator=bad)


def test_bad_arguments(h: Hierarchy) -> None:
    md = small(h)
    with pytest.raises(ArgumentTypeError):
        md.to_panel({"x": "online"}, granularity="year")  # type: ignore[dict-item]
    with pytest.raises(DefinitionError, match="non-empty mapping"):
        md.to_panel({}, granularity="year")
    with pytest.raises(DefinitionError, match="granularity must be one of"):
        md.to_panel(DEFS, granularity="week")
    with pytest.raises(ArgumentTypeError):
        Microdata("h", unit=[], period=[], fields={})  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="'fields' must be a mapping"):
        Microdata(h, unit=[], period=[], fields=["a"])  # type: ignore[arg-type]


def test_dates_need_a_granularity(h: Hierarchy) -> None:
    with pytest.raises(PanelError, match="the periods are dates: pass granularity="):
        small(h).to_panel(DEFS)
    mixed = Microdata(h, unit=["08707"] * 2, period=["2024", "2024-Q1"], fields={"a": [1, 0]})
    with pytest.raises(PanelError, match="the periods are years and quarters"):
        mixed.to_panel({"a": Count("a")})


def test_a_period_coarser_than_the_granularity(h: Hierarchy) -> None:
    md = Microdata(
        h, unit=["08707"] * 3, period=["2024-05-01", "2024", "2025-Q1"], fields={"a": [1, 1, 0]}
    )
    with pytest.raises(PanelError) as err2:
        md.to_panel({"a": Count("a")}, granularity="month")
    assert [(p.row, p.kind) for p in err2.value.problems] == [
        (1, "coarse_period"),
        (2, "coarse_period"),
    ]
    assert err2.value.problems[0].message == (
        "period '2024' is coarser than a month: it cannot be counted by month"
    )


# --------------------------------------------------------------------------- readers


def test_from_frame_pandas_polars_and_arrow(h: Hierarchy) -> None:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    frame = pd.DataFrame(
        {
            "unit": ROWS["unit"],
            "date": pd.to_datetime(ROWS["date"]),
            "online": pd.array(ROWS["online"], dtype="boolean"),
            "on_time": ROWS["on_time"],
            "channel": ROWS["channel"],
        }
    )
    want = small(h).to_panel(DEFS, granularity="year")
    for f in (frame, pl.from_pandas(frame), pa.Table.from_pandas(frame)):
        md = Microdata.from_frame(
            f, h, unit="unit", period="date", fields=["online", "on_time", "channel"]
        )
        got = md.to_panel(DEFS, granularity="year")
        for code in DEFS:
            assert cells(got, code) == cells(want, code)


def test_from_frame_errors(h: Hierarchy) -> None:
    import pandas as pd

    with pytest.raises(ArgumentTypeError, match="must be a data frame"):
        Microdata.from_frame([1, 2], h, unit="u", period="p", fields=[])
    frame = pd.DataFrame({"unit": ["08707", None], "date": ["2024-01-01", "2024-01-02"]})
    with pytest.raises(PanelError, match="missing column"):
        Microdata.from_frame(frame, h, unit="unit", period="date", fields=["online"])
    with pytest.raises(PanelError, match="row 1, field 'unit': no unit code"):
        Microdata.from_frame(frame, h, unit="unit", period="date", fields=[])


def test_from_csv(h: Hierarchy, tmp_path: Path) -> None:
    f = tmp_path / "dossiers.csv"
    lines = ["unit,date,online,on_time,channel"]
    for i in range(7):
        o = {True: "true", False: "false", None: ""}[ROWS["online"][i]]
        t = "" if math.isnan(ROWS["on_time"][i]) else str(int(ROWS["on_time"][i]))
        c = ROWS["channel"][i] or ""
        lines.append(f"{ROWS['unit'][i]},{ROWS['date'][i]},{o},{t},{c}")
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    md = Microdata.from_csv(
        f, h, unit="unit", period="date", fields=["online", "on_time", "channel"]
    )
    got = md.to_panel(DEFS, granularity="year")
    want = small(h).to_panel(DEFS, granularity="year")
    for code in DEFS:
        assert cells(got, code) == cells(want, code)
    assert got.data_of("online_share").row[h.position("08707"), 0] == 2  # the spreadsheet row
    with pytest.raises(PanelError, match="missing column"):
        Microdata.from_csv(f, h, unit="unit", period="day", fields=[])


def test_vietnamese_categories(h: Hierarchy) -> None:
    channel = np.array(["Cổng", "Bưu điện", "Cổng dịch vụ công quốc gia", "Cổng", ""])
    md = Microdata(h, unit=["08707"] * 5, period=[2024] * 5, fields={"channel": channel})
    assert md.categories("channel") == ("Bưu điện", "Cổng", "Cổng dịch vụ công quốc gia")
    p = md.to_panel({"c": Count(("channel", "Cổng"))})
    assert cells(p, "c") == {("08707", "2024"): (2.0, 4.0)}
    short = _factorize_text(np.array(["Cổng", "Bưu", "Cổng"]))  # four characters: two words
    assert short is not None
    assert short[0].tolist() == ["Bưu", "Cổng"]
    assert short[1].tolist() == [1, 0, 1]
