"""The definitions of points trees: structures, components, leaf rules, grades, shipped files.

The public module is :mod:`cchc_indicators.composite.points`; this one holds what the
evaluation (``_points_eval``) and the catalogue of shipped structures (``_points_catalogue``)
build on, so that neither imports the public module.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from cchc_indicators.composite._points_rules import (
    RULE_KINDS,
    Band,
    Bands,
    FromRank,
    GivenPoints,
    Linear,
    Rule,
    YesNo,
    bands,
    from_percentile,
    from_rank,
    given_points,
    linear,
    number,
    rule_from_dict,
    yes_no,
)
from cchc_indicators.core._loading import check_nesting, check_tree_depth, load_json
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError, UnknownIndicatorError

__all__ = [
    "RULE_KINDS",
    "Band",
    "Bands",
    "Component",
    "FromRank",
    "GivenPoints",
    "Grade",
    "Linear",
    "Structure",
    "YesNo",
    "bands",
    "from_percentile",
    "from_rank",
    "given_points",
    "linear",
    "load_structure",
    "rule_from_dict",
    "schema",
    "structure_names",
    "yes_no",
]

_FOLDER = "structures"
_SUFFIX = ".json"
_TOL = 1e-9
# The version and kind of the JSON form written by Structure.to_dict.
_SCHEMA_VERSION = 1
_KIND = "points_structure"


def _check_code(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        msg = f"a {attribute.name} is a non-empty string without surrounding spaces, got {value!r}"
        raise DefinitionError(msg)


def _check_label(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"a {attribute.name} is a non-empty string, got {value!r}"
        raise DefinitionError(msg)


def _check_keys(data: Mapping[Any, Any], known: Sequence[str], where: str) -> None:
    """Refuse a key that is not in ``known``, suggesting the closest if it looks misspelt."""
    extra = [k for k in data if k not in known]
    if extra:
        key = extra[0]
        close = difflib.get_close_matches(key, known, n=1) if isinstance(key, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        msg = f"{where}: unknown field {key!r}{hint}; the fields are {', '.join(known)}"
        raise DefinitionError(msg)


def _about_component(err: DefinitionError, code: object) -> DefinitionError:
    """Name component ``code`` in an error about it, unless the message does already."""
    if not isinstance(code, str):
        return err
    if err.message.startswith((f"component {code!r}", f"leaf component {code!r}")):
        return err
    return err.in_context(f"component {code!r}", code=code)


def _check_text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name!r} is text, got {value!r}"
        raise DefinitionError(msg)


def _maximum(value: object) -> float:
    if value is None:
        msg = "a component needs a maximum number of points"
        raise DefinitionError(msg)
    x = number(value, "a component's maximum")
    if not (math.isfinite(x) and x > 0):
        msg = f"a component's maximum must be a positive number of points, got {x:g}"
        raise DefinitionError(msg)
    return x


def _to_components(value: object) -> tuple[Component, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        msg = f"children are a sequence of Component, got {value!r}"
        raise DefinitionError(msg)
    items = tuple(value)
    for item in items:
        if not isinstance(item, Component):
            msg = f"a child is a Component, got {item!r}"
            raise DefinitionError(msg)
    return items


def _check_rule(_instance: object, _attribute: object, value: Any) -> None:
    if value is not None and not isinstance(value, (Bands, Linear, YesNo, GivenPoints, FromRank)):
        msg = f"a leaf rule is made by bands(), linear(), yes_no(), given_points(), from_rank() or from_percentile(), got {value!r}"
        raise DefinitionError(msg)


def _check_part(_instance: object, _attribute: object, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"a part is a non-empty name such as 'survey', got {value!r}"
        raise DefinitionError(msg)


@attrs.frozen
class Component:
    """A node of a points tree: a domain, criterion or sub-criterion.

    Parameters
    ----------
    code
        Unique in the structure; leaves are keyed by it in the values.
    maximum
        The most points the component can score (positive).
    children
        Sub-components; their points sum to this one's, capped at ``maximum``.
        Their maxima may sum above ``maximum`` (the parent caps), not below.
    rule
        For a leaf (no children), how a value becomes points.
    name
        A readable name (English).
    name_vi
        The name in Vietnamese, as the source document writes it (``""`` if
        not known).

        .. versionadded:: 0.1.0
    part
        The source part of the points (``"survey"``...), inherited by the
        subtree; ``None`` inherits from above (the structure's default part).
    source, notes
        Where the component comes from, and remarks.

    Examples
    --------
    >>> leaf = Component("c1", maximum=2, rule=yes_no())
    >>> Component("d1", maximum=3, children=[leaf, Component("c2", maximum=1, rule=yes_no())]).maximum
    3.0
    >>> Component("d1", maximum=3, children=[leaf])
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: component 'd1': its children's maxima sum to 2, below its maximum 3, which could never be reached
    """

    code: str = attrs.field(validator=_check_code)
    maximum: float = attrs.field(converter=_maximum, kw_only=True)
    children: tuple[Component, ...] = attrs.field(
        default=(), converter=_to_components, kw_only=True
    )
    rule: Rule | None = attrs.field(default=None, validator=_check_rule, kw_only=True)
    name: str = attrs.field(default="", validator=_check_text, kw_only=True)
    part: str | None = attrs.field(default=None, validator=_check_part, kw_only=True)
    source: str = attrs.field(default="", validator=_check_text, kw_only=True)
    notes: str = attrs.field(default="", validator=_check_text, kw_only=True)
    name_vi: str = attrs.field(default="", validator=_check_text, kw_only=True)

    def __repr__(self) -> str:
        if self.children:
            what = counted(len(self.children), "child", "children")
        else:
            what = f"rule {self.rule.kind}" if self.rule is not None else "no rule"
        return f"Component({self.code!r}, maximum {self.maximum:g}, {what})"

    def describe(self) -> str:
        """Return the component and its subtree as text, one line each, indented by level.

        A line gives the code, the maximum, the rule's kind (of a leaf), the
        part and the name.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> d = Component("d", maximum=2, part="survey", children=[
        ...     Component("c", maximum=1, rule=yes_no(), name="Plan issued"),
        ...     Component("e", maximum=1, rule=yes_no())])
        >>> d
        Component('d', maximum 2, 2 children)
        >>> print(d.describe())
        d  maximum 2  part survey
          c  maximum 1  yes_no  Plan issued
          e  maximum 1  yes_no
        """
        return "\n".join(_component_lines((self,)))

    def __attrs_post_init__(self) -> None:
        if self.children and self.rule is not None:
            msg = f"component {self.code!r} has both children and a rule; only leaves have rules"
            raise DefinitionError(msg, code=self.code)
        if not self.children and self.rule is None:
            msg = f"leaf component {self.code!r} needs a rule (bands, linear, yes_no, ...)"
            raise DefinitionError(msg, code=self.code)
        below = sum(c.maximum for c in self.children)
        if self.children and below < self.maximum - _TOL:
            msg = (
                f"component {self.code!r}: its children's maxima sum to {below:g}, below its "
                f"maximum {self.maximum:g}, which could never be reached"
            )
            raise DefinitionError(msg, code=self.code)

    def walk(self) -> tuple[Component, ...]:
        """Return this component and its descendants, parents before children.

        Examples
        --------
        >>> d = Component("d", maximum=1, children=[Component("c", maximum=1, rule=yes_no())])
        >>> [c.code for c in d.walk()]
        ['d', 'c']
        """
        return (self, *(n for child in self.children for n in child.walk()))

    def to_dict(self) -> dict[str, Any]:
        """Return the component as JSON-ready data (defaults left out).

        Examples
        --------
        >>> Component("c", maximum=2, rule=yes_no()).to_dict()
        {'code': 'c', 'maximum': 2.0, 'rule': {'kind': 'yes_no'}}
        """
        out: dict[str, Any] = {"code": self.code, "maximum": self.maximum}
        for key in ("name", "name_vi", "part", "source", "notes"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.rule is not None:
            out["rule"] = self.rule.to_dict()
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Component:
        """Rebuild a component from the data of :meth:`to_dict`.

        Raises
        ------
        DefinitionError
            If the data are not a valid component, or hold a key that is not
            a component's; the message names the component at fault, however
            deep it sits.

        Examples
        --------
        >>> Component.from_dict({"code": "c", "maximum": 2, "rule": {"kind": "yes_no"}}).maximum
        2.0
        >>> Component.from_dict({"code": "c", "maximum": 2, "prat": "survey", "rule": {"kind": "yes_no"}})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: component 'c': unknown field 'prat' (did you mean 'part'?); the fields are code, maximum, name, name_vi, part, source, notes, rule, children
        """
        if isinstance(data, Mapping):
            code = data.get("code")
            where = f"component {code!r}" if isinstance(code, str) else "component"
            check_nesting(data, where)
            check_tree_depth([data], "children", where=where)
        return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> Component:
        if not isinstance(data, Mapping) or "code" not in data:
            msg = f"a component is a mapping with a 'code', got {data!r}"
            raise DefinitionError(msg)
        code = data["code"]
        where = f"component {code!r}"
        _check_keys(data, _COMPONENT_KEYS, where)
        kids = data.get("children", ())
        if isinstance(kids, (str, bytes, Mapping)) or not isinstance(kids, Sequence):
            msg = f"{where}: 'children' must be a list of components, got {kids!r}"
            raise DefinitionError(msg, code=str(code))
        children = [cls._from_dict(c) for c in kids]
        try:
            rule = data.get("rule")
            return cls(
                code,
                maximum=data.get("maximum"),
                children=children,
                rule=None if rule is None else rule_from_dict(rule),
                name=data.get("name", ""),
                name_vi=data.get("name_vi", ""),
                part=data.get("part"),
                source=data.get("source", ""),
                notes=data.get("notes", ""),
            )
        except DefinitionError as err:
            raise _about_component(err, code) from None


_COMPONENT_KEYS = (
    "code",
    "maximum",
    "name",
    "name_vi",
    "part",
    "source",
    "notes",
    "rule",
    "children",
)


def _lower(value: object) -> float:
    x = number(value, "a grade's lower bound")
    if not 0 <= x <= 100:
        msg = f"a grade's lower bound is an index between 0 and 100, got {x:g}"
        raise DefinitionError(msg)
    return x


def _component_lines(components: Sequence[Component], depth: int = 0) -> list[str]:
    """One line per component of ``components`` and their subtrees, indented by level."""
    lines = []
    for c in components:
        cells = [f"{'  ' * depth}{c.code}", f"maximum {c.maximum:g}"]
        if c.rule is not None:
            cells.append(c.rule.kind)
        if c.part is not None:
            cells.append(f"part {c.part}")
        if c.name:
            cells.append(c.name)
        lines.append("  ".join(cells))
        lines.extend(_component_lines(c.children, depth + 1))
    return lines


@attrs.frozen
class Grade:
    """A grade band: units whose index is at least ``lower`` (and below the next grade up).

    Examples
    --------
    >>> Grade("A", 90)
    Grade(label='A', lower=90.0)
    """

    label: str = attrs.field(validator=_check_label)
    lower: float = attrs.field(converter=_lower)


def _grade(item: object) -> Grade:
    if isinstance(item, Grade):
        return item
    if isinstance(item, Mapping):
        _check_keys(item, ("label", "lower"), "a grade")
        if "label" not in item or "lower" not in item:
            msg = f"a grade needs a 'label' and a 'lower' bound, got {dict(item)!r}"
            raise DefinitionError(msg)
        return Grade(item["label"], item["lower"])
    if isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 2:
        return Grade(item[0], item[1])
    msg = f"a grade is a Grade, a mapping with 'label' and 'lower', or a (label, lower) pair, got {item!r}"
    raise DefinitionError(msg)


def _to_grades(value: object) -> tuple[Grade, ...]:
    items = value.items() if isinstance(value, Mapping) else value
    if not isinstance(items, Iterable) or isinstance(items, (str, bytes)):
        msg = f"grades are a sequence of Grade or (label, lower), got {value!r}"
        raise DefinitionError(msg)
    return tuple(sorted((_grade(item) for item in items), key=lambda g: -g.lower))


def _check_grades(_instance: object, _attribute: object, value: tuple[Grade, ...]) -> None:
    for a, b in itertools.pairwise(value):
        if a.lower == b.lower:
            msg = f"grades {a.label!r} and {b.label!r} share the lower bound {a.lower:g}"
            raise DefinitionError(msg)
    labels = [g.label for g in value]
    if len(set(labels)) != len(labels):
        msg = f"grade labels must differ, got {labels}"
        raise DefinitionError(msg)


def _year(value: object, which: str) -> int:
    # JSON has one kind of number: 2022.0 is the year 2022, as the schema says.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"the {which} year in force is a whole year such as 2022, got {value!r}"
        raise DefinitionError(msg)
    return value


def _to_years(value: object) -> tuple[int, int] | None:
    """Read the years in force: ``None``, a ``(first, last)`` pair or ``{"from", "to"}``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        _check_keys(value, ("from", "to"), "'in_force'")
        if "from" not in value or "to" not in value:
            msg = f"'in_force' needs both 'from' and 'to', got {dict(value)!r}"
            raise DefinitionError(msg)
        pair: tuple[object, object] = (value["from"], value["to"])
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and len(value) == 2:
        pair = (value[0], value[1])
    else:
        msg = f"'in_force' is a (first, last) pair of years or {{'from': ..., 'to': ...}}, got {value!r}"
        raise DefinitionError(msg)
    first, last = _year(pair[0], "first"), _year(pair[1], "last")
    if first > last:
        msg = f"'in_force': the first year {first} is after the last {last}"
        raise DefinitionError(msg)
    return (first, last)


@attrs.frozen
class Structure:
    """A points tree: top-level components whose points add up to the index.

    Parameters
    ----------
    code
        The structure's name (``"par-index-2017"``).
    components
        The top-level components (domains).
    name, source, notes
        A readable name, the document it comes from (title and what it
        gives), and remarks.
    grades
        Grade bands over the index, as :class:`Grade` or ``(label, lower)``
        pairs (a mapping ``{"A": 90, ...}`` works too); an index below the
        lowest bound gets no grade.
    default_part
        The part of points whose components name none.
    name_vi
        The structure's name in Vietnamese.
    index
        The index this structure scores (``"par-index"`` for the provincial
        PAR INDEX, ``"pci"``...); :func:`structure_for` looks structures up
        by it. ``""`` for a structure of no published index.
    decision
        The legal document that sets the structure (``"2948/QĐ-BNV"``).
    in_force
        The first and last year (inclusive) of the index the structure scores,
        as a ``(first, last)`` pair or a mapping ``{"from": ..., "to": ...}``;
        ``None`` if not stated.
    source_url
        The address of the source named in ``source``.

        .. versionadded:: 0.1.0

    Raises
    ------
    DefinitionError
        If two components share a code, a grade is malformed, or the years in
        force are not two whole years, the first not after the last.

    Examples
    --------
    >>> s = Structure("s", components=[Component("a", maximum=100, rule=yes_no())],
    ...               grades={"A": 90, "B": 80})
    >>> s.maximum, [g.label for g in s.grades]
    (100.0, ['A', 'B'])
    >>> Structure.from_dict(s.to_dict()) == s
    True
    """

    code: str = attrs.field(validator=_check_code)
    components: tuple[Component, ...] = attrs.field(converter=_to_components, kw_only=True)
    name: str = attrs.field(default="", validator=_check_text, kw_only=True)
    source: str = attrs.field(default="", validator=_check_text, kw_only=True)
    notes: str = attrs.field(default="", validator=_check_text, kw_only=True)
    grades: tuple[Grade, ...] = attrs.field(
        default=(), converter=_to_grades, validator=_check_grades, kw_only=True
    )
    default_part: str = attrs.field(default="main", validator=_check_code, kw_only=True)
    name_vi: str = attrs.field(default="", validator=_check_text, kw_only=True)
    index: str = attrs.field(default="", validator=_check_text, kw_only=True)
    decision: str = attrs.field(default="", validator=_check_text, kw_only=True)
    in_force: tuple[int, int] | None = attrs.field(default=None, converter=_to_years, kw_only=True)
    source_url: str = attrs.field(default="", validator=_check_text, kw_only=True)

    def __repr__(self) -> str:
        return (
            f"Structure({self.code!r}, {counted(len(self.components), 'component')}, "
            f"{counted(len(self.nodes()), 'node')}, maximum {self.maximum:g})"
        )

    def describe(self) -> str:
        """Return the whole structure as text: name, decision, grades, then the components.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> par = load_structure("par-index-2017")
        >>> par
        Structure('par-index-2017', 8 components, 8 nodes, maximum 100)
        >>> print("\\n".join(par.describe().splitlines()[:3]))
        par-index-2017: Provincial PAR INDEX of Decision 2948/QĐ-BNV: domain structure
        index par-index; decision 2948/QĐ-BNV; in force 2017–2019; maximum 100
        directing_managing_par  maximum 10  given_points  Direction and management of administrative reform
        """
        lines = [f"{self.code}: {self.name}" if self.name else self.code]
        facts = [f"index {self.index}"] if self.index else []
        if self.decision:
            facts.append(f"decision {self.decision}")
        if self.in_force is not None:
            facts.append(f"in force {self.in_force[0]}–{self.in_force[1]}")
        facts.append(f"maximum {self.maximum:g}")
        if self.grades:
            facts.append("grades " + ", ".join(f"{g.label} from {g.lower:g}" for g in self.grades))
        lines.append("; ".join(facts))
        return "\n".join(lines + _component_lines(self.components))

    def __attrs_post_init__(self) -> None:
        check_tree_depth(self.components, "children", where=f"structure {self.code!r}")
        if not self.components:
            msg = f"structure {self.code!r} needs at least one component"
            raise DefinitionError(msg, code=self.code)
        seen: set[str] = set()
        for node in self.nodes():
            if node.code in seen:
                msg = f"structure {self.code!r}: component code {node.code!r} appears twice"
                raise DefinitionError(msg, code=node.code)
            seen.add(node.code)

    @property
    def maximum(self) -> float:
        """The total maximum, the sum of the top-level maxima.

        Examples
        --------
        >>> load_structure("pci-2016").maximum
        100.0
        """
        return float(sum(c.maximum for c in self.components))

    def nodes(self) -> tuple[Component, ...]:
        """Return every component, parents before children.

        Examples
        --------
        >>> len(load_structure("par-index-2017").nodes())
        8
        """
        return tuple(n for c in self.components for n in c.walk())

    def leaves(self) -> tuple[Component, ...]:
        """Return the components that score values (those with a rule).

        Examples
        --------
        >>> [c.code for c in load_structure("pci-2016").leaves()][:2]
        ['entry_costs', 'land_access']
        """
        return tuple(n for n in self.nodes() if n.rule is not None)

    def node(self, code: str) -> Component:
        """Return the component of that code.

        Raises
        ------
        UnknownIndicatorError
            If there is none.

        Examples
        --------
        >>> load_structure("pci-2016").node("transparency").maximum
        20.0
        """
        for n in self.nodes():
            if n.code == code:
                return n
        msg = f"component {code!r} is not in structure {self.code!r}"
        raise UnknownIndicatorError(msg, key=code)

    def to_dict(self) -> dict[str, Any]:
        """Return the structure as JSON-ready data.

        Examples
        --------
        >>> list(load_structure("pci-2016").to_dict())[:3]
        ['schema_version', 'kind', 'code']
        """
        out: dict[str, Any] = {
            "schema_version": _SCHEMA_VERSION,
            "kind": _KIND,
            "code": self.code,
            "name": self.name,
        }
        # The fields of the catalogue are written only when set, so that a
        # structure without them reads as before.
        for key in ("name_vi", "index", "decision"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.in_force is not None:
            out["in_force"] = {"from": self.in_force[0], "to": self.in_force[1]}
        out["source"] = self.source
        if self.source_url:
            out["source_url"] = self.source_url
        out |= {
            "notes": self.notes,
            "default_part": self.default_part,
            "grades": [{"label": g.label, "lower": g.lower} for g in self.grades],
            "components": [c.to_dict() for c in self.components],
        }
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Structure:
        """Rebuild a structure from the data of :meth:`to_dict`.

        ``schema_version`` (1) and ``kind`` (``"points_structure"``) may be
        left out; if given they are checked.

        Raises
        ------
        DefinitionError
            If the data are not a valid structure, hold a key that is not a
            structure's, or are of another version or kind.

        Examples
        --------
        >>> Structure.from_dict({"code": "x"})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: a structure is a mapping with 'code' and 'components', got {'code': 'x'}
        >>> Structure.from_dict({"kind": "composite_index", "code": "x", "components": []})
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: structure 'x': 'kind' must be 'points_structure', got 'composite_index'
        """
        if not isinstance(data, Mapping) or "code" not in data or "components" not in data:
            msg = f"a structure is a mapping with 'code' and 'components', got {data!r}"
            raise DefinitionError(msg)
        code = data["code"]
        where = f"structure {code!r}" if isinstance(code, str) else "structure"
        check_tree_depth(data["components"], "children", where=where)
        check_nesting(data, where)
        version = data.get("schema_version", _SCHEMA_VERSION)
        if isinstance(version, bool) or version != _SCHEMA_VERSION:
            msg = f"{where}: unsupported schema_version {version!r}; this version reads {_SCHEMA_VERSION}"
            raise DefinitionError(msg)
        kind = data.get("kind", _KIND)
        if kind != _KIND:
            msg = f"{where}: 'kind' must be {_KIND!r}, got {kind!r}"
            raise DefinitionError(msg)
        _check_keys(data, _STRUCTURE_KEYS, where)
        components = data["components"]
        if isinstance(components, (str, bytes, Mapping)) or not isinstance(components, Iterable):
            msg = f"{where}: 'components' must be a list, got {components!r}"
            raise DefinitionError(msg)
        built = [Component._from_dict(c) for c in components]
        try:
            return cls(
                data["code"],
                components=built,
                name=data.get("name", ""),
                source=data.get("source", ""),
                notes=data.get("notes", ""),
                grades=data.get("grades", ()),
                default_part=data.get("default_part", "main"),
                name_vi=data.get("name_vi", ""),
                index=data.get("index", ""),
                decision=data.get("decision", ""),
                in_force=data.get("in_force"),
                source_url=data.get("source_url", ""),
            )
        except DefinitionError as err:
            if err.message.startswith(where):
                raise
            raise err.in_context(where) from None

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """Return the structure as JSON text (UTF-8, Vietnamese kept readable); write it if ``path``.

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> s = Structure("s", components=[Component("a", maximum=100, rule=yes_no())])
        >>> Structure.from_json(s.to_json()) == s
        True
        """
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> Structure:
        """Read a structure from a ``.json`` file (a path) or from JSON text (a ``str``).

        A :class:`pathlib.Path` (or any :class:`os.PathLike`) is a file, read
        as UTF-8 (a byte-order mark is accepted); a :class:`str` is always
        JSON text, never a file name.

        .. versionadded:: 0.1.0

        Raises
        ------
        DefinitionError
            If the file cannot be read (the message names the path and the
            cause), the text is not JSON, it nests arrays and objects more
            than 100 deep, or it is not a valid structure.
        ArgumentTypeError
            If ``source`` is neither text nor a path.

        Examples
        --------
        >>> Structure.from_json('{"code": "s", "components": []}')
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: <structure JSON>: structure 's' needs at least one component
        """
        data, where = load_json(source, what="structure", func="Structure.from_json")
        try:
            return cls.from_dict(data)
        except DefinitionError as err:
            raise err.in_context(where) from None


_STRUCTURE_KEYS = (
    "schema_version",
    "kind",
    "code",
    "name",
    "name_vi",
    "index",
    "decision",
    "in_force",
    "source",
    "source_url",
    "notes",
    "default_part",
    "grades",
    "components",
)


def schema() -> dict[str, Any]:
    """Return the JSON Schema of a points structure (draft 2020-12), as :meth:`Structure.to_dict` writes it.

    Examples
    --------
    >>> schema()["title"]
    'cchc-indicators points structure'
    """
    file = resources.files("cchc_indicators").joinpath("schemas/structure.schema.json")
    data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return data


def structure_names() -> tuple[str, ...]:
    """Return the names of the structures shipped with the package, sorted.

    :func:`structures` lists them with their index, decision, years in force
    and source; :func:`structure_for` finds the one in force for a year.

    Examples
    --------
    >>> structure_names()
    ('par-index-2017', 'pci-2016')
    """
    folder = resources.files("cchc_indicators").joinpath(_FOLDER)
    # A file whose name starts with "_" is the folder's own record (of the
    # methods not shipped), not a structure.
    return tuple(
        sorted(
            item.name[: -len(_SUFFIX)]
            for item in folder.iterdir()
            if item.is_file() and item.name.endswith(_SUFFIX) and not item.name.startswith("_")
        )
    )


def load_structure(name: str) -> Structure:
    """Load a shipped structure by name.

    Raises
    ------
    DefinitionError
        If there is no structure of that name (the message lists the names).

    Examples
    --------
    >>> s = load_structure("par-index-2017")
    >>> [c.maximum for c in s.components]
    [10.0, 10.0, 14.5, 11.0, 16.0, 7.0, 16.0, 15.5]
    >>> load_structure("papi")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown structure 'papi'; the structures are 'par-index-2017', 'pci-2016'
    """
    available = structure_names()
    if name not in available:
        shown = ", ".join(repr(n) for n in available)
        msg = f"unknown structure {name!r}; the structures are {shown}"
        raise DefinitionError(msg, code=str(name))
    file = resources.files("cchc_indicators").joinpath(f"{_FOLDER}/{name}{_SUFFIX}")
    return Structure.from_dict(json.loads(file.read_text(encoding="utf-8")))
