"""cchc-indicators: monitoring Vietnam's public-administration reform (cải cách hành chính).

Define indicators and plans with targets, load administrative hierarchies and
observations, roll values up the hierarchy with explicit rules and scopes, and
evaluate a plan's targets (status, gap, projection to the deadline).

Examples
--------
>>> import cchc_indicators as cchc
>>> ind = cchc.Indicator("procedures_online", "Tỷ lệ TTHC trực tuyến", area="procedures")
>>> ind.measure.is_percent
True
"""

from . import (
    aggregate,
    catalog,
    composite,
    crosswalk,
    datasets,
    measures,
    normalise,
    periods,
    points,
    progress,
    rebase,
    rules,
    survey,
    uncertainty,
    units,
)
from .composite import CompositeIndex, IndexResult, Observations, compute_index
from .errors import (
    ArgumentTypeError,
    CchcError,
    DefinitionError,
    HierarchyError,
    IncompatibleStatesError,
    InvalidDataError,
    PanelError,
    PeriodError,
    Problem,
    RuleMismatchError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownPeriodError,
    UnknownUnitError,
)
from .evaluate import Evaluation, evaluate
from .hierarchy import DEFAULT_LEVELS, TWO_TIER_LEVELS, Hierarchy, Unit
from .indicators import Area, Direction, Indicator, Temporal
from .measures import Measure
from .panel import IndicatorData, Panel
from .plan import Plan
from .rollup import Rollup, RollupState, Scope, own, rollup, rollup_state, territory, tier
from .rules import Condition, Rule, parse_rule
from .targets import Target, at_least, at_most, increase_by, rank_at_most, reduce_by

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_LEVELS",
    "TWO_TIER_LEVELS",
    "Area",
    "ArgumentTypeError",
    "CchcError",
    "CompositeIndex",
    "Condition",
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
