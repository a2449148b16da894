"""A procedure's steps as data: the small engine the exit procedures share.

A case's ``state`` is the last step it reached; the next step is the one after it in the
chain, and each step names the write action (``fupin.accounts.actions``) whose roles may take
it. The village exit (fupin.villages.workflow) and the county exit (fupin.counties.workflow)
are chains of this engine; their services keep the rules of their own level.
"""

from __future__ import annotations

import dataclasses
import datetime


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    action: str
    # A step that may refuse (with a reason), closing the case as rejected.
    decides: bool = False
    final: bool = False


@dataclasses.dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]
    # Days a case stays on notice before its final step may be taken.
    notice_days: int = 7

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, name: str) -> Step:
        for candidate in self.steps:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def next_step(self, state: str) -> Step | None:
        names = [s.name for s in self.steps]
        i = names.index(state) + 1
        return self.steps[i] if i < len(self.steps) else None

    def label(self, name: str) -> str:
        try:
            return str(self.step(name).label)
        except KeyError:
            return name

    def notice_ends(self, noticed_on: datetime.date) -> datetime.date:
        """The last day of the notice period begun on ``noticed_on``."""
        return noticed_on + datetime.timedelta(days=self.notice_days)
