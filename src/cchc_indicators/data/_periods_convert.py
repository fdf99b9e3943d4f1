"""The engine of :func:`~cchc_indicators.data.periods.to_granularity`: windows, checks, combining.

:func:`_windows` says which source columns make up each output period;
:func:`_unit_granularity` finds each unit's granularity of an indicator and
refuses data that cannot be converted; :func:`_convert` combines the cells of
every window for all units at once (:func:`_combine`: sum, last value or mean,
by the indicator's temporal nature); :func:`_note` words what was done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._periods import (
    _RANK,
    GRANULARITIES,
    _enclosing,
    _n_sub,
    _position,
    _sub_periods,
    axis_sort_key,
)
from cchc_indicators.core._periods import granularity as _granularity
from cchc_indicators.core._validate import PROBLEM_LIMIT, Problems
from cchc_indicators.core.errors import PeriodError, UnknownIndicatorError
from cchc_indicators.core.indicators import Temporal

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from cchc_indicators.data.panel import Panel

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@attrs.frozen
class _Window:
    """One output column: its label and, per source granularity, the source columns it takes."""

    label: str
    enclosing: str
    #: source granularity -> (columns in time order, sub-periods expected, label of the last one)
    by_grain: dict[str, tuple[list[int], int, str]]


def _windows(
    labels: tuple[str, ...], grains: list[str], usable: list[int], target: str, ytd: bool
) -> list[_Window]:
    if ytd:
        out = []
        for j in usable:
            label, grain = labels[j], grains[j]
            whole = _enclosing(label, target)
            cols = [
                k
                for k in usable
                if grains[k] == grain
                and _enclosing(labels[k], target) == whole
                and axis_sort_key(labels[k]) <= axis_sort_key(label)
            ]
            out.append(_Window(label, whole, {grain: (cols, _position(label, target) + 1, label)}))
        return out
    wholes = sorted({_enclosing(labels[j], target) for j in usable}, key=axis_sort_key)
    out = []
    for whole in wholes:
        by_grain: dict[str, tuple[list[int], int, str]] = {}
        for grain in GRANULARITIES[_RANK[target] :]:
            cols = [
                k for k in usable if grains[k] == grain and _enclosing(labels[k], target) == whole
            ]
            last = _sub_periods(whole, target, grain)[-1]
            by_grain[grain] = (cols, _n_sub(grain, target), last)
        out.append(_Window(whole, whole, by_grain))
    return out


def _unit_granularity(
    panel: Panel,
    code: str,
    d: Any,
    labels: tuple[str, ...],
    grains: list[str],
    target: str,
) -> NDArray[np.str_]:
    """Each unit's granularity for this indicator ("" without data); refuse what cannot be done."""
    observed = d.observed
    n_units = observed.shape[0]
    held = np.zeros((n_units, len(GRANULARITIES)), dtype=bool)
    for g, grain in enumerate(GRANULARITIES):
        cols = [j for j, x in enumerate(grains) if x == grain]
        if cols:
            held[:, g] = observed[:, cols].any(axis=1)
    coarse = [j for j, x in enumerate(grains) if _RANK[x] < _RANK[target]]
    if coarse and observed[:, coarse].any():
        i, k = np.argwhere(observed[:, coarse])[0]
        j = coarse[int(k)]
        msg = (
            f"indicator {code!r} holds {grains[j]}s (unit {panel.hierarchy.codes[int(i)]!r}, "
            f"period {labels[j]!r}, row {int(d.row[i, j])}), which cannot be split into "
            f"{target}s; convert to a coarser granularity, or leave the indicator out with "
            "indicators="
        )
        raise PeriodError(msg, code=code, granularity=grains[j], target=target)
    mixed = held.sum(axis=1) > 1
    if mixed.any():
        units = np.flatnonzero(mixed)
        # name each unit once, at its first observation in the panel's period order; the
        # problems beyond PROBLEM_LIMIT are counted, not named
        problems = Problems(d.row[units, np.argmax(observed[units], axis=1)])
        names = [
            " and ".join(f"{GRANULARITIES[g]}s" for g in range(3) if held[i, g])
            for i in units[:PROBLEM_LIMIT].tolist()
        ]
        problems.add(
            np.ones(len(units), dtype=bool),
            "mixed_periods",
            "period",
            lambda k: (
                f"indicator {code!r} holds {names[k]} for unit "
                f"{panel.hierarchy.codes[int(units[k])]!r}; give each indicator and unit in "
                "one granularity"
            ),
        )
        problems.raise_if_any(panel.source)
    index = np.where(held.any(axis=1), np.argmax(held, axis=1), -1)
    names_of = np.array([*GRANULARITIES, ""], dtype=str)
    out: NDArray[np.str_] = names_of[index]
    return out


def _temporal_of(panel: Panel, code: str) -> Temporal:
    ind = panel.indicators.get(code)
    if ind is None:
        msg = (
            f"indicator {code!r} has no definition in the panel, so how its periods combine "
            "(flow, stock or level) is unknown; pass indicators= when building the panel, or "
            "call Panel.with_indicators"
        )
        raise UnknownIndicatorError(msg, key=code)
    return ind.temporal


def _maybe_temporal(panel: Panel, code: str) -> Temporal | None:
    ind = panel.indicators.get(code)
    return None if ind is None else ind.temporal


def _refuse_bare_flow(panel: Panel, code: str, d: Any, finer_cols: list[bool]) -> None:
    """A flow ratio is summed part by part: a bare value in a column to be summed is an error."""
    bare = d.bare_value & np.array(finer_cols, dtype=bool)[None, :]
    if not bare.any():
        return
    problems = Problems(d.row[bare])
    periods = np.array(panel.periods)[np.nonzero(bare)[1]]
    problems.add(
        np.ones(int(bare.sum()), dtype=bool),
        "bare_value_flow",
        "value",
        lambda k: (
            f"indicator {code!r} is a flow ratio: its {_granularity(str(periods[k]))}s are added "
            "up part by part, so give numerator and denominator, not a bare value"
        ),
    )
    problems.raise_if_any(panel.source)


def _convert(
    panel: Panel,
    code: str,
    d: Any,
    temporal: Temporal | None,
    unit_grain: NDArray[np.str_],
    windows: list[_Window],
    target: str,
) -> tuple[dict[str, NDArray[Any]], dict[str, NDArray[Any]]]:
    """Combine the cells of each window, for every unit at once; a loop over windows only."""
    n_units, n_out = d.observed.shape[0], len(windows)
    # filled period by period, so stored periods x units and transposed at the end
    out = {
        "value": np.full((n_out, n_units), np.nan),
        "numerator": np.full((n_out, n_units), np.nan),
        "denominator": np.full((n_out, n_units), np.nan),
        "weight": np.full((n_out, n_units), np.nan),
        "row": np.full((n_out, n_units), -1, dtype=np.int64),
        "present": np.zeros((n_out, n_units), dtype=np.int64),
        "expected": np.zeros((n_out, n_units), dtype=np.int64),
        "at_end": np.zeros((n_out, n_units), dtype=bool),
    }
    finest = _finest(unit_grain, target)
    units_of: dict[str, BoolArray | slice] = {}
    for grain in GRANULARITIES:
        mask = unit_grain == grain
        if grain == finest:
            mask |= unit_grain == ""
        units_of[grain] = slice(None) if mask.all() else mask
    column_of = {p: j for j, p in enumerate(panel.periods)}
    scale = _scale_or_none(panel, code)
    src = {
        "value": d.value,
        "numerator": d.numerator,
        "denominator": d.denominator,
        "weight": d.weight,
        "row": d.row,
        "observed": d.observed,
        "has_parts": d.has_parts,
    }
    if temporal is Temporal.LEVEL:
        src["values"] = d.values(scale if scale is not None else 1.0)
    for t, w in enumerate(windows):
        for grain, (cols, expected, last) in w.by_grain.items():
            units = units_of[grain]
            if isinstance(units, np.ndarray) and not units.any():
                continue
            out["expected"][t, units] = expected
            if not cols:
                continue
            end = column_of.get(last)
            if end is not None:
                out["at_end"][t, units] = src["observed"][units, end]
            how = None if grain == target else temporal  # None: copy the cell as it is
            for name, arr in _combine(src, cols, how, scale).items():
                out[name][t, units] = arr[units]
    arrays = {name: arr.T for name, arr in out.items()}
    comp = {name: arrays.pop(name) for name in ("present", "expected", "at_end")}
    return arrays, comp


def _finest(unit_grain: NDArray[np.str_], target: str) -> str:
    held = set(unit_grain.tolist()) - {""}
    return max(held, key=_RANK.__getitem__) if held else target


def _scale_or_none(panel: Panel, code: str) -> float | None:
    ind = panel.indicators.get(code)
    if ind is None or ind.measure.kind != "ratio":
        return None
    return ind.measure.scale


def _combine(
    d: dict[str, NDArray[Any]], cols: list[int], temporal: Temporal | None, scale: float | None
) -> dict[str, NDArray[Any]]:
    """The combined cells of the columns ``cols`` (time order), for every unit."""
    observed = d["observed"][:, cols]
    present = observed.sum(axis=1)
    k = len(cols)
    # the last column with data, for each unit (0 where there is none: masked below)
    last = k - 1 - np.argmax(observed[:, ::-1], axis=1)
    pick = np.asarray(cols)[last]
    rows = np.arange(observed.shape[0])
    has = present > 0

    def at_last(arr: NDArray[Any]) -> NDArray[Any]:
        picked: NDArray[Any] = arr[rows, pick]
        return picked

    out: dict[str, NDArray[Any]] = {
        "present": present,
        "weight": at_last(d["weight"]),
        "row": np.where(has, at_last(d["row"]), -1),
    }
    if temporal is Temporal.STOCK or temporal is None:
        # a stock, or data already at the target granularity: the last cell as it is
        out["value"] = at_last(d["value"])
        out["numerator"] = at_last(d["numerator"])
        out["denominator"] = at_last(d["denominator"])
        return out
    parts = d["has_parts"][:, cols]
    n_parts = parts.sum(axis=1)
    num = np.where(parts, d["numerator"][:, cols], 0.0).sum(axis=1)
    den = np.where(parts, d["denominator"][:, cols], 0.0).sum(axis=1)
    nan = np.full(len(present), np.nan)
    if temporal is Temporal.FLOW:
        if scale is not None:  # a ratio: bare values were refused, so parts it is
            out["value"] = nan
            out["numerator"] = np.where(has, num, np.nan)
            out["denominator"] = np.where(has, den, np.nan)
        else:
            out["value"] = np.where(
                has, np.where(observed, d["value"][:, cols], 0.0).sum(axis=1), np.nan
            )
            out["numerator"] = out["denominator"] = nan
        return out
    # a level: the mean over the sub-periods with data
    with np.errstate(invalid="ignore", divide="ignore"):
        all_parts = has & (n_parts == present)
        values = d["values"][:, cols]
        mean_value = np.where(observed, values, 0.0).sum(axis=1) / present
        out["numerator"] = np.where(all_parts, num / n_parts, np.nan)
        out["denominator"] = np.where(all_parts, den / n_parts, np.nan)
    out["value"] = np.where(has & ~all_parts, mean_value, np.nan)
    return out


def _share(temporal: Temporal | None, c: dict[str, NDArray[Any]]) -> FloatArray:
    if temporal is Temporal.STOCK:
        out: FloatArray = c["at_end"].astype(np.float64)
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        share: FloatArray = np.where(c["expected"] > 0, c["present"] / c["expected"], 0.0)
    return share


def _mask(result: dict[str, NDArray[Any]], keep: BoolArray) -> dict[str, NDArray[Any]]:
    out = {name: np.where(keep, arr, np.nan) for name, arr in result.items() if name != "row"}
    out["row"] = np.where(keep, result["row"], -1)
    return out


def _note(
    grains: set[str], target: str, ytd: bool, dropped: int, partial: int, min_complete: float
) -> str:
    names = " and ".join(f"{g}s" for g in sorted(grains, key=_RANK.__getitem__))
    text = f"Values of {names} converted to {target}"
    text += " to date" if ytd else "s"
    text += (
        " by each indicator's temporal nature (flows added up, stocks taken at the period's "
        "end, levels averaged)"
    )
    if dropped:
        text += (
            f"; {dropped} value{'s' if dropped != 1 else ''} left out as incomplete "
            f"(min_complete={min_complete:g})"
        )
    if partial:
        text += f"; {partial} value{'s' if partial != 1 else ''} cover only part of their period"
    return text + "; see Panel.completeness."


def _join(note: str, more: str) -> str:
    return f"{note} {more}" if note else more
