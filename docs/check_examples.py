"""Run the code examples of the documentation pages.

Every fenced ``python`` block of a page is executed and every ``pycon`` block is
checked as a doctest (output compared, ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``
on). In a ``console`` block, every ``$ cchc ...`` line is run with
:func:`cchc_indicators.cli.main` and what it prints (standard output and
error) is compared in the same way with the lines below it, up to the next
``$``; blank lines belong to the output. Other commands in a ``console`` block
are an error: write them in a ``bash`` block, which is not run. A
``{code-block}`` directive whose ``:caption:`` is a file name (``my-plan.json``)
shows a file the reader saves: its content is written to that file, so that
later blocks can use it. Blocks run in page order, in one namespace per page and in a fresh temporary folder,
so pages that write files do not clutter the tree.

Output of a ``python`` block. What a ``python`` block prints (standard output
and error) is compared, as above, with the block right after it when that
block is marked as its output: a ``{code-block}`` whose caption is
``Output`` (or starts with ``Output``, as in ``Output (abridged)``), with
nothing but blank lines between the two blocks::

    ```python
    print(panel.table())
    ```

    ```{code-block} text
    :caption: Output

    unit    2024
    ...
    ```

An ``Output`` block anywhere else (after a block that is not run, or after
prose) is an error, and so is a plain ``text`` block right after a ``python``
block: mark it ``:caption: Output`` so that it is compared (or, if it is not
that block's output, say what it is in a sentence between them). A ``text``
block elsewhere, such as the output of a ``{code-block} python`` that is shown
but not run (it needs a cluster, say), is not compared; say so in the prose. Pages that use the national
unit lists (``vn_units_2024.csv``, ...) get copies of them from the project's
reference data (``../shared/data`` beside the repository, or the folder named by
``CCHC_SHARED_DATA``); without it those pages are skipped.

Usage::

    python docs/check_examples.py            # every page
    python docs/check_examples.py how-to/*.md

Exit status 0 when every example runs and shows what the page says.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CCHC_SHARED_DATA", DOCS.parents[1] / "shared" / "data"))
FENCE = re.compile(r"^(`{3,})(python|pycon|console|text)[ \t]*\n(.*?)^\1[ \t]*$", re.M | re.S)
#: The start of any fenced block, to tell which block comes right before another.
ANY_FENCE = re.compile(r"^(`{3,})[^`\n]*\n.*?^\1[ \t]*$", re.M | re.S)
FILE = re.compile(
    r"^(`{3,})\{code-block\}[ \t]*[\w-]*[ \t]*\n((?::[\w-]+:[^\n]*\n)*)(.*?)^\1[ \t]*$", re.M | re.S
)
CAPTION_FILE = re.compile(r"^:caption:[ \t]*([\w.-]+\.\w+)[ \t]*$", re.M)
CAPTION_OUTPUT = re.compile(r"^:caption:[ \t]*Output\b", re.M)
NEEDS_SHARED = re.compile(r"vn_(units|commune_crosswalk|province_crosswalk)_\d{4}\.csv")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def check_console(code: str, name: str, line: int) -> int:
    """Run the ``$ cchc ...`` commands of a console block; return the failures."""
    import contextlib
    import io
    import shlex

    from cchc_indicators.cli import main

    commands: list[tuple[str, int, list[str]]] = []
    for k, text in enumerate(code.splitlines()):
        if text.startswith("$ "):
            commands.append((text[2:], line + k, []))
        elif commands:
            commands[-1][2].append(text)
        elif text.strip():
            print(f"FAIL {name}:{line + k}: output before any '$ ' command")
            return 1
    failures = 0
    checker = doctest.OutputChecker()
    for command, where, expected in commands:
        args = shlex.split(command)
        if not args or args[0] != "cchc":
            print(f"FAIL {name}:{where}: only 'cchc' commands can be checked: {command}")
            failures += 1
            continue
        got = io.StringIO()
        with contextlib.redirect_stdout(got), contextlib.redirect_stderr(got):
            main(args[1:])
        want = "\n".join(expected).strip("\n") + "\n"
        actual = got.getvalue().strip("\n") + "\n"
        if want == "\n" and actual == "\n":
            continue
        if not checker.check_output(want, actual, FLAGS):
            failures += 1
            print(f"FAIL {name}:{where}: $ {command}")
            print("Expected:\n" + want + "Got:\n" + actual)
    return failures


def run_python(
    code: str, name: str, line: int, namespace: dict[str, object], shown: tuple[str, int] | None
) -> int:
    """Run a python block; compare what it prints with the Output block ``shown``, if any."""
    import contextlib
    import io

    got = io.StringIO()
    try:
        with contextlib.redirect_stdout(got), contextlib.redirect_stderr(got):
            exec(compile(code, f"{name}:{line}", "exec"), namespace)
    except Exception:
        print(f"FAIL {name}:{line}")
        print(got.getvalue(), end="")
        traceback.print_exc()
        return 1
    if shown is None:
        return 0
    expected, where = shown
    want = expected.strip("\n") + "\n"
    actual = got.getvalue().strip("\n") + "\n"
    if doctest.OutputChecker().check_output(want, actual, FLAGS):
        return 0
    print(f"FAIL {name}:{where}: the output of the python block at line {line}")
    print("Expected:\n" + want + "Got:\n" + actual)
    return 1


def check_page(page: Path) -> tuple[int, int]:
    """Run the examples of one page; return (blocks run, failures)."""
    text = page.read_text(encoding="utf-8")
    found = [(m.start(), m.group(2), m.group(3)) for m in FENCE.finditer(text)]
    for m in FILE.finditer(text):
        content = m.group(3).removeprefix("\n")
        caption = CAPTION_FILE.search(m.group(2))
        if caption:
            found.append((m.start(), f"file:{caption.group(1)}", content))
        elif CAPTION_OUTPUT.search(m.group(2)):
            found.append((m.start(), "output", content))
    name = str(page.relative_to(DOCS)) if page.is_relative_to(DOCS) else str(page)
    spans = [m.span() for m in ANY_FENCE.finditer(text)]
    kinds = {start: kind for start, kind, _ in found}
    failures = 0
    listed = []
    for start, kind, code in sorted(found):
        line = text.count("\n", 0, start) + 2
        before = [(s, e) for s, e in spans if e <= start]
        # right after a python block: nothing but blank lines between them
        after_python = (
            bool(before)
            and kinds.get(before[-1][0]) == "python"
            and not text[before[-1][1] : start].strip()
        )
        if kind == "output" and not after_python:
            print(f"FAIL {name}:{line}: an Output block must come right after a python block")
            failures += 1
        elif kind == "text" and after_python:
            print(
                f"FAIL {name}:{line}: a text block right after a python block: "
                "mark it ':caption: Output' to compare it with what the block prints"
            )
            failures += 1
        elif kind != "text":
            listed.append((kind, code, line))
    blocks = [(kind, code, line) for kind, code, line in listed if kind != "output"]
    if not blocks:
        return 0, failures
    # the output block shown after each python block, by the python block's line
    shown = {
        listed[k - 1][2]: (code, line)
        for k, (kind, code, line) in enumerate(listed)
        if kind == "output" and k and listed[k - 1][0] == "python"
    }
    if NEEDS_SHARED.search(text) and not SHARED.is_dir():
        print(f"skip {name}: reference data not found at {SHARED}")
        return 0, failures
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        if NEEDS_SHARED.search(text):
            for csv_file in SHARED.glob("*.csv"):
                shutil.copy(csv_file, tmp)
        os.chdir(tmp)
        try:
            namespace: dict[str, object] = {"__name__": "__docs__"}
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            parser = doctest.DocTestParser()
            for kind, code, line in blocks:
                if kind.startswith("file:"):
                    Path(kind[5:]).write_text(code, encoding="utf-8")
                elif kind == "console":
                    failures += check_console(code, name, line)
                elif kind == "python":
                    failures += run_python(code, name, line, namespace, shown.get(line))
                else:
                    test = parser.get_doctest(code, namespace, name, name, line - 1)
                    result = runner.run(test, clear_globs=False)
                    namespace.update(test.globs)  # DocTest works on a copy
                    failures += result.failed
        finally:
            os.chdir(cwd)
    print(f"{'ok  ' if not failures else 'FAIL'} {name}: {len(blocks)} blocks")
    return len(blocks), failures


def main(argv: list[str]) -> int:
    pages = [Path(a).resolve() for a in argv] or sorted(
        p for p in DOCS.rglob("*.md") if "_build" not in p.parts
    )
    total = failed = 0
    for page in pages:
        n, f = check_page(page)
        total, failed = total + n, failed + f
    print(f"{total} blocks, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
