"""The demo's village collective income 2014–2017 and the households sharing it (issue 6)."""

from __future__ import annotations


def demo_collective_reset() -> None:
    """Delete what :func:`demo_collective` wrote (raw deletes)."""


def demo_collective(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
