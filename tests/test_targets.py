"""Tests of targets: the factories, their meaning (bound, holds, gap, describe), validation and JSON."""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Callable

import attrs
import pytest

from cchc_indicators import DefinitionError, Indicator, RuleMismatchError, measures
from cchc_indicators.core.rules import ShareMeeting, Sum
from cchc_indicators.core.scopes import Scope, tier
from cchc_indicators.core.targets import (
    TARGET_KINDS,
    Target,
    at_least,
    at_most,
    increase_by,
    no_worse_than_previous,
    rank_at_most,
    reduce_by,
)

NAN = float("nan")


def full_target() -> Target:
    """A target with every keyword field set away from its default."""
    return reduce_by(
        0.10,
        baseline="2021",
        tier="district",
        scope="tier:district",
        rule="share_meeting(>= 80, denominator=all)",
        deadline="2025-Q4",
        source="QĐ 2866/QĐ-UBND, mục II.2",
    )


class TestFactories:
    """Each factory builds a Target of its kind with a float threshold."""

    @pytest.mark.parametrize(
        ("target", "kind", "threshold"),
        [
            (at_least(80), "at_least", 80.0),
            (at_most(5), "at_most", 5.0),
            (reduce_by(0.10, baseline="2021"), "reduce_by", 0.10),
            (increase_by(0.25, baseline="2021"), "increase_by", 0.25),
            (rank_at_most(15, among="province"), "rank_at_most", 15.0),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_kind_and_threshold(self, target: Target, kind: str, threshold: float) -> None:
        """The factory sets the kind and stores the threshold as a float."""
        assert target.kind == kind
        assert target.threshold == threshold
        assert type(target.threshold) is float

    def test_kinds_constant_lists_every_factory(self) -> None:
        """TARGET_KINDS lists the six kinds, in the order of the factories."""
        assert TARGET_KINDS == (
            "at_least",
            "at_most",
            "reduce_by",
            "increase_by",
            "rank_at_most",
            "no_worse_than_previous",
        )

    def test_defaults(self) -> None:
        """Without options a target has no tier, scope, rule, baseline, peers, deadline or source."""
        t = at_least(80)
        assert (t.tier, t.scope, t.rule, t.baseline, t.among, t.deadline) == (None,) * 6
        assert t.source == ""

    def test_equal_thresholds_compare_equal(self) -> None:
        """An int and a float threshold of the same value make equal targets."""
        assert at_least(80) == at_least(80.0)
        assert at_least(80) != at_most(80)

    def test_direct_construction_matches_factory(self) -> None:
        """Target(kind, threshold, ...) and the factory build the same object."""
        assert Target("rank_at_most", 3, among="district") == rank_at_most(3, among="district")

    def test_baseline_is_normalised(self) -> None:
        """A relative target's baseline is stored as the canonical period label."""
        assert reduce_by(0.1, baseline=2021).baseline == "2021"
        assert increase_by(0.1, baseline=" 2021q3 ").baseline == "2021-Q3"
        assert reduce_by(0.1, baseline=2021.0).baseline == "2021"

    def test_deadline_is_normalised(self) -> None:
        """The deadline is stored as the canonical period label."""
        assert at_least(80, deadline=2025).deadline == "2025"
        assert at_most(3, deadline="2025Q4").deadline == "2025-Q4"
        assert at_least(80, deadline="2025-06").deadline == "2025-06"

    def test_scope_text_is_parsed(self) -> None:
        """A scope given as text becomes a Scope; a Scope passes through."""
        assert at_least(80, scope="tier:commune").scope == tier("commune")
        assert at_least(80, scope="territory").scope == Scope("territory")
        assert at_least(80, scope=tier("district")).scope == Scope("tier", "district")

    def test_rule_text_is_parsed(self) -> None:
        """A rule given as text becomes a Rule; a Rule passes through."""
        assert at_least(80, rule="share_meeting(== 1)").rule == ShareMeeting("== 1")
        assert at_most(10, rule=Sum()).rule == Sum()

    def test_tier_among_and_source_are_kept(self) -> None:
        """Tier, peers and source are stored as given."""
        t = rank_at_most(10, among="province", tier="province", source="QĐ 1, mục 2")
        assert (t.tier, t.among, t.source) == ("province", "province", "QĐ 1, mục 2")

    @pytest.mark.parametrize(
        ("target", "relative"),
        [
            (at_least(1), False),
            (at_most(1), False),
            (reduce_by(0.1, baseline="2021"), True),
            (increase_by(0.1, baseline="2021"), True),
            (rank_at_most(1, among="province"), False),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_relative(self, target: Target, relative: bool) -> None:
        """Only reduce_by and increase_by are relative to a baseline."""
        assert target.relative is relative

    def test_frozen(self) -> None:
        """A target cannot be changed in place; attrs.evolve makes a changed copy."""
        t = at_least(80)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            t.threshold = 90.0  # type: ignore[misc]
        assert attrs.evolve(t, threshold=90) == at_least(90)

    def test_pickle_roundtrip(self) -> None:
        """A target with every field set pickles to an equal target."""
        t = full_target()
        assert pickle.loads(pickle.dumps(t)) == t


class TestBound:
    """bound is the threshold in the terms of the evaluated quantity."""

    @pytest.mark.parametrize(
        ("target", "bound"),
        [
            (at_least(80), 80.0),
            (at_most(5.5), 5.5),
            (reduce_by(0.10, baseline="2021"), -10.0),
            (reduce_by(1, baseline="2021"), -100.0),
            (increase_by(0.25, baseline="2021"), 25.0),
            (increase_by(2, baseline="2021"), 200.0),
            (rank_at_most(15, among="province"), 15.0),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_bound(self, target: Target, bound: float) -> None:
        """Value targets keep x, relative ones give the change in percent, ranks give k."""
        assert target.bound == bound

    @pytest.mark.parametrize(("fraction", "percent"), [(0.07, 7.0), (0.29, 29.0), (0.57, 57.0)])
    def test_relative_bound_is_exact(self, fraction: float, percent: float) -> None:
        """A fraction whose x100 is inexact in binary still gives the exact percent (0.07 -> 7)."""
        assert fraction * 100 != percent  # the case the rounding exists for
        assert reduce_by(fraction, baseline="2021").bound == -percent
        assert increase_by(fraction, baseline="2021").bound == percent

    @pytest.mark.parametrize(
        ("target", "higher"),
        [
            (at_least(1), True),
            (at_most(1), False),
            (reduce_by(0.1, baseline="2021"), False),
            (increase_by(0.1, baseline="2021"), True),
            (rank_at_most(1, among="province"), False),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_higher_is_better(self, target: Target, higher: bool) -> None:
        """at_least and increase_by want more; at_most, reduce_by and ranks want less."""
        assert target.higher_is_better is higher


class TestHolds:
    """holds compares the evaluated quantity with the bound, inclusively."""

    @pytest.mark.parametrize(
        ("value", "holds"), [(80, True), (80.0, True), (95, True), (79.99, False)]
    )
    def test_at_least(self, value: float, holds: bool) -> None:
        """at_least(80) holds from 80 up."""
        assert at_least(80).holds(value) is holds

    @pytest.mark.parametrize(("value", "holds"), [(5, True), (0, True), (5.5, False)])
    def test_at_most(self, value: float, holds: bool) -> None:
        """at_most(5) holds up to 5."""
        assert at_most(5).holds(value) is holds

    @pytest.mark.parametrize(
        ("change", "holds"),
        [(-12.5, True), (-10.0, True), (-9.9, False), (0.0, False), (5.0, False)],
    )
    def test_reduce_by(self, change: float, holds: bool) -> None:
        """reduce_by(0.10) holds for a change of -10 % or less."""
        assert reduce_by(0.10, baseline="2021").holds(change) is holds

    @pytest.mark.parametrize(("change", "holds"), [(25.0, True), (30.0, True), (20.0, False)])
    def test_increase_by(self, change: float, holds: bool) -> None:
        """increase_by(0.25) holds for a change of +25 % or more."""
        assert increase_by(0.25, baseline="2021").holds(change) is holds

    @pytest.mark.parametrize(("rank", "holds"), [(1, True), (14, True), (15, True), (16, False)])
    def test_rank_at_most(self, rank: int, holds: bool) -> None:
        """rank_at_most(15) holds for ranks 1 to 15, not 16."""
        assert rank_at_most(15, among="province").holds(rank) is holds

    @pytest.mark.parametrize(
        "target",
        [
            at_least(-1e300),
            at_most(1e300),
            reduce_by(1, baseline="2021"),
            increase_by(0.01, baseline="2021"),
            rank_at_most(1000, among="province"),
        ],
        ids=lambda t: t.kind,
    )
    def test_nan_never_holds(self, target: Target) -> None:
        """A missing quantity (NaN) meets no target, however loose."""
        assert target.holds(NAN) is False


class TestGap:
    """gap is the distance to the bound: positive when short, negative when beyond."""

    @pytest.mark.parametrize(
        ("target", "quantity", "gap"),
        [
            (at_least(80), 72.5, 7.5),
            (at_least(80), 85.0, -5.0),
            (at_least(80), 80.0, 0.0),
            (at_most(5), 7.0, 2.0),
            (at_most(5), 3.5, -1.5),
            (reduce_by(0.10, baseline="2021"), -12.5, -2.5),
            (reduce_by(0.10, baseline="2021"), -4.0, 6.0),
            (increase_by(0.25, baseline="2021"), 20.0, 5.0),
            (increase_by(0.25, baseline="2021"), 40.0, -15.0),
            (rank_at_most(15, among="province"), 18, 3.0),
            (rank_at_most(15, among="province"), 10, -5.0),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_gap(self, target: Target, quantity: float, gap: float) -> None:
        """The gap is hand-computed: bound - value for 'higher', value - bound (rank - k) for 'lower'."""
        assert target.gap(quantity) == gap

    def test_gap_sign_agrees_with_holds(self) -> None:
        """A target holds exactly when its gap is not positive."""
        t = reduce_by(0.10, baseline="2021")
        for change in (-20.0, -10.0, -9.0, 3.0):
            assert t.holds(change) is (t.gap(change) <= 0)

    def test_gap_of_nan_is_nan(self) -> None:
        """A missing quantity has no gap."""
        assert math.isnan(at_least(80).gap(NAN))
        assert math.isnan(rank_at_most(5, among="province").gap(NAN))


class TestDescribe:
    """describe writes the target as readable text."""

    @pytest.mark.parametrize(
        ("target", "unit", "text"),
        [
            (at_least(80), "%", ">= 80 %"),
            (at_least(80), "", ">= 80"),
            (at_least(72.5), "%", ">= 72.5 %"),
            (at_most(3), "days", "<= 3 days"),
            (at_most(5), "", "<= 5"),
            (reduce_by(0.10, baseline="2021"), "count", "<= -10 % vs 2021"),
            (increase_by(0.25, baseline="2021-Q1"), "", ">= 25 % vs 2021-Q1"),
            (rank_at_most(15, among="province"), "points", "rank <= 15 among provinces"),
            (at_most(3, tier="commune"), "days", "<= 3 days (commune tier)"),
            (at_least(90, tier="province"), "%", ">= 90 % (province tier)"),
            (
                reduce_by(0.2, baseline="2021", tier="district"),
                "",
                "<= -20 % vs 2021 (district tier)",
            ),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_describe(self, target: Target, unit: str, text: str) -> None:
        """Value targets show the unit; relative targets show the percent change and baseline."""
        assert target.describe(unit) == text

    def test_describe_defaults_to_no_unit(self) -> None:
        """Without a unit argument no unit is written."""
        assert at_least(80).describe() == ">= 80"

    @pytest.mark.parametrize(
        ("target", "text"),
        [
            (at_most(3, tier="commune"), "<= 3 days"),
            (reduce_by(0.2, baseline="2021", tier="district"), "<= -20 % vs 2021"),
            (rank_at_most(5, among="district", tier="district"), "rank <= 5 among districts"),
            (at_most(3), "<= 3 days"),
        ],
        ids=lambda v: v.kind if isinstance(v, Target) else repr(v),
    )
    def test_describe_without_tier(self, target: Target, text: str) -> None:
        """with_tier=False leaves out the '(<tier> tier)' suffix."""
        assert target.describe("days", with_tier=False) == text

    @pytest.mark.parametrize(
        ("target", "with_tier", "text"),
        [
            (
                at_least(80, tier="district", rule="share_meeting(== 1)"),
                True,
                ">= 80 % of districts == 1 (district tier)",
            ),
            (
                at_least(80, tier="district", rule="share_meeting(== 1)"),
                False,
                ">= 80 % of districts == 1",
            ),
            (at_most(10, rule="share_meeting(< 50)"), True, "<= 10 % of units < 50"),
            (
                at_least(60.5, tier="commune", rule="share_meeting(>= 2.5, denominator=all)"),
                False,
                ">= 60.5 % of all communes >= 2.5",
            ),
        ],
        ids=["tier", "tier omitted", "no tier", "denominator all"],
    )
    def test_describe_share_of_units(self, target: Target, with_tier: bool, text: str) -> None:
        """A share_meeting target reads as a percent of the tier's units meeting the condition."""
        assert target.describe("yes/no", with_tier=with_tier) == text

    def test_describe_share_rule_on_relative_target(self) -> None:
        """A relative target with a share rule still reads as a change vs its baseline."""
        t = increase_by(0.5, baseline="2021", rule="share_meeting(== 1)")
        assert t.describe("yes/no") == ">= 50 % vs 2021"


class TestDefinitionErrors:
    """Invalid targets are rejected when built, with a message naming the rule and the value."""

    @staticmethod
    def _raises(match: str, build: Callable[[], object]) -> DefinitionError:
        with pytest.raises(DefinitionError, match=match) as info:
            build()
        err = info.value
        assert isinstance(err, ValueError)
        assert err.code is None  # a target on its own belongs to no indicator yet
        return err

    def test_unknown_kind(self) -> None:
        """An unknown kind is rejected, listing the kinds."""
        err = self._raises(
            "unknown target kind 'above'; the kinds are at_least, at_most, reduce_by, "
            "increase_by, rank_at_most",
            lambda: Target("above", 80),  # type: ignore[arg-type]
        )
        assert err.message.startswith("unknown target kind")

    @pytest.mark.parametrize("threshold", ["80", None, True, [80]])
    def test_non_numeric_threshold(self, threshold: object) -> None:
        """A threshold that is not a number (booleans included) is rejected."""
        self._raises(
            re.escape(f"a target's threshold must be a number, got {threshold!r}"),
            lambda: at_least(threshold),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("threshold", [math.inf, -math.inf, math.nan])
    def test_non_finite_threshold(self, threshold: float) -> None:
        """An infinite or NaN threshold is rejected."""
        self._raises(
            re.escape(f"a target's threshold must be finite, got {threshold}"),
            lambda: at_most(threshold),
        )

    @pytest.mark.parametrize("kind", ["reduce_by", "increase_by"])
    def test_relative_without_baseline(self, kind: str) -> None:
        """A relative target needs a baseline period."""
        self._raises(
            f"a {kind} target needs a baseline period, such as baseline='2021'",
            lambda: Target(kind, 0.1),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("fraction", [0, -0.1, 1.5, 10])
    def test_reduce_by_fraction_out_of_range(self, fraction: float) -> None:
        """reduce_by takes a fraction in (0, 1]."""
        self._raises(
            re.escape(
                f"reduce_by takes a fraction such as 0.10 for 10 % (at most 1), got {fraction:g}"
            ),
            lambda: reduce_by(fraction, baseline="2021"),
        )

    def test_reduce_by_whole_is_allowed(self) -> None:
        """reduce_by(1) (a fall of 100 %) is the largest allowed reduction."""
        assert reduce_by(1, baseline="2021").bound == -100.0

    @pytest.mark.parametrize("fraction", [0, -0.5])
    def test_increase_by_not_positive(self, fraction: float) -> None:
        """increase_by takes a positive fraction (no upper limit)."""
        self._raises(
            re.escape(f"increase_by takes a fraction such as 0.10 for 10 %, got {fraction:g}"),
            lambda: increase_by(fraction, baseline="2021"),
        )

    @pytest.mark.parametrize(
        ("kind", "options"),
        [
            ("at_least", {}),
            ("at_most", {}),
            ("rank_at_most", {"among": "province"}),
        ],
    )
    def test_baseline_on_non_relative(self, kind: str, options: dict[str, str]) -> None:
        """Only relative targets take a baseline."""
        self._raises(
            re.escape(f"only reduce_by and increase_by targets have a baseline, not {kind}"),
            lambda: Target(kind, 5, baseline="2021", **options),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("k", [0, -3, 1.5, 14.999])
    def test_rank_k_not_whole_or_below_one(self, k: float) -> None:
        """A rank target needs a whole k >= 1."""
        self._raises(
            re.escape(f"rank_at_most needs a whole k >= 1, got {k:g}"),
            lambda: rank_at_most(k, among="province"),  # type: ignore[arg-type]
        )

    def test_rank_k_given_as_whole_float(self) -> None:
        """A whole float k (15.0) is a valid rank."""
        assert rank_at_most(15.0, among="province") == rank_at_most(15, among="province")  # type: ignore[arg-type]

    def test_rank_without_among(self) -> None:
        """A rank target names the level of its peers."""
        self._raises(
            re.escape("a rank target names the level of its peers, such as among='province'"),
            lambda: Target("rank_at_most", 5),
        )

    @pytest.mark.parametrize("kind", ["at_least", "at_most"])
    def test_among_on_non_rank(self, kind: str) -> None:
        """Only rank targets take peers."""
        self._raises(
            re.escape(f"only rank targets have peers ('among'), not {kind}"),
            lambda: Target(kind, 5, among="province"),  # type: ignore[arg-type]
        )

    def test_among_on_relative(self) -> None:
        """A relative target takes no peers either."""
        self._raises(
            re.escape("only rank targets have peers ('among'), not reduce_by"),
            lambda: reduce_by(0.1, baseline="2021", among="province"),
        )

    @pytest.mark.parametrize(
        ("baseline", "deadline"),
        [("2021", "2021"), ("2021", "2020"), ("2021-Q3", "2021-Q2"), ("2021-06", "2021-06")],
    )
    def test_deadline_not_after_baseline(self, baseline: str, deadline: str) -> None:
        """A relative target's deadline must come after its baseline."""
        self._raises(
            re.escape(f"the deadline {deadline} is not after the baseline {baseline}"),
            lambda: increase_by(0.1, baseline=baseline, deadline=deadline),
        )

    def test_deadline_after_baseline_is_accepted(self) -> None:
        """A later deadline, of any granularity, is accepted."""
        assert reduce_by(0.1, baseline="2021", deadline="2022-Q1").deadline == "2022-Q1"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("baseline", "2021-13"),
            ("baseline", "last year"),
            ("deadline", "2025-Q5"),
            ("deadline", True),
        ],
    )
    def test_bad_period_text(self, field: str, value: object) -> None:
        """A baseline or deadline that is not a period is rejected, naming the value."""
        self._raises(
            re.escape(f"not a period: {value!r}"),
            lambda: reduce_by(0.1, **{"baseline": "2021", field: value}),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("scope", [5, ["own"], tier])
    def test_bad_scope_type(self, scope: object) -> None:
        """A scope that is neither text nor a Scope is rejected."""
        self._raises(
            re.escape(f"a target's scope is 'own', 'territory' or 'tier:<level>', got {scope!r}"),
            lambda: at_least(80, scope=scope),
        )

    @pytest.mark.parametrize(
        ("scope", "match"),
        [("nation", "unknown scope 'nation'"), ("tier:", "a tier scope names its level")],
    )
    def test_bad_scope_text(self, scope: str, match: str) -> None:
        """Scope text that does not parse is rejected by the scope parser."""
        self._raises(re.escape(match), lambda: at_least(80, scope=scope))

    @pytest.mark.parametrize("rule", [5, ("mean",), ShareMeeting])
    def test_bad_rule_type(self, rule: object) -> None:
        """A rule that is neither text nor a Rule is rejected."""
        self._raises(
            re.escape(f"a target's rule is a Rule or its text, got {rule!r}"),
            lambda: at_least(80, rule=rule),
        )

    def test_bad_rule_text(self) -> None:
        """Rule text that does not parse is rejected by the rule parser."""
        self._raises("unknown rule 'median'", lambda: at_least(80, rule="median"))

    @pytest.mark.parametrize("field", ["tier", "among"])
    @pytest.mark.parametrize("value", ["", 5, ("province",)])
    def test_bad_tier_or_among(self, field: str, value: object) -> None:
        """A tier or peer level must be non-empty text."""
        self._raises(
            re.escape(f"expected a non-empty name, got {value!r}"),
            lambda: rank_at_most(3, **{"among": "province", field: value}),  # type: ignore[arg-type]
        )

    @pytest.mark.parametrize("source", [None, 5, ["QĐ 2866"]])
    def test_non_text_source(self, source: object) -> None:
        """A source that is not text is rejected (it would be lost or written off-schema)."""
        self._raises(
            re.escape(f"a target's source is text (document and clause), got {source!r}"),
            lambda: at_least(80, source=source),
        )


class TestIndicatorTargets:
    """An indicator checks its targets against its measure and against each other."""

    def test_targets_become_a_tuple(self) -> None:
        """Targets given as a list are stored as a tuple, in order."""
        ts = [at_least(80), at_least(60, tier="district")]
        assert Indicator("p", "P", targets=ts).targets == tuple(ts)

    def test_no_targets_by_default(self) -> None:
        """An indicator has no targets unless given."""
        assert Indicator("p", "P").targets == ()

    @pytest.mark.parametrize("threshold", [0, 100, 80])
    def test_percent_threshold_in_range(self, threshold: float) -> None:
        """A percent target from 0 to 100 inclusive is accepted."""
        assert Indicator("p", "P", targets=[at_least(threshold)]).targets[0].threshold == threshold

    @pytest.mark.parametrize(
        ("target", "text"), [(at_least(120), ">= 120 %"), (at_most(-1), "<= -1 %")]
    )
    def test_percent_threshold_out_of_range(self, target: Target, text: str) -> None:
        """A percent target outside 0-100 is rejected, naming the indicator."""
        with pytest.raises(DefinitionError) as info:
            Indicator("files", "Hồ sơ", targets=[target])
        assert str(info.value) == (
            f"indicator 'files': target {text} is outside [0, 100], the range of a percent"
        )
        assert info.value.code == "files"

    def test_binary_threshold_out_of_range(self) -> None:
        """A binary target outside 0-1 is rejected."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                "indicator 'done': target >= 2 yes/no is outside [0, 1], the range of a binary"
            ),
        ) as info:
            Indicator("done", "Xong", measure=measures.binary(), targets=[at_least(2)])
        assert info.value.code == "done"

    def test_binary_threshold_in_range(self) -> None:
        """A binary target of 1 is accepted."""
        ind = Indicator("done", "Xong", measure=measures.binary(), targets=[at_least(1)])
        assert ind.targets == (at_least(1),)

    def test_share_meeting_target_on_binary_allows_percent(self) -> None:
        """A share_meeting target rule judges a share of units (0-100), even on a binary indicator."""
        t = at_least(80, tier="district", rule="share_meeting(== 1)")
        ind = Indicator("done", "Xong", measure=measures.binary(), targets=[t])
        assert ind.targets == (t,)

    def test_share_meeting_target_out_of_range(self) -> None:
        """A share_meeting target above 100 is rejected as outside the range of a share."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                "indicator 'done': target >= 120 % of units == 1 is outside [0, 100], the "
                "range of a share of units"
            ),
        ) as info:
            Indicator(
                "done",
                "Xong",
                measure=measures.binary(),
                targets=[at_least(120, rule="share_meeting(== 1)")],
            )
        assert info.value.code == "done"

    def test_score_threshold_out_of_range(self) -> None:
        """A bounded score's target must lie within its bounds."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("target <= 11 points is outside [0, 10], the range of a score"),
        ):
            Indicator("s", "S", measure=measures.score(0, 10), targets=[at_most(11)])

    @pytest.mark.parametrize(
        ("measure", "target"),
        [
            (measures.count(), at_least(-5)),
            (measures.count(), at_most(1e9)),
            (measures.ratio(1000), at_least(2500)),
            (measures.rank(), at_most(70)),
            (measures.score(), at_least(-3)),
        ],
        ids=repr,
    )
    def test_unbounded_measures_take_any_threshold(self, measure: object, target: Target) -> None:
        """Measures without bounds do not range-check value targets."""
        assert Indicator("x", "X", measure=measure, targets=[target]).targets == (target,)

    @pytest.mark.parametrize(
        "target",
        [
            reduce_by(0.5, baseline="2021"),
            increase_by(3, baseline="2021"),
            rank_at_most(200, among="province"),
        ],
        ids=lambda t: t.kind,
    )
    def test_relative_and_rank_targets_are_not_range_checked(self, target: Target) -> None:
        """A change in percent or a rank is not a value of the measure, so 0-100 does not apply."""
        assert Indicator("p", "P", targets=[target]).targets == (target,)

    def test_target_rule_not_fitting_measure(self) -> None:
        """A target rule that does not fit the measure raises RuleMismatchError, naming indicator and rule."""
        with pytest.raises(RuleMismatchError) as info:
            Indicator("files", "Hồ sơ", targets=[at_least(80, rule="sum")])
        err = info.value
        assert str(err).startswith(
            "indicator 'files': rule 'sum' does not fit a ratio measure (adding up rates is "
            "meaningless; pool the parts); use 'ratio_of_sums' (the default)"
        )
        assert (err.code, err.rule) == ("files", "sum")

    def test_target_rule_not_fitting_checked_for_relative_targets(self) -> None:
        """The rule fit is checked for every kind of target, not only value targets."""
        with pytest.raises(
            RuleMismatchError, match="rule 'mean' does not fit a binary measure"
        ) as info:
            Indicator(
                "done",
                "Xong",
                measure=measures.binary(),
                targets=[reduce_by(0.1, baseline="2021", rule="mean")],
            )
        assert (info.value.code, info.value.rule) == ("done", "mean")

    def test_two_targets_of_a_kind_for_the_unit(self) -> None:
        """Two targets of the same kind for the plan's unit are rejected."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("indicator 'p' has two at_least targets for the same unit"),
        ) as info:
            Indicator("p", "P", targets=[at_least(80), at_least(90)])
        assert info.value.code == "p"

    def test_two_targets_of_a_kind_with_one_deadline(self) -> None:
        """Two targets of a kind due in the same period are rejected, naming the period."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("indicator 'p' has two at_least targets for the same unit due 2030"),
        ):
            Indicator(
                "p", "P", targets=[at_least(80, deadline="2030"), at_least(90, deadline="2030")]
            )

    def test_same_kind_every_year_and_at_the_deadline(self) -> None:
        """'Top 15 every year' beside 'top 10 in 2025', own beside territory: both allowed."""
        ts = [
            rank_at_most(15, among="province", each_period=True),
            rank_at_most(10, among="province"),
        ]
        assert len(Indicator("p", "P", targets=ts).targets) == 2
        ts = [at_least(80, scope="own"), at_least(50, scope="territory")]
        assert len(Indicator("p", "P", targets=ts).targets) == 2

    def test_same_kind_with_different_deadlines(self) -> None:
        """80 % by 2025 and 90 % by 2030 (Resolution 76/NQ-CP's two stages) may coexist."""
        ts = [at_least(80, deadline="2025"), at_least(90, deadline="2030")]
        assert len(Indicator("p", "P", targets=ts).targets) == 2

    def test_two_targets_of_a_kind_for_a_tier(self) -> None:
        """Two targets of the same kind for the same tier are rejected, naming the tier."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("indicator 'p' has two at_least targets for tier 'district'"),
        ) as info:
            Indicator(
                "p", "P", targets=[at_least(80, tier="district"), at_least(60, tier="district")]
            )
        assert info.value.code == "p"

    def test_same_kind_on_different_tiers(self) -> None:
        """The same kind may appear once per tier (the plan's 90/80/60 % per tier)."""
        ts = [
            at_least(90, tier="province"),
            at_least(80, tier="district"),
            at_least(60, tier="commune"),
            at_least(70),
        ]
        assert len(Indicator("p", "P", targets=ts).targets) == 4

    def test_different_kinds_on_one_tier(self) -> None:
        """Different kinds may share a tier (a floor and a ceiling)."""
        ts = [at_least(20), at_most(90), reduce_by(0.1, baseline="2021")]
        assert len(Indicator("p", "P", targets=ts).targets) == 3

    @pytest.mark.parametrize("bad", [80, "at_least(80)", {"kind": "at_least", "threshold": 80}])
    def test_non_target_in_targets(self, bad: object) -> None:
        """Anything but a Target in targets is rejected, pointing to cchc_indicators.core.targets."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                "an indicator's targets must be Target objects (see cchc_indicators.core.targets), "
                f"got {bad!r}"
            ),
        ) as info:
            Indicator("p", "P", targets=[at_least(80), bad])  # type: ignore[list-item]
        assert info.value.code is None


class TestTargetDict:
    """Target.to_dict and Target.from_dict round-trip and reject malformed input."""

    def test_to_dict_leaves_out_defaults(self) -> None:
        """Only the kind, threshold and the fields set away from their default are written."""
        assert at_least(90, tier="province", deadline="2025").to_dict() == {
            "kind": "at_least",
            "threshold": 90.0,
            "tier": "province",
            "deadline": "2025",
        }
        assert at_most(5).to_dict() == {"kind": "at_most", "threshold": 5.0}

    def test_to_dict_writes_text(self) -> None:
        """Scope and rule are written as their text."""
        assert full_target().to_dict() == {
            "kind": "reduce_by",
            "threshold": 0.1,
            "tier": "district",
            "scope": "tier:district",
            "rule": "share_meeting(>= 80, denominator=all)",
            "baseline": "2021",
            "deadline": "2025-Q4",
            "source": "QĐ 2866/QĐ-UBND, mục II.2",
        }

    @pytest.mark.parametrize(
        "target",
        [
            at_least(80),
            at_most(3.5, tier="commune", scope="own", source="mục 3"),
            full_target(),
            increase_by(0.25, baseline="2021-06", deadline="2025-06", rule="mean"),
            rank_at_most(15, among="province", deadline="2025", scope="territory"),
        ],
        ids=lambda t: t.kind,
    )
    def test_roundtrip(self, target: Target) -> None:
        """from_dict(to_dict(t)) == t for every kind."""
        assert Target.from_dict(target.to_dict()) == target

    def test_from_dict_accepts_text(self) -> None:
        """from_dict parses periods, scope and rule text as the constructor does."""
        t = Target.from_dict(
            {
                "kind": "reduce_by",
                "threshold": 0.2,
                "baseline": 2021,
                "scope": "tier:commune",
                "rule": "share_meeting(>= 50)",
            }
        )
        assert t == reduce_by(
            0.2, baseline="2021", scope=tier("commune"), rule=ShareMeeting(">= 50")
        )

    @pytest.mark.parametrize(
        "data",
        [
            {"threshold": 80},
            {"kind": "at_least"},
            {},
            ["at_least", 80],
            None,
        ],
        ids=["no kind", "no threshold", "empty", "list", "None"],
    )
    def test_missing_keys(self, data: object) -> None:
        """A target needs at least 'kind' and 'threshold' in a dictionary."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"a target needs at least 'kind' and 'threshold', got {data!r}"),
        ) as info:
            Target.from_dict(data)  # type: ignore[arg-type]
        assert info.value.code is None

    def test_unknown_keys(self) -> None:
        """Unknown keys are rejected, sorted, with the known keys listed."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                "unknown target keys ['by', 'value']; the keys are ['among', 'baseline', "
                "'deadline', 'each_period', 'fields', 'kind', 'rule', 'scope', 'source', "
                "'threshold', 'tier']"
            ),
        ):
            Target.from_dict({"kind": "at_least", "threshold": 80, "value": 1, "by": 2})

    def test_invalid_value(self) -> None:
        """An invalid value is rejected as by the constructor."""
        with pytest.raises(DefinitionError, match="a reduce_by target needs a baseline period"):
            Target.from_dict({"kind": "reduce_by", "threshold": 0.1})


class TestIndicatorDictWithTargets:
    """Indicator.to_dict and from_dict carry the targets."""

    def make(self) -> Indicator:
        """An indicator with several targets."""
        return Indicator(
            "done",
            "Xong",
            measure=measures.binary(),
            targets=[
                at_least(80, tier="district", rule="share_meeting(== 1)", deadline="2025"),
                at_least(1),
                increase_by(0.5, baseline="2021", tier="district"),
            ],
        )

    def test_to_dict_lists_targets(self) -> None:
        """to_dict writes the targets as a list of target dictionaries, in order."""
        assert self.make().to_dict()["targets"] == [
            {
                "kind": "at_least",
                "threshold": 80.0,
                "tier": "district",
                "rule": "share_meeting(== 1)",
                "deadline": "2025",
            },
            {"kind": "at_least", "threshold": 1.0},
            {"kind": "increase_by", "threshold": 0.5, "tier": "district", "baseline": "2021"},
        ]

    def test_no_targets_is_an_empty_list(self) -> None:
        """An indicator without targets writes an empty list."""
        assert Indicator("p", "P").to_dict()["targets"] == []

    def test_roundtrip(self) -> None:
        """from_dict(to_dict(ind)) == ind with targets."""
        ind = self.make()
        assert Indicator.from_dict(ind.to_dict()) == ind

    def test_missing_targets_key(self) -> None:
        """An indicator dictionary without 'targets' has no targets."""
        assert Indicator.from_dict({"code": "p", "name": "P"}).targets == ()

    @pytest.mark.parametrize("raw", ["at_least(80)", {"kind": "at_least"}, None])
    def test_targets_not_a_list(self, raw: object) -> None:
        """'targets' must be a list; the message names the indicator."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"indicator 'p': 'targets' must be a list, got {raw!r}"),
        ) as info:
            Indicator.from_dict({"code": "p", "name": "P", "targets": raw})
        assert info.value.code == "p"

    @pytest.mark.parametrize(
        ("item", "message"),
        [
            ({"kind": "above", "threshold": 1}, "unknown target kind 'above'"),
            ({"kind": "at_least"}, "a target needs at least 'kind' and 'threshold'"),
            ({"kind": "at_least", "threshold": 1, "x": 0}, "unknown target keys ['x']"),
            ("at_least 80", "a target needs at least 'kind' and 'threshold'"),
        ],
        ids=["kind", "missing", "unknown key", "text"],
    )
    def test_bad_target_names_the_indicator(self, item: object, message: str) -> None:
        """An invalid target in the list is reported with the indicator's code."""
        with pytest.raises(
            DefinitionError, match="^" + re.escape(f"indicator 'p': {message}")
        ) as info:
            Indicator.from_dict(
                {"code": "p", "name": "P", "targets": [{"kind": "at_least", "threshold": 5}, item]}
            )
        assert info.value.code == "p"

    def test_out_of_range_target_from_dict(self) -> None:
        """A target that parses but does not fit the measure is rejected by the indicator check."""
        with pytest.raises(DefinitionError, match="is outside \\[0, 100\\]") as info:
            Indicator.from_dict(
                {"code": "p", "name": "P", "targets": [{"kind": "at_least", "threshold": 120}]}
            )
        assert info.value.code == "p"


class TestEachPeriodAndChange:
    """``each_period``, ``no_worse_than_previous`` and the per-field ``fields`` (issue 12)."""

    def test_no_worse_than_previous_is_judged_on_the_improvement(self) -> None:
        """Quantity = improvement on the period before; holds at >= -tolerance."""
        t = no_worse_than_previous()
        assert (t.bound, t.higher_is_better) == (0.0, True)
        assert t.holds(0.0)
        assert t.holds(0.5)
        assert not t.holds(-0.01)
        assert t.gap(-0.25) == 0.25
        lenient = no_worse_than_previous(tolerance=1.5)
        assert lenient.holds(-1.5)
        assert not lenient.holds(-1.51)
        assert not t.holds(NAN)

    def test_no_worse_than_previous_always_applies_to_every_period(self) -> None:
        """The change from the period before is a per-period condition: each_period is set."""
        assert no_worse_than_previous().each_period is True
        t = Target.from_dict({"kind": "no_worse_than_previous", "threshold": 0})
        assert t.each_period is True
        assert t.to_dict() == {
            "kind": "no_worse_than_previous",
            "threshold": 0.0,
            "each_period": True,
        }

    def test_each_period_round_trips_and_is_described(self) -> None:
        """each_period is written to JSON only when true, and said in words."""
        t = rank_at_most(15, among="province", each_period=True, deadline="2025")
        assert t.to_dict()["each_period"] is True
        assert "each_period" not in rank_at_most(15, among="province").to_dict()
        assert Target.from_dict(t.to_dict()) == t
        assert t.describe() == "rank <= 15 among provinces, every period"
        assert at_least(80, each_period=True, tier="district").describe("%") == (
            ">= 80 %, every period (district tier)"
        )

    def test_fields_round_trip_and_are_described(self) -> None:
        """fields are written as a list and said in words."""
        t = at_least(85, fields=["land", "construction"], source="QĐ 2866")
        assert t.fields == ("land", "construction")
        assert t.to_dict()["fields"] == ["land", "construction"]
        assert Target.from_dict(t.to_dict()) == t
        assert t.describe("%") == ">= 85 % in each field (land, construction)"
        assert t.describe("%", with_fields=False) == ">= 85 % in each field"

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"each_period": 1}, "each_period is true or false, got 1"),
            ({"each_period": "yes"}, "each_period is true or false, got 'yes'"),
            ({"fields": "land"}, "fields are a list of indicator codes, got 'land'"),
            ({"fields": ["land", 3]}, "fields are indicator codes (non-empty text), got 3"),
            ({"fields": ["land", ""]}, "fields are indicator codes (non-empty text), got ''"),
            ({"fields": ["land", "land"]}, "names a field twice: ['land', 'land']"),
            ({"fields": ["land"]}, "names at least two fields, got ['land']"),
        ],
    )
    def test_bad_options_are_refused(self, options: dict[str, object], message: str) -> None:
        """Each bad value gets a DefinitionError saying what is expected."""
        with pytest.raises(DefinitionError, match=re.escape(message)):
            at_least(80, **options)

    def test_negative_tolerance_is_refused(self) -> None:
        """A tolerance is a worsening allowed: never negative."""
        with pytest.raises(
            DefinitionError, match=r"tolerance >= 0 \(0: no decline at all\), got -1"
        ):
            no_worse_than_previous(tolerance=-1)

    def test_change_target_has_no_share_meeting_rule(self) -> None:
        """A share of units meeting a condition has no 'change' per unit: refused."""
        with pytest.raises(DefinitionError, match="compares values, not a share of units"):
            no_worse_than_previous(tier="district", rule="share_meeting(== 1)")

    def test_change_target_has_no_fields(self) -> None:
        """The per-field reading applies to level targets, not to a change target."""
        with pytest.raises(DefinitionError, match="cannot have fields"):
            no_worse_than_previous(fields=["a", "b"])

    def test_tolerance_is_described_in_the_indicator_unit(self) -> None:
        """A tolerance is written with the unit."""
        assert no_worse_than_previous(tolerance=2).describe("points") == (
            "no worse than the period before by more than 2 points, every period"
        )
