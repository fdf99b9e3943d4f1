"""Tests of the error classes: hierarchy of builtins, messages, structured attributes, pickling."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from cchc_indicators import (
    CchcError,
    CompositeIndex,
    DefinitionError,
    Hierarchy,
    HierarchyError,
    Indicator,
    InvalidDataError,
    Observations,
    Panel,
    PanelError,
    PeriodError,
    Plan,
    Problem,
    RuleMismatchError,
    Target,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownUnitError,
    catalog,
    composite,
    compute_index,
    datasets,
    evaluate,
    measures,
    points,
    rebase,
    rollup,
    uncertainty,
)
from cchc_indicators.composite import Node
from cchc_indicators.composite.points import Component, Structure
from cchc_indicators.core.errors import MESSAGE_LIMIT, ArgumentTypeError
from cchc_indicators.core.measures import Measure
from cchc_indicators.survey import Elements, Responses
from cchc_indicators.units.crosswalk import Crosswalk


@pytest.fixture
def province() -> Hierarchy:
    """A hierarchy of one province."""
    return Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])


class TestBuiltinBases:
    """Every error is a CchcError and also the builtin exception that fits it."""

    @pytest.mark.parametrize(
        ("cls", "builtin"),
        [
            (DefinitionError, ValueError),
            (RuleMismatchError, DefinitionError),
            (InvalidDataError, ValueError),
            (HierarchyError, InvalidDataError),
            (PanelError, InvalidDataError),
            (UnknownUnitError, KeyError),
            (UnknownLevelError, KeyError),
            (UnknownIndicatorError, KeyError),
        ],
    )
    def test_error_subclasses_cchc_error_and_builtin(
        self, cls: type[Exception], builtin: type[Exception]
    ) -> None:
        """Each concrete error derives from CchcError and from the fitting builtin."""
        assert issubclass(cls, CchcError)
        assert issubclass(cls, builtin)

    def test_caught_as_value_error(self) -> None:
        """An invalid definition can be caught by code that knows only ValueError."""
        with pytest.raises(ValueError, match="unknown measure kind 'x'"):
            measures.Measure("x")  # type: ignore[arg-type]


class TestLookupErrors:
    """Lookup errors are KeyErrors whose text is the plain message, with the key attached."""

    def test_unknown_unit_str_is_not_quoted(self, province: Hierarchy) -> None:
        """str() of an UnknownUnitError is the message itself, not its repr as KeyError gives."""
        with pytest.raises(UnknownUnitError, match=r"^unknown unit code '99' in hierarchy") as info:
            province.unit("99")
        err = info.value
        assert str(err) == "unknown unit code '99' in hierarchy (edition None, 1 units)"
        assert not str(err).startswith(("'", '"'))
        assert err.key == "99"

    def test_unknown_unit_is_caught_as_key_error(self, province: Hierarchy) -> None:
        """Code that catches KeyError also catches an unknown unit."""
        with pytest.raises(KeyError, match="unknown unit code '27'"):
            province.parent("27")

    def test_integer_code_hints_that_codes_are_strings(self, province: Hierarchy) -> None:
        """Looking up an integer code says that codes are strings."""
        with pytest.raises(UnknownUnitError, match="codes are strings, such as '01'") as info:
            province.unit(26)  # type: ignore[arg-type]
        assert info.value.key == "26"

    def test_unknown_level(self, province: Hierarchy) -> None:
        """An unknown level name raises UnknownLevelError listing the levels."""
        with pytest.raises(UnknownLevelError, match="unknown level 'ward'") as info:
            province.units("ward")
        assert str(info.value) == (
            "unknown level 'ward'; the levels are 'province', 'district', 'commune'"
        )
        assert info.value.key == "ward"

    def test_unknown_indicator_in_panel(self, province: Hierarchy) -> None:
        """Asking a panel for data it does not hold names what it does hold."""
        p = Panel.from_records(
            [{"indicator": "a", "unit": "26", "period": 2024, "value": 1}], province
        )
        with pytest.raises(UnknownIndicatorError, match="it holds 'a'") as info:
            p.data_of("b")
        assert str(info.value) == "indicator 'b' is not in the panel; it holds 'a'"
        assert info.value.key == "b"

    def test_unknown_indicator_definition(self, province: Hierarchy) -> None:
        """Asking a panel for a definition it was not given raises UnknownIndicatorError."""
        p = Panel.from_records(
            [{"indicator": "a", "unit": "26", "period": 2024, "value": 1}], province
        )
        with pytest.raises(UnknownIndicatorError, match="no definition of indicator 'a'") as info:
            p.indicator("a")
        assert info.value.key == "a"


class TestProblem:
    """A Problem says where (row, field) and what."""

    def test_describe_with_row_and_field(self) -> None:
        """describe() puts the row and field before the message."""
        p = Problem("must be a number: 'abc'", row=7, field="value")
        assert p.describe() == "row 7, field 'value': must be a number: 'abc'"

    def test_describe_with_field_only(self) -> None:
        """describe() with a field but no row names only the field."""
        assert Problem("bad", field="unit").describe() == "field 'unit': bad"

    def test_describe_without_location(self) -> None:
        """describe() without row or field is the bare message."""
        assert Problem("bad").describe() == "bad"

    def test_default_kind(self) -> None:
        """A problem without a kind is labelled 'invalid'."""
        assert Problem("bad").kind == "invalid"


class TestInvalidDataError:
    """Bulk-validation errors list every problem, limited in the message."""

    def test_message_lists_problems(self) -> None:
        """The message starts with the source and count, then one line per problem."""
        err = InvalidDataError(
            [Problem("a", row=2, kind="x"), Problem("b", row=3, field="unit", kind="y")],
            source="d.csv",
        )
        assert str(err) == "d.csv: 2 problems\n  row 2: a\n  row 3, field 'unit': b"
        assert err.kinds == ("x", "y")
        assert err.source == "d.csv"

    def test_kinds_are_distinct_in_first_appearance_order(self) -> None:
        """kinds lists each kind once, in the order first seen."""
        err = InvalidDataError(
            [Problem("1", kind="b"), Problem("2", kind="a"), Problem("3", kind="b")]
        )
        assert err.kinds == ("b", "a")

    def test_message_is_limited(self) -> None:
        """Past MESSAGE_LIMIT problems, the message says how many more there are."""
        problems = [Problem(f"p{i}", row=i) for i in range(MESSAGE_LIMIT + 2)]
        err = InvalidDataError(problems, source="s.csv")
        lines = str(err).splitlines()
        assert lines[0] == f"s.csv: {MESSAGE_LIMIT + 2} problems"
        # 1 header line + 20 problem lines + 1 "and more" line
        assert len(lines) == 1 + MESSAGE_LIMIT + 1
        assert lines[-1] == "  ... and 2 more"
        assert len(err.problems) == MESSAGE_LIMIT + 2

    def test_singular_problem(self) -> None:
        """One problem is counted in the singular."""
        assert str(InvalidDataError([Problem("x")])).startswith("<records>: 1 problem\n")

    def test_first_line(self) -> None:
        """first_line() names the first problem and counts the others."""
        one_more = InvalidDataError([Problem("a", row=1), Problem("b", row=2)])
        assert one_more.first_line() == "<records>: row 1: a (and 1 more problem)"
        two_more = InvalidDataError([Problem("a", row=1)] * 3, source="f")
        assert two_more.first_line() == "f: row 1: a (and 2 more problems)"
        assert InvalidDataError([]).first_line() == "<records>: invalid data"


class TestPickle:
    """Errors survive pickling with their structured attributes."""

    def test_definition_error(self) -> None:
        """A DefinitionError keeps its message and code."""
        err = pickle.loads(pickle.dumps(DefinitionError("bad thing", code="x")))
        assert type(err) is DefinitionError
        assert str(err) == "bad thing"
        assert err.code == "x"

    def test_rule_mismatch_error(self) -> None:
        """A RuleMismatchError raised by an Indicator keeps its code, rule and message."""
        with pytest.raises(RuleMismatchError) as info:
            Indicator("staff", "Biên chế", measure=measures.count(), rule="ratio_of_sums")
        err = pickle.loads(pickle.dumps(info.value))
        assert type(err) is RuleMismatchError
        assert (err.code, err.rule) == ("staff", "ratio_of_sums")
        assert str(err) == str(info.value)

    @pytest.mark.parametrize("cls", [UnknownUnitError, UnknownLevelError, UnknownIndicatorError])
    def test_lookup_errors(self, cls: type[UnknownUnitError]) -> None:
        """Lookup errors keep their message and key."""
        err = pickle.loads(pickle.dumps(cls("not there: 'k'", key="k")))
        assert type(err) is cls
        assert str(err) == "not there: 'k'"
        assert err.key == "k"

    @pytest.mark.parametrize("cls", [InvalidDataError, HierarchyError, PanelError])
    def test_bulk_errors(self, cls: type[InvalidDataError]) -> None:
        """Bulk errors keep their problems and source."""
        problems = (Problem("dup", row=3, field="code", kind="duplicate_code"),)
        err = pickle.loads(pickle.dumps(cls(problems, source="units.csv")))
        assert type(err) is cls
        assert err.problems == problems
        assert err.source == "units.csv"
        assert err.kinds == ("duplicate_code",)
        assert str(err) == "units.csv: 1 problem\n  row 3, field 'code': dup"

    def test_raised_hierarchy_error(self) -> None:
        """A HierarchyError raised by validation pickles to an equal set of problems."""
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_records([{"code": "", "name": "?", "level": "province"}])
        err = pickle.loads(pickle.dumps(info.value))
        assert err.problems == info.value.problems
        assert err.problems[0].row == 0
        assert err.problems[0].field == "code"


# --- Issue 11 §3: every public entry point raises the library's own errors -------------


def _plan_text() -> str:
    return '{"schema_version": 1, "code": "p", "indicators": []}'


def _index_text() -> str:
    return '{"code": "i", "children": [{"code": "a"}]}'


def _structure_text() -> str:
    return '{"code": "s", "components": [{"code": "a", "maximum": 1, "rule": {"kind": "yes_no"}}]}'


JSON_READERS = [
    pytest.param(Plan.from_json, "plan", _plan_text, id="plan"),
    pytest.param(CompositeIndex.from_json, "index", _index_text, id="index"),
    pytest.param(Structure.from_json, "structure", _structure_text, id="structure"),
]


class TestJsonTextOrPath:
    """from_json reads a str as JSON text and a path as a file, never one for the other."""

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "not valid JSON at line 1, column 1: Expecting value"),
            ("\x00", "not valid JSON at line 1, column 1: Expecting value"),
            ("x" * 300, "not valid JSON at line 1, column 1: Expecting value"),
            ("{", "not valid JSON at line 1, column 2: Expecting property name"),
        ],
    )
    def test_text_that_is_not_json_is_a_definition_error(
        self, read: Any, what: str, valid: Any, text: str, expected: str
    ) -> None:
        """Text that is not JSON is a DefinitionError naming <what JSON>, not an OSError."""
        with pytest.raises(DefinitionError) as info:
            read(text)
        assert str(info.value).startswith(f"<{what} JSON>: {expected}")

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_a_str_that_looks_like_a_file_name_says_to_pass_a_path(
        self, read: Any, what: str, valid: Any
    ) -> None:
        """A file name given as a str is read as text; the message says to pass a Path."""
        with pytest.raises(DefinitionError) as info:
            read("my-file.json")
        assert str(info.value) == (
            f"<{what} JSON>: not valid JSON at line 1, column 1: Expecting value; a str is JSON "
            "text, not a file name: to read the file, pass pathlib.Path('my-file.json')"
        )

    @pytest.mark.parametrize(
        ("text", "kind"),
        [("null", "null"), ("[]", "an array"), ("3", "a number"), ('"x"', "a string")],
    )
    def test_json_that_is_not_an_object_names_its_type(self, text: str, kind: str) -> None:
        """Valid JSON that is not an object says what is expected and what was given."""
        with pytest.raises(DefinitionError) as info:
            Plan.from_json(text)
        assert str(info.value) == f"<plan JSON>: a plan is a JSON object (a mapping), got {kind}"

    def test_index_json_that_is_not_an_object(self) -> None:
        """An index that is JSON null is refused, naming what an index is."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_json("null")
        assert str(info.value) == (
            "<index JSON>: a composite index is a mapping with 'code' and 'children', got None"
        )

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_a_path_like_is_a_file(self, read: Any, what: str, valid: Any, tmp_path: Path) -> None:
        """Any os.PathLike names a file, which is read."""

        class Where:
            def __fspath__(self) -> str:
                return str(tmp_path / "def.json")

        (tmp_path / "def.json").write_text(valid(), encoding="utf-8")
        assert read(Where()) == read(valid())

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_a_byte_order_mark_is_accepted(
        self, read: Any, what: str, valid: Any, tmp_path: Path
    ) -> None:
        """A JSON file saved with a UTF-8 byte-order mark (as Notepad does) reads as without."""
        path = tmp_path / "bom.json"
        path.write_bytes(b"\xef\xbb\xbf" + valid().encode("utf-8"))
        assert read(path) == read(valid())

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_missing_file_names_path_and_cause(
        self, read: Any, what: str, valid: Any, tmp_path: Path
    ) -> None:
        """A missing file is a DefinitionError naming the path: no such file."""
        with pytest.raises(DefinitionError) as info:
            read(tmp_path / "none.json")
        assert str(info.value) == f"{tmp_path / 'none.json'}: no such file"

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_directory_names_path_and_cause(
        self, read: Any, what: str, valid: Any, tmp_path: Path
    ) -> None:
        """A directory is a DefinitionError naming the path: is a directory."""
        with pytest.raises(DefinitionError) as info:
            read(tmp_path)
        assert str(info.value) == f"{tmp_path}: is a directory, not a file"

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_file_not_utf8_names_path(
        self, read: Any, what: str, valid: Any, tmp_path: Path
    ) -> None:
        """A file in another encoding is a DefinitionError naming the path and the byte."""
        path = tmp_path / "latin1.json"
        path.write_bytes('{"code": "Hà Nam"}'.encode("latin-1"))
        with pytest.raises(DefinitionError) as info:
            read(path)
        assert str(info.value).startswith(
            f"{path}: the file is not UTF-8 text (byte 11 cannot be read: invalid continuation byte)"
        )

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    @pytest.mark.parametrize("source", [None, 3, ["{}"], {"code": "p"}])
    def test_source_of_another_type_is_a_type_error(
        self, read: Any, what: str, valid: Any, source: object
    ) -> None:
        """A source that is neither text nor a path is an ArgumentTypeError (a TypeError)."""
        with pytest.raises(ArgumentTypeError) as info:
            read(source)
        assert isinstance(info.value, TypeError)
        assert info.value.parameter == "source"
        assert "'source' must be JSON text (str) or a file (pathlib.Path), got " in str(info.value)

    @pytest.mark.parametrize(("read", "what", "valid"), JSON_READERS)
    def test_deep_nesting_is_a_definition_error(self, read: Any, what: str, valid: Any) -> None:
        """JSON nested 100,000 deep is refused with the documented limit, not a RecursionError."""
        with pytest.raises(DefinitionError) as info:
            read("[" * 100_000)
        assert str(info.value) == f"<{what} JSON>: arrays and objects are nested more than 100 deep"

    def test_nesting_just_within_the_limit_is_read(self) -> None:
        """Arrays nested 100 deep are parsed (and then refused as not a plan)."""
        with pytest.raises(DefinitionError, match=r"got an array$"):
            Plan.from_json("[" * 100 + "]" * 100)
        with pytest.raises(DefinitionError, match="nested more than 100 deep"):
            Plan.from_json("[" * 101 + "]" * 101)


def _chain(depth: int) -> dict[str, Any]:
    """A node with ``depth`` levels of single children below it."""
    node: dict[str, Any] = {"code": "leaf"}
    for i in range(depth):
        node = {"code": f"n{i}", "children": [node]}
    return node


class TestDeepTrees:
    """Trees deeper than the documented limit are refused before any recursion."""

    def test_index_dict_400_deep(self) -> None:
        """A composite index 400 levels deep is a DefinitionError naming the limit."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_dict({"code": "i", "children": [_chain(400)]})
        assert str(info.value) == "index 'i': nodes are nested more than 40 levels deep"

    def test_index_json_deep(self) -> None:
        """The same tree as JSON text is refused by the JSON nesting limit."""
        with pytest.raises(DefinitionError, match="nested more than 100 deep"):
            CompositeIndex.from_json(json.dumps({"code": "i", "children": [_chain(400)]}))

    def test_node_dict_400_deep(self) -> None:
        """Node.from_dict refuses a deep node too."""
        with pytest.raises(DefinitionError) as info:
            Node.from_dict(_chain(400))
        assert str(info.value) == "node 'n399': nodes are nested more than 40 levels deep"

    def test_index_of_built_nodes_400_deep(self) -> None:
        """An index built from Node objects 400 deep is refused when built."""
        node = Node("leaf")
        for i in range(400):
            node = Node(f"n{i}", children=[node])
        with pytest.raises(DefinitionError) as info:
            CompositeIndex("i", children=[node])
        assert str(info.value) == "index 'i': nodes are nested more than 40 levels deep"

    def test_index_records_400_deep(self) -> None:
        """A metadata sheet whose parents chain 400 deep is refused."""
        rows = [{"code": "n0", "parent": "i"}] + [
            {"code": f"n{k}", "parent": f"n{k - 1}"} for k in range(1, 400)
        ]
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value) == "index 'i': nodes are nested more than 40 levels deep"

    def test_index_at_the_limit_is_built(self) -> None:
        """An index exactly 40 levels deep (39 below the top node) is accepted."""
        idx = CompositeIndex.from_dict({"code": "i", "children": [_chain(39)]})
        assert idx.depth == 40


def _province() -> Hierarchy:
    return Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])


CSV_READERS = [
    pytest.param(lambda p: Hierarchy.from_csv(p), id="Hierarchy.from_csv"),
    pytest.param(lambda p: Panel.from_csv(p, _province()), id="Panel.from_csv"),
    pytest.param(
        lambda p: Panel.from_csv(p, _province(), engine="numpy"), id="Panel.from_csv-numpy"
    ),
    pytest.param(
        lambda p: Responses.from_csv(p, _province(), scale="1-5"), id="Responses.from_csv"
    ),
    pytest.param(lambda p: Elements.from_csv(p), id="Elements.from_csv"),
    pytest.param(
        lambda p: Crosswalk.from_csv(p, old=_province(), new=_province()), id="Crosswalk.from_csv"
    ),
    pytest.param(lambda p: Observations.from_csv(p), id="Observations.from_csv"),
]


class TestUnreadableCsvFiles:
    """Every CSV reader names the path and the cause of a file it cannot read."""

    @pytest.mark.parametrize("read", CSV_READERS)
    def test_missing_file(self, read: Any, tmp_path: Path) -> None:
        """A missing file is an InvalidDataError: no such file (not a FileNotFoundError)."""
        path = tmp_path / "absent.csv"
        with pytest.raises(InvalidDataError) as info:
            read(path)
        assert info.value.first_line() == f"{path}: no such file"
        assert info.value.kinds == ("no_file",)

    @pytest.mark.parametrize("read", CSV_READERS)
    def test_directory(self, read: Any, tmp_path: Path) -> None:
        """A directory is an InvalidDataError: is a directory (not an IsADirectoryError)."""
        with pytest.raises(InvalidDataError) as info:
            read(tmp_path)
        assert info.value.first_line() == f"{tmp_path}: is a directory, not a file"
        assert info.value.kinds == ("is_directory",)

    @pytest.mark.parametrize("read", CSV_READERS)
    def test_permission_denied(
        self, read: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file the user may not read is an InvalidDataError: permission denied."""
        path = tmp_path / "secret.csv"
        path.write_text("code\n", encoding="utf-8")

        def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", refuse)
        monkeypatch.setattr(Path, "open", refuse)  # the whole-array readers read by blocks
        with pytest.raises(InvalidDataError) as info:
            read(path)
        assert info.value.first_line() == (f"{path}: permission denied: the file may not be read")
        assert info.value.kinds == ("permission_denied",)

    @pytest.mark.parametrize("read", CSV_READERS)
    def test_not_utf8(self, read: Any, tmp_path: Path) -> None:
        """A file in another encoding names the byte that cannot be read."""
        path = tmp_path / "latin1.csv"
        path.write_bytes("code,name\n26,Hà Nam\n".encode("latin-1"))
        with pytest.raises(InvalidDataError) as info:
            read(path)
        assert info.value.first_line() == (
            f"{path}: the file is not UTF-8 text (byte 14 cannot be read: invalid continuation "
            "byte); save it as UTF-8"
        )

    def test_a_cell_longer_than_the_csv_limit(self, tmp_path: Path) -> None:
        """A cell longer than the csv module's limit is an InvalidDataError naming the row."""
        path = tmp_path / "long.csv"
        path.write_text('code,name,level\n26,"' + "x" * 200_000 + '",province\n', encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            Hierarchy.from_csv(path)
        assert info.value.first_line() == (
            f"{path}: row 2: cannot be read as CSV: field larger than field limit (131072)"
        )


RECORD_READERS = [
    pytest.param(Hierarchy.from_records, "Hierarchy.from_records", id="Hierarchy"),
    pytest.param(lambda r: Panel.from_records(r, _province()), "Panel.from_records", id="Panel"),
    pytest.param(
        lambda r: Responses.from_records(r, _province(), scale="1-5"),
        "Responses.from_records",
        id="Responses",
    ),
    pytest.param(Elements.from_records, "Elements.from_records", id="Elements"),
    pytest.param(
        lambda r: Crosswalk.from_records(r, old=_province(), new=_province()),
        "Crosswalk.from_records",
        id="Crosswalk",
    ),
    pytest.param(Observations.from_records, "Observations.from_records", id="Observations"),
    pytest.param(
        lambda r: CompositeIndex.from_records("i", r), "CompositeIndex.from_records", id="Index"
    ),
]


class TestRecordsOfTheWrongType:
    """Records that are not an iterable of mappings are refused with a typed error."""

    @pytest.mark.parametrize(("read", "func"), RECORD_READERS)
    @pytest.mark.parametrize(
        ("records", "shown"),
        [(None, "None"), (3, "int 3"), ({"code": "26"}, "dict {'code': '26'}")],
    )
    def test_not_an_iterable_of_rows(
        self, read: Any, func: str, records: object, shown: str
    ) -> None:
        """None, a number or a single mapping is an ArgumentTypeError naming the function."""
        with pytest.raises(ArgumentTypeError) as info:
            read(records)
        assert str(info.value) == (
            f"{func}: 'records' must be an iterable of mappings (one per row), got {shown}"
        )
        assert info.value.parameter == "records"

    @pytest.mark.parametrize(
        "read",
        [
            lambda r: Responses.from_records(r, _province(), scale="1-5"),
            Elements.from_records,
            lambda r: Crosswalk.from_records(r, old=_province(), new=_province()),
        ],
        ids=["Responses", "Elements", "Crosswalk"],
    )
    def test_a_row_that_is_not_a_mapping(self, read: Any) -> None:
        """A row that is not a mapping is an InvalidDataError naming the row (not AttributeError)."""
        with pytest.raises(InvalidDataError) as info:
            read([None])
        assert str(info.value) == (
            "<records>: 1 problem\n"
            "  row 0: a record is a mapping of column names to values, got None"
        )


class TestHugeIntegers:
    """Integers too large for a float are refused naming the field, not with OverflowError."""

    def test_panel_value(self) -> None:
        """A value of 10**400 in a record is not a finite number."""
        with pytest.raises(PanelError) as info:
            Panel.from_records(
                [{"indicator": "a", "unit": "26", "period": "2024", "value": 10**400}], _province()
            )
        assert str(info.value) == (
            "<records>: 1 problem\n  row 0, field 'value': not a finite number: inf"
        )

    def test_observations_value(self) -> None:
        """The composite reader says the same of a huge negative integer."""
        with pytest.raises(InvalidDataError) as info:
            Observations.from_records([{"indicator": "a", "unit": "u", "value": -(10**400)}])
        assert str(info.value) == (
            "<records>: 1 problem\n  row 0, field 'value': must be a finite number, got '-inf'"
        )

    def test_node_weight(self) -> None:
        """A node's weight of 10**400 names the node and the field."""
        with pytest.raises(DefinitionError) as info:
            Node.from_dict({"code": "x", "weight": 10**400})
        assert str(info.value) == (
            "node 'x': a node's 'weight' must be a finite number, got an integer too large "
            "for a float"
        )

    def test_index_sheet_weight(self) -> None:
        """The same weight in a metadata sheet names row, column and node."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", [{"code": "x", "parent": "i", "weight": 10**400}])
        assert str(info.value) == (
            "index 'i', row 0, column 'weight': node 'x': a node's 'weight' must be a finite "
            "number, got inf"
        )

    def test_plan_threshold_in_json(self) -> None:
        """A 400-digit threshold in plan JSON is refused naming the indicator."""
        doc = (
            '{"schema_version": 1, "code": "p", "indicators": [{"code": "a", "name": "A", '
            '"targets": [{"kind": "at_least", "threshold": ' + "9" * 400 + "}]}]}"
        )
        with pytest.raises(DefinitionError) as info:
            Plan.from_json(doc)
        assert str(info.value) == (
            "<plan JSON>: indicator 'a': a target's threshold must be finite, got inf"
        )

    def test_measure_maximum(self) -> None:
        """A score maximum of 10**400 is refused."""
        with pytest.raises(DefinitionError, match=r"^score bounds must be finite$"):
            Measure.from_dict({"kind": "score", "minimum": 0, "maximum": 10**400})

    def test_points_maximum(self) -> None:
        """A component's maximum of 10**400 is refused naming the component."""
        with pytest.raises(DefinitionError) as info:
            Component.from_dict({"code": "c", "maximum": 10**400, "rule": {"kind": "yes_no"}})
        assert str(info.value) == (
            "component 'c': a component's maximum must be a positive number of points, got inf"
        )

    def test_points_band_bound(self) -> None:
        """A band bound of -10**400 is read as -inf (an open band), not an OverflowError."""
        rule = {"kind": "bands", "bands": [[-(10**400), 50, 0.5], [50, 10**400, 1.0]]}
        component = Component.from_dict({"code": "c", "maximum": 2, "rule": rule})
        assert component.maximum == 2.0


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


class TestDeepValues:
    """A value nested thousands deep in a definition is refused before any repr or recursion."""

    @pytest.mark.parametrize(
        ("read", "doc", "where"),
        [
            (Plan.from_dict, {"schema_version": 1, "code": "p", "title": None}, "plan"),
            (Indicator.from_dict, {"code": "a", "name": "A"}, "indicator"),
            (Target.from_dict, {"kind": "at_least", "threshold": 1}, "target"),
            (Measure.from_dict, {"kind": "count"}, "measure"),
            (Node.from_dict, {"code": "x"}, "node"),
            (Component.from_dict, {"code": "c", "maximum": 1}, "component"),
            (Structure.from_dict, {"code": "s", "components": []}, "structure"),
        ],
    )
    def test_value_nested_5000_deep(self, read: Any, doc: dict[str, Any], where: str) -> None:
        """The definition is a DefinitionError saying how deep values may nest."""
        bad = {**doc, "code" if "code" in doc else "kind": _nested(5000)}
        with pytest.raises(DefinitionError) as info:
            read(bad)
        assert str(info.value) == f"{where}: lists and mappings are nested more than 100 deep"

    @pytest.mark.parametrize("field", ["schema_version", "kind", "name"])
    def test_index_field_nested_5000_deep(self, field: str) -> None:
        """A deep value in a field an index's message shows is refused before its repr is made.

        Found by the deep fuzz run: ``schema_version`` and ``kind`` were shown in their
        messages before the nesting was checked, and the repr overflowed the stack.
        """
        doc = {"code": "i", "children": [{"code": "x"}], field: _nested(5000)}
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_dict(doc)
        assert str(info.value) == "index 'i': lists and mappings are nested more than 100 deep"

    def test_points_structure_400_deep(self) -> None:
        """A points structure 400 levels deep is refused with the tree limit."""
        component: dict[str, Any] = {"code": "leaf", "maximum": 1, "rule": {"kind": "yes_no"}}
        for i in range(400):
            component = {"code": f"c{i}", "maximum": 1, "children": [component]}
        with pytest.raises(DefinitionError) as info:
            Structure.from_dict({"code": "s", "components": [component]})
        assert str(info.value) == "structure 's': nodes are nested more than 40 levels deep"


class TestWrongArgumentTypes:
    """A newcomer's wrong argument gets an ArgumentTypeError saying what to pass."""

    def test_panel_with_a_unit_list_name(self) -> None:
        """A unit-list name where a hierarchy is expected says how to load it."""
        records = [{"indicator": "a", "unit": "26", "period": "2024", "value": 1}]
        with pytest.raises(ArgumentTypeError) as info:
            Panel.from_records(records, "vinh-phuc-2024")  # type: ignore[arg-type]
        assert str(info.value) == (
            "Panel: 'hierarchy' must be a Hierarchy, got str 'vinh-phuc-2024'; load the embedded "
            "unit list with cchc_indicators.datasets.units('vinh-phuc-2024')"
        )
        assert isinstance(info.value, TypeError)

    def test_panel_with_an_edition_name(self) -> None:
        """An edition name where a hierarchy is expected says to use units.load."""
        with pytest.raises(ArgumentTypeError) as info:
            Panel.from_records([], "vn-2025")  # type: ignore[arg-type]
        assert str(info.value).endswith(
            "; load an edition of the national unit list with cchc_indicators.units.load('vn-2025')"
        )

    @pytest.mark.parametrize("old", [None, 3])
    def test_crosswalk_edition_of_another_type(self, old: object) -> None:
        """A crosswalk's old edition must be a hierarchy or an edition name."""
        with pytest.raises(ArgumentTypeError) as info:
            Crosswalk.from_records([], old=old, new="vn-2025")  # type: ignore[arg-type]
        assert str(info.value).startswith(
            "Crosswalk: 'old' must be a Hierarchy or the name of an embedded edition "
            "('vn-2024', 'vn-2025'), got "
        )

    def test_unit_list_name_of_another_type(self) -> None:
        """datasets.units([]) is an unknown unit list, not a TypeError about hashing."""
        with pytest.raises(DefinitionError, match=r"^unknown unit list \[\]; the unit lists are"):
            datasets.units([])  # type: ignore[arg-type]


class TestWrongMainArguments:
    """The main entry points say what they expect when given a name or another object."""

    def test_evaluate_with_a_catalogue_name(self) -> None:
        """evaluate('vinh-phuc-2021-2025', panel) says to load the catalogue."""
        with pytest.raises(ArgumentTypeError) as info:
            evaluate("vinh-phuc-2021-2025", datasets.demo_panel())  # type: ignore[arg-type]
        assert str(info.value) == (
            "evaluate: 'plan' must be a Plan, got str 'vinh-phuc-2021-2025'; load the catalogue "
            "with cchc_indicators.core.catalog.load('vinh-phuc-2021-2025')"
        )

    def test_evaluate_with_no_panel(self) -> None:
        """evaluate(plan, None) names the panel parameter."""
        with pytest.raises(
            ArgumentTypeError, match=r"^evaluate: 'panel' must be a Panel, got None$"
        ):
            evaluate(catalog.load("vinh-phuc-2021-2025"), None)  # type: ignore[arg-type]

    def test_evaluate_with_a_period_that_is_not_one(self) -> None:
        """A period that is not one is a PeriodError, not a bare ValueError."""
        with pytest.raises(PeriodError, match=r"^not a period: 'x'"):
            evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period="x")

    def test_compute_index_with_a_panel(self) -> None:
        """compute_index(index, panel) says a composite index reads Observations."""
        with pytest.raises(ArgumentTypeError) as info:
            compute_index(composite.load_index("par-style-demo"), datasets.demo_panel())  # type: ignore[arg-type]
        assert str(info.value).startswith(
            "compute_index: 'data' must be a Observations, got Panel "
        )
        assert str(info.value).endswith(
            "; a Panel holds a plan's data: read a composite index's data with "
            "Observations.from_csv or Observations.from_records"
        )

    @pytest.mark.parametrize("func", [uncertainty.uncertainty, uncertainty.sensitivity])
    def test_uncertainty_with_a_plan(self, func: Any) -> None:
        """uncertainty and sensitivity name the index parameter."""
        with pytest.raises(ArgumentTypeError, match=r"'index' must be a CompositeIndex, got Plan"):
            func(catalog.load("vinh-phuc-2021-2025"), datasets.index_observations())

    def test_rebase_panel_with_an_edition_name(self) -> None:
        """rebase_panel(panel, 'vn-2025') says how to build the crosswalk."""
        with pytest.raises(ArgumentTypeError) as info:
            rebase.rebase_panel(datasets.demo_panel(), "vn-2025")  # type: ignore[arg-type]
        assert str(info.value) == (
            "rebase_panel: 'crosswalk' must be a Crosswalk, got str 'vn-2025'; build the crosswalk "
            "between two editions with cchc_indicators.units.crosswalk.Crosswalk.official('vn-2024', "
            "'vn-2025')"
        )

    def test_rollup_with_a_plan(self) -> None:
        """rollup(plan, ...) names the panel parameter."""
        with pytest.raises(ArgumentTypeError, match=r"^rollup: 'panel' must be a Panel, got Plan"):
            rollup(catalog.load("vinh-phuc-2021-2025"), "work_files_online")  # type: ignore[arg-type]

    def test_evaluate_points_with_no_structure(self) -> None:
        """evaluate_points(None, ...) names the structure parameter."""
        with pytest.raises(ArgumentTypeError, match=r"'structure' must be a Structure, got None"):
            points.evaluate_points(None, {}, ["u"])  # type: ignore[arg-type]


class TestWrongKeywordArguments:
    """Keyword arguments of the wrong type are refused with the library's errors."""

    def test_hierarchy_levels_none(self) -> None:
        """levels=None is a DefinitionError, not a TypeError about iteration."""
        with pytest.raises(DefinitionError, match=r"^levels must be a non-empty sequence"):
            Hierarchy.from_records([], levels=None)  # type: ignore[arg-type]

    def test_panel_indicators_a_number(self) -> None:
        """indicators=3 is a DefinitionError naming what is expected."""
        with pytest.raises(DefinitionError) as info:
            Panel.from_records([], _province(), indicators=3)  # type: ignore[arg-type]
        assert str(info.value) == (
            "indicators must be Indicator objects (a list or a mapping), got 3"
        )

    def test_units_province_a_number(self) -> None:
        """units.load(province=3) is a DefinitionError, not a TypeError."""
        from cchc_indicators import units

        with pytest.raises(
            DefinitionError, match=r"^'province' is a province code or codes, got 3$"
        ):
            units.load("vn-2025", province=3)  # type: ignore[arg-type]


class TestFoundByFuzzing:
    """Inputs the fuzz tests found, kept as plain tests."""

    def test_a_5000_digit_weight_in_a_metadata_sheet(self, tmp_path: Path) -> None:
        """A weight of 5,000 digits is not finite (Python's int() refuses over 4,300 digits)."""
        path = tmp_path / "meta.csv"
        path.write_text("code,parent,weight\nx,i," + "9" * 5000 + "\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value) == (
            f"{path}: index 'i', row 2, column 'weight': node 'x': a node's 'weight' must be a "
            "finite number, got inf"
        )


class TestMoreArgumentTypes:
    """More of the sweep over public entry points with arguments of the wrong type."""

    @pytest.mark.parametrize(
        ("columns", "message"),
        [
            (
                {"indicator": None},
                "column 'indicator' must be a one-dimensional sequence, got NoneType",
            ),
            ({"unit": "26"}, "column 'unit' must be a one-dimensional sequence, got str"),
            (
                {"period": ["2024", "2025"]},
                "column 'period' has 2 rows, expected 1 like 'indicator'",
            ),
            ({"value": ["x"]}, "column 'value' must hold numbers (NaN where not given)"),
            ({"value": [{}]}, "column 'value' must hold numbers (NaN where not given)"),
            ({"weight": []}, "column 'weight' has 0 rows, expected 1"),
        ],
    )
    def test_panel_from_columns(self, columns: dict[str, Any], message: str) -> None:
        """A bad column is a PanelError naming it, not a TypeError, IndexError or bare ValueError."""
        given = {"indicator": ["a"], "unit": ["26"], "period": ["2024"], "value": [1.0], **columns}
        with pytest.raises(PanelError) as info:
            Panel.from_columns(_province(), **given)
        assert info.value.problems[0].message == message
        assert info.value.problems[0].field == next(iter(columns))

    @pytest.mark.parametrize("survey", ["x", 3, [None]])
    def test_evaluate_survey_of_another_type(self, survey: object) -> None:
        """survey= that is not survey results is an ArgumentTypeError."""
        with pytest.raises(ArgumentTypeError, match=r"^evaluate: 'survey' must be a SurveyResult"):
            evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), survey=survey)

    def test_evaluate_rebased_of_another_type(self) -> None:
        """rebased= that is not a RebaseReport is an ArgumentTypeError."""
        with pytest.raises(ArgumentTypeError) as info:
            evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), rebased="x")
        assert str(info.value) == (
            "evaluate: 'rebased' must be the RebaseReport of rebase_panel, or None, got str 'x'"
        )

    def test_compute_index_weights_of_another_type(self) -> None:
        """weights=3 is an ArgumentTypeError naming what weights may be."""
        with pytest.raises(ArgumentTypeError) as info:
            compute_index(
                composite.load_index("par-style-demo"), datasets.index_observations(), weights=3
            )  # type: ignore[arg-type]
        assert str(info.value) == (
            "CompositeIndex.weights: 'weights' must be a weight set's name, a mapping of node "
            "codes to weights, or None, got int 3"
        )
