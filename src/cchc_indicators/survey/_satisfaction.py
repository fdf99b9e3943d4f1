"""The code of :mod:`cchc_indicators.survey`, whose public names it defines (see the package)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._notes import SYNTHETIC_NOTE
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    InvalidDataError,
    Problem,
)
from cchc_indicators.core.scopes import Scope
from cchc_indicators.survey import _stats as st
from cchc_indicators.survey._data import Elements, Responses, Scale, element_groups, parse_satisfied
from cchc_indicators.survey._read import OVERALL as _OVERALL
from cchc_indicators.survey._result import RECORD_KEYS as _RECORD_KEYS
from cchc_indicators.survey._result import SurveyResult, comparator, insert_after, mismatch
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "CONFIDENCE_STATUSES",
    "INTERVAL_METHODS",
    "OVERALL",
    "RECORD_KEYS",
    "Elements",
    "Responses",
    "Scale",
    "SurveyResult",
    "confidence_status",
    "kish_effective_size",
    "min_sample_size",
    "satisfaction",
    "synthetic_survey",
    "wilson_interval",
    "with_confidence",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: The name of the overall index (the mean of the element shares) among a result's items.
OVERALL = _OVERALL
#: The keys of each :meth:`SurveyResult.to_records` row, in order.
RECORD_KEYS = _RECORD_KEYS
#: The statuses :func:`confidence_status` gives (``no_data`` where a bound is missing).
CONFIDENCE_STATUSES = ("achieved", "inconclusive", "not_achieved", "no_data")
#: The interval methods a :class:`SurveyResult` names, per row.
INTERVAL_METHODS = ("wilson", "wilson_kish", "wilson_design", "bootstrap_percentile")


# ---------------------------------------------------------------------- intervals


def wilson_interval(
    share: float | Sequence[float] | FloatArray,
    n: float | Sequence[float] | FloatArray,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of a share in percent, observed among ``n`` (possibly effective) trials.

    With p = share / 100 and z the two-sided normal quantile of ``confidence``,
    the bounds are (Wilson 1927)

    .. math::

        \\frac{p + z^2/2n \\pm z\\sqrt{p(1-p)/n + z^2/4n^2}}{1 + z^2/n} \\times 100.

    The interval lies in [0, 100], contains the share, and narrows as ``n``
    grows. ``n`` need not be whole (an effective sample size); where it is 0,
    or where the share or ``n`` is NaN (missing), the bounds are NaN.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    share
        Shares in percent (0 to 100).
    n
        The number of trials (respondents), or an effective sample size.
    confidence
        The confidence level, strictly between 0 and 1.

    Returns
    -------
    tuple of numpy.ndarray
        The lower and upper bounds, in percent.

    Raises
    ------
    DefinitionError
        If a share lies outside [0, 100], ``n`` is negative or infinite, or the
        confidence level is not strictly between 0 and 1.
    ArgumentTypeError
        If ``share`` or ``n`` is not numbers.

    Examples
    --------
    Newcombe (1998, Table II) gives 0.2553 to 0.3662 for 81 of 263:

    >>> lo, hi = wilson_interval(100 * 81 / 263, 263)
    >>> round(float(lo) / 100, 4), round(float(hi) / 100, 4)
    (0.2553, 0.3662)
    >>> wilson_interval([90.0, 90.0], [40, 400])[0].round(1)
    array([76.9, 86.7])
    >>> wilson_interval(150, 10)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: wilson_interval: 'share' must be a percent between 0 and 100, got 150
    """
    z = st.z_value(st.check_confidence(confidence))
    p = st.numbers(share, func="wilson_interval", parameter="share")
    trials = st.numbers(n, func="wilson_interval", parameter="n")
    st.check_range(p, "wilson_interval", "share", "a percent between 0 and 100", 0.0, 100.0)
    st.check_range(trials, "wilson_interval", "n", "a number of trials >= 0", 0.0, np.inf)
    lower, upper = st.wilson(p / 100.0, trials, z)
    return lower * 100.0, upper * 100.0


def kish_effective_size(weights: Sequence[float] | FloatArray) -> float:
    """Kish's effective sample size of a weighted sample: (Σw)² / Σw².

    It equals the number of respondents when all weights are equal and falls
    as the weights spread out (Kish 1965). It accounts for unequal weighting
    only, not for clustering or stratification.

    .. versionadded:: 0.1.0

    The weights are divided by the largest first, so the size does not
    depend on their scale (weights of 1e200 or 1e-300 give what weights of 1
    give) and equal weights give exactly the number of respondents.

    Parameters
    ----------
    weights
        The design weights of the respondents (finite, >= 0).

    Returns
    -------
    float
        The effective sample size (0 for no respondent, or all weights 0).

    Raises
    ------
    DefinitionError
        If a weight is negative, infinite or NaN.

    Examples
    --------
    >>> kish_effective_size([2.0, 2.0, 2.0, 2.0])
    4.0
    >>> kish_effective_size([1.0, 1.0, 1.0, 5.0])  # 1.6**2 / 1.12
    2.285714285714286
    >>> kish_effective_size([1e200] * 3)
    3.0
    """
    w = st.numbers(weights, func="kish_effective_size", parameter="weights").ravel()
    st.check_range(w, "kish_effective_size", "weights", "finite and >= 0", 0.0, np.inf, nan=False)
    top = float(w.max()) if len(w) else 0.0
    if top == 0.0:
        return 0.0
    w = w / top  # scale-free: the largest is 1, so no square overflows or underflows to 0
    return float(np.sum(w)) ** 2 / float(np.sum(w * w))


def confidence_status(
    lower: float | Sequence[float] | FloatArray,
    upper: float | Sequence[float] | FloatArray,
    threshold: float | Sequence[float] | FloatArray,
    higher_is_better: bool | Sequence[bool] | NDArray[np.bool_] = True,
) -> NDArray[np.str_]:
    """Judge a target from an interval: ``achieved``, ``not_achieved`` or ``inconclusive``.

    For a target "at least threshold": ``achieved`` when the lower bound meets
    it, ``not_achieved`` when the upper bound is below it, otherwise
    ``inconclusive``. For "at most threshold" (``higher_is_better=False``):
    ``achieved`` when the upper bound is at or below it, ``not_achieved`` when
    the lower bound is above it. Where a bound is NaN the status is ``no_data``.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    lower, upper
        The bounds of the intervals.
    threshold
        The targets' thresholds.
    higher_is_better
        Whether each target is a minimum (default) or a maximum.

    Returns
    -------
    numpy.ndarray
        One status per element of the broadcast inputs.

    Raises
    ------
    DefinitionError
        If the inputs have different lengths (a single value goes with any
        length), or a lower bound lies above its upper bound.
    ArgumentTypeError
        If a bound or threshold is not numbers.

    Examples
    --------
    >>> confidence_status([86.6, 91.2, 80.1], [92.0, 96.0, 89.9], 90)
    array(['inconclusive', 'achieved', 'not_achieved'], dtype='<U12')
    >>> confidence_status(1.0, 2.5, 3.0, higher_is_better=False)
    array('achieved', dtype='<U12')
    >>> confidence_status(95, 85, 90)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: confidence_status: a lower bound lies above its upper bound: 95 > 85
    """
    func = "confidence_status"
    lo = st.numbers(lower, func=func, parameter="lower")
    hi = st.numbers(upper, func=func, parameter="upper")
    thr = st.numbers(threshold, func=func, parameter="threshold")
    up = np.asarray(higher_is_better, dtype=bool)
    try:
        np.broadcast_shapes(lo.shape, hi.shape, thr.shape, up.shape)
    except ValueError:
        shapes = ", ".join(
            f"{name} {_shape_text(x)}"
            for name, x in (
                ("lower", lo),
                ("upper", hi),
                ("threshold", thr),
                ("higher_is_better", up),
            )
        )
        msg = (
            f"{func}: lower, upper, threshold and higher_is_better must have one length "
            f"(a single value goes with any); got {shapes}"
        )
        raise DefinitionError(msg) from None
    with np.errstate(invalid="ignore"):
        reversed_ = lo > hi
    if reversed_.any():
        a, b = np.broadcast_arrays(lo, hi)
        i = np.flatnonzero(np.broadcast_to(reversed_, a.shape))[0]
        where = f" (position {i})" if a.ndim else ""
        msg = (
            f"{func}: a lower bound lies above its upper bound{where}: "
            f"{a.flat[i]:g} > {b.flat[i]:g}"
        )
        raise DefinitionError(msg)
    met = np.where(up, lo >= thr, hi <= thr)
    missed = np.where(up, hi < thr, lo > thr)
    out = np.where(met, "achieved", np.where(missed, "not_achieved", "inconclusive"))
    out = np.where(np.isnan(lo) | np.isnan(hi) | np.isnan(thr), "no_data", out)
    return out.astype("<U12")


def _shape_text(x: NDArray[Any]) -> str:
    """'a single value', 'length 3' or 'shape (2, 3)', for messages."""
    if x.ndim == 0:
        return "a single value"
    return f"length {x.shape[0]}" if x.ndim == 1 else f"shape {x.shape}"


def min_sample_size(
    true_rate: float,
    threshold: float,
    confidence: float = 0.95,
    power: float = 0.8,
    *,
    design_effect: float = 1.0,
    rates: Literal["percent", "share"] = "percent",
) -> int:
    """The respondents needed to tell a true rate from the threshold with the given power.

    The smallest n for which the interval's bound clears the threshold (so
    that :func:`confidence_status` says ``achieved`` when ``true_rate`` is
    above it, ``not_achieved`` when below) with probability ``power``. The
    Wilson bound clears p0 exactly when the score test rejects p = p0
    one-sided at level (1 - confidence) / 2, so n is the classical sample
    size of that test (Fleiss, Levin & Paik 2003, ch. 2):

    .. math::

        n = \\frac{\\left(z_{1-\\alpha/2}\\sqrt{p_0(1-p_0)} + z_{1-\\beta}\\sqrt{p_1(1-p_1)}\\right)^2}{(p_1 - p_0)^2}
            \\times \\text{deff},

    with p1 the true rate, p0 the threshold, α = 1 - confidence, 1 - β the
    power and deff the design effect (1 for simple random sampling;
    n / n_eff for a weighted design), rounded up.

    .. versionadded:: 0.1.0

    The two rates are read in one convention, ``rates``: percents by default
    (93 for 93 %), as everywhere in this module, or shares (0.93). The
    confidence level and the power are probabilities (0.95, 0.8) either way.
    Rates that are both below 1 in percent mode (``min_sample_size(0.95,
    0.9)``) could be shares as well as percents, and are refused: they would
    read as 0.95 % and 0.9 %, which is rarely what is meant; pass
    ``rates="share"`` for shares (and for two rates below 1 %).

    Parameters
    ----------
    true_rate
        The rate assumed true, strictly between 0 and 100 (0 and 1 for shares).
    threshold
        The target's threshold, in the same convention (not equal to ``true_rate``).
    confidence
        The interval's confidence level (strictly between 0 and 1).
    power
        The probability of a conclusive status (strictly between 0 and 1).
    design_effect
        The variance inflation of the design (>= 1 for weighted or clustered samples).
    rates
        ``"percent"`` (default) or ``"share"``: how ``true_rate`` and
        ``threshold`` are written.

    Returns
    -------
    int
        The number of respondents.

    Raises
    ------
    DefinitionError
        If a rate is not strictly between 0 and 100 (0 and 1 for shares), both
        percents are below 1, the rates are equal, or ``power``,
        ``design_effect`` or ``rates`` is out of range.

    Examples
    --------
    >>> min_sample_size(93, 90)  # 93 % satisfied truly, target 90 %
    716
    >>> min_sample_size(91, 90), min_sample_size(85, 90, design_effect=1.5)
    (6870, 474)
    >>> min_sample_size(0.95, 0.9, rates="share") == min_sample_size(95, 90) == 239
    True
    """
    conf = st.check_confidence(confidence)
    if rates not in ("percent", "share"):
        msg = f"rates is 'percent' (93 for 93 %) or 'share' (0.93), got {rates!r}"
        raise DefinitionError(msg)
    top, what = (100.0, "a percent") if rates == "percent" else (1.0, "a share")
    for name, x in (("true_rate", true_rate), ("threshold", threshold)):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0.0 < float(x) < top:
            msg = f"{name} is {what} strictly between 0 and {top:g} (rates={rates!r}), got {x!r}"
            raise DefinitionError(msg)
    if rates == "percent" and float(true_rate) < 1.0 and float(threshold) < 1.0:
        msg = (
            f"true_rate and threshold are percents, and both are below 1 ({true_rate!r} and "
            f"{threshold!r} read as {true_rate!r} % and {threshold!r} %): for "
            f"{_percent_text(true_rate)} % and {_percent_text(threshold)} % write "
            f"{_percent_text(true_rate)} and {_percent_text(threshold)}, or pass rates='share'"
        )
        raise DefinitionError(msg)
    if float(true_rate) == float(threshold):
        msg = f"a true rate equal to the threshold ({threshold!r}) cannot be told from it by any sample"
        raise DefinitionError(msg)
    if isinstance(power, bool) or not isinstance(power, (int, float)) or not 0.0 < power < 1.0:
        msg = f"power is a probability strictly between 0 and 1, got {power!r}"
        raise DefinitionError(msg)
    if (
        isinstance(design_effect, bool)
        or not isinstance(design_effect, (int, float))
        or not (math.isfinite(design_effect) and design_effect > 0)
    ):
        msg = f"design_effect is a positive number (1 for simple random sampling), got {design_effect!r}"
        raise DefinitionError(msg)
    n = st.min_n(float(true_rate) / top, float(threshold) / top, conf, float(power))
    return math.ceil(round(n * float(design_effect), 9))


def _percent_text(share: float) -> str:
    """A share as the percent it stands for, briefly: 0.95 -> '95'."""
    return f"{100.0 * float(share):.10g}"


# ---------------------------------------------------------------------- the measure


def satisfaction(
    responses: Responses,
    satisfied: str | Iterable[int],
    *,
    elements: Elements | Mapping[str, Sequence[str]] | None = None,
    scope: Scope | str = "territory",
    weighted: bool | None = None,
    confidence: float = 0.95,
    interval: Literal["analytic", "bootstrap"] = "analytic",
    replications: int = 1000,
    seed: int | None = 0,
) -> SurveyResult:
    """Share of satisfied answers per unit: per question, per element and overall, with intervals.

    A unit's values pool the respondents in its scope: its own (``own``),
    those of its descendants on one level (``tier:<level>``), or all in its
    territory (``territory``, the default), exactly as the roll-up engine
    pools numerators and denominators (one :func:`numpy.bincount` per level,
    no loop over units or respondents). With weights, each respondent counts
    with its design weight.

    * question share: weighted satisfied respondents / weighted respondents
      answering, x 100; the mean answer beside it;
    * element share: weighted satisfied answers / weighted answers to the
      element's questions, x 100 (the mean of its question shares when every
      respondent answers every question);
    * overall: the unweighted mean of the element shares (the SIPAS style),
      defined where every element has answers.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    responses
        The microdata.
    satisfied
        The answers counted as satisfied: ``"4,5"``, ``"4-5"`` or ``(4, 5)``.
    elements
        Groups of questions (an :class:`Elements` or a mapping); adds element
        rows and the overall index.
    scope
        ``"own"``, ``"territory"`` (default) or ``"tier:<level>"``.
    weighted
        Use the design weights; ``None`` (default) uses them when the data
        carry a weight column.
    confidence
        The confidence level of the intervals (strictly between 0 and 1).
    interval
        ``"analytic"`` (default: Wilson, at Kish's or the design-based
        effective sample size) or ``"bootstrap"`` (percentiles of resamples
        of respondents within unit and stratum).
    replications
        Bootstrap replications.
    seed
        Seed of the bootstrap's ``numpy.random.default_rng`` (default 0,
        so results are reproducible; ``None`` for fresh randomness).

    Returns
    -------
    SurveyResult
        Shares, intervals and sample sizes for every unit and item.

    Raises
    ------
    ArgumentTypeError
        If ``responses`` is not a :class:`Responses`, or ``satisfied`` is
        neither text nor a sequence (a single number such as ``4`` is
        ambiguous: only 4, or 4 and above?).
    DefinitionError
        If ``satisfied`` is not on the scale, the weights span more than
        2**500 (about 3e150: their squares cannot share one scale), ``weighted=True`` without
        weights, an element names a question no response answers or has the
        name of a question, the scope's level is unknown, or an option is out
        of range.

    Examples
    --------
    >>> responses, elements = synthetic_survey(respondents=2000, seed=7)
    >>> res = satisfaction(responses, "4,5", elements=elements)
    >>> row = res.row("26", "overall")
    >>> row["n"], row["method"], row["lower"] < row["share"] < row["upper"]
    (2000, 'wilson_design', True)
    >>> boot = satisfaction(responses, "4,5", elements=elements, interval="bootstrap",
    ...                     replications=200, seed=1)
    >>> boot.row("26", "overall")["method"]
    'bootstrap_percentile'
    """
    check_type(
        responses,
        Responses,
        func="satisfaction",
        parameter="responses",
        expected="a Responses (read one with Responses.from_csv or Responses.from_records)",
    )
    given: object = satisfied  # the annotation says what to pass; callers pass anything
    if not isinstance(given, (str, Iterable)):
        msg = (
            "satisfaction: 'satisfied' must be the answers counted as satisfied, as text such "
            f"as '4,5' or '4-5' or as whole numbers such as (4, 5), got {describe(satisfied)}"
        )
        raise ArgumentTypeError(msg, parameter="satisfied")
    scale = responses.scale
    sat_values = parse_satisfied(satisfied, scale)
    conf = st.check_confidence(confidence)
    the_scope = Scope.parse(scope)
    h = responses.hierarchy
    if the_scope.level is not None:
        h.level_number(the_scope.level)  # raises UnknownLevelError
    use_w = responses.weighted if weighted is None else bool(weighted)
    if use_w and not responses.weighted:
        msg = f"{responses.source}: weighted=True, but the responses carry no weight column"
        raise DefinitionError(msg)
    if interval not in ("analytic", "bootstrap"):
        msg = f"interval is 'analytic' or 'bootstrap', got {interval!r}"
        raise DefinitionError(msg)
    if interval == "bootstrap" and (
        isinstance(replications, bool) or not isinstance(replications, int) or replications < 2
    ):
        msg = f"replications is a whole number >= 2, got {replications!r}"
        raise DefinitionError(msg)
    groups = element_groups(elements, responses.questions)

    u, q_n, levels = len(h), len(responses.questions), scale.size
    values = np.arange(scale.low, scale.high + 1, dtype=np.float64)
    sat_mask = np.isin(values, sat_values)
    # the results do not depend on the scale of the weights; their squares would overflow
    # or vanish at 1e200 or 1e-300, so the largest is brought to [0.5, 1) by 2**-k (exact)
    if use_w:
        st.check_weight_span(responses.respondent_weight, responses.source)
    w_resp, k = st.unit_weights(responses.respondent_weight) if use_w else (None, 0)
    w_answer = np.ldexp(responses._answer_weight, -k) if use_w else None

    # questions: per (unit, question, answer value) counts, then pooled by scope
    counts, wcounts, s2 = st.question_state(
        responses._answer_cell, responses._answer_key, w_answer, u * q_n, levels
    )
    state = {
        "n": counts.sum(axis=1).reshape(u, q_n),
        "s1": wcounts.sum(axis=1).reshape(u, q_n),
        "s2": s2.reshape(u, q_n),
        "num": (wcounts * sat_mask).sum(axis=1).reshape(u, q_n),
        "msum": (wcounts @ values).reshape(u, q_n),
    }
    state = st.pool(state, h, the_scope)
    q_share = st.percent(state["num"], state["s1"])
    q_neff = st.ratio(state["s1"] * state["s1"], state["s2"]) if use_w else state["n"].copy()
    parts = {
        "n": [state["n"]],
        "n_eff": [np.where(state["n"] > 0, q_neff, np.nan)],
        "num": [state["num"]],
        "den": [state["s1"]],
        "share": [q_share],
        "mean": [st.ratio(state["msum"], state["s1"])],
    }
    kinds = ["question"] * q_n
    methods = ["wilson_kish" if use_w else "wilson"] * q_n
    items = list(responses.questions)
    if w_resp is None:
        w_resp = np.ones(len(responses.respondent_ids))
    need_answers = bool(groups) or interval == "bootstrap"
    sat_answer = sat_mask[responses.answer - scale.low] if need_answers else sat_mask[:0]
    n_resp = len(responses.respondent_ids)
    if groups:
        e_n = len(groups)
        y, m = st.respondent_moments(
            responses.respondent, st.element_of_answer(responses, groups), sat_answer, n_resp, e_n
        )
        es = st.sum_by_unit(st.element_columns(y, m, w_resp), responses.respondent_unit, u)
        es = st.pool(es, h, the_scope)
        _, e_neff, _, all_neff = st.element_estimates(es, e_n)
        e_pct = st.percent(es["A"], es["B"])
        nan_e = np.full((u, e_n), np.nan)
        parts["n"] += [es["n"], es["all_n"]]
        parts["n_eff"] += [e_neff, all_neff[:, None]]
        parts["num"] += [es["A"], np.full((u, 1), np.nan)]
        parts["den"] += [es["B"], np.full((u, 1), np.nan)]
        parts["share"] += [e_pct, e_pct.mean(axis=1)[:, None]]
        parts["mean"] += [nan_e, np.full((u, 1), np.nan)]
        kinds += ["element"] * e_n + ["overall"]
        methods += ["wilson_design"] * (e_n + 1)
        items += [name for name, _ in groups] + [OVERALL]
    joined = {k: np.concatenate(v, axis=1) for k, v in parts.items()}
    replicates = None
    if interval == "bootstrap":
        replicates = st.bootstrap(
            responses,
            groups,
            sat_answer,
            w_resp,
            the_scope,
            replications,
            np.random.default_rng(seed),
        )
        lower, upper = st.percentile_bounds(replicates, conf)
        methods = ["bootstrap_percentile"] * len(items)
    else:
        lower, upper = st.wilson(joined["share"] / 100.0, joined["n_eff"], st.z_value(conf))
        lower, upper = lower * 100.0, upper * 100.0
    return SurveyResult(
        hierarchy=h,
        scope=the_scope,
        items=tuple(items),
        kinds=tuple(kinds),
        methods=tuple(methods),
        scale=scale,
        satisfied=sat_values,
        weighted=use_w,
        confidence=conf,
        n=joined["n"].round().astype(np.int64),
        n_eff=joined["n_eff"],
        numerator=_unscaled(joined["num"], k),
        denominator=_unscaled(joined["den"], k),
        share=joined["share"],
        lower=lower,
        upper=upper,
        mean=joined["mean"],
        replicates=replicates,
        seed=seed if interval == "bootstrap" else None,
        note=responses.note,
    )


def _unscaled(totals: FloatArray, k: int) -> FloatArray:
    """Weighted totals back on the scale of the weights given (see :func:`satisfaction`)."""
    if k == 0:
        return totals
    with np.errstate(over="ignore"):
        out: FloatArray = np.ldexp(totals, k)
    return out


# ---------------------------------------------------------------------- targets with confidence


def with_confidence(
    evaluation: Any,
    survey: SurveyResult | Sequence[SurveyResult],
    *,
    confidence: float = 0.95,
    codes: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Add the survey interval and a confidence status to the rows of an evaluation.

    Each row of an indicator measured by the survey (matched by indicator and
    unit) gets, right after its point ``status``:

    ``lower``, ``upper``
        The interval of the row's value, in percent;
    ``interval_method``
        The method of the interval (:data:`INTERVAL_METHODS`);
    ``confidence_status``
        ``achieved`` only when the lower bound meets the threshold,
        ``not_achieved`` only when the upper bound is below it, otherwise
        ``inconclusive`` (reversed for an "at most" target); ``no_data`` when
        the row has no value.

    Rows of other indicators, and rows judging something other than the
    share itself (a change against a baseline, a rank, a share of units),
    get ``None`` in the four keys.

    .. versionadded:: 0.1.0

    Parameters
    ----------
    evaluation
        An :class:`~cchc_indicators.evaluation.Evaluation`, or its rows (mappings
        with ``indicator``, ``unit``, ``scope``, ``value``, ``threshold``,
        ``target`` and ``status``).
    survey
        One result, or several (for instance of different scopes); a row takes
        the result whose scope is the row's, else the first holding its item.
    confidence
        The confidence level of the intervals.
    codes
        Indicator code -> survey item (a question, an element or
        ``"overall"``); by default an indicator whose code is an item.

    Returns
    -------
    list of dict
        The rows, copied, with the four keys added.

    Raises
    ------
    InvalidDataError
        If a row's value is not the survey's share for its unit (the interval
        would not describe it): evaluate the panel made by
        :meth:`SurveyResult.to_panel`.

    Examples
    --------
    >>> rows = [{"indicator": "overall", "unit": "26", "scope": "own", "value": None,
    ...          "threshold": 90.0, "target": ">= 90 %", "status": "no_data"}]
    >>> responses, elements = synthetic_survey(respondents=400, questions=4, elements=2, seed=2)
    >>> res = satisfaction(responses, "4,5", elements=elements)
    >>> rows[0]["value"] = res.get("26", "overall")
    >>> out = with_confidence(rows, res)
    >>> list(out[0])[-4:], out[0]["interval_method"]
    (['lower', 'upper', 'interval_method', 'confidence_status'], 'wilson_design')
    """
    conf = st.check_confidence(confidence)
    results = [survey] if isinstance(survey, SurveyResult) else list(survey)
    results = [r if r.confidence == conf else r.at_confidence(conf) for r in results]
    rows = list(getattr(evaluation, "rows", evaluation))
    mapping = dict(codes) if codes is not None else {}
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows):
        extra: dict[str, Any] = dict.fromkeys(
            ("lower", "upper", "interval_method", "confidence_status")
        )
        code = row.get("indicator")
        item = mapping.get(code, code if codes is None else None)
        holders = [r for r in results if item in r.items]
        higher = comparator(row.get("target"))
        if holders and higher is not None:
            res = next((r for r in holders if str(r.scope) == row.get("scope")), holders[0])
            value = row.get("value")
            unit = row.get("unit")
            if value is None:
                extra["confidence_status"] = "no_data"
            elif unit not in res.hierarchy:
                problems.append(mismatch(number, code, unit, value, None))
            else:
                i, k = res.hierarchy.position(unit), res.items.index(item)
                share = float(res.share[i, k])
                if math.isnan(share) or not math.isclose(
                    float(value), share, rel_tol=1e-9, abs_tol=1e-9
                ):
                    problems.append(mismatch(number, code, unit, value, share))
                else:
                    lo, hi = float(res.lower[i, k]), float(res.upper[i, k])
                    extra["lower"], extra["upper"] = lo, hi
                    extra["interval_method"] = res.methods[k]
                    extra["confidence_status"] = str(
                        confidence_status(lo, hi, float(row["threshold"]), higher)
                    )
        out.append(insert_after(row, "status", extra))
    if problems:
        raise InvalidDataError(problems, source="<evaluation>")
    return out


# ---------------------------------------------------------------------- synthetic data

#: Element names of the synthetic survey, in the SIPAS spirit.
_SYNTHETIC_ELEMENTS = ("access", "procedures", "civil_servants", "results", "feedback")


def synthetic_survey(
    hierarchy: Hierarchy | None = None,
    *,
    respondents: int = 5000,
    questions: int = 20,
    elements: int = 5,
    weighted: bool = True,
    missing: float = 0.0,
    seed: int = 2025,
) -> tuple[Responses, Elements]:
    """Make up a **synthetic** satisfaction survey (seeded), for examples, tests and benchmarks.

    The figures are invented: they are not any survey's results, and every
    result built on them carries :data:`~cchc_indicators.datasets.SYNTHETIC_NOTE`.
    Respondents are spread over the units (about 10 % at the top level, 30 %
    on the next, 60 % on the lowest), answer every question on a 1-5 scale
    (except a share ``missing`` of skipped answers), and carry a design weight
    and a stratum (the service channel, ``counter`` or ``online``).
    Questions ``q01``, ``q02``, ... are split into ``elements`` consecutive
    groups named ``access``, ``procedures``, ``civil_servants``, ``results``,
    ``feedback`` (``e6``, ... beyond five).

    .. versionadded:: 0.1.0

    Parameters
    ----------
    hierarchy
        The units (default: Vĩnh Phúc, :func:`~cchc_indicators.datasets.vinh_phuc_units`).
    respondents
        How many respondents.
    questions
        How many questions (at least ``elements``).
    elements
        How many elements.
    weighted
        Give the respondents design weights.
    missing
        The probability that an answer is skipped (0 to 0.5).
    seed
        The seed of the generator.

    Returns
    -------
    tuple
        The answers (a :class:`Responses`) and the element groups (an :class:`Elements`).

    Examples
    --------
    >>> responses, elements = synthetic_survey(respondents=1000, seed=1)
    >>> len(responses), len(responses.respondent_ids), elements.names[:2]
    (20000, 1000, ('access', 'procedures'))
    """
    if hierarchy is None:  # Vĩnh Phúc's units, as datasets.vinh_phuc_units() reads them
        file = resources.files("cchc_indicators").joinpath("datasets/vinh_phuc_units_2024.csv")
        hierarchy = Hierarchy.from_csv(Path(str(file)), edition="2024")
    h = hierarchy
    if not (isinstance(respondents, int) and respondents >= 1):
        msg = f"respondents is a whole number >= 1, got {respondents!r}"
        raise DefinitionError(msg)
    if not (
        isinstance(elements, int)
        and elements >= 1
        and isinstance(questions, int)
        and questions >= elements
    ):
        msg = f"need 1 <= elements <= questions, got {elements!r} elements and {questions!r} questions"
        raise DefinitionError(msg)
    if not (isinstance(missing, (int, float)) and 0.0 <= missing <= 0.5):
        msg = f"missing is a probability between 0 and 0.5, got {missing!r}"
        raise DefinitionError(msg)
    rng = np.random.default_rng(seed)
    # which unit each respondent used: a level first, then a unit of that level
    n_levels = len(h.levels)
    share_of_level = np.array([0.1, 0.3, 0.6][-n_levels:] if n_levels <= 3 else [1.0] * n_levels)
    sizes = np.array([h.level_size(k) for k in range(n_levels)])
    share_of_level = np.where(sizes > 0, share_of_level, 0.0)
    level = rng.choice(n_levels, size=respondents, p=share_of_level / share_of_level.sum())
    starts = np.array([h.level_slice(k).start for k in range(n_levels)])
    unit = starts[level] + np.floor(rng.random(respondents) * sizes[level]).astype(np.int64)
    # satisfaction on the logit scale: unit level, element effect, respondent mood
    unit_effect = rng.normal(2.3, 0.5, size=len(h))
    element_of_q = np.arange(questions) * elements // questions
    element_effect = rng.normal(0.0, 0.35, size=elements)
    mood = rng.normal(0.0, 0.9, size=respondents)
    logit = unit_effect[unit][:, None] + element_effect[element_of_q][None, :] + mood[:, None]
    satisfied = rng.random((respondents, questions)) < 1.0 / (1.0 + np.exp(-logit))
    high = np.where(rng.random((respondents, questions)) < 0.45, 5, 4)
    low = rng.choice(np.array([1, 2, 3]), size=(respondents, questions), p=[0.1, 0.3, 0.6])
    answer = np.where(satisfied, high, low)
    keep = rng.random((respondents, questions)) >= missing
    keep[np.arange(respondents), rng.integers(0, questions, size=respondents)] = True
    r_idx, q_idx = np.nonzero(keep)
    weight = np.round(rng.lognormal(0.0, 0.35, size=respondents), 3)
    weight = np.maximum(weight, 0.05)
    channel = np.where(rng.random(respondents) < 0.3, "online", "counter")
    ids = np.char.add("r", np.char.zfill(np.arange(1, respondents + 1).astype(str), 6))
    q_codes = np.char.add("q", np.char.zfill(np.arange(1, questions + 1).astype(str), 2))
    codes = np.asarray(h.codes, dtype=str)
    responses = Responses.from_columns(
        h,
        respondent=ids[r_idx],
        unit=codes[unit[r_idx]],
        question=q_codes[q_idx],
        answer=answer[r_idx, q_idx],
        weight=weight[r_idx] if weighted else None,
        stratum=channel[r_idx],
        scale=Scale(1, 5),
        source="<synthetic survey>",
        note=SYNTHETIC_NOTE,
    )
    names = [
        _SYNTHETIC_ELEMENTS[e] if e < len(_SYNTHETIC_ELEMENTS) else f"e{e + 1}"
        for e in range(elements)
    ]
    groups = [(names[e], tuple(q_codes[element_of_q == e].tolist())) for e in range(elements)]
    return responses, Elements(groups)
