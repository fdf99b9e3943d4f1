"""The vectorised engine of composite indices: imputation, normalisation, one pass per level.

Scores live in one array of shape ``(replications, nodes + 1, units)``; the
extra node is always NaN and pads the child lists of each level, so that a
level's aggregates of every size are computed in one call per method.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite import aggregate as ag
from cchc_indicators.composite import normalise as nz
from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import (
    CompositeIndex,
    Method,
    check_leaf_options,
    check_method,
)
from cchc_indicators.composite._node import Node
from cchc_indicators.composite._screening import ScreeningReport, screen
from cchc_indicators.core._args import describe
from cchc_indicators.core._ties import descending_ranks
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    InvalidDataError,
    Problem,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@attrs.frozen(eq=False)
class Group:
    """The aggregates of one level that share a method."""

    method: Method
    codes: tuple[str, ...]  # the parents' codes
    parents: IntArray  # (P,) node positions
    children: IntArray  # (P, width) node positions, padded with the NaN node
    count: FloatArray  # (P,) the number of real children
    min_share: FloatArray  # (P,) the threshold, -inf for none


@attrs.frozen(eq=False)
class Compiled:
    """An index as arrays: nodes breadth first (the root first), leaves, level groups."""

    codes: tuple[str, ...]
    parent: IntArray  # (k,) -1 for the root
    level: IntArray  # (k,)
    leaves: IntArray  # (L,) node positions of the leaves, in index.leaves() order
    groups: tuple[Group, ...]  # the deepest level first

    @property
    def size(self) -> int:
        return len(self.codes)


def codes_argument(value: object, name: str) -> tuple[str, ...]:
    """A list of codes given as an argument (``units``, ``nodes``), as a tuple of str.

    A str or a mapping would be read as its characters or its keys, and a
    number is no list: each is an :class:`~cchc_indicators.core.errors.ArgumentTypeError`;
    an empty list chooses nothing and is a
    :class:`~cchc_indicators.core.errors.DefinitionError`.
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        msg = f"{name!r} must be a list of codes, got {describe(value)}"
        raise ArgumentTypeError(msg, parameter=name)
    codes = tuple(str(v) for v in value)
    if not codes:
        msg = f"{name!r} is empty: give at least one code, or leave it out for all"
        raise DefinitionError(msg, parameter=name)
    return codes


def aggregation_spec(index: CompositeIndex, value: object) -> tuple[Method, ...]:
    """Parse and check an aggregation alternative: one method, or one per level."""
    if value is None:
        return index.aggregation
    if not isinstance(value, (str, Method, Mapping, Sequence)):
        msg = (
            "'aggregation' must be a method (a name, a Method or a mapping) or a list of one "
            f"per level, got {describe(value)}"
        )
        raise ArgumentTypeError(msg, parameter="aggregation")
    methods = (
        (Method.parse(value),)
        if isinstance(value, (str, Method, Mapping))
        else tuple(Method.parse(v) for v in value)
    )
    where = f"index {index.code!r}"
    for m in methods:
        check_method(m, "aggregation", where)
    if len(methods) not in (1, index.depth):
        msg = f"{where}: an aggregation alternative gives {len(methods)} methods; give one, or one per level ({index.depth})"
        raise DefinitionError(msg, code=index.code)
    return methods


@functools.lru_cache(maxsize=64)
def compile_index(index: CompositeIndex, aggregation: tuple[Method, ...]) -> Compiled:
    """Lay the tree out as arrays, grouping each level's aggregates by method."""
    nodes = index.nodes()
    codes = tuple(n.code for n in nodes)
    pos = {c: i for i, c in enumerate(codes)}
    k = len(codes)
    parent = np.full(k, -1, dtype=np.int64)
    level = np.zeros(k, dtype=np.int64)
    for i, n in enumerate(nodes):
        for c in n.children:
            parent[pos[c.code]] = i
            level[pos[c.code]] = level[i] + 1
    leaves = np.array([pos[n.code] for n in index.leaves()], dtype=np.int64)
    groups: list[Group] = []
    for depth in range(int(level.max()) - 1, -1, -1):
        by_method: dict[Method, list[int]] = {}
        for i, n in enumerate(nodes):
            if level[i] != depth or n.is_leaf:
                continue
            method = n.aggregation or (
                aggregation[0] if len(aggregation) == 1 else aggregation[depth]
            )
            by_method.setdefault(method, []).append(i)
        for method, members in by_method.items():
            width = max(len(nodes[i].children) for i in members)
            children = np.full((len(members), width), k, dtype=np.int64)
            for row, i in enumerate(members):
                kids = [pos[c.code] for c in nodes[i].children]
                children[row, : len(kids)] = kids
            shares = [index.min_share_of(codes[i]) for i in members]
            groups.append(
                Group(
                    method=method,
                    codes=tuple(codes[i] for i in members),
                    parents=np.array(members, dtype=np.int64),
                    children=children,
                    count=np.array([len(nodes[i].children) for i in members], dtype=np.float64),
                    min_share=np.array([-np.inf if s is None else s for s in shares]),
                )
            )
    return Compiled(codes, parent, level, leaves, tuple(groups))


# --- imputation -------------------------------------------------------------------------


def impute(
    method: Method,
    panel: FloatArray,
    at: int,
    units: Sequence[str],
    groups: Mapping[str, str] | None,
) -> tuple[FloatArray, BoolArray]:
    """Fill the missing values of period ``at``: the values and where they were imputed.

    ``panel`` has shape ``(periods, indicators, units)``. ``mean`` and
    ``median`` are over the units with a value in that period; ``group_mean``
    over the units of the same group; ``locf`` takes the latest earlier value.
    A value that cannot be imputed (no unit, group member or earlier period
    with one) stays missing.
    """
    X = panel[at].copy()
    missing = np.isnan(X)
    name = method.name
    if name == "none" or not missing.any():
        return X, np.zeros(X.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        if name in ("mean", "median"):
            present = ~missing
            if name == "mean":
                fill = np.where(present, X, 0.0).sum(axis=1) / present.sum(axis=1)
            else:
                fill = _nanmedian_rows(X)
            filled = np.where(missing, fill[:, np.newaxis], X)
        elif name == "group_mean":
            labels = _group_labels(groups, units)
            _, code = np.unique(labels, return_inverse=True)
            n_groups = int(code.max()) + 1
            present = ~missing
            flat = code[np.newaxis, :] + n_groups * np.arange(X.shape[0])[:, np.newaxis]
            size = n_groups * X.shape[0]
            sums = np.bincount(flat.ravel(), np.where(present, X, 0.0).ravel(), minlength=size)
            counts = np.bincount(flat.ravel(), present.ravel().astype(np.float64), minlength=size)
            means = (sums / counts).reshape(X.shape[0], n_groups)
            filled = np.where(missing, means[:, code], X)
        else:  # locf
            earlier = panel[: at + 1]
            seen = ~np.isnan(earlier)
            # Index of the latest period with a value, per indicator and unit.
            latest = np.where(seen, np.arange(at + 1)[:, np.newaxis, np.newaxis], -1).max(axis=0)
            taken = np.take_along_axis(earlier, np.maximum(latest, 0)[np.newaxis], axis=0)[0]
            filled = np.where(latest >= 0, taken, np.nan)
    imputed = missing & ~np.isnan(filled)
    return filled, imputed


def impute_rows(
    methods: Sequence[Method],
    panel: FloatArray,
    at: int,
    units: Sequence[str],
    groups: Mapping[str, str] | None,
) -> tuple[FloatArray, BoolArray]:
    """:func:`impute` with one method per indicator; indicators sharing a method go together."""
    if len(set(methods)) == 1:
        return impute(methods[0], panel, at, units, groups)
    X = panel[at].copy()
    imputed = np.zeros(X.shape, dtype=bool)
    for m in dict.fromkeys(methods):
        rows = [j for j, x in enumerate(methods) if x == m]
        X[rows], imputed[rows] = impute(m, panel[:, rows], at, units, groups)
    return X, imputed


def _nanmedian_rows(X: FloatArray) -> FloatArray:
    out = np.full(X.shape[0], np.nan)
    ok = ~np.isnan(X).all(axis=1)
    if ok.any():
        out[ok] = np.nanmedian(X[ok], axis=1)
    return out


def _group_labels(groups: Mapping[str, str] | None, units: Sequence[str]) -> NDArray[np.str_]:
    if groups is None:
        msg = "imputation 'group_mean' needs groups={unit: group}"
        raise DefinitionError(msg)
    lacking = [u for u in units if u not in groups]
    if lacking:
        msg = f"groups give no group for unit(s) {', '.join(repr(u) for u in lacking[:5])}"
        raise InvalidDataError([Problem(msg, field="groups", kind="no_group")], source="<groups>")
    return np.array([str(groups[u]) for u in units], dtype=str)


# --- normalisation ----------------------------------------------------------------------


def _panel_params(panel: FloatArray) -> nz.Params:
    p = nz.fit_params(panel, axis=(0, -1))

    def squeeze(a: FloatArray | None) -> FloatArray | None:
        return None if a is None else a[0]

    return nz.Params(min=squeeze(p.min), max=squeeze(p.max), mean=squeeze(p.mean), sd=squeeze(p.sd))


def normalise_leaves(
    index: CompositeIndex, method: Method | None, X: FloatArray, panel: FloatArray
) -> FloatArray:
    """Normalise the leaves' values ``X`` (indicators × units), direction applied once.

    Each indicator by its own method, else the index's; a ``method`` given
    replaces them all. Indicators sharing a method are normalised together.
    """
    override = method is not None
    check_leaf_options(
        index, method or index.normalisation, f"index {index.code!r}", override=override
    )
    methods = index.leaf_methods("normalisation", method)
    leaves = index.leaves()
    if len(set(methods)) == 1:
        return _normalise_rows(methods[0], leaves, X, panel)
    out = np.empty_like(X)
    for m in dict.fromkeys(methods):
        rows = [j for j, x in enumerate(methods) if x == m]
        out[rows] = _normalise_rows(m, [leaves[j] for j in rows], X[rows], panel[:, rows])
    return out


def _normalise_rows(
    method: Method, leaves: Sequence[Node], X: FloatArray, panel: FloatArray
) -> FloatArray:
    direction = np.array([n.direction for n in leaves], dtype=np.float64)
    opts = method.kwargs
    over = opts.pop("over", "period")
    params = _panel_params(panel) if over == "panel" else None
    name = method.name
    if name == "minmax":
        return nz.minmax(X, direction=direction, params=params, **opts)
    if name == "zscore":
        return nz.zscore(X, direction=direction, params=params, **opts)
    if name == "goalposts":
        lower = np.array([n.lower for n in leaves], dtype=np.float64)
        upper = np.array([n.upper for n in leaves], dtype=np.float64)
        return nz.goalposts(X, lower, upper, direction=direction, **opts)
    if name == "distance_to_target":
        target = np.array([n.target for n in leaves], dtype=np.float64)
        return nz.distance_to_target(X, target, direction=direction, params=params, **opts)
    if name == "distance_to_best":
        return nz.distance_to_best(X, direction=direction, params=params)
    if name == "percentile_rank":
        return nz.percentile_rank(X, direction=direction, **opts)
    return nz.none(X, direction=direction)


# --- aggregation, level by level --------------------------------------------------------


@attrs.frozen(eq=False)
class Pass:
    """What one run of the levels produced."""

    scores: FloatArray  # (R, kept, U)
    share: FloatArray | None  # (R, k, U) share of children with a value; None unless detailed
    insufficient: BoolArray | None
    contributions: FloatArray | None  # child's share of its parent's value (arithmetic only)
    weights: FloatArray  # (R or 1, k) the weights used


WeightHook = Callable[[Group, FloatArray], FloatArray]


class _Values:
    """The values of the nodes during a pass: the leaves (shared or per replication) and the aggregates."""

    def __init__(self, compiled: Compiled, leaves: FloatArray, R: int) -> None:
        k = compiled.size
        U = leaves.shape[-1]
        self.shared = leaves.ndim == 2
        pad = np.full((*leaves.shape[:-2], 2, U), np.nan)
        pad[..., 1, :] = 0.0
        # Row L is the NaN padding (a missing child), row L + 1 a zero (for sums of products).
        self.leaves = np.concatenate([leaves, pad], axis=-2)
        self.leaf_row = np.full(k + 1, len(compiled.leaves), dtype=np.int64)
        self.leaf_row[compiled.leaves] = np.arange(len(compiled.leaves))
        aggregates = (
            np.concatenate([g.parents for g in compiled.groups])
            if compiled.groups
            else np.zeros(0, np.int64)
        )
        self.agg_row = np.full(k + 1, len(aggregates), dtype=np.int64)
        self.agg_row[aggregates] = np.arange(len(aggregates))
        self.is_leaf = np.zeros(k + 1, dtype=bool)
        self.is_leaf[compiled.leaves] = True
        self.aggs = np.empty((R, len(aggregates) + 2, U))
        self.aggs[:, -2] = np.nan
        self.aggs[:, -1] = 0.0
        self.R = R
        self.k = k

    def zero_padded(self, children: IntArray) -> FloatArray:
        """The children's values ``(R or 1, P, width, U)``, the padding as 0 (missing stays NaN)."""
        leaf = self.is_leaf[children]
        real = children < self.k
        if leaf[real].all():
            rows = np.where(real, self.leaf_row[children], self.leaf_row[-1] + 1)
            out: FloatArray = self.leaves[..., rows, :]
            return out[np.newaxis] if self.shared else out
        if not leaf[real].any():
            rows = np.where(real, self.agg_row[children], self.aggs.shape[1] - 1)
            gathered: FloatArray = self.aggs[:, rows]
            return gathered
        stacked = np.stack([self.node(children[:, j]) for j in range(children.shape[1])], axis=-2)
        mixed: FloatArray = np.where(real[..., np.newaxis], stacked, 0.0)
        return mixed

    def slot(self, positions: IntArray) -> FloatArray:
        """The values of the nodes at ``positions`` (P,), shape ``(R or 1, P, U)``."""
        leaf = self.is_leaf[positions]
        from_leaves = self.leaves[..., self.leaf_row[positions], :]
        if self.shared:
            from_leaves = from_leaves[np.newaxis]
        if leaf.all():
            return from_leaves
        from_aggs = self.aggs[:, self.agg_row[positions]]
        if not leaf.any():
            return from_aggs
        out: FloatArray = np.where(leaf[:, np.newaxis], from_leaves, from_aggs)
        return out

    def node(self, positions: IntArray) -> FloatArray:
        """The values of the nodes at ``positions``, shape ``(R, P, U)``."""
        return np.broadcast_to(
            self.slot(positions), (self.R, len(positions), self.leaves.shape[-1])
        )


def _check_positive(
    Y: FloatArray, present: BoolArray, plain: bool, *, strict: bool, method: str, hint: str
) -> None:
    """Refuse values ``<= 0`` (``strict``) or ``< 0`` among those present, as aggregate does.

    ``plain``: every value of ``Y`` is present and real, so one reduction decides.
    """
    if plain:
        low = float(Y.min()) if Y.size else 1.0
        if low > 0 or (not strict and low >= 0):
            return
    ag._require(Y[np.broadcast_to(present, Y.shape)], strict=strict, method=method, hint=hint)


def _transform(
    method: Method, X: FloatArray, present: BoolArray, plain: bool
) -> tuple[FloatArray, Callable[[FloatArray], FloatArray]] | None:
    """A power mean's transformed values (0 where absent) and its inverse; None if not a power mean.

    ``plain``: no value is missing and there is no padding, so the transform
    is taken on the whole array without masking.
    """
    name, opts = method.name, method.kwargs
    if name == "generalised":
        p = float(opts["p"])
        name = "arithmetic" if p == 1 else "geometric" if p == 0 else name
        opts = {} if p in (0, 1) else opts
    if name == "arithmetic":
        return (X if plain else np.where(present, X, 0.0)), lambda m: m
    if name == "geometric":
        shift = float(opts.get("shift", 0.0))
        Y = X + shift
        if not plain:
            # The absent values as 1, whose log is 0 exactly: then no value is missing.
            np.copyto(Y, 1.0, where=np.logical_not(present))
        _check_positive(
            Y,
            present,
            True,
            strict=True,
            method="the geometric mean",
            hint="pass shift= or normalise to > 0",
        )

        def exp_less_shift(m: FloatArray) -> FloatArray:
            # In place: the means are the caller's own array.
            np.exp(m, out=m)
            m -= shift
            return m

        return np.log(Y, out=Y), exp_less_shift
    if name == "harmonic":
        hint = "normalise to > 0 first"
        _check_positive(X, present, plain, strict=True, method="the harmonic mean", hint=hint)
        T = np.divide(1.0, X) if plain else np.where(present, 1.0 / np.where(present, X, 1.0), 0.0)
        return T, lambda m: 1.0 / m
    if name == "generalised":
        p = float(opts["p"])
        what = f"the generalised mean with p = {p}"
        hint = "normalise to a positive range first"
        _check_positive(X, present, plain, strict=p < 0, method=what, hint=hint)
        with np.errstate(divide="ignore"):
            T = X**p if plain else np.where(present, np.where(present, X, 1.0) ** p, 0.0)
        return T, lambda m: m ** (1.0 / p)
    return None


def _sum_products(w: FloatArray, T: FloatArray) -> FloatArray:
    """``sum_j w[r, p, j] * T[., p, j, u]`` for shared (leading 1) or per-replication ``T``.

    The children are added one at a time, in their order, each product and
    sum rounded once by numpy's element-wise multiply and add. So a
    replication's value is the same bits whatever the number of replications
    computed together, the memory layout or the processor: a matrix product
    (BLAS) would pick its kernel, and with it the order of the additions and
    the use of fused multiply-adds, by processor and by the sizes and
    alignment of the arrays, and with AVX-512 kernels a chunk of one
    replication gave a score one unit in the last place away from the same
    replication in a larger chunk. The loop runs over a group's widest list
    of children, never over units or replications.
    """
    out: FloatArray = np.multiply(w[..., 0, np.newaxis], T[:, :, 0, :])
    if w.shape[-1] > 1:
        term = np.empty_like(out)
        for j in range(1, w.shape[-1]):
            np.multiply(w[..., j, np.newaxis], T[:, :, j, :], out=term)
            out += term
    return out


def _power_mean(
    values: _Values, group: Group, w: FloatArray, detail: bool, need_count: bool
) -> tuple[FloatArray, FloatArray | None, FloatArray | None] | None:
    """Aggregate a group by a power mean (arithmetic, geometric, harmonic, generalised).

    The weighted mean of the transformed values over the children present:
    ``inverse(sum(w * f(x)) / sum(w))``, both sums by :func:`_sum_products`,
    so missing children are skipped with their weights. Returns the values,
    the count of children present (if ``need_count``), and (arithmetic, with ``detail``) each
    child's part; ``None`` if the method is not a power mean.
    """
    X = values.zero_padded(group.children)
    padded = bool((group.children >= values.k).any())
    missing = np.isnan(X)
    complete = not missing.any()
    plain = complete and not padded
    if plain:
        present = np.ones((1, 1, 1, 1), dtype=bool)
    else:
        present = np.logical_not(missing, out=missing)
        if padded:
            present &= (group.children < values.k)[..., np.newaxis]
    form = _transform(group.method, X, present, plain)
    if form is None:
        return None
    T, inverse = form
    num = _sum_products(w, T)
    count: FloatArray | None = None
    if complete:
        den = w.sum(axis=-1, keepdims=True)
        if need_count:
            count = group.count[np.newaxis, :, np.newaxis]
    else:
        mask = present.astype(np.float64)
        den = _sum_products(w, mask)
        if need_count:
            count = mask.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # A unit with no child present (or only children of weight 0) has
        # num = den = 0, and 0 / 0 is NaN: no value.
        np.divide(num, den, out=num)
        out = inverse(num)
        parts = None
        if detail and group.method.name == "arithmetic":
            share = np.where(present, w[..., np.newaxis], 0.0) / den[..., np.newaxis, :]
            parts = np.where(present & (den > 0)[..., np.newaxis, :], share * T, np.nan)
    return out, count, parts


def _aggregate_group(
    values: _Values, group: Group, w: FloatArray, detail: bool, limited: bool
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """One group's values, count of children present and parts (see :func:`_power_mean`)."""
    quick = _power_mean(values, group, w, detail, limited or detail)
    if quick is not None:
        return quick
    # Median and Copeland: the general aggregators, units below the threshold left out first.
    X = np.stack(
        [values.node(group.children[:, j]) for j in range(group.children.shape[1])], axis=-2
    )
    count = (~np.isnan(X)).sum(axis=-2).astype(np.float64)
    if limited:
        short = count / group.count[:, np.newaxis] < group.min_share[:, np.newaxis]
        X = np.where(short[..., np.newaxis, :], np.nan, X)
    if group.method.name == "copeland":
        # Many replications at once: each distinct comparison of the units made once.
        out = ag._copeland_batched(X, w[..., np.newaxis])
    else:
        out = ag.AGGREGATORS[group.method.name](X, w[..., np.newaxis], **group.method.kwargs)
    return out, count, None


def _exponents_to_unit(largest: FloatArray) -> IntArray:
    """The power of two ``e`` with ``largest * 2**e`` in [1, 2); 0 where ``largest`` is 0 or not finite."""
    ok = np.isfinite(largest) & (largest > 0)
    _, exponent = np.frexp(np.where(ok, largest, 1.0))
    out: IntArray = np.where(ok, 1 - exponent, 0).astype(np.int64)
    return out


def _relative(w: FloatArray) -> FloatArray:
    """Siblings' weights ``(..., width)`` scaled by a power of two so that the largest is in [1, 2).

    Weights are relative, and the sums of products cannot then overflow (weights
    of 1e300 or 1e308) nor lose subnormal weights (5e-324). Exact, so ordinary
    weights give the same bits as unscaled.
    """
    out: FloatArray = np.ldexp(w, _exponents_to_unit(w.max(axis=-1, keepdims=True)))
    return out


#: Weights from 2**-30 to 2**30 (about 1e-9 to 1e9) and 0, as nearly all are, are used as
#: they are: their sums and products with the children's values can only overflow or
#: underflow where those of scaled weights would too. (Scaling by a power of two is exact.)
_MODERATE = (2.0**-30, 2.0**30)


def _moderate(w: FloatArray) -> bool:
    """Whether every weight is 0 or from 2**-30 to 2**30 (two quick reductions)."""
    if not w.size:
        return True
    least = float(w.min())
    if least >= _MODERATE[0]:  # no 0 (nor NaN): one reduction less
        return float(w.max()) <= _MODERATE[1]
    low = float(np.where(w > 0, w, 1.0).min())
    return bool(low >= _MODERATE[0] and float(w.max()) <= _MODERATE[1])


def scaled_by_family(weights: FloatArray, parent: IntArray) -> FloatArray:
    """Weights ``(R, k)`` with each family (the children of one node) scaled by a power of two.

    The power of two brings the family's largest weight into [1, 2); the root
    (``parent`` -1) is left as it is. Only the ratios of siblings' weights
    matter, and multiplying by a power of two is exact, so the result is the
    same index; but sums, products and drawn noise no longer overflow
    (weights of 1e308) or lose their precision (subnormal weights of 5e-324).
    """
    if _moderate(weights):
        return weights
    R, k = weights.shape
    # Each family's largest weight: the children grouped by parent, one reduceat.
    order = np.argsort(parent[1:], kind="stable") + 1
    grouped = parent[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    largest = np.zeros((R, k))
    largest[:, grouped[starts]] = np.maximum.reduceat(weights[:, order], starts, axis=1)
    shift = np.where(parent >= 0, _exponents_to_unit(largest)[:, np.maximum(parent, 0)], 0)
    out: FloatArray = np.ldexp(weights, shift)
    return out


def run_levels(
    compiled: Compiled,
    leaf_scores: FloatArray,
    weights: FloatArray,
    *,
    keep: IntArray | None = None,
    detail: bool = False,
    weight_hook: WeightHook | None = None,
) -> Pass:
    """Aggregate the tree bottom-up.

    ``leaf_scores`` has shape ``(L, U)`` (the same for every replication) or
    ``(R, L, U)``; ``weights`` ``(R, k)``. ``keep`` lists the node positions
    whose scores are returned (default: all). ``weight_hook(group, X)`` may
    replace a group's weights from its data (used for PCA weights); it
    returns shape ``(P, width)``.
    """
    R = weights.shape[0]
    U = leaf_scores.shape[-1]
    k = compiled.size
    values = _Values(compiled, leaf_scores, R)
    W = np.concatenate([weights, np.zeros((R, 1))], axis=1)
    # Then no family needs scaling (see _relative); PCA weights are made per group below.
    moderate = weight_hook is None and _moderate(weights)
    share = np.ones((R, k + 1, U)) if detail else None
    insufficient = np.zeros((R, k + 1, U), dtype=bool) if detail else None
    contributions = np.full((R, k + 1, U), np.nan) if detail else None
    if share is not None:
        share[:, compiled.leaves] = (~np.isnan(values.node(compiled.leaves))).astype(np.float64)
    for group in compiled.groups:
        if weight_hook is not None:
            X = np.stack(
                [values.node(group.children[:, j]) for j in range(group.children.shape[1])], axis=-2
            )
            W[:, group.children] = weight_hook(group, X)[np.newaxis]
        w = W[:, group.children] if moderate else _relative(W[:, group.children])  # (R, P, width)
        limited = bool((group.min_share > -np.inf).any())
        try:
            out, count, parts = _aggregate_group(values, group, w, detail, limited)
        except InvalidDataError as err:
            names = ", ".join(repr(c) for c in group.codes[:5])
            if len(group.codes) > 5:
                names += f" (and {len(group.codes) - 5} more)"
            problems = [
                Problem(f"aggregating node(s) {names}: {p.message}", kind=p.kind)
                for p in err.problems
            ]
            raise InvalidDataError(problems, source="<index>") from None
        if limited or detail:
            assert count is not None
            have = count / group.count[:, np.newaxis]  # (1 or R, P, 1 or U)
            short = have < group.min_share[:, np.newaxis]
            if limited and short.any():
                np.copyto(out, np.nan, where=short)
        values.aggs[:, values.agg_row[group.parents]] = out
        if share is not None and insufficient is not None and contributions is not None:
            share[:, group.parents] = have
            insufficient[:, group.parents] = short
            if parts is not None:
                if limited:
                    parts = np.where(short[..., np.newaxis, :], np.nan, parts)
                real = group.children < k
                rows, cols = np.nonzero(real)
                contributions[:, group.children[rows, cols]] = parts[:, rows, cols]
    chosen = np.arange(k) if keep is None else keep
    return Pass(
        scores=values.node(chosen).copy(),
        share=None if share is None else share[:, :k],
        insufficient=None if insufficient is None else insufficient[:, :k],
        contributions=None if contributions is None else contributions[:, :k],
        weights=W[:, :k],
    )


def uniform_power_mean(compiled: Compiled) -> Method | None:
    """The one power mean that aggregates every node, or None (mixed methods, median, Copeland)."""
    methods = {g.method for g in compiled.groups}
    if len(methods) != 1:
        return None
    (method,) = methods
    power = ("arithmetic", "geometric", "harmonic", "generalised")
    return method if method.name in power else None


@functools.lru_cache(maxsize=64)
def _paths(compiled: Compiled) -> tuple[IntArray, dict[int, tuple[IntArray, IntArray]]]:
    """The inner nodes, and for each the paths down to the leaves below it and those leaves' rows.

    A path ``(leaves below, depth)`` lists the nodes from a child of the node
    down to the leaf, padded at the end with ``k`` (a share of 1); the
    leaves come in the order of a depth-first walk that visits the last
    child first.
    """
    k = compiled.size
    parent = compiled.parent.tolist()
    leaf_row = {int(n): i for i, n in enumerate(compiled.leaves.tolist())}
    children: dict[int, list[int]] = {}
    for c in range(1, k):
        children.setdefault(parent[c], []).append(c)
    inner = np.setdiff1d(np.arange(k), compiled.leaves)
    paths: dict[int, tuple[IntArray, IntArray]] = {}
    for node in inner.tolist():
        walks: list[list[int]] = []
        rows: list[int] = []
        stack = [(node, list[int]())]
        while stack:
            here, above = stack.pop()
            for c in children.get(here, []):
                if c in leaf_row:
                    walks.append([*above, c])
                    rows.append(leaf_row[c])
                else:
                    stack.append((c, [*above, c]))
        depth = max(len(w) for w in walks)
        path = np.full((len(walks), depth), k, dtype=np.int64)
        for i, w in enumerate(walks):
            path[i, : len(w)] = w
        paths[node] = (path, np.array(rows, dtype=np.int64))
    return inner, paths


def collapse_levels(
    compiled: Compiled, leaf_scores: FloatArray, weights: FloatArray, keep: IntArray
) -> FloatArray | None:
    """Scores of the ``keep`` nodes ``(R, kept, U)`` of a tree aggregated by one power mean.

    When every node is aggregated by the same power mean and no leaf value
    is missing, nesting changes nothing: a node is the power mean of the
    leaves below it, with *effective weights*, the products of the
    sibling-normalised weights down the tree (the transform of one level is
    undone by the inverse of the level below it: for the geometric mean with
    shift ``s``, ``log((exp(m) - s) + s) = m``). Each kept node is then one
    matrix product of the replications' effective weights with the
    transformed leaves, ``(R, leaves) x (leaves, U)``, instead of one pass per
    level. The result equals :func:`run_levels` up to rounding (the sums are
    taken in another order). Returns ``None`` when the tree does not qualify
    (mixed methods, a missing leaf, or a replication in which the children
    of a node all weigh 0): the caller takes the level-by-level path.
    """
    method = uniform_power_mean(compiled)
    if method is None or np.isnan(leaf_scores).any():
        return None
    L, U = leaf_scores.shape
    everything = np.ones((1, 1, L, U), dtype=bool)
    form = _transform(method, leaf_scores[np.newaxis, np.newaxis], everything, True)
    assert form is not None
    T, inverse = form
    T = T[0, 0]
    R, k = weights.shape
    parent = compiled.parent
    # Each node's share among its siblings, per replication, from weights scaled per family
    # by a power of two (exact), so that their sums neither overflow nor underflow. The
    # nodes are rows here, each a contiguous run of replications.
    by_node = np.ascontiguousarray(scaled_by_family(weights, parent).T)  # (k, R)
    siblings = np.zeros((k + 1, R))
    for c in range(1, k):
        siblings[parent[c]] += by_node[c]
    inner, paths = _paths(compiled)
    if (siblings[inner] == 0).any():
        # A node whose children all weigh 0 has no value, and the level below skips it
        # with its weight, unit by unit: not a product of shares. The levels handle it.
        return None
    share = np.ones((k + 1, R))  # the last row: 1, the padding of shorter paths
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(by_node, siblings[np.maximum(parent, 0)], out=share[:k])
    share = np.ascontiguousarray(share.T)  # (R, k + 1)
    leaf_row = np.full(k, -1, dtype=np.int64)
    leaf_row[compiled.leaves] = np.arange(L)
    out = np.empty((R, len(keep), U))
    for j, node in enumerate(keep.tolist()):
        if leaf_row[node] >= 0:
            out[:, j] = leaf_scores[leaf_row[node]]
            continue
        # Effective weights of the leaves below ``node``, relative to it: the products of
        # the shares down each path, from the top (one column per leaf).
        path, rows = paths[node]
        E = share[:, path[:, 0]]  # (R, leaves below)
        for d in range(1, path.shape[1]):
            E *= share[:, path[:, d]]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # einsum, not BLAS: faster at these sizes, and it sums the leaves in
            # a fixed order whatever the number of replications.
            out[:, j] = inverse(np.einsum("rl,lu->ru", E, T[rows]))
    return out


# --- one power mean with missing leaves: the levels in the transformed space -------------


#: Values (replications × aggregates × units) aggregated at once in the transformed space:
#: a block's values stay in the processor's cache from one level to the next.
NESTED_CELLS = 200_000


@attrs.frozen(eq=False)
class _Column:
    """The ``j``-th children of a group's parents: shared leaves, or a block of the values.

    ``block`` is the first row of the values that holds these children, one
    row per parent, in the parents' order (a leaf or padding there is a row of
    zeros); ``leaves`` the transformed leaves among them, ``(P, U, 1)``, 0 for
    the others (an aggregate, a missing leaf, padding).
    """

    leaves: FloatArray | None  # (P, U, 1)
    block: int | None


@attrs.frozen(eq=False)
class _Step:
    """One group aggregated in the transformed space, its parents at rows ``start`` to ``start + P``."""

    children: IntArray  # (P, width) node positions, padded with k (weight 0)
    columns: tuple[_Column, ...]
    start: int
    filler: IntArray  # rows of the parents that are no node (a leaf's or padding's place): 0
    complete: bool  # no real child is missing: the weights' sum by ndarray.sum, as run_levels
    partial: tuple[IntArray, IntArray] | None  # (S,) parents and units with some children missing
    partial_mask: FloatArray  # (S, width) which of their children are present
    absent: tuple[IntArray, IntArray] | None  # (A,) parents and units without a value


@attrs.frozen(eq=False)
class _Nesting:
    """A tree aggregated by one power mean, laid out for :func:`_nested_block`."""

    steps: tuple[_Step, ...]  # the deepest level first
    rows: int  # rows of the values
    inverse: Callable[[FloatArray], FloatArray]
    kept_leaf: BoolArray  # (kept,)
    kept_rows: IntArray  # (kept,) rows of the kept aggregates in the values (0 for a leaf)
    kept_leaves: IntArray  # (kept,) rows of the kept leaves in leaf_scores
    kept_present: BoolArray  # (kept, U) the kept aggregates with a value, by the missing leaves
    leaf_scores: FloatArray  # (L, U)


def _nesting(compiled: Compiled, leaf_scores: FloatArray, keep: IntArray) -> _Nesting | None:
    """The layout of :func:`_nested_block`, or None if the tree is not one power mean.

    The values of the aggregates are laid out so that the ``j``-th children
    of a level's parents are consecutive rows, in the parents' order: the
    root first, then its children, then for each column of children of the
    level above, a block with one row per parent of that level (a leaf's or
    padding's row is a zero, a *filler*). A level then reads each column of
    its children as one slice, without gathering them.

    Also None when the leaves' transform refuses a value (a geometric mean of a
    value <= 0): the levels then raise their error.

    Examples
    --------
    ``i = (d, e)``, ``d = (a, b)``, ``e = (f, c)``, ``f = (g, h)``: the
    first children of ``d`` and ``e`` are a leaf and an aggregate, so ``f``
    has row 4 beside a filler (row 3) for ``a``; the root is row 0, ``d`` and
    ``e`` rows 1 and 2:

    >>> from cchc_indicators.composite import CompositeIndex, Node
    >>> index = CompositeIndex(
    ...     "i",
    ...     children=[
    ...         Node("d", children=[Node("a"), Node("b")]),
    ...         Node("e", children=[Node("f", children=[Node("g"), Node("h")]), Node("c")]),
    ...     ],
    ... )
    >>> compiled = compile_index(index, (Method("arithmetic"),))
    >>> keep = np.arange(compiled.size)
    >>> leaves = np.array([[10, 20], [30, np.nan], [np.nan, 5], [50, 60], [40, 40]])  # a b g h c
    >>> layout = _nesting(compiled, leaves, keep)
    >>> layout.rows, [(s.start, s.filler.tolist()) for s in layout.steps]
    (5, [(3, [0]), (1, []), (0, [])])
    >>> weights = np.array([[1.0, 1, 2, 1, 3, 1, 1, 1, 2], [1, 2, 1, 1, 1, 1, 1, 2, 1]])
    >>> scores = levels_in_chunks(compiled, leaves, weights, keep, chunk=1)
    >>> bool(np.array_equal(scores, run_levels(compiled, leaves, weights).scores, equal_nan=True))
    True

    A geometric mean of values <= 0 is refused by the levels, with their message:

    >>> levels_in_chunks(compile_index(index, (Method("geometric"),)), leaves - 20, weights, keep, 1)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.InvalidDataError: <index>: 1 problem
      aggregating node(s) 'f': the geometric mean needs values > 0: ...
    """
    method = uniform_power_mean(compiled)
    if method is None or leaf_scores.ndim != 2:
        return None
    L, U = leaf_scores.shape
    k = compiled.size
    present = ~np.isnan(leaf_scores)
    try:
        form = _transform(
            method, leaf_scores[np.newaxis, np.newaxis], present[np.newaxis, np.newaxis], False
        )
    except InvalidDataError:
        return None
    assert form is not None
    T = np.zeros((L + 1, U))  # the last row: padding
    T[:L] = form[0][0, 0]
    leaf_row = np.full(k + 1, L, dtype=np.int64)
    leaf_row[compiled.leaves] = np.arange(L)
    is_leaf = np.ones(k + 1, dtype=bool)  # padding counts as a leaf (a zero)
    is_leaf[:k] = False
    is_leaf[compiled.leaves] = True
    # Which nodes have a value, unit by unit: it depends on the missing leaves only (the
    # weights are checked to be > 0 after the fact, by the NaN they would leave).
    has = np.zeros((k + 1, U), dtype=bool)
    has[compiled.leaves] = present
    for g in compiled.groups:
        count = has[g.children].sum(axis=1)
        short = count / g.count[:, np.newaxis] < g.min_share[:, np.newaxis]
        has[g.parents] = (count > 0) & ~short
    # The rows, top down: each level's parents (-1: a filler) in the rows after the level above.
    row = np.zeros(k + 1, dtype=np.int64)
    placed: list[tuple[IntArray, IntArray, int, dict[int, int]]] = []
    slots = np.array([0], dtype=np.int64)  # the root
    start = 0
    for g in reversed(compiled.groups):
        real = slots >= 0
        # One power mean: one group per level, whose parents are the level above's children.
        assert np.array_equal(np.sort(slots[real]), np.sort(g.parents))
        row[slots[real]] = start + np.flatnonzero(real)
        where = np.full(k + 1, -1, dtype=np.int64)
        where[g.parents] = np.arange(len(g.parents))
        kids = np.full((len(slots), g.children.shape[1]), k, dtype=np.int64)
        kids[real] = g.children[where[slots[real]]]
        blocks = [j for j in range(kids.shape[1]) if not is_leaf[kids[:, j]].all()]
        after = start + len(slots)
        placed.append(
            (slots, kids, start, {j: after + b * len(slots) for b, j in enumerate(blocks)})
        )
        start = after
        slots = np.where(is_leaf[kids[:, blocks]], -1, kids[:, blocks]).T.ravel()
    steps = []
    for parents, kids, first, blocks_at in reversed(placed):
        real = parents >= 0
        columns = []
        for j in range(kids.shape[1]):
            leaf_j = is_leaf[kids[:, j]]
            leaf_j &= kids[:, j] < k
            leaves = T[leaf_row[kids[:, j]], :, np.newaxis] if leaf_j.any() else None
            columns.append(_Column(leaves=leaves, block=blocks_at.get(j)))
        pres = has[kids]  # (P, width, U)
        full = pres.sum(axis=1) == (kids < k).sum(axis=1)[:, np.newaxis]
        have = has[np.maximum(parents, 0)] & real[:, np.newaxis]
        some = _positions(have & ~full)
        none = _positions(~have & real[:, np.newaxis])
        steps.append(
            _Step(
                children=kids,
                columns=tuple(columns),
                start=first,
                filler=np.flatnonzero(~real),
                complete=bool(pres[real][kids[real] < k].all()),
                partial=some if len(some[0]) else None,
                partial_mask=np.moveaxis(pres, 1, 2)[some].astype(np.float64),
                absent=none if len(none[0]) else None,
            )
        )
    leafy = is_leaf[keep]
    return _Nesting(
        steps=tuple(steps),
        rows=start,
        inverse=form[1],
        kept_leaf=leafy,
        kept_rows=np.where(leafy, 0, row[keep]),
        kept_leaves=leaf_row[keep],
        kept_present=has[keep] & ~leafy[:, np.newaxis],
        leaf_scores=leaf_scores,
    )


def _positions(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """The (parent, unit) positions where ``mask`` ``(P, U)`` holds."""
    p, u = np.nonzero(mask)
    return p.astype(np.int64), u.astype(np.int64)


def _nested_block(
    nesting: _Nesting, weights: FloatArray, out: FloatArray, V: FloatArray, term: FloatArray
) -> BoolArray:
    """Write the kept nodes' scores of a block into ``out`` ``(R, kept, U)``; the rows to redo.

    Every node is aggregated by the same power mean, so a parent's transformed
    value is the weighted mean of its children's transformed values, which
    are never taken back (``f(f^-1(m)) = m`` up to rounding): one pass of
    products per child and one division per level, the inverse only for the
    kept nodes. Which children are present depends on the missing leaves, not
    on the replication, so the sum of the present children's weights is the
    sum of all of them for most parents and units, and is summed apart only
    for those with a child missing. The sums of products add the children
    in their order (see :func:`_sum_products`): the arithmetic mean gives the
    same bits as :func:`run_levels`. A replication in which a node with a
    value by the missing leaves gets none (its present children all weigh 0)
    is flagged to be done by :func:`run_levels`.

    The values ``V`` are laid out ``(rows, U, R)``, the replications last, so
    that every pass runs along the replications (long, contiguous inner
    loops, the weights one per parent and replication). ``V`` and ``term``
    (at least ``P * U * R`` for the widest level) are scratch.
    """
    R = weights.shape[0]
    W = np.concatenate([weights, np.zeros((R, 1))], axis=1)
    moderate = _moderate(weights)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for step in nesting.steps:
            w = W[:, step.children] if moderate else _relative(W[:, step.children])
            if step.complete:
                total = w.sum(axis=-1).T.copy()  # (P, R)
            else:
                total = w[:, :, 0].T.copy()
                for j in range(1, w.shape[-1]):
                    total += w[:, :, j].T
            wt = np.ascontiguousarray(w.transpose(2, 1, 0))[:, :, np.newaxis]  # (width, P, 1, R)
            P = step.children.shape[0]
            target = V[step.start : step.start + P]  # (P, U, R)
            num = target  # the sums of products, divided in place
            scratch = term[: target.size].reshape(target.shape)
            for j, col in enumerate(step.columns):
                into = num if j == 0 else scratch
                if col.block is None:
                    assert col.leaves is not None
                    np.multiply(wt[j], col.leaves, out=into)
                else:
                    children = V[col.block : col.block + P]
                    if col.leaves is not None:
                        np.add(children, col.leaves, out=into)
                        children = into
                    np.multiply(wt[j], children, out=into)
                if j:
                    num += scratch
            if len(step.filler):
                total[step.filler] = 1.0  # 0 / 1: a filler stays 0
            if step.partial is not None:
                p, u = step.partial
                den = wt[0, p, 0] * step.partial_mask[:, :1]  # (S, R)
                for j in range(1, w.shape[-1]):
                    den += wt[j, p, 0] * step.partial_mask[:, j : j + 1]
                apart = num[p, u] / den
            np.divide(num, total[:, np.newaxis], out=target)
            if step.partial is not None:
                target[p, u] = apart
            if step.absent is not None:
                target[step.absent[0], step.absent[1]] = 0.0
        kept = V[nesting.kept_rows]  # (kept, U, R)
        redo: BoolArray = np.any(
            np.isnan(kept) & nesting.kept_present[..., np.newaxis], axis=(0, 1)
        )
        kept = nesting.inverse(kept)
    np.copyto(kept, np.nan, where=~nesting.kept_present[..., np.newaxis])
    if nesting.kept_leaf.any():
        leafy = nesting.kept_leaf
        kept[leafy] = nesting.leaf_scores[nesting.kept_leaves[leafy]][..., np.newaxis]
    out[...] = kept.transpose(2, 0, 1)
    return redo


def levels_in_chunks(
    compiled: Compiled, leaf_scores: FloatArray, weights: FloatArray, keep: IntArray, chunk: int
) -> FloatArray:
    """Scores of the ``keep`` nodes ``(R, kept, U)``, as :func:`run_levels`, a block at a time.

    When one power mean aggregates every node the levels are taken in its
    transformed space (:func:`_nested_block`), a block of replications sized
    for the cache (:data:`NESTED_CELLS`) at a time, and the replications it
    cannot do by :func:`run_levels`; otherwise :func:`run_levels`, ``chunk``
    replications at a time. Each replication's scores are the same bits
    whatever ``chunk``.

    Examples
    --------
    ``i = (d, c)``, ``d = (a, b)``; ``b`` is missing for the second unit,
    so its ``d`` is ``a`` alone. In the first replication (weights of ``i,
    d, c, a, b``: 1, 1, 1, 1, 3) ``d = (10 + 3 * 30) / 4 = 25`` and ``i =
    (25 + 50) / 2 = 37.5`` for the first unit, ``i = (20 + 60) / 2 = 40``
    for the second; in the second (``d`` weighs 2) ``i = (2 * 20 + 50) / 3
    = 30`` and ``(2 * 20 + 60) / 3``:

    >>> from cchc_indicators.composite import CompositeIndex, Node
    >>> index = CompositeIndex("i", children=[Node("d", children=[Node("a"), Node("b")]), Node("c")])
    >>> compiled = compile_index(index, (Method("arithmetic"),))
    >>> compiled.codes
    ('i', 'd', 'c', 'a', 'b')
    >>> leaves = np.array([[10.0, 20.0], [30.0, np.nan], [50.0, 60.0]])  # a, b, c
    >>> weights = np.array([[1.0, 1, 1, 1, 3], [1, 2, 1, 1, 1]])
    >>> scores = levels_in_chunks(compiled, leaves, weights, np.array([0]), chunk=1)
    >>> scores[:, 0].round(6).tolist()
    [[37.5, 40.0], [30.0, 33.333333]]

    The arithmetic mean gives the same bits as :func:`run_levels`:

    >>> levels = run_levels(compiled, leaves, weights, keep=np.array([0])).scores
    >>> bool((scores == levels).all())
    True
    """
    R = weights.shape[0]
    U = leaf_scores.shape[-1]
    out = np.empty((R, len(keep), U))
    nesting = _nesting(compiled, leaf_scores, keep)
    if nesting is None:
        for start in range(0, R, chunk):
            rows = slice(start, start + chunk)
            out[rows] = run_levels(compiled, leaf_scores, weights[rows], keep=keep).scores
        return out
    block = max(1, NESTED_CELLS // max(1, nesting.rows * U))
    widest = max((s.children.shape[0] for s in nesting.steps), default=1)
    V = np.empty(min(block, R) * nesting.rows * U)
    term = np.empty(min(block, R) * widest * U)
    for start in range(0, R, block):
        rows = slice(start, start + block)
        n = len(weights[rows])
        values = V[: n * nesting.rows * U].reshape(nesting.rows, U, n)
        redo = _nested_block(nesting, weights[rows], out[rows], values, term[: n * widest * U])
        if redo.any():
            again = np.flatnonzero(redo) + start
            out[again] = run_levels(compiled, leaf_scores, weights[again], keep=keep).scores
    return out


def ranks(scores: FloatArray) -> IntArray:
    """Rank along the last axis, 1 = highest, ties share the smallest rank, 0 = no score.

    Scores within ``1e-9`` of the row's largest magnitude of each other are
    tied (grouped by consecutive gaps; see :mod:`cchc_indicators.core._ties`), so
    a rank does not depend on the order of the additions, the engine path or
    the chunk of replications a score was computed in.
    """
    return descending_ranks(scores)


def weight_vector(compiled: Compiled, weights: Mapping[str, float]) -> FloatArray:
    """The weights of the nodes in compiled order, shape ``(1, k)``."""
    return np.array([[weights[c] for c in compiled.codes]], dtype=np.float64)


def pca_hook(group: Group, X: FloatArray) -> FloatArray:
    """Weights from the first principal component of each aggregate's children (one run)."""
    out = np.zeros(group.children.shape)
    for row in range(group.children.shape[0]):
        n = int(group.count[row])
        if n == 1:
            out[row, 0] = 1.0
            continue
        try:
            out[row, :n] = ag.pca_weights(X[0, row, :n])
        except InvalidDataError as err:
            msg = f"PCA weights of the children of {group.codes[row]!r}: {err.problems[0].message}"
            raise InvalidDataError(
                [Problem(msg, kind=err.problems[0].kind)], source="<index>"
            ) from None
    return out


#: What to do with observations of codes that are not indicators of the index.
ON_UNKNOWN = ("raise", "ignore")


def check_unknown(index: CompositeIndex, data: Observations, on_unknown: str) -> str:
    """Refuse (``"raise"``) or count (``"ignore"``) observations of codes the index does not have.

    A code in the data that is not one of the index's indicators is most
    often a typo, and its values would silently be left out. Returns the
    sentence a result's note carries when some are ignored (``""`` if none).
    """
    if on_unknown not in ON_UNKNOWN:
        msg = f"on_unknown is 'raise' or 'ignore', not {on_unknown!r}"
        raise DefinitionError(msg, parameter="on_unknown")
    leaves = {n.code for n in index.leaves()}
    allowed = leaves | set(index.denominators)
    unknown = [j for j, c in enumerate(data.indicators) if c not in allowed]
    if not unknown:
        return ""
    codes = [data.indicators[j] for j in unknown]
    if on_unknown == "ignore":
        count = int((~np.isnan(data.values[:, unknown, :])).sum())
        return (
            f"{len(codes)} indicator(s) of the data not in index {index.code!r} ignored "
            f"({count} value(s)): {', '.join(repr(c) for c in codes[:5])}"
            + (f" and {len(codes) - 5} more." if len(codes) > 5 else ".")
        )
    aggregates = {n.code for n in index.nodes()} - leaves
    problems = []
    for j, code in zip(unknown, codes, strict=True):
        if code in aggregates:
            what = (
                f"{code!r} is an aggregate of index {index.code!r}, computed from its "
                "indicators, not read from the data"
            )
        else:
            close = difflib.get_close_matches(code, sorted(leaves), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            what = f"indicator {code!r} is not in index {index.code!r}{hint}"
        row = data.first_rows[j] if data.first_rows else None
        problems.append(
            Problem(
                f"{what}; correct the code, or pass on_unknown='ignore' to leave it out",
                row=row,
                field="indicator",
                kind="not_in_index",
            )
        )
    raise InvalidDataError(problems, source=data.source)


def prepare(
    index: CompositeIndex,
    data: Observations,
    *,
    period: str | int | None,
    units: Sequence[str] | None,
    groups: Mapping[str, str] | None,
) -> tuple[str, tuple[str, ...], FloatArray, int]:
    """Select the period and units: (period label, units, panel (P, L, U), period position)."""
    label = data.period(period)
    codes = [n.code for n in index.leaves()]
    panel = denominate(index, data, data.panel(codes))
    if units is not None:
        chosen = codes_argument(units, "units")
        where = {u: j for j, u in enumerate(data.units)}
        lacking = [u for u in chosen if u not in where]
        if lacking:
            msg = f"unit(s) {', '.join(repr(u) for u in lacking[:5])} have no observations"
            raise InvalidDataError(
                [Problem(msg, field="unit", kind="unknown_unit")], source=data.source
            )
        if len(set(chosen)) != len(chosen):
            msg = "a unit is listed twice in 'units'"
            raise InvalidDataError(
                [Problem(msg, field="unit", kind="duplicate_unit")], source="<units>"
            )
        panel = panel[:, :, [where[u] for u in chosen]]
    else:
        chosen = data.units
    return label, chosen, panel, data.periods.index(label)


def _quotients(
    index: CompositeIndex, panel: FloatArray, denominators: FloatArray
) -> tuple[list[int], FloatArray, BoolArray, BoolArray]:
    """The denominated rows: their positions, the quotients, and where they fail (0, overflow).

    ``panel`` holds the leaves' values ``(P, L, U)``, ``denominators`` the
    denominators of the denominated leaves ``(P, D, U)``, in leaf order.
    """
    leaves = index.leaves()
    rows = [j for j, n in enumerate(leaves) if n.denominator is not None]
    per = np.array([leaves[j].per for j in rows], dtype=np.float64)[np.newaxis, :, np.newaxis]
    values = panel[:, rows]
    zero = (denominators == 0) & ~np.isnan(values)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        # COINr's order, x / (denominator / per); where that over- or underflows, the other.
        quotient = values / (denominators / per)
        other = values * per / denominators
        quotient = np.where(np.isfinite(quotient) | np.isnan(values), quotient, other)
    overflow = ~zero & np.isinf(quotient) & ~np.isinf(values)
    return rows, quotient, zero, overflow


def _denominator_codes(index: CompositeIndex) -> list[str]:
    return [str(n.denominator) for n in index.leaves() if n.denominator is not None]


def denominate(index: CompositeIndex, data: Observations, panel: FloatArray) -> FloatArray:
    """Divide each indicator that names a ``denominator`` by it, times ``per`` (every period).

    A missing denominator leaves the value missing. Where the denominator
    is 0, or the quotient is too large for a float, the value is missing
    here; :func:`check_denominators` refuses it in the period and units
    scored, where a value was given.
    """
    if not index.denominators:
        return panel
    rows, quotient, zero, overflow = _quotients(index, panel, data.panel(_denominator_codes(index)))
    out: FloatArray = panel.copy()
    out[:, rows] = np.where(zero | overflow, np.nan, quotient)
    return out


def check_denominators(
    index: CompositeIndex, data: Observations, period: str, units: Sequence[str]
) -> None:
    """Refuse a denominator of 0, or a quotient beyond a float, in ``period`` for ``units``.

    Periods and units that are not scored may have them: their values are
    missing there (see :func:`denominate`).
    """
    if not index.denominators:
        return
    at = data.periods.index(period)
    where = {u: j for j, u in enumerate(data.units)}
    cols = np.array([where[u] for u in units], dtype=np.int64)
    codes = [n.code for n in index.leaves()]
    panel = data.panel(codes)[at : at + 1][:, :, cols]
    denominators = data.panel(_denominator_codes(index))[at : at + 1][:, :, cols]
    rows, _, zero, overflow = _quotients(index, panel, denominators)
    bad = zero[0] | overflow[0]
    if not bad.any():
        return
    leaves = index.leaves()
    when = f" in {period}" if period else ""
    d, u = (a[:8] for a in np.nonzero(bad))
    problems = [
        Problem(
            f"indicator {leaves[rows[dj]].code!r} for unit {units[uj]!r}{when}: "
            + (
                f"its denominator {leaves[rows[dj]].denominator!r} is 0"
                if zero[0, dj, uj]
                else f"divided by {leaves[rows[dj]].denominator!r} it is too large for a float"
            ),
            field="value",
            kind="zero_denominator" if zero[0, dj, uj] else "overflow",
        )
        for dj, uj in zip(d.tolist(), u.tolist(), strict=True)
    ]
    raise InvalidDataError(problems, source=data.source)


def screening_of(
    index: CompositeIndex,
    panel: FloatArray,
    at: int,
    units: Sequence[str],
    groups: Mapping[str, str] | None,
    known: Sequence[str] | None = None,
) -> ScreeningReport | None:
    """Screen the units by the index's rule, on its own imputation (or none: the order says).

    ``known``: every unit of the data (a unit forced in or out among them
    but not among ``units`` is passed over).
    """
    rule = index.screening
    if rule is None:
        return None
    if rule.order == "impute_then_screen":
        X, _ = impute_rows(index.leaf_methods("imputation"), panel, at, units, groups)
    else:
        X = panel[at]
    return screen(rule, X, units, known)


@attrs.frozen(eq=False)
class LeafStage:
    """The leaves after every step before aggregation, for the units kept."""

    normalised: FloatArray  # (L, kept units)
    raw: FloatArray  # after denomination and imputation, before treatment
    imputed: BoolArray
    treatment: Any  # a treat.Treatment, or None when nothing is treated
    units: tuple[str, ...]


def leaf_stage(
    index: CompositeIndex,
    panel: FloatArray,
    at: int,
    units: Sequence[str],
    normalisation: Method | None,
    imputation: Method | None,
    groups: Mapping[str, str] | None,
    screening: ScreeningReport | None,
) -> LeafStage:
    """Impute, screen, treat and normalise the (denominated) panel of the chosen units.

    ``normalisation`` and ``imputation``, when given, replace every
    indicator's method; ``screening`` (from :func:`screening_of`) says
    which units are kept.
    """
    imputations = index.leaf_methods("imputation", imputation)
    keep = None if screening is None else np.flatnonzero(screening.kept)
    kept_units = tuple(units) if keep is None else tuple(units[j] for j in keep.tolist())
    if keep is not None and screening is not None and screening.rule.order == "screen_then_impute":
        panel = panel[:, :, keep]
        raw, imputed = impute_rows(imputations, panel, at, kept_units, groups)
    else:
        raw, imputed = impute_rows(imputations, panel, at, units, groups)
        if keep is not None:
            raw, imputed, panel = raw[:, keep], imputed[:, keep], panel[:, :, keep]
    treatments = index.leaf_methods("treatment")
    record = None
    values = raw
    if any(m.name != "none" for m in treatments):
        from cchc_indicators.composite.treat import treat  # the module imports this one

        record = treat(raw, treatments, indicators=[n.code for n in index.leaves()])
        record = attrs.evolve(record, units=kept_units)
        values = record.values
    normalised = normalise_leaves(index, normalisation, values, panel)
    return LeafStage(normalised, raw, imputed, record, kept_units)


def leaf_scores(
    index: CompositeIndex,
    panel: FloatArray,
    at: int,
    units: Sequence[str],
    normalisation: Method | None,
    imputation: Method | None,
    groups: Mapping[str, str] | None,
    known: Sequence[str] | None = None,
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Every step before aggregation: (normalised (L, U), raw after imputation, imputed mask).

    The units are screened by the index's own rule (whatever ``imputation``);
    ``known`` as for :func:`screening_of`.
    """
    screening = screening_of(index, panel, at, units, groups, known)
    stage = leaf_stage(index, panel, at, units, normalisation, imputation, groups, screening)
    return stage.normalised, stage.raw, stage.imputed
