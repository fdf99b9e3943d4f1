"""Aggregation rules: how the values of several units combine into one.

A rule is a small frozen object. Each rule keeps a *mergeable state*: a few
arrays (sums, counts, extremes) that combine by addition, minimum or maximum.
Because states merge exactly, the roll-up engine can pool one level at a time
and partial results computed on separate chunks of data combine into the same
answer as one pass over all of it.

======================= ============================== ======================
rule                    value                          state
======================= ============================== ======================
``sum``                 Σ value                        Σ value
``ratio_of_sums``       Σ numerator / Σ denominator    Σ numerator,
                        x scale                        Σ denominator
``mean``                Σ value / n                    Σ value
``weighted_mean``       Σ w·value / Σ w                Σ w·value, Σ w
``min`` / ``max``       smallest / largest value       min / max
``share_meeting(c)``    100 x (units meeting c) /      units meeting c
                        (units with data, or all)
``any`` / ``all``       1 if any / all values are 1    units with value 1
======================= ============================== ======================

Every state also counts ``n``, the units with data, which gives the coverage.

Examples
--------
>>> from cchc_indicators.core.rules import parse_rule, ShareMeeting
>>> parse_rule("share_meeting(>= 80)")
ShareMeeting(condition=Condition('>=', 80.0), denominator='with_data')
>>> str(ShareMeeting(">= 80", denominator="all"))
'share_meeting(>= 80, denominator=all)'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _rules_common as _rc
from cchc_indicators.core import _wide
from cchc_indicators.core._rules_common import number_text as number_text
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.measures import MEASURE_KINDS, Measure

__all__ = [
    "RULE_NAMES",
    "AllTrue",
    "AnyTrue",
    "Cells",
    "Condition",
    "Max",
    "Mean",
    "Min",
    "RatioOfSums",
    "Rule",
    "ShareMeeting",
    "Sum",
    "WeightedMean",
    "default_rule",
    "parse_rule",
    "rules_for",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Combine = Literal["add", "wide_add", "min", "max"]
State = dict[str, FloatArray]

#: Reason codes for a missing value (stored as small integers in results).
REASON_OK = 0
REASON_NO_DATA = 1
REASON_ZERO_DENOMINATOR = 2
REASON_BELOW_MIN_COVERAGE = 3
REASON_NOT_APPLICABLE = 4
REASON_OVERFLOW = 5
REASONS = (
    "",
    "no_data",
    "zero_denominator",
    "below_min_coverage",
    "not_applicable",
    "overflow",
)


class Cells:
    """The per-unit inputs a rule starts from (engine-internal, public for custom rules).

    All arrays have the same shape (units x periods); missing entries are NaN.

    Parameters
    ----------
    value
        The unit's value (for a ratio: numerator / denominator x scale, or the
        value given directly), or a function computing it, called only if a
        rule asks for the value (pooling parts does not).
    numerator, denominator
        The ratio's parts, NaN where the observation gave only a value.
    weight
        The optional weight column.

    Examples
    --------
    >>> nan = np.array([[np.nan]])
    >>> Cells(lambda: np.array([[50.0]]), np.array([[1.0]]), np.array([[2.0]]), nan).value
    array([[50.]])
    """

    __slots__ = ("_value", "denominator", "numerator", "weight")

    def __init__(
        self,
        value: FloatArray | Callable[[], FloatArray],
        numerator: FloatArray,
        denominator: FloatArray,
        weight: FloatArray,
    ) -> None:
        self._value = value
        self.numerator = numerator
        self.denominator = denominator
        self.weight = weight

    @property
    def value(self) -> FloatArray:
        """The units' values (computed on first use).

        Examples
        --------
        >>> calls = []
        >>> def rates():
        ...     calls.append(1)
        ...     return np.array([[90.0]])
        >>> nan = np.array([[np.nan]])
        >>> cells = Cells(rates, np.array([[45.0]]), np.array([[50.0]]), nan)
        >>> cells.value, cells.value
        (array([[90.]]), array([[90.]]))
        >>> len(calls)
        1
        """
        if callable(self._value):
            self._value = self._value()
        return self._value


@attrs.frozen
class Condition:
    """A comparison each unit's value is tested against, such as ``>= 60``.

    Parameters
    ----------
    op
        One of ``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``.
    threshold
        The number compared with.

    Examples
    --------
    >>> c = Condition.parse(">= 60")
    >>> c.test(np.array([59.9, 60.0, np.nan]))
    array([False,  True, False])
    >>> str(c)
    '>= 60'
    """

    op: str = attrs.field(validator=_rc.check_op)
    threshold: float = attrs.field(converter=float)

    def __attrs_post_init__(self) -> None:
        if not math.isfinite(self.threshold):
            msg = f"a condition's threshold must be finite, got {self.threshold}"
            raise DefinitionError(msg)

    @classmethod
    def parse(cls, text: str | Condition) -> Condition:
        """Parse ``">= 60"``, ``"== 1"``, ... (a :class:`Condition` passes through).

        Parameters
        ----------
        text
            An operator (``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``) and a
            number, spaces optional; or a :class:`Condition`.

        Returns
        -------
        Condition
            The condition.

        Raises
        ------
        DefinitionError
            If the text is not an operator followed by a finite number.

        Examples
        --------
        >>> Condition.parse(">= 80"), Condition.parse("==1")
        (Condition('>=', 80.0), Condition('==', 1.0))
        >>> Condition.parse("at least 80")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: cannot read condition 'at least 80': write an operator (>=, >, <=, <, ==, !=) and a number, such as '>= 60'
        """
        if isinstance(text, Condition):
            return text
        m = _rc.CONDITION.match(str(text))
        if not m:
            msg = (
                f"cannot read condition {text!r}: write an operator "
                "(>=, >, <=, <, ==, !=) and a number, such as '>= 60'"
            )
            raise DefinitionError(msg)
        return cls(m.group(1), float(m.group(2)))

    def test(self, values: FloatArray) -> BoolArray:
        """Return where ``values`` meet the condition (NaN never does).

        Parameters
        ----------
        values
            An array of values, NaN where missing.

        Returns
        -------
        numpy.ndarray
            A boolean array of the same shape.

        Examples
        --------
        >>> Condition.parse("!= 0").test(np.array([0.0, 5.0, np.nan]))
        array([False,  True, False])
        """
        out: BoolArray = _rc.OPS[self.op](values, self.threshold)
        if self.op == "!=":  # NaN != x is True, but a missing value meets no condition
            out &= ~np.isnan(values)
        return out

    def __str__(self) -> str:
        return f"{self.op} {number_text(self.threshold)}"

    def __repr__(self) -> str:
        return f"Condition({self.op!r}, {self.threshold!r})"


class Rule:
    """Base class of aggregation rules.

    A rule declares the state fields it keeps and how each merges
    (``add``, ``wide_add``, ``min`` or ``max``), turns unit cells into a state
    (:meth:`init`) and a merged state into values (:meth:`finalize`).

    ``wide_add`` adds like ``add`` but never overflows: where a sum passes
    2**960 (about 1e289) the state also holds the field ``<name>_exp`` and the
    sum is ``state[name] * 2**state[name + "_exp"]`` (see
    :doc:`/explanation/mergeable-states`). The built-in rules keep their sums
    so; :meth:`finalize` then returns ``±inf`` for a value beyond the float
    range, which the engine reports as missing with the reason ``overflow``.

    Examples
    --------
    >>> Mean().fits(measures.score())
    True
    >>> Sum().fits(measures.percent())
    False
    """

    #: The rule's name in specs and results.
    name: ClassVar[str]
    #: The state fields and how each merges (the unit count ``n`` is added by the engine).
    fields: ClassVar[tuple[tuple[str, Combine], ...]]
    #: The measure kinds the rule fits.
    measure_kinds: ClassVar[tuple[str, ...]]
    #: Whether the rule needs numerator and denominator (not a bare value) from each unit.
    needs_parts: ClassVar[bool] = False

    def fits(self, measure: Measure) -> bool:
        """Whether the rule makes sense for ``measure``.

        Parameters
        ----------
        measure
            The measure of an indicator.

        Returns
        -------
        bool
            ``True`` when the rule may roll up values of that measure.

        Examples
        --------
        >>> RatioOfSums().fits(measures.percent()), RatioOfSums().fits(measures.count())
        (True, False)
        """
        return measure.kind in self.measure_kinds

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        """Return the state of each unit alone and where the unit has data.

        Parameters
        ----------
        cells
            The units' inputs (units x periods).

        Returns
        -------
        state : dict of str to numpy.ndarray
            One array per field of :attr:`fields`, the identity of the field's
            merge (0, +inf or -inf) where a unit has no data.
        has_data : numpy.ndarray
            Where the unit has data the rule can use.

        Examples
        --------
        >>> nan = np.nan
        >>> cells = Cells(
        ...     np.array([[90.0], [60.0], [nan]]),  # values of three communes
        ...     np.array([[45.0], [30.0], [nan]]),  # numerators
        ...     np.array([[50.0], [50.0], [nan]]),  # denominators
        ...     np.full((3, 1), nan),  # no weights
        ... )
        >>> state, has_data = RatioOfSums().init(cells)
        >>> state["num"].ravel(), state["den"].ravel(), has_data.ravel()
        (array([45., 30.,  0.]), array([50., 50.,  0.]), array([ True,  True, False]))
        """
        raise NotImplementedError

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        """Return values from a merged state: NaN where there is no value.

        ``n`` counts the units with data, ``n_scope`` the units in scope;
        ``scale`` is the indicator's ratio scale (1 for non-ratios).

        Parameters
        ----------
        state
            The merged state, one array per field (units x periods).
        n
            How many units in scope have data.
        n_scope
            How many units the scope holds (broadcast against ``n``).
        scale
            The indicator's ratio scale (100 for a percent), 1 for other measures.

        Returns
        -------
        numpy.ndarray
            The values.

        Examples
        --------
        >>> pooled = {"num": np.array([[75.0]]), "den": np.array([[100.0]])}
        >>> RatioOfSums().finalize(pooled, n=np.array([[2.0]]), n_scope=np.array([[9.0]]), scale=100.0)
        array([[75.]])
        >>> ShareMeeting(">= 80", denominator="all").finalize(  # 1 of 9 units meets it
        ...     {"met": np.array([[1.0]])}, np.array([[2.0]]), np.array([[9.0]]), 1.0
        ... )
        array([[11.11111111]])
        """
        raise NotImplementedError

    def undefined(self, state: State, n: FloatArray) -> BoolArray:
        """Where units have data but the value is undefined (a pooled denominator of 0).

        The engine reports these as ``zero_denominator`` rather than ``no_data``.

        Parameters
        ----------
        state
            The merged state, one array per field (units x periods).
        n
            How many units in scope have data.

        Returns
        -------
        numpy.ndarray
            A boolean array; always false for rules whose value is defined
            whenever a unit has data.

        Examples
        --------
        >>> state = {"num": np.array([[0.0, 3.0]]), "den": np.array([[0.0, 4.0]])}
        >>> RatioOfSums().undefined(state, n=np.array([[1.0, 1.0]]))
        array([[ True, False]])
        >>> Mean().undefined({"sum": np.array([[0.0]])}, n=np.array([[1.0]]))
        array([[False]])
        """
        out: BoolArray = np.zeros(n.shape, dtype=bool)
        return out

    def to_spec(self) -> str:
        """Return the rule as text, the inverse of :func:`parse_rule`.

        Returns
        -------
        str
            The rule's text, as plans and results write it.

        Examples
        --------
        >>> Sum().to_spec(), ShareMeeting(">= 80").to_spec()
        ('sum', 'share_meeting(>= 80)')
        >>> parse_rule(ShareMeeting(">= 80").to_spec()) == ShareMeeting(">= 80")
        True
        """
        return self.name

    def __str__(self) -> str:
        return self.to_spec()


@attrs.frozen
class Sum(Rule):
    """Add up the values (counts; binary facts give the number of units with 1).

    Examples
    --------
    >>> Sum()
    Sum()
    """

    name: ClassVar[str] = "sum"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("sum", "wide_add"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("count", "binary")

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"sum": np.where(ok, cells.value, 0.0)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        total = _wide.value(state["sum"], state.get("sum_exp"))
        return np.where(n > 0, total, np.nan)


@attrs.frozen
class RatioOfSums(Rule):
    """Pool the parts: Σ numerator / Σ denominator x scale (the default for ratios).

    A denominator summing to 0 gives no value (reason ``zero_denominator``).

    Examples
    --------
    >>> RatioOfSums().needs_parts
    True
    """

    name: ClassVar[str] = "ratio_of_sums"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("num", "wide_add"), ("den", "wide_add"))
    measure_kinds: ClassVar[tuple[str, ...]] = ("ratio",)
    needs_parts: ClassVar[bool] = True

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.denominator)  # a panel stores numerator and denominator together
        return {
            "num": np.where(ok, cells.numerator, 0.0),
            "den": np.where(ok, cells.denominator, 0.0),
        }, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return _wide.divide(
            state["num"], state["den"], scale, state.get("num_exp"), state.get("den_exp")
        )

    def undefined(self, state: State, n: FloatArray) -> BoolArray:
        out: BoolArray = (state["den"] == 0) & (n > 0)
        return out


@attrs.frozen
class Mean(Rule):
    """Unweighted mean of the units' values: each unit counts once.

    For a ratio this averages the units' rates, which is *not* the pooled rate;
    use it only when the indicator's definition says so.

    Examples
    --------
    >>> Mean().to_spec()
    'mean'
    """

    name: ClassVar[str] = "mean"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("sum", "wide_add"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("ratio", "count", "score")

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"sum": np.where(ok, cells.value, 0.0)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return _wide.divide(state["sum"], n, 1.0, state.get("sum_exp"))


@attrs.frozen
class WeightedMean(Rule):
    """Mean of the units' values weighted by the ``weight`` column or by the denominator.

    Weighting a ratio by its denominator gives the same value as
    :class:`RatioOfSums`. A total weight of 0 gives no value.

    Parameters
    ----------
    by
        ``"weight"`` (the observations' weight column) or ``"denominator"``.

    Examples
    --------
    >>> WeightedMean(by="denominator").to_spec()
    'weighted_mean(by=denominator)'
    """

    by: str = attrs.field(default="weight", validator=_rc.check_by)
    name: ClassVar[str] = "weighted_mean"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("wsum", "wide_add"), ("w", "wide_add"))
    measure_kinds: ClassVar[tuple[str, ...]] = ("ratio", "count", "score")

    @property
    def needs_parts(self) -> bool:  # type: ignore[override]
        """Weighting by the denominator needs the ratio's parts.

        Examples
        --------
        >>> WeightedMean(by="denominator").needs_parts, WeightedMean().needs_parts
        (True, False)
        """
        return self.by == "denominator"

    def fits(self, measure: Measure) -> bool:
        """Only a ratio has a denominator to weight by.

        Examples
        --------
        >>> WeightedMean(by="denominator").fits(measures.count())
        False
        >>> WeightedMean(by="weight").fits(measures.count())
        True
        """
        if self.by == "denominator":
            return measure.kind == "ratio"
        return super().fits(measure)

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        w = cells.weight if self.by == "weight" else cells.denominator
        weighted = _rc.valid(w) & (w > 0)
        # a unit of weight 0 (no dossiers at all) has reported: it counts, contributing nothing
        ok = _rc.valid(w) & (_rc.valid(cells.value) | ~weighted)
        used = ok & weighted
        value = np.where(used, cells.value, 0.0)
        with np.errstate(over="ignore", under="ignore"):
            wv = np.where(used, value * w, 0.0)
        state = {"wsum": wv, "w": np.where(ok, w, 0.0)}
        if not _wide.product_fits_plain(wv, value):  # huge or tiny weights: keep the exponents
            wv, exp = _wide.product(value, np.where(used, w, 0.0))
            state["wsum"] = wv
            if exp is not None:
                state["wsum_exp"] = exp
        return state, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return _wide.divide(
            state["wsum"], state["w"], 1.0, state.get("wsum_exp"), state.get("w_exp")
        )

    def undefined(self, state: State, n: FloatArray) -> BoolArray:
        out: BoolArray = (state["w"] == 0) & (n > 0)
        return out

    def to_spec(self) -> str:
        return f"weighted_mean(by={self.by})"

    def __str__(self) -> str:
        return self.to_spec()


@attrs.frozen
class Min(Rule):
    """The smallest value among the units with data.

    Examples
    --------
    >>> Min().to_spec()
    'min'
    """

    name: ClassVar[str] = "min"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("m", "min"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("ratio", "count", "score", "rank")

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"m": np.where(ok, cells.value, np.inf)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return np.where(n > 0, state["m"], np.nan)


@attrs.frozen
class Max(Rule):
    """The largest value among the units with data.

    Examples
    --------
    >>> Max().to_spec()
    'max'
    """

    name: ClassVar[str] = "max"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("m", "max"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("ratio", "count", "score", "rank")

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"m": np.where(ok, cells.value, -np.inf)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return np.where(n > 0, state["m"], np.nan)


def _to_condition(value: str | Condition) -> Condition:
    return Condition.parse(value)


@attrs.frozen
class ShareMeeting(Rule):
    """The share of units, in percent, whose own value meets a condition.

    Parameters
    ----------
    condition
        A :class:`Condition` or its text, such as ``">= 60"`` or ``"== 1"``.
    denominator
        ``"with_data"`` (default): the share among units that reported;
        ``"all"``: among all units in scope, so a unit without data counts as
        not meeting the condition.

    Examples
    --------
    >>> ShareMeeting("== 1")
    ShareMeeting(condition=Condition('==', 1.0), denominator='with_data')
    """

    condition: Condition = attrs.field(converter=_to_condition)
    denominator: str = attrs.field(default="with_data", validator=_rc.check_denominator)
    name: ClassVar[str] = "share_meeting"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("met", "add"),)
    measure_kinds: ClassVar[tuple[str, ...]] = MEASURE_KINDS

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"met": self.condition.test(cells.value).astype(np.float64)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        den = n if self.denominator == "with_data" else np.where(n > 0, n_scope, 0.0)
        return _rc.divide(state["met"], den, 100.0)

    def to_spec(self) -> str:
        if self.denominator == "with_data":
            return f"share_meeting({self.condition})"
        return f"share_meeting({self.condition}, denominator={self.denominator})"


@attrs.frozen
class AnyTrue(Rule):
    """1 when any unit with data has the value 1, else 0 (binary measures).

    Examples
    --------
    >>> AnyTrue().to_spec()
    'any'
    """

    name: ClassVar[str] = "any"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("true", "add"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("binary",)

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"true": (ok & (cells.value == 1)).astype(np.float64)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return np.where(n > 0, (state["true"] > 0).astype(np.float64), np.nan)


@attrs.frozen
class AllTrue(Rule):
    """1 when every unit with data has the value 1, else 0 (binary measures).

    Units without data do not count; set a minimum coverage to require them.

    Examples
    --------
    >>> AllTrue().to_spec()
    'all'
    """

    name: ClassVar[str] = "all"
    fields: ClassVar[tuple[tuple[str, Combine], ...]] = (("true", "add"),)
    measure_kinds: ClassVar[tuple[str, ...]] = ("binary",)

    def init(self, cells: Cells) -> tuple[State, BoolArray]:
        ok = _rc.valid(cells.value)
        return {"true": (ok & (cells.value == 1)).astype(np.float64)}, ok

    def finalize(
        self, state: State, n: FloatArray, n_scope: FloatArray, scale: float
    ) -> FloatArray:
        return np.where(n > 0, (state["true"] == n).astype(np.float64), np.nan)


_SIMPLE: dict[str, type[Rule]] = {
    "sum": Sum,
    "ratio_of_sums": RatioOfSums,
    "mean": Mean,
    "min": Min,
    "max": Max,
    "any": AnyTrue,
    "all": AllTrue,
}
#: Every rule name accepted by :func:`parse_rule`.
RULE_NAMES = (
    "sum",
    "ratio_of_sums",
    "mean",
    "weighted_mean",
    "min",
    "max",
    "share_meeting",
    "any",
    "all",
)

_DEFAULTS: dict[str, Rule] = {
    "ratio": RatioOfSums(),
    "count": Sum(),
    "score": Mean(),
    "binary": AllTrue(),
    "rank": Min(),
}


def parse_rule(spec: str | Rule) -> Rule:
    """Build a rule from its text: ``"mean"``, ``"weighted_mean(by=denominator)"``, ...

    A :class:`Rule` passes through unchanged.

    Examples
    --------
    >>> parse_rule("weighted_mean(by=denominator)")
    WeightedMean(by='denominator')
    >>> parse_rule("share_meeting(== 1, denominator=all)").denominator
    'all'
    >>> parse_rule("median")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown rule 'median'; the rules are sum, ratio_of_sums, mean, weighted_mean, min, max, share_meeting, any, all
    """
    if isinstance(spec, Rule):
        return spec
    name, positional, kwargs = _rc.split_spec(spec, RULE_NAMES)
    if name in _SIMPLE:
        if positional or kwargs:
            msg = f"rule {name!r} takes no arguments, got {spec!r}"
            raise DefinitionError(msg)
        return _SIMPLE[name]()
    if name == "weighted_mean":
        if positional or set(kwargs) - {"by"}:
            msg = f"weighted_mean takes only 'by=weight' or 'by=denominator', got {spec!r}"
            raise DefinitionError(msg)
        return WeightedMean(**kwargs)
    if len(positional) != 1 or set(kwargs) - {"denominator"}:
        msg = f"share_meeting needs one condition, such as 'share_meeting(>= 60)', got {spec!r}"
        raise DefinitionError(msg)
    return ShareMeeting(positional[0], **kwargs)


def default_rule(measure: Measure) -> Rule:
    """The rule an indicator of ``measure`` uses unless it names another.

    ratio: ``ratio_of_sums``; count: ``sum``; score: ``mean``; binary: ``all``; rank: ``min``.

    Examples
    --------
    >>> default_rule(measures.percent())
    RatioOfSums()
    """
    return _DEFAULTS[measure.kind]


def rules_for(measure: Measure) -> tuple[str, ...]:
    """The names of the rules that fit ``measure``, the default first.

    Examples
    --------
    >>> rules_for(measures.binary())
    ('all', 'sum', 'share_meeting', 'any')
    """
    default = _DEFAULTS[measure.kind].name
    fitting = [default]
    for name in RULE_NAMES:
        cls = _SIMPLE.get(name) or (WeightedMean if name == "weighted_mean" else ShareMeeting)
        if measure.kind in cls.measure_kinds and name != default:
            fitting.append(name)
    return tuple(fitting)
