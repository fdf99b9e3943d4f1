"""Shipped plan catalogues: list them, find their files, load them as plans.

A catalogue is a reform plan (:class:`~cchc_indicators.core.plan.Plan`) shipped
with the package as JSON, under ``cchc_indicators/catalogs/<name>.json``.
Its name is the plan's code.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import catalog
>>> catalog.names()
('vinh-phuc-2021-2025', 'vn-par-2021-2030')
>>> plan = catalog.load("vinh-phuc-2021-2025")
>>> plan.document, plan.unit, plan.deadline, len(plan.indicators)
('2866/QĐ-UBND', '26', '2025', 25)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.plan import Plan

__all__ = ["load", "names", "path"]

_FOLDER = "catalogs"
_SUFFIX = ".json"


def names() -> tuple[str, ...]:
    """Return the names of the shipped catalogues, sorted.

    Returns
    -------
    tuple of str
        One name per JSON file in the package's ``catalogs`` folder (its
        stem, which is the plan's code).

    Examples
    --------
    >>> "vinh-phuc-2021-2025" in names()
    True
    """
    folder = resources.files("cchc_indicators").joinpath(_FOLDER)
    return tuple(
        sorted(
            item.name[: -len(_SUFFIX)]
            for item in folder.iterdir()
            if item.is_file() and item.name.endswith(_SUFFIX) and not item.name.startswith(".")
        )
    )


def path(name: str) -> Path:
    """Return the path of the JSON file of catalogue ``name``.

    Parameters
    ----------
    name
        A catalogue name, one of :func:`names`.

    Returns
    -------
    pathlib.Path
        The file inside the installed package.

    Raises
    ------
    DefinitionError
        If there is no catalogue of that name (the message lists the names).

    Examples
    --------
    >>> path("vinh-phuc-2021-2025").name
    'vinh-phuc-2021-2025.json'
    >>> path("ha-noi-2021-2025")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown catalogue 'ha-noi-2021-2025'; the catalogues are 'vinh-phuc-2021-2025', 'vn-par-2021-2030'
    """
    available = names()
    if name not in available:
        shown = ", ".join(repr(n) for n in available)
        msg = f"unknown catalogue {name!r}; the catalogues are {shown}"
        raise DefinitionError(msg, code=str(name))
    file = resources.files("cchc_indicators").joinpath(f"{_FOLDER}/{name}{_SUFFIX}")
    return Path(str(file))


def load(name: str) -> Plan:
    """Load catalogue ``name`` as a :class:`~cchc_indicators.core.plan.Plan`.

    Parameters
    ----------
    name
        A catalogue name, one of :func:`names`.

    Returns
    -------
    Plan
        The plan, with its indicators and their targets.

    Raises
    ------
    DefinitionError
        If there is no catalogue of that name (the message lists the names).

    Examples
    --------
    >>> plan = load("vinh-phuc-2021-2025")
    >>> [t.describe("%") for t in plan.indicator("work_files_online").targets]
    ['>= 90 % (province tier)', '>= 80 % (district tier)', '>= 60 % (commune tier)']
    >>> plan.units
    'vinh-phuc-2024'
    """
    return Plan.from_json(path(name))
