"""Editions of Vietnam's list of administrative units, embedded in the package.

A unit code names a territory only together with the *edition* of the list it
comes from: on 1 July 2025 the district tier was abolished, 63 provinces became
34 and 10,035 communes became 3,321, and a merged unit kept the code of one of
its predecessors. Province ``25`` is Phú Thọ in both editions, but not the
same territory: from 2025 it also covers the former Vĩnh Phúc (``26``) and Hòa
Bình (``17``). Smaller rearrangements happen every few months, so a list is a
snapshot of one date.

Three editions are embedded and read only when first asked for (then kept):

================== ===================== ======================== ================
name               levels                valid (both days in)     units
================== ===================== ======================== ================
``vinh-phuc-2021`` province, district,   1 Feb 2020 to            1 / 9 / 136
                   commune (Vĩnh Phúc)   31 Dec 2024
``vn-2024``        province, district,   1 Jan 2025 to            63 / 696 / 10,051
                   commune               28 Feb 2025
``vn-2025``        province, commune     from 1 Jul 2025          34 / 3,321
================== ===================== ======================== ================

``vn-2024`` is the national list as the General Statistics Office published
it for 1 January 2025. It is **not** the list in force on 30 June 2025 (10,035
communes): 26 of its communes are not in that list, which has 10 others
(``docs/explanation/editions.md`` lists them). No embedded national edition
covers 1 March to 30 June 2025, nor any day before 1 January 2025;
``vinh-phuc-2021`` covers Vĩnh Phúc before its communes were merged on
1 January 2025.

:func:`load` returns an edition as a :class:`~cchc_indicators.units.hierarchy.Hierarchy`
whose ``edition`` is the edition's name, optionally cut down to some
provinces; :func:`edition` returns its :class:`Edition` record (levels,
validity dates, source); :func:`in_force` the edition in force on a day.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import units
>>> units.load("vn-2025")
Hierarchy(edition='vn-2025', levels=('province', 'commune'), units=34/3321)
>>> units.load("vn-2024", province="26")
Hierarchy(edition='vn-2024', levels=('province', 'district', 'commune'), units=1/9/121)
>>> units.load("vinh-phuc-2021")
Hierarchy(edition='vinh-phuc-2021', levels=('province', 'district', 'commune'), units=1/9/136)
>>> units.edition("vn-2024").valid_from, units.edition("vn-2024").valid_until
(datetime.date(2025, 1, 1), datetime.date(2025, 2, 28))
"""

from __future__ import annotations

import csv
import datetime
import functools
import gzip
import io
from collections.abc import Iterable
from importlib import resources

import attrs
import numpy as np

from cchc_indicators.core.errors import DefinitionError, UnknownUnitError
from cchc_indicators.units.hierarchy import (
    DEFAULT_LEVELS,
    TWO_TIER_LEVELS,
    Hierarchy,
    register_edition_resolver,
)

__all__ = ["EDITIONS", "Edition", "edition", "in_force", "load", "names", "resolve"]


def _date_or_none(value: object) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    msg = f"an edition's validity dates are dates or 'YYYY-MM-DD' text, got {value!r}"
    raise DefinitionError(msg)


def _texts(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _counts(items: Iterable[int]) -> tuple[int, ...]:
    return tuple(int(x) for x in items)


@attrs.frozen
class Edition:
    """One edition of a list of administrative units: the whole country's, or one province's.

    Parameters
    ----------
    name
        The edition's name, such as ``"vn-2024"``; the ``edition`` of the
        hierarchy :func:`load` returns.
    title
        What the edition is, in a few words.
    levels
        Its level names, top first.
    counts
        How many units each level holds, as published.
    valid_from, valid_until
        The first and last day the list is in force (both included), as far
        as its sources show; ``None`` when the sources do not say
        (``valid_from``) or the list is still in force (``valid_until``).
    aliases
        Other labels that mean the same edition (``"2024"``), as plans and
        older hierarchies write it.
    file
        The embedded file (gzip-compressed CSV, columns
        ``code,name,level,parent,type``).
    source
        Where the list comes from.
    province
        The code of the one province the list covers, or ``None`` for the
        whole country.

    Examples
    --------
    >>> e = edition("vn-2025")
    >>> e.levels, e.counts, e.valid_from
    (('province', 'commune'), (34, 3321), datetime.date(2025, 7, 1))
    >>> e.is_valid_on("2025-06-30"), e.is_valid_on("2025-07-01")
    (False, True)
    """

    name: str
    title: str
    levels: tuple[str, ...] = attrs.field(converter=_texts)
    counts: tuple[int, ...] = attrs.field(converter=_counts)
    valid_from: datetime.date | None = attrs.field(converter=_date_or_none)
    valid_until: datetime.date | None = attrs.field(converter=_date_or_none)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    file: str = ""
    source: str = ""
    province: str | None = None

    def __repr__(self) -> str:
        sizes = "/".join(str(n) for n in self.counts)
        return f"Edition({self.name!r}, levels={'/'.join(self.levels)}, units={sizes})"

    def __attrs_post_init__(self) -> None:
        if len(self.counts) != len(self.levels):
            msg = f"edition {self.name!r}: one count per level, got {self.counts!r} for {self.levels!r}"
            raise DefinitionError(msg)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            msg = f"edition {self.name!r}: valid_until {self.valid_until} is before valid_from {self.valid_from}"
            raise DefinitionError(msg)

    def is_valid_on(self, date: datetime.date | str) -> bool:
        """Whether the list is in force on ``date`` (a date or ``YYYY-MM-DD`` text).

        An unknown start date counts as "since always".

        Examples
        --------
        >>> edition("vn-2024").is_valid_on(datetime.date(2021, 1, 1))
        False
        >>> edition("vinh-phuc-2021").is_valid_on(datetime.date(2021, 1, 1))
        True
        """
        day = _date_or_none(date)
        assert day is not None
        after_start = self.valid_from is None or day >= self.valid_from
        before_end = self.valid_until is None or day <= self.valid_until
        return after_start and before_end

    def describe(self) -> str:
        """Return one line: name, title, levels with their sizes, validity.

        Examples
        --------
        >>> print(edition("vn-2025").describe())
        vn-2025: national list of administrative units from 1 July 2025 (province 34, commune 3321; valid 2025-07-01 onwards)
        >>> print(edition("vn-2024").describe())
        vn-2024: national list of administrative units as published for 1 January 2025, not the list of 30 June 2025 (province 63, district 696, commune 10051; valid 2025-01-01 to 2025-02-28)
        """
        sizes = ", ".join(f"{lv} {n}" for lv, n in zip(self.levels, self.counts, strict=True))
        start = self.valid_from.isoformat() if self.valid_from else "(start not stated)"
        end = self.valid_until.isoformat() if self.valid_until else "onwards"
        span = f"{start} onwards" if self.valid_until is None else f"{start} to {end}"
        return f"{self.name}: {self.title} ({sizes}; valid {span})"


_GSO = "Tổng cục Thống kê (General Statistics Office), Danh mục đơn vị hành chính, danhmuchanhchinh.gso.gov.vn"

#: The embedded editions, by name, oldest first.
EDITIONS: dict[str, Edition] = {
    "vinh-phuc-2021": Edition(
        "vinh-phuc-2021",
        "Vĩnh Phúc's districts and communes from 1 February 2020 to 31 December 2024",
        DEFAULT_LEVELS,
        (1, 9, 136),
        valid_from="2020-02-01",
        valid_until="2024-12-31",
        file="vinh_phuc_units_2021.csv",
        source=(
            f"{_GSO}, list for 1 November 2021 (archived: https://github.com/daohoangson/dvhcvn/"
            "blob/8c9bf72/data/dvhcvn.json); from: Nghị quyết 868/NQ-UBTVQH14 (in force "
            "1 February 2020; https://github.com/daohoangson/dvhcvn-historical-data/commit/"
            "01f3ef59724b69c0855981e3577d445302d516e3); until: Nghị quyết 1287/NQ-UBTVQH15 "
            "(in force 1 January 2025)"
        ),
        province="26",
    ),
    "vn-2024": Edition(
        "vn-2024",
        "national list of administrative units as published for 1 January 2025, "
        "not the list of 30 June 2025",
        DEFAULT_LEVELS,
        (63, 696, 10051),
        valid_from="2025-01-01",
        valid_until="2025-02-28",
        aliases=("2024",),
        file="vn_units_2024.csv.gz",
        source=(
            f"{_GSO}, list for 1 January 2025, as kept in the project's reference data "
            "(vn_units_2024.csv; the same codes, parents and, but for three spellings, names "
            "as release v2.3.0 of "
            "https://github.com/thanglequoc/vietnamese-provinces-database); from: the "
            "rearrangements in force 1 January 2025 (Nghị quyết 1287/NQ-UBTVQH15 for Vĩnh "
            "Phúc); until: Nghị quyết 1365/NQ-UBTVQH15 (in force 1 March 2025), which it "
            "does not contain; embedded unchanged, gzip-compressed"
        ),
    ),
    "vn-2025": Edition(
        "vn-2025",
        "national list of administrative units from 1 July 2025",
        TWO_TIER_LEVELS,
        (34, 3321),
        valid_from="2025-07-01",
        valid_until=None,
        aliases=("2025",),
        file="vn_units_2025.csv.gz",
        source=(
            "national list of administrative units (danh mục đơn vị hành chính), as kept in "
            "the project's reference data (vn_units_2025.csv); embedded unchanged, "
            "gzip-compressed"
        ),
    ),
}


def names() -> tuple[str, ...]:
    """Return the names of the embedded editions, oldest first.

    Examples
    --------
    >>> names()
    ('vinh-phuc-2021', 'vn-2024', 'vn-2025')
    """
    return tuple(EDITIONS)


def resolve(label: str | Hierarchy | None) -> Edition | None:
    """Return the embedded edition a label (or a hierarchy's ``edition``) means, or ``None``.

    Accepts an edition's name (``"vn-2024"``) or one of its aliases
    (``"2024"``, as plans and the embedded Vĩnh Phúc units write it).

    Examples
    --------
    >>> resolve("2024").name, resolve("vn-2025").name
    ('vn-2024', 'vn-2025')
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> resolve(vinh_phuc_units()).name
    'vn-2024'
    >>> resolve("my-list") is None, resolve(None) is None
    (True, True)
    """
    if isinstance(label, Hierarchy):
        label = label.edition
    if label is None:
        return None
    for e in EDITIONS.values():
        if label == e.name or label in e.aliases:
            return e
    return None


def edition(name: str) -> Edition:
    """Return the embedded edition ``name`` (a name or an alias).

    Raises
    ------
    DefinitionError
        If no embedded edition has that name (the message lists them).

    Examples
    --------
    >>> edition("2025").name
    'vn-2025'
    >>> edition("vn-2019")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown edition 'vn-2019'; the embedded editions are 'vinh-phuc-2021', 'vn-2024', 'vn-2025'
    """
    found = resolve(name) if isinstance(name, str) else None
    if found is None:
        shown = ", ".join(repr(n) for n in EDITIONS)
        msg = f"unknown edition {name!r}; the embedded editions are {shown}"
        raise DefinitionError(msg, code=str(name))
    return found


def _span(e: Edition) -> str:
    start = e.valid_from.isoformat() if e.valid_from else "(no start)"
    if e.valid_until is None:
        return f"{e.name} from {start} onwards"
    return f"{e.name} {start} to {e.valid_until.isoformat()}"


def in_force(date: datetime.date | str, *, province: str | None = None) -> Edition:
    """Return the embedded edition in force on ``date``.

    Parameters
    ----------
    date
        A date, or ``YYYY-MM-DD`` text.
    province
        ``None`` (default): look among the national editions only. A province
        code (``"26"``): also among the editions of that province alone, which
        win over a national one.

    Raises
    ------
    DefinitionError
        If no embedded edition is in force on that day (the message gives each
        edition's days); for instance between 1 March and 30 June 2025, when
        the national list had 10,035 communes, a list the package does not hold.

    Examples
    --------
    >>> in_force("2025-01-01").name, in_force(datetime.date(2025, 7, 1)).name
    ('vn-2024', 'vn-2025')
    >>> in_force("2021-12-31", province="26").name
    'vinh-phuc-2021'
    >>> in_force("2025-06-30")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: no embedded edition is in force on 2025-06-30 (national); the editions cover vn-2024 2025-01-01 to 2025-02-28, vn-2025 from 2025-07-01 onwards
    """
    day = _date_or_none(date)
    if day is None:
        msg = f"'date' is a date or 'YYYY-MM-DD' text, got {date!r}"
        raise DefinitionError(msg)
    code: object = province  # typed, but callers may pass anything
    if code is not None and not isinstance(code, str):
        msg = f"'province' is a province code such as '26', got {code!r}"
        raise DefinitionError(msg)
    pool = [e for e in EDITIONS.values() if e.province is None]
    own = [e for e in EDITIONS.values() if province is not None and e.province == province]
    for e in (*own, *pool):
        if e.is_valid_on(day):
            return e
    shown = ", ".join(_span(e) for e in (*own, *pool))
    where = "national" if province is None else f"national or province {province}"
    msg = f"no embedded edition is in force on {day.isoformat()} ({where}); the editions cover {shown}"
    raise DefinitionError(msg)


def _read_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of an embedded CSV file under ``cchc_indicators/datasets`` (gzip or not)."""
    data = resources.files("cchc_indicators").joinpath(f"datasets/{name}").read_bytes()
    raw = gzip.decompress(data) if name.endswith(".gz") else data
    text = raw.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@functools.cache
def _read_edition(name: str) -> Hierarchy:
    e = EDITIONS[name]
    return Hierarchy.from_records(
        _read_rows(e.file), levels=e.levels, edition=e.name, source=e.file, first_row=2
    )


@functools.lru_cache(maxsize=32)
def _provinces(name: str, codes: tuple[str, ...]) -> Hierarchy:
    h = _read_edition(name)
    if len(codes) == 1:
        return h.subtree(codes[0])
    top = np.zeros(len(h), dtype=np.int64)
    for k in range(len(h.levels)):
        s = h.level_slice(k)
        top[s] = h.ancestors(k, 0)
    wanted = np.zeros(h.level_size(0), dtype=bool)
    wanted[[h.position(c) for c in codes]] = True
    keep = np.flatnonzero(wanted[top])
    new_index = np.full(len(h), -1, dtype=np.int64)
    new_index[keep] = np.arange(len(keep))
    parents = h.parent_of[keep]
    return Hierarchy(
        levels=h.levels,
        codes=[h.codes[i] for i in keep.tolist()],
        names=[h.names[i] for i in keep.tolist()],
        level_of=h.level_of[keep],
        parent_of=np.where(parents >= 0, new_index[np.maximum(parents, 0)], -1),
        edition=h.edition,
    )


def load(name: str, *, province: str | Iterable[str] | None = None) -> Hierarchy:
    """Return an embedded edition of the unit list as a hierarchy.

    The file is read on first use and kept; later calls return the same
    (immutable) hierarchy.

    Parameters
    ----------
    name
        An edition name or alias: ``"vn-2024"`` (``"2024"``), ``"vn-2025"``
        (``"2025"``) or ``"vinh-phuc-2021"``.
    province
        Keep only this province (a code such as ``"26"``), or these provinces
        (an iterable of codes), with all their units. ``None`` (default) keeps
        every unit of the edition.

    Returns
    -------
    Hierarchy
        The units, with ``edition`` set to the edition's name.

    Raises
    ------
    DefinitionError
        If there is no such edition.
    UnknownUnitError
        If a code given in ``province`` is not a province of the edition.

    Examples
    --------
    >>> load("vn-2024")
    Hierarchy(edition='vn-2024', levels=('province', 'district', 'commune'), units=63/696/10051)
    >>> load("vn-2025", province="25").unit("25").name
    'Tỉnh Phú Thọ'
    >>> load("vinh-phuc-2021").unit("08734").name  # merged into Hai Bà Trưng on 1 January 2025
    'Phường Trưng Trắc'
    >>> load("vn-2024", province=["17", "25", "26"])
    Hierarchy(edition='vn-2024', levels=('province', 'district', 'commune'), units=3/32/479)
    >>> load("vn-2025", province="26")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.UnknownUnitError: '26' is not a province of edition vn-2025; its provinces are 01, 04, 08, 11, 12, ... 96
    """
    e = edition(name)
    h = _read_edition(e.name)
    if province is None:
        return h
    given: object = province  # typed, but callers may pass anything
    if not isinstance(given, (str, Iterable)):
        msg = f"'province' is a province code or codes, got {given!r}"
        raise DefinitionError(msg)
    codes = (province,) if isinstance(province, str) else tuple(province)
    top = set(h.codes[h.level_slice(0)])
    for code in codes:
        if code not in top:
            listed = sorted(top)
            shown = (
                ", ".join(listed)
                if len(listed) <= 6
                else ", ".join(listed[:5]) + ", ... " + listed[-1]
            )
            msg = f"{code!r} is not a province of edition {e.name}; its provinces are {shown}"
            raise UnknownUnitError(msg, key=str(code))
    return _provinces(e.name, tuple(sorted(set(codes))))


register_edition_resolver(resolve)
