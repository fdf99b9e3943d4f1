"""Checks of the types of public functions' arguments, with messages that say what to pass.

A newcomer passes a catalogue name where a plan is expected, or an edition
name where a hierarchy is; these checks turn the ``AttributeError`` that would
follow deep inside the engine into an
:class:`~cchc_indicators.core.errors.ArgumentTypeError` naming the function, the
parameter, the type expected and how to get it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from cchc_indicators.core.errors import ArgumentTypeError


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
    cchc_indicators.core.errors.ArgumentTypeError: f: 'name' must be a str, got int 3
    """
    if isinstance(value, types):
        return
    if expected is None:
        names = types if isinstance(types, tuple) else (types,)
        expected = " or ".join(f"a {t.__name__}" for t in names)
    msg = f"{func}: {parameter!r} must be {expected}, got {describe(value)}{_hint(value, types)}"
    raise ArgumentTypeError(msg, parameter=parameter)


#: Hints for a name given where an object is expected, by the expected type's name. The
#: layers that can load such an object from a name register theirs (the units package: the
#: editions; datasets: the embedded unit lists; composite: the shipped indices), so this
#: module needs none of them.
_NAME_HINTS: dict[str, list[Callable[[str], str]]] = {}


def register_name_hint(type_name: str, hint: Callable[[str], str]) -> None:
    """Add ``hint(name)`` (text starting ``"; "``, or ``""``) for names given as a ``type_name``.

    Examples
    --------
    >>> register_name_hint("_Example", lambda name: "; try _Example.load()" if name == "x" else "")
    >>> _hint("x", _Example)
    '; try _Example.load()'
    """
    _NAME_HINTS.setdefault(type_name, []).append(hint)


class _Example:
    """A type for the example of :func:`register_name_hint`."""


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
    if "Plan" in wanted_names:
        # the catalogue's names are its files' (core.catalog imports this module)
        shipped = resources.files("cchc_indicators").joinpath(f"catalogs/{value}.json")
        if value and "/" not in value and shipped.is_file():
            return f"; load the catalogue with cchc_indicators.core.catalog.load({value!r})"
        return "; read a plan file with Plan.from_json(pathlib.Path(...))"
    if "Crosswalk" in wanted_names:
        return (
            "; build the crosswalk between two editions with "
            "cchc_indicators.units.crosswalk.Crosswalk.official('vn-2024', 'vn-2025')"
        )
    for name in sorted(wanted_names):
        for hint in _NAME_HINTS.get(name, ()):
            text = hint(value)
            if text:
                return text
    return ""
