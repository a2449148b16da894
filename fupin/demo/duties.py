"""The demo's 清单制 duty lists with tasks and progress, and the 井-shaped command structure (issue 5)."""

from __future__ import annotations


def demo_duties_reset() -> None:
    """Delete what :func:`demo_duties` wrote (raw deletes)."""


def demo_duties(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
