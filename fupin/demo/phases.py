"""The build's phases, timed: wall and CPU seconds per phase, reported as they end.

:func:`fupin.demo.services.demo_build` runs each part of the demo inside ``phases(name)``;
whoever shows the progress (the ``fupin demo`` command: a bar per phase on a terminal, one
line per phase otherwise) gets ``start``/``say``/``end`` calls, and :attr:`Phases.done`
keeps the table the command prints at the end (and bench/README.md records). CPU time is
the process's (``time.process_time``): on a shared machine the wall time is hostage to the
other processes, the CPU time much less so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator


@dataclasses.dataclass
class Phase:
    name: str
    wall: float
    cpu: float


class Phases:
    """Times the named phases of a build and tells ``reporter`` (optional) as they go.

    ``reporter`` may have ``start(name)``, ``say(message)`` and ``end(phase)``; a plain
    callable is taken as ``say`` (the older ``progress`` callback of the demo's modules).
    """

    def __init__(self, reporter: object = None):
        self.reporter = reporter
        self.done: list[Phase] = []
        self.started = time.monotonic()
        self.cpu_started = time.process_time()

    def _hook(self, name: str) -> Callable | None:
        if self.reporter is None:
            return None
        hook = getattr(self.reporter, name, None)
        if hook is None and name == "say" and callable(self.reporter):
            return self.reporter
        return hook

    def say(self, message: str) -> None:
        hook = self._hook("say")
        if hook:
            hook(message)

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        hook = self._hook("start")
        if hook:
            hook(name)
        wall, cpu = time.monotonic(), time.process_time()
        yield
        phase = Phase(name, time.monotonic() - wall, time.process_time() - cpu)
        self.done.append(phase)
        hook = self._hook("end")
        if hook:
            hook(phase)

    @property
    def wall(self) -> float:
        return time.monotonic() - self.started

    @property
    def cpu(self) -> float:
        return time.process_time() - self.cpu_started
