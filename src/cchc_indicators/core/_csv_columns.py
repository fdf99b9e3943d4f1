"""A column-wise CSV reader: whole-array parsing of the columns a reader needs.

The file is read in blocks of whole records. In each block the separators
are found with array operations (quotes masked by a running parity), the
cells of the wanted columns are gathered into fixed-width byte matrices,
text columns are factorised on their raw bytes (the distinct values only are
unquoted, stripped and decoded, as :mod:`csv` and :meth:`str.strip` would do)
and number columns are converted in bulk: plain decimals (an optional sign,
digits, at most one point, at most 15 digits) by exact integer arithmetic,
anything else through NumPy's text-to-float cast, which has Python's
:func:`float` semantics, and texts that are not numbers are kept for the
messages. No Python code runs per row or per cell; only per block, per
distinct text and per problem.

The result is the same as reading the file with :func:`csv.reader` and
parsing each cell with ``float(cell.strip())``: blank records are skipped,
rows are numbered as a spreadsheet shows them (the header is row 1), a row
with fewer cells than the header has its missing cells empty, and a row with
more non-blank cells than the header has columns is refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._loading import file_problem
from cchc_indicators.core.errors import CchcError, InvalidDataError, Problem

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Bytes read per block; a record longer than this makes its block longer.
BLOCK_BYTES = 1 << 23
_BOM = b"\xef\xbb\xbf"
_QUOTE, _COMMA, _LF, _CR = 34, 44, 10, 13
#: Bytes that do not make a cell non-blank: ASCII white space, quotes, commas.
_CONTENT = np.ones(256, dtype=bool)
_CONTENT[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, _QUOTE, _COMMA]] = False
_BLANKS = tuple(bytes([c]) for c in (9, 11, 12, 13, 28, 29, 30, 31, 32, _QUOTE))
_KIND = np.zeros(256, dtype=np.uint8)
_KIND[[_COMMA, _LF, _CR]] = [1, 2, 3]
#: Plain decimals at most this many digits long are parsed exactly by integer arithmetic.
_FAST_DIGITS = 15
_POW10 = 10.0 ** np.arange(_FAST_DIGITS + 1)
#: Bytes of padding before and after a block, so that 8-byte words can be read at any cell.
_PAD = 8
_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
#: ``_LOW[k]`` keeps the first ``k`` bytes of a little-endian word, ``_HIGH[k]`` the last ``k``.
_LOW = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)
_HIGH = np.array(
    [~((1 << (8 * (8 - k))) - 1) & 0xFFFFFFFFFFFFFFFF for k in range(9)], dtype=np.uint64
)
_ZEROS = np.uint64(0x3030303030303030)  # eight '0' characters


class TextColumn:
    """A factorised text column: the distinct texts and each row's position among them."""

    __slots__ = ("index", "texts")

    def __init__(self, texts: NDArray[np.str_], index: NDArray[np.signedinteger[Any]]) -> None:
        self.texts = texts
        self.index = index

    def text(self, i: int) -> str:
        """The text of row ``i``."""
        return str(self.texts[self.index[i]])


class NumberColumn:
    """A number column: floats (NaN where not given), where given, where not finite or not a number."""

    __slots__ = ("bad", "bad_text", "given", "values")

    def __init__(
        self, values: FloatArray, given: BoolArray, bad: BoolArray, bad_text: dict[int, str]
    ) -> None:
        self.values = values
        self.given = given
        self.bad = bad
        self.bad_text = bad_text


class CsvColumns:
    """The wanted columns of a CSV file, in file order, blank records left out."""

    __slots__ = ("header", "n", "numbers", "rows", "texts")

    def __init__(
        self,
        header: list[str],
        texts: dict[str, TextColumn],
        numbers: dict[str, NumberColumn],
        rows: IntArray,
    ) -> None:
        self.header = header
        self.texts = texts
        self.numbers = numbers
        self.rows = rows
        self.n = len(rows)


# --------------------------------------------------------------------------- file level


def read_columns(
    path: Path,
    texts: Sequence[str],
    numbers: Sequence[str],
    *,
    check_header: Callable[[list[str]], None] | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> CsvColumns:
    """Read the columns ``texts`` and ``numbers`` of a UTF-8 CSV file, whole-array.

    Columns absent from the header are left out of the result.
    ``check_header`` is called with the header (stripped) before the body
    is read, so that a missing column is reported before anything else.

    Raises
    ------
    InvalidDataError
        If the file cannot be read or is not UTF-8 (naming the byte), the
        header names a column twice, or rows have more non-blank cells than
        the header has columns (naming every such row).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidDataError([file_problem(path, exc)], source=str(path)) from None
    except ValueError as exc:  # a path with a NUL character
        problem = Problem(f"not a usable file name: {exc}", kind="unreadable")
        raise InvalidDataError([problem], source=str(path)) from None
    with handle:
        try:
            return _read(handle, path, texts, numbers, check_header, block_bytes)
        except Irregular:
            pass  # a stray quote: the file is read again, record by record, by the csv module
        except OSError as exc:  # a folder opens on some systems and fails on read
            raise InvalidDataError([file_problem(path, exc)], source=str(path)) from None
    return _read_records(path, texts, numbers, check_header)


def read_text_columns(
    path: Path,
    names: Sequence[str],
    *,
    check_header: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], dict[str, NDArray[np.str_]], IntArray]:
    """The header, the columns ``names`` the header has (as stripped text) and the row numbers.

    :func:`read_columns` for readers that check their columns as text
    arrays: the texts are factorised while reading, then gathered once.
    """
    table = read_columns(path, names, (), check_header=check_header)
    columns = {
        name: (column.texts[column.index] if table.n else np.array([], dtype=str))
        for name, column in table.texts.items()
    }
    return table.header, columns, table.rows


def _read_records(
    path: Path,
    texts: Sequence[str],
    numbers: Sequence[str],
    check_header: Callable[[list[str]], None] | None,
) -> CsvColumns:
    """:func:`read_columns` through :func:`csv.reader`, for files with a quote inside a cell."""
    from cchc_indicators.core._validate import factorize, parse_numbers, read_csv

    header, records, rows = read_csv(path)
    if check_header is not None:
        check_header(header)
    where = {name: header.index(name) for name in (*texts, *numbers) if name in header}

    def cells(j: int) -> list[str]:
        return [r[j] if j < len(r) else "" for r in records]

    text_columns = {}
    for name in texts:
        if name in where:
            distinct, index = factorize(
                np.array([c.strip() for c in cells(where[name])], dtype=str)
            )
            text_columns[name] = TextColumn(distinct, index)
    number_columns = {}
    for name in numbers:
        if name in where:
            (values, given, bad), bad_text = parse_numbers(cells(where[name]))
            number_columns[name] = NumberColumn(values, given, bad, bad_text)
    return CsvColumns(header, text_columns, number_columns, rows)


def _read(
    handle: BinaryIO,
    path: Path,
    texts: Sequence[str],
    numbers: Sequence[str],
    check_header: Callable[[list[str]], None] | None,
    block_bytes: int,
) -> CsvColumns:
    blocks = _Blocks(handle, path, block_bytes)
    header_bytes = blocks.header()
    header_text = io.StringIO(header_bytes.decode("utf-8"), newline="")
    header = [h.strip() for h in next(csv.reader(header_text), [])]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        blocks.check_rest()
        names = ", ".join(repr(h) for h in twice)
        problem = Problem(
            f"column(s) {names} appear more than once in the header",
            row=1,
            kind="duplicate_column",
        )
        raise InvalidDataError([problem], source=str(path))
    if check_header is not None:
        try:
            check_header(header)
        except CchcError:
            blocks.check_rest()  # a file that is not UTF-8 is said first, as for any reader
            raise
    where = {name: header.index(name) for name in (*texts, *numbers) if name in header}
    text_parts: dict[str, _TextParts] = {name: _TextParts() for name in texts if name in where}
    number_parts: dict[str, list[NumberColumn]] = {n: [] for n in numbers if n in where}
    row_parts: list[IntArray] = []
    problems: list[Problem] = []
    first_record = 2
    block: _Block | None = None
    for data in blocks:
        block = _Block(data, len(header), first_record)
        first_record += block.n_records
        problems.extend(block.extra_cell_problems())
        if len(problems) > 1000:
            break
        row_parts.append(block.rows)
        for name, parts in text_parts.items():
            parts.add(block.cells(where[name]))
        for name, chunks in number_parts.items():
            chunks.append(_numbers(block.cells(where[name])))
    if problems:
        raise InvalidDataError(problems, source=str(path))
    block = None  # the last block's bytes are freed before the columns are joined
    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    row_parts.clear()
    # each column is joined, then its blocks' parts freed, so that memory peaks at one column
    text_columns = {name: text_parts.pop(name).column() for name in list(text_parts)}
    number_columns = {
        name: _join_numbers(number_parts.pop(name), len(rows)) for name in list(number_parts)
    }
    return CsvColumns(header, text_columns, number_columns, rows)


class _Blocks:
    """The body of a CSV file in blocks of whole records, checked to be UTF-8."""

    def __init__(self, handle: BinaryIO, path: Path, block_bytes: int) -> None:
        self.handle = handle
        self.path = path
        self.block_bytes = block_bytes
        self.pending = b""
        self.offset = 0  # bytes of the file (after any byte-order mark) before self.pending
        self.eof = False

    def _more(self) -> bool:
        data = self.handle.read(self.block_bytes)
        if not data:
            self.eof = True
            return False
        if self.offset == 0 and not self.pending and data.startswith(_BOM):
            data = data[len(_BOM) :]
        self.pending += data
        return True

    def _take(self, end: int) -> bytes:
        out, self.pending = self.pending[:end], self.pending[end:]
        try:
            out.decode("utf-8")
        except UnicodeDecodeError as exc:
            moved = UnicodeDecodeError(
                "utf-8", out, self.offset + exc.start, self.offset + exc.end, exc.reason
            )
            raise InvalidDataError(
                [file_problem(self.path, moved)], source=str(self.path)
            ) from None
        self.offset += end
        return out

    def header(self) -> bytes:
        """The header record (without its line end)."""
        while True:
            end = _record_end(self.pending, first=True, eof=self.eof)
            if end >= 0 or not self._more():
                break
        if end < 0:
            end = _record_end(self.pending, first=True, eof=True)
        if end < 0:
            end = len(self.pending)
        return self._take(end)

    def check_rest(self) -> None:
        """Read the rest of the file, only to say if it is not UTF-8 (before another error)."""
        while self._more():
            cut = len(self.pending) - 1  # keep the last character, which may go on in the next read
            while cut > 0 and self.pending[cut] & 0xC0 == 0x80:
                cut -= 1
            self._take(max(cut, 0))
        self._take(len(self.pending))

    def __iter__(self) -> Any:
        while True:
            while not self.eof and len(self.pending) < self.block_bytes:
                if not self._more():
                    break
            if not self.pending:
                return
            end = _record_end(self.pending, first=False, eof=self.eof)
            while end < 0 and self._more():  # a record longer than a block
                end = _record_end(self.pending, first=False, eof=self.eof)
            if end < 0:
                end = len(self.pending)
            yield self._take(end)


def _record_end(data: bytes, *, first: bool, eof: bool) -> int:
    """Where the first (or the last) whole record of ``data`` ends, past its line end; -1 if none.

    A line ends with ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as :func:`csv.reader`
    reads them), outside quotes. A ``\\r`` that ends ``data`` before the end of
    the file is not taken as a line end: a ``\\n`` may follow it.
    """
    if not data:
        return -1
    b = np.frombuffer(data, dtype=np.uint8)
    line_end = b == _LF
    cr = b == _CR
    if cr.any():
        lone = cr.copy()
        lone[:-1] &= b[1:] != _LF
        if not eof:
            lone[-1] = False
        line_end |= lone
    if b'"' in data:
        line_end &= ~np.bitwise_xor.accumulate(b == _QUOTE)
    ends = np.flatnonzero(line_end)
    if not len(ends):
        return -1
    return int(ends[0 if first else -1]) + 1


# --------------------------------------------------------------------------- block level


class Irregular(Exception):
    """A block the whole-array reader does not parse as :mod:`csv` would (a stray quote)."""


class _Block:
    """The records of one block: where each cell starts and ends, which records are kept."""

    def __init__(self, data: bytes, width: int, first_record: int) -> None:
        if not data.endswith(b"\n") and not data.endswith(b"\r"):
            data += b"\n"
        padded = bytes(_PAD) + data + bytes(_PAD)
        b = np.frombuffer(data, dtype=np.uint8)
        self.b = b
        # the 8 bytes from every position, as one unsigned integer (little-endian)
        self.words = np.ndarray(
            (len(data) + _PAD + 1,), dtype="<u8", buffer=padded, offset=0, strides=(1,)
        )
        self.width = width
        kind = _KIND[b]  # 1 for a comma, 2 for a line feed, 3 for a carriage return, else 0
        has_cr = b"\r" in data
        if has_cr:  # a lone carriage return ends a line; one before a line feed does not
            cr = kind == 3
            lone = cr.copy()
            lone[:-1] &= b[1:] != _LF
            kind[lone] = 2
            kind[cr & ~lone] = 0
        quote = b == _QUOTE if b'"' in data else None
        if quote is not None:
            inside = np.bitwise_xor.accumulate(quote)
            if inside[-1]:  # a quote left open: not a file of quoted fields
                raise Irregular
            kind[inside] = 0  # separators inside quotes are text
        seps = np.flatnonzero(kind)
        ends_line = kind[seps] == 2
        starts = np.empty(len(seps), dtype=np.int64)
        starts[0] = 0
        starts[1:] = seps[:-1] + 1
        ends = seps.copy()
        if has_cr:
            crlf = ends_line & (ends > starts)
            ends[crlf] -= b[seps[crlf] - 1] == _CR
        if quote is not None:
            _check_quotes(b, quote, starts, ends)
        # a cell is filled when it holds a byte other than white space, quotes and commas;
        # the bytes between its end and the next cell's start are separators, never content
        filled = ends > starts
        if any(blank in data for blank in _BLANKS):
            filled &= np.logical_or.reduceat(_CONTENT[b], starts)
        # records: each ends with a line end; the index of its first cell
        last_cell = np.flatnonzero(ends_line)
        first_cell = np.empty(len(last_cell), dtype=np.int64)
        first_cell[0] = 0
        first_cell[1:] = last_cell[:-1] + 1
        self.n_records = len(last_cell)
        counts = last_cell - first_cell + 1
        kept = np.logical_or.reduceat(filled, first_cell)
        numbers = first_record + np.arange(self.n_records, dtype=np.int64)
        extra = np.zeros(self.n_records, dtype=bool)
        if (counts > width).any():  # cells beyond the header that hold something
            cell_record = np.repeat(np.arange(self.n_records), counts)
            beyond = (np.arange(len(seps)) - first_cell[cell_record] >= width) & filled
            extra[cell_record[beyond]] = True
        self.extra_rows = numbers[extra]
        self.extra_counts = counts[extra]
        self.starts = starts
        self.ends = ends
        self.filled = filled
        # the common case: every record has one cell per column and none is blank
        self.regular = bool((counts == width).all() and kept.all())
        self.first_cell = first_cell[kept]
        self.counts = counts[kept]
        self.rows = numbers[kept]

    def extra_cell_problems(self) -> list[Problem]:
        return [
            Problem(
                f"the row has {count} cells but the header names {self.width} columns",
                row=row,
                kind="extra_cells",
            )
            for row, count in zip(self.extra_rows.tolist(), self.extra_counts.tolist(), strict=True)
        ]

    def cells(self, column: int) -> _Cells:
        """The cells of ``column`` (empty where a record is short)."""
        if self.regular:  # every record has width cells: a column is every width-th cell
            w = self.width
            return _Cells(
                self.b,
                self.words,
                self.starts[column::w],
                self.ends[column::w],
                self.filled[column::w],
            )
        present = self.counts > column
        cell = np.where(present, self.first_cell + column, 0)
        starts = np.where(present, self.starts[cell], 0)
        ends = np.where(present, self.ends[cell], 0)
        return _Cells(self.b, self.words, starts, ends, present & self.filled[cell])


class _Cells:
    """Cells of one column of a block: the block's bytes and words, each cell's start and end."""

    __slots__ = ("b", "ends", "filled", "starts", "words")

    def __init__(
        self,
        b: NDArray[np.uint8],
        words: NDArray[np.uint64],
        starts: IntArray,
        ends: IntArray,
        filled: BoolArray,
    ) -> None:
        self.b = b
        self.words = words
        self.starts = starts
        self.ends = ends
        self.filled = filled

    def subset(self, which: IntArray) -> _Cells:
        return _Cells(self.b, self.words, self.starts[which], self.ends[which], self.filled[which])

    def word(self, at: IntArray) -> NDArray[np.uint64]:
        """The 8 bytes of the block from each position ``at`` (zero beyond the block)."""
        out: NDArray[np.uint64] = self.words[np.clip(at, -_PAD, len(self.b)) + _PAD]
        return out


def _check_quotes(b: NDArray[np.uint8], quote: BoolArray, starts: IntArray, ends: IntArray) -> None:
    """Raise :class:`Irregular` unless every cell with a quote is one quoted field."""
    count = np.zeros(len(b) + 1, dtype=np.int32)
    np.cumsum(quote, out=count[1:])
    has = count[ends] > count[starts]
    if not has.any():
        return
    s, e = starts[has], ends[has]
    whole = (e - s >= 2) & (b[s] == _QUOTE) & (b[np.maximum(e - 1, 0)] == _QUOTE)
    if not whole.all():
        raise Irregular


def _matrix(
    b: NDArray[np.uint8], starts: IntArray, ends: IntArray, width: int
) -> NDArray[np.uint8]:
    """The cells as rows of ``width`` bytes, zero-padded (one gather for the whole block)."""
    if not len(starts) or not width:
        return np.zeros((len(starts), width), dtype=np.uint8)
    at = starts[:, None] + np.arange(width)
    np.minimum(at, len(b) - 1, out=at)
    out: NDArray[np.uint8] = b[at]
    out[at >= ends[:, None]] = 0
    return out


# --------------------------------------------------------------------------- text columns


class _TextParts:
    """The raw cells of a text column, factorised block by block into one set of distinct values."""

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}
        self.parts: list[IntArray] = []

    def add(self, cells: _Cells) -> None:
        distinct, inverse = _factorise_cells(cells)
        local = np.fromiter(
            (self.ids.setdefault(raw, len(self.ids)) for raw in distinct),
            dtype=np.int64,
            count=len(distinct),
        )
        self.parts.append(
            local[inverse].astype(np.int32) if len(local) else np.zeros(0, dtype=np.int32)
        )

    def column(self) -> TextColumn:
        raw = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        self.parts.clear()
        cleaned = [_clean(text) for text in self.ids]
        texts = sorted(set(cleaned))
        position = {t: i for i, t in enumerate(texts)}
        remap = np.array([position[t] for t in cleaned], dtype=np.int32)
        index = remap[raw] if len(remap) else raw
        return TextColumn(np.array(texts, dtype=str), index)


def _clean(raw: bytes) -> str:
    """A raw cell as :func:`csv.reader` gives it, stripped."""
    text = raw.decode("utf-8")
    if '"' in text:
        text = next(csv.reader([text]), [""])[0] if text.strip() else text
    return text.strip()


def _factorise_cells(cells: _Cells) -> tuple[list[bytes], IntArray]:
    """The distinct raw cells (as bytes) and each cell's position among them.

    Each cell is read as 8-byte words straight from the block (one gather
    per word, the bytes past the cell masked off); one word is the key of a
    cell of at most 8 bytes, longer cells fold their words into a 64-bit key.
    Every cell is then checked against the first cell with its key, word by
    word, so two different cells never share a position.
    """
    starts, ends = cells.starts, cells.ends
    n = len(starts)
    if not n:
        return [], np.zeros(0, dtype=np.int64)
    lengths = ends - starts
    n_words = max(-(-int(lengths.max()) // 8), 1)
    parts = []
    for j in range(n_words):
        left = np.clip(lengths - 8 * j, 0, 8)
        parts.append(cells.word(starts + 8 * j) & _LOW[left])
    key = parts[0] if n_words == 1 else parts[0] ^ lengths.astype(np.uint64)
    for part in parts[1:]:
        key = (key * np.uint64(0x9E3779B97F4A7C15)) ^ part
    distinct_keys = np.unique(key)
    inverse = np.searchsorted(distinct_keys, key)
    first = np.empty(len(distinct_keys), dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)
    same = first[inverse]
    exact = np.array_equal(lengths, lengths[same]) and all(
        np.array_equal(part, part[same]) for part in (parts if n_words > 1 else [])
    )
    if not exact:  # two different cells share a key: factorise their words themselves
        stacked = np.stack([*parts, lengths.astype(np.uint64)], axis=1)
        _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    data = cells.b.data
    spans = zip(starts[first].tolist(), ends[first].tolist(), strict=True)
    distinct = [bytes(data[s:e]) for s, e in spans]
    return distinct, inverse.astype(np.int64)


# --------------------------------------------------------------------------- number columns


def _numbers(cells: _Cells) -> NumberColumn:
    """Parse a block's cells as numbers: blank is not given; bad texts are kept by position.

    Whole numbers of at most 8 digits, the most common cells, are read from
    one 8-byte word each (checked to be digits and combined eight at a time,
    SWAR); other plain decimals by :func:`_plain_decimals`; anything else by
    :func:`_other_numbers`.
    """
    filled = cells.filled
    n = len(filled)
    values = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    bad_text: dict[int, str] = {}
    idx = np.flatnonzero(filled)
    if not len(idx):
        return NumberColumn(values, filled, bad, bad_text)
    s, e = cells.starts[idx], cells.ends[idx]
    length = e - s
    short = length <= 8
    word = cells.word(np.maximum(e - 8, -_PAD))
    keep = _HIGH[np.minimum(length, 8)]
    word = (word & keep) | (_ZEROS & ~keep)  # the bytes before the cell read as '0'
    digits = ((word & np.uint64(0xF0F0F0F0F0F0F0F0)) == _ZEROS) & (
        ((word + np.uint64(0x0606060606060606)) & np.uint64(0xF0F0F0F0F0F0F0F0)) == _ZEROS
    )
    whole = short & digits
    values[idx[whole]] = _eight_digits(word[whole])
    rest = idx[~whole]
    if len(rest):
        m = _matrix(
            cells.b,
            cells.starts[rest],
            cells.ends[rest],
            int((cells.ends[rest] - cells.starts[rest]).max()),
        )
        fast, parsed = _plain_decimals(m, cells.ends[rest] - cells.starts[rest])
        values[rest[fast]] = parsed[fast]
        slow = rest[~fast]
        if len(slow):
            slow_values, slow_bad, texts = _other_numbers(cells.subset(slow))
            values[slow] = slow_values
            bad[slow[slow_bad]] = True
            bad_text = {int(slow[k]): t for k, t in texts.items()}
    bad |= filled & ~bad & ~np.isfinite(values)
    return NumberColumn(values, filled, bad, bad_text)


def _eight_digits(word: NDArray[np.uint64]) -> FloatArray:
    """The value of eight ASCII digits held in a little-endian word (first digit lowest)."""
    v = word - _ZEROS
    v = (v * np.uint64(10)) + (v >> np.uint64(8))  # pairs of digits, in 16-bit lanes
    lanes = np.uint64(0x000000FF000000FF)
    v = (
        (v & lanes) * np.uint64(100 + (1000000 << 32))
        + ((v >> np.uint64(16)) & lanes) * np.uint64(1 + (10000 << 32))
    ) >> np.uint64(32)
    out: FloatArray = v.astype(np.float64)
    return out


def _plain_decimals(m: NDArray[np.uint8], lengths: IntArray) -> tuple[BoolArray, FloatArray]:
    """Cells that are plain decimals, and their values, exactly as :func:`float` gives them.

    A plain decimal is an optional sign, digits and at most one point, with
    between 1 and 15 digits: its digits form an integer below 2**53 and the
    value is that integer over a power of ten, both exact, so one correctly
    rounded division gives the float nearest the decimal, as :func:`float` does.
    """
    width = m.shape[1]
    inside = np.arange(width)[None, :] < lengths[:, None]
    digit = (m >= 48) & (m <= 57)  # the padding is zero, never a digit
    point = m == 46
    sign = (m[:, 0] == 45) | (m[:, 0] == 43)
    n_digits = digit.sum(axis=1)
    allowed = digit | point | ~inside
    allowed[:, 0] |= sign
    ok = allowed.all(axis=1) & (point.sum(axis=1) <= 1)
    ok &= (n_digits >= 1) & (n_digits <= _FAST_DIGITS)
    # each digit weighs ten to the number of digits after it: an exact integer below 2**53
    after = n_digits[:, None] - np.cumsum(digit, axis=1)
    weight = np.where(digit, _POW10[np.clip(after, 0, _FAST_DIGITS)], 0.0)
    mantissa = (weight * (m.astype(np.float64) - 48.0)).sum(axis=1)
    past_point = np.cumsum(point, axis=1) > 0
    decimals = (digit & past_point).sum(axis=1)
    value = mantissa / _POW10[np.minimum(decimals, _FAST_DIGITS)]
    value = np.where(m[:, 0] == 45, -value, value)
    return ok, value


def _other_numbers(cells: _Cells) -> tuple[FloatArray, BoolArray, dict[int, str]]:
    """Cells that are not plain decimals: parsed per distinct text, as ``float(cell.strip())``."""
    distinct, inverse = _factorise_cells(cells)
    parsed = np.empty(len(distinct))
    failed = np.zeros(len(distinct), dtype=bool)
    texts: list[str] = []
    for k, raw in enumerate(distinct):
        text = raw.decode("utf-8")
        if '"' in text:
            text = next(csv.reader([text]), [""])[0]
        texts.append(text)
        try:
            parsed[k] = float(text.strip()) if text.strip() else np.nan
        except ValueError:
            parsed[k] = np.nan
            failed[k] = True
    bad = failed[inverse]
    bad_text = {int(i): texts[inverse[i]] for i in np.flatnonzero(bad)[:1000].tolist()}
    return parsed[inverse], bad, bad_text


def _join_numbers(chunks: list[NumberColumn], n: int) -> NumberColumn:
    if not chunks:
        return NumberColumn(np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool), {})
    values = np.concatenate([c.values for c in chunks])
    for c in chunks:
        c.values = values[:0]  # freed as soon as joined
    given = np.concatenate([c.given for c in chunks])
    bad = np.concatenate([c.bad for c in chunks])
    bad_text: dict[int, str] = {}
    offset = 0
    for c in chunks:
        bad_text.update({offset + i: t for i, t in c.bad_text.items()})
        offset += len(c.given)
    return NumberColumn(values, given, bad, bad_text)
