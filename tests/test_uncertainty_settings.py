"""Varying any setting of an index definition in uncertainty() and sensitivity(): Setting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_indicators.composite import CompositeIndex, Node, Observations, compute_index
from cchc_indicators.composite._uncertainty_design import _draw_settings
from cchc_indicators.composite.uncertainty import (
    Setting,
    WeightNoise,
    _design,
    _draw,
    sensitivity,
    uncertainty,
)
from cchc_indicators.core.errors import (
    ArgumentTypeError,
    DefinitionError,
    InvalidDataError,
    UnknownIndicatorError,
)

UNITS = ["W", "X", "Y", "Z"]
DATA = Observations.from_values({"a": [90, 70, 40, 20], "b": [20, 50, 70, 60]}, UNITS)
TWO = CompositeIndex("i", children=[Node("a"), Node("b")])
THREE = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c", weight=0)])
DATA3 = Observations.from_values(
    {"a": [90, 70, 40, 20], "b": [20, 50, 70, 60], "c": [5, 1, 9, 3]}, UNITS
)
TREE = CompositeIndex(
    "i",
    children=[Node("d", children=[Node("a"), Node("b", weight=2)]), Node("c")],
    min_share=0.5,
)


def _tree_data() -> Observations:
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 100, (3, 8))
    values[:2, 2] = np.nan  # unit C has only c
    return Observations.from_values(dict(zip("abc", values, strict=True)), list("ABCDEFGH"))


# --- hand-computed -------------------------------------------------------------------------


class TestHandComputed:
    def test_two_weights_of_b_give_two_known_rankings(self) -> None:
        """Each replication is one of the two variants, whose scores and ranks are known."""
        # minmax: a -> [100, 71.43, 28.57, 0]; b -> [0, 60, 100, 80].
        # b weight 1: (a + b) / 2 = [50, 65.71, 64.29, 40], ranks [3, 1, 2, 4].
        # b weight 3: (a + 3 b) / 4 = [25, 62.86, 82.14, 60], ranks [4, 2, 1, 3].
        s = Setting("weight of b", path="node:b.weight", values=[1, 3])
        u = uncertainty(TWO, DATA, n=400, seed=2, weights=None, settings=[s])
        one = np.array([50, 460 / 7, 450 / 7, 40])
        three = np.array([25, 440 / 7, 575 / 7, 60])
        S = u.scores[:, 0]
        is_one = np.isclose(S, one, rtol=0, atol=1e-12).all(axis=1)
        is_three = np.isclose(S, three, rtol=0, atol=1e-12).all(axis=1)
        assert (is_one ^ is_three).all()
        share = is_one.mean()
        assert 0.4 < share < 0.6
        P = u.rank_probabilities()
        # X is first with weight 1, second with weight 3; Y the other way round.
        assert P[1].tolist() == pytest.approx([share, 1 - share, 0, 0])
        assert P[2].tolist() == pytest.approx([1 - share, share, 0, 0])
        lo, hi = u.rank_interval()
        assert lo.tolist() == [3, 1, 1, 3]
        assert hi.tolist() == [4, 2, 2, 4]
        assert u.settings == {"weight of b": "1 | 3"}
        assert u.varied == "weight of b: 1 | 3"

    def test_dropping_each_indicator_scores_the_other(self) -> None:
        """Without a, the index is b's normalised score, and the other way round."""
        u = uncertainty(TWO, DATA, n=300, seed=1, weights=None, settings=[Setting.drop(TWO)])
        rows = {
            "all": [50, 460 / 7, 450 / 7, 40],
            "without a": [0, 60, 100, 80],  # b alone
            "without b": [100, 500 / 7, 200 / 7, 0],  # a alone
        }
        design = _design(
            TWO, DATA, weights=None, base_weights=None, normalisation=None, aggregation=None,
            imputation=None, period=None, units=None, groups=None, nodes=None,
            settings=[Setting.drop(TWO)],
        )  # fmt: skip
        rng = np.random.default_rng(1)
        _draw(design, 300, rng)
        drawn = _draw_settings(design, 300, rng)[:, 0]
        labels = ("all", "without a", "without b")
        expected = np.array([rows[labels[v]] for v in drawn.tolist()])
        np.testing.assert_allclose(u.scores[:, 0], expected, rtol=0, atol=1e-12)
        # The removed indicator has no score in its variant; the other keeps its own.
        a, b = u.nodes.index("a"), u.nodes.index("b")
        assert np.isnan(u.scores[drawn == 1, a]).all()
        assert np.isnan(u.scores[drawn == 2, b]).all()
        np.testing.assert_allclose(
            u.scores[drawn == 1, b], np.tile([0, 60, 100, 80], (int((drawn == 1).sum()), 1))
        )

    def test_a_variant_identical_to_the_index_gives_intervals_of_zero_width(self) -> None:
        """Variants equal to the index: every replication is the nominal result, exactly."""
        for s in (
            Setting("same", [TREE, TREE]),
            Setting("threshold", path="min_share", values=[0.5]),
            Setting("weight of b", path="node:b.weight", values=[2.0, 2]),
        ):
            u = uncertainty(TREE, _tree_data(), n=50, seed=3, weights=None, settings=[s])
            np.testing.assert_array_equal(
                u.scores, np.broadcast_to(u.nominal.scores, u.scores.shape)
            )
            lo, hi = u.score_interval()
            np.testing.assert_array_equal(lo, hi)
            rlo, rhi = u.rank_interval()
            assert (rlo == rhi).all()

    def test_every_replication_equals_compute_index_of_its_definition(self) -> None:
        """With noise, methods and four settings, each replication is its definition's result."""
        data = _tree_data()
        aggregation = ["arithmetic", {"name": "geometric", "shift": 1}]
        chosen = [
            Setting.drop(TREE),
            Setting("weight of b", path="node:b.weight", values=[1, 2, 3]),
            Setting("floor", path="normalisation.low", values=[0, 20]),
            Setting("threshold", path="min_share", values=[None, 0.5, 0.8]),
            Setting(
                "treatment",
                path="treatment",
                values=["none", {"name": "quantile_cap", "lower": 0.2, "upper": 0.8}],
            ),
        ]
        n = 160
        u = uncertainty(
            TREE, data, n=n, seed=5, weights=WeightNoise(0.3), settings=chosen,
            aggregation=aggregation, chunk=7,
        )  # fmt: skip
        design = _design(
            TREE, data, weights=WeightNoise(0.3), base_weights=None, normalisation=None,
            aggregation=aggregation, imputation=None, period=None, units=None, groups=None,
            nodes=None, settings=chosen,
        )  # fmt: skip
        rng = np.random.default_rng(5)
        w, _, agg, _ = _draw(design, n, rng)
        drawn = _draw_settings(design, n, rng)
        assert design.variation is not None
        codes = design.nominal.nodes
        for r in range(n):
            definition = design.variation.definition(tuple(drawn[r].tolist()))
            factor = w[r] / design.base  # each weight's drawn change
            mapping = {c: x * factor[codes.index(c)] for c, x in definition.weights().items()}
            res = compute_index(
                definition, data, weights=mapping, aggregation=aggregation[agg[r]],
                on_unknown="ignore",
            )  # fmt: skip
            expected = np.full((len(codes), 8), np.nan)
            for j, c in enumerate(res.nodes):
                expected[codes.index(c)] = res.scores[j]
            np.testing.assert_allclose(u.scores[r], expected, rtol=0, atol=1e-9)

    def test_pca_weights_are_each_combinations_own(self) -> None:
        """base_weights='pca': a combination's weights are the PCA weights of its definition."""
        data = _tree_data()
        complete = Observations.from_values(
            {c: np.nan_to_num(data.panel([c])[0, 0], nan=50.0) for c in "abc"}, list("ABCDEFGH")
        )
        chosen = [
            Setting.drop(TREE, ["a", "c"]),
            Setting("floor", path="normalisation.low", values=[0, 20]),
        ]
        u = uncertainty(
            TREE, complete, n=60, seed=2, weights=None, base_weights="pca", settings=chosen
        )
        design = _design(
            TREE, complete, weights=None, base_weights="pca", normalisation=None,
            aggregation=None, imputation=None, period=None, units=None, groups=None,
            nodes=None, settings=chosen,
        )  # fmt: skip
        rng = np.random.default_rng(2)
        _draw(design, 60, rng)
        drawn = _draw_settings(design, 60, rng)
        assert design.variation is not None
        for r in range(60):
            definition = design.variation.definition(tuple(drawn[r].tolist()))
            res = compute_index(definition, complete, weights="pca", on_unknown="ignore")
            np.testing.assert_allclose(u.scores[r, 0], res.scores[0], rtol=0, atol=1e-9)

    def test_the_chunk_does_not_change_the_result(self) -> None:
        """Combinations are grouped whatever the chunk: the same replications."""
        chosen = [Setting.drop(TREE), Setting("floor", path="normalisation.low", values=[0, 20])]
        a = uncertainty(TREE, _tree_data(), n=60, seed=9, settings=chosen, chunk=1)
        b = uncertainty(TREE, _tree_data(), n=60, seed=9, settings=chosen)
        np.testing.assert_allclose(a.scores, b.scores, rtol=0, atol=1e-12)

    def test_a_kept_node_a_variant_removes_has_no_score(self) -> None:
        """nodes=['a']: in the replications without a, a has no score (rank 0)."""
        u = uncertainty(TWO, DATA, n=100, seed=4, nodes=["a"], settings=[Setting.drop(TWO, ["a"])])
        missing = np.isnan(u.scores[:, 0]).all(axis=1)
        assert 0 < missing.sum() < 100
        assert u.counts[0, :, 0].tolist() == [int(missing.sum())] * 4

    def test_toggle_sets_a_field_off_and_keeps_the_index_on(self) -> None:
        """Toggling the data threshold: 'on' is the index, 'off' has none."""
        idx = CompositeIndex("i", children=[Node("a"), Node("b")], min_share=1.0)
        s = Setting.toggle("threshold", idx, "min_share", None)
        on, off = s.variants_of(idx)
        assert on == idx
        assert off.min_share is None
        data = Observations.from_values({"a": [90, 70, np.nan], "b": [20, 50, 70]}, ["A", "B", "C"])
        u = uncertainty(idx, data, n=100, seed=1, weights=None, settings=[s])
        # C has only b: no score with the threshold, b's score (100) without it.
        c = u.scores[:, 0, 2]
        assert set(np.where(np.isnan(c), -1, c).tolist()) == {-1.0, 100.0}

    def test_a_method_option_and_a_method_can_be_set(self) -> None:
        """A path into a method in a list ('aggregation.0.p'), and a whole method by name."""
        idx = CompositeIndex(
            "i", children=[Node("a"), Node("b")], aggregation={"name": "generalised", "p": 1}
        )
        p = Setting("p", path="aggregation.0.p", values=[1, 0.5]).variants_of(idx)
        assert [v.aggregation[0].kwargs["p"] for v in p] == [1, 0.5]
        m = Setting("mean", path="aggregation.0", values=["geometric"]).variants_of(idx)
        assert m[0].aggregation[0].name == "geometric"
        imp = Setting("impute", path="imputation", values=["mean", "median"]).variants_of(idx)
        assert [v.imputation.name for v in imp] == ["mean", "median"]

    def test_an_explicit_variant_combines_with_a_path_setting(self) -> None:
        """An explicit variant is kept as its changes, so it combines with other settings."""
        heavier = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        chosen = [
            Setting("weighting", [TWO, heavier], labels=["equal", "b x3"]),
            Setting("floor", path="normalisation.low", values=[0, 50]),
        ]
        u = uncertainty(TWO, DATA, n=200, seed=6, weights=None, settings=chosen)
        design = _design(
            TWO, DATA, weights=None, base_weights=None, normalisation=None, aggregation=None,
            imputation=None, period=None, units=None, groups=None, nodes=None, settings=chosen,
        )  # fmt: skip
        rng = np.random.default_rng(6)
        _draw(design, 200, rng)
        drawn = _draw_settings(design, 200, rng)
        assert len({tuple(r) for r in drawn.tolist()}) == 4
        assert design.variation is not None
        for r in (0, 1, 2, 3, 50, 199):
            definition = design.variation.definition(tuple(drawn[r].tolist()))
            assert definition.node("b").weight == (3.0 if drawn[r, 0] else 1.0)
            assert definition.normalisation.kwargs.get("low", 0) == (50 if drawn[r, 1] else 0)
            res = compute_index(definition, DATA)
            np.testing.assert_allclose(u.scores[r, 0], res.scores[0], rtol=0, atol=1e-12)
        assert u.settings == {"weighting": "equal | b x3", "floor": "0 | 50"}


# --- laws --------------------------------------------------------------------------------------


values_4 = st.lists(
    st.floats(0, 100, allow_nan=False, allow_subnormal=False), min_size=4, max_size=4, unique=True
)


@given(a=values_4, b=values_4, weight=st.floats(0.1, 10), seed=st.integers(0, 2**16))
@settings(max_examples=40, deadline=None)
def test_a_setting_with_one_variant_changes_nothing(
    a: list[float], b: list[float], weight: float, seed: int
) -> None:
    """A setting whose only variant is the index leaves every replication as it was."""
    idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=weight)])
    data = Observations.from_values({"a": a, "b": b}, UNITS)
    plain = uncertainty(idx, data, n=30, seed=seed, weights=0.3)
    for s in (
        Setting("same", [idx]),
        Setting("weight", path="node:b.weight", values=[weight]),
    ):
        varied = uncertainty(idx, data, n=30, seed=seed, weights=0.3, settings=[s])
        np.testing.assert_array_equal(varied.scores, plain.scores)
        np.testing.assert_array_equal(varied.counts, plain.counts)


@given(
    a=values_4,
    b=values_4,
    c=values_4,
    weight=st.floats(0.1, 10),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=40, deadline=None)
def test_removing_an_indicator_of_weight_zero_changes_nothing(
    a: list[float], b: list[float], c: list[float], weight: float, seed: int
) -> None:
    """Dropping an indicator whose weight is 0 gives the index's scores and ranks."""
    idx = CompositeIndex("i", children=[Node("a"), Node("b", weight=weight), Node("c", weight=0)])
    data = Observations.from_values({"a": a, "b": b, "c": c}, UNITS)
    plain = uncertainty(idx, data, n=30, seed=seed, weights=0.3, nodes=["i"])
    dropped = uncertainty(
        idx, data, n=30, seed=seed, weights=0.3, nodes=["i"], settings=[Setting.drop(idx, ["c"])]
    )
    np.testing.assert_allclose(dropped.scores, plain.scores, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(dropped.counts, plain.counts)


# --- sensitivity ---------------------------------------------------------------------------


class TestSensitivity:
    def test_each_setting_is_a_factor_named_by_its_name(self) -> None:
        """Factors: the weights, then each setting with two or more variants, in order."""
        chosen = [
            Setting.drop(THREE, ["a", "b"], name="removal"),
            Setting("fixed", [THREE]),
            Setting("weight of b", path="node:b.weight", values=[1, 4]),
        ]
        s = sensitivity(THREE, DATA3, n=300, seed=1, settings=chosen, bootstrap=0)
        assert s.factors == ("weights", "removal", "weight of b")
        assert s.runs == 300 * 5
        # Removing a or b reorders the units far more than ±25 % on the weights.
        assert s.total[1] > s.total[0]

    def test_a_setting_alone_explains_all_the_variance(self) -> None:
        """With nothing else varying, one setting's first-order and total indices are 1."""
        s = sensitivity(
            TWO, DATA, n=400, seed=2, weights=None, settings=[Setting.drop(TWO)], bootstrap=0
        )
        assert s.factors == ("removed",)
        # f(A_B) = f(B) when the only factor is taken from B: S = mean(yB (yB - yA)) / V
        # is cov-like and close to 1; the total index is exactly (yA - yB)^2 / 2V's mean.
        assert s.first_order[0] == pytest.approx(1, abs=0.15)
        assert s.total[0] == pytest.approx(1, abs=0.15)

    def test_a_setting_of_one_variant_is_not_a_factor(self) -> None:
        """Nothing varies: only a setting of one variant, and no weight noise."""
        with pytest.raises(DefinitionError, match="nothing varies"):
            sensitivity(TWO, DATA, n=10, seed=1, weights=None, settings=[Setting("same", [TWO])])


# --- errors --------------------------------------------------------------------------------


class TestErrors:
    def test_a_setting_without_variants_is_refused(self) -> None:
        """Empty variants or values: nothing to draw."""
        with pytest.raises(DefinitionError, match="setting 'x' has no variants"):
            Setting("x", [])
        with pytest.raises(DefinitionError, match="setting 'x' has no variants"):
            Setting("x", path="min_share", values=[])

    def test_variants_or_a_path_exactly(self) -> None:
        """Neither, or both, of variants= and path=; values= without a path."""
        with pytest.raises(DefinitionError, match="either variants"):
            Setting("x")
        with pytest.raises(DefinitionError, match="either variants"):
            Setting("x", [TWO], path="min_share", values=[0.5])
        with pytest.raises(DefinitionError, match="values= goes with path="):
            Setting("x", [TWO], values=[0.5])
        with pytest.raises(DefinitionError, match="path= needs values"):
            Setting("x", path="min_share")
        with pytest.raises(DefinitionError, match="path= needs values"):
            Setting("x", path="min_share", values="0.5")

    def test_a_name_is_needed(self) -> None:
        """A setting is named in the results: it needs a name."""
        with pytest.raises(DefinitionError, match="a setting needs a name"):
            Setting("  ", [TWO])
        with pytest.raises(DefinitionError, match="a setting needs a name"):
            Setting(None, [TWO])  # type: ignore[arg-type]

    def test_variants_must_be_indices(self) -> None:
        """A variant is a CompositeIndex; variants a list of them."""
        with pytest.raises(DefinitionError, match="variant 2 is not a CompositeIndex"):
            Setting("x", [TWO, "TWO"])  # type: ignore[list-item]
        with pytest.raises(DefinitionError, match="must be a list of CompositeIndex"):
            Setting("x", TWO)  # type: ignore[arg-type]

    def test_a_malformed_path_is_refused(self) -> None:
        """A path is text with no empty part."""
        for path in ("", "a..b", "min_share.", 3):
            with pytest.raises(DefinitionError, match="'path' must be text"):
                Setting("x", path=path, values=[1])  # type: ignore[arg-type]

    def test_labels_must_match_the_variants(self) -> None:
        """One label per variant, each non-empty text."""
        with pytest.raises(DefinitionError, match="has 2 variant\\(s\\) but 1 label\\(s\\)"):
            Setting("x", [TWO, TWO], labels=["one"])
        with pytest.raises(DefinitionError, match="has 1 variant\\(s\\) but 2 label\\(s\\)"):
            Setting("x", path="min_share", values=[0.5], labels=["a", "b"])
        with pytest.raises(DefinitionError, match="a label must be non-empty text"):
            Setting("x", [TWO], labels=[""])
        with pytest.raises(DefinitionError, match="'labels' must be a list of text"):
            Setting("x", [TWO], labels="one")

    def test_an_unknown_path_is_named_with_the_fields_that_exist(self) -> None:
        """A field the index or node does not have: named, with the fields it has."""
        with pytest.raises(DefinitionError) as err:
            uncertainty(
                TWO, DATA, n=5, seed=1, settings=[Setting("x", path="min_shar", values=[0.5])]
            )
        message = str(err.value)
        assert "setting 'x': path 'min_shar': index 'i' has no field 'min_shar'" in message
        assert "(did you mean 'min_share'?)" in message
        assert "its fields are aggregation, " in message
        assert "normalisation" in message
        with pytest.raises(
            DefinitionError,
            match="node 'a' has no field 'wieght' \\(did you mean 'weight'\\?\\); its fields are",
        ):
            Setting("x", path="node:a.wieght", values=[2]).variants_of(TWO)

    def test_paths_that_lead_nowhere(self) -> None:
        """Unknown node, a node without a field, a list without a position, an unset method."""
        cases = {
            "node:q.weight": "index 'i' has no node 'q'",
            "node:a": "names node 'a' but no field of it",
            "aggregation.p": "'aggregation' is a list of 1; give a position from 0 to 0",
            "aggregation.3.p": "'aggregation' is a list of 1",
            "node:a.lower.x": "'lower' of node 'a' is None, not a method or mapping; set 'lower' itself",
            "children": "changes the tree; give variants",
            "node:a.code": "changes the tree",
        }
        for path, message in cases.items():
            with pytest.raises(
                DefinitionError, match=message.replace("(", "\\(").replace(")", "\\)")
            ):
                Setting("x", path=path, values=[1]).variants_of(TWO)

    def test_a_bad_value_is_named_with_its_variant(self) -> None:
        """A value the definition refuses: the setting, the variant and the field are named."""
        s = Setting("threshold", path="min_share", values=[0.5, 2], labels=["half", "double"])
        with pytest.raises(
            DefinitionError,
            match="setting 'threshold', variant 'double' \\(min_share = 2\\): 'min_share' must be from 0 to 1",
        ):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[s])
        with pytest.raises(DefinitionError, match="option 'low' must be a number"):
            Setting("x", path="normalisation.low", values=["low"]).variants_of(TWO)

    @pytest.mark.skipif(
        "screening" not in {f.name for f in __import__("attrs").fields(CompositeIndex)},
        reason="the definition has no screening",
    )
    def test_a_variant_scoring_other_units_is_refused(self) -> None:
        """Screening that leaves a unit out: the setting, variant and units are named."""
        s = Setting(
            "screen", path="screening", values=[None, {"exclude": ["W"]}], labels=["none", "no W"]
        )
        with pytest.raises(
            DefinitionError,
            match="setting 'screen', variant 'no W' scores other units than index 'i': leaves out 'W'",
        ):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[s])

    def test_a_variant_may_not_add_move_or_rename(self) -> None:
        """A variant is the same index with changes and removals only."""
        added = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
        moved = CompositeIndex("i", children=[Node("d", children=[Node("a")]), Node("b")])
        other = CompositeIndex("j", children=[Node("a"), Node("b")])
        nested = CompositeIndex(
            "i", children=[Node("d", children=[Node("a"), Node("c")]), Node("b")]
        )
        flattened = CompositeIndex("i", children=[Node("d"), Node("b")])
        with pytest.raises(DefinitionError, match="variant 'variant 1' adds node 'c'"):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[Setting("x", [added])])
        with pytest.raises(DefinitionError, match="adds node 'd'"):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[Setting("x", [moved])])
        with pytest.raises(DefinitionError, match="is index 'j', not a variant of 'i'"):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[Setting("x", [other])])
        ab = CompositeIndex(
            "i", children=[Node("d", children=[Node("a")]), Node("b", children=[Node("x")])]
        )
        swapped = CompositeIndex(
            "i", children=[Node("d", children=[Node("x")]), Node("b", children=[Node("a")])]
        )
        with pytest.raises(DefinitionError, match="moves node"):
            Setting("x", [swapped]).variants_of(ab)
        with pytest.raises(DefinitionError, match="turns aggregate 'd' into an indicator"):
            uncertainty(nested, DATA3, n=5, seed=1, settings=[Setting("x", [flattened])])

    def test_two_settings_may_not_change_the_same_field(self) -> None:
        """The same field (or one inside the other) in two settings is refused."""
        a = Setting("a", path="normalisation", values=["minmax", "zscore"])
        b = Setting("b", path="normalisation.low", values=[0, 10])
        with pytest.raises(
            DefinitionError, match="settings 'a' and 'b' both change 'normalisation'"
        ):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[a, b])
        heavier = CompositeIndex("i", children=[Node("a"), Node("b", weight=3)])
        c = Setting("c", path="node:b.weight", values=[1, 2])
        with pytest.raises(
            DefinitionError, match=r"settings 'c' and 'd' both change 'node:b\.weight'"
        ):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[c, Setting("d", [heavier])])

    def test_names_must_be_distinct(self) -> None:
        """A setting named twice, or like a method argument, is refused."""
        s = Setting("weights", path="node:b.weight", values=[1, 2])
        with pytest.raises(DefinitionError, match="a setting is named 'weights' twice"):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[s])
        t = Setting("t", path="node:b.weight", values=[1, 2])
        with pytest.raises(DefinitionError, match="named 't' twice"):
            uncertainty(
                TWO, DATA, n=5, seed=1, settings=[t, Setting("t", path="min_share", values=[0.5])]
            )

    def test_a_method_varied_twice_is_refused(self) -> None:
        """A setting may not change a method that normalisation=[...] varies too."""
        s = Setting("floor", path="normalisation.low", values=[0, 10])
        with pytest.raises(
            DefinitionError, match="changes the index's normalisation, which normalisation"
        ):
            uncertainty(TWO, DATA, n=5, seed=1, normalisation=["minmax", "zscore"], settings=[s])

    def test_settings_must_be_a_list_of_setting(self) -> None:
        """settings= takes Setting objects (one alone is accepted)."""
        with pytest.raises(DefinitionError, match="'settings' must be a list of Setting"):
            uncertainty(TWO, DATA, n=5, seed=1, settings="min_share")  # type: ignore[arg-type]
        with pytest.raises(DefinitionError, match="got an item"):
            uncertainty(TWO, DATA, n=5, seed=1, settings=[{"path": "min_share"}])  # type: ignore[list-item]
        one = uncertainty(TWO, DATA, n=5, seed=1, settings=Setting("t", [TWO]))  # type: ignore[arg-type]
        assert one.settings["t"] == "variant 1"

    def test_drop_refuses_unknown_codes_and_removing_everything(self) -> None:
        """Setting.drop: a code not in the index; an index of one indicator."""
        with pytest.raises(UnknownIndicatorError, match="'q' is not a node of index 'i'"):
            Setting.drop(TWO, ["q"])
        with pytest.raises(DefinitionError, match="would leave index 'i' without any indicator"):
            Setting.drop(CompositeIndex("i", children=[Node("a")]))
        with pytest.raises(DefinitionError, match="'codes' must be a list of node codes"):
            Setting.drop(TWO, "a")
        with pytest.raises(ArgumentTypeError):
            Setting.drop("TWO")  # type: ignore[arg-type]
        with pytest.raises(ArgumentTypeError):
            Setting.toggle("t", "TWO", "min_share", None)  # type: ignore[arg-type]

    def test_a_combination_removing_everything_is_named(self) -> None:
        """Two drops that together remove every indicator: the combination is named."""
        chosen = [Setting.drop(TWO, ["a"], name="r1"), Setting.drop(TWO, ["b"], name="r2")]
        with pytest.raises(
            DefinitionError,
            match="setting 'r1', variant 'without a'; setting 'r2', variant 'without b': removing 'b' would leave",
        ):
            uncertainty(TWO, DATA, n=50, seed=1, settings=chosen)

    def test_bad_data_in_a_variant_names_it(self) -> None:
        """A method that cannot take a variant's values: the variant drawn is named."""
        s = Setting("floor", path="normalisation.low", values=[1, 0])
        with pytest.raises(InvalidDataError, match="setting 'floor' = '0'"):
            uncertainty(TWO, DATA, n=50, seed=1, aggregation=["geometric"], settings=[s])

    def test_repr_and_len(self) -> None:
        """A setting shows its name and what it varies, with a count of variants or values."""
        assert repr(Setting("x", [TWO, TWO])) == "Setting('x', 2 variants)"
        assert repr(Setting("x", path="min_share", values=[0.5])) == (
            "Setting('x', path='min_share', 1 value)"
        )
        assert len(Setting("x", path="min_share", values=[None, 0.5, 1])) == 3


def test_a_path_into_a_step_left_out_as_its_default() -> None:
    """screening.min_share on an index without screening, node:a.treatment.winmax from the index's."""
    from cchc_indicators.composite import CompositeIndex, Node, Observations
    from cchc_indicators.composite.uncertainty import Setting, uncertainty

    data = Observations.from_values(
        {"a": [1, 2, 3, 4, 50.0], "b": [5, 4, 3, 2, 1.0]}, list("ABCDE")
    )
    plain = CompositeIndex("i", children=[Node("a"), Node("b")])
    u = uncertainty(
        plain,
        data,
        n=20,
        seed=1,
        settings=[Setting("screen", path="screening.min_share", values=[0, 0.5])],
    )
    assert u.varied.endswith("screen 0 | 0.5")
    treated = CompositeIndex("i", children=[Node("a"), Node("b")], treatment="skew_kurtosis")
    s = Setting("wm", path="node:a.treatment.winmax", values=[3, 5])
    assert uncertainty(treated, data, n=20, seed=1, settings=[s]).varied.endswith("wm 3 | 5")
    with pytest.raises(DefinitionError, match="treatment 'none' takes no option 'winmax'"):
        uncertainty(
            plain, data, n=20, seed=1, settings=[Setting("w", path="treatment.winmax", values=[3])]
        )
