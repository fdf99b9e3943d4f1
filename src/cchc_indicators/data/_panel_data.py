"""The observations of one indicator in a :class:`~cchc_indicators.data.panel.Panel`: dense arrays.

:class:`IndicatorData` is documented and imported as
:class:`cchc_indicators.data.panel.IndicatorData`.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _wide
from cchc_indicators.core._arrays import ARRAY_EQ
from cchc_indicators.core._repr import counted

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    # Not _arrays.readonly: a panel's arrays are large and made read-only in place, not copied.
    a = np.ascontiguousarray(a)
    a.flags.writeable = False
    return a


@attrs.frozen
class IndicatorData:
    """The observations of one indicator: dense arrays of shape (units, periods).

    Rows follow :attr:`Hierarchy.codes <cchc_indicators.Hierarchy.codes>`,
    columns :attr:`Panel.periods`. NaN means "not given".

    Parameters
    ----------
    value
        Values given directly.
    numerator, denominator
        Ratio parts, where given.
    weight
        The weight column, where given.
    row
        The source row of each observation (-1 where there is none), so later
        errors can name it.

    Examples
    --------
    >>> d = IndicatorData.empty(2, 1)
    >>> d.observed.tolist()
    [[False], [False]]
    """

    value: FloatArray = attrs.field(converter=_readonly, eq=ARRAY_EQ)
    numerator: FloatArray = attrs.field(converter=_readonly, eq=ARRAY_EQ)
    denominator: FloatArray = attrs.field(converter=_readonly, eq=ARRAY_EQ)
    weight: FloatArray = attrs.field(converter=_readonly, eq=ARRAY_EQ)
    row: IntArray = attrs.field(converter=_readonly, eq=ARRAY_EQ)
    any_value: bool = attrs.field(init=False, eq=False, repr=False)
    any_bare_value: bool = attrs.field(init=False, eq=False, repr=False)
    _memo: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False)

    def __repr__(self) -> str:
        units, periods = self.value.shape
        return (
            f"IndicatorData({counted(units, 'unit')}, {counted(periods, 'period')}, "
            f"{int(self.observed.sum())} observed)"
        )

    def __attrs_post_init__(self) -> None:
        if np.any((self.denominator == 0) & (self.numerator > 0)):
            msg = "a positive numerator over a denominator of 0 has no meaning"
            raise ValueError(msg)
        given = ~np.isnan(self.value)
        object.__setattr__(self, "any_value", bool(given.any()))
        bare = self.any_value and bool((given & np.isnan(self.denominator)).any())
        object.__setattr__(self, "any_bare_value", bare)

    @property
    def bare_value(self) -> BoolArray:
        """Where the observation gave a value without numerator and denominator.

        Such cells cannot be pooled by ``ratio_of_sums``.

        Examples
        --------
        >>> from cchc_indicators import Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.bare_value[:3].tolist()
        [[True], [False], [False]]
        """
        out: BoolArray = ~np.isnan(self.value) & np.isnan(self.denominator)
        return out

    @property
    def support(self) -> IntArray:
        """The flat numbers (row-major, ``unit * n_periods + period``) of the cells holding anything.

        A cell holds something when it has a source row or any number; every
        other cell is NaN throughout. Computed once and cached (the arrays are
        read-only), in increasing order.

        Examples
        --------
        >>> d = IndicatorData(
        ...     value=[[np.nan, 7.0], [np.nan, np.nan]], numerator=[[3.0, np.nan], [np.nan, np.nan]],
        ...     denominator=[[4.0, np.nan], [np.nan, np.nan]], weight=np.full((2, 2), np.nan),
        ...     row=[[0, 1], [-1, -1]],
        ... )
        >>> d.support.tolist()
        [0, 1]
        """
        if "support" not in self._memo:
            held = self.row >= 0
            for arr in (self.value, self.numerator, self.denominator, self.weight):
                held |= ~np.isnan(arr)
            cells = np.flatnonzero(held)
            cells.flags.writeable = False
            self._memo["support"] = cells
        out: IntArray = self._memo["support"]
        return out

    def gathered(self) -> IndicatorData:
        """The cells of :attr:`support` alone, as arrays of shape (cells, 1); cached.

        Cell by cell, every array and :meth:`values` equal those of the dense
        arrays at the same cells.

        Examples
        --------
        >>> d = IndicatorData(
        ...     value=[[np.nan, 7.0], [np.nan, np.nan]], numerator=[[3.0, np.nan], [np.nan, np.nan]],
        ...     denominator=[[4.0, np.nan], [np.nan, np.nan]], weight=np.full((2, 2), np.nan),
        ...     row=[[0, 1], [-1, -1]],
        ... )
        >>> d.gathered().values(100).tolist()
        [[75.0], [7.0]]
        """
        if "gathered" not in self._memo:
            cells = self.support

            def take(a: NDArray[Any]) -> NDArray[Any]:
                return a.ravel()[cells][:, None]

            self._memo["gathered"] = IndicatorData(
                take(self.value),
                take(self.numerator),
                take(self.denominator),
                take(self.weight),
                take(self.row),
            )
        out: IndicatorData = self._memo["gathered"]
        return out

    @classmethod
    def empty(cls, n_units: int, n_periods: int) -> IndicatorData:
        """Arrays with no observation.

        Parameters
        ----------
        n_units, n_periods
            The shape of the arrays.

        Returns
        -------
        IndicatorData
            NaN in every number array, -1 in :attr:`row`.

        Examples
        --------
        >>> d = IndicatorData.empty(2, 3)
        >>> d.value.shape, d.row[0].tolist(), bool(d.observed.any())
        ((2, 3), [-1, -1, -1], False)
        """
        nan = np.full((n_units, n_periods), np.nan)
        return cls(nan, nan, nan, nan, np.full((n_units, n_periods), -1, dtype=np.int64))

    @property
    def has_parts(self) -> BoolArray:
        """Where the observation gave a numerator and a denominator.

        Examples
        --------
        >>> from cchc_indicators import Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.has_parts[:3].tolist()
        [[False], [True], [False]]
        """
        out: BoolArray = ~np.isnan(self.denominator)
        return out

    @property
    def observed(self) -> BoolArray:
        """Where there is an observation (a value or parts).

        Examples
        --------
        >>> from cchc_indicators import Panel
        >>> from cchc_indicators.datasets import vinh_phuc_units
        >>> p = Panel.from_records(
        ...     [
        ...         {"indicator": "files", "unit": "26", "period": 2024, "value": 95.0},
        ...         {"indicator": "files", "unit": "243", "period": 2024, "numerator": 45, "denominator": 50},
        ...     ],
        ...     vinh_phuc_units(),
        ... )
        >>> d = p.data_of("files")  # rows: 26, 243, 244, ... (hierarchy order)
        >>> d.observed[:3].tolist(), int(d.observed.sum())
        ([[True], [True], [False]], 2)
        """
        out: BoolArray = self.row >= 0
        return out

    def values(self, scale: float | None) -> FloatArray:
        """Each cell's value: the value given, or numerator / denominator x ``scale``.

        A denominator of 0 gives NaN. ``scale=None`` means the parts are not
        turned into values (cells holding only parts are NaN).

        Examples
        --------
        >>> d = IndicatorData(
        ...     value=[[np.nan, 7.0]], numerator=[[3.0, np.nan]], denominator=[[4.0, np.nan]],
        ...     weight=[[np.nan, np.nan]], row=[[0, 1]],
        ... )
        >>> d.values(100).tolist()
        [[75.0, 7.0]]
        """
        if scale is None:
            return self.value
        # 0 of 0 gives NaN (a positive numerator over 0 is refused on construction);
        # scaling first keeps 57 of 100 at exactly 57; where that overflows (or, for a
        # scale below 1, may underflow) the careful division takes the quotient first
        with np.errstate(all="ignore"):
            out: FloatArray = (
                self.numerator * scale if scale != 1.0 else self.numerator
            ) / self.denominator
        if scale < 1.0 or np.isinf(out).any():
            out = _wide.divide(self.numerator, self.denominator, scale)
        if self.any_bare_value:  # where parts were given they win over a value given with them
            out = np.where(np.isnan(self.denominator), self.value, out)
        return out
