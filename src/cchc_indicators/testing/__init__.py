"""Hypothesis strategies and assertion helpers for testing code built on :mod:`cchc_indicators`.

Strategies draw valid hierarchies of any shape, indicators of every measure
and fitting rule, and observations that pass validation;
:func:`assert_rollup_equal` names the first unit and period where two roll-ups
differ. This module needs Hypothesis, which the library itself does not:
install the ``test`` extra (``pip install 'cchc-indicators[test]'``).

.. versionadded:: 0.1.0

Examples
--------
>>> from hypothesis import given, settings
>>> from cchc_indicators import rollup
>>> from cchc_indicators.testing import hierarchies, panels
>>> @settings(max_examples=5, deadline=None)
... @given(hierarchies().flatmap(panels))
... def test_a_rollup_has_a_value_per_unit_and_period(panel):
...     r = rollup(panel, panel.indicator_codes[0])
...     assert r.value.shape == (len(panel.hierarchy), len(panel.periods))
>>> test_a_rollup_has_a_value_per_unit_and_period()
"""

from __future__ import annotations

from cchc_indicators.testing._strategies import (
    assert_rollup_equal,
    hierarchies,
    hierarchy_records,
    indicators,
    panel_records,
    panels,
)

__all__ = [
    "assert_rollup_equal",
    "hierarchies",
    "hierarchy_records",
    "indicators",
    "panel_records",
    "panels",
]
