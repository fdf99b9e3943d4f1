"""The **synthetic** demo data for Vĩnh Phúc's 2021–2025 plan (made up; not official figures).

Every indicator of the ``vinh-phuc-2021-2025`` catalogue gets values for
2021–2025 at the tiers its targets need: the province's own figures, each
district-level unit's and commune's own work files and dossiers, the district
People's Committees' online meetings, and PAR INDEX and SIPAS scores for all 63
provinces. Trajectories are chosen so the 2025 scorecard mixes achieved and
missed targets and the 2023 mid-term review mixes on-track and off-track ones.
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.data.panel import Panel
from cchc_indicators.units.hierarchy import Hierarchy

YEARS = (2021, 2022, 2023, 2024, 2025)
PROVINCE = "26"

#: Province-own percents: (denominator, shares in percent for 2021..2025; NaN = not reported).
_PROVINCE_PERCENTS: dict[str, tuple[int, tuple[float, ...]]] = {
    "procedures_online": (1800, (45.0, 58.0, 68.0, 79.0, 84.0)),
    "procedures_on_national_portal": (1800, (40.0, 52.0, 63.0, 71.0, 77.0)),
    "satisfaction_procedures": (2000, (86.0, 88.0, 89.0, 90.5, 91.2)),
    "satisfaction_land_construction_investment": (1200, (78.0, 80.0, 81.0, 83.0, 84.0)),
    "no_resubmission": (2000, (60.0, 68.0, 75.0, 79.0, 82.0)),
    # over the 640 public service units of 2021 (the catalogue's reading of "so với năm 2021")
    "autonomous_units": (640, (12.0, 14.0, 16.0, 18.0, 19.0)),
    "satisfaction_administration": (2000, (87.0, 88.5, 90.0, 91.0, 92.0)),
    "satisfaction_health_education": (1500, (82.0, 83.0, 85.0, 86.0, np.nan)),
    "self_financing_units": (600, (15.0, 17.0, 19.0, 21.0, 22.0)),
    "units_converted": (24, (100 * 10 / 24, 100 * 14 / 24, 75.0, 100 * 21 / 24, 100 * 23 / 24)),
    "eid_online_users": (50000, (30.0, 55.0, 80.0, 96.0, 100.0)),
    "systems_connected": (40, (50.0, 65.0, 75.0, 82.5, 85.0)),
}
#: Per-field split of pooled satisfaction: field -> (pooled indicator, answers per year,
#: share in percent relative to the pooled share; None = the rest of the pooled answers).
_FIELDS: dict[str, tuple[str, int, float | None]] = {
    "satisfaction_land": ("satisfaction_land_construction_investment", 500, -4.0),
    "satisfaction_construction": ("satisfaction_land_construction_investment", 400, 1.0),
    "satisfaction_investment": ("satisfaction_land_construction_investment", 300, None),
    "satisfaction_health": ("satisfaction_health_education", 800, 2.0),
    "satisfaction_education": ("satisfaction_health_education", 700, None),
}
#: Province-own counts for 2021..2025.
_PROVINCE_COUNTS = {
    "public_service_units": (640.0, 628.0, 611.0, 597.0, 585.0),
    "public_service_staff": (21500.0, 21020.0, 20310.0, 19640.0, 19100.0),
}
#: Province-own yes/no facts for 2021..2025.
_PROVINCE_BINARY = {
    "meetings_online": (0.0, 1.0, 1.0, 1.0, 1.0),
    "unit_rearrangement": (0.0, 0.0, 0.0, 1.0, 1.0),
}
#: How many of the 9 district People's Committees meet online, 2021..2025.
_DISTRICTS_MEETING = (2, 4, 6, 7, 8)
#: Rank of the province among the 63 in each year 2021..2024 (the scores are built to give
#: it). None for 2025: Vĩnh Phúc is no longer a province after 1 July 2025, and a ranking of
#: 2025 ranks the 34 provinces of the 2025 edition.
_RANKS = {"par_index": (22, 19, 17, 14), "sipas": (25, 23, 21, 20)}
#: Mean share in percent per tier and year: work files and dossiers processed online.
_TIER_SHARES = {
    "work_files_online": {
        "province": (70.0, 78.0, 84.0, 89.0, 93.0),
        "district": (57.0, 65.0, 72.0, 79.0, 85.0),
        "commune": (30.0, 38.0, 45.0, 51.0, 56.0),
    },
    "dossiers_online": {
        "province": (20.0, 28.0, 38.0, 46.0, 53.0),
        "district": (14.0, 22.0, 31.0, 39.0, 46.0),
        "commune": (10.0, 17.0, 26.0, 35.0, 43.0),
    },
}
#: Typical yearly workload per unit of each tier (work files, dossiers).
_WORKLOAD = {"province": 40000.0, "district": 6000.0, "commune": 900.0}


@attrs.define
class _Rows:
    """Columns of observation rows being collected."""

    indicator: list[str] = attrs.Factory(list)
    unit: list[str] = attrs.Factory(list)
    period: list[str] = attrs.Factory(list)
    value: list[float] = attrs.Factory(list)
    numerator: list[float] = attrs.Factory(list)
    denominator: list[float] = attrs.Factory(list)

    def add(
        self,
        code: str,
        units: list[str],
        years: list[int],
        *,
        value: NDArray[np.float64] | None = None,
        numerator: NDArray[np.float64] | None = None,
        denominator: NDArray[np.float64] | None = None,
    ) -> None:
        n = len(units)
        nan = np.full(n, np.nan)
        self.indicator += [code] * n
        self.unit += units
        self.period += [str(y) for y in years]
        self.value += (nan if value is None else value).tolist()
        self.numerator += (nan if numerator is None else numerator).tolist()
        self.denominator += (nan if denominator is None else denominator).tolist()


def _add_fields(rows: _Rows, years: list[int]) -> None:
    """Per-field answers whose numerators and denominators add up to the pooled indicator's."""
    for pooled in {parent for parent, _, _ in _FIELDS.values()}:
        den, shares = _PROVINCE_PERCENTS[pooled]
        share = np.array(shares)
        ok = ~np.isnan(share)
        left_num = np.round(share[ok] * den / 100.0)
        left_den = float(den)
        for code, (parent, answers, offset) in _FIELDS.items():
            if parent != pooled:
                continue
            if offset is None:  # the rest of the pooled answers
                num, d = left_num, left_den
            else:
                num = np.round((share[ok] + offset) * answers / 100.0)
                d = float(answers)
                left_num, left_den = left_num - num, left_den - d
            rows.add(
                code,
                [PROVINCE] * int(ok.sum()),
                [y for y, k in zip(years, ok, strict=True) if k],
                numerator=num,
                denominator=np.full(int(ok.sum()), d),
            )


def demo_panel(units: Hierarchy, note: str, seed: int = 2025) -> Panel:
    """Build the synthetic demo panel on ``units`` (the plan's embedded units)."""
    rng = np.random.default_rng(seed)
    rows = _Rows()
    years = list(YEARS)
    n_years = len(years)
    for code, (den, shares) in _PROVINCE_PERCENTS.items():
        share = np.array(shares)
        ok = ~np.isnan(share)
        d = np.full(n_years, float(den))[ok]
        rows.add(
            code,
            [PROVINCE] * int(ok.sum()),
            [y for y, k in zip(years, ok, strict=True) if k],
            numerator=np.round(share[ok] * d / 100.0),
            denominator=d,
        )
    _add_fields(rows, years)
    for code, counts in _PROVINCE_COUNTS.items():
        rows.add(code, [PROVINCE] * n_years, years, value=np.array(counts))
    for code, facts in _PROVINCE_BINARY.items():
        rows.add(code, [PROVINCE] * n_years, years, value=np.array(facts))
    districts = [u.code for u in units.children(PROVINCE)]
    order = rng.permutation(len(districts))  # which districts start meeting online first
    for t, k in enumerate(_DISTRICTS_MEETING):
        meets = np.zeros(len(districts))
        meets[order[:k]] = 1.0
        rows.add("meetings_online", districts, [years[t]] * len(districts), value=meets)
    provinces = [u.code for u in units.units("province")]
    mine = provinces.index(PROVINCE)
    for code, ranks in _RANKS.items():
        for t, r in enumerate(ranks):
            others = rng.normal(82.0 + 0.8 * t, 3.5, len(provinces) - 1).clip(50.0, 99.0)
            best_first = np.sort(others)[::-1]
            # halfway between the (r-1)-th and r-th best others: exactly r-1 provinces score higher
            score = np.insert(others, mine, (best_first[r - 2] + best_first[r - 1]) / 2.0)
            rows.add(code, provinces, [years[t]] * len(provinces), value=np.round(score, 2))
        # no 2025 scores; the draws are still made so the later synthetic series stay the same
        rng.normal(82.0 + 0.8 * len(ranks), 3.5, len(provinces) - 1)
    for code, tiers in _TIER_SHARES.items():
        for level, shares in tiers.items():
            members = (
                [PROVINCE]
                if level == "province"
                else [u.code for u in units.descendants(PROVINCE, level)]
            )
            n = len(members)
            size = _WORKLOAD[level] * rng.lognormal(0.0, 0.4, n)
            spread, jitter = (0.0, 0.3) if level == "province" else (8.0, 2.0)
            lift = rng.normal(0.0, spread, n)  # some units are ahead, some behind, all years
            for t, mean in enumerate(shares):
                files = np.asarray(rng.poisson(size), dtype=np.float64)
                rate = np.clip((mean + lift + rng.normal(0.0, jitter, n)) / 100.0, 0.0, 1.0)
                done = np.asarray(rng.binomial(files.astype(np.int64), rate), dtype=np.float64)
                keep = rng.random(n) >= (0.03 if level == "commune" else 0.0)
                rows.add(
                    code,
                    [m for m, k in zip(members, keep, strict=True) if k],
                    [years[t]] * int(keep.sum()),
                    numerator=done[keep],
                    denominator=files[keep],
                )
    from cchc_indicators.core.catalog import load

    plan = load("vinh-phuc-2021-2025")
    panel = Panel.from_columns(
        units,
        indicator=np.array(rows.indicator),
        unit=np.array(rows.unit),
        period=np.array(rows.period),
        value=np.array(rows.value),
        numerator=np.array(rows.numerator),
        denominator=np.array(rows.denominator),
        indicators=plan.indicators,
        source="synthetic demo data (cchc_indicators.datasets.demo_panel)",
    )
    return attrs.evolve(panel, note=note)
