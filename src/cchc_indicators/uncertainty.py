"""Uncertainty and sensitivity analysis of composite indices, vectorised over replications.

:func:`uncertainty` draws ``n`` replications of the uncertain choices of an
index (weights, normalisation, aggregation, imputation), scores every unit in
each, and summarises: score intervals, median rank, 5–95 % rank interval, the
probability of each rank and of meeting a rank target ("top 15").
:func:`sensitivity` runs the Saltelli design and estimates, for each uncertain
choice, its first-order index (Saltelli et al. 2010) and total index (Jansen
1999). :func:`points_uncertainty` varies the domain weights of a points tree.

Replications are an **array axis**: all random draws are made up front from
one seeded :class:`numpy.random.Generator`, the normalised indicators are
computed once per alternative, and the tree is aggregated for a whole chunk
of replications in one pass per level and method. The result does not depend
on the chunk size. With no noise and no alternatives every replication is
the nominal result, exactly.

Weights
    :class:`WeightNoise` multiplies each weight by ``1 + f * u``, ``u``
    uniform on [-1, 1] (COINr's noise factor: ``f = 0.25`` lets each weight
    move by ±25 % of its nominal value). :class:`Dirichlet` draws the shares
    of each node's children from a Dirichlet distribution centred on the
    nominal shares, with ``concentration`` ``c`` (variance
    ``s (1 - s) / (c + 1)``). Either can be limited to some levels.

Sources
    * M. Saisana, A. Saltelli, S. Tarantola (2005), "Uncertainty and
      sensitivity analysis techniques as tools for the quality assessment of
      composite indicators", *J. R. Stat. Soc. A* 168(2), 307–323.
    * A. Saltelli et al. (2010), "Variance based sensitivity analysis of
      model output. Design and estimator for the total sensitivity index",
      *Computer Physics Communications* 181, 259–270 (first-order estimator,
      their table 2 (b); total index by Jansen's formula, (f)).
    * The JRC's COINr for R: ``get_sensitivity`` and ``get_noisy_weights``.
      As in COINr, the output whose variance is decomposed is the mean
      absolute shift of the units' ranks from the nominal ranks.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators.composite import CompositeIndex, Node, Observations
>>> from cchc_indicators.uncertainty import WeightNoise, uncertainty
>>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
>>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, ["W", "X", "Y", "Z"])
>>> u = uncertainty(idx, data, n=2000, seed=1, weights=WeightNoise(0.5), rank_target=2)
>>> u.nominal.score().round(1).tolist(), u.nominal.rank().tolist()
([50.0, 65.7, 64.3, 40.0], [3, 1, 2, 4])
>>> print(u.table())
rank  unit  score  score 5–95 %  median rank  rank 5–95 %  P(top 2)
-------------------------------------------------------------------
   1  X      65.7     63.7–67.8            1          1–2      1.00
   2  Y      64.3     51.5–76.9            2          1–3      0.78
   3  W      50.0     32.4–67.9            3          1–4      0.22
   4  Z      40.0     25.7–54.1            4          3–4      0.00
2000 replications, seed 1; varied: weights noise ±0.5
>>> u.rank_probabilities()[0].round(2).tolist()   # W: first, second, third or fourth
[0.05, 0.17, 0.46, 0.32]
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from ._index_data import Observations
from ._index_def import CompositeIndex, Method, check_method
from ._index_engine import (
    Compiled,
    aggregation_spec,
    collapse_levels,
    compile_index,
    leaf_scores,
    prepare,
    ranks,
    run_levels,
    uniform_power_mean,
    weight_vector,
)
from ._index_result import IndexResult, compute_index, text_table
from .errors import DefinitionError, InvalidDataError, Problem, UnknownIndicatorError
from .panel import _pandas

__all__ = [
    "Dirichlet",
    "Sensitivity",
    "Uncertainty",
    "WeightNoise",
    "points_uncertainty",
    "sensitivity",
    "uncertainty",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Progress = Callable[[int, int], None]

#: Refuse to keep more replicated scores than this many bytes (choose fewer ``nodes``).
MEMORY_LIMIT = 1 << 30
#: Default number of values (replications × children × units) aggregated at once: small
#: enough for a chunk's arrays to stay in cache.
CHUNK_CELLS = 250_000


def _levels(value: object) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    out: tuple[Any, ...] = tuple(value) if isinstance(value, Iterable) else ()
    if not out or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in out):
        msg = f"'levels' must be whole numbers >= 1 (1 = the index's children), got {value!r}"
        raise DefinitionError(msg)
    return tuple(sorted(set(out)))


def _factor(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        msg = f"a weight noise factor must be from 0 to 1, got {value!r}"
        raise DefinitionError(msg)
    return float(value)


def _concentration(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        msg = f"a Dirichlet concentration must be > 0 (math.inf = no noise), got {value!r}"
        raise DefinitionError(msg)
    return float(value)


@attrs.frozen
class WeightNoise:
    """Uniform noise on weights: each becomes ``w * (1 + factor * u)``, ``u`` ~ U(-1, 1).

    Parameters
    ----------
    factor
        From 0 (no noise) to 1.
    levels
        The levels whose nodes' weights vary (1 = the index's children);
        ``None`` = every level.

    Examples
    --------
    >>> WeightNoise(0.25, levels=2)
    WeightNoise(factor=0.25, levels=(2,))
    >>> WeightNoise(1.5)
    Traceback (most recent call last):
    ...
    cchc_indicators.errors.DefinitionError: a weight noise factor must be from 0 to 1, got 1.5
    """

    factor: float = attrs.field(converter=_factor)
    levels: tuple[int, ...] | None = attrs.field(default=None, converter=_levels)

    @property
    def varies(self) -> bool:
        """``True`` unless the factor is 0."""
        return self.factor > 0


@attrs.frozen
class Dirichlet:
    """Dirichlet noise on each node's children's weight shares, centred on the nominal shares.

    Parameters
    ----------
    concentration
        Larger is closer to the nominal shares; ``math.inf`` = no noise.
    levels
        As for :class:`WeightNoise` (the levels of the children).

    Examples
    --------
    >>> Dirichlet(50).concentration
    50.0
    """

    concentration: float = attrs.field(converter=_concentration)
    levels: tuple[int, ...] | None = attrs.field(default=None, converter=_levels)

    @property
    def varies(self) -> bool:
        """``True`` unless the concentration is infinite."""
        return math.isfinite(self.concentration)


WeightSpec = WeightNoise | Dirichlet | float | None


def _weight_spec(value: object) -> WeightNoise | Dirichlet | None:
    if value is None or isinstance(value, (WeightNoise, Dirichlet)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return WeightNoise(value)
    msg = f"'weights' must be a noise factor, WeightNoise, Dirichlet or None, got {value!r}"
    raise DefinitionError(msg)


def draw_weights(
    spec: WeightNoise | Dirichlet | None,
    base: FloatArray,
    parent: IntArray,
    level: IntArray,
    n: int,
    rng: np.random.Generator,
) -> FloatArray:
    """Draw ``n`` weight vectors around ``base`` (shape ``(k,)``): shape ``(n, k)``."""
    k = base.shape[0]
    if spec is None or not spec.varies:
        same: FloatArray = np.broadcast_to(base, (n, k)).copy()
        return same
    chosen = (level >= 1) if spec.levels is None else np.isin(level, spec.levels)
    if isinstance(spec, WeightNoise):
        u = rng.uniform(-1.0, 1.0, size=(n, k))
        return np.where(chosen, base * (1.0 + spec.factor * u), base)
    # Dirichlet: gamma draws scaled per sibling group.
    sums = np.bincount(np.maximum(parent, 0), weights=np.where(parent >= 0, base, 0.0), minlength=k)
    share = np.where(
        parent >= 0,
        base / np.where(sums[np.maximum(parent, 0)] > 0, sums[np.maximum(parent, 0)], 1.0),
        1.0,
    )
    alpha = spec.concentration * share
    g = rng.gamma(np.where(alpha > 0, alpha, 1.0), size=(n, k))
    g = np.where((alpha > 0) & (parent >= 0), g, 0.0)  # the root has no siblings
    rows = np.repeat(np.arange(n), k)
    cols = np.tile(np.maximum(parent, 0), n)
    totals = np.bincount(rows * k + cols, weights=g.ravel(), minlength=n * k).reshape(n, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        drawn = g / totals[:, np.maximum(parent, 0)] * sums[np.maximum(parent, 0)]
    return np.where(chosen & (parent >= 0), drawn, base)


def _alternatives(role: str, values: object, index: CompositeIndex) -> tuple[Any, ...] | None:
    if values is None:
        return None
    if isinstance(values, (str, Method, Mapping)):
        values = (values,)
    items: tuple[Any, ...] = tuple(values) if isinstance(values, Iterable) else (values,)
    if not items:
        msg = f"the {role} alternatives are empty; give at least one, or None"
        raise DefinitionError(msg)
    where = f"index {index.code!r}, {role} alternative"
    if role == "aggregation":
        return tuple(aggregation_spec(index, v) for v in items)
    return tuple(check_method(Method.parse(v), role, where) for v in items)


@attrs.frozen(eq=False)
class _Design:
    """Everything fixed before the replications: leaf alternatives, compiled trees, base weights."""

    nominal: IndexResult
    compiled: tuple[Compiled, ...]  # one per aggregation alternative
    leaf_alternatives: FloatArray  # (imputations × normalisations, L, U)
    n_norm: int
    base: FloatArray  # (k,)
    keep: IntArray  # node positions kept
    spec: WeightNoise | Dirichlet | None
    sizes: tuple[int, int, int]  # alternatives: normalisation, aggregation, imputation
    labels: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # the same, as text
    given: tuple[bool, bool, bool]  # which of them the caller gave

    def _fill(
        self,
        a: int,
        c: int,
        weights: FloatArray,
        rows: IntArray,
        out: FloatArray,
        *,
        fixed: bool,
        chunk: int,
    ) -> None:
        """Write the scores of the replications ``rows`` (one pair of alternatives) into ``out``.

        * The weights do not vary: every replication is the same, computed
          once along the nominal path (so it equals the nominal result
          exactly) and repeated.
        * The tree is aggregated by one power mean: the units without a
          missing leaf are scored by effective weights in one step
          (:func:`~cchc_indicators._index_engine.collapse_levels`), the others
          level by level.
        * Otherwise every unit goes level by level, ``chunk`` replications at
          a time.
        """
        compiled = self.compiled[a]
        leaves = self.leaf_alternatives[c]
        if fixed:
            out[rows] = run_levels(compiled, leaves, weights[rows[:1]], keep=self.keep).scores
            return
        U = leaves.shape[-1]
        nodes = np.arange(len(self.keep))
        slow = np.arange(U)
        if uniform_power_mean(compiled) is not None:
            complete = ~np.isnan(leaves).any(axis=0)
            quick = np.flatnonzero(complete)
            if len(quick):
                # Power means work unit by unit, so units can be split between the paths.
                fast = collapse_levels(compiled, leaves[:, quick], weights[rows], self.keep)
                assert fast is not None
                out[np.ix_(rows, nodes, quick)] = fast
            slow = np.flatnonzero(~complete)
        if not len(slow):
            return
        part = leaves[:, slow]
        for start in range(0, len(rows), chunk):
            some = rows[start : start + chunk]
            scores = run_levels(compiled, part, weights[some], keep=self.keep).scores
            out[np.ix_(some, nodes, slow)] = scores

    def describe(self, agg: int, combo: int) -> str:
        """The methods of one pair of alternatives, for messages."""
        imp, norm = divmod(combo, self.n_norm)
        norms, aggs, imps = self.labels
        return f"with normalisation {norms[norm]}, aggregation {aggs[agg]}, imputation {imps[imp]}"

    def evaluate(
        self,
        weights: FloatArray,
        norm: IntArray,
        agg: IntArray,
        imp: IntArray,
        *,
        chunk: int,
        progress: Progress | None,
        count_ranks: bool = True,
    ) -> tuple[FloatArray, IntArray]:
        """Scores of the kept nodes for every replication ``(R, kept, U)`` and their rank counts.

        The rank counts (see :attr:`Uncertainty.counts`) are accumulated
        chunk by chunk, while the chunk's scores are still in cache.
        """
        R = weights.shape[0]
        U = self.leaf_alternatives.shape[-1]
        kept = len(self.keep)
        out = np.empty((R, kept, U))
        counts = np.zeros((kept, U, U + 1), dtype=np.int64)
        combo = imp * self.n_norm + norm
        n_leaf = len(self.leaf_alternatives)
        pair = agg * n_leaf + combo
        done = 0
        fixed = self.spec is None or not self.spec.varies
        # Replications that share their methods are computed together.
        for key in np.unique(pair).tolist():
            same = np.flatnonzero(pair == key)
            a, c = divmod(key, n_leaf)
            try:
                self._fill(a, c, weights, same, out, fixed=fixed, chunk=chunk)
            except InvalidDataError as err:
                where = self.describe(a, c)
                problems = [Problem(f"{where}: {p.message}", kind=p.kind) for p in err.problems]
                raise InvalidDataError(problems, source=err.source) from None
            for start in range(0, len(same), chunk):
                rows = same[start : start + chunk]
                if count_ranks:
                    counts += _rank_counts(ranks(out[rows]), U)
                done += len(rows)
                if progress is not None:
                    progress(done, R)
        return out, counts


def _design(
    index: CompositeIndex,
    data: Observations,
    *,
    weights: object,
    base_weights: str | Mapping[str, float] | None,
    normalisation: object,
    aggregation: object,
    imputation: object,
    period: str | int | None,
    units: Sequence[str] | None,
    groups: Mapping[str, str] | None,
    nodes: Sequence[str] | None,
) -> _Design:
    spec = _weight_spec(weights)
    norms = _alternatives("normalisation", normalisation, index) or (index.normalisation,)
    aggs = _alternatives("aggregation", aggregation, index) or (index.aggregation,)
    imps = _alternatives("imputation", imputation, index) or (index.imputation,)
    nominal = compute_index(
        index, data, period=period, units=units, weights=base_weights, groups=groups
    )
    _, chosen, panel, at = prepare(index, data, period=period, units=units, groups=groups)
    leaf = np.stack(
        [leaf_scores(index, panel, at, chosen, nm, im, groups)[0] for im in imps for nm in norms]
    )
    compiled = tuple(compile_index(index, a) for a in aggs)
    codes = compiled[0].codes
    if nodes is None:
        keep = np.arange(len(codes))
    else:
        lacking = [c for c in nodes if c not in codes]
        if lacking:
            msg = f"node {lacking[0]!r} is not in index {index.code!r}"
            raise UnknownIndicatorError(msg, key=lacking[0])
        keep = np.array([codes.index(c) for c in nodes], dtype=np.int64)
    base = weight_vector(compiled[0], nominal.weights)[0]

    def label(m: Method) -> str:
        return m.name + (f"({', '.join(f'{k}={v}' for k, v in m.options)})" if m.options else "")

    labels = (
        tuple(label(m) for m in norms),
        tuple(" / ".join(label(m) for m in a) for a in aggs),
        tuple(label(m) for m in imps),
    )
    given = (normalisation is not None, aggregation is not None, imputation is not None)
    sizes = (len(norms), len(aggs), len(imps))
    return _Design(nominal, compiled, leaf, len(norms), base, keep, spec, sizes, labels, given)


def _chunk(design: _Design, chunk: int | None) -> int:
    if chunk is not None:
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            msg = f"'chunk' must be a whole number >= 1, got {chunk!r}"
            raise DefinitionError(msg)
        return chunk
    U = design.leaf_alternatives.shape[-1]
    copeland = any(g.method.name == "copeland" for c in design.compiled for g in c.groups)
    biggest = max((g.children.size * U for c in design.compiled for g in c.groups), default=U)
    cells = max(biggest * (U if copeland else 1), len(design.keep) * U)
    return max(1, CHUNK_CELLS // int(cells))


def _check_seed(seed: object) -> int | None:
    """A seed is a whole number >= 0 or None: a result must say how to reproduce it."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        msg = f"'seed' must be a whole number >= 0 or None, got {seed!r}"
        raise DefinitionError(msg)
    return seed


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        msg = f"'n' must be a whole number >= 1, got {n!r}"
        raise DefinitionError(msg)
    return n


def _check_memory(R: int, kept: int, U: int) -> None:
    need = R * kept * U * 8
    if need > MEMORY_LIMIT:
        msg = (
            f"keeping {R} replications of {kept} nodes for {U} units needs {need / 2**30:.1f} GiB; "
            "pass nodes=[...] to keep fewer nodes, or a smaller n"
        )
        raise DefinitionError(msg)


def _draw(
    design: _Design, n: int, rng: np.random.Generator
) -> tuple[FloatArray, IntArray, IntArray, IntArray]:
    c = design.compiled[0]
    w = draw_weights(design.spec, design.base, c.parent, c.level, n, rng)
    n_norm, n_agg, n_imp = design.sizes
    return (
        w,
        rng.integers(n_norm, size=n),
        rng.integers(n_agg, size=n),
        rng.integers(n_imp, size=n),
    )


def _check_coverage(coverage: float) -> None:
    if isinstance(coverage, bool) or not isinstance(coverage, (int, float)) or not 0 < coverage < 1:
        msg = f"'coverage' must be between 0 and 1 (exclusive), got {coverage!r}"
        raise DefinitionError(msg)


def _rank_counts(R: IntArray, U: int) -> IntArray:
    """Counts of each rank (0 = no score, 1..U) per kept node and unit: ``(kept, U, U + 1)``."""
    _, kept, _ = R.shape
    cell = np.arange(kept * U).reshape(kept, U)
    flat = (cell[np.newaxis] * (U + 1) + R).ravel()
    return np.bincount(flat, minlength=kept * U * (U + 1)).reshape(kept, U, U + 1)


def _readonly(value: object) -> NDArray[Any]:
    out = np.array(value)
    out.flags.writeable = False
    return out


def _eq(a: NDArray[Any], b: NDArray[Any]) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


_ARRAY = {"converter": _readonly, "eq": attrs.cmp_using(eq=_eq)}


@attrs.frozen
class Uncertainty:
    """The distribution of scores and ranks over Monte Carlo replications.

    Attributes
    ----------
    nominal
        The result with the index's own choices (an :class:`IndexResult`,
        or a :class:`~cchc_indicators.points.PointsResult` for a points tree).
    units, nodes
        The units, and the nodes whose replications are kept.
    scores
        The replicated scores, shape ``(n, nodes, units)``.
    counts
        How many replications gave each rank: shape ``(nodes, units,
        units + 1)``, rank 0 meaning "no score".
    n, seed
        The number of replications and the seed.
    settings
        What varied: ``weights``, ``normalisation``, ``aggregation``,
        ``imputation`` (as text).
    note
        The data's note.
    """

    nominal: Any
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    nominal_scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    nominal_ranks: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    scores: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    counts: IntArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    n: int
    seed: int | None
    settings: Mapping[str, str] = attrs.field(eq=False)
    rank_target: int | None = None
    note: str = ""

    def _row(self, node: str | None) -> int:
        code = self.nodes[0] if node is None else node
        if code not in self.nodes:
            msg = f"node {code!r} was not kept; the kept nodes are {', '.join(self.nodes)}"
            raise UnknownIndicatorError(msg, key=code)
        return self.nodes.index(code)

    def _scores(self, node: str | None) -> tuple[FloatArray, NDArray[np.bool_]]:
        """The replicated scores at ``node`` with NaN where no value, and the units never scored."""
        S = self.scores[:, self._row(node)]
        never: NDArray[np.bool_] = np.asarray(np.isnan(S).all(axis=0))
        filled: FloatArray = np.where(never, 0.0, S)
        return filled, never

    def score_interval(
        self, node: str | None = None, *, coverage: float = 0.9
    ) -> tuple[FloatArray, FloatArray]:
        """Return the central ``coverage`` interval of the scores at ``node`` (default: the index).

        Over the replications where the unit has a score; NaN for a unit that never has one.
        """
        _check_coverage(coverage)
        S, never = self._scores(node)
        tail = (1 - coverage) / 2
        q = np.nanquantile(S, [tail, 1 - tail], axis=0)
        return np.where(never, np.nan, q[0]), np.where(never, np.nan, q[1])

    def score_median(self, node: str | None = None) -> FloatArray:
        """Return the median score of each unit at ``node`` (NaN for a unit never scored)."""
        S, never = self._scores(node)
        out: FloatArray = np.where(never, np.nan, np.nanmedian(S, axis=0))
        return out

    def rank_probabilities(self, node: str | None = None) -> FloatArray:
        """Return P(rank = r) for each unit (rows) and rank r = 1..units (columns)."""
        c = self.counts[self._row(node)]
        out: FloatArray = c[:, 1:] / self.n
        return out

    def rank_quantile(self, q: float, node: str | None = None) -> IntArray:
        """Return the ``q`` quantile of each unit's rank (the smallest rank r with P(rank <= r) >= q).

        Ranks are whole numbers, so this is the inverted-CDF quantile; among
        replications where the unit has a rank. 0 where it never has one.
        """
        if not 0 <= q <= 1:
            msg = f"a quantile must be from 0 to 1, got {q!r}"
            raise DefinitionError(msg)
        c = self.counts[self._row(node)][:, 1:]
        total = c.sum(axis=1, keepdims=True)
        cumulative = np.cumsum(c, axis=1)
        # The smallest rank with some probability whose cumulative share reaches q
        # (counts compared as integers scaled by q, so no rounding of shares).
        hit = (cumulative >= q * total - 1e-9) & (c > 0)
        out: IntArray = np.where(total[:, 0] > 0, hit.argmax(axis=1) + 1, 0)
        return out

    def rank_median(self, node: str | None = None) -> IntArray:
        """Return each unit's median rank at ``node``."""
        return self.rank_quantile(0.5, node)

    def rank_interval(
        self, node: str | None = None, *, coverage: float = 0.9
    ) -> tuple[IntArray, IntArray]:
        """Return each unit's rank interval: the 5 % and 95 % quantiles by default."""
        _check_coverage(coverage)
        tail = (1 - coverage) / 2
        return self.rank_quantile(tail, node), self.rank_quantile(1 - tail, node)

    def p_rank_at_most(self, k: int, node: str | None = None) -> FloatArray:
        """Return each unit's probability of a rank of ``k`` or better (e.g. ``k=15``: top 15).

        The share of all replications, so a replication where the unit has no
        score counts as not reaching ``k``; the rank quantiles
        (:meth:`rank_quantile`), by contrast, are taken over the replications
        where the unit has a rank.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            msg = f"a rank target must be a whole number >= 1, got {k!r}"
            raise DefinitionError(msg)
        # Whole counts added, then divided once: P(rank <= units) is exactly 1.
        out: FloatArray = self.counts[self._row(node)][:, 1 : k + 1].sum(axis=1) / self.n
        return out

    @property
    def varied(self) -> str:
        """What varied, in one line (``weights noise ±0.25; aggregation arithmetic | median``)."""
        return "; ".join(f"{k} {v}" for k, v in self.settings.items())

    def to_records(self, node: str | None = None) -> list[dict[str, Any]]:
        """One record per unit and kept node (or for one ``node``).

        Keys: ``unit``, ``node``, the nominal ``score`` and ``rank``,
        ``score_p05``, ``score_median``, ``score_p95``, ``rank_p05``,
        ``rank_median``, ``rank_p95``, ``p_top_K`` with a rank target, then
        ``replications``, ``seed``, ``varied`` and the data's ``note``.
        """
        nodes = self.nodes if node is None else (self.nodes[self._row(node)],)
        out = []
        for node in nodes:
            i = self.nodes.index(node)
            lo, hi = self.score_interval(node)
            med = self.score_median(node)
            r05, r95 = self.rank_interval(node)
            rmed = self.rank_median(node)
            target = (
                None if self.rank_target is None else self.p_rank_at_most(self.rank_target, node)
            )
            for j, unit in enumerate(self.units):
                row: dict[str, Any] = {
                    "unit": unit,
                    "node": node,
                    "score": None
                    if math.isnan(self.nominal_scores[i, j])
                    else float(self.nominal_scores[i, j]),
                    "rank": int(self.nominal_ranks[i, j]) or None,
                    "score_p05": None if math.isnan(lo[j]) else float(lo[j]),
                    "score_median": None if math.isnan(med[j]) else float(med[j]),
                    "score_p95": None if math.isnan(hi[j]) else float(hi[j]),
                    "rank_p05": int(r05[j]) or None,
                    "rank_median": int(rmed[j]) or None,
                    "rank_p95": int(r95[j]) or None,
                }
                if target is not None:
                    row[f"p_top_{self.rank_target}"] = float(target[j])
                row.update(replications=self.n, seed=self.seed, varied=self.varied, note=self.note)
                out.append(row)
        return out

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        return _pandas().DataFrame.from_records(self.to_records())

    def table(self, node: str | None = None, *, digits: int = 1) -> str:
        """Return a plain-text table at ``node`` (default: the index), best nominal rank first."""
        rows = self.to_records(self.nodes[self._row(node)])
        rows.sort(key=lambda r: (r["rank"] or 1 << 30, r["unit"]))
        target = f"p_top_{self.rank_target}" if self.rank_target is not None else None
        head = (
            "rank",
            "unit",
            "score",
            "score 5–95 %",
            "median rank",
            "rank 5–95 %",
            *((f"P(top {self.rank_target})",) if target else ()),
        )

        def num(x: float | None) -> str:
            return "—" if x is None else f"{x:.{digits}f}"

        body = [
            (
                str(r["rank"] or "—"),
                r["unit"],
                num(r["score"]),
                f"{num(r['score_p05'])}–{num(r['score_p95'])}",
                str(r["rank_median"] or "—"),
                f"{r['rank_p05'] or '—'}–{r['rank_p95'] or '—'}",
                *((f"{r[target]:.2f}",) if target else ()),
            )
            for r in rows
        ]
        lines = text_table(head, body, {0, 2, 3, 4, 5, 6})
        lines.append(f"{self.n} replications, seed {self.seed}; varied: {self.varied}")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        text = self.table()
        return f"<pre>{html.escape(text)}</pre>"

    def plot(self, kind: str = "ranks", *, node: str | None = None, **options: Any) -> Any:
        """Draw the result with matplotlib (needs the ``plot`` extra); return the Figure.

        Parameters
        ----------
        kind
            ``"ranks"``: nominal and median ranks with their 5–95 % rank
            intervals (:func:`cchc_indicators.plot.rank_intervals`);
            ``"scores"``: scores with their 5–95 % intervals, the rank
            interval written beside (:func:`cchc_indicators.plot.score_intervals`).
        node
            The node (default: the first kept, normally the index).
        **options
            Passed on to the plotting function.

        Raises
        ------
        DefinitionError
            For an unknown ``kind``.
        """
        from . import plot as plots

        if kind == "ranks":
            return plots.rank_intervals(self, node=node, **options)
        if kind == "scores":
            return plots.score_intervals(self, node=node, **options)
        msg = f"unknown plot kind {kind!r}; the kinds are 'ranks', 'scores'"
        raise DefinitionError(msg)


def _describe_weights(spec: WeightNoise | Dirichlet | None) -> str:
    """The weight noise as text: ``noise ±0.25``, ``Dirichlet(50) at levels [2]``, ``none``."""
    if spec is None or not spec.varies:
        return "none"
    what = (
        f"noise ±{spec.factor:g}"
        if isinstance(spec, WeightNoise)
        else f"Dirichlet({spec.concentration:g})"
    )
    return what + (f" at levels {list(spec.levels)}" if spec.levels else "")


def _settings(design: _Design) -> dict[str, str]:
    """What varied, as text."""
    out: dict[str, str] = {}
    if design.spec is not None and design.spec.varies:
        out["weights"] = _describe_weights(design.spec)
    roles = ("normalisation", "aggregation", "imputation")
    for role, labels, given in zip(roles, design.labels, design.given, strict=True):
        if given:
            out[role] = " | ".join(labels)
    return out or {"nothing": "(nominal only)"}


def uncertainty(
    index: CompositeIndex,
    data: Observations,
    *,
    n: int = 1000,
    seed: int | None = None,
    weights: WeightSpec = None,
    normalisation: object = None,
    aggregation: object = None,
    imputation: object = None,
    base_weights: str | Mapping[str, float] | None = None,
    period: str | int | None = None,
    units: Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    nodes: Sequence[str] | None = None,
    rank_target: int | None = None,
    progress: Progress | None = None,
    chunk: int | None = None,
) -> Uncertainty:
    """Monte Carlo uncertainty analysis of an index's scores and ranks.

    Each replication draws its weights (``weights``), and one alternative
    each of ``normalisation``, ``aggregation`` and ``imputation`` (uniformly
    among those given; ``None`` keeps the index's own), then scores and
    ranks every unit. All replications of a chunk are computed together.

    Parameters
    ----------
    index, data
        The index and its observations.
    n
        The number of replications.
    seed
        Seeds :func:`numpy.random.default_rng`; the same seed gives the same
        result (whatever ``chunk``).
    weights
        ``None`` (nominal weights), a noise factor (as :class:`WeightNoise`),
        :class:`WeightNoise` or :class:`Dirichlet`.
    normalisation, aggregation, imputation
        Alternatives to draw from (method names, :class:`Method` objects;
        for ``aggregation`` an item may be one method per level).
    base_weights
        The nominal weights: a weight set, a mapping or ``"pca"``.
    period, units, groups
        As for :func:`~cchc_indicators.composite.compute_index`.
    nodes
        The nodes whose replications are kept (default: all; the first
        listed is the default of the summaries, normally the index).
    rank_target
        A rank to report the probability of reaching (15: "top 15").
    progress
        Called as ``progress(done, n)`` after each chunk.
    chunk
        Replications per chunk of the level-by-level path (default: sized so that a
        level's arrays hold about 250,000 values, about 2 MB, and stay in cache).

    Returns
    -------
    Uncertainty

    Raises
    ------
    DefinitionError
        For bad settings, or when the kept replications would need more
        than 1 GiB (keep fewer ``nodes``).

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> u = uncertainty(idx, data, n=2000, seed=1, weights=0.5, normalisation=["minmax", "zscore"])
    >>> lo, hi = u.rank_interval()
    >>> lo.tolist(), hi.tolist()
    ([2, 1, 1, 3], [4, 2, 3, 4])
    >>> same = uncertainty(idx, data, n=100, seed=3)        # nothing varies: the nominal result
    >>> bool((same.scores == same.nominal.scores).all())
    True
    """
    n = _check_n(n)
    seed = _check_seed(seed)
    if rank_target is not None and (
        isinstance(rank_target, bool) or not isinstance(rank_target, int) or rank_target < 1
    ):
        msg = f"'rank_target' must be a whole number >= 1, got {rank_target!r}"
        raise DefinitionError(msg)
    design = _design(
        index,
        data,
        weights=weights,
        base_weights=base_weights,
        normalisation=normalisation,
        aggregation=aggregation,
        imputation=imputation,
        period=period,
        units=units,
        groups=groups,
        nodes=nodes,
    )
    U = design.leaf_alternatives.shape[-1]
    _check_memory(n, len(design.keep), U)
    rng = np.random.default_rng(seed)
    w, norm, agg, imp = _draw(design, n, rng)
    scores, counts = design.evaluate(
        w, norm, agg, imp, chunk=_chunk(design, chunk), progress=progress
    )
    nominal = design.nominal
    codes = tuple(nominal.nodes[i] for i in design.keep.tolist())
    return Uncertainty(
        nominal=nominal,
        units=nominal.units,
        nodes=codes,
        nominal_scores=nominal.scores[design.keep],
        nominal_ranks=nominal.ranks[design.keep],
        scores=scores,
        counts=counts,
        n=n,
        seed=seed,
        settings=_settings(design),
        rank_target=rank_target,
        note=nominal.note,
    )


@attrs.frozen
class Sensitivity:
    """First-order and total sensitivity indices of each uncertain choice.

    Attributes
    ----------
    factors
        The uncertain choices: ``weights``, ``normalisation``,
        ``aggregation``, ``imputation`` (those that vary).
    first_order, total
        The estimates, one per factor: the share of the output's variance
        due to the factor alone, and including its interactions.
    first_order_interval, total_interval
        Bootstrap 90 % intervals, shape ``(factors, 2)`` (NaN without
        bootstrap).
    variance
        The output's variance; 0 means the ranks never moved (indices NaN).
    n, runs, seed
        The base sample size, the number of model runs ``n * (factors + 2)``
        and the seed.
    output
        What the indices decompose: the mean absolute rank shift of the units
        from their nominal ranks at ``node``.
    """

    factors: tuple[str, ...]
    first_order: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    total: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    first_order_interval: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    total_interval: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    variance: float
    n: int
    runs: int
    seed: int | None
    node: str
    output: str = "mean absolute rank shift from the nominal ranks"
    note: str = ""

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]:
        """One record per factor: ``factor``, ``first_order``, ``total``, their intervals, and context.

        The context keys: ``node``, ``output``, ``n``, ``runs``, ``seed`` and
        the data's ``note``. ``level`` is accepted for the command line's
        writer and ignored.
        """
        del level

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return [
            {
                "factor": f,
                "first_order": num(self.first_order[i]),
                "first_order_low": num(self.first_order_interval[i, 0]),
                "first_order_high": num(self.first_order_interval[i, 1]),
                "total": num(self.total[i]),
                "total_low": num(self.total_interval[i, 0]),
                "total_high": num(self.total_interval[i, 1]),
                "node": self.node,
                "output": self.output,
                "n": self.n,
                "runs": self.runs,
                "seed": self.seed,
                "note": self.note,
            }
            for i, f in enumerate(self.factors)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        return _pandas().DataFrame.from_records(self.to_records())

    def table(self, level: str | None = None) -> str:
        """Return a plain-text table of the indices."""
        del level

        def num(x: float | None) -> str:
            return "—" if x is None else f"{x:.3f}"

        body = [
            (
                r["factor"],
                num(r["first_order"]),
                f"{num(r['first_order_low'])}–{num(r['first_order_high'])}",
                num(r["total"]),
                f"{num(r['total_low'])}–{num(r['total_high'])}",
            )
            for r in self.to_records()
        ]
        lines = text_table(
            ("factor", "first order", "90 % interval", "total", "90 % interval"), body, {1, 2, 3, 4}
        )
        lines.append(
            f"output: {self.output} at {self.node!r}; {self.runs} runs (n = {self.n}), seed {self.seed}"
        )
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def plot(self, **options: Any) -> Any:
        """Draw the indices as bars (needs the ``plot`` extra)."""
        from . import plot as plots

        return plots.sensitivity_bars(self, **options)


def _estimate(
    yA: FloatArray, yB: FloatArray, yAB: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Saltelli (2010) first order and Jansen total indices over the last axis; also the variance.

    ``yA``, ``yB`` have shape ``(..., N)``, ``yAB`` ``(..., F, N)``.
    """
    V = np.concatenate([yA, yB], axis=-1).var(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = (yB[..., np.newaxis, :] * (yAB - yA[..., np.newaxis, :])).mean(axis=-1) / V[
            ..., np.newaxis
        ]
        total = 0.5 * ((yA[..., np.newaxis, :] - yAB) ** 2).mean(axis=-1) / V[..., np.newaxis]
    bad = ~(V > 0)
    first = np.where(bad[..., np.newaxis], np.nan, first)
    total = np.where(bad[..., np.newaxis], np.nan, total)
    return first, total, V


def sensitivity(
    index: CompositeIndex,
    data: Observations,
    *,
    n: int = 1000,
    seed: int | None = None,
    weights: WeightSpec = None,
    normalisation: object = None,
    aggregation: object = None,
    imputation: object = None,
    base_weights: str | Mapping[str, float] | None = None,
    period: str | int | None = None,
    units: Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    node: str | None = None,
    bootstrap: int = 500,
    progress: Progress | None = None,
    chunk: int | None = None,
) -> Sensitivity:
    """Variance-based sensitivity indices of each uncertain choice (Saltelli design).

    Two independent samples ``A`` and ``B`` of ``n`` replications are drawn;
    for each factor ``i``, ``A_B^(i)`` is ``A`` with factor ``i`` taken from
    ``B``. The output of each run is the mean absolute shift of the units'
    ranks at ``node`` from their nominal ranks. With ``V`` the variance of
    the outputs of ``A`` and ``B``:

    * first order ``S_i = mean(f(B) * (f(A_B^(i)) - f(A))) / V``;
    * total ``ST_i = mean((f(A) - f(A_B^(i)))**2) / (2 V)``.

    The weights count as one factor (all weights together), as in COINr.

    Parameters
    ----------
    n
        The base sample size; ``n * (factors + 2)`` runs are made.
    node
        The node whose ranks are the output (default: the index).
    bootstrap
        Resamples of the ``n`` rows for the 90 % intervals (0: none).
    Others
        As for :func:`uncertainty`.

    Returns
    -------
    Sensitivity

    Raises
    ------
    DefinitionError
        If nothing varies, or for bad settings.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> s = sensitivity(idx, data, n=2000, seed=1, weights=0.5, normalisation=["minmax", "zscore"])
    >>> s.factors, s.runs
    (('weights', 'normalisation'), 8000)
    >>> bool(s.total[0] > s.total[1])    # the weights matter more than the normaliser here
    True
    """
    n = _check_n(n)
    seed = _check_seed(seed)
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        msg = f"'bootstrap' must be a whole number >= 0, got {bootstrap!r}"
        raise DefinitionError(msg)
    design = _design(
        index,
        data,
        weights=weights,
        base_weights=base_weights,
        normalisation=normalisation,
        aggregation=aggregation,
        imputation=imputation,
        period=period,
        units=units,
        groups=groups,
        nodes=[node or index.code],
    )
    factors = []
    if design.spec is not None and design.spec.varies:
        factors.append("weights")
    for name, size in zip(
        ("normalisation", "aggregation", "imputation"), design.sizes, strict=True
    ):
        if size > 1:
            factors.append(name)
    if not factors:
        msg = "nothing varies: give weight noise or at least two alternatives of a method"
        raise DefinitionError(msg)
    rng = np.random.default_rng(seed)
    A = _draw(design, n, rng)
    B = _draw(design, n, rng)
    slot = {"weights": 0, "normalisation": 1, "aggregation": 2, "imputation": 3}
    parts: list[tuple[Any, ...]] = [A, B]
    for f in factors:
        mixed = list(A)
        mixed[slot[f]] = B[slot[f]]
        parts.append(tuple(mixed))
    w = np.concatenate([p[0] for p in parts])
    norm, agg, imp = (np.concatenate([p[j] for p in parts]) for j in (1, 2, 3))
    scores = design.evaluate(
        w, norm, agg, imp, chunk=_chunk(design, chunk), progress=progress, count_ranks=False
    )[0][:, 0]
    nominal_rank = design.nominal.ranks[design.keep[0]]
    r = ranks(scores)
    both = (r > 0) & (nominal_rank > 0)
    with np.errstate(invalid="ignore"):
        y = np.where(both, np.abs(r - nominal_rank), 0).sum(axis=1) / np.maximum(
            both.sum(axis=1), 1
        )
    y = y.astype(np.float64)
    yA, yB = y[:n], y[n : 2 * n]
    yAB = y[2 * n :].reshape(len(factors), n)
    first, total, V = _estimate(yA, yB, yAB)
    lo_hi = np.full((2, len(factors), 2), np.nan)
    if bootstrap:
        pick = rng.integers(n, size=(bootstrap, n))
        bf, bt, _ = _estimate(yA[pick], yB[pick], np.moveaxis(yAB[:, pick], 0, 1))
        with np.errstate(invalid="ignore"):
            lo_hi[0] = (
                np.nanquantile(bf, [0.05, 0.95], axis=0).T if not np.isnan(bf).all() else np.nan
            )
            lo_hi[1] = (
                np.nanquantile(bt, [0.05, 0.95], axis=0).T if not np.isnan(bt).all() else np.nan
            )
    return Sensitivity(
        factors=tuple(factors),
        first_order=first,
        total=total,
        first_order_interval=lo_hi[0],
        total_interval=lo_hi[1],
        variance=float(V),
        n=n,
        runs=len(y),
        seed=seed,
        node=design.nominal.nodes[design.keep[0]],
        note=design.nominal.note,
    )


def points_uncertainty(
    structure: Any,
    values: Mapping[str, Sequence[float] | FloatArray],
    units: Sequence[str],
    *,
    n: int = 1000,
    seed: int | None = None,
    weights: WeightNoise | Dirichlet | float = 0.25,
    not_applicable: Mapping[str, Any] | None = None,
    peers: Any = None,
    rank_target: int | None = None,
    note: str = "",
) -> Uncertainty:
    """Monte Carlo over the domain weights of a points tree (the top-level maxima).

    Each replication scales every top-level component's points and
    applicable maximum by its drawn weight relative to the nominal maximum
    (:class:`WeightNoise` or :class:`Dirichlet` on the maxima), so the index
    becomes ``100 * sum(g_d * points_d) / sum(g_d * applicable_d)``. Points
    within a domain do not change; only the index and its ranks vary (the
    kept node is the structure's code).

    Returns
    -------
    Uncertainty
        With ``nominal`` a :class:`~cchc_indicators.points.PointsResult`, whose
        ``index``, ``rank`` and ``total`` are arrays (an
        :class:`~cchc_indicators.composite.IndexResult` has methods
        ``score()`` and ``rank()`` instead).

    Examples
    --------
    >>> from cchc_indicators import points
    >>> s = points.load_structure("pci-2016")
    >>> vals = {c.code: [c.maximum * f for f in (0.9, 0.5, 0.7)] for c in s.leaves()}
    >>> u = points_uncertainty(s, vals, ["A", "B", "C"], n=200, seed=1)
    >>> u.rank_median().tolist()
    [1, 3, 2]
    """
    from .points import evaluate_points

    n = _check_n(n)
    seed = _check_seed(seed)
    spec = _weight_spec(weights)
    nominal = evaluate_points(structure, values, units, not_applicable=not_applicable, peers=peers)
    top = [nominal.nodes.index(c.code) for c in structure.components]
    maxima = np.array([c.maximum for c in structure.components], dtype=np.float64)
    k = len(top)
    parent = np.zeros(k + 1, dtype=np.int64)
    parent[0] = -1
    level = np.ones(k + 1, dtype=np.int64)
    level[0] = 0
    base = np.concatenate([[1.0], maxima])
    rng = np.random.default_rng(seed)
    drawn = draw_weights(spec, base, parent, level, n, rng)[:, 1:]
    g = drawn / np.where(maxima > 0, maxima, 1.0)  # (n, k)
    pts = nominal.points[top]  # (k, U)
    appl = nominal.applicable[top]
    with np.errstate(invalid="ignore", divide="ignore"):
        # Elementwise sums over the domains, in the order evaluate_points adds
        # them, so that zero noise gives its index exactly.
        total = (g[:, :, np.newaxis] * pts).sum(axis=1)
        denom = (g[:, :, np.newaxis] * appl).sum(axis=1)
        index = np.where(denom > 0, 100.0 * total / denom, np.nan)
    scores = index[:, np.newaxis, :]
    U = len(nominal.units)
    return Uncertainty(
        nominal=nominal,
        units=nominal.units,
        nodes=(structure.code,),
        nominal_scores=nominal.index[np.newaxis],
        nominal_ranks=nominal.rank[np.newaxis],
        scores=scores,
        counts=_rank_counts(ranks(scores), U),
        n=n,
        seed=seed,
        settings={"weights": f"{_describe_weights(spec)} on the domain maxima"},
        rank_target=rank_target,
        note=note,
    )
