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


def _edition_hint(name: str) -> str:
    """How to load an edition given by name where a Hierarchy was expected."""
    if resolve(name) is None:
        return ""
    return f"; load an edition of the national unit list with cchc_indicators.units.load({name!r})"


register_name_hint("Hierarchy", _edition_hint)
