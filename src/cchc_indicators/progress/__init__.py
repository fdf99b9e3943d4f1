"""Trends, projections and progress-to-target methods, computed for many series at once.

A *series* is one indicator for one unit over time. Every function here takes

``x``
    the periods as decimal years, shape ``(periods,)``, strictly increasing
    (``2024.0`` for 2024 or its first quarter, ``2024.25`` for its second quarter);
``Y``
    the values, shape ``(series, periods)``; NaN marks a missing value;

and works on all series together with numpy, never looping over series in
Python: the 432,400 series of the national hierarchy (10,810 units x 40
indicators) take one pass.

Trends
    :func:`linear_fit` (weighted least squares), :func:`time_weighted_fit`
    (recent data weigh more, after ESCAP), :func:`project_linear`, :func:`cagr`
    and :func:`cagr_fitted` (compound annual growth), :func:`attainment` (when a
    projection meets a target), :func:`required_annual_change` and
    :func:`observed_annual_change`.
Progress towards a target
    :func:`assess` judges every series with one of :data:`METHODS` and returns
    an :class:`Assessment`: the value projected to the deadline, the method's
    own category and score, the period of attainment and a note per series.

Zero, negative and sign-changing series
    A growth rate needs two values of the same sign and a base other than zero.
    Where that fails the result is NaN (category ``''``) and the series' note says
    why, e.g. ``'zero base value: growth undefined'``. Two negative values give
    the growth of the magnitude, and the note says so. Only the ``open-sdg``
    method replaces a zero base or target by 0.001, because its specification
    does, and its note then says ``'zero base value replaced by 0.001 (Open SDG
    rule)'``. Linear methods need no such care.

Sources
    * Statistics Canada's progress measure as implemented by Open SDG:
      ``sdg/ProgressMeasure.py`` in https://github.com/open-sdg/sdg-build and
      its methodology page https://open-sdg.readthedocs.io/en/latest/progress-methodology/.
    * United Nations Statistics Division, *SDG Progress Chart 2023, Technical
      Note*, https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf
      (formulas and thresholds as restated by EUSTAT's SDG platform,
      https://github.com/EUSTAT-DES/site, ``_pages/en/metodologia.md``).
    * UN ESCAP, *Asia and the Pacific SDG Progress Report*, technical notes,
      https://data.unescap.org/resource-guides/progress-assessment-methodology,
      and the UNECE restatement https://w3.unece.org/sdg2023/technical-notes.html.

:doc:`/explanation/progress-methods` compares the methods on one series.

.. versionadded:: 0.1.0

Examples
--------
>>> import numpy as np
>>> from cchc_indicators.progress import assess
>>> x = np.array([2021.0, 2022.0, 2023.0])
>>> Y = np.array([[50.0, 60.0, 70.0],     # +10 points a year
...               [50.0, 52.0, 54.0]])    # +2 points a year
>>> a = assess("linear", x, Y, x_now=2023, x_deadline=2025, target=80, higher_is_better=True)
>>> a.projected.tolist(), a.category.tolist()
([90.0, 58.0], ['on_track', 'off_track'])
"""

from __future__ import annotations

from cchc_indicators.progress._assess import CATEGORIES as _CATEGORIES
from cchc_indicators.progress._assess import METHODS as _METHODS
from cchc_indicators.progress._assess import (
    Assessment,
    Attainment,
    Change,
    Fit,
    Growth,
    assess,
    attainment,
    cagr,
    cagr_fitted,
    linear_fit,
    observed_annual_change,
    project_linear,
    required_annual_change,
    time_weighted_fit,
)

#: Each method's categories, best first. A series the method cannot judge gets ``''``.
CATEGORIES = _CATEGORIES

#: The progress-to-target methods :func:`assess` knows, by name.
METHODS = _METHODS

__all__ = [
    "CATEGORIES",
    "METHODS",
    "Assessment",
    "Attainment",
    "Change",
    "Fit",
    "Growth",
    "assess",
    "attainment",
    "cagr",
    "cagr_fitted",
    "linear_fit",
    "observed_annual_change",
    "project_linear",
    "required_annual_change",
    "time_weighted_fit",
]
