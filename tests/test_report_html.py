"""Tests of the HTML report of an evaluation (report.html), Evaluation.to_report/_repr_html_ and `cchc report`."""

from __future__ import annotations

import errno
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_indicators import Hierarchy, Indicator, Panel, catalog, datasets, evaluate, measures
from cchc_indicators.cli import main
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, UnknownPeriodError
from cchc_indicators.core.i18n import set_default_language
from cchc_indicators.core.indicators import Area
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import STATUSES, at_least, at_most, rank_at_most
from cchc_indicators.evaluation import Evaluation
from cchc_indicators.report import _svg
from cchc_indicators.report._html_doc import banner, document, header, note_label, table
from cchc_indicators.report.html import evaluation_report
from cchc_indicators.testing import hierarchies, indicators, panels

PLAN = "vinh-phuc-2021-2025"


# ---------------------------------------------------------------------- helpers


@attrs.define
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[Element]
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def inside(self, tag: str, cls: str | None = None) -> Element | None:
        for p in reversed(self.parents):
            if p.tag == tag and (cls is None or cls in p.classes):
                return p
        return None


class Collector(HTMLParser):
    """Every element of a document with its attributes, ancestors and own text."""

    VOID = frozenset({"meta", "br", "link", "img", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, list(self.stack))
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, list(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, tag
        assert self.stack[-1].tag == tag, (tag, [e.tag for e in self.stack])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text += data


def parse(page: str) -> Collector:
    c = Collector()
    c.feed(page)
    c.close()
    assert not c.stack, [e.tag for e in c.stack]
    return c


def find(c: Collector, tag: str, cls: str | None = None, **attributes: str) -> list[Element]:
    return [
        e
        for e in c.elements
        if e.tag == tag
        and (cls is None or cls in e.classes)
        and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attributes.items())
    ]


def as_xml(page: str) -> ET.Element:
    """The document parsed as XML (after its doctype): it must be well-formed."""
    assert page.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(page[len("<!DOCTYPE html>\n") :])


@pytest.fixture(scope="module")
def demo() -> tuple[Evaluation, Panel]:
    panel = datasets.demo_panel()
    return evaluate(catalog.load(PLAN), panel, period=2023), panel


@pytest.fixture(scope="module")
def vi_page(demo: tuple[Evaluation, Panel]) -> str:
    ev, panel = demo
    return evaluation_report(ev, panel=panel, lang="vi")


@pytest.fixture(scope="module")
def en_page(demo: tuple[Evaluation, Panel]) -> str:
    ev, panel = demo
    return evaluation_report(ev, panel=panel, lang="en")


#: A province named "<b>&" with two districts; one indicator, a province and a district target.
#: files, own: 2021 50/100 = 50 %, 2023 70/100 = 70 %: +10 a year -> 90 % in 2025 (>= 80: on track).
#: districts pooled: 2021 (40 + 20) / 200 = 30 %, 2023 (90 + 30) / 200 = 60 % (>= 60: achieved).
#: 243: 90 % (achieved); 244: 20 % -> 30 %, +5 a year -> 40 % in 2025 (< 60: off track).
SMALL_UNITS = [
    {"code": "26", "name": "<b>&", "level": "province", "parent": ""},
    {"code": "243", "name": "Huyện A", "level": "district", "parent": "26"},
    {"code": "244", "name": "Huyện B", "level": "district", "parent": "26"},
]
SMALL_DATA = [
    ("26", "2021", 50),
    ("26", "2023", 70),
    ("243", "2021", 40),
    ("243", "2023", 90),
    ("244", "2021", 20),
    ("244", "2023", 30),
]


def small(note: str = "") -> tuple[Evaluation, Panel]:
    h = Hierarchy.from_records(SMALL_UNITS)
    files = Indicator(
        "files",
        "Tỷ lệ hồ sơ",
        name_en="Files online",
        area="procedures",
        targets=[at_least(80), at_least(60, tier="district")],
    )
    plan = Plan("small", unit="26", baseline="2021", deadline="2025", indicators=[files])
    records = [
        {"indicator": "files", "unit": u, "period": p, "numerator": n, "denominator": 100}
        for u, p, n in SMALL_DATA
    ]
    panel = Panel.from_records(records, h, indicators=[files])
    panel = attrs.evolve(panel, note=note)
    return evaluate(plan, panel), panel


# ---------------------------------------------------------------------- the document


class TestDocument:
    def test_a_complete_html5_document_in_the_language(self, vi_page: str, en_page: str) -> None:
        """The report is one HTML5 document: doctype, lang attribute, charset, a title."""
        for page, lang in ((vi_page, "vi"), (en_page, "en")):
            c = parse(page)
            assert c.doctype == "DOCTYPE html"
            assert find(c, "html")[0].attrs == {"lang": lang}
            assert find(c, "meta", charset="utf-8")
            (title,) = [t for t in find(c, "title") if t.inside("head") is not None]
            assert title.parents[-1].tag == "head"
        assert find(parse(vi_page), "title")[0].text.startswith("Kế hoạch cải cách hành chính")
        assert find(parse(en_page), "title")[0].text == (
            "Vĩnh Phúc provincial state administrative reform plan 2021–2025 — 2023"
        )

    def test_well_formed(self, vi_page: str, en_page: str) -> None:
        """Both languages' reports parse as XML (every element closed, every text escaped)."""
        for page in (vi_page, en_page):
            assert as_xml(page).tag == "html"

    def test_self_contained(self, vi_page: str, en_page: str) -> None:
        """No external URL, source, link, script or CSS url() anywhere."""
        for page in (vi_page, en_page):
            for needle in ("http://", "https://", "src=", "<link", "<script", "url(", "@import"):
                assert needle not in page, needle

    def test_print_stylesheet(self, vi_page: str) -> None:
        """A4 pages, each area on a new page, table rows and charts not split."""
        (style,) = find(parse(vi_page), "style")
        css = re.sub(r"\s+", " ", style.text)
        assert "@page { size: A4;" in css
        assert "section.area { break-before: page; }" in css
        assert "tr, td, th { break-inside: avoid; }" in css
        assert "thead { display: table-header-group; }" in css

    def test_header_holds_the_plan(self, en_page: str) -> None:
        """The header gives the plan's code, unit, period, baseline, deadline, method and coverage."""
        c = parse(en_page)
        facts = dict(
            zip(
                [e.text for e in find(c, "dt")],
                [
                    e.text or "".join(x.text for x in c.elements if e in x.parents)
                    for e in find(c, "dd")
                ],
                strict=True,
            )
        )
        assert facts["Plan"] == "vinh-phuc-2021-2025"
        assert facts["Unit"] == "Tỉnh Vĩnh Phúc (26)"
        assert facts["Period evaluated"] == "2023"
        assert facts["Baseline"] == "2021"
        assert facts["Deadline"] == "2025"
        assert facts["Projection method"] == "linear trend (least squares)"
        assert facts["Targets with data"] == "30 of 30"
        assert facts["Periods of the data"] == "2021, 2022, 2023, 2024, 2025"
        (h1,) = find(c, "h1")
        assert h1.text == "Vĩnh Phúc provincial state administrative reform plan 2021–2025"

    def test_title_given(self, demo: tuple[Evaluation, Panel]) -> None:
        """``title`` replaces the plan's title in the heading and the document's title."""
        page = evaluation_report(demo[0], lang="en", title="Báo cáo <quý>")
        c = parse(page)
        assert find(c, "h1")[0].text == "Báo cáo <quý>"
        assert find(c, "title")[0].text == "Báo cáo <quý> — 2023"
        assert "Báo cáo &lt;quý&gt;" in page


class TestScorecard:
    def test_one_row_per_plan_unit_row(self, demo: tuple[Evaluation, Panel], vi_page: str) -> None:
        """The scorecard has one tr.row per row of the plan's unit, in order, classed by status."""
        ev, _ = demo
        c = parse(vi_page)
        rows = [e for e in find(c, "tr", "row") if e.inside("table") is not None]
        (table_el,) = find(c, "table", "scorecard")
        assert table_el.attrs["id"] == "scorecard"
        assert len(rows) == len(ev.plan_rows()) == 30
        assert [r.attrs["data-status"] for r in rows] == [r["status"] for r in ev.plan_rows()]
        assert [r.attrs["data-indicator"] for r in rows] == [r["indicator"] for r in ev.plan_rows()]
        for r in rows:
            assert f"status-{r.attrs['data-status']}" in r.classes
            assert r.inside("table") is table_el

    def test_status_colours(self, vi_page: str) -> None:
        """Each status class has its colour in the stylesheet."""
        css = find(parse(vi_page), "style")[0].text
        for status in STATUSES:
            assert f".status-{status} {{ background: #" in css

    def test_counts_of_the_statuses(self, demo: tuple[Evaluation, Panel], en_page: str) -> None:
        """The scorecard's summary counts each status of the plan's unit (those with rows)."""
        ev, _ = demo
        c = parse(en_page)
        (scorecard,) = find(c, "section", "scorecard")
        items = [e for e in find(c, "li") if scorecard in e.parents]
        counts = ev.counts(ev.plan_rows())
        assert {e.attrs["data-status"]: e.text for e in items} == {
            s: f"{label}: {counts[s]}"
            for s, label in (
                ("achieved", "Achieved"),
                ("on_track", "On track"),
                ("off_track", "Off track"),
                ("not_achieved", "Not achieved"),
            )
            if counts[s]
        }

    def test_words_in_vietnamese(self, vi_page: str) -> None:
        """Statuses, scopes and targets in Vietnamese words, numbers with a decimal comma."""
        for words in (
            "Đạt",
            "Đúng tiến độ",
            "Chậm tiến độ",
            "Không đạt",
            "cấp tỉnh (tự thân)",
            "toàn tỉnh",
            "các huyện",
            "trong tốp 15 tỉnh, mỗi kỳ",
            "giảm ≥ 10 % so với 2021",
            "91,5 % vào 2025",
            "29,5 %",
            "DỮ LIỆU GIẢ LẬP",
            "Cải cách thủ tục hành chính",
        ):
            assert words in vi_page, words
        assert "91.5 %" not in vi_page
        assert "\ufffd" not in vi_page

    def test_words_in_english(self, en_page: str) -> None:
        """The same words in English, with a decimal point."""
        for words in (
            "Achieved",
            "On track",
            "province level (itself)",
            "91.5 % by 2025",
            "29.5 %",
        ):
            assert words in en_page, words
        assert "91,5 %" not in en_page

    def test_row_without_value_says_why(self) -> None:
        """A row without data is "No data" with the reason in words."""
        ev, panel = small()
        bare = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "243",
                    "period": "2023",
                    "numerator": 1,
                    "denominator": 2,
                }
            ],
            panel.hierarchy,
            indicators=[ev.plan.indicator("files")],
        )
        page = evaluation_report(evaluate(ev.plan, bare), lang="vi")
        c = parse(page)
        first = find(c, "tr", "row")[0]
        assert first.attrs["data-status"] == "no_data"
        cells = [e for e in find(c, "td") if e.parents[-1] is first]
        assert cells[-1].text == "không có số liệu trong kỳ"

    def test_names_of_units_are_escaped(self) -> None:
        """A unit named "<b>&" is written as text, never as markup."""
        ev, panel = small()
        page = evaluation_report(ev, panel=panel, lang="en")
        assert "&lt;b&gt;&amp; (26)" in page
        assert "<b>&" not in page
        as_xml(page)


class TestAreas:
    def test_one_section_per_area_with_rows(
        self, demo: tuple[Evaluation, Panel], vi_page: str
    ) -> None:
        """One section.area per reform area with rows, in the areas' order, titled in words."""
        ev, _ = demo
        c = parse(vi_page)
        sections = find(c, "section", "area")
        wanted = [a.value for a in Area if any(r["area"] == a.value for r in ev.plan_rows())]
        assert [s.attrs["data-area"] for s in sections] == wanted
        assert len(sections) == 5
        titles = [e.text for e in find(c, "h2") if e.parents[-1] in sections]
        assert titles[0] == "Kết quả chung"
        rows = list(find(c, "tr", "area-row"))
        assert len(rows) == 30

    def test_tier_breakdown(self) -> None:
        """A district target lists the districts with value and status, and how many meet it."""
        ev, _panel = small()
        c = parse(evaluation_report(ev, lang="en"))
        (tier,) = find(c, "div", "tier")
        assert tier.attrs == {"class": "tier", "data-indicator": "files", "data-tier": "district"}
        units = [e for e in find(c, "tr", "unit-row") if tier in e.parents]
        assert [(u.attrs["data-unit"], u.attrs["data-status"]) for u in units] == [
            ("243", "achieved"),
            ("244", "off_track"),
        ]
        texts = [e.text for e in find(c, "p") if tier in e.parents]
        assert texts == ["1/2 districts meet the target (≥ 60 %)"]
        values = [e.text for e in find(c, "td", "number") if tier in e.parents]
        assert values == ["90 %", "30 %"]

    def test_tier_breakdown_of_the_demo(self, vi_page: str) -> None:
        """Vĩnh Phúc's district and commune targets list 9 districts and 121 communes."""
        c = parse(vi_page)
        tiers = {
            (t.attrs["data-indicator"], t.attrs["data-tier"]): t for t in find(c, "div", "tier")
        }
        assert set(tiers) == {
            ("meetings_online", "district"),
            ("work_files_online", "district"),
            ("work_files_online", "commune"),
        }
        counted = {
            k: sum(1 for e in find(c, "tr", "unit-row") if t in e.parents) for k, t in tiers.items()
        }
        assert counted[("work_files_online", "commune")] == 121
        assert counted[("meetings_online", "district")] == 9
        # the own condition of a share-meeting target, in words
        meetings = tiers[("meetings_online", "district")]
        (p,) = [e for e in find(c, "p") if meetings in e.parents]
        assert p.text.endswith("huyện đạt chỉ tiêu (= có)")


class TestCharts:
    def test_a_chart_per_indicator_and_scope(
        self, demo: tuple[Evaluation, Panel], en_page: str
    ) -> None:
        """Given the data, each indicator and scope of the plan's unit has an svg.trajectory."""
        ev, _ = demo
        c = parse(en_page)
        charts = find(c, "svg", "trajectory")
        wanted = list(
            dict.fromkeys(
                (r["indicator"], r["scope"])
                for area in Area
                for r in ev.plan_rows()
                if r["area"] == area.value
            )
        )
        assert [(s.attrs["data-indicator"], s.attrs["data-scope"]) for s in charts] == wanted
        assert all(s.attrs["data-unit"] == "26" for s in charts)
        for s in charts:
            (area,) = [p for p in s.parents if p.tag == "section" and "area" in p.classes]
            assert (
                area.attrs["data-area"] == ev.plan.indicator(s.attrs["data-indicator"]).area.value
            )

    def test_series_target_projection_deadline(self) -> None:
        """The chart holds the observed series, its points, the target, the projection, the deadline."""
        ev, panel = small()
        c = parse(evaluation_report(ev, panel=panel, lang="en"))
        own, pooled = find(c, "svg", "trajectory")
        assert (own.attrs["data-scope"], pooled.attrs["data-scope"]) == ("own", "tier:district")
        inside = [e for e in c.elements if own in e.parents]
        classes = [frozenset(e.classes) for e in inside]
        assert classes.count(frozenset({"series", "observed"})) == 1
        assert classes.count(frozenset({"target"})) == 1
        assert classes.count(frozenset({"projection"})) == 1
        keys = [
            e.attrs["class"]
            for e in inside
            if e.inside("g", "legend") is not None and e.tag == "line"
        ]
        assert keys == ["key-series key-observed", "key-projection", "key-target"]
        assert classes.count(frozenset({"deadline"})) == 1
        (points,) = [e for e in inside if e.tag == "g" and "points" in e.classes]
        dots = [e for e in inside if e.tag == "circle" and points in e.parents]
        assert len(dots) == 2
        titles = [e.text for e in inside if e.tag == "title" and e.parents[-1].tag == "circle"]
        assert titles == ["2021: 50 %", "2023: 70 %"]
        (path,) = [e for e in inside if e.tag == "path"]
        assert path.attrs["d"].count("M") == 1
        assert path.attrs["d"].count("L") == 1
        labels = [e.text for e in inside if e.tag == "text"]
        assert "≥ 80 %" in labels
        assert "deadline 2025" in labels

    def test_the_projection_reaches_the_projected_value(self) -> None:
        """The projection runs from the last value (70 % in 2023) to the row's projection (90 % in 2025)."""
        ev, panel = small()
        page = evaluation_report(ev, panel=panel, lang="en")
        c = parse(page)
        own = find(c, "svg", "trajectory")[0]
        (line,) = [
            e
            for e in c.elements
            if own in e.parents
            and e.tag == "line"
            and "projection" in e.classes
            and e.parents[-1] is own
        ]
        frame = _svg.Frame()
        x = frame.x_scale([2021.0, 2023.0, 2025.0], nice=False, pad=0.04)
        y = frame.y_scale([50.0, 70.0], include=[80.0, 90.0])
        assert (float(line.attrs["x1"]), float(line.attrs["y1"])) == pytest.approx(
            (x(2023.0), y(70.0)), abs=0.06
        )
        assert (float(line.attrs["x2"]), float(line.attrs["y2"])) == pytest.approx(
            (x(2025.0), y(90.0)), abs=0.06
        )

    def test_a_relative_target_is_drawn_from_the_baseline(self, en_page: str) -> None:
        """A reduction by 10 % on 2021 is a target line; a rank target none."""
        c = parse(en_page)
        (units,) = find(c, "svg", "trajectory", data_indicator="public_service_units")
        assert any(e.tag == "g" and "target" in e.classes for e in c.elements if units in e.parents)
        (par,) = find(c, "svg", "trajectory", data_indicator="par_index")
        assert not any(
            "target" in e.classes for e in c.elements if par in e.parents and e.tag == "g"
        )

    def test_ticks_with_the_decimal_separator(self, vi_page: str, en_page: str) -> None:
        """Axis ticks use the language's decimal separator (PAR INDEX points: 85,5 / 85.5)."""
        for page, tick in ((vi_page, "85,5"), (en_page, "85.5")):
            c = parse(page)
            (par,) = find(c, "svg", "trajectory", data_indicator="par_index")
            texts = [e.text for e in c.elements if par in e.parents and e.tag == "text"]
            assert tick in texts

    def test_no_chart_without_data(self, demo: tuple[Evaluation, Panel]) -> None:
        """Without the panel the report has the tables and no chart."""
        page = evaluation_report(demo[0], lang="en")
        assert "<svg" not in page
        assert len(find(parse(page), "tr", "row")) == 30

    def test_no_chart_for_a_plan_about_every_province(self) -> None:
        """A plan without a unit (every top-level unit) lists the units and draws no chart."""
        ev, panel = small()
        plan = attrs.evolve(ev.plan, unit=None)
        ev2 = evaluate(plan, panel)
        page = evaluation_report(ev2, panel=panel, lang="en")
        assert "<svg" not in page
        assert len(find(parse(page), "tr", "row")) == 2


class TestWithoutRecordedTargets:
    def test_targets_found_in_the_plan(self, demo: tuple[Evaluation, Panel], vi_page: str) -> None:
        """An evaluation without its rows' targets finds them in the plan: the same report."""
        ev, panel = demo
        bare = attrs.evolve(ev, targets=())
        assert evaluation_report(bare, panel=panel, lang="vi") == vi_page

    def test_unknown_target_keeps_the_rows_text(self) -> None:
        """A row whose target the plan does not hold shows its own text and gets no target line."""
        ev, panel = small()
        rows = [
            dict(r, threshold=75.0) if r["scope"] == "own" and r["unit"] == "26" else r
            for r in ev.rows
        ]
        odd = attrs.evolve(ev, rows=tuple(rows), targets=())
        c = parse(evaluation_report(odd, panel=panel, lang="vi"))
        first = find(c, "tr", "row")[0]
        cells = [e.text for e in find(c, "td") if e.parents[-1] is first]
        assert cells[3] == ">= 80 %"
        own = find(c, "svg", "trajectory", data_scope="own")[0]
        inside = [e for e in c.elements if own in e.parents]
        assert not any(e.tag == "g" and "target" in e.classes for e in inside)


class TestChartCases:
    def test_no_chart_where_the_unit_has_no_value(self) -> None:
        """A scope on which the plan's unit has no value up to the period has no chart."""
        ev, panel = small()
        records = [r for r in panel.to_records() if r["unit"] != "26"]
        files = ev.plan.indicator("files")
        panel2 = Panel.from_records(records, panel.hierarchy, indicators=[files])
        ev2 = evaluate(ev.plan, panel2)
        c = parse(evaluation_report(ev2, panel=panel2, lang="en"))
        scopes = [s.attrs["data-scope"] for s in find(c, "svg", "trajectory")]
        assert scopes == ["tier:district"]

    def test_a_rank_indicator_reads_downwards(self) -> None:
        """An indicator whose values are ranks has its rank target drawn and rank 1 at the top."""
        h = Hierarchy.from_records(
            [
                {"code": "26", "name": "Tỉnh A", "level": "province"},
                {"code": "27", "name": "Tỉnh B", "level": "province"},
            ]
        )
        par = Indicator(
            "par",
            "Xếp hạng PAR INDEX",
            measure=measures.rank(),
            targets=[rank_at_most(15, among="province")],
        )
        plan = Plan("r", unit="26", baseline="2021", deadline="2025", indicators=[par])
        values = (("26", "2021", 20), ("26", "2023", 12), ("27", "2021", 3), ("27", "2023", 4))
        records = [{"indicator": "par", "unit": u, "period": p, "value": v} for u, p, v in values]
        panel = Panel.from_records(records, h, indicators=[par])
        page = evaluation_report(evaluate(plan, panel), panel=panel, lang="vi")
        c = parse(page)
        (chart,) = find(c, "svg", "trajectory")
        inside = [e for e in c.elements if chart in e.parents]
        assert any(e.tag == "g" and "target" in e.classes for e in inside)
        assert "hạng 12" in page
        ticks = sorted(
            (float(e.attrs["y"]), float(e.text))
            for e in inside
            if e.tag == "text" and e.inside("g", "y") is not None and e.text.isdigit()
        )
        assert ticks[0][1] < ticks[-1][1]  # the smallest rank at the top


class TestBanner:
    def test_banner_on_synthetic_data(self, vi_page: str) -> None:
        """The synthetic-data banner, in Vietnamese, opens and closes the report."""
        c = parse(vi_page)
        banners = find(c, "div", "banner")
        assert len(banners) == 2
        assert all(b.classes == {"banner", "synthetic"} for b in banners)
        assert (
            banners[0].text == "DỮ LIỆU GIẢ LẬP: tạo ra để minh họa, không phải số liệu chính thức"
        )

    def test_no_banner_without_a_note(self) -> None:
        """Data without a note make a report without banner."""
        ev, panel = small()
        assert 'class="banner' not in evaluation_report(ev, panel=panel, lang="vi")

    def test_another_note_is_kept_and_escaped(self) -> None:
        """A note other than the synthetic one is shown as written, escaped."""
        ev, _panel = small(note="số liệu <tạm tính>")
        page = evaluation_report(ev, lang="vi")
        assert '<div class="banner synthetic" role="note">số liệu &lt;tạm tính&gt;</div>' in page


class TestErrors:
    def test_not_an_evaluation(self) -> None:
        """Something else than an Evaluation is refused, naming what was given."""
        with pytest.raises(
            ArgumentTypeError, match=r"'evaluation' must be an Evaluation .*got str"
        ):
            evaluation_report("ev")  # type: ignore[arg-type]

    def test_panel_of_the_wrong_type(self, demo: tuple[Evaluation, Panel]) -> None:
        """A panel that is not a Panel is refused."""
        with pytest.raises(ArgumentTypeError, match="'panel' must be the Panel evaluated"):
            evaluation_report(demo[0], panel="data.csv")  # type: ignore[arg-type]

    def test_unknown_language(self, demo: tuple[Evaluation, Panel]) -> None:
        """A language other than vi and en is refused."""
        with pytest.raises(
            DefinitionError, match="evaluation_report: lang must be 'vi' or 'en', got 'fr'"
        ):
            evaluation_report(demo[0], lang="fr")

    def test_title_not_text(self, demo: tuple[Evaluation, Panel]) -> None:
        """A title that is not text is refused."""
        with pytest.raises(ArgumentTypeError, match="'title' must be a str or None"):
            evaluation_report(demo[0], title=2023)  # type: ignore[arg-type]

    def test_panel_without_the_period(self) -> None:
        """A panel that does not hold the period evaluated is refused."""
        ev, panel = small()
        with pytest.raises(UnknownPeriodError, match="does not hold the period evaluated, '2023'"):
            evaluation_report(ev, panel=_only_2021(panel))

    def test_panel_without_the_plan_unit(self) -> None:
        """A panel on other units than the plan's is refused."""
        ev, _ = small()
        with pytest.raises(DefinitionError, match="do not hold the plan's unit '26'"):
            evaluation_report(ev, panel=_other_units())


def _only_2021(panel: Panel) -> Panel:
    records = [r for r in panel.to_records() if r["period"] == "2021"]
    return Panel.from_records(records, panel.hierarchy, indicators=list(panel.indicators.values()))


def _other_units() -> Panel:
    h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
    ind = Indicator("files", "Tỷ lệ hồ sơ")
    return Panel.from_records(
        [{"indicator": "files", "unit": "01", "period": "2023", "value": 50}], h, indicators=[ind]
    )


# ---------------------------------------------------------------------- Evaluation methods


class TestEvaluationMethods:
    def test_to_report_is_the_report(self, demo: tuple[Evaluation, Panel], vi_page: str) -> None:
        """Evaluation.to_report writes evaluation_report's document."""
        ev, panel = demo
        assert ev.to_report(panel=panel, lang="vi") == vi_page

    def test_to_report_default_language(self, demo: tuple[Evaluation, Panel]) -> None:
        """Without lang, the default language is used."""
        set_default_language("vi")
        try:
            assert '<html lang="vi">' in demo[0].to_report()
        finally:
            set_default_language(None)

    def test_notebook_shows_the_scorecard(self, demo: tuple[Evaluation, Panel]) -> None:
        """_repr_html_ shows the plan unit's rows, coloured, and says how to see all rows."""
        ev, _ = demo
        set_default_language("vi")
        try:
            shown = ev._repr_html_()
        finally:
            set_default_language(None)
        c = parse(shown)
        rows = find(c, "tr", "row")
        assert len(rows) == 30 < len(ev)
        assert {f"status-{r.attrs['data-status']}" for r in rows} <= {
            c for r in rows for c in r.classes
        }
        assert ".cchc-evaluation .status-achieved { background: #cdebd3; }" in shown
        (note,) = find(c, "p", "note")
        assert note.text == (
            "Các chỉ tiêu của đơn vị: 30/169 dòng. Xem tất cả các dòng: ev.to_frame(), ev.to_html()."
        )
        assert "DỮ LIỆU GIẢ LẬP" in shown
        assert "<!DOCTYPE" not in shown
        assert "<script" not in shown

    def test_notebook_in_english_by_default(self) -> None:
        """Without a default language set, the notebook display is in English."""
        ev, _ = small()
        set_default_language("en")
        try:
            shown = ev._repr_html_()
        finally:
            set_default_language(None)
        assert "Files online" in shown
        assert "On track" in shown
        (note,) = find(parse(shown), "p", "note")
        assert note.text.startswith("The targets of the plan's unit: 2 of 4 rows.")


# ---------------------------------------------------------------------- the shell and the charts


class TestPieces:
    def test_document_refuses_an_unknown_language(self) -> None:
        """document() checks its language."""
        with pytest.raises(DefinitionError, match="document: lang must be 'vi' or 'en'"):
            document("", lang="de", title="x")

    def test_table_escapes_and_marks(self) -> None:
        """table() escapes cells and attributes and gives each column its class."""
        out = table(["a"], [['"x" & <y>']], row_attributes=[{"data-unit": '1"2'}])
        assert '<tr data-unit="1&quot;2"><td>&quot;x&quot; &amp; &lt;y&gt;</td></tr>' in out

    def test_header_and_banner(self) -> None:
        """header() writes the facts; banner() nothing without a note, the note in the language."""
        assert "<dt>Kỳ</dt><dd>2023</dd>" in header("T", [("Kỳ", "2023")], lang="vi", subtitle="s")
        assert banner("", "en") == ""
        assert note_label(datasets.SYNTHETIC_NOTE, "vi").startswith("DỮ LIỆU GIẢ LẬP")
        with pytest.raises(DefinitionError):
            banner("", "xx")

    def test_scale_of_one_value(self) -> None:
        """A chart of one value has a domain around it and ticks inside it."""
        frame = _svg.Frame()
        y = frame.y_scale([5.0])
        assert y.lo < 5.0 < y.hi
        assert y.ticks()[0] >= y.lo
        assert y.ticks()[-1] <= y.hi
        assert frame.y_scale([]).lo == 0.0

    def test_nice_step_is_round(self) -> None:
        """nice_step gives 1, 2, 2.5 or 5 times a power of ten."""
        assert [_svg.nice_step(s) for s in (1.0, 3.0, 12.0, 40.0, 1e6)] == [
            0.2,
            1.0,
            2.5,
            10.0,
            200000.0,
        ]
        assert _svg.nice_step(float("inf")) == 1.0

    def test_band_and_interval(self) -> None:
        """A band drops missing points; an interval is a horizontal line at its row."""
        s = _svg.Scale(0.0, 10.0, 0.0, 100.0)
        out = _svg.band([0, 5, 10], [1, float("nan"), 1], [2, 2, 2], s, s)
        assert out.count(",") == 4
        assert 'y1="50.0"' in _svg.hinterval(1, 3, 5.0, s, s)

    def test_downwards_scale(self) -> None:
        """A downwards scale puts low values (rank 1) at the top."""
        frame = _svg.Frame()
        y = frame.y_scale([1.0, 10.0], downwards=True)
        assert y(1.0) < y(10.0)

    def test_legend_wraps(self) -> None:
        """A long legend continues on a second line."""
        out = _svg.legend(_svg.Frame(width=200), [("points", "a" * 30), ("target", "b" * 30)])
        ys = re.findall(r'<text x="[\d.]+" y="([\d.]+)"', out)
        assert len(set(ys)) == 2


# ---------------------------------------------------------------------- cchc report


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(args, out=out)
    return code, out.getvalue(), capsys.readouterr().err


class TestCommand:
    def test_demo(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`cchc report --demo` writes the synthetic data's report, in the language asked."""
        path = tmp_path / "báo cáo.html"
        code, out, err = run_cli(
            ["report", "--demo", "--period", "2023", "--lang", "vi", "-o", str(path)], capsys
        )
        assert (code, err) == (0, "")
        assert out == f"đã ghi báo cáo vào {path} (30 chỉ tiêu, kỳ 2023)\n"
        page = path.read_text(encoding="utf-8")
        assert '<html lang="vi">' in page
        assert 'class="banner synthetic"' in page
        assert len(find(parse(page), "tr", "row")) == 30
        assert len(find(parse(page), "svg", "trajectory")) == 28

    def test_plan_and_data(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`cchc report --plan --data` evaluates a CSV and writes its report with charts."""
        data = tmp_path / "obs.csv"
        datasets.demo_panel().to_csv(data)
        path = tmp_path / "r.html"
        code, out, err = run_cli(
            [
                "report",
                "--plan",
                PLAN,
                "--data",
                str(data),
                "--period",
                "2024",
                "--lang",
                "en",
                "--method",
                "open-sdg",
                "--title",
                "Annual report",
                "--output",
                str(path),
            ],
            capsys,
        )
        assert (code, err) == (0, "")
        assert out == f"wrote the report to {path} (30 targets, period 2024)\n"
        c = parse(path.read_text(encoding="utf-8"))
        assert find(c, "h1")[0].text == "Annual report"
        assert len(find(c, "tr", "row")) == 30
        assert find(c, "svg", "trajectory")
        assert "ratio of observed to required growth (Open SDG)" in path.read_text(encoding="utf-8")

    def test_default_language_from_the_environment(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --lang, CCHC_LANG chooses the language."""
        monkeypatch.setenv("CCHC_LANG", "vi")
        path = tmp_path / "r.html"
        code, out, _ = run_cli(["report", "--demo", "-o", str(path)], capsys)
        assert code == 0
        assert out.startswith("đã ghi báo cáo")
        assert '<html lang="vi">' in path.read_text(encoding="utf-8")

    def test_in_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`cchc --help` lists the report command."""
        with pytest.raises(SystemExit):
            main(["--help"])
        assert "report" in capsys.readouterr().out

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ["--demo"],
                "report: give the HTML file to write with --output, such as --output report.html",
            ),
            (
                ["--plan", PLAN, "-o", "{tmp}/r.html"],
                "report: give --data (or --demo for the embedded synthetic data)",
            ),
            (
                ["-o", "{tmp}/r.html"],
                "report: give --plan and --data (or --demo for the embedded synthetic data)",
            ),
            (
                ["--demo", "--data", "x.csv", "-o", "{tmp}/r.html"],
                "--demo evaluates the embedded synthetic data: give --demo or --data, not both",
            ),
            (
                ["--demo", "--plan", "vn-par-2021-2030", "-o", "{tmp}/r.html"],
                "--demo evaluates the plan vinh-phuc-2021-2025",
            ),
            (
                ["--demo", "-o", "{tmp}"],
                "--output {tmp}: is a directory; give the name of an HTML file",
            ),
            (
                ["--demo", "-o", "{tmp}/no/r.html"],
                "--output {tmp}/no/r.html: cannot write: no such folder '{tmp}/no'",
            ),
            (
                ["--demo", "--lang", "fr", "-o", "{tmp}/r.html"],
                "--lang must be 'vi' or 'en', got 'fr'",
            ),
            (["--demo", "--period", "20x3", "-o", "{tmp}/r.html"], "--period: "),
            (
                ["--demo", "--period", "2030", "-o", "{tmp}/r.html"],
                "period '2030' is not in the panel",
            ),
            (
                ["--plan", "nowhere.json", "--data", "x.csv", "-o", "{tmp}/r.html"],
                "--plan: 'nowhere.json' is neither a catalogue",
            ),
            (
                ["--demo", "--min-coverage", "2", "-o", "{tmp}/r.html"],
                "a share between 0 and 1, got '2'",
            ),
            (
                ["--demo", "--min-coverage", "x", "-o", "{tmp}/r.html"],
                "a share between 0 and 1, got 'x'",
            ),
        ],
    )
    def test_refusals(
        self, args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Bad usage ends with exit code 2 and one line saying what to do; no file is written."""
        code, out, err = run_cli(["report", *(a.format(tmp=tmp_path) for a in args)], capsys)
        assert code == 2
        assert out == ""
        assert err.startswith("cchc: error: ")
        assert message.format(tmp=tmp_path) in err
        assert not (tmp_path / "r.html").exists()

    def test_unknown_units(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Data on units the plan's unit list lacks are refused naming the file."""
        data = tmp_path / "obs.csv"
        data.write_text(
            "indicator,unit,period,value\nprocedures_online,99,2023,50\n", encoding="utf-8"
        )
        code, _, err = run_cli(
            ["report", "--plan", PLAN, "--data", str(data), "-o", str(tmp_path / "r.html")], capsys
        )
        assert code == 2
        assert "obs.csv" in err

    def test_units_option(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--units names the unit list the data are on."""
        data = tmp_path / "obs.csv"
        datasets.demo_panel().to_csv(data)
        path = tmp_path / "r.html"
        args = ["--plan", PLAN, "--data", str(data), "--units", "vinh-phuc-2024", "-o", str(path)]
        code, _, err = run_cli(["report", *args], capsys)
        assert (code, err) == (0, "")
        assert path.exists()

    def test_plan_without_units(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A plan file that names no unit list needs --units."""
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(
            attrs.evolve(catalog.load(PLAN), units=None).to_json(), encoding="utf-8"
        )
        data = tmp_path / "obs.csv"
        data.write_text("indicator,unit,period,value\n", encoding="utf-8")
        args = ["--plan", str(plan_file), "--data", str(data), "-o", str(tmp_path / "r.html")]
        code, _, err = run_cli(["report", *args], capsys)
        assert code == 2
        assert "names no embedded units: give --units UNITS.csv" in err

    def test_a_file_that_cannot_be_written(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file the system refuses to write is reported with its cause in words."""
        path = tmp_path / "r.html"
        real_open = Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
        code, _, err = run_cli(["report", "--demo", "-o", str(path)], capsys)
        assert code == 2
        assert err == f"cchc: error: --output {path}: cannot write: permission denied\n"


# ---------------------------------------------------------------------- properties


@st.composite
def evaluated(draw: st.DrawFn) -> tuple[Evaluation, Panel]:
    """A small random plan on random data, evaluated in one of its periods."""
    h = draw(hierarchies(max_units_per_level=3))
    inds = draw(
        st.lists(
            indicators(["ratio", "score", "count"]),
            min_size=1,
            max_size=3,
            unique_by=lambda i: i.code,
        )
    )
    years = draw(
        st.lists(
            st.sampled_from(["2021", "2022", "2023", "2024"]), min_size=1, max_size=4, unique=True
        )
    )
    with_targets = []
    for ind in inds:
        lo, hi = ind.measure.bounds or (0.0, 100.0)
        kind = draw(st.sampled_from([at_least, at_most]))
        tiers = draw(
            st.lists(
                st.sampled_from([None, "district", "commune"]), min_size=1, max_size=2, unique=True
            )
        )
        targets = [kind(draw(st.floats(lo, hi, allow_nan=False)), tier=t) for t in tiers]
        area = draw(st.sampled_from(list(Area)))
        name = draw(st.sampled_from(['Tỷ lệ <hồ sơ> & "TTHC"', "Chỉ số 'SIPAS'", "x"]))
        with_targets.append(attrs.evolve(ind, targets=targets, area=area, name=name))
    unit = h.codes[0]
    plan = Plan(
        "random",
        title="Kế hoạch <thử>",
        unit=unit,
        baseline="2021",
        deadline=draw(st.sampled_from(["2023", "2025"])),
        indicators=with_targets,
    )
    panel = draw(panels(h, with_targets, periods=sorted(years)))
    period = draw(st.sampled_from(panel.periods))
    return evaluate(plan, panel, period=period), panel


class TestProperties:
    @settings(max_examples=40)
    @given(case=evaluated(), lang=st.sampled_from(["vi", "en"]), with_panel=st.booleans())
    def test_report_is_well_formed_and_complete(
        self, case: tuple[Evaluation, Panel], lang: str, with_panel: bool
    ) -> None:
        """For any small plan and data the report is well-formed XML with a row per plan-unit row."""
        ev, panel = case
        page = evaluation_report(ev, panel=panel if with_panel else None, lang=lang)
        root = as_xml(page)
        assert root.attrib["lang"] == lang
        c = parse(page)
        assert len(find(c, "tr", "row")) == len(ev.plan_rows())
        assert {s.attrs["data-area"] for s in find(c, "section", "area")} == {
            r["area"] for r in ev.plan_rows()
        }
        for needle in ("http://", "https://", "<script", "src="):
            assert needle not in page
        if not with_panel:
            assert "<svg" not in page
        charts: Iterator[Element] = iter(find(c, "svg", "trajectory"))
        for chart in charts:
            inside = [e for e in c.elements if chart in e.parents]
            assert any(e.tag == "path" and {"series", "observed"} <= e.classes for e in inside)
