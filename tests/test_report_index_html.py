"""Tests of the HTML report of a composite index (cchc_indicators.report.index_html)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from cchc_indicators import ArgumentTypeError, DefinitionError, datasets, points
from cchc_indicators.composite import (
    CompositeIndex,
    IndexResult,
    Node,
    Observations,
    compute_index,
    load_index,
)
from cchc_indicators.composite.uncertainty import points_uncertainty, uncertainty
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.i18n import set_default_language
from cchc_indicators.report.index_html import index_report

NASTY = "<b>&"
NAN = float("nan")


class Page(HTMLParser):
    """The elements of a page (tag, attributes), its text, and the cells of each row."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.rows: dict[str, list[list[str]]] = {}  # table class -> body rows' cells
        self._table: list[str] = []
        self._cells: list[str] | None = None
        self._depth = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "table":
            self._table.append(a.get("class") or "")
        elif tag == "tr" and self._table:
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append("")
            self._depth = 1 if tag == "td" else -1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table.pop()
        elif tag == "tr" and self._cells is not None:
            if self._depth == 1:  # a body row (its cells are td)
                self.rows.setdefault(self._table[-1], []).append(self._cells)
            self._cells = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cells is not None and self._cells:
            self._cells[-1] += data

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def find(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        """The attributes of the ``tag`` elements having class ``cls``."""
        return [a for t, a in self.elements if t == tag and cls in (a.get("class") or "").split()]


@pytest.fixture
def vietnamese() -> Iterator[None]:
    set_default_language("vi")
    yield
    set_default_language(None)


def small() -> tuple[CompositeIndex, Observations]:
    idx = CompositeIndex(
        "i",
        name="Chỉ số <thử>",
        children=[Node("a", name="Dịch vụ & thủ tục"), Node("b", weight=3)],
    )
    data = Observations.from_values(
        {"a": [90, 60, 30, NAN], "b": [5, 10, NAN, NAN]}, [NASTY, "B", "C", "D"]
    )
    return idx, data


def small_result() -> IndexResult:
    return compute_index(*small())


def demo() -> tuple[CompositeIndex, Observations]:
    return load_index("par-style-demo"), datasets.index_observations()


def external(page: str) -> list[str]:
    """Anything that would make the browser fetch something."""
    pattern = r"(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}/|url\(|@import|<script|<link|src="
    return list(re.findall(pattern, page))


class TestStructure:
    def test_one_self_contained_document(self) -> None:
        """The report is one HTML5 document with an inline stylesheet and nothing to fetch."""
        page = compute_index(*demo()).to_report(lang="en")
        assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
        assert page.count("<style>") == 1
        assert external(page) == []
        assert "\ufffd" not in page

    def test_parses_as_xml(self) -> None:
        """Every element is closed, so the document (after the doctype) parses as XML."""
        idx, data = demo()
        u = uncertainty(idx, data, n=30, seed=1, weights=0.5, rank_target=15)
        page = u.to_report(lang="vi")
        root = ET.fromstring(page.split("\n", 1)[1])
        assert root.tag == "html"

    def test_print_stylesheet(self) -> None:
        """The print stylesheet sets A4 and starts the uncertainty and the method on new pages."""
        page = compute_index(*demo()).to_report(lang="en")
        assert "@page { size: A4" in page
        assert "section.uncertainty, section.method { break-before: page; }" in page

    def test_header_and_sections(self) -> None:
        """The header names the index, its period, units and structure; the sections follow."""
        page = Page(index_report(small_result(), lang="en"))
        (h1,) = re.findall(r"<h1>(.*?)</h1>", index_report(small_result(), lang="en"))
        assert h1 == "Chỉ số &lt;thử&gt; (i)"
        assert "level 1: 2 nodes; 2 indicators" in page.text
        assert [a["class"] for a in page.find("section", "ranking")] == ["ranking"]
        assert page.find("section", "method")
        assert not page.find("section", "uncertainty")
        assert not page.find("svg", "rank-intervals")
        (main,) = page.find("main", "index-report")
        assert main["data-index"] == "i"


class TestRanking:
    def test_rows_best_first(self) -> None:
        """One row per unit, best first, with the top-level scores; units without a score last, saying why."""
        page = Page(index_report(small_result(), lang="en"))
        # a: minmax over 90, 60, 30 -> 100, 50, 0; b over 5, 10 -> 0, 100
        # i = (a + 3 b) / 4: NASTY 25, B 87.5, C (a alone) 0, D nothing
        assert page.rows["ranking"] == [
            ["1", "B", "87.5", "50", "100"],
            ["2", NASTY, "25", "100", "0"],
            ["3", "C", "0", "0", "—"],
            ["—", "D", "— (No data)", "—", "—"],
        ]
        rows = page.find("tr", "unit")
        assert [(r["data-unit"], r["data-rank"]) for r in rows] == [
            ("B", "1"),
            (NASTY, "2"),
            ("C", "3"),
            ("D", "0"),
        ]

    def test_heads_are_the_node_names(self) -> None:
        """The top-level columns are headed by the nodes' names (their codes without one)."""
        page = index_report(small_result(), lang="en")
        assert '<th class="number">Dịch vụ &amp; thủ tục</th>' in page
        assert '<th class="number">b</th>' in page

    def test_names_of_units(self) -> None:
        """Given names, a unit is written 'Name (code)'; a hierarchy gives them too."""
        idx, data = demo()
        page = Page(index_report(compute_index(idx, data), names=datasets.provinces_2024()))
        names = [row[1] for row in page.rows["ranking"]]
        assert all(re.fullmatch(r".+ \(\d\d\)", n) for n in names)
        page = Page(index_report(small_result(), names={"B": "Tỉnh <B>"}))
        assert page.rows["ranking"][0][1] == "Tỉnh <B> (B)"

    def test_escaping(self) -> None:
        """Names and codes from the data are text, never markup."""
        page = index_report(small_result(), lang="en")
        parsed = Page(page)
        assert "b" not in {t for t, _ in parsed.elements}
        assert NASTY in parsed.text
        assert 'data-unit="&lt;b&gt;&amp;"' in page


class TestUncertainty:
    def test_chart_has_a_group_per_unit(self) -> None:
        """The chart has one g.unit per unit, carrying its median rank and 5–95 % interval."""
        idx, data = demo()
        u = uncertainty(idx, data, n=60, seed=2, weights=0.5, rank_target=15)
        page = Page(u.to_report(lang="en"))
        (svg,) = page.find("svg", "rank-intervals")
        assert svg["data-units"] == "63"
        groups = page.find("g", "unit")
        assert len(groups) == 63
        lo, hi = u.rank_interval()
        med = u.rank_median()
        by_unit = {g["data-unit"]: g for g in groups}
        for j, unit in enumerate(u.units):
            g = by_unit[unit]
            assert (g["data-p05"], g["data-median"], g["data-p95"]) == (
                str(lo[j]),
                str(med[j]),
                str(hi[j]),
            )
        assert len(page.find("line", "interval")) == 63 + 1  # and the legend's sample
        assert len(page.find("circle", "median")) == 63 + 1
        assert page.find("g", "target")  # the top-15 line
        assert len(page.rows["rank-intervals"]) == 63

    def test_interval_table_matches_the_analysis(self) -> None:
        """The table's figures are the analysis' own (as Uncertainty.table writes them)."""
        data = Observations.from_values(
            {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", NASTY, "Z"]
        )
        idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        u = uncertainty(idx, data, n=500, seed=1, weights=0.5, rank_target=2)
        page = Page(u.to_report(lang="en"))
        assert page.rows["rank-intervals"][:2] == [
            ["1", "X", "65.7", "63.7–67.7", "1", "1–2", "1"],
            ["2", NASTY, "64.3", "51.8–77", "2", "1–3", "0.76"],
        ]
        assert "500 replications (seed 1); varied: weights noise ±0.5." in page.text

    def test_unit_never_scored(self) -> None:
        """A unit without a score in any replication has a group with no interval."""
        idx, data = small()
        u = uncertainty(idx, data, n=20, seed=1, weights=0.5)
        page = Page(index_report(compute_index(idx, data), uncertainty=u, lang="en"))
        (d,) = [g for g in page.find("g", "unit") if g["data-unit"] == "D"]
        assert d["class"] == "unit no-rank"
        assert d["data-median"] == "0"


class TestLanguage:
    def test_vietnamese(self) -> None:
        """In Vietnamese: the labels, decimal commas and the synthetic-data banner in Vietnamese."""
        idx, data = demo()
        u = uncertainty(idx, data, n=30, seed=1, weights=0.5)
        page = u.to_report(lang="vi")
        parsed = Page(page)
        assert '<html lang="vi">' in page
        assert "Xếp hạng" in parsed.text
        assert "Độ bất định của thứ hạng" in parsed.text
        assert "Phương pháp" in parsed.text
        assert "DỮ LIỆU GIẢ LẬP" in parsed.text
        assert SYNTHETIC_NOTE not in parsed.text
        assert re.fullmatch(r"\d+(,\d)?", parsed.rows["ranking"][0][2])
        assert "\ufffd" not in page

    def test_default_language(self, vietnamese: None) -> None:
        """Without lang the default language is used."""
        page = small_result().to_report()
        assert '<html lang="vi">' in page
        assert Page(page).rows["ranking"][0][2] == "87,5"

    def test_english_banner(self) -> None:
        """In English the banner is the note itself."""
        parsed = Page(compute_index(*demo()).to_report(lang="en"))
        (banner,) = parsed.find("div", "banner")
        assert banner["class"] == "banner synthetic"
        assert SYNTHETIC_NOTE in parsed.text


class TestMethod:
    def test_method_and_weights(self) -> None:
        """The method section gives the methods and each top-level node's weight and share."""
        page = Page(index_report(small_result(), lang="en"))
        assert "minmax" in page.text
        assert "the nodes' own weights" in page.text
        # weights 1 and 3: shares 25 % and 75 %
        assert page.rows["weights"] == [
            ["a", "Dịch vụ & thủ tục", "1", "25 %"],
            ["b", "", "3", "75 %"],
        ]

    def test_varied_with_uncertainty(self) -> None:
        """With an analysis, the method says what it varied."""
        idx, data = small()
        u = uncertainty(idx, data, n=10, seed=1, aggregation=["arithmetic", "median"])
        page = Page(index_report(compute_index(idx, data), uncertainty=u, lang="en"))
        assert "aggregation arithmetic | median" in page.text


class TestErrors:
    def test_not_an_index_result(self) -> None:
        """Something else than an IndexResult is refused, naming the parameter."""
        with pytest.raises(
            ArgumentTypeError, match="index_report: 'result' must be an IndexResult"
        ):
            index_report("par-style-demo")  # type: ignore[arg-type]

    def test_not_an_uncertainty(self) -> None:
        """An uncertainty that is not an Uncertainty is refused."""
        with pytest.raises(ArgumentTypeError, match="'uncertainty' must be an Uncertainty"):
            index_report(small_result(), uncertainty=3)  # type: ignore[arg-type]

    def test_names_of_wrong_type(self) -> None:
        """Names that are neither a mapping nor a hierarchy are refused."""
        with pytest.raises(
            ArgumentTypeError, match=r"'names' must be a mapping \{code: name\} or a Hierarchy"
        ):
            index_report(small_result(), names=["A"])  # type: ignore[arg-type]

    def test_uncertainty_of_other_units(self) -> None:
        """An analysis of other units or another index is refused, saying which."""
        idx, data = small()
        other = Observations.from_values({"a": [1, 2], "b": [2, 1]}, ["X", "Y"])
        u = uncertainty(idx, other, n=5, seed=1, weights=0.5)
        with pytest.raises(
            DefinitionError, match="the uncertainty analysis is of index 'i' on 2 units"
        ):
            index_report(compute_index(idx, data), uncertainty=u)

    def test_unknown_language(self) -> None:
        """An unknown language is refused."""
        with pytest.raises(
            DefinitionError, match=r"IndexResult\.to_report: lang must be 'vi' or 'en', got 'fr'"
        ):
            small_result().to_report(lang="fr")

    def test_points_uncertainty(self) -> None:
        """The analysis of a points structure has no index report."""
        s = points.load_structure("pci-2016")
        vals = {c.code: [c.maximum * f for f in (0.9, 0.5, 0.7)] for c in s.leaves()}
        u = points_uncertainty(s, vals, ["A", "B", "C"], n=20, seed=1)
        with pytest.raises(DefinitionError, match="this analysis is of a PointsResult"):
            u.to_report(lang="en")
