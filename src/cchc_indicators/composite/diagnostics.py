"""Statistics of a composite index: :func:`diagnostics` and :class:`Diagnostics`.

The statistics a researcher reads before trusting an index (the OECD/JRC
Handbook's step 4, multivariate analysis, and its step 5 checks):

- **per indicator**: the number of units with an observed value, the
  missing and imputed ones, mean, standard deviation, minimum, maximum,
  skewness and kurtosis, and an outlier flag;
- **correlations** of every node's scores with every other's, Pearson and
  Spearman, within a level and across levels, with flags for collinear
  siblings and for siblings that correlate negatively;
- **per aggregate**: Cronbach's alpha of its children, and the first
  principal component of their scores (share of variance explained,
  loadings);
- the **effective weights** of the indicators in the index.

Skewness and kurtosis are COINr's (its ``skew()`` and ``kurt()``, COINr
1.1.14, documented as the ``e1071`` package's ``type = 2`` and Excel's
``SKEW`` and ``KURT``). For the ``n`` observed values of an indicator, with
mean ``m`` and central moments ``m_r = sum((x - m)**r) / n``:

- ``g1 = m_3 / m_2**1.5`` and skewness ``G1 = g1 * sqrt(n * (n - 1)) / (n - 2)``
  (needs ``n >= 3``);
- ``g2 = m_4 / m_2**2 - 3`` and (excess) kurtosis
  ``G2 = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))`` (needs ``n >= 4``).

An indicator is flagged as having outliers when ``|G1| >= 2`` and
``G2 >= 3.5``, COINr's default rule for outlier treatment.

Sources: COINr's documentation of ``skew`` and ``kurt``
(<https://search.r-project.org/CRAN/refmans/COINr/html/skew.html>,
<https://www.rdocumentation.org/packages/COINr/versions/1.1.14/topics/kurt>);
D. N. Joanes and C. A. Gill (1998), "Comparing measures of sample skewness
and kurtosis", *The Statistician* 47, 183–189; L. J. Cronbach (1951),
"Coefficient alpha and the internal structure of tests", *Psychometrika* 16,
297–334; OECD and JRC (2008), *Handbook on Constructing Composite
Indicators*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.composite._data import Observations
from cchc_indicators.composite._definition import CompositeIndex
from cchc_indicators.composite._result import IndexResult, compute_index, text_table
from cchc_indicators.core._args import check_type
from cchc_indicators.core._arrays import ARRAY_EQ, readonly
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem
from cchc_indicators.data.panel import _pandas

__all__ = [
    "COLLINEAR",
    "KURTOSIS_LIMIT",
    "NEGATIVE",
    "SKEW_LIMIT",
    "STAT_KEYS",
    "Diagnostics",
    "cronbach_alpha",
    "diagnostics",
    "kurtosis",
    "skewness",
]

FloatArray = NDArray[np.float64]

#: ``|skewness|`` at or above which (with the kurtosis) an indicator has outliers.
SKEW_LIMIT = 2.0
#: Kurtosis at or above which (with the skewness) an indicator has outliers.
KURTOSIS_LIMIT = 3.5
#: Default correlation above which two siblings are flagged as collinear.
COLLINEAR = 0.9
#: Default correlation below which two siblings are flagged as negatively correlated.
NEGATIVE = 0.0
#: The columns of :meth:`Diagnostics.to_frame` (one row per indicator).
STAT_KEYS = (
    "indicator",
    "n",
    "missing",
    "imputed",
    "mean",
    "sd",
    "min",
    "max",
    "skewness",
    "kurtosis",
    "outliers",
    "effective_weight",
)
_MIN_UNITS = 4
_ARRAY = {"converter": readonly, "eq": ARRAY_EQ}


def _moments(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Observed count and central moments m2, m3, m4 along the last axis (NaN skipped)."""
    present = ~np.isnan(x)
    n = present.sum(axis=-1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=-1) / n
        d = np.where(present, x - mean[..., None], 0.0)
        m2 = (d**2).sum(axis=-1) / n
        m3 = (d**3).sum(axis=-1) / n
        m4 = (d**4).sum(axis=-1) / n
    return n, m2, m3, m4


def skewness(x: object) -> FloatArray:
    """COINr's skewness (``e1071`` type 2, Excel's ``SKEW``) along the last axis, NaN skipped.

    ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m_3 / m_2**1.5``;
    NaN with fewer than 3 values or no spread.

    Examples
    --------
    >>> skewness([1.0, 2.0, 3.0, 10.0]).round(6).tolist()
    1.763633
    >>> float(skewness([1.0, 2.0, float("nan")]))
    nan
    """
    a = np.asarray(x, dtype=np.float64)
    n, m2, m3, _ = _moments(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        g1 = m3 / m2**1.5
        out: FloatArray = np.where((n >= 3) & (m2 > 0), g1 * np.sqrt(n * (n - 1)) / (n - 2), np.nan)
    return out


def kurtosis(x: object) -> FloatArray:
    """COINr's (excess) kurtosis (``e1071`` type 2, Excel's ``KURT``) along the last axis, NaN skipped.

    ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3))`` with
    ``g2 = m_4 / m_2**2 - 3``; NaN with fewer than 4 values or no spread.

    Examples
    --------
    >>> kurtosis([1.0, 2.0, 3.0, 10.0]).round(6).tolist()
    3.228
    """
    a = np.asarray(x, dtype=np.float64)
    n, m2, _, m4 = _moments(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        g2 = m4 / m2**2 - 3
        out: FloatArray = np.where(
            (n >= 4) & (m2 > 0), ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)), np.nan
        )
    return out


def cronbach_alpha(X: object) -> float:
    """Cronbach's alpha of the rows of ``X`` (items × units), over the units with every value.

    ``alpha = k / (k - 1) * (1 - sum(var(item)) / var(sum of items))`` with
    sample variances; NaN with fewer than 2 items, fewer than 2 complete
    units, or a constant total.

    Examples
    --------
    >>> round(cronbach_alpha([[1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 3.0, 5.0]]), 6)
    0.96
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2 or A.shape[0] < 2:
        return math.nan
    A = A[:, ~np.isnan(A).any(axis=0)]
    if A.shape[1] < 2:
        return math.nan
    k = A.shape[0]
    total = A.sum(axis=0).var(ddof=1)
    if total == 0:
        return math.nan
    return float(k / (k - 1) * (1 - A.var(axis=1, ddof=1).sum() / total))


def _average_ranks(x: FloatArray) -> FloatArray:
    """Ranks 1..n along the last axis, ties given their mean rank, NaN kept NaN."""
    shape = x.shape
    flat = x.reshape(-1, shape[-1])
    rows, u = flat.shape
    key = np.where(np.isnan(flat), np.inf, flat)
    order = np.argsort(key, axis=-1, kind="stable")
    s = np.take_along_axis(key, order, axis=-1)
    start = np.ones((rows, u), dtype=bool)
    start[:, 1:] = s[:, 1:] != s[:, :-1]
    run = np.cumsum(start, axis=-1) - 1 + (np.arange(rows) * u)[:, None]
    position = np.broadcast_to(np.arange(1, u + 1, dtype=np.float64), (rows, u))
    total = np.bincount(run.ravel(), weights=position.ravel(), minlength=rows * u)
    count = np.bincount(run.ravel(), minlength=rows * u)
    mean_rank = total[run] / count[run]
    out = np.empty_like(flat)
    np.put_along_axis(out, order, mean_rank, axis=-1)
    out[np.isnan(flat)] = np.nan
    result: FloatArray = out.reshape(shape)
    return result


def _pairwise(X: FloatArray, *, spearman: bool) -> FloatArray:
    """Correlations of the rows of ``X`` (nodes × units), each pair over the units both have."""
    k = X.shape[0]
    i, j = np.triu_indices(k, 1)
    both = ~np.isnan(X[i]) & ~np.isnan(X[j])
    a = np.where(both, X[i], np.nan)
    b = np.where(both, X[j], np.nan)
    if spearman:
        a, b = _average_ranks(a), _average_ranks(b)
    n = both.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Means over the units both have (0/0 = NaN for a pair with none: no warning, unlike nanmean).
        mean_a = np.where(both, a, 0.0).sum(axis=-1, keepdims=True) / n[..., None]
        mean_b = np.where(both, b, 0.0).sum(axis=-1, keepdims=True) / n[..., None]
        da = np.where(both, a - mean_a, 0.0)
        db = np.where(both, b - mean_b, 0.0)
        r = (da * db).sum(axis=-1) / np.sqrt((da**2).sum(axis=-1) * (db**2).sum(axis=-1))
    r = np.where(n >= 2, np.clip(r, -1.0, 1.0), np.nan)
    out = np.full((k, k), np.nan)
    out[i, j] = r
    out[j, i] = r
    count, m2, _, _ = _moments(X)
    np.fill_diagonal(out, np.where((count >= 2) & (m2 > 0), 1.0, np.nan))
    return out


def _first_component(X: FloatArray) -> tuple[float, FloatArray]:
    """Share of variance explained and signed loadings of the first component (complete units)."""
    from cchc_indicators.composite.aggregate import pca_weights

    A = X[:, ~np.isnan(X).any(axis=0)]
    k = A.shape[0]
    if k < 2 or A.shape[1] < 2 or (A.std(axis=1) == 0).any():
        return math.nan, np.full(k, np.nan)
    loadings = pca_weights(A, kind="signed")
    corr = np.corrcoef(A)
    explained = float(loadings @ corr @ loadings) / k
    return explained, loadings


def _fmt(x: float, digits: int) -> str:
    return "—" if math.isnan(x) else f"{x:.{digits}f}"


@attrs.frozen(repr=False)
class Diagnostics:
    """The statistics of an index computed on some data (see :func:`diagnostics`).

    Indicator arrays are in :attr:`leaves` order; node arrays in
    :attr:`nodes` order (the index first, then level by level, as in
    :class:`~cchc_indicators.composite.IndexResult`).

    Attributes
    ----------
    index, period, units, nodes, parents, levels, leaves
        What was analysed, as in the result.
    n, missing, imputed
        Per indicator: units with an observed value, without one, and
        imputed.
    mean, sd, min, max, skewness, kurtosis
        Per indicator, over the observed values (imputed values left out);
        ``sd`` is the sample standard deviation; skewness and kurtosis are
        COINr's (see the module's documentation).
    outliers
        Per indicator: ``|skewness| >= 2`` and ``kurtosis >= 3.5``.
    pearson, spearman
        ``(nodes, nodes)`` correlations of the nodes' scores, each pair over
        the units where both have a score.
    aggregates
        The nodes with children (the index first).
    alpha
        Per aggregate: Cronbach's alpha of its children's scores.
    explained, loadings
        Per aggregate: the share of its children's variance the first
        principal component explains, and its signed loadings
        (``{aggregate: {child: loading}}``).
    effective_weights
        Each indicator's weight in the index.
    collinear, negative
        The thresholds of :meth:`flags`.
    note
        The data's note.
    """

    index: str
    period: str
    units: tuple[str, ...]
    nodes: tuple[str, ...]
    parents: tuple[str | None, ...]
    levels: tuple[int, ...]
    leaves: tuple[str, ...]
    n: NDArray[np.int64] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    missing: NDArray[np.int64] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    imputed: NDArray[np.int64] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    mean: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    sd: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    min: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    max: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    skewness: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    kurtosis: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    outliers: NDArray[np.bool_] = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    pearson: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    spearman: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    aggregates: tuple[str, ...]
    alpha: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    explained: FloatArray = attrs.field(**_ARRAY)  # type: ignore[call-overload]
    loadings: Mapping[str, Mapping[str, float]] = attrs.field(eq=False)
    effective_weights: Mapping[str, float] = attrs.field(eq=False)
    collinear: float = COLLINEAR
    negative: float = NEGATIVE
    note: str = ""

    def __repr__(self) -> str:
        return (
            f"Diagnostics(index={self.index!r}, period={self.period!r}, "
            f"{len(self.units)} units, {len(self.leaves)} indicators, "
            f"{len(self.flags())} flag(s))"
        )

    def correlations(self, *, method: str = "pearson", level: int | None = None) -> FloatArray:
        """The correlation matrix of the nodes (or of the nodes at ``level``).

        Parameters
        ----------
        method
            ``"pearson"`` or ``"spearman"``.
        level
            A level of the tree (0 is the index); default: every node.

        Raises
        ------
        DefinitionError
            For an unknown method or a level the tree does not have.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
        >>> data = Observations.from_values({"a": [1, 2, 3, 4], "b": [2, 4, 6, 9], "c": [4, 3, 2, 1]}, ["P", "Q", "R", "S"])
        >>> diagnostics(data=data, index=idx).correlations(method="spearman", level=1).tolist()
        [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
        """
        if method not in ("pearson", "spearman"):
            msg = f"unknown correlation method {method!r}; use 'pearson' or 'spearman'"
            raise DefinitionError(msg, parameter="method")
        matrix = self.pearson if method == "pearson" else self.spearman
        if level is None:
            return matrix
        if level not in self.levels:
            msg = f"level {level!r} is not a level of index {self.index!r} (levels {min(self.levels)} to {max(self.levels)})"
            raise DefinitionError(msg, parameter="level")
        rows = np.flatnonzero(np.asarray(self.levels) == level)
        out: FloatArray = matrix[np.ix_(rows, rows)]
        return out

    def flags(self) -> list[dict[str, Any]]:
        """Pairs of siblings whose Pearson correlation is above :attr:`collinear` or below :attr:`negative`.

        Each flag is ``{"parent", "a", "b", "pearson", "spearman", "flag"}``
        with ``flag`` ``"collinear"`` or ``"negative"``.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
        >>> data = Observations.from_values({"a": [1, 2, 3, 4], "b": [2, 4, 6, 9], "c": [4, 3, 2, 1]}, ["P", "Q", "R", "S"])
        >>> [(f["a"], f["b"], f["flag"]) for f in diagnostics(idx, data).flags()]
        [('a', 'b', 'collinear'), ('a', 'c', 'negative'), ('b', 'c', 'negative')]
        """
        parents = np.array([p or "" for p in self.parents])
        i, j = np.triu_indices(len(self.nodes), 1)
        same = (parents[i] == parents[j]) & (parents[i] != "")
        r = self.pearson[i, j]
        with np.errstate(invalid="ignore"):
            high = same & (r > self.collinear)
            low = same & (r < self.negative)
        out = []
        for a, b, hi in zip(
            i[high | low].tolist(), j[high | low].tolist(), high[high | low].tolist(), strict=True
        ):
            out.append(
                {
                    "parent": self.parents[a],
                    "a": self.nodes[a],
                    "b": self.nodes[b],
                    "pearson": float(self.pearson[a, b]),
                    "spearman": float(self.spearman[a, b]),
                    "flag": "collinear" if hi else "negative",
                }
            )
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """One record per indicator, the keys of :data:`STAT_KEYS` (NaN as ``None``)."""

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return [
            {
                "indicator": code,
                "n": int(self.n[k]),
                "missing": int(self.missing[k]),
                "imputed": int(self.imputed[k]),
                "mean": num(self.mean[k]),
                "sd": num(self.sd[k]),
                "min": num(self.min[k]),
                "max": num(self.max[k]),
                "skewness": num(self.skewness[k]),
                "kurtosis": num(self.kurtosis[k]),
                "outliers": bool(self.outliers[k]),
                "effective_weight": float(self.effective_weights[code]),
            }
            for k, code in enumerate(self.leaves)
        ]

    def to_frame(self) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> d = diagnostics(load_index("par-style-demo"), datasets.index_observations())
        >>> frame = d.to_frame()
        >>> frame.shape, list(frame.columns[:3])
        ((30, 12), ['indicator', 'n', 'missing'])
        """
        return _pandas().DataFrame.from_records(self.to_records(), columns=list(STAT_KEYS))

    def table(self, *, digits: int = 2) -> str:
        """Return a plain-text summary: the indicators' statistics, the aggregates, the flags.

        Examples
        --------
        >>> from cchc_indicators.composite import CompositeIndex, Node, Observations
        >>> idx = CompositeIndex("i", children=[Node("a"), Node("b"), Node("c")])
        >>> data = Observations.from_values({"a": [1, 2, 3, 4], "b": [2, 4, 6, 9], "c": [4, 3, 2, 1]}, ["P", "Q", "R", "S"])
        >>> print(diagnostics(idx, data).table())
        indicator  n  missing  imputed  mean    sd   min   max  skewness  kurtosis  outliers  weight
        --------------------------------------------------------------------------------------------
        a          4        0        0  2.50  1.29  1.00  4.00      0.00     -1.20              0.33
        b          4        0        0  5.25  2.99  2.00  9.00      0.42     -0.42              0.33
        c          4        0        0  2.50  1.29  1.00  4.00      0.00     -1.20              0.33
        <BLANKLINE>
        aggregate  children  alpha  PC1 variance
        ----------------------------------------
        i                 3  -3.05          1.00
        <BLANKLINE>
        flag       parent  a  b  pearson  spearman
        ------------------------------------------
        collinear  i       a  b     0.99      1.00
        negative   i       a  c    -1.00     -1.00
        negative   i       b  c    -0.99     -1.00
        i, period —: 4 units
        """
        head = (
            "indicator",
            "n",
            "missing",
            "imputed",
            "mean",
            "sd",
            "min",
            "max",
            "skewness",
            "kurtosis",
            "outliers",
            "weight",
        )
        body = [
            (
                code,
                str(self.n[k]),
                str(self.missing[k]),
                str(self.imputed[k]),
                *(
                    _fmt(float(a[k]), digits)
                    for a in (self.mean, self.sd, self.min, self.max, self.skewness, self.kurtosis)
                ),
                "yes" if self.outliers[k] else "",
                _fmt(self.effective_weights[code], digits),
            )
            for k, code in enumerate(self.leaves)
        ]
        lines = text_table(head, body, set(range(1, 10)) | {11})
        lines.append("")
        agg_body = [
            (
                code,
                str(sum(p == code for p in self.parents)),
                _fmt(float(self.alpha[k]), digits),
                _fmt(float(self.explained[k]), digits),
            )
            for k, code in enumerate(self.aggregates)
        ]
        lines += text_table(("aggregate", "children", "alpha", "PC1 variance"), agg_body, {1, 2, 3})
        flags = self.flags()
        if flags:
            lines.append("")
            flag_body = [
                (
                    f["flag"],
                    f["parent"],
                    f["a"],
                    f["b"],
                    _fmt(f["pearson"], digits),
                    _fmt(f["spearman"], digits),
                )
                for f in flags
            ]
            lines += text_table(
                ("flag", "parent", "a", "b", "pearson", "spearman"), flag_body, {4, 5}
            )
        lines.append(f"{self.index}, period {self.period or '—'}: {len(self.units)} units")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: the indicators' statistics, the aggregates and the flags."""
        return _html(self)

    def plot(self, *, method: str = "pearson", level: int | None = None, **options: Any) -> Any:
        """Draw the correlation heat-map of each level with matplotlib (needs the ``plot`` extra).

        Parameters
        ----------
        method
            ``"pearson"`` or ``"spearman"``.
        level
            One level (default: every level below the index, one panel each).
        **options
            ``annotate`` (write the values in the cells; default: when a
            level has at most 12 nodes) and ``lang`` (the titles' language).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from cchc_indicators import datasets
        >>> from cchc_indicators.composite import load_index
        >>> d = diagnostics(load_index("par-style-demo"), datasets.index_observations())
        >>> len(d.plot().axes) >= 3  # a panel per level, and colour bars
        True
        """
        from cchc_indicators.report import plot as plots

        return plots.correlation_heatmap(self, method=method, level=level, **options)


def _html(d: Diagnostics, lang: str | None = None) -> str:
    """The notebook display: what was analysed, the indicators' statistics, the flags."""
    from cchc_indicators.core import _repr_html as rh
    from cchc_indicators.core.i18n import default_language, gettext, number

    lang = lang or default_language()

    def num(x: float, digits: int = 2) -> str:
        return number(None if math.isnan(x) else float(x), lang, digits)

    head = [
        gettext("Indicator", lang),
        gettext("Values", lang),
        gettext("Missing", lang),
        gettext("Imputed", lang),
        gettext("Mean", lang),
        gettext("Standard deviation", lang),
        gettext("Skewness", lang),
        gettext("Kurtosis", lang),
        gettext("Outliers", lang),
        gettext("Effective weight", lang),
    ]
    body = [
        [
            code,
            number(int(d.n[k]), lang, 0),
            number(int(d.missing[k]), lang, 0),
            number(int(d.imputed[k]), lang, 0),
            num(float(d.mean[k])),
            num(float(d.sd[k])),
            num(float(d.skewness[k])),
            num(float(d.kurtosis[k])),
            gettext("yes", lang) if d.outliers[k] else "",
            num(d.effective_weights[code], 3),
        ]
        for k, code in enumerate(d.leaves)
    ]
    tables = [rh.table(head, body, numeric=set(range(1, 8)) | {9})]
    agg_head = [
        gettext("Aggregate", lang),
        gettext("Cronbach's alpha", lang),
        gettext("Variance explained by the first component", lang),
    ]
    agg_body = [
        [code, num(float(d.alpha[k])), num(float(d.explained[k]))]
        for k, code in enumerate(d.aggregates)
    ]
    tables.append(rh.table(agg_head, agg_body, numeric={1, 2}))
    flags = d.flags()
    if flags:
        kinds = {
            "collinear": gettext("collinear", lang),
            "negative": gettext("negative correlation", lang),
        }
        flag_head = [
            gettext("Flag", lang),
            gettext("Aggregate", lang),
            gettext("Indicator", lang),
            gettext("Indicator", lang),
            "Pearson",
            "Spearman",
        ]
        flag_body = [
            [kinds[f["flag"]], f["parent"], f["a"], f["b"], num(f["pearson"]), num(f["spearman"])]
            for f in flags
        ]
        tables.append(rh.table(flag_head, flag_body, numeric={4, 5}))
    facts = [
        (gettext("Index", lang), d.index),
        (gettext("Period", lang), d.period or "—"),
        (gettext("Units", lang), number(len(d.units), lang, 0)),
    ]
    title = gettext("Statistics of index {index}", lang).format(index=d.index)
    return rh.block("diagnostics", title, lang=lang, facts=facts, note=d.note, body=tables)


def diagnostics(
    index: CompositeIndex | IndexResult,
    data: Observations | None = None,
    *,
    collinear: float = COLLINEAR,
    negative: float = NEGATIVE,
    **options: Any,
) -> Diagnostics:
    """Compute the statistics of an index on some data, or of a result already computed.

    Parameters
    ----------
    index
        A definition (then ``data`` is needed, and the index is computed
        with :func:`~cchc_indicators.composite.compute_index` and
        ``options``), or an :class:`~cchc_indicators.composite.IndexResult`.
    data
        The observations (with a definition only).
    collinear, negative
        The thresholds of :meth:`Diagnostics.flags`: siblings correlating
        above ``collinear`` (default 0.9) or below ``negative`` (default 0).
    **options
        Passed on to :func:`~cchc_indicators.composite.compute_index`
        (``period``, ``weights``, ``imputation``, ...).

    Returns
    -------
    Diagnostics

    Raises
    ------
    TypeError
        When ``index`` is neither a definition nor a result, or ``data`` is
        not :class:`~cchc_indicators.composite.Observations`.
    DefinitionError
        When ``data`` is missing for a definition, or given with a result.
    InvalidDataError
        With fewer than 4 units (no kurtosis), and as :func:`~cchc_indicators.composite.compute_index` does.

    Examples
    --------
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import load_index
    >>> d = diagnostics(load_index("par-style-demo"), datasets.index_observations())
    >>> len(d.units), len(d.leaves), d.aggregates[:2]
    (63, 30, ('par-style-demo', 'directing_managing_par'))
    >>> round(sum(d.effective_weights.values()), 12)
    1.0
    """
    if isinstance(index, IndexResult):
        if data is not None or options:
            msg = "diagnostics: a result is already computed; pass no data or options with it"
            raise DefinitionError(msg, parameter="data")
        result = index
    else:
        check_type(index, CompositeIndex, func="diagnostics", parameter="index")
        if data is None:
            msg = "diagnostics: data are needed to compute the index; pass data=Observations(...)"
            raise DefinitionError(msg, parameter="data")
        check_type(data, Observations, func="diagnostics", parameter="data")
        result = compute_index(index, data, **options)
    for name, value in (("collinear", collinear), ("negative", negative)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -1 <= float(value) <= 1
        ):
            msg = f"diagnostics: {name} must be a correlation from -1 to 1, got {value!r}"
            raise DefinitionError(msg, parameter=name)
    if len(result.units) < _MIN_UNITS:
        msg = f"diagnostics needs at least {_MIN_UNITS} units: got {len(result.units)}"
        raise InvalidDataError([Problem(msg, kind="too_few_units")], source="<index>")
    return _compute(result, float(collinear), float(negative))


def _compute(result: IndexResult, collinear: float, negative: float) -> Diagnostics:
    observed = np.where(result.imputed, np.nan, result.raw)
    n, m2, _, _ = _moments(observed)
    present = ~np.isnan(observed)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, observed, 0.0).sum(axis=-1) / n
        sd = np.where(n >= 2, np.sqrt(m2 * n / (n - 1)), np.nan)
    lo = np.where(present, observed, np.inf).min(axis=-1, initial=np.inf)
    hi = np.where(present, observed, -np.inf).max(axis=-1, initial=-np.inf)
    skew, kurt = skewness(observed), kurtosis(observed)
    with np.errstate(invalid="ignore"):
        outliers = (np.abs(skew) >= SKEW_LIMIT) & (kurt >= KURTOSIS_LIMIT)
    scores = result.scores
    aggregates = tuple(c for c in result.nodes if c in set(result.parents))
    parents = np.array([p or "" for p in result.parents])
    alpha = []
    explained = []
    loadings: dict[str, Mapping[str, float]] = {}
    for code in aggregates:  # a loop over aggregates, each on whole arrays of units
        rows = np.flatnonzero(parents == code)
        kids = scores[rows]
        alpha.append(cronbach_alpha(kids))
        share, vector = _first_component(kids)
        explained.append(share)
        loadings[code] = MappingProxyType(
            {result.nodes[r]: float(v) for r, v in zip(rows.tolist(), vector.tolist(), strict=True)}
        )
    weights = result.effective_weights
    return Diagnostics(
        index=result.index,
        period=result.period,
        units=result.units,
        nodes=result.nodes,
        parents=result.parents,
        levels=result.levels,
        leaves=result.leaves,
        n=n.astype(np.int64),
        missing=(len(result.units) - n).astype(np.int64),
        imputed=result.imputed.sum(axis=-1).astype(np.int64),
        mean=np.where(n > 0, mean, np.nan),
        sd=sd,
        min=np.where(n > 0, lo, np.nan),
        max=np.where(n > 0, hi, np.nan),
        skewness=skew,
        kurtosis=kurt,
        outliers=outliers,
        pearson=_pairwise(scores, spearman=False),
        spearman=_pairwise(scores, spearman=True),
        aggregates=aggregates,
        alpha=np.array(alpha, dtype=np.float64),
        explained=np.array(explained, dtype=np.float64),
        loadings=MappingProxyType(loadings),
        effective_weights=MappingProxyType({c: weights[c] for c in result.leaves}),
        collinear=collinear,
        negative=negative,
        note=result.note,
    )
