"""Tests of the composite-index definitions: Method, Node, CompositeIndex, JSON, schema, flat tables.

Every error path feeds the bad input and checks the error type and a distinctive
part of the message. The shipped indices and a custom index with every option
set are validated against the JSON Schema with ``jsonschema``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import pickle
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from cchc_indicators import DefinitionError, InvalidDataError, UnknownIndicatorError
from cchc_indicators.composite import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    SCHEMA_VERSION,
    CompositeIndex,
    Method,
    Node,
    Observations,
    compute_index,
    index_names,
    load_index,
    schema,
)

# --- shared small fixtures -----------------------------------------------------------------


def small_index(**settings: Any) -> CompositeIndex:
    """Two levels: d1 = (a, b weight 2), d2 = (c, lower is better) weighing 3."""
    return CompositeIndex(
        "i",
        children=[
            Node("d1", children=[Node("a"), Node("b", weight=2)]),
            Node("d2", children=[Node("c", direction=-1)], weight=3),
        ],
        **settings,
    )


def deep_index(**settings: Any) -> CompositeIndex:
    """Three levels, uneven: d1 -> (c1 -> (x, y), z), d2 -> (w,)."""
    return CompositeIndex(
        "idx",
        children=[
            Node("d1", children=[Node("c1", children=[Node("x"), Node("y")]), Node("z")]),
            Node("d2", children=[Node("w")]),
        ],
        **settings,
    )


def full_index() -> CompositeIndex:
    """An index with every option of every field set."""
    return CompositeIndex(
        "full",
        name="Full index",
        source="made up for the tests",
        notes="every option set",
        normalisation=Method("minmax", low=1, high=10, over="panel"),
        aggregation=[Method("generalised", p=0.5), {"name": "geometric", "shift": 1}],
        min_share=0.5,
        imputation="locf",
        weight_sets={"flat": {"d1": 1, "d2": 1}, "heavy_a": {"a": 5.5}},
        children=[
            Node(
                "d1",
                name="Domain one",
                source="chapter 1",
                weight=2.5,
                min_share=0.75,
                aggregation=Method("median"),
                children=[
                    Node("a", name="A", source="survey", lower=0, upper=100, target=80),
                    Node("b", weight=0, direction=-1, lower=1.5, upper=9, target=2),
                ],
            ),
            Node("d2", children=[Node("c", target=50)]),
        ],
    )


def validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# --- Method --------------------------------------------------------------------------------


class TestMethod:
    def test_keyword_options_are_sorted_and_exposed(self) -> None:
        """Options given as keywords are kept sorted and read back as a dict."""
        m = Method("minmax", low=1, high=100)
        assert m.name == "minmax"
        assert m.options == (("high", 100), ("low", 1))
        assert m.kwargs == {"high": 100, "low": 1}

    def test_mapping_and_keywords_merge(self) -> None:
        """A mapping of options and keywords merge, the keywords winning."""
        assert Method("minmax", {"low": 0, "high": 5}, high=9).kwargs == {"high": 9, "low": 0}

    def test_repr_shows_name_and_options(self) -> None:
        """The repr reads like the call that makes it."""
        assert (
            repr(Method("generalised", p=0.5)) == "Method(name='generalised', options={'p': 0.5})"
        )
        assert repr(Method("median")) == "Method(name='median', options={})"

    def test_to_dict_puts_name_first(self) -> None:
        """to_dict gives the name and the options side by side."""
        assert Method("goalposts", truncate=False).to_dict() == {
            "name": "goalposts",
            "truncate": False,
        }

    def test_equal_methods_hash_alike(self) -> None:
        """Methods are values: equal options in any order make equal, hashable methods."""
        a, b = Method("minmax", low=1, high=2), Method("minmax", high=2, low=1)
        assert a == b
        assert hash(a) == hash(b)
        assert a != Method("minmax", low=1, high=3)

    def test_pickles(self) -> None:
        """A method survives pickling."""
        m = Method("geometric", shift=1)
        assert pickle.loads(pickle.dumps(m)) == m

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("geometric", Method("geometric")),
            ({"name": "minmax", "low": 1}, Method("minmax", low=1)),
            (Method("median"), Method("median")),
        ],
    )
    def test_parse_accepts_name_mapping_or_method(self, value: object, expected: Method) -> None:
        """parse takes a name, a mapping with 'name', or a Method."""
        assert Method.parse(value) == expected

    @pytest.mark.parametrize("value", [3, None, {"low": 1}, {"name": 7}, ["minmax"]])
    def test_parse_refuses_anything_else(self, value: object) -> None:
        """parse refuses values that are neither a name nor a mapping with a text 'name'."""
        with pytest.raises(DefinitionError, match="a method is a name or a mapping with 'name'"):
            Method.parse(value)

    @pytest.mark.parametrize("name", ["", 5, None])
    def test_needs_a_name(self, name: object) -> None:
        """A method without a text name is refused."""
        with pytest.raises(DefinitionError, match="a method needs a name"):
            Method(name)  # type: ignore[arg-type]

    def test_option_names_must_be_text(self) -> None:
        """An option whose name is not text is refused."""
        with pytest.raises(DefinitionError, match="method option names must be text, got 1"):
            Method("minmax", {1: 2})  # type: ignore[dict-item]

    @pytest.mark.parametrize("value", [[1], {"a": 1}, (1, 2)])
    def test_option_values_must_be_scalars(self, value: object) -> None:
        """An option value must be a number, true/false, text or None."""
        with pytest.raises(DefinitionError, match="must be a number, true/false or text"):
            Method("minmax", low=value)

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
    def test_option_numbers_must_be_finite(self, value: float) -> None:
        """A non-finite number is refused as an option."""
        with pytest.raises(DefinitionError, match="method option 'low' must be finite"):
            Method("minmax", low=value)

    def test_non_mapping_options_are_a_definition_error(self) -> None:
        """Options that are not a mapping are a DefinitionError naming the rule."""
        with pytest.raises(DefinitionError, match="method options must be a mapping"):
            Method("minmax", [("low", 1)])  # type: ignore[arg-type]


# --- method checks by role -------------------------------------------------------------------


class TestMethodChecks:
    def test_tables_list_the_methods(self) -> None:
        """The method tables name the methods of each role."""
        assert set(NORMALISATIONS) == {
            "minmax",
            "zscore",
            "goalposts",
            "distance_to_target",
            "distance_to_best",
            "percentile_rank",
            "none",
        }
        assert set(AGGREGATIONS) == {
            "arithmetic",
            "geometric",
            "harmonic",
            "generalised",
            "median",
            "copeland",
        }
        assert set(IMPUTATIONS) == {"none", "mean", "median", "group_mean", "locf"}

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("normalisation", "scale", "index 'i': unknown normalisation method 'scale'"),
            ("aggregation", "mode", "index 'i': unknown aggregation method 'mode'"),
            ("aggregation", ["arithmetic", "max"], "unknown aggregation method 'max'"),
            ("imputation", "knn", "index 'i': unknown imputation method 'knn'"),
        ],
    )
    def test_unknown_method_per_role(self, field: str, value: object, message: str) -> None:
        """A method unknown in its role is refused, naming the role and the method."""
        with pytest.raises(DefinitionError, match=message) as info:
            small_index(**{field: value})
        assert "the methods are" in str(info.value)

    def test_unknown_method_lists_the_known_ones(self) -> None:
        """The message lists the methods of the role, sorted."""
        with pytest.raises(DefinitionError) as info:
            small_index(imputation="knn")
        assert str(info.value).endswith("the methods are group_mean, locf, mean, median, none")

    def test_rank_normalisation_gets_a_hint(self) -> None:
        """'rank' as a normalisation is refused with a hint to use 'percentile_rank'."""
        with pytest.raises(DefinitionError, match="would reverse the index; use 'percentile_rank'"):
            small_index(normalisation="rank")

    def test_rank_aggregation_gets_no_normalisation_hint(self) -> None:
        """The 'rank' hint is for normalisation only."""
        with pytest.raises(DefinitionError) as info:
            small_index(aggregation="rank")
        assert "percentile_rank" not in str(info.value)

    def test_unknown_option_names_the_allowed_ones(self) -> None:
        """An option the method does not take is refused, listing its options."""
        with pytest.raises(
            DefinitionError,
            match=r"normalisation 'minmax' takes no option 'scale' \(its options: high, low, over\)",
        ):
            small_index(normalisation=Method("minmax", scale=2))

    def test_option_on_a_method_without_options(self) -> None:
        """A method with no options says so."""
        with pytest.raises(DefinitionError, match=r"takes no option 'p' \(its options: none\)"):
            small_index(aggregation=Method("arithmetic", p=2))

    @pytest.mark.parametrize("over", ["year", 1, None])
    def test_over_must_be_period_or_panel(self, over: object) -> None:
        """'over' is 'period' or 'panel'."""
        with pytest.raises(DefinitionError, match="option 'over' must be 'period' or 'panel'"):
            small_index(normalisation=Method("minmax", over=over))

    @pytest.mark.parametrize("over", ["period", "panel"])
    def test_over_values_accepted(self, over: str) -> None:
        """Both values of 'over' are accepted."""
        assert small_index(normalisation=Method("zscore", over=over)).normalisation.kwargs == {
            "over": over
        }

    @pytest.mark.parametrize(
        "method",
        [Method("generalised"), Method("generalised", p="2"), Method("generalised", p=None)],
    )
    def test_generalised_needs_a_number_p(self, method: Method) -> None:
        """The generalised mean needs a numeric exponent."""
        with pytest.raises(DefinitionError, match="aggregation 'generalised' needs a number 'p'"):
            small_index(aggregation=method)

    @pytest.mark.parametrize(
        ("method", "key"),
        [
            (Method("generalised", p=True), "p"),
            (Method("minmax", low="0"), "low"),
            (Method("minmax", high=None), "high"),
            (Method("zscore", mean=True), "mean"),
            (Method("zscore", sd="1"), "sd"),
            (Method("percentile_rank", scale=False), "scale"),
        ],
    )
    def test_numeric_options_must_be_numbers(self, method: Method, key: str) -> None:
        """Numeric options refuse text, true/false and None."""
        with pytest.raises(DefinitionError, match=f"option {key!r} must be a number"):
            small_index(
                **(
                    {"aggregation": method}
                    if method.name == "generalised"
                    else {"normalisation": method}
                )
            )

    def test_shift_must_be_a_number(self) -> None:
        """The geometric shift must be a number."""
        with pytest.raises(DefinitionError, match="option 'shift' must be a number, got 'one'"):
            small_index(aggregation=Method("geometric", shift="one"))

    @pytest.mark.parametrize(
        ("method", "key"),
        [
            (Method("goalposts", truncate=1), "truncate"),
            (Method("distance_to_target", cap="yes"), "cap"),
        ],
    )
    def test_flags_refuse_non_booleans(self, method: Method, key: str) -> None:
        """truncate and cap refuse anything but true or false."""
        with pytest.raises(DefinitionError, match=f"option {key!r} must be true or false"):
            CompositeIndex(
                "i", children=[Node("a", lower=0, upper=1, target=1)], normalisation=method
            )

    @pytest.mark.parametrize("ties", ["dense", 1, None])
    def test_ties_values(self, ties: object) -> None:
        """'ties' is 'average', 'min' or 'max'."""
        with pytest.raises(
            DefinitionError, match="option 'ties' must be 'average', 'min' or 'max'"
        ):
            small_index(normalisation=Method("percentile_rank", ties=ties))

    @pytest.mark.parametrize("ties", ["average", "min", "max"])
    def test_ties_accepted(self, ties: str) -> None:
        """The three tie rules are accepted."""
        idx = small_index(normalisation=Method("percentile_rank", ties=ties))
        assert idx.normalisation.kwargs["ties"] == ties


# --- Node -----------------------------------------------------------------------------------


class TestNode:
    def test_defaults(self) -> None:
        """A leaf defaults to weight 1, direction 1 and no options."""
        n = Node("x")
        assert (n.weight, n.direction, n.lower, n.upper, n.target) == (1.0, 1, None, None, None)
        assert n.is_leaf
        assert n.children == ()

    def test_weight_is_a_float(self) -> None:
        """An integer weight is stored as a float."""
        assert Node("x", weight=3).weight == 3.0
        assert isinstance(Node("x", weight=3).weight, float)

    def test_aggregate_takes_its_options(self) -> None:
        """An aggregate keeps its aggregation (parsed) and min_share."""
        n = Node("d", children=[Node("x")], aggregation="median", min_share=0.5)
        assert n.aggregation == Method("median")
        assert n.min_share == 0.5
        assert not n.is_leaf

    def test_walk_is_depth_first(self) -> None:
        """walk lists a node, then each child's subtree in turn."""
        n = Node("r", children=[Node("p", children=[Node("q")]), Node("s")])
        assert [m.code for m in n.walk()] == ["r", "p", "q", "s"]

    @pytest.mark.parametrize("code", ["", " x", "x ", "   ", 3, None])
    def test_bad_code(self, code: object) -> None:
        """A code must be non-empty text without surrounding spaces."""
        with pytest.raises(DefinitionError, match="'code' must be non-empty text"):
            Node(code)  # type: ignore[arg-type]

    def test_negative_weight(self) -> None:
        """A negative weight is refused."""
        with pytest.raises(DefinitionError, match="a node's 'weight' must be >= 0, got -1"):
            Node("x", weight=-1)

    @pytest.mark.parametrize("weight", [math.nan, math.inf, True, "1", None])
    def test_weight_must_be_a_finite_number(self, weight: object) -> None:
        """NaN, infinity, booleans, text and None are not weights."""
        with pytest.raises(DefinitionError, match="a node's 'weight' must be a finite number"):
            Node("x", weight=weight)

    def test_zero_weight_allowed(self) -> None:
        """A weight of 0 is allowed (it drops the node)."""
        assert Node("x", weight=0).weight == 0.0

    @pytest.mark.parametrize("field", ["name", "source"])
    def test_text_fields(self, field: str) -> None:
        """name and source must be text."""
        with pytest.raises(DefinitionError, match=f"'{field}' must be text, got 3"):
            Node("x", **{field: 3})  # type: ignore[arg-type]

    @pytest.mark.parametrize("direction", [0, 2, True, "1", -1.5])
    def test_bad_direction(self, direction: object) -> None:
        """direction is 1 or -1, not a boolean."""
        with pytest.raises(DefinitionError, match=r"'direction' must be 1 .* or -1"):
            Node("x", direction=direction)

    def test_direction_float_minus_one_accepted(self) -> None:
        """-1.0 is the integer -1."""
        assert Node("x", direction=-1.0).direction == -1

    @pytest.mark.parametrize("option", ["lower", "upper", "target"])
    def test_goalposts_must_be_finite(self, option: str) -> None:
        """Goalposts and targets are finite numbers."""
        with pytest.raises(DefinitionError, match="a goalpost or target must be a finite number"):
            Node("x", **{option: math.inf})  # type: ignore[arg-type]

    @pytest.mark.parametrize("share", [-0.1, 1.5, math.nan, "half"])
    def test_min_share_range(self, share: object) -> None:
        """min_share is a number from 0 to 1."""
        with pytest.raises(DefinitionError, match="'min_share'"):
            Node("d", children=[Node("x")], min_share=share)

    @pytest.mark.parametrize(
        ("option", "value"), [("lower", 0), ("upper", 1), ("target", 0.5), ("direction", -1)]
    )
    def test_leaf_options_on_aggregate(self, option: str, value: float) -> None:
        """An aggregate refuses the options of a leaf, naming the node and option."""
        with pytest.raises(
            DefinitionError, match=f"node 'd' has children, so '{option}' \\(a leaf option\\)"
        ) as info:
            Node("d", children=[Node("x")], **{option: value})  # type: ignore[arg-type]
        assert info.value.code == "d"

    @pytest.mark.parametrize(("option", "value"), [("aggregation", "median"), ("min_share", 0.5)])
    def test_aggregate_options_on_leaf(self, option: str, value: object) -> None:
        """A leaf refuses the options of an aggregate."""
        with pytest.raises(
            DefinitionError,
            match=f"node 'x' is a leaf, so '{option}' \\(an aggregate's option\\) does not apply",
        ):
            Node("x", **{option: value})  # type: ignore[arg-type]

    def test_node_aggregation_is_checked(self) -> None:
        """A node's own aggregation is checked when the node is built."""
        with pytest.raises(DefinitionError, match="node 'd': unknown aggregation method 'mode'"):
            Node("d", children=[Node("x")], aggregation="mode")

    @pytest.mark.parametrize(("lower", "upper"), [(5, 5), (7, 2)])
    def test_lower_must_be_below_upper(self, lower: float, upper: float) -> None:
        """Goalposts need lower < upper in raw units, whatever the direction."""
        with pytest.raises(DefinitionError, match="goalposts need lower < upper in raw units"):
            Node("x", lower=lower, upper=upper, direction=-1)

    def test_one_goalpost_alone_is_fine(self) -> None:
        """A single goalpost is not compared with anything."""
        assert Node("x", lower=3).upper is None

    def test_children_weights_sum_to_zero(self) -> None:
        """Children whose weights sum to 0 are refused."""
        with pytest.raises(DefinitionError, match="node 'd': the weights of its children sum to 0"):
            Node("d", children=[Node("x", weight=0), Node("y", weight=0)])

    @pytest.mark.parametrize("children", [["x"], [Node("x"), {"code": "y"}]])
    def test_children_must_be_nodes(self, children: list[Any]) -> None:
        """Children must be Node objects."""
        with pytest.raises(DefinitionError, match="'children' must hold Node objects"):
            Node("d", children=children)

    @pytest.mark.parametrize("children", ["xy", b"xy", 5, {"code": "x"}])
    def test_children_must_be_a_sequence(self, children: object) -> None:
        """Text, bytes, numbers and mappings are not sequences of children."""
        with pytest.raises(DefinitionError, match="'children' must be a sequence of nodes"):
            Node("d", children=children)

    def test_to_dict_leaves_out_defaults(self) -> None:
        """to_dict writes only what differs from the defaults."""
        assert Node("x").to_dict() == {"code": "x"}
        assert Node("x", weight=2, direction=-1, lower=1, name="X", source="s").to_dict() == {
            "code": "x",
            "name": "X",
            "weight": 2.0,
            "source": "s",
            "direction": -1,
            "lower": 1.0,
        }

    def test_to_dict_of_aggregate(self) -> None:
        """An aggregate writes its method and threshold before its children."""
        n = Node("d", children=[Node("x")], aggregation=Method("geometric", shift=1), min_share=0.5)
        assert n.to_dict() == {
            "code": "d",
            "aggregation": {"name": "geometric", "shift": 1},
            "min_share": 0.5,
            "children": [{"code": "x"}],
        }

    def test_from_dict_round_trip(self) -> None:
        """from_dict rebuilds what to_dict wrote."""
        n = Node("d", children=[Node("x", target=3), Node("y", weight=0)], aggregation="harmonic")
        assert Node.from_dict(n.to_dict()) == n

    @pytest.mark.parametrize("data", [5, "x", {"name": "no code"}])
    def test_from_dict_needs_a_mapping_with_code(self, data: object) -> None:
        """from_dict refuses data that are not a mapping with a code."""
        with pytest.raises(DefinitionError, match="a node is a mapping with a 'code'"):
            Node.from_dict(data)  # type: ignore[arg-type]

    def test_from_dict_unknown_field(self) -> None:
        """An unknown field is named with the node."""
        with pytest.raises(DefinitionError, match="node 'x': unknown field 'colour'") as info:
            Node.from_dict({"code": "x", "colour": "red", "zz": 1})
        assert info.value.code == "x"

    def test_pickles(self) -> None:
        """A node survives pickling."""
        n = Node("d", children=[Node("x", lower=1, upper=2)], min_share=0.2)
        assert pickle.loads(pickle.dumps(n)) == n


# --- CompositeIndex: validation ---------------------------------------------------------------


class TestIndexErrors:
    def test_needs_a_node(self) -> None:
        """An index without nodes is refused."""
        with pytest.raises(DefinitionError, match="index 'i' needs at least one node"):
            CompositeIndex("i", children=[])

    @pytest.mark.parametrize(
        "children",
        [
            [Node("a"), Node("a")],
            [Node("d", children=[Node("a")]), Node("a")],
            [Node("d1", children=[Node("a")]), Node("d2", children=[Node("a")])],
            [Node("d", children=[Node("e", children=[Node("d")])])],
        ],
    )
    def test_duplicate_codes_anywhere(self, children: list[Node]) -> None:
        """A code used twice anywhere in the tree is refused, naming it."""
        with pytest.raises(DefinitionError, match=r"node code '(a|d)' appears twice") as info:
            CompositeIndex("i", children=children)
        assert info.value.code in ("a", "d")

    def test_node_with_the_index_code(self) -> None:
        """A node may not take the index's own code."""
        with pytest.raises(DefinitionError, match="index 'i': node code 'i' appears twice"):
            CompositeIndex("i", children=[Node("d", children=[Node("i")])])

    def test_top_level_weights_sum_to_zero(self) -> None:
        """Top-level weights summing to 0 are refused."""
        with pytest.raises(DefinitionError, match=r"the weights of its .*sum to 0"):
            CompositeIndex("i", children=[Node("a", weight=0), Node("b", weight=0)])

    def test_bad_index_code(self) -> None:
        """The index's code follows the rules of node codes."""
        with pytest.raises(DefinitionError, match="'code' must be non-empty text"):
            CompositeIndex(" i", children=[Node("a")])

    @pytest.mark.parametrize("field", ["name", "source", "notes"])
    def test_text_fields(self, field: str) -> None:
        """name, source and notes are text."""
        with pytest.raises(DefinitionError, match=f"'{field}' must be text"):
            CompositeIndex("i", children=[Node("a")], **{field: None})  # type: ignore[arg-type]

    def test_aggregation_of_wrong_length(self) -> None:
        """An aggregation list must have one method or one per level."""
        with pytest.raises(
            DefinitionError,
            match=r"'aggregation' gives 3 methods; give one for all levels or one per level \(2\)",
        ):
            small_index(aggregation=["arithmetic", "geometric", "median"])

    @pytest.mark.parametrize("value", [5, [], None])
    def test_aggregation_must_be_methods(self, value: object) -> None:
        """aggregation is a method or a non-empty sequence of methods."""
        with pytest.raises(DefinitionError, match="'aggregation' must be a method or a sequence"):
            small_index(aggregation=value)

    def test_aggregation_one_method_is_a_tuple(self) -> None:
        """One method (a name, a mapping or a Method) becomes a one-element tuple."""
        assert small_index(aggregation="median").aggregation == (Method("median"),)
        assert small_index(aggregation={"name": "generalised", "p": 2}).aggregation == (
            Method("generalised", p=2),
        )

    def test_goalposts_need_lower_and_upper(self) -> None:
        """goalposts normalisation needs both goalposts on every leaf, naming the first lacking."""
        with pytest.raises(
            DefinitionError,
            match="normalisation 'goalposts' needs 'lower' and 'upper' on every indicator; 'b' lacks them",
        ) as info:
            CompositeIndex(
                "i",
                children=[Node("a", lower=0, upper=1), Node("b", lower=0)],
                normalisation="goalposts",
            )
        assert info.value.code == "b"

    def test_distance_to_target_needs_targets(self) -> None:
        """distance_to_target needs a target on every leaf."""
        with pytest.raises(
            DefinitionError,
            match="'distance_to_target' needs a 'target' on every indicator; 'a' lacks one",
        ):
            CompositeIndex(
                "i", children=[Node("a"), Node("b", target=1)], normalisation="distance_to_target"
            )

    def test_min_share_of_index(self) -> None:
        """The index's min_share is a share."""
        with pytest.raises(DefinitionError, match="'min_share' must be from 0 to 1, got 2"):
            small_index(min_share=2)

    def test_weight_set_unknown_node(self) -> None:
        """A weight set naming a node not in the index is refused."""
        with pytest.raises(
            DefinitionError, match="index 'i', weight set 'bad': node 'zz' is not in the index"
        ) as info:
            small_index(weight_sets={"bad": {"zz": 1}})
        assert info.value.code == "zz"

    def test_weight_set_negative_weight(self) -> None:
        """A negative weight in a set is refused, naming the set."""
        with pytest.raises(
            DefinitionError, match="weight set 'neg': a node's 'weight' must be >= 0, got -2"
        ):
            small_index(weight_sets={"neg": {"a": -2}})

    def test_weight_set_making_siblings_sum_to_zero(self) -> None:
        """A set giving a group of siblings weights summing to 0 is refused."""
        with pytest.raises(
            DefinitionError,
            match="index 'i', weight set 'drop': the weights of the children of 'd1' sum to 0",
        ):
            small_index(weight_sets={"drop": {"a": 0, "b": 0}})

    @pytest.mark.parametrize(
        ("sets", "message"),
        [
            (5, "'weight_sets' must map set names"),
            (["a"], "'weight_sets' must map set names"),
            ({"": {"a": 1}}, "a weight set needs a name"),
            ({"s": [1, 2]}, "weight set 's' must map node codes to weights"),
        ],
    )
    def test_weight_sets_shape(self, sets: object, message: str) -> None:
        """weight_sets maps names to mappings of codes to weights."""
        with pytest.raises(DefinitionError, match=message):
            small_index(weight_sets=sets)


# --- CompositeIndex: structure ------------------------------------------------------------------


class TestIndexStructure:
    def test_depth(self) -> None:
        """depth counts the aggregation levels: 1 for a flat index, the longest path otherwise."""
        assert CompositeIndex("i", children=[Node("a"), Node("b")]).depth == 1
        assert small_index().depth == 2
        assert deep_index().depth == 3

    def test_root(self) -> None:
        """root is the index as a node."""
        idx = small_index()
        assert idx.root.code == "i"
        assert idx.root.children == idx.children

    def test_nodes_breadth_first_index_first(self) -> None:
        """nodes lists the index, then level 1, then level 2, and so on."""
        assert [n.code for n in deep_index().nodes()] == [
            "idx",
            "d1",
            "d2",
            "c1",
            "z",
            "w",
            "x",
            "y",
        ]

    def test_leaves_depth_first(self) -> None:
        """leaves lists the indicators in the order of the tree (depth first)."""
        assert [n.code for n in deep_index().leaves()] == ["x", "y", "z", "w"]

    def test_levels(self) -> None:
        """levels gives 0 for the index, 1 for its children, and so on."""
        assert deep_index().levels() == {
            "idx": 0,
            "d1": 1,
            "d2": 1,
            "c1": 2,
            "z": 2,
            "w": 2,
            "x": 3,
            "y": 3,
        }

    def test_node_lookup(self) -> None:
        """node returns a node by code, the index's code giving the root."""
        idx = deep_index()
        assert idx.node("c1").children[0].code == "x"
        assert idx.node("idx").code == "idx"

    def test_node_lookup_unknown(self) -> None:
        """An unknown code is an UnknownIndicatorError (also a KeyError)."""
        with pytest.raises(UnknownIndicatorError, match="node 'q' is not in index 'idx'") as info:
            deep_index().node("q")
        assert info.value.key == "q"
        assert isinstance(info.value, KeyError)

    def test_aggregation_of_one_method(self) -> None:
        """With one method, every aggregate uses it."""
        idx = deep_index(aggregation="harmonic")
        assert {idx.aggregation_of(c) for c in ("idx", "d1", "d2", "c1")} == {Method("harmonic")}

    def test_aggregation_of_per_level(self) -> None:
        """With one method per level, each aggregate takes its level's, top first."""
        idx = deep_index(aggregation=["arithmetic", "geometric", "median"])
        assert idx.aggregation_of("idx") == Method("arithmetic")
        assert idx.aggregation_of("d1") == Method("geometric")
        assert idx.aggregation_of("d2") == Method("geometric")
        assert idx.aggregation_of("c1") == Method("median")

    def test_aggregation_of_node_override(self) -> None:
        """A node's own method wins over its level's."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a")], aggregation=Method("generalised", p=3)),
                Node("d2", children=[Node("b")]),
            ],
            aggregation=["median", "geometric"],
        )
        assert idx.aggregation_of("d1") == Method("generalised", p=3)
        assert idx.aggregation_of("d2") == Method("geometric")
        assert idx.aggregation_of("i") == Method("median")

    def test_aggregation_of_a_leaf(self) -> None:
        """A leaf is not aggregated."""
        with pytest.raises(DefinitionError, match="node 'x' is a leaf; it is not aggregated"):
            deep_index().aggregation_of("x")

    def test_min_share_of(self) -> None:
        """min_share_of gives a node's own threshold, else the index's."""
        idx = CompositeIndex(
            "i",
            children=[
                Node("d1", children=[Node("a")], min_share=0.25),
                Node("d2", children=[Node("b")]),
            ],
            min_share=0.5,
        )
        assert idx.min_share_of("d1") == 0.25
        assert idx.min_share_of("d2") == 0.5
        assert idx.min_share_of("i") == 0.5
        assert small_index().min_share_of("d1") is None

    def test_defaults(self) -> None:
        """The defaults: minmax, arithmetic, no imputation, no threshold, no weight sets."""
        idx = small_index()
        assert idx.normalisation == Method("minmax")
        assert idx.aggregation == (Method("arithmetic"),)
        assert idx.imputation == Method("none")
        assert idx.min_share is None
        assert idx.weight_sets == ()
        assert idx.weight_set_names == ()

    def test_pickles(self) -> None:
        """An index survives pickling."""
        idx = full_index()
        assert pickle.loads(pickle.dumps(idx)) == idx


class TestWeights:
    def test_own_weights(self) -> None:
        """weights() gives every node's own weight, the index included."""
        assert small_index().weights() == {
            "i": 1.0,
            "d1": 1.0,
            "d2": 3.0,
            "a": 1.0,
            "b": 2.0,
            "c": 1.0,
        }

    def test_named_set_replaces_some(self) -> None:
        """A weight set replaces the weights it lists; the others stay."""
        idx = small_index(weight_sets={"flat": {"d2": 1, "b": 1}})
        assert idx.weight_set_names == ("flat",)
        assert idx.weights("flat") == {"i": 1.0, "d1": 1.0, "d2": 1.0, "a": 1.0, "b": 1.0, "c": 1.0}

    def test_weight_sets_sorted_by_name(self) -> None:
        """Weight sets are kept sorted by name, their entries by code."""
        idx = small_index(weight_sets={"z": {"b": 1, "a": 2}, "m": {"d1": 4}})
        assert idx.weight_set_names == ("m", "z")
        assert idx.weight_sets[1] == ("z", (("a", 2.0), ("b", 1.0)))

    def test_mapping(self) -> None:
        """A mapping overrides the weights it names."""
        assert small_index().weights({"a": 4, "d2": 0})["a"] == 4.0
        assert small_index().weights({"a": 4, "d2": 0})["d2"] == 0.0

    def test_unknown_set_name(self) -> None:
        """An unknown set name is refused, listing the sets."""
        idx = small_index(weight_sets={"flat": {"d2": 1}})
        with pytest.raises(
            DefinitionError, match="index 'i': unknown weight set 'nope'; the sets are 'flat'"
        ):
            idx.weights("nope")

    def test_unknown_set_name_without_sets(self) -> None:
        """With no sets, the message says there are none."""
        with pytest.raises(DefinitionError, match="the sets are none"):
            small_index().weights("nope")

    def test_mapping_unknown_node(self) -> None:
        """A mapping naming an unknown node is refused."""
        with pytest.raises(DefinitionError, match="index 'i': node 'q' is not in the index"):
            small_index().weights({"q": 1})

    def test_mapping_negative(self) -> None:
        """A mapping with a negative weight is refused."""
        with pytest.raises(DefinitionError, match="a node's 'weight' must be >= 0"):
            small_index().weights({"a": -1})

    def test_mapping_siblings_sum_to_zero(self) -> None:
        """A mapping zeroing every top-level node is refused."""
        with pytest.raises(DefinitionError, match="the weights of the children of 'i' sum to 0"):
            small_index().weights({"d1": 0, "d2": 0})


# --- JSON ---------------------------------------------------------------------------------------


class TestJson:
    def test_to_dict(self) -> None:
        """to_dict writes the version, kind, settings and the tree."""
        d = small_index(min_share=0.5).to_dict()
        assert d["schema_version"] == SCHEMA_VERSION == 1
        assert d["kind"] == "composite_index"
        assert d["normalisation"] == {"name": "minmax"}
        assert d["aggregation"] == [{"name": "arithmetic"}]
        assert d["imputation"] == {"name": "none"}
        assert d["min_share"] == 0.5
        assert d["weight_sets"] == {}
        assert d["children"][1] == {
            "code": "d2",
            "weight": 3.0,
            "children": [{"code": "c", "direction": -1}],
        }

    def test_round_trip_text(self) -> None:
        """from_json(to_json()) gives back the same index."""
        for idx in (small_index(), deep_index(), full_index()):
            assert CompositeIndex.from_json(idx.to_json()) == idx

    def test_round_trip_file(self, tmp_path: Path) -> None:
        """to_json(path) writes a UTF-8 file that from_json reads from a Path."""
        idx = CompositeIndex("chỉ-số", name="Chỉ số cải cách", children=[Node("a")])
        path = tmp_path / "index.json"
        text = idx.to_json(path)
        assert path.read_text(encoding="utf-8") == text
        assert "Chỉ số cải cách" in text  # not escaped
        assert text.endswith("}\n")
        assert CompositeIndex.from_json(path) == idx

    def test_text_with_leading_space(self) -> None:
        """JSON text is recognised after leading whitespace."""
        assert CompositeIndex.from_json("\n  " + small_index().to_json()) == small_index()

    def test_json_array_text_is_not_a_path(self) -> None:
        """JSON text holding an array is read as JSON (and refused as not an index)."""
        with pytest.raises(DefinitionError, match=r"<index JSON>: a composite index is a mapping"):
            CompositeIndex.from_json("[1]")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is named."""
        path = tmp_path / "absent.json"
        with pytest.raises(DefinitionError, match=r"absent\.json: no such file$"):
            CompositeIndex.from_json(path)

    def test_bad_json_names_the_file(self, tmp_path: Path) -> None:
        """A file that is not JSON is named, with the line and column."""
        path = tmp_path / "broken.json"
        path.write_text('{"code": "i",\n  "children": [}\n', encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=r"broken.json: not valid JSON at line 2, column \d+: "
        ):
            CompositeIndex.from_json(path)

    def test_bad_json_text(self) -> None:
        """Text that is not JSON is called <index JSON>."""
        with pytest.raises(DefinitionError, match="<index JSON>: not valid JSON"):
            CompositeIndex.from_json('{"code": ')

    def test_errors_wrapped_with_file_name(self, tmp_path: Path) -> None:
        """A definition error inside a file is prefixed with the file's name."""
        data = small_index().to_dict()
        data["aggregation"] = [{"name": "mode"}]
        path = tmp_path / "bad-method.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=r"bad-method.json: index 'i': unknown aggregation method 'mode'"
        ):
            CompositeIndex.from_json(path)

    def test_errors_wrapped_keep_the_code(self) -> None:
        """The wrapped error keeps the code of the node at fault."""
        data = small_index().to_dict()
        data["children"][0]["children"].append({"code": "a"})
        with pytest.raises(
            DefinitionError, match="<index JSON>: index 'i': node code 'a' appears twice"
        ) as info:
            CompositeIndex.from_json(json.dumps(data))
        assert info.value.code == "a"

    def test_unknown_index_field(self) -> None:
        """An unknown field of the index is named."""
        data = {**small_index().to_dict(), "weights": {}, "zzz": 1}
        with pytest.raises(DefinitionError, match="index 'i': unknown field 'weights'"):
            CompositeIndex.from_dict(data)

    def test_unknown_node_field(self) -> None:
        """An unknown field of a node is named with the node, and the file."""
        data = small_index().to_dict()
        data["children"][0]["children"][1]["dir"] = -1
        with pytest.raises(DefinitionError, match="<index JSON>: node 'b': unknown field 'dir'"):
            CompositeIndex.from_json(json.dumps(data))

    @pytest.mark.parametrize("version", [2, 0, "1"])
    def test_wrong_schema_version(self, version: object) -> None:
        """Only schema_version 1 is read."""
        data = {**small_index().to_dict(), "schema_version": version}
        with pytest.raises(
            DefinitionError, match=r"unsupported schema_version .*; this version reads 1"
        ):
            CompositeIndex.from_dict(data)

    def test_minimal_document(self) -> None:
        """code and children are enough; null texts become empty."""
        idx = CompositeIndex.from_dict(
            {"code": "i", "name": None, "children": [{"code": "a"}, {"code": "b", "weight": 2}]}
        )
        assert idx == CompositeIndex("i", children=[Node("a"), Node("b", weight=2)])
        assert idx.name == ""

    @pytest.mark.parametrize("data", [[1], {"code": "i"}, {"children": []}, "i"])
    def test_not_an_index(self, data: object) -> None:
        """Data without code and children are not an index."""
        with pytest.raises(
            DefinitionError, match="a composite index is a mapping with 'code' and 'children'"
        ):
            CompositeIndex.from_dict(data)  # type: ignore[arg-type]

    @pytest.mark.parametrize("children", ["ab", {"code": "a"}, 5])
    def test_children_not_a_list(self, children: object) -> None:
        """The index's children must be a list."""
        with pytest.raises(DefinitionError, match="'children' must be a list of nodes"):
            CompositeIndex.from_dict({"code": "i", "children": children})

    def test_nested_child_not_a_node(self) -> None:
        """A nested child that is not a mapping is refused."""
        with pytest.raises(DefinitionError, match="a node is a mapping with a 'code', got 5"):
            CompositeIndex.from_dict({"code": "i", "children": [{"code": "d", "children": [5]}]})


# --- JSON Schema ------------------------------------------------------------------------------


class TestSchema:
    def test_schema_is_valid_draft_2020_12(self) -> None:
        """The schema itself is a valid draft 2020-12 schema."""
        s = schema()
        Draft202012Validator.check_schema(s)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert s["title"] == "cchc-indicators composite index"

    @pytest.mark.parametrize("name", index_names())
    def test_shipped_index_files_validate(self, name: str) -> None:
        """Every shipped index file validates against the schema, and so does its round trip."""
        file = resources.files("cchc_indicators").joinpath(f"indices/{name}.json")
        raw = json.loads(file.read_text(encoding="utf-8"))
        validator().validate(raw)
        idx = load_index(name)
        validator().validate(idx.to_dict())
        assert CompositeIndex.from_json(idx.to_json()) == idx

    def test_custom_index_with_every_option_validates(self) -> None:
        """A round-tripped index with every option set validates and comes back equal."""
        idx = full_index()
        doc = json.loads(idx.to_json())
        validator().validate(doc)
        again = CompositeIndex.from_dict(doc)
        assert again == idx
        assert again.weights("heavy_a")["a"] == 5.5
        assert again.aggregation_of("d1") == Method("median")
        assert again.aggregation_of("full") == Method("generalised", p=0.5)
        assert again.aggregation_of("d2") == Method("geometric", shift=1)
        assert again.node("b").to_dict() == {
            "code": "b",
            "weight": 0.0,
            "direction": -1,
            "lower": 1.5,
            "upper": 9.0,
            "target": 2.0,
        }

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda d: d.pop("children"), "mapping with 'code' and 'children'"),
            (lambda d: d.update(colour="red"), "unknown field 'colour'"),
            (lambda d: d.update(schema_version=2), "unsupported schema_version"),
            (lambda d: d.update(children=[]), "needs at least one node"),
            (lambda d: d.update(min_share=1.5), "'min_share' must be from 0 to 1"),
            (lambda d: d.update(code="i "), "without surrounding spaces"),
            (lambda d: d["children"][0].update(weight=-1), "must be >= 0"),
            (lambda d: d["children"][1]["children"][0].update(direction=2), "'direction' must be"),
            (lambda d: d["children"][0].update(size=3), "unknown field 'size'"),
            (lambda d: d.update(normalisation={"low": 1}), "a method is a name or a mapping"),
            (lambda d: d.update(weight_sets={"s": {"a": -1}}), "must be >= 0"),
        ],
    )
    def test_invalid_documents_rejected_by_schema_and_reader(
        self, change: Any, message: str
    ) -> None:
        """A document the reader refuses is also invalid under the schema."""
        doc = small_index().to_dict()
        change(doc)
        assert not validator().is_valid(doc)
        with pytest.raises(DefinitionError, match=message):
            CompositeIndex.from_dict(doc)


# --- flat tables ------------------------------------------------------------------------------


ROWS = [
    {"code": "d1", "parent": "i"},
    {"code": "a", "parent": "d1"},
    {"code": "b", "parent": "d1", "weight": 2},
    {"code": "d2", "parent": "i", "weight": 3},
    {"code": "c", "parent": "d2", "direction": -1},
]


class TestFromRecords:
    def test_same_tree_as_nested(self) -> None:
        """A flat table with parents builds the same index as the nested form."""
        assert CompositeIndex.from_records("i", ROWS) == small_index()

    def test_settings_passed_on(self) -> None:
        """Keyword settings go to the index."""
        idx = CompositeIndex.from_records("i", ROWS, aggregation="geometric", min_share=0.5)
        assert idx == small_index(aggregation="geometric", min_share=0.5)

    def test_order_kept_whatever_the_row_order(self) -> None:
        """Children keep the order of their records, even listed before their parent."""
        rows = [
            {"code": "y", "parent": "d"},
            {"code": "top2", "parent": "i"},
            {"code": "x", "parent": "d"},
            {"code": "d", "parent": "i"},
            {"code": "w", "parent": "d"},
        ]
        idx = CompositeIndex.from_records("i", rows)
        assert [n.code for n in idx.children] == ["top2", "d"]
        assert [n.code for n in idx.node("d").children] == ["y", "x", "w"]

    def test_empty_cells_are_left_out(self) -> None:
        """Empty or None fields (blank cells of a sheet) take the defaults."""
        rows = [
            {"code": "d", "parent": "i", "aggregation": "", "min_share": None},
            {"code": "x", "parent": "d", "weight": "", "lower": None, "name": "X"},
        ]
        idx = CompositeIndex.from_records("i", rows)
        assert idx.node("x") == Node("x", name="X")
        assert idx.node("d").aggregation is None

    def test_node_options(self) -> None:
        """Records carry the options of nodes."""
        rows = [
            {"code": "d", "parent": "i", "aggregation": "median", "min_share": 0.5},
            {"code": "x", "parent": "d", "lower": 0, "upper": 10, "target": 8, "source": "s"},
        ]
        idx = CompositeIndex.from_records("i", rows)
        assert idx.aggregation_of("d") == Method("median")
        assert idx.node("x").target == 8.0

    def test_not_a_mapping(self) -> None:
        """A record that is not a mapping is refused with its row."""
        with pytest.raises(
            DefinitionError, match=r"index 'i', row 1: a record is a mapping, got \['x'\]"
        ):
            CompositeIndex.from_records("i", [{"code": "a", "parent": "i"}, ["x"]])

    @pytest.mark.parametrize(
        ("record", "field"),
        [
            ({"parent": "i"}, "code"),
            ({"code": "a"}, "parent"),
            ({"code": "a", "parent": ""}, "parent"),
            ({"code": "  ", "parent": "i"}, "code"),
            ({"code": None, "parent": "i"}, "code"),
        ],
    )
    def test_code_and_parent_required(self, record: dict[str, Any], field: str) -> None:
        """Every record needs a code and a parent, the row named."""
        with pytest.raises(DefinitionError, match=f"index 'i', row 1: field '{field}' is required"):
            CompositeIndex.from_records("i", [{"code": "x", "parent": "i"}, record])

    def test_duplicate_code(self) -> None:
        """A code used twice is refused at the second row."""
        rows = [
            {"code": "a", "parent": "i"},
            {"code": "b", "parent": "i"},
            {"code": "a", "parent": "b"},
        ]
        with pytest.raises(
            DefinitionError,
            match=re.escape("index 'i', row 2: node code 'a' appears twice (first in row 0)"),
        ) as info:
            CompositeIndex.from_records("i", rows)
        assert info.value.code == "a"

    def test_code_of_the_index(self) -> None:
        """A node may not take the index's code."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("row 0: node code 'i' appears twice (the index's code)"),
        ):
            CompositeIndex.from_records("i", [{"code": "i", "parent": "i"}])

    def test_unknown_parent(self) -> None:
        """A parent that is not a node is refused."""
        rows = [{"code": "a", "parent": "i"}, {"code": "b", "parent": "nowhere"}]
        with pytest.raises(
            DefinitionError, match="index 'i', row 1: parent 'nowhere' of 'b' is not a node"
        ):
            CompositeIndex.from_records("i", rows)

    def test_two_cycle(self) -> None:
        """Two nodes each the other's parent are a cycle, both named."""
        rows = [
            {"code": "ok", "parent": "i"},
            {"code": "a", "parent": "b"},
            {"code": "b", "parent": "a"},
        ]
        with pytest.raises(
            DefinitionError, match=r"index 'i': nodes 'a' \(row 1\), 'b' \(row 2\) form a cycle"
        ) as info:
            CompositeIndex.from_records("i", rows)
        assert info.value.code == "a"

    def test_three_cycle(self) -> None:
        """A three-node cycle names the three nodes, in the order of their rows."""
        rows = [
            {"code": "ok", "parent": "i"},
            {"code": "z", "parent": "x"},
            {"code": "x", "parent": "y"},
            {"code": "y", "parent": "z"},
        ]
        with pytest.raises(
            DefinitionError,
            match=(
                r"index 'i': nodes 'z' \(row 1\), 'x' \(row 2\), 'y' \(row 3\) form a cycle "
                r"\(each is its own ancestor\)$"
            ),
        ):
            CompositeIndex.from_records("i", rows)

    def test_self_parent(self) -> None:
        """A node that is its own parent is a cycle."""
        with pytest.raises(DefinitionError, match=r"nodes 'a' \(row 1\) form a cycle"):
            CompositeIndex.from_records(
                "i", [{"code": "b", "parent": "i"}, {"code": "a", "parent": "a"}]
            )

    def test_cycle_message_names_only_the_cycle(self) -> None:
        """Only the nodes on the cycle are said to be their own ancestors."""
        rows = [
            {"code": "ok", "parent": "i"},
            {"code": "a", "parent": "b"},
            {"code": "b", "parent": "a"},
            {"code": "below", "parent": "a"},
        ]
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert "'below'" not in str(info.value)

    def test_invalid_node_option(self) -> None:
        """A bad option in a record fails as the node would."""
        with pytest.raises(DefinitionError, match="'direction' must be 1"):
            CompositeIndex.from_records("i", [{"code": "a", "parent": "i", "direction": 0}])


# --- shipped indices ---------------------------------------------------------------------------


class TestShipped:
    def test_index_names(self) -> None:
        """The shipped indices are listed, sorted."""
        names = index_names()
        assert "par-style-demo" in names
        assert list(names) == sorted(names)

    def test_load_index_unknown(self) -> None:
        """An unknown name is refused, listing the names."""
        with pytest.raises(
            DefinitionError, match="unknown composite index 'par'; the indices are 'par-style-demo'"
        ) as info:
            load_index("par")
        assert info.value.code == "par"

    def test_par_style_demo_shape(self) -> None:
        """par-style-demo: 30 leaves, 15 criteria, 8 domains, depth 3."""
        idx = load_index("par-style-demo")
        assert idx.code == "par-style-demo"
        assert idx.depth == 3
        assert len(idx.leaves()) == 30
        levels = idx.levels()
        assert sum(1 for v in levels.values() if v == 1) == 8
        assert sum(1 for v in levels.values() if v == 2) == 15
        assert sum(1 for v in levels.values() if v == 3) == 30

    def test_par_style_demo_domain_weights(self) -> None:
        """The domains weigh their official maximum points, 100 in all."""
        idx = load_index("par-style-demo")
        weights = [c.weight for c in idx.children]
        assert weights == [10, 10, 14.5, 11, 16, 7, 16, 15.5]
        assert sum(weights) == 100

    def test_par_style_demo_is_illustrative(self) -> None:
        """The notes and the name say the index is illustrative, not the official one."""
        idx = load_index("par-style-demo")
        assert "ILLUSTRATIVE, NOT THE OFFICIAL PAR INDEX" in idx.notes
        assert "illustrative" in idx.name.lower()

    def test_par_style_demo_weight_set(self) -> None:
        """Its 'equal_domains' set gives each domain weight 1."""
        idx = load_index("par-style-demo")
        w = idx.weights("equal_domains")
        assert {w[c.code] for c in idx.children} == {1.0}

    def test_par_style_demo_directions(self) -> None:
        """Some indicators are lower-is-better, such as days overdue."""
        idx = load_index("par-style-demo")
        assert idx.node("days_overdue").direction == -1
        assert idx.node("files_on_time").direction == 1


# --- method options checked when the index is built --------------------------------------------


class TestOptionRanges:
    @pytest.mark.parametrize(
        ("options", "shown"),
        [
            ({"low": 100, "high": 0}, "low=100, high=0"),
            ({"low": 5, "high": 5}, "low=5, high=5"),
            ({"low": 150}, "low=150, high=100"),  # high keeps its default, 100
            ({"high": -1.5}, "low=0, high=-1.5"),  # low keeps its default, 0
        ],
    )
    def test_minmax_needs_low_below_high(self, options: dict[str, float], shown: str) -> None:
        """minmax's target range must rise, the defaults 0 and 100 counting."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"index 'i': normalisation 'minmax' needs 'low' < 'high', got {shown}"),
        ):
            small_index(normalisation=Method("minmax", **options))

    @pytest.mark.parametrize(
        ("method", "message"),
        [
            (Method("zscore", sd=0), "option 'sd' must be > 0, got 0"),
            (Method("zscore", sd=-1), "option 'sd' must be > 0, got -1"),
            (Method("percentile_rank", scale=-5), "option 'scale' must be > 0, got -5"),
            (Method("goalposts", scale=0), "option 'scale' must be > 0, got 0"),
        ],
    )
    def test_spreads_must_be_positive(self, method: Method, message: str) -> None:
        """sd and scale must be above 0, refused before any data are seen."""
        with pytest.raises(DefinitionError, match=re.escape(f"index 'i': {message}")):
            CompositeIndex("i", children=[Node("a", lower=0, upper=1)], normalisation=method)

    def test_shift_must_not_be_negative(self) -> None:
        """The geometric shift is >= 0, on the index and on a node."""
        with pytest.raises(DefinitionError, match="index 'i': option 'shift' must be >= 0, got -5"):
            small_index(aggregation=Method("geometric", shift=-5))
        with pytest.raises(DefinitionError, match="node 'd': option 'shift' must be >= 0, got -1"):
            Node("d", children=[Node("x")], aggregation={"name": "geometric", "shift": -1})

    def test_boundary_values_accepted(self) -> None:
        """A shift of 0 and small positive spreads are valid."""
        idx = small_index(aggregation=Method("geometric", shift=0))
        assert idx.aggregation == (Method("geometric", shift=0),)
        assert small_index(normalisation=Method("zscore", sd=1e-9)).normalisation.kwargs["sd"] > 0
        assert small_index(normalisation=Method("minmax", low=-1, high=0)).normalisation.name

    @pytest.mark.parametrize("p", [math.inf, -math.inf, math.nan])
    def test_generalised_p_must_be_finite(self, p: float) -> None:
        """A non-finite exponent is refused, naming the field."""
        with pytest.raises(
            DefinitionError, match=r"^'aggregation': method option 'p' must be finite"
        ):
            small_index(aggregation={"name": "generalised", "p": p})

    def test_compute_time_overrides_are_checked_too(self) -> None:
        """A method given to compute_index goes through the same checks."""
        data = Observations.from_values({"a": [1, 2], "b": [2, 1], "c": [3, 1]}, ["u", "v"])
        with pytest.raises(DefinitionError, match="index 'i': option 'sd' must be > 0, got 0"):
            compute_index(small_index(), data, normalisation=Method("zscore", sd=0))


# --- errors of nested definitions name the node --------------------------------------------


DEEP_DOC: dict[str, Any] = {
    "kind": "composite_index",
    "code": "i",
    "children": [{"code": "d", "children": [{"code": "x"}, {"code": "y"}]}],
}


def deep_doc(**x_fields: Any) -> dict[str, Any]:
    """DEEP_DOC with fields added to its leaf 'x'."""
    doc: dict[str, Any] = json.loads(json.dumps(DEEP_DOC))
    doc["children"][0]["children"][0].update(x_fields)
    return doc


class TestNodeNamedInErrors:
    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"weight": -1}, "node 'x': a node's 'weight' must be >= 0, got -1"),
            ({"weight": "2"}, "node 'x': a node's 'weight' must be a finite number, got '2'"),
            ({"direction": 0}, "node 'x': 'direction' must be 1 (higher is better)"),
            ({"lower": "0"}, "node 'x': a goalpost or target must be a finite number, got '0'"),
            ({"name": 5}, "node 'x': 'name' must be text, got 5"),
            ({"aggregation": {"p": 1}}, "node 'x': 'aggregation': a method is a name or a mapping"),
        ],
    )
    def test_bad_field_of_a_nested_node(self, fields: dict[str, Any], message: str) -> None:
        """A bad field deep in the tree names its node, and the error carries its code."""
        with pytest.raises(DefinitionError, match="^" + re.escape(message)) as info:
            CompositeIndex.from_dict(deep_doc(**fields))
        assert info.value.code == "x"

    def test_node_named_once(self) -> None:
        """A message that names its node already is not prefixed again."""
        with pytest.raises(DefinitionError) as info:
            Node.from_dict({"code": "x", "lower": 5, "upper": 1})
        assert str(info.value).startswith("node 'x': goalposts need lower < upper")
        assert str(info.value).count("node 'x'") == 1

    def test_file_name_still_comes_first(self, tmp_path: Path) -> None:
        """from_json puts the file's name before the node's."""
        path = tmp_path / "neg.json"
        path.write_text(json.dumps(deep_doc(weight=-1)), encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_json(path)
        assert str(info.value) == f"{path}: node 'x': a node's 'weight' must be >= 0, got -1"
        assert info.value.code == "x"

    @pytest.mark.parametrize("children", [5, None, "ab", {"code": "z"}])
    def test_children_of_a_node_must_be_a_list(self, children: object) -> None:
        """A node's children that are not a list are refused, naming the node."""
        with pytest.raises(
            DefinitionError, match=r"^node 'd': 'children' must be a list of nodes, got "
        ):
            Node.from_dict({"code": "d", "children": children})

    def test_misspelt_field_gets_a_hint(self) -> None:
        """A field close to a known one is named with the likely meant field."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("node 'x': unknown field 'wieght' (did you mean 'weight'?)"),
        ):
            CompositeIndex.from_dict(deep_doc(wieght=2))
        with pytest.raises(DefinitionError) as info:
            Node.from_dict({"code": "x", "colour": "red"})
        assert "did you mean" not in str(info.value)

    @pytest.mark.parametrize("kind", ["points_structure", "index", None])
    def test_kind_is_checked(self, kind: object) -> None:
        """A document of another kind is refused."""
        with pytest.raises(
            DefinitionError, match=f"^index 'i': 'kind' must be 'composite_index', got {kind!r}"
        ):
            CompositeIndex.from_dict({**DEEP_DOC, "kind": kind})

    def test_schema_version_true_is_not_1(self) -> None:
        """true is not the version 1."""
        with pytest.raises(DefinitionError, match="unsupported schema_version True"):
            CompositeIndex.from_dict({**DEEP_DOC, "schema_version": True})

    @pytest.mark.parametrize("field", ["name", "source", "notes"])
    def test_index_texts_null_or_text(self, field: str) -> None:
        """null stands for an empty text; other non-texts are refused, even falsy ones."""
        assert getattr(CompositeIndex.from_dict({**DEEP_DOC, field: None}), field) == ""
        with pytest.raises(DefinitionError, match=f"'{field}' must be text, got 0"):
            CompositeIndex.from_dict({**DEEP_DOC, field: 0})

    def test_method_error_names_the_field(self) -> None:
        """A malformed method of the index names the field it is given for."""
        with pytest.raises(
            DefinitionError, match=r"^'imputation': a method is a name or a mapping"
        ):
            CompositeIndex.from_dict({**DEEP_DOC, "imputation": 3})


# --- metadata sheets: records with text values, CSV files ---------------------------------------


SHEET = """code,parent,name,weight,direction,lower,upper,target,aggregation,min_share,source
d,i,Domain,2.5,,,,,median,0.5,
x,d,X,1,1,0,10,8,,,survey
y,d,,3,-1,,,,,,
"""


def sheet_rows(text: str = SHEET) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def sheet_index(**settings: Any) -> CompositeIndex:
    """The index SHEET describes, built by hand."""
    return CompositeIndex(
        "i",
        children=[
            Node(
                "d",
                name="Domain",
                weight=2.5,
                aggregation="median",
                min_share=0.5,
                children=[
                    Node("x", name="X", lower=0, upper=10, target=8, source="survey"),
                    Node("y", weight=3, direction=-1),
                ],
            )
        ],
        **settings,
    )


class TestSheetRecords:
    def test_text_values_are_parsed(self) -> None:
        """Rows of csv.DictReader (all text, '' for blanks) build the same index as by hand."""
        assert CompositeIndex.from_records("i", sheet_rows()) == sheet_index()

    def test_numbers_of_a_data_frame(self) -> None:
        """NumPy numbers are read, and NaN (a blank cell as pandas reads it) takes the default."""
        rows = [
            {"code": "d", "parent": "i", "weight": np.float64("nan"), "min_share": np.nan},
            {"code": "x", "parent": "d", "weight": np.int64(3), "direction": np.int64(-1)},
            {"code": "y", "parent": "d", "lower": np.float64(0.5), "name": math.nan},
        ]
        idx = CompositeIndex.from_records("i", rows)
        assert idx.node("d") == Node("d", children=[idx.node("x"), idx.node("y")])
        assert idx.node("x") == Node("x", weight=3, direction=-1)
        assert idx.node("y") == Node("y", lower=0.5)

    def test_spaces_around_cells_are_dropped(self) -> None:
        """Cells are stripped, as a spreadsheet's padding is not meant."""
        rows = [{"code": " a ", "parent": "i ", "weight": " 2 ", "aggregation": " "}]
        assert CompositeIndex.from_records("i", rows) == CompositeIndex(
            "i", children=[Node("a", weight=2)]
        )

    def test_aggregation_as_json_text(self) -> None:
        """A method with options can be written as a JSON object in its cell."""
        rows = [
            {"code": "d", "parent": "i", "aggregation": '{"name": "generalised", "p": 0.5}'},
            {"code": "x", "parent": "d"},
        ]
        idx = CompositeIndex.from_records("i", rows)
        assert idx.aggregation_of("d") == Method("generalised", p=0.5)

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ({"weight": "abc"}, "column 'weight': node 'x': a node's 'weight' must be a finite number, got 'abc'"),
            ({"weight": "-2"}, "column 'weight': node 'x': a node's 'weight' must be >= 0, got -2"),
            ({"weight": "inf"}, "column 'weight': node 'x': a node's 'weight' must be a finite number, got inf"),
            ({"direction": "0"}, "column 'direction': node 'x': 'direction' must be 1 (higher is better) or -1 (lower is better), got 0"),
            ({"direction": "up"}, "column 'direction': node 'x': 'direction' must be 1 (higher is better) or -1 (lower is better), got 'up'"),
            ({"lower": "nan"}, "column 'lower': node 'x': a goalpost or target must be a finite number, got nan"),
            ({"target": "8 %"}, "column 'target': node 'x': a goalpost or target must be a finite number, got '8 %'"),
            ({"min_share": "1.5"}, "column 'min_share': node 'x': 'min_share' must be from 0 to 1, got 1.5"),
            ({"aggregation": "mean"}, "column 'aggregation': node 'x': unknown aggregation method 'mean'"),
            ({"aggregation": '{"name": "geometric", "shift": -1}'}, "column 'aggregation': node 'x': option 'shift' must be >= 0, got -1"),
            ({"aggregation": '{"name": '}, "column 'aggregation': node 'x': a method written as JSON is not valid JSON"),
            ({"aggregation": '{"p": 2}'}, "column 'aggregation': node 'x': a method is a name or a mapping with 'name'"),
            ({"name": 5}, "column 'name': node 'x': 'name' must be text, got 5"),
            ({"source": ["s"]}, "column 'source': node 'x': 'source' must be text, got ['s']"),
            ({"parent": 7}, "column 'parent': node 'x': 'parent' must be text, got 7"),
        ],
    )  # fmt: skip
    def test_field_errors_name_row_column_and_node(self, row: dict[str, Any], message: str) -> None:
        """A bad cell is refused naming the row (from 0), the column and the node."""
        rows = [{"code": "d", "parent": "i"}, {"code": "x", "parent": "d", **row}]
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value).startswith(f"index 'i', row 1, {message}")
        assert info.value.code == "x"

    def test_code_must_be_text(self) -> None:
        """A code that is not text is refused in its column (no node to name)."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", [{"code": 5, "parent": "i"}])
        assert str(info.value) == "index 'i', row 0, column 'code': 'code' must be text, got 5"
        assert info.value.code is None

    @pytest.mark.parametrize(
        ("column", "hint"),
        [("colour", ""), ("wieght", " (did you mean 'weight'?)"), ("notes", "")],
    )
    def test_unknown_column(self, column: str, hint: str) -> None:
        """A column that is not a node field is refused, even blank, with the columns listed."""
        rows = [{"code": "x", "parent": "i", column: ""}]
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value) == (
            f"index 'i', row 0, column {column!r}: node 'x': unknown column {column!r}{hint}; "
            "the columns are code, parent, name, weight, direction, lower, upper, target, "
            "aggregation, min_share, source, denominator, per, normalisation, treatment, imputation"
        )
        assert info.value.code == "x"

    def test_unknown_column_of_a_row_without_code(self) -> None:
        """Without a code, the unknown column is named with the row alone."""
        with pytest.raises(
            DefinitionError, match=r"^index 'i', row 0, column 'kind': unknown column 'kind';"
        ):
            CompositeIndex.from_records("i", [{"kind": "x"}])

    def test_more_cells_than_columns(self) -> None:
        """csv.DictReader's extra cells (key None) are refused naming the row."""
        rows = sheet_rows("code,parent\nd,i\nx,d,oops\n")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value) == (
            "index 'i', row 1: node 'x': the row has more cells than the header has columns"
        )

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            (
                [{"code": "x", "parent": "i"}, {"code": "y", "parent": "x", "aggregation": "median"}],
                "index 'i', row 1: node 'y' is a leaf, so 'aggregation' (an aggregate's option) does not apply",
            ),
            (
                [{"code": "x", "parent": "i", "direction": "-1"}, {"code": "y", "parent": "x"}],
                "index 'i', row 0: node 'x' has children, so 'direction' (a leaf option) does not apply",
            ),
            (
                [{"code": "x", "parent": "i"}, {"code": "y", "parent": "x", "weight": "0"}],
                "index 'i', row 0: node 'x': the weights of its children sum to 0",
            ),
            (
                [{"code": "x", "parent": "i", "lower": "9", "upper": "1"}],
                "index 'i', row 0: node 'x': goalposts need lower < upper",
            ),
        ],
    )  # fmt: skip
    def test_rules_between_fields_name_row_and_node(
        self, rows: list[dict[str, Any]], message: str
    ) -> None:
        """A rule across fields or rows is refused naming the node's row, the node once."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_records("i", rows)
        assert str(info.value).startswith(message)
        assert str(info.value).count("node '") == 1

    def test_settings_errors_are_the_index(self) -> None:
        """An error of the settings names the index, not a row."""
        with pytest.raises(
            DefinitionError,
            match=r"^index 'i': normalisation 'goalposts' needs 'lower' and 'upper'",
        ):
            CompositeIndex.from_records("i", sheet_rows(), normalisation="goalposts")


def index_rows(index: CompositeIndex) -> list[dict[str, str]]:
    """Write an index as the text rows of a metadata sheet, every cell text ('' for a default)."""
    rows = []

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, Method):
            return json.dumps(value.to_dict())
        return repr(value) if isinstance(value, float) else str(value)

    def visit(node: Node, parent: str) -> None:
        rows.append(
            {
                "code": node.code,
                "parent": parent,
                "name": node.name,
                "weight": text(node.weight),
                "direction": text(node.direction),
                "lower": text(node.lower),
                "upper": text(node.upper),
                "target": text(node.target),
                "aggregation": text(node.aggregation),
                "min_share": text(node.min_share),
                "source": node.source,
            }
        )
        for child in node.children:
            visit(child, node.code)

    for child in index.children:
        visit(child, index.code)
    return rows


finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def indices(draw: st.DrawFn) -> CompositeIndex:
    """Random trees of up to three levels with random node options."""
    codes = iter(f"n{i}" for i in range(1000))
    methods = st.sampled_from(
        [None, Method("median"), Method("geometric", shift=1.5), Method("generalised", p=-0.5)]
    )

    def node(depth: int) -> Node:
        code = next(codes)
        weight = draw(st.sampled_from([1.0, 0.5, 2.0, 1e-3, 7.25]))
        name = draw(st.sampled_from(["", "Tên chỉ số", "a, b"]))
        if depth > 0 and draw(st.booleans()):
            kids = [node(depth - 1) for _ in range(draw(st.integers(1, 3)))]
            return Node(
                code,
                children=kids,
                weight=weight,
                name=name,
                aggregation=draw(methods),
                min_share=draw(st.sampled_from([None, 0.0, 0.25, 1.0])),
            )
        lower = draw(st.none() | finite)
        upper = draw(st.none() | finite)
        if lower is not None and upper is not None and not lower < upper:
            lower, upper = None, upper
        return Node(
            code,
            weight=weight,
            name=name,
            direction=draw(st.sampled_from([1, -1])),
            lower=lower,
            upper=upper,
            target=draw(st.none() | finite),
            source=draw(st.sampled_from(["", "survey"])),
        )

    return CompositeIndex("idx", children=[node(2) for _ in range(draw(st.integers(1, 3)))])


class TestSheetRoundTrip:
    @given(indices())
    def test_text_sheet_builds_the_same_index(self, idx: CompositeIndex) -> None:
        """An index written as a sheet of text cells comes back equal from from_records."""
        assert CompositeIndex.from_records(idx.code, index_rows(idx)) == idx

    @given(indices())
    def test_written_indices_validate(self, idx: CompositeIndex) -> None:
        """Whatever to_dict writes, the schema accepts."""
        validator().validate(idx.to_dict())


def write_sheet(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


class TestFromCsv:
    def test_reads_a_sheet(self, tmp_path: Path) -> None:
        """A CSV sheet builds the same index as its records; settings are passed on."""
        path = tmp_path / "meta.csv"
        path.write_text(SHEET, encoding="utf-8")
        got = CompositeIndex.from_csv("i", path, aggregation="geometric")
        assert got == sheet_index(aggregation="geometric")

    def test_any_column_order_bom_and_blank_lines(self, tmp_path: Path) -> None:
        """Columns in any order, a byte-order mark and blank lines are fine; text path works."""
        rows = [["weight", "parent", "code"], ["", "i", "d"], [], ["2", "d", "x"], ["", "d", "y"]]
        path = write_sheet(tmp_path / "m.csv", rows, bom=True)
        got = CompositeIndex.from_csv("i", str(path))
        assert got == CompositeIndex(
            "i", children=[Node("d", children=[Node("x", weight=2), Node("y")])]
        )

    def test_nameless_blank_column_is_ignored(self, tmp_path: Path) -> None:
        """A trailing comma in the header adds a nameless column, fine while it is empty."""
        path = tmp_path / "m.csv"
        path.write_text("code,parent,\nx,i,\n", encoding="utf-8")
        assert CompositeIndex.from_csv("i", path) == CompositeIndex("i", children=[Node("x")])
        path.write_text("code,parent,\nx,i,\ny,i,5\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value) == f"{path}: row 3: a value in a column without a name in the header"

    def test_field_error_names_file_row_and_column(self, tmp_path: Path) -> None:
        """A bad cell names the file and the row as a spreadsheet shows it (header = row 1)."""
        rows = [["code", "parent", "weight"], ["d", "i", ""], [], ["x", "d", "-2"]]
        path = write_sheet(tmp_path / "meta.csv", rows)
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value) == (
            f"{path}: index 'i', row 4, column 'weight': node 'x': "
            "a node's 'weight' must be >= 0, got -2"
        )
        assert info.value.code == "x"

    def test_tree_errors_use_spreadsheet_rows(self, tmp_path: Path) -> None:
        """Duplicates, unknown parents and cycles are reported with spreadsheet rows."""
        path = tmp_path / "m.csv"
        path.write_text("code,parent\nok,i\na,b\nb,a\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value) == (
            f"{path}: index 'i': nodes 'a' (row 3), 'b' (row 4) form a cycle "
            "(each is its own ancestor)"
        )
        path.write_text("code,parent\na,i\na,i\n", encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=re.escape("row 3: node code 'a' appears twice (first in row 2)")
        ):
            CompositeIndex.from_csv("i", path)
        path.write_text("code,parent\na,i\nb,zz\n", encoding="utf-8")
        with pytest.raises(DefinitionError, match="row 3: parent 'zz' of 'b' is not a node"):
            CompositeIndex.from_csv("i", path)

    def test_missing_columns(self, tmp_path: Path) -> None:
        """A sheet without code or parent is refused at its header."""
        path = tmp_path / "m.csv"
        path.write_text("code,name\nx,X\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value).startswith(
            f"{path}: row 1: missing column(s) 'parent'; the columns are code, parent, name"
        )

    def test_unknown_column_in_the_header(self, tmp_path: Path) -> None:
        """An unknown column is refused at the header, with a hint when misspelt."""
        path = tmp_path / "m.csv"
        path.write_text("code,parent,drection\nx,i,-1\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value).startswith(
            f"{path}: row 1, column 'drection': unknown column 'drection' "
            "(did you mean 'direction'?); the columns are code, parent"
        )

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that is not there is named."""
        path = tmp_path / "absent.csv"
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", path)
        assert str(info.value) == f"{path}: cannot read the index: no such file"

    def test_folder_instead_of_a_file(self, tmp_path: Path) -> None:
        """A folder is said to be one."""
        with pytest.raises(DefinitionError) as info:
            CompositeIndex.from_csv("i", tmp_path)
        assert str(info.value) == f"{tmp_path}: cannot read the index: is a directory, not a file"

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file in another encoding is refused by the project's CSV reader."""
        path = tmp_path / "m.csv"
        path.write_bytes(b"code,parent,name\nx,i,\xe9\n")
        with pytest.raises(InvalidDataError, match="not UTF-8 text"):
            CompositeIndex.from_csv("i", path)

    def test_settings_errors_name_the_file(self, tmp_path: Path) -> None:
        """Errors of the settings also name the file."""
        path = tmp_path / "m.csv"
        path.write_text("code,parent\nx,i\n", encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=re.escape(f"{path}: index 'i': unknown imputation method 'knn'")
        ):
            CompositeIndex.from_csv("i", path, imputation="knn")

    @given(indices())
    @settings(max_examples=20)
    def test_csv_sheet_builds_the_same_index(self, idx: CompositeIndex) -> None:
        """An index written to a CSV sheet comes back equal from from_csv."""
        rows = index_rows(idx)
        with tempfile.TemporaryDirectory() as folder:
            path = write_sheet(
                Path(folder) / "m.csv", [list(rows[0])] + [list(r.values()) for r in rows]
            )
            assert CompositeIndex.from_csv(idx.code, path) == idx


# --- the JSON Schema and the loader agree ---------------------------------------------------------


#: Valid options for every option of every method.
OPTION_VALUES: dict[str, Any] = {
    "low": -5,
    "high": 5.5,
    "over": "panel",
    "mean": 50,
    "sd": 10,
    "truncate": False,
    "scale": 1,
    "cap": True,
    "ties": "average",
    "shift": 0.5,
    "p": -1,
}

ROLES = {"normalisation": NORMALISATIONS, "aggregation": AGGREGATIONS, "imputation": IMPUTATIONS}


def tiny_doc(**fields: Any) -> dict[str, Any]:
    """A valid two-level document with goalposts and targets on its leaves, fields added."""
    doc: dict[str, Any] = {
        "schema_version": 1,
        "kind": "composite_index",
        "code": "i",
        "children": [
            {
                "code": "d",
                "children": [
                    {"code": "a", "lower": 0, "upper": 10, "target": 5},
                    {"code": "b", "lower": 1, "upper": 2, "target": 1.5, "direction": -1},
                ],
            }
        ],
    }
    doc.update(fields)
    return doc


def leaf_a(**fields: Any) -> dict[str, Any]:
    """tiny_doc with fields added to leaf 'a'."""
    doc = tiny_doc()
    doc["children"][0]["children"][0].update(fields)
    return doc


def domain_d(**fields: Any) -> dict[str, Any]:
    """tiny_doc with fields added to the aggregate 'd'."""
    doc = tiny_doc()
    doc["children"][0].update(fields)
    return doc


#: Documents both the schema and the loader accept.
VALID_DOCS = {
    "names as text": tiny_doc(normalisation="zscore", aggregation="geometric", imputation="locf"),
    "one method object": tiny_doc(aggregation={"name": "generalised", "p": 2}),
    "one per level": tiny_doc(aggregation=["median", {"name": "geometric", "shift": 1}]),
    "nulls": tiny_doc(name=None, source=None, notes=None, min_share=None),
    "node nulls": domain_d(aggregation=None, min_share=None, lower=None, target=None),
    "direction 1 on aggregate": domain_d(direction=1),
    "leaf with empty children": leaf_a(children=[]),
    "minimal": {"code": "i", "children": [{"code": "a"}]},
    "weight sets": tiny_doc(weight_sets={"s": {"a": 0, "d": 2.5}, "empty": {}}),
    "zero share bounds": domain_d(min_share=0) | {"min_share": 1},
    "code with a line break inside": leaf_a(code="a\nb"),
}

#: Documents both refuse, with a distinctive part of the loader's message.
INVALID_DOCS = {
    "unknown normalisation": (tiny_doc(normalisation="rank"), "unknown normalisation method 'rank'"),
    "unknown aggregation": (tiny_doc(aggregation="mean"), "unknown aggregation method 'mean'"),
    "unknown imputation": (tiny_doc(imputation={"name": "zero"}), "unknown imputation method 'zero'"),
    "name not text": (tiny_doc(normalisation={"name": 5}), "a method is a name or a mapping"),
    "no name": (tiny_doc(normalisation={"low": 1}), "a method is a name or a mapping"),
    "option of another method": (tiny_doc(normalisation={"name": "minmax", "p": 2}), "takes no option 'p'"),
    "option of an option-less method": (tiny_doc(imputation={"name": "mean", "k": 3}), "takes no option 'k'"),
    "generalised without p": (tiny_doc(aggregation="generalised"), "needs a number 'p'"),
    "p as text": (tiny_doc(aggregation={"name": "generalised", "p": "2"}), "needs a number 'p'"),
    "empty aggregation list": (tiny_doc(aggregation=[]), "'aggregation' must be a method or a sequence"),
    "aggregation null": (tiny_doc(aggregation=None), "'aggregation' must be a method or a sequence"),
    "normalisation null": (tiny_doc(normalisation=None), "a method is a name or a mapping"),
    "sd 0": (tiny_doc(normalisation={"name": "zscore", "sd": 0}), "option 'sd' must be > 0"),
    "scale < 0": (tiny_doc(normalisation={"name": "percentile_rank", "scale": -5}), "option 'scale' must be > 0"),
    "goalposts scale 0": (tiny_doc(normalisation={"name": "goalposts", "scale": 0}), "option 'scale' must be > 0"),
    "shift < 0": (tiny_doc(aggregation={"name": "geometric", "shift": -1}), "option 'shift' must be >= 0"),
    "low null": (tiny_doc(normalisation={"name": "minmax", "low": None}), "option 'low' must be a number"),
    "over": (tiny_doc(normalisation={"name": "zscore", "over": "always"}), "option 'over' must be 'period' or 'panel'"),
    "ties": (tiny_doc(normalisation={"name": "percentile_rank", "ties": "random"}), "option 'ties' must be"),
    "truncate as text": (tiny_doc(normalisation={"name": "goalposts", "truncate": "yes"}), "option 'truncate' must be true or false"),
    "min_share > 1": (tiny_doc(min_share=1.5), "'min_share' must be from 0 to 1"),
    "node min_share < 0": (domain_d(min_share=-0.1), "'min_share' must be from 0 to 1"),
    "kind": (tiny_doc(kind="points_structure"), "'kind' must be 'composite_index'"),
    "schema_version 2": (tiny_doc(schema_version=2), "unsupported schema_version 2"),
    "schema_version true": (tiny_doc(schema_version=True), "unsupported schema_version True"),
    "unknown index field": (tiny_doc(weights={}), "unknown field 'weights'"),
    "index name 0": (tiny_doc(name=0), "'name' must be text, got 0"),
    "index code spaces": (tiny_doc(code="i "), "without surrounding spaces"),
    "no children": (tiny_doc(children=[]), "needs at least one node"),
    "weight sets null": (tiny_doc(weight_sets=None), "'weight_sets' must map set names"),
    "weight set negative": (tiny_doc(weight_sets={"s": {"a": -1}}), "must be >= 0"),
    "weight set nameless": (tiny_doc(weight_sets={"": {"a": 1}}), "a weight set needs a name"),
    "weight set blank code": (tiny_doc(weight_sets={"s": {"": 1}}), "node '' is not in the index"),
    "misspelt node field": (leaf_a(wieght=2), "unknown field 'wieght'"),
    "weight as text": (leaf_a(weight="2"), "must be a finite number, got '2'"),
    "negative weight": (leaf_a(weight=-1), "must be >= 0, got -1"),
    "weight true": (leaf_a(weight=True), "must be a finite number, got True"),
    "direction 0": (leaf_a(direction=0), "'direction' must be 1"),
    "goalpost as text": (leaf_a(lower="0"), "a goalpost or target must be a finite number"),
    "leaf aggregation": (leaf_a(aggregation="median"), "is a leaf, so 'aggregation'"),
    "leaf min_share": (leaf_a(min_share=0.5), "is a leaf, so 'min_share'"),
    "aggregate direction": (domain_d(direction=-1), "has children, so 'direction'"),
    "aggregate target": (domain_d(target=5), "has children, so 'target'"),
    "aggregate bad method": (domain_d(aggregation="mode"), "unknown aggregation method 'mode'"),
    "node name null": (leaf_a(name=None), "'name' must be text, got None"),
    "node children null": (domain_d(children=None), "'children' must be a list of nodes"),
    "node code empty": (leaf_a(code=""), "must be non-empty text"),
    "node code newline inside spaces": (leaf_a(code=" a\nb"), "without surrounding spaces"),
}  # fmt: skip

#: Documents the schema accepts but the loader refuses: rules across values (see its $comment).
BEYOND_SCHEMA = {
    "minmax low > high": (tiny_doc(normalisation={"name": "minmax", "low": 9, "high": 1}), "needs 'low' < 'high'"),
    "code twice": (leaf_a(code="b"), "node code 'b' appears twice"),
    "weights sum to 0": (domain_d(children=[{"code": "a", "weight": 0}]), "the weights of its children sum to 0"),
    "lower above upper": (leaf_a(lower=20), "goalposts need lower < upper"),
    "goalposts without goalposts": (tiny_doc(normalisation="goalposts", children=[{"code": "z"}]), "needs 'lower' and 'upper' on every indicator"),
    "target missing": (tiny_doc(normalisation="distance_to_target", children=[{"code": "z"}]), "needs a 'target' on every indicator"),
    "aggregation list length": (tiny_doc(aggregation=["median"] * 3), "give one for all levels or one per level (2)"),
    "weight set of an unknown node": (tiny_doc(weight_sets={"s": {"zz": 1}}), "node 'zz' is not in the index"),
}  # fmt: skip


class TestSchemaAgreement:
    @pytest.mark.parametrize("role", list(ROLES))
    def test_schema_lists_the_methods_and_their_options(self, role: str) -> None:
        """The schema's method names and each method's options are those of the tables."""
        table = ROLES[role]
        text_names, obj = schema()["$defs"][role]["anyOf"]
        assert set(obj["properties"]["name"]["enum"]) == set(table)
        # A name alone is a method whenever the method needs no option.
        assert set(text_names["enum"]) == set(table) - {"generalised"}
        options: dict[str, set[str]] = {name: set() for name in table}
        for branch in obj.get("allOf", []):
            condition = branch["if"]["properties"]["name"]
            names = condition.get("enum", [condition.get("const")])
            for name in names:
                options[name] = set(branch["then"]["properties"]) - {"name"}
        assert options == {name: set(opts) for name, opts in table.items()}

    @pytest.mark.parametrize(
        ("role", "name"), [(role, name) for role, table in ROLES.items() for name in table]
    )
    def test_every_method_with_every_option_validates(self, role: str, name: str) -> None:
        """An index using a method with all its options round-trips and validates."""
        options = {key: OPTION_VALUES[key] for key in ROLES[role][name]}
        idx = CompositeIndex.from_dict(tiny_doc(**{role: {"name": name, **options}}))
        doc = json.loads(idx.to_json())
        validator().validate(doc)
        assert CompositeIndex.from_dict(doc) == idx
        method = idx.aggregation[0] if role == "aggregation" else getattr(idx, role)
        assert method == Method(name, **options)

    @pytest.mark.parametrize("doc", list(VALID_DOCS.values()), ids=list(VALID_DOCS))
    def test_valid_documents_accepted_by_both(self, doc: dict[str, Any]) -> None:
        """A document the schema accepts, the loader reads (and what it writes validates)."""
        validator().validate(doc)
        idx = CompositeIndex.from_dict(doc)
        validator().validate(idx.to_dict())

    @pytest.mark.parametrize(
        ("doc", "message"), list(INVALID_DOCS.values()), ids=list(INVALID_DOCS)
    )
    def test_invalid_documents_refused_by_both(self, doc: dict[str, Any], message: str) -> None:
        """A document the loader refuses is refused by the schema, and the other way round."""
        assert not validator().is_valid(doc)
        with pytest.raises(DefinitionError, match=re.escape(message)):
            CompositeIndex.from_dict(doc)

    @pytest.mark.parametrize(
        ("doc", "message"), list(BEYOND_SCHEMA.values()), ids=list(BEYOND_SCHEMA)
    )
    def test_rules_beyond_the_schema(self, doc: dict[str, Any], message: str) -> None:
        """Rules across several values are the loader's alone, as the schema's $comment says."""
        assert validator().is_valid(doc)
        with pytest.raises(DefinitionError, match=re.escape(message)):
            CompositeIndex.from_dict(doc)

    def test_schema_comment_lists_the_rules_beyond_it(self) -> None:
        """The schema says which rules only the loader checks."""
        comment = schema()["$comment"]
        for words in ("unique", "sum to 0", "weight set", "one per level", "'low' < 'high'",
                      "'goalposts'", "'distance_to_target'"):  # fmt: skip
            assert words in comment
