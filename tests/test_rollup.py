"""Tests of the roll-up engine on a small hand-computed three-level tree."""

from __future__ import annotations

import itertools
import json
import math
import warnings
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    Panel,
    PanelError,
    Rollup,
    RuleMismatchError,
    Scope,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownPeriodError,
    UnknownUnitError,
    measures,
    own,
    rollup,
    rollup_state,
    territory,
    tier,
)
from cchc_indicators.core.rules import REASONS
from cchc_indicators.engine import PROVENANCE
from cchc_indicators.testing import assert_rollup_equal

# The tree (canonical order P, D1, D2, C1, C2, C3):
#
#   P ─┬─ D1 ─┬─ C1
#      │      └─ C2
#      └─ D2 ─── C3
UNITS = [
    {"code": "P", "name": "Tỉnh", "level": "province"},
    {"code": "D1", "name": "Huyện 1", "level": "district", "parent": "P"},
    {"code": "D2", "name": "Huyện 2", "level": "district", "parent": "P"},
    {"code": "C1", "name": "Xã 1", "level": "commune", "parent": "D1"},
    {"code": "C2", "name": "Xã 2", "level": "commune", "parent": "D1"},
    {"code": "C3", "name": "Xã 3", "level": "commune", "parent": "D2"},
]

FILES = Indicator("files", "Hồ sơ xử lý trực tuyến")
STAFF = Indicator("staff", "Biên chế", measure=measures.count())
SCORE = Indicator("score", "Điểm", measure=measures.score(0, 100))
ONLINE = Indicator("online", "Họp trực tuyến", measure=measures.binary())
RANK = Indicator("rank", "Xếp hạng", measure=measures.rank())
DEFS = [FILES, STAFF, SCORE, ONLINE, RANK]


def obs(indicator: str, unit: str, period: int = 2024, **kw: Any) -> dict[str, Any]:
    """One observation."""
    return {"indicator": indicator, "unit": unit, "period": period, **kw}


OBSERVATIONS = [
    # files (percent) 2024: P 9/10 = 90 %, D1 40/50 = 80 %, D2 none,
    # C1 1/10 = 10 %, C2 90/100 = 90 %, C3 5/10 = 50 %
    obs("files", "P", numerator=9, denominator=10),
    obs("files", "D1", numerator=40, denominator=50),
    obs("files", "C1", numerator=1, denominator=10),
    obs("files", "C2", numerator=90, denominator=100),
    obs("files", "C3", numerator=5, denominator=10),
    # files 2025: C1 3/4 = 75 %, C3 0/0 (no value)
    obs("files", "C1", 2025, numerator=3, denominator=4),
    obs("files", "C3", 2025, numerator=0, denominator=0),
    # staff (count) 2024: D1 10, C1 3, C2 4
    obs("staff", "D1", value=10),
    obs("staff", "C1", value=3),
    obs("staff", "C2", value=4),
    # score (0-100) 2024: P 100 (no weight), C1 60 (w 1), C2 90 (w 2), C3 30 (w 1)
    obs("score", "P", value=100),
    obs("score", "C1", value=60, weight=1),
    obs("score", "C2", value=90, weight=2),
    obs("score", "C3", value=30, weight=1),
    # online (binary) 2024: C1 1, C2 1, C3 0
    obs("online", "C1", value=1),
    obs("online", "C2", value=1),
    obs("online", "C3", value=0),
    # rank 2024: C1 3, C2 1, C3 2
    obs("rank", "C1", value=3),
    obs("rank", "C2", value=1),
    obs("rank", "C3", value=2),
]


@pytest.fixture(scope="module")
def h() -> Hierarchy:
    """The three-level tree P > D1 > (C1, C2); P > D2 > C3."""
    return Hierarchy.from_records(UNITS, edition="test")


@pytest.fixture(scope="module")
def panel(h: Hierarchy) -> Panel:
    """All observations of the tree, with definitions."""
    return Panel.from_records(OBSERVATIONS, h, indicators=DEFS)


def values(r: Rollup, period: int = 2024) -> dict[str, float | None]:
    """The roll-up's value per unit code in one period (None when missing), rounded to 1e-9."""
    j = r.periods.index(str(period))
    return {
        code: None if math.isnan(v) else round(float(v), 9)
        for code, v in zip(r.hierarchy.codes, r.value[:, j], strict=True)
    }


def column(r: Rollup, key: str, period: int = 2024) -> dict[str, Any]:
    """One field of to_records per unit code in one period."""
    return {rec["unit"]: rec[key] for rec in r.to_records() if rec["period"] == str(period)}


class TestEngineDetails:
    """Details of the engine that its results rest on."""

    def test_a_scope_named_at_run_time(self, h: Hierarchy) -> None:
        """A scope whose kind was read from a file (a new string) gives the same provenance."""
        kind = "".join(["terri", "tory"])  # equal to "territory", another object
        panel = Panel.from_records(
            [
                {
                    "indicator": "files",
                    "unit": "C1",
                    "period": 2024,
                    "numerator": 1,
                    "denominator": 2,
                }
            ],
            h,
            indicators=[FILES],
        )
        r = rollup(panel, "files", scope=Scope(kind))
        assert r.row("C1", 2024)["provenance"] == "observed"
        assert r.row("D1", 2024)["provenance"] == "derived"

    def test_an_indicator_read_at_run_time(self, panel: Panel) -> None:
        """An indicator read from a plan file, or whose measure kind was read from the user's own
        settings (equal strings, other objects), rolls up alike."""
        read = Indicator.from_dict(json.loads(json.dumps(FILES.to_dict())))
        kind = "".join(["ra", "tio"])
        built = attrs.evolve(FILES, measure=measures.Measure(kind, scale=100.0, bounded=True))
        assert read == built == FILES
        for scope, other in itertools.product(("own", "territory"), (read, built)):
            assert values(rollup(panel, other, scope=scope)) == values(
                rollup(panel, FILES, scope=scope)
            )

    def test_cached_scope_sizes_are_read_only(self, h: Hierarchy) -> None:
        """The engine caches scope sizes per hierarchy; the cached array cannot be changed."""
        from cchc_indicators.engine._state import _scope_sizes

        sizes = _scope_sizes(h, territory())
        assert not sizes.flags.writeable
        assert _scope_sizes(h, territory()) is sizes


class TestPoolingVersusAveraging:
    """A percent pools its parts; averaging percentages happens only when the rule says so."""

    def test_pooled_tier_commune(self, panel: Panel) -> None:
        """ratio_of_sums over the communes pools numerators and denominators."""
        r = rollup(panel, "files", scope="tier:commune")
        assert values(r) == {
            "P": 80.0,  # (1 + 90 + 5) / (10 + 100 + 10) x 100 = 96 / 120 x 100
            "D1": round(9100 / 110, 9),  # (1 + 90) / (10 + 100) x 100 = 82.7272...
            "D2": 50.0,  # 5 / 10 x 100
            "C1": 10.0,
            "C2": 90.0,
            "C3": 50.0,
        }
        assert column(r, "rule")["P"] == "ratio_of_sums"

    def test_mean_tier_commune(self, panel: Panel) -> None:
        """mean over the communes averages their rates, which differs from pooling."""
        r = rollup(panel, "files", scope="tier:commune", rule="mean")
        assert values(r) == {
            "P": 50.0,  # (10 + 90 + 50) / 3, whereas pooled is 80
            "D1": 50.0,  # (10 + 90) / 2, whereas pooled is 82.73
            "D2": 50.0,
            "C1": 10.0,
            "C2": 90.0,
            "C3": 50.0,
        }
        assert column(r, "rule")["P"] == "mean"

    def test_pooled_territory(self, panel: Panel) -> None:
        """territory pools the unit's own parts with all its descendants' parts."""
        r = rollup(panel, FILES, scope="territory")
        assert values(r) == {
            "P": round(
                14500 / 180, 9
            ),  # (9 + 40 + 1 + 90 + 5) / (10 + 50 + 10 + 100 + 10) = 145 / 180
            "D1": 81.875,  # (40 + 1 + 90) / (50 + 10 + 100) x 100 = 131 / 160 x 100
            "D2": 50.0,  # only C3: 5 / 10
            "C1": 10.0,
            "C2": 90.0,
            "C3": 50.0,
        }

    def test_mean_territory(self, panel: Panel) -> None:
        """territory with mean averages the rates of the unit and its descendants with data."""
        r = rollup(panel, FILES, scope="territory", rule="mean")
        assert values(r)["P"] == 64.0  # (90 + 80 + 10 + 90 + 50) / 5
        assert values(r)["D1"] == 60.0  # (80 + 10 + 90) / 3

    def test_weighting_by_denominator_equals_pooling(self, panel: Panel) -> None:
        """weighted_mean(by=denominator) gives the pooled value: 9600 / 120 = 80."""
        r = rollup(panel, FILES, scope="tier:commune", rule="weighted_mean(by=denominator)")
        assert r.get("P", 2024) == pytest.approx(80.0)


class TestScopes:
    """own, territory and tier scopes, with coverage and not-applicable units."""

    def test_own(self, panel: Panel) -> None:
        """own gives each unit its own observation, applies no rule and marks it observed."""
        r = rollup(panel, "files", scope="own")
        assert values(r) == {"P": 90.0, "D1": 80.0, "D2": None, "C1": 10.0, "C2": 90.0, "C3": 50.0}
        assert r.rule is None
        assert column(r, "provenance") == {
            "P": "observed",
            "D1": "observed",
            "D2": "missing",
            "C1": "observed",
            "C2": "observed",
            "C3": "observed",
        }
        assert column(r, "reason")["D2"] == "no_data"
        assert set(column(r, "n_in_scope").values()) == {1}
        row = r.row("P", 2024)
        assert (row["rule"], row["scope"], row["coverage"]) == (None, "own", 1.0)

    def test_own_zero_denominator(self, panel: Panel) -> None:
        """own with a 0 denominator has no value and says why."""
        r = rollup(panel, "files", scope=own())
        row = r.row("C3", 2025)
        assert (row["value"], row["reason"], row["provenance"]) == (
            None,
            "zero_denominator",
            "missing",
        )
        assert r.get("C1", 2025) == 75.0  # 3 / 4 x 100

    def test_tier_district(self, panel: Panel) -> None:
        """tier:district pools districts; units below the tier are not applicable."""
        r = rollup(panel, "files", scope=tier("district"))
        assert values(r) == {"P": 80.0, "D1": 80.0, "D2": None, "C1": None, "C2": None, "C3": None}
        assert column(r, "reason") == {
            "P": None,
            "D1": None,
            "D2": "no_data",
            "C1": "not_applicable",
            "C2": "not_applicable",
            "C3": "not_applicable",
        }
        # P holds 2 districts of which 1 has data; each district is its own tier
        assert column(r, "n_in_scope") == {"P": 2, "D1": 1, "D2": 1, "C1": 0, "C2": 0, "C3": 0}
        assert column(r, "n_with_data") == {"P": 1, "D1": 1, "D2": 0, "C1": 0, "C2": 0, "C3": 0}
        assert column(r, "coverage") == {
            "P": 0.5,
            "D1": 1.0,
            "D2": 0.0,
            "C1": None,
            "C2": None,
            "C3": None,
        }
        assert column(r, "provenance") == {
            "P": "derived",
            "D1": "observed",
            "D2": "missing",
            "C1": "missing",
            "C2": "missing",
            "C3": "missing",
        }

    def test_tier_commune_counts(self, panel: Panel) -> None:
        """tier:commune counts the communes below each unit; a commune is its own tier."""
        r = rollup(panel, "files", scope="tier:commune")
        assert column(r, "n_in_scope") == {"P": 3, "D1": 2, "D2": 1, "C1": 1, "C2": 1, "C3": 1}
        assert column(r, "provenance") == {
            "P": "derived",
            "D1": "derived",
            # D2 pools its one commune C3: C3's observation, not D2's own, so derived
            "D2": "derived",
            "C1": "observed",
            "C2": "observed",
            "C3": "observed",
        }
        assert r.row("P", 2024)["scope"] == "tier:commune"

    def test_tier_commune_2025(self, panel: Panel) -> None:
        """In 2025, 0/0 pools to no value and coverage counts communes with data."""
        r = rollup(panel, "files", scope="tier:commune")
        assert values(r, 2025) == {
            "P": 75.0,
            "D1": 75.0,
            "D2": None,
            "C1": 75.0,
            "C2": None,
            "C3": None,
        }
        assert column(r, "reason", 2025) == {
            "P": None,  # (3 + 0) / (4 + 0) x 100 = 75
            "D1": None,
            "D2": "zero_denominator",  # 0 / 0
            "C1": None,
            "C2": "no_data",
            "C3": "zero_denominator",
        }
        # P: C1 and C3 reported, C2 did not: 2 of 3
        assert column(r, "coverage", 2025)["P"] == pytest.approx(2 / 3)

    def test_territory_counts(self, panel: Panel) -> None:
        """territory counts the unit and all its descendants."""
        r = rollup(panel, "files", scope=territory())
        assert column(r, "n_in_scope") == {"P": 6, "D1": 3, "D2": 2, "C1": 1, "C2": 1, "C3": 1}
        # P: all but D2 reported: 5 of 6
        assert column(r, "n_with_data") == {"P": 5, "D1": 3, "D2": 1, "C1": 1, "C2": 1, "C3": 1}
        assert column(r, "coverage")["P"] == pytest.approx(5 / 6)
        assert column(r, "provenance")["C1"] == "observed"
        assert column(r, "provenance")["D2"] == "derived"

    def test_territory_zero_denominator(self, panel: Panel) -> None:
        """A territory whose pooled denominator is 0 has no value, with that reason."""
        r = rollup(panel, "files")
        assert r.row("D2", 2025)["reason"] == "zero_denominator"
        assert r.get("P", 2025) == 75.0  # (3 + 0) / (4 + 0) x 100

    def test_scope_objects(self) -> None:
        """Scopes parse from text and print back."""
        assert Scope.parse("tier:commune") == tier("commune")
        assert Scope.parse(" territory ") == territory()
        assert Scope.parse(own()) == own()
        assert (str(own()), str(territory()), str(tier("district"))) == (
            "own",
            "territory",
            "tier:district",
        )

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("bogus", "unknown scope 'bogus'; use 'own', 'territory' or 'tier:<level>'"),
            ("tier", "a tier scope names its level"),
            ("tier:", "a tier scope names its level"),
            ("own:commune", "other scopes take none"),
        ],
    )
    def test_bad_scope(self, text: str, message: str) -> None:
        """Malformed scopes are rejected."""
        with pytest.raises(DefinitionError, match=message):
            Scope.parse(text)

    def test_bad_scope_in_rollup(self, panel: Panel) -> None:
        """rollup rejects a malformed scope too."""
        with pytest.raises(DefinitionError, match="unknown scope 'everything'"):
            rollup(panel, "files", scope="everything")

    def test_unknown_tier_level(self, panel: Panel) -> None:
        """A tier on a level the hierarchy does not have raises UnknownLevelError."""
        with pytest.raises(UnknownLevelError, match="unknown level 'ward'"):
            rollup(panel, "files", scope="tier:ward")


class TestRules:
    """Every rule through the engine, on the communes of P (tier:commune) and on territories."""

    @pytest.mark.parametrize(
        ("indicator", "rule", "scope", "expected"),
        [
            ("staff", "sum", "tier:commune", 7.0),  # C1 3 + C2 4
            ("staff", "sum", "territory", 17.0),  # D1 10 + C1 3 + C2 4
            ("staff", "mean", "tier:commune", 3.5),  # (3 + 4) / 2
            ("staff", "share_meeting(>= 4)", "tier:commune", 50.0),  # C2 of {C1, C2}: 1 / 2
            # C2 of all 3 communes: 1 / 3
            ("staff", "share_meeting(>= 4, denominator=all)", "tier:commune", 100 / 3),
            ("score", "mean", "tier:commune", 60.0),  # (60 + 90 + 30) / 3
            ("score", "weighted_mean", "tier:commune", 67.5),  # (60x1 + 90x2 + 30x1) / 4 = 270 / 4
            # P's own 100 has no weight, so it does not count: still 67.5
            ("score", "weighted_mean(by=weight)", "territory", 67.5),
            ("score", "min", "tier:commune", 30.0),
            ("score", "max", "tier:commune", 90.0),
            ("score", "max", "territory", 100.0),  # P's own 100 joins its territory
            ("score", "share_meeting(>= 60)", "tier:commune", 200 / 3),  # 60 and 90 of 3
            ("online", "all", "tier:commune", 0.0),  # C3 is 0
            ("online", "any", "tier:commune", 1.0),
            ("online", "sum", "tier:commune", 2.0),  # 1 + 1 + 0
            ("online", "share_meeting(== 1)", "tier:commune", 200 / 3),
            ("rank", "min", "tier:commune", 1.0),
            ("rank", "max", "tier:commune", 3.0),
            ("files", "min", "territory", 10.0),  # min(90, 80, 10, 90, 50)
            ("files", "max", "tier:commune", 90.0),
            ("files", "share_meeting(>= 50)", "territory", 80.0),  # 90, 80, 90, 50 of 5 units
        ],
    )
    def test_rule_at_province(
        self, panel: Panel, indicator: str, rule: str, scope: str, expected: float
    ) -> None:
        """Each rule gives the hand-computed value for province P."""
        r = rollup(panel, indicator, scope=scope, rule=rule)
        assert r.get("P", 2024) == pytest.approx(expected)
        assert r.row("P", 2024)["rule"] == r.rule.to_spec()  # type: ignore[union-attr]

    def test_all_within_district(self, panel: Panel) -> None:
        """all is 1 for D1, whose communes both have 1, and 0 for D2."""
        r = rollup(panel, "online", scope="tier:commune")
        assert (r.get("D1", 2024), r.get("D2", 2024)) == (1.0, 0.0)

    def test_default_rules(self, panel: Panel) -> None:
        """Without a rule, each indicator rolls up by its own default rule."""
        assert rollup(panel, "staff").rule.to_spec() == "sum"  # type: ignore[union-attr]
        assert rollup(panel, "score").rule.to_spec() == "mean"  # type: ignore[union-attr]
        assert rollup(panel, "online").rule.to_spec() == "all"  # type: ignore[union-attr]
        assert rollup(panel, "rank").rule.to_spec() == "min"  # type: ignore[union-attr]

    def test_indicator_rule_is_used(self, panel: Panel) -> None:
        """An indicator defined with a rule rolls up by it."""
        avg = Indicator("files", "Hồ sơ", rule="mean")
        assert rollup(panel, avg, scope="tier:commune").get("P", 2024) == 50.0

    def test_rule_mismatch(self, panel: Panel) -> None:
        """A rule that does not fit the measure raises RuleMismatchError naming the indicator."""
        with pytest.raises(
            RuleMismatchError, match="indicator 'files': rule 'sum' does not fit a ratio"
        ):
            rollup(panel, "files", rule="sum")

    def test_sum_without_data_is_missing_not_zero(self, panel: Panel) -> None:
        """A sum over units without data is missing, never 0."""
        r = rollup(panel, "staff", scope="tier:commune")
        assert r.row("D2", 2024)["value"] is None
        assert r.row("D2", 2024)["reason"] == "no_data"


class TestMinCoverage:
    """min_coverage turns values with too little data into missing values."""

    def test_a_boolean_is_not_a_share(self, panel: Panel) -> None:
        """min_coverage=True is refused rather than read as 1.0."""
        with pytest.raises(DefinitionError, match="min_coverage is a share between 0 and 1"):
            rollup(panel, "files", min_coverage=True)

    def test_below_min_coverage(self, panel: Panel) -> None:
        """A value whose coverage is below the minimum is missing, its coverage kept."""
        r = rollup(panel, "files", scope="territory", min_coverage=0.9)
        row = r.row("P", 2024)
        # P: 5 of 6 units have data, 0.833 < 0.9
        assert (row["value"], row["reason"], row["provenance"]) == (
            None,
            "below_min_coverage",
            "missing",
        )
        assert row["coverage"] == pytest.approx(5 / 6)
        assert r.row("D1", 2024)["value"] == 81.875  # 3 of 3
        assert r.row("D2", 2024)["reason"] == "below_min_coverage"  # 1 of 2
        assert r.min_coverage == 0.9

    def test_coverage_equal_to_minimum_passes(self, panel: Panel) -> None:
        """Coverage exactly at the minimum is enough."""
        r = rollup(panel, "files", scope="tier:district", min_coverage=0.5)
        assert r.get("P", 2024) == 80.0  # 1 of 2 districts: coverage 0.5

    def test_other_reasons_take_precedence(self, panel: Panel) -> None:
        """Units without data or out of scope keep their own reason."""
        r = rollup(panel, "files", scope="tier:district", min_coverage=1.0)
        assert column(r, "reason") == {
            "P": "below_min_coverage",
            "D1": None,
            "D2": "no_data",
            "C1": "not_applicable",
            "C2": "not_applicable",
            "C3": "not_applicable",
        }

    @pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan, "0.5"])
    def test_bad_min_coverage(self, panel: Panel, bad: object) -> None:
        """min_coverage must be a number between 0 and 1."""
        with pytest.raises(DefinitionError, match="min_coverage is a share between 0 and 1, got"):
            rollup(panel, "files", min_coverage=bad)  # type: ignore[arg-type]


class TestValueWithoutParts:
    """A pooled ratio needs parts; value-only observations are named by row."""

    CSV = (
        "indicator,unit,period,value,numerator,denominator\n"
        "files,C1,2024,,1,10\n"  # row 2
        "files,C2,2024,90,,\n"  # row 3: a value only
        "files,D1,2024,80,,\n"  # row 4: a value only
    )

    @pytest.fixture
    def csv_panel(self, h: Hierarchy, tmp_path: Path) -> Panel:
        """A panel read from CSV mixing parts and bare values."""
        path = tmp_path / "obs.csv"
        path.write_text(self.CSV, encoding="utf-8")
        return Panel.from_csv(path, h, indicators=[FILES])

    def test_value_only_in_pooled_ratio(self, csv_panel: Panel) -> None:
        """ratio_of_sums over a territory with value-only rows raises PanelError naming each row."""
        with pytest.raises(PanelError, match="pools numerators and denominators") as info:
            rollup(csv_panel, "files")
        err = info.value
        assert err.source == csv_panel.source
        assert err.kinds == ("value_without_parts",)
        assert [(p.row, p.field) for p in err.problems] == [(3, "value"), (4, "value")]
        assert err.problems[0].message == (
            "indicator 'files': rule 'ratio_of_sums' pools numerators and denominators, but this "
            "observation gives only a value; give numerator and denominator, or roll up with rule "
            "'mean' or 'weighted_mean(by=weight)'"
        )

    def test_past_the_limit_problems_are_counted(self) -> None:
        """1,001 value-only rows: the first 1,000 are named, the last one counted, not dropped."""
        recs = [{"code": "P", "name": "P", "level": "province"}] + [
            {"code": f"C{i}", "name": f"C{i}", "level": "commune", "parent": "P"}
            for i in range(1001)
        ]
        big = Hierarchy.from_records(recs, levels=("province", "commune"))
        p = Panel.from_records(
            [
                {"indicator": "files", "unit": f"C{i}", "period": 2024, "value": 50}
                for i in range(1001)
            ],
            big,
            indicators=[FILES],
        )
        with pytest.raises(PanelError) as info:
            rollup(p, "files")
        problems = info.value.problems
        assert [q.row for q in problems[:1000]] == list(range(1000))
        assert problems[-1].kind == "truncated"
        assert problems[-1].message == "... 1 more problems not listed"

    def test_only_rows_in_the_tier_count(self, csv_panel: Panel) -> None:
        """tier:district names only the district row; tier:commune only the commune row."""
        with pytest.raises(PanelError) as info:
            rollup(csv_panel, "files", scope="tier:district")
        assert [p.row for p in info.value.problems] == [4]
        with pytest.raises(PanelError) as info:
            rollup(csv_panel, "files", scope="tier:commune")
        assert [p.row for p in info.value.problems] == [3]

    def test_weighting_by_denominator_needs_parts_too(self, csv_panel: Panel) -> None:
        """weighted_mean(by=denominator) also needs parts."""
        with pytest.raises(PanelError) as info:
            rollup(csv_panel, "files", rule="weighted_mean(by=denominator)")
        assert info.value.kinds == ("value_without_parts",)

    def test_mean_accepts_values(self, csv_panel: Panel) -> None:
        """mean uses values, whether given or made from parts: (80 + 10 + 90) / 3 = 60."""
        assert rollup(csv_panel, "files", rule="mean").get("P", 2024) == 60.0

    def test_own_accepts_values(self, csv_panel: Panel) -> None:
        """own applies no rule, so bare values are fine."""
        assert rollup(csv_panel, "files", scope="own").get("C2", 2024) == 90.0


class TestIndicatorResolution:
    """The indicator is given as a definition or as a code the panel knows."""

    def test_code_without_definition(self, h: Hierarchy) -> None:
        """A code the panel has no definition for raises UnknownIndicatorError."""
        p = Panel.from_records([obs("files", "C1", numerator=1, denominator=2)], h)
        with pytest.raises(UnknownIndicatorError, match="no definition of indicator 'files'"):
            rollup(p, "files")

    def test_definition_checks_the_data(self, h: Hierarchy) -> None:
        """A definition given to rollup is checked against data loaded without one."""
        p = Panel.from_records([obs("files", "C1", value=120)], h)
        with pytest.raises(PanelError) as info:
            rollup(p, FILES, scope="own")
        assert info.value.kinds == ("out_of_bounds",)

    def test_definition_given_to_rollup(self, h: Hierarchy) -> None:
        """A panel without definitions rolls up with the Indicator passed in: 1 / 4 x 100 = 25."""
        p = Panel.from_records([obs("files", "C1", numerator=1, denominator=4)], h)
        assert rollup(p, FILES).get("P", 2024) == 25.0

    def test_indicator_not_in_panel(self, panel: Panel) -> None:
        """An indicator without data raises UnknownIndicatorError."""
        with pytest.raises(UnknownIndicatorError, match="indicator 'other' is not in the panel"):
            rollup(panel, Indicator("other", "O"))


class TestMerge:
    """States of chunks of observations merge into the state of all of them."""

    def test_merged_chunks_equal_one_pass(self, h: Hierarchy, panel: Panel) -> None:
        """Splitting the rows in two and merging gives the one-pass values, coverage and reasons."""
        files = [o for o in OBSERVATIONS if o["indicator"] == "files"]
        a = rollup_state(Panel.from_records(files[:3], h, indicators=DEFS), FILES)
        b = rollup_state(Panel.from_records(files[3:], h, indicators=DEFS), FILES)
        merged = a.merge(b).finalize()
        whole = rollup(panel, FILES)
        assert merged.periods == whole.periods == ("2024", "2025")
        assert np.array_equal(merged.value, whole.value, equal_nan=True)
        assert np.array_equal(merged.n_with_data, whole.n_with_data)
        assert np.array_equal(merged.reason, whole.reason)
        assert np.array_equal(merged.provenance, whole.provenance)

    def test_merge_aligns_periods(self, h: Hierarchy) -> None:
        """Chunks holding different periods merge on the union of periods."""
        a = rollup_state(Panel.from_records([obs("staff", "C1", 2025, value=2)], h), STAFF)
        b = rollup_state(Panel.from_records([obs("staff", "C2", 2023, value=5)], h), STAFF)
        r = a.merge(b).finalize()
        assert r.periods == ("2023", "2025")
        assert (r.get("P", 2023), r.get("P", 2025)) == (5.0, 2.0)

    def test_merge_own_scope(self, h: Hierarchy) -> None:
        """own-scope states of disjoint chunks merge."""
        a = rollup_state(Panel.from_records([obs("staff", "C1", value=2)], h), STAFF, scope="own")
        b = rollup_state(Panel.from_records([obs("staff", "C2", value=5)], h), STAFF, scope="own")
        r = a.merge(b).finalize()
        assert (r.get("C1", 2024), r.get("C2", 2024)) == (2.0, 5.0)

    def test_overlapping_own_chunks(self, h: Hierarchy) -> None:
        """own-scope chunks holding the same observation twice are rejected on finalize."""
        a = rollup_state(Panel.from_records([obs("staff", "C1", value=2)], h), STAFF, scope="own")
        with pytest.raises(ValueError, match="the merged chunks hold the same observation twice"):
            a.merge(a).finalize()

    def test_different_rules(self, panel: Panel) -> None:
        """States with different rules do not merge."""
        a = rollup_state(panel, FILES)
        with pytest.raises(
            ValueError,
            match="cannot merge roll-up states with different rules: ratio_of_sums and mean",
        ):
            a.merge(rollup_state(panel, FILES, rule="mean"))

    def test_different_scopes(self, panel: Panel) -> None:
        """States with different scopes do not merge."""
        a = rollup_state(panel, FILES)
        with pytest.raises(ValueError, match="different scopes: territory and tier:commune"):
            a.merge(rollup_state(panel, FILES, scope="tier:commune"))

    def test_different_indicators(self, panel: Panel) -> None:
        """States of different indicators do not merge."""
        a = rollup_state(panel, "staff", rule="mean")
        with pytest.raises(ValueError, match="different indicators: 'staff' and 'score'"):
            a.merge(rollup_state(panel, "score", rule="mean"))

    def test_different_hierarchies(self, panel: Panel) -> None:
        """States on different hierarchies do not merge."""
        other_h = Hierarchy.from_records(UNITS[:3], edition="test")
        other = Panel.from_records([obs("staff", "D1", value=1)], other_h)
        with pytest.raises(
            ValueError, match="cannot merge roll-up states on different hierarchies"
        ):
            rollup_state(panel, STAFF).merge(rollup_state(other, STAFF))

    def test_state_fields(self, panel: Panel) -> None:
        """A state keeps the rule's fields plus n."""
        assert sorted(rollup_state(panel, FILES).fields) == ["den", "n", "num"]
        assert sorted(rollup_state(panel, FILES, scope="own").fields) == ["n", "undefined", "value"]


class TestExtremeMagnitudes:
    """Parts, values and weights near the float limits give the true value, or the reason overflow."""

    @pytest.fixture(autouse=True)
    def _no_warning_escapes(self) -> Any:
        """numpy's warnings are attributed to numpy, so pytest's filter would not see them."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            yield

    def panel(self, h: Hierarchy, *rows: dict[str, Any]) -> Panel:
        return Panel.from_records(list(rows), h, indicators=DEFS)

    def test_ratio_of_parts_near_the_float_maximum(self, h: Hierarchy) -> None:
        """1.5e308 of 1.6e308 is 93.75 % (not inf); the pool 1.8e308 / 3.2e308 is 56.25 %."""
        p = self.panel(
            h,
            obs("files", "C1", numerator=1.5e308, denominator=1.6e308),
            obs("files", "C2", numerator=3e307, denominator=1.6e308),
        )
        own_value = rollup(p, FILES, scope="own").get("C1", 2024)
        r = rollup(p, FILES, scope="tier:commune")
        assert own_value == 93.75
        assert math.isclose(r.get("D1", 2024), 56.25, rel_tol=1e-15)
        assert math.isclose(r.get("P", 2024), 56.25, rel_tol=1e-15)
        assert (r.row("D1", 2024)["coverage"], r.row("D1", 2024)["reason"]) == (1.0, None)

    def test_sum_beyond_the_float_range_is_an_overflow(self, h: Hierarchy) -> None:
        """1.5e308 + 1e308 is beyond the largest float: no value, reason overflow, not inf."""
        p = self.panel(h, obs("staff", "C1", value=1.5e308), obs("staff", "C2", value=1e308))
        r = rollup(p, STAFF, scope="tier:commune")
        row = r.row("D1", 2024)
        assert (row["value"], row["reason"], row["coverage"]) == (None, "overflow", 1.0)
        assert row["provenance"] == "missing"
        assert math.isnan(r.get("P", 2024))
        assert r.row("C1", 2024)["value"] == 1.5e308
        assert "— overflow" in r.table("district")

    def test_overflow_wins_over_min_coverage(self, h: Hierarchy) -> None:
        """A value beyond the float range says so even where the coverage is short (2 of 6 units)."""
        p = self.panel(h, obs("staff", "C1", value=1.5e308), obs("staff", "C2", value=1e308))
        row = rollup(p, STAFF, min_coverage=1.0).row("P", 2024)
        assert (row["reason"], row["coverage"]) == ("overflow", 2 / 6)

    def test_sum_near_the_float_maximum_is_the_float_sum(self, h: Hierarchy) -> None:
        """1e308 + 5e307 stays within the range: the sum is 1.5e308, as Python adds it."""
        p = self.panel(h, obs("staff", "C1", value=1e308), obs("staff", "C2", value=5e307))
        assert rollup(p, STAFF).get("P", 2024) == 1e308 + 5e307

    def test_mean_of_huge_values_is_finite(self, h: Hierarchy) -> None:
        """The mean of 1.5e308 and 1.7e308 is 1.6e308, although their sum is beyond the range."""
        p = self.panel(h, obs("staff", "C1", value=1.5e308), obs("staff", "C2", value=1.7e308))
        assert math.isclose(rollup(p, STAFF, rule="mean").get("P", 2024), 1.6e308, rel_tol=1e-15)

    def test_weighted_mean_with_huge_weights(self, h: Hierarchy) -> None:
        """Weights 1.2e308 and 6e307 on 60 and 90: (72 + 54) / 1.8 = 70, not no_data."""
        p = self.panel(
            h,
            obs("score", "C1", value=60, weight=1.2e308),
            obs("score", "C2", value=90, weight=6e307),
        )
        r = rollup(p, SCORE, rule="weighted_mean", scope="tier:commune")
        assert math.isclose(r.get("D1", 2024), 70.0, rel_tol=1e-15)

    def test_weighted_mean_with_subnormal_weights(self, h: Hierarchy) -> None:
        """Weights 5e-324 and 1e-323 (1 and 2 of the smallest float) on 60.5 and 90.25: 241 / 3."""
        p = self.panel(
            h,
            obs("score", "C1", value=60.5, weight=5e-324),
            obs("score", "C2", value=90.25, weight=1e-323),
        )
        r = rollup(p, SCORE, rule="weighted_mean", scope="tier:commune")
        assert math.isclose(r.get("D1", 2024), 241 / 3, rel_tol=1e-15)

    def test_a_huge_own_product_does_not_leak_into_the_tier_pool(self, h: Hierarchy) -> None:
        """P's own 90 at weight 1e300 needs an exponent; its tier:commune pool (60 w1, 90 w2) is 80."""
        p = self.panel(
            h,
            obs("score", "P", value=90, weight=1e300),
            obs("score", "C1", value=60, weight=1),
            obs("score", "C2", value=90, weight=2),
        )
        r = rollup(p, SCORE, rule="weighted_mean", scope="tier:commune")
        assert "wsum_exp" in r.state
        assert (r.get("P", 2024), r.get("D1", 2024)) == (80.0, 80.0)
        assert rollup(p, SCORE, rule="weighted_mean", scope="own").get("P", 2024) == 90.0

    def test_merged_huge_chunks_equal_one_pass(self, h: Hierarchy) -> None:
        """Chunks whose pooled sums need exponents merge, over periods too, into the one-pass result."""
        rows = [
            obs("files", "C1", numerator=1.5e308, denominator=1.6e308),
            obs("files", "C2", numerator=3e307, denominator=1.6e308),
            obs("files", "C3", numerator=5, denominator=10),
            obs("files", "C3", 2025, numerator=1, denominator=4),
        ]
        states = [rollup_state(self.panel(h, row), FILES) for row in rows]
        merged = states[3].merge(states[0]).merge(states[2]).merge(states[1])
        assert {"num_exp", "den_exp"} <= set(merged.fields)
        assert_rollup_equal(merged.finalize(), rollup(self.panel(h, *rows), FILES), rtol=1e-15)
        assert merged.finalize().get("C3", 2025) == 25.0


class TestOutput:
    """Roll-ups give values as arrays, records, frames and text."""

    KEYS: ClassVar[list[str]] = [
        "indicator",
        "unit",
        "name",
        "level",
        "period",
        "value",
        "unit_label",
        "rule",
        "scope",
        "coverage",
        "n_with_data",
        "n_in_scope",
        "provenance",
        "reason",
    ]

    def test_to_records_keys(self, panel: Panel) -> None:
        """Each record has the documented keys, one per unit and period."""
        records = rollup(panel, "files").to_records()
        assert len(records) == 6 * 2
        assert list(records[0]) == self.KEYS
        assert records[0] == {
            "indicator": "files",
            "unit": "P",
            "name": "Tỉnh",
            "level": "province",
            "period": "2024",
            "value": pytest.approx(14500 / 180),
            "unit_label": "%",
            "rule": "ratio_of_sums",
            "scope": "territory",
            "coverage": pytest.approx(5 / 6),
            "n_with_data": 5,
            "n_in_scope": 6,
            "provenance": "derived",
            "reason": None,
        }

    def test_to_records_of_level(self, panel: Panel) -> None:
        """to_records(level) keeps the units of one level."""
        records = rollup(panel, "files").to_records("district")
        assert [(r["unit"], r["period"]) for r in records] == [
            ("D1", "2024"),
            ("D1", "2025"),
            ("D2", "2024"),
            ("D2", "2025"),
        ]

    def test_arrays(self, panel: Panel) -> None:
        """array(level) gives the values of one level; coverage is n / units in scope."""
        r = rollup(panel, "files", scope="tier:commune")
        assert np.array_equal(
            r.array("commune"), [[10.0, 75.0], [90.0, np.nan], [50.0, np.nan]], equal_nan=True
        )
        assert r.coverage[0].tolist() == pytest.approx([1.0, 2 / 3])
        assert r.value.shape == (6, 2)

    def test_get_and_row_lookups(self, panel: Panel) -> None:
        """get/row accept period spellings and reject unknown units and periods."""
        r = rollup(panel, "files")
        assert r.get("C1", "2024") == r.get("C1", 2024) == 10.0
        with pytest.raises(
            UnknownPeriodError, match="period '2030' is not in the roll-up; it holds 2024, 2025"
        ) as info:
            r.get("P", 2030)
        assert isinstance(info.value, KeyError)
        assert info.value.key == "2030"
        with pytest.raises(UnknownPeriodError, match="not a period: '20x4'"):
            r.row("P", "20x4")
        with pytest.raises(UnknownUnitError, match="unknown unit code 'X'"):
            r.row("X", 2024)

    def test_to_frame(self, panel: Panel) -> None:
        """to_frame gives the records as a DataFrame."""
        pytest.importorskip("pandas")
        frame = rollup(panel, "files").to_frame("commune")
        assert frame.columns.tolist() == self.KEYS
        assert frame.shape == (3 * 2, 14)
        assert frame["unit"].tolist() == ["C1", "C1", "C2", "C2", "C3", "C3"]

    def test_repr(self, panel: Panel) -> None:
        """The repr names indicator, rule, scope, units and periods."""
        r = rollup(panel, "files", scope="tier:commune")
        assert repr(r) == (
            "Rollup('files', rule ratio_of_sums, scope tier:commune, 6 units, 2 periods 2024–2025)"
        )
        assert "rule none" in repr(rollup(panel, "files", scope="own"))

    def test_table(self, panel: Panel) -> None:
        """table() shows indented units as rows, periods as columns and reasons for gaps."""
        expected = "\n".join(
            [
                "unit                        2024              2025",
                "--------------------------------------------------",
                "Tỉnh (P)                    80.0         — no data",
                "  Huyện 1 (D1)              80.0         — no data",
                "  Huyện 2 (D2)         — no data         — no data",
                "    Xã 1 (C1)   — not applicable  — not applicable",
                "    Xã 2 (C2)   — not applicable  — not applicable",
                "    Xã 3 (C3)   — not applicable  — not applicable",
            ]
        )
        assert rollup(panel, "files", scope="tier:district").table() == expected

    def test_table_of_level_with_digits(self, panel: Panel) -> None:
        """table(level, digits=) keeps one level and rounds as asked."""
        text = rollup(panel, "files").table("district", digits=3)
        lines = text.splitlines()
        assert len(lines) == 2 + 2
        assert "81.875" in lines[2]
        assert lines[3].split()[-2:] == ["zero", "denominator"]

    def test_labels(self) -> None:
        """Provenance and reason labels are the documented ones."""
        assert PROVENANCE == ("missing", "observed", "derived")
        assert REASONS[1:] == (
            "no_data",
            "zero_denominator",
            "below_min_coverage",
            "not_applicable",
            "overflow",
        )
