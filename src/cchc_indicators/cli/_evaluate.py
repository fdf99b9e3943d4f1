"""``cchc evaluate``: a plan on a long observation CSV (and what ``cchc demo`` shares)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from cchc_indicators.cli._common import _read_data, _UsageError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.core.plan import Plan
    from cchc_indicators.evaluation import Evaluation

import argparse
from pathlib import Path


def _plot_format(path: Path | None) -> str | None:
    """Check ``--plot`` before anything is computed or printed; return the image format.

    A name without a suffix is written as PNG under that very name.
    """
    if path is None:
        return None
    try:
        import matplotlib
    except ImportError:
        msg = "--plot needs matplotlib: pip install 'cchc-indicators[plot]'"
        raise _UsageError(msg) from None
    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if path.is_dir():
        msg = f"--plot {path}: is a directory; give the name of an image file, such as status.png"
        raise _UsageError(msg)
    if not path.parent.is_dir():
        msg = f"--plot {path}: no such folder {str(path.parent)!r}"
        raise _UsageError(msg)
    formats = FigureCanvasAgg.get_supported_filetypes()
    fmt = path.suffix.lstrip(".").lower() or "png"
    if fmt not in formats:
        msg = (
            f"--plot {path}: unknown image format {fmt!r}; use one of {', '.join(sorted(formats))}"
        )
        raise _UsageError(msg)
    return fmt


def _save_plot(result: Evaluation, path: Path | None, fmt: str | None) -> None:
    from cchc_indicators.cli._output import cannot_write

    if path is None:
        return
    fig = result.plot("heatmap")
    try:
        fig.savefig(path, dpi=120, format=fmt)
    except OSError as exc:
        error = cannot_write("--plot", path, exc)
        raise error from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _period_option(text: str | None) -> str | None:
    from cchc_indicators.core._periods import normalise_period

    if text is None:
        return None
    try:
        return normalise_period(text)
    except ValueError as exc:
        msg = f"--period: {exc}"
        raise _UsageError(msg) from None


def _render_by_unit(result: Evaluation, fmt: str, lang: str, codes: bool = False) -> str:
    """``--by-unit``: the units side by side (:mod:`cchc_indicators.report.scorecard`)."""
    import csv
    import io
    import json

    from cchc_indicators.core._csv_numbers import csv_rows
    from cchc_indicators.report.scorecard import by_unit, unit_table

    if fmt == "table":
        return unit_table(result, lang)
    records = by_unit(result, lang)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2)
    buf = io.StringIO()
    fields = list(records[0]) if records else ["unit"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(records, fields))
    return buf.getvalue().rstrip("\r\n")


def _render(result: Evaluation, fmt: str, lang: str, codes: bool = False) -> str:
    if fmt == "table":
        return result.scorecard(lang, codes=codes)
    if fmt == "json":
        return result.to_json(lang)
    if fmt == "csv":
        return result.to_csv(lang).rstrip("\n")
    if fmt == "html":
        return html_page(result, lang).rstrip("\n")
    if fmt == "html-fragment":
        return result.to_html(lang)
    return result.to_markdown(lang).rstrip("\n")


def html_page(result: Evaluation, lang: str) -> str:
    """``--format html``: the rows as a complete HTML5 document (``--format html-fragment``: the table).

    The page is :meth:`Evaluation.to_html <cchc_indicators.evaluation.Evaluation.to_html>`
    (the note and the table) under the plan's title and the period, in the
    document every HTML report shares
    (:func:`cchc_indicators.report._html_doc.document`): ``<!DOCTYPE html>``,
    ``<html lang>``, ``<meta charset="utf-8">``, a ``<title>`` and the
    report's inline stylesheet, status colours included.

    Examples
    --------
    >>> from cchc_indicators import catalog, datasets, evaluate
    >>> ev = evaluate(catalog.load("vinh-phuc-2021-2025"), datasets.demo_panel())
    >>> page = html_page(ev, "en")
    >>> page.splitlines()[:4]
    ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8"/>']
    >>> ev.to_html("en") in page
    True
    """
    from cchc_indicators.core._html import escape
    from cchc_indicators.core.i18n import gettext
    from cchc_indicators.evaluation._labels import title_text
    from cchc_indicators.report._html_doc import document

    title = title_text(result.plan, lang)
    period = gettext("Period: {period}", lang).format(period=result.period)
    body = (
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="subtitle">{escape(period)}</p>\n'
        f"{result.to_html(lang)}"
    )
    return document(body, lang=lang, title=f"{title} — {period}")


def _check_format(args: argparse.Namespace) -> tuple[str, bool]:
    """Check ``--lang``, ``--excel-csv`` and ``--format xlsx`` before anything is computed.

    Returns the language and whether CSV starts with a byte-order mark.
    """
    from cchc_indicators.cli._lang import check_excel_csv, language

    lang = language(args)
    bom = check_excel_csv(args)
    if args.format == "xlsx" and args.output is None:
        msg = "--format xlsx writes a workbook: give --output FILE.xlsx"
        raise _UsageError(msg)
    return lang, bom


def write_result(
    result: Evaluation,
    args: argparse.Namespace,
    out: TextIO,
    lang: str,
    bom: bool,
    render: Callable[[Evaluation, str, str, bool], str],
) -> None:
    """Write ``result`` as ``--format`` says: a workbook for ``xlsx``, else text."""
    from cchc_indicators.cli._output import cannot_write, write_output

    if args.format == "xlsx":
        try:
            result.to_excel(args.output, lang=lang)
        except OSError as exc:
            error = cannot_write("--output", args.output, exc)
            raise error from None
        return
    text = render(result, args.format, lang, args.codes)
    write_output(lambda fh: fh.write(text + "\n"), args.output, out, bom=bom)


def _load_plan(text: str) -> Plan:
    from cchc_indicators.core import catalog

    if text in catalog.names():
        return catalog.load(text)
    if Path(text).exists():
        from cchc_indicators.core.plan import Plan

        return Plan.from_json(Path(text))
    msg = f"--plan: {text!r} is neither a catalogue ({', '.join(catalog.names())}) nor a file"
    raise _UsageError(msg)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``cchc evaluate``: a plan on a long observation CSV; return the exit code."""
    from cchc_indicators.cli._common import units_option
    from cchc_indicators.datasets import units as embedded_units
    from cchc_indicators.evaluation import evaluate

    if args.by_unit and args.format not in ("table", "csv", "json"):
        msg = f"--by-unit writes --format table, csv or json, not {args.format}"
        raise _UsageError(msg)
    lang, bom = _check_format(args)
    fmt = _plot_format(args.plot)
    tier_map = _tier_map(args.tier_map)
    plan = _load_plan(args.plan)
    if args.units is not None:
        hierarchy = units_option(args.units, args.levels)
    elif plan.units is not None:
        hierarchy = embedded_units(plan.units)
    else:
        msg = f"plan {plan.code!r} names no embedded units: give --units UNITS.csv"
        raise _UsageError(msg)
    panel, _ = _read_data(args.data, hierarchy, args.units, indicators=plan.indicators)
    result = evaluate(
        plan,
        panel,
        period=_period_option(args.period),
        min_coverage=args.min_coverage,
        method=args.method,
        tier_map=tier_map,
        rank_k=args.rank_k,
        rank_rounding=args.rank_rounding,
    )
    _save_plot(result, args.plot, fmt)
    write_result(result, args, out, lang, bom, _render_by_unit if args.by_unit else _render)
    return 0


def _tier_map(text: str | None) -> dict[str, str]:
    """Read ``--tier-map FROM=TO[,FROM=TO...]``."""
    out: dict[str, str] = {}
    for item in [] if text is None else text.split(","):
        old, eq, new = (x.strip() for x in item.partition("="))
        if not (eq and old and new):
            msg = f"--tier-map: write FROM=TO, such as district=commune; got {text!r}"
            raise _UsageError(msg)
        out[old] = new
    return out
