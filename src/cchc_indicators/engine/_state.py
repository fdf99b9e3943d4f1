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
from collections.abc import Mapping
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
    Cells,
    Combine,
    Rule,
)
from cchc_indicators.core.scopes import Scope
from cchc_indicators.data.panel import Panel
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
State = dict[str, FloatArray]

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


def _pool(state: State, combine: Mapping[str, Combine], idx: IntArray, size: int) -> State:
    """Pool the rows of ``state`` into ``size`` parents; ``idx`` is from :func:`_flat_index`.

    A ``wide_add`` field is added plainly; only if a sum leaves the plain range
    (see :mod:`cchc_indicators.core._wide`) is it pooled again with exponents, and
    the result then holds the field's exponent array too.
    """
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


def _by_scope(
    unit_state: State, combine: Mapping[str, Combine], h: Hierarchy, scope: Scope
) -> State:
    """Turn per-unit states into scope states, one level at a time, bottom up, in place.

    ``unit_state`` must hold fresh arrays (a rule's ``init`` makes new ones):
    the rows of each level are overwritten with the pooled states (and
    exponent arrays of ``wide_add`` fields are added when a sum needs them).
    """
    if scope.kind == "own":
        return unit_state
    if scope.kind == "territory":
        start = len(h.levels) - 2
    else:
        assert scope.level is not None
        t = h.level_number(scope.level)
        below = h.level_slice(t).stop
        for name, arr in unit_state.items():
            arr[below:] = _identity(combine.get(name, "add"))  # exponent arrays: 0
        start = t - 1
    n_periods = next(iter(unit_state.values())).shape[1]
    for k in range(start, -1, -1):
        child, here = h.level_slice(k + 1), h.level_slice(k)
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


def _scope_fields(panel: Panel, ind: Indicator, rule: Rule | None, scope: Scope) -> State:
    """The state of every unit's scope: per-unit states from the observations, pooled by ``scope``.

    Without a rule (the ``own`` scope) the state is the unit's own value, whether it
    is undefined (0 of 0) and whether there is one (``n``).
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
    cells = Cells(lambda: data.values(scale), data.numerator, data.denominator, data.weight)
    fields, has = rule.init(cells)
    fields["n"] = has.astype(np.float64)
    return _by_scope(fields, _combine_table(rule), panel.hierarchy, scope)


def _finalize(
    ind: Indicator,
    rule: Rule | None,
    scope: Scope,
    h: Hierarchy,
    fields: Mapping[str, FloatArray],
    min_coverage: float,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """The values of a state, how many units each scope holds, and where a value overflowed.

    A value is NaN below ``min_coverage``, and NaN where it lies beyond the
    float range (the rule gave ``±inf``): the third array marks those cells,
    reported with the reason ``overflow``.
    """
    n = fields["n"]
    sizes = _scope_sizes(h, scope)
    measure = ind.measure
    scale = measure.scale if measure.kind == "ratio" and measure.scale else 1.0
    if rule is None:
        if np.any(n > 1):
            msg = (
                "the merged chunks hold the same observation twice; chunks must partition the rows"
            )
            raise IncompatibleStatesError(msg)
        value = np.where((n == 1) & (fields["undefined"] == 0), fields["value"], np.nan)
    else:
        value = rule.finalize(dict(fields), n, sizes[:, None], scale)
    overflow = np.isinf(value)
    if overflow.any():
        value = np.where(overflow, np.nan, value)
    if min_coverage > 0:
        value[_short_of(n, sizes, min_coverage)] = np.nan
    return value, sizes, overflow


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
