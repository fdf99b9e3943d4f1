"""The code of :mod:`cchc_indicators.testing`, whose public names it defines (see the package)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from cchc_indicators.core import measures
from cchc_indicators.core.indicators import TEMPORALS_FOR, Area, Indicator
from cchc_indicators.core.measures import MEASURE_KINDS, Measure, percent, score
from cchc_indicators.core.rules import REASONS, RULE_NAMES, rules_for
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine import PROVENANCE, Rollup
from cchc_indicators.units.hierarchy import DEFAULT_LEVELS, Hierarchy

__all__ = [
    "assert_rollup_equal",
    "hierarchies",
    "hierarchy_records",
    "indicators",
    "panel_records",
    "panels",
]

Record = dict[str, Any]
Periods = Sequence[str] | st.SearchStrategy[Sequence[str]] | None

#: Code widths of the official unit lists; other levels get the next free width.
_CODE_WIDTHS = {"province": 2, "district": 3, "commune": 5}
_PREFIXES = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
_YEARS = tuple(str(year) for year in range(2021, 2026))
_NAMES = ("Tỷ lệ TTHC trực tuyến toàn trình", "Số biên chế được giao", "Chỉ số SIPAS")
_MEASURE_OF_KIND: dict[str, Measure] = {
    m.kind: m for m in (percent(), measures.count(), score(), measures.binary(), measures.rank())
}


def _widths(levels: Sequence[str]) -> list[int]:
    out: list[int] = []
    for level in levels:
        out.append(max(_CODE_WIDTHS.get(level, 0), out[-1] + 1 if out else 2))
    return out


def hierarchy_records(
    levels: Sequence[str] = DEFAULT_LEVELS, *, max_units_per_level: int = 5, min_top: int = 1
) -> st.SearchStrategy[list[Record]]:
    """Strategy of valid ``{code, name, level, parent}`` records of a hierarchy, in any order.

    Each unit below the top takes a random parent on the level above, so some
    parents have no children and lower levels may be empty. Codes are digit
    strings of the official widths (province 2, district 3, commune 5; other
    levels wider), often with leading zeros. A top unit's ``parent`` is
    absent, ``None`` or ``""``.

    Parameters
    ----------
    levels
        Level names, top first, such as ``("province", "commune")``.
    max_units_per_level
        The most units drawn on one level.
    min_top
        The fewest units on the top level.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from cchc_indicators import Hierarchy
    >>> @settings(max_examples=5, deadline=None)
    ... @given(hierarchy_records(("province", "commune")))
    ... def check(records):
    ...     h = Hierarchy.from_records(records, levels=("province", "commune"))
    ...     assert len(h) == len(records)
    >>> check()
    """
    levels = tuple(levels)
    if not levels or len(set(levels)) != len(levels):
        msg = f"levels must be distinct level names, top first; got {levels!r}"
        raise InvalidArgument(msg)
    if not 0 <= min_top <= max_units_per_level:
        msg = f"need 0 <= min_top <= max_units_per_level, got {min_top} and {max_units_per_level}"
        raise InvalidArgument(msg)
    return _hierarchy_records(levels, max_units_per_level, min_top)


@st.composite
def _hierarchy_records(
    draw: st.DrawFn, levels: tuple[str, ...], max_units: int, min_top: int
) -> list[Record]:
    records: list[Record] = []
    above: list[str] = []
    for k, (level, width) in enumerate(zip(levels, _widths(levels), strict=True)):
        size = min(max_units if k == 0 or above else 0, 10**width)
        digits = st.integers(0, 10**width - 1)
        fewest = min_top if k == 0 else 0
        numbers = draw(st.lists(digits, min_size=fewest, max_size=size, unique=True))
        codes = [str(x).zfill(width) for x in numbers]
        for code in codes:
            name = f"{_PREFIXES.get(level, level)} {code}"
            rec: Record = {"code": code, "name": name, "level": level}
            if k:
                rec["parent"] = draw(st.sampled_from(above))
            else:
                blank = draw(st.sampled_from(("absent", None, "")))
                if blank != "absent":
                    rec["parent"] = blank
            records.append(rec)
        above = codes
    return list(draw(st.permutations(records)))


def hierarchies(
    levels: Sequence[str] = DEFAULT_LEVELS,
    *,
    max_units_per_level: int = 5,
    min_top: int = 1,
    edition: str | None = None,
) -> st.SearchStrategy[Hierarchy]:
    """Strategy of valid :class:`~cchc_indicators.Hierarchy` objects of random shape.

    Built from :func:`hierarchy_records`, whose parameters it takes, plus the
    ``edition`` label. ``levels=("province", "commune")`` gives the two-tier structure.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(hierarchies(max_units_per_level=3))
    ... def check(h):
    ...     assert 1 <= h.level_size("province") <= 3
    ...     assert all(u.parent is None or h.level(u.parent) != u.level for u in h)
    >>> check()
    """
    levels = tuple(levels)
    return hierarchy_records(levels, max_units_per_level=max_units_per_level, min_top=min_top).map(
        lambda records: Hierarchy.from_records(records, levels=levels, edition=edition)
    )


def _measures(kind: str) -> st.SearchStrategy[Measure]:
    if kind == "ratio":
        others = st.builds(
            measures.ratio, st.sampled_from((1.0, 100.0, 1000.0)), bounded=st.booleans()
        )
        return st.just(percent()) | others
    if kind == "score":
        bounds = st.tuples(st.integers(-10, 50), st.integers(1, 100))
        bounded = bounds.map(lambda t: score(t[0], t[0] + t[1]))
        return st.sampled_from((score(0, 100), score())) | bounded
    return st.just(_MEASURE_OF_KIND[kind])


def _range(measure: Measure) -> tuple[float, float]:
    """The interval drawn values of ``measure`` lie in."""
    if measure.kind == "ratio":
        scale = measure.scale or 1.0
        return (0.0, scale if measure.bounded else 3.0 * scale)
    if measure.kind == "rank":
        return (1.0, 63.0)
    return measure.bounds or ((0.0, 100.0) if measure.kind == "count" else (-100.0, 100.0))


def _rules(name: str, measure: Measure) -> st.SearchStrategy[str]:
    """Specs of the rule ``name`` that fit ``measure`` (the Indicator parses them)."""
    if name == "weighted_mean":
        by = ("weight", "denominator") if measure.kind == "ratio" else ("weight",)
        return st.sampled_from(by).map(lambda b: f"weighted_mean(by={b})")
    if name == "share_meeting":
        lo, hi = _range(measure)
        op = st.sampled_from((">=", ">", "<=", "<", "==", "!="))
        threshold = st.integers(math.floor(lo), math.ceil(hi))
        den = st.sampled_from(("with_data", "all"))
        return st.builds("share_meeting({} {}, denominator={})".format, op, threshold, den)
    return st.just(name)


def indicators(
    measure_kinds: Sequence[str] = MEASURE_KINDS, *, rules: Collection[str] | None = None
) -> st.SearchStrategy[Indicator]:
    """Strategy of valid :class:`~cchc_indicators.Indicator` objects.

    Measures vary within each kind (percent, per 1000, bounded or open scores,
    ...); the rule is any that fits the measure, share-meeting conditions lie
    in the measure's range.

    Parameters
    ----------
    measure_kinds
        The measure kinds to draw from (``ratio``, ``count``, ...).
    rules
        Rule names to draw from (default: any); kinds no named rule fits are left out.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(indicators(["ratio", "count"], rules=["ratio_of_sums", "mean"]))
    ... def check(ind):
    ...     assert ind.measure.kind in ("ratio", "count")
    ...     assert ind.rule.name in ("ratio_of_sums", "mean") and ind.rule.fits(ind.measure)
    >>> check()
    """
    kinds = tuple(measure_kinds)
    if not kinds or not set(kinds) <= set(MEASURE_KINDS):
        msg = f"measure_kinds must be among {MEASURE_KINDS}, got {kinds!r}"
        raise InvalidArgument(msg)
    wanted = None if rules is None else frozenset(rules)
    if wanted is not None and not wanted <= set(RULE_NAMES):
        msg = f"rules must be among {RULE_NAMES}, got {sorted(wanted)!r}"
        raise InvalidArgument(msg)
    kinds = tuple(
        k for k in kinds if wanted is None or wanted & set(rules_for(_MEASURE_OF_KIND[k]))
    )
    if not kinds:
        msg = f"no rule among {sorted(wanted or ())!r} fits the measure kinds {measure_kinds!r}"
        raise InvalidArgument(msg)
    return _indicators(kinds, wanted)


_any_indicator = indicators  # reachable from panels(), whose parameter shadows the name


@st.composite
def _indicators(
    draw: st.DrawFn, kinds: tuple[str, ...], wanted: frozenset[str] | None
) -> Indicator:
    measure = draw(st.sampled_from(kinds).flatmap(_measures))
    names = [r for r in rules_for(measure) if wanted is None or r in wanted]
    rule = draw(st.sampled_from(names).flatmap(lambda name: _rules(name, measure)))
    return Indicator(
        draw(st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)),
        draw(st.sampled_from(_NAMES)),
        area=draw(st.sampled_from(list(Area))),
        measure=measure,
        rule=rule,
        temporal=draw(st.sampled_from(TEMPORALS_FOR[measure.kind])),
    )


def _observation(draw: st.DrawFn, measure: Measure, parts: bool, integer_values: bool) -> Record:
    if measure.kind == "ratio" and parts:
        den = draw(st.integers(0, 20))
        num = draw(st.integers(0, den if measure.bounded else 3 * den))
        return {"numerator": num, "denominator": den}
    lo, hi = _range(measure)
    if integer_values or measure.kind in ("count", "binary", "rank"):
        ilo, ihi = math.ceil(lo), math.floor(hi)
        if ilo <= ihi:
            return {"value": draw(st.integers(ilo, ihi))}
    x = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False))
    return {"value": min(max(round(x, 2), lo), hi)}


def panel_records(
    hierarchy: Hierarchy,
    indicator: Indicator,
    *,
    periods: Periods = None,
    parts: bool | None = True,
    weights: bool = True,
    units: Collection[str] | None = None,
    min_size: int = 0,
    integer_values: bool = False,
) -> st.SearchStrategy[list[Record]]:
    """Strategy of valid observation records of one indicator, in random order.

    A record has ``indicator``, ``unit``, ``period`` and either whole
    ``numerator`` and ``denominator`` (often 0; numerator <= denominator when
    bounded, 0 over 0) or a ``value`` fitting the measure (counts >= 0, binary
    0/1, scores in bounds, ranks >= 1). Any (unit, period) cell, on any level,
    may be missing; none appears twice. Split or shuffle the rows freely.

    Parameters
    ----------
    hierarchy, indicator
        What is observed.
    periods
        Period labels, or a strategy of them (default: 1 to 3 years of 2021-2025).
    parts
        For a ratio: ``True`` gives numerator and denominator, ``False`` a bare
        value, ``None`` either, row by row.
    weights
        Whether records may carry a whole ``weight`` >= 0.
    units
        Observe only these unit codes (default: every unit).
    min_size
        The fewest records (at most the number of units observed).
    integer_values
        Draw scores and bare ratio values as whole numbers, so that sums are exact.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from cchc_indicators import Hierarchy, Indicator, Panel
    >>> h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
    >>> ind = Indicator("online", "Tỷ lệ TTHC trực tuyến")
    >>> @settings(max_examples=5, deadline=None)
    ... @given(panel_records(h, ind, periods=["2024", "2025"], min_size=1))
    ... def check(records):
    ...     assert all(r["numerator"] <= r["denominator"] for r in records)
    ...     assert len(Panel.from_records(records, h, indicators=[ind])) == len(records)
    >>> check()
    """
    observed = list(hierarchy.codes if units is None else units)
    unknown = [u for u in observed if u not in hierarchy]
    if unknown:
        msg = f"units {unknown!r} are not in the hierarchy"
        raise InvalidArgument(msg)
    if not 0 <= min_size <= len(observed):
        msg = f"min_size must lie between 0 and the {len(observed)} units observed, got {min_size}"
        raise InvalidArgument(msg)
    labels = _period_labels(periods)
    return _panel_records(observed, indicator, labels, parts, weights, min_size, integer_values)


def _period_labels(periods: Periods) -> st.SearchStrategy[Sequence[str]]:
    if isinstance(periods, st.SearchStrategy):
        return periods
    if periods is not None:
        return st.just(tuple(periods))
    return st.lists(st.sampled_from(_YEARS), min_size=1, max_size=3, unique=True)


@st.composite
def _panel_records(
    draw: st.DrawFn,
    units: list[str],
    indicator: Indicator,
    periods: st.SearchStrategy[Sequence[str]],
    parts: bool | None,
    weights: bool,
    min_size: int,
    integer_values: bool,
) -> list[Record]:
    cells = [(u, p) for u in units for p in dict.fromkeys(draw(periods))]
    density = draw(st.integers(0, 4))  # 4: every cell observed
    chosen = [c for c in cells if density == 4 or draw(st.integers(0, 3)) < density]
    if len(chosen) < min_size:
        rest = [c for c in cells if c not in chosen]
        need = min_size - len(chosen)
        chosen += draw(st.lists(st.sampled_from(rest), min_size=need, max_size=need, unique=True))
    records: list[Record] = []
    for unit, period in chosen:
        use_parts = draw(st.booleans()) if parts is None else parts
        rec: Record = {"indicator": indicator.code, "unit": unit, "period": period}
        rec.update(_observation(draw, indicator.measure, use_parts, integer_values))
        weight = draw(st.none() | st.integers(0, 5)) if weights else None
        if weight is not None:
            rec["weight"] = weight
        records.append(rec)
    return list(draw(st.permutations(records)))


def panels(
    hierarchy: Hierarchy,
    indicators: Sequence[Indicator] | st.SearchStrategy[Sequence[Indicator]] | None = None,
    *,
    periods: Periods = None,
    parts: bool | None = True,
    weights: bool = True,
    integer_values: bool = False,
) -> st.SearchStrategy[Panel]:
    """Strategy of valid :class:`~cchc_indicators.Panel` objects on ``hierarchy``.

    Each indicator gets :func:`panel_records` (which explains the other
    parameters), at least one, so the panel holds it; the rows, shuffled
    together, are loaded and validated with :meth:`Panel.from_records
    <cchc_indicators.Panel.from_records>` against the definitions.

    Parameters
    ----------
    hierarchy
        The units observed (with at least one unit).
    indicators
        The indicators, or a strategy of them (default: 1 to 3 distinct ones).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from cchc_indicators import Hierarchy, Indicator, measures
    >>> h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
    >>> staff = Indicator("staff", "Số biên chế", measure=measures.count())
    >>> @settings(max_examples=5, deadline=None)
    ... @given(panels(h, [staff], periods=["2024"]))
    ... def check(panel):
    ...     assert panel.indicator_codes == ("staff",) and panel.periods == ("2024",)
    >>> check()
    """
    if len(hierarchy) == 0:
        msg = "panels need a hierarchy with at least one unit"
        raise InvalidArgument(msg)
    defs: st.SearchStrategy[Sequence[Indicator]]
    if indicators is None:
        defs = st.lists(_any_indicator(), min_size=1, max_size=3, unique_by=lambda i: i.code)
    elif isinstance(indicators, st.SearchStrategy):
        defs = indicators
    else:
        defs = st.just(tuple(indicators))
    labels = _period_labels(periods)
    return _panels(hierarchy, defs, labels, parts, weights, integer_values)


@st.composite
def _panels(
    draw: st.DrawFn,
    hierarchy: Hierarchy,
    defs: st.SearchStrategy[Sequence[Indicator]],
    periods: st.SearchStrategy[Sequence[str]],
    parts: bool | None,
    weights: bool,
    integer_values: bool,
) -> Panel:
    inds = list(draw(defs))
    labels = tuple(draw(periods))
    options: dict[str, Any] = {"parts": parts, "weights": weights, "min_size": 1}
    options |= {"periods": labels, "integer_values": integer_values}
    records = [r for ind in inds for r in draw(panel_records(hierarchy, ind, **options))]
    return Panel.from_records(draw(st.permutations(records)), hierarchy, indicators=inds)


def _show(r: Rollup, field: str, i: int, j: int) -> str:
    if field == "value":
        return repr(float(r.value[i, j]))
    if field == "n_in_scope":
        return str(int(r.n_in_scope[i]))
    if field == "n_with_data":
        return str(int(r.n_with_data[i, j]))
    names = PROVENANCE if field == "provenance" else REASONS
    return repr(names[int(getattr(r, field)[i, j])])


def assert_rollup_equal(a: Rollup, b: Rollup, *, rtol: float = 1e-9, atol: float = 0.0) -> None:
    """Assert that two roll-up results are the same, naming the first unit and period that differ.

    Compares the indicator code, rule, scope, units and periods, then in every
    cell the value (NaN equals NaN, others as :func:`numpy.isclose`), the counts
    of units with data and in scope, the provenance and the reason.

    Parameters
    ----------
    a, b
        The results to compare.
    rtol, atol
        Tolerances for the values; ``rtol=0`` asks for exact equality.

    Raises
    ------
    AssertionError
        Naming what differs: for cells, how many, and each field of the first
        (in unit, then period order).

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel, measures, rollup
    >>> h = Hierarchy.from_records([{"code": "01", "name": "Hà Nội", "level": "province"}])
    >>> staff = Indicator("staff", "Số biên chế", measure=measures.count())
    >>> def staff_rollup(n):
    ...     rec = [{"indicator": "staff", "unit": "01", "period": 2024, "value": n}]
    ...     return rollup(Panel.from_records(rec, h, indicators=[staff]), staff)
    >>> assert_rollup_equal(staff_rollup(7), staff_rollup(7))
    >>> assert_rollup_equal(staff_rollup(7), staff_rollup(8))
    Traceback (most recent call last):
    ...
    AssertionError: roll-ups of 'staff' (rule 'sum', scope 'territory') differ in 1 of 1 cells; first at unit '01' (province), period '2024':
      value: 7.0 != 8.0
    """
    __tracebackhide__ = True
    rule_a, rule_b = (r.rule.to_spec() if r.rule else None for r in (a, b))
    for what, x, y in (
        ("indicator", a.indicator.code, b.indicator.code),
        ("rule", rule_a, rule_b),
        ("scope", str(a.scope), str(b.scope)),
        ("units", a.hierarchy.codes, b.hierarchy.codes),
        ("periods", a.periods, b.periods),
    ):
        if x != y:
            msg = f"roll-ups differ in their {what}: {x!r} != {y!r}"
            raise AssertionError(msg)
    shape = a.value.shape
    diff = {
        "value": ~np.isclose(a.value, b.value, rtol=rtol, atol=atol, equal_nan=True),
        "n_with_data": a.n_with_data != b.n_with_data,
        "n_in_scope": np.broadcast_to((a.n_in_scope != b.n_in_scope)[:, None], shape),
        "provenance": a.provenance != b.provenance,
        "reason": a.reason != b.reason,
    }
    bad = np.logical_or.reduce(list(diff.values()))
    if not bad.any():
        return
    i, j = (int(x) for x in np.argwhere(bad)[0])
    h = a.hierarchy
    lines = [
        f"roll-ups of {a.indicator.code!r} (rule {rule_a!r}, scope {str(a.scope)!r}) differ in "
        f"{int(bad.sum())} of {bad.size} cells; first at unit {h.codes[i]!r} "
        f"({h.levels[int(h.level_of[i])]}), period {a.periods[j]!r}:"
    ]
    lines += [
        f"  {name}: {_show(a, name, i, j)} != {_show(b, name, i, j)}"
        for name, mask in diff.items()
        if mask[i, j]
    ]
    raise AssertionError("\n".join(lines))
