"""Shared test configuration: Hypothesis profiles and the path to the reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

#: The official unit lists beside the project (``../shared/data``, or ``$CCHC_SHARED_DATA``).
SHARED_DATA = Path(
    os.environ.get("CCHC_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of official unit lists (skipped when absent, except in CI where it must be there)."""
    if not (SHARED_DATA / "vn_units_2024.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"reference data not found at {SHARED_DATA}")
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA
