"""How objects print: every public class's repr is one short line; ``describe()`` has the rest.

Each case builds a realistic, large instance (shipped plans, catalogues, indices,
structures, unit lists and demo data) and checks that its repr is one line of
at most 200 characters, whatever the size of what it holds.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable

import numpy as np
import pytest

import cchc_indicators
from cchc_indicators import catalog, datasets, points, units
from cchc_indicators.composite import (
    CompositeIndex,
    IndexResult,
    Node,
    Screening,
    compute_index,
    load_index,
)
from cchc_indicators.core._repr import counted, span
from cchc_indicators.core.errors import Problem

#: The longest a repr may be.
LONGEST = 200

#: Public classes that are not definitions or results, with the reason.
NOT_VALUES = {
    "Area": "an enum: prints as its member",
    "Direction": "an enum: prints as its member",
    "Temporal": "an enum: prints as its member",
    "Rule": "the abstract base of the rules, never made itself",
    "Cells": "the engine's per-unit inputs to a custom rule, never printed",
}


@functools.cache
def _index() -> CompositeIndex:
    return load_index("par-style-demo")


@functools.cache
def _result() -> IndexResult:
    return compute_index(_index(), datasets.index_observations())


@functools.cache
def _plan() -> object:
    return catalog.load("vinh-phuc-2021-2025")


@functools.cache
def _rebased() -> tuple[object, object]:
    from cchc_indicators.engine.rebase import rebase_panel
    from cchc_indicators.units.crosswalk import Crosswalk

    return rebase_panel(
        datasets.sample_panel(), Crosswalk.official("vn-2024", "vn-2025"), district_to="province"
    )


@functools.cache
def _survey() -> tuple[object, object]:
    from cchc_indicators.survey import synthetic_survey

    return synthetic_survey(respondents=3000, seed=2022)


@functools.cache
def _series() -> tuple[list[float], np.ndarray]:
    rng = np.random.default_rng(1)
    return [2020.0, 2021.0, 2022.0, 2023.0, 2024.0], rng.uniform(40, 90, (500, 5))


@functools.cache
def _points_result() -> object:
    par = points.load_structure("par-index-2017")
    rng = np.random.default_rng(1)
    values = {c.code: c.maximum * rng.uniform(0.5, 1, 63) for c in par.components}
    return points.evaluate_points(par, values, units=list(datasets.index_observations().units))


def _uncertainty() -> object:
    from cchc_indicators.composite.uncertainty import uncertainty

    return uncertainty(_index(), datasets.index_observations(), n=20, seed=1, weights=0.25)


def _sensitivity() -> object:
    from cchc_indicators.composite.uncertainty import sensitivity

    return sensitivity(
        _index(), datasets.index_observations(), n=8, seed=1, weights=0.5,
        normalisation=["minmax", "zscore"],
    )  # fmt: skip


def _treatment() -> object:
    from cchc_indicators.composite.treat import treat

    obs = datasets.index_observations()
    return treat(obs.values[-1], "skew_kurtosis", indicators=list(obs.indicators))


def _treat_change() -> object:
    from cchc_indicators.composite.treat import treat

    return treat([[1.0, 2.0, 3.0, 4.0, 5.0, 100.0]], "skew_kurtosis", indicators=["a"]).changed()[0]


def _comparison() -> object:
    from cchc_indicators.composite.compare import compare

    return compare(
        _result(), compute_index(_index(), datasets.index_observations(), weights="equal_domains")
    )


def _removals() -> object:
    from cchc_indicators.composite.compare import remove_elements

    return remove_elements(_index(), datasets.index_observations(), level=1)


def _diagnostics() -> object:
    from cchc_indicators.composite.diagnostics import diagnostics

    return diagnostics(_result())


def _aggregation() -> object:
    from cchc_indicators.composite.aggregate import aggregate

    return aggregate("arithmetic", np.nan_to_num(datasets.index_observations().values[-1].T))


def _params() -> object:
    from cchc_indicators.composite.normalise import fit_params

    return fit_params(datasets.index_observations().values[-1])


def _setting() -> object:
    from cchc_indicators.composite.uncertainty import Setting

    return Setting.drop(_index(), [c.code for c in _index().children], name="domain removed")


def _screening_report() -> object:
    import attrs

    idx = attrs.evolve(_index(), screening=Screening(min_share=0.95))
    return compute_index(idx, datasets.index_observations()).screening


def _bands() -> object:
    return points.bands(
        *((100 - 5 * k, 100 - 5 * (k - 1) if k else None, 1 - k / 10) for k in range(10))
    )


def _rollup_state() -> object:
    from cchc_indicators.engine import rollup_state

    return rollup_state(datasets.demo_panel(), "par_index")


def _microdata() -> object:
    from cchc_indicators.data.microdata import Microdata

    h = units.load("vn-2024", province="26")
    codes = [u.code for u in h.units("commune")]
    n = 5000
    return Microdata(
        h,
        unit=[codes[k % len(codes)] for k in range(n)],
        period=np.array(["2024-01-05"] * n, dtype="M8[D]"),
        fields={f"f{k}": [True] * n for k in range(20)},
    )


def _completeness() -> object:
    from cchc_indicators import Indicator, Panel, measures

    h = units.load("vn-2024", province="26")
    records = [
        {"indicator": "staff", "unit": "26", "period": f"{y}-{m:02d}", "value": 10.0}
        for y in range(2010, 2025)
        for m in range(1, 13)
    ]
    staff = Indicator("staff", "Biên chế", measure=measures.count(), temporal="stock", rule="sum")
    panel = Panel.from_records(records, h, indicators=[staff])
    return panel.to_granularity("year").completeness["staff"]


def _assessment() -> object:
    from cchc_indicators.progress import assess

    x, y = _series()
    return assess("linear", x, y, x_now=2024, x_deadline=2030, target=80, higher_is_better=True)


def _progress(name: str) -> Callable[[], object]:
    def build() -> object:
        from cchc_indicators import progress

        x, y = _series()
        return {
            "Fit": lambda: progress.linear_fit(x, y),
            "Growth": lambda: progress.cagr(y[:, 0], y[:, -1], 4.0),
            "Attainment": lambda: progress.attainment(x, y, 80, horizon=2030),
            "Change": lambda: progress.observed_annual_change(x, y),
        }[name]()

    return build


def _rebase_part(name: str) -> Callable[[], object]:
    def build() -> object:
        from cchc_indicators.engine.rebase import rebase_values
        from cchc_indicators.units.crosswalk import Crosswalk

        _, report = _rebased()
        one = report.indicators[0]  # type: ignore[attr-defined]
        return {
            "RebaseReport": lambda: report,
            "IndicatorRebase": lambda: one,
            "Total": lambda: next(iter(one.totals.values())),
            "RebasedValues": lambda: rebase_values(
                {u.code: 1.0 for u in units.load("vn-2024").units("commune")},
                Crosswalk.official("vn-2024", "vn-2025"),
            ),
        }[name]()

    return build


def _survey_part(name: str) -> Callable[[], object]:
    def build() -> object:
        from cchc_indicators.survey import satisfaction

        responses, elements = _survey()
        return {
            "Responses": lambda: responses,
            "Elements": lambda: elements,
            "Scale": lambda: responses.scale,  # type: ignore[attr-defined]
            "SurveyResult": lambda: satisfaction(responses, "4,5", elements=elements),
        }[name]()

    return build


def _rule(name: str) -> Callable[[], object]:
    def build() -> object:
        from cchc_indicators.core import rules

        return {
            "AllTrue": rules.AllTrue,
            "AnyTrue": rules.AnyTrue,
            "Max": rules.Max,
            "Mean": rules.Mean,
            "Min": rules.Min,
            "RatioOfSums": rules.RatioOfSums,
            "Sum": rules.Sum,
            "WeightedMean": rules.WeightedMean,
            "ShareMeeting": lambda: rules.parse_rule("share_meeting(== 1, denominator=all)"),
        }[name]()

    return build


#: Every public definition and result class, with a realistic (large) instance.
CASES: dict[str, Callable[[], object]] = {
    # composite
    "CompositeIndex": _index,
    "Node": lambda: _index().node("administrative_procedures"),
    "Method": lambda: _index().normalisation,
    "Observations": datasets.index_observations,
    "IndexResult": _result,
    "Screening": lambda: Screening(min_share=0.95, include=[f"{k:02d}" for k in range(1, 40)]),
    "ScreeningReport": _screening_report,
    "Aggregation": _aggregation,
    "Comparison": _comparison,
    "Removals": _removals,
    "Diagnostics": _diagnostics,
    "Params": _params,
    "Treatment": _treatment,
    "Change@composite.treat": _treat_change,
    "Uncertainty": _uncertainty,
    "Sensitivity": _sensitivity,
    "Setting": _setting,
    "Dirichlet": lambda: __import__(
        "cchc_indicators.composite.uncertainty", fromlist=["_"]
    ).Dirichlet(50),
    "WeightNoise": lambda: __import__(
        "cchc_indicators.composite.uncertainty", fromlist=["_"]
    ).WeightNoise(0.25, levels=2),
    # points
    "Structure": lambda: points.load_structure("pci-2016"),
    "Component": lambda: points.load_structure("par-index-2017").components[0],
    "StructureInfo": lambda: points.structures()[0],
    "PointsResult": _points_result,
    "Grade": lambda: points.Grade("A", 90),
    "Band": lambda: _bands().bands[0],  # type: ignore[attr-defined]
    "Bands": _bands,
    "Linear": lambda: points.linear(0, 100),
    "YesNo": points.yes_no,
    "GivenPoints": points.given_points,
    "FromRank": lambda: points.from_rank(_bands()),
    # core
    "Plan": _plan,
    "Indicator": lambda: catalog.load("vn-par-2021-2030").indicators[0],
    "Measure": lambda: catalog.load("vn-par-2021-2030").indicators[0].measure,
    "Target": lambda: next(t for i in _plan().indicators for t in i.targets if t.fields),  # type: ignore[attr-defined]
    "Condition": lambda: cchc_indicators.Condition(">=", 80),
    "Scope": cchc_indicators.territory,
    "Problem": lambda: Problem(
        "'denominator' must be >= numerator for a share: 12 < 15", row=17, field="denominator"
    ),
    **{
        name: _rule(name)
        for name in (
            "AllTrue",
            "AnyTrue",
            "Max",
            "Mean",
            "Min",
            "RatioOfSums",
            "Sum",
            "WeightedMean",
            "ShareMeeting",
        )
    },
    # units
    "Hierarchy": lambda: units.load("vn-2024"),
    "Unit": lambda: units.load("vn-2024").unit("26"),
    "Edition": lambda: units.edition("vn-2024"),
    "Crosswalk": lambda: __import__(
        "cchc_indicators.units.crosswalk", fromlist=["_"]
    ).Crosswalk.official("vn-2024", "vn-2025"),
    # data
    "Panel": lambda: _rebased()[0],
    "IndicatorData": lambda: datasets.demo_panel().data_of("par_index"),
    "Microdata": _microdata,
    "Count": lambda: __import__("cchc_indicators.data.microdata", fromlist=["_"]).Count(
        "on_time", denominator="online"
    ),
    "Completeness": _completeness,
    # engine
    "Rollup": lambda: cchc_indicators.rollup(datasets.demo_panel(), "par_index"),
    "RollupState": _rollup_state,
    **{
        name: _rebase_part(name)
        for name in ("RebaseReport", "IndicatorRebase", "Total", "RebasedValues")
    },
    # evaluation, survey, progress
    "Evaluation": lambda: cchc_indicators.evaluate(_plan(), datasets.demo_panel(), period=2023),
    **{name: _survey_part(name) for name in ("Responses", "Elements", "Scale", "SurveyResult")},
    "Assessment": _assessment,
    **{name: _progress(name) for name in ("Fit", "Growth", "Attainment")},
    "Change@progress": _progress("Change"),
}


def _public_classes() -> set[str]:
    """The names of the public classes of every public module (errors left out)."""
    names = set()
    for info in pkgutil.walk_packages(cchc_indicators.__path__, "cchc_indicators."):
        if "._" in info.name or info.name.endswith(("__main__", ".dask")) or ".cli" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                short = info.name.removeprefix("cchc_indicators.")
                clash = name == "Change"
                names.add(f"Change@{short}" if clash else name)
    return names


class TestOneLine:
    def test_every_public_class_has_a_case(self) -> None:
        """Every public class is either printed here or named, with a reason, as not a value."""
        assert _public_classes() - set(NOT_VALUES) - set(CASES) == set()

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_repr_is_one_short_line(self, name: str) -> None:
        """The repr of a large instance is one line of at most 200 characters, starting with the class."""
        obj = CASES[name]()
        text = repr(obj)
        assert "\n" not in text
        assert len(text) <= LONGEST, text
        assert text.startswith(type(obj).__name__ + "("), text


class TestReprText:
    def test_index_and_node(self) -> None:
        """An index shows its code and counts; a node its code, children, indicators and weight."""
        idx = _index()
        # 8 domains, each of 1 or 2 criteria of 2 indicators: 30 leaves, 3 levels
        assert repr(idx) == "CompositeIndex('par-style-demo', 8 domains, 30 indicators, depth 3)"
        assert repr(idx.node("administrative_procedures")) == (
            "Node('administrative_procedures', 2 children, 4 indicators, weight 14.5)"
        )
        assert repr(idx.node("files_online")) == "Node('files_online', indicator, weight 1)"
        one = CompositeIndex("i", children=[Node("a", children=[Node("x")])])
        assert repr(one) == "CompositeIndex('i', 1 domain, 1 indicator, depth 2)"
        assert repr(one.children[0]) == "Node('a', 1 child, 1 indicator, weight 1)"

    def test_counts_and_spans(self) -> None:
        """Counts take the plural unless 1; a span gives the count, the first and the last period."""
        assert [counted(0, "unit"), counted(1, "unit"), counted(2, "series", "series")] == [
            "0 units",
            "1 unit",
            "2 series",
        ]
        assert span(("2021-01", "2021-02", "2021-03")) == "3 periods 2021-01–2021-03"
        assert span(("",)) == "1 period ''"

    def test_reprs_keep_equality(self) -> None:
        """A custom repr changes nothing of equality and hashing: equal definitions stay equal."""
        assert load_index("par-style-demo") == _index()
        assert hash(load_index("par-style-demo")) == hash(_index())
        assert points.load_structure("pci-2016") == points.load_structure("pci-2016")


class TestDescribe:
    def test_index_describe_has_methods_and_every_node(self) -> None:
        """describe() gives the name, the methods, the weight sets, then one line per node, indented."""
        idx = _index()
        lines = idx.describe().splitlines()
        assert lines[0] == f"par-style-demo: {idx.name}"
        assert lines[1] == (
            "normalisation minmax(high=100, low=0); aggregation arithmetic; imputation none; "
            "treatment none; min_share 0.5"
        )
        assert "weight sets: equal_domains" in lines
        tree = lines[
            lines.index(next(x for x in lines if x.startswith("directing_managing_par "))) :
        ]
        assert len(tree) == len(idx.nodes()) - 1  # every node but the root
        assert tree[0] == "directing_managing_par  weight 10  Directing and managing PAR"
        assert "    days_overdue  weight 1" in "\n".join(tree)
        assert any(x.startswith("    days_overdue") and "(lower is better)" in x for x in tree)

    def test_node_describe_shows_leaf_options(self) -> None:
        """A node's describe() names its own methods, goalposts and denominator."""
        n = Node(
            "d",
            children=[
                Node("x", lower=0, upper=10, normalisation="goalposts"),
                Node("y", denominator="population", per=1000),
            ],
            min_share=0.5,
        )
        assert n.describe().splitlines() == [
            "d  weight 1  (min_share 0.5)",
            "  x  weight 1  (lower 0.0; upper 10.0; normalisation goalposts)",
            "  y  weight 1  (denominator population)",
        ]

    def test_result_describe(self) -> None:
        """An index result's describe() has the counts, the method and the note."""
        r = _result()
        assert r.describe().splitlines() == [
            "index par-style-demo, period 2024: 63 units, 54 nodes, 63 units scored",
            f"method: {r.method}",
            f"note: {datasets.SYNTHETIC_NOTE}",
        ]

    def test_observations_describe(self) -> None:
        """Observations' describe() counts the missing values and lists the periods."""
        lines = datasets.index_observations().describe().splitlines()
        # 30 x 63 x 3 = 5670 cells, 5502 with a value: 168 missing
        assert lines[0] == "30 indicators, 63 units, 3 periods 2022–2024, 5502 values (168 missing)"
        assert lines[1] == "periods: 2022, 2023, 2024"

    def test_uncertainty_describe(self) -> None:
        """An uncertainty run's describe() says its size, what varied and the nodes kept."""
        u = _uncertainty()
        lines = u.describe().splitlines()  # type: ignore[attr-defined]
        assert lines[0] == "20 replications (seed 1), 63 units, 54 nodes"
        assert lines[1] == "varied: weights noise ±0.25"
        assert lines[2].startswith("nodes: par-style-demo, directing_managing_par, ")

    def test_indicator_describe(self) -> None:
        """An indicator's describe() has its names, measure, rule, each target and its source."""
        plan = _plan()
        ind = plan.indicator("procedures_online")  # type: ignore[attr-defined]
        text = ind.describe()
        lines = text.splitlines()
        assert lines[0] == f"procedures_online: {ind.name}"
        assert lines[1] == f"name (en): {ind.name_en}"
        assert "rule ratio_of_sums; unit %; temporal stock" in lines[2]
        assert "target: >= 80 % (province tier), by 2025" in lines
        assert lines[-1] == f"source: {ind.source}"

    def test_structure_describe(self) -> None:
        """A points structure's describe() has its facts, grades and one line per component."""
        pci = points.load_structure("pci-2016")
        lines = pci.describe().splitlines()
        assert lines[0] == f"pci-2016: {pci.name}"
        assert lines[1].startswith("index pci; in force 2016–2016; maximum 100")
        assert len(lines) == 2 + len(pci.nodes())
        assert lines[2].startswith("entry_costs  maximum 5  linear")
        s = points.Structure(
            "s",
            components=[points.Component("c", maximum=1, rule=points.yes_no())],
            grades={"A": 90},
        )
        assert s.describe().splitlines() == [
            "s",
            "maximum 1; grades A from 90",
            "c  maximum 1  yes_no",
        ]
