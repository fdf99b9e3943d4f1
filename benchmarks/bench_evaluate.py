"""Benchmark: evaluating Vĩnh Phúc's whole 2021–2025 plan on the synthetic demo data.

Goal (from the plan issue): the whole evaluation takes under 50 ms warm.

Ours: ``evaluate(plan, demo_panel(), period=...)`` for the final year (2025)
and the mid-term review (2023), after a warm-up.

Baseline: a plain-Python loop over the observation records that computes the
same rows (pooled tier values, reductions against 2021, ranks among the 63
provinces, targets judged every year and the change from the year before,
per-field rows, statuses with the linear projection) with dictionaries and no
numpy, written independently of the library. Before timing, both are checked
to give the same value and status on every row.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import cchc_indicators as cchc  # noqa: E402
from _timing import Result, time_alternating  # noqa: E402
from cchc_indicators import catalog, datasets  # noqa: E402
from cchc_indicators.evaluation import evaluate  # noqa: E402

GOAL_S = 0.050


def _plain_evaluate(plan: Any, records: list[dict[str, Any]], units: Any, period: str) -> dict:
    """Evaluate with plain loops; returns {(indicator, unit, scope): (value, status)}."""
    parent = {u.code: u.parent for u in units}
    level = {u.code: u.level for u in units}
    periods = sorted({r["period"] for r in records})
    obs: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in records:
        obs[(r["indicator"], r["unit"], r["period"])] = r

    def own(code: str, unit: str, p: str) -> float:
        r = obs.get((code, unit, p))
        if r is None:
            return math.nan
        if "denominator" in r:
            return r["numerator"] * 100.0 / r["denominator"] if r["denominator"] > 0 else math.nan
        return float(r["value"])

    def inside(unit: str, top: str) -> bool:
        while unit is not None:
            if unit == top:
                return True
            unit = parent[unit]
        return False

    def pooled(code: str, top: str, p: str, tier: str | None, share: bool) -> float:
        num = den = met = n = 0.0
        for (c, u, q), r in obs.items():
            if c != code or q != p or not inside(u, top):
                continue
            if tier is not None and level[u] != tier:
                continue
            if share:
                n += 1
                met += 1.0 if r.get("value") == 1 else 0.0
            else:
                num += r["numerator"]
                den += r["denominator"]
        if share:
            return met * 100.0 / n if n else math.nan
        return num * 100.0 / den if den > 0 else math.nan

    def rank(code: str, unit: str, p: str, among: str) -> float:
        mine = own(code, unit, p)
        if math.isnan(mine):
            return math.nan
        better = 0
        for u in level:
            if level[u] == among:
                v = own(code, u, p)
                if not math.isnan(v) and v > mine:
                    better += 1
        return 1.0 + better

    def status(series: dict[str, float], holds: Any, deadline: str, start: str) -> str:
        now = series[period]
        if math.isnan(now):
            return "no_data"
        if holds(now):
            return "achieved"
        if period >= deadline:
            return "not_achieved"
        pts = [(int(p), v) for p, v in series.items() if start <= p <= period and not math.isnan(v)]
        if len(pts) < 2:
            return "insufficient_data"
        mx = sum(x for x, _ in pts) / len(pts)
        my = sum(y for _, y in pts) / len(pts)
        slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
        return "on_track" if holds(my + slope * (int(deadline) - mx)) else "off_track"

    def every_year(
        series: dict[str, float], holds: Any, deadline: str, start: str, change: bool
    ) -> str:
        """A target judged in each year from the baseline (after it, for a change) to now."""
        first = int(start) + (1 if change else 0)
        window = [str(y) for y in range(first, min(int(period), int(deadline)) + 1)] or [period]
        values = [series.get(p, math.nan) for p in window]
        if any(not math.isnan(v) and not holds(v) for v in values):
            return "not_achieved"
        if all(math.isnan(v) for v in values):
            return "no_data"
        if any(math.isnan(v) for v in values):
            return "insufficient_data"
        return "achieved" if period >= deadline else "on_track"

    out: dict[tuple[str, str, str, int], tuple[float, str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    top = plan.unit
    by_code = {ind.code: ind for ind in plan.indicators}
    for pooled_ind in plan.indicators:
        for t in pooled_ind.targets:
            deadline, start = t.deadline or plan.deadline, t.baseline or plan.baseline
            bound = t.bound
            up = t.kind in ("at_least", "increase_by", "no_worse_than_previous")

            def holds(q: float, bound: float = bound, up: bool = up) -> bool:
                return q >= bound if up else q <= bound

            rows: list[tuple[str, str, str, dict[str, float], Any]] = []
            for ind in [by_code[c] for c in t.fields] or [pooled_ind]:
                if t.kind == "rank_at_most":
                    series = {p: rank(ind.code, top, p, t.among) for p in periods}
                    rows.append((ind.code, top, "own", series, holds))
                elif t.tier in (None, "province"):
                    scope = str(t.scope) if t.scope is not None else "own"
                    if scope == "territory":
                        series = {p: pooled(ind.code, top, p, None, False) for p in periods}
                    else:
                        series = {p: own(ind.code, top, p) for p in periods}
                    if t.relative:
                        base = series[t.baseline]
                        series = {p: (v - base) / abs(base) * 100.0 for p, v in series.items()}
                    if t.kind == "no_worse_than_previous":
                        sign = ind.direction.sign
                        series = {
                            p: (v - series.get(str(int(p) - 1), math.nan)) * sign
                            for p, v in series.items()
                        }
                    rows.append((ind.code, top, scope, series, holds))
                else:
                    share = t.rule is not None and t.rule.name == "share_meeting"
                    series = {p: pooled(ind.code, top, p, t.tier, share) for p in periods}
                    rows.append((ind.code, top, f"tier:{t.tier}", series, holds))
                    for u in level:
                        if level[u] == t.tier and inside(u, top):
                            s = {p: own(ind.code, u, p) for p in periods}
                            judge = (lambda q: q == 1) if share else holds
                            rows.append((ind.code, u, "own", s, judge))
            for code, unit, scope, series, judge in rows:
                n = seen.get((code, unit, scope), 0)
                seen[(code, unit, scope)] = n + 1
                if t.each_period:
                    change = t.kind == "no_worse_than_previous"
                    verdict = every_year(series, judge, deadline, start, change)
                else:
                    verdict = status(series, judge, deadline, start)
                out[(code, unit, scope, n)] = (series[period], verdict)
    return out


def run(*, quick: bool = False, repeats: int = 7) -> list[Result]:
    """Check that both evaluators agree, then time them (2025 and 2023)."""
    plan = catalog.load("vinh-phuc-2021-2025")
    panel = datasets.demo_panel()
    records = panel.to_records()
    units = panel.hierarchy
    print(
        f"[evaluate] {plan!r} on {panel!r} ({len(records):,} observation records; "
        f"synthetic demo data); cchc_indicators {cchc.__version__}"
    )
    results = []
    for period in ("2025", "2023"):
        ours = evaluate(plan, panel, period=period)
        plain = _plain_evaluate(plan, records, units, period)
        got: dict[tuple[str, str, str, int], tuple[float | None, str]] = {}
        seen: dict[tuple[str, str, str], int] = {}
        for r in ours.rows:  # a unit's n-th row on a scope: targets in plan order
            key = (r["indicator"], r["unit"], r["scope"])
            seen[key] = seen.get(key, 0) + 1
            got[(*key, seen[key] - 1)] = (r["value"], r["status"])
        if set(got) != set(plain):
            msg = f"row sets differ: {sorted(set(got) ^ set(plain))[:5]}"
            raise AssertionError(msg)
        for key, (value, status) in plain.items():
            v, s = got[key]
            same = (v is None and math.isnan(value)) or (v is not None and math.isclose(v, value))
            if not same or s != status:
                msg = f"{key}: ours {(v, s)} != plain loop {(value, status)}"
                raise AssertionError(msg)
        print(f"[evaluate] {period}: {len(ours.rows)} rows agree (value and status)")
        t = time_alternating(
            {
                "ours": lambda p=period: evaluate(plan, panel, period=p),
                "plain": lambda p=period: _plain_evaluate(plan, records, units, p),
            },
            repeats=3 if quick else repeats,
        )
        results.append(
            Result(
                name=f"evaluate whole plan, period {period}",
                ours_s=t["ours"],
                baseline="plain-Python loop over records",
                baseline_s=t["plain"],
                goal=f"ours < {GOAL_S * 1000:.0f} ms warm",
                min_ratio=t["plain"] / GOAL_S,  # met exactly when ours < 50 ms
                notes=(
                    f"evaluate {period}: ours {t['ours'] * 1000:.2f} ms warm "
                    f"(goal < {GOAL_S * 1000:.0f} ms), {len(ours.rows)} rows",
                ),
            )
        )
    return results


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
