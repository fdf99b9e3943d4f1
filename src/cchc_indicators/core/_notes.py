"""Notes that results carry, shared by the layers that make up synthetic data."""

from __future__ import annotations

__all__ = ["SYNTHETIC_NOTE"]

#: The label every output built on synthetic data carries.
SYNTHETIC_NOTE = "SYNTHETIC DATA: made up for demonstration, not official figures"
