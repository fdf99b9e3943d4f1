"""What the ``cchc`` commands share: option names in messages, the units file, empty files.

The library's messages speak of its keyword arguments (``rank_k='same'``,
``pass methods={'staff': ...}``); on the command line the same choice is an
option. An error that asks for a keyword argument carries its name in a
``parameter`` attribute, and each command maps the keyword arguments it has
options for to those options (:class:`Option`); :func:`in_options` rewrites
the message with them, in one place.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from cchc_indicators.core.errors import DefinitionError, HierarchyError, InvalidDataError, Problem

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.data.panel import Panel
    from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "Option",
    "in_options",
    "load_units",
    "refuse_empty",
    "skipped_line",
    "units_option",
]

#: A Python literal as a message writes it: a quoted text, a dict, a list or a word.
_LITERAL = r"""'[^']*'|"[^"]*"|\{[^{}]*\}|\[[^\[\]]*\]|[\w.+-]+"""


@attrs.frozen
class Option:
    """The command-line option that sets one keyword argument of the library.

    Parameters
    ----------
    flag
        The option, such as ``"--rank-k"``.
    placeholder
        What stands for a value the message leaves open (``...``), such as
        ``"METHOD"`` in ``--method staff=METHOD``.
    switch
        The option takes no argument: it is the value the message asks for
        (``--ignore-unknown`` for ``on_unknown='ignore'``).

    Examples
    --------
    >>> Option("--method", "METHOD").render({"staff": ...})
    'staff=METHOD'
    >>> Option("--rank-k").render("same")
    'same'
    """

    flag: str
    placeholder: str = "VALUE"
    switch: bool = False

    def render(self, value: object) -> str:
        """Write a Python value as this option's argument: a mapping as ``KEY=VALUE,...``."""
        if value is Ellipsis:
            return self.placeholder
        if isinstance(value, Mapping):
            return ",".join(f"{k}={self.render(v)}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return ",".join(self.render(v) for v in value)
        return str(value)


def in_options(message: str, options: Mapping[str, Option]) -> str:
    """Return ``message`` with the keyword arguments of ``options`` written as options.

    ``evaluate(..., name=VALUE)`` and ``name=VALUE`` become ``--flag VALUE``
    (the value as :meth:`Option.render` writes it), ``name=`` alone becomes
    ``--flag``, and a bare ``name`` becomes ``--flag`` when it holds an
    underscore (so is no English word).

    Examples
    --------
    >>> opts = {"rank_k": Option("--rank-k"), "rank_rounding": Option("--rank-rounding")}
    >>> in_options("choose rank_k='same' or rank_k='scaled' (rounded by rank_rounding)", opts)
    'choose --rank-k same or --rank-k scaled (rounded by --rank-rounding)'
    >>> in_options(
    ...     "evaluate it with evaluate(..., tier_map={'district': 'commune'})",
    ...     {"tier_map": Option("--tier-map", "TIER")},
    ... )
    'evaluate it with --tier-map district=commune'
    """
    for name, option in options.items():

        def flag(match: re.Match[str], option: Option = option) -> str:
            literal = match.group("value")
            if literal is None or option.switch:
                return option.flag
            try:
                value = ast.literal_eval(literal)
            except (ValueError, SyntaxError):
                value = literal
            return f"{option.flag} {option.render(value)}"

        keyword = rf"\b{re.escape(name)}=(?:(?P<value>{_LITERAL}))?"
        message = re.sub(rf"\b\w+\(\.\.\., {keyword}\)", flag, message)
        message = re.sub(keyword, flag, message)
        if "_" in name:
            message = re.sub(rf"\b{re.escape(name)}\b", option.flag, message)
    return message


def load_units(path: Path, levels: str) -> Hierarchy:
    """Read a ``--units`` file with the comma-separated ``--levels``; refuse one without units.

    Raises
    ------
    HierarchyError
        Naming the file: its problems, or that it holds a header and no unit.
    """
    names = tuple(x.strip() for x in levels.split(",") if x.strip())
    from cchc_indicators.units.hierarchy import Hierarchy

    hierarchy = Hierarchy.from_csv(path, levels=names)
    if not len(hierarchy):
        refuse_empty(path, "units", HierarchyError)
    return hierarchy


def units_option(text: str, levels: str) -> Hierarchy:
    """Read ``--units``: the name of an embedded unit list, or a units CSV file.

    A name of :func:`cchc_indicators.datasets.unit_lists` (such as
    ``national-2024``) or of an edition (:func:`cchc_indicators.units.names`,
    such as ``vn-2024``, the name :func:`cchc_indicators.units.load` and
    ``cchc rebase`` take) is the embedded list, whatever files lie about; any
    other text is a file, read with the comma-separated ``--levels`` (see
    :func:`load_units`). To read a file that bears a list's name, write its
    path, such as ``./national-2024``.

    Raises
    ------
    DefinitionError
        If the text is no list's name and no file (the message lists the names).
    HierarchyError
        If the file is not a valid unit list.

    Examples
    --------
    >>> units_option("national-2025", "province,district,commune")
    Hierarchy(edition='vn-2025', levels=('province', 'commune'), units=34/3321)
    >>> units_option("national-2026", "province")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --units: 'national-2026' is neither an embedded unit list ('national-2024', 'national-2025', ..., 'vn-2024', 'vn-2025') nor a file
    >>> units_option("vn-2024", "province,district,commune") == units_option("national-2024", "province")
    True
    """
    from cchc_indicators.datasets import unit_lists, units
    from cchc_indicators.units import editions

    names = unit_lists()
    if text in names:
        return units(text)
    if text in editions.names():  # an edition's name, as units.load() and cchc rebase take
        return editions.load(text)
    path = Path(text)
    if not path.exists():
        shown = ", ".join(repr(n) for n in (*names, *editions.names()))
        msg = f"--units: {text!r} is neither an embedded unit list ({shown}) nor a file"
        raise DefinitionError(msg, code=text)
    return load_units(path, levels)


def refuse_empty(
    path: Path | str, what: str, error: type[InvalidDataError] = InvalidDataError
) -> None:
    """Raise ``error`` naming ``path``: it holds a header and no row of ``what``.

    Examples
    --------
    >>> refuse_empty("obs.csv", "observations")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.InvalidDataError: obs.csv: 1 problem
      no observations: the file holds a header and no row
    """
    problem = Problem(f"no {what}: the file holds a header and no row", kind="no_rows")
    raise error([problem], source=str(path))


def skipped_line(path: Path | str, skipped: Mapping[str, int]) -> str:
    """Say, in one line, how many rows of which other indicators were not read.

    Examples
    --------
    >>> skipped_line("obs.csv", {"a": 1200, "b": 34})
    'obs.csv: 1,234 rows of 2 other indicators not read (a, b)'
    >>> skipped_line("obs.csv", {f"x{i}": 1 for i in range(7)})
    'obs.csv: 7 rows of 7 other indicators not read (x0, x1, x2, x3, x4, ...)'
    """
    rows = sum(skipped.values())
    n = len(skipped)
    codes: Iterable[str] = list(skipped)[:5]
    shown = ", ".join(codes) + (", ..." if n > 5 else "")
    return (
        f"{path}: {rows:,} row{'s' if rows != 1 else ''} of {n} other "
        f"indicator{'s' if n != 1 else ''} not read ({shown})"
    )


def _read_data(
    path: Path, units: Hierarchy, units_file: Path | str | None, **options: Any
) -> tuple[Panel, dict[str, int]]:
    """Read ``--data`` (``options`` go to :meth:`Panel.from_csv`); refuse a file without rows.

    Unknown units name the ``--units`` file or list they were looked for in, if any.
    """
    from cchc_indicators.cli._common import refuse_empty
    from cchc_indicators.data.panel import Panel

    try:
        panel, skipped = Panel._read_csv(path, units, **options)
    except InvalidDataError as err:
        if units_file is None or "unknown_unit" not in err.kinds:
            raise
        msg = (
            f"{err.first_line()}; the units are those of --units {units_file} ({len(units)} units)"
        )
        raise _UsageError(msg) from None
    if not len(panel) and not skipped:
        refuse_empty(path, "observations")
    return panel, skipped


class _UsageError(Exception):
    """Invalid command-line usage (exit code 2)."""
