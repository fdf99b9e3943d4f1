"""The notebook displays (``_repr_html_``) of the composite results, and the pieces the HTML report shares.

:class:`~cchc_indicators.composite.IndexResult`,
:class:`~cchc_indicators.composite.uncertainty.Uncertainty`,
:class:`~cchc_indicators.composite.uncertainty.Sensitivity` and
:class:`~cchc_indicators.composite.points.PointsResult` show a compact,
escaped summary in ``cchc_indicators.core.i18n.default_language()``.
:func:`method_facts`, :func:`structure_text`, :func:`ranking_order` and
:func:`interval_rows` also serve :mod:`cchc_indicators.report.index_html`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core import _repr_html as rh
from cchc_indicators.core.i18n import N_, default_language, gettext, ngettext, number

if TYPE_CHECKING:
    from cchc_indicators.composite._definition import Method
    from cchc_indicators.composite._points_eval import PointsResult
    from cchc_indicators.composite._result import IndexResult
    from cchc_indicators.composite._uncertainty_result import Sensitivity, Uncertainty

__all__ = [
    "factor_label",
    "index_html",
    "index_title",
    "interval_head",
    "interval_rows",
    "method_facts",
    "points_html",
    "ranking_order",
    "score",
    "sensitivity_html",
    "structure_text",
    "uncertainty_html",
    "varied_text",
]

_FACTORS = {
    "weights": N_("weights"),
    "normalisation": N_("normalisation"),
    "aggregation": N_("aggregation"),
    "imputation": N_("imputation"),
}
_SHIFT = N_("mean absolute rank shift from the nominal ranks")


def factor_label(factor: str, lang: str) -> str:
    """An uncertain choice (``weights``, ``normalisation``, …) in words.

    Examples
    --------
    >>> factor_label("weights", "vi"), factor_label("other", "vi")
    ('trọng số', 'other')
    """
    known = _FACTORS.get(factor)
    return factor if known is None else gettext(known, lang)


def score(x: float, lang: str, digits: int = 1) -> str:
    """A score in ``lang`` (a dash when missing)."""
    return number(None if math.isnan(x) else float(x), lang, digits)


def _method(m: Method) -> str:
    opts = ", ".join(f"{k}={v}" for k, v in m.options)
    return f"{m.name}({opts})" if opts else m.name


def index_title(result: IndexResult) -> str:
    """The index's name and code (``Name (code)``), or its code."""
    name = result.names.get(result.index, "")
    return f"{name} ({result.index})" if name else result.index


def method_facts(result: IndexResult, lang: str) -> list[tuple[str, str]]:
    """How the scores were made: normalisation, aggregation, imputation, weights (label, text).

    Examples
    --------
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import compute_index, load_index
    >>> r = compute_index(load_index("par-style-demo"), datasets.index_observations())
    >>> method_facts(r, "vi")[0], method_facts(r, "vi")[3]
    (('Chuẩn hoá', 'minmax(high=100, low=0)'), ('Trọng số', 'trọng số riêng của các nút'))
    """
    if result.weight_set is None:
        weights = gettext("the nodes' own weights", lang)
    elif result.weight_set == "custom":
        weights = gettext("custom weights", lang)
    elif result.weight_set == "pca":
        weights = gettext("principal components (pca)", lang)
    else:
        weights = gettext("weight set {name}", lang).format(name=result.weight_set)
    return [
        (gettext("Normalisation", lang), _method(result.normalisation)),
        (gettext("Aggregation", lang), " / ".join(_method(m) for m in result.aggregation)),
        (gettext("Imputation", lang), _method(result.imputation)),
        (gettext("Weights", lang), weights),
    ]


def structure_text(result: IndexResult, lang: str) -> str:
    """The tree in words: ``8 nodes at level 1, 24 at level 2; 30 indicators``.

    Examples
    --------
    >>> from cchc_indicators import datasets
    >>> from cchc_indicators.composite import compute_index, load_index
    >>> r = compute_index(load_index("par-style-demo"), datasets.index_observations())
    >>> structure_text(r, "en")
    'level 1: 8 nodes; level 2: 15 nodes; level 3: 30 nodes; 30 indicators'
    """
    levels = np.bincount(np.asarray(result.levels, dtype=np.int64))
    parts = [
        gettext("level {level}: {nodes}", lang).format(
            level=level,
            nodes=ngettext("{n} node", "{n} nodes", int(k), lang).format(n=number(int(k), lang, 0)),
        )
        for level, k in enumerate(levels.tolist())
        if level > 0
    ]
    n = len(result.leaves)
    parts.append(ngettext("{n} indicator", "{n} indicators", n, lang).format(n=number(n, lang, 0)))
    return "; ".join(parts)


def ranking_order(ranks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Positions of the units, best rank first, units without a rank last (ties by position)."""
    out: NDArray[np.int64] = np.lexsort(
        (np.arange(len(ranks)), np.where(ranks == 0, 1 << 30, ranks))
    )
    return out


def _units_footer(shown: int, total: int, lang: str) -> list[str]:
    return [rh.more_rows(shown, total, lang, ".to_frame() / .table()")]


def index_html(result: IndexResult, lang: str | None = None) -> str:
    """The display of an index result: what was scored and how, then the ranking with the top-level scores."""
    lang = lang or default_language()
    i = result._row(None)
    kids = [c for c, p in zip(result.nodes, result.parents, strict=True) if p == result.index]
    shown_kids = kids[: rh.MAX_COLUMNS]
    rows = [result.nodes.index(c) for c in shown_kids]
    order = ranking_order(result.ranks[i])[: rh.MAX_ROWS].tolist()
    body = [
        [
            number(int(result.ranks[i, j]) or None, lang, 0),
            result.units[j],
            score(float(result.scores[i, j]), lang),
            *(score(float(result.scores[k, j]), lang) for k in rows),
        ]
        for j in order
    ]
    head = [gettext("Rank", lang), gettext("Unit", lang), gettext("Score", lang), *shown_kids]
    table = rh.table(head, body, numeric={0, *range(2, len(head))})
    facts = [
        (gettext("Index", lang), index_title(result)),
        (gettext("Period", lang), result.period or "—"),
        (gettext("Units", lang), number(len(result.units), lang, 0)),
        (gettext("Structure", lang), structure_text(result, lang)),
        *method_facts(result, lang),
    ]
    footer = _units_footer(len(order), len(result.units), lang)
    title = gettext("Composite index {index}", lang).format(index=result.index)
    return rh.block(
        "index", title, lang=lang, facts=facts, note=result.note, body=[table], footer=footer
    )


def interval_rows(u: Uncertainty, lang: str, node: str | None = None) -> list[dict[str, Any]]:
    """The records of ``node`` (default: the index), best nominal rank first, with their cells in ``lang``.

    Each record of :meth:`Uncertainty.to_records` gets ``cells``: rank, unit,
    score, score 5–95 %, median rank, rank 5–95 % and, with a rank target, the
    probability of reaching it.
    """
    rows = u.to_records(u.nodes[u._row(node)])
    rows.sort(key=lambda r: (r["rank"] or 1 << 30, r["unit"]))
    target = f"p_top_{u.rank_target}" if u.rank_target is not None else None
    for r in rows:
        r["cells"] = [
            number(r["rank"], lang, 0),
            r["unit"],
            number(r["score"], lang),
            f"{number(r['score_p05'], lang)}–{number(r['score_p95'], lang)}",
            number(r["rank_median"], lang, 0),
            f"{number(r['rank_p05'], lang, 0)}–{number(r['rank_p95'], lang, 0)}",
            *((number(r[target], lang, 2),) if target else ()),
        ]
    return rows


def interval_head(u: Uncertainty, lang: str) -> list[str]:
    """The column heads of :func:`interval_rows`' cells."""
    return [
        gettext("Rank", lang),
        gettext("Unit", lang),
        gettext("Score", lang),
        gettext("Score 5–95 %", lang),
        gettext("Median rank", lang),
        gettext("Rank 5–95 %", lang),
        *(
            (gettext("P(top {k})", lang).format(k=u.rank_target),)
            if u.rank_target is not None
            else ()
        ),
    ]


def _setting(text: str, lang: str) -> str:
    """A setting's words in ``lang`` (``noise ±0.5 at levels [2]``); methods' names as written."""
    if text == "none":
        return gettext("none", lang)
    if text.startswith("noise "):
        text = gettext("noise", lang) + text[len("noise") :]
    text = text.replace(" at levels ", " " + gettext("at levels", lang) + " ")
    # the numbers with the language's decimal separator (±0,5)
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text) if lang == "vi" else text


def varied_text(settings: Any, lang: str) -> str:
    """What varied, in words: each choice and its setting, numbers and methods' names as written.

    Examples
    --------
    >>> varied_text({"weights": "noise ±0.5 at levels [1]", "aggregation": "arithmetic | median"}, "vi")
    'trọng số nhiễu ±0,5 ở các cấp [1]; phương pháp tổng hợp arithmetic | median'
    """
    return "; ".join(f"{factor_label(k, lang)} {_setting(v, lang)}" for k, v in settings.items())


def uncertainty_html(u: Uncertainty, lang: str | None = None) -> str:
    """The display of an uncertainty analysis: replications and what varied, then the intervals."""
    lang = lang or default_language()
    rows = interval_rows(u, lang)
    shown = rows[: rh.MAX_ROWS]
    head = interval_head(u, lang)
    table = rh.table(head, [r["cells"] for r in shown], numeric={0, *range(2, len(head))})
    facts = [
        (gettext("Index", lang), u.nodes[0]),
        (gettext("Units", lang), number(len(u.units), lang, 0)),
        (gettext("Replications", lang), number(u.n, lang, 0)),
        (gettext("Seed", lang), "—" if u.seed is None else str(u.seed)),
        (gettext("Varied", lang), varied_text(u.settings, lang) or "—"),
    ]
    footer = _units_footer(len(shown), len(rows), lang)
    title = gettext("Uncertainty of the ranks of {index}", lang).format(index=u.nodes[0])
    return rh.block(
        "uncertainty", title, lang=lang, facts=facts, note=u.note, body=[table], footer=footer
    )


def sensitivity_html(s: Sensitivity, lang: str | None = None) -> str:
    """The display of a sensitivity analysis: one row per uncertain choice."""
    lang = lang or default_language()

    def num(x: float | None) -> str:
        return number(x, lang, 3)

    body = [
        [
            factor_label(r["factor"], lang),
            num(r["first_order"]),
            f"{num(r['first_order_low'])}–{num(r['first_order_high'])}",
            num(r["total"]),
            f"{num(r['total_low'])}–{num(r['total_high'])}",
        ]
        for r in s.to_records()
    ]
    interval = gettext("90 % interval", lang)
    head = [
        gettext("Choice", lang),
        gettext("First order", lang),
        interval,
        gettext("Total", lang),
        interval,
    ]
    table = rh.table(head, body, numeric=range(1, 5))
    output = gettext(_SHIFT, lang) if s.output == _SHIFT else s.output
    facts = [
        (gettext("Node", lang), s.node),
        (gettext("Output", lang), output),
        (
            gettext("Runs", lang),
            gettext("{runs} (n = {n})", lang).format(
                runs=number(s.runs, lang, 0), n=number(s.n, lang, 0)
            ),
        ),
        (gettext("Seed", lang), "—" if s.seed is None else str(s.seed)),
    ]
    footer = [gettext("As data: .to_frame()", lang)]
    if s.variance == 0:
        footer.insert(0, gettext("The ranks never moved: the indices have no value.", lang))
    title = gettext("Sensitivity of the ranks at {node}", lang).format(node=s.node)
    return rh.block(
        "sensitivity", title, lang=lang, facts=facts, note=s.note, body=[table], footer=footer
    )


def points_html(p: PointsResult, lang: str | None = None) -> str:
    """The display of a points evaluation: rank, unit, index, points of the applicable maximum, grade."""
    lang = lang or default_language()
    order = ranking_order(p.rank)[: rh.MAX_ROWS].tolist()
    body = [
        [
            number(int(p.rank[j]) or None, lang, 0),
            p.units[j],
            score(float(p.index[j]), lang),
            f"{score(float(p.total[j]), lang, 2)} / {score(float(p.applicable_maximum[j]), lang, 2)}",
            p.grade[j] or "—",
        ]
        for j in order
    ]
    head = [
        gettext("Rank", lang),
        gettext("Unit", lang),
        gettext("Index", lang),
        gettext("Points / applicable maximum", lang),
        gettext("Grade", lang),
    ]
    table = rh.table(head, body, numeric={0, 2, 3})
    facts = [
        (gettext("Structure", lang), p.structure),
        (gettext("Units", lang), number(len(p.units), lang, 0)),
        (gettext("Components", lang), number(len(p.nodes), lang, 0)),
        (gettext("Missing values (scored 0)", lang), number(len(p.missing), lang, 0)),
        (gettext("Not applicable", lang), number(len(p.not_applicable), lang, 0)),
    ]
    footer = [rh.more_rows(len(order), len(p.units), lang, ".to_records() / .node_records()")]
    title = gettext("Points on {structure}", lang).format(structure=p.structure)
    return rh.block("points", title, lang=lang, facts=facts, body=[table], footer=footer)
