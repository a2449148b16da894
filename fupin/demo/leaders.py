"""The demo's Party-member entrepreneurship leaders and the households they drive (issue 6)."""

from __future__ import annotations


def demo_leaders_reset() -> None:
    """Delete what :func:`demo_leaders` wrote (raw deletes)."""


def demo_leaders(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
