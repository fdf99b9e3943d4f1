"""The state algebra of the roll-up engine: pooling per-unit states up the hierarchy.

A rule's state is a few arrays (units x periods) that combine by ``add``,
``min`` or ``max``. A level's states are pooled into the level above with
:func:`numpy.bincount` (or :func:`numpy.minimum.at` / :func:`numpy.maximum.at`)
over the hierarchy's precomputed parent indices, one level at a time; the
index arrays and scope sizes are cached on the hierarchy
(:meth:`~cchc_indicators.units.hierarchy.Hierarchy.memo`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _wide
from cchc_indicators.core._validate import Problems
from cchc_indicators.core.errors import IncompatibleStatesError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.rules import (
    REASON_BELOW_MIN_COVERAGE,
    REASON_NO_DATA,
    REASON_NOT_APPLICABLE,
    REASON_OK,
    REASON_OVERFLOW,
    REASON_ZERO_DENOMINATOR,
    AllTrue,
    AnyTrue,
    Cells,
    Combine,
    Max,
    Mean,
    Min,
    RatioOfSums,
    Rule,
    ShareMeeting,
    Sum,
    WeightedMean,
)
from cchc_indicators.core.scopes import Scope
from cchc_indicators.data.panel import IndicatorData, Panel
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
State = dict[str, FloatArray]

#: Below this share of a panel's cells (units x periods) holding data, an
#: indicator is rolled up from those cells alone (see :func:`_sparse_scope_state`).
SPARSE_DENSITY = 0.3

#: The rules known to work cell by cell, with the identity and NaN where there is no data.
_SPARSE_RULES: frozenset[type[Rule]] = frozenset(
    (AllTrue, AnyTrue, Max, Mean, Min, RatioOfSums, ShareMeeting, Sum, WeightedMean)
)

#: Provenance codes (indices into :data:`cchc_indicators.engine.PROVENANCE`).
_MISSING, _OBSERVED, _DERIVED = 0, 1, 2
_OWN_FIELDS: tuple[tuple[str, Combine], ...] = (("value", "add"), ("undefined", "add"))

# ---------------------------------------------------------------------- state algebra


def _combine_table(rule: Rule | None) -> dict[str, Combine]:
    fields = _OWN_FIELDS if rule is None else rule.fields
    return {**dict(fields), "n": "add"}


def _identity(op: Combine) -> float:
    return 0.0 if op in ("add", "wide_add") else (math.inf if op == "min" else -math.inf)


def _flat_index(h: Hierarchy, level: int, n_periods: int) -> IntArray:
    """Flat (parent, period) cell numbers of the units of ``level``, for np.bincount."""

    def compute() -> IntArray:
        parent = h.ancestors(level, level - 1)
        idx = (parent[:, None] * n_periods + np.arange(n_periods)).ravel()
        idx.flags.writeable = False
        return idx

    return h.memo(("flat_index", level, n_periods), compute)


def _pool(
    state: State,
    combine: Mapping[str, Combine],
    idx: IntArray,
    size: int,
    n_periods: int | None = None,
) -> State:
    """Pool the rows of ``state`` into ``size`` parents; ``idx`` is from :func:`_flat_index`.

    A ``wide_add`` field is added plainly; only if a sum leaves the plain range
    (see :mod:`cchc_indicators.core._wide`) is it pooled again with exponents, and
    the result then holds the field's exponent array too.

    ``state`` may also hold only some cells, flattened (any shape), with ``idx``
    their parent cells and ``n_periods`` given: the cells left out must hold the
    identity of each field (0, ``±inf``), and they change nothing (adding 0 to a
    sum, or pooling it in the exponent form, is exact).
    """
    if n_periods is None:
        n_periods = state[next(iter(combine))].shape[1]
    cells = size * n_periods
    out: State = {}
    for name, op in combine.items():
        arr = state[name]
        pooled: FloatArray
        if op == "wide_add":
            exp = state.get(_wide.exp_key(name))
            pooled_exp = None
            if exp is None:
                pooled = np.bincount(idx, weights=arr.ravel(), minlength=cells).astype(
                    np.float64, copy=False
                )
            if exp is not None or not _wide.fits_plain(pooled):
                pooled, pooled_exp = _wide.pool(
                    arr.ravel(), None if exp is None else exp.ravel(), idx, cells
                )
            if pooled_exp is not None:
                out[_wide.exp_key(name)] = pooled_exp.reshape(size, n_periods)
        elif op == "add":
            pooled = np.bincount(idx, weights=arr.ravel(), minlength=cells).astype(
                np.float64, copy=False
            )
        else:
            pooled = np.full(cells, _identity(op))
            (np.minimum if op == "min" else np.maximum).at(pooled, idx, arr.ravel())
        out[name] = pooled.reshape(size, n_periods)
    return out


def _merged(a: State, b: State, combine: Mapping[str, Combine]) -> State:
    """The merge of two states of the same shape, as new arrays (neither input changes)."""
    out: State = {}
    for name, op in combine.items():
        if op == "wide_add":
            key = _wide.exp_key(name)
            m, e = _wide.add(a[name], a.get(key), b[name], b.get(key))
            out[name] = m
            if e is not None:
                out[key] = e
        elif op == "add":
            out[name] = a[name] + b[name]
        else:
            out[name] = (np.minimum if op == "min" else np.maximum)(a[name], b[name])
    return out


def _empty(combine: Mapping[str, Combine], rows: int, n_periods: int) -> State:
    return {name: np.full((rows, n_periods), _identity(op)) for name, op in combine.items()}


def _put_rows(state: State, rows: slice, part: State) -> None:
    """Write ``part`` into ``rows`` of ``state``, adding or zeroing exponent arrays as needed."""
    for name, arr in part.items():
        if name not in state:  # an exponent array the state did not need so far
            state[name] = np.zeros(next(iter(state.values())).shape)
        state[name][rows] = arr
    for name, arr in state.items():
        if name not in part:  # an exponent array the part does not need: all 0
            arr[rows] = 0.0


def _bottom(h: Hierarchy, scope: Scope) -> int:
    """The level whose units' own states a ``territory`` or ``tier`` scope starts pooling from."""
    if scope.kind == "territory":
        return len(h.levels) - 1
    assert scope.level is not None
    return h.level_number(scope.level)


def _by_scope(
    unit_state: State,
    combine: Mapping[str, Combine],
    h: Hierarchy,
    scope: Scope,
    first: State | None = None,
) -> State:
    """Turn per-unit states into scope states, one level at a time, bottom up, in place.

    ``unit_state`` must hold fresh arrays (a rule's ``init`` makes new ones):
    the rows of each level are overwritten with the pooled states (and
    exponent arrays of ``wide_add`` fields are added when a sum needs them).

    ``first``, when given, is the first pooling already done (the states of
    the bottom level pooled into the level above, as :func:`_pool` returns
    them); the rows below a ``tier`` level must then hold the identity already.
    """
    if scope.kind == "own":
        return unit_state
    start = _bottom(h, scope) - 1
    if scope.kind == "tier" and first is None:
        below = h.level_slice(start + 1).stop
        for name, arr in unit_state.items():
            arr[below:] = _identity(combine.get(name, "add"))  # exponent arrays: 0
    n_periods = next(iter(unit_state.values())).shape[1]
    for k in range(start, -1, -1):
        child, here = h.level_slice(k + 1), h.level_slice(k)
        if first is not None and k == start:
            pooled = first
        else:
            pooled = _pool(
                {name: arr[child] for name, arr in unit_state.items()},
                combine,
                _flat_index(h, k + 1, n_periods),
                h.level_size(k),
            )
        if scope.kind == "territory":
            pooled = _merged({name: arr[here] for name, arr in unit_state.items()}, pooled, combine)
        _put_rows(unit_state, here, pooled)
    return unit_state


def _scope_sizes(h: Hierarchy, scope: Scope) -> FloatArray:
    """How many units each unit's scope holds (0 where the scope does not apply); cached.

    The units are counted as the engine pools: a 1 for every unit, pooled by
    :func:`_by_scope`, which also gives 0 to the units below a tier's level
    (their ``tier:<level>`` scope is empty).
    """

    def compute() -> FloatArray:
        if scope.kind == "own":
            sizes = np.ones(len(h))
        else:
            ones: State = {"n": np.ones((len(h), 1))}
            sizes = _by_scope(ones, {"n": "add"}, h, scope)["n"][:, 0]
        sizes.flags.writeable = False
        return sizes

    return h.memo(("scope_sizes", scope), compute)


def _short_of(n: FloatArray, sizes: NDArray[Any], min_coverage: float) -> NDArray[np.bool_]:
    """Where coverage n / sizes is below ``min_coverage`` (computed as the coverage is shown)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out: NDArray[np.bool_] = (n / sizes[:, None]) < min_coverage
    return out


def _is_self_scope(h: Hierarchy, scope: Scope) -> NDArray[np.bool_]:
    """Units whose scope holds only themselves: their value is their own observation.

    ``own`` always; ``territory`` for a unit with no descendants; ``tier:<level>``
    for the units on that level (a unit pooling a single descendant is not one).
    """

    def compute() -> NDArray[np.bool_]:
        if scope.kind == "own":
            out = np.ones(len(h), dtype=bool)
        elif scope.kind == "territory":
            out = _scope_sizes(h, scope) == 1
        else:
            assert scope.level is not None
            out = np.zeros(len(h), dtype=bool)
            out[h.level_slice(scope.level)] = True
        out.flags.writeable = False
        return out

    return h.memo(("self_scope", scope), compute)


def _resolve(panel: Panel, indicator: Indicator | str) -> tuple[Indicator, Panel]:
    if isinstance(indicator, Indicator):
        known = panel.indicators.get(indicator.code)
        if known != indicator:
            panel = panel.with_indicators([indicator])
        return indicator, panel
    return panel.indicator(indicator), panel


def _require_parts(
    panel: Panel, value_only: NDArray[np.bool_], ind: Indicator, rule: Rule, scope: Scope
) -> None:
    h = panel.hierarchy
    if scope.kind == "tier":
        assert scope.level is not None
        mask = np.zeros(len(h), dtype=bool)
        mask[h.level_slice(scope.level)] = True
        value_only = value_only & mask[:, None]
    if not value_only.any():
        return
    rows = np.sort(panel.data_of(ind.code).row[value_only])
    problems = Problems(rows)  # the first PROBLEM_LIMIT named, the others counted
    problems.add(
        np.ones(len(rows), dtype=bool),
        "value_without_parts",
        "value",
        lambda _: (
            f"indicator {ind.code!r}: rule {rule.to_spec()!r} pools numerators and denominators, "
            "but this observation gives only a value; give numerator and denominator, or roll "
            "up with rule 'mean' or 'weighted_mean(by=weight)'"
        ),
    )
    problems.raise_if_any(panel.source)


# ---------------------------------------------------------------------- from data to values


class SparseState(Mapping[str, FloatArray]):
    """A scope state held as the rows above the bottom level and the bottom level's cells.

    It reads as the dense state (one units x periods array per field), but
    builds a field's array only when it is first asked for (read-only, then
    kept). The roll-up's values need only :attr:`top` and :attr:`cells`:
    on a large, sparse bottom level the dense arrays are never built unless
    someone reads the state.

    Attributes
    ----------
    top : dict
        The states of the first units (the levels above the bottom one), rows x periods.
    cells : numpy.ndarray
        The flat cells (unit x periods + period) of the bottom level that may hold data.
    own : dict
        The states of ``cells``, one 1-D array per field (an exponent array
        only :attr:`top` needs is 0 there).
    shape : tuple of int
        The dense shape, units x periods.
    """

    __slots__ = ("_dense", "_identity", "cells", "own", "shape", "top")

    def __init__(
        self,
        top: State,
        cells: IntArray,
        own: State,
        identity: Mapping[str, float],
        shape: tuple[int, int],
    ) -> None:
        self.top, self.cells, self.own = top, cells, own
        self._identity, self.shape = identity, shape
        self._dense: State = {}

    def __getitem__(self, name: str) -> FloatArray:
        dense = self._dense.get(name)
        if dense is None:
            top = self.top[name]  # a KeyError for a field the state does not have
            flat = np.full(self.shape[0] * self.shape[1], self._identity.get(name, 0.0))
            flat[: top.size] = top.ravel()
            if len(self.cells):
                flat[self.cells] = self.own.get(name, 0.0)
            dense = flat.reshape(self.shape)
            dense.flags.writeable = False  # finalize trusts top, cells and own: keep them equal
            self._dense[name] = dense
        return dense

    def __iter__(self) -> Iterator[str]:
        return iter(self.top)

    def __len__(self) -> int:
        return len(self.top)


def _scope_state(
    panel: Panel, ind: Indicator, rule: Rule | None, scope: Scope
) -> State | SparseState:
    """The state of every unit's scope: per-unit states from the observations, pooled by ``scope``.

    Without a rule (the ``own`` scope) the state is the unit's own value, whether it
    is undefined (0 of 0) and whether there is one (``n``). On the sparse path
    (few cells with data) it is a :class:`SparseState`.
    """
    data = panel.data_of(ind.code)
    scale = ind.measure.scale if ind.measure.kind == "ratio" else 1.0
    if rule is None:
        values = data.values(scale)
        observed = data.observed
        undefined = observed & np.isnan(values)
        return {
            "value": np.where(observed & ~undefined, values, 0.0),
            "undefined": undefined.astype(np.float64),
            "n": observed.astype(np.float64),
        }
    if rule.needs_parts and data.any_bare_value:
        _require_parts(panel, data.bare_value, ind, rule, scope)
    if _is_sparse(data, rule, scope):
        return _sparse_scope_state(data, rule, scope, panel.hierarchy, scale)
    cells = Cells(lambda: data.values(scale), data.numerator, data.denominator, data.weight)
    fields, has = rule.init(cells)
    fields["n"] = has.astype(np.float64)
    return _by_scope(fields, _combine_table(rule), panel.hierarchy, scope)


def _is_sparse(data: IndicatorData, rule: Rule, scope: Scope) -> bool:
    """Whether to take the sparse path: a built-in rule, a pooling scope, few cells with data."""
    size = data.row.size
    return (
        type(rule) in _SPARSE_RULES
        and scope.kind != "own"
        and size > 0
        and len(data.support) < SPARSE_DENSITY * size
    )


def _sparse_scope_state(
    data: IndicatorData, rule: Rule, scope: Scope, h: Hierarchy, scale: float | None
) -> SparseState:
    """:func:`_scope_state` visiting only the cells with data on the bottom level.

    The rule's ``init`` runs on the cells of :attr:`IndicatorData.support` alone
    (it works cell by cell, and its whole-array checks see the same non-identity
    cells). The bottom level is pooled from those cells into the level above;
    the levels above, far fewer, are pooled as on the dense path, in arrays of
    their rows alone. Nothing the size of the bottom level is allocated.
    """
    n_units, n_periods = data.row.shape
    support = data.support
    g = data.gathered()
    fields, has = rule.init(Cells(lambda: g.values(scale), g.numerator, g.denominator, g.weight))
    fields["n"] = has.astype(np.float64)
    combine = _combine_table(rule)
    identity = {name: _identity(combine.get(name, "add")) for name in fields}
    t = _bottom(h, scope)
    bottom = h.level_slice(t)
    lo, hi = (
        int(i)
        for i in np.searchsorted(support, [bottom.start * n_periods, bottom.stop * n_periods])
    )
    # the rows above the bottom level, with their own states (pooled over below);
    # the cells below the bottom level (a tier's) are left out: they hold the identity.
    top: State = {}
    above = support[:lo]
    for name, arr in fields.items():
        rows = np.full(bottom.start * n_periods, identity[name])
        rows[above] = arr.ravel()[:lo]
        top[name] = rows.reshape(bottom.start, n_periods)
    cells = support[lo:hi]
    own = {name: np.ascontiguousarray(arr.ravel()[lo:hi]) for name, arr in fields.items()}
    first = None
    if t > 0:
        idx = _flat_index(h, t, n_periods)[cells - bottom.start * n_periods]
        first = _pool(own, combine, idx, h.level_size(t - 1), n_periods)
    # the bottom level is not pooled into: its cells keep their own states (``own``)
    top = _by_scope(top, combine, h, scope, first)
    for arr in (*top.values(), *own.values()):
        arr.flags.writeable = False  # finalize trusts them: nobody may change them
    cells.flags.writeable = False
    return SparseState(top, cells, own, identity, (n_units, n_periods))


class SparseValues:
    """The values of a roll-up on the sparse path, before any dense array is built.

    The first rows (the levels above the bottom one) are held whole; of the
    rows below, only the ``cells`` that may hold data; every other cell holds
    ``empty`` (the value the rule gives where no unit has data: a NaN).

    Attributes
    ----------
    top : numpy.ndarray
        The values of the first rows (rows x periods).
    cells : numpy.ndarray
        Flat cells (unit x periods + period) below the first rows.
    got : numpy.ndarray
        The values of ``cells``.
    empty : float
        The value of every other cell.
    shape : tuple of int
        The dense shape, units x periods.
    """

    __slots__ = ("cells", "empty", "got", "shape", "top")

    def __init__(
        self,
        top: FloatArray,
        cells: IntArray,
        got: FloatArray,
        empty: float,
        shape: tuple[int, int],
    ) -> None:
        self.top, self.cells, self.got, self.empty, self.shape = top, cells, got, empty, shape

    def rows(self, start: int, stop: int) -> FloatArray:
        """The dense values of rows ``start`` to ``stop`` (a new array)."""
        n_periods = self.shape[1]
        out = np.full((stop - start) * n_periods, self.empty)
        head = min(stop, len(self.top))
        if start < head:
            out[: (head - start) * n_periods] = self.top[start:head].ravel()
        lo, hi = (
            int(i) for i in np.searchsorted(self.cells, [start * n_periods, stop * n_periods])
        )
        out[self.cells[lo:hi] - start * n_periods] = self.got[lo:hi]
        return out.reshape(stop - start, n_periods)

    def dense(self) -> FloatArray:
        """All the values, units x periods (a new array)."""
        return self.rows(0, self.shape[0])


def _finalize(
    ind: Indicator,
    rule: Rule | None,
    scope: Scope,
    h: Hierarchy,
    fields: Mapping[str, FloatArray],
    min_coverage: float,
) -> tuple[FloatArray | SparseValues, FloatArray, NDArray[np.bool_] | None]:
    """The values of a state, how many units each scope holds, and where a value overflowed.

    A value is NaN below ``min_coverage``, and NaN where it lies beyond the
    float range (the rule gave ``±inf``): the third array marks those cells,
    reported with the reason ``overflow`` (``None`` when no value overflowed).

    A :class:`SparseState` limits the rule's ``finalize`` to the cells that
    may hold data (a built-in rule gives NaN where ``n`` is 0); the values
    then stay :class:`SparseValues` unless ``min_coverage`` asks for them all.
    """
    sizes = _scope_sizes(h, scope)
    measure = ind.measure
    scale = measure.scale if measure.kind == "ratio" and measure.scale else 1.0
    few = (
        _sparse_values(rule, fields, sizes, scale)
        if rule is not None and isinstance(fields, SparseState)
        else None
    )
    value: FloatArray | SparseValues
    if few is not None:
        value, overflow = few
        if min_coverage > 0:
            value = value.dense()
    else:
        n = fields["n"]
        if rule is None:
            if np.any(n > 1):
                msg = (
                    "the merged chunks hold the same observation twice; "
                    "chunks must partition the rows"
                )
                raise IncompatibleStatesError(msg)
            value = np.where((n == 1) & (fields["undefined"] == 0), fields["value"], np.nan)
        else:
            value = rule.finalize(dict(fields), n, sizes[:, None], scale)
        inf = np.isinf(value)
        overflow = inf if inf.any() else None
        if overflow is not None:
            value = np.where(overflow, np.nan, value)
    if min_coverage > 0:
        assert isinstance(value, np.ndarray)
        value[_short_of(fields["n"], sizes, min_coverage)] = np.nan
    return value, sizes, overflow


def _sparse_values(
    rule: Rule, state: SparseState, sizes: FloatArray, scale: float
) -> tuple[SparseValues, NDArray[np.bool_] | None] | None:
    """``rule.finalize`` on the top rows and the bottom cells of a sparse state alone.

    Returns the values, infinite ones made NaN, and where they were infinite
    (``None``: nowhere).

    Every other cell holds the identity state with ``n`` 0, in a scope of one
    unit (its own, on the bottom level) or none (below a tier): it gets the
    value the rule gives such a cell, the same bits as ``finalize`` on every
    cell would give (a NaN, whose sign depends on how the rule makes it).
    ``None`` if that value depends on the size of the scope, or is not a NaN
    (then finalise densely).
    """
    n_units, n_periods = state.shape
    combine = _combine_table(rule)
    probe = {name: np.full((2, 1), _identity(combine.get(name, "add"))) for name in state}
    empty = rule.finalize(probe, probe["n"], np.array([[0.0], [1.0]]), scale)
    if (
        empty.shape != (2, 1)
        or empty.dtype != np.float64
        or empty[0].tobytes() != empty[1].tobytes()
        or not np.isnan(empty[0, 0])
    ):
        return None
    top, cells = state.top, state.cells
    rows = next(iter(top.values())).shape[0]
    top_values = np.empty((rows, n_periods))
    if rows:
        top_values = rule.finalize(dict(top), top["n"], sizes[:rows, None], scale)
    got = np.empty(0)
    if len(cells):
        zeros = np.zeros(len(cells))  # an exponent array added above the bottom level
        part = {name: state.own.get(name, zeros)[:, None] for name in state}
        n_scope = sizes[cells // n_periods][:, None]
        got = rule.finalize(part, part["n"], n_scope, scale).ravel()
    top_inf, got_inf = np.isinf(top_values), np.isinf(got)
    overflow = None
    if top_inf.any() or got_inf.any():
        flat = np.zeros(n_units * n_periods, dtype=bool)
        flat[: rows * n_periods] = top_inf.ravel()
        flat[cells] = got_inf
        overflow = flat.reshape(n_units, n_periods)
        top_values = np.where(top_inf, np.nan, top_values)
        got = np.where(got_inf, np.nan, got)
    values = SparseValues(top_values, cells, got, float(empty[0, 0]), (n_units, n_periods))
    return values, overflow


def _reasons(
    rule: Rule | None,
    state: Mapping[str, FloatArray],
    value: FloatArray,
    n_in_scope: IntArray,
    min_coverage: float,
    overflow: NDArray[np.bool_] | None = None,
) -> NDArray[np.int8]:
    """Why each missing value is missing, as codes into ``REASONS`` (0 where there is a value).

    ``zero_denominator`` and ``overflow`` are facts about the value and win over
    ``below_min_coverage``; ``not_applicable`` (an empty scope) wins over all.
    """
    n = state["n"]
    reason = np.zeros(value.shape, dtype=np.int8)
    reason[n == 0] = REASON_NO_DATA
    if rule is None:
        undefined = (state["undefined"] > 0) & (n > 0)
    else:
        undefined = rule.undefined(dict(state), n)
    reason[undefined] = REASON_ZERO_DENOMINATOR
    if overflow is not None:  # only where units have data and the value is defined
        reason[overflow] = REASON_OVERFLOW
        undefined = undefined | overflow
    if min_coverage > 0:
        short = (n > 0) & _short_of(n, n_in_scope, min_coverage) & ~undefined
        reason[short] = REASON_BELOW_MIN_COVERAGE
    reason[n_in_scope == 0, :] = REASON_NOT_APPLICABLE
    reason[(reason == REASON_OK) & np.isnan(value)] = REASON_NO_DATA
    return reason


def _provenance(
    h: Hierarchy, scope: Scope, state: Mapping[str, FloatArray], reason: NDArray[np.int8]
) -> NDArray[np.int8]:
    """Where each value comes from: missing, observed (a scope of the unit alone) or derived."""
    provenance = np.full(reason.shape, _DERIVED, dtype=np.int8)
    provenance[(state["n"] == 1) & _is_self_scope(h, scope)[:, None]] = _OBSERVED
    provenance[reason != REASON_OK] = _MISSING
    return provenance
