"""What :func:`~cchc_indicators.composite.uncertainty.uncertainty` fixes before the replications, and the draws.

The weight noise (:class:`WeightNoise`, :class:`Dirichlet`) and
:func:`draw_weights`, which draws every replication's weights up front;
:func:`_design`, which checks the alternatives of each method, computes the
nominal result and the normalised indicators of every pair of normalisation
and imputation once, and compiles the tree for every aggregation; and
:meth:`_Design.evaluate`, which scores the replications, those sharing their
methods together, a chunk at a time. :mod:`cchc_indicators.composite.uncertainty`
offers the public names and runs the analyses on top of this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex, Method, check_method
from cchc_indicators.composite._engine import (
    Compiled,
    aggregation_spec,
    codes_argument,
    collapse_levels,
    compile_index,
    leaf_scores,
    levels_in_chunks,
    prepare,
    ranks,
    run_levels,
    scaled_by_family,
    uniform_power_mean,
    weight_vector,
)
from cchc_indicators.composite._result import IndexResult, compute_index
from cchc_indicators.composite._settings import Stage, Variation, variation
from cchc_indicators.core.errors import (
    DefinitionError,
    InvalidDataError,
    Problem,
    UnknownIndicatorError,
)

__all__ = ["Dirichlet", "WeightNoise", "WeightSpec", "draw_weights"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Progress = Callable[[int, int], None]


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
    cchc_indicators.core.errors.DefinitionError: a weight noise factor must be from 0 to 1, got 1.5
    """

    factor: float = attrs.field(converter=_factor)
    levels: tuple[int, ...] | None = attrs.field(default=None, converter=_levels)

    @property
    def varies(self) -> bool:
        """``True`` unless the factor is 0.

        Examples
        --------
        >>> WeightNoise(0.25).varies, WeightNoise(0).varies
        (True, False)
        """
        return self.factor > 0


@attrs.frozen
class Dirichlet:
    """Dirichlet noise on each node's children's weight shares, centred on the nominal shares.

    The shares of a node's children follow a Dirichlet distribution with
    parameters ``concentration * share`` (mean: the nominal shares; variance
    of a share ``s``: ``s (1 - s) / (concentration + 1)``). They are drawn in
    log space, so a small concentration, whose gamma draws would all be
    below the smallest float, still gives finite shares that add up to 1
    (as the concentration goes to 0, one child takes the whole weight, each
    with the probability of its nominal share).

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
        """``True`` unless the concentration is infinite.

        Examples
        --------
        >>> import math
        >>> Dirichlet(50).varies, Dirichlet(math.inf).varies
        (True, False)
        """
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
    drawn = _dirichlet_shares(spec.concentration, share, parent, n, rng)
    drawn = drawn * sums[np.maximum(parent, 0)]
    return np.where(chosen & (parent >= 0), drawn, base)


def _dirichlet_shares(
    concentration: float, share: FloatArray, parent: IntArray, n: int, rng: np.random.Generator
) -> FloatArray:
    """``n`` draws of Dirichlet shares within each family, shape ``(n, k)``, drawn in log space.

    A node's share is ``G_i / sum(G_j)`` over its family, with ``G_i ~
    Gamma(a_i)`` and ``a_i = concentration * share_i``. For a small shape most
    of a gamma's mass lies below the smallest float (``P(Gamma(0.0005) <
    1e-308)`` is 0.70), so every draw of a family could be 0 and the share
    0 / 0. The logs are drawn instead:

    * ``log G = log Gamma(a)`` for ``a >= 1``, which does not underflow;
    * ``log G = log Gamma(a + 1) + log(U) / a`` for ``a < 1``, with ``U``
      uniform on [0, 1): ``Gamma(a + 1) U^(1/a)`` is exactly ``Gamma(a)``
      (Marsaglia and Tsang, 2000), and its log does not underflow;

    then each family is normalised with a log-sum-exp: ``exp(log G_i -
    max_j log G_j)`` is at most 1, and exactly 1 for the family's largest, so
    their sum is at least 1. ``log(U) / a`` overflows for shapes below about
    ``4e-306`` (and ``a`` itself underflows for a subnormal concentration), so
    a family whose shapes are all below 1 works with ``c log G = c log
    Gamma(a + 1) + log(U) / share`` (``c`` the concentration) and divides the
    differences by ``c``: as ``c`` goes to 0 one sibling takes the whole
    family, sibling ``i`` with probability ``share_i``, the Dirichlet's limit.

    A zero share stays 0; the root (no siblings) is left out. The gamma draws
    are those of ``rng.gamma(a)`` where every shape is at least 1 (as before
    this method); the uniforms are drawn after them, only when a shape is
    below 1.
    """
    k = share.shape[0]
    child = parent >= 0
    if not child.any():
        alone: FloatArray = np.broadcast_to(share, (n, k)).copy()
        return alone
    family = np.maximum(parent, 0)
    positive = child & (share > 0)
    alpha = concentration * share
    small = positive & (alpha < 1.0)
    g = rng.gamma(np.where(small, alpha + 1.0, np.where(alpha > 0, alpha, 1.0)), size=(n, k))
    # Families whose largest shape is below 1 are computed times the concentration.
    largest = np.zeros(k)
    np.maximum.at(largest, family[positive], alpha[positive])
    scaled = (largest < 1.0)[family]
    scale = np.where(scaled, concentration, 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_g = scale * np.log(g)
        if small.any():
            per_log_u = np.where(scaled, 1.0 / share, 1.0 / alpha)  # scale / a
            log_g = log_g + np.where(small, np.log(rng.random((n, k))) * per_log_u, 0.0)
        log_g = np.where(positive, log_g, -np.inf)
        # Each family's largest log: the children grouped by parent, one reduceat.
        order = np.flatnonzero(child)[np.argsort(parent[child], kind="stable")]
        grouped = parent[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
        top = np.full((n, k), -np.inf)
        top[:, grouped[starts]] = np.maximum.reduceat(log_g[:, order], starts, axis=1)
        e = np.exp((log_g - top[:, family]) / scale)
    e = np.where(positive & ~np.isnan(e), e, 0.0)
    rows = np.repeat(np.arange(n), k)
    totals = np.bincount(rows * k + np.tile(family, n), weights=e.ravel(), minlength=n * k)
    totals = totals.reshape(n, k)[:, family]
    # A family without a draw above -inf (every weight 0, or U = 0 for every sibling,
    # which has probability 0) keeps its nominal shares.
    out: FloatArray = np.where(totals > 0, e / np.where(totals > 0, totals, 1.0), share)
    return out


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
    # The settings varied (``settings=``): their variants and the combinations scored so far.
    variation: Variation | None = None

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
          (:func:`~cchc_indicators.composite._engine.collapse_levels`), the others
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
        scores = np.empty((len(rows), len(self.keep), U))  # written to out in one step
        slow = np.arange(U)
        if uniform_power_mean(compiled) is not None:
            complete = ~np.isnan(leaves).any(axis=0)
            quick = np.flatnonzero(complete)
            fast = (
                collapse_levels(compiled, leaves[:, quick], weights[rows], self.keep)
                if len(quick)
                else None
            )
            if fast is not None:
                # Power means work unit by unit, so units can be split between the paths.
                scores[..., quick] = fast
                slow = np.flatnonzero(~complete)
        if len(slow):
            part = leaves[:, slow]
            scores[..., slow] = levels_in_chunks(compiled, part, weights[rows], self.keep, chunk)
        out[rows] = scores

    def describe(self, agg: int, combo: int, choice: Sequence[int] = ()) -> str:
        """The methods of one pair of alternatives (and the settings' variants), for messages."""
        imp, norm = divmod(combo, self.n_norm)
        norms, aggs, imps = self.labels
        text = f"with normalisation {norms[norm]}, aggregation {aggs[agg]}, imputation {imps[imp]}"
        if self.variation is not None and len(choice):
            text += f", {self.variation.describe(choice)}"
        return text

    def _fill_stage(
        self,
        stage: Stage,
        a: int,
        c: int,
        weights: FloatArray,
        rows: IntArray,
        out: FloatArray,
        *,
        fixed: bool,
        chunk: int,
    ) -> None:
        """As :meth:`_fill`, for a combination of variants: its own tree, leaves and weights."""
        U = out.shape[-1]
        missing = np.setdiff1d(np.arange(len(self.keep)), stage.present)
        if len(missing):
            out[np.ix_(rows, missing, np.arange(U))] = np.nan
        if not len(stage.present):
            return
        own = attrs.evolve(
            self,
            compiled=stage.compiled,
            leaf_alternatives=stage.leaves,
            base=stage.base,
            keep=stage.keep,
            variation=None,
        )
        scores = np.empty((len(rows), len(stage.keep), U))
        own._fill(
            a,
            c,
            stage.weights(weights[rows], self.base),
            np.arange(len(rows)),
            scores,
            fixed=fixed,
            chunk=chunk,
        )
        out[np.ix_(rows, stage.present, np.arange(U))] = scores

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
        variants: IntArray | None = None,
    ) -> tuple[FloatArray, IntArray]:
        """Scores of the kept nodes for every replication ``(R, kept, U)`` and their rank counts.

        ``variants`` ``(R, settings)`` holds the variant of each setting drawn
        by each replication (see :func:`_draw_settings`). The replications
        that drew the same combination of variants and methods are computed
        together; a combination other than the index itself is scored on its
        own tree, from its own leaves, and its nodes are put back in the
        index's places (a node it removed has no score).

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
        n_pairs = len(self.compiled) * n_leaf
        pair = agg * n_leaf + combo
        choices: list[tuple[int, ...]] = [()]
        if self.variation is not None and variants is not None and variants.shape[1]:
            # One number per distinct combination of variants drawn, then per pair of methods.
            drawn, which = np.unique(variants, axis=0, return_inverse=True)
            choices = [tuple(row) for row in drawn.tolist()]
            pair = np.ravel(which).astype(np.int64) * n_pairs + pair
        done = 0
        fixed = self.spec is None or not self.spec.varies
        # Replications that share their methods and variants are computed together.
        for key in np.unique(pair).tolist():
            same = np.flatnonzero(pair == key)
            v, rest = divmod(key, n_pairs)
            a, c = divmod(rest, n_leaf)
            try:
                stage = (
                    None
                    if self.variation is None or not choices[v]
                    else self.variation.stage(choices[v])
                )
                if stage is None:
                    self._fill(a, c, weights, same, out, fixed=fixed, chunk=chunk)
                else:
                    self._fill_stage(stage, a, c, weights, same, out, fixed=fixed, chunk=chunk)
            except InvalidDataError as err:
                where = self.describe(a, c, choices[v])
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
    on_unknown: Literal["raise", "ignore"] = "raise",
    settings: object = None,
) -> _Design:
    spec = _weight_spec(weights)
    norms = _alternatives("normalisation", normalisation, index) or (index.normalisation,)
    aggs = _alternatives("aggregation", aggregation, index) or (index.aggregation,)
    imps = _alternatives("imputation", imputation, index) or (index.imputation,)
    nominal = compute_index(
        index,
        data,
        period=period,
        units=units,
        weights=base_weights,
        groups=groups,
        on_unknown=on_unknown,
    )
    _, chosen, panel, at = prepare(index, data, period=period, units=units, groups=groups)
    # A method not varied is the index's own, indicators' own methods included (None).
    leaf = np.stack(
        [
            leaf_scores(
                index,
                panel,
                at,
                chosen,
                nm if normalisation is not None else None,
                im if imputation is not None else None,
                groups,
                data.units,
            )[0]
            for im in imps
            for nm in norms
        ]
    )
    compiled = tuple(compile_index(index, a) for a in aggs)
    codes = compiled[0].codes
    if nodes is None:
        keep = np.arange(len(codes))
    else:
        nodes = codes_argument(nodes, "nodes")
        lacking = [c for c in nodes if c not in codes]
        if lacking:
            msg = f"node {lacking[0]!r} is not in index {index.code!r}"
            raise UnknownIndicatorError(msg, key=lacking[0])
        keep = np.array([codes.index(c) for c in nodes], dtype=np.int64)
    # Each family's weights scaled by a power of two (the same index, exactly), so that the
    # noise drawn on them neither overflows (1e308) nor vanishes in rounding (5e-324).
    base = scaled_by_family(weight_vector(compiled[0], nominal.weights), compiled[0].parent)[0]

    def label(m: Method) -> str:
        return m.name + (f"({', '.join(f'{k}={v}' for k, v in m.options)})" if m.options else "")

    labels = (
        tuple(label(m) for m in norms),
        tuple(" / ".join(label(m) for m in a) for a in aggs),
        tuple(label(m) for m in imps),
    )
    given = (normalisation is not None, aggregation is not None, imputation is not None)
    sizes = (len(norms), len(aggs), len(imps))
    varied = variation(
        index,
        settings,
        data,
        taken=("weights", "normalisation", "aggregation", "imputation", "nothing"),
        units=nominal.units,
        nodes=codes,
        keep=keep,
        options={"period": period, "units": units, "groups": groups, "weights": base_weights},
        norms=norms if given[0] else None,
        imps=imps if given[2] else None,
        aggs=aggs if given[1] else None,
        leaves=leaf,
        weights=nominal.weights,
    )
    return _Design(
        nominal, compiled, leaf, len(norms), base, keep, spec, sizes, labels, given, varied
    )


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


def _draw_settings(design: _Design, n: int, rng: np.random.Generator) -> IntArray:
    """The variant of each setting drawn by each of ``n`` replications: ``(n, settings)``.

    Drawn after the weights and methods (:func:`_draw`), so that adding
    settings leaves those draws as they were; nothing is drawn without
    settings.
    """
    if design.variation is None:
        return np.zeros((n, 0), dtype=np.int64)
    sizes = design.variation.sizes
    out: IntArray = np.stack([rng.integers(k, size=n) for k in sizes], axis=1).astype(np.int64)
    return out


def _rank_counts(R: IntArray, U: int) -> IntArray:
    """Counts of each rank (0 = no score, 1..U) per kept node and unit: ``(kept, U, U + 1)``."""
    _, kept, _ = R.shape
    cell = np.arange(kept * U).reshape(kept, U)
    flat = (cell[np.newaxis] * (U + 1) + R).ravel()
    return np.bincount(flat, minlength=kept * U * (U + 1)).reshape(kept, U, U + 1)


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
    if design.variation is not None:
        for s in design.variation.settings:
            out[s.name] = " | ".join(s.labels)
    return out or {"nothing": "(nominal only)"}
