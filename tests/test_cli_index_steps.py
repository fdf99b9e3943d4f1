"""`cchc index` with the steps of issue 16: --treatment, screening options, --diagnostics."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cchc_indicators import DefinitionError, composite
from cchc_indicators.cli import main
from cchc_indicators.cli._output import OutputError

#: One indicator with an outlier (A: 100 against 1..5) and one without.
INDEX = {
    "kind": "composite_index",
    "code": "i",
    "children": [{"code": "a"}, {"code": "b"}],
}

DATA = "indicator,unit,period,value\n" + "".join(
    f"a,{u},2024,{a}\nb,{u},2024,{b}\n"
    for u, a, b in zip("ABCDEF", (100, 1, 2, 3, 4, 5), (6, 5, 4, 3, 2, 1), strict=True)
)


def cchc(*argv: str) -> str:
    out = io.StringIO()
    assert main(["index", *argv], out=out) == 0
    return out.getvalue()


def run(*argv: str) -> Any:
    """The command run through its module (errors raised, not printed)."""
    import argparse

    from cchc_indicators.cli._index import add_parser
    from cchc_indicators.cli._index import run as run_index

    parser = argparse.ArgumentParser(prog="cchc")
    add_parser(parser.add_subparsers(dest="command"))
    return run_index(parser.parse_args(["index", *argv]), io.StringIO())


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    (tmp_path / "i.json").write_text(json.dumps(INDEX), encoding="utf-8")
    (tmp_path / "d.csv").write_text(DATA, encoding="utf-8")
    return ["--structure", str(tmp_path / "i.json"), "--data", str(tmp_path / "d.csv")]


def rows(*argv: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(cchc(*argv, "--format", "json"))
    return data


class TestTreatment:
    def test_the_outlier_is_winsorised(self, files: list[str]) -> None:
        """a = 100, 1..5 fails the test (skew 2.45, kurtosis 6.0); one step sets 100 to 5.

        Then a = 5, 1, 2, 3, 4, 5 scores (x - 1) / 4 * 100: A 100, B 0, C 25, D 50, E 75, F 100.
        """
        out = rows(*files, "--treatment", "skew_kurtosis")
        a = {r["unit"]: r["score"] for r in out if r["node"] == "a"}
        assert a == {"A": 100.0, "B": 0.0, "C": 25.0, "D": 50.0, "E": 75.0, "F": 100.0}
        assert out[0]["method"].endswith("; treatment skew_kurtosis")

    def test_without_the_option_nothing_is_treated(self, files: list[str]) -> None:
        out = rows(*files)
        a = {r["unit"]: r["score"] for r in out if r["node"] == "a"}
        # minmax over 1..100: C = (2 - 1) / 99 * 100.
        assert a["C"] == pytest.approx(100 / 99)
        assert "treatment" not in out[0]["method"]

    def test_options_of_the_treatment(self, files: list[str]) -> None:
        out = rows(*files, "--treatment", "quantile_cap:lower=0:upper=0.8")
        assert "treatment quantile_cap(lower=0, upper=0.8)" in out[0]["method"]

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("trim", "--treatment: unknown treatment method 'trim'"),
            ("winsorise,log", "--treatment: give one treatment, got 2"),
            ("boxcox", "--treatment: treatment 'boxcox' needs a number 'lambda'"),
            ("winsorise:winmax", "--treatment: cannot read the option 'winmax'"),
        ],
    )
    def test_bad_treatments_name_the_option(
        self, files: list[str], value: str, message: str
    ) -> None:
        with pytest.raises(DefinitionError, match=message) as info:
            run(*files, "--treatment", value)
        assert str(info.value).count("--treatment") == 1

    def test_a_points_structure_refuses_it(self, tmp_path: Path) -> None:
        data = tmp_path / "d.csv"
        data.write_text("indicator,unit,period,value\nentry_costs,A,2024,5\n", encoding="utf-8")
        with pytest.raises(DefinitionError, match="--treatment: a points structure"):
            run("--structure", "pci-2016", "--data", str(data), "--treatment", "log")


class TestScreening:
    def test_a_unit_below_the_share_is_left_out(self, tmp_path: Path, files: list[str]) -> None:
        (tmp_path / "d.csv").write_text(DATA.replace("b,C,2024,4\n", ""), encoding="utf-8")
        out = rows(*files, "--screen", "1")
        assert sorted({r["unit"] for r in out}) == ["A", "B", "D", "E", "F"]
        assert "screening min_share 1; impute then screen" in out[0]["method"]

    def test_include_and_exclude(self, tmp_path: Path, files: list[str]) -> None:
        (tmp_path / "d.csv").write_text(DATA.replace("b,C,2024,4\n", ""), encoding="utf-8")
        out = rows(*files, "--screen", "1", "--include", "C", "--exclude", "A,B")
        assert sorted({r["unit"] for r in out}) == ["C", "D", "E", "F"]

    def test_the_options_lay_over_the_definition_s_screening(
        self, tmp_path: Path, files: list[str]
    ) -> None:
        index = {**INDEX, "screening": {"exclude": ["A"]}}
        (tmp_path / "i.json").write_text(json.dumps(index), encoding="utf-8")
        out = rows(*files, "--screen-order", "screen_then_impute")
        assert "A" not in {r["unit"] for r in out}
        assert out[0]["method"].endswith("exclude A; screen then impute")

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["--screen", "1.5"], "--screen: expected a share from 0 to 1, got '1.5'"),
            (["--screen-nonzero", "x"], "--screen-nonzero: expected a number, got 'x'"),
            (
                ["--screen", "0.5", "--include", "A", "--exclude", "A"],
                "unit 'A' is both included and excluded",
            ),
            (["--include", "A,,B"], "--include: an empty item"),
            (["--include", "A"], "--include: units are forced in against a screening rule"),
            (["--screen-order", "screen_then_impute"], "--screen-order: the order of imputation"),
        ],
    )
    def test_bad_screening_options(self, files: list[str], argv: list[str], message: str) -> None:
        with pytest.raises(DefinitionError, match=message):
            run(*files, *argv)

    def test_a_forced_unit_that_is_not_in_the_data(self, files: list[str]) -> None:
        from cchc_indicators import InvalidDataError

        with pytest.raises(InvalidDataError, match="forces unit 'Z' in"):
            run(*files, "--screen", "0.5", "--include", "Z")


class TestDiagnostics:
    def test_text(self, tmp_path: Path, files: list[str]) -> None:
        path = tmp_path / "diag.txt"
        cchc(*files, "--treatment", "skew_kurtosis", "--diagnostics", str(path))
        text = path.read_text(encoding="utf-8")
        assert text.startswith("Screening\n---------\nnone: every unit is scored\n\n")
        assert "Outlier treatment\n-----------------\n" in text
        assert "\nStatistics\n----------\n" in text
        treated = [line for line in text.splitlines() if line.startswith("a ")]
        assert "winsorise" in treated[0]
        assert "Points changed" in text
        assert [line.split() for line in text.splitlines() if line.endswith("winhi")] == [
            ["a", "A", "100", "5", "winhi"]
        ]

    def test_json(self, tmp_path: Path, files: list[str]) -> None:
        path = tmp_path / "diag.json"
        cchc(*files, "--treatment", "skew_kurtosis", "--screen", "0.5", "--diagnostics", str(path))
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert list(doc) == [
            "index",
            "period",
            "method",
            "screening",
            "treatment",
            "changed",
            "statistics",
            "aggregates",
            "correlations",
            "flags",
            "note",
        ]
        assert doc["treatment"][0]["applied"] == "winsorise"
        assert doc["treatment"][0]["winsorised"] == 1
        # A's 100 became 5 (the largest value below it).
        assert doc["changed"] == [
            {"indicator": "a", "unit": "A", "before": 100.0, "after": 5.0, "flag": "winhi"}
        ]
        assert doc["aggregates"][0]["node"] == "i"
        assert set(doc["aggregates"][0]["loadings"]) == {"a", "b"}
        assert doc["correlations"]["nodes"] == ["i", "a", "b"]
        assert len(doc["correlations"]["pearson"]) == 3
        assert isinstance(doc["flags"], list)
        assert [r["kept"] for r in doc["screening"]] == [True] * 6
        assert doc["note"] is None

    def test_without_steps_the_report_says_so(self, tmp_path: Path, files: list[str]) -> None:
        path = tmp_path / "diag.txt"
        cchc(*files, "--diagnostics", str(path), "--note", "SYNTHETIC")
        text = path.read_text(encoding="utf-8")
        assert "Outlier treatment\n-----------------\nnone\n" in text
        assert text.endswith("\n\nSYNTHETIC\n")

    def test_with_uncertainty_the_nominal_result_is_reported(
        self, tmp_path: Path, files: list[str]
    ) -> None:
        path = tmp_path / "diag.json"
        cchc(*files, "--uncertainty", "20", "--seed", "1", "--diagnostics", str(path))
        assert json.loads(path.read_text(encoding="utf-8"))["index"] == "i"

    def test_a_file_that_cannot_be_written_names_the_option(
        self, tmp_path: Path, files: list[str]
    ) -> None:
        with pytest.raises(OutputError, match="--diagnostics"):
            run(*files, "--diagnostics", str(tmp_path))

    def test_the_same_file_as_the_output_is_refused(self, tmp_path: Path, files: list[str]) -> None:
        path = str(tmp_path / "out.json")
        with pytest.raises(DefinitionError, match="is also --output; give two files"):
            run(*files, "--diagnostics", path, "--output", path, "--format", "json")

    def test_a_points_structure_refuses_it(self, tmp_path: Path) -> None:
        data = tmp_path / "d.csv"
        data.write_text("indicator,unit,period,value\nentry_costs,A,2024,5\n", encoding="utf-8")
        with pytest.raises(DefinitionError, match="--diagnostics: a points structure"):
            run("--structure", "pci-2016", "--data", str(data), "--diagnostics", "x.txt")


def test_the_definition_is_not_changed_without_options() -> None:
    """with_steps returns the very index when no step option is given."""
    from cchc_indicators.cli._index import with_steps
    from cchc_indicators.cli._index_options import _Options
    from cchc_indicators.composite.uncertainty import WeightNoise

    idx = composite.CompositeIndex("i", children=[composite.Node("a")])
    opts = _Options(None, "", None, None, WeightNoise(0.25), None, None, None, None)
    assert with_steps(idx, opts) is idx


def test_a_treatment_the_definition_refuses_names_the_option() -> None:
    """A treatment over an index normalised over the panel is refused, naming --treatment."""
    from cchc_indicators.cli._index import with_steps
    from cchc_indicators.cli._index_options import _Options
    from cchc_indicators.composite.uncertainty import WeightNoise

    idx = composite.CompositeIndex(
        "i", children=[composite.Node("a")], normalisation={"name": "minmax", "over": "panel"}
    )
    opts = _Options(
        None,
        "",
        None,
        None,
        WeightNoise(0.25),
        None,
        None,
        None,
        None,
        treatment=composite.Method("log_ct"),
    )
    with pytest.raises(DefinitionError, match=r"^--treatment: .*over='panel'"):
        with_steps(idx, opts)
