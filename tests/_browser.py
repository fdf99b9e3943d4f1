"""Headless Chromium for the tests: Debian's ``chromium`` package driven by Playwright, offline.

The browser tests render the HTML reports in a real browser. They use the
Chromium of the operating system, not one Playwright downloads: the binary
named by ``CCHC_TEST_CHROMIUM``, else ``chromium`` on the ``PATH`` (Debian's
``chromium`` package installs ``/usr/bin/chromium``; ``.ci/run`` installs it
and sets the variable). Without either, or without the ``playwright`` Python
package, :func:`browser_or_skip` skips the tests and says why.

A page is opened from a ``file://`` URL with every network request refused
(the context is offline and every request other than the file itself and
``data:`` URLs is aborted), and :class:`Page` keeps what the tests check: the
console messages of type ``error`` and uncaught exceptions, and every request
that tried to leave the file. It also takes screenshots and prints PDFs.

Example (in a test)::

    def test_page(tmp_path):
        with browser_or_skip() as browser:
            page = browser.open(tmp_path / "report.html")
            assert page.errors == [] and page.outside == []
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

#: The environment variable naming the Chromium binary.
CHROMIUM_ENV = "CCHC_TEST_CHROMIUM"

#: Why the browser tests are skipped when there is no Chromium.
SKIP_REASON = (
    "headless Chromium not found: install Debian's chromium package "
    "(apt-get install -y chromium) or set CCHC_TEST_CHROMIUM to a Chromium binary; "
    ".ci/run does both"
)
NO_PLAYWRIGHT = "the browser tests need playwright: pip install 'cchc-indicators[test]'"

#: A4 at 96 pixels an inch, for a viewport as wide as the printed page.
A4_WIDTH_PX = 794


def chromium_path() -> str | None:
    """The Chromium binary: ``CCHC_TEST_CHROMIUM`` if it names a file, else ``chromium`` on the PATH."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserUnavailable(Exception):
    """No Chromium or no Playwright here; the message says which."""


@dataclass
class Page:
    """A page loaded from a file, with the console errors and the requests that left the file."""

    page: Any
    url: str
    #: console messages of type ``error`` and uncaught exceptions, in order
    errors: list[str] = field(default_factory=list)
    #: every request to a URL that is neither the file itself nor a ``data:`` URL
    outside: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The rendered text of the page (``document.body.innerText``)."""
        return str(self.page.evaluate("document.body.innerText"))

    def count(self, selector: str) -> int:
        """How many elements match a CSS ``selector``."""
        return int(self.page.locator(selector).count())

    def attributes(self, selector: str, name: str) -> list[str | None]:
        """The attribute ``name`` of every element matching ``selector``, in document order."""
        return [element.get_attribute(name) for element in self.page.query_selector_all(selector)]

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """Save a PNG of the page (the whole page by default); return its path."""
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def pdf(self, path: Path | None = None) -> bytes:
        """Print the page as Chromium does to an A4 PDF (backgrounds on); return its bytes."""
        data: bytes = self.page.pdf(
            format="A4", print_background=True, path=None if path is None else str(path)
        )
        return data


class Browser:
    """A headless Chromium: :meth:`open` loads a file in a new offline page."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def open(self, path: Path, *, width: int = A4_WIDTH_PX, height: int = 1123) -> Page:
        """Load ``path`` (``file://``) and wait until it is loaded; record errors and requests."""
        url = Path(path).resolve().as_uri()
        context = self._browser.new_context(
            offline=True, viewport={"width": width, "height": height}, java_script_enabled=True
        )
        page = context.new_page()
        seen = Page(page, url)

        def on_console(message: Any) -> None:
            if message.type == "error":
                seen.errors.append(f"console: {message.text}")

        def on_request(request: Any) -> None:
            if request.url != url and not request.url.startswith("data:"):
                seen.outside.append(request.url)

        def refuse(route: Any) -> None:
            target = route.request.url
            if target == url or target.startswith("data:"):
                route.continue_()
            else:
                route.abort()

        page.on("console", on_console)
        page.on("pageerror", lambda exc: seen.errors.append(f"exception: {exc}"))
        page.on("request", on_request)
        context.route(re.compile(r".*"), refuse)
        page.goto(url, wait_until="load")
        return seen

    def close(self) -> None:
        self._browser.close()


@contextlib.contextmanager
def browser() -> Iterator[Browser]:
    """Start headless Chromium (raises :class:`BrowserUnavailable` when it cannot)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(NO_PLAYWRIGHT) from exc
    executable = chromium_path()
    if executable is None:
        raise BrowserUnavailable(SKIP_REASON)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-proxy-server", "--disable-gpu", "--font-render-hinting=none"],
        )
        try:
            yield Browser(chromium)
        finally:
            chromium.close()


@contextlib.contextmanager
def browser_or_skip() -> Iterator[Browser]:
    """:func:`browser`, or skip the test with the reason (also issued as a warning, to be seen)."""
    try:
        context = browser()
        started = context.__enter__()
    except BrowserUnavailable as exc:
        warnings.warn(f"browser tests skipped: {exc}", UserWarning, stacklevel=3)
        pytest.skip(str(exc))
    try:
        yield started
    finally:
        context.__exit__(None, None, None)


def pdf_pages_text(data: bytes) -> list[str]:
    """The text of each page of a PDF, with pypdf (which the test extra installs)."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
