"""Screenshots of the HTML reports for the documentation, taken with headless Chromium.

The docs show what users get: this script renders the reports of the demo
data (the evaluation of Vĩnh Phúc's 2021–2025 plan at mid-term, in Vietnamese
and English, and the composite-index report with its uncertainty analysis)
and saves PNGs of them in ``docs/_static/screenshots/``. ``.ci/run`` runs it
before the docs are built, so the pictures always match the code.

Chromium is the operating system's (Debian's ``chromium`` package), driven by
Playwright: the binary named by ``CCHC_TEST_CHROMIUM``, else ``chromium`` on
the ``PATH``. Each report is opened offline from a file, at a width of 1000
CSS pixels; the images are the top of each report (its header, the banner and
the start of the scorecard or ranking) and one reform area with its charts,
cut at a fixed height and, with Pillow, reduced to 256 colours.

Usage::

    python tools/screenshots.py                  # into docs/_static/screenshots/
    python tools/screenshots.py --output DIR     # elsewhere

Exit status 0 when every image was written; 1 (and a message) without Chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "_static" / "screenshots"
CHROMIUM_ENV = "CCHC_TEST_CHROMIUM"

#: The width and height of the window (CSS pixels) a report is shown in.
WIDTH, HEIGHT = 1000, 1250
#: The tallest image of one area (CSS pixels): the area's heading, its table and a chart.
AREA_HEIGHT = 1400


def chromium_path() -> str | None:
    """The Chromium binary: ``CCHC_TEST_CHROMIUM`` if it names a file, else ``chromium`` on the PATH."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _evaluation_report(lang: str) -> str:
    from cchc_indicators import catalog, datasets, evaluate

    panel = datasets.demo_panel()
    review = evaluate(catalog.load("vinh-phuc-2021-2025"), panel, period="2023")
    return str(review.to_report(panel=panel, lang=lang))


def _index_report(lang: str) -> str:
    from cchc_indicators import datasets
    from cchc_indicators.composite import compute_index, load_index
    from cchc_indicators.composite.uncertainty import uncertainty
    from cchc_indicators.report.index_html import index_report

    index, data = load_index("par-style-demo"), datasets.index_observations()
    result = compute_index(index, data)
    spread = uncertainty(index, data, n=200, seed=1, weights=0.5, rank_target=15)
    return index_report(result, uncertainty=spread, lang=lang, names=datasets.provinces_2024())


#: Each picture: file name, the report's HTML, and what to show (None: the top of the page,
#: else the CSS selector of the element to show).
PICTURES: list[tuple[str, Callable[[], str], str | None]] = [
    ("evaluation-vi.png", lambda: _evaluation_report("vi"), None),
    (
        "evaluation-vi-area.png",
        lambda: _evaluation_report("vi"),
        'section.area[data-area="procedures"]',
    ),
    ("evaluation-en.png", lambda: _evaluation_report("en"), None),
    ("index-vi.png", lambda: _index_report("vi"), None),
    ("index-vi-intervals.png", lambda: _index_report("vi"), "section.uncertainty"),
]


def _shrink(path: Path) -> None:
    """Reduce a PNG to 256 colours (with Pillow, if it is installed): a third of the bytes."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def _shoot(page: Any, target: Path, selector: str | None) -> None:
    if selector is None:
        page.screenshot(path=str(target), full_page=False)
        return
    box = page.locator(selector).first.bounding_box()
    if box is None:
        msg = f"{target.name}: nothing on the page matches {selector!r}"
        raise RuntimeError(msg)
    clip = {
        "x": 0,
        "y": box["y"],
        "width": WIDTH,
        "height": min(box["height"], AREA_HEIGHT),
    }
    page.screenshot(path=str(target), full_page=True, clip=clip)


def render(output: Path, executable: str | None = None) -> list[Path]:
    """Write every picture of :data:`PICTURES` into ``output``; return their paths.

    Raises
    ------
    RuntimeError
        Without Chromium (the message says how to install it) or without Playwright.
    """
    executable = executable or chromium_path()
    if executable is None:
        msg = (
            "headless Chromium not found: install Debian's chromium package "
            "(apt-get install -y chromium) or set CCHC_TEST_CHROMIUM to a Chromium binary"
        )
        raise RuntimeError(msg)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        msg = "the screenshots need playwright: pip install 'cchc-indicators[test]'"
        raise RuntimeError(msg) from exc
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pages: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-proxy-server"]
        )
        try:
            context = browser.new_context(
                offline=True, viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
            )
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else route.abort()
                ),
            )
            for k, (name, make, selector) in enumerate(PICTURES):
                html = make()
                key = next((j for j, text in pages.items() if text == html), k)
                pages.setdefault(key, html)
                source = Path(tmp) / f"report-{key}.html"
                if not source.exists():
                    source.write_text(html, encoding="utf-8")
                page = context.new_page()
                page.goto(source.as_uri(), wait_until="load")
                target = output / name
                _shoot(page, target, selector)
                page.close()
                _shrink(target)
                written.append(target)
        finally:
            browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder of the PNGs")
    args = parser.parse_args(argv)
    try:
        written = render(args.output)
    except RuntimeError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
