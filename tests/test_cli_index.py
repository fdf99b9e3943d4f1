"""Tests of the `cchc index` command (cchc_indicators.cli._index): outputs, options, bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import DefinitionError, InvalidDataError, composite, datasets
from cchc_indicators import uncertainty as uncertainty_module
from cchc_indicators.cli import main
from cchc_indicators.cli._index import (
    COMPOSITE_KEYS,
    INTERVAL_KEYS,
    POINTS_KEYS,
    POINTS_RULE,
    REPLICATION_KEYS,
    add_parser,
    load_structure,
    parse_alternatives,
    points_method,
    read_groups,
    run,
)
from cchc_indicators.cli._output import OutputError
from cchc_indicators.composite.uncertainty import uncertainty

#: Two levels: services (weight 3) = mean of online and waiting_days (lower is better);
#: satisfaction (weight 1) is a leaf of level 1.
TINY_INDEX = {
    "kind": "composite_index",
    "code": "tiny",
    "children": [
        {
            "code": "services",
            "weight": 3,
            "children": [{"code": "online"}, {"code": "waiting_days", "direction": -1}],
        },
        {"code": "satisfaction", "weight": 1},
    ],
}

TINY_DATA = """indicator,unit,period,value
online,A,2024,80
online,B,2024,60
online,C,2024,40
waiting_days,A,2024,10
waiting_days,B,2024,30
waiting_days,C,2024,20
satisfaction,A,2024,50
satisfaction,B,2024,90
satisfaction,C,2024,70
online,A,2023,40
online,B,2023,60
online,C,2023,80
waiting_days,A,2023,30
waiting_days,B,2023,20
waiting_days,C,2023,10
satisfaction,A,2023,90
satisfaction,B,2023,70
satisfaction,C,2023,50
"""

#: pci-2016 leaves are scored linearly from 0 to 10 (maxima 5, 5, 20, 5, 10, 5, 5, 20, 20, 5).
PCI_LEAVES = (
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "policy_bias",
    "proactivity",
    "business_support",
    "labour_training",
    "legal_institutions",
)

#: A points tree with two parts and grades: d (max 10) = c1 + c2 (6 each, capped at 10);
#: e (max 10, part "survey") linear from 0 to 100.
MINI_STRUCTURE = {
    "code": "mini",
    "grades": [{"label": "A", "lower": 80}, {"label": "B", "lower": 50}],
    "components": [
        {
            "code": "d",
            "maximum": 10,
            "children": [
                {"code": "c1", "maximum": 6, "rule": {"kind": "yes_no"}},
                {"code": "c2", "maximum": 6, "rule": {"kind": "yes_no"}},
            ],
        },
        {
            "code": "e",
            "maximum": 10,
            "part": "survey",
            "rule": {"kind": "linear", "low": 0, "high": 100},
        },
    ],
}

MINI_DATA = """indicator,unit,period,value
c1,X,2024,1
c2,X,2024,1
e,X,2024,90
c1,Y,2024,1
c2,Y,2024,0
e,Y,2024,50
c1,Z,2024,0
e,Z,2024,20
"""


def write(path: Path, text: str) -> str:
    """Write a UTF-8 file and return its path as text."""
    path.write_text(text, encoding="utf-8")
    return str(path)


def cchc(*argv: str) -> str:
    """Run `cchc index ARGV` through the main command line; return what it printed."""
    out = io.StringIO()
    assert main(["index", *argv], out=out) == 0
    return out.getvalue()


def records(*argv: str) -> list[dict[str, Any]]:
    """The JSON records of `cchc index ARGV --format json`."""
    data: list[dict[str, Any]] = json.loads(cchc(*argv, "--format", "json"))
    return data


def by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["unit"], r["node"]): r for r in rows}


def tiny_method(tiny: list[str]) -> str:
    """The library's account of how the tiny index was scored (IndexResult.method)."""
    index = load_structure(tiny[1])
    assert isinstance(index, composite.CompositeIndex)
    return composite.compute_index(index, composite.Observations.from_csv(tiny[3])).method


@pytest.fixture
def tiny(tmp_path: Path) -> list[str]:
    """--structure and --data of the tiny index."""
    return [
        "--structure",
        write(tmp_path / "tiny.json", json.dumps(TINY_INDEX)),
        "--data",
        write(tmp_path / "tiny.csv", TINY_DATA),
    ]


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The synthetic observations of datasets.index_observations() as a long CSV."""
    obs = datasets.index_observations()
    path = tmp_path_factory.mktemp("demo") / "observations.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["indicator", "unit", "period", "value"])
        for p, period in enumerate(obs.periods):
            for i, indicator in enumerate(obs.indicators):
                for j, unit in enumerate(obs.units):
                    value = float(obs.values[p, i, j])
                    if not math.isnan(value):
                        writer.writerow([indicator, unit, period, repr(value)])
    return str(path)


@pytest.fixture
def pci(tmp_path: Path) -> list[str]:
    """pci-2016 with A at 10 everywhere, B at 5 everywhere, C with entry_costs only, D only in 2023."""
    rows = [f"{leaf},A,2024,10" for leaf in PCI_LEAVES]
    rows += [f"{leaf},B,2024,5" for leaf in PCI_LEAVES]
    rows += ["entry_costs,C,2024,10", "entry_costs,D,2023,4"]
    text = "indicator,unit,period,value\n" + "\n".join(rows) + "\n"
    return ["--structure", "pci-2016", "--data", write(tmp_path / "pci.csv", text)]


@pytest.fixture
def mini(tmp_path: Path) -> list[str]:
    return [
        "--structure",
        write(tmp_path / "mini.json", json.dumps(MINI_STRUCTURE)),
        "--data",
        write(tmp_path / "mini.csv", MINI_DATA),
    ]


class TestCompositeByHand:
    def test_json_scores_and_ranks(self, tiny: list[str]) -> None:
        """The latest period (2024) is scored; scores and ranks are those computed by hand."""
        rows = records(*tiny)
        got = {k: (r["score"], r["rank"]) for k, r in by_key(rows).items()}
        # min-max over the units in 2024: online A 100, B 50, C 0; waiting_days (reversed)
        # A 100, B 0, C 50; satisfaction A 0, B 100, C 50.
        # services = mean: A 100, B 25, C 25 (B and C tie: both rank 2).
        # tiny = (3 * services + satisfaction) / 4: A 75, B 43.75, C 31.25.
        assert got == {
            ("A", "tiny"): (75.0, 1),
            ("B", "tiny"): (43.75, 2),
            ("C", "tiny"): (31.25, 3),
            ("A", "services"): (100.0, 1),
            ("B", "services"): (25.0, 2),
            ("C", "services"): (25.0, 2),
            ("A", "satisfaction"): (0.0, 3),
            ("B", "satisfaction"): (100.0, 1),
            ("C", "satisfaction"): (50.0, 2),
            ("A", "online"): (100.0, 1),
            ("B", "online"): (50.0, 2),
            ("C", "online"): (0.0, 3),
            ("A", "waiting_days"): (100.0, 1),
            ("B", "waiting_days"): (0.0, 3),
            ("C", "waiting_days"): (50.0, 2),
        }
        assert list(rows[0]) == [*COMPOSITE_KEYS, "note"]
        assert {r["period"] for r in rows} == {"2024"}
        # a CSV file carries no note: null without --note
        assert {r["note"] for r in rows} == {None}
        # every record says how it was made, as the library's result does
        assert {r["method"] for r in rows} == {tiny_method(tiny)}
        assert tiny_method(tiny).startswith("normalisation minmax")
        # the index's nodes come first, then level by level, for each unit in turn
        assert [r["node"] for r in rows[:5]] == [
            "tiny",
            "services",
            "satisfaction",
            "online",
            "waiting_days",
        ]

    def test_period_option(self, tiny: list[str]) -> None:
        """--period 2023 scores that period instead of the latest."""
        rows = [r for r in records(*tiny, "--period", "2023") if r["node"] == "tiny"]
        # 2023: services A 0, B 50, C 100; satisfaction A 100, B 50, C 0;
        # tiny: A (0 + 100) / 4 = 25, B (150 + 50) / 4 = 50, C (300 + 0) / 4 = 75.
        assert [(r["unit"], r["score"], r["rank"], r["period"]) for r in rows] == [
            ("A", 25.0, 3, "2023"),
            ("B", 50.0, 2, "2023"),
            ("C", 75.0, 1, "2023"),
        ]

    def test_table(self, tiny: list[str]) -> None:
        """The table lists the units best first with the top-level nodes, then how it was made."""
        assert cchc(*tiny).splitlines() == [
            "rank  unit  score  services  satisfaction",
            "-----------------------------------------",
            "   1  A      75.0     100.0           0.0",
            "   2  B      43.8      25.0         100.0",
            "   3  C      31.2      25.0          50.0",
            f"tiny, period 2024: {tiny_method(tiny)}",
        ]

    def test_csv(self, tiny: list[str]) -> None:
        """--format csv has the record keys and the note as columns, one row per unit and node."""
        rows = list(csv.DictReader(io.StringIO(cchc(*tiny, "--format", "csv"))))
        assert list(rows[0]) == [*COMPOSITE_KEYS, "note"]
        assert COMPOSITE_KEYS[-1] == "method"
        assert len(rows) == 3 * 5
        assert {r["method"] for r in rows} == {tiny_method(tiny)}
        assert {r["note"] for r in rows} == {""}
        assert (rows[0]["unit"], rows[0]["node"], rows[0]["score"], rows[0]["rank"]) == (
            "A",
            "tiny",
            "75.0",
            "1",
        )

    def test_output_file(self, tiny: list[str], tmp_path: Path) -> None:
        """--output writes the file and nothing to stdout."""
        target = tmp_path / "out.json"
        assert cchc(*tiny, "--format", "json", "--output", str(target)) == ""
        assert json.loads(target.read_text(encoding="utf-8"))[0]["score"] == 75.0

    def test_data_without_periods(self, tmp_path: Path) -> None:
        """Data without a period column are one period, labelled ''."""
        data = "indicator,unit,value\na,X,1\na,Y,3\nb,X,2\nb,Y,0\n"
        index = {"kind": "composite_index", "code": "i", "children": [{"code": "a"}, {"code": "b"}]}
        rows = records(
            "--structure",
            write(tmp_path / "i.json", json.dumps(index)),
            "--data",
            write(tmp_path / "d.csv", data),
        )
        top = [(r["unit"], r["score"], r["period"]) for r in rows if r["node"] == "i"]
        # a: X 0, Y 100; b: X 100, Y 0; both average 50
        assert top == [("X", 50.0, ""), ("Y", 50.0, "")]

    def test_file_with_children_but_no_kind(self, tmp_path: Path) -> None:
        """A JSON object with nodes under 'children' (no 'kind') is a composite index."""
        index = {k: v for k, v in TINY_INDEX.items() if k != "kind"}
        path = write(tmp_path / "i.json", json.dumps(index))
        assert load_structure(path) == composite.CompositeIndex.from_dict(TINY_INDEX)


class TestShippedIndex:
    """par-style-demo on the synthetic observations of datasets.index_observations()."""

    def test_json_matches_compute_index(self, demo_csv: str) -> None:
        """The JSON holds every unit and node with compute_index's scores and ranks."""
        rows = records("--structure", "par-style-demo", "--data", demo_csv)
        result = composite.compute_index(
            composite.load_index("par-style-demo"), datasets.index_observations()
        )
        assert len(rows) == 63 * len(result.nodes) == 63 * (1 + 8 + 15 + 30)
        found = by_key(rows)
        for i, node in enumerate(result.nodes):
            for j, unit in enumerate(result.units):
                row = found[(unit, node)]
                assert row["rank"] == (int(result.ranks[i, j]) or None)
                if math.isnan(result.scores[i, j]):
                    assert row["score"] is None
                else:
                    assert row["score"] == pytest.approx(float(result.scores[i, j]), abs=1e-12)
        top = sorted(r["rank"] for r in rows if r["node"] == "par-style-demo")
        assert top[0] == 1
        assert {r["period"] for r in rows} == {"2024"}

    def test_table(self, demo_csv: str) -> None:
        """The table has a line per province under the header, the top-level domains as columns."""
        lines = cchc("--structure", "par-style-demo", "--data", demo_csv).splitlines()
        assert lines[0].split()[:4] == ["rank", "unit", "score", "directing_managing_par"]
        assert len(lines[0].split()) == 3 + 8
        assert len(lines) == 2 + 63 + 1
        assert lines[2].split()[0] == "1"
        assert lines[-1].startswith("par-style-demo, period 2024: normalisation minmax")

    def test_csv(self, demo_csv: str) -> None:
        """The CSV has one row per province and node."""
        text = cchc("--structure", "par-style-demo", "--data", demo_csv, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 63 * 54
        assert {r["node"] for r in rows if r["level"] == "1"} == {
            c.code for c in composite.load_index("par-style-demo").children
        }

    def test_uncertainty_is_seeded(self, demo_csv: str) -> None:
        """--uncertainty 200 --seed 1 twice gives the same JSON, with the rank interval keys."""
        argv = ("--structure", "par-style-demo", "--data", demo_csv, "--uncertainty", "200")
        first = cchc(*argv, "--seed", "1", "--format", "json")
        assert cchc(*argv, "--seed", "1", "--format", "json") == first
        rows = json.loads(first)
        assert list(rows[0]) == [*COMPOSITE_KEYS, *INTERVAL_KEYS, *REPLICATION_KEYS, "note"]
        assert {(r["replications"], r["seed"], r["varied"]) for r in rows} == {
            (200, 1, "weights noise ±0.25")
        }
        assert {r["method"] for r in rows} == {
            composite.compute_index(
                composite.load_index("par-style-demo"), datasets.index_observations()
            ).method
        }
        plain = records("--structure", "par-style-demo", "--data", demo_csv)
        # the nominal scores and ranks are those without --uncertainty
        assert [(r["score"], r["rank"]) for r in rows] == [(r["score"], r["rank"]) for r in plain]
        for r in rows:
            if r["node"] == "par-style-demo":
                assert r["rank_p05"] <= r["rank_median"] <= r["rank_p95"]
                assert r["score_p05"] <= r["score_median"] <= r["score_p95"]
        other = json.loads(cchc(*argv, "--seed", "2", "--format", "json"))
        assert [r["score_p05"] for r in other] != [r["score_p05"] for r in rows]

    def test_uncertainty_matches_the_library(self, demo_csv: str) -> None:
        """The intervals are those of uncertainty() with the same settings."""
        rows = records(
            "--structure", "par-style-demo", "--data", demo_csv, "--uncertainty", "50",
            "--seed", "4", "--noise", "0.5", "--rank-target", "10",
        )  # fmt: skip
        expected = uncertainty(
            composite.load_index("par-style-demo"),
            datasets.index_observations(),
            n=50,
            seed=4,
            weights=0.5,
            rank_target=10,
        ).to_records()
        found = by_key(rows)
        for e in expected:
            row = found[(e["unit"], e["node"])]
            for key in ("rank_p05", "rank_median", "rank_p95", "p_top_10"):
                assert row[key] == e[key]
            assert row["score_p95"] == pytest.approx(e["score_p95"], nan_ok=True)

    def test_uncertainty_table_and_alternatives(self, demo_csv: str) -> None:
        """The table is Uncertainty.table(): its last line says what varied."""
        text = cchc(
            "--structure", "par-style-demo", "--data", demo_csv, "--uncertainty", "40",
            "--seed", "3", "--dirichlet", "50", "--normalisation", "minmax,percentile_rank",
            "--aggregation", "arithmetic,median", "--rank-target", "5",
        )  # fmt: skip
        lines = text.splitlines()
        assert lines[0].split()[-2:] == ["P(top", "5)"]
        assert lines[-1] == (
            "40 replications, seed 3; varied: weights Dirichlet(50); "
            "normalisation minmax | percentile_rank; aggregation arithmetic | median"
        )
        assert len(lines) == 2 + 63 + 1

    def test_rank_target_probabilities(self, demo_csv: str) -> None:
        """--rank-target K adds p_top_K, a probability, to every record."""
        rows = records(
            "--structure", "par-style-demo", "--data", demo_csv, "--uncertainty", "30",
            "--seed", "1", "--rank-target", "63",
        )  # fmt: skip
        top = [r for r in rows if r["node"] == "par-style-demo"]
        # every province always has a rank of 63 or better
        assert [r["p_top_63"] for r in top] == pytest.approx([1.0] * 63)
        # a sum of rank probabilities: 1 up to rounding (1.0000000000000002 happens)
        assert all(0.0 <= r["p_top_63"] <= 1.0 + 1e-12 for r in rows)


class TestPoints:
    def test_json_points_and_index(self, pci: list[str]) -> None:
        """Node scores are points; the root has the index 0-100 and its rank."""
        rows = records(*pci)
        found = by_key(rows)
        # A: every leaf at 10 of 10 -> full points, index 100; B: half -> 50;
        # C: entry_costs 10 (5 points of 5), the other nine leaves missing -> 5 / 100.
        assert [(u, found[(u, "pci-2016")]["score"]) for u in "ABC"] == [
            ("A", 100.0),
            ("B", 50.0),
            ("C", 5.0),
        ]
        assert [found[(u, "pci-2016")]["rank"] for u in "ABC"] == [1, 2, 3]
        assert [found[(u, "pci-2016")]["points"] for u in "ABC"] == [100.0, 50.0, 5.0]
        # entry_costs points: A 5, B 2.5, C 5 -> ranks 1, 3, 1 (A and C tie)
        assert [(found[(u, "entry_costs")]["score"], found[(u, "entry_costs")]["rank"]) for u in "ABC"] == [
            (5.0, 1),
            (2.5, 3),
            (5.0, 1),
        ]  # fmt: skip
        transparency = found[("C", "transparency")]
        assert (transparency["score"], transparency["missing"], transparency["maximum"]) == (
            0.0,
            True,
            20.0,
        )
        assert found[("A", "transparency")]["missing"] is False
        assert found[("A", "pci-2016")]["missing"] is None
        assert list(rows[0]) == [*POINTS_KEYS, "note"]
        assert POINTS_KEYS[-1] == "method"
        assert {r["method"] for r in rows} == {
            "points structure pci-2016: index = points / applicable maximum x 100; "
            "a leaf without a value scores 0"
        }
        # D has data in 2023 only: it is not scored in 2024
        assert {r["unit"] for r in rows} == {"A", "B", "C"}
        assert len(rows) == 3 * (1 + 10)

    def test_table(self, pci: list[str]) -> None:
        """The table gives rank, unit, index, grade and the points of each part."""
        assert cchc(*pci).splitlines() == [
            "rank  unit  index  grade  main points",
            "-------------------------------------",
            "   1  A     100.0  —           100.00",
            "   2  B      50.0  —            50.00",
            "   3  C       5.0  —             5.00",
            f"pci-2016, period 2024: {POINTS_RULE}",
            "9 missing values scored 0",
        ]

    def test_a_year_out_of_force_is_noted(
        self, pci: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """pci-2016 scored on 2024 data: a note on stderr says it is the method of 2016 only."""
        cchc(*pci)
        assert capsys.readouterr().err == (
            "cchc: note: pci-2016 is the method of the index of 2016, not of 2024 "
            "(see points.structure_for)\n"
        )

    def test_table_without_missing_values(self, tmp_path: Path) -> None:
        """When every leaf has a value the table has no line about missing values."""
        rows = [f"{leaf},A,2024,{i}" for i, leaf in enumerate(PCI_LEAVES)]
        path = write(tmp_path / "a.csv", "indicator,unit,period,value\n" + "\n".join(rows) + "\n")
        # leaf i scores i / 10 of its maximum: (0*5 + 1*5 + 2*20 + 3*5 + 4*10 + 5*5 + 6*5
        # + 7*20 + 8*20 + 9*5) / 10 = 500 / 10 = 50 points of 100
        assert cchc("--structure", "pci-2016", "--data", path).splitlines() == [
            "rank  unit  index  grade  main points",
            "-------------------------------------",
            "   1  A      50.0  —            50.00",
            f"pci-2016, period 2024: {POINTS_RULE}",
        ]

    def test_period_option(self, pci: list[str]) -> None:
        """--period 2023 scores D alone: entry_costs 4 of 10 -> 2 points of 5 -> index 2."""
        rows = records(*pci, "--period", "2023")
        assert [(r["unit"], r["score"], r["rank"]) for r in rows if r["node"] == "pci-2016"] == [
            ("D", 2.0, 1)
        ]

    def test_csv(self, pci: list[str]) -> None:
        """--format csv has the points record keys."""
        rows = list(csv.DictReader(io.StringIO(cchc(*pci, "--format", "csv"))))
        assert list(rows[0]) == [*POINTS_KEYS, "note"]
        assert (rows[0]["node"], rows[0]["score"], rows[0]["capped"]) == ("pci-2016", "100.0", "")
        assert {r["method"] for r in rows} == {points_method("pci-2016")}
        assert rows[1]["capped"] == "False"

    def test_parts_grades_and_caps(self, mini: list[str]) -> None:
        """A structure file with two parts and grades: a column per part, the grade, capped points."""
        assert cchc(*mini).splitlines() == [
            # X: d = min(6 + 6, 10) = 10, e = 0.9 * 10 = 9: 19 / 20 = 95 -> A
            # Y: d = 6, e = 5: 11 / 20 = 55 -> B;  Z: d = 0 (c2 missing), e = 2: 10 -> no grade
            "rank  unit  index  grade  main points  survey points",
            "----------------------------------------------------",
            "   1  X      95.0  A            10.00           9.00",
            "   2  Y      55.0  B             6.00           5.00",
            "   3  Z      10.0  —             0.00           2.00",
            f"mini, period 2024: {POINTS_RULE}",
            "1 missing value scored 0",
        ]
        found = by_key(records(*mini))
        assert (found[("X", "d")]["capped"], found[("Y", "d")]["capped"]) == (True, False)
        assert (found[("X", "mini")]["grade"], found[("Z", "mini")]["grade"]) == ("A", None)
        assert (found[("X", "c1")]["level"], found[("X", "c1")]["parent"]) == (2, "d")
        # c2: X 6, Y 0, Z 0 (missing) -> ranks 1, 2, 2
        assert [found[(u, "c2")]["rank"] for u in "XYZ"] == [1, 2, 2]

    def test_uncertainty(self, pci: list[str]) -> None:
        """Only the index gets intervals; the other nodes have null for them; a seed repeats."""
        argv = (*pci, "--uncertainty", "200", "--seed", "1", "--rank-target", "1")
        rows = records(*argv)
        assert records(*argv) == rows
        assert list(rows[0]) == [*POINTS_KEYS, *INTERVAL_KEYS, "p_top_1", *REPLICATION_KEYS, "note"]
        assert {(r["replications"], r["seed"]) for r in rows} == {(200, 1)}
        assert {r["varied"] for r in rows} == {"weights noise ±0.25 on the domain maxima"}
        assert {r["method"] for r in rows} == {points_method("pci-2016")}
        for r in rows:
            if r["node"] == "pci-2016":
                assert r["rank_p05"] <= r["rank_median"] <= r["rank_p95"]
                assert r["score_p05"] - 1e-9 <= r["score"] <= r["score_p95"] + 1e-9
            else:
                assert all(r[k] is None for k in (*INTERVAL_KEYS, "p_top_1"))
        top = {r["unit"]: r for r in rows if r["node"] == "pci-2016"}
        # A scores full points in every domain: its index is 100 whatever the weights
        assert (top["A"]["score_p05"], top["A"]["score_p95"], top["A"]["p_top_1"]) == (
            pytest.approx(100.0),
            pytest.approx(100.0),
            1.0,
        )
        # C scores in one domain only: the weight of that domain moves its index
        assert top["C"]["score_p05"] < 5.0 < top["C"]["score_p95"]
        # B at half of every domain is 50 whatever the weights
        assert top["B"]["score_median"] == pytest.approx(50.0)

    def test_uncertainty_table(self, pci: list[str]) -> None:
        """With --uncertainty the table is Uncertainty.table()."""
        lines = cchc(*pci, "--uncertainty", "20", "--seed", "5", "--dirichlet", "10").splitlines()
        assert lines[0].split()[:3] == ["rank", "unit", "score"]
        assert (
            lines[-1]
            == "20 replications, seed 5; varied: weights Dirichlet(10) on the domain maxima"
        )

    def test_values_outside_a_rule_name_the_data_file(self, tmp_path: Path) -> None:
        """par-index-2017 takes points as given: more than a domain's maximum is invalid data."""
        path = write(
            tmp_path / "par.csv", "indicator,unit,period,value\npublic_finance,01,2024,8\n"
        )
        with pytest.raises(InvalidDataError) as info:
            run(parse("--structure", "par-index-2017", "--data", path), io.StringIO())
        assert info.value.first_line() == (
            f"{path}: field 'public_finance': points must lie between 0 and the maximum 7: '01': 8"
        )


class TestNote:
    """--note TEXT (such as the synthetic-data warning) is carried to every output format."""

    NOTE = datasets.SYNTHETIC_NOTE

    @pytest.mark.parametrize(
        "extra",
        [(), ("--uncertainty", "10", "--seed", "1")],
        ids=["nominal", "uncertainty"],
    )
    def test_composite(self, demo_csv: str, extra: tuple[str, ...]) -> None:
        """Table (last line), JSON (a note key on each object) and CSV (a note column)."""
        argv = ("--structure", "par-style-demo", "--data", demo_csv, "--note", self.NOTE, *extra)
        assert cchc(*argv).splitlines()[-1] == self.NOTE
        rows = records(*argv)
        assert {r["note"] for r in rows} == {self.NOTE}
        assert list(rows[0])[-1] == "note"  # once, last
        table = csv.DictReader(io.StringIO(cchc(*argv, "--format", "csv")))
        assert {r["note"] for r in table} == {self.NOTE}

    @pytest.mark.parametrize(
        "extra",
        [(), ("--uncertainty", "10", "--seed", "1")],
        ids=["nominal", "uncertainty"],
    )
    def test_points(self, pci: list[str], extra: tuple[str, ...]) -> None:
        """The points table, JSON and CSV carry the note too."""
        argv = (*pci, "--note", self.NOTE, *extra)
        assert cchc(*argv).splitlines()[-1] == self.NOTE
        assert {r["note"] for r in records(*argv)} == {self.NOTE}
        rows = csv.DictReader(io.StringIO(cchc(*argv, "--format", "csv")))
        assert {r["note"] for r in rows} == {self.NOTE}

    def test_without_note(self, pci: list[str]) -> None:
        """Without --note the table ends with its own lines and the records have null."""
        assert cchc(*pci).splitlines()[-1] == "9 missing values scored 0"
        assert {r["note"] for r in records(*pci)} == {None}

    def test_blank_note_is_no_note(self, tiny: list[str]) -> None:
        """A note of spaces only is no note."""
        assert {r["note"] for r in records(*tiny, "--note", "  ")} == {None}
        assert cchc(*tiny, "--note", "  ").splitlines()[-1].startswith("tiny, period 2024: ")


class _Parser(argparse.ArgumentParser):
    """A parser that raises on usage errors instead of exiting (as the main CLI does)."""

    def error(self, message: str) -> Any:
        raise ValueError(message)


def parse(*argv: str) -> argparse.Namespace:
    parser = _Parser(prog="cchc")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["index", *argv])


def _bad_json_files(tmp_path: Path) -> dict[str, str]:
    texts = {
        "broken": '{"code": "x",',
        "list": "[1, 2]",
        "neither": '{"code": "x", "nodes": []}',
        "bad_node": json.dumps({"kind": "composite_index", "code": "x", "children": [{"code": "a", "colour": 1}]}),
        "components": '{"code": "x", "components": 5}',
        "bad_component": '{"code": "x", "components": [{"code": "a"}]}',
    }  # fmt: skip
    out = {name: write(tmp_path / f"{name}.json", text) for name, text in texts.items()}
    (tmp_path / "latin1.json").write_bytes(b'{"code": "\xe9"}')
    out["latin1"] = str(tmp_path / "latin1.json")
    return out


#: (options added to the tiny index and its data, the error type, the start of the message;
#: ``{data}`` stands for the data file).
BAD_OPTIONS = [
    (("--seed", "1"), DefinitionError, "--seed: needs --uncertainty N"),
    (("--noise", "0.1"), DefinitionError, "--noise: needs --uncertainty N"),
    (("--dirichlet", "5"), DefinitionError, "--dirichlet: needs --uncertainty N"),
    (("--normalisation", "zscore"), DefinitionError, "--normalisation: needs --uncertainty N"),
    (("--aggregation", "median"), DefinitionError, "--aggregation: needs --uncertainty N"),
    (("--rank-target", "3"), DefinitionError, "--rank-target: needs --uncertainty N"),
    (
        ("--uncertainty", "0"),
        DefinitionError,
        "--uncertainty: the number of replications must be at least 1, got 0",
    ),
    (("--uncertainty", "-3"), DefinitionError, "--uncertainty: the number of replications must"),
    (("--uncertainty", "many"), DefinitionError, "--uncertainty: expected a whole number, got 'many'"),
    (("--uncertainty", "5", "--seed", "1.5"), DefinitionError, "--seed: expected a whole number"),
    (
        ("--uncertainty", "5", "--normalisation", "minmax,scaled"),
        DefinitionError,
        "--normalisation: unknown normalisation method 'scaled'; the methods are",
    ),
    (
        ("--uncertainty", "5", "--aggregation", "mean"),
        DefinitionError,
        "--aggregation: unknown aggregation method 'mean'; the methods are",
    ),
    (
        ("--uncertainty", "5", "--aggregation", "generalised"),
        DefinitionError,
        "--aggregation: aggregation 'generalised' needs a number 'p'",
    ),
    (("--uncertainty", "5", "--aggregation", " , "), DefinitionError, "--aggregation: give one or more"),
    (
        ("--uncertainty", "5", "--noise", "0.1", "--dirichlet", "5"),
        DefinitionError,
        "--dirichlet: give either --noise or --dirichlet, not both",
    ),
    (("--uncertainty", "5", "--noise", "2"), DefinitionError, "--noise: a weight noise factor must be from 0 to 1"),
    (("--uncertainty", "5", "--noise", "nan"), DefinitionError, "--noise: expected a finite number, got 'nan'"),
    (("--uncertainty", "5", "--noise", "lots"), DefinitionError, "--noise: expected a number, got 'lots'"),
    (("--uncertainty", "5", "--dirichlet", "0"), DefinitionError, "--dirichlet: a Dirichlet concentration must be > 0"),
    (("--uncertainty", "5", "--rank-target", "0"), DefinitionError, "--rank-target: a rank target must be at least 1"),
    (("--period", "soon"), DefinitionError, "--period: not a period: 'soon'"),
    (("--period", "2030"), InvalidDataError, "{data}: field 'period': no data for period '2030'"),
    (("--uncertainty", "5", "--seed", "-1"), DefinitionError, "--seed: a seed must be at least 0, got -1"),
    (("--nodes", "tiny"), DefinitionError, "--nodes: needs --uncertainty N"),
    (("--uncertainty", "5", "--nodes", "tiny,nowhere"), DefinitionError, "--nodes: node 'nowhere' is not in index 'tiny'"),
    (("--uncertainty", "5", "--nodes", "tiny,tiny"), DefinitionError, "--nodes: node 'tiny' is listed twice"),
    (("--uncertainty", "5", "--nodes", " , "), DefinitionError, "--nodes: give one or more node codes, comma-separated"),
    (("--uncertainty", "5", "--nodes", "tiny,,services"), DefinitionError, "--nodes: an empty item in 'tiny,,services'"),
    (("--groups", "groups.csv"), DefinitionError, "--groups: index 'tiny' imputes by 'none'; groups are only read for group_mean"),
    (("--note", "SYNTHETIC\nDATA"), DefinitionError, "--note: a note is one line of text"),
    # method options: NAME[:OPTION=VALUE...]
    (("--uncertainty", "5", "--aggregation", "geometric:shift"), DefinitionError,
     "--aggregation: cannot read the option 'shift' of 'geometric:shift'; write NAME:OPTION=VALUE"),
    (("--uncertainty", "5", "--aggregation", "geometric:=1"), DefinitionError,
     "--aggregation: cannot read the option '=1' of 'geometric:=1'"),
    (("--uncertainty", "5", "--aggregation", "arithmetic,geometric:shift="), DefinitionError,
     "--aggregation: cannot read the option 'shift=' of 'geometric:shift='"),
    (("--uncertainty", "5", "--aggregation", ":shift=1"), DefinitionError,
     "--aggregation: ':shift=1' has no method name before its options"),
    (("--uncertainty", "5", "--aggregation", "geometric:shift=1:shift=2"), DefinitionError,
     "--aggregation: option 'shift' is given twice in 'geometric:shift=1:shift=2'"),
    (("--uncertainty", "5", "--aggregation", "arithmetic,,median"), DefinitionError,
     "--aggregation: an empty item in 'arithmetic,,median'"),
    (("--uncertainty", "5", "--aggregation", "geometric:p=2"), DefinitionError,
     "--aggregation: aggregation 'geometric' takes no option 'p'"),
    (("--uncertainty", "5", "--aggregation", "geometric:shift=x"), DefinitionError,
     "--aggregation: option 'shift' must be a number, got 'x'"),
    (("--uncertainty", "5", "--normalisation", "minmax:low=nan"), DefinitionError,
     "--normalisation: option 'low' must be a number, got 'nan'"),
    (("--uncertainty", "5", "--normalisation", "goalposts:truncate=1"), DefinitionError,
     "--normalisation: option 'truncate' must be true or false, got 1"),
]  # fmt: skip


class TestBadInput:
    """Bad input raises the library's errors; through cli.main: exit 2 and one line on stderr."""

    @staticmethod
    def fails(argv: list[str], error: type[Exception], message: str, capsys: Any) -> None:
        """`run` raises ``error`` starting with ``message``; `cchc index` prints it on one line."""
        with pytest.raises(error) as info:
            run(parse(*argv), io.StringIO())
        text = (
            info.value.first_line() if isinstance(info.value, InvalidDataError) else str(info.value)
        )
        assert text.startswith(message), text
        capsys.readouterr()
        assert main(["index", *argv], out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert err == f"cchc: error: {text}\n"

    @pytest.mark.parametrize(("extra", "error", "message"), BAD_OPTIONS)
    def test_bad_options(
        self,
        tiny: list[str],
        extra: tuple[str, ...],
        error: type[Exception],
        message: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A malformed or misplaced option is an error naming the option."""
        self.fails([*tiny, *extra], error, message.format(data=tiny[3]), capsys)

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("--normalisation", "minmax", "has no normalisation to vary"),
            ("--aggregation", "median", "has no aggregation to vary"),
            ("--nodes", "pci-2016", "keeps the replications of its index only"),
            ("--groups", "groups.csv", "imputes nothing; --groups is for a composite index"),
        ],
    )
    def test_options_of_composite_indices_only(
        self,
        pci: list[str],
        option: str,
        value: str,
        message: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A points structure has no normalisation, aggregation, nodes to keep or imputation."""
        self.fails(
            [*pci, "--uncertainty", "5", option, value],
            DefinitionError,
            f"{option}: a points structure ('pci-2016') {message}",
            capsys,
        )

    def test_ratio_columns_are_refused(
        self, tiny: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Rows in the ratio form (numerator, denominator) are refused, naming file, row and field."""
        path = write(
            tmp_path / "ratio.csv",
            "indicator,unit,period,numerator,denominator\nonline,A,2024,8,10\n",
        )
        self.fails(
            [tiny[0], tiny[1], "--data", path],
            InvalidDataError,
            f"{path}: row 2, field 'numerator': numerator and denominator are not read",
            capsys,
        )

    def test_library_errors_pass_through(
        self, tiny: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An alternative the index cannot take is the library's error, on one line."""
        self.fails(
            [*tiny, "--uncertainty", "5", "--normalisation", "minmax,goalposts"],
            DefinitionError,
            "index 'tiny': normalisation 'goalposts' needs 'lower' and 'upper'",
            capsys,
        )

    def test_unknown_structure_lists_both_kinds(
        self, tiny: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown name lists the shipped composite indices and points structures."""
        self.fails(
            ["--structure", "papi", "--data", tiny[3]],
            DefinitionError,
            "--structure: 'papi' is neither a shipped composite index ('par-style-demo'), "
            "a shipped points structure ('par-index-2017', 'pci-2016') nor a file",
            capsys,
        )

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("broken", "not valid JSON: Expecting property name enclosed in double quotes (line 1"),
            ("list", "a structure file holds a JSON object, got list"),
            ("neither", "neither a composite index ('kind': 'composite_index', nodes under"),
            ("bad_node", "node 'a': unknown field 'colour'"),
            ("components", "'components' must be a list of components"),
            ("bad_component", "a component needs a maximum number of points"),
            ("latin1", "not UTF-8 text"),
        ],
    )
    def test_invalid_structure_files(
        self,
        tiny: list[str],
        tmp_path: Path,
        name: str,
        message: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A structure file that is not a valid index or structure names the file, then the fault."""
        path = _bad_json_files(tmp_path)[name]
        argv = ["--structure", path, "--data", tiny[3]]
        with pytest.raises(DefinitionError) as info:
            run(parse(*argv), io.StringIO())
        text = str(info.value)
        assert text.startswith(f"{path}: ")
        assert message in text  # the library may say where in the file before it
        capsys.readouterr()
        assert main(["index", *argv], out=io.StringIO()) == 2
        assert capsys.readouterr().err == f"cchc: error: {text}\n"

    def test_missing_data_file(
        self, tiny: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A missing data file is invalid data naming it."""
        path = str(tmp_path / "nowhere.csv")
        self.fails(
            [tiny[0], tiny[1], "--data", path], InvalidDataError, f"{path}: no such file", capsys
        )

    def test_bad_csv_names_file_row_and_field(
        self, tiny: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A value that is not a number is reported with the file, its row and the field."""
        path = write(
            tmp_path / "bad.csv",
            "indicator,unit,period,value\nonline,A,2024,80\nonline,B,2024,lots\n",
        )
        self.fails(
            [tiny[0], tiny[1], "--data", path],
            InvalidDataError,
            f"{path}: row 3, field 'value': must be a finite number, got 'lots'",
            capsys,
        )

    def test_data_lacking_the_index_indicators(
        self, tiny: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Data without an indicator the index needs name it."""
        path = write(tmp_path / "part.csv", "indicator,unit,period,value\nonline,A,2024,80\n")
        self.fails(
            [tiny[0], tiny[1], "--data", path],
            InvalidDataError,
            f"{path}: field 'indicator': no observations of indicator(s) 'waiting_days', 'satisfaction'",
            capsys,
        )

    def test_indicator_that_is_not_a_leaf(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """For a points structure, an indicator that is not one of its leaves is named with its row."""
        path = write(
            tmp_path / "pci.csv",
            "indicator,unit,period,value\nentry_costs,A,2024,3\nonline,A,2024,5\nonline,B,2024,5\nstaff,A,2024,1\n",
        )
        self.fails(
            ["--structure", "pci-2016", "--data", path],
            InvalidDataError,
            f"{path}: row 3, field 'indicator': indicator 'online' is not a leaf of structure "
            "'pci-2016'; its leaves are 'entry_costs', 'land_access', ",
            capsys,
        )
        with pytest.raises(InvalidDataError) as info:
            run(parse("--structure", "pci-2016", "--data", path), io.StringIO())
        assert [p.row for p in info.value.problems] == [3, 5]
        assert info.value.first_line().endswith("(and 1 more problem)")

    def test_output_into_a_missing_folder(
        self, tiny: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An --output that cannot be written names the option, the file and the missing folder."""
        target = tmp_path / "no" / "out.json"
        with pytest.raises(OutputError):
            run(parse(*tiny, "--output", str(target)), io.StringIO())
        assert main(["index", *tiny, "--output", str(target)], out=io.StringIO()) == 2
        assert capsys.readouterr().err == (
            f"cchc: error: --output {target}: cannot write: no such folder {str(target.parent)!r}\n"
        )

    def test_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing --structure is a usage error with exit code 2."""
        assert main(["index", "--data", "d.csv"], out=io.StringIO()) == 2
        assert "--structure" in capsys.readouterr().err


def _method_texts() -> st.SearchStrategy[tuple[str, composite.Method, str]]:
    """(role, method, how it is written on the command line) for methods with typed options."""
    numbers = st.integers(1, 10**6) | st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)
    plain = st.sampled_from(["arithmetic", "harmonic", "median", "copeland"]).map(
        lambda name: ("aggregation", composite.Method(name), name)
    )
    shifted = numbers.map(
        lambda x: ("aggregation", composite.Method("geometric", shift=x), f"geometric:shift={x!r}")
    )
    ranked = st.tuples(st.sampled_from(["average", "min", "max"]), numbers).map(
        lambda t: (
            "normalisation",
            composite.Method("percentile_rank", ties=t[0], scale=t[1]),
            f"percentile_rank:ties={t[0]}:scale={t[1]!r}",
        )
    )
    goalposts = st.tuples(st.booleans(), st.sampled_from(["true", "True", "TRUE"])).map(
        lambda t: (
            "normalisation",
            composite.Method("goalposts", truncate=t[0]),
            f"goalposts:truncate={t[1] if t[0] else 'false'}",
        )
    )
    return plain | shifted | ranked | goalposts


class TestMethodOptions:
    """--normalisation and --aggregation alternatives with options: NAME:OPTION=VALUE."""

    @given(st.lists(_method_texts(), min_size=1, max_size=4), st.sampled_from([",", " , "]))
    def test_written_alternatives_read_back_as_the_methods(
        self, items: list[tuple[str, composite.Method, str]], sep: str
    ) -> None:
        """Writing methods as NAME:OPTION=VALUE and reading them gives the same methods and types."""
        for role in ("normalisation", "aggregation"):
            mine = [(m, text) for r, m, text in items if r == role]
            if not mine:
                continue
            got = parse_alternatives(sep.join(text for _, text in mine), role)
            assert got == tuple(m for m, _ in mine)
            for m, back in zip([m for m, _ in mine], got, strict=True):
                # 1 and 1.0 compare equal: the types must match too
                assert [type(v) for _, v in back.options] == [type(v) for _, v in m.options]

    def test_values_are_typed(self) -> None:
        """Whole numbers are ints, other finite numbers floats, true/false booleans, the rest text."""
        (m,) = parse_alternatives("percentile_rank:ties=average:scale=1.5", "normalisation")
        assert m.kwargs == {"ties": "average", "scale": 1.5}
        (m,) = parse_alternatives(" goalposts : truncate = FALSE : scale = 10 ", "normalisation")
        assert m.kwargs == {"truncate": False, "scale": 10}
        assert type(m.kwargs["scale"]) is int
        (m,) = parse_alternatives("geometric:shift=1e-3", "aggregation")
        assert m.kwargs == {"shift": 0.001}

    @pytest.mark.parametrize(
        ("option", "text", "alternatives"),
        [
            ("--aggregation", "arithmetic,geometric:shift=1", ["arithmetic", {"name": "geometric", "shift": 1}]),
            ("--normalisation", "minmax:low=1:high=100,percentile_rank", [{"name": "minmax", "low": 1, "high": 100}, "percentile_rank"]),
        ],
    )  # fmt: skip
    def test_alternatives_reach_the_library(
        self, demo_csv: str, option: str, text: str, alternatives: list[Any]
    ) -> None:
        """The intervals are those of uncertainty() given the same alternatives as mappings."""
        rows = records(
            "--structure", "par-style-demo", "--data", demo_csv, "--uncertainty", "40",
            "--seed", "8", option, text,
        )  # fmt: skip
        expected = uncertainty(
            composite.load_index("par-style-demo"),
            datasets.index_observations(),
            n=40,
            seed=8,
            weights=0.25,
            **{option[2:]: alternatives},
        )
        found = by_key(rows)
        for e in expected.to_records():
            row = found[(e["unit"], e["node"])]
            assert (row["rank_p05"], row["rank_median"], row["rank_p95"]) == (
                e["rank_p05"],
                e["rank_median"],
                e["rank_p95"],
            )
            assert row["score_median"] == pytest.approx(e["score_median"], nan_ok=True)
        assert {r["varied"] for r in rows} == {expected.varied}
        # the options show in what varied: geometric(shift=1), minmax(high=100, low=1)
        assert (
            "geometric(shift=1)" in expected.varied or "minmax(high=100, low=1)" in expected.varied
        )

    def test_help_documents_the_syntax(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`cchc index --help` explains NAME:OPTION=VALUE with an example for each option."""
        with pytest.raises(SystemExit) as info:
            main(["index", "--help"])
        assert info.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "NAME or NAME:OPTION=VALUE[:OPTION=VALUE...]" in text
        assert "true/false as booleans" in text
        assert "e.g. 'arithmetic,geometric:shift=1'" in text
        assert "e.g. 'minmax:low=1:high=100,percentile_rank'" in text
        assert "--nodes CODE,..." in text
        assert "--groups FILE" in text
        assert "--note TEXT" in text


#: An index imputing by group_mean: g = mean of a and b.
GROUP_INDEX = {
    "kind": "composite_index",
    "code": "g",
    "imputation": "group_mean",
    "children": [{"code": "a"}, {"code": "b"}],
}

#: D lacks a; D is in the south with C and E.
GROUP_DATA = """indicator,unit,period,value
a,A,2024,0
a,B,2024,20
a,C,2024,40
a,E,2024,80
b,A,2024,100
b,B,2024,50
b,C,2024,0
b,D,2024,50
b,E,2024,100
"""

GROUPS = "unit,group,name\nA,north,An\nB,north,Bình\nC,south,Cà\nD,south,Dũng\nE,south,Én\n"


@pytest.fixture
def grouped(tmp_path: Path) -> list[str]:
    """--structure and --data of the group_mean index (no --groups)."""
    return [
        "--structure",
        write(tmp_path / "g.json", json.dumps(GROUP_INDEX)),
        "--data",
        write(tmp_path / "g.csv", GROUP_DATA),
    ]


class TestGroups:
    """--groups FILE: the groups of an index imputing by group_mean."""

    def test_group_mean_by_hand(self, grouped: list[str], tmp_path: Path) -> None:
        """D's missing a is the mean of its group's (C, E), not of every unit."""
        groups = write(tmp_path / "groups.csv", GROUPS)
        found = by_key(records(*grouped, "--groups", groups))
        # a: D imputed = mean(C 40, E 80) = 60 (the mean of all units would be 35);
        # min-max over 0..80: A 0, B 25, C 50, D 75, E 100.
        # b: min-max over 0..100: A 100, B 50, C 0, D 50, E 100.
        # g = mean: A 50, B 37.5, C 25, D 62.5, E 100 -> ranks E 1, D 2, A 3, B 4, C 5.
        assert [found[(u, "a")]["score"] for u in "ABCDE"] == [0.0, 25.0, 50.0, 75.0, 100.0]
        assert [(found[(u, "g")]["score"], found[(u, "g")]["rank"]) for u in "ABCDE"] == [
            (50.0, 3),
            (37.5, 4),
            (25.0, 5),
            (62.5, 2),
            (100.0, 1),
        ]
        assert "imputation group_mean" in found[("A", "g")]["method"]

    def test_with_uncertainty(self, grouped: list[str], tmp_path: Path) -> None:
        """The groups reach the Monte Carlo run too: nominal scores as without it."""
        groups = write(tmp_path / "groups.csv", GROUPS)
        rows = records(*grouped, "--groups", groups, "--uncertainty", "20", "--seed", "1")
        top = {r["unit"]: r for r in rows if r["node"] == "g"}
        assert top["D"]["score"] == 62.5
        assert top["D"]["score_p05"] <= 62.5 <= top["D"]["score_p95"]

    def test_required_for_group_mean(
        self, grouped: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An index imputing by group_mean without --groups says which option to give."""
        TestBadInput.fails(
            grouped,
            DefinitionError,
            "--groups: index 'g' imputes missing values by group_mean: give --groups FILE "
            "(a CSV file unit,group)",
            capsys,
        )

    # units lacking a group are listed in the data's order: E (an 'a' row) before D
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("unit,region\nA,north\n", "row 1: missing column(s) 'group'; a groups file has the columns unit,group"),
            ("unit,group\nA,north\nB,\n,south\n", "row 3, field 'group': 'group' is empty (and 1 more problem)"),
            ("unit,group\nA,north\nB\n", "row 3, field 'group': 'group' is empty"),
            ("unit,group\nA,north\nA,north\nA,south\n", "row 4, field 'group': unit 'A' is in group 'south' here but in 'north' in row 2"),
            ("unit,group\nA,north\nB,north\nC,south\n", "field 'unit': no group for unit(s) 'E', 'D' of the data"),
            ("unit,group\n", "field 'unit': no group for unit(s) 'A', 'B', 'C', 'E', 'D' of the data"),
            ("group,unit\nnorth,A,x\n", "row 2: the row has 3 cells but the header names 2 columns"),
        ],
        ids=["no_group_column", "empty_cells", "short_row", "two_groups", "lacking", "no_rows", "extra_cells"],
    )  # fmt: skip
    def test_bad_groups_file(
        self,
        grouped: list[str],
        tmp_path: Path,
        text: str,
        message: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A bad groups file is invalid data naming the file, the row and the field."""
        path = write(tmp_path / "groups.csv", text)
        TestBadInput.fails(
            [*grouped, "--groups", path], InvalidDataError, f"{path}: {message}", capsys
        )

    def test_missing_groups_file(
        self, grouped: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A --groups file that does not exist is named."""
        path = str(tmp_path / "nowhere.csv")
        TestBadInput.fails(
            [*grouped, "--groups", path], InvalidDataError, f"{path}: no such file", capsys
        )

    def test_groups_file_that_is_a_folder(
        self, grouped: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A --groups folder is said to be a folder, not a missing file."""
        TestBadInput.fails(
            [*grouped, "--groups", str(tmp_path)],
            InvalidDataError,
            f"{tmp_path}: is a directory, not a file",
            capsys,
        )

    def test_many_units_lacking(self, tmp_path: Path) -> None:
        """Five units lacking a group are listed, more are cut short."""
        path = tmp_path / "groups.csv"
        path.write_text("unit,group\nA,x\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            read_groups(path, ["A", *"BCDEFG"])
        assert info.value.first_line().endswith(
            "field 'unit': no group for unit(s) 'B', 'C', 'D', 'E', 'F', ... of the data"
        )
        assert read_groups(path) == {"A": "x"}


class TestNodes:
    """--nodes CODE,...: the nodes whose replications are kept."""

    def test_kept_nodes_only_have_intervals(self, tiny: list[str]) -> None:
        """Kept nodes have the library's intervals; the others null; the table is the first's."""
        argv = (*tiny, "--uncertainty", "30", "--seed", "6", "--nodes", "services,tiny")
        rows = records(*argv)
        index = load_structure(tiny[1])
        assert isinstance(index, composite.CompositeIndex)
        expected = uncertainty(
            index,
            composite.Observations.from_csv(tiny[3]),
            n=30,
            seed=6,
            weights=0.25,
            nodes=["services", "tiny"],
        )
        want = by_key(expected.to_records())
        for r in rows:
            if r["node"] in ("services", "tiny"):
                e = want[(r["unit"], r["node"])]
                assert (r["rank_p05"], r["rank_p95"]) == (e["rank_p05"], e["rank_p95"])
                assert r["score_p95"] == pytest.approx(e["score_p95"])
            else:
                assert all(r[k] is None for k in INTERVAL_KEYS)
            assert r["replications"] == 30  # the run's description is on every row
        # three units and five nodes, all listed with their nominal scores
        assert len(rows) == 15
        lines = cchc(*argv).splitlines()
        assert lines[0].split()[:3] == ["rank", "unit", "score"]
        # services: A 100, B 25, C 25 (rank 2 shared)
        assert [line.split()[:3] for line in lines[2:5]] == [
            ["1", "A", "100.0"],
            ["2", "B", "25.0"],
            ["2", "C", "25.0"],
        ]

    def test_memory_advice_names_the_options(
        self,
        tiny: list[str],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Too many kept replications: the message names --nodes and N; --nodes then fits."""
        # 5 replications x 5 nodes x 3 units x 8 bytes = 600 bytes > 200; the index alone: 120.
        monkeypatch.setattr(uncertainty_module, "MEMORY_LIMIT", 200)
        argv = [*tiny, "--uncertainty", "5"]
        TestBadInput.fails(
            argv,
            DefinitionError,
            "--uncertainty: keeping 5 replications of 5 nodes for 3 units needs 0.0 GiB; "
            "give --nodes CODE[,CODE...] to keep fewer nodes, or a smaller N "
            "(--nodes tiny keeps the index only)",
            capsys,
        )
        rows = records(*argv, "--nodes", "tiny")
        assert sum(r["rank_p05"] is not None for r in rows) == 3


class TestClosedPipe:
    """A reader that closes the output early (`cchc index ... | head`) is not an error."""

    @pytest.mark.parametrize("command", ["index", "demo"])
    def test_closed_pipe_exits_quietly(
        self, tiny: list[str], command: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Writing into a pipe nobody reads: status 0, nothing on stderr (for every command)."""
        argv = ["index", *tiny] if command == "index" else ["demo"]
        read, written = os.pipe()
        os.close(read)
        with os.fdopen(written, "w", encoding="utf-8") as out:
            capsys.readouterr()
            assert main([*argv, "--format", "json"], out=out) == 0
            assert capsys.readouterr().err == ""
        # closing flushed what was left into the null device, without a BrokenPipeError

    def test_output_that_is_not_a_file(self, tiny: list[str]) -> None:
        """A stream without a file descriptor that reports a closed pipe: status 0 too."""

        class Closed(io.StringIO):
            def write(self, text: str) -> int:
                raise BrokenPipeError(32, "Broken pipe")

        assert main(["index", *tiny], out=Closed()) == 0

    def test_head_in_a_subprocess(self, demo_csv: str) -> None:
        """`python -m cchc_indicators index ... --format json | head -1`: no message, status 0."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "cchc_indicators", "index", "--structure", "par-style-demo",
             "--data", demo_csv, "--format", "json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        assert proc.stderr is not None
        # the JSON (about a megabyte) is far more than a pipe holds: the writer is still busy
        assert proc.stdout.readline() == b"[\n"
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.wait(timeout=120) == 0, err
        assert err == ""


class TestUnknownIndicators:
    """Rows of an indicator the structure does not have: refused, or left out with --ignore-unknown."""

    TYPO = "onlien,A,2024,99\nonlien,B,2024,1\n"

    def test_a_misspelt_code_is_refused_naming_the_option(
        self, tiny: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A code not in the index names its row and asks for --ignore-unknown, not on_unknown."""
        data = Path(tiny[3])
        data.write_text(TINY_DATA + self.TYPO, encoding="utf-8")
        assert main(["index", *tiny], out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"cchc: error: {data}: row 20, field 'indicator': indicator 'onlien'")
        assert err.endswith("; correct the code, or pass --ignore-unknown to leave it out\n")
        assert "on_unknown" not in err

    def test_ignored_codes_leave_the_scores_alone_and_are_noted(self, tiny: list[str]) -> None:
        """With --ignore-unknown the scores are those without the rows, and the note says so."""
        plain = records(*tiny)
        Path(tiny[3]).write_text(TINY_DATA + self.TYPO, encoding="utf-8")
        ignored = records(*tiny, "--ignore-unknown")
        assert [r["score"] for r in ignored] == [r["score"] for r in plain]
        assert {r["note"] for r in ignored} == {
            "1 indicator(s) of the data not in index 'tiny' ignored (2 value(s)): 'onlien'."
        }
        table = cchc(*tiny, "--ignore-unknown", "--uncertainty", "20", "--seed", "1")
        assert table.rstrip().endswith("ignored (2 value(s)): 'onlien'.")

    def test_a_points_structure_refuses_or_ignores_too(
        self, mini: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A code that is not a leaf is refused, or with --ignore-unknown left out and noted."""
        plain = records(*mini)
        data = Path(mini[3])
        data.write_text(MINI_DATA + "c3,X,2024,1\nc3,Y,2024,0\nc3,Z,2024,\n", encoding="utf-8")
        assert main(["index", *mini], out=io.StringIO()) == 2
        assert capsys.readouterr().err.endswith(
            "; correct the code, or give --ignore-unknown to leave it out\n"
        )
        ignored = records(*mini, "--ignore-unknown", "--note", "TEST DATA")
        assert [r["score"] for r in ignored] == [r["score"] for r in plain]
        assert {r["note"] for r in ignored} == {
            "TEST DATA 1 indicator(s) of the data not in structure 'mini' ignored "
            "(2 value(s)): 'c3'."
        }
