"""The re-basing engine: a sparse allocation matrix applied to stacked panel arrays.

The allocation matrix has one entry per link ``(row of the old unit in the
panel, row of the new unit, share)``. It is applied to all indicators and
periods at once: their arrays are stacked into one ``(blocks, units, periods)``
array and every cell is sent to its new unit's cell with one
:func:`numpy.bincount` over precomputed flat indices (index arithmetic: block
x units x periods + unit x periods + period). Old units with one link of
share 1 (almost all: merges) need no multiplication; the links of split units
are gathered and scaled apart. There is no loop over units.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.rules import AllTrue, AnyTrue, Max, Mean, Min, Rule, WeightedMean
from cchc_indicators.data.panel import IndicatorData, Panel
from cchc_indicators.units import editions as _units
from cchc_indicators.units.crosswalk import Crosswalk
from cchc_indicators.units.hierarchy import Hierarchy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Array = NDArray[Any]
T = TypeVar("T")

#: How many flat cell numbers an allocation keeps for later calls (64 MB).
_INDEX_BUDGET = 8_000_000

#: The methods that combine values (as opposed to adding them up).
VALUE_METHODS = (
    "sum",
    "mean",
    "weighted_mean(by=weight)",
    "weighted_mean(by=denominator)",
    "min",
    "max",
    "any",
    "all",
    "majority",
)


def _flat(targets: IntArray, n_periods: int) -> IntArray:
    return (targets[:, None] * n_periods + np.arange(n_periods)).ravel()


@attrs.frozen(eq=False)
class Allocation:
    """The allocation matrix between the rows of a panel and the rows of the target units.

    ``single`` gives, for each old row with exactly one link of share 1, the
    row of its new unit (``n_new``, a discarded row, for the others).
    ``extra_old``, ``extra_new`` and ``extra_share`` are the other links
    (those of split units). ``copy_old`` and ``copy_new`` are the links that
    are their new unit's only one, with share 1: such cells are copied.
    ``n_in`` counts the links into each new unit, ``n_out`` the links of each
    old row into the target units; ``unmapped`` marks old rows with no link at
    all and ``out_old``, ``out_share`` the links going to other units;
    ``extra_units`` are the new units the links of split units go to.

    The rows are those of the panel from ``first`` on (``n_rows`` of them):
    rows before and after hold no data.
    """

    first: int
    n_rows: int
    n_new: int
    n_periods: int
    single: IntArray
    extra_old: IntArray
    extra_new: IntArray
    extra_share: FloatArray
    copy_old: IntArray
    copy_new: IntArray
    n_in: IntArray
    n_out: IntArray
    unmapped: BoolArray
    out_old: IntArray
    out_share: FloatArray
    extra_units: IntArray
    reached: BoolArray
    #: predecessors of each new unit in the whole old hierarchy, not only in the rows with data
    n_pred: IntArray | None = attrs.field(default=None, eq=False, repr=False)
    _index: dict[int, tuple[IntArray, IntArray]] = attrs.field(factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        old: IntArray,
        new: IntArray,
        share: FloatArray,
        n_rows: int,
        n_new: int,
        n_periods: int,
        reached: BoolArray,
        first: int = 0,
    ) -> Allocation:
        """From links (old row from ``first``, new row or -1 outside the target, share).

        ``reached`` marks the new units any old unit of the crosswalk goes to.
        """
        inside = new >= 0
        o, n, a = old[inside], new[inside], share[inside]
        n_out = np.bincount(o, minlength=n_rows)
        n_in = np.bincount(n, minlength=n_new)
        simple = (n_out[o] == 1) & (a == 1.0)
        single = np.full(n_rows, n_new, dtype=np.int64)
        single[o[simple]] = n[simple]
        copy = simple & (n_in[n] == 1)
        all_links = np.bincount(old, minlength=n_rows)
        return cls(
            first,
            n_rows,
            n_new,
            n_periods,
            single,
            o[~simple],
            n[~simple],
            a[~simple],
            o[copy],
            n[copy],
            n_in,
            n_out,
            all_links == 0,
            old[~inside],
            share[~inside],
            np.unique(n[~simple]),
            reached,
        )

    def index(self, k: int) -> tuple[IntArray, IntArray]:
        """Flat cell numbers of ``k`` stacked blocks: of the single links, of the others.

        The others are numbered among the few new units they go to
        (:attr:`extra_units`), to keep their output small.
        """
        if k in self._index:
            return self._index[k]
        block = (self.n_new + 1) * self.n_periods
        shift = np.arange(k, dtype=np.int64)[:, None]
        single = (shift * block + _flat(self.single, self.n_periods)[None, :]).ravel()
        compact = np.searchsorted(self.extra_units, self.extra_new)
        extra_block = len(self.extra_units) * self.n_periods
        extra = (shift * extra_block + _flat(compact, self.n_periods)[None, :]).ravel()
        # keep the last two sizes (a call counts and adds up), within a memory budget
        while self._index and (
            len(self._index) >= 2
            or sum(len(a) for a, _ in self._index.values()) + len(single) > _INDEX_BUDGET
        ):
            del self._index[next(iter(self._index))]
        if len(single) <= _INDEX_BUDGET:
            self._index[k] = (single, extra)
        return single, extra

    def spread(self, x: Array, extra: Array) -> tuple[FloatArray, FloatArray]:
        """Send each cell of ``x`` to its new cell, and add the parts ``extra`` of split units.

        Returns the new cells and the whole output, whose last row holds the
        cells of the units with no single link (split or unlinked ones).
        """
        k = x.shape[0]
        single, flat_extra = self.index(k)
        size = k * (self.n_new + 1) * self.n_periods
        y: FloatArray = np.bincount(single, weights=x.ravel(), minlength=size).astype(
            np.float64, copy=False
        )
        full = y.reshape(k, self.n_new + 1, self.n_periods)
        out = full[:, : self.n_new]
        if len(self.extra_old):
            units = self.extra_units
            part = np.bincount(
                flat_extra, weights=extra.ravel(), minlength=k * len(units) * self.n_periods
            )
            out[:, units] += part.reshape(k, len(units), self.n_periods)
        return out, full

    def total(self, x: FloatArray) -> FloatArray:
        """Allocate ``x`` (blocks x rows x periods, no NaN) by share and add up per new cell."""
        return self.spread(x, np.take(x, self.extra_old, axis=1) * self.extra_share[None, :, None])[
            0
        ]

    def count(self, mask: BoolArray) -> FloatArray:
        """How many links of each new cell have ``mask`` set."""
        return self.spread(mask, np.take(mask, self.extra_old, axis=1))[0]

    def extreme(self, x: FloatArray, ufunc: np.ufunc, fill: float) -> FloatArray:
        """The smallest (``np.minimum``) or largest value over each new cell's links."""
        k = x.shape[0]
        single, flat_extra = self.index(k)
        out = np.full(k * (self.n_new + 1) * self.n_periods, fill)
        ufunc.at(out, single, x.ravel())
        res: FloatArray = out.reshape(k, self.n_new + 1, self.n_periods)[:, : self.n_new]
        if len(self.extra_old):
            units = self.extra_units
            part = np.full(k * len(units) * self.n_periods, fill)
            ufunc.at(part, flat_extra, np.take(x, self.extra_old, axis=1).ravel())
            res[:, units] = ufunc(res[:, units], part.reshape(k, len(units), self.n_periods))
        return res


def stack(arrays: Sequence[Array], shape: tuple[int, int]) -> Array:
    """One (blocks, rows, periods) array from (rows, periods) arrays of ``shape``."""
    return np.stack(arrays) if arrays else np.zeros((0, *shape))


def add_up(alloc: Allocation, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Re-allocate additive blocks (``x`` is consumed: its NaN become 0).

    Returns the new cells (0 where nothing), the old blocks cleaned, and each
    block's total over every old cell.
    """
    np.copyto(x, 0.0, where=np.isnan(x))
    extras = np.take(x, alloc.extra_old, axis=1) * alloc.extra_share[None, :, None]
    new, full = alloc.spread(x, extras)
    # every old cell lands in one bin of the whole output (the last row takes the
    # cells of split and unlinked units), to which the parts of split units were added
    before = full.sum(axis=(1, 2)) - extras.sum(axis=(1, 2))
    return new, x, before


def combine(
    alloc: Allocation, method: str, value: FloatArray, weight: FloatArray | None
) -> FloatArray:
    """Combine value blocks by a non-additive method; NaN where there is no result.

    ``method`` is one of :data:`VALUE_METHODS` but ``sum`` (see :func:`add_up`) and
    ``weighted_mean(by=denominator)`` (the parts are added up instead).
    """
    seen = ~np.isnan(value)
    v = np.where(seen, value, 0.0)
    n_seen = alloc.count(seen)
    result: FloatArray
    if method in ("mean", "weighted_mean(by=weight)"):
        if method == "mean":
            w = seen.astype(np.float64)
        else:
            assert weight is not None
            w = np.where(seen & ~np.isnan(weight), weight, 0.0)
        num, den = alloc.total(v * w), alloc.total(w)
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    elif method in ("min", "max"):
        fill = np.inf if method == "min" else -np.inf
        m = alloc.extreme(
            np.where(seen, value, fill), np.minimum if method == "min" else np.maximum, fill
        )
        result = np.where(n_seen > 0, m, np.nan)
    else:  # any, all, majority
        ones = seen & (value == 1)
        if method == "any":
            hit = alloc.count(ones) > 0
        elif method == "all":
            hit = alloc.count(ones) == n_seen
        else:
            hit = alloc.total(ones.astype(np.float64)) > 0.5 * alloc.total(seen.astype(np.float64))
        result = np.where(n_seen > 0, hit.astype(np.float64), np.nan)
    # a new unit that is one old unit, whole, keeps its values exactly
    result[:, alloc.copy_new] = value[:, alloc.copy_old]
    return result


# ---------------------------------------------------------------------- which method


#: The value methods that fit each measure kind.
FITS: dict[str, tuple[str, ...]] = {
    "count": ("sum", "mean", "weighted_mean(by=weight)", "min", "max"),
    "ratio": ("mean", "weighted_mean(by=weight)", "weighted_mean(by=denominator)", "min", "max"),
    "score": ("mean", "weighted_mean(by=weight)", "min", "max"),
    "binary": ("any", "all", "majority"),
    "rank": ("min", "max"),
}
_ALIASES = {"weighted_mean": "weighted_mean(by=weight)"}


class Refused(Exception):
    """Re-basing cannot go on; the public module raises it as a ``RebaseError``."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        level: str | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.level = message, code, level
        self.parameter = parameter  # the keyword argument the message asks to set


def canonical_method(method: str | Rule) -> str | None:
    """The canonical name of a method (a rule gives the method of its name); None if unknown."""
    text = method.to_spec() if isinstance(method, Rule) else str(method).replace(" ", "")
    text = _ALIASES.get(text, text)
    return text if text in VALUE_METHODS else None


def method_of(indicator: Indicator) -> str | None:
    """The default value method of an indicator (see ``rebase.default_method``)."""
    kind, rule = indicator.measure.kind, indicator.rule
    if kind == "count":
        return "sum"
    if kind == "rank":
        return None
    if isinstance(rule, AnyTrue | AllTrue) or (
        isinstance(rule, Mean | Min | Max) and kind != "binary"
    ):
        return canonical_method(rule)
    if isinstance(rule, WeightedMean) and rule.by == "weight":
        return "weighted_mean(by=weight)"
    return None


@attrs.frozen
class Plan:
    """How one indicator is re-based."""

    code: str
    method: str  # "parts" or a value method
    value_method: str | None  # for a ratio with bare values: their method
    basis: str
    bounds: tuple[float, float] | None
    scale: float


def plan_indicator(
    code: str, d: IndicatorData, ind: Indicator | None, declared: str | None
) -> Plan:
    """Choose the method of an indicator from what was declared, its definition and its data."""
    kind = ind.measure.kind if ind is not None else None
    scale = float(ind.measure.scale or 1.0) if ind is not None else 1.0
    bounds = ind.measure.bounds if ind is not None else None
    if declared is not None and kind is not None and declared not in FITS[kind]:
        msg = (
            f"indicator {code!r}: method {declared!r} does not fit a {kind} measure; "
            f"use one of {', '.join(FITS[kind])}"
        )
        raise Refused(msg, code=code)
    if bool(d.has_parts.any()) or kind == "ratio":
        if not d.any_bare_value:
            if declared not in (None, "weighted_mean(by=denominator)"):
                msg = (
                    f"indicator {code!r} is given as numerator and denominator, which are "
                    "re-based by adding them up (a mean of its rates weighted by the "
                    "denominator, weighted_mean(by=denominator)); a method applies only to "
                    f"values given without them, not {declared!r}"
                )
                raise Refused(msg, code=code)
            return Plan(code, "parts", None, "declared" if declared else "parts", bounds, scale)
        method = declared or (method_of(ind) if ind is not None else None)
        if method is None:
            raise Refused(
                no_method(code, ind, "values without numerator and denominator"),
                code=code,
                parameter="methods",
            )
        basis = "declared" if declared else f"rule {ind.rule.name}" if ind else ""
        if method == "weighted_mean(by=denominator)":
            msg = (
                f"indicator {code!r}: weighted_mean(by=denominator) needs a denominator, but "
                f"{int(d.bare_value.sum())} value(s) have none; give numerator and denominator, "
                "or declare another method"
            )
            raise Refused(msg, code=code)
        return Plan(code, "parts", method, basis, bounds, scale)
    if declared is not None:
        method, basis = declared, "declared"
    else:
        found = method_of(ind) if ind is not None else None
        if found is None:
            raise Refused(no_method(code, ind, "values"), code=code, parameter="methods")
        assert ind is not None
        method = found
        basis = "measure count" if kind == "count" else f"rule {ind.rule.name}"
    if method == "weighted_mean(by=denominator)":
        msg = f"indicator {code!r}: weighted_mean(by=denominator) needs numerator and denominator"
        raise Refused(msg, code=code)
    return Plan(code, method, None, basis, bounds, scale)


def no_method(code: str, ind: Indicator | None, what: str) -> str:
    if ind is None:
        return (
            f"indicator {code!r} has {what} and no definition says how to re-base them: "
            f"define it (as a plan's indicators do) or pass methods={{{code!r}: ...}} with one of "
            f"{', '.join(VALUE_METHODS)}"
        )
    kind = ind.measure.kind
    why = {
        "rank": "ranks are positions among peers: re-base the ranked values and rank the new units",
        "binary": f"its rule {ind.rule.name!r} is not any or all",
        "ratio": f"its rule {ind.rule.name!r} pools numerators and denominators",
        "score": f"its rule {ind.rule.name!r} names no re-basing method",
    }[kind]
    return (
        f"indicator {code!r} ({kind}): no re-basing method for its {what} ({why}); "
        f"pass methods={{{code!r}: ...}} with one of {', '.join(FITS[kind])}"
    )


def link_levels(
    cw: Crosswalk, panel: Panel, observed_unit: BoolArray, district_to: str | None
) -> Crosswalk:
    """Derive links for old levels with data but no links, as ``district_to`` says (or refuse)."""
    h = panel.hierarchy
    linked = cw.levels
    for k, level in enumerate(h.levels):
        rows = np.flatnonzero((h.level_of == k) & observed_unit)
        if not len(rows) or level in linked or level in cw.new.levels:
            continue  # linked, or its units are unmapped (reported)
        if district_to is None:
            n = len(rows)
            shown = ", ".join(h.codes[i] for i in rows[:5].tolist()) + (", ..." if n > 5 else "")
            inds = [c for c, d in panel.data.items() if d.observed[rows].any()]
            which = ", ".join(repr(c) for c in inds[:3]) + (", ..." if len(inds) > 3 else "")
            msg = (
                f"the new edition {cw.new.edition} has no {level} level: {n} {level}-level "
                f"unit{'s have' if n != 1 else ' has'} data ({shown}, "
                f"indicator{'s' if len(inds) != 1 else ''} {which}); pass "
                "district_to='province' (its figures join its new province's) or "
                "district_to='commune' (shared among the new communes its communes went to)"
            )
            raise Refused(msg, level=level, parameter="district_to")
        if district_to not in cw.new.levels:
            shown = ", ".join(repr(x) for x in cw.new.levels)
            msg = f"district_to={district_to!r} is not a level of {cw.new.edition}; use one of {shown}"
            raise Refused(msg, level=level, parameter="district_to")
        cw = _cached((cw,), (level, district_to), functools.partial(cw.derive, level, district_to))
    return cw


# ---------------------------------------------------------------------- the operation


@attrs.frozen
class Stats:
    """What the report says of one indicator (turned into ``IndicatorRebase``)."""

    code: str
    method: str
    basis: str
    totals: dict[str, tuple[float, float, float, float]]
    cells_before: int
    cells_after: int
    partial_cells: int
    mixed_cells: int
    partial_mask: NDArray[np.bool_] = attrs.field(eq=False, repr=False)


@attrs.frozen(eq=False)
class _Entry:
    refs: tuple[weakref.ref[Any], ...]
    key: object
    value: object


_CACHE: list[_Entry] = []
_CACHE_SIZE = 4


def _cached(objects: tuple[Any, ...], key: object, compute: Callable[[], T]) -> T:
    """``compute()`` for these (immutable) objects and ``key``, kept for the last few asked for.

    Entries hold weak references, so they die with their objects and the id of
    a dead object is never mistaken for another's.
    """
    _CACHE[:] = [e for e in _CACHE if all(r() is not None for r in e.refs)]  # drop the dead
    for entry in _CACHE:
        if entry.key == key and all(r() is o for r, o in zip(entry.refs, objects, strict=True)):
            found: T = entry.value  # type: ignore[assignment]
            return found
    value = compute()
    _CACHE.insert(0, _Entry(tuple(weakref.ref(o) for o in objects), key, value))
    del _CACHE[_CACHE_SIZE:]
    return value


def positions(cw: Crosswalk, h: Hierarchy) -> IntArray:
    """Where the panel's units are in the crosswalk's old edition (checked: same codes and levels)."""

    def compute() -> IntArray:
        pos, found = cw.old.positions(np.asarray(h.codes, dtype=str))
        if not found.all():
            missing = [h.codes[i] for i in np.flatnonzero(~found)[:5].tolist()]
            msg = (
                f"{int((~found).sum())} unit(s) of the panel are not in the crosswalk's old "
                f"edition {cw.old.edition}: {', '.join(missing)}"
            )
            raise Refused(msg)
        wrong = np.array(h.levels)[h.level_of] != np.array(cw.old.levels)[cw.old.level_of[pos]]
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            msg = (
                f"unit {h.codes[i]!r} is a {h.levels[int(h.level_of[i])]} in the panel but a "
                f"{cw.old.level(h.codes[i])} in edition {cw.old.edition}"
            )
            raise Refused(msg)
        pos.flags.writeable = False
        return pos

    return _cached((cw.old, h), "positions", compute)


def allocation(
    cw: Crosswalk,
    h: Hierarchy,
    pos: IntArray,
    target: Hierarchy,
    n_periods: int,
    rows: tuple[int, int] | None = None,
) -> Allocation:
    """The allocation matrix from the rows of ``h`` (at ``pos`` in the old edition) to ``target``.

    ``rows`` (first, stop) limits it to the rows that hold data (default: all).
    Built once per crosswalk, units, target, periods and rows, then kept.
    """
    first, stop = rows if rows is not None else (0, len(h))

    def compute() -> Allocation:
        row_of_old = np.full(len(cw.old), -1, dtype=np.int64)
        row_of_old[pos] = np.arange(len(h))
        link_row = row_of_old[cw.old_index]
        link_new = target.positions(np.asarray(cw.new.codes, dtype=str))[0][cw.new_index]
        reached = np.zeros(len(target), dtype=bool)
        reached[link_new[link_new >= 0]] = True
        mine = (link_row >= first) & (link_row < stop)
        built = Allocation.build(
            link_row[mine] - first,
            link_new[mine],
            cw.weight[mine],
            stop - first,
            len(target),
            n_periods,
            reached,
            first,
        )
        # predecessors on the new unit's own level (an old province for a province, an old
        # commune for a commune): district-level units folded in by `derive` report other
        # things, so their silence does not make a value partial. A predecessor outside the
        # panel's units counts too: a panel of old province 26 alone gives new Phú Thọ (17,
        # 25 and 26 merged) only a part of its value.
        old_level = np.asarray(cw.old.levels)[cw.old.level_of[cw.old_index]]
        new_level = np.asarray(cw.new.levels)[cw.new.level_of[cw.new_index]]
        linked = (link_new >= 0) & (old_level == new_level)
        n_pred = np.bincount(link_new[linked], minlength=len(target)).astype(np.int64)
        return attrs.evolve(built, n_pred=n_pred)

    return _cached((cw, h, target), (n_periods, first, stop), compute)


def run(
    panel: Panel, alloc: Allocation, plans: list[Plan], observed: BoolArray
) -> tuple[dict[str, IndicatorData], list[Stats]]:
    """Re-base every indicator at once; return the new arrays and what the report says of each.

    ``observed`` is the indicators' observed cells, stacked (indicators x units x periods).
    Only the rows of the allocation are read: the others hold no data.
    """
    n_new, n_periods = alloc.n_new, alloc.n_periods
    codes = list(panel.data)
    ds = [panel.data[c] for c in codes]
    cut = slice(alloc.first, alloc.first + alloc.n_rows)
    shape = (alloc.n_rows, alloc.n_periods)
    observed = observed[:, cut]
    n_obs = alloc.count(observed)
    has_obs = n_obs > 0
    # every additive block of every indicator, in one operation
    additive: list[tuple[int, str]] = []
    for k, (plan, d) in enumerate(zip(plans, ds, strict=True)):
        fields = ["numerator", "denominator"] if plan.method == "parts" else []
        fields += ["value"] if plan.method == "sum" else []
        fields += ["weight"] if not np.isnan(d.weight).all() else []
        additive.extend((k, f) for f in fields)
    block_of = np.array([k for k, _ in additive], dtype=np.int64)
    blocks = stack([getattr(ds[k], f)[cut] for k, f in additive], shape)
    # the blocks observed where their indicator is (parts, summed values) share its count
    own = [
        j
        for j, (k, f) in enumerate(additive)
        if f == "weight" or (f != "value" and plans[k].value_method is not None)
    ]
    seen = has_obs[block_of]
    if own:
        seen[own] = alloc.count(~np.isnan(blocks[own])) > 0
    summed, cleaned, before = add_up(alloc, blocks)
    unmapped = np.take(cleaned, np.flatnonzero(alloc.unmapped), axis=1).sum(axis=(1, 2))
    outside = (np.take(cleaned, alloc.out_old, axis=1) * alloc.out_share[None, :, None]).sum(
        axis=(1, 2)
    )
    after = summed.sum(axis=(1, 2))
    np.copyto(summed, np.nan, where=~seen)
    fields_of: list[dict[str, FloatArray]] = [{} for _ in codes]
    totals_of: list[dict[str, tuple[float, float, float, float]]] = [{} for _ in codes]
    for j, (k, f) in enumerate(additive):
        fields_of[k][f] = summed[j]
        totals_of[k][f] = (float(before[j]), float(after[j]), float(unmapped[j]), float(outside[j]))
    # the values combined by a method: one operation per method
    by_method: dict[str, list[int]] = {}
    for k, plan in enumerate(plans):
        m = plan.value_method if plan.method == "parts" else plan.method
        if m is not None and m != "sum":
            by_method.setdefault(m, []).append(k)
    for m, ks in by_method.items():
        values, weights = _method_inputs(m, [ds[k] for k in ks], [plans[k] for k in ks], cut)
        combined = combine(
            alloc, m, stack(values, shape), None if weights is None else stack(weights, shape)
        )
        for i, k in enumerate(ks):
            fields_of[k]["value"] = combined[i]
    nan = np.full((n_new, n_periods), np.nan)
    nan.flags.writeable = False
    mixed = np.zeros(len(codes), dtype=np.int64)
    new_seen = has_obs.copy()
    cols_of: list[dict[str, FloatArray]] = []
    for k, plan in enumerate(plans):
        cols = {
            f: fields_of[k].get(f, nan) for f in ("value", "numerator", "denominator", "weight")
        }
        if plan.method == "parts" and plan.value_method is None and ds[k].any_value:
            # a unit that only changed its code keeps the values given with its parts
            value = np.full((n_new, n_periods), np.nan)
            value[alloc.copy_new] = ds[k].value[cut][alloc.copy_old]
            cols["value"] = value
        if plan.value_method is not None:
            d = ds[k]
            with_parts = alloc.count(d.has_parts[None, cut])[0] > 0
            mixed[k] = int((with_parts & (alloc.count(d.bare_value[None, cut])[0] > 0)).sum())
            cols["value"] = np.where(with_parts, np.nan, cols["value"])
            new_seen[k] = ~np.isnan(cols["value"]) | with_parts
        elif plan.method not in ("parts", "sum"):
            if plan.bounds is not None:
                cols["value"] = np.clip(cols["value"], *plan.bounds)
            new_seen[k] = ~np.isnan(cols["value"])
        cols_of.append(cols)
    # rows number the new observations in the order Panel.to_records lists them
    flat = new_seen.ravel()
    rows = np.where(flat, np.cumsum(flat) - 1, -1).reshape(new_seen.shape)
    cells_after = np.count_nonzero(new_seen.reshape(len(codes), n_new * n_periods), axis=1)
    # partial: fewer predecessors reported than the new unit has in the whole old edition
    n_pred = alloc.n_pred if alloc.n_pred is not None else alloc.n_in
    partial_masks = has_obs & (n_obs < n_pred[None, :, None])
    partial = np.count_nonzero(partial_masks.reshape(len(codes), n_new * n_periods), axis=1)
    cells_before = np.count_nonzero(observed.reshape(len(codes), alloc.n_rows * n_periods), axis=1)
    data: dict[str, IndicatorData] = {}
    stats: list[Stats] = []
    for k, (code, plan, cols) in enumerate(zip(codes, plans, cols_of, strict=True)):
        data[code] = IndicatorData(
            cols["value"], cols["numerator"], cols["denominator"], cols["weight"], rows[k]
        )
        basis = plan.basis
        if plan.value_method is not None:
            basis = f"parts; bare values by {plan.value_method} ({plan.basis})"
        stats.append(
            Stats(
                code,
                plan.method,
                basis,
                totals_of[k],
                int(cells_before[k]),
                int(cells_after[k]),
                int(partial[k]),
                int(mixed[k]),
                partial_masks[k],
            )
        )
    return data, stats


def _method_inputs(
    method: str, ds: list[IndicatorData], plans: list[Plan], cut: slice
) -> tuple[list[FloatArray], list[FloatArray] | None]:
    values = [
        d.values(p.scale if p.method == "parts" else None)[cut]
        for d, p in zip(ds, plans, strict=True)
    ]
    if method == "weighted_mean(by=weight)":
        for d, p, v in zip(ds, plans, values, strict=True):
            lacking = ~np.isnan(v) & np.isnan(d.weight[cut])
            if lacking.any():
                msg = (
                    f"indicator {p.code!r}: weighted_mean(by=weight) needs a weight with every "
                    f"value; {int(lacking.sum())} value(s) have none"
                )
                raise Refused(msg, code=p.code)
        return values, [d.weight[cut] for d in ds]
    return values, None


def unit_lists(
    cw: Crosswalk, target: Hierarchy, h: Hierarchy, observed_unit: BoolArray, alloc: Allocation
) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Levels with data, and the unmapped, split, outside and orphan units for the report."""
    cut = slice(alloc.first, alloc.first + alloc.n_rows)
    codes = np.asarray(h.codes[cut], dtype=object)
    links = cw.levels
    levels = {
        lv: links[lv]
        for k, lv in enumerate(h.levels)
        if lv in links and bool(observed_unit[h.level_of == k].any())
    }
    observed_unit = observed_unit[cut]
    receiving = np.isin(
        target.level_of, [target.level_number(x) for x in levels.values() if x in target.levels]
    )
    n_links = alloc.n_out + np.bincount(alloc.out_old, minlength=alloc.n_rows)
    away = np.zeros(alloc.n_rows, dtype=bool)
    away[alloc.out_old] = True

    def listed(mask: BoolArray) -> tuple[str, ...]:
        return tuple(str(c) for c in codes[mask].tolist())

    return (
        levels,
        listed(observed_unit & alloc.unmapped),
        listed(observed_unit & (n_links > 1)),
        listed(observed_unit & away),
        tuple(target.codes[i] for i in np.flatnonzero(receiving & ~alloc.reached).tolist()),
    )


# ---------------------------------------------------------------------- for rebase.py


def same_edition(a: str | None, b: str | None) -> bool:
    """Whether two edition labels name the same embedded edition (``None`` matches any)."""
    if a is None or b is None:
        return True
    ea, eb = _units.resolve(a), _units.resolve(b)
    if ea is not None and eb is not None:
        return ea is eb
    return a == b


def rebase_arrays(
    panel: Panel,
    crosswalk: Crosswalk,
    target: Hierarchy,
    declared: dict[str, str],
    district_to: str | None,
) -> tuple[Crosswalk, BoolArray, Allocation, dict[str, IndicatorData], list[Stats]]:
    """Re-base every indicator of ``panel``: the crosswalk used, units with data, and results.

    Raises :class:`Refused` where an indicator or a level cannot be re-based.
    """
    h = panel.hierarchy
    pos = positions(crosswalk, h)
    observed = stack([d.observed for d in panel.data.values()], (len(h), len(panel.periods)))
    observed_unit: BoolArray = np.logical_or.reduce(observed, axis=0).any(axis=1)
    crosswalk = link_levels(crosswalk, panel, observed_unit, district_to)
    plans = [
        plan_indicator(code, d, panel.indicators.get(code), declared.get(code))
        for code, d in panel.data.items()
    ]
    with_data = np.flatnonzero(observed_unit)
    rows = (int(with_data[0]), int(with_data[-1]) + 1) if len(with_data) else (0, 0)
    alloc = allocation(crosswalk, h, pos, target, len(panel.periods), rows)
    data, stats = run(panel, alloc, plans, observed)
    return crosswalk, observed_unit, alloc, data, stats


def values_of(
    new: Panel, used: Crosswalk, codes: list[str]
) -> tuple[dict[str, float], dict[str, tuple[tuple[str, float], ...]]]:
    """The re-based values of indicator ``"x"`` by new unit, and the old units behind each."""
    target = new.hierarchy
    result: dict[str, float] = {}
    sources: dict[str, tuple[tuple[str, float], ...]] = {}
    if codes:
        d = new.data_of("x")
        for i in np.flatnonzero(d.observed[:, 0]).tolist():
            result[target.codes[i]] = float(d.value[i, 0])
    for old_code in codes:
        for new_code, share in used.successors(old_code):
            if new_code in result:
                sources[new_code] = (*sources.get(new_code, ()), (old_code, share))
    return result, sources
