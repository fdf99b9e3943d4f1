"""The plain-text tables of index results in Vietnamese: headings, step words, decimal commas."""

from __future__ import annotations

import io

import pytest

from cchc_indicators.cli import main
from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
from cchc_indicators.composite.uncertainty import uncertainty
from cchc_indicators.core.errors import DefinitionError

DATA = Observations.from_values(
    {"a": [90.0, 60.0, 30.0], "b": [5.0, 10.0, float("nan")]}, ["A", "B", "C"]
)
WITH_POP = Observations.from_values(
    {"a": [90.0, 60.0, 30.0], "b": [5.0, 10.0, float("nan")], "pop": [10.0, 20.0, 40.0]},
    ["A", "B", "C"],
)


def index(**steps: object) -> CompositeIndex:
    return CompositeIndex("i", children=[Node("a"), Node("b", weight=3)], **steps)  # type: ignore[arg-type]


def test_the_table_in_vietnamese() -> None:
    """B: (50 + 3 x 100) / 4 = 87.5, written 87,5; the headings and the last line in Vietnamese."""
    text = compute_index(index(), DATA).table(lang="vi")
    lines = text.splitlines()
    assert lines[0].split() == ["hạng", "đơn", "vị", "điểm", "a", "b"]
    assert lines[2].split() == ["1", "B", "87,5", "50,0", "100,0"]
    assert lines[-1] == (
        "i, kỳ —: chuẩn hoá minmax; phương pháp tổng hợp arithmetic; "
        "bổ khuyết dữ liệu thiếu none; trọng số danh nghĩa"
    )


def test_english_is_the_method_line() -> None:
    r = compute_index(index(), DATA)
    assert r.method_text("en") == r.method
    assert r.table(lang="en").splitlines()[-1] == f"i, period —: {r.method}"


def test_every_step_has_its_words() -> None:
    idx = CompositeIndex(
        "i",
        children=[
            Node("a", denominator="pop", per=1000, normalisation="zscore"),
            Node("b", imputation="mean"),
        ],
        screening={"min_share": 0.5},
        treatment="log_ct",
    )
    text = compute_index(idx, WITH_POP).method_text("vi")
    assert text.startswith(
        "chia theo mẫu số a per 1000 pop; chuẩn hoá minmax (theo chỉ tiêu: a zscore);"
    )
    assert "bổ khuyết dữ liệu thiếu none (theo chỉ tiêu: b mean)" in text
    assert "sàng lọc đơn vị min_share 0,5" in text
    assert text.endswith("xử lý giá trị ngoại lai log_ct")


def test_a_node_s_table_names_the_node() -> None:
    idx = CompositeIndex("i", children=[Node("d", children=[Node("a"), Node("b")])])
    last = compute_index(idx, DATA).table("d", lang="vi").splitlines()[-1]
    assert last.startswith("i, nút d, kỳ —: ")


def test_the_uncertainty_table_in_vietnamese() -> None:
    u = uncertainty(index(), DATA, n=50, seed=1, weights=0.5, rank_target=1)
    lines = u.table(lang="vi").splitlines()
    assert lines[0].split()[:4] == ["hạng", "đơn", "vị", "điểm"]
    assert "Xác suất trong tốp 1" in lines[0]
    assert lines[-1] == "50 lần lặp, hạt giống 1; thay đổi: weights noise ±0,5"
    assert "," in lines[2].split()[2]


@pytest.mark.parametrize("call", ["table", "method_text"])
def test_an_unknown_language_is_refused(call: str) -> None:
    r = compute_index(index(), DATA)
    with pytest.raises(DefinitionError, match="'fr'"):
        getattr(r, call)(lang="fr") if call == "table" else r.method_text("fr")


def test_the_uncertainty_table_refuses_an_unknown_language() -> None:
    u = uncertainty(index(), DATA, n=10, seed=1)
    with pytest.raises(DefinitionError, match="'fr'"):
        u.table(lang="fr")


def test_cchc_index_in_vietnamese(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "i.json").write_text(index().to_json(), encoding="utf-8")
    rows = "indicator,unit,period,value\na,A,2024,90\na,B,2024,60\nb,A,2024,5\nb,B,2024,10\n"
    (folder / "d.csv").write_text(rows, encoding="utf-8")
    out = io.StringIO()
    argv = ["index", "--structure", str(folder / "i.json"), "--data", str(folder / "d.csv")]
    assert main([*argv, "--lang", "vi"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["hạng", "đơn", "vị", "điểm"]
    assert lines[-1].startswith("i, kỳ 2024: chuẩn hoá minmax")


def test_the_synthetic_note_in_vietnamese() -> None:
    """The warning that data are made up is in the table's language."""
    from cchc_indicators.core._notes import SYNTHETIC_NOTE

    data = Observations.from_values(
        {"a": [1.0, 2.0], "b": [3.0, 4.0]}, ["A", "B"], note=SYNTHETIC_NOTE
    )
    r = compute_index(index(), data)
    assert r.table(lang="vi").splitlines()[-1].startswith("DỮ LIỆU GIẢ LẬP")
    assert r.table(lang="en").splitlines()[-1] == SYNTHETIC_NOTE
    u = uncertainty(index(), data, n=10, seed=1)
    assert u.table(lang="vi").splitlines()[-1].startswith("DỮ LIỆU GIẢ LẬP")
