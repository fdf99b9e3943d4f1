"""Uncertainty and sensitivity analysis of composite indices, vectorised over replications.

:func:`uncertainty` draws ``n`` replications of the uncertain choices of an
index (weights, normalisation, aggregation, imputation, and any other setting
of the definition given as a :class:`Setting`), scores every unit in each,
and summarises: score intervals, median rank, 5–95 % rank interval, the
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

Settings
    A :class:`Setting` varies any field of the definition (a threshold, a
    method's option, a node's weight, an outlier treatment on or off:
    ``path=`` into :meth:`CompositeIndex.to_dict
    <cchc_indicators.composite.CompositeIndex.to_dict>` with ``values=``),
    gives explicit variant definitions, or removes indicators
    (:meth:`Setting.drop`). Each distinct combination of variants drawn is
    scored once by :func:`~cchc_indicators.composite.compute_index` (its
    normalised indicators, weights and tree), and the replications that drew
    it are aggregated together. Every variant must score the index's units.

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
>>> from cchc_indicators.composite.uncertainty import WeightNoise, uncertainty
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

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex
from cchc_indicators.composite._engine import ranks
from cchc_indicators.composite._settings import Setting
from cchc_indicators.composite._uncertainty_design import (
    Dirichlet,
    Progress,
    WeightNoise,
    WeightSpec,
    _describe_weights,
    _Design,
    _draw_settings,
    _rank_counts,
    _settings,
    _weight_spec,
)

# Tests and benchmarks draw replications as the analyses do: re-exported explicitly.
from cchc_indicators.composite._uncertainty_design import _design as _design
from cchc_indicators.composite._uncertainty_design import _draw as _draw
from cchc_indicators.composite._uncertainty_design import draw_weights as draw_weights
from cchc_indicators.composite._uncertainty_result import Sensitivity, Uncertainty
from cchc_indicators.core._args import check_type
from cchc_indicators.core.errors import DefinitionError

__all__ = [
    "Dirichlet",
    "Sensitivity",
    "Setting",
    "Uncertainty",
    "WeightNoise",
    "points_uncertainty",
    "sensitivity",
    "uncertainty",
]

FloatArray = NDArray[np.float64]

#: The weight noise factor varied by default: each weight times ``1 + 0.25 u``, ``u`` uniform
#: on [-1, 1] (COINr's customary noise factor), as ``cchc index --uncertainty`` varies them.
DEFAULT_NOISE = 0.25
#: Refuse to keep more replicated scores than this many bytes (choose fewer ``nodes``).
MEMORY_LIMIT = 1 << 30
#: Default number of values (replications × children × units) aggregated at once: small
#: enough for a chunk's arrays to stay in cache.
CHUNK_CELLS = 250_000


def _chunk(design: _Design, chunk: int | None) -> int:
    if chunk is not None:
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            msg = f"'chunk' must be a whole number >= 1, got {chunk!r}"
            raise DefinitionError(msg)
        return chunk
    U = design.leaf_alternatives.shape[-1]
    # Copeland's pairs of units are compared in blocks of bounded size (and each distinct
    # comparison once), so a chunk is sized by the children's values, as for the other methods.
    biggest = max((g.children.size * U for c in design.compiled for g in c.groups), default=U)
    cells = max(biggest, len(design.keep) * U)
    return max(1, CHUNK_CELLS // int(cells))


def _check_seed(seed: object) -> int:
    """A seed is a whole number >= 0; None draws one from the system, so the result can say it.

    A result must say how to reproduce it: with ``seed=None`` the seed drawn
    (:class:`numpy.random.SeedSequence`'s entropy) is the one used and reported.
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
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


def uncertainty(
    index: CompositeIndex,
    data: Observations,
    *,
    n: int = 1000,
    seed: int | None = None,
    weights: WeightSpec = DEFAULT_NOISE,
    normalisation: object = None,
    aggregation: object = None,
    imputation: object = None,
    settings: Sequence[Setting] | None = None,
    base_weights: str | Mapping[str, float] | None = None,
    period: str | int | None = None,
    units: Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    nodes: Sequence[str] | None = None,
    rank_target: int | None = None,
    progress: Progress | None = None,
    chunk: int | None = None,
    on_unknown: Literal["raise", "ignore"] = "raise",
) -> Uncertainty:
    """Monte Carlo uncertainty analysis of an index's scores and ranks.

    Each replication draws its weights (``weights``), one alternative
    each of ``normalisation``, ``aggregation`` and ``imputation`` (uniformly
    among those given; ``None`` keeps the index's own), and one variant of
    each setting in ``settings`` (uniformly), then scores and ranks every
    unit. All replications of a chunk are computed together.

    By default the weights vary by ±25 % (``DEFAULT_NOISE``), as with
    ``cchc index --uncertainty``, and nothing else: an analysis that varied
    nothing would only repeat the nominal result (intervals of zero width,
    P(top k) of 0 or 1). To vary only the methods, pass ``weights=None``
    with alternatives; with ``weights=None`` and no alternatives every
    replication is the nominal result, and :attr:`Uncertainty.settings`
    says that nothing varied.

    Parameters
    ----------
    index, data
        The index and its observations.
    n
        The number of replications.
    seed
        Seeds :func:`numpy.random.default_rng`; the same seed gives the same
        result (whatever ``chunk``). ``None`` draws a seed from the system
        and reports it in :attr:`Uncertainty.seed`, so the run can be
        repeated.
    weights
        A noise factor (as :class:`WeightNoise`; default 0.25),
        :class:`WeightNoise`, :class:`Dirichlet`, or ``None`` (or 0): the
        nominal weights in every replication.
    normalisation, aggregation, imputation
        Alternatives to draw from (method names,
        :class:`~cchc_indicators.composite.Method` objects; for
        ``aggregation`` an item may be one method per level).
    settings
        Any other settings to vary: a list of :class:`Setting` (a field of
        the definition and its values, explicit variants, or indicators
        removed by :meth:`Setting.drop`). A variant's weights move as the
        index's do: each node's weight keeps its drawn change relative to
        the index's weight (its own weight where the index's is 0). A node a
        variant removes has no score in its replications.
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
    on_unknown
        Observations of a code that is not an indicator of the index:
        ``"raise"`` (the default) refuses them, ``"ignore"`` leaves them out
        and says so in the note (see
        :func:`~cchc_indicators.composite.compute_index`).

    Returns
    -------
    Uncertainty

    Raises
    ------
    DefinitionError
        For bad settings, or when the kept replications would need more
        than 1 GiB (keep fewer ``nodes``); for a :class:`Setting`, also a
        path the definition does not have, a value it refuses, a variant
        that scores other units (a screening), two settings changing the
        same field, or a setting changing a method also given as
        alternatives.

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> data = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, list("WXYZ"))
    >>> u = uncertainty(idx, data, n=2000, seed=1, weights=0.5, normalisation=["minmax", "zscore"])
    >>> lo, hi = u.rank_interval()
    >>> lo.tolist(), hi.tolist()
    ([2, 1, 1, 3], [4, 2, 3, 4])
    >>> uncertainty(idx, data, n=100, seed=3).settings     # by default: the weights, ±25 %
    {'weights': 'noise ±0.25'}
    >>> same = uncertainty(idx, data, n=100, seed=3, weights=None)   # nothing varies: the nominal result
    >>> bool((same.scores == same.nominal.scores).all()), same.settings
    (True, {'nothing': '(nominal only)'})
    >>> wb = Setting("weight of b", path="node:b.weight", values=[1, 2, 3])
    >>> u = uncertainty(idx, data, n=2000, seed=1, weights=None, settings=[wb, Setting.drop(idx)])
    >>> u.settings
    {'weight of b': '1 | 2 | 3', 'removed': 'all | without a | without b'}
    >>> u.rank_probabilities()[0].round(2).tolist()    # W: first whenever a is alone (1 draw in 3)
    [0.32, 0.0, 0.1, 0.58]
    """
    check_type(index, CompositeIndex, func="uncertainty", parameter="index")
    check_type(data, Observations, func="uncertainty", parameter="data")
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
        on_unknown=on_unknown,
        settings=settings,
    )
    U = design.leaf_alternatives.shape[-1]
    _check_memory(n, len(design.keep), U)
    rng = np.random.default_rng(seed)
    w, norm, agg, imp = _draw(design, n, rng)
    variants = _draw_settings(design, n, rng)
    scores, counts = design.evaluate(
        w, norm, agg, imp, chunk=_chunk(design, chunk), progress=progress, variants=variants
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
    weights: WeightSpec = DEFAULT_NOISE,
    normalisation: object = None,
    aggregation: object = None,
    imputation: object = None,
    settings: Sequence[Setting] | None = None,
    base_weights: str | Mapping[str, float] | None = None,
    period: str | int | None = None,
    units: Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    node: str | None = None,
    bootstrap: int = 500,
    progress: Progress | None = None,
    chunk: int | None = None,
    on_unknown: Literal["raise", "ignore"] = "raise",
) -> Sensitivity:
    """Variance-based sensitivity indices of each uncertain choice (Saltelli design).

    Two independent samples ``A`` and ``B`` of ``n`` replications are drawn;
    for each factor ``i``, ``A_B^(i)`` is ``A`` with factor ``i`` taken from
    ``B``. The output of each run is the mean absolute shift of the units'
    ranks at ``node`` from their nominal ranks. With ``V`` the variance of
    the outputs of ``A`` and ``B``:

    * first order ``S_i = mean(f(B) * (f(A_B^(i)) - f(A))) / V``;
    * total ``ST_i = mean((f(A) - f(A_B^(i)))**2) / (2 V)``.

    The weights count as one factor (all weights together), as in COINr;
    by default they vary by ±25 %, as in :func:`uncertainty` (pass
    ``weights=None`` to vary only the methods given). Each method with two
    or more alternatives is a factor, and so is each :class:`Setting` with
    two or more variants, named by its name.

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
    >>> s = sensitivity(idx, data, n=2000, seed=1, weights=0.5, settings=[Setting.drop(idx)], bootstrap=0)
    >>> s.factors, bool(s.total[1] > s.total[0])   # removing an indicator matters more
    (('weights', 'removed'), True)
    """
    check_type(index, CompositeIndex, func="sensitivity", parameter="index")
    check_type(data, Observations, func="sensitivity", parameter="data")
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
        on_unknown=on_unknown,
        settings=settings,
    )
    factors = []
    if design.spec is not None and design.spec.varies:
        factors.append("weights")
    for name, size in zip(
        ("normalisation", "aggregation", "imputation"), design.sizes, strict=True
    ):
        if size > 1:
            factors.append(name)
    slot: dict[str, int | tuple[int, int]] = {
        "weights": 0,
        "normalisation": 1,
        "aggregation": 2,
        "imputation": 3,
    }
    varied = design.variation.settings if design.variation is not None else ()
    for j, s in enumerate(varied):
        if len(s.labels) > 1:
            factors.append(s.name)
            slot[s.name] = (4, j)
    if not factors:
        msg = (
            "nothing varies: give weight noise or at least two alternatives of a method "
            "(or a setting with at least two variants)"
        )
        raise DefinitionError(msg)
    rng = np.random.default_rng(seed)
    A: tuple[Any, ...] = _draw(design, n, rng)
    B: tuple[Any, ...] = _draw(design, n, rng)
    # The settings' variants are drawn after the rest, so that adding settings leaves the
    # draws of the weights and methods as they were.
    A = (*A, _draw_settings(design, n, rng))
    B = (*B, _draw_settings(design, n, rng))
    parts: list[tuple[Any, ...]] = [A, B]
    for f in factors:
        mixed = list(A)
        where = slot[f]
        if isinstance(where, tuple):
            column = mixed[4].copy()
            column[:, where[1]] = B[4][:, where[1]]
            mixed[4] = column
        else:
            mixed[where] = B[where]
        parts.append(tuple(mixed))
    w = np.concatenate([p[0] for p in parts])
    norm, agg, imp, variants = (np.concatenate([p[j] for p in parts]) for j in (1, 2, 3, 4))
    scores = design.evaluate(
        w,
        norm,
        agg,
        imp,
        chunk=_chunk(design, chunk),
        progress=progress,
        count_ranks=False,
        variants=variants,
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
    weights: WeightNoise | Dirichlet | float = DEFAULT_NOISE,
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
        With ``nominal`` a :class:`~cchc_indicators.composite.points.PointsResult`, whose
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
    from cchc_indicators.composite.points import evaluate_points

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
