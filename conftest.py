"""Names available to every doctest, so examples stay short."""

import numpy as np
import pytest

import cchc_indicators
from cchc_indicators import measures


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace.update(np=np, cchc_indicators=cchc_indicators, measures=measures)
