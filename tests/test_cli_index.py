"""Tests of the `cchc index` command (cchc_indicators._cli_index): outputs, options, bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from cchc_indicators import DefinitionError, InvalidDataError, composite, datasets
from cchc_indicators._cli_index import (
    COMPOSITE_KEYS,
    INTERVAL_KEYS,
    POINTS_KEYS,
    add_parser,
    load_structure,
    run,
)
from cchc_indicators.cli import main
from cchc_indicators.uncertainty import uncertainty

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


@pytest.fixture
def noted(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the data read from any CSV carry the synthetic-data note, as the demo data do."""
    read = composite.Observations.from_csv.__func__  # type: ignore[attr-defined]

    def from_csv(cls: type, path: str | Path, *, note: str = "") -> composite.Observations:
        del note
        out: composite.Observations = read(cls, path, note=datasets.SYNTHETIC_NOTE)
        return out

    monkeypatch.setattr(composite.Observations, "from_csv", classmethod(from_csv))
    return datasets.SYNTHETIC_NOTE


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
        assert {r["note"] for r in rows} == {None}
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
        """The table lists the units best first with the scores of the top-level nodes."""
        assert cchc(*tiny).splitlines() == [
            "rank  unit  score  services  satisfaction",
            "-----------------------------------------",
            "   1  A      75.0     100.0           0.0",
            "   2  B      43.8      25.0         100.0",
            "   3  C      31.2      25.0          50.0",
        ]

    def test_csv(self, tiny: list[str]) -> None:
        """--format csv has the record keys and the note as columns, one row per unit and node."""
        rows = list(csv.DictReader(io.StringIO(cchc(*tiny, "--format", "csv"))))
        assert list(rows[0]) == [*COMPOSITE_KEYS, "note"]
        assert len(rows) == 3 * 5
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
        assert len(lines) == 2 + 63
        assert lines[2].split()[0] == "1"

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
        assert list(rows[0]) == [*COMPOSITE_KEYS, *INTERVAL_KEYS, "note"]
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
            "9 missing values scored 0",
        ]

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
        assert list(rows[0]) == [*POINTS_KEYS, *INTERVAL_KEYS, "p_top_1", "note"]
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
    """A note the data carry (such as the synthetic-data warning) is in every output format."""

    @pytest.mark.parametrize(
        "extra",
        [(), ("--uncertainty", "10", "--seed", "1")],
        ids=["nominal", "uncertainty"],
    )
    def test_composite(self, demo_csv: str, noted: str, extra: tuple[str, ...]) -> None:
        """Table (last line), JSON (a note key on each object) and CSV (a note column)."""
        argv = ("--structure", "par-style-demo", "--data", demo_csv, *extra)
        assert cchc(*argv).splitlines()[-1] == noted
        assert {r["note"] for r in records(*argv)} == {noted}
        rows = csv.DictReader(io.StringIO(cchc(*argv, "--format", "csv")))
        assert {r["note"] for r in rows} == {noted}

    @pytest.mark.parametrize(
        "extra",
        [(), ("--uncertainty", "10", "--seed", "1")],
        ids=["nominal", "uncertainty"],
    )
    def test_points(self, pci: list[str], noted: str, extra: tuple[str, ...]) -> None:
        """The points table, JSON and CSV carry the note too."""
        assert cchc(*pci, *extra).splitlines()[-1] == noted
        assert {r["note"] for r in records(*pci, *extra)} == {noted}
        rows = csv.DictReader(io.StringIO(cchc(*pci, *extra, "--format", "csv")))
        assert {r["note"] for r in rows} == {noted}


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

    @pytest.mark.parametrize("option", ["--normalisation", "--aggregation"])
    def test_methods_of_a_points_structure(
        self, pci: list[str], option: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A points structure has no normalisation or aggregation to vary."""
        role = option[2:]
        self.fails(
            [*pci, "--uncertainty", "5", option, "minmax"],
            DefinitionError,
            f"{option}: a points structure ('pci-2016') has no {role} to vary",
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
        """A structure file that is not a valid index or structure names the file."""
        path = _bad_json_files(tmp_path)[name]
        self.fails(
            ["--structure", path, "--data", tiny[3]], DefinitionError, f"{path}: {message}", capsys
        )

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
        """An --output that cannot be written is an OSError, reported on one line."""
        target = tmp_path / "no" / "out.json"
        with pytest.raises(FileNotFoundError):
            run(parse(*tiny, "--output", str(target)), io.StringIO())
        assert main(["index", *tiny, "--output", str(target)], out=io.StringIO()) == 2
        assert capsys.readouterr().err == f"cchc: error: {target}: No such file or directory\n"

    def test_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing --structure is a usage error with exit code 2."""
        assert main(["index", "--data", "d.csv"], out=io.StringIO()) == 2
        assert "--structure" in capsys.readouterr().err
