"""How every result CSV writes its numbers: short where exact, else 12 significant digits.

A computed value such as 57.138 often ends up as the float nearest to
57.138000000000005, and Python's :func:`repr` writes every digit of it. The
result CSVs (``Evaluation.to_csv``, the ``csv`` format of the ``cchc``
commands, the file ``cchc rebase`` writes) write instead, for a float ``x``:

* ``repr(x)`` when it has at most :data:`DIGITS` (12) significant digits: the
  shortest text that reads back to the very same float (``57.1``, ``15.0``,
  ``1e-20``, ``inf``);
* otherwise ``x`` rounded to 12 significant digits, written the way
  :func:`repr` writes that rounded float (``57.138``, ``0.3``,
  ``0.0746268656716``); a value of 10**12 or more is rounded to a whole number
  instead (never fewer digits than its integer part), so a count is never
  rounded off;
* an empty cell for NaN and ``None`` (a missing value), ``0.0`` for ``-0.0``.

The relative error of a rounded value is at most 5e-12, far below any figure
an indicator is reported with. Integers (Python or NumPy) are written whole,
as :class:`int` writes them; booleans and text are left as they are. JSON
keeps full precision: :func:`json.dumps` writes ``repr(x)``, which reads back
exactly. Text tables round further, to the decimals they display.

Examples
--------
>>> csv_number(57.138000000000005), csv_number(0.1 + 0.2), csv_number(15.0)
('57.138', '0.3', '15.0')
>>> csv_number(1e-20), csv_number(1e20), csv_number(123456789012345.67)
('1e-20', '1e+20', '123456789012346.0')
>>> csv_number(float("nan")), csv_number(-0.0), csv_number(float("-inf"))
('', '0.0', '-inf')
>>> csv_row({"unit": "26", "value": 1.2000000000000028, "n": 3, "gap": None}, ["unit", "value", "gap"])
{'unit': '26', 'value': '1.2', 'gap': ''}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["DIGITS", "csv_cell", "csv_number", "csv_row", "csv_rows"]

#: The significant digits a result CSV keeps of a float whose shortest text is longer.
DIGITS = 12

#: A float's repr at most this long has at most 12 digits (it holds a point or an ``e``).
_SHORT = DIGITS + 1
#: From here on a float is rounded to a whole number, not to 12 significant digits.
_WHOLE = 10.0**DIGITS


def csv_number(x: float) -> str:
    """The text of the float ``x`` in a result CSV: its repr if at most 12 digits, else rounded.

    Parameters
    ----------
    x
        A float (or a NumPy floating scalar).

    Returns
    -------
    str
        ``repr(x)`` when that has at most :data:`DIGITS` significant digits
        (so it reads back to ``x`` exactly); else ``x`` rounded to 12
        significant digits, or to a whole number when ``abs(x) >= 1e12``,
        written as :func:`repr` writes the rounded float; ``""`` for NaN,
        ``"0.0"`` for ``-0.0``, ``"inf"`` and ``"-inf"`` for the infinities.

    Examples
    --------
    >>> csv_number(57.138000000000005), csv_number(2 / 3), csv_number(-1.2000000000000028)
    ('57.138', '0.666666666667', '-1.2')
    >>> csv_number(1234567890123.4567), csv_number(0.000123456789012345)
    ('1234567890123.0', '0.000123456789012')
    """
    x = float(x)
    if x != x:
        return ""
    if x == 0:
        return "0.0"
    text = repr(x)
    if len(text) <= _SHORT or not math.isfinite(x):
        return text
    if abs(x) >= _WHOLE:
        return repr(float(round(x)))
    # 12 significant digits, correctly rounded; when they are x itself, its repr
    # has at most 12 digits and is kept
    rounded = f"{x:.{DIGITS}g}"
    if float(rounded) == x:
        return text
    if "e+" in rounded:  # rounding reached 1e12, where %g turns to an exponent
        return repr(float(rounded))
    # repr's notation: a point, or an exponent below 1e-4
    return rounded if "." in rounded or "e" in rounded else rounded + ".0"


def csv_cell(value: object) -> object:
    """One cell of a result CSV: a float as :func:`csv_number`, ``None`` empty, an integer whole.

    Examples
    --------
    >>> csv_cell(None), csv_cell(np.float64(0.1) * 3), csv_cell(np.int64(7)), csv_cell(True)
    ('', '0.3', '7', True)
    >>> csv_cell("57.138000000000005")  # text stays text
    '57.138000000000005'
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return value
    if isinstance(value, float | np.floating):
        return csv_number(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return value


def csv_row(record: Mapping[str, Any], columns: Iterable[str]) -> dict[str, object]:
    """The cells of ``record`` in ``columns`` (a missing key is an empty cell), as :func:`csv_cell`."""
    return {k: csv_cell(record.get(k)) for k in columns}


def csv_rows(
    records: Iterable[Mapping[str, Any]], columns: Iterable[str]
) -> Iterable[dict[str, object]]:
    """:func:`csv_row` of each record, lazily (for :meth:`csv.DictWriter.writerows`)."""
    keys = list(columns)
    return (csv_row(r, keys) for r in records)
