"""Tests of the command line: the demo, `cchc rollup`, and bad input giving exit code 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_indicators.cli import main

UNITS = """code,name,level,parent
26,Tỉnh Vĩnh Phúc,province,
243,Thành phố Vĩnh Yên,district,26
244,Thành phố Phúc Yên,district,26
08707,Phường Tích Sơn,commune,243
08710,Phường Liên Bảo,commune,243
09013,Phường Trưng Trắc,commune,244
"""

DATA = """indicator,unit,period,value,numerator,denominator
files,08707,2024,,90,100
files,08710,2024,,10,20
files,09013,2024,,30,40
files,243,2024,75,,
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    units = tmp_path / "units.csv"
    data = tmp_path / "data.csv"
    units.write_text(UNITS, encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    return units, data


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


class TestDemo:
    def test_demo_says_its_data_is_synthetic(self) -> None:
        """The demo prints the synthetic-data label at the top and the bottom."""
        code, text = run("demo", "--lang", "en")
        assert code == 0
        lines = text.strip().splitlines()
        assert "SYNTHETIC" in lines[0]
        assert "SYNTHETIC" in lines[-1]
        assert "Vĩnh Phúc provincial state administrative reform plan 2021–2025" in text
        assert "Tỉnh Vĩnh Phúc (26) — Period: 2025" in text

    def test_no_arguments_runs_the_demo(self) -> None:
        """`cchc` with no arguments is `cchc demo`."""
        assert run() == run("demo")

    def test_module_entry_point_runs_in_a_subprocess(self) -> None:
        """`python -m cchc_indicators` exits 0 and prints the demo."""
        proc = subprocess.run(
            [sys.executable, "-m", "cchc_indicators"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "SYNTHETIC" in proc.stdout


class TestRollupCommand:
    def test_json_rows_are_pooled(self, files: tuple[Path, Path]) -> None:
        """The province's commune pool is (90 + 10 + 30) / (100 + 20 + 40) = 81.25 %."""
        units, data = files
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--format", "json", "--level", "province",
        )  # fmt: skip
        assert code == 0
        (row,) = json.loads(text)
        assert row["unit"] == "26"
        assert row["value"] == pytest.approx(81.25)
        assert row["rule"] == "ratio_of_sums"
        assert row["scope"] == "tier:commune"
        assert row["n_with_data"] == 3

    def test_csv_output_to_a_file(self, files: tuple[Path, Path], tmp_path: Path) -> None:
        """--output writes the CSV to a file; district 243 pools 100 / 120."""
        units, data = files
        out = tmp_path / "out.csv"
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--format", "csv", "--output", str(out),
        )  # fmt: skip
        assert code == 0
        assert text == ""
        lines = out.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("indicator,unit,name,level,period,value")
        row_243 = next(line for line in lines if line.startswith("files,243,"))
        assert ",83.3333333333,%," in row_243  # 100 / 120 to 12 significant digits

    def test_table_output_with_rule_and_measure(self, files: tuple[Path, Path]) -> None:
        """A rule given on the command line is applied: mean of 90, 50 and 75 % is 71.7 %."""
        units, data = files
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--rule", "mean", "--measure", "ratio:100",
            "--level", "province",
        )  # fmt: skip
        assert code == 0
        assert "71.7" in text

    @pytest.mark.parametrize(
        ("extra", "message"),
        [
            (["--measure", "bogus"], "unknown measure 'bogus'"),
            (["--measure", "score:a:b"], "cannot read 'score:a:b'"),
            (["--rule", "sum"], "rule 'sum' does not fit a ratio measure"),
            (["--scope", "tier:ward"], "unknown level 'ward'"),
            (["--indicator", "nothing"], "no observation of indicator 'nothing'"),
            (["--min-coverage", "2"], "--min-coverage: a share between 0 and 1, got '2'"),
            (["--min-coverage", "nan"], "--min-coverage: a share between 0 and 1, got 'nan'"),
            (["--min-coverage", "half"], "--min-coverage: a share between 0 and 1, got 'half'"),
            (["--level", "ward"], "unknown level 'ward'"),
        ],
    )
    def test_bad_options_exit_2_with_one_line(
        self,
        files: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        extra: list[str],
        message: str,
    ) -> None:
        """Bad options give exit code 2 and a one-line message, never a traceback."""
        units, data = files
        args = ["rollup", "--units", str(units), "--data", str(data), "--indicator", "files"]
        code, _ = run(*args, "--scope", "tier:commune", *extra)
        err = capsys.readouterr().err
        assert code == 2
        assert message in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err

    def test_min_coverage_leaves_out_thin_pools(self, files: tuple[Path, Path]) -> None:
        """--min-coverage 0.7 leaves out 26 (2 of 3 communes report) and 243 (1 of 2), not 244."""
        units, data = files
        data.write_text(DATA.replace("files,08710,2024,,10,20\n", ""), encoding="utf-8")
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--format", "json", "--min-coverage", "0.7",
        )  # fmt: skip
        assert code == 0
        rows = {
            r["unit"]: (r["value"], r["reason"])
            for r in json.loads(text)
            if r["level"] != "commune"
        }
        # 26: 2 of 3 communes report (0.67 < 0.7); 243: 1 of 2 (0.5); 244: 1 of 1
        assert rows == {
            "26": (None, "below_min_coverage"),
            "243": (None, "below_min_coverage"),
            "244": (75.0, None),
        }

    def test_value_only_row_in_a_pooled_ratio_is_named(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Pooling a territory that holds a bare value names that row: pooling needs parts."""
        units, data = files
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        err = capsys.readouterr().err
        assert code == 2
        assert f"{data}: row 5, field 'value': indicator 'files': rule 'ratio_of_sums'" in err

    def test_bad_data_row_is_named(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An invalid observation names the file, the row and the field."""
        units, data = files
        data.write_text(DATA + "files,99999,2024,5,,\n", encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        err = capsys.readouterr().err
        assert code == 2
        assert f"{data}: row 6, field 'unit': unknown unit '99999'" in err

    def test_bad_units_file_is_named(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An invalid unit list names the file and the row, with the count of further problems."""
        units, data = files
        units.write_text(UNITS + "08707,Duplicate,commune,243\n,No code,commune,243\n", "utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        err = capsys.readouterr().err
        assert code == 2
        assert f"{units}: row 8, field 'code': duplicate code '08707', first seen in row 5" in err
        assert "(and 1 more problem)" in err

    def test_missing_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that does not exist gives exit code 2 naming it."""
        code, _ = run(
            "rollup", "--units", str(tmp_path / "nope.csv"), "--data", "d.csv", "--indicator", "x"
        )
        assert code == 2
        assert "nope.csv: no such file" in capsys.readouterr().err

    def test_unknown_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown command is a usage error with exit code 2."""
        code, _ = run("bogus")
        assert code == 2
        assert "invalid choice: 'bogus'" in capsys.readouterr().err

    def test_console_script_bad_input_in_a_subprocess(self, tmp_path: Path) -> None:
        """Through a real process, bad input exits 2 with no traceback."""
        units = tmp_path / "u.csv"
        units.write_text("code,name\n26,x\n", encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "cchc_indicators", "rollup", "--units", str(units),
             "--data", str(units), "--indicator", "x"],
            capture_output=True, text=True, encoding="utf-8", check=False,
        )  # fmt: skip
        assert proc.returncode == 2
        assert "missing column(s) level, parent" in proc.stderr
        assert "Traceback" not in proc.stderr


class TestVersion:
    def test_version_is_the_package_version(self) -> None:
        """`cchc --version` prints `cchc` and the package's version, with status 0."""
        from cchc_indicators import __version__

        assert run("--version") == (0, f"cchc {__version__}\n")

    def test_version_in_a_subprocess(self) -> None:
        """`python -m cchc_indicators --version` prints the version."""
        proc = subprocess.run(
            [sys.executable, "-m", "cchc_indicators", "--version"],
            capture_output=True, text=True, encoding="utf-8", check=False,
        )  # fmt: skip
        assert (proc.returncode, proc.stdout) == (0, "cchc 0.1.0.dev0\n")


#: Work files of two communes, and rows of other indicators that rollup --indicator files
#: does not use: a unit not in the unit list, a value that is no number, a bare value.
MIXED = """indicator,unit,period,value,numerator,denominator
files,08707,2024,,90,100
par_index,01,2024,71.5,,
files,08710,2024,,10,20
staff,08707,2024,many,,
staff,99999,2024,3,,
par_index,79,2024,80,,
"""


class TestRollupReadsItsIndicatorOnly:
    def test_rows_of_other_indicators_are_not_checked(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Other indicators' rows (bad units, bad values) are counted on stderr, not refused."""
        units, data = files
        data.write_text(MIXED, encoding="utf-8")
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--format", "json", "--level", "province",
        )  # fmt: skip
        assert code == 0
        (row,) = json.loads(text)
        assert row["value"] == pytest.approx(100 / 120 * 100)  # (90 + 10) / (100 + 20)
        assert capsys.readouterr().err == (
            f"cchc: {data}: 4 rows of 2 other indicators not read (par_index, staff)\n"
        )

    def test_no_line_when_every_row_is_read(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file of the one indicator says nothing on stderr."""
        units, data = files
        code, _ = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune",
        )  # fmt: skip
        assert code == 0
        assert capsys.readouterr().err == ""

    def test_rows_of_the_indicator_are_still_checked(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad row of the indicator rolled up is refused, with its row number in the file."""
        units, data = files
        data.write_text(MIXED + "files,09013,2024,,5,\n", encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: {data}: row 8, field 'denominator': a numerator needs a denominator\n"
        )

    def test_a_row_without_indicator_is_still_refused(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A row with an empty indicator may be one of ours: it is checked, and refused."""
        units, data = files
        data.write_text(MIXED + ",08707,2025,,1,2\n", encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        assert code == 2
        assert f"{data}: row 8, field 'indicator': the indicator is empty" in (
            capsys.readouterr().err
        )

    def test_an_indicator_not_in_the_file_lists_those_it_holds(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Asking for an indicator the file lacks lists the indicators it holds."""
        units, data = files
        data.write_text(MIXED, encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "x")
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: {data}: no observation of indicator 'x'; "
            "the file holds files, par_index, staff\n"
        )

    def test_readme_example_on_the_exported_demo_data(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The README's rollup runs on the demo data of 63 provinces with Vĩnh Phúc's units."""
        import csv

        from cchc_indicators import datasets

        records = datasets.demo_panel().to_records()
        data = tmp_path / "observations.csv"
        with data.open("w", encoding="utf-8", newline="") as fh:
            columns = ["indicator", "unit", "period", "value", "numerator", "denominator"]
            writer = csv.DictWriter(fh, columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        units = tmp_path / "units.csv"
        datasets.vinh_phuc_units().to_csv(units)
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data),
            "--indicator", "work_files_online", "--scope", "tier:commune", "--format", "csv",
        )  # fmt: skip
        assert code == 0
        assert text.startswith("indicator,unit,name,level,period,value")
        others = sum(r["indicator"] != "work_files_online" for r in records)
        kinds = len({r["indicator"] for r in records}) - 1
        # 1,396 before issue 12, less the 2 x 63 PAR INDEX and SIPAS rows of 2025 (no ranking of
        # Vĩnh Phúc exists for 2025), plus 5 fields x 5 years less health and education in 2025
        assert (others, kinds) == (1396 - 126 + 23, 24)
        assert capsys.readouterr().err.startswith(
            f"cchc: {data}: 1,293 rows of 24 other indicators not read (autonomous_units, "
        )


class TestFilesNamed:
    def test_header_only_data_file(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A data file with a header and no row is refused, naming the file."""
        units, data = files
        data.write_text("indicator,unit,period,value\n", encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "x")
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: {data}: no observations: the file holds a header and no row\n"
        )

    def test_header_only_units_file_is_the_units_file_fault(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A units file without units is named, not the data file whose units it lacks."""
        units, data = files
        units.write_text("code,name,level,parent\n", encoding="utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: {units}: no units: the file holds a header and no row\n"
        )

    def test_unknown_units_say_which_units_file_was_read(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Units of the data missing from --units name the data row and the --units file."""
        units, data = files
        units.write_text(UNITS.replace("09013,Phường Trưng Trắc,commune,244\n", ""), "utf-8")
        code, _ = run("rollup", "--units", str(units), "--data", str(data), "--indicator", "files")
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: {data}: row 4, field 'unit': unknown unit '09013' (not in the "
            f"hierarchy, edition None); the units are those of --units {units} (5 units)\n"
        )

    def test_data_directory_is_said_to_be_a_directory(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--data naming a folder says so, rather than 'no such file'."""
        units, _ = files
        folder = tmp_path / "folder"
        folder.mkdir()
        code, _ = run("rollup", "--units", str(units), "--data", str(folder), "--indicator", "x")
        assert code == 2
        assert capsys.readouterr().err == (f"cchc: error: {folder}: is a directory, not a file\n")

    def test_output_directory(
        self, files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--output naming a folder names the option, the folder and the cause."""
        units, data = files
        code, text = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--output", str(tmp_path),
        )  # fmt: skip
        assert (code, text) == (2, "")
        assert capsys.readouterr().err == (
            f"cchc: error: --output {tmp_path}: cannot write: it is a directory\n"
        )

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
    def test_output_on_a_full_device(
        self, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A write that fails after the file was opened still names --output and the path."""
        units, data = files
        code, _ = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--output", "/dev/full",
        )  # fmt: skip
        assert code == 2
        assert capsys.readouterr().err == (
            "cchc: error: --output /dev/full: cannot write: no space left on the device\n"
        )

    def test_output_input_output_error(
        self,
        files: tuple[Path, Path],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """An I/O error while writing (a failing disk) names --output, the path and the cause."""
        import errno

        class Failing(io.StringIO):
            def write(self, text: str) -> int:
                raise OSError(errno.EIO, "Input/output error")

        real_open = Path.open

        def open_(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
            return Failing() if "w" in mode else real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(Path, "open", open_)
        units, data = files
        target = tmp_path / "out.csv"
        code, _ = run(
            "rollup", "--units", str(units), "--data", str(data), "--indicator", "files",
            "--scope", "tier:commune", "--output", str(target),
        )  # fmt: skip
        assert code == 2
        assert capsys.readouterr().err == (
            f"cchc: error: --output {target}: cannot write: input/output error "
            "(the disk or network drive failed)\n"
        )
