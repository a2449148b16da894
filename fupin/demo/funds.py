"""The demo's funds, projects, allocations, beneficiaries and dividends (issue 6)."""

from __future__ import annotations


def demo_funds_reset() -> None:
    """Delete what :func:`demo_funds` wrote (raw deletes)."""


def demo_funds(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
