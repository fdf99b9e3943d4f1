"""The catalogue of shipped points structures: :func:`structures` and :func:`structure_for`.

A structure of a published index says which index it scores, the decision
that sets it, the years it is in force and its source. :func:`structures`
lists them; :func:`structure_for` returns the one in force for a year of an
index and refuses, with a message naming what is known, when none or more
than one is. The methods of an index that are in force in some year but not
shipped (their maximum points were not found in a public source) are kept in
``structures/_not-shipped.json`` so that the refusal can name them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

import attrs

from cchc_indicators.composite._points_def import Structure, load_structure, structure_names
from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    UnknownIndicatorError,
    UnknownPeriodError,
)

__all__ = ["StructureInfo", "structure_for", "structures"]

_NOT_SHIPPED = "structures/_not-shipped.json"


def _years_text(years: tuple[int, int] | None) -> str:
    if years is None:
        return "years in force not stated"
    first, last = years
    return f"in force {first}" if first == last else f"in force {first}-{last}"


@attrs.frozen
class StructureInfo:
    """What a shipped structure is: its index, decision, years in force and source.

    Made by :func:`structures`; load the structure itself with
    :func:`~cchc_indicators.composite.points.load_structure` ``(info.code)``.

    .. versionadded:: 0.1.0

    Attributes
    ----------
    code : str
        The structure's name, as :func:`~cchc_indicators.composite.points.load_structure` takes it.
    name, name_vi : str
        Its name in English and in Vietnamese.
    index : str
        The index it scores (``"par-index"``, ``"pci"``).
    decision : str
        The document that sets it.
    in_force : tuple of int or None
        The first and last year of the index it scores, inclusive.
    source, source_url : str
        The source's title (and what it gives), and its address.

    Examples
    --------
    >>> info = {i.code: i for i in structures()}["par-index-2017"]
    >>> info.index, info.decision, info.in_force
    ('par-index', '2948/QĐ-BNV', (2017, 2019))
    """

    code: str
    name: str
    name_vi: str
    index: str
    decision: str
    in_force: tuple[int, int] | None
    source: str
    source_url: str

    def __repr__(self) -> str:
        years = "" if self.in_force is None else f", in force {self.in_force[0]}–{self.in_force[1]}"
        return f"StructureInfo({self.code!r}, index {self.index!r}{years})"

    @classmethod
    def of(cls, structure: Structure) -> StructureInfo:
        """Describe ``structure``.

        Examples
        --------
        >>> from cchc_indicators.composite._points_def import Component, Structure, yes_no
        >>> s = Structure("s", components=[Component("a", maximum=1, rule=yes_no())],
        ...               index="demo", in_force=(2020, 2021))
        >>> StructureInfo.of(s).in_force
        (2020, 2021)
        """
        return cls(
            code=structure.code,
            name=structure.name,
            name_vi=structure.name_vi,
            index=structure.index,
            decision=structure.decision,
            in_force=structure.in_force,
            source=structure.source,
            source_url=structure.source_url,
        )

    def __str__(self) -> str:
        decision = f"Decision {self.decision}, " if self.decision else ""
        return f"{self.code!r} ({decision}{_years_text(self.in_force)})"


def structures() -> tuple[StructureInfo, ...]:
    """List every shipped structure with its index, decision, years in force and source.

    Sorted by code, as :func:`~cchc_indicators.composite.points.structure_names` is.

    .. versionadded:: 0.1.0

    Returns
    -------
    tuple of StructureInfo

    Examples
    --------
    >>> for info in structures():
    ...     print(info.code, info.index, info.decision or "-", info.in_force)
    par-index-2017 par-index 2948/QĐ-BNV (2017, 2019)
    pci-2016 pci - (2016, 2016)
    >>> print(structures()[0].source_url)
    https://bonoivu.cls.vn/BoNoiVuTemplate/ChiTietKhoaHoc/22610
    """
    return tuple(StructureInfo.of(load_structure(name)) for name in structure_names())


@attrs.frozen
class _NotShipped:
    """A method of an index in force in some years but not shipped (see the module's docstring)."""

    index: str
    decision: str
    in_force: tuple[int, int]
    known: str
    missing: str

    def __str__(self) -> str:
        first, last = self.in_force
        return (
            f"the method in force, Decision {self.decision} ({first}-{last}; {self.known}), "
            f"is not shipped: {self.missing} were not found in a public source"
        )


def _not_shipped() -> tuple[_NotShipped, ...]:
    file = resources.files("cchc_indicators").joinpath(_NOT_SHIPPED)
    data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return tuple(
        _NotShipped(
            index=m["index"],
            decision=m["decision"],
            in_force=(m["in_force"]["from"], m["in_force"]["to"]),
            known=m["known"],
            missing=m["missing"],
        )
        for m in data["methods"]
    )


def _covers(years: tuple[int, int] | None, year: int) -> bool:
    return years is not None and years[0] <= year <= years[1]


def _pick(
    infos: Sequence[StructureInfo],
    not_shipped: Sequence[_NotShipped],
    index: str,
    year: int,
) -> StructureInfo:
    """Return the one structure of ``index`` in force in ``year`` among ``infos``, or refuse."""
    indices = sorted({i.index for i in infos if i.index} | {m.index for m in not_shipped})
    if index not in indices:
        shown = ", ".join(repr(i) for i in indices)
        msg = f"unknown index {index!r}; the indices with structures are {shown}"
        raise UnknownIndicatorError(msg, key=index)
    ours = [i for i in infos if i.index == index]
    hits = [i for i in ours if _covers(i.in_force, year)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        shown = ", ".join(str(i) for i in hits)
        msg = (
            f"{len(hits)} shipped structures of index {index!r} are in force in {year}: {shown}; "
            "load the one you mean with load_structure(name)"
        )
        raise DefinitionError(msg, code=index)
    missing = [str(m) for m in not_shipped if m.index == index and _covers(m.in_force, year)]
    why = f"; {missing[0]}" if missing else ""
    shipped = ", ".join(str(i) for i in ours) or "none"
    msg = (
        f"no shipped structure of index {index!r} is in force in {year}{why}; "
        f"the shipped ones are {shipped}"
    )
    raise UnknownPeriodError(msg, key=str(year))


def structure_for(index: str, year: int) -> Structure:
    """Return the shipped structure of ``index`` in force in ``year``.

    The year is the year the index measures (the PAR INDEX of 2023 is
    determined in 2024 under the method in force for 2023). Nothing in the
    library picks a structure by year unless this function is called.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    index
        The index: ``"par-index"`` (provincial PAR INDEX) or ``"pci"``.
    year
        A whole year.

    Returns
    -------
    Structure

    Raises
    ------
    UnknownIndicatorError
        If no structure, shipped or known, is of that index.
    UnknownPeriodError
        If no shipped structure of the index is in force that year; the
        message names the method that is, when it is known but not shipped.
    DefinitionError
        If more than one shipped structure of the index is in force that year.
    ArgumentTypeError
        If ``index`` is not text or ``year`` not a whole number.

    Examples
    --------
    >>> structure_for("par-index", 2018).decision
    '2948/QĐ-BNV'
    >>> structure_for("par-index", 2023)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.UnknownPeriodError: no shipped structure of index 'par-index' is in force in 2023; the method in force, Decision 876/QĐ-BNV (2022-2030; issued 10 November 2022; 8 domains, 37 criteria and 88 sub-criteria; 100 points, of which 32 are assessed through the sociological survey and the other 68 by the province's self-assessment), is not shipped: the maximum points of each domain and of each criterion were not found in a public source; the shipped ones are 'par-index-2017' (Decision 2948/QĐ-BNV, in force 2017-2019)
    """
    check_type(index, str, func="structure_for", parameter="index")
    if isinstance(year, bool) or not isinstance(year, int):
        msg = f"structure_for: 'year' must be a whole year (int), got {describe(year)}"
        raise ArgumentTypeError(msg, parameter="year")
    info = _pick(structures(), _not_shipped(), index, year)
    return load_structure(info.code)
