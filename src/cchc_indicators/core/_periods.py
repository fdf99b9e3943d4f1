"""Period labels: years (``2024``), quarters (``2024-Q2``) and months (``2024-06``).

Periods are kept as canonical strings; this module parses them, tells their
granularity and gives sort keys. A panel may hold periods of several
granularities (one per indicator and unit); :func:`axis_sort_key` orders them.
The private helpers at the end place a period within a coarser one.
"""

from __future__ import annotations

import re

__all__ = [
    "GRANULARITIES",
    "axis_sort_key",
    "deadline_on_axis",
    "decimal_year",
    "granularity",
    "normalise_period",
    "period_end_key",
    "period_sort_key",
    "previous_period",
]

GRANULARITIES = ("year", "quarter", "month")
_RANK = {"year": 0, "quarter": 1, "month": 2}
#: How many months a period of each granularity spans.
_MONTHS = {"year": 12, "quarter": 3, "month": 1}

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def normalise_period(raw: object) -> str:
    """Return the canonical label of a period, or raise :class:`ValueError`.

    Integers and floats holding a whole year are accepted (``2024``, ``2024.0``).

    Examples
    --------
    >>> normalise_period(2024), normalise_period(" 2024q2 "), normalise_period("2024-06")
    ('2024', '2024-Q2', '2024-06')
    """
    if isinstance(raw, bool):
        msg = f"not a period: {raw!r}"
        raise ValueError(msg)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if m := _YEAR.match(text):
        return m.group(1)
    if m := _QUARTER.match(text):
        return f"{m.group(1)}-Q{m.group(2)}"
    if m := _MONTH.match(text):
        return text
    msg = (
        f"not a period: {raw!r} (expected a year '2024', a quarter '2024-Q2' or a month '2024-06')"
    )
    raise ValueError(msg)


def granularity(label: str) -> str:
    """Return ``"year"``, ``"quarter"`` or ``"month"`` for a canonical label.

    Examples
    --------
    >>> granularity("2024"), granularity("2024-Q1"), granularity("2024-12")
    ('year', 'quarter', 'month')
    """
    if len(label) == 4:
        return "year"
    return "quarter" if "Q" in label else "month"


def period_sort_key(label: str) -> tuple[int, int]:
    """Return ``(year, month of the period's start)`` for ordering canonical labels.

    Examples
    --------
    >>> sorted(["2025", "2023", "2024"], key=period_sort_key)
    ['2023', '2024', '2025']
    """
    year = int(label[:4])
    if len(label) == 4:
        return (year, 1)
    if "Q" in label:
        return (year, 3 * int(label[-1]) - 2)
    return (year, int(label[5:]))


def period_end_key(label: str) -> tuple[int, int]:
    """Return ``(year, month of the period's end)``: 2021 ends in month 12, 2021-Q2 in 6.

    Use it to ask whether one period ends after another of any granularity.

    Examples
    --------
    >>> period_end_key("2021"), period_end_key("2021-Q4"), period_end_key("2021-06")
    ((2021, 12), (2021, 12), (2021, 6))
    """
    year = int(label[:4])
    if len(label) == 4:
        return (year, 12)
    if "Q" in label:
        return (year, 3 * int(label[-1]))
    return (year, int(label[5:]))


def axis_sort_key(label: str) -> tuple[int, int, int]:
    """Return ``(year, start month, rank)``: time order, a period before the shorter ones it starts.

    Orders a panel's periods when they mix granularities: a year comes before
    its first quarter, which comes before its first month.

    Examples
    --------
    >>> sorted(["2024-02", "2024-01", "2024-Q1", "2024", "2023-Q4"], key=axis_sort_key)
    ['2023-Q4', '2024', '2024-Q1', '2024-01', '2024-02']
    """
    year, month = period_sort_key(label)
    return (year, month, _RANK[granularity(label)])


def decimal_year(label: str) -> float:
    """A period's start as a decimal year, the time axis of projections (2024-Q2 -> 2024.25).

    Examples
    --------
    >>> decimal_year("2024"), decimal_year("2024-Q2"), decimal_year("2024-07")
    (2024.0, 2024.25, 2024.5)
    """
    year, month = period_sort_key(label)
    return year + (month - 1) / 12.0


def deadline_on_axis(deadline: str, data_period: str) -> tuple[float, str]:
    """Where a deadline sits on the data's time axis, and its label there.

    A target due "by 2025" is due by the end of 2025, so on a quarterly axis it
    sits at 2025-Q4 (2025.75), on a monthly one at 2025-12, on a yearly one at
    2025; a deadline of 2025-Q2 on a yearly axis sits at 2025.

    Examples
    --------
    >>> deadline_on_axis("2025", "2023-Q1"), deadline_on_axis("2025-Q2", "2023")
    ((2025.75, '2025-Q4'), (2025.0, '2025'))
    """
    year, month = period_end_key(deadline)
    kind = granularity(data_period)
    if kind == "year":
        return float(year), str(year)
    if kind == "quarter":
        quarter = (month - 1) // 3 + 1
        return year + 3 * (quarter - 1) / 12.0, f"{year}-Q{quarter}"
    return year + (month - 1) / 12.0, f"{year}-{month:02d}"


# ------------------------------------------------ periods within periods (for periods.py)


def _enclosing(label: str, target: str) -> str:
    year, month = period_sort_key(label)
    if target == "year":
        return str(year)
    if target == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def _sub_periods(label: str, grain: str, target: str) -> tuple[str, ...]:
    year, first = period_sort_key(label)
    step = _MONTHS[target]
    months = range(first, first + _MONTHS[grain], step)
    return tuple(_enclosing(f"{year}-{m:02d}", target) for m in months)


def _position(label: str, target: str) -> int:
    """The 0-based position of ``label`` among the sub-periods of its ``target`` period."""
    _, month = period_sort_key(label)
    start = period_sort_key(_enclosing(label, target))[1]
    return (month - start) // _MONTHS[granularity(label)]


def _n_sub(grain: str, target: str) -> int:
    return _MONTHS[target] // _MONTHS[grain]


def previous_period(label: str) -> str:
    """The period of the same granularity just before ``label`` (2024-Q1 -> 2023-Q4).

    Examples
    --------
    >>> previous_period("2024"), previous_period("2024-Q1"), previous_period("2024-01")
    ('2023', '2023-Q4', '2023-12')
    """
    year = int(label[:4])
    kind = granularity(label)
    if kind == "year":
        return str(year - 1)
    sub = int(label[-1]) if kind == "quarter" else int(label[5:])
    if sub > 1:
        return f"{year}-Q{sub - 1}" if kind == "quarter" else f"{year}-{sub - 1:02d}"
    return f"{year - 1}-Q4" if kind == "quarter" else f"{year - 1}-12"
