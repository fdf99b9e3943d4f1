"""Reports: scorecards side by side, catalogue text and plots.

- :mod:`~cchc_indicators.report.plot`: plots of evaluations, indices and uncertainty
  (the ``plot`` extra, matplotlib).
- :mod:`~cchc_indicators.report.scorecard`: all units of an evaluation side by side.

The top layer below the command line: it may use every other subpackage.
"""
