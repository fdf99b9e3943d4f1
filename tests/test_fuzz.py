"""Fuzz tests of every loader: generated and mutated inputs give a result or a CchcError.

Each loader (CSV files, records, JSON text and files, dicts, names) is fed
valid inputs mutated the way real files go wrong: bytes flipped, deleted or
doubled, cells blanked or replaced by huge, negative, NaN or text numbers, a
byte-order mark, columns lost, JSON values of the wrong type, deep nesting.
The contract checked for every input (:func:`loads_or_refuses`):

* the loader returns, or raises a :class:`~cchc_indicators.core.errors.CchcError`;
  no other exception (``TypeError``, ``OverflowError``, ``RecursionError``, ...);
* no warning escapes (warnings are errors here);
* it takes less than a second (Hypothesis' ``deadline``).

The examples are derandomised in CI (the default ``ci`` profile) and bounded
per test, so the module runs in well under a minute on one core; the ``deep``
profile runs ten times as many, with random seeds.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_indicators import (
    CchcError,
    CompositeIndex,
    Hierarchy,
    Indicator,
    Observations,
    Panel,
    Plan,
    Target,
    catalog,
    composite,
    datasets,
    measures,
    points,
    units,
)
from cchc_indicators.composite import Node
from cchc_indicators.core.measures import Measure
from cchc_indicators.survey import Elements, Responses
from cchc_indicators.units.crosswalk import Crosswalk

#: Examples per test in the ``ci`` profile (the ``deep`` profile runs ten times as many).
EXAMPLES = 60

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def loads_or_refuses(load: Callable[[], object]) -> object:
    """Call ``load``: it returns, or raises a CchcError; any other exception or a warning fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return load()
        except CchcError as err:
            str(err)  # the message itself can be built
            return err


# --- The valid inputs that are mutated ------------------------------------------------

HIERARCHY_CSV = (
    "code,name,level,parent\n"
    "26,Vĩnh Phúc,province,\n"
    "243,Vĩnh Yên,district,26\n"
    "244,Phúc Yên,district,26\n"
    "08707,Tích Sơn,commune,243\n"
    "08710,Liên Bảo,commune,243\n"
)
PANEL_CSV = (
    "indicator,unit,period,value,numerator,denominator,weight\n"
    "online,26,2024,71.5,,,\n"
    "online,243,2024,,30,40,2\n"
    "files,08707,2024-Q1,12,,,\n"
    "files,08710,2023,3,,,\n"
)
RESPONSES_CSV = (
    "respondent,unit,question,answer,weight,stratum\n"
    "r1,243,q1,4,1.5,a\n"
    "r1,243,q2,5,1.5,a\n"
    "r2,244,q1,2,1,b\n"
    "r3,244,q2,3,1,b\n"
)
ELEMENTS_CSV = "element,question\naccess,q1\nresults,q2\n"
OBSERVATIONS_CSV = (
    "indicator,unit,period,value\nonline,A,2024,90\nonline,B,2024,60\nwait,A,2024,5\nwait,B,2024,\n"
)
INDEX_CSV = (
    "code,parent,name,weight,direction,lower,upper,target,aggregation,min_share,source\n"
    "d,i,Services,2,,,,,geometric,0.5,\n"
    "online,d,Online,1,,0,100,90,,,\n"
    "wait,d,Waiting,1,-1,,,,,,\n"
    "sat,i,Satisfaction,1,,,,,,,\n"
)
CROSSWALK_CSV = "old_code,new_code,partly,weight\n243,25,1,0.5\n243,26,1,0.5\n244,26,,\n"

PLAN_DOC: dict[str, Any] = json.loads(catalog.load("vinh-phuc-2021-2025").to_json())
INDEX_DOC: dict[str, Any] = composite.load_index("par-style-demo").to_dict()
STRUCTURE_DOC: dict[str, Any] = points.load_structure("pci-2016").to_dict()


def _hierarchy() -> Hierarchy:
    rows = [
        dict(zip(("code", "name", "level", "parent"), line.split(","), strict=True))
        for line in HIERARCHY_CSV.splitlines()[1:]
    ]
    return Hierarchy.from_records(rows)


UNITS = _hierarchy()
NEW_UNITS = Hierarchy.from_records(
    [
        {"code": "25", "name": "Phú Thọ", "level": "province"},
        {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
    ],
    levels=("province",),
)
OLD_UNITS = Hierarchy.from_records(
    [
        {"code": "243", "name": "Vĩnh Yên", "level": "province"},
        {"code": "244", "name": "Phúc Yên", "level": "province"},
    ],
    levels=("province",),
)
INDICATORS = [
    Indicator("online", "Online", measure=measures.percent()),
    Indicator("files", "Files", measure=measures.count(), rule="sum"),
]


# --- Mutations ------------------------------------------------------------------------

#: Cell values that have broken readers: huge, tiny, negative, not numbers, odd text.
NASTY_CELLS = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1e400",
    "1e-400",
    "5e-324",
    "1" + "0" * 400,
    "9" * 5000,
    "-1",
    "0",
    "-0",
    "1e308",
    "abc",
    "１２",  # full-width digits
    "12,5",
    '"',
    "\x00",
    "\ufeff",
    "2024-Q5",
    "2024-13",
    "99999",
    "true",
    "[1]",
    '{"name": "x"}',
    "0x10",
    "1_000",
    "  7  ",
]

#: Python values for records and dicts: what a caller or a JSON file may hold.
NASTY_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**400,
    -(10**400),
    2**63,
    float("nan"),
    float("inf"),
    -float("inf"),
    5e-324,
    1e308,
    "",
    "x",
    "1e400",
    [],
    [1, 2],
    {},
    {"a": 1},
    b"bytes",
    (1,),
    object(),
]

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(NASTY_CELLS),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
any_values = st.one_of(json_values, st.sampled_from(NASTY_VALUES))


@st.composite
def mutated_text(draw: st.DrawFn, seed: str) -> str:
    """``seed`` (CSV text) with cells replaced and bytes flipped, deleted or doubled."""
    lines = [line.split(",") for line in seed.splitlines()]
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        if not lines[i]:
            continue
        j = draw(st.integers(0, len(lines[i]) - 1))
        op = draw(st.sampled_from(["nasty", "text", "drop", "dup_row", "drop_row", "dup_cell"]))
        if op == "nasty":
            lines[i][j] = draw(st.sampled_from(NASTY_CELLS))
        elif op == "text":
            lines[i][j] = draw(st.text(max_size=10).map(lambda t: t.replace(",", ";")))
        elif op == "drop":
            del lines[i][j]
        elif op == "dup_row":
            lines.insert(i, list(lines[i]))
        elif op == "drop_row" and len(lines) > 1:
            del lines[i]
        elif op == "dup_cell":
            lines[i].insert(j, lines[i][j])
    text = "\n".join(",".join(cells) for cells in lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(0, 3))):
        if not data:
            break
        k = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "duplicate", "insert"]))
        if op == "flip":
            data[k] ^= 1 << draw(st.integers(0, 7))
        elif op == "delete":
            del data[k]
        elif op == "duplicate":
            data.insert(k, data[k])
        else:
            data.insert(k, draw(st.integers(0, 255)))
    if draw(st.booleans()):
        data = bytearray(b"\xef\xbb\xbf") + data
    return data.decode("utf-8", errors="surrogateescape")


def _write(folder: Path, text: str) -> Path:
    path = folder / "input.csv"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value in a JSON document (keys and list positions)."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated_doc(draw: st.DrawFn, seed: dict[str, Any], values: st.SearchStrategy[Any]) -> Any:
    """A deep copy of ``seed`` with values replaced, keys deleted or added, or nesting deepened."""
    doc = json.loads(json.dumps(seed))
    places = list(_paths(doc))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(places))
        op = draw(st.sampled_from(["replace", "delete", "add", "nest"]))
        if not place:
            if op == "replace":
                return draw(values)
            continue
        parent = doc
        try:
            for step in place[:-1]:
                parent = parent[step]
            key = place[-1]
            if op == "replace":
                parent[key] = draw(values)
            elif op == "delete":
                del parent[key]
            elif op == "add" and isinstance(parent, dict):
                parent[draw(st.text(max_size=8))] = draw(values)
            elif op == "nest":
                # beyond the 100-deep limit, yet shallow enough for Hypothesis to record the draw
                depth = draw(st.sampled_from([2, 50, 150, 300]))
                inner = parent[key]
                for _ in range(depth):
                    inner = [inner]
                parent[key] = inner
        except (KeyError, IndexError, TypeError):
            continue  # the place was removed by an earlier mutation
    return doc


def _json_text(doc: Any) -> str:
    try:
        return json.dumps(doc, ensure_ascii=False, allow_nan=True, default=repr)
    except (ValueError, RecursionError):  # nesting too deep for the encoder: write it by hand
        return "[" * 10_000 + "]" * 10_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the files written by this module's tests."""
    return tmp_path_factory.mktemp("fuzz")


# --- CSV loaders --------------------------------------------------------------------

CSV_LOADERS: list[Any] = [
    pytest.param(HIERARCHY_CSV, Hierarchy.from_csv, id="Hierarchy.from_csv"),
    pytest.param(
        PANEL_CSV, lambda p: Panel.from_csv(p, UNITS, indicators=INDICATORS), id="Panel.from_csv"
    ),
    pytest.param(
        PANEL_CSV, lambda p: Panel.from_csv(p, UNITS), id="Panel.from_csv-without-definitions"
    ),
    pytest.param(
        PANEL_CSV,
        lambda p: Panel.from_csv(p, UNITS, indicators=INDICATORS, engine="numpy"),
        id="Panel.from_csv-numpy",
    ),
    pytest.param(
        PANEL_CSV,
        lambda p: Panel.from_csv(p, UNITS, indicators=INDICATORS, engine="arrow"),
        id="Panel.from_csv-arrow",
    ),
    pytest.param(
        RESPONSES_CSV, lambda p: Responses.from_csv(p, UNITS, scale="1-5"), id="Responses.from_csv"
    ),
    pytest.param(ELEMENTS_CSV, Elements.from_csv, id="Elements.from_csv"),
    pytest.param(OBSERVATIONS_CSV, Observations.from_csv, id="Observations.from_csv"),
    pytest.param(
        INDEX_CSV, lambda p: CompositeIndex.from_csv("i", p), id="CompositeIndex.from_csv"
    ),
    pytest.param(
        CROSSWALK_CSV,
        lambda p: Crosswalk.from_csv(p, old=OLD_UNITS, new=NEW_UNITS),
        id="Crosswalk.from_csv",
    ),
]


class TestCsvLoaders:
    """Mutated CSV files are read or refused with a CchcError, quickly and without warnings."""

    @pytest.mark.parametrize(("seed", "load"), CSV_LOADERS)
    def test_the_valid_file_loads(self, seed: str, load: Any, folder: Path) -> None:
        """The file every mutation starts from is valid, so mutations start from success."""
        assert not isinstance(loads_or_refuses(lambda: load(_write(folder, seed))), CchcError)

    @pytest.mark.parametrize(("seed", "load"), CSV_LOADERS)
    @FUZZ
    @given(data=st.data())
    def test_a_mutated_file_loads_or_raises_a_library_error(
        self, seed: str, load: Any, folder: Path, data: st.DataObject
    ) -> None:
        """Any mutation of a valid file gives a result or a CchcError, nothing else."""
        text = data.draw(mutated_text(seed))
        loads_or_refuses(lambda: load(_write(folder, text)))

    @pytest.mark.parametrize(("seed", "load"), CSV_LOADERS)
    @FUZZ
    @given(text=st.text(max_size=200))
    def test_any_text_loads_or_raises_a_library_error(
        self, seed: str, load: Any, folder: Path, text: str
    ) -> None:
        """Arbitrary text, however unlike a CSV file, gives a result or a CchcError."""
        loads_or_refuses(lambda: load(_write(folder, text)))

    @pytest.mark.parametrize(("seed", "load"), CSV_LOADERS)
    def test_a_folder_or_a_missing_file_raises_a_library_error(
        self, seed: str, load: Any, folder: Path
    ) -> None:
        """A directory or a missing path is refused with a CchcError."""
        assert isinstance(loads_or_refuses(lambda: load(folder)), CchcError)
        assert isinstance(loads_or_refuses(lambda: load(folder / "absent.csv")), CchcError)


# --- Records loaders ------------------------------------------------------------------


def _csv_records(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]


@st.composite
def mutated_records(draw: st.DrawFn, seed: str) -> Any:
    """The records of ``seed`` with values replaced by odd Python values, keys dropped or added."""
    records: list[Any] = _csv_records(seed)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(records) - 1))
        op = draw(st.sampled_from(["value", "value", "drop_key", "add_key", "not_a_mapping"]))
        record = records[i]
        if not isinstance(record, dict) or not record:
            continue
        key = draw(st.sampled_from(sorted(record)))
        if op == "value":
            record[key] = draw(any_values)
        elif op == "drop_key":
            del record[key]
        elif op == "add_key":
            record[draw(st.text(max_size=6))] = draw(any_values)
        else:
            records[i] = draw(any_values)
    return records


RECORD_LOADERS: list[Any] = [
    pytest.param(HIERARCHY_CSV, Hierarchy.from_records, id="Hierarchy.from_records"),
    pytest.param(
        PANEL_CSV,
        lambda r: Panel.from_records(r, UNITS, indicators=INDICATORS),
        id="Panel.from_records",
    ),
    pytest.param(
        RESPONSES_CSV,
        lambda r: Responses.from_records(r, UNITS, scale="1-5"),
        id="Responses.from_records",
    ),
    pytest.param(ELEMENTS_CSV, Elements.from_records, id="Elements.from_records"),
    pytest.param(OBSERVATIONS_CSV, Observations.from_records, id="Observations.from_records"),
    pytest.param(
        INDEX_CSV, lambda r: CompositeIndex.from_records("i", r), id="CompositeIndex.from_records"
    ),
    pytest.param(
        CROSSWALK_CSV,
        lambda r: Crosswalk.from_records(r, old=OLD_UNITS, new=NEW_UNITS),
        id="Crosswalk.from_records",
    ),
]


class TestRecordLoaders:
    """Records holding odd Python values are read or refused with a CchcError."""

    @pytest.mark.parametrize(("seed", "load"), RECORD_LOADERS)
    def test_the_valid_records_load(self, seed: str, load: Any) -> None:
        """The records every mutation starts from are valid."""
        assert not isinstance(loads_or_refuses(lambda: load(_csv_records(seed))), CchcError)

    @pytest.mark.parametrize(("seed", "load"), RECORD_LOADERS)
    @FUZZ
    @given(data=st.data())
    def test_mutated_records_load_or_raise_a_library_error(
        self, seed: str, load: Any, data: st.DataObject
    ) -> None:
        """Any mutation of valid records gives a result or a CchcError, nothing else."""
        records = data.draw(mutated_records(seed))
        loads_or_refuses(lambda: load(records))

    @pytest.mark.parametrize(("seed", "load"), RECORD_LOADERS)
    @pytest.mark.parametrize("records", [None, 3, "abc", [None], [[1, 2]], {"a": 1}, [{}]])
    def test_records_of_the_wrong_type_raise_a_library_error(
        self, seed: str, load: Any, records: object
    ) -> None:
        """Records that are not a sequence of mappings give a CchcError (or an empty result)."""
        loads_or_refuses(lambda: load(records))


# --- JSON and dict loaders ----------------------------------------------------------

DICT_LOADERS: list[Any] = [
    pytest.param(PLAN_DOC, Plan.from_dict, id="Plan.from_dict"),
    pytest.param(INDEX_DOC, CompositeIndex.from_dict, id="CompositeIndex.from_dict"),
    pytest.param(INDEX_DOC["children"][0], Node.from_dict, id="Node.from_dict"),
    pytest.param(STRUCTURE_DOC, points.Structure.from_dict, id="Structure.from_dict"),
    pytest.param(
        STRUCTURE_DOC["components"][0], points.Component.from_dict, id="Component.from_dict"
    ),
    pytest.param(PLAN_DOC["indicators"][0], Indicator.from_dict, id="Indicator.from_dict"),
    pytest.param(PLAN_DOC["indicators"][0]["targets"][0], Target.from_dict, id="Target.from_dict"),
    pytest.param(PLAN_DOC["indicators"][0]["measure"], Measure.from_dict, id="Measure.from_dict"),
]

JSON_LOADERS: list[Any] = [
    pytest.param(PLAN_DOC, Plan.from_json, id="Plan.from_json"),
    pytest.param(INDEX_DOC, CompositeIndex.from_json, id="CompositeIndex.from_json"),
    pytest.param(STRUCTURE_DOC, points.Structure.from_json, id="Structure.from_json"),
]


class TestJsonLoaders:
    """Mutated definitions, as dicts, JSON text or JSON files, are read or refused."""

    @pytest.mark.parametrize(("seed", "load"), DICT_LOADERS)
    def test_the_valid_dict_loads(self, seed: Any, load: Any) -> None:
        """The definition every mutation starts from is valid."""
        assert not isinstance(loads_or_refuses(lambda: load(seed)), CchcError)

    @pytest.mark.parametrize(("seed", "load"), DICT_LOADERS)
    @FUZZ
    @given(data=st.data())
    def test_a_mutated_dict_loads_or_raises_a_library_error(
        self, seed: Any, load: Any, data: st.DataObject
    ) -> None:
        """Values of the wrong type, huge numbers, lost keys or deep nesting give a CchcError."""
        doc = data.draw(mutated_doc(seed, any_values))
        loads_or_refuses(lambda: load(doc))

    @pytest.mark.parametrize(("seed", "load"), JSON_LOADERS)
    @FUZZ
    @given(data=st.data(), as_file=st.booleans(), bom=st.booleans())
    def test_mutated_json_loads_or_raises_a_library_error(
        self,
        seed: Any,
        load: Any,
        folder: Path,
        data: st.DataObject,
        as_file: bool,
        bom: bool,
    ) -> None:
        """Mutated JSON, as text or as a file (with or without a byte-order mark), gives a CchcError."""
        text = _json_text(data.draw(mutated_doc(seed, json_values)))
        if as_file:
            path = folder / "input.json"
            path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
            loads_or_refuses(lambda: load(path))
        else:
            loads_or_refuses(lambda: load(text))

    @pytest.mark.parametrize(("seed", "load"), JSON_LOADERS)
    @FUZZ
    @given(text=st.one_of(st.text(max_size=300), st.sampled_from(NASTY_CELLS)))
    def test_any_text_loads_or_raises_a_library_error(
        self, seed: Any, load: Any, text: str
    ) -> None:
        """Any text (a file name, a number, nothing) is JSON text: it gives a CchcError."""
        loads_or_refuses(lambda: load(text))


# --- Loaders by name ------------------------------------------------------------------

NAME_LOADERS: list[Any] = [
    pytest.param(units.load, id="units.load"),
    pytest.param(units.edition, id="units.edition"),
    pytest.param(catalog.load, id="catalog.load"),
    pytest.param(catalog.path, id="catalog.path"),
    pytest.param(composite.load_index, id="composite.load_index"),
    pytest.param(points.load_structure, id="points.load_structure"),
    pytest.param(datasets.units, id="datasets.units"),
]


class TestNameLoaders:
    """A name that is not a shipped one, or not a name at all, is refused with a CchcError."""

    @pytest.mark.parametrize("load", NAME_LOADERS)
    @FUZZ
    @given(name=st.one_of(st.text(max_size=20), st.sampled_from(NASTY_VALUES)))
    def test_any_name_loads_or_raises_a_library_error(self, load: Any, name: Any) -> None:
        """Any text or value gives the named object or a CchcError."""
        loads_or_refuses(lambda: load(name))
