"""Tests of the dated editions: what vn-2024 is, Vĩnh Phúc's 2021 units and their crosswalks.

Every expected value comes from a public source, named in the test. The sources:

* VTC News, 14/11/2024, Nghị quyết 1287/NQ-UBTVQH15 for Vĩnh Phúc (in force 1 January
  2025): https://vtcnews.vn/vinh-phuc-sap-xep-sap-nhap-don-vi-hanh-chinh-cap-xa-tu-1-1-2025-ar910348.html
* Reatimes, 31/12/2024, same resolution (136 -> 121 communes):
  https://reatimes.vn/tu-1-1-2025-tinh-nam-tai-giao-diem-4-con-song-lon-cua-mien-bac-xoa-so-hoan-toan-15-xa-202241231165629351.htm
* Báo Pháp luật Việt Nam, Hội Thịnh from Vân Hội and Hợp Thịnh:
  https://baophapluat.vn/sap-nhap-xa-o-vinh-phuc-tag282004.html
* Lao Động, Nghị quyết 1365/NQ-UBTVQH15 (Phú Mỹ city, wards Tân Hòa and Tân Hải):
  https://news.laodong.vn/thoi-su/thanh-lap-thanh-pho-phu-my-voi-hon-287000-dan-1454090.ldo
* GSO list of administrative units for 1 November 2021, archived at
  https://github.com/daohoangson/dvhcvn/blob/8c9bf72/data/dvhcvn.json
* The list of 30 June 2025 (63 / 696 / 10,035): release v2.4.1 of
  https://github.com/thanglequoc/vietnamese-provinces-database; the count 10,035 also at
  https://nghean24h.vn/tag/sap-xep-don-vi-hanh-chinh
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from cchc_indicators import DefinitionError, Panel, UnknownUnitError, rebase, units
from cchc_indicators.datasets import units as unit_list
from cchc_indicators.units.crosswalk import Crosswalk

DOCS = Path(__file__).resolve().parents[1] / "docs"


def package_rows(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file shipped in cchc_indicators/datasets."""
    text = resources.files("cchc_indicators.datasets").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def commune_types(h: object, province: str = "26") -> Counter[str]:
    """How many xã, phường and thị trấn a hierarchy has below ``province`` (type from the name)."""
    assert isinstance(h, units.Hierarchy)
    kinds = ("Thị trấn", "Phường", "Xã")
    return Counter(next(k for k in kinds if u.name.startswith(k + " ")) for u in h.units("commune"))


# the 26 communes of vn-2024 not in the list of 30 June 2025, and the 10 of that list
# not in vn-2024 (release v2.4.1 of thanglequoc/vietnamese-provinces-database)
HCMC_OLD = ("26935", "26959", "27067", "27217", "27223", "27361", "27379")
HCMC_NEW = ("26929", "26953", "27076", "27226", "27232", "27367", "27373")
SON_LA = ("03751", "03898", "03913", "03988", "03991", "04003", "04060")
MOC_CHAU_NEW = ("03980", "03983", "03984")
OTHERS = (
    "07693", "07732", "07744", "16387", "16411", "18448", "20176", "20674",
    "25102", "25174", "25177", "25186",
)  # fmt: skip
STILL_LISTED = ("01651", "02482")  # in the list of 30 June 2025, no row in the table

# Nghị quyết 1287/NQ-UBTVQH15: communes merged into a unit that kept another code
MERGED_2025_01 = {
    "08734": "08740",  # Trưng Trắc -> Hai Bà Trưng (VTC News)
    "08779": "08782",  # Bạch Lưu -> Hải Lựu (Reatimes)
    "08827": "08824",  # Như Thụy -> thị trấn Tam Sơn (Reatimes)
    "08902": "08905",  # Vân Hội -> Hội Thịnh (Báo Pháp luật Việt Nam)
    "09094": "09097",  # Việt Xuân -> Sao Đại Việt (VTC News)
    "09109": "09097",  # Cao Đại -> Sao Đại Việt (VTC News)
    "09103": "09100",  # Tân Tiến -> Đại Đồng (VTC News)
    "09115": "09112",  # Vĩnh Sơn -> thị trấn Thổ Tang (Reatimes)
    "09139": "09118",  # Vân Xuân -> Lương Điền (Reatimes)
    "09133": "09151",  # Lý Nhân -> An Nhân (Reatimes)
    "09142": "09076",  # Tam Phúc -> thị trấn Vĩnh Tường (Reatimes)
    "09160": "09157",  # Vĩnh Ninh -> Vĩnh Phú (Reatimes)
}
UNSOURCED_2025_01 = ("08821", "08857", "09058")  # Nhạo Sơn, Đình Chu, Hồng Phương


@pytest.fixture(scope="module")
def vp2021() -> units.Hierarchy:
    return units.load("vinh-phuc-2021")


@pytest.fixture(scope="module")
def to_2025_01() -> Crosswalk:
    return Crosswalk.official("vinh-phuc-2021", "vn-2024")


class TestWhatVn2024Is:
    def test_dated_1_january_to_28_february_2025(self) -> None:
        """vn-2024 is the list of 1 January 2025, replaced on 1 March 2025 (Nghị quyết 1365)."""
        e = units.edition("vn-2024")
        assert (e.valid_from, e.valid_until) == (
            datetime.date(2025, 1, 1),
            datetime.date(2025, 2, 28),
        )
        assert "not the list of 30 June 2025" in e.title
        assert "1365/NQ-UBTVQH15" in e.source
        assert "v2.3.0" in e.source

    def test_holds_vinh_phuc_after_1_january_2025(self) -> None:
        """Vĩnh Phúc has 121 communes: 88 xã, 15 phường, 18 thị trấn (VTC News, Nghị quyết 1287)."""
        vp = units.load("vn-2024", province="26")
        assert vp.level_size("commune") == 121
        assert commune_types(vp) == Counter({"Xã": 88, "Phường": 15, "Thị trấn": 18})
        assert vp.unit("08740").name == "Phường Hai Bà Trưng"
        assert "08734" not in vp

    def test_does_not_hold_resolution_1365(self) -> None:
        """Phú Mỹ is still a thị xã and Tân Hòa, Tân Hải still xã (Lao Động, Nghị quyết 1365)."""
        h = units.load("vn-2024")
        assert h.unit("754").name == "Thị xã Phú Mỹ"
        assert h.unit("26707").name == "Xã Tân Hoà"
        assert h.unit("26710").name == "Xã Tân Hải"

    def test_differs_from_the_list_of_30_june_2025_by_26_and_10_communes(self) -> None:
        """10,051 - 26 + 10 = 10,035, the count of 30 June 2025; the 10 are the table's stray rows."""
        official = Crosswalk.official()
        gone = set(official.unmapped()) - set(STILL_LISTED)
        assert gone == set(HCMC_OLD + SON_LA + OTHERS)
        assert len(gone) == 26
        stray = {p.message.split("'")[1] for p in official.ignored}
        assert stray == set(HCMC_NEW + MOC_CHAU_NEW)
        assert units.load("vn-2024").level_size("commune") - len(gone) + len(stray) == 10035

    def test_recoded_wards_keep_their_names_and_districts(self) -> None:
        """The 7 HCMC wards of vn-2024 have the names of the re-coded wards of 30 June 2025."""
        h = units.load("vn-2024")
        names = [(h.unit(c).name, h.parent(c).code) for c in HCMC_OLD]
        assert names == [
            ("Phường 14", "765"), ("Phường 19", "765"), ("Phường 15", "768"),
            ("Phường 11", "772"), ("Phường 10", "772"), ("Phường 2", "775"), ("Phường 1", "775"),
        ]  # fmt: skip

    def test_docs_explain_each_unmapped_commune(self) -> None:
        """docs/explanation/editions.md names every one of the 28 unmapped communes."""
        text = (DOCS / "explanation" / "editions.md").read_text(encoding="utf-8")
        for code in Crosswalk.official().unmapped():
            assert f"`{code}`" in text, code
        assert "**unknown**" in text

    def test_no_national_edition_between_march_and_june_2025(self) -> None:
        """The list of 30 June 2025 is not embedded, and nothing pretends to be it."""
        with pytest.raises(
            DefinitionError, match=r"on 2025-06-30 \(national\); the editions cover vn-2024"
        ):
            units.in_force("2025-06-30")


class TestVinhPhuc2021:
    def test_counts(self, vp2021: units.Hierarchy) -> None:
        """1 province, 9 district-level units, 136 communes (Reatimes: 136 before 1 January 2025)."""
        assert vp2021.levels == ("province", "district", "commune")
        assert [vp2021.level_size(k) for k in range(3)] == [1, 9, 136]
        assert units.edition("vinh-phuc-2021").counts == (1, 9, 136)

    def test_types_in_2021(self, vp2021: units.Hierarchy) -> None:
        """105 xã, 15 phường, 16 thị trấn in the GSO list for 1 November 2021."""
        assert commune_types(vp2021) == Counter({"Xã": 105, "Phường": 15, "Thị trấn": 16})
        # types changed on 10 April 2023 (Nghị quyết 730/NQ-UBTVQH15 and its session)
        assert vp2021.unit("08725").name == "Xã Định Trung"
        assert vp2021.unit("08878").name == "Xã Kim Long"
        assert vp2021.unit("09043").name == "Xã Tam Hồng"

    def test_dates(self) -> None:
        """In force 1 February 2020 (Nghị quyết 868/NQ-UBTVQH14) to 31 December 2024 (1287 next)."""
        e = units.edition("vinh-phuc-2021")
        assert (e.valid_from, e.valid_until) == (
            datetime.date(2020, 2, 1),
            datetime.date(2024, 12, 31),
        )
        assert e.province == "26"
        assert e.is_valid_on("2021-10-14")
        assert not e.is_valid_on("2025-01-01")
        assert units.resolve("vinh-phuc-2021") is e
        assert e.file == "vinh_phuc_units_2021.csv"

    def test_units_merged_on_1_january_2025_are_there(self, vp2021: units.Hierarchy) -> None:
        """The merged communes named by VTC News are units of 2021, under their districts."""
        assert vp2021.unit("08734").name == "Phường Trưng Trắc"
        assert vp2021.unit("08740").name == "Phường Trưng Nhị"
        assert [vp2021.unit(c).name for c in ("09094", "09097", "09109")] == [
            "Xã Việt Xuân",
            "Xã Bồ Sao",
            "Xã Cao Đại",
        ]
        assert vp2021.parent("09094").name == "Huyện Vĩnh Tường"

    def test_same_districts_as_2024(self, vp2021: units.Hierarchy) -> None:
        """The 9 district-level codes are those of vn-2024 (reference data README)."""
        codes = [u.code for u in vp2021.units("district")]
        assert codes == ["243", "244", "246", "247", "248", "249", "251", "252", "253"]

    def test_every_row_names_its_source(self) -> None:
        """Every row of the shipped file cites the GSO list and its archive."""
        rows = package_rows("vinh_phuc_units_2021.csv")
        assert len(rows) == 146
        assert all("danhmuchanhchinh.gso.gov.vn" in r["source"] for r in rows)
        assert all("daohoangson/dvhcvn/blob/8c9bf72" in r["source"] for r in rows)

    def test_listed_among_unit_lists(self, vp2021: units.Hierarchy) -> None:
        """datasets.units('vinh-phuc-2021') is the edition."""
        assert unit_list("vinh-phuc-2021") is vp2021

    def test_one_province_only(self, vp2021: units.Hierarchy) -> None:
        """Cutting it to province 26 gives it back; another province is refused."""
        assert units.load("vinh-phuc-2021", province="26") == vp2021
        with pytest.raises(
            UnknownUnitError,
            match=r"'25' is not a province of edition vinh-phuc-2021; its provinces are 26$",
        ):
            units.load("vinh-phuc-2021", province="25")


class TestCrosswalk2021To2025January:
    def test_rows_and_sources(self) -> None:
        """143 rows (131 kept codes, 12 merges), each naming its source."""
        rows = package_rows("vinh_phuc_crosswalk_2025_01.csv")
        assert len(rows) == 143
        kept = [r for r in rows if r["old_code"] == r["new_code"]]
        assert len(kept) == 131
        assert all(r["source"].strip() for r in rows)
        merged = {r["old_code"]: r["new_code"] for r in rows if r["old_code"] != r["new_code"]}
        assert merged == MERGED_2025_01
        for r in rows:
            if r["old_code"] in MERGED_2025_01:
                assert "1287/NQ-UBTVQH15" in r["source"] or "baophapluat.vn" in r["source"]

    def test_merges(self, to_2025_01: Crosswalk) -> None:
        """Sao Đại Việt from Việt Xuân, Bồ Sao, Cao Đại; Hai Bà Trưng from Trưng Trắc, Trưng Nhị (VTC)."""
        assert to_2025_01.predecessors("09097") == (("09094", 1.0), ("09097", 1.0), ("09109", 1.0))
        assert to_2025_01.predecessors("08740") == (("08734", 1.0), ("08740", 1.0))
        assert to_2025_01.successors("09142") == (("09076", 1.0),)
        assert len(to_2025_01.merges("commune")) == 11
        assert to_2025_01.splits() == ()

    def test_three_communes_are_unmapped_not_guessed(self, to_2025_01: Crosswalk) -> None:
        """Nhạo Sơn, Đình Chu, Hồng Phương: no source names their successor."""
        assert to_2025_01.unmapped() == UNSOURCED_2025_01
        assert "08821, 08857, 09058" in to_2025_01.notes[0]

    def test_reaches_all_121_communes(self, to_2025_01: Crosswalk) -> None:
        """Every commune of vn-2024's Vĩnh Phúc has a predecessor; 133 of 136 are linked."""
        assert to_2025_01.new.level_size("commune") == 121
        assert to_2025_01.without_predecessor() == ()
        assert to_2025_01.levels == {
            "province": "province",
            "district": "district",
            "commune": "commune",
        }
        linked = {to_2025_01.old.codes[i] for i in to_2025_01.old_index.tolist()}
        assert len([c for c in linked if len(c) == 5]) == 133

    def test_rebase_moves_2021_counts(self, vp2021: units.Hierarchy, to_2025_01: Crosswalk) -> None:
        """Counts of the two merged wards of Phúc Yên add up; the unmapped share is reported."""
        rows = [
            {"indicator": "staff", "unit": "08734", "period": "2021", "value": 10.0},
            {"indicator": "staff", "unit": "08740", "period": "2021", "value": 7.0},
            {"indicator": "staff", "unit": "08821", "period": "2021", "value": 5.0},
        ]
        panel = Panel.from_records(rows, vp2021)
        moved, report = rebase.rebase_panel(panel, to_2025_01, methods={"staff": "sum"})
        staff = moved.data_of("staff")
        assert staff.value[moved.hierarchy.position("08740")][0] == 17.0
        assert "5 unmapped" in report.indicator("staff").describe()


class TestChainedTo2025July:
    def test_official_chain(self, to_2025_01: Crosswalk) -> None:
        """vinh-phuc-2021 -> vn-2025 is the two official crosswalks chained: 133 communes -> 36."""
        chained = Crosswalk.official("vinh-phuc-2021", "vn-2025")
        assert chained == to_2025_01.then(Crosswalk.official("vn-2024", "vn-2025"))
        reached = {chained.new.codes[j] for j in chained.new_index.tolist()}
        assert len(reached) == 37  # Phú Thọ (25) and the 36 communes of former Vĩnh Phúc
        assert np.all(chained.weight == 1.0)
        assert chained.unmapped("commune") == UNSOURCED_2025_01
        assert chained.successors("26") == (("25", 1.0),)
        # the ward Phúc Yên (08740): Trưng Trắc besides the five units of vn-2024
        assert [c for c, _ in chained.predecessors("08740")] == [
            "08734", "08737", "08740", "08743", "08755", "08758",
        ]  # fmt: skip

    def test_districts_become_unmapped_with_a_note(self) -> None:
        """The official 2025 table has no district links, so the chain drops them and says so."""
        chained = Crosswalk.official("vinh-phuc-2021", "vn-2025")
        assert "district" not in chained.levels
        assert any("9 old unit(s)" in n and "243" in n for n in chained.notes)

    def test_partly_through_a_split(self) -> None:
        """A unit chained through a split unit is marked partly, with shares multiplied."""
        old = units.load("vn-2024", province="01")
        first = Crosswalk.from_records(
            [{"old_code": "00016", "new_code": "00016"}], old=old, new=old
        )
        both = first.then(Crosswalk.official())
        assert both.successors("00016") == (("00004", 0.5), ("00008", 0.5))
        assert both.partly.tolist() == [True, True]

    def test_a_unit_through_an_unmapped_unit_keeps_nothing(self, to_2025_01: Crosswalk) -> None:
        """If the second crosswalk leaves a unit unmapped, its predecessors lose every link."""
        vp24 = units.load("vn-2024", province="26")
        second = Crosswalk.from_records(
            [{"old_code": "26", "new_code": "25"}, {"old_code": "08707", "new_code": "08707"}],
            old=vp24,
            new="vn-2025",
        )
        both = to_2025_01.then(second)
        assert both.successors("08707") == (("08707", 1.0),)
        assert both.successors("08740") == ()
        assert "08740" in both.unmapped("commune")
        assert any("left unmapped" in n for n in both.notes)

    def test_then_refuses_another_edition(self, to_2025_01: Crosswalk) -> None:
        """The second crosswalk must start from the edition the first goes to."""
        with pytest.raises(
            DefinitionError,
            match="cannot chain crosswalks: the first goes to vn-2024, the second starts from vinh-phuc-2021",
        ):
            to_2025_01.then(to_2025_01)

    def test_then_refuses_missing_intermediate_units(self, to_2025_01: Crosswalk) -> None:
        """Units the first crosswalk reaches must be old units of the second."""
        other = Crosswalk.identity(units.load("vn-2024", province="25"))
        with pytest.raises(
            DefinitionError,
            match=r"131 unit\(s\) of vn-2024 that the first crosswalk goes to are not units of "
            r"the second one's old edition: 26, 243, 244, 246, 247 and 126 more",
        ):
            to_2025_01.then(other)

    def test_then_refuses_a_non_crosswalk(self, to_2025_01: Crosswalk) -> None:
        """Anything but a Crosswalk is refused with a typed error."""
        with pytest.raises(DefinitionError, match="'other' is a Crosswalk, got dict"):
            to_2025_01.then({})  # type: ignore[arg-type]

    def test_no_other_official_pairs(self) -> None:
        """The message lists the pairs the package holds."""
        with pytest.raises(
            DefinitionError,
            match="no official crosswalk from vn-2024 to vinh-phuc-2021; the package holds "
            "vinh-phuc-2021 -> vn-2024, vinh-phuc-2021 -> vn-2025, vn-2024 -> vn-2025",
        ):
            Crosswalk.official("vn-2024", "vinh-phuc-2021")
