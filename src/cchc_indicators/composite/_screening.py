"""Screening the units of an index by data availability: :class:`Screening` and its report.

A step of an index definition (:attr:`CompositeIndex.screening
<cchc_indicators.composite.CompositeIndex.screening>`): before the units are
scored, those with too few indicators with a value, or too few non-zero
values, are left out, except those forced in; units can also be forced out.
This is COINr's ``Screen`` (``dat_thresh``, ``nonzero_thresh``,
``unit_screen`` and ``Force``), as a declared step of the definition rather
than a separate call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core._repr import counted
from cchc_indicators.core._text import text_table
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem

__all__ = ["ORDERS", "Screening", "ScreeningReport", "screen"]

FloatArray = NDArray[np.float64]

#: The two orders of imputation and screening. ``impute_then_screen`` is
#: COINr's reference pipeline: every unit is imputed (so means and medians
#: include the units later screened out), then the units are screened on the
#: imputed data. ``screen_then_impute`` screens on the data as observed and
#: imputes over the units kept.
ORDERS = ("impute_then_screen", "screen_then_impute")

_ARRAY = {"converter": readonly, "eq": ARRAY_EQ}


def _threshold(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        msg = f"screening {name!r} must be a share from 0 to 1, got {value!r}"
        raise DefinitionError(msg)
    return float(value)


def _min_share(value: object) -> float | None:
    return _threshold(value, "min_share")


def _min_nonzero(value: object) -> float | None:
    return _threshold(value, "min_nonzero")


def _codes(value: object, name: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"screening {name!r} must be a list of unit codes, got {value!r}"
        raise DefinitionError(msg)
    out = tuple(value)
    for code in out:
        if not isinstance(code, str) or not code:
            msg = f"screening {name!r} must hold unit codes (text), got {code!r}"
            raise DefinitionError(msg)
    if len(set(out)) != len(out):
        msg = f"screening {name!r} lists a unit twice"
        raise DefinitionError(msg)
    return out


def _include(value: object) -> tuple[str, ...]:
    return _codes(value, "include")


def _exclude(value: object) -> tuple[str, ...]:
    return _codes(value, "exclude")


def _order(_instance: object, _attribute: object, value: object) -> None:
    if value not in ORDERS:
        msg = f"screening 'order' must be one of {', '.join(ORDERS)}, got {value!r}"
        raise DefinitionError(msg)


@attrs.frozen
class Screening:
    """Which units an index scores: a data-availability rule with forced inclusions and exclusions.

    Parameters
    ----------
    min_share
        The least share of the index's indicators a unit must have a value
        for (0–1; COINr's ``dat_thresh``); ``None``: no such rule.
    min_nonzero
        The least share of non-zero values among a unit's values (0–1;
        COINr's ``nonzero_thresh``); ``None``: no such rule. A unit with no
        value at all has no such share and fails a threshold above 0.
    include, exclude
        Units kept, or left out, whatever the rules say (COINr's ``Force``).
    order
        ``"impute_then_screen"`` (the default, COINr's order: the shares
        are counted on the imputed data, imputation having used every unit)
        or ``"screen_then_impute"`` (counted on the data as observed; the
        imputation then uses the units kept only).

    Raises
    ------
    DefinitionError
        For a share outside 0–1, a unit both included and excluded, or an
        unknown order.

    Examples
    --------
    >>> s = Screening(min_share=0.9, exclude=["Z"])
    >>> s.to_dict()
    {'min_share': 0.9, 'exclude': ['Z']}
    >>> Screening.from_dict(s.to_dict()) == s
    True
    >>> Screening(min_share=1.5)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: screening 'min_share' must be a share from 0 to 1, got 1.5
    """

    min_share: float | None = attrs.field(default=None, converter=_min_share)
    min_nonzero: float | None = attrs.field(default=None, converter=_min_nonzero, kw_only=True)
    include: tuple[str, ...] = attrs.field(default=(), converter=_include, kw_only=True)
    exclude: tuple[str, ...] = attrs.field(default=(), converter=_exclude, kw_only=True)
    order: Literal["impute_then_screen", "screen_then_impute"] = attrs.field(
        default="impute_then_screen", validator=_order, kw_only=True
    )

    def __repr__(self) -> str:
        parts = [f"{key}={getattr(self, key)!r}" for key in ("min_share", "min_nonzero")]
        if self.include:
            parts.append(f"{counted(len(self.include), 'unit')} forced in")
        if self.exclude:
            parts.append(f"{counted(len(self.exclude), 'unit')} forced out")
        return f"Screening({', '.join(parts)}, order={self.order!r})"

    def __attrs_post_init__(self) -> None:
        both = sorted(set(self.include) & set(self.exclude))
        if both:
            msg = f"screening: unit {both[0]!r} is both included and excluded"
            raise DefinitionError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (defaults left out).

        Examples
        --------
        >>> Screening(min_nonzero=0.05, order="screen_then_impute").to_dict()
        {'min_nonzero': 0.05, 'order': 'screen_then_impute'}
        """
        out: dict[str, Any] = {}
        for key in ("min_share", "min_nonzero"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("include", "exclude"):
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.order != ORDERS[0]:
            out["order"] = self.order
        return out

    @classmethod
    def from_dict(cls, data: object) -> Screening:
        """Build a screening from its JSON form.

        Raises
        ------
        DefinitionError
            For an unknown key or a bad value.

        Examples
        --------
        >>> Screening.from_dict({"min_share": 0.9, "forced": ["A"]})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: screening: unknown field 'forced'; the fields are min_share, min_nonzero, include, exclude, order
        """
        if not isinstance(data, Mapping):
            msg = f"'screening' must be a mapping such as {{'min_share': 0.9}}, got {data!r}"
            raise DefinitionError(msg)
        known = [f.name for f in attrs.fields(cls)]
        extra = [k for k in data if k not in known]
        if extra:
            msg = f"screening: unknown field {extra[0]!r}; the fields are {', '.join(known)}"
            raise DefinitionError(msg)
        return cls(**data)


def as_screening(value: object) -> Screening | None:
    """Convert a definition's ``screening`` field: ``None``, a :class:`Screening` or a mapping."""
    if value is None or isinstance(value, Screening):
        return value
    return Screening.from_dict(value)


@attrs.frozen(eq=False)
class ScreeningReport:
    """What screening did to each unit: its shares, whether it was kept, and why.

    Attributes
    ----------
    rule
        The :class:`Screening` applied.
    units
        Every unit screened, in order.
    share
        The share of the index's indicators with a value (after imputation
        in the order ``impute_then_screen``).
    nonzero
        The share of non-zero values among those (NaN for a unit with none).
    kept
        Whether the unit is scored.
    reason
        ``""`` (kept by the rules), ``"forced_in"``, ``"forced_out"``,
        ``"low_data"`` or ``"few_nonzero"``.
    """

    rule: Screening
    units: tuple[str, ...]
    share: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    nonzero: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    kept: NDArray[np.bool_] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    reason: NDArray[np.str_] = attrs.field(**_ARRAY)  # type: ignore[call-overload]

    def __repr__(self) -> str:
        return (
            f"ScreeningReport({counted(len(self.units), 'unit')}, "
            f"{int(self.kept.sum())} kept, {int((~self.kept).sum())} left out)"
        )

    @property
    def removed(self) -> tuple[str, ...]:
        """The units left out, in order.

        Examples
        --------
        >>> X = np.array([[1.0, np.nan, 3.0], [4.0, np.nan, 0.0]])
        >>> screen(Screening(min_share=0.5), X, ("A", "B", "C")).removed
        ('B',)
        """
        return tuple(u for u, k in zip(self.units, self.kept.tolist(), strict=True) if not k)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per unit: ``unit``, ``share``, ``nonzero``, ``kept``, ``reason``.

        Examples
        --------
        >>> X = np.array([[1.0, np.nan], [0.0, 2.0]])
        >>> screen(Screening(min_nonzero=0.6), X, ("A", "B")).to_records()[0]
        {'unit': 'A', 'share': 1.0, 'nonzero': 0.5, 'kept': False, 'reason': 'few_nonzero'}
        """
        return [
            {
                "unit": u,
                "share": float(s),
                "nonzero": None if np.isnan(z) else float(z),
                "kept": bool(k),
                "reason": str(r),
            }
            for u, s, z, k, r in zip(
                self.units,
                self.share.tolist(),
                self.nonzero.tolist(),
                self.kept.tolist(),
                self.reason.tolist(),
                strict=True,
            )
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra)."""
        from cchc_indicators.data.panel import _pandas

        return _pandas().DataFrame(self.to_records())

    def table(self) -> str:
        """A plain-text table of the units left out or forced in, with their shares.

        Examples
        --------
        >>> X = np.array([[1.0, np.nan, 3.0], [4.0, np.nan, 0.0]])
        >>> print(screen(Screening(min_share=0.5, include=["B"]), X, ("A", "B", "C")).table())
        unit  data share  non-zero share  kept  why
        -------------------------------------------------
        B             0%               –  yes   forced_in
        3 units screened, 3 kept (min_share 0.5)
        """
        shown = [i for i, r in enumerate(self.reason.tolist()) if r]
        body = [
            [
                self.units[i],
                f"{self.share[i]:.0%}",
                "–" if np.isnan(self.nonzero[i]) else f"{self.nonzero[i]:.0%}",
                "yes" if self.kept[i] else "no",
                str(self.reason[i]),
            ]
            for i in shown
        ]
        rules = ", ".join(
            f"{k} {v:g}"
            for k, v in self.rule.to_dict().items()
            if k in ("min_share", "min_nonzero")
        )
        foot = f"{len(self.units)} units screened, {int(self.kept.sum())} kept" + (
            f" ({rules})" if rules else ""
        )
        if not body:
            return foot
        head = ["unit", "data share", "non-zero share", "kept", "why"]
        return "\n".join([*text_table(head, body, {1, 2}), foot])


def screen(
    rule: Screening, X: FloatArray, units: Sequence[str], known: Sequence[str] | None = None
) -> ScreeningReport:
    """Apply ``rule`` to the values ``X`` (indicators × units): which units are kept, and why.

    Parameters
    ----------
    rule
        The screening rule.
    X
        The indicators' values, ``(indicators, units)``, NaN where missing.
    units
        The units' codes (the columns of ``X``).
    known
        Every unit of the data, when ``units`` are some of them: a unit
        forced in or out that is known but not screened here is passed over.

    Raises
    ------
    InvalidDataError
        For a unit forced in or out that is not known (not among ``known``,
        or ``units`` without it).

    Examples
    --------
    >>> X = np.array([[1.0, np.nan, 0.0], [2.0, np.nan, 0.0], [3.0, 5.0, np.nan]])
    >>> r = screen(Screening(min_share=0.5, min_nonzero=0.1), X, ("A", "B", "C"))
    >>> r.share.round(3).tolist(), r.kept.tolist(), r.reason.tolist()
    ([1.0, 0.333, 0.667], [True, False, False], ['', 'low_data', 'few_nonzero'])
    """
    X = np.asarray(X, dtype=np.float64)
    present = ~np.isnan(X)
    n_present = present.sum(axis=0)
    L = X.shape[0]
    share = n_present / L if L else np.zeros(X.shape[1])
    zeros = (X == 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        nonzero = np.where(n_present > 0, 1 - zeros / np.maximum(n_present, 1), np.nan)
    low_data = share < rule.min_share if rule.min_share is not None else np.zeros(len(units), bool)
    # A unit without any value has no non-zero share: it fails any threshold above 0.
    few = (
        (nonzero < rule.min_nonzero) | (np.isnan(nonzero) & (rule.min_nonzero > 0))
        if rule.min_nonzero is not None
        else np.zeros(len(units), bool)
    )
    reason = np.where(low_data, "low_data", np.where(few, "few_nonzero", "")).astype("<U11")
    position = {u: j for j, u in enumerate(units)}
    everyone = set(units if known is None else known) | set(units)
    problems = [
        Problem(
            f"screening forces unit {code!r} {'in' if key == 'include' else 'out'}, but it has no "
            "observations",
            field=f"screening.{key}",
            kind="unknown_unit",
        )
        for key in ("include", "exclude")
        for code in getattr(rule, key)
        if code not in everyone
    ]
    if problems:
        raise InvalidDataError(problems, source="<screening>")
    forced_in = np.zeros(len(units), bool)
    forced_in[[position[u] for u in rule.include if u in position]] = True
    forced_out = np.zeros(len(units), bool)
    forced_out[[position[u] for u in rule.exclude if u in position]] = True
    kept = ~(low_data | few)
    reason = np.where(forced_in & ~kept, "forced_in", reason)
    reason = np.where(forced_out, "forced_out", reason)
    kept = (kept | forced_in) & ~forced_out
    return ScreeningReport(
        rule=rule,
        units=tuple(units),
        share=share.astype(np.float64),
        nonzero=nonzero,
        kept=kept,
        reason=reason,
    )
