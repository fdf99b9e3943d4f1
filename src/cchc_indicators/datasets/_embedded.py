"""The code of :mod:`cchc_indicators.datasets`, whose public names it defines (see the package)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np

from cchc_indicators.composite._data import Observations
from cchc_indicators.core import _notes
from cchc_indicators.core.errors import DefinitionError
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.data.panel import Panel
from cchc_indicators.units.editions import load as load_edition
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = [
    "SYNTHETIC_NOTE",
    "WORK_FILES_ONLINE",
    "demo_panel",
    "index_observations",
    "plan_units",
    "provinces_2024",
    "sample_panel",
    "unit_lists",
    "units",
    "vinh_phuc_units",
]


#: The label every output built on the sample data carries.
SYNTHETIC_NOTE = _notes.SYNTHETIC_NOTE

#: The indicator of the sample, work files processed online (a percent, pooled).
WORK_FILES_ONLINE = Indicator(
    "work_files_online",
    "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng",
    name_en="Work files processed online",
    area="digital_government",
    description="Work files (hồ sơ công việc) processed online / all work files, per government tier.",
    source="Decision 2866/QĐ-UBND of Vĩnh Phúc People's Committee, 14 Oct 2021",
)


def _path(name: str) -> Path:
    return Path(str(resources.files("cchc_indicators.datasets").joinpath(name)))


def vinh_phuc_units() -> Hierarchy:
    """Vĩnh Phúc province (code ``26``), its 9 district-level units and 121 communes, 2024 edition.

    Examples
    --------
    >>> h = vinh_phuc_units()
    >>> h.unit("26").name, [u.code for u in h.children("26")][:3]
    ('Tỉnh Vĩnh Phúc', ['243', '244', '246'])
    """
    return Hierarchy.from_csv(_path("vinh_phuc_units_2024.csv"), edition="2024")


def provinces_2024() -> Hierarchy:
    """The 63 provinces of the 2024 edition, as a one-level hierarchy (peers for ranks).

    Examples
    --------
    >>> provinces_2024().unit("26").name
    'Tỉnh Vĩnh Phúc'
    """
    return Hierarchy.from_csv(_path("provinces_2024.csv"), levels=("province",), edition="2024")


def _records(name: str) -> list[dict[str, str]]:
    with _path(name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def plan_units() -> Hierarchy:
    """The units Vĩnh Phúc's plan is evaluated on: all 63 provinces, and Vĩnh Phúc down to its communes.

    One three-level hierarchy of the 2024 edition: the 63 provinces (the
    peers of rank targets such as PAR INDEX in the top 15), Vĩnh Phúc's 9
    district-level units and its 121 communes. Built from the embedded
    ``provinces_2024.csv`` and ``vinh_phuc_units_2024.csv``; the province row
    ``26``, in both files, is kept once. Other provinces have no units below
    them here.

    .. versionadded:: 0.1.0

    Returns
    -------
    Hierarchy
        193 units on the levels ``province``, ``district`` and ``commune``.

    See Also
    --------
    units : the embedded unit lists by name (this one is ``"vinh-phuc-2024"``).

    Examples
    --------
    >>> h = plan_units()
    >>> h
    Hierarchy(edition='2024', levels=('province', 'district', 'commune'), units=63/9/121)
    >>> len(h), h.parent("243").code, len(h.children("01"))
    (193, '26', 0)
    """
    provinces = _records("provinces_2024.csv")
    seen = {row["code"] for row in provinces}
    below = [row for row in _records("vinh_phuc_units_2024.csv") if row["code"] not in seen]
    return Hierarchy.from_records(
        provinces + below,
        edition="2024",
        source="provinces_2024.csv + vinh_phuc_units_2024.csv",
    )


def _national(edition: str) -> Callable[[], Hierarchy]:
    """Build the whole embedded national edition ``edition`` when called."""

    def build() -> Hierarchy:
        return load_edition(edition)

    return build


_UNIT_LISTS: dict[str, Callable[[], Hierarchy]] = {
    "national-2024": _national("vn-2024"),
    "national-2025": _national("vn-2025"),
    "provinces-2024": provinces_2024,
    "vinh-phuc-2021": _national("vinh-phuc-2021"),
    "vinh-phuc-2024": plan_units,
    "vinh-phuc-only-2024": vinh_phuc_units,
}


def unit_lists() -> tuple[str, ...]:
    """Return the names of the embedded unit lists, sorted (the names :func:`units` takes).

    .. versionadded:: 0.1.0

    Examples
    --------
    >>> unit_lists()
    ('national-2024', 'national-2025', 'provinces-2024', 'vinh-phuc-2021', 'vinh-phuc-2024', 'vinh-phuc-only-2024')
    """
    return tuple(sorted(_UNIT_LISTS))


def units(name: str) -> Hierarchy:
    """Return an embedded unit list by name (the name a plan's ``units`` field gives).

    ========================= ===================================================
    name                      units
    ========================= ===================================================
    ``"national-2024"``       the national edition ``vn-2024``
                              (:func:`cchc_indicators.units.editions.load`): 63
                              provinces, 696 district-level units, 10,051
                              communes
    ``"national-2025"``       the national edition ``vn-2025``: 34 provinces,
                              3,321 communes (from 1 July 2025)
    ``"vinh-phuc-2021"``      the edition ``vinh-phuc-2021``: Vĩnh Phúc's 9
                              district-level units and 136 communes in force
                              from 1 February 2020 to 31 December 2024
    ``"vinh-phuc-2024"``      :func:`plan_units`: the 63 provinces, and Vĩnh
                              Phúc's districts and communes
    ``"vinh-phuc-only-2024"`` :func:`vinh_phuc_units`: Vĩnh Phúc alone
    ``"provinces-2024"``      :func:`provinces_2024`: the 63 provinces, one level
    ========================= ===================================================

    .. versionadded:: 0.1.0

    Parameters
    ----------
    name
        One of the names above.

    Returns
    -------
    Hierarchy
        The units: the 2024 edition, the 2025 edition for ``"national-2025"``,
        or ``vinh-phuc-2021`` for ``"vinh-phuc-2021"``.

    Raises
    ------
    DefinitionError
        If there is no unit list of that name (the message lists the names).

    Examples
    --------
    >>> units("vinh-phuc-only-2024")
    Hierarchy(edition='2024', levels=('province', 'district', 'commune'), units=1/9/121)
    >>> units("national-2025")
    Hierarchy(edition='vn-2025', levels=('province', 'commune'), units=34/3321)
    >>> units("vinh-phuc-2025")
    Traceback (most recent call last):
    ...
    cchc_indicators.core.errors.DefinitionError: unknown unit list 'vinh-phuc-2025'; the unit lists are 'national-2024', 'national-2025', 'provinces-2024', 'vinh-phuc-2021', 'vinh-phuc-2024', 'vinh-phuc-only-2024'
    """
    build = _UNIT_LISTS.get(name) if isinstance(name, str) else None
    if build is None:
        shown = ", ".join(repr(n) for n in unit_lists())
        msg = f"unknown unit list {name!r}; the unit lists are {shown}"
        raise DefinitionError(msg, code=str(name))
    return build()


def sample_panel(seed: int = 2024, *, years: tuple[int, ...] = (2021, 2022, 2023, 2024)) -> Panel:
    """A **synthetic** panel of work files processed online in Vĩnh Phúc's units.

    Every commune, district-level unit and the province gets a numerator and
    a denominator per year (each tier's own work files); about 4 % of
    commune-years are left missing, so coverage is not always complete.
    Rates differ a lot between small and large communes, so the pooled rate
    and the mean of rates differ. The numbers are made up.

    Parameters
    ----------
    seed
        Seed of the random generator: the same seed gives the same panel.
    years
        The years to generate.

    Examples
    --------
    >>> p = sample_panel()
    >>> p.periods
    ('2021', '2022', '2023', '2024')
    >>> sample_panel(seed=1).data_of("work_files_online") == sample_panel(seed=1).data_of(
    ...     "work_files_online"
    ... )
    True
    """
    h = vinh_phuc_units()
    rng = np.random.default_rng(seed)
    n_units, n_years = len(h), len(years)
    level = h.level_of
    # workload: the province handles most files, communes the fewest; sizes vary a lot
    base = np.choose(level, [6000.0, 1500.0, 120.0]) * rng.lognormal(0.0, 0.6, n_units)
    # each unit starts somewhere and improves by a unit-specific step per year
    # larger units tend to be further ahead, so pooling and averaging rates differ
    size = (np.log(base) - np.log(base).mean()) / np.log(base).std()
    start = np.clip(rng.normal(np.choose(level, [0.7, 0.55, 0.35]) + 0.08 * size, 0.15), 0.02, 0.98)
    step = rng.uniform(0.0, 0.09, n_units)
    t = np.arange(n_years)
    rate = np.clip(start[:, None] + step[:, None] * t[None, :], 0.0, 1.0)
    den = rng.poisson(base[:, None] * np.ones(n_years)).astype(np.float64)
    num = rng.binomial(den.astype(np.int64), rate).astype(np.float64)
    missing = (level[:, None] == 2) & (rng.random((n_units, n_years)) < 0.04)
    ui, yi = np.nonzero(~missing)
    return Panel.from_columns(
        h,
        indicator=np.full(len(ui), WORK_FILES_ONLINE.code),
        unit=np.asarray(h.codes)[ui],
        period=[str(years[j]) for j in yi.tolist()],
        numerator=num[ui, yi],
        denominator=den[ui, yi],
        indicators=[WORK_FILES_ONLINE],
        source="synthetic sample (cchc_indicators.datasets.sample_panel)",
    )


def demo_panel(seed: int = 2025) -> Panel:
    """**Synthetic** observations for every indicator of Vĩnh Phúc's 2021–2025 plan.

    On :func:`plan_units` (the 63 provinces, and Vĩnh Phúc's districts and
    communes), for 2021–2025: the province's own figures, each district's and
    commune's work files and dossiers, the district People's Committees'
    online meetings, and PAR INDEX and SIPAS scores for all 63 provinces.
    The trajectories are made up so that the 2025 scorecard mixes achieved and
    missed targets (one target has no 2025 data) and a 2023 review mixes
    on-track and off-track ones. The panel's ``note`` says it is synthetic, and
    so does every output built on it.

    Parameters
    ----------
    seed
        Seed of the random parts (peer scores, units' spread); the same seed
        gives the same panel.

    Examples
    --------
    >>> p = demo_panel()
    >>> p.periods
    ('2021', '2022', '2023', '2024', '2025')
    >>> p.note == SYNTHETIC_NOTE
    True
    """
    from cchc_indicators.datasets._demo import demo_panel as build

    return build(plan_units(), SYNTHETIC_NOTE, seed)


def index_observations(
    seed: int = 2024, *, years: tuple[int, ...] = (2022, 2023, 2024)
) -> Observations:
    """**Synthetic** observations of the 30 indicators of ``par-style-demo`` for the 63 provinces.

    Each province gets a latent reform capacity, and each domain a
    province-specific deviation from it, so that indicators correlate
    within domains and provinces differ by domain; every year adds a little
    improvement and noise. Shares are percentages from 0 to 100; the five
    indicators where lower is better are positive rates. About 3 % of the
    values are missing. The numbers are made up and every result built on
    them carries :data:`SYNTHETIC_NOTE`.

    Parameters
    ----------
    seed
        Seed of the random generator: the same seed gives the same data.
    years
        The years to generate.

    Examples
    --------
    >>> obs = index_observations()
    >>> len(obs.units), len(obs.indicators), obs.periods
    (63, 30, ('2022', '2023', '2024'))
    >>> obs.note == SYNTHETIC_NOTE
    True
    """
    from cchc_indicators.composite import load_index

    index = load_index("par-style-demo")
    provinces = provinces_2024()
    codes = list(provinces.codes)
    rng = np.random.default_rng(seed)
    n_units = len(codes)
    capacity = rng.normal(0.0, 1.0, n_units)
    rows: list[dict[str, object]] = []
    for domain in index.children:
        tilt = capacity + rng.normal(0.0, 0.7, n_units)
        for leaf in (n for n in domain.walk() if n.is_leaf):
            level = rng.uniform(45.0, 80.0)
            spread = rng.uniform(6.0, 14.0)
            trend = rng.uniform(0.5, 4.0)
            for t, year in enumerate(years):
                signal = tilt + rng.normal(0.0, 0.6, n_units)
                if leaf.direction == 1:
                    values = np.clip(level + spread * signal + trend * t, 0.0, 100.0)
                else:
                    values = np.exp(1.5 - 0.35 * signal - 0.05 * t + rng.normal(0.0, 0.1))
                missing = rng.random(n_units) < 0.03
                for code, value, gap in zip(codes, values.tolist(), missing.tolist(), strict=True):
                    if not gap:
                        rows.append(
                            {
                                "indicator": leaf.code,
                                "unit": code,
                                "period": year,
                                "value": round(value, 2),
                            }
                        )
    return Observations.from_records(
        rows, note=SYNTHETIC_NOTE, source="synthetic (datasets.index_observations)"
    )
