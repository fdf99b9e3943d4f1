"""cchc_indicators.dask: partition states merged in a tree equal the single-machine roll-up (issue 14 §6).

Every test runs on a :class:`distributed.LocalCluster` of two worker processes
(one thread each), started once for the module; the large-data test starts its
own cluster with a per-worker memory limit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
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
)
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    RuleMismatchError,
    UnknownIndicatorError,
    UnknownLevelError,
)
from cchc_indicators.datasets import units, vinh_phuc_units
from cchc_indicators.testing import (
    assert_rollup_equal,
    hierarchy_records,
    indicators,
    panel_records,
)

dask = pytest.importorskip("dask", reason="cchc_indicators.dask needs the dask extra (dask)")
dd = pytest.importorskip(
    "dask.dataframe", reason="cchc_indicators.dask needs the dask extra (dask[dataframe])"
)
distributed = pytest.importorskip(
    "distributed", reason="the tests run on a distributed.LocalCluster (the dask extra)"
)
pd = pytest.importorskip("pandas", reason="partitions are pandas frames")
pa = pytest.importorskip("pyarrow", reason="Panel.from_frame reads through pyarrow")
pq = pytest.importorskip("pyarrow.parquet", reason="the large-data test writes Parquet")

from cchc_indicators import dask as cd  # noqa: E402  (after the skips: needs the extra)

Record = dict[str, Any]
COLUMNS = ["indicator", "unit", "period", "value", "numerator", "denominator", "weight"]
H = vinh_phuc_units()
COMMUNES = list(H.codes[H.level_slice("commune")])
DISTRICTS = list(H.codes[H.level_slice("district")])
FILES = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")  # percent, ratio_of_sums
SCORE = Indicator("score", "Điểm", measure=measures.score(0, 100))  # mean
STAFF = Indicator("staff", "Biên chế", measure=measures.count())  # sum
ALL = [FILES, SCORE, STAFF]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes of one thread: tasks really move between processes."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def frame(records: Sequence[Record]) -> Any:
    """A pandas frame of the long layout (every column; missing numbers NaN)."""
    columns: dict[str, Any] = {c: [r.get(c) for r in records] for c in COLUMNS}
    out = pd.DataFrame(columns, columns=COLUMNS)
    out[COLUMNS[:3]] = out[COLUMNS[:3]].astype(str)
    out[COLUMNS[3:]] = out[COLUMNS[3:]].astype(np.float64)
    return out


def partitioned(whole: Any, labels: Sequence[int], k: int) -> Any:
    """A Dask frame whose partition i holds the rows labelled i (in order; some may be empty)."""
    chunks = [whole[np.asarray(labels) == i].reset_index(drop=True) for i in range(k)]
    return dd.from_delayed([dask.delayed(c) for c in chunks], meta=whole.iloc[:0])


def national_like(seed: int = 0) -> Any:
    """Whole-number observations of the three indicators on Vĩnh Phúc, 2022-2025.

    Communes report parts (some 0 of 0, some missing), districts a few scores,
    and staff counts everywhere; rows sorted by period, so contiguous
    partitions see different periods.
    """
    rng = np.random.default_rng(seed)
    rows: list[Record] = []
    for year in (2022, 2023, 2024, 2025):
        for u in COMMUNES:
            if rng.random() < 0.8:
                den = int(rng.integers(0, 30))
                num = int(rng.integers(0, den + 1))
                rows.append(
                    {
                        "indicator": "files",
                        "unit": u,
                        "period": year,
                        "numerator": num,
                        "denominator": den,
                    }
                )
            rows.append(
                {"indicator": "staff", "unit": u, "period": year, "value": int(rng.integers(0, 40))}
            )
        rows.extend(
            {"indicator": "score", "unit": u, "period": year, "value": int(rng.integers(0, 101))}
            for u in DISTRICTS + COMMUNES[::7]
            if rng.random() < 0.7
        )
    return frame(rows)


def single(whole: Any, ind: Indicator, h: Hierarchy = H, **kwargs: Any) -> Any:
    """The single-machine result the Dask one must equal."""
    return rollup(Panel.from_frame(whole, h, indicators=[ind]), ind, **kwargs)


def single_error(whole: Any, ind: Indicator, h: Hierarchy = H, **kwargs: Any) -> PanelError:
    with pytest.raises(PanelError) as err:
        single(whole, ind, h, **kwargs)
    return err.value


def dask_error(ddf: Any, ind: Indicator, h: Hierarchy = H, **kwargs: Any) -> PanelError:
    with pytest.raises(PanelError) as err:
        cd.rollup(ddf, h, ind, indicators=[ind], **kwargs)
    return err.value


# ---------------------------------------------------------------------- equality


class TestEqualsSingleMachine:
    @pytest.mark.parametrize(
        ("ind", "rule"),
        [
            (FILES, None),  # ratio_of_sums
            (FILES, "share_meeting(>= 60)"),
            (FILES, "mean"),
            (SCORE, None),  # mean
            (SCORE, "share_meeting(>= 60)"),
            (SCORE, "max"),
            (STAFF, None),  # sum
            (STAFF, "mean"),
        ],
    )
    @pytest.mark.parametrize("scope", ["own", "territory", "tier:commune", "tier:district"])
    def test_rules_and_scopes(
        self, client: Any, ind: Indicator, rule: str | None, scope: str
    ) -> None:
        """Seven partitions of different periods give exactly the one-machine result."""
        whole = national_like()
        ddf = dd.from_pandas(whole, npartitions=7, sort=False)
        got = cd.rollup(ddf, H, ind, scope=scope, rule=rule, indicators=ALL)
        want = rollup(Panel.from_frame(whole, H, indicators=ALL), ind, scope=scope, rule=rule)
        # exact, except a mean of fractional percents, added in another order
        assert_rollup_equal(got, want, rtol=1e-12 if (ind, rule) == (FILES, "mean") else 0)
        assert got.periods == ("2022", "2023", "2024", "2025")

    def test_a_code_with_its_definition_and_min_coverage(self, client: Any) -> None:
        """The indicator by code, defined by indicators=; min_coverage applies to the merged state."""
        whole = national_like(1)
        ddf = dd.from_pandas(whole, npartitions=5, sort=False)
        got = cd.rollup(ddf, H, "files", scope="tier:commune", indicators=ALL, min_coverage=0.85)
        want = rollup(
            Panel.from_frame(whole, H, indicators=ALL),
            "files",
            scope="tier:commune",
            min_coverage=0.85,
        )
        assert_rollup_equal(got, want, rtol=0)
        assert "below_min_coverage" in {r["reason"] for r in got.to_records("district")}

    @pytest.mark.parametrize("split_every", [2, 3, 100])
    def test_rollup_all_in_one_pass(self, client: Any, split_every: int) -> None:
        """Every indicator of one pass equals its own single-machine roll-up, whatever the tree's fan-in."""
        whole = national_like(2)
        ddf = dd.from_pandas(whole, npartitions=9, sort=False)
        got = cd.rollup_all(ddf, H, ALL, scope="territory", split_every=split_every)
        assert list(got) == ["files", "score", "staff"]
        panel = Panel.from_frame(whole, H, indicators=ALL)
        for ind in ALL:
            assert_rollup_equal(got[ind.code], rollup(panel, ind), rtol=0)

    def test_hand_computed_values(self, client: Any) -> None:
        """Two communes of Vĩnh Yên in two partitions: (45 + 30) / (50 + 50) = 75 %."""
        whole = frame(
            [
                {
                    "indicator": "files",
                    "unit": "08707",
                    "period": "2024",
                    "numerator": 45,
                    "denominator": 50,
                },
                {
                    "indicator": "files",
                    "unit": "08710",
                    "period": "2024",
                    "numerator": 30,
                    "denominator": 50,
                },
            ]
        )
        r = cd.rollup(
            dd.from_pandas(whole, npartitions=2, sort=False), H, FILES, scope="tier:commune"
        )
        assert r.get("243", 2024) == 75.0
        assert r.row("243", 2024)["n_with_data"] == 2
        assert r.get("26", 2024) == 75.0

    def test_partitions_without_the_indicator_and_empty_ones(self, client: Any) -> None:
        """A partition holding only other indicators, and an empty one, add nothing."""
        whole = national_like(3)
        labels = np.where(whole["indicator"] == "files", 0, 2)  # partition 1 is empty
        got = cd.rollup(partitioned(whole, labels.tolist(), 3), H, FILES, indicators=ALL)
        want = rollup(Panel.from_frame(whole, H, indicators=ALL), FILES)
        assert_rollup_equal(got, want, rtol=0)

    def test_other_columns_are_not_read(self, client: Any) -> None:
        """An extra column (here text that is not a number) is ignored, as projection drops it."""
        whole = national_like(4).assign(note="x")
        got = cd.rollup(dd.from_pandas(whole, npartitions=3), H, STAFF)
        assert_rollup_equal(got, rollup(Panel.from_frame(whole, H), STAFF), rtol=0)


def _exact(ind: Indicator) -> bool:
    """Whether the rule's state adds up whole numbers only (so merging is exact)."""
    return not (ind.measure.kind == "ratio" and ind.rule.name in ("mean", "weighted_mean"))


@st.composite
def partitioned_cases(
    draw: st.DrawFn,
) -> tuple[Hierarchy, Indicator, list[Record], str, list[int], int]:
    levels = draw(st.sampled_from((DEFAULT_LEVELS, TWO_TIER_LEVELS)))
    h = Hierarchy.from_records(draw(hierarchy_records(levels)), levels=levels)
    ind = draw(indicators())
    records = draw(panel_records(h, ind, parts=None, min_size=1, integer_values=True))
    kind = draw(st.sampled_from(["own", "territory", "tier"]))
    scope = f"tier:{draw(st.sampled_from(levels))}" if kind == "tier" else kind
    k = draw(st.integers(1, 5))
    labels = draw(st.lists(st.integers(0, k - 1), min_size=len(records), max_size=len(records)))
    return h, ind, records, scope, labels, k


@settings(max_examples=15, deadline=None)
@given(partitioned_cases())
def test_partitioned_rollup_equals_single_machine_rollup(
    client: Any, case: tuple[Hierarchy, Indicator, list[Record], str, list[int], int]
) -> None:
    """Any partition of the rows (some partitions empty) rolls up to the single-machine result."""
    h, ind, records, scope, labels, k = case
    whole = frame(records)
    panel = Panel.from_frame(whole, h, indicators=[ind])
    if ind.rule.needs_parts and scope != "own" and panel.data_of(ind.code).any_bare_value:
        # a bare value under ratio_of_sums: refused with the same problems (if in scope)
        with pytest.raises(PanelError) as one:
            rollup(panel, ind, scope=scope)
        assert dask_error(partitioned(whole, labels, k), ind, h, scope=scope).problems == (
            one.value.problems
        )
        return
    want = rollup(panel, ind, scope=scope)
    got = cd.rollup(partitioned(whole, labels, k), h, ind, scope=scope, indicators=[ind])
    assert_rollup_equal(got, want, rtol=0 if _exact(ind) else 1e-9)


# ---------------------------------------------------------------------- refusals


def _rows(n: int, period: str = "2024") -> list[Record]:
    return [
        {
            "indicator": "files",
            "unit": COMMUNES[i],
            "period": period,
            "numerator": 1,
            "denominator": 2,
        }
        for i in range(n)
    ]


class TestRefusals:
    def test_a_duplicate_across_partitions_is_refused(self, client: Any) -> None:
        """Rows 1 and 5 give the same cell in partitions 0 and 2: named with whole-frame rows."""
        rows = _rows(6)
        rows[5] = {**rows[1], "numerator": 2}  # the same (files, commune 1, 2024) again
        whole = frame(rows)
        err = dask_error(partitioned(whole, [0, 0, 1, 1, 2, 2], 3), FILES)
        assert err.kinds == ("duplicate_key",)
        (p,) = err.problems
        assert (p.row, p.field) == (5, "period")
        assert p.message == (
            f"duplicate observation of ('files', {COMMUNES[1]!r}, '2024'); first given in row 1"
        )
        assert err.problems == single_error(whole, FILES).problems

    def test_a_cell_in_three_partitions_names_every_repeat(self, client: Any) -> None:
        """Three copies in three partitions: two problems, both pointing at the first row."""
        rows = _rows(3)
        whole = frame([rows[0], rows[1], rows[0], rows[2], rows[0]])
        err = dask_error(partitioned(whole, [0, 0, 1, 1, 2], 3), FILES)
        assert [p.row for p in err.problems] == [2, 4]
        assert all(p.message.endswith("first given in row 0") for p in err.problems)
        assert err.problems == single_error(whole, FILES).problems

    def test_duplicates_in_both_halves_of_the_tree(self, client: Any) -> None:
        """Pairs (0, 1) and (2, 3) each repeat a cell; merged two at a time, all are named."""
        rows = _rows(4)
        whole = frame([rows[0], rows[1], rows[0], rows[1], rows[2], rows[3], rows[2], rows[3]])
        err = dask_error(partitioned(whole, [0, 0, 1, 1, 2, 2, 3, 3], 4), FILES, split_every=2)
        assert [p.row for p in err.problems] == [2, 3, 6, 7]
        assert err.problems == single_error(whole, FILES).problems

    def test_a_duplicate_inside_one_partition_names_whole_frame_rows(self, client: Any) -> None:
        """The partition's own reader finds it; both rows it names are shifted to the whole frame."""
        rows = _rows(5)
        whole = frame([*rows, rows[4]])
        err = dask_error(partitioned(whole, [0, 0, 0, 1, 1, 1], 2), FILES)
        (p,) = err.problems
        assert p.row == 5
        assert p.message.endswith("first given in row 4")
        assert err.problems == single_error(whole, FILES).problems

    def test_a_bad_row_in_a_partition_is_refused(self, client: Any) -> None:
        """An unknown unit and a negative weight in partition 2: their rows in the whole frame."""
        rows = _rows(8)
        rows[5]["unit"] = "99999"
        rows[7]["weight"] = -1
        whole = frame(rows)
        err = dask_error(dd.from_pandas(whole, npartitions=3, sort=False), FILES)
        assert [(p.row, p.kind) for p in err.problems] == [
            (5, "unknown_unit"),
            (7, "negative_weight"),
        ]
        assert err.problems == single_error(whole, FILES).problems
        assert err.source == "<frame>"

    def test_problems_of_several_partitions_in_one_error(self, client: Any) -> None:
        """Bad rows in partitions 0 and 1, a duplicate across 2 and 3: one error, in row order."""
        rows = _rows(12)
        rows[1]["unit"] = "x"
        rows[4]["numerator"] = 3  # 3 of 2 in a percent
        rows[10] = {**rows[7]}
        whole = frame(rows)
        err = dask_error(dd.from_pandas(whole, npartitions=4, sort=False), FILES, source="obs")
        assert [p.row for p in err.problems] == [1, 4, 10]
        assert err.problems == single_error(whole, FILES).problems
        assert str(err).startswith("obs: 3 problems")

    def test_a_duplicate_in_a_refused_partition_waits_for_the_next_run(self, client: Any) -> None:
        """A partition with bad rows gives no cells: a duplicate with it is named once the rows are fixed."""
        rows = _rows(9)
        rows[8] = {**rows[4]}
        rows[6]["numerator"] = 3  # partition 2 (rows 6-8) is refused
        whole = frame(rows)
        ddf = dd.from_pandas(whole, npartitions=3, sort=False)
        assert [p.row for p in dask_error(ddf, FILES).problems] == [6]
        assert [p.row for p in single_error(whole, FILES).problems] == [6, 8]
        rows[6]["numerator"] = 1
        ddf = dd.from_pandas(frame(rows), npartitions=3, sort=False)
        assert [p.kind for p in dask_error(ddf, FILES).problems] == ["duplicate_key"]

    def test_a_value_without_parts_under_ratio_of_sums(self, client: Any) -> None:
        """The engine's own refusal (in the partition's state) names the whole frame's row."""
        rows = _rows(6)
        rows[4] = {"indicator": "files", "unit": COMMUNES[4], "period": "2024", "value": 50}
        whole = frame(rows)
        err = dask_error(dd.from_pandas(whole, npartitions=3, sort=False), FILES)
        assert [(p.row, p.kind) for p in err.problems] == [(4, "value_without_parts")]
        assert err.problems == single_error(whole, FILES).problems

    def test_more_problems_than_listed(self, client: Any) -> None:
        """1,500 unknown units over three partitions: 1,000 named, the rest counted, as on one machine."""
        whole = frame(
            [
                {"indicator": "files", "unit": f"u{i}", "period": "2024", "value": 1}
                for i in range(1500)
            ]
        )
        err = dask_error(dd.from_pandas(whole, npartitions=3, sort=False), FILES)
        assert len(err.problems) == 1001
        assert err.problems[-1].message == "... 500 more problems not listed"
        assert err.problems == single_error(whole, FILES).problems

    def test_a_truncated_partition_is_counted(self, client: Any) -> None:
        """One partition alone past the limit: its count of the unlisted is kept."""
        whole = frame(
            [
                {"indicator": "files", "unit": f"u{i}", "period": "2024", "value": 1}
                for i in range(1200)
            ]
        )
        err = dask_error(partitioned(whole, [0] * 1100 + [1] * 100, 2), FILES)
        assert err.problems[-1].message == "... 200 more problems not listed"
        assert err.problems == single_error(whole, FILES).problems

    def test_a_text_number_column_is_named_once(self, client: Any) -> None:
        """Every partition says the column is not numeric: one problem, as on one machine."""
        whole = frame(_rows(4)).assign(weight="heavy")
        err = dask_error(dd.from_pandas(whole, npartitions=2, sort=False), FILES)
        assert err.kinds == ("not_a_number",)
        assert err.problems == single_error(whole, FILES).problems

    def test_a_missing_column_is_refused_before_reading(self, client: Any) -> None:
        """No period column: the message of Panel.from_frame."""
        whole = frame(_rows(2)).drop(columns="period")
        err = dask_error(dd.from_pandas(whole, npartitions=1), FILES)
        assert err.kinds == ("missing_column",)
        assert err.problems == single_error(whole, FILES).problems

    def test_an_indicator_without_data(self, client: Any) -> None:
        """No row of the indicator anywhere: UnknownIndicatorError, as on one machine."""
        ddf = dd.from_pandas(frame(_rows(3)), npartitions=2)
        with pytest.raises(
            UnknownIndicatorError, match="indicator 'staff' is not in the panel; it holds 'files'"
        ):
            cd.rollup(ddf, H, STAFF)

    def test_a_code_without_definition(self, client: Any) -> None:
        ddf = dd.from_pandas(frame(_rows(3)), npartitions=2)
        with pytest.raises(UnknownIndicatorError, match="no definition of indicator 'files'"):
            cd.rollup(ddf, H, "files")

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"rule": "any"}, RuleMismatchError, "any"),
            ({"scope": "tier:hamlet"}, UnknownLevelError, "hamlet"),
            ({"min_coverage": 2}, DefinitionError, "min_coverage"),
            ({"split_every": 1}, DefinitionError, "split_every"),
            ({"split_every": True}, DefinitionError, "split_every"),
        ],
    )
    def test_bad_arguments_are_refused(
        self, client: Any, kwargs: dict[str, Any], error: type[Exception], match: str
    ) -> None:
        """Checked on the client, before any partition is read."""
        ddf = dd.from_pandas(frame(_rows(3)), npartitions=2)
        with pytest.raises(error, match=match):
            cd.rollup(ddf, H, FILES, **kwargs)

    def test_not_a_dask_frame(self) -> None:
        with pytest.raises(ArgumentTypeError, match="'frame' must be a Dask DataFrame"):
            cd.rollup(frame(_rows(1)), H, FILES)

    def test_not_an_indicator(self, client: Any) -> None:
        with pytest.raises(ArgumentTypeError, match="'indicator' must be an Indicator"):
            cd.rollup(dd.from_pandas(frame(_rows(1)), npartitions=1), H, 7)  # type: ignore[arg-type]

    def test_rollup_all_of_nothing(self, client: Any) -> None:
        with pytest.raises(DefinitionError, match="names no indicator"):
            cd.rollup_all(dd.from_pandas(frame(_rows(1)), npartitions=1), H, [])


# ---------------------------------------------------------------------- beyond one worker's memory


def _write_national(folder: Path, files: int) -> tuple[Hierarchy, int]:
    """One Parquet file per indicator: every commune of Việt Nam x 12 months, whole parts."""
    h = units("national-2024")
    communes = np.asarray(h.codes[h.level_slice("commune")])
    months = np.array([f"2024-{m:02d}" for m in range(1, 13)])
    rng = np.random.default_rng(14)
    unit = np.repeat(communes, len(months))
    period = np.tile(months, len(communes))
    for k in range(files):
        den = rng.integers(0, 200, len(unit)).astype(np.float64)
        num = np.floor(den * rng.random(len(unit)))
        table = pa.table(
            {
                "indicator": pa.array(np.full(len(unit), f"work_files_processed_online_{k:02d}")),
                "unit": unit,
                "period": period,
                "numerator": num,
                "denominator": den,
                "weight": rng.integers(1, 5, len(unit)).astype(np.float64),
            }
        )
        pq.write_table(table, folder / f"part-{k:02d}.parquet")
    return h, len(unit) * files


def test_data_larger_than_a_workers_memory(tmp_path: Path) -> None:
    """48 Parquet partitions, 5.8 M rows, about 500 MB in memory, through workers limited to 450 MB.

    Each file holds one indicator for the 10,051 communes of the 2024
    national list x 12 months (120,612 rows, about 10 MB as a pandas frame).
    The nanny restarts a worker whose memory passes 95 % of its limit (a
    worker that dies four times fails the roll-up), so the roll-up succeeds
    only if partitions stream through the workers; spilling and pausing are
    off, as they would only hide or stall that. The limit is 450 MB, not
    less: a worker's Python, pandas, pyarrow, Dask and this library take
    160-240 MB before it reads any data. About 30 s.
    """
    h, n_rows = _write_national(tmp_path, 48)
    ddf = dd.read_parquet(tmp_path)
    ind = Indicator("work_files_processed_online_07", "Hồ sơ xử lý trực tuyến")
    quiet = {f"distributed.worker.memory.{k}": False for k in ("target", "spill", "pause")}
    with dask.config.set(quiet):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit="450MB",
            dashboard_address=None,
        )
    with cluster, distributed.Client(cluster) as c:
        limit = min(w["memory_limit"] for w in c.scheduler_info()["workers"].values())
        pids = sorted(c.run(os.getpid).values())
        in_memory = int(ddf.memory_usage(deep=True).sum().compute())
        got = cd.rollup(ddf, h, ind, scope="tier:commune", rule="share_meeting(>= 60)")
        every = cd.rollup(ddf, h, ind, scope="territory")
        rss = c.run(lambda: __import__("psutil").Process().memory_info().rss)
        print(f"worker memory after the roll-ups: {sorted(rss.values())}, data {in_memory}")
        assert sorted(c.run(os.getpid).values()) == pids  # no worker was restarted
    assert limit == 450_000_000
    assert in_memory > limit
    assert n_rows == 48 * 10051 * 12
    whole = pq.read_table(tmp_path)
    panel = Panel.from_frame(whole, h)
    assert_rollup_equal(
        got, rollup(panel, ind, scope="tier:commune", rule="share_meeting(>= 60)"), rtol=0
    )
    assert_rollup_equal(every, rollup(panel, ind, scope="territory"), rtol=0)


# ---------------------------------------------------------------------- dossier microdata


def dossiers(n: int = 3000, seed: int = 5) -> Any:
    """Dossiers of Vĩnh Phúc's communes over 2023-2024, a commune's dossiers in every partition."""
    rng = np.random.default_rng(seed)
    days = np.datetime64("2023-01-01") + rng.integers(0, 730, n).astype("m8[D]")
    on_time = rng.random(n) < 0.8
    return pd.DataFrame(
        {
            "commune": np.asarray(COMMUNES)[rng.integers(0, len(COMMUNES), n)],
            "received": days,
            "online": rng.random(n) < 0.6,
            "on_time": pd.array(np.where(rng.random(n) < 0.05, None, on_time), dtype="boolean"),
        }
    )


ONLINE = Indicator("online", "Hồ sơ trực tuyến")
ON_TIME = Indicator("on_time_online", "Hồ sơ trực tuyến đúng hạn")


class TestMicrodata:
    DEFINITIONS: ClassVar[dict[str, Any]] = {}

    @pytest.fixture(autouse=True)
    def _definitions(self) -> None:
        from cchc_indicators.data.microdata import Count

        self.DEFINITIONS = {
            "online": Count("online"),
            "on_time_online": Count("on_time", denominator="online"),
        }

    def single(self, whole: Any, **kwargs: Any) -> dict[str, Any]:
        from cchc_indicators.data.microdata import Microdata

        md = Microdata.from_frame(
            whole, H, unit="commune", period="received", fields=["online", "on_time"]
        )
        panel = md.to_panel(
            self.DEFINITIONS,
            granularity=kwargs.pop("granularity", "quarter"),
            indicators=[ONLINE, ON_TIME],
        )
        return {code: rollup(panel, code, **kwargs) for code in self.DEFINITIONS}

    def dask(self, ddf: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("granularity", "quarter")
        return cd.rollup_microdata(
            ddf,
            H,
            self.DEFINITIONS,
            [ONLINE, ON_TIME],
            unit="commune",
            period="received",
            fields=["online", "on_time"],
            **kwargs,
        )

    @pytest.mark.parametrize(
        ("scope", "rule", "by_date"),
        [
            ("territory", None, False),
            ("tier:commune", "share_meeting(>= 60)", False),
            ("own", None, False),
            ("territory", None, True),
        ],
    )
    def test_counts_add_across_partitions(
        self, client: Any, scope: str, rule: str | None, by_date: bool
    ) -> None:
        """A commune's dossiers spread over 6 partitions (by date: each sees other quarters)."""
        whole = dossiers()
        if by_date:
            whole = whole.sort_values("received", ignore_index=True)
        got = self.dask(dd.from_pandas(whole, npartitions=6, sort=False), scope=scope, rule=rule)
        want = self.single(whole, scope=scope, rule=rule)
        for code in self.DEFINITIONS:
            assert_rollup_equal(got[code], want[code], rtol=0)
        assert got["online"].periods[0] == "2023-Q1"

    def test_hand_computed(self, client: Any) -> None:
        """4 dossiers of Vĩnh Yên in two partitions, 3 online: 75 %; 2 of those on time: 66.7 %."""
        whole = pd.DataFrame(
            {
                "commune": ["08707", "08707", "08710", "08707"],
                "received": pd.to_datetime(
                    ["2024-01-05", "2024-03-02", "2024-05-20", "2024-11-30"]
                ),
                "online": [True, False, True, True],
                "on_time": pd.array([True, True, False, True], dtype="boolean"),
            }
        )
        out = self.dask(dd.from_pandas(whole, npartitions=2, sort=False), granularity="year")
        assert out["online"].get("243", 2024) == 75.0
        assert out["on_time_online"].get("243", 2024) == pytest.approx(200 / 3)

    def test_a_bad_dossier_names_its_whole_frame_row(self, client: Any) -> None:
        """An unknown commune in the third partition: the row of the whole frame."""
        whole = dossiers(90)
        whole.loc[70, "commune"] = "99999"
        with pytest.raises(PanelError) as err:
            self.dask(dd.from_pandas(whole, npartitions=3, sort=False))
        assert [(p.row, p.kind) for p in err.value.problems] == [(70, "unknown_unit")]

    def test_a_missing_column(self, client: Any) -> None:
        with pytest.raises(PanelError, match="missing column"):
            self.dask(dd.from_pandas(dossiers(10).drop(columns="on_time"), npartitions=1))

    def test_definitions_must_be_given_and_defined(self, client: Any) -> None:
        ddf = dd.from_pandas(dossiers(10), npartitions=1)
        with pytest.raises(DefinitionError, match="non-empty mapping"):
            cd.rollup_microdata(ddf, H, {}, [ONLINE], unit="commune", period="received", fields=[])
        with pytest.raises(UnknownIndicatorError, match="on_time_online"):
            cd.rollup_microdata(
                ddf,
                H,
                self.DEFINITIONS,
                [ONLINE],
                unit="commune",
                period="received",
                fields=["online", "on_time"],
            )


# ---------------------------------------------------------------------- in one process


@pytest.fixture
def in_one_process() -> Iterator[None]:
    """Dask's synchronous scheduler: the partition code runs here, where coverage sees it."""
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.mark.usefixtures("in_one_process")
class TestRefusalsInOneProcess(TestRefusals):
    """The refusals again, with every task run in the calling thread."""


@pytest.mark.usefixtures("in_one_process")
class TestMicrodataInOneProcess(TestMicrodata):
    """The microdata tests again, with every task run in the calling thread."""

    def test_a_bad_dossier_with_a_sound_partition(self) -> None:
        """Partition 0 is sound, partition 1 refused: the merge keeps the problem only."""
        whole = dossiers(40)
        whole.loc[30, "received"] = pd.NaT
        whole.loc[31, "commune"] = "x"
        with pytest.raises(PanelError) as err:
            self.dask(dd.from_pandas(whole, npartitions=2, sort=False))
        assert [(p.row, p.field) for p in err.value.problems] == [(30, "period"), (31, "unit")]
