"""Roll-ups of a Dask DataFrame of long observations: partition states merged in a tree.

Needs the ``dask`` extra. Each partition of the frame (pandas) becomes a
:class:`~cchc_indicators.Panel` through :meth:`Panel.from_frame
<cchc_indicators.Panel.from_frame>`, with the same validation as on one
machine, and then a :class:`~cchc_indicators.engine.RollupState`, computed by
the same engine as :func:`cchc_indicators.engine.rollup`. The states merge exactly
(:meth:`RollupState.merge <cchc_indicators.engine.RollupState.merge>` aligns
partitions that saw different periods) in a tree reduction, ``split_every``
states at a time; the merged state finalises on the client. The result equals
``cchc_indicators.rollup(Panel.from_frame(whole), ...)``: exactly wherever the
state adds whole numbers (counts, numerators and denominators, shares
meeting a threshold), and up to the last bits of a float sum otherwise (a
mean of fractional values added in another order).

Checks made on one machine are made here too:

* a partition's invalid rows raise :class:`~cchc_indicators.PanelError` with
  the row numbers of the whole frame (from 0, as :meth:`Panel.from_frame
  <cchc_indicators.Panel.from_frame>` numbers them), every partition's problems
  in one error;
* the same (indicator, unit, period) in two partitions is a ``duplicate_key``
  problem naming both rows: each partition also returns where it has
  observations (one boolean per indicator, unit and period), the reduction
  checks their overlap without a shuffle, and only then, on the error path,
  a second pass finds the rows. A partition refused for its own rows gives
  no observations, so a duplicate involving it is named once they are fixed.

:func:`rollup_microdata` does the same for dossier-level records: each
partition is counted by :meth:`Microdata.to_panel
<cchc_indicators.data.microdata.Microdata.to_panel>`, the counts add across
partitions (a unit's dossiers may lie in any of them), and the summed panel
is rolled up once.

The frame is read once on the way to a result, each partition summarised in
the task that reads it; only the columns needed are read. Nothing is computed until the call: the function computes
with the scheduler in use (a ``distributed.Client`` if one is active).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._periods import axis_sort_key
from cchc_indicators.core._validate import PROBLEM_LIMIT
from cchc_indicators.core.errors import (
    DefinitionError,
    PanelError,
    Problem,
    UnknownIndicatorError,
)
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.rules import Rule
from cchc_indicators.core.scopes import Scope
from cchc_indicators.data._panel_read import _definitions
from cchc_indicators.data.panel import IndicatorData, Panel
from cchc_indicators.engine import Rollup, RollupState, rollup_state
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.data.microdata import Count

__all__ = ["rollup", "rollup_all", "rollup_microdata"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_COLUMNS = ("indicator", "unit", "period", "value", "numerator", "denominator", "weight")
_FIRST_ROW = re.compile(r"first given in row (\d+)$")
_MORE = re.compile(r"^\.\.\. (\d+) more problems not listed$")
#: A dossier's place: partition << _ROW_BITS | row in the partition.
_ROW_BITS = 40


# ---------------------------------------------------------------------- public functions


def rollup(
    frame: Any,
    hierarchy: Hierarchy,
    indicator: Indicator | str,
    *,
    scope: Scope | str = "territory",
    rule: Rule | str | None = None,
    min_coverage: float = 0.0,
    indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
    require_parts: bool = False,
    split_every: int = 8,
    source: str = "<frame>",
) -> Rollup:
    """Roll an indicator up the hierarchy from a Dask DataFrame of long observations.

    The result is the :class:`~cchc_indicators.engine.Rollup` that
    :func:`cchc_indicators.engine.rollup` gives for ``Panel.from_frame(whole,
    hierarchy, indicators=indicators)``, computed partition by partition (see
    the module's description).

    Parameters
    ----------
    frame
        A Dask data frame (``dask.dataframe.DataFrame``) with the columns of
        :meth:`Panel.from_frame <cchc_indicators.Panel.from_frame>`
        (``indicator``, ``unit``, ``period`` and ``value`` and/or ``numerator``,
        ``denominator``, ``weight``); other columns are not read.
    hierarchy
        The units.
    indicator
        The indicator, or its code when ``indicators`` defines it.
    scope, rule, min_coverage
        As for :func:`cchc_indicators.engine.rollup`.
    indicators
        Definitions the observations are checked against (as for
        :meth:`Panel.from_frame <cchc_indicators.Panel.from_frame>`).
    require_parts
        As for :meth:`Panel.from_frame <cchc_indicators.Panel.from_frame>`.
    split_every
        How many states a task of the reduction merges (at least 2).
    source
        The name of the frame in error messages.

    Returns
    -------
    Rollup
        Values, coverage, provenance and reasons for every unit and period.

    Raises
    ------
    ArgumentTypeError
        If ``frame`` is not a Dask DataFrame.
    PanelError
        If rows are invalid in any partition, or the same observation is in two
        partitions (rows numbered from 0 over the whole frame), or a required
        column is missing.
    UnknownIndicatorError
        If ``indicator`` is a code ``indicators`` does not define, or the
        frame has no observation of it.
    RuleMismatchError, UnknownLevelError, DefinitionError
        For a rule, scope or ``min_coverage`` :func:`cchc_indicators.engine.rollup`
        refuses (before any partition is read).

    Examples
    --------
    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> from cchc_indicators import Indicator
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> whole = pd.DataFrame({
    ...     "indicator": ["files"] * 3, "unit": ["08707", "08710", "08707"],
    ...     "period": [2024, 2024, 2025], "numerator": [45, 30, 40], "denominator": [50, 50, 40],
    ... })
    >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
    >>> with dask.config.set(scheduler="synchronous"):
    ...     r = rollup(dd.from_pandas(whole, npartitions=2), vinh_phuc_units(), files,
    ...                scope="tier:commune")
    >>> r
    Rollup('files', rule ratio_of_sums, scope tier:commune, 131 units, 2 periods 2024–2025)
    >>> r.get("243", 2024), r.get("243", 2025)
    (75.0, 100.0)

    The same observation in two partitions is refused, as on one machine:

    >>> twice = pd.concat([whole, whole.iloc[:1]])
    >>> with dask.config.set(scheduler="synchronous"):
    ...     rollup(dd.from_pandas(twice, npartitions=2, sort=False), vinh_phuc_units(), files)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.PanelError: <frame>: 1 problem
      row 3, field 'period': duplicate observation of ('files', '08707', '2024'); first given in row 0
    """
    check_type(
        indicator,
        (Indicator, str),
        func="cchc_indicators.dask.rollup",
        parameter="indicator",
        expected="an Indicator or an indicator code (str)",
    )
    defs = _definitions(indicators) or {}
    if isinstance(indicator, str) and indicator not in defs:
        msg = (
            f"the panel has no definition of indicator {indicator!r}; pass indicators= "
            "defining it, or pass the Indicator itself"
        )
        raise UnknownIndicatorError(msg, key=indicator)
    ind = defs[indicator] if isinstance(indicator, str) else indicator
    out = _rollups(
        frame,
        hierarchy,
        [ind],
        indicators,
        scope=scope,
        rule=rule,
        min_coverage=min_coverage,
        require_parts=require_parts,
        split_every=split_every,
        source=source,
        func="cchc_indicators.dask.rollup",
    )
    return out[ind.code]


def rollup_all(
    frame: Any,
    hierarchy: Hierarchy,
    indicators: Iterable[Indicator] | Mapping[str, Indicator],
    *,
    scope: Scope | str = "territory",
    rule: Rule | str | None = None,
    min_coverage: float = 0.0,
    require_parts: bool = False,
    split_every: int = 8,
    source: str = "<frame>",
) -> dict[str, Rollup]:
    """Roll several indicators up in one pass over a Dask DataFrame.

    Each partition is read and validated once, and gives the states of every
    indicator; the result for each indicator is that of :func:`rollup`.

    Parameters
    ----------
    frame, hierarchy, scope, min_coverage, require_parts, split_every, source
        As for :func:`rollup`.
    indicators
        The indicators to roll up; their definitions check the observations.
    rule
        A rule for every indicator (it must fit each measure); ``None``
        (default) rolls each up with its own rule.

    Returns
    -------
    dict
        A :class:`~cchc_indicators.engine.Rollup` per indicator code, in the
        order of ``indicators``.

    Raises
    ------
    ArgumentTypeError, PanelError, UnknownIndicatorError, RuleMismatchError, DefinitionError
        As for :func:`rollup`; ``DefinitionError`` also when ``indicators`` is empty.

    Examples
    --------
    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> from cchc_indicators import Indicator, measures
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> whole = pd.DataFrame({
    ...     "indicator": ["files", "files", "staff", "staff"],
    ...     "unit": ["08707", "08710", "08707", "08710"], "period": [2024] * 4,
    ...     "numerator": [45, 30, None, None], "denominator": [50, 50, None, None],
    ...     "value": [None, None, 12, 9],
    ... })
    >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
    >>> staff = Indicator("staff", "Biên chế", measure=measures.count())
    >>> with dask.config.set(scheduler="synchronous"):
    ...     out = rollup_all(dd.from_pandas(whole, npartitions=2), vinh_phuc_units(),
    ...                      [files, staff])
    >>> out["files"].get("26", 2024), out["staff"].get("26", 2024)
    (75.0, 21.0)
    """
    defs = _definitions(indicators) or {}
    if not defs:
        msg = "rollup_all: 'indicators' names no indicator to roll up"
        raise DefinitionError(msg)
    return _rollups(
        frame,
        hierarchy,
        list(defs.values()),
        indicators,
        scope=scope,
        rule=rule,
        min_coverage=min_coverage,
        require_parts=require_parts,
        split_every=split_every,
        source=source,
        func="cchc_indicators.dask.rollup_all",
    )


def rollup_microdata(
    frame: Any,
    hierarchy: Hierarchy,
    definitions: Mapping[str, Count],
    indicators: Iterable[Indicator] | Mapping[str, Indicator],
    *,
    unit: str,
    period: str,
    fields: Iterable[str],
    granularity: str | None = None,
    zeros: bool = False,
    scope: Scope | str = "territory",
    rule: Rule | str | None = None,
    min_coverage: float = 0.0,
    split_every: int = 8,
    source: str = "<frame>",
) -> dict[str, Rollup]:
    """Count dossier-level records of a Dask DataFrame, then roll every definition up.

    Each partition is read by :meth:`Microdata.from_frame
    <cchc_indicators.data.microdata.Microdata.from_frame>` and counted by
    :meth:`Microdata.to_panel <cchc_indicators.data.microdata.Microdata.to_panel>`;
    the counts (numerators and denominators per unit and period, whole
    numbers) are added in a tree reduction, and the summed panel is rolled up
    on the client. A unit's dossiers may lie in any partitions: counts add, so
    the result equals the single-machine roll-up of
    ``Microdata.from_frame(whole, ...).to_panel(definitions, ...)`` exactly.

    Parameters
    ----------
    frame
        A Dask data frame (``dask.dataframe.DataFrame``), one row per dossier.
    hierarchy
        The units.
    definitions
        Indicator code -> :class:`~cchc_indicators.data.microdata.Count`.
    indicators
        The definitions of those indicators (what each measures, its rule).
    unit, period, fields
        Column names, as for :meth:`Microdata.from_frame
        <cchc_indicators.data.microdata.Microdata.from_frame>`.
    granularity, zeros
        As for :meth:`Microdata.to_panel
        <cchc_indicators.data.microdata.Microdata.to_panel>`.
    scope, rule, min_coverage, split_every, source
        As for :func:`rollup`.

    Returns
    -------
    dict
        A :class:`~cchc_indicators.engine.Rollup` per definition, in its order.

    Raises
    ------
    PanelError
        If a partition holds an invalid dossier (rows numbered over the whole frame).
    UnknownIndicatorError
        If a definition's code is not among ``indicators``.
    ArgumentTypeError, DefinitionError, RuleMismatchError
        As for :func:`rollup` and :meth:`Microdata.to_panel
        <cchc_indicators.data.microdata.Microdata.to_panel>`.

    Examples
    --------
    >>> import dask, dask.dataframe as dd, pandas as pd
    >>> from cchc_indicators import Indicator
    >>> from cchc_indicators.data.microdata import Count
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> dossiers = pd.DataFrame({
    ...     "commune": ["08707", "08707", "08710", "08707"],
    ...     "received": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-05-20", "2024-11-30"]),
    ...     "online": [True, False, True, True],
    ... })
    >>> online = Indicator("online", "Hồ sơ trực tuyến")
    >>> with dask.config.set(scheduler="synchronous"):
    ...     out = rollup_microdata(
    ...         dd.from_pandas(dossiers, npartitions=2), vinh_phuc_units(),
    ...         {"online": Count("online")}, [online],
    ...         unit="commune", period="received", fields=["online"], granularity="year",
    ...     )
    >>> out["online"].get("243", 2024)  # 3 of 4 dossiers of Vĩnh Yên
    75.0
    """
    from cchc_indicators.data.microdata import Count

    delayed, compute = _dask()
    func = "cchc_indicators.dask.rollup_microdata"
    if not isinstance(definitions, Mapping) or not definitions:
        msg = f"{func}: 'definitions' must be a non-empty mapping of indicator code -> Count"
        raise DefinitionError(msg)
    for code, definition in definitions.items():
        check_type(definition, Count, func=func, parameter=f"definitions[{code!r}]")
    defs = _definitions(indicators) or {}
    unknown = [code for code in definitions if code not in defs]
    if unknown:
        msg = f"no definition of indicator {unknown[0]!r} among 'indicators'"
        raise UnknownIndicatorError(msg, key=unknown[0])
    frame = _checked(frame, hierarchy, split_every, func)
    templates = {
        code: _template(hierarchy, defs[code], scope, rule, min_coverage) for code in definitions
    }
    names = [fields] if isinstance(fields, str) else list(fields)
    columns = list(dict.fromkeys([unit, period, *names]))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"missing column(s) {', '.join(missing)}; the columns are "
            f"{', '.join(str(c) for c in frame.columns)}"
        )
        raise PanelError([Problem(msg, kind="missing_column")], source=source)
    how = {"unit": unit, "period": period, "fields": names, "granularity": granularity}
    shared = delayed(hierarchy, pure=True, traverse=False)
    level = _partitionwise(
        frame[columns], _count_partition, shared, dict(definitions), how, zeros, source
    )
    while len(level) > 1:
        level = [
            delayed(_combine_counts, pure=True)(*level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    (total,) = compute(delayed(_combine_counts, pure=True)(level[0]))
    order = sorted(total.lengths)
    starts = np.concatenate([[0], np.cumsum([total.lengths[k] for k in order])])
    offset = {k: int(starts[i]) for i, k in enumerate(order)}
    if total.problems:
        raise PanelError(_ordered(_shifted(total.problems, offset)), source=source)
    assert total.counts is not None
    periods = total.periods
    first = total.first
    part_of, local = first >> _ROW_BITS, first & ((1 << _ROW_BITS) - 1)
    table = np.array([offset.get(k, 0) for k in range(max(order) + 1)], dtype=np.int64)
    rows = np.where(first >= 0, table[np.maximum(part_of, 0)] + local, -1)
    nan = np.full((len(hierarchy), len(periods)), np.nan)
    data = {}
    for j, code in enumerate(definitions):
        num, den, seen = total.counts[j]
        data[code] = IndicatorData(
            nan,
            np.where(seen, num, np.nan),
            np.where(seen, den, np.nan),
            nan,
            np.where(seen, np.maximum(rows, 0), -1),
        )
    panel = Panel(hierarchy, periods, data, {}, source).with_indicators(
        [defs[c] for c in definitions]
    )
    return {
        code: rollup_state(panel, t.indicator, scope=t.scope, rule=t.rule).finalize(min_coverage)
        for code, t in templates.items()
    }


# ---------------------------------------------------------------------- what a partition gives


@attrs.frozen
class _Summary:
    """What one partition, or a merged group of partitions, gives to the reduction.

    ``lengths``: rows per partition (to number rows over the whole frame).
    ``problems``: (partition, problem with the partition's row numbers).
    ``states``: per indicator code, periods and state fields (``None`` after a problem).
    ``seen``: per indicator code with data, periods and where there are observations.
    ``twice``: per indicator code, (unit positions, period labels) seen in two partitions.
    """

    lengths: dict[int, int]
    problems: tuple[tuple[int, Problem], ...]
    states: dict[str, tuple[tuple[str, ...], dict[str, FloatArray]]] | None
    seen: dict[str, tuple[tuple[str, ...], BoolArray]]
    twice: dict[str, tuple[IntArray, NDArray[Any]]]


def _state_of(panel: Panel, template: RollupState) -> tuple[tuple[str, ...], dict[str, FloatArray]]:
    """The state of ``template``'s roll-up over ``panel`` (identity if it has no such data)."""
    code = template.indicator.code
    if code not in panel.data:
        empty = IndicatorData.empty(len(panel.hierarchy), len(panel.periods))
        panel = attrs.evolve(panel, data={**panel.data, code: empty})
    state = rollup_state(panel, template.indicator, scope=template.scope, rule=template.rule)
    return state.periods, dict(state.fields)


def _summarise(
    frame: Any,
    k: int,
    templates: Mapping[str, RollupState],
    defs: Mapping[str, Indicator] | None,
    require_parts: bool,
    source: str,
) -> _Summary:
    """Partition ``k``: its panel, its states and where it has observations."""
    h = next(iter(templates.values())).hierarchy
    lengths = {k: len(frame)}
    try:
        panel = Panel.from_frame(
            frame, h, indicators=defs, require_parts=require_parts, source=source
        )
    except PanelError as err:
        return _Summary(lengths, tuple((k, p) for p in err.problems), None, {}, {})
    seen = {code: (panel.periods, d.observed) for code, d in panel.data.items()}
    try:
        states = {code: _state_of(panel, t) for code, t in templates.items()}
    except PanelError as err:
        return _Summary(lengths, tuple((k, p) for p in err.problems), None, seen, {})
    return _Summary(lengths, (), states, seen, {})


def _aligned(periods: tuple[str, ...], arr: BoolArray, to: tuple[str, ...]) -> BoolArray:
    if periods == to:
        return arr
    out = np.zeros((arr.shape[0], len(to)), dtype=bool)
    out[:, [to.index(p) for p in periods]] = arr
    return out


def _union(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(set(a) | set(b), key=axis_sort_key))


def _count(twice: Mapping[str, tuple[IntArray, NDArray[Any]]]) -> int:
    return sum(len(u) for u, _ in twice.values())


def _merge_two(a: _Summary, b: _Summary, templates: Mapping[str, RollupState]) -> _Summary:
    """Merge the summaries of two disjoint groups of partitions."""
    seen = dict(a.seen)
    twice = dict(a.twice)
    for code, (up, uarr) in b.twice.items():
        if code in twice:
            twice[code] = (
                np.concatenate([twice[code][0], up]),
                np.concatenate([twice[code][1], uarr]),
            )
        else:
            twice[code] = (up, uarr)
    for code, (periods_b, obs_b) in b.seen.items():
        if code not in seen:
            seen[code] = (periods_b, obs_b)
            continue
        periods_a, obs_a = seen[code]
        periods = _union(periods_a, periods_b)
        x, y = _aligned(periods_a, obs_a, periods), _aligned(periods_b, obs_b, periods)
        both = x & y
        if both.any() and _count(twice) < PROBLEM_LIMIT:
            units, cols = np.nonzero(both)
            labels = np.array(periods, dtype=object)[cols]
            old_u, old_l = twice.get(code, (np.zeros(0, np.int64), np.zeros(0, object)))
            twice[code] = (
                np.concatenate([old_u, units.astype(np.int64)]),
                np.concatenate([old_l, labels]),
            )
        seen[code] = (periods, x | y)
    states = None
    if a.states is not None and b.states is not None and not twice:
        states = {}
        for code, t in templates.items():
            sa = attrs.evolve(t, periods=a.states[code][0], fields=a.states[code][1])
            sb = attrs.evolve(t, periods=b.states[code][0], fields=b.states[code][1])
            merged = sa.merge(sb)
            states[code] = (merged.periods, dict(merged.fields))
    return _Summary({**a.lengths, **b.lengths}, a.problems + b.problems, states, seen, twice)


def _combine(templates: Mapping[str, RollupState], *summaries: Any) -> _Summary:
    """Merge the summaries of one task of the tree reduction."""
    summaries = tuple(_unwrapped(s) for s in summaries)
    out: _Summary = summaries[0]
    for s in summaries[1:]:
        out = _merge_two(out, s, templates)
    return out


@attrs.frozen
class _Counts:
    """Dossier counts of one partition, or of a merged group of partitions.

    ``counts``: per definition (in order), numerators, denominators and where
    there is an observation (units x ``periods``); ``None`` after a problem.
    ``first``: per cell, the first dossier (partition << 40 | row), -1 for none.
    """

    lengths: dict[int, int]
    problems: tuple[tuple[int, Problem], ...]
    periods: tuple[str, ...]
    counts: list[tuple[FloatArray, FloatArray, BoolArray]] | None
    first: IntArray


def _count_partition(
    frame: Any,
    k: int,
    h: Hierarchy,
    definitions: Mapping[str, Count],
    how: Mapping[str, Any],
    zeros: bool,
    source: str,
) -> _Counts:
    """Partition ``k`` of the dossiers counted into numerators and denominators."""
    from cchc_indicators.data.microdata import Microdata

    lengths = {k: len(frame)}
    try:
        md = Microdata.from_frame(
            frame, h, unit=how["unit"], period=how["period"], fields=how["fields"], source=source
        )
        panel = md.to_panel(definitions, granularity=how["granularity"], zeros=zeros)
    except PanelError as err:
        none = np.zeros((0, 0), dtype=np.int64)
        return _Counts(lengths, tuple((k, p) for p in err.problems), (), None, none)
    counts = []
    first = np.full((len(h), len(panel.periods)), -1, dtype=np.int64)
    for code in definitions:
        d = panel.data_of(code)
        seen = d.observed
        counts.append((np.where(seen, d.numerator, 0.0), np.where(seen, d.denominator, 0.0), seen))
        first = np.maximum(first, d.row)
    first = np.where(first >= 0, (k << _ROW_BITS) | first, -1)
    return _Counts(lengths, (), panel.periods, counts, first)


def _spread(arr: NDArray[Any], periods: tuple[str, ...], to: tuple[str, ...], fill: Any) -> Any:
    if periods == to:
        return arr
    out = np.full((arr.shape[0], len(to)), fill, dtype=arr.dtype)
    out[:, [to.index(p) for p in periods]] = arr
    return out


def _combine_counts(*parts: Any) -> _Counts:
    """Add the counts of partitions given in order (the first dossier is the earliest)."""
    parts = tuple(_unwrapped(p) for p in parts)
    out: _Counts = parts[0]
    for b in parts[1:]:
        a = out
        lengths = {**a.lengths, **b.lengths}
        problems = a.problems + b.problems
        if a.counts is None or b.counts is None:
            out = _Counts(lengths, problems, (), None, a.first[:0])
            continue
        periods = _union(a.periods, b.periods)
        counts = [
            (
                _spread(na, a.periods, periods, 0.0) + _spread(nb, b.periods, periods, 0.0),
                _spread(da, a.periods, periods, 0.0) + _spread(db, b.periods, periods, 0.0),
                _spread(sa, a.periods, periods, False) | _spread(sb, b.periods, periods, False),
            )
            for (na, da, sa), (nb, db, sb) in zip(a.counts, b.counts, strict=True)
        ]
        fa, fb = _spread(a.first, a.periods, periods, -1), _spread(b.first, b.periods, periods, -1)
        out = _Counts(lengths, problems, periods, counts, np.where(fa >= 0, fa, fb))
    return out


def _locate(
    frame: Any,
    h: Hierarchy,
    cells: Mapping[str, tuple[IntArray, NDArray[Any]]],
    source: str,
) -> dict[str, IntArray]:
    """Second pass, on the error path: the rows of partition ``frame`` holding ``cells`` (-1: none)."""
    out = {code: np.full(len(u), -1, dtype=np.int64) for code, (u, _) in cells.items()}
    try:
        panel = Panel.from_frame(frame, h, source=source)
    except PanelError:  # its own problems are reported already
        return out
    column = {p: j for j, p in enumerate(panel.periods)}
    for code, (units, labels) in cells.items():
        if code not in panel.data:
            continue
        cols = np.array([column.get(lab, -1) for lab in labels.tolist()], dtype=np.int64)
        here = cols >= 0
        out[code][here] = panel.data[code].row[units[here], cols[here]]
    return out


# ---------------------------------------------------------------------- the reduction


def _dask() -> tuple[Any, Any]:
    """Dask's ``delayed`` and ``compute`` (imported when called: ``dask`` is an extra)."""
    from dask.base import compute
    from dask.delayed import delayed

    return delayed, compute


def _rollups(
    frame: Any,
    hierarchy: Hierarchy,
    wanted: Sequence[Indicator],
    indicators: Iterable[Indicator] | Mapping[str, Indicator] | None,
    *,
    scope: Scope | str,
    rule: Rule | str | None,
    min_coverage: float,
    require_parts: bool,
    split_every: int,
    source: str,
    func: str,
) -> dict[str, Rollup]:
    delayed, compute = _dask()
    frame = _checked(frame, hierarchy, split_every, func)
    defs = _definitions(indicators)
    # the arguments are checked here, on an empty panel, before any partition is read
    templates = {ind.code: _template(hierarchy, ind, scope, rule, min_coverage) for ind in wanted}
    present = [c for c in _COLUMNS if c in frame.columns]
    missing = [c for c in _COLUMNS[:3] if c not in present]
    if missing:
        msg = (
            f"missing column(s) {', '.join(missing)}; the columns are "
            f"{', '.join(str(c) for c in frame.columns)}"
        )
        raise PanelError([Problem(msg, kind="missing_column")], source=source)

    parts = frame[present]
    shared = delayed(templates, pure=True, traverse=False)
    level = _partitionwise(parts, _summarise, shared, defs, require_parts, source)
    while len(level) > 1:
        level = [
            delayed(_combine, pure=True)(shared, *level[i : i + split_every])
            for i in range(0, len(level), split_every)
        ]
    (total,) = compute(delayed(_combine, pure=True)(shared, level[0]))
    return _finish(total, templates, parts, hierarchy, min_coverage, source)


def _partitionwise(frame: Any, func: Any, *args: Any) -> list[Any]:
    """``func(partition, k, *args)`` of every partition, as delayed objects.

    Each runs in the task that reads its partition (``map_partitions`` fuses
    with the reader), so a partition's rows are freed once its summary is made.
    """
    import pandas as pd

    out = frame.map_partitions(
        _in_series, func, *args, meta=pd.Series(dtype=object), enforce_metadata=False
    )
    return list(out.to_delayed())


def _in_series(part: Any, func: Any, *args: Any, partition_info: Any = None) -> Any:
    import pandas as pd

    k = partition_info["number"] if partition_info else 0
    return pd.Series([func(part, k, *args)], dtype=object)


def _unwrapped(x: Any) -> Any:
    """A partition's summary out of the one-element series :func:`_in_series` makes."""
    return x if isinstance(x, (_Summary, _Counts)) else x.iloc[0]


def _checked(frame: Any, hierarchy: Hierarchy, split_every: object, func: str) -> Any:
    """The frame, after checking the arguments every function takes."""
    import dask.dataframe as dd

    check_type(frame, dd.DataFrame, func=func, parameter="frame", expected="a Dask DataFrame")
    check_type(hierarchy, Hierarchy, func=func, parameter="hierarchy")
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        msg = f"{func}: split_every is a whole number of states merged at a time, >= 2, got {split_every!r}"
        raise DefinitionError(msg)
    return frame


def _template(
    h: Hierarchy, ind: Indicator, scope: Scope | str, rule: Rule | str | None, min_coverage: float
) -> RollupState:
    """The state of ``ind`` over no data: checks the scope, rule and ``min_coverage``."""
    empty = Panel(h, (), {ind.code: IndicatorData.empty(len(h), 0)})
    template = rollup_state(empty, ind, scope=scope, rule=rule)
    template.finalize(min_coverage)  # a bad min_coverage: DefinitionError
    return template


def _finish(
    total: _Summary,
    templates: Mapping[str, RollupState],
    parts: Any,
    h: Hierarchy,
    min_coverage: float,
    source: str,
) -> dict[str, Rollup]:
    """Raise what the partitions found, or finalise the merged states."""
    order = sorted(total.lengths)
    starts = np.concatenate([[0], np.cumsum([total.lengths[k] for k in order])])
    offset = {k: int(starts[i]) for i, k in enumerate(order)}
    if total.problems or total.twice:
        problems = _shifted(total.problems, offset)
        if total.twice:
            problems += _duplicates(total.twice, parts, offset, order, h, source)
        raise PanelError(_ordered(problems), source=source)
    for code in templates:
        if code not in total.seen:
            held = ", ".join(repr(c) for c in sorted(total.seen)) or "no indicator"
            msg = f"indicator {code!r} is not in the panel; it holds {held}"
            raise UnknownIndicatorError(msg, key=code)
    assert total.states is not None  # no problem: every partition gave its states
    return {
        code: attrs.evolve(t, periods=total.states[code][0], fields=total.states[code][1]).finalize(
            min_coverage
        )
        for code, t in templates.items()
    }


def _shifted(problems: Iterable[tuple[int, Problem]], offset: Mapping[int, int]) -> list[Problem]:
    """Problems with their rows numbered over the whole frame (row-less ones once each)."""
    out: list[Problem] = []
    once: set[tuple[str, str | None, str]] = set()
    for k, p in problems:
        if p.row is None:
            if (p.message, p.field, p.kind) not in once:
                once.add((p.message, p.field, p.kind))
                out.append(p)
            continue
        shift, message = offset[k], p.message
        if p.kind == "duplicate_key":  # the first row it names is the partition's too
            first = _FIRST_ROW.search(message)
            if first:
                message = message[: first.start(1)] + str(int(first.group(1)) + shift)
        out.append(attrs.evolve(p, message=message, row=p.row + shift))
    return out


def _duplicates(
    twice: Mapping[str, tuple[IntArray, NDArray[Any]]],
    parts: Any,
    offset: Mapping[int, int],
    order: Sequence[int],
    h: Hierarchy,
    source: str,
) -> list[Problem]:
    """The ``duplicate_key`` problems of cells seen in two partitions (a second pass finds the rows)."""
    delayed, compute = _dask()
    cells = {}
    for code, (units, labels) in twice.items():
        keys = np.unique(np.stack([units.astype(str), labels.astype(str)]), axis=1)
        cells[code] = (keys[0].astype(np.int64), keys[1].astype(object))
    found = compute(*[delayed(_locate)(part, h, cells, source) for part in parts.to_delayed()])
    out: list[Problem] = []
    starts = np.array([offset[k] for k in order], dtype=np.int64)[:, None]
    for code, (units, labels) in cells.items():
        local = np.stack([f[code] for f in found])  # partitions x cells
        rows = np.sort(np.where(local >= 0, starts + local, np.iinfo(np.int64).max), axis=0)
        for later in range(1, rows.shape[0]):
            for j in np.flatnonzero(rows[later] < np.iinfo(np.int64).max).tolist():
                msg = (
                    f"duplicate observation of ({code!r}, {h.codes[int(units[j])]!r}, "
                    f"{labels[j]!r}); first given in row {int(rows[0, j])}"
                )
                out.append(Problem(msg, int(rows[later, j]), "period", "duplicate_key"))
    return out


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Problems by row (row-less ones first), at most ``PROBLEM_LIMIT``, the rest counted."""
    more = 0
    kept: list[Problem] = []
    for p in problems:
        m = _MORE.match(p.message) if p.kind == "truncated" else None
        if m:
            more += int(m.group(1))
        else:
            kept.append(p)
    kept.sort(key=lambda p: -1 if p.row is None else p.row)
    more += max(len(kept) - PROBLEM_LIMIT, 0)
    kept = kept[:PROBLEM_LIMIT]
    if more:
        kept.append(Problem(f"... {more} more problems not listed", kind="truncated"))
    return kept
