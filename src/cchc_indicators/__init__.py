"""cchc-indicators: monitoring Vietnam's public-administration reform (cải cách hành chính).

Define indicators and plans with targets, load administrative hierarchies and
observations, roll values up the hierarchy with explicit rules and scopes, and
evaluate a plan's targets (status, gap, projection to the deadline).

The package is organised in layers, one subpackage each (see
``docs/explanation/design.md``): ``core`` (definitions), ``units`` (hierarchies,
editions, crosswalks), ``data`` (panels and their readers), ``engine``
(roll-up and re-basing), ``progress``, ``survey``, ``composite`` (composite
indices and points trees), ``evaluation`` (plan evaluation), ``report``
(scorecards and plots) and ``cli``. The names below are loaded on first use,
so ``import cchc_indicators`` stays fast.

Examples
--------
>>> import cchc_indicators as cchc
>>> ind = cchc.Indicator("procedures_online", "Tỷ lệ TTHC trực tuyến", area="procedures")
>>> ind.measure.is_percent
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

#: Top-level name -> (module, attribute); attribute None: the module itself.
_LAZY: dict[str, tuple[str, str | None]] = {
    # modules kept as top-level names
    "aggregate": ("cchc_indicators.composite.aggregate", None),
    "catalog": ("cchc_indicators.core.catalog", None),
    "composite": ("cchc_indicators.composite", None),
    "crosswalk": ("cchc_indicators.units.crosswalk", None),
    "datasets": ("cchc_indicators.datasets", None),
    "measures": ("cchc_indicators.core.measures", None),
    "normalise": ("cchc_indicators.composite.normalise", None),
    "periods": ("cchc_indicators.data.periods", None),
    "points": ("cchc_indicators.composite.points", None),
    "progress": ("cchc_indicators.progress", None),
    "rebase": ("cchc_indicators.engine.rebase", None),
    "rules": ("cchc_indicators.core.rules", None),
    "survey": ("cchc_indicators.survey", None),
    "uncertainty": ("cchc_indicators.composite.uncertainty", None),
    "units": ("cchc_indicators.units", None),
    # classes and functions
    "CompositeIndex": ("cchc_indicators.composite", "CompositeIndex"),
    "IndexResult": ("cchc_indicators.composite", "IndexResult"),
    "Observations": ("cchc_indicators.composite", "Observations"),
    "compute_index": ("cchc_indicators.composite", "compute_index"),
    "Evaluation": ("cchc_indicators.evaluation", "Evaluation"),
    "evaluate": ("cchc_indicators.evaluation", "evaluate"),
    "DEFAULT_LEVELS": ("cchc_indicators.units.hierarchy", "DEFAULT_LEVELS"),
    "TWO_TIER_LEVELS": ("cchc_indicators.units.hierarchy", "TWO_TIER_LEVELS"),
    "Hierarchy": ("cchc_indicators.units.hierarchy", "Hierarchy"),
    "Unit": ("cchc_indicators.units.hierarchy", "Unit"),
    "Area": ("cchc_indicators.core.indicators", "Area"),
    "Direction": ("cchc_indicators.core.indicators", "Direction"),
    "Indicator": ("cchc_indicators.core.indicators", "Indicator"),
    "Temporal": ("cchc_indicators.core.indicators", "Temporal"),
    "Measure": ("cchc_indicators.core.measures", "Measure"),
    "IndicatorData": ("cchc_indicators.data.panel", "IndicatorData"),
    "Panel": ("cchc_indicators.data.panel", "Panel"),
    "Microdata": ("cchc_indicators.data.microdata", "Microdata"),
    "Count": ("cchc_indicators.data.microdata", "Count"),
    "Plan": ("cchc_indicators.core.plan", "Plan"),
    "Rollup": ("cchc_indicators.engine", "Rollup"),
    "RollupState": ("cchc_indicators.engine", "RollupState"),
    "Scope": ("cchc_indicators.engine", "Scope"),
    "own": ("cchc_indicators.engine", "own"),
    "rollup": ("cchc_indicators.engine", "rollup"),
    "rollup_state": ("cchc_indicators.engine", "rollup_state"),
    "territory": ("cchc_indicators.engine", "territory"),
    "tier": ("cchc_indicators.engine", "tier"),
    "Condition": ("cchc_indicators.core.rules", "Condition"),
    "Rule": ("cchc_indicators.core.rules", "Rule"),
    "parse_rule": ("cchc_indicators.core.rules", "parse_rule"),
    "Target": ("cchc_indicators.core.targets", "Target"),
    "at_least": ("cchc_indicators.core.targets", "at_least"),
    "at_most": ("cchc_indicators.core.targets", "at_most"),
    "increase_by": ("cchc_indicators.core.targets", "increase_by"),
    "rank_at_most": ("cchc_indicators.core.targets", "rank_at_most"),
    "reduce_by": ("cchc_indicators.core.targets", "reduce_by"),
}
_ERRORS = (
    "ArgumentTypeError",
    "CchcError",
    "DefinitionError",
    "HierarchyError",
    "IncompatibleStatesError",
    "InvalidDataError",
    "MissingDependencyError",
    "PanelError",
    "PeriodError",
    "Problem",
    "RuleMismatchError",
    "UnknownIndicatorError",
    "UnknownLevelError",
    "UnknownPeriodError",
    "UnknownUnitError",
)
_LAZY.update({name: ("cchc_indicators.core.errors", name) for name in _ERRORS})

__all__ = [
    "DEFAULT_LEVELS",
    "TWO_TIER_LEVELS",
    "Area",
    "ArgumentTypeError",
    "CchcError",
    "CompositeIndex",
    "Condition",
    "Count",
    "DefinitionError",
    "Direction",
    "Evaluation",
    "Hierarchy",
    "HierarchyError",
    "IncompatibleStatesError",
    "IndexResult",
    "Indicator",
    "IndicatorData",
    "InvalidDataError",
    "Measure",
    "Microdata",
    "MissingDependencyError",
    "Observations",
    "Panel",
    "PanelError",
    "PeriodError",
    "Plan",
    "Problem",
    "Rollup",
    "RollupState",
    "Rule",
    "RuleMismatchError",
    "Scope",
    "Target",
    "Temporal",
    "Unit",
    "UnknownIndicatorError",
    "UnknownLevelError",
    "UnknownPeriodError",
    "UnknownUnitError",
    "__version__",
    "aggregate",
    "at_least",
    "at_most",
    "catalog",
    "composite",
    "compute_index",
    "crosswalk",
    "datasets",
    "evaluate",
    "increase_by",
    "measures",
    "normalise",
    "own",
    "parse_rule",
    "periods",
    "points",
    "progress",
    "rank_at_most",
    "rebase",
    "reduce_by",
    "rollup",
    "rollup_state",
    "rules",
    "survey",
    "territory",
    "tier",
    "uncertainty",
    "units",
]


def __getattr__(name: str) -> Any:
    """Load a top-level name on first use (PEP 562) and keep it."""
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        msg = f"module 'cchc_indicators' has no attribute {name!r}"
        raise AttributeError(msg) from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from cchc_indicators import datasets, progress, survey, units
    from cchc_indicators.composite import (
        CompositeIndex,
        IndexResult,
        Observations,
        aggregate,
        compute_index,
        normalise,
        points,
        uncertainty,
    )
    from cchc_indicators.core import catalog, measures, rules
    from cchc_indicators.core.errors import (
        ArgumentTypeError,
        CchcError,
        DefinitionError,
        HierarchyError,
        IncompatibleStatesError,
        InvalidDataError,
        MissingDependencyError,
        PanelError,
        PeriodError,
        Problem,
        RuleMismatchError,
        UnknownIndicatorError,
        UnknownLevelError,
        UnknownPeriodError,
        UnknownUnitError,
    )
    from cchc_indicators.core.indicators import Area, Direction, Indicator, Temporal
    from cchc_indicators.core.measures import Measure
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.core.rules import Condition, Rule, parse_rule
    from cchc_indicators.core.targets import (
        Target,
        at_least,
        at_most,
        increase_by,
        rank_at_most,
        reduce_by,
    )
    from cchc_indicators.data import periods
    from cchc_indicators.data.panel import IndicatorData, Panel
    from cchc_indicators.engine import (
        Rollup,
        RollupState,
        Scope,
        own,
        rebase,
        rollup,
        rollup_state,
        territory,
        tier,
    )
    from cchc_indicators.evaluation import Evaluation, evaluate
    from cchc_indicators.units import crosswalk
    from cchc_indicators.units.hierarchy import DEFAULT_LEVELS, TWO_TIER_LEVELS, Hierarchy, Unit
