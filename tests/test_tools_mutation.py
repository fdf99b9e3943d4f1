"""Tests of tools/mutation.py: which mutants it lists, how it draws them, what it runs.

Nothing here runs a mutant; the draw and the mapping are checked on small sources.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("cosmic_ray", reason="the mutation extra (cosmic-ray) is not installed")

ROOT = Path(__file__).resolve().parent.parent


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


mutation = load()

SOURCE = """from __future__ import annotations


def f(x: int | None, y: float = 1.0) -> int | float:
    z: int | None = None
    if x is None or x < 2:
        return y * 2
    return x + 1 - y
"""


class TestEnumerate:
    def test_annotations_are_not_mutated(self) -> None:
        """Under PEP 563 annotations never run: no mutant sits on their | operators."""
        mutants = mutation.enumerate_mutants(SOURCE)
        # the signature: annotations, and a default (1.0), which runs
        assert {m.operator for m in mutants if m.line == 4} == {"core/NumberReplacer"}
        assert 5 not in {m.line for m in mutants}  # an annotated assignment of None
        assert {6, 7, 8} <= {m.line for m in mutants}

    def test_a_default_value_in_a_signature_is_mutated(self) -> None:
        """Without annotations to hide behind, the default 1.0 is a number to replace."""
        plain = SOURCE.replace("from __future__ import annotations\n", "")
        ops = {m.operator for m in mutation.enumerate_mutants(plain) if m.line == 3}
        assert "core/NumberReplacer" in ops
        assert "core/ReplaceBinaryOperator_BitOr_BitAnd" in ops  # evaluated at definition

    def test_every_listed_mutant_changes_the_source(self) -> None:
        """Each (operator, occurrence) applies, and changes the line it names."""
        for m in mutation.enumerate_mutants(SOURCE):
            mutated = mutation.mutate(SOURCE, m)
            assert mutated is not None
            assert mutated != SOURCE
            changed = [
                i + 1
                for i, (a, b) in enumerate(
                    zip(SOURCE.splitlines(), mutated.splitlines(), strict=True)
                )
                if a != b
            ]
            assert changed == [m.line]


class TestDraw:
    def test_a_seeded_draw_is_reproducible(self) -> None:
        """The same seed draws the same mutants, in source order; another seed others."""
        mutants = mutation.enumerate_mutants(SOURCE)
        assert len(mutants) > 20
        a = mutation.draw(mutants, 10, seed=3)
        assert a == mutation.draw(mutants, 10, seed=3)
        assert a == sorted(a)
        assert len(set(a)) == 10
        assert set(a) <= set(mutants)
        assert a != mutation.draw(mutants, 10, seed=4)

    def test_a_draw_larger_than_the_list_takes_all(self) -> None:
        """Asking for more mutants than there are takes every one."""
        mutants = mutation.enumerate_mutants(SOURCE)
        assert mutation.draw(mutants, len(mutants) + 5, seed=0) == mutants

    def test_the_draw_of_a_module_does_not_depend_on_the_run(self) -> None:
        """Listing a module twice gives the same draw (the order is sorted, not hashed)."""
        source = (ROOT / "src" / "cchc_indicators" / "core" / "_arrays.py").read_text(
            encoding="utf-8"
        )
        first = mutation.draw(mutation.enumerate_mutants(source), 5, seed=0)
        assert first == mutation.draw(mutation.enumerate_mutants(source), 5, seed=0)


class TestTests:
    def test_a_private_module_runs_its_tests_and_its_public_modules_doctests(self) -> None:
        """progress._methods: tests/test_progress.py, and the doctests of the module and progress."""
        path = mutation.resolve("cchc_indicators.progress._methods")
        assert mutation.test_args(path, ROOT, None) == [
            "tests/test_progress.py",
            "src/cchc_indicators/progress/_methods.py",
            "src/cchc_indicators/progress/_assess.py",
        ]

    def test_paths_and_dotted_names_name_the_same_file(self) -> None:
        """A path relative to the repository and a dotted name resolve alike."""
        assert mutation.resolve("src/cchc_indicators/engine/_rebase.py") == mutation.resolve(
            "cchc_indicators.engine._rebase"
        )

    def test_unknown_modules_and_files_outside_src_are_refused(self) -> None:
        """Only the package's own modules are mutated."""
        with pytest.raises(SystemExit, match="no module file"):
            mutation.resolve("cchc_indicators.nothing_here")
        with pytest.raises(SystemExit, match="is not under"):
            mutation.resolve("tools/mutation.py")


class TestScore:
    def test_timeouts_kill_and_invalid_code_is_left_out(self) -> None:
        """Killed and timed-out mutants count as killed; mutants of invalid code are not counted."""

        def outcome(result: str) -> object:
            return mutation.Outcome("f.py", 1, "op", 0, result, 0.0, "")

        results = ["killed", "killed", "timeout", "survived", "incompetent"]
        assert mutation.score([outcome(r) for r in results]) == 3 / 4
        assert mutation.score([outcome("incompetent")]) == 1.0
