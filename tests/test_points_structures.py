"""Tests of the shipped points structures as facts, their Vietnamese names, years in force, and structure_for.

Expected values come from the sources the shipped files name:

* MOHA course page on Decision 2948/QĐ-BNV, "Nội dung Chỉ số cải cách hành chính cấp tỉnh
  và phương pháp xác định": https://bonoivu.cls.vn/BoNoiVuTemplate/ChiTietKhoaHoc/22610
  (eight domains, their titles, criteria and sub-criteria counts and maximum points);
* VCCI's PCI site: https://www.pcivietnam.org/tien-giang (sub-index names up to 2016) and
  https://www.pcivietnam.vn/en/provinces/dong-nai (sub-index 8 renamed in 2021);
* Sở Nội vụ Nam Định on Decision 1150/QĐ-BNV (8 domains, 43 criteria, 95 sub-criteria);
* Vietnambiz, 19 April 2023, on the PAR INDEX 2022 (8 domains, 37 criteria, 88 sub-criteria,
  100 points of which 32 from the sociological survey);
* Người Nghệ on Decision 876/QĐ-BNV of 10 November 2022, for 2022-2030;
* MOHA conference of 14 January 2021 (cchc.mard.gov.vn): the 2020 index is determined under
  the decisions of 30 December 2020.
"""

from __future__ import annotations

import json
import pickle
import re
from importlib import resources
from typing import Any, ClassVar

import attrs
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from cchc_indicators import points
from cchc_indicators.composite._points_catalogue import (
    StructureInfo,
    _not_shipped,
    _NotShipped,
    _pick,
)
from cchc_indicators.composite.points import (
    Component,
    Structure,
    load_structure,
    structure_for,
    yes_no,
)
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    UnknownIndicatorError,
    UnknownPeriodError,
)

COURSE_2948 = "https://bonoivu.cls.vn/BoNoiVuTemplate/ChiTietKhoaHoc/22610"


def leaf(**kw: Any) -> dict[str, Any]:
    return {"code": "c", "maximum": 1, "rule": {"kind": "yes_no"}} | kw


def doc(*components: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"code": "s", "components": list(components) or [leaf()]} | kw


def validator() -> Draft202012Validator:
    return Draft202012Validator(points.schema())


class TestVietnameseNames:
    def test_component_name_vi_round_trips(self) -> None:
        """A component's Vietnamese name is written, read back and validated by the schema."""
        c = Component("c", maximum=1, rule=yes_no(), name="Transparency", name_vi="Tính minh bạch")
        data = c.to_dict()
        assert data["name_vi"] == "Tính minh bạch"
        assert Component.from_dict(data) == c
        validator().validate(doc(data))

    def test_structure_name_vi_round_trips(self) -> None:
        """A structure's Vietnamese name and catalogue fields survive JSON both ways."""
        s = Structure(
            "s",
            components=[Component("c", maximum=1, rule=yes_no())],
            name_vi="Chỉ số",
            index="par-index",
            decision="1/QĐ-X",
            in_force=(2020, 2021),
            source_url="https://example.org/s",
        )
        assert Structure.from_json(s.to_json()) == s
        validator().validate(s.to_dict())

    def test_documents_without_the_new_fields_read_as_before(self) -> None:
        """A document of the first release reads, and to_dict adds none of the new keys."""
        s = Structure.from_dict(doc())
        assert (s.name_vi, s.index, s.decision, s.in_force, s.source_url) == ("", "", "", None, "")
        assert s.components[0].name_vi == ""
        written = s.to_dict()
        assert not {"name_vi", "index", "decision", "in_force", "source_url"} & set(written)
        assert "name_vi" not in written["components"][0]

    def test_name_vi_must_be_text(self) -> None:
        """A Vietnamese name that is not text is refused, naming the component."""
        with pytest.raises(DefinitionError, match=r"component 'c': 'name_vi' is text, got 3"):
            Structure.from_dict(doc(leaf(name_vi=3)))
        with pytest.raises(DefinitionError, match=r"'name_vi' is text, got None"):
            Structure.from_dict(doc(name_vi=None))


class TestInForce:
    @pytest.mark.parametrize(
        "value",
        [(2022, 2030), [2022, 2030], {"from": 2022, "to": 2030}, {"from": 2022.0, "to": 2030}],
    )
    def test_forms(self, value: object) -> None:
        """A pair, a list or a {from, to} mapping all give the years (2022.0 is the year 2022)."""
        s = Structure.from_dict(doc(in_force=value))
        assert s.in_force == (2022, 2030)
        assert s.to_dict()["in_force"] == {"from": 2022, "to": 2030}

    def test_one_year(self) -> None:
        """A structure may be in force for a single year."""
        assert Structure.from_dict(doc(in_force=[2016, 2016])).in_force == (2016, 2016)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ((2030, 2022), "'in_force': the first year 2030 is after the last 2022"),
            (("2022", 2030), "the first year in force is a whole year such as 2022, got '2022'"),
            ((2022, True), "the last year in force is a whole year such as 2022, got True"),
            ((2022.5, 2030), "the first year in force is a whole year such as 2022, got 2022.5"),
            ((0, 2030), "the first year in force is a whole year such as 2022, got 0"),
            ({"from": 2022}, "'in_force' needs both 'from' and 'to', got {'from': 2022}"),
            ({"from": 2022, "to": 2023, "until": 1}, "'in_force': unknown field 'until'"),
            (
                [2022],
                "'in_force' is a (first, last) pair of years or {'from': ..., 'to': ...}, got [2022]",
            ),
            ("2022-2030", "'in_force' is a (first, last) pair of years"),
        ],
    )
    def test_errors(self, value: object, message: str) -> None:
        """Years in force that are not two whole years, first not after last, are refused."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            Structure.from_dict(doc(in_force=value))

    def test_first_after_last_is_beyond_the_schema(self) -> None:
        """The schema cannot compare the two years; the loader does (the schema's $comment says so)."""
        validator().validate(doc(in_force={"from": 2030, "to": 2022}))
        assert "not after the last" in points.schema()["$comment"]
        with pytest.raises(DefinitionError):
            Structure.from_dict(doc(in_force={"from": 2030, "to": 2022}))

    @pytest.mark.parametrize(
        "value", [{"from": 2022}, ["2022", 2030], [2022], {"from": 0, "to": 1}]
    )
    def test_schema_refuses_what_the_loader_refuses(self, value: object) -> None:
        """Malformed years in force are refused by the schema as by the loader."""
        assert not validator().is_valid(doc(in_force=value))
        with pytest.raises(DefinitionError):
            Structure.from_dict(doc(in_force=value))


class TestParIndex2017:
    """par-index-2017 against the MOHA course page on Decision 2948/QĐ-BNV (COURSE_2948)."""

    #: Domain titles, maximum points, criteria and sub-criteria as the course page gives them
    #: (domain 5 with "cán bộ, công chức, viên chức"; the page writes "công chức, viên chức").
    DOMAINS = (
        ("Công tác chỉ đạo, điều hành cải cách hành chính", 10.0, 6, 6),
        ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh", 10.0, 4, 6),
        ("Cải cách thủ tục hành chính", 14.5, 5, 16),
        ("Cải cách tổ chức bộ máy hành chính", 11.0, 4, 10),
        ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", 16.0, 9, 16),
        ("Cải cách tài chính công", 7.0, 3, 6),
        ("Hiện đại hóa hành chính", 16.0, 5, 18),
        (
            "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh",
            15.5,
            3,
            3,
        ),
    )

    def test_eight_domains_with_their_maxima_total_100(self) -> None:
        """Eight domains worth 10, 10, 14.5, 11, 16, 7, 16 and 15.5 points, 100 in all (course page)."""
        s = load_structure("par-index-2017")
        assert [c.maximum for c in s.components] == [d[1] for d in self.DOMAINS]
        assert s.maximum == 100
        assert len(s.components) == 8

    def test_vietnamese_titles(self) -> None:
        """Each domain carries its Vietnamese title (course page; domain 5 with 'cán bộ')."""
        s = load_structure("par-index-2017")
        assert [c.name_vi for c in s.components] == [d[0] for d in self.DOMAINS]

    def test_domains_5_and_7(self) -> None:
        """Domain 5 is the quality of cadres, civil servants and public employees; domain 7 modernisation."""
        s = load_structure("par-index-2017")
        five, seven = s.components[4], s.components[6]
        assert (
            five.name_vi == "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức"
        )
        assert (
            five.name
            == "Building and improving the quality of cadres, civil servants and public employees"
        )
        assert seven.name_vi == "Hiện đại hóa hành chính"
        assert seven.name == "Administrative modernisation"
        assert "đội ngũ công chức, viên chức" in s.notes  # the source's own wording is reported

    def test_criteria_counts_in_the_notes(self) -> None:
        """Each domain's notes give the course page's counts; sub-criteria add up to its 81."""
        s = load_structure("par-index-2017")
        counts = [
            tuple(map(int, re.findall(r"(\d+) criteria and (\d+) sub-criteria", c.notes)[0]))
            for c in s.components
        ]
        assert counts == [(d[2], d[3]) for d in self.DOMAINS]
        assert sum(n for _, n in counts) == 81
        assert sum(n for n, _ in counts) == 39  # the page states 38: the notes say so
        assert "add up to 39, not the 38 it states" in s.notes

    def test_catalogue_fields(self) -> None:
        """The structure names its index, decision, years in force (2017-2019) and source address."""
        s = load_structure("par-index-2017")
        assert (s.index, s.decision, s.in_force) == ("par-index", "2948/QĐ-BNV", (2017, 2019))
        assert s.source_url == COURSE_2948
        assert "38 criteria and 81 sub-criteria" in s.source
        assert all(COURSE_2948 in c.source for c in s.components)
        assert "cchc.mard.gov.vn" in s.notes  # the source of the last year in force

    def test_codes_kept_for_existing_data(self) -> None:
        """Domain codes are those of the first release, so existing data still read."""
        codes = [c.code for c in load_structure("par-index-2017").components]
        assert codes[4] == "civil_service_regime"
        assert codes[6] == "e_government"


class TestPci2016:
    """pci-2016 Vietnamese names against VCCI's PCI site (pages named in the module docstring)."""

    NAMES_VI: ClassVar[dict[str, str]] = {
        "entry_costs": "Gia nhập thị trường",
        "land_access": "Tiếp cận đất đai",
        "transparency": "Tính minh bạch",
        "time_costs": "Chi phí thời gian",
        "informal_charges": "Chi phí không chính thức",
        "policy_bias": "Cạnh tranh bình đẳng",
        "proactivity": "Tính năng động",
        "business_support": "Dịch vụ hỗ trợ doanh nghiệp",
        "labour_training": "Đào tạo lao động",
        "legal_institutions": "Thiết chế pháp lý",
    }

    def test_vietnamese_names(self) -> None:
        """Each of the ten sub-indices carries the name VCCI's site gives it for 2016."""
        s = load_structure("pci-2016")
        assert {c.code: c.name_vi for c in s.components} == self.NAMES_VI
        assert all("pcivietnam" in c.source for c in s.components)

    def test_business_support_renamed_later(self) -> None:
        """Sub-index 8 had its 2016 name; the source notes its 2021 renaming."""
        s = load_structure("pci-2016")
        assert "Chính sách hỗ trợ doanh nghiệp" in s.source
        assert (
            "https://www.pcivietnam.vn/en/provinces/dong-nai" in s.node("business_support").source
        )

    def test_catalogue_fields(self) -> None:
        """PCI 2016: index 'pci', in force for the report's year, no decision."""
        s = load_structure("pci-2016")
        assert (s.index, s.decision, s.in_force) == ("pci", "", (2016, 2016))
        assert s.name_vi.startswith("Chỉ số Năng lực cạnh tranh cấp tỉnh")


class TestStructures:
    def test_lists_every_shipped_structure(self) -> None:
        """structures() lists what structure_names() names, with each file's catalogue fields."""
        infos = points.structures()
        assert tuple(i.code for i in infos) == points.structure_names()
        for info in infos:
            s = load_structure(info.code)
            assert info == StructureInfo.of(s)
            assert (info.index, info.in_force, info.source) == (s.index, s.in_force, s.source)

    def test_every_shipped_structure_is_in_the_catalogue(self) -> None:
        """Every shipped structure names its index, years in force and source."""
        for info in points.structures():
            assert info.index
            assert info.in_force
            assert info.source
            assert info.name_vi

    def test_str_and_pickle(self) -> None:
        """A record reads as code, decision and years, and pickles."""
        info = {i.code: i for i in points.structures()}["par-index-2017"]
        assert str(info) == "'par-index-2017' (Decision 2948/QĐ-BNV, in force 2017-2019)"
        assert pickle.loads(pickle.dumps(info)) == info
        bare = attrs.evolve(info, decision="", in_force=None)
        assert str(bare) == "'par-index-2017' (years in force not stated)"

    def test_underscore_files_are_not_structures(self) -> None:
        """The folder's record of methods not shipped is not listed as a structure."""
        assert "_not-shipped" not in points.structure_names()
        with pytest.raises(DefinitionError, match="unknown structure '_not-shipped'"):
            load_structure("_not-shipped")


class TestStructureFor:
    @pytest.mark.parametrize("year", [2017, 2018, 2019])
    def test_par_index_2017_to_2019(self, year: int) -> None:
        """The PAR INDEX of 2017-2019 is scored by Decision 2948/QĐ-BNV's structure."""
        assert structure_for("par-index", year) == load_structure("par-index-2017")

    def test_pci_2016(self) -> None:
        """The PCI of 2016 is scored by the 2016 weights."""
        assert structure_for("pci", 2016).code == "pci-2016"

    @pytest.mark.parametrize("year", [2020, 2021])
    def test_2020_and_2021_name_decision_1150(self, year: int) -> None:
        """For 2020-2021 the refusal names Decision 1150/QĐ-BNV and what it lacks (Nam Định page)."""
        with pytest.raises(UnknownPeriodError) as info:
            structure_for("par-index", year)
        message = str(info.value)
        assert message.startswith(
            f"no shipped structure of index 'par-index' is in force in {year}; "
        )
        assert (
            "Decision 1150/QĐ-BNV (2020-2021; 8 domains, 43 criteria and 95 sub-criteria; the "
            "province scores itself on them and the Ministry of Home Affairs appraises the "
            "self-assessed points)"
        ) in message
        assert "is not shipped: the maximum points of each domain" in message
        assert message.endswith(
            "the shipped ones are 'par-index-2017' (Decision 2948/QĐ-BNV, in force 2017-2019)"
        )
        assert info.value.key == str(year)

    @pytest.mark.parametrize("year", [2022, 2025, 2030])
    def test_2022_to_2030_name_decision_876(self, year: int) -> None:
        """For 2022-2030 the refusal names Decision 876/QĐ-BNV, 37 criteria, 88 sub-criteria, 32 survey points."""
        with pytest.raises(UnknownPeriodError) as info:
            structure_for("par-index", year)
        assert (
            "Decision 876/QĐ-BNV (2022-2030; issued 10 November 2022; 8 domains, 37 criteria and "
            "88 sub-criteria; 100 points, of which 32 are assessed through the sociological survey and the "
            "other 68 by the province's self-assessment)"
        ) in str(info.value)

    @pytest.mark.parametrize(
        ("index", "year"), [("par-index", 2016), ("par-index", 2031), ("pci", 2022)]
    )
    def test_no_method_known(self, index: str, year: int) -> None:
        """A year no method is known for is refused with the shipped structures of the index."""
        with pytest.raises(
            UnknownPeriodError,
            match=f"no shipped structure of index '{index}' is in force in {year}; the shipped ones are",
        ):
            structure_for(index, year)

    def test_unknown_index(self) -> None:
        """An index without structures is refused, listing the indices there are."""
        with pytest.raises(UnknownIndicatorError) as info:
            structure_for("papi", 2022)
        assert (
            str(info.value)
            == "unknown index 'papi'; the indices with structures are 'par-index', 'pci'"
        )
        assert info.value.key == "papi"

    @pytest.mark.parametrize(
        ("index", "year", "message"),
        [
            (
                "par-index",
                "2022",
                "structure_for: 'year' must be a whole year (int), got str '2022'",
            ),
            (
                "par-index",
                2022.0,
                "structure_for: 'year' must be a whole year (int), got float 2022.0",
            ),
            ("par-index", True, "structure_for: 'year' must be a whole year (int), got bool True"),
            (2022, 2022, "structure_for: 'index' must be a str, got int 2022"),
        ],
    )
    def test_argument_types(self, index: object, year: object, message: str) -> None:
        """Arguments of the wrong type are refused, naming the parameter."""
        with pytest.raises(ArgumentTypeError) as info:
            structure_for(index, year)  # type: ignore[arg-type]
        assert str(info.value) == message

    def test_two_in_force_is_ambiguous(self) -> None:
        """Two shipped structures of one index in force the same year: refused, both named."""
        a = StructureInfo("a", "", "", "par-index", "1/QĐ", (2020, 2022), "", "")
        b = StructureInfo("b", "", "", "par-index", "2/QĐ", (2022, 2025), "", "")
        assert _pick([a, b], [], "par-index", 2021) is a
        assert _pick([a, b], [], "par-index", 2023) is b
        with pytest.raises(DefinitionError) as info:
            _pick([a, b], [], "par-index", 2022)
        assert str(info.value) == (
            "2 shipped structures of index 'par-index' are in force in 2022: "
            "'a' (Decision 1/QĐ, in force 2020-2022), 'b' (Decision 2/QĐ, in force 2022-2025); "
            "load the one you mean with load_structure(name)"
        )

    def test_structure_without_years_is_never_picked(self) -> None:
        """A structure whose years in force are not stated is not picked for any year."""
        a = StructureInfo("a", "", "", "x", "", None, "", "")
        with pytest.raises(
            UnknownPeriodError, match=r"the shipped ones are 'a' \(years in force not stated\)"
        ):
            _pick([a], [], "x", 2022)

    def test_index_known_only_from_a_method_not_shipped(self) -> None:
        """An index with no shipped structure but a known method says both."""
        m = _NotShipped("y", "9/QĐ", (2020, 2030), "8 domains", "the maxima")
        with pytest.raises(UnknownPeriodError) as info:
            _pick([], [m], "y", 2024)
        assert str(info.value) == (
            "no shipped structure of index 'y' is in force in 2024; the method in force, Decision 9/QĐ "
            "(2020-2030; 8 domains), is not shipped: the maxima were not found in a public source; "
            "the shipped ones are none"
        )


class TestNotShipped:
    """The record of methods in force but not shipped, against the sources it names."""

    def raw(self) -> dict[str, Any]:
        file = resources.files("cchc_indicators").joinpath("structures/_not-shipped.json")
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        return data

    def test_methods(self) -> None:
        """Decision 1150/QĐ-BNV for 2020-2021 and 876/QĐ-BNV for 2022-2030, with their sourced facts."""
        methods = {m.decision: m for m in _not_shipped()}
        assert set(methods) == {"1150/QĐ-BNV", "876/QĐ-BNV"}
        assert methods["1150/QĐ-BNV"].in_force == (2020, 2021)
        assert methods["1150/QĐ-BNV"].known.startswith(
            "8 domains, 43 criteria and 95 sub-criteria; "
        )
        assert methods["876/QĐ-BNV"].in_force == (2022, 2030)
        assert "8 domains, 37 criteria and 88 sub-criteria" in methods["876/QĐ-BNV"].known
        assert (
            "100 points, of which 32 are assessed through the sociological survey"
            in methods["876/QĐ-BNV"].known
        )
        assert "10 November 2022" in methods["876/QĐ-BNV"].known

    def test_every_fact_has_a_source_with_an_address(self) -> None:
        """Each method lists sources with a title, an address and what each gives."""
        for method in self.raw()["methods"]:
            assert method["sources"]
            for source in method["sources"]:
                assert source["title"]
                assert source["gives"]
                assert source["url"].startswith(("http://", "https://"))

    def test_none_is_shipped(self) -> None:
        """No shipped structure carries the decision of a method recorded as not shipped."""
        shipped = {i.decision for i in points.structures()}
        assert not shipped & {m.decision for m in _not_shipped()}

    def test_years_follow_one_another(self) -> None:
        """The PAR INDEX methods cover 2017-2030 without gap or overlap: 2948, 1150, 876."""
        spans = sorted(
            [i.in_force for i in points.structures() if i.index == "par-index" and i.in_force]
            + [m.in_force for m in _not_shipped() if m.index == "par-index"]
        )
        assert spans == [(2017, 2019), (2020, 2021), (2022, 2030)]
