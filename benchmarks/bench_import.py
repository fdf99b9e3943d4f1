"""Benchmark: how long a fresh interpreter takes to import the package and to print the CLI's help.

Goals (from the layout issue):

- ``import cchc_indicators`` takes at most ``import numpy`` + 50 ms;
- ``python -m cchc_indicators --help`` takes at most 300 ms.

Each figure is the median of 9 fresh interpreters (``subprocess``), after one
warm-up run so that the ``.pyc`` files exist, timed alternately with the
baseline. The baselines are what any user pays anyway: importing NumPy, and
starting the interpreter with ``-c pass``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _timing import Result, time_alternating  # noqa: E402

#: Allowed on top of ``import numpy``, and for the whole ``--help`` run, in seconds.
IMPORT_MARGIN_S = 0.050
HELP_GOAL_S = 0.300


def _python(*args: str) -> None:
    subprocess.run([sys.executable, *args], check=True, capture_output=True)


def run(*, quick: bool = False, repeats: int = 9) -> list[Result]:
    """Time the imports and the help in fresh interpreters (9 repeats; 3 with ``quick``)."""
    n = 3 if quick else max(repeats, 9)
    print(f"[import] {sys.executable}, median of {n} fresh interpreters")
    t = time_alternating(
        {
            "ours": lambda: _python("-c", "import cchc_indicators"),
            "numpy": lambda: _python("-c", "import numpy"),
        },
        repeats=n,
    )
    h = time_alternating(
        {
            "help": lambda: _python("-m", "cchc_indicators", "--help"),
            "bare": lambda: _python("-c", "pass"),
        },
        repeats=n,
    )
    goal_import = t["numpy"] + IMPORT_MARGIN_S
    return [
        Result(
            name="import cchc_indicators (fresh interpreter)",
            ours_s=t["ours"],
            baseline="import numpy",
            baseline_s=t["numpy"],
            goal=f"ours <= numpy + {IMPORT_MARGIN_S * 1000:.0f} ms",
            min_ratio=t["numpy"] / goal_import,
            notes=(
                f"import: ours {t['ours'] * 1000:.0f} ms, numpy {t['numpy'] * 1000:.0f} ms "
                f"(goal <= {goal_import * 1000:.0f} ms); median of {n} fresh interpreters",
            ),
        ),
        Result(
            name="python -m cchc_indicators --help",
            ours_s=h["help"],
            baseline="python -c pass",
            baseline_s=h["bare"],
            goal=f"ours <= {HELP_GOAL_S * 1000:.0f} ms",
            min_ratio=h["bare"] / HELP_GOAL_S,
            notes=(
                f"--help: {h['help'] * 1000:.0f} ms (goal <= {HELP_GOAL_S * 1000:.0f} ms); "
                f"median of {n} fresh interpreters",
            ),
        ),
    ]


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
