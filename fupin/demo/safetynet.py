"""The demo's safety-net policy enrolments (issue 6)."""

from __future__ import annotations


def demo_safetynet_reset() -> None:
    """Delete what :func:`demo_safetynet` wrote (raw deletes)."""


def demo_safetynet(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
