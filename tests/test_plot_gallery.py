"""The plot gallery (docs/how-to/plot-gallery.rst) shows every plot the library draws.

A new plotting function in :mod:`cchc_indicators.report.plot`, a new ``plot``
method on a result, or a new ``kind`` of an existing method fails here until
the gallery has an entry for it.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from cchc_indicators.report import plot

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "cchc_indicators"
GALLERY = ROOT / "docs" / "how-to" / "plot-gallery.rst"
PLOT_BLOCK = re.compile(r"^\.\. plot::\n(?:[ \t]+:[\w-]+:.*\n)*\n((?:[ \t]+.*\n|\n)+)", re.M)


def _functions() -> list[str]:
    """The public plotting functions: the callables of ``report.plot.__all__``."""
    return sorted(name for name in plot.__all__ if callable(getattr(plot, name)))


def _kinds(method: ast.FunctionDef) -> list[str]:
    """The kinds a ``plot(self, kind=..., ...)`` method draws: the strings it compares ``kind`` with."""
    return sorted(
        {
            comparator.value
            for node in ast.walk(method)
            if isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == "kind"
            for comparator in node.comparators
            if isinstance(comparator, ast.Constant) and isinstance(comparator.value, str)
        }
    )


@functools.cache
def _trees() -> tuple[tuple[str, ast.Module], ...]:
    """The parsed source of every module of the package, by path."""
    return tuple(
        (str(p.relative_to(SRC)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(SRC.rglob("*.py"))
    )


@functools.cache
def _plot_methods() -> dict[str, list[str]]:
    """Every public class of the package with a ``plot`` method, and the kinds it draws.

    Read from the source (no import), so a module with optional dependencies
    is looked at all the same.
    """
    found: dict[str, list[str]] = {}
    for _, tree in _trees():
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith("_"):
                continue
            for item in cls.body:
                if isinstance(item, ast.FunctionDef) and item.name == "plot":
                    found[cls.name] = _kinds(item)
    return found


def _module_plot_functions() -> list[str]:
    """Public module-level functions named ``plot`` anywhere in the package (none today)."""
    return [
        path
        for path, tree in _trees()
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "plot"
    ]


def _sections(text: str) -> dict[str, str]:
    """The gallery's ``name`` sections (a title of one literal, underlined with ``~``), by name."""
    parts = re.split(r"^``(\w+)``\n~+[ \t]*$", text, flags=re.M)
    return {
        parts[i]: re.split(r"^\S.*\n[=~-]{3,}[ \t]*$", parts[i + 1], flags=re.M)[0]
        for i in range(1, len(parts), 2)
    }


def _drawn_code(text: str) -> str:
    """The code of every ``.. plot::`` block of the page (what the docs build runs)."""
    return "\n".join(match.group(1) for match in PLOT_BLOCK.finditer(text))


@pytest.fixture(scope="module")
def gallery() -> str:
    return GALLERY.read_text(encoding="utf-8")


def test_the_scan_finds_the_known_plots() -> None:
    """The introspection below sees the plots the library had when the gallery was written."""
    assert {
        "trajectory",
        "scorecard_heatmap",
        "tier_chart",
        "index_scores",
        "index_contributions",
        "correlation_heatmap",
        "rank_intervals",
        "score_intervals",
        "sensitivity_bars",
    } <= set(_functions())
    methods = _plot_methods()
    assert methods["Evaluation"] == ["heatmap", "tiers", "trajectory"]
    assert methods["IndexResult"] == ["contributions", "scores"]
    assert methods["Uncertainty"] == ["ranks", "scores"]
    assert methods["Sensitivity"] == []
    assert methods["Diagnostics"] == []


@pytest.mark.parametrize("name", _functions())
def test_every_plot_function_is_drawn_in_the_gallery(gallery: str, name: str) -> None:
    """Each public function of report.plot has a section of its own, with a figure drawn at build time."""
    sections = _sections(gallery)
    assert name in sections, f"plot-gallery.rst has no '``{name}``' section"
    assert ".. plot::" in sections[name], f"the gallery's '{name}' section draws no figure"
    assert f"{name}(" in gallery, f"the gallery never calls {name}(...)"


@pytest.mark.parametrize("cls", sorted(_plot_methods()))
def test_every_plot_method_and_kind_is_in_the_gallery(gallery: str, cls: str) -> None:
    """Each result's ``plot`` method is named in the gallery, with each kind it draws."""
    assert f"{cls}.plot" in gallery, f"plot-gallery.rst does not name {cls}.plot"
    for kind in _plot_methods()[cls]:
        assert f'.plot("{kind}"' in gallery, f'plot-gallery.rst never shows {cls}.plot("{kind}")'


def test_no_module_level_plot_function_escapes_the_gallery() -> None:
    """A module-level ``plot`` function would be a plot the gallery cannot know of: none exists."""
    assert _module_plot_functions() == []


def test_the_gallery_draws_on_the_demo_data_and_says_they_are_synthetic(gallery: str) -> None:
    """The figures are drawn from the synthetic datasets, and the page says so."""
    code = _drawn_code(gallery)
    assert "datasets.demo_panel()" in code
    assert "datasets.index_observations()" in code
    assert "synthetic" in gallery.lower()
    # every figure block hands its figure to pyplot, or the build would collect nothing;
    # not with plt.figure(fig), which matplotlib before 3.10 refuses for a figure made
    # without pyplot, but with the setup's to_pyplot, which asks pyplot to make it
    figure_blocks = [m.group(1) for m in PLOT_BLOCK.finditer(gallery)]
    drawn = [b for b in figure_blocks if "fig = " in b]
    assert drawn
    assert all("to_pyplot(fig)" in b for b in drawn)
    setups = [b for b in figure_blocks if "import matplotlib.pyplot as plt" in b]
    assert len(setups) == 2
    assert all("plt.figure(FigureClass=lambda *args, **kwargs: fig)" in b for b in setups)
    assert "plt.figure(fig)\n" not in code


def test_every_figure_has_a_file_of_its_own(gallery: str) -> None:
    """The figures are plot directives of one reStructuredText document, so their files are numbered apart.

    The plot directive names a figure's file after its document and a counter
    the document keeps (plot-gallery-1.png, plot-gallery-2.png, ...). In a MyST
    page each eval-rst block is a document of its own, so the counter restarts
    in every block and the figures overwrite each other; the option that names
    the files instead, ``:filename-prefix:``, needs matplotlib 3.11 (Python
    3.11), and the docs build with any matplotlib the docs extra allows (3.7 on).
    """
    assert GALLERY.suffix == ".rst"
    assert not GALLERY.with_suffix(".md").exists(), "two gallery pages, plot-gallery.md and .rst"
    assert len(PLOT_BLOCK.findall(gallery)) >= 10
    assert ":filename-prefix:" not in gallery
    assert "eval-rst" not in gallery
    # every directive is at the top level of the page (none nested, so none left unparsed)
    assert gallery.count(".. plot::") == len(re.findall(r"^\.\. plot::$", gallery, re.M))


def test_the_gallery_is_in_the_how_to_toctree_and_linked_from_plots() -> None:
    """Readers reach the gallery from the how-to index and from the plots how-to."""
    index = (ROOT / "docs" / "how-to" / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^plot-gallery$", index, re.M)
    plots = (ROOT / "docs" / "how-to" / "plots.md").read_text(encoding="utf-8")
    assert "{doc}`plot-gallery`" in plots
