"""PCA weights: squared loadings (the library's default) and signed loadings (COINr's)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cchc_indicators.composite.aggregate import pca_weights
from cchc_indicators.core.errors import DefinitionError, InvalidDataError

# Three indicators over four units.
X = np.array(
    [
        [1.0, 2.0, 3.0, 4.0],
        [2.0, 4.0, 6.0, 8.0],  # the first, doubled: correlation 1
        [1.0, 1.0, 2.0, 1.0],
    ]
)


def first_component() -> np.ndarray:
    """The first eigenvector of the correlation matrix, computed here step by step."""
    # Correlation of the first and third rows, by hand: the first is
    # centred to (-1.5, -0.5, 0.5, 1.5), the third to (-0.25, -0.25, 0.75, -0.25);
    # the cross-product is 0.5, the sums of squares 5 and 0.75.
    r = 0.5 / np.sqrt(5 * 0.75)
    corr = np.array([[1, 1, r], [1, 1, r], [r, r, 1]])
    _, vectors = np.linalg.eigh(corr)
    v = vectors[:, -1]
    return v if v.sum() >= 0 else -v


def test_squared_loadings_sum_to_one_and_match_the_eigenvector() -> None:
    v = first_component()
    got = pca_weights(X)
    np.testing.assert_allclose(got, v**2, rtol=1e-12)
    assert got.sum() == pytest.approx(1.0)


def test_signed_loadings_are_the_eigenvector_with_a_non_negative_sum() -> None:
    v = first_component()
    got = pca_weights(X, kind="signed")
    np.testing.assert_allclose(got, v, rtol=1e-12)
    assert (got**2).sum() == pytest.approx(1.0)
    # The two equal rows load equally; the closed form of the eigenvector of
    # [[1,1,r],[1,1,r],[r,r,1]] with the largest eigenvalue
    # l = (3 + sqrt(1 + 8 r^2)) / 2 is proportional to (1, 1, 2 r / (l - 1)).
    r = 0.5 / np.sqrt(5 * 0.75)
    lam = (3 + np.sqrt(1 + 8 * r**2)) / 2
    expected = np.array([1.0, 1.0, 2 * r / (lam - 1)])
    np.testing.assert_allclose(got, expected / np.linalg.norm(expected), rtol=1e-12)


def test_signed_loadings_keep_a_negative_loading() -> None:
    # The third runs against the first two: its signed loading is negative,
    # its squared loading positive.
    A = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    signed = pca_weights(A, kind="signed")
    assert (signed[:2] > 0).all()
    assert signed[2] < 0
    np.testing.assert_allclose(signed**2, pca_weights(A), rtol=1e-12)


def test_signed_sign_is_fixed_when_the_loadings_balance_out() -> None:
    # Two perfectly anti-correlated rows: loadings (1, -1)/sqrt(2) or its
    # opposite; the sum is 0, so the first loading is made positive.
    A = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    np.testing.assert_allclose(
        pca_weights(A, kind="signed"), [1 / np.sqrt(2), -1 / np.sqrt(2)], rtol=1e-12
    )


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(DefinitionError, match="unknown kind 'absolute'") as err:
        pca_weights(X, kind="absolute")
    assert err.value.parameter == "kind"


def test_signed_refuses_missing_data_like_squared() -> None:
    A = X.copy()
    A[0, 1] = np.nan
    with pytest.raises(InvalidDataError, match="complete data"):
        pca_weights(A, kind="signed")


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        (3, 6),
        elements=st.floats(-100, 100, allow_nan=False).map(lambda x: round(x, 2)),
    )
)
def test_signed_loadings_squared_are_the_squared_weights(A: np.ndarray) -> None:
    """Squaring the signed loadings gives the squared-loading weights."""
    sd = A.std(axis=-1)
    if (sd < 1e-3).any():
        return
    np.testing.assert_allclose(pca_weights(A, kind="signed") ** 2, pca_weights(A), atol=1e-9)
