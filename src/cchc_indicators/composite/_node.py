"""The node of a composite index: its code, parent, weight, direction, goalposts and methods.

Shared by the index definition (:mod:`cchc_indicators.composite._definition`) and the
flat-table reader (:mod:`cchc_indicators.composite._sheet`), which both build nodes.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from cchc_indicators.composite._methods import (
    Method,
    _imputation_or_none,
    _method_or_none,
    _normalisation_or_none,
    _treatment_or_none,
    check_method,
)
from cchc_indicators.core._loading import as_float, check_nesting, check_tree_depth
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError


def _unknown(key: object, known: Iterable[str]) -> str:
    """Name an unknown key, with the closest known one if it looks misspelt."""
    close = difflib.get_close_matches(key, list(known), n=1) if isinstance(key, str) else []
    return f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


def method_label(m: Method) -> str:
    """A method as ``name(option=value, ...)``, or the bare name without options."""
    opts = ", ".join(f"{k}={v}" for k, v in m.options)
    return f"{m.name}({opts})" if opts else m.name


def tree_lines(nodes: Sequence[Node], depth: int = 0) -> list[str]:
    """One line per node of ``nodes`` and their subtrees, indented by level.

    A line gives the code, the weight, the name and the options set on the node.
    """
    lines = []
    for child in nodes:
        extra = []
        if child.is_leaf and child.direction == -1:
            extra.append("lower is better")
        extra.extend(
            f"{key} {getattr(child, key)}"
            for key in ("lower", "upper", "target", "denominator")
            if getattr(child, key) is not None
        )
        for key in ("aggregation", "normalisation", "treatment", "imputation"):
            method = getattr(child, key)
            if method is not None:
                extra.append(f"{key} {method_label(method)}")
        if child.min_share is not None:
            extra.append(f"min_share {child.min_share:g}")
        name = f"  {child.name}" if child.name else ""
        more = f"  ({'; '.join(extra)})" if extra else ""
        lines.append(f"{'  ' * depth}{child.code}  weight {child.weight:g}{name}{more}")
        lines.extend(tree_lines(child.children, depth + 1))
    return lines


def _about_node(err: DefinitionError, code: object) -> DefinitionError:
    """Name node ``code`` in an error about one of its fields, unless the message does already."""
    if not isinstance(code, str) or err.message.startswith(f"node {code!r}"):
        return err
    return err.in_context(f"node {code!r}", code=code)


def _code(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        msg = f"{attribute.name!r} must be non-empty text without surrounding spaces, got {value!r}"
        raise DefinitionError(msg)


def _text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name!r} must be text, got {value!r}"
        raise DefinitionError(msg)


def _finite(value: object, what: str, *, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    x = as_float(value) if isinstance(value, (int, float)) else math.nan
    if isinstance(value, bool) or not math.isfinite(x):
        shown = (
            "an integer too large for a float"
            if math.isinf(x) and isinstance(value, int)
            else repr(value)
        )
        msg = f"{what} must be a finite number, got {shown}"
        raise DefinitionError(msg)
    return x


def _weight(value: object) -> float:
    w = _finite(value, "a node's 'weight'", optional=False)
    assert w is not None
    if w < 0:
        msg = f"a node's 'weight' must be >= 0, got {value!r}"
        raise DefinitionError(msg)
    return w


def _share(value: object) -> float | None:
    s = _finite(value, "'min_share'")
    if s is not None and not 0 <= s <= 1:
        msg = f"'min_share' must be from 0 to 1, got {value!r}"
        raise DefinitionError(msg)
    return s


def _optional_number(value: object) -> float | None:
    return _finite(value, "a goalpost or target")


def _per(value: object) -> float:
    x = _finite(value, "'per'", optional=False)
    assert x is not None
    if not x > 0:
        msg = f"'per' must be > 0, got {value!r}"
        raise DefinitionError(msg)
    return x


def _denominator(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        msg = f"'denominator' must be a code (non-empty text without surrounding spaces), got {value!r}"
        raise DefinitionError(msg)
    return value


# The options only a leaf (an indicator) takes, and those only an aggregate takes.
LEAF_OPTIONS = (
    "lower",
    "upper",
    "target",
    "denominator",
    "normalisation",
    "treatment",
    "imputation",
)
AGGREGATE_OPTIONS = ("aggregation", "min_share")


def _direction(value: object) -> int:
    if isinstance(value, bool) or value not in (1, -1):
        msg = f"'direction' must be 1 (higher is better) or -1 (lower is better), got {value!r}"
        raise DefinitionError(msg)
    return 1 if value == 1 else -1


def _nodes(value: object) -> tuple[Node, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        msg = f"'children' must be a sequence of nodes, got {value!r}"
        raise DefinitionError(msg)
    out = tuple(value)
    for item in out:
        if not isinstance(item, Node):
            msg = f"'children' must hold Node objects, got {item!r}"
            raise DefinitionError(msg)
    return out


@attrs.frozen
class Node:
    """One node of an index tree: an indicator (a leaf) or an aggregate of its children.

    Parameters
    ----------
    code
        The node's code; for a leaf, the indicator's code in the data.
    children
        The nodes it aggregates; none for a leaf.
    weight
        Its weight among its siblings, >= 0; only ratios matter.
    name, source
        A readable name and where the indicator or grouping comes from.
    direction
        For a leaf: ``1`` if higher is better, ``-1`` if lower is better.
    lower, upper
        For a leaf: goalposts in the raw units (for ``goalposts``
        normalisation).
    target
        For a leaf: the target value (for ``distance_to_target``).
    denominator, per
        For a leaf: **denomination**. The code of a denominator in the data
        (population, area, number of procedures...) that is not itself an
        indicator of the index; the indicator's value is divided by it and
        multiplied by ``per`` (default 1): ``denominator="population",
        per=1000`` gives a value per 1,000 people. This is COINr's
        ``Denominate`` with ``ScaleFactor = per``.
    normalisation, treatment, imputation
        For a leaf: its own method, overriding the index's for this
        indicator (a name, a :class:`Method` or ``{"name": ..., options}``).
    aggregation
        For an aggregate: its own method, overriding the index's.
    min_share
        For an aggregate: the least share of children with a value (0–1),
        overriding the index's.

    Raises
    ------
    DefinitionError
        For a bad code or weight, or a leaf option on an aggregate (or the
        reverse), or ``lower >= upper``.

    Examples
    --------
    >>> Node("time", direction=-1, lower=30, upper=2).direction
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: node 'time': goalposts need lower < upper in raw units (for direction -1 the worst is 'upper'), got lower=30.0, upper=2.0
    >>> Node("d", children=[Node("x")], direction=-1)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: node 'd' has children, so 'direction' (a leaf option) does not apply
    """

    code: str = attrs.field(validator=_code)
    children: tuple[Node, ...] = attrs.field(default=(), converter=_nodes)
    weight: float = attrs.field(default=1.0, converter=_weight, kw_only=True)
    name: str = attrs.field(default="", validator=_text, kw_only=True)
    source: str = attrs.field(default="", validator=_text, kw_only=True)
    direction: int = attrs.field(default=1, converter=_direction, kw_only=True)
    lower: float | None = attrs.field(default=None, converter=_optional_number, kw_only=True)
    upper: float | None = attrs.field(default=None, converter=_optional_number, kw_only=True)
    target: float | None = attrs.field(default=None, converter=_optional_number, kw_only=True)
    aggregation: Method | None = attrs.field(default=None, converter=_method_or_none, kw_only=True)
    min_share: float | None = attrs.field(default=None, converter=_share, kw_only=True)
    denominator: str | None = attrs.field(default=None, converter=_denominator, kw_only=True)
    per: float = attrs.field(default=1.0, converter=_per, kw_only=True)
    normalisation: Method | None = attrs.field(
        default=None, converter=_normalisation_or_none, kw_only=True
    )
    treatment: Method | None = attrs.field(default=None, converter=_treatment_or_none, kw_only=True)
    imputation: Method | None = attrs.field(
        default=None, converter=_imputation_or_none, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        if self.children:
            for option in LEAF_OPTIONS:
                if getattr(self, option) is not None:
                    msg = f"node {self.code!r} has children, so {option!r} (a leaf option) does not apply"
                    raise DefinitionError(msg, code=self.code)
            if self.direction != 1:
                msg = f"node {self.code!r} has children, so 'direction' (a leaf option) does not apply"
                raise DefinitionError(msg, code=self.code)
            if self.per != 1.0:
                msg = f"node {self.code!r} has children, so 'per' (a leaf option) does not apply"
                raise DefinitionError(msg, code=self.code)
            if self.aggregation is not None:
                check_method(self.aggregation, "aggregation", f"node {self.code!r}")
            if sum(c.weight for c in self.children) <= 0:
                msg = f"node {self.code!r}: the weights of its children sum to 0"
                raise DefinitionError(msg, code=self.code)
        else:
            for option in AGGREGATE_OPTIONS:
                if getattr(self, option) is not None:
                    msg = f"node {self.code!r} is a leaf, so {option!r} (an aggregate's option) does not apply"
                    raise DefinitionError(msg, code=self.code)
            where = f"node {self.code!r}"
            for role in ("normalisation", "treatment", "imputation"):
                method = getattr(self, role)
                if method is not None:
                    check_method(method, role, where)
            if self.per != 1.0 and self.denominator is None:
                msg = f"node {self.code!r}: 'per' scales a denomination; give a 'denominator' too"
                raise DefinitionError(msg, code=self.code)
            if self.denominator == self.code:
                msg = f"node {self.code!r} cannot be its own denominator"
                raise DefinitionError(msg, code=self.code)
        if self.lower is not None and self.upper is not None and not self.lower < self.upper:
            msg = (
                f"node {self.code!r}: goalposts need lower < upper in raw units (for direction -1 "
                f"the worst is 'upper'), got lower={self.lower}, upper={self.upper}"
            )
            raise DefinitionError(msg, code=self.code)

    def __repr__(self) -> str:
        if self.is_leaf:
            return f"Node({self.code!r}, indicator, weight {self.weight:g})"
        leaves = sum(1 for n in self.walk() if n.is_leaf)
        return (
            f"Node({self.code!r}, {counted(len(self.children), 'child', 'children')}, "
            f"{counted(leaves, 'indicator')}, weight {self.weight:g})"
        )

    def describe(self) -> str:
        """Return the node and its subtree as text: one line per node, indented by level.

        Each line gives the code, the weight, the name, and the options set on
        the node (direction, goalposts, target, denominator, own methods).

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> d = Node("d", children=[Node("x", name="Files online"), Node("y", weight=2, direction=-1)])
        >>> d
        Node('d', 2 children, 2 indicators, weight 1)
        >>> print(d.describe())
        d  weight 1
          x  weight 1  Files online
          y  weight 2  (lower is better)
        """
        return "\n".join(tree_lines((self,)))

    @property
    def is_leaf(self) -> bool:
        """``True`` for an indicator (a node without children).

        Examples
        --------
        >>> Node("online").is_leaf, Node("services", children=[Node("online")]).is_leaf
        (True, False)
        """
        return not self.children

    def walk(self) -> tuple[Node, ...]:
        """Return this node and its descendants, parents first (depth first).

        Examples
        --------
        >>> d = Node("d", children=[Node("x"), Node("e", children=[Node("y")]), Node("z")])
        >>> [n.code for n in d.walk()]
        ['d', 'x', 'e', 'y', 'z']
        """
        return (self, *(n for c in self.children for n in c.walk()))

    def to_dict(self) -> dict[str, Any]:
        """Return the node as JSON-ready data (defaults left out).

        Examples
        --------
        >>> Node("d", children=[Node("x"), Node("y", weight=2, direction=-1)]).to_dict()
        {'code': 'd', 'children': [{'code': 'x'}, {'code': 'y', 'weight': 2.0, 'direction': -1}]}
        """
        out: dict[str, Any] = {"code": self.code}
        if self.name:
            out["name"] = self.name
        if self.weight != 1.0:
            out["weight"] = self.weight
        if self.source:
            out["source"] = self.source
        if self.children:
            if self.aggregation is not None:
                out["aggregation"] = self.aggregation.to_dict()
            if self.min_share is not None:
                out["min_share"] = self.min_share
            out["children"] = [c.to_dict() for c in self.children]
        else:
            if self.direction != 1:
                out["direction"] = self.direction
            for key in ("lower", "upper", "target", "denominator"):
                if getattr(self, key) is not None:
                    out[key] = getattr(self, key)
            if self.per != 1.0:
                out["per"] = self.per
            for key in ("normalisation", "treatment", "imputation"):
                method = getattr(self, key)
                if method is not None:
                    out[key] = method.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Node:
        """Rebuild a node from :meth:`to_dict` data.

        Raises
        ------
        DefinitionError
            If the data are not a node; the message names the node at fault,
            however deep it sits.

        Examples
        --------
        >>> Node.from_dict({"code": "d", "children": [{"code": "x", "weight": 2}]}).children[0].weight
        2.0
        >>> Node.from_dict({"code": "d", "children": [{"code": "x", "weight": -1}]})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: node 'x': a node's 'weight' must be >= 0, got -1
        """
        if isinstance(data, Mapping):
            code = data.get("code")
            where = f"node {code!r}" if isinstance(code, str) else "node"
            check_tree_depth([data], "children", where=where)
            check_nesting(data, where)
        return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> Node:
        if not isinstance(data, Mapping) or "code" not in data:
            msg = f"a node is a mapping with a 'code', got {data!r}"
            raise DefinitionError(msg)
        code = data["code"]
        known = {f.name for f in attrs.fields(cls)}
        extra = sorted(set(data) - known, key=str)
        if extra:
            msg = f"node {code!r}: unknown field {_unknown(extra[0], known)}"
            raise DefinitionError(msg, code=str(code))
        kids = data.get("children", ())
        if isinstance(kids, (str, bytes, Mapping)) or not isinstance(kids, Sequence):
            msg = f"node {code!r}: 'children' must be a list of nodes, got {kids!r}"
            raise DefinitionError(msg, code=str(code))
        children = [cls._from_dict(c) for c in kids]
        kwargs = {k: v for k, v in data.items() if k not in ("code", "children")}
        try:
            return cls(code, children=children, **kwargs)
        except DefinitionError as err:
            raise _about_node(err, code) from None
