"""Embedded data: official unit lists and a small **synthetic** sample.

The unit lists are taken from the national list of administrative units
(*danh mục đơn vị hành chính*), 2024 edition, as kept in the project's
reference data (``vn_units_2024.csv``); see ``PROVENANCE.md`` beside this file.
The sample observations are **synthetic**: made up by a seeded random
generator to show how the library works. They are not Vĩnh Phúc's figures.

Examples
--------
>>> from cchc_indicators import datasets
>>> datasets.vinh_phuc_units()
Hierarchy(edition='2024', levels=('province', 'district', 'commune'), units=1/9/121)
>>> len(datasets.provinces_2024())
63
"""

from __future__ import annotations

from cchc_indicators.datasets._embedded import SYNTHETIC_NOTE as _SYNTHETIC_NOTE
from cchc_indicators.datasets._embedded import WORK_FILES_ONLINE as _WORK_FILES_ONLINE
from cchc_indicators.datasets._embedded import (
    demo_panel,
    index_observations,
    plan_units,
    provinces_2024,
    sample_panel,
    unit_lists,
    units,
    vinh_phuc_units,
)

#: The label every output built on the sample data carries.
SYNTHETIC_NOTE = _SYNTHETIC_NOTE

#: The indicator of the sample, work files processed online (a percent, pooled).
WORK_FILES_ONLINE = _WORK_FILES_ONLINE

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
