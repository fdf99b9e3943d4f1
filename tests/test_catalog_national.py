"""Tests of the national master programme catalogue (vn-par-2021-2030), its units and side-by-side view."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cchc_indicators import Panel, catalog, datasets, units
from cchc_indicators.cli import main
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError
from cchc_indicators.core.plan import Plan, schema
from cchc_indicators.evaluation import STATUSES, Evaluation, evaluate
from cchc_indicators.report.scorecard import SYMBOLS, by_unit, unit_table

NAME = "vn-par-2021-2030"

# The sources every figure below comes from (each target's ``source`` names one of them).
#: The Government portal's report of the resolution, 16 July 2021.
VGP = "http://news.chinhphu.vn/Home/Govt-issues-State-Administration-Reform-Master-Program-for-next-decade/20217/44658.vgp"
#: LuatVietnam's English summary of Resolution 76/NQ-CP.
LV = "https://english.luatvietnam.vn/hanh-chinh/resolution-76-nq-cp-2021-master-program-on-state-administration-reform-in-2021-2030-205518-d1.html"
#: Thịnh Vượng Việt Nam, "Chính phủ giảm đầu mối các bộ vào năm 2030" (a report of the resolution).
TV = "http://thinhvuongvietnam.com/Content/chinh-phu-giam-dau-moi-cac-bo-vao-nam-2030-16309"

PROC = "cải cách thủ tục hành chính"
ORG = "cải cách tổ chức bộ máy hành chính nhà nước"
DIGITAL = "xây dựng, phát triển Chính phủ điện tử, Chính phủ số"
CUT = "cut or simplify at least 20% of procedures and 20% of the compliance costs regarding business-related procedures specified in effective documents as of May 31, 2020"

#: code -> (area, measure kind, direction, temporal, targets as (kind, threshold, baseline,
#:          deadline, (reform area, quote, source address) of the clause the target cites))
EXPECTED: dict[str, tuple[str, str, str, str, list[tuple[Any, ...]]]] = {
    # LuatVietnam: "... cut or simplify at least 20% of procedures and 20% of the compliance costs ..."
    "business_procedures_cut": ("procedures", "ratio", "higher", "stock", [("at_least", 20.0, None, "2025", (PROC, CUT, LV))]),
    "compliance_costs_cut": ("procedures", "ratio", "higher", "stock", [("at_least", 20.0, None, "2025", (PROC, CUT, LV))]),
    # VGP: "At least 80 percent of administrative procedures ... are provided online at levels 3 and 4."
    # and "By 2030, at least 90 percent ... will be provided online at levels 3 and 4."
    "procedures_online": ("procedures", "ratio", "higher", "stock", [
        ("at_least", 80.0, None, "2025", (PROC, "At least 80 percent of administrative procedures of ministries, agencies and localities are provided online at levels 3 and 4", VGP)),
        ("at_least", 90.0, None, "2030", (PROC, "By 2030, at least 90 percent of ministries, agencies and localities will be provided online at levels 3 and 4", VGP)),
    ]),
    # LuatVietnam: "at least 80% to be integrated and provided on the National Public Service Portal"
    "procedures_on_national_portal": ("procedures", "ratio", "higher", "stock", [
        ("at_least", 80.0, None, "2025", (PROC, "at least 80% to be integrated and provided on the National Public Service Portal", LV))]),
    # LuatVietnam: "at least 80% of administrative procedures subject to financial obligations to be settled online payment"
    "online_payment_procedures": ("procedures", "ratio", "higher", "stock", [
        ("at_least", 80.0, None, "2025", (PROC, "at least 80% of administrative procedures subject to financial obligations to be settled online payment", LV))]),
    # Thịnh Vượng Việt Nam: "Số lượng đơn vị sự nghiệp công lập giảm 10% cả nước"
    "public_service_units": ("organisation", "count", "lower", "stock", [
        ("reduce_by", 0.1, "2021", "2025", (ORG, "Số lượng đơn vị sự nghiệp công lập giảm 10% cả nước", TV))]),
    # Thịnh Vượng Việt Nam: "biên chế hưởng lương ngân sách giảm 10% so với năm 2021"
    "public_service_staff": ("organisation", "count", "lower", "stock", [
        ("reduce_by", 0.1, "2021", "2025", (ORG, "biên chế hưởng lương ngân sách giảm 10% so với năm 2021", TV))]),
    # Thịnh Vượng Việt Nam: "... sự phục vụ của cơ quan nhà nước đạt 90%" (2025), "... cơ quan hành chính đạt 95%" (2030)
    "satisfaction_administration": ("organisation", "ratio", "higher", "flow", [
        ("at_least", 90.0, None, "2025", (ORG, "Mức độ hài lòng của người dân với sự phục vụ của cơ quan nhà nước đạt 90%", TV)),
        ("at_least", 95.0, None, "2030", (ORG, "Mức độ hài lòng của người dân với cơ quan hành chính đạt 95%", TV)),
    ]),
    # Thịnh Vượng Việt Nam: "mức độ hài lòng về y tế, giáo dục công lập đạt 85%" (2025), "... đạt 90%" (2030)
    "satisfaction_health_education": ("organisation", "ratio", "higher", "flow", [
        ("at_least", 85.0, None, "2025", (ORG, "mức độ hài lòng về y tế, giáo dục công lập đạt 85%", TV)),
        ("at_least", 90.0, None, "2030", (ORG, "mức độ hài lòng về y tế, giáo dục công lập đạt 90%", TV)),
    ]),
    # LuatVietnam: "By 2025, 100% citizens using online public services will be granted e-identifications"
    "eid_online_users": ("digital_government", "ratio", "higher", "stock", [
        ("at_least", 100.0, None, "2025", (DIGITAL, "By 2025, 100% citizens using online public services will be granted e-identifications", LV))]),
}  # fmt: skip

#: The number of targets: 10 indicators, three of them with a 2030 target too.
N_TARGETS = sum(len(spec[4]) for spec in EXPECTED.values())

#: The sizes of the embedded national editions (datasets/EDITIONS.md: the project's
#: reference copies of the national list of administrative units).
SIZES = {"national-2024": (63, 696, 10051), "national-2025": (34, 3321)}


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The national programme, loaded once."""
    return catalog.load(NAME)


def run(*args: str) -> tuple[int, str]:
    """Run the command line in-process; return the exit code and what it printed."""
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    """The error printed to standard error, checked to be one line with no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("cchc: error: ")
    return err.strip()


# Synthetic figures (made up for the tests), with the status each must get:
#   procedures_online 2025: Hà Nội (01) 85/100 = 85 % >= 80 achieved, gap -5;
#                           Vĩnh Phúc (26) 70/100 = 70 % < 80 not achieved, gap 10
#   public_service_units:   01 100 -> 88 in 2025 (-12 % <= -10 %) achieved;
#                           26 50 -> 48 (-4 %) not achieved
#   satisfaction_administration 2025: 79 (Hồ Chí Minh City) 950/1000 = 95 % >= 90 achieved
#   procedures_online 2021-2023: 02 (Hà Giang) 60, 70, 75 %: the least-squares line
#     (slope 7.5 a year, 68.33 in 2022) reaches 68.33 + 3 x 7.5 = 90.83 in 2025 -> on track in 2023
SYNTHETIC = """indicator,unit,period,value,numerator,denominator
procedures_online,01,2025,,85,100
procedures_online,26,2025,,70,100
procedures_online,02,2021,,60,100
procedures_online,02,2022,,70,100
procedures_online,02,2023,,75,100
public_service_units,01,2021,100,,
public_service_units,01,2025,88,,
public_service_units,26,2021,50,,
public_service_units,26,2025,48,,
satisfaction_administration,79,2025,,950,1000
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """SYNTHETIC, as a CSV file."""
    path = tmp_path / "national.csv"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return path


def national_panel(plan: Plan) -> Panel:
    """The SYNTHETIC figures on the 2024 national units."""
    rec = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(io.StringIO(SYNTHETIC))]
    return Panel.from_records(rec, datasets.units("national-2024"), indicators=plan.indicators)


def row(ev: Evaluation, indicator: str, unit: str, deadline: str = "2025") -> dict[str, Any]:
    """The one row of ``indicator``'s target due in ``deadline`` for ``unit``."""
    (found,) = [
        r
        for r in ev.rows
        if (r["indicator"], r["unit"], r["deadline"]) == (indicator, unit, deadline)
    ]
    return dict(found)


class TestCatalogue:
    def test_listed_and_valid_under_the_schema(self) -> None:
        """The catalogue is listed, and its file is valid under the plan JSON Schema."""
        assert NAME in catalog.names()
        data = json.loads(catalog.path(NAME).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema()).validate(data)

    def test_json_roundtrip_is_byte_exact(self) -> None:
        """Reading the file and writing it again reproduces it byte for byte."""
        file = catalog.path(NAME)
        assert Plan.from_json(file).to_json().encode("utf-8") == file.read_bytes()

    def test_metadata(self, plan: Plan) -> None:
        """The plan is Resolution 76/NQ-CP of the Government, 15 July 2021, for 2021-2030, about no single unit."""
        assert (plan.code, plan.document, plan.issuer, plan.date) == (
            NAME,
            "76/NQ-CP",
            "Chính phủ",
            "2021-07-15",
        )
        assert (plan.start, plan.end, plan.baseline, plan.deadline) == (
            "2021",
            "2030",
            "2021",
            "2030",
        )
        assert (
            plan.title == "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030"
        )
        assert plan.unit is None
        assert (plan.units, plan.edition) == ("national-2024", "vn-2024")

    def test_codes_in_order(self, plan: Plan) -> None:
        """The catalogue holds exactly the sourced indicators, in this order."""
        assert plan.codes == tuple(EXPECTED)

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_indicator_definition(self, plan: Plan, code: str) -> None:
        """Area, measure, direction and temporal nature are as specified; the indicator cites the resolution."""
        area, kind, direction, temporal, _ = EXPECTED[code]
        ind = plan.indicator(code)
        assert (ind.area.value, ind.measure.kind, ind.direction.value, ind.temporal) == (
            area,
            kind,
            direction,
            temporal,
        )
        assert "76/NQ-CP" in ind.source
        assert ind.name
        assert ind.name_en
        assert " / " in ind.description

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_target_figure(self, plan: Plan, code: str) -> None:
        """Each target's kind, figure, baseline and deadline are the source's (named in EXPECTED)."""
        got = [
            (t.kind, t.threshold, t.baseline, t.deadline, t.tier)
            for t in plan.indicator(code).targets
        ]
        assert got == [(*t[:4], "province") for t in EXPECTED[code][4]]

    @pytest.mark.parametrize("code", list(EXPECTED))
    def test_target_cites_its_clause(self, plan: Plan, code: str) -> None:
        """Each target cites the resolution, the reform area, the year, the source's words and address."""
        for t, spec in zip(plan.indicator(code).targets, EXPECTED[code][4], strict=True):
            area, quote, address = spec[4]
            assert t.source.startswith("Nghị quyết 76/NQ-CP ngày 15/7/2021")
            assert f"{area} (" in t.source or f"— {area}" in t.source
            assert f"mục tiêu đến năm {t.deadline}" in t.source
            assert f'"{quote}"' in t.source
            assert address in t.source

    def test_percentages_are_pooled_counts(self, plan: Plan) -> None:
        """Every share is a pooled ratio of counts, in percent, bounded by 100."""
        for code, spec in EXPECTED.items():
            ind = plan.indicator(code)
            if spec[1] == "ratio":
                assert (ind.measure.scale, ind.unit, ind.rule.to_spec()) == (
                    100.0,
                    "%",
                    "ratio_of_sums",
                )
            else:
                assert (ind.unit, ind.rule.to_spec()) == ("count", "sum")

    def test_notes_list_what_is_left_out(self, plan: Plan) -> None:
        """The notes say the signed text was not checked and list the targets left out and why."""
        notes = plan.notes
        assert "signed Vietnamese text was not reachable" in notes
        for left_out in (
            "satisfaction with the handling of administrative procedures",
            "dossiers resolved online",
            "work files processed online",
            "the 2030 cuts of public service units and staff",
            "top 30 countries for the business environment",
        ):
            assert left_out in notes
        # the 2030 targets the sources give (VGP: 90 %; Thịnh Vượng Việt Nam: 95 % and 90 %) are said
        assert "three indicators also carry the 2030 target" in notes

    def test_no_single_unit_row_per_province_is_explained(self, plan: Plan) -> None:
        """The notes say an evaluation gives one row per province of national-2024 or national-2025."""
        assert "63 provinces of national-2024" in plan.notes
        assert "34 of national-2025" in plan.notes

    def test_catalog_show(self) -> None:
        """`cchc catalog show` prints the programme's document and each of its indicators."""
        code, text = run("catalog", "show", NAME, "--format", "table")
        assert code == 0
        lines = text.splitlines()
        assert lines[2] == "76/NQ-CP (Chính phủ, 2021-07-15)"
        for code in EXPECTED:
            assert any(line.startswith(code) for line in lines), code
        assert "90 %" in text  # the 2030 target of procedures_online


class TestNationalUnits:
    @pytest.mark.parametrize(
        ("name", "edition"), [("national-2024", "vn-2024"), ("national-2025", "vn-2025")]
    )
    def test_named_lists_are_the_embedded_editions(self, name: str, edition: str) -> None:
        """national-2024 and national-2025 are the whole embedded national editions."""
        got = datasets.units(name)
        assert got == units.load(edition)
        assert got.edition == edition
        assert tuple(got.level_size(k) for k in range(len(got.levels))) == SIZES[name]

    def test_unit_lists_are_sorted_and_complete(self) -> None:
        """unit_lists() names every list units() takes, sorted."""
        names = datasets.unit_lists()
        assert names == tuple(sorted(names))
        assert {"national-2024", "national-2025", "vinh-phuc-2024"} <= set(names)
        for name in names:
            datasets.units(name)

    def test_unknown_list_name(self) -> None:
        """An unknown list name is a DefinitionError listing the names."""
        with pytest.raises(DefinitionError, match="unknown unit list 'national-2030'") as info:
            datasets.units("national-2030")
        assert "'national-2024', 'national-2025'" in str(info.value)


class TestEvaluateOnProvinces:
    def test_one_row_per_province_and_target(self, plan: Plan) -> None:
        """On national-2024, every target gives one row for each of the 63 provinces, on its own figure."""
        ev = evaluate(plan, national_panel(plan), period="2025")
        assert len(ev) == 63 * N_TARGETS
        provinces = list(datasets.units("national-2024").codes[:63])
        for code, spec in EXPECTED.items():
            for target in spec[4]:
                rows = [r for r in ev.rows if (r["indicator"], r["deadline"]) == (code, target[3])]
                assert [r["unit"] for r in rows] == provinces
                assert {(r["level"], r["scope"]) for r in rows} == {("province", "own")}

    def test_hand_checked_statuses(self, plan: Plan) -> None:
        """The synthetic figures get the statuses and gaps worked out by hand above SYNTHETIC."""
        ev = evaluate(plan, national_panel(plan), period="2025")
        hanoi, vinh_phuc = row(ev, "procedures_online", "01"), row(ev, "procedures_online", "26")
        assert (hanoi["value"], hanoi["status"], hanoi["gap"]) == (85.0, "achieved", -5.0)
        assert (vinh_phuc["value"], vinh_phuc["status"], vinh_phuc["gap"]) == (
            70.0,
            "not_achieved",
            10.0,
        )
        assert row(ev, "public_service_units", "01")["status"] == "achieved"
        assert row(ev, "public_service_units", "01")["value"] == pytest.approx(-12.0)
        assert row(ev, "public_service_units", "26")["status"] == "not_achieved"
        assert row(ev, "public_service_units", "26")["value"] == pytest.approx(-4.0)
        assert row(ev, "satisfaction_administration", "79")["status"] == "achieved"
        assert row(ev, "eid_online_users", "01")["status"] == "no_data"
        # the 2030 targets in 2025: 95 % meets 95 %; 85 % and 70 % are single values short of 90 %
        assert row(ev, "satisfaction_administration", "79", "2030")["status"] == "achieved"
        assert row(ev, "procedures_online", "01", "2030")["status"] == "insufficient_data"
        assert row(ev, "procedures_online", "26", "2030")["status"] == "insufficient_data"

    def test_interim_projection(self, plan: Plan) -> None:
        """In 2023, Hà Giang's 60, 70, 75 % project to 90.83 % in 2025 and 128.33 % in 2030: on track."""
        ev = evaluate(plan, national_panel(plan), period="2023")
        r = row(ev, "procedures_online", "02")
        assert r["status"] == "on_track"
        assert r["projected"] == pytest.approx(68.0 + 1 / 3 + 22.5)
        # the same line reaches 68.33 + 8 x 7.5 = 128.33 in 2030, over the 90 % due then
        r = row(ev, "procedures_online", "02", "2030")
        assert r["status"] == "on_track"
        assert r["projected"] == pytest.approx(68.0 + 1 / 3 + 60.0)

    def test_on_the_34_provinces(self, plan: Plan) -> None:
        """On national-2025, every target gives one row for each of the 34 provinces."""
        h = datasets.units("national-2025")
        rec = [
            {
                "indicator": "procedures_online",
                "unit": "25",
                "period": 2025,
                "numerator": 9,
                "denominator": 10,
            }
        ]
        ev = evaluate(plan, Panel.from_records(rec, h, indicators=plan.indicators))
        assert len(ev) == 34 * N_TARGETS
        assert row(ev, "procedures_online", "25")["status"] == "achieved"


class TestByUnit:
    def test_one_record_per_province_best_news_first(self, plan: Plan) -> None:
        """by_unit gives 63 records: the provinces with more targets achieved first, ties in list order."""
        records = by_unit(evaluate(plan, national_panel(plan), period="2025"))
        assert len(records) == 63
        # 01: procedures_online (2025) and public_service_units achieved, the 2030 online target
        # with one value short of 90 % (insufficient data); 79: both satisfaction targets achieved
        # (95 % meets 90 % and 95 %), nothing else: equal on achieved, on track, off track and
        # not achieved, 01 has one more with too few values, so comes first; 26: two not
        # achieved; the others have no data, in the order of the unit list
        assert [r["unit"] for r in records[:4]] == ["01", "79", "26", "02"]
        first = records[0]
        assert {s: first[s] for s in STATUSES} == {
            "achieved": 2, "on_track": 0, "off_track": 0, "not_achieved": 0,
            "insufficient_data": 1, "no_data": 10,
        }  # fmt: skip
        assert (first["procedures_online >= 80 %"], first["procedures_online >= 90 %"]) == (
            "achieved",
            "insufficient_data",
        )
        assert first["eid_online_users"] == "no_data"
        assert records[2]["not_achieved"] == 2
        rest = [r["unit"] for r in records[3:]]
        codes = list(datasets.units("national-2024").codes[:63])
        assert rest == [c for c in codes if c not in ("01", "79", "26")]

    def test_better_status_ranks_first(self) -> None:
        """On equal achieved counts, more on track ranks before more off track, and off track before not achieved."""
        from cchc_indicators import Hierarchy, Indicator
        from cchc_indicators.core.targets import at_least

        h = Hierarchy.from_records(
            [{"code": c, "name": c, "level": "province"} for c in ("a", "b", "c")],
            levels=("province",),
        )
        ind = Indicator("x", "x", targets=[at_least(80, deadline="2025")])
        small = Plan("p", indicators=[ind], baseline="2021", deadline="2025")
        # a: 50, 52 -> off track (58 in 2025); b: 50, 70 -> on track (130, over 80, in 2025);
        # c: one value below the target, no line to draw -> insufficient data
        rec = [
            {"indicator": "x", "unit": u, "period": y, "numerator": n, "denominator": 100}
            for u, y, n in [
                ("a", 2021, 50),
                ("a", 2022, 52),
                ("b", 2021, 50),
                ("b", 2022, 70),
                ("c", 2022, 40),
            ]
        ]
        ev = evaluate(small, Panel.from_records(rec, h, indicators=[ind]), period="2022")
        assert [(r["unit"], r["x"]) for r in by_unit(ev)] == [
            ("b", "on_track"),
            ("a", "off_track"),
            ("c", "insufficient_data"),
        ]

    def test_several_targets_of_one_indicator_are_named_by_target(self) -> None:
        """An indicator with several plan-level targets gets one column per target, named by it."""
        ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
        (record,) = by_unit(ev)
        keys = [k for k in record if k.startswith("meetings_online")]
        assert keys == [
            "meetings_online >= 1 yes/no",
            "meetings_online >= 80 % of all districts == 1",
        ]

    def test_same_target_on_two_tiers_is_named_by_scope(self) -> None:
        """Two targets of one indicator that read alike (80 % at two tiers) are told apart by scope."""
        from cchc_indicators import Hierarchy, Indicator
        from cchc_indicators.core.targets import at_least

        h = Hierarchy.from_records(
            [
                {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
                {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
            ],
            levels=("province", "district"),
        )
        files = Indicator(
            "files", "Hồ sơ", targets=[at_least(80, tier="province"), at_least(80, tier="district")]
        )
        small = Plan("p", unit="26", indicators=[files], baseline="2021", deadline="2025")
        rec = [
            {"indicator": "files", "unit": u, "period": 2025, "numerator": n, "denominator": 100}
            for u, n in [("26", 90), ("243", 70)]
        ]
        (record,) = by_unit(evaluate(small, Panel.from_records(rec, h, indicators=[files])))
        # the province's own 90 % meets 80 %; the district tier pooled (70 %) does not
        assert record["files >= 80 % [own]"] == "achieved"
        assert record["files >= 80 % [tier:district]"] == "not_achieved"

    def test_no_rows(self) -> None:
        """A plan without indicators gives no record and a table that says so."""
        from cchc_indicators import Hierarchy, Indicator

        h = Hierarchy.from_records(
            [{"code": "01", "name": "Hà Nội", "level": "province"}], levels=("province",)
        )
        ind = Indicator("x", "x")
        rec = [{"indicator": "x", "unit": "01", "period": 2025, "value": 1}]
        ev = evaluate(Plan("empty"), Panel.from_records(rec, h, indicators=[ind]))
        assert by_unit(ev) == []
        assert unit_table(ev).splitlines()[-1] == "(no rows)"

    def test_unit_table(self, plan: Plan) -> None:
        """unit_table heads with the plan and period, keys the columns, and prints one line per unit."""
        text = unit_table(evaluate(plan, national_panel(plan), period="2025"), "en")
        lines = text.splitlines()
        assert (
            lines[0] == "Master Programme on State Administrative Reform 2021–2030 — 2025, by unit"
        )
        assert lines[1].startswith("Status: A Achieved, T On track")
        assert lines[2] == "   1  Business-related procedures cut or simplified: ≥ 20 %"
        # the fifth key is longer than 100 columns: it wraps onto a second line
        keys = N_TARGETS + 1
        head = lines[2 + keys + 1]
        assert head.split()[:8] == ["unit", "name", *SYMBOLS.values()]
        hanoi = lines[2 + keys + 2]
        assert hanoi.split() == ["01", "Thành", "phố", "Hà", "Nội", "2", "0", "0", "0", "1", "10",
                                 "-", "-", "A", "I", "-", "-", "A", "-", "-", "-", "-", "-", "-"]  # fmt: skip
        # the two targets of procedures_online are told apart by their threshold
        assert lines[4].endswith("level 3 or 4: ≥ 80 %")
        assert lines[5].endswith("level 3 or 4: ≥ 90 %")
        assert len(lines) == 2 + keys + 2 + 63
        assert max(len(line) for line in lines[: 2 + keys]) <= 100

    def test_note_heads_and_ends_the_table(self) -> None:
        """A synthetic-data note is printed before and after the table."""
        text = unit_table(evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel()))
        assert text.startswith(f"*** {datasets.SYNTHETIC_NOTE} ***")
        assert text.endswith(f"*** {datasets.SYNTHETIC_NOTE} ***")

    @pytest.mark.parametrize("func", [by_unit, unit_table])
    def test_not_an_evaluation(self, func: Any) -> None:
        """Anything but an Evaluation is an ArgumentTypeError naming the parameter."""
        with pytest.raises(ArgumentTypeError, match="evaluation"):
            func([{"unit": "01"}])


class TestCli:
    def test_evaluate_on_the_named_units(self, data: Path) -> None:
        """`--units national-2024` evaluates on the 63 provinces: 63 rows per target, hand-checked statuses."""
        code, text = run("evaluate", "--plan", NAME, "--units", "national-2024", "--data", str(data),
                         "--period", "2025", "--format", "csv")  # fmt: skip
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 63 * N_TARGETS
        got = {(r["indicator"], r["unit"], r["deadline"]): r["status"] for r in rows}
        assert got[("procedures_online", "01", "2025")] == "achieved"
        assert got[("procedures_online", "01", "2030")] == "insufficient_data"
        assert got[("procedures_online", "26", "2025")] == "not_achieved"
        assert got[("public_service_units", "01", "2025")] == "achieved"

    def test_default_units_are_the_plans(self, data: Path) -> None:
        """Without --units, the plan's own list (national-2024) is used: the same output."""
        args = ("evaluate", "--plan", NAME, "--data", str(data), "--format", "csv")
        assert run(*args) == run(*args[:3], "--units", "national-2024", *args[3:])

    def test_units_2025(self, tmp_path: Path) -> None:
        """`--units national-2025` evaluates on the 34 provinces."""
        path = tmp_path / "d.csv"
        path.write_text(
            "indicator,unit,period,numerator,denominator\nprocedures_online,25,2025,9,10\n"
        )
        code, text = run(
            "evaluate",
            "--plan",
            NAME,
            "--units",
            "national-2025",
            "--data",
            str(path),
            "--format",
            "json",
        )
        assert code == 0
        rows = json.loads(text)
        assert len(rows) == 34 * N_TARGETS

    def test_units_file_still_works(self, tmp_path: Path) -> None:
        """A --units CSV file is read as before."""
        units_csv = tmp_path / "u.csv"
        units_csv.write_text(
            "code,name,level,parent\n01,Hà Nội,province,\n26,Vĩnh Phúc,province,\n"
        )
        path = tmp_path / "d.csv"
        path.write_text(
            "indicator,unit,period,numerator,denominator\nprocedures_online,26,2025,9,10\n"
        )
        code, text = run("evaluate", "--plan", NAME, "--units", str(units_csv), "--data", str(path),
                         "--format", "csv")  # fmt: skip
        assert code == 0
        assert len(list(csv.DictReader(io.StringIO(text)))) == 2 * N_TARGETS

    def test_unknown_units_name(self, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A --units text that is no list and no file is a one-line error listing the lists (exit 2)."""
        code, _ = run("evaluate", "--plan", NAME, "--units", "national-2026", "--data", str(data))
        assert code == 2
        err = one_line_error(capsys)
        assert "--units: 'national-2026' is neither an embedded unit list" in err
        assert "'national-2024', 'national-2025'" in err
        assert err.endswith("nor a file")

    def test_unit_not_in_the_named_list(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A data unit missing from the named list is a one-line error naming the list."""
        path = tmp_path / "d.csv"
        path.write_text(
            "indicator,unit,period,numerator,denominator\nprocedures_online,26,2025,9,10\n"
        )
        code, _ = run("evaluate", "--plan", NAME, "--units", "national-2025", "--data", str(path))
        assert code == 2
        err = one_line_error(capsys)
        assert "'26'" in err
        assert "--units national-2025 (3355 units)" in err

    def test_by_unit_table(self, data: Path) -> None:
        """`--by-unit` prints one line per province, best news first."""
        code, text = run("evaluate", "--plan", NAME, "--units", "national-2024", "--data", str(data),
                         "--period", "2025", "--by-unit", "--lang", "en")  # fmt: skip
        assert code == 0
        lines = text.splitlines()
        assert lines[0].endswith("— 2025, by unit")
        body = lines[2 + N_TARGETS + 1 + 2 :]  # one key wraps onto two lines
        assert len(body) == 63
        assert [line.split()[0] for line in body[:3]] == ["01", "79", "26"]

    @pytest.mark.parametrize("fmt", ["csv", "json"])
    def test_by_unit_records(self, data: Path, fmt: str) -> None:
        """`--by-unit --format csv|json` writes the by_unit records."""
        code, text = run("evaluate", "--plan", NAME, "--data", str(data), "--period", "2025",
                         "--by-unit", "--format", fmt)  # fmt: skip
        assert code == 0
        records = list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else json.loads(text)
        assert len(records) == 63
        assert (records[0]["unit"], records[0]["procedures_online >= 80 %"]) == ("01", "achieved")
        assert str(records[0]["achieved"]) == "2"

    @pytest.mark.parametrize("fmt", ["markdown", "html"])
    def test_by_unit_other_formats(
        self, data: Path, fmt: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--by-unit` with another format is a usage error (exit 2)."""
        code, _ = run("evaluate", "--plan", NAME, "--data", str(data), "--by-unit", "--format", fmt)
        assert code == 2
        assert (
            one_line_error(capsys)
            == f"cchc: error: --by-unit writes --format table, csv or json, not {fmt}"
        )

    def test_end_to_end_in_a_process(self, data: Path) -> None:
        """`python -m cchc_indicators evaluate --plan vn-par-2021-2030 --units national-2024` runs."""
        proc = subprocess.run(
            [sys.executable, "-m", "cchc_indicators", "evaluate", "--plan", NAME, "--units",
             "national-2024", "--data", str(data), "--period", "2025", "--lang", "en"],
            capture_output=True, text=True, encoding="utf-8", check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert lines[0] == "Master Programme on State Administrative Reform 2021–2030"
        # achieved: 01 (2), 79 (2); with data also 01's 2030 online target and 26's three rows;
        # 63 x 13 = 819 rows, 8 with data
        assert "Summary: 13 targets for each of 63 units (819 results)" in lines
        assert "  Achieved               4" in lines
        assert "  No data              811" in lines
