"""The ``cchc index`` command: score units on a composite index or a points tree.

``cchc index --structure NAME_OR_FILE --data DATA.csv [--period P] [--note TEXT]
[--groups GROUPS.csv] [--format table|json|csv] [--output FILE]
[--uncertainty N [--seed S] [--noise F | --dirichlet C] [--normalisation A,B]
[--aggregation A,B] [--nodes CODE,...] [--rank-target K]] [--treatment METHOD]
[--screen SHARE] [--screen-nonzero SHARE] [--screen-order ORDER] [--include UNITS]
[--exclude UNITS] [--diagnostics FILE]``

``--structure`` names a composite index shipped with the package
(:func:`~cchc_indicators.composite.index_names`), a points structure shipped
with it (:func:`~cchc_indicators.composite.points.structure_names`), or a JSON file
holding either: a composite index has ``"kind": "composite_index"`` or its
nodes under ``children``, a points structure has ``components``. The data are
a long CSV file ``indicator,unit,period,value`` (``period`` optional), read
by :meth:`~cchc_indicators.composite.Observations.from_csv` with the note
``--note`` gives (a CSV file carries none of its own). ``--groups`` is a CSV
file ``unit,group`` for an index that imputes by ``group_mean``.

A composite index is scored by :func:`~cchc_indicators.composite.compute_index`; a
points structure by :func:`~cchc_indicators.composite.points.evaluate_points` on the
values of the period (a leaf without a value scores 0; a unit without any
value in the period is left out; an indicator that is not a leaf of the
structure is an error). ``--uncertainty N`` adds a Monte Carlo analysis
(:func:`~cchc_indicators.composite.uncertainty.uncertainty`, or
:func:`~cchc_indicators.composite.uncertainty.points_uncertainty`, which varies only the
domain maxima, so that only the index of a points structure gets intervals).
``--normalisation`` and ``--aggregation`` list the alternatives to draw from,
each ``NAME`` or ``NAME:OPTION=VALUE[:OPTION=VALUE...]`` (see
:func:`parse_alternatives`); ``--nodes`` keeps the replications of some nodes
only, so that many replications fit in memory.

The steps of a composite index can be laid over its definition:
``--treatment`` treats every indicator's outliers (those with their own
treatment keep it), ``--screen`` and ``--screen-nonzero`` leave out units
with too little data or too few non-zero values, ``--include`` and
``--exclude`` force units in or out, and ``--screen-order`` says whether
the shares are counted after imputation (the default, COINr's order) or
before (:class:`~cchc_indicators.composite.Screening`). ``--diagnostics FILE``
also writes the screening report, the treatment's record and the index's
statistics (:func:`~cchc_indicators.composite.diagnostics.diagnostics`), as
JSON for a ``.json`` file, else as text.

The JSON and CSV records have one row per unit and node: :data:`COMPOSITE_KEYS`
(or :data:`POINTS_KEYS`; ``method`` says how the scores were made), then with
``--uncertainty`` the interval keys (:data:`INTERVAL_KEYS`, ``p_top_K`` with
``--rank-target K``, ``null`` for a node whose replications were not kept)
and :data:`REPLICATION_KEYS`, then ``note``: the data's note (such as a
warning that they are synthetic), or ``null``.

The command line module adds the command with :func:`add_parser` and runs it
with :func:`run`. Bad input raises the library's errors (an
:class:`~cchc_indicators.core.errors.InvalidDataError` naming the file, row and
field; a :class:`~cchc_indicators.core.errors.DefinitionError` naming the option
or the structure file), which the command line prints as one line before
exiting with status 2.

Examples
--------
>>> import argparse, io, pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "i.json").write_text(
...     '{"kind": "composite_index", "code": "i", "children": [{"code": "a"}, {"code": "b"}]}',
...     encoding="utf-8",
... )
>>> _ = (d / "d.csv").write_text(
...     "indicator,unit,period,value\\n"
...     "a,X,2024,90\\na,Y,2024,70\\na,Z,2024,20\\nb,X,2024,20\\nb,Y,2024,60\\nb,Z,2024,50\\n",
...     encoding="utf-8",
... )
>>> parser = argparse.ArgumentParser(prog="cchc")
>>> add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(
...     ["index", "--structure", str(d / "i.json"), "--data", str(d / "d.csv"), "--note", "TEST DATA"]
... )
>>> out = io.StringIO()
>>> run(args, out)
0
>>> print(out.getvalue(), end="")
rank  unit  score      a      b
-------------------------------
   1  Y      85.7   71.4  100.0
   2  X      50.0  100.0    0.0
   3  Z      37.5    0.0   75.0
i, period 2024: normalisation minmax...; aggregation arithmetic; imputation none; weights nominal
TEST DATA
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import numpy as np

from cchc_indicators import composite
from cchc_indicators.cli._commands import HELP
from cchc_indicators.cli._common import Option, in_options
from cchc_indicators.cli._index_options import (
    DEFAULT_NOISE,
    Definition,
    _Options,
    _options,
    parse_alternatives,
)
from cchc_indicators.cli._lang import (
    add_excel_csv,
    add_lang,
    check_excel_csv,
    language,
    numbers_text,
)
from cchc_indicators.cli._output import write_file, write_output, write_result
from cchc_indicators.composite import points
from cchc_indicators.composite._engine import ranks
from cchc_indicators.composite._result import RECORD_KEYS, text_table
from cchc_indicators.composite.uncertainty import Uncertainty, points_uncertainty, uncertainty
from cchc_indicators.core._validate import read_csv
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem

if TYPE_CHECKING:  # pragma: no cover - the type of add_subparsers() for annotations only
    Subparsers = argparse._SubParsersAction[Any]

__all__ = [
    "COMPOSITE_KEYS",
    "INTERVAL_KEYS",
    "OPTIONS",
    "POINTS_KEYS",
    "REPLICATION_KEYS",
    "add_parser",
    "load_structure",
    "parse_alternatives",
    "read_groups",
    "run",
]

#: The keys of a composite index's records before the Monte Carlo keys and the
#: note: those of ``IndexResult.to_records``, ``method`` included.
COMPOSITE_KEYS = tuple(k for k in RECORD_KEYS if k != "note")
#: The keys of a points structure's records before the Monte Carlo keys and the
#: note: ``score`` is a node's points and, for the root (the structure's code),
#: the index 0–100; ``rank`` ranks the same (1 = best, ties share the smallest
#: rank); ``points`` and ``maximum`` are the points and applicable maximum;
#: ``capped`` says where the children's points were capped; ``grade`` is the
#: root's; ``missing`` says which leaves had no value (scored 0); ``method``
#: states the rule (:func:`points_method`).
POINTS_KEYS = (
    "unit",
    "node",
    "level",
    "parent",
    "score",
    "rank",
    "points",
    "maximum",
    "capped",
    "grade",
    "missing",
    "period",
    "method",
)
#: The interval keys ``--uncertainty`` adds (from ``Uncertainty.to_records``);
#: ``p_top_K`` follows them with ``--rank-target K``.
INTERVAL_KEYS = (
    "score_p05",
    "score_median",
    "score_p95",
    "rank_p05",
    "rank_median",
    "rank_p95",
)
#: The keys that say how the replications were made, after the intervals: the
#: number of replications, the seed (drawn and reported when ``--seed`` is not given) and
#: what varied.
REPLICATION_KEYS = ("replications", "seed", "varied")
#: The keyword arguments of the library that options of ``cchc index`` set, so
#: that a message asking for one names the option instead.
OPTIONS = {"on_unknown": Option("--ignore-unknown", switch=True)}
#: How a points structure scores (the ``method`` of its records).
POINTS_RULE = "index = points / applicable maximum x 100; a leaf without a value scores 0"

_ALTERNATIVES_HELP = (
    "comma-separated alternatives, each NAME or NAME:OPTION=VALUE[:OPTION=VALUE...] "
    "(numbers are read as numbers, true/false as booleans)"
)


def add_parser(subparsers: Subparsers) -> None:
    """Add the ``index`` command to the subcommands of the ``cchc`` parser.

    Parameters
    ----------
    subparsers
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["index", "--structure", "par-style-demo", "--data", "d.csv"])
    >>> args.command, args.format, args.period, args.uncertainty, args.noise, args.note
    ('index', 'table', None, None, None, None)
    """
    p = subparsers.add_parser(
        "index",
        help=HELP["index"],
        description=(
            "Score every unit of a long observation CSV on a composite index (normalised "
            "indicators aggregated up the tree) or on a points structure (points per "
            "component, index = points / maximum x 100), with ranks; --uncertainty adds "
            "Monte Carlo score and rank intervals."
        ),
    )
    p.add_argument(
        "--structure",
        required=True,
        help=(
            "a shipped composite index (par-style-demo), a shipped points structure "
            "(par-index-2017, pci-2016) or a JSON file holding either"
        ),
    )
    p.add_argument(
        "--data",
        required=True,
        type=Path,
        help="observations CSV: indicator,unit,period,value (period optional)",
    )
    p.add_argument("--period", default=None, help="the period scored (default: the latest)")
    p.add_argument(
        "--note",
        default=None,
        metavar="TEXT",
        help=(
            "a note on the data, such as 'SYNTHETIC DATA', carried to every output: the "
            "table's last line and the note of each record (a CSV file has no note of its own)"
        ),
    )
    p.add_argument(
        "--groups",
        default=None,
        type=Path,
        metavar="FILE",
        help="CSV unit,group: the group of every unit, for an index imputing by group_mean",
    )
    p.add_argument(
        "--ignore-unknown",
        action="store_true",
        help=(
            "leave out the rows of an indicator the structure does not have, and say how "
            "many in the note; by default they are refused, naming each code (most often "
            "it is misspelt)"
        ),
    )
    p.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="table (default), json (one array of unit-node objects, every digit) or csv "
        "(long numbers rounded to 12 significant digits)",
    )
    p.add_argument("--output", type=Path, default=None, help="write here instead of stdout")
    p.add_argument(
        "--uncertainty",
        default=None,
        metavar="N",
        help=(
            "add a Monte Carlo analysis of N replications: score and rank intervals "
            "(score_p05, score_median, score_p95, rank_p05, rank_median, rank_p95). For a "
            "points structure only the domain maxima vary, so only the index (the "
            "structure's code) gets intervals; the other nodes have null for them"
        ),
    )
    p.add_argument(
        "--seed",
        default=None,
        help=(
            "seed of the replications, a whole number >= 0 (needs --uncertainty); "
            "without it a seed is drawn and reported"
        ),
    )
    p.add_argument(
        "--noise",
        default=None,
        metavar="F",
        help=f"weight noise factor 0-1: each weight times 1 + F*U(-1, 1) (default {DEFAULT_NOISE})",
    )
    p.add_argument(
        "--dirichlet",
        default=None,
        metavar="C",
        help="draw sibling weight shares from a Dirichlet of concentration C instead of --noise",
    )
    p.add_argument(
        "--normalisation",
        default=None,
        metavar="A,B",
        help=(
            f"normalisation methods to draw from (composite indices only): {_ALTERNATIVES_HELP}, "
            "e.g. 'minmax:low=1:high=100,percentile_rank'"
        ),
    )
    p.add_argument(
        "--aggregation",
        default=None,
        metavar="A,B",
        help=(
            f"aggregation methods to draw from (composite indices only): {_ALTERNATIVES_HELP}, "
            "e.g. 'arithmetic,geometric:shift=1'"
        ),
    )
    p.add_argument(
        "--nodes",
        default=None,
        metavar="CODE,...",
        help=(
            "keep the replications of these nodes only (composite indices only; default: "
            "every node), so that a large N fits in memory; the first is the table's; the "
            "other nodes have null intervals"
        ),
    )
    p.add_argument(
        "--rank-target",
        default=None,
        metavar="K",
        help="add p_top_K, the probability of a rank of K or better",
    )
    steps = p.add_argument_group(
        "steps of a composite index",
        "laid over the definition's own: outlier treatment, screening of units, and a "
        "report of both with the index's statistics",
    )
    steps.add_argument(
        "--treatment",
        default=None,
        metavar="METHOD",
        help=(
            "treat every indicator's outliers (indicators with their own treatment keep it): "
            "skew_kurtosis (COINr's default rule), winsorise, log_ct, log, boxcox:lambda=L, "
            "quantile_cap:lower=P:upper=Q, or none; options as NAME:OPTION=VALUE, "
            "e.g. 'skew_kurtosis:winmax=3'"
        ),
    )
    steps.add_argument(
        "--screen",
        default=None,
        metavar="SHARE",
        help="leave out the units with a value for less than SHARE (0-1) of the indicators",
    )
    steps.add_argument(
        "--screen-nonzero",
        default=None,
        metavar="SHARE",
        help="leave out the units whose share of non-zero values is below SHARE (0-1)",
    )
    steps.add_argument(
        "--screen-order",
        default=None,
        choices=composite.ORDERS,
        help=(
            "impute_then_screen (the default, COINr's order: shares counted after imputation) "
            "or screen_then_impute"
        ),
    )
    steps.add_argument(
        "--include",
        default=None,
        metavar="UNIT,...",
        help="units scored whatever the screening says",
    )
    steps.add_argument(
        "--exclude",
        default=None,
        metavar="UNIT,...",
        help="units never scored",
    )
    steps.add_argument(
        "--diagnostics",
        default=None,
        type=Path,
        metavar="FILE",
        help=(
            "also write the screening report, the outlier treatment's record and the index's "
            "statistics (skewness, kurtosis, correlations, Cronbach's alpha, principal "
            "components, effective weights) to FILE: JSON if it ends in .json, else text"
        ),
    )
    add_lang(p)
    add_excel_csv(p)


# ---------------------------------------------------------------------- the structure


def load_structure(text: str) -> Definition:
    """Return the composite index or points structure that ``--structure`` names.

    Parameters
    ----------
    text
        A shipped composite index name, a shipped points structure name, or
        the path of a JSON file holding either.

    Raises
    ------
    DefinitionError
        For a name that is neither (the message lists both kinds of names),
        a file that is not JSON, or one that is not a valid index or
        structure (the message names the file).

    Examples
    --------
    >>> type(load_structure("par-style-demo")).__name__, type(load_structure("pci-2016")).__name__
    ('CompositeIndex', 'Structure')
    >>> load_structure("papi")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --structure: 'papi' is neither a shipped composite index ('par-style-demo'), a shipped points structure ('par-index-2017', 'pci-2016') nor a file
    """
    if text in composite.index_names():
        return composite.load_index(text)
    if text in points.structure_names():
        return points.load_structure(text)
    path = Path(text)
    if not path.is_file():
        indices = ", ".join(repr(n) for n in composite.index_names())
        trees = ", ".join(repr(n) for n in points.structure_names())
        msg = (
            f"--structure: {text!r} is neither a shipped composite index ({indices}), "
            f"a shipped points structure ({trees}) nor a file"
        )
        raise DefinitionError(msg)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        msg = f"{path}: not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
        raise DefinitionError(msg) from None
    except UnicodeDecodeError:
        msg = f"{path}: not UTF-8 text"
        raise DefinitionError(msg) from None
    try:
        return _definition(data)
    except DefinitionError as err:
        raise err.in_context(str(path)) from None


def _definition(data: object) -> Definition:
    if not isinstance(data, dict):
        msg = f"a structure file holds a JSON object, got {type(data).__name__}"
        raise DefinitionError(msg)
    if data.get("kind") == "composite_index" or ("children" in data and "components" not in data):
        return composite.CompositeIndex.from_dict(data)
    if "components" in data:
        if not isinstance(data["components"], list):  # Structure.from_dict would raise TypeError
            msg = "'components' must be a list of components (JSON objects)"
            raise DefinitionError(msg)
        return points.Structure.from_dict(data)
    msg = (
        "neither a composite index ('kind': 'composite_index', nodes under 'children') "
        "nor a points structure ('components')"
    )
    raise DefinitionError(msg)


def read_groups(path: Path, units: Sequence[str] = ()) -> dict[str, str]:
    """Read a ``--groups`` file: a CSV file ``unit,group`` (other columns are ignored).

    Parameters
    ----------
    path
        The file.
    units
        The units that need a group (those of the data).

    Returns
    -------
    dict
        ``{unit: group}``.

    Raises
    ------
    InvalidDataError
        Naming the file, and the row and field of each problem: a missing
        file or column, an empty cell, a unit given two groups, a unit of
        ``units`` without a group.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "regions.csv"
    >>> _ = path.write_text("unit,group\\n01,north\\n79,south\\n", encoding="utf-8")
    >>> read_groups(path, ["01", "79"])
    {'01': 'north', '79': 'south'}
    >>> read_groups(path, ["01", "92"])
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.InvalidDataError: .../regions.csv: 1 problem
      field 'unit': no group for unit(s) '92' of the data
    """
    source = str(path)
    header, records, numbers = read_csv(path)  # a missing file or a folder: said in words
    lacking = [c for c in ("unit", "group") if c not in header]
    if lacking:
        msg = (
            f"missing column(s) {', '.join(repr(c) for c in lacking)}; "
            "a groups file has the columns unit,group"
        )
        raise InvalidDataError([Problem(msg, row=1, kind="missing_column")], source=source)
    where = {c: header.index(c) for c in ("unit", "group")}
    problems: list[Problem] = []
    groups: dict[str, str] = {}
    first: dict[str, int] = {}
    for record, row in zip(records, numbers.tolist(), strict=True):
        cells = {c: record[k].strip() if k < len(record) else "" for c, k in where.items()}
        empty = [c for c, v in cells.items() if not v]
        problems.extend(
            Problem(f"{column!r} is empty", row=row, field=column, kind="empty") for column in empty
        )
        if empty:
            continue
        unit, group = cells["unit"], cells["group"]
        if unit in groups and groups[unit] != group:
            msg = (
                f"unit {unit!r} is in group {group!r} here but in {groups[unit]!r} "
                f"in row {first[unit]}"
            )
            problems.append(Problem(msg, row=row, field="group", kind="conflicting_group"))
            continue
        groups.setdefault(unit, group)
        first.setdefault(unit, row)
    if problems:
        raise InvalidDataError(problems, source=source)
    missing = [u for u in units if u not in groups]
    if missing:
        shown = ", ".join(repr(u) for u in missing[:5]) + (", ..." if len(missing) > 5 else "")
        msg = f"no group for unit(s) {shown} of the data"
        raise InvalidDataError([Problem(msg, field="unit", kind="no_group")], source=source)
    return groups


# ---------------------------------------------------------------------- scoring


@attrs.frozen
class _Output:
    """What the command prints: a table, and the records of the JSON and CSV formats."""

    text: str
    records: list[dict[str, Any]]
    keys: tuple[str, ...]

    def table(self, level: str | None = None) -> str:
        del level
        return self.text

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]:
        del level
        return self.records


def _output(
    text: str,
    records: list[dict[str, Any]],
    keys: tuple[str, ...],
    note: str,
    unc: Uncertainty | None = None,
) -> _Output:
    """The records with the intervals of ``unc`` (``None`` for a node it did not keep) and the note.

    Every record gets exactly the keys ``keys``, the Monte Carlo keys and
    ``note``, in that order.
    """
    extra: tuple[str, ...] = ()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    run_keys: dict[str, Any] = {}
    if unc is not None:
        target = () if unc.rank_target is None else (f"p_top_{unc.rank_target}",)
        extra = (*INTERVAL_KEYS, *target)
        found = {(r["unit"], r["node"]): r for r in unc.to_records()}
        run_keys = dict(zip(REPLICATION_KEYS, (unc.n, unc.seed, unc.varied), strict=True))
    names = (*keys, *extra, *run_keys, "note")
    out = []
    for rec in records:
        row = found.get((rec["unit"], rec["node"]), {})
        full = {**rec, **{k: row.get(k) for k in extra}, **run_keys, "note": note or None}
        out.append({k: full[k] for k in names})
    return _Output(text, out, names)


def _run_uncertainty(
    index: composite.CompositeIndex,
    data: composite.Observations,
    opts: _Options,
    groups: Mapping[str, str] | None,
) -> Uncertainty:
    """:func:`~cchc_indicators.composite.uncertainty.uncertainty`, its advice on memory in terms of options."""
    assert opts.n is not None  # the caller runs it with --uncertainty only
    try:
        return uncertainty(
            index,
            data,
            n=opts.n,
            seed=opts.seed,
            weights=opts.weights,
            normalisation=opts.normalisation,
            aggregation=opts.aggregation,
            period=opts.period,
            groups=groups,
            nodes=opts.nodes,
            rank_target=opts.rank_target,
            on_unknown=opts.on_unknown,
        )
    except DefinitionError as err:
        if "nodes=[...]" not in err.message:
            raise
        # The library speaks of its keyword arguments; say which options do the same.
        text = err.message.replace("pass nodes=[...]", "give --nodes CODE[,CODE...]")
        text = text.replace("a smaller n", "a smaller N")
        msg = f"--uncertainty: {text} (--nodes {index.code} keeps the index only)"
        raise DefinitionError(msg) from None


def _score_composite(
    index: composite.CompositeIndex,
    data: composite.Observations,
    opts: _Options,
    groups: Mapping[str, str] | None,
    lang: str = "en",
) -> tuple[_Output, composite.IndexResult]:
    try:
        if opts.n is None:
            result = composite.compute_index(
                index, data, period=opts.period, groups=groups, on_unknown=opts.on_unknown
            )
            out = _output(result.table(lang=lang), result.to_records(), COMPOSITE_KEYS, result.note)
            return out, result
        unc = _run_uncertainty(index, data, opts, groups)
    except InvalidDataError as err:
        if "not_in_index" not in err.kinds:
            raise
        # The library asks for its keyword argument; say which option does the same.
        problems = [attrs.evolve(p, message=in_options(p.message, OPTIONS)) for p in err.problems]
        raise InvalidDataError(problems, source=err.source) from None
    nominal = unc.nominal
    out = _output(unc.table(lang=lang), nominal.to_records(), COMPOSITE_KEYS, nominal.note, unc)
    return out, nominal


def with_steps(index: composite.CompositeIndex, opts: _Options) -> composite.CompositeIndex:
    """The index with ``--treatment`` and the screening options laid over its own steps."""
    changes: dict[str, Any] = {}
    if opts.treatment is not None:
        changes["treatment"] = opts.treatment
    if opts.screening is not index.screening:
        changes["screening"] = opts.screening
    if not changes:
        return index
    try:
        return attrs.evolve(index, **changes)
    except DefinitionError as err:
        raise err.in_context("--treatment" if "treatment" in changes else "--screen") from None


def diagnostics_text(result: composite.IndexResult) -> str:
    """The text of ``--diagnostics``: screening, outlier treatment, then the statistics.

    Examples
    --------
    >>> data = composite.Observations.from_values(
    ...     {"a": [1, 2, 3, 4, 5, 100], "b": [6, 5, 4, 3, 2, 1]}, ["A", "B", "C", "D", "E", "F"]
    ... )
    >>> idx = composite.CompositeIndex(
    ...     "i", children=[composite.Node("a"), composite.Node("b")], treatment="skew_kurtosis"
    ... )
    >>> text = diagnostics_text(composite.compute_index(idx, data))
    >>> text.splitlines()[:3]
    ['Screening', '---------', 'none: every unit is scored']
    """
    from cchc_indicators.composite.diagnostics import diagnostics

    treatment = "none"
    if result.treatment is not None:
        treatment = result.treatment.table()
        changes = result.treatment.changed()
        if changes:
            body = [
                [c.indicator, str(c.unit), f"{c.before:.6g}", f"{c.after:.6g}", c.flag]
                for c in changes
            ]
            lines = text_table(["indicator", "unit", "before", "after", "flag"], body, {2, 3})
            treatment += "\n\nPoints changed\n" + "\n".join(lines)
    parts = [
        "Screening\n---------\n"
        + (
            result.screening.table()
            if result.screening is not None
            else "none: every unit is scored"
        ),
        "Outlier treatment\n-----------------\n" + treatment,
        "Statistics\n----------\n" + diagnostics(result).table(),
    ]
    if result.note:
        parts.append(result.note)
    return "\n\n".join(parts) + "\n"


def _write_diagnostics(path: Path, result: composite.IndexResult) -> None:
    from cchc_indicators.composite.diagnostics import diagnostics

    if path.suffix.lower() == ".json":
        d = diagnostics(result)

        def matrix(m: Any) -> list[list[float | None]]:
            return [[None if math.isnan(x) else float(x) for x in row] for row in m.tolist()]

        changed = None
        if result.treatment is not None:
            changed = [c._asdict() for c in result.treatment.changed()]
        doc = {
            "index": result.index,
            "period": result.period,
            "method": result.method,
            "screening": None if result.screening is None else result.screening.to_records(),
            "treatment": None if result.treatment is None else result.treatment.to_records(),
            "changed": changed,
            "statistics": d.to_records(),
            "aggregates": [
                {
                    "node": code,
                    "alpha": None if math.isnan(d.alpha[k]) else float(d.alpha[k]),
                    "explained": None if math.isnan(d.explained[k]) else float(d.explained[k]),
                    "loadings": dict(d.loadings.get(code, {})),
                }
                for k, code in enumerate(d.aggregates)
            ],
            "correlations": {
                "nodes": list(d.nodes),
                "pearson": matrix(d.pearson),
                "spearman": matrix(d.spearman),
            },
            "flags": d.flags(),
            "note": result.note or None,
        }
        text = json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    else:
        text = diagnostics_text(result)
    write_file(lambda fh: fh.write(text), path, "--diagnostics")


def _leaf_values(
    structure: points.Structure, data: composite.Observations, opts: _Options
) -> tuple[str, dict[str, Any], tuple[str, ...], str]:
    """The period, the leaves' values, the units with a value in that period, and the note.

    With ``--ignore-unknown`` the note also says which indicators that are
    not leaves were left out, and how many values they had.
    """
    leaves = [c.code for c in structure.leaves()]
    unknown = [c for c in data.indicators if c not in leaves]
    note = data.note
    if unknown and opts.on_unknown == "ignore":
        rows = [data.indicators.index(c) for c in unknown]
        count = int((~np.isnan(data.values[:, rows, :])).sum())
        shown = ", ".join(repr(c) for c in unknown[:10]) + (
            " and more" if len(unknown) > 10 else ""
        )
        ignored = (
            f"{len(unknown)} indicator(s) of the data not in structure {structure.code!r} "
            f"ignored ({count} value(s)): {shown}."
        )
        note = f"{note} {ignored}" if note else ignored
    elif unknown:
        first = dict(zip(data.indicators, data.first_rows, strict=True)) if data.first_rows else {}
        shown = ", ".join(repr(c) for c in leaves)
        problems = [
            Problem(
                f"indicator {code!r} is not a leaf of structure {structure.code!r}; "
                f"its leaves are {shown}; correct the code, or give --ignore-unknown to "
                "leave it out",
                row=first.get(code),
                field="indicator",
                kind="unknown_indicator",
            )
            for code in unknown
        ]
        raise InvalidDataError(problems, source=data.source)
    label = data.period(opts.period)
    read = np.array([c in leaves for c in data.indicators], dtype=bool)
    matrix = data.values[data.periods.index(label)][read]
    keep = ~np.isnan(matrix).all(axis=0)
    codes = [c for c, r in zip(data.indicators, read.tolist(), strict=True) if r]
    values = {code: matrix[i, keep] for i, code in enumerate(codes)}
    units = tuple(u for u, k in zip(data.units, keep.tolist(), strict=True) if k)
    return label, values, units, note


def points_method(code: str) -> str:
    """Return the ``method`` of a points structure's records: its code and the rule.

    Examples
    --------
    >>> points_method("pci-2016")
    'points structure pci-2016: index = points / applicable maximum x 100; a leaf without a value scores 0'
    """
    return f"points structure {code}: {POINTS_RULE}"


def _out_of_force(structure: points.Structure, period: str) -> str:
    """A note when the period scored is not a year the structure was in force (else empty).

    Examples
    --------
    >>> _out_of_force(points.load_structure("par-index-2017"), "2024")
    'par-index-2017 is the method of the indices of 2017-2019 (2948/QĐ-BNV), not of 2024 (see points.structure_for)'
    >>> _out_of_force(points.load_structure("par-index-2017"), "2018")
    ''
    """
    if structure.in_force is None:
        return ""
    first, last = structure.in_force
    year = int(period[:4])
    if first <= year <= last:
        return ""
    decision = f" ({structure.decision})" if structure.decision else ""
    years = f"indices of {first}-{last}" if first < last else f"index of {first}"
    return (
        f"{structure.code} is the method of the {years}{decision}, not of {year} "
        "(see points.structure_for)"
    )


def _score_points(
    structure: points.Structure, data: composite.Observations, opts: _Options
) -> _Output:
    label, values, units, note = _leaf_values(structure, data, opts)
    out_of_force = _out_of_force(structure, label)
    if out_of_force:
        print(f"cchc: note: {out_of_force}", file=sys.stderr)
    try:
        result = points.evaluate_points(structure, values, units)
    except InvalidDataError as err:  # values outside a leaf's rule: name the data file
        raise InvalidDataError(err.problems, source=data.source) from None
    records = _points_records(structure, result, label)
    if opts.n is None:
        text = _points_table(structure.code, label, result, note)
        return _output(text, records, POINTS_KEYS, note)
    unc = points_uncertainty(
        structure,
        values,
        units,
        n=opts.n,
        seed=opts.seed,
        weights=opts.weights,
        rank_target=opts.rank_target,
        note=note,
    )
    return _output(unc.table(), records, POINTS_KEYS, note, unc)


def _points_records(
    structure: points.Structure, result: points.PointsResult, period: str
) -> list[dict[str, Any]]:
    parent: dict[str, str] = {}
    level: dict[str, int] = {}
    for top in structure.components:
        level[top.code] = 1
        parent[top.code] = structure.code
        for component in top.walk():
            for child in component.children:
                level[child.code] = level[component.code] + 1
                parent[child.code] = component.code
    leaves = {c.code for c in structure.leaves()}
    missing = set(result.missing)
    node_ranks = ranks(np.asarray(result.points, dtype=np.float64))
    method = points_method(structure.code)
    out: list[dict[str, Any]] = []
    for j, unit in enumerate(result.units):
        index = float(result.index[j])
        out.append(
            {
                "unit": unit,
                "node": structure.code,
                "level": 0,
                "parent": None,
                "score": None if math.isnan(index) else index,
                "rank": int(result.rank[j]) or None,
                "points": float(result.total[j]),
                "maximum": float(result.applicable_maximum[j]),
                "capped": None,
                "grade": result.grade[j],
                "missing": None,
                "period": period,
                "method": method,
            }
        )
        for i, node in enumerate(result.nodes):
            out.append(
                {
                    "unit": unit,
                    "node": node,
                    "level": level[node],
                    "parent": parent[node],
                    "score": float(result.points[i, j]),
                    "rank": int(node_ranks[i, j]),
                    "points": float(result.points[i, j]),
                    "maximum": float(result.applicable[i, j]),
                    "capped": bool(result.capped[i, j]),
                    "grade": None,
                    "missing": (unit, node) in missing if node in leaves else None,
                    "period": period,
                    "method": method,
                }
            )
    return out


def _points_table(code: str, period: str, result: points.PointsResult, note: str) -> str:
    """Rank, unit, index, grade and each part's points, best first; then the rule and the note."""
    head = ("rank", "unit", "index", "grade", *(f"{p} points" for p in result.parts))
    order = np.lexsort(
        (np.arange(len(result.units)), np.where(result.rank == 0, 1 << 30, result.rank))
    )
    body = []
    for j in order.tolist():
        index = float(result.index[j])
        body.append(
            (
                str(result.rank[j] or "—"),
                result.units[j],
                "—" if math.isnan(index) else f"{index:.1f}",
                result.grade[j] or "—",
                *(f"{result.part_points[k, j]:.2f}" for k in range(len(result.parts))),
            )
        )
    lines = text_table(head, body, {0, 2, *range(4, len(head))})
    lines.append(f"{code}, period {period or '—'}: {POINTS_RULE}")
    if result.missing:
        n = len(result.missing)
        lines.append(f"{n} missing value{'s' if n != 1 else ''} scored 0")
    if note:
        lines.append(note)
    return "\n".join(lines)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc index`` with parsed arguments; write the result to ``out`` (or ``--output``).

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
        The data file fails validation, lacks an indicator the index needs,
        holds one a points structure does not have, or has no such period;
        or the ``--groups`` file is missing, malformed or lacks a unit of the
        data (naming the file, row and field).
    DefinitionError
        An unknown structure or a structure file that is not valid, or a
        malformed or misplaced option (``--seed`` without ``--uncertainty``,
        ``--normalisation`` for a points structure, an unknown method or
        option, an unknown ``--nodes`` code, replications that would not fit
        in memory, ...).
    OutputError
        ``--output`` cannot be written (naming the option, the path and the cause).

    Examples
    --------
    >>> import argparse, io
    >>> parser = argparse.ArgumentParser(prog="cchc")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(
    ...     ["index", "--structure", "pci-2016", "--data", "d.csv", "--uncertainty", "0"]
    ... )
    >>> run(args, io.StringIO())
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: --uncertainty: the number of replications must be at least 1, got 0
    """
    lang = language(args)
    bom = check_excel_csv(args)
    if (
        args.diagnostics is not None
        and args.output is not None
        and Path(args.diagnostics).resolve() == Path(args.output).resolve()
    ):
        msg = f"--diagnostics: {args.diagnostics} is also --output; give two files"
        raise DefinitionError(msg)
    definition = load_structure(args.structure)
    opts = _options(args, definition)
    data = composite.Observations.from_csv(args.data, note=opts.note)
    if isinstance(definition, composite.CompositeIndex):
        index = with_steps(definition, opts)
        groups = None if args.groups is None else read_groups(Path(args.groups), data.units)
        result, nominal = _score_composite(index, data, opts, groups, lang)
        if args.diagnostics is not None:
            _write_diagnostics(Path(args.diagnostics), nominal)
    else:
        result = _score_points(definition, data, opts)
    path = None if args.output is None else Path(args.output)
    if args.format == "table":
        text = numbers_text(result.text, lang, opts.note or "")
        write_output(lambda fh: fh.write(text + "\n"), path, out)
        return 0
    write_output(
        lambda fh: write_result(result, args.format, None, fh, fieldnames=result.keys),
        path,
        out,
        bom=bom,
    )
    return 0
