"""The one-line help of the commands whose modules load only when they run."""

from __future__ import annotations

__all__ = ["HELP"]

#: Shown by ``cchc --help`` and by each command's own parser.
HELP = {
    "survey": "satisfaction shares with confidence intervals from survey responses",
    "rebase": "re-base a long observation CSV onto another edition of the units",
    "index": "score units on a composite index or a points structure",
    "report": "write the HTML report of a plan evaluated on data (self-contained, printable)",
}
