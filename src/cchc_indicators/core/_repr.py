"""Pieces of the one-line reprs: counts with their noun, and a span of periods.

Every definition and result prints as one line (the class, its code, counts);
the full text is in ``describe()`` (see the design page, "How objects print").
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["counted", "span"]


def counted(n: int, word: str, plural: str | None = None) -> str:
    """Write ``n`` with its noun, in the plural unless ``n`` is 1.

    Examples
    --------
    >>> counted(1, "unit"), counted(63, "unit"), counted(2, "child", "children")
    ('1 unit', '63 units', '2 children')
    """
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def span(periods: Sequence[str], word: str = "period") -> str:
    """Write a sequence of periods as its count and its first and last.

    Examples
    --------
    >>> span(("2022", "2023", "2024")), span(("2024",)), span(()), span(("",))
    ('3 periods 2022–2024', '1 period 2024', '0 periods', "1 period ''")
    """
    if not periods:
        return counted(0, word)
    first, last = (p or "''" for p in (periods[0], periods[-1]))
    if len(periods) == 1:
        return f"{counted(1, word)} {first}"
    return f"{counted(len(periods), word)} {first}–{last}"
