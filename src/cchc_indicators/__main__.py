"""``python -m cchc_indicators``: the ``cchc`` command line (``demo`` when given no arguments)."""

import sys

from cchc_indicators.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
