"""Checks of the types of public functions' arguments, with messages that say what to pass.

A newcomer passes a catalogue name where a plan is expected, or an edition
name where a hierarchy is; these checks turn the ``AttributeError`` that would
follow deep inside the engine into an
:class:`~cchc_indicators.errors.ArgumentTypeError` naming the function, the
parameter, the type expected and how to get it.
"""

from __future__ import annotations

from .errors import ArgumentTypeError


def describe(value: object) -> str:
    """Name the type of ``value`` and show it, cut to 60 characters.

    Examples
    --------
    >>> describe("vn-2025"), describe(None)
    ("str 'vn-2025'", 'None')
    """
    if value is None:
        return "None"
    text = repr(value)
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {shown}"


def check_type(
    value: object,
    types: type | tuple[type, ...],
    *,
    func: str,
    parameter: str,
    expected: str | None = None,
) -> None:
    """Raise an ArgumentTypeError unless ``value`` is an instance of ``types``.

    Examples
    --------
    >>> check_type(3, str, func="f", parameter="name")
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.ArgumentTypeError: f: 'name' must be a str, got int 3
    """
    if isinstance(value, types):
        return
    if expected is None:
        names = types if isinstance(types, tuple) else (types,)
        expected = " or ".join(f"a {t.__name__}" for t in names)
    msg = f"{func}: {parameter!r} must be {expected}, got {describe(value)}{_hint(value, types)}"
    raise ArgumentTypeError(msg, parameter=parameter)


def _hint(value: object, types: type | tuple[type, ...]) -> str:
    """How to get the expected object from a name, when ``value`` is a known name."""
    wanted_names = {t.__name__ for t in (types if isinstance(types, tuple) else (types,))}
    if "Observations" in wanted_names and type(value).__name__ == "Panel":
        return (
            "; a Panel holds a plan's data: read a composite index's data with "
            "Observations.from_csv or Observations.from_records"
        )
    if not isinstance(value, str):
        return ""
    wanted = {t.__name__ for t in (types if isinstance(types, tuple) else (types,))}
    if "Hierarchy" in wanted:
        from . import units
        from .datasets import _UNIT_LISTS

        if units.resolve(value) is not None:
            return (
                "; load an edition of the national unit list with "
                f"cchc_indicators.units.load({value!r})"
            )
        if value in _UNIT_LISTS:
            return f"; load the embedded unit list with cchc_indicators.datasets.units({value!r})"
        return ""
    if "Plan" in wanted:
        from . import catalog

        if value in catalog.names():
            return f"; load the catalogue with cchc_indicators.catalog.load({value!r})"
        return "; read a plan file with Plan.from_json(pathlib.Path(...))"
    if "Crosswalk" in wanted:
        return (
            "; build the crosswalk between two editions with "
            "cchc_indicators.crosswalk.Crosswalk.official('vn-2024', 'vn-2025')"
        )
    if "CompositeIndex" in wanted:
        from ._index_def import index_names

        if value in index_names():
            return f"; load the shipped index with cchc_indicators.composite.load_index({value!r})"
    return ""
