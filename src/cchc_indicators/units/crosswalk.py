"""Crosswalks: which units of one edition of the unit list became which units of another.

A :class:`Crosswalk` links units of an *old* edition to units of a *new* one.
Each link carries an allocation weight, the share of the old unit that went
to the new one:

* a **merge** (many to one) links several old units to one new unit, each
  with weight 1, and needs no weights from anyone;
* a **split** (one to many, flagged ``partly`` in the official table) links
  one old unit to several new ones; its weights sum to 1. They are equal
  shares unless given (by population, dossiers, ... of each part).

Old units with no link are *unmapped*: they are reported
(:meth:`Crosswalk.unmapped`), never dropped silently. New units no old unit
went to are reported too (:meth:`Crosswalk.without_predecessor`).

The official tables of the 1 July 2025 reform are embedded:
:meth:`Crosswalk.official` links the 10,051 communes and 63 provinces of
``vn-2024`` to the 3,321 communes and 34 provinces of ``vn-2025``. For
Vĩnh Phúc it also links the 136 communes of ``vinh-phuc-2021`` to the 121
of ``vn-2024`` (the merges in force 1 January 2025), and, chaining both
(:meth:`Crosswalk.then`), to ``vn-2025``.
District-level units have no successor tier; :meth:`Crosswalk.derive` links
them to the new provinces or communes through their provinces or communes.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators.units.crosswalk import Crosswalk
>>> cw = Crosswalk.official()
>>> cw
Crosswalk('vn-2024' -> 'vn-2025', links=10617, levels=province->province, commune->commune)
>>> cw.predecessors("25")
(('17', 1.0), ('25', 1.0), ('26', 1.0))
>>> cw.successors("00016")  # split in two, equal shares by default
(('00004', 0.5), ('00008', 0.5))
>>> len(cw.unmapped()), len(cw.splits())
(28, 440)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._loading import as_records, check_mappings
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem
from cchc_indicators.units import _crosswalk
from cchc_indicators.units import editions as _units
from cchc_indicators.units._crosswalk import Weights
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["ERRATA", "WEIGHT_TOLERANCE", "Crosswalk", "CrosswalkError"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: How far the weights of one old unit may sum from 1 before it is an error.
WEIGHT_TOLERANCE = _crosswalk.WEIGHT_TOLERANCE

_COMMUNE_TABLE = "vn_commune_crosswalk_2025.csv"
_PROVINCE_TABLE = "vn_province_crosswalk_2025.csv"
_VINH_PHUC_TABLE = "vinh_phuc_crosswalk_2025_01.csv"

#: Rows of the official tables that are not used, and why. Each is
#: ``(table, old code, new code, reason)``.
ERRATA: tuple[tuple[str, str, str, str], ...] = (
    (
        _PROVINCE_TABLE,
        "82",
        "80",
        "Tiền Giang (82) merged whole into Đồng Tháp (82); the row 82 -> 80 matches no "
        "commune: it mirrors commune 27691 (Phường 4, Tân An), whose old_province the "
        "commune table gives as 82 although its district 794 belongs to Long An (80) "
        "in vn-2024",
    ),
)


class CrosswalkError(InvalidDataError):
    """A crosswalk or a set of allocation weights is invalid; every problem is listed.

    Problem kinds: ``empty_field``, ``unknown_old``, ``unknown_new``,
    ``duplicate_link``, ``bad_partly``, ``partly_mismatch``, ``level_mismatch``,
    ``bad_weight``, ``missing_weight``, ``weights_sum``, ``zero_weights``,
    ``unknown_link``, ``missing_column``.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> from cchc_indicators import units
    >>> try:
    ...     Crosswalk.from_records(
    ...         [{"old_code": "99999", "new_code": "08707"}],
    ...         old=units.load("vn-2024", province="26"),
    ...         new=units.load("vn-2025", province="25"),
    ...     )
    ... except CrosswalkError as err:
    ...     print(err.kinds)
    ('unknown_old',)
    """


def _ints(a: Any) -> IntArray:
    out: IntArray = readonly(a, np.int64)
    return out


def _floats(a: Any) -> FloatArray:
    out: FloatArray = readonly(a, np.float64)
    return out


def _bools(a: Any) -> BoolArray:
    out: BoolArray = readonly(a, np.bool_)
    return out


def _edition(h: Hierarchy | str, parameter: str = "hierarchy") -> Hierarchy:
    check_type(
        h,
        (Hierarchy, str),
        func="Crosswalk",
        parameter=parameter,
        expected="a Hierarchy or the name of an embedded edition ('vn-2024', 'vn-2025')",
    )
    return _units.load(h) if isinstance(h, str) else h


def _problems(items: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(items)


def _texts(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen
class Crosswalk:
    """Links from the units of an old edition to the units of a new one, with allocation weights.

    Build one with :meth:`official`, :meth:`from_records`, :meth:`from_csv` or
    :meth:`identity`; the constructor takes validated arrays, sorted by old
    then new unit.

    Parameters
    ----------
    old, new
        The two editions, as hierarchies.
    old_index, new_index
        For each link, the positions of its old and new unit in
        ``old.codes`` and ``new.codes``.
    weight
        For each link, the share of the old unit allocated to the new one;
        the shares of each old unit sum to 1.
    partly
        For each link, whether the old unit went only partly to the new one.
    source
        Where the links come from, named in reports.
    weighting
        How the weights were set (``"equal"``, or where given weights came from).
    ignored
        Rows left out when building, each as a
        :class:`~cchc_indicators.core.errors.Problem` saying why.
    notes
        Remarks carried into every report: corrections applied, derived links.

    Notes
    -----
    Two crosswalks are equal when they link the same units with the same
    weights and ``partly`` flags, whatever their source and remarks.

    Examples
    --------
    >>> from cchc_indicators import units
    >>> old = units.load("vn-2024", province="26")
    >>> new = units.load("vn-2025", province="25")
    >>> cw = Crosswalk.from_records(
    ...     [
    ...         {"old_code": "08707", "new_code": "08707"},
    ...         {"old_code": "08710", "new_code": "08707"},
    ...     ],
    ...     old=old,
    ...     new=new,
    ... )
    >>> cw.merges(), cw.splits()
    (('08707',), ())
    >>> len(cw.unmapped("commune"))
    119
    """

    old: Hierarchy
    new: Hierarchy
    old_index: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    new_index: IntArray = attrs.field(converter=_ints, eq=ARRAY_EQ)
    weight: FloatArray = attrs.field(converter=_floats, eq=ARRAY_EQ)
    partly: BoolArray = attrs.field(converter=_bools, eq=ARRAY_EQ)
    source: str = attrs.field(default="<records>", eq=False)
    weighting: str = attrs.field(default="equal", eq=False)
    ignored: tuple[Problem, ...] = attrs.field(default=(), converter=_problems, eq=False)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_texts, eq=False)

    def __attrs_post_init__(self) -> None:
        n = len(self.old_index)
        if not (len(self.new_index) == len(self.weight) == len(self.partly) == n):
            msg = "old_index, new_index, weight and partly must have the same length"
            raise ValueError(msg)
        if n and (
            self.old_index.min() < 0
            or self.old_index.max() >= len(self.old)
            or self.new_index.min() < 0
            or self.new_index.max() >= len(self.new)
        ):
            msg = "link positions must lie within the old and new hierarchies"
            raise ValueError(msg)
        key = self.old_index * max(len(self.new), 1) + self.new_index
        if n and np.any(np.diff(key) <= 0):
            msg = "links must be sorted by old then new unit, without duplicates"
            raise ValueError(msg)
        sums = np.bincount(self.old_index, weights=self.weight, minlength=len(self.old))
        linked = np.bincount(self.old_index, minlength=len(self.old)) > 0
        if np.any(np.abs(sums[linked] - 1.0) > WEIGHT_TOLERANCE) or np.any(self.weight < 0):
            msg = "the weights of each old unit must be >= 0 and sum to 1"
            raise ValueError(msg)

    def __repr__(self) -> str:
        pairs = ", ".join(f"{a}->{b}" for a, b in self.levels.items())
        return (
            f"Crosswalk({self.old.edition!r} -> {self.new.edition!r}, links={len(self)}, "
            f"levels={pairs or '(none)'})"
        )

    def __len__(self) -> int:
        return len(self.old_index)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        old: Hierarchy | str,
        new: Hierarchy | str,
        source: str = "<records>",
        first_row: int = 0,
        on_unknown: Literal["raise", "ignore"] = "raise",
    ) -> Crosswalk:
        """Build a crosswalk from rows ``old_code, new_code[, partly][, weight]``.

        One row per link. ``partly`` (``0``/``1``) marks an old unit that went
        only partly to the new one; it is inferred (several rows = split) when
        not given. ``weight`` is the share of the old unit allocated to the
        new one: give it on every row of an old unit or on none (equal
        shares). A unit with one row gets weight 1. Other keys are ignored.

        Parameters
        ----------
        records
            The links.
        old, new
            The two editions, as hierarchies or embedded edition names (``"vn-2024"``).
        source
            Named in error messages and reports.
        first_row
            The row number of the first record in messages.
        on_unknown
            ``"raise"`` (default): a code not in its edition is an error.
            ``"ignore"``: such rows are left out and listed in :attr:`ignored`.

        Returns
        -------
        Crosswalk
            The links, sorted by old then new unit.

        Raises
        ------
        CrosswalkError
            Listing every problem: empty or unknown codes on either side, a
            link given twice, an unreadable ``partly``, a split unit marked
            ``partly=0``, units of one level linked to units of different
            levels, a bad, missing or negative weight, weights of an old unit
            that do not sum to 1.

        Examples
        --------
        >>> from cchc_indicators import units
        >>> old = units.load("vn-2024", province="26")
        >>> new = units.load("vn-2025", province="25")
        >>> cw = Crosswalk.from_records(
        ...     [
        ...         {"old_code": "08707", "new_code": "08707", "weight": 0.75},
        ...         {"old_code": "08707", "new_code": "08716", "weight": 0.25},
        ...     ],
        ...     old=old, new=new,
        ... )
        >>> cw.successors("08707"), cw.partly.tolist()
        ((('08707', 0.75), ('08716', 0.25)), [True, True])
        >>> Crosswalk.from_records(
        ...     [
        ...         {"old_code": "08707", "new_code": "08707", "weight": 0.5},
        ...         {"old_code": "08707", "new_code": "08716", "weight": 0.4},
        ...     ],
        ...     old=old, new=new,
        ... )
        Traceback (most recent call last):
        ...
        cchc_indicators.units.crosswalk.CrosswalkError: <records>: 1 problem
          row 0, field 'weight': the weights of old unit '08707' sum to 0.9, not 1 (08707: 0.5, 08716: 0.4)
        """
        rows = as_records(records, func="Crosswalk.from_records")
        check_mappings(rows, source=source, first_row=first_row, error=CrosswalkError)
        columns = {
            c: [r.get(c) for r in rows] for c in ("old_code", "new_code", "partly", "weight")
        }
        numbers = first_row + np.arange(len(rows), dtype=np.int64)
        return cls._build(
            columns, numbers, _edition(old, "old"), _edition(new, "new"), source, on_unknown
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        old: Hierarchy | str,
        new: Hierarchy | str,
        on_unknown: Literal["raise", "ignore"] = "raise",
    ) -> Crosswalk:
        """Read a crosswalk from a CSV file with columns ``old_code,new_code[,partly][,weight]``.

        The official table's other columns (``old_district``, ...) are
        ignored. See :meth:`from_records`; row numbers in errors count the
        header as row 1.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from cchc_indicators import units
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "cw.csv"
        >>> _ = f.write_text("old_code,new_code\\n08707,08707\\n08710,8707\\n", encoding="utf-8")
        >>> Crosswalk.from_csv(f, old=units.load("vn-2024", province="26"), new="vn-2025")
        Traceback (most recent call last):
        ...
        cchc_indicators.units.crosswalk.CrosswalkError: .../cw.csv: 1 problem
          row 3, field 'new_code': new unit '8707' is not in edition vn-2025 (3355 units)
        """
        path = Path(path)
        header, table, row_numbers = read_csv(path)
        missing = [c for c in ("old_code", "new_code") if c not in header]
        if missing:
            got = ",".join(header) or "(empty file)"
            problem = Problem(
                f"missing column(s) {', '.join(missing)}; got {got}", row=1, kind="missing_column"
            )
            raise CrosswalkError([problem], source=str(path))
        columns: dict[str, list[Any]] = {}
        for c in ("old_code", "new_code", "partly", "weight"):
            j = header.index(c) if c in header else -1
            columns[c] = [row[j] if 0 <= j < len(row) else None for row in table]
        return cls._build(
            columns, row_numbers, _edition(old, "old"), _edition(new, "new"), str(path), on_unknown
        )

    @classmethod
    def identity(cls, hierarchy: Hierarchy | str) -> Crosswalk:
        """Link every unit of ``hierarchy`` to itself: re-basing onto the same edition.

        Examples
        --------
        >>> cw = Crosswalk.identity("vn-2025")
        >>> cw
        Crosswalk('vn-2025' -> 'vn-2025', links=3355, levels=province->province, commune->commune)
        >>> cw.successors("25")
        (('25', 1.0),)
        """
        h = _edition(hierarchy)
        n = len(h)
        every = np.arange(n, dtype=np.int64)
        return cls(h, h, every, every, np.ones(n), np.zeros(n, dtype=bool), source="identity")

    @classmethod
    def official(cls, old: str = "vn-2024", new: str = "vn-2025") -> Crosswalk:
        """Return the official crosswalk between two embedded editions.

        From ``vn-2024`` to ``vn-2025``: the commune and province tables of
        the 1 July 2025 reform, embedded unchanged, with the rows in
        :data:`ERRATA` left out. Ten commune rows name an old code that is
        not in ``vn-2024`` (in 11 rows); they are left out and listed in :attr:`ignored`.
        Weights are equal shares; change them with :meth:`with_weights`.
        From an edition to itself: :meth:`identity`.

        From ``vinh-phuc-2021`` to ``vn-2024``: Vĩnh Phúc's province, its 9
        district-level units and 133 of its 136 communes, each going whole to
        one unit of ``vn-2024`` limited to Vĩnh Phúc (the merges of Nghị quyết
        1287/NQ-UBTVQH15, in force 1 January 2025; each row of the embedded
        ``vinh_phuc_crosswalk_2025_01.csv`` names its source). Three communes
        (08821 Nhạo Sơn, 08857 Đình Chu, 09058 Hồng Phương) were merged on
        that day into units no source at hand names; they stay unmapped.
        From ``vinh-phuc-2021`` to ``vn-2025``: that crosswalk followed by the
        official one (:meth:`then`).

        Parameters
        ----------
        old, new
            Edition names or aliases.

        Raises
        ------
        DefinitionError
            If an edition is unknown or there is no official crosswalk between them.

        Examples
        --------
        >>> cw = Crosswalk.official("2024", "2025")
        >>> len(cw.ignored), cw.ignored[0].kind  # 11 rows naming 10 codes
        (11, 'unknown_old')
        >>> Crosswalk.official("vn-2025", "vn-2024")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: no official crosswalk from vn-2025 to vn-2024; the package holds one from vn-2024 to vn-2025 (build others with Crosswalk.from_records)
        >>> vp = Crosswalk.official("vinh-phuc-2021", "vn-2024")
        >>> vp.successors("08734")  # Trưng Trắc went into Hai Bà Trưng (08740)
        (('08740', 1.0),)
        >>> vp.unmapped()
        ('08821', '08857', '09058')
        >>> Crosswalk.official("vinh-phuc-2021", "vn-2025").successors("08734")  # now Phúc Yên ward
        (('08740', 1.0),)
        """
        a, b = _units.edition(old).name, _units.edition(new).name
        return _official(a, b)

    @classmethod
    def _build(
        cls,
        columns: Mapping[str, list[Any]],
        row_numbers: IntArray,
        old: Hierarchy,
        new: Hierarchy,
        source: str,
        on_unknown: str,
    ) -> Crosswalk:
        o, nw, weights, partly, weighting, ignored = _crosswalk.build_links(
            columns, row_numbers, old, new, on_unknown, source, CrosswalkError
        )
        return cls(
            old, new, o, nw, weights, partly, source=source, weighting=weighting, ignored=ignored
        )

    # ------------------------------------------------------------------ weights

    def with_weights(
        self,
        weights: Weights,
        *,
        normalize: bool = False,
        source: str | None = None,
    ) -> Crosswalk:
        """Return the crosswalk with other allocation weights for some old units.

        Parameters
        ----------
        weights
            The weights of some links: a mapping ``{(old code, new code): weight}``,
            records with keys ``old_code``, ``new_code`` and ``weight``, or the
            path of a CSV file with those columns. An old unit named must have a
            weight on every one of its links; old units not named keep theirs.
        normalize
            ``False`` (default): the weights of each old unit must sum to 1
            (within :data:`WEIGHT_TOLERANCE`). ``True``: they are sizes of the
            parts (population, dossiers, ...) and are divided by their sum.
        source
            What the weights are, named in reports (default: the file name,
            or ``"<weights>"``).

        Raises
        ------
        CrosswalkError
            Listing every problem: a link that is not in the crosswalk, an old
            unit with weights on some of its links only, a bad or negative
            weight, weights that do not sum to 1 (or sum to 0, with ``normalize``).

        Examples
        --------
        >>> cw = Crosswalk.official()
        >>> cw.with_weights({("00016", "00004"): 0.8, ("00016", "00008"): 0.2}).successors("00016")
        (('00004', 0.8), ('00008', 0.2))
        >>> cw.with_weights(
        ...     {("00016", "00004"): 3000, ("00016", "00008"): 1000}, normalize=True
        ... ).successors("00016")
        (('00004', 0.75), ('00008', 0.25))
        >>> cw.with_weights({("00016", "00004"): 1.0})
        Traceback (most recent call last):
        ...
        cchc_indicators.units.crosswalk.CrosswalkError: <weights>: 1 problem
          row 0, field 'weight': old unit '00016' has 2 links (00004, 00008); give a weight for each, not for 1
        """
        rows, numbers, where = _crosswalk.weight_rows(weights, CrosswalkError)
        where = source or where
        final = _crosswalk.reweight(self, rows, numbers, where, normalize, CrosswalkError)
        how = f"{where}{' (normalised)' if normalize else ''}"
        weighting = how if self.weighting == "equal" else f"{self.weighting}; {how}"
        return attrs.evolve(self, weight=final, weighting=weighting)

    # ------------------------------------------------------------------ chaining

    def then(self, other: Crosswalk) -> Crosswalk:
        """Return the crosswalk that follows this one, then ``other``.

        ``other`` must start from the edition this one goes to: each unit this
        one links to is matched by code to an old unit of ``other`` (so
        ``other`` may start from a larger list, such as the whole country).
        A link's weight is the product of the two weights, and links reaching
        one unit through several intermediate units add up. An old unit with a
        link to an intermediate unit that ``other`` leaves unmapped keeps no
        link at all, rather than part of its share: it becomes unmapped and a
        note names it. The source, weighting and notes of both are kept.

        Parameters
        ----------
        other
            The second crosswalk.

        Returns
        -------
        Crosswalk
            From this crosswalk's old edition to ``other``'s new one.

        Raises
        ------
        DefinitionError
            If ``other`` is not a crosswalk, starts from another edition, or
            lacks a unit this one links to.

        Examples
        --------
        >>> first = Crosswalk.official("vinh-phuc-2021", "vn-2024")
        >>> both = first.then(Crosswalk.official("vn-2024", "vn-2025"))
        >>> both
        Crosswalk('vinh-phuc-2021' -> 'vn-2025', links=134, levels=province->province, commune->commune)
        >>> both.successors("09094")  # Việt Xuân -> Sao Đại Việt (1 Jan 2025) -> Vĩnh Thành
        (('09106', 1.0),)
        >>> both.predecessors("08740")  # the ward Phúc Yên of 2025, from six units of 2021
        (('08734', 1.0), ('08737', 1.0), ('08740', 1.0), ('08743', 1.0), ('08755', 1.0), ('08758', 1.0))
        >>> first.then(first)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: cannot chain crosswalks: the first goes to vn-2024, the second starts from vinh-phuc-2021
        """
        given: object = other  # typed, but callers may pass anything
        if not isinstance(given, Crosswalk):
            msg = f"Crosswalk.then: 'other' is a Crosswalk, got {type(given).__name__}"
            raise DefinitionError(msg)
        if not _same(self.new.edition, other.old.edition):
            msg = (
                f"cannot chain crosswalks: the first goes to {self.new.edition}, the second "
                f"starts from {other.old.edition}"
            )
            raise DefinitionError(msg)
        o, nw, weights, partly, lost = _crosswalk.compose_links(self, other)
        notes = [*self.notes, *other.notes]
        if lost:
            notes.append(
                f"chained {self.old.edition} -> {self.new.edition} -> {other.new.edition}: "
                f"{len(lost)} old unit(s) reach a unit the second crosswalk leaves unmapped and "
                f"are left unmapped: {', '.join(lost[:10])}{', ...' if len(lost) > 10 else ''}"
            )
        weighting = (
            self.weighting
            if self.weighting == other.weighting
            else f"{self.weighting}; then {other.weighting}"
        )
        return Crosswalk(
            self.old,
            other.new,
            o,
            nw,
            weights,
            partly,
            source=f"{self.source}; then {other.source}",
            weighting=weighting,
            ignored=(*self.ignored, *other.ignored),
            notes=tuple(notes),
        )

    # ------------------------------------------------------------------ derived links

    def derive(self, level: str, onto: str) -> Crosswalk:
        """Return the crosswalk with links for the old units of ``level``, derived onto ``onto``.

        For a level the new edition does not have (``district`` from
        ``vn-2024``): each old unit of ``level`` gets the links of its
        ancestor, when ``onto`` is the new level of a linked level above it
        (a district goes where its province went); or the links of its
        descendants, when ``onto`` is the new level of a linked level below
        it (a district is shared among the new communes its communes went to,
        each of its linked communes counting equally and following its own
        weights). Units with no linked ancestor or descendant stay unmapped.

        Parameters
        ----------
        level
            An old level without links.
        onto
            A new level that a linked old level maps to.

        Raises
        ------
        UnknownLevelError
            If either level is unknown.
        DefinitionError
            If ``level`` already has links, or no linked old level maps onto ``onto``.

        Examples
        --------
        >>> cw = Crosswalk.official()
        >>> cw.derive("district", "province").successors("243")
        (('25', 1.0),)
        >>> parts = cw.derive("district", "commune").successors("243")  # Vĩnh Yên: 9 communes
        >>> [(code, round(w, 4)) for code, w in parts]  # 4 went to 08707, 5 to 08716
        [('08707', 0.4444), ('08716', 0.5556)]
        >>> cw.derive("district", "district")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownLevelError: unknown level 'district'; the levels are 'province', 'commune'
        """
        o, nw, weights, partly, note = _crosswalk.derive_links(self, level, onto)
        return attrs.evolve(
            self,
            old_index=o,
            new_index=nw,
            weight=weights,
            partly=partly,
            notes=(*self.notes, note),
        )

    # ------------------------------------------------------------------ questions

    @property
    def levels(self) -> dict[str, str]:
        """The old levels that have links, each with the new level its units go to.

        Examples
        --------
        >>> Crosswalk.official().levels
        {'province': 'province', 'commune': 'commune'}
        """
        o = self.old.level_of[self.old_index]
        nl = self.new.level_of[self.new_index]
        out: dict[str, str] = {}
        for k in np.unique(o).tolist():
            out[self.old.levels[k]] = self.new.levels[int(nl[np.argmax(o == k)])]
        return out

    def successors(self, code: str) -> tuple[tuple[str, float], ...]:
        """Return the new units old unit ``code`` went to, with its share in each.

        Raises
        ------
        UnknownUnitError
            If ``code`` is not in the old edition.

        Examples
        --------
        >>> Crosswalk.official().successors("26")
        (('25', 1.0),)
        """
        i = self.old.position(code)
        lo = np.searchsorted(self.old_index, i)
        hi = np.searchsorted(self.old_index, i, "right")
        return tuple(
            (self.new.codes[int(self.new_index[k])], float(self.weight[k])) for k in range(lo, hi)
        )

    def predecessors(self, code: str) -> tuple[tuple[str, float], ...]:
        """Return the old units that went to new unit ``code``, with the share of each.

        Raises
        ------
        UnknownUnitError
            If ``code`` is not in the new edition.

        Examples
        --------
        >>> Crosswalk.official().predecessors("08707")  # Phường Vĩnh Yên
        (('08707', 1.0), ('08713', 1.0), ('08722', 1.0), ('08731', 1.0))
        """
        j = self.new.position(code)
        links = np.flatnonzero(self.new_index == j)
        return tuple((self.old.codes[int(self.old_index[k])], float(self.weight[k])) for k in links)

    def _old_codes(
        self, mask: BoolArray, level: str | None, hierarchy: Hierarchy
    ) -> tuple[str, ...]:
        levels = (
            [hierarchy.level_number(level)]
            if level is not None
            else sorted(
                {
                    hierarchy.level_number(x)
                    for x in (self.levels if hierarchy is self.old else self.levels.values())
                }
            )
        )
        ok = np.isin(hierarchy.level_of, levels) & mask
        return tuple(hierarchy.codes[i] for i in np.flatnonzero(ok).tolist())

    def unmapped(self, level: str | None = None) -> tuple[str, ...]:
        """Return the old units with no link, on ``level`` or on every linked level.

        Their data cannot be carried to the new edition; re-basing reports them.

        Examples
        --------
        >>> cw = Crosswalk.official()
        >>> cw.unmapped()[:3], len(cw.unmapped("district"))
        (('01651', '02482', '03751'), 696)
        """
        linked = np.bincount(self.old_index, minlength=len(self.old)) > 0
        return self._old_codes(~linked, level, self.old)

    def without_predecessor(self, level: str | None = None) -> tuple[str, ...]:
        """Return the new units no old unit went to, on ``level`` or every level that receives links.

        Examples
        --------
        >>> Crosswalk.official().without_predecessor()  # island districts, now special zones
        ('11948', '19742', '20333', '21548', '26732')
        """
        reached = np.bincount(self.new_index, minlength=len(self.new)) > 0
        return self._old_codes(~reached, level, self.new)

    def splits(self, level: str | None = None) -> tuple[str, ...]:
        """Return the old units linked to more than one new unit.

        Examples
        --------
        >>> cw = Crosswalk.official()
        >>> len(cw.splits()), cw.splits()[:3], cw.successors("00007")
        (440, ('00007', '00016', '00019'), (('00008', 0.5), ('00025', 0.5)))
        """
        several = np.bincount(self.old_index, minlength=len(self.old)) > 1
        return self._old_codes(several, level, self.old)

    def merges(self, level: str | None = None) -> tuple[str, ...]:
        """Return the new units more than one old unit went to.

        Examples
        --------
        >>> cw = Crosswalk.official()
        >>> len(cw.merges("province")), cw.merges("province")[:4]
        (23, ('08', '15', '19', '24'))
        """
        several = np.bincount(self.new_index, minlength=len(self.new)) > 1
        return self._old_codes(several, level, self.new)

    def incomplete_splits(self, level: str | None = None) -> tuple[str, ...]:
        """Return the old units marked ``partly`` but linked to one new unit only.

        The rest of their territory is in no row; re-basing gives all of
        the unit to the one successor listed.

        Examples
        --------
        >>> len(Crosswalk.official().incomplete_splits())
        132
        """
        counts = np.bincount(self.old_index, minlength=len(self.old))
        marked = np.bincount(self.old_index, weights=self.partly, minlength=len(self.old)) > 0
        return self._old_codes(marked & (counts == 1), level, self.old)

    def to_records(self) -> list[dict[str, object]]:
        """Return one ``{old_code, new_code, partly, weight}`` dict per link.

        :meth:`from_records` reads them back.

        Examples
        --------
        >>> records = Crosswalk.official().to_records()
        >>> records[0]
        {'old_code': '01', 'new_code': '01', 'partly': 0, 'weight': 1.0}
        >>> [r for r in records if r["old_code"] == "00016"]
        [{'old_code': '00016', 'new_code': '00004', 'partly': 1, 'weight': 0.5}, {'old_code': '00016', 'new_code': '00008', 'partly': 1, 'weight': 0.5}]
        """
        oc, nc = self.old.codes, self.new.codes
        return [
            {"old_code": oc[i], "new_code": nc[j], "partly": int(p), "weight": float(w)}
            for i, j, p, w in zip(
                self.old_index.tolist(),
                self.new_index.tolist(),
                self.partly.tolist(),
                self.weight.tolist(),
                strict=True,
            )
        ]

    def summary(self) -> str:
        """Return a few lines on the crosswalk: levels, merges, splits, unmapped units.

        Examples
        --------
        >>> print(Crosswalk.official().summary())
        crosswalk vn-2024 -> vn-2025 (official tables vn_commune_crosswalk_2025.csv, vn_province_crosswalk_2025.csv; weights: equal)
          province -> province: 63 of 63 old units linked to 34 of 34 new units (63 links); 0 split, 23 new units formed by merger
          commune -> commune: 10023 of 10051 old units linked to 3316 of 3321 new units (10554 links); 440 split (and 132 marked partly with one successor listed), 3178 new units formed by merger
          unmapped old units: 28 (01651, 02482, 03751, 03898, 03913, ...)
          new units without predecessor: 5 (11948, 19742, 20333, 21548, 26732)
          rows left out: 11 (old code not in the edition)
          note: vn_province_crosswalk_2025.csv row 82 -> 80 left out: ...
          note: ...
        """
        lines = [
            f"crosswalk {self.old.edition} -> {self.new.edition} ({self.source}; "
            f"weights: {self.weighting})"
        ]
        o_count = np.bincount(self.old_index, minlength=len(self.old))
        n_count = np.bincount(self.new_index, minlength=len(self.new))
        for a, b in self.levels.items():
            so, sn = self.old.level_slice(a), self.new.level_slice(b)
            lines.append(
                f"  {a} -> {b}: {int(np.count_nonzero(o_count[so]))} of {so.stop - so.start} old "
                f"units linked to {int(np.count_nonzero(n_count[sn]))} of {sn.stop - sn.start} "
                f"new units ({int(o_count[so].sum())} links); {len(self.splits(a))} split"
                + (
                    f" (and {len(self.incomplete_splits(a))} marked partly with one successor listed)"
                    if self.incomplete_splits(a)
                    else ""
                )
                + f", {len(self.merges(b))} new units formed by merger"
            )
        for label, codes in (
            ("unmapped old units", self.unmapped()),
            ("new units without predecessor", self.without_predecessor()),
        ):
            if codes:
                shown = ", ".join(codes[:5]) + (", ..." if len(codes) > 5 else "")
                lines.append(f"  {label}: {len(codes)} ({shown})")
        if self.ignored:
            kinds = {
                "unknown_old": "old code not in the edition",
                "unknown_new": "new code not in the edition",
            }
            why = "; ".join(
                f"{kinds.get(k, k)}" for k in dict.fromkeys(p.kind for p in self.ignored)
            )
            lines.append(f"  rows left out: {len(self.ignored)} ({why})")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def _same(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    ea, eb = _units.resolve(a), _units.resolve(b)
    return ea is not None and ea is eb


_HELD = ("vinh-phuc-2021 -> vn-2024", "vinh-phuc-2021 -> vn-2025", "vn-2024 -> vn-2025")


@functools.lru_cache(maxsize=8)
def _official(old: str, new: str) -> Crosswalk:
    if old == new:
        return attrs.evolve(Crosswalk.identity(old), source=f"identity ({old})")
    if (old, new) == ("vinh-phuc-2021", "vn-2024"):
        return _vinh_phuc_2025_01()
    if (old, new) == ("vinh-phuc-2021", "vn-2025"):
        return _official("vinh-phuc-2021", "vn-2024").then(_official("vn-2024", "vn-2025"))
    if (old, new) != ("vn-2024", "vn-2025"):
        provincial = any(_units.EDITIONS[e].province is not None for e in (old, new))
        held = ", ".join(_HELD) if provincial else "one from vn-2024 to vn-2025"
        msg = (
            f"no official crosswalk from {old} to {new}; the package holds {held} "
            "(build others with Crosswalk.from_records)"
        )
        raise DefinitionError(msg)
    errata = {(t, a, b): why for t, a, b, why in ERRATA}
    parts = []
    for table in (_PROVINCE_TABLE, _COMMUNE_TABLE):
        rows = _units._read_rows(table + ".gz")
        kept = [r for r in rows if (table, r["old_code"], r["new_code"]) not in errata]
        cw = Crosswalk.from_records(
            kept, old=old, new=new, source=table, first_row=2, on_unknown="ignore"
        )
        parts.append((table, cw))
    (pt, province), (ct, commune) = parts
    o = np.concatenate([province.old_index, commune.old_index])
    nw = np.concatenate([province.new_index, commune.new_index])
    order = np.lexsort((nw, o))
    ignored = [
        attrs.evolve(p, message=f"{table}: {p.message}") for table, cw in parts for p in cw.ignored
    ]
    notes = [f"{t} row {a} -> {b} left out: {why}" for t, a, b, why in ERRATA]
    notes.append(
        f"{_COMMUNE_TABLE}: the columns old_district, old_province and new_province are not "
        "used (each unit's ancestors come from its edition); they disagree with vn-2024 for "
        "communes 27691 (old_province 82, district 794 is in 80) and 30781 (old_province 89, "
        "district 900 is in 91)"
    )
    return Crosswalk(
        province.old,
        province.new,
        o[order],
        nw[order],
        np.concatenate([province.weight, commune.weight])[order],
        np.concatenate([province.partly, commune.partly])[order],
        source=f"official tables {ct}, {pt}",
        weighting="equal",
        ignored=tuple(ignored),
        notes=tuple(notes),
    )


def _vinh_phuc_2025_01() -> Crosswalk:
    """Vĩnh Phúc's units of 2021-2024 to its units of vn-2024 (the merges of 1 January 2025)."""
    cw = Crosswalk.from_records(
        _units._read_rows(_VINH_PHUC_TABLE),
        old="vinh-phuc-2021",
        new=_units.load("vn-2024", province="26"),
        source=_VINH_PHUC_TABLE,
        first_row=2,
    )
    unmapped = cw.unmapped("commune")
    note = (
        f"{_VINH_PHUC_TABLE}: the merges of Nghị quyết 1287/NQ-UBTVQH15 (in force 1 January "
        f"2025), each row with its source; {len(unmapped)} communes ({', '.join(unmapped)}) "
        "disappeared that day into units no source at hand names, and stay unmapped"
    )
    return attrs.evolve(cw, notes=(note,))
