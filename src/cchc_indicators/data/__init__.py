"""Observations: panels of values and their readers, and period conversion.

- :mod:`~cchc_indicators.data.panel`: ``Panel``, read from CSV, records, columns or frames.
- :mod:`~cchc_indicators.data.periods`: granularities and conversion between them.

Uses :mod:`cchc_indicators.units` and :mod:`cchc_indicators.core`.
"""
