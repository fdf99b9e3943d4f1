"""Tests of the shipped plan catalogues and the embedded unit lists plans are evaluated on."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cchc_indicators import catalog, datasets, measures
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.plan import Plan, schema
from cchc_indicators.core.rules import ShareMeeting
from cchc_indicators.core.scopes import Scope

VINH_PHUC = "vinh-phuc-2021-2025"
SOURCE = "Quyết định 2866/QĐ-UBND ngày 14/10/2021 của UBND tỉnh Vĩnh Phúc"

#: code -> (area, measure, direction, targets as (kind, threshold, tier, rule, scope, baseline, among))
EXPECTED: dict[str, tuple[str, str, str, list[tuple[Any, ...]]]] = {
    "par_index": ("overall", "score", "higher", [
        ("rank_at_most", 15, "province", None, None, None, "province"),
        ("no_worse_than_previous", 0, "province", None, None, None, None),
    ]),
    "sipas": ("overall", "score", "higher", [
        ("rank_at_most", 15, "province", None, None, None, "province"),
        ("no_worse_than_previous", 0, "province", None, None, None, None),
    ]),
    "procedures_online": ("procedures", "percent", "higher", [("at_least", 80, "province", None, None, None, None)]),
    "procedures_on_national_portal": ("procedures", "percent", "higher", [("at_least", 80, "province", None, None, None, None)]),
    "dossiers_online": ("procedures", "percent", "higher", [("at_least", 50, "province", None, "territory", None, None)]),
    "satisfaction_procedures": ("procedures", "percent", "higher", [("at_least", 90, "province", None, None, None, None)]),
    "satisfaction_land_construction_investment": ("procedures", "percent", "higher", [
        ("at_least", 85, "province", None, None, None, None),
        ("at_least", 85, "province", None, None, None, None),  # per field
    ]),
    "satisfaction_land": ("procedures", "percent", "higher", []),
    "satisfaction_construction": ("procedures", "percent", "higher", []),
    "satisfaction_investment": ("procedures", "percent", "higher", []),
    "no_resubmission": ("procedures", "percent", "higher", [("at_least", 80, "province", None, None, None, None)]),
    "public_service_units": ("organisation", "count", "lower", [("reduce_by", 0.10, "province", None, None, "2021", None)]),
    "public_service_staff": ("organisation", "count", "lower", [("reduce_by", 0.10, "province", None, None, "2021", None)]),
    "autonomous_units": ("organisation", "percent", "higher", [("at_least", 20, "province", None, None, None, None)]),
    "satisfaction_administration": ("organisation", "percent", "higher", [("at_least", 90, "province", None, None, None, None)]),
    "satisfaction_health_education": ("organisation", "percent", "higher", [
        ("at_least", 85, "province", None, None, None, None),
        ("at_least", 85, "province", None, None, None, None),  # per field
    ]),
    "satisfaction_health": ("organisation", "percent", "higher", []),
    "satisfaction_education": ("organisation", "percent", "higher", []),
    "self_financing_units": ("public_finance", "percent", "higher", [("at_least", 20, "province", None, None, None, None)]),
    "units_converted": ("public_finance", "percent", "higher", [("at_least", 100, "province", None, None, None, None)]),
    "eid_online_users": ("digital_government", "percent", "higher", [("at_least", 100, "province", None, None, None, None)]),
    "systems_connected": ("digital_government", "percent", "higher", [("at_least", 80, "province", None, None, None, None)]),
    "meetings_online": ("digital_government", "binary", "higher", [
        ("at_least", 1, "province", None, None, None, None),
        ("at_least", 80, "district", "share_meeting(== 1, denominator=all)", None, None, None),
    ]),
    "work_files_online": ("digital_government", "percent", "higher", [
        ("at_least", 90, "province", None, None, None, None),
        ("at_least", 80, "district", None, None, None, None),
        ("at_least", 60, "commune", None, None, None, None),
    ]),
    "unit_rearrangement": ("organisation", "binary", "higher", [("at_least", 1, "province", None, None, None, None)]),
}  # fmt: skip

#: code -> temporal nature: stocks are states at a period's end, flows add up over it
TEMPORAL: dict[str, str] = {
    "par_index": "level",
    "sipas": "level",
    "procedures_online": "stock",
    "procedures_on_national_portal": "stock",
    "dossiers_online": "flow",
    "satisfaction_procedures": "flow",
    "satisfaction_land_construction_investment": "flow",
    "satisfaction_land": "flow",
    "satisfaction_construction": "flow",
    "satisfaction_investment": "flow",
    "no_resubmission": "flow",
    "public_service_units": "stock",
    "public_service_staff": "stock",
    "autonomous_units": "stock",
    "satisfaction_administration": "flow",
    "satisfaction_health_education": "flow",
    "satisfaction_health": "flow",
    "satisfaction_education": "flow",
    "self_financing_units": "stock",
    "units_converted": "stock",
    "eid_online_users": "stock",
    "systems_connected": "stock",
    "meetings_online": "stock",
    "work_files_online": "flow",
    "unit_rearrangement": "stock",
}

MEASURES = {
    "percent": measures.percent(),
    "score": measures.score(0, 100),
    "count": measures.count(),
    "binary": measures.binary(),
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The Vĩnh Phúc 2021–2025 catalogue, loaded once."""
    return catalog.load(VINH_PHUC)


class TestCatalogModule:
    def test_names_lists_the_shipped_catalogues(self) -> None:
        """names() lists the shipped catalogues, sorted, Vĩnh Phúc's among them."""
        got = catalog.names()
        assert VINH_PHUC in got
        assert list(got) == sorted(got)

    def test_path_is_inside_the_installed_package(self) -> None:
        """path() points at the JSON file that importlib.resources finds in the package."""
        expected = resources.files("cchc_indicators").joinpath(f"catalogs/{VINH_PHUC}.json")
        got = catalog.path(VINH_PHUC)
        assert isinstance(got, Path)
        assert got == Path(str(expected))
        assert got.is_file()

    @pytest.mark.parametrize("call", [catalog.load, catalog.path])
    def test_unknown_name_lists_the_names(self, call: Any) -> None:
        """An unknown catalogue name raises DefinitionError naming it and the available ones."""
        with pytest.raises(DefinitionError, match="unknown catalogue 'ha-noi-2021-2025'") as info:
            call("ha-noi-2021-2025")
        assert repr(VINH_PHUC) in str(info.value)
        assert info.value.code == "ha-noi-2021-2025"

    @pytest.mark.parametrize("name", catalog.names())
    def test_every_catalogue_validates_against_the_schema(self, name: str) -> None:
        """Every shipped catalogue is valid under the published plan JSON Schema."""
        data = catalog.load(name).to_dict()
        validator = jsonschema.Draft202012Validator(schema())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert errors == []

    @pytest.mark.parametrize("name", catalog.names())
    def test_every_catalogue_file_validates_against_the_schema(self, name: str) -> None:
        """The JSON text of every shipped catalogue, as stored, is valid under the schema."""
        data = json.loads(catalog.path(name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema()).validate(data)

    @pytest.mark.parametrize("name", catalog.names())
    def test_json_roundtrip_is_byte_exact(self, name: str) -> None:
        """Reading a catalogue and writing it again reproduces the file byte for byte."""
        file = catalog.path(name)
        assert Plan.from_json(file).to_json().encode("utf-8") == file.read_bytes()

    @pytest.mark.parametrize("name", catalog.names())
    def test_catalogue_name_is_the_plan_code(self, name: str) -> None:
        """A catalogue's file name is its plan's code."""
        assert catalog.load(name).code == name

    @pytest.mark.parametrize("name", catalog.names())
    def test_catalogue_units_name_an_embedded_list(self, name: str) -> None:
        """A catalogue's unit list exists and holds the plan's unit, of the plan's edition."""
        plan = catalog.load(name)
        assert plan.units is not None
        units = datasets.units(plan.units)
        assert units.edition == plan.edition
        assert plan.unit is None or plan.unit in units


class TestVinhPhucPlan:
    def test_metadata(self, plan: Plan) -> None:
        """The plan carries the decision's number, issuer, date, period, baseline and deadline."""
        assert plan.code == VINH_PHUC
        assert (
            plan.title == "Kế hoạch cải cách hành chính nhà nước tỉnh Vĩnh Phúc giai đoạn 2021–2025"
        )
        assert plan.title_en == "Vĩnh Phúc provincial state administrative reform plan 2021–2025"
        assert plan.document == "2866/QĐ-UBND"
        assert plan.issuer == "Ủy ban nhân dân tỉnh Vĩnh Phúc"
        assert plan.date == "2021-10-14"
        assert (plan.start, plan.end, plan.baseline, plan.deadline) == (
            "2021",
            "2025",
            "2021",
            "2025",
        )
        assert (plan.unit, plan.edition, plan.units) == ("26", "2024", "vinh-phuc-2024")

    def test_notes_say_the_wording_is_not_verified(self, plan: Plan) -> None:
        """The notes name the source and say the wording was not checked against the signed text."""
        assert plan.notes.startswith("Source: Decision 2866/QĐ-UBND of 14 October 2021")
        assert "not been checked word for word against the signed text" in plan.notes

    def test_codes_are_exactly_the_public_ones_in_order(self, plan: Plan) -> None:
        """The indicator codes are the 25 public identifiers, in plan order (fields after their pool)."""
        assert plan.codes == tuple(EXPECTED)

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_indicator_area_measure_and_direction(self, plan: Plan, code: str) -> None:
        """Each indicator has its area, measure and direction, with the measure's default rule."""
        area, measure, direction, _ = EXPECTED[code]
        ind = plan.indicator(code)
        assert ind.area.value == area
        assert ind.measure == MEASURES[measure]
        assert ind.direction.value == direction
        assert ind.rule.name == {"percent": "ratio_of_sums", "score": "mean", "count": "sum"}.get(
            measure, "all"
        )

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_indicator_temporal_nature(self, plan: Plan, code: str) -> None:
        """Each indicator declares its temporal nature, written out in the JSON file."""
        assert plan.indicator(code).temporal.value == TEMPORAL[code]
        data = json.loads(catalog.path(VINH_PHUC).read_text(encoding="utf-8"))
        (raw,) = [i for i in data["indicators"] if i["code"] == code]
        assert raw["temporal"] == TEMPORAL[code]

    def test_temporal_natures_are_explained(self, plan: Plan) -> None:
        """The notes say why the natures were chosen; surveys and e-ID users say so themselves."""
        assert "Temporal natures" in plan.notes
        for code in TEMPORAL:
            if code.startswith("satisfaction_"):
                assert (
                    "a flow: the answers of the survey rounds" in plan.indicator(code).description
                )
        assert "a stock" in plan.indicator("eid_online_users").description

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_indicator_is_named_described_and_sourced(self, plan: Plan, code: str) -> None:
        """Each indicator has a Vietnamese and an English name, a description and the decision as source."""
        ind = plan.indicator(code)
        assert ind.name
        assert ind.name_en
        assert ind.description
        assert ind.source == SOURCE

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_targets_as_specified(self, plan: Plan, code: str) -> None:
        """Each target has its kind, threshold, tier, rule, scope, baseline and peers."""
        targets = plan.indicator(code).targets
        got = [
            (
                t.kind,
                t.threshold,
                t.tier,
                None if t.rule is None else t.rule.to_spec(),
                None if t.scope is None else str(t.scope),
                t.baseline,
                t.among,
            )
            for t in targets
        ]
        assert got == [tuple(e) for e in EXPECTED[code][3]]

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_targets_have_deadline_and_source(self, plan: Plan, code: str) -> None:
        """Every target is due in 2025 and cites the decision."""
        for t in plan.indicator(code).targets:
            assert t.deadline == "2025"
            assert t.source == SOURCE

    def test_share_of_district_committees_is_a_share_meeting_rule(self, plan: Plan) -> None:
        """The district meetings target is the share of all district committees whose value is 1.

        Over all district-level units, so that one reporting district cannot meet it alone.
        """
        district = plan.indicator("meetings_online").targets[1]
        assert district.rule == ShareMeeting("== 1", denominator="all")
        assert district.describe("%") == ">= 80 % of all districts == 1 (district tier)"

    @pytest.mark.parametrize("code", ["par_index", "sipas"])
    def test_rank_and_score_are_judged_every_year(self, plan: Plan, code: str) -> None:
        """Top 15 and no fall, in every year ("duy trì, cải thiện ... thuộc tốp 15 hằng năm")."""
        rank, change = plan.indicator(code).targets
        assert rank.each_period
        assert change.each_period
        assert rank.describe() == "rank <= 15 among provinces, every period (province tier)"
        assert change.bound == 0.0

    @pytest.mark.parametrize(
        ("code", "fields"),
        [
            (
                "satisfaction_land_construction_investment",
                ("satisfaction_land", "satisfaction_construction", "satisfaction_investment"),
            ),
            ("satisfaction_health_education", ("satisfaction_health", "satisfaction_education")),
        ],
    )
    def test_pooled_satisfaction_has_both_readings(
        self, plan: Plan, code: str, fields: tuple[str, ...]
    ) -> None:
        """The first target pools the fields, the second holds in each; fields have no target."""
        pooled, per_field = plan.indicator(code).targets
        assert (pooled.fields, per_field.fields) == ((), fields)
        assert pooled.threshold == per_field.threshold == 85.0
        for field in fields:
            assert plan.indicator(field).targets == ()
        text = plan.indicator(code).description
        assert "Two readings are evaluated: pooled" in text
        assert "does not say which it means" in text

    @pytest.mark.parametrize(
        "code", ["procedures_online", "procedures_on_national_portal", "dossiers_online"]
    )
    def test_decree_42_names_are_aliases(self, plan: Plan, code: str) -> None:
        """Level 4/3 became 'toàn trình'/'một phần' (Decree 42/2022/NĐ-CP): aliases, same code."""
        vi, en = plan.indicator(code).aliases
        assert "toàn trình, một phần" in vi
        assert "42/2022/NĐ-CP" in vi
        assert "full or partial online" in en

    def test_the_2025_ranking_is_explained(self, plan: Plan) -> None:
        """Vĩnh Phúc is no province after 1 July 2025: the docs of the target say what 2025 means."""
        text = plan.indicator("par_index").description
        assert "ceased to be a province on 1 July 2025" in text
        assert "the last year Vĩnh Phúc can be ranked is 2024" in text
        assert "the best these targets can show in 2025 is insufficient_data" in text

    def test_the_change_of_par_index_method_is_said(self, plan: Plan) -> None:
        """2021 under Decision 1150/QĐ-BNV, 2022 on under 876/QĐ-BNV (structures/_not-shipped.json)."""
        text = plan.indicator("par_index").description
        assert "2021 was determined under Decision 1150/QĐ-BNV" in text
        assert "from 2022 under Decision 876/QĐ-BNV" in text

    def test_dossiers_are_taken_on_the_territory(self, plan: Plan) -> None:
        """The online-dossier target is taken on the province's whole territory."""
        assert plan.indicator("dossiers_online").targets[0].scope == Scope("territory")

    def test_reductions_are_ten_percent_against_2021(self, plan: Plan) -> None:
        """Public service units and their staff must fall by at least 10 % against 2021."""
        for code in ("public_service_units", "public_service_staff"):
            (t,) = plan.indicator(code).targets
            assert t.bound == -10.0
            assert t.describe() == "<= -10 % vs 2021 (province tier)"


class TestDefinitions:
    """Definitions as Decision 2866/QĐ-UBND (14 October 2021, People's Committee of Vĩnh Phúc) words
    them, in its published summary; each clause below is the plan's."""

    @pytest.mark.parametrize(
        ("code", "clause"),
        [
            # "... hoặc tự bảo đảm chi thường xuyên và chi đầu tư": investment spending too
            ("units_converted", "tự bảo đảm chi thường xuyên và chi đầu tư"),
            # the government's meeting-and-work information system, not a videoconference system
            ("meetings_online", "Hệ thống thông tin phục vụ họp và xử lý công việc"),
            # "trong đó, ít nhất 80 %": a share of the procedures offered online at level 3-4
            ("procedures_on_national_portal", "cung cấp trực tuyến mức độ 3, 4"),
            ("no_resubmission", "hoặc đã được kết nối, chia sẻ"),
            ("unit_rearrangement", "thôn, tổ dân phố"),
            # the plan's full wording: citizens and organisations
            ("satisfaction_administration", "người dân, tổ chức"),
            # a proper noun, capitalised
            ("systems_connected", "Trục liên thông văn bản quốc gia"),
        ],
    )
    def test_the_plan_clause_is_in_name_and_definition(
        self, plan: Plan, code: str, clause: str
    ) -> None:
        ind = plan.indicator(code)
        assert clause in ind.name
        assert clause in ind.description

    def test_autonomy_groups_and_the_2021_base_are_stated(self, plan: Plan) -> None:
        """Groups 1 and 2 of Article 9 of Decree 60/2021/NĐ-CP count; the base is the units of 2021."""
        ind = plan.indicator("autonomous_units")
        assert "so với năm 2021" in ind.name
        text = ind.description
        assert "groups 1 and 2 of Article 9 of Decree 60/2021/NĐ-CP" in text
        assert (
            "groups 3 (part of recurrent spending) and 4 (funded by the State) do not count" in text
        )
        assert "the denominator is the number of public service units in 2021" in text
        assert "/ the public service units of 2021" in text

    def test_satisfaction_with_administration_is_not_a_civil_service_target(
        self, plan: Plan
    ) -> None:
        """Not civil service: organisation, as the national programme lists it (PROVENANCE.md)."""
        assert plan.indicator("satisfaction_administration").area.value == "organisation"

    def test_portal_share_is_of_level_3_and_4_procedures(self, plan: Plan) -> None:
        """Numerator and denominator are both the procedures offered online at level 3-4."""
        text = plan.indicator("procedures_on_national_portal").description
        assert "/ all administrative procedures offered online at level 3 or 4" in text

    def test_resubmission_says_it_counts_requests_and_why(self, plan: Plan) -> None:
        text = plan.indicator("no_resubmission").description
        assert "The plan counts people and businesses" in text
        assert "systems record requests, not persons" in text

    def test_the_meeting_system_is_not_videoconferencing(self, plan: Plan) -> None:
        ind = plan.indicator("meetings_online")
        assert "e-Cabinet" in ind.name_en
        assert "online meeting system" not in ind.name_en + ind.description

    def test_no_text_about_how_the_catalogue_was_written(self) -> None:
        text = (
            resources.files("cchc_indicators") / "catalogs" / "vinh-phuc-2021-2025.json"
        ).read_text(encoding="utf-8")
        assert "the project's issue" not in text
        assert "as described in" not in text


class TestPlanUnits:
    def test_counts_per_level(self) -> None:
        """The plan units are the 63 provinces, 9 district-level units and 121 communes."""
        h = datasets.plan_units()
        assert h.edition == "2024"
        assert h.levels == ("province", "district", "commune")
        assert len(h) == 193
        assert (h.level_size("province"), h.level_size("district"), h.level_size("commune")) == (
            63,
            9,
            121,
        )

    def test_vinh_phuc_districts_hang_from_26(self) -> None:
        """Unit '243' (Vĩnh Yên) has parent '26', and 26's subtree is Vĩnh Phúc's list."""
        h = datasets.plan_units()
        parent = h.parent("243")
        assert parent is not None
        assert parent.code == "26"
        assert h.subtree("26") == datasets.vinh_phuc_units()

    def test_provinces_are_the_embedded_provinces(self) -> None:
        """The top level is exactly the 63 embedded provinces, with their names."""
        h = datasets.plan_units()
        assert [(u.code, u.name) for u in h.units("province")] == [
            (u.code, u.name) for u in datasets.provinces_2024()
        ]

    def test_duplicate_province_row_agrees(self) -> None:
        """Province 26, the row dropped from one file, is the same in both embedded files."""
        folder = resources.files("cchc_indicators.datasets")
        rows = []
        for name in ("provinces_2024.csv", "vinh_phuc_units_2024.csv"):
            with folder.joinpath(name).open(encoding="utf-8") as fh:
                rows.extend(r for r in csv.DictReader(fh) if r["code"] == "26")
        assert len(rows) == 2
        assert rows[0] == rows[1]


class TestUnits:
    @pytest.mark.parametrize(
        ("name", "build"),
        [
            ("vinh-phuc-2024", datasets.plan_units),
            ("vinh-phuc-only-2024", datasets.vinh_phuc_units),
            ("provinces-2024", datasets.provinces_2024),
        ],
    )
    def test_named_lists(self, name: str, build: Any) -> None:
        """Each unit-list name returns the matching embedded hierarchy."""
        assert datasets.units(name) == build()

    def test_unknown_name_lists_the_names(self) -> None:
        """An unknown unit-list name raises DefinitionError listing the available names."""
        with pytest.raises(DefinitionError, match="unknown unit list 'vinh-phuc-2025'") as info:
            datasets.units("vinh-phuc-2025")
        for name in ("provinces-2024", "vinh-phuc-2024", "vinh-phuc-only-2024"):
            assert repr(name) in str(info.value)
        assert info.value.code == "vinh-phuc-2025"

    def test_new_names_are_public(self) -> None:
        """plan_units and units are in the module's sorted __all__."""
        assert {"plan_units", "units"} <= set(datasets.__all__)
        assert datasets.__all__ == sorted(datasets.__all__)
