"""Tests of administrative hierarchies: building, validation, lookups, serialisation, real unit lists."""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import numpy as np
import pytest

from cchc_indicators import (
    DEFAULT_LEVELS,
    TWO_TIER_LEVELS,
    DefinitionError,
    Hierarchy,
    HierarchyError,
    Unit,
    UnknownLevelError,
    UnknownUnitError,
)

# Given out of order on purpose; canonical order is by level, then code:
#   0: 26, 1: 27 (provinces)   2: 243, 3: 244 (districts)   4: 08707, 5: 08710, 6: 08773 (communes)
RECORDS = [
    {"code": "08710", "name": "Phường Liên Bảo", "level": "commune", "parent": "243"},
    {"code": "243", "name": "Thành phố Vĩnh Yên", "level": "district", "parent": "26"},
    {"code": "27", "name": "Tỉnh Bắc Ninh", "level": "province"},
    {"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province", "parent": None},
    {"code": "08773", "name": "Phường Xuân Hoà", "level": "commune", "parent": "244"},
    {"code": "244", "name": "Thành phố Phúc Yên", "level": "district", "parent": "26"},
    {"code": "08707", "name": "Phường Tích Sơn", "level": "commune", "parent": "243"},
]


@pytest.fixture
def h() -> Hierarchy:
    """A small three-level hierarchy of two provinces, two districts, three communes."""
    return Hierarchy.from_records(RECORDS, edition="2024")


@pytest.fixture(scope="module")
def vn2024(shared_data: Path) -> Hierarchy:
    """The whole 2024 list of Vietnam's administrative units."""
    return Hierarchy.from_csv(shared_data / "vn_units_2024.csv", edition="2024")


def codes(units: tuple[Unit, ...]) -> list[str]:
    """The codes of some units."""
    return [u.code for u in units]


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 text file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


class TestBuild:
    """from_records puts units in canonical order and precomputes the structure."""

    def test_canonical_order(self, h: Hierarchy) -> None:
        """Units are ordered by level, then by code."""
        assert h.codes == ("26", "27", "243", "244", "08707", "08710", "08773")
        assert h.level_of.tolist() == [0, 0, 1, 1, 2, 2, 2]
        assert h.parent_of.tolist() == [-1, -1, 0, 0, 2, 2, 3]
        assert h.names[0] == "Tỉnh Vĩnh Phúc"

    def test_repr_counts_units_per_level(self, h: Hierarchy) -> None:
        """The repr shows the edition, the levels and the units per level."""
        assert repr(h) == (
            "Hierarchy(edition='2024', levels=('province', 'district', 'commune'), units=2/2/3)"
        )

    def test_len_contains_iter(self, h: Hierarchy) -> None:
        """A hierarchy has a length, membership by code and iterates over units."""
        assert len(h) == 7
        assert "08707" in h
        assert "8707" not in h
        assert next(iter(h)) == Unit("26", "Tỉnh Vĩnh Phúc", "province", None)

    def test_codes_keep_leading_zeros(self) -> None:
        """'01' and '1' are different units: codes are strings."""
        h = Hierarchy.from_records(
            [
                {"code": "01", "name": "Hà Nội", "level": "province"},
                {"code": "1", "name": "Another", "level": "province"},
            ]
        )
        assert h.codes == ("01", "1")
        assert h.unit("01").name == "Hà Nội"

    def test_whitespace_is_stripped(self) -> None:
        """Spaces around codes, levels and parents are ignored."""
        h = Hierarchy.from_records(
            [
                {"code": " 26 ", "name": " P ", "level": " province", "parent": "  "},
                {"code": "243", "name": "D", "level": "district ", "parent": " 26"},
            ],
            levels=("province", "district"),
        )
        assert h.codes == ("26", "243")
        assert h.unit("243").parent == "26"
        assert h.unit("26").name == "P"

    def test_two_tier_levels(self) -> None:
        """With TWO_TIER_LEVELS, communes hang directly under provinces."""
        h = Hierarchy.from_records(
            [
                {"code": "25", "name": "Phú Thọ", "level": "province"},
                {"code": "08707", "name": "Vĩnh Phúc ward", "level": "commune", "parent": "25"},
            ],
            levels=TWO_TIER_LEVELS,
        )
        assert h.levels == ("province", "commune")
        assert h.parent("08707") == Unit("25", "Phú Thọ", "province", None)

    def test_empty(self) -> None:
        """An empty list of records gives an empty hierarchy with every level."""
        h = Hierarchy.from_records([])
        assert len(h) == 0
        assert h.levels == DEFAULT_LEVELS
        assert (
            repr(h)
            == "Hierarchy(edition=None, levels=('province', 'district', 'commune'), units=0/0/0)"
        )

    @pytest.mark.parametrize("levels", ["province", (), ("province", ""), ("a", "a"), (1, 2)])
    def test_bad_levels(self, levels: object) -> None:
        """Levels must be a non-empty sequence of distinct, non-empty names."""
        with pytest.raises(DefinitionError, match="level"):
            Hierarchy.from_records([], levels=levels)  # type: ignore[arg-type]

    def test_duplicate_levels_message(self) -> None:
        """Repeated level names are rejected, naming them."""
        with pytest.raises(
            DefinitionError, match=r"level names must be distinct; got \('a', 'a'\)"
        ):
            Hierarchy.from_records([], levels=("a", "a"))

    def test_constructor_checks_lengths(self) -> None:
        """The raw constructor rejects arrays of different lengths."""
        with pytest.raises(ValueError, match="must have the same length"):
            Hierarchy(levels=("a",), codes=["x"], names=[], level_of=[0], parent_of=[-1])

    def test_constructor_checks_order(self) -> None:
        """The raw constructor rejects units not ordered by level."""
        with pytest.raises(ValueError, match="units must be ordered by level"):
            Hierarchy(
                levels=("a", "b"),
                codes=["x", "y"],
                names=["x", "y"],
                level_of=[1, 0],
                parent_of=[-1, -1],
            )


class TestValidation:
    """Every problem in a list of units is reported, with row, field and kind."""

    def check_one(
        self, records: list[dict[str, str]], kind: str, row: int, field: str, message: str
    ) -> None:
        """Assert that ``records`` raise exactly one problem as described."""
        with pytest.raises(HierarchyError, match=message) as info:
            Hierarchy.from_records(records)
        err = info.value
        assert err.kinds == (kind,)
        (problem,) = err.problems
        assert (problem.row, problem.field, problem.kind) == (row, field, kind)
        assert problem.message == message
        assert err.source == "<records>"

    def test_empty_code(self) -> None:
        """An empty code is rejected."""
        self.check_one(
            [{"code": " ", "name": "?", "level": "province"}],
            "empty_code",
            0,
            "code",
            "the unit code is empty",
        )

    def test_duplicate_code_names_first_row(self) -> None:
        """A repeated code is rejected, naming the row where it was first seen."""
        self.check_one(
            [
                {"code": "26", "name": "P", "level": "province"},
                {"code": "27", "name": "Q", "level": "province"},
                {"code": "26", "name": "again", "level": "province"},
            ],
            "duplicate_code",
            2,
            "code",
            "duplicate code '26', first seen in row 0",
        )

    def test_unknown_level(self) -> None:
        """A level not in the list of levels is rejected, listing them."""
        self.check_one(
            [{"code": "26", "name": "P", "level": "ward"}],
            "unknown_level",
            0,
            "level",
            "unknown level 'ward'; the levels are 'province', 'district', 'commune'",
        )

    def test_top_unit_with_parent(self) -> None:
        """A unit on the top level cannot have a parent."""
        self.check_one(
            [{"code": "01", "name": "Hà Nội", "level": "province", "parent": "00"}],
            "top_with_parent",
            0,
            "parent",
            "a unit on the top level 'province' cannot have a parent, got '00'",
        )

    def test_lower_unit_without_parent(self) -> None:
        """A unit below the top level needs a parent."""
        self.check_one(
            [{"code": "243", "name": "D", "level": "district", "parent": ""}],
            "missing_parent",
            0,
            "parent",
            "a unit on level 'district' needs a parent on level 'province'",
        )

    def test_unknown_parent(self) -> None:
        """A parent code that is not in the list is rejected."""
        self.check_one(
            [
                {"code": "26", "name": "P", "level": "province"},
                {"code": "243", "name": "D", "level": "district", "parent": "99"},
            ],
            "unknown_parent",
            1,
            "parent",
            "parent '99' is not a unit in this list",
        )

    def test_parent_not_directly_above(self) -> None:
        """A parent two levels up (a commune under a province) is rejected."""
        self.check_one(
            [
                {"code": "26", "name": "P", "level": "province"},
                {"code": "08707", "name": "C", "level": "commune", "parent": "26"},
            ],
            "parent_level",
            1,
            "parent",
            "parent '26' is on level 'province', not on 'district', the level directly above 'commune'",
        )

    def test_parent_on_same_level(self) -> None:
        """A parent on the unit's own level is rejected."""
        self.check_one(
            [
                {"code": "26", "name": "P", "level": "province"},
                {"code": "243", "name": "D", "level": "district", "parent": "26"},
                {"code": "244", "name": "E", "level": "district", "parent": "243"},
            ],
            "parent_level",
            2,
            "parent",
            "parent '243' is on level 'district', not on 'province', the level directly above 'district'",
        )

    def test_all_problems_together(self) -> None:
        """Several problems are reported together, in row order, in one error."""
        records = [
            {"code": "26", "name": "P", "level": "province"},
            {"code": "", "name": "E", "level": "province"},
            {"code": "26", "name": "dup", "level": "province"},
            {"code": "27", "name": "Q", "level": "ward"},
            {"code": "243", "name": "D", "level": "district", "parent": "99"},
        ]
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_records(records, source="units.json", first_row=1)
        err = info.value
        assert [(p.row, p.kind) for p in err.problems] == [
            (2, "empty_code"),
            (3, "duplicate_code"),
            (4, "unknown_level"),
            (5, "unknown_parent"),
        ]
        assert err.problems[1].message == "duplicate code '26', first seen in row 1"
        assert str(err).startswith(
            "units.json: 4 problems\n  row 2, field 'code': the unit code is empty"
        )

    def test_csv_rows_count_header_as_row_one(self, tmp_path: Path) -> None:
        """In a CSV file the header is row 1, so the first unit is row 2."""
        path = write(
            tmp_path / "units.csv",
            "code,name,level,parent\n"
            "26,Vĩnh Phúc,province,\n"  # row 2
            "243,Vĩnh Yên,district,26\n"  # row 3
            "243,Again,district,26\n"  # row 4: duplicate of row 3
            "08707,Tích Sơn,commune,\n"  # row 5: no parent
            "08710,Liên Bảo,commune,26\n"  # row 6: parent two levels up
            "08713,Hội Hợp,xã,243\n",  # row 7: unknown level
        )
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_csv(path)
        err = info.value
        assert err.source == str(path)
        assert [(p.row, p.field, p.kind) for p in err.problems] == [
            (4, "code", "duplicate_code"),
            (5, "parent", "missing_parent"),
            (6, "parent", "parent_level"),
            (7, "level", "unknown_level"),
        ]
        assert err.problems[0].message == "duplicate code '243', first seen in row 3"

    def test_missing_csv_column(self, tmp_path: Path) -> None:
        """A CSV file without the required columns is rejected at row 1."""
        path = write(tmp_path / "units.csv", "code,name,parent\n26,P,\n")
        with pytest.raises(
            HierarchyError,
            match="missing column\\(s\\) level; the header must include code,name,level,parent, got code,name,parent",
        ) as info:
            Hierarchy.from_csv(path)
        (problem,) = info.value.problems
        assert (problem.row, problem.kind) == (1, "missing_column")

    def test_empty_csv(self, tmp_path: Path) -> None:
        """An empty file is missing every column."""
        path = write(tmp_path / "units.csv", "")
        with pytest.raises(
            HierarchyError,
            match=r"missing column\(s\) code, name, level, parent; .*got \(empty file\)",
        ):
            Hierarchy.from_csv(path)


class TestLookups:
    """Units, parents, children, ancestors and descendants by code."""

    def test_unit(self, h: Hierarchy) -> None:
        """unit() returns the unit with its level and parent code."""
        assert h.unit("08707") == Unit("08707", "Phường Tích Sơn", "commune", "243")
        assert h.unit("26").parent is None

    def test_level(self, h: Hierarchy) -> None:
        """level() names the unit's level."""
        assert (h.level("26"), h.level("244"), h.level("08773")) == (
            "province",
            "district",
            "commune",
        )

    def test_parent(self, h: Hierarchy) -> None:
        """parent() is the unit directly above, None on top."""
        assert h.parent("08773").code == "244"
        assert h.parent("27") is None

    def test_children(self, h: Hierarchy) -> None:
        """children() lists the units directly below, in code order."""
        assert codes(h.children("26")) == ["243", "244"]
        assert codes(h.children("243")) == ["08707", "08710"]
        assert h.children("27") == ()
        assert h.children("08707") == ()

    def test_ancestor(self, h: Hierarchy) -> None:
        """ancestor() is the unit containing the code at a level; a unit is its own ancestor."""
        assert h.ancestor("08773", "province").code == "26"
        assert h.ancestor("08773", "district").code == "244"
        assert h.ancestor("243", "district").code == "243"

    def test_ancestor_below_unit(self, h: Hierarchy) -> None:
        """Asking for an ancestor on a lower level raises UnknownLevelError."""
        with pytest.raises(
            UnknownLevelError,
            match="level 'commune' is below unit '243', which is on level 'district'",
        ) as info:
            h.ancestor("243", "commune")
        assert info.value.key == "commune"

    def test_descendants(self, h: Hierarchy) -> None:
        """descendants() lists all units below, level by level, or those of one level."""
        assert codes(h.descendants("26")) == ["243", "244", "08707", "08710", "08773"]
        assert codes(h.descendants("26", "commune")) == ["08707", "08710", "08773"]
        assert codes(h.descendants("244")) == ["08773"]
        assert h.descendants("27") == ()
        assert h.descendants("26", "province") == ()
        assert h.descendant_positions("243").tolist() == [4, 5]

    def test_units(self, h: Hierarchy) -> None:
        """units() lists the units of a level in code order, or all of them."""
        assert codes(h.units("district")) == ["243", "244"]
        assert codes(h.units()) == list(h.codes)

    def test_level_slices(self, h: Hierarchy) -> None:
        """Each level occupies a contiguous slice of codes."""
        assert h.level_slice("district") == slice(2, 4)
        assert h.level_slice(2) == slice(4, 7)
        assert (h.level_size("province"), h.level_size("commune")) == (2, 3)
        assert h.level_number("commune") == 2

    def test_ancestors_arrays(self, h: Hierarchy) -> None:
        """ancestors() maps each unit of a level to the position of its ancestor within another."""
        # communes 08707, 08710 are in 243 (district 0) and 08773 in 244 (district 1); all in 26
        assert h.ancestors("commune", "district").tolist() == [0, 0, 1]
        assert h.ancestors("commune", "province").tolist() == [0, 0, 0]
        assert h.ancestors("district", "province").tolist() == [0, 0]
        assert h.ancestors(2, 2).tolist() == [0, 1, 2]

    def test_ancestors_upwards_only(self, h: Hierarchy) -> None:
        """ancestors() to a lower level raises UnknownLevelError."""
        with pytest.raises(UnknownLevelError, match="level 'commune' is below level 'province'"):
            h.ancestors("province", "commune")

    def test_positions(self, h: Hierarchy) -> None:
        """positions() looks up many codes at once; missing ones get -1."""
        idx, found = h.positions(["08710", "99", "26", "08710"])
        assert idx.tolist() == [5, -1, 0, 5]
        assert found.tolist() == [True, False, True, True]
        empty_idx, empty_found = h.positions([])
        assert (empty_idx.size, empty_found.size) == (0, 0)

    def test_position(self, h: Hierarchy) -> None:
        """position() is the index of a code."""
        assert h.position("244") == 3

    @pytest.mark.parametrize(
        "lookup",
        [
            lambda h: h.unit("99"),
            lambda h: h.parent("99"),
            lambda h: h.children("99"),
            lambda h: h.ancestor("99", "province"),
            lambda h: h.descendants("99"),
            lambda h: h.subtree("99"),
        ],
    )
    def test_unknown_code(self, h: Hierarchy, lookup: object) -> None:
        """Every lookup by an unknown code raises UnknownUnitError with the key."""
        with pytest.raises(
            UnknownUnitError, match=r"unknown unit code '99' in hierarchy \(edition 2024, 7 units\)"
        ) as info:
            lookup(h)  # type: ignore[operator]
        assert info.value.key == "99"

    @pytest.mark.parametrize(
        "lookup",
        [
            lambda h: h.units("ward"),
            lambda h: h.level_slice("ward"),
            lambda h: h.ancestor("243", "ward"),
            lambda h: h.descendants("26", "ward"),
            lambda h: h.ancestors("ward", "province"),
        ],
    )
    def test_unknown_level(self, h: Hierarchy, lookup: object) -> None:
        """Every lookup by an unknown level raises UnknownLevelError with the key."""
        with pytest.raises(UnknownLevelError, match="unknown level 'ward'") as info:
            lookup(h)  # type: ignore[operator]
        assert info.value.key == "ward"


class TestSubtree:
    """subtree() keeps a unit and its descendants, with the unit on top."""

    def test_province(self, h: Hierarchy) -> None:
        """The subtree of a province keeps its districts and communes and all levels."""
        s = h.subtree("26")
        assert s.codes == ("26", "243", "244", "08707", "08710", "08773")
        assert s.levels == DEFAULT_LEVELS
        assert s.edition == "2024"
        assert s.parent("08773").code == "244"

    def test_district(self, h: Hierarchy) -> None:
        """The subtree of a district drops the province level; the district has no parent."""
        s = h.subtree("243")
        assert s.levels == ("district", "commune")
        assert s.codes == ("243", "08707", "08710")
        assert s.parent("243") is None
        assert s.ancestors("commune", "district").tolist() == [0, 0]

    def test_leaf(self, h: Hierarchy) -> None:
        """The subtree of a commune is the commune alone."""
        s = h.subtree("08707")
        assert (s.levels, s.codes) == (("commune",), ("08707",))


class TestSerialisation:
    """Records and CSV round-trip; hierarchies pickle and compare by value."""

    def test_to_records(self, h: Hierarchy) -> None:
        """to_records gives one dict per unit, parent '' on top."""
        records = h.to_records()
        assert records[0] == {
            "code": "26",
            "name": "Tỉnh Vĩnh Phúc",
            "level": "province",
            "parent": "",
        }
        assert records[-1] == {
            "code": "08773",
            "name": "Phường Xuân Hoà",
            "level": "commune",
            "parent": "244",
        }

    def test_records_roundtrip_is_lossless(self, h: Hierarchy) -> None:
        """from_records(to_records()) rebuilds an equal hierarchy."""
        assert Hierarchy.from_records(h.to_records(), edition="2024") == h

    def test_csv_roundtrip_is_lossless(self, h: Hierarchy, tmp_path: Path) -> None:
        """from_csv(to_csv()) rebuilds an equal hierarchy, codes still strings."""
        path = tmp_path / "units.csv"
        h.to_csv(path)
        assert path.read_text(encoding="utf-8").splitlines()[:2] == [
            "code,name,level,parent",
            "26,Tỉnh Vĩnh Phúc,province,",
        ]
        assert Hierarchy.from_csv(path, edition="2024") == h

    def test_csv_with_bom_and_extra_columns(self, tmp_path: Path) -> None:
        """A byte-order mark and extra columns (in any order) are accepted."""
        path = tmp_path / "units.csv"
        path.write_bytes(
            "\ufefftype,parent,code,level,name\ntỉnh,,01,province,Hà Nội\nquận,01,001,district,Ba Đình\n".encode()
        )
        h = Hierarchy.from_csv(path, levels=("province", "district"))
        assert h.codes == ("01", "001")
        assert h.unit("001") == Unit("001", "Ba Đình", "district", "01")

    def test_csv_within(self, h: Hierarchy, tmp_path: Path) -> None:
        """within= keeps one unit and its descendants."""
        path = tmp_path / "units.csv"
        h.to_csv(path)
        assert Hierarchy.from_csv(path, within="244").codes == ("244", "08773")

    def test_csv_within_unknown(self, h: Hierarchy, tmp_path: Path) -> None:
        """within= an unknown code raises UnknownUnitError."""
        path = tmp_path / "units.csv"
        h.to_csv(path)
        with pytest.raises(UnknownUnitError, match="unknown unit code '99'"):
            Hierarchy.from_csv(path, within="99")

    def test_pickle_roundtrip(self, h: Hierarchy) -> None:
        """A hierarchy pickles to an equal one that still answers lookups."""
        again = pickle.loads(pickle.dumps(h))
        assert again == h
        assert again.ancestor("08773", "province").code == "26"
        assert again.ancestors("commune", "district").tolist() == [0, 0, 1]

    def test_equality_includes_edition(self, h: Hierarchy) -> None:
        """The same units in another edition are a different hierarchy."""
        assert Hierarchy.from_records(RECORDS, edition="2024") == h
        assert Hierarchy.from_records(RECORDS, edition="2025") != h

    def test_equality_includes_structure(self, h: Hierarchy) -> None:
        """Moving one commune to another district makes a different hierarchy."""
        moved = [dict(r, parent="244") if r["code"] == "08707" else r for r in RECORDS]
        assert Hierarchy.from_records(moved, edition="2024") != h

    def test_frozen_and_read_only(self, h: Hierarchy) -> None:
        """A hierarchy cannot be changed: fields are frozen and arrays read-only."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            h.edition = "2025"  # type: ignore[misc]
        with pytest.raises(ValueError, match="read-only"):
            h.parent_of[0] = 1
        with pytest.raises(ValueError, match="read-only"):
            h.ancestors("commune", "province")[0] = 1


class TestOfficialLists:
    """The official unit lists load whole and by province."""

    def test_2024_whole(self, vn2024: Hierarchy) -> None:
        """The 2024 list holds 63 provinces, 696 districts and 10,051 communes."""
        assert len(vn2024) == 10_810
        assert [vn2024.level_size(lv) for lv in DEFAULT_LEVELS] == [63, 696, 10_051]
        assert vn2024.edition == "2024"

    def test_2024_codes_are_strings_with_leading_zeros(self, vn2024: Hierarchy) -> None:
        """Codes keep their leading zeros: province '01', district '001', commune '00004'."""
        assert vn2024.codes[0] == "01"
        assert vn2024.unit("01").name == "Thành phố Hà Nội"
        assert vn2024.unit("00004") == Unit("00004", "Phường Trúc Bạch", "commune", "001")
        assert vn2024.ancestor("00004", "province").code == "01"
        assert "4" not in vn2024
        assert "1" not in vn2024

    def test_vinh_phuc_within(self, shared_data: Path) -> None:
        """Filtering province '26' gives Vĩnh Phúc, its 9 districts and their communes."""
        vp = Hierarchy.from_csv(shared_data / "vn_units_2024.csv", within="26", edition="2024")
        assert codes(vp.units("province")) == ["26"]
        assert vp.unit("26").name == "Tỉnh Vĩnh Phúc"
        assert codes(vp.units("district")) == [
            "243",
            "244",
            "246",
            "247",
            "248",
            "249",
            "251",
            "252",
            "253",
        ]
        # 121 communes: every row of the file whose parent is one of the 9 districts
        assert vp.level_size("commune") == 121
        assert len(vp) == 1 + 9 + 121
        assert all(vp.ancestor(u.code, "province").code == "26" for u in vp.units("commune"))
        assert codes(vp.children("243"))[:3] == ["08707", "08710", "08713"]

    def test_vinh_phuc_subtree_equals_within(self, vn2024: Hierarchy, shared_data: Path) -> None:
        """subtree('26') of the whole list equals reading with within='26'."""
        within = Hierarchy.from_csv(shared_data / "vn_units_2024.csv", within="26", edition="2024")
        assert vn2024.subtree("26") == within

    def test_vinh_phuc_descendants(self, vn2024: Hierarchy) -> None:
        """descendants of '26' are its 9 districts and 121 communes."""
        assert len(vn2024.descendants("26", "district")) == 9
        assert len(vn2024.descendants("26", "commune")) == 121
        assert len(vn2024.descendants("26")) == 130

    def test_2025_two_tier(self, shared_data: Path) -> None:
        """The 2025 list loads with levels (province, commune): 34 provinces, 3,321 communes."""
        h = Hierarchy.from_csv(
            shared_data / "vn_units_2025.csv", levels=TWO_TIER_LEVELS, edition="2025"
        )
        assert [h.level_size("province"), h.level_size("commune")] == [34, 3_321]
        assert h.unit("25").name == "Tỉnh Phú Thọ"
        assert "26" not in h
        assert len(h.children("25")) == 148

    def test_2025_needs_two_tier_levels(self, shared_data: Path) -> None:
        """Read with the three-tier levels, every 2025 commune has a parent on the wrong level."""
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_csv(shared_data / "vn_units_2025.csv")
        assert info.value.kinds == ("parent_level",)
        assert len(info.value.problems) == 3_321
        assert "... and 3301 more" in str(info.value)

    def test_ancestor_array_of_whole_country(self, vn2024: Hierarchy) -> None:
        """Every commune maps to a province, and Vĩnh Phúc's 121 communes to '26'."""
        anc = vn2024.ancestors("commune", "province")
        assert anc.shape == (10_051,)
        vp = vn2024.position("26") - vn2024.level_slice("province").start
        assert int(np.sum(anc == vp)) == 121


class TestRecordShape:
    """Unit records must be mappings."""

    def test_records_must_be_mappings(self) -> None:
        """A tuple instead of a dict is a HierarchyError naming the record."""
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_records([("26", "Vĩnh Phúc", "province")])  # type: ignore[list-item]
        (p,) = info.value.problems
        assert (p.row, p.kind) == (0, "not_a_record")
