"""Tests of the Excel workbook (cchc_indicators.report.excel), read back with openpyxl.

Each workbook is written to a temporary file and opened again: the sheets, the
frozen header, the filter range, the status fills, the number cells and their
formats, the Vietnamese and English text, the column widths and the plan's
provenance are checked against the evaluation they come from.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import pickle
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import catalog, datasets, evaluate
from cchc_indicators.core import i18n
from cchc_indicators.core._html import STATUS_COLOURS
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, MissingDependencyError
from cchc_indicators.core.targets import STATUSES
from cchc_indicators.evaluation import LABEL_COLUMNS, Evaluation
from cchc_indicators.report.excel import INSTALL, evaluation_workbook, sheet_name

PLAN = "vinh-phuc-2021-2025"
HEAD = 3  # the scorecard's header row: title, note, header
FORBIDDEN = set("[]:*?/\\")


@pytest.fixture(scope="module")
def mid() -> Evaluation:
    """The demo plan at mid-term (2023): on and off track rows, all with data."""
    return evaluate(catalog.load(PLAN), datasets.demo_panel(), period=2023)


@pytest.fixture(scope="module")
def end() -> Evaluation:
    """The demo plan at the deadline (2025): achieved, not achieved, rows without data."""
    return evaluate(catalog.load(PLAN), datasets.demo_panel(), period=2025)


def _book(ev: Evaluation, tmp_path: Path, lang: str | None, name: str = "r.xlsx") -> Any:
    return openpyxl.load_workbook(evaluation_workbook(ev, tmp_path / name, lang=lang))


def _table(sheet: Any, head: int) -> list[dict[str, Any]]:
    """The cells under the header row ``head``, as dicts keyed by the header's text."""
    names = [c.value for c in sheet[head]]
    return [
        dict(zip(names, row, strict=True))
        for row in sheet.iter_rows(min_row=head + 1, max_row=sheet.max_row)
    ]


def _ordered(ev: Evaluation) -> list[Mapping[str, Any]]:
    order = ["overall", "institutions", "procedures", "organisation", "civil_service"]
    order += ["public_finance", "digital_government"]
    return sorted(ev.plan_rows(), key=lambda r: order.index(r["area"]))


def _rgb(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:].lower()


# ---------------------------------------------------------------------- sheets


class TestSheets:
    @pytest.mark.parametrize(
        ("lang", "names"),
        [
            ("vi", ["Bảng kết quả", "Tất cả các dòng", "Kế hoạch và nguồn dữ liệu"]),
            ("en", ["Scorecard", "All rows", "Plan and sources"]),
        ],
    )
    def test_three_sheets_named_in_the_language(
        self, mid: Evaluation, tmp_path: Path, lang: str, names: list[str]
    ) -> None:
        assert _book(mid, tmp_path, lang).sheetnames == names

    def test_sheet_names_are_valid_excel_names(self, mid: Evaluation, tmp_path: Path) -> None:
        """Every name, in both languages, within 31 characters and without a forbidden one."""
        for lang in i18n.LANGUAGES:
            for name in _book(mid, tmp_path, lang, f"{lang}.xlsx").sheetnames:
                assert 0 < len(name) <= 31
                assert not FORBIDDEN & set(name)

    def test_returns_the_path_written(self, mid: Evaluation, tmp_path: Path) -> None:
        written = evaluation_workbook(mid, str(tmp_path / "as-text.xlsx"), lang="en")
        assert written == tmp_path / "as-text.xlsx"
        assert isinstance(written, Path)
        assert written.stat().st_size > 0

    def test_an_existing_file_is_replaced(self, mid: Evaluation, tmp_path: Path) -> None:
        path = tmp_path / "old.xlsx"
        path.write_text("not a workbook")
        assert openpyxl.load_workbook(evaluation_workbook(mid, path, lang="vi")).sheetnames

    def test_to_excel_writes_the_same_workbook(self, mid: Evaluation, tmp_path: Path) -> None:
        a = _book(mid, tmp_path, "vi", "a.xlsx")
        b = openpyxl.load_workbook(mid.to_excel(tmp_path / "b.xlsx", lang="vi"))
        assert a.sheetnames == b.sheetnames
        for sa, sb in zip(a.worksheets, b.worksheets, strict=True):
            assert [[c.value for c in r] for r in sa.iter_rows()] == [
                [c.value for c in r] for r in sb.iter_rows()
            ]

    def test_default_language(self, mid: Evaluation, tmp_path: Path) -> None:
        """Without ``lang`` the default language is used."""
        i18n.set_default_language("vi")
        try:
            assert _book(mid, tmp_path, None).sheetnames[0] == "Bảng kết quả"
        finally:
            i18n.set_default_language(None)
        assert _book(mid, tmp_path, None, "e.xlsx").sheetnames[0] in ("Bảng kết quả", "Scorecard")

    def test_document_properties(self, mid: Evaluation, tmp_path: Path) -> None:
        import cchc_indicators

        book = _book(mid, tmp_path, "vi")
        assert book.properties.creator == f"cchc-indicators {cchc_indicators.__version__}"
        assert book.properties.title == mid.plan.title
        assert book.properties.language == "vi"


# ---------------------------------------------------------------------- the scorecard


class TestScorecard:
    def test_header_frozen_and_filtered(self, mid: Evaluation, tmp_path: Path) -> None:
        """30 plan rows under a header on row 3: panes frozen below it, a filter over the table."""
        sheet = _book(mid, tmp_path, "vi").worksheets[0]
        assert len(mid.plan_rows()) == 30
        assert sheet.freeze_panes == "A4"
        assert sheet.auto_filter.ref == "A3:J33"
        assert sheet.max_row == 33
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.orientation == "landscape"

    def test_header_words(self, mid: Evaluation, tmp_path: Path) -> None:
        vi = [c.value for c in _book(mid, tmp_path, "vi").worksheets[0][HEAD]]
        en = [c.value for c in _book(mid, tmp_path, "en", "e.xlsx").worksheets[0][HEAD]]
        assert vi == [
            "Lĩnh vực",
            "Chỉ tiêu",
            "Phạm vi",
            "Giá trị",
            "Mục tiêu",
            "Kết quả",
            "Khoảng cách đến mục tiêu",
            "Dự báo đến thời hạn",
            "Lý do",
            "Mã",
        ]
        assert en[:6] == ["Area", "Indicator", "Scope", "Value", "Target", "Status"]
        assert all(c.font.bold for c in _book(mid, tmp_path, "vi", "b.xlsx").worksheets[0][HEAD])

    def test_title_and_synthetic_banner_in_the_language(
        self, mid: Evaluation, tmp_path: Path
    ) -> None:
        vi = _book(mid, tmp_path, "vi").worksheets[0]
        en = _book(mid, tmp_path, "en", "e.xlsx").worksheets[0]
        assert vi["A1"].value == (
            "Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc giai đoạn 2021–2025"
            " — kỳ đánh giá 2023"
        )
        assert en["A1"].value == (
            "Vĩnh Phúc provincial state administrative reform plan 2021–2025 — period 2023"
        )
        assert vi["A2"].value.startswith("DỮ LIỆU GIẢ LẬP")
        assert en["A2"].value == datasets.SYNTHETIC_NOTE
        assert vi["A2"].font.bold

    def test_another_note_is_shown_as_it_is(self, mid: Evaluation, tmp_path: Path) -> None:
        """Only the synthetic-data warning is translated; a note of one's own is kept."""
        sheet = _book(attrs.evolve(mid, note="Số liệu sơ bộ"), tmp_path, "en").worksheets[0]
        assert sheet["A2"].value == "Số liệu sơ bộ"

    def test_no_banner_without_a_note(self, mid: Evaluation, tmp_path: Path) -> None:
        sheet = _book(attrs.evolve(mid, note=""), tmp_path, "vi").worksheets[0]
        assert sheet["A2"].value is None
        assert sheet["A3"].value == "Lĩnh vực"

    def test_one_line_per_plan_row_by_area(self, mid: Evaluation, tmp_path: Path) -> None:
        lines = _table(_book(mid, tmp_path, "vi").worksheets[0], HEAD)
        rows = _ordered(mid)
        assert [c["Mã"].value for c in lines] == [r["indicator"] for r in rows]
        assert [c["Lĩnh vực"].value for c in lines] == [
            i18n.area_label(r["area"], "vi") for r in rows
        ]
        assert lines[0]["Lĩnh vực"].value == "Kết quả chung"

    @pytest.mark.parametrize("period", [2023, 2025])
    def test_statuses_in_words_on_their_colour(self, tmp_path: Path, period: int) -> None:
        ev = evaluate(catalog.load(PLAN), datasets.demo_panel(), period=period)
        lines = _table(_book(ev, tmp_path, "vi").worksheets[0], HEAD)
        seen = set()
        for cells, row in zip(lines, _ordered(ev), strict=True):
            cell = cells["Kết quả"]
            assert cell.value == i18n.status_label(row["status"], "vi")
            assert cell.fill.fill_type == "solid"
            assert "#" + _rgb(cell) == STATUS_COLOURS[row["status"]]
            seen.add(row["status"])
        # mid-term: on and off track; at the deadline: achieved, not achieved, without data
        assert seen == (
            {"achieved", "on_track", "off_track", "not_achieved"}
            if period == 2023
            else {"achieved", "not_achieved", "insufficient_data", "no_data"}
        )

    def test_only_the_status_column_is_coloured(self, mid: Evaluation, tmp_path: Path) -> None:
        lines = _table(_book(mid, tmp_path, "vi").worksheets[0], HEAD)
        assert all(c["Giá trị"].fill.fill_type is None for c in lines)

    def test_vietnamese_words(self, mid: Evaluation, tmp_path: Path) -> None:
        lines = _table(_book(mid, tmp_path, "vi").worksheets[0], HEAD)
        by_code: dict[str, list[dict[str, Any]]] = {}
        for c in lines:
            by_code.setdefault(c["Mã"].value, []).append(c)
        rank, no_worse = by_code["par_index"]
        assert rank["Chỉ tiêu"].value == "Chỉ số cải cách hành chính (PAR INDEX) của tỉnh"
        assert rank["Phạm vi"].value == "cấp tỉnh (tự thân)"
        assert rank["Mục tiêu"].value == "trong tốp 15 tỉnh, mỗi kỳ"
        assert rank["Kết quả"].value == "Không đạt"
        assert rank["Lý do"].value == "không đạt các kỳ 2021, 2022, 2023"
        assert no_worse["Mục tiêu"].value == "không kém hơn kỳ trước, mỗi kỳ"
        portal = by_code["procedures_on_national_portal"][0]
        assert portal["Mục tiêu"].value == "≥ 80 %"
        assert portal["Kết quả"].value == "Đúng tiến độ"
        dossiers = by_code["dossiers_online"][0]
        assert dossiers["Phạm vi"].value == "toàn tỉnh"
        assert dossiers["Kết quả"].value == "Chậm tiến độ"

    def test_english_names(self, mid: Evaluation, tmp_path: Path) -> None:
        lines = _table(_book(mid, tmp_path, "en").worksheets[0], HEAD)
        assert lines[0]["Indicator"].value == (
            "Provincial Public Administration Reform Index (PAR INDEX)"
        )
        assert lines[0]["Target"].value == "in the top 15 provinces, every period"
        assert lines[0]["Status"].value == "Not achieved"
        assert lines[0]["Scope"].value == "province level (itself)"

    def test_values_are_numbers_with_the_unit_in_the_format(
        self, mid: Evaluation, tmp_path: Path
    ) -> None:
        """PAR INDEX rank 17 (gap 2); portal 63 % projected to 86.2 % (86.1666…) with gap 17."""
        lines = _table(_book(mid, tmp_path, "vi").worksheets[0], HEAD)
        rank = lines[0]
        assert rank["Giá trị"].value == 17
        assert rank["Giá trị"].data_type == "n"
        assert rank["Giá trị"].number_format == '"hạng "#,##0'
        assert rank["Khoảng cách đến mục tiêu"].value == 2
        assert rank["Dự báo đến thời hạn"].value is None
        portal = next(c for c in lines if c["Mã"].value == "procedures_on_national_portal")
        assert portal["Giá trị"].value == 63
        assert portal["Giá trị"].number_format == '#,##0" %"'
        assert portal["Dự báo đến thời hạn"].value == pytest.approx(86.1666666, abs=1e-6)
        assert portal["Dự báo đến thời hạn"].number_format == '#,##0.0" %"'
        assert portal["Khoảng cách đến mục tiêu"].value == 17
        points = next(c for c in lines if c["Mã"].value == "sipas" and c["Giá trị"].value < 1)
        assert points["Giá trị"].number_format == '#,##0.0" điểm"'

    def test_yes_no_values_in_words_through_the_format(
        self, mid: Evaluation, tmp_path: Path
    ) -> None:
        lines = _table(_book(mid, tmp_path, "vi").worksheets[0], HEAD)
        rows = _ordered(mid)
        yes_no = [c for c, r in zip(lines, rows, strict=True) if r["unit_label"] == "yes/no"]
        assert yes_no
        assert all(c["Giá trị"].number_format.startswith('[=1]"có";[=0]"không"') for c in yes_no)
        # a gap is a distance, never "có"/"không"
        assert all("có" not in c["Khoảng cách đến mục tiêu"].number_format for c in yes_no)

    def test_rows_without_a_status_say_why(self, end: Evaluation, tmp_path: Path) -> None:
        lines = _table(_book(end, tmp_path, "vi").worksheets[0], HEAD)
        for cells, row in zip(lines, _ordered(end), strict=True):
            if row["status"] in ("no_data", "insufficient_data"):
                assert cells["Lý do"].value, row["indicator"]

    def test_widths_fit_vietnamese_names(self, mid: Evaluation, tmp_path: Path) -> None:
        """Long names wrap in a 60-character column; short columns are narrower; none is tiny."""
        sheet = _book(mid, tmp_path, "vi").worksheets[0]
        widths = {k: sheet.column_dimensions[k].width for k in "ABCDEFGHIJ"}
        assert widths["B"] == 60
        assert max(len(r["name"]) for r in mid.plan_rows()) > 60  # so the names wrap
        assert all(c.alignment.wrap_text for c in sheet["B"][HEAD - 1 :])
        assert all(8 <= w <= 60 for w in widths.values())
        # the value column is wide enough for "86,2 %" and "hạng 17"
        assert widths["D"] >= len("-0,3 điểm") + 2
        assert widths["C"] >= len("cấp tỉnh (tự thân)")

    def test_a_unit_column_for_a_plan_of_several_units(
        self, mid: Evaluation, tmp_path: Path
    ) -> None:
        """A plan with no unit of its own evaluates each top-level unit: the lines name it."""
        rows = list(mid.rows)
        other = [{**r, "unit": "99", "unit_name": "Tỉnh Thử"} for r in mid.plan_rows()]
        ev = attrs.evolve(mid, plan=attrs.evolve(mid.plan, unit=None), rows=tuple(rows + other))
        sheet = _book(ev, tmp_path, "vi").worksheets[0]
        head = [c.value for c in sheet[HEAD]]
        assert head[:3] == ["Lĩnh vực", "Đơn vị", "Chỉ tiêu"]
        units = {c.value for c in sheet["B"][HEAD:]}
        assert units == {"Tỉnh Vĩnh Phúc (26)", "Tỉnh Thử (99)"}
        assert sheet.auto_filter.ref == "A3:K63"

    def test_an_evaluation_without_rows(self, mid: Evaluation, tmp_path: Path) -> None:
        sheets = _book(attrs.evolve(mid, rows=()), tmp_path, "en").worksheets
        assert sheets[0].auto_filter.ref == "A3:J3"
        assert sheets[1].max_row == 1


# ---------------------------------------------------------------------- every row


class TestAllRows:
    def test_every_row_and_column_as_in_to_csv(self, mid: Evaluation, tmp_path: Path) -> None:
        """The columns and codes of to_csv(lang): the codes, then the same in words (LABEL_COLUMNS)."""
        sheet = _book(mid, tmp_path, "vi").worksheets[1]
        expected = list(csv.reader(io.StringIO(mid.to_csv("vi"))))
        got = [[c.value for c in r] for r in sheet.iter_rows()]
        assert got[0] == expected[0] == [*mid.columns, *LABEL_COLUMNS]
        assert got[1][-3:-1] == ["Không đạt", None]  # status_label, reason_label (empty)
        assert got[1][-1].startswith("DỮ LIỆU GIẢ LẬP")  # note_label: the warning in Vietnamese
        assert len(got) == len(expected) == len(mid) + 1
        for g_row, e_row in zip(got[1:], expected[1:], strict=True):
            for g, e in zip(g_row, e_row, strict=True):
                if isinstance(g, float | int):
                    # The workbook keeps every digit; CSV rounds to 12 significant digits.
                    assert g == pytest.approx(float(e), rel=5e-12)
                else:
                    assert (g or "") == e

    def test_numbers_are_numbers(self, mid: Evaluation, tmp_path: Path) -> None:
        sheet = _book(mid, tmp_path, "vi").worksheets[1]
        columns = list(mid.columns)
        for key in ("value", "threshold", "gap", "coverage", "projected"):
            cells = sheet[openpyxl.utils.get_column_letter(columns.index(key) + 1)][1:]
            for cell, row in zip(cells, mid.rows, strict=True):
                if row[key] is None:
                    assert cell.value is None
                else:
                    assert cell.data_type == "n"
                    assert cell.value == pytest.approx(row[key])

    def test_codes_do_not_change_with_the_language(self, end: Evaluation, tmp_path: Path) -> None:
        """Every column but the labels is the same in Vietnamese and English."""
        vi = _book(end, tmp_path, "vi").worksheets[1]
        en = _book(end, tmp_path, "en", "e.xlsx").worksheets[1]
        width = len(end.columns)
        assert [[c.value for c in r][:width] for r in vi.iter_rows()] == [
            [c.value for c in r][:width] for r in en.iter_rows()
        ]
        assert [c.value for c in vi[1]] == [c.value for c in en[1]]  # the keys too
        status = list(end.columns).index("status") + 1
        assert {c.value for c in vi[openpyxl.utils.get_column_letter(status)][1:]} <= set(STATUSES)

    def test_frozen_filtered_and_coloured(self, mid: Evaluation, tmp_path: Path) -> None:
        sheet = _book(mid, tmp_path, "vi").worksheets[1]
        last = openpyxl.utils.get_column_letter(len(mid.columns) + len(LABEL_COLUMNS))
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref == f"A1:{last}{len(mid) + 1}"
        status = openpyxl.utils.get_column_letter(list(mid.columns).index("status") + 1)
        for cell in sheet[status][1:]:
            assert "#" + _rgb(cell) == STATUS_COLOURS[cell.value]

    def test_text_from_the_data_stays_text(self, mid: Evaluation, tmp_path: Path) -> None:
        """A name beginning with '=' is not a formula; control characters are dropped; ∞ is text."""
        rows = [dict(r) for r in mid.rows]
        rows[0]["name"] = '=HYPERLINK("http://example.com","x")'
        rows[0]["unit_name"] = "Tỉnh\x01 Vĩnh Phúc\x1f"
        rows[0]["gap"] = math.inf
        rows[0]["baseline_rebase"] = ("a", "tuple")  # neither text nor a number: written as text
        rows[0]["threshold"] = True  # a bool is not a number here
        ev = attrs.evolve(mid, rows=tuple(rows))
        book = _book(ev, tmp_path, "vi")
        sheet = book.worksheets[1]
        columns = list(mid.columns)
        name = sheet.cell(row=2, column=columns.index("name") + 1)
        assert name.data_type == "s"
        assert name.value == '=HYPERLINK("http://example.com","x")'
        assert sheet.cell(row=2, column=columns.index("unit_name") + 1).value == "Tỉnh Vĩnh Phúc"
        assert sheet.cell(row=2, column=columns.index("gap") + 1).value == "inf"
        rebase = sheet.cell(row=2, column=columns.index("baseline_rebase") + 1)
        assert (rebase.value, rebase.data_type) == ("('a', 'tuple')", "s")
        assert sheet.cell(row=2, column=columns.index("threshold") + 1).value == "True"


# ---------------------------------------------------------------------- the plan and provenance


class TestPlanSheet:
    def _pairs(self, sheet: Any) -> list[tuple[Any, Any]]:
        return [(a.value, b.value) for a, b in sheet.iter_rows(max_col=2)]

    def test_the_plan(self, mid: Evaluation, tmp_path: Path) -> None:
        pairs = dict(self._pairs(_book(mid, tmp_path, "vi").worksheets[2]))
        assert pairs["Mã kế hoạch"] == PLAN
        assert pairs["Tên kế hoạch"] == mid.plan.title
        assert pairs["Văn bản"] == "2866/QĐ-UBND"
        assert pairs["Cơ quan ban hành"] == "Ủy ban nhân dân tỉnh Vĩnh Phúc"
        assert pairs["Giai đoạn kế hoạch"] == "2021–2025"
        assert pairs["Kỳ gốc"] == "2021"
        assert pairs["Thời hạn"] == "2025"
        assert pairs["Kỳ đánh giá"] == "2023"
        assert pairs["Đơn vị được đánh giá"] == "Tỉnh Vĩnh Phúc (26)"
        assert pairs["Số chỉ tiêu"] == 25
        assert pairs["Số dòng kết quả"] == 169
        assert pairs["Phương pháp dự báo"] == "linear"

    def test_counts_by_status(self, mid: Evaluation, tmp_path: Path) -> None:
        """At mid-term: 5 achieved, 15 on track, 7 off track, 3 not achieved."""
        sheet = _book(mid, tmp_path, "vi").worksheets[2]
        pairs = dict(self._pairs(sheet))
        assert [pairs[i18n.status_label(s, "vi")] for s in STATUSES] == [5, 15, 7, 3, 0, 0]
        for a, _ in sheet.iter_rows(max_col=2):
            if a.value == "Chậm tiến độ":
                assert "#" + _rgb(a) == STATUS_COLOURS["off_track"]

    def test_provenance(self, mid: Evaluation, tmp_path: Path) -> None:
        import cchc_indicators

        pairs = self._pairs(_book(mid, tmp_path, "vi").worksheets[2])
        found = dict(pairs)
        assert found["Ghi chú về dữ liệu"].startswith("DỮ LIỆU GIẢ LẬP")
        assert found["Phần mềm lập"] == f"cchc-indicators {cchc_indicators.__version__}"
        today = datetime.datetime.now(datetime.timezone.utc).date()
        assert found["Ngày lập"] in (today.isoformat(), (today - datetime.timedelta(1)).isoformat())
        start = [a for a, _ in pairs].index("Văn bản nguồn")
        sources = [pairs[start][1]] + [
            b for a, b in pairs[start + 1 :] if a is None and b is not None
        ]
        assert "Quyết định 2866/QĐ-UBND ngày 14/10/2021 của UBND tỉnh Vĩnh Phúc" in sources
        assert len(sources) == len(set(sources))

    def test_english_labels_and_no_note(self, mid: Evaluation, tmp_path: Path) -> None:
        pairs = dict(self._pairs(_book(attrs.evolve(mid, note=""), tmp_path, "en").worksheets[2]))
        assert pairs["Plan code"] == PLAN
        assert pairs["Note on the data"] == "—"
        assert pairs["Title in English"] == mid.plan.title_en

    def test_a_plan_of_every_top_level_unit(self, mid: Evaluation, tmp_path: Path) -> None:
        ev = attrs.evolve(mid, plan=attrs.evolve(mid.plan, unit=None))
        pairs = dict(self._pairs(_book(ev, tmp_path, "vi").worksheets[2]))
        assert pairs["Đơn vị được đánh giá"] == "tất cả các đơn vị cấp cao nhất"


# ---------------------------------------------------------------------- sheet names


@given(st.text(max_size=60))
def test_sheet_name_is_always_a_valid_excel_name(text: str) -> None:
    """Any text becomes a name of 1 to 31 characters with no forbidden character or edge quote."""
    name = sheet_name(text)
    assert 1 <= len(name) <= 31
    assert not FORBIDDEN & set(name)
    assert not name.startswith("'")
    assert not name.endswith("'")


def test_sheet_name_keeps_a_valid_name() -> None:
    assert sheet_name("Kế hoạch và nguồn dữ liệu") == "Kế hoạch và nguồn dữ liệu"
    assert sheet_name("a/b") == "a-b"
    assert sheet_name("''") == "Sheet"


# ---------------------------------------------------------------------- errors


class TestErrors:
    def test_unknown_language(self, mid: Evaluation, tmp_path: Path) -> None:
        with pytest.raises(DefinitionError, match="evaluation_workbook: lang must be 'vi' or 'en'"):
            evaluation_workbook(mid, tmp_path / "r.xlsx", lang="fr")
        assert not (tmp_path / "r.xlsx").exists()

    def test_not_an_evaluation(self, tmp_path: Path) -> None:
        with pytest.raises(ArgumentTypeError, match="'evaluation' must be an Evaluation") as err:
            evaluation_workbook([], tmp_path / "r.xlsx")  # type: ignore[arg-type]
        assert err.value.parameter == "evaluation"

    def test_not_a_path(self, mid: Evaluation) -> None:
        with pytest.raises(ArgumentTypeError, match="'path' must be a file name") as err:
            evaluation_workbook(mid, 3)  # type: ignore[arg-type]
        assert err.value.parameter == "path"

    def test_a_folder_that_does_not_exist(self, mid: Evaluation, tmp_path: Path) -> None:
        path = tmp_path / "no" / "such" / "r.xlsx"
        with pytest.raises(FileNotFoundError, match=r"cannot write .*r\.xlsx") as err:
            evaluation_workbook(mid, path, lang="vi")
        assert str(path) in str(err.value)

    def test_a_folder_in_place_of_the_file(self, mid: Evaluation, tmp_path: Path) -> None:
        with pytest.raises(OSError, match="evaluation_workbook: cannot write"):
            evaluation_workbook(mid, tmp_path, lang="vi")

    def test_without_openpyxl(
        self, mid: Evaluation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A typed error (also an ImportError) that names the extra to install."""
        monkeypatch.setitem(sys.modules, "openpyxl", None)
        for write in (
            lambda: evaluation_workbook(mid, tmp_path / "r.xlsx", lang="vi"),
            lambda: mid.to_excel(tmp_path / "r.xlsx"),
        ):
            with pytest.raises(MissingDependencyError) as err:
                write()
            assert INSTALL == 'pip install "cchc-indicators[excel]"'
            assert INSTALL in str(err.value)
            assert isinstance(err.value, ImportError)
            assert (err.value.extra, err.value.package) == ("excel", "openpyxl")
        assert not (tmp_path / "r.xlsx").exists()

    def test_the_missing_dependency_error_pickles(self) -> None:
        err = MissingDependencyError("needs openpyxl", extra="excel", package="openpyxl")
        back = pickle.loads(pickle.dumps(err))
        assert (str(back), back.extra, back.package) == ("needs openpyxl", "excel", "openpyxl")

    def test_importing_the_module_does_not_import_openpyxl(self) -> None:
        code = "import sys, cchc_indicators.report.excel; print('openpyxl' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"
