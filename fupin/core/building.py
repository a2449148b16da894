"""Data still being built after the database is open for use: which parts are left, the
command that builds them, and what stopped them.

``fupin demo`` writes the registry and the seed's figures first, commits them and leaves its
other parts for later (docs/demo.md, "What comes later"). The state is one row of
:class:`~fupin.core.models.Setting`, so every process sees it: every page reads it (once per
request, :mod:`fupin.core.setting_values`) and says what is still being built; ``fupin
serve`` runs :attr:`Building.command` before it starts its task workers, so that no
scheduled report is published from half the data; and the builder marks each part done in
the part's own transaction, so that a server stopped halfway goes on from the next part.
"""

from __future__ import annotations

import dataclasses
import json

from .setting_values import setting_store, setting_value

KEY = "building"


@dataclasses.dataclass
class Building:
    command: list[str]  # the fupin command (and its arguments) that builds what is left
    parts: list[str]  # the names of the parts left, in the order they are built
    done: list[str] = dataclasses.field(default_factory=list)
    failed: str = ""  # the part that failed last and why, until it is built
    data: dict = dataclasses.field(default_factory=dict)  # what the command needs

    @property
    def pending(self) -> list[str]:
        return [name for name in self.parts if name not in self.done]


def building_state() -> Building | None:
    """What is still being built, or None when the data are whole."""
    value = setting_value(KEY)
    return Building(**json.loads(value)) if value else None


def building_save(state: Building) -> None:
    setting_store(KEY, json.dumps(dataclasses.asdict(state), ensure_ascii=False))


def building_clear() -> None:
    setting_store(KEY, None)
