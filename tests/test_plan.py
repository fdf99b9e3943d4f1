"""Tests of plans: defaults, validation, look-up, JSON round trip and the shipped JSON Schema."""

from __future__ import annotations

import copy
import json
import pickle
import re
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_indicators import (
    DefinitionError,
    Indicator,
    RuleMismatchError,
    UnknownIndicatorError,
    measures,
)
from cchc_indicators.core._periods import period_end_key
from cchc_indicators.core.indicators import TEMPORALS_FOR
from cchc_indicators.core.measures import Measure
from cchc_indicators.core.plan import SCHEMA_VERSION, Plan, schema
from cchc_indicators.core.rules import number_text, rules_for
from cchc_indicators.core.targets import TARGET_KINDS, Target, at_least, rank_at_most

# --------------------------------------------------------------------------- strategies

#: The measures generated plans use, covering every measure kind.
MEASURES: tuple[Measure, ...] = (
    measures.percent(),
    measures.ratio(1000),
    measures.count(),
    measures.score(0, 10),
    measures.score(),
    measures.binary(),
    measures.rank(),
)
_OPS = (">=", ">", "<=", "<", "==", "!=")


def _period(year: int) -> st.SearchStrategy[str]:
    """A year, quarter or month label within ``year``."""
    return st.one_of(
        st.just(str(year)),
        st.integers(1, 4).map(lambda q: f"{year}-Q{q}"),
        st.integers(1, 12).map(lambda m: f"{year}-{m:02d}"),
    )


@st.composite
def period_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two period labels, the second in a later year than the first."""
    first = draw(st.integers(1990, 2030))
    second = draw(st.integers(first + 1, first + 10))
    return draw(_period(first)), draw(_period(second))


def rule_texts(measure: Measure) -> st.SearchStrategy[str]:
    """The text of any rule fitting ``measure``."""
    options: list[st.SearchStrategy[str]] = []
    for name in rules_for(measure):
        if name == "weighted_mean":
            bys = ["weight", "denominator"] if measure.kind == "ratio" else ["weight"]
            options.append(st.sampled_from(bys).map(lambda by: f"weighted_mean(by={by})"))
        elif name == "share_meeting":
            options.append(
                st.builds(
                    lambda op, x, d: f"share_meeting({op} {number_text(x)}{d})",
                    st.sampled_from(_OPS),
                    st.floats(-1e6, 1e6, allow_nan=False),
                    st.sampled_from(["", ", denominator=all", ", denominator=with_data"]),
                )
            )
        else:
            options.append(st.just(name))
    return st.one_of(options)


@st.composite
def targets_for(draw: st.DrawFn, measure: Measure, tier: str | None, kind: str) -> Target:
    """A valid target of ``kind`` on ``tier`` for an indicator of ``measure``."""
    rule = draw(st.none() | rule_texts(measure))
    options: dict[str, Any] = {
        "tier": tier,
        "rule": rule,
        "scope": draw(st.sampled_from([None, "own", "territory", "tier:commune"])),
        "source": draw(st.text(max_size=12)),
    }
    if kind in ("at_least", "at_most"):
        bounds = (0.0, 100.0) if rule and rule.startswith("share_meeting") else measure.bounds
        lo, hi = bounds if bounds is not None else (-1e6, 1e6)
        threshold = draw(st.floats(lo, hi, allow_nan=False))
        options["deadline"] = draw(st.none() | _period(draw(st.integers(2000, 2040))))
    elif kind in ("reduce_by", "increase_by"):
        top = 1.0 if kind == "reduce_by" else 10.0
        threshold = draw(st.floats(0.0, top, exclude_min=True, allow_nan=False))
        baseline, deadline = draw(period_pairs())
        options["baseline"] = baseline
        options["deadline"] = draw(st.sampled_from([None, deadline]))
    elif kind == "no_worse_than_previous":
        threshold = draw(st.floats(0.0, 1e6, allow_nan=False))
        if rule and rule.startswith("share_meeting"):
            options["rule"] = None  # a change is of values, not of a share of units
        options["deadline"] = draw(st.none() | _period(draw(st.integers(2000, 2040))))
    else:
        threshold = draw(st.integers(1, 100))
        options["among"] = draw(st.sampled_from(["province", "district"]))
    if draw(st.booleans()):
        options["each_period"] = True
    return Target(kind, threshold, **options)  # type: ignore[arg-type]


@st.composite
def indicators(draw: st.DrawFn, code: str) -> Indicator:
    """A valid indicator of any generated measure, with zero to four valid targets."""
    measure = draw(st.sampled_from(MEASURES))
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from([None, "province", "district", "commune"]),
                st.sampled_from(TARGET_KINDS),
            ),
            unique=True,
            max_size=4,
        )
    )
    options: dict[str, Any] = {
        "measure": measure,
        "name_en": draw(st.text(max_size=12)),
        "area": draw(st.sampled_from(["overall", "procedures", "digital_government"])),
        "description": draw(st.text(max_size=12)),
        "source": draw(st.text(max_size=12)),
        "targets": [draw(targets_for(measure, tier, kind)) for tier, kind in keys],
    }
    if draw(st.booleans()):
        options["rule"] = draw(rule_texts(measure))
    if draw(st.booleans()):
        options["direction"] = draw(st.sampled_from(["higher", "lower"]))
    if draw(st.booleans()):
        options["unit"] = draw(st.text(max_size=6))
    if draw(st.booleans()):
        options["temporal"] = draw(st.sampled_from([t.value for t in TEMPORALS_FOR[measure.kind]]))
    return Indicator(code, draw(st.text(min_size=1, max_size=20).filter(str.strip)), **options)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A valid plan with zero to four indicators and optional metadata."""
    codes = draw(
        st.lists(st.from_regex(r"[a-z][a-z0-9_.\-]{0,8}", fullmatch=True), unique=True, max_size=4)
    )
    options: dict[str, Any] = {
        "title": draw(st.text(max_size=20)),
        "title_en": draw(st.text(max_size=20)),
        "document": draw(st.text(max_size=12)),
        "issuer": draw(st.text(max_size=12)),
        "notes": draw(st.text(max_size=20)),
        "date": draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        "unit": draw(st.none() | st.from_regex(r"[0-9]{2,5}", fullmatch=True)),
        "edition": draw(st.none() | st.sampled_from(["2024", "2025-07"])),
        "units": draw(st.none() | st.sampled_from(["vn_units_2024", "demo"])),
        "indicators": [draw(indicators(code)) for code in codes],
    }
    # targets may not fall due before the plan's baseline has ended
    due = [
        period_end_key(t.deadline) for i in options["indicators"] for t in i.targets if t.deadline
    ]
    earliest = min(due, default=(9999, 12))
    if draw(st.booleans()):
        start, end = draw(period_pairs())
        if period_end_key(start) < earliest:
            options["start"], options["end"] = start, end
    if draw(st.booleans()):
        baseline, deadline = draw(period_pairs())
        if period_end_key(baseline) < earliest:
            options["baseline"], options["deadline"] = baseline, deadline
    code = draw(st.from_regex(r"[a-z0-9][a-z0-9._\-]{0,15}", fullmatch=True))
    return Plan(code, **options)


# --------------------------------------------------------------------------- examples


def demo_plan() -> Plan:
    """A small plan with every field set and a few targets."""
    return Plan(
        "vinh-phuc-2021-2025",
        title="Kế hoạch cải cách hành chính tỉnh Vĩnh Phúc giai đoạn 2021-2025",
        title_en="Vinh Phuc public administration reform plan 2021-2025",
        document="2866/QĐ-UBND",
        issuer="Ủy ban nhân dân tỉnh Vĩnh Phúc",
        date="2021-10-29",
        start="2021",
        end="2025",
        unit="26",
        edition="2024",
        units="vn_units_2024",
        indicators=[
            Indicator(
                "online",
                "Tỷ lệ hồ sơ trực tuyến",
                targets=[at_least(80, tier="district", deadline="2025")],
            ),
            Indicator(
                "par.rank",
                "Xếp hạng PAR INDEX",
                measure=measures.rank(),
                targets=[rank_at_most(15, among="province")],
            ),
        ],
        notes="Chỉ tiêu định tính bỏ qua.",
    )


def demo_dict() -> dict[str, Any]:
    """demo_plan() as to_dict writes it, written out by hand."""
    return {
        "schema_version": 1,
        "code": "vinh-phuc-2021-2025",
        "title": "Kế hoạch cải cách hành chính tỉnh Vĩnh Phúc giai đoạn 2021-2025",
        "title_en": "Vinh Phuc public administration reform plan 2021-2025",
        "document": "2866/QĐ-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Vĩnh Phúc",
        "date": "2021-10-29",
        "start": "2021",
        "end": "2025",
        "baseline": "2021",
        "deadline": "2025",
        "unit": "26",
        "edition": "2024",
        "units": "vn_units_2024",
        "indicators": [
            {
                "code": "online",
                "name": "Tỷ lệ hồ sơ trực tuyến",
                "name_en": "",
                "area": "overall",
                "measure": {"kind": "percent"},
                "direction": "higher",
                "rule": "ratio_of_sums",
                "temporal": "flow",
                "unit": "%",
                "description": "",
                "source": "",
                "targets": [
                    {"kind": "at_least", "threshold": 80.0, "tier": "district", "deadline": "2025"}
                ],
            },
            {
                "code": "par.rank",
                "name": "Xếp hạng PAR INDEX",
                "name_en": "",
                "area": "overall",
                "measure": {"kind": "rank"},
                "direction": "lower",
                "rule": "min",
                "temporal": "stock",
                "unit": "rank",
                "description": "",
                "source": "",
                "targets": [{"kind": "rank_at_most", "threshold": 15.0, "among": "province"}],
            },
        ],
        "notes": "Chỉ tiêu định tính bỏ qua.",
    }


def minimal_doc(**extra: Any) -> dict[str, Any]:
    """The smallest valid plan document, with ``extra`` keys merged in."""
    return {"schema_version": 1, "code": "p", "indicators": [], **extra}


# --------------------------------------------------------------------------- tests


class TestDefaults:
    """A plan fills in its baseline and deadline from its period."""

    def test_bare_plan(self) -> None:
        """A plan with only a code has empty metadata and no indicators."""
        plan = Plan("p")
        assert (plan.title, plan.title_en, plan.document, plan.issuer, plan.notes) == ("",) * 5
        assert (plan.date, plan.start, plan.end, plan.baseline, plan.deadline) == (None,) * 5
        assert (plan.unit, plan.edition, plan.units) == (None, None, None)
        assert plan.indicators == ()

    def test_baseline_from_start_and_deadline_from_end(self) -> None:
        """Without a baseline or deadline, the plan's start and end are used."""
        plan = Plan("p", start="2021", end="2025")
        assert (plan.baseline, plan.deadline) == ("2021", "2025")

    def test_explicit_baseline_and_deadline_are_kept(self) -> None:
        """An explicit baseline or deadline overrides the period's."""
        plan = Plan("p", start="2021", end="2025", baseline="2020", deadline="2025-Q3")
        assert (plan.start, plan.end, plan.baseline, plan.deadline) == (
            "2021",
            "2025",
            "2020",
            "2025-Q3",
        )

    def test_only_one_default(self) -> None:
        """Each default applies on its own: a start without an end gives only a baseline."""
        plan = Plan("p", start=2021)
        assert (plan.baseline, plan.deadline) == ("2021", None)
        plan = Plan("p", end=2025)
        assert (plan.baseline, plan.deadline) == (None, "2025")

    def test_periods_are_normalised(self) -> None:
        """Periods given as numbers or loose text are stored as canonical labels."""
        plan = Plan("p", start=2021, end="2025q4", baseline=2020.0, deadline=" 2025-12 ")
        assert (plan.start, plan.end, plan.baseline, plan.deadline) == (
            "2021",
            "2025-Q4",
            "2020",
            "2025-12",
        )

    def test_indicators_become_a_tuple(self) -> None:
        """Indicators given as any iterable are stored as a tuple, in order."""
        inds = [Indicator("b", "B"), Indicator("a", "A")]
        assert Plan("p", indicators=iter(inds)).indicators == tuple(inds)

    def test_defaulted_equals_explicit(self) -> None:
        """A plan whose baseline came from its start equals one given the same baseline."""
        assert Plan("p", start="2021", end="2025") == Plan(
            "p", start="2021", end="2025", baseline="2021", deadline="2025"
        )

    def test_pickle_roundtrip(self) -> None:
        """A plan pickles to an equal plan."""
        plan = demo_plan()
        assert pickle.loads(pickle.dumps(plan)) == plan


class TestValidation:
    """Invalid plans are rejected when built."""

    @pytest.mark.parametrize(
        "code", ["Vinh-Phuc", "", "-plan", "_plan", "a b", "kế-hoạch", 5, None]
    )
    def test_bad_code(self, code: object) -> None:
        """A code that is not lower-case letters, digits, '-', '.', '_' is rejected."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                f"plan code {code!r} is not valid: use lower-case letters, digits, '-', '.', '_'"
            ),
        ) as info:
            Plan(code)  # type: ignore[arg-type]
        assert info.value.code is None

    @pytest.mark.parametrize("code", ["p", "vinh-phuc-2021-2025", "2866.qd_ubnd", "0"])
    def test_good_code(self, code: str) -> None:
        """Lower-case letters, digits, '-', '.' and '_' make a code."""
        assert Plan(code).code == code

    @pytest.mark.parametrize(
        "date", ["2021/10/29", "29-10-2021", "2021-10-29T00:00", "20211029", ""]
    )
    def test_bad_date(self, date: str) -> None:
        """A date not written YYYY-MM-DD is rejected, naming the plan."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"plan 'p': 'date' is written YYYY-MM-DD, got {date!r}"),
        ):
            Plan("p", date=date)

    def test_numeric_date(self) -> None:
        """A date that is not text (a JSON number) is a DefinitionError, not a TypeError."""
        with pytest.raises(
            DefinitionError, match=re.escape("a plan's 'date' is text, got 20211029")
        ) as info:
            Plan("p", date=20211029)  # type: ignore[arg-type]
        assert info.value.code is None

    @pytest.mark.parametrize(
        ("field", "value"),
        [("start", "2021-13"), ("end", "soon"), ("baseline", True), ("deadline", "2025-Q0")],
    )
    def test_bad_period(self, field: str, value: object) -> None:
        """A period field that is not a period is rejected, naming the value."""
        with pytest.raises(DefinitionError, match=re.escape(f"not a period: {value!r}")):
            Plan("p", **{field: value})

    @pytest.mark.parametrize(
        ("options", "deadline", "baseline"),
        [
            ({"baseline": "2025", "deadline": "2025"}, "2025", "2025"),
            ({"baseline": "2025", "deadline": "2021"}, "2021", "2025"),
            ({"start": "2025", "end": "2021"}, "2021", "2025"),
            ({"start": "2021", "end": "2025", "deadline": "2020"}, "2020", "2021"),
            ({"baseline": "2021-Q2", "deadline": "2021-04"}, "2021-04", "2021-Q2"),
        ],
        ids=["equal", "before", "from period", "mixed", "same start month"],
    )
    def test_deadline_not_after_baseline(
        self, options: dict[str, str], deadline: str, baseline: str
    ) -> None:
        """The deadline, given or defaulted, must come after the baseline."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                f"plan 'p': the deadline {deadline} is not after the baseline {baseline}"
            ),
        ):
            Plan("p", **options)

    def test_duplicate_indicator_codes(self) -> None:
        """Two indicators with one code are rejected, naming the code."""
        with pytest.raises(
            DefinitionError, match=re.escape("plan 'p': indicator 'a' appears twice")
        ) as info:
            Plan("p", indicators=[Indicator("a", "A"), Indicator("b", "B"), Indicator("a", "A2")])
        assert info.value.code == "a"

    @pytest.mark.parametrize("bad", ["a", {"code": "a", "name": "A"}, at_least(80)])
    def test_non_indicator(self, bad: object) -> None:
        """Anything but an Indicator among the indicators is rejected."""
        with pytest.raises(
            DefinitionError,
            match=re.escape(f"a plan's indicators must be Indicator objects, got {bad!r}"),
        ) as info:
            Plan("p", indicators=[Indicator("a", "A"), bad])  # type: ignore[list-item]
        assert info.value.code is None

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", 5),
            ("title", None),
            ("title_en", b"x"),
            ("document", 2866),
            ("issuer", None),
            ("notes", ["x"]),
            ("unit", 26),
            ("edition", 2024),
            ("units", True),
        ],
    )
    def test_text_fields_must_be_text(self, field: str, value: object) -> None:
        """A text field given anything but text is rejected, naming the field and the value."""
        with pytest.raises(
            DefinitionError, match=re.escape(f"a plan's {field!r} is text, got {value!r}")
        ):
            Plan("p", **{field: value})

    @pytest.mark.parametrize("field", ["unit", "edition", "units"])
    def test_empty_optional_text_is_not_lost(self, field: str) -> None:
        """An empty unit, edition or units name is refused or survives the round trip, never becoming None."""
        try:
            plan = Plan("p", **{field: ""})
        except DefinitionError:
            return  # refusing an empty name is as good as keeping it
        assert Plan.from_dict(plan.to_dict()) == plan


class TestLookup:
    """A plan lists and finds its indicators."""

    def test_codes_in_plan_order(self) -> None:
        """codes lists the indicator codes in the order given."""
        assert demo_plan().codes == ("online", "par.rank")
        assert Plan("p").codes == ()

    def test_indicator(self) -> None:
        """indicator(code) returns that indicator."""
        plan = demo_plan()
        assert plan.indicator("par.rank") is plan.indicators[1]

    def test_unknown_indicator(self) -> None:
        """An unknown code raises UnknownIndicatorError (a KeyError) listing the plan's codes."""
        with pytest.raises(UnknownIndicatorError) as info:
            demo_plan().indicator("staff")
        err = info.value
        assert str(err) == (
            "plan 'vinh-phuc-2021-2025' has no indicator 'staff'; it has online, par.rank"
        )
        assert err.key == "staff"
        assert isinstance(err, KeyError)

    def test_repr(self) -> None:
        """The repr gives the code, the number of indicators and the unit."""
        assert repr(demo_plan()) == "Plan('vinh-phuc-2021-2025', indicators=2, unit='26')"
        assert repr(Plan("p")) == "Plan('p', indicators=0, unit=None)"


class TestDict:
    """to_dict and from_dict round-trip and reject malformed documents."""

    def test_to_dict(self) -> None:
        """to_dict writes schema_version, the set fields and every indicator."""
        assert demo_plan().to_dict() == demo_dict()

    def test_to_dict_of_bare_plan(self) -> None:
        """Empty and unset fields are left out; indicators are always written."""
        assert Plan("p").to_dict() == {"schema_version": 1, "code": "p", "indicators": []}

    def test_roundtrip(self) -> None:
        """from_dict(to_dict(plan)) == plan."""
        plan = demo_plan()
        assert Plan.from_dict(plan.to_dict()) == plan

    def test_from_hand_written_dict(self) -> None:
        """A hand-written document builds the plan it describes."""
        assert Plan.from_dict(demo_dict()) == demo_plan()

    def test_missing_indicators_means_none(self) -> None:
        """A document without 'indicators' gives a plan without indicators."""
        assert Plan.from_dict({"schema_version": 1, "code": "p"}).indicators == ()

    @pytest.mark.parametrize(
        ("data", "kind"), [([], "an array"), ("{}", "a string"), (None, "null"), (3, "a number")]
    )
    def test_not_an_object(self, data: object, kind: str) -> None:
        """A document that is not an object is rejected, naming its JSON type."""
        with pytest.raises(
            DefinitionError, match=re.escape(f"a plan is a JSON object (a mapping), got {kind}")
        ):
            Plan.from_dict(data)

    @pytest.mark.parametrize("version", [None, 2, 0, "1", 1.5])
    def test_unsupported_schema_version(self, version: object) -> None:
        """A missing or other schema_version is rejected, giving the supported one."""
        data = minimal_doc()
        if version is None:
            del data["schema_version"]
        else:
            data["schema_version"] = version
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                f"unsupported plan schema_version {version!r}; this library reads {SCHEMA_VERSION}"
            ),
        ):
            Plan.from_dict(data)

    def test_unknown_keys(self) -> None:
        """Unknown keys are rejected, sorted."""
        with pytest.raises(DefinitionError, match=re.escape("unknown plan keys ['owner', 'year']")):
            Plan.from_dict(minimal_doc(year=2021, owner="x"))

    @pytest.mark.parametrize("raw", [{}, "online", None, 3])
    def test_indicators_not_a_list(self, raw: object) -> None:
        """'indicators' must be a list."""
        with pytest.raises(DefinitionError, match=re.escape("a plan's 'indicators' is a list")):
            Plan.from_dict(minimal_doc(indicators=raw))

    def test_missing_code(self) -> None:
        """A document without a code is rejected as an invalid code."""
        data = minimal_doc()
        del data["code"]
        with pytest.raises(DefinitionError, match=re.escape("plan code None is not valid")):
            Plan.from_dict(data)

    def test_invalid_target_names_the_indicator(self) -> None:
        """An invalid target inside an indicator is reported with the indicator's code."""
        data = demo_dict()
        data["indicators"][0]["targets"][0]["kind"] = "above"
        with pytest.raises(
            DefinitionError, match=re.escape("indicator 'online': unknown target kind 'above'")
        ) as info:
            Plan.from_dict(data)
        assert info.value.code == "online"

    @pytest.mark.parametrize(
        ("field", "value"),
        [("area", "finance"), ("measure", {"kind": "percentage"}), ("direction", "up")],
    )
    def test_invalid_indicator_field_names_the_indicator(self, field: str, value: object) -> None:
        """Any invalid indicator definition is reported with the indicator's code, as documented."""
        data = demo_dict()
        data["indicators"][1][field] = value
        with pytest.raises(DefinitionError, match=re.escape("indicator 'par.rank'")) as info:
            Plan.from_dict(data)
        assert info.value.code == "par.rank"

    def test_duplicate_codes_in_document(self) -> None:
        """A document with one indicator twice is rejected."""
        data = demo_dict()
        data["indicators"].append(copy.deepcopy(data["indicators"][0]))
        with pytest.raises(DefinitionError, match="indicator 'online' appears twice"):
            Plan.from_dict(data)


class TestJson:
    """to_json and from_json round-trip through text and files and report bad input precisely."""

    def test_to_json_text(self) -> None:
        """to_json writes indented UTF-8 JSON with Vietnamese kept readable and a final newline."""
        text = demo_plan().to_json()
        assert text.endswith("}\n")
        assert "Ủy ban nhân dân tỉnh Vĩnh Phúc" in text
        assert "\\u" not in text
        assert text.startswith('{\n  "schema_version": 1,\n  "code": "vinh-phuc-2021-2025",')
        assert json.loads(text) == demo_dict()

    def test_roundtrip_through_text(self) -> None:
        """from_json(to_json()) gives back an equal plan."""
        plan = demo_plan()
        assert Plan.from_json(plan.to_json()) == plan

    def test_text_with_leading_whitespace(self) -> None:
        """JSON text may start with whitespace."""
        assert Plan.from_json('\n  {"schema_version": 1, "code": "p"}') == Plan("p")

    def test_roundtrip_through_a_file(self, tmp_path: Path) -> None:
        """to_json(path) writes the file in UTF-8; from_json reads it from a Path."""
        plan = demo_plan()
        path = tmp_path / "kế-hoạch.json"
        text = plan.to_json(path)
        assert path.read_text(encoding="utf-8") == text
        assert path.read_bytes() == text.encode("utf-8")
        assert Plan.from_json(path) == plan

    def test_invalid_json_text(self) -> None:
        """Invalid JSON text is reported with the line and column of the fault."""
        text = '{\n  "schema_version": 1,\n  "code": ,\n}'
        with pytest.raises(
            DefinitionError,
            match=re.escape("<plan JSON>: not valid JSON at line 3, column 11: Expecting value"),
        ) as info:
            Plan.from_json(text)
        assert info.value.code is None

    def test_invalid_json_file(self, tmp_path: Path) -> None:
        """Invalid JSON in a file is reported with the file name, line and column."""
        path = tmp_path / "plan.json"
        path.write_text('{\n  "schema_version": 1,\n  "code": "p",\n  "title": "x" "y"\n}\n')
        with pytest.raises(
            DefinitionError,
            match=re.escape(
                f"{path}: not valid JSON at line 4, column 16: Expecting ',' delimiter"
            ),
        ):
            Plan.from_json(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A path to no file is a DefinitionError naming the path and the cause."""
        path = tmp_path / "none.json"
        with pytest.raises(DefinitionError) as info:
            Plan.from_json(path)
        assert str(info.value) == f"{path}: no such file"

    def test_unsupported_schema_version(self) -> None:
        """An unsupported schema_version is reported with the source."""
        with pytest.raises(
            DefinitionError,
            match=re.escape("<plan JSON>: unsupported plan schema_version 2; this library reads 1"),
        ):
            Plan.from_json(json.dumps(minimal_doc(schema_version=2)))

    def test_unknown_keys(self, tmp_path: Path) -> None:
        """Unknown keys are reported with the file name."""
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(minimal_doc(target=80)), encoding="utf-8")
        with pytest.raises(
            DefinitionError, match=re.escape(f"{path}: unknown plan keys ['target']")
        ):
            Plan.from_json(path)

    def test_indicators_not_a_list(self) -> None:
        """'indicators' not being a list is reported with the source."""
        with pytest.raises(
            DefinitionError, match=re.escape("<plan JSON>: a plan's 'indicators' is a list")
        ):
            Plan.from_json(json.dumps(minimal_doc(indicators={"online": {}})))

    def test_invalid_indicator_names_the_file_and_indicator(self, tmp_path: Path) -> None:
        """An invalid indicator is reported with the file, the indicator and its code attribute."""
        data = demo_dict()
        data["indicators"][0]["targets"][0]["threshold"] = 120
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            Plan.from_json(path)
        assert str(info.value) == (
            f"{path}: indicator 'online': target >= 120 % (district tier) is outside [0, 100], "
            "the range of a percent"
        )
        assert info.value.code == "online"

    def test_numeric_date_in_json(self) -> None:
        """A JSON number as the date is a DefinitionError naming the source, not a TypeError."""
        with pytest.raises(
            DefinitionError, match=re.escape("<plan JSON>: a plan's 'date' is text, got 20211029")
        ):
            Plan.from_json(json.dumps(minimal_doc(date=20211029)))

    def test_rule_mismatch_keeps_its_type(self) -> None:
        """A rule that does not fit is still a RuleMismatchError, with its rule, when read from JSON."""
        data = minimal_doc(indicators=[{"code": "online", "name": "Online", "rule": "sum"}])
        with pytest.raises(
            RuleMismatchError, match=re.escape("<plan JSON>: indicator 'online'")
        ) as info:
            Plan.from_json(json.dumps(data))
        assert (info.value.code, info.value.rule) == ("online", "sum")


class TestProperties:
    """Laws over generated plans."""

    @given(plans())
    def test_json_roundtrip_is_lossless(self, plan: Plan) -> None:
        """Any valid plan survives to_json and from_json unchanged."""
        assert Plan.from_json(plan.to_json()) == plan

    @given(plans())
    def test_dict_roundtrip_is_lossless(self, plan: Plan) -> None:
        """Any valid plan survives to_dict and from_dict unchanged, and to_dict is stable."""
        again = Plan.from_dict(plan.to_dict())
        assert again == plan
        assert again.to_dict() == plan.to_dict()

    @given(plans())
    def test_plan_json_validates_against_the_schema(self, plan: Plan) -> None:
        """What to_json writes is valid under the shipped JSON Schema."""
        jsonschema.Draft202012Validator(schema()).validate(json.loads(plan.to_json()))


class TestSchema:
    """The shipped JSON Schema describes the format and rejects malformed documents."""

    @pytest.fixture
    def validator(self) -> jsonschema.Draft202012Validator:
        """A validator of the shipped schema."""
        return jsonschema.Draft202012Validator(schema())

    def test_schema_is_valid_draft_2020_12(self) -> None:
        """schema() is a valid draft 2020-12 schema with the documented title."""
        s = schema()
        jsonschema.Draft202012Validator.check_schema(s)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert s["title"] == "cchc-indicators plan"
        assert s["properties"]["schema_version"] == {"const": SCHEMA_VERSION}

    def test_schema_returns_a_fresh_copy(self) -> None:
        """Changing the returned dictionary does not change the next call's result."""
        s = schema()
        s["title"] = "changed"
        assert schema()["title"] == "cchc-indicators plan"

    def test_hand_written_plan_is_valid(self, validator: jsonschema.Draft202012Validator) -> None:
        """The hand-written demo document is valid."""
        validator.validate(demo_dict())

    def test_schema_kinds_match_the_library(self) -> None:
        """The schema's target kinds are the library's."""
        kinds = schema()["$defs"]["target"]["properties"]["kind"]["enum"]
        assert tuple(kinds) == TARGET_KINDS

    @staticmethod
    def _errors(validator: jsonschema.Draft202012Validator, doc: dict[str, Any]) -> list[str]:
        return [e.message for e in validator.iter_errors(doc)]

    def test_rejects_unknown_key(self, validator: jsonschema.Draft202012Validator) -> None:
        """An unknown top-level key is rejected."""
        errors = self._errors(validator, minimal_doc(owner="x"))
        assert len(errors) == 1
        assert "'owner' was unexpected" in errors[0]

    def test_rejects_unknown_target_key(self, validator: jsonschema.Draft202012Validator) -> None:
        """An unknown key inside a target is rejected."""
        doc = demo_dict()
        doc["indicators"][0]["targets"][0]["value"] = 1
        assert len(self._errors(validator, doc)) == 1

    @pytest.mark.parametrize("period", ["2021-13", "2021-Q5", "21", "2021Q1", "2021-6"])
    def test_rejects_bad_period(
        self, validator: jsonschema.Draft202012Validator, period: str
    ) -> None:
        """A period that is not YYYY, YYYY-Qn or YYYY-MM is rejected."""
        errors = self._errors(validator, minimal_doc(start=period))
        assert len(errors) == 1
        assert "does not match" in errors[0]

    @pytest.mark.parametrize(
        "rule", ["median", "share_meeting(80)", "share_meeting(>= x)", "weighted_mean(by=size)"]
    )
    def test_rejects_bad_rule_text(
        self, validator: jsonschema.Draft202012Validator, rule: str
    ) -> None:
        """Rule text that is not a known rule is rejected, on an indicator or a target."""
        doc = demo_dict()
        doc["indicators"][0]["rule"] = rule
        doc["indicators"][1]["targets"][0]["rule"] = rule
        errors = self._errors(validator, doc)
        assert len(errors) == 2
        assert all("does not match" in e for e in errors)

    def test_rejects_bad_target_kind(self, validator: jsonschema.Draft202012Validator) -> None:
        """A target kind that is not one of the five is rejected."""
        doc = demo_dict()
        doc["indicators"][0]["targets"][0]["kind"] = "above"
        errors = self._errors(validator, doc)
        assert len(errors) == 1
        assert "'above' is not one of" in errors[0]

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"schema_version": 2}, "1 was expected"),
            ({"code": "Vinh Phuc"}, "does not match"),
            ({"date": "29/10/2021"}, "does not match"),
            ({"indicators": {}}, "is not of type 'array'"),
        ],
        ids=["version", "code", "date", "indicators"],
    )
    def test_rejects_bad_top_level_values(
        self, validator: jsonschema.Draft202012Validator, change: dict[str, Any], expected: str
    ) -> None:
        """A bad version, code, date or indicator list is rejected."""
        errors = self._errors(validator, minimal_doc(**change))
        assert len(errors) == 1
        assert expected in errors[0]

    def test_library_rejects_what_the_schema_rejects(self) -> None:
        """The hand-made bad documents above are rejected by from_dict too."""
        bad = [
            minimal_doc(owner="x"),
            minimal_doc(start="2021-13"),
            minimal_doc(indicators=[{"code": "p", "name": "P", "rule": "median"}]),
            minimal_doc(
                indicators=[
                    {"code": "p", "name": "P", "targets": [{"kind": "above", "threshold": 1}]}
                ]
            ),
        ]
        for doc in bad:
            with pytest.raises(DefinitionError):
                Plan.from_dict(doc)


class TestStrategies:
    """The plan strategy of this file explores the space it is meant to."""

    def test_strategies_make_varied_plans(self) -> None:
        """Generated plans reach every measure kind and every target kind."""
        seen_kinds: set[str] = set()
        seen_measures: set[str] = set()

        @settings(max_examples=400, derandomize=True, database=None)
        @given(plans())
        def collect(plan: Plan) -> None:
            for ind in plan.indicators:
                seen_measures.add(ind.measure.kind)
                seen_kinds.update(t.kind for t in ind.targets)

        collect()
        assert seen_measures == {"ratio", "count", "score", "binary", "rank"}
        assert seen_kinds == set(TARGET_KINDS)


class TestEdgeCases:
    """Inputs found by review: JSON arrays, missing lists, mixed period granularities."""

    def test_json_array_text_is_not_a_file_name(self) -> None:
        """JSON text that is an array is read as JSON and refused as a plan."""
        with pytest.raises(
            DefinitionError, match=r"a plan is a JSON object \(a mapping\), got an array"
        ):
            Plan.from_json("[]")

    def test_indicators_none_is_a_definition_error(self) -> None:
        """indicators=None is refused with a DefinitionError, not a TypeError."""
        with pytest.raises(DefinitionError, match="a plan's indicators are a list"):
            Plan("p", indicators=None)  # type: ignore[arg-type]

    def test_deadline_inside_the_baseline_year_is_refused(self) -> None:
        """2021-Q4 and 2021-06 end no later than 2021 does, so they are not after it."""
        with pytest.raises(DefinitionError, match="not after the baseline 2021"):
            Plan("p", baseline="2021", deadline="2021-06")
        with pytest.raises(DefinitionError, match="not after the baseline 2021"):
            Target("reduce_by", 0.1, baseline="2021", deadline="2021-Q4")
        assert Target("reduce_by", 0.1, baseline="2021", deadline="2022-Q1").deadline == "2022-Q1"

    def test_nested_rule_mismatch_keeps_type_and_names_the_file(self, tmp_path: Path) -> None:
        """A rule mismatch deep in a plan file stays a RuleMismatchError naming the file."""
        from cchc_indicators import RuleMismatchError

        f = tmp_path / "plan.json"
        doc = {
            "schema_version": 1,
            "code": "p",
            "indicators": [{"code": "q", "name": "Q", "rule": "sum"}],
        }
        f.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(RuleMismatchError) as info:
            Plan.from_json(f)
        assert str(info.value).startswith(f"{f}: indicator 'q': rule 'sum'")
        assert (info.value.rule, info.value.code) == ("sum", "q")


class TestReviewFindings:
    """Definitions the fresh-eyes review found accepted when they should not be."""

    def test_target_due_before_the_plan_baseline_is_refused(self) -> None:
        """A target due 2025 in a plan whose baseline is 2026 cannot be met in time."""
        ind = Indicator("p", "P", targets=[at_least(80, deadline="2025")])
        with pytest.raises(
            DefinitionError, match="has a target due 2025, not after the plan's baseline 2026"
        ):
            Plan("p", baseline="2026", deadline="2030", indicators=[ind])

    def test_an_indicator_needs_a_name(self) -> None:
        """An empty (or blank) Vietnamese name is refused."""
        with pytest.raises(DefinitionError, match="an indicator needs a name"):
            Indicator("p", "  ")


class TestTierMap:
    """A plan can say which tier replaces one the units no longer have."""

    def test_round_trip_and_schema(self) -> None:
        """tier_map survives JSON and validates against the schema."""
        plan = Plan("p", tier_map={"district": "commune"})
        assert plan.tier_map == (("district", "commune"),)
        doc = plan.to_dict()
        assert doc["tier_map"] == {"district": "commune"}
        jsonschema.Draft202012Validator(schema()).validate(doc)
        assert Plan.from_json(plan.to_json()) == plan
        assert "tier_map" not in Plan("q").to_dict()

    @pytest.mark.parametrize("bad", [{"district": ""}, {"district": "district"}, 5, {"x": 1}])
    def test_bad_maps(self, bad: object) -> None:
        """A tier maps to another, non-empty tier name."""
        with pytest.raises(DefinitionError, match="tier_map"):
            Plan("p", tier_map=bad)  # type: ignore[arg-type]


class TestTwoStages:
    """Targets of a kind at two deadlines (80 % by 2025, 90 % by 2030) and their collisions."""

    def test_two_deadlines_are_two_targets(self) -> None:
        """An indicator may hold 80 % by 2025 and 90 % by 2030."""
        ind = Indicator(
            "p", "P", targets=[at_least(80, deadline="2025"), at_least(90, deadline="2030")]
        )
        p = Plan("two-stages", baseline="2021", deadline="2030", indicators=[ind])
        assert [t.deadline for t in p.indicator("p").targets] == ["2025", "2030"]

    def test_a_target_without_deadline_takes_the_plans(self) -> None:
        """No deadline means the plan's 2030: it collides with a target due 2030."""
        ind = Indicator("p", "P", targets=[at_least(80), at_least(90, deadline="2030")])
        with pytest.raises(
            DefinitionError, match="has two at_least targets due 2030 for the same unit"
        ):
            Plan("two-stages", baseline="2021", deadline="2030", indicators=[ind])


class TestPercentSpelling:
    """A percent is written {"kind": "percent"}; the old ratio spelling still reads the same."""

    OLD: ClassVar[dict[str, object]] = {"kind": "ratio", "scale": 100, "bounded": True}

    def _doc(self, measure: object) -> str:
        data = demo_dict()
        data["indicators"][0]["measure"] = measure
        return json.dumps(data, ensure_ascii=False)

    def test_old_file_reads_as_the_new_one(self) -> None:
        """A plan written with ratio, scale 100, bounded is equal to the one written with percent."""
        assert Plan.from_json(self._doc(self.OLD)) == Plan.from_json(self._doc({"kind": "percent"}))
        assert Plan.from_json(self._doc(self.OLD)) == demo_plan()

    def test_old_file_is_written_back_in_the_one_vocabulary(self) -> None:
        """Saving an old file writes percent; saving that again changes nothing."""
        text = Plan.from_json(self._doc(self.OLD)).to_json()
        assert json.loads(text)["indicators"][0]["measure"] == {"kind": "percent"}
        assert Plan.from_json(text).to_json() == text

    @pytest.mark.parametrize("measure", [{"kind": "percent"}, OLD], ids=["percent", "ratio-100"])
    def test_both_spellings_are_valid_under_the_schema(self, measure: dict[str, object]) -> None:
        """The schema accepts the percent in both spellings."""
        jsonschema.Draft202012Validator(schema()).validate(json.loads(self._doc(measure)))

    def test_percent_with_another_scale_names_file_indicator_and_key(self, tmp_path: Path) -> None:
        """A percent with scale 1000 is refused naming the file, the indicator and 'scale'."""
        path = tmp_path / "plan.json"
        path.write_text(self._doc({"kind": "percent", "scale": 1000}), encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            Plan.from_json(path)
        assert str(info.value) == (
            f"{path}: indicator 'online': a percent's 'scale' is 100, got 1000; "
            'for another scale write {"kind": "ratio", "scale": 1000}'
        )
        assert info.value.code == "online"
        errors = list(
            jsonschema.Draft202012Validator(schema()).iter_errors(
                json.loads(path.read_text(encoding="utf-8"))
            )
        )
        assert [e.json_path for e in errors] == ["$.indicators[0].measure.scale"]

    def test_shipped_catalogues_use_the_one_vocabulary(self) -> None:
        """No shipped catalogue writes a percent in the old spelling."""
        from cchc_indicators.core import catalog

        for name in catalog.names():
            doc = json.loads(catalog.path(name).read_text(encoding="utf-8"))
            kinds = [ind["measure"] for ind in doc["indicators"]]
            assert {"kind": "percent"} in kinds
            assert not [m for m in kinds if m.get("kind") == "ratio" and m.get("scale") == 100]
