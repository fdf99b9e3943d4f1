"""Tests of the embedded editions of the national unit list (cchc_indicators.units.editions)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import pickle
from importlib import resources
from pathlib import Path

import pytest

from cchc_indicators import DefinitionError, Hierarchy, UnknownUnitError, units
from cchc_indicators.datasets import vinh_phuc_units
from cchc_indicators.units.hierarchy import DEFAULT_LEVELS, TWO_TIER_LEVELS

FILES = {
    "vn-2024": "vn_units_2024.csv",
    "vn-2025": "vn_units_2025.csv",
}


def embedded_bytes(name: str) -> bytes:
    """The uncompressed content of an embedded gzip file."""
    data = resources.files("cchc_indicators.datasets").joinpath(name + ".gz").read_bytes()
    return gzip.decompress(data)


class TestEmbeddedFiles:
    @pytest.mark.parametrize(
        "name",
        [
            "vn_units_2024.csv",
            "vn_units_2025.csv",
            "vn_commune_crosswalk_2025.csv",
            "vn_province_crosswalk_2025.csv",
        ],
    )
    def test_embedded_file_is_the_reference_file_unchanged(
        self, shared_data: Path, name: str
    ) -> None:
        """Each embedded file decompresses to the reference file, byte for byte."""
        reference = (shared_data / name).read_bytes()
        assert hashlib.sha256(embedded_bytes(name)).digest() == hashlib.sha256(reference).digest()

    def test_embedded_files_are_compressed(self) -> None:
        """The embedded unit lists take well under half their size on disk."""
        folder = resources.files("cchc_indicators.datasets")
        for name in ("vn_units_2024.csv", "vn_units_2025.csv"):
            packed = len(folder.joinpath(name + ".gz").read_bytes())
            assert packed < len(embedded_bytes(name)) / 3


class TestLoad:
    @pytest.mark.parametrize("name", ["vn-2024", "vn-2025"])
    def test_load_equals_reading_the_reference_file(self, shared_data: Path, name: str) -> None:
        """An embedded edition is the hierarchy read from the reference CSV, edition set."""
        e = units.edition(name)
        expected = Hierarchy.from_csv(shared_data / FILES[name], levels=e.levels, edition=name)
        assert units.load(name) == expected

    def test_national_counts(self) -> None:
        """2024: 63 / 696 / 10,051 in three tiers; 2025: 34 / 3,321 in two."""
        old, new = units.load("vn-2024"), units.load("vn-2025")
        assert old.levels == DEFAULT_LEVELS
        assert new.levels == TWO_TIER_LEVELS
        assert [old.level_size(k) for k in old.levels] == [63, 696, 10051]
        assert [new.level_size(k) for k in new.levels] == [34, 3321]
        for name, h in (("vn-2024", old), ("vn-2025", new)):
            assert [h.level_size(k) for k in h.levels] == list(units.edition(name).counts)

    def test_loaded_once_and_shared(self) -> None:
        """The file is read once; later loads return the same hierarchy, under any alias."""
        assert units.load("vn-2024") is units.load("vn-2024")
        assert units.load("2024") is units.load("vn-2024")

    def test_codes_keep_leading_zeros(self) -> None:
        """Codes are text: Hà Nội is '01', a commune '00004'."""
        h = units.load("vn-2025")
        assert h.unit("01").name == "Thành phố Hà Nội"
        assert "00004" in h
        assert "4" not in h

    def test_one_province(self) -> None:
        """Filtering on Vĩnh Phúc gives the embedded Vĩnh Phúc units (other edition label)."""
        got = units.load("vn-2024", province="26")
        assert got.edition == "vn-2024"
        assert got.codes == vinh_phuc_units().codes
        assert got.names == vinh_phuc_units().names

    def test_phu_tho_after_the_merger(self) -> None:
        """Phú Thọ (25) holds 148 communes from 1 July 2025."""
        h = units.load("vn-2025", province="25")
        assert h.level_size("commune") == 148
        assert h.parent("08707") is not None

    def test_several_provinces(self) -> None:
        """Several provinces keep all their units, in canonical order, with valid parents."""
        h = units.load("vn-2024", province=["26", "17", "25"])
        national = units.load("vn-2024")
        assert [u.code for u in h.units("province")] == ["17", "25", "26"]
        for code in ("17", "25", "26"):
            assert len(h.descendant_positions(code)) == len(national.descendant_positions(code))
        assert all(h.ancestor(u.code, "province").code in {"17", "25", "26"} for u in h)
        assert Hierarchy.from_records(h.to_records(), edition="vn-2024") == h

    def test_duplicate_provinces_are_one(self) -> None:
        """Naming a province twice keeps it once."""
        assert units.load("vn-2025", province=["25", "25"]) == units.load("vn-2025", province="25")

    def test_unknown_province(self) -> None:
        """A code that is not a province of the edition is an UnknownUnitError naming it."""
        with pytest.raises(UnknownUnitError, match="'26' is not a province of edition vn-2025"):
            units.load("vn-2025", province="26")
        with pytest.raises(UnknownUnitError, match="'243' is not a province"):
            units.load("vn-2024", province=["26", "243"])

    def test_unknown_edition(self) -> None:
        """An unknown edition name is a DefinitionError listing the editions."""
        with pytest.raises(DefinitionError, match="unknown edition 'vn-2030'; the embedded"):
            units.load("vn-2030")

    def test_hierarchy_pickles(self) -> None:
        """A loaded edition survives pickling."""
        h = units.load("vn-2025", province="25")
        assert pickle.loads(pickle.dumps(h)) == h


class TestEditions:
    def test_names_and_aliases(self) -> None:
        """Editions are found by name or alias; resolve() says None for anything else."""
        assert units.names() == ("vinh-phuc-2021", "vn-2024", "vn-2025")
        assert units.edition("2024") is units.EDITIONS["vn-2024"]
        assert units.resolve("2025") is units.EDITIONS["vn-2025"]
        assert units.resolve("2026") is None
        assert units.resolve(None) is None
        assert units.resolve(Hierarchy.from_records([])) is None

    def test_a_hierarchy_knows_its_edition(self) -> None:
        """A hierarchy's edition label leads to its edition's validity dates."""
        e = units.resolve(units.load("vn-2025"))
        assert e is not None
        assert e.valid_from == datetime.date(2025, 7, 1)
        assert e.valid_until is None

    def test_validity_dates(self) -> None:
        """vn-2024 is the list of 1 January 2025, replaced on 1 March 2025; vn-2025 starts on 1 July 2025.

        Sources: Nghị quyết 1287/NQ-UBTVQH15 (Vĩnh Phúc's merges, in force 1 January 2025,
        contained in vn-2024) and Nghị quyết 1365/NQ-UBTVQH15 (in force 1 March 2025, not
        contained); see docs/explanation/editions.md.
        """
        old, new = units.edition("vn-2024"), units.edition("vn-2025")
        assert old.valid_from == datetime.date(2025, 1, 1)
        assert old.valid_until == datetime.date(2025, 2, 28)
        assert new.valid_from == datetime.date(2025, 7, 1)
        assert not old.is_valid_on("2024-12-31")
        assert old.is_valid_on("2025-02-28")
        assert not old.is_valid_on("2025-03-01")
        assert not old.is_valid_on("2025-06-30")
        assert new.is_valid_on(datetime.date(2030, 1, 1))

    def test_in_force(self) -> None:
        """The national edition of a day, if one is embedded; a province's own list before 2025."""
        assert units.in_force("2025-01-01").name == "vn-2024"
        assert units.in_force("2025-02-28").name == "vn-2024"
        assert units.in_force("2025-07-01").name == "vn-2025"
        assert units.in_force("2021-10-14", province="26").name == "vinh-phuc-2021"
        assert units.in_force("2025-01-01", province="26").name == "vn-2024"
        assert units.in_force("2025-07-01", province="26").name == "vn-2025"

    @pytest.mark.parametrize("day", ["2021-10-14", "2024-12-31", "2025-03-01", "2025-06-30"])
    def test_no_national_edition_is_in_force(self, day: str) -> None:
        """Before 2025 and from March to June 2025 no embedded national list is in force."""
        with pytest.raises(DefinitionError, match=f"no embedded edition is in force on {day} "):
            units.in_force(day)

    def test_in_force_of_another_province_before_2025(self) -> None:
        """Vĩnh Phúc's own list does not answer for another province."""
        with pytest.raises(
            DefinitionError, match=r"national or province 25\); the editions cover vn-2024"
        ):
            units.in_force("2021-10-14", province="25")

    def test_in_force_bad_arguments(self) -> None:
        """A date that is not a date, or a province that is not a code, is refused."""
        with pytest.raises(DefinitionError, match="validity dates are dates or"):
            units.in_force("14/10/2021")
        with pytest.raises(
            DefinitionError, match="'date' is a date or 'YYYY-MM-DD' text, got None"
        ):
            units.in_force(None)  # type: ignore[arg-type]
        with pytest.raises(
            DefinitionError, match="'province' is a province code such as '26', got 26"
        ):
            units.in_force("2021-10-14", province=26)  # type: ignore[arg-type]

    def test_describe(self) -> None:
        """An edition describes itself in one line, with its days; vn-2024 says what it is not."""
        text = units.edition("vn-2024").describe()
        assert text.startswith("vn-2024: ")
        assert "district 696" in text
        assert "not the list of 30 June 2025" in text
        assert "valid 2025-01-01 to 2025-02-28" in text
        assert (
            "(start not stated)"
            in units.Edition("x", "X", ("province",), (1,), None, None).describe()
        )

    def test_bad_dates(self) -> None:
        """Dates must be dates or ISO text, in order; counts match the levels."""
        with pytest.raises(DefinitionError, match="validity dates are dates"):
            units.Edition("x", "X", ("province",), (1,), valid_from="1 July 2025", valid_until=None)
        with pytest.raises(DefinitionError, match="validity dates are dates"):
            units.Edition("x", "X", ("province",), (1,), valid_from=2025, valid_until=None)
        with pytest.raises(DefinitionError, match="is before valid_from"):
            units.Edition("x", "X", ("province",), (1,), "2025-07-01", "2025-06-30")
        with pytest.raises(DefinitionError, match="one count per level"):
            units.Edition("x", "X", ("province", "commune"), (1,), None, None)

    def test_edition_is_frozen_and_pickles(self) -> None:
        """An edition is an immutable value that pickles."""
        e = units.edition("vn-2024")
        assert pickle.loads(pickle.dumps(e)) == e
        with pytest.raises(AttributeError):
            e.name = "x"  # type: ignore[misc]

    def test_package_does_not_read_the_shared_folder(self) -> None:
        """The module reads package data only (no path to the project's reference folder)."""
        import inspect

        import cchc_indicators.units.crosswalk
        import cchc_indicators.units.editions

        for module in (cchc_indicators.units.editions, cchc_indicators.units.crosswalk):
            source = inspect.getsource(module)
            assert "shared/data" not in source
            assert "CCHC_SHARED_DATA" not in source
