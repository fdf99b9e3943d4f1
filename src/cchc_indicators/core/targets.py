"""Targets: what a plan wants an indicator to reach, where, by when, and on whose authority.

A :class:`Target` is a small frozen object made by one of the factories:

=========================== ================================ ======================
factory                     holds when                       gap (positive = short)
=========================== ================================ ======================
``at_least(x)``             value >= x                       x - value
``at_most(x)``              value <= x                       value - x
``reduce_by(f, baseline)``  change vs baseline <= -100 f %   change - (-100 f)
``increase_by(f, ...)``     change vs baseline >= +100 f %   100 f - change
``rank_at_most(k, among)``  rank among peers <= k            rank - k
``no_worse_than_previous``  change from the period before    -change - tolerance
                            is no worse than ``-tolerance``  (oriented by the
                                                             indicator's direction)
=========================== ================================ ======================

A target may name the **tier** it applies to (``"district"``: the plan's
90/80/60 % per tier), the **scope** its value is taken on, the **rule** that
pools a tier (``share_meeting(== 1)`` for "80 % of district committees"), a
**deadline**, and its **source** (document and clause).

Two options change *when* and *on what* a target is judged:

- ``each_period=True``: the target must hold in **every** period from the
  plan's baseline to the deadline ("in the top 15 every year of the period"),
  not only at the deadline. A period in which it did not hold cannot be made
  good later: the row is ``not_achieved`` from then on, and names the periods
  in ``periods_not_met``. ``no_worse_than_previous`` targets always apply to
  every period.
- ``fields=("a", "b")``: the per-field reading of a pooled target. The
  target is judged on each of the plan's indicators ``a`` and ``b`` (the
  fields its own indicator pools) rather than on the pooled indicator.

Examples
--------
>>> from cchc_indicators.core.targets import at_least, reduce_by, rank_at_most
>>> at_least(80).describe("%")
'>= 80 %'
>>> reduce_by(0.10, baseline="2021").describe("count")
'<= -10 % vs 2021'
>>> rank_at_most(15, among="province").describe("points")
'rank <= 15 among provinces'
>>> rank_at_most(15, among="province", each_period=True).describe()
'rank <= 15 among provinces, every period'
>>> no_worse_than_previous().describe("points")
'no worse than the period before, every period'
"""

from __future__ import annotations

import math
from typing import Any, Literal

import attrs

from cchc_indicators.core._loading import as_float, check_nesting, text_tuple
from cchc_indicators.core._periods import normalise_period, period_end_key
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.rules import Rule, ShareMeeting, number_text, parse_rule
from cchc_indicators.core.scopes import Scope

__all__ = [
    "STATUSES",
    "TARGET_KINDS",
    "Target",
    "at_least",
    "at_most",
    "increase_by",
    "no_worse_than_previous",
    "rank_at_most",
    "reduce_by",
]

#: Every status of an evaluated target, from best to worst news (see
#: :func:`cchc_indicators.evaluation.evaluate`).
STATUSES = ("achieved", "on_track", "off_track", "not_achieved", "insufficient_data", "no_data")

TargetKind = Literal[
    "at_least", "at_most", "reduce_by", "increase_by", "rank_at_most", "no_worse_than_previous"
]
TARGET_KINDS: tuple[TargetKind, ...] = (
    "at_least",
    "at_most",
    "reduce_by",
    "increase_by",
    "rank_at_most",
    "no_worse_than_previous",
)


def _period_or_none(value: object) -> str | None:
    if value is None:
        return None
    try:
        return normalise_period(value)
    except ValueError as exc:
        raise DefinitionError(str(exc)) from None


def _scope_or_none(value: object) -> Scope | None:
    if value is None:
        return None
    if not isinstance(value, (str, Scope)):
        msg = f"a target's scope is 'own', 'territory' or 'tier:<level>', got {value!r}"
        raise DefinitionError(msg)
    return Scope.parse(value)


def _rule_or_none(value: object) -> Rule | None:
    if value is None:
        return None
    if not isinstance(value, (str, Rule)):
        msg = f"a target's rule is a Rule or its text, got {value!r}"
        raise DefinitionError(msg)
    return parse_rule(value)


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        msg = f"expected a non-empty name, got {value!r}"
        raise DefinitionError(msg)
    return value


def _to_bool(value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"a target's each_period is true or false, got {value!r}"
        raise DefinitionError(msg)
    return value


def _to_fields(value: object) -> tuple[str, ...]:
    out = text_tuple(
        value,
        whole="a target's fields are a list of indicator codes",
        each="a target's fields are indicator codes (non-empty text)",
    )
    if len(set(out)) != len(out):
        msg = f"a target names a field twice: {list(out)}"
        raise DefinitionError(msg)
    if len(out) == 1:
        msg = f"a per-field target names at least two fields, got {list(out)}"
        raise DefinitionError(msg)
    return out


def _check_kind(_instance: object, _attribute: object, value: str) -> None:
    if value not in TARGET_KINDS:
        msg = f"unknown target kind {value!r}; the kinds are {', '.join(TARGET_KINDS)}"
        raise DefinitionError(msg)


def _to_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        msg = f"a target's threshold must be a number, got {value!r}"
        raise DefinitionError(msg)
    return as_float(value)  # an integer too large for a float is infinite, refused later


@attrs.frozen
class Target:
    """A numeric target for one indicator.

    Build targets with :func:`at_least`, :func:`at_most`, :func:`reduce_by`,
    :func:`increase_by` and :func:`rank_at_most`.

    Parameters
    ----------
    kind
        One of :data:`TARGET_KINDS`.
    threshold
        The number in the target: the value for ``at_least``/``at_most``, the
        fraction (0.10 for 10 %) for ``reduce_by``/``increase_by``, ``k`` for
        ``rank_at_most``.
    tier
        The level the target applies to. For a tier below the plan's unit
        (``"district"`` in a provincial plan) the plan unit's row is evaluated
        on ``tier:<tier>`` and each unit of the tier on its own row; for the
        plan unit's own level (``"province"``), or ``None``, the plan unit itself.
    scope
        The scope the plan unit's value is taken on (``own`` by default,
        ``tier:<tier>`` for a tier below the plan's unit).
    rule
        The rule pooling a tier (default: the indicator's). With
        ``share_meeting(<condition>)``, each unit of the tier is judged on
        its own row by that condition.
    baseline
        The baseline period of a relative target.
    among
        The level whose units are the peers of a rank target.
    each_period
        Whether the target must hold in every period from the plan's
        baseline to the deadline rather than by the deadline (always true for
        ``no_worse_than_previous``).
    fields
        The per-field reading of a target on a pooled indicator: the codes
        of the plan's indicators (two or more) on each of which the target is
        judged instead of on its own indicator.
    deadline
        The period by which the target must hold (default: the plan's).
    source
        The document and clause setting the target.

    Examples
    --------
    >>> t = at_least(80, tier="district", deadline="2025", source="QĐ 2866, mục II.2")
    >>> t.tier, t.deadline
    ('district', '2025')
    >>> at_least(80) == at_least(80.0)
    True
    """

    kind: TargetKind = attrs.field(validator=_check_kind)
    threshold: float = attrs.field(converter=_to_float)
    tier: str | None = attrs.field(default=None, kw_only=True, converter=_text_or_none)
    scope: Scope | None = attrs.field(default=None, kw_only=True, converter=_scope_or_none)
    rule: Rule | None = attrs.field(default=None, kw_only=True, converter=_rule_or_none)
    baseline: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    among: str | None = attrs.field(default=None, kw_only=True, converter=_text_or_none)
    each_period: bool = attrs.field(default=False, kw_only=True, converter=_to_bool)
    fields: tuple[str, ...] = attrs.field(factory=tuple, kw_only=True, converter=_to_fields)
    deadline: str | None = attrs.field(default=None, kw_only=True, converter=_period_or_none)
    source: str = attrs.field(default="", kw_only=True)

    def __repr__(self) -> str:
        parts = [repr(self.kind), f"{self.threshold:g}"]
        parts += [
            f"{key}={getattr(self, key)!r}"
            for key in ("tier", "baseline", "among", "deadline")
            if getattr(self, key) is not None
        ]
        parts += [
            f"{key}='{getattr(self, key)}'" for key in ("scope", "rule") if getattr(self, key)
        ]
        if self.each_period:
            parts.append("each_period=True")
        if self.fields:
            parts.append(counted(len(self.fields), "field"))
        return f"Target({', '.join(parts)})"

    @source.validator
    def _check_source(self, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            msg = f"a target's source is text (document and clause), got {value!r}"
            raise DefinitionError(msg)

    def __attrs_post_init__(self) -> None:
        x = self.threshold
        if not math.isfinite(x):
            msg = f"a target's threshold must be finite, got {x}"
            raise DefinitionError(msg)
        relative = self.kind in ("reduce_by", "increase_by")
        if relative:
            if self.baseline is None:
                msg = f"a {self.kind} target needs a baseline period, such as baseline='2021'"
                raise DefinitionError(msg)
            if x <= 0 or (self.kind == "reduce_by" and x > 1):
                msg = (
                    f"{self.kind} takes a fraction such as 0.10 for 10 %"
                    f"{' (at most 1)' if self.kind == 'reduce_by' else ''}, got {x:g}"
                )
                raise DefinitionError(msg)
        elif self.baseline is not None:
            msg = f"only reduce_by and increase_by targets have a baseline, not {self.kind}"
            raise DefinitionError(msg)
        if self.kind == "no_worse_than_previous":
            if x < 0:
                msg = f"no_worse_than_previous takes a tolerance >= 0 (0: no decline at all), got {x:g}"
                raise DefinitionError(msg)
            # the change from the period before is a yearly (per-period) condition by nature
            object.__setattr__(self, "each_period", True)
            if self.fields:
                msg = "a no_worse_than_previous target cannot have fields"
                raise DefinitionError(msg)
            if isinstance(self.rule, ShareMeeting):
                # each unit's own row would be judged by the condition on a change, not a value
                msg = (
                    "a no_worse_than_previous target compares values, not a share of units "
                    f"meeting a condition: drop the rule {self.rule.to_spec()!r}"
                )
                raise DefinitionError(msg)
        if self.kind == "rank_at_most":
            if x < 1 or not x.is_integer():
                msg = f"rank_at_most needs a whole k >= 1, got {x:g}"
                raise DefinitionError(msg)
            if self.among is None:
                msg = "a rank target names the level of its peers, such as among='province'"
                raise DefinitionError(msg)
        elif self.among is not None:
            msg = f"only rank targets have peers ('among'), not {self.kind}"
            raise DefinitionError(msg)
        if (
            self.deadline is not None
            and self.baseline is not None
            and period_end_key(self.deadline) <= period_end_key(self.baseline)
        ):
            msg = f"the deadline {self.deadline} is not after the baseline {self.baseline}"
            raise DefinitionError(msg)

    # ------------------------------------------------------------------ meaning

    @property
    def relative(self) -> bool:
        """Whether the target is a change relative to a baseline period.

        Examples
        --------
        >>> reduce_by(0.1, baseline="2021").relative, at_least(80).relative
        (True, False)
        """
        return self.kind in ("reduce_by", "increase_by")

    @property
    def bound(self) -> float:
        """The threshold in the evaluated quantity's terms.

        The value for ``at_least``/``at_most``; the change in percent for
        relative targets (-10 for ``reduce_by(0.10)``); ``k`` for ranks; minus
        the tolerance for ``no_worse_than_previous``, whose quantity is the
        improvement on the period before.

        Examples
        --------
        >>> reduce_by(0.1, baseline="2021").bound, increase_by(0.25, baseline="2021").bound
        (-10.0, 25.0)
        """
        if self.kind == "reduce_by":
            return -round(self.threshold * 100.0, 12)
        if self.kind == "no_worse_than_previous":
            return 0.0 - self.threshold  # 0.0, not -0.0, without tolerance
        if self.kind == "increase_by":
            return round(self.threshold * 100.0, 12)
        return self.threshold

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger evaluated quantity is closer to meeting the target.

        Examples
        --------
        >>> at_least(80).higher_is_better, rank_at_most(15, among="province").higher_is_better
        (True, False)
        """
        return self.kind in ("at_least", "increase_by", "no_worse_than_previous")

    def holds(self, quantity: float) -> bool:
        """Whether the evaluated quantity (value, change in percent, or rank) meets the target.

        NaN never does.

        For ``no_worse_than_previous`` the quantity is the improvement on the
        period before (the change, its sign turned for an indicator where
        lower is better).

        Examples
        --------
        >>> at_least(80).holds(80.0), at_most(5).holds(5.5), rank_at_most(15, among="province").holds(15)
        (True, False, True)
        >>> no_worse_than_previous().holds(0.0), no_worse_than_previous(tolerance=1).holds(-1.5)
        (True, False)
        """
        if math.isnan(quantity):
            return False
        if self.higher_is_better:
            return quantity >= self.bound
        return quantity <= self.bound

    def gap(self, quantity: float) -> float:
        """Distance to the threshold, positive when short of it, negative when beyond.

        Examples
        --------
        >>> at_least(80).gap(72.5), reduce_by(0.1, baseline="2021").gap(-12.5)
        (7.5, -2.5)
        """
        if self.higher_is_better:
            return self.bound - quantity
        return quantity - self.bound

    def describe(self, unit: str = "", *, with_tier: bool = True, with_fields: bool = True) -> str:
        """Return the target as readable text, such as ``>= 80 %``.

        Parameters
        ----------
        unit
            The indicator's unit label, written after the threshold.
        with_tier
            Add ``(<tier> tier)`` for a per-tier target.
        with_fields
            Name the fields of a per-field target (an evaluation's rows, one
            per field, say only ``in each field``).

        Examples
        --------
        >>> at_most(3, tier="commune").describe("days")
        '<= 3 days (commune tier)'
        >>> at_least(80, tier="district", rule="share_meeting(== 1)").describe("yes/no")
        '>= 80 % of districts == 1 (district tier)'
        >>> at_least(80, tier="district", rule="share_meeting(== 1, denominator=all)").describe()
        '>= 80 % of all districts == 1 (district tier)'
        >>> no_worse_than_previous(tolerance=0.5).describe("points")
        'no worse than the period before by more than 0.5 points, every period'
        >>> at_least(85, fields=("land", "construction")).describe("%")
        '>= 85 % in each field (land, construction)'
        >>> at_least(85, fields=("land", "construction")).describe("%", with_fields=False)
        '>= 85 % in each field'
        """
        suffix = f" {unit}" if unit else ""
        if isinstance(self.rule, ShareMeeting):
            every = "all " if self.rule.denominator == "all" else ""
            suffix = f" % of {every}{self.tier or 'unit'}s {self.rule.condition}"
        if self.kind == "at_least":
            text = f">= {number_text(self.threshold)}{suffix}"
        elif self.kind == "at_most":
            text = f"<= {number_text(self.threshold)}{suffix}"
        elif self.kind == "rank_at_most":
            text = f"rank <= {number_text(self.threshold)} among {self.among}s"
        elif self.kind == "no_worse_than_previous":
            text = "no worse than the period before"
            if self.threshold > 0:
                text += f" by more than {number_text(self.threshold)}{suffix}"
        else:
            sign = "<=" if self.kind == "reduce_by" else ">="
            text = f"{sign} {number_text(self.bound)} % vs {self.baseline}"
        if self.fields:
            text += (
                f" in each field ({', '.join(self.fields)})" if with_fields else " in each field"
            )
        if self.each_period:
            text += ", every period"
        if self.tier is not None and with_tier:
            text += f" ({self.tier} tier)"
        return text

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary; :meth:`from_dict` reverses it.

        Keys that hold their default are left out.

        Examples
        --------
        >>> at_least(90, tier="province", deadline="2025").to_dict()
        {'kind': 'at_least', 'threshold': 90.0, 'tier': 'province', 'deadline': '2025'}
        >>> Target.from_dict(_) == at_least(90, tier="province", deadline="2025")
        True
        """
        out: dict[str, Any] = {"kind": self.kind, "threshold": self.threshold}
        for name in ("tier", "scope", "rule", "baseline", "among"):
            v = getattr(self, name)
            if v is not None:
                out[name] = v.to_spec() if isinstance(v, Rule) else str(v)
        if self.each_period:
            out["each_period"] = True
        if self.fields:
            out["fields"] = list(self.fields)
        if self.deadline is not None:
            out["deadline"] = self.deadline
        if self.source:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        """Build a target from :meth:`to_dict` output.

        Raises
        ------
        DefinitionError
            If a key is unknown or a value invalid.

        Examples
        --------
        >>> Target.from_dict({"kind": "at_most", "threshold": 5, "tier": "commune"})
        Target('at_most', 5, tier='commune')
        """
        if isinstance(data, dict):
            check_nesting(data, "target")
        if not isinstance(data, dict) or "kind" not in data or "threshold" not in data:
            msg = f"a target needs at least 'kind' and 'threshold', got {data!r}"
            raise DefinitionError(msg)
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - known, key=str)
        if unknown:
            msg = f"unknown target keys {unknown}; the keys are {sorted(known)}"
            raise DefinitionError(msg)
        kwargs = dict(data)
        return cls(kwargs.pop("kind"), kwargs.pop("threshold"), **kwargs)


def at_least(x: float, **options: Any) -> Target:
    """The value must be at least ``x`` (``>= 80 %``).

    ``options`` are the keyword fields of :class:`Target` (``tier``, ``scope``,
    ``rule``, ``deadline``, ``source``).

    Examples
    --------
    >>> at_least(80).kind
    'at_least'
    """
    return Target("at_least", x, **options)


def at_most(x: float, **options: Any) -> Target:
    """The value must be at most ``x``.

    Examples
    --------
    >>> at_most(5).describe()
    '<= 5'
    """
    return Target("at_most", x, **options)


def reduce_by(fraction: float, *, baseline: object, **options: Any) -> Target:
    """The value must fall by at least ``fraction`` (0.10 = 10 %) from the same unit's baseline.

    Examples
    --------
    >>> reduce_by(0.10, baseline=2021).baseline
    '2021'
    """
    return Target("reduce_by", fraction, baseline=baseline, **options)


def increase_by(fraction: float, *, baseline: object, **options: Any) -> Target:
    """The value must rise by at least ``fraction`` from the same unit's baseline.

    Examples
    --------
    >>> increase_by(0.5, baseline="2021").bound
    50.0
    """
    return Target("increase_by", fraction, baseline=baseline, **options)


def rank_at_most(k: int, *, among: str, **options: Any) -> Target:
    """The unit must rank ``k`` or better among the units of level ``among``.

    Ranks count units with a value in the period; 1 is the best given the
    indicator's direction; tied units share the smallest rank.

    Examples
    --------
    >>> rank_at_most(15, among="province").threshold
    15.0
    """
    return Target("rank_at_most", k, among=among, **options)


def no_worse_than_previous(tolerance: float = 0.0, **options: Any) -> Target:
    """The value must be no worse than in the period before, in every period ("duy trì, cải thiện").

    Worse means lower for an indicator where higher is better (a PAR INDEX
    score) and higher where lower is better. ``tolerance`` is the largest
    worsening allowed, in the indicator's unit (0: none). The target applies
    to every period after the plan's baseline up to the deadline, each
    compared with the period just before it (``each_period`` is always true).

    Examples
    --------
    >>> t = no_worse_than_previous(source="QĐ 2866")
    >>> t.kind, t.each_period, t.bound
    ('no_worse_than_previous', True, 0.0)
    """
    return Target("no_worse_than_previous", tolerance, **options)
