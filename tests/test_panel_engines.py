"""Panel.from_csv's engines (pyarrow and the whole-array reader) give the same panel and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators import Hierarchy, Indicator, Panel, measures
from cchc_indicators.core.errors import CchcError, DefinitionError
from cchc_indicators.data import _panel_arrow

UNITS = Hierarchy.from_records(
    [
        {"code": "26", "name": "P", "level": "province"},
        {"code": "243", "name": "D1", "level": "district", "parent": "26"},
        {"code": "244", "name": "D2", "level": "district", "parent": "26"},
    ]
)
DEFS = [
    Indicator("pct", "P", measure=measures.percent()),
    Indicator("cnt", "C", measure=measures.count()),
]


def _outcome(path: Path, engine: str) -> Any:
    """The panel's observations and row numbers, or the error's text."""
    try:
        panel = Panel.from_csv(path, UNITS, indicators=DEFS, engine=engine)
    except CchcError as err:
        return type(err).__name__, str(err)
    rows = {c: panel.data_of(c).row.tolist() for c in panel.indicator_codes}
    return panel.to_records(), rows, panel.periods


_CELLS = {
    "indicator": st.sampled_from(["pct", "cnt", " pct ", "", "zzz"]),
    "unit": st.sampled_from(["26", "243", "244", " 243", "999", ""]),
    "period": st.sampled_from(["2023", "2024", "2024-Q1", "x", ""]),
    "value": st.sampled_from(["", "5", "50.5", "-1", "abc", "1e2", "inf", " 7"]),
    "numerator": st.sampled_from(["", "3", "0", "12"]),
    "denominator": st.sampled_from(["", "10", "0", "4"]),
}


@st.composite
def _files(draw: st.DrawFn) -> str:
    columns = draw(st.permutations(list(_CELLS)))
    rows = draw(st.lists(st.tuples(*(_CELLS[c] for c in columns)), max_size=8))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(columns)] + [",".join(r) for r in rows]
    if draw(st.booleans()) and lines[1:]:
        lines.insert(
            draw(st.integers(1, len(lines))), draw(st.sampled_from(["", ",,,,,", '"pct"']))
        )
    return end.join(lines) + end


class TestEnginesAgree:
    """Law: pyarrow's reader and the whole-array reader give the same panel or the same error."""

    @given(text=_files())
    def test_engines_give_the_same_panel_or_error(
        self, text: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        """Same observations, row numbers and periods; or the same error, word for word."""
        path = tmp_path_factory.mktemp("engines") / "obs.csv"
        path.write_text(text, encoding="utf-8")
        assert _outcome(path, "arrow") == _outcome(path, "numpy")


class TestArrowEngine:
    """When pyarrow reads a file, and when it hands the file to the whole-array reader."""

    def test_a_plain_file_is_read_by_pyarrow(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file with no quote and no blank line goes through pyarrow's reader."""
        calls = []
        real = _panel_arrow.csv_columns

        def spy(path: Path) -> Any:
            calls.append(real(path))
            return calls[-1]

        monkeypatch.setattr("cchc_indicators.data._panel_read.csv_columns", spy)
        path = tmp_path / "obs.csv"
        path.write_text("indicator,unit,period,value\ncnt,243,2024,5\n", encoding="utf-8")
        panel = Panel.from_csv(path, UNITS, engine="arrow")
        assert len(calls) == 1
        assert calls[0] is not None
        assert panel.value("cnt", "243", "2024") == 5.0

    def test_a_quoted_header_is_still_plain(self, tmp_path: Path) -> None:
        """pyarrow's own writer quotes the header: such a file is read by pyarrow."""
        path = tmp_path / "obs.csv"
        path.write_text('"indicator","unit","period","value"\ncnt,243,2024,5\n', encoding="utf-8")
        assert _panel_arrow.csv_columns(path) is not None
        assert _outcome(path, "arrow") == _outcome(path, "numpy")

    @pytest.mark.parametrize(
        "text",
        [
            'indicator,unit,period,value\n"cnt",243,2024,5\n',  # a quote
            '"indicator\n",unit,period,value\ncnt,243,2024,5\n',  # a line end in the header
            "indicator,unit,period,value\n\ncnt,243,2024,5\n",  # an empty line
            "indicator,unit,period,value\r\n\r\ncnt,243,2024,5\r\n",  # an empty CRLF line
            "indicator,unit,period,value\rcnt,243,2024,5\r",  # lone carriage returns
            "\nindicator,unit,period,value\ncnt,243,2024,5\n",  # an empty first line
            "indicator,unit,period,value,value\ncnt,243,2024,5,5\n",  # a repeated column
            "indicator,unit,value\ncnt,243,5\n",  # a missing column
            "indicator,unit,period,value\ncnt,243,2024,1_000\n",  # a number pyarrow refuses
            "indicator,unit,period,value\ncnt,243,2024\n",  # a short row
            "indicator,unit,period,value\n,,,\n",  # a record of empty cells
            "",  # an empty file
        ],
    )
    def test_files_pyarrow_cannot_number_alike_go_to_the_whole_array_reader(
        self, text: str, tmp_path: Path
    ) -> None:
        """pyarrow declines (None); the whole-array reader then gives the answer."""
        path = tmp_path / "obs.csv"
        path.write_text(text, encoding="utf-8")
        assert _panel_arrow.csv_columns(path) is None
        assert _outcome(path, "arrow") == _outcome(path, "numpy")

    def test_a_missing_file_is_declined(self, tmp_path: Path) -> None:
        """A file that cannot be opened is left to the reader that names the cause."""
        assert _panel_arrow.csv_columns(tmp_path / "absent.csv") is None
        assert _panel_arrow.csv_columns(tmp_path) is None

    def test_a_latin1_header_is_declined(self, tmp_path: Path) -> None:
        """A header that is not UTF-8 is left to the reader that names the byte."""
        path = tmp_path / "obs.csv"
        path.write_bytes("indicator,unit,period,giá\n".encode("latin-1"))
        assert _panel_arrow.csv_columns(path) is None

    def test_an_unknown_engine_is_a_definition_error(self, tmp_path: Path) -> None:
        """engine must be one of auto, numpy, arrow."""
        with pytest.raises(DefinitionError) as info:
            Panel.from_csv(tmp_path / "x.csv", UNITS, engine="polars")
        assert str(info.value) == (
            "Panel.from_csv: engine must be 'auto', 'numpy' or 'arrow', got 'polars'"
        )
