"""Python's cyclic garbage collector, paused while a job allocates millions of objects.

Such a job (WeasyPrint laying out a village's cards, the demo drawing its rows) allocates
far more objects than it frees, and every few hundred allocations the collector walks the
young ones and, every few dozen passes, every object of the process: a fifth to a quarter of
the job's time, measured. Reference counting still frees almost everything; the few cycles
go at the next automatic pass once the job is done. (The registry import, which may run on
several server threads at once, holds the collector differently: fupin.registry.importing.)
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
