"""cchc-indicators: monitoring Vietnam's public-administration reform (cải cách hành chính).

Define indicators, load administrative hierarchies and observations, and roll
values up the hierarchy with explicit rules and scopes.

Examples
--------
>>> import cchc_indicators as cchc
>>> ind = cchc.Indicator("procedures_online", "Tỷ lệ TTHC trực tuyến", area="procedures")
>>> ind.measure.is_percent
True
"""

from . import measures, rules
from .errors import (
    CchcError,
    DefinitionError,
    HierarchyError,
    IncompatibleStatesError,
    InvalidDataError,
    PanelError,
    Problem,
    RuleMismatchError,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownPeriodError,
    UnknownUnitError,
)
from .hierarchy import DEFAULT_LEVELS, TWO_TIER_LEVELS, Hierarchy, Unit
from .indicators import Area, Direction, Indicator
from .measures import Measure
from .panel import IndicatorData, Panel
from .rollup import Rollup, RollupState, Scope, own, rollup, rollup_state, territory, tier
from .rules import Condition, Rule, parse_rule

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_LEVELS",
    "TWO_TIER_LEVELS",
    "Area",
    "CchcError",
    "Condition",
    "DefinitionError",
    "Direction",
    "Hierarchy",
    "HierarchyError",
    "IncompatibleStatesError",
    "Indicator",
    "IndicatorData",
    "InvalidDataError",
    "Measure",
    "Panel",
    "PanelError",
    "Problem",
    "Rollup",
    "RollupState",
    "Rule",
    "RuleMismatchError",
    "Scope",
    "Unit",
    "UnknownIndicatorError",
    "UnknownLevelError",
    "UnknownPeriodError",
    "UnknownUnitError",
    "__version__",
    "measures",
    "own",
    "parse_rule",
    "rollup",
    "rollup_state",
    "rules",
    "territory",
    "tier",
]
