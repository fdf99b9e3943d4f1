"""Survey-based indicators: satisfaction shares with design weights, intervals, and targets met with confidence.

Several reform targets are satisfaction rates measured by surveys (at least
90 % of people satisfied with how their procedures were handled; SIPAS; PAPI).
A rate of 89.5 % from 300 respondents is not a miss with any confidence, and a
rate of 91 % from 40 respondents is not a success either. This module turns
survey microdata into shares *with* their uncertainty:

* :class:`Responses`: one row per respondent and question (``respondent, unit,
  question, answer`` and optional ``weight`` and ``stratum``), answers on a
  declared :class:`Scale`, validated with every problem reported by row;
* :func:`satisfaction`: the share of satisfied answers (answers in a declared
  set, such as 4 and 5 on a 1-5 scale) per question, per :class:`Elements`
  group and overall as the mean of the elements (the SIPAS style), weighted or
  not, pooled up the hierarchy with the same scopes as :func:`~cchc_indicators.engine`
  (``own``, ``tier:<level>``, ``territory``), with confidence intervals;
* :class:`SurveyResult`: the shares, intervals and effective sample sizes,
  as records, a table, a DataFrame, or ratio observations in a :class:`~cchc_indicators.data.panel.Panel`;
* :func:`confidence_status` and :func:`with_confidence`: ``achieved`` only when
  the lower bound meets the threshold, ``not_achieved`` only when the upper
  bound misses it, otherwise ``inconclusive``; :func:`min_sample_size` says how
  many respondents it takes to tell a true rate from the threshold.

Intervals (see the explanation page "Survey intervals" for the formulas and sources):

``wilson``
    The Wilson (1927) score interval, for unweighted question shares.
``wilson_kish``
    The Wilson interval at Kish's (1965) effective sample size
    (Σw)² / Σw², for weighted question shares.
``wilson_design``
    The Wilson interval at the effective sample size p(1 - p) / v of Korn and
    Graubard (1998), v the linearised variance of the ratio with the
    respondent as the cluster, for element shares and the overall index
    (a respondent's answers to the questions of one element are not independent).
``bootstrap_percentile``
    Percentiles of a seeded bootstrap resampling respondents within unit and
    stratum (``interval="bootstrap"``), for every share.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators import Hierarchy
>>> from cchc_indicators.survey import Responses, satisfaction
>>> h = Hierarchy.from_records(
...     [{"code": "26", "name": "Vĩnh Phúc", "level": "province"},
...      {"code": "243", "name": "Vĩnh Yên", "level": "district", "parent": "26"}],
...     levels=("province", "district"),
... )
>>> answers = [5, 4, 4, 3, 5, 4, 2, 5, 4, 4]
>>> r = Responses.from_records(
...     [{"respondent": f"r{i}", "unit": "243", "question": "q1", "answer": a}
...      for i, a in enumerate(answers)],
...     h, scale="1-5",
... )
>>> res = satisfaction(r, "4,5")
>>> row = res.row("26", "q1")
>>> row["share"], round(row["lower"], 1), round(row["upper"], 1), row["method"]
(80.0, 49.0, 94.3, 'wilson')
"""

from __future__ import annotations

from cchc_indicators.survey._satisfaction import CONFIDENCE_STATUSES as _CONFIDENCE_STATUSES
from cchc_indicators.survey._satisfaction import INTERVAL_METHODS as _INTERVAL_METHODS
from cchc_indicators.survey._satisfaction import OVERALL as _OVERALL
from cchc_indicators.survey._satisfaction import RECORD_KEYS as _RECORD_KEYS
from cchc_indicators.survey._satisfaction import (
    Elements,
    Responses,
    Scale,
    SurveyResult,
    confidence_status,
    kish_effective_size,
    min_sample_size,
    satisfaction,
    synthetic_survey,
    wilson_interval,
    with_confidence,
)

#: The statuses :func:`confidence_status` gives (``no_data`` where a bound is missing).
CONFIDENCE_STATUSES = _CONFIDENCE_STATUSES

#: The interval methods a :class:`SurveyResult` names, per row.
INTERVAL_METHODS = _INTERVAL_METHODS

#: The name of the overall index (the mean of the element shares) among a result's items.
OVERALL = _OVERALL

#: The keys of each :meth:`SurveyResult.to_records` row, in order.
RECORD_KEYS = _RECORD_KEYS

__all__ = [
    "CONFIDENCE_STATUSES",
    "INTERVAL_METHODS",
    "OVERALL",
    "RECORD_KEYS",
    "Elements",
    "Responses",
    "Scale",
    "SurveyResult",
    "confidence_status",
    "kish_effective_size",
    "min_sample_size",
    "satisfaction",
    "synthetic_survey",
    "wilson_interval",
    "with_confidence",
]
