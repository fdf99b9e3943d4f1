"""Workload builders shared by the benchmark modules (not a benchmark itself).

The roll-up and re-basing benchmarks both make seeded commune observations on
the national units and build a :class:`~cchc_indicators.Panel` of them; the
pieces they share are here: the years, the districts that report nothing, the
long form of the observations, and the panel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators import Hierarchy, Indicator, Panel, measures

#: The years of every synthetic commune workload.
YEARS = (2020, 2021, 2022, 2023, 2024)


def drop_districts(
    rng: np.random.Generator, h: Hierarchy, present: NDArray[np.bool_], k: int
) -> NDArray[np.bool_]:
    """For every third indicator (``k``), five districts whose communes report nothing."""
    if k % 3 == 0:
        gone = rng.choice(h.level_size("district"), size=5, replace=False)
        present &= ~np.isin(h.ancestors("commune", "district"), gone)[:, None]
    return present


def long_form(
    nums: list[NDArray[Any]], dens: list[NDArray[Any]], keep: list[NDArray[np.bool_]]
) -> dict[str, NDArray[Any]]:
    """Indicator x commune x year arrays, kept where reported, as long columns."""
    mask = np.stack(keep)
    k_idx, c_idx, p_idx = np.nonzero(mask)
    return {
        "indicator": k_idx,
        "commune": c_idx,
        "year": np.asarray(YEARS)[p_idx],
        "num": np.stack(nums)[mask].astype(np.float64),
        "den": np.stack(dens)[mask].astype(np.float64),
    }


def commune_panel(
    h: Hierarchy, codes: tuple[str, ...], cols: dict[str, NDArray[Any]], name: str
) -> Panel:
    """The panel of the long columns: one percent indicator per code, named ``name + code``."""
    commune_codes = np.array(h.codes[h.level_slice("commune")])
    return Panel.from_columns(
        h,
        indicator=np.array(codes)[cols["indicator"]],
        unit=commune_codes[cols["commune"]],
        period=cols["year"].tolist(),
        numerator=cols["num"],
        denominator=cols["den"],
        indicators=[Indicator(c, f"{name}{c}", measure=measures.percent()) for c in codes],
        source="<synthetic>",
    )
