"""Tests of the notebook displays (``_repr_html_``) of the result objects."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import numpy as np
import pytest

from cchc_indicators import Hierarchy, Indicator, Panel, datasets, points, rollup
from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index, load_index
from cchc_indicators.composite.uncertainty import sensitivity, uncertainty
from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core._html import STATUS_COLOURS
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.i18n import set_default_language
from cchc_indicators.engine.rebase import IndicatorRebase, RebaseReport, Total
from cchc_indicators.progress import assess
from cchc_indicators.survey import Responses, satisfaction

VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr"}
NASTY = "<b>&"


class Parsed(HTMLParser):
    """The tags, texts and table rows of an HTML fragment; fails on an unbalanced tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.rows: list[list[str]] = []  # the body rows of the data tables
        self._cells: list[str] | None = None
        self._in_cell = False
        self._table_class: list[str] = []
        self.feed(text)
        self.close()
        assert not self.stack, f"unclosed tags: {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "table":
            self._table_class.append(dict(attrs).get("class") or "")
        if tag == "tr" and self._table_class and self._table_class[-1] == "cchc-table":
            self._cells = []
        if tag == "td" and self._cells is not None:
            self._in_cell = True
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()
        if tag == "table":
            self._table_class.pop()
        if tag == "td":
            self._in_cell = False
        if tag == "tr" and self._cells is not None:
            if self._cells:
                self.rows.append(self._cells)
            self._cells = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._in_cell and self._cells is not None:
            self._cells[-1] += data

    @property
    def text(self) -> str:
        return "".join(self.texts)


@pytest.fixture
def vietnamese() -> Iterator[None]:
    set_default_language("vi")
    yield
    set_default_language(None)


def tree(name: str = NASTY) -> Hierarchy:
    return Hierarchy.from_records(
        [
            {"code": "P", "name": name, "level": "province"},
            {"code": "D1", "name": "Huyện 1", "level": "district", "parent": "P"},
            {"code": "D2", "name": "Huyện 2", "level": "district", "parent": "P"},
            {"code": "C1", "name": "Xã 1", "level": "commune", "parent": "D1"},
            {"code": "C2", "name": "Xã 2", "level": "commune", "parent": "D2"},
        ],
        levels=("province", "district", "commune"),
    )


FILES = Indicator("files", "Hồ sơ trực tuyến", name_en="Files online")


def small_rollup() -> object:
    panel = Panel.from_columns(
        tree(),
        indicator=["files"] * 3,
        unit=["C1", "C2", "C1"],
        period=[2023, 2023, 2024],
        numerator=[45, 30, 20],
        denominator=[50, 50, 40],
        indicators=[FILES],
    )
    return rollup(panel, "files", scope="tier:commune")


def small_index() -> CompositeIndex:
    return CompositeIndex(
        "i", name="Chỉ số <thử>", children=[Node("a", name="A & B"), Node("b", weight=3)]
    )


def small_data() -> Observations:
    return Observations.from_values(
        {"a": [90, 60, 30], "b": [5, 10, float("nan")]}, [NASTY, "B", "C"]
    )


def check_no_markup_from_data(parsed: Parsed) -> None:
    assert "b" not in {t for t, _ in parsed.tags}
    assert NASTY in parsed.text


class TestRollup:
    def test_summary_and_rows(self) -> None:
        """A roll-up shows its indicator, rule and scope, and the upper levels by period."""
        r = small_rollup()
        parsed = Parsed(r._repr_html_())  # type: ignore[attr-defined]
        assert "Files online (files)" in parsed.text
        assert "ratio_of_sums" in parsed.text
        assert "the communes (tier:commune)" in parsed.text
        assert "1 province, 2 districts, 2 communes" in parsed.text
        # 1 province + 2 districts fit; the communes' 2 more would too (5 <= MAX_ROWS)
        assert [row[0] for row in parsed.rows] == [
            f"{NASTY} (P)",
            "Huyện 1 (D1)",
            "Huyện 2 (D2)",
            "Xã 1 (C1)",
            "Xã 2 (C2)",
        ]
        # P 2023: (45 + 30) / 100 = 75 %; 2024: 20 / 40 = 50 %; D2 2024: no data
        assert parsed.rows[0][2:] == ["75", "50"]
        assert parsed.rows[2][2:] == ["60", "—"]
        check_no_markup_from_data(parsed)

    def test_missing_value_says_why(self) -> None:
        """A missing value is a dash whose tooltip gives the reason in words."""
        parsed = Parsed(small_rollup()._repr_html_())  # type: ignore[attr-defined]
        tips = [a.get("title") for t, a in parsed.tags if t == "td" and a.get("title")]
        assert tips == ["no data for the period"] * 2  # D2 and C2 in 2024

    def test_vietnamese(self, vietnamese: None) -> None:
        """With Vietnamese as the default language the text is Vietnamese, decimals with a comma."""
        panel = Panel.from_columns(
            tree(),
            indicator=["files"],
            unit=["C1"],
            period=[2024],
            numerator=[1],
            denominator=[3],
            indicators=[FILES],
        )
        parsed = Parsed(rollup(panel, "files", scope="tier:commune")._repr_html_())
        assert "Hồ sơ trực tuyến (files)" in parsed.text
        assert "các xã (tier:commune)" in parsed.text
        assert "1 tỉnh, 2 huyện, 2 xã" in parsed.text
        assert parsed.rows[0][2] == "33,3"
        assert "Hiển thị đủ 5 đơn vị" in parsed.text

    def test_national_rollup_is_bounded(self) -> None:
        """A roll-up of 24 months on the national units stays small: 30 rows, the latest 10 periods."""
        h = datasets.units("national-2024")
        communes = np.asarray(h.codes[h.level_slice("commune")])
        months = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
        unit = np.repeat(communes, len(months))
        period = np.tile(np.asarray(months), len(communes))
        panel = Panel.from_columns(
            h,
            indicator=np.full(len(unit), "files"),
            unit=unit,
            period=period,
            numerator=np.full(len(unit), 3.0),
            denominator=np.full(len(unit), 4.0),
            indicators=[FILES],
        )
        text = rollup(panel, "files", scope="tier:commune")._repr_html_()
        assert len(text.encode()) < 50_000
        parsed = Parsed(text)
        assert len(parsed.rows) == rh.MAX_ROWS
        assert all(len(row) == 2 + rh.MAX_COLUMNS for row in parsed.rows)
        assert "63 provinces, 696 districts, 10,051 communes" in parsed.text
        assert "30 of 10,810 units shown" in parsed.text
        assert "The latest 10 of 24 periods shown." in parsed.text
        assert parsed.rows[0][2] == "75"


def survey_result() -> object:
    answers = [5, 4, 4, 3, 5, 4, 2, 5, 4, 4]
    r = Responses.from_records(
        [
            {"respondent": f"r{i}", "unit": "C1", "question": "q1", "answer": a}
            for i, a in enumerate(answers)
        ],
        tree(),
        scale="1-5",
    )
    return satisfaction(r, "4,5")


class TestSurveyResult:
    def test_summary_and_rows(self) -> None:
        """A survey result shows the answers counted and each upper unit's share with its interval."""
        parsed = Parsed(survey_result()._repr_html_())  # type: ignore[attr-defined]
        assert "4, 5 on a scale 1–5" in parsed.text
        assert "1 question" in parsed.text
        assert "wilson; 95 %" in parsed.text
        assert [row[0] for row in parsed.rows][:3] == [
            f"{NASTY} (P)",
            "Huyện 1 (D1)",
            "Huyện 2 (D2)",
        ]
        # 8 of 10 satisfied: 80 %, Wilson 95 % interval 49.0–94.3
        assert parsed.rows[0][2] == "80 % (49–94.3)"
        assert parsed.rows[2][2] == "—"  # D2: no respondents
        check_no_markup_from_data(parsed)

    def test_vietnamese(self, vietnamese: None) -> None:
        """In Vietnamese the shares carry a decimal comma and the labels are Vietnamese."""
        parsed = Parsed(survey_result()._repr_html_())  # type: ignore[attr-defined]
        assert parsed.rows[0][2] == "80 % (49–94,3)"
        assert "Khảo sát sự hài lòng" in parsed.text
        assert "4, 5 trên thang 1–5" in parsed.text

    def test_synthetic_banner(self) -> None:
        """A result on synthetic data carries the warning as a banner."""
        from cchc_indicators.survey import synthetic_survey

        responses, elements = synthetic_survey(respondents=200, questions=2, elements=1, seed=1)
        parsed = Parsed(satisfaction(responses, "4,5", elements=elements)._repr_html_())
        banners = [a for t, a in parsed.tags if t == "p" and a.get("class") == "cchc-note"]
        assert len(banners) == 1
        assert SYNTHETIC_NOTE in parsed.text


class TestIndexResult:
    def test_summary_and_rows(self) -> None:
        """An index result shows its name, method and the ranking with the top-level scores."""
        parsed = Parsed(compute_index(small_index(), small_data())._repr_html_())
        assert "Chỉ số <thử> (i)" in parsed.text
        assert "minmax" in parsed.text
        assert "arithmetic" in parsed.text
        assert "level 1: 2 nodes; 2 indicators" in parsed.text
        # i = (a + 3 b) / 4: B = (50 + 300) / 4 = 87.5; NASTY = (100 + 0) / 4 = 25; C: a alone = 0
        assert parsed.rows == [
            ["1", "B", "87.5", "50", "100"],
            ["2", NASTY, "25", "100", "0"],
            ["3", "C", "0", "0", "—"],
        ]
        check_no_markup_from_data(parsed)

    def test_vietnamese(self, vietnamese: None) -> None:
        """In Vietnamese: the labels, and 87,5 with a comma."""
        parsed = Parsed(compute_index(small_index(), small_data())._repr_html_())
        assert parsed.rows[0][2] == "87,5"
        assert "Chuẩn hoá" in parsed.text
        assert "trọng số riêng của các nút" in parsed.text

    def test_demo_is_bounded(self) -> None:
        """The demo index on 63 provinces shows 30 of them, with the synthetic-data banner."""
        r = compute_index(load_index("par-style-demo"), datasets.index_observations())
        text = r._repr_html_()
        assert len(text.encode()) < 50_000
        parsed = Parsed(text)
        assert len(parsed.rows) == rh.MAX_ROWS
        assert [row[0] for row in parsed.rows[:3]] == ["1", "2", "3"]
        assert "30 of 63 units shown" in parsed.text
        assert SYNTHETIC_NOTE in parsed.text


class TestUncertainty:
    def test_summary_and_rows(self) -> None:
        """An uncertainty analysis shows the replications and each unit's intervals, best first."""
        data = Observations.from_values(
            {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", NASTY, "Z"]
        )
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        u = uncertainty(idx, data, n=500, seed=1, weights=0.5, rank_target=2)
        parsed = Parsed(u._repr_html_())
        assert "weights noise ±0.5" in parsed.text
        # the same figures as Uncertainty.table's doctest
        assert parsed.rows[0] == ["1", "X", "65.7", "63.7–67.7", "1", "1–2", "1"]
        assert parsed.rows[1] == ["2", NASTY, "64.3", "51.8–77", "2", "1–3", "0.76"]
        assert len(parsed.rows) == 4
        check_no_markup_from_data(parsed)

    def test_vietnamese(self, vietnamese: None) -> None:
        """In Vietnamese the choices and decimals are Vietnamese."""
        data = Observations.from_values(
            {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", "Y", "Z"]
        )
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        parsed = Parsed(uncertainty(idx, data, n=500, seed=1, weights=0.5)._repr_html_())
        assert "trọng số nhiễu ±0,5" in parsed.text
        assert parsed.rows[0][3] == "63,7–67,7"
        assert "Xác suất" not in parsed.text  # no rank target: no column

    def test_demo_is_bounded(self) -> None:
        """On 63 provinces the display keeps to 30 rows."""
        u = uncertainty(
            load_index("par-style-demo"), datasets.index_observations(), n=50, seed=1, weights=0.5
        )
        text = u._repr_html_()
        assert len(text.encode()) < 50_000
        assert len(Parsed(text).rows) == rh.MAX_ROWS


class TestSensitivity:
    def test_rows(self) -> None:
        """A sensitivity analysis shows one row per choice, with the figures of its table."""
        data = Observations.from_values(
            {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ")
        )
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        s = sensitivity(
            idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"], bootstrap=100
        )
        parsed = Parsed(s._repr_html_())
        assert parsed.rows == [
            ["weights", "1.041", "0.848–1.297", "1.081", "0.949–1.183"],
            ["normalisation", "-0.022", "-0.076–0.021", "0.026", "0.014–0.047"],
        ]
        assert "800 (n = 200)" in parsed.text

    def test_vietnamese(self, vietnamese: None) -> None:
        """In Vietnamese the choices are named in words, decimals with a comma."""
        data = Observations.from_values(
            {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ")
        )
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        s = sensitivity(idx, data, n=200, seed=1, weights=0.5, normalisation=["minmax", "zscore"])
        parsed = Parsed(s._repr_html_())
        assert [row[0] for row in parsed.rows] == ["trọng số", "chuẩn hoá"]
        assert "," in parsed.rows[0][1]
        assert "độ lệch tuyệt đối trung bình" in parsed.text

    def test_no_movement(self) -> None:
        """When the ranks never move the display says the indices have no value."""
        data = Observations.from_values({"a": [90, 70], "b": [80, 60]}, ["X", "Y"])
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        s = sensitivity(idx, data, n=20, seed=1, weights=0.1)
        assert s.variance == 0
        assert "The ranks never moved" in Parsed(s._repr_html_()).text


class TestPointsResult:
    def test_rows(self) -> None:
        """A points evaluation shows rank, unit, index and points of the applicable maximum."""
        s = points.load_structure("pci-2016")
        values = {c.code: [10.0, 5.0] for c in s.leaves()}
        r = points.evaluate_points(s, values, units=["B", NASTY])
        parsed = Parsed(r._repr_html_())
        assert parsed.rows == [
            ["1", "B", "100", "100 / 100", "—"],
            ["2", NASTY, "50", "50 / 100", "—"],
        ]
        check_no_markup_from_data(parsed)


class TestHelpers:
    def test_status_cell_is_coloured_inline(self) -> None:
        """A cell with a status carries its class and its colour inline."""
        parsed = Parsed(rh.table(["x"], [[("Đạt", "achieved")]]))
        (td,) = [a for t, a in parsed.tags if t == "td"]
        assert td["class"] == "status status-achieved"
        assert STATUS_COLOURS["achieved"] in (td["style"] or "")

    def test_synthetic_words_are_the_note(self) -> None:
        """The catalogue's synthetic-data message is the note the datasets write."""
        assert rh._SYNTHETIC == SYNTHETIC_NOTE
        assert rh.note_text(SYNTHETIC_NOTE, "en") == SYNTHETIC_NOTE

    def test_unknown_status_is_plain(self) -> None:
        """A status without a colour keeps its class but no colour."""
        parsed = Parsed(rh.table(["x"], [[("?", "inconclusive", "tip")]]))
        (td,) = [a for t, a in parsed.tags if t == "td"]
        assert td["class"] == "status status-inconclusive"
        assert "style" not in td
        assert td["title"] == "tip"


class TestAssessment:
    def test_counts_and_series(self) -> None:
        """An assessment shows its series per category and each series, coloured by status."""
        a = assess(
            "linear",
            [2021.0, 2022.0],
            np.array([[1.0, 2.0], [2.0, 1.0], [1.0, np.nan]]),
            x_now=2022,
            x_deadline=2024,
            target=3,
            higher_is_better=True,
        )
        parsed = Parsed(a._repr_html_())
        # the line through (2021, 1), (2022, 2) reaches 4 in 2024 (gap 3 - 4 = -1) and 3 in 2023
        assert parsed.rows[3:] == [
            ["1", "On track", "4", "-1", "2023", ""],
            ["2", "Off track", "-1", "4", "—", ""],
            ["3", "—", "—", "—", "—", "fewer than two observations"],
        ]
        assert parsed.rows[:3] == [["On track", "1"], ["Off track", "1"], ["—", "1"]]
        classes = [t[1].get("class") for t in parsed.tags if t[0] == "td" and t[1].get("class")]
        assert classes.count("status status-on_track") == 2

    def test_vietnamese_categories(self, vietnamese: None) -> None:
        """In Vietnamese the categories of every method are in words."""
        a = assess(
            "escap",
            [2021.0, 2022.0, 2023.0],
            np.array([[50.0, 60.0, 70.0]]),
            x_now=2023,
            x_deadline=2025,
            target=80,
            higher_is_better=True,
        )
        parsed = Parsed(a._repr_html_())
        assert parsed.rows[0] == ["duy trì tiến độ", "1"]
        assert "Đánh giá tiến độ (escap)" in parsed.text


class TestRebaseReport:
    def test_totals_coloured(self) -> None:
        """A re-basing report shows the editions and each indicator's totals, conserved or not."""
        r = RebaseReport(
            "vn-2024",
            "vn-2025",
            "official",
            (
                IndicatorRebase("staff", "sum", "measure count", {"value": Total(5.0, 5.0)}),
                IndicatorRebase("par", "mean", "rule mean"),
                IndicatorRebase(NASTY, "sum", "declared", {"value": Total(5.0, 4.0)}),
            ),
            levels={"commune": "commune"},
            splits=("00001",),
            notes=("a <note>",),
        )
        parsed = Parsed(r._repr_html_())
        assert parsed.rows == [
            ["staff", "sum", "value", "5", "5", "yes"],
            ["par", "mean", "—", "—", "—", "—"],
            [NASTY, "sum", "value", "5", "4", "no"],
        ]
        assert "vn-2024 → vn-2025" in parsed.text
        assert "a <note>" in parsed.text
        check_no_markup_from_data(parsed)
        styles = [a.get("class") for t, a in parsed.tags if t == "td" and a.get("class")]
        assert styles == ["status status-achieved", "status status-not_achieved"]

    def test_many_indicators_are_cut(self, vietnamese: None) -> None:
        """A report of many indicators shows 30 rows and says how to see all, in Vietnamese."""
        r = RebaseReport(
            "vn-2024",
            "vn-2025",
            "official",
            tuple(
                IndicatorRebase(f"i{k:02d}", "sum", "declared", {"value": Total(1.5, 1.5)})
                for k in range(40)
            ),
        )
        parsed = Parsed(r._repr_html_())
        assert len(parsed.rows) == rh.MAX_ROWS
        assert parsed.rows[0][3:] == ["1,5", "1,5", "có"]
        assert "Hiển thị 30 trên 40 dòng; xem tất cả: .to_records() / .summary()" in parsed.text
