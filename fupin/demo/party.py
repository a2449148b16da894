"""The demo's Party organisations, members, transfers and two years of 三会一课 with realistic gaps (issue 5)."""

from __future__ import annotations


def demo_party_reset() -> None:
    """Delete what :func:`demo_party` wrote (raw deletes)."""


def demo_party(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
