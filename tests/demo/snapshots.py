"""The one small demo every module of ``tests/demo`` reads, and the parts of its snapshot.

A part is a function returning, in a stable order and without primary keys, what one piece of
the demo wrote; :func:`take_snapshot` calls them all. The determinism test rebuilds the demo
once and compares every part, instead of one rebuild per module.
"""

from __future__ import annotations

from collections.abc import Callable

SEED = 7
SCALE = 0.02
PASSWORD = "demo-test-pw-1"

SNAPSHOT_PARTS: dict[str, Callable[[], object]] = {}


def snapshot_part(name: str):
    def register(function):
        SNAPSHOT_PARTS[name] = function
        return function

    return register


def take_snapshot() -> dict:
    return {name: function() for name, function in SNAPSHOT_PARTS.items()}
