"""Mutation testing of one module: a seeded sample of cosmic-ray's mutants, each run against its tests.

Usage::

    python tools/mutation.py cchc_indicators.progress [--sample 100] [--seed 0] [--json out.json]
    python tools/mutation.py src/cchc_indicators/engine/_rebase.py --sample 20 --timeout 120

The mutants come from cosmic-ray's operators (``pip install -e '.[mutation]'``):
every position where one of its argument-free ``core/`` operators applies
(``+`` to ``-``, ``<`` to ``<=``, ``True`` to ``False``, a number changed, ...),
less those inside type annotations, which never run. From that list, sorted, a
sample of ``--sample`` mutants is drawn with ``random.Random(--seed)``, so the
same command on the same source draws the same mutants.

Nothing in the repository is modified. The repository (its working tree, as it
is on disk, without ``.git``) is copied to a temporary folder; each mutant is
written into the copy's module, the module's tests run there with ``PYTHONPATH``
pointing at the copy's ``src``, and the module is put back before the next
mutant. The tests are those of :data:`TESTS` (test files, and the modules whose
doctests exercise the mutated one) or ``--tests``; they run with one worker,
``-x``, no coverage, in a fixed order and under the derandomised Hypothesis
profile. First the unmutated copy must pass them; a mutant is *killed* when
they fail (or error), *timeout* when they run past ``--timeout`` seconds
(default: ten times the unmutated run, at least 60 s; counted as killed),
*survived* when they pass, and *incompetent* when cosmic-ray wrote code that does
not compile (left out of the score).

The report prints the score (killed / sampled) and, for each survivor, its
file and line, the operator and the diff. ``--json FILE`` writes all of it.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cchc_indicators"

#: For each module (by its dotted name below the package): the test files that exercise it,
#: and the modules whose doctests do (the module's own doctests always run).
TESTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress._assess": (("tests/test_progress.py",), ()),
    "progress._methods": (("tests/test_progress.py",), ("progress._assess",)),
    "evaluation._rows": (("tests/test_evaluate.py",), ("evaluation._evaluate",)),
    "evaluation._evaluate": (("tests/test_evaluate.py",), ()),
    "engine._rebase": (("tests/test_rebase.py",), ("engine.rebase",)),
    "engine.rebase": (("tests/test_rebase.py",), ()),
    "core.rules": (("tests/test_rules.py",), ()),
    "engine._state": (
        ("tests/test_rollup.py", "tests/test_rollup_properties.py"),
        ("engine._rollup",),
    ),
    "composite.aggregate": (("tests/test_aggregate.py",), ()),
    "composite.normalise": (("tests/test_normalise.py",), ()),
    "survey._stats": (("tests/test_survey.py",), ("survey._satisfaction",)),
    "composite._engine": (
        (
            "tests/test_index_engine.py",
            "tests/test_index_collapse.py",
            "tests/test_composite.py",
            "tests/test_uncertainty.py",  # the Monte Carlo path: weights scaled per family
        ),
        ("composite",),
    ),
}


#: What is left out of the copy of the repository.
IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache", "_build"
)


@dataclass(frozen=True, order=True)
class Mutant:
    """One mutation: cosmic-ray's operator and occurrence, where it applies, and its diff."""

    line: int
    column: int
    operator: str
    occurrence: int


@dataclass
class Outcome:
    """A mutant's result: killed, timeout or survived, with its place, diff and time."""

    file: str
    line: int
    operator: str
    occurrence: int
    result: str
    seconds: float
    diff: str = field(repr=False)


# --------------------------------------------------------------------------- mutants


def resolve(module: str, root: Path = ROOT) -> Path:
    """The source file of ``module``: a dotted name (``cchc_indicators.progress``) or a path."""
    if module.endswith(".py"):
        path = Path(module)
        path = path if path.is_absolute() else (root / path)
    else:
        path = root / "src" / Path(*module.split(".")).with_suffix(".py")
        package = root / "src" / Path(*module.split(".")) / "__init__.py"
        if not path.is_file() and package.is_file():
            path = package
    path = path.resolve()
    if not path.is_file():
        msg = f"no module file {path} for {module!r}"
        raise SystemExit(msg)
    try:
        path.relative_to(root / "src")
    except ValueError:
        msg = f"{path} is not under {root / 'src'}: only the package's modules can be mutated"
        raise SystemExit(msg) from None
    return path


def annotation_lines(source: str) -> set[tuple[int, int]]:
    """The (line, column) positions covered by type annotations, which never run under PEP 563."""
    covered: set[tuple[int, int]] = set()
    nodes: list[ast.expr] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            every = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            nodes.extend(g.annotation for g in every if g is not None and g.annotation is not None)
            if node.returns is not None:
                nodes.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            nodes.append(node.annotation)
    lines = source.splitlines()
    for n in nodes:
        end_line = n.end_lineno or n.lineno
        for line in range(n.lineno, end_line + 1):
            start = n.col_offset if line == n.lineno else 0
            stop = (n.end_col_offset or 0) if line == end_line else len(lines[line - 1])
            covered.update((line, col) for col in range(start, stop))
    return covered


def operators() -> Iterator[tuple[str, Any]]:
    """cosmic-ray's argument-free operators, by name."""
    from cosmic_ray.plugins import get_operator, operator_names  # type: ignore[import-untyped]

    for name in sorted(operator_names()):
        cls = get_operator(name)
        if not cls.arguments():
            yield name, cls()


def enumerate_mutants(source: str) -> list[Mutant]:
    """Every mutant cosmic-ray can make of ``source`` outside annotations, sorted by place."""
    from cosmic_ray.ast import ast_nodes, get_ast  # type: ignore[import-untyped]

    tree = get_ast(source)
    skip = annotation_lines(source) if "from __future__ import annotations" in source else set()
    out = []
    for name, op in operators():
        positions = (pos for node in ast_nodes(tree) for pos in op.mutation_positions(node))
        for occurrence, (start, _end) in enumerate(positions):
            line, column = start
            if (line, column) not in skip:
                out.append(Mutant(line, column, name, occurrence))
    return sorted(out)


def draw(mutants: Sequence[Mutant], n: int, seed: int) -> list[Mutant]:
    """A seeded sample of ``n`` mutants (all of them if there are fewer), in source order."""
    if n >= len(mutants):
        return list(mutants)
    return sorted(random.Random(seed).sample(list(mutants), n))


def mutate(source: str, mutant: Mutant) -> str | None:
    """``source`` with ``mutant`` applied, or None if cosmic-ray finds nothing to change."""
    from cosmic_ray.mutating import mutate_code  # type: ignore[import-untyped]
    from cosmic_ray.plugins import get_operator

    out: str | None = mutate_code(source, get_operator(mutant.operator)(), mutant.occurrence)
    return out


def diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), name, name, n=0
    )
    return "".join(lines)


# --------------------------------------------------------------------------- running


def test_args(path: Path, root: Path, tests: Sequence[str] | None) -> list[str]:
    """The pytest arguments for the mutated module: its test files and doctest modules."""
    below = path.relative_to(root / "src" / PACKAGE).with_suffix("")
    parts = below.parts[:-1] if below.name == "__init__" else below.parts
    name = ".".join(parts)
    stem = parts[-1] if parts else PACKAGE
    files, doctests = TESTS.get(name, ((), ()))
    if tests:
        files = tuple(tests)
    elif not files:
        guess = root / "tests" / f"test_{stem.lstrip('_')}.py"
        if not guess.exists():
            msg = f"no tests known for {stem!r}: add it to TESTS in {__file__} or pass --tests"
            raise SystemExit(msg)
        files = (str(guess.relative_to(root)),)
    here = path.relative_to(root).as_posix()
    mods = [here, *(resolve(f"{PACKAGE}.{d}", root).relative_to(root).as_posix() for d in doctests)]
    return [*files, *mods]


def run_tests(
    copy: Path, args: Sequence[str], timeout: float, *, baseline: bool = False
) -> tuple[str, float]:
    """Run pytest in the copy: 'passed', 'failed' or 'timeout', and the seconds taken.

    Any failure under a mutant kills it (a failed test, an error while collecting, a
    conftest that cannot import the mutated package); without a mutant, a usage error
    or an empty collection is the tool's fault and stops the run.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src"), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    shared = ROOT.parent / "shared" / "data"
    if "CCHC_SHARED_DATA" not in env and shared.is_dir():
        env["CCHC_SHARED_DATA"] = str(shared)
    cmd = [
        sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "--no-cov",
        "-p", "no:randomly", "-p", "no:cacheprovider", *args,
    ]  # fmt: skip
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - start
    took = time.perf_counter() - start
    if proc.returncode == 0:
        return "passed", took
    if baseline and proc.returncode in (4, 5):  # usage error, nothing collected: our fault
        msg = f"pytest could not run {' '.join(args)}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        raise SystemExit(msg)
    return "failed", took


def score(outcomes: Sequence[Outcome]) -> float:
    """Killed (timeouts included) / valid mutants; incompetent ones (invalid code) left out."""
    valid = [o for o in outcomes if o.result != "incompetent"]
    killed = sum(o.result in ("killed", "timeout") for o in valid)
    return killed / len(valid) if valid else 1.0


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds, so the temporary copy is removed


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="a module (cchc_indicators.progress) or its path")
    parser.add_argument("--sample", type=int, default=100, help="mutants to draw (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw (default 0)")
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: see above)")
    parser.add_argument("--tests", nargs="+", help="test files to run instead of the mapping")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--list", action="store_true", help="list the drawn mutants, run nothing")
    opts = parser.parse_args(argv)
    if opts.sample < 1:
        parser.error(f"--sample must be at least 1, got {opts.sample}")

    path = resolve(opts.module)
    rel = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    everything = enumerate_mutants(source)
    drawn = draw(everything, opts.sample, opts.seed)
    print(f"{rel}: {len(everything)} mutants, {len(drawn)} drawn (seed {opts.seed})")
    if opts.list:
        for m in drawn:
            print(f"  {rel}:{m.line}:{m.column} {m.operator} #{m.occurrence}")
        return 0
    args = test_args(path, ROOT, opts.tests)

    with tempfile.TemporaryDirectory(prefix="cchc-mutation-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=IGNORE, symlinks=True)
        target = copy / rel
        status, base = run_tests(copy, args, timeout=3600, baseline=True)
        if status != "passed":
            print(f"the tests fail without any mutant ({' '.join(args)}): fix them first")
            return 2
        timeout = opts.timeout or max(60.0, 10 * base)
        print(f"tests: {' '.join(args)} ({base:.1f} s unmutated; timeout {timeout:.0f} s)")
        outcomes = []
        try:
            for i, m in enumerate(drawn, 1):
                mutated = mutate(source, m)
                if mutated is None:  # cannot happen for an enumerated mutant; say so if it does
                    print(f"  [{i}] {rel}:{m.line} {m.operator}: nothing to mutate, skipped")
                    continue
                try:
                    compile(mutated, rel, "exec")
                except SyntaxError:
                    # cosmic-ray can write invalid code (``a & ~b`` -> ``a & not b``): such a
                    # mutant tests nothing; it is reported and left out of the score
                    status, took = "incompetent", 0.0
                else:
                    target.write_text(mutated, encoding="utf-8")
                    status, took = run_tests(copy, args, timeout)
                result = {
                    "failed": "killed",
                    "timeout": "timeout",
                    "passed": "survived",
                    "incompetent": "incompetent",
                }[status]
                outcomes.append(
                    Outcome(rel, m.line, m.operator, m.occurrence, result, round(took, 2),
                            diff(source, mutated, rel))
                )  # fmt: skip
                print(f"  [{i}/{len(drawn)}] {rel}:{m.line} {m.operator}: {result} ({took:.1f} s)")
        finally:
            target.write_text(source, encoding="utf-8")

    survivors = [o for o in outcomes if o.result == "survived"]
    invalid = sum(o.result == "incompetent" for o in outcomes)
    valid = len(outcomes) - invalid
    killed = valid - len(survivors)
    print(
        f"\nscore {rel}: {killed}/{valid} killed = {100 * score(outcomes):.1f} %"
        + (f" ({invalid} mutant(s) of invalid code left out)" if invalid else "")
    )
    for o in survivors:
        print(f"\nsurvived {o.file}:{o.line} {o.operator} #{o.occurrence}\n{o.diff}", end="")
    if opts.json:
        report = {
            "module": rel,
            "seed": opts.seed,
            "sample": opts.sample,
            "mutants": len(everything),
            "drawn": len(outcomes),
            "incompetent": invalid,
            "killed": killed,
            "survived": len(survivors),
            "score": score(outcomes),
            "tests": args,
            "outcomes": [asdict(o) for o in outcomes],
        }
        opts.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
