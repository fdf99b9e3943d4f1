"""Indicator definitions: what is measured, how it is bounded and how it rolls up.

Examples
--------
>>> from cchc_indicators import Indicator, measures
>>> ind = Indicator(
...     "work_files_online",
...     "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng",
...     name_en="Work files processed online",
...     area="digital_government",
...     measure=measures.percent(),
... )
>>> ind.rule, ind.direction, ind.unit, ind.temporal
(RatioOfSums(), <Direction.HIGHER: 'higher'>, '%', <Temporal.FLOW: 'flow'>)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Any

import attrs

from cchc_indicators.core._loading import check_nesting, text_tuple
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError, RuleMismatchError
from cchc_indicators.core.measures import JSON_KINDS, Measure, percent
from cchc_indicators.core.rules import Rule, ShareMeeting, default_rule, parse_rule, rules_for
from cchc_indicators.core.targets import Target

__all__ = ["TEMPORALS_FOR", "Area", "Direction", "Indicator", "Temporal"]

_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


class Area(str, enum.Enum):
    """The reform area an indicator belongs to (the six areas of the national programme).

    Examples
    --------
    >>> Area("procedures")
    <Area.PROCEDURES: 'procedures'>
    >>> [a.value for a in Area][:3]
    ['overall', 'institutions', 'procedures']
    """

    OVERALL = "overall"
    INSTITUTIONS = "institutions"
    PROCEDURES = "procedures"
    ORGANISATION = "organisation"
    CIVIL_SERVICE = "civil_service"
    PUBLIC_FINANCE = "public_finance"
    DIGITAL_GOVERNMENT = "digital_government"

    def __str__(self) -> str:
        return self.value


class Direction(str, enum.Enum):
    """Whether a higher or a lower value is better.

    Examples
    --------
    >>> Direction("lower").sign
    -1
    """

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better.

        Multiply a change by the sign to get an improvement (positive) or a
        deterioration (negative).

        Examples
        --------
        >>> Direction.HIGHER.sign, Direction.LOWER.sign
        (1, -1)
        """
        return 1 if self is Direction.HIGHER else -1

    def __str__(self) -> str:
        return self.value


class Temporal(str, enum.Enum):
    """How an indicator's values over time combine into a longer period.

    ``flow``
        Summed over the period: dossiers received, work files processed. For a
        ratio, numerator and denominator are each summed.
    ``stock``
        The value at the end of the period: staff, number of units, the share
        of procedures offered online.
    ``level``
        The mean over the period: a satisfaction score. For a ratio given as
        parts, numerator and denominator are each averaged.

    See :func:`cchc_indicators.data.periods.to_granularity`, which converts
    observations to a coarser period by this nature.

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> Temporal("stock")
    <Temporal.STOCK: 'stock'>
    >>> [t.value for t in Temporal]
    ['flow', 'stock', 'level']
    """

    FLOW = "flow"
    STOCK = "stock"
    LEVEL = "level"

    def __str__(self) -> str:
        return self.value


#: The temporal natures that fit each measure kind, the default first. Adding up
#: scores, 0/1 facts or ranks is meaningless, and so is averaging 0/1 facts or
#: ranks (a mean of 0/1 facts is a share, a mean of ranks is not a rank).
TEMPORALS_FOR: dict[str, tuple[Temporal, ...]] = {
    "ratio": (Temporal.FLOW, Temporal.STOCK, Temporal.LEVEL),
    "count": (Temporal.FLOW, Temporal.STOCK, Temporal.LEVEL),
    "score": (Temporal.LEVEL, Temporal.STOCK),
    "binary": (Temporal.STOCK,),
    "rank": (Temporal.STOCK,),
}

_TEMPORAL_HINTS = {
    ("flow", "score"): "adding up scores over time is meaningless",
    ("flow", "binary"): "adding up 0/1 facts over time is meaningless",
    ("flow", "rank"): "adding up ranks over time is meaningless",
    ("level", "binary"): "a mean of 0/1 facts is a share, not a fact",
    ("level", "rank"): "a mean of ranks is not a rank",
}


def _to_temporal(value: object) -> object:
    # unknown values are kept as they are and refused by the validator, which can name the indicator
    try:
        return Temporal(value)
    except ValueError:
        return value


def _check_temporal(instance: Indicator, _attribute: object, value: object) -> None:
    if not isinstance(value, Temporal):
        allowed = ", ".join(repr(t.value) for t in Temporal)
        msg = f"indicator {instance.code!r}: unknown temporal nature {value!r}; expected one of {allowed}"
        raise DefinitionError(msg, code=instance.code)


def _to_enum(cls: type[enum.Enum], what: str) -> Any:
    def convert(value: object) -> enum.Enum:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in cls)
            msg = f"unknown {what} {value!r}; expected one of {allowed}"
            raise DefinitionError(msg) from None

    return convert


def _to_area(value: object) -> Area:
    result: Area = _to_enum(Area, "area")(value)
    return result


def _to_direction(value: object) -> Direction:
    result: Direction = _to_enum(Direction, "direction")(value)
    return result


def _check_code(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        msg = (
            f"indicator code {value!r} is not valid: use letters, digits, '_', '.' or '-', "
            "starting with a letter"
        )
        raise DefinitionError(msg)


def _check_name(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    _check_text(_instance, attribute, value)
    assert isinstance(value, str)
    if not value.strip():
        msg = "an indicator needs a name (in Vietnamese, as the plan writes it), got an empty one"
        raise DefinitionError(msg)


def _check_text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"indicator {attribute.name!r} must be text, got {value!r}"
        raise DefinitionError(msg)


def _to_measure(value: object) -> Measure:
    # converted (and checked) at once, because the defaults of later fields depend on it
    if not isinstance(value, Measure):
        msg = (
            f"an indicator's measure must be a Measure, such as measures.percent() "
            f"(see cchc_indicators.core.measures), got {value!r}"
        )
        raise DefinitionError(msg)
    return value


def _to_aliases(value: object) -> tuple[str, ...]:
    return text_tuple(
        value,
        whole="an indicator's aliases are a list of names",
        each="an indicator's aliases are non-empty names",
    )


def _to_targets(value: Iterable[object]) -> tuple[Target, ...]:
    out: list[Target] = []
    for target in value:
        if not isinstance(target, Target):
            msg = f"an indicator's targets must be Target objects (see cchc_indicators.core.targets), got {target!r}"
            raise DefinitionError(msg)
        out.append(target)
    return tuple(out)


def _default_direction(measure: Measure) -> Direction:
    return Direction.LOWER if measure.kind == "rank" else Direction.HIGHER


_HINTS = {
    ("sum", "ratio"): "adding up rates is meaningless; pool the parts",
    ("sum", "score"): "adding up scores is meaningless",
    ("ratio_of_sums", "count"): "a count has no numerator and denominator",
    ("ratio_of_sums", "score"): "a score has no numerator and denominator",
    ("mean", "binary"): "a mean of 0/1 facts is a share; say so",
    ("mean", "rank"): "ranks are positions, not quantities",
}


@attrs.frozen
class Indicator:
    """A monitored quantity: its code, names, area, measure and roll-up rule.

    Parameters
    ----------
    code
        The public identifier (``"procedures_online"``): letters, digits, ``_``,
        ``.`` and ``-``, starting with a letter.
    name
        The name in Vietnamese, as the plan writes it.
    name_en
        The English name.
    area
        The reform area (:class:`Area` or its value); default ``overall``.
    measure
        The kind of number (:mod:`cchc_indicators.core.measures`); default a percent.
    direction
        Whether higher or lower is better (default: higher, lower for a rank).
    rule
        How values of several units combine (a :class:`~cchc_indicators.core.rules.Rule`
        or its text). Default by measure: ratio -> ``ratio_of_sums``, count ->
        ``sum``, score -> ``mean``, binary -> ``all``, rank -> ``min``. A rule that
        does not fit the measure raises :class:`~cchc_indicators.core.errors.RuleMismatchError`.
    unit
        The unit label shown with values; default from the measure (``%``, ...).
    temporal
        How values of shorter periods combine into a longer one
        (:class:`Temporal` or its value): ``flow`` (summed, e.g. dossiers
        received), ``stock`` (the last value, e.g. staff) or ``level`` (the
        mean, e.g. a satisfaction score). For a ratio it applies to numerator
        and denominator alike. Default by measure: ratio and count ->
        ``flow`` (for a ratio: both parts are flows), score -> ``level``,
        binary and rank -> ``stock`` (the only nature that fits them: a mean
        of 0/1 facts is a share, a mean of ranks is not a rank). A nature that
        does not fit the measure, or an unknown one, raises
        :class:`~cchc_indicators.core.errors.DefinitionError`.

        .. versionadded:: 0.1.0
    description
        What exactly is counted.
    source
        The document and clause that define the indicator.
    aliases
        Other names of the same indicator, such as the wording of a later
        legal text (Decree 42/2022/NĐ-CP renamed level 4 online public
        services "dịch vụ công trực tuyến toàn trình" and level 3 "một
        phần"). The code and the plan's own ``name`` do not change.

        .. versionadded:: 0.1.0

    Examples
    --------
    >>> Indicator("staff", "Số biên chế", measure=measures.count()).rule
    Sum()
    >>> Indicator("staff", "Số biên chế", measure=measures.count(), temporal="stock").temporal
    <Temporal.STOCK: 'stock'>
    >>> Indicator("s", "S", measure=measures.score(0, 100), temporal="flow")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: indicator 's': temporal 'flow' does not fit a score measure (adding up scores over time is meaningless); use 'level' (the default) or 'stock'
    >>> Indicator("x", "X", measure=measures.percent(), rule="sum")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.RuleMismatchError: indicator 'x': rule 'sum' does not fit a ratio measure (adding up rates is meaningless; pool the parts); use 'ratio_of_sums' (the default), or one of 'mean', 'weighted_mean', 'min', 'max', 'share_meeting'
    """

    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(validator=_check_name)
    name_en: str = attrs.field(default="", kw_only=True, validator=_check_text)
    area: Area = attrs.field(default=Area.OVERALL, kw_only=True, converter=_to_area)
    measure: Measure = attrs.field(factory=percent, kw_only=True, converter=_to_measure)
    direction: Direction = attrs.field(
        default=attrs.Factory(lambda self: _default_direction(self.measure), takes_self=True),
        kw_only=True,
        converter=_to_direction,
    )
    rule: Rule = attrs.field(
        default=attrs.Factory(lambda self: default_rule(self.measure), takes_self=True),
        kw_only=True,
        converter=parse_rule,
    )
    unit: str = attrs.field(
        default=attrs.Factory(lambda self: self.measure.unit_label, takes_self=True),
        kw_only=True,
        validator=_check_text,
    )
    temporal: Temporal = attrs.field(
        default=attrs.Factory(lambda self: TEMPORALS_FOR[self.measure.kind][0], takes_self=True),
        kw_only=True,
        converter=_to_temporal,
        validator=_check_temporal,
    )
    description: str = attrs.field(default="", kw_only=True, validator=_check_text)
    source: str = attrs.field(default="", kw_only=True, validator=_check_text)
    targets: tuple[Target, ...] = attrs.field(factory=tuple, kw_only=True, converter=_to_targets)
    aliases: tuple[str, ...] = attrs.field(factory=tuple, kw_only=True, converter=_to_aliases)

    def __repr__(self) -> str:
        return (
            f"Indicator({self.code!r}, {self._measure_word}, rule {self.rule.to_spec()}, "
            f"{counted(len(self.targets), 'target')})"
        )

    @property
    def _measure_word(self) -> str:
        """The measure's word: its kind, or ``percent`` for a percentage."""
        return "percent" if getattr(self.measure, "is_percent", False) else self.measure.kind

    def describe(self) -> str:
        """Return the indicator in full as text: names, area, measure, rule, targets and source.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> from cchc_indicators import at_least, measures
        >>> files = Indicator("files_received", "Số hồ sơ tiếp nhận", name_en="Files received",
        ...                   measure=measures.count(), rule="sum",
        ...                   targets=[at_least(5000, tier="province", deadline=2025)])
        >>> files
        Indicator('files_received', count, rule sum, 1 target)
        >>> print(files.describe())
        files_received: Số hồ sơ tiếp nhận
        name (en): Files received
        area overall; measure count; higher is better; rule sum; unit count; temporal flow
        target: >= 5000 count (province tier), by 2025
        """
        lines = [f"{self.code}: {self.name}"]
        if self.name_en:
            lines.append(f"name (en): {self.name_en}")
        size = self.measure.scale
        percent = self._measure_word == "percent"
        scale = f" ×{size:g}" if size is not None and size != 1 and not percent else ""
        better = "higher is better" if self.direction.sign > 0 else "lower is better"
        lines.append(
            f"area {self.area}; measure {self._measure_word}{scale}; {better}; "
            f"rule {self.rule.to_spec()}; unit {self.unit or '-'}; temporal {self.temporal}"
        )
        for t in self.targets:
            by = f", by {t.deadline}" if t.deadline else ""
            lines.append(f"target: {t.describe(self.unit)}{by}")
        if self.aliases:
            lines.append(f"aliases: {', '.join(self.aliases)}")
        if self.description:
            lines.append(f"description: {self.description}")
        if self.source:
            lines.append(f"source: {self.source}")
        return "\n".join(lines)

    def __attrs_post_init__(self) -> None:
        if not self.rule.fits(self.measure):
            raise _mismatch(self.code, self.rule, self.measure)
        fitting = TEMPORALS_FOR[self.measure.kind]
        if self.temporal not in fitting:
            hint = _TEMPORAL_HINTS[(self.temporal.value, self.measure.kind)]
            others = " or ".join(repr(t.value) for t in fitting[1:])
            alternatives = f" or {others}" if others else ""
            msg = (
                f"indicator {self.code!r}: temporal {self.temporal.value!r} does not fit a "
                f"{self.measure.kind} measure ({hint}); use {fitting[0].value!r} (the default)"
                f"{alternatives}"
            )
            raise DefinitionError(msg, code=self.code)
        seen: set[tuple[object, ...]] = set()
        for target in self.targets:
            self._check_target(target)
            # one target of a kind per tier, scope, reading and deadline (80 % by 2025, 90 % by
            # 2030; "top 15 every year" beside "top 10 in 2025"; own beside territory)
            key = (
                target.tier,
                target.kind,
                target.fields,
                target.deadline,
                target.each_period,
                str(target.scope),
            )
            if key in seen:
                msg = (
                    f"indicator {self.code!r} has two {target.kind} targets for "
                    f"{'tier ' + repr(target.tier) if target.tier else 'the same unit'}"
                    f"{' due ' + target.deadline if target.deadline else ''}"
                )
                raise DefinitionError(msg, code=self.code)
            seen.add(key)

    def _check_target(self, target: Target) -> None:
        if target.rule is not None and not target.rule.fits(self.measure):
            raise _mismatch(self.code, target.rule, self.measure)
        if self.code in target.fields:
            msg = (
                f"indicator {self.code!r}: a per-field target names the indicator itself as a field"
            )
            raise DefinitionError(msg, code=self.code)
        if target.kind not in ("at_least", "at_most"):
            return
        if isinstance(target.rule, ShareMeeting):
            bounds: tuple[float, float] | None = (0.0, 100.0)  # a share of units, in percent
            what = "a share of units"
        else:
            bounds = self.measure.bounds
            what = "a percent" if self.measure.is_percent else f"a {self.measure.kind}"
        if bounds is not None and not bounds[0] <= target.threshold <= bounds[1]:
            msg = (
                f"indicator {self.code!r}: target {target.describe(self.unit)} is outside "
                f"[{bounds[0]:g}, {bounds[1]:g}], the range of {what}"
            )
            raise DefinitionError(msg, code=self.code)

    def check_rule(self, rule: Rule | str) -> Rule:
        """Return ``rule`` parsed, or raise if it does not fit this indicator's measure.

        Examples
        --------
        >>> ind = Indicator("p", "P")
        >>> ind.check_rule("mean")
        Mean()
        """
        parsed = parse_rule(rule)
        if not parsed.fits(self.measure):
            raise _mismatch(self.code, parsed, self.measure)
        return parsed

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary; :meth:`from_dict` reverses it.

        Examples
        --------
        >>> ind = Indicator("p", "P", area="procedures")
        >>> Indicator.from_dict(ind.to_dict()) == ind
        True
        """
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "area": self.area.value,
            "measure": self.measure.to_dict(),
            "direction": self.direction.value,
            "rule": self.rule.to_spec(),
            "temporal": self.temporal.value,
            "unit": self.unit,
            "description": self.description,
            "source": self.source,
            "targets": [t.to_dict() for t in self.targets],
        } | ({"aliases": list(self.aliases)} if self.aliases else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indicator:
        """Build an indicator from :meth:`to_dict` output (missing keys take defaults).

        Parameters
        ----------
        data
            A mapping with at least ``code`` and ``name``; ``measure`` is a
            mapping as :meth:`Measure.to_dict <cchc_indicators.core.measures.Measure.to_dict>`
            writes it, ``rule`` the rule's text, ``targets`` a list of target
            mappings.

        Returns
        -------
        Indicator
            The indicator, validated as by the constructor.

        Raises
        ------
        DefinitionError
            If ``code`` or ``name`` is missing, a key is unknown, or a value is invalid.
        RuleMismatchError
            If the rule does not fit the measure.

        Examples
        --------
        >>> staff = Indicator.from_dict(
        ...     {"code": "staff", "name": "Số biên chế", "measure": {"kind": "count"}}
        ... )
        >>> staff.rule, staff.unit, staff.area
        (Sum(), 'count', <Area.OVERALL: 'overall'>)
        >>> Indicator.from_dict({"code": "staff", "name": "Số biên chế", "weight": 2})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: indicator 'staff': unknown keys ['weight']
        """
        if isinstance(data, dict):
            check_nesting(data, "indicator")
        if not isinstance(data, dict) or "code" not in data or "name" not in data:
            msg = f"an indicator needs at least 'code' and 'name', got {data!r}"
            raise DefinitionError(msg)
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - known, key=str)
        if unknown:
            msg = f"indicator {data['code']!r}: unknown keys {unknown}"
            raise DefinitionError(msg, code=str(data["code"]))
        kwargs = dict(data)
        if "measure" in kwargs:
            measure = kwargs["measure"]
            if not isinstance(measure, dict):
                msg = f"indicator {data['code']!r}: 'measure' must be an object, got {measure!r}"
                if isinstance(measure, str) and measure in JSON_KINDS:
                    msg += f'; write {{"kind": "{measure}"}}'
                raise DefinitionError(msg, code=str(data["code"]))
            try:
                kwargs["measure"] = Measure.from_dict(measure)
            except DefinitionError as exc:
                where = f"indicator {data['code']!r}"
                raise exc.in_context(where, code=str(data["code"])) from None
        if "targets" in kwargs:
            raw = kwargs["targets"]
            if not isinstance(raw, list):
                msg = f"indicator {data['code']!r}: 'targets' must be a list, got {raw!r}"
                raise DefinitionError(msg, code=str(data["code"]))
            try:
                kwargs["targets"] = [Target.from_dict(t) for t in raw]
            except DefinitionError as exc:
                where = f"indicator {data['code']!r}"
                raise exc.in_context(where, code=str(data["code"])) from None
        code, name = kwargs.pop("code"), kwargs.pop("name")
        try:
            return cls(code, name, **kwargs)
        except DefinitionError as exc:
            if str(exc).startswith(f"indicator {code!r}"):
                raise
            where = f"indicator {code!r}"
            raise exc.in_context(where, code=str(code)) from None


def _mismatch(code: str, rule: Rule, measure: Measure) -> RuleMismatchError:
    fitting = rules_for(measure)
    hint = _HINTS.get((rule.name, measure.kind))
    why = f" ({hint})" if hint else ""
    others = ", ".join(repr(r) for r in fitting[1:])
    alternatives = f", or one of {others}" if others else ""
    msg = (
        f"indicator {code!r}: rule {rule.name!r} does not fit a {measure.kind} measure{why}; "
        f"use {fitting[0]!r} (the default){alternatives}"
    )
    return RuleMismatchError(msg, code=code, rule=rule.name)
