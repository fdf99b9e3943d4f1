"""Microdata: dossier-level records counted into a panel of numerators and denominators.

Government systems keep one row per dossier (hồ sơ): the unit that handled it
(usually the commune), a date or period, and boolean or categorical fields
such as ``online``, ``on_time`` or ``channel``. :class:`Microdata` holds such
records, validated once, and :meth:`Microdata.to_panel` counts them into a
:class:`~cchc_indicators.data.panel.Panel` per unit and period, following
declared :class:`Count` definitions, in one vectorised pass: the unit codes
are factorised once, the dates binned on their distinct values, and each
definition is one ``np.bincount`` over ``unit x period x field states``.

Missing is not zero: a dossier whose field is missing (NaN, ``None``, masked,
an empty text) is left out of the numerator *and* the denominator of every
definition that uses that field. The panel's ``note`` says how many were left
out.

Examples
--------
>>> import numpy as np
>>> from cchc_indicators import Hierarchy
>>> from cchc_indicators.data.microdata import Count, Microdata
>>> h = Hierarchy.from_records(
...     [
...         {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...         {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"},
...         {"code": "08707", "name": "Tích Sơn", "level": "commune", "parent": "243"},
...     ]
... )
>>> md = Microdata(
...     h,
...     unit=["08707", "08707", "08707", "08707"],
...     period=np.array(["2024-01-05", "2024-02-11", "2024-07-30", "2025-01-02"], dtype="M8[D]"),
...     fields={"online": [True, False, True, True], "on_time": [1.0, np.nan, 0.0, 1.0]},
... )
>>> panel = md.to_panel(
...     {"online": Count("online"), "on_time_online": Count("on_time", denominator="online")},
...     granularity="year",
... )
>>> panel.periods
('2024', '2025')
>>> d = panel.data_of("on_time_online")
>>> d.numerator.tolist(), d.denominator.tolist()
([[nan, nan], [nan, nan], [1.0, 1.0]], [[nan, nan], [nan, nan], [2.0, 1.0]])
"""

from __future__ import annotations

import datetime
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._periods import GRANULARITIES, normalise_period, period_sort_key
from cchc_indicators.core._repr import counted
from cchc_indicators.core._validate import Problems, factorize
from cchc_indicators.core.errors import ArgumentTypeError, DefinitionError, PanelError, Problem
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.data._panel_data import IndicatorData
from cchc_indicators.data.panel import Panel
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["Count", "Microdata"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Granularity ranks; a date is finer than a month.
_RANK = {"year": 0, "quarter": 1, "month": 2, "day": 3}
#: Month numbers count from January 1970, as numpy's ``datetime64[M]`` does.
_EPOCH = 1970
#: Where a range of integers is at most this wide, it is factorised by counting, not sorting.
_RANGE_LIMIT = 1 << 22


# --------------------------------------------------------------------------- definitions


def _check_condition(value: object, *, name: str, optional: bool) -> None:
    if value is None and optional:
        return
    if isinstance(value, str) and value:
        return
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and value[0]
        and value[1] is not None
    ):
        return
    msg = (
        f"Count: {name} must be a field name (a boolean field, counted where true) or a "
        f"(field, value) pair such as ('channel', 'portal'), got {value!r}"
    )
    raise DefinitionError(msg)


def _numerator(_instance: object, _attribute: object, value: Any) -> None:
    _check_condition(value, name="numerator", optional=False)


def _denominator(_instance: object, _attribute: object, value: Any) -> None:
    _check_condition(value, name="denominator", optional=True)


def _as_condition(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2:  # a pair read from JSON
        value = tuple(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (list, set)):
        value = (value[0], frozenset(value[1]))
    return value


@attrs.frozen
class Count:
    """What to count: dossiers meeting a condition, among those meeting another.

    The numerator of a definition counts the dossiers meeting both
    ``numerator`` and ``denominator``; the denominator counts the dossiers
    meeting ``denominator`` (all dossiers when it is ``None``) whose
    ``numerator`` field is known. A dossier missing either field is in
    neither count: missing is not zero.

    A condition is a field name, for a boolean field (true counts), or a pair
    ``(field, value)``: the field equals ``value``, which may also be a tuple
    or set of values (any of them). A boolean field may be given as
    ``("online", False)`` to count the dossiers where it is false.

    Parameters
    ----------
    numerator
        The condition counted.
    denominator
        The condition that selects the dossiers counted in the denominator,
        or ``None`` for every dossier (whose numerator field is known).

    Examples
    --------
    >>> Count("online")
    Count(numerator='online', denominator=None)
    >>> Count(("channel", "portal"), denominator="online").fields
    ('channel', 'online')
    >>> Count(("channel", ["portal", "app"])).numerator
    ('channel', frozenset({...}))
    >>> Count("")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: Count: numerator must be a field name (a boolean field, counted where true) or a (field, value) pair such as ('channel', 'portal'), got ''
    """

    numerator: str | tuple[str, object] = attrs.field(converter=_as_condition, validator=_numerator)
    denominator: str | tuple[str, object] | None = attrs.field(
        default=None, converter=_as_condition, validator=_denominator
    )

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the definition reads, numerator's first (each once).

        Examples
        --------
        >>> Count("on_time", denominator="online").fields
        ('on_time', 'online')
        """
        names = [_field_of(self.numerator)]
        if self.denominator is not None:
            names.append(_field_of(self.denominator))
        return tuple(dict.fromkeys(names))


def _field_of(condition: str | tuple[str, object]) -> str:
    return condition if isinstance(condition, str) else condition[0]


# --------------------------------------------------------------------------- columns


@attrs.frozen(eq=False)
class _Field:
    """A field, factorised: its distinct known values and each row's code (-1 where missing)."""

    labels: NDArray[Any]
    codes: NDArray[np.signedinteger[Any]]
    boolean: bool


_MIX = np.uint64(0x9E3779B97F4A7C15)
#: At most 2**bits hash slots in the text factoriser (a table of 32 MB).
_SLOT_BITS = 22
#: Rows whose distinct texts are counted to size the hash table.
_SAMPLE = 1 << 16


def _words(values: NDArray[Any]) -> NDArray[np.uint64] | None:
    """Fixed-width text as rows of two 64-bit words holding its bytes exactly; None if longer.

    ASCII and Latin-1 texts take one byte a character (up to 16 characters),
    others four (up to 4 characters).
    """
    n = len(values)
    raw = np.ascontiguousarray(values).view(np.uint8).reshape(n, values.dtype.itemsize)
    if values.dtype.kind == "U" and raw.shape[1] > 16:
        code_points = np.ascontiguousarray(values).view(np.uint32)
        if raw.shape[1] > 64 or int(code_points.max()) >= 256:
            return None
        raw = raw.reshape(n, -1, 4)[:, :, 0]  # one byte a character says it all
    width = raw.shape[1]
    if width > 16:
        return None
    buf = np.zeros((n, 16 if width > 8 else 8), dtype=np.uint8)
    buf[:, :width] = raw
    return buf.view(np.uint64)


def _table_bits(sample: NDArray[np.uint64], least: int) -> int:
    """Hash table size (bits) for about four slots a distinct key, estimated on a sample.

    A table that fits the distinct keys stays in cache; a sample that is
    nearly all distinct asks for the largest table.
    """
    distinct = len(np.unique(sample))
    if distinct > _SAMPLE // 2:
        return _SLOT_BITS
    return min(max((4 * distinct).bit_length(), 10, least), _SLOT_BITS)


def _factorize_text(values: NDArray[Any]) -> tuple[NDArray[Any], IntArray] | None:
    """Distinct texts (sorted) and each row's position among them, by hashing, not sorting, the rows.

    For texts of at most 16 bytes (see :func:`_words`); ``None`` for longer
    ones. Each row's words are folded into a key, the key hashed
    into a table of slots; the row last written into a slot owns it, and the
    rows whose words equal their slot owner's are settled. Rows that lost
    their slot to another text (a collision) go round again with another
    hash. Only the distinct texts are sorted.
    """
    n = len(values)
    if n == 0 or values.dtype.itemsize == 0:
        return None
    words = _words(values)
    if words is None:
        return None
    key = words[:, 0]  # a view for one word; folded into a new array for two
    if words.shape[1] > 1:
        key = key * _MIX
        key ^= words[:, 1]
    bits = _table_bits(key[:_SAMPLE], 0)
    group = np.empty(0, dtype=np.int64)  # filled once a round leaves rows unsettled
    firsts: list[IntArray] = []
    found = 0
    seed = np.uint64(0)
    rows: IntArray | None = None  # the rows not settled yet (None: all of them)
    while rows is None or rows.size:
        size = 1 << bits
        k = key if rows is None else key[rows]
        slot = k ^ seed
        slot *= _MIX
        slot >>= np.uint64(64 - bits)
        at = slot.view(np.int64)  # below 2**bits: the same numbers
        here = np.arange(n, dtype=np.int64) if rows is None else rows
        slot_row = np.empty(size, dtype=np.int64)
        slot_row[at] = here
        owner = slot_row[at]
        won = key[owner] == k if words.shape[1] == 1 else (words[owner] == words[here]).all(axis=1)
        settled = bool(won.all())
        at_won = at if settled else at[won]
        used = np.zeros(size, dtype=bool)
        used[at_won] = True
        number = np.cumsum(used) - 1 + found
        if rows is None and settled:  # no collision: every row numbered at once
            group = number[at]
        else:
            if not group.size:
                group = np.empty(n, dtype=np.int64)
            group[here if settled else here[won]] = number[at_won]
        firsts.append(slot_row[np.flatnonzero(used)])
        found += int(used.sum())
        rows = here[~won]
        bits = _table_bits(key[rows[:_SAMPLE]], bits + 1)  # if a sample misled: grow
        seed = np.uint64((int(seed) + 0x632BE59BD9B4E019) % (1 << 64))  # another hash
    first = np.concatenate(firsts)
    distinct = values[first]
    order = np.argsort(distinct, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return distinct[order], rank[group]


def _factorised(values: NDArray[Any]) -> tuple[NDArray[Any], IntArray]:
    """Distinct values and each row's position among them, for any 1-D array.

    Integers over a narrow range are counted rather than sorted; objects are
    keyed by a dictionary (``None`` and NaN are values like any other here).
    """
    if values.dtype.kind in "iu" and values.size:
        lo, hi = int(values.min()), int(values.max())
        if hi - lo < _RANGE_LIMIT:
            offset = values.astype(np.int64) - lo
            present = np.bincount(offset, minlength=hi - lo + 1) > 0
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present) + lo, rank[offset]
    if values.dtype.kind in "US":
        hashed = _factorize_text(values)
        if hashed is not None:
            return hashed
    if values.dtype.kind in "iuUS" or (values.dtype.kind == "f" and not np.isnan(values).any()):
        return factorize(values)
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        distinct, inverse = np.unique(np.where(nan, 0.0, values), return_inverse=True)
        distinct = np.append(distinct, np.nan)
        inverse = np.where(nan, len(distinct) - 1, inverse.reshape(-1))
        return distinct, inverse.astype(np.int64)
    items = values.tolist()
    where: dict[object, int] = {}
    for item in dict.fromkeys(items):  # distinct values only
        where[item] = len(where)
    inverse = np.fromiter(map(where.__getitem__, items), dtype=np.int64, count=len(items))
    distinct = np.empty(len(where), dtype=object)
    distinct[:] = list(where)
    return distinct, inverse


def _is_missing(x: object) -> bool:
    if x is None:
        return True
    if isinstance(x, (float, np.floating)):
        return math.isnan(x)
    return type(x).__name__ in ("NAType", "NaTType")


def _as_array(values: object) -> tuple[NDArray[Any], BoolArray | None]:
    """The values as a 1-D array, and the mask of a masked array (``None`` otherwise)."""
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        return np.asarray(values.data), (mask if mask.any() else None)
    if isinstance(values, np.ndarray):
        return values, None
    items = list(values) if isinstance(values, Iterable) else [values]
    kinds = {type(x) for x in items if not _is_missing(x)}
    if items and kinds and kinds <= {bool, np.bool_} and not any(_is_missing(x) for x in items):
        return np.array(items, dtype=bool), None
    try:
        arr = np.array(items)
    except (ValueError, TypeError):  # pragma: no cover - ragged input
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
    if arr.dtype.kind not in "biufUSM" or arr.ndim != 1:
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
    return arr, None


def _boolean_labels(labels: NDArray[Any]) -> bool:
    """Whether the distinct known values are booleans (or the numbers 0 and 1)."""
    for x in labels.tolist():
        if isinstance(x, bool):
            continue
        if isinstance(x, (int, float)) and not isinstance(x, bool) and x in (0, 1):
            continue
        return False
    return True


def _field(values: NDArray[Any], mask: BoolArray | None) -> _Field:
    """Factorise one field; booleans and 0/1 numbers (NaN missing) take a whole-array fast path."""
    n = len(values)
    kind = values.dtype.kind
    if kind == "b":
        codes = values.astype(np.int8)
    elif kind == "f" and bool(np.all((values == 0) | (values == 1) | np.isnan(values))):
        codes = np.where(np.isnan(values), -1, values).astype(np.int8)
    else:
        codes = np.empty(0, dtype=np.int8)
    if codes.size or (n == 0 and kind in "bf"):
        if mask is not None:
            codes[mask] = -1
        labels = np.array([False, True])
        return _Field(labels, codes, True)
    distinct, inverse = _factorised(values)
    if kind in "US":
        missing_d = np.char.str_len(distinct) == 0
    elif kind == "f":
        missing_d = np.isnan(distinct)
    elif kind == "O":
        missing_d = np.array([_is_missing(x) for x in distinct.tolist()], dtype=bool)
        missing_d |= np.array([isinstance(x, str) and not x.strip() for x in distinct.tolist()])
    else:
        missing_d = np.zeros(len(distinct), dtype=bool)
    keep = ~missing_d
    lut = np.where(keep, np.cumsum(keep) - 1, -1)
    labels = distinct[keep]
    codes64 = lut[inverse] if len(distinct) else inverse
    if mask is not None:
        codes64 = np.where(mask, -1, codes64)
    if labels.dtype == object and len(labels) > 1:  # dictionary order: sort where comparable
        try:
            order = np.argsort(labels, kind="stable")
        except TypeError:
            order = np.arange(len(labels))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        labels = labels[order]
        codes64 = np.where(codes64 >= 0, rank[np.maximum(codes64, 0)], -1)
    boolean = _boolean_labels(labels)  # a field with no known value is boolean too
    if boolean:  # recode onto (False, True)
        truth = np.array([bool(x) for x in labels.tolist()] + [False])
        recode = np.where(truth, 1, 0).astype(np.int8)
        recode[-1] = -1
        codes = recode[codes64]
        labels = np.array([False, True])
    else:
        small = np.int8 if len(labels) < 127 else np.int32
        codes = codes64.astype(small)
    return _Field(labels, codes, boolean)


def _month_of_date(value: object) -> tuple[int, str] | None:
    """(months since January 1970, granularity) of a date, a period label or a year; None if not one."""
    if isinstance(value, (bool, np.bool_)) or _is_missing(value):
        return None
    if isinstance(value, (datetime.date, np.datetime64)):
        try:
            month = np.datetime64(cast(Any, value), "M")
        except (ValueError, TypeError):
            return None
        return int(month.astype(np.int64)), "day"
    if isinstance(value, (int, np.integer, float, np.floating, str, np.str_)):
        try:
            label = normalise_period(value)
        except ValueError:
            label = ""
        if label:
            year, month = period_sort_key(label)
            grain = "year" if len(label) == 4 else ("quarter" if "Q" in label else "month")
            return (year - _EPOCH) * 12 + month - 1, grain
        if isinstance(value, (str, np.str_)):
            text = str(value).strip()
            if len(text) >= 10 and text[4] == "-" and text[7] == "-":  # an ISO date or time
                try:
                    month = np.datetime64(text).astype("M8[M]")
                except ValueError:
                    return None
                if np.isnat(month):
                    return None
                return int(month.astype(np.int64)), "day"
    return None


# --------------------------------------------------------------------------- microdata


@attrs.frozen(eq=False, init=False)
class Microdata:
    """Dossier-level records on a hierarchy, validated and factorised once.

    Build one with the constructor (equal-length columns), :meth:`from_frame`
    or :meth:`from_csv`, then count the dossiers with :meth:`to_panel`.

    Parameters
    ----------
    hierarchy
        The units the dossiers belong to.
    unit
        Each dossier's unit code (strings, as in the hierarchy).
    period
        Each dossier's date or period: ``datetime64`` values, ``datetime.date``
        objects, ISO texts (``"2024-03-15"``, ``"2024-03-15T08:30"``) or period
        labels and years (``2024``, ``"2024-Q2"``, ``"2024-06"``).
    fields
        Field name -> one value per dossier. Booleans (``True``/``False``, or
        the numbers 0 and 1) can be used as conditions by name; any other
        values (texts, codes) are categorical and are used as
        ``(field, value)``. Missing values: ``None``, NaN, masked entries of a
        ``numpy.ma`` array, empty texts.
    source
        Named in error messages.

    Raises
    ------
    PanelError
        If a unit is not in the hierarchy, a date cannot be read, or the
        columns differ in length; every problem is listed, rows numbered from
        0 in input order. Nothing is built.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy
    >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
    >>> Microdata(h, unit=["26", "27", "26"], period=["2024-03-01", "2024-13-01", "2024"],
    ...           fields={"online": [True, False, None]})
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.PanelError: <microdata>: 2 problems
      row 1, field 'unit': unit '27' is not in the hierarchy
      row 1, field 'period': not a date or period: '2024-13-01'
    """

    hierarchy: Hierarchy
    _unit: IntArray = attrs.field(repr=False, alias="unit")
    _period_code: IntArray = attrs.field(repr=False, alias="period_code")
    _period_month: IntArray = attrs.field(repr=False, alias="period_month")
    _period_grain: NDArray[np.int8] = attrs.field(repr=False, alias="period_grain")
    _fields: Mapping[str, _Field] = attrs.field(repr=False, alias="fields_")
    source: str = "<microdata>"
    _rows: IntArray | None = attrs.field(default=None, repr=False, alias="rows")

    def __init__(
        self,
        hierarchy: Hierarchy,
        *,
        unit: Sequence[object] | NDArray[Any],
        period: Sequence[object] | NDArray[Any],
        fields: Mapping[str, Sequence[object] | NDArray[Any]],
        source: str = "<microdata>",
    ) -> None:
        check_type(hierarchy, Hierarchy, func="Microdata", parameter="hierarchy")
        if not isinstance(cast(object, fields), Mapping):
            msg = f"Microdata: 'fields' must be a mapping of field name -> values, got {type(fields).__name__}"
            raise ArgumentTypeError(msg, parameter="fields")
        built = _build(hierarchy, unit, period, fields, source, None)
        self.__attrs_init__(hierarchy, *built, source, None)

    def __repr__(self) -> str:
        units = int(np.count_nonzero(np.bincount(self._unit))) if len(self) else 0
        return (
            f"Microdata({counted(len(self), 'dossier')}, {counted(units, 'unit')}, "
            f"{counted(len(self._fields), 'field')})"
        )

    def __len__(self) -> int:
        return len(self._unit)

    @property
    def field_names(self) -> tuple[str, ...]:
        """The fields, in the order given.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> Microdata(h, unit=["26"], period=[2024], fields={"b": [1], "a": ["x"]}).field_names
        ('b', 'a')
        """
        return tuple(self._fields)

    def categories(self, field: str) -> tuple[object, ...]:
        """The distinct known values of a field, sorted (``(False, True)`` for a boolean field).

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> md = Microdata(h, unit=["26"] * 3, period=[2024] * 3,
        ...                fields={"channel": ["portal", "", "post"]})
        >>> md.categories("channel")
        ('portal', 'post')
        """
        return tuple(self._field(field, None).labels.tolist())

    def _field(self, name: str, code: str | None) -> _Field:
        try:
            return self._fields[name]
        except KeyError:
            held = ", ".join(repr(f) for f in self._fields) or "none"
            where = f"definition {code!r}: " if code else ""
            msg = f"{where}no field {name!r} in the microdata; the fields are {held}"
            raise DefinitionError(msg, code=code) from None

    # ------------------------------------------------------------------ readers

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        hierarchy: Hierarchy,
        *,
        unit: str,
        period: str,
        fields: Iterable[str],
        source: str = "<frame>",
    ) -> Microdata:
        """Read dossiers from a data frame (pandas, polars, pyarrow, any Arrow C stream).

        Needs the ``arrow`` extra (pyarrow), through which the columns are
        read; text columns are factorised by Arrow's dictionary encoding.
        Nulls are missing values. Rows are numbered from 0 in errors.

        Parameters
        ----------
        frame
            The data frame.
        hierarchy
            The units.
        unit, period
            The names of the unit and date (or period) columns.
        fields
            The names of the field columns.
        source
            Named in error messages.

        Raises
        ------
        ArgumentTypeError
            If ``frame`` is not a data frame.
        PanelError
            If a named column is missing, or as for the constructor.

        Examples
        --------
        >>> import pandas as pd
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> frame = pd.DataFrame({"unit": ["26", "26"], "date": pd.to_datetime(["2024-05-01", "2024-06-01"]),
        ...                       "online": pd.array([True, None], dtype="boolean")})
        >>> md = Microdata.from_frame(frame, h, unit="unit", period="date", fields=["online"])
        >>> md.to_panel({"online": Count("online")}, granularity="year").data_of("online").denominator.tolist()
        [[1.0]]
        """
        try:
            import pyarrow as pa
        except ImportError as exc:  # pragma: no cover - depends on the environment
            msg = "this needs pyarrow: pip install 'cchc-indicators[arrow]'"
            raise ImportError(msg) from exc
        if not isinstance(frame, pa.Table) and not hasattr(frame, "__arrow_c_stream__"):
            msg = (
                "Microdata.from_frame: 'frame' must be a data frame (pandas, polars, a pyarrow "
                f"table or any object with __arrow_c_stream__), got {type(frame).__name__}"
            )
            raise ArgumentTypeError(msg, parameter="frame")
        table = frame if isinstance(frame, pa.Table) else pa.table(frame)
        field_names = [fields] if isinstance(fields, str) else list(fields)
        wanted = [unit, period, *field_names]
        missing = [c for c in wanted if c not in table.column_names]
        if missing:
            msg = (
                f"missing column(s) {', '.join(missing)}; the columns are "
                f"{', '.join(table.column_names)}"
            )
            raise PanelError([Problem(msg, kind="missing_column")], source=source)
        columns = {name: _arrow_column(pa, table.column(name)) for name in wanted}
        return cls(
            hierarchy,
            unit=columns[unit],
            period=columns[period],
            fields={name: columns[name] for name in field_names},
            source=source,
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        hierarchy: Hierarchy,
        *,
        unit: str,
        period: str,
        fields: Iterable[str],
    ) -> Microdata:
        """Read dossiers from a UTF-8 CSV file, one row per dossier.

        Every named column is read as text with the library's whole-array CSV
        reader; in a field, ``true``/``false`` (any case) and ``1``/``0`` are
        booleans, an empty cell is missing, anything else is a category. Row
        numbers in errors count the header as row 1.

        Raises
        ------
        PanelError
            If a named column is missing, or as for the constructor.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "dossiers.csv"
        >>> _ = f.write_text("unit,date,online\\n26,2024-01-03,true\\n26,2024-02-09,\\n99,2024-x,false\\n")
        >>> Microdata.from_csv(f, h, unit="unit", period="date", fields=["online"])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.PanelError: .../dossiers.csv: 2 problems
          row 4, field 'unit': unit '99' is not in the hierarchy
          row 4, field 'period': not a date or period: '2024-x'
        """
        from cchc_indicators.core._csv_columns import read_columns

        source = Path(path)
        field_names = [fields] if isinstance(fields, str) else list(fields)
        wanted = [unit, period, *field_names]

        def check_header(header: list[str]) -> None:
            missing = [c for c in wanted if c not in header]
            if missing:
                msg = f"missing column(s) {', '.join(missing)}; the columns are {', '.join(header)}"
                raise PanelError([Problem(msg, kind="missing_column")], source=str(source))

        cols = read_columns(source, wanted, [], check_header=check_header)
        texts = {}
        for name in wanted:
            col = cols.texts[name]
            distinct = np.char.strip(col.texts.astype(str))
            if name in field_names:
                distinct = _csv_booleans(distinct)
            texts[name] = _Factorised(distinct, col.index.astype(np.int64))
        built = _build(
            hierarchy,
            texts[unit],
            texts[period],
            {name: texts[name] for name in field_names},
            str(source),
            cols.rows,
        )
        obj = cls.__new__(cls)
        obj.__attrs_init__(hierarchy, *built, str(source), cols.rows)
        return obj

    # ------------------------------------------------------------------ counting

    def to_panel(
        self,
        definitions: Mapping[str, Count],
        *,
        granularity: str | None = None,
        zeros: bool = False,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
    ) -> Panel:
        """Count the dossiers into a panel: per definition, a numerator and a denominator per unit and period.

        Each definition is one ``np.bincount`` over the cells
        ``unit x period x (state of its fields)``; definitions reading the
        same fields share it. A dossier missing a field that a definition
        reads is in neither its numerator nor its denominator (missing is not
        zero); the panel's ``note`` gives how many dossiers each definition
        left out so. A (unit, period) cell with no dossier in a definition's
        denominator has no observation (not 0 of 0) unless ``zeros=True``.

        Parameters
        ----------
        definitions
            Indicator code -> :class:`Count`.
        granularity
            ``"year"``, ``"quarter"`` or ``"month"``: the periods the dossiers
            are counted by (dates are binned, and so are finer periods). By
            default the periods as given, which must then be period labels of
            one granularity.
        zeros
            Give every unit of the levels the dossiers belong to an
            observation in every period, 0 of 0 where it had no dossier.
        indicators
            Definitions of the indicators, checked against the counts and kept
            in the panel (as ``Panel.from_records`` does).

        Returns
        -------
        Panel
            Numerators and denominators (floats holding whole counts).

        Raises
        ------
        DefinitionError
            If a definition reads a field the microdata does not have, uses a
            non-boolean field by name as a condition, or ``granularity`` is
            not a granularity.
        PanelError
            If a period is coarser than ``granularity`` (a year cannot be
            split into quarters), or periods need a granularity (dates, or
            mixed granularities) and none is given.

        Examples
        --------
        >>> from cchc_indicators import Hierarchy
        >>> h = Hierarchy.from_records([
        ...     {"code": "26", "name": "P", "level": "province"},
        ...     {"code": "243", "name": "D", "level": "district", "parent": "26"},
        ... ])
        >>> md = Microdata(h, unit=["243"] * 4, period=["2024-Q1", "2024-Q1", "2024-Q2", "2024-Q2"],
        ...                fields={"channel": ["portal", "post", "portal", None]})
        >>> p = md.to_panel({"portal": Count(("channel", "portal"))})
        >>> p.periods, p.data_of("portal").numerator[1].tolist(), p.data_of("portal").denominator[1].tolist()
        (('2024-Q1', '2024-Q2'), [1.0, 1.0], [2.0, 1.0])
        >>> p.note
        "counted from 4 dossiers; missing is not zero: a dossier missing a field a definition reads is in neither its numerator nor its denominator (left out: 'portal' 1)"
        >>> md.to_panel({"portal": Count("channel")})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: definition 'portal': field 'channel' is not boolean (its values are 'portal', 'post'); name a value, as ('channel', 'portal')
        """
        if not isinstance(definitions, Mapping) or not definitions:
            msg = "Microdata.to_panel: 'definitions' must be a non-empty mapping of indicator code -> Count"
            raise DefinitionError(msg)
        for code, definition in definitions.items():
            check_type(
                definition, Count, func="Microdata.to_panel", parameter=f"definitions[{code!r}]"
            )
        if granularity is not None and granularity not in GRANULARITIES:
            msg = f"Microdata.to_panel: granularity must be one of {', '.join(GRANULARITIES)} or None, got {granularity!r}"
            raise DefinitionError(msg)
        luts = {code: _luts(self, code, d) for code, d in definitions.items()}
        cell, labels = self._cells(granularity)
        n_units, n_periods = len(self.hierarchy), len(labels)
        n_cells = n_units * n_periods
        shared: dict[tuple[Any, ...], NDArray[np.int64]] = {}
        data: dict[str, IndicatorData] = {}
        left_out: dict[str, int] = {}
        first = self._first_rows(cell, n_cells)
        if zeros:
            present = np.bincount(self._unit, minlength=len(self.hierarchy)) > 0
            levels = np.unique(self.hierarchy.level_of[present])
            unit_ok = np.isin(self.hierarchy.level_of, levels)
            zero_cells = np.repeat(unit_ok, n_periods)
        for code, (num_field, num_lut, den_field, den_lut) in luts.items():
            key = (num_field, num_lut.tobytes(), den_field, den_lut.tobytes())
            if key not in shared:
                shared[key] = self._count(cell, n_cells, num_field, num_lut, den_field, den_lut)
            counts = shared[key]  # (cells, numerator state, denominator state); state 0 = missing
            num = counts[:, 2, 2]
            den = counts[:, 1, 2] + num
            left_out[code] = int(counts[:, 0, :].sum() + counts[:, 1:, 0].sum())
            observed = den > 0
            if zeros:
                observed = observed | zero_cells
            nan = np.full(n_cells, np.nan)
            data[code] = IndicatorData(
                nan.reshape(n_units, n_periods),
                np.where(observed, num, np.nan).reshape(n_units, n_periods),
                np.where(observed, den, np.nan).reshape(n_units, n_periods),
                nan.reshape(n_units, n_periods),
                np.where(observed, np.maximum(first, 0), -1).reshape(n_units, n_periods),
            )
        note = f"counted from {len(self)} dossiers"
        if any(left_out.values()):
            lost = ", ".join(f"{c!r} {k}" for c, k in left_out.items() if k)
            note += (
                "; missing is not zero: a dossier missing a field a definition reads is in "
                f"neither its numerator nor its denominator (left out: {lost})"
            )
        panel = Panel(self.hierarchy, labels, data, {}, self.source, note)
        if indicators is not None:
            panel = panel.with_indicators(indicators)
        return panel

    def _first_rows(self, cell: IntArray, n_cells: int) -> IntArray:
        """The first dossier (as numbered in errors) of each cell, -1 where there is none."""
        first = np.full(n_cells, -1, dtype=np.int64)
        n = len(cell)
        first[cell[::-1]] = np.arange(n - 1, -1, -1, dtype=np.int64)
        if self._rows is not None:
            first = np.where(first >= 0, self._rows[np.maximum(first, 0)], -1)
        return first

    def _count(
        self,
        cell: IntArray,
        n_cells: int,
        num_field: str,
        num_lut: NDArray[np.int8],
        den_field: str | None,
        den_lut: NDArray[np.int8],
    ) -> NDArray[np.int64]:
        """Counts per (cell, numerator state, denominator state): states 0 missing, 1 no, 2 yes."""
        state = _states(self._fields[num_field].codes, num_lut)  # int8 throughout: 0 to 8
        state *= 3
        if den_field is None:
            state += 2
        else:
            state += _states(self._fields[den_field].codes, den_lut)
        key = cell * 9
        key += state
        counts = np.bincount(key, minlength=9 * n_cells)
        return counts.reshape(n_cells, 3, 3)

    def _cells(self, granularity: str | None) -> tuple[IntArray, tuple[str, ...]]:
        """Each dossier's cell (unit x period, flattened) and the period labels."""
        months, grains = self._period_month, self._period_grain
        used = np.zeros(len(months), dtype=bool)
        if len(self):
            used = np.bincount(self._period_code, minlength=len(months)) > 0
        if granularity is None:
            held = np.unique(grains[used])
            if len(held) > 1 or (len(held) == 1 and int(held[0]) == _RANK["day"]):
                names = [k for k, v in _RANK.items() if v in held.tolist()]
                msg = (
                    f"the periods are {' and '.join(n + 's' if n != 'day' else 'dates' for n in names)}: "
                    "pass granularity='year', 'quarter' or 'month' to count them by one period"
                )
                raise PanelError(
                    [Problem(msg, field="period", kind="needs_granularity")], source=self.source
                )
            granularity = next(
                (k for k, v in _RANK.items() if held.size and v == int(held[0])), "year"
            )
        rank = _RANK[granularity]
        coarse = used & (grains < rank)
        if coarse.any():
            problems = Problems(self._rows if self._rows is not None else np.arange(len(self)))
            bad_rows = coarse[self._period_code]
            codes = self._period_code

            def message(i: int) -> str:
                j = int(codes[i])
                label = _own_label(int(months[j]), int(grains[j]))
                return f"period {label!r} is coarser than a {granularity}: it cannot be counted by {granularity}"

            problems.add(bad_rows, "coarse_period", "period", message)
            problems.raise_if_any(self.source)
        if granularity == "year":
            bins = months // 12
        elif granularity == "quarter":
            bins = months // 3
        else:
            bins = months
        distinct, column = (
            np.unique(bins[used], return_inverse=True) if used.any() else (bins[:0], bins[:0])
        )
        lut = np.full(len(months), 0, dtype=np.int64)
        lut[used] = column.reshape(-1)
        labels = tuple(_bin_label(int(b), granularity) for b in distinct.tolist())
        cell = self._unit * len(labels)
        cell += lut[self._period_code]
        return cell, labels


def _own_label(month: int, rank: int) -> str:
    """The label of a distinct period in its own granularity (a date as its month)."""
    if rank == _RANK["year"]:
        return _bin_label(month // 12, "year")
    if rank == _RANK["quarter"]:
        return _bin_label(month // 3, "quarter")
    return _bin_label(month, "month")


def _bin_label(b: int, granularity: str) -> str:
    if granularity == "year":
        return f"{b + _EPOCH:04d}"
    if granularity == "quarter":
        return f"{b // 4 + _EPOCH:04d}-Q{b % 4 + 1}"
    return f"{b // 12 + _EPOCH:04d}-{b % 12 + 1:02d}"


def _states(codes: NDArray[np.signedinteger[Any]], lut: NDArray[np.int8]) -> NDArray[np.int8]:
    """Each row's state (0 missing, 1 no, 2 yes) through a table indexed by code + 1."""
    if codes.dtype == np.int8 and np.array_equal(lut, [0, 1, 2]):  # a boolean field as it is
        out: NDArray[np.int8] = codes + np.int8(1)
        return out
    return lut.take(codes.astype(np.intp) + 1)


def _luts(
    md: Microdata, code: str, d: Count
) -> tuple[str, NDArray[np.int8], str | None, NDArray[np.int8]]:
    """For a definition: its numerator field and state table, its denominator's (or None)."""
    num_field = _field_of(d.numerator)
    num_lut = _lut(md, code, d.numerator)
    if d.denominator is None:
        return num_field, num_lut, None, np.zeros(0, dtype=np.int8)
    return num_field, num_lut, _field_of(d.denominator), _lut(md, code, d.denominator)


def _lut(md: Microdata, code: str, condition: str | tuple[str, object]) -> NDArray[np.int8]:
    """The state (0 missing, 1 no, 2 yes) of each code of the condition's field, code -1 first."""
    name = _field_of(condition)
    f = md._field(name, code)
    if isinstance(condition, str):
        if not f.boolean:
            shown = ", ".join(repr(x) for x in f.labels.tolist()[:5])
            more = ", ..." if len(f.labels) > 5 else ""
            example = repr(f.labels.tolist()[0]) if len(f.labels) else "'...'"
            msg = (
                f"definition {code!r}: field {name!r} is not boolean (its values are {shown}{more}); "
                f"name a value, as ({name!r}, {example})"
            )
            raise DefinitionError(msg, code=code)
        yes = np.array([False, True])
    else:
        value = condition[1]
        wanted = list(value) if isinstance(value, (tuple, frozenset)) else [value]
        labels = f.labels.tolist()
        yes = np.array([any(_same(x, w) for w in wanted) for x in labels], dtype=bool)
    return np.concatenate([[0], np.where(yes, 2, 1)]).astype(np.int8)


def _same(label: object, wanted: object) -> bool:
    if isinstance(label, bool) or isinstance(wanted, bool):
        return isinstance(label, bool) and isinstance(wanted, bool) and label == wanted
    return bool(label == wanted)


# --------------------------------------------------------------------------- validation


@attrs.frozen(eq=False)
class _Factorised:
    """A column already factorised by a reader: distinct values, each row's position (-1: null)."""

    distinct: NDArray[Any]
    inverse: IntArray

    def __len__(self) -> int:
        return len(self.inverse)


@attrs.frozen(eq=False)
class _Plain:
    """A column as an array, with the mask of a masked array (``None`` when nothing is masked)."""

    values: NDArray[Any]
    mask: BoolArray | None

    def __len__(self) -> int:
        return len(self.values)


def _build(
    hierarchy: Hierarchy,
    unit: object,
    period: object,
    fields: Mapping[str, object],
    source: str,
    rows: IntArray | None,
) -> tuple[IntArray, IntArray, IntArray, NDArray[np.int8], dict[str, _Field]]:
    """Validate and factorise the columns; a PanelError lists every problem."""
    columns: dict[str, _Factorised | _Plain] = {}
    named = {"unit": unit, "period": period, **{f"field:{k}": v for k, v in fields.items()}}
    for name, values in named.items():
        columns[name] = values if isinstance(values, _Factorised) else _Plain(*_as_array(values))
    lengths = {name: len(c) for name, c in columns.items()}
    n = lengths["unit"]
    wrong = {name: k for name, k in lengths.items() if k != n}
    if wrong:
        mismatched = [
            Problem(
                f"has {k} values but 'unit' has {n}; every column needs one value per dossier",
                field=name.removeprefix("field:"),
                kind="length_mismatch",
            )
            for name, k in wrong.items()
        ]
        raise PanelError(mismatched, source=source)
    problems = Problems(rows if rows is not None else np.arange(n, dtype=np.int64))
    positions = _units(hierarchy, columns["unit"], problems)
    period_code, months, grains = _periods(columns["period"], problems)
    problems.raise_if_any(source)
    built: dict[str, _Field] = {}
    for name, column in columns.items():
        if not name.startswith("field:"):
            continue
        if isinstance(column, _Factorised):
            distinct, inverse = column.distinct, column.inverse
            f = _field(distinct, None)
            codes = np.where(inverse >= 0, f.codes.astype(np.int64)[np.maximum(inverse, 0)], -1)
            codes = codes.astype(f.codes.dtype)
            built[name[6:]] = _Field(f.labels, codes, f.boolean)
        else:
            built[name[6:]] = _field(column.values, column.mask)
    return positions, period_code, months, grains, built


def _distinct(column: _Factorised | _Plain) -> tuple[NDArray[Any], IntArray, BoolArray | None]:
    if isinstance(column, _Factorised):
        return column.distinct, column.inverse, None
    distinct, inverse = _factorised(column.values)
    return distinct, inverse, column.mask


def _units(hierarchy: Hierarchy, column: _Factorised | _Plain, problems: Problems) -> IntArray:
    """Each row's unit position; rows whose unit is missing or unknown are problems."""
    distinct, inverse, mask = _distinct(column)
    texts = np.array(
        ["" if _is_missing(x) else str(x).strip() for x in distinct.tolist()], dtype=object
    )
    if distinct.dtype.kind in "US":
        texts = np.char.strip(distinct.astype(str)).astype(object)
    pos, found = (
        hierarchy.positions(texts.astype(str))
        if len(texts)
        else (np.zeros(0, np.int64), np.zeros(0, bool))
    )
    if (inverse < 0).any() or mask is not None:  # nulls from a reader, masked entries
        pos = np.append(pos, -1)
        found = np.append(found, False)
        texts = np.append(texts, "")
        inverse = np.where(inverse < 0, len(pos) - 1, inverse)
        if mask is not None:
            inverse = np.where(mask, len(pos) - 1, inverse)
    rows = pos[inverse]
    if not found.all():
        shown = texts

        def message(i: int) -> str:
            t = shown[inverse[i]]
            return f"unit {t!r} is not in the hierarchy" if t else "no unit code"

        problems.add(rows < 0, "unknown_unit", "unit", message)
    return rows


def _periods(
    column: _Factorised | _Plain, problems: Problems
) -> tuple[IntArray, IntArray, NDArray[np.int8]]:
    """Each row's period code, and per code its month (since January 1970) and granularity rank."""
    if isinstance(column, _Plain) and column.values.dtype.kind == "M":
        dates, mask = column.values, column.mask
        unit = np.datetime_data(dates.dtype)[0]
        rank = _RANK["year"] if unit == "Y" else _RANK["month"] if unit == "M" else _RANK["day"]
        month = dates.astype("M8[M]")
        bad = np.isnat(month) if mask is None else (np.isnat(month) | mask)
        m = month.astype(np.int64)  # a datetime64[Y] is January of its year
        if bad.any():
            problems.add(bad, "bad_period", "period", lambda i: "no date")
            m = np.where(bad, 0, m)
        lo = int(m.min()) if len(m) else 0
        span = (int(m.max()) - lo + 1) if len(m) else 0
        grains = np.full(span, rank, dtype=np.int8)
        return m - lo, np.arange(lo, lo + span, dtype=np.int64), grains
    distinct, inverse, mask = _distinct(column)
    parsed = [_month_of_date(x) for x in distinct.tolist()]
    ok = np.array([p is not None for p in parsed], dtype=bool)
    months = np.array([p[0] if p else 0 for p in parsed], dtype=np.int64)
    grains = np.array([_RANK[p[1]] if p else 0 for p in parsed], dtype=np.int8)
    bad_rows = (inverse < 0) | ~ok[np.maximum(inverse, 0)] if len(distinct) else inverse < 0
    if mask is not None:
        bad_rows = bad_rows | mask
    if bad_rows.any():
        texts = distinct

        def message(i: int) -> str:
            j = int(inverse[i])
            value = texts[j] if j >= 0 and (mask is None or not mask[i]) else None
            if _is_missing(value) or str(value).strip() == "":
                return "no date or period"
            shown = str(value) if isinstance(value, str) else value  # np.str_ shown as text
            return f"not a date or period: {shown!r}"

        problems.add(bad_rows, "bad_period", "period", message)
    return np.maximum(inverse, 0), months, grains


def _csv_booleans(distinct: NDArray[np.str_]) -> NDArray[Any]:
    """Distinct CSV texts of a field: true/false and 1/0 as booleans, empty as None, others kept."""
    lowered = np.char.lower(distinct)
    if len(distinct) and bool(np.all(np.isin(lowered, ["true", "false", "1", "0", ""]))):
        out = np.empty(len(distinct), dtype=object)
        out[:] = [None if t == "" else t in ("true", "1") for t in lowered.tolist()]
        return out
    return distinct


def _arrow_column(pa: Any, column: Any) -> Any:
    """An Arrow column as numpy: texts dictionary-encoded into (distinct, inverse), nulls -1."""
    if (
        pa.types.is_string(column.type)
        or pa.types.is_large_string(column.type)
        or pa.types.is_dictionary(column.type)
    ):
        encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
        chunks = encoded.combine_chunks() if hasattr(encoded, "combine_chunks") else encoded
        indices = chunks.indices.to_numpy(zero_copy_only=False)
        nulls = chunks.indices.is_null().to_numpy(zero_copy_only=False)
        inverse = np.where(nulls, -1, np.nan_to_num(indices, nan=-1)).astype(np.int64)
        distinct = np.array(chunks.dictionary.to_pylist(), dtype=object)
        return _Factorised(distinct, inverse)
    if (
        pa.types.is_boolean(column.type)
        or pa.types.is_integer(column.type)
        or pa.types.is_floating(column.type)
    ):
        values = column.to_numpy(zero_copy_only=False)
        if column.null_count:
            mask = column.is_null().to_numpy(zero_copy_only=False)
            return np.ma.MaskedArray(
                np.where(mask, 0, values).astype(values.dtype if values.dtype != object else float),
                mask=mask,
            )
        return values
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return column.to_numpy(zero_copy_only=False)
    return column.to_numpy(zero_copy_only=False)
