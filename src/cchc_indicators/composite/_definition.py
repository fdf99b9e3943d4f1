"""Definitions of composite indices: :class:`Node` and :class:`CompositeIndex`.

The methods an index names (:class:`~cchc_indicators.composite._methods.Method`,
the tables of valid names and options, :func:`check_method`) are defined in
:mod:`cchc_indicators.composite._methods` and imported here, so that this module
still offers them; the reader of flat metadata sheets behind
:meth:`CompositeIndex.from_records` and :meth:`CompositeIndex.from_csv` is in
:mod:`cchc_indicators.composite._sheet`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from cchc_indicators.composite._methods import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    TREATMENTS,
    Method,
    _aggregations,
    _imputation,
    _normalisation,
    _treatment,
    check_method,
)
from cchc_indicators.composite._node import (
    Node,
    _code,
    _nodes,
    _share,
    _text,
    _unknown,
    _weight,
    method_label,
    tree_lines,
)
from cchc_indicators.composite._screening import Screening, as_screening
from cchc_indicators.core._args import check_type, describe
from cchc_indicators.core._loading import (
    as_records,
    check_nesting,
    check_tree_depth,
    load_json,
)
from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError, UnknownIndicatorError

__all__ = [
    "AGGREGATIONS",
    "IMPUTATIONS",
    "NORMALISATIONS",
    "SCHEMA_VERSION",
    "TREATMENTS",
    "CompositeIndex",
    "Method",
    "Node",
    "check_method",
    "index_names",
    "load_index",
    "schema",
]

#: The version of the JSON form written by :meth:`CompositeIndex.to_json`.
SCHEMA_VERSION = 1

# The "kind" of the JSON form, telling an index from a points structure.
_KIND = "composite_index"


def _weight_sets(value: object) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    if isinstance(value, tuple) and all(isinstance(i, tuple) for i in value):
        return value
    if not isinstance(value, Mapping):
        msg = f"'weight_sets' must map set names to {{node code: weight}}, got {value!r}"
        raise DefinitionError(msg)
    out = []
    for name, weights in value.items():
        if not isinstance(name, str) or not name:
            msg = f"a weight set needs a name, got {name!r}"
            raise DefinitionError(msg)
        if not isinstance(weights, Mapping):
            msg = f"weight set {name!r} must map node codes to weights, got {weights!r}"
            raise DefinitionError(msg)
        try:
            items = tuple(sorted((str(k), _weight(w)) for k, w in weights.items()))
        except DefinitionError as err:
            where = f"weight set {name!r}"
            raise err.in_context(where) from None
        out.append((name, items))
    return tuple(sorted(out))


@attrs.frozen
class CompositeIndex:
    """A composite index: a tree of indicators with its methods, weights and threshold.

    Parameters
    ----------
    code
        The index's code; also the code of its root node in results.
    children
        The top-level nodes (level 1).
    name, source, notes
        A readable name, the document it follows, and remarks.
    normalisation
        The normalisation method (default ``minmax`` to 0–100); a name, a
        :class:`Method` or ``{"name": ..., options}``.
    aggregation
        One method for every level, or a sequence of one per level from the
        top: the first makes the index from level 1, the second makes level 1
        from level 2, and so on (its length must be the tree's depth). A
        node's own ``aggregation`` wins.
    min_share
        The default data-availability threshold of every aggregate (0–1);
        ``None`` = any child with a value is enough.
    imputation
        ``none`` (the default), ``mean``, ``median``, ``group_mean`` or
        ``locf`` (see :func:`~cchc_indicators.composite.compute_index`).
    weight_sets
        Named alternative weights, ``{"expert": {"node code": weight, ...}}``;
        nodes a set does not list keep their own weight.
    treatment
        The outlier treatment of every indicator (default ``none``; see
        :mod:`cchc_indicators.composite.treat`): ``skew_kurtosis`` is
        COINr's default rule (winsorise while the skewness and kurtosis are
        both high, else take the logarithm), or ``winsorise``, ``log_ct``,
        ``log``, ``boxcox`` or ``quantile_cap``. An indicator's own
        ``treatment`` wins.
    screening
        Which units are scored (a :class:`~cchc_indicators.composite.Screening` or its JSON form, such
        as ``{"min_share": 0.9}``): units with too little data are left out,
        some may be forced in or out; ``None`` (the default) scores every
        unit.

    Raises
    ------
    DefinitionError
        For a code used twice, an unknown method or option, an aggregation
        sequence of the wrong length, a weight set naming an unknown node or
        giving a group of siblings weights summing to 0, or missing goalposts
        or targets that the normalisation needs.

    Notes
    -----
    The steps run in this order: denominate (the indicators that name a
    ``denominator``), impute, screen (or screen, then impute: see
    :class:`~cchc_indicators.composite.Screening`), treat outliers, normalise, aggregate, rank.

    Examples
    --------
    >>> idx = CompositeIndex("i", children=[Node("a"), Node("b")], weight_sets={"a_only": {"b": 0}})
    >>> idx.weights("a_only")
    {'i': 1.0, 'a': 1.0, 'b': 0.0}
    >>> CompositeIndex("i", children=[Node("a"), Node("a")])
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: index 'i': node code 'a' appears twice
    """

    code: str = attrs.field(validator=_code)
    children: tuple[Node, ...] = attrs.field(converter=_nodes, kw_only=True)
    name: str = attrs.field(default="", validator=_text, kw_only=True)
    source: str = attrs.field(default="", validator=_text, kw_only=True)
    notes: str = attrs.field(default="", validator=_text, kw_only=True)
    normalisation: Method = attrs.field(
        default=Method("minmax"), converter=_normalisation, kw_only=True
    )
    aggregation: tuple[Method, ...] = attrs.field(
        default=(Method("arithmetic"),), converter=_aggregations, kw_only=True
    )
    min_share: float | None = attrs.field(default=None, converter=_share, kw_only=True)
    imputation: Method = attrs.field(default=Method("none"), converter=_imputation, kw_only=True)
    weight_sets: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = attrs.field(
        default=(), converter=_weight_sets, kw_only=True
    )
    treatment: Method = attrs.field(default=Method("none"), converter=_treatment, kw_only=True)
    screening: Screening | None = attrs.field(default=None, converter=as_screening, kw_only=True)

    def __attrs_post_init__(self) -> None:
        where = f"index {self.code!r}"
        check_tree_depth(self.children, "children", where=where)
        if not self.children:
            msg = f"{where} needs at least one node"
            raise DefinitionError(msg, code=self.code)
        seen = {self.code}
        for node in self.nodes()[1:]:
            if node.code in seen:
                msg = f"{where}: node code {node.code!r} appears twice"
                raise DefinitionError(msg, code=node.code)
            seen.add(node.code)
        check_method(self.normalisation, "normalisation", where)
        check_method(self.imputation, "imputation", where)
        check_method(self.treatment, "treatment", where)
        for m in self.aggregation:
            check_method(m, "aggregation", where)
        if len(self.aggregation) not in (1, self.depth):
            msg = (
                f"{where}: 'aggregation' gives {len(self.aggregation)} methods; give one for all "
                f"levels or one per level ({self.depth})"
            )
            raise DefinitionError(msg, code=self.code)
        check_leaf_options(self, self.normalisation, where)
        codes = {n.code for n in self.nodes()}
        for leaf in self.leaves():
            if leaf.denominator is not None and leaf.denominator in codes:
                msg = (
                    f"{where}: the denominator of {leaf.code!r}, {leaf.denominator!r}, is a node "
                    "of the index; a denominator is a separate series of the data"
                )
                raise DefinitionError(msg, code=leaf.code)
        for set_name, _ in self.weight_sets:
            self.weights(set_name)

    def __repr__(self) -> str:
        return (
            f"CompositeIndex({self.code!r}, {counted(len(self.children), 'domain')}, "
            f"{counted(len(self.leaves()), 'indicator')}, depth {self.depth})"
        )

    def describe(self) -> str:
        """Return the whole definition as text: name, methods, weight sets, then the tree.

        The tree has one line per node, indented by level (see :meth:`Node.describe`).

        .. versionadded:: 0.1.0

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("a", children=[Node("x"), Node("y", direction=-1)]),
        ...                                     Node("b", weight=2)], name="Demo")
        >>> idx
        CompositeIndex('i', 2 domains, 3 indicators, depth 2)
        >>> print(idx.describe())
        i: Demo
        normalisation minmax; aggregation arithmetic; imputation none; treatment none
        a  weight 1
          x  weight 1
          y  weight 1  (lower is better)
        b  weight 2
        """
        head = f"{self.code}: {self.name}" if self.name else self.code
        agg = ", ".join(method_label(m) for m in self.aggregation)
        methods = (
            f"normalisation {method_label(self.normalisation)}; aggregation {agg}; "
            f"imputation {method_label(self.imputation)}; treatment {method_label(self.treatment)}"
        )
        if self.min_share is not None:
            methods += f"; min_share {self.min_share:g}"
        lines = [head, methods]
        if self.screening is not None:
            lines.append(f"screening {self.screening!r}")
        if self.weight_sets:
            lines.append("weight sets: " + ", ".join(self.weight_set_names))
        if self.source:
            lines.append(f"source: {self.source}")
        return "\n".join([*lines, *tree_lines(self.children)])

    @property
    def root(self) -> Node:
        """The index as a node (its code, its children).

        Examples
        --------
        >>> root = CompositeIndex("i", children=[Node("a"), Node("b")]).root
        >>> root.code, [c.code for c in root.children]
        ('i', ['a', 'b'])
        """
        return Node(self.code, children=self.children)

    @property
    def depth(self) -> int:
        """The number of aggregation levels (1 when every top-level node is a leaf).

        Examples
        --------
        >>> CompositeIndex("i", children=[Node("a"), Node("b")]).depth
        1
        >>> CompositeIndex("i", children=[Node("d", children=[Node("x")]), Node("z")]).depth
        2
        """

        def height(node: Node) -> int:
            return 0 if node.is_leaf else 1 + max(height(c) for c in node.children)

        return height(self.root)

    def nodes(self) -> tuple[Node, ...]:
        """Return the root and every node, level by level (breadth first).

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y")]), Node("z")])
        >>> [n.code for n in idx.nodes()]
        ['i', 'd', 'z', 'x', 'y']
        """
        out = [self.root]
        i = 0
        while i < len(out):
            out.extend(out[i].children)
            i += 1
        return tuple(out)

    def leaves(self) -> tuple[Node, ...]:
        """Return the indicators, in depth-first order.

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y")]), Node("z")])
        >>> [n.code for n in idx.leaves()]
        ['x', 'y', 'z']
        """
        return tuple(n for n in self.root.walk() if n.is_leaf)

    def node(self, code: str) -> Node:
        """Return the node of that code (the index's own code gives the root).

        Raises
        ------
        UnknownIndicatorError
            If there is none.

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y", weight=3)])])
        >>> idx.node("y").weight, idx.node("i") == idx.root
        (3.0, True)
        >>> idx.node("q")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.UnknownIndicatorError: node 'q' is not in index 'i'
        """
        for n in self.nodes():
            if n.code == code:
                return n
        msg = f"node {code!r} is not in index {self.code!r}"
        raise UnknownIndicatorError(msg, key=code)

    def levels(self) -> dict[str, int]:
        """Return each node's level: 0 for the index, 1 for its children, and so on.

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("d", children=[Node("x"), Node("y")]), Node("z")])
        >>> idx.levels()
        {'i': 0, 'd': 1, 'z': 1, 'x': 2, 'y': 2}
        """
        out = {self.code: 0}
        for n in self.nodes():
            for c in n.children:
                out[c.code] = out[n.code] + 1
        return out

    def aggregation_of(self, code: str) -> Method:
        """Return the aggregation method of an aggregate node (its own, or its level's).

        Raises
        ------
        UnknownIndicatorError
            For a node not in the index.
        DefinitionError
            For a leaf.

        Examples
        --------
        >>> idx = CompositeIndex(
        ...     "i",
        ...     children=[Node("d", children=[Node("x"), Node("y")]), Node("z")],
        ...     aggregation=["arithmetic", "geometric"],  # the index's own level first
        ... )
        >>> idx.aggregation_of("i").name, idx.aggregation_of("d").name
        ('arithmetic', 'geometric')
        >>> idx.aggregation_of("x")
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: node 'x' is a leaf; it is not aggregated
        """
        node = self.node(code)
        if node.is_leaf:
            msg = f"node {code!r} is a leaf; it is not aggregated"
            raise DefinitionError(msg, code=code)
        if node.aggregation is not None:
            return node.aggregation
        level = self.levels()[code]
        return self.aggregation[0] if len(self.aggregation) == 1 else self.aggregation[level]

    def min_share_of(self, code: str) -> float | None:
        """Return an aggregate's data threshold (its own, or the index's).

        Examples
        --------
        >>> d = Node("d", children=[Node("x"), Node("y")], min_share=0.5)
        >>> idx = CompositeIndex("i", children=[d, Node("z")], min_share=0.3)
        >>> idx.min_share_of("d"), idx.min_share_of("i")
        (0.5, 0.3)
        """
        node = self.node(code)
        return node.min_share if node.min_share is not None else self.min_share

    @property
    def weight_set_names(self) -> tuple[str, ...]:
        """The names of the weight sets.

        Examples
        --------
        >>> CompositeIndex("i", children=[Node("a"), Node("b")], weight_sets={"b_only": {"a": 0}}).weight_set_names
        ('b_only',)
        """
        return tuple(name for name, _ in self.weight_sets)

    def weights(self, weight_set: str | Mapping[str, float] | None = None) -> dict[str, float]:
        """Return every node's weight: its own, or from a named set or a mapping.

        Raises
        ------
        DefinitionError
            For an unknown set name, a node code not in the index, a negative
            weight, or siblings whose weights sum to 0.

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)], weight_sets={"equal": {"b": 1}})
        >>> idx.weights(), idx.weights("equal")
        ({'i': 1.0, 'a': 1.0, 'b': 3.0}, {'i': 1.0, 'a': 1.0, 'b': 1.0})
        >>> idx.weights({"a": 2})
        {'i': 1.0, 'a': 2.0, 'b': 3.0}
        """
        base = {n.code: n.weight for n in self.nodes()}
        where = f"index {self.code!r}"
        if weight_set is None:
            return base
        if isinstance(weight_set, str):
            sets = dict(self.weight_sets)
            if weight_set not in sets:
                known = ", ".join(repr(n) for n in sets) or "none"
                msg = f"{where}: unknown weight set {weight_set!r}; the sets are {known}"
                raise DefinitionError(msg, code=self.code)
            changes: Mapping[str, float] = dict(sets[weight_set])
            where = f"{where}, weight set {weight_set!r}"
        else:
            check_type(
                weight_set,
                Mapping,
                func="CompositeIndex.weights",
                parameter="weights",
                expected="a weight set's name, a mapping of node codes to weights, or None",
            )
            changes = {str(k): _weight(v) for k, v in weight_set.items()}
        for code in changes:
            if code not in base:
                msg = f"{where}: node {code!r} is not in the index"
                raise DefinitionError(msg, code=code)
        out = {**base, **changes}
        for n in self.nodes():
            if n.children and sum(out[c.code] for c in n.children) <= 0:
                msg = f"{where}: the weights of the children of {n.code!r} sum to 0"
                raise DefinitionError(msg, code=n.code)
        return out

    def leaf_methods(self, role: str, override: Method | None = None) -> tuple[Method, ...]:
        """Return each indicator's method for a step: its own, else the index's.

        ``role`` is ``"normalisation"``, ``"treatment"`` or ``"imputation"``.
        With ``override``, every indicator uses that method instead (an
        alternative given to a computation replaces them all).

        Examples
        --------
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", normalisation="zscore")])
        >>> [m.name for m in idx.leaf_methods("normalisation")]
        ['minmax', 'zscore']
        >>> [m.name for m in idx.leaf_methods("normalisation", Method("goalposts"))]
        ['goalposts', 'goalposts']
        """
        if role not in ("normalisation", "treatment", "imputation"):
            msg = f"a step with methods by indicator is normalisation, treatment or imputation, not {role!r}"
            raise DefinitionError(msg)
        if override is not None:
            return tuple(override for _ in self.leaves())
        default: Method = getattr(self, role)
        return tuple(getattr(n, role) or default for n in self.leaves())

    @property
    def denominators(self) -> tuple[str, ...]:
        """The codes of the denominators the indicators name, sorted (``()`` if none).

        Examples
        --------
        >>> CompositeIndex("i", children=[Node("doctors", denominator="pop", per=1000)]).denominators
        ('pop',)
        """
        return tuple(sorted({n.denominator for n in self.leaves() if n.denominator is not None}))

    def to_dict(self) -> dict[str, Any]:
        """Return the index as JSON-ready data, with ``schema_version``.

        Examples
        --------
        >>> doc = CompositeIndex("i", children=[Node("a"), Node("b", weight=2)]).to_dict()
        >>> doc["schema_version"], doc["aggregation"], doc["children"]
        (1, [{'name': 'arithmetic'}], [{'code': 'a'}, {'code': 'b', 'weight': 2.0}])
        """
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": _KIND,
            "code": self.code,
            "name": self.name,
            "source": self.source,
            "notes": self.notes,
            "normalisation": self.normalisation.to_dict(),
            "aggregation": [m.to_dict() for m in self.aggregation],
            "imputation": self.imputation.to_dict(),
            "min_share": self.min_share,
            "weight_sets": {name: dict(items) for name, items in self.weight_sets},
        }
        if self.treatment.name != "none":
            out["treatment"] = self.treatment.to_dict()
        if self.screening is not None:
            out["screening"] = self.screening.to_dict()
        out["children"] = [c.to_dict() for c in self.children]
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        """Return the JSON text; with ``path``, also write it there (UTF-8).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "index.json"
        >>> text = CompositeIndex("i", children=[Node("a"), Node("b")]).to_json(path)
        >>> text.splitlines()[:3], path.read_text(encoding="utf-8") == text
        (['{', '  "schema_version": 1,', '  "kind": "composite_index",'], True)
        """
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompositeIndex:
        """Rebuild an index from :meth:`to_dict` data.

        ``schema_version`` (1) and ``kind`` (``"composite_index"``) may be
        left out; if given they are checked.

        Raises
        ------
        DefinitionError
            If the data are not a valid index (the message names the node).

        Examples
        --------
        >>> doc = {"code": "i", "children": [{"code": "d", "children": [{"code": "x", "direction": 2}]}]}
        >>> CompositeIndex.from_dict(doc)
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: node 'x': 'direction' must be 1 (higher is better) or -1 (lower is better), got 2
        """
        if not isinstance(data, Mapping) or "code" not in data or "children" not in data:
            msg = f"a composite index is a mapping with 'code' and 'children', got {describe(data)}"
            raise DefinitionError(msg)
        where = f"index {data['code']!r}" if isinstance(data["code"], str) else "index"
        # Fields other than the tree first: a message below shows their values, and the
        # repr of a value nested thousands deep would overflow the stack.
        check_nesting({k: v for k, v in data.items() if k != "children"}, where)
        version = data.get("schema_version", SCHEMA_VERSION)
        if isinstance(version, bool) or version != SCHEMA_VERSION:
            msg = f"{where}: unsupported schema_version {version!r}; this version reads {SCHEMA_VERSION}"
            raise DefinitionError(msg)
        kind = data.get("kind", _KIND)
        if kind != _KIND:
            msg = f"{where}: 'kind' must be {_KIND!r}, got {kind!r}"
            raise DefinitionError(msg)
        known = {f.name for f in attrs.fields(cls)} | {"schema_version", "kind"}
        extra = sorted(set(data) - known, key=str)
        if extra:
            msg = f"{where}: unknown field {_unknown(extra[0], known)}"
            raise DefinitionError(msg)
        kwargs = {k: v for k, v in data.items() if k not in ("schema_version", "kind", "code")}
        if not isinstance(data["children"], Sequence) or isinstance(data["children"], str):
            msg = "'children' must be a list of nodes"
            raise DefinitionError(msg)
        check_tree_depth(data["children"], "children", where=where)
        check_nesting(data, where)
        kwargs["children"] = [Node._from_dict(c) for c in data["children"]]
        for key in ("name", "source", "notes"):
            if key in kwargs and kwargs[key] is None:
                kwargs[key] = ""
        return cls(data["code"], **kwargs)

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> CompositeIndex:
        """Read an index from a ``.json`` file (a path) or from JSON text (a ``str``).

        A :class:`pathlib.Path` (or any :class:`os.PathLike`) is a file, read
        as UTF-8 (a byte-order mark is accepted); a :class:`str` is always
        JSON text, never a file name: to read a file named by a string, pass
        ``pathlib.Path(name)``.

        Raises
        ------
        DefinitionError
            If the file cannot be read (the message names the path and the
            cause), the text is not JSON, it nests arrays and objects more
            than 100 deep, or it is not a valid index; the message names the
            file.
        ArgumentTypeError
            If ``source`` is neither text nor a path.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b", direction=-1)])
        >>> CompositeIndex.from_json(idx.to_json()) == idx  # from the text
        True
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "index.json"
        >>> _ = idx.to_json(path)
        >>> CompositeIndex.from_json(path).node("b").direction  # from the file
        -1
        """
        data, where = load_json(source, what="index", func="CompositeIndex.from_json")
        try:
            return cls.from_dict(data)
        except DefinitionError as err:
            raise err.in_context(where) from None

    @classmethod
    def from_records(cls, code: str, records: Iterable[Any], **settings: Any) -> CompositeIndex:
        """Build an index from a flat table: one record per node with its ``parent``.

        Each record has ``code`` and ``parent`` (the index's own code for a
        top-level node), and optionally ``name``, ``weight``, ``direction``,
        ``lower``, ``upper``, ``target``, ``source``, ``aggregation`` and
        ``min_share``. Children keep the order of the records. This is the
        form of an indicator metadata sheet, so values may come as text, as
        ``csv.DictReader`` gives them: numbers are read from text
        (``"2.5"``, ``"-1"``), ``aggregation`` is a method name (or a JSON
        object such as ``{"name": "generalised", "p": 0.5}``), and a blank
        cell (``""``, ``None`` or NaN) takes the default. ``settings`` go to
        :class:`CompositeIndex`.

        Raises
        ------
        DefinitionError
            For a record without a code or parent, a column that is not one of
            the above, a bad value, a code used twice, a parent that is not a
            node, or a cycle (a node that is its own ancestor). The message
            names the row (records counted from 0), the column and the node.

        Examples
        --------
        >>> import csv, io
        >>> sheet = "code,parent,weight,direction\\nd,i,,\\nx,d,1,\\ny,d,3,-1\\n"
        >>> idx = CompositeIndex.from_records("i", csv.DictReader(io.StringIO(sheet)))
        >>> idx.weights()["y"], idx.node("y").direction
        (3.0, -1)
        >>> CompositeIndex.from_records("i", [{"code": "x", "parent": "i", "wieght": "2"}])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: index 'i', row 0, column 'wieght': node 'x': unknown column 'wieght' (did you mean 'weight'?); the columns are code, parent, name, weight, direction, lower, upper, target, aggregation, min_share, source, denominator, per, normalisation, treatment, imputation
        >>> CompositeIndex.from_records("i", [{"code": "a", "parent": "b"}, {"code": "b", "parent": "a"}])
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: index 'i': nodes 'a' (row 0), 'b' (row 1) form a cycle (each is its own ancestor)
        """
        from cchc_indicators.composite._sheet import (
            from_table,  # imported when called: it imports this module
        )

        rows = as_records(records, func="CompositeIndex.from_records")
        return from_table(cls, code, enumerate(rows), settings)

    @classmethod
    def from_csv(cls, code: str, path: str | Path, **settings: Any) -> CompositeIndex:
        """Read an index from a metadata sheet saved as CSV: one row per node with its ``parent``.

        The columns are those of :meth:`from_records` (``code`` and ``parent``
        required, in any order); the file is read as UTF-8 (a byte-order mark
        is accepted). ``settings`` go to :class:`CompositeIndex`.

        Raises
        ------
        DefinitionError
            As :meth:`from_records`, the message naming the file and the row
            as a spreadsheet shows it (the header is row 1); a missing file,
            a missing or unknown column is one too.
        InvalidDataError
            If the file is not UTF-8 text, its header names a column twice or
            a row has more cells than the header has columns.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "meta.csv"
        >>> _ = path.write_text(
        ...     "code,parent,name,weight,direction\\n"
        ...     "d,i,Services,,\\nonline,d,Online files (%),2,\\nwait,d,Waiting days,1,-1\\n",
        ...     encoding="utf-8",
        ... )
        >>> idx = CompositeIndex.from_csv("i", path, aggregation="geometric")
        >>> [n.code for n in idx.leaves()], idx.node("online").weight
        (['online', 'wait'], 2.0)
        >>> _ = path.write_text("code,parent,weight\\nd,i,\\nx,d,-2\\n", encoding="utf-8")
        >>> CompositeIndex.from_csv("i", path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        cchc_indicators.core.errors.DefinitionError: ...meta.csv: index 'i', row 3, column 'weight': node 'x': a node's 'weight' must be >= 0, got -2
        """
        from cchc_indicators.composite._sheet import (
            from_csv,  # imported when called: it imports this module
        )

        return from_csv(cls, code, path, settings)


def check_leaf_options(
    index: CompositeIndex, method: Method, where: str, *, override: bool = False
) -> None:
    """Refuse ``goalposts`` without both goalposts, or ``distance_to_target`` without targets.

    ``method`` is the index's normalisation (indicators with their own use
    theirs) or, with ``override``, the one every indicator uses. Refuses
    too the option ``over="panel"`` together with an outlier treatment.
    """
    leaves = index.leaves()
    methods = index.leaf_methods("normalisation", method if override else None)
    if not override:
        methods = tuple(n.normalisation or method for n in leaves)
    for node, m in zip(leaves, methods, strict=True):
        if m.name == "goalposts" and (node.lower is None or node.upper is None):
            msg = f"{where}: normalisation 'goalposts' needs 'lower' and 'upper' on every indicator; {node.code!r} lacks them"
            raise DefinitionError(msg, code=node.code)
        if m.name == "distance_to_target" and node.target is None:
            msg = f"{where}: normalisation 'distance_to_target' needs a 'target' on every indicator; {node.code!r} lacks one"
            raise DefinitionError(msg, code=node.code)
    treatments = index.leaf_methods("treatment")
    for node, m, t in zip(leaves, methods, treatments, strict=True):
        if m.kwargs.get("over") == "panel" and t.name != "none":
            msg = (
                f"{where}: indicator {node.code!r} is treated for outliers ({t.name}) and "
                "normalised with over='panel'; the panel's untreated minimum and maximum do not "
                "fit treated values: drop one of the two"
            )
            raise DefinitionError(msg, code=node.code)


_FOLDER = "indices"


def index_names() -> tuple[str, ...]:
    """Return the names of the composite indices shipped with the package, sorted.

    Examples
    --------
    >>> index_names()
    ('par-style-demo',)
    """
    folder = resources.files("cchc_indicators").joinpath(_FOLDER)
    return tuple(
        sorted(
            item.name[: -len(".json")]
            for item in folder.iterdir()
            if item.is_file() and item.name.endswith(".json")
        )
    )


def load_index(name: str) -> CompositeIndex:
    """Load a shipped composite index by name.

    ``par-style-demo`` is an **illustrative** three-level index: the eight
    domains of the provincial PAR INDEX with their official maximum points
    as weights (Decision 2948/QĐ-BNV, 2017), over criteria and 30 indicators
    made up to show the method (its ``notes`` say so).

    Raises
    ------
    DefinitionError
        If there is no index of that name (the message lists the names).

    Examples
    --------
    >>> idx = load_index("par-style-demo")
    >>> idx.depth, len(idx.leaves()), sum(c.weight for c in idx.children)
    (3, 30, 100.0)
    """
    available = index_names()
    if name not in available:
        shown = ", ".join(repr(n) for n in available)
        msg = f"unknown composite index {name!r}; the indices are {shown}"
        raise DefinitionError(msg, code=str(name))
    file = resources.files("cchc_indicators").joinpath(f"{_FOLDER}/{name}.json")
    return CompositeIndex.from_dict(json.loads(file.read_text(encoding="utf-8")))


def schema() -> dict[str, Any]:
    """Return the JSON Schema of an index definition (draft 2020-12).

    Examples
    --------
    >>> schema()["title"]
    'cchc-indicators composite index'
    """
    file = resources.files("cchc_indicators").joinpath("schemas/index.schema.json")
    data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return data
