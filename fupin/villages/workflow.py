"""The steps of a village's exit (贫困村出列), as data (docs/villages.md).

The household cases of :mod:`fupin.identification` hold a household and complete into the
registry, so a village's exit has its own small chain with the same shape: a case's ``state``
is the last step it reached, the next step is the one after it, and each step is its level's
(:mod:`fupin.accounts.actions`: the village team applies, the township reviews, the county
decides, publishes the notice and, once the notice period is over, announces the exit).
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from fupin.accounts.actions import Action

# Days a village exit stays on notice before the county may announce it.
NOTICE_DAYS = 7


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    action: Action
    # A step that may refuse the exit (with a reason), closing the case as rejected.
    decides: bool = False
    final: bool = False


STEPS: tuple[Step, ...] = (
    Step("applied", _("嘎查村申请"), Action.VILLAGE_EXIT_VILLAGE),
    Step("township_review", _("苏木乡镇审核"), Action.VILLAGE_EXIT_TOWNSHIP, decides=True),
    Step("county_decision", _("旗县审定"), Action.VILLAGE_EXIT_COUNTY, decides=True),
    Step("notice", _("旗县公示"), Action.VILLAGE_EXIT_COUNTY),
    Step("announced", _("旗县公告出列"), Action.VILLAGE_EXIT_COUNTY, final=True),
)


def step(name: str) -> Step:
    for candidate in STEPS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def next_step(state: str) -> Step | None:
    names = [s.name for s in STEPS]
    i = names.index(state) + 1
    return STEPS[i] if i < len(STEPS) else None


def label(name: str) -> str:
    try:
        return str(step(name).label)
    except KeyError:
        return name
