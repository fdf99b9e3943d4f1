"""Definitions: what is measured, how it combines, what a plan promises.

The lowest layer; it imports nothing else of the package.

- :mod:`~cchc_indicators.core.errors`: the error classes (``CchcError`` and its subclasses).
- :mod:`~cchc_indicators.core.measures`: kinds of numbers (percent, count, score, ...).
- :mod:`~cchc_indicators.core.rules`: how values of several units combine.
- :mod:`~cchc_indicators.core.scopes`: which units a value is taken on.
- :mod:`~cchc_indicators.core.indicators`: indicators.
- :mod:`~cchc_indicators.core.targets`: targets.
- :mod:`~cchc_indicators.core.plan`: plans, and :mod:`~cchc_indicators.core.catalog`,
  the plans shipped with the package.

Private helpers shared by every layer live here too: argument checks
(``_args``), JSON and file loading (``_loading``), period arithmetic
(``_periods``), array and table helpers (``_arrays``, ``_wide``, ``_ties``) and
row validation (``_validate``).
"""
