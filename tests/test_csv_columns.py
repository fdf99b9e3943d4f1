"""The whole-array CSV reader against the csv module, cell by cell, and its fast paths by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_indicators.core._csv_columns import (
    CsvColumns,
    _eight_digits,
    _read_records,
    read_columns,
)
from cchc_indicators.core.errors import InvalidDataError

TEXTS = ("a", "b")
NUMBERS = ("x", "y")


def _as_lists(table: CsvColumns) -> dict[str, object]:
    """Everything a reader gives, as plain lists (NaN as None), for comparison."""
    out: dict[str, object] = {"header": table.header, "rows": table.rows.tolist()}
    for name, column in table.texts.items():
        out[name] = [str(column.texts[i]) for i in column.index.tolist()]
    for name, number in table.numbers.items():
        out[name] = [None if math.isnan(v) else v for v in number.values.tolist()]
        out[name + ".given"] = number.given.tolist()
        out[name + ".bad"] = number.bad.tolist()
        out[name + ".text"] = dict(sorted(number.bad_text.items()))
    return out


def _both(path: Path, block_bytes: int) -> tuple[object, object]:
    """What the whole-array reader and the csv module give, or the first line of their error."""
    return (
        _outcome(lambda: read_columns(path, TEXTS, NUMBERS, block_bytes=block_bytes)),
        _outcome(lambda: _read_records(path, TEXTS, NUMBERS, None)),
    )


def _outcome(read: Callable[[], CsvColumns]) -> object:
    try:
        return _as_lists(read())
    except InvalidDataError as err:
        return err.first_line()


# cells: codes, numbers of every kind the readers accept or refuse, blanks, quotes
_CELL = st.one_of(
    st.sampled_from(["", " ", "a", " b ", "26", "00001", "chi_tieu_cai_cach_dien_tu_01"]),
    st.sampled_from(["0", "7", "-3", "+2", "12.5", ".5", "5.", "1e3", "1_000", " 12 ", "inf"]),
    st.sampled_from(["nan", "abc", "1,5", "12345678", "123456789", "3.14159265358979"]),
    st.sampled_from(['"q"', '"a,b"', '""', '"x""y"', '" 4 "', '"line\nbreak"', "Hà Nam"]),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
_RECORD = st.lists(_CELL, min_size=0, max_size=6).map(",".join)
_LINE_END = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.permutations(["a", "b", "x", "y", "note"]))
    header = header[: draw(st.integers(3, 5))]
    records = draw(st.lists(_RECORD, max_size=12))
    ends = [draw(_LINE_END) for _ in range(len(records) + 1)]
    text = ",".join(header) + ends[0]
    text += "".join(r + e for r, e in zip(records, ends[1:], strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8")


class TestAgreesWithTheCsvModule:
    """Law: the whole-array reader gives what csv.reader and float(cell.strip()) give."""

    @given(data=_csv_files(), block=st.sampled_from([7, 16, 64, 1 << 20]))
    def test_whole_array_reader_equals_csv_module_cell_by_cell(
        self, data: bytes, block: int, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        """Any file, read in blocks of any size: the same cells, rows, numbers and errors."""
        path = tmp_path_factory.mktemp("csv") / "f.csv"
        path.write_bytes(data)
        ours, theirs = _both(path, block)
        assert ours == theirs

    @given(
        number=st.one_of(
            st.integers(-(10**17), 10**17).map(str),
            st.floats(allow_nan=False, allow_infinity=False).map(repr),
            st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
            st.from_regex(r"[+-]?[0-9]{0,9}\.?[0-9]{0,9}", fullmatch=True),
        )
    )
    def test_numbers_read_as_float_reads_them(
        self, number: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        """Each fast path (8 digits in a word, plain decimals) gives float()'s value exactly."""
        path = tmp_path_factory.mktemp("num") / "n.csv"
        path.write_text(f"x\n{number}\n", encoding="utf-8")
        column = read_columns(path, (), ("x",)).numbers["x"]
        try:
            expected = float(number)
        except ValueError:
            expected = None
        if not number.strip():
            assert not column.given.any()
        elif expected is None:
            assert column.bad.tolist() == [True]
            assert column.bad_text == {0: number}
        else:
            assert np.array_equal(column.values, [expected])
            assert np.signbit(column.values[0]) == (math.copysign(1.0, expected) < 0)


class TestByHand:
    """Hand-computed cases of the fast paths and the file structure."""

    @pytest.mark.parametrize("cell", ["(5", "*3", "!1", "#2", "$4", "&7", "'8", ")9", "5-", "1+"])
    def test_a_sign_is_only_plus_or_minus_in_front(self, cell: str, tmp_path: Path) -> None:
        """Other characters before or after the digits make the cell text, not a number."""
        path = tmp_path / "n.csv"
        path.write_text(f"x\n{cell}\n", encoding="utf-8")
        column = read_columns(path, (), ("x",)).numbers["x"]
        assert column.bad.tolist() == [True]
        assert column.bad_text == {0: cell}

    @pytest.mark.parametrize(
        ("cell", "value"), [("+5", 5.0), ("-5", -5.0), ("-0.5", -0.5), (" 5", 5.0)]
    )
    def test_a_sign_in_front_is_read(self, cell: str, value: float, tmp_path: Path) -> None:
        """A plus or a minus in front is the number's sign; a space in front is ignored."""
        path = tmp_path / "n.csv"
        path.write_text(f"x\n{cell}\n", encoding="utf-8")
        assert read_columns(path, (), ("x",)).numbers["x"].values.tolist() == [value]

    def test_eight_digits_in_a_word(self) -> None:
        """Eight ASCII digits in a little-endian word are the number they spell."""
        words = np.frombuffer(b"00000123" + b"12345678" + b"00000000" + b"99999999", "<u8")
        assert _eight_digits(words).tolist() == [123.0, 12345678.0, 0.0, 99999999.0]

    def test_rows_are_numbered_as_a_spreadsheet_shows_them(self, tmp_path: Path) -> None:
        """The header is row 1; a blank record is skipped but counted; a quoted newline is one row."""
        path = tmp_path / "f.csv"
        path.write_text('a,x\nk,1\n\n,,\nm,"2"\n"n\no",3\n', encoding="utf-8")
        table = read_columns(path, ("a",), ("x",), block_bytes=5)
        assert table.rows.tolist() == [2, 5, 6]
        assert [table.texts["a"].text(i) for i in range(3)] == ["k", "m", "n\no"]
        assert table.numbers["x"].values.tolist() == [1.0, 2.0, 3.0]

    def test_a_short_row_has_empty_cells_and_a_long_one_is_refused(self, tmp_path: Path) -> None:
        """Missing cells are empty; cells beyond the header that hold something are an error."""
        path = tmp_path / "f.csv"
        path.write_text("a,x\nk\nm,1,,\nn,2,extra\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            read_columns(path, ("a",), ("x",))
        assert str(info.value) == (
            f"{path}: 1 problem\n  row 4: the row has 3 cells but the header names 2 columns"
        )
        path.write_text("a,x\nk\nm,1,,\n", encoding="utf-8")
        table = read_columns(path, ("a",), ("x",))
        assert table.numbers["x"].given.tolist() == [False, True]

    def test_a_stray_quote_is_read_as_the_csv_module_reads_it(self, tmp_path: Path) -> None:
        """A quote inside a cell is text (the file is read again by the csv module)."""
        path = tmp_path / "f.csv"
        path.write_text('a,x\nsố 5",1\nb,2\n', encoding="utf-8")
        table = read_columns(path, ("a",), ("x",))
        assert [table.texts["a"].text(i) for i in range(2)] == ['số 5"', "b"]

    def test_not_utf8_names_the_byte_in_a_later_block(self, tmp_path: Path) -> None:
        """The byte is counted from the start of the file (after a byte-order mark)."""
        path = tmp_path / "f.csv"
        path.write_bytes(b"\xef\xbb\xbfa,x\n" + b"k,1\n" * 10 + b"H\xe0,2\n")
        with pytest.raises(InvalidDataError) as info:
            read_columns(path, ("a",), ("x",), block_bytes=8)
        assert "byte 45 cannot be read: invalid continuation byte" in str(info.value)

    def test_a_repeated_column_is_refused(self, tmp_path: Path) -> None:
        """A header naming a column twice is an error naming row 1."""
        path = tmp_path / "f.csv"
        path.write_text("a,x,a\n1,2,3\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            read_columns(path, ("a",), ("x",))
        assert info.value.first_line() == (
            f"{path}: row 1: column(s) 'a' appear more than once in the header"
        )
