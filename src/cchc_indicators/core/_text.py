"""Plain-text tables: a header, a rule and the rows, columns padded to their widest cell."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["text_table"]


def text_table(head: Sequence[str], body: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Lay out a plain-text table: a header, a rule and the rows.

    Columns whose positions are in ``right`` are right-aligned (numbers),
    the others left-aligned; trailing spaces are dropped.

    Examples
    --------
    >>> print("\\n".join(text_table(["unit", "score"], [["A", "9.5"], ["BB", "10.0"]], {1})))
    unit  score
    -----------
    A       9.5
    BB     10.0
    """
    widths = [max(len(row[c]) for row in [head, *body]) for c in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if j in right else c.ljust(w)
            for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(head), "-" * (sum(widths) + 2 * (len(widths) - 1)), *(line(b) for b in body)]
