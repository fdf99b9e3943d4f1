"""The package's architecture: no import cycle, lazy top-level names, one meaning per name.

The layers themselves are checked by import-linter (``lint-imports``, contract in
``pyproject.toml``), which ``.ci/run`` runs; these tests check what the contract
cannot say.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import grimp
import pytest

import cchc_indicators

ROOT = Path(__file__).resolve().parents[1]


def _ignored_imports() -> set[tuple[str, str]]:
    """The contract's ``ignore_imports`` (the lazy upward imports of the .plot() methods)."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    pairs = (line.split(" -> ") for line in contract["ignore_imports"])
    return {(a.strip(), b.strip()) for a, b in pairs}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


class TestImports:
    def test_cycles_finds_a_cycle(self) -> None:
        """The cycle finder itself: a -> b -> c -> a is one cycle, d alone is none."""
        graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        assert _cycles(graph) == [["a", "b", "c"]]

    def test_no_import_cycle_between_modules(self) -> None:
        """No module imports, even lazily, a module that imports it back (type hints aside).

        The lazy upward imports the contract ignores count too: what the
        ``.plot()`` and ``to_report()`` methods import does not import them back.
        """
        g = grimp.build_graph("cchc_indicators", exclude_type_checking_imports=True)
        graph = {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}
        assert _cycles(graph) == []

    def test_only_result_methods_import_the_report_layer(self) -> None:
        """The contract ignores only the result methods' lazy imports of the report layer's writers.

        ``.plot()`` (report.plot), ``Evaluation.to_report()``/``to_excel()``
        (report.html, report.excel) and the composite results' ``to_report()``
        (report._index_html, which imports no result class back).
        """
        ignored = _ignored_imports()
        writers = {
            "cchc_indicators.report.plot",
            "cchc_indicators.report.html",
            "cchc_indicators.report.excel",
            "cchc_indicators.report._index_html",
        }
        assert {b for _, b in ignored} <= writers
        assert {a.split(".")[1] for a, _ in ignored} <= {"evaluation", "composite"}

    def test_importing_the_package_loads_no_subpackage_and_no_optional_library(self) -> None:
        """A fresh ``import cchc_indicators`` loads the root module only: no numpy even."""
        code = (
            "import sys, json, cchc_indicators\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('cchc_indicators', 'pandas', 'matplotlib', 'numpy'))))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert json.loads(out) == ["cchc_indicators"]

    def test_evaluating_the_demo_imports_neither_pandas_nor_matplotlib(self) -> None:
        """The main job needs numpy and attrs only: pandas and matplotlib load on demand."""
        code = (
            "import sys, cchc_indicators as c\n"
            "from cchc_indicators import catalog, datasets\n"
            "c.evaluate(catalog.load('vinh-phuc-2021-2025'), datasets.demo_panel()).scorecard()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'matplotlib'}))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.strip() == "[]"


def _modules() -> list[types.ModuleType]:
    walk = pkgutil.walk_packages(cchc_indicators.__path__, "cchc_indicators.")
    return [cchc_indicators, *(importlib.import_module(info.name) for info in walk)]


class TestNames:
    @pytest.mark.parametrize("name", cchc_indicators.__all__)
    def test_every_top_level_name_loads(self, name: str) -> None:
        """Each name of ``__all__`` resolves on first use, and then is kept."""
        value = getattr(cchc_indicators, name)
        assert getattr(cchc_indicators, name) is value
        assert name in dir(cchc_indicators)

    def test_an_unknown_top_level_name_is_an_attribute_error(self) -> None:
        """As for any module: AttributeError naming the missing attribute."""
        with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
            _ = cchc_indicators.nothing_here

    def test_no_module_shares_its_name_with_a_function_or_class_of_its_package(self) -> None:
        """``import cchc_indicators.x.y as m`` always gives the module y, never a function y."""
        clashes = []
        for module in _modules():
            if not hasattr(module, "__path__"):
                continue
            for info in pkgutil.iter_modules(module.__path__):
                value = module.__dict__.get(info.name)
                if value is not None and not isinstance(value, types.ModuleType):
                    clashes.append(f"{module.__name__}.{info.name}")
        top = [n for n in cchc_indicators.__all__ if not n[0].isupper() and n != "__version__"]
        for name in top:
            value = getattr(cchc_indicators, name)
            if not isinstance(value, types.ModuleType):
                path = ROOT / "src" / "cchc_indicators"
                if (path / f"{name}.py").exists() or (path / name).is_dir():
                    clashes.append(f"cchc_indicators.{name}")
        assert clashes == []


class TestCommandLine:
    def test_help_loads_no_command_module_and_no_numpy(self) -> None:
        """``cchc --help`` lists every command without loading what the commands run."""
        code = (
            "import contextlib, io, sys\n"
            "from cchc_indicators import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        cli.main(['--help'])\n"
            "    except SystemExit:\n"
            "        pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cchc_indicators', 'numpy')"
            " and not m.startswith('cchc_indicators.cli')))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert (
            out.strip()
            == "['cchc_indicators', 'cchc_indicators.core', 'cchc_indicators.core.errors']"
        )

    def test_the_parsers_constants_are_the_librarys(self) -> None:
        """The defaults the parser writes out (to stay light) are the library's own."""
        from cchc_indicators.cli import _main as cli
        from cchc_indicators.evaluation._rows import _ROUNDING
        from cchc_indicators.units.hierarchy import DEFAULT_LEVELS

        assert cli._LEVELS == DEFAULT_LEVELS
        assert tuple(_ROUNDING) == cli._ROUNDINGS

    def test_a_deferred_command_has_its_full_parser_when_run(self) -> None:
        """``cchc index --help`` shows the index options, loaded on demand; ``cchc --help`` not."""
        from cchc_indicators.cli import _main as cli

        def index_options(command: str | None) -> set[str]:
            parser = cli._parser(command)
            sub = next(a for a in parser._actions if a.dest == "command")
            index = sub.choices["index"]  # type: ignore[index]
            return {o for a in index._actions for o in a.option_strings}

        assert "--structure" in index_options("index")
        assert index_options(None) == {"-h", "--help"}


class TestHints:
    def test_unit_list_names_are_the_datasets(self) -> None:
        """The units layer's copy of the unit-list names is the datasets' registry."""
        from cchc_indicators import datasets, units

        assert datasets.unit_lists() == units._UNIT_LISTS

    def test_a_unit_list_name_gets_its_hint_in_a_fresh_interpreter(self) -> None:
        """The hint does not depend on datasets having been imported."""
        code = (
            "from cchc_indicators import Panel\n"
            "try:\n"
            "    Panel.from_records([], 'national-2024')\n"
            "except TypeError as exc:\n"
            "    print(exc)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert "cchc_indicators.datasets.units('national-2024')" in out
