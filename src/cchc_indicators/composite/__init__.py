"""Composite indices: definitions of indicator trees, their methods and weights, as JSON.

A :class:`CompositeIndex` is a tree of :class:`Node` objects: the **leaves**
are indicators (their codes are the indicator codes in the data), each with a
direction and, where a method needs them, goalposts or a target; the other
nodes aggregate their children. The index itself is the root (level 0), its
children are level 1 (domains, pillars), and so on down.

The index names its methods: one normalisation (:data:`NORMALISATIONS`), an
aggregation per level or one for all (:data:`AGGREGATIONS`, overridable per
node), an imputation (:data:`IMPUTATIONS`), an outlier treatment
(:data:`TREATMENTS`) and a data-availability threshold ``min_share``
(overridable per node); an indicator may name its own normalisation,
imputation and treatment, and a ``denominator`` to be divided by. A
:class:`Screening` says which units are scored. Weights are relative among siblings;
named weight sets (``weight_sets``) replace some of them. Every choice is
checked when the index is built, before any data are seen, and the definition
round-trips through JSON (:meth:`CompositeIndex.to_json`), validated by the
schema of :func:`schema`.

:func:`~cchc_indicators.composite.compute_index` scores units on an index;
:func:`~cchc_indicators.composite.uncertainty.uncertainty` and :func:`~cchc_indicators.composite.uncertainty.sensitivity`
vary its choices.

.. versionadded:: 0.1.0

Examples
--------
>>> from cchc_indicators.composite import CompositeIndex, Method, Node
>>> idx = CompositeIndex(
...     "demo",
...     children=[
...         Node("services", children=[Node("online"), Node("waiting_days", direction=-1)]),
...         Node("satisfaction", weight=2),
...     ],
...     aggregation="geometric",
... )
>>> [n.code for n in idx.leaves()], idx.depth
(['online', 'waiting_days', 'satisfaction'], 2)
>>> idx.aggregation_of("services")
Method(name='geometric', options={})
>>> CompositeIndex.from_json(idx.to_json()) == idx
True
"""

from __future__ import annotations

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    SCHEMA_VERSION,
    TREATMENTS,
    CompositeIndex,
    Method,
    Node,
    index_names,
    load_index,
    schema,
)
from cchc_indicators.composite._result import RECORD_KEYS, IndexResult, compute_index
from cchc_indicators.composite._screening import ORDERS, Screening, ScreeningReport
from cchc_indicators.core._args import register_name_hint

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "ORDERS",
    "RECORD_KEYS",
    "SCHEMA_VERSION",
    "TREATMENTS",
    "CompositeIndex",
    "IndexResult",
    "Method",
    "Node",
    "Observations",
    "Screening",
    "ScreeningReport",
    "compute_index",
    "index_names",
    "load_index",
    "schema",
]


def _index_hint(name: str) -> str:
    """How to load a shipped index given by name where a CompositeIndex was expected."""
    if name not in index_names():
        return ""
    return f"; load the shipped index with cchc_indicators.composite.load_index({name!r})"


register_name_hint("CompositeIndex", _index_hint)
