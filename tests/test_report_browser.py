"""Tests of the HTML reports in a real browser: headless Chromium, offline.

The reports are written to files and opened in the operating system's
Chromium (Debian's ``chromium`` package; see ``tests/_browser.py``), with every
network request refused. For the evaluation of the demo plan (in 2023 and
2025, in Vietnamese and English) and for the composite-index report (scores,
and scores with an uncertainty analysis) the tests check what a reader gets:
the page loads with no console error, no request leaves the file, the tables
have the rows and status classes the results say, the SVG charts have their
series, the text renders without a replacement character, and the PDF that
Chromium prints puts each reform area (each part of the index report) at the
top of a page of its own. The screenshots of ``tools/screenshots.py`` (the
docs' pictures) are taken again into a temporary folder and checked.

Without Chromium every test here is skipped, with the reason (and a warning
saying so); ``.ci/run`` installs it, so they run there.
"""

from __future__ import annotations

import collections
import importlib.util
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cchc_indicators import catalog, datasets, evaluate
from cchc_indicators.core import i18n
from cchc_indicators.data.panel import Panel
from cchc_indicators.evaluation import Evaluation

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAN = "vinh-phuc-2021-2025"
CASES = [("vi", 2023), ("en", 2023), ("vi", 2025), ("en", 2025)]
PRINTED = [("vi", 2023), ("en", 2025)]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


harness = _load("cchc_tests_browser", HERE / "_browser.py")
screenshots = _load("cchc_tools_screenshots", ROOT / "tools" / "screenshots.py")


def _squeeze(text: str) -> str:
    """Text without white space, composed (NFKC): a PDF's text splits Vietnamese letters, joins "fi"."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _starts_of(pages: Sequence[str], headings: Sequence[str]) -> list[int]:
    """For each heading, the first page that begins with it (-1 when none does)."""
    tops = [_squeeze(page)[:200] for page in pages]
    return [
        next((k for k, top in enumerate(tops) if top.startswith(_squeeze(h))), -1) for h in headings
    ]


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Chromium; every test using it is skipped (with the reason) when there is none."""
    with harness.browser_or_skip() as browser:
        yield browser


@pytest.fixture(scope="module")
def panel() -> Panel:
    return datasets.demo_panel()


@pytest.fixture(scope="module")
def reviews(panel: Panel) -> dict[int, Evaluation]:
    plan = catalog.load(PLAN)
    return {period: evaluate(plan, panel, period=period) for period in (2023, 2025)}


@pytest.fixture(scope="module")
def pages(
    chromium: Any,
    panel: Panel,
    reviews: dict[int, Evaluation],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, int], Any]:
    """The report of each (language, period), loaded in Chromium."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for lang, period in CASES:
        path = folder / f"report-{lang}-{period}.html"
        path.write_text(reviews[period].to_report(panel=panel, lang=lang), encoding="utf-8")
        out[(lang, period)] = chromium.open(path)
    return out


@pytest.fixture(scope="module")
def index_pages(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The composite-index report: scores (en), and scores with their uncertainty (vi)."""
    from cchc_indicators.composite import compute_index, load_index
    from cchc_indicators.composite.uncertainty import uncertainty

    index, data = load_index("par-style-demo"), datasets.index_observations()
    result = compute_index(index, data)
    spread = uncertainty(index, data, n=100, seed=1, weights=0.5, rank_target=15)
    folder = tmp_path_factory.mktemp("index-reports")
    texts = {"scores": result.to_report(lang="en"), "uncertainty": spread.to_report(lang="vi")}
    out = {}
    for name, html in texts.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        out[name] = chromium.open(path)
    return out


def _plan_rows(ev: Evaluation) -> list[Mapping[str, Any]]:
    return list(ev.plan_rows())


#: What each trajectory chart draws, read in the page: its series, points, targets, projections.
CHARTS = """() => Array.from(document.querySelectorAll("svg.trajectory")).map(svg => ({
  indicator: svg.dataset.indicator,
  scope: svg.dataset.scope,
  series: svg.querySelectorAll("path.series.observed").length,
  d: (svg.querySelector("path.series.observed") || {getAttribute: () => ""}).getAttribute("d") || "",
  periods: Array.from(svg.querySelectorAll("g.points.observed circle title"))
    .map(t => t.textContent.split(":")[0]),
  targets: svg.querySelectorAll("g.target").length,
  projections: svg.querySelectorAll("line.projection").length,
  deadlines: svg.querySelectorAll("g.deadline").length,
}))"""


# ---------------------------------------------------------------------- the harness


HAND_WRITTEN = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Thử</title>
<style>@page { size: A4; } section { break-before: page; }</style></head>
<body><h1>Cải cách hành chính</h1>
<img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<section><h2>Phần một</h2><p>Đúng tiến độ</p></section>
<section><h2>Phần hai</h2><p>Chậm tiến độ</p></section>
{extra}
</body></html>
"""

LEAKY = """<img alt="" src="https://example.org/logo.png">
<script>console.error("hỏng"); fetch("http://example.com/x").catch(() => {}); null.x;</script>"""


class TestHarness:
    """tests/_browser.py on hand-written pages: what it records, prints and refuses."""

    def test_a_clean_page(self, chromium: Any, tmp_path: Path) -> None:
        path = tmp_path / "clean.html"
        path.write_text(HAND_WRITTEN.replace("{extra}", ""), encoding="utf-8")
        page = chromium.open(path)
        assert page.errors == []
        assert page.outside == []  # the data: image is not a request that leaves the file
        assert (
            page.text()
            == "Cải cách hành chính\nPhần một\n\nĐúng tiến độ\n\nPhần hai\n\nChậm tiến độ"
        )
        assert page.count("section") == 2
        assert page.attributes("html", "lang") == ["vi"]

    def test_errors_and_requests_are_recorded(self, chromium: Any, tmp_path: Path) -> None:
        path = tmp_path / "leaky.html"
        path.write_text(HAND_WRITTEN.replace("{extra}", LEAKY), encoding="utf-8")
        page = chromium.open(path)
        page.page.wait_for_timeout(200)  # the fetch is refused after the load
        assert sorted(page.outside) == ["http://example.com/x", "https://example.org/logo.png"]
        assert "console: hỏng" in page.errors
        assert any(e.startswith("exception:") and "null" in e for e in page.errors)

    def test_pdf_pages_and_screenshot(self, chromium: Any, tmp_path: Path) -> None:
        """A section with break-before: page starts a page: three pages, each section on its own."""
        path = tmp_path / "clean.html"
        path.write_text(HAND_WRITTEN.replace("{extra}", ""), encoding="utf-8")
        page = chromium.open(path)
        pdf = page.pdf(tmp_path / "clean.pdf")
        assert pdf.startswith(b"%PDF")
        assert (tmp_path / "clean.pdf").read_bytes() == pdf
        texts = harness.pdf_pages_text(pdf)
        assert len(texts) == 3
        assert _starts_of(texts, ["Phần một", "Phần hai"]) == [1, 2]
        png = page.screenshot(tmp_path / "clean.png")
        assert png.read_bytes().startswith(b"\x89PNG")

    def test_chromium_path_from_the_environment(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        binary = tmp_path / "chromium"
        binary.write_text("#!/bin/sh\n")
        monkeypatch.setenv(harness.CHROMIUM_ENV, str(binary))
        assert harness.chromium_path() == str(binary)
        monkeypatch.setenv(harness.CHROMIUM_ENV, str(tmp_path / "missing"))
        assert harness.chromium_path() is None
        monkeypatch.delenv(harness.CHROMIUM_ENV)
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        assert harness.chromium_path() is None

    def test_without_chromium_the_tests_are_skipped_with_the_reason(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv(harness.CHROMIUM_ENV, str(tmp_path / "missing"))
        with (
            pytest.warns(UserWarning, match="headless Chromium not found"),
            pytest.raises(pytest.skip.Exception, match="install Debian's chromium package"),
            harness.browser_or_skip(),
        ):
            pass  # pragma: no cover - skipped before


# ---------------------------------------------------------------------- the evaluation report


@pytest.mark.parametrize(("lang", "period"), CASES)
class TestEvaluationReport:
    def test_loads_without_console_errors(
        self, pages: dict[tuple[str, int], Any], lang: str, period: int
    ) -> None:
        assert pages[(lang, period)].errors == []

    def test_no_request_leaves_the_file(
        self, pages: dict[tuple[str, int], Any], lang: str, period: int
    ) -> None:
        assert pages[(lang, period)].outside == []

    def test_scorecard_rows_and_status_classes(
        self,
        pages: dict[tuple[str, int], Any],
        reviews: dict[int, Evaluation],
        lang: str,
        period: int,
    ) -> None:
        """One tr.row per row of the plan's unit (30), its status class the row's status."""
        page = pages[(lang, period)]
        rows = _plan_rows(reviews[period])
        assert len(rows) == 30
        assert page.count("table#scorecard tr.row") == len(rows)
        classes = page.attributes("table#scorecard tr.row", "class")
        statuses = page.attributes("table#scorecard tr.row", "data-status")
        assert all(
            f"status-{s}" in (c or "").split() for c, s in zip(classes, statuses, strict=True)
        )
        assert collections.Counter(statuses) == collections.Counter(r["status"] for r in rows)
        shown = zip(
            page.attributes("table#scorecard tr.row", "data-indicator"),
            page.attributes("table#scorecard tr.row", "data-scope"),
            statuses,
            strict=True,
        )
        assert collections.Counter(shown) == collections.Counter(
            (r["indicator"], r["scope"], r["status"]) for r in rows
        )
        for status in {r["status"] for r in rows}:
            assert page.count(f"table#scorecard tr.row.status-{status}") == sum(
                r["status"] == status for r in rows
            )

    def test_a_section_per_area_with_its_rows(
        self,
        pages: dict[tuple[str, int], Any],
        reviews: dict[int, Evaluation],
        lang: str,
        period: int,
    ) -> None:
        page = pages[(lang, period)]
        rows = _plan_rows(reviews[period])
        areas = list(dict.fromkeys(r["area"] for r in rows))
        assert sorted(page.attributes("section.area", "data-area")) == sorted(areas)
        headings = [
            page.page.locator(f'section.area[data-area="{a}"] h2').first.inner_text() for a in areas
        ]
        assert headings == [i18n.area_label(a, lang) for a in areas]

    def test_svg_charts_have_their_series(
        self,
        pages: dict[tuple[str, int], Any],
        reviews: dict[int, Evaluation],
        panel: Panel,
        lang: str,
        period: int,
    ) -> None:
        """A chart per indicator and scope: the observed line and points, each target, each projection."""
        groups: dict[tuple[str, str], list[Mapping[str, Any]]] = collections.defaultdict(list)
        for r in _plan_rows(reviews[period]):
            groups[(r["indicator"], r["scope"])].append(r)
        charts = pages[(lang, period)].page.evaluate(CHARTS)
        assert len(charts) == len(groups) == 28
        assert collections.Counter((c["indicator"], c["scope"]) for c in charts) == (
            collections.Counter(dict.fromkeys(groups, 1))
        )
        shown_periods = [p for p in panel.periods if int(p) <= period]
        for chart in charts:
            code, rows = chart["indicator"], groups[(chart["indicator"], chart["scope"])]
            assert chart["series"] == 1, code
            assert len(chart["periods"]) == len(re.findall(r"[ML]", chart["d"])) >= 1, code
            assert chart["periods"] == sorted(chart["periods"]), code
            assert set(chart["periods"]) <= set(shown_periods), code
            # the period evaluated is drawn when the unit has a value in it
            assert (str(period) in chart["periods"]) == (rows[0]["indicator_value"] is not None)
            drawn = [r for r in rows if not r["target"].startswith(("rank", "no worse"))]
            assert chart["targets"] == len(drawn), code
            assert chart["projections"] == sum(r["projected"] is not None for r in rows), code
            assert chart["deadlines"] == 1, code

    def test_text_renders_without_replacement_characters(
        self, pages: dict[tuple[str, int], Any], lang: str, period: int
    ) -> None:
        text = pages[(lang, period)].text()
        assert "\ufffd" not in text
        assert "DỮ LIỆU GIẢ LẬP" in text if lang == "vi" else "SYNTHETIC DATA" in text
        words = i18n.status_label("achieved", lang)
        assert words in text
        if lang == "vi":
            assert "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số" in text
            assert "Tỉnh Vĩnh Phúc" in text


@pytest.mark.parametrize(("lang", "period"), PRINTED)
def test_printed_pdf_puts_each_area_on_its_own_page(
    pages: dict[tuple[str, int], Any],
    reviews: dict[int, Evaluation],
    lang: str,
    period: int,
) -> None:
    """Chromium's A4 PDF: each area's heading at the top of a page, the areas in order.

    Printed in one case per language (a PDF takes seconds).
    """
    page = pages[(lang, period)]
    texts = harness.pdf_pages_text(page.pdf())
    areas = list(dict.fromkeys(r["area"] for r in _plan_rows(reviews[period])))
    ordered = page.attributes("section.area", "data-area")
    headings = [i18n.area_label(a, lang) for a in ordered]
    starts = _starts_of(texts, headings)
    assert -1 not in starts, list(zip(headings, starts, strict=True))
    assert starts == sorted(set(starts))  # distinct pages, in the order of the areas
    assert starts[0] >= 1  # the header and scorecard come first
    assert len(texts) >= len(areas) + 1


# ---------------------------------------------------------------------- the index report


class TestIndexReport:
    @pytest.mark.parametrize("name", ["scores", "uncertainty"])
    def test_loads_offline_without_errors(self, index_pages: dict[str, Any], name: str) -> None:
        page = index_pages[name]
        assert page.errors == []
        assert page.outside == []
        assert "\ufffd" not in page.text()

    @pytest.mark.parametrize("name", ["scores", "uncertainty"])
    def test_ranking_has_every_unit(self, index_pages: dict[str, Any], name: str) -> None:
        """The 63 provinces of the demo data, ranked 1 to 63."""
        page = index_pages[name]
        assert page.count("table.ranking tr.unit") == 63
        ranks = [int(r or 0) for r in page.attributes("table.ranking tr.unit", "data-rank")]
        assert sorted(ranks) == list(range(1, 64))

    def test_rank_interval_chart(self, index_pages: dict[str, Any]) -> None:
        """One g.unit per province with its interval, median and nominal rank (5 ≤ median ≤ 95 %)."""
        page = index_pages["uncertainty"]
        chart = "svg.rank-intervals g.unit"
        assert page.count(chart) == 63
        for part in ("line.interval", "circle.median", "circle.nominal"):
            assert page.count(f"{chart} {part}") == 63
        low = [float(x or "nan") for x in page.attributes(chart, "data-p05")]
        mid = [float(x or "nan") for x in page.attributes(chart, "data-median")]
        high = [float(x or "nan") for x in page.attributes(chart, "data-p95")]
        assert all(a <= m <= b for a, m, b in zip(low, mid, high, strict=True))
        assert index_pages["scores"].count("svg.rank-intervals") == 0
        assert "Hạng trung vị" in page.text()

    def test_printed_pdf_starts_a_page_for_the_uncertainty_and_the_method(
        self, index_pages: dict[str, Any]
    ) -> None:
        page = index_pages["uncertainty"]
        texts = harness.pdf_pages_text(page.pdf())
        headings = [
            page.page.locator(f"section.{part} h2").first.inner_text()
            for part in ("uncertainty", "method")
        ]
        starts = _starts_of(texts, headings)
        assert -1 not in starts, list(zip(headings, starts, strict=True))
        assert 0 < starts[0] < starts[1]


# ---------------------------------------------------------------------- the docs' screenshots


def test_screenshots_for_the_docs_render(chromium: Any, tmp_path: Path) -> None:
    """tools/screenshots.py takes every picture again: PNGs of the expected sizes, not blank."""
    from PIL import Image

    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, harness.CHROMIUM_ENV: harness.chromium_path()},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    names = [name for name, _, _ in screenshots.PICTURES]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(names)
    for name in names:
        path = tmp_path / name
        assert path.stat().st_size > 10_000, name
        with Image.open(path) as image:
            assert image.format == "PNG"
            width, height = image.size
            colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert width == screenshots.WIDTH
        assert 300 <= height <= max(screenshots.HEIGHT, screenshots.AREA_HEIGHT)
        assert colours is None or len(colours) > 16, name  # text and colours, not a blank page
    committed = ROOT / "docs" / "_static" / "screenshots"
    assert sorted(p.name for p in committed.glob("*.png")) == sorted(names)


def test_screenshots_without_chromium_say_so(tmp_path: Path) -> None:
    """The tool exits 1 with the reason when there is no Chromium (needs no browser)."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "screenshots.py"), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, harness.CHROMIUM_ENV: str(tmp_path / "missing")},
    )
    assert run.returncode == 1
    assert "headless Chromium not found" in run.stderr
    assert list(tmp_path.iterdir()) == []
