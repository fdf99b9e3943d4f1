"""The ``cchc survey`` command: satisfaction shares with confidence intervals from a survey CSV.

``cchc survey --responses R.csv --scale 1-5 --satisfied 4,5 [--elements E.csv]
[--units U.csv] [--confidence 0.95] [--format table|json|csv] [--output FILE]``

The command line module adds it with :func:`add_parser` and runs it with
:func:`run`. Bad input raises the library's errors (an
:class:`~cchc_indicators.core.errors.InvalidDataError` naming the file, row and
field; a :class:`~cchc_indicators.core.errors.DefinitionError` naming the option),
which the command line prints as one line before exiting with status 2.

Examples
--------
>>> import argparse, io, pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "r.csv").write_text(
...     "respondent,unit,question,answer\\n1,08707,q1,5\\n2,08707,q1,4\\n3,08707,q1,2\\n",
...     encoding="utf-8",
... )
>>> parser = argparse.ArgumentParser(prog="cchc")
>>> add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(
...     ["survey", "--responses", str(d / "r.csv"), "--scale", "1-5", "--satisfied", "4,5",
...      "--scope", "own", "--level", "commune"]
... )
>>> out = io.StringIO()
>>> run(args, out)
0
>>> print(out.getvalue(), end="")
unit                     item  n  share  lower  upper  method
-------------------------------------------------------------
Phường Tích Sơn (08707)  q1    3   66.7   20.8   93.9  wilson
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import load_units, refuse_empty
from cchc_indicators.cli._lang import (
    add_excel_csv,
    add_lang,
    check_excel_csv,
    language,
    survey_table,
)
from cchc_indicators.cli._output import write_output, write_result
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.scopes import Scope
from cchc_indicators.survey import (
    RECORD_KEYS,
    Elements,
    Responses,
    Scale,
    SurveyResult,
    satisfaction,
)
from cchc_indicators.survey._data import parse_satisfied
from cchc_indicators.survey._stats import check_confidence
from cchc_indicators.units.hierarchy import DEFAULT_LEVELS

if TYPE_CHECKING:  # pragma: no cover - the type of add_subparsers() for annotations only
    Subparsers = argparse._SubParsersAction[Any]

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Subparsers) -> None:
    """Add the ``survey`` command to the subcommands of the ``cchc`` parser.

    Parameters
    ----------
    subparsers
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["survey", "--responses", "r.csv", "--scale", "1-5", "--satisfied", "4,5"])
    >>> args.command, args.format, args.confidence, args.scope
    ('survey', 'table', '0.95', 'territory')
    """
    p = subparsers.add_parser(
        "survey",
        help=HELP["survey"],
        description=(
            "Share of satisfied answers per unit and question (and per element and overall "
            "with --elements), with confidence intervals: Wilson, at Kish's effective sample "
            "size for weighted data, design-based for elements; or a bootstrap."
        ),
    )
    p.add_argument(
        "--responses",
        required=True,
        type=Path,
        help="responses CSV: respondent,unit,question,answer[,weight][,stratum]",
    )
    p.add_argument("--scale", required=True, help="the answer scale, such as 1-5")
    p.add_argument("--satisfied", required=True, help="the satisfied answers, such as 4,5")
    p.add_argument(
        "--elements", type=Path, default=None, help="elements CSV: element,question (adds overall)"
    )
    p.add_argument(
        "--units",
        type=Path,
        default=None,
        help="units CSV: code,name,level,parent (default: Vĩnh Phúc's embedded 2024 units)",
    )
    p.add_argument(
        "--levels",
        default=",".join(DEFAULT_LEVELS),
        help="level names of --units, top first (default: %(default)s)",
    )
    p.add_argument("--scope", default="territory", help="own, territory (default) or tier:<level>")
    p.add_argument("--confidence", default="0.95", help="confidence level (default 0.95)")
    p.add_argument(
        "--no-weights", action="store_true", help="ignore the weight column (unweighted shares)"
    )
    p.add_argument(
        "--interval",
        choices=("analytic", "bootstrap"),
        default="analytic",
        help="analytic (Wilson; default) or bootstrap (respondents resampled in unit and stratum)",
    )
    p.add_argument("--replications", default="1000", help="bootstrap replications (default 1000)")
    p.add_argument("--seed", default="0", help="bootstrap seed (default 0)")
    p.add_argument("--level", default=None, help="print only the units of this level")
    p.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table: one line per unit and item (question, element, overall) with its share "
        "and interval (default); csv: one row per record, every field, long numbers rounded "
        "to 12 significant digits; json: an array of the same records, every digit",
    )
    p.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    add_lang(p)
    add_excel_csv(p)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """Read the options that are not files, each error naming its option."""
    if args.units is not None:
        hierarchy = load_units(args.units, str(args.levels))
    else:
        from cchc_indicators.datasets import vinh_phuc_units

        hierarchy = vinh_phuc_units()
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("--scale", lambda: Scale.parse(args.scale)),
        ("--confidence", lambda: check_confidence(_number(args.confidence, float))),
        ("--replications", lambda: _replications(args.replications)),
        ("--seed", lambda: _number(args.seed, int)),
        ("--scope", lambda: Scope.parse(args.scope)),
    ]
    values = {option: _checked(option, check) for option, check in checks}
    values["--satisfied"] = _checked(
        "--satisfied", lambda: parse_satisfied(args.satisfied, values["--scale"])
    )
    scope = values["--scope"]
    for level in (scope.level, args.level):
        if level is not None:
            hierarchy.level_number(level)  # raises UnknownLevelError
    values["units"] = hierarchy
    return values


def _checked(option: str, check: Callable[[], Any]) -> Any:
    """``check()``, a definition error naming ``option`` in front of its message."""
    try:
        return check()
    except DefinitionError as exc:
        raise exc.in_context(option) from None


def _number(text: str, kind: type[float] | type[int]) -> Any:
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        msg = f"expected {what}, got {text!r}"
        raise DefinitionError(msg) from None


def _replications(text: str) -> int:
    n: int = _number(text, int)
    if n < 2:
        msg = f"the bootstrap needs at least 2 replications, got {n}"
        raise DefinitionError(msg)
    return n


def _compute(args: argparse.Namespace) -> SurveyResult:
    opts = _options(args)
    responses = Responses.from_csv(args.responses, opts["units"], scale=opts["--scale"])
    if not len(responses):
        refuse_empty(args.responses, "responses")
    elements = Elements.from_csv(args.elements) if args.elements is not None else None
    try:
        return satisfaction(
            responses,
            opts["--satisfied"],
            elements=elements,
            scope=opts["--scope"],
            weighted=False if args.no_weights else None,
            confidence=opts["--confidence"],
            interval=args.interval,
            replications=opts["--replications"],
            seed=opts["--seed"],
        )
    except DefinitionError as exc:  # the options are checked: what is left is about the elements
        raise exc.in_context(str(args.elements)) from None


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc survey`` with parsed arguments; write the result to ``out`` (or ``--output``).

    Parameters
    ----------
    args
        The arguments, as parsed by the parser :func:`add_parser` set up.
    out
        Where the result goes when there is no ``--output``.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    InvalidDataError
        A responses, elements or units file fails validation (file, row, field).
    DefinitionError
        An option is malformed (``--scale``, ``--satisfied``, ``--confidence``, ...).
    UnknownLevelError
        ``--scope`` or ``--level`` names a level the units do not have.
    OutputError
        ``--output`` cannot be written (naming the option, the path and the cause).

    Examples
    --------
    >>> import argparse, io
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(
    ...     ["survey", "--responses", "r.csv", "--scale", "5-1", "--satisfied", "4,5"]
    ... )
    >>> run(args, io.StringIO())
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --scale: a scale runs from a low end to a higher one, got 5-1
    """
    lang = language(args)
    bom = check_excel_csv(args)
    result = _compute(args)
    path = None if args.output is None else Path(args.output)
    if args.format == "table":
        text = survey_table(result, args.level, lang)
        write_output(lambda fh: fh.write(text + "\n"), path, out)
        return 0
    write_output(
        lambda fh: write_result(result, args.format, args.level, fh, fieldnames=RECORD_KEYS),
        path,
        out,
        bom=bom,
    )
    return 0
