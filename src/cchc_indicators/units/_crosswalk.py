"""Building and checking crosswalk links (engine of :mod:`cchc_indicators.units.crosswalk`).

Every function works on whole arrays of rows: codes are looked up in one pass,
links grouped by old unit with a sort, weights summed with :func:`numpy.bincount`.
Problems are collected with their row numbers and raised together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cchc_indicators.core._validate import Problems, parse_numbers, read_csv
from cchc_indicators.core.errors import DefinitionError, InvalidDataError, Problem
from cchc_indicators.core.rules import number_text
from cchc_indicators.units.hierarchy import Hierarchy

if TYPE_CHECKING:
    from cchc_indicators.units.crosswalk import Crosswalk

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Weights = Mapping[tuple[str, str], float] | Iterable[Mapping[str, Any]] | str | os.PathLike[str]

#: How far the weights of one old unit may sum from 1 before it is an error.
WEIGHT_TOLERANCE = 1e-6

_TRUE = {"1", "true", "yes", "1.0"}
_FALSE = {"0", "false", "no", "0.0"}


class Collector(Problems):
    """Problems of one table, raised as ``error`` (an :class:`InvalidDataError` subclass)."""

    def __init__(self, rows: IntArray, error: type[InvalidDataError]) -> None:
        super().__init__(rows)
        self.error = error

    def raise_if_any(self, source: str) -> None:
        try:
            super().raise_if_any(source)
        except InvalidDataError as exc:
            raise self.error(exc.problems, source=source) from None


def text(value: object) -> str:
    return "" if value is None else str(value).strip()


def codes_of(column: Iterable[object]) -> NDArray[np.str_]:
    items = [text(x) for x in column]
    return np.array(items, dtype=str) if items else np.array([], dtype=str)


def _partly(value: object) -> int:
    """1, 0, -1 (not given) or -2 (not readable)."""
    if isinstance(value, bool):
        return int(value)
    t = text(value).lower()
    if not t:
        return -1
    return 1 if t in _TRUE else 0 if t in _FALSE else -2


def first_of_run(keys: IntArray) -> BoolArray:
    out = np.ones(len(keys), dtype=bool)
    out[1:] = keys[1:] != keys[:-1]
    return out


def _bad_number(bad_text: Mapping[int, str], values: FloatArray) -> Callable[[int], str]:
    def message(i: int) -> str:
        if i in bad_text:
            return f"not a number: {bad_text[i]!r}"
        return f"not a finite number: {float(values[i])!r}"

    return message


def build_links(
    columns: Mapping[str, list[Any]],
    row_numbers: IntArray,
    old: Hierarchy,
    new: Hierarchy,
    on_unknown: str,
    source: str,
    error: type[InvalidDataError],
) -> tuple[IntArray, IntArray, FloatArray, BoolArray, str, tuple[Problem, ...]]:
    """Validate link rows; return old and new positions, weights, partly, weighting, ignored rows."""
    if on_unknown not in ("raise", "ignore"):
        msg = f"on_unknown is 'raise' or 'ignore', not {on_unknown!r}"
        raise DefinitionError(msg)
    old_codes, new_codes = codes_of(columns["old_code"]), codes_of(columns["new_code"])
    n = len(old_codes)
    problems = Collector(row_numbers, error)
    old_pos, old_found = old.positions(old_codes)
    new_pos, new_found = new.positions(new_codes)
    empty_old, empty_new = old_codes == "", new_codes == ""
    problems.add(empty_old, "empty_field", "old_code", lambda i: "the old code is empty")
    problems.add(empty_new, "empty_field", "new_code", lambda i: "the new code is empty")
    unknown_old = ~old_found & ~empty_old
    unknown_new = ~new_found & ~empty_new

    def old_message(i: int) -> str:
        return f"old unit {str(old_codes[i])!r} is not in edition {old.edition} ({len(old)} units)"

    def new_message(i: int) -> str:
        return f"new unit {str(new_codes[i])!r} is not in edition {new.edition} ({len(new)} units)"

    ignored: list[Problem] = []
    if on_unknown == "ignore":
        for mask, kind, field, message in (
            (unknown_old, "unknown_old", "old_code", old_message),
            (unknown_new & ~unknown_old, "unknown_new", "new_code", new_message),
        ):
            ignored.extend(
                Problem(message(i), row=int(row_numbers[i]), field=field, kind=kind)
                for i in np.flatnonzero(mask).tolist()
            )
        ignored.sort(key=lambda p: p.row or 0)
    else:
        problems.add(unknown_old, "unknown_old", "old_code", old_message)
        problems.add(unknown_new, "unknown_new", "new_code", new_message)
    partly_raw = np.array([_partly(x) for x in columns["partly"]], dtype=np.int64)
    problems.add(
        partly_raw == -2,
        "bad_partly",
        "partly",
        lambda i: f"'partly' is 0 or 1, got {columns['partly'][i]!r}",
    )
    (weight, w_given, w_bad), bad_text = parse_numbers(columns["weight"])
    problems.add(w_bad, "bad_weight", "weight", _bad_number(bad_text, weight))
    negative = w_given & ~w_bad & (weight < 0)
    problems.add(
        negative, "bad_weight", "weight", lambda i: f"a weight must be >= 0, got {weight[i]:g}"
    )
    keep = np.flatnonzero(old_found & new_found & (partly_raw != -2) & ~w_bad & ~negative)
    order = keep[np.lexsort((new_pos[keep], old_pos[keep]))]
    o, nw = old_pos[order], new_pos[order]
    first_link = first_of_run(o * max(len(new), 1) + nw)
    run_start = np.maximum.accumulate(np.where(first_link, np.arange(len(o)), 0))
    dup = np.zeros(n, dtype=bool)
    dup[order[~first_link]] = True
    first_row_of = np.zeros(n, dtype=np.int64)
    first_row_of[order] = row_numbers[order[run_start]]
    problems.add(
        dup,
        "duplicate_link",
        "new_code",
        lambda i: (
            f"the link {str(old_codes[i])!r} -> {str(new_codes[i])!r} is given twice; "
            f"first in row {int(first_row_of[i])}"
        ),
    )
    order, o, nw = order[first_link], o[first_link], nw[first_link]
    _check_levels(problems, old, new, order, o, nw, n, old_codes, new_codes)
    # the links of one old unit are consecutive
    group_start = first_of_run(o)
    group = np.cumsum(group_start) - 1
    size = np.bincount(group)[group]
    given = partly_raw[order]
    mismatch = np.zeros(n, dtype=bool)
    mismatch[order[(size > 1) & (given == 0)]] = True
    problems.add(
        mismatch,
        "partly_mismatch",
        "partly",
        lambda i: (
            f"old unit {str(old_codes[i])!r} has several successors, but this row marks "
            "it partly=0: a unit split across several new ones is partly in each"
        ),
    )
    partly = np.where(given >= 0, given == 1, size > 1)
    weights, weighting = _group_weights(
        problems, weight[order], w_given[order], group, group_start, order, old, new, o, nw, n
    )
    problems.raise_if_any(source)
    return o, nw, weights, partly, weighting, tuple(ignored)


def _check_levels(
    problems: Collector,
    old: Hierarchy,
    new: Hierarchy,
    order: IntArray,
    o: IntArray,
    nw: IntArray,
    n: int,
    old_codes: NDArray[np.str_],
    new_codes: NDArray[np.str_],
) -> None:
    """Units of one old level must all go to units of one new level (the same name if it exists)."""
    o_lv, n_lv = old.level_of[o], new.level_of[nw]
    expected = np.full(len(old.levels), -1, dtype=np.int64)
    for k, name in enumerate(old.levels):
        if name in new.levels:
            expected[k] = new.levels.index(name)
        else:
            rows_k = np.flatnonzero(o_lv == k)
            if len(rows_k):
                expected[k] = n_lv[rows_k[np.argmin(order[rows_k])]]
    wrong = n_lv != expected[o_lv]
    bad = np.zeros(n, dtype=bool)
    bad[order[wrong]] = True
    lv_old = dict(zip(order[wrong].tolist(), o_lv[wrong].tolist(), strict=True))
    lv_new = dict(zip(order[wrong].tolist(), n_lv[wrong].tolist(), strict=True))
    problems.add(
        bad,
        "level_mismatch",
        "new_code",
        lambda i: (
            f"old unit {str(old_codes[i])!r} is a {old.levels[lv_old[i]]}, but new unit "
            f"{str(new_codes[i])!r} is a {new.levels[lv_new[i]]}: {old.levels[lv_old[i]]} units "
            f"go to {new.levels[int(expected[lv_old[i]])]} units"
        ),
    )


def _group_weights(
    problems: Collector,
    weight: FloatArray,
    given: BoolArray,
    group: IntArray,
    group_start: BoolArray,
    order: IntArray,
    old: Hierarchy,
    new: Hierarchy,
    o: IntArray,
    nw: IntArray,
    n: int,
) -> tuple[FloatArray, str]:
    """Weights per link: as given (each old unit's summing to 1), else equal shares."""
    n_groups = int(group[-1]) + 1 if len(group) else 0
    size = np.bincount(group, minlength=n_groups).astype(np.float64)
    n_given = np.bincount(group, weights=given, minlength=n_groups)
    total = np.bincount(group, weights=np.where(given, weight, 0.0), minlength=n_groups)
    first_row = np.zeros(n, dtype=bool)
    first_row[order[group_start]] = True
    where_group = np.zeros(n, dtype=np.int64)
    where_group[order] = group

    def parts(g: int) -> str:
        return ", ".join(
            f"{new.codes[int(nw[k])]}: {number_text(float(weight[k])) if given[k] else '(none)'}"
            for k in np.flatnonzero(group == g).tolist()
        )

    def code_of(g: int) -> str:
        return old.codes[int(o[np.argmax(group == g)])]

    some = np.append((n_given > 0) & (n_given < size), False)
    problems.add(
        first_row & some[where_group],
        "missing_weight",
        "weight",
        lambda i: (
            f"old unit {code_of(int(where_group[i]))!r} has weights on some of its links only "
            f"({parts(int(where_group[i]))}); give a weight on each or on none (equal shares)"
        ),
    )
    full = n_given == size
    off = np.append(full & (np.abs(total - 1.0) > WEIGHT_TOLERANCE), False)
    problems.add(
        first_row & off[where_group],
        "weights_sum",
        "weight",
        lambda i: (
            f"the weights of old unit {code_of(int(where_group[i]))!r} sum to "
            f"{total[where_group[i]]:g}, not 1 ({parts(int(where_group[i]))})"
        ),
    )
    divisor = np.where(full & (total > 0), total, 1.0)
    out = np.where(full[group], weight / divisor[group], 1.0 / size[group])
    if not n_given.any():
        how = "equal"
    elif bool(np.all(full | (size == 1))):
        how = "given"
    else:
        how = "given where stated, equal elsewhere"
    return out, how


def weight_rows(
    weights: Weights, error: type[InvalidDataError]
) -> tuple[list[Mapping[str, Any]], IntArray, str]:
    """The rows of a weights table: from a CSV file, a mapping or records."""
    if isinstance(weights, (str, os.PathLike)):
        path = Path(weights)
        header, table, numbers = read_csv(path)
        missing = [c for c in ("old_code", "new_code", "weight") if c not in header]
        if missing:
            got = ",".join(header) or "(empty file)"
            problem = Problem(
                f"missing column(s) {', '.join(missing)}; got {got}", row=1, kind="missing_column"
            )
            raise error([problem], source=str(path))
        idx = {c: header.index(c) for c in ("old_code", "new_code", "weight")}
        rows: list[Mapping[str, Any]] = [
            {c: (row[j] if j < len(row) else None) for c, j in idx.items()} for row in table
        ]
        return rows, numbers, str(path)
    if isinstance(weights, Mapping):
        rows = [{"old_code": k[0], "new_code": k[1], "weight": v} for k, v in weights.items()]
    else:
        rows = list(weights)
    return rows, np.arange(len(rows), dtype=np.int64), "<weights>"


def reweight(
    cw: Crosswalk,
    rows: list[Mapping[str, Any]],
    numbers: IntArray,
    where: str,
    normalize: bool,
    error: type[InvalidDataError],
) -> FloatArray:
    """Return the crosswalk's weights with those of ``rows`` put in; raise on any problem."""
    old_codes = codes_of(r.get("old_code") for r in rows)
    new_codes = codes_of(r.get("new_code") for r in rows)
    (w, w_given, w_bad), bad_text = parse_numbers([r.get("weight") for r in rows])
    problems = Collector(numbers, error)
    problems.add(~w_given, "missing_weight", "weight", lambda i: "the weight is empty")
    problems.add(w_bad, "bad_weight", "weight", _bad_number(bad_text, w))
    problems.add(
        w_given & ~w_bad & (w < 0),
        "bad_weight",
        "weight",
        lambda i: f"a weight must be >= 0, got {w[i]:g}",
    )
    n_old, n_new = len(cw.old), len(cw.new)
    o, o_found = cw.old.positions(old_codes)
    nw, n_found = cw.new.positions(new_codes)
    key_of_link = cw.old_index * n_new + cw.new_index  # increasing: links are sorted
    key = np.where(o_found & n_found, o * n_new + nw, -1)
    at = np.minimum(np.searchsorted(key_of_link, key), max(len(key_of_link) - 1, 0))
    found = (key >= 0) & (key_of_link[at] == key) if len(key_of_link) else key < -1
    problems.add(
        ~found,
        "unknown_link",
        "new_code",
        lambda i: no_link_message(cw, str(old_codes[i]), str(new_codes[i])),
    )
    usable = found & w_given & ~w_bad
    seen_link = np.zeros(len(rows), dtype=bool)
    _, first = np.unique(at[usable], return_index=True)
    seen_link[np.flatnonzero(usable)[first]] = True
    problems.add(
        usable & ~seen_link,
        "duplicate_link",
        "new_code",
        lambda i: f"the weight of {str(old_codes[i])!r} -> {str(new_codes[i])!r} is given twice",
    )
    ok = usable & seen_link
    link = at[ok]
    counts = np.bincount(cw.old_index, minlength=n_old)
    named = np.bincount(cw.old_index[link], minlength=n_old)
    ok_rows = np.flatnonzero(ok)
    incomplete = (named > 0) & (named != counts)
    first_named = np.zeros(len(rows), dtype=bool)
    first_named[ok_rows[np.unique(cw.old_index[link], return_index=True)[1]]] = True
    unit_of_row = np.maximum(o, 0)
    problems.add(
        first_named & incomplete[unit_of_row],
        "missing_weight",
        "weight",
        lambda i: (
            f"old unit {str(old_codes[i])!r} has {int(counts[o[i]])} links "
            f"({', '.join(c for c, _ in cw.successors(str(old_codes[i])))}); give a weight "
            f"for each, not for {int(named[o[i]])}"
        ),
    )
    new_weight = cw.weight.copy()
    new_weight[link] = w[ok]
    sums = np.bincount(cw.old_index, weights=new_weight, minlength=n_old)
    touched = (named > 0) & ~incomplete
    check = first_named & touched[unit_of_row]
    if normalize:
        problems.add(
            check & (sums <= 0)[unit_of_row],
            "zero_weights",
            "weight",
            lambda i: f"the weights of old unit {str(old_codes[i])!r} sum to 0: nothing to share",
        )
    else:
        problems.add(
            check & (np.abs(sums - 1.0) > WEIGHT_TOLERANCE)[unit_of_row],
            "weights_sum",
            "weight",
            lambda i: _sum_message(cw, int(o[i]), new_weight, float(sums[o[i]])),
        )
    problems.raise_if_any(where)
    scale = np.where(touched & (sums > 0), sums, 1.0)
    out: FloatArray = np.where(touched[cw.old_index], new_weight / scale[cw.old_index], cw.weight)
    return out


def no_link_message(cw: Crosswalk, old_code: str, new_code: str) -> str:
    if old_code not in cw.old:
        return f"old unit {old_code!r} is not in edition {cw.old.edition}"
    if new_code not in cw.new:
        return f"new unit {new_code!r} is not in edition {cw.new.edition}"
    successors = cw.successors(old_code)
    if successors:
        shown = ", ".join(c for c, _ in successors)
        return f"no link from {old_code!r} to {new_code!r} in the crosswalk; its successors are {shown}"
    level = cw.old.level(old_code)
    hint = (
        f"; its level {level!r} has no links (derive them first, such as "
        f"crosswalk.derive({level!r}, 'commune'))"
        if level not in cw.levels
        else ""
    )
    return f"old unit {old_code!r} has no link in the crosswalk{hint}"


def _sum_message(cw: Crosswalk, i: int, weights: FloatArray, total: float) -> str:
    links = np.flatnonzero(cw.old_index == i).tolist()
    parts = ", ".join(
        f"{cw.new.codes[int(cw.new_index[k])]}: {number_text(float(weights[k]))}" for k in links
    )
    return f"the weights of old unit {cw.old.codes[i]!r} sum to {total:g}, not 1 ({parts})"


def derive_links(
    cw: Crosswalk, level: str, onto: str
) -> tuple[IntArray, IntArray, FloatArray, BoolArray, str]:
    """Links for the old units of ``level`` through a linked level above or below it.

    Returns all links (the crosswalk's and the new ones), sorted, and a note.
    """
    old, new = cw.old, cw.new
    k = old.level_number(level)
    new.level_number(onto)  # an unknown new level raises here
    levels = cw.levels
    if level in levels:
        msg = f"the old level {level!r} already has links (to {levels[level]!r} units)"
        raise DefinitionError(msg)
    sources = [a for a, b in levels.items() if b == onto]
    if not sources:
        msg = f"no linked old level goes to the new level {onto!r}; the links are {cw!r}"
        raise DefinitionError(msg)
    name = sources[0]
    src = old.level_number(name)
    mine = old.level_of[cw.old_index] == src
    lo, ln, lw = cw.old_index[mine], cw.new_index[mine], cw.weight[mine]
    off_src, off_k = old.level_slice(src).start, old.level_slice(k).start
    if src < k:  # each unit takes its ancestor's links
        anc = old.ancestors(k, src)
        units_src = off_src + np.arange(old.level_size(src))
        first = np.searchsorted(lo, units_src)
        reps = (np.searchsorted(lo, units_src, "right") - first)[anc]
        unit = np.repeat(np.arange(old.level_size(k)), reps)
        at = np.repeat(first[anc], reps) + (
            np.arange(len(unit)) - np.repeat(np.cumsum(reps) - reps, reps)
        )
        o_new, n_new, w_new = unit + off_k, ln[at], lw[at]
        note = f"{level} links derived from {name} links (a {level} goes where its {name} went)"
    else:  # each unit is shared among its linked descendants' successors
        up = old.ancestors(src, k)
        anc = up[lo - off_src]
        n_mapped = np.bincount(up[np.unique(lo) - off_src], minlength=old.level_size(k))
        uniq, inverse = np.unique(anc * len(new) + ln, return_inverse=True)
        w_new = np.bincount(inverse, weights=lw / n_mapped[anc])
        o_new, n_new = uniq // len(new) + off_k, uniq % len(new)
        note = (
            f"{level} links derived from {name} links (a {level} is shared among the "
            f"successors of its {name}s, each {name} counting equally)"
        )
    counts = np.bincount(o_new, minlength=len(old))
    o_all = np.concatenate([cw.old_index, o_new])
    n_all = np.concatenate([cw.new_index, n_new])
    order = np.lexsort((n_all, o_all))
    partly = np.concatenate([cw.partly, counts[o_new] > 1])
    weights = np.concatenate([cw.weight, w_new])
    return o_all[order], n_all[order], weights[order], partly[order], note


def compose_links(
    first: Crosswalk, second: Crosswalk
) -> tuple[IntArray, IntArray, FloatArray, BoolArray, tuple[str, ...]]:
    """Links old -> new of ``first`` followed by ``second``, and the old units left unmapped.

    The middle units are matched by code: every new unit of ``first`` must be
    an old unit of ``second``. A link's weight is the product of the two
    weights; links reaching one new unit through several middle units add up.
    An old unit that reaches a middle unit without links in ``second`` keeps
    no link at all (its share would otherwise be lost silently); those units
    are returned.
    """
    mid_codes = [first.new.codes[j] for j in range(len(first.new))]
    missing = [c for c in mid_codes if c not in second.old]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        msg = (
            f"cannot chain crosswalks: {len(missing)} unit(s) of {first.new.edition} that the first "
            f"crosswalk goes to are not units of the second one's old edition: {shown}"
        )
        raise DefinitionError(msg)
    mid_pos = np.array([second.old.position(c) for c in mid_codes], dtype=np.int64)
    n_mid2 = len(second.old)
    starts = np.searchsorted(second.old_index, np.arange(n_mid2))
    counts = np.bincount(second.old_index, minlength=n_mid2)
    m = mid_pos[first.new_index]  # middle unit of each first link, in second.old
    reps = counts[m]
    dead = np.bincount(first.old_index[reps == 0], minlength=len(first.old)) > 0
    keep = ~dead[first.old_index]
    o1, m1, w1, reps = first.old_index[keep], m[keep], first.weight[keep], reps[keep]
    link2 = np.repeat(starts[m1], reps) + (
        np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    old = np.repeat(o1, reps)
    new = second.new_index[link2]
    weight = np.repeat(w1, reps) * second.weight[link2]
    key = old * max(len(second.new), 1) + new
    uniq, inverse = np.unique(key, return_inverse=True)
    w = np.bincount(inverse, weights=weight)
    o_out, n_out = uniq // max(len(second.new), 1), uniq % max(len(second.new), 1)
    several = np.bincount(o_out, minlength=len(first.old))[o_out] > 1
    p1 = np.bincount(first.old_index, weights=first.partly, minlength=len(first.old)) > 0
    p2 = np.bincount(second.old_index, weights=second.partly, minlength=n_mid2) > 0
    via_partly = np.bincount(first.old_index[p2[m]], minlength=len(first.old)) > 0
    partly = several | p1[o_out] | via_partly[o_out]
    lost = tuple(first.old.codes[i] for i in np.flatnonzero(dead).tolist())
    out_w: FloatArray = np.asarray(w, dtype=np.float64)
    out_p: BoolArray = np.asarray(partly, dtype=np.bool_)
    return o_out.astype(np.int64), n_out.astype(np.int64), out_w, out_p, lost
