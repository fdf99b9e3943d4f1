"""The code of :mod:`cchc_indicators.engine`, whose public names it defines (see the package)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._args import check_type
from cchc_indicators.core._periods import axis_sort_key
from cchc_indicators.core._repr import counted, span
from cchc_indicators.core.errors import DefinitionError, IncompatibleStatesError, UnknownPeriodError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.rules import Combine, Rule
from cchc_indicators.core.scopes import Scope, own, territory, tier
from cchc_indicators.data.panel import Panel, _pandas
from cchc_indicators.engine._result import PROVENANCE, _records, _table
from cchc_indicators.engine._state import (
    SparseValues,
    _combine_table,
    _empty,
    _finalize,
    _merged,
    _provenance,
    _reasons,
    _resolve,
    _scope_state,
)

# The survey statistics pool their states the same way: re-exported explicitly.
from cchc_indicators.engine._state import _by_scope as _by_scope
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "PROVENANCE",
    "Rollup",
    "RollupState",
    "Scope",
    "own",
    "rollup",
    "rollup_state",
    "territory",
    "tier",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
State = dict[str, FloatArray]


# ---------------------------------------------------------------------- public engine


@attrs.frozen(eq=False)
class RollupState:
    """The mergeable state of a roll-up, before values are computed.

    States computed from separate chunks of observations (a partition of the
    rows, on the same hierarchy) merge exactly with :meth:`merge`; the merged
    state finalises to the same result as one pass over all the data.

    Attributes
    ----------
    indicator : Indicator
        The indicator rolled up.
    rule : Rule or None
        The rule (``None`` for the ``own`` scope, which applies none).
    scope : Scope
        The scope.
    hierarchy : Hierarchy
        The units.
    periods : tuple of str
        The period labels (columns).
    fields : dict
        The state arrays (units x periods), including ``n``, the units with data,
        and, only where a sum passed 2**960, its binary exponents (``num_exp``
        beside ``num``: see :doc:`/explanation/mergeable-states`).

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel
    >>> h = Hierarchy.from_records(
    ...     [{"code": "P", "name": "P", "level": "province"},
    ...      {"code": "A", "name": "A", "level": "commune", "parent": "P"},
    ...      {"code": "B", "name": "B", "level": "commune", "parent": "P"}],
    ...     levels=("province", "commune"),
    ... )
    >>> ind = Indicator("x", "X")
    >>> rec = [{"indicator": "x", "unit": "A", "period": 2024, "numerator": 1, "denominator": 4},
    ...        {"indicator": "x", "unit": "B", "period": 2024, "numerator": 3, "denominator": 4}]
    >>> a = rollup_state(Panel.from_records(rec[:1], h), ind)
    >>> b = rollup_state(Panel.from_records(rec[1:], h), ind)
    >>> a.merge(b).finalize().get("P", 2024)
    50.0
    """

    indicator: Indicator
    rule: Rule | None
    scope: Scope
    hierarchy: Hierarchy
    periods: tuple[str, ...]
    fields: Mapping[str, FloatArray]

    def __repr__(self) -> str:
        rule = self.rule.to_spec() if self.rule else "none"
        return (
            f"RollupState({self.indicator.code!r}, rule {rule}, scope {self.scope}, "
            f"{counted(len(self.hierarchy), 'unit')}, {span(self.periods)}, "
            f"{counted(len(self.fields), 'field')})"
        )

    def merge(self, other: RollupState) -> RollupState:
        """Combine with the state of another chunk of observations.

        Parameters
        ----------
        other
            The state of another chunk: the same indicator, rule, scope and
            hierarchy. Its periods may differ; the result has both sets.

        Returns
        -------
        RollupState
            The merged state (neither input changes).

        Raises
        ------
        IncompatibleStatesError
            If the two states differ in indicator, rule, scope or hierarchy
            (a :class:`ValueError`).

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> h = vinh_phuc_units()
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> def chunk(unit, numerator, scope="tier:commune"):
        ...     p = Panel.from_columns(h, indicator=["files"], unit=[unit], period=[2024],
        ...                            numerator=[numerator], denominator=[50])
        ...     return rollup_state(p, files, scope=scope)
        >>> chunk("08707", 45).merge(chunk("08710", 30)).finalize().get("243", 2024)
        75.0
        >>> chunk("08707", 45).merge(chunk("08710", 30, scope="territory"))
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.IncompatibleStatesError: cannot merge roll-up states with different scopes: tier:commune and territory
        """
        for what in ("rule", "scope"):
            if getattr(self, what) != getattr(other, what):
                msg = f"cannot merge roll-up states with different {what}s: " + (
                    f"{getattr(self, what)} and {getattr(other, what)}"
                )
                raise IncompatibleStatesError(msg)
        if self.indicator.code != other.indicator.code:
            msg = (
                "cannot merge roll-up states of different indicators: "
                f"{self.indicator.code!r} and {other.indicator.code!r}"
            )
            raise IncompatibleStatesError(msg)
        if self.hierarchy is not other.hierarchy and self.hierarchy != other.hierarchy:
            msg = "cannot merge roll-up states on different hierarchies"
            raise IncompatibleStatesError(msg)
        combine = _combine_table(self.rule)
        periods = tuple(sorted(set(self.periods) | set(other.periods), key=axis_sort_key))
        a, b = self._aligned(periods, combine), other._aligned(periods, combine)
        return attrs.evolve(self, periods=periods, fields=_merged(a, b, combine))

    def _aligned(self, periods: tuple[str, ...], combine: Mapping[str, Combine]) -> State:
        if periods == self.periods:
            return dict(self.fields)
        cols = [periods.index(p) for p in self.periods]
        out = _empty(combine, len(self.hierarchy), len(periods))
        for name, arr in self.fields.items():
            if name not in out:  # the exponents of a wide sum (0 in the periods added)
                out[name] = np.zeros((len(self.hierarchy), len(periods)))
            out[name][:, cols] = arr
        return out

    def finalize(self, min_coverage: float = 0.0) -> Rollup:
        """Compute values, coverage, provenance and reasons.

        Parameters
        ----------
        min_coverage
            The smallest share (0 to 1) of the units in scope that must have
            data; a value with less coverage becomes missing with the reason
            ``below_min_coverage`` (its coverage is kept).

        Returns
        -------
        Rollup
            The values of every unit and period.

        Raises
        ------
        DefinitionError
            If ``min_coverage`` is not a number between 0 and 1.
        IncompatibleStatesError
            If, for the ``own`` scope, merged chunks held the same observation twice.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> s = rollup_state(p, files, scope="tier:commune")
        >>> s.finalize().get("243", 2024)  # 2 of Vĩnh Yên's 9 communes reported
        75.0
        >>> s.finalize(min_coverage=0.5).row("243", 2024)["reason"]
        'below_min_coverage'
        """
        if isinstance(min_coverage, bool) or not (
            isinstance(min_coverage, (int, float)) and 0.0 <= min_coverage <= 1.0
        ):
            msg = f"min_coverage is a share between 0 and 1, got {min_coverage!r}"
            raise DefinitionError(msg)
        value, sizes, overflow = _finalize(
            self.indicator, self.rule, self.scope, self.hierarchy, self.fields, min_coverage
        )
        return Rollup(
            indicator=self.indicator,
            rule=self.rule,
            scope=self.scope,
            hierarchy=self.hierarchy,
            periods=self.periods,
            value=value,
            n_in_scope=sizes.astype(np.int64),
            min_coverage=float(min_coverage),
            state=self.fields,
            overflow=overflow,
        )


def rollup_state(
    panel: Panel,
    indicator: Indicator | str,
    *,
    scope: Scope | str = "territory",
    rule: Rule | str | None = None,
) -> RollupState:
    """Compute the mergeable state of a roll-up (see :class:`RollupState`).

    Parameters are those of :func:`rollup`, without ``min_coverage``, which
    applies when the state is finalised.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel
    >>> h = Hierarchy.from_records([{"code": "26", "name": "P", "level": "province"}])
    >>> p = Panel.from_records([{"indicator": "a", "unit": "26", "period": 2024, "value": 5}], h)
    >>> s = rollup_state(p, Indicator("a", "A", measure=measures.count()))
    >>> sorted(s.fields)
    ['n', 'sum']
    """
    check_type(panel, Panel, func="rollup", parameter="panel")
    check_type(
        indicator,
        (Indicator, str),
        func="rollup",
        parameter="indicator",
        expected="an Indicator or an indicator code (str)",
    )
    ind, panel = _resolve(panel, indicator)
    the_scope = Scope.parse(scope)
    h = panel.hierarchy
    if the_scope.level is not None:
        h.level_number(the_scope.level)  # raises UnknownLevelError
    the_rule = None if the_scope.kind == "own" else (ind.check_rule(rule) if rule else ind.rule)
    fields = _scope_state(panel, ind, the_rule, the_scope)
    return RollupState(ind, the_rule, the_scope, h, panel.periods, fields)


def rollup(
    panel: Panel,
    indicator: Indicator | str,
    *,
    scope: Scope | str = "territory",
    rule: Rule | str | None = None,
    min_coverage: float = 0.0,
) -> Rollup:
    """Roll an indicator up the hierarchy: a value for every unit, level and period.

    Parameters
    ----------
    panel
        The observations.
    indicator
        The indicator, or its code when the panel holds its definition.
    scope
        ``"own"``, ``"territory"`` (default) or ``"tier:<level>"``, or a :class:`Scope`.
    rule
        A rule overriding the indicator's (it must fit the measure).
    min_coverage
        The smallest share (0 to 1) of units in scope with data for a value
        to count; otherwise it is missing with the reason ``below_min_coverage``.

    Returns
    -------
    Rollup
        Values, coverage, provenance and reasons for every unit and period.

    Raises
    ------
    RuleMismatchError
        If ``rule`` does not fit the indicator's measure.
    PanelError
        If the rule pools parts (``ratio_of_sums``) but some observations in
        scope give only a value.

    Examples
    --------
    >>> from cchc_indicators import Hierarchy, Indicator, Panel
    >>> h = Hierarchy.from_records(
    ...     [{"code": "P", "name": "P", "level": "province"},
    ...      {"code": "A", "name": "A", "level": "commune", "parent": "P"},
    ...      {"code": "B", "name": "B", "level": "commune", "parent": "P"}],
    ...     levels=("province", "commune"),
    ... )
    >>> staff = Indicator("staff", "Biên chế", measure=measures.count())
    >>> p = Panel.from_records(
    ...     [{"indicator": "staff", "unit": "A", "period": 2024, "value": 12}], h, indicators=[staff]
    ... )
    >>> r = rollup(p, "staff", scope="tier:commune", min_coverage=1.0)
    >>> r.row("P", 2024)["value"], r.row("P", 2024)["reason"], r.row("P", 2024)["coverage"]
    (None, 'below_min_coverage', 0.5)
    """
    state = rollup_state(panel, indicator, scope=scope, rule=rule)
    return state.finalize(min_coverage)


@attrs.frozen(eq=False)
class Rollup:
    """The result of a roll-up: one value per unit and period, with its rule, scope and coverage.

    Arrays have one row per unit (in :attr:`Hierarchy.codes
    <cchc_indicators.Hierarchy.codes>` order) and one column per period.

    The unit counts (:attr:`n_with_data`), :attr:`coverage`, :attr:`reason`
    and :attr:`provenance` are computed from the state when first asked for.

    Attributes
    ----------
    indicator : Indicator
        What was rolled up.
    rule : Rule or None
        The rule used (``None`` for the ``own`` scope).
    scope : Scope
        The scope used.
    hierarchy : Hierarchy
        The units.
    periods : tuple of str
        The periods (columns).
    value : numpy.ndarray
        The values; NaN where missing (never 0).
    n_in_scope : numpy.ndarray
        How many units the scope holds (one per unit; 0 where the scope does
        not apply, as ``tier:commune`` for a commune's descendants).
    min_coverage : float
        The minimum coverage applied.
    state : dict
        The merged state the values were computed from (see :class:`RollupState`).
    overflow : numpy.ndarray or None
        Where the value lies beyond the float range (units x periods; ``None``:
        nowhere); such a value is NaN with the reason ``overflow``.

    Examples
    --------
    >>> from cchc_indicators import Indicator, Panel
    >>> from cchc_indicators.datasets import vinh_phuc_units
    >>> p = Panel.from_columns(  # two communes of Thành phố Vĩnh Yên (243) report
    ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
    ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
    ... )
    >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
    >>> r = rollup(p, files, scope="tier:commune")
    >>> r
    Rollup('files', rule ratio_of_sums, scope tier:commune, 131 units, 1 period 2024)
    >>> r.get("243", 2024), r.row("243", 2024)["coverage"]
    (75.0, 0.2222222222222222)
    >>> print(r.table("province"))
    unit                 2024
    -------------------------
    Tỉnh Vĩnh Phúc (26)  75.0
    """

    indicator: Indicator
    rule: Rule | None
    scope: Scope
    hierarchy: Hierarchy
    periods: tuple[str, ...]
    # the values: an array, or on the sparse path their SparseValues (an engine-private
    # type, hence Any here), made dense when first read (see ``value``)
    _values: Any = attrs.field(alias="value")
    n_in_scope: IntArray
    min_coverage: float
    state: Mapping[str, FloatArray] = attrs.field(repr=False)
    overflow: NDArray[np.bool_] | None = attrs.field(default=None, kw_only=True, repr=False)
    _derived: dict[str, NDArray[Any]] = attrs.field(factory=dict, init=False, repr=False)

    def __repr__(self) -> str:
        rule = self.rule.to_spec() if self.rule else "none"
        return (
            f"Rollup({self.indicator.code!r}, rule {rule}, scope {self.scope}, "
            f"{counted(len(self.hierarchy), 'unit')}, {span(self.periods)})"
        )

    @property
    def value(self) -> FloatArray:
        """The values (units x periods); NaN where missing (never 0).

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"], unit=["08707"], period=[2024],
        ...     numerator=[45], denominator=[50],
        ... )
        >>> r = rollup(p, Indicator("files", "Hồ sơ"), scope="tier:commune")
        >>> r.value.shape, r.value[r.hierarchy.position("243"), 0]
        ((131, 1), np.float64(90.0))
        """
        if not isinstance(self._values, SparseValues):
            values: FloatArray = self._values
            return values
        if "value" not in self._derived:
            self._derived["value"] = self._values.dense()
        return self._derived["value"]

    @property
    def n_with_data(self) -> IntArray:
        """How many units in scope had data (units x periods).

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> i, j = r.hierarchy.position("243"), r.hierarchy.position("244")
        >>> r.n_with_data[[i, j], 0], r.n_in_scope[[i, j]]
        (array([2, 0]), array([9, 9]))
        """
        if "n" not in self._derived:
            self._derived["n"] = self.state["n"].astype(np.int64)
        return self._derived["n"]

    @property
    def coverage(self) -> FloatArray:
        """Units with data / units in scope (NaN where the scope does not apply).

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> i, j = r.hierarchy.position("243"), r.hierarchy.position("244")
        >>> r.coverage[[i, j], 0]  # Vĩnh Yên: 2 of its 9 communes; Phúc Yên: none
        array([0.22222222, 0.        ])
        """
        out = np.full(self.value.shape, np.nan)
        sizes = np.broadcast_to(self.n_in_scope[:, None].astype(np.float64), out.shape)
        np.divide(self.state["n"], sizes, out=out, where=sizes > 0)
        return out

    @property
    def reason(self) -> NDArray[np.int8]:
        """Why each missing value is missing, as codes into ``REASONS`` (0 where there is a value).

        ``no_data`` (no unit in scope had data), ``zero_denominator`` (data,
        but the pooled denominator or weight is 0), ``below_min_coverage``,
        ``not_applicable`` (the scope is empty: a tier below the unit's own),
        ``overflow`` (the value lies beyond the largest float, about 1.8e308,
        such as a sum of two counts of 1e308).

        Examples
        --------
        >>> from cchc_indicators.core.rules import REASONS
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> i, j = r.hierarchy.position("243"), r.hierarchy.position("244")
        >>> [REASONS[k] for k in r.reason[[i, j], 0]]
        ['', 'no_data']
        """
        if "reason" not in self._derived:
            self._derived["reason"] = _reasons(
                self.rule,
                self.state,
                self.value,
                self.n_in_scope,
                self.min_coverage,
                self.overflow,
            )
        return self._derived["reason"]

    @property
    def provenance(self) -> NDArray[np.int8]:
        """Where each value comes from, as codes into :data:`PROVENANCE` (missing, observed or derived).

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> units = [r.hierarchy.position(c) for c in ("243", "244", "08707")]
        >>> [PROVENANCE[k] for k in r.provenance[units, 0]]
        ['derived', 'missing', 'observed']
        """
        if "provenance" not in self._derived:
            self._derived["provenance"] = _provenance(
                self.hierarchy, self.scope, self.state, self.reason
            )
        return self._derived["provenance"]

    def _cell(self, unit: str, period: object) -> tuple[int, int]:
        from cchc_indicators.core._periods import normalise_period

        try:
            label = normalise_period(period)
        except ValueError as exc:
            raise UnknownPeriodError(str(exc), key=str(period)) from None
        if label not in self.periods:
            msg = f"period {label!r} is not in the roll-up; it holds {', '.join(self.periods)}"
            raise UnknownPeriodError(msg, key=label)
        return self.hierarchy.position(unit), self.periods.index(label)

    def get(self, unit: str, period: object) -> float:
        """Return the value for ``unit`` in ``period`` (NaN when missing).

        Parameters
        ----------
        unit
            A unit code.
        period
            A period label or a year.

        Returns
        -------
        float
            The value; NaN when it is missing (see :meth:`row` for why).

        Raises
        ------
        UnknownUnitError
            If ``unit`` is not in the hierarchy.
        KeyError
            If the roll-up has no such period.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> r.get("243", 2024), r.get("244", "2024")
        (75.0, nan)
        """
        i, j = self._cell(unit, period)
        return float(self.value[i, j])

    def row(self, unit: str, period: object) -> dict[str, Any]:
        """Return everything known about one unit and period as a dict (see :meth:`to_records`).

        Parameters
        ----------
        unit
            A unit code.
        period
            A period label or a year.

        Returns
        -------
        dict
            The keys listed in :meth:`to_records`.

        Raises
        ------
        UnknownUnitError
            If ``unit`` is not in the hierarchy.
        KeyError
            If the roll-up has no such period.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> row = r.row("243", 2024)
        >>> row["value"], row["n_with_data"], row["n_in_scope"], row["provenance"]
        (75.0, 2, 9, 'derived')
        >>> r.row("244", 2024)["reason"]
        'no_data'
        """
        i, j = self._cell(unit, period)
        return _records(self, np.array([i]), [j])[0]

    def array(self, level: str) -> FloatArray:
        """Return the values of the units of ``level`` (units x periods).

        Parameters
        ----------
        level
            A level name.

        Returns
        -------
        numpy.ndarray
            One row per unit of ``level``, in code order; NaN where missing.

        Raises
        ------
        UnknownLevelError
            If ``level`` is not a level of the hierarchy.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> r.array("district")[:2]  # Thành phố Vĩnh Yên, Thành phố Phúc Yên
        array([[75.],
               [nan]])
        >>> r.array("commune").shape
        (121, 1)
        """
        s = self.hierarchy.level_slice(level)
        if isinstance(self._values, SparseValues) and "value" not in self._derived:
            return self._values.rows(s.start, s.stop)  # the level's rows alone
        return self.value[s]

    def _repr_html_(self) -> str:
        """A notebook's summary: the indicator, rule and scope, and the upper levels by period."""
        from cchc_indicators.engine._rollup_html import rollup_html

        return rollup_html(self)

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]:
        """Return one dict per unit and period.

        Keys: ``indicator``, ``unit``, ``name``, ``level``, ``period``,
        ``value`` (``None`` when missing), ``unit_label``, ``rule``, ``scope``,
        ``coverage``, ``n_with_data``, ``n_in_scope``, ``provenance``, ``reason``.

        Parameters
        ----------
        level
            Only the units of this level; ``None`` (default) for every unit.

        Returns
        -------
        list of dict
            By unit (hierarchy order), then period.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> records = r.to_records("district")
        >>> len(records)
        9
        >>> records[0]
        {'indicator': 'files', 'unit': '243', 'name': 'Thành phố Vĩnh Yên', 'level': 'district',
         'period': '2024', 'value': 75.0, 'unit_label': '%', 'rule': 'ratio_of_sums',
         'scope': 'tier:commune', 'coverage': 0.2222222222222222, 'n_with_data': 2,
         'n_in_scope': 9, 'provenance': 'derived', 'reason': None}
        """
        h = self.hierarchy
        rows = (
            np.arange(len(h))
            if level is None
            else np.arange(h.level_slice(level).start, h.level_slice(level).stop)
        )
        return _records(self, rows, range(len(self.periods)))

    def to_frame(self, level: str | None = None) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Parameters
        ----------
        level
            Only the units of this level; ``None`` (default) for every unit.

        Returns
        -------
        :class:`!pandas.DataFrame`
            One row per unit and period, with the columns of :meth:`to_records`.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> df = r.to_frame("district")
        >>> df.shape, df["value"].tolist()[:2]
        ((9, 14), [75.0, nan])
        """
        return _pandas().DataFrame.from_records(self.to_records(level))

    def table(self, level: str | None = None, *, digits: int = 1) -> str:
        """Return a plain-text table of the values (units as rows, periods as columns).

        Missing values show as ``—`` followed by a short reason.

        Parameters
        ----------
        level
            Only the units of this level; ``None`` (default) for every unit,
            indented by level.
        digits
            Decimal places shown.

        Returns
        -------
        str
            The table, one line per unit after a header and a rule.

        Examples
        --------
        >>> from cchc_indicators import Indicator, Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_columns(
        ...     vinh_phuc_units(), indicator=["files"] * 2, unit=["08707", "08710"],
        ...     period=[2024, 2024], numerator=[45, 30], denominator=[50, 50],
        ... )
        >>> files = Indicator("files", "Hồ sơ công việc xử lý trực tuyến")
        >>> r = rollup(p, files, scope="tier:commune")
        >>> print(r.table("district"))
        unit                             2024
        -------------------------------------
          Thành phố Vĩnh Yên (243)       75.0
          Thành phố Phúc Yên (244)  — no data
        ...
        """
        return _table(self, level, digits)
