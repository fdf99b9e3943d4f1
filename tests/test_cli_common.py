"""Tests of what the `cchc` commands share (cchc_indicators.cli._common, _output): options in messages."""

from __future__ import annotations

import errno
import os
import pickle
from pathlib import Path

import pytest

from cchc_indicators.cli._common import Option, in_options, refuse_empty, skipped_line
from cchc_indicators.cli._output import cannot_write
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, RuleMismatchError
from cchc_indicators.engine.rebase import RebaseError


class TestInOptions:
    def test_keyword_with_a_text_value_becomes_the_option_and_its_argument(self) -> None:
        """rank_k='same' is --rank-k same; the bare rank_rounding is --rank-rounding."""
        options = {"rank_k": Option("--rank-k"), "rank_rounding": Option("--rank-rounding")}
        text = "choose rank_k='same' (k = 15) or rank_k='scaled' (rounded by rank_rounding)"
        assert in_options(text, options) == (
            "choose --rank-k same (k = 15) or --rank-k scaled (rounded by --rank-rounding)"
        )

    def test_a_mapping_with_an_open_value_uses_the_placeholder(self) -> None:
        """methods={'staff': ...} is --method staff=METHOD."""
        options = {"methods": Option("--method", "METHOD")}
        assert in_options("pass methods={'staff': ...} with one of sum", options) == (
            "pass --method staff=METHOD with one of sum"
        )

    def test_a_call_form_is_replaced_whole(self) -> None:
        """evaluate(..., tier_map={'district': 'commune'}) is --tier-map district=commune."""
        options = {"tier_map": Option("--tier-map", "TIER")}
        text = "evaluate it with evaluate(..., tier_map={'district': 'commune'}); or not"
        assert in_options(text, options) == "evaluate it with --tier-map district=commune; or not"
        text = "evaluate it with evaluate(..., tier_map={'ward': ...})"
        assert in_options(text, options) == "evaluate it with --tier-map ward=TIER"

    def test_a_keyword_without_a_value_is_the_option(self) -> None:
        """'methods= names ...' is '--method names ...'."""
        options = {"methods": Option("--method", "METHOD")}
        assert in_options("methods= names indicator(s) not in the panel: x", options) == (
            "--method names indicator(s) not in the panel: x"
        )

    def test_english_words_and_longer_names_stay(self) -> None:
        """A bare name without an underscore is a word; below_min_coverage is not min_coverage."""
        options = {"methods": Option("--method"), "min_coverage": Option("--min-coverage")}
        text = "the methods are sum, mean; reason below_min_coverage"
        assert in_options(text, options) == text

    def test_a_bare_word_value_is_kept_as_written(self) -> None:
        """district_to=commune (not a Python literal) is --district-to commune."""
        options = {"district_to": Option("--district-to")}
        assert (
            in_options("use district_to=commune or 2", options) == "use --district-to commune or 2"
        )

    def test_a_switch_is_the_option_alone(self) -> None:
        """on_unknown='ignore' is --ignore-unknown, an option without argument."""
        options = {"on_unknown": Option("--ignore-unknown", switch=True)}
        assert in_options("or pass on_unknown='ignore' to leave it out", options) == (
            "or pass --ignore-unknown to leave it out"
        )

    def test_a_list_is_written_with_commas(self) -> None:
        """nodes=[...] is --nodes CODE[,CODE...]; a list of codes is joined by commas."""
        options = {"nodes": Option("--nodes", "CODE[,CODE...]")}
        assert in_options("pass nodes=[...]", options) == "pass --nodes CODE[,CODE...]"
        assert in_options("pass nodes=['a', 'b']", options) == "pass --nodes a,b"


class TestParameterAttribute:
    @pytest.mark.parametrize(
        "error",
        [
            DefinitionError("m", code="x", parameter="rank_k"),
            RuleMismatchError("m", code="x", rule="sum", parameter="rank_k"),
            RebaseError("m", code="x", level="district", parameter="district_to"),
        ],
    )
    def test_parameter_survives_pickling(self, error: Exception) -> None:
        """The parameter named by an error crosses process boundaries."""
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error)
        assert back.parameter == error.parameter  # type: ignore[attr-defined]
        assert str(back) == "m"

    def test_in_context_keeps_the_parameter(self) -> None:
        """An error put in context (the plan, the file) still names its parameter."""
        err = DefinitionError("choose rank_k", code="par", parameter="rank_k").in_context(
            "plan 'p'"
        )
        assert (str(err), err.code, err.parameter) == ("plan 'p': choose rank_k", "par", "rank_k")


class TestFiles:
    def test_refuse_empty_names_the_file(self) -> None:
        """A file with a header and no row is an error naming the file and what it lacks."""
        with pytest.raises(InvalidDataError) as info:
            refuse_empty(Path("w.csv"), "weights")
        assert info.value.first_line() == "w.csv: no weights: the file holds a header and no row"
        assert info.value.kinds == ("no_rows",)

    def test_skipped_line_counts_rows_and_indicators(self) -> None:
        """1 row of 1 indicator is said in the singular."""
        assert skipped_line("d.csv", {"a": 1}) == "d.csv: 1 row of 1 other indicator not read (a)"

    @pytest.mark.parametrize(
        ("code", "cause"),
        [
            (errno.EIO, "input/output error (the disk or network drive failed)"),
            (errno.EACCES, "permission denied"),
            (errno.ENOSPC, "no space left on the device"),
            (errno.EROFS, "the file system is read-only"),
            (errno.EISDIR, "it is a directory"),
            (errno.EMFILE, "too many open files"),
        ],
    )
    def test_cannot_write_says_the_cause_in_words(self, code: int, cause: str) -> None:
        """A failed write names the option, the path and the cause."""
        err = cannot_write("--output", Path("out.csv"), OSError(code, os.strerror(code)))
        assert str(err) == f"--output out.csv: cannot write: {cause}"


def test_units_option_takes_an_edition_s_name() -> None:
    """--units vn-2024 is the edition units.load("vn-2024") gives: the same list as national-2024."""
    from cchc_indicators import units
    from cchc_indicators.cli._common import units_option

    assert units_option("vn-2024", "province,district,commune") == units.load("vn-2024")
    assert units_option("vn-2025", "province,commune") == units_option("national-2025", "province")
