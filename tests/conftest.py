"""Shared test configuration: Hypothesis profiles and the path to the reference data.

Hypothesis profiles (chosen by ``HYPOTHESIS_PROFILE``; see
``docs/explanation/testing.md``):

``ci`` (the default, everywhere)
    Derandomised: the examples are a fixed function of each test, so the README's test
    command gives the same result on every machine and every run. 200 examples a test
    unless the test sets fewer.
``dev``
    Random seeds, 60 examples: a quick exploratory run while working.
``deep``
    Random seeds and many more examples: 2,000 a test, and ten times the number a test
    sets for itself. Run it before an issue is resolved; it can find counterexamples the
    fixed ``ci`` run never tries (Hypothesis prints the failing example and a
    ``@reproduce_failure`` blob).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: How many times a test's own ``max_examples`` the ``deep`` profile runs.
DEEP_FACTOR = 10

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``deep``, scale the example count that a test sets for itself.

    A test's own ``@settings(max_examples=n)`` overrides the profile, so without this
    the deep profile would not look further in exactly the slow, interesting tests.
    Hypothesis keeps a test's settings on its wrapper; they are replaced by a copy
    that keeps every other choice of the test and is not derandomised.
    """
    if PROFILE != "deep":
        return
    for item in items:
        fn = getattr(item, "obj", None)
        fn = getattr(fn, "__func__", fn)  # a test written as a method: its function
        own = getattr(fn, "_hypothesis_internal_use_settings", None)
        if own is None or own.max_examples >= settings.default.max_examples:
            continue
        fn._hypothesis_internal_use_settings = settings(  # type: ignore[union-attr]
            own, max_examples=own.max_examples * DEEP_FACTOR, derandomize=False, database=None
        )


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
