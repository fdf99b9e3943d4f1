"""Tests of the composite-index definitions: Method, Node, CompositeIndex, JSON, schema, flat tables.

Every error path feeds the bad input and checks the error type and a distinctive
part of the message. The shipped indices and a custom index with every option
set are validated against the JSON Schema with ``jsonschema``.
"""

from __future__ import annotations

import json
import math
import pickle
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from cchc_indicators import DefinitionError, UnknownIndicatorError
from cchc_indicators.composite import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    SCHEMA_VERSION,
    CompositeIndex,
    Method,
    Node,
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
        """to_json(path) writes a UTF-8 file that from_json reads, by Path or by text path."""
        idx = CompositeIndex("chỉ-số", name="Chỉ số cải cách", children=[Node("a")])
        path = tmp_path / "index.json"
        text = idx.to_json(path)
        assert path.read_text(encoding="utf-8") == text
        assert "Chỉ số cải cách" in text  # not escaped
        assert text.endswith("}\n")
        assert CompositeIndex.from_json(path) == idx
        assert CompositeIndex.from_json(str(path)) == idx

    def test_text_with_leading_space(self) -> None:
        """JSON text is recognised after leading whitespace."""
        assert CompositeIndex.from_json("\n  " + small_index().to_json()) == small_index()

    def test_json_array_text_is_not_a_path(self) -> None:
        """JSON text holding an array is read as JSON (and refused as not an index)."""
        with pytest.raises(DefinitionError, match=r"<json>: a composite index is a mapping"):
            CompositeIndex.from_json("[1]")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is named."""
        path = tmp_path / "absent.json"
        with pytest.raises(DefinitionError, match=r"absent\.json: cannot read the index"):
            CompositeIndex.from_json(path)

    def test_bad_json_names_the_file(self, tmp_path: Path) -> None:
        """A file that is not JSON is named, with the line and column."""
        path = tmp_path / "broken.json"
        path.write_text('{"code": "i",\n  "children": [}\n', encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=r"broken.json: not valid JSON: .*\(line 2, column \d+\)"
        ):
            CompositeIndex.from_json(path)

    def test_bad_json_text(self) -> None:
        """Text that is not JSON is called <json>."""
        with pytest.raises(DefinitionError, match="<json>: not valid JSON"):
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
            DefinitionError, match="<json>: index 'i': node code 'a' appears twice"
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
        with pytest.raises(DefinitionError, match="<json>: node 'b': unknown field 'dir'"):
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
            ({"code": 5, "parent": "i"}, "code"),
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
            DefinitionError, match="index 'i', row 2: node code 'a' appears twice"
        ) as info:
            CompositeIndex.from_records("i", rows)
        assert info.value.code == "a"

    def test_code_of_the_index(self) -> None:
        """A node may not take the index's code."""
        with pytest.raises(DefinitionError, match="row 0: node code 'i' appears twice"):
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
        with pytest.raises(DefinitionError, match="index 'i': nodes 'a', 'b' form a cycle") as info:
            CompositeIndex.from_records("i", rows)
        assert info.value.code == "a"

    def test_three_cycle(self) -> None:
        """A three-node cycle names the three nodes."""
        rows = [
            {"code": "ok", "parent": "i"},
            {"code": "z", "parent": "x"},
            {"code": "x", "parent": "y"},
            {"code": "y", "parent": "z"},
        ]
        with pytest.raises(
            DefinitionError,
            match=r"index 'i': nodes 'x', 'y', 'z' form a cycle \(each is its own ancestor\)",
        ):
            CompositeIndex.from_records("i", rows)

    def test_self_parent(self) -> None:
        """A node that is its own parent is a cycle."""
        with pytest.raises(DefinitionError, match="nodes 'a' form a cycle"):
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
