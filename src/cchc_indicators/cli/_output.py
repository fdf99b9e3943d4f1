"""Writing a result as a table, JSON or CSV, to the terminal or a file: shared by the commands."""

from __future__ import annotations

import csv
import errno
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

#: The causes of a failed write, in words (others: the system's own words).
_CAUSES = {
    errno.ENOENT: "no such folder",
    errno.EISDIR: "it is a directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EIO: "input/output error (the disk or network drive failed)",
}


class OutputError(Exception):
    """A result cannot be written where an option says (the command ends with exit code 2)."""


def cannot_write(option: str, path: Path, exc: OSError) -> OutputError:
    """Return the error for ``exc`` on ``path``: the option, the path and the cause in words.

    Examples
    --------
    >>> import errno, pathlib
    >>> print(cannot_write("--output", pathlib.Path("out.csv"), OSError(errno.EIO, "I/O error")))
    --output out.csv: cannot write: input/output error (the disk or network drive failed)
    >>> print(cannot_write("--plot", pathlib.Path("a/b.png"), FileNotFoundError(errno.ENOENT, "x")))
    --plot a/b.png: cannot write: no such folder 'a'
    """
    cause = _CAUSES.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
    if exc.errno == errno.ENOENT:
        cause = f"{cause} {str(path.parent)!r}"
    return OutputError(f"{option} {path}: cannot write: {cause}")


def write_output(
    write: Callable[[TextIO], object], path: Path | None, out: TextIO, *, bom: bool = False
) -> None:
    """Call ``write`` on ``out``, or on the file ``path`` (the ``--output`` option) when given.

    With ``bom`` a UTF-8 byte-order mark comes first (``--excel-csv``).

    Raises
    ------
    OutputError
        If the file cannot be opened, written or closed: naming ``--output``,
        the path and the cause.

    Examples
    --------
    >>> import io, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_output(lambda fh: fh.write("x"), folder, io.StringIO())
    Traceback (most recent call last):
    ...
    cchc_indicators.cli._output.OutputError: --output ...: cannot write: it is a directory
    """
    if path is None:
        if bom:
            out.write("\ufeff")
        write(out)
    else:
        write_file(write, path, bom=bom)


def write_file(
    write: Callable[[TextIO], object], path: Path, option: str = "--output", *, bom: bool = False
) -> None:
    """Call ``write`` on the UTF-8 file ``path``; an error names ``option``, the path and the cause.

    With ``bom`` the file starts with a UTF-8 byte-order mark (``--excel-csv``).
    """
    try:
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            write(fh)
    except OSError as exc:
        if isinstance(exc, IsADirectoryError) or path.is_dir():
            exc = IsADirectoryError(errno.EISDIR, "is a directory")
        raise cannot_write(option, path, exc) from None


class Tabular(Protocol):
    """A result that prints as a table and lists its rows (Rollup, SurveyResult)."""

    def table(self, level: str | None = None) -> str: ...

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]: ...


def write_result(
    result: Tabular,
    fmt: str,
    level: str | None,
    out: TextIO,
    *,
    fieldnames: Sequence[str] | None = None,
) -> None:
    """Write ``result`` to ``out`` as ``"table"``, ``"json"`` (one array) or ``"csv"``.

    CSV columns are ``fieldnames``, or the keys of the first row; a float is
    written by :func:`~cchc_indicators.core._csv_numbers.csv_number` (its
    shortest text when that has at most 12 significant digits, else rounded to
    12), a missing value as an empty cell. JSON keeps every digit.

    Examples
    --------
    >>> import io
    >>> class Two:
    ...     def table(self, level=None): return "a table"
    ...     def to_records(self, level=None): return [{"unit": "26", "value": 0.1 + 0.2}]
    >>> out = io.StringIO(); write_result(Two(), "csv", None, out); print(out.getvalue(), end="")
    unit,value
    26,0.3
    >>> out = io.StringIO(); write_result(Two(), "json", None, out); print(out.getvalue(), end="")
    [
      {
        "unit": "26",
        "value": 0.30000000000000004
      }
    ]
    """
    if fmt == "table":
        out.write(result.table(level) + "\n")
        return
    records = result.to_records(level)
    if fmt == "json":
        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    columns = (
        list(fieldnames) if fieldnames is not None else list(records[0]) if records else ["unit"]
    )
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    from cchc_indicators.core._csv_numbers import csv_rows  # numpy: not for cchc --help

    writer.writerows(csv_rows(records, columns))
