"""Administrative units: hierarchies, dated editions of the national list, crosswalks.

- :mod:`~cchc_indicators.units.hierarchy`: a tree of units (``Hierarchy``).
- :mod:`~cchc_indicators.units.editions`: the embedded editions (``vn-2024``,
  ``vn-2025``, ``vinh-phuc-2021``); its functions are also names of this package,
  so ``cchc_indicators.units.load("vn-2024")`` works.
- :mod:`~cchc_indicators.units.crosswalk`: old units to new ones.

Uses :mod:`cchc_indicators.core` only.
"""

from cchc_indicators.core._args import register_name_hint
from cchc_indicators.units.editions import (
    EDITIONS,
    Edition,
    edition,
    in_force,
    load,
    names,
    resolve,
)
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["EDITIONS", "Edition", "Hierarchy", "edition", "in_force", "load", "names", "resolve"]


#: The names of the unit lists embedded in ``datasets`` (``datasets.unit_lists()``; a test
#: checks they agree), so that the hint below needs no import of that higher layer.
_UNIT_LISTS = (
    "national-2024",
    "national-2025",
    "provinces-2024",
    "vinh-phuc-2021",
    "vinh-phuc-2024",
    "vinh-phuc-only-2024",
)


def _hierarchy_hint(name: str) -> str:
    """How to load the units a name stands for, where a Hierarchy was expected."""
    if resolve(name) is not None:
        return (
            f"; load an edition of the national unit list with cchc_indicators.units.load({name!r})"
        )
    if name in _UNIT_LISTS:
        return f"; load the embedded unit list with cchc_indicators.datasets.units({name!r})"
    return ""


register_name_hint("Hierarchy", _hierarchy_hint)
