"""Tests of `cchc rebase` (the parser and command of cchc_indicators.cli._rebase)."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pytest

from cchc_indicators import CchcError, InvalidDataError, Panel, PanelError, catalog, units
from cchc_indicators.cli._rebase import add_parser
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.engine.rebase import RebaseError
from cchc_indicators.units.crosswalk import CrosswalkError

PLAN = "vinh-phuc-2021-2025"

#: Vĩnh Phúc in 2024: work files of two communes that merge (08707, 08713), of a district,
#: of the province; PAR INDEX of the three provinces that became Phú Thọ; public service units.
DATA = """indicator,unit,period,value,numerator,denominator
work_files_online,08707,2024,,30,40
work_files_online,08713,2024,,45,60
work_files_online,243,2024,,70,100
work_files_online,26,2024,,95,100
par_index,17,2024,80,,
par_index,25,2024,84,,
par_index,26,2024,88,,
public_service_units,26,2024,640,,
public_service_units,25,2024,500,,
"""


def parser() -> argparse.ArgumentParser:
    """A `cchc` parser with only the rebase command."""
    p = argparse.ArgumentParser(prog="cchc")
    add_parser(p.add_subparsers(dest="command"))
    return p


def cchc(*argv: str) -> tuple[int, str]:
    """Run `cchc rebase ARGV`; return the exit status and what it printed."""
    args = parser().parse_args(["rebase", *argv])
    out = io.StringIO()
    status = args.run(args, out)
    return status, out.getvalue()


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def common(tmp_path: Path, data: str = DATA) -> list[str]:
    """--data, --from, --to and --output for a data text."""
    return [
        "--data",
        str(write(tmp_path / "data.csv", data)),
        "--from",
        "vn-2024",
        "--to",
        "vn-2025",
        "--output",
        str(tmp_path / "out.csv"),
    ]


class TestRebase:
    def test_with_the_plan(self, tmp_path: Path) -> None:
        """With the plan, values re-base by their indicator's rule; parts and counts add up."""
        status, text = cchc(*common(tmp_path), "--plan", PLAN, "--district-to", "province")
        assert status == 0
        rows = {(r["indicator"], r["unit"]): r for r in read(tmp_path / "out.csv")}
        assert rows["work_files_online", "08707"]["numerator"] == "75"
        assert rows["work_files_online", "08707"]["denominator"] == "100"
        assert rows["work_files_online", "25"]["numerator"] == "165"  # 26 own + district 243
        assert rows["par_index", "25"]["value"] == "84"  # mean of 80, 84, 88
        assert rows["public_service_units", "25"]["value"] == "1140"
        assert list(read(tmp_path / "out.csv")[0]) == [
            "indicator", "unit", "period", "value", "numerator", "denominator"
        ]  # fmt: skip
        assert "re-based from vn-2024 to vn-2025" in text
        assert "par_index: mean (rule mean)" in text
        assert (
            "public_service_units: sum (measure count): allocated by weight and added up; value 1140 -> 1140"
            in text
        )
        assert "all additive totals conserved" in text
        assert f"wrote 4 observations to {tmp_path / 'out.csv'}" in text

    def test_output_reads_back_on_the_new_edition(self, tmp_path: Path) -> None:
        """The output is a long observation file of the new edition, valid for the plan."""
        cchc(*common(tmp_path), "--plan", PLAN, "--district-to", "province")
        plan = catalog.load(PLAN)
        panel = Panel.from_csv(
            tmp_path / "out.csv", units.load("vn-2025"), indicators=plan.indicators
        )
        assert panel.value("work_files_online", "08707", 2024) == 75.0
        assert len(panel) == 4

    def test_plan_file(self, tmp_path: Path) -> None:
        """--plan also takes a plan JSON file."""
        plan_file = tmp_path / "plan.json"
        catalog.load(PLAN).to_json(plan_file)
        status, _ = cchc(*common(tmp_path), "--plan", str(plan_file), "--district-to", "province")
        assert status == 0

    def test_methods_instead_of_a_plan(self, tmp_path: Path) -> None:
        """Without a plan, --method says how values re-base; parts need nothing."""
        data = "indicator,unit,period,value,numerator,denominator\nx,17,2024,2,,\nx,26,2024,6,,\ny,08707,2024,,1,2\n"
        status, text = cchc(*common(tmp_path, data), "--method", "x=max")
        assert status == 0
        rows = {(r["indicator"], r["unit"]): r for r in read(tmp_path / "out.csv")}
        assert rows["x", "25"]["value"] == "6"
        assert rows["y", "08707"]["numerator"] == "1"
        assert "x: max (declared)" in text

    def test_weights_of_a_split_commune(self, tmp_path: Path) -> None:
        """--weights gives the shares of a split commune (and a weight column when data have one)."""
        data = "indicator,unit,period,numerator,denominator,weight\nf,00016,2024,30,40,8\n"
        weights = write(
            tmp_path / "w.csv", "old_code,new_code,weight\n00016,00004,0.8\n00016,00008,0.2\n"
        )
        status, text = cchc(*common(tmp_path, data), "--weights", str(weights))
        assert status == 0
        rows = {r["unit"]: r for r in read(tmp_path / "out.csv")}
        assert (
            rows["00004"]["numerator"],
            rows["00004"]["denominator"],
            rows["00004"]["weight"],
        ) == (
            "24",
            "32",
            "6.4",
        )
        assert float(rows["00008"]["numerator"]) == pytest.approx(6.0)
        assert f"weights: {weights}" in text
        assert "split units with data: 1 (00016)" in text

    def test_weights_of_districts_onto_communes(self, tmp_path: Path) -> None:
        """With --district-to commune, --weights may give district shares too."""
        data = "indicator,unit,period,value\nstaff,243,2024,10\n"
        weights = write(
            tmp_path / "w.csv", "old_code,new_code,weight\n243,08707,0.3\n243,08716,0.7\n"
        )
        status, _ = cchc(
            *common(tmp_path, data),
            "--method",
            "staff=sum",
            "--district-to",
            "commune",
            "--weights",
            str(weights),
        )
        assert status == 0
        rows = {r["unit"]: r["value"] for r in read(tmp_path / "out.csv")}
        assert rows == {"08707": "3", "08716": "7"}

    def test_same_edition(self, tmp_path: Path) -> None:
        """From an edition to itself, observations come back unchanged."""
        data = "indicator,unit,period,value\nstaff,25,2025,3\n"
        argv = common(tmp_path, data)
        argv[argv.index("vn-2024")] = "vn-2025"
        status, text = cchc(*argv, "--method", "staff=sum")
        assert status == 0
        assert read(tmp_path / "out.csv") == [
            {
                "indicator": "staff",
                "unit": "25",
                "period": "2025",
                "value": "3",
                "numerator": "",
                "denominator": "",
            }
        ]
        assert "identity (vn-2025)" in text

    def test_unmapped_units_are_reported(self, tmp_path: Path) -> None:
        """An unmapped commune's data are counted in the summary, not written."""
        data = "indicator,unit,period,value\nstaff,01651,2024,4\nstaff,01654,2024,6\n"
        status, text = cchc(*common(tmp_path, data), "--method", "staff=sum")
        assert status == 0
        assert "unmapped units with data: 1 (01651)" in text
        assert "value 10 -> 6 (4 unmapped)" in text
        assert "wrote 1 observation to" in text


class TestBadInput:
    """Each raises a library error (a CchcError or OSError); the cchc command prints it on one line."""

    def test_unknown_edition(self, tmp_path: Path) -> None:
        """An unknown edition name is a DefinitionError listing the editions."""
        argv = common(tmp_path)
        argv[argv.index("vn-2025")] = "vn-2030"
        with pytest.raises(DefinitionError, match="unknown edition 'vn-2030'"):
            cchc(*argv)

    def test_backwards(self, tmp_path: Path) -> None:
        """There is no official crosswalk from vn-2025 back to vn-2024."""
        argv = common(tmp_path)
        i, j = argv.index("vn-2024"), argv.index("vn-2025")
        argv[i], argv[j] = "vn-2025", "vn-2024"
        with pytest.raises(DefinitionError, match="no official crosswalk from vn-2025 to vn-2024"):
            cchc(*argv)

    def test_values_without_a_method(self, tmp_path: Path) -> None:
        """Value rows of an indicator no plan defines name the indicator."""
        data = "indicator,unit,period,value\nx,26,2024,5\n"
        with pytest.raises(
            RebaseError, match="indicator 'x' has values and no definition says how"
        ):
            cchc(*common(tmp_path, data))

    def test_district_data_without_destination(self, tmp_path: Path) -> None:
        """District rows need --district-to."""
        with pytest.raises(
            RebaseError, match="has no district level: 1 district-level unit has data \\(243"
        ):
            cchc(*common(tmp_path), "--plan", PLAN)

    def test_unknown_unit_in_the_data(self, tmp_path: Path) -> None:
        """A code that is not in the --from edition is a PanelError naming the row."""
        data = "indicator,unit,period,value\nstaff,99999,2024,5\n"
        with pytest.raises(PanelError) as info:
            cchc(*common(tmp_path, data), "--method", "staff=sum")
        assert info.value.first_line().endswith(
            "row 2, field 'unit': unknown unit '99999' (not in the hierarchy, edition vn-2024)"
        )

    def test_data_that_do_not_fit_the_plan(self, tmp_path: Path) -> None:
        """Observations are checked against the plan's measures."""
        data = "indicator,unit,period,value\npar_index,26,2024,120\n"
        with pytest.raises(PanelError, match="a score must lie in \\[0, 100\\], got 120"):
            cchc(*common(tmp_path, data), "--plan", PLAN)

    def test_bad_weights(self, tmp_path: Path) -> None:
        """Weights that do not sum to 1 are a CrosswalkError naming the file and row."""
        weights = write(
            tmp_path / "w.csv", "old_code,new_code,weight\n00016,00004,0.5\n00016,00008,0.4\n"
        )
        data = "indicator,unit,period,value\nstaff,00016,2024,5\n"
        with pytest.raises(CrosswalkError) as info:
            cchc(*common(tmp_path, data), "--method", "staff=sum", "--weights", str(weights))
        assert info.value.first_line().startswith(
            f"{weights}: row 2, field 'weight': the weights of old unit '00016' sum to 0.9"
        )

    def test_district_weights_without_district_to(self, tmp_path: Path) -> None:
        """District weights without --district-to commune say how to derive district links."""
        weights = write(tmp_path / "w.csv", "old_code,new_code,weight\n243,08707,1\n")
        with pytest.raises(CrosswalkError, match="its level 'district' has no links"):
            cchc(*common(tmp_path), "--weights", str(weights))

    def test_malformed_method(self, tmp_path: Path) -> None:
        """--method is CODE=METHOD; the method must be known."""
        with pytest.raises(DefinitionError, match="--method: write CODE=METHOD"):
            cchc(*common(tmp_path), "--method", "par_index")
        data = "indicator,unit,period,value\nx,26,2024,5\n"
        with pytest.raises(DefinitionError, match="unknown re-basing method 'median'"):
            cchc(*common(tmp_path, data), "--method", "x=median")

    def test_unknown_plan(self, tmp_path: Path) -> None:
        """--plan must be a catalogue or a file."""
        with pytest.raises(DefinitionError, match="--plan: 'nope' is neither a catalogue"):
            cchc(*common(tmp_path), "--plan", "nope")

    def test_missing_data_file(self, tmp_path: Path) -> None:
        """A data file that does not exist is an InvalidDataError naming it and the cause."""
        argv = common(tmp_path)
        argv[argv.index("--data") + 1] = str(tmp_path / "missing.csv")
        with pytest.raises(InvalidDataError, match=r"missing\.csv: 1 problem\n  no such file"):
            cchc(*argv)

    def test_missing_arguments(self) -> None:
        """--data, --from, --to and --output are required (argparse reports it)."""
        with pytest.raises(SystemExit):
            parser().parse_args(["rebase", "--data", "d.csv"])

    def test_errors_are_library_errors(self) -> None:
        """Every error above is one the cchc command turns into one line and status 2."""
        for error in (DefinitionError, RebaseError, PanelError, CrosswalkError):
            assert issubclass(error, CchcError)
        assert issubclass(CrosswalkError, InvalidDataError)


class TestThroughTheMainCommand:
    """`cchc rebase` is wired into the main command line."""

    def test_main_runs_rebase(self, tmp_path: Path) -> None:
        """cchc rebase through cli.main exits 0 and writes the re-based file."""
        from cchc_indicators.cli import main

        out = io.StringIO()
        argv = ["rebase", *common(tmp_path), "--plan", PLAN, "--district-to", "province"]
        assert main(argv, out=out) == 0
        assert (tmp_path / "out.csv").exists()
        assert "re-based from vn-2024 to vn-2025" in out.getvalue()

    def test_bad_edition_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown edition is a one-line error with exit code 2."""
        from cchc_indicators.cli import main

        argv = ["rebase", *common(tmp_path)]
        argv[argv.index("vn-2025")] = "vn-2030"
        assert main(argv, out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert err.startswith("cchc: error:")
        assert len(err.strip().splitlines()) == 1


class TestMessagesNameOptions:
    """Through the cchc command, a message asking for a keyword argument names the option."""

    def main(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
        from cchc_indicators.cli import main

        assert main(["rebase", *argv], out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1
        return err

    def test_values_without_a_method_ask_for_method(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Values of an undefined indicator ask for --method x=METHOD, not methods={...}."""
        data = "indicator,unit,period,value\nx,26,2024,5\n"
        assert self.main(common(tmp_path, data), capsys) == (
            "cchc: error: indicator 'x' has values and no definition says how to re-base them: "
            "define it (as a plan's indicators do) or pass --method x=METHOD with one of sum, "
            "mean, weighted_mean(by=weight), weighted_mean(by=denominator), min, max, any, all, "
            "majority\n"
        )

    def test_district_data_ask_for_district_to(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """District rows ask for --district-to province or commune, not district_to='...'."""
        err = self.main([*common(tmp_path), "--plan", PLAN], capsys)
        assert err.endswith(
            "pass --district-to province (its figures join its new province's) or "
            "--district-to commune (shared among the new communes its communes went to)\n"
        )
        assert "district_to" not in err

    def test_method_for_an_indicator_not_in_the_data(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--method for a code the data lack names --method."""
        data = "indicator,unit,period,value\nx,26,2024,5\n"
        argv = [*common(tmp_path, data), "--method", "x=sum", "--method", "y=mean"]
        assert self.main(argv, capsys) == (
            "cchc: error: --method names indicator(s) not in the panel: y\n"
        )


class TestEmptyFiles:
    def test_header_only_data_file(self, tmp_path: Path) -> None:
        """A data file with a header and no row is refused rather than re-based to nothing."""
        with pytest.raises(InvalidDataError) as info:
            cchc(*common(tmp_path, "indicator,unit,period,value\n"))
        assert info.value.first_line() == (
            f"{tmp_path / 'data.csv'}: no observations: the file holds a header and no row"
        )
        assert not (tmp_path / "out.csv").exists()

    def test_header_only_weights_file(self, tmp_path: Path) -> None:
        """A weights file with a header and no row is refused rather than read as equal weights."""
        weights = write(tmp_path / "w.csv", "old_code,new_code,weight\n")
        data = "indicator,unit,period,value\nstaff,00016,2024,5\n"
        with pytest.raises(CrosswalkError) as info:
            cchc(*common(tmp_path, data), "--method", "staff=sum", "--weights", str(weights))
        assert info.value.first_line() == (
            f"{weights}: no weights: the file holds a header and no row"
        )

    def test_output_in_a_missing_folder(self, tmp_path: Path) -> None:
        """An --output that cannot be written names the option, the path and the folder."""
        from cchc_indicators.cli._output import OutputError

        argv = common(tmp_path)
        target = tmp_path / "no" / "out.csv"
        argv[argv.index("--output") + 1] = str(target)
        with pytest.raises(OutputError) as info:
            cchc(*argv, "--plan", PLAN, "--district-to", "province")
        assert str(info.value) == (
            f"--output {target}: cannot write: no such folder {str(target.parent)!r}"
        )
