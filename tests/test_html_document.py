"""Tests of ``--format html`` (a complete HTML5 document) and ``--format html-fragment``."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cchc_indicators import catalog, datasets, evaluate
from cchc_indicators.cli import main
from cchc_indicators.cli._evaluate import html_page
from cchc_indicators.evaluation import Evaluation

#: Elements with no end tag.
VOID = frozenset({"meta", "br", "link", "img", "input", "hr", "col", "wbr", "source"})
#: The elements each element may directly contain, where HTML5 restricts it.
CHILDREN = {
    "html": {"head", "body"},
    "head": {"meta", "title", "style", "link", "script"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tr": {"td", "th"},
    "ul": {"li"},
    "dl": {"dt", "dd", "div"},
}
#: Elements that may contain text only (no child element).
TEXT_ONLY = frozenset({"title", "style", "th", "td"})
#: The parent each element must have, where HTML5 requires one.
PARENT = {"head": "html", "body": "html", "meta": "head", "title": "head", "style": "head"}


class Html5Checker(HTMLParser):
    """A strict reading of a document: every problem found is kept in :attr:`problems`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.doctype: str | None = None
        self.ended = False

    def handle_decl(self, decl: str) -> None:
        if self.seen or self.doctype is not None:
            self.problems.append(f"doctype {decl!r} not first")
        self.doctype = decl

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.ended:
            self.problems.append(f"<{tag}> after </html>")
        parent = self.stack[-1] if self.stack else None
        if parent is None and tag != "html":
            self.problems.append(f"<{tag}> outside <html>")
        if parent in CHILDREN and tag not in CHILDREN[parent]:
            self.problems.append(f"<{tag}> inside <{parent}>")
        if parent in TEXT_ONLY:
            self.problems.append(f"<{tag}> inside <{parent}>, which holds text only")
        if tag in PARENT and parent != PARENT[tag]:
            self.problems.append(f"<{tag}> inside <{parent}>, not <{PARENT[tag]}>")
        self.seen.append((tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")
        self._open(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()
            self.ended = tag == "html"

    def handle_data(self, data: str) -> None:
        if data.strip() and (not self.stack or self.stack[-1] in ("html", "head", "table", "tr")):
            where = self.stack[-1] if self.stack else "the top level"
            self.problems.append(f"text {data.strip()[:20]!r} in {where}")

    def tags(self, tag: str) -> list[tuple[dict[str, str], tuple[str, ...]]]:
        return [(attrs, parents) for t, attrs, parents in self.seen if t == tag]


def html5_problems(page: str) -> list[str]:
    """Every way ``page`` is not a complete, well-nested HTML5 document in UTF-8 with a title."""
    checker = Html5Checker()
    checker.feed(page)
    checker.close()
    problems = list(checker.problems)
    if checker.doctype is None or checker.doctype.lower() != "doctype html":
        problems.append(f"doctype {checker.doctype!r}, not 'DOCTYPE html'")
    if checker.stack:
        problems.append(f"never closed: {checker.stack}")
    roots = checker.tags("html")
    if len(roots) != 1 or roots[0][0].get("lang") not in ("vi", "en"):
        problems.append(f"<html lang> missing or not vi/en: {roots}")
    counts = {tag: len(checker.tags(tag)) for tag in ("head", "body", "title")}
    problems += [f"{n} <{tag}> elements, not one" for tag, n in counts.items() if n != 1]
    order = [t for t, _, _ in checker.seen]
    if order[:3] != ["html", "head", "meta"] or checker.seen[2][1] != {"charset": "utf-8"}:
        problems.append(f"<meta charset='utf-8'> is not the head's first element: {order[:3]}")
    if "body" in order and "head" in order and order.index("body") < order.index("head"):
        problems.append("<body> before <head>")
    return problems


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


# ---------------------------------------------------------------------- the checker itself


GOOD = (
    '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8"/>\n<title>t</title>\n'
    "</head>\n<body>\n<table><tr><td>1</td></tr></table>\n</body>\n</html>\n"
)


def test_the_checker_accepts_a_minimal_document() -> None:
    assert html5_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("<!DOCTYPE html>\n", ""), "doctype None"),
        (('<meta charset="utf-8"/>\n', ""), "<meta charset='utf-8'> is not the head's first"),
        (('lang="vi"', ""), "<html lang> missing"),
        (("<title>t</title>\n", ""), "0 <title> elements"),
        (("</td>", ""), "</tr> closes <td>"),
        (("<tr><td>1</td></tr>", "<td>1</td>"), "<td> inside <table>"),
        (("</html>\n", "</html>\n<p>x</p>"), "<p> after </html>"),
        (("<body>\n", "<body>\n<meta/>"), "<meta> inside <body>, not <head>"),
        (("</body>\n", ""), "</html> closes <body>"),
        (("<td>1</td>", "<td><b>1</b></td>"), "<b> inside <td>, which holds text only"),
    ],
)
def test_the_checker_finds_each_problem(change: tuple[str, str], problem: str) -> None:
    page = GOOD.replace(*change)
    assert page != GOOD
    assert any(p.startswith(problem) for p in html5_problems(page)), html5_problems(page)


def test_a_fragment_is_not_a_document(evaluation: Evaluation) -> None:
    problems = html5_problems(evaluation.to_html("vi"))
    assert "doctype None, not 'DOCTYPE html'" in problems
    assert any(p.startswith("<p> outside <html>") for p in problems)


# ---------------------------------------------------------------------- --format html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_page_is_a_complete_html5_document(evaluation: Evaluation, lang: str) -> None:
    page = html_page(evaluation, lang)
    assert html5_problems(page) == []
    assert page.startswith(
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8"/>'
    )
    ET.fromstring(page[len("<!DOCTYPE html>\n") :])  # well-formed as XML too
    assert evaluation.to_html(lang) in page  # the fragment, unchanged, in the body
    assert ".status-achieved { background: #cdebd3; }" in page  # the status colours


def test_html_page_title_and_heading(evaluation: Evaluation) -> None:
    page = html_page(evaluation, "vi")
    title = "Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc giai đoạn 2021–2025"
    assert f"<title>{title} — Kỳ: 2025</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert '<p class="subtitle">Kỳ: 2025</p>' in page


def test_cli_format_html_writes_the_document(tmp_path: Path) -> None:
    code, text = run("demo", "--format", "html", "--lang", "en")
    assert code == 0
    assert html5_problems(text) == []
    assert text.endswith("</html>\n")
    path = tmp_path / "demo.html"
    code, printed = run("demo", "--format", "html", "--lang", "en", "--output", str(path))
    assert (code, printed) == (0, "")
    assert path.read_bytes() == text.encode("utf-8")  # UTF-8, as the meta says; no BOM


def test_cli_format_html_fragment_writes_the_table_alone(evaluation: Evaluation) -> None:
    code, text = run("demo", "--format", "html-fragment", "--lang", "vi")
    assert code == 0
    assert text == evaluation.to_html("vi") + "\n"
    assert "<html" not in text
    assert "<meta" not in text


def test_evaluate_format_html_and_fragment(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("indicator,unit,period,value\nsipas,26,2024,85.5\n", encoding="utf-8")
    base = ("evaluate", "--plan", "vinh-phuc-2021-2025", "--data", str(data), "--lang", "vi")
    code, page = run(*base, "--format", "html")
    assert code == 0
    assert html5_problems(page) == []
    code, fragment = run(*base, "--format", "html-fragment")
    assert code == 0
    assert fragment.startswith("<table>")
    assert fragment.rstrip("\n") in page


def test_by_unit_refuses_html_fragment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data.csv"
    data.write_text("indicator,unit,period,value\nsipas,26,2024,85.5\n", encoding="utf-8")
    code, _ = run(
        "evaluate", "--plan", "vinh-phuc-2021-2025", "--data", str(data), "--by-unit",
        "--format", "html-fragment",
    )  # fmt: skip
    assert code == 2
    assert (
        "--by-unit writes --format table, csv or json, not html-fragment" in capsys.readouterr().err
    )


def test_format_help_says_which_is_which(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "html: a complete HTML5 page (UTF-8)" in help_text
    assert "html-fragment: the table alone, to embed in a page of one's own" in help_text
    assert "csv: long numbers rounded to 12 significant digits" in help_text
