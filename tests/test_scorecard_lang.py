"""The scorecard and the row labels in Vietnamese and English (issue 15, points 1 and 2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    Panel,
    catalog,
    datasets,
    measures,
    units,
)
from cchc_indicators.core import i18n
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import at_least, at_most, rank_at_most
from cchc_indicators.evaluation import COLUMNS, LABEL_COLUMNS, Evaluation, evaluate
from cchc_indicators.report.scorecard import by_unit, unit_table

Unit = tuple[str, str, str, str | None]

#: Vĩnh Phúc and two districts.
TIERS: tuple[Unit, ...] = (
    ("26", "Tỉnh Vĩnh Phúc", "province", None),
    ("243", "Thành phố Vĩnh Yên", "district", "26"),
    ("244", "Thành phố Phúc Yên", "district", "26"),
)


def hierarchy(rows: Sequence[Unit]) -> Hierarchy:
    levels = [lv for lv in ("province", "district", "commune") if any(u[2] == lv for u in rows)]
    return Hierarchy.from_records(
        [{"code": c, "name": n, "level": lv, "parent": p} for c, n, lv, p in rows],
        levels=levels,
    )


def panel(h: Hierarchy, inds: Sequence[Indicator], rows: Sequence[tuple[Any, ...]]) -> Panel:
    records = [{"indicator": c, "unit": u, "period": y, "value": v} for c, u, y, v in rows]
    return Panel.from_records(records, h, indicators=list(inds))


def small() -> tuple[Plan, Panel]:
    """Online share 91.44 % (≥ 90 %) and 2 districts' meetings (yes, no) against ≥ 50 % of them.

    The third indicator, days to resolve (≤ 10), has no value.
    """
    online = Indicator(
        "online",
        "Tỷ lệ hồ sơ trực tuyến",
        name_en="Dossiers online",
        measure=measures.percent(),
        targets=[at_least(90)],
    )
    meetings = Indicator(
        "meetings",
        "Họp trực tuyến",
        name_en="Online meetings",
        measure=measures.binary(),
        area="digital_government",
        targets=[at_least(50, tier="district", rule="share_meeting(== 1)")],
    )
    days = Indicator(
        "days", "Số ngày giải quyết", name_en="Days to resolve", unit="days", targets=[at_most(10)]
    )
    plan = Plan(
        "small",
        unit="26",
        title="Kế hoạch thử",
        title_en="A test plan",
        indicators=[online, meetings, days],
        baseline="2021",
        deadline="2025",
    )
    rows = [
        ("online", "26", 2025, 91.44),
        ("meetings", "243", 2025, 1.0),
        ("meetings", "244", 2025, 0.0),
    ]
    return plan, panel(hierarchy(TIERS), [online, meetings, days], rows)


def demo(period: object = None) -> Evaluation:
    return evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel(), period=period)


def national(unit_list: str = "national-2024") -> Evaluation:
    """The national programme on every province, with values for a few of them."""
    plan = catalog.load("vn-par-2021-2030")
    h = datasets.units(unit_list)
    rows = [
        {
            "indicator": "procedures_online",
            "unit": u,
            "period": y,
            "numerator": n,
            "denominator": 100,
        }
        for u, n in [(h.units("province")[0].code, 70), (h.units("province")[1].code, 85)]
        for y in (2022, 2023)
    ]
    return evaluate(plan, Panel.from_records(rows, h, indicators=plan.indicators))


class TestSmallPlan:
    def test_vietnamese_lines(self) -> None:
        """Every line in Vietnamese, written by hand: names, units, scopes, targets, tiers, summary."""
        plan, p = small()
        assert evaluate(plan, p).scorecard("vi").splitlines() == [
            "Kế hoạch thử",
            "Tỉnh Vĩnh Phúc (26) — Kỳ: 2025",
            "",
            "== Kết quả chung",
            "  Tỷ lệ hồ sơ trực tuyến",
            "      cấp tỉnh (tự thân)              91,4 %  ≥ 90 %                              Đạt",
            "  Số ngày giải quyết",
            "      cấp tỉnh (tự thân)                   —  ≤ 10 ngày                           "
            "Không có dữ liệu",
            "        Lý do: không có số liệu trong kỳ",
            "",
            "== Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
            "  Họp trực tuyến",
            "      các huyện                         50 %  ≥ 50 % số huyện                     Đạt",
            "        1/2 huyện đạt (≥ 50 % số huyện); Không đạt: 1",
            "",
            "Tổng hợp: 3 chỉ tiêu",
            "  Đạt                   2",
            "  Đúng tiến độ          0",
            "  Chậm tiến độ          0",
            "  Không đạt             0",
            "  Chưa đủ dữ liệu       0",
            "  Không có dữ liệu      1",
        ]

    def test_english_lines_with_codes(self) -> None:
        """The same in English, a decimal point, and each code after its name with codes=True."""
        plan, p = small()
        assert evaluate(plan, p).scorecard("en", codes=True).splitlines() == [
            "A test plan",
            "Tỉnh Vĩnh Phúc (26) — Period: 2025",
            "",
            "== Overall results",
            "  Dossiers online [online]",
            "      province level (itself)         91.4 %  ≥ 90 %                              Achieved",
            "  Days to resolve [days]",
            "      province level (itself)              —  ≤ 10 days                           No data",
            "        Why: no data for the period",
            "",
            "== E-government and digital government",
            "  Online meetings [meetings]",
            "      the districts                     50 %  ≥ 50 % of the districts             Achieved",
            "        1/2 districts met (≥ 50 % of the districts); Not achieved: 1",
            "",
            "Summary: 3 targets",
            "  Achieved               2",
            "  On track               0",
            "  Off track              0",
            "  Not achieved           0",
            "  Insufficient data      0",
            "  No data                1",
        ]

    def test_default_language_is_used_without_lang(self) -> None:
        """lang=None takes core.i18n.default_language()."""
        plan, p = small()
        ev = evaluate(plan, p)
        i18n.set_default_language("vi")
        try:
            assert ev.scorecard() == ev.scorecard("vi")
            assert ev.to_records()[0]["status_label"] == "Đạt"
        finally:
            i18n.set_default_language(None)

    @pytest.mark.parametrize("call", ["scorecard", "to_records", "to_json", "to_csv"])
    def test_an_unknown_language_is_refused(self, call: str) -> None:
        """lang='fr' is a DefinitionError naming the method and the languages."""
        plan, p = small()
        ev = evaluate(plan, p)
        with pytest.raises(DefinitionError, match=r"lang must be 'vi' or 'en', got 'fr'"):
            getattr(ev, call)("fr")

    @pytest.mark.parametrize("call", [by_unit, unit_table])
    def test_by_unit_refuses_an_unknown_language(self, call: Any) -> None:
        """by_unit and unit_table refuse lang='fr' too."""
        plan, p = small()
        with pytest.raises(DefinitionError, match=r"got 'fr'"):
            call(evaluate(plan, p), "fr")


class TestLabels:
    def test_records_keep_their_codes_and_add_labels(self) -> None:
        """The codes are the same in both languages; only the label keys differ."""
        plan, p = small()
        ev = evaluate(plan, p)
        vi, en = ev.to_records("vi"), ev.to_records("en")
        assert all(tuple(r) == COLUMNS + LABEL_COLUMNS for r in vi + en)
        assert [{k: r[k] for k in COLUMNS} for r in vi] == [{k: r[k] for k in COLUMNS} for r in en]
        assert [dict(r) for r in ev.rows] == [{k: r[k] for k in COLUMNS} for r in vi]
        first = {k: vi[0][k] for k in LABEL_COLUMNS}
        assert first == {
            "name_label": "Tỷ lệ hồ sơ trực tuyến",
            "value_label": "91,4 %",
            "scope_label": "cấp tỉnh (tự thân)",
            "target_label": "≥ 90 %",
            "status_label": "Đạt",
            "reason_label": "",
            "note_label": "",
        }
        assert {k: en[0][k] for k in LABEL_COLUMNS} == {
            "name_label": "Dossiers online",
            "value_label": "91.4 %",
            "scope_label": "province level (itself)",
            "target_label": "≥ 90 %",
            "status_label": "Achieved",
            "reason_label": "",
            "note_label": "",
        }

    def test_a_tier_unit_is_judged_by_the_condition_in_words(self) -> None:
        """A district's own row under share_meeting(== 1): '= có', its value 'có' or 'không'."""
        plan, p = small()
        rows = [r for r in evaluate(plan, p).to_records("vi") if r["unit"] in ("243", "244")]
        assert [(r["value_label"], r["target_label"], r["status_label"]) for r in rows] == [
            ("có", "= có", "Đạt"),
            ("không", "= có", "Không đạt"),
        ]

    def test_json_and_csv_carry_the_labels(self) -> None:
        """to_json and to_csv have the same label keys, in the language asked for."""
        import csv
        import io
        import json

        plan, p = small()
        ev = evaluate(plan, p)
        assert json.loads(ev.to_json("vi"))[0]["status_label"] == "Đạt"
        rows = list(csv.DictReader(io.StringIO(ev.to_csv("en"))))
        assert rows[-1]["reason_label"] == "no data for the period"
        assert rows[-1]["status"] == "no_data"

    def test_a_rank_k_kept_or_scaled_says_so_in_words(self) -> None:
        """Top 15 of 63 among 34 provinces: the target's words say k was kept, or scaled to 8."""
        h = units.load("vn-2025")
        provinces = h.units("province")
        par = Indicator(
            "par",
            "Chỉ số PAR",
            measure=measures.score(),
            targets=[rank_at_most(15, among="province")],
        )
        p = Panel.from_records(
            [
                {"indicator": "par", "unit": u.code, "period": 2025, "value": 50 + k}
                for k, u in enumerate(provinces)
            ],
            datasets.units("national-2025"),
            indicators=[par],
        )
        ours = Plan(
            "p",
            unit=provinces[0].code,
            indicators=[par],
            edition="2024",
            baseline="2021",
            deadline="2025",
        )
        same = evaluate(ours, p, rank_k="same").to_records("vi")[0]
        assert (
            same["target_label"]
            == "trong tốp 15 tỉnh (giữ nguyên k = 15: trước đây 63 tỉnh, nay 34)"
        )
        scaled = evaluate(ours, p, rank_k="scaled").to_records("en")[0]
        assert scaled["target_label"] == "in the top 8 provinces (15 of 63 provinces scaled to 34)"

    def test_by_unit_counts_in_words(self) -> None:
        """by_unit keeps status codes and adds status_label in the language."""
        records = by_unit(national(), "vi")
        assert records[0]["procedures_online >= 80 %"] in (
            "achieved",
            "not_achieved",
            "no_data",
            "off_track",
            "on_track",
            "insufficient_data",
        )
        assert "Không có dữ liệu" in records[0]["status_label"]

    def test_unit_table_in_vietnamese(self) -> None:
        """unit_table's title, legend and header are Vietnamese; the symbols stay."""
        lines = unit_table(national(), "vi").splitlines()
        assert (
            lines[0]
            == "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021–2030 — 2023, theo đơn vị"
        )
        assert lines[1].startswith("Trạng thái: A Đạt, T Đúng tiến độ, O Chậm tiến độ, N Không đạt")
        assert any(line.startswith("đơn vị tên") for line in lines)


class TestCatalogues:
    @pytest.mark.parametrize("lang", ["vi", "en"])
    @pytest.mark.parametrize("codes", [False, True])
    @pytest.mark.parametrize("period", [None, 2023, 2021])
    def test_vinh_phuc_fits_100_columns(self, lang: str, codes: bool, period: object) -> None:
        """Every line of the demo's scorecard is at most 100 columns, whatever the options."""
        text = demo(period).scorecard(lang, codes=codes)
        assert max(len(line) for line in text.splitlines()) <= 100

    @pytest.mark.parametrize("lang", ["vi", "en"])
    @pytest.mark.parametrize("unit_list", ["national-2024", "national-2025"])
    def test_national_programme_fits_100_columns(self, lang: str, unit_list: str) -> None:
        """The national programme on 63 (or 34) provinces fits 100 columns too."""
        text = national(unit_list).scorecard(lang, codes=True)
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= 100
        assert len(lines) > 63

    def test_mid_term_summary_counts_every_status(self) -> None:
        """At mid-term (2023) the summary counts on and off track, not only achieved (hand-read)."""
        ev = demo(2023)
        counts = ev.counts(ev.plan_rows())
        assert counts == {
            "achieved": 5,
            "on_track": 15,
            "off_track": 7,
            "not_achieved": 3,
            "insufficient_data": 0,
            "no_data": 0,
        }
        lines = ev.scorecard("vi").splitlines()
        k = lines.index("Tổng hợp: 30 chỉ tiêu")
        assert lines[k + 1 : k + 7] == [
            "  Đạt                   5",
            "  Đúng tiến độ         15",
            "  Chậm tiến độ          7",
            "  Không đạt             3",
            "  Chưa đủ dữ liệu       0",
            "  Không có dữ liệu      0",
        ]

    @pytest.mark.parametrize("period", [None, 2023, 2021])
    def test_every_row_without_a_verdict_says_why(self, period: object) -> None:
        """A row without a value, or insufficient_data / no_data, has a known reason in words."""
        for ev in (demo(period), national()):
            for r in ev.to_records("vi"):
                if r["value"] is None or r["status"] in ("insufficient_data", "no_data"):
                    assert r["reason"] in i18n._REASONS, r
                    assert r["reason_label"], r

    def test_the_scorecard_shows_each_reason(self) -> None:
        """Below each plan row without a verdict the scorecard prints its reason (Lý do: ...)."""
        ev = demo()
        lines = ev.scorecard("vi").splitlines()
        why = [r for r in ev.plan_rows() if r["reason"]]
        assert len(why) == sum(line.lstrip().startswith("Lý do: ") for line in lines)

    def test_synthetic_banner_in_both_languages(self) -> None:
        """The synthetic-data banner heads and ends the scorecard, in the language."""
        for lang, start in (("vi", "*** DỮ LIỆU GIẢ LẬP"), ("en", "*** SYNTHETIC DATA")):
            lines = demo().scorecard(lang).splitlines()
            assert lines[0].startswith(start)
            assert lines[-1] == lines[0]


class TestReasons:
    """Why a row gets insufficient_data or no_data with a value: one reason code each."""

    def ev(self, values: dict[int, float], period: int, **target: Any) -> dict[str, Any]:
        ind = Indicator("x", "X", measure=measures.score(), targets=[at_least(80, **target)])
        plan = Plan("p", unit="26", indicators=[ind], baseline="2021", deadline="2025")
        p = panel(hierarchy(TIERS[:1]), [ind], [("x", "26", y, v) for y, v in values.items()])
        return evaluate(plan, p, period=period).to_records("en")[0]

    def test_one_value_before_the_deadline(self) -> None:
        """One value in 2023, two years before the deadline: no line to project (one_value)."""
        r = self.ev({2023: 70}, 2023)
        assert (r["status"], r["reason"]) == ("insufficient_data", "one_value")
        assert r["reason_label"] == "only one value before the deadline: a projection needs two"

    def test_a_period_without_data(self) -> None:
        """Every period judged, 2022 missing: periods_without_data."""
        r = self.ev({2021: 90, 2023: 90}, 2023, each_period=True)
        assert (r["status"], r["reason"]) == ("insufficient_data", "periods_without_data")
        assert r["periods_without_data"] == "2022"

    def test_before_the_first_period(self) -> None:
        """Evaluated in 2020, before the baseline 2021: nothing is judged yet (not_started)."""
        r = self.ev({2020: 90, 2021: 90}, 2020, each_period=True)
        assert (r["status"], r["reason"]) == ("insufficient_data", "not_started")

    def test_a_value_but_none_in_the_periods_judged(self) -> None:
        """A value in 2026 only, past the 2025 deadline: no period judged has one (no_data_in_periods)."""
        r = self.ev({2020: 90, 2026: 90}, 2026, each_period=True)
        assert (r["status"], r["reason"]) == ("no_data", "no_data_in_periods")
        assert r["value"] == 90.0

    def test_a_row_with_a_verdict_has_no_reason(self) -> None:
        """Achieved with a value: no reason, an empty reason_label."""
        r = self.ev({2025: 90}, 2025)
        assert (r["status"], r["reason"], r["reason_label"]) == ("achieved", None, "")
