"""Tests of the plots: the artists each function draws (lines, cells, bars, texts, legends), not pixels.

Every figure is drawn with the Agg backend. The numbers drawn are checked
against the roll-ups and evaluation rows they come from.
"""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection, QuadMesh
from matplotlib.figure import Figure

from cchc_indicators import (
    DefinitionError,
    Hierarchy,
    Indicator,
    Panel,
    UnknownIndicatorError,
    UnknownLevelError,
    UnknownPeriodError,
    UnknownUnitError,
    catalog,
    datasets,
    evaluate,
    measures,
    rollup,
)
from cchc_indicators.core.plan import Plan
from cchc_indicators.core.targets import at_least, reduce_by
from cchc_indicators.datasets import SYNTHETIC_NOTE
from cchc_indicators.evaluation import STATUSES, Evaluation
from cchc_indicators.report.plot import (
    STATUS_COLORS,
    scorecard_heatmap,
    tier_chart,
    trajectory,
)

Row = Mapping[str, Any]
INSTALL = "pip install 'cchc-indicators[plot]'"
WFO = "work_files_online"


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Vĩnh Phúc's 2021–2025 plan."""
    return catalog.load("vinh-phuc-2021-2025")


@pytest.fixture(scope="module")
def panel() -> Panel:
    """The synthetic demo data (its note says so)."""
    return datasets.demo_panel()


@pytest.fixture(scope="module")
def review(plan: Plan, panel: Panel) -> Evaluation:
    """The 2023 mid-term review: on-track and off-track statuses, with projections."""
    return evaluate(plan, panel, period="2023")


@pytest.fixture(scope="module")
def final(plan: Plan, panel: Panel) -> Evaluation:
    """The 2025 evaluation: achieved, not achieved and no data."""
    return evaluate(plan, panel)


def ax_of(fig: Figure) -> Axes:
    """The figure's only axes."""
    assert len(fig.axes) == 1
    return fig.axes[0]


def lines_by_gid(ax: Axes) -> dict[str, Any]:
    return {line.get_gid(): line for line in ax.lines}


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def tick_texts(labels: Sequence[Any]) -> list[str]:
    return [t.get_text() for t in labels]


def render(fig: Figure) -> None:
    """Draw the figure to PNG in memory (where missing glyphs would be reported)."""
    fig.savefig(io.BytesIO(), format="png", dpi=50)


def row(ev: Evaluation, indicator: str, unit: str, scope: str) -> Row:
    (found,) = [
        r for r in ev.rows if (r["indicator"], r["unit"], r["scope"]) == (indicator, unit, scope)
    ]
    return found


def note_texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == "cchc-note"]


#: A province with two districts, one of which reports; made-up numbers.
SMALL_UNITS = [
    {"code": "26", "name": "Tỉnh Vĩnh Phúc", "level": "province"},
    {"code": "243", "name": "Thành phố Vĩnh Yên", "level": "district", "parent": "26"},
    {"code": "244", "name": "Thành phố Phúc Yên", "level": "district", "parent": "26"},
]


def small_panel(records: Sequence[Mapping[str, Any]], indicators: Sequence[Indicator]) -> Panel:
    h = Hierarchy.from_records(SMALL_UNITS, levels=("province", "district"))
    return Panel.from_records(list(records), h, indicators=list(indicators))


# ---------------------------------------------------------------------- matplotlib missing


class TestWithoutMatplotlib:
    def test_importing_the_module_does_not_import_matplotlib(self) -> None:
        """matplotlib is imported only when a plot is drawn."""
        code = "import sys, cchc_indicators.report.plot; print('matplotlib' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"

    def test_each_function_says_how_to_install_matplotlib(
        self, monkeypatch: pytest.MonkeyPatch, panel: Panel, review: Evaluation
    ) -> None:
        """Without matplotlib every function raises ImportError naming the 'plot' extra."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        calls = [
            lambda: trajectory(panel, WFO, "26"),
            lambda: scorecard_heatmap(review),
            lambda: tier_chart(review, WFO),
        ]
        for call in calls:
            with pytest.raises(ImportError, match=r"pip install 'cchc-indicators\[plot\]'"):
                call()


# ---------------------------------------------------------------------- trajectory


class TestTrajectory:
    def test_draws_observed_projection_target_and_deadline(self, plan: Plan, panel: Panel) -> None:
        """Before the deadline, the four lines are there, with labels saying what they are."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan, period="2023"))
        assert [line.get_gid() for line in ax.lines] == [
            "observed",
            "projection",
            "target",
            "deadline",
        ]
        assert legend_texts(ax) == [
            "observed (own)",
            "projection to 2025: 98.0 %",
            "target >= 90 %",
            "deadline 2025",
        ]

    def test_observed_points_are_the_rollup_values_up_to_the_period(
        self, plan: Plan, panel: Panel
    ) -> None:
        """The points are the unit's roll-up on the scope, periods after ``period`` left out."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan, scope="tier:commune", period="2023"))
        r = rollup(panel, WFO, scope="tier:commune")
        x, y = lines_by_gid(ax)["observed"].get_data()
        assert list(x) == [2021.0, 2022.0, 2023.0]
        assert np.allclose(y, [r.get("26", p) for p in ("2021", "2022", "2023")])

    @pytest.mark.parametrize("scope", ["own", "tier:district", "tier:commune"])
    def test_projection_ends_at_the_evaluations_projected_value(
        self, plan: Plan, panel: Panel, review: Evaluation, scope: str
    ) -> None:
        """The line runs from the baseline to the deadline and ends where evaluate() projects."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan, scope=scope, period="2023"))
        x, y = lines_by_gid(ax)["projection"].get_data()
        assert list(x) == [2021.0, 2025.0]
        assert y[-1] == pytest.approx(row(review, WFO, "26", scope)["projected"])

    def test_target_line_is_the_target_of_the_scope(self, plan: Plan, panel: Panel) -> None:
        """Each scope of a per-tier target gets its own threshold: 90, 80 and 60 %."""
        for scope, level in [("own", 90.0), ("tier:district", 80.0), ("tier:commune", 60.0)]:
            ax = ax_of(trajectory(panel, WFO, "26", plan=plan, scope=scope, period="2023"))
            assert list(lines_by_gid(ax)["target"].get_ydata()) == [level, level]

    def test_a_unit_of_a_tier_is_judged_by_its_tiers_target(self, plan: Plan, panel: Panel) -> None:
        """A district on its own figures gets the district target (80 %), as in evaluate()."""
        ax = ax_of(trajectory(panel, WFO, "243", plan=plan, period="2023"))
        assert lines_by_gid(ax)["target"].get_ydata()[0] == 80.0
        assert ax.get_title().splitlines()[-1] == "Thành phố Vĩnh Yên (243), scope own"

    def test_a_unit_outside_the_plan_gets_no_target(self, plan: Plan, panel: Panel) -> None:
        """Hà Nội is not judged by Vĩnh Phúc's plan: no target line, and a 'no value' note."""
        ax = ax_of(trajectory(panel, WFO, "01", plan=plan, period="2023"))
        assert "target" not in lines_by_gid(ax)
        assert "no value for this unit on scope own" in tick_texts(ax.texts)
        assert list(ax_of(trajectory(panel, WFO, "01")).get_xticks()) == []  # no period to show

    def test_share_meeting_target_on_own_figures_draws_the_condition(
        self, plan: Plan, panel: Panel
    ) -> None:
        """A district judged by 'share_meeting(== 1)' is drawn against its condition, 1."""
        ax = ax_of(trajectory(panel, "meetings_online", "243", plan=plan, period="2023"))
        assert lines_by_gid(ax)["target"].get_ydata()[0] == 1.0
        assert "target == 1 yes/no (own)" in legend_texts(ax)

    def test_share_meeting_pooled_scope_uses_the_targets_rule(
        self, plan: Plan, panel: Panel, review: Evaluation
    ) -> None:
        """On tier:district the values are the share of districts meeting the condition."""
        ax = ax_of(
            trajectory(
                panel, "meetings_online", "26", plan=plan, scope="tier:district", period="2023"
            )
        )
        _, y = lines_by_gid(ax)["observed"].get_data()
        assert y[-1] == pytest.approx(
            row(review, "meetings_online", "26", "tier:district")["value"]
        )
        assert lines_by_gid(ax)["target"].get_ydata()[0] == 80.0

    def test_relative_target_is_drawn_on_the_value_axis(
        self, plan: Plan, panel: Panel, review: Evaluation
    ) -> None:
        """'Reduce by 10 % vs 2021' is the 2021 value less 10 %; the projection matches evaluate()."""
        code = "public_service_staff"
        ax = ax_of(trajectory(panel, code, "26", plan=plan, period="2023"))
        base = panel.value(code, "26", "2021")
        assert lines_by_gid(ax)["target"].get_ydata()[0] == pytest.approx(0.9 * base)
        # evaluate() projects the change in %: change = (value - base) / base x 100
        change = row(review, code, "26", "own")["projected"]
        end = lines_by_gid(ax)["projection"].get_ydata()[-1]
        assert (end - base) / base * 100 == pytest.approx(change)

    def test_relative_target_without_a_baseline_value_has_no_line(self) -> None:
        """With no value in the baseline period the level cannot be drawn; the legend says so."""
        staff = Indicator("staff", "Biên chế", measure=measures.count(), direction="lower")
        p = small_panel(
            [{"indicator": "staff", "unit": "26", "period": y, "value": 100} for y in (2022, 2023)],
            [staff],
        )
        ax = ax_of(trajectory(p, staff, "26", target=reduce_by(0.1, baseline="2021")))
        assert "target" not in lines_by_gid(ax)
        assert "target <= -10 % vs 2021 (no baseline value to draw it from)" in legend_texts(ax)

    def test_rank_target_is_named_but_not_drawn(self, plan: Plan, panel: Panel) -> None:
        """A rank is not on the score's axis: a legend entry names it, no line is drawn."""
        ax = ax_of(trajectory(panel, "par_index", "26", plan=plan, period="2023"))
        assert "target" not in lines_by_gid(ax)
        text = "target rank <= 15 among provinces, every period (a rank: not on this axis)"
        assert text in legend_texts(ax)

    def test_no_projection_at_the_deadline(self, plan: Plan, panel: Panel) -> None:
        """At the deadline there is nothing to project, as in evaluate()."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan))
        assert [line.get_gid() for line in ax.lines] == ["observed", "target", "deadline"]

    def test_a_number_as_target_without_plan(self, panel: Panel) -> None:
        """A plain number draws a target line; without a deadline there is no projection."""
        ax = ax_of(trajectory(panel, WFO, "26", target=75))
        assert [line.get_gid() for line in ax.lines] == ["observed", "target"]
        assert "target 75 %" in legend_texts(ax)

    def test_explicit_deadline_without_plan_projects_from_the_first_value(
        self, panel: Panel
    ) -> None:
        """Without a baseline the projection starts at the first value drawn."""
        ax = ax_of(trajectory(panel, WFO, "26", deadline=2025, period=2023))
        x, _ = lines_by_gid(ax)["projection"].get_data()
        assert list(x) == [2021.0, 2025.0]

    def test_year_ticks_run_to_the_deadline(self, plan: Plan, panel: Panel) -> None:
        """Every year from the first value to the deadline is labelled."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan, period="2023"))
        assert tick_texts(ax.get_xticklabels()) == ["2021", "2022", "2023", "2024", "2025"]
        assert ax.get_ylabel() == "%"

    def test_quarters_are_placed_at_decimal_years_and_thinned(self) -> None:
        """Quarters sit at 2021.0, 2021.25, ...; with more than 12 only every other is labelled."""
        files = Indicator("files", "Hồ sơ")
        quarters = [f"{y}-Q{q}" for y in (2021, 2022, 2023, 2024) for q in (1, 2, 3, 4)]
        p = small_panel(
            [
                {"indicator": "files", "unit": "26", "period": q, "value": 50 + k}
                for k, q in enumerate(quarters)
            ],
            [files],
        )
        ax = ax_of(trajectory(p, "files", "26", target=at_least(90), deadline="2025-Q4"))
        x, _ = lines_by_gid(ax)["observed"].get_data()
        assert list(x[:3]) == [2021.0, 2021.25, 2021.5]
        ticks = tick_texts(ax.get_xticklabels())
        assert ticks[:3] == ["2021-Q1", "2021-Q3", "2022-Q1"]
        assert len(ticks) <= 12
        # a straight line projects exactly: 50 + 1 per quarter, 19 quarters after 2021-Q1
        assert lines_by_gid(ax)["projection"].get_ydata()[-1] == pytest.approx(50 + 19)

    def test_quarterly_projection_runs_to_the_deadlines_last_quarter(self) -> None:
        """With quarters, the deadline 2025 is 2025-Q4, where evaluate() projects too."""
        files = Indicator("files", "Hồ sơ", targets=[at_least(90)])
        quarters = [f"{y}-Q{q}" for y in (2021, 2022) for q in (1, 2, 3, 4)]
        p = small_panel(
            [
                {"indicator": "files", "unit": "26", "period": q, "value": 40 + 2 * k + k % 2}
                for k, q in enumerate(quarters)
            ],
            [files],
        )
        plan = Plan("p", unit="26", indicators=[files], baseline="2021", deadline="2025")
        ax = ax_of(trajectory(p, "files", "26", plan=plan))
        x, y = lines_by_gid(ax)["projection"].get_data()
        assert list(x) == [2021.0, 2025.75]
        assert y[-1] == pytest.approx(row(evaluate(plan, p), "files", "26", "own")["projected"])
        assert list(lines_by_gid(ax)["deadline"].get_xdata()) == [2025.75, 2025.75]
        assert tick_texts(ax.get_xticklabels())[-1] == "2025-Q4"

    def test_monthly_deadline_is_its_last_month(self) -> None:
        """With months, the deadline 2024 is 2024-12."""
        files = Indicator("files", "Hồ sơ")
        p = small_panel(
            [
                {"indicator": "files", "unit": "26", "period": f"2024-0{m}", "value": 50 + m}
                for m in range(1, 7)
            ],
            [files],
        )
        ax = ax_of(trajectory(p, "files", "26", target=70, deadline=2024))
        assert lines_by_gid(ax)["deadline"].get_xdata()[0] == pytest.approx(2024 + 11 / 12)
        assert tick_texts(ax.get_xticklabels())[-1] == "2024-12"
        # 51 in January, one more a month: 62 in December
        assert lines_by_gid(ax)["projection"].get_ydata()[-1] == pytest.approx(62)

    def test_a_plan_without_unit_judges_every_top_level_unit(self) -> None:
        """With Plan.unit None the province is judged on its tier and a district on its own."""
        files = Indicator(
            "files",
            "Hồ sơ",
            targets=[
                at_least(60, tier="commune"),  # not a level here: judges nobody
                at_least(90, tier="province"),
                at_least(80, tier="district"),
            ],
        )
        p = small_panel(
            [
                {"indicator": "files", "unit": u, "period": 2023, "numerator": 7, "denominator": 10}
                for u in ("26", "244")
            ],
            [files],
        )
        plan = Plan("p", indicators=[files])
        for unit, scope, level in [("26", "own", 90.0), ("244", "own", 80.0)]:
            ax = ax_of(trajectory(p, "files", unit, plan=plan, scope=scope))
            assert lines_by_gid(ax)["target"].get_ydata()[0] == level
        ax = ax_of(trajectory(p, "files", "244", plan=plan, scope="territory"))
        assert "target" not in lines_by_gid(ax)

    def test_title_names_the_indicator_in_vietnamese_and_the_unit(
        self, plan: Plan, panel: Panel
    ) -> None:
        """The title is the indicator's Vietnamese name, then the unit and scope."""
        ax = ax_of(trajectory(panel, WFO, "26", plan=plan, scope="tier:district"))
        first, last = ax.get_title().splitlines()
        assert first == "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"
        assert last == "Tỉnh Vĩnh Phúc (26), scope tier:district"

    def test_an_indicator_object_works_without_a_definition_in_the_panel(self) -> None:
        """Passing the Indicator itself needs no indicators= when the panel was built."""
        h = Hierarchy.from_records(SMALL_UNITS, levels=("province", "district"))
        p = Panel.from_records(
            [{"indicator": "files", "unit": "26", "period": 2023, "value": 5}], h
        )
        ax = ax_of(trajectory(p, Indicator("files", "Hồ sơ"), "26"))
        assert list(lines_by_gid(ax)["observed"].get_ydata()) == [5.0]

    def test_synthetic_figure_carries_the_note(self, plan: Plan, panel: Panel) -> None:
        """A figure on the demo data says the data are synthetic."""
        fig = trajectory(panel, WFO, "26", plan=plan)
        assert note_texts(fig) == [SYNTHETIC_NOTE]

    def test_figure_without_note_has_no_figure_text(self, panel: Panel) -> None:
        """Data without a note add no text to the figure."""
        fig = trajectory(attrs.evolve(panel, note=""), WFO, "26")
        assert fig.texts == []


class TestTrajectoryErrors:
    def test_unknown_indicator(self, panel: Panel) -> None:
        """An indicator the panel has no data for is an UnknownIndicatorError naming it."""
        with pytest.raises(UnknownIndicatorError, match="indicator 'staff' is not in the panel"):
            trajectory(panel, "staff", "26")

    def test_indicator_without_definition(self) -> None:
        """A code with data but no definition asks for the definition."""
        h = Hierarchy.from_records(SMALL_UNITS, levels=("province", "district"))
        p = Panel.from_records(
            [{"indicator": "files", "unit": "26", "period": 2023, "value": 5}], h
        )
        with pytest.raises(UnknownIndicatorError, match="no definition of indicator 'files'"):
            trajectory(p, "files", "26")

    def test_unknown_unit(self, panel: Panel) -> None:
        """A unit not in the hierarchy is an UnknownUnitError naming it."""
        with pytest.raises(UnknownUnitError, match="unknown unit code '99999'"):
            trajectory(panel, WFO, "99999")

    def test_period_not_in_panel(self, panel: Panel) -> None:
        """A period the panel does not hold is an UnknownPeriodError listing those it does."""
        with pytest.raises(
            UnknownPeriodError, match=r"period '2030' is not in the panel; it holds 2021"
        ):
            trajectory(panel, WFO, "26", period=2030)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"period": "last year"}, r"period: not a period: 'last year'"),
            ({"deadline": "soon"}, r"deadline: not a period: 'soon'"),
            ({"scope": "tier"}, r"a tier scope names its level"),
            ({"target": "90"}, r"target must be a Target or a number, got '90'"),
            ({"target": True}, r"target must be a Target or a number, got True"),
        ],
    )
    def test_bad_arguments_are_definition_errors(
        self, panel: Panel, kwargs: dict[str, Any], message: str
    ) -> None:
        """Malformed periods, scopes and targets are DefinitionErrors saying what is wrong."""
        with pytest.raises(DefinitionError, match=message):
            trajectory(panel, WFO, "26", **kwargs)


# ---------------------------------------------------------------------- heat-map


def cell_statuses(ax: Axes) -> dict[tuple[str, str], str]:
    """{(row label, column label): status} of the heat-map's coloured cells."""
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    rows = tick_texts(ax.get_yticklabels())
    cols = tick_texts(ax.get_xticklabels())
    grid = np.ma.masked_invalid(np.ma.asarray(mesh.get_array()).reshape(len(rows), len(cols)))
    return {
        (rows[i], cols[k]): STATUSES[int(grid[i, k])]
        for i in range(len(rows))
        for k in range(len(cols))
        if grid[i, k] is not np.ma.masked
    }


class TestScorecardHeatmap:
    def test_each_cell_is_its_rows_status(self, review: Evaluation) -> None:
        """Every coloured cell holds the status of the evaluation row it stands for."""
        ax = ax_of(scorecard_heatmap(review))
        cells = cell_statuses(ax)
        assert cells[("work_files_online >= 90 %", "Tỉnh Vĩnh Phúc")] == "on_track"
        assert (
            cells[("work_files_online [tier:commune] >= 60 %", "Tỉnh Vĩnh Phúc")]
            == (row(review, WFO, "26", "tier:commune")["status"])
        )
        shown = {"26", *(u.code for u in datasets.plan_units().children("26"))}
        expected = {(r["unit_name"], r["status"]) for r in review.rows if r["unit"] in shown}
        assert {(col, status) for (_, col), status in cells.items()} == expected
        assert len(cells) == sum(r["unit"] in shown for r in review.rows)

    def test_statuses_are_coloured_by_status_colors(self, final: Evaluation) -> None:
        """The colour map maps each status index to its colour in STATUS_COLORS."""
        ax = ax_of(scorecard_heatmap(final))
        (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
        for k, status in enumerate(STATUSES):
            assert matplotlib.colors.to_hex(mesh.cmap(mesh.norm(k))) == STATUS_COLORS[status]
        assert {"achieved", "not_achieved", "no_data"} <= set(cell_statuses(ax).values())

    def test_legend_names_all_six_statuses_in_order(self, review: Evaluation) -> None:
        """The legend lists every status, with its colour, whether or not it occurs."""
        ax = ax_of(scorecard_heatmap(review))
        legend = ax.get_legend()
        assert legend is not None
        assert legend_texts(ax) == list(STATUSES)
        colours = [matplotlib.colors.to_hex(h.get_facecolor()) for h in legend.legend_handles]
        assert colours == [STATUS_COLORS[s] for s in STATUSES]

    def test_default_columns_are_the_plan_unit_and_its_districts(self, review: Evaluation) -> None:
        """By default: the province, then the first tier below it with rows (its 9 districts)."""
        ax = ax_of(scorecard_heatmap(review))
        cols = tick_texts(ax.get_xticklabels())
        assert cols[0] == "Tỉnh Vĩnh Phúc"
        assert cols[1:] == [u.name for u in datasets.plan_units().children("26")]

    def test_rows_empty_for_the_chosen_units_are_left_out(self, review: Evaluation) -> None:
        """With the communes as columns only the commune target's row remains."""
        ax = ax_of(scorecard_heatmap(review, units="commune"))
        assert tick_texts(ax.get_yticklabels()) == ["work_files_online >= 60 %"]
        assert len(ax.get_xticklabels()) == 121

    def test_units_as_a_list_keep_their_order(self, review: Evaluation) -> None:
        """Columns follow the list given; repeated codes appear once."""
        ax = ax_of(scorecard_heatmap(review, units=["244", "26", "244"]))
        assert tick_texts(ax.get_xticklabels()) == ["Thành phố Phúc Yên", "Tỉnh Vĩnh Phúc"]

    def test_title_is_the_plans_vietnamese_title_and_period(self, review: Evaluation) -> None:
        """The title gives the plan's title and the period evaluated."""
        ax = ax_of(scorecard_heatmap(review))
        assert ax.get_title().startswith("Kế hoạch cải cách hành chính")
        assert ax.get_title().endswith("status in 2023")

    def test_synthetic_figure_carries_the_note(self, review: Evaluation) -> None:
        """A heat-map of the demo data says the data are synthetic."""
        assert note_texts(scorecard_heatmap(review)) == [SYNTHETIC_NOTE]

    def test_unknown_unit(self, review: Evaluation) -> None:
        """A unit with no row is an UnknownUnitError naming it."""
        with pytest.raises(UnknownUnitError, match="the evaluation has no rows for unit '01'"):
            scorecard_heatmap(review, units=["26", "01"])

    def test_unknown_level(self, review: Evaluation) -> None:
        """A level with no row is an UnknownLevelError listing the levels there are."""
        with pytest.raises(
            UnknownLevelError, match=r"unknown level '26'; the evaluation has rows on the levels"
        ):
            scorecard_heatmap(review, units="26")

    def test_no_units(self, review: Evaluation) -> None:
        """An empty list of units leaves nothing to plot."""
        with pytest.raises(DefinitionError, match="'units' is empty"):
            scorecard_heatmap(review, units=[])

    def test_empty_evaluation(self, review: Evaluation) -> None:
        """An evaluation without rows leaves nothing to plot."""
        with pytest.raises(DefinitionError, match="has no rows to plot"):
            scorecard_heatmap(attrs.evolve(review, rows=()))


# ---------------------------------------------------------------------- tiers


class TestTierChart:
    def test_bars_are_the_tiers_values_coloured_by_status(self, review: Evaluation) -> None:
        """One bar per tier: province own, districts pooled, communes pooled."""
        ax = ax_of(tier_chart(review, WFO))
        scopes = ["own", "tier:district", "tier:commune"]
        rows = [row(review, WFO, "26", s) for s in scopes]
        bars = list(ax.containers[0])
        assert [b.get_height() for b in bars] == pytest.approx([r["value"] for r in rows])
        assert [matplotlib.colors.to_hex(b.get_facecolor()) for b in bars] == [
            STATUS_COLORS[r["status"]] for r in rows
        ]
        assert tick_texts(ax.get_xticklabels()) == [
            "province\n(own)",
            "district\n(pooled)",
            "commune\n(pooled)",
        ]
        assert "84.1 %" in tick_texts(ax.texts)

    def test_threshold_markers_sit_at_each_tiers_threshold(self, review: Evaluation) -> None:
        """The dashed markers are at 90, 80 and 60 %, one over each bar."""
        ax = ax_of(tier_chart(review, WFO))
        (marks,) = [c for c in ax.collections if c.get_gid() == "thresholds"]
        assert isinstance(marks, LineCollection)
        segments = marks.get_segments()
        assert [float(s[0][1]) for s in segments] == [90.0, 80.0, 60.0]
        assert [float(s[:, 0].mean()) for s in segments] == pytest.approx([0.0, 1.0, 2.0])

    def test_projected_values_and_units_of_the_tier(self, review: Evaluation) -> None:
        """Diamonds at the projected values; one dot per district and per commune with data."""
        ax = ax_of(tier_chart(review, WFO))
        by_gid = {c.get_gid(): c for c in ax.collections if isinstance(c, PathCollection)}
        projected = [
            row(review, WFO, "26", s)["projected"] for s in ("own", "tier:district", "tier:commune")
        ]
        assert list(by_gid["projected"].get_offsets()[:, 1]) == pytest.approx(projected)
        communes = [r for r in review.rows if r["level"] == "commune" and r["value"] is not None]
        assert len(by_gid["units-district"].get_offsets()) == 9
        assert len(by_gid["units-commune"].get_offsets()) == len(communes) == 117
        labels = legend_texts(ax)
        assert labels[:3] == ["target", "projected to 2025", "units of the tier (own values)"]
        assert labels[3:] == ["on_track", "off_track"]

    def test_share_of_units_is_not_mixed_with_the_units_yes_no(self, review: Evaluation) -> None:
        """For a share_meeting tier the 0/1 answers of the districts are not drawn on the % axis."""
        ax = ax_of(tier_chart(review, "meetings_online"))
        assert tick_texts(ax.get_xticklabels()) == ["province\n(own)", "district\n(share of units)"]
        assert not [c for c in ax.collections if str(c.get_gid()).startswith("units-")]
        assert ax.get_ylabel() == "value (see each bar)"

    def test_a_tier_without_data_says_so(self) -> None:
        """A tier with no value gets an empty bar labelled 'no data' and the no_data colour."""
        files = Indicator(
            "files", "Hồ sơ", targets=[at_least(90, tier="province"), at_least(80, tier="district")]
        )
        p = small_panel(
            [
                {
                    "indicator": "files",
                    "unit": "26",
                    "period": 2023,
                    "numerator": 9,
                    "denominator": 10,
                }
            ],
            [files],
        )
        ev = evaluate(Plan("p", unit="26", indicators=[files]), p)
        ax = ax_of(tier_chart(ev, "files"))
        bars = list(ax.containers[0])
        assert [b.get_height() for b in bars] == [90.0, 0.0]
        assert matplotlib.colors.to_hex(bars[1].get_facecolor()) == STATUS_COLORS["no_data"]
        assert "no data" in tick_texts(ax.texts)
        assert note_texts(ax.figure) == []  # type: ignore[arg-type]

    def test_a_plan_over_several_units_needs_unit(self) -> None:
        """With several plan units the chart asks which; given one, it draws that unit's tiers."""
        files = Indicator(
            "files", "Hồ sơ", targets=[at_least(90, tier="province"), at_least(80, tier="district")]
        )
        h = Hierarchy.from_records(
            [*SMALL_UNITS, {"code": "01", "name": "Thành phố Hà Nội", "level": "province"}],
            levels=("province", "district"),
        )
        p = Panel.from_records(
            [
                {"indicator": "files", "unit": u, "period": 2023, "numerator": n, "denominator": 10}
                for u, n in [("26", 9), ("01", 7), ("243", 8)]
            ],
            h,
            indicators=[files],
        )
        ev = evaluate(Plan("p", indicators=[files]), p)
        with pytest.raises(DefinitionError, match="name the one to chart with unit="):
            tier_chart(ev, "files")
        ax = ax_of(tier_chart(ev, "files", unit="01"))
        assert ax.get_title().splitlines()[-1] == "Thành phố Hà Nội (01), 2023"
        with pytest.raises(UnknownUnitError, match="unit '243' is not a unit of the plan"):
            tier_chart(ev, "files", unit="243")

    def test_synthetic_figure_carries_the_note(self, review: Evaluation) -> None:
        """A tier chart of the demo data says the data are synthetic."""
        assert note_texts(tier_chart(review, WFO)) == [SYNTHETIC_NOTE]

    def test_indicator_not_in_the_evaluation(self, review: Evaluation) -> None:
        """An indicator without rows is an UnknownIndicatorError listing those there are."""
        with pytest.raises(
            UnknownIndicatorError,
            match="the evaluation has no rows for indicator 'staff'; it has par_index",
        ):
            tier_chart(review, "staff")

    def test_a_target_not_per_tier(self, review: Evaluation) -> None:
        """An indicator with no pooled tier is refused, naming the indicators that have one."""
        with pytest.raises(DefinitionError) as info:
            tier_chart(review, "par_index")
        message = str(info.value)
        assert "indicator 'par_index' has no per-tier target" in message
        assert "its targets' tiers on that unit: province" in message
        assert message.endswith(
            "Indicators with per-tier targets: meetings_online, work_files_online"
        )

    def test_empty_evaluation(self, review: Evaluation) -> None:
        """An evaluation without rows leaves nothing to plot."""
        with pytest.raises(DefinitionError, match="has no rows to plot"):
            tier_chart(attrs.evolve(review, rows=()), WFO)


# ---------------------------------------------------------------------- axes given


class TestOnGivenAxes:
    def test_each_function_draws_on_the_axes_given_and_returns_its_figure(
        self, plan: Plan, panel: Panel, review: Evaluation
    ) -> None:
        """Three plots on one figure: the same figure comes back, the note is written once."""
        fig = Figure(figsize=(18, 5))
        axes = fig.subplots(1, 3)
        assert trajectory(panel, WFO, "26", plan=plan, ax=axes[0]) is fig
        assert scorecard_heatmap(review, ax=axes[1]) is fig
        assert tier_chart(review, WFO, ax=axes[2]) is fig
        assert len(fig.axes) == 3
        assert len(axes[0].lines) == 3  # observed, target, deadline
        assert note_texts(fig) == [SYNTHETIC_NOTE]

    def test_a_constrained_layout_leaves_a_strip_for_the_note(self, review: Evaluation) -> None:
        """The layout is told to keep clear of the note, unless its area was already chosen."""
        fig = Figure(figsize=(6, 3), layout="constrained")
        tier_chart(review, WFO, ax=fig.subplots())
        assert fig.get_layout_engine().get()["rect"] == pytest.approx((0, 0.1, 1, 0.9))
        mine = Figure(figsize=(6, 3), layout="constrained")
        mine.get_layout_engine().set(rect=(0, 0.2, 1, 0.8))
        tier_chart(review, WFO, ax=mine.subplots())
        assert mine.get_layout_engine().get()["rect"] == (0, 0.2, 1, 0.8)

    def test_axes_of_a_subfigure_return_the_whole_figure(self, review: Evaluation) -> None:
        """An axes in a subfigure gives back the top-level figure, which carries the note."""
        fig = Figure()
        left, _ = fig.subfigures(1, 2)
        ax = left.subplots()
        assert tier_chart(review, WFO, ax=ax) is fig
        assert note_texts(fig) == [SYNTHETIC_NOTE]


# ---------------------------------------------------------------------- Vietnamese text


class TestVietnamese:
    @pytest.fixture(autouse=True)
    def _cmr10_known(self) -> None:
        """Make sure matplotlib knows its own cmr10, whatever state its shared font cache is in.

        The cache (~/.cache/matplotlib) is shared by every environment of one matplotlib
        version; one built while another environment was half installed can lack cmr10,
        and matplotlib then falls back to DejaVu Sans, which has the Vietnamese letters.
        """
        from pathlib import Path

        from matplotlib import font_manager

        cmr10 = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "cmr10.ttf"
        if "cmr10" not in {f.name for f in font_manager.fontManager.ttflist}:
            font_manager.fontManager.addfont(str(cmr10))

    def test_a_font_without_vietnamese_letters_warns(self) -> None:
        """cmr10 (shipped with matplotlib) lacks Vietnamese letters: alone, it warns."""
        fig = Figure()
        fig.text(0.5, 0.5, "Tỷ lệ hồ sơ", fontfamily="cmr10")
        with pytest.warns(UserWarning, match="missing from font"):
            render(fig)

    @pytest.mark.parametrize("font", [None, "cmr10"])
    def test_vietnamese_text_renders_without_missing_glyphs(
        self, plan: Plan, panel: Panel, review: Evaluation, font: str | None
    ) -> None:
        """Titles, unit names and legends in Vietnamese draw without a warning, whatever the font."""
        rc = {} if font is None else {"font.family": [font], "axes.formatter.use_mathtext": True}
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            warnings.simplefilter("error")
            figures = [
                trajectory(panel, WFO, "08707", plan=plan, period="2023"),
                scorecard_heatmap(review),
                tier_chart(review, "meetings_online"),
            ]
            for fig in figures:
                render(fig)
        title = figures[0].axes[0].get_title()
        assert title.startswith("Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng")
        assert "Phường Tích Sơn (08707)" in title


class TestEvaluationPlot:
    """Evaluation.plot dispatches to the three plots; the CLI saves the heat-map."""

    def test_each_kind(self, review: Evaluation, panel: Panel) -> None:
        """heatmap, tiers and trajectory draw their figures from the evaluation."""
        assert isinstance(review.plot(), Figure)
        tiers = review.plot("tiers", indicator="work_files_online")
        assert len(ax_of(tiers).patches) == 3
        traj = review.plot("trajectory", panel=panel, indicator="work_files_online", unit="26")
        assert isinstance(traj, Figure)

    def test_trajectory_needs_the_panel(self, review: Evaluation) -> None:
        """Without panel= a trajectory cannot be drawn."""
        with pytest.raises(DefinitionError, match="a trajectory needs the data"):
            review.plot("trajectory", indicator="work_files_online", unit="26")

    def test_unknown_kind(self, review: Evaluation) -> None:
        """An unknown kind names the kinds."""
        with pytest.raises(DefinitionError, match="unknown plot kind 'pie'"):
            review.plot("pie")

    def test_cli_plot_writes_a_png(self, tmp_path: Any) -> None:
        """cchc demo --plot FILE.png writes a PNG beside the scorecard."""
        from cchc_indicators.cli import main

        png = tmp_path / "status.png"
        assert main(["demo", "--period", "2023", "--plot", str(png)], out=io.StringIO()) == 0
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
