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
        code, text = run("demo")
        assert code == 0
        lines = text.strip().splitlines()
        assert "SYNTHETIC" in lines[0]
        assert "SYNTHETIC" in lines[-1]
        assert "Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc" in text
        assert "Period: 2025" in text

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
        assert "83.33333333333" in row_243

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
