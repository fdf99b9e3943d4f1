"""Any setting of an index definition, varied in an uncertainty or sensitivity analysis.

:class:`Setting` names one uncertain setting and its variants: explicit
variant definitions, or the values of one field of the definition's JSON form
(:meth:`~cchc_indicators.composite.CompositeIndex.to_dict`), reached by a
path. :func:`~cchc_indicators.composite.uncertainty.uncertainty` and
:func:`~cchc_indicators.composite.uncertainty.sensitivity` take a list of
them (``settings=``) and draw one variant of each per replication.

How a replication's definition is made
    Each variant is kept as its changes to the index: the nodes it removes
    and the fields it sets (an explicit variant is compared with the index,
    node by node). A replication applies the changes of the variant drawn
    for every setting: first the removals (as
    :func:`~cchc_indicators.composite.compare.index_without`), then the
    fields. Two settings may therefore be combined freely, unless they
    change the same field (refused).

How it is scored
    Each distinct combination drawn is scored once: its normalised
    indicators come from :func:`~cchc_indicators.composite.compute_index`
    on the definition made by its changes that can act on them (every field
    but weights, aggregation methods, data thresholds and text; and its
    removals), shared by all the combinations that differ only in those;
    its tree and weights are its own. The replications that drew it are
    then aggregated together, as the replications sharing a pair of methods
    are.

This module is internal: :mod:`cchc_indicators.composite.uncertainty` offers
:class:`Setting`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex, Method
from cchc_indicators.composite._engine import (
    Compiled,
    aggregation_spec,
    compile_index,
    scaled_by_family,
    weight_vector,
)
from cchc_indicators.composite._node import Node, _unknown
from cchc_indicators.composite._result import compute_index
from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError

__all__ = ["Setting"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Fields a path may not set: they are the tree itself, or the form's own markers.
_TREE_FIELDS = frozenset({"children", "code", "schema_version", "kind"})
#: Fields that act only after the indicators are normalised (weights, aggregation,
#: thresholds) or not at all (text): a change of them alone leaves the normalised
#: indicators as they are. Every other field, including fields added to the definition
#: later, is taken to act on the indicators.
_AGGREGATION_FIELDS = {
    "index": frozenset({"aggregation", "min_share", "weight_sets", "name", "source", "notes"}),
    "node": frozenset({"weight", "aggregation", "min_share", "name", "source"}),
}


class _Absent:
    """A field left out of the JSON form (its default)."""

    def __repr__(self) -> str:
        return "(default)"


_ABSENT = _Absent()


@attrs.frozen
class _Set:
    """Set one field: at the index (``where=None``) or at node ``where``, down ``keys``."""

    where: str | None
    keys: tuple[str | int, ...]
    value: object = attrs.field(eq=False)

    @property
    def text(self) -> str:
        keys = ".".join(str(k) for k in self.keys)
        return keys if self.where is None else f"node:{self.where}.{keys}"


@attrs.frozen
class _Remove:
    """Remove node ``code`` (and an aggregate left without children)."""

    code: str


_Edit = _Set | _Remove


def _acts_on_leaves(edit: _Edit) -> bool:
    """Whether a change can move the normalised indicators (a removal: those it keeps)."""
    if isinstance(edit, _Remove):
        return True
    kind = "index" if edit.where is None else "node"
    return str(edit.keys[0]) not in _AGGREGATION_FIELDS[kind]


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"a setting needs a name (non-empty text), got {describe(value)}"
        raise DefinitionError(msg)
    return value.strip()


def _label(value: object) -> str:
    """A value as a short label: ``0.5``, ``None``, ``minmax(low=10)``."""
    if isinstance(value, Method):
        value = value.to_dict()
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        options = ", ".join(f"{k}={_label(v)}" for k, v in value.items() if k != "name")
        return str(value["name"]) + (f"({options})" if options else "")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _json_value(value: object) -> object:
    """A value in the JSON form: a method as its mapping, tuples as lists."""
    if isinstance(value, Method):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    return value


@attrs.frozen(init=False, repr=False)
class Setting:
    """One uncertain setting of an index and its variants, for ``settings=`` of the analyses.

    Give either explicit ``variants`` (whole definitions of the same index),
    or a ``path`` into the definition's JSON form
    (:meth:`~cchc_indicators.composite.CompositeIndex.to_dict`) and the
    ``values`` it takes, one variant each:

    * ``"min_share"``, ``"imputation"``, ``"normalisation"`` — a field of
      the index (a method as a name, a :class:`~cchc_indicators.composite.Method`
      or a mapping);
    * ``"normalisation.low"`` — one option of a method (``"aggregation.0.p"``:
      ``aggregation`` is a list, one method per level, so give a position);
    * ``"node:online.weight"``, ``"node:days.direction"`` — a field of the
      node of that code (the index's own code names the index).

    A field the JSON form leaves out (a default) may be set too, as long as
    the index or the node has it. Every field of the definition can be
    reached this way, including fields added to the definition later.
    The tree itself (``children``, ``code``) cannot: use ``variants`` or
    :meth:`drop`.

    Each replication of
    :func:`~cchc_indicators.composite.uncertainty.uncertainty` draws one
    variant of each setting, all equally likely; in
    :func:`~cchc_indicators.composite.uncertainty.sensitivity` each setting
    is one factor, named by ``name``.

    Parameters
    ----------
    name
        The setting's name, in :attr:`Uncertainty.settings
        <cchc_indicators.composite.uncertainty.Uncertainty.settings>` and as
        a sensitivity factor.
    variants
        The variant definitions. A variant may change any field of the index
        and of its nodes and may remove nodes; it may not add or move nodes.
    path, values
        Instead of ``variants``: the field, and its values.
    labels
        One label per variant (default: ``variant 1``, ... for
        ``variants``; the values for ``path``).

    Raises
    ------
    DefinitionError
        For a missing name, no variants or values, both or neither of
        ``variants`` and ``path``, a variant that is not a
        :class:`~cchc_indicators.composite.CompositeIndex`, or a number of
        labels other than the number of variants. A path that does not
        exist, and a value the definition refuses, are found by
        :meth:`variants_of` (and so by the analyses).

    Examples
    --------
    >>> from cchc_indicators.composite import CompositeIndex, Node
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
    >>> s = Setting("weight of b", path="node:b.weight", values=[1, 2, 4])
    >>> s
    Setting('weight of b', path='node:b.weight', 3 values)
    >>> s.labels
    ('1', '2', '4')
    >>> [v.node("b").weight for v in s.variants_of(idx)]
    [1.0, 2.0, 4.0]
    >>> Setting("weight of b", path="node:b.wieght", values=[2]).variants_of(idx)
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: setting 'weight of b': path 'node:b.wieght': node 'b' has no field 'wieght' (did you mean 'weight'?); its fields are aggregation, denominator, direction, imputation, lower, min_share, name, normalisation, per, source, target, treatment, upper, weight
    """

    name: str
    variants: tuple[CompositeIndex, ...] | None
    path: str | None
    values: tuple[Any, ...] | None
    labels: tuple[str, ...]

    def __init__(
        self,
        name: str,
        variants: Sequence[CompositeIndex] | None = None,
        *,
        path: str | None = None,
        values: Sequence[object] | None = None,
        labels: Sequence[str] | None = None,
    ) -> None:
        name = _name(name)
        where = f"setting {name!r}"
        if (variants is None) == (path is None):
            msg = f"{where}: give either variants=[...] or path= with values=[...]"
            raise DefinitionError(msg)
        if variants is not None:
            if values is not None:
                msg = f"{where}: values= goes with path=, not with variants="
                raise DefinitionError(msg)
            if isinstance(variants, CompositeIndex) or not isinstance(variants, Iterable):
                msg = f"{where}: 'variants' must be a list of CompositeIndex, got {describe(variants)}"
                raise DefinitionError(msg)
            items: tuple[object, ...] = tuple(variants)
            for i, v in enumerate(items, 1):
                if not isinstance(v, CompositeIndex):
                    msg = f"{where}: variant {i} is not a CompositeIndex, got {describe(v)}"
                    raise DefinitionError(msg)
            found: tuple[CompositeIndex, ...] | None = tuple(
                v for v in items if isinstance(v, CompositeIndex)
            )
            count = len(items)
            default = tuple(f"variant {i}" for i in range(1, count + 1))
            given_values: tuple[Any, ...] | None = None
        else:
            if (
                not isinstance(path, str)
                or not path.strip()
                or any(not part for part in path.split("."))
            ):
                msg = f"{where}: 'path' must be text such as 'min_share' or 'node:a.weight', got {path!r}"
                raise DefinitionError(msg)
            if (
                values is None
                or isinstance(values, (str, Mapping))
                or not isinstance(values, Iterable)
            ):
                msg = f"{where}: path= needs values=[...], a list of the values it takes, got {describe(values)}"
                raise DefinitionError(msg)
            given_values = tuple(values)
            found = None
            count = len(given_values)
            default = tuple(_label(v) for v in given_values)
        if not count:
            msg = f"{where} has no variants; give at least one"
            raise DefinitionError(msg)
        if labels is None:
            chosen = default
        else:
            if isinstance(labels, str) or not isinstance(labels, Iterable):
                msg = f"{where}: 'labels' must be a list of text, got {describe(labels)}"
                raise DefinitionError(msg)
            chosen = tuple(labels)
            if len(chosen) != count:
                msg = f"{where} has {count} variant(s) but {len(chosen)} label(s)"
                raise DefinitionError(msg)
            for label in chosen:
                if not isinstance(label, str) or not label:
                    msg = f"{where}: a label must be non-empty text, got {describe(label)}"
                    raise DefinitionError(msg)
        self.__attrs_init__(name, found, path, given_values, chosen)

    def __repr__(self) -> str:
        if self.path is not None:
            return (
                f"Setting({self.name!r}, path={self.path!r}, {counted(len(self.labels), 'value')})"
            )
        return f"Setting({self.name!r}, {counted(len(self.variants or ()), 'variant')})"

    def __len__(self) -> int:
        """The number of variants.

        Examples
        --------
        >>> len(Setting("threshold", path="min_share", values=[None, 0.5]))
        2
        """
        return len(self.labels)

    def variants_of(self, index: CompositeIndex) -> tuple[CompositeIndex, ...]:
        """Return the variant definitions of ``index``, in order.

        Raises
        ------
        DefinitionError
            For a path the definition does not have (naming the fields it
            has), a value the definition refuses (naming the variant), or an
            explicit variant that is another index, or adds or moves a node.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")])
        >>> low = Setting("floor", path="normalisation.low", values=[0, 20])
        >>> [v.normalisation.kwargs for v in low.variants_of(idx)]
        [{'low': 0}, {'low': 20}]
        >>> Setting("threshold", path="min_share", values=[2]).variants_of(idx)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: setting 'threshold', variant '2' (min_share = 2): 'min_share' must be from 0 to 1, got 2
        """
        prepared = _prepare(self, index)  # checks explicit variants too
        if self.variants is not None:
            return self.variants
        return tuple(
            _compose(index, ((edits, f"variant {label!r}"),), self.name)
            for edits, label in zip(prepared.edits, prepared.labels, strict=True)
        )

    @classmethod
    def drop(
        cls, index: CompositeIndex, codes: Sequence[str] | None = None, *, name: str = "removed"
    ) -> Setting:
        """Return a setting whose variants are ``index`` and ``index`` without each node in turn.

        One variant per indicator (or per node of ``codes``, indicators or
        aggregates) removed, as
        :func:`~cchc_indicators.composite.compare.index_without` removes it
        (its siblings' weights re-normalised among themselves), and the index
        itself, labelled ``all``.

        Raises
        ------
        UnknownIndicatorError
            For a code that is not a node of the index.
        DefinitionError
            When removing a node would leave nothing.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
        >>> s = Setting.drop(idx)
        >>> s.labels
        ('all', 'without a', 'without b', 'without c')
        >>> [len(v.leaves()) for v in s.variants_of(idx)]
        [3, 2, 2, 2]
        """
        from cchc_indicators.composite.compare import index_without

        check_type(index, CompositeIndex, func="Setting.drop", parameter="index")
        if codes is None:
            chosen = tuple(n.code for n in index.leaves())
        elif isinstance(codes, str) or not isinstance(codes, Iterable):
            msg = f"'codes' must be a list of node codes, got {describe(codes)}"
            raise DefinitionError(msg)
        else:
            chosen = tuple(codes)
        without = tuple(index_without(index, c) for c in chosen)
        labels = ("all", *(f"without {c}" for c in chosen))
        return cls(name, (index, *without), labels=labels)

    @classmethod
    def toggle(cls, name: str, index: CompositeIndex, path: str, off_value: object) -> Setting:
        """Return a setting of two variants: ``index`` as it is (``on``), and with ``path`` = ``off_value`` (``off``).

        Raises
        ------
        DefinitionError
            As :meth:`variants_of`, for a path or a value the index refuses.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")], min_share=0.5)
        >>> s = Setting.toggle("threshold", idx, "min_share", None)
        >>> s.labels, [v.min_share for v in s.variants_of(idx)]
        (('on', 'off'), [0.5, None])
        """
        check_type(index, CompositeIndex, func="Setting.toggle", parameter="index")
        (off,) = cls(name, path=path, values=[off_value], labels=["off"]).variants_of(index)
        return cls(name, (index, off), labels=("on", "off"))


# --- paths and changes ------------------------------------------------------------------


def _node_docs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every node's mapping in the JSON form, by code (the index's own code: the index)."""
    out: dict[str, dict[str, Any]] = {doc["code"]: doc}
    stack = list(doc.get("children", ()))
    while stack:
        node = stack.pop()
        out[node["code"]] = node
        stack.extend(node.get("children", ()))
    return out


def _fields(kind: Literal["index", "node"]) -> tuple[str, ...]:
    cls: type = CompositeIndex if kind == "index" else Node
    return tuple(sorted(f.name for f in attrs.fields(cls) if f.name not in _TREE_FIELDS))


def _parse(path: str, doc: dict[str, Any], where: str) -> _Set:
    """The change a path names in ``doc`` (the index's JSON form), with a placeholder value."""
    index_code = doc["code"]
    if path.startswith("node:"):
        rest = path[len("node:") :]
        codes = [c for c in _node_docs(doc) if rest == c or rest.startswith(c + ".")]
        if not codes:
            known = list(_node_docs(doc))
            head = rest.split(".")[0]
            msg = (
                f"{where}: path {path!r}: index {index_code!r} has no node {_unknown(head, known)}"
            )
            raise DefinitionError(msg)
        code = max(codes, key=len)
        if rest == code:
            msg = f"{where}: path {path!r} names node {code!r} but no field of it (e.g. 'node:{code}.weight')"
            raise DefinitionError(msg)
        node: str | None = None if code == index_code else code
        parts = rest[len(code) + 1 :].split(".")
    else:
        node = None
        parts = path.split(".")
    if any(not p for p in parts):
        msg = f"{where}: path {path!r} has an empty part"
        raise DefinitionError(msg)
    return _Set(node, tuple(parts), None)


def _default_step(doc: dict[str, Any], kind: str, key: str) -> dict[str, Any] | None:
    """The JSON of a step that ``to_dict`` leaves out as a default, to set a part of it.

    The index's ``treatment`` is ``{"name": "none"}`` and its ``screening``
    ``{}`` (no rule); an indicator's own ``normalisation``, ``treatment``
    or ``imputation`` starts as the index's.
    """
    if kind == "index" and key == "treatment":
        return {"name": "none"}
    if kind == "index" and key == "screening":
        return {}
    if kind == "node" and key in ("normalisation", "treatment", "imputation"):
        inherited = doc.get(key) or {"name": "none"}
        return dict(inherited) if isinstance(inherited, dict) else {"name": str(inherited)}
    return None


def _apply(doc: dict[str, Any], change: _Set, value: object, where: str) -> None:
    """Set the field ``change`` names in ``doc``, in place; a path that does not exist is refused."""
    nodes = _node_docs(doc)
    kind: Literal["index", "node"] = "index" if change.where is None else "node"
    owner = f"index {doc['code']!r}" if change.where is None else f"node {change.where!r}"
    target: Any = nodes[doc["code"] if change.where is None else change.where]
    text = change.text
    first = str(change.keys[0])
    known = _fields(kind)
    if first in _TREE_FIELDS:
        msg = f"{where}: path {text!r} changes the tree; give variants=[...] or use Setting.drop"
        raise DefinitionError(msg)
    if first not in known:
        msg = f"{where}: path {text!r}: {owner} has no field {_unknown(first, known)}; its fields are {', '.join(known)}"
        raise DefinitionError(msg)
    keys: list[str | int] = list(change.keys)
    walked = [first]
    for i in range(len(keys) - 1):
        key = keys[i]
        step = target.get(key) if isinstance(target, dict) else target[key]
        if step is None and i == 0 and isinstance(target, dict):
            # A step left out as its default: start from the default it stands for.
            step = _default_step(doc, kind, str(key))
            if step is not None:
                target[key] = step
        if isinstance(step, list):
            nxt = keys[i + 1]
            size = len(step)
            if not (isinstance(nxt, int) or (isinstance(nxt, str) and nxt.isdigit())) or not (
                int(nxt) < size
            ):
                msg = (
                    f"{where}: path {text!r}: {'.'.join(walked)!r} is a list of {size}; "
                    f"give a position from 0 to {size - 1} (e.g. '{'.'.join(walked)}.0')"
                )
                raise DefinitionError(msg)
            keys[i + 1] = int(nxt)
        elif not isinstance(step, dict):
            msg = (
                f"{where}: path {text!r}: {'.'.join(walked)!r} of {owner} is {step!r}, "
                f"not a method or mapping; set {'.'.join(walked)!r} itself"
            )
            raise DefinitionError(msg)
        target = step
        walked.append(str(keys[i + 1]))
    last = keys[-1]
    if isinstance(target, dict):
        if value is _ABSENT:
            target.pop(last, None)
        else:
            target[last] = _json_value(value)
    else:
        target[last] = _json_value(value)


def _flat(doc: Mapping[str, Any]) -> dict[str, tuple[str | None, dict[str, Any], bool]]:
    """Each node below the index: (its parent's code, its fields without children, is a leaf)."""
    out: dict[str, tuple[str | None, dict[str, Any], bool]] = {}
    stack: list[tuple[str, Mapping[str, Any]]] = [(doc["code"], c) for c in doc["children"]]
    while stack:
        parent, node = stack.pop()
        fields = {k: v for k, v in node.items() if k != "children"}
        out[node["code"]] = (parent, fields, not node.get("children"))
        stack.extend((node["code"], c) for c in node.get("children", ()))
    return out


def _changes(index: CompositeIndex, variant: CompositeIndex, where: str) -> tuple[_Edit, ...]:
    """A variant as changes to the index: the nodes it removes, then the fields it sets."""
    from cchc_indicators.composite.compare import index_without

    if variant.code != index.code:
        msg = f"{where} is index {variant.code!r}, not a variant of {index.code!r}"
        raise DefinitionError(msg)
    before, after = _flat(index.to_dict()), _flat(variant.to_dict())
    added = [c for c in after if c not in before]
    if added:
        msg = f"{where} adds node {added[0]!r}; a variant may change or remove the index's nodes, not add them"
        raise DefinitionError(msg)
    for code, (parent, _, leaf) in after.items():
        if parent != before[code][0]:
            msg = f"{where} moves node {code!r} from {before[code][0]!r} to {parent!r}; a variant may not move nodes"
            raise DefinitionError(msg)
        if leaf and not before[code][2]:
            msg = f"{where} turns aggregate {code!r} into an indicator; remove it instead"
            raise DefinitionError(msg)
    gone = {c for c in before if c not in after}
    removals = [
        c for c in (n.code for n in index.nodes()[1:]) if c in gone and before[c][0] not in gone
    ]
    reduced = index
    for code in removals:
        if any(n.code == code for n in reduced.nodes()[1:]):
            reduced = index_without(reduced, code)
    edits: list[_Edit] = [_Remove(c) for c in removals]
    top0, top1 = reduced.to_dict(), variant.to_dict()
    edits.extend(
        _Set(None, (key,), top1.get(key, _ABSENT))
        for key in sorted((set(top0) | set(top1)) - _TREE_FIELDS)
        if top0.get(key, _ABSENT) != top1.get(key, _ABSENT)
    )
    kept = _flat(top0)
    for code, (_, fields, _) in after.items():
        old = kept[code][1]
        edits.extend(
            _Set(code, (key,), fields.get(key, _ABSENT))
            for key in sorted((set(old) | set(fields)) - _TREE_FIELDS)
            if old.get(key, _ABSENT) != fields.get(key, _ABSENT)
        )
    return tuple(edits)


@attrs.frozen
class _Prepared:
    """A setting made ready for one index: its variants as changes."""

    name: str
    labels: tuple[str, ...]
    edits: tuple[tuple[_Edit, ...], ...]

    def touched(self) -> set[tuple[str | None, tuple[str | int, ...]]]:
        return {(e.where, e.keys) for v in self.edits for e in v if isinstance(e, _Set)}


def _prepare(setting: Setting, index: CompositeIndex) -> _Prepared:
    where = f"setting {setting.name!r}"
    if setting.variants is not None:
        edits = tuple(
            _changes(index, v, f"{where}, variant {label!r}")
            for v, label in zip(setting.variants, setting.labels, strict=True)
        )
        return _Prepared(setting.name, setting.labels, edits)
    assert setting.path is not None
    assert setting.values is not None
    change = _parse(setting.path, index.to_dict(), where)
    # Check the path once against the index's own form (with its current value).
    _apply(index.to_dict(), change, _ABSENT, where)
    return _Prepared(
        setting.name,
        setting.labels,
        tuple((_Set(change.where, change.keys, v),) for v in setting.values),
    )


def _compose(
    index: CompositeIndex,
    chosen: Sequence[tuple[Sequence[_Edit], str]],
    name: str | None = None,
    *,
    removed: dict[frozenset[str], CompositeIndex] | None = None,
) -> CompositeIndex:
    """The index with the changes of one variant of each setting: removals first, then fields.

    ``chosen`` holds each variant's changes and its description for messages;
    ``removed`` caches the index without each set of nodes.
    """
    from cchc_indicators.composite.compare import index_without

    what = "; ".join(text for _, text in chosen)
    where = f"setting {name!r}, {what}" if name is not None else what
    codes = [e.code for edits, _ in chosen for e in edits if isinstance(e, _Remove)]
    key = frozenset(codes)
    if removed is not None and key in removed:
        current = removed[key]
    else:
        current = index
        for code in codes:
            if any(n.code == code for n in current.nodes()[1:]):
                try:
                    current = index_without(current, code)
                except DefinitionError as err:
                    raise err.in_context(where) from None
        if removed is not None:
            removed[key] = current
    sets = [e for edits, _ in chosen for e in edits if isinstance(e, _Set)]
    if not sets:
        return current
    doc = current.to_dict()
    before = copy.deepcopy(doc)
    present = _node_docs(doc)
    for e in sets:
        if e.where is None or e.where in present:
            _apply(doc, e, e.value, where)
    if doc == before:
        return current
    texts = ", ".join(f"{e.text} = {_label(e.value)}" for e in sets)
    try:
        return CompositeIndex.from_dict(doc)
    except DefinitionError as err:
        context = f"{where} ({texts})"
        raise err.in_context(context) from None


def prepare_settings(
    settings: object, index: CompositeIndex, taken: Iterable[str]
) -> tuple[_Prepared, ...]:
    """Check the settings given to an analysis and make them ready for ``index``."""
    if settings is None:
        return ()
    if isinstance(settings, Setting):
        settings = (settings,)
    if isinstance(settings, (str, Mapping)) or not isinstance(settings, Iterable):
        msg = f"'settings' must be a list of Setting, got {describe(settings)}"
        raise DefinitionError(msg)
    items = tuple(settings)
    names = set(taken)
    out = []
    for s in items:
        if not isinstance(s, Setting):
            msg = f"'settings' must be a list of Setting, got an item {describe(s)}"
            raise DefinitionError(msg)
        if s.name in names:
            msg = f"a setting is named {s.name!r} twice, or like a method varied by its own argument; give each a distinct name"
            raise DefinitionError(msg)
        names.add(s.name)
        out.append(_prepare(s, index))
    for i, a in enumerate(out):
        for b in out[i + 1 :]:
            for wa, ka in a.touched():
                for wb, kb in b.touched():
                    if wa == wb and (ka[: len(kb)] == kb or kb[: len(ka)] == ka):
                        field = _Set(wa, ka if len(ka) <= len(kb) else kb, None).text
                        msg = f"settings {a.name!r} and {b.name!r} both change {field!r}; vary it in one setting"
                        raise DefinitionError(msg)
    return tuple(out)


# --- the scores of a combination of variants ---------------------------------------------


@attrs.frozen(eq=False)
class Stage:
    """One combination of variants, ready to aggregate: its trees, leaves and weights.

    Node positions are the combination's own; ``pos`` maps them to the
    index's, ``keep`` gives the kept nodes it has (``present``: which of the
    kept nodes those are).
    """

    compiled: tuple[Compiled, ...]
    leaves: FloatArray
    base: FloatArray
    pos: IntArray
    keep: IntArray
    present: IntArray

    def weights(self, drawn: FloatArray, base: FloatArray) -> FloatArray:
        """The combination's weights for replications drawn around the index's ``base`` weights.

        A node keeps the drawn change of its weight: the drawn weight itself
        where its base weight is the index's, else its own base weight times
        the drawn weight over the index's (its own base weight where the
        index's is 0).
        """
        w = drawn[:, self.pos]
        b = base[self.pos]
        with np.errstate(invalid="ignore", divide="ignore"):
            scaled = self.base * (w / np.where(b > 0, b, 1.0))
        out: FloatArray = np.where(self.base == b, w, np.where(b > 0, scaled, self.base))
        return out


@attrs.frozen(eq=False)
class _Leaves:
    """The normalised indicators of a definition for every pair of methods, and their codes."""

    values: FloatArray  # (imputations × normalisations, L, U)
    codes: tuple[str, ...]
    weights: Mapping[str, float]


@attrs.frozen(eq=False)
class Variation:
    """Everything the analyses need to score combinations of variants.

    A change of a weight, an aggregation or a data threshold acts only
    after the indicators are normalised: a combination takes its normalised
    indicators from the definition made by its other changes alone (those
    that can act on the indicators, and its removals), computed once by
    :func:`compute_index` for all the combinations that share them, and its
    own tree and weights. Definitions are cached, as are the removals of
    nodes and the combinations drawn.
    """

    index: CompositeIndex
    settings: tuple[_Prepared, ...]
    data: Observations
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    keep: IntArray
    options: Mapping[str, Any]
    norms: tuple[Method, ...] | None
    imps: tuple[Method, ...] | None
    aggs: tuple[tuple[Method, ...], ...] | None
    nominal: _Leaves
    leaves: dict[CompositeIndex, _Leaves] = attrs.field(factory=dict)
    removed: dict[frozenset[str], CompositeIndex] = attrs.field(factory=dict)
    chosen: dict[tuple[int, ...], Stage | None] = attrs.field(factory=dict)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(s.labels) for s in self.settings)

    def describe(self, choice: Sequence[int]) -> str:
        return "; ".join(
            f"setting {s.name!r} = {s.labels[v]!r}"
            for s, v in zip(self.settings, choice, strict=True)
        )

    def definition(self, choice: Sequence[int], *, leaves: bool = False) -> CompositeIndex:
        """The definition of a combination (``leaves``: with only the changes that act on leaves)."""
        chosen = [
            (
                [e for e in s.edits[v] if not leaves or _acts_on_leaves(e)],
                f"setting {s.name!r}, variant {s.labels[v]!r}",
            )
            for s, v in zip(self.settings, choice, strict=True)
        ]
        return _compose(self.index, chosen, removed=self.removed)

    def stage(self, choice: Sequence[int]) -> Stage | None:
        """The combination ``choice`` (one variant per setting); None: it is the index itself."""
        key = tuple(choice)
        if key not in self.chosen:
            self.chosen[key] = self._combination(key)
        return self.chosen[key]

    def _combination(self, choice: tuple[int, ...]) -> Stage | None:
        definition = self.definition(choice)
        if definition == self.index:
            return None
        where = self.describe(choice)
        self.check_methods(definition, where)
        if self.options.get("weights") == "pca":
            # PCA weights come from the normalised indicators of the whole definition.
            found = self._leaves(definition, where)
            return self._tree(definition, found, found.weights)
        source = self.definition(choice, leaves=True)
        found = self.nominal if source == self.index else self._leaves(source, where)
        weights = definition.weights(self._run(definition)["weights"])
        return self._tree(definition, found, weights)

    def check_methods(self, definition: CompositeIndex, where: str) -> None:
        """Refuse a definition changing a method that the analysis varies by alternatives."""
        for role, alternatives in (
            ("normalisation", self.norms),
            ("imputation", self.imps),
            ("aggregation", self.aggs),
        ):
            if alternatives is not None and getattr(definition, role) != getattr(self.index, role):
                msg = (
                    f"{where} changes the index's {role}, which {role}=[...] varies too; "
                    "vary it in one place"
                )
                raise DefinitionError(msg, code=self.index.code)

    def _run(self, definition: CompositeIndex) -> dict[str, Any]:
        options = dict(self.options)
        base_weights = options.pop("weights")
        if isinstance(base_weights, Mapping):
            codes = {n.code for n in definition.nodes()}
            base_weights = {c: w for c, w in base_weights.items() if c in codes}
        return {**options, "weights": base_weights, "on_unknown": "ignore"}

    def leaves_of(self, definition: CompositeIndex, where: str) -> _Leaves:
        """The normalised indicators of ``definition`` (cached); it must score the index's units."""
        return self._leaves(definition, where)

    def _leaves(self, definition: CompositeIndex, where: str) -> _Leaves:
        if definition in self.leaves:
            return self.leaves[definition]
        run = self._run(definition)
        try:
            first = compute_index(definition, self.data, **run)
        except DefinitionError as err:
            raise err.in_context(where) from None
        if first.units != self.units:
            lost = [u for u in self.units if u not in first.units]
            extra = [u for u in first.units if u not in self.units]
            parts = [
                f"leaves out {', '.join(map(repr, lost[:5]))}" if lost else "",
                f"adds {', '.join(map(repr, extra[:5]))}" if extra else "",
            ]
            detail = "; ".join(p for p in parts if p) or "orders them differently"
            msg = (
                f"{where} scores other units than index {self.index.code!r}: {detail}; "
                "every variant must score the same units (vary a screening outside the analysis)"
            )
            raise DefinitionError(msg, code=self.index.code)
        values = []
        for im in self.imps or (None,):
            for nm in self.norms or (None,):
                if im is None and nm is None:
                    values.append(first.normalised)
                    continue
                try:
                    other = compute_index(
                        definition, self.data, **run, normalisation=nm, imputation=im
                    )
                except DefinitionError as err:
                    raise err.in_context(where) from None
                values.append(other.normalised)
        found = _Leaves(np.stack(values), first.leaves, first.weights)
        self.leaves[definition] = found
        return found

    def _tree(
        self, definition: CompositeIndex, leaves: _Leaves, weights: Mapping[str, float]
    ) -> Stage:
        """A combination's stage: its trees and ``weights``, and its rows of ``leaves``."""
        specs: tuple[tuple[Method, ...], ...]
        if self.aggs is None:
            specs = (definition.aggregation,)
        else:
            specs = tuple(
                aggregation_spec(definition, list(a[: definition.depth]) if len(a) > 1 else a[0])
                for a in self.aggs
            )
        compiled = tuple(compile_index(definition, s) for s in specs)
        c0 = compiled[0]
        base = scaled_by_family(weight_vector(c0, weights), c0.parent)[0]
        row = {c: i for i, c in enumerate(leaves.codes)}
        values = leaves.values[:, [row[n.code] for n in definition.leaves()]]
        position = {c: i for i, c in enumerate(self.nodes)}
        own = {c: i for i, c in enumerate(c0.codes)}
        pos = np.array([position[c] for c in c0.codes], dtype=np.int64)
        kept = [self.nodes[i] for i in self.keep.tolist()]
        present = np.array([j for j, c in enumerate(kept) if c in own], dtype=np.int64)
        keep = np.array([own[kept[j]] for j in present.tolist()], dtype=np.int64)
        return Stage(compiled, values, base, pos, keep, present)


def variation(
    index: CompositeIndex,
    settings: object,
    data: Observations,
    *,
    taken: Iterable[str],
    units: tuple[str, ...],
    nodes: tuple[str, ...],
    keep: IntArray,
    options: Mapping[str, Any],
    norms: tuple[Method, ...] | None,
    imps: tuple[Method, ...] | None,
    aggs: tuple[tuple[Method, ...], ...] | None,
    leaves: FloatArray,
    weights: Mapping[str, float],
) -> Variation | None:
    """Check ``settings``, and score each variant on its own (a bad one is named before any draw).

    ``leaves`` and ``weights`` are the index's own normalised indicators (for
    every pair of methods) and weights.
    """
    prepared = prepare_settings(settings, index, taken)
    if not prepared:
        return None
    nominal = _Leaves(leaves, tuple(n.code for n in index.leaves()), weights)
    out = Variation(index, prepared, data, units, nodes, keep, options, norms, imps, aggs, nominal)
    for s in prepared:
        for edits, label in zip(s.edits, s.labels, strict=True):
            where = f"setting {s.name!r}, variant {label!r}"
            definition = _compose(index, [(edits, where)], removed=out.removed)
            if definition != index:
                out.check_methods(definition, where)
                out.leaves_of(definition, where)
    return out
