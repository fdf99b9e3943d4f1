"""Reading inputs: files, JSON text and nested definitions, with one set of errors for all readers.

Every reader of the library opens its files here, so a missing file, a
directory, a file it may not read or one that is not UTF-8 text is reported
the same way everywhere: an :class:`~cchc_indicators.core.errors.InvalidDataError`
(or, for a definition, a :class:`~cchc_indicators.core.errors.DefinitionError`)
naming the path and the cause, never a bare :class:`OSError`.

JSON definitions (plans, composite indices, points structures) are either a
file, given as a :class:`pathlib.Path` or another :class:`os.PathLike`, or
JSON text, given as a :class:`str`: text is never taken for a file name.
Their nesting is bounded (:data:`MAX_JSON_DEPTH`, :data:`MAX_TREE_DEPTH`) and
checked level by level before any tree is built, so a deep document is a
:class:`~cchc_indicators.core.errors.DefinitionError`, not a :class:`RecursionError`.
"""

from __future__ import annotations

import errno
import json
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cchc_indicators.core._args import describe
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    InvalidDataError,
    Problem,
)

#: The deepest nesting of arrays and objects accepted in a JSON document.
MAX_JSON_DEPTH = 100
#: The most levels of nodes below the root of a composite index or points structure.
MAX_TREE_DEPTH = 40

_CAUSES = {
    errno.ENOENT: ("no_file", "no such file"),
    errno.EISDIR: ("is_directory", "is a directory, not a file"),
    errno.EACCES: ("permission_denied", "permission denied: the file may not be read"),
    errno.EPERM: ("permission_denied", "permission denied: the file may not be read"),
}


def file_problem(path: Path, exc: OSError | UnicodeDecodeError) -> Problem:
    """Return the problem of a file that cannot be read: what kind, said in words.

    Examples
    --------
    >>> file_problem(Path("x.csv"), FileNotFoundError(2, "No such file or directory")).message
    'no such file'
    """
    if isinstance(exc, UnicodeDecodeError):
        msg = (
            f"the file is not UTF-8 text (byte {exc.start} cannot be read: {exc.reason}); "
            "save it as UTF-8"
        )
        return Problem(msg, kind="not_utf8")
    if exc.errno == errno.EISDIR or path.is_dir():  # Windows gives EACCES for a folder
        kind, msg = _CAUSES[errno.EISDIR]
    elif exc.errno in _CAUSES:
        kind, msg = _CAUSES[exc.errno]
    else:
        kind, msg = "unreadable", f"cannot be read: {exc.strerror or exc}"
    return Problem(msg, kind=kind)


def as_path(source: object, *, parameter: str, func: str) -> Path:
    """Return ``source`` as a path, or raise an ArgumentTypeError saying a path is expected."""
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source)
        except TypeError:  # an os.PathLike whose __fspath__ gives bytes
            pass
    msg = f"{func}: {parameter!r} must be a path (str or pathlib.Path), got {describe(source)}"
    raise ArgumentTypeError(msg, parameter=parameter)


def read_text(path: Path) -> str:
    """Return the text of a UTF-8 file (a byte-order mark is dropped).

    Raises
    ------
    InvalidDataError
        If the file is missing, a directory, may not be read or is not UTF-8
        text; the error names the path and the cause (its one problem's
        ``kind`` is ``no_file``, ``is_directory``, ``permission_denied``,
        ``not_utf8`` or ``unreadable``).
    """
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDataError([file_problem(path, exc)], source=str(path)) from None
    except ValueError as exc:  # a path with a NUL character
        problem = Problem(f"not a usable file name: {exc}", kind="unreadable")
        raise InvalidDataError([problem], source=str(path)) from None


def load_json(source: object, *, what: str, func: str) -> tuple[Any, str]:
    """Parse a JSON definition from a file (a path) or from text (a ``str``).

    Returns the parsed data and where it came from (the path, or ``<what JSON>``).
    A ``bytes`` source is decoded as UTF-8 text.

    Raises
    ------
    ArgumentTypeError
        If ``source`` is neither text nor a path.
    DefinitionError
        If the file cannot be read (naming the path and the cause), the text
        is not JSON (naming line and column), or it nests arrays and objects
        more than :data:`MAX_JSON_DEPTH` deep.
    """
    if isinstance(source, os.PathLike):
        path = as_path(source, parameter="source", func=func)
        where = str(path)
        try:
            text = read_text(path)
        except InvalidDataError as err:
            raise DefinitionError(err.first_line()) from None
    elif isinstance(source, (str, bytes, bytearray)):
        where = f"<{what} JSON>"
        try:
            text = source if isinstance(source, str) else bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            msg = f"{where}: {file_problem(Path(), exc).message}"
            raise DefinitionError(msg) from None
        text = text.removeprefix("\ufeff")
        if _looks_like_a_file_name(text):
            try:
                return parse_json(text, where), where
            except DefinitionError as err:
                msg = (
                    f"{err.message}; a str is JSON text, not a file name: to read the file, "
                    f"pass pathlib.Path({text.strip()!r})"
                )
                raise DefinitionError(msg) from None
    else:
        msg = (
            f"{func}: 'source' must be JSON text (str) or a file (pathlib.Path), "
            f"got {describe(source)}"
        )
        raise ArgumentTypeError(msg, parameter="source")
    return parse_json(text, where), where


def _looks_like_a_file_name(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) < 300 and stripped[0] not in "{[" and "\n" not in stripped


def parse_json(text: str, where: str) -> Any:
    """Parse JSON text; every failure is a DefinitionError naming ``where``.

    Integers too long to be numbers (more than 300 digits) are read as
    floats, so they become infinite and are refused by the field's own check,
    which names the field; ``NaN`` and ``Infinity`` are kept for the same
    checks.
    """
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        msg = f"{where}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise DefinitionError(msg) from None
    except RecursionError:
        data = None
        deep = True
    else:
        deep = _deeper_than(data, MAX_JSON_DEPTH)
    if deep:
        msg = f"{where}: arrays and objects are nested more than {MAX_JSON_DEPTH} deep"
        raise DefinitionError(msg)
    return data


def _parse_int(text: str) -> int | float:
    # 300 digits and more do not fit a float; int() itself refuses 4,300 digits
    return int(text) if len(text.lstrip("-")) < 300 else float(text)


def _deeper_than(data: object, limit: int) -> bool:
    """Whether ``data`` nests lists and dicts more than ``limit`` deep (level by level, no recursion)."""
    containers = (Mapping, list, tuple)
    level = [data] if isinstance(data, containers) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        level = [
            x
            for item in level
            for x in (item.values() if isinstance(item, Mapping) else item)
            if isinstance(x, containers)
        ]
        depth += 1
    return False


def json_type(value: object) -> str:
    """Name the JSON type of a parsed value: object, array, string, number, true/false, null.

    Examples
    --------
    >>> json_type(None), json_type([]), json_type(3)
    ('null', 'an array', 'a number')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return describe(value)


def check_tree_depth(
    top: object, key: str | Callable[[Any], object], *, where: str, limit: int = MAX_TREE_DEPTH
) -> None:
    """Refuse a tree deeper than ``limit`` levels, before anything recursive walks it.

    ``top`` is the sequence of top-level items; an item's children are its
    ``key`` entry (a mapping) or attribute (an object), or what ``key``
    returns for it if ``key`` is a function. Items are visited level by level,
    without recursion.

    Raises
    ------
    DefinitionError
        If some item sits more than ``limit`` levels down.

    Examples
    --------
    >>> deep = {"code": "x"}
    >>> for i in range(45):
    ...     deep = {"code": f"n{i}", "children": [deep]}
    >>> check_tree_depth([deep], "children", where="index 'i'")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: index 'i': nodes are nested more than 40 levels deep
    """
    level = _items(top)
    depth = 1
    while level:
        if depth > limit:
            msg = f"{where}: nodes are nested more than {limit} levels deep"
            raise DefinitionError(msg)
        level = [kid for item in level for kid in _items(_children(item, key))]
        depth += 1


def _children(item: object, key: str | Callable[[Any], object]) -> object:
    if callable(key):
        return key(item)
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else []


def as_records(records: object, *, func: str) -> list[Any]:
    """Return ``records`` as a list, refusing what is not an iterable of records.

    Text, bytes and a single mapping are iterable, but not records; they are
    refused too. Whether each item is a mapping is the reader's check, which
    names the row.

    Raises
    ------
    ArgumentTypeError
        If ``records`` is not an iterable of rows.

    Examples
    --------
    >>> as_records(({"a": 1},), func="f")
    [{'a': 1}]
    >>> as_records(None, func="Hierarchy.from_records")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.ArgumentTypeError: Hierarchy.from_records: 'records' must be an iterable of mappings (one per row), got None
    """
    if not isinstance(records, (str, bytes, bytearray, Mapping)):
        try:
            rows = iter(records)  # type: ignore[call-overload]
        except TypeError:
            pass
        else:
            return list(rows)
    msg = (
        f"{func}: 'records' must be an iterable of mappings (one per row), got {describe(records)}"
    )
    raise ArgumentTypeError(msg, parameter="records")


def check_mappings(
    rows: list[Any],
    *,
    source: str,
    first_row: int = 0,
    error: type[InvalidDataError] = InvalidDataError,
) -> None:
    """Refuse rows that are not mappings, naming each (up to 20) by its row number.

    Examples
    --------
    >>> check_mappings([{"a": 1}, 7], source="<records>")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.InvalidDataError: <records>: 1 problem
      row 1: a record is a mapping of column names to values, got int 7
    """
    bad = [i for i, r in enumerate(rows) if not isinstance(r, Mapping)]
    if bad:
        problems = [
            Problem(
                f"a record is a mapping of column names to values, got {describe(rows[i])}",
                row=first_row + i,
                kind="not_a_record",
            )
            for i in bad[:20]
        ]
        raise error(problems, source=source)


def as_float(value: Any) -> float:
    """Return a number as a float; an integer too large for one becomes an infinity of its sign.

    So that ``10**400`` in a definition is refused by the check of finite
    numbers, which names the field, rather than raising :class:`OverflowError`.

    Examples
    --------
    >>> as_float(3), as_float(-(10**400))
    (3.0, -inf)
    """
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_nesting(data: object, where: str) -> None:
    """Refuse a definition whose lists and mappings nest more than :data:`MAX_JSON_DEPTH` deep.

    Checked level by level, before any recursive reading (or message) can
    overflow the stack.

    Examples
    --------
    >>> check_nesting({"code": [[[1]]]}, "index 'i'")
    >>> deep: list[object] = []
    >>> for _ in range(150):
    ...     deep = [deep]
    >>> check_nesting({"code": deep}, "index 'i'")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: index 'i': lists and mappings are nested more than 100 deep
    """
    if _deeper_than(data, MAX_JSON_DEPTH):
        msg = f"{where}: lists and mappings are nested more than {MAX_JSON_DEPTH} deep"
        raise DefinitionError(msg)


def text_tuple(value: object, *, whole: str, each: str) -> tuple[str, ...]:
    """A JSON list (or tuple) of non-empty texts as a tuple, or a :class:`DefinitionError`.

    ``whole`` and ``each`` say what the list and one item must be, as in
    ``"an indicator's aliases are a list of names"`` and ``"... are non-empty
    names"``; the message adds the value found.

    Examples
    --------
    >>> text_tuple(["a", "b"], whole="x are a list", each="x are texts")
    ('a', 'b')
    >>> text_tuple("ab", whole="x are a list", each="x are texts")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: x are a list, got 'ab'
    """
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        msg = f"{whole}, got {value!r}"
        raise DefinitionError(msg)
    out = tuple(value)
    for item in out:
        if not isinstance(item, str) or not item.strip():
            msg = f"{each}, got {item!r}"
            raise DefinitionError(msg)
    return out
