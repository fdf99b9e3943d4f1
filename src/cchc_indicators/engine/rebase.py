"""Re-basing: carrying a panel's observations from one edition of the unit list to another.

:func:`rebase_panel` moves every observation of a panel onto the units of a
new edition through a :class:`~cchc_indicators.units.crosswalk.Crosswalk`, in one
vectorised operation (a sparse allocation matrix applied to all indicators
and periods at once):

* **additive** quantities -- counts, and the numerator and denominator of a
  ratio -- are allocated by the crosswalk's weights and added up, so totals
  are conserved: a merged commune gets the sum of its predecessors, each part
  of a split commune its share;
* **non-additive** values -- scores, rates given without their parts,
  binary facts -- are combined by a declared method (see :data:`METHODS`):
  by default the one the indicator's roll-up rule implies (``mean`` for a
  score, ``all`` or ``any`` for a binary fact), or one given in ``methods=``;
  each part of a split unit counts by its share. The method used is
  recorded in the report;
* data of an old level with no successor tier (district-level units since
  1 July 2025) go to provinces or to communes, as asked with
  ``district_to=``; without it, re-basing such data is an error.

The report (:class:`RebaseReport`) says, per indicator, how it was re-based
and which totals were conserved, and lists split and unmapped units with data.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import Indicator, Panel, measures, units
>>> from cchc_indicators.units.crosswalk import Crosswalk
>>> from cchc_indicators.engine.rebase import rebase_panel
>>> vinh_phuc = units.load("vn-2024", province="26")
>>> staff = Indicator("staff", "Số biên chế", measure=measures.count())
>>> old = Panel.from_records(
...     [
...         {"indicator": "staff", "unit": "08707", "period": 2024, "value": 12},
...         {"indicator": "staff", "unit": "08713", "period": 2024, "value": 9},
...     ],
...     vinh_phuc,
...     indicators=[staff],
... )
>>> new, report = rebase_panel(old, Crosswalk.official())
>>> new.hierarchy.edition, new.data_of("staff").value[new.hierarchy.position("08707")]
('vn-2025', array([21.]))
>>> report.indicator("staff").method, report.indicator("staff").conserved
('sum', True)
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import CchcError, DefinitionError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.rules import Rule, number_text
from cchc_indicators.data.panel import Panel
from cchc_indicators.engine import _rebase
from cchc_indicators.engine._rebase import VALUE_METHODS
from cchc_indicators.units.crosswalk import Crosswalk
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "METHODS",
    "IndicatorRebase",
    "RebaseError",
    "RebaseReport",
    "RebasedValues",
    "Total",
    "default_method",
    "parse_method",
    "rebase_panel",
    "rebase_values",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The methods that re-base values, and what each does with the predecessors of a new unit.
METHODS: dict[str, str] = {
    "sum": "allocated by weight and added up",
    "mean": "mean of the predecessors' values, each counted by its allocated share",
    "weighted_mean(by=weight)": (
        "mean weighted by the weight column times the allocated share (weights re-allocated)"
    ),
    "weighted_mean(by=denominator)": (
        "for a ratio given as parts: numerator and denominator allocated and added up, "
        "which is the mean of the rates weighted by the denominator"
    ),
    "min": "the smallest of the predecessors' values",
    "max": "the largest of the predecessors' values",
    "any": "1 when any predecessor has 1",
    "all": "1 when every predecessor with data has 1",
    "majority": "1 when predecessors holding more than half of the allocated share have 1",
}
assert tuple(METHODS) == VALUE_METHODS


class RebaseError(CchcError, ValueError):
    """Observations cannot be re-based as asked: no method for an indicator, a tier with no successor, ...

    Parameters
    ----------
    message
        What is wrong and what to do.
    code
        The indicator at fault, if any.
    level
        The level at fault, if any.
    parameter
        The keyword argument of :func:`rebase_panel` the message asks to set
        (``"methods"``, ``"district_to"``), if any.

    Notes
    -----
    .. versionadded:: 0.1.0

    Examples
    --------
    >>> err = RebaseError("no method", code="par_index", parameter="methods")
    >>> err.code, err.parameter, isinstance(err, ValueError)
    ('par_index', 'methods', True)
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        level: str | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        #: The indicator at fault, if any.
        self.code = code
        #: The level at fault, if any.
        self.level = level
        #: The keyword argument the message asks to set, if any.
        self.parameter = parameter

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.message, self.code, self.level, self.parameter))


def _rebuild(
    message: str, code: str | None, level: str | None, parameter: str | None = None
) -> RebaseError:
    return RebaseError(message, code=code, level=level, parameter=parameter)


def parse_method(method: str | Rule) -> str:
    """Return a method's canonical name (a rule gives the method of the same name).

    Raises
    ------
    DefinitionError
        If the method is unknown.

    Examples
    --------
    >>> from cchc_indicators.core.rules import WeightedMean
    >>> parse_method("weighted_mean"), parse_method(WeightedMean(by="denominator"))
    ('weighted_mean(by=weight)', 'weighted_mean(by=denominator)')
    >>> parse_method("median")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown re-basing method 'median'; the methods are sum, mean, weighted_mean(by=weight), weighted_mean(by=denominator), min, max, any, all, majority
    """
    found = _rebase.canonical_method(method)
    if found is None:
        msg = f"unknown re-basing method {method!r}; the methods are {', '.join(METHODS)}"
        raise DefinitionError(msg)
    return found


def default_method(indicator: Indicator) -> str | None:
    """The method that re-bases an indicator's values, from its measure and rule; ``None`` if none fits.

    Counts are additive (``sum``). Other values follow the indicator's
    roll-up rule when it names a method: ``mean``, ``weighted_mean(by=weight)``,
    ``min``, ``max``, and for binary facts ``any`` or ``all``. A ratio's
    ``ratio_of_sums`` re-bases its numerator and denominator; its values given
    without them have no default, nor have ranks (rank the new units again) and
    binary facts summed or shared.

    Examples
    --------
    >>> from cchc_indicators import measures
    >>> default_method(Indicator("staff", "S", measure=measures.count()))
    'sum'
    >>> default_method(Indicator("par", "PAR INDEX", measure=measures.score(0, 100)))
    'mean'
    >>> default_method(Indicator("meets", "M", measure=measures.binary())), default_method(
    ...     Indicator("meets", "M", measure=measures.binary(), rule="any")
    ... )
    ('all', 'any')
    >>> default_method(Indicator("files", "F")) is None  # pool the parts instead
    True
    """
    return _rebase.method_of(indicator)


@attrs.frozen
class Total:
    """An additive quantity's total before and after re-basing.

    Parameters
    ----------
    before
        The sum over every observation of the old panel.
    after
        The sum over every observation of the new panel.
    unmapped
        The part held by old units with no link (not carried).
    outside
        The part allocated to new units outside the target units.

    Examples
    --------
    >>> t = Total(before=100.0, after=90.0, unmapped=10.0, outside=0.0)
    >>> t.conserved, t.difference
    (True, 0.0)
    """

    before: float
    after: float
    unmapped: float = 0.0
    outside: float = 0.0

    @property
    def difference(self) -> float:
        """``after - (before - unmapped - outside)``: zero but for rounding.

        Examples
        --------
        >>> Total(10.0, 9.0, 0.0, 0.0).difference
        -1.0
        """
        return self.after - (self.before - self.unmapped - self.outside)

    @property
    def conserved(self) -> bool:
        """Whether the total after equals the total before, less the unmapped and outside parts.

        Up to rounding: a relative difference below 1e-9.

        Examples
        --------
        >>> Total(1e6, 1e6 + 1e-6).conserved, Total(10.0, 9.0).conserved
        (True, False)
        """
        scale = max(abs(self.before), abs(self.after), 1.0)
        return abs(self.difference) <= 1e-9 * scale


@attrs.frozen
class IndicatorRebase:
    """How one indicator was re-based: its provenance in the report.

    Parameters
    ----------
    code
        The indicator.
    method
        ``"parts"`` (numerator and denominator allocated and added up), or one
        of :data:`METHODS` for its values.
    basis
        Why that method: ``"declared"`` (``methods=``), ``"rule <name>"``
        (the indicator's roll-up rule), ``"measure count"``, ``"parts"``.
    totals
        The conserved totals of the additive columns (``numerator``,
        ``denominator``, ``value`` for a summed indicator, ``weight``).
    cells_before, cells_after
        Observations in the old and the new panel.
    partial_cells
        New observations made from only some of their predecessors on their
        own level (the others had no data in that period, or are not among
        the panel's units).
    mixed_cells
        New observations of a ratio whose predecessors mix parts and bare
        values; the parts are kept, the bare values not counted.
    partial
        The ``(unit, period)`` of each partial cell, so that a later step (an
        evaluation against a re-based baseline) can tell which values rest on
        only some of their predecessors.

    Examples
    --------
    >>> i = IndicatorRebase("staff", "sum", "measure count", {"value": Total(5.0, 5.0)}, 2, 1)
    >>> i.describe()
    'staff: sum (measure count): allocated by weight and added up; value 5 -> 5'
    """

    code: str
    method: str
    basis: str
    totals: Mapping[str, Total] = attrs.field(factory=dict)
    cells_before: int = 0
    cells_after: int = 0
    partial_cells: int = 0
    mixed_cells: int = 0
    partial: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False)

    def __repr__(self) -> str:
        return (
            f"IndicatorRebase({self.code!r}, method {self.method}, basis {self.basis}, "
            f"{counted(len(self.totals), 'total')})"
        )

    @property
    def additive(self) -> bool:
        """Whether the indicator's values were added up (parts or ``sum``).

        Examples
        --------
        >>> IndicatorRebase("par", "mean", "rule mean").additive
        False
        """
        return self.method in ("parts", "sum")

    @property
    def conserved(self) -> bool:
        """Whether every additive total was conserved (less the reported unmapped and outside parts).

        Examples
        --------
        >>> IndicatorRebase("staff", "sum", "measure count", {"value": Total(5.0, 4.0)}).conserved
        False
        """
        return all(t.conserved for t in self.totals.values())

    def describe(self) -> str:
        """Return one line: the indicator, its method and why, its totals before and after.

        Examples
        --------
        >>> IndicatorRebase("par", "mean", "rule mean").describe()
        "par: mean (rule mean): mean of the predecessors' values, each counted by its allocated share"
        """
        what = (
            "numerator and denominator allocated by weight and added up"
            if self.method == "parts"
            else METHODS[self.method]
        )
        why = f" ({self.basis})" if self.basis != self.method else ""
        line = f"{self.code}: {self.method}{why}: {what}"
        for name, t in self.totals.items():
            line += f"; {name} {_num(t.before)} -> {_num(t.after)}"
            lost = [
                f"{_num(x)} {label}"
                for x, label in ((t.unmapped, "unmapped"), (t.outside, "outside"))
                if x
            ]
            if lost:
                line += f" ({', '.join(lost)})"
        if self.partial_cells:
            line += f"; {self.partial_cells} cell(s) from only some of their predecessors"
        if self.mixed_cells:
            line += f"; {self.mixed_cells} cell(s) mixing parts and bare values (parts kept)"
        return line


def _num(x: float) -> str:
    return number_text(round(x, 6)) if np.isfinite(x) else str(x)


@attrs.frozen
class RebaseReport:
    """What re-basing a panel did: per indicator, and for the units.

    Parameters
    ----------
    old_edition, new_edition
        The editions re-based from and to.
    crosswalk
        The crosswalk's source and weighting.
    indicators
        One :class:`IndicatorRebase` per indicator, in the panel's order.
    levels
        Each old level with data and the new level its data went to.
    unmapped
        Old units with data but no link: their data are not carried.
    splits
        Old units with data split across several new units.
    outside
        Old units with data that went (partly) to new units outside the target units.
    without_predecessor
        Target units on the levels receiving data that no old unit went to.
    notes
        The crosswalk's notes and corrections.

    Examples
    --------
    >>> r = RebaseReport("vn-2024", "vn-2025", "identity", ())
    >>> r.conserved, r.unmapped
    (True, ())
    """

    old_edition: str | None
    new_edition: str | None
    crosswalk: str
    indicators: tuple[IndicatorRebase, ...]
    levels: Mapping[str, str] = attrs.field(factory=dict)
    unmapped: tuple[str, ...] = ()
    splits: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    without_predecessor: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"RebaseReport({self.old_edition!r} -> {self.new_edition!r}, "
            f"{counted(len(self.indicators), 'indicator')}, {len(self.unmapped)} unmapped, "
            f"{counted(len(self.splits), 'split')}, {len(self.outside)} outside)"
        )

    @property
    def conserved(self) -> bool:
        """Whether every indicator's additive totals were conserved.

        Examples
        --------
        >>> RebaseReport(None, None, "", ()).conserved
        True
        """
        return all(i.conserved for i in self.indicators)

    def indicator(self, code: str) -> IndicatorRebase:
        """Return the provenance of indicator ``code``.

        Raises
        ------
        KeyError
            If the report has no such indicator.

        Examples
        --------
        >>> RebaseReport(None, None, "", ()).indicator("x")
        Traceback (most recent call last):
        ...
        KeyError: "the report has no indicator 'x'"
        """
        for i in self.indicators:
            if i.code == code:
                return i
        msg = f"the report has no indicator {code!r}"
        raise KeyError(msg)

    def to_records(self) -> list[dict[str, object]]:
        """Return one row per indicator and additive column: method, totals, conserved.

        Indicators without an additive column get one row with ``field`` empty.

        Examples
        --------
        >>> r = RebaseReport(
        ...     "vn-2024", "vn-2025", "x",
        ...     (IndicatorRebase("staff", "sum", "measure count", {"value": Total(5.0, 5.0)}),),
        ... )
        >>> r.to_records()[0]["after"], r.to_records()[0]["conserved"]
        (5.0, True)
        """
        out: list[dict[str, object]] = []
        for i in self.indicators:
            base = {"indicator": i.code, "method": i.method, "basis": i.basis}
            if not i.totals:
                out.append({**base, "field": ""})
            for name, t in i.totals.items():
                out.append(
                    {
                        **base,
                        "field": name,
                        "before": t.before,
                        "after": t.after,
                        "unmapped": t.unmapped,
                        "outside": t.outside,
                        "conserved": t.conserved,
                    }
                )
        return out

    def _repr_html_(self) -> str:
        """A notebook's summary: editions, crosswalk, units, and each indicator's conserved totals."""
        from cchc_indicators.engine._rebase_html import rebase_html

        return rebase_html(self)

    def summary(self) -> str:
        """Return the report as text: editions, levels, units, then one line per indicator.

        Examples
        --------
        >>> r = RebaseReport("vn-2024", "vn-2025", "official tables", (), levels={"commune": "commune"})
        >>> print(r.summary())
        re-based from vn-2024 to vn-2025 (official tables)
          levels: commune -> commune
          split units with data: 0
          unmapped units with data: 0
          all additive totals conserved
        """
        lines = [f"re-based from {self.old_edition} to {self.new_edition} ({self.crosswalk})"]
        if self.levels:
            lines.append("  levels: " + ", ".join(f"{a} -> {b}" for a, b in self.levels.items()))
        for label, codes in (
            ("split units with data", self.splits),
            ("unmapped units with data", self.unmapped),
            ("units with data going outside the target units", self.outside),
            ("target units without predecessor", self.without_predecessor),
        ):
            if codes or label.startswith(("split", "unmapped")):
                shown = (
                    f" ({', '.join(codes[:8])}{', ...' if len(codes) > 8 else ''})" if codes else ""
                )
                lines.append(f"  {label}: {len(codes)}{shown}")
        lines.extend(f"  {i.describe()}" for i in self.indicators)
        bad = [i.code for i in self.indicators if not i.conserved]
        lines.append(
            "  all additive totals conserved"
            if not bad
            else f"  totals NOT conserved: {', '.join(bad)}"
        )
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


# ---------------------------------------------------------------------- the operation


def rebase_panel(
    panel: Panel,
    crosswalk: Crosswalk,
    *,
    methods: Mapping[str, str | Rule] | None = None,
    district_to: str | None = None,
    to: Hierarchy | None = None,
) -> tuple[Panel, RebaseReport]:
    """Re-base a panel onto the units of the crosswalk's new edition.

    Parameters
    ----------
    panel
        Observations on units of the crosswalk's old edition (all of it, or a
        part such as one province).
    crosswalk
        The links from old to new units, with their allocation weights.
    methods
        The re-basing method of some indicators' values (see :data:`METHODS`),
        overriding the default (:func:`default_method`). Needed for values of
        indicators the panel holds no definition of. Numerators and
        denominators are always added up.
    district_to
        Where data on an old level the crosswalk does not link go (the
        ``district`` tier of ``vn-2024``): ``"province"`` (each district's
        figures join its new province's, with the province's own) or
        ``"commune"`` (shared among the new communes its communes went to; see
        :meth:`Crosswalk.derive <cchc_indicators.units.crosswalk.Crosswalk.derive>`,
        and :meth:`~cchc_indicators.units.crosswalk.Crosswalk.with_weights` for other
        shares). ``None`` (default): such data are an error.
    to
        The target units (default: the crosswalk's whole new edition). Data
        going to other units are reported as ``outside``.

    Returns
    -------
    panel : Panel
        The observations on the new units, with the same indicators and periods.
    report : RebaseReport
        Per indicator: the method and why, the totals before and after.

    Raises
    ------
    RebaseError
        If the panel's units are not those of the crosswalk's old edition,
        a level with data has no successor and ``district_to`` is not given,
        an indicator's values have no method (or one that does not fit its
        measure), or ``weighted_mean(by=weight)`` meets a value without weight.
    DefinitionError
        If a method is unknown.

    Examples
    --------
    >>> from cchc_indicators import Indicator, Panel, units
    >>> from cchc_indicators.units.crosswalk import Crosswalk
    >>> vinh_phuc = units.load("vn-2024", province="26")
    >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
    >>> p = Panel.from_records(
    ...     [{"indicator": "files", "unit": "243", "period": 2024, "numerator": 90, "denominator": 100}],
    ...     vinh_phuc,
    ...     indicators=[files],
    ... )
    >>> rebase_panel(p, Crosswalk.official())
    Traceback (most recent call last):
    ...
    cchc_indicators.engine.rebase.RebaseError: the new edition vn-2025 has no district level: 1 district-level unit has data (243, indicator 'files'); pass district_to='province' (its figures join its new province's) or district_to='commune' (shared among the new communes its communes went to)
    >>> new, report = rebase_panel(p, Crosswalk.official(), district_to="commune")
    >>> new.value("files", "08707", 2024), new.value("files", "08716", 2024)
    (90.0, 90.0)
    >>> report.indicator("files").totals["numerator"]
    Total(before=90.0, after=90.0, unmapped=0.0, outside=0.0)
    """
    new, report, _ = _rebase_panel(
        panel, crosswalk, methods=methods, district_to=district_to, to=to
    )
    return new, report


def _rebase_panel(
    panel: Panel,
    crosswalk: Crosswalk,
    *,
    methods: Mapping[str, str | Rule] | None,
    district_to: str | None,
    to: Hierarchy | None,
) -> tuple[Panel, RebaseReport, Crosswalk]:
    check_type(panel, Panel, func="rebase_panel", parameter="panel")
    check_type(crosswalk, Crosswalk, func="rebase_panel", parameter="crosswalk")
    check_type(
        methods,
        (Mapping, type(None)),
        func="rebase_panel",
        parameter="methods",
        expected="a mapping of indicator codes to methods, or None",
    )
    check_type(
        to,
        (Hierarchy, type(None)),
        func="rebase_panel",
        parameter="to",
        expected="a Hierarchy or None",
    )
    if not _rebase.same_edition(panel.hierarchy.edition, crosswalk.old.edition):
        msg = (
            f"the panel's units are edition {panel.hierarchy.edition}, but the crosswalk goes "
            f"from {crosswalk.old.edition}"
        )
        raise RebaseError(msg)
    target = crosswalk.new if to is None else to
    if not _rebase.same_edition(target.edition, crosswalk.new.edition):
        msg = f"the target units are edition {target.edition}, but the crosswalk goes to {crosswalk.new.edition}"
        raise RebaseError(msg)
    declared = {c: parse_method(m) for c, m in (methods or {}).items()}
    unknown = sorted(set(declared) - set(panel.data))
    if unknown:
        msg = f"methods= names indicator(s) not in the panel: {', '.join(unknown)}"
        raise RebaseError(msg, code=unknown[0], parameter="methods")
    h = panel.hierarchy
    try:
        crosswalk, observed_unit, alloc, data, stats = _rebase.rebase_arrays(
            panel, crosswalk, target, declared, district_to
        )
    except _rebase.Refused as exc:
        raise RebaseError(
            exc.message, code=exc.code, level=exc.level, parameter=exc.parameter
        ) from None
    new = Panel(
        target,
        panel.periods,
        data,
        dict(panel.indicators),
        f"{panel.source} (re-based from {crosswalk.old.edition} to {crosswalk.new.edition})",
        panel.note,
    )
    levels, unmapped, splits, outside, orphans = _rebase.unit_lists(
        crosswalk, target, h, observed_unit, alloc
    )
    report = RebaseReport(
        crosswalk.old.edition,
        target.edition,
        f"{crosswalk.source}; weights: {crosswalk.weighting}",
        tuple(
            IndicatorRebase(
                s.code,
                s.method,
                s.basis,
                {f: Total(*t) for f, t in s.totals.items()},
                s.cells_before,
                s.cells_after,
                s.partial_cells,
                s.mixed_cells,
                tuple(
                    (target.codes[i], panel.periods[j])
                    for i, j in zip(*np.nonzero(s.partial_mask), strict=True)
                ),
            )
            for s in stats
        ),
        levels,
        unmapped,
        splits,
        outside,
        orphans,
        crosswalk.notes,
    )
    return new, report, crosswalk


# ---------------------------------------------------------------------- one set of values


@attrs.frozen
class RebasedValues:
    """One set of values (a baseline, say) re-based onto new units.

    Parameters
    ----------
    values
        The re-based value of each new unit that received one.
    method
        The method used (see :data:`METHODS`).
    sources
        For each new unit, the old units its value comes from, with the share
        of each allocated to it.
    unmapped
        Old units with a value but no link (their values are not carried).
    old_edition, new_edition
        The editions re-based from and to.

    Examples
    --------
    >>> from cchc_indicators.units.crosswalk import Crosswalk
    >>> r = rebase_values({"17": 120.0, "25": 300.0, "26": 180.0}, Crosswalk.official())
    >>> r.values
    {'25': 600.0}
    >>> r.describe("25")
    'sum of 17, 25, 26 (vn-2024): 600'
    """

    values: Mapping[str, float]
    method: str
    sources: Mapping[str, tuple[tuple[str, float], ...]]
    unmapped: tuple[str, ...] = ()
    old_edition: str | None = None
    new_edition: str | None = None

    def __repr__(self) -> str:
        return (
            f"RebasedValues({self.old_edition!r} -> {self.new_edition!r}, method {self.method}, "
            f"{counted(len(self.values), 'value')}, {len(self.unmapped)} unmapped)"
        )

    def describe(self, code: str) -> str:
        """Return how the value of new unit ``code`` was made, in one line.

        Examples
        --------
        >>> from cchc_indicators.units.crosswalk import Crosswalk
        >>> r = rebase_values({"00016": 10.0, "00004": 5.0}, Crosswalk.official())
        >>> r.describe("00004")
        'sum of 00004, 00016 x 0.5 (vn-2024): 10'
        >>> r.describe("00008")
        'sum of 00016 x 0.5 (vn-2024): 5'
        """
        parts = ", ".join(
            old if share == 1.0 else f"{old} x {number_text(round(share, 6))}"
            for old, share in self.sources.get(code, ())
        )
        value = self.values.get(code, float("nan"))
        return f"{self.method} of {parts or 'nothing'} ({self.old_edition}): {_num(value)}"


def rebase_values(
    values: Mapping[str, float],
    crosswalk: Crosswalk,
    *,
    method: str | Rule = "sum",
    weights: Mapping[str, float] | None = None,
    district_to: str | None = None,
    to: Hierarchy | None = None,
) -> RebasedValues:
    """Re-base one set of values, keyed by old unit code, onto the new units.

    The same operation as :func:`rebase_panel`, for one quantity in one
    period: a baseline value per province to compare with a value of the
    new provinces, say. For a ratio, re-base its numerator and its
    denominator (both ``"sum"``) and divide.

    Parameters
    ----------
    values
        Old unit code -> value (NaN or missing: no value).
    crosswalk
        The links from old to new units.
    method
        How values of several old units combine (see :data:`METHODS`;
        default ``"sum"``: the values are additive).
    weights
        Old unit code -> weight, for ``weighted_mean(by=weight)``.
    district_to, to
        As in :func:`rebase_panel`.

    Returns
    -------
    RebasedValues
        The new values, with their sources and the unmapped old units.

    Examples
    --------
    >>> from cchc_indicators.units.crosswalk import Crosswalk
    >>> scores = {"17": 80.0, "25": 84.0, "26": 88.0}  # PAR INDEX of the three provinces
    >>> rebase_values(scores, Crosswalk.official(), method="mean").values
    {'25': 84.0}
    >>> rebase_values({"26": 1.0}, Crosswalk.official(), method="median")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown re-basing method 'median'; the methods are sum, mean, weighted_mean(by=weight), weighted_mean(by=denominator), min, max, any, all, majority
    """
    m = parse_method(method)
    if m == "weighted_mean(by=denominator)":
        msg = "a single set of values has no denominator: re-base numerator and denominator with 'sum'"
        raise RebaseError(msg)
    old = crosswalk.old
    codes = [c for c, v in values.items() if v is not None and not np.isnan(v)]
    _, found = old.positions(np.asarray(codes, dtype=str))
    if not found.all():
        bad = [c for c, f in zip(codes, found.tolist(), strict=True) if not f]
        msg = f"unit(s) not in edition {old.edition}: {', '.join(bad[:5])}"
        raise RebaseError(msg)
    w = weights or {}
    panel = Panel.from_columns(
        old,
        indicator=["x"] * len(codes),
        unit=codes,
        period=["2000"] * len(codes),
        value=np.array([float(values[c]) for c in codes]),
        weight=np.array([float(w.get(c, np.nan)) for c in codes]),
        source="<values>",
    )
    new, report, used = _rebase_panel(
        panel, crosswalk, methods={"x": m} if codes else None, district_to=district_to, to=to
    )
    target = new.hierarchy
    result, sources = _rebase.values_of(new, used, codes)
    return RebasedValues(
        result,
        m,
        {k: tuple(sorted(v)) for k, v in sources.items()},
        report.unmapped,
        crosswalk.old.edition,
        target.edition,
    )
