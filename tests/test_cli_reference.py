"""The CLI reference (docs/reference/cli.md) and the docs' example checker that keeps pages true.

The reference's usage and option lists are generated from the parser by the
``{cli-command}`` directive (docs/_ext/cchc_cli.py); these tests check that its
sections follow ``cchc --help``, that every option has a help text to show,
and that the directive renders every option. The checker
(docs/check_examples.py) compares what a ``python`` block prints with the
``Output`` block after it; its rules are tested on small pages.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cchc_indicators.cli import build_parser, main

DOCS = Path(__file__).resolve().parents[1] / "docs"
REFERENCE = DOCS / "reference" / "cli.md"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    pytest.importorskip("sphinx")
    return _load(DOCS / "_ext" / "cchc_cli.py")


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    return _load(DOCS / "check_examples.py")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_order() -> list[str]:
    """The commands as ``cchc --help`` prints them."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["--help"])
    text = out.getvalue()
    block = text[text.index("  COMMAND\n") :].split("\n\n")[0]
    return re.findall(r"^    (\w+)\s", block, re.M)


# -- the reference follows the parser ----------------------------------------------------------


def test_build_parser_lists_the_commands_of_cchc_help() -> None:
    """The parser the reference is generated from has the commands of ``cchc --help``, in order."""
    assert list(_subcommands(build_parser())) == _help_order()


def test_reference_sections_follow_cchc_help() -> None:
    """cli.md has one section per command, in the order of ``cchc --help``."""
    text = REFERENCE.read_text(encoding="utf-8")
    headings = re.findall(r"^## `cchc (\w+)`", text, re.M)
    assert headings == _help_order()


def test_reference_generates_each_command_from_the_parser() -> None:
    """Each command's section shows its usage with the directive, once, in the help's order."""
    text = REFERENCE.read_text(encoding="utf-8")
    directives = re.findall(r"^```\{cli-command\}[ \t]*(\w*)", text, re.M)
    # the first, without a command, is the cchc command itself and its list of commands
    assert directives == ["", *_help_order()]


def test_module_docstring_lists_commands_in_help_order() -> None:
    """The docstring of ``cchc_indicators.cli`` (shown at the end of the reference) agrees."""
    import cchc_indicators.cli

    listed = re.findall(r"^``cchc (\w+)", cchc_indicators.cli.__doc__ or "", re.M)
    assert listed == _help_order()


def _actions(parser: argparse.ArgumentParser, prog: str) -> list[tuple[str, argparse.Action]]:
    """Every option, argument and command of ``parser`` and of its commands, with its program."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += [(prog, choice) for choice in action._choices_actions]
            for name, child in action.choices.items():
                found += _actions(child, f"{prog} {name}")
        else:
            found.append((prog, action))
    return found


def test_every_option_has_help_text() -> None:
    """Every option, argument and command of ``cchc`` says what it does."""
    actions = _actions(build_parser(), "cchc")
    assert len(actions) > 100  # every command's options are there, not only the top level's
    missing = [f"{prog} {a.option_strings or a.dest}" for prog, a in actions if not a.help]
    assert missing == []


# -- the directive ---------------------------------------------------------------------------------


def test_directive_renders_every_option_of_every_command(ext: ModuleType) -> None:
    """The rendered reference of each command names each of its options with its help text."""
    parser = build_parser()
    for name, child in _subcommands(parser).items():
        text = "\n".join(node.astext() for node in ext.render(child, nested=True))
        assert text.startswith(f"usage: cchc {name} ")
        for action in ext.options(child):
            invocation, help_text = ext.describe(child, action)
            assert invocation in text
            assert help_text in text


def test_directive_renders_the_commands_in_help_order(ext: ModuleType) -> None:
    """Without a command, the directive lists the commands of ``cchc --help``, in order."""
    text = "\n".join(node.astext() for node in ext.render(build_parser(), nested=False))
    places = [text.index(f"cchc {name}\n") for name in _help_order()]
    assert places == sorted(places)


def test_directive_renders_nested_commands(ext: ModuleType) -> None:
    """``catalog`` is rendered with the usage and options of ``list`` and ``show``."""
    catalog = ext.find(build_parser(), ["catalog"])
    text = "\n".join(node.astext() for node in ext.render(catalog, nested=True))
    assert "usage: cchc catalog list" in text
    assert "usage: cchc catalog show [-h] [--format {text,table,markdown,json}] name" in text


def test_describe_says_required_and_default(ext: ModuleType) -> None:
    """An option's entry says it is required, and its default when the help does not."""
    rollup = ext.find(build_parser(), ["rollup"])
    entries = dict(ext.describe(rollup, a) for a in ext.options(rollup))
    assert entries["--indicator INDICATOR"] == "the indicator code to roll up. Required."
    assert entries["--scope SCOPE"] == "own, territory or tier:<level>. Default: territory."
    # the help says the default already: not said twice
    assert entries["--min-coverage MIN_COVERAGE"] == "share 0-1 (default 0)."
    # a flag has no default to show
    assert entries["--excel-csv"].endswith("(with --format csv).")


def test_directive_unknown_command_is_an_error(ext: ModuleType) -> None:
    """A command the parser does not have is refused, naming the commands it has."""
    with pytest.raises(ValueError, match=r"cchc has no command 'evaluat' \(its commands: demo, "):
        ext.find(build_parser(), ["evaluat"])
    with pytest.raises(ValueError, match=r"cchc demo has no command 'x' \(its commands: none\)"):
        ext.find(build_parser(), ["demo", "x"])


# -- the example checker compares printed output ---------------------------------------------------


def _check(
    checker: ModuleType, tmp_path: Path, page: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, int, str]:
    path = tmp_path / "page.md"
    path.write_text(page, encoding="utf-8")
    blocks, failures = checker.check_page(path)
    return blocks, failures, capsys.readouterr().out


def _output(text: str, caption: str = "Output") -> str:
    return f"```{{code-block}} text\n:caption: {caption}\n\n{text}\n```\n"


def test_checker_compares_output_block(
    checker: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a python block prints matches its Output block, with ellipsis and any caption tail."""
    page = (
        "```python\nprint('hello')\nx = 3\n```\n\n"
        + _output("hello")
        + "\n```python\nprint(list(range(x, 100)))\n```\n\n"
        + _output("[3, 4, ..., 99]", "Output (abridged)")
    )
    blocks, failures, out = _check(checker, tmp_path, page, capsys)
    assert (blocks, failures) == (2, 0), out


def test_checker_reports_stale_output(
    checker: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An Output block that differs from what the block prints fails, showing both."""
    page = "```python\nprint('hello')\n```\n\n" + _output("goodbye")
    blocks, failures, out = _check(checker, tmp_path, page, capsys)
    assert (blocks, failures) == (1, 1)
    assert "page.md:6: the output of the python block at line 2" in out
    assert "Expected:\ngoodbye\nGot:\nhello\n" in out


def test_checker_compares_standard_error_too(
    checker: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the block writes to standard error is part of its output."""
    page = "```python\nimport sys\nprint('a note', file=sys.stderr)\n```\n\n" + _output("a note")
    assert _check(checker, tmp_path, page, capsys)[:2] == (1, 0)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        pytest.param(
            "```python\nprint('x')\n```\n\n```text\nx\n```\n",
            "page.md:6: a text block right after a python block: mark it ':caption: Output'",
            id="unmarked-text-after-python",
        ),
        pytest.param(
            "Prose.\n\n" + _output("x"),
            "page.md:4: an Output block must come right after a python block",
            id="output-after-prose",
        ),
        pytest.param(
            "```python\nprint('x')\n```\n\nSome prose.\n\n" + _output("x"),
            "page.md:8: an Output block must come right after a python block",
            id="prose-between",
        ),
        pytest.param(
            "```{code-block} python\nprint('x')\n```\n\n" + _output("x"),
            "page.md:6: an Output block must come right after a python block",
            id="after-code-not-run",
        ),
        pytest.param(
            "```console\n$ cchc --version\ncchc ...\n```\n\n" + _output("x"),
            "page.md:7: an Output block must come right after a python block",
            id="after-console",
        ),
    ],
)
def test_checker_refuses_misplaced_output(
    checker: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    page: str,
    message: str,
) -> None:
    """Shown output that would not be compared is an error, naming its line."""
    _, failures, out = _check(checker, tmp_path, page, capsys)
    assert failures == 1
    assert message in out


def test_checker_leaves_text_after_code_not_run(
    checker: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text block after code that is shown but not run is not compared, and not an error."""
    page = "```python\nx = 1\n```\n\nNot run:\n\n```{code-block} python\nprint(2)\n```\n\n"
    page += "```text\n2\n```\n"
    assert _check(checker, tmp_path, page, capsys)[:2] == (1, 0)


def test_checker_reports_a_failing_block_with_its_output(
    checker: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A python block that raises fails once; what it printed before is shown."""
    page = "```python\nprint('before')\nraise ValueError('boom')\n```\n\n" + _output("before")
    blocks, failures, out = _check(checker, tmp_path, page, capsys)
    assert (blocks, failures) == (1, 1)
    assert "FAIL " in out
    assert "page.md:2\nbefore\n" in out
