"""Timing helpers shared by the benchmark modules (not a benchmark itself).

Our code and its baselines are timed in the same run, alternating, after a
warm-up; each figure is the median of several repeats, measured with
:func:`time.perf_counter` with the garbage collector paused.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Result:
    """One comparison of our code with one baseline.

    ``ratio`` is baseline time / our time: above 1 means we are faster.
    ``min_ratio`` is the smallest ratio that meets the goal stated in ``goal``.
    """

    name: str
    ours_s: float
    baseline: str
    baseline_s: float
    goal: str
    min_ratio: float
    notes: tuple[str, ...] = field(default=())
    #: What ``ours_s`` and ``baseline_s`` measure: seconds, or another unit such as "B/row".
    unit: str = "s"

    @property
    def ratio(self) -> float:
        return self.baseline_s / self.ours_s

    @property
    def met(self) -> bool:
        return self.ratio >= self.min_ratio

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ours_s": self.ours_s,
            "baseline": self.baseline,
            "baseline_s": self.baseline_s,
            "ratio": self.ratio,
            "goal": self.goal,
            "unit": self.unit,
        }


def time_alternating(
    candidates: Mapping[str, Callable[[], object]], *, repeats: int, warmup: int = 1
) -> dict[str, float]:
    """Time each callable ``repeats`` times, interleaved, and return the median seconds.

    Every round runs each candidate once; the order rotates from round to round
    so that no candidate always runs first (after a cache-cold pause) or last.
    """
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            shift = r % len(names)
            for name in names[shift:] + names[:shift]:
                fn = candidates[name]
                t0 = time.perf_counter()
                fn()
                samples[name].append(time.perf_counter() - t0)
            gc.enable()
            gc.collect()
            gc.disable()
    finally:
        if enabled:
            gc.enable()
    return {name: statistics.median(s) for name, s in samples.items()}


def fmt_value(value: float, unit: str) -> str:
    """A measure in its unit: seconds as :func:`fmt_seconds`, others with no decimals."""
    return fmt_seconds(value) if unit == "s" else f"{value:.0f} {unit}"


def fmt_seconds(s: float) -> str:
    """Format a duration with a unit that keeps 3-4 significant digits."""
    if s >= 1.0:
        return f"{s:.3f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"
