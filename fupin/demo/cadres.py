"""The demo's the cadre roster: profiles, posts, work teams, reserve cadres, evaluations, training records and two terms of leadership teams (issue 5)."""

from __future__ import annotations


def demo_cadres_reset() -> None:
    """Delete what :func:`demo_cadres` wrote (raw deletes)."""


def demo_cadres(*, seed: int, scale: float, progress=None):
    """Write the demo's records for this part; return a result with its counts."""
    return None
