"""The Vietnamese and English text of the outputs: catalogues, numbers, labels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators.core import i18n
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.targets import (
    STATUSES,
    at_least,
    at_most,
    increase_by,
    no_worse_than_previous,
    rank_at_most,
    reduce_by,
)

ROOT = Path(__file__).resolve().parent.parent


def test_catalogues_are_complete_and_compiled() -> None:
    """Every message marked in the code has a translation in both catalogues; the .mo are current."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "catalogues.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("status", "vi", "en"),
    [
        ("achieved", "Đạt", "Achieved"),
        ("not_achieved", "Không đạt", "Not achieved"),
        ("on_track", "Đúng tiến độ", "On track"),
        ("off_track", "Chậm tiến độ", "Off track"),
        ("insufficient_data", "Chưa đủ dữ liệu", "Insufficient data"),
        ("no_data", "Không có dữ liệu", "No data"),
    ],
)
def test_status_labels(status: str, vi: str, en: str) -> None:
    assert i18n.status_label(status, "vi") == vi
    assert i18n.status_label(status, "en") == en


def test_every_status_has_a_label() -> None:
    """No status falls back to its code."""
    for lang in i18n.LANGUAGES:
        assert all(i18n.status_label(s, lang) != s for s in STATUSES)


@pytest.mark.parametrize(
    ("x", "digits", "vi", "en"),
    [
        (91.44, 1, "91,4", "91.4"),
        (91.45, 1, "91,5", "91.5"),
        (91.0, 1, "91", "91"),
        (-8.64, 1, "-8,6", "-8.6"),
        (-0.04, 1, "0", "0"),
        (10051, 0, "10.051", "10,051"),
        (1234567.25, 2, "1.234.567,25", "1,234,567.25"),
        (0.5, 0, "0", "0"),
        (1.5, 0, "2", "2"),
        (1e300, 1, None, None),
    ],
)
def test_numbers_by_hand(x: float, digits: int, vi: str | None, en: str | None) -> None:
    """Decimal comma and dot thousands in Vietnamese; the reverse in English."""
    if vi is None:  # a huge number is written whole, without a decimal part
        text = i18n.number(x, "en", digits)
        assert "." not in text
        assert text.replace(",", "").isdigit()
        return
    assert i18n.number(x, "vi", digits) == vi
    assert i18n.number(x, "en", digits) == en


def test_missing_and_infinite_numbers() -> None:
    assert i18n.number(None, "vi") == i18n.number(float("nan"), "en") == "—"
    assert i18n.percent(None, "en") == "—"
    assert i18n.number(float("inf"), "en") == "∞"
    assert i18n.number(float("-inf"), "vi") == "-∞"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 4))
def test_vietnamese_number_reads_back_as_the_english_one(x: float, digits: int) -> None:
    """Swapping the separators of the Vietnamese text gives the English text, which parses to x rounded."""
    vi, en = i18n.number(x, "vi", digits), i18n.number(x, "en", digits)
    swapped = vi.replace(".", "\0").replace(",", ".").replace("\0", ",")
    assert swapped == en
    assert float(en.replace(",", "")) == pytest.approx(round(x, digits), abs=10.0**-digits)


@pytest.mark.parametrize(
    ("target", "unit", "vi", "en"),
    [
        (at_least(80), "%", "≥ 80 %", "≥ 80 %"),
        (at_most(3), "days", "≤ 3 ngày", "≤ 3 days"),
        (at_least(97.5), "%", "≥ 97,5 %", "≥ 97.5 %"),
        (
            reduce_by(0.10, baseline=2021),
            "count",
            "giảm ≥ 10 % so với 2021",
            "down by ≥ 10 % on 2021",
        ),
        (increase_by(0.05, baseline="2020"), "%", "tăng ≥ 5 % so với 2020", "up by ≥ 5 % on 2020"),
        (
            rank_at_most(15, among="province"),
            "rank",
            "trong tốp 15 tỉnh",
            "in the top 15 provinces",
        ),
        (
            at_least(80, tier="district", rule="share_meeting(== 1)"),
            "yes/no",
            "≥ 80 % số huyện",
            "≥ 80 % of the districts",
        ),
        (
            no_worse_than_previous(),
            "points",
            "không kém hơn kỳ trước, mỗi kỳ",
            "no worse than the period before, every period",
        ),
        (
            at_least(85, fields=("land", "investment")),
            "%",
            "≥ 85 % ở từng lĩnh vực",
            "≥ 85 % in each field",
        ),
    ],
)
def test_targets_in_words(target: object, unit: str, vi: str, en: str) -> None:
    assert i18n.target_label(target, "vi", unit) == vi  # type: ignore[arg-type]
    assert i18n.target_label(target, "en", unit) == en  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scope", "level", "vi", "en"),
    [
        ("own", "province", "cấp tỉnh (tự thân)", "province level (itself)"),
        ("own", "district", "cấp huyện (tự thân)", "district level (itself)"),
        ("territory", "province", "toàn tỉnh", "whole province"),
        ("tier:district", None, "các huyện", "the districts"),
        ("tier:commune", "province", "các xã", "the communes"),
        ("own", "ward", "đơn vị (tự thân)", "the unit itself"),
        ("territory", None, "toàn địa bàn", "whole territory"),
        ("tier:zone", None, "tier:zone", "tier:zone"),
    ],
)
def test_scopes_in_words(scope: str, level: str | None, vi: str, en: str) -> None:
    assert i18n.scope_label(scope, "vi", level) == vi
    assert i18n.scope_label(scope, "en", level) == en


def test_other_labels() -> None:
    assert i18n.area_label("procedures", "vi") == "Cải cách thủ tục hành chính"
    assert i18n.area_label("some_area", "en") == "Some area"
    assert i18n.level_label("commune", "vi", plural=True) == "xã"
    assert i18n.level_label("district", "en", plural=True) == "districts"
    assert i18n.level_label("district", "en") == "district"
    assert i18n.scope_label("whatever", "en", "province") == "whatever"  # not a scope: as is
    assert i18n.level_label("zone", "vi") == "zone"
    assert i18n.unit_label("points", "vi") == "điểm"
    assert i18n.unit_label("count", "vi") == ""
    assert i18n.unit_label("%", "en") == "%"
    assert i18n.reason_label("zero_denominator", "vi") == "mẫu số bằng 0"
    assert i18n.reason_label("", "vi") == ""
    assert i18n.targets_count(1, "en") == "1 target"
    assert i18n.targets_count(2, "en") == "2 targets"
    assert i18n.targets_count(1500, "vi") == "1.500 chỉ tiêu"


@pytest.mark.parametrize("lang", ["fr", "VI", "", None, 1])
def test_unknown_language_is_refused(lang: object) -> None:
    with pytest.raises(DefinitionError, match="lang must be 'vi' or 'en'"):
        i18n.gettext("Achieved", lang)  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="lang must be 'vi' or 'en'"):
        i18n.number(1.0, lang)  # type: ignore[arg-type]


def test_unknown_status_is_refused() -> None:
    with pytest.raises(DefinitionError, match="unknown status 'done'"):
        i18n.status_label("done", "vi")


def test_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """set_default_language wins over CCHC_LANG, which wins over English."""
    i18n.set_default_language(None)
    monkeypatch.delenv("CCHC_LANG", raising=False)
    assert i18n.default_language() == "en"
    monkeypatch.setenv("CCHC_LANG", "vi")
    assert i18n.default_language() == "vi"
    monkeypatch.setenv("CCHC_LANG", "xx")  # an unknown value is ignored
    assert i18n.default_language() == "en"
    i18n.set_default_language("vi")
    try:
        assert i18n.default_language() == "vi"
        with pytest.raises(DefinitionError):
            i18n.set_default_language("de")
    finally:
        i18n.set_default_language(None)
