"""Administrative hierarchies: units on ordered levels, each with one parent on the level above.

A :class:`Hierarchy` is built from records or a CSV file with the columns
``code,name,level,parent``. Codes are strings: ``"01"`` and ``"1"`` are
different units. Levels are an ordered list of names, top first, by default
``province, district, commune``; the two-tier structure in force since
1 July 2025 is ``province, commune``.

The hierarchy precomputes, for every pair of levels, an integer array giving
each unit's ancestor at the higher level, which is what the roll-up engine
pools over.

Examples
--------
>>> from cchc_indicators import Hierarchy
>>> h = Hierarchy.from_records(
...     [
...         {"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"},
...         {"code": "243", "name": "Thành phố Vĩnh Yên", "level": "district", "parent": "26"},
...         {"code": "08707", "name": "Phường Tích Sơn", "level": "commune", "parent": "243"},
...     ],
...     edition="2024",
... )
>>> h
Hierarchy(edition='2024', levels=('province', 'district', 'commune'), units=1/1/1)
>>> h.ancestor("08707", "province").name
'Tỉnh Vĩnh Phúc'
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._loading import as_records
from cchc_indicators.core.errors import UnknownLevelError, UnknownUnitError
from cchc_indicators.units._hierarchy_build import (
    _derived_fields,
    _fields_from_csv,
    _fields_from_records,
    _positions,
    _subtree_fields,
    _to_tuple,
    _write_csv,
)

__all__ = ["DEFAULT_LEVELS", "TWO_TIER_LEVELS", "Hierarchy", "Unit"]

IntArray = NDArray[np.int64]
T = TypeVar("T")

#: The three-tier structure in force until 30 June 2025.
DEFAULT_LEVELS = ("province", "district", "commune")
#: The two-tier structure in force from 1 July 2025.
TWO_TIER_LEVELS = ("province", "commune")


#: How a hierarchy's ``edition`` label finds its embedded edition (with its dates): set by
#: :mod:`cchc_indicators.units.editions`, which imports this module, when it loads.
_EDITION_RESOLVERS: list[Callable[[Hierarchy], Any]] = []


def register_edition_resolver(resolve: Callable[[Hierarchy], Any]) -> None:
    """Let :attr:`Hierarchy.valid_from` and ``valid_until`` look editions up with ``resolve``."""
    _EDITION_RESOLVERS.append(resolve)


def _edition_of(h: Hierarchy) -> Any:
    """The embedded edition of ``h`` (an ``Edition``), or ``None``."""
    for resolve in _EDITION_RESOLVERS:
        found = resolve(h)
        if found is not None:
            return found
    return None


@attrs.frozen
class Unit:
    """One administrative unit.

    Parameters
    ----------
    code
        The official code, as a string (leading zeros kept).
    name
        The official name.
    level
        The name of its level (``"province"``, ``"district"``, ``"commune"``, ...).
    parent
        The code of its parent, ``None`` for a unit on the top level.

    Examples
    --------
    >>> Unit("243", "Thành phố Vĩnh Yên", "district", "26")
    Unit(code='243', name='Thành phố Vĩnh Yên', level='district', parent='26')
    """

    code: str
    name: str
    level: str
    parent: str | None = None


@attrs.frozen
class Hierarchy:
    """Administrative units on ordered levels (top first), one edition of the unit list.

    Build one with :meth:`from_records` or :meth:`from_csv`; the constructor
    takes already-validated arrays in canonical order (by level, then code).

    Parameters
    ----------
    levels
        Level names, top first.
    codes
        Unit codes in canonical order.
    names
        Unit names, aligned with ``codes``.
    level_of
        Each unit's level as an index into ``levels``.
    parent_of
        Each unit's parent as an index into ``codes`` (-1 for top-level units).
    edition
        A label for the edition of the unit list (``"2024"``), or ``None``.

    Examples
    --------
    >>> h = Hierarchy.from_records(
    ...     [
    ...         {"code": "26", "name": "Vĩnh Phúc", "level": "province"},
    ...         {"code": "26001", "name": "A", "level": "commune", "parent": "26"},
    ...         {"code": "26002", "name": "B", "level": "commune", "parent": "26"},
    ...     ],
    ...     levels=("province", "commune"),
    ... )
    >>> [u.code for u in h.children("26")]
    ['26001', '26002']
    >>> h.ancestors("commune", "province")
    array([0, 0])
    """

    levels: tuple[str, ...] = attrs.field(converter=_to_tuple)
    codes: tuple[str, ...] = attrs.field(converter=_to_tuple, repr=False)
    names: tuple[str, ...] = attrs.field(converter=_to_tuple, repr=False)
    level_of: IntArray = attrs.field(converter=readonly, repr=False, eq=ARRAY_EQ)
    parent_of: IntArray = attrs.field(converter=readonly, repr=False, eq=ARRAY_EQ)
    edition: str | None = None
    _offsets: IntArray = attrs.field(init=False, repr=False, eq=False)
    _ancestors: dict[tuple[int, int], IntArray] = attrs.field(init=False, repr=False, eq=False)
    _index: dict[str, int] = attrs.field(init=False, repr=False, eq=False)
    _memo: dict[object, Any] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for name, value in _derived_fields(self).items():
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        levels: Sequence[str] = DEFAULT_LEVELS,
        edition: str | None = None,
        source: str = "<records>",
        first_row: int = 0,
    ) -> Hierarchy:
        """Build a hierarchy from mappings with keys ``code``, ``name``, ``level``, ``parent``.

        Every problem is collected and reported together in one
        :class:`~cchc_indicators.core.errors.HierarchyError`: empty code, duplicate
        code, unknown level, a top-level unit with a parent, a lower unit
        without one, an unknown parent, a parent not on the level directly above.

        Parameters
        ----------
        records
            One mapping per unit. ``parent`` may be missing, ``None`` or empty
            for top-level units. Other keys are ignored.
        levels
            Level names, top first.
        edition
            The edition label of this list of units.
        source
            Named in error messages (a file name).
        first_row
            The row number of the first record in messages (0 for records,
            2 for a CSV file whose header is row 1).

        Examples
        --------
        >>> Hierarchy.from_records(
        ...     [{"code": "01", "name": "Hà Nội", "level": "province", "parent": "00"}]
        ... )
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.HierarchyError: <records>: 1 problem
          row 0, field 'parent': a unit on the top level 'province' cannot have a parent, got '00'
        """
        rows = as_records(records, func="Hierarchy.from_records")
        return cls(**_fields_from_records(rows, levels, source, first_row), edition=edition)

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        levels: Sequence[str] = DEFAULT_LEVELS,
        edition: str | None = None,
        within: str | None = None,
    ) -> Hierarchy:
        """Read a hierarchy from a CSV file with columns ``code,name,level,parent``.

        The file is read as UTF-8 (a byte-order mark is accepted); extra
        columns are ignored. Codes stay strings.

        Parameters
        ----------
        path
            The CSV file.
        levels
            Level names, top first.
        edition
            The edition label of this list of units.
        within
            If given, keep only this unit and its descendants (e.g. one
            province, ``"26"``). The whole file is validated first.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "u.csv").write_text(
        ...     "code,name,level,parent\\n26,Vĩnh Phúc,province,\\n243,Vĩnh Yên,district,26\\n",
        ...     encoding="utf-8",
        ... )
        >>> Hierarchy.from_csv(d / "u.csv", levels=("province", "district")).codes
        ('26', '243')
        """
        h = cls(**_fields_from_csv(Path(path), levels), edition=edition)
        return h if within is None else h.subtree(within)

    # ------------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self) -> Iterator[Unit]:
        return (self._unit(i) for i in range(len(self.codes)))

    def __repr__(self) -> str:
        counts = "/".join(str(int(c)) for c in np.diff(self._offsets))
        return f"Hierarchy(edition={self.edition!r}, levels={self.levels!r}, units={counts})"

    def _unit(self, i: int) -> Unit:
        p = int(self.parent_of[i])
        return Unit(
            self.codes[i],
            self.names[i],
            self.levels[int(self.level_of[i])],
            self.codes[p] if p >= 0 else None,
        )

    def position(self, code: str) -> int:
        """Return the index of ``code`` in :attr:`codes`.

        Parameters
        ----------
        code
            A unit code, as a string (``"08707"``, not ``8707``).

        Returns
        -------
        int
            The unit's position; the arrays of panels and roll-ups have one
            row per unit in this order.

        Raises
        ------
        UnknownUnitError
            If the code is not in the hierarchy.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.position("26"), h.position("243"), h.codes[h.position("08707")]
        (0, 1, '08707')
        >>> h.position(243)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownUnitError: unknown unit code 243 in hierarchy (edition 2024, 131 units); codes are strings, such as '01'
        """
        try:
            return self._index[code]
        except KeyError:
            msg = f"unknown unit code {code!r} in hierarchy (edition {self.edition}, {len(self)} units)"
            if isinstance(cast(object, code), int):
                msg += "; codes are strings, such as '01'"
            raise UnknownUnitError(msg, key=str(code)) from None

    def level_number(self, level: str) -> int:
        """Return the index of ``level`` in :attr:`levels` (0 = top).

        Parameters
        ----------
        level
            A level name, such as ``"district"``.

        Returns
        -------
        int
            The level's number, counting from 0 at the top.

        Raises
        ------
        UnknownLevelError
            If the level is not one of the hierarchy's.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.level_number("province"), h.level_number("commune")
        (0, 2)
        >>> h.level_number("ward")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownLevelError: unknown level 'ward'; the levels are 'province', 'district', 'commune'
        """
        try:
            return self.levels.index(level)
        except ValueError:
            shown = ", ".join(repr(x) for x in self.levels)
            msg = f"unknown level {level!r}; the levels are {shown}"
            raise UnknownLevelError(msg, key=str(level)) from None

    def unit(self, code: str) -> Unit:
        """Return the unit with ``code``.

        Examples
        --------
        >>> h = Hierarchy.from_records([{"code": "26", "name": "Vĩnh Phúc", "level": "province"}])
        >>> h.unit("26").name
        'Vĩnh Phúc'
        """
        return self._unit(self.position(code))

    def level(self, code: str) -> str:
        """Return the level name of the unit with ``code``.

        Parameters
        ----------
        code
            A unit code.

        Returns
        -------
        str
            The name of the unit's level.

        Raises
        ------
        UnknownUnitError
            If the code is not in the hierarchy.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.level("26"), h.level("243"), h.level("08707")
        ('province', 'district', 'commune')
        """
        return self.levels[int(self.level_of[self.position(code)])]

    def parent(self, code: str) -> Unit | None:
        """Return the parent of ``code``, or ``None`` for a top-level unit.

        Parameters
        ----------
        code
            A unit code.

        Returns
        -------
        Unit or None
            The unit on the level directly above that contains ``code``.

        Raises
        ------
        UnknownUnitError
            If the code is not in the hierarchy.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.parent("08707")
        Unit(code='243', name='Thành phố Vĩnh Yên', level='district', parent='26')
        >>> h.parent("26") is None
        True
        """
        p = int(self.parent_of[self.position(code)])
        return self._unit(p) if p >= 0 else None

    def children(self, code: str) -> tuple[Unit, ...]:
        """Return the units whose parent is ``code``, in code order.

        Parameters
        ----------
        code
            A unit code.

        Returns
        -------
        tuple of Unit
            The units on the level directly below (empty on the bottom level).

        Raises
        ------
        UnknownUnitError
            If the code is not in the hierarchy.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> len(h.children("243")), [u.name for u in h.children("243")][:2]
        (9, ['Phường Tích Sơn', 'Phường Liên Bảo'])
        >>> h.children("08707")
        ()
        """
        i = self.position(code)
        return tuple(self._unit(int(j)) for j in np.flatnonzero(self.parent_of == i))

    def ancestor(self, code: str, level: str) -> Unit:
        """Return the unit at ``level`` that contains ``code`` (itself at its own level).

        Parameters
        ----------
        code
            A unit code.
        level
            A level at or above the unit's own.

        Returns
        -------
        Unit
            The ancestor on ``level``.

        Raises
        ------
        UnknownUnitError
            If the code is not in the hierarchy.
        UnknownLevelError
            If ``level`` is not a level of the hierarchy, or is below the unit's level.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.ancestor("08707", "district").name, h.ancestor("08707", "province").code
        ('Thành phố Vĩnh Yên', '26')
        >>> h.ancestor("243", "commune")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownLevelError: level 'commune' is below unit '243', which is on level 'district'
        """
        i = self.position(code)
        k, a = int(self.level_of[i]), self.level_number(level)
        if a > k:
            msg = f"level {level!r} is below unit {code!r}, which is on level {self.levels[k]!r}"
            raise UnknownLevelError(msg, key=level)
        pos = int(self._ancestors[(k, a)][i - self._offsets[k]])
        return self._unit(int(self._offsets[a]) + pos)

    def descendants(self, code: str, level: str | None = None) -> tuple[Unit, ...]:
        """Return the units below ``code``, at ``level`` or at every level below it.

        Examples
        --------
        >>> h = Hierarchy.from_records(
        ...     [
        ...         {"code": "26", "name": "P", "level": "province"},
        ...         {"code": "243", "name": "D", "level": "district", "parent": "26"},
        ...         {"code": "08707", "name": "C", "level": "commune", "parent": "243"},
        ...     ]
        ... )
        >>> [u.code for u in h.descendants("26")], [u.code for u in h.descendants("26", "commune")]
        (['243', '08707'], ['08707'])
        """
        return tuple(self._unit(int(j)) for j in self.descendant_positions(code, level))

    def descendant_positions(self, code: str, level: str | None = None) -> IntArray:
        """Return the indices (into :attr:`codes`) of the units below ``code``.

        Parameters
        ----------
        code
            A unit code.
        level
            Only the descendants on this level; ``None`` (default) for every
            level below the unit's.

        Returns
        -------
        numpy.ndarray
            Integer positions, level by level, in code order within a level.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> pos = h.descendant_positions("243", "commune")
        >>> len(pos), [h.codes[i] for i in pos[:2]]
        (9, ['08707', '08710'])
        >>> len(h.descendant_positions("26"))  # 9 districts and 121 communes
        130
        """
        i = self.position(code)
        k = int(self.level_of[i])
        pos = i - int(self._offsets[k])
        targets = range(k + 1, len(self.levels)) if level is None else [self.level_number(level)]
        out = [
            np.flatnonzero(self._ancestors[(t, k)] == pos) + self._offsets[t]
            for t in targets
            if t > k
        ]
        return np.concatenate(out).astype(np.int64) if out else np.array([], dtype=np.int64)

    def units(self, level: str | None = None) -> tuple[Unit, ...]:
        """Return the units of ``level`` (all units when ``None``), in code order.

        Parameters
        ----------
        level
            A level name, or ``None`` (default) for every unit, level by level.

        Returns
        -------
        tuple of Unit
            The units.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.units("province")
        (Unit(code='26', name='Tỉnh Vĩnh Phúc', level='province', parent=None),)
        >>> len(h.units()), len(h.units("district"))
        (131, 9)
        """
        if level is None:
            return tuple(self)
        s = self.level_slice(level)
        return tuple(self._unit(i) for i in range(s.start, s.stop))

    def level_slice(self, level: str | int) -> slice:
        """Return the slice of :attr:`codes` holding the units of ``level``.

        Parameters
        ----------
        level
            A level name or number (0 = top).

        Returns
        -------
        slice
            The positions of the level's units (they are contiguous).

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.level_slice("district"), h.level_slice(0)
        (slice(1, 10, None), slice(0, 1, None))
        >>> h.codes[h.level_slice("district")][:3]
        ('243', '244', '246')
        """
        k = level if isinstance(level, int) else self.level_number(level)
        return slice(int(self._offsets[k]), int(self._offsets[k + 1]))

    def level_size(self, level: str | int) -> int:
        """Return the number of units on ``level``.

        Parameters
        ----------
        level
            A level name or number (0 = top).

        Returns
        -------
        int
            How many units the level holds.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> h.level_size("province"), h.level_size("district"), h.level_size(2)
        (1, 9, 121)
        """
        s = self.level_slice(level)
        return int(s.stop) - int(s.start)

    def ancestors(self, from_level: str | int, to_level: str | int) -> IntArray:
        """Return, for each unit of ``from_level``, the position of its ancestor on ``to_level``.

        Positions count within ``to_level`` (0 is its first unit in code order).
        This is the precomputed array the roll-up engine pools over.

        Parameters
        ----------
        from_level
            The level of the units (a name or a number, 0 = top).
        to_level
            The level of their ancestors, at or above ``from_level``.

        Returns
        -------
        numpy.ndarray
            One integer per unit of ``from_level`` (read-only).

        Raises
        ------
        UnknownLevelError
            If ``to_level`` is below ``from_level``.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> district = h.ancestors("commune", "district")
        >>> district[:3], h.units("district")[district[0]].name
        (array([0, 0, 0]), 'Thành phố Vĩnh Yên')
        >>> np.bincount(district)  # communes per district
        array([ 9,  9, 19, 12,  9, 13, 16, 20, 14])
        """
        k = from_level if isinstance(from_level, int) else self.level_number(from_level)
        a = to_level if isinstance(to_level, int) else self.level_number(to_level)
        if a > k:
            msg = f"level {self.levels[a]!r} is below level {self.levels[k]!r}"
            raise UnknownLevelError(msg, key=self.levels[a])
        return self._ancestors[(k, a)]

    @property
    def valid_from(self) -> datetime.date | None:
        """The first day the edition of these units is in force, if it is an embedded edition.

        Examples
        --------
        >>> from cchc_indicators import units
        >>> units.load("vn-2025").valid_from
        datetime.date(2025, 7, 1)
        """
        e = _edition_of(self)
        return None if e is None else e.valid_from

    @property
    def valid_until(self) -> datetime.date | None:
        """The last day the edition of these units is in force, if known (``None``: still in force).

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> vinh_phuc_units().valid_until
        datetime.date(2025, 2, 28)
        """
        e = _edition_of(self)
        return None if e is None else e.valid_until

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """Return ``compute()``, computed once per ``key`` for this hierarchy (engine cache).

        The hierarchy is immutable, so anything derived from it alone (index
        arrays, scope sizes) can be kept. Values are returned as they are:
        make arrays read-only before caching them.

        Parameters
        ----------
        key
            A hashable key naming what is computed (and from what).
        compute
            Called without arguments the first time ``key`` is asked for.

        Returns
        -------
        object
            The value ``compute()`` returned for ``key``.

        Examples
        --------
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> calls = []
        >>> def communes_per_district():
        ...     calls.append(1)
        ...     return np.bincount(h.ancestors("commune", "district"))
        >>> h.memo("communes_per_district", communes_per_district)[:3]
        array([ 9,  9, 19])
        >>> h.memo("communes_per_district", communes_per_district)[:3]
        array([ 9,  9, 19])
        >>> len(calls)
        1
        """
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    def positions(self, codes: Sequence[str] | NDArray[Any]) -> tuple[IntArray, NDArray[np.bool_]]:
        """Look up many codes at once: return their indices and a mask of those found.

        Codes not found get index -1. Vectorised: the work is one sort of the
        distinct codes asked for.

        Examples
        --------
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> h.positions(["26", "27", "26"])
        (array([ 0, -1,  0]), array([ True, False,  True]))
        """
        return _positions(self._index, codes)

    def subtree(self, code: str) -> Hierarchy:
        """Return the hierarchy of ``code`` and its descendants, with ``code`` on top.

        Levels above the unit's are dropped.

        Examples
        --------
        >>> h = Hierarchy.from_records(
        ...     [
        ...         {"code": "26", "name": "P", "level": "province"},
        ...         {"code": "27", "name": "Q", "level": "province"},
        ...         {"code": "243", "name": "D", "level": "district", "parent": "26"},
        ...     ]
        ... )
        >>> h.subtree("26")
        Hierarchy(edition=None, levels=('province', 'district', 'commune'), units=1/1/0)
        """
        return Hierarchy(**_subtree_fields(self, code), edition=self.edition)

    def to_records(self) -> list[dict[str, str]]:
        """Return one ``{code, name, level, parent}`` dict per unit (parent ``""`` on top).

        Examples
        --------
        >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
        >>> h.to_records()
        [{'code': '26', 'name': 'P', 'level': 'province', 'parent': ''}]
        >>> Hierarchy.from_records(h.to_records()) == h
        True
        """
        return [
            {"code": u.code, "name": u.name, "level": u.level, "parent": u.parent or ""}
            for u in self
        ]

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the hierarchy as a CSV file that :meth:`from_csv` reads back.

        The file is UTF-8 with the columns ``code,name,level,parent``, one row
        per unit (see :meth:`to_records`).

        Parameters
        ----------
        path
            The file to write (replaced if it exists).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "vinh_phuc.csv"
        >>> h = Hierarchy.from_records(
        ...     [
        ...         {"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"},
        ...         {"code": "243", "name": "Thành phố Vĩnh Yên", "level": "district", "parent": "26"},
        ...     ],
        ...     levels=("province", "district"),
        ... )
        >>> h.to_csv(path)
        >>> path.read_text(encoding="utf-8").splitlines()
        ['code,name,level,parent', '26,Tỉnh Vĩnh Phúc,province,', '243,Thành phố Vĩnh Yên,district,26']
        >>> Hierarchy.from_csv(path, levels=("province", "district")) == h
        True
        """
        _write_csv(Path(path), self.to_records())
