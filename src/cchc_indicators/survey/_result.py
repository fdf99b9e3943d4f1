"""The result of :func:`cchc_indicators.survey.satisfaction` (re-exported and documented there).

The helpers at the end serve :func:`~cchc_indicators.survey.with_confidence`, which
judges the rows of an evaluation with a result's intervals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._repr import counted
from cchc_indicators.core.errors import DefinitionError, Problem
from cchc_indicators.core.indicators import Indicator
from cchc_indicators.core.scopes import Scope
from cchc_indicators.data.panel import Panel, _pandas
from cchc_indicators.survey import _stats as st
from cchc_indicators.survey._data import Scale
from cchc_indicators.units.hierarchy import Hierarchy

__all__ = ["RECORD_KEYS", "SurveyResult"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: The keys of each :meth:`SurveyResult.to_records` row, in order.
RECORD_KEYS = (
    "unit",
    "unit_name",
    "level",
    "scope",
    "kind",
    "question",
    "element",
    "n",
    "n_eff",
    "numerator",
    "denominator",
    "share",
    "lower",
    "upper",
    "confidence",
    "method",
    "mean",
)


# ---------------------------------------------------------------------- results


@attrs.frozen(eq=False)
class SurveyResult:
    """Satisfaction shares, intervals and effective sample sizes per unit and item.

    Items are the questions (sorted), then the elements and ``"overall"``
    when elements were given. Arrays have one row per unit of the hierarchy
    (in :attr:`Hierarchy.codes <cchc_indicators.Hierarchy.codes>` order) and
    one column per item; a unit without respondents in scope has ``n`` 0 and
    NaN elsewhere. Build one with :func:`satisfaction`.

    .. versionadded:: 0.1.0

    Attributes
    ----------
    hierarchy : Hierarchy
        The units.
    scope : Scope
        Whose respondents each unit's values pool.
    items : tuple of str
        Question codes, element names and ``"overall"``.
    kinds : tuple of str
        Per item: ``"question"``, ``"element"`` or ``"overall"``.
    methods : tuple of str
        Per item: the interval method (one of :data:`INTERVAL_METHODS`).
    scale : Scale
        The answers' scale.
    satisfied : tuple of int
        The answers counted as satisfied.
    weighted : bool
        Whether design weights were used.
    confidence : float
        The confidence level of the intervals.
    n : numpy.ndarray
        Respondents answering (for the overall index: answering any element).
    n_eff : numpy.ndarray
        Effective sample size behind each interval.
    numerator, denominator : numpy.ndarray
        Weighted satisfied answers and weighted answers (NaN for overall).
    share, lower, upper : numpy.ndarray
        The share satisfied and its interval, in percent.
    mean : numpy.ndarray
        The (weighted) mean answer, for questions (NaN for other items).
    replicates : numpy.ndarray or None
        Bootstrap shares (units x items x replications), or ``None``.
    seed : int or None
        The bootstrap seed, if any.
    note : str
        A note from the data (such as a synthetic-data warning).

    Examples
    --------
    >>> from cchc_indicators.survey import satisfaction, synthetic_survey
    >>> responses, elements = synthetic_survey(respondents=400, questions=4, elements=2, seed=1)
    >>> satisfaction(responses, (4, 5), scope="own")
    SurveyResult(scope own, 4 items, weighted, confidence 0.95, analytic)
    """

    hierarchy: Hierarchy = attrs.field(repr=False)
    scope: Scope
    items: tuple[str, ...]
    kinds: tuple[str, ...] = attrs.field(repr=False)
    methods: tuple[str, ...] = attrs.field(repr=False)
    scale: Scale = attrs.field(repr=False)
    satisfied: tuple[int, ...] = attrs.field(repr=False)
    weighted: bool
    confidence: float
    n: IntArray = attrs.field(repr=False)
    n_eff: FloatArray = attrs.field(repr=False)
    numerator: FloatArray = attrs.field(repr=False)
    denominator: FloatArray = attrs.field(repr=False)
    share: FloatArray = attrs.field(repr=False)
    lower: FloatArray = attrs.field(repr=False)
    upper: FloatArray = attrs.field(repr=False)
    mean: FloatArray = attrs.field(repr=False)
    replicates: FloatArray | None = attrs.field(default=None, repr=False)
    seed: int | None = attrs.field(default=None, repr=False)
    note: str = attrs.field(default="", repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("n", "n_eff", "numerator", "denominator", "share", "lower", "upper", "mean"):
            getattr(self, name).flags.writeable = False

    def __repr__(self) -> str:
        return (
            f"SurveyResult(scope {self.scope}, {counted(len(self.items), 'item')}, "
            f"{'weighted' if self.weighted else 'unweighted'}, confidence {self.confidence:g}, "
            f"{self.interval})"
        )

    @property
    def interval(self) -> str:
        """``"bootstrap"`` or ``"analytic"``: how the intervals were computed.

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, _ = synthetic_survey(respondents=100, questions=2, elements=1, seed=3)
        >>> satisfaction(responses, "4,5").interval
        'analytic'
        """
        return "bootstrap" if self.replicates is not None else "analytic"

    def _cell(self, unit: str, item: str) -> tuple[int, int]:
        if item not in self.items:
            msg = f"{item!r} is not an item of this result; the items are {', '.join(self.items)}"
            raise DefinitionError(msg)
        return self.hierarchy.position(unit), self.items.index(item)

    def get(self, unit: str, item: str) -> float:
        """Return the share satisfied (percent) of ``item`` for ``unit`` (NaN without respondents).

        Raises
        ------
        UnknownUnitError
            If ``unit`` is not in the hierarchy.
        DefinitionError
            If ``item`` is not a question, element or ``"overall"`` of the result.

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, elements = synthetic_survey(respondents=300, questions=4, elements=2, seed=3)
        >>> res = satisfaction(responses, "4,5", elements=elements)
        >>> 0 <= res.get("26", "overall") <= 100
        True
        """
        i, k = self._cell(unit, item)
        return float(self.share[i, k])

    def row(self, unit: str, item: str) -> dict[str, Any]:
        """Return the record of one unit and item (see :meth:`to_records`).

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, elements = synthetic_survey(respondents=300, questions=4, elements=2, seed=3)
        >>> res = satisfaction(responses, "4,5", elements=elements)
        >>> sorted(res.row("26", "q01"))[:4]
        ['confidence', 'denominator', 'element', 'kind']
        """
        i, k = self._cell(unit, item)
        return self._record(i, k)

    def _record(self, i: int, k: int) -> dict[str, Any]:
        h = self.hierarchy
        kind = self.kinds[k]

        def num(a: NDArray[Any]) -> float | None:
            x = float(a[i, k])
            return None if math.isnan(x) else x

        return {
            "unit": h.codes[i],
            "unit_name": h.names[i],
            "level": h.levels[int(h.level_of[i])],
            "scope": str(self.scope),
            "kind": kind,
            "question": self.items[k] if kind == "question" else None,
            "element": self.items[k] if kind != "question" else None,
            "n": int(self.n[i, k]),
            "n_eff": num(self.n_eff),
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "share": num(self.share),
            "lower": num(self.lower),
            "upper": num(self.upper),
            "confidence": self.confidence,
            "method": self.methods[k],
            "mean": num(self.mean),
        }

    def to_records(self, level: str | None = None) -> list[dict[str, Any]]:
        """Return one dict per unit and item with respondents (keys :data:`~cchc_indicators.survey.RECORD_KEYS`).

        ``question`` is set on question rows, ``element`` on element rows and
        (``"overall"``) on the overall row; ``n`` counts respondents,
        ``n_eff`` is the effective sample size behind the interval, ``share``,
        ``lower`` and ``upper`` are percents, ``method`` names the interval.

        Parameters
        ----------
        level
            Only the units of this level; ``None`` (default) for every unit.

        Returns
        -------
        list of dict
            By unit (hierarchy order), then item.

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, elements = synthetic_survey(respondents=300, questions=4, elements=2, seed=3)
        >>> res = satisfaction(responses, "4,5", elements=elements)
        >>> [(r["kind"], r["question"] or r["element"], r["method"]) for r in res.to_records("province")]
        [('question', 'q01', 'wilson_kish'), ('question', 'q02', 'wilson_kish'),
         ('question', 'q03', 'wilson_kish'), ('question', 'q04', 'wilson_kish'),
         ('element', 'access', 'wilson_design'), ('element', 'procedures', 'wilson_design'),
         ('overall', 'overall', 'wilson_design')]
        """
        h = self.hierarchy
        if level is None:
            units = np.arange(len(h))
        else:
            s = h.level_slice(level)
            units = np.arange(s.start, s.stop)
        ii, kk = np.nonzero(self.n[units] > 0)
        return [
            self._record(int(units[i]), int(k))
            for i, k in zip(ii.tolist(), kk.tolist(), strict=True)
        ]

    def to_frame(self, level: str | None = None) -> Any:
        """Return :meth:`to_records` as a pandas DataFrame (needs the ``pandas`` extra).

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, _ = synthetic_survey(respondents=300, questions=2, elements=1, seed=3)
        >>> satisfaction(responses, "4,5").to_frame("province").shape
        (2, 17)
        """
        return _pandas().DataFrame.from_records(self.to_records(level), columns=list(RECORD_KEYS))

    def table(self, level: str | None = None, *, digits: int = 1) -> str:
        """Return a plain-text table: one line per unit and item, with n, share and interval.

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, _ = synthetic_survey(respondents=300, questions=2, elements=1, seed=3)
        >>> print(satisfaction(responses, "4,5").table("province"))
        unit                 item    n  share  lower  upper  method
        ----------------------------------------------------------------
        Tỉnh Vĩnh Phúc (26)  q01   300   87.2   82.7   90.7  wilson_kish
        Tỉnh Vĩnh Phúc (26)  q02   300   86.5   81.8   90.0  wilson_kish
        SYNTHETIC DATA: made up for demonstration, not official figures
        """
        h = self.hierarchy
        head = ("unit", "item", "n", "share", "lower", "upper", "method")
        body = []
        for r in self.to_records(level):
            indent = "  " * h.level_number(r["level"]) if level is None else ""
            body.append(
                (
                    f"{indent}{r['unit_name']} ({r['unit']})",
                    r["question"] or r["element"],
                    str(r["n"]),
                    *(
                        "—" if r[k] is None else f"{r[k]:.{digits}f}"
                        for k in ("share", "lower", "upper")
                    ),
                    r["method"],
                )
            )
        widths = [max(len(x[c]) for x in [head, *body]) for c in range(len(head))]
        right = {2, 3, 4, 5}

        def line(cells: Sequence[str]) -> str:
            return "  ".join(
                c.rjust(w) if j in right else c.ljust(w)
                for j, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        lines = [line(head), "-" * (sum(widths) + 2 * (len(widths) - 1))]
        lines.extend(line(b) for b in body)
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A notebook's summary: scope, answers counted, intervals, the upper levels' shares."""
        from cchc_indicators.survey._result_html import survey_html

        return survey_html(self)

    def at_confidence(self, confidence: float) -> SurveyResult:
        """Return the same result with intervals at another confidence level.

        Analytic intervals are recomputed from the shares and effective
        sample sizes; bootstrap intervals from the stored replications.

        Examples
        --------
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, _ = synthetic_survey(respondents=300, questions=2, elements=1, seed=3)
        >>> res = satisfaction(responses, "4,5")
        >>> i = res.hierarchy.position("26")
        >>> wide = res.at_confidence(0.99)
        >>> bool(wide.lower[i, 0] < res.lower[i, 0] and wide.upper[i, 0] > res.upper[i, 0])
        True
        """
        conf = st.check_confidence(confidence)
        if self.replicates is not None:
            lower, upper = st.percentile_bounds(self.replicates, conf)
        else:
            lower, upper = st.wilson(self.share / 100.0, self.n_eff, st.z_value(conf))
            lower, upper = lower * 100.0, upper * 100.0
        return attrs.evolve(self, confidence=conf, lower=lower, upper=upper)

    def to_panel(
        self,
        period: object,
        *,
        codes: Mapping[str, str] | None = None,
        indicators: Iterable[Indicator] | Mapping[str, Indicator] | None = None,
    ) -> Panel:
        """Return the shares as observations in a :class:`~cchc_indicators.data.panel.Panel`.

        Question and element shares become ratio observations (numerator:
        weighted satisfied answers; denominator: weighted answers), so the
        roll-up engine pools them exactly as :func:`satisfaction` pools
        respondents. The overall index, a mean of shares, becomes a bare
        value: it can be evaluated on scope ``own`` but not pooled. Every unit
        with respondents in this result's scope gives one observation: take a
        result of scope ``own`` to roll the panel up, or of the scope a target
        is judged on to evaluate it directly.

        Parameters
        ----------
        period
            The period of the observations (``2024``, ``"2024-Q2"``, ...).
        codes
            Which items to include, and the indicator code of each (item ->
            code); ``None`` (default) includes every item under its own name.
        indicators
            Definitions passed on to the panel.

        Raises
        ------
        DefinitionError
            If ``codes`` names an item the result does not have.

        Examples
        --------
        >>> from cchc_indicators import Indicator, rollup
        >>> from cchc_indicators.survey import satisfaction, synthetic_survey
        >>> responses, elements = synthetic_survey(respondents=500, questions=4, elements=2, seed=5)
        >>> own = satisfaction(responses, "4,5", elements=elements, scope="own")
        >>> sat = Indicator("sat_access", "Hài lòng về tiếp cận dịch vụ")
        >>> panel = own.to_panel(2024, codes={"access": "sat_access"}, indicators=[sat])
        >>> pooled = rollup(panel, "sat_access", scope="territory").get("26", 2024)
        >>> direct = satisfaction(responses, "4,5", elements=elements).get("26", "access")
        >>> bool(np.isclose(pooled, direct))
        True
        """
        chosen = dict(codes) if codes is not None else {item: item for item in self.items}
        unknown = [k for k in chosen if k not in self.items]
        if unknown:
            msg = f"{', '.join(map(repr, unknown))} not an item of this result; the items are {', '.join(self.items)}"
            raise DefinitionError(msg)
        cols = [self.items.index(k) for k in chosen]
        ks = np.array(cols, dtype=np.int64)
        ii, jj = np.nonzero(self.n[:, ks].T > 0)  # item-major, units in hierarchy order
        k_of = ks[ii]
        is_overall = np.array([self.kinds[k] == "overall" for k in k_of.tolist()], dtype=bool)
        code_of = np.array(list(chosen.values()), dtype=object)[ii]
        panel = Panel.from_columns(
            self.hierarchy,
            indicator=np.asarray(code_of, dtype=str),
            unit=np.asarray(self.hierarchy.codes, dtype=str)[jj] if len(jj) else np.array([], str),
            period=[period] * len(jj),
            value=np.where(is_overall, self.share[jj, k_of], np.nan),
            numerator=np.where(is_overall, np.nan, self.numerator[jj, k_of]),
            denominator=np.where(is_overall, np.nan, self.denominator[jj, k_of]),
            indicators=indicators,
            source=f"<survey, scope {self.scope}>",
        )
        return attrs.evolve(panel, note=self.note) if self.note else panel


# ---------------------------------------------------------------------- targets with confidence


def comparator(target_text: object) -> bool | None:
    """True for a minimum (>=, >), False for a maximum (<=, <), None where no interval applies."""
    if not isinstance(target_text, str):
        return None
    text = target_text.strip()
    if " vs " in text or text.startswith("rank") or " % of " in text:
        return None  # relative, rank and share-of-units targets judge other quantities
    if text.startswith((">=", ">")):
        return True
    if text.startswith(("<=", "<")):
        return False
    return None


def mismatch(
    number: int, code: object, unit: object, value: object, share: float | None
) -> Problem:
    got = "no respondents" if share is None or math.isnan(share) else f"the share {share:g}"
    return Problem(
        f"indicator {code!r}, unit {unit!r}: the evaluated value {value!r} is not the survey's "
        f"({got}); evaluate the panel made by SurveyResult.to_panel",
        row=number,
        field="value",
        kind="value_mismatch",
    )


def insert_after(row: Mapping[str, Any], key: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        out[k] = v
        if k == key:
            out.update(extra)
    if key not in row:
        out.update(extra)
    return out
