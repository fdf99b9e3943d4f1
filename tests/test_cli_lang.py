"""``--lang``, ``--codes``, ``--excel-csv`` and ``--format xlsx`` on the command line (issue 15)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cchc_indicators.cli import main
from cchc_indicators.evaluation import COLUMNS, LABEL_COLUMNS

BOM = b"\xef\xbb\xbf"


def run(*args: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit code and what it printed."""
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one-line error printed to standard error."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.strip()


@pytest.fixture
def units_and_data(tmp_path: Path) -> list[str]:
    """Two communes of one district: files 45/50 and 30/50 in 2024."""
    (tmp_path / "units.csv").write_text(
        "code,name,level,parent\n"
        "26,Tỉnh Vĩnh Phúc,province,\n"
        "243,Thành phố Vĩnh Yên,district,26\n"
        "08707,Phường Tích Sơn,commune,243\n"
        "08710,Phường Liên Bảo,commune,243\n",
        encoding="utf-8",
    )
    (tmp_path / "obs.csv").write_text(
        "indicator,unit,period,numerator,denominator\nfiles,08707,2024,45,50\nfiles,08710,2024,30,55\n",
        encoding="utf-8",
    )
    return ["--units", str(tmp_path / "units.csv"), "--data", str(tmp_path / "obs.csv")]


class TestDemo:
    def test_vietnamese_scorecard(self) -> None:
        """--lang vi: Vietnamese title, statuses, decimal commas ('91,2 %'), the banner in Vietnamese."""
        code, text = run("demo", "--lang", "vi")
        assert code == 0
        lines = text.splitlines()
        assert lines[0].startswith("*** DỮ LIỆU GIẢ LẬP")
        assert "Tỉnh Vĩnh Phúc (26) — Kỳ: 2025" in lines
        assert "== Cải cách thủ tục hành chính" in lines
        assert any("91,2 %" in line and line.endswith("Đạt") for line in lines)
        assert any(line.endswith("Không đạt") for line in lines)
        assert "        8/9 huyện đạt (≥ 80 % số huyện); Không đạt: 1" in lines
        assert "Tổng hợp: 30 chỉ tiêu" in lines
        assert "achieved" not in text
        assert max(len(line) for line in lines) <= 100

    def test_mid_term_vietnamese(self) -> None:
        """--period 2023 --lang vi: on and off track in Vietnamese, with the projection ('91,5 %')."""
        code, text = run("demo", "--period", "2023", "--lang", "vi")
        assert code == 0
        assert "        dự báo đến 2025: 91,5 %" in text.splitlines()
        assert "  Đúng tiến độ         15" in text.splitlines()
        assert "  Chậm tiến độ          7" in text.splitlines()

    def test_english_has_a_decimal_point(self) -> None:
        """--lang en: English statuses and '91.2 %'."""
        code, text = run("demo", "--lang", "en")
        assert code == 0
        assert any("91.2 %" in line and line.endswith("Achieved") for line in text.splitlines())

    def test_lang_defaults_to_cchc_lang(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without --lang the language is CCHC_LANG's."""
        monkeypatch.setenv("CCHC_LANG", "vi")
        assert run("demo") == run("demo", "--lang", "vi")

    def test_codes(self) -> None:
        """--codes shows each indicator's code in brackets after its name."""
        code, text = run("demo", "--lang", "en", "--codes")
        assert code == 0
        assert "  Work files processed online [work_files_online]" in text.splitlines()
        _, plain = run("demo", "--lang", "en")
        assert "[work_files_online]" not in plain

    def test_json_keys_do_not_change_with_the_language(self) -> None:
        """--format json: the same keys and codes in vi and en; only the labels differ."""
        vi = json.loads(run("demo", "--format", "json", "--lang", "vi")[1])
        en = json.loads(run("demo", "--format", "json", "--lang", "en")[1])
        assert [list(r) for r in vi] == [list(r) for r in en]
        assert list(vi[0]) == [*COLUMNS, *LABEL_COLUMNS]
        assert [r["status"] for r in vi] == [r["status"] for r in en]
        assert vi[0]["status_label"] == "Không đạt"
        assert en[0]["status_label"] == "Not achieved"
        # synthetic data say so in the language asked for (the note itself stays as given)
        assert all(r["note_label"].startswith("DỮ LIỆU GIẢ LẬP") for r in vi)
        assert all(r["note_label"].startswith("SYNTHETIC DATA") for r in en)
        assert [r["note"] for r in vi] == [r["note"] for r in en]

    def test_csv_header_does_not_change_with_the_language(self) -> None:
        """--format csv: the same header in vi and en."""
        vi = run("demo", "--format", "csv", "--lang", "vi")[1].splitlines()[0]
        en = run("demo", "--format", "csv", "--lang", "en")[1].splitlines()[0]
        assert vi == en == ",".join((*COLUMNS, *LABEL_COLUMNS))

    def test_excel_csv_to_stdout_starts_with_the_mark(self) -> None:
        """--excel-csv writes U+FEFF before the CSV on standard output."""
        code, text = run("demo", "--format", "csv", "--excel-csv")
        assert code == 0
        assert text.startswith("\ufeffindicator,")

    def test_excel_csv_to_a_file_starts_with_the_bytes(self, tmp_path: Path) -> None:
        """--excel-csv --output: the file starts with EF BB BF, then UTF-8 Vietnamese text."""
        path = tmp_path / "vp.csv"
        code, _ = run(
            "demo", "--format", "csv", "--excel-csv", "--lang", "vi", "--output", str(path)
        )
        assert code == 0
        data = path.read_bytes()
        assert data[:3] == BOM
        assert data[3:12] == b"indicator"
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0]["status_label"] == "Không đạt"

    def test_without_excel_csv_there_is_no_mark(self, tmp_path: Path) -> None:
        """Without --excel-csv the file starts with the header."""
        path = tmp_path / "vp.csv"
        assert run("demo", "--format", "csv", "--output", str(path))[0] == 0
        assert path.read_bytes()[:9] == b"indicator"

    def test_xlsx_writes_a_workbook(self, tmp_path: Path) -> None:
        """--format xlsx --output: a workbook openpyxl reads, its sheet names in the language."""
        openpyxl = pytest.importorskip("openpyxl")
        path = tmp_path / "vp.xlsx"
        code, text = run("demo", "--format", "xlsx", "--lang", "vi", "--output", str(path))
        assert (code, text) == (0, "")
        book = openpyxl.load_workbook(path)
        assert len(book.sheetnames) == 3

    def test_by_unit_in_vietnamese(self) -> None:
        """evaluate --by-unit --lang vi: the unit table's words are Vietnamese."""
        code, text = run(
            "evaluate",
            "--plan",
            "vn-par-2021-2030",
            "--data",
            str(_national_data()),
            "--by-unit",
            "--lang",
            "vi",
        )
        assert code == 0
        assert text.splitlines()[0].endswith("theo đơn vị")


def _national_data() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "obs.csv"
    path.write_text(
        "indicator,unit,period,numerator,denominator\nprocedures_online,01,2025,85,100\n",
        encoding="utf-8",
    )
    return path


class TestErrors:
    @pytest.mark.parametrize("command", ["demo", "rollup", "survey", "index", "rebase", "evaluate"])
    def test_a_bad_lang_is_one_line_and_exit_2(
        self, command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--lang fr: 'cchc: error: --lang must be 'vi' or 'en', got 'fr'', exit code 2."""
        needed = {
            "demo": [],
            "rollup": ["--units", "u.csv", "--data", "d.csv", "--indicator", "x"],
            "survey": ["--responses", "r.csv", "--scale", "1-5", "--satisfied", "4,5"],
            "index": ["--structure", "pci-2016", "--data", "d.csv"],
            "rebase": [
                "--data",
                "d.csv",
                "--from",
                "vn-2024",
                "--to",
                "vn-2025",
                "--output",
                "o.csv",
            ],
            "evaluate": ["--plan", "vn-par-2021-2030", "--data", "d.csv"],
        }[command]
        code, text = run(command, *needed, "--lang", "fr")
        assert (code, text) == (2, "")
        assert error(capsys) == "cchc: error: --lang must be 'vi' or 'en', got 'fr'"

    def test_excel_csv_needs_csv(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--excel-csv with --format table is refused in words."""
        assert run("demo", "--excel-csv") == (2, "")
        assert error(capsys) == (
            "cchc: error: --excel-csv applies to CSV output (--format csv), not --format table"
        )

    def test_xlsx_needs_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--format xlsx without --output is refused: a workbook does not go to the terminal."""
        assert run("demo", "--format", "xlsx") == (2, "")
        assert (
            error(capsys) == "cchc: error: --format xlsx writes a workbook: give --output FILE.xlsx"
        )

    def test_xlsx_into_a_missing_folder(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """--format xlsx --output into a folder that does not exist: the option, path and cause."""
        pytest.importorskip("openpyxl")
        path = tmp_path / "no" / "vp.xlsx"
        assert run("demo", "--format", "xlsx", "--output", str(path))[0] == 2
        assert "cchc: error:" in error(capsys)


class TestOtherCommands:
    def test_rollup_table_in_vietnamese(self, units_and_data: list[str]) -> None:
        """rollup --lang vi: the header and the decimal comma (75/105 = 71,4 %), reasons in words."""
        code, text = run(
            "rollup",
            *units_and_data,
            "--indicator",
            "files",
            "--scope",
            "tier:commune",
            "--lang",
            "vi",
        )
        assert code == 0
        lines = text.splitlines()
        assert lines[0].split() == ["đơn", "vị", "2024"]
        assert lines[2].split()[-1] == "71,4"  # the province: (45 + 30) / (50 + 55)
        assert lines[4].split()[-1] == "90,0"  # Tích Sơn: 45 / 50
        assert lines[5].split()[-1] == "54,5"  # Liên Bảo: 30 / 55

    def test_rollup_english_is_unchanged(self, units_and_data: list[str]) -> None:
        """rollup --lang en prints the table Rollup.table prints."""
        code, text = run("rollup", *units_and_data, "--indicator", "files", "--lang", "en")
        assert code == 0
        assert text.splitlines()[0].split() == ["unit", "2024"]
        assert text.splitlines()[2].split()[-1] == "71.4"

    def test_rollup_csv_with_the_mark(self, units_and_data: list[str], tmp_path: Path) -> None:
        """rollup --format csv --excel-csv --output: the file starts with the byte-order mark."""
        path = tmp_path / "r.csv"
        code, _ = run(
            "rollup",
            *units_and_data,
            "--indicator",
            "files",
            "--format",
            "csv",
            "--excel-csv",
            "--output",
            str(path),
        )
        assert code == 0
        assert path.read_bytes()[:3] == BOM

    def test_survey_table_in_vietnamese(self, tmp_path: Path) -> None:
        """survey --lang vi: Vietnamese headers and decimal commas."""
        (tmp_path / "r.csv").write_text(
            "respondent,unit,question,answer\n"
            + "".join(f"{k},26,q1,{5 if k % 4 else 2}\n" for k in range(40)),
            encoding="utf-8",
        )
        code, text = run(
            "survey",
            "--responses",
            str(tmp_path / "r.csv"),
            "--scale",
            "1-5",
            "--satisfied",
            "4,5",
            "--level",
            "province",
            "--lang",
            "vi",
        )
        assert code == 0
        lines = text.splitlines()
        assert lines[0].split()[:4] == ["đơn", "vị", "mục", "n"]
        assert lines[2].split()[4:7] == ["q1", "40", "75,0"]  # 30 of 40 answered 5

    def test_survey_csv_with_the_mark(self, tmp_path: Path) -> None:
        """survey --format csv --excel-csv: U+FEFF first."""
        (tmp_path / "r.csv").write_text(
            "respondent,unit,question,answer\n1,26,q1,5\n2,26,q1,4\n", encoding="utf-8"
        )
        code, text = run(
            "survey",
            "--responses",
            str(tmp_path / "r.csv"),
            "--scale",
            "1-5",
            "--satisfied",
            "4,5",
            "--format",
            "csv",
            "--excel-csv",
        )
        assert code == 0
        assert text.startswith("\ufeffunit,")


class TestIndexAndRebase:
    @pytest.fixture
    def index_files(self, tmp_path: Path) -> list[str]:
        """Two indicators of three units: the docstring's example of cli._index."""
        (tmp_path / "i.json").write_text(
            '{"kind": "composite_index", "code": "i", "children": [{"code": "a"}, {"code": "b"}]}',
            encoding="utf-8",
        )
        (tmp_path / "d.csv").write_text(
            "indicator,unit,period,value\n"
            "a,X,2024,90\na,Y,2024,70\na,Z,2024,20\nb,X,2024,20\nb,Y,2024,60\nb,Z,2024,50\n",
            encoding="utf-8",
        )
        return ["--structure", str(tmp_path / "i.json"), "--data", str(tmp_path / "d.csv")]

    def test_index_numbers_in_vietnamese(self, index_files: list[str]) -> None:
        """index --lang vi: Y scores (5/7 x 100 + 100) / 2 = 85,7 with a decimal comma."""
        code, text = run("index", *index_files, "--lang", "vi")
        assert code == 0
        assert text.splitlines()[2].split() == ["1", "Y", "85,7", "71,4", "100,0"]
        assert run("index", *index_files, "--lang", "en")[1].splitlines()[2].split()[2] == "85.7"

    def test_index_synthetic_note_in_vietnamese(self, index_files: list[str]) -> None:
        """index --note with the synthetic-data warning: the table's last line in Vietnamese."""
        from cchc_indicators.datasets import SYNTHETIC_NOTE

        code, text = run("index", *index_files, "--note", SYNTHETIC_NOTE, "--lang", "vi")
        assert code == 0
        assert text.splitlines()[-1].startswith("DỮ LIỆU GIẢ LẬP")

    def test_index_csv_with_the_mark(self, index_files: list[str]) -> None:
        """index --format csv --excel-csv: U+FEFF first; without it, none."""
        assert run("index", *index_files, "--format", "csv", "--excel-csv")[1].startswith("\ufeff")
        assert not run("index", *index_files, "--format", "csv")[1].startswith("\ufeff")

    def test_rebase_in_vietnamese_with_the_mark(self, tmp_path: Path) -> None:
        """rebase --lang vi --excel-csv: the last line in Vietnamese, the CSV with the mark."""
        rows = ["staff,08707,2024,12", "staff,08713,2024,9", "staff,08722,2024,4.5"]
        (tmp_path / "staff.csv").write_text(
            "indicator,unit,period,value\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
        out = tmp_path / "out.csv"
        code, text = run(
            "rebase", "--data", str(tmp_path / "staff.csv"), "--from", "vn-2024", "--to",
            "vn-2025", "--method", "staff=sum", "--output", str(out), "--lang", "vi",
            "--excel-csv",
        )  # fmt: skip
        assert code == 0
        assert text.splitlines()[-1] == f"đã ghi 1 quan sát vào {out}"
        assert "value 25,5 -> 25,5" in text
        assert out.read_bytes()[:3] == BOM
        assert out.read_bytes()[3:].decode("utf-8").splitlines()[1] == "staff,08707,2024,25.5,,"
