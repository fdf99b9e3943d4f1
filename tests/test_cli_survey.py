"""Tests of the `cchc survey` command (cchc_indicators.cli._survey): outputs, options, bad input."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cchc_indicators import (
    CchcError,
    DefinitionError,
    HierarchyError,
    InvalidDataError,
    UnknownLevelError,
)
from cchc_indicators.cli._survey import add_parser, run
from cchc_indicators.survey import RECORD_KEYS

UNITS = """code,name,level,parent
26,Tỉnh Vĩnh Phúc,province,
243,Thành phố Vĩnh Yên,district,26
08707,Phường Tích Sơn,commune,243
08710,Phường Liên Bảo,commune,243
"""

#: Two communes, three questions, weights and strata; r1 of 08707 skips q3.
RESPONSES = """respondent,unit,question,answer,weight,stratum
r1,08707,q1,5,1.5,counter
r1,08707,q2,4,1.5,counter
r2,08707,q1,2,0.5,online
r2,08707,q2,5,0.5,online
r2,08707,q3,4,0.5,online
r1,08710,q1,4,1.0,counter
r1,08710,q2,1,1.0,counter
r1,08710,q3,5,1.0,counter
r2,08710,q1,5,2.0,counter
r2,08710,q2,5,2.0,counter
r2,08710,q3,3,2.0,counter
"""

ELEMENTS = """element,question
service,q1
service,q2
results,q3
"""


class _Parser(argparse.ArgumentParser):
    """A parser that raises on usage errors instead of exiting (as the main CLI does)."""

    def error(self, message: str) -> Any:
        raise ValueError(message)


def parse(*argv: str) -> argparse.Namespace:
    parser = _Parser(prog="cchc")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["survey", *argv])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Units, responses and elements files in a temporary folder."""
    out = {}
    for name, text in (("units", UNITS), ("responses", RESPONSES), ("elements", ELEMENTS)):
        out[name] = tmp_path / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8")
    return out


def base(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "--responses",
        str(files["responses"]),
        "--units",
        str(files["units"]),
        "--scale",
        "1-5",
        "--satisfied",
        "4,5",
        *extra,
    ]


def output(args: argparse.Namespace) -> str:
    out = io.StringIO()
    assert run(args, out) == 0
    return out.getvalue()


class TestOutputs:
    def test_defaults(self) -> None:
        """Without options: territory scope, 95 %, analytic intervals, a table on stdout."""
        args = parse("--responses", "r.csv", "--scale", "1-5", "--satisfied", "4,5")
        assert (args.scope, args.confidence, args.interval, args.format, args.output) == (
            "territory",
            "0.95",
            "analytic",
            "table",
            None,
        )
        assert (args.elements, args.units, args.no_weights, args.level) == (None, None, False, None)

    def test_json_has_one_object_per_unit_and_question(self, files: dict[str, Path]) -> None:
        """--format json: objects with unit, question, n, share, lower, upper, method."""
        records = json.loads(output(parse(*base(files, "--format", "json"))))
        assert {(r["unit"], r["question"]) for r in records} == {
            (u, q) for u in ("26", "243", "08707", "08710") for q in ("q1", "q2", "q3")
        }
        for r in records:
            assert {"unit", "question", "n", "share", "lower", "upper", "method"} <= set(r)
            assert r["lower"] <= r["share"] <= r["upper"]
        top = next(r for r in records if r["unit"] == "26" and r["question"] == "q1")
        # weighted: satisfied r1@08707 (1.5), r1@08710 (1.0), r2@08710 (2.0) of 5.0
        assert (top["n"], top["share"], top["method"]) == (4, 90.0, "wilson_kish")
        q3 = next(r for r in records if r["unit"] == "08707" and r["question"] == "q3")
        assert q3["n"] == 1

    def test_elements_add_element_and_overall_rows(self, files: dict[str, Path]) -> None:
        """With --elements the JSON also has element and overall objects."""
        records = json.loads(
            output(parse(*base(files, "--elements", str(files["elements"]), "--format", "json")))
        )
        top = [r for r in records if r["unit"] == "26"]
        assert [(r["kind"], r["question"] or r["element"]) for r in top] == [
            ("question", "q1"),
            ("question", "q2"),
            ("question", "q3"),
            ("element", "service"),
            ("element", "results"),
            ("overall", "overall"),
        ]
        assert {r["method"] for r in top[3:]} == {"wilson_design"}

    def test_csv(self, files: dict[str, Path]) -> None:
        """--format csv writes the record keys as the header."""
        text = output(parse(*base(files, "--format", "csv", "--level", "province")))
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == list(RECORD_KEYS)
        assert [r["question"] for r in rows] == ["q1", "q2", "q3"]

    def test_table(self, files: dict[str, Path]) -> None:
        """The table has one line per unit and item, indented by level."""
        lines = output(parse(*base(files))).splitlines()
        assert lines[0].split() == ["unit", "item", "n", "share", "lower", "upper", "method"]
        assert lines[2].split()[:6] == ["Tỉnh", "Vĩnh", "Phúc", "(26)", "q1", "4"]
        assert lines[-1].startswith("    Phường Liên Bảo (08710)")
        assert len(lines) == 2 + 4 * 3

    def test_output_file(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--output writes the file and nothing to stdout."""
        target = tmp_path / "out.json"
        args = parse(*base(files, "--format", "json", "--output", str(target)))
        assert output(args) == ""
        assert json.loads(target.read_text(encoding="utf-8"))[0]["unit"] == "26"

    def test_scope_level_weights_and_confidence(self, files: dict[str, Path]) -> None:
        """--scope own, --no-weights and --confidence change what is computed."""
        own = json.loads(output(parse(*base(files, "--scope", "own", "--format", "json"))))
        assert {r["unit"] for r in own} == {"08707", "08710"}
        assert {r["scope"] for r in own} == {"own"}
        plain = json.loads(
            output(parse(*base(files, "--no-weights", "--level", "province", "--format", "json")))
        )
        assert (plain[0]["share"], plain[0]["method"]) == (75.0, "wilson")
        narrow = json.loads(
            output(
                parse(
                    *base(files, "--confidence", "0.8", "--level", "province", "--format", "json")
                )
            )
        )
        wide = json.loads(output(parse(*base(files, "--level", "province", "--format", "json"))))
        assert narrow[0]["upper"] - narrow[0]["lower"] < wide[0]["upper"] - wide[0]["lower"]
        assert narrow[0]["confidence"] == 0.8

    def test_bootstrap_is_seeded(self, files: dict[str, Path]) -> None:
        """--interval bootstrap with --seed gives the same bounds twice."""
        opts = (
            "--interval",
            "bootstrap",
            "--replications",
            "50",
            "--seed",
            "3",
            "--format",
            "json",
        )
        a = json.loads(output(parse(*base(files, *opts))))
        b = json.loads(output(parse(*base(files, *opts))))
        assert a == b
        assert {r["method"] for r in a} == {"bootstrap_percentile"}

    def test_embedded_units_by_default(self, tmp_path: Path) -> None:
        """Without --units the embedded Vĩnh Phúc units are used."""
        p = tmp_path / "r.csv"
        p.write_text("respondent,unit,question,answer\n1,08707,q1,5\n", encoding="utf-8")
        records = json.loads(
            output(
                parse(
                    "--responses",
                    str(p),
                    "--scale",
                    "1-5",
                    "--satisfied",
                    "4,5",
                    "--format",
                    "json",
                )
            )
        )
        assert [r["unit"] for r in records] == ["26", "243", "08707"]
        assert records[0]["unit_name"] == "Tỉnh Vĩnh Phúc"

    def test_levels_of_a_two_tier_unit_list(self, tmp_path: Path) -> None:
        """--levels reads a unit list of another structure."""
        units = tmp_path / "u.csv"
        units.write_text(
            "code,name,level,parent\n25,Phú Thọ,province,\n00001,Xã A,commune,25\n",
            encoding="utf-8",
        )
        p = tmp_path / "r.csv"
        p.write_text("respondent,unit,question,answer\n1,00001,q1,4\n", encoding="utf-8")
        args = parse(
            "--responses", str(p), "--units", str(units), "--levels", "province,commune",
            "--scale", "1-5", "--satisfied", "4,5", "--format", "json",
        )  # fmt: skip
        assert [r["unit"] for r in json.loads(output(args))] == ["25", "00001"]


class TestBadInput:
    """Bad input raises the library's errors, which the main CLI prints as one line (exit 2)."""

    @pytest.mark.parametrize(
        ("option", "value", "message"),
        [
            ("--scale", "1to5", "--scale: a scale is written low-high"),
            ("--scale", "5-1", "--scale: a scale runs from a low end"),
            (
                "--satisfied",
                "4,6",
                "--satisfied: satisfied answers must lie on the scale 1-5, got 6",
            ),
            ("--satisfied", "good", "--satisfied: satisfied answers are whole numbers"),
            ("--confidence", "high", "--confidence: expected a number, got 'high'"),
            (
                "--confidence",
                "95",
                "--confidence: the confidence level must lie strictly between 0 and 1",
            ),
            ("--replications", "many", "--replications: expected a whole number, got 'many'"),
            ("--replications", "1", "--replications: the bootstrap needs at least 2 replications"),
            ("--seed", "1.5", "--seed: expected a whole number"),
            ("--scope", "tier", "--scope: a tier scope names its level"),
            ("--scope", "everything", "--scope: unknown scope 'everything'"),
        ],
    )
    def test_malformed_options(
        self, files: dict[str, Path], option: str, value: str, message: str
    ) -> None:
        """A malformed option is a DefinitionError naming the option."""
        args = parse(*base(files), option, value)
        with pytest.raises(DefinitionError) as info:
            run(args, io.StringIO())
        assert str(info.value).startswith(message)

    @pytest.mark.parametrize(("option", "value"), [("--scope", "tier:ward"), ("--level", "ward")])
    def test_unknown_level(self, files: dict[str, Path], option: str, value: str) -> None:
        """A level the units lack is an UnknownLevelError."""
        with pytest.raises(UnknownLevelError, match="unknown level 'ward'"):
            run(parse(*base(files), option, value), io.StringIO())

    def test_invalid_responses_name_file_row_and_field(self, files: dict[str, Path]) -> None:
        """Every problem of the responses file is listed; the first line names file, row, field."""
        files["responses"].write_text(
            "respondent,unit,question,answer,weight\nr1,08707,q1,6,1\nr2,99999,q1,4,0\n",
            encoding="utf-8",
        )
        with pytest.raises(InvalidDataError) as info:
            run(parse(*base(files)), io.StringIO())
        err = info.value
        assert err.kinds == ("answer_outside_scale", "unknown_unit", "nonpositive_weight")
        assert err.first_line() == (
            f"{files['responses']}: row 2, field 'answer': the answer 6 is not a whole number on "
            "the scale 1-5 (and 2 more problems)"
        )

    def test_missing_column(self, files: dict[str, Path]) -> None:
        """A responses file without an answer column is refused on row 1."""
        files["responses"].write_text("respondent,unit,question\nr1,08707,q1\n", encoding="utf-8")
        with pytest.raises(InvalidDataError, match="missing column"):
            run(parse(*base(files)), io.StringIO())

    def test_invalid_elements_file(self, files: dict[str, Path]) -> None:
        """An elements file with a question in two elements is invalid data, by row."""
        files["elements"].write_text("element,question\na,q1\nb,q1\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            run(parse(*base(files, "--elements", str(files["elements"]))), io.StringIO())
        assert info.value.problems[0].row == 3

    def test_element_of_unknown_question(self, files: dict[str, Path]) -> None:
        """An element naming a question no response answers names the elements file."""
        files["elements"].write_text("element,question\na,q1\na,q9\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            run(parse(*base(files, "--elements", str(files["elements"]))), io.StringIO())
        assert str(info.value).startswith(
            f"{files['elements']}: element 'a' names question(s) 'q9'"
        )

    def test_invalid_units(self, files: dict[str, Path]) -> None:
        """A broken units file is a HierarchyError."""
        files["units"].write_text(
            "code,name,level,parent\n26,P,province,\n243,D,district,99\n", encoding="utf-8"
        )
        with pytest.raises(HierarchyError):
            run(parse(*base(files)), io.StringIO())

    def test_missing_file(self, files: dict[str, Path], tmp_path: Path) -> None:
        """A missing responses file is an InvalidDataError naming it and the cause."""
        args = parse(*base(files))
        args.responses = tmp_path / "nowhere.csv"
        with pytest.raises(InvalidDataError, match=r"nowhere\.csv: 1 problem\n  no such file"):
            run(args, io.StringIO())

    def test_every_error_is_one_the_cli_reports(self, files: dict[str, Path]) -> None:
        """The errors raised are CchcError (or OSError), which the main CLI turns into exit code 2."""
        for argv in (base(files, "--scale", "x"), base(files, "--confidence", "2")):
            with pytest.raises(CchcError):
                run(parse(*argv), io.StringIO())


class TestThroughTheMainCommand:
    """`cchc survey` is wired into the main command line."""

    def test_main_runs_survey(self, files: dict[str, Path]) -> None:
        """cchc survey ... --format json through cli.main exits 0 with the JSON rows."""
        from cchc_indicators.cli import main

        out = io.StringIO()
        assert main(["survey", *base(files, "--format", "json")], out=out) == 0
        assert {r["unit"] for r in json.loads(out.getvalue())} == {"26", "243", "08707", "08710"}

    def test_bad_scale_exits_2(
        self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A malformed --scale is a one-line error with exit code 2."""
        from cchc_indicators.cli import main

        args = base(files)
        args[args.index("1-5")] = "five"
        assert main(["survey", *args], out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert err.startswith("cchc: error: --scale")
        assert len(err.strip().splitlines()) == 1


class TestEmptyFiles:
    def test_header_only_responses_are_refused(
        self, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A responses file with a header and no row is refused, not printed as an empty table."""
        from cchc_indicators.cli import main

        files["responses"].write_text("respondent,unit,question,answer\n", encoding="utf-8")
        out = io.StringIO()
        assert main(["survey", *base(files)], out=out) == 2
        assert out.getvalue() == ""
        assert capsys.readouterr().err == (
            f"cchc: error: {files['responses']}: no responses: the file holds a header and no row\n"
        )

    def test_header_only_units_are_the_units_file_fault(self, files: dict[str, Path]) -> None:
        """A units file without units is named, not the responses whose units it lacks."""
        files["units"].write_text("code,name,level,parent\n", encoding="utf-8")
        with pytest.raises(HierarchyError) as info:
            run(parse(*base(files)), io.StringIO())
        assert info.value.first_line() == (
            f"{files['units']}: no units: the file holds a header and no row"
        )

    def test_output_directory(self, files: dict[str, Path], tmp_path: Path) -> None:
        """--output naming a folder names the option, the folder and the cause."""
        from cchc_indicators.cli._output import OutputError

        with pytest.raises(OutputError) as info:
            run(parse(*base(files, "--output", str(tmp_path))), io.StringIO())
        assert str(info.value) == f"--output {tmp_path}: cannot write: it is a directory"
